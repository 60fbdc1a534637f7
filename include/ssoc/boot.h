/// @file boot.h
/// Bootstrap of the fit (docs/MODEL.md, "Bootstrap and bands"; in full in docs/UNCERTAINTY.md).
/// Replicate b is a pure function of (seed, b): its draws come from a Philox4x32-10 counter-based
/// stream keyed by the seed with counter (b, draw) (Salmon et al., SC'11, via Random123), so any
/// split over ranks or threads gives the same replicates bit for bit.
///
/// Stream layout (fixed; changing it changes every published band): key = (seed low 32 bits,
/// seed high 32 bits); counter = (block low, block high, b low, b high); each block gives four
/// 32-bit words, used in order. An index in [0, m) is drawn from word u by Lemire's multiply-shift
/// with rejection (ACM TOMACS 2019): l = u m mod 2^32, redraw while l < (2^32 - m) mod m, result
/// floor(u m / 2^32); exact integer arithmetic, so unbiased and reproducible on any machine.
/// Two sub-streams per replicate, told apart by the top bit of the block high word:
/// - resampling (blocks from 0): stratified scheme: the first n_PCC draws pick among the PCC rows
///   (in file order), the next n_SCC among the SCC rows; case scheme: n draws among all rows;
///   residual scheme: draw k (k = 0 .. n-1) picks the residual pair j in [0, n) added to point k
///   (the D residual of pair j to ln D_hop, the sigma residual of pair j to ln sigma).
/// - prediction (blocks from 2^63, i.e. block high word 0x80000000): the first draw picks the
///   index j in [0, n) of the ln-sigma residual of the prediction band's term e_b
///   (ssoc_boot_pred_terms). Independent of the scheme, so every scheme's band has the same terms.
#ifndef SSOC_BOOT_H
#define SSOC_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/fit.h"
#include "ssoc/monitor.h"
#include "ssoc/stats.h"

#define SSOC_BOOT_B_DEFAULT 1000
#define SSOC_BOOT_SEED_DEFAULT 20260522u
#define SSOC_BOOT_CONF_DEFAULT 0.95
/// Nominal seconds of one replicate fit of the shipped 23 points on one thread of the reference
/// machine (benchmarks/README.md, "Progress and ETA"): the first ETA of a progress line, before
/// the run's own rate is known.
#define SSOC_BOOT_NOMINAL_S 4e-4
#define SSOC_NBAND (SSOC_NPARAM + 1) ///< the 8 parameters plus derived vf_star (last)

/// What each kind of sigma band covers, in the words every command prints after its level
/// ("95% " + words) and every file labels its band datasets with.
#define SSOC_BAND_WORDS_CONFIDENCE "confidence band of the mean model"
#define SSOC_BAND_WORDS_PREDICTION "prediction band for a new MD run at this point"

/// Resampling scheme.
typedef enum ssoc_boot_scheme {
    SSOC_BOOT_STRATIFIED = 0, ///< resample (x, rho, T, D_hop, sigma) rows within each regime
    SSOC_BOOT_CASE = 1,       ///< resample rows from all rows
    /// Keep the design; add resampled leverage-adjusted residual pairs of the full-data fit
    /// (ssoc_boot_residual_pool) to its fitted ln D_hop and ln sigma, and refit.
    SSOC_BOOT_RESIDUAL = 2,
} ssoc_boot_scheme;

/// The default scheme (see docs/UNCERTAINTY.md, "Choosing the defaults").
#define SSOC_BOOT_SCHEME_DEFAULT SSOC_BOOT_RESIDUAL
/// The default interval (see docs/UNCERTAINTY.md, "Choosing the defaults").
#define SSOC_BOOT_INTERVAL_DEFAULT SSOC_CI_EXPANDED

typedef struct ssoc_boot_opts {
    size_t B;              ///< number of replicates (>= 2)
    uint64_t seed;
    ssoc_boot_scheme scheme;
    double confidence;     ///< in (0, 1)
    ssoc_ci_method interval;
    /// Progress of the replicate fits and stop requests (monitor.h; NULL: none). A stop makes
    /// ssoc_boot_fit_range and ssoc_boot_run return SSOC_EINTERRUPTED. Not kept in a result.
    const ssoc_monitor *monitor;
} ssoc_boot_opts;

