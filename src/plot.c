/* Pictures (plot.h). The only file that calls PLplot. PLplot keeps one global stream and calls
 * exit() from plexit() on a fatal error: we install an exit handler that longjmps back here (so
 * the library never exits) and an abort handler that records warnings (so misuse becomes an
 * error instead of a line on stderr). Text is UTF-8 through the cairo devices (DejaVu Sans).
 *
 * Page geometry is in device units: pixels for pngcairo, points for svgcairo and pdfcairo. */
#include "ssoc/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <plplot.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ colours */

enum {
    C_BG = 0,
    C_BLACK,
    C_GREY,
    C_WHITE,
    C_NODATA,
    C_VEIL,
    C_CONTOUR,
    C_RIDGE,
    C_BANDLINE,
    C_SHADE,
    C_AXISGREY,
    C_LINE0, /* C_LINE0 .. C_LINE0 + 7: curves (Okabe-Ito palette, colour-blind safe) */
    C_FILL0 = C_LINE0 + 8, /* translucent versions */
    C_NCOL0 = C_FILL0 + 8
};

static const int okabe_ito[8][3] = {{0, 114, 178},  {213, 94, 0},  {0, 158, 115},  {204, 121, 167},
                                    {230, 159, 0}, {86, 180, 233}, {120, 120, 120}, {0, 0, 0}};

static void set_palette(void)
{
    plscmap0n(C_NCOL0);
    plscol0a(C_BG, 255, 255, 255, 1.0);
    plscol0a(C_BLACK, 0, 0, 0, 1.0);
    plscol0a(C_GREY, 90, 90, 90, 1.0);
    plscol0a(C_WHITE, 255, 255, 255, 1.0);
    plscol0a(C_NODATA, 200, 200, 200, 1.0);
    plscol0a(C_VEIL, 255, 255, 255, 0.55);
    plscol0a(C_CONTOUR, 255, 255, 255, 0.75);
    plscol0a(C_RIDGE, 255, 255, 255, 1.0);
    plscol0a(C_BANDLINE, 255, 255, 255, 0.95);
    plscol0a(C_SHADE, 0, 0, 0, 0.07);
    plscol0a(C_AXISGREY, 60, 60, 60, 0.55);
    for (int i = 0; i < 8; ++i) {
        plscol0a(C_LINE0 + i, okabe_ito[i][0], okabe_ito[i][1], okabe_ito[i][2], 1.0);
        plscol0a(C_FILL0 + i, okabe_ito[i][0], okabe_ito[i][1], okabe_ito[i][2], 0.18);
    }
}

/* viridis (perceptually uniform, readable in grey and by colour-blind readers), low to high */
static void set_viridis(void)
{
    static const double v[9][3] = {{0.267, 0.005, 0.329}, {0.279, 0.175, 0.483}, {0.230, 0.322, 0.546},
                                   {0.173, 0.449, 0.558}, {0.128, 0.567, 0.551}, {0.157, 0.684, 0.502},
                                   {0.369, 0.789, 0.383}, {0.678, 0.864, 0.190}, {0.993, 0.906, 0.144}};
    PLFLT pos[9], r[9], g[9], b[9], a[9];
    for (int i = 0; i < 9; ++i)
        pos[i] = i / 8.0, r[i] = v[i][0], g[i] = v[i][1], b[i] = v[i][2], a[i] = 1.0;
    plscmap1n(256);
    plscmap1la(1, 9, pos, r, g, b, a, NULL);
}

/* ------------------------------------------------------------------ output file and session */

static jmp_buf pl_jump;
/* PLplot's default character height grows with width + height of the page; this factor keeps
 * text at a fixed size in device units (measured: proportional to W + H) */
static double pl_text = 1.0;

static void set_chr(double s) { plschr(0, s * pl_text); }

static char pl_msg[512];
static int pl_warned;

static int on_plexit(const char *msg)
{
    snprintf(pl_msg, sizeof pl_msg, "%s", msg ? msg : "fatal PLplot error");
    longjmp(pl_jump, 1);
    return 1;
}

static void on_plabort(const char *msg)
{
    if (!pl_warned)
        snprintf(pl_msg, sizeof pl_msg, "%s", msg ? msg : "PLplot warning");
    pl_warned = 1;
}

typedef struct picture {
    char out[4096];
    char tmp[4200];
    const char *device;
    int force;
    int width, height;
    char title[512];  /* for SVG: <title> and <desc> (cairo writes text as glyph outlines, so */
    char desc[2048];  /* the words would otherwise not be in the file for search or screen readers) */
} picture;

static void xml_escape(FILE *f, const char *s)
{
    for (; *s; ++s)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        default: fputc(*s, f);
        }
}

/* Put <title> and <desc> right after the root element of the SVG cairo wrote. */
static int svg_describe(const picture *p)
{
    FILE *f = fopen(p->tmp, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n > 0 ? malloc((size_t)n + 1) : NULL;
    size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    if (!buf || got != (size_t)n) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    char *root = strstr(buf, "<svg");
    char *end = root ? strchr(root, '>') : NULL;
    if (!end) {
        free(buf);
        return -1;
    }
    f = fopen(p->tmp, "wb");
    if (!f) {
        free(buf);
        return -1;
    }
    fwrite(buf, 1, (size_t)(end + 1 - buf), f);
    fputs("\n<title>", f);
    xml_escape(f, p->title);
    fputs("</title>\n<desc>", f);
    xml_escape(f, p->desc);
    fputs("</desc>", f);
    fwrite(end + 1, 1, (size_t)(buf + n - (end + 1)), f);
    int rc = ferror(f) ? -1 : 0;
    if (fclose(f) != 0)
        rc = -1;
    free(buf);
    return rc;
}

static ssoc_status picture_begin(picture *p, const ssoc_plot_opts *o, int width, int height, ssoc_error *err)
{
    memset(p, 0, sizeof *p);
    if (!o || !o->output || !o->output[0])
        return SSOC_ERR(err, SSOC_EINVAL, "no output picture given (-o FILE.png|.svg|.pdf)");
    snprintf(p->out, sizeof p->out, "%s", o->output);
    const char *dot = strrchr(p->out, '.'), *slash = strrchr(p->out, '/');
    if (!dot || (slash && dot < slash))
        dot = "";
    if (!strcmp(dot, ".png") || !strcmp(dot, ".PNG"))
        p->device = "pngcairo";
    else if (!strcmp(dot, ".svg") || !strcmp(dot, ".SVG"))
        p->device = "svgcairo";
    else if (!strcmp(dot, ".pdf") || !strcmp(dot, ".PDF"))
        p->device = "pdfcairo";
    else
        return SSOC_ERR(err, SSOC_EINVAL, "%s: unknown picture type '%s' (use .png, .svg or .pdf)", p->out, dot);
    p->force = o->force;
    if (!p->force && access(p->out, F_OK) == 0)
        return SSOC_ERR(err, SSOC_EEXISTS, "%s exists; refusing to overwrite it (use --force)", p->out);
    /* temporary name in the same directory (same file system: rename is atomic), same extension */
    const char *base = slash ? slash + 1 : p->out;
    snprintf(p->tmp, sizeof p->tmp, "%.*s.%s.tmp%ld%s", (int)(base - p->out), p->out, base, (long)getpid(), dot);
    int fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0)
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot write a picture there: %s", p->out, strerror(errno));
    close(fd);
    p->width = width, p->height = height;
    pl_text = 2110.0 / (width + height);
    pl_msg[0] = '\0';
    pl_warned = 0;
    plsexit(on_plexit);
    plsabort(on_plabort);
    plsdev(p->device);
    plsfnam(p->tmp);
    plspage(0.0, 0.0, width, height, 0, 0);
    plscolbg(255, 255, 255);
    set_palette();
    set_viridis();
    plinit();
    plfontld(1);
    plsfont(PL_FCI_SANS, PL_FCI_UPRIGHT, PL_FCI_MEDIUM);
    pladv(0);
    return SSOC_OK;
}

