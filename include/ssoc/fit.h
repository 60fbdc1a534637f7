/// @file fit.h
/// The fit of the model's parameters to MD data and the fit-quality metrics. Two estimators: the
/// three-stage least-squares fit of docs/MODEL.md, "Fitting" (`staged`) and the joint weighted
/// nonlinear least-squares fit of every free parameter at once (`joint`, the default), which starts
/// from the staged solution. docs/UNCERTAINTY.md compares them.
#ifndef SSOC_FIT_H
#define SSOC_FIT_H

#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/model.h"

/* Numerical contract of the fit (documented here so the CLI and reports can quote it). */
/// A linear stage (and the final stage-2 Jacobian) is rejected as singular when the reciprocal
/// condition number of its design, after column balancing (GSL's balanced SVD, which scales
/// each column by about its norm), is below this. The shipped data give 0.75 (stage 1) and 0.011
/// (stage 3); an exact degeneracy gives about 1e-16 or 0.
#define SSOC_FIT_RCOND_MIN 1e-10
/// Stage 2 fails when the fitted v_c or n_H leaves [SSOC_FIT_HILL_MIN, SSOC_FIT_HILL_MAX]
/// (a parameter "running off": gating never or always active over the data).
#define SSOC_FIT_HILL_MIN 1e-6 ///< lower bound on fitted v_c [1] and n_H [1]
#define SSOC_FIT_HILL_MAX 1e3  ///< upper bound on fitted v_c [1] and n_H [1]
/// Stage 2 iteration limit of the Levenberg-Marquardt trust-region solver.
#define SSOC_FIT_LM_MAXITER 200
/// Stage 2 convergence, on (ln v_c, ln n_H): the Gauss-Newton step from the current point,
/// max_j |dx_j| / max(|x_j|, 1), is at most SSOC_FIT_LM_XTOL. When the cost can no longer
/// resolve a smaller step (non-zero residuals limit that to about sqrt(eps): the step's predicted
/// decrease is below 64 eps of the cost, or the solver stalls), the point is accepted if that
/// step is at most SSOC_FIT_LM_XTOL_STALL, else the fit fails.
#define SSOC_FIT_LM_XTOL 1e-10      ///< converged Gauss-Newton step (relative, in log parameters)
#define SSOC_FIT_LM_XTOL_STALL 1e-7 ///< largest remaining step accepted when the cost stalls

/// Joint fit iteration limit (Levenberg-Marquardt on all free parameters). Convergence uses the
/// stage-2 test (SSOC_FIT_LM_XTOL, SSOC_FIT_LM_XTOL_STALL) on the joint fit's variables (E0,
/// alpha_E, ln v_c, ln n_H, beta0..beta3).
#define SSOC_FIT_JOINT_MAXITER 500

/// The estimator.
typedef enum ssoc_fit_method {
    SSOC_FIT_STAGED = 0, ///< the three stages of docs/MODEL.md, "Fitting" (reproduces the published parameters)
    SSOC_FIT_JOINT = 1,  ///< all free parameters at once on ln D_hop and ln sigma of every point
} ssoc_fit_method;

/// The default estimator (see docs/UNCERTAINTY.md, "Choosing the defaults": its bootstrap bands
/// cover; the staged estimator is biased when PCC points sit at v_f > 0).
#define SSOC_FIT_METHOD_DEFAULT SSOC_FIT_JOINT

/// Which estimator, which parameters are held fixed and at what values, and where to start.
typedef struct ssoc_fit_opts {
    ssoc_fit_method method; ///< estimator (default SSOC_FIT_METHOD_DEFAULT)
    unsigned fixed_mask; ///< bit i set: parameter i is held at fixed.p[i]
    ssoc_params fixed;   ///< values of the fixed parameters (others ignored)
    ssoc_params start;   ///< starting values for the nonlinear stage (v_c, n_H); see ssoc_fit_opts_default
    /// Joint fit only: when non-zero, the joint fit is also started from joint_start (free
    /// parameters; fixed ones are taken from `fixed`), and the solution with the lower cost is kept
    /// (the first on a tie). The bootstrap sets it to the full-data estimate, so a replicate cannot
    /// stop in a worse local minimum than the one its staged start leads to.
    int has_joint_start;
    ssoc_params joint_start; ///< second start of the joint fit (see has_joint_start)
} ssoc_fit_opts;

