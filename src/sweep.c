/* The sweep driver: the run as a list of phases (ssoc_sweep_run at the end of this file reads top
 * to bottom): preflight, fit, memory check, bootstrap, open the file, the grid, the design rules,
 * close, summary. Every phase runs on every rank and ends in an agreed status (timed_phase), so
 * all ranks stop together. It sees ranks only through par.h, the file only through sweepfile.h;
 * the arithmetic is in kernel.c (the grid), sweep_rules.c and rules.c (the design rules).
 *
 * Decomposition. Grid columns (one (x, rho) pair each, c = irho * nx + ix, holding all nT
 * temperatures) are cut into blocks of [output] block columns. Rank r owns the contiguous blocks
 * ssoc_par_share(nblocks, r, P); in round k every rank evaluates its k-th unfinished block (or
 * nothing), then all ranks write collectively, mark the blocks done in /progress/done, flush and
 * agree on errors and signals. Inside a block OpenMP threads take columns (dynamic schedule),
 * each with its own workspace. A column's values depend only on the column and the parameter
 * sets (kernel.c), so any P x threads and any resume give the same bits.
 *
 * Safety (tests/RELIABILITY.md). Rank 0 creates OUT.partial exclusively and locks it before any
 * work (outpath.h), so a second run on the same output is refused in every phase of this one;
 * HDF5 then opens that file (without its own lock: ours protects it), and only a complete, closed
 * file is renamed to OUT (never over one that appeared, without --force). SIGTERM, SIGUSR1 or
 * SIGINT set a flag that every phase polls: the bootstrap per replicate and the rules per task
 * (the phase monitor, progress.h, which also draws the progress line), the grid per column and at
 * every block boundary (Allreduce), the fit after it. The ranks agree at the end of the phase,
 * the file is flushed and closed as far as it got, and the run returns SSOC_EINTERRUPTED (exit 4):
 * --resume continues it, or starts it afresh when it was stopped before the file had its layout
 * (an empty .partial). A copy of the signal within a second is the same request; a later one kills.
 * --resume checks the stored resume key
 * (the path-free effective config), the data SHA-256 and the parameter-file SHA-256. */
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
#include "ssoc/io.h"
#include "ssoc/kernel.h"
#include "ssoc/kernel_isa.h"
#include "ssoc/outpath.h"
#include "ssoc/par.h"
#include "ssoc/paramfile.h"
#include "ssoc/plausible.h"
#include "ssoc/progress.h"
#include "ssoc/report.h"
#include "ssoc/rules.h"
#include "ssoc/sweepfile.h"
#include "sweep_plan.h"
#include "sweep_rules.h"

#define SSOC_FLUSH_INTERVAL_S 1.0 /* most one H5Fflush per second during the block rounds */

enum { PH_FIT, PH_BOOT, PH_EVAL, PH_RULES, PH_WRITE, PH_COUNT, PH_UNTIMED = PH_COUNT };
static const char *const phase_names[PH_COUNT] = {"fit", "bootstrap", "evaluation", "rules", "write"};
/* what the progress line counts in each phase */
static const char *const phase_units[PH_COUNT] = {"", "replicates", "points", "rule tasks", ""};

/* What the phases hand each other; private to this file, one part per producing phase. */
typedef struct run {
    const ssoc_config *cfg;
    const ssoc_sweep_opts *opts;
    int rank, size, threads;
    char out[4096], partial[4200];
    ssoc_outpath op;            /* rank 0: OUT.partial, created (or taken over) and locked */
    int fresh;                  /* the file is created (1) or continued (0: --resume of a started one) */
    ssoc_progress pg;           /* the progress line and the stop flag (rank 0 shows it) */
    size_t ncols, nblocks;      /* grid columns (x, rho) and blocks of cfg->block_columns */
    struct {                    /* phase_fit */
        ssoc_dataset *d;
        ssoc_data_range range;
        ssoc_fit_opts fo;
        ssoc_params best;
        ssoc_metrics metrics;
        char params_sha[65];
    } fit;
    struct {                    /* phase_bootstrap: the replicates as the kernel and the rules take them */
        ssoc_boot_result *boot;
        size_t n_ok;
        ssoc_paramsets *reps, *best, *jack;
        ssoc_rules_prep *preps, bestprep, *jackpreps;
        size_t n_jack_ok;
        double q_lo, q_hi;      /* percentile levels of the maps' bands */
        double *pred_e;         /* [reps->npad] prediction terms of reps, padded like them (64-byte aligned) */
    } sets;
    ssoc_kernel_isa isa;        /* phase_kernel: the kernel variant every rank runs */
    struct {                    /* phase_open */
        ssoc_sweepfile_meta meta;
        ssoc_sweepfile_out *out;
        uint8_t *done;          /* [nblocks] blocks already in the file */
        char created[32];       /* UTC time of this session */
        int resumed;
        int touched;            /* phase_open ran: OUT.partial may hold this run's data */
    } file;
    double t_phase[PH_COUNT], t0;
} run;

static void run_free(run *R)
{
    ssoc_dataset_free(R->fit.d);
    ssoc_boot_result_free(R->sets.boot);
    ssoc_paramsets_free(R->sets.reps);
    ssoc_paramsets_free(R->sets.best);
    ssoc_paramsets_free(R->sets.jack);
    free(R->sets.preps);
    free(R->sets.jackpreps);
    free(R->sets.pred_e);
    free(R->file.done);
    ssoc_sweepfile_close(R->file.out, NULL);
}

typedef ssoc_status (*phase_fn)(run *R, ssoc_error *err);

/* One phase on every rank: its status agreed (the first failing rank's error on all of them) and
 * its wall time added to clock `ph` (PH_UNTIMED: none). */
static ssoc_status timed_phase(run *R, int ph, phase_fn fn, ssoc_error *err)
{
    const double t = ssoc_par_wtime();
    const ssoc_status st = ssoc_par_agree_status(fn(R, err), err);
    if (ph != PH_UNTIMED)
        R->t_phase[ph] += ssoc_par_wtime() - t;
    return st;
}

/* ------------------------------------------------------------------ signals */

static volatile sig_atomic_t sweep_signal;
static struct timespec sweep_signal_at; /* when the first one came (CLOCK_MONOTONIC) */
static int signals_for_process;         /* ssoc_sweep_catch_signals: installed once, never restored */

/* A copy within this many seconds of the first signal is the same stop delivered twice: GNU timeout
 * signals its child and then its process group, SLURM the step's tasks and the batch shell. */
#define SIGNAL_REPEAT_S 1.0

/* The first SIGTERM, SIGUSR1 or SIGINT sets the flag that the phases poll; a copy within
 * SIGNAL_REPEAT_S is ignored; a later one is the user insisting: the signal's default action (the
 * process dies by it; the .partial stays resumable, as after kill -9). clock_gettime, signal and
 * raise are async-signal-safe; the three signals are blocked while the handler runs. */
