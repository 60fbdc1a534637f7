/* ssoc validate (issue 9): constructed external data generated from known parameters give exact
 * validation numbers; a known factor gives that factor in the numbers and the sentence; the
 * model's activation energy (a central difference of ln sigma in 1/T) equals E0 - alpha_E v_f to
 * 1e-9 eV; bootstrap bands are the type-7 quantiles of a known replicate table; the optional Ea
 * column may be absent; every malformed row is an error naming file, line and column. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/model.h"
#include "ssoc/stats.h"
#include "ssoc/validate.h"
#include "testutil.h"

/* Known parameters that are not the published ones (the all-free staged fit of docs/MODEL.md,
 * "The three-stage fit of the shipped data"). */
static const ssoc_params Q = {{0.322067, 0.163283, 0.119565, 2.756395, -8.38441, 6.48279, 3.20657, -22.44946}};

/* The shipped data's range (docs/MODEL.md, "Data"): x 0.666-0.750, T 500 K; v_f bounds round numbers. */
static const ssoc_data_range RANGE = {0.666, 0.750, -0.18, 0.24, 500.0, 500.0};

typedef struct pt {
    double x, rho, T;
} pt;

/* Compositions, densities (v_f from about -0.09 to +0.2) and temperatures, all inside RANGE in x
 * and v_f; T both at and away from 500 K. */
static const pt PTS[] = {
    {0.666, 1.99, 300.0}, {0.692, 1.70, 350.0}, {0.714, 1.65, 400.0}, {0.733, 1.45, 500.0},
    {0.750, 1.73, 600.0}, {0.700, 1.83, 450.0}, {0.680, 1.55, 500.0}, {0.745, 1.60, 700.0},
};
#define NPTS (sizeof PTS / sizeof PTS[0])

/* Build the CSV text of observations sigma_obs = factor * model(q) at pts, with an Ea column
 * (E0 - alpha_E v_f of q_ea, or none when q_ea is NULL) and an extra ignored column. */
static const char *make_csv(const ssoc_params *q, double factor, const ssoc_params *q_ea, const pt *pts, size_t n)
{
    static char buf[8192];
    size_t k = (size_t)snprintf(buf, sizeof buf, "# constructed from known parameters\nx,comment,rho,T,sigma%s\n",
                                q_ea ? ",Ea" : "");
    for (size_t i = 0; i < n; ++i) {
        ssoc_layers L;
        ssoc_model_eval(q, pts[i].x, pts[i].rho, pts[i].T, &L);
        k += (size_t)snprintf(buf + k, sizeof buf - k, "%.17g,run%zu,%.17g,%.17g,%.17g", pts[i].x, i, pts[i].rho,
                              pts[i].T, factor * L.sigma_S_cm);
        if (q_ea)
            k += (size_t)snprintf(buf + k, sizeof buf - k, ",%.17g",
                                  q_ea->p[SSOC_P_E0] - q_ea->p[SSOC_P_ALPHA_E] * L.v_f);
        k += (size_t)snprintf(buf + k, sizeof buf - k, "\n");
    }
    cr_assert(k < sizeof buf);
    const char *path = tu_write_tmp(".csv", buf);
    cr_assert(path);
    return path;
}

static ssoc_csv *read_table(const char *path)
{
    ssoc_csv *t = NULL;
    ssoc_error e;
    ssoc_error_clear(&e);
    cr_assert(ssoc_csv_read(path, &t, &e) == SSOC_OK, "%s", e.msg);
    return t;
}

static ssoc_validate_report *run_ok(const char *path, const ssoc_params *p, const ssoc_data_range *range,
                                    const ssoc_boot_result *boot)
{
    ssoc_csv *t = read_table(path);
    ssoc_validate_report *rep = NULL;
    ssoc_error e;
    ssoc_error_clear(&e);
    ssoc_status st = ssoc_validate_run(t, p, range, boot, &rep, &e);
    cr_assert(st == SSOC_OK, "status %d: %s", st, e.msg);
    cr_assert(rep);
    ssoc_csv_free(t);
    return rep;
}

