/* The x-block method ssoc_rules_rho_opt_columns (rules.h) against one direct
 * ssoc_rules_rho_opt_prepared call per column: the same successes, boundary flags and local-maximum
 * counts everywhere, values within stated rounding bounds, on the sweep's default grid with
 * replicate-like parameter sets, on grids where the optimum crosses the range ends, and with steep
 * gating where sigma is bimodal; determinism; the block helper; every error path. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ssoc/model.h"
#include "ssoc/rules.h"
#include "testutil.h"

/* Bounds on |block - direct| for columns served by the shared solve (direct ones are identical).
 * rho_opt and v_f come from the same v* found in a different Newton bracket (~1e-16); ln sigma is
 * the reference column's plus an x shift, so it carries a few roundings of a ~10-large number. */
#define TOL_RHO 4e-15  /* g/cm3, absolute */
#define TOL_VF 4e-15   /* absolute */
#define TOL_LN 1e-13   /* ln sigma, absolute */
#define TOL_SREL 1e-13 /* sigma, relative */

static uint64_t rng = 0x0c0ffee123456789ull;
static double unif(double a, double b) { return tu_unif(&rng, a, b); }

/* replicate-like: every parameter of `base` scaled by a uniform factor in [0.9, 1.1] */
static ssoc_params jitter(const ssoc_params *base)
{
    ssoc_params p = *base;
    for (int i = 0; i < SSOC_NPARAM; ++i)
        p.p[i] *= unif(0.9, 1.1);
    return p;
}

typedef struct cmp_stats {
    long cols, ok, bound, multi, differ; /* differ: ok columns not bit-identical to the direct call */
    long multi_differ;                   /* of those, multimodal ones (served by the shared solve) */
    long mismatch;                       /* flag, success or count mismatches, or values out of bounds */
    double d_rho, d_vf, d_ln, d_srel;    /* largest differences seen */
} cmp_stats;

static void compare_one(const ssoc_optimum *a, int oka, const ssoc_optimum *d, int okd, double x, double T,
                        cmp_stats *s)
{
    ++s->cols;
    if (oka != okd) {
        if (s->mismatch++ < 5)
            cr_expect(0, "x = %.17g, T = %g: block ok %d, direct ok %d", x, T, oka, okd);
        return;
    }
    if (!okd)
        return;
    ++s->ok;
    s->bound += d->at_bound;
    s->multi += d->n_local_max > 1;
    if (memcmp(a, d, sizeof *a) != 0) {
        ++s->differ;
        s->multi_differ += d->n_local_max > 1;
    }
    const double dr = fabs(a->arg - d->arg), dv = fabs(a->v_f - d->v_f), dl = fabs(a->ln_sigma - d->ln_sigma);
    const double ds = d->sigma_S_cm == 0.0 ? fabs(a->sigma_S_cm) : fabs(a->sigma_S_cm / d->sigma_S_cm - 1.0);
    s->d_rho = fmax(s->d_rho, dr), s->d_vf = fmax(s->d_vf, dv), s->d_ln = fmax(s->d_ln, dl);
    s->d_srel = fmax(s->d_srel, ds);
    if (a->at_bound != d->at_bound || a->n_local_max != d->n_local_max || !(dr <= TOL_RHO) || !(dv <= TOL_VF) ||
        !(dl <= TOL_LN) || !(ds <= TOL_SREL)) {
        if (s->mismatch++ < 5)
            cr_expect(0,
                      "x = %.17g, T = %g: block (%.17g, %d, %d, ln %.17g) vs direct (%.17g, %d, %d, ln %.17g)", x,
                      T, a->arg, a->at_bound, a->n_local_max, a->ln_sigma, d->arg, d->at_bound, d->n_local_max,
                      d->ln_sigma);
    }
}

/* every block of the grid x[0..nx) at every T, against the direct calls */
static void compare_grid(const ssoc_rules_prep *prep, const double *x, size_t nx, const double *Ts, size_t nT,
                         double rlo, double rhi, cmp_stats *s)
{
    for (size_t it = 0; it < nT; ++it)
        for (size_t f = 0; f < nx; f += SSOC_RULES_XBLOCK) {
            size_t first;
            const size_t m = ssoc_rules_xblock(f, nx, &first);
            cr_assert_eq(first, f);
            ssoc_optimum out[SSOC_RULES_XBLOCK];
            unsigned char ok[SSOC_RULES_XBLOCK];
            cr_assert_eq(ssoc_rules_rho_opt_columns(prep, x + f, m, Ts[it], rlo, rhi, out, ok, NULL), SSOC_OK);
            for (size_t i = 0; i < m; ++i) {
                ssoc_optimum d;
                const int okd = ssoc_rules_rho_opt_prepared(prep, x[f + i], Ts[it], rlo, rhi, &d, NULL) == SSOC_OK;
                compare_one(&out[i], ok[i], &d, okd, x[f + i], Ts[it], s);
            }
        }
}