/* after plend(): publish the temporary file under the final name */
static ssoc_status picture_publish(picture *p, ssoc_error *err)
{
    struct stat sb;
    if (pl_warned) {
        unlink(p->tmp);
        return SSOC_ERR(err, SSOC_EIO, "%s: PLplot: %s", p->out, pl_msg);
    }
    if (!strcmp(p->device, "svgcairo") && svg_describe(p) != 0) {
        unlink(p->tmp);
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot add the description to the SVG", p->out);
    }
    if (stat(p->tmp, &sb) != 0 || sb.st_size == 0) {
        unlink(p->tmp);
        return SSOC_ERR(err, SSOC_EIO, "%s: the %s device wrote nothing", p->out, p->device);
    }
    if (p->force) {
        if (rename(p->tmp, p->out) != 0) {
            int e = errno;
            unlink(p->tmp);
            return SSOC_ERR(err, SSOC_EIO, "%s: cannot rename the finished picture into place: %s", p->out, strerror(e));
        }
        return SSOC_OK;
    }
    /* no --force: link() refuses an existing name atomically (a file that appeared meanwhile survives) */
    if (link(p->tmp, p->out) == 0) {
        unlink(p->tmp);
        return SSOC_OK;
    }
    int e = errno;
    if (e == EEXIST) {
        unlink(p->tmp);
        return SSOC_ERR(err, SSOC_EEXISTS, "%s exists; refusing to overwrite it (use --force)", p->out);
    }
    /* file systems without hard links: check, then rename */
    if (access(p->out, F_OK) == 0) {
        unlink(p->tmp);
        return SSOC_ERR(err, SSOC_EEXISTS, "%s exists; refusing to overwrite it (use --force)", p->out);
    }
    if (rename(p->tmp, p->out) != 0) {
        e = errno;
        unlink(p->tmp);
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot rename the finished picture into place: %s", p->out, strerror(e));
    }
    return SSOC_OK;
}

static ssoc_status picture_failed(picture *p, ssoc_error *err)
{
    /* reached by longjmp from plexit(): PLplot's state is unusable, drop the stream */
    unlink(p->tmp);
    return SSOC_ERR(err, SSOC_EIO, "%s: PLplot failed: %s", p->out, pl_msg);
}

/* ------------------------------------------------------------------ small helpers */

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

/* viewport in NDC -> layout pixels (y from the top) */
static void vp_px(const picture *p, double *x0, double *x1, double *y0, double *y1)
{
    PLFLT a, b, c, d;
    plgvpd(&a, &b, &c, &d);
    *x0 = a * p->width, *x1 = b * p->width;
    *y0 = (1 - d) * p->height, *y1 = (1 - c) * p->height;
}

/* tick label of a log10 axis: the value itself in plain decimal where that reads well */
static void log_label(PLINT axis, PLFLT v, char *label, PLINT len, PLPointer data)
{
    (void)axis, (void)data;
    const double e = floor(v + 0.5);
    if (fabs(v - e) > 1e-6) {
        snprintf(label, (size_t)len, "%.2g", pow(10.0, v));
        return;
    }
    if (e >= -3 && e <= 4)
        snprintf(label, (size_t)len, "%.*f", e < 0 ? (int)-e : 0, pow(10.0, e));
    else
        snprintf(label, (size_t)len, "10#u%d#d", (int)e);
}

static void set_width(double w) { plwidth(w); }

/* draw the finite runs of (x[i], y[i]) where use[i] */
static void runs(size_t n, const double *x, const double *y, const unsigned char *use)
{
    PLFLT *px = malloc(n * sizeof *px), *py = malloc(n * sizeof *py);
    if (!px || !py) {
        free(px), free(py);
        return;
    }
    size_t m = 0;
    for (size_t i = 0; i <= n; ++i) {
        int ok = i < n && isfinite(x[i]) && isfinite(y[i]) && (!use || use[i]);
        if (ok) {
            px[m] = x[i], py[m] = y[i], ++m;
        } else {
            if (m >= 2)
                plline((PLINT)m, px, py);
            m = 0;
        }
    }
    free(px), free(py);
}

/* ------------------------------------------------------------------ the map */

typedef struct mapdata {
    size_t nx, nrho;
    double *z;      /* [nx][nrho] display values (row pointers below) */
    PLFLT **rows;
    double T_K;
    size_t it;
} mapdata;

static void mapdata_free(mapdata *m)
{
    free(m->z);
    free(m->rows);
}

static const char *field_dataset(ssoc_plot_field f)
{
    switch (f) {
    case SSOC_PLOT_BEST: return "/sigma/best";
    case SSOC_PLOT_MEDIAN: return "/sigma/median";
    case SSOC_PLOT_LO: return "/sigma/lo";
    case SSOC_PLOT_HI: return "/sigma/hi";
    case SSOC_PLOT_P_EXCEED: return "/sigma/p_exceed";
    default: return NULL;
    }
}

/* display value: log10(sigma / (mS/cm)), log10(hi/lo), or the probability */
static ssoc_status load_map(const ssoc_sweepfile *sf, ssoc_plot_field f, size_t it, mapdata *m, ssoc_error *err)
{
    const size_t n = sf->nx * sf->nrho;
    m->nx = sf->nx, m->nrho = sf->nrho, m->it = it, m->T_K = sf->T_K[it];
    double *a = malloc(n * sizeof *a), *b = f == SSOC_PLOT_WIDTH ? malloc(n * sizeof *b) : NULL;
    m->z = malloc(n * sizeof *m->z);
    m->rows = malloc(sf->nx * sizeof *m->rows);
    ssoc_status st = SSOC_OK;
    if (!a || !m->z || !m->rows || (f == SSOC_PLOT_WIDTH && !b))
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    else if (f == SSOC_PLOT_WIDTH) {
        st = ssoc_sweepfile_slice(sf, "/sigma/hi", it, a, err);
        if (!st)
            st = ssoc_sweepfile_slice(sf, "/sigma/lo", it, b, err);
    }
    else if (f == SSOC_PLOT_P_EXCEED && !sf->has_target)
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: no /sigma/p_exceed: the sweep had no [target] sigma (field p_exceed needs one)",
                      sf->path);
    else
        st = ssoc_sweepfile_slice(sf, field_dataset(f), it, a, err);
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

static const char *field_title(ssoc_plot_field f)
{
    switch (f) {
    case SSOC_PLOT_BEST: return "Ionic conductivity σ (point fit)";
    case SSOC_PLOT_MEDIAN: return "Ionic conductivity σ (bootstrap median)";
    case SSOC_PLOT_LO: return "Ionic conductivity σ, lower band end";
    case SSOC_PLOT_HI: return "Ionic conductivity σ, upper band end";
    case SSOC_PLOT_WIDTH: return "Band width σ#dhi#u/σ#dlo#u (where the model is sure)";
    case SSOC_PLOT_P_EXCEED: return "Probability that σ reaches the target";
    default: return "";
    }
}

typedef struct scale {
    double lo, hi;      /* colour range in display units */
    int log, cap_low;   /* log scale; values below lo exist (shown in the lowest colour, cap on the bar) */
    double levels[64];  /* contour levels (display units) */
    int nlev;
} scale;

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
        for (int i = 0; i < 5; ++i)
            s->levels[s->nlev++] = lv[i];
        return;
    }
    s->log = 1;
    if (f == SSOC_PLOT_WIDTH) {
        /* factors: 1-2-5 steps */
        s->lo = mn, s->hi = mx > mn ? mx : mn + 0.1;
        for (int e = -1; e <= 6 && s->nlev < 60; ++e) {
            const double m3[3] = {1, 2, 5};
            for (int k = 0; k < 3; ++k) {
                const double l = log10(m3[k]) + e;
                if (l > s->lo && l < s->hi && l > 0)
                    s->levels[s->nlev++] = l;
            }
        }
        return;
    }
    /* sigma: at most 6 decades below the maximum, so the interesting part keeps its colours */
    s->hi = mx;
    s->lo = mn > mx - 6 ? mn : mx - 6;
    s->cap_low = mn < s->lo;
    if (s->hi - s->lo < 0.05)
        s->lo = s->hi - 0.05;
    const double m125[3] = {1, 2, 5};
    for (int e = (int)floor(s->lo); e <= (int)ceil(s->hi) && s->nlev < 60; ++e)
        for (int k = 0; k < 3 && s->nlev < 60; ++k) {
            if (s->hi - s->lo > 3.2 && k > 0)
                continue; /* wide maps: decades only */
            const double l = e + log10(m125[k]);
            if (l > s->lo && l < s->hi)
                s->levels[s->nlev++] = l;
        }
}

