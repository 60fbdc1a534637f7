/* The design rules of a sweep (sweep_rules.h): for every (T, x) the density rho_opt that maximises
 * sigma, for every (T, rho) the composition x_opt, each for the point parameters and every
 * replicate (and every leave-one-out fit for BCa), with the band over the replicates, found on the
 * continuous model (rules.c). The tasks are shared by ranks and threads; the records are gathered
 * on every rank for the file's writer (sweepfile_write.c). */
#include "sweep_rules.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/kernel.h"
#include "ssoc/par.h"
#include "ssoc/sweepfile.h"

enum { RC = SSOC_RULE_COUNT };

/* Per-thread scratch for one rule task: the replicate optima of up to SSOC_RULES_XBLOCK columns
 * (column i's at offset i * n in a/v/s, i * nj in ja/jv/js). */
typedef struct rule_scratch {
    double *a, *v, *s;
    void *sel;
    double *ja, *jv, *js; /* jackknife optima (BCa), n_jack per column */
    size_t n, nj;         /* per-column strides */
} rule_scratch;

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

/* The bands of one optimum's three values from the n replicate optima (a, v, s) and the nj
 * jackknife optima (ja, jv, js) into rec. */
static void bands(const ssoc_rule_inputs *in, const ssoc_optimum *o, double *a, double *v, double *s, size_t n,
                  const double *ja, const double *jv, const double *js, size_t nj, void *sel, double *rec)
{
    const ssoc_ci_method m = in->cfg->interval;
    const double conf = m == SSOC_CI_BCA ? in->cfg->confidence : in->level;
    ssoc_kernel_band(m, conf, a, n, o->arg, ja, nj, &rec[SSOC_RULE_ARG_LO], &rec[SSOC_RULE_ARG_HI], sel);
    ssoc_kernel_band(m, conf, v, n, o->v_f, jv, nj, &rec[SSOC_RULE_VF_LO], &rec[SSOC_RULE_VF_HI], sel);
    ssoc_kernel_band(m, conf, s, n, o->sigma_S_cm, js, nj, &rec[SSOC_RULE_SIGMA_LO], &rec[SSOC_RULE_SIGMA_HI], sel);
}

/* The point optimum's values and flags into rec. */
static void point(const ssoc_rule_inputs *in, const ssoc_optimum *o, double x, double T, size_t nfail, double *rec)
{
    rec[SSOC_RULE_ARG] = o->arg, rec[SSOC_RULE_VF] = o->v_f, rec[SSOC_RULE_SIGMA] = o->sigma_S_cm;
    rec[SSOC_RULE_AT_BOUND] = o->at_bound;
    rec[SSOC_RULE_EXTRAP] = ssoc_data_range_extrap(in->range, x, o->v_f, T);
    rec[SSOC_RULE_NFAIL] = (double)nfail;
}

/* The records of rho_opt at the x block [ix0, ix0 + m) (ssoc_rules_xblock) at T, recs[i * RC] for
 * column ix0 + i. Every parameter set's optima come from ssoc_rules_rho_opt_columns over the
 * whole block: one shared solve serves most columns (benchmarks/README.md, "Design rules"), and
 * `ssoc rules` makes the same call for a grid node's block (src/report.c), so the two agree to
 * the bit. */