/* Run on CSV text that must fail; check the code and that the message holds every needle. */
static void expect_fail(const char *text, ssoc_status code, const char *needle1, const char *needle2)
{
    const char *path = tu_write_tmp(".csv", text);
    ssoc_csv *t = read_table(path);
    ssoc_validate_report *rep = (ssoc_validate_report *)1;
    ssoc_error e;
    ssoc_error_clear(&e);
    ssoc_status st = ssoc_validate_run(t, &Q, &RANGE, NULL, &rep, &e);
    cr_expect(st == code, "'%s': status %d, wanted %d (%s)", text, st, code, e.msg);
    cr_expect(rep == NULL);
    char want[512];
    snprintf(want, sizeof want, "%s:%s", path, needle1);
    cr_expect(strstr(e.msg, want), "message '%s' lacks '%s'", e.msg, want);
    if (needle2)
        cr_expect(strstr(e.msg, needle2), "message '%s' lacks '%s'", e.msg, needle2);
    ssoc_csv_free(t);
}

Test(validate, exact_when_data_come_from_the_parameters)
{
    ssoc_validate_report *rep = run_ok(make_csv(&Q, 1.0, &Q, PTS, NPTS), &Q, &RANGE, NULL);
    const ssoc_validate_summary *s = &rep->summary;
    cr_assert_eq(rep->n, NPTS);
    cr_expect(rep->has_Ea_column);
    size_t off_T = 0;
    for (size_t i = 0; i < NPTS; ++i) {
        const ssoc_validate_row *r = &rep->rows[i];
        cr_expect_eq(r->line, (int)i + 3, "row %zu line %d", i, r->line);
        cr_expect(fabs(r->ratio - 1.0) < 1e-12, "row %zu ratio %.17g", i, r->ratio);
        cr_expect(fabs(r->log10_err) < 1e-12, "row %zu log10 err %g", i, r->log10_err);
        cr_expect(fabs(r->Ea_diff_eV) < 1e-9, "row %zu Ea diff %g", i, r->Ea_diff_eV);
        const unsigned want = PTS[i].T != 500.0 ? SSOC_EXTRAP_T : 0u;
        cr_expect_eq(r->extrap, want, "row %zu flags %u", i, r->extrap);
        off_T += PTS[i].T != 500.0;
        cr_expect(isnan(r->band_lo_S_cm) && !r->inside_band);
    }
    cr_expect(fabs(s->r_log10_sigma - 1.0) < 1e-12, "r = %.17g", s->r_log10_sigma);
    cr_expect(s->rmse_log10_sigma < 1e-12, "RMSE = %g", s->rmse_log10_sigma);
    cr_expect(fabs(s->mean_ratio - 1.0) < 1e-12 && fabs(s->median_ratio - 1.0) < 1e-12);
    cr_expect(fabs(s->mean_Ea_diff_eV) < 1e-9);
    cr_expect_eq(s->n_Ea, NPTS);
    cr_expect_eq(s->n_Ea_ratio, off_T);
    cr_expect(fabs(s->Ea_ratio - 1.0) < 1e-9, "Ea ratio %.17g", s->Ea_ratio);
    cr_expect_eq(s->n_extrap_T, off_T);
    cr_expect_eq(s->n_extrap_x + s->n_extrap_vf, 0);
    cr_expect_eq(s->n_extrap_any, off_T);
    cr_expect(s->agrees && s->range_known && !s->has_band);
    cr_expect(strstr(s->sentence, "Predictions at 300-700 K agree with the observations on the median (median ratio 1)"),
              "%s", s->sentence);
    cr_expect(strstr(s->sentence, "lie outside the fitted temperatures"), "%s", s->sentence);
    cr_expect(strstr(s->sentence, "match the model's to within 0.001 eV"), "%s", s->sentence);
    ssoc_validate_report_free(rep);
}