static void veil_data_range(const ssoc_sweepfile *sf, double x0, double x1, double r0, double r1)
{
    /* One polygon: the frame with the fitted region as a hole (outer counter-clockwise, hole
     * clockwise, joined by a slit), so no two translucent pieces overlap along a seam. The fitted
     * region: x in [x_min, x_max], v_f in [vf_min, vf_max], i.e. rho between rho0(x)(1 - vf_max)
     * and rho0(x)(1 - vf_min). */
    const ssoc_data_range *d = &sf->range;
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
    PLINT mark = 1200, space = 900;
    plstyl(1, &mark, &space);
    plcol0(C_BLACK);
    set_width(1.6);
    PLFLT bx[2 * NS + 1], by[2 * NS + 1];
    n = 0;
    for (int i = 0; i < NS; ++i)
        bx[n] = ux[i], by[n] = uy[i], ++n;
    for (int i = NS - 1; i >= 0; --i)
        bx[n] = ux[i], by[n] = ly[i], ++n;
    bx[n] = ux[0], by[n] = uy[0], ++n;
    plline(n, bx, by);
    plstyl(0, NULL, NULL);
}

static void iso_vf(const ssoc_sweepfile *sf, double x0, double x1, double r0, double r1, double chr)
{
    enum { NS = 32 };
    PLINT mark = 300, space = 700;
    for (int k = -6; k <= 8; ++k) {
        const double v = 0.05 * k;
        const double rr = ssoc_model_rho0_g_cm3(x1) * (1 - v);
        if (rr < r0 || rr > r1)
            continue;
        PLFLT px[NS], py[NS];
        for (int i = 0; i < NS; ++i) {
            px[i] = x0 + (x1 - x0) * i / (NS - 1);
            py[i] = ssoc_model_rho0_g_cm3(px[i]) * (1 - v);
        }
        if (k % 2 == 0) {
            plstyl(1, &mark, &space);
            plcol0(C_AXISGREY);
            set_width(1.0);
            plline(NS, px, py);
            plstyl(0, NULL, NULL);
        }
        /* tick and label on the right edge: v_f at the right-hand composition */
        plcol0(C_BLACK);
        set_width(1.0);
        const double tl = 0.012 * (x1 - x0) * (k % 2 == 0 ? 1.0 : 0.5);
        pljoin(x1, rr, x1 - tl, rr);
        if (k % 2 == 0) {
            char lab[16];
            snprintf(lab, sizeof lab, "%s%.1f", v < 0 ? "−" : "", fabs(v));
            set_chr(chr);
            plmtex("rv", 0.7, (rr - r0) / (r1 - r0), 0.0, lab);
        }
    }
    (void)sf;
}

static void draw_ridge(const ssoc_sweepfile *sf, size_t it)
{
    const size_t nx = sf->nx;
    unsigned char *use = malloc(nx);
    if (!use)
        return;
    const double *ro = sf->rho_opt.v + it * nx, *lo = sf->rho_opt.lo + it * nx, *hi = sf->rho_opt.hi + it * nx;
    for (size_t i = 0; i < nx; ++i)
        use[i] = sf->rho_opt_at_bound[it * nx + i] == 0;
    /* the band: black dashes (the ridge runs through the high, light colours); the ridge: white
     * on a black outline, visible on every colour of the map */
    PLINT mark = 1500, space = 900;
    plstyl(1, &mark, &space);
    plcol0(C_BLACK);
    set_width(1.8);
    runs(nx, sf->x, lo, use);
    runs(nx, sf->x, hi, use);
    plstyl(0, NULL, NULL);
    plcol0(C_BLACK);
    set_width(5.6);
    runs(nx, sf->x, ro, use);
    plcol0(C_RIDGE);
    set_width(3.4);
    runs(nx, sf->x, ro, use);
    free(use);
}

static void draw_data(const ssoc_sweepfile *sf, double T_K, double chr, size_t *n_shown)
{
    const ssoc_dataset *d = sf->data;
    *n_shown = 0;
    for (size_t i = 0; i < d->n; ++i) {
        if (fabs(d->T_K[i] - T_K) > 1e-9 * T_K)
            continue;
        PLFLT x = d->x[i], y = d->rho_g_cm3[i];
        const int scc = d->regime[i] == 1;
        set_chr(chr * 1.25);
        plcol0(C_WHITE);
        plstring(1, &x, &y, scc ? "▲" : "●");
        plcol0(C_BLACK);
        plstring(1, &x, &y, scc ? "△" : "○");
        ++*n_shown;
    }
}

