/* The sweep file's datasets, one entry each (sweepfile_layout.h): what the writer creates and the
 * reader expects. */
#include "sweepfile_layout.h"

#include <stdio.h>
#include <string.h>

#include "ssoc/sweepfile.h"

const sf_dimension sf_dims[SF_NDIM] = {
    [SF_DIM_T] = {"T", NULL, "K", "temperature", "temperature T of the grid"},
    [SF_DIM_RHO] = {"rho", NULL, "g/cm3", "density", "density rho of the glass"},
    [SF_DIM_X] = {"x", NULL, "1", "Li2S fraction", "Li2S fraction x of (Li2S)x(P2S5)1-x"},
    [SF_DIM_PARAM] = {"parameter", "/fit", NULL, NULL, NULL},
    [SF_DIM_REPLICATE] = {"replicate", "/fit", NULL, NULL, NULL},
    [SF_DIM_POINT] = {"point", "/fit", NULL, NULL, NULL},
    [SF_DIM_BLOCK] = {"block", "/progress", NULL, NULL, NULL},
};

#define F64 SSOC_H5_F64
#define U8 SSOC_H5_U8
#define I64 SSOC_H5_I64
/* shapes */
#define D_X 1, {SF_DIM_X}
#define D_RX 2, {SF_DIM_RHO, SF_DIM_X}
#define D_TRX 3, {SF_DIM_T, SF_DIM_RHO, SF_DIM_X}
#define D_TX 2, {SF_DIM_T, SF_DIM_X}
#define D_TR 2, {SF_DIM_T, SF_DIM_RHO}
#define D_P 1, {SF_DIM_PARAM}
#define D_BP 2, {SF_DIM_REPLICATE, SF_DIM_PARAM}
#define D_NP 2, {SF_DIM_POINT, SF_DIM_PARAM}
#define D_N 1, {SF_DIM_POINT}
#define D_K 1, {SF_DIM_BLOCK}
#define NO_RULE NULL, -1

/* CF flags: the bits of ssoc_extrap, the rule status codes (ssoc_rule_field SSOC_RULE_STATUS),
 * yes/no flags, the transport regime */
static const sf_flags extrap_flags = {1, 3, {1, 2, 4}, "x_outside_data v_f_outside_data T_outside_data"};
static const sf_flags status_flags = {0, 4, {0, 1, 2, 3},
                                      "defined no_optimum_axis_has_one_node no_optimum_sigma_not_finite "
                                      "bands_undefined_fewer_than_2_replicate_optima"};
static const sf_flags bound_flags = {0, 2, {0, 1}, "interior on_an_end_of_the_optimised_range"};
static const sf_flags done_flags = {0, 2, {0, 1}, "not_written written"};
static const sf_flags regime_flags = {0, 2, {0, 1}, "PCC SCC"};
static const char status_desc[] = "0 = every value of the rule is a number; otherwise why not (flag_meanings)";

