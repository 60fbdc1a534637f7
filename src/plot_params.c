/* Pictures of a bootstrap replicate table (plot.h): a histogram per parameter
 * (ssoc_plot_params) and the corner plot of the free parameters (ssoc_plot_corner). Both draw
 * their histograms with ssoc_plt_histogram. */
#include "plot_priv.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/stats.h"

static const char *const pretty[SSOC_NPARAM] = {"E₀ (eV)", "α#dE#u (eV)", "v#dc#u", "n#dH#u", "β₀",
                                                "β₁",      "β₂",          "β₃",     "ln A"};
static const char *const plain[SSOC_NPARAM] = {"E0 (eV)", "alpha_E (eV)", "v_c", "n_H",
                                               "beta0", "beta1", "beta2", "beta3", "ln A"};

/* The finite rows of the table (failed replicates have NaN rows), column-wise: col[j][0..n).
 * Returns n, or (size_t)-1 when out of memory (*col NULL). */
static size_t finite_columns(const ssoc_plot_params_in *in, double **col)
{
    size_t n = 0;
    *col = malloc((in->B ? in->B : 1) * SSOC_NPARAM * sizeof **col);
    if (!*col)
        return (size_t)-1;
    for (size_t b = 0; b < in->B; ++b) {
        int ok = 1;
        for (int j = 0; j < SSOC_NPARAM; ++j)
            ok &= isfinite(in->table[b * SSOC_NPARAM + j]) != 0;
        if (!ok)
            continue;
        for (int j = 0; j < SSOC_NPARAM; ++j)
            (*col)[(size_t)j * in->B + n] = in->table[b * SSOC_NPARAM + j];
        ++n;
    }
    return n;
}

/* checks shared by both pictures: a table, at least 2 finite rows; the columns on success */
static ssoc_status params_columns(const ssoc_plot_params_in *in, const ssoc_plot_opts *o, double **col, size_t *n,
                                  ssoc_error *err)
{
    *col = NULL;
    if (!in || !o || !in->table)
        return SSOC_ERR(err, SSOC_EINVAL, "no replicate table");
    *n = finite_columns(in, col);
    if (*n == (size_t)-1)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    if (*n < 2) {
        free(*col), *col = NULL;
        return SSOC_ERR(err, SSOC_EDATA, "%s: only %zu finite bootstrap replicates; a histogram needs at least 2",
                        in->source ? in->source : "replicate table", *n);
    }
    return SSOC_OK;
}

static void minmax(const double *v, size_t n, double *lo, double *hi)
{
    *lo = *hi = v[0];
    for (size_t i = 1; i < n; ++i)
        *lo = fmin(*lo, v[i]), *hi = fmax(*hi, v[i]);
}

static int hist_bins(size_t n) { return n < 200 ? 15 : n < 2000 ? 30 : 50; }

/* ------------------------------------------------------------------ histograms */

static void params_panel(const ssoc_plot_params_in *in, int j, const double *v, size_t n, double chr)
{
    double mn, mx;
    minmax(v, n, &mn, &mx);
    const double pt = in->point.p[j];
    mn = fmin(mn, pt), mx = fmax(mx, pt);
    ssoc_plt_chr(chr);
    if ((in->fixed_mask >> j) & 1u || !(mx > mn)) {
        plwind(0, 1, 0, 1);
        plcol0(C_BLACK);
        plbox("bc", 0, 0, "bc", 0, 0);
        char t[96];
        snprintf(t, sizeof t, "%s at %.6g", (in->fixed_mask >> j) & 1u ? "held fixed" : "no spread:", pt);
        plptex(0.5, 0.5, 1, 0, 0.5, t);
    } else {
        ssoc_plt_histogram(v, n, mn, mx, 0.04, hist_bins(n), pt, in->lo[j], in->hi[j], 5, 1, 1);
    }
}

