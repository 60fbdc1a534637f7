/* Curves against temperature (plot.h): the design rule, v_f,opt and sigma_max against T
 * (ssoc_plot_rules), and the Arrhenius plot, log sigma against 1000/T (ssoc_plot_arrhenius). One
 * function per panel or layer: the ranges, the marks of the fitted data's temperatures, the curves
 * with their bands, the axes, the legend. */
#include "plot_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* log10 of sigma in mS/cm (the unit of every sigma axis), NaN for a value that is not positive */
static double log_mS(double s_S_cm) { return s_S_cm > 0 && isfinite(s_S_cm) ? log10(1e3 * s_S_cm) : NAN; }

/* Dashed grey lines at the fitted data's lowest and highest temperature, at T (inverse = 0) or
 * at 1000/T (inverse = 1), labelled "fitted data: ..." at height label_y beside the line at
 * label_at (chr 0: no label). */
static void data_T_marks(const ssoc_data_range *d, int inverse, double ylo, double yhi, double label_at,
                         double label_y, double chr)
{
    const double a = inverse ? 1000.0 / d->T_max_K : d->T_min_K, b = inverse ? 1000.0 / d->T_min_K : d->T_max_K;
    ssoc_plt_join(a, ylo, a, yhi, C_GREY, 1.2, 600, 600);
    if (b - a > 1e-9 * fabs(b))
        ssoc_plt_join(b, ylo, b, yhi, C_GREY, 1.2, 600, 600);
    if (!(chr > 0))
        return;
    char dl[96];
    ssoc_plt_data_T_label(d, dl, sizeof dl);
    ssoc_plt_chr(chr);
    plptex(label_at, label_y, 1, 0, 0.0, dl);
}

/* A legend key in a [0, 1]^2 world: a line of colour k (and its ribbon when `ribbon`) and text. */
static void curve_key(double x, double y, double sw, int k, int ribbon, const char *text, double chr)
{
    if (ribbon)
        ssoc_plt_rect(x, x + sw, y - 0.015, y + 0.015, C_FILL0 + k % 8);
    plcol0(C_LINE0 + k % 8);
    ssoc_plt_width(2.2);
    pljoin(x, y, x + sw, y);
    plcol0(C_BLACK);
    ssoc_plt_chr(chr);
    plptex(x + sw + 0.04, y, 1, 0, 0.0, text);
}

/* The page's title (also the SVG's) and the subtitle "ρ searched in 1.3–2.2 g/cm³ · bootstrap B = 1000 ·
 * 95% percentile bands · fit parameters" at heights y_title, y_sub of the page. */
static void report_titles(ssoc_plt_picture *pic, const ssoc_report *r, const char *title, double y_title, double y_sub)
{
    char sub[1400];
    snprintf(sub, sizeof sub, "ρ searched in %g–%g g/cm³ · bootstrap B = %zu · %g%% %s bands · %s parameters", r->rho_lo,
             r->rho_hi, r->B, 100 * r->confidence, r->interval_name, r->params_source[0] ? r->params_source : "fitted");
    ssoc_plt_titles(title, sub, y_title, y_sub);
    snprintf(pic->title, sizeof pic->title, "%s", title);
}

/* ------------------------------------------------------------------ the design rule against T */

typedef struct rules_frame {
    double t0, t1;          /* T axis [K] */
    double ylo[2], yhi[2];  /* v_f,opt panel, log sigma_max panel */
} rules_frame;

static void rules_ranges(const ssoc_report *r, rules_frame *f)
{
    double Tmin = r->t[0].T_K, Tmax = r->t[r->nT - 1].T_K;
    if (Tmax == Tmin)
        Tmin -= 10, Tmax += 10;
    const double pad = 0.03 * (Tmax - Tmin);
    f->t0 = Tmin - pad, f->t1 = Tmax + pad;
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (size_t it = 0; it < r->nT; ++it)
        for (size_t k = 0; k < r->ncomp; ++k) {
            const ssoc_report_comp *c = &r->t[it].comp[k];
            const double v[2][3] = {{c->vf_opt.value, c->vf_opt.lo, c->vf_opt.hi},
                                    {log_mS(c->sigma_max.value), log_mS(c->sigma_max.lo), log_mS(c->sigma_max.hi)}};
            for (int p = 0; p < 2; ++p)
                for (int j = 0; j < 3; ++j)
                    if (isfinite(v[p][j]))
                        lo[p] = fmin(lo[p], v[p][j]), hi[p] = fmax(hi[p], v[p][j]);
        }
    static const double fallback[2][2] = {{0, 1}, {-1, 1}}, minspan[2] = {1e-3, 0.1};
    for (int p = 0; p < 2; ++p) {
        if (!isfinite(lo[p]))
            lo[p] = fallback[p][0], hi[p] = fallback[p][1];
        const double m = 0.08 * fmax(hi[p] - lo[p], minspan[p]);
        f->ylo[p] = lo[p] - m, f->yhi[p] = hi[p] + m;
    }
}