static void rho_block_task(const ssoc_rule_inputs *in, size_t ix0, size_t m, double T, rule_scratch *sc,
                           double *recs)
{
    const ssoc_config *c = in->cfg;
    const double *xs = c->x.v + ix0, rlo = c->rho.v[0], rhi = c->rho.v[c->rho.n - 1];
    ssoc_optimum o[SSOC_RULES_XBLOCK], po[SSOC_RULES_XBLOCK];
    unsigned char ok[SSOC_RULES_XBLOCK], pok[SSOC_RULES_XBLOCK];
    size_t n[SSOC_RULES_XBLOCK] = {0}, nf[SSOC_RULES_XBLOCK] = {0}, nj[SSOC_RULES_XBLOCK] = {0};
    /* the arguments are the validated grid's, so only per-column failures can occur; a whole-call
     * error would leave every column failed, as the direct calls would */
    if (ssoc_rules_rho_opt_columns(in->best, xs, m, T, rlo, rhi, po, pok, NULL) != SSOC_OK)
        return;
    for (size_t b = 0; b < in->n_reps; ++b) {
        if (ssoc_rules_rho_opt_columns(&in->reps[b], xs, m, T, rlo, rhi, o, ok, NULL) != SSOC_OK)
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
    for (size_t b = 0; b < in->n_jack; ++b) {
        if (ssoc_rules_rho_opt_columns(&in->jack[b], xs, m, T, rlo, rhi, o, ok, NULL) != SSOC_OK)
            continue;
        for (size_t i = 0; i < m; ++i)
            if (ok[i]) {
                const size_t k = i * sc->nj + nj[i]++;
                sc->ja[k] = o[i].arg, sc->jv[k] = o[i].v_f, sc->js[k] = o[i].sigma_S_cm;
            }
    }
    for (size_t i = 0; i < m; ++i) {
        if (!pok[i])
            continue;
        double *rec = recs + i * RC;
        point(in, &po[i], xs[i], T, nf[i], rec);
        const size_t kn = i * sc->n, kj = i * sc->nj;
        bands(in, &po[i], sc->a + kn, sc->v + kn, sc->s + kn, n[i], sc->ja + kj, sc->jv + kj, sc->js + kj, nj[i],
              sc->sel, rec);
    }
}

/* x_opt at (rho, T) over the grid's x range */
static int x_opt_eval(const ssoc_rule_inputs *in, const ssoc_rules_prep *pp, double rho, double T, ssoc_optimum *o)
{
    const ssoc_axis *x = &in->cfg->x;
    return ssoc_rules_x_opt_prepared(pp, rho, T, x->v[0], x->v[x->n - 1], o, NULL) == SSOC_OK;
}

/* The record of x_opt at (rho, T): point optimum, band over the replicates, flags. */
static void x_opt_task(const ssoc_rule_inputs *in, double rho, double T, rule_scratch *sc, double *rec)
{
    ssoc_optimum o;
    if (!x_opt_eval(in, in->best, rho, T, &o))
        return;
    size_t n = 0, nf = 0;
    for (size_t b = 0; b < in->n_reps; ++b) {
        ssoc_optimum ob;
        if (!x_opt_eval(in, &in->reps[b], rho, T, &ob)) {
            ++nf;
            continue;
        }
        sc->a[n] = ob.arg, sc->v[n] = ob.v_f, sc->s[n] = ob.sigma_S_cm;
        ++n;
    }
    size_t nj = 0;
    for (size_t i = 0; i < in->n_jack; ++i) {
        ssoc_optimum oj;
        if (!x_opt_eval(in, &in->jack[i], rho, T, &oj))
            continue;
        sc->ja[nj] = oj.arg, sc->jv[nj] = oj.v_f, sc->js[nj] = oj.sigma_S_cm;
        ++nj;
    }
    point(in, &o, o.arg, T, nf, rec);
    bands(in, &o, sc->a, sc->v, sc->s, n, sc->ja, sc->jv, sc->js, nj, sc->sel, rec);
}

/* issue 8: the rules' NaN values are flagged. 0 = every value of the rule is a number; 1 = no
 * optimum, the optimised axis (naxis nodes) has one node; 2 = no optimum, the optimisation failed
 * (sigma not finite at the optimum: parameters that overflow exp); 3 = the optimum is defined but
 * its bands are not (fewer than 2 replicate optima). Where the status is 1 or 2 the rule's value,
 * v_f, sigma_max and bands are NaN (at_bound and extrapolated 0); where it is 3 the _lo/_hi are. */
static double rule_status(const double *rec, size_t naxis)
{
    int bands = 1;
    for (int f = SSOC_RULE_ARG_LO; f <= SSOC_RULE_SIGMA_HI; ++f)
        bands &= f == SSOC_RULE_VF || f == SSOC_RULE_SIGMA || isfinite(rec[f]);
    return isfinite(rec[SSOC_RULE_ARG]) ? (bands ? 0 : 3) : naxis < 2 ? 1 : 2;
}

/* Rule tasks: [0, nT nxb) rho_opt over x block k % nxb (ssoc_rules_xblock) at T index k / nxb,
 * then [nT nxb, + nT nrho) x_opt at (rho, T) q = k - nT nxb as [T][rho]. Records (RC doubles
 * each) are [T][x] for rho_opt, then [T][rho] for x_opt; a task's records are contiguous. A rho_opt
 * block task costs several x_opt tasks, so contiguous shares of the task list would leave rank 0
 * with all the costly ones; ranks take contiguous ranges of *slots* instead, and slot i runs task
 * (i * mult) mod ntask, a bijection that spreads both kinds evenly. A task's records depend only
 * on the task (the blocks are fixed by the grid), so the decomposition changes no bit. */
typedef struct rule_tasks {
    size_t nx, nrho, nT;
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

static void rule_tasks_init(const ssoc_config *c, rule_tasks *tk)
{
    tk->nx = c->x.n, tk->nrho = c->rho.n, tk->nT = c->T.n;
    tk->nxb = (tk->nx + SSOC_RULES_XBLOCK - 1) / SSOC_RULES_XBLOCK;
    tk->nrho_tasks = tk->nT * tk->nxb;
    tk->ntask = tk->nrho_tasks + tk->nT * tk->nrho;
    tk->nrec = tk->nT * tk->nx + tk->nT * tk->nrho;
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
static size_t task_records(const rule_tasks *tk, size_t k, size_t *first)
{
    if (k < tk->nrho_tasks) {
        size_t ix0;
        const size_t m = ssoc_rules_xblock((k % tk->nxb) * SSOC_RULES_XBLOCK, tk->nx, &ix0);
        *first = (k / tk->nxb) * tk->nx + ix0;
        return m;
    }
    *first = tk->nT * tk->nx + (k - tk->nrho_tasks);
    return 1;
}

/* task k's records into recs (NaN where undefined), each with its status */
static void run_rule_task(const ssoc_rule_inputs *in, const rule_tasks *tk, size_t k, rule_scratch *sc,
                          double *recs)
{
    const ssoc_config *c = in->cfg;
    size_t first;
    const size_t nr = task_records(tk, k, &first);
    for (size_t i = 0; i < nr * RC; ++i)
        recs[i] = NAN;
    if (k < tk->nrho_tasks) {
        size_t ix0;
        const size_t m = ssoc_rules_xblock((k % tk->nxb) * SSOC_RULES_XBLOCK, tk->nx, &ix0);
        rho_block_task(in, ix0, m, c->T.v[k / tk->nxb], sc, recs);
    } else {
        const size_t q = k - tk->nrho_tasks;
        x_opt_task(in, c->rho.v[q % tk->nrho], c->T.v[q / tk->nrho], sc, recs);
    }
    for (size_t i = 0; i < nr; ++i)
        recs[i * RC + SSOC_RULE_STATUS] = rule_status(recs + i * RC, k < tk->nrho_tasks ? tk->nrho : tk->nx);
}

/* My slots' records, packed in slot order at offsets off[i - s0]. Returns 1 when out of memory;
 * *stopped when the monitor asked to stop (the records are then incomplete). */
static int compute_my_slots(const ssoc_rule_inputs *in, const rule_tasks *tk, size_t s0, size_t s1, const size_t *off,
                            double *packed, int *stopped)
{
    int nomem = 0, stop = 0;
    uint64_t ndone = 0;
    const uint64_t total = s1 - s0;
#pragma omp parallel
    {
        rule_scratch *sc = scratch_alloc(in->n_reps, in->n_jack);
        if (!sc) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t i = s0; i < s1; ++i) {
            int skip;
#pragma omp atomic read
            skip = stop;
            if (!sc || skip)
                continue;
            run_rule_task(in, tk, slot_task(tk, i), sc, packed + off[i - s0] * RC);
            if (!in->monitor)
                continue;
            uint64_t d;
#pragma omp atomic capture
            d = ++ndone;
            if (omp_get_thread_num() == 0 && ssoc_monitor_poll(in->monitor, d, total)) {
#pragma omp atomic write
                stop = 1;
            }
        }
        scratch_free(sc);
    }
    *stopped = stop;
    return nomem;
}

ssoc_status ssoc_sweep_rules_compute(const ssoc_rule_inputs *in, double **recs, ssoc_error *err)
{
    const int rank = ssoc_par_rank(), size = ssoc_par_size();
    rule_tasks tk;
    rule_tasks_init(in->cfg, &tk);
    size_t s0, s1, first;
    ssoc_par_share(tk.ntask, rank, size, &s0, &s1);
    /* my slots' records are gathered in slot order from every rank, then put back at their
     * tasks' records */
    size_t *off = malloc((s1 - s0 + 1) * sizeof *off), *counts = malloc((size_t)size * sizeof *counts);
    double *all = malloc(tk.nrec * RC * sizeof *all), *packed = malloc(tk.nrec * RC * sizeof *packed);
    int nomem = !off || !counts || !all || !packed, stopped = 0;
    if (!nomem) {
        off[0] = 0;
        for (size_t i = s0; i < s1; ++i)
            off[i - s0 + 1] = off[i - s0] + task_records(&tk, slot_task(&tk, i), &first);
        nomem = compute_my_slots(in, &tk, s0, s1, off, packed, &stopped);
    }
    ssoc_status st = nomem     ? SSOC_ERR(err, SSOC_ENOMEM, "no memory for the design rules")
                     : stopped ? SSOC_ERR(err, SSOC_EINTERRUPTED, "stopped on request during the design rules")
                               : SSOC_OK;
    st = ssoc_par_agree_status(st, err);
    if (!st) {
        for (int r = 0; r < size; ++r) {
            size_t lo, hi, nr = 0;
            ssoc_par_share(tk.ntask, r, size, &lo, &hi);
            for (size_t i = lo; i < hi; ++i)
                nr += task_records(&tk, slot_task(&tk, i), &first);
            counts[r] = nr * RC;
        }
        /* gather into `all` (slot order), unpack into `packed` (task order) */
        st = ssoc_par_agree_status(ssoc_par_allgatherv(packed, all, counts, sizeof(double), err), err);
    }
    if (!st) {
        const double *src = all;
        for (size_t i = 0; i < tk.ntask; ++i) {
            const size_t nr = task_records(&tk, slot_task(&tk, i), &first);
            memcpy(packed + first * RC, src, nr * RC * sizeof *src);
            src += nr * RC;
        }
        *recs = packed;
        packed = NULL;
    }
    free(all), free(packed), free(counts), free(off);
    return st;
}

/* ------------------------------------------------------------------ calibration (sweep --dry-run) */

/* wall seconds per task of `n` tasks spread evenly over [k0, k0 + nk) (shifted by `shift` tasks),
 * run as the sweep runs them: OpenMP threads take tasks, each with its scratch; -1 when out of
 * memory */
static double time_tasks(const ssoc_rule_inputs *in, const rule_tasks *tk, size_t k0, size_t nk, size_t n, size_t shift)
{
    int nomem = 0;
    const double t0 = omp_get_wtime();
#pragma omp parallel
    {
        rule_scratch *sc = scratch_alloc(in->n_reps, in->n_jack);
        double *recs = malloc(SSOC_RULES_XBLOCK * RC * sizeof *recs);
        if (!sc || !recs) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < n; ++i)
            if (sc && recs)
                run_rule_task(in, tk, k0 + (i * nk / n + shift) % nk, sc, recs);
        free(recs);
        scratch_free(sc);
    }
    return nomem ? -1.0 : (omp_get_wtime() - t0) / (double)n;
}

/* Batches of 1, 2, 4, ... times `n` tasks (the first warms up) until one takes `min_s` or covers
 * every task of the kind: its seconds per task. */
static double time_kind(const ssoc_rule_inputs *in, const rule_tasks *tk, size_t k0, size_t nk, size_t n,
                        double min_s, size_t *timed)
{
    double s = 0.0;
    *timed = 0;
    for (size_t m = n < nk ? n : nk, shift = 0; m > 0; m = 2 * m < nk ? 2 * m : nk) {
        if ((s = time_tasks(in, tk, k0, nk, m, shift)) < 0)
            return s;
        *timed += m, shift += 7;
        if (s * (double)m >= min_s || m == nk)
            break;
    }
    return s;
}

ssoc_status ssoc_sweep_rules_time(const ssoc_rule_inputs *in, size_t n, double min_s, double *s_rho, double *s_x,
                                  size_t *timed, size_t *n_rho, size_t *n_x, ssoc_error *err)
{
    rule_tasks tk;
    rule_tasks_init(in->cfg, &tk);
    size_t t1 = 0, t2 = 0;
    *n_rho = tk.nrho_tasks, *n_x = tk.ntask - tk.nrho_tasks;
    *s_rho = *n_rho ? time_kind(in, &tk, 0, *n_rho, n, min_s, &t1) : 0.0;
    *s_x = *n_x ? time_kind(in, &tk, tk.nrho_tasks, *n_x, n, min_s, &t2) : 0.0;
    *timed = t1 + t2;
    if (*s_rho < 0 || *s_x < 0)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for the design rules");
    return SSOC_OK;
}