static void on_signal(int sig)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!sweep_signal) {
        sweep_signal_at = now;
        sweep_signal = sig;
        return;
    }
    const double dt = (double)(now.tv_sec - sweep_signal_at.tv_sec) + 1e-9 * (double)(now.tv_nsec - sweep_signal_at.tv_nsec);
    if (dt >= SIGNAL_REPEAT_S) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

typedef struct signals {
    struct sigaction term, usr1, intr;
} signals;

static void signals_set(signals *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGUSR1);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaction(SIGTERM, &sa, &old->term);
    sigaction(SIGUSR1, &sa, &old->usr1);
    sigaction(SIGINT, &sa, &old->intr);
}

void ssoc_sweep_catch_signals(void)
{
    signals old;
    signals_set(&old);
    signals_for_process = 1;
}

/* SIGTERM, SIGUSR1, SIGINT only set a flag, acted on by the phases; for this run, unless the
 * program installed them for the whole process (then a signal that came before the run is kept) */
static void signals_install(signals *old)
{
    if (signals_for_process)
        return;
    sweep_signal = 0;
    signals_set(old);
}

static void signals_restore(const signals *old)
{
    if (signals_for_process)
        return;
    sigaction(SIGTERM, &old->term, NULL);
    sigaction(SIGUSR1, &old->usr1, NULL);
    sigaction(SIGINT, &old->intr, NULL);
}

/* ------------------------------------------------------------------ preflight */

/* The file's raw data as known before the data are read (ssoc_sweepfile_raw_bytes with no fitted
 * points), plus 48 kB for the layout's metadata (attributes, groups: about 60 kB measured on the
 * smallest grid): a lower bound, so it does not refuse a run that would fit. */
static uint64_t raw_bytes_lower_bound(const run *R)
{
    return ssoc_sweepfile_raw_bytes(R->cfg, 0, R->nblocks) + 48000;
}

/* Rank 0, before any work: OUT.partial created exclusively (or, with --resume or --force, an
 * unlocked one taken over) and locked for the whole run (outpath.h: the output path checked, a
 * second run refused, nothing followed through a link), then the free space. Whether the file is
 * created or continued is decided here: an empty .partial (a run stopped before it wrote the
 * layout) is started afresh even with --resume. */
static ssoc_status phase_preflight(run *R, ssoc_error *err)
{
    if (R->rank != 0)
        return SSOC_OK;
    const unsigned flags = SSOC_OUTPATH_PARTIAL | (R->opts->force ? SSOC_OUTPATH_FORCE : 0) |
                           (R->opts->resume ? SSOC_OUTPATH_RESUME : 0);
    /* the path as given: R->out holds at most 4095 characters, a longer one is refused here */
    ssoc_status st = ssoc_outpath_begin(&R->op, R->opts->output ? R->opts->output : R->cfg->output_file, flags, err);
    if (st)
        return st;
    R->fresh = !R->opts->resume || R->op.empty;
    /* a full disk found now costs nothing; found by HDF5 mid-run it is worse than an error (HDF5
     * 1.10.8 can deadlock a multi-rank flush, README "Output safety"). A .partial that is resumed
     * or truncated gives its space back. */
    uint64_t avail = 0, held = 0, need = raw_bytes_lower_bound(R);
    ssoc_error ignored = {0};
    if (ssoc_io_space(R->partial, &avail, &held, &ignored) == SSOC_OK && avail + held < need) {
        st = SSOC_ERR(err, SSOC_EIO,
                      "%s: not enough space: the sweep needs at least %.3g MB, the file system has %.3g MB free",
                      R->partial, (double)need / 1e6, (double)(avail + held) / 1e6);
        ssoc_outpath_abandon(&R->op);
    }
    return st;
}

/* The agreed stop of a phase that saw the stop flag (or whose loop the monitor stopped): what
 * --resume will do next. */
static ssoc_status stopped(const run *R, const char *phase, ssoc_error *err)
{
    return SSOC_ERR(err, SSOC_EINTERRUPTED, "interrupted, resumable: stopped by a signal during the %s; %s is valid, "
                    "continue with --resume", phase, R->partial);
}

/* Test hooks: SSOC_TEST_BLOCK_PAUSE_S pauses after every round of blocks (tests/slurm/harness.sh:
 * "signal the job after its first blocks, while it still runs"), SSOC_TEST_PHASE_PAUSE_S at the
 * start of every phase, after its progress line (tests/cli_sweep_stops.sh: a signal sent once a
 * phase's line appeared lands in that phase on any machine). Never set in production; a signal
 * ends the pause early. */
