/* The parity plot (plot.h: ssoc_plot_parity): predicted against observed sigma on equal log
 * axes. One function per layer: the reference lines, the bands, the markers, the worst point's
 * label, the key with each set's numbers. */
#include "plot_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double lg(double s_S_cm) { return log10(1e3 * s_S_cm); } /* log10 sigma / (mS/cm) */

/* training: open markers in blue; held out: filled in vermillion with a black outline */
static int set_colour(const ssoc_plot_parity_set *s) { return C_LINE0 + (s->held_out ? 1 : 0); }

static const char *glyph(int regime, int filled)
{
    static const char *const open_[3] = {"○", "△", "◇"}, *const full[3] = {"●", "▲", "◆"};
    const int r = regime == 0 || regime == 1 ? regime : 2;
    return filled ? full[r] : open_[r];
}

static int regime_of(const ssoc_plot_parity_set *s, size_t i) { return s->regime ? s->regime[i] : 2; }

/* one marker, in world or page coordinates */
static void parity_marker(double x, double y, const ssoc_plot_parity_set *s, int regime, double chr)
{
    PLFLT px = x, py = y;
    ssoc_plt_chr(chr);
    plcol0(set_colour(s));
    plstring(1, &px, &py, glyph(regime, s->held_out));
    if (s->held_out) {
        plcol0(C_BLACK);
        plstring(1, &px, &py, glyph(regime, 0));
    }
}

static ssoc_status parity_check(const ssoc_plot_parity_in *in, ssoc_error *err)
{
    if (!in || in->nset < 1 || in->nset > 2)
        return SSOC_ERR(err, SSOC_EINVAL, "a parity plot takes 1 or 2 sets of points");
    for (size_t k = 0; k < in->nset; ++k) {
        const ssoc_plot_parity_set *s = &in->set[k];
        if (s->n < 1 || !s->obs_S_cm || !s->pred_S_cm)
            return SSOC_ERR(err, SSOC_EINVAL, "parity plot: set %zu (%s) has no points", k + 1, s->label ? s->label : "");
        for (size_t i = 0; i < s->n; ++i)
            if (!(s->obs_S_cm[i] > 0 && isfinite(s->obs_S_cm[i]) && s->pred_S_cm[i] > 0 && isfinite(s->pred_S_cm[i])))
                return SSOC_ERR(err, SSOC_EDATA,
                                "parity plot: %s, line %d: sigma observed %g, predicted %g S/cm (both must be "
                                "finite and > 0 on a log scale)",
                                s->label ? s->label : "set", s->line ? s->line[i] : (int)i + 1, s->obs_S_cm[i],
                                s->pred_S_cm[i]);
    }
    return SSOC_OK;
}

/* equal axes over every observed and predicted value and band end, padded */
static void parity_range(const ssoc_plot_parity_in *in, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t k = 0; k < in->nset; ++k) {
        const ssoc_plot_parity_set *s = &in->set[k];
        for (size_t i = 0; i < s->n; ++i) {
            const double v[4] = {s->obs_S_cm[i], s->pred_S_cm[i], s->lo_S_cm ? s->lo_S_cm[i] : NAN,
                                 s->hi_S_cm ? s->hi_S_cm[i] : NAN};
            for (int j = 0; j < 4; ++j)
                if (v[j] > 0 && isfinite(v[j]))
                    a = fmin(a, lg(v[j])), b = fmax(b, lg(v[j]));
        }
    }
    const double pad = 0.08 * fmax(b - a, 1.0);
    *lo = a - pad, *hi = b + pad;
}

/* 1:1 (solid), factor 2 (dashed) and factor 10 (dotted, when the range spans more than 1.5
 * decades), each named where it leaves the frame */
static void parity_lines(double lo, double hi, double chr)
{
    static const struct {
        double c;
        const char *name;
        int mark, space;
        double width;
    } L[5] = {{0, "1:1", 0, 0, 1.6}, {0.30103, "×2", 900, 700, 1.3}, {-0.30103, "÷2", 900, 700, 1.3},
              {1, "×10", 250, 600, 1.3}, {-1, "÷10", 250, 600, 1.3}};
    for (int k = 0; k < 5; ++k) {
        if (fabs(L[k].c) > 0.5 && hi - lo < 1.5)
            continue;
        ssoc_plt_join(lo, lo + L[k].c, hi, hi + L[k].c, k == 0 ? C_BLACK : C_GREY, L[k].width, L[k].mark, L[k].space);
        /* name it just inside the frame where it leaves: at the top for c >= 0, at the right below */
        const double inset = 0.035 * (hi - lo);
        const double x = L[k].c >= 0 ? hi - L[k].c - inset : hi - inset, y = x + L[k].c;
        ssoc_plt_chr(0.85 * chr);
        plptex(x - 0.01 * (hi - lo), y + 0.012 * (hi - lo), 1, 1, 1.0, L[k].name);
    }
}

