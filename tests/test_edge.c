/* Numerical edge cases (issue 8): v_f exactly 0 and negative, extreme T (1 K, 5000 K), x at 0+ and
 * 1-, parameters that overflow exp, absurd B. The contract checked here, for inputs in the model's
 * domain (0 < x < 1, rho > 0, T > 0) and finite parameters with v_c, n_H > 0:
 *  - the scalar reference (ssoc_model_eval), the batched kernel (ssoc_model_sigma_batch) and the
 *    sweep kernel (ssoc_kernel_eval) never return NaN: sigma is a number in [0, inf], 0 or inf only
 *    where the true sigma is below DBL_TRUE_MIN or above DBL_MAX;
 *  - where sigma is representable the three agree to 1e-12 relative;
 *  - the fit either succeeds with finite parameters or fails with SSOC_EFIT/SSOC_EDATA and a
 *    message naming the stage; the bootstrap refuses a B it cannot hold with SSOC_ENOMEM. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"
#include "ssoc/kernel.h"
#include "ssoc/sweep.h"
#include "testutil.h"

typedef struct three {
    double eval, batch, kernel;
    ssoc_layers L;
} three;

/* sigma three ways at one point */
static three sigma3(const ssoc_params *p, double x, double rho, double T)
{
    three r;
    ssoc_model_eval(p, x, rho, T, &r.L);
    r.eval = r.L.sigma_S_cm;
    ssoc_model_sigma_batch(p, 1, &x, &rho, &T, &r.batch);
    ssoc_paramsets *s = ssoc_paramsets_alloc(p->p, NULL, 1);
    cr_assert(s);
    double *out = aligned_alloc(64, s->npad * sizeof *out), *g = aligned_alloc(64, s->npad * sizeof *g);
    double *A = aligned_alloc(64, s->npad * sizeof *A), *invT = aligned_alloc(64, 64);
    cr_assert(out && g && A && invT);
    invT[0] = 1.0 / T;
    ssoc_column col;
    ssoc_column_init(x, rho, &col);
    ssoc_kernel_eval(&col, s, 1, invT, out, s->npad, g, A);
    r.kernel = out[0];
    free(out), free(g), free(A), free(invT);
    ssoc_paramsets_free(s);
    return r;
}

/* never NaN, never negative; and agreement where sigma is a normal number */
static void expect_defined(const three *r, double tol, const char *what)
{
    const double v[3] = {r->eval, r->batch, r->kernel};
    const char *name[3] = {"eval", "batch", "kernel"};
    for (int i = 0; i < 3; ++i)
        cr_expect(!isnan(v[i]) && v[i] >= 0.0, "%s: %s sigma = %g", what, name[i], v[i]);
    if (isnormal(r->eval) && tol > 0)
        for (int i = 1; i < 3; ++i)
            cr_expect(tu_rel(v[i], r->eval) < tol, "%s: %s %.17g vs eval %.17g", what, name[i], v[i], r->eval);
}

Test(edge, vf_exactly_zero_is_ungated_and_continuous)
{
    const ssoc_params *p = &ssoc_params_published;
    const double xs[] = {0.60, 0.666, 0.70, 0.75, 0.80};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; ++i) {
        const double rho0 = ssoc_model_rho0_g_cm3(xs[i]);
        three r = sigma3(p, xs[i], rho0, 500.0);
        cr_expect(r.L.v_f == 0.0, "x = %g: v_f = %g at rho = rho0", xs[i], r.L.v_f);
        cr_expect(r.L.p_active == 1.0 && r.L.D_hop_cm2_s == r.L.D_PCC_cm2_s, "x = %g: gated at v_f = 0", xs[i]);
        expect_defined(&r, 1e-12, "v_f = 0");
        /* a relative step of 1e-9 in rho either side moves sigma by (beta2 + alpha_E/kT) 1e-9 ~ 7e-9
         * and the Hill term (1e-9/v_c)^n_H ~ 5e-25: no jump at the PCC/SCC switch */
        for (int sgn = -1; sgn <= 1; sgn += 2) {
            three q = sigma3(p, xs[i], rho0 * (1.0 + sgn * 1e-9), 500.0);
            cr_expect(tu_rel(q.eval, r.eval) < 1e-7, "x = %g: jump across v_f = 0: %.17g vs %.17g", xs[i], q.eval,
                      r.eval);
            expect_defined(&q, 1e-12, "v_f = 0+-");
        }
    }
    cr_expect(ssoc_model_p_active(0.0, 0.125, 3.0) == 1.0);
    cr_expect(ssoc_model_p_active(-0.0, 0.125, 3.0) == 1.0);
}