static void linspace(double a, double b, size_t n, double *v)
{
    for (size_t i = 0; i < n; ++i)
        v[i] = n == 1 ? a : a + (b - a) * (double)i / (double)(n - 1);
}

static void report(const char *what, const cmp_stats *s)
{
    cr_log_info("%s: %ld columns, %ld ok, %ld boundary, %ld multimodal, %ld not bit-identical (%ld multimodal); max |d rho| %.2g, "
                "|d v_f| %.2g, |d ln sigma| %.2g, rel d sigma %.2g",
                what, s->cols, s->ok, s->bound, s->multi, s->differ, s->multi_differ, s->d_rho, s->d_vf, s->d_ln, s->d_srel);
    cr_expect_eq(s->mismatch, 0, "%s: %ld mismatches", what, s->mismatch);
}

Test(rules_columns, default_grid_replicate_like_sets)
{
    /* the sweep's default grid: x 0.60-0.80 x 201, T 300-800 K x 11, rho in [1.3, 2.2] */
    double x[201], T[11];
    linspace(0.60, 0.80, 201, x);
    linspace(300.0, 800.0, 11, T);
    cmp_stats s = {0};
    for (int r = 0; r < 60; ++r) {
        const ssoc_params p = r == 0 ? ssoc_params_published : jitter(&ssoc_params_published);
        ssoc_rules_prep prep;
        cr_assert_eq(ssoc_rules_prepare(&p, &prep, NULL), SSOC_OK);
        compare_grid(&prep, x, 201, T, 11, 1.3, 2.2, &s);
    }
    report("default grid", &s);
    cr_expect_eq(s.ok, s.cols);
    /* the shared solve served most columns (the default grid's optima are interior); a served
     * column's sigma differs from the direct call's in the last bits more often than not */
    cr_expect(s.ok - s.bound > s.cols / 2, "%ld interior of %ld", s.ok - s.bound, s.cols);
    cr_expect(s.differ > s.cols / 10, "only %ld of %ld columns differ from the direct call: shared solve unused?",
              s.differ, s.cols);
}

Test(rules_columns, boundary_heavy_grids)
{
    /* rho ranges so narrow that rho_opt = rho0(x)(1 - v*) crosses their ends as x moves (columns
     * on either side, and v* near a column's end), ranges wholly above or below the optimum, a
     * wide x grid and T from 150 to 1500 K */
    double x[97], T[8];
    linspace(0.40, 0.95, 97, x);
    linspace(150.0, 1500.0, 8, T);
    const double ranges[][2] = {{1.70, 1.76}, {1.72, 1.74}, {1.731, 1.737}, {1.30, 1.60}, {1.90, 2.30}, {1.0, 1.75}};
    cmp_stats s = {0};
    for (int r = 0; r < 12; ++r) {
        const ssoc_params p = r == 0 ? ssoc_params_published : jitter(&ssoc_params_published);
        ssoc_rules_prep prep;
        cr_assert_eq(ssoc_rules_prepare(&p, &prep, NULL), SSOC_OK);
        for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; ++k)
            compare_grid(&prep, x, 97, T, 8, ranges[k][0], ranges[k][1], &s);
    }
    report("boundary-heavy", &s);
    cr_expect(s.bound > s.ok / 3, "only %ld boundary results of %ld", s.bound, s.ok);
    cr_expect(s.ok - s.bound > s.ok / 10, "only %ld interior results of %ld", s.ok - s.bound, s.ok);
    cr_expect(s.differ > 0);
}