/* a vertical bar with caps from lo to hi at each observed value */
static void parity_bands(const ssoc_plot_parity_set *s, double span)
{
    if (!s->lo_S_cm || !s->hi_S_cm)
        return;
    plcol0(set_colour(s));
    ssoc_plt_width(1.3);
    const double cap = 0.008 * span;
    for (size_t i = 0; i < s->n; ++i) {
        if (!(s->lo_S_cm[i] > 0 && s->hi_S_cm[i] > 0))
            continue;
        const double x = lg(s->obs_S_cm[i]), a = lg(s->lo_S_cm[i]), b = lg(s->hi_S_cm[i]);
        pljoin(x, a, x, b);
        pljoin(x - cap, a, x + cap, a);
        pljoin(x - cap, b, x + cap, b);
    }
}

static size_t worst_point(const ssoc_plot_parity_set *s)
{
    size_t w = 0;
    for (size_t i = 1; i < s->n; ++i)
        if (fabs(lg(s->pred_S_cm[i]) - lg(s->obs_S_cm[i])) > fabs(lg(s->pred_S_cm[w]) - lg(s->obs_S_cm[w])))
            w = i;
    return w;
}

/* A label's box in frame units [0, 1]^2. */
typedef struct box {
    double u0, u1, v0, v1;
} box;

/* Where the worst point's two lines go: among anchors over the frame, the box (w x h) that covers
 * the fewest points and no label placed before, nearest the point. */
static box label_place(const ssoc_plot_parity_in *in, double lo, double span, double pu, double pv, double w, double h,
                       const box *taken, int ntaken)
{
    box best = {0.03, 0.03 + w, 0.05, 0.05 + h};
    double best_cost = INFINITY;
    for (double u = 0.03; u + w <= 0.97; u += 0.02)
        for (double v = 0.04; v + h <= 0.96; v += 0.02) {
            const box b = {u, u + w, v, v + h};
            double cost = 0;
            for (size_t k = 0; k < in->nset; ++k)
                for (size_t i = 0; i < in->set[k].n; ++i) {
                    const double x = (lg(in->set[k].obs_S_cm[i]) - lo) / span, y = (lg(in->set[k].pred_S_cm[i]) - lo) / span;
                    cost += 1000.0 * (x > b.u0 - 0.02 && x < b.u1 + 0.02 && y > b.v0 - 0.02 && y < b.v1 + 0.02);
                }
            for (int t = 0; t < ntaken; ++t)
                cost += 1e5 * (b.u0 < taken[t].u1 && b.u1 > taken[t].u0 && b.v0 < taken[t].v1 && b.v1 > taken[t].v0);
            /* the 1:1 line through the box: the text would sit on it */
            cost += 300.0 * (b.v0 < b.u1 && b.v1 > b.u0);
            const double dx = pu < b.u0 ? b.u0 - pu : pu > b.u1 ? pu - b.u1 : 0;
            const double dy = pv < b.v0 ? b.v0 - pv : pv > b.v1 ? pv - b.v1 : 0;
            cost += 100.0 * sqrt(dx * dx + dy * dy);
            if (cost < best_cost)
                best_cost = cost, best = b;
        }
    return best;
}