/// Bootstrap result: replicate table and bands. Owned; free with ssoc_boot_result_free.
/// Fixed parameters (bit i of fixed_mask) get band [point, point], se 0 and NaN correlations;
/// (`resid` is the residual pool of the point fit, for prediction bands: set by ssoc_boot_run or
/// ssoc_boot_attach_residuals, NULL until then.)
/// vf_star counts as fixed when beta2 and beta3 both are. When beta3 is held at 0 there is no
/// peak: vf_star's band is NaN (the only NaN a band can hold).
typedef struct ssoc_boot_result {
    ssoc_boot_opts opts;
    size_t B;
    unsigned fixed_mask;      ///< fit options' fixed_mask (set before ssoc_boot_summarise)
    size_t n_failed;          ///< replicates whose fit failed (excluded from every band)
    size_t first_failed;      ///< lowest failed replicate index (B if none; set by ssoc_boot_run)
    char first_failure[1024]; ///< "replicate B: " and its fit error message ("" if none)
    double *table;            ///< B x SSOC_NPARAM, row b = replicate b; NaN rows where ok[b] == 0
    unsigned char *ok;        ///< 1 if replicate b's fit succeeded
    size_t n_jack;            ///< leave-one-out fits (n of the data; 0 unless BCa)
    double *jack;             ///< n_jack x SSOC_NPARAM jackknife parameter table (BCa only)
    unsigned char *jack_ok;   ///< 1 if jackknife fit i succeeded
    double point[SSOC_NBAND]; ///< point estimates (params, vf_star)
    double lo[SSOC_NBAND], hi[SSOC_NBAND], median[SSOC_NBAND], se[SSOC_NBAND];
    double corr[SSOC_NPARAM * SSOC_NPARAM]; ///< correlation of the replicates (NaN for fixed params)
    size_t n_resid;           ///< points of the residual pool (0 if none)
    double *resid;            ///< 2 n_resid: ssoc_boot_residual_pool of the point fit, or NULL
    /// Residual degrees of freedom of the point fit, the expanded interval's dof: the smaller over
    /// the D and the sigma block of n minus the block's sum of leverages (NaN until
    /// ssoc_boot_attach_residuals; with 8 free parameters on the shipped 23 points, about 19).
    double dof;
} ssoc_boot_result;

/// Defaults: B = SSOC_BOOT_B_DEFAULT, seed SSOC_BOOT_SEED_DEFAULT, SSOC_BOOT_SCHEME_DEFAULT,
/// c = 0.95, SSOC_BOOT_INTERVAL_DEFAULT, no monitor.
void ssoc_boot_opts_default(ssoc_boot_opts *o);
/// Check option ranges (B >= 2, 0 < confidence < 1, known scheme/interval).
ssoc_status ssoc_boot_opts_check(const ssoc_boot_opts *o, ssoc_error *err);

/// Name of a resampling scheme as the config, the command line and the parameter file spell it:
/// "stratified", "case" or "residual".
const char *ssoc_boot_scheme_name(ssoc_boot_scheme s);
/// The scheme named `name` ("stratified", "case" or "residual", exactly): 0 and *out set; -1
/// (and *out untouched) for any other string or NULL.
int ssoc_boot_scheme_parse(const char *name, ssoc_boot_scheme *out);

/// Indices of replicate b's resample of d (idx has length d->n), a pure function of
/// (seed, b, scheme, d's regimes): for the residual scheme, idx[k] is the residual pair added to
/// point k. SSOC_EINVAL if d->n is 0 or above 2^32 - 1, SSOC_ENOMEM.
ssoc_status ssoc_boot_resample(const ssoc_dataset *d, const ssoc_boot_opts *o, size_t b, size_t *idx,
                               ssoc_error *err);

/// The residual pool of parameters `point` on `d` (adj has 2 d->n entries, the D block first):
/// the joint residuals r_i of ssoc_fit_residuals divided by sqrt(1 - h_ii) (h the leverages of
/// the parameters free in `fixed_mask`; 0 where h_ii > 1 - 1e-10, a residual the fit reproduces
/// exactly), then centred by subtracting each block's mean. Errors: those of ssoc_fit_residuals.
ssoc_status ssoc_boot_residual_pool(const ssoc_dataset *d, const ssoc_params *point, unsigned fixed_mask,
                                    double *adj, ssoc_error *err);

