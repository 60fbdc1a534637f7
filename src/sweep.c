/* The sweep driver: fit, bootstrap, the block-decomposed evaluation with collective HDF5 writes,
 * the design rules, progress, resume and signals. It sees ranks only through par.h and the file
 * only through h5io.h; the arithmetic is in sweep_kernel.c and rules.c.
 *
 * Decomposition. Grid columns (one (x, rho) pair each, c = irho * nx + ix, holding all nT
 * temperatures) are cut into blocks of [output] block columns. Rank r owns the contiguous blocks
 * ssoc_par_share(nblocks, r, P); in round k every rank evaluates its k-th unfinished block (or
 * nothing), then all ranks write collectively, mark the blocks done in /progress/done, flush and
 * agree on errors and signals. Inside a block OpenMP threads take columns (dynamic schedule),
 * each with its own workspace. A column's values depend only on the column and the parameter
 * sets (sweep_kernel.c), so any P x threads and any resume give the same bits.
 *
 * Safety. The run writes OUT.partial, renames it to OUT only when complete; OUT is never
 * replaced without --force. SIGTERM, SIGUSR1 or SIGINT set a flag; at the next block boundary
 * every rank sees it (Allreduce), the file is flushed and closed, and the run returns
 * SSOC_EINTERRUPTED (exit 4). A second signal kills (SA_RESETHAND). --resume checks the stored
 * resume key (the path-free effective config), the data SHA-256 and the parameter-file SHA-256. */
#include "ssoc/plausible.h"
#include "ssoc/sweep.h"

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "ssoc/h5io.h"
#include "ssoc/io.h"
#include "ssoc/kernel_isa.h"
#include "ssoc/par.h"
#include "ssoc/paramfile.h"
#include "ssoc/report.h"
#include "ssoc/rules.h"
#include "ssoc/sweepfile.h"
#include "ssoc/version.h"

#define SSOC_FLUSH_INTERVAL_S 1.0 /* most one H5Fflush per second during the block rounds */

static volatile sig_atomic_t sweep_signal;

static void on_signal(int sig) { sweep_signal = sig; }

enum { PH_FIT, PH_BOOT, PH_EVAL, PH_RULES, PH_WRITE, PH_COUNT };
static const char *const phase_names[PH_COUNT] = {"fit", "bootstrap", "evaluation", "rules", "write"};

/* Everything one run holds; freed by run_free. */
typedef struct run {
    const ssoc_config *cfg;
    const ssoc_sweep_opts *opts;
    int rank, size, threads, quiet;
    char out[4096], partial[4200];
    ssoc_dataset *d;
    ssoc_data_range range;
    ssoc_fit_opts fo;
    ssoc_params best;
    ssoc_metrics metrics;
    int lm_iterations;
    char params_sha[65];
    ssoc_boot_result *boot;
    size_t n_ok;
    ssoc_paramsets *reps, *bestset, *jackset;
    ssoc_rules_prep *preps, bestprep, *jackpreps;
    size_t n_jack_ok;
    double *inv_T;
    double q_lo, q_hi;
    size_t nx, nrho, nT, ncols, nblocks, block;
    ssoc_h5 *h5;
    ssoc_kernel_isa isa; /* the kernel variant every rank runs */
    double t_phase[PH_COUNT];
    double t0;
} run;

static void run_free(run *R)
{
    ssoc_dataset_free(R->d);
    ssoc_boot_result_free(R->boot);
    ssoc_paramsets_free(R->reps);
    ssoc_paramsets_free(R->bestset);
    ssoc_paramsets_free(R->jackset);
    free(R->preps);
    free(R->jackpreps);
    free(R->inv_T);
    if (R->h5)
        ssoc_h5_close(R->h5, NULL);
}

/* ------------------------------------------------------------------ fit and bootstrap */

static ssoc_status do_fit(run *R, ssoc_error *err)
{
    const ssoc_config *c = R->cfg;
    ssoc_status st = ssoc_data_read_csv_ex(c->data_file, c->d_crit_A,
                                           c->allow_implausible_data ? SSOC_PLAUSIBLE_ALLOW : SSOC_PLAUSIBLE_CONFIG, &R->d, err);
    if (st)
        return st;
    ssoc_dataset_range(R->d, &R->range);
    ssoc_fit_opts_default(&R->fo);
    R->params_sha[0] = '\0';
    if (c->params == SSOC_PARAMS_FIT) {
        R->fo.fixed_mask = c->fixed_mask;
        R->fo.fixed = c->fixed;
        ssoc_fit_result fr;
        if ((st = ssoc_fit_run(R->d, &R->fo, &fr, err)))
            return st;
        R->best = fr.params;
        R->metrics = fr.metrics;
        R->lm_iterations = fr.lm_iterations;
        return SSOC_OK;
    }
    if (c->params == SSOC_PARAMS_PUBLISHED) {
        /* SPEC 3/8: the published betas are stage 3 with v_c = 0.125 and n_H = 3 held fixed */
        R->best = ssoc_params_published;
        R->fo.fixed_mask = (1u << SSOC_P_VC) | (1u << SSOC_P_NH);
        R->fo.fixed = ssoc_params_published;
    } else {
        ssoc_paramfile pf;
        if ((st = ssoc_paramfile_read(c->params_file, &pf, err)))
            return st;
        R->best = pf.params;
        R->fo.fixed_mask = pf.fixed_mask;
        R->fo.fixed = pf.params;
        ssoc_paramfile_clear(&pf);
        if ((st = ssoc_sha256_file(c->params_file, R->params_sha, err)))
            return st;
    }
    ssoc_fit_metrics(R->d, &R->best, &R->metrics);
    return SSOC_OK;
}

/* Leave-one-out fits for BCa: every rank computes all n (cheap next to B), threads over points. */
static ssoc_status do_jackknife(run *R, ssoc_error *err)
{
    return ssoc_boot_jackknife(R->d, &R->fo, R->boot->jack, R->boot->jack_ok, err);
}

static ssoc_status do_bootstrap(run *R, ssoc_error *err)
{
    const ssoc_config *c = R->cfg;
    const size_t B = c->B;
    const int bca = c->interval == SSOC_CI_BCA;
    ssoc_boot_opts bo;
    ssoc_boot_opts_default(&bo);
    bo.B = B;
    bo.seed = c->seed;
    bo.scheme = c->scheme;
    bo.confidence = c->confidence;
    bo.interval = c->interval;
    R->boot = ssoc_boot_result_alloc(B, bca ? R->d->n : 0);
    size_t *counts = malloc((size_t)R->size * sizeof *counts);
    if (!R->boot || !counts) {
        free(counts);
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for %zu bootstrap replicates", B);
    }
    size_t b0, b1;
    ssoc_par_share(B, R->rank, R->size, &b0, &b1);
    /* fit my share straight into its place in the full table, then gather everyone's */
    ssoc_error e = {0};
    ssoc_status st = ssoc_boot_fit_range(R->d, &R->fo, &bo, b0, b1, R->boot->table + b0 * SSOC_NPARAM,
                                         R->boot->ok + b0, &e);
    if (st != SSOC_OK && e.code == SSOC_OK)
        e.code = st;
    if (ssoc_par_agree(&e)) {
        free(counts);
        *err = e;
        return e.code;
    }
    for (int r = 0; r < R->size; ++r) {
        size_t lo, hi;
        ssoc_par_share(B, r, R->size, &lo, &hi);
        counts[r] = (hi - lo) * SSOC_NPARAM;
    }
    st = ssoc_par_allgatherv(R->boot->table + b0 * SSOC_NPARAM, R->boot->table, counts, sizeof(double), err);
    for (int r = 0; r < R->size && !st; ++r)
        counts[r] /= SSOC_NPARAM;
    if (!st)
        st = ssoc_par_allgatherv(R->boot->ok + b0, R->boot->ok, counts, 1, err);
    free(counts);
    if (st)
        return st;
    R->boot->opts = bo;
    R->boot->fixed_mask = R->fo.fixed_mask;
    memcpy(R->boot->point, R->best.p, sizeof R->best.p);
    R->boot->point[SSOC_NPARAM] = ssoc_params_vf_star(&R->best);
    R->boot->n_failed = 0;
    for (size_t b = 0; b < B; ++b)
        R->boot->n_failed += !R->boot->ok[b];
    R->n_ok = B - R->boot->n_failed;
    if (bca && (st = do_jackknife(R, err)))
        return st;
    if (R->n_ok < 2)
        return SSOC_ERR(err, SSOC_EFIT, "only %zu of %zu bootstrap replicates could be fitted", R->n_ok, B);
    if ((st = ssoc_boot_summarise(R->boot, err)))
        return st;
    /* kernel and rules inputs */
    R->reps = ssoc_paramsets_alloc(R->boot->table, R->boot->ok, B);
    R->bestset = ssoc_paramsets_alloc(R->best.p, NULL, 1);
    R->preps = malloc(R->n_ok * sizeof *R->preps);
    if (!R->reps || !R->bestset || !R->preps)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for the replicate tables");
    if ((st = ssoc_rules_prepare(&R->best, &R->bestprep, err)))
        return st;
    for (size_t b = 0, j = 0; b < B; ++b) {
        if (!R->boot->ok[b])
            continue;
        ssoc_params p;
        memcpy(p.p, R->boot->table + b * SSOC_NPARAM, sizeof p.p);
        if ((st = ssoc_rules_prepare(&p, &R->preps[j++], err)))
            return SSOC_ERR(err, st, "bootstrap replicate %zu: %s", b, err->msg);
    }
    if (bca) {
        R->jackset = ssoc_paramsets_alloc(R->boot->jack, R->boot->jack_ok, R->boot->n_jack);
        R->jackpreps = malloc(R->boot->n_jack * sizeof *R->jackpreps);
        if (!R->jackset || !R->jackpreps)
            return SSOC_ERR(err, SSOC_EFIT, "no jackknife fit succeeded (BCa needs them)");
        for (size_t i = 0; i < R->boot->n_jack; ++i) {
            if (!R->boot->jack_ok[i])
                continue;
            ssoc_params p;
            memcpy(p.p, R->boot->jack + i * SSOC_NPARAM, sizeof p.p);
            if ((st = ssoc_rules_prepare(&p, &R->jackpreps[R->n_jack_ok++], err)))
                return st;
        }
        if (R->n_jack_ok < 2)
            return SSOC_ERR(err, SSOC_EFIT, "BCa needs at least 2 successful jackknife fits");
    }
    ssoc_ci_levels(SSOC_CI_PERCENTILE, c->confidence, 0.5, 0.0, &R->q_lo, &R->q_hi);
    return SSOC_OK;
}

