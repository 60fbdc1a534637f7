/// @file sweepfile.h
/// The sweep file (README.md, "The sweep file"), both ways: written by a sweep (collectively,
/// src/sweepfile_write.c) and read back into memory for `ssoc rules`, `ssoc plot` and the sweep's
/// closing summary (src/sweepfile_read.c). Both follow one table of the file's datasets, names,
/// shapes, types, units, long names, descriptions and CF flags (src/sweepfile_layout.c). With
/// src/h5io*.c these are the only files that call HDF5. The file is HDF5 that netCDF-4 and xarray
/// open as it is (CF-1.10): named dimensions, the grid's coordinates in every group that uses them.
///
/// Reading is serial and read-only: any process may call it, MPI or not. Opening checks, each a
/// one-line SSOC_EHDF5/SSOC_EIO error starting with "FILE: ": the file exists and is HDF5 (not
/// truncated or damaged), carries the root attribute `ssoc_format` (an ssoc sweep file) of this
/// format (a newer one: use a newer ssoc; an older one: regenerate it), every attribute matches its
/// checksum (`attribute_checksums`), the file is complete (root `complete` = 1 and every block in
/// /progress/done written, so not a .partial), and it holds every dataset used below with the
/// grid's shape. Fields not loaded at open (the [nT][nrho][nx] sigma maps) are read one temperature
/// at a time with ssoc_sweepfile_slice.
///
/// Writing is COLLECTIVE under MPI (every rank calls every ssoc_sweepfile_* writer function in the
/// same order with the same arguments, except the block data), as h5io.h describes.
#ifndef SSOC_SWEEPFILE_H
#define SSOC_SWEEPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/boot.h"
#include "ssoc/config.h"
#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"
#include "ssoc/stats.h"

/// The `ssoc_format` this ssoc writes (src/sweepfile_write.c) and checks when resuming a .partial file.
/// Raise it whenever the layout changes incompatibly. 1: groups /coords, /sigma, ... (ssoc before
/// the netCDF layout); 2: netCDF-4 / CF-1.10, attribute checksums, the leave-one-out table.
#define SSOC_SWEEPFILE_FORMAT 2
/// Newest `ssoc_format` this reader understands: what this ssoc writes, so a file it writes can
/// always be read back. Older formats are refused with a message that says how to regenerate them.
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
    char kernel_isa[32];     ///< root `kernel_isa`: the kernel variant the sweep ran (kernel_isa.h); "" when absent
    char params_source[1100];///< "fit", "published" or the parameter file
    char interval_name[16];  ///< "percentile" or "bca"
    ssoc_fit_method fit_method; ///< root `fit_method` (the replicates' estimator); staged when absent (older files)
    double dof;              ///< root `residual_dof` (the expanded interval's degrees of freedom); NaN when absent
    int has_seed;            ///< the root attribute `seed` was read
    uint64_t seed;           ///< root `seed`: the bootstrap's (its prediction terms are drawn from it)
    ssoc_ci_method interval;
    double confidence;       ///< two-sided band level in (0, 1)
    double q_lo, q_hi;       ///< quantile levels of the percentile and expanded bands (/sigma/lo, /sigma/hi
                             ///< attribute `quantile`; from `confidence` in files that lack it)
    int has_target;          ///< [target] sigma was set (then /sigma/p_exceed exists)
    int has_pred;            ///< /sigma/pred_lo and /sigma/pred_hi exist (the prediction band of a new MD run)
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
    size_t n_jack;           ///< rows of /fit/params_jack (the fitted points; 0 unless interval = bca)
    double *jack;            ///< [n_jack][SSOC_NPARAM] leave-one-out table; NaN rows: failed refits
    unsigned char *jack_ok;  ///< [n_jack] 1 where the row is finite
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

/// Index of the grid temperature nearest T_K (ties: the lower one).
size_t ssoc_sweepfile_nearest_T(const ssoc_sweepfile *sf, double T_K);

/* ------------------------------------------------------------------ writing */

/// What a sweep records about itself in the file's layout (all borrowed, read-only).
typedef struct ssoc_sweepfile_meta {
    const ssoc_config *cfg;          ///< grid, full config and resume key, seed, B, bands, target, data file
    const ssoc_dataset *data;        ///< the fitted data (/fit/data) and its SHA-256
    const ssoc_data_range *range;    ///< range of the fitted data (/extrapolated attributes)
    const char *params_sha256;       ///< SHA-256 of [fit] params FILE.json, "" otherwise
    const ssoc_params *best;         ///< point parameters
    unsigned fixed_mask;             ///< bit i: parameter i held fixed
    ssoc_fit_method fit_method;      ///< the replicates' estimator (root attribute `fit_method`)
    const ssoc_metrics *metrics;     ///< fit quality of the point parameters
    const ssoc_boot_result *boot;    ///< replicate table, bands, failure count
    double q_lo, q_hi;               ///< percentile levels of the maps' bands (/sigma/lo, /sigma/hi)
    size_t block_columns, nblocks;   ///< grid columns per block, number of blocks
    int ranks, threads;              ///< MPI ranks, OpenMP threads per rank
    const char *kernel_isa;          ///< the kernel variant every rank runs (include/ssoc/kernel_isa.h)
    const char *created;             ///< UTC time this session started writing (ISO 8601)
} ssoc_sweepfile_meta;

/// Bytes of the values of the sweep file of `cfg` with n_data fitted points and nblocks blocks:
/// every dataset of the layout (/sigma/p_exceed with a target) at its element type's size, and
/// every dimension scale once per path. No chunk edges, attributes or other metadata: a lower
/// bound of the file's size. The one count behind the free-space check and the dry run's estimate.
uint64_t ssoc_sweepfile_raw_bytes(const ssoc_config *cfg, size_t n_data, size_t nblocks);