/// Fit replicates [b0, b1) into rows of `table` (row b - b0) and ok flags. OpenMP over replicates.
/// Pure per replicate: the output does not depend on how [0, B) is split or on thread count.
/// o->monitor is polled with the replicates of [b0, b1) finished; a stop gives SSOC_EINTERRUPTED
/// (the table is then incomplete).
/// `point` is the full-data estimate (finite): the residual scheme resamples around it, and a
/// joint fit (fo->method) is also started from it (ssoc_fit_opts.has_joint_start).
ssoc_status ssoc_boot_fit_range(const ssoc_dataset *d, const ssoc_fit_opts *fo, const ssoc_params *point,
                                const ssoc_boot_opts *o, size_t b0, size_t b1, double *table, unsigned char *ok,
                                ssoc_error *err);

/// Leave-one-out (jackknife) fits of `d`, honouring the fixed parameters in `fo`: row i of `table`
/// (n x SSOC_NPARAM) is the fit without point i, ok[i] says whether it succeeded (NaN row if not).
/// OpenMP over points; the output does not depend on the thread count. This is BCa's acceleration
/// input, for the bootstrap, the sweep and the rule report alike.
ssoc_status ssoc_boot_jackknife(const ssoc_dataset *d, const ssoc_fit_opts *fo, double *table, unsigned char *ok,
                                ssoc_error *err);

/// Full bootstrap: point fit `point` (from ssoc_fit_run with the same options) given,
/// replicates, jackknife when BCa, bands, SE, correlation, and the residual pool (r->resid) for
/// prediction bands. Fails (SSOC_EFIT) only if fewer than 2 replicates succeed.
ssoc_status ssoc_boot_run(const ssoc_dataset *d, const ssoc_fit_opts *fo, const ssoc_params *point,
                          const ssoc_boot_opts *o, ssoc_boot_result **out, ssoc_error *err);

/// Compute bands, SE and correlation from an already filled table (B rows, ok flags, jack table
/// if BCa) into r. Used by ssoc_boot_run and by the sweep after gathering replicates: the caller
/// sets r->opts, r->fixed_mask, r->point (params and vf_star) and the tables first.
/// Sets n_failed. Bands: percentile, BCa or expanded (ssoc_ci_compute at ssoc_boot_band_level;
/// expanded needs r->dof, set by ssoc_boot_attach_residuals) over the successful replicates,
/// BCa acceleration from the successful jackknife rows; se = sample standard deviation (n - 1);
/// corr = Pearson correlation over the successful replicates (1 on the diagonal of a free
/// parameter, NaN where a variance is 0). SSOC_EFIT if fewer than 2 replicates (or, for BCa,
/// jackknife fits) succeeded; SSOC_EINVAL for bad options or a non-finite value in an ok row.
ssoc_status ssoc_boot_summarise(ssoc_boot_result *r, ssoc_error *err);

/// Band of sigma at one point over a bootstrap's replicates (ssoc_boot_sigma_band).
typedef struct ssoc_sigma_band {
    double lo, median, hi;  ///< band and median of sigma [S/cm]
    size_t used;            ///< replicates whose sigma at the point is finite (the band's sample)
    size_t jack_used;       ///< jackknife fits whose sigma at the point is finite (0 unless BCa)
    ssoc_ci_method method;  ///< interval used (ssoc_boot_band_method)
} ssoc_sigma_band;

/// The interval a band over `boot` can use: boot->opts.interval, except that BCa falls back to
/// percentile when fewer than 2 jackknife fits succeeded (a parameter file keeps no jackknife
/// table), and expanded to percentile when boot->dof is not known.
ssoc_ci_method ssoc_boot_band_method(const ssoc_boot_result *boot);

