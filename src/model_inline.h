/* Private: the model's formulas, each written once (docs/MODEL.md, "The model"), as static inline
 * functions that the scalar model (model.c), the sweep kernel (kernel.c), the design rules
 * (rules.c) and the fit (fit.c) share. gcc inlines them into the `#pragma omp simd` loops of
 * model.c and kernel.c, which include vecmath.h first for libmvec's exp/log/log1p; this header
 * does not, so rules.c and fit.c keep glibc's scalar functions. Pure arithmetic: no I/O, no state.
 *
 * Each is spelled exactly as the sweep file's numbers were computed, operation for operation, so
 * sharing them changed no bit of any output. Two variants deliberately stay where they are,
 * because merging them would move the last bit of a stored number:
 *  - ln(n_Li)/3 in the kernel and the scalar fallback, ln(n_Li) * (1/3) in the rules' ln sigma and
 *    the batched kernel (/sigma and /rules/sigma_max would each change in the last bit);
 *  - the rules' direct Hill form ln(1 + (v_f/v_c)^n_H) in rules.c's ln sigma at an optimum, and
 *    its x_opt map with M(x) expanded as M1 x + M0 and K = N_A V_S / eta (a reparametrisation of
 *    v_f(x) at fixed rho, not a second definition of rho0). */
#ifndef SSOC_MODEL_INLINE_H
#define SSOC_MODEL_INLINE_H

#include <math.h>

#include "ssoc/model.h"

/* Molar mass of one formula unit (Li2S)x(P2S5)1-x [g/mol]. */
static inline double ssoc_mf_molar_mass(double x)
{
    return 2.0 * x * SSOC_M_LI_G_MOL + 2.0 * (1.0 - x) * SSOC_M_P_G_MOL + (5.0 - 4.0 * x) * SSOC_M_S_G_MOL;
}

/* Random-close-packed S2- framework density rho0(x) [g/cm3]: 5 - 4x sulfide ions of volume
 * (4/3) pi r_S^3 per formula unit at packing fraction eta_RCP. */
static inline double ssoc_mf_rho0(double x)
{
    const double r_cm = SSOC_R_S_ANGSTROM * 1e-8;
    const double V_S_cm3 = (4.0 / 3.0) * SSOC_PI * r_cm * r_cm * r_cm;
    return ssoc_mf_molar_mass(x) / (SSOC_NA_MOL * (5.0 - 4.0 * x) * V_S_cm3 / SSOC_ETA_RCP);
}

/* Free volume v_f = 1 - rho/rho0 [1]. */
static inline double ssoc_mf_vf(double rho_g_cm3, double rho0_g_cm3) { return 1.0 - rho_g_cm3 / rho0_g_cm3; }

/* Li carrier density n_Li = rho N_A 2x / M [cm^-3], M = ssoc_mf_molar_mass(x). */
static inline double ssoc_mf_nli(double x, double rho_g_cm3, double M_g_mol)
{
    return rho_g_cm3 * SSOC_NA_MOL * 2.0 * x / M_g_mol;
}

/* ln of the fast form's prefactor, ln(e^2/(6h)) + ln(n_Li)/3: sigma = exp(this + ln f_eff
 * - (E0 - alpha_E v_f)/(k_B T) - ln gate), k_B T cancelled between Nernst-Einstein and D_PCC. */
static inline double ssoc_mf_ln_prefactor(double n_Li_cm3)
{
    return log(SSOC_E_C * SSOC_E_C / (6.0 * SSOC_H_J_S)) + log(n_Li_cm3) / 3.0;
}

/* softplus(z) = ln(1 + e^z) as max(z, 0) + ln(1 + e^-|z|): e^-|z| <= 1 never overflows, so it is
 * finite for every finite z. Branch-free (a select), so it vectorises. */
static inline double ssoc_mf_softplus(double z) { return (z > 0.0 ? z : 0.0) + log1p(exp(-fabs(z))); }

/* The Hill gate's cost in ln sigma, ln(1/p_active) = ln(1 + (v_f/v_c)^n_H) for v_f > 0, from
 * ln v_f and ln v_c: softplus(n_H (ln v_f - ln v_c)), finite for any parameters. */
static inline double ssoc_mf_ln_gate(double ln_vf, double ln_vc, double n_H)
{
    return ssoc_mf_softplus(n_H * (ln_vf - ln_vc));
}

#endif
