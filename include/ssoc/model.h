/// @file model.h
/// The SSOC conductivity model sigma(x, rho, T; p) of docs/MODEL.md ("The model", "Constants"):
/// constants, the 8 parameters, a scalar reference evaluation returning every layer, and a batched
/// kernel. Pure functions: no I/O, no MPI, no allocation.
#ifndef SSOC_MODEL_H
#define SSOC_MODEL_H

#include <stddef.h>

/* docs/MODEL.md, "Constants": exact SI constants unless noted. */
#define SSOC_KB_J_K 1.380649e-23         ///< Boltzmann constant [J/K]
#define SSOC_H_J_S 6.62607015e-34        ///< Planck constant [J s]
#define SSOC_NA_MOL 6.02214076e23        ///< Avogadro constant [1/mol]
#define SSOC_E_C 1.602176634e-19         ///< elementary charge [C]
#define SSOC_KB_EV_K (SSOC_KB_J_K / SSOC_E_C) ///< Boltzmann constant [eV/K]
#define SSOC_M_LI_G_MOL 6.941            ///< molar mass of Li [g/mol]
#define SSOC_M_P_G_MOL 30.974            ///< molar mass of P [g/mol]
#define SSOC_M_S_G_MOL 32.065            ///< molar mass of S [g/mol]
#define SSOC_R_S_ANGSTROM 1.84           ///< Shannon radius of S2- (CN 6) [angstrom]
#define SSOC_ETA_RCP 0.64                ///< random close packing fraction
#define SSOC_PI 3.14159265358979323846   ///< pi (M_PI is not ISO C)

/// Index of each fitted parameter in ssoc_params.p.
enum ssoc_param_index {
    SSOC_P_E0 = 0,  ///< barrier at v_f = 0 [eV]
    SSOC_P_ALPHA_E, ///< barrier lowering per unit free volume [eV]
    SSOC_P_VC,      ///< Hill gating midpoint [free-volume fraction]
    SSOC_P_NH,      ///< Hill exponent [1]
    SSOC_P_BETA0,   ///< ln f_eff intercept [1]
    SSOC_P_BETA1,   ///< ln f_eff slope in x [1]
    SSOC_P_BETA2,   ///< ln f_eff slope in v_f [1]
    SSOC_P_BETA3,   ///< ln f_eff curvature in v_f [1]
    /// ln A, the log of a multiplier on the attempt frequency k_B T/h of D_PCC [1]. Held at 0 by
    /// default (the published 8-parameter model); it can be freed only for data at two or more
    /// temperatures, where the prefactor and E0 are told apart (docs/UNCERTAINTY.md).
    SSOC_P_LNA,
    SSOC_NPARAM
};

/// The 8 model parameters plus ln A (ssoc_param_index), indexed by enum ssoc_param_index.
typedef struct ssoc_params {
    double p[SSOC_NPARAM];
} ssoc_params;

/// Every layer of the model at one (x, rho, T).
typedef struct ssoc_layers {
    double M_g_mol;     ///< molar mass per formula unit [g/mol]
    double rho0_g_cm3;  ///< close-packed S framework density [g/cm3]
    double v_f;         ///< free volume 1 - rho/rho0 [1]
    double n_Li_cm3;    ///< Li carrier density [cm^-3]
    double a_cm;        ///< jump length n_Li^(-1/3) [cm]
    double D_PCC_cm2_s; ///< ungated hop diffusivity [cm2/s]
    double p_active;    ///< Hill gating factor [1]
    double D_hop_cm2_s; ///< hop diffusivity [cm2/s]
    double ln_f_eff;    ///< ln of the pathway connectivity [1]
    double f_eff;       ///< pathway connectivity [1]
    double sigma_S_cm;  ///< ionic conductivity [S/cm]
    double Ea_eV;       ///< apparent activation energy -k_B d ln(sigma)/d(1/T) = E0 - alpha_E v_f [eV]
} ssoc_layers;

/// The published parameter set (docs/MODEL.md, "The published parameter set"; ln A = 0).
extern const ssoc_params ssoc_params_published;

/// Name of parameter i ("E0", "alpha_E", "v_c", "n_H", "beta0".."beta3", "ln_A"), or NULL if out
/// of range.
const char *ssoc_param_name(int i);
/// Unit of parameter i ("eV" or "1"), or NULL if out of range.
const char *ssoc_param_unit(int i);
/// Index of the parameter called `name`, or -1.
int ssoc_param_index(const char *name);
/// Derived peak of ln f_eff in v_f: v_f* = -beta2 / (2 beta3) [1].
double ssoc_params_vf_star(const ssoc_params *p);

/// Molar mass of one formula unit (Li2S)x(P2S5)1-x [g/mol].
double ssoc_model_molar_mass_g_mol(double x);
/// Close-packed S2- framework density rho0(x) [g/cm3].
double ssoc_model_rho0_g_cm3(double x);
/// Free volume v_f = 1 - rho/rho0(x) [1].
double ssoc_model_vf(double x, double rho_g_cm3);
/// Li carrier density n_Li = rho N_A 2x / M(x) [cm^-3].
double ssoc_model_nLi_cm3(double x, double rho_g_cm3);
/// Hill gating factor: 1 for v_f <= 0, else 1/(1 + (v_f/v_c)^n_H).
double ssoc_model_p_active(double v_f, double v_c, double n_H);

/// Scalar reference: evaluate every layer, term by term as docs/MODEL.md, "The model", writes it.
void ssoc_model_eval(const ssoc_params *p, double x, double rho_g_cm3, double T_K, ssoc_layers *out);

/// Batched kernel: sigma [S/cm] at n points (x[i], rho[i], T[i]) in the fast form where k_B T
/// cancels (one exp per point plus the gating). Vectorised with libmvec; every element takes the
/// same arithmetic path wherever it sits in the arrays, so results do not depend on blocking.
void ssoc_model_sigma_batch(const ssoc_params *restrict p, size_t n, const double *restrict x,
                            const double *restrict rho_g_cm3, const double *restrict T_K,
                            double *restrict sigma_S_cm);

#endif
