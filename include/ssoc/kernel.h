/// @file kernel.h
/// The sweep kernel (src/kernel.c): pure functions of one (x, rho) column and a table of parameter
/// sets, no MPI, no HDF5, no printing; and the exact type-7 quantile selection that turns a
/// column's replicate values into bands.
///
/// Design (issue 7). T enters sigma only through -(E0 - alpha_E v_f)/(k_B T) (the fast form of
/// docs/MODEL.md, "Conductivity"), so for one (x, rho) column and one parameter set j we compute once
///   g_j = ln(e^2/6h) + ln(n_Li)/3 + beta0 + beta1 x + beta2 v_f + beta3 v_f^2 - ln(1 + (v_f/v_c)^n_H)
///   A_j = (E0 - alpha_E v_f) / k_B                                             [K]
/// and then sigma_j(T) = exp(g_j - A_j / T) for every temperature: one vector exp per value. Sets
/// are stored structure-of-arrays, padded to a multiple of SSOC_KERNEL_VLEN with copies of the
/// last set, and evaluated in fixed chunks of SSOC_KERNEL_VLEN lanes, so every value takes the
/// same instructions wherever its column falls: results are bitwise independent of the
/// decomposition. Pad lanes are never selected.
#ifndef SSOC_KERNEL_H
#define SSOC_KERNEL_H

#include <stddef.h>

#include "ssoc/model.h"
#include "ssoc/stats.h"

#define SSOC_KERNEL_VLEN 8 ///< lanes per chunk (one AVX-512 vector of doubles)

/// Parameter sets in structure-of-arrays form, each array 64-byte aligned and `npad` long.
typedef struct ssoc_paramsets {
    size_t n;       ///< real sets
    size_t npad;    ///< padded length: a multiple of SSOC_KERNEL_VLEN, >= SSOC_KERNEL_VLEN
    double *A0_K;   ///< E0 / k_B [K]
    double *A1_K;   ///< alpha_E / k_B [K]
    double *ln_vc;  ///< ln v_c
    double *nH;     ///< Hill exponent
    double *beta[4];
} ssoc_paramsets;

/// Build sets from `n` rows of an n x SSOC_NPARAM table, keeping rows with ok[i] != 0 (ok may be
/// NULL: all rows). NULL on allocation failure or if no row is kept.
ssoc_paramsets *ssoc_paramsets_alloc(const double *table, const unsigned char *ok, size_t n);
void ssoc_paramsets_free(ssoc_paramsets *s);

/// Per-column constants of the fast form.
typedef struct ssoc_column {
    double x, rho_g_cm3;
    double v_f;    ///< free volume [1]
    double ln_vf;  ///< ln v_f (0 where v_f <= 0: ungated)
    double c0;     ///< ln(e^2/6h) + ln(n_Li [cm^-3]) / 3
} ssoc_column;

void ssoc_column_init(double x, double rho_g_cm3, ssoc_column *col);

/// sigma [S/cm] of every set at one column for nT inverse temperatures: out[t * ld + j] for
/// j < s->npad (ld >= npad). g and A are scratch of npad doubles. All pointers 64-byte aligned.
void ssoc_kernel_eval(const ssoc_column *col, const ssoc_paramsets *s, size_t nT, const double *inv_T,
                      double *out, size_t ld, double *g, double *A);

#define SSOC_KERNEL_MAXQ 16 ///< most quantile levels per ssoc_kernel_quantiles call

/// Type-7 quantiles of v[0..n) (n >= 1) at the nq <= SSOC_KERNEL_MAXQ levels q[] (each in [0, 1]) by selection,
/// bitwise equal to ssoc_quantile_sorted on the sorted values. Reorders v.
void ssoc_kernel_quantiles(double *v, size_t n, size_t nq, const double *q, double *out);

#define SSOC_KERNEL_NBUCKET 8192 ///< most buckets of the bucket selection

/// Bytes of scratch ssoc_kernel_quantiles_ws needs for n values.
size_t ssoc_kernel_quantiles_scratch(size_t n);
/// The same quantiles as ssoc_kernel_quantiles (bitwise), by bucket selection, leaving v unchanged:
/// about 3 ns per value instead of ~20 for quickselect on real rows. v must be free of NaN.
/// `scratch` holds ssoc_kernel_quantiles_scratch(n) bytes, 8-byte aligned.
void ssoc_kernel_quantiles_ws(const double *v, size_t n, size_t nq, const double *q, double *out, void *scratch);

/// The band [lo, hi] of a bootstrap sample v[0..n) of a derived quantity around its point estimate
/// `point`: type-7 quantiles at the levels of ssoc_ci_levels_sample (BCa acceleration from the
/// n_jack leave-one-out values jack), the design rules' band in the sweep and in `ssoc rules`.
/// NaN for both when n < 2 or point is not finite. With `scratch`
/// (ssoc_kernel_quantiles_scratch(n) bytes) v is left unchanged, without it (NULL) v is
/// reordered; the bits are the same.
void ssoc_kernel_band(ssoc_ci_method m, double conf, double *v, size_t n, double point, const double *jack,
                      size_t n_jack, double *lo, double *hi, void *scratch);

/// What the driver hands the kernel for one sweep (all read-only during the sweep).
typedef struct ssoc_kernel_ctx {
    const ssoc_paramsets *reps;  ///< the successful bootstrap replicates
    const ssoc_paramsets *best;  ///< one set: the point parameters
    const ssoc_paramsets *jack;  ///< leave-one-out sets (BCa only, else NULL)
    size_t nT;
    const double *inv_T;         ///< 1/T [1/K], nT values, 64-byte aligned
    double confidence;
    ssoc_ci_method interval;
    double q_lo, q_hi;           ///< percentile levels (used when interval is percentile)
    int has_target;
    double target_S_cm;
    /// Prediction terms of the replicates in `reps` order, padded like them to reps->npad with the
    /// last one (ssoc_boot_pred_terms of the successful replicates), 64-byte aligned; NULL: no
    /// prediction band.
    const double *pred_e;
} ssoc_kernel_ctx;

/// Per-thread workspace for ssoc_kernel_column.
typedef struct ssoc_kernel_ws ssoc_kernel_ws;
ssoc_kernel_ws *ssoc_kernel_ws_alloc(const ssoc_kernel_ctx *ctx);
void ssoc_kernel_ws_free(ssoc_kernel_ws *ws);

/// Everything the sweep stores for one (x, rho) column (ssoc_column_init), for all nT temperatures, written at
/// out[t * stride] of each array: best, median, lo, hi [S/cm] and p_exceed (if has_target; may
/// be NULL otherwise); with ctx->pred_e the prediction band of a new MD run, pred_lo and pred_hi
/// [S/cm]: the type-7 quantiles at q_lo and q_hi of sigma_j exp(e_j) over the replicates (may be
/// NULL otherwise). Every value depends only on the column and the sets: bitwise independent of
/// how the grid is split.
void ssoc_kernel_column(const ssoc_kernel_ctx *ctx, ssoc_kernel_ws *ws, const ssoc_column *col, size_t stride,
                        double *best, double *median, double *lo, double *hi, double *p_exceed, double *pred_lo,
                        double *pred_hi);

#endif
