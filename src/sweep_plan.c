/* The plan of a sweep before it runs (sweep.h: ssoc_sweep_plan, `ssoc sweep --dry-run`).
 *
 * Sizes come from the configuration; memory from ssoc_sweep_mem_estimate; the file from the
 * layout's datasets. Time comes from a calibration on this node, each part timed the way the run
 * does that work, with this rank's OpenMP threads (so the machine's load, the threads' parallel
 * efficiency and the kernel variant are in the numbers):
 *   bootstrap   the run's own first replicates (ssoc_boot_fit_range, replicate b = seed and b),
 *   evaluation  a sample of grid columns spread over the grid through the kernel
 *               (ssoc_kernel_column with the run's temperatures, interval and target),
 *   rules       a sample of design-rule tasks of both kinds (sweep_rules.c),
 * with min(B, 2000) parameter sets (the calibration replicates repeated), scaled linearly to B:
 * the kernel's and the rules' work per column or task is proportional to the sets. Each phase's
 * time is then its items x seconds per item / (ranks x the share of a CPU a rank keeps when all
 * ranks of the node run). The write phase is the file's bytes at the rate measured for the run's
 * writes, plus under MPI a cost per round of collective writes (benchmarks/README.md, "Dry run").
 * The dry run writes nothing. */
#include "sweep_plan.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/boot.h"
#include "ssoc/io.h"
#include "ssoc/kernel.h"
#include "ssoc/par.h"
#include "ssoc/rules.h"
#include "ssoc/sweepfile.h"
#include "sweep_rules.h"

#define CAL_SETS_MAX 2000 /* parameter sets behind the kernel and rule timings */
#define CAL_MIN_S 0.15    /* the batch of each part whose time counts takes at least this long [s] */
/* The write phase: seconds per byte of the file and a fixed part (creating the layout, the rules'
 * write, finishing and closing), from the runs of benchmarks/README.md ("Dry run"). */
#define WRITE_S_PER_BYTE 1.2e-8
#define WRITE_S_FIXED 0.03
/* Under MPI each round of blocks ends in a collective filtered write: 0.06-0.16 s per round on 2
 * ranks of this 2-core node (write phases of 1.0-2.9 s for the default grid's 18 rounds). */
#define WRITE_MPI_S_PER_ROUND 0.1

/* ------------------------------------------------------------------ the file */

/* Bytes of OUT.h5: the values of every dataset and scale of the layout (ssoc_sweepfile_raw_bytes),
 * 2.2% for the chunks of at most 64 kB (edge chunks are stored whole), and the metadata:
 * attributes, groups, dimension scales and checksums, 245 kB in a file of 3 x 3 x 1 points. The
 * default grid's file: 21.2 MB estimated, 21.16 MB on disk. */
static double file_bytes(const ssoc_config *c, size_t n_data, size_t nblocks)
{
    return 1.022 * (double)ssoc_sweepfile_raw_bytes(c, n_data, nblocks) + 245e3;
}

/* ------------------------------------------------------------------ the calibration */

/* The run's first replicates in batches of 1, 2, 4, ... times p->cal_fits (the first warms up:
 * workspaces, the residual pool) until one batch takes CAL_MIN_S or B are done: the last batch's
 * seconds per replicate; the fitted rows (up to CAL_SETS_MAX) into *table, *n_ok of them. */
