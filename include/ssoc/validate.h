/// @file validate.h
/// Confront fitted parameters with external data they were not fitted to (issue 9): per
/// observation the predicted sigma (and its bootstrap band), ratio, log10 error, extrapolation
/// flags and the model's apparent activation energy next to the observed one; then a summary and
/// one data-driven sentence saying how far the fit transfers. Pure: no I/O beyond the parsed
/// table it is given, no printing.
#ifndef SSOC_VALIDATE_H
#define SSOC_VALIDATE_H

#include <stddef.h>

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/model.h"

/// The verdict "agrees" needs the median ratio predicted/observed within this factor of 1
/// (|log10 median ratio| <= log10 1.5 = 0.18, about twice the published fit's own RMSE of 0.095
/// in log10 sigma on the data it was fitted to).
#define SSOC_VALIDATE_AGREE_FACTOR 1.5
/// Relative step in 1/T of the central difference behind ssoc_validate_Ea_eV.
#define SSOC_VALIDATE_EA_STEP 1e-3

/// One external observation and what the model says about it.
typedef struct ssoc_validate_row {
    int line;               ///< 1-based line in the external file
    double x;               ///< Li2S fraction [1]
    double rho_g_cm3;       ///< density [g/cm3]
    double T_K;             ///< temperature [K]
    double sigma_obs_S_cm;  ///< observed conductivity [S/cm]
    double Ea_obs_eV;       ///< observed activation energy [eV]; NaN when not given
    double v_f;             ///< model free volume 1 - rho/rho0(x) [1]
    double sigma_pred_S_cm; ///< predicted conductivity with the point parameters [S/cm]
    double ratio;           ///< sigma_pred / sigma_obs [1]
    double log10_err;       ///< log10 sigma_pred - log10 sigma_obs [1]
    double band_lo_S_cm;    ///< lower band of sigma over the bootstrap replicates [S/cm] (NaN: no band)
    double band_median_S_cm;///< median of sigma over the replicates [S/cm] (NaN: no band)
    double band_hi_S_cm;    ///< upper band [S/cm] (NaN: no band)
    size_t band_used;       ///< replicates that gave a finite sigma here (0: no band)
    int inside_band;        ///< 1 if band_lo <= sigma_obs <= band_hi (0 without a band)
    /// Prediction band of a new MD run here (ssoc_boot_sigma_pred_band) [S/cm]: the natural test of a
    /// held-out observation. NaN without one (no bootstrap, or one without a residual pool).
    double pred_lo_S_cm, pred_median_S_cm, pred_hi_S_cm;
    int inside_pred;        ///< 1 if pred_lo <= sigma_obs <= pred_hi (0 without a prediction band)
    unsigned extrap;        ///< enum ssoc_validate_extrap bits (0 when the range is unknown)
    double Ea_model_eV;     ///< -k_B d ln sigma / d(1/T) of the model here [eV] (ssoc_validate_Ea_eV)
    double Ea_diff_eV;      ///< Ea_obs - Ea_model [eV]; NaN when Ea_obs is not given
} ssoc_validate_row;

/// Summary over all observations. NaN where undefined (r with < 2 points or no spread; Ea means
/// without observed Ea).
typedef struct ssoc_validate_summary {
    size_t n;                 ///< observations
    double r_log10_sigma;     ///< Pearson r of log10 sigma, predicted vs observed
    double rmse_log10_sigma;  ///< RMSE of log10 sigma (= RMS of log10_err)
    double mean_ratio;        ///< mean of sigma_pred/sigma_obs
    double median_ratio;      ///< median of sigma_pred/sigma_obs (type-7 quantile, as stats.h)
    int has_band;             ///< bands were computed
    size_t n_inside;          ///< observations inside their band (confidence band of the mean model)
    int has_pred;             ///< prediction bands were computed (a bootstrap with a residual pool)
    size_t n_inside_pred;     ///< observations inside their prediction band
    size_t worst;             ///< row of the largest |log ratio| (the first of equals)
    double worst_factor;      ///< max(ratio, 1/ratio) there [1]
    int one_T;                ///< the fitted data hold one temperature (range known, T_min == T_max)
    int same_data;            ///< the table is the file the parameters were fitted to (same SHA-256)
    size_t n_Ea;              ///< observations with an observed Ea
    double mean_Ea_diff_eV;   ///< mean of Ea_obs - Ea_model over them [eV]
    /// exp of the mean, over observations with an observed Ea and T outside the fitted range, of
    /// -(Ea_model - Ea_obs)/k_B (1/T - 1/T_edge), T_edge the nearest fitted temperature: the ratio
    /// pred/obs that the activation-energy difference alone would build up between the fitted
    /// temperatures and the observed ones. NaN when there is no such observation.
    double Ea_ratio;
    size_t n_Ea_ratio;        ///< observations behind Ea_ratio
    int range_known;          ///< the fitted data's range was given (flags are meaningful)
    size_t n_extrap_x, n_extrap_vf, n_extrap_T, n_extrap_any; ///< flagged observations
    int agrees;               ///< median ratio within SSOC_VALIDATE_AGREE_FACTOR of 1
    char sentence[1024];      ///< the one-sentence conclusion (see ssoc_validate_run)
} ssoc_validate_summary;

