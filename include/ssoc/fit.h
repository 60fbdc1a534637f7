/// @file fit.h
/// The three-stage least-squares fit of SPEC section 5 and the fit-quality metrics.
#ifndef SSOC_FIT_H
#define SSOC_FIT_H

#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/model.h"

/// Which parameters are held fixed, and at what values.
typedef struct ssoc_fit_opts {
    unsigned fixed_mask; ///< bit i set: parameter i is held at fixed.p[i]
    ssoc_params fixed;   ///< values of the fixed parameters (others ignored)
    ssoc_params start;   ///< starting values for the nonlinear stage (v_c, n_H); see ssoc_fit_opts_default
} ssoc_fit_opts;

/// Fit quality on the data (SPEC section 5). NaN where undefined (e.g. r with < 2 points).
typedef struct ssoc_metrics {
    size_t n, n_pcc, n_scc;
    double r_log10_sigma;     ///< Pearson r of log10 sigma, predicted vs observed
    double rmse_log10_sigma;  ///< RMSE of log10 sigma
    double mean_ratio;        ///< mean of sigma_pred/sigma_obs
    double median_ratio;      ///< median of sigma_pred/sigma_obs
    double r_log10_D_all;     ///< Pearson r of log10 D_hop, all points
    double r_log10_D_pcc;     ///< ... PCC points
    double r_log10_D_scc;     ///< ... SCC points
    double r_ln_f;            ///< Pearson r of ln f_eff: model vs the data's implied ln f (SPEC stage-3 z)
} ssoc_metrics;

/// Result of a fit.
typedef struct ssoc_fit_result {
    ssoc_params params;  ///< fitted (and fixed) parameters
    unsigned fixed_mask; ///< copy of the options' mask
    ssoc_metrics metrics;
    int lm_iterations;   ///< iterations of the nonlinear stage (0 if it did not run)
} ssoc_fit_result;

/// Defaults: nothing fixed; nonlinear start v_c = 0.125, n_H = 3.
void ssoc_fit_opts_default(ssoc_fit_opts *o);
/// Hold parameter `name` at `value`. SSOC_EINVAL for an unknown name or a non-finite value.
ssoc_status ssoc_fit_opts_fix(ssoc_fit_opts *o, const char *name, double value, ssoc_error *err);

/// Run the three stages on `d`. Fails (SSOC_EFIT, message naming the stage, the data file and
/// the reason) when a stage has too few points, a singular design, does not converge or yields
/// non-finite or non-physical values (v_c <= 0, n_H <= 0). Never returns NaN parameters with SSOC_OK.
ssoc_status ssoc_fit_run(const ssoc_dataset *d, const ssoc_fit_opts *o, ssoc_fit_result *res, ssoc_error *err);

/// Compute the metrics of parameters `p` on `d`.
void ssoc_fit_metrics(const ssoc_dataset *d, const ssoc_params *p, ssoc_metrics *m);

#endif