/* the worst point: a ring, and two lines of text in a box joined to it by a leader line */
static void parity_worst(const ssoc_plot_parity_in *in, const ssoc_plot_parity_set *s, size_t w, double lo, double hi,
                         double chr, box *taken, int ntaken)
{
    const double span = hi - lo, x = lg(s->obs_S_cm[w]), y = lg(s->pred_S_cm[w]);
    char l1[160], l2[96];
    if (s->line)
        snprintf(l1, sizeof l1, "line %d: x = %g, ρ = %g g/cm³, %g K", s->line[w], s->x ? s->x[w] : NAN,
                 s->rho_g_cm3 ? s->rho_g_cm3[w] : NAN, s->T_K ? s->T_K[w] : NAN);
    else
        snprintf(l1, sizeof l1, "x = %g, ρ = %g g/cm³, %g K", s->x ? s->x[w] : NAN, s->rho_g_cm3 ? s->rho_g_cm3[w] : NAN,
                 s->T_K ? s->T_K[w] : NAN);
    snprintf(l2, sizeof l2, "worst %s: predicted/observed = %.3g", s->held_out ? "held out" : "training",
             s->pred_S_cm[w] / s->obs_S_cm[w]);
    /* about 10 device units per glyph on a 720-unit frame */
    const double bw = 0.0145 * (double)(strlen(l1) > strlen(l2) ? strlen(l1) : strlen(l2)) + 0.02, bh = 0.085;
    const box b = label_place(in, lo, span, (x - lo) / span, (y - lo) / span, bw, bh, taken, ntaken);
    taken[ntaken] = b;
    const double bx0 = lo + b.u0 * span, bx1 = lo + b.u1 * span, by0 = lo + b.v0 * span, by1 = lo + b.v1 * span;
    PLFLT px = x, py = y;
    ssoc_plt_chr(1.9 * chr);
    plcol0(C_BLACK);
    ssoc_plt_width(1.0);
    plstring(1, &px, &py, "○");
    /* leader from the ring to the nearest point of the box */
    pljoin(x, y, fmin(fmax(x, bx0), bx1), fmin(fmax(y, by0), by1));
    ssoc_plt_rect(bx0, bx1, by0, by1, C_LABELBOX);
    plcol0(C_BLACK);
    ssoc_plt_chr(0.85 * chr);
    plptex(bx0 + 0.01 * span, by1 - 0.026 * span, 1, 0, 0.0, l1);
    plptex(bx0 + 0.01 * span, by1 - 0.062 * span, 1, 0, 0.0, l2);
}

/* how many points lie within a factor of 2 */
static size_t within2(const ssoc_plot_parity_set *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; ++i)
        n += fabs(lg(s->pred_S_cm[i]) - lg(s->obs_S_cm[i])) <= 0.30103 + 1e-12;
    return n;
}

/* the key: per set its markers, label and numbers; the lines; the band */
static void parity_key(const ssoc_plot_parity_in *in, double chr)
{
    plvpor(0.69, 0.99, 0.10, 0.86);
    plwind(0, 1, 0, 1);
    const double dy = 0.036;
    double y = 0.98;
    for (size_t k = 0; k < in->nset; ++k) {
        const ssoc_plot_parity_set *s = &in->set[k];
        int has[3] = {0, 0, 0};
        for (size_t i = 0; i < s->n; ++i)
            has[regime_of(s, i)] = 1;
        plcol0(C_BLACK);
        ssoc_plt_chr(0.95 * chr);
        plptex(0.02, y, 1, 0, 0.0, s->held_out ? "held out (not fitted to)" : "training (fitted to)");
        y -= dy;
        ssoc_plt_chr(0.8 * chr);
        plptex(0.02, y, 1, 0, 0.0, s->label ? s->label : "");
        y -= dy;
        static const char *const rname[3] = {"PCC", "SCC", "regime not given"};
        double x = 0.04;
        for (int r = 0; r < 3; ++r) {
            if (!has[r])
                continue;
            parity_marker(x, y, s, r, 1.1 * chr);
            plcol0(C_BLACK);
            ssoc_plt_chr(0.8 * chr);
            plptex(x + 0.04, y, 1, 0, 0.0, rname[r]);
            x += r == 2 ? 0.5 : 0.22;
        }
        y -= dy;
        char t[160];
        ssoc_plt_chr(0.8 * chr);
        plcol0(C_BLACK);
        snprintf(t, sizeof t, "n = %zu · r = %.3f · RMSE = %.3f (log#d10#u σ)", s->n, s->r_log10, s->rmse_log10);
        plptex(0.02, y, 1, 0, 0.0, t);
        y -= dy;
        snprintf(t, sizeof t, "median pred/obs = %.3g · within ×2: %zu of %zu", s->median_ratio, within2(s), s->n);
        plptex(0.02, y, 1, 0, 0.0, t);
        y -= dy;
        if (s->note && s->note[0]) {
            plptex(0.02, y, 1, 0, 0.0, s->note);
            y -= dy;
        }
        y -= 0.6 * dy;
    }
    ssoc_plt_join(0.02, y, 0.12, y, C_BLACK, 1.6, 0, 0);
    ssoc_plt_chr(0.85 * chr);
    plptex(0.15, y, 1, 0, 0.0, "1:1, predicted = observed");
    y -= dy;
    ssoc_plt_join(0.02, y, 0.12, y, C_GREY, 1.3, 900, 700);
    plcol0(C_BLACK);
    plptex(0.15, y, 1, 0, 0.0, "factor 2 (and dotted: factor 10)");
    y -= 1.5 * dy;
    if (in->interval)
        ssoc_plt_band_legend(0.02, y, dy, 0.1, 1, in->band, in->confidence, in->interval, NULL, 0.85 * chr);
}

