/* Pictures written by commands other than `ssoc plot`: the picture-path check shared with it, and
 * the parity plots of `ssoc fit --parity` and `ssoc validate --parity` (the points, bands and
 * numbers gathered here from what the command computed; the drawing is ssoc_plot_parity). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "ssoc/boot.h"
#include "ssoc/outpath.h"
#include "ssoc/plot.h"
#include "ssoc/stats.h"

int ssoc_cli_picture_check(const char *cmd, const char *opt, const char *path, int force)
{
    if (!path[0])
        return ssoc_cli_usage_error(cmd, "option %s: the file name is empty", opt);
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    static const char *const ok[] = {".png", ".svg", ".pdf", ".PNG", ".SVG", ".PDF"};
    int known = 0;
    for (size_t i = 0; dot && !(slash && dot < slash) && i < sizeof ok / sizeof ok[0]; ++i)
        known |= !strcmp(dot, ok[i]);
    if (!known)
        return ssoc_cli_usage_error(cmd, "%s %s: the picture type comes from the extension: .png, .svg or .pdf", opt,
                                    path);
    /* not a directory, device or link, a writable directory, no existing picture without --force */
    ssoc_error err = {0};
    if (ssoc_outpath_check(path, force ? SSOC_OUTPATH_FORCE : 0, &err) != SSOC_OK)
        return ssoc_cli_fail(cmd, &err);
    return SSOC_EXIT_OK;
}

/* "kim2026_lps_aimd_500K.csv, 23 points at 500 K" (or "at 300–800 K") */
static void set_label(const char *path, size_t n, const double *T, char *buf, size_t cap)
{
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : path ? path : "data";
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; ++i)
        lo = fmin(lo, T[i]), hi = fmax(hi, T[i]);
    if (hi > lo)
        snprintf(buf, cap, "%.160s, %zu points at %g–%g K", base, n, lo, hi);
    else
        snprintf(buf, cap, "%.160s, %zu points at %g K", base, n, lo);
}

/* The points a fit was made to: predictions with `p`, bands over `boot` (NULL: none). Arrays are
 * owned by `buf` (one allocation). */
typedef struct train_set {
    double *buf, *pred, *lo, *hi;
    char label[256];
} train_set;

static ssoc_status train_build(const ssoc_dataset *d, const ssoc_params *p, const ssoc_metrics *m,
                               const ssoc_boot_result *boot, train_set *t, ssoc_plot_parity_set *s, ssoc_error *err)
{
    memset(t, 0, sizeof *t);
    const size_t n = d->n, nwork = boot ? boot->B + boot->n_jack : 0;
    t->buf = malloc((3 * n + nwork + 1) * sizeof *t->buf);
    if (!t->buf)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    t->pred = t->buf, t->lo = t->buf + n, t->hi = t->buf + 2 * n;
    for (size_t i = 0; i < n; ++i) {
        ssoc_layers L;
        ssoc_model_eval(p, d->x[i], d->rho_g_cm3[i], d->T_K[i], &L);
        t->pred[i] = L.sigma_S_cm;
        t->lo[i] = t->hi[i] = NAN;
        ssoc_sigma_band b;
        ssoc_error ignore = {0}; /* a point without a band (too few finite replicates) is drawn without a bar */
        if (boot && ssoc_boot_sigma_band(boot, d->x[i], d->rho_g_cm3[i], d->T_K[i], L.sigma_S_cm, t->buf + 3 * n, &b,
                                         &ignore) == SSOC_OK)
            t->lo[i] = b.lo, t->hi[i] = b.hi;
    }
    set_label(d->path, n, d->T_K, t->label, sizeof t->label);
    *s = (ssoc_plot_parity_set){.label = t->label, .held_out = 0, .n = n, .obs_S_cm = d->sigma_S_cm,
                                .pred_S_cm = t->pred, .lo_S_cm = boot ? t->lo : NULL, .hi_S_cm = boot ? t->hi : NULL,
                                .regime = d->regime, .line = d->line, .x = d->x, .rho_g_cm3 = d->rho_g_cm3,
                                .T_K = d->T_K, .r_log10 = m->r_log10_sigma, .rmse_log10 = m->rmse_log10_sigma,
                                .median_ratio = m->median_ratio};
    return SSOC_OK;
}

