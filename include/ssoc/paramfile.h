/// @file paramfile.h
/// The JSON parameter file written by `ssoc fit -o` and read by `--params FILE.json` (cJSON).
/// It carries the 8 parameters with names and units, which were fixed, the estimator ("method":
/// joint or staged), the fit metrics, the range and SHA-256 of the data they were fitted to and,
/// after a bootstrap, the bands, the B x 9 replicate table (the 8 parameters and ln_A) and the residual pool of the point fit
/// ("residual_pool": the leverage-adjusted, centred ln D_hop and ln sigma residuals, which a
/// prediction band needs).
#ifndef SSOC_PARAMFILE_H
#define SSOC_PARAMFILE_H

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"

#define SSOC_PARAMFILE_FORMAT "ssoc-params"
#define SSOC_PARAMFILE_VERSION 1

/// What a parameter file holds once read. Owned; release with ssoc_paramfile_clear.
typedef struct ssoc_paramfile {
    ssoc_params params;
    ssoc_fit_method method; ///< estimator; "staged" for files that predate the member, and for published
    unsigned fixed_mask;
    int has_metrics;
    ssoc_metrics metrics;
    int has_range;          ///< data range known (always for files written by ssoc fit)
    ssoc_data_range range;
    char data_path[1024];   ///< data file the parameters were fitted to ("" if unknown)
    char data_sha256[65];
    ssoc_boot_result *boot; ///< bootstrap bands and replicate table, or NULL
} ssoc_paramfile;

/// Render a fit (and optional bootstrap) as a JSON document (malloc'd string, caller frees).
/// `d` supplies the data path, SHA-256 and range. NULL on allocation failure.
char *ssoc_paramfile_to_json(const ssoc_fit_result *fit, const ssoc_dataset *d, const ssoc_boot_result *boot);

/// Write the JSON document to `path` atomically (temporary file in the same directory, fsync,
/// rename), so a crash never leaves a truncated file under the final name. An existing `path` is
/// replaced only if `overwrite` is non-zero (else SSOC_EEXISTS, file untouched).
ssoc_status ssoc_paramfile_write(const char *path, const ssoc_fit_result *fit, const ssoc_dataset *d,
                                 const ssoc_boot_result *boot, int overwrite, ssoc_error *err);

/// Read a parameter file. Errors (SSOC_EDATA/SSOC_EIO) name the file and the offending member:
/// not JSON, wrong format tag or newer version, a parameter missing, not a number or not finite,
/// a method other than "joint" or "staged", a residual pool that is not two arrays of n finite
/// numbers. The residual pool, when present, is loaded into boot->resid.
ssoc_status ssoc_paramfile_read(const char *path, ssoc_paramfile *out, ssoc_error *err);

/// Fill `out` from the published set (docs/MODEL.md, "The published parameter set"), with the
/// shipped data's range (ssoc predict --params published). `range` may be NULL (has_range = 0).
void ssoc_paramfile_published(ssoc_paramfile *out, const ssoc_data_range *range);

/// Release what ssoc_paramfile_read allocated (the bootstrap result). NULL is harmless.
void ssoc_paramfile_clear(ssoc_paramfile *pf);

#endif