Test(validate, a_known_factor_of_two_below)
{
    /* Observations twice the model, all at 300 K against a 500 K fit: the textbook case. */
    pt p300[NPTS];
    for (size_t i = 0; i < NPTS; ++i)
        p300[i] = (pt){PTS[i].x, PTS[i].rho, 300.0};
    ssoc_validate_report *rep = run_ok(make_csv(&Q, 2.0, NULL, p300, NPTS), &Q, &RANGE, NULL);
    const ssoc_validate_summary *s = &rep->summary;
    for (size_t i = 0; i < NPTS; ++i) {
        cr_expect(fabs(rep->rows[i].ratio - 0.5) < 1e-12, "row %zu ratio %.17g", i, rep->rows[i].ratio);
        cr_expect(fabs(rep->rows[i].log10_err + log10(2.0)) < 1e-12);
        cr_expect_eq(rep->rows[i].extrap, SSOC_EXTRAP_T);
    }
    cr_expect(fabs(s->median_ratio - 0.5) < 1e-12 && fabs(s->mean_ratio - 0.5) < 1e-12);
    cr_expect(fabs(s->rmse_log10_sigma - log10(2.0)) < 1e-12);
    cr_expect(fabs(s->r_log10_sigma - 1.0) < 1e-12);
    cr_expect(!s->agrees);
    cr_expect(!rep->has_Ea_column && s->n_Ea == 0 && isnan(s->mean_Ea_diff_eV) && isnan(s->Ea_ratio));
    cr_expect_str_eq(s->sentence, "Predictions at 300 K are 2 times below the observations: "
                                  "the 500 K fit does not transfer to room temperature.");
    ssoc_validate_report_free(rep);
}

Test(validate, a_known_factor_above_at_other_temperatures)
{
    pt p[3] = {{0.70, 1.70, 800.0}, {0.72, 1.65, 800.0}, {0.74, 1.75, 800.0}};
    ssoc_validate_report *rep = run_ok(make_csv(&Q, 1.0 / 3.7, NULL, p, 3), &Q, &RANGE, NULL);
    cr_expect(fabs(rep->summary.median_ratio - 3.7) < 1e-12);
    cr_expect_str_eq(rep->summary.sentence, "Predictions at 800 K are 3.7 times above the observations: "
                                            "the 500 K fit does not transfer to 800 K.");
    ssoc_validate_report_free(rep);
}

Test(validate, Ea_is_E0_minus_alphaE_vf)
{
    const ssoc_params *sets[] = {&ssoc_params_published, &Q};
    for (int k = 0; k < 2; ++k)
        for (double x = 0.55; x < 0.95; x += 0.037)
            for (double rho = 1.2; rho < 2.4; rho += 0.113)
                for (double T = 200.0; T < 1300.0; T += 173.0) {
                    const ssoc_params *p = sets[k];
                    const double vf = ssoc_model_vf(x, rho);
                    const double want = p->p[SSOC_P_E0] - p->p[SSOC_P_ALPHA_E] * vf;
                    const double got = ssoc_validate_Ea_eV(p, x, rho, T);
                    cr_assert(fabs(got - want) < 1e-9 && tu_rel(got, want) < 1e-9,
                              "x %g rho %g T %g: Ea %.17g vs %.17g", x, rho, T, got, want);
                }
    /* A parameter set whose barrier depends strongly on v_f: still exact (ln sigma is linear in 1/T). */
    ssoc_params p = Q;
    p.p[SSOC_P_ALPHA_E] = 1.7;
    const double vf = ssoc_model_vf(0.7, 1.5);
    cr_expect(fabs(ssoc_validate_Ea_eV(&p, 0.7, 1.5, 310.0) - (p.p[SSOC_P_E0] - 1.7 * vf)) < 1e-9);
    /* sigma that underflows to 0 has no slope. */
    p = Q;
    p.p[SSOC_P_BETA0] = -800.0;
    cr_expect(isnan(ssoc_validate_Ea_eV(&p, 0.7, 1.5, 300.0)));
}

