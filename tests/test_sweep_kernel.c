/* The sweep kernel: agreement with the scalar reference model, bitwise independence of where a
 * value sits, exact quantiles (bitwise equal to sorting) and the per-column statistics. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/boot.h"
#include "ssoc/model.h"
#include "ssoc/stats.h"
#include "ssoc/kernel.h"
#include "testutil.h"

/* a reproducible perturbed parameter table around the published set */
static void make_table(double *t, size_t n, unsigned seed)
{
    srand(seed);
    for (size_t i = 0; i < n; ++i)
        for (int k = 0; k < SSOC_NPARAM; ++k) {
            double u = (double)rand() / RAND_MAX - 0.5;
            t[i * SSOC_NPARAM + k] = ssoc_params_published.p[k] * (1.0 + 0.1 * u);
            if (k == SSOC_P_LNA) /* published ln A is 0: spread it so the kernel must carry it */
                t[i * SSOC_NPARAM + k] = 0.8 * u;
        }
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* the project's one quantile definition (stats.h) */
static double type7_sorted(const double *s, size_t n, double q) { return ssoc_quantile_sorted(s, n, q); }

Test(kernel, matches_scalar_model_1e12)
{
    enum { NS = 37, NT = 5 };
    double table[NS * SSOC_NPARAM];
    make_table(table, NS, 7);
    memcpy(table, ssoc_params_published.p, sizeof ssoc_params_published.p);
    ssoc_paramsets *s = ssoc_paramsets_alloc(table, NULL, NS);
    cr_assert(s && s->n == NS && s->npad == 40);
    double *out = aligned_alloc(64, NT * s->npad * sizeof *out);
    double *g = aligned_alloc(64, s->npad * sizeof *g), *A = aligned_alloc(64, s->npad * sizeof *A);
    double *invT = aligned_alloc(64, 64);
    const double Ts[NT] = {300, 425.5, 500, 650, 800};
    for (int t = 0; t < NT; ++t)
        invT[t] = 1.0 / Ts[t];
    /* ungated (v_f < 0), gated, and at the data's points */
    const double cols[][2] = {{0.75, 1.73}, {0.666, 2.15}, {0.60, 1.30}, {0.80, 2.20}, {0.70, 1.95}, {0.733, 1.45}};
    double maxrel = 0;
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; ++c) {
        ssoc_column col;
        ssoc_column_init(cols[c][0], cols[c][1], &col);
        cr_expect(tu_rel(col.v_f, ssoc_model_vf(cols[c][0], cols[c][1])) < 1e-15);
        ssoc_kernel_eval(&col, s, NT, invT, out, s->npad, g, A);
        for (int t = 0; t < NT; ++t)
            for (size_t j = 0; j < NS; ++j) {
                ssoc_params p;
                memcpy(p.p, table + j * SSOC_NPARAM, sizeof p.p);
                ssoc_layers L;
                ssoc_model_eval(&p, cols[c][0], cols[c][1], Ts[t], &L);
                double r = tu_rel(out[t * s->npad + j], L.sigma_S_cm);
                maxrel = fmax(maxrel, r);
                cr_expect(r < 1e-12, "col %zu T %g set %zu: %.17g vs %.17g", c, Ts[t], j, out[t * s->npad + j],
                          L.sigma_S_cm);
            }
    }
    cr_log_info("max relative deviation from ssoc_model_eval: %.3g", maxrel);
    /* docs/MODEL.md, "The published set at 500 K": the published set at (0.75, 1.73, 500 K) */
    ssoc_column col;
    ssoc_column_init(0.75, 1.73, &col);
    ssoc_kernel_eval(&col, s, NT, invT, out, s->npad, g, A);
    cr_expect(tu_rel(out[2 * s->npad], 3.4408431465e-03) < 1e-9);
    free(out), free(g), free(A), free(invT);
    ssoc_paramsets_free(s);
}

