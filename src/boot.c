/* Bootstrap of the fit (docs/MODEL.md, "Bootstrap and bands"; docs/UNCERTAINTY.md): counter-based
 * resampling of rows or of residuals, replicate and jackknife fits over OpenMP threads, the bands,
 * and the prediction terms.
 *
 * Random numbers: Philox4x32-10 of J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel
 * random numbers: as easy as 1, 2, 3", SC'11, through the Random123 headers <Random123/philox.h>.
 * A counter-based generator makes replicate b's stream a function of (seed, b) alone, so no
 * generator state is shared or handed between threads or ranks. The layout is in boot.h. */
#include "ssoc/boot.h"

#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_statistics_double.h>

/* ------------------------------------------------------------------ random stream */

typedef struct boot_stream {
    philox4x32_key_t key;
    philox4x32_ctr_t ctr; /* (block lo, block hi, b lo, b hi) */
    philox4x32_ctr_t out;
    unsigned used;        /* words of `out` consumed; 4 = need a new block */
} boot_stream;

/* Sub-streams of a replicate (boot.h): the block counter's high word starts at 0 for the
 * resampling draws and at 0x80000000 for the prediction draws. */
#define STREAM_RESAMPLE 0u
#define STREAM_PREDICT 0x80000000u

static void stream_init(boot_stream *s, uint64_t seed, uint64_t b, uint32_t sub)
{
    s->key.v[0] = (uint32_t)seed;
    s->key.v[1] = (uint32_t)(seed >> 32);
    s->ctr.v[0] = 0;
    s->ctr.v[1] = sub;
    s->ctr.v[2] = (uint32_t)b;
    s->ctr.v[3] = (uint32_t)(b >> 32);
    s->used = 4;
}

static uint32_t stream_u32(boot_stream *s)
{
    if (s->used == 4) {
        s->out = philox4x32(s->ctr, s->key);
        /* 64-bit block counter in words 0-1: no replicate can exhaust it. */
        if (++s->ctr.v[0] == 0)
            ++s->ctr.v[1];
        s->used = 0;
    }
    return s->out.v[s->used++];
}

/* Unbiased integer in [0, m), 1 <= m <= 2^32 - 1: Lemire's multiply-shift with rejection. */
static uint32_t stream_below(boot_stream *s, uint32_t m)
{
    uint64_t prod = (uint64_t)stream_u32(s) * m;
    uint32_t low = (uint32_t)prod;
    if (low < m) {
        const uint32_t threshold = (uint32_t)(-m) % m; /* 2^32 mod m */
        while (low < threshold) {
            prod = (uint64_t)stream_u32(s) * m;
            low = (uint32_t)prod;
        }
    }
    return (uint32_t)(prod >> 32);
}

/* Resample into idx using `rows` (length n) as scratch for the stratum lists. */
static void resample_into(const ssoc_dataset *d, const ssoc_boot_opts *o, size_t b, size_t *idx, size_t *rows)
{
    boot_stream s;
    stream_init(&s, o->seed, (uint64_t)b, STREAM_RESAMPLE);
    const size_t n = d->n;
    if (o->scheme == SSOC_BOOT_CASE || o->scheme == SSOC_BOOT_RESIDUAL) {
        for (size_t k = 0; k < n; ++k)
            idx[k] = stream_below(&s, (uint32_t)n);
        return;
    }
    /* Stratified: PCC rows then SCC rows, each in file order; counted here rather than trusting
     * d->n_pcc, so a data set whose counts were not refreshed still resamples its real strata. */
    size_t n_pcc = 0;
    for (size_t i = 0; i < n; ++i)
        if (d->regime[i] == SSOC_REGIME_PCC)
            rows[n_pcc++] = i;
    size_t j = n_pcc;
    for (size_t i = 0; i < n; ++i)
        if (d->regime[i] != SSOC_REGIME_PCC)
            rows[j++] = i;
    const size_t n_scc = n - n_pcc;
    for (size_t k = 0; k < n_pcc; ++k)
        idx[k] = rows[stream_below(&s, (uint32_t)n_pcc)];
    for (size_t k = 0; k < n_scc; ++k)
        idx[n_pcc + k] = rows[n_pcc + stream_below(&s, (uint32_t)n_scc)];
}

static ssoc_status check_data(const ssoc_dataset *d, ssoc_error *err)
{
    if (!d || d->n == 0)
        return SSOC_ERR(err, SSOC_EINVAL, "bootstrap of an empty data set");
    if (d->n > UINT32_MAX - 1u)
        return SSOC_ERR(err, SSOC_EINVAL, "bootstrap of %zu points: at most %u are supported", d->n,
                        UINT32_MAX - 1u);
    return SSOC_OK;
}

