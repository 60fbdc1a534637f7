/* The (x, rho) map of a sweep field (plot.h: ssoc_plot_map). One function per layer of a panel
 * (image, contours and their labels, iso-free-volume lines, the veil outside the fitted data, the
 * ridge, the MD points), one for the panel's axes, one for the colour bar, one for the legend;
 * several temperatures make a grid of panels shaped to fit a page. */
#include "plot_priv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ fields */

const char *ssoc_plot_field_name(ssoc_plot_field f)
{
    static const char *const n[SSOC_PLOT_NFIELD] = {"best", "median", "lo", "hi", "width", "p_exceed"};
    return (unsigned)f < SSOC_PLOT_NFIELD ? n[f] : NULL;
}

int ssoc_plot_field_parse(const char *name)
{
    for (int i = 0; i < SSOC_PLOT_NFIELD; ++i)
        if (name && !strcmp(name, ssoc_plot_field_name((ssoc_plot_field)i)))
            return i;
    return -1;
}

static const char *field_dataset(ssoc_plot_field f, ssoc_plot_band band)
{
    const int pred = band == SSOC_BAND_PREDICTION;
    switch (f) {
    case SSOC_PLOT_BEST: return "/sigma/best";
    case SSOC_PLOT_MEDIAN: return "/sigma/median";
    case SSOC_PLOT_LO: return pred ? "/sigma/pred_lo" : "/sigma/lo";
    case SSOC_PLOT_HI: return pred ? "/sigma/pred_hi" : "/sigma/hi";
    case SSOC_PLOT_P_EXCEED: return "/sigma/p_exceed";
    default: return NULL;
    }
}

static const char *field_title(ssoc_plot_field f, ssoc_plot_band band)
{
    const int pred = band == SSOC_BAND_PREDICTION;
    switch (f) {
    case SSOC_PLOT_BEST: return "Ionic conductivity σ (point fit)";
    case SSOC_PLOT_MEDIAN: return "Ionic conductivity σ (bootstrap median)";
    case SSOC_PLOT_LO: return pred ? "σ of a new MD run, lower prediction band end" : "Ionic conductivity σ, lower confidence band end";
    case SSOC_PLOT_HI: return pred ? "σ of a new MD run, upper prediction band end" : "Ionic conductivity σ, upper confidence band end";
    case SSOC_PLOT_WIDTH:
        return pred ? "Prediction band width σ#dhi#u/σ#dlo#u (how far a new MD run may fall)"
                    : "Confidence band width σ#dhi#u/σ#dlo#u (where the model is sure)";
    case SSOC_PLOT_P_EXCEED: return "Probability that σ reaches the target";
    default: return "";
    }
}

/* the field is sigma itself (in mS/cm on the colour scale), so observed sigma can share the scale */
static int field_is_sigma(ssoc_plot_field f) { return f != SSOC_PLOT_WIDTH && f != SSOC_PLOT_P_EXCEED; }

/* ------------------------------------------------------------------ data of the panels */

typedef struct mapdata {
    size_t nx, nrho;
    double *z;      /* [nx][nrho] display values (row pointers below) */
    PLFLT **rows;
    double T_K;
    size_t it;
} mapdata;

static void mapdata_free(mapdata *m, size_t n)
{
    for (size_t p = 0; p < n; ++p)
        free(m[p].z), free(m[p].rows);
}

/* the region of a query at grid temperature `it` (NULL: none) */
static const ssoc_plot_region_T *region_of(const ssoc_plot_opts *o, size_t it)
{
    for (size_t k = 0; o->region && k < o->region->nT; ++k)
        if (o->region->t[k].it == it)
            return &o->region->t[k];
    return NULL;
}

/* display value: log10(sigma / (mS/cm)), log10(hi/lo), or the probability (a query's when the
 * options carry one for this temperature) */
static ssoc_status load_map(const ssoc_sweepfile *sf, const ssoc_plot_opts *o, size_t it, mapdata *m,
                            ssoc_error *err)
{
    const ssoc_plot_field f = o->field;
    const ssoc_plot_band band = o->band;
    const ssoc_plot_region_T *rg = f == SSOC_PLOT_P_EXCEED ? region_of(o, it) : NULL;
    const size_t n = sf->nx * sf->nrho;
    m->nx = sf->nx, m->nrho = sf->nrho, m->it = it, m->T_K = sf->T_K[it];
    double *a = malloc(n * sizeof *a), *b = f == SSOC_PLOT_WIDTH ? malloc(n * sizeof *b) : NULL;
    m->z = malloc(n * sizeof *m->z);
    m->rows = malloc(sf->nx * sizeof *m->rows);
    ssoc_status st = SSOC_OK;
    if (!a || !m->z || !m->rows || (f == SSOC_PLOT_WIDTH && !b))
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    else if (f == SSOC_PLOT_WIDTH) {
        st = ssoc_sweepfile_slice(sf, field_dataset(SSOC_PLOT_HI, band), it, a, err);
        if (!st)
            st = ssoc_sweepfile_slice(sf, field_dataset(SSOC_PLOT_LO, band), it, b, err);
    } else if (rg)
        memcpy(a, rg->p, n * sizeof *a);
    else if (f == SSOC_PLOT_P_EXCEED && (!sf->has_target || o->region))
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: no P(sigma >= target) at %g K: the sweep had no [target] sigma and no "
                      "query target covers this temperature (field p_exceed needs one)", sf->path, sf->T_K[it]);
    else
        st = ssoc_sweepfile_slice(sf, field_dataset(f, band), it, a, err);
    if (!st) {
        for (size_t ix = 0; ix < sf->nx; ++ix) {
            m->rows[ix] = m->z + ix * sf->nrho;
            for (size_t ir = 0; ir < sf->nrho; ++ir) {
                const size_t k = ir * sf->nx + ix;
                double v;
                if (f == SSOC_PLOT_WIDTH)
                    v = a[k] > 0 && b[k] > 0 ? log10(a[k] / b[k]) : NAN;
                else if (f == SSOC_PLOT_P_EXCEED)
                    v = a[k];
                else
                    v = a[k] > 0 ? log10(a[k] * 1e3) : NAN;
                m->rows[ix][ir] = isfinite(v) ? v : NAN;
            }
        }
    }
    free(a), free(b);
    return st;
}

/* cell corners between nodes (the edge cells are half cells ending on the first and last node) */
static double *corners(const double *v, size_t n)
{
    double *c = malloc((n + 1) * sizeof *c);
    if (!c)
        return NULL;
    c[0] = v[0], c[n] = v[n - 1];
    for (size_t i = 1; i < n; ++i)
        c[i] = 0.5 * (v[i - 1] + v[i]);
    if (n == 1)
        c[0] = v[0] - 0.5, c[1] = v[0] + 0.5;
    return c;
}