static ssoc_status cal_replicates(const ssoc_plan_inputs *in, ssoc_sweep_plan *p, double **table, size_t *n_ok,
                                  ssoc_error *err)
{
    const ssoc_config *c = in->cfg;
    ssoc_boot_opts bo;
    ssoc_boot_opts_default(&bo);
    bo.B = c->B, bo.seed = c->seed, bo.scheme = c->scheme, bo.confidence = c->confidence, bo.interval = c->interval;
    double *t = malloc(CAL_SETS_MAX * SSOC_NPARAM * sizeof *t), *bt = NULL;
    unsigned char *ok = NULL;
    ssoc_status st = t ? SSOC_OK : SSOC_ERR(err, SSOC_ENOMEM, "no memory for the calibration");
    size_t b0 = 0, m = p->cal_fits;
    *n_ok = 0, p->cal_fits = 0;
    while (!st && b0 < c->B) {
        m = b0 + m > c->B ? c->B - b0 : m;
        double *nt = realloc(bt, m * SSOC_NPARAM * sizeof *bt);
        unsigned char *no = realloc(ok, m);
        if (nt)
            bt = nt;
        if (no)
            ok = no;
        if (!nt || !no) {
            st = SSOC_ERR(err, SSOC_ENOMEM, "no memory for the calibration");
            break;
        }
        const double t0 = omp_get_wtime();
        st = ssoc_boot_fit_range(in->d, in->fo, in->best, &bo, b0, b0 + m, bt, ok, err);
        const double dt = omp_get_wtime() - t0;
        p->s_replicate = dt / (double)m, p->cal_fits += m, b0 += m;
        for (size_t b = 0; !st && b < m && *n_ok < CAL_SETS_MAX; ++b)
            if (ok[b])
                memcpy(t + (*n_ok)++ * SSOC_NPARAM, bt + b * SSOC_NPARAM, SSOC_NPARAM * sizeof *t);
        if (dt >= CAL_MIN_S)
            break;
        m *= 2;
    }
    free(bt), free(ok);
    if (!st && *n_ok == 0)
        st = SSOC_ERR(err, SSOC_EFIT, "none of the first %zu bootstrap replicates could be fitted", p->cal_fits);
    if (st)
        free(t), t = NULL;
    *table = t;
    return st;
}

/* wall seconds per column of the sweep's kernel call over batches of 1, 2, 4, ... times
 * p->cal_columns columns spread evenly over the grid (each batch shifted; the first warms up),
 * until one takes CAL_MIN_S or covers the grid; workspaces made before the timing, as the run's */
static ssoc_status cal_columns(const ssoc_plan_inputs *in, ssoc_sweep_plan *p, const ssoc_paramsets *reps,
                               const ssoc_paramsets *best, const ssoc_paramsets *jack, ssoc_error *err)
{
    const ssoc_config *c = in->cfg;
    const size_t nT = c->T.n, nth = (size_t)omp_get_max_threads();
    double *inv_T = aligned_alloc(64, (nT * sizeof(double) + 63) / 64 * 64);
    ssoc_kernel_ws **ws = calloc(nth, sizeof *ws);
    double *out = malloc(nth * 7 * nT * sizeof *out);
    ssoc_status st = inv_T && ws && out ? SSOC_OK : SSOC_ERR(err, SSOC_ENOMEM, "no memory for the calibration");
    /* the run computes the prediction band in the same call (its terms e_b come from the residual
     * pool after the bootstrap); for the timing, terms of zero take the same path at the same cost */
    double *pred_e = !st ? aligned_alloc(64, (reps->npad * sizeof(double) + 63) / 64 * 64) : NULL;
    if (!st && !pred_e)
        st = SSOC_ERR(err, SSOC_ENOMEM, "no memory for the calibration");
    for (size_t j = 0; pred_e && j < reps->npad; ++j)
        pred_e[j] = 0.0;
    double q_lo, q_hi;
    ssoc_ci_levels(SSOC_CI_PERCENTILE, c->confidence, 0.5, 0.0, &q_lo, &q_hi);
    for (size_t i = 0; !st && i < nT; ++i)
        inv_T[i] = 1.0 / c->T.v[i];
    const ssoc_kernel_ctx ctx = {.reps = reps, .best = best, .jack = jack, .nT = nT, .inv_T = inv_T,
                                 .confidence = c->confidence, .interval = c->interval, .q_lo = q_lo, .q_hi = q_hi,
                                 .has_target = c->has_target, .target_S_cm = c->target_sigma_S_cm, .pred_e = pred_e};
    for (size_t k = 0; !st && k < nth; ++k)
        if (!(ws[k] = ssoc_kernel_ws_alloc(&ctx)))
            st = SSOC_ERR(err, SSOC_ENOMEM, "no memory for the kernel's workspaces");
    const size_t ncols = p->columns;
    size_t m = p->cal_columns < ncols ? p->cal_columns : ncols, shift = 0;
    p->cal_columns = 0;
    while (!st) {
        const double t0 = omp_get_wtime();
#pragma omp parallel for schedule(dynamic, 1)
        for (size_t i = 0; i < m; ++i) {
            const int th = omp_get_thread_num();
            const size_t col = (i * ncols / m + shift) % ncols;
            double *o = out + (size_t)th * 7 * nT;
            ssoc_column cl;
            ssoc_column_init(c->x.v[col % c->x.n], c->rho.v[col / c->x.n], &cl);
            ssoc_kernel_column(&ctx, ws[th], &cl, 1, o, o + nT, o + 2 * nT, o + 3 * nT, o + 4 * nT, o + 5 * nT,
                               o + 6 * nT);
        }
        const double dt = omp_get_wtime() - t0;
        p->s_column = dt / (double)m, p->cal_columns += m, shift += 7;
        if (dt >= CAL_MIN_S || m == ncols)
            break;
        m = 2 * m < ncols ? 2 * m : ncols;
    }
    for (size_t k = 0; ws && k < nth; ++k)
        ssoc_kernel_ws_free(ws[k]);
    free(ws), free(out), free(inv_T), free(pred_e);
    return st;
}