ssoc_status ssoc_boot_resample(const ssoc_dataset *d, const ssoc_boot_opts *o, size_t b, size_t *idx,
                               ssoc_error *err)
{
    ssoc_status st = check_data(d, err);
    if (st)
        return st;
    size_t *rows = malloc(d->n * sizeof *rows);
    if (!rows)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for a resample of %zu points", d->n);
    resample_into(d, o, b, idx, rows);
    free(rows);
    return SSOC_OK;
}

/* ------------------------------------------------------------------ options and result */

void ssoc_boot_opts_default(ssoc_boot_opts *o)
{
    o->B = SSOC_BOOT_B_DEFAULT;
    o->seed = SSOC_BOOT_SEED_DEFAULT;
    o->scheme = SSOC_BOOT_SCHEME_DEFAULT;
    o->confidence = SSOC_BOOT_CONF_DEFAULT;
    o->interval = SSOC_BOOT_INTERVAL_DEFAULT;
    o->monitor = NULL;
}

ssoc_status ssoc_boot_opts_check(const ssoc_boot_opts *o, ssoc_error *err)
{
    if (o->B < 2)
        return SSOC_ERR(err, SSOC_EINVAL, "bootstrap needs B >= 2 replicates (got %zu)", o->B);
    if (!(o->confidence > 0.0 && o->confidence < 1.0))
        return SSOC_ERR(err, SSOC_EINVAL, "confidence level %g is not in (0, 1)", o->confidence);
    if (o->scheme != SSOC_BOOT_STRATIFIED && o->scheme != SSOC_BOOT_CASE && o->scheme != SSOC_BOOT_RESIDUAL)
        return SSOC_ERR(err, SSOC_EINVAL, "unknown resampling scheme %d", (int)o->scheme);
    if (o->interval != SSOC_CI_PERCENTILE && o->interval != SSOC_CI_BCA && o->interval != SSOC_CI_EXPANDED)
        return SSOC_ERR(err, SSOC_EINVAL, "unknown interval method %d", (int)o->interval);
    return SSOC_OK;
}

const char *ssoc_boot_scheme_name(ssoc_boot_scheme s)
{
    return s == SSOC_BOOT_CASE ? "case" : s == SSOC_BOOT_RESIDUAL ? "residual" : "stratified";
}

int ssoc_boot_scheme_parse(const char *name, ssoc_boot_scheme *out)
{
    if (name && !strcmp(name, "stratified"))
        *out = SSOC_BOOT_STRATIFIED;
    else if (name && !strcmp(name, "case"))
        *out = SSOC_BOOT_CASE;
    else if (name && !strcmp(name, "residual"))
        *out = SSOC_BOOT_RESIDUAL;
    else
        return -1;
    return 0;
}

ssoc_boot_result *ssoc_boot_result_alloc(size_t B, size_t n_jack)
{
    const size_t row = SSOC_NPARAM * sizeof(double);
    if (B > SIZE_MAX / row || n_jack > SIZE_MAX / row)
        return NULL;
    ssoc_boot_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    ssoc_boot_opts_default(&r->opts);
    r->opts.B = B;
    r->n_resid = 0;
    r->resid = NULL;
    r->dof = NAN;
    r->B = B;
    r->n_jack = n_jack;
    r->first_failed = B;
    r->table = malloc(B ? B * row : 1);
    r->ok = calloc(B ? B : 1, 1);
    r->jack = malloc(n_jack ? n_jack * row : 1);
    r->jack_ok = calloc(n_jack ? n_jack : 1, 1);
    if (!r->table || !r->ok || !r->jack || !r->jack_ok) {
        ssoc_boot_result_free(r);
        return NULL;
    }
    for (size_t i = 0; i < B * SSOC_NPARAM; ++i)
        r->table[i] = NAN;
    for (size_t i = 0; i < n_jack * SSOC_NPARAM; ++i)
        r->jack[i] = NAN;
    for (int j = 0; j < SSOC_NBAND; ++j)
        r->point[j] = r->lo[j] = r->hi[j] = r->median[j] = r->se[j] = NAN;
    for (int j = 0; j < SSOC_NPARAM * SSOC_NPARAM; ++j)
        r->corr[j] = NAN;
    return r;
}

