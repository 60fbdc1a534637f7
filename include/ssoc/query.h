/// @file query.h
/// Which designs reach a target conductivity, and how sure is that (issue 17): the question a
/// screening answers, asked of a finished sweep file (sweepfile.h). What `ssoc query` prints and
/// `ssoc plot --sigma` draws.
///
/// At each grid temperature asked for, a grid point (x, rho) qualifies when
///     P(sigma >= target) >= confidence,
/// P being the fraction of the file's successful bootstrap replicates whose model sigma at that
/// point reaches the target (the sweep's /sigma/p_exceed). P is a confidence about the mean
/// model the replicates bootstrap, not the chance that one new MD run or one sample reaches the
/// target (that would need the prediction band, docs/UNCERTAINTY.md).
///
/// Where P comes from. A sweep with `[target] sigma` stores P for that target; for that target
/// (the same double) it is read from /sigma/p_exceed. For any other target, or when asked to,
/// it is recomputed from the file's replicate table (/fit/params_boot) through the sweep's own
/// kernel call (kernel.h, ssoc_kernel_column), with the kernel variant the sweep ran (root
/// attribute `kernel_isa`) when this CPU can run it: for the sweep's own target the recomputed P
/// equals /sigma/p_exceed to the bit (tests/cli_query.sh). Recomputing costs about what the
/// sweep's evaluation of those temperatures cost; reading costs nothing. A file therefore
/// answers every target, not only the one it was swept with.
///
/// Per temperature the answer holds the region (how many grid points, its extent in x and rho,
/// how many of its points lie outside the fitted x or v_f), the best design anywhere on the grid
/// and the best inside the fitted x and v_f (the highest P; among equal P the highest sigma of
/// the point parameters), each with its P, sigma and the file's band of sigma, and one or two
/// sentences built from those numbers.
#ifndef SSOC_QUERY_H
#define SSOC_QUERY_H

#include <stddef.h>

#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/sweepfile.h"

/// What to ask.
typedef struct ssoc_query_opts {
    double target_S_cm;  ///< target conductivity [S/cm], finite and > 0
    double confidence;   ///< the least P(sigma >= target) [1], in (0, 1]
    const size_t *its;   ///< grid temperature indices, strictly increasing (NULL: every temperature)
    size_t nits;
    int recompute;       ///< recompute P from the replicate table even where the file stores it
    int keep_points;     ///< list every qualifying grid point (ssoc_query.points)
    int keep_maps;       ///< keep P at every grid point (ssoc_query_T.p), e.g. to draw it
} ssoc_query_opts;

/// One grid point.
typedef struct ssoc_query_point {
    double x;              ///< Li2S fraction [1]
    double rho_g_cm3;      ///< density [g/cm3]
    double T_K;            ///< temperature [K]
    double v_f;            ///< free volume [1]
    double p;              ///< P(sigma >= target) over the replicates [1]
    double sigma_S_cm;     ///< /sigma/best: sigma with the point parameters [S/cm]
    double lo, hi;         ///< /sigma/lo, /sigma/hi: the file's band of sigma [S/cm]
    unsigned extrapolated; ///< /extrapolated bits: 1 x, 2 v_f, 4 T outside the fitted data
} ssoc_query_point;

/// The answer at one temperature.
typedef struct ssoc_query_T {
    double T_K;
    size_t it;                     ///< index in the file's T
    int T_extrapolated;            ///< T lies outside the fitted data's temperatures
    size_t n_region;               ///< grid points with P >= confidence
    size_t n_inside;               ///< ... of them inside the fitted x and v_f
    size_t n_out_x, n_out_vf;      ///< ... of them outside the fitted x, outside the fitted v_f
    double x_min, x_max;           ///< the region's extent in x [1] (NaN when empty)
    double rho_min, rho_max;       ///< ... in rho [g/cm3]
    ssoc_query_point best;         ///< the highest P on the grid (ties: the highest sigma, then lowest rho, x)
    int has_inside;                ///< some grid point lies inside the fitted x and v_f
    ssoc_query_point best_inside;  ///< the highest P among those (valid when has_inside)
    double *p;                     ///< [nrho * nx] P at every grid point, x fastest (keep_maps; else NULL)
    char answer[1024];             ///< the answer at this temperature in words
} ssoc_query_T;

/// The whole answer. Owned; release with ssoc_query_free.
typedef struct ssoc_query {
    char path[4096];
    double target_S_cm, confidence;
    int recomputed;                ///< 1: P recomputed from the replicate table; 0: read from /sigma/p_exceed
    int file_target;               ///< the file was swept with a target
    double file_target_S_cm;       ///< that target [S/cm] (NaN without)
    char kernel_isa[32];           ///< the kernel variant that recomputed P ("" when read)
    char file_kernel_isa[32];      ///< the variant the sweep ran ("" in files that do not record it)
    size_t B, n_ok;                ///< replicates, successful ones (P is a multiple of 1/n_ok)
    double band_confidence;        ///< the file's band level (/sigma/lo, hi)
    char interval_name[16];        ///< the file's interval
    ssoc_data_range range;         ///< the fitted data (what counts as extrapolation)
    size_t nx, nrho;
    double x_lo, x_hi, rho_lo, rho_hi; ///< the grid's ends
    size_t nT;
    ssoc_query_T *t;               ///< [nT]
    int points_kept;               ///< the query kept the qualifying points (keep_points)
    size_t npoints;
    ssoc_query_point *points;      ///< [npoints] every qualifying point, T slowest, then rho, x (keep_points)
} ssoc_query;

/// Answer `o` from the loaded sweep file `sf` (OpenMP over grid columns when recomputing).
/// Errors: SSOC_EINVAL (target not > 0, confidence outside (0, 1], temperature indices out of
/// range or not increasing), SSOC_EDATA (fewer than 1 successful replicate), SSOC_EHDF5 (a
/// dataset cannot be read), SSOC_ENOMEM.
ssoc_status ssoc_query_run(const ssoc_sweepfile *sf, const ssoc_query_opts *o, ssoc_query **out, ssoc_error *err);

/// Free (NULL is harmless).
void ssoc_query_free(ssoc_query *q);

/// The answer as text: a header (target, confidence, where P came from), one table row per
/// temperature, the best designs, the answer in words, and with `points` every qualifying point.
/// Malloc'd (caller frees); NULL on allocation failure.
char *ssoc_query_text(const ssoc_query *q, int points);

/// CSV: one row per temperature (the region and both best designs, the flags spelt out as
/// true/false columns), or with `points` one row per qualifying point. Numbers round-trip
/// exactly; empty where undefined. Malloc'd; NULL on allocation failure.
char *ssoc_query_csv(const ssoc_query *q, int points);

/// JSON: everything above (the points when the query kept them). Numbers round-trip exactly,
/// NaN as null. Malloc'd; NULL on allocation failure.
char *ssoc_query_json(const ssoc_query *q);

#endif