Test(validate, Ea_difference_that_explains_the_gap_is_called_the_barrier)
{
    /* Truth: barrier lower by dE, prefactor raised so truth and model agree at 500 K. Then at
     * 300 K the whole gap is the activation-energy difference: Ea_ratio = median ratio. */
    const double dE = 0.05;
    ssoc_params truth = Q;
    truth.p[SSOC_P_E0] -= dE;
    truth.p[SSOC_P_BETA0] -= dE / (SSOC_KB_EV_K * 500.0);
    pt p[4] = {{0.67, 1.80, 300.0}, {0.70, 1.72, 300.0}, {0.72, 1.66, 300.0}, {0.75, 1.76, 300.0}};
    ssoc_validate_report *rep = run_ok(make_csv(&truth, 1.0, &truth, p, 4), &Q, &RANGE, NULL);
    const ssoc_validate_summary *s = &rep->summary;
    const double want = exp(-dE / SSOC_KB_EV_K * (1.0 / 300.0 - 1.0 / 500.0));
    for (int i = 0; i < 4; ++i) {
        cr_expect(tu_rel(rep->rows[i].ratio, want) < 1e-9, "ratio %.17g vs %.17g", rep->rows[i].ratio, want);
        cr_expect(fabs(rep->rows[i].Ea_diff_eV + dE) < 1e-9);
    }
    cr_expect(fabs(s->mean_Ea_diff_eV + dE) < 1e-9);
    cr_expect(tu_rel(s->Ea_ratio, s->median_ratio) < 1e-9, "%.17g vs %.17g", s->Ea_ratio, s->median_ratio);
    cr_expect(!s->agrees);
    cr_expect(strstr(s->sentence, "Predictions at 300 K are 2.2 times below the observations: the 500 K fit does "
                                  "not transfer to room temperature; the observed activation energies are 0.050 eV "
                                  "below the model's on average, which accounts for a factor of 2.2 of it: the "
                                  "temperature dependence (the barrier) is what does not transfer (the model's, "
                                  "which data at one temperature could not measure: it rests on the assumed attempt "
                                  "frequency k_B T/h)."),
              "%s", s->sentence);
    ssoc_validate_report_free(rep);

    /* Same gap made of magnitude only (a constant factor, same barrier). Fitted at one temperature,
     * the model's barrier was assumed, not measured: the sentence cannot put the gap on the
     * magnitude, and says so. */
    const char *magnitude = make_csv(&Q, 1.0 / want, &Q, p, 4);
    rep = run_ok(magnitude, &Q, &RANGE, NULL);
    cr_expect(fabs(rep->summary.Ea_ratio - 1.0) < 1e-9 && rep->summary.one_T);
    cr_expect(!strstr(rep->summary.sentence, "not in its temperature dependence"), "%s", rep->summary.sentence);
    cr_expect(strstr(rep->summary.sentence, "which would account for a factor of only 1; but the model's activation "
                                            "energy was not measured (the fitted data hold one temperature, so it "
                                            "rests on the assumed attempt frequency k_B T/h), so these data cannot "
                                            "tell whether the gap lies in the magnitude of sigma or in its "
                                            "temperature dependence."),
              "%s", rep->summary.sentence);
    ssoc_validate_report_free(rep);
    /* Fitted at two temperatures (500-600 K), the barrier was measured: "magnitude". */
    const ssoc_data_range two_T = {0.666, 0.750, -0.18, 0.24, 500.0, 600.0};
    rep = run_ok(magnitude, &Q, &two_T, NULL);
    cr_expect(!rep->summary.one_T);
    cr_expect(strstr(rep->summary.sentence, "which accounts for a factor of only 1, so the gap lies in the magnitude "
                                            "of sigma, not in its temperature dependence"),
              "%s", rep->summary.sentence);
    ssoc_validate_report_free(rep);
}