ssoc_ci_method ssoc_boot_band_method(const ssoc_boot_result *boot)
{
    if (boot->opts.interval == SSOC_CI_EXPANDED)
        return isnan(boot->dof) ? SSOC_CI_PERCENTILE : SSOC_CI_EXPANDED;
    if (boot->opts.interval != SSOC_CI_BCA)
        return boot->opts.interval;
    size_t nj = 0;
    for (size_t i = 0; boot->jack && boot->jack_ok && i < boot->n_jack; ++i)
        nj += boot->jack_ok[i] != 0;
    return nj < 2 ? SSOC_CI_PERCENTILE : SSOC_CI_BCA;
}

/* sigma at the point under the rows of `table` with ok[row] set, finite values only, in row order. */
size_t ssoc_boot_sigma_values(const double *table, const unsigned char *ok, size_t rows, const double *e, double x,
                              double rho_g_cm3, double T_K, double *out)
{
    size_t n = 0;
    for (size_t b = 0; b < rows; ++b) {
        if (!ok[b])
            continue;
        ssoc_params p;
        memcpy(p.p, table + b * SSOC_NPARAM, sizeof p.p);
        ssoc_layers L;
        ssoc_model_eval(&p, x, rho_g_cm3, T_K, &L);
        const double s = e ? L.sigma_S_cm * exp(e[b]) : L.sigma_S_cm;
        if (isfinite(s))
            out[n++] = s;
    }
    return n;
}

ssoc_status ssoc_boot_sigma_band(const ssoc_boot_result *boot, double x, double rho_g_cm3, double T_K,
                                 double sigma_hat, double *work, ssoc_sigma_band *out, ssoc_error *err)
{
    out->lo = out->median = out->hi = NAN;
    out->used = out->jack_used = 0;
    out->method = ssoc_boot_band_method(boot);
    double *own = NULL;
    if (!work) {
        const size_t len = boot->B + boot->n_jack;
        if (len < boot->B || len > SIZE_MAX / sizeof *work || !(own = malloc((len ? len : 1) * sizeof *own)))
            return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
        work = own;
    }
    double *s = work, *jack = work + boot->B;
    out->used = ssoc_boot_sigma_values(boot->table, boot->ok, boot->B, NULL, x, rho_g_cm3, T_K, s);
    if (out->method == SSOC_CI_BCA)
        out->jack_used = ssoc_boot_sigma_values(boot->jack, boot->jack_ok, boot->n_jack, NULL, x, rho_g_cm3, T_K, jack);
    ssoc_status st;
    if (out->used < 2 || (out->method == SSOC_CI_BCA && out->jack_used < 2))
        st = SSOC_ERR(err, SSOC_EFIT, "fewer than 2 bootstrap %s give a finite sigma at x = %g, rho = %g, T = %g",
                      out->used < 2 ? "replicates" : "jackknife fits", x, rho_g_cm3, T_K);
    else
        st = ssoc_ci_compute(s, out->used, sigma_hat, jack, out->jack_used, ssoc_boot_band_level(boot), out->method,
                             &out->lo, &out->hi, &out->median, err);
    free(own);
    return st;
}

void ssoc_boot_result_free(ssoc_boot_result *r)
{
    if (!r)
        return;
    free(r->table);
    free(r->ok);
    free(r->jack);
    free(r->jack_ok);
    free(r->resid);
    free(r);
}

/* ------------------------------------------------------------------ residual pool */

/* adj: the pool (2n); lnfit (may be NULL): the fitted ln D_hop and ln sigma (2n); dof (may be
 * NULL): the smaller of the blocks' n - sum of leverages. */
static ssoc_status pool_compute(const ssoc_dataset *d, const ssoc_params *point, unsigned mask, double *adj,
                                double *lnfit, double *dof, ssoc_error *err)
{
    const size_t n = d->n;
    double *h = malloc(2 * n * sizeof *h);
    if (!h)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for the residual pool of %zu points", n);
    ssoc_status st = ssoc_fit_residuals(d, point, mask, adj, h, err);
    if (st == SSOC_OK) {
        for (size_t i = 0; lnfit && i < n; ++i) {
            lnfit[i] = log(d->D_hop_cm2_s[i]) - adj[i];
            lnfit[n + i] = log(d->sigma_S_cm[i]) - adj[n + i];
        }
        if (dof)
            *dof = INFINITY;
        for (int blk = 0; blk < 2; ++blk) {
            double *a = adj + (size_t)blk * n;
            const double *hb = h + (size_t)blk * n;
            double mean = 0.0, sum_h = 0.0;
            for (size_t i = 0; i < n; ++i) {
                a[i] = hb[i] > 1.0 - 1e-10 ? 0.0 : a[i] / sqrt(1.0 - hb[i]);
                mean += a[i];
                sum_h += hb[i];
            }
            if (dof && (double)n - sum_h < *dof)
                *dof = (double)n - sum_h;
            mean /= (double)n;
            for (size_t i = 0; i < n; ++i)
                a[i] -= mean;
        }
    }
    free(h);
    return st;
}

