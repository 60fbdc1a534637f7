/* ssoc plot: pictures of a sweep file (maps, the design rule) and of a bootstrap (parameter
 * histograms). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ssoc/paramfile.h"
#include "ssoc/plot.h"
#include "ssoc/report.h"
#include "ssoc/stats.h"
#include "ssoc/sweepfile.h"

static const char help[] =
    "usage: ssoc plot OUT.h5 [--T T[,T...]] [--field best|median|lo|hi|width|p_exceed] [-o FILE] [--force]\n"
    "       ssoc plot OUT.h5 --rules [-o FILE] [--force]\n"
    "       ssoc plot OUT.h5 --arrhenius [--at X,RHO]... [-o FILE] [--force]\n"
    "       ssoc plot PARAMS.json|OUT.h5 --params [-o FILE] [--force]\n"
    "\n"
    "Pictures of a sweep file written by 'ssoc sweep' (PNG, SVG or PDF, from FILE's extension).\n"
    "\n"
    "  map (default)  sigma over (x, rho) at the grid temperature nearest T (default: the temperature of the\n"
    "                 fitted data): log colour scale in mS/cm with contour lines at decades, the ridge\n"
    "                 rho_opt(x) with its band, the fitted MD points at that T, the region outside the fitted\n"
    "                 x and v_f veiled, iso-free-volume lines labelled on the right. Several temperatures\n"
    "                 (--T 300,500,800) give small multiples on one colour scale.\n"
    "                 Fields: best (point fit), median, lo, hi (band ends), width (hi/lo: the band's factor,\n"
    "                 where the model is sure), p_exceed (P(sigma >= target); sweeps with a [target] only).\n"
    "  --rules        v_f,opt and sigma_max against T with their bands, one curve per fitted composition.\n"
    "  --arrhenius    log sigma against 1000/T (T in K on the top axis): sigma_max at rho_opt per fitted\n"
    "                 composition with its band, the fitted data's temperatures marked; --at X,RHO (up to 4)\n"
    "                 adds sigma at that composition and density [g/cm3], its band the percentile band of the\n"
    "                 file's replicates at the file's confidence. The bands are confidence bands of the mean\n"
    "                 model (the bootstrap of the fit), not where a new MD value would fall.\n"
    "  --params       a histogram per fitted parameter of the bootstrap replicate table (a parameter file\n"
    "                 from 'ssoc fit --boot B -o PARAMS.json', or a sweep file), point estimate and band marked.\n"
    "\n"
    "options:\n"
    "  -o FILE        picture to write (.png, .svg or .pdf). Default: INPUT_BASENAME_sigma_FIELD_TK.png\n"
    "                 (map), INPUT_BASENAME_rules.png, INPUT_BASENAME_params.png in the current directory\n"
    "  --force        replace an existing picture (never replaced otherwise)\n"
    "  --verbose      also print where the panels and the colour bar are on the page (pixels)\n"
    "  -h, --help     this text\n"
    "The picture is written under a temporary name and renamed when complete. On success the path is printed.\n"
    "Exit codes: 0 ok, 1 unreadable or invalid input or unwritable picture, 2 usage.\n";

/* basename without directory and extension */
static void stem(const char *path, char *out, size_t len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(out, len, "%s", b);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
}

/* sigma at (x, rho) for every temperature of the file, with the percentile band of its replicates */
typedef struct at_curve {
    char label[96];
    double *T, *s, *lo, *hi;
} at_curve;