/* One legend entry in a viewport whose world is [0, 1] x [0, 1]: a sample at (x, y) and text. */
static void legend_item(double x, double y, double w, double h, int kind, const char *text, double chr)
{
    const double xm = x + 0.5 * w;
    set_chr(chr);
    if (kind == 0) { /* ridge */
        plcol0(C_BLACK), set_width(5.6), pljoin(x, y, x + w, y);
        plcol0(C_RIDGE), set_width(3.4), pljoin(x, y, x + w, y);
    } else if (kind == 1) { /* band */
        PLINT mark = 1500, space = 900;
        plstyl(1, &mark, &space);
        plcol0(C_BLACK), set_width(1.8), pljoin(x, y, x + w, y);
        plstyl(0, NULL, NULL);
    } else if (kind == 2 || kind == 3) { /* data markers */
        PLFLT px = xm, py = y;
        set_chr(chr * 0.8);
        plcol0(C_BLACK);
        plstring(1, &px, &py, kind == 2 ? "○" : "△");
        set_chr(chr);
    } else if (kind == 4) { /* veil */
        PLFLT px[5] = {x, x + w, x + w, x, x}, py[5] = {y - h, y - h, y + h, y + h, y - h};
        plcol0(C_NODATA);
        plfill(4, px, py);
        PLINT mark = 1200, space = 900;
        plstyl(1, &mark, &space);
        plcol0(C_BLACK), set_width(1.2), plline(5, px, py);
        plstyl(0, NULL, NULL);
    } else if (kind == 5) { /* iso v_f */
        PLINT mark = 300, space = 700;
        plstyl(1, &mark, &space);
        plcol0(C_GREY), set_width(1.2), pljoin(x, y, x + w, y);
        plstyl(0, NULL, NULL);
    } else if (kind == 6) { /* contour */
        plcol0(C_GREY), set_width(1.1), pljoin(x, y, x + w, y);
    }
    plcol0(C_BLACK);
    plptex(x + w * 1.25, y, 1, 0, 0.0, text);
}

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
    /* contour levels as white marks across the bar */
    plcol0(C_CONTOUR);
    set_width(1.1);
    for (int i = 0; i < sc->nlev; ++i)
        pljoin(0, sc->levels[i], 1, sc->levels[i]);
    plcol0(C_BLACK);
    set_width(1.0);
    plbox("bc", 0, 0, "bc", 0, 0);
    /* labelled ticks */
    double ticks[64];
    int nt = 0;
    if (!sc->log) {
        for (int i = 0; i <= 4; ++i)
            ticks[nt++] = sc->lo + (sc->hi - sc->lo) * i / 4.0;
    } else {
        const double span = sc->hi - sc->lo;
        const double m125[3] = {1, 2, 5};
        for (int e = (int)floor(sc->lo) - 1; e <= (int)ceil(sc->hi) && nt < 60; ++e)
            for (int k = 0; k < 3 && nt < 60; ++k) {
                if (span > 3.2 && k > 0)
                    continue;
                const double l = e + log10(m125[k]);
                if (l >= sc->lo - 1e-9 && l <= sc->hi + 1e-9)
                    ticks[nt++] = l;
            }
    }
    set_chr(chr);
    for (int i = 0; i < nt; ++i) {
        pljoin(1, ticks[i], 0.7, ticks[i]);
        pljoin(0, ticks[i], 0.3, ticks[i]);
        char lab[32];
        if (sc->log) {
            const double v = pow(10.0, ticks[i]);
            if (v >= 1e-3 && v < 1e5)
                snprintf(lab, sizeof lab, "%.*f", v < 1 ? (int)ceil(-log10(v) - 1e-9) : 0, v);
            else
                snprintf(lab, sizeof lab, "%.0e", v);
        } else {
            snprintf(lab, sizeof lab, pct ? "%.2f" : "%.3g", ticks[i]);
        }
        plmtex("rv", 0.6, (ticks[i] - sc->lo) / (sc->hi - sc->lo), 0.0, lab);
    }
    /* minor ticks at 2..9 of each decade on wide log scales */
    if (sc->log && sc->hi - sc->lo > 3.2)
        for (int e = (int)floor(sc->lo); e <= (int)ceil(sc->hi); ++e)
            for (int m = 2; m <= 9; ++m) {
                const double l = e + log10(m);
                if (l > sc->lo && l < sc->hi)
                    pljoin(1, l, 0.82, l);
            }
    set_chr(1.05 * chr);
    plmtex("t", 1.2, 0.5, 0.5, title);
    if (sc->cap_low) {
        /* values below the range: shown in the lowest colour, a triangle says so */
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
    /* temperatures: requested (nearest grid T, duplicates dropped) or the fitted data's */
    size_t its[SSOC_PLOT_MAXPANEL], np = 0;
    if (o->nT == 0) {
        size_t best = ssoc_sweepfile_nearest_T(sf, 0.5 * (sf->range.T_min_K + sf->range.T_max_K)), bn = 0;
        for (size_t it = 0; it < sf->nT; ++it) {
            size_t c = 0;
            for (size_t i = 0; i < sf->data->n; ++i)
                c += fabs(sf->data->T_K[i] - sf->T_K[it]) <= 1e-9 * sf->T_K[it];
            if (c > bn)
                bn = c, best = it;
        }
        its[np++] = best;
    } else {
        for (size_t k = 0; k < o->nT; ++k) {
            if (!(o->T_K[k] > 0) || !isfinite(o->T_K[k]))
                return SSOC_ERR(err, SSOC_EINVAL, "temperature %g K is not a positive number", o->T_K[k]);
            size_t it = ssoc_sweepfile_nearest_T(sf, o->T_K[k]), j;
            for (j = 0; j < np && its[j] != it; ++j)
                ;
            if (j == np)
                its[np++] = it;
        }
    }
    mapdata maps[SSOC_PLOT_MAXPANEL];
    memset(maps, 0, sizeof maps);
    ssoc_status st = SSOC_OK;
    for (size_t p = 0; p < np && !st; ++p)
        st = load_map(sf, o->field, its[p], &maps[p], err);
    double *xc = corners(sf->x, sf->nx), *rc = corners(sf->rho_g_cm3, sf->nrho);
    if (!st && (!xc || !rc))
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    if (st) {
        for (size_t p = 0; p < np; ++p)
            mapdata_free(&maps[p]);
        free(xc), free(rc);
        return st;
    }
    scale sc;
    make_scale(o->field, maps, np, &sc);
    int any_nan = 0;
    for (size_t p = 0; p < np; ++p)
        for (size_t i = 0; i < sf->nx * sf->nrho; ++i) {
            double *v = &maps[p].z[i];
            if (!isfinite(*v))
                *v = sc.lo - 1, any_nan = 1; /* below zmin: not drawn, the grey underlay shows */
            else if (*v < sc.lo)
                *v = sc.lo;
            else if (*v > sc.hi)
                *v = sc.hi;
        }
    /* page geometry in device units: frames of FW x FH, up to 3 per row */
    const size_t ncol = np < 3 ? np : 3, nrow = (np + ncol - 1) / ncol;
    const double FW = 820, FH = 600, L = 115, R = 280, TOP = 150, BOT = 165, GX = 230, GY = 150;
    const int W = (int)(L + (double)ncol * FW + (double)(ncol - 1) * GX + R);
    const int H = (int)(TOP + (double)nrow * FH + (double)(nrow - 1) * GY + BOT);
    picture pic;
    if ((st = picture_begin(&pic, o, W, H, err))) {
        for (size_t p = 0; p < np; ++p)
            mapdata_free(&maps[p]);
        free(xc), free(rc);
        return st;
    }
    if (setjmp(pl_jump)) {
        for (size_t p = 0; p < np; ++p)
            mapdata_free(&maps[p]);
        free(xc), free(rc);
        return picture_failed(&pic, err);
    }
    if (layout) {
        memset(layout, 0, sizeof *layout);
        layout->width = W, layout->height = H, layout->npanel = np;
    }
    const double chr = 0.62; /* character scale: about 17 device units for tick labels */
    const double x0 = sf->x[0], x1 = sf->x[sf->nx - 1], r0 = sf->rho_g_cm3[0], r1 = sf->rho_g_cm3[sf->nrho - 1];
    PLcGrid img = {.xg = xc, .yg = rc, .nx = (PLINT)(sf->nx + 1), .ny = (PLINT)(sf->nrho + 1)};
    PLcGrid nodes = {.xg = sf->x, .yg = sf->rho_g_cm3, .nx = (PLINT)sf->nx, .ny = (PLINT)sf->nrho};
    size_t n_data_any = 0;
    for (size_t p = 0; p < np; ++p) {
        const size_t row = p / ncol, col = p % ncol;
        const double fx0 = L + (double)col * (FW + GX), fy0 = TOP + (double)row * (FH + GY); /* from the top */
        plvpor(fx0 / W, (fx0 + FW) / W, 1 - (fy0 + FH) / H, 1 - fy0 / H);
        plwind(x0, x1, r0, r1);
        if (any_nan) {
            PLFLT bx[4] = {x0, x1, x1, x0}, by[4] = {r0, r0, r1, r1};
            plcol0(C_NODATA);
            plfill(4, bx, by);
        }
        plimagefr((PLFLT_MATRIX)maps[p].rows, (PLINT)sf->nx, (PLINT)sf->nrho, 0, (PLFLT)sf->nx, 0, (PLFLT)sf->nrho,
                  sc.lo, sc.hi, sc.lo, sc.hi, pltr1, &img);
        if (sc.nlev) {
            plcol0(C_CONTOUR);
            set_width(1.1);
            plcont((PLFLT_MATRIX)maps[p].rows, (PLINT)sf->nx, (PLINT)sf->nrho, 1, (PLINT)sf->nx, 1, (PLINT)sf->nrho,
                   sc.levels, sc.nlev, pltr1, &nodes);
        }
        iso_vf(sf, x0, x1, r0, r1, chr);
        veil_data_range(sf, x0, x1, r0, r1);
        draw_ridge(sf, maps[p].it);
        size_t nd = 0;
        draw_data(sf, maps[p].T_K, 0.75 * chr, &nd);
        n_data_any += nd;
        plcol0(C_BLACK);
        set_width(1.2);
        set_chr(chr);
        plbox("bcnst", 0, 0, "bnstv", 0, 0);
        plbox("", 0, 0, "c", 0, 0);
        set_chr(1.1 * chr);
        plmtex("b", 3.0, 0.5, 0.5, "Li₂S fraction x in (Li₂S)ₓ(P₂S₅)₁₋ₓ");
        if (col == 0)
            plmtex("l", 4.2, 0.5, 0.5, "density ρ (g/cm³)");
        if (col == ncol - 1 || p == np - 1) {
            char rl[96];
            snprintf(rl, sizeof rl, "free volume v#df#u = 1 − ρ/ρ₀(x) at x = %g", x1);
            plmtex("r", 4.4, 0.5, 0.5, rl);
        }
        char tt[256];
        const double T = maps[p].T_K;
        const int Tout = T < sf->range.T_min_K || T > sf->range.T_max_K;
        int req = 0;
        for (size_t k = 0; k < o->nT; ++k)
            req |= ssoc_sweepfile_nearest_T(sf, o->T_K[k]) == maps[p].it && fabs(o->T_K[k] - T) > 1e-9 * T;
        snprintf(tt, sizeof tt, "T = %g K%s%s", T, req ? " (nearest grid temperature)" : "",
                 Tout ? " · outside the fitted temperatures: extrapolated" : "");
        set_chr(1.15 * chr);
        plmtex("t", 0.9, 0.5, 0.5, tt);
        if (layout) {
            vp_px(&pic, &layout->panel[p].x0, &layout->panel[p].x1, &layout->panel[p].y0, &layout->panel[p].y1);
            layout->panel[p].T_K = T;
            layout->panel[p].wx0 = x0, layout->panel[p].wx1 = x1, layout->panel[p].wy0 = r0, layout->panel[p].wy1 = r1;
        }
    }
    /* colour bar right of the block of panels, as tall as one frame, centred on the block */
    {
        const double blockR = L + (double)ncol * FW + (double)(ncol - 1) * GX;
        const double blockH = (double)nrow * FH + (double)(nrow - 1) * GY;
        const double bh = FH * 0.86, bw = 30, bxl = blockR + 125, byt = TOP + 0.5 * (blockH - bh) + 10;
        char ulabel[160];
        if (o->field == SSOC_PLOT_P_EXCEED)
            snprintf(ulabel, sizeof ulabel, "P(σ ≥ %g mS/cm)", 1e3 * sf->target_S_cm);
        else if (o->field == SSOC_PLOT_WIDTH)
            snprintf(ulabel, sizeof ulabel, "factor σ#dhi#u/σ#dlo#u");
        else
            snprintf(ulabel, sizeof ulabel, "σ (mS/cm)");
        colour_bar(bxl / W, (bxl + bw) / W, 1 - (byt + bh) / H, 1 - byt / H, &sc, o->field == SSOC_PLOT_P_EXCEED, ulabel,
                   chr);
        if (layout) {
            layout->cbar_x0 = bxl, layout->cbar_x1 = bxl + bw, layout->cbar_y0 = byt, layout->cbar_y1 = byt + bh;
            layout->cbar_lo = sc.lo, layout->cbar_hi = sc.hi, layout->cbar_log = sc.log;
        }
    }
    /* page title, subtitle and legend */
    plvpor(0, 1, 0, 1);
    plwind(0, W, H, 0); /* device units, y down */
    char title[512], sub[600];
    snprintf(title, sizeof title, "%s of (Li₂S)ₓ(P₂S₅)₁₋ₓ glass", field_title(o->field));
    snprintf(sub, sizeof sub, "SSOC model, %.200s parameters · bootstrap B = %zu (%zu fitted) · %g%% %s bands%s",
             sf->params_source[0] ? sf->params_source : "fitted", sf->B, sf->n_ok, 100 * sf->confidence,
             sf->interval_name, any_nan ? " · grey: no value" : "");
    snprintf(pic.title, sizeof pic.title, "%s", title);
    {
        char temps[256] = "";
        for (size_t p = 0; p < np; ++p)
            snprintf(temps + strlen(temps), sizeof temps - strlen(temps), "%s%g K", p ? ", " : "", maps[p].T_K);
        snprintf(pic.desc, sizeof pic.desc,
                 "%s. Temperature: %s. Horizontal axis: Li2S fraction x in (Li2S)x(P2S5)1-x, %g to %g. Vertical axis: "
                 "density rho (g/cm3), %g to %g; right axis: free volume v_f = 1 - rho/rho0(x). Colour: %s, %s scale "
                 "from %.4g to %.4g%s. Overlays: ridge rho_opt(x) (sigma maximum at each x) with its %g%% band, fitted MD "
                 "data at this temperature, region outside the fitted x and v_f veiled. Source: %.400s.",
                 sub, temps, x0, x1, r0, r1,
                 o->field == SSOC_PLOT_P_EXCEED ? "P(sigma >= target)" : o->field == SSOC_PLOT_WIDTH ? "band factor sigma_hi/sigma_lo" : "sigma (mS/cm)",
                 sc.log ? "log10" : "linear", sc.log ? pow(10, sc.lo) : sc.lo, sc.log ? pow(10, sc.hi) : sc.hi,
                 o->field == SSOC_PLOT_P_EXCEED || o->field == SSOC_PLOT_WIDTH ? "" : " mS/cm",
                 100 * sf->confidence, sf->path);
    }
    plcol0(C_BLACK);
    set_chr(1.4 * chr);
    plptex(0.5 * W, 48, 1, 0, 0.5, title);
    set_chr(0.95 * chr);
    plptex(0.5 * W, 88, 1, 0, 0.5, sub);
    {
        /* two rows of three entries under the x-axis title, in fixed columns */
        const double lx0 = L, bw = (double)ncol * FW + (double)(ncol - 1) * GX, y0l = H - 62, dy = 32;
        const double c1 = 0.37 * bw, c2 = 0.66 * bw;
        const double sw = 42, sh = 8;
        char bl[64];
        snprintf(bl, sizeof bl, "its %g%% band", 100 * sf->confidence);
        legend_item(lx0, y0l, sw, sh, 0, "ridge ρ#dopt#u(x): σ maximum", 0.9 * chr);
        legend_item(lx0 + c1, y0l, sw, sh, 1, bl, 0.9 * chr);
        legend_item(lx0 + c2, y0l, sw, sh, 4, "outside fitted x, v#df#u (veiled)", 0.9 * chr);
        if (n_data_any) {
            legend_item(lx0, y0l + dy, sw, sh, 2, "MD data at this T, PCC", 0.9 * chr);
            legend_item(lx0 + c1, y0l + dy, sw, sh, 3, "MD data at this T, SCC", 0.9 * chr);
        }
        legend_item(lx0 + c2, y0l + dy, sw, sh, 5, "iso-v#df#u lines, step 0.1", 0.9 * chr);
    }
    plend();
    for (size_t p = 0; p < np; ++p)
        mapdata_free(&maps[p]);
    free(xc), free(rc);
    return picture_publish(&pic, err);
}