Test(edge, vf_negative_is_ungated)
{
    const ssoc_params *p = &ssoc_params_published;
    const double factors[] = {1.0 + 1e-12, 1.01, 1.2, 1.5, 3.0, 1e3, 1e12};
    for (size_t i = 0; i < sizeof factors / sizeof factors[0]; ++i) {
        const double rho = ssoc_model_rho0_g_cm3(0.7) * factors[i];
        three r = sigma3(p, 0.7, rho, 500.0);
        cr_expect(r.L.v_f < 0.0 && r.L.p_active == 1.0, "rho = %g: v_f %g p_active %g", rho, r.L.v_f, r.L.p_active);
        expect_defined(&r, 1e-12, "v_f < 0");
    }
    /* very compressed: ln f_eff = beta3 v_f^2 -> -inf: sigma underflows to exactly 0, not NaN */
    three r = sigma3(p, 0.7, ssoc_model_rho0_g_cm3(0.7) * 1e12, 500.0);
    cr_expect(r.eval == 0.0 && r.batch == 0.0 && r.kernel == 0.0, "%g %g %g", r.eval, r.batch, r.kernel);
}

Test(edge, extreme_temperatures)
{
    const ssoc_params *p = &ssoc_params_published;
    const double x = 0.75, rho = 1.73;
    three r500 = sigma3(p, x, rho, 500.0);
    const double Ea = r500.L.Ea_eV;
    /* ln sigma is exactly linear in 1/T (k_B T cancels): sigma(T) = sigma(500) exp(-Ea/kB (1/T - 1/500)) */
    const double Ts[] = {5000.0, 2000.0, 50.0, 20.0};
    for (size_t i = 0; i < sizeof Ts / sizeof Ts[0]; ++i) {
        three r = sigma3(p, x, rho, Ts[i]);
        expect_defined(&r, 1e-12, "extreme T");
        const double ln_ratio = -Ea / SSOC_KB_EV_K * (1.0 / Ts[i] - 1.0 / 500.0);
        cr_expect(fabs(log(r.eval / r500.eval) - ln_ratio) < 1e-10 * fmax(1.0, fabs(ln_ratio)),
                  "T = %g: ln ratio %.17g, Arrhenius %.17g", Ts[i], log(r.eval / r500.eval), ln_ratio);
    }
    /* 1 K: the true ln sigma is about -3740, below ln(DBL_TRUE_MIN) = -744.4: exactly 0, all three */
    const double ln_1K = log(r500.eval) - Ea / SSOC_KB_EV_K * (1.0 - 1.0 / 500.0);
    cr_assert(ln_1K < log(DBL_TRUE_MIN));
    three r1 = sigma3(p, x, rho, 1.0);
    cr_expect(r1.eval == 0.0 && r1.batch == 0.0 && r1.kernel == 0.0, "1 K: %g %g %g", r1.eval, r1.batch, r1.kernel);
    cr_expect(r1.L.Ea_eV == Ea, "Ea does not depend on T");
    /* T -> inf: sigma -> c0 n^(1/3) f_eff p_active, finite; the term-by-term D_PCC overflows first */
    three rh = sigma3(p, x, rho, 1e300);
    expect_defined(&rh, 1e-12, "T = 1e300");
    cr_expect(isfinite(rh.eval) && rh.eval > 1.0, "T = 1e300: %g", rh.eval);
    three rl = sigma3(p, x, rho, 1e-300);
    cr_expect(rl.eval == 0.0 && rl.batch == 0.0 && rl.kernel == 0.0);
}