const sf_var sf_vars[SF_COUNT] = {
    /* /structure: the S2- framework and the carriers (no parameters) */
    [SF_RHO0] = {"/structure/rho0", F64, D_X, "g/cm3", "close-packed framework density",
                 "close-packed S2- framework density rho0(x)", NO_RULE},
    [SF_VF] = {"/structure/v_f", F64, D_RX, "1", "free volume", "free volume v_f = 1 - rho/rho0(x)", NO_RULE},
    [SF_NLI] = {"/structure/n_Li", F64, D_RX, "cm^-3", "Li carrier density", "Li carrier density n_Li", NO_RULE},
    /* /extrapolated and /sigma: the gridded maps, written block by block */
    [SF_EXTRAPOLATED] = {"/extrapolated", U8, D_TRX, NULL, "extrapolation flags",
                         "bit mask: 1 = x, 2 = v_f, 4 = T outside the fitted data (attributes data_*_range)",
                         &extrap_flags, -1},
    [SF_SIGMA_BEST] = {"/sigma/best", F64, D_TRX, "S/cm", "conductivity, point parameters",
                       "sigma with the point parameters", NO_RULE},
    [SF_SIGMA_MEDIAN] = {"/sigma/median", F64, D_TRX, "S/cm", "conductivity, replicate median",
                         "median of sigma over the bootstrap replicates", NO_RULE},
    [SF_SIGMA_LO] = {"/sigma/lo", F64, D_TRX, "S/cm", "conductivity, lower confidence band",
                     "lower end of the confidence band of the mean model's sigma over the bootstrap replicates "
                     "(attributes interval, confidence, quantile)",
                     NO_RULE, SF_BAND_CONFIDENCE},
    [SF_SIGMA_HI] = {"/sigma/hi", F64, D_TRX, "S/cm", "conductivity, upper confidence band",
                     "upper end of the confidence band of the mean model's sigma over the bootstrap replicates "
                     "(attributes interval, confidence, quantile)",
                     NO_RULE, SF_BAND_CONFIDENCE},
    [SF_SIGMA_PRED_LO] = {"/sigma/pred_lo", F64, D_TRX, "S/cm", "conductivity of a new MD run, lower prediction band",
                          "lower end of the prediction band of a new MD run's sigma: the quantile (attribute "
                          "quantile) of replicate b's sigma times exp(e_b), e_b a resampled ln-sigma residual of the "
                          "fit (attributes interval, confidence, quantile)",
                          NO_RULE, SF_BAND_PREDICTION},
    [SF_SIGMA_PRED_HI] = {"/sigma/pred_hi", F64, D_TRX, "S/cm", "conductivity of a new MD run, upper prediction band",
                          "upper end of the prediction band of a new MD run's sigma: the quantile (attribute "
                          "quantile) of replicate b's sigma times exp(e_b), e_b a resampled ln-sigma residual of the "
                          "fit (attributes interval, confidence, quantile)",
                          NO_RULE, SF_BAND_PREDICTION},
    [SF_P_EXCEED] = {"/sigma/p_exceed", F64, D_TRX, "1", "probability of reaching the target conductivity",
                     "fraction of bootstrap replicates with sigma >= target_sigma_S_cm (root attribute)", NO_RULE},
    /* /fit: parameters, their bands, the replicate and leave-one-out tables, the fitted data */
    [SF_PARAMS] = {"/fit/params", F64, D_P, NULL, "point parameters",
                   "point parameters, one per parameter (names and units: parameter_names, parameter_units)",
                   NO_RULE},
    [SF_PARAMS_LO] = {"/fit/params_lo", F64, D_P, NULL, "parameters, lower band",
                      "lower end of each parameter's band over the replicates", NO_RULE, SF_BAND_PARAMETER},
    [SF_PARAMS_HI] = {"/fit/params_hi", F64, D_P, NULL, "parameters, upper band",
                      "upper end of each parameter's band over the replicates", NO_RULE, SF_BAND_PARAMETER},
    [SF_PARAMS_MEDIAN] = {"/fit/params_median", F64, D_P, NULL, "parameters, replicate median",
                          "median of each parameter over the replicates", NO_RULE},
    [SF_PARAMS_BOOT] = {"/fit/params_boot", F64, D_BP, NULL, "bootstrap replicate parameters",
                        "row b = the parameters refitted on bootstrap replicate b (NaN row: that fit failed)",
                        NO_RULE},
    [SF_PARAMS_JACK] = {"/fit/params_jack", F64, D_NP, NULL, "leave-one-out parameters",
                        "row i = the parameters refitted without fitted point i (NaN row: that fit failed); "
                        "the BCa acceleration's input, present when interval = bca",
                        NO_RULE},
    [SF_DATA_X] = {"/fit/data/x", F64, D_N, "1", "Li2S fraction", "Li2S fraction x of the fitted point", NO_RULE},
    [SF_DATA_RHO] = {"/fit/data/rho", F64, D_N, "g/cm3", "density", "density of the fitted point", NO_RULE},
    [SF_DATA_T] = {"/fit/data/T", F64, D_N, "K", "temperature", "temperature of the fitted point", NO_RULE},
    [SF_DATA_D_HOP] = {"/fit/data/D_hop", F64, D_N, "cm2/s", "hop diffusivity", "observed hop diffusivity", NO_RULE},
    [SF_DATA_SIGMA] = {"/fit/data/sigma", F64, D_N, "S/cm", "conductivity", "observed conductivity", NO_RULE},
    [SF_DATA_D_MAX] = {"/fit/data/d_max", F64, D_N, "angstrom", "largest pore diameter",
                       "largest pore diameter (NaN where the file had none)", NO_RULE},
    [SF_DATA_REGIME] = {"/fit/data/regime", U8, D_N, NULL, "transport regime", "0 = PCC, 1 = SCC", &regime_flags,
                        -1},
    [SF_DATA_LINE] = {"/fit/data/line", I64, D_N, NULL, "source line", "line of the point in the source CSV",
                      NO_RULE},
    /* /progress: which blocks of grid columns are written (resume) */
    [SF_DONE] = {"/progress/done", U8, D_K, NULL, "block written",
                 "1 when block k (grid columns [k*block_columns, (k+1)*block_columns), column = irho*nx + ix) "
                 "is written",
                 &done_flags, -1},
    /* /rules: rho_opt per (T, x) */
    [SF_RHO_OPT] = {"/rules/rho_opt", F64, D_TX, "g/cm3", "optimal density",
                    "density maximising sigma at (x, T), point parameters", NULL, SSOC_RULE_ARG},
    [SF_RHO_OPT_LO] = {"/rules/rho_opt_lo", F64, D_TX, "g/cm3", "optimal density, lower band",
                       "lower end of the band of rho_opt over the replicates", NULL, SSOC_RULE_ARG_LO,
                       SF_BAND_CONFIDENCE},
    [SF_RHO_OPT_HI] = {"/rules/rho_opt_hi", F64, D_TX, "g/cm3", "optimal density, upper band",
                       "upper end of the band of rho_opt over the replicates", NULL, SSOC_RULE_ARG_HI,
                       SF_BAND_CONFIDENCE},
    [SF_VF_OPT] = {"/rules/vf_opt", F64, D_TX, "1", "optimal free volume", "free volume at rho_opt", NULL,
                   SSOC_RULE_VF},
    [SF_VF_OPT_LO] = {"/rules/vf_opt_lo", F64, D_TX, "1", "optimal free volume, lower band",
                      "lower end of the band of vf_opt", NULL, SSOC_RULE_VF_LO, SF_BAND_CONFIDENCE},
    [SF_VF_OPT_HI] = {"/rules/vf_opt_hi", F64, D_TX, "1", "optimal free volume, upper band",
                      "upper end of the band of vf_opt", NULL, SSOC_RULE_VF_HI, SF_BAND_CONFIDENCE},
    [SF_SIGMA_MAX] = {"/rules/sigma_max", F64, D_TX, "S/cm", "peak conductivity along rho", "sigma at rho_opt", NULL,
                      SSOC_RULE_SIGMA},
    [SF_SIGMA_MAX_LO] = {"/rules/sigma_max_lo", F64, D_TX, "S/cm", "peak conductivity, lower band",
                         "lower end of the band of sigma_max", NULL, SSOC_RULE_SIGMA_LO, SF_BAND_CONFIDENCE},
    [SF_SIGMA_MAX_HI] = {"/rules/sigma_max_hi", F64, D_TX, "S/cm", "peak conductivity, upper band",
                         "upper end of the band of sigma_max", NULL, SSOC_RULE_SIGMA_HI, SF_BAND_CONFIDENCE},
    [SF_RHO_OPT_AT_BOUND] = {"/rules/rho_opt_at_bound", U8, D_TX, NULL, "optimal density on the grid's edge",
                             "1 = the maximum is on an end of the rho range (a boundary result)", &bound_flags,
                             SSOC_RULE_AT_BOUND},
    [SF_RHO_OPT_EXTRAPOLATED] = {"/rules/rho_opt_extrapolated", U8, D_TX, NULL,
                                 "extrapolation flags at the optimal density",
                                 "bit mask at rho_opt: 1 = x, 2 = v_f, 4 = T outside the fitted data", &extrap_flags,
                                 SSOC_RULE_EXTRAP},
    /* /rules: x_opt per (T, rho) */
    [SF_X_OPT] = {"/rules/x_opt", F64, D_TR, "1", "optimal composition",
                  "composition maximising sigma at (rho, T), point parameters", NULL, SSOC_RULE_ARG},
    [SF_X_OPT_LO] = {"/rules/x_opt_lo", F64, D_TR, "1", "optimal composition, lower band",
                     "lower end of the band of x_opt over the replicates", NULL, SSOC_RULE_ARG_LO,
                     SF_BAND_CONFIDENCE},
    [SF_X_OPT_HI] = {"/rules/x_opt_hi", F64, D_TR, "1", "optimal composition, upper band",
                     "upper end of the band of x_opt over the replicates", NULL, SSOC_RULE_ARG_HI,
                     SF_BAND_CONFIDENCE},
    [SF_X_OPT_SIGMA_MAX] = {"/rules/x_opt_sigma_max", F64, D_TR, "S/cm", "peak conductivity along x",
                            "sigma at x_opt", NULL, SSOC_RULE_SIGMA},
    [SF_X_OPT_AT_BOUND] = {"/rules/x_opt_at_bound", U8, D_TR, NULL, "optimal composition on the grid's edge",
                           "1 = the maximum is on an end of the x range (a boundary result)", &bound_flags,
                           SSOC_RULE_AT_BOUND},
    [SF_X_OPT_EXTRAPOLATED] = {"/rules/x_opt_extrapolated", U8, D_TR, NULL,
                               "extrapolation flags at the optimal composition",
                               "bit mask at x_opt: 1 = x, 2 = v_f, 4 = T outside the fitted data", &extrap_flags,
                               SSOC_RULE_EXTRAP},
    /* /rules: status of each rule value */
    [SF_RHO_OPT_STATUS] = {"/rules/rho_opt_status", U8, D_TX, NULL, "optimal density status", status_desc,
                           &status_flags, SSOC_RULE_STATUS},
    [SF_X_OPT_STATUS] = {"/rules/x_opt_status", U8, D_TR, NULL, "optimal composition status", status_desc,
                         &status_flags, SSOC_RULE_STATUS},
};

