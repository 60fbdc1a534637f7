/// @file sweepfile.h
/// Reading a finished sweep file (the HDF5 layout of issue 4) back into memory, for `ssoc rules`,
/// `ssoc plot` and the sweep's closing summary. Implemented in src/h5io_read.c, the only file
/// besides src/h5io.c that calls HDF5. Serial and read-only: any process may call it, MPI or not.
///
/// Opening checks, each a one-line SSOC_EHDF5/SSOC_EIO error starting with "FILE: ": the file
/// exists and is HDF5 (not truncated or damaged), carries the root attribute `ssoc_format`
/// (an ssoc sweep file) of a version this reader knows (not newer), is complete (every block in
/// /progress/done written, so not a .partial), and holds every dataset used below with the grid's
/// shape. Fields not loaded at open (the [nT][nrho][nx] sigma maps) are read one temperature at a
/// time with ssoc_sweepfile_slice.
#ifndef SSOC_SWEEPFILE_H
#define SSOC_SWEEPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"
#include "ssoc/stats.h"

/// The `ssoc_format` this ssoc writes (src/sweep.c) and checks when resuming a .partial file.
/// Raise it whenever the layout changes incompatibly.
#define SSOC_SWEEPFILE_FORMAT 1
/// Newest `ssoc_format` this reader understands: what this ssoc writes, so a file it writes can
/// always be read back.
#define SSOC_SWEEPFILE_FORMAT_MAX SSOC_SWEEPFILE_FORMAT

/// A [nT][nx] or [nT][nrho] design-rule table with its band (row-major, T slowest). Owned.
typedef struct ssoc_sweep_rule {
    double *v, *lo, *hi;
} ssoc_sweep_rule;

/// A sweep file in memory. Owned; release with ssoc_sweepfile_free.
typedef struct ssoc_sweepfile {
    char path[4096];
    int64_t format;          ///< root `ssoc_format`
    char version[64];        ///< ssoc version that wrote it
    char params_source[1100];///< "fit", "published" or the parameter file
    char interval_name[16];  ///< "percentile" or "bca"
    ssoc_fit_method fit_method; ///< root `fit_method` (the replicates' estimator); staged when absent (older files)
    ssoc_ci_method interval;
    double confidence;       ///< two-sided band level in (0, 1)
    double q_lo, q_hi;       ///< quantile levels of the percentile and expanded bands (/sigma/lo, /sigma/hi
                             ///< attribute `quantile`; from `confidence` in files that lack it)
    int has_target;          ///< [target] sigma was set (then /sigma/p_exceed exists)
    double target_S_cm;      ///< target conductivity [S/cm] (NaN if none)
    /* grid */
    size_t nx, nrho, nT;
    double *x;               ///< [nx] Li2S fraction [1]
    double *rho_g_cm3;       ///< [nrho] density [g/cm3]
    double *T_K;             ///< [nT] temperature [K]
    /* fit */
    ssoc_params best;        ///< /fit/params (point parameters)
    double params_lo[SSOC_NPARAM], params_hi[SSOC_NPARAM];
    unsigned fixed_mask;     ///< /fit/params attribute `fixed` (bit i: parameter i held fixed)
    size_t B;                ///< rows of /fit/params_boot
    double *boot;            ///< [B][SSOC_NPARAM] replicate table; NaN rows: failed fits
    unsigned char *boot_ok;  ///< [B] 1 where the row is finite
    size_t n_ok;             ///< successful replicates
    ssoc_dataset *data;      ///< /fit/data: the fitted points (x, rho, T, D_hop, sigma, regime)
    ssoc_data_range range;   ///< range of the fitted data (what counts as extrapolation)
    /* design rules: [nT][nx] and [nT][nrho] */
    ssoc_sweep_rule rho_opt, vf_opt, sigma_max; ///< [nT][nx]
    uint8_t *rho_opt_at_bound;                  ///< [nT][nx]
    ssoc_sweep_rule x_opt;                      ///< [nT][nrho]
    double *x_opt_sigma_max;                    ///< [nT][nrho] (NULL if the file has none)
    uint8_t *x_opt_at_bound;                    ///< [nT][nrho]
} ssoc_sweepfile;

/// Open, validate and load `path` (see the file comment). On success *out is owned by the caller.
/// Errors: SSOC_EIO (missing or unreadable file), SSOC_EHDF5 (not HDF5, truncated, not an ssoc
/// sweep, newer format, incomplete, missing or misshapen dataset), SSOC_ENOMEM. Messages start
/// with "PATH: ".
ssoc_status ssoc_sweepfile_open(const char *path, ssoc_sweepfile **out, ssoc_error *err);

/// Free everything (NULL is harmless).
void ssoc_sweepfile_free(ssoc_sweepfile *sf);

/// Read temperature index `it` of a [nT][nrho][nx] float dataset (e.g. "/sigma/best",
/// "/sigma/p_exceed") into out[nrho * nx] (x fastest). SSOC_EHDF5 "PATH: no dataset NAME" when
/// absent, or when its shape is not the grid's; SSOC_EINVAL for it >= nT.
ssoc_status ssoc_sweepfile_slice(const ssoc_sweepfile *sf, const char *dataset, size_t it, double *out,
                                 ssoc_error *err);

/// The same for the uint8 /extrapolated mask (bit 1: x, 2: v_f, 4: T outside the data).
ssoc_status ssoc_sweepfile_slice_u8(const ssoc_sweepfile *sf, const char *dataset, size_t it, uint8_t *out,
                                    ssoc_error *err);

/// Extrapolation bits of a point (1: x, 2: v_f, 4: T outside the fitted data), the sweep's rule.
unsigned ssoc_sweepfile_extrap(const ssoc_data_range *r, double x, double v_f, double T_K);

/// Index of the grid temperature nearest T_K (ties: the lower one).
size_t ssoc_sweepfile_nearest_T(const ssoc_sweepfile *sf, double T_K);

#endif