typedef struct scale {
    double lo, hi;      /* colour range in display units */
    int log, cap_low;   /* log scale; values below lo exist (shown in the lowest colour, cap on the bar) */
    double levels[64];  /* contour levels (display units) */
    int nlev;
} scale;

/* 1-2-5 steps (decades only when the range spans more than 3.2 of them) strictly inside (lo, hi),
 * above `floor_` */
static int levels_125(double lo, double hi, double floor_, double *out, int cap)
{
    static const double m125[3] = {1, 2, 5};
    int n = 0;
    for (int e = (int)floor(lo) - 1; e <= (int)ceil(hi) && n < cap; ++e)
        for (int k = 0; k < 3 && n < cap; ++k) {
            if (hi - lo > 3.2 && k > 0)
                continue;
            const double l = e + log10(m125[k]);
            if (l > lo && l < hi && l > floor_)
                out[n++] = l;
        }
    return n;
}

static void make_scale(ssoc_plot_field f, const mapdata *maps, size_t n, scale *s)
{
    double mn = INFINITY, mx = -INFINITY;
    for (size_t p = 0; p < n; ++p)
        for (size_t i = 0; i < maps[p].nx * maps[p].nrho; ++i) {
            const double v = maps[p].z[i];
            if (isfinite(v))
                mn = v < mn ? v : mn, mx = v > mx ? v : mx;
        }
    if (!isfinite(mn))
        mn = 0, mx = 1;
    memset(s, 0, sizeof *s);
    if (f == SSOC_PLOT_P_EXCEED) {
        s->lo = 0, s->hi = 1;
        const double lv[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
        for (int i = 0; i < 5; ++i) /* only levels the field reaches: the legend lists lines that exist */
            if (lv[i] > mn && lv[i] < mx)
                s->levels[s->nlev++] = lv[i];
        return;
    }
    s->log = 1;
    if (f == SSOC_PLOT_WIDTH) { /* factors above 1 */
        s->lo = mn, s->hi = mx > mn ? mx : mn + 0.1;
        s->nlev = levels_125(s->lo, s->hi, 0.0, s->levels, 60);
        return;
    }
    /* sigma: at most 6 decades below the maximum, so the interesting part keeps its colours */
    s->hi = mx;
    s->lo = mn > mx - 6 ? mn : mx - 6;
    s->cap_low = mn < s->lo;
    if (s->hi - s->lo < 0.05)
        s->lo = s->hi - 0.05;
    s->nlev = levels_125(s->lo, s->hi, -INFINITY, s->levels, 60);
}

/* A value of the colour scale as its label says it: sigma in mS/cm, a factor, a probability. */
static void level_text(const scale *sc, double v, int pct, char *buf, size_t cap)
{
    if (!sc->log) {
        snprintf(buf, cap, pct ? "%.2f" : "%.3g", v);
        return;
    }
    const double a = pow(10.0, v);
    if (a >= 1e-3 && a < 1e5)
        snprintf(buf, cap, "%.*f", a < 1 ? (int)ceil(-log10(a) - 1e-9) : 0, a);
    else
        snprintf(buf, cap, "%.0e", a);
}

/* Clamp the display values into the colour range; NaN becomes "below the range" (not drawn, the
 * grey underlay shows). Returns 1 if any value was NaN. */
static int clamp_maps(mapdata *maps, size_t np, const scale *sc)
{
    int any_nan = 0;
    for (size_t p = 0; p < np; ++p)
        for (size_t i = 0; i < maps[p].nx * maps[p].nrho; ++i) {
            double *v = &maps[p].z[i];
            if (!isfinite(*v))
                *v = sc->lo - 1, any_nan = 1;
            else
                *v = fmin(fmax(*v, sc->lo), sc->hi);
        }
    return any_nan;
}

/* Temperatures to draw: the requested ones (nearest grid T, duplicates dropped), or the grid
 * temperature with the most fitted data points. */
ssoc_status ssoc_plot_map_temperatures(const ssoc_sweepfile *sf, const ssoc_plot_opts *o, size_t *its, size_t *np,
                                       ssoc_error *err)
{
    *np = 0;
    if (o->nT > SSOC_PLOT_MAXPANEL)
        return SSOC_ERR(err, SSOC_EINVAL, "at most %d temperatures in one picture (got %zu)", SSOC_PLOT_MAXPANEL, o->nT);
    if (o->nT == 0) {
        size_t best = ssoc_sweepfile_nearest_T(sf, 0.5 * (sf->range.T_min_K + sf->range.T_max_K)), bn = 0;
        for (size_t it = 0; it < sf->nT; ++it) {
            size_t c = 0;
            for (size_t i = 0; i < sf->data->n; ++i)
                c += fabs(sf->data->T_K[i] - sf->T_K[it]) <= 1e-9 * sf->T_K[it];
            if (c > bn)
                bn = c, best = it;
        }
        its[(*np)++] = best;
        return SSOC_OK;
    }
    for (size_t k = 0; k < o->nT; ++k) {
        if (!(o->T_K[k] > 0) || !isfinite(o->T_K[k]))
            return SSOC_ERR(err, SSOC_EINVAL, "temperature %g K is not a positive number", o->T_K[k]);
        size_t it = ssoc_sweepfile_nearest_T(sf, o->T_K[k]), j;
        for (j = 0; j < *np && its[j] != it; ++j)
            ;
        if (j == *np)
            its[(*np)++] = it;
    }
    return SSOC_OK;
}

/* ------------------------------------------------------------------ page geometry */

/* Panels in a grid that fits a page (aspect between A4 portrait and landscape): 1; 2 stacked;
 * 3-4 in 2 x 2; 5-6 in 2 columns x 3 rows; 7-9 in 3 x 3; 10-12 in 3 columns x 4 rows. Text keeps
 * its size in device units, so the frames shrink with more columns and the page stays under
 * about 1900 units wide: at a page's width the tick labels are never smaller than about 1% of it. */
typedef struct geom {
    size_t ncol, nrow;
    int legend_cell;           /* the legend fills the first empty cell of the grid (else a strip below) */
    double FW, FH;             /* frame */
    double L, R, TOP, BOT;     /* page margins: left axis, colour bar, titles, legend */
    double GX, GY;             /* gaps between frames */
    int W, H;
} geom;

static void map_geometry(size_t np, int region, geom *g)
{
    g->ncol = np <= 2 ? 1 : np <= 6 ? 2 : 3;
    g->nrow = (np + g->ncol - 1) / g->ncol;
    g->FW = g->ncol == 1 ? 820 : g->ncol == 2 ? 520 : 410;
    g->FH = 0.73 * g->FW;
    g->legend_cell = np < g->ncol * g->nrow;
    /* the legend strip: 3 rows of entries, a fourth for a query's region */
    g->L = 115, g->R = 290, g->TOP = 150, g->BOT = g->legend_cell ? 100 : region ? 239 : 205, g->GX = 135, g->GY = 115;
    g->W = (int)(g->L + (double)g->ncol * g->FW + (double)(g->ncol - 1) * g->GX + g->R);
    g->H = (int)(g->TOP + (double)g->nrow * g->FH + (double)(g->nrow - 1) * g->GY + g->BOT);
}

/* top-left corner of cell p of the grid [device units, y down] */
static void cell_origin(const geom *g, size_t p, double *x0, double *y0)
{
    *x0 = g->L + (double)(p % g->ncol) * (g->FW + g->GX), *y0 = g->TOP + (double)(p / g->ncol) * (g->FH + g->GY);
}

/* the frame of panel p as a viewport */
static void panel_viewport(const geom *g, size_t p)
{
    double fx0, fy0;
    cell_origin(g, p, &fx0, &fy0);
    plvpor(fx0 / g->W, (fx0 + g->FW) / g->W, 1 - (fy0 + g->FH) / g->H, 1 - fy0 / g->H);
}

/* ------------------------------------------------------------------ layers of a panel */

typedef struct panel_ctx {
    const ssoc_sweepfile *sf;
    const scale *sc;
    const mapdata *m;
    ssoc_plot_field field;
    const ssoc_plot_region *rgn;    /* a query's region (NULL: none) ... */
    const ssoc_plot_region_T *rgT;  /* ... at this panel's temperature (NULL: none) */
    double x0, x1, r0, r1;     /* world */
    double FW, FH;             /* frame in device units */
    double chr;
} panel_ctx;

static void layer_image(const panel_ctx *c, const PLcGrid *cells, int any_nan)
{
    if (any_nan)
        ssoc_plt_rect(c->x0, c->x1, c->r0, c->r1, C_NODATA);
    plimagefr((PLFLT_MATRIX)c->m->rows, (PLINT)c->m->nx, (PLINT)c->m->nrho, 0, (PLFLT)c->m->nx, 0,
              (PLFLT)c->m->nrho, c->sc->lo, c->sc->hi, c->sc->lo, c->sc->hi, pltr1, (PLPointer)cells);
}

/* contour line colour: white on the dark part of viridis, dark on the light part */
static int contour_colour(const scale *sc, double level)
{
    return (level - sc->lo) / (sc->hi - sc->lo) > 0.6 ? C_CONTOUR_DK : C_CONTOUR;
}

static void layer_contours(const panel_ctx *c, const PLcGrid *nodes)
{
    ssoc_plt_width(1.1);
    for (int i = 0; i < c->sc->nlev; ++i) {
        plcol0(contour_colour(c->sc, c->sc->levels[i]));
        plcont((PLFLT_MATRIX)c->m->rows, (PLINT)c->m->nx, (PLINT)c->m->nrho, 1, (PLINT)c->m->nx, 1, (PLINT)c->m->nrho,
               &c->sc->levels[i], 1, pltr1, (PLPointer)nodes);
    }
}

/* Where the labels of the contours go: for each level, among the points where it crosses a grid
 * edge (the contour passes there exactly, as plcont interpolates linearly along edges), the one
 * farthest from the labels placed so far, the MD points and the ridge, well inside the frame.
 * Distances in frame units corrected for the frame's aspect. */
typedef struct spot {
    double u, v; /* [0, 1] across the frame */
} spot;

static double spot_dist(spot a, spot b, double aspect)
{
    const double du = (a.u - b.u) * aspect, dv = a.v - b.v;
    return sqrt(du * du + dv * dv);
}

static int label_spot(const panel_ctx *c, double level, const spot *avoid, size_t navoid, spot *best)
{
    const mapdata *m = c->m;
    const double *X = c->sf->x, *R = c->sf->rho_g_cm3, aspect = c->FW / c->FH, floor_ = c->sc->lo - 0.5;
    const double clear = 0.1; /* wanted distance from everything to avoid, in frame heights */
    double best_score = -INFINITY;
    for (size_t ix = 0; ix < m->nx; ++ix)
        for (size_t ir = 0; ir < m->nrho; ++ir)
            for (int dir = 0; dir < 2; ++dir) { /* edge to the right (dir 0) or up (dir 1) */
                const size_t jx = ix + (dir == 0), jr = ir + (dir == 1);
                if (jx >= m->nx || jr >= m->nrho)
                    continue;
                const double a = m->rows[ix][ir], b = m->rows[jx][jr];
                if (a < floor_ || b < floor_ || !((a - level) * (b - level) < 0))
                    continue;
                const double t = (level - a) / (b - a);
                const double x = X[ix] + t * (X[jx] - X[ix]), rho = R[ir] + t * (R[jr] - R[ir]);
                spot s = {(x - c->x0) / (c->x1 - c->x0), (rho - c->r0) / (c->r1 - c->r0)};
                if (s.u < 0.04 || s.u > 0.96 || s.v < 0.035 || s.v > 0.965)
                    continue;
                double d = INFINITY;
                for (size_t k = 0; k < navoid; ++k)
                    d = fmin(d, spot_dist(s, avoid[k], aspect));
                /* clear of the rest: the nearer the middle the better; else the clearest place */
                const spot mid = {0.5, 0.5};
                const double score = d >= clear ? 10 - spot_dist(s, mid, aspect) : d;
                if (score > best_score)
                    best_score = score, *best = s;
            }
    return isfinite(best_score);
}

/* Label every contour level once in this panel (white box, black text), recording the places. */
static void layer_contour_labels(const panel_ctx *c, const ssoc_plt_picture *pic, size_t panel, ssoc_plot_layout *lay)
{
    enum { NAVOID = 256 };
    spot avoid[NAVOID];
    size_t na = 0;
    const ssoc_sweepfile *sf = c->sf;
    const size_t it = c->m->it, nx = sf->nx;
    for (size_t i = 0; i < sf->data->n && na < NAVOID / 2; ++i) /* MD points at this T */
        if (fabs(sf->data->T_K[i] - c->m->T_K) <= 1e-9 * c->m->T_K)
            avoid[na++] = (spot){(sf->data->x[i] - c->x0) / (c->x1 - c->x0), (sf->data->rho_g_cm3[i] - c->r0) / (c->r1 - c->r0)};
    for (size_t k = 0; k < 12 && na < NAVOID; ++k) { /* the ridge */
        const size_t ix = k * (nx - 1) / 11;
        const double r = sf->rho_opt.v[it * nx + ix];
        if (isfinite(r))
            avoid[na++] = (spot){(sf->x[ix] - c->x0) / (c->x1 - c->x0), (r - c->r0) / (c->r1 - c->r0)};
    }
    const double chr = 0.85 * c->chr;
    const double upx = (c->x1 - c->x0) / c->FW, vpx = (c->r1 - c->r0) / c->FH; /* world per device unit */
    double px0, px1, py0, py1;
    ssoc_plt_vp_px(pic, &px0, &px1, &py0, &py1);
    for (int l = 0; l < c->sc->nlev; ++l) {
        spot s;
        if (!label_spot(c, c->sc->levels[l], avoid, na, &s))
            continue;
        if (na < NAVOID)
            avoid[na++] = s;
        char t[32];
        level_text(c->sc, c->sc->levels[l], c->field == SSOC_PLOT_P_EXCEED, t, sizeof t);
        const double x = c->x0 + s.u * (c->x1 - c->x0), y = c->r0 + s.v * (c->r1 - c->r0);
        const double hw = (5.5 + 4.6 * (double)strlen(t)) * upx, hh = 10.5 * vpx; /* ~9 units per glyph at chr 0.53 */
        ssoc_plt_rect(x - hw, x + hw, y - hh, y + hh, C_LABELBOX);
        plcol0(C_BLACK);
        ssoc_plt_chr(chr);
        plptex(x, y, 1, 0, 0.5, t);
        if (lay && lay->nlabel < SSOC_PLOT_MAXLABEL) {
            lay->label[lay->nlabel].panel = panel, lay->label[lay->nlabel].level = c->sc->levels[l];
            lay->label[lay->nlabel].wx = x, lay->label[lay->nlabel].wy = y;
            lay->label[lay->nlabel].px = px0 + s.u * (px1 - px0), lay->label[lay->nlabel].py = py1 - s.v * (py1 - py0);
            ++lay->nlabel;
        }
    }
}

static void layer_veil(const panel_ctx *c)
{
    /* One polygon: the frame with the fitted region as a hole (outer counter-clockwise, hole
     * clockwise, joined by a slit), so no two translucent pieces overlap along a seam. The fitted
     * region: x in [x_min, x_max], v_f in [vf_min, vf_max], i.e. rho between rho0(x)(1 - vf_max)
     * and rho0(x)(1 - vf_min). */
    const ssoc_data_range *d = &c->sf->range;
    const double x0 = c->x0, x1 = c->x1, r0 = c->r0, r1 = c->r1;
    enum { NS = 64 };
    PLFLT ux[NS], uy[NS], ly[NS];
    const double a = fmax(d->x_min, x0), b = fmin(d->x_max, x1);
    const int hole = b > a;
    for (int i = 0; hole && i < NS; ++i) {
        const double x = a + (b - a) * i / (NS - 1), rho0 = ssoc_model_rho0_g_cm3(x);
        ux[i] = x;
        uy[i] = fmin(fmax(rho0 * (1 - d->vf_min), r0), r1);
        ly[i] = fmin(fmax(rho0 * (1 - d->vf_max), r0), r1);
    }
    PLFLT px[2 * NS + 8], py[2 * NS + 8];
    int n = 0;
    px[n] = x0, py[n] = r0, ++n;
    px[n] = x1, py[n] = r0, ++n;
    px[n] = x1, py[n] = r1, ++n;
    px[n] = x0, py[n] = r1, ++n;
    px[n] = x0, py[n] = r0, ++n;
    if (hole) {
        px[n] = ux[0], py[n] = ly[0], ++n;
        for (int i = 0; i < NS; ++i) /* up the left side and along the top: clockwise */
            px[n] = ux[i], py[n] = uy[i], ++n;
        for (int i = NS - 1; i >= 0; --i)
            px[n] = ux[i], py[n] = ly[i], ++n;
        px[n] = x0, py[n] = r0, ++n;
    }
    plcol0(C_VEIL);
    plfill(n, px, py);
    if (!hole)
        return;
    ssoc_plt_dash(1200, 900);
    plcol0(C_BLACK);
    ssoc_plt_width(1.6);
    PLFLT bx[2 * NS + 1], by[2 * NS + 1];
    n = 0;
    for (int i = 0; i < NS; ++i)
        bx[n] = ux[i], by[n] = uy[i], ++n;
    for (int i = NS - 1; i >= 0; --i)
        bx[n] = ux[i], by[n] = ly[i], ++n;
    bx[n] = ux[0], by[n] = uy[0], ++n;
    plline(n, bx, by);
    ssoc_plt_dash(0, 0);
}

/* iso-free-volume lines every 0.1, ticks every 0.05 with labels on the right edge (v_f at the
 * right-hand composition) */
static void layer_iso_vf(const panel_ctx *c)
{
    enum { NS = 32 };
    const double x0 = c->x0, x1 = c->x1, r0 = c->r0, r1 = c->r1;
    for (int k = -6; k <= 8; ++k) {
        const double v = 0.05 * k;
        const double rr = ssoc_model_rho0_g_cm3(x1) * (1 - v);
        if (rr < r0 || rr > r1)
            continue;
        if (k % 2 == 0) {
            PLFLT px[NS], py[NS];
            for (int i = 0; i < NS; ++i) {
                px[i] = x0 + (x1 - x0) * i / (NS - 1);
                py[i] = ssoc_model_rho0_g_cm3(px[i]) * (1 - v);
            }
            ssoc_plt_dash(300, 700);
            plcol0(C_AXISGREY);
            ssoc_plt_width(1.0);
            plline(NS, px, py);
            ssoc_plt_dash(0, 0);
        }
        plcol0(C_BLACK);
        ssoc_plt_width(1.0);
        const double tl = 0.012 * (x1 - x0) * (k % 2 == 0 ? 1.0 : 0.5);
        pljoin(x1, rr, x1 - tl, rr);
        if (k % 2 == 0) {
            char lab[16];
            snprintf(lab, sizeof lab, "%s%.1f", v < 0 ? "−" : "", fabs(v));
            ssoc_plt_chr(c->chr);
            plmtex("rv", 0.7, (rr - r0) / (r1 - r0), 0.0, lab);
        }
    }
}

/* the ridge rho_opt(x) (white on a black outline, visible on every colour of the map) and its band
 * (black dashes: the ridge runs through the high, light colours); boundary results left out */
static void ridge_line(size_t n, const double *x, const double *y, const unsigned char *use)
{
    plcol0(C_BLACK);
    ssoc_plt_width(5.6);
    ssoc_plt_runs(n, x, y, use);
    plcol0(C_RIDGE);
    ssoc_plt_width(3.4);
    ssoc_plt_runs(n, x, y, use);
}

static void layer_ridge(const panel_ctx *c)
{
    const ssoc_sweepfile *sf = c->sf;
    const size_t nx = sf->nx, it = c->m->it;
    unsigned char *use = malloc(nx);
    if (!use)
        return;
    for (size_t i = 0; i < nx; ++i)
        use[i] = sf->rho_opt_at_bound[it * nx + i] == 0;
    ssoc_plt_dash(1500, 900);
    plcol0(C_BLACK);
    ssoc_plt_width(1.8);
    ssoc_plt_runs(nx, sf->x, sf->rho_opt.lo + it * nx, use);
    ssoc_plt_runs(nx, sf->x, sf->rho_opt.hi + it * nx, use);
    ssoc_plt_dash(0, 0);
    ridge_line(nx, sf->x, sf->rho_opt.v + it * nx, use);
    free(use);
}

/* An MD marker: filled circle (PCC) or triangle (SCC) in cmap1 position `fill` (NaN: white), black
 * outline. */
static void md_marker(double x, double y, int scc, double fill, double chr)
{
    PLFLT px = x, py = y;
    ssoc_plt_chr(chr);
    if (isfinite(fill))
        plcol1(fmin(fmax(fill, 0.0), 1.0));
    else
        plcol0(C_WHITE);
    plstring(1, &px, &py, scc ? "▲" : "●");
    plcol0(C_BLACK);
    plstring(1, &px, &py, scc ? "△" : "○");
}

/* the fitted MD points at this temperature, filled with their observed sigma on the map's colour
 * scale when the field is sigma (so misfit shows as a marker that stands out from the map) */
static size_t layer_data(const panel_ctx *c)
{
    const ssoc_dataset *d = c->sf->data;
    const int fill = field_is_sigma(c->field);
    size_t n = 0;
    for (size_t i = 0; i < d->n; ++i) {
        if (fabs(d->T_K[i] - c->m->T_K) > 1e-9 * c->m->T_K)
            continue;
        const double s = d->sigma_S_cm[i] > 0 ? log10(1e3 * d->sigma_S_cm[i]) : NAN;
        md_marker(d->x[i], d->rho_g_cm3[i], d->regime[i] == SSOC_REGIME_SCC,
                  fill ? (s - c->sc->lo) / (c->sc->hi - c->sc->lo) : NAN, 1.55 * c->chr);
        ++n;
    }
    return n;
}

/* The designs of a query that reach its target at its confidence: the grid points with P >=
 * confidence hatched (the cells between them: the indicator at 1/2, as the outline) and outlined
 * in vermillion on a black edge, a colour the viridis map never takes. */
static void layer_region(const panel_ctx *c, const PLcGrid *nodes)
{
    const ssoc_plot_region_T *r = c->rgT;
    const size_t nx = c->m->nx, nr = c->m->nrho;
    if (!r)
        return;
    PLFLT *z = malloc(nx * nr * sizeof *z), **rows = malloc(nx * sizeof *rows);
    size_t n = 0;
    for (size_t ix = 0; z && rows && ix < nx; ++ix) {
        rows[ix] = z + ix * nr;
        for (size_t ir = 0; ir < nr; ++ir)
            n += (rows[ix][ir] = r->p[ir * nx + ix] >= c->rgn->confidence) != 0;
    }
    if (z && rows && n) {
        const PLINT inc = 450, del = 2200; /* 45 degree lines, 2.2 mm apart */
        plpat(1, &inc, &del);
        plshade((PLFLT_MATRIX)rows, (PLINT)nx, (PLINT)nr, NULL, c->x0, c->x1, c->r0, c->r1, 0.5, 1.5, 0, C_REGION,
                1.4, 0, 0.0, 0, 0.0, plfill, 0, pltr1, (PLPointer)nodes);
        plpsty(0);
        const PLFLT half = 0.5;
        for (int k = 0; k < 2; ++k) {
            plcol0(k ? C_REGION : C_BLACK);
            ssoc_plt_width(k ? 2.4 : 4.4);
            plcont((PLFLT_MATRIX)rows, (PLINT)nx, (PLINT)nr, 1, (PLINT)nx, 1, (PLINT)nr, &half, 1, pltr1,
                   (PLPointer)nodes);
        }
    }
    free(z), free(rows);
}

/* A best-design marker: a star (anywhere) or a diamond (inside the fitted data) in vermillion with
 * a black outline. */
static void region_marker(double x, double y, int inside, double chr)
{
    PLFLT px = x, py = y;
    ssoc_plt_chr(chr);
    plcol0(C_REGION);
    plstring(1, &px, &py, inside ? "◆" : "★");
    plcol0(C_BLACK);
    plstring(1, &px, &py, inside ? "◇" : "☆");
}

/* The best designs of the query at this temperature (the one inside the data only where it
 * differs), drawn in page units over the frame's top-left corner (fx0, fy0): a design on the
 * grid's edge, where the best often is, keeps its whole marker (a panel's world clips it). */
static void layer_best(const panel_ctx *c, double fx0, double fy0, double W, double H)
{
    const ssoc_plot_region_T *r = c->rgT;
    if (!r)
        return;
    plvpor(0, 1, 0, 1);
    plwind(0, W, H, 0);
    const double bx[2] = {r->inside_x, r->best_x}, by[2] = {r->inside_rho, r->best_rho};
    const int same = r->inside_x == r->best_x && r->inside_rho == r->best_rho;
    const double bp[2] = {r->inside_p, r->best_p};
    for (int k = same; k < 2; ++k) /* P = 0 everywhere: no design is best at reaching the target */
        if (isfinite(bx[k]) && bp[k] > 0)
            region_marker(fx0 + (bx[k] - c->x0) / (c->x1 - c->x0) * c->FW,
                          fy0 + (1 - (by[k] - c->r0) / (c->r1 - c->r0)) * c->FH, k == 0 || same, 2.0 * c->chr);
}

/* frame, ticks and titles; the x title where no panel sits below, the y titles on the outer columns */
static void panel_axes(const panel_ctx *c, const geom *g, size_t p, size_t np, const char *title)
{
    const size_t col = p % g->ncol;
    plcol0(C_BLACK);
    ssoc_plt_width(1.2);
    ssoc_plt_chr(c->chr);
    plbox("bcnst", 0, 0, "bnstv", 0, 0);
    plbox("", 0, 0, "c", 0, 0);
    ssoc_plt_chr(1.1 * c->chr);
    if (p + g->ncol >= np)
        plmtex("b", 3.0, 0.5, 0.5, "Li₂S fraction x in (Li₂S)ₓ(P₂S₅)₁₋ₓ");
    if (col == 0)
        plmtex("l", 4.2, 0.5, 0.5, "density ρ (g/cm³)");
    if (col == g->ncol - 1 || p == np - 1) {
        char rl[96];
        snprintf(rl, sizeof rl, "free volume v#df#u = 1 − ρ/ρ₀ at x = %g", c->x1);
        plmtex("r", 4.4, 0.5, 0.5, rl);
    }
    ssoc_plt_chr(1.15 * c->chr);
    plmtex("t", 0.9, 0.5, 0.5, title);
}

/* ------------------------------------------------------------------ colour bar and legend */

/* The colour bar drawn by hand (exact placement, 1-2-5 labels, contour levels marked), in the NDC
 * box [bx0, bx1] x [by0, by1]. */
static void colour_bar(double bx0, double bx1, double by0, double by1, const scale *sc, int pct, const char *title,
                       double chr)
{
    enum { NG = 256 };
    PLFLT col[NG], *rows[2] = {col, col};
    for (int i = 0; i < NG; ++i)
        col[i] = sc->lo + (sc->hi - sc->lo) * (i + 0.5) / NG;
    plvpor(bx0, bx1, by0, by1);
    plwind(0, 1, sc->lo, sc->hi);
    plimagefr((PLFLT_MATRIX)rows, 2, NG, 0, 1, sc->lo, sc->hi, sc->lo, sc->hi, sc->lo, sc->hi, NULL, NULL);
    ssoc_plt_width(1.1); /* contour levels as marks across the bar, in their line colours */
    for (int i = 0; i < sc->nlev; ++i) {
        plcol0(contour_colour(sc, sc->levels[i]));
        pljoin(0, sc->levels[i], 1, sc->levels[i]);
    }
    plcol0(C_BLACK);
    ssoc_plt_width(1.0);
    plbox("bc", 0, 0, "bc", 0, 0);
    double ticks[64];
    int nt = 0;
    if (!sc->log) {
        for (int i = 0; i <= 4; ++i)
            ticks[nt++] = sc->lo + (sc->hi - sc->lo) * i / 4.0;
    } else {
        nt = levels_125(sc->lo - 1e-9, sc->hi + 1e-9, -INFINITY, ticks, 60);
    }
    ssoc_plt_chr(chr);
    for (int i = 0; i < nt; ++i) {
        pljoin(1, ticks[i], 0.7, ticks[i]);
        pljoin(0, ticks[i], 0.3, ticks[i]);
        char lab[32];
        level_text(sc, ticks[i], pct, lab, sizeof lab);
        plmtex("rv", 0.6, (ticks[i] - sc->lo) / (sc->hi - sc->lo), 0.0, lab);
    }
    if (sc->log && sc->hi - sc->lo > 3.2) /* minor ticks at 2..9 of each decade on wide log scales */
        for (int e = (int)floor(sc->lo); e <= (int)ceil(sc->hi); ++e)
            for (int m = 2; m <= 9; ++m) {
                const double l = e + log10(m);
                if (l > sc->lo && l < sc->hi)
                    pljoin(1, l, 0.82, l);
            }
    ssoc_plt_chr(1.05 * chr);
    plmtex("t", 1.2, 0.5, 0.5, title);
    if (sc->cap_low) { /* values below the range: shown in the lowest colour, a triangle says so */
        const double ch = 0.9 * (bx1 - bx0);
        plvpor(bx0, bx1, by0 - ch - 0.004, by0 - 0.004);
        plwind(0, 1, 0, 1);
        PLFLT tx[4] = {0, 1, 0.5, 0}, ty[4] = {1, 1, 0, 1};
        plcol1(0.0);
        plfill(3, tx, ty);
        plcol0(C_BLACK);
        plline(4, tx, ty);
    }
}

/* Legend entry kinds */
enum { LG_RIDGE, LG_BAND, LG_PCC, LG_SCC, LG_FILL, LG_VEIL, LG_ISO, LG_CONTOUR, LG_REGION, LG_BEST };

/* One legend entry in a viewport whose world is the page in device units, y down: a sample of
 * width w at (x, y) and the text after it. */
static void legend_item(double x, double y, double w, double h, int kind, const char *text, double chr)
{
    const double xm = x + 0.5 * w;
    switch (kind) {
    case LG_RIDGE: {
        const double lx[2] = {x, x + w}, ly[2] = {y, y};
        ridge_line(2, lx, ly, NULL);
        break;
    }
    case LG_BAND: ssoc_plt_join(x, y, x + w, y, C_BLACK, 1.8, 1500, 900); break;
    case LG_PCC:
    case LG_SCC: md_marker(xm, y, kind == LG_SCC, NAN, 1.3 * chr); break;
    case LG_FILL: /* three markers in low, middle and high colours */
        for (int k = 0; k < 3; ++k)
            md_marker(x + w * (0.12 + 0.38 * k), y, 0, 0.1 + 0.4 * k, 1.3 * chr);
        break;
    case LG_VEIL: {
        PLFLT px[5] = {x, x + w, x + w, x, x}, py[5] = {y - h, y - h, y + h, y + h, y - h};
        plcol0(C_NODATA);
        plfill(4, px, py);
        ssoc_plt_dash(1200, 900);
        plcol0(C_BLACK), ssoc_plt_width(1.2), plline(5, px, py);
        ssoc_plt_dash(0, 0);
        break;
    }
    case LG_ISO: ssoc_plt_join(x, y, x + w, y, C_GREY, 1.2, 300, 700); break;
    case LG_REGION: { /* a hatched box with the region's outline */
        PLFLT px[5] = {x, x + w, x + w, x, x}, py[5] = {y - 1.6 * h, y - 1.6 * h, y + 1.6 * h, y + 1.6 * h, y - 1.6 * h};
        const PLINT inc = 450, del = 2200;
        plpat(1, &inc, &del);
        plcol0(C_REGION), ssoc_plt_width(1.4), plfill(4, px, py);
        plpsty(0);
        for (int k = 0; k < 2; ++k)
            plcol0(k ? C_REGION : C_BLACK), ssoc_plt_width(k ? 2.4 : 4.4), plline(5, px, py);
        break;
    }
    case LG_BEST:
        region_marker(x + 0.2 * w, y, 0, 2.0 * chr);
        region_marker(x + 0.8 * w, y, 1, 2.0 * chr);
        break;
    case LG_CONTOUR: /* a contour line through its label, on a mid colour of the scale */
        plcol1(0.35);
        {
            PLFLT px[4] = {x, x + w, x + w, x}, py[4] = {y - 1.6 * h, y - 1.6 * h, y + 1.6 * h, y + 1.6 * h};
            plfill(4, px, py);
        }
        plcol0(C_CONTOUR), ssoc_plt_width(1.1), pljoin(x, y, x + w, y);
        ssoc_plt_rect(xm - 0.24 * w, xm + 0.24 * w, y + 1.3 * h, y - 1.3 * h, C_LABELBOX);
        plcol0(C_BLACK);
        ssoc_plt_chr(0.8 * chr);
        plptex(xm, y, 1, 0, 0.5, "1");
        break;
    }
    plcol0(C_BLACK);
    ssoc_plt_chr(chr);
    plptex(x + w * 1.25, y, 1, 0, 0.0, text);
}

/* The entries in three columns under the panels, across the page, or in one column in the first
 * empty cell of the grid. */
static void map_legend(const geom *g, size_t np, const ssoc_sweepfile *sf, const scale *sc, const ssoc_plot_opts *o,
                       size_t n_data, double chr)
{
    const ssoc_plot_field f = o->field;
    plvpor(0, 1, 0, 1);
    plwind(0, g->W, g->H, 0); /* device units, y down */
    char band[200], cont[192], lev[160] = "";
    ssoc_plt_band_text bt;
    ssoc_plt_band_words(SSOC_BAND_CONFIDENCE, sf->confidence, NULL, "ρ#dopt#u", &bt);
    snprintf(band, sizeof band, "%s %s", bt.kind, bt.of);
    for (int i = 0; i < sc->nlev && i < 8; ++i) {
        char t[32];
        level_text(sc, sc->levels[i], f == SSOC_PLOT_P_EXCEED, t, sizeof t);
        snprintf(lev + strlen(lev), sizeof lev - strlen(lev), "%s%s", i ? ", " : "", t);
    }
    if (sc->nlev > 8)
        snprintf(lev, sizeof lev, "decades");
    snprintf(cont, sizeof cont, "contours: %s%s", sc->nlev ? lev : "none",
             f == SSOC_PLOT_P_EXCEED ? "" : f == SSOC_PLOT_WIDTH ? " (factor)" : " mS/cm");
    struct {
        int kind;
        const char *text;
    } e[10];
    int n = 0;
    e[n].kind = LG_RIDGE, e[n++].text = "ridge ρ#dopt#u(x): σ maximum";
    e[n].kind = LG_BAND, e[n++].text = band;
    e[n].kind = LG_VEIL, e[n++].text = "outside fitted x, v#df#u (veiled)";
    if (n_data) {
        e[n].kind = LG_PCC, e[n++].text = "MD data at this T: PCC";
        e[n].kind = LG_SCC, e[n++].text = "MD data at this T: SCC";
        if (field_is_sigma(f))
            e[n].kind = LG_FILL, e[n++].text = "fill: observed σ, same colours";
    }
    e[n].kind = LG_CONTOUR, e[n++].text = cont;
    e[n].kind = LG_ISO, e[n++].text = "iso-v#df#u lines, step 0.1";
    char rtext[160];
    if (o->region) {
        snprintf(rtext, sizeof rtext, "σ ≥ %g mS/cm with P ≥ %g", 1e3 * o->region->target_S_cm, o->region->confidence);
        e[n].kind = LG_REGION, e[n++].text = rtext;
        e[n].kind = LG_BEST, e[n++].text = "highest P: anywhere, inside data";
    }
    const double dy = 34, sw = 46, sh = 8;
    double x0 = g->L, y0 = g->H - 50 - 34 * ((n + 2) / 3 - 1), colw = 0.345 * (g->W - g->L - 40);
    if (g->legend_cell) {
        cell_origin(g, np, &x0, &y0);
        x0 += 10, y0 += 0.5 * (g->FH - (n - 1) * dy);
    }
    for (int i = 0; i < n; ++i) { /* by rows across the columns in the strip, down the cell's one column */
        const int col = g->legend_cell ? 0 : i % 3, row = g->legend_cell ? i : i / 3;
        legend_item(x0 + col * colw, y0 + row * dy, sw, sh, e[i].kind, e[i].text, 0.9 * chr);
    }
}

/* title, subtitle and the SVG description */
static void map_titles(ssoc_plt_picture *pic, const ssoc_sweepfile *sf, const ssoc_plot_opts *o, const scale *sc,
                       const mapdata *maps, size_t np, int any_nan, const geom *g)
{
    char title[512], sub[600], temps[256] = "", lev[256] = "";
    snprintf(title, sizeof title, "%s of (Li₂S)ₓ(P₂S₅)₁₋ₓ glass", field_title(o->field, o->band));
    snprintf(sub, sizeof sub,
             "SSOC model, %.200s parameters · bootstrap B = %zu (%zu fitted) · %g%% %s %s bands%s",
             sf->params_source[0] ? sf->params_source : "fitted", sf->B, sf->n_ok, 100 * sf->confidence,
             o->band == SSOC_BAND_PREDICTION ? (sf->interval == SSOC_CI_EXPANDED ? "expanded" : "percentile")
                                             : sf->interval_name,
             o->band == SSOC_BAND_PREDICTION ? "prediction (a new MD run)" : "confidence", any_nan ? " · grey: no value" : "");
    snprintf(pic->title, sizeof pic->title, "%s", title);
    for (size_t p = 0; p < np; ++p)
        snprintf(temps + strlen(temps), sizeof temps - strlen(temps), "%s%g K", p ? ", " : "", maps[p].T_K);
    for (int i = 0; i < sc->nlev; ++i) {
        char t[32];
        level_text(sc, sc->levels[i], o->field == SSOC_PLOT_P_EXCEED, t, sizeof t);
        snprintf(lev + strlen(lev), sizeof lev - strlen(lev), "%s%s", i ? ", " : "", t);
    }
    const int sig = field_is_sigma(o->field);
    const char *what = o->field == SSOC_PLOT_P_EXCEED ? "P(sigma >= target)"
                       : o->field == SSOC_PLOT_WIDTH  ? "band factor sigma_hi/sigma_lo"
                                                      : "sigma (mS/cm)";
    snprintf(pic->desc, sizeof pic->desc,
             "%s. Temperature: %s. Horizontal axis: Li2S fraction x in (Li2S)x(P2S5)1-x, %g to %g. Vertical axis: "
             "density rho (g/cm3), %g to %g; right axis: free volume v_f = 1 - rho/rho0(x). Colour: %s, %s scale "
             "from %.4g to %.4g%s. Overlays: labelled contours of %s at %s%s; ridge rho_opt(x) (sigma maximum at "
             "each x) with its %g%% confidence band; %s at this temperature; region outside the fitted x and v_f "
             "veiled. Source: %.400s.",
             sub, temps, sf->x[0], sf->x[sf->nx - 1], sf->rho_g_cm3[0], sf->rho_g_cm3[sf->nrho - 1], what,
             sc->log ? "log10" : "linear", sc->log ? pow(10, sc->lo) : sc->lo, sc->log ? pow(10, sc->hi) : sc->hi,
             sig ? " mS/cm" : "", sig ? "sigma" : what, sc->nlev ? lev : "no level", sig ? " mS/cm" : "",
             100 * sf->confidence,
             sig ? "MD data filled with their observed sigma on the same colour scale" : "MD data (open markers)",
             sf->path);
    plvpor(0, 1, 0, 1);
    plwind(0, g->W, g->H, 0);
    plcol0(C_BLACK);
    ssoc_plt_chr(0.87);
    plptex(0.5 * g->W, 48, 1, 0, 0.5, title);
    ssoc_plt_chr(0.59);
    plptex(0.5 * g->W, 88, 1, 0, 0.5, sub);
}

/* ------------------------------------------------------------------ the picture */

static void map_colour_bar(const geom *g, const ssoc_sweepfile *sf, const ssoc_plot_region *region, const scale *sc,
                           ssoc_plot_field f, double chr, double page_scale, ssoc_plot_layout *layout)
{
    /* right of the block of panels, centred on it */
    const double blockR = g->L + (double)g->ncol * g->FW + (double)(g->ncol - 1) * g->GX;
    const double blockH = (double)g->nrow * g->FH + (double)(g->nrow - 1) * g->GY;
    const double bh = fmin(0.86 * 600, 0.8 * blockH), bw = 30, bxl = blockR + 130,
                 byt = g->TOP + 0.5 * (blockH - bh) + 10;
    char ulabel[160];
    if (f == SSOC_PLOT_P_EXCEED)
        snprintf(ulabel, sizeof ulabel, "P(σ ≥ %g mS/cm)", 1e3 * (region ? region->target_S_cm : sf->target_S_cm));
    else if (f == SSOC_PLOT_WIDTH)
        snprintf(ulabel, sizeof ulabel, "factor σ#dhi#u/σ#dlo#u");
    else
        snprintf(ulabel, sizeof ulabel, "σ (mS/cm)");
    colour_bar(bxl / g->W, (bxl + bw) / g->W, 1 - (byt + bh) / g->H, 1 - byt / g->H, sc, f == SSOC_PLOT_P_EXCEED,
               ulabel, chr);
    if (layout) {
        layout->cbar_x0 = page_scale * bxl, layout->cbar_x1 = page_scale * (bxl + bw);
        layout->cbar_y0 = page_scale * byt, layout->cbar_y1 = page_scale * (byt + bh);
        layout->cbar_lo = sc->lo, layout->cbar_hi = sc->hi, layout->cbar_log = sc->log;
    }
}

/* "T = 500 K", with "(nearest grid temperature)" when asked for another and "· outside the fitted T" */
static void panel_title(const ssoc_sweepfile *sf, const ssoc_plot_opts *o, const mapdata *m, char *buf, size_t cap)
{
    const double T = m->T_K;
    const int Tout = T < sf->range.T_min_K || T > sf->range.T_max_K;
    int req = 0;
    for (size_t k = 0; k < o->nT; ++k)
        req |= ssoc_sweepfile_nearest_T(sf, o->T_K[k]) == m->it && fabs(o->T_K[k] - T) > 1e-9 * T;
    snprintf(buf, cap, "T = %g K%s%s", T, req ? " (nearest grid T)" : "", Tout ? " · outside the fitted T" : "");
}

ssoc_status ssoc_plot_map(const ssoc_sweepfile *sf, const ssoc_plot_opts *o, ssoc_plot_layout *layout,
                          ssoc_error *err)
{
    if (!sf || !o)
        return SSOC_ERR(err, SSOC_EINVAL, "no sweep file or options");
    if ((unsigned)o->field >= SSOC_PLOT_NFIELD)
        return SSOC_ERR(err, SSOC_EINVAL, "unknown field %d", (int)o->field);
    if (o->nT > SSOC_PLOT_MAXPANEL)
        return SSOC_ERR(err, SSOC_EINVAL, "at most %d temperatures in one picture (got %zu)", SSOC_PLOT_MAXPANEL, o->nT);
    if (sf->nx < 2 || sf->nrho < 2)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: a map needs at least 2 compositions and 2 densities (grid is %zu x %zu)",
                        sf->path, sf->nx, sf->nrho);
    size_t its[SSOC_PLOT_MAXPANEL], np = 0;
    ssoc_status st = ssoc_plot_map_temperatures(sf, o, its, &np, err);
    mapdata maps[SSOC_PLOT_MAXPANEL];
    memset(maps, 0, sizeof maps);
    for (size_t p = 0; p < np && !st; ++p)
        st = load_map(sf, o, its[p], &maps[p], err);
    double *xc = corners(sf->x, sf->nx), *rc = corners(sf->rho_g_cm3, sf->nrho);
    if (!st && (!xc || !rc))
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    geom g;
    map_geometry(np, o->region != NULL, &g);
    ssoc_plt_picture pic;
    if (!st)
        st = ssoc_plt_begin(&pic, o, g.W, g.H, err);
    if (st) {
        mapdata_free(maps, np);
        free(xc), free(rc);
        return st;
    }
    if (setjmp(ssoc_plt_jump)) {
        mapdata_free(maps, np);
        free(xc), free(rc);
        return ssoc_plt_failed(&pic, err);
    }
    scale sc;
    make_scale(o->field, maps, np, &sc);
    const int any_nan = clamp_maps(maps, np, &sc);
    if (layout) {
        memset(layout, 0, sizeof *layout);
        layout->width = pic.width, layout->height = pic.height, layout->npanel = np;
    }
    const double chr = 0.62; /* about 17 device units for tick labels */
    PLcGrid cells = {.xg = xc, .yg = rc, .nx = (PLINT)(sf->nx + 1), .ny = (PLINT)(sf->nrho + 1)};
    PLcGrid nodes = {.xg = sf->x, .yg = sf->rho_g_cm3, .nx = (PLINT)sf->nx, .ny = (PLINT)sf->nrho};
    size_t n_data = 0;
    for (size_t p = 0; p < np; ++p) {
        panel_ctx c = {sf, &sc, &maps[p], o->field, o->region, region_of(o, its[p]), sf->x[0], sf->x[sf->nx - 1], sf->rho_g_cm3[0],
                       sf->rho_g_cm3[sf->nrho - 1], g.FW, g.FH, chr};
        panel_viewport(&g, p);
        plwind(c.x0, c.x1, c.r0, c.r1);
        layer_image(&c, &cells, any_nan);
        layer_contours(&c, &nodes);
        layer_iso_vf(&c);
        layer_veil(&c);
        layer_ridge(&c);
        layer_region(&c, &nodes);
        layer_contour_labels(&c, &pic, p, layout);
        n_data += layer_data(&c);
        char tt[256];
        panel_title(sf, o, &maps[p], tt, sizeof tt);
        panel_axes(&c, &g, p, np, tt);
        if (layout) {
            ssoc_plt_vp_px(&pic, &layout->panel[p].x0, &layout->panel[p].x1, &layout->panel[p].y0, &layout->panel[p].y1);
            layout->panel[p].T_K = maps[p].T_K;
            layout->panel[p].wx0 = c.x0, layout->panel[p].wx1 = c.x1, layout->panel[p].wy0 = c.r0,
            layout->panel[p].wy1 = c.r1;
        }
        double fx0, fy0;
        cell_origin(&g, p, &fx0, &fy0);
        layer_best(&c, fx0, fy0, g.W, g.H);
    }
    map_colour_bar(&g, sf, o->region, &sc, o->field, chr, (double)pic.width / g.W, layout);
    map_titles(&pic, sf, o, &sc, maps, np, any_nan, &g);
    map_legend(&g, np, sf, &sc, o, n_data, chr);
    plend();
    mapdata_free(maps, np);
    free(xc), free(rc);
    return ssoc_plt_publish(&pic, err);
}
