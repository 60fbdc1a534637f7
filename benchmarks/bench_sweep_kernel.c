/* Sweep kernel benchmark (issue 7): evaluation rate of the production kernel (evals/s/core) against
 * the scalar reference ssoc_model_eval and a plain libm loop, and the cost of the exact quantile
 * selection (ns per element) at B = 200, 1000, 10000, and the production column with the prediction
 * band of a new MD run added (ctx.pred_e). One thread; run on an idle machine:
 *     build/benchmarks/bench_sweep_kernel */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ssoc/model.h"
#include "ssoc/kernel.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void make_table(double *t, size_t n)
{
    srand(1);
    for (size_t i = 0; i < n; ++i)
        for (int k = 0; k < SSOC_NPARAM; ++k)
            t[i * SSOC_NPARAM + k] = ssoc_params_published.p[k] * (1.0 + 0.05 * ((double)rand() / RAND_MAX - 0.5));
}

int main(void)
{
    const size_t Bs[] = {200, 1000, 10000};
    enum { NT = 11 };
    double invT[NT] __attribute__((aligned(64)));
    for (int t = 0; t < NT; ++t)
        invT[t] = 1.0 / (300.0 + 50.0 * t);
    printf("%-8s %14s %14s %18s %18s %16s %20s\n", "B", "eval ns/value", "select ns/elt", "eval+select us/col",
           "production ns/value", "Gevals/s/core", "+prediction ns/value");
    volatile double sink = 0;
    for (size_t ib = 0; ib < 3; ++ib) {
        const size_t B = Bs[ib];
        double *table = malloc(B * SSOC_NPARAM * sizeof *table);
        make_table(table, B);
        ssoc_paramsets *s = ssoc_paramsets_alloc(table, NULL, B);
        double *out = aligned_alloc(64, NT * s->npad * sizeof *out), *g = aligned_alloc(64, s->npad * 8),
               *A = aligned_alloc(64, s->npad * 8), *cp = malloc(NT * s->npad * sizeof *cp);
        const size_t ncol = 40000000 / (B * NT) + 1;
        /* evaluation only */
        double t0 = now();
        for (size_t c = 0; c < ncol; ++c) {
            ssoc_column col;
            ssoc_column_init(0.6 + 0.2 * (double)(c % 201) / 200, 1.3 + 0.9 * (double)(c % 181) / 180, &col);
            ssoc_kernel_eval(&col, s, NT, invT, out, s->npad, g, A);
            sink += out[c % (NT * B)];
        }
        double te = (now() - t0) / ((double)ncol * NT * B);
        /* selection only, on copies of real rows */
        memcpy(cp, out, NT * s->npad * sizeof *cp);
        const double q[3] = {0.025, 0.5, 0.975};
        double res[3];
        void *scratch = malloc(ssoc_kernel_quantiles_scratch(B));
        size_t nsel = ncol;
        t0 = now();
        for (size_t c = 0; c < nsel; ++c) {
            memcpy(out, cp, NT * s->npad * sizeof *cp);
            for (int t = 0; t < NT; ++t) {
                ssoc_kernel_quantiles_ws(out + t * s->npad, B, 3, q, res, scratch);
                sink += res[1];
            }
        }
        double tcopy0 = now();
        for (size_t c = 0; c < nsel; ++c) {
            memcpy(out, cp, NT * s->npad * sizeof *cp);
            sink += out[c % B];
        }
        double tcopy = now() - tcopy0;
        double ts = (tcopy0 - t0 - tcopy) / ((double)nsel * NT * B);
        /* the production path: ssoc_kernel_column (best, bands by selection on ln sigma, exp of the
         * selected order statistics only) */
        ssoc_paramsets *best = ssoc_paramsets_alloc(ssoc_params_published.p, NULL, 1);
        ssoc_kernel_ctx ctx = {.reps = s, .best = best, .nT = NT, .inv_T = invT, .confidence = 0.95,
                               .interval = SSOC_CI_PERCENTILE, .q_lo = 0.025, .q_hi = 0.975};
        ssoc_kernel_ws *ws = ssoc_kernel_ws_alloc(&ctx);
        double o[4][NT];
        t0 = now();
        for (size_t c = 0; c < ncol; ++c) {
            ssoc_column col;
            ssoc_column_init(0.6 + 0.2 * (double)(c % 201) / 200, 1.3 + 0.9 * (double)(c % 181) / 180, &col);
            ssoc_kernel_column(&ctx, ws, &col, 1, o[0], o[1], o[2], o[3], NULL, NULL, NULL);
            sink += o[1][3];
        }
        double tp = (now() - t0) / ((double)ncol * NT * B);
        ssoc_kernel_ws_free(ws);
        /* the same with the prediction band of a new MD run (the sweep's /sigma/pred_lo, pred_hi):
         * terms e_j of the size of the shipped data's ln-sigma residuals (~0.2) */
        double *e = aligned_alloc(64, s->npad * sizeof *e);
        for (size_t j = 0; j < s->npad; ++j)
            e[j] = 0.4 * ((double)((j * 2654435761u) % 1000) / 1000.0 - 0.5);
        ctx.pred_e = e;
        ws = ssoc_kernel_ws_alloc(&ctx);
        double pl[NT], ph[NT];
        t0 = now();
        for (size_t c = 0; c < ncol; ++c) {
            ssoc_column col;
            ssoc_column_init(0.6 + 0.2 * (double)(c % 201) / 200, 1.3 + 0.9 * (double)(c % 181) / 180, &col);
            ssoc_kernel_column(&ctx, ws, &col, 1, o[0], o[1], o[2], o[3], NULL, pl, ph);
            sink += o[1][3] + pl[3];
        }
        double tpp = (now() - t0) / ((double)ncol * NT * B);
        ssoc_kernel_ws_free(ws);
        free(e);
        ssoc_paramsets_free(best);
        printf("%-8zu %14.3f %14.3f %18.2f %18.3f %16.3f %20.3f\n", B, 1e9 * te, 1e9 * ts, 1e6 * (te + ts) * NT * B,
               1e9 * tp, 1e-9 / tp, 1e9 * tpp);
        free(table), free(out), free(g), free(A), free(cp), free(scratch);
        ssoc_paramsets_free(s);
    }
    /* references: scalar model and a plain libm exp loop */
    const size_t n = 2000000;
    double t0 = now();
    for (size_t i = 0; i < n; ++i) {
        ssoc_layers L;
        ssoc_model_eval(&ssoc_params_published, 0.6 + 0.2 * (double)(i % 201) / 200, 1.3 + 0.9 * (double)(i % 181) / 180,
                        300.0 + (double)(i % 11) * 50, &L);
        sink += L.sigma_S_cm;
    }
    double tsc = (now() - t0) / (double)n;
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; ++i)
        v[i] = -10.0 + 1e-6 * (double)i;
    t0 = now();
    for (int rep = 0; rep < 5; ++rep)
        for (size_t i = 0; i < n; ++i)
            sink += exp(v[i]);
    double tlibm = (now() - t0) / (5.0 * (double)n);
    printf("scalar ssoc_model_eval: %.2f ns/eval (%.3f G/s); plain libm exp loop: %.2f ns/exp (%.3f G/s)\n", 1e9 * tsc,
           1e-9 / tsc, 1e9 * tlibm, 1e-9 / tlibm);
    free(v);
    return sink == 42.0;
}