/* temperatures outside the fitted data: shaded */
static void rules_shade(const ssoc_data_range *d, const rules_frame *f, double ylo, double yhi)
{
    if (d->T_min_K > f->t0)
        ssoc_plt_rect(f->t0, fmin(d->T_min_K, f->t1), ylo, yhi, C_SHADE);
    if (d->T_max_K < f->t1)
        ssoc_plt_rect(fmax(d->T_max_K, f->t0), f->t1, ylo, yhi, C_SHADE);
}

/* the interval behind a band of this kind: a prediction band is never BCa (the percentile band) */
static const char *band_interval(const ssoc_report *r, ssoc_plot_band band)
{
    return band == SSOC_BAND_PREDICTION && !strcmp(r->interval_name, "bca") ? "percentile" : r->interval_name;
}

/* sigma_max's band of the kind asked for: the confidence band of the mean model, or the
 * prediction band of a new MD run at the optimum */
static const ssoc_band *sigma_band(const ssoc_report_comp *c, ssoc_plot_band band)
{
    return band == SSOC_BAND_PREDICTION ? &c->sigma_pred : &c->sigma_max;
}

/* One curve per fitted composition with its band; filled dots for interior optima, open for
 * boundary results. v_f,opt is the same at every composition when rules.h says so: one curve. */
static void rules_curves(const ssoc_report *r, int panel, ssoc_plot_band band, double *T, double *y, double *lo,
                         double *hi, unsigned char *in, double chr)
{
    const size_t nT = r->nT;
    for (size_t k = 0; k < r->ncomp; ++k) {
        for (size_t it = 0; it < nT; ++it) {
            const ssoc_report_comp *c = &r->t[it].comp[k];
            const ssoc_band *b = panel == 0 ? &c->vf_opt : sigma_band(c, band);
            T[it] = r->t[it].T_K;
            in[it] = c->edge == SSOC_EDGE_NONE;
            if (panel == 0)
                y[it] = b->value, lo[it] = b->lo, hi[it] = b->hi;
            else
                y[it] = log_mS(b->value), lo[it] = log_mS(b->lo), hi[it] = log_mS(b->hi);
        }
        ssoc_plt_band_line(nT, T, y, lo, hi, (int)(k % 8));
        ssoc_plt_chr(0.6 * chr);
        for (size_t it = 0; it < nT; ++it) {
            if (!isfinite(y[it]))
                continue;
            PLFLT px = T[it], py = y[it];
            plstring(1, &px, &py, in[it] ? "●" : "○");
        }
        if (panel == 0 && r->t[0].vf_common && r->t[nT - 1].vf_common)
            break; /* one curve stands for all */
    }
}

static void rules_axes(const ssoc_report *r, int panel, double chr)
{
    plcol0(C_BLACK);
    ssoc_plt_width(1.2);
    ssoc_plt_chr(chr);
    if (panel == 0) {
        plbox("bcnst", 0, 0, "bcnstv", 0, 0);
        ssoc_plt_chr(1.05 * chr);
        plmtex("l", 4.6, 0.5, 0.5, "optimal free volume v#df,opt#u");
        if (r->t[0].vf_common && r->t[r->nT - 1].vf_common && r->ncomp > 1) {
            ssoc_plt_chr(0.85 * chr);
            plmtex("b", -1.6, 0.03, 0.0, "v#df,opt#u is the same at every composition x");
        }
        return;
    }
    ssoc_plt_axes("bcnst", 0, "bcnstvo", 1.0, chr, "temperature T (K)", "σ#dmax#u at ρ#dopt#u (mS/cm)", 4.6);
}