Test(edge, composition_limits)
{
    const ssoc_params *p = &ssoc_params_published;
    const double xs[] = {1e-9, 1e-6, 1e-3, 0.999, 1.0 - 1e-9, 0x1.fffffffffffffp-1 /* 1 - 2^-53 */};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; ++i)
        for (double rho = 1.0; rho <= 2.5; rho += 0.5) {
            three r = sigma3(p, xs[i], rho, 500.0);
            cr_expect(isfinite(r.eval) && r.eval > 0.0, "x = %.17g rho %g: %g", xs[i], rho, r.eval);
            expect_defined(&r, 1e-12, "x limit");
        }
    /* sigma ~ n_Li^(1/3) ~ x^(1/3) as x -> 0+: continuous down to the smallest double, where the
     * term-by-term product used to underflow to 0 before sigma did */
    three a = sigma3(p, 1e-300, 1.73, 500.0), b = sigma3(p, DBL_TRUE_MIN, 1.73, 500.0);
    expect_defined(&a, 1e-12, "x = 1e-300");
    expect_defined(&b, 1e-12, "x = DBL_TRUE_MIN");
    cr_expect(a.eval > 0.0 && b.eval > 0.0 && b.eval < a.eval, "x -> 0+: %g, %g", a.eval, b.eval);
    three c = sigma3(p, 1e-9, 1.73, 500.0);
    cr_expect(tu_rel(a.eval / c.eval, cbrt(1e-300 / 1e-9)) < 1e-6, "x^(1/3) scaling: %g", a.eval / c.eval);
}

Test(edge, hill_gate_limits)
{
    /* p_active = 1/(1 + (v_f/v_c)^n_H): 1/2 exactly at v_f = v_c, saturating to 1 and 0, never NaN */
    const double ns[] = {1e-6, 0.5, 3.0, 1e3};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; ++i) {
        cr_expect(ssoc_model_p_active(0.125, 0.125, ns[i]) == 0.5, "n_H = %g", ns[i]);
        const double vfs[] = {1e-300, 1e-6, 0.1, 0.125, 0.2, 0.999};
        for (size_t k = 0; k < sizeof vfs / sizeof vfs[0]; ++k) {
            double pa = ssoc_model_p_active(vfs[k], 0.125, ns[i]);
            cr_expect(pa >= 0.0 && pa <= 1.0, "p_active(%g, 0.125, %g) = %g", vfs[k], ns[i], pa);
        }
    }
    cr_expect(ssoc_model_p_active(0.9, 1e-6, 1e3) == 0.0);   /* (v_f/v_c)^n_H overflows: fully gated */
    cr_expect(ssoc_model_p_active(1e-7, 1e-6, 1e3) == 1.0);  /* underflows: open */
}

/* Parameter sets that overflow exp in some layer over the domain, with magnitudes a fit can
 * produce (the fit keeps v_c, n_H in [1e-6, 1e3]; energies and betas are unbounded, so take
 * hundreds of eV and |beta| up to 1e4). */