/* ------------------------------------------------------------------ file layout */

static ssoc_status attach_grid(run *R, const char *path, int kind, ssoc_error *err)
{
    /* kind 3: [T][rho][x]; kind 2: [rho][x]; kind 1: [x]; kind 4: [T][x]; kind 5: [T][rho] */
    ssoc_status st = SSOC_OK;
    switch (kind) {
    case 3:
        if ((st = ssoc_h5_attach_scale(R->h5, path, "/coords/T", 0, "T", err)) ||
            (st = ssoc_h5_attach_scale(R->h5, path, "/coords/rho", 1, "rho", err)) ||
            (st = ssoc_h5_attach_scale(R->h5, path, "/coords/x", 2, "x", err)))
            return st;
        break;
    case 2:
        if ((st = ssoc_h5_attach_scale(R->h5, path, "/coords/rho", 0, "rho", err)) ||
            (st = ssoc_h5_attach_scale(R->h5, path, "/coords/x", 1, "x", err)))
            return st;
        break;
    case 1:
        st = ssoc_h5_attach_scale(R->h5, path, "/coords/x", 0, "x", err);
        break;
    case 4:
        if ((st = ssoc_h5_attach_scale(R->h5, path, "/coords/T", 0, "T", err)) ||
            (st = ssoc_h5_attach_scale(R->h5, path, "/coords/x", 1, "x", err)))
            return st;
        break;
    case 5:
        if ((st = ssoc_h5_attach_scale(R->h5, path, "/coords/T", 0, "T", err)) ||
            (st = ssoc_h5_attach_scale(R->h5, path, "/coords/rho", 1, "rho", err)))
            return st;
        break;
    }
    return st;
}

static ssoc_status gridded(run *R, const char *path, ssoc_h5_type type, int kind, const char *units,
                           const char *desc, ssoc_error *err)
{
    size_t dims[3] = {0, 0, 0};
    int rank = 0;
    switch (kind) {
    case 3: dims[0] = R->nT, dims[1] = R->nrho, dims[2] = R->nx, rank = 3; break;
    case 2: dims[0] = R->nrho, dims[1] = R->nx, rank = 2; break;
    case 1: dims[0] = R->nx, rank = 1; break;
    case 4: dims[0] = R->nT, dims[1] = R->nx, rank = 2; break;
    case 5: dims[0] = R->nT, dims[1] = R->nrho, rank = 2; break;
    }
    ssoc_status st = ssoc_h5_dataset(R->h5, path, type, rank, dims, units, desc, err);
    if (!st)
        st = attach_grid(R, path, kind, err);
    return st;
}


static ssoc_status write_provenance(run *R, int resumed, ssoc_error *err)
{
    ssoc_h5 *h = R->h5;
    char now[32];
    ssoc_io_utc_now(now, sizeof now);
    int64_t ranks = R->size, threads = R->threads, fmt = SSOC_SWEEPFILE_FORMAT, res = resumed,
            mpi = ssoc_par_active();
    ssoc_status st;
    if ((st = ssoc_h5_attr_num(h, "/", "ssoc_format", SSOC_H5_I64, &fmt, 1, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "software", "ssoc", err)) ||
        (st = ssoc_h5_attr_str(h, "/", "version", SSOC_VERSION, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "git_revision", SSOC_GIT_REVISION, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "compiler", SSOC_COMPILER, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "build_type", SSOC_BUILD_TYPE, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "cflags", SSOC_CFLAGS, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "kernel_isa", ssoc_kernel_isa_name(R->isa), err)) ||
        (st = ssoc_h5_attr_num(h, "/", "mpi_ranks", SSOC_H5_I64, &ranks, 1, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "omp_threads", SSOC_H5_I64, &threads, 1, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "mpi_initialised", SSOC_H5_I64, &mpi, 1, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "created", now, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "resumed", SSOC_H5_I64, &res, 1, err)))
        return st;
    return SSOC_OK;
}