ssoc_status ssoc_boot_residual_pool(const ssoc_dataset *d, const ssoc_params *point, unsigned fixed_mask,
                                    double *adj, ssoc_error *err)
{
    ssoc_status st = check_data(d, err);
    if (st)
        return st;
    if (!point || !adj)
        return SSOC_ERR(err, SSOC_EINVAL, "residual pool: NULL argument");
    return pool_compute(d, point, fixed_mask, adj, NULL, NULL, err);
}

ssoc_status ssoc_boot_attach_residuals(ssoc_boot_result *r, const ssoc_dataset *d, ssoc_error *err)
{
    ssoc_status st = check_data(d, err);
    if (st)
        return st;
    double *adj = malloc(2 * d->n * sizeof *adj);
    if (!adj)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for the residual pool of %zu points", d->n);
    ssoc_params p;
    memcpy(p.p, r->point, sizeof p.p);
    double dof = NAN;
    if ((st = pool_compute(d, &p, r->fixed_mask, adj, NULL, &dof, err))) {
        free(adj);
        return st;
    }
    free(r->resid);
    r->resid = adj;
    r->n_resid = d->n;
    r->dof = dof;
    return SSOC_OK;
}

double ssoc_boot_band_level(const ssoc_boot_result *boot)
{
    if (ssoc_boot_band_method(boot) == SSOC_CI_EXPANDED)
        return ssoc_ci_expanded_level(boot->opts.confidence, boot->dof);
    return boot->opts.confidence;
}

ssoc_status ssoc_boot_pred_terms(const ssoc_boot_result *boot, double *e, ssoc_error *err)
{
    if (!boot || !e)
        return SSOC_ERR(err, SSOC_EINVAL, "prediction terms: NULL argument");
    const size_t n = boot->n_resid;
    if (!boot->resid || n == 0)
        return SSOC_ERR(err, SSOC_EINVAL,
                        "no residual pool: a prediction band needs the residuals of the fit (a bootstrap run on the "
                        "data, or a parameter file that stores them)");
    if (n > UINT32_MAX - 1u)
        return SSOC_ERR(err, SSOC_EINVAL, "prediction terms of %zu points: at most %u are supported", n,
                        UINT32_MAX - 1u);
    for (size_t b = 0; b < boot->B; ++b) {
        boot_stream s;
        stream_init(&s, boot->opts.seed, (uint64_t)b, STREAM_PREDICT);
        e[b] = boot->resid[n + stream_below(&s, (uint32_t)n)];
    }
    return SSOC_OK;
}

ssoc_status ssoc_boot_sigma_pred_band(const ssoc_boot_result *boot, double x, double rho_g_cm3, double T_K,
                                      double *work, ssoc_sigma_band *out, ssoc_error *err)
{
    out->lo = out->median = out->hi = NAN;
    out->used = out->jack_used = 0;
    out->method = ssoc_boot_band_method(boot) == SSOC_CI_EXPANDED ? SSOC_CI_EXPANDED : SSOC_CI_PERCENTILE;
    double *own = NULL;
    if (!work) {
        if (boot->B > SIZE_MAX / (2 * sizeof *work) || !(own = malloc((boot->B ? 2 * boot->B : 1) * sizeof *own)))
            return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
        work = own;
    }
    double *e = work + boot->B, *v = work;
    ssoc_status st = ssoc_boot_pred_terms(boot, e, err);
    if (st == SSOC_OK) {
        const size_t m = ssoc_boot_sigma_values(boot->table, boot->ok, boot->B, e, x, rho_g_cm3, T_K, v);
        out->used = m;
        if (m < 2)
            st = SSOC_ERR(err, SSOC_EFIT, "fewer than 2 bootstrap replicates give a finite sigma at x = %g, rho = %g, "
                          "T = %g", x, rho_g_cm3, T_K);
        else
            st = ssoc_ci_compute(v, m, NAN, NULL, 0, ssoc_boot_band_level(boot), out->method, &out->lo, &out->hi,
                                 &out->median, err);
    }
    free(own);
    return st;
}