/* "three-stage fit to data/x.csv; v_c, n_H held fixed" */
static void params_words(const char *what, unsigned fixed, const ssoc_params *p, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", what);
    const char *sep = "; held fixed:";
    for (int j = 0; j < SSOC_NPARAM; ++j)
        if ((fixed >> j) & 1u) {
            snprintf(buf + strlen(buf), cap - strlen(buf), "%s %s = %g", sep, ssoc_param_name(j), p->p[j]);
            sep = ",";
        }
}

static void band_of(const ssoc_boot_result *boot, ssoc_plot_parity_in *in)
{
    if (!boot)
        return;
    in->band = SSOC_BAND_CONFIDENCE;
    in->confidence = boot->opts.confidence;
    in->interval = ssoc_ci_method_name(ssoc_boot_band_method(boot));
    in->B = boot->B;
}

static ssoc_status draw_parity(void *arg, const ssoc_plot_opts *po, void *out, ssoc_error *err)
{
    (void)out;
    return ssoc_plot_parity(arg, po, err);
}

ssoc_status ssoc_cli_parity_fit(const char *path, int force, const ssoc_dataset *d, const ssoc_fit_result *fit,
                                const ssoc_boot_result *boot, ssoc_error *err)
{
    ssoc_plot_parity_in in = {0};
    train_set t;
    ssoc_status st = train_build(d, &fit->params, &fit->metrics, boot, &t, &in.set[0], err);
    if (st)
        return st;
    char what[1400], pw[1600];
    snprintf(what, sizeof what, "three-stage fit to %.1200s", d->path ? d->path : "the data");
    params_words(what, fit->fixed_mask, &fit->params, pw, sizeof pw);
    in.params = pw, in.nset = 1;
    band_of(boot, &in);
    ssoc_plot_opts po = {.output = path, .force = force};
    st = ssoc_cli_draw(draw_parity, &in, &po, NULL, 0, err);
    free(t.buf);
    return st;
}

/* regime of an external row from a `regime` (PCC/SCC) or `d_max` [angstrom] column; 2: not given */
static unsigned char ext_regime(const ssoc_csv *t, int c_reg, int c_dmax, size_t row, double d_crit)
{
    const char *f = c_reg >= 0 ? ssoc_csv_field(t, row, c_reg) : NULL;
    if (f && !strcasecmp(f, "PCC"))
        return 0;
    if (f && !strcasecmp(f, "SCC"))
        return 1;
    f = c_dmax >= 0 ? ssoc_csv_field(t, row, c_dmax) : NULL;
    char *end = NULL;
    const double v = f && *f ? strtod(f, &end) : NAN;
    if (end && !*end && isfinite(v) && v >= 0)
        return v < d_crit ? 0 : 1;
    return 2;
}

/* The training data of a parameter file, when its file is still there with the same SHA-256. */
static ssoc_dataset *paramfile_data(const ssoc_paramfile *pf, double d_crit, char *why, size_t cap)
{
    ssoc_dataset *d = NULL;
    ssoc_error e = {0};
    why[0] = '\0';
    if (!pf->data_path[0]) {
        snprintf(why, cap, "the parameter file names no training data");
        return NULL;
    }
    if (ssoc_data_read_csv(pf->data_path, d_crit, &d, &e) != SSOC_OK) {
        snprintf(why, cap, "training data %.300s not readable", pf->data_path);
        return NULL;
    }
    if (pf->data_sha256[0] && strcmp(pf->data_sha256, d->sha256)) {
        snprintf(why, cap, "training data %.300s changed since the fit (SHA-256)", pf->data_path);
        ssoc_dataset_free(d);
        return NULL;
    }
    return d;
}