/* the design-rule tasks, with the sets prepared as the run prepares its replicates */
static ssoc_status cal_rules(const ssoc_plan_inputs *in, ssoc_sweep_plan *p, const double *sets, size_t nsets,
                             size_t njack, ssoc_error *err)
{
    ssoc_rules_prep *preps = malloc((nsets + 1) * sizeof *preps);
    if (!preps)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for the calibration");
    ssoc_status st = ssoc_rules_prepare(in->best, &preps[nsets], err);
    for (size_t j = 0; !st && j < nsets; ++j) {
        ssoc_params q;
        memcpy(q.p, sets + j * SSOC_NPARAM, sizeof q.p);
        st = ssoc_rules_prepare(&q, &preps[j], err);
    }
    const ssoc_rule_inputs ri = {.cfg = in->cfg, .level = in->cfg->confidence, .range = in->range,
                                 .best = &preps[nsets], .reps = preps, .n_reps = nsets, .jack = njack ? preps : NULL,
                                 .n_jack = njack};
    if (!st)
        st = ssoc_sweep_rules_time(&ri, p->cal_tasks, CAL_MIN_S, &p->s_rho_task, &p->s_x_task, &p->cal_tasks,
                                   &p->n_rho_tasks, &p->n_x_tasks, err);
    free(preps);
    return st;
}

/* The calibration replicates repeated to min(B, CAL_SETS_MAX) sets, then the three timings. */
static ssoc_status calibrate(const ssoc_plan_inputs *in, ssoc_sweep_plan *p, ssoc_error *err)
{
    double *fits = NULL, *sets = NULL;
    size_t n_ok = 0;
    ssoc_status st = cal_replicates(in, p, &fits, &n_ok, err);
    if (st)
        return st;
    const size_t ns = p->cal_sets, nj = in->cfg->interval == SSOC_CI_BCA ? (in->d->n < ns ? in->d->n : ns) : 0;
    sets = malloc(ns * SSOC_NPARAM * sizeof *sets);
    if (!sets) {
        free(fits);
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for the calibration");
    }
    for (size_t j = 0; j < ns; ++j)
        memcpy(sets + j * SSOC_NPARAM, fits + (j % n_ok) * SSOC_NPARAM, SSOC_NPARAM * sizeof *sets);
    ssoc_paramsets *reps = ssoc_paramsets_alloc(sets, NULL, ns), *best = ssoc_paramsets_alloc(in->best->p, NULL, 1);
    ssoc_paramsets *jack = nj ? ssoc_paramsets_alloc(sets, NULL, nj) : NULL;
    if (!reps || !best || (nj && !jack))
        st = SSOC_ERR(err, SSOC_ENOMEM, "no memory for the calibration sets");
    if (!st)
        st = cal_columns(in, p, reps, best, jack, err);
    if (!st)
        st = cal_rules(in, p, sets, ns, nj, err);
    ssoc_paramsets_free(reps), ssoc_paramsets_free(best), ssoc_paramsets_free(jack);
    free(fits), free(sets);
    return st;
}

/* ------------------------------------------------------------------ the plan */