/* ------------------------------------------------------------------ the rules picture */

/* "fitted data: 500 K" or "fitted data: 300–800 K" */
static void data_T_label(const ssoc_data_range *d, char *buf, size_t cap)
{
    if (d->T_max_K > d->T_min_K)
        snprintf(buf, cap, "fitted data: %g–%g K", d->T_min_K, d->T_max_K);
    else
        snprintf(buf, cap, "fitted data: %g K", d->T_min_K);
}

/* A curve y(x) with its band lo..hi as a translucent ribbon under the line (NaN ends: left out of
 * the ribbon; NaN y: a gap in the line). lo may be NULL: no ribbon. */
static void band_line(size_t n, const double *x, const double *y, const double *lo, const double *hi, int colour)
{
    PLFLT *px = malloc(2 * n * sizeof *px), *py = malloc(2 * n * sizeof *py);
    if (px && py && lo && hi) {
        size_t m = 0;
        for (size_t i = 0; i < n; ++i)
            if (isfinite(lo[i]) && isfinite(hi[i]))
                px[m] = x[i], py[m] = lo[i], ++m;
        const size_t half = m;
        for (size_t i = n; i-- > 0;)
            if (isfinite(lo[i]) && isfinite(hi[i]))
                px[m] = x[i], py[m] = hi[i], ++m;
        if (half >= 2) {
            plcol0(C_FILL0 + colour);
            plfill((PLINT)m, px, py);
        }
    }
    free(px), free(py);
    plcol0(C_LINE0 + colour);
    set_width(2.2);
    runs(n, x, y, NULL);
}

