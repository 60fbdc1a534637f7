/* Time per design-rule optimisation (rho_opt and x_opt) over a grid shaped like the sweep's
 * default (nx = 201, nrho = 181, nT = 11), for the published set and for replicate-like
 * parameter sets (each parameter scaled by a uniform factor in [0.9, 1.1], deterministic).
 * Also rho_opt by the x-block method (ssoc_rules_rho_opt_columns), per column. Single thread.
 * Usage: bench_rules [replicates (default 20)] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ssoc/rules.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double unif(uint64_t *s) /* splitmix64 -> [0, 1) */
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

enum { NX = 201, NRHO = 181, NT = 11 };
static const double X_LO = 0.60, X_HI = 0.80, RHO_LO = 1.30, RHO_HI = 2.20, T_LO = 300.0, T_HI = 800.0;

/* seconds per column of rho_opt over the grid's x columns by the x-block method, as the sweep calls
 * it (ssoc_rules_xblock blocks), for R prepared sets; -1 on an error */
static double time_xblock(const ssoc_rules_prep *pr, int R, const double *xg, double rho_lo, double rho_hi,
                          double *sink)
{
    ssoc_optimum ob[SSOC_RULES_XBLOCK];
    unsigned char okb[SSOC_RULES_XBLOCK];
    ssoc_error err = {0};
    const double t0 = now_s();
    for (int r = 0; r < R; ++r)
        for (int it = 0; it < NT; ++it)
            for (size_t f = 0; f < NX; f += SSOC_RULES_XBLOCK) {
                const double T = T_LO + (T_HI - T_LO) * it / (NT - 1);
                const size_t m = ssoc_rules_xblock(f, NX, NULL);
                if (ssoc_rules_rho_opt_columns(&pr[r], xg + f, m, T, rho_lo, rho_hi, ob, okb, &err) != SSOC_OK) {
                    fprintf(stderr, "bench_rules: %s\n", err.msg);
                    return -1.0;
                }
                for (size_t i = 0; i < m; ++i)
                    *sink += okb[i] ? ob[i].arg : 0.0;
            }
    return (now_s() - t0) / ((double)R * NT * NX);
}

