/* The SSOC model (docs/MODEL.md, "The model"): scalar reference and the batched fast-form kernel. */
#include "ssoc/model.h"

#include <math.h>
#include <string.h>

#include "vecmath.h" /* before model_inline.h: libmvec in the simd loops */
#include "model_inline.h"

/* docs/MODEL.md, "The published parameter set": E0 and alpha_E were published as multiples of k_B T
 * at 500 K. */
const ssoc_params ssoc_params_published = {{
    7.475 * SSOC_KB_EV_K * 500.0,
    3.790 * SSOC_KB_EV_K * 500.0,
    0.125,
    3.0,
    -8.447,
    6.534,
    3.052,
    -21.257,
    0.0,
}};

static const char *const param_names[SSOC_NPARAM] = {"E0",    "alpha_E", "v_c",   "n_H",  "beta0",
                                                     "beta1", "beta2",   "beta3", "ln_A"};
static const char *const param_units[SSOC_NPARAM] = {"eV", "eV", "1", "1", "1", "1", "1", "1", "1"};

const char *ssoc_param_name(int i) { return (i >= 0 && i < SSOC_NPARAM) ? param_names[i] : NULL; }

const char *ssoc_param_unit(int i) { return (i >= 0 && i < SSOC_NPARAM) ? param_units[i] : NULL; }

int ssoc_param_index(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < SSOC_NPARAM; ++i)
        if (strcmp(name, param_names[i]) == 0)
            return i;
    return -1;
}

double ssoc_params_vf_star(const ssoc_params *p) { return -p->p[SSOC_P_BETA2] / (2.0 * p->p[SSOC_P_BETA3]); }

double ssoc_model_molar_mass_g_mol(double x) { return ssoc_mf_molar_mass(x); }

double ssoc_model_rho0_g_cm3(double x) { return ssoc_mf_rho0(x); }

double ssoc_model_vf(double x, double rho_g_cm3) { return ssoc_mf_vf(rho_g_cm3, ssoc_mf_rho0(x)); }

double ssoc_model_nLi_cm3(double x, double rho_g_cm3)
{
    return ssoc_mf_nli(x, rho_g_cm3, ssoc_mf_molar_mass(x));
}

double ssoc_model_p_active(double v_f, double v_c, double n_H)
{
    if (v_f <= 0.0)
        return 1.0;
    return 1.0 / (1.0 + pow(v_f / v_c, n_H));
}

void ssoc_model_eval(const ssoc_params *p, double x, double rho, double T, ssoc_layers *o)
{
    const double *q = p->p;
    const double kT_J = SSOC_KB_J_K * T;
    o->M_g_mol = ssoc_mf_molar_mass(x);
    o->rho0_g_cm3 = ssoc_mf_rho0(x);
    o->v_f = ssoc_mf_vf(rho, o->rho0_g_cm3);
    o->n_Li_cm3 = ssoc_mf_nli(x, rho, o->M_g_mol);
    o->a_cm = pow(o->n_Li_cm3, -1.0 / 3.0);
    const double barrier_J = (q[SSOC_P_E0] - q[SSOC_P_ALPHA_E] * o->v_f) * SSOC_E_C;
    /* the attempt-frequency multiplier A = exp(ln A) rides in the exponent (x + 0 is x exactly) */
    const double boltzmann = exp(-barrier_J / kT_J + q[SSOC_P_LNA]);
    o->D_PCC_cm2_s = (o->a_cm * o->a_cm / 6.0) * (kT_J / SSOC_H_J_S) * boltzmann;
    o->p_active = ssoc_model_p_active(o->v_f, q[SSOC_P_VC], q[SSOC_P_NH]);
    o->D_hop_cm2_s = o->D_PCC_cm2_s * o->p_active;
    o->ln_f_eff = q[SSOC_P_BETA0] + q[SSOC_P_BETA1] * x + q[SSOC_P_BETA2] * o->v_f +
                  q[SSOC_P_BETA3] * o->v_f * o->v_f;
    o->f_eff = exp(o->ln_f_eff);
    const double ne2 = o->n_Li_cm3 * SSOC_E_C * SSOC_E_C;
    const double ne2f = ne2 * o->f_eff, ne2fD = ne2f * o->D_hop_cm2_s; /* the product's partials */
    o->sigma_S_cm = ne2fD / kT_J;
    /* Term by term a factor can overflow or underflow where sigma itself does not (f_eff = inf
     * times D_hop = 0 at T = 1 K gave NaN; n_Li e^2 is subnormal at x = 1e-300, which cost sigma
     * 2e-5 relative; a subnormal Boltzmann factor or partial product under a normal result cost
     * 1e-4). Then take the sum of logs of the fast form, k_B T cancelled, with the Hill term in a
     * form that cannot overflow: exact up to rounding wherever sigma is representable,
     * 0 or inf where it is not. Normal factors and result (every realistic point) keep the terms. */
    if (!isnormal(o->sigma_S_cm) || !isnormal(ne2) || !isnormal(o->f_eff) || !isnormal(o->D_hop_cm2_s) ||
        !isnormal(boltzmann) || !isnormal(ne2f) || !isnormal(ne2fD) || !isnormal(kT_J)) {
        const double ln_gate = o->v_f > 0.0 ? ssoc_mf_ln_gate(log(o->v_f), log(q[SSOC_P_VC]), q[SSOC_P_NH]) : 0.0;
        const double ln_sigma =
            ssoc_mf_ln_prefactor(o->n_Li_cm3) + o->ln_f_eff - barrier_J / kT_J + q[SSOC_P_LNA] - ln_gate;
        o->sigma_S_cm = exp(ln_sigma);
    }
    o->Ea_eV = q[SSOC_P_E0] - q[SSOC_P_ALPHA_E] * o->v_f;
}

