/// @file rules.h
/// Design rules on the continuous model (docs/MODEL.md, "Sweep and design rules"): the density
/// rho_opt(x, T) and the composition x_opt(rho, T) that maximise sigma within a closed range, with
/// the free volume and sigma there, and a flag when the maximum sits on an end of the range (a
/// boundary result).
///
/// Method. At fixed (x, T) or (rho, T), ln sigma is, up to a constant, a function of the free
/// volume v = v_f alone (rho and x are both monotone in v):
///     g(v) = B v + beta3 v^2 - H(v) + S(v),    B = beta2 + alpha_E/(k_B T),
///     H(v) = ln(1 + (v/v_c)^n_H) for v > 0, 0 otherwise (the Hill gating),
///     S(v) = (1/3) ln(1 - v)                               for rho_opt,
///     S(v) = beta1 x(v) + (1/3) ln(x(v)/M(x(v))) + const   for x_opt (x(v) is a Moebius map).
/// g' and g'' are sums of terms each of which is monotone in v between fixed breakpoints (v = 0,
/// the inflection of H and the two extrema of H''), so the endpoint values of every term bound
/// g' and g'' on any sub-interval. A sub-interval is resolved when g' has one sign on it
/// (monotone), when g'' < 0 (concave: at most one stationary point, found by a bracketed Newton
/// iteration on g'), or when g'' > 0 (convex: maximum at an end); otherwise it is bisected. Every
/// sub-interval's maximum over its closure is thus known, and the largest of them is the global
/// maximum: the method cannot miss a second local maximum, however steep the gating. Cost on the
/// published set is a handful of sub-intervals (see benchmarks/README.md).
///
/// All functions are pure and thread-safe, allocate nothing and never print.
#ifndef SSOC_RULES_H
#define SSOC_RULES_H

#include <stddef.h>

#include "ssoc/error.h"
#include "ssoc/model.h"

/// Result of one optimisation.
typedef struct ssoc_optimum {
    double arg;        ///< argmax: rho [g/cm3] for rho_opt, x [1] for x_opt; the range end if at_bound
    double v_f;        ///< free volume 1 - rho/rho0(x) at the argmax [1]
    double sigma_S_cm; ///< sigma at the argmax [S/cm] (may underflow to 0; see ln_sigma)
    double ln_sigma;   ///< ln(sigma / (1 S/cm)) at the argmax, always finite on success
    int at_bound;      ///< 1 if the maximum over the closed range is at one of its ends (a boundary
                       ///< result: arg is then exactly that end), else 0
    int n_local_max;   ///< local maxima found strictly inside the range (0 for a monotone sigma;
                       ///< 2 or more when the Hill gating makes sigma multimodal)
} ssoc_optimum;

/// Per-parameter-set constants (validated parameters, ln v_c, breakpoints of the Hill terms).
/// Fill with ssoc_rules_prepare once per parameter set (e.g. per bootstrap replicate) and pass to
/// the *_prepared functions, which then skip validation of the parameters and the pow/sqrt calls.
/// Treat the fields as private. Read-only after preparation, so one may be shared by threads.
typedef struct ssoc_rules_prep {
    double p[SSOC_NPARAM]; ///< copy of the parameters
    double ln_vc;          ///< ln v_c
    double bp[3];          ///< breakpoints in v > 0, ascending: where H' or H'' is extremal
    int nbp;               ///< number of breakpoints used (0..3)
} ssoc_rules_prep;

/// Validate `p` and fill `prep`. Every parameter must be finite, v_c > 0 and n_H > 0 (n_H <= 0
/// makes sigma discontinuous at v_f = 0). Returns SSOC_OK or SSOC_EINVAL (NULL pointer or invalid
/// parameter; `prep` is then unspecified).
ssoc_status ssoc_rules_prepare(const ssoc_params *p, ssoc_rules_prep *prep, ssoc_error *err);

/// rho_opt(x, T): the density in [rho_lo, rho_hi] [g/cm3] that maximises sigma(x, rho, T; p) at
/// composition x in (0, 1) and temperature T_K > 0 [K]. Fills `o` on success.
/// Returns SSOC_EINVAL for a NULL pointer, invalid parameters, a non-finite argument, x outside
/// (0, 1), T_K <= 0, rho_lo <= 0 or rho_lo >= rho_hi, and when sigma at the maximum is not finite
/// (parameters that overflow exp); `o` is then unchanged.
ssoc_status ssoc_rules_rho_opt(const ssoc_params *p, double x, double T_K, double rho_lo_g_cm3,
                               double rho_hi_g_cm3, ssoc_optimum *o, ssoc_error *err);

