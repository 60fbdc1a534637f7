/* docs/MODEL.md, "The framework" and "The published set at 500 K": the rho0 table and the
 * published-set reference table, scalar and batched. */
#include <criterion/criterion.h>
#include <math.h>

#include "ssoc/model.h"
#include "testutil.h"

struct ref_row {
    double x, rho, D_hop, f_eff, sigma;
};
static const struct ref_row ref[] = {
    {0.666, 2.15, 7.8058776255e-07, 5.0239109935e-03, 2.3988231473e-04},
    {0.666, 1.60, 1.4928237906e-06, 1.7505879299e-02, 1.1896208190e-03},
    {0.692, 1.70, 1.8646633975e-06, 2.2016838047e-02, 2.1575009685e-03},
    {0.714, 1.65, 1.5963870856e-06, 2.5031693381e-02, 2.1877063626e-03},
    {0.733, 1.45, 6.6971914496e-07, 1.9340014895e-02, 6.6277382793e-04},
    {0.750, 1.73, 1.6658551686e-06, 3.2000140416e-02, 3.4408431465e-03},
    {0.750, 1.40, 5.3381344052e-07, 1.8085497117e-02, 5.0428684418e-04},
};
#define NREF (sizeof ref / sizeof ref[0])
/* The table is printed with 11 significant digits, so 1e-9 relative is the contract. */
#define TOL 1e-9

Test(model, rho0_reference_table)
{
    const double xs[] = {0.666, 0.692, 0.714, 0.733, 0.750};
    const double rho0[] = {1.828, 1.829, 1.831, 1.832, 1.833};
    for (int i = 0; i < 5; ++i) /* printed to 3 decimals: half a unit in the last place */
        cr_expect(fabs(ssoc_model_rho0_g_cm3(xs[i]) - rho0[i]) <= 5e-4, "rho0(%g) = %.6f", xs[i],
                  ssoc_model_rho0_g_cm3(xs[i]));
    cr_expect(fabs(ssoc_model_molar_mass_g_mol(0.75) - 90.028) < 5e-4);
}

Test(model, published_parameters)
{
    const double *p = ssoc_params_published.p;
    cr_expect(tu_rel(p[SSOC_P_E0], 0.3220728307) < 1e-9);
    cr_expect(tu_rel(p[SSOC_P_ALPHA_E], 0.1632984653) < 1e-9);
    cr_expect(p[SSOC_P_VC] == 0.125 && p[SSOC_P_NH] == 3.0);
    cr_expect(p[SSOC_P_BETA0] == -8.447 && p[SSOC_P_BETA3] == -21.257);
}

Test(model, scalar_reference_table)
{
    for (size_t i = 0; i < NREF; ++i) {
        ssoc_layers L;
        ssoc_model_eval(&ssoc_params_published, ref[i].x, ref[i].rho, 500.0, &L);
        cr_expect(tu_rel(L.D_hop_cm2_s, ref[i].D_hop) < TOL, "row %zu D_hop %.10e", i, L.D_hop_cm2_s);
        cr_expect(tu_rel(L.f_eff, ref[i].f_eff) < TOL, "row %zu f_eff %.10e", i, L.f_eff);
        cr_expect(tu_rel(L.sigma_S_cm, ref[i].sigma) < TOL, "row %zu sigma %.10e", i, L.sigma_S_cm);
        /* internal consistency of the layers */
        cr_expect(tu_rel(L.D_hop_cm2_s, L.D_PCC_cm2_s * L.p_active) < 1e-15);
        cr_expect(tu_rel(L.a_cm, cbrt(1.0 / L.n_Li_cm3)) < 1e-14);
        cr_expect(tu_rel(L.Ea_eV, ssoc_params_published.p[0] - ssoc_params_published.p[1] * L.v_f) < 1e-15);
    }
}

Test(model, batch_matches_reference_at_every_offset)
{
    /* Each reference point placed at every position of a 19-long batch (covers full vectors and the
     * padded tail): the value must be the same bits wherever it sits, and within 1e-9 of the
     * reference. */
    enum { N = 19 };
    for (size_t r = 0; r < NREF; ++r) {
        double first = NAN;
        for (int pos = 0; pos < N; ++pos) {
            double x[N], rho[N], T[N], s[N];
            for (int k = 0; k < N; ++k) {
                x[k] = 0.70 + 0.002 * k;
                rho[k] = 1.5 + 0.03 * k;
                T[k] = 300.0 + 20.0 * k;
            }
            x[pos] = ref[r].x;
            rho[pos] = ref[r].rho;
            T[pos] = 500.0;
            ssoc_model_sigma_batch(&ssoc_params_published, N, x, rho, T, s);
            cr_assert(tu_rel(s[pos], ref[r].sigma) < TOL, "row %zu pos %d: %.12e", r, pos, s[pos]);
            if (pos == 0)
                first = s[pos];
            cr_expect(s[pos] == first, "row %zu: bits differ at pos %d", r, pos);
        }
    }
}

Test(model, batch_matches_scalar_on_random_points)
{
    /* High-entropy inputs over and beyond the data range, including compressed glass (v_f < 0). */
    unsigned long long s = 88172645463325252ull;
    for (int i = 0; i < 2000; ++i) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        double u1 = (double)(s >> 11) / 9007199254740992.0;
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        double u2 = (double)(s >> 11) / 9007199254740992.0;
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        double u3 = (double)(s >> 11) / 9007199254740992.0;
        double x = 0.05 + 0.9 * u1, rho = 1.0 + 1.5 * u2, T = 200.0 + 1000.0 * u3, out;
        ssoc_layers L;
        ssoc_model_eval(&ssoc_params_published, x, rho, T, &L);
        ssoc_model_sigma_batch(&ssoc_params_published, 1, &x, &rho, &T, &out);
        cr_assert(tu_rel(out, L.sigma_S_cm) < 1e-12, "x=%g rho=%g T=%g: %.17g vs %.17g", x, rho, T, out,
                  L.sigma_S_cm);
    }
}

Test(model, gating_is_one_when_compressed)
{
    cr_expect(ssoc_model_p_active(0.0, 0.125, 3.0) == 1.0);
    cr_expect(ssoc_model_p_active(-0.1, 0.125, 3.0) == 1.0);
    cr_expect(tu_rel(ssoc_model_p_active(0.125, 0.125, 3.0), 0.5) < 1e-15);
}

Test(model, parameter_names_round_trip)
{
    for (int i = 0; i < SSOC_NPARAM; ++i)
        cr_expect(ssoc_param_index(ssoc_param_name(i)) == i);
    cr_expect(ssoc_param_index("gamma") == -1);
    cr_expect(ssoc_param_index(NULL) == -1);
    cr_expect(ssoc_param_name(SSOC_NPARAM) == NULL && ssoc_param_unit(-1) == NULL);
    cr_expect_str_eq(ssoc_param_name(SSOC_P_LNA), "ln_A");
    cr_expect(ssoc_params_published.p[SSOC_P_LNA] == 0.0, "the published model has the attempt frequency k_B T/h");
    cr_expect(tu_rel(ssoc_params_vf_star(&ssoc_params_published), 3.052 / (2 * 21.257)) < 1e-15);
}