ssoc_status ssoc_plot_rules(const ssoc_report *r, const ssoc_plot_opts *o, ssoc_error *err)
{
    if (!r || !o)
        return SSOC_ERR(err, SSOC_EINVAL, "no report or options");
    const size_t nT = r->nT, nc = r->ncomp;
    double *T = malloc(nT * sizeof *T), *y = malloc(nT * sizeof *y), *lo = malloc(nT * sizeof *lo),
           *hi = malloc(nT * sizeof *hi);
    unsigned char *in = malloc(nT);
    if (!T || !y || !lo || !hi || !in) {
        free(T), free(y), free(lo), free(hi), free(in);
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    }
    double Tmin = r->t[0].T_K, Tmax = r->t[nT - 1].T_K;
    if (Tmax == Tmin)
        Tmin -= 10, Tmax += 10;
    const double pad = 0.03 * (Tmax - Tmin);
    /* ranges */
    double vmin = INFINITY, vmax = -INFINITY, smin = INFINITY, smax = -INFINITY;
    for (size_t it = 0; it < nT; ++it)
        for (size_t k = 0; k < nc; ++k) {
            const ssoc_report_comp *c = &r->t[it].comp[k];
            const double vv[3] = {c->vf_opt.value, c->vf_opt.lo, c->vf_opt.hi};
            const double ss[3] = {c->sigma_max.value, c->sigma_max.lo, c->sigma_max.hi};
            for (int j = 0; j < 3; ++j) {
                if (isfinite(vv[j]))
                    vmin = fmin(vmin, vv[j]), vmax = fmax(vmax, vv[j]);
                if (isfinite(ss[j]) && ss[j] > 0)
                    smin = fmin(smin, log10(1e3 * ss[j])), smax = fmax(smax, log10(1e3 * ss[j]));
            }
        }
    if (!isfinite(vmin))
        vmin = 0, vmax = 1;
    if (!isfinite(smin))
        smin = -1, smax = 1;
    const double vp = 0.08 * fmax(vmax - vmin, 1e-3), sp = 0.08 * fmax(smax - smin, 0.1);
    vmin -= vp, vmax += vp, smin -= sp, smax += sp;
    const int W = 1200, H = 1150;
    picture pic;
    ssoc_status st = picture_begin(&pic, o, W, H, err);
    if (st) {
        free(T), free(y), free(lo), free(hi), free(in);
        return st;
    }
    if (setjmp(pl_jump)) {
        free(T), free(y), free(lo), free(hi), free(in);
        return picture_failed(&pic, err);
    }
    const double chr = 0.66;
    for (int panel = 0; panel < 2; ++panel) {
        const double vy0 = panel == 0 ? 0.56 : 0.12, vy1 = panel == 0 ? 0.86 : 0.50;
        plvpor(0.11, 0.74, vy0, vy1);
        const double ylo = panel == 0 ? vmin : smin, yhi = panel == 0 ? vmax : smax;
        plwind(Tmin - pad, Tmax + pad, ylo, yhi);
        /* temperatures outside the fitted data: shaded */
        plcol0(C_SHADE);
        if (r->range.T_min_K > Tmin - pad) {
            PLFLT px[4] = {Tmin - pad, fmin(r->range.T_min_K, Tmax + pad), fmin(r->range.T_min_K, Tmax + pad), Tmin - pad},
                  py[4] = {ylo, ylo, yhi, yhi};
            plfill(4, px, py);
        }
        if (r->range.T_max_K < Tmax + pad) {
            PLFLT px[4] = {fmax(r->range.T_max_K, Tmin - pad), Tmax + pad, Tmax + pad, fmax(r->range.T_max_K, Tmin - pad)},
                  py[4] = {ylo, ylo, yhi, yhi};
            plfill(4, px, py);
        }
        /* v_f,opt is the same at every composition (rules.h): draw each, the curves coincide */
        const size_t ncurves = panel == 0 && nc > 0 ? nc : nc;
        for (size_t k = 0; k < ncurves; ++k) {
            const int ci = (int)(k % 8);
            for (size_t it = 0; it < nT; ++it) {
                const ssoc_report_comp *c = &r->t[it].comp[k];
                const ssoc_band *b = panel == 0 ? &c->vf_opt : &c->sigma_max;
                T[it] = r->t[it].T_K;
                in[it] = c->edge == SSOC_EDGE_NONE;
                if (panel == 0)
                    y[it] = b->value, lo[it] = b->lo, hi[it] = b->hi;
                else
                    y[it] = b->value > 0 ? log10(1e3 * b->value) : NAN, lo[it] = b->lo > 0 ? log10(1e3 * b->lo) : NAN,
                    hi[it] = b->hi > 0 ? log10(1e3 * b->hi) : NAN;
            }
            band_line(nT, T, y, lo, hi, ci);
            set_chr(0.6 * chr);
            for (size_t it = 0; it < nT; ++it) {
                if (!isfinite(y[it]))
                    continue;
                PLFLT px1 = T[it], py1 = y[it];
                plstring(1, &px1, &py1, in[it] ? "●" : "○");
            }
            if (panel == 0 && r->t[0].vf_common && r->t[nT - 1].vf_common)
                break; /* one curve stands for all */
        }
        /* the fitted temperatures */
        {
            PLINT mark = 600, space = 600;
            plstyl(1, &mark, &space);
            plcol0(C_GREY);
            set_width(1.2);
            pljoin(r->range.T_min_K, ylo, r->range.T_min_K, yhi);
            if (r->range.T_max_K > r->range.T_min_K)
                pljoin(r->range.T_max_K, ylo, r->range.T_max_K, yhi);
            plstyl(0, NULL, NULL);
            if (panel == 0) {
                char dl[96];
                data_T_label(&r->range, dl, sizeof dl);
                set_chr(0.85 * chr);
                plcol0(C_GREY);
                plptex(r->range.T_max_K + 0.01 * (Tmax - Tmin), yhi - 0.06 * (yhi - ylo), 1, 0, 0.0, dl);
                if (r->t[0].vf_common && r->t[nT - 1].vf_common && nc > 1)
                    plmtex("b", -1.6, 0.03, 0.0, "v#df,opt#u is the same at every composition x");
            }
        }
        plcol0(C_BLACK);
        set_width(1.2);
        set_chr(chr);
        if (panel == 0) {
            plbox("bcnst", 0, 0, "bcnstv", 0, 0);
            set_chr(1.05 * chr);
            plmtex("l", 4.6, 0.5, 0.5, "optimal free volume v#df,opt#u");
        } else {
            plslabelfunc(log_label, NULL);
            plbox("bcnst", 0, 0, "bcnstvo", 1.0, 0);
            plslabelfunc(NULL, NULL);
            set_chr(1.05 * chr);
            plmtex("l", 4.6, 0.5, 0.5, "σ#dmax#u at ρ#dopt#u (mS/cm)");
            plmtex("b", 3.0, 0.5, 0.5, "temperature T (K)");
        }
    }
    /* legend: compositions */
    plvpor(0.77, 0.99, 0.12, 0.86);
    plwind(0, 1, 0, 1);
    set_chr(0.95 * chr);
    plcol0(C_BLACK);
    plptex(0.08, 0.97, 1, 0, 0.0, "composition x");
    for (size_t k = 0; k < nc && k < 16; ++k) {
        char lab[32];
        snprintf(lab, sizeof lab, "%g", r->comp_x[k]);
        const double yy = 0.92 - 0.05 * (double)k;
        plcol0(C_LINE0 + (int)(k % 8));
        set_width(2.2);
        pljoin(0.08, yy, 0.28, yy);
        plcol0(C_BLACK);
        plptex(0.33, yy, 1, 0, 0.0, lab);
    }
    {
        const double yy = 0.92 - 0.05 * (double)(nc < 16 ? nc : 16) - 0.04;
        PLFLT px[4] = {0.08, 0.28, 0.28, 0.08}, py[4] = {yy - 0.015, yy - 0.015, yy + 0.015, yy + 0.015};
        plcol0(C_FILL0);
        plfill(4, px, py);
        plcol0(C_BLACK);
        char bl[64];
        snprintf(bl, sizeof bl, "%g%% band", 100 * r->confidence);
        plptex(0.33, yy, 1, 0, 0.0, bl);
        PLFLT sx = 0.18, sy = yy - 0.06;
        set_chr(0.6 * chr);
        plstring(1, &sx, &sy, "○");
        set_chr(0.95 * chr);
        plptex(0.33, sy, 1, 0, 0.0, "boundary result");
        PLFLT gx[4] = {0.08, 0.28, 0.28, 0.08}, gy[4] = {yy - 0.135, yy - 0.135, yy - 0.105, yy - 0.105};
        plcol0(C_NODATA);
        plfill(4, gx, gy);
        plcol0(C_BLACK);
        plptex(0.33, yy - 0.12, 1, 0, 0.0, "T outside the data");
    }
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(C_BLACK);
    set_chr(1.3 * chr);
    plptex(0.5, 0.955, 1, 0, 0.5, "Design rule: optimal free volume and peak conductivity vs temperature");
    snprintf(pic.title, sizeof pic.title, "Design rule: optimal free volume and peak conductivity vs temperature");
    snprintf(pic.desc, sizeof pic.desc,
             "Top: optimal free volume v_f,opt against temperature T (K) with its %g%% %s band. Bottom: sigma_max at "
             "rho_opt (mS/cm, log scale) against temperature T (K), one curve per fitted composition x. Shaded: "
             "temperatures outside the fitted data (%g-%g K). Source: %.400s.",
             100 * r->confidence, r->interval_name, r->range.T_min_K, r->range.T_max_K, r->path);
    char sub[1400];
    snprintf(sub, sizeof sub, "ρ searched in %g–%g g/cm³ · bootstrap B = %zu · %g%% %s bands · %s parameters", r->rho_lo,
             r->rho_hi, r->B, 100 * r->confidence, r->interval_name, r->params_source[0] ? r->params_source : "fitted");
    set_chr(0.95 * chr);
    plptex(0.5, 0.915, 1, 0, 0.5, sub);
    plend();
    free(T), free(y), free(lo), free(hi), free(in);
    return picture_publish(&pic, err);
}

