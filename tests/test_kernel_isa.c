/* The sweep kernel's instruction-set variants (include/ssoc/kernel_isa.h): selection and naming,
 * and how far two variants' results may differ. The variants call libmvec through different vector
 * ABIs whose exp and log1p differ in the last bit for some arguments, so the contract is a
 * tolerance, measured here on every variant this CPU can run against the baseline one over
 * realistic replicate tables and the default grid's range: relative difference of best, median, lo
 * and hi at most KERNEL_ISA_REL_TOL, p_exceed off by at most one replicate, and only at a small
 * fraction of values (docs/BUILDING.md, "Portability", quotes the figures this test prints). */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/kernel_isa.h"
#include "ssoc/model.h"
#include "ssoc/stats.h"
#include "ssoc/kernel.h"
#include "testutil.h"

#define KERNEL_ISA_REL_TOL 4e-15 /* ~18 ulp: each variant's exp is within a few ulp of the truth */

Test(kernel_isa, names_parse_and_selection)
{
    for (int i = 0; i < SSOC_ISA_COUNT; ++i) {
        ssoc_kernel_isa k;
        cr_assert(ssoc_kernel_isa_name((ssoc_kernel_isa)i));
        cr_expect(ssoc_kernel_isa_parse(ssoc_kernel_isa_name((ssoc_kernel_isa)i), &k) == 0 && k == (ssoc_kernel_isa)i);
    }
    ssoc_kernel_isa k = SSOC_ISA_AVX2;
    cr_expect(ssoc_kernel_isa_parse("AVX2", &k) == -1 && k == SSOC_ISA_AVX2, "names are exact");
    cr_expect(ssoc_kernel_isa_parse(NULL, &k) == -1);
    cr_expect(ssoc_kernel_isa_name(SSOC_ISA_COUNT) == NULL);
    const ssoc_kernel_isa best = ssoc_kernel_isa_best();
    cr_expect(ssoc_kernel_isa_supported(best));
    for (int i = best + 1; i < SSOC_ISA_COUNT; ++i)
        cr_expect(!ssoc_kernel_isa_supported((ssoc_kernel_isa)i), "%s supported above the best",
                  ssoc_kernel_isa_name((ssoc_kernel_isa)i));
    ssoc_error err;
    for (int i = 0; i < SSOC_ISA_COUNT; ++i) {
        const ssoc_kernel_isa v = (ssoc_kernel_isa)i;
        if (ssoc_kernel_isa_supported(v)) {
            cr_expect(ssoc_kernel_isa_set(v, &err) == SSOC_OK);
            cr_expect(ssoc_kernel_isa_current() == v);
        } else {
            cr_expect(ssoc_kernel_isa_set(v, &err) == SSOC_EINVAL);
            cr_expect(strstr(err.msg, ssoc_kernel_isa_name(v)) != NULL, "%s", err.msg);
        }
    }
}

Test(kernel_isa, environment)
{
    ssoc_kernel_isa k = SSOC_ISA_COUNT;
    int given = 1;
    ssoc_error err;
    unsetenv("SSOC_KERNEL_ISA");
    cr_expect(ssoc_kernel_isa_from_env(&k, &given, &err) == SSOC_OK && !given && k == SSOC_ISA_COUNT);
    setenv("SSOC_KERNEL_ISA", "", 1);
    cr_expect(ssoc_kernel_isa_from_env(&k, &given, &err) == SSOC_OK && !given);
    setenv("SSOC_KERNEL_ISA", "sse4", 1);
    cr_expect(ssoc_kernel_isa_from_env(&k, &given, &err) == SSOC_EINVAL);
    cr_expect(strstr(err.msg, "SSOC_KERNEL_ISA='sse4'") != NULL, "%s", err.msg);
    const char *only = ssoc_kernel_isa_name(ssoc_kernel_isa_best());
    setenv("SSOC_KERNEL_ISA", only, 1);
    cr_expect(ssoc_kernel_isa_from_env(&k, &given, &err) == SSOC_OK && given && k == ssoc_kernel_isa_best(), "%s",
              err.msg);
    unsetenv("SSOC_KERNEL_ISA");
}

/* a reproducible perturbed parameter table around the published set, like a bootstrap's spread */
static void make_table(double *t, size_t n, unsigned seed)
{
    srand(seed);
    for (size_t i = 0; i < n; ++i)
        for (int k = 0; k < SSOC_NPARAM; ++k) {
            const double u = (double)rand() / RAND_MAX - 0.5;
            t[i * SSOC_NPARAM + k] = ssoc_params_published.p[k] * (1.0 + 0.2 * u);
        }
}

enum { NX = 101, NRHO = 91, NT = 11, B = 1000, NOUT = 5 }; /* the default grid at half the resolution */

/* every column of the default grid through ssoc_kernel_column with variant `isa`:
 * out[(c * NT + t) * NOUT + {best, median, lo, hi, p_exceed}] */