static void test_pause(const char *var)
{
    const char *env = getenv(var);
    const double s = env ? strtod(env, NULL) : 0.0;
    if (s > 0 && s < 10) {
        struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

/* Enter phase `ph` of the progress line with `total` items, then the test pause. */
static void enter_phase(run *R, int ph, uint64_t total)
{
    ssoc_progress_phase(&R->pg, ph, total);
    test_pause("SSOC_TEST_PHASE_PAUSE_S");
}

/* ------------------------------------------------------------------ fit and bootstrap */

/* The data, and the point parameters: fitted, published, or from a parameter file. */
static ssoc_status fit_params(run *R, ssoc_error *err)
{
    const ssoc_config *c = R->cfg;
    ssoc_status st = ssoc_data_read_csv_ex(c->data_file, c->d_crit_A,
                                           c->allow_implausible_data ? SSOC_PLAUSIBLE_ALLOW : SSOC_PLAUSIBLE_CONFIG,
                                           &R->fit.d, err);
    if (st)
        return st;
    ssoc_dataset_range(R->fit.d, &R->fit.range);
    ssoc_fit_opts_default(&R->fit.fo);
    R->fit.fo.method = c->method;
    R->fit.params_sha[0] = '\0';
    if (c->params == SSOC_PARAMS_FIT) {
        /* ln A is held at 0 unless [fit] free = ln_A (or fixed elsewhere by [fit] fix) */
        R->fit.fo.fixed_mask = c->fixed_mask | (c->free_ln_A ? 0u : 1u << SSOC_P_LNA);
        R->fit.fo.fixed = c->fixed;
        ssoc_fit_result fr;
        if ((st = ssoc_fit_run(R->fit.d, &R->fit.fo, &fr, err)))
            return st;
        R->fit.best = fr.params;
        R->fit.metrics = fr.metrics;
        return SSOC_OK;
    }
    if (c->params == SSOC_PARAMS_PUBLISHED) {
        /* docs/MODEL.md, "Bootstrap and bands": replicates of the published set are refitted with
         * v_c = 0.125 and n_H = 3 held fixed, the way the published betas were obtained */
        R->fit.best = ssoc_params_published;
        R->fit.fo.fixed_mask = (1u << SSOC_P_VC) | (1u << SSOC_P_NH) | (1u << SSOC_P_LNA);
        R->fit.fo.fixed = ssoc_params_published;
    } else {
        ssoc_paramfile pf;
        if ((st = ssoc_paramfile_read(c->params_file, &pf, err)))
            return st;
        R->fit.best = pf.params;
        R->fit.fo.method = pf.method;
        R->fit.fo.fixed_mask = pf.fixed_mask;
        R->fit.fo.fixed = pf.params;
        ssoc_paramfile_clear(&pf);
        if ((st = ssoc_sha256_file(c->params_file, R->fit.params_sha, err)))
            return st;
    }
    ssoc_fit_metrics(R->fit.d, &R->fit.best, &R->fit.metrics);
    return SSOC_OK;
}

/* The point parameters; then a target no point of the model comes near is a mistake (often mS/cm
 * for S/cm), refused before any output exists (every rank computes the same answer). */
static ssoc_status phase_fit(run *R, ssoc_error *err)
{
    const ssoc_config *c = R->cfg;
    enter_phase(R, PH_FIT, 0);
    ssoc_status st = fit_params(R, err);
    /* the fit itself takes a fraction of a second: the stop is honoured right after it */
    if (!st && ssoc_progress_update(&R->pg, 0))
        return stopped(R, "fit", err);
    char why[600];
    if (!st && c->has_target && !c->allow_implausible_grid &&
        !ssoc_plausible_target_reach(&R->fit.best, c->x.v, c->x.n, c->rho.v, c->rho.n, c->T.v, c->T.n,
                                     c->target_sigma_S_cm, why, sizeof why))
        st = SSOC_ERR(err, SSOC_ECONFIG, "%s: [target] sigma: %s; [grid] allow_implausible = true to sweep anyway",
                      c->path[0] ? c->path : "--set", why);
    return st;
}

/* issue 8: refuse what cannot fit before the B x 9 table and the per-thread rows exist */
static ssoc_status phase_memory(run *R, ssoc_error *err)
{
    return ssoc_sweep_mem_check(R->cfg, R->fit.d->n, R->size, ssoc_par_node_size(), R->threads, err);
}

/* The replicate table: every rank fits its share of the B replicates straight into its place in
 * the table, then everyone gathers everyone's (replicate b depends only on the seed and b). */
static ssoc_status bootstrap_table(run *R, const ssoc_boot_opts *bo, ssoc_error *err)
{
    const size_t B = bo->B;
    ssoc_boot_result *bt = R->sets.boot;
    size_t *counts = malloc((size_t)R->size * sizeof *counts);
    if (!counts)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for %zu bootstrap replicates", B);
    size_t b0, b1;
    ssoc_par_share(B, R->rank, R->size, &b0, &b1);
    /* the replicates of this rank; the monitor counts them (rank 0's share shows the progress)
     * and stops them on a signal */
    enter_phase(R, PH_BOOT, b1 - b0);
    const ssoc_monitor mon = ssoc_progress_monitor(&R->pg);
    ssoc_boot_opts bom = *bo;
    bom.monitor = &mon;
    ssoc_status st = ssoc_boot_fit_range(R->fit.d, &R->fit.fo, &R->fit.best, &bom, b0, b1,
                                         bt->table + b0 * SSOC_NPARAM, bt->ok + b0, err);
    if (st == SSOC_EINTERRUPTED)
        st = stopped(R, "bootstrap", err);
    st = ssoc_par_agree_status(st, err);
    for (int r = 0; r < R->size && !st; ++r) {
        size_t lo, hi;
        ssoc_par_share(B, r, R->size, &lo, &hi);
        counts[r] = (hi - lo) * SSOC_NPARAM;
    }
    if (!st)
        st = ssoc_par_allgatherv(bt->table + b0 * SSOC_NPARAM, bt->table, counts, sizeof(double), err);
    for (int r = 0; r < R->size && !st; ++r)
        counts[r] /= SSOC_NPARAM;
    if (!st)
        st = ssoc_par_allgatherv(bt->ok + b0, bt->ok, counts, 1, err);
    free(counts);
    return st;
}

/* The parameter sets as the kernel (structure of arrays) and the rules (prepared) take them: the
 * point parameters, the successful replicates, and for BCa the successful leave-one-out fits. */
/* The prediction terms e_b of the successful replicates (ssoc_boot_pred_terms: pure functions of
 * the seed, b and the residual pool), in the order and with the padding of the kernel's sets. */
static ssoc_status prepare_pred_terms(run *R, ssoc_error *err)
{
    const ssoc_boot_result *bt = R->sets.boot;
    const size_t npad = R->sets.reps->npad;
    double *all = malloc(bt->B * sizeof *all);
    R->sets.pred_e = aligned_alloc(64, (npad * sizeof(double) + 63) / 64 * 64);
    ssoc_status st = !all || !R->sets.pred_e ? SSOC_ERR(err, SSOC_ENOMEM, "no memory for the prediction terms")
                                             : ssoc_boot_pred_terms(bt, all, err);
    size_t j = 0;
    for (size_t b = 0; !st && b < bt->B; ++b)
        if (bt->ok[b])
            R->sets.pred_e[j++] = all[b];
    for (; !st && j < npad; ++j)
        R->sets.pred_e[j] = R->sets.pred_e[j - 1];
    free(all);
    return st;
}

static ssoc_status prepare_sets(run *R, ssoc_error *err)
{
    const ssoc_boot_result *bt = R->sets.boot;
    const size_t B = R->cfg->B;
    ssoc_status st;
    R->sets.reps = ssoc_paramsets_alloc(bt->table, bt->ok, B);
    R->sets.best = ssoc_paramsets_alloc(R->fit.best.p, NULL, 1);
    R->sets.preps = malloc(R->sets.n_ok * sizeof *R->sets.preps);
    if (!R->sets.reps || !R->sets.best || !R->sets.preps)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for the replicate tables");
    if ((st = ssoc_rules_prepare(&R->fit.best, &R->sets.bestprep, err)))
        return st;
    for (size_t b = 0, j = 0; b < B; ++b) {
        if (!bt->ok[b])
            continue;
        ssoc_params p;
        memcpy(p.p, bt->table + b * SSOC_NPARAM, sizeof p.p);
        if ((st = ssoc_rules_prepare(&p, &R->sets.preps[j++], err)))
            return SSOC_ERR(err, st, "bootstrap replicate %zu: %s", b, err->msg);
    }
    if (R->cfg->interval != SSOC_CI_BCA)
        return SSOC_OK;
    R->sets.jack = ssoc_paramsets_alloc(bt->jack, bt->jack_ok, bt->n_jack);
    R->sets.jackpreps = malloc(bt->n_jack * sizeof *R->sets.jackpreps);
    if (!R->sets.jack || !R->sets.jackpreps)
        return SSOC_ERR(err, SSOC_EFIT, "no jackknife fit succeeded (BCa needs them)");
    for (size_t i = 0; i < bt->n_jack; ++i) {
        if (!bt->jack_ok[i])
            continue;
        ssoc_params p;
        memcpy(p.p, bt->jack + i * SSOC_NPARAM, sizeof p.p);
        if ((st = ssoc_rules_prepare(&p, &R->sets.jackpreps[R->sets.n_jack_ok++], err)))
            return st;
    }
    if (R->sets.n_jack_ok < 2)
        return SSOC_ERR(err, SSOC_EFIT, "BCa needs at least 2 successful jackknife fits");
    return SSOC_OK;
}

static ssoc_status phase_bootstrap(run *R, ssoc_error *err)
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
    ssoc_boot_result *bt = R->sets.boot = ssoc_boot_result_alloc(B, bca ? R->fit.d->n : 0);
    if (!bt)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for %zu bootstrap replicates", B);
    ssoc_status st = bootstrap_table(R, &bo, err);
    if (st)
        return st;
    bt->opts = bo;
    bt->fixed_mask = R->fit.fo.fixed_mask;
    memcpy(bt->point, R->fit.best.p, sizeof R->fit.best.p);
    bt->point[SSOC_NPARAM] = ssoc_params_vf_star(&R->fit.best);
    bt->n_failed = 0;
    for (size_t b = 0; b < B; ++b)
        bt->n_failed += !bt->ok[b];
    R->sets.n_ok = B - bt->n_failed;
    if (ssoc_progress_update(&R->pg, R->pg.total)) /* before the jackknife and the summaries */
        return stopped(R, "bootstrap", err);
    /* leave-one-out fits for BCa: every rank computes all n (cheap next to B), threads over points */
    if (bca && (st = ssoc_boot_jackknife(R->fit.d, &R->fit.fo, bt->jack, bt->jack_ok, err)))
        return st;
    if (R->sets.n_ok < 2)
        return SSOC_ERR(err, SSOC_EFIT, "only %zu of %zu bootstrap replicates could be fitted", R->sets.n_ok, B);
    /* the residual pool and dof of the point fit: the expanded interval's level, prediction terms */
    if ((st = ssoc_boot_attach_residuals(bt, R->fit.d, err)) || (st = ssoc_boot_summarise(bt, err)) ||
        (st = prepare_sets(R, err)) || (st = prepare_pred_terms(R, err)))
        return st;
    ssoc_ci_levels(SSOC_CI_PERCENTILE, ssoc_boot_band_level(bt), 0.5, 0.0, &R->sets.q_lo, &R->sets.q_hi);
    return SSOC_OK;
}

/* ------------------------------------------------------------------ the kernel variant */

/* A .partial to resume that is not a sweep file at all (a run killed while HDF5 created the
 * layout): nothing in it can be used, say the way out. A different run (SSOC_ECONFIG) is said as
 * such by the file module. */
static ssoc_status not_resumable(ssoc_status st, ssoc_error *err)
{
    if (st != SSOC_EHDF5)
        return st;
    char why[sizeof err->msg];
    snprintf(why, sizeof why, "%s", err->msg);
    return SSOC_ERR(err, SSOC_EHDF5, "--resume: %.600s; it cannot be continued (was its run killed while it created "
                    "the file?): start over with --force", why);
}

/* One kernel variant for the whole run (include/ssoc/kernel_isa.h): the variants agree only to
 * the last bits, so a run whose ranks ran different ones would depend on its decomposition, and a
 * resume on another variant on the interruption. SSOC_KERNEL_ISA if set (every rank must be able
 * to run it), on --resume the variant the file was started with, else the best that every rank
 * can run. The sets built by phase_bootstrap are scalar arithmetic, the same in every variant. */
static ssoc_status phase_kernel(run *R, ssoc_error *err)
{
    int64_t ok[SSOC_ISA_COUNT]; /* ranks that can run each variant (collective first: no early return) */
    for (int i = 0; i < SSOC_ISA_COUNT; ++i)
        ok[i] = ssoc_kernel_isa_supported((ssoc_kernel_isa)i);
    ssoc_par_sum_i64(ok, SSOC_ISA_COUNT);
    char rec[32] = "";
    ssoc_status st = R->fresh ? SSOC_OK : ssoc_sweepfile_kernel_isa(R->partial, rec, sizeof rec, err);
    if (st)
        return not_resumable(st, err);
    ssoc_kernel_isa pin = SSOC_ISA_DEFAULT, isa = SSOC_ISA_DEFAULT;
    int given = 0;
    if ((st = ssoc_kernel_isa_from_env(&pin, &given, err)))
        return st;
    const long long lacking_pin = (long long)(R->size - ok[pin]);
    if (*rec) {
        if (ssoc_kernel_isa_parse(rec, &isa))
            return SSOC_ERR(err, SSOC_ECONFIG, "%s was started with kernel variant '%s', which this ssoc does not know; "
                            "start over with --force", R->partial, rec);
        if (given && pin != isa)
            return SSOC_ERR(err, SSOC_ECONFIG, "%s was started with the %s kernel but SSOC_KERNEL_ISA=%s: the results "
                            "would differ in the last bits; refusing to resume (unset SSOC_KERNEL_ISA, or start over "
                            "with --force)", R->partial, rec, ssoc_kernel_isa_name(pin));
        if (ok[isa] < R->size)
            return SSOC_ERR(err, SSOC_ECONFIG, "%s was started with the %s kernel, which the CPU of %lld of %d rank%s "
                            "cannot run: resume on nodes that can (another variant would change the last bits), or "
                            "start over with --force", R->partial, rec, (long long)(R->size - ok[isa]), R->size,
                            R->size == 1 ? "" : "s");
    } else if (given) {
        isa = pin;
        if (lacking_pin > 0)
            return SSOC_ERR(err, SSOC_EINVAL, "SSOC_KERNEL_ISA=%s: the CPU of %lld of %d rank%s cannot run it",
                            ssoc_kernel_isa_name(pin), lacking_pin, R->size, R->size == 1 ? "" : "s");
    } else {
        for (int i = SSOC_ISA_COUNT - 1; i >= 0; --i)
            if (ok[i] == R->size) {
                isa = (ssoc_kernel_isa)i;
                break;
            }
    }
    /* the same choice everywhere (SSOC_KERNEL_ISA set on some ranks only would break it) */
    int64_t mm[2] = {isa, -(int64_t)isa};
    ssoc_par_max_i64(mm, 2);
    if (mm[0] != -mm[1])
        return SSOC_ERR(err, SSOC_EINVAL, "the ranks chose different kernel variants (is SSOC_KERNEL_ISA set on some "
                        "ranks only?)");
    R->isa = isa;
    return ssoc_kernel_isa_set(isa, err);
}

/* ------------------------------------------------------------------ the file */

/* Prepare the file's description, and reopen OUT.partial to resume (reading which blocks are
 * done); a new run's layout is created in OUT.partial (made and locked by the preflight) by the
 * grid's first round, while the other threads evaluate (phase_grid). Rank 0 first checks that
 * the name still holds the file it locked (not a link or another file swapped in since). */
static ssoc_status phase_open(run *R, ssoc_error *err)
{
    R->file.touched = 1;
    ssoc_status vs = R->rank == 0 ? ssoc_outpath_verify(&R->op, err) : SSOC_OK;
    if ((vs = ssoc_par_agree_status(vs, err)))
        return vs;
    R->file.done = calloc(R->nblocks, 1);
    if (!R->file.done)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    ssoc_io_utc_now(R->file.created, sizeof R->file.created);
    R->file.meta = (ssoc_sweepfile_meta){.cfg = R->cfg,
                                         .data = R->fit.d,
                                         .range = &R->fit.range,
                                         .params_sha256 = R->fit.params_sha,
                                         .best = &R->fit.best,
                                         .fixed_mask = R->fit.fo.fixed_mask,
                                         .fit_method = R->fit.fo.method,
                                         .metrics = &R->fit.metrics,
                                         .boot = R->sets.boot,
                                         .q_lo = R->sets.q_lo,
                                         .q_hi = R->sets.q_hi,
                                         .block_columns = R->cfg->block_columns,
                                         .nblocks = R->nblocks,
                                         .ranks = R->size,
                                         .threads = R->threads,
                                         .kernel_isa = ssoc_kernel_isa_name(R->isa),
                                         .created = R->file.created};
    R->file.resumed = !R->fresh;
    if (R->fresh) /* the grid's first round creates the layout (phase_grid) */
        return SSOC_OK;
    return not_resumable(ssoc_sweepfile_reopen(R->partial, &R->file.meta, R->file.done, &R->file.out, err), err);
}

/* The timings and `complete`, close on every rank, and only then the publication that makes OUT
 * exist (rank 0: fsync, a rename that never replaces an OUT that appeared meanwhile without
 * --force, the reason and the kept .partial when it fails; outpath.h). */
static ssoc_status phase_close(run *R, ssoc_error *err)
{
    enter_phase(R, PH_WRITE, 0);
    const double total = ssoc_par_wtime() - R->t0;
    ssoc_status st = ssoc_sweepfile_finish(R->file.out, phase_names, R->t_phase, PH_COUNT, total, err);
    const ssoc_status cs = ssoc_sweepfile_close(R->file.out, err);
    R->file.out = NULL;
    if ((st = ssoc_par_agree_status(st ? st : cs, err)))
        return st;
    st = R->rank == 0 ? ssoc_outpath_publish(&R->op, err) : SSOC_OK;
    ssoc_progress_update(&R->pg, 0); /* the write's line in a log */
    return st;
}

/* ------------------------------------------------------------------ the grid */

/* a block of columns [c0, c1) with index kblk; has = 0: this rank has no block in the round (it
 * still takes part in the collective writes, with empty selections) */
typedef struct blockref {
    size_t c0, c1, kblk;
    int has;
} blockref;

/* The grid phase's state on this rank. */
typedef struct grid {
    ssoc_kernel_ctx ctx;
    size_t *todo, ntodo;          /* my unfinished blocks */
    int64_t rounds;               /* rounds of the phase: the most unfinished blocks of any rank */
    ssoc_sweepfile_maps buf[2];   /* round r evaluates into buf[r & 1] while the other is written */
    ssoc_kernel_ws **ws;          /* one workspace per thread */
    double *inv_T;                /* 1/T [1/K], 64-byte aligned */
    int64_t done;                 /* points (x, rho, T) of this session written, all ranks */
    int cut;                      /* a signal cut this round's block short: it is not written */
} grid;

static int maps_alloc(ssoc_sweepfile_maps *m, size_t n)
{
    m->best = malloc(n * sizeof(double));
    m->median = malloc(n * sizeof(double));
    m->lo = malloc(n * sizeof(double));
    m->hi = malloc(n * sizeof(double));
    m->p_exceed = malloc(n * sizeof(double));
    m->pred_lo = malloc(n * sizeof(double));
    m->pred_hi = malloc(n * sizeof(double));
    m->extrapolated = malloc(n);
    return m->best && m->median && m->lo && m->hi && m->p_exceed && m->pred_lo && m->pred_hi && m->extrapolated;
}

static void maps_free(ssoc_sweepfile_maps *m)
{
    free(m->best), free(m->median), free(m->lo), free(m->hi), free(m->p_exceed), free(m->extrapolated);
    free(m->pred_lo), free(m->pred_hi);
}

static void grid_free(run *R, grid *g)
{
    for (int t = 0; g->ws && t < R->threads; ++t)
        ssoc_kernel_ws_free(g->ws[t]);
    free(g->ws);
    free(g->todo);
    free(g->inv_T);
    maps_free(&g->buf[0]), maps_free(&g->buf[1]);
}

/* My unfinished blocks, the buffers and workspaces, the kernel's inputs; then every rank learns
 * the number of rounds and the points to do (for the progress line). Agreed status. */
static ssoc_status grid_init(run *R, grid *g, ssoc_error *err)
{
    const ssoc_config *c = R->cfg;
    const size_t nT = c->T.n, blk = c->block_columns;
    memset(g, 0, sizeof *g);
    size_t kb0, kb1;
    ssoc_par_share(R->nblocks, R->rank, R->size, &kb0, &kb1);
    g->todo = malloc((kb1 - kb0 + 1) * sizeof *g->todo);
    g->inv_T = aligned_alloc(64, (nT * sizeof(double) + 63) / 64 * 64);
    g->ws = calloc((size_t)R->threads, sizeof *g->ws);
    int ok = g->todo && g->inv_T && g->ws && maps_alloc(&g->buf[0], nT * blk) && maps_alloc(&g->buf[1], nT * blk);
    if (ok) {
        for (size_t i = 0; i < nT; ++i)
            g->inv_T[i] = 1.0 / c->T.v[i];
        g->ctx = (ssoc_kernel_ctx){.reps = R->sets.reps, .best = R->sets.best, .jack = R->sets.jack, .nT = nT,
                                   .inv_T = g->inv_T, .confidence = c->confidence, .interval = c->interval,
                                   .q_lo = R->sets.q_lo, .q_hi = R->sets.q_hi, .has_target = c->has_target,
                                   .target_S_cm = c->target_sigma_S_cm, .pred_e = R->sets.pred_e};
    }
    for (int t = 0; ok && t < R->threads; ++t)
        ok = (g->ws[t] = ssoc_kernel_ws_alloc(&g->ctx)) != NULL;
    ssoc_status st = ok ? SSOC_OK
                        : SSOC_ERR(err, SSOC_ENOMEM, "no memory for block buffers (%zu columns x %zu temperatures)",
                                   blk, nT);
    int64_t pts = 0;
    for (size_t k = kb0; ok && k < kb1; ++k)
        if (!R->file.done[k]) {
            g->todo[g->ntodo++] = k;
            const size_t c0 = k * blk, c1 = c0 + blk < R->ncols ? c0 + blk : R->ncols;
            pts += (int64_t)((c1 - c0) * nT);
        }
    int64_t agg[2] = {(int64_t)g->ntodo, pts};
    ssoc_par_max_i64(agg, 1);
    ssoc_par_sum_i64(agg + 1, 1);
    g->rounds = agg[0];
    enter_phase(R, PH_EVAL, (uint64_t)agg[1]);
    return ssoc_par_agree_status(st, err);
}

/* The columns of block b into maps m (inside the round's parallel region: threads share them).
 * A signal skips the columns not yet started and sets g->cut: a block of B = 10^6 replicates can
 * take minutes, the stop must not wait for it. */
static void eval_block(const run *R, grid *g, const blockref *b, ssoc_sweepfile_maps *m)
{
    const ssoc_config *c = R->cfg;
    const size_t w = b->c1 - b->c0, nx = c->x.n, nT = c->T.n;
    ssoc_kernel_ws *my = g->ws[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
    for (size_t j = 0; j < w; ++j) {
        if (sweep_signal) {
#pragma omp atomic write
            g->cut = 1;
            continue;
        }
        const size_t col = b->c0 + j;
        ssoc_column cl;
        ssoc_column_init(c->x.v[col % nx], c->rho.v[col / nx], &cl);
        ssoc_kernel_column(&g->ctx, my, &cl, w, m->best + j, m->median + j, m->lo + j, m->hi + j,
                           c->has_target ? m->p_exceed + j : NULL, m->pred_lo + j, m->pred_hi + j);
        for (size_t t = 0; t < nT; ++t)
            m->extrapolated[t * w + j] = (uint8_t)ssoc_data_range_extrap(&R->fit.range, cl.x, cl.v_f, c->T.v[t]);
    }
}

/* issue 8: never a NaN or inf in a sigma dataset. Only parameters far outside any fit (e.g.
 * beta0 = 1000) overflow sigma; the sweep stops before writing the block, naming the place, so
 * neither the data nor a done flag vouching for it reaches the file. Collective (agreed before the
 * block's collective writes, so every rank stops at the same block). */
static ssoc_status check_finite(const run *R, const ssoc_sweepfile_maps *m, const blockref *b, ssoc_error *e)
{
    const ssoc_config *c = R->cfg;
    const size_t nT = c->T.n, nx = c->x.n, w = b->has ? b->c1 - b->c0 : 0;
    int64_t nonfinite = 0;
    for (size_t i = 0; i < nT * w && !nonfinite; ++i) {
        const double *sv[6] = {m->best, m->median, m->lo, m->hi, m->pred_lo, m->pred_hi};
        const char *sn[6] = {"best", "median", "lo", "hi", "pred_lo", "pred_hi"};
        for (int q = 0; q < 6 && !nonfinite; ++q)
            if (!isfinite(sv[q][i])) {
                const size_t col = b->c0 + i % w, t = i / w;
                SSOC_ERR(e, SSOC_EDATA,
                         "sigma/%s = %g at x = %g, rho = %g, T = %g K: the %s overflow the double range on "
                         "this grid; check [fit] params or narrow [grid]",
                         sn[q], sv[q][i], c->x.v[col % nx], c->rho.v[col / nx], c->T.v[t],
                         q ? "bootstrap replicates" : "point-fit parameters");
                nonfinite = 1;
            }
    }
    ssoc_par_sum_i64(&nonfinite, 1);
    return nonfinite ? ssoc_par_agree(e) : SSOC_OK;
}

/* Rank 0: 1 if the output's file system has less room than the next round's blocks (every rank's,
 * at most) and what follows the grid (the design rules, the timings and the metadata's growth)
 * need. HDF5 cannot be trusted to leave a resumable file when a write fails for want of space (a
 * failed flush can leave the superblock pointing past the end of the file), so the run stops
 * before it writes what may not fit; *avail_kb says what was free. */
static int space_short(const run *R, int more_blocks, int64_t *avail_kb)
{
    const ssoc_config *c = R->cfg;
    const uint64_t per_point = 8u * (c->has_target ? 5u : 4u) + 1u;
    const uint64_t blocks = more_blocks ? (uint64_t)R->size * c->block_columns * c->T.n * per_point : 0;
    const uint64_t tail = (uint64_t)c->T.n * (c->x.n + c->rho.n) * SSOC_RULE_COUNT * 8u + (256u << 10);
    uint64_t avail = 0, held = 0;
    ssoc_error ignore = {0};
    if (ssoc_io_space(R->partial, &avail, &held, &ignore) != SSOC_OK)
        return 0; /* unknown: HDF5 reports a failed write */
    *avail_kb = (int64_t)(avail >> 10);
    return avail < blocks + tail;
}

/* Collective: when space_short on rank 0, flush what is written (the file stays valid and
 * resumable) and fail every rank with the reason; SSOC_OK otherwise. */
static ssoc_status space_guard(const run *R, int more_blocks, ssoc_error *e)
{
    int64_t avail_kb = 0, v = R->rank == 0 && space_short(R, more_blocks, &avail_kb);
    ssoc_par_sum_i64(&v, 1);
    if (!v)
        return SSOC_OK;
    if ((!R->file.out || ssoc_sweepfile_flush(R->file.out, e) == SSOC_OK) && R->rank == 0)
        SSOC_ERR(e, SSOC_EIO, "%s: the file system is full (%lld kB free, the rest of the run needs more): %s is valid, "
                 "free some space and continue with --resume", R->partial, (long long)avail_kb, R->partial);
    return ssoc_par_agree(e);
}

/* After a round that wrote block `wb`: every rank learns whether any write failed or a signal
 * came, flushes when due (H5Fflush, an fsync under MPI-IO, paced to at most one per
 * SSOC_FLUSH_INTERVAL_S by rank 0's clock so that every rank calls it, and always in the last
 * round), and counts the progress. Under MPI raw data and done flags reach the file (the OS page
 * cache) at each write; a serial file's maps, then the done flags of their blocks, at each flush
 * (ssoc_sweepfile_flush): a kill -9 loses at most the blocks since the last flush, about a second
 * of work, or the block in flight. Returns 1 to stop (status in *st). */
static int settle_round(run *R, grid *g, ssoc_status wst, const blockref *wb, int last, double *t_flush,
                        int *signalled, ssoc_status *st, ssoc_error *e)
{
    const double tnow = ssoc_par_wtime();
    int64_t v[4] = {wst != SSOC_OK, sweep_signal != 0, wb->has ? (int64_t)((wb->c1 - wb->c0) * R->cfg->T.n) : 0,
                    R->rank == 0 && tnow - *t_flush >= SSOC_FLUSH_INTERVAL_S};
    ssoc_par_sum_i64(v, 4);
    if (!v[0] && (*st = space_guard(R, !last, e)))
        return 1;
    if (!v[0] && (v[3] || last)) {
        int64_t f = ssoc_sweepfile_flush(R->file.out, e) != SSOC_OK;
        *t_flush = tnow;
        ssoc_par_sum_i64(&f, 1);
        v[0] = f;
    }
    if (v[0]) {
        *st = ssoc_par_agree(e);
        return 1;
    }
    g->done += v[2];
    *signalled = v[1] != 0;
    return 0;
}

/* The grid sweep, one round of blocks at a time (a block per rank per round), pipelined: while
 * the other threads evaluate the columns of round r's block into one buffer, the master thread
 * (the only one that calls MPI and HDF5) writes round r - 1's block from the other buffer (in
 * round 0 of a new run, creates the file's layout), then joins the evaluation. A round's
 * bookkeeping (write errors, signals, paced flushes, progress) follows its write, one round
 * later; on a signal one more round writes the block evaluated meanwhile (unless the signal cut
 * it short: then that rank writes nothing) and flushes. Ends interrupted (SSOC_EINTERRUPTED, the
 * file closed and resumable) when a signal came. */
static ssoc_status phase_grid(run *R, ssoc_error *e)
{
    const ssoc_config *c = R->cfg;
    const size_t blk = c->block_columns;
    grid g;
    ssoc_status st = grid_init(R, &g, e);
    if (!st) /* the room for the first blocks (the later ones: settle_round) */
        st = space_guard(R, 1, e);
    double t_flush = ssoc_par_wtime();
    blockref pend = {0};
    /* round r evaluates block r (r < last) and writes block r - 1 (r > 0); a signal makes the next
     * round the last, so it only writes the block evaluated meanwhile, then flushes */
    int64_t last = g.rounds;
    int any_signal = 0;
    for (int64_t r = 0; !st && r <= last; ++r) {
        blockref cur = {.has = r < last && (size_t)r < g.ntodo};
        if (cur.has) {
            cur.kblk = g.todo[r];
            cur.c0 = cur.kblk * blk;
            cur.c1 = cur.c0 + blk < R->ncols ? cur.c0 + blk : R->ncols;
        }
        ssoc_sweepfile_maps *bb = &g.buf[r & 1];
        const ssoc_sweepfile_maps *pb = &g.buf[(r + 1) & 1];
        ssoc_status wst = SSOC_OK;
        double t_write = 0.0;
        const double t1 = ssoc_par_wtime();
        g.cut = 0;
#pragma omp parallel if (cur.has)
        {
#pragma omp master
            {
                const double tw = ssoc_par_wtime();
                if (r > 0)
                    wst = ssoc_sweepfile_write_block(R->file.out, pend.has, pend.kblk, pend.c0, pend.c1, pb, e);
                else if (!R->file.out) /* a new file's layout, while the others evaluate the first block */
                    wst = ssoc_sweepfile_create(R->partial, &R->file.meta, &R->file.out, e);
                t_write = ssoc_par_wtime() - tw;
            }
            if (cur.has)
                eval_block(R, &g, &cur, bb);
        }
        const double t2 = ssoc_par_wtime();
        /* phase clocks share the region's wall time: the write took the master thread for t_write,
         * i.e. 1/threads of the team's capacity, while the others evaluated */
        const double wshare = cur.has ? t_write / (double)R->threads : t2 - t1;
        R->t_phase[PH_WRITE] += wshare;
        R->t_phase[PH_EVAL] += (t2 - t1) - wshare;
        if (r == 0 && (st = ssoc_par_agree_status(wst, e))) { /* the layout could not be created */
            R->t_phase[PH_WRITE] += ssoc_par_wtime() - t2;
            break;
        }
        int signalled = 0;
        if (r > 0 && settle_round(R, &g, wst, &pend, r == last, &t_flush, &signalled, &st, e)) {
            R->t_phase[PH_WRITE] += ssoc_par_wtime() - t2;
            break;
        }
        if (g.cut) /* incomplete: neither checked nor written, its columns are for --resume */
            cur.has = 0;
        if (r < last && (st = check_finite(R, bb, &cur, e)))
            break;
        any_signal |= signalled;
        if (signalled && r < last)
            last = r + 1;
        R->t_phase[PH_WRITE] += ssoc_par_wtime() - t2;
        ssoc_progress_update(&R->pg, (uint64_t)g.done);
        pend = cur;
        test_pause("SSOC_TEST_BLOCK_PAUSE_S");
    }
    /* stopped on a signal: every block evaluated whole is in the file, the rest is for --resume */
    const int interrupted = !st && (last < g.rounds || any_signal);
    grid_free(R, &g);
    if (interrupted) {
        ssoc_sweepfile_close(R->file.out, NULL);
        R->file.out = NULL;
        st = stopped(R, "evaluation", e);
    }
    return st;
}

/* ------------------------------------------------------------------ design rules */

/* The rules on every rank's share of the tasks (the rules clock), then /rules (the write clock). */
static ssoc_status phase_rules(run *R, ssoc_error *err)
{
    enter_phase(R, PH_RULES, 0); /* the monitor gives this rank's task count */
    const ssoc_monitor mon = ssoc_progress_monitor(&R->pg);
    const ssoc_rule_inputs in = {.cfg = R->cfg,
                                 .monitor = &mon,
                                 .level = ssoc_boot_band_level(R->sets.boot),
                                 .range = &R->fit.range,
                                 .best = &R->sets.bestprep,
                                 .reps = R->sets.preps,
                                 .n_reps = R->sets.n_ok,
                                 .jack = R->sets.jackpreps,
                                 .n_jack = R->sets.n_jack_ok};
    double *recs = NULL;
    ssoc_status st = ssoc_sweep_rules_compute(&in, &recs, err);
    if (st == SSOC_EINTERRUPTED)
        st = stopped(R, "design rules", err);
    const double tw = ssoc_par_wtime();
    if (!st)
        st = ssoc_sweepfile_write_rules(R->file.out, recs, err);
    R->t_phase[PH_WRITE] += ssoc_par_wtime() - tw;
    R->t_phase[PH_RULES] -= ssoc_par_wtime() - tw;
    free(recs);
    return st;
}

/* ------------------------------------------------------------------ reports */

static void announce(const run *R)
{
    if (R->rank != 0 || R->opts->quiet)
        return;
    const ssoc_config *c = R->cfg;
    size_t ndone = 0;
    for (size_t k = 0; k < R->nblocks; ++k)
        ndone += R->file.done[k];
    fprintf(stderr,
            "ssoc: sweep: %zu x %zu x %zu grid (x, rho, T), B = %zu (%zu fitted, %zu failed), %d rank%s x %d "
            "thread%s, %zu blocks of %zu columns\n",
            c->x.n, c->rho.n, c->T.n, c->B, R->sets.n_ok, R->sets.boot->n_failed, R->size, R->size == 1 ? "" : "s",
            R->threads, R->threads == 1 ? "" : "s", R->nblocks, c->block_columns);
    if (R->file.resumed)
        fprintf(stderr, "ssoc: sweep: resuming %s: %zu of %zu blocks already done\n", R->partial, ndone, R->nblocks);
}

/* Rank 0: the phase timings and the design-rule report of the file just written. */
static void summary(const run *R)
{
    if (R->rank != 0 || R->opts->quiet)
        return;
    const ssoc_config *c = R->cfg;
    double total = ssoc_par_wtime() - R->t0;
    fprintf(stderr, "ssoc: sweep: wrote %s in %.2f s (", R->out, total);
    for (int p = 0; p < PH_COUNT; ++p)
        fprintf(stderr, "%s%s %.2f s", p ? ", " : "", phase_names[p], R->t_phase[p]);
    double pr = (double)R->ncols * (double)c->T.n * (double)R->sets.n_ok;
    fprintf(stderr, "); evaluation %.3g point-replicates/s\n",
            R->t_phase[PH_EVAL] > 0 ? pr / R->t_phase[PH_EVAL] : 0.0);
    /* the design-rule report of the file just written, as `ssoc rules OUT.h5` prints it */
    ssoc_error re = {0};
    if (ssoc_report_write_text(R->out, stderr, &re) != SSOC_OK)
        fprintf(stderr, "ssoc: sweep: no design-rule summary: %s\n", re.msg);
}

/* ------------------------------------------------------------------ the run */

/* Nominal costs on one thread of the reference machine (benchmarks/README.md, "Progress and ETA"),
 * from which the progress line's first ETA comes; the line rescales them by how the run's own
 * finished phases compared (progress.h), so only their ratios matter much. */
#define COST_FIT_S 0.01         /* the point fit */
#define COST_REPLICATE_S SSOC_BOOT_NOMINAL_S /* one bootstrap replicate's fit (boot.h) */
#define COST_POINT_REP_S 7e-9   /* one (x, rho, T) point for one replicate in the kernel */
#define COST_RULE_REP_S 4e-7    /* one design-rule task for one replicate */
#define COST_BYTE_S 1e-8        /* one byte of the file closed, synced and renamed */

/* Estimated seconds of each phase of this rank 0 with `reps` replicates (B before the bootstrap,
 * the fitted ones after it). */
static void estimate_phases(const run *R, size_t reps, double est[PH_COUNT])
{
    const ssoc_config *c = R->cfg;
    const double workers = (double)R->size * (double)R->threads;
    const double tasks = (double)c->T.n * ((double)c->x.n / SSOC_RULES_XBLOCK + 1.0 + (double)c->rho.n);
    est[PH_FIT] = COST_FIT_S;
    est[PH_BOOT] = COST_REPLICATE_S * (double)c->B / workers;
    est[PH_EVAL] = COST_POINT_REP_S * (double)R->ncols * (double)c->T.n * (double)reps / workers;
    est[PH_RULES] = COST_RULE_REP_S * tasks * (double)reps / workers;
    est[PH_WRITE] = COST_BYTE_S * (double)raw_bytes_lower_bound(R);
}

ssoc_status ssoc_sweep_run(const ssoc_config *cfg, const ssoc_sweep_opts *opts, ssoc_error *err)
{
    run R0 = {0}, *R = &R0;
    R->cfg = cfg;
    R->opts = opts;
    R->rank = ssoc_par_rank();
    R->size = ssoc_par_size();
    R->threads = omp_get_max_threads();
    R->t0 = ssoc_par_wtime();
    snprintf(R->out, sizeof R->out, "%s", opts->output ? opts->output : cfg->output_file);
    snprintf(R->partial, sizeof R->partial, "%.4095s.partial", R->out); /* the preflight checks the length (outpath.h) */
    R->ncols = cfg->x.n * cfg->rho.n;
    R->nblocks = (R->ncols + cfg->block_columns - 1) / cfg->block_columns;

    ssoc_error e = {0};
    /* the handlers from before OUT.partial exists: a stop in any phase leaves it resumable */
    signals sig;
    signals_install(&sig);
    ssoc_status st = timed_phase(R, PH_UNTIMED, phase_preflight, &e);
    if (st) {
        signals_restore(&sig);
        *err = e;
        return st;
    }
    ssoc_par_bcast(&R->fresh, sizeof R->fresh, 0);
    double est[PH_COUNT];
    estimate_phases(R, cfg->B, est);
    ssoc_progress_start(&R->pg, "sweep", R->rank == 0 && !opts->quiet, 1, PH_COUNT, phase_names, phase_units, est,
                        &sweep_signal);
    if (!st)
        st = timed_phase(R, PH_FIT, phase_fit, &e);
    if (!st)
        st = timed_phase(R, PH_UNTIMED, phase_memory, &e);
    if (!st)
        st = timed_phase(R, PH_BOOT, phase_bootstrap, &e);
    if (!st)
        st = timed_phase(R, PH_UNTIMED, phase_kernel, &e);
    if (!st)
        st = timed_phase(R, PH_WRITE, phase_open, &e);
    if (!st) {
        ssoc_progress_clear(&R->pg);
        announce(R);
        estimate_phases(R, R->sets.n_ok, est);
        size_t ndone = 0; /* a resumed run evaluates only the blocks not yet done */
        for (size_t k = 0; k < R->nblocks; ++k)
            ndone += R->file.done[k];
        est[PH_EVAL] *= 1.0 - (double)ndone / (double)R->nblocks;
        for (int k = PH_EVAL; k < PH_COUNT; ++k)
            ssoc_progress_estimate(&R->pg, k, est[k]);
        st = phase_grid(R, &e); /* its own evaluation and write clocks */
    }
    if (!st)
        st = timed_phase(R, PH_RULES, phase_rules, &e);
    if (!st)
        st = timed_phase(R, PH_WRITE, phase_close, &e);
    ssoc_progress_end(&R->pg);
    if (!st)
        summary(R);
    signals_restore(&sig);
    run_free(R); /* closes the HDF5 file if a failure left it open: before the lock goes */
    /* rank 0's hold on OUT.partial: published above; kept for --resume after a stop, or after a
     * failure once this run wrote into it; removed when this run created it and wrote nothing */
    if (R->rank == 0 && R->op.fd >= 0) {
        if (st == SSOC_EINTERRUPTED || R->file.touched)
            ssoc_outpath_release(&R->op);
        else
            ssoc_outpath_abandon(&R->op);
    }
    if (st)
        *err = e;
    return st;
}

/* ------------------------------------------------------------------ --dry-run */

/* The dry run's exit point (sweep.h): the run's own fit phase (the data, the point parameters, the
 * target's check), then the plan (sweep_plan.c), which checks read-only what the preflight and the
 * memory phase would refuse. Nothing is created. Rank 0 plans; the others wait asleep, leaving
 * their CPUs to its calibration, and every rank returns the agreed status. */
ssoc_status ssoc_sweep_dry_run(const ssoc_config *cfg, const ssoc_sweep_opts *opts, ssoc_sweep_plan *plan,
                               ssoc_error *err)
{
    run R0 = {0}, *R = &R0;
    memset(plan, 0, sizeof *plan);
    R->cfg = cfg, R->opts = opts, R->rank = ssoc_par_rank(), R->size = ssoc_par_size();
    R->threads = omp_get_max_threads(), R->t0 = ssoc_par_wtime();
    snprintf(R->out, sizeof R->out, "%s", opts->output ? opts->output : cfg->output_file);
    snprintf(R->partial, sizeof R->partial, "%.4000s.partial", R->out);
    R->ncols = cfg->x.n * cfg->rho.n;
    R->nblocks = (R->ncols + cfg->block_columns - 1) / cfg->block_columns;
    const int node_ranks = ssoc_par_node_size();
    ssoc_status st = SSOC_OK;
    if (R->rank == 0 && !(st = phase_fit(R, err))) {
        const ssoc_plan_inputs in = {.cfg = cfg, .opts = opts, .out = R->out, .partial = R->partial, .d = R->fit.d,
                                     .range = &R->fit.range, .fo = &R->fit.fo, .best = &R->fit.best,
                                     .ranks = R->size, .node_ranks = node_ranks, .threads = R->threads,
                                     .raw_bytes = raw_bytes_lower_bound(R), .t_start = R->t0};
        st = ssoc_sweep_plan_make(&in, plan, err);
    }
    run_free(R);
    ssoc_par_barrier_idle();
    return ssoc_par_agree_status(st, err);
}
