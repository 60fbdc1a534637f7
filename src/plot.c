/* The plot module's session and shared drawing (plot_priv.h): the output file, PLplot's global
 * state and the helpers every picture uses. PLplot keeps one global stream and calls exit() from
 * plexit() on a fatal error: we install an exit handler that longjmps back to the picture's
 * function (so the library never exits) and an abort handler that records warnings (so misuse
 * becomes an error instead of a line on stderr). Text is UTF-8 through the cairo devices
 * (DejaVu Sans). */
#define _GNU_SOURCE /* fopencookie */
#include "plot_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ colours */

static const int okabe_ito[8][3] = {{0, 114, 178},  {213, 94, 0},  {0, 158, 115},  {204, 121, 167},
                                    {230, 159, 0}, {86, 180, 233}, {120, 120, 120}, {0, 0, 0}};

static void set_palette(void)
{
    static const struct {
        int index, r, g, b;
        double alpha;
    } fixed[] = {{C_BG, 255, 255, 255, 1.0},      {C_BLACK, 0, 0, 0, 1.0},          {C_GREY, 90, 90, 90, 1.0},
                 {C_WHITE, 255, 255, 255, 1.0},   {C_NODATA, 200, 200, 200, 1.0},   {C_VEIL, 255, 255, 255, 0.55},
                 {C_CONTOUR, 255, 255, 255, 0.8}, {C_CONTOUR_DK, 25, 25, 25, 0.6},  {C_RIDGE, 255, 255, 255, 1.0},
                 {C_LABELBOX, 255, 255, 255, 0.82}, {C_SHADE, 0, 0, 0, 0.07},       {C_AXISGREY, 60, 60, 60, 0.55},
                 {C_REGION, 230, 75, 0, 1.0}};
    plscmap0n(C_NCOL0);
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; ++i)
        plscol0a(fixed[i].index, fixed[i].r, fixed[i].g, fixed[i].b, fixed[i].alpha);
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

jmp_buf ssoc_plt_jump;
/* PLplot's default character height grows with width + height of the page; this factor keeps
 * text at a fixed size in device units (measured: proportional to W + H) */
static double pl_text = 1.0;

static double pl_scale = 1.0; /* the page's scale (ssoc_plot_opts.scale) */

void ssoc_plt_chr(double s) { plschr(0, s * pl_text); }

static char pl_msg[512];
static int pl_warned;

static int on_plexit(const char *msg)
{
    snprintf(pl_msg, sizeof pl_msg, "%s", msg ? msg : "fatal PLplot error");
    longjmp(ssoc_plt_jump, 1);
    return 1;
}

static void on_plabort(const char *msg)
{
    if (!pl_warned)
        snprintf(pl_msg, sizeof pl_msg, "%s", msg ? msg : "PLplot warning");
    pl_warned = 1;
}

/* PLplot writes through a stdio stream we give it (plsfile), never by file name: it would expand
 * "%n" in a name (familying) and cut long ones. PLplot fcloses the stream in plend. */
static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
    ssoc_plt_sink *s = cookie;
    size_t done = 0;
    while (done < n && !s->err) {
        ssize_t w = write(s->fd, buf + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            s->err = errno;
        else
            done += (size_t)w;
    }
    return s->err ? -1 : (ssize_t)n;
}

static int sink_close(void *cookie)
{
    ((ssoc_plt_sink *)cookie)->closed = 1;
    return 0;
}

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

/* Put <title> and <desc> right after the root element of the SVG cairo wrote (through the
 * working file's descriptor: its name is not touched). */