Test(kernel, bitwise_independent_of_lane_and_table)
{
    /* One parameter set placed at every lane of tables of different sizes: same bits. */
    enum { NT = 3 };
    double base[SSOC_NPARAM * 24];
    make_table(base, 24, 11);
    double *invT = aligned_alloc(64, 64);
    invT[0] = 1.0 / 300, invT[1] = 1.0 / 500, invT[2] = 1.0 / 777;
    const double xs[] = {0.61, 0.75}, rhos[] = {1.4, 2.1};
    for (int c = 0; c < 2; ++c) {
        ssoc_column col;
        ssoc_column_init(xs[c], rhos[c], &col);
        double ref[NT];
        for (size_t n = 1; n <= 24; n += 5)
            for (size_t pos = 0; pos < n; ++pos) {
                double t[SSOC_NPARAM * 24];
                memcpy(t, base, sizeof t);
                memcpy(t + pos * SSOC_NPARAM, base + 23 * SSOC_NPARAM, SSOC_NPARAM * sizeof(double));
                ssoc_paramsets *s = ssoc_paramsets_alloc(t, NULL, n);
                double *out = aligned_alloc(64, NT * s->npad * 8), *g = aligned_alloc(64, s->npad * 8),
                       *A = aligned_alloc(64, s->npad * 8);
                ssoc_kernel_eval(&col, s, NT, invT, out, s->npad, g, A);
                for (int k = 0; k < NT; ++k) {
                    if (n == 1)
                        ref[k] = out[k * s->npad];
                    cr_expect(memcmp(&out[k * s->npad + pos], &ref[k], sizeof(double)) == 0,
                              "n %zu pos %zu T %d: bits differ", n, pos, k);
                }
                free(out), free(g), free(A);
                ssoc_paramsets_free(s);
            }
    }
    free(invT);
}

Test(kernel, paramsets_skip_failed_and_pad)
{
    double t[5 * SSOC_NPARAM];
    make_table(t, 5, 3);
    const unsigned char ok[5] = {1, 0, 1, 0, 1};
    ssoc_paramsets *s = ssoc_paramsets_alloc(t, ok, 5);
    cr_assert(s);
    cr_expect_eq(s->n, 3);
    cr_expect_eq(s->npad, 8);
    cr_expect(s->nH[1] == t[2 * SSOC_NPARAM + SSOC_P_NH]);
    cr_expect(s->nH[7] == t[4 * SSOC_NPARAM + SSOC_P_NH]); /* pad repeats the last kept set */
    cr_expect(s->ln_vc[2] == log(t[4 * SSOC_NPARAM + SSOC_P_VC]));
    ssoc_paramsets_free(s);
    const unsigned char none[2] = {0, 0};
    cr_expect_null(ssoc_paramsets_alloc(t, none, 2));
}

Test(kernel, quantiles_bitwise_equal_to_sorting)
{
    const size_t ns[] = {1, 2, 3, 7, 16, 17, 33, 34, 65, 199, 200, 1000, 1001, 4099, 20001};
    const double qs[] = {0, 0.025, 0.05, 0.1587, 0.5, 0.8413, 0.95, 0.975, 1};
    srand(5);
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; ++a) {
        size_t n = ns[a];
        double *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w), *s = malloc(n * sizeof *s);
        void *scratch = malloc(ssoc_kernel_quantiles_scratch(n));
        for (int trial = 0; trial < 10; ++trial) {
            for (size_t i = 0; i < n; ++i) {
                double u = (double)rand() / RAND_MAX;
                /* 1: many ties; 2: sorted; 3: reversed; 4: one huge outlier crowding one bucket;
                 * 5: all equal; 6: an infinity; 7: values one ulp apart; 8: extreme skew (crowded
                 * buckets at every refinement level); 9: negative and positive; else log-normal-ish */
                v[i] = trial == 1   ? floor(u * 5)
                       : trial == 2 ? (double)i
                       : trial == 3 ? (double)(n - i)
                       : trial == 4 ? (i == n / 3 ? 1e300 : 1.0 + u)
                       : trial == 5 ? 2.5
                       : trial == 6 ? (i == n / 2 ? INFINITY : u)
                       : trial == 7 ? nextafter(1.0, 2.0) + (double)(rand() % 3) * 2.220446049250313e-16
                       : trial == 8 ? exp(600 * u * u * u)
                       : trial == 9 ? u - 0.5
                                    : exp(3 * u);
            }
            /* the bucket selection leaves v unchanged and agrees bit for bit */
            double got_ws[9];
            memcpy(w, v, n * sizeof *w);
            ssoc_kernel_quantiles_ws(w, n, 9, qs, got_ws, scratch);
            cr_expect(memcmp(w, v, n * sizeof *w) == 0, "n %zu trial %d: v modified", n, trial);
            memcpy(s, v, n * sizeof *s);
            qsort(s, n, sizeof *s, cmpd);
            double got[9];
            memcpy(w, v, n * sizeof *w);
            ssoc_kernel_quantiles(w, n, 9, qs, got);
            for (int k = 0; k < 9; ++k) {
                double want = type7_sorted(s, n, qs[k]);
                cr_expect(memcmp(&got[k], &want, sizeof want) == 0, "n %zu trial %d q %g: %.17g vs %.17g", n,
                          trial, qs[k], got[k], want);
                cr_expect(memcmp(&got_ws[k], &want, sizeof want) == 0, "bucket: n %zu trial %d q %g: %.17g vs %.17g",
                          n, trial, qs[k], got_ws[k], want);
            }
            /* a permutation: the multiset is unchanged */
            qsort(w, n, sizeof *w, cmpd);
            cr_expect(memcmp(w, s, n * sizeof *s) == 0, "n %zu: values lost", n);
            /* and ssoc_quantile_select (the boot module's selection) agrees too */
            for (int k = 0; k < 9; ++k) {
                memcpy(w, v, n * sizeof *w);
                double sel = ssoc_quantile_select(w, n, qs[k]);
                cr_expect(memcmp(&got[k], &sel, sizeof sel) == 0, "n %zu q %g: select differs", n, qs[k]);
            }
        }
        free(v), free(w), free(s), free(scratch);
    }
}