/* what the run would refuse before its work, in its own words */
static void would_stop(const ssoc_plan_inputs *in, ssoc_sweep_plan *p)
{
    const ssoc_sweep_opts *o = in->opts;
    ssoc_error e = {0};
    if (ssoc_io_exists(in->out) && !o->force)
        snprintf(p->would_stop, sizeof p->would_stop, "%s exists; refusing to overwrite it (use --force)", in->out);
    else if (o->resume && !ssoc_io_exists(in->partial))
        snprintf(p->would_stop, sizeof p->would_stop, "--resume: no %s to continue", in->partial);
    else if (!o->resume && ssoc_io_exists(in->partial) && !o->force)
        snprintf(p->would_stop, sizeof p->would_stop,
                 "%s exists (an interrupted run): continue it with --resume, or start over with --force", in->partial);
    else if (ssoc_sweep_mem_check(in->cfg, in->d->n, in->ranks, in->node_ranks, in->threads, &e) != SSOC_OK)
        snprintf(p->would_stop, sizeof p->would_stop, "%s", e.msg);
    else if (isfinite(p->disk_free) && p->disk_free < (double)in->raw_bytes)
        snprintf(p->would_stop, sizeof p->would_stop,
                 "%s: not enough space: the sweep needs at least %.3g MB, the file system has %.3g MB free",
                 in->partial, (double)in->raw_bytes / 1e6, p->disk_free / 1e6);
}

/* each phase's time from the calibration: items x seconds per item / rank-equivalents */
static void estimate(const ssoc_plan_inputs *in, ssoc_sweep_plan *p, double s_fit)
{
    const ssoc_config *c = in->cfg;
    const double workers = (double)p->ranks * p->cpu_share, scale = (double)p->B / (double)p->cal_sets;
    p->est[SSOC_PLAN_FIT] = s_fit;
    p->est[SSOC_PLAN_BOOTSTRAP] = (double)p->B * p->s_replicate / workers +
                                  (c->interval == SSOC_CI_BCA ? (double)p->n_data * p->s_replicate : 0.0);
    p->est[SSOC_PLAN_EVALUATION] = (double)p->columns * p->s_column * scale / workers;
    p->est[SSOC_PLAN_RULES] =
        ((double)p->n_rho_tasks * p->s_rho_task + (double)p->n_x_tasks * p->s_x_task) * scale / workers;
    const double rounds = ceil((double)p->blocks / (double)p->ranks);
    p->est[SSOC_PLAN_WRITE] = WRITE_S_FIXED + WRITE_S_PER_BYTE * p->file_bytes +
                              (p->ranks > 1 ? WRITE_MPI_S_PER_ROUND * rounds : 0.0);
    p->est_total = 0;
    for (int k = 0; k < SSOC_PLAN_NPHASE; ++k)
        p->est_total += p->est[k];
}

ssoc_status ssoc_sweep_plan_make(const ssoc_plan_inputs *in, ssoc_sweep_plan *p, ssoc_error *err)
{
    const ssoc_config *c = in->cfg;
    const double s_fit = ssoc_par_wtime() - in->t_start;
    p->nx = c->x.n, p->nrho = c->rho.n, p->nT = c->T.n, p->columns = p->nx * p->nrho, p->points = p->columns * p->nT;
    p->block_columns = c->block_columns, p->blocks = (p->columns + c->block_columns - 1) / c->block_columns;
    p->B = c->B, p->n_data = in->d->n;
    p->ranks = in->ranks, p->node_ranks = in->node_ranks, p->threads = in->threads, p->cpus = omp_get_num_procs(); /* libgomp: the CPUs of this process's affinity mask */
    /* a rank's threads were timed alone on the node; with all its ranks they share its CPUs */
    const double alone = fmin(1.0, (double)p->cpus / p->threads);
    const double all = fmin(1.0, (double)p->cpus / ((double)p->node_ranks * p->threads));
    p->cpu_share = all / alone;
    ssoc_sweep_mem_estimate(c, in->d->n, in->ranks, in->threads, &p->mem);
    p->mem_available = ssoc_mem_available(&p->mem_source);
    p->file_bytes = file_bytes(c, in->d->n, p->blocks);
    uint64_t avail = 0, held = 0;
    ssoc_error ignored = {0};
    p->disk_free = ssoc_io_space(in->partial, &avail, &held, &ignored) == SSOC_OK ? (double)(avail + held) : NAN;
    would_stop(in, p);
    /* enough items to keep every thread busy several times over, few enough for well under a second */
    /* the first batches: a few items per thread (they grow until one takes CAL_MIN_S) */
    const size_t t = (size_t)in->threads;
    p->cal_fits = 2 * t, p->cal_columns = 8 * t, p->cal_tasks = t;
    p->cal_sets = c->B < CAL_SETS_MAX ? c->B : CAL_SETS_MAX;
    ssoc_status st = calibrate(in, p, err);
    if (st)
        return st;
    estimate(in, p, s_fit);
    p->s_calibration = ssoc_par_wtime() - in->t_start;
    return SSOC_OK;
}