/// Fit quality on the data (docs/MODEL.md, "Fitting"). NaN where undefined (e.g. r with < 2 points).
typedef struct ssoc_metrics {
    size_t n, n_pcc, n_scc;   ///< points used: all, PCC, SCC
    double r_log10_sigma;     ///< Pearson r of log10 sigma, predicted vs observed
    double rmse_log10_sigma;  ///< RMSE of log10 sigma
    double mean_ratio;        ///< mean of sigma_pred/sigma_obs
    double median_ratio;      ///< median of sigma_pred/sigma_obs
    double r_log10_D_all;     ///< Pearson r of log10 D_hop, all points
    double r_log10_D_pcc;     ///< ... PCC points
    double r_log10_D_scc;     ///< ... SCC points
    /// Pearson r of ln f_eff: the model's beta0 + beta1 x + beta2 v_f + beta3 v_f^2 against the
    /// observed ln f_i = ln(sigma_i k_B T_i / (n_Li,i e^2 D_hop,i)) built from the observed sigma
    /// AND the observed D_hop. This is the definition that reproduces docs/MODEL.md, "The published
    /// set at 500 K" (0.8371 for the published set); with the model's D_hop (the stage-3 response)
    /// it would be 0.8867.
    double r_ln_f;
} ssoc_metrics;

/// Result of a fit.
typedef struct ssoc_fit_result {
    ssoc_params params;  ///< fitted (and fixed) parameters
    unsigned fixed_mask; ///< copy of the options' mask
    ssoc_metrics metrics; ///< ssoc_fit_metrics of `params` on the fitted data
    int lm_iterations;   ///< iterations of the nonlinear stage (0 if it did not run)
    ssoc_fit_method method; ///< estimator used
    int joint_iterations; ///< Levenberg-Marquardt iterations of the kept joint solution (0 for staged)
    double cost;         ///< joint fit's cost at params: sum over points of r_D^2 + r_sigma^2 (see ssoc_fit_residuals)
} ssoc_fit_result;

/// Reusable scratch for ssoc_fit_run_ws (GSL workspaces and per-point buffers), so repeated
/// fits (bootstrap) do not allocate. One workspace per thread: a workspace must not be used by
/// two fits at once. Results do not depend on the workspace's history or capacity.
typedef struct ssoc_fit_workspace ssoc_fit_workspace;

/// Allocate a workspace for data sets of up to `n_max` points (it grows on demand if a larger
/// set comes). NULL on allocation failure.
ssoc_fit_workspace *ssoc_fit_workspace_alloc(size_t n_max);
/// Free a workspace. NULL is harmless.
void ssoc_fit_workspace_free(ssoc_fit_workspace *w);

/// Defaults: method SSOC_FIT_METHOD_DEFAULT; ln_A fixed at 0 (the 8-parameter model), nothing
/// else fixed; nonlinear start v_c = 0.125, n_H = 3; no second joint start.
void ssoc_fit_opts_default(ssoc_fit_opts *o);

/// Free parameter `name` (clear its bit in o->fixed_mask), e.g. "ln_A". SSOC_EINVAL for an unknown
/// name (the message lists the valid ones). Freeing ln_A is refused later, by the fit, for data at
/// a single temperature.
ssoc_status ssoc_fit_opts_free(ssoc_fit_opts *o, const char *name, ssoc_error *err);

/// Name of an estimator as the config, the command line and the parameter file spell it:
/// "staged" or "joint".
const char *ssoc_fit_method_name(ssoc_fit_method m);
/// The estimator named `name` ("staged" or "joint", exactly): 0 and *out set; -1 (and *out
/// untouched) for any other string or NULL.
int ssoc_fit_method_parse(const char *name, ssoc_fit_method *out);
/// Hold parameter `name` (as ssoc_param_name: "E0", "alpha_E", "v_c", "n_H", "beta0".."beta3") at
/// `value` [its unit, ssoc_param_unit]. SSOC_EINVAL for an unknown name (the message lists the
/// valid ones), a non-finite value, or v_c / n_H <= 0.
ssoc_status ssoc_fit_opts_fix(ssoc_fit_opts *o, const char *name, double value, ssoc_error *err);