/// A sweep file open for writing.
typedef struct ssoc_sweepfile_out ssoc_sweepfile_out;

/// Create (truncate) `path` and write its whole layout: provenance and configuration, the grid,
/// the structure layers, the fit and its data (with the leave-one-out table when m->boot has one),
/// empty maps (NaN, /extrapolated 0) and progress flags (all 0), root `complete` = 0; seal the
/// attributes; then flush. Collective. SSOC_EHDF5 or SSOC_ENOMEM on failure.
ssoc_status ssoc_sweepfile_create(const char *path, const ssoc_sweepfile_meta *m, ssoc_sweepfile_out **out,
                                  ssoc_error *err);

/// Open an interrupted `path` (a .partial) to continue it: check that it is a file of this format
/// whose attributes match their checksums (SSOC_EHDF5 naming the damaged one), started with the
/// same resume key, data SHA-256, parameter-file SHA-256, grid values (to the bit) and block count
/// (SSOC_ECONFIG naming what differs), read its block flags into done[nblocks], and record the new
/// session's provenance (`resumed` = 1, ranks, threads, time, a line of `history`). Collective.
ssoc_status ssoc_sweepfile_reopen(const char *path, const ssoc_sweepfile_meta *m, uint8_t *done,
                                  ssoc_sweepfile_out **out, ssoc_error *err);

/// The kernel variant (root attribute `kernel_isa`) the interrupted `path` (a .partial) was
/// started with, into buf (NUL-terminated). Collective. The format checks of
/// ssoc_sweepfile_reopen come first (same messages); then SSOC_ECONFIG if the file does not
/// record a variant (an older ssoc started it); SSOC_EHDF5 if it cannot be opened.
ssoc_status ssoc_sweepfile_kernel_isa(const char *path, char *buf, size_t size, ssoc_error *err);

/// The gridded maps of a run of columns [c0, c1) (column c = irho * nx + ix), each laid out
/// [nT][c1 - c0]: sigma [S/cm], p_exceed (read only with a target), extrapolation bits.
typedef struct ssoc_sweepfile_maps {
    double *best, *median, *lo, *hi, *p_exceed;
    double *pred_lo, *pred_hi; ///< the prediction band of a new MD run [S/cm]
    uint8_t *extrapolated;
} ssoc_sweepfile_maps;

/// Write the maps of block `kblk`, columns [c0, c1), and its done flag, which vouches for them:
/// under MPI right after them; in a serial file at the next ssoc_sweepfile_flush, after the maps
/// reach the file. Collective: a rank without a block this round passes has = 0 and still takes
/// part.
ssoc_status ssoc_sweepfile_write_block(ssoc_sweepfile_out *f, int has, size_t kblk, size_t c0, size_t c1,
                                       const ssoc_sweepfile_maps *maps, ssoc_error *err);

/// Flush the file (H5Fflush). In a serial file first the maps written since the last flush, then
/// the done flags of their blocks (a kill -9 between the two loses those blocks, never vouches for
/// a block whose maps are not in the file). Collective.
ssoc_status ssoc_sweepfile_flush(ssoc_sweepfile_out *f, ssoc_error *err);

/// One design-rule optimum as the sweep computes it and the file stores it: SSOC_RULE_COUNT
/// doubles per (T, x) of rho_opt and per (T, rho) of x_opt; NaN where undefined.
typedef enum ssoc_rule_field {
    SSOC_RULE_ARG,      ///< the optimum: rho_opt [g/cm3] or x_opt [1], point parameters
    SSOC_RULE_ARG_LO,   ///< its band over the replicates
    SSOC_RULE_ARG_HI,
    SSOC_RULE_VF,       ///< v_f at the optimum [1]
    SSOC_RULE_VF_LO,
    SSOC_RULE_VF_HI,
    SSOC_RULE_SIGMA,    ///< sigma at the optimum [S/cm]
    SSOC_RULE_SIGMA_LO,
    SSOC_RULE_SIGMA_HI,
    SSOC_RULE_AT_BOUND, ///< 1 = the optimum is an end of the optimised range
    SSOC_RULE_EXTRAP,   ///< ssoc_extrap bits at the optimum
    SSOC_RULE_NFAIL,    ///< replicates whose optimisation failed
    SSOC_RULE_STATUS,   ///< 0 defined; 1 the axis has one node; 2 sigma not finite there; 3 no bands
    SSOC_RULE_COUNT
} ssoc_rule_field;

/// Write /rules from the records of every rule: recs[(it * nx + ix) * SSOC_RULE_COUNT] for rho_opt,
/// then from nT nx records on, recs[(it * nrho + ir) * SSOC_RULE_COUNT] for x_opt (every rank holds
/// all; rank 0 writes). Collective.
ssoc_status ssoc_sweepfile_write_rules(ssoc_sweepfile_out *f, const double *recs, ssoc_error *err);

/// The last step before closing a finished run: record its phase timings as root attributes
/// time_NAME_s [s] and time_total_s, set root `complete` = 1 and seal the attributes. Collective.
ssoc_status ssoc_sweepfile_finish(ssoc_sweepfile_out *f, const char *const *names, const double *seconds, int n,
                                  double total_s, ssoc_error *err);

/// Close (NULL is harmless). Collective. SSOC_EHDF5 if closing failed.
ssoc_status ssoc_sweepfile_close(ssoc_sweepfile_out *f, ssoc_error *err);

#endif
