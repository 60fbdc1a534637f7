/* Kernel benchmark (issue 7): evaluation rate of the production sweep kernel (ssoc_kernel_eval:
 * per-column hoisting, libmvec exp in fixed 8-lane chunks) in evaluations (point-replicates) per
 * second per core, against
 *   - hoisted scalar: the same fast form, one scalar libm exp per value (what hoisting alone buys),
 *   - plain libm:     docs/MODEL.md, "The model", written out per value with scalar libm (pow for
 *                     the jump length and the Hill factor, exp for D_PCC and f_eff), no hoisting,
 *   - ssoc_model_eval: the library's scalar reference (every layer, term by term).
 * All run on real bootstrap replicates over columns spread across the default grid
 * (x 0.60:0.80:201, rho 1.30:2.20:181, T 300:800:11), so gated and ungated columns mix as in a
 * sweep. Variants are interleaved within each repeat so a load spike hits them alike; best and
 * median over the repeats are printed. The production kernel is also run on all threads at once
 * (OMP_NUM_THREADS), each thread on its own columns: its per-core rate shows whether two busy
 * cores slow each other down.
 *
 * usage: bench_kernel [DATA.csv] [B=1000] [repeats=7]      (run from the source tree) */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "ssoc/model.h"
#include "ssoc/kernel.h"

enum { NX = 201, NRHO = 181, NT = 11, MAXREP = 50 };

static double grid_x(size_t i) { return 0.60 + 0.20 * (double)i / (NX - 1); }
static double grid_rho(size_t i) { return 1.30 + 0.90 * (double)i / (NRHO - 1); }

/* column c of a spread sample: a stride coprime with NX covers x and rho evenly */
static void sample_column(size_t c, double *x, double *rho)
{
    const size_t k = (c * 7919) % (NX * NRHO);
    *x = grid_x(k % NX);
    *rho = grid_rho(k / NX);
}

typedef struct ctx {
    const double *table; /* n x SSOC_NPARAM */
    size_t n;
    const ssoc_paramsets *s;
    double invT[NT], T[NT];
} ctx;

/* ---- production kernel ---- */
static double run_prod(const ctx *C, size_t ncol, size_t c0, double *out, double *g, double *A)
{
    double sink = 0.0;
    for (size_t c = 0; c < ncol; ++c) {
        double x, rho;
        sample_column(c0 + c, &x, &rho);
        ssoc_column col;
        ssoc_column_init(x, rho, &col);
        ssoc_kernel_eval(&col, C->s, NT, C->invT, out, C->s->npad, g, A);
        sink += out[(c * 31) % (NT * C->s->npad)];
    }
    return sink;
}

/* ---- hoisted fast form, scalar libm exp (no libmvec: this file does not declare exp simd) ---- */
static double run_hoisted_scalar(const ctx *C, size_t ncol, size_t c0, double *out, double *g, double *A)
{
    const double lnc = log(SSOC_E_C * SSOC_E_C / (6.0 * SSOC_H_J_S)), inv_kB = 1.0 / SSOC_KB_EV_K;
    double sink = 0.0;
    for (size_t c = 0; c < ncol; ++c) {
        double x, rho;
        sample_column(c0 + c, &x, &rho);
        const double M = ssoc_model_molar_mass_g_mol(x), vf = 1.0 - rho / ssoc_model_rho0_g_cm3(x);
        const double cc = lnc + log(rho * SSOC_NA_MOL * 2.0 * x / M) / 3.0;
        for (size_t j = 0; j < C->n; ++j) {
            const double *p = C->table + j * SSOC_NPARAM;
            const double gate = vf > 0.0 ? log1p(pow(vf / p[SSOC_P_VC], p[SSOC_P_NH])) : 0.0;
            g[j] = cc + p[SSOC_P_BETA0] + p[SSOC_P_BETA1] * x + p[SSOC_P_BETA2] * vf + p[SSOC_P_BETA3] * vf * vf - gate;
            A[j] = (p[SSOC_P_E0] - p[SSOC_P_ALPHA_E] * vf) * inv_kB;
        }
        for (size_t t = 0; t < NT; ++t)
            for (size_t j = 0; j < C->n; ++j)
                out[t * C->n + j] = exp(g[j] - A[j] * C->invT[t]);
        sink += out[(c * 31) % (NT * C->n)];
    }
    return sink;
}