static int at_compute(const ssoc_sweepfile *sf, double x, double rho, at_curve *c)
{
    const size_t n = sf->nT;
    c->T = malloc(n * sizeof *c->T), c->s = malloc(n * sizeof *c->s);
    c->lo = malloc(n * sizeof *c->lo), c->hi = malloc(n * sizeof *c->hi);
    double *v = malloc((sf->B ? sf->B : 1) * sizeof *v);
    if (!c->T || !c->s || !c->lo || !c->hi || !v) {
        free(v);
        return -1;
    }
    double qlo, qhi;
    ssoc_ci_levels(SSOC_CI_PERCENTILE, sf->confidence, 0.5, 0.0, &qlo, &qhi);
    snprintf(c->label, sizeof c->label, "x = %g, ρ = %g g/cm³", x, rho);
    for (size_t it = 0; it < n; ++it) {
        ssoc_layers L;
        ssoc_model_eval(&sf->best, x, rho, sf->T_K[it], &L);
        size_t m = 0;
        for (size_t b = 0; b < sf->B; ++b) {
            if (!sf->boot_ok[b])
                continue;
            ssoc_params p;
            memcpy(p.p, sf->boot + b * SSOC_NPARAM, sizeof p.p);
            ssoc_layers Lb;
            ssoc_model_eval(&p, x, rho, sf->T_K[it], &Lb);
            if (isfinite(Lb.sigma_S_cm))
                v[m++] = Lb.sigma_S_cm;
        }
        c->T[it] = sf->T_K[it], c->s[it] = L.sigma_S_cm;
        c->lo[it] = m >= 2 ? ssoc_quantile_select(v, m, qlo) : NAN;
        c->hi[it] = m >= 2 ? ssoc_quantile_select(v, m, qhi) : NAN;
    }
    free(v);
    return 0;
}

static int do_arrhenius(const ssoc_sweepfile *sf, const double *at, size_t nat, const ssoc_plot_opts *po)
{
    ssoc_error err = {0};
    ssoc_report *rep = NULL;
    at_curve ac[4] = {0};
    ssoc_plot_curve pc[4];
    int rc = SSOC_EXIT_OK;
    ssoc_status st = ssoc_report_build(sf, &rep, &err);
    for (size_t k = 0; !st && k < nat; ++k) {
        if (at_compute(sf, at[2 * k], at[2 * k + 1], &ac[k])) {
            st = SSOC_ERR(&err, SSOC_ENOMEM, "out of memory");
            break;
        }
        pc[k] = (ssoc_plot_curve){ac[k].label, sf->nT, ac[k].T, ac[k].s, ac[k].lo, ac[k].hi};
    }
    if (!st)
        st = ssoc_plot_arrhenius(rep, pc, nat, SSOC_BAND_CONFIDENCE, po, &err);
    if (st)
        rc = ssoc_cli_fail("plot", &err);
    for (size_t k = 0; k < 4; ++k)
        free(ac[k].T), free(ac[k].s), free(ac[k].lo), free(ac[k].hi);
    ssoc_report_free(rep);
    return rc;
}

static int is_hdf5(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char sig[4] = {0};
    size_t n = fread(sig, 1, 4, f);
    fclose(f);
    return n == 4 && sig[0] == 0x89 && sig[1] == 'H' && sig[2] == 'D' && sig[3] == 'F';
}

static int do_params(const char *in, ssoc_plot_opts *po)
{
    ssoc_error err = {0};
    ssoc_plot_params_in pi = {0};
    char src[1200];
    if (is_hdf5(in)) {
        ssoc_sweepfile *sf = NULL;
        if (ssoc_sweepfile_open(in, &sf, &err) != SSOC_OK)
            return ssoc_cli_fail("plot", &err);
        snprintf(src, sizeof src, "%s (%s parameters)", in, sf->params_source);
        pi.source = src;
        pi.B = sf->B, pi.table = sf->boot, pi.point = sf->best, pi.fixed_mask = sf->fixed_mask;
        memcpy(pi.lo, sf->params_lo, sizeof pi.lo);
        memcpy(pi.hi, sf->params_hi, sizeof pi.hi);
        pi.confidence = sf->confidence, pi.interval = sf->interval_name;
        ssoc_status st = ssoc_plot_params(&pi, po, &err);
        ssoc_sweepfile_free(sf);
        return st ? ssoc_cli_fail("plot", &err) : SSOC_EXIT_OK;
    }
    ssoc_paramfile pf;
    memset(&pf, 0, sizeof pf);
    if (ssoc_paramfile_read(in, &pf, &err) != SSOC_OK)
        return ssoc_cli_fail("plot", &err);
    if (!pf.boot) {
        ssoc_paramfile_clear(&pf);
        fprintf(stderr, "ssoc: plot: %s: no bootstrap replicate table (write one with 'ssoc fit DATA --boot B -o %s')\n",
                in, in);
        return SSOC_EXIT_RUNTIME;
    }
    snprintf(src, sizeof src, "%s", in);
    pi.source = src;
    pi.B = pf.boot->B, pi.table = pf.boot->table, pi.point = pf.params, pi.fixed_mask = pf.fixed_mask;
    for (int i = 0; i < SSOC_NPARAM; ++i)
        pi.lo[i] = pf.boot->lo[i], pi.hi[i] = pf.boot->hi[i];
    pi.confidence = pf.boot->opts.confidence;
    pi.interval = ssoc_ci_method_name(pf.boot->opts.interval);
    ssoc_status st = ssoc_plot_params(&pi, po, &err);
    ssoc_paramfile_clear(&pf);
    return st ? ssoc_cli_fail("plot", &err) : SSOC_EXIT_OK;
}