/// Fit `d` with the estimator o->method and fill res (parameters, mask, metrics, method).
///
/// Staged (docs/MODEL.md, "Fitting"):
/// Stage 1: OLS of y_i = ln(D_hop,i / ((a_i^2/6) k_B T_i/h)) on (-1/k_B T_i, v_f,i/k_B T_i) [eV]
/// over the PCC points. Stage 2: Levenberg-Marquardt (GSL trust region, analytic Jacobian) on
/// (ln v_c, ln n_H) over the SCC points. Stage 3: OLS of z_i = ln(sigma_i k_B T_i/(n_Li e^2
/// D_model,i)) on (1, x, v_f, v_f^2) over all points. Fixed parameters are subtracted from the
/// response; a stage with every parameter fixed is skipped and the fixed values come back exactly.
/// ln A, when free, is a third column of stage 1 (a constant: the data need two or more
/// temperatures to tell it from E0); fixed, it is subtracted like any fixed parameter.
/// Errors: SSOC_EINVAL (bad options: non-finite fixed/start values, v_c or n_H <= 0),
/// SSOC_EDATA (a point with non-positive or non-finite x, rho, T, D_hop or sigma, or x > 1),
/// SSOC_ENOMEM, and SSOC_EFIT (message naming the stage, the data file and the reason) when a
/// stage has fewer points than free parameters, a singular design (SSOC_FIT_RCOND_MIN), does not
/// converge, or yields non-finite values or v_c / n_H outside [SSOC_FIT_HILL_MIN, SSOC_FIT_HILL_MAX].
/// Never returns NaN parameters with SSOC_OK. On failure res->params is left unspecified.
/// Both estimators: SSOC_EFIT when ln_A is free and every point is at one temperature.
///
/// Joint: the staged fit first (its errors above apply, unless o->has_joint_start gives another
/// start), then Levenberg-Marquardt (GSL trust region, analytic Jacobian) of every free parameter
/// at once, with ln v_c and ln n_H as variables, on the 2n residuals of ssoc_fit_residuals
/// (ln D_hop and ln sigma of every point, unit weights; the Hill gate acts at every point with
/// v_f > 0, PCC or SCC, as in the model), from the staged solution and from o->joint_start when
/// given; the converged solution with the lower cost is kept. The regime labels play no part.
/// Errors (SSOC_EFIT, naming the data and "joint fit"): no start converged within
/// SSOC_FIT_JOINT_MAXITER iterations, a parameter ran off (non-finite, or v_c / n_H outside
/// [SSOC_FIT_HILL_MIN, SSOC_FIT_HILL_MAX]), or the Jacobian at the solution is singular
/// (reciprocal condition number below SSOC_FIT_RCOND_MIN after column scaling).
/// Allocates a workspace per call; use ssoc_fit_run_ws in loops.
ssoc_status ssoc_fit_run(const ssoc_dataset *d, const ssoc_fit_opts *o, ssoc_fit_result *res, ssoc_error *err);

/// ssoc_fit_run with a caller-owned workspace (no allocation unless the data outgrow it).
/// Thread-safe for distinct workspaces; deterministic (same inputs, same bits).
ssoc_status ssoc_fit_run_ws(const ssoc_dataset *d, const ssoc_fit_opts *o, ssoc_fit_workspace *w,
                            ssoc_fit_result *res, ssoc_error *err);

/// Residuals and leverages of parameters `p` on `d` in the joint fit's residual vector (2n long,
/// the D block first): resid[i] = ln D_hop,obs,i - ln D_hop(p; point i) and resid[n + i] =
/// ln sigma_obs,i - ln sigma(p; point i), i < n. leverage (may be NULL) receives the diagonal of
/// the hat matrix J (J^T J)^+ J^T of the Jacobian J of those 2n residuals with respect to the
/// parameters not set in `fixed_mask` (with ln v_c and ln n_H as variables, as the joint fit uses
/// them; the hat matrix does not depend on that choice), each in [0, 1]; all 0 when every
/// parameter is fixed. Errors: SSOC_EDATA (a point the fit would refuse), SSOC_EINVAL (v_c or n_H
/// <= 0, a non-finite parameter), SSOC_ENOMEM, SSOC_EFIT (the SVD of J failed).
ssoc_status ssoc_fit_residuals(const ssoc_dataset *d, const ssoc_params *p, unsigned fixed_mask, double *resid,
                               double *leverage, ssoc_error *err);

/// Compute the metrics of parameters `p` on `d` (see ssoc_metrics; NaN entries where undefined,
/// and all NaN if scratch memory cannot be allocated).
void ssoc_fit_metrics(const ssoc_dataset *d, const ssoc_params *p, ssoc_metrics *m);

#endif