ssoc_status ssoc_cli_parity_validate(const char *path, int force, const ssoc_validate_report *rep, const ssoc_csv *ext,
                                     const char *params_words_, const ssoc_paramfile *pf, const ssoc_dataset *train,
                                     const ssoc_boot_result *boot, double d_crit, ssoc_error *err)
{
    const size_t n = rep->n;
    double *buf = malloc((8 * n + 1) * sizeof *buf);
    unsigned char *reg = malloc(n + 1);
    int *line = malloc((n + 1) * sizeof *line);
    if (!buf || !reg || !line) {
        free(buf), free(reg), free(line);
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    }
    double *obs = buf, *pred = buf + n, *lo = buf + 2 * n, *hi = buf + 3 * n, *x = buf + 4 * n, *rho = buf + 5 * n,
           *T = buf + 6 * n;
    const int c_reg = ssoc_csv_column(ext, "regime"), c_dmax = ssoc_csv_column(ext, "d_max");
    for (size_t i = 0; i < n; ++i) {
        const ssoc_validate_row *r = &rep->rows[i];
        obs[i] = r->sigma_obs_S_cm, pred[i] = r->sigma_pred_S_cm, lo[i] = r->band_lo_S_cm, hi[i] = r->band_hi_S_cm;
        x[i] = r->x, rho[i] = r->rho_g_cm3, T[i] = r->T_K, line[i] = r->line;
        reg[i] = ext_regime(ext, c_reg, c_dmax, i, d_crit);
    }
    ssoc_plot_parity_in in = {0};
    char hl[256], note[160], why[400] = "";
    const ssoc_validate_summary *sm = &rep->summary;
    set_label(ssoc_csv_path(ext), n, T, hl, sizeof hl);
    if (rep->has_range)
        snprintf(note, sizeof note, "outside the fitted range: %zu of %zu (x %zu, v#df#u %zu, T %zu)", sm->n_extrap_any, n,
                 sm->n_extrap_x, sm->n_extrap_vf, sm->n_extrap_T);
    else
        snprintf(note, sizeof note, "fitted range unknown: no extrapolation flags");
    /* training points first (drawn below), the held-out ones on top */
    ssoc_dataset *own = NULL;
    if (!train && pf->data_path[0])
        train = own = paramfile_data(pf, d_crit, why, sizeof why);
    train_set t = {0};
    ssoc_metrics m;
    ssoc_status st = SSOC_OK;
    if (train) {
        ssoc_fit_metrics(train, &pf->params, &m);
        st = train_build(train, &pf->params, &m, boot, &t, &in.set[in.nset++], err);
    }
    in.set[in.nset++] = (ssoc_plot_parity_set){
        .label = hl, .held_out = 1, .n = n, .obs_S_cm = obs, .pred_S_cm = pred, .lo_S_cm = sm->has_band ? lo : NULL,
        .hi_S_cm = sm->has_band ? hi : NULL, .regime = reg, .line = line, .x = x, .rho_g_cm3 = rho, .T_K = T,
        .r_log10 = sm->r_log10_sigma, .rmse_log10 = sm->rmse_log10_sigma, .median_ratio = sm->median_ratio,
        .note = note};
    char pw[1600];
    params_words(params_words_, pf->fixed_mask, &pf->params, pw, sizeof pw);
    if (why[0])
        snprintf(pw + strlen(pw), sizeof pw - strlen(pw), " (%s: held-out points only)", why);
    in.params = pw;
    band_of(sm->has_band ? boot : NULL, &in);
    ssoc_plot_opts po = {.output = path, .force = force};
    if (!st)
        st = ssoc_cli_draw(draw_parity, &in, &po, NULL, 0, err);
    free(t.buf);
    ssoc_dataset_free(own);
    free(buf), free(reg), free(line);
    return st;
}
