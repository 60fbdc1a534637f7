/* The sweep through the library under mpiexec -n 2: /sigma/best equals the scalar reference
 * model (ssoc_model_eval) at every grid node to 1e-12 relative, the bands bracket the median, and
 * with params = published /rules/rho_opt at T = 500 K, x = 0.75 is docs/MODEL.md's 1.73381 g/cm3
 * (v_f,opt 0.05427, sigma_max 3.442185e-3 S/cm). Failures are counted on every rank and summed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ssoc/config.h"
#include "ssoc/h5io.h"
#include "ssoc/model.h"
#include "ssoc/par.h"
#include "ssoc/sweep.h"

static int failures;
#define CHECK(cond, ...)                                                                                          \
    do {                                                                                                          \
        if (!(cond)) {                                                                                            \
            ++failures;                                                                                           \
            fprintf(stderr, "rank %d: %s:%d: ", ssoc_par_rank(), __FILE__, __LINE__);                             \
            fprintf(stderr, __VA_ARGS__);                                                                         \
            fputc('\n', stderr);                                                                                  \
        }                                                                                                         \
    } while (0)

static double rel(double a, double b) { return b == 0 ? fabs(a - b) : fabs(a - b) / fabs(b); }

static int run(const char *ini, const char *out, const char *const *sets, size_t nsets)
{
    ssoc_config c;
    ssoc_error e = {0};
    ssoc_status st = ssoc_config_load(ini, sets, nsets, &c, &e);
    CHECK(st == SSOC_OK, "config: %s", e.msg);
    if (st)
        return -1;
    ssoc_sweep_opts o = {.output = out, .force = 1, .quiet = 1};
    st = ssoc_sweep_run(&c, &o, &e);
    CHECK(st == SSOC_OK, "sweep: %s", e.msg);
    ssoc_config_free(&c);
    return st == SSOC_OK ? 0 : -1;
}

static void check_best(const char *out, size_t nx, size_t nrho, size_t nT)
{
    ssoc_h5 *h;
    ssoc_error e = {0};
    if (ssoc_h5_open_rw(out, &h, &e)) {
        CHECK(0, "open %s: %s", out, e.msg);
        return;
    }
    size_t n = nx * nrho * nT;
    double *best = malloc(n * sizeof *best), *lo = malloc(n * sizeof *lo), *hi = malloc(n * sizeof *hi),
           *med = malloc(n * sizeof *med), x[64], rho[64], T[64];
    ssoc_params p;
    CHECK(!ssoc_h5_read_all(h, "/fit/params", SSOC_H5_F64, SSOC_NPARAM, p.p, &e), "%s", e.msg);
    CHECK(!ssoc_h5_read_all(h, "/x", SSOC_H5_F64, nx, x, &e), "%s", e.msg);
    CHECK(!ssoc_h5_read_all(h, "/rho", SSOC_H5_F64, nrho, rho, &e), "%s", e.msg);
    CHECK(!ssoc_h5_read_all(h, "/T", SSOC_H5_F64, nT, T, &e), "%s", e.msg);
    CHECK(!ssoc_h5_read_all(h, "/sigma/best", SSOC_H5_F64, n, best, &e), "%s", e.msg);
    CHECK(!ssoc_h5_read_all(h, "/sigma/lo", SSOC_H5_F64, n, lo, &e), "%s", e.msg);
    CHECK(!ssoc_h5_read_all(h, "/sigma/hi", SSOC_H5_F64, n, hi, &e), "%s", e.msg);
    CHECK(!ssoc_h5_read_all(h, "/sigma/median", SSOC_H5_F64, n, med, &e), "%s", e.msg);
    double worst = 0;
    for (size_t it = 0; it < nT; ++it)
        for (size_t ir = 0; ir < nrho; ++ir)
            for (size_t ix = 0; ix < nx; ++ix) {
                size_t k = (it * nrho + ir) * nx + ix;
                ssoc_layers L;
                ssoc_model_eval(&p, x[ix], rho[ir], T[it], &L);
                double r = rel(best[k], L.sigma_S_cm);
                worst = fmax(worst, r);
                CHECK(r < 1e-12, "best at (%g, %g, %g): %.17g vs scalar %.17g", x[ix], rho[ir], T[it], best[k],
                      L.sigma_S_cm);
                CHECK(lo[k] <= med[k] && med[k] <= hi[k] && lo[k] > 0, "band at %zu: %g %g %g", k, lo[k], med[k],
                      hi[k]);
            }
    if (ssoc_par_rank() == 0)
        printf("max relative deviation of /sigma/best from ssoc_model_eval: %.3g over %zu nodes\n", worst, n);
    free(best), free(lo), free(hi), free(med);
    ssoc_h5_close(h, NULL);
}

int main(int argc, char **argv)
{
    ssoc_error e = {0};
    if (ssoc_par_init(&argc, &argv, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    CHECK(ssoc_par_size() == 2, "expected 2 ranks, got %d", ssoc_par_size());
    char ini[4096], out[256];
    snprintf(ini, sizeof ini, "%s/tests/sweep/small.ini", SSOC_SOURCE_DIR);
    /* a file name every rank agrees on */
    int64_t pid = ssoc_par_rank() == 0 ? (int64_t)getpid() : 0;
    ssoc_par_sum_i64(&pid, 1);
    snprintf(out, sizeof out, "/tmp/ssoc_mpi_sweep_%lld.h5", (long long)pid);

    /* 1. the point fit's sigma at every node of the small grid */
    if (run(ini, out, NULL, 0) == 0)
        check_best(out, 13, 11, 4);

    /* 2. the published set: docs/MODEL.md, "The design rule", at (x = 0.75, T = 500 K), both grid
     * nodes */
    const char *sets[] = {"fit.params=published", "grid.x=0.70, 0.75, 0.78", "grid.T=450, 500",
                          "grid.rho=1.40:2.10:8", "bootstrap.B=16"};
    if (run(ini, out, sets, 5) == 0) {
        check_best(out, 3, 8, 2);
        ssoc_h5 *h;
        if (!ssoc_h5_open_rw(out, &h, &e)) {
            double ro[6], vf[6], sm[6], par[SSOC_NPARAM];
            unsigned char bound[6];
            CHECK(!ssoc_h5_read_all(h, "/rules/rho_opt", SSOC_H5_F64, 6, ro, &e), "%s", e.msg);
            CHECK(!ssoc_h5_read_all(h, "/rules/vf_opt", SSOC_H5_F64, 6, vf, &e), "%s", e.msg);
            CHECK(!ssoc_h5_read_all(h, "/rules/sigma_max", SSOC_H5_F64, 6, sm, &e), "%s", e.msg);
            CHECK(!ssoc_h5_read_all(h, "/rules/rho_opt_at_bound", SSOC_H5_U8, 6, bound, &e), "%s", e.msg);
            CHECK(!ssoc_h5_read_all(h, "/fit/params", SSOC_H5_F64, SSOC_NPARAM, par, &e), "%s", e.msg);
            CHECK(memcmp(par, ssoc_params_published.p, sizeof par) == 0, "params are not the published set");
            /* [T][x]: T = 500 is row 1, x = 0.75 column 1; docs/MODEL.md prints 6 significant digits */
            const size_t k = 1 * 3 + 1;
            CHECK(fabs(ro[k] - 1.73381) <= 5e-6, "rho_opt(0.75, 500 K) = %.8f, reference 1.73381", ro[k]);
            CHECK(fabs(vf[k] - 0.05427) <= 5e-6, "vf_opt = %.8f, reference 0.05427", vf[k]);
            CHECK(rel(sm[k], 3.442185e-3) <= 2e-7, "sigma_max = %.8e, reference 3.442185e-03", sm[k]);
            CHECK(bound[k] == 0, "rho_opt flagged at bound");
            if (ssoc_par_rank() == 0)
                printf("published rho_opt(0.75, 500 K) = %.6f g/cm3, vf_opt = %.6f, sigma_max = %.7e S/cm\n", ro[k],
                       vf[k], sm[k]);
            ssoc_h5_close(h, NULL);
        } else {
            CHECK(0, "open: %s", e.msg);
        }
    }
    ssoc_par_barrier();
    if (ssoc_par_rank() == 0)
        remove(out);
    int64_t f = failures;
    ssoc_par_sum_i64(&f, 1);
    if (ssoc_par_rank() == 0)
        printf("mpi_sweep: %lld failure(s)\n", (long long)f);
    ssoc_par_finalize();
    return f != 0;
}
