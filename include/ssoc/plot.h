/// @file plot.h
/// Pictures of a sweep (issue 5), drawn with PLplot's cairo devices (src/plot.c is the only file
/// that calls PLplot). The output type follows the file name: .png (pngcairo), .svg (svgcairo) or
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

/// Options shared by every picture.
typedef struct ssoc_plot_opts {
    const char *output;   ///< picture path: .png, .svg or .pdf
    int force;            ///< replace an existing picture
    ssoc_plot_field field;///< map field (ssoc_plot_map)
    size_t nT;            ///< requested temperatures (0: the temperature of the fitted data)
    const double *T_K;    ///< [nT] requested temperatures [K]; each maps to the nearest grid T
} ssoc_plot_opts;

/// Where things landed on the page (pixels from the top-left corner; for SVG and PDF the same
/// numbers in the device's points), so tests and scripts can find them again.
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
} ssoc_plot_layout;

/// The (x, rho) map of `o->field` at one or more temperatures (small multiples sharing one colour
/// scale): log colour scale with a colour bar in mS/cm (sigma fields), decade contours, the
/// rho_opt(x) ridge with its band, the fitted data at that T as markers, the region outside the
/// fitted data veiled, iso-free-volume lines labelled on the right, and a title with T, B,
/// confidence and interval. `layout` may be NULL.
/// Errors: SSOC_EINVAL (bad options: unknown picture type, too many temperatures), SSOC_EEXISTS
/// (output exists without force), SSOC_EHDF5 (field missing, e.g. p_exceed without a target),
/// SSOC_EIO (cannot write the picture), SSOC_ENOMEM.
ssoc_status ssoc_plot_map(const ssoc_sweepfile *sf, const ssoc_plot_opts *o, ssoc_plot_layout *layout,
                          ssoc_error *err);

/// The design rule as a picture: v_f,opt (top) and sigma_max (bottom, log scale) against T with
/// their bands, one curve per fitted composition, temperatures outside the data shaded, boundary
/// results marked. Errors as ssoc_plot_map.
ssoc_status ssoc_plot_rules(const ssoc_report *r, const ssoc_plot_opts *o, ssoc_error *err);

/// What a drawn band covers; every band's legend entry says which.
typedef enum ssoc_plot_band {
    SSOC_BAND_CONFIDENCE = 0, ///< confidence band of the mean model (bootstrap of the fit)
    SSOC_BAND_PREDICTION,     ///< prediction band: where a new MD value would fall
} ssoc_plot_band;

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
/// marked. Errors as ssoc_plot_map, and SSOC_EINVAL when fewer than 2 rows are finite.
ssoc_status ssoc_plot_params(const ssoc_plot_params_in *in, const ssoc_plot_opts *o, ssoc_error *err);

#endif