Test(validate, extrapolation_in_x_and_vf_and_unknown_range)
{
    pt p[3] = {{0.60, 1.70, 500.0}, {0.70, 1.10, 500.0}, {0.70, 1.70, 500.0}};
    ssoc_validate_report *rep = run_ok(make_csv(&Q, 4.0, NULL, p, 3), &Q, &RANGE, NULL);
    const ssoc_validate_summary *s = &rep->summary;
    cr_expect_eq(rep->rows[0].extrap, SSOC_EXTRAP_X);
    cr_expect_eq(rep->rows[1].extrap, SSOC_EXTRAP_VF, "v_f %g", rep->rows[1].v_f);
    cr_expect_eq(rep->rows[2].extrap, 0u);
    cr_expect(s->n_extrap_x == 1 && s->n_extrap_vf == 1 && s->n_extrap_T == 0 && s->n_extrap_any == 2);
    cr_expect_str_eq(s->sentence, "Predictions at 500 K are 4 times below the observations: the fit does not "
                                  "extrapolate in x and v_f (2 of 3 observations lie outside the fitted range).");
    ssoc_validate_report_free(rep);

    /* Inside the range and off: the model itself misses the data. */
    rep = run_ok(make_csv(&Q, 4.0, NULL, p + 2, 1), &Q, &RANGE, NULL);
    cr_expect(strstr(rep->summary.sentence, "the model misses these data although every observation lies inside "
                                            "the fitted range"),
              "%s", rep->summary.sentence);
    cr_expect(isnan(rep->summary.r_log10_sigma)); /* one point: r undefined */
    ssoc_validate_report_free(rep);

    /* Inside the range and right: says so. */
    rep = run_ok(make_csv(&Q, 1.2, NULL, p + 2, 1), &Q, &RANGE, NULL);
    cr_expect_str_eq(rep->summary.sentence, "Predictions at 500 K agree with the observations on the median "
                                            "(median ratio 0.833), inside the fitted range.");
    ssoc_validate_report_free(rep);

    /* No range: no flags, and the sentence says extrapolation cannot be judged. */
    rep = run_ok(make_csv(&Q, 4.0, NULL, p, 3), &Q, NULL, NULL);
    for (int i = 0; i < 3; ++i)
        cr_expect_eq(rep->rows[i].extrap, 0u);
    cr_expect(!rep->summary.range_known && !rep->has_range);
    cr_expect(strstr(rep->summary.sentence, "whether that is extrapolation is unknown"), "%s", rep->summary.sentence);
    ssoc_validate_report_free(rep);
}

Test(validate, optional_Ea_column_and_empty_Ea_fields)
{
    const char *path = tu_write_tmp(".csv", "T,sigma,rho,x,Ea,note\n"
                                            "500,2e-3,1.70,0.70,,a\n"
                                            "400,1e-3,1.75,0.72,0.31,b\n"
                                            "300,5e-4,1.80,0.74,0.29,c\n");
    ssoc_validate_report *rep = run_ok(path, &Q, &RANGE, NULL);
    cr_expect(rep->has_Ea_column);
    cr_expect(isnan(rep->rows[0].Ea_obs_eV) && isnan(rep->rows[0].Ea_diff_eV));
    cr_expect(isfinite(rep->rows[0].Ea_model_eV));
    cr_expect_eq(rep->summary.n_Ea, 2);
    const double d1 = 0.31 - rep->rows[1].Ea_model_eV, d2 = 0.29 - rep->rows[2].Ea_model_eV;
    cr_expect(fabs(rep->summary.mean_Ea_diff_eV - 0.5 * (d1 + d2)) < 1e-15);
    cr_expect_eq(rep->summary.n_Ea_ratio, 2);
    ssoc_validate_report_free(rep);

    rep = run_ok(tu_write_tmp(".csv", "x,rho,T,sigma\n0.7,1.7,500,2e-3\n"), &Q, &RANGE, NULL);
    cr_expect(!rep->has_Ea_column && rep->summary.n_Ea == 0 && isnan(rep->rows[0].Ea_obs_eV));
    cr_expect(!strstr(rep->summary.sentence, "activation"), "%s", rep->summary.sentence);
    ssoc_validate_report_free(rep);
}