Test(rules_columns, steep_gating_bimodal)
{
    /* v_c ~ 0.05, n_H ~ 8, B = beta2 + alpha_E/kT ~ 55-90, beta3 ~ -35..-60: sigma along rho has
     * two maxima in [0.5, 2.1] (bench_rules' and test_rules' bimodal cases) */
    double x[40], xw[16], T[5];
    linspace(0.60, 0.80, 40, x);
    linspace(0.30, 0.95, 16, xw);
    linspace(400.0, 600.0, 5, T);
    cmp_stats s = {0};
    for (int r = 0; r < 40; ++r) {
        ssoc_params p = ssoc_params_published;
        const double Tm = 500.0;
        p.p[SSOC_P_VC] = unif(0.04, 0.07);
        p.p[SSOC_P_NH] = unif(6.0, 10.0);
        p.p[SSOC_P_BETA1] = unif(-6.0, 4.0);
        p.p[SSOC_P_BETA2] = unif(55.0, 90.0) - p.p[SSOC_P_ALPHA_E] / (SSOC_KB_EV_K * Tm);
        p.p[SSOC_P_BETA3] = unif(-60.0, -35.0);
        ssoc_rules_prep prep;
        cr_assert_eq(ssoc_rules_prepare(&p, &prep, NULL), SSOC_OK);
        compare_grid(&prep, x, 40, T, 5, 0.5, 2.1, &s);
        compare_grid(&prep, x, 40, T, 5, 1.0, 2.0, &s);
        /* one block of widely spread compositions: the union of their v_f ranges is far wider
         * than each column's, so a column can hold one of the union's maxima and not the other */
        compare_grid(&prep, xw, 16, T, 5, 1.0, 1.9, &s);
        compare_grid(&prep, xw, 16, T, 5, 0.7, 1.6, &s);
    }
    report("steep gating", &s);
    cr_expect(s.multi > s.ok / 5, "only %ld multimodal of %ld", s.multi, s.ok);
    /* the shared solve serves multimodal columns too (with both maxima inside their ranges) */
    cr_expect(s.multi_differ > 0, "no multimodal column served by the shared solve");
}

Test(rules_columns, single_column_and_invalid_columns_match_direct)
{
    ssoc_rules_prep prep;
    cr_assert_eq(ssoc_rules_prepare(&ssoc_params_published, &prep, NULL), SSOC_OK);
    /* one column: the direct call itself, bit for bit */
    ssoc_optimum a, d;
    unsigned char ok = 9;
    const double x1 = 0.75;
    cr_assert_eq(ssoc_rules_rho_opt_columns(&prep, &x1, 1, 500.0, 1.3, 2.2, &a, &ok, NULL), SSOC_OK);
    cr_assert_eq(ssoc_rules_rho_opt_prepared(&prep, 0.75, 500.0, 1.3, 2.2, &d, NULL), SSOC_OK);
    cr_expect_eq(ok, 1);
    cr_expect(memcmp(&a, &d, sizeof a) == 0);
    /* compositions outside (0, 1) fail in their column only, out untouched there */
    const double xs[6] = {0.7, 0.0, 0.72, NAN, 1.0, 0.74};
    ssoc_optimum out[6];
    unsigned char oks[6];
    memset(out, 0x5a, sizeof out);
    cr_assert_eq(ssoc_rules_rho_opt_columns(&prep, xs, 6, 500.0, 1.3, 2.2, out, oks, NULL), SSOC_OK);
    for (int i = 0; i < 6; ++i) {
        const int okd = ssoc_rules_rho_opt_prepared(&prep, xs[i], 500.0, 1.3, 2.2, &d, NULL) == SSOC_OK;
        cr_expect_eq(oks[i], okd, "column %d", i);
        if (okd) {
            cr_expect_eq(out[i].at_bound, d.at_bound);
            cr_expect(fabs(out[i].arg - d.arg) <= TOL_RHO);
        } else {
            unsigned char pat[sizeof out[i]];
            memset(pat, 0x5a, sizeof pat);
            cr_expect(memcmp(&out[i], pat, sizeof pat) == 0, "column %d written though it failed", i);
        }
    }
}