/* ------------------------------------------------------------------ fits over threads */

typedef enum fit_kind { FIT_REPLICATE, FIT_JACKKNIFE } fit_kind;

/* What every row of a batch of fits shares. */
typedef struct fit_ctx {
    const ssoc_dataset *d;
    ssoc_fit_opts fo;      /* the caller's, with the second joint start at the point when given */
    const ssoc_boot_opts *o;
    fit_kind kind;
    const double *pool;    /* residual scheme: the residual pool (2n) */
    const double *lnfit;   /* residual scheme: the point fit's ln D_hop and ln sigma (2n) */
} fit_ctx;

/* Fit one row: a replicate's resample, or the data without point `i` (jackknife). */
static int fit_one(const fit_ctx *c, size_t i, size_t *idx, size_t *rows, ssoc_dataset *ds, ssoc_fit_workspace *fw,
                   double *out, ssoc_error *e)
{
    const ssoc_dataset *d = c->d;
    const size_t n = d->n;
    size_t m = n;
    if (c->kind == FIT_REPLICATE) {
        resample_into(d, c->o, i, idx, rows);
    } else {
        m = 0;
        for (size_t k = 0; k < n; ++k)
            if (k != i)
                idx[m++] = k;
    }
    if (c->kind == FIT_REPLICATE && c->o->scheme == SSOC_BOOT_RESIDUAL) {
        /* the design stays; point k gets residual pair idx[k] on its fitted values */
        for (size_t k = 0; k < n; ++k)
            rows[k] = k;
        if (ssoc_dataset_take(d, rows, n, ds, e) != SSOC_OK)
            return 0;
        for (size_t k = 0; k < n; ++k) {
            ds->D_hop_cm2_s[k] = exp(c->lnfit[k] + c->pool[idx[k]]);
            ds->sigma_S_cm[k] = exp(c->lnfit[n + k] + c->pool[n + idx[k]]);
        }
    } else if (ssoc_dataset_take(d, idx, m, ds, e) != SSOC_OK) {
        return 0;
    }
    ssoc_fit_result res;
    if (ssoc_fit_run_ws(ds, &c->fo, fw, &res, e) != SSOC_OK)
        return 0;
    /* The fit promises finite parameters with SSOC_OK; a table must never carry anything else. */
    for (int j = 0; j < SSOC_NPARAM; ++j)
        if (!isfinite(res.params.p[j])) {
            SSOC_ERR(e, SSOC_EFIT, "fit returned non-finite %s", ssoc_param_name(j));
            return 0;
        }
    memcpy(out, res.params.p, sizeof res.params.p);
    return 1;
}

/* The shared part of a batch: the options with the second joint start, and for the residual
 * scheme the pool and fitted values (c->pool, c->lnfit point into *buf, which the caller frees). */
static ssoc_status ctx_init(fit_ctx *c, const ssoc_dataset *d, const ssoc_fit_opts *fo, const ssoc_params *point,
                            const ssoc_boot_opts *o, fit_kind kind, double **buf, ssoc_error *err)
{
    *buf = NULL;
    c->d = d;
    c->fo = *fo;
    c->o = o;
    c->kind = kind;
    c->pool = c->lnfit = NULL;
    if (point) {
        for (int j = 0; j < SSOC_NPARAM; ++j)
            if (!isfinite(point->p[j]))
                return SSOC_ERR(err, SSOC_EINVAL,
                                "point estimate of %s is %g; bootstrap needs a successful point fit",
                                ssoc_param_name(j), point->p[j]);
        c->fo.has_joint_start = 1;
        c->fo.joint_start = *point;
    }
    if (kind == FIT_REPLICATE && o->scheme == SSOC_BOOT_RESIDUAL) {
        if (!point)
            return SSOC_ERR(err, SSOC_EINVAL, "the residual bootstrap needs the point estimate");
        if (!(*buf = malloc(4 * d->n * sizeof **buf)))
            return SSOC_ERR(err, SSOC_ENOMEM, "no memory for the residual pool of %zu points", d->n);
        ssoc_status st = pool_compute(d, point, fo->fixed_mask, *buf, *buf + 2 * d->n, NULL, err);
        if (st)
            return st;
        /* fitted values whose exponential is not a positive double, or non-finite residuals, make
         * every replicate's data invalid: say so once instead of failing B fits */
        for (size_t i = 0; i < 2 * d->n; ++i) {
            const double r = (*buf)[i], f = (*buf)[2 * d->n + i], e = exp(f);
            if (!isfinite(r) || !isfinite(e) || !(e > 0.0))
                return SSOC_ERR(err, SSOC_EFIT,
                                "the residual bootstrap needs finite residuals of the point estimate on the data; at "
                                "point %zu the fitted ln %s is %g and its residual %g (the parameters do not describe "
                                "these data): use the stratified or case scheme",
                                i % d->n + 1, i < d->n ? "D_hop" : "sigma", f, r);
        }
        c->pool = *buf;
        c->lnfit = *buf + 2 * d->n;
    }
    return SSOC_OK;
}