Test(validate, malformed_rows_name_file_line_and_column)
{
    expect_fail("x,rho,T,sigma\n0.7,1.7,500,2e-3\n0.7,abc,500,2e-3\n", SSOC_EDATA, "3: column 'rho'", "not a number");
    expect_fail("# c\n# c\nx,rho,T,sigma\n0.7,1.7,500,nan\n", SSOC_EDATA, "4: column 'sigma'", "NaN");
    expect_fail("x,rho,T,sigma\n1.2,1.7,500,2e-3\n", SSOC_EDATA, "2: column 'x'", "(0, 1)");
    expect_fail("x,rho,T,sigma\n0,1.7,500,2e-3\n", SSOC_EDATA, "2: column 'x'", "(0, 1)");
    expect_fail("x,rho,T,sigma\n0.7,1.7,500,0\n", SSOC_EDATA, "2: column 'sigma'", "must be > 0");
    expect_fail("x,rho,T,sigma\n0.7,1.7,500,-2e-3\n", SSOC_EDATA, "2: column 'sigma'", "must be > 0");
    expect_fail("x,rho,T,sigma\n0.7,-1.7,500,2e-3\n", SSOC_EDATA, "2: column 'rho'", "must be > 0");
    expect_fail("x,rho,T,sigma\n0.7,1.7,0,2e-3\n", SSOC_EDATA, "2: column 'T'", "must be > 0");
    expect_fail("x,rho,T,sigma\n0.7,1.7,inf,2e-3\n", SSOC_EDATA, "2: column 'T'", "infinite");
    expect_fail("x,rho,T,sigma\n0.7,1.7,,2e-3\n", SSOC_EDATA, "2: column 'T'", "empty field");
    expect_fail("x,rho,T,sigma,Ea\n0.7,1.7,500,2e-3,0.3eV\n", SSOC_EDATA, "2: column 'Ea'", "not a number");
    expect_fail("x,rho,sigma\n0.7,1.7,2e-3\n", SSOC_EDATA, "1: missing required column 'T'", "header: x, rho, sigma");
    expect_fail("# c\nx,Rho,T,sigma\n0.7,1.7,500,2e-3\n", SSOC_EDATA, "2: missing required column 'rho'",
                "case-sensitive");
}

Test(validate, null_arguments)
{
    ssoc_csv *t = read_table(make_csv(&Q, 1.0, NULL, PTS, 2));
    ssoc_validate_report *rep = NULL;
    ssoc_error e;
    cr_expect(ssoc_validate_run(t, &Q, NULL, NULL, NULL, &e) == SSOC_EINVAL);
    cr_expect(ssoc_validate_run(NULL, &Q, NULL, NULL, &rep, &e) == SSOC_EINVAL && rep == NULL);
    cr_expect(ssoc_validate_run(t, NULL, NULL, NULL, &rep, &e) == SSOC_EINVAL && rep == NULL);
    ssoc_validate_report_free(NULL);
    ssoc_csv_free(t);
}

/* A replicate table whose sigma at any point is sigma_hat * exp(d_b), d_b = 0.01 (b - 50): beta0
 * shifted by d_b. Replicates `bad` are failed fits (NaN rows, ok = 0). */
static ssoc_boot_result *shifted_boot(size_t B, double conf, const size_t *bad, size_t nbad)
{
    ssoc_boot_result *b = ssoc_boot_result_alloc(B, 0);
    cr_assert(b);
    b->opts.confidence = conf;
    b->opts.interval = SSOC_CI_PERCENTILE;
    for (size_t r = 0; r < B; ++r) {
        double *row = b->table + r * SSOC_NPARAM;
        memcpy(row, Q.p, sizeof Q.p);
        row[SSOC_P_BETA0] += 0.01 * ((double)r - 50.0);
        b->ok[r] = 1;
    }
    for (size_t i = 0; i < nbad; ++i) {
        b->ok[bad[i]] = 0;
        for (int k = 0; k < SSOC_NPARAM; ++k)
            b->table[bad[i] * SSOC_NPARAM + k] = NAN;
    }
    return b;
}