static ssoc_status write_layout(run *R, ssoc_error *err)
{
    const ssoc_config *c = R->cfg;
    ssoc_h5 *h = R->h5;
    const int root = R->rank == 0;
    ssoc_status st;
    uint64_t seed = c->seed;
    int64_t B = (int64_t)c->B, nfail = (int64_t)R->boot->n_failed, nb = (int64_t)R->nblocks,
            bc = (int64_t)R->block;
    const char *src = c->params == SSOC_PARAMS_FIT ? "fit" : c->params == SSOC_PARAMS_PUBLISHED ? "published" : c->params_file;
    if ((st = write_provenance(R, 0, err)) || (st = ssoc_h5_attr_str(h, "/", "config", c->text, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "config_file", c->path, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "resume_key", c->resume_key, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "seed", SSOC_H5_U64, &seed, 1, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "data_file", c->data_file, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "data_sha256", R->d->sha256, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "params_source", src, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "params_sha256", R->params_sha, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "confidence", SSOC_H5_F64, &c->confidence, 1, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "interval", ssoc_ci_method_name(c->interval), err)) ||
        (st = ssoc_h5_attr_str(h, "/", "scheme", c->scheme == SSOC_BOOT_CASE ? "case" : "stratified", err)) ||
        (st = ssoc_h5_attr_num(h, "/", "B", SSOC_H5_I64, &B, 1, err)))
        return st;
    if (c->has_target && (st = ssoc_h5_attr_num(h, "/", "target_sigma_S_cm", SSOC_H5_F64, &c->target_sigma_S_cm, 1, err)))
        return st;
    /* coordinates as dimension scales */
    const struct {
        const char *path, *name, *units, *desc;
        const ssoc_axis *a;
    } co[3] = {{"/coords/x", "x", "1", "Li2S fraction x of (Li2S)x(P2S5)1-x", &c->x},
               {"/coords/rho", "rho", "g/cm3", "density", &c->rho},
               {"/coords/T", "T", "K", "temperature", &c->T}};
    for (int i = 0; i < 3; ++i)
        if ((st = ssoc_h5_dataset(h, co[i].path, SSOC_H5_F64, 1, &co[i].a->n, co[i].units, co[i].desc, err)) ||
            (st = ssoc_h5_write_all(h, co[i].path, co[i].a->v, root, err)) ||
            (st = ssoc_h5_make_scale(h, co[i].path, co[i].name, err)))
            return st;
    /* structure (no parameters): rho0 [nx], v_f and n_Li [nrho][nx]; rank 0 holds them */
    double *rho0 = malloc(R->nx * sizeof *rho0), *vf = malloc(R->ncols * sizeof *vf),
           *nli = malloc(R->ncols * sizeof *nli);
    if (!rho0 || !vf || !nli) {
        free(rho0), free(vf), free(nli);
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    }
    for (size_t ix = 0; ix < R->nx; ++ix)
        rho0[ix] = ssoc_model_rho0_g_cm3(c->x.v[ix]);
    for (size_t ir = 0; ir < R->nrho; ++ir)
        for (size_t ix = 0; ix < R->nx; ++ix) {
            vf[ir * R->nx + ix] = ssoc_model_vf(c->x.v[ix], c->rho.v[ir]);
            nli[ir * R->nx + ix] = ssoc_model_nLi_cm3(c->x.v[ix], c->rho.v[ir]);
        }
    st = gridded(R, "/structure/rho0", SSOC_H5_F64, 1, "g/cm3", "close-packed S2- framework density rho0(x)", err);
    if (!st)
        st = ssoc_h5_write_all(h, "/structure/rho0", rho0, root, err);
    if (!st)
        st = gridded(R, "/structure/v_f", SSOC_H5_F64, 2, "1", "free volume 1 - rho/rho0(x)", err);
    if (!st)
        st = ssoc_h5_write_all(h, "/structure/v_f", vf, root, err);
    if (!st)
        st = gridded(R, "/structure/n_Li", SSOC_H5_F64, 2, "cm^-3", "Li carrier density", err);
    if (!st)
        st = ssoc_h5_write_all(h, "/structure/n_Li", nli, root, err);
    free(rho0), free(vf), free(nli);
    if (st)
        return st;
    /* the sweep's gridded outputs, filled block by block (NaN until written) */
    if ((st = gridded(R, "/sigma/best", SSOC_H5_F64, 3, "S/cm", "sigma with the point parameters", err)) ||
        (st = gridded(R, "/sigma/median", SSOC_H5_F64, 3, "S/cm", "median of sigma over the bootstrap replicates", err)) ||
        (st = gridded(R, "/sigma/lo", SSOC_H5_F64, 3, "S/cm", "lower band of sigma (attribute quantile)", err)) ||
        (st = gridded(R, "/sigma/hi", SSOC_H5_F64, 3, "S/cm", "upper band of sigma (attribute quantile)", err)) ||
        (st = gridded(R, "/extrapolated", SSOC_H5_U8, 3, NULL,
                      "bit mask: 1 = x outside the data, 2 = v_f outside the data, 4 = T outside the data", err)))
        return st;
    if (c->has_target &&
        (st = gridded(R, "/sigma/p_exceed", SSOC_H5_F64, 3, "1",
                      "fraction of bootstrap replicates with sigma >= target_sigma_S_cm", err)))
        return st;
    double qq[2] = {R->q_lo, R->q_hi};
    if ((st = ssoc_h5_attr_str(h, "/sigma/lo", "interval", ssoc_ci_method_name(c->interval), err)) ||
        (st = ssoc_h5_attr_str(h, "/sigma/hi", "interval", ssoc_ci_method_name(c->interval), err)) ||
        (st = ssoc_h5_attr_num(h, "/sigma/lo", "confidence", SSOC_H5_F64, &c->confidence, 1, err)) ||
        (st = ssoc_h5_attr_num(h, "/sigma/hi", "confidence", SSOC_H5_F64, &c->confidence, 1, err)) ||
        (st = ssoc_h5_attr_num(h, "/sigma/lo", "quantile", SSOC_H5_F64, &qq[0], 1, err)) ||
        (st = ssoc_h5_attr_num(h, "/sigma/hi", "quantile", SSOC_H5_F64, &qq[1], 1, err)))
        return st;
    const double rng[6] = {R->range.x_min, R->range.x_max, R->range.vf_min, R->range.vf_max, R->range.T_min_K,
                           R->range.T_max_K};
    if ((st = ssoc_h5_attr_num(h, "/extrapolated", "data_x_range", SSOC_H5_F64, rng, 2, err)) ||
        (st = ssoc_h5_attr_num(h, "/extrapolated", "data_v_f_range", SSOC_H5_F64, rng + 2, 2, err)) ||
        (st = ssoc_h5_attr_num(h, "/extrapolated", "data_T_range", SSOC_H5_F64, rng + 4, 2, err)))
        return st;
    /* fit: parameters, bands, replicate table, metrics, the data */
    const char *names[SSOC_NPARAM], *units[SSOC_NPARAM];
    uint8_t fixed[SSOC_NPARAM];
    double lo[SSOC_NPARAM], hi[SSOC_NPARAM], med[SSOC_NPARAM];
    for (int i = 0; i < SSOC_NPARAM; ++i) {
        names[i] = ssoc_param_name(i);
        units[i] = ssoc_param_unit(i);
        fixed[i] = (uint8_t)((R->fo.fixed_mask >> i) & 1u);
        lo[i] = R->boot->lo[i], hi[i] = R->boot->hi[i], med[i] = R->boot->median[i];
    }
    size_t n8 = SSOC_NPARAM, dimsB[2] = {c->B, SSOC_NPARAM};
    const struct {
        const char *path, *desc;
        const double *v;
    } pv[4] = {{"/fit/params", "point parameters (E0, alpha_E [eV], v_c, n_H, beta0..beta3)", R->best.p},
               {"/fit/params_lo", "lower band of each parameter over the replicates", lo},
               {"/fit/params_hi", "upper band of each parameter over the replicates", hi},
               {"/fit/params_median", "median of each parameter over the replicates", med}};
    for (int i = 0; i < 4; ++i)
        if ((st = ssoc_h5_dataset(h, pv[i].path, SSOC_H5_F64, 1, &n8, NULL, pv[i].desc, err)) ||
            (st = ssoc_h5_write_all(h, pv[i].path, pv[i].v, root, err)) ||
            (st = ssoc_h5_attr_strs(h, pv[i].path, "names", names, SSOC_NPARAM, err)) ||
            (st = ssoc_h5_attr_strs(h, pv[i].path, "units", units, SSOC_NPARAM, err)))
            return st;
    if ((st = ssoc_h5_attr_num(h, "/fit/params", "fixed", SSOC_H5_U8, fixed, SSOC_NPARAM, err)) ||
        (st = ssoc_h5_attr_str(h, "/fit/params", "source", src, err)) ||
        (st = ssoc_h5_dataset(h, "/fit/params_boot", SSOC_H5_F64, 2, dimsB, NULL,
                              "bootstrap replicate table, row b = replicate b (NaN rows: fit failed)", err)) ||
        (st = ssoc_h5_write_all(h, "/fit/params_boot", R->boot->table, root, err)) ||
        (st = ssoc_h5_attr_strs(h, "/fit/params_boot", "names", names, SSOC_NPARAM, err)) ||
        (st = ssoc_h5_attr_num(h, "/fit", "n_failed", SSOC_H5_I64, &nfail, 1, err)) ||
        (st = ssoc_h5_attr_num(h, "/fit", "B", SSOC_H5_I64, &B, 1, err)))
        return st;
    const ssoc_metrics *m = &R->metrics;
    const struct {
        const char *name;
        double v;
    } met[] = {{"r_log10_sigma", m->r_log10_sigma}, {"rmse_log10_sigma", m->rmse_log10_sigma},
               {"mean_ratio", m->mean_ratio},       {"median_ratio", m->median_ratio},
               {"r_log10_D_all", m->r_log10_D_all}, {"r_log10_D_pcc", m->r_log10_D_pcc},
               {"r_log10_D_scc", m->r_log10_D_scc}, {"r_ln_f", m->r_ln_f}};
    for (size_t i = 0; i < sizeof met / sizeof met[0]; ++i)
        if ((st = ssoc_h5_attr_num(h, "/fit", met[i].name, SSOC_H5_F64, &met[i].v, 1, err)))
            return st;
    const ssoc_dataset *d = R->d;
    int64_t np = (int64_t)d->n, npcc = (int64_t)d->n_pcc, nscc = (int64_t)d->n_scc;
    uint8_t *reg = malloc(d->n ? d->n : 1);
    int64_t *line = malloc((d->n ? d->n : 1) * sizeof *line);
    if (!reg || !line) {
        free(reg), free(line);
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < d->n; ++i)
        reg[i] = d->regime[i], line[i] = d->line[i];
    st = ssoc_h5_attr_num(h, "/fit", "n_points", SSOC_H5_I64, &np, 1, err);
    if (!st)
        st = ssoc_h5_attr_num(h, "/fit", "n_pcc", SSOC_H5_I64, &npcc, 1, err);
    if (!st)
        st = ssoc_h5_attr_num(h, "/fit", "n_scc", SSOC_H5_I64, &nscc, 1, err);
    if (!st)
        st = ssoc_h5_column(h, "/fit/data", "x", SSOC_H5_F64, d->n, d->x, "1", "Li2S fraction", err);
    if (!st)
        st = ssoc_h5_column(h, "/fit/data", "rho", SSOC_H5_F64, d->n, d->rho_g_cm3, "g/cm3", "density", err);
    if (!st)
        st = ssoc_h5_column(h, "/fit/data", "T", SSOC_H5_F64, d->n, d->T_K, "K", "temperature", err);
    if (!st)
        st = ssoc_h5_column(h, "/fit/data", "D_hop", SSOC_H5_F64, d->n, d->D_hop_cm2_s, "cm2/s", "hop diffusivity", err);
    if (!st)
        st = ssoc_h5_column(h, "/fit/data", "sigma", SSOC_H5_F64, d->n, d->sigma_S_cm, "S/cm", "conductivity", err);
    if (!st)
        st = ssoc_h5_column(h, "/fit/data", "d_max", SSOC_H5_F64, d->n, d->d_max_A, "angstrom",
                            "largest pore diameter (NaN where the file had none)", err);
    if (!st)
        st = ssoc_h5_column(h, "/fit/data", "regime", SSOC_H5_U8, d->n, reg, NULL, "0 = PCC, 1 = SCC", err);
    if (!st)
        st = ssoc_h5_column(h, "/fit/data", "line", SSOC_H5_I64, d->n, line, NULL, "line in the source CSV", err);
    if (!st)
        st = ssoc_h5_attr_num(h, "/fit/data", "d_crit_angstrom", SSOC_H5_F64, &d->d_crit_A, 1, err);
    free(reg), free(line);
    if (st)
        return st;
    /* progress: one flag per block */
    size_t nbz = R->nblocks;
    uint8_t *zero = calloc(nbz, 1);
    if (!zero)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    st = ssoc_h5_dataset(h, "/progress/done", SSOC_H5_U8, 1, &nbz, NULL,
                         "1 when block k (columns [k*block, (k+1)*block), c = irho*nx + ix) is written", err);
    if (!st)
        st = ssoc_h5_write_all(h, "/progress/done", zero, root, err);
    free(zero);
    if (!st)
        st = ssoc_h5_attr_num(h, "/progress", "block_columns", SSOC_H5_I64, &bc, 1, err);
    if (!st)
        st = ssoc_h5_attr_num(h, "/progress", "nblocks", SSOC_H5_I64, &nb, 1, err);
    return st;
}

/* ------------------------------------------------------------------ kernel variant */

/* One kernel variant for the whole run (include/ssoc/kernel_isa.h): the variants agree only to
 * the last bits, so a run whose ranks ran different ones would depend on its decomposition, and a
 * resume on another variant on the interruption. ok[i] = ranks whose CPU can run variant i.
 * recorded: the variant a resumed file was started with (NULL for a new file). The kernel's
 * set-up (parameter sets, column constants) is scalar arithmetic, the same in every variant, so
 * sets built before this choice stay valid. */
static ssoc_status choose_kernel(run *R, const int64_t *ok, const char *recorded, ssoc_error *err)
{
    ssoc_kernel_isa pin = SSOC_ISA_DEFAULT, isa = SSOC_ISA_DEFAULT;
    int given = 0;
    ssoc_status st = ssoc_kernel_isa_from_env(&pin, &given, err);
    if (st)
        return st;
    if (recorded) {
        if (ssoc_kernel_isa_parse(recorded, &isa))
            return SSOC_ERR(err, SSOC_ECONFIG, "%s was started with kernel variant '%.32s', which this ssoc does not know; "
                            "start over with --force", R->partial, recorded);
        if (given && pin != isa)
            return SSOC_ERR(err, SSOC_ECONFIG, "%s was started with the %s kernel but SSOC_KERNEL_ISA=%s: the results "
                            "would differ in the last bits; refusing to resume (unset SSOC_KERNEL_ISA, or start over "
                            "with --force)", R->partial, recorded, ssoc_kernel_isa_name(pin));
        if (ok[isa] < R->size)
            return SSOC_ERR(err, SSOC_ECONFIG, "%s was started with the %s kernel, which the CPU of %lld of %d rank%s "
                            "cannot run: resume on nodes that can (another variant would change the last bits), or "
                            "start over with --force", R->partial, recorded, (long long)(R->size - ok[isa]), R->size,
                            R->size == 1 ? "" : "s");
    } else if (given) {
        isa = pin;
        if (ok[isa] < R->size)
            return SSOC_ERR(err, SSOC_EINVAL, "SSOC_KERNEL_ISA=%s: the CPU of %lld of %d rank%s cannot run it",
                            ssoc_kernel_isa_name(pin), (long long)(R->size - ok[isa]), R->size, R->size == 1 ? "" : "s");
    } else {
        for (int i = SSOC_ISA_COUNT - 1; i >= 0; --i)
            if (ok[i] == R->size) {
                isa = (ssoc_kernel_isa)i;
                break;
            }
    }
    R->isa = isa;
    return ssoc_kernel_isa_set(isa, err);
}