/* Rows [i0, i1) into table rows (i - i0) and ok flags, OpenMP over rows. Each row is independent
 * and written only by the thread that fitted it, so the output cannot depend on the schedule or
 * the thread count. Replicate fits report to the options' monitor (thread 0 only, monitor.h); a
 * stop skips the rows not yet started and returns SSOC_EINTERRUPTED. */
static ssoc_status fit_rows(const fit_ctx *c, size_t i0, size_t i1, double *table, unsigned char *ok,
                            ssoc_error *err)
{
    const size_t n = c->d->n;
    const ssoc_monitor *mon = c->kind == FIT_REPLICATE && c->o ? c->o->monitor : NULL;
    const uint64_t total = i1 - i0;
    uint64_t ndone = 0;
    int nomem = 0, stop = 0;
    /* GSL's default handler aborts; the fit may call GSL from every thread. Set once, here, in
     * serial code, so no thread flips the global while another reads it. */
    gsl_set_error_handler_off();
#pragma omp parallel default(none) shared(c, i0, i1, table, ok, n, nomem, mon, total, ndone, stop)
    {
        size_t *idx = malloc(n * sizeof *idx);
        size_t *rows = malloc(n * sizeof *rows);
        ssoc_dataset *ds = ssoc_dataset_alloc(n);
        ssoc_fit_workspace *fw = ssoc_fit_workspace_alloc(n);
        if (!idx || !rows || !ds || !fw) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp barrier
        int skip;
#pragma omp atomic read
        skip = nomem;
        if (!skip) {
#pragma omp for schedule(dynamic, 4)
            for (size_t i = i0; i < i1; ++i) {
                int stopped;
#pragma omp atomic read
                stopped = stop;
                if (stopped)
                    continue;
                double *row = table + (i - i0) * SSOC_NPARAM;
                ssoc_error e = {0};
                ok[i - i0] = (unsigned char)fit_one(c, i, idx, rows, ds, fw, row, &e);
                if (!ok[i - i0])
                    for (int j = 0; j < SSOC_NPARAM; ++j)
                        row[j] = NAN;
                if (!mon)
                    continue;
                uint64_t d;
#pragma omp atomic capture
                d = ++ndone;
                if (omp_get_thread_num() == 0 && ssoc_monitor_poll(mon, d, total)) {
#pragma omp atomic write
                    stop = 1;
                }
            }
        }
        free(idx);
        free(rows);
        ssoc_dataset_free(ds);
        ssoc_fit_workspace_free(fw);
    }
    if (nomem)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for per-thread bootstrap workspaces (%zu points)", n);
    if (stop)
        return SSOC_ERR(err, SSOC_EINTERRUPTED, "stopped on request after %llu of %llu bootstrap replicates",
                        (unsigned long long)ndone, (unsigned long long)total);
    return SSOC_OK;
}

ssoc_status ssoc_boot_fit_range(const ssoc_dataset *d, const ssoc_fit_opts *fo, const ssoc_params *point,
                                const ssoc_boot_opts *o, size_t b0, size_t b1, double *table, unsigned char *ok,
                                ssoc_error *err)
{
    ssoc_status st = check_data(d, err);
    if (st)
        return st;
    if ((st = ssoc_boot_opts_check(o, err)))
        return st;
    if (b1 < b0)
        return SSOC_ERR(err, SSOC_EINVAL, "replicate range [%zu, %zu) is reversed", b0, b1);
    if (!point)
        return SSOC_ERR(err, SSOC_EINVAL, "bootstrap needs the point estimate");
    fit_ctx c;
    double *buf = NULL;
    if ((st = ctx_init(&c, d, fo, point, o, FIT_REPLICATE, &buf, err)) == SSOC_OK)
        st = fit_rows(&c, b0, b1, table, ok, err);
    free(buf);
    return st;
}