/* ------------------------------------------------------------------ parameter histograms */

ssoc_status ssoc_plot_params(const ssoc_plot_params_in *in, const ssoc_plot_opts *o, ssoc_error *err)
{
    if (!in || !o || !in->table)
        return SSOC_ERR(err, SSOC_EINVAL, "no replicate table");
    size_t nok = 0;
    for (size_t b = 0; b < in->B; ++b) {
        int ok = 1;
        for (int j = 0; j < SSOC_NPARAM; ++j)
            ok &= isfinite(in->table[b * SSOC_NPARAM + j]) != 0;
        nok += (size_t)ok;
    }
    if (nok < 2)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: only %zu finite bootstrap replicates; a histogram needs at least 2",
                        in->source ? in->source : "replicate table", nok);
    double *v = malloc(nok * sizeof *v);
    if (!v)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    const int W = 1600, H = 900;
    picture pic;
    ssoc_status st = picture_begin(&pic, o, W, H, err);
    if (st) {
        free(v);
        return st;
    }
    if (setjmp(pl_jump)) {
        free(v);
        return picture_failed(&pic, err);
    }
    static const char *const pretty[SSOC_NPARAM] = {"E₀ (eV)", "α#dE#u (eV)", "v#dc#u", "n#dH#u", "β₀", "β₁", "β₂", "β₃"};
    const double chr = 0.66;
    for (int j = 0; j < SSOC_NPARAM; ++j) {
        const int row = j / 4, col = j % 4;
        const double vx0 = 0.06 + 0.235 * col, vy1 = 0.83 - 0.43 * row;
        plvpor(vx0, vx0 + 0.19, vy1 - 0.31, vy1);
        size_t n = 0;
        for (size_t b = 0; b < in->B; ++b) {
            int ok = 1;
            for (int q = 0; q < SSOC_NPARAM; ++q)
                ok &= isfinite(in->table[b * SSOC_NPARAM + q]) != 0;
            if (ok)
                v[n++] = in->table[b * SSOC_NPARAM + j];
        }
        double mn = v[0], mx = v[0];
        for (size_t i = 1; i < n; ++i)
            mn = fmin(mn, v[i]), mx = fmax(mx, v[i]);
        const double pt = in->point.p[j];
        mn = fmin(mn, pt), mx = fmax(mx, pt);
        set_chr(chr);
        if ((in->fixed_mask >> j) & 1u || !(mx > mn)) {
            plwind(0, 1, 0, 1);
            plcol0(C_BLACK);
            plbox("bc", 0, 0, "bc", 0, 0);
            char t[96];
            snprintf(t, sizeof t, "%s at %.6g", (in->fixed_mask >> j) & 1u ? "held fixed" : "no spread:", pt);
            plptex(0.5, 0.5, 1, 0, 0.5, t);
        } else {
            const int nb = n < 200 ? 15 : n < 2000 ? 30 : 50;
            const double w = (mx - mn) / nb;
            double cnt[64] = {0}, cmax = 0;
            for (size_t i = 0; i < n; ++i) {
                int k = (int)((v[i] - mn) / w);
                k = k < 0 ? 0 : k >= nb ? nb - 1 : k;
                cnt[k] += 1;
            }
            for (int k = 0; k < nb; ++k)
                cmax = fmax(cmax, cnt[k]);
            const double pad = 0.04 * (mx - mn);
            plwind(mn - pad, mx + pad, 0, 1.12 * cmax);
            for (int k = 0; k < nb; ++k) {
                PLFLT px[4] = {mn + k * w, mn + (k + 1) * w, mn + (k + 1) * w, mn + k * w},
                      py[4] = {0, 0, cnt[k], cnt[k]};
                plcol0(C_FILL0);
                plfill(4, px, py);
                plcol0(C_LINE0);
                set_width(0.8);
                plline(4, px, py);
            }
            /* band (dashed) and point estimate (solid) */
            PLINT mark = 1500, space = 1000;
            plstyl(1, &mark, &space);
            plcol0(C_LINE0 + 1);
            set_width(1.8);
            if (isfinite(in->lo[j]))
                pljoin(in->lo[j], 0, in->lo[j], 1.12 * cmax);
            if (isfinite(in->hi[j]))
                pljoin(in->hi[j], 0, in->hi[j], 1.12 * cmax);
            plstyl(0, NULL, NULL);
            plcol0(C_BLACK);
            set_width(2.4);
            pljoin(pt, 0, pt, 1.12 * cmax);
            set_width(1.0);
            plbox("bcnst", 0, 3, "bcnstv", 0, 0);
        }
        plcol0(C_BLACK);
        set_chr(1.15 * chr);
        plmtex("t", 1.3, 0.5, 0.5, pretty[j]);
        if (col == 0) {
            set_chr(chr);
            plmtex("l", 3.6, 0.5, 0.5, "replicates");
        }
    }
    free(v);
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(C_BLACK);
    set_chr(1.3 * chr);
    plptex(0.5, 0.95, 1, 0, 0.5, "Bootstrap distribution of the SSOC parameters");
    snprintf(pic.title, sizeof pic.title, "Bootstrap distribution of the SSOC parameters");
    snprintf(pic.desc, sizeof pic.desc,
             "Histograms of E0 (eV), alpha_E (eV), v_c, n_H, beta0, beta1, beta2, beta3 over %zu fitted bootstrap "
             "replicates of %zu; solid line: point estimate; dashed: %g%% %s band. Source: %.400s.",
             nok, in->B, 100 * in->confidence, in->interval ? in->interval : "", in->source ? in->source : "");
    char sub[1400];
    snprintf(sub, sizeof sub, "%s · %zu of %zu replicates fitted · black: point estimate · dashed: %g%% %s band",
             in->source ? in->source : "", nok, in->B, 100 * in->confidence, in->interval ? in->interval : "");
    set_chr(0.95 * chr);
    plptex(0.5, 0.905, 1, 0, 0.5, sub);
    plend();
    return picture_publish(&pic, err);
}

/* ------------------------------------------------------------------ Arrhenius plot */

/* One curve of the Arrhenius plot in plot coordinates: u = 1000/T, y = log10(sigma / (mS/cm)). */
typedef struct arr_curve {
    size_t n;
    double *u, *y, *lo, *hi;
} arr_curve;