/* ------------------------------------------------------------------ resume */

static ssoc_status open_for_resume(run *R, uint8_t *done, ssoc_error *err)
{
    ssoc_status st = ssoc_h5_open_rw(R->partial, &R->h5, err);
    if (st)
        return st;
    char *key = NULL, *sha = NULL, *psha = NULL;
    int64_t fmt = 0, nb = 0;
    st = ssoc_h5_attr_get_num(R->h5, "/", "ssoc_format", SSOC_H5_I64, &fmt, 1, err);
    if (!st && fmt != SSOC_SWEEPFILE_FORMAT)
        st = SSOC_ERR(err, SSOC_ECONFIG, "%s: file format %lld, this ssoc writes %d; start over with --force",
                      R->partial, (long long)fmt, SSOC_SWEEPFILE_FORMAT);
    if (!st)
        st = ssoc_h5_attr_get_str(R->h5, "/", "resume_key", &key, err);
    if (!st)
        st = ssoc_h5_attr_get_str(R->h5, "/", "data_sha256", &sha, err);
    if (!st)
        st = ssoc_h5_attr_get_str(R->h5, "/", "params_sha256", &psha, err);
    if (!st && strcmp(key, R->cfg->resume_key) != 0)
        st = SSOC_ERR(err, SSOC_ECONFIG,
                      "%s was started with a different configuration; refusing to resume (rerun with the same "
                      "config, or start over with --force instead of --resume)",
                      R->partial);
    if (!st && strcmp(sha, R->d->sha256) != 0)
        st = SSOC_ERR(err, SSOC_ECONFIG,
                      "%s was started on different data (SHA-256 %.12s..., now %.12s... for %s); refusing to resume",
                      R->partial, sha, R->d->sha256, R->cfg->data_file);
    if (!st && strcmp(psha, R->params_sha) != 0)
        st = SSOC_ERR(err, SSOC_ECONFIG, "%s was started with a different parameter file; refusing to resume",
                      R->partial);
    if (!st)
        st = ssoc_h5_attr_get_num(R->h5, "/progress", "nblocks", SSOC_H5_I64, &nb, 1, err);
    if (!st && (size_t)nb != R->nblocks)
        st = SSOC_ERR(err, SSOC_ECONFIG, "%s: %lld blocks recorded, expected %zu", R->partial, (long long)nb,
                      R->nblocks);
    if (!st)
        st = ssoc_h5_read_all(R->h5, "/progress/done", SSOC_H5_U8, R->nblocks, done, err);
    free(key), free(sha), free(psha);
    return st;
}

/* ------------------------------------------------------------------ progress */

typedef struct progress {
    int on, tty;
    double t_start, t_last;
    int64_t total, done; /* points (x, rho, T) of this session */
    double per_point;    /* replicate evaluations per point */
    int drawn;
} progress;

static void progress_show(progress *p, int final)
{
    if (!p->on)
        return;
    double now = ssoc_par_wtime(), el = now - p->t_start;
    if (!final && now - p->t_last < (p->tty ? 0.2 : 5.0))
        return;
    p->t_last = now;
    double frac = p->total ? (double)p->done / (double)p->total : 1.0;
    double rate = el > 0 ? (double)p->done * p->per_point / el : 0.0;
    double eta = frac > 0 ? el * (1 - frac) / frac : 0.0;
    if (p->tty) {
        char bar[41];
        int fill = (int)(frac * 40);
        for (int i = 0; i < 40; ++i)
            bar[i] = i < fill ? '#' : '.';
        bar[40] = '\0';
        fprintf(stderr, "\r  [%s] %5.1f%%  %.3g point-replicates/s  ETA %.0f s ", bar, 100 * frac, rate, eta);
        if (final)
            fputc('\n', stderr);
    } else {
        fprintf(stderr, "ssoc: sweep: %5.1f%% done, %.3g point-replicates/s, ETA %.0f s\n", 100 * frac, rate, eta);
    }
    fflush(stderr);
    p->drawn = 1;
}

/* ------------------------------------------------------------------ evaluation */

static uint8_t extrap_bits(const ssoc_data_range *r, double x, double vf, double T)
{
    uint8_t m = 0;
    if (x < r->x_min || x > r->x_max)
        m |= 1;
    if (vf < r->vf_min || vf > r->vf_max)
        m |= 2;
    if (T < r->T_min_K || T > r->T_max_K)
        m |= 4;
    return m;
}

typedef struct blockbuf {
    double *best, *med, *lo, *hi, *pex;
    uint8_t *ext;
} blockbuf;

/* a block of columns [c0, c1) with index kblk; has = 0: this rank has no block in the round (it
 * still takes part in the collective writes, with empty selections) */
typedef struct blockref {
    size_t c0, c1, kblk;
    int has;
} blockref;

static ssoc_status blockbuf_alloc(blockbuf *bb, size_t nbuf)
{
    bb->best = malloc(nbuf * sizeof(double));
    bb->med = malloc(nbuf * sizeof(double));
    bb->lo = malloc(nbuf * sizeof(double));
    bb->hi = malloc(nbuf * sizeof(double));
    bb->pex = malloc(nbuf * sizeof(double));
    bb->ext = malloc(nbuf);
    return bb->best && bb->med && bb->lo && bb->hi && bb->pex && bb->ext ? SSOC_OK : SSOC_ENOMEM;
}

static void blockbuf_free(blockbuf *bb)
{
    free(bb->best), free(bb->med), free(bb->lo), free(bb->hi), free(bb->pex), free(bb->ext);
}

/* The block's maps, then the done flag that vouches for them (collective: every rank calls it in
 * every round). */
static ssoc_status write_block(run *R, const blockbuf *bb, const blockref *b, ssoc_error *e)
{
    const ssoc_config *c = R->cfg;
    const size_t c0 = b->has ? b->c0 : 0, c1 = b->has ? b->c1 : 0;
    uint8_t one = 1;
    ssoc_status st;
    if (!(st = ssoc_h5_write_columns(R->h5, "/sigma/best", c0, c1, bb->best, e)) &&
        !(st = ssoc_h5_write_columns(R->h5, "/sigma/median", c0, c1, bb->med, e)) &&
        !(st = ssoc_h5_write_columns(R->h5, "/sigma/lo", c0, c1, bb->lo, e)) &&
        !(st = ssoc_h5_write_columns(R->h5, "/sigma/hi", c0, c1, bb->hi, e)) &&
        !(st = ssoc_h5_write_columns(R->h5, "/extrapolated", c0, c1, bb->ext, e)) &&
        !(st = c->has_target ? ssoc_h5_write_columns(R->h5, "/sigma/p_exceed", c0, c1, bb->pex, e) : SSOC_OK))
        st = ssoc_h5_write_range(R->h5, "/progress/done", b->kblk, b->has ? 1 : 0, &one, e);
    return st;
}

/* issue 8: never a NaN or inf in a sigma dataset. Only parameters far outside any fit (e.g.
 * beta0 = 1000) overflow sigma; the sweep stops before writing the block, naming the place, so
 * neither the data nor a done flag vouching for it reaches the file. Collective (agreed before the
 * block's collective writes, so every rank stops at the same block). */
static ssoc_status check_finite(run *R, const blockbuf *bb, const blockref *b, ssoc_error *e)
{
    const ssoc_config *c = R->cfg;
    const size_t nT = R->nT, w = b->has ? b->c1 - b->c0 : 0;
    int64_t nonfinite = 0;
    for (size_t i = 0; i < nT * w && !nonfinite; ++i) {
        const double *sv[4] = {bb->best, bb->med, bb->lo, bb->hi};
        const char *sn[4] = {"best", "median", "lo", "hi"};
        for (int q = 0; q < 4 && !nonfinite; ++q)
            if (!isfinite(sv[q][i])) {
                const size_t col = b->c0 + i % w, t = i / w;
                SSOC_ERR(e, SSOC_EDATA,
                         "sigma/%s = %g at x = %g, rho = %g, T = %g K: the %s overflow the double range on "
                         "this grid; check [fit] params or narrow [grid]",
                         sn[q], sv[q][i], c->x.v[col % R->nx], c->rho.v[col / R->nx], c->T.v[t],
                         q ? "bootstrap replicates" : "point-fit parameters");
                nonfinite = 1;
            }
    }
    ssoc_par_sum_i64(&nonfinite, 1);
    return nonfinite ? ssoc_par_agree(e) : SSOC_OK;
}

/* The grid sweep, one round of blocks at a time (a block per rank per round), pipelined: while
 * the other threads evaluate the columns of round r's block into one buffer, the master thread
 * (the only one that calls MPI and HDF5) writes round r - 1's block from the other buffer, then
 * joins the evaluation. A round's bookkeeping (write errors, signals, paced flushes, progress)
 * follows its write, one round later; on a signal one more round writes the block evaluated
 * meanwhile and flushes, so nothing computed is thrown away. */