static void run_grid(ssoc_kernel_isa isa, const ssoc_kernel_ctx *kc, double *out)
{
    cr_assert(ssoc_kernel_isa_set(isa, NULL) == SSOC_OK);
    ssoc_kernel_ws *ws = ssoc_kernel_ws_alloc(kc);
    cr_assert(ws);
    for (size_t c = 0; c < (size_t)NX * NRHO; ++c) {
        const double x = 0.60 + 0.20 * (double)(c % NX) / (NX - 1), rho = 1.30 + 0.90 * (double)(c / NX) / (NRHO - 1);
        double *o = out + c * NT * NOUT;
        ssoc_column col;
        ssoc_column_init(x, rho, &col);
        ssoc_kernel_column(kc, ws, &col, NOUT, o, o + 1, o + 2, o + 3, o + 4, NULL, NULL);
    }
    ssoc_kernel_ws_free(ws);
}

Test(kernel_isa, variants_agree_within_tolerance, .timeout = 600)
{
    const ssoc_kernel_isa base = ssoc_kernel_isa_supported(SSOC_ISA_NATIVE) ? SSOC_ISA_NATIVE : SSOC_ISA_DEFAULT;
    double *table = malloc((size_t)B * SSOC_NPARAM * sizeof *table);
    make_table(table, B, 11);
    ssoc_paramsets *reps = ssoc_paramsets_alloc(table, NULL, B);
    ssoc_paramsets *best = ssoc_paramsets_alloc(ssoc_params_published.p, NULL, 1);
    double *invT = aligned_alloc(64, 128);
    for (int t = 0; t < NT; ++t)
        invT[t] = 1.0 / (300.0 + 50.0 * t);
    ssoc_kernel_ctx kc = {.reps = reps, .best = best, .nT = NT, .inv_T = invT, .confidence = 0.95,
                          .interval = SSOC_CI_PERCENTILE, .has_target = 1, .target_S_cm = 1e-3};
    ssoc_ci_levels(SSOC_CI_PERCENTILE, 0.95, 0.5, 0.0, &kc.q_lo, &kc.q_hi);
    const size_t n = (size_t)NX * NRHO * NT * NOUT;
    double *ref = malloc(n * sizeof *ref), *got = malloc(n * sizeof *got);
    cr_assert(table && reps && best && ref && got);
    run_grid(base, &kc, ref);
    /* the same variant twice: the same bits */
    run_grid(base, &kc, got);
    cr_expect(memcmp(ref, got, n * sizeof *ref) == 0, "variant %s is not deterministic", ssoc_kernel_isa_name(base));
    int compared = 0;
    for (int i = 0; i < SSOC_ISA_COUNT; ++i) {
        const ssoc_kernel_isa v = (ssoc_kernel_isa)i;
        if (v == base || !ssoc_kernel_isa_supported(v))
            continue;
        run_grid(v, &kc, got);
        double maxrel = 0;
        size_t differ = 0, pex = 0;
        for (size_t k = 0; k < n; ++k) {
            if (memcmp(&ref[k], &got[k], sizeof ref[k]) == 0)
                continue;
            ++differ;
            if (k % NOUT == 4) { /* p_exceed: a replicate on the other side of the target */
                ++pex;
                cr_expect(fabs(ref[k] - got[k]) <= 1.0 / B + 1e-15, "p_exceed %.17g vs %.17g", ref[k], got[k]);
                continue;
            }
            const double rel = fabs(ref[k] - got[k]) / fabs(ref[k]);
            maxrel = rel > maxrel ? rel : maxrel;
        }
        cr_log_info("kernel variants %s vs %s over %zu values (x 0.6-0.8 x rho 1.3-2.2 x T 300-800, B = %d): %zu differ (%.2g), "
                    "max relative difference %.3g (%.1f ulp), p_exceed off by one replicate at %zu points",
                    ssoc_kernel_isa_name(v), ssoc_kernel_isa_name(base), n, B, differ, (double)differ / (double)n,
                    maxrel, maxrel / 0x1p-52, pex);
        cr_expect(maxrel <= KERNEL_ISA_REL_TOL, "%s vs %s: max relative difference %.3g > %.3g", ssoc_kernel_isa_name(v),
                  ssoc_kernel_isa_name(base), maxrel, KERNEL_ISA_REL_TOL);
        cr_expect((double)differ <= 1e-3 * (double)n, "%s vs %s: %zu of %zu values differ", ssoc_kernel_isa_name(v),
                  ssoc_kernel_isa_name(base), differ, n);
        ++compared;
    }
    if (!compared)
        cr_log_info("only the %s kernel variant runs on this CPU: nothing to compare", ssoc_kernel_isa_name(base));
    ssoc_kernel_isa_set(ssoc_kernel_isa_best(), NULL);
    free(ref), free(got), free(table), free(invT);
    ssoc_paramsets_free(reps);
    ssoc_paramsets_free(best);
}