int ssoc_cmd_plot(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *field_s = NULL, *T_s = NULL;
    int force = 0, rules = 0, params = 0, verbose = 0, arrhenius = 0;
    double at[8];
    size_t nat = 0;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = NULL;
        int m;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return SSOC_EXIT_OK;
        } else if (!strcmp(a, "--force"))
            force = 1;
        else if (!strcmp(a, "--rules"))
            rules = 1;
        else if (!strcmp(a, "--params"))
            params = 1;
        else if (!strcmp(a, "--arrhenius"))
            arrhenius = 1;
        else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--at", &v)) != 0) {
            char *end = NULL;
            if (m < 0)
                return SSOC_EXIT_USAGE;
            if (nat >= 4)
                return ssoc_cli_usage_error("plot", "--at: at most 4 points");
            at[2 * nat] = strtod(v, &end);
            if (end == v || *end != ',' || !(at[2 * nat] > 0 && at[2 * nat] < 1))
                return ssoc_cli_usage_error("plot", "--at: '%s' is not X,RHO with 0 < X < 1", v);
            const char *r = end + 1;
            at[2 * nat + 1] = strtod(r, &end);
            if (end == r || *end || !isfinite(at[2 * nat + 1]) || !(at[2 * nat + 1] > 0))
                return ssoc_cli_usage_error("plot", "--at: '%s' is not X,RHO with RHO > 0 g/cm3", v);
            if (ssoc_cli_plausible("plot", "--at", SSOC_QTY_RHO, at[2 * nat + 1], 0))
                return SSOC_EXIT_USAGE;
            ++nat;
        }
        else if (!strcmp(a, "--verbose"))
            verbose = 1;
        else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "-o", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            out = v;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--field", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            field_s = v;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--T", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            T_s = v;
        } else if (a[0] == '-' && a[1]) {
            static const char *const own[] = {"--help", "--force", "--rules", "--params", "--verbose", "-o", "--field", "--T",
                                              "--arrhenius", "--at", NULL};
            return ssoc_cli_unknown_option("plot", a, own, 0);
        } else if (in)
            return ssoc_cli_usage_error("plot", "more than one input file ('%s' and '%s')", in, a);
        else
            in = a;
    }
    if (!in)
        return ssoc_cli_usage_error("plot", "missing input file (a sweep file OUT.h5, or PARAMS.json with --params)");
    if (rules + params + arrhenius > 1)
        return ssoc_cli_usage_error("plot", "--rules, --params and --arrhenius exclude each other");
    if (nat && !arrhenius)
        return ssoc_cli_usage_error("plot", "--at applies to --arrhenius");
    if (arrhenius && (field_s || T_s))
        return ssoc_cli_usage_error("plot", "--field and --T apply to maps, not to --arrhenius");
    if ((rules || params) && (field_s || T_s))
        return ssoc_cli_usage_error("plot", "--field and --T apply to maps, not to --%s", rules ? "rules" : "params");
    ssoc_plot_opts po = {.force = force, .field = SSOC_PLOT_BEST};
    if (field_s) {
        int f = ssoc_plot_field_parse(field_s);
        if (f < 0)
            return ssoc_cli_usage_error("plot", "--field: '%s' is not best, median, lo, hi, width or p_exceed", field_s);
        po.field = (ssoc_plot_field)f;
    }
    double T[SSOC_PLOT_MAXPANEL];
    size_t nT = 0;
    if (T_s && ssoc_cli_parse_T_list("plot", T_s, T, SSOC_PLOT_MAXPANEL, &nT) != SSOC_EXIT_OK)
        return SSOC_EXIT_USAGE;
    po.T_K = T, po.nT = nT;
    if (out) {
        const char *dot = strrchr(out, '.'), *slash = strrchr(out, '/');
        if (!dot || (slash && dot < slash) ||
            (strcmp(dot, ".png") && strcmp(dot, ".svg") && strcmp(dot, ".pdf") && strcmp(dot, ".PNG") &&
             strcmp(dot, ".SVG") && strcmp(dot, ".PDF")))
            return ssoc_cli_usage_error("plot", "-o %s: the picture type comes from the extension: .png, .svg or .pdf", out);
    }
    char defout[4096], st_[2048];
    ssoc_error err = {0};
    stem(in, st_, sizeof st_);
    if (params) {
        if (!out)
            snprintf(defout, sizeof defout, "%s_params.png", st_), out = defout;
        po.output = out;
        int rc = do_params(in, &po);
        if (rc == SSOC_EXIT_OK)
            printf("%s\n", out);
        return rc;
    }
    ssoc_sweepfile *sf = NULL;
    if (ssoc_sweepfile_open(in, &sf, &err) != SSOC_OK)
        return ssoc_cli_fail("plot", &err);
    size_t tidx[SSOC_PLOT_MAXPANEL], ntidx = 0;
    if (nT && ssoc_cli_file_T("plot", sf, T, nT, tidx, &ntidx) != SSOC_EXIT_OK) {
        ssoc_sweepfile_free(sf);
        return SSOC_EXIT_USAGE;
    }
    ssoc_status st;
    if (arrhenius) {
        if (!out)
            snprintf(defout, sizeof defout, "%s_arrhenius.png", st_), out = defout;
        po.output = out;
        int rc = do_arrhenius(sf, at, nat, &po);
        ssoc_sweepfile_free(sf);
        if (rc == SSOC_EXIT_OK)
            printf("%s\n", out);
        return rc;
    }
    if (rules) {
        if (!out)
            snprintf(defout, sizeof defout, "%s_rules.png", st_), out = defout;
        po.output = out;
        ssoc_report *rep = NULL;
        st = ssoc_report_build(sf, &rep, &err);
        if (!st)
            st = ssoc_plot_rules(rep, &po, &err);
        ssoc_report_free(rep);
        ssoc_sweepfile_free(sf);
        if (st)
            return ssoc_cli_fail("plot", &err);
        printf("%s\n", out);
        return SSOC_EXIT_OK;
    }
    if (!out) {
        /* name the temperatures that will be drawn */
        char ts[256] = "";
        if (nT == 0) {
            snprintf(ts, sizeof ts, "default");
        } else {
            for (size_t k = 0; k < nT; ++k)
                snprintf(ts + strlen(ts), sizeof ts - strlen(ts), "%s%g", k ? "-" : "",
                         sf->T_K[ssoc_sweepfile_nearest_T(sf, T[k])]);
        }
        snprintf(defout, sizeof defout, "%s_sigma_%s_%sK.png", st_, ssoc_plot_field_name(po.field), ts);
        out = defout;
    }
    po.output = out;
    ssoc_plot_layout lay;
    st = ssoc_plot_map(sf, &po, &lay, &err);
    ssoc_sweepfile_free(sf);
    if (st)
        return ssoc_cli_fail("plot", &err);
    printf("%s\n", out);
    if (verbose) {
        printf("page %d x %d\n", lay.width, lay.height);
        for (size_t p = 0; p < lay.npanel; ++p)
            printf("panel %zu T_K %.17g frame_px %.3f %.3f %.3f %.3f world %.17g %.17g %.17g %.17g\n", p, lay.panel[p].T_K,
                   lay.panel[p].x0, lay.panel[p].x1, lay.panel[p].y0, lay.panel[p].y1, lay.panel[p].wx0,
                   lay.panel[p].wx1, lay.panel[p].wy0, lay.panel[p].wy1);
        printf("colorbar frame_px %.3f %.3f %.3f %.3f range %.17g %.17g %s\n", lay.cbar_x0, lay.cbar_x1, lay.cbar_y0,
               lay.cbar_y1, lay.cbar_lo, lay.cbar_hi, lay.cbar_log ? "log10" : "linear");
    }
    return SSOC_EXIT_OK;
}