Test(rules_columns, overflow_fails_where_direct_fails)
{
    /* ln sigma crosses ln DBL_MAX = 709.78 inside the block (beta1 x moves it by ~1 over x 0.6-0.8):
     * the columns past it fail, as their direct calls do, and the others succeed */
    ssoc_params p = ssoc_params_published;
    ssoc_rules_prep prep;
    const double T = 300.0;
    ssoc_optimum d;
    p.p[SSOC_P_E0] = -15.0;
    cr_assert_eq(ssoc_rules_prepare(&p, &prep, NULL), SSOC_OK);
    cr_assert_eq(ssoc_rules_rho_opt_prepared(&prep, 0.7, T, 1.3, 2.2, &d, NULL), SSOC_OK);
    p.p[SSOC_P_E0] += (d.ln_sigma - 709.6) * SSOC_KB_EV_K * T; /* ln sigma(0.7) ~ 709.6 */
    cr_assert_eq(ssoc_rules_prepare(&p, &prep, NULL), SSOC_OK);
    double xs[16];
    linspace(0.60, 0.80, 16, xs);
    ssoc_optimum out[16];
    unsigned char ok[16];
    cr_assert_eq(ssoc_rules_rho_opt_columns(&prep, xs, 16, T, 1.3, 2.2, out, ok, NULL), SSOC_OK);
    int nok = 0;
    for (int i = 0; i < 16; ++i) {
        const int okd = ssoc_rules_rho_opt_prepared(&prep, xs[i], T, 1.3, 2.2, &d, NULL) == SSOC_OK;
        cr_expect_eq(ok[i], okd, "column %d (x = %g)", i, xs[i]);
        nok += okd;
    }
    cr_expect(nok > 0 && nok < 16, "%d of 16 columns finite: the test does not straddle the overflow", nok);
    /* and wholly out of range: every column fails */
    p.p[SSOC_P_E0] = -40.0;
    cr_assert_eq(ssoc_rules_prepare(&p, &prep, NULL), SSOC_OK);
    cr_assert_eq(ssoc_rules_rho_opt_columns(&prep, xs, 16, T, 1.3, 2.2, out, ok, NULL), SSOC_OK);
    for (int i = 0; i < 16; ++i)
        cr_expect_eq(ok[i], 0);
}

Test(rules_columns, deterministic_over_calls_threads_and_order)
{
    /* a result depends on its block only: the same block gives the same bits in any call order,
     * on any thread, before or after other blocks */
    enum { NB = 13, NT = 6, NR = 8 };
    static ssoc_optimum ref[NR][NT][NB * SSOC_RULES_XBLOCK], par[NR][NT][NB * SSOC_RULES_XBLOCK];
    static unsigned char rok[NR][NT][NB * SSOC_RULES_XBLOCK], pok[NR][NT][NB * SSOC_RULES_XBLOCK];
    const size_t nx = NB * SSOC_RULES_XBLOCK - 7; /* a short last block */
    double x[NB * SSOC_RULES_XBLOCK], T[NT];
    linspace(0.60, 0.80, nx, x);
    linspace(300.0, 800.0, NT, T);
    ssoc_rules_prep prep[NR];
    for (int r = 0; r < NR; ++r) {
        const ssoc_params p = r == 0 ? ssoc_params_published : jitter(&ssoc_params_published);
        cr_assert_eq(ssoc_rules_prepare(&p, &prep[r], NULL), SSOC_OK);
    }
    for (int r = 0; r < NR; ++r)
        for (int it = 0; it < NT; ++it)
            for (size_t f = 0; f < nx; f += SSOC_RULES_XBLOCK)
                ssoc_rules_rho_opt_columns(&prep[r], x + f, ssoc_rules_xblock(f, nx, NULL), T[it], 1.3, 2.2,
                                           &ref[r][it][f], &rok[r][it][f], NULL);
    memset(par, 0, sizeof par);
    const int ntask = NR * NT * NB;
#pragma omp parallel for schedule(dynamic, 3) num_threads(2)
    for (int k = ntask - 1; k >= 0; --k) {
        const int r = k % NR, it = (k / NR) % NT, b = k / (NR * NT);
        const size_t f = (size_t)b * SSOC_RULES_XBLOCK;
        ssoc_rules_rho_opt_columns(&prep[r], x + f, ssoc_rules_xblock(f, nx, NULL), T[it], 1.3, 2.2, &par[r][it][f],
                                   &pok[r][it][f], NULL);
    }
    int bad = 0;
    for (int r = 0; r < NR; ++r)
        for (int it = 0; it < NT; ++it)
            for (size_t i = 0; i < nx; ++i)
                bad += rok[r][it][i] != pok[r][it][i] || !rok[r][it][i] ||
                       memcmp(&ref[r][it][i], &par[r][it][i], sizeof par[r][it][i]) != 0;
    cr_expect_eq(bad, 0, "%d columns differ between serial and threaded calls", bad);
}