ssoc_status ssoc_boot_jackknife(const ssoc_dataset *d, const ssoc_fit_opts *fo, double *table, unsigned char *ok,
                                ssoc_error *err)
{
    ssoc_status st = check_data(d, err);
    if (st)
        return st;
    fit_ctx c;
    double *buf = NULL;
    if ((st = ctx_init(&c, d, fo, NULL, NULL, FIT_JACKKNIFE, &buf, err)) == SSOC_OK)
        st = fit_rows(&c, 0, d->n, table, ok, err);
    free(buf);
    return st;
}

/* ------------------------------------------------------------------ summary */

static int band_fixed(unsigned mask, int j)
{
    if (j < SSOC_NPARAM)
        return (mask >> j) & 1u;
    return ((mask >> SSOC_P_BETA2) & 1u) && ((mask >> SSOC_P_BETA3) & 1u);
}

/* Value of band j (a parameter, or vf_star last) from one table row. */
static double band_value(const double *row, int j)
{
    if (j < SSOC_NPARAM)
        return row[j];
    ssoc_params p;
    memcpy(p.p, row, sizeof p.p);
    return ssoc_params_vf_star(&p);
}

ssoc_status ssoc_boot_summarise(ssoc_boot_result *r, ssoc_error *err)
{
    ssoc_status st = ssoc_boot_opts_check(&r->opts, err);
    if (st)
        return st;
    const int bca = r->opts.interval == SSOC_CI_BCA;
    if (r->opts.interval == SSOC_CI_EXPANDED && isnan(r->dof))
        return SSOC_ERR(err, SSOC_EINVAL, "the expanded interval needs the residual degrees of freedom of the point fit "
                                          "(ssoc_boot_attach_residuals)");
    const double level = ssoc_boot_band_level(r);
    size_t n_ok = 0;
    for (size_t b = 0; b < r->B; ++b) {
        if (!r->ok[b])
            continue;
        ++n_ok;
        for (int j = 0; j < SSOC_NPARAM; ++j)
            if (!isfinite(r->table[b * SSOC_NPARAM + j]))
                return SSOC_ERR(err, SSOC_EINVAL, "replicate %zu is marked successful but its %s is %g", b,
                                ssoc_param_name(j), r->table[b * SSOC_NPARAM + j]);
    }
    r->n_failed = r->B - n_ok;
    if (n_ok < 2)
        return SSOC_ERR(err, SSOC_EFIT, "only %zu of %zu bootstrap replicates could be fitted; no band can be formed",
                        n_ok, r->B);
    size_t n_jok = 0;
    if (bca) {
        for (size_t i = 0; i < r->n_jack; ++i)
            n_jok += r->jack_ok[i] != 0;
        if (n_jok < 2)
            return SSOC_ERR(err, SSOC_EFIT,
                            "BCa needs at least 2 successful leave-one-out fits; %zu of %zu succeeded", n_jok,
                            r->n_jack);
    }
    double *v = malloc(n_ok * sizeof *v);
    double *w = malloc(n_ok * sizeof *w);
    double *jv = malloc((n_jok ? n_jok : 1) * sizeof *jv);
    if (!v || !w || !jv) {
        free(v);
        free(w);
        free(jv);
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory to summarise %zu replicates", r->B);
    }
    for (int j = 0; j < SSOC_NBAND && st == SSOC_OK; ++j) {
        if (band_fixed(r->fixed_mask, j)) {
            r->lo[j] = r->hi[j] = r->median[j] = r->point[j];
            r->se[j] = 0.0;
            continue;
        }
        size_t m = 0;
        for (size_t b = 0; b < r->B; ++b) {
            if (!r->ok[b])
                continue;
            double x = band_value(r->table + b * SSOC_NPARAM, j);
            if (isfinite(x)) /* only vf_star can be infinite here (beta3 == 0: no peak) */
                v[m++] = x;
        }
        size_t mj = 0;
        if (bca)
            for (size_t i = 0; i < r->n_jack; ++i)
                if (r->jack_ok[i]) {
                    double x = band_value(r->jack + i * SSOC_NPARAM, j);
                    if (isfinite(x))
                        jv[mj++] = x;
                }
        if (m < 2 || (bca && (mj < 2 || !isfinite(r->point[j])))) {
            if (j < SSOC_NPARAM) {
                st = SSOC_ERR(err, SSOC_EINVAL, "cannot form a band for %s (point estimate %g)", ssoc_param_name(j),
                              r->point[j]);
                break;
            }
            r->lo[j] = r->hi[j] = r->median[j] = r->se[j] = NAN; /* vf_star without a peak */
            continue;
        }
        /* SE before ssoc_ci_compute reorders v: the sum runs in replicate order, so it is the
         * same whatever thread or rank fitted each row. */
        r->se[j] = gsl_stats_sd(v, 1, m);
        st = ssoc_ci_compute(v, m, r->point[j], jv, mj, level, r->opts.interval, &r->lo[j], &r->hi[j], &r->median[j],
                             err);
    }
    for (int i = 0; i < SSOC_NPARAM && st == SSOC_OK; ++i)
        for (int k = 0; k < SSOC_NPARAM; ++k) {
            double c = NAN;
            if (!band_fixed(r->fixed_mask, i) && !band_fixed(r->fixed_mask, k)) {
                size_t m = 0;
                for (size_t b = 0; b < r->B; ++b)
                    if (r->ok[b]) {
                        v[m] = r->table[b * SSOC_NPARAM + i];
                        w[m++] = r->table[b * SSOC_NPARAM + k];
                    }
                const double sd = gsl_stats_sd(v, 1, m);
                if (i == k)
                    c = (sd > 0.0) ? 1.0 : NAN;
                else if (sd > 0.0 && gsl_stats_sd(w, 1, m) > 0.0)
                    c = gsl_stats_correlation(v, 1, w, 1, m);
            }
            r->corr[i * SSOC_NPARAM + k] = c;
        }
    free(v);
    free(w);
    free(jv);
    return st;
}