/* Fast form. With n a^2 = n^(1/3), k_B T cancels between the Nernst-Einstein prefactor and
 * D_PCC: sigma = e^2/(6h) n^(1/3) p_active exp(ln f - (E0 - alpha_E v_f)/(k_B T)), so a point
 * costs one exp, one cbrt and, in the gated regime, one exp/log pair for the Hill factor. The
 * vector body always runs on full SSOC_VLEN lanes (the tail is padded), so a point takes the same
 * instructions wherever it falls. */
#define SSOC_VLEN 8

static inline void sigma_lanes(const double *q, const double *restrict x, const double *restrict rho,
                               const double *restrict T, double *restrict out)
{
    const double c0 = SSOC_E_C * SSOC_E_C / (6.0 * SSOC_H_J_S);
    const double ln_vc = log(q[SSOC_P_VC]);
    const double nH = q[SSOC_P_NH];
    const double inv_kB_eV = 1.0 / SSOC_KB_EV_K;
#pragma omp simd simdlen(SSOC_VLEN)
    for (int i = 0; i < SSOC_VLEN; ++i) {
        const double xi = x[i];
        const double M = ssoc_mf_molar_mass(xi);
        const double vf = ssoc_mf_vf(rho[i], ssoc_mf_rho0(xi));
        const double n = ssoc_mf_nli(xi, rho[i], M);
        /* computed on every lane and masked, so the loop body has no branch */
        const double hill = ssoc_mf_ln_gate(log(vf > 1e-300 ? vf : 1e-300), ln_vc, nH);
        const double ln_gate = vf > 0.0 ? hill : 0.0;
        const double expo = q[SSOC_P_BETA0] + q[SSOC_P_BETA1] * xi + q[SSOC_P_BETA2] * vf +
                            q[SSOC_P_BETA3] * vf * vf -
                            (q[SSOC_P_E0] - q[SSOC_P_ALPHA_E] * vf) * inv_kB_eV / T[i] - ln_gate +
                            log(n) * (1.0 / 3.0) + q[SSOC_P_LNA];
        out[i] = c0 * exp(expo);
    }
}

void ssoc_model_sigma_batch(const ssoc_params *restrict p, size_t n, const double *restrict x,
                            const double *restrict rho, const double *restrict T, double *restrict sigma)
{
    size_t i = 0;
    for (; i + SSOC_VLEN <= n; i += SSOC_VLEN)
        sigma_lanes(p->p, x + i, rho + i, T + i, sigma + i);
    if (i < n) {
        double bx[SSOC_VLEN], br[SSOC_VLEN], bT[SSOC_VLEN], bs[SSOC_VLEN];
        for (size_t k = 0; k < SSOC_VLEN; ++k) {
            size_t j = i + k < n ? i + k : n - 1;
            bx[k] = x[j];
            br[k] = rho[j];
            bT[k] = T[j];
        }
        sigma_lanes(p->p, bx, br, bT, bs);
        memcpy(sigma + i, bs, (n - i) * sizeof *sigma);
    }
}