/* ------------------------------------------------------------------ text */

static const char *human_bytes(double b, char *buf, size_t n)
{
    if (b >= 1e9)
        snprintf(buf, n, "%.3g GB", b / 1e9);
    else if (b >= 1e6)
        snprintf(buf, n, "%.3g MB", b / 1e6);
    else
        snprintf(buf, n, "%.3g kB", b / 1e3);
    return buf;
}

static const char *human_time(double s, char *buf, size_t n)
{
    if (s >= 7200)
        snprintf(buf, n, "%.3g h", s / 3600);
    else if (s >= 120)
        snprintf(buf, n, "%.3g min", s / 60);
    else
        snprintf(buf, n, "%.2g s", s);
    return buf;
}

char *ssoc_sweep_plan_text(const ssoc_sweep_plan *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    static const char *const names[SSOC_PLAN_NPHASE] = {"fit", "bootstrap", "evaluation", "rules", "write"};
    char a[32], b[32], c[32], d[32], e[32], g[32];
    fprintf(f, "dry run: nothing written\n");
    fprintf(f, "  grid         %zu x %zu x %zu (x, rho, T) = %zu points; %zu columns in %zu blocks of %zu\n", p->nx,
            p->nrho, p->nT, p->points, p->columns, p->blocks, p->block_columns);
    fprintf(f, "  replicates   B = %zu bootstrap refits of %zu data points; %.3g point-replicates to evaluate\n", p->B,
            p->n_data, (double)p->points * (double)p->B);
    fprintf(f, "  launch       %d rank%s x %d thread%s (%d on this node; %d CPUs here%s)\n", p->ranks,
            p->ranks == 1 ? "" : "s", p->threads, p->threads == 1 ? "" : "s", p->node_ranks, p->cpus,
            p->cpu_share < 1 ? ": oversubscribed" : "");
    fprintf(f, "  memory       %s per rank (replicates %s, threads %s, grid %s, base %s); %s available (%s)\n",
            human_bytes(p->mem.total, a, sizeof a), human_bytes(p->mem.replicates, b, sizeof b),
            human_bytes(p->mem.threads, c, sizeof c), human_bytes(p->mem.grid, d, sizeof d),
            human_bytes(p->mem.base, e, sizeof e),
            isfinite(p->mem_available) ? human_bytes(p->mem_available, g, sizeof g) : "unlimited", p->mem_source);
    fprintf(f, "  file         about %s", human_bytes(p->file_bytes, a, sizeof a));
    if (isfinite(p->disk_free))
        fprintf(f, "; %s free there", human_bytes(p->disk_free, b, sizeof b));
    fprintf(f, "\n  calibration  %zu replicate fits (%.3g ms each), %zu grid columns (%.3g ms each) and %zu design-rule "
               "tasks (%.3g ms per rho_opt block, %.3g ms per x_opt), columns and tasks with %zu parameter sets, "
               "scaled to B; %.2g s in all\n",
            p->cal_fits, 1e3 * p->s_replicate, p->cal_columns, 1e3 * p->s_column, p->cal_tasks, 1e3 * p->s_rho_task,
            1e3 * p->s_x_task, p->cal_sets, p->s_calibration);
    fprintf(f, "  estimate     ");
    for (int k = 0; k < SSOC_PLAN_NPHASE; ++k)
        fprintf(f, "%s%s %s", k ? ", " : "", names[k], human_time(p->est[k], a, sizeof a));
    fprintf(f, "\n  total        about %s on this node with this launch (the run itself prints its phase times)\n",
            human_time(p->est_total, a, sizeof a));
    if (p->would_stop[0])
        fprintf(f, "  the run would stop: %s\n", p->would_stop);
    const int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(buf);
        return NULL;
    }
    return buf;
}