static const ssoc_params overflow_sets[] = {
    {{0.3220728307, 0.1632984653, 0.125, 3.0, 1000.0, 6.534, 3.052, -21.257}},  /* f_eff = e^1000 = inf */
    {{0.3220728307, 0.1632984653, 0.125, 3.0, -1000.0, 6.534, 3.052, -21.257}}, /* f_eff = 0 */
    {{-50.0, 0.1632984653, 0.125, 3.0, -8.447, 6.534, 3.052, -21.257}},         /* negative barrier */
    {{50.0, -100.0, 0.125, 3.0, -8.447, 6.534, 3.052, -21.257}},
    {{0.32, 100.0, 1e-6, 1e3, -8.447, 6.534, 3.052, -21.257}},                   /* gate overflows */
    {{0.32, 0.16, 1e3, 1e-6, -8.447, 6.534, 1e4, 1e4}},
    {{0.32, 0.16, 0.125, 3.0, -8.447, 6.534, -1e4, -1e4}},
    {{300.0, 300.0, 1e-6, 1e-6, 1000.0, -1000.0, 1e4, -1e4}},
    {{-50.0, 0.0, 1e-6, 64.0, -8.447, 6.534, 3.052, -21.257}}, /* gate e^~800 vs a negative barrier */
};

/* The fast forms against the reference: where eval is a normal number, ln sigma agrees to the
 * rounding of its largest term (the exponent sum is formed differently: k_B T cancelled, the
 * Hill term as a softplus), i.e. |d ln sigma| <= 1e-14 (|barrier|/kT + |ln f_eff| + |z| + 50);
 * where eval is 0 or inf (or subnormal) the fast forms are on the same side of the representable
 * range, up to that same rounding at its very edge. */
static void expect_agree(const ssoc_params *p, const three *r, double T, const char *what)
{
    const double *q = p->p;
    const double vf = r->L.v_f;
    const double z = vf > 0.0 ? q[SSOC_P_NH] * (log(vf) - log(q[SSOC_P_VC])) : 0.0;
    const double scale = fabs(q[SSOC_P_E0] - q[SSOC_P_ALPHA_E] * vf) / (SSOC_KB_EV_K * T) + fabs(r->L.ln_f_eff) +
                         fabs(z) + 50.0;
    const double tol = 1e-14 * scale;
    const double v[2] = {r->batch, r->kernel};
    const char *name[2] = {"batch", "kernel"};
    for (int i = 0; i < 2; ++i) {
        if (isnormal(r->eval) && isnormal(v[i]))
            cr_expect(fabs(log(v[i]) - log(r->eval)) <= tol, "%s: %s %.17g vs eval %.17g (tol %g in ln)", what,
                      name[i], v[i], r->eval, tol);
        else if (isinf(r->eval) || r->eval > 0x1p1023)
            cr_expect(log(v[i]) >= log(DBL_MAX) - tol, "%s: %s %g where eval %g", what, name[i], v[i], r->eval);
        else if (r->eval < DBL_MIN)
            cr_expect(v[i] < DBL_MIN || log(v[i]) <= log(DBL_MIN) + tol, "%s: %s %g where eval %g", what, name[i],
                      v[i], r->eval);
        else
            cr_expect(isnormal(v[i]), "%s: %s %g where eval %g", what, name[i], v[i], r->eval);
    }
}