/// x_opt(rho, T): the composition in [x_lo, x_hi] (0 < x_lo < x_hi < 1) that maximises
/// sigma(x, rho, T; p) at density rho_g_cm3 > 0 [g/cm3] and temperature T_K > 0 [K].
/// Error returns as for ssoc_rules_rho_opt (with x_lo <= 0, x_hi >= 1 or x_lo >= x_hi invalid).
ssoc_status ssoc_rules_x_opt(const ssoc_params *p, double rho_g_cm3, double T_K, double x_lo,
                             double x_hi, ssoc_optimum *o, ssoc_error *err);

/// ssoc_rules_rho_opt with constants from ssoc_rules_prepare (the sweep's hot call: prepare once
/// per replicate, then call for every (x, T) column). Same arguments checks and returns.
ssoc_status ssoc_rules_rho_opt_prepared(const ssoc_rules_prep *prep, double x, double T_K,
                                        double rho_lo_g_cm3, double rho_hi_g_cm3, ssoc_optimum *o,
                                        ssoc_error *err);

/// Most columns ssoc_rules_rho_opt_columns takes at once (one x block of a grid).
#define SSOC_RULES_XBLOCK 16

/// The x block of a grid with `nx` x columns that holds column `ix`: blocks are the runs of
/// SSOC_RULES_XBLOCK consecutive columns starting at multiples of SSOC_RULES_XBLOCK (the last one
/// shorter). Sets *first (if not NULL) to the block's first column and returns its column count;
/// returns 0 (and *first = nx) if ix >= nx. Callers that must agree on rho_opt at a grid node (the
/// sweep's /rules and `ssoc rules`) pass that node's block to ssoc_rules_rho_opt_columns.
size_t ssoc_rules_xblock(size_t ix, size_t nx, size_t *first);

/// rho_opt(x, T) at m compositions xs[0..m) (1 <= m <= SSOC_RULES_XBLOCK) at once: the x-block
/// method. At fixed T, ln sigma along rho is g(v_f) plus a function of x (method above: g has no
/// x), so only the v_f range [1 - rho_hi/rho0(x), 1 - rho_lo/rho0(x)] moves with x. One solve over
/// the union of the m ranges gives the global maximum v* of g there; a column whose own range
/// holds v* strictly inside (by more than 1e-8, and with no other local maximum near its ends or
/// within 1e-9 relative of v*'s value) has its maximum at v* too: rho_opt = rho0(x)(1 - v*) and
/// ln sigma is the reference column's shifted by (1/3) ln(x/(5 - 4x)) + beta1 x. Every other
/// column (boundary results, failures, multimodal near-ties, a single valid column) gets a direct
/// ssoc_rules_rho_opt_prepared call.
///
/// Results: for every i, ok[i] = 1 exactly when ssoc_rules_rho_opt_prepared(prep, xs[i], T_K,
/// rho_lo, rho_hi) succeeds (x outside (0, 1) or non-finite sigma at the maximum: ok[i] = 0 and
/// out[i] unchanged). Where ok[i] = 1, out[i].at_bound and out[i].n_local_max equal the direct
/// call's; columns solved directly are bit-identical to it; columns served by the shared solve
/// differ from it by rounding only (tests/test_rules_columns.c: |d rho_opt| <= 4e-15 g/cm3,
/// |d v_f| <= 4e-15, |d ln sigma| <= 1e-13, relative d sigma <= 1e-13).
///
/// Determinism: out[i] is a function of (prep, xs[0..m), T_K, rho_lo, rho_hi) only, in any
/// order of calls or threads, but it depends on the other columns passed with xs[i]. So a value
/// is reproduced to the bit only by a call with the same block: over a grid, use the blocks of
/// ssoc_rules_xblock.
///
/// Returns SSOC_OK (also when some ok[i] are 0), or SSOC_EINVAL for a NULL pointer, m outside
/// [1, SSOC_RULES_XBLOCK], T_K not finite and > 0, or an invalid rho range (the errors the direct
/// call would report for every column); out and ok are then unchanged and `err` (may be NULL) says
/// why. Per-column failures do not touch `err`: the direct call for that column gives the message.
ssoc_status ssoc_rules_rho_opt_columns(const ssoc_rules_prep *prep, const double *xs, size_t m, double T_K,
                                       double rho_lo_g_cm3, double rho_hi_g_cm3, ssoc_optimum *out,
                                       unsigned char *ok, ssoc_error *err);

/// ssoc_rules_x_opt with constants from ssoc_rules_prepare. Same argument checks and returns.
ssoc_status ssoc_rules_x_opt_prepared(const ssoc_rules_prep *prep, double rho_g_cm3, double T_K,
                                      double x_lo, double x_hi, ssoc_optimum *o, ssoc_error *err);

#endif
