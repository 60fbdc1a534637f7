/* Private to the plot module: src/plot.c (the picture session, output file and shared drawing
 * helpers), src/plot_map.c (maps), src/plot_curves.c (design rule and Arrhenius plot),
 * src/plot_params.c (parameter histograms and the corner plot) and src/plot_parity.c (parity
 * plot). These are the only files that call PLplot.
 *
 * Every public picture function follows one pattern: validate and prepare everything that can
 * fail, ssoc_plt_begin(), `if (setjmp(ssoc_plt_jump)) return ssoc_plt_failed(...)` (PLplot's
 * fatal errors longjmp there instead of exiting), draw one layer or panel per function, plend(),
 * ssoc_plt_publish(). Page geometry is in device units: pixels for pngcairo, points for svgcairo
 * and pdfcairo. Text sizes are in device units too (ssoc_plt_chr), so a picture's text keeps its
 * size whatever the page size. */
#ifndef SSOC_PLOT_PRIV_H
#define SSOC_PLOT_PRIV_H

#include <plplot.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>

#include "ssoc/data.h"
#include "ssoc/outpath.h"
#include "ssoc/plot.h"

/* cmap0 colours */
enum {
    C_BG = 0,
    C_BLACK,
    C_GREY,
    C_WHITE,
    C_NODATA,
    C_VEIL,
    C_CONTOUR,    /* contour lines on the dark half of the colour scale */
    C_CONTOUR_DK, /* ... on the light half */
    C_RIDGE,
    C_LABELBOX,
    C_SHADE,
    C_AXISGREY,
    C_REGION, /* a query's region and best designs on a map: vermillion, outside viridis */
    C_LINE0, /* C_LINE0 .. C_LINE0 + 7: curves (Okabe-Ito palette, colour-blind safe) */
    C_FILL0 = C_LINE0 + 8, /* translucent versions */
    C_NCOL0 = C_FILL0 + 8
};

/* Where PLplot's stream goes: the working file's descriptor, and the first write error (a full
 * disk), which PLplot and cairo do not report. */
typedef struct ssoc_plt_sink {
    int fd;
    int err;    /* errno of the first failed write, 0 if none */
    int closed; /* PLplot closed the stream (it does in plend, not after a fatal error) */
} ssoc_plt_sink;

/* One picture being drawn. */
typedef struct ssoc_plt_picture {
    const char *out;  /* the picture's name, for messages */
    ssoc_outpath own; /* the working file when the caller gave none (ssoc_plot_opts.dest NULL) */
    ssoc_outpath *op; /* the working file: &own or the caller's */
    ssoc_plt_sink sk;
    FILE *stream;     /* a stdio stream on op->fd given to PLplot (plsfile) */
    const char *device;
    int width, height;
    char title[512];  /* for SVG: <title> and <desc> (cairo writes text as glyph outlines, so */
    char desc[2048];  /* the words would otherwise not be in the file for search or screen readers) */
} ssoc_plt_picture;

/* plexit() longjmps here: set it (setjmp) in the public function after ssoc_plt_begin */
extern jmp_buf ssoc_plt_jump;

/* Check the output name, create the working file (outpath.h; or take the caller's,
 * ssoc_plot_opts.dest) and start PLplot on a width x height page (device units) writing to a stream
 * on it. Errors: SSOC_EINVAL (no or unknown picture type, page scale), SSOC_EEXISTS, SSOC_EIO. */
ssoc_status ssoc_plt_begin(ssoc_plt_picture *p, const ssoc_plot_opts *o, int width, int height, ssoc_error *err);
/* After plend(): check what was written (SVG: add title and desc) and publish the working file
 * under the final name, or leave that to the caller who gave it (ssoc_plot_opts.dest). */
ssoc_status ssoc_plt_publish(ssoc_plt_picture *p, ssoc_error *err);
/* Reached through ssoc_plt_jump: drop the stream and a working file of our own, return the error. */
ssoc_status ssoc_plt_failed(ssoc_plt_picture *p, ssoc_error *err);

/* Character height s (0.62 is about 17 device units) and line width. */
void ssoc_plt_chr(double s);
void ssoc_plt_width(double w);
/* Dashed lines: mark and space in micrometres (plstyl); 0, 0 for solid. */
void ssoc_plt_dash(int mark, int space);
/* A line from (x0, y0) to (x1, y1) in cmap0 colour `col`, width `width`, dashed as ssoc_plt_dash
 * (0, 0: solid); the line style is solid again afterwards. */