Test(edge, overflowing_parameters_never_nan)
{
    const double xs[] = {1e-9, 0.6, 0.75, 1.0 - 1e-9};
    const double rhos[] = {0.5, 1.3, 1.83, 2.2, 10.0};
    const double Ts[] = {1.0, 300.0, 1000.0, 5000.0};
    size_t n_inf = 0, n_zero = 0, n_normal = 0;
    for (size_t s = 0; s < sizeof overflow_sets / sizeof overflow_sets[0]; ++s)
        for (size_t i = 0; i < 4; ++i)
            for (size_t j = 0; j < 5; ++j)
                for (size_t t = 0; t < 4; ++t) {
                    three r = sigma3(&overflow_sets[s], xs[i], rhos[j], Ts[t]);
                    char what[96];
                    snprintf(what, sizeof what, "set %zu at (%g, %g, %g K)", s, xs[i], rhos[j], Ts[t]);
                    expect_defined(&r, 0.0, what);
                    expect_agree(&overflow_sets[s], &r, Ts[t], what);
                    n_inf += isinf(r.eval), n_zero += r.eval == 0.0, n_normal += isnormal(r.eval);
                }
    cr_log_info("overflow sets: %zu inf, %zu zero, %zu normal sigma", n_inf, n_zero, n_normal);
    cr_expect(n_inf > 0 && n_zero > 0 && n_normal > 0, "the sets do reach both overflow and underflow");
    /* the case that gave NaN term by term: f_eff = inf times D_hop = 0 at 1 K; true ln sigma
     * is 1000 - 3740 + ..., far below the smallest double */
    three r = sigma3(&overflow_sets[0], 0.75, 1.73, 1.0);
    cr_expect(isinf(r.L.f_eff) && r.L.D_hop_cm2_s == 0.0);
    cr_expect(r.eval == 0.0 && r.batch == 0.0 && r.kernel == 0.0, "%g %g %g", r.eval, r.batch, r.kernel);
    /* and at 500 K the same set really overflows: inf everywhere, not NaN */
    r = sigma3(&overflow_sets[0], 0.75, 1.73, 500.0);
    cr_expect(isinf(r.eval) && isinf(r.batch) && isinf(r.kernel));
    /* (v_f/v_c)^n_H = e^~800 overflows, but a negative barrier more than makes up for it: sigma is
     * an ordinary number (the fast forms' log1p(exp(z)) used to give a gate of inf, sigma 0) */
    const ssoc_params *g = &overflow_sets[sizeof overflow_sets / sizeof overflow_sets[0] - 1];
    r = sigma3(g, 0.75, 1.0, 1000.0);
    cr_assert(r.L.v_f > 0.0 && isinf(pow(r.L.v_f / g->p[SSOC_P_VC], g->p[SSOC_P_NH])));
    cr_expect(isnormal(r.eval) && isnormal(r.batch) && isnormal(r.kernel), "%g %g %g", r.eval, r.batch, r.kernel);
    cr_expect(tu_rel(r.batch, r.eval) < 1e-11 && tu_rel(r.kernel, r.eval) < 1e-11, "%.17g %.17g %.17g", r.eval,
              r.batch, r.kernel);
}

/* a small data set: 4 PCC and 4 SCC points generated from the published model */
static ssoc_dataset *model_data(double T, double vf_pcc, int vf_pcc_varies, double vf_scc_lo, double vf_scc_hi)
{
    ssoc_dataset *d = ssoc_dataset_alloc(8);
    cr_assert(d);
    const double xs[] = {0.67, 0.70, 0.73, 0.75};
    for (int i = 0; i < 8; ++i) {
        const double x = xs[i % 4];
        const int scc = i >= 4;
        const double vf = scc ? vf_scc_lo + (vf_scc_hi - vf_scc_lo) * (i - 4) / 3.0
                              : (vf_pcc_varies ? vf_pcc - 0.05 * i : vf_pcc);
        const double rho = ssoc_model_rho0_g_cm3(x) * (1.0 - vf);
        ssoc_layers L;
        ssoc_model_eval(&ssoc_params_published, x, rho, T, &L);
        d->x[i] = x, d->rho_g_cm3[i] = rho, d->T_K[i] = T;
        d->D_hop_cm2_s[i] = L.D_hop_cm2_s * (1.0 + 0.01 * ((i * 7) % 5 - 2)); /* not an exact fit */
        d->sigma_S_cm[i] = L.sigma_S_cm * (1.0 + 0.01 * ((i * 3) % 5 - 2));
        d->d_max_A[i] = NAN, d->regime[i] = scc ? SSOC_REGIME_SCC : SSOC_REGIME_PCC, d->line[i] = i + 2;
    }
    d->n = 8;
    ssoc_dataset_count_regimes(d);
    return d;
}