/* ------------------------------------------------------------------ the whole bootstrap */

ssoc_status ssoc_boot_run(const ssoc_dataset *d, const ssoc_fit_opts *fo, const ssoc_params *point,
                          const ssoc_boot_opts *o, ssoc_boot_result **out, ssoc_error *err)
{
    *out = NULL;
    ssoc_status st = check_data(d, err);
    if (st)
        return st;
    if ((st = ssoc_boot_opts_check(o, err)))
        return st;
    const size_t n_jack = (o->interval == SSOC_CI_BCA) ? d->n : 0;
    ssoc_boot_result *r = ssoc_boot_result_alloc(o->B, n_jack);
    if (!r)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for %zu bootstrap replicates", o->B);
    r->opts = *o;
    r->opts.monitor = NULL; /* the caller's, for this run only */
    r->fixed_mask = fo->fixed_mask;
    memcpy(r->point, point->p, sizeof point->p);
    r->point[SSOC_NPARAM] = ssoc_params_vf_star(point);

    fit_ctx c, cj;
    double *buf = NULL, *bufj = NULL;
    st = ctx_init(&c, d, fo, point, o, FIT_REPLICATE, &buf, err);
    if (st == SSOC_OK)
        st = fit_rows(&c, 0, o->B, r->table, r->ok, err);
    if (st == SSOC_OK && n_jack && (st = ctx_init(&cj, d, fo, point, o, FIT_JACKKNIFE, &bufj, err)) == SSOC_OK)
        st = fit_rows(&cj, 0, n_jack, r->jack, r->jack_ok, err);
    if (st == SSOC_OK)
        st = ssoc_boot_attach_residuals(r, d, err);
    if (st == SSOC_OK) {
        /* Name the first failure: refit that replicate (a pure function of (seed, b)) to recover
         * its message, so the report is the same at any thread count. */
        for (size_t b = 0; b < r->B; ++b)
            if (!r->ok[b]) {
                r->first_failed = b;
                break;
            }
        if (r->first_failed < r->B) {
            size_t *idx = malloc(d->n * sizeof *idx), *rows = malloc(d->n * sizeof *rows);
            ssoc_dataset *ds = ssoc_dataset_alloc(d->n);
            ssoc_fit_workspace *fw = ssoc_fit_workspace_alloc(d->n);
            double row[SSOC_NPARAM];
            ssoc_error e = {0};
            if (idx && rows && ds && fw && !fit_one(&c, r->first_failed, idx, rows, ds, fw, row, &e))
                snprintf(r->first_failure, sizeof r->first_failure, "replicate %zu: %.990s", r->first_failed, e.msg);
            free(idx);
            free(rows);
            ssoc_dataset_free(ds);
            ssoc_fit_workspace_free(fw);
        }
        st = ssoc_boot_summarise(r, err);
    }
    free(buf);
    free(bufj);
    if (st != SSOC_OK) {
        ssoc_boot_result_free(r);
        return st;
    }
    *out = r;
    return SSOC_OK;
}