static double arr_y(double s) { return s > 0 && isfinite(s) ? log10(1e3 * s) : NAN; }

/* the top axis: temperature in K at 1000/T */
static void arr_top_axis(double u0, double u1, double ylo, double yhi, double chr)
{
    static const double nice[] = {200, 250, 300, 350, 400, 450, 500, 550, 600, 700, 800, 900, 1000, 1200, 1500};
    set_chr(chr);
    plcol0(C_BLACK);
    set_width(1.2);
    for (size_t i = 0; i < sizeof nice / sizeof nice[0]; ++i) {
        const double u = 1000.0 / nice[i];
        if (u < u0 || u > u1)
            continue;
        pljoin(u, yhi, u, yhi - 0.015 * (yhi - ylo));
        char lab[16];
        snprintf(lab, sizeof lab, "%g", nice[i]);
        plmtex("t", 0.8, (u - u0) / (u1 - u0), 0.5, lab);
    }
    plmtex("t", 2.4, 0.5, 0.5, "temperature T (K)");
}

static void arr_curves_free(arr_curve *c, size_t n)
{
    for (size_t k = 0; c && k < n; ++k)
        free(c[k].u), free(c[k].y), free(c[k].lo), free(c[k].hi);
    free(c);
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
    arr_curve *cv = calloc(ncurve ? ncurve : 1, sizeof *cv);
    if (!cv)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    double ymin = INFINITY, ymax = -INFINITY, u0 = INFINITY, u1 = -INFINITY;
    for (size_t k = 0; k < ncurve; ++k) {
        arr_curve *c = &cv[k];
        const int mine = k < nc;
        c->n = mine ? r->nT : extra[k - nc].n;
        c->u = malloc(c->n * sizeof *c->u), c->y = malloc(c->n * sizeof *c->y);
        c->lo = malloc(c->n * sizeof *c->lo), c->hi = malloc(c->n * sizeof *c->hi);
        if (!c->u || !c->y || !c->lo || !c->hi) {
            arr_curves_free(cv, ncurve);
            return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < c->n; ++i) {
            const ssoc_report_comp *rc = mine ? &r->t[i].comp[k] : NULL;
            const double T = mine ? r->t[i].T_K : extra[k - nc].T_K[i];
            c->u[i] = 1000.0 / T;
            c->y[i] = arr_y(mine ? rc->sigma_max.value : extra[k - nc].sigma_S_cm[i]);
            c->lo[i] = arr_y(mine ? rc->sigma_max.lo : extra[k - nc].lo ? extra[k - nc].lo[i] : NAN);
            c->hi[i] = arr_y(mine ? rc->sigma_max.hi : extra[k - nc].hi ? extra[k - nc].hi[i] : NAN);
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
    ymin -= yp, ymax += yp, u0 -= upad, u1 += upad;
    picture pic;
    ssoc_status st = picture_begin(&pic, o, 1200, 900, err);
    if (st) {
        arr_curves_free(cv, ncurve);
        return st;
    }
    if (setjmp(pl_jump)) {
        arr_curves_free(cv, ncurve);
        return picture_failed(&pic, err);
    }
    const double chr = 0.66;
    plvpor(0.10, 0.70, 0.11, 0.80);
    plwind(u0, u1, ymin, ymax);
    /* the fitted data's temperatures: shaded between 1000/T_max and 1000/T_min, a line if one T */
    const double d0 = 1000.0 / r->range.T_max_K, d1 = 1000.0 / r->range.T_min_K;
    plcol0(C_SHADE);
    if (d1 - d0 > 1e-9 * d1) {
        PLFLT px[4] = {d0, d1, d1, d0}, py[4] = {ymin, ymin, ymax, ymax};
        plfill(4, px, py);
    }
    {
        PLINT mark = 600, space = 600;
        plstyl(1, &mark, &space);
        plcol0(C_GREY);
        set_width(1.2);
        pljoin(d0, ymin, d0, ymax);
        if (d1 - d0 > 1e-9 * d1)
            pljoin(d1, ymin, d1, ymax);
        plstyl(0, NULL, NULL);
        char dl[96];
        data_T_label(&r->range, dl, sizeof dl);
        set_chr(0.85 * chr);
        plptex(d1 + 0.01 * (u1 - u0), ymax - 0.05 * (ymax - ymin), 1, 0, 0.0, dl);
    }
    for (size_t k = 0; k < ncurve; ++k)
        band_line(cv[k].n, cv[k].u, cv[k].y, cv[k].lo, cv[k].hi, (int)(k % 8));
    plcol0(C_BLACK);
    set_width(1.2);
    set_chr(chr);
    plslabelfunc(log_label, NULL);
    plbox("bnst", 0, 0, "bcnstvo", 1.0, 0);
    plslabelfunc(NULL, NULL);
    plbox("c", 0, 0, "", 0, 0);
    set_chr(1.05 * chr);
    plmtex("l", 4.6, 0.5, 0.5, "conductivity σ (mS/cm)");
    plmtex("b", 3.0, 0.5, 0.5, "1000 / T (1/K)");
    arr_top_axis(u0, u1, ymin, ymax, chr);
    /* legend */
    plvpor(0.72, 0.99, 0.11, 0.80);
    plwind(0, 1, 0, 1);
    set_chr(0.9 * chr);
    plcol0(C_BLACK);
    plptex(0.04, 0.97, 1, 0, 0.0, "σ#dmax#u at ρ#dopt#u, composition x");
    double yy = 0.91;
    for (size_t k = 0; k < ncurve; ++k, yy -= 0.055) {
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
        plcol0(C_FILL0 + (int)(k % 8));
        PLFLT px[4] = {0.04, 0.20, 0.20, 0.04}, py[4] = {yy - 0.015, yy - 0.015, yy + 0.015, yy + 0.015};
        plfill(4, px, py);
        plcol0(C_LINE0 + (int)(k % 8));
        set_width(2.2);
        pljoin(0.04, yy, 0.20, yy);
        plcol0(C_BLACK);
        plptex(0.24, yy, 1, 0, 0.0, lab);
    }
    char bl[160];
    snprintf(bl, sizeof bl, "shaded: %g%% %s band", 100 * r->confidence,
             band == SSOC_BAND_PREDICTION ? "prediction" : "confidence");
    plptex(0.04, yy - 0.02, 1, 0, 0.0, bl);
    plptex(0.04, yy - 0.075, 1, 0, 0.0,
           band == SSOC_BAND_PREDICTION ? "where a new MD value would fall" : "of the mean model (bootstrap");
    if (band != SSOC_BAND_PREDICTION) {
        plptex(0.04, yy - 0.13, 1, 0, 0.0, "of the fit), not of new MD");
        plptex(0.04, yy - 0.185, 1, 0, 0.0, "values");
    }
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    set_chr(1.3 * chr);
    plptex(0.5, 0.96, 1, 0, 0.5, "Arrhenius plot: peak conductivity against inverse temperature");
    char sub[1400];
    snprintf(sub, sizeof sub, "ρ searched in %g–%g g/cm³ · bootstrap B = %zu · %g%% %s bands · %s parameters", r->rho_lo,
             r->rho_hi, r->B, 100 * r->confidence, r->interval_name, r->params_source[0] ? r->params_source : "fitted");
    set_chr(0.95 * chr);
    plptex(0.5, 0.925, 1, 0, 0.5, sub);
    snprintf(pic.title, sizeof pic.title, "Arrhenius plot: peak conductivity against inverse temperature");
    snprintf(pic.desc, sizeof pic.desc,
             "log10 sigma (mS/cm) against 1000/T (1/K), temperature in K on the top axis: sigma_max at rho_opt for "
             "each fitted composition and %zu chosen (x, rho) curves, with %g%% %s %s bands; the fitted data's "
             "temperatures (%g-%g K) marked. Source: %.400s.",
             nextra, 100 * r->confidence, r->interval_name, band == SSOC_BAND_PREDICTION ? "prediction" : "confidence",
             r->range.T_min_K, r->range.T_max_K, r->path);
    plend();
    arr_curves_free(cv, ncurve);
    return picture_publish(&pic, err);
}