Test(kernel, column_statistics_percentile)
{
    enum { B = 203, NT = 4 };
    double table[B * SSOC_NPARAM];
    make_table(table, B, 13);
    unsigned char ok[B];
    for (int i = 0; i < B; ++i)
        ok[i] = i % 17 != 5; /* some failed replicates */
    ssoc_paramsets *reps = ssoc_paramsets_alloc(table, ok, B);
    ssoc_paramsets *best = ssoc_paramsets_alloc(ssoc_params_published.p, NULL, 1);
    double *invT = aligned_alloc(64, 64);
    const double Ts[NT] = {300, 500, 650, 800};
    for (int t = 0; t < NT; ++t)
        invT[t] = 1.0 / Ts[t];
    ssoc_kernel_ctx ctx = {.reps = reps, .best = best, .nT = NT, .inv_T = invT, .confidence = 0.9,
                           .interval = SSOC_CI_PERCENTILE, .q_lo = 0.05, .q_hi = 0.95, .has_target = 1,
                           .target_S_cm = 2e-3};
    ssoc_kernel_ws *ws = ssoc_kernel_ws_alloc(&ctx);
    cr_assert(ws);
    double bst[2 * NT], med[2 * NT], lo[2 * NT], hi[2 * NT], pex[2 * NT];
    const double x = 0.72, rho = 1.66;
    ssoc_column col;
    ssoc_column_init(x, rho, &col);
    ssoc_kernel_column(&ctx, ws, &col, 2, bst, med, lo, hi, pex, NULL, NULL);
    for (int t = 0; t < NT; ++t) {
        ssoc_layers L;
        ssoc_model_eval(&ssoc_params_published, x, rho, Ts[t], &L);
        cr_expect(tu_rel(bst[2 * t], L.sigma_S_cm) < 1e-12);
        double vals[B];
        size_t n = 0, above = 0;
        for (int i = 0; i < B; ++i) {
            if (!ok[i])
                continue;
            ssoc_params p;
            memcpy(p.p, table + i * SSOC_NPARAM, sizeof p.p);
            ssoc_model_eval(&p, x, rho, Ts[t], &L);
            vals[n++] = L.sigma_S_cm;
        }
        qsort(vals, n, sizeof *vals, cmpd);
        for (size_t i = 0; i < n; ++i)
            above += vals[i] >= 2e-3;
        cr_expect(tu_rel(med[2 * t], type7_sorted(vals, n, 0.5)) < 1e-12);
        cr_expect(tu_rel(lo[2 * t], type7_sorted(vals, n, 0.05)) < 1e-12);
        cr_expect(tu_rel(hi[2 * t], type7_sorted(vals, n, 0.95)) < 1e-12);
        cr_expect(lo[2 * t] <= med[2 * t] && med[2 * t] <= hi[2 * t]);
        /* the scalar and fast forms differ by ~1e-15, so only values far from the target count */
        cr_expect(fabs(pex[2 * t] - (double)above / (double)n) <= 1.0 / (double)n, "T %g: %g vs %zu/%zu", Ts[t],
                  pex[2 * t], above, n);
    }
    ssoc_kernel_ws_free(ws);
    ssoc_paramsets_free(reps);
    ssoc_paramsets_free(best);
    free(invT);
}