static ssoc_status do_sweep(run *R, const uint8_t *done_in, int *interrupted, ssoc_error *err)
{
    const ssoc_config *c = R->cfg;
    const size_t nT = R->nT, blk = R->block;
    ssoc_kernel_ctx ctx = {.reps = R->reps, .best = R->bestset, .jack = R->jackset, .nT = nT, .inv_T = R->inv_T,
                           .confidence = c->confidence, .interval = c->interval, .q_lo = R->q_lo, .q_hi = R->q_hi,
                           .has_target = c->has_target, .target_S_cm = c->target_sigma_S_cm};
    size_t kb0, kb1;
    ssoc_par_share(R->nblocks, R->rank, R->size, &kb0, &kb1);
    size_t *todo = malloc((kb1 - kb0 + 1) * sizeof *todo), ntodo = 0;
    blockbuf bufs[2] = {{0}, {0}};
    const size_t nbuf = nT * blk;
    int nthreads = R->threads;
    ssoc_kernel_ws **ws = calloc((size_t)nthreads, sizeof *ws);
    ssoc_error e = {0};
    int ok = todo && ws && !blockbuf_alloc(&bufs[0], nbuf) && !blockbuf_alloc(&bufs[1], nbuf);
    for (int t = 0; ok && t < nthreads; ++t)
        ok = (ws[t] = ssoc_kernel_ws_alloc(&ctx)) != NULL;
    if (!ok)
        SSOC_ERR(&e, SSOC_ENOMEM, "no memory for block buffers (%zu columns x %zu temperatures)", blk, nT);
    if (ok)
        for (size_t k = kb0; k < kb1; ++k)
            if (!done_in[k])
                todo[ntodo++] = k;
    int64_t pts = 0;
    for (size_t i = 0; ok && i < ntodo; ++i) {
        size_t c0 = todo[i] * blk, c1 = c0 + blk < R->ncols ? c0 + blk : R->ncols;
        pts += (int64_t)((c1 - c0) * nT);
    }
    int64_t agg[2] = {(int64_t)ntodo, pts};
    ssoc_par_max_i64(agg, 1);
    ssoc_par_sum_i64(agg + 1, 1);
    const int64_t rounds = agg[0];
    progress pg = {.on = R->rank == 0 && !R->quiet, .tty = isatty(2), .t_start = ssoc_par_wtime(),
                   .total = agg[1], .per_point = (double)R->n_ok};
    pg.t_last = pg.t_start;
    *interrupted = 0;
    ssoc_status st = ssoc_par_agree(&e);
    double t_flush = ssoc_par_wtime();
    /* Test hook (tests/slurm/harness.sh): a pause after every round makes "signal the job after its
     * first blocks, while it still runs" deterministic on any machine. Never set in production. */
    const char *pause_env = getenv("SSOC_TEST_BLOCK_PAUSE_S");
    const double pause_s = pause_env ? strtod(pause_env, NULL) : 0.0;
    blockref pend = {0};
    /* round r evaluates block r (r < last) and writes block r - 1 (r > 0); a signal makes the next
     * round the last, so it only writes the block evaluated meanwhile, then flushes */
    int64_t last = rounds;
    for (int64_t r = 0; !st && r <= last; ++r) {
        blockref cur = {0};
        cur.has = r < last && (size_t)r < ntodo;
        if (cur.has) {
            cur.kblk = todo[r];
            cur.c0 = cur.kblk * blk;
            cur.c1 = cur.c0 + blk < R->ncols ? cur.c0 + blk : R->ncols;
        }
        blockbuf *bb = &bufs[r & 1];
        const blockbuf *pb = &bufs[(r + 1) & 1];
        ssoc_status wst = SSOC_OK;
        double t_write = 0.0;
        const double t1 = ssoc_par_wtime();
        const size_t w = cur.c1 - cur.c0, nx = R->nx, c0 = cur.c0;
        const ssoc_data_range *rg = &R->range;
#pragma omp parallel if (cur.has)
        {
#pragma omp master
            if (r > 0) {
                const double tw = ssoc_par_wtime();
                wst = write_block(R, pb, &pend, &e);
                t_write = ssoc_par_wtime() - tw;
            }
            if (cur.has) {
                ssoc_kernel_ws *my = ws[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
                for (size_t j = 0; j < w; ++j) {
                    const size_t col = c0 + j, ix = col % nx, ir = col / nx;
                    const double x = c->x.v[ix], rho = c->rho.v[ir];
                    ssoc_kernel_column(&ctx, my, x, rho, w, bb->best + j, bb->med + j, bb->lo + j, bb->hi + j,
                                       c->has_target ? bb->pex + j : NULL);
                    const double vf = ssoc_model_vf(x, rho);
                    for (size_t t = 0; t < nT; ++t)
                        bb->ext[t * w + j] = extrap_bits(rg, x, vf, c->T.v[t]);
                }
            }
        }
        double t2 = ssoc_par_wtime();
        /* phase clocks share the region's wall time: the write took the master thread for t_write,
         * i.e. 1/threads of the team's capacity, while the others evaluated */
        const double wshare = cur.has ? t_write / (double)nthreads : t2 - t1;
        R->t_phase[PH_WRITE] += wshare;
        R->t_phase[PH_EVAL] += (t2 - t1) - wshare;
        int64_t v[4] = {0, 0, 0, 0};
        if (r > 0) {
            /* Raw data and done flags go to the file (the OS page cache) at H5Dwrite, so a kill -9
             * loses only the blocks in flight; H5Fflush (an fsync under MPI-IO) is paced to at most
             * one per SSOC_FLUSH_INTERVAL_S, decided by rank 0's clock so every rank calls it, and
             * always happens before stopping on a signal. */
            const double tnow = ssoc_par_wtime();
            v[0] = wst != SSOC_OK, v[1] = sweep_signal != 0, v[2] = pend.has ? (int64_t)((pend.c1 - pend.c0) * nT) : 0;
            v[3] = R->rank == 0 && tnow - t_flush >= SSOC_FLUSH_INTERVAL_S;
            ssoc_par_sum_i64(v, 4);
            if (!v[0] && (v[3] || r == last)) {
                st = ssoc_h5_flush(R->h5, &e);
                t_flush = tnow;
                int64_t f = st != SSOC_OK;
                ssoc_par_sum_i64(&f, 1);
                v[0] = f;
            }
            if (v[0]) {
                st = ssoc_par_agree(&e);
                R->t_phase[PH_WRITE] += ssoc_par_wtime() - t2;
                break;
            }
            pg.done += v[2];
        }
        if (r < last && (st = check_finite(R, bb, &cur, &e)))
            break;
        if (v[1] && r < last)
            last = r + 1;
        R->t_phase[PH_WRITE] += ssoc_par_wtime() - t2;
        progress_show(&pg, 0);
        pend = cur;
        if (pause_s > 0 && pause_s < 10) {
            struct timespec ts = {(time_t)pause_s, (long)((pause_s - (double)(time_t)pause_s) * 1e9)};
            nanosleep(&ts, NULL);
        }
    }
    /* stopped early on a signal: every block evaluated is in the file, the rest is for --resume */
    *interrupted = !st && last < rounds;
    if (!st && !*interrupted)
        progress_show(&pg, 1);
    else if (pg.on && pg.tty && pg.drawn)
        fputc('\n', stderr);
    for (int t = 0; ws && t < nthreads; ++t)
        ssoc_kernel_ws_free(ws[t]);
    free(ws);
    free(todo);
    blockbuf_free(&bufs[0]), blockbuf_free(&bufs[1]);
    if (st)
        *err = e;
    return st;
}

/* ------------------------------------------------------------------ design rules */

/* One rule task: the point optimum and the band over replicates (and BCa levels from the
 * jackknife). Record: arg, arg_lo, arg_hi, vf, vf_lo, vf_hi, smax, smax_lo, smax_hi, at_bound,
 * extrapolation bits, failed replicate count. */
enum { RV_ARG, RV_ARG_LO, RV_ARG_HI, RV_VF, RV_VF_LO, RV_VF_HI, RV_S, RV_S_LO, RV_S_HI, RV_BOUND, RV_EXT, RV_NFAIL,
       RV_COUNT };

/* Per-thread scratch for one rule task: the replicate optima of up to SSOC_RULES_XBLOCK columns
 * (column i's at offset i * n in a/v/s, i * nj in ja/jv/js). */
typedef struct rule_scratch {
    double *a, *v, *s;
    void *sel;
    double *ja, *jv, *js; /* jackknife optima (BCa), n_jack_ok per column */
    size_t n, nj;         /* per-column strides */
} rule_scratch;

/* x_opt at (rho, T) over the grid's x range */
static int x_opt_eval(const run *R, const ssoc_rules_prep *pp, double rho, double T, ssoc_optimum *o)
{
    const ssoc_config *c = R->cfg;
    return ssoc_rules_x_opt_prepared(pp, rho, T, c->x.v[0], c->x.v[c->x.n - 1], o, NULL) == SSOC_OK;
}

static void band(const run *R, double *v, size_t n, double point, const double *jack, size_t nj, double *lo,
                 double *hi, void *scratch)
{
    double q[2] = {R->q_lo, R->q_hi};
    if (n < 2 || !isfinite(point)) {
        *lo = *hi = NAN;
        return;
    }
    if (R->cfg->interval == SSOC_CI_BCA) {
        size_t below = 0, equal = 0;
        for (size_t j = 0; j < n; ++j)
            below += v[j] < point, equal += v[j] == point;
        const double frac = ((double)below + 0.5 * (double)equal) / (double)n;
        ssoc_ci_levels(SSOC_CI_BCA, R->cfg->confidence, frac, ssoc_bca_acceleration(jack, nj), &q[0], &q[1]);
    }
    double res[2];
    ssoc_kernel_quantiles_ws(v, n, 2, q, res, scratch);
    *lo = res[0], *hi = res[1];
}

/* The records of rho_opt at the x block [ix0, ix0 + m) (ssoc_rules_xblock) at T, recs[i * RV_COUNT]
 * for column ix0 + i. Every parameter set's optima come from ssoc_rules_rho_opt_columns over the
 * whole block: one shared solve serves most columns (benchmarks/README.md, "Design rules"), and
 * `ssoc rules` makes the same call for a grid node's block (src/report.c), so the two agree to
 * the bit. */
static void rho_block_task(const run *R, size_t ix0, size_t m, double T, rule_scratch *sc, double *recs)
{
    const ssoc_config *c = R->cfg;
    const double *xs = c->x.v + ix0, rlo = c->rho.v[0], rhi = c->rho.v[c->rho.n - 1];
    ssoc_optimum o[SSOC_RULES_XBLOCK], po[SSOC_RULES_XBLOCK];
    unsigned char ok[SSOC_RULES_XBLOCK], pok[SSOC_RULES_XBLOCK];
    size_t n[SSOC_RULES_XBLOCK] = {0}, nf[SSOC_RULES_XBLOCK] = {0}, nj[SSOC_RULES_XBLOCK] = {0};
    for (size_t i = 0; i < m * RV_COUNT; ++i)
        recs[i] = NAN;
    /* the arguments are the validated grid's, so only per-column failures can occur; a whole-call
     * error would leave every column failed, as the direct calls would */
    if (ssoc_rules_rho_opt_columns(&R->bestprep, xs, m, T, rlo, rhi, po, pok, NULL) != SSOC_OK)
        return;
    for (size_t b = 0; b < R->n_ok; ++b) {
        if (ssoc_rules_rho_opt_columns(&R->preps[b], xs, m, T, rlo, rhi, o, ok, NULL) != SSOC_OK)
            memset(ok, 0, sizeof ok);
        for (size_t i = 0; i < m; ++i) {
            if (!ok[i]) {
                ++nf[i];
                continue;
            }
            const size_t k = i * sc->n + n[i]++;
            sc->a[k] = o[i].arg, sc->v[k] = o[i].v_f, sc->s[k] = o[i].sigma_S_cm;
        }
    }
    for (size_t b = 0; b < R->n_jack_ok; ++b) {
        if (ssoc_rules_rho_opt_columns(&R->jackpreps[b], xs, m, T, rlo, rhi, o, ok, NULL) != SSOC_OK)
            continue;
        for (size_t i = 0; i < m; ++i)
            if (ok[i]) {
                const size_t k = i * sc->nj + nj[i]++;
                sc->ja[k] = o[i].arg, sc->jv[k] = o[i].v_f, sc->js[k] = o[i].sigma_S_cm;
            }
    }
    for (size_t i = 0; i < m; ++i) {
        double *rec = recs + i * RV_COUNT;
        if (!pok[i])
            continue;
        rec[RV_ARG] = po[i].arg, rec[RV_VF] = po[i].v_f, rec[RV_S] = po[i].sigma_S_cm, rec[RV_BOUND] = po[i].at_bound;
        rec[RV_EXT] = extrap_bits(&R->range, xs[i], po[i].v_f, T);
        rec[RV_NFAIL] = (double)nf[i];
        const double *ja = sc->ja + i * sc->nj, *jv = sc->jv + i * sc->nj, *js = sc->js + i * sc->nj;
        band(R, sc->a + i * sc->n, n[i], po[i].arg, ja, nj[i], &rec[RV_ARG_LO], &rec[RV_ARG_HI], sc->sel);
        band(R, sc->v + i * sc->n, n[i], po[i].v_f, jv, nj[i], &rec[RV_VF_LO], &rec[RV_VF_HI], sc->sel);
        band(R, sc->s + i * sc->n, n[i], po[i].sigma_S_cm, js, nj[i], &rec[RV_S_LO], &rec[RV_S_HI], sc->sel);
    }
}

/* The record of x_opt at (rho, T): point optimum, band over the replicates, flags. */
static void x_opt_task(const run *R, double rho, double T, rule_scratch *sc, double *rec)
{
    ssoc_optimum o;
    for (int i = 0; i < RV_COUNT; ++i)
        rec[i] = NAN;
    if (!x_opt_eval(R, &R->bestprep, rho, T, &o))
        return;
    rec[RV_ARG] = o.arg, rec[RV_VF] = o.v_f, rec[RV_S] = o.sigma_S_cm, rec[RV_BOUND] = o.at_bound;
    rec[RV_EXT] = extrap_bits(&R->range, o.arg, o.v_f, T);
    size_t n = 0, nf = 0;
    for (size_t b = 0; b < R->n_ok; ++b) {
        ssoc_optimum ob;
        if (!x_opt_eval(R, &R->preps[b], rho, T, &ob)) {
            ++nf;
            continue;
        }
        sc->a[n] = ob.arg, sc->v[n] = ob.v_f, sc->s[n] = ob.sigma_S_cm;
        ++n;
    }
    size_t nj = 0;
    for (size_t i = 0; i < R->n_jack_ok; ++i) {
        ssoc_optimum oj;
        if (!x_opt_eval(R, &R->jackpreps[i], rho, T, &oj))
            continue;
        sc->ja[nj] = oj.arg, sc->jv[nj] = oj.v_f, sc->js[nj] = oj.sigma_S_cm;
        ++nj;
    }
    rec[RV_NFAIL] = (double)nf;
    band(R, sc->a, n, o.arg, sc->ja, nj, &rec[RV_ARG_LO], &rec[RV_ARG_HI], sc->sel);
    band(R, sc->v, n, o.v_f, sc->jv, nj, &rec[RV_VF_LO], &rec[RV_VF_HI], sc->sel);
    band(R, sc->s, n, o.sigma_S_cm, sc->js, nj, &rec[RV_S_LO], &rec[RV_S_HI], sc->sel);
}

static ssoc_status rules_write(run *R, const double *all, ssoc_error *err)
{
    const size_t nT = R->nT, nx = R->nx, nrho = R->nrho, nrt = nT * nx, nxt = nT * nrho;
    const size_t nmax = nrt > nxt ? nrt : nxt;
    double *buf = malloc(nmax * sizeof *buf);
    uint8_t *u8 = malloc(nmax);
    if (!buf || !u8) {
        free(buf), free(u8);
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    }
    const int root = R->rank == 0;
    const struct {
        const char *path, *units, *desc;
        int kind, field, u8;
    } out[] = {
        {"/rules/rho_opt", "g/cm3", "density maximising sigma at (x, T), point parameters", 4, RV_ARG, 0},
        {"/rules/rho_opt_lo", "g/cm3", "lower band of rho_opt over the replicates", 4, RV_ARG_LO, 0},
        {"/rules/rho_opt_hi", "g/cm3", "upper band of rho_opt over the replicates", 4, RV_ARG_HI, 0},
        {"/rules/vf_opt", "1", "free volume at rho_opt", 4, RV_VF, 0},
        {"/rules/vf_opt_lo", "1", "lower band of vf_opt", 4, RV_VF_LO, 0},
        {"/rules/vf_opt_hi", "1", "upper band of vf_opt", 4, RV_VF_HI, 0},
        {"/rules/sigma_max", "S/cm", "sigma at rho_opt", 4, RV_S, 0},
        {"/rules/sigma_max_lo", "S/cm", "lower band of sigma_max", 4, RV_S_LO, 0},
        {"/rules/sigma_max_hi", "S/cm", "upper band of sigma_max", 4, RV_S_HI, 0},
        {"/rules/rho_opt_at_bound", NULL, "1 = the maximum is on an end of the rho range (boundary result)", 4,
         RV_BOUND, 1},
        {"/rules/rho_opt_extrapolated", NULL, "bit mask at rho_opt: 1 = x, 2 = v_f, 4 = T outside the data", 4,
         RV_EXT, 1},
        {"/rules/x_opt", "1", "composition maximising sigma at (rho, T), point parameters", 5, RV_ARG, 0},
        {"/rules/x_opt_lo", "1", "lower band of x_opt over the replicates", 5, RV_ARG_LO, 0},
        {"/rules/x_opt_hi", "1", "upper band of x_opt over the replicates", 5, RV_ARG_HI, 0},
        {"/rules/x_opt_sigma_max", "S/cm", "sigma at x_opt", 5, RV_S, 0},
        {"/rules/x_opt_at_bound", NULL, "1 = the maximum is on an end of the x range (boundary result)", 5, RV_BOUND,
         1},
        {"/rules/x_opt_extrapolated", NULL, "bit mask at x_opt: 1 = x, 2 = v_f, 4 = T outside the data", 5, RV_EXT, 1},
    };
    ssoc_status st = SSOC_OK;
    for (size_t i = 0; i < sizeof out / sizeof out[0] && !st; ++i) {
        const size_t n = out[i].kind == 4 ? nrt : nxt;
        const double *base = all + (out[i].kind == 4 ? 0 : nrt * RV_COUNT);
        for (size_t k = 0; k < n; ++k) {
            double v = base[k * RV_COUNT + out[i].field];
            if (out[i].u8)
                u8[k] = isfinite(v) ? (uint8_t)v : 0;
            else
                buf[k] = v;
        }
        st = gridded(R, out[i].path, out[i].u8 ? SSOC_H5_U8 : SSOC_H5_F64, out[i].kind, out[i].units, out[i].desc,
                     err);
        if (!st)
            st = ssoc_h5_write_all(R->h5, out[i].path, out[i].u8 ? (const void *)u8 : (const void *)buf, root, err);
    }
    int64_t nf = 0;
    for (size_t k = 0; k < nrt + nxt; ++k)
        nf += isfinite(all[k * RV_COUNT + RV_NFAIL]) ? (int64_t)all[k * RV_COUNT + RV_NFAIL] : 0;
    if (!st)
        st = ssoc_h5_attr_num(R->h5, "/rules", "failed_replicate_optimisations", SSOC_H5_I64, &nf, 1, err);
    free(buf), free(u8);
    return st;
}

/* issue 8: the rules' NaN values are flagged. /rules/rho_opt_status [nT][nx] and
 * /rules/x_opt_status [nT][nrho], uint8: 0 = every value of the rule is a number; 1 = no
 * optimum, the optimised axis has one node; 2 = no optimum, the optimisation failed (sigma not
 * finite at the optimum: parameters that overflow exp); 3 = the optimum is defined but its bands
 * are not (fewer than 2 replicate optima). Where the status is 1 or 2 the rule's value, v_f,
 * sigma_max and bands are NaN (at_bound and extrapolated 0); where it is 3 the _lo/_hi are. */
static ssoc_status rules_write_status(run *R, const double *all, ssoc_error *err)
{
    static const char *const meaning = "0 = defined; 1 = no optimum: the axis has one node; 2 = no optimum: "
                                       "sigma not finite at the optimum; 3 = bands undefined (< 2 replicate optima)";
    const size_t nrt = R->nT * R->nx, nxt = R->nT * R->nrho, nmax = nrt > nxt ? nrt : nxt;
    uint8_t *u8 = malloc(nmax);
    if (!u8)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    ssoc_status st = SSOC_OK;
    for (int kind = 4; kind <= 5 && !st; ++kind) {
        const size_t n = kind == 4 ? nrt : nxt, naxis = kind == 4 ? R->nrho : R->nx;
        const double *base = all + (kind == 4 ? 0 : nrt * RV_COUNT);
        for (size_t k = 0; k < n; ++k) {
            const double *rec = base + k * RV_COUNT;
            int bands = 1;
            for (int f = RV_ARG_LO; f <= RV_S_HI; ++f)
                bands &= f == RV_VF || f == RV_S || isfinite(rec[f]);
            u8[k] = isfinite(rec[RV_ARG]) ? (bands ? 0 : 3) : naxis < 2 ? 1 : 2;
        }
        const char *path = kind == 4 ? "/rules/rho_opt_status" : "/rules/x_opt_status";
        st = gridded(R, path, SSOC_H5_U8, kind, NULL, "0 = every value of the rule is a number (else see meaning)",
                     err);
        if (!st)
            st = ssoc_h5_attr_str(R->h5, path, "meaning", meaning, err);
        if (!st)
            st = ssoc_h5_write_all(R->h5, path, u8, R->rank == 0, err);
    }
    free(u8);
    return st;
}

/* scratch for n replicate optima and nj jackknife optima of SSOC_RULES_XBLOCK columns */
static rule_scratch *scratch_alloc(size_t n, size_t nj)
{
    rule_scratch *sc = malloc(sizeof *sc);
    if (!sc)
        return NULL;
    sc->n = n, sc->nj = nj;
    const size_t xn = SSOC_RULES_XBLOCK * n, xj = SSOC_RULES_XBLOCK * nj;
    sc->a = malloc((3 * xn + 3 * xj + 1) * sizeof(double));
    sc->sel = malloc(ssoc_kernel_quantiles_scratch(n ? n : 1));
    if (!sc->a || !sc->sel) {
        free(sc->a), free(sc->sel);
        free(sc);
        return NULL;
    }
    sc->v = sc->a + xn, sc->s = sc->a + 2 * xn;
    sc->ja = sc->a + 3 * xn, sc->jv = sc->ja + xj, sc->js = sc->jv + xj;
    return sc;
}

static void scratch_free(rule_scratch *sc)
{
    if (sc)
        free(sc->a), free(sc->sel);
    free(sc);
}

/* Rule tasks: [0, nT nxb) rho_opt over x block k % nxb (ssoc_rules_xblock) at T index k / nxb,
 * then [nT nxb, + nT nrho) x_opt at (rho, T) q = k - nT nxb as [T][rho]. Records (RV_COUNT doubles
 * each) are [T][x] for rho_opt, then [T][rho] for x_opt; a task's records are contiguous. A rho_opt
 * block task costs several x_opt tasks, so contiguous shares of the task list would leave rank 0
 * with all the costly ones; ranks take contiguous ranges of *slots* instead, and slot i runs task
 * (i * mult) mod ntask, a bijection that spreads both kinds evenly. A task's records depend only
 * on the task (the blocks are fixed by the grid), so the decomposition changes no bit. */
typedef struct rule_tasks {
    size_t nxb, nrho_tasks, ntask, nrec, mult;
} rule_tasks;

static size_t gcd_size(size_t a, size_t b)
{
    while (b) {
        const size_t t = a % b;
        a = b, b = t;
    }
    return a;
}

static void rule_tasks_init(const run *R, rule_tasks *tk)
{
    tk->nxb = (R->nx + SSOC_RULES_XBLOCK - 1) / SSOC_RULES_XBLOCK;
    tk->nrho_tasks = R->nT * tk->nxb;
    tk->ntask = tk->nrho_tasks + R->nT * R->nrho;
    tk->nrec = R->nT * R->nx + R->nT * R->nrho;
    /* a multiplier near ntask / golden ratio, coprime with ntask */
    size_t m = (size_t)(0.6180339887498949 * (double)tk->ntask);
    if (m < 1)
        m = 1;
    while (gcd_size(m, tk->ntask) != 1)
        ++m;
    tk->mult = m;
}

/* i * mult < 2 ntask^2 < 2^64 for any grid the config accepts (at most 2e9 points) */
static size_t slot_task(const rule_tasks *tk, size_t i) { return (size_t)(((uint64_t)i * tk->mult) % tk->ntask); }

/* first record and record count of task k */
static size_t task_records(const run *R, const rule_tasks *tk, size_t k, size_t *first)
{
    if (k < tk->nrho_tasks) {
        size_t ix0;
        const size_t m = ssoc_rules_xblock((k % tk->nxb) * SSOC_RULES_XBLOCK, R->nx, &ix0);
        *first = (k / tk->nxb) * R->nx + ix0;
        return m;
    }
    *first = R->nT * R->nx + (k - tk->nrho_tasks);
    return 1;
}

static void run_rule_task(const run *R, const rule_tasks *tk, size_t k, rule_scratch *sc, double *recs)
{
    const ssoc_config *c = R->cfg;
    if (k < tk->nrho_tasks) {
        size_t ix0;
        const size_t m = ssoc_rules_xblock((k % tk->nxb) * SSOC_RULES_XBLOCK, R->nx, &ix0);
        rho_block_task(R, ix0, m, c->T.v[k / tk->nxb], sc, recs);
    } else {
        const size_t q = k - tk->nrho_tasks;
        x_opt_task(R, c->rho.v[q % R->nrho], c->T.v[q / R->nrho], sc, recs);
    }
}

static ssoc_status do_rules(run *R, ssoc_error *err)
{
    rule_tasks tk;
    rule_tasks_init(R, &tk);
    size_t s0, s1;
    ssoc_par_share(tk.ntask, R->rank, R->size, &s0, &s1);
    /* my slots' records, packed in slot order at offsets off[i - s0]; gathered in slot order from
     * every rank, then put back at their tasks' records */
    size_t *off = malloc((s1 - s0 + 1) * sizeof *off), *counts = malloc((size_t)R->size * sizeof *counts);
    double *all = malloc(tk.nrec * RV_COUNT * sizeof *all), *packed = malloc(tk.nrec * RV_COUNT * sizeof *packed);
    ssoc_error e = {0};
    int nomem = !off || !counts || !all || !packed;
    if (!nomem) {
        size_t first;
        off[0] = 0;
        for (size_t i = s0; i < s1; ++i)
            off[i - s0 + 1] = off[i - s0] + task_records(R, &tk, slot_task(&tk, i), &first);
#pragma omp parallel
        {
            rule_scratch *sc = scratch_alloc(R->n_ok, R->n_jack_ok);
            if (!sc) {
#pragma omp atomic write
                nomem = 1;
            }
#pragma omp for schedule(dynamic, 1)
            for (size_t i = s0; i < s1; ++i)
                if (sc)
                    run_rule_task(R, &tk, slot_task(&tk, i), sc, packed + off[i - s0] * RV_COUNT);
            scratch_free(sc);
        }
    }
    if (nomem)
        SSOC_ERR(&e, SSOC_ENOMEM, "no memory for the design rules");
    ssoc_status st = ssoc_par_agree(&e);
    if (!st) {
        size_t first;
        for (int r = 0; r < R->size; ++r) {
            size_t lo, hi, nr = 0;
            ssoc_par_share(tk.ntask, r, R->size, &lo, &hi);
            for (size_t i = lo; i < hi; ++i)
                nr += task_records(R, &tk, slot_task(&tk, i), &first);
            counts[r] = nr * RV_COUNT;
        }
        /* gather into `all` (slot order), unpack into `packed` (task order), then swap the two */
        if ((st = ssoc_par_allgatherv(packed, all, counts, sizeof(double), &e)) && e.code == SSOC_OK)
            e.code = st;
        st = ssoc_par_agree(&e);
        if (!st) {
            const double *src = all;
            for (size_t i = 0; i < tk.ntask; ++i) {
                const size_t nr = task_records(R, &tk, slot_task(&tk, i), &first);
                memcpy(packed + first * RV_COUNT, src, nr * RV_COUNT * sizeof *src);
                src += nr * RV_COUNT;
            }
            double *t = all;
            all = packed, packed = t;
        }
    }
    double tw = ssoc_par_wtime();
    if (!st)
        st = rules_write(R, all, &e);
    if (!st)
        st = rules_write_status(R, all, &e);
    R->t_phase[PH_WRITE] += ssoc_par_wtime() - tw;
    R->t_phase[PH_RULES] -= ssoc_par_wtime() - tw;
    free(all), free(packed), free(counts), free(off);
    if (st)
        *err = e;
    return st;
}

/* ------------------------------------------------------------------ the run */

/* The file's raw data as known from the grid and B before anything is computed: the gridded maps
 * (4, or 5 with a target, doubles and 1 byte per grid point), the structure and coordinate vectors,
 * the replicate table and the block flags, plus 48 kB for the layout's metadata (attributes, groups,
 * scales: about 60 kB measured on the smallest grid). The design rules and the data table come on
 * top, so this is a lower bound: it does not refuse a run that would fit. */
static uint64_t raw_bytes_lower_bound(const run *R)
{
    const ssoc_config *c = R->cfg;
    const uint64_t pts = (uint64_t)R->ncols * R->nT, maps = c->has_target ? 5 : 4;
    return pts * (8 * maps + 1) + 8 * (2 * (uint64_t)R->ncols + R->nx) + 8 * ((uint64_t)R->nx + R->nrho + R->nT) +
           8 * (uint64_t)SSOC_NPARAM * c->B + R->nblocks + 48000;
}

static ssoc_status preflight(run *R, ssoc_error *err)
{
    ssoc_error e = {0};
    if (R->rank == 0) {
        if (ssoc_io_exists(R->out) && !R->opts->force)
            SSOC_ERR(&e, SSOC_EEXISTS, "%s exists; refusing to overwrite it (use --force)", R->out);
        else if (R->opts->resume && !ssoc_io_exists(R->partial))
            SSOC_ERR(&e, SSOC_EINVAL, "--resume: no %s to continue", R->partial);
        else if (!R->opts->resume && ssoc_io_exists(R->partial) && !R->opts->force)
            SSOC_ERR(&e, SSOC_EEXISTS,
                     "%s exists (an interrupted run): continue it with --resume, or start over with --force",
                     R->partial);
        /* a full disk found now costs nothing; found by HDF5 mid-run it is worse than an error
         * (HDF5 1.10.8 can deadlock a multi-rank flush, README "Output safety"). A .partial that
         * is resumed or truncated gives its space back. */
        uint64_t avail = 0, held = 0, need = raw_bytes_lower_bound(R);
        ssoc_error ignored = {0}; /* a missing directory is reported by the file's creation */
        if (!e.code && ssoc_io_space(R->partial, &avail, &held, &ignored) == SSOC_OK && avail + held < need)
            SSOC_ERR(&e, SSOC_EIO,
                     "%s: not enough space: the sweep needs at least %.3g MB, the file system has %.3g MB free",
                     R->partial, (double)need / 1e6, (double)(avail + held) / 1e6);
    }
    ssoc_status st = ssoc_par_agree(&e);
    if (st)
        *err = e;
    return st;
}

ssoc_status ssoc_sweep_run(const ssoc_config *cfg, const ssoc_sweep_opts *opts, ssoc_error *err)
{
    run R0 = {0}, *R = &R0;
    R->cfg = cfg;
    R->opts = opts;
    R->rank = ssoc_par_rank();
    R->size = ssoc_par_size();
    R->threads = omp_get_max_threads();
    R->quiet = opts->quiet;
    R->t0 = ssoc_par_wtime();
    snprintf(R->out, sizeof R->out, "%s", opts->output ? opts->output : cfg->output_file);
    snprintf(R->partial, sizeof R->partial, "%.4000s.partial", R->out);
    R->nx = cfg->x.n, R->nrho = cfg->rho.n, R->nT = cfg->T.n;
    R->ncols = R->nx * R->nrho;
    R->block = cfg->block_columns;
    R->nblocks = (R->ncols + R->block - 1) / R->block;
    ssoc_error e = {0};
    ssoc_status st = preflight(R, err);
    if (st)
        return st;

    /* signals: flag only; acted on at block boundaries; a second signal kills */
    struct sigaction sa, old_term, old_usr1, old_int;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sweep_signal = 0;
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGUSR1, &sa, &old_usr1);
    sigaction(SIGINT, &sa, &old_int);

    double t = ssoc_par_wtime();
    do_fit(R, &e);
    char why[600];
    /* a target no point of the model comes near is a mistake (often mS/cm for S/cm): refused before
     * any output exists; every rank computes the same answer */
    if (!e.code && cfg->has_target && !cfg->allow_implausible_grid &&
        !ssoc_plausible_target_reach(&R->best, cfg->x.v, R->nx, cfg->rho.v, R->nrho, cfg->T.v, R->nT,
                                     cfg->target_sigma_S_cm, why, sizeof why))
        SSOC_ERR(&e, SSOC_ECONFIG, "%s: [target] sigma: %s; [grid] allow_implausible = true to sweep anyway",
                 cfg->path[0] ? cfg->path : "--set", why);
    st = ssoc_par_agree(&e);
    R->t_phase[PH_FIT] = ssoc_par_wtime() - t;
    if (!st) {
        /* issue 8: refuse what cannot fit before the B x 8 table and the per-thread rows exist */
        const int node_ranks = ssoc_par_node_size();
        ssoc_sweep_mem_check(cfg, R->d->n, R->size, node_ranks, R->threads, &e);
        st = ssoc_par_agree(&e);
    }
    if (!st) {
        t = ssoc_par_wtime();
        st = do_bootstrap(R, &e);
        if (st != SSOC_OK && e.code == SSOC_OK)
            e.code = st;
        st = ssoc_par_agree(&e);
        R->t_phase[PH_BOOT] = ssoc_par_wtime() - t;
    }
    uint8_t *done = NULL;
    if (!st) {
        R->inv_T = aligned_alloc(64, (R->nT * sizeof(double) + 63) / 64 * 64);
        done = calloc(R->nblocks, 1);
        if (!R->inv_T || !done)
            SSOC_ERR(&e, SSOC_ENOMEM, "out of memory");
        else
            for (size_t i = 0; i < R->nT; ++i)
                R->inv_T[i] = 1.0 / cfg->T.v[i];
        st = ssoc_par_agree(&e);
    }
    int resumed = 0;
    if (!st) {
        int64_t isa_ok[SSOC_ISA_COUNT]; /* ranks that can run each kernel variant */
        for (int i = 0; i < SSOC_ISA_COUNT; ++i)
            isa_ok[i] = ssoc_kernel_isa_supported((ssoc_kernel_isa)i);
        ssoc_par_sum_i64(isa_ok, SSOC_ISA_COUNT);
        t = ssoc_par_wtime();
        if (opts->resume) {
            st = open_for_resume(R, done, &e);
            resumed = 1;
            char *rec = NULL;
            if (!st && ssoc_h5_attr_get_str(R->h5, "/", "kernel_isa", &rec, &e))
                st = SSOC_ERR(&e, SSOC_ECONFIG, "%s does not record its kernel variant (an older ssoc started it): "
                              "start over with --force", R->partial);
            if (!st)
                st = choose_kernel(R, isa_ok, rec, &e);
            free(rec);
            if (!st)
                st = write_provenance(R, 1, &e);
        } else {
            st = choose_kernel(R, isa_ok, NULL, &e);
            if (!st)
                st = ssoc_h5_create(R->partial, &R->h5, &e);
            if (!st)
                st = write_layout(R, &e);
            if (!st)
                st = ssoc_h5_flush(R->h5, &e);
        }
        if (st != SSOC_OK && e.code == SSOC_OK)
            e.code = st;
        st = ssoc_par_agree(&e);
        R->t_phase[PH_WRITE] += ssoc_par_wtime() - t;
    }
    int interrupted = 0;
    if (!st) {
        size_t ndone = 0;
        for (size_t k = 0; k < R->nblocks; ++k)
            ndone += done[k];
        if (R->rank == 0 && !R->quiet) {
            fprintf(stderr,
                    "ssoc: sweep: %zu x %zu x %zu grid (x, rho, T), B = %zu (%zu fitted, %zu failed), %d rank%s x %d "
                    "thread%s, %zu blocks of %zu columns\n",
                    R->nx, R->nrho, R->nT, cfg->B, R->n_ok, R->boot->n_failed, R->size, R->size == 1 ? "" : "s",
                    R->threads, R->threads == 1 ? "" : "s", R->nblocks, R->block);
            if (resumed)
                fprintf(stderr, "ssoc: sweep: resuming %s: %zu of %zu blocks already done\n", R->partial, ndone,
                        R->nblocks);
        }
        st = do_sweep(R, done, &interrupted, &e);
    }
    free(done);
    if (!st && interrupted) {
        ssoc_h5_close(R->h5, NULL);
        R->h5 = NULL;
        SSOC_ERR(&e, SSOC_EINTERRUPTED, "interrupted, resumable: stopped by a signal at a block boundary; %s is valid, continue with --resume",
                 R->partial);
        st = SSOC_EINTERRUPTED;
    }
    if (!st) {
        t = ssoc_par_wtime();
        st = do_rules(R, &e);
        R->t_phase[PH_RULES] += ssoc_par_wtime() - t;
    }
    if (!st) {
        t = ssoc_par_wtime();
        double total = ssoc_par_wtime() - R->t0;
        for (int p = 0; p < PH_COUNT && !st; ++p) {
            char name[64];
            snprintf(name, sizeof name, "time_%s_s", phase_names[p]);
            st = ssoc_h5_attr_num(R->h5, "/", name, SSOC_H5_F64, &R->t_phase[p], 1, &e);
        }
        if (!st)
            st = ssoc_h5_attr_num(R->h5, "/", "time_total_s", SSOC_H5_F64, &total, 1, &e);
        ssoc_status cs = ssoc_h5_close(R->h5, &e);
        R->h5 = NULL;
        if (!st)
            st = cs;
        if (st != SSOC_OK && e.code == SSOC_OK)
            e.code = st;
        st = ssoc_par_agree(&e);
        if (!st) {
            if (R->rank == 0 && rename(R->partial, R->out) != 0)
                SSOC_ERR(&e, SSOC_EIO, "cannot rename %s to %s", R->partial, R->out);
            st = ssoc_par_agree(&e);
        }
        R->t_phase[PH_WRITE] += ssoc_par_wtime() - t;
    }
    if (!st && R->rank == 0 && !R->quiet) {
        double total = ssoc_par_wtime() - R->t0;
        fprintf(stderr, "ssoc: sweep: wrote %s in %.2f s (", R->out, total);
        for (int p = 0; p < PH_COUNT; ++p)
            fprintf(stderr, "%s%s %.2f s", p ? ", " : "", phase_names[p], R->t_phase[p]);
        double pr = (double)R->ncols * (double)R->nT * (double)R->n_ok;
        fprintf(stderr, "); evaluation %.3g point-replicates/s\n",
                R->t_phase[PH_EVAL] > 0 ? pr / R->t_phase[PH_EVAL] : 0.0);
        /* the design-rule report of the file just written, as `ssoc rules OUT.h5` prints it */
        ssoc_error re = {0};
        if (ssoc_report_write_text(R->out, stderr, &re) != SSOC_OK)
            fprintf(stderr, "ssoc: sweep: no design-rule summary: %s\n", re.msg);
    }
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGUSR1, &old_usr1, NULL);
    sigaction(SIGINT, &old_int, NULL);
    run_free(R);
    if (st)
        *err = e;
    return st;
}