/* ---- plain libm: the model term by term per value, nothing hoisted ---- */
static double run_plain(const ctx *C, size_t ncol, size_t c0, double *out)
{
    const double r_cm = SSOC_R_S_ANGSTROM * 1e-8;
    const double V_S = (4.0 / 3.0) * SSOC_PI * r_cm * r_cm * r_cm;
    double sink = 0.0;
    for (size_t c = 0; c < ncol; ++c) {
        double x, rho;
        sample_column(c0 + c, &x, &rho);
        for (size_t t = 0; t < NT; ++t)
            for (size_t j = 0; j < C->n; ++j) {
                const double *p = C->table + j * SSOC_NPARAM;
                const double M = 2 * x * SSOC_M_LI_G_MOL + 2 * (1 - x) * SSOC_M_P_G_MOL + (5 - 4 * x) * SSOC_M_S_G_MOL;
                const double rho0 = M / (SSOC_NA_MOL * (5 - 4 * x) * V_S / SSOC_ETA_RCP);
                const double vf = 1 - rho / rho0, n = rho * SSOC_NA_MOL * 2 * x / M, a = pow(n, -1.0 / 3.0);
                const double kT = SSOC_KB_J_K * C->T[t];
                const double D = a * a / 6 * (kT / SSOC_H_J_S) *
                                 exp(-(p[SSOC_P_E0] - p[SSOC_P_ALPHA_E] * vf) * SSOC_E_C / kT);
                const double pa = vf <= 0 ? 1.0 : 1.0 / (1.0 + pow(vf / p[SSOC_P_VC], p[SSOC_P_NH]));
                const double f = exp(p[SSOC_P_BETA0] + p[SSOC_P_BETA1] * x + p[SSOC_P_BETA2] * vf + p[SSOC_P_BETA3] * vf * vf);
                out[t * C->n + j] = n * SSOC_E_C * SSOC_E_C * f * D * pa / kT;
            }
        sink += out[(c * 31) % (NT * C->n)];
    }
    return sink;
}

/* ---- the library's scalar reference ---- */
static double run_ref(const ctx *C, size_t ncol, size_t c0, double *out)
{
    double sink = 0.0;
    for (size_t c = 0; c < ncol; ++c) {
        double x, rho;
        sample_column(c0 + c, &x, &rho);
        for (size_t t = 0; t < NT; ++t)
            for (size_t j = 0; j < C->n; ++j) {
                ssoc_params p;
                memcpy(p.p, C->table + j * SSOC_NPARAM, sizeof p.p);
                ssoc_layers L;
                ssoc_model_eval(&p, x, rho, C->T[t], &L);
                out[t * C->n + j] = L.sigma_S_cm;
            }
        sink += out[(c * 31) % (NT * C->n)];
    }
    return sink;
}

/* largest relative difference of a column's values (row stride ld) from the reference */
static double max_rel(const double *v, size_t ld, const double *ref, size_t n)
{
    double m = 0.0;
    for (size_t t = 0; t < NT; ++t)
        for (size_t j = 0; j < n; ++j) {
            const double r = fabs(v[t * ld + j] - ref[t * n + j]) / fabs(ref[t * n + j]);
            m = r > m ? r : m;
        }
    return m;
}