static void expect_fit_defined(ssoc_dataset *d, const char *what, int must_succeed)
{
    ssoc_fit_opts fo;
    ssoc_fit_opts_default(&fo);
    ssoc_fit_result res;
    ssoc_error err;
    ssoc_error_clear(&err);
    ssoc_status st = ssoc_fit_run(d, &fo, &res, &err);
    if (st == SSOC_OK) {
        for (int i = 0; i < SSOC_NPARAM; ++i)
            cr_expect(isfinite(res.params.p[i]), "%s: %s = %g", what, ssoc_param_name(i), res.params.p[i]);
    } else {
        cr_expect(st == SSOC_EFIT || st == SSOC_EDATA, "%s: status %d", what, (int)st);
        cr_expect(strstr(err.msg, "stage") != NULL, "%s: message names no stage: %s", what, err.msg);
        cr_log_info("%s: %s", what, err.msg);
    }
    if (must_succeed)
        cr_expect(st == SSOC_OK, "%s: %s", what, err.msg);
    ssoc_dataset_free(d);
}

Test(edge, fit_at_extreme_temperatures_and_free_volumes)
{
    expect_fit_defined(model_data(500.0, -0.05, 1, 0.05, 0.25), "500 K reference", 1);
    expect_fit_defined(model_data(5000.0, -0.05, 1, 0.05, 0.25), "5000 K", 1);
    /* at 20 K the data's sigma is ~1e-85: still representable, the fit works in logs */
    expect_fit_defined(model_data(20.0, -0.05, 1, 0.05, 0.25), "20 K", 1);
    /* every PCC point at v_f = 0 exactly: stage 1 has no v_f lever arm -> singular, not NaN */
    expect_fit_defined(model_data(500.0, 0.0, 0, 0.05, 0.25), "PCC all at v_f = 0", 0);
    /* SCC points at v_f <= 0 are never gated: stage 2 has nothing to fit -> a clear failure */
    expect_fit_defined(model_data(500.0, -0.05, 1, -0.2, 0.0), "SCC all at v_f <= 0", 0);
    /* SCC points deep in the gated regime: p_active ~ (v_c/v_f)^n_H, still finite */
    expect_fit_defined(model_data(500.0, -0.05, 1, 0.6, 0.9), "SCC at v_f 0.6-0.9", 0);
}

Test(edge, data_at_x_limits_reads_and_fits)
{
    /* x just inside (0, 1) is valid data; the reader keeps it exactly and the fit stays finite */
    const char *path = tu_write_tmp(".csv", "x,rho,T,D_hop,sigma,regime\n"
                                            "1e-9,1.7,500,1.6e-6,3.4e-6,PCC\n"
                                            "0.3,1.6,500,1.5e-6,1.2e-4,PCC\n"
                                            "0.7,1.5,500,1.4e-6,1.1e-3,PCC\n"
                                            "0.999999999,1.65,500,6e-7,6e-4,SCC\n"
                                            "0.75,1.45,500,5e-7,5e-4,SCC\n"
                                            "0.72,1.40,500,4e-7,4e-4,SCC\n");
    ssoc_dataset *d = NULL;
    ssoc_error err;
    cr_assert(ssoc_data_read_csv(path, SSOC_D_CRIT_DEFAULT_A, &d, &err) == SSOC_OK, "%s", err.msg);
    cr_expect(d->x[0] == 1e-9 && d->x[3] == 0.999999999);
    expect_fit_defined(d, "x at 0+ and 1-", 0);
}

