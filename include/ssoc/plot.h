/// @file plot.h
/// Pictures of a sweep, a fit and a bootstrap, drawn with PLplot's cairo devices (the plot module,
/// src/plot*.c, is the only code that calls PLplot: src/plot.c the session and shared drawing,
/// plot_map.c maps, plot_curves.c the design rule and the Arrhenius plot, plot_params.c parameter
/// histograms and the corner plot, plot_parity.c the parity plot). The output type follows the file name: .png (pngcairo), .svg (svgcairo) or
/// .pdf (pdfcairo). A picture is written under a temporary name in the same directory and renamed
/// into place only when complete; an existing file is never replaced unless `force` is set.
///
/// PLplot keeps global state and may call exit() on an internal fatal error; everything it is
/// given here is validated first, its warnings are captured into the error record, and the calls
/// are not thread-safe (one picture at a time per process).
#ifndef SSOC_PLOT_H
#define SSOC_PLOT_H

#include <stddef.h>

#include "ssoc/error.h"
#include "ssoc/model.h"
#include "ssoc/report.h"
#include "ssoc/sweepfile.h"

/// What a drawn band covers; every band's legend entry says which.
typedef enum ssoc_plot_band {
    SSOC_BAND_CONFIDENCE = 0, ///< confidence band of the mean model (bootstrap of the fit)
    SSOC_BAND_PREDICTION,     ///< prediction band: where a new MD value would fall
} ssoc_plot_band;

/// Which [nT][nrho][nx] field a map shows.
typedef enum ssoc_plot_field {
    SSOC_PLOT_BEST = 0, ///< /sigma/best: sigma with the point parameters [S/cm]
    SSOC_PLOT_MEDIAN,   ///< /sigma/median [S/cm]
    SSOC_PLOT_LO,       ///< /sigma/lo: lower band [S/cm]
    SSOC_PLOT_HI,       ///< /sigma/hi: upper band [S/cm]
    SSOC_PLOT_WIDTH,    ///< /sigma/hi / /sigma/lo: the band's factor [1] (where the model is sure)
    SSOC_PLOT_P_EXCEED, ///< /sigma/p_exceed: P(sigma >= target) [1] (sweeps with a target only)
    SSOC_PLOT_NFIELD
} ssoc_plot_field;

/// Name of a field as the CLI spells it ("best", ..., "p_exceed"), NULL if out of range.
const char *ssoc_plot_field_name(ssoc_plot_field f);
/// Field by name, or -1.
int ssoc_plot_field_parse(const char *name);

#define SSOC_PLOT_MAXPANEL 12 ///< most temperatures in one small-multiples figure
#define SSOC_PLOT_MAXLABEL 256 ///< most contour labels recorded in a layout

/// What `ssoc query` found at one temperature, for a map to draw (ssoc_plot_region).
typedef struct ssoc_plot_region_T {
    size_t it;                 ///< grid temperature index
    const double *p;           ///< [nrho * nx] P(sigma >= target) at every grid point, x fastest
    double best_x, best_rho, best_p;       ///< the best design anywhere [1, g/cm3, 1] (NaN: none)
    double inside_x, inside_rho, inside_p; ///< the best inside the fitted x and v_f (NaN: none)
} ssoc_plot_region_T;

/// The designs that reach a target at a stated confidence (include/ssoc/query.h), drawn on a map:
/// the grid points with P >= confidence hatched and outlined, the best designs marked, both in
/// the legend; with the field p_exceed the map shows this P (the file's own only for its target).
typedef struct ssoc_plot_region {
    double target_S_cm;        ///< [S/cm]
    double confidence;         ///< the least P [1]
    int recomputed;            ///< P recomputed from the replicate table (the subtitle says so)
    size_t nT;
    const ssoc_plot_region_T *t; ///< [nT]; a temperature of the map without an entry has no region
} ssoc_plot_region;

/// Options shared by every picture.
typedef struct ssoc_plot_opts {
    const char *output;   ///< picture path: .png, .svg or .pdf
    int force;            ///< replace an existing picture
    ssoc_plot_field field;///< map field (ssoc_plot_map)
    size_t nT;            ///< requested temperatures (0: the temperature of the fitted data)
    const double *T_K;    ///< [nT] requested temperatures [K]; each maps to the nearest grid T
    double scale;         ///< page size factor, text and lines included (0: 1; SSOC_PLOT_SCALE_MIN..MAX)
    /// NULL: the picture function checks `output`, writes a temporary beside it and publishes it
    /// (outpath.h). Set: draw into this working file, which the caller created with
    /// ssoc_outpath_begin and publishes (or abandons) itself, e.g. after drawing in a child process;
    /// `output` then only names the picture and gives its type.
    struct ssoc_outpath *dest;
    /// Which band a map's lo, hi and width fields show: the confidence band of the mean model
    /// (/sigma/lo, /sigma/hi; the default, 0) or the prediction band of a new MD run
    /// (/sigma/pred_lo, /sigma/pred_hi).
    ssoc_plot_band band;
    const ssoc_plot_region *region; ///< maps: the region of a query to draw (NULL: none)
} ssoc_plot_opts;