int sf_extents(const sf_var *v, const size_t *size, size_t *dims)
{
    for (int i = 0; i < v->rank; ++i)
        dims[i] = size[v->dim[i]];
    return v->rank;
}

int sf_dim_is_grid(sf_dim d) { return sf_dims[d].group == NULL; }

void sf_scale_path(const char *path, sf_dim d, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    const int glen = sf_dim_is_grid(d) ? (int)(slash - path) : (int)strlen(sf_dims[d].group);
    snprintf(buf, len, "%.*s/%s", glen, sf_dim_is_grid(d) ? path : sf_dims[d].group, sf_dims[d].name);
}

const sf_var *sf_find(const char *path)
{
    for (int i = 0; i < SF_COUNT; ++i)
        if (path && !strcmp(sf_vars[i].path, path))
            return &sf_vars[i];
    return NULL;
}

const char *sf_band_kind(sf_band b)
{
    return b == SF_BAND_PARAMETER ? "parameter" : b == SF_BAND_CONFIDENCE ? "mean_model_confidence"
                                                 : b == SF_BAND_PREDICTION ? "prediction" : "";
}

const char *sf_band_covers(sf_band b)
{
    return b == SF_BAND_PARAMETER    ? "the parameter's value under the model (bootstrap of the fit)"
           : b == SF_BAND_CONFIDENCE ? "the quantity of the mean model (bootstrap of the fit), not a new MD run"
           : b == SF_BAND_PREDICTION ? "the sigma of a new MD run at this point (bootstrap of the fit and the "
                                       "scatter of single runs about the model)"
                                     : "";
}