static void rules_legend(const ssoc_report *r, ssoc_plot_band band, double chr)
{
    plvpor(0.73, 0.995, 0.12, 0.86);
    plwind(0, 1, 0, 1);
    ssoc_plt_chr(0.95 * chr);
    plcol0(C_BLACK);
    plptex(0.08, 0.97, 1, 0, 0.0, "composition x");
    const size_t nk = r->ncomp < 16 ? r->ncomp : 16;
    for (size_t k = 0; k < nk; ++k) {
        char lab[32];
        snprintf(lab, sizeof lab, "%g", r->comp_x[k]);
        curve_key(0.08, 0.92 - 0.05 * (double)k, 0.2, (int)k, 0, lab, 0.95 * chr);
    }
    double yy = 0.92 - 0.05 * (double)nk - 0.04;
    ssoc_plt_band_legend(0.08, yy, 0.035, 0.2, 0, SSOC_BAND_CONFIDENCE, r->confidence, r->interval_name, "v#df,opt#u",
                         0.8 * chr);
    yy -= 0.15;
    ssoc_plt_band_legend(0.08, yy, 0.035, 0.2, 0, band, r->confidence, band_interval(r, band),
                         band == SSOC_BAND_CONFIDENCE ? "σ#dmax#u (mean model)" : "σ#dmax#u", 0.8 * chr);
    yy -= 0.17;
    PLFLT sx = 0.18, sy = yy;
    ssoc_plt_chr(0.6 * chr);
    plcol0(C_BLACK);
    plstring(1, &sx, &sy, "○");
    ssoc_plt_chr(0.95 * chr);
    plptex(0.33, sy, 1, 0, 0.0, "boundary result");
    ssoc_plt_rect(0.08, 0.28, yy - 0.075, yy - 0.045, C_SHADE);
    plcol0(C_GREY);
    ssoc_plt_width(0.8);
    plline(5, (PLFLT[]){0.08, 0.28, 0.28, 0.08, 0.08}, (PLFLT[]){yy - 0.075, yy - 0.075, yy - 0.045, yy - 0.045, yy - 0.075});
    plcol0(C_BLACK);
    plptex(0.33, yy - 0.06, 1, 0, 0.0, "T outside the data");
}

ssoc_status ssoc_plot_rules(const ssoc_report *r, ssoc_plot_band band, const ssoc_plot_opts *o, ssoc_error *err)
{
    if (!r || !o)
        return SSOC_ERR(err, SSOC_EINVAL, "no report or options");
    if (r->nT < 1)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: no temperature to draw", r->path);
    const size_t nT = r->nT;
    double *buf = malloc(4 * nT * sizeof *buf);
    unsigned char *in = malloc(nT);
    if (!buf || !in) {
        free(buf), free(in);
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    }
    rules_frame f;
    rules_ranges(r, &f);
    ssoc_plt_picture pic;
    ssoc_status st = ssoc_plt_begin(&pic, o, 1200, 1150, err);
    if (st) {
        free(buf), free(in);
        return st;
    }
    if (setjmp(ssoc_plt_jump)) {
        free(buf), free(in);
        return ssoc_plt_failed(&pic, err);
    }
    const double chr = 0.66;
    for (int panel = 0; panel < 2; ++panel) {
        plvpor(0.11, 0.70, panel == 0 ? 0.56 : 0.12, panel == 0 ? 0.86 : 0.50);
        plwind(f.t0, f.t1, f.ylo[panel], f.yhi[panel]);
        rules_shade(&r->range, &f, f.ylo[panel], f.yhi[panel]);
        rules_curves(r, panel, band, buf, buf + nT, buf + 2 * nT, buf + 3 * nT, in, chr);
        data_T_marks(&r->range, 0, f.ylo[panel], f.yhi[panel], r->range.T_max_K + 0.01 * (f.t1 - f.t0),
                     f.yhi[panel] - 0.06 * (f.yhi[panel] - f.ylo[panel]), panel == 0 ? 0.85 * chr : 0.0);
        rules_axes(r, panel, chr);
    }
    rules_legend(r, band, chr);
    report_titles(&pic, r, "Design rule: optimal free volume and peak conductivity vs temperature", 0.955, 0.915);
    snprintf(pic.desc, sizeof pic.desc,
             "Top: optimal free volume v_f,opt against temperature T (K) with its %g%% %s confidence band. Bottom: "
             "sigma_max at rho_opt (mS/cm, log scale) against temperature T (K), one curve per fitted composition x, "
             "with its %g%% %s band. Shaded: temperatures outside the fitted data (%g-%g K). Source: %.400s.",
             100 * r->confidence, r->interval_name, 100 * r->confidence,
             band == SSOC_BAND_PREDICTION ? "prediction" : "confidence", r->range.T_min_K, r->range.T_max_K, r->path);
    plend();
    free(buf), free(in);
    return ssoc_plt_publish(&pic, err);
}