ssoc_status ssoc_plot_parity(const ssoc_plot_parity_in *in, const ssoc_plot_opts *o, ssoc_error *err)
{
    ssoc_status st = parity_check(in, err);
    if (st)
        return st;
    if (!o)
        return SSOC_ERR(err, SSOC_EINVAL, "no options");
    double lo, hi;
    parity_range(in, &lo, &hi);
    const int W = 1400, H = 1000;
    ssoc_plt_picture pic;
    if ((st = ssoc_plt_begin(&pic, o, W, H, err)))
        return st;
    if (setjmp(ssoc_plt_jump))
        return ssoc_plt_failed(&pic, err);
    const double chr = 0.66;
    /* a square frame: 720 x 720 device units */
    plvpor(125.0 / W, 845.0 / W, 1 - 880.0 / H, 1 - 160.0 / H);
    plwind(lo, hi, lo, hi);
    parity_lines(lo, hi, chr);
    for (size_t k = 0; k < in->nset; ++k)
        parity_bands(&in->set[k], hi - lo);
    for (size_t k = 0; k < in->nset; ++k) {
        const ssoc_plot_parity_set *s = &in->set[k];
        for (size_t i = 0; i < s->n; ++i)
            parity_marker(lg(s->obs_S_cm[i]), lg(s->pred_S_cm[i]), s, regime_of(s, i), 1.1 * chr);
    }
    box taken[2];
    for (size_t k = 0; k < in->nset; ++k)
        parity_worst(in, &in->set[k], worst_point(&in->set[k]), lo, hi, chr, taken, (int)k);
    ssoc_plt_axes("bcnstlo", 1.0, "bcnstvlo", 1.0, chr, "observed σ (mS/cm)", "predicted σ (mS/cm)", 4.4);
    parity_key(in, chr);
    const char *title = "Parity plot: predicted against observed conductivity";
    char sub[1200];
    snprintf(sub, sizeof sub, "SSOC model, parameters: %.900s", in->params ? in->params : "");
    ssoc_plt_titles(title, sub, 1 - 50.0 / H, 1 - 92.0 / H);
    snprintf(pic.title, sizeof pic.title, "%s", title);
    char sets[1200] = "";
    for (size_t k = 0; k < in->nset; ++k) {
        const ssoc_plot_parity_set *s = &in->set[k];
        const size_t w = worst_point(s);
        snprintf(sets + strlen(sets), sizeof sets - strlen(sets),
                 " %s: %.300s, %zu points, r = %.3f, RMSE = %.3f (log10), median ratio %.3g, %zu within a factor of 2, "
                 "worst at line %d (predicted/observed %.3g).",
                 s->held_out ? "Held out" : "Training", s->label ? s->label : "", s->n, s->r_log10, s->rmse_log10,
                 s->median_ratio, within2(s), s->line ? s->line[w] : 0, s->pred_S_cm[w] / s->obs_S_cm[w]);
    }
    snprintf(pic.desc, sizeof pic.desc,
             "Parity plot: predicted sigma (mS/cm) against observed sigma (mS/cm), log-log, with the 1:1 line and "
             "factor-2 lines; circles PCC, triangles SCC, diamonds regime not given.%s%s%s Parameters: %.400s.", sets,
             in->interval ? " Bars: " : "",
             in->interval ? (in->band == SSOC_BAND_PREDICTION ? "prediction band." : "confidence band of the mean model.")
                          : "",
             in->params ? in->params : "");
    plend();
    return ssoc_plt_publish(&pic, err);
}