/// Result of a validation. Owned; free with ssoc_validate_report_free.
typedef struct ssoc_validate_report {
    size_t n;                 ///< rows
    ssoc_validate_row *rows;  ///< n rows in file order
    ssoc_validate_summary summary;
    int has_Ea_column;        ///< the external table had an Ea column
    int has_range;            ///< copy of whether a range was given
    ssoc_data_range range;    ///< the fitted data's range (valid when has_range)
    double band_confidence;   ///< band level (NaN without bands)
    ssoc_ci_method band_method; ///< interval actually used (BCa falls back to percentile without a jackknife table)
    size_t band_B;            ///< replicates in the table (0 without bands)
    size_t band_failed;       ///< replicates whose fit had failed (excluded)
} ssoc_validate_report;

/// What ssoc_validate_run_ex knows about the fit besides its parameters (all optional).
typedef struct ssoc_validate_opts {
    const ssoc_data_range *range;   ///< range of the data the parameters were fitted to (NULL: unknown)
    const ssoc_boot_result *boot;   ///< replicates for the bands (NULL: none)
    unsigned flags;                 ///< plausible.h flags (SSOC_PLAUSIBLE_ALLOW)
    const char *fit_sha256;         ///< SHA-256 of the fitted data file (NULL or "": unknown)
} ssoc_validate_opts;

/// The model's apparent activation energy at (x, rho, T): -k_B d ln sigma / d(1/T) [eV], by a
/// central difference of ln sigma (ssoc_model_eval) in 1/T with relative step
/// SSOC_VALIDATE_EA_STEP. For this model ln sigma is linear in 1/T (k_B T cancels between the
/// prefactor and D_PCC), so the difference is exact up to rounding and equals E0 - alpha_E v_f.
/// NaN if sigma is not finite and positive at both ends.
double ssoc_validate_Ea_eV(const ssoc_params *p, double x, double rho_g_cm3, double T_K);

/// Validate parameters `p` against an external table `t` (ssoc_csv_read) with columns, by name,
/// x, rho [g/cm3], T [K], sigma [S/cm] and optionally Ea [eV] (other columns ignored; an empty Ea
/// field means "not given" for that row). Values must be finite, 0 < x < 1, rho, T, sigma > 0.
/// `range` is the range of the data `p` was fitted to (NULL: unknown, no extrapolation flags).
/// `boot` (NULL: no bands) gives per-observation bands of sigma over its successful replicates:
/// the confidence band of the mean model (ssoc_boot_sigma_band: its interval and level, BCa only
/// with a jackknife table) and, when it holds a residual pool, the prediction band of a new MD run
/// (ssoc_boot_sigma_pred_band).
/// The summary sentence states the median ratio ("agree ... on the median" within
/// SSOC_VALIDATE_AGREE_FACTOR, else "N times below/above the observations"), the worst point (line,
/// x, rho, T and its factor), how many observations lie inside their prediction bands (else the
/// confidence bands), the temperatures, whether that is extrapolation in T, x or v_f, and, with
/// observed Ea, how much of the gap the activation energy accounts for. What was not tested is not
/// claimed: with fitted data at one temperature the model's Ea rests on the assumed attempt
/// frequency, so the sentence does not put the gap on the magnitude of sigma rather than its
/// temperature dependence; on the very data of the fit it says so (a measure of the fit, not of its
/// transfer).
/// Errors: SSOC_EDATA naming FILE:LINE and the column (missing required column, non-number, NaN,
/// out-of-range value), SSOC_EDATA if the model gives a non-finite sigma at an observation,
/// SSOC_EFIT if fewer than 2 replicates give a finite sigma at an observation, SSOC_EINVAL for
/// NULL arguments, SSOC_ENOMEM. On success *out is a new report; on error *out = NULL.
ssoc_status ssoc_validate_run(const ssoc_csv *t, const ssoc_params *p, const ssoc_data_range *range,
                              const ssoc_boot_result *boot, ssoc_validate_report **out, ssoc_error *err);

/// ssoc_validate_run with everything `o` knows (NULL: nothing). With o->flags SSOC_PLAUSIBLE_ALLOW
/// implausible values are accepted; without it the columns' values must be plausible (a Celsius T,
/// a kg/m3 rho or a mS/cm sigma is refused naming the mistake); headers may carry units (`T [C]`,
/// `sigma [mS/cm]`, `Ea [meV]`), converted on reading. o->fit_sha256 equal to the table's SHA-256
/// marks the report as made on the fitted data themselves (summary.same_data).
ssoc_status ssoc_validate_run_ex(const ssoc_csv *t, const ssoc_params *p, const ssoc_validate_opts *o,
                                 ssoc_validate_report **out, ssoc_error *err);

/// Free a report. NULL is harmless.
void ssoc_validate_report_free(ssoc_validate_report *r);

#endif