Test(edge, absurd_bootstrap_size_is_a_clear_error)
{
    /* the B x 8 table cannot be allocated: SSOC_ENOMEM with a message, nothing run, nothing leaked.
     * (Under AddressSanitizer this needs allocator_may_return_null=1, which tests/sanitize.sh sets.) */
    cr_expect(ssoc_boot_result_alloc(SIZE_MAX / 8, 0) == NULL, "B x 8 doubles overflows size_t");
    cr_expect(ssoc_boot_result_alloc(SIZE_MAX / 64 - 1, 0) == NULL, "a 2^58-row table is not allocatable");
    ssoc_dataset *d = NULL;
    ssoc_error err;
    cr_assert(ssoc_data_read_csv(tu_src("data/kim2026_lps_aimd_500K.csv"), SSOC_D_CRIT_DEFAULT_A, &d, &err) ==
              SSOC_OK);
    ssoc_fit_opts fo;
    ssoc_fit_opts_default(&fo);
    ssoc_boot_opts bo;
    ssoc_boot_opts_default(&bo);
    bo.B = (size_t)1 << 58;
    ssoc_boot_result *r = NULL;
    ssoc_error_clear(&err);
    cr_expect(ssoc_boot_run(d, &fo, &ssoc_params_published, &bo, &r, &err) == SSOC_ENOMEM, "%s", err.msg);
    cr_expect(r == NULL && strstr(err.msg, "bootstrap replicates") != NULL, "%s", err.msg);
    ssoc_dataset_free(d);
}

/* The sweep's up-front memory estimate (issue 8): proportional to what it should be, so a huge B or
 * grid is refused before allocation (the refusal itself: tests/cli_edge_sweep.sh under ulimit -v). */
static ssoc_sweep_mem estimate(const char *B, const char *x, const char *rho, const char *T, int threads)
{
    char data[600], sb[64], sx[64], sr[64], sT[64];
    snprintf(data, sizeof data, "data.file=%s", tu_src("data/kim2026_lps_aimd_500K.csv"));
    snprintf(sb, sizeof sb, "bootstrap.B=%s", B);
    snprintf(sx, sizeof sx, "grid.x=%s", x);
    snprintf(sr, sizeof sr, "grid.rho=%s", rho);
    snprintf(sT, sizeof sT, "grid.T=%s", T);
    const char *sets[] = {data, sb, sx, sr, sT};
    ssoc_config c;
    ssoc_error err;
    cr_assert(ssoc_config_load(NULL, sets, 5, &c, &err) == SSOC_OK, "%s", err.msg);
    ssoc_sweep_mem m;
    ssoc_sweep_mem_estimate(&c, 35, 1, threads, &m);
    ssoc_config_free(&c);
    cr_expect(m.total == m.replicates + m.threads + m.grid + m.base);
    return m;
}

Test(edge, sweep_memory_estimate_scales)
{
    const ssoc_sweep_mem a = estimate("1000", "0.6:0.8:201", "1.3:2.2:181", "300:800:11", 2);
    const ssoc_sweep_mem b = estimate("100000", "0.6:0.8:201", "1.3:2.2:181", "300:800:11", 2);
    const ssoc_sweep_mem c = estimate("1000", "0.6:0.8:201", "1.3:2.2:181", "300:800:11", 1);
    const ssoc_sweep_mem d = estimate("1000", "0.6:0.8:2010", "1.3:2.2:1810", "300:800:11", 2);
    /* B x 8 table + kernel sets + rule preparations: at least 200 bytes per replicate */
    cr_expect(b.replicates > 200.0 * 100000 && tu_rel(b.replicates / a.replicates, 100.0) < 0.01, "%g %g",
              a.replicates, b.replicates);
    /* per thread at least the nT x B kernel rows */
    cr_expect(b.threads > 2 * 11 * 100000 * 8.0 && tu_rel(a.threads / c.threads, 2.0) < 1e-12);
    /* the structure layers alone are 16 bytes per (x, rho) column */
    cr_expect(d.grid - a.grid > 16.0 * (2010 * 1810 - 201 * 181), "%g %g", a.grid, d.grid);
    /* the default study is small: the measured peak RSS is ~31 MB (benchmarks/README.md) */
    cr_expect(a.total > 31e6 && a.total < 100e6, "%g", a.total);
    const char *src = NULL;
    const double avail = ssoc_mem_available(&src);
    cr_expect(avail > 0 && src != NULL, "%g from %s", avail, src);
}