Test(validate, bands_are_quantiles_of_the_replicates)
{
    ssoc_boot_result *boot = shifted_boot(101, 0.9, NULL, 0);
    /* Observations: row 0 exact (inside), row 1 at 2x (outside: the band spans exp(+-0.45)),
     * row 2 at 1.4x (inside). */
    char text[1024];
    double f[3] = {1.0, 0.5, 1.0 / 1.4};
    size_t k = (size_t)snprintf(text, sizeof text, "x,rho,T,sigma\n");
    for (int i = 0; i < 3; ++i) {
        ssoc_layers L;
        ssoc_model_eval(&Q, PTS[i].x, PTS[i].rho, 500.0, &L);
        k += (size_t)snprintf(text + k, sizeof text - k, "%.17g,%.17g,500,%.17g\n", PTS[i].x, PTS[i].rho,
                              L.sigma_S_cm / f[i]);
    }
    const char *path = tu_write_tmp(".csv", text);
    ssoc_validate_report *rep = run_ok(path, &Q, &RANGE, boot);
    cr_expect(rep->summary.has_band && rep->band_B == 101 && rep->band_failed == 0);
    cr_expect(rep->band_method == SSOC_CI_PERCENTILE && rep->band_confidence == 0.9);
    for (int i = 0; i < 3; ++i) {
        const ssoc_validate_row *r = &rep->rows[i];
        /* type-7 quantiles of 101 sorted values at 0.05 and 0.95 fall on ranks 5 and 95 */
        cr_expect(tu_rel(r->band_lo_S_cm, r->sigma_pred_S_cm * exp(0.01 * (5 - 50))) < 1e-12);
        cr_expect(tu_rel(r->band_hi_S_cm, r->sigma_pred_S_cm * exp(0.01 * (95 - 50))) < 1e-12);
        cr_expect(tu_rel(r->band_median_S_cm, r->sigma_pred_S_cm) < 1e-12);
        cr_expect_eq(r->band_used, 101);
    }
    cr_expect(rep->rows[0].inside_band && !rep->rows[1].inside_band && rep->rows[2].inside_band);
    cr_expect_eq(rep->summary.n_inside, 2);
    cr_expect(strstr(rep->summary.sentence, "inside their 90% confidence bands of the mean model: 2 of 3"), "%s",
              rep->summary.sentence);
    cr_expect(!rep->summary.has_pred && isnan(rep->rows[0].pred_lo_S_cm)); /* no residual pool, no prediction band */
    /* the worst point: row 1, a factor of 2 below, named in the summary and the sentence */
    cr_expect(rep->summary.worst == 1 && tu_rel(rep->summary.worst_factor, 2.0) < 1e-12);
    cr_expect(strstr(rep->summary.sentence, "the worst point, line 3 (x = 0.692, rho = 1.7, T = 500 K), is 2 times below"),
              "%s", rep->summary.sentence);
    ssoc_validate_report_free(rep);
    ssoc_boot_result_free(boot);

    /* Failed replicates are excluded: drop the 10 highest shifts, the upper band moves down. */
    size_t bad[10];
    for (int i = 0; i < 10; ++i)
        bad[i] = 91 + (size_t)i;
    boot = shifted_boot(101, 0.9, bad, 10);
    rep = run_ok(path, &Q, &RANGE, boot);
    cr_expect_eq(rep->band_failed, 10);
    cr_expect_eq(rep->rows[0].band_used, 91);
    /* 91 values d = -0.50..0.40: 0.95 quantile at rank 85.5 -> halfway between shifts 35 and 36 */
    const double hi = 0.5 * (exp(0.35) + exp(0.36)) * rep->rows[0].sigma_pred_S_cm;
    cr_expect(tu_rel(rep->rows[0].band_hi_S_cm, hi) < 1e-12, "%.17g vs %.17g", rep->rows[0].band_hi_S_cm, hi);
    ssoc_validate_report_free(rep);
    ssoc_boot_result_free(boot);
}

Test(validate, too_few_replicates_is_an_error_naming_the_line)
{
    size_t bad[99];
    for (size_t i = 0; i < 99; ++i)
        bad[i] = i + 1;
    ssoc_boot_result *boot = shifted_boot(100, 0.95, bad, 99);
    const char *path = tu_write_tmp(".csv", "x,rho,T,sigma\n0.7,1.7,500,2e-3\n");
    ssoc_csv *t = read_table(path);
    ssoc_validate_report *rep = NULL;
    ssoc_error e;
    ssoc_error_clear(&e);
    cr_expect(ssoc_validate_run(t, &Q, &RANGE, boot, &rep, &e) == SSOC_EFIT);
    char want[512];
    snprintf(want, sizeof want, "%s:2: fewer than 2 bootstrap replicates", path);
    cr_expect(strstr(e.msg, want), "%s", e.msg);
    cr_expect(rep == NULL);
    ssoc_csv_free(t);
    ssoc_boot_result_free(boot);
}

Test(validate, bca_without_jackknife_falls_back_to_percentile)
{
    ssoc_boot_result *boot = shifted_boot(101, 0.9, NULL, 0);
    boot->opts.interval = SSOC_CI_BCA;
    ssoc_validate_report *rep = run_ok(make_csv(&Q, 1.0, NULL, PTS, 2), &Q, &RANGE, boot);
    cr_expect(rep->band_method == SSOC_CI_PERCENTILE);
    cr_expect(tu_rel(rep->rows[0].band_lo_S_cm, rep->rows[0].sigma_pred_S_cm * exp(-0.45)) < 1e-12);
    ssoc_validate_report_free(rep);
    ssoc_boot_result_free(boot);
}