int main(int argc, char **argv)
{
    int R = argc > 1 ? atoi(argv[1]) : 20;
    if (R < 1)
        R = 1;
    ssoc_params *ps = malloc((size_t)R * sizeof *ps);
    ssoc_rules_prep *pr = malloc((size_t)R * sizeof *pr);
    if (!ps || !pr)
        return 1;
    uint64_t seed = 12345;
    ssoc_error err;
    for (int r = 0; r < R; ++r) {
        ps[r] = ssoc_params_published;
        if (r > 0)
            for (int i = 0; i < SSOC_NPARAM; ++i)
                ps[r].p[i] *= 0.9 + 0.2 * unif(&seed);
        if (ssoc_rules_prepare(&ps[r], &pr[r], &err) != SSOC_OK) {
            fprintf(stderr, "bench_rules: %s\n", err.msg);
            return 1;
        }
    }
    double sink = 0.0;
    long nbound = 0, ncalls = 0;
    ssoc_optimum o;

    /* rho_opt over every (x, T) column, plain API (validates and prepares on each call) */
    double t0 = now_s();
    for (int r = 0; r < R; ++r)
        for (int it = 0; it < NT; ++it)
            for (int ix = 0; ix < NX; ++ix) {
                const double x = X_LO + (X_HI - X_LO) * ix / (NX - 1), T = T_LO + (T_HI - T_LO) * it / (NT - 1);
                if (ssoc_rules_rho_opt(&ps[r], x, T, RHO_LO, RHO_HI, &o, &err) != SSOC_OK) {
                    fprintf(stderr, "bench_rules: %s\n", err.msg);
                    return 1;
                }
                sink += o.arg;
            }
    const double t_rho_plain = (now_s() - t0) / ((double)R * NT * NX);

    t0 = now_s();
    for (int r = 0; r < R; ++r)
        for (int it = 0; it < NT; ++it)
            for (int ix = 0; ix < NX; ++ix) {
                const double x = X_LO + (X_HI - X_LO) * ix / (NX - 1), T = T_LO + (T_HI - T_LO) * it / (NT - 1);
                if (ssoc_rules_rho_opt_prepared(&pr[r], x, T, RHO_LO, RHO_HI, &o, &err) != SSOC_OK) {
                    fprintf(stderr, "bench_rules: %s\n", err.msg);
                    return 1;
                }
                sink += o.arg;
                nbound += o.at_bound;
                ++ncalls;
            }
    const double t_rho = (now_s() - t0) / ((double)R * NT * NX);
    const double frac_rho_bound = (double)nbound / (double)ncalls;

    /* the same columns by the x-block method, as the sweep calls it (ssoc_rules_xblock blocks) */
    double xg[NX];
    for (int ix = 0; ix < NX; ++ix)
        xg[ix] = X_LO + (X_HI - X_LO) * ix / (NX - 1);
    const double t_rho_block = time_xblock(pr, R, xg, RHO_LO, RHO_HI, &sink);
    if (t_rho_block < 0)
        return 1;

    nbound = ncalls = 0;
    t0 = now_s();
    for (int r = 0; r < R; ++r)
        for (int it = 0; it < NT; ++it)
            for (int ir = 0; ir < NRHO; ++ir) {
                const double rho = RHO_LO + (RHO_HI - RHO_LO) * ir / (NRHO - 1);
                const double T = T_LO + (T_HI - T_LO) * it / (NT - 1);
                if (ssoc_rules_x_opt_prepared(&pr[r], rho, T, X_LO, X_HI, &o, &err) != SSOC_OK) {
                    fprintf(stderr, "bench_rules: %s\n", err.msg);
                    return 1;
                }
                sink += o.arg;
                nbound += o.at_bound;
                ++ncalls;
            }
    const double t_x = (now_s() - t0) / ((double)R * NT * NRHO);
    const double frac_x_bound = (double)nbound / (double)ncalls;

    /* a wider x range, where x_opt is interior for part of the grid */
    nbound = ncalls = 0;
    t0 = now_s();
    for (int r = 0; r < R; ++r)
        for (int it = 0; it < NT; ++it)
            for (int ir = 0; ir < NRHO; ++ir) {
                const double rho = RHO_LO + (RHO_HI - RHO_LO) * ir / (NRHO - 1);
                const double T = T_LO + (T_HI - T_LO) * it / (NT - 1);
                if (ssoc_rules_x_opt_prepared(&pr[r], rho, T, 0.05, 0.95, &o, &err) != SSOC_OK) {
                    fprintf(stderr, "bench_rules: %s\n", err.msg);
                    return 1;
                }
                sink += o.arg;
                nbound += o.at_bound;
                ++ncalls;
            }
    const double t_xw = (now_s() - t0) / ((double)R * NT * NRHO);
    const double frac_xw_bound = (double)nbound / (double)ncalls;

    /* harder shapes: interior x_opt (beta1 = -2.5) and bimodal rho_opt (v_c = 0.05, n_H = 8,
     * B = beta2 + alpha_E/kT = 60 at 500 K, beta3 = -40, rho in [0.5, 2.1]), on the same
     * replicate-like perturbations */
    for (int r = 0; r < R; ++r) {
        ssoc_params q = ps[r];
        q.p[SSOC_P_BETA1] = -2.5 * ps[r].p[SSOC_P_BETA1] / ssoc_params_published.p[SSOC_P_BETA1];
        if (ssoc_rules_prepare(&q, &pr[r], &err) != SSOC_OK)
            return 1;
    }
    nbound = ncalls = 0;
    t0 = now_s();
    for (int r = 0; r < R; ++r)
        for (int it = 0; it < NT; ++it)
            for (int ir = 0; ir < NRHO; ++ir) {
                const double rho = RHO_LO + (RHO_HI - RHO_LO) * ir / (NRHO - 1);
                const double T = T_LO + (T_HI - T_LO) * it / (NT - 1);
                if (ssoc_rules_x_opt_prepared(&pr[r], rho, T, 0.05, 0.9, &o, &err) != SSOC_OK) {
                    fprintf(stderr, "bench_rules: %s\n", err.msg);
                    return 1;
                }
                sink += o.arg;
                nbound += o.at_bound;
                ++ncalls;
            }
    const double t_xi = (now_s() - t0) / ((double)R * NT * NRHO);
    const double frac_xi_bound = (double)nbound / (double)ncalls;

    for (int r = 0; r < R; ++r) {
        ssoc_params q = ps[r];
        q.p[SSOC_P_VC] = 0.05 * ps[r].p[SSOC_P_VC] / ssoc_params_published.p[SSOC_P_VC];
        q.p[SSOC_P_NH] = 8.0 * ps[r].p[SSOC_P_NH] / ssoc_params_published.p[SSOC_P_NH];
        q.p[SSOC_P_BETA2] = 60.0 - q.p[SSOC_P_ALPHA_E] / (SSOC_KB_EV_K * 500.0);
        q.p[SSOC_P_BETA3] = -40.0 * ps[r].p[SSOC_P_BETA3] / ssoc_params_published.p[SSOC_P_BETA3];
        if (ssoc_rules_prepare(&q, &pr[r], &err) != SSOC_OK)
            return 1;
    }
    long nmulti = 0;
    ncalls = 0;
    t0 = now_s();
    for (int r = 0; r < R; ++r)
        for (int it = 0; it < NT; ++it)
            for (int ix = 0; ix < NX; ++ix) {
                const double x = X_LO + (X_HI - X_LO) * ix / (NX - 1), T = T_LO + (T_HI - T_LO) * it / (NT - 1);
                if (ssoc_rules_rho_opt_prepared(&pr[r], x, T, 0.5, 2.1, &o, &err) != SSOC_OK) {
                    fprintf(stderr, "bench_rules: %s\n", err.msg);
                    return 1;
                }
                sink += o.arg;
                nmulti += o.n_local_max > 1;
                ++ncalls;
            }
    const double t_bi = (now_s() - t0) / ((double)R * NT * NX);
    const double frac_bi = (double)nmulti / (double)ncalls;
    const double t_bi_block = time_xblock(pr, R, xg, 0.5, 2.1, &sink);
    if (t_bi_block < 0)
        return 1;

    printf("bench_rules: %d parameter sets, grid x[%g,%g]x%d rho[%g,%g]x%d T[%g,%g]x%d, 1 thread\n", R, X_LO,
           X_HI, NX, RHO_LO, RHO_HI, NRHO, T_LO, T_HI, NT);
    printf("rho_opt (plain API)    %8.1f ns/call\n", 1e9 * t_rho_plain);
    printf("rho_opt (prepared)     %8.1f ns/call  (%.1f%% at a bound)\n", 1e9 * t_rho, 100.0 * frac_rho_bound);
    printf("rho_opt (x-block, %d columns) %5.1f ns/column\n", SSOC_RULES_XBLOCK, 1e9 * t_rho_block);
    printf("x_opt   (prepared)     %8.1f ns/call  (%.1f%% at a bound)\n", 1e9 * t_x, 100.0 * frac_x_bound);
    printf("x_opt   x in [0.05,0.95] %6.1f ns/call  (%.1f%% at a bound)\n", 1e9 * t_xw, 100.0 * frac_xw_bound);
    printf("x_opt   interior (beta1 -2.5) %6.1f ns/call  (%.1f%% at a bound)\n", 1e9 * t_xi, 100.0 * frac_xi_bound);
    printf("rho_opt steep gating  %8.1f ns/call  (%.1f%% bimodal)\n", 1e9 * t_bi, 100.0 * frac_bi);
    printf("rho_opt steep gating, x-block %5.1f ns/column\n", 1e9 * t_bi_block);
    printf("(checksum %.6f)\n", sink);
    free(ps);
    free(pr);
    return 0;
}