#define SSOC_PLOT_SCALE_MIN 0.25 ///< smallest page scale (ssoc_plot_opts.scale)
#define SSOC_PLOT_SCALE_MAX 4.0  ///< largest page scale

/// Where things landed on the page (pixels from the top-left corner, after the page scale; for
/// SVG and PDF the same numbers in the device's points), so tests and scripts can find them again.
typedef struct ssoc_plot_layout {
    int width, height;     ///< page size
    size_t npanel;
    struct {
        double T_K;        ///< grid temperature shown [K]
        double x0, x1;     ///< frame, left and right [px]: x = world_x0 .. world_x1
        double y0, y1;     ///< frame, top and bottom [px]: rho = world_y1 .. world_y0
        double wx0, wx1, wy0, wy1; ///< world coordinates of the frame (x [1], rho [g/cm3])
    } panel[SSOC_PLOT_MAXPANEL];
    double cbar_x0, cbar_x1, cbar_y0, cbar_y1; ///< colour bar [px], top is the high end
    double cbar_lo, cbar_hi; ///< colour bar value range (log10 of the shown unit for log scales)
    int cbar_log;            ///< 1 if the colour scale is logarithmic
    size_t nlabel;           ///< contour labels drawn (each level once per panel, where there is room)
    struct {
        size_t panel;        ///< panel index
        double level;        ///< contour level in colour-bar units (log10 mS/cm for sigma fields)
        double px, py;       ///< centre of the label on the page [px]
        double wx, wy;       ///< the same in world coordinates (x [1], rho [g/cm3]): a point on the contour
    } label[SSOC_PLOT_MAXLABEL];
} ssoc_plot_layout;

/// The (x, rho) map of `o->field` at one or more temperatures (small multiples sharing one colour
/// scale, in a grid shaped to fit a page: 2 stacked, 3-4 in 2 x 2, 5-6 in 2 x 3, up to 12 in 3 x
/// 4): log colour scale with a colour bar in mS/cm (sigma fields); contour lines at 1-2-5 steps
/// (decades on wide ranges), each level labelled once per panel and listed in the legend; the
/// rho_opt(x) ridge with its confidence band; the fitted MD points at that T, filled with their
/// observed sigma on the map's colour scale (sigma fields; so misfit shows), circles PCC and
/// triangles SCC; the region outside the fitted data veiled; iso-free-volume lines labelled on the
/// right; a title with B, confidence and interval; with `o->region`, the designs that reach its
/// target at its confidence hatched and outlined, the best designs marked. `layout` may be NULL.
/// Errors: SSOC_EINVAL (bad options: unknown picture type, too many temperatures, scale out of range), SSOC_EEXISTS
/// (output exists without force), SSOC_EHDF5 (field missing, e.g. p_exceed without a target),
/// SSOC_EIO (cannot write the picture), SSOC_ENOMEM.
ssoc_status ssoc_plot_map(const ssoc_sweepfile *sf, const ssoc_plot_opts *o, ssoc_plot_layout *layout,
                          ssoc_error *err);

/// The grid temperatures ssoc_plot_map draws for `o` (indices into sf->T_K, at most
/// SSOC_PLOT_MAXPANEL, in the order drawn): the requested ones (nearest grid T, duplicates
/// dropped), or the one with the most fitted data points. SSOC_EINVAL for a temperature that is
/// not a positive number.
ssoc_status ssoc_plot_map_temperatures(const ssoc_sweepfile *sf, const ssoc_plot_opts *o, size_t *its, size_t *np,
                                       ssoc_error *err);

/// The design rule as a picture: v_f,opt (top, with its confidence band) and sigma_max (bottom,
/// log scale, with a band of kind `band`) against T, one curve per fitted composition,
/// temperatures outside the data shaded, boundary results marked; the legend says what each band
/// covers. Errors as ssoc_plot_map.
ssoc_status ssoc_plot_rules(const ssoc_report *r, ssoc_plot_band band, const ssoc_plot_opts *o, ssoc_error *err);

/// One extra curve of ssoc_plot_arrhenius: sigma against T with its band.
typedef struct ssoc_plot_curve {
    const char *label;          ///< legend text, e.g. "x = 0.75, ρ = 1.74 g/cm³"
    size_t n;                   ///< points
    const double *T_K;          ///< [n] ascending [K]
    const double *sigma_S_cm;   ///< [n] point-model sigma [S/cm]
    const double *lo, *hi;      ///< [n] band ends [S/cm] (NULL: no band)
} ssoc_plot_curve;