ssoc_status ssoc_plot_params(const ssoc_plot_params_in *in, const ssoc_plot_opts *o, ssoc_error *err)
{
    double *col;
    size_t nok;
    ssoc_status st = params_columns(in, o, &col, &nok, err);
    if (st)
        return st;
    ssoc_plt_picture pic;
    if ((st = ssoc_plt_begin(&pic, o, 1600, 900, err))) {
        free(col);
        return st;
    }
    if (setjmp(ssoc_plt_jump)) {
        free(col);
        return ssoc_plt_failed(&pic, err);
    }
    const double chr = 0.66;
    const int ncol = (SSOC_NPARAM + 1) / 2; /* two rows of panels */
    const double pitch = 0.94 / ncol;
    for (int j = 0; j < SSOC_NPARAM; ++j) {
        const int row = j / ncol, c = j % ncol;
        const double vx0 = 0.06 + pitch * c, vy1 = 0.83 - 0.43 * row;
        plvpor(vx0, vx0 + pitch - 0.045, vy1 - 0.31, vy1);
        params_panel(in, j, col + (size_t)j * in->B, nok, chr);
        plcol0(C_BLACK);
        ssoc_plt_chr(1.15 * chr);
        plmtex("t", 1.3, 0.5, 0.5, pretty[j]);
        if (c == 0) {
            ssoc_plt_chr(chr);
            plmtex("l", 3.6, 0.5, 0.5, "replicates");
        }
    }
    free(col);
    const char *interval = in->interval ? in->interval : "";
    char sub[1400];
    snprintf(sub, sizeof sub, "%s · %zu of %zu replicates fitted · black: point estimate · dashed: %g%% %s confidence interval",
             in->source ? in->source : "", nok, in->B, 100 * in->confidence, interval);
    ssoc_plt_titles("Bootstrap distribution of the SSOC parameters", sub, 0.95, 0.905);
    snprintf(pic.title, sizeof pic.title, "Bootstrap distribution of the SSOC parameters");
    snprintf(pic.desc, sizeof pic.desc,
             "Histograms of E0 (eV), alpha_E (eV), v_c, n_H, beta0, beta1, beta2, beta3 over %zu fitted bootstrap "
             "replicates of %zu; solid line: point estimate; dashed: %g%% %s confidence interval. Source: %.400s.",
             nok, in->B, 100 * in->confidence, interval, in->source ? in->source : "");
    plend();
    return ssoc_plt_publish(&pic, err);
}

/* ------------------------------------------------------------------ corner plot */

typedef struct corner {
    int k;                     /* free parameters shown */
    int idx[SSOC_NPARAM];      /* their indices */
    double lo[SSOC_NPARAM], hi[SSOC_NPARAM]; /* axis ranges, by shown position */
    size_t n_out;              /* replicates outside some axis range */
    double S, gap, L, B, T;    /* panel size, gap and margins [device units] */
    int W, H;
} corner;

/* Axis ranges: the central 99% of the replicates, widened to the point estimate and the band
 * ends, padded 5%, so a few far replicates do not squeeze the rest into a corner. */
static ssoc_status corner_ranges(const ssoc_plot_params_in *in, const double *col, size_t n, corner *c,
                                 ssoc_error *err)
{
    double *w = malloc(n * sizeof *w);
    if (!w)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    c->k = 0;
    for (int j = 0; j < SSOC_NPARAM; ++j) {
        const double *v = col + (size_t)j * in->B;
        double mn, mx;
        minmax(v, n, &mn, &mx);
        if ((in->fixed_mask >> j) & 1u || !(mx > mn))
            continue;
        memcpy(w, v, n * sizeof *w);
        double lo = ssoc_quantile_select(w, n, 0.005), hi = ssoc_quantile_select(w, n, 0.995);
        const double extra[3] = {in->point.p[j], in->lo[j], in->hi[j]};
        for (int e = 0; e < 3; ++e)
            if (isfinite(extra[e]))
                lo = fmin(lo, extra[e]), hi = fmax(hi, extra[e]);
        if (!(hi > lo))
            lo = mn, hi = mx;
        const double pad = 0.05 * (hi - lo);
        c->lo[c->k] = lo - pad, c->hi[c->k] = hi + pad, c->idx[c->k++] = j;
    }
    free(w);
    if (c->k < 2)
        return SSOC_ERR(err, SSOC_EDATA,
                        "%s: a corner plot needs at least 2 free parameters that vary over the replicates; the table has %d",
                        in->source ? in->source : "replicate table", c->k);
    c->n_out = 0;
    for (size_t b = 0; b < n; ++b) {
        int out = 0;
        for (int a = 0; a < c->k; ++a) {
            const double v = col[(size_t)c->idx[a] * in->B + b];
            out |= v < c->lo[a] || v > c->hi[a];
        }
        c->n_out += (size_t)out;
    }
    return SSOC_OK;
}

static void corner_geometry(corner *c)
{
    c->S = c->k <= 3 ? 330 : c->k <= 5 ? 270 : 220;
    c->gap = 14, c->L = 150, c->B = 135, c->T = 165;
    const double grid = c->k * c->S + (c->k - 1) * c->gap;
    /* the key fills the empty upper-right triangle from column (k + 1) / 2 on: room for about 560 units */
    const double key_room = (c->k - (c->k + 1) / 2) * (c->S + c->gap);
    c->W = (int)(c->L + grid + fmax(50, 600 - key_room));
    c->H = (int)(c->T + grid + c->B);
}

/* the frame of panel (row, col) as a viewport */
static void corner_viewport(const corner *c, int row, int col)
{
    const double x0 = c->L + col * (c->S + c->gap), y0 = c->T + row * (c->S + c->gap);
    plvpor(x0 / c->W, (x0 + c->S) / c->W, 1 - (y0 + c->S) / c->H, 1 - y0 / c->H);
}