/* ------------------------------------------------------------------ the Arrhenius plot */

/* One curve in plot coordinates: u = 1000/T, y = log10(sigma / (mS/cm)). */
typedef struct arr_curve {
    size_t n;
    double *u, *y, *lo, *hi;
} arr_curve;

static void arr_curves_free(arr_curve *c, size_t n)
{
    for (size_t k = 0; c && k < n; ++k)
        free(c[k].u), free(c[k].y), free(c[k].lo), free(c[k].hi);
    free(c);
}

typedef struct arr_frame {
    double u0, u1, ylo, yhi;
} arr_frame;

/* sigma_max of the report's compositions (k < nc) and the extra curves, with the frame around them */
static arr_curve *arr_build(const ssoc_report *r, size_t nc, const ssoc_plot_curve *extra, size_t nextra,
                            ssoc_plot_band band, arr_frame *f)
{
    const size_t ncurve = nc + nextra;
    arr_curve *cv = calloc(ncurve ? ncurve : 1, sizeof *cv);
    if (!cv)
        return NULL;
    double ymin = INFINITY, ymax = -INFINITY, u0 = INFINITY, u1 = -INFINITY;
    for (size_t k = 0; k < ncurve; ++k) {
        arr_curve *c = &cv[k];
        const int mine = k < nc;
        const ssoc_plot_curve *e = mine ? NULL : &extra[k - nc];
        c->n = mine ? r->nT : e->n;
        c->u = malloc(c->n * sizeof *c->u), c->y = malloc(c->n * sizeof *c->y);
        c->lo = malloc(c->n * sizeof *c->lo), c->hi = malloc(c->n * sizeof *c->hi);
        if (!c->u || !c->y || !c->lo || !c->hi) {
            arr_curves_free(cv, ncurve);
            return NULL;
        }
        for (size_t i = 0; i < c->n; ++i) {
            const ssoc_report_comp *rc = mine ? &r->t[i].comp[k] : NULL;
            c->u[i] = 1000.0 / (mine ? r->t[i].T_K : e->T_K[i]);
            c->y[i] = log_mS(mine ? rc->sigma_max.value : e->sigma_S_cm[i]);
            c->lo[i] = log_mS(mine ? sigma_band(rc, band)->lo : e->lo ? e->lo[i] : NAN);
            c->hi[i] = log_mS(mine ? sigma_band(rc, band)->hi : e->hi ? e->hi[i] : NAN);
            const double yy[3] = {c->y[i], c->lo[i], c->hi[i]};
            for (int j = 0; j < 3; ++j)
                if (isfinite(yy[j]))
                    ymin = fmin(ymin, yy[j]), ymax = fmax(ymax, yy[j]);
            u0 = fmin(u0, c->u[i]), u1 = fmax(u1, c->u[i]);
        }
    }
    if (!isfinite(ymin))
        ymin = -1, ymax = 1;
    const double yp = 0.06 * fmax(ymax - ymin, 0.5), upad = 0.03 * (u1 - u0);
    f->ylo = ymin - yp, f->yhi = ymax + yp, f->u0 = u0 - upad, f->u1 = u1 + upad;
    return cv;
}

/* the top axis: temperature in K at 1000/T */
static void arr_top_axis(const arr_frame *f, double chr)
{
    static const double nice[] = {200, 250, 300, 350, 400, 450, 500, 550, 600, 700, 800, 900, 1000, 1200, 1500};
    ssoc_plt_chr(chr);
    plcol0(C_BLACK);
    ssoc_plt_width(1.2);
    for (size_t i = 0; i < sizeof nice / sizeof nice[0]; ++i) {
        const double u = 1000.0 / nice[i];
        if (u < f->u0 || u > f->u1)
            continue;
        pljoin(u, f->yhi, u, f->yhi - 0.015 * (f->yhi - f->ylo));
        char lab[16];
        snprintf(lab, sizeof lab, "%g", nice[i]);
        plmtex("t", 0.8, (u - f->u0) / (f->u1 - f->u0), 0.5, lab);
    }
    plmtex("t", 2.4, 0.5, 0.5, "temperature T (K)");
}

static void arr_axes(const arr_frame *f, double chr)
{
    ssoc_plt_axes("bnst", 0, "bcnstvo", 1.0, chr, "1000 / T (1/K)", "conductivity σ (mS/cm)", 4.6);
    plbox("c", 0, 0, "", 0, 0);
    arr_top_axis(f, chr);
}