static int svg_describe(const ssoc_plt_picture *p)
{
    int fd = p->op->fd;
    off_t n = lseek(fd, 0, SEEK_END);
    char *buf = n > 0 ? malloc((size_t)n + 1) : NULL;
    size_t got = 0;
    while (buf && got < (size_t)n) {
        ssize_t r = pread(fd, buf + got, (size_t)n - got, (off_t)got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (!buf || got != (size_t)n) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    char *root = strstr(buf, "<svg");
    char *end = root ? strchr(root, '>') : NULL;
    char *head = NULL;
    size_t hlen = 0;
    FILE *h = end ? open_memstream(&head, &hlen) : NULL;
    if (!h) {
        free(buf);
        return -1;
    }
    fputs("\n<title>", h);
    xml_escape(h, p->title);
    fputs("</title>\n<desc>", h);
    xml_escape(h, p->desc);
    fputs("</desc>", h);
    int rc = fclose(h) == 0 ? 0 : -1;
    /* rewrite from the end of the root element on: the description, then the rest */
    const size_t at = (size_t)(end + 1 - buf), rest = (size_t)n - at;
    if (!rc && (pwrite(fd, head, hlen, (off_t)at) != (ssize_t)hlen ||
                pwrite(fd, end + 1, rest, (off_t)(at + hlen)) != (ssize_t)rest))
        rc = -1;
    free(head);
    free(buf);
    return rc;
}

ssoc_status ssoc_plt_begin(ssoc_plt_picture *p, const ssoc_plot_opts *o, int width, int height, ssoc_error *err)
{
    memset(p, 0, sizeof *p);
    p->own.fd = -1;
    if (!o || !o->output || !o->output[0])
        return SSOC_ERR(err, SSOC_EINVAL, "no output picture given (-o FILE.png|.svg|.pdf)");
    p->out = o->output;
    const char *dot = strrchr(o->output, '.'), *slash = strrchr(o->output, '/');
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
    const double scale = o->scale == 0 ? 1.0 : o->scale;
    if (!(scale >= SSOC_PLOT_SCALE_MIN && scale <= SSOC_PLOT_SCALE_MAX))
        return SSOC_ERR(err, SSOC_EINVAL, "page scale %g is outside %g to %g", scale, SSOC_PLOT_SCALE_MIN,
                        SSOC_PLOT_SCALE_MAX);
    /* the working file (outpath.h): created exclusively, never through a link; PLplot gets a
     * stream on it, never its name */
    p->op = o->dest;
    if (!p->op) {
        ssoc_status st = ssoc_outpath_begin(&p->own, o->output, o->force ? SSOC_OUTPATH_FORCE : 0, err);
        if (st)
            return st;
        p->op = &p->own;
    }
    p->sk.fd = p->op->fd;
    cookie_io_functions_t io = {.write = sink_write, .close = sink_close};
    p->stream = fopencookie(&p->sk, "w", io);
    if (!p->stream) {
        ssoc_outpath_abandon(&p->own);
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory opening the picture stream", p->out);
    }
    /* the whole page scales: size, text (pl_text from the unscaled page keeps text a fixed share of
     * it) and line widths */
    p->width = (int)lround(scale * width), p->height = (int)lround(scale * height);
    width = p->width, height = p->height;
    pl_text = 2110.0 * scale / (width + height);
    pl_scale = scale;
    pl_msg[0] = '\0';
    pl_warned = 0;
    plsexit(on_plexit);
    plsabort(on_plabort);
    plsdev(p->device);
    plsfile(p->stream);
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

/* the stream, unless PLplot closed it (it does in plend, not after a fatal error) */
static void close_stream(ssoc_plt_picture *p)
{
    if (p->stream && !p->sk.closed)
        fclose(p->stream);
    p->stream = NULL;
}

/* after plend(): check what was written and publish it under the final name (or leave that to the
 * caller who gave the working file) */
ssoc_status ssoc_plt_publish(ssoc_plt_picture *p, ssoc_error *err)
{
    close_stream(p);
    struct stat sb;
    ssoc_status st = SSOC_OK;
    if (pl_warned)
        st = SSOC_ERR(err, SSOC_EIO, "%s: PLplot: %s", p->out, pl_msg);
    else if (p->sk.err)
        st = SSOC_ERR(err, SSOC_EIO, "%s: write failed: %s", p->out, strerror(p->sk.err));
    else if (!strcmp(p->device, "svgcairo") && svg_describe(p) != 0)
        st = SSOC_ERR(err, SSOC_EIO, "%s: cannot add the description to the SVG: %s", p->out, strerror(errno));
    else if (fstat(p->op->fd, &sb) != 0 || sb.st_size == 0)
        st = SSOC_ERR(err, SSOC_EIO, "%s: the %s device wrote nothing", p->out, p->device);
    if (p->op != &p->own)
        return st;
    if (st) {
        ssoc_outpath_abandon(&p->own);
        return st;
    }
    return ssoc_outpath_publish(&p->own, err);
}

ssoc_status ssoc_plt_failed(ssoc_plt_picture *p, ssoc_error *err)
{
    /* reached by longjmp from plexit(): PLplot's state is unusable, drop the stream */
    close_stream(p);
    ssoc_outpath_abandon(&p->own);
    return SSOC_ERR(err, SSOC_EIO, "%s: PLplot failed: %s", p->out, pl_msg);
}


/* ------------------------------------------------------------------ shared drawing */

void ssoc_plt_width(double w) { plwidth(w * pl_scale); }

void ssoc_plt_dash(int mark, int space)
{
    if (mark > 0 && space > 0) {
        PLINT m = mark, s = space;
        plstyl(1, &m, &s);
    } else {
        plstyl(0, NULL, NULL);
    }
}

void ssoc_plt_join(double x0, double y0, double x1, double y1, int col, double width, int mark, int space)
{
    ssoc_plt_dash(mark, space);
    plcol0(col);
    ssoc_plt_width(width);
    pljoin(x0, y0, x1, y1);
    ssoc_plt_dash(0, 0);
}

void ssoc_plt_axes(const char *xopt, double xtick, const char *yopt, double ytick, double chr, const char *xtitle,
                   const char *ytitle, double ydist)
{
    plcol0(C_BLACK);
    ssoc_plt_width(1.2);
    ssoc_plt_chr(chr);
    plslabelfunc(ssoc_plt_log_label, NULL);
    plbox(xopt, xtick, 0, yopt, ytick, 0);
    plslabelfunc(NULL, NULL);
    ssoc_plt_chr(1.05 * chr);
    if (xtitle)
        plmtex("b", 3.0, 0.5, 0.5, xtitle);
    if (ytitle)
        plmtex("l", ydist, 0.5, 0.5, ytitle);
}

void ssoc_plt_rect(double x0, double x1, double y0, double y1, int col)
{
    PLFLT px[4] = {x0, x1, x1, x0}, py[4] = {y0, y0, y1, y1};
    plcol0(col);
    plfill(4, px, py);
}

void ssoc_plt_vp_px(const ssoc_plt_picture *p, double *x0, double *x1, double *y0, double *y1)
{
    PLFLT a, b, c, d;
    plgvpd(&a, &b, &c, &d);
    *x0 = a * p->width, *x1 = b * p->width;
    *y0 = (1 - d) * p->height, *y1 = (1 - c) * p->height;
}

void ssoc_plt_log_label(PLINT axis, PLFLT v, char *label, PLINT len, PLPointer data)
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

void ssoc_plt_num_label(PLINT axis, PLFLT v, char *label, PLINT len, PLPointer data)
{
    (void)axis, (void)data;
    const double r = fabs(v) < 1e-12 ? 0.0 : v; /* no "-0" or "1e-17" at zero */
    snprintf(label, (size_t)len, "%s%.6g", r < 0 ? "−" : "", fabs(r));
}

double ssoc_plt_tick_step(double span, int n)
{
    if (!(span > 0) || n < 1)
        return 1.0;
    const double raw = span / n, p = pow(10.0, floor(log10(raw))), f = raw / p;
    return p * (f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0);
}

void ssoc_plt_runs(size_t n, const double *x, const double *y, const unsigned char *use)
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

void ssoc_plt_band_line(size_t n, const double *x, const double *y, const double *lo, const double *hi, int colour)
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
    ssoc_plt_width(2.2);
    ssoc_plt_runs(n, x, y, NULL);
}

void ssoc_plt_data_T_label(const ssoc_data_range *d, char *buf, size_t cap)
{
    if (d->T_max_K > d->T_min_K)
        snprintf(buf, cap, "fitted data: %g–%g K", d->T_min_K, d->T_max_K);
    else
        snprintf(buf, cap, "fitted data: %g K", d->T_min_K);
}

void ssoc_plt_band_words(ssoc_plot_band kind, double confidence, const char *interval, const char *what,
                         ssoc_plt_band_text *t)
{
    const int pred = kind == SSOC_BAND_PREDICTION;
    snprintf(t->kind, sizeof t->kind, "%g%% %s band", 100 * confidence, pred ? "prediction" : "confidence");
    snprintf(t->of, sizeof t->of, "of %s", what ? what : pred ? "a new MD value" : "the mean model");
    snprintf(t->how, sizeof t->how, "(%s%sbootstrap%s)", interval ? interval : "", interval ? " " : "",
             pred ? " + scatter of runs" : " of the fit");
    snprintf(t->not_, sizeof t->not_, "%s", pred || what ? "" : "not where new MD values fall");
}

void ssoc_plt_band_legend(double x, double y, double dy, double sw, int bar, ssoc_plot_band kind, double confidence,
                          const char *interval, const char *what, double chr)
{
    ssoc_plt_band_text t;
    ssoc_plt_band_words(kind, confidence, interval, what, &t);
    if (bar) {
        const double c = x + 0.5 * sw;
        plcol0(C_LINE0);
        ssoc_plt_width(1.3);
        pljoin(c, y - 0.4 * dy, c, y + 0.4 * dy);
        pljoin(c - 0.1 * sw, y - 0.4 * dy, c + 0.1 * sw, y - 0.4 * dy);
        pljoin(c - 0.1 * sw, y + 0.4 * dy, c + 0.1 * sw, y + 0.4 * dy);
    } else {
        ssoc_plt_rect(x, x + sw, y - 0.28 * dy, y + 0.28 * dy, C_FILL0);
    }
    plcol0(C_BLACK);
    ssoc_plt_chr(chr);
    const char *lines[4] = {t.kind, t.of, t.how, t.not_};
    for (int i = 0; i < 4; ++i) /* the first line beside the sample, the others under it */
        if (lines[i][0])
            plptex(i ? x : x + 1.2 * sw, y - i * dy, 1, 0, 0.0, lines[i]);
}

void ssoc_plt_titles(const char *title, const char *sub, double y_title, double y_sub)
{
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plcol0(C_BLACK);
    ssoc_plt_chr(0.86);
    plptex(0.5, y_title, 1, 0, 0.5, title);
    ssoc_plt_chr(0.63);
    plptex(0.5, y_sub, 1, 0, 0.5, sub);
}

void ssoc_plt_histogram(const double *v, size_t n, double lo, double hi, double pad_frac, int nb, double point,
                        double band_lo, double band_hi, int nticks, int axis, int yaxis)
{
    enum { NBMAX = 64 };
    double cnt[NBMAX] = {0}, cmax = 0;
    nb = nb < 1 ? 1 : nb > NBMAX ? NBMAX : nb;
    const double w = (hi - lo) / nb, pad = pad_frac * (hi - lo);
    for (size_t i = 0; i < n; ++i) {
        if (!(v[i] >= lo && v[i] <= hi))
            continue;
        int k = (int)((v[i] - lo) / w);
        cnt[k >= nb ? nb - 1 : k] += 1;
    }
    for (int k = 0; k < nb; ++k)
        cmax = fmax(cmax, cnt[k]);
    const double top = 1.12 * (cmax > 0 ? cmax : 1);
    plwind(lo - pad, hi + pad, 0, top);
    for (int k = 0; k < nb; ++k) {
        PLFLT px[4] = {lo + k * w, lo + (k + 1) * w, lo + (k + 1) * w, lo + k * w}, py[4] = {0, 0, cnt[k], cnt[k]};
        plcol0(C_FILL0);
        plfill(4, px, py);
        plcol0(C_LINE0);
        ssoc_plt_width(0.8);
        plline(4, px, py);
    }
    ssoc_plt_dash(1500, 1000);
    plcol0(C_LINE0 + 1);
    ssoc_plt_width(1.8);
    if (isfinite(band_lo))
        pljoin(band_lo, 0, band_lo, top);
    if (isfinite(band_hi))
        pljoin(band_hi, 0, band_hi, top);
    ssoc_plt_dash(0, 0);
    plcol0(C_BLACK);
    ssoc_plt_width(2.4);
    pljoin(point, 0, point, top);
    ssoc_plt_width(1.0);
    const double step = ssoc_plt_tick_step(hi - lo, nticks);
    plslabelfunc(ssoc_plt_num_label, NULL);
    plbox(axis ? "bcnsto" : "bcst", step, 2, yaxis ? "bcnstvo" : "bc", 0, 0);
    plslabelfunc(NULL, NULL);
}
