/// @file boot.h
/// Bootstrap of the three-stage fit (SPEC section 6). Replicate b is a pure function of
/// (seed, b): its resample is drawn from a Philox4x32-10 counter-based stream keyed by the seed
/// with counter (b, draw) (Salmon et al., SC'11, via Random123), so any split over ranks or
/// threads gives the same replicates bit for bit.
#ifndef SSOC_BOOT_H
#define SSOC_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/fit.h"
#include "ssoc/stats.h"

#define SSOC_BOOT_B_DEFAULT 1000
#define SSOC_BOOT_SEED_DEFAULT 20260522u
#define SSOC_BOOT_CONF_DEFAULT 0.95
#define SSOC_NBAND (SSOC_NPARAM + 1) ///< the 8 parameters plus derived vf_star (last)

/// Resampling scheme.
typedef enum ssoc_boot_scheme { SSOC_BOOT_STRATIFIED = 0, SSOC_BOOT_CASE = 1 } ssoc_boot_scheme;

typedef struct ssoc_boot_opts {
    size_t B;              ///< number of replicates (>= 2)
    uint64_t seed;
    ssoc_boot_scheme scheme;
    double confidence;     ///< in (0, 1)
    ssoc_ci_method interval;
} ssoc_boot_opts;

/// Bootstrap result: replicate table and bands. Owned; free with ssoc_boot_result_free.
typedef struct ssoc_boot_result {
    ssoc_boot_opts opts;
    size_t B;
    size_t n_failed;          ///< replicates whose fit failed (excluded from every band)
    double *table;            ///< B x SSOC_NPARAM, row b = replicate b; NaN rows where ok[b] == 0
    unsigned char *ok;        ///< 1 if replicate b's fit succeeded
    size_t n_jack;            ///< leave-one-out fits (n of the data; 0 unless BCa)
    double *jack;             ///< n_jack x SSOC_NPARAM jackknife parameter table (BCa only)
    unsigned char *jack_ok;   ///< 1 if jackknife fit i succeeded
    double point[SSOC_NBAND]; ///< point estimates (params, vf_star)
    double lo[SSOC_NBAND], hi[SSOC_NBAND], median[SSOC_NBAND], se[SSOC_NBAND];
    double corr[SSOC_NPARAM * SSOC_NPARAM]; ///< correlation of the replicates (NaN for fixed params)
} ssoc_boot_result;

void ssoc_boot_opts_default(ssoc_boot_opts *o);
/// Check option ranges (B >= 2, 0 < confidence < 1, known scheme/interval).
ssoc_status ssoc_boot_opts_check(const ssoc_boot_opts *o, ssoc_error *err);

/// Indices of replicate b's resample of d (length d->n), a pure function of (seed, b, scheme, d's regimes).
void ssoc_boot_resample(const ssoc_dataset *d, const ssoc_boot_opts *o, size_t b, size_t *idx);

/// Fit replicates [b0, b1) into rows of `table` (row b - b0) and ok flags. OpenMP over replicates.
/// Pure per replicate: the output does not depend on how [0, B) is split or on thread count.
ssoc_status ssoc_boot_fit_range(const ssoc_dataset *d, const ssoc_fit_opts *fo, const ssoc_boot_opts *o,
                                size_t b0, size_t b1, double *table, unsigned char *ok, ssoc_error *err);

/// Full bootstrap: point fit `point` (from ssoc_fit_run) given, replicates, jackknife when BCa,
/// bands, SE, correlation. Fails (SSOC_EFIT) only if fewer than 2 replicates succeed.
ssoc_status ssoc_boot_run(const ssoc_dataset *d, const ssoc_fit_opts *fo, const ssoc_params *point,
                          const ssoc_boot_opts *o, ssoc_boot_result **out, ssoc_error *err);

/// Compute bands, SE and correlation from an already filled table (B rows, ok flags, jack table
/// if BCa) into r. Used by ssoc_boot_run and by the sweep after gathering replicates.
ssoc_status ssoc_boot_summarise(ssoc_boot_result *r, ssoc_error *err);

/// Allocate a result for B replicates and n_jack jackknife rows (tables NaN, ok 0).
ssoc_boot_result *ssoc_boot_result_alloc(size_t B, size_t n_jack);
void ssoc_boot_result_free(ssoc_boot_result *r);

#endif