/* One panel below the diagonal: the replicates of parameter a (x) against b (y) as translucent
 * dots (up to 3000) or as a 2-D histogram (more), the point estimate as crossing lines and a
 * marker, Pearson r of the replicates in the corner. */
static void corner_pair(const corner *c, const ssoc_plot_params_in *in, const double *col, size_t n, int a, int b,
                        double chr)
{
    const double *va = col + (size_t)c->idx[a] * in->B, *vb = col + (size_t)c->idx[b] * in->B;
    const double x0 = c->lo[a], x1 = c->hi[a], y0 = c->lo[b], y1 = c->hi[b];
    plwind(x0, x1, y0, y1);
    if (n <= 3000) {
        plcol0(C_FILL0 + 7);
        ssoc_plt_chr(n <= 300 ? 0.5 : 0.38);
        for (size_t i = 0; i < n; ++i) {
            PLFLT px = va[i], py = vb[i];
            if (px >= x0 && px <= x1 && py >= y0 && py <= y1)
                plstring(1, &px, &py, "●");
        }
    } else {
        enum { NG = 30 };
        PLFLT cnt[NG][NG] = {{0}}, *rows[NG], cmax = 0;
        for (size_t i = 0; i < n; ++i) {
            const int ix = (int)((va[i] - x0) / (x1 - x0) * NG), iy = (int)((vb[i] - y0) / (y1 - y0) * NG);
            if (ix >= 0 && ix < NG && iy >= 0 && iy < NG)
                cnt[ix][iy] += 1;
        }
        for (int i = 0; i < NG; ++i) {
            rows[i] = cnt[i];
            for (int j = 0; j < NG; ++j)
                cmax = fmax(cmax, cnt[i][j]);
        }
        /* empty cells stay white (below the colour range); the rest from light to dark */
        plimagefr((PLFLT_MATRIX)rows, NG, NG, x0, x1, y0, y1, 0.5, cmax, 0.5, cmax, NULL, NULL);
    }
    const double pa = in->point.p[c->idx[a]], pb = in->point.p[c->idx[b]];
    plcol0(C_BLACK);
    ssoc_plt_width(1.3);
    pljoin(pa, y0, pa, y1);
    pljoin(x0, pb, x1, pb);
    PLFLT px = pa, py = pb;
    ssoc_plt_chr(0.75 * chr);
    plcol0(C_LINE0 + 1);
    plstring(1, &px, &py, "◆");
    const double r = gsl_stats_correlation(va, 1, vb, 1, n);
    char t[32];
    snprintf(t, sizeof t, "r = %s%.2f", r < 0 ? "−" : "", fabs(r));
    ssoc_plt_rect(x0 + 0.02 * (x1 - x0), x0 + 0.46 * (x1 - x0), y1 - 0.15 * (y1 - y0), y1 - 0.02 * (y1 - y0),
                  C_LABELBOX);
    plcol0(C_BLACK);
    ssoc_plt_chr(0.85 * chr);
    plptex(x0 + 0.05 * (x1 - x0), y1 - 0.085 * (y1 - y0), 1, 0, 0.0, t);
}

/* ticks and names on the outer edges only */
static void corner_axes(const corner *c, int row, int col, double chr)
{
    const int diag = row == col, bottom = row == c->k - 1, left = col == 0 && !diag;
    plcol0(C_BLACK);
    ssoc_plt_width(1.0);
    ssoc_plt_chr(chr);
    if (!diag) {
        /* 2 intervals across (labels side by side), 3 up */
        const double sx = ssoc_plt_tick_step(c->hi[col] - c->lo[col], 2), sy = ssoc_plt_tick_step(c->hi[row] - c->lo[row], 3);
        plslabelfunc(ssoc_plt_num_label, NULL);
        plbox(bottom ? "bcnsto" : "bcst", sx, 2, left ? "bcnstvo" : "bcst", sy, 2);
        plslabelfunc(NULL, NULL);
    }
    ssoc_plt_chr(1.15 * chr);
    if (bottom)
        plmtex("b", 3.2, 0.5, 0.5, pretty[c->idx[col]]);
    if (left)
        plmtex("l", 5.0, 0.5, 0.5, pretty[c->idx[row]]);
}