Test(validate, model_sigma_not_finite_is_an_error)
{
    ssoc_params p = Q;
    p.p[SSOC_P_BETA0] = 800.0; /* f_eff overflows */
    const char *path = tu_write_tmp(".csv", "x,rho,T,sigma\n0.7,1.7,500,2e-3\n");
    ssoc_csv *t = read_table(path);
    ssoc_validate_report *rep = NULL;
    ssoc_error e;
    cr_expect(ssoc_validate_run(t, &p, &RANGE, NULL, &rep, &e) == SSOC_EDATA);
    char want[512];
    snprintf(want, sizeof want, "%s:2: the model gives sigma = inf", path);
    cr_expect(strstr(e.msg, want), "%s", e.msg);
    ssoc_csv_free(t);
}

Test(validate, prediction_bands_add_the_residual_terms)
{
    /* A residual pool of one constant ln-sigma residual c: every prediction term e_b is c, so the
     * prediction band is the percentile band of sigma_b exp(c), the confidence band times exp(c). */
    ssoc_boot_result *boot = shifted_boot(101, 0.9, NULL, 0);
    const double c = 0.3;
    boot->n_resid = 4;
    boot->resid = malloc(2 * boot->n_resid * sizeof *boot->resid);
    cr_assert(boot->resid);
    for (size_t i = 0; i < 2 * boot->n_resid; ++i)
        boot->resid[i] = i < boot->n_resid ? 0.0 : c;
    const char *path = make_csv(&Q, 1.0, NULL, PTS, 3);
    ssoc_validate_report *rep = run_ok(path, &Q, &RANGE, boot);
    cr_expect(rep->summary.has_pred);
    for (int i = 0; i < 3; ++i) {
        const ssoc_validate_row *r = &rep->rows[i];
        cr_expect(tu_rel(r->pred_lo_S_cm, r->band_lo_S_cm * exp(c)) < 1e-12, "%.17g vs %.17g", r->pred_lo_S_cm,
                  r->band_lo_S_cm * exp(c));
        cr_expect(tu_rel(r->pred_hi_S_cm, r->band_hi_S_cm * exp(c)) < 1e-12);
        /* the observation is sigma_hat: inside [exp(c - 0.45), exp(c + 0.45)] sigma_hat since c < 0.45 */
        cr_expect(r->inside_pred && r->inside_band);
    }
    cr_expect_eq(rep->summary.n_inside_pred, 3);
    cr_expect(strstr(rep->summary.sentence, "inside their 90% prediction bands (for a new MD run): 3 of 3"), "%s",
              rep->summary.sentence);
    ssoc_validate_report_free(rep);
    ssoc_boot_result_free(boot);
}

Test(validate, the_fitted_data_themselves_are_said_to_be)
{
    ssoc_csv *t = read_table(make_csv(&Q, 1.0, NULL, PTS, 3));
    ssoc_validate_report *rep = NULL;
    ssoc_error e;
    ssoc_error_clear(&e);
    ssoc_validate_opts o = {.range = &RANGE, .fit_sha256 = ssoc_csv_sha256(t)};
    cr_assert(ssoc_validate_run_ex(t, &Q, &o, &rep, &e) == SSOC_OK, "%s", e.msg);
    cr_expect(rep->summary.same_data);
    cr_expect(strstr(rep->summary.sentence, "On the data the parameters were fitted to (a measure of the fit, not of "
                                            "how it transfers), predictions"),
              "%s", rep->summary.sentence);
    cr_expect(!strstr(rep->summary.sentence, "fitted range"), "%s", rep->summary.sentence);
    ssoc_validate_report_free(rep);
    /* another file's SHA-256: an ordinary validation */
    o.fit_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
    cr_assert(ssoc_validate_run_ex(t, &Q, &o, &rep, &e) == SSOC_OK, "%s", e.msg);
    cr_expect(!rep->summary.same_data && !strncmp(rep->summary.sentence, "Predictions", 11));
    ssoc_validate_report_free(rep);
    ssoc_csv_free(t);
}