/// An Arrhenius plot: log10 sigma (mS/cm) against 1000/T with T in K on the top axis; sigma_max at
/// rho_opt for every fitted composition of the report with its band, plus `nextra` curves (sigma
/// at chosen (x, rho)); the fitted data's temperature range marked; the band kind `band` named
/// in the legend with the report's confidence and interval. Errors as ssoc_plot_map; SSOC_EINVAL
/// for fewer than 2 temperatures.
ssoc_status ssoc_plot_arrhenius(const ssoc_report *r, const ssoc_plot_curve *extra, size_t nextra,
                                ssoc_plot_band band, const ssoc_plot_opts *o, ssoc_error *err);

/// Bootstrap replicate table and bands for ssoc_plot_params.
typedef struct ssoc_plot_params_in {
    const char *source;        ///< what the table came from (for the title)
    size_t B;                  ///< rows of `table`
    const double *table;       ///< [B][SSOC_NPARAM]; rows with any NaN are failed replicates
    ssoc_params point;         ///< point estimates
    double lo[SSOC_NPARAM], hi[SSOC_NPARAM]; ///< band ends
    unsigned fixed_mask;       ///< bit i: parameter i held fixed (its panel says so)
    double confidence;         ///< band level
    const char *interval;      ///< "percentile" or "bca"
} ssoc_plot_params_in;

/// A histogram per parameter of the replicate table, with the point estimate and the band
/// marked. Errors as ssoc_plot_map, and SSOC_EDATA when fewer than 2 rows are finite.
ssoc_status ssoc_plot_params(const ssoc_plot_params_in *in, const ssoc_plot_opts *o, ssoc_error *err);

/// The corner (pair) plot of the replicate table: the free parameters only (fixed ones, and any
/// without spread, are left out and named in the key); histograms on the diagonal with the point
/// estimate (solid) and band (dashed); below it every pair, as one dot per replicate (up to 3000
/// finite rows) or a 2-D histogram (more), with the point estimate as crossing lines and a marker
/// and Pearson r of the replicates. Axes span the central 99% of each parameter's replicates (the
/// key counts those outside). Errors as ssoc_plot_params, and SSOC_EDATA with fewer than 2 free
/// parameters.
ssoc_status ssoc_plot_corner(const ssoc_plot_params_in *in, const ssoc_plot_opts *o, ssoc_error *err);

/// One set of points of a parity plot: the data a fit was made to (training) or data it never saw
/// (held out).
typedef struct ssoc_plot_parity_set {
    const char *label;          ///< legend text, e.g. "training: kim2026_lps_aimd_500K.csv, 500 K"
    int held_out;               ///< 1: data the parameters were not fitted to (filled markers)
    size_t n;                   ///< points
    const double *obs_S_cm;     ///< [n] observed sigma [S/cm], > 0
    const double *pred_S_cm;    ///< [n] predicted sigma (point parameters) [S/cm], > 0
    const double *lo_S_cm;      ///< [n] band of the prediction [S/cm] (NULL: no band; NaN: none here)
    const double *hi_S_cm;      ///< [n]
    const unsigned char *regime;///< [n] 0 PCC, 1 SCC, 2 not given (NULL: not given)
    const int *line;            ///< [n] line in the source file, for the worst point's label (NULL: unknown)
    const double *x, *rho_g_cm3, *T_K; ///< [n] where each point is, for the worst point's label
    double r_log10;             ///< Pearson r of log10 sigma, predicted vs observed (as fit/validate report it)
    double rmse_log10;          ///< RMSE of log10 sigma
    double median_ratio;        ///< median of predicted/observed
    const char *note;           ///< one more line for this set's summary (e.g. extrapolation), or NULL
} ssoc_plot_parity_set;

/// Input of ssoc_plot_parity.
typedef struct ssoc_plot_parity_in {
    const char *params;         ///< where the parameters come from, for the subtitle
    size_t nset;                ///< 1 or 2
    ssoc_plot_parity_set set[2];
    ssoc_plot_band band;        ///< what the bands cover
    double confidence;          ///< band level
    const char *interval;       ///< "percentile" or "bca" (NULL: no bands)
    size_t B;                   ///< replicates behind the bands
} ssoc_plot_parity_in;

/// Parity plot: predicted against observed sigma (mS/cm) on equal log axes, the 1:1 line, factor-2
/// lines (and factor-10 lines when the points reach them); per point a marker by set (training
/// open, held out filled, in two colours) and regime (circle PCC, triangle SCC, diamond not
/// given), a vertical bar for its band (the legend says what it covers); the worst point of each
/// set (largest |log10 pred/obs|) labelled with its line and (x, rho, T); per set n, r, RMSE of
/// log10 sigma, median ratio and how many lie within a factor of 2. Errors as ssoc_plot_map, and
/// SSOC_EINVAL for no points or more than 2 sets, SSOC_EDATA for a sigma that is not finite and > 0.
ssoc_status ssoc_plot_parity(const ssoc_plot_parity_in *in, const ssoc_plot_opts *o, ssoc_error *err);

#endif