/// sigma [S/cm] at (x, rho_g_cm3, T_K) under each row b of `table` [rows][SSOC_NPARAM] with ok[b]
/// set, times exp(e[b]) when `e` is given (e[rows]: the prediction terms of a new MD run,
/// ssoc_boot_pred_terms; NULL: the mean model), the finite ones into out[] in row order; returns
/// their count. The one loop behind every band of sigma at a point (predict, validate, plot --at).
size_t ssoc_boot_sigma_values(const double *table, const unsigned char *ok, size_t rows, const double *e, double x,
                              double rho_g_cm3, double T_K, double *out);

/// Band of sigma at (x, rho_g_cm3, T_K): sigma under every successful replicate of `boot` (those
/// where it is finite, in replicate order), and for BCa under every successful jackknife fit
/// (likewise), through ssoc_ci_compute at boot->opts.confidence with the method of
/// ssoc_boot_band_method and point estimate `sigma_hat` (sigma with the point parameters).
/// `work` holds at least boot->B + boot->n_jack doubles, or is NULL (then allocated here).
/// out->used, jack_used and method are set whatever the result. Errors: SSOC_EFIT when fewer than
/// 2 replicates (or, for BCa, jackknife fits) give a finite sigma (callers may word their own
/// message from out->used and out->jack_used), ssoc_ci_compute's errors, SSOC_ENOMEM.
ssoc_status ssoc_boot_sigma_band(const ssoc_boot_result *boot, double x, double rho_g_cm3, double T_K,
                                 double sigma_hat, double *work, ssoc_sigma_band *out, ssoc_error *err);

/// Compute the residual pool of r->point (its first SSOC_NPARAM entries, set by the caller) on
/// `d` with r->fixed_mask (ssoc_boot_residual_pool) into r->resid, replacing any pool it held,
/// and r->dof. What a caller that fills the table itself (the sweep) runs before
/// ssoc_boot_summarise (the expanded interval needs r->dof) and ssoc_boot_pred_terms.
ssoc_status ssoc_boot_attach_residuals(ssoc_boot_result *r, const ssoc_dataset *d, ssoc_error *err);

/// The two-sided level of the percentile quantiles a band over `boot` uses: opts.confidence for
/// percentile (and BCa's fallback), ssoc_ci_expanded_level(opts.confidence, dof) for expanded.
double ssoc_boot_band_level(const ssoc_boot_result *boot);

/// The prediction terms: e[b] (b < boot->B) = the ln-sigma residual (sigma block of boot->resid)
/// at index j drawn from replicate b's prediction sub-stream (layout above): a pure function of
/// (seed, b, pool). A new observation at (x, rho, T) is then predicted by replicate b as
/// sigma_b(x, rho, T) exp(e[b]): one multiplication per replicate and point, the same e[b] at
/// every point. SSOC_EINVAL when boot has no residual pool or more than 2^32 - 1 points.
ssoc_status ssoc_boot_pred_terms(const ssoc_boot_result *boot, double *e, ssoc_error *err);

/// Prediction band at (x, rho_g_cm3, T_K): the percentile interval of sigma_b exp(e[b]) over the
/// successful replicates where that is finite (ssoc_boot_pred_terms), median included, at the
/// level ssoc_boot_band_level (expanded when the bands are). The band of a new MD run's sigma, not
/// of the mean model; never BCa (a prediction has no point estimate for BCa to correct):
/// out->method is SSOC_CI_EXPANDED when the bands are expanded, else SSOC_CI_PERCENTILE.
/// `work` holds at least 2 boot->B doubles, or is NULL (then allocated here). Errors as
/// ssoc_boot_pred_terms, SSOC_EFIT when fewer than 2 replicates give a finite value, SSOC_ENOMEM.
ssoc_status ssoc_boot_sigma_pred_band(const ssoc_boot_result *boot, double x, double rho_g_cm3, double T_K,
                                      double *work, ssoc_sigma_band *out, ssoc_error *err);

/// Allocate a result for B replicates and n_jack jackknife rows (tables, point, bands NaN; ok 0;
/// opts default). NULL on allocation failure or a size that overflows.
ssoc_boot_result *ssoc_boot_result_alloc(size_t B, size_t n_jack);
/// Free a result. NULL is harmless.
void ssoc_boot_result_free(ssoc_boot_result *r);

#endif