static void arr_legend(const ssoc_report *r, size_t nc, const ssoc_plot_curve *extra, size_t nextra,
                       ssoc_plot_band band, double chr)
{
    plvpor(0.72, 0.99, 0.11, 0.80);
    plwind(0, 1, 0, 1);
    ssoc_plt_chr(0.9 * chr);
    plcol0(C_BLACK);
    plptex(0.04, 0.97, 1, 0, 0.0, "σ#dmax#u at ρ#dopt#u, composition x");
    double yy = 0.91;
    for (size_t k = 0; k < nc + nextra; ++k, yy -= 0.055) {
        char lab[160];
        if (k == nc) {
            plcol0(C_BLACK);
            plptex(0.04, yy, 1, 0, 0.0, "σ at a chosen (x, ρ)");
            yy -= 0.055;
        }
        if (k < nc)
            snprintf(lab, sizeof lab, "x = %g", r->comp_x[k]);
        else
            snprintf(lab, sizeof lab, "%s", extra[k - nc].label ? extra[k - nc].label : "");
        curve_key(0.04, yy, 0.16, (int)k, 1, lab, 0.9 * chr);
    }
    ssoc_plt_band_legend(0.04, yy - 0.02, 0.05, 0.16, 0, band, r->confidence, band_interval(r, band), NULL, 0.9 * chr);
}

ssoc_status ssoc_plot_arrhenius(const ssoc_report *r, const ssoc_plot_curve *extra, size_t nextra,
                                ssoc_plot_band band, const ssoc_plot_opts *o, ssoc_error *err)
{
    if (!r || !o || (nextra && !extra))
        return SSOC_ERR(err, SSOC_EINVAL, "no report, curves or options");
    if (r->nT < 2)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: an Arrhenius plot needs at least 2 temperatures (the file has %zu)",
                        r->path, r->nT);
    const size_t nc = r->ncomp < 8 ? r->ncomp : 8, ncurve = nc + nextra;
    arr_frame f;
    arr_curve *cv = arr_build(r, nc, extra, nextra, band, &f);
    if (!cv)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    ssoc_plt_picture pic;
    ssoc_status st = ssoc_plt_begin(&pic, o, 1200, 900, err);
    if (st) {
        arr_curves_free(cv, ncurve);
        return st;
    }
    if (setjmp(ssoc_plt_jump)) {
        arr_curves_free(cv, ncurve);
        return ssoc_plt_failed(&pic, err);
    }
    const double chr = 0.66;
    plvpor(0.10, 0.70, 0.11, 0.80);
    plwind(f.u0, f.u1, f.ylo, f.yhi);
    /* the fitted data's temperatures: shaded between 1000/T_max and 1000/T_min, a line if one T */
    const double d0 = 1000.0 / r->range.T_max_K, d1 = 1000.0 / r->range.T_min_K;
    if (d1 - d0 > 1e-9 * d1)
        ssoc_plt_rect(d0, d1, f.ylo, f.yhi, C_SHADE);
    data_T_marks(&r->range, 1, f.ylo, f.yhi, d1 + 0.01 * (f.u1 - f.u0), f.yhi - 0.05 * (f.yhi - f.ylo), 0.85 * chr);
    for (size_t k = 0; k < ncurve; ++k)
        ssoc_plt_band_line(cv[k].n, cv[k].u, cv[k].y, cv[k].lo, cv[k].hi, (int)(k % 8));
    arr_axes(&f, chr);
    arr_legend(r, nc, extra, nextra, band, chr);
    report_titles(&pic, r, "Arrhenius plot: peak conductivity against inverse temperature", 0.96, 0.925);
    snprintf(pic.desc, sizeof pic.desc,
             "log10 sigma (mS/cm) against 1000/T (1/K), temperature in K on the top axis: sigma_max at rho_opt for "
             "each fitted composition and %zu chosen (x, rho) curves, with %g%% %s %s bands; the fitted data's "
             "temperatures (%g-%g K) marked. Source: %.400s.",
             nextra, 100 * r->confidence, r->interval_name, band == SSOC_BAND_PREDICTION ? "prediction" : "confidence",
             r->range.T_min_K, r->range.T_max_K, r->path);
    plend();
    arr_curves_free(cv, ncurve);
    return ssoc_plt_publish(&pic, err);
}