void ssoc_plt_join(double x0, double y0, double x1, double y1, int col, double width, int mark, int space);
/* Frame and axes of the current viewport (plbox options and tick steps); an axis whose options
 * contain "o" is a log10 axis labelled by ssoc_plt_log_label. Titles (NULL: none) below and, at
 * distance ydist in character heights, left. */
void ssoc_plt_axes(const char *xopt, double xtick, const char *yopt, double ytick, double chr, const char *xtitle,
                   const char *ytitle, double ydist);
/* A filled rectangle [x0, x1] x [y0, y1] in world coordinates in cmap0 colour `col`. */
void ssoc_plt_rect(double x0, double x1, double y0, double y1, int col);

/* The current viewport in page device units (y from the top). */
void ssoc_plt_vp_px(const ssoc_plt_picture *p, double *x0, double *x1, double *y0, double *y1);
/* Tick label of a log10 axis: the value itself in plain decimal where that reads well. */
void ssoc_plt_log_label(PLINT axis, PLFLT v, char *label, PLINT len, PLPointer data);
/* Tick label of a linear axis: the value in plain decimal (%.6g, a true minus sign), never with
 * PLplot's separate "(x10^n)" factor. Use with plslabelfunc and the "o" axis option. */
void ssoc_plt_num_label(PLINT axis, PLFLT v, char *label, PLINT len, PLPointer data);
/* A round tick step for `span` with about `n` intervals (1, 2 or 5 times a power of ten: labels
 * with few digits). */
double ssoc_plt_tick_step(double span, int n);
/* Draw the finite runs of (x[i], y[i]) where use[i] (use may be NULL). */
void ssoc_plt_runs(size_t n, const double *x, const double *y, const unsigned char *use);
/* A curve y(x) with its band lo..hi as a translucent ribbon under the line in Okabe-Ito colour
 * `colour` (NaN band ends are left out of the ribbon; NaN y is a gap). lo, hi may be NULL. */
void ssoc_plt_band_line(size_t n, const double *x, const double *y, const double *lo, const double *hi, int colour);
/* "fitted data: 500 K" or "fitted data: 300–800 K" */
void ssoc_plt_data_T_label(const ssoc_data_range *d, char *buf, size_t cap);
/* What a band covers, in words for a legend: kind "95% confidence band", of "of the mean model"
 * (or "of WHAT"), how "(percentile bootstrap of the fit)", and for a confidence band of the mean
 * model not_ "not where new MD values fall" ("" otherwise). interval may be NULL. */
typedef struct ssoc_plt_band_text {
    char kind[64], of[96], how[96], not_[64];
} ssoc_plt_band_text;
void ssoc_plt_band_words(ssoc_plot_band kind, double confidence, const char *interval, const char *what,
                         ssoc_plt_band_text *t);
/* The band's legend entry in a [0, 1]^2 world: a sample of width sw at (x, y), a ribbon or (bar)
 * an error bar, and the words of ssoc_plt_band_words on up to four lines dy apart, downwards (the
 * first beside the sample, the others from x). */
void ssoc_plt_band_legend(double x, double y, double dy, double sw, int bar, ssoc_plot_band kind, double confidence,
                          const char *interval, const char *what, double chr);
/* The page's title (bold size) and subtitle centred at heights y_title, y_sub [0..1 of the page]. */
void ssoc_plt_titles(const char *title, const char *sub, double y_title, double y_sub);
/* A histogram of v[0..n) over [lo, hi] with nb bins in the current viewport (world: [lo - pad,
 * hi + pad] x [0, 1.12 max count], pad = pad_frac (hi - lo)), with the point estimate (solid) and
 * band ends (dashed, NaN: none) marked; about `nticks` round tick intervals, numbered on the
 * bottom axis when `axis` and on the left when `yaxis`. Values outside [lo, hi] are not counted. */
void ssoc_plt_histogram(const double *v, size_t n, double lo, double hi, double pad_frac, int nb, double point,
                        double band_lo, double band_hi, int nticks, int axis, int yaxis);

#endif