Test(rules_columns, xblock_helper)
{
    size_t f = 99;
    cr_expect_eq(ssoc_rules_xblock(0, 201, &f), 16);
    cr_expect_eq(f, 0);
    cr_expect_eq(ssoc_rules_xblock(15, 201, &f), 16);
    cr_expect_eq(f, 0);
    cr_expect_eq(ssoc_rules_xblock(16, 201, &f), 16);
    cr_expect_eq(f, 16);
    cr_expect_eq(ssoc_rules_xblock(200, 201, &f), 9);
    cr_expect_eq(f, 192);
    cr_expect_eq(ssoc_rules_xblock(191, 201, &f), 16);
    cr_expect_eq(f, 176);
    cr_expect_eq(ssoc_rules_xblock(2, 3, &f), 3);
    cr_expect_eq(f, 0);
    cr_expect_eq(ssoc_rules_xblock(0, 1, NULL), 1);
    cr_expect_eq(ssoc_rules_xblock(201, 201, &f), 0);
    cr_expect_eq(f, 201);
    cr_expect_eq(ssoc_rules_xblock(0, 0, &f), 0);
    cr_expect_eq(f, 0);
}

static void expect_einval(ssoc_status st, const ssoc_error *err, const unsigned char *ok, const char *want)
{
    cr_expect_eq(st, SSOC_EINVAL, "%s: status %d", want, st);
    cr_expect(strstr(err->msg, want) != NULL, "message '%s' lacks '%s'", err->msg, want);
    for (int i = 0; i < 3; ++i)
        cr_expect_eq(ok[i], 7, "ok[%d] touched on an error return (%s)", i, want);
}

Test(rules_columns, invalid_arguments)
{
    ssoc_rules_prep prep;
    cr_assert_eq(ssoc_rules_prepare(&ssoc_params_published, &prep, NULL), SSOC_OK);
    const double xs[SSOC_RULES_XBLOCK + 1] = {0.7, 0.71, 0.72};
    ssoc_optimum out[SSOC_RULES_XBLOCK + 1];
    unsigned char ok[SSOC_RULES_XBLOCK + 1];
    ssoc_error err;
#define RESET() (memset(ok, 7, sizeof ok), memset(&err, 0, sizeof err))
    RESET();
    expect_einval(ssoc_rules_rho_opt_columns(NULL, xs, 3, 500.0, 1.3, 2.2, out, ok, &err), &err, ok, "NULL");
    RESET();
    expect_einval(ssoc_rules_rho_opt_columns(&prep, NULL, 3, 500.0, 1.3, 2.2, out, ok, &err), &err, ok, "NULL");
    RESET();
    expect_einval(ssoc_rules_rho_opt_columns(&prep, xs, 3, 500.0, 1.3, 2.2, NULL, ok, &err), &err, ok, "NULL");
    RESET();
    cr_expect_eq(ssoc_rules_rho_opt_columns(&prep, xs, 3, 500.0, 1.3, 2.2, out, NULL, &err), SSOC_EINVAL);
    cr_expect(strstr(err.msg, "NULL") != NULL);
    RESET();
    expect_einval(ssoc_rules_rho_opt_columns(&prep, xs, 0, 500.0, 1.3, 2.2, out, ok, &err), &err, ok, "0 columns");
    RESET();
    expect_einval(ssoc_rules_rho_opt_columns(&prep, xs, SSOC_RULES_XBLOCK + 1, 500.0, 1.3, 2.2, out, ok, &err), &err,
                  ok, "17 columns");
    const double badT[] = {0.0, -5.0, NAN, INFINITY};
    for (int k = 0; k < 4; ++k) {
        RESET();
        expect_einval(ssoc_rules_rho_opt_columns(&prep, xs, 3, badT[k], 1.3, 2.2, out, ok, &err), &err, ok, "T =");
    }
    const double badr[][2] = {{0.0, 2.2}, {-1.0, 2.2}, {2.2, 1.3}, {1.5, 1.5}, {NAN, 2.2}, {1.3, INFINITY}};
    for (int k = 0; k < 6; ++k) {
        RESET();
        expect_einval(ssoc_rules_rho_opt_columns(&prep, xs, 3, 500.0, badr[k][0], badr[k][1], out, ok, &err), &err,
                      ok, "rho range");
    }
    /* a NULL error record is allowed */
    RESET();
    cr_expect_eq(ssoc_rules_rho_opt_columns(&prep, xs, 0, 500.0, 1.3, 2.2, out, ok, NULL), SSOC_EINVAL);
#undef RESET
}