/* the key, in the empty upper-right triangle */
static void corner_key(const corner *c, const ssoc_plot_params_in *in, size_t n, double chr)
{
    const double x0 = c->L + (double)((c->k + 1) / 2) * (c->S + c->gap), y0 = c->T;
    plvpor(0, 1, 0, 1);
    plwind(0, c->W, c->H, 0);
    const double dy = 31;
    double y = y0 + 20;
    char line[10][256];
    int nl = 0;
    snprintf(line[nl++], sizeof line[0], "%zu of %zu bootstrap replicates fitted", n, in->B);
    snprintf(line[nl++], sizeof line[0], "diagonal: histogram of each parameter");
    snprintf(line[nl++], sizeof line[0], "below: replicates of one against another, %s",
             n <= 3000 ? "one dot each" : "shaded by count");
    snprintf(line[nl++], sizeof line[0], "r: Pearson correlation of the replicates");
    snprintf(line[nl++], sizeof line[0], "black lines, ◆: point estimate");
    snprintf(line[nl++], sizeof line[0], "dashed: %g%% %s confidence interval", 100 * in->confidence,
             in->interval ? in->interval : "");
    snprintf(line[nl++], sizeof line[0], "axes: central 99%% of the replicates%s", c->n_out ? "," : "");
    if (c->n_out)
        snprintf(line[nl++], sizeof line[0], "  %zu replicates lie partly outside", c->n_out);
    unsigned fixed = 0;
    for (int j = 0; j < SSOC_NPARAM; ++j)
        fixed |= (in->fixed_mask >> j) & 1u;
    if (fixed) {
        char f[256] = "held fixed (not shown):";
        const char *sep = " ";
        for (int j = 0; j < SSOC_NPARAM; ++j)
            if ((in->fixed_mask >> j) & 1u) {
                snprintf(f + strlen(f), sizeof f - strlen(f), "%s%s = %.4g", sep, pretty[j], in->point.p[j]);
                sep = ", ";
            }
        snprintf(line[nl++], sizeof line[0], "%s", f);
    }
    plcol0(C_BLACK);
    ssoc_plt_chr(0.95 * chr);
    for (int i = 0; i < nl; ++i, y += dy)
        plptex(x0 + 20, y, 1, 0, 0.0, line[i]);
}

ssoc_status ssoc_plot_corner(const ssoc_plot_params_in *in, const ssoc_plot_opts *o, ssoc_error *err)
{
    double *col;
    size_t n;
    ssoc_status st = params_columns(in, o, &col, &n, err);
    corner c;
    if (!st)
        st = corner_ranges(in, col, n, &c, err);
    if (st) {
        free(col);
        return st;
    }
    corner_geometry(&c);
    ssoc_plt_picture pic;
    if ((st = ssoc_plt_begin(&pic, o, c.W, c.H, err))) {
        free(col);
        return st;
    }
    if (setjmp(ssoc_plt_jump)) {
        free(col);
        return ssoc_plt_failed(&pic, err);
    }
    { /* 2-D histograms: white to Okabe-Ito blue */
        PLFLT pos[2] = {0, 1}, r[2] = {0.85, 0.0}, g[2] = {0.91, 0.30}, b[2] = {0.96, 0.55}, a[2] = {1, 1};
        plscmap1la(1, 2, pos, r, g, b, a, NULL);
    }
    const double chr = 0.7;
    for (int row = 0; row < c.k; ++row)
        for (int cl = 0; cl <= row; ++cl) {
            corner_viewport(&c, row, cl);
            if (row == cl) {
                const int j = c.idx[row];
                ssoc_plt_chr(chr);
                ssoc_plt_histogram(col + (size_t)j * in->B, n, c.lo[row], c.hi[row], 0.0, hist_bins(n), in->point.p[j],
                                   in->lo[j], in->hi[j], 2, row == c.k - 1, 0);
                if (row == c.k - 1) {
                    ssoc_plt_chr(1.15 * chr);
                    plmtex("b", 3.2, 0.5, 0.5, pretty[j]);
                }
            } else {
                corner_pair(&c, in, col, n, cl, row, chr);
                corner_axes(&c, row, cl, chr);
            }
        }
    corner_key(&c, in, n, chr);
    const char *title = "Corner plot of the bootstrap replicates of the SSOC parameters";
    ssoc_plt_titles(title, in->source ? in->source : "", 1 - 55.0 / c.H, 1 - 100.0 / c.H);
    snprintf(pic.title, sizeof pic.title, "%s", title);
    char names[256] = "";
    for (int a = 0; a < c.k; ++a)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", a ? ", " : "", plain[c.idx[a]]);
    snprintf(pic.desc, sizeof pic.desc,
             "Corner (pair) plot of %d free parameters (%s) over %zu fitted bootstrap replicates of %zu: histograms "
             "on the diagonal with the point estimate (solid) and the %g%% %s confidence interval (dashed); below it, "
             "each pair of parameters with the point estimate and Pearson r. Source: %.400s.",
             c.k, names, n, in->B, 100 * in->confidence, in->interval ? in->interval : "", in->source ? in->source : "");
    plend();
    free(col);
    return ssoc_plt_publish(&pic, err);
}