/* The column statistics equal the plain definition bit for bit: sigma of every replicate by the
 * kernel's exp, sorted, ssoc_quantile_sorted at the (percentile or BCa) levels, exact counts. This
 * covers the fast path (selection on ln sigma) and, with beta0 raised so that sigma reaches
 * 0.05-1 S/cm, the plain path. */
static void column_reference_check(int raise, ssoc_ci_method interval)
{
    enum { B = 203, NT = 5, NJ = 23 };
    double table[B * SSOC_NPARAM], jt[NJ * SSOC_NPARAM];
    make_table(table, B, 21);
    make_table(jt, NJ, 22);
    for (int i = 0; i < B; ++i)
        table[i * SSOC_NPARAM + SSOC_P_BETA0] += raise ? 6.5 : 0.0;
    for (int i = 0; i < NJ; ++i)
        jt[i * SSOC_NPARAM + SSOC_P_BETA0] += raise ? 6.5 : 0.0;
    unsigned char ok[B];
    for (int i = 0; i < B; ++i)
        ok[i] = i % 13 != 4;
    ssoc_params bp = ssoc_params_published;
    bp.p[SSOC_P_BETA0] += raise ? 6.5 : 0.0;
    ssoc_paramsets *reps = ssoc_paramsets_alloc(table, ok, B), *best = ssoc_paramsets_alloc(bp.p, NULL, 1),
                   *jack = ssoc_paramsets_alloc(jt, NULL, NJ);
    double *invT = aligned_alloc(64, 64);
    const double Ts[NT] = {300, 420, 500, 650, 800};
    for (int t = 0; t < NT; ++t)
        invT[t] = 1.0 / Ts[t];
    ssoc_kernel_ctx ctx = {.reps = reps, .best = best, .jack = jack, .nT = NT, .inv_T = invT, .confidence = 0.9,
                           .interval = interval, .has_target = 1};
    ssoc_ci_levels(SSOC_CI_PERCENTILE, 0.9, 0.5, 0, &ctx.q_lo, &ctx.q_hi);
    ssoc_kernel_ws *ws = ssoc_kernel_ws_alloc(&ctx);
    double *all = aligned_alloc(64, NT * reps->npad * 8), *jv = aligned_alloc(64, NT * jack->npad * 8),
           *bv = aligned_alloc(64, NT * 8 * 8), *g = aligned_alloc(64, reps->npad * 8), *A = aligned_alloc(64, reps->npad * 8);
    size_t nfast = 0, nplain = 0;
    for (int ix = 0; ix < 9; ++ix)
        for (int ir = 0; ir < 9; ++ir) {
            const double x = 0.6 + 0.025 * ix, rho = 1.3 + 0.11 * ir;
            ssoc_column col;
            ssoc_column_init(x, rho, &col);
            ssoc_kernel_eval(&col, reps, NT, invT, all, reps->npad, g, A);
            ssoc_kernel_eval(&col, jack, NT, invT, jv, jack->npad, g, A);
            ssoc_kernel_eval(&col, best, NT, invT, bv, 8, g, A);
            /* a target at this column's median at 500 K, so counts near the target matter */
            double srt[B];
            memcpy(srt, all + 2 * reps->npad, reps->n * sizeof *srt);
            qsort(srt, reps->n, sizeof *srt, cmpd);
            ctx.target_S_cm = srt[reps->n / 2];
            double bst[NT], med[NT], lo[NT], hi[NT], pex[NT];
            ssoc_kernel_column(&ctx, ws, &col, 1, bst, med, lo, hi, pex, NULL, NULL);
            for (int t = 0; t < NT; ++t) {
                const size_t n = reps->n;
                memcpy(srt, all + t * reps->npad, n * sizeof *srt);
                const double b = bv[t * 8];
                size_t above = 0, below = 0, equal = 0;
                for (size_t j = 0; j < n; ++j) {
                    above += srt[j] >= ctx.target_S_cm;
                    below += srt[j] < b;
                    equal += srt[j] == b;
                }
                if (log(srt[0]) > -4)
                    ++nplain;
                else
                    ++nfast;
                qsort(srt, n, sizeof *srt, cmpd);
                double ql = ctx.q_lo, qh = ctx.q_hi;
                if (interval == SSOC_CI_BCA)
                    ssoc_ci_levels(SSOC_CI_BCA, 0.9, ((double)below + 0.5 * (double)equal) / (double)n,
                                   ssoc_bca_acceleration(jv + t * jack->npad, NJ), &ql, &qh);
                const double want[5] = {b, ssoc_quantile_sorted(srt, n, 0.5), ssoc_quantile_sorted(srt, n, ql),
                                        ssoc_quantile_sorted(srt, n, qh), (double)above / (double)n};
                const double got[5] = {bst[t], med[t], lo[t], hi[t], pex[t]};
                for (int k = 0; k < 5; ++k)
                    cr_expect(memcmp(&got[k], &want[k], sizeof(double)) == 0,
                              "raise %d x %g rho %g T %g stat %d: %.17g vs %.17g", raise, x, rho, Ts[t], k, got[k],
                              want[k]);
            }
        }
    cr_expect(raise ? nplain > 0 : nfast > 0, "the %s path was not exercised", raise ? "plain" : "fast");
    free(all), free(jv), free(bv), free(g), free(A), free(invT);
    ssoc_kernel_ws_free(ws);
    ssoc_paramsets_free(reps), ssoc_paramsets_free(best), ssoc_paramsets_free(jack);
}