int main(int argc, char **argv)
{
    const char *data = argc > 1 ? argv[1] : BENCH_DEFAULT_DATA;
    const size_t B = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000;
    int R = argc > 3 ? atoi(argv[3]) : 7;
    if (B < 2 || R < 1 || R > MAXREP) {
        fprintf(stderr, "usage: bench_kernel [DATA.csv] [B=1000 (>= 2)] [repeats=7 (1..%d)]\n", MAXREP);
        return 2;
    }
    ctx C;
    C.table = bench_replicates(data, B, &C.n);
    C.s = ssoc_paramsets_alloc(C.table, NULL, C.n);
    for (int t = 0; t < NT; ++t) {
        C.T[t] = 300.0 + 50.0 * t;
        C.invT[t] = 1.0 / C.T[t];
    }
    const size_t ld = C.s->npad;
    double *out = aligned_alloc(64, NT * ld * sizeof *out), *g = aligned_alloc(64, ld * sizeof *g),
           *A = aligned_alloc(64, ld * sizeof *A), *ref = malloc(NT * C.n * sizeof *ref),
           *tmp = malloc(NT * C.n * sizeof *tmp);

    /* agreement with the scalar reference on the first columns of the sample (gated and ungated;
     * any difference is last-bit rounding) */
    double worst[3] = {0, 0, 0};
    size_t ngated = 0;
    for (size_t c = 0; c < 64; ++c) {
        double x, rho;
        sample_column(c, &x, &rho);
        ngated += ssoc_model_vf(x, rho) > 0.0;
        run_ref(&C, 1, c, ref);
        run_prod(&C, 1, c, out, g, A);
        double e[3] = {max_rel(out, ld, ref, C.n), 0, 0};
        run_hoisted_scalar(&C, 1, c, tmp, g, A);
        e[1] = max_rel(tmp, C.n, ref, C.n);
        run_plain(&C, 1, c, tmp);
        e[2] = max_rel(tmp, C.n, ref, C.n);
        for (int k = 0; k < 3; ++k)
            worst[k] = e[k] > worst[k] ? e[k] : worst[k];
    }

    /* work per repeat: ~30M values for the fast variants, a tenth for the slow scalar ones */
    const size_t ncol_fast = 30000000 / (NT * C.n) + 1, ncol_slow = ncol_fast / 10 + 1;
    double t_prod[MAXREP], t_hs[MAXREP], t_plain[MAXREP], t_ref[MAXREP], t_par[MAXREP];
    double c_prod[MAXREP], c_hs[MAXREP], c_plain[MAXREP], c_ref[MAXREP], c_par[MAXREP];
    volatile double sink = 0.0;
    const int nthr = omp_get_max_threads();
    double **pout = calloc((size_t)nthr, sizeof *pout), **pg = calloc((size_t)nthr, sizeof *pg),
           **pA = calloc((size_t)nthr, sizeof *pA);
    for (int i = 0; i < nthr; ++i) {
        pout[i] = aligned_alloc(64, NT * ld * sizeof(double));
        pg[i] = aligned_alloc(64, ld * sizeof(double));
        pA[i] = aligned_alloc(64, ld * sizeof(double));
    }
    sink += run_prod(&C, ncol_fast / 4, 0, out, g, A); /* warm-up: libmvec's lazy binding, caches */
    for (int r = 0; r < R; ++r) {
        const double per_prod = 1.0 / ((double)ncol_fast * NT * (double)C.n);
        const double per_slow = 1.0 / ((double)ncol_slow * NT * (double)C.n);
        double t0 = bench_now(), c0 = bench_cpu();
        sink += run_prod(&C, ncol_fast, 0, out, g, A);
        t_prod[r] = (bench_now() - t0) * per_prod, c_prod[r] = (bench_cpu() - c0) * per_prod;
        t0 = bench_now(), c0 = bench_cpu();
        sink += run_hoisted_scalar(&C, ncol_fast, 0, tmp, g, A);
        t_hs[r] = (bench_now() - t0) * per_prod, c_hs[r] = (bench_cpu() - c0) * per_prod;
        t0 = bench_now(), c0 = bench_cpu();
        sink += run_plain(&C, ncol_slow, 0, tmp);
        t_plain[r] = (bench_now() - t0) * per_slow, c_plain[r] = (bench_cpu() - c0) * per_slow;
        t0 = bench_now(), c0 = bench_cpu();
        sink += run_ref(&C, ncol_slow, 0, tmp);
        t_ref[r] = (bench_now() - t0) * per_slow, c_ref[r] = (bench_cpu() - c0) * per_slow;
        t0 = bench_now();
        double s = 0.0, cpu = 0.0;
#pragma omp parallel reduction(+ : s, cpu)
        {
            const int i = omp_get_thread_num();
            const double ci = bench_cpu();
            s += run_prod(&C, ncol_fast, (size_t)i * ncol_fast, pout[i], pg[i], pA[i]);
            cpu += bench_cpu() - ci;
        }
        sink += s;
        t_par[r] = (bench_now() - t0) * per_prod; /* wall per value per core: each thread did ncol_fast columns */
        c_par[r] = cpu / nthr * per_prod;
    }
    printf("bench_kernel: %zu real replicates (B = %zu, %zu failed), %d temperatures, %d repeats, %d threads for "
           "the parallel row\n",
           C.n, B, B - C.n, NT, R, nthr);
    printf("max relative difference from ssoc_model_eval on 64 columns (%zu gated): production %.2e, hoisted "
           "scalar %.2e, plain %.2e\n",
           ngated, worst[0], worst[1], worst[2]);
    printf("%-44s %9s %9s %9s %11s %11s %9s\n", "variant (ns per evaluation)", "wall best", "median", "cpu best",
           "G/s/c wall", "G/s/c cpu", "vs plain");
    double med, cmed, bp, mp;
    bp = bench_best_median(t_plain, (size_t)R, &mp);
    struct {
        const char *name;
        double *t, *c;
    } rows[] = {{"production kernel (1 thread)", t_prod, c_prod},
                {"production kernel (per core, all threads)", t_par, c_par},
                {"hoisted, scalar libm exp", t_hs, c_hs},
                {"plain libm loop (the model per value)", t_plain, c_plain},
                {"ssoc_model_eval (scalar reference)", t_ref, c_ref}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; ++i) {
        const double best = rows[i].t == t_plain ? bp : bench_best_median(rows[i].t, (size_t)R, &med);
        if (rows[i].t == t_plain)
            med = mp;
        const double cbest = bench_best_median(rows[i].c, (size_t)R, &cmed);
        printf("%-44s %9.3f %9.3f %9.3f %11.3f %11.3f %8.1fx\n", rows[i].name, 1e9 * best, 1e9 * med, 1e9 * cbest,
               1e-9 / best, 1e-9 / cbest, bp / best);
    }
    for (int i = 0; i < nthr; ++i)
        free(pout[i]), free(pg[i]), free(pA[i]);
    free(pout), free(pg), free(pA);
    free(out), free(g), free(A), free(ref), free(tmp);
    ssoc_paramsets_free((ssoc_paramsets *)C.s);
    free((double *)C.table);
    return sink == 42.0;
}