Test(kernel, column_bitwise_equal_to_definition_fast_path) { column_reference_check(0, SSOC_CI_PERCENTILE); }
Test(kernel, column_bitwise_equal_to_definition_plain_path) { column_reference_check(1, SSOC_CI_PERCENTILE); }
Test(kernel, column_bitwise_equal_to_definition_bca) { column_reference_check(0, SSOC_CI_BCA); }
Test(kernel, column_bitwise_equal_to_definition_bca_plain) { column_reference_check(1, SSOC_CI_BCA); }

/* The prediction band of a new MD run (ctx.pred_e): the kernel's /sigma/pred_lo, pred_hi equal the
 * library's ssoc_boot_sigma_pred_band (what `ssoc predict` prints) over the same replicates, pool
 * and seed, on the fast path and (beta0 raised: sigma 0.05-1 S/cm) the plain one, at the
 * percentile levels of the band (never BCa); the confidence band is unchanged by it; and each
 * column's numbers do not depend on where it sits. */
static void pred_check(double raise, ssoc_ci_method interval, size_t B)
{
    enum { NT = 3, NP = 23 };
    ssoc_boot_result *boot = ssoc_boot_result_alloc(B, 0);
    cr_assert(boot);
    make_table(boot->table, B, 31);
    for (size_t i = 0; i < B; ++i) {
        boot->table[i * SSOC_NPARAM + SSOC_P_BETA0] += raise;
        boot->ok[i] = i % 11 != 3;
    }
    boot->opts.seed = 20260522u;
    boot->opts.confidence = 0.95;
    boot->opts.interval = interval;
    boot->dof = 18.4;
    boot->n_resid = NP;
    boot->resid = malloc(2 * NP * sizeof *boot->resid);
    srand(5);
    for (int i = 0; i < 2 * NP; ++i)
        boot->resid[i] = 0.4 * ((double)rand() / RAND_MAX - 0.5);
    /* the terms of the successful replicates, in order, padded with the last as the sets are */
    double *e_all = malloc(B * sizeof *e_all);
    ssoc_error err;
    cr_assert(ssoc_boot_pred_terms(boot, e_all, &err) == SSOC_OK);
    ssoc_paramsets *reps = ssoc_paramsets_alloc(boot->table, boot->ok, B);
    double *e = aligned_alloc(64, reps->npad * sizeof *e);
    size_t m = 0;
    for (size_t i = 0; i < B; ++i)
        if (boot->ok[i])
            e[m++] = e_all[i];
    for (size_t j = m; j < reps->npad; ++j)
        e[j] = e[m - 1];
    ssoc_params bp = ssoc_params_published;
    bp.p[SSOC_P_BETA0] += raise;
    ssoc_paramsets *best = ssoc_paramsets_alloc(bp.p, NULL, 1);
    double *invT = aligned_alloc(64, 64);
    const double Ts[NT] = {400, 500, 700};
    for (int t = 0; t < NT; ++t)
        invT[t] = 1.0 / Ts[t];
    const double level = ssoc_boot_band_level(boot);
    ssoc_kernel_ctx ctx = {.reps = reps, .best = best, .jack = interval == SSOC_CI_BCA ? reps : NULL, .nT = NT,
                           .inv_T = invT, .confidence = 0.95,
                           .interval = interval == SSOC_CI_EXPANDED ? SSOC_CI_PERCENTILE : interval};
    ssoc_ci_levels(SSOC_CI_PERCENTILE, level, 0.5, 0, &ctx.q_lo, &ctx.q_hi);
    ssoc_kernel_ctx plain = ctx;
    ctx.pred_e = e;
    ssoc_kernel_ws *ws = ssoc_kernel_ws_alloc(&ctx), *ws0 = ssoc_kernel_ws_alloc(&plain);
    cr_assert(ws && ws0);
    for (int ix = 0; ix < 5; ++ix)
        for (int ir = 0; ir < 5; ++ir) {
            const double x = 0.64 + 0.03 * ix, rho = 1.4 + 0.17 * ir;
            ssoc_column col;
            ssoc_column_init(x, rho, &col);
            double o[7][NT], c0[4][NT], o2[7][2 * NT];
            ssoc_kernel_column(&ctx, ws, &col, 1, o[0], o[1], o[2], o[3], NULL, o[5], o[6]);
            ssoc_kernel_column(&plain, ws0, &col, 1, c0[0], c0[1], c0[2], c0[3], NULL, NULL, NULL);
            ssoc_kernel_column(&ctx, ws, &col, 2, o2[0], o2[1], o2[2], o2[3], NULL, o2[5], o2[6]);
            for (int t = 0; t < NT; ++t) {
                for (int k = 0; k < 4; ++k)
                    cr_expect(memcmp(&o[k][t], &c0[k][t], sizeof(double)) == 0, "the band moved with pred_e");
                for (int k = 5; k < 7; ++k)
                    cr_expect(memcmp(&o[k][t], &o2[k][2 * t], sizeof(double)) == 0, "stride changed the bits");
                ssoc_sigma_band pb;
                cr_assert(ssoc_boot_sigma_pred_band(boot, x, rho, Ts[t], NULL, &pb, &err) == SSOC_OK, "%s", err.msg);
                cr_expect(tu_rel(o[5][t], pb.lo) < 1e-12 && tu_rel(o[6][t], pb.hi) < 1e-12,
                          "x %g rho %g T %g: kernel [%.17g, %.17g], library [%.17g, %.17g]", x, rho, Ts[t], o[5][t],
                          o[6][t], pb.lo, pb.hi);
            }
        }
    ssoc_kernel_ws_free(ws);
    ssoc_kernel_ws_free(ws0);
    ssoc_paramsets_free(reps);
    ssoc_paramsets_free(best);
    ssoc_boot_result_free(boot);
    free(e), free(e_all);
    free(invT);
}

/* B from the few replicates of a small run to more than the default */
Test(kernel, prediction_band_fast_path) { pred_check(0.0, SSOC_CI_EXPANDED, 211); }
Test(kernel, prediction_band_plain_path) { pred_check(6.5, SSOC_CI_PERCENTILE, 211); }
Test(kernel, prediction_band_with_bca_is_percentile) { pred_check(0.0, SSOC_CI_BCA, 211); }
Test(kernel, prediction_band_large_B) { pred_check(0.0, SSOC_CI_EXPANDED, 4001); }
Test(kernel, prediction_band_small_B) { pred_check(6.5, SSOC_CI_EXPANDED, 12); }
