/* The design-rule report of a sweep file (report.h). The per-composition optima are recomputed
 * on the continuous model from the file's parameters and replicate table with exactly the calls
 * the sweep makes for /rules (the x-block rho_opt over the node's block of grid columns, same
 * quantile selection, same BCa levels), so at a composition that is also a grid node the numbers
 * equal /rules to the bit. Everything about the grid's best composition and x_opt is read from
 * /rules as stored. The sentences are assembled from the numbers and flags; no wording is chosen
 * without a number behind it. */
#include "ssoc/report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "ssoc/rules.h"
#include "ssoc/kernel.h"

/* ------------------------------------------------------------------ computing */

typedef struct ctx {
    const ssoc_sweepfile *sf;
    const double *pred_e; /* [B] prediction terms, or NULL */
    ssoc_rules_prep best;
    ssoc_rules_prep *jack; /* successful leave-one-out sets (BCa) */
    size_t n_jack;
} ctx;

/* the sweep's level: the expanded one (same function, same stored dof: the same bits) */
static double band_level(const ssoc_sweepfile *sf)
{
    return sf->interval == SSOC_CI_EXPANDED ? ssoc_ci_expanded_level(sf->confidence, sf->dof) : sf->confidence;
}

static void band_of(const ctx *c, double *v, size_t n, double point, const double *jack, size_t nj, ssoc_band *b)
{
    /* the sweep's band, the same call */
    b->value = point;
    ssoc_kernel_band(c->sf->interval, band_level(c->sf), v, n, point, jack, nj, &b->lo, &b->hi, NULL);
}

/* The prediction terms of the file's replicates: the residual pool of /fit/params on /fit/data
 * (the sweep attached the same pool to the same data, so the same bits) drawn with the file's
 * seed. NULL, and no error, for a file that records no seed. */
static ssoc_status pred_terms(const ssoc_sweepfile *sf, double **out, ssoc_error *err)
{
    *out = NULL;
    if (!sf->has_seed)
        return SSOC_OK;
    ssoc_boot_result *b = ssoc_boot_result_alloc(sf->B, 0);
    double *e = malloc((sf->B ? sf->B : 1) * sizeof *e);
    ssoc_status st = SSOC_OK;
    if (!b || !e) {
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    } else {
        memcpy(b->point, sf->best.p, sizeof sf->best.p);
        b->fixed_mask = sf->fixed_mask;
        b->opts.seed = sf->seed;
        ssoc_error e1 = {0};
        if ((st = ssoc_boot_attach_residuals(b, sf->data, &e1)) == SSOC_OK)
            st = ssoc_boot_pred_terms(b, e, &e1);
        if (st)
            SSOC_ERR(err, st, "%s: the prediction terms from /fit/data: %s", sf->path, e1.msg);
    }
    ssoc_boot_result_free(b);
    if (st)
        free(e);
    else
        *out = e;
    return st;
}

/* Where a composition sits on the file's x grid: at node first + i of the x block [first,
 * first + m) (ssoc_rules_xblock), or m = 0 if it is not a grid node. */
typedef struct xnode {
    size_t first, m, i;
} xnode;

static xnode find_node(const ssoc_sweepfile *sf, double x)
{
    xnode nd = {0, 0, 0};
    for (size_t ix = 0; ix < sf->nx; ++ix)
        if (sf->x[ix] == x) {
            nd.m = ssoc_rules_xblock(ix, sf->nx, &nd.first);
            nd.i = ix - nd.first;
            break;
        }
    return nd;
}

/* rho_opt of one parameter set at composition x: at a grid node, the sweep's own call (the x-block
 * method over the node's block, src/sweep_rules.c rho_block_task), so the numbers are /rules' to the
 * bit; elsewhere a direct solve. Both fail exactly when the direct solve fails (rules.h), and then
 * the direct solve says why. */
static int comp_rho_opt(const ssoc_rules_prep *pp, const ssoc_sweepfile *sf, const xnode *nd, double x, double T,
                        ssoc_optimum *o, ssoc_error *err)
{
    const double rlo = sf->rho_g_cm3[0], rhi = sf->rho_g_cm3[sf->nrho - 1];
    if (nd->m) {
        ssoc_optimum out[SSOC_RULES_XBLOCK];
        unsigned char ok[SSOC_RULES_XBLOCK];
        if (ssoc_rules_rho_opt_columns(pp, sf->x + nd->first, nd->m, T, rlo, rhi, out, ok, err) != SSOC_OK)
            return 0;
        if (ok[nd->i]) {
            *o = out[nd->i];
            return 1;
        }
    }
    return ssoc_rules_rho_opt_prepared(pp, x, T, rlo, rhi, o, err) == SSOC_OK;
}

/* rho_opt at (x, T): point optimum, replicate band, flags, P(sigma >= target) */
static ssoc_status comp_optimum(const ctx *c, double x, double T, double *scratch, ssoc_report_comp *o,
                                ssoc_error *err)
{
    const ssoc_sweepfile *sf = c->sf;
    const double rlo = sf->rho_g_cm3[0];
    const xnode nd = find_node(sf, x);
    memset(o, 0, sizeof *o);
    o->x = x;
    o->p_exceed = NAN;
    ssoc_optimum pt;
    ssoc_error e = {0};
    if (!comp_rho_opt(&c->best, sf, &nd, x, T, &pt, &e))
        return SSOC_ERR(err, SSOC_EFIT, "%s: rho_opt at x = %g, T = %g K with /fit/params: %s", sf->path, x, T, e.msg);
    o->edge = !pt.at_bound ? SSOC_EDGE_NONE : pt.arg == rlo ? SSOC_EDGE_LOWER : SSOC_EDGE_UPPER;
    o->extrapolated = ssoc_data_range_extrap(&sf->range, x, pt.v_f, T);
    double *a = scratch, *v = scratch + sf->B, *s = scratch + 2 * sf->B, *sp = scratch + 3 * sf->B;
    unsigned char *okb = (unsigned char *)(scratch + 4 * sf->B);
    long nfail = 0, nabove = 0;
    const int target = sf->has_target;
    const double rho_star = pt.arg;
#pragma omp parallel for schedule(dynamic, 64) reduction(+ : nfail, nabove)
    for (size_t b = 0; b < sf->B; ++b) {
        okb[b] = 0;
        if (!sf->boot_ok[b])
            continue;
        ssoc_params p;
        memcpy(p.p, sf->boot + b * SSOC_NPARAM, sizeof p.p);
        ssoc_rules_prep pp;
        ssoc_optimum ob;
        if (ssoc_rules_prepare(&p, &pp, NULL) != SSOC_OK || !comp_rho_opt(&pp, sf, &nd, x, T, &ob, NULL)) {
            ++nfail;
        } else {
            a[b] = ob.arg, v[b] = ob.v_f, s[b] = ob.sigma_S_cm;
            okb[b] = 1;
        }
        if (target) {
            ssoc_layers L;
            ssoc_model_eval(&p, x, rho_star, T, &L);
            nabove += L.sigma_S_cm >= sf->target_S_cm;
        }
    }
    /* compact in replicate order (selection does not care, but keep it deterministic) */
    size_t n = 0;
    for (size_t b = 0; b < sf->B; ++b)
        if (okb[b]) {
            sp[n] = c->pred_e ? s[b] * exp(c->pred_e[b]) : NAN;
            a[n] = a[b], v[n] = v[b], s[n] = s[b], ++n;
        }
    o->n_failed = (size_t)nfail;
    if (target)
        o->p_exceed = (double)nabove / (double)sf->n_ok;
    /* jackknife statistics for BCa */
    double *ja = NULL, *jv = NULL, *js = NULL;
    size_t nj = 0;
    if (c->n_jack) {
        ja = malloc(3 * c->n_jack * sizeof *ja);
        if (!ja)
            return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
        jv = ja + c->n_jack, js = jv + c->n_jack;
        for (size_t i = 0; i < c->n_jack; ++i) {
            ssoc_optimum oj;
            if (!comp_rho_opt(&c->jack[i], sf, &nd, x, T, &oj, NULL))
                continue;
            ja[nj] = oj.arg, jv[nj] = oj.v_f, js[nj] = oj.sigma_S_cm;
            ++nj;
        }
    }
    band_of(c, a, n, pt.arg, ja, nj, &o->rho_opt);
    band_of(c, v, n, pt.v_f, jv, nj, &o->vf_opt);
    band_of(c, s, n, pt.sigma_S_cm, js, nj, &o->sigma_max);
    /* a new MD run at the optimum: never BCa, the percentile band at the same level */
    o->sigma_pred.value = pt.sigma_S_cm;
    o->sigma_pred.lo = o->sigma_pred.hi = NAN;
    if (c->pred_e)
        ssoc_kernel_band(SSOC_CI_PERCENTILE, band_level(sf), sp, n, pt.sigma_S_cm, NULL, 0, &o->sigma_pred.lo,
                         &o->sigma_pred.hi, NULL);
    free(ja);
    return SSOC_OK;
}

/* The leave-one-out refits the sweep used for BCa (/fit/params_jack), prepared for the rules. */
static ssoc_status jackknife(ctx *c, ssoc_error *err)
{
    const ssoc_sweepfile *sf = c->sf;
    c->jack = malloc((sf->n_jack ? sf->n_jack : 1) * sizeof *c->jack);
    if (!c->jack)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < sf->n_jack; ++i) {
        ssoc_params p;
        memcpy(p.p, sf->jack + i * SSOC_NPARAM, sizeof p.p);
        if (sf->jack_ok[i] && ssoc_rules_prepare(&p, &c->jack[n], NULL) == SSOC_OK)
            ++n;
    }
    c->n_jack = n;
    if (n < 2)
        return SSOC_ERR(err, SSOC_EFIT, "%s: BCa bands need the leave-one-out refits of /fit/params_jack; only %zu of %zu are usable",
                        sf->path, n, sf->n_jack);
    return SSOC_OK;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static ssoc_band rule_band(const ssoc_sweep_rule *ru, size_t k)
{
    ssoc_band b = {ru->v[k], ru->lo[k], ru->hi[k]};
    return b;
}

static size_t nearest(const double *v, size_t n, double x)
{
    size_t best = 0;
    for (size_t i = 1; i < n; ++i)
        if (fabs(v[i] - x) < fabs(v[best] - x))
            best = i;
    return best;
}

static ssoc_status grid_part(const ssoc_sweepfile *sf, ssoc_report_T *t, double *slice, ssoc_error *err)
{
    const size_t it = t->it, nx = sf->nx, nrho = sf->nrho;
    size_t ib = nx;
    for (size_t ix = 0; ix < nx; ++ix) {
        const double s = sf->sigma_max.v[it * nx + ix];
        if (isfinite(s) && (ib == nx || s > sf->sigma_max.v[it * nx + ib]))
            ib = ix;
    }
    t->p_exceed_node = NAN;
    if (ib == nx) { /* no finite optimum anywhere at this T */
        t->ix_best = 0;
        t->x_best = NAN;
        t->rho_best = t->vf_best = t->sigma_best = t->x_opt = (ssoc_band){NAN, NAN, NAN};
        t->rho_node = t->x_opt_sigma = NAN;
        return SSOC_OK;
    }
    const size_t k = it * nx + ib;
    t->ix_best = ib;
    t->x_best = sf->x[ib];
    t->rho_best = rule_band(&sf->rho_opt, k);
    t->vf_best = rule_band(&sf->vf_opt, k);
    t->sigma_best = rule_band(&sf->sigma_max, k);
    t->rho_best_at_bound = sf->rho_opt_at_bound[k] != 0;
    t->x_best_edge = nx < 2 ? SSOC_EDGE_NONE : ib == 0 ? SSOC_EDGE_LOWER : ib == nx - 1 ? SSOC_EDGE_UPPER : SSOC_EDGE_NONE;
    t->best_extrapolated = ssoc_data_range_extrap(&sf->range, t->x_best, t->vf_best.value, t->T_K);
    t->ir_node = nearest(sf->rho_g_cm3, nrho, t->rho_best.value);
    t->rho_node = sf->rho_g_cm3[t->ir_node];
    const size_t kr = it * nrho + t->ir_node;
    t->x_opt = rule_band(&sf->x_opt, kr);
    t->x_opt_at_bound = sf->x_opt_at_bound[kr] != 0;
    t->x_opt_sigma = sf->x_opt_sigma_max ? sf->x_opt_sigma_max[kr] : NAN;
    t->x_opt_edge = !t->x_opt_at_bound          ? SSOC_EDGE_NONE
                    : t->x_opt.value == sf->x[0] ? SSOC_EDGE_LOWER
                                                 : SSOC_EDGE_UPPER;
    t->x_opt_extrapolated = ssoc_data_range_extrap(&sf->range, t->x_opt.value,
                                                  ssoc_model_vf(t->x_opt.value, t->rho_node), t->T_K);
    for (size_t ir = 0; ir < nrho; ++ir) {
        const size_t q = it * nrho + ir;
        if (!sf->x_opt_at_bound[q])
            ++t->n_xopt_interior;
        else if (sf->x_opt.v[q] == sf->x[0])
            ++t->n_xopt_lower;
        else
            ++t->n_xopt_upper;
    }
    if (sf->has_target) {
        ssoc_status st = ssoc_sweepfile_slice(sf, "/sigma/p_exceed", it, slice, err);
        if (st)
            return st;
        t->p_exceed_node = slice[t->ir_node * nx + ib];
    }
    return SSOC_OK;
}

static void write_sentences(ssoc_report *r);

void ssoc_report_free(ssoc_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->t && i < r->nT; ++i)
        free(r->t[i].comp);
    free(r->t);
    free(r->comp_x);
    free(r->pred_e);
    free(r);
}

ssoc_status ssoc_report_build(const ssoc_sweepfile *sf, ssoc_report **out, ssoc_error *err)
{
    return ssoc_report_build_at(sf, NULL, 0, out, err);
}

ssoc_status ssoc_report_build_at(const ssoc_sweepfile *sf, const size_t *its, size_t nits, ssoc_report **out,
                                 ssoc_error *err)
{
    *out = NULL;
    for (size_t k = 0; k < nits; ++k)
        if (its[k] >= sf->nT || (k && its[k] <= its[k - 1]))
            return SSOC_ERR(err, SSOC_EINVAL, "ssoc_report_build_at: temperature indices must be increasing and < %zu",
                            sf->nT);
    const size_t nsel = its ? nits : sf->nT;
    /* the report is built on rho_opt(x) and x_opt(rho): both need a range (the sweep records the
     * undefined rule as NaN, with status 1 in /rules/rho_opt_status or x_opt_status) */
    if (sf->nrho < 2 || sf->nx < 2)
        return SSOC_ERR(err, SSOC_EDATA,
                        "%s: the %s axis has one node (%s = %g): %s is undefined on this grid "
                        "(/rules/%s_status = 1); the design-rule report needs >= 2 densities and >= 2 compositions",
                        sf->path, sf->nrho < 2 ? "density" : "composition", sf->nrho < 2 ? "rho" : "x",
                        sf->nrho < 2 ? sf->rho_g_cm3[0] : sf->x[0], sf->nrho < 2 ? "rho_opt" : "x_opt",
                        sf->nrho < 2 ? "rho_opt" : "x_opt");
    ssoc_report *r = calloc(1, sizeof *r);
    ctx c = {.sf = sf};
    double *scratch = NULL, *slice = NULL;
    if (!r)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    snprintf(r->path, sizeof r->path, "%s", sf->path);
    snprintf(r->version, sizeof r->version, "%s", sf->version);
    snprintf(r->params_source, sizeof r->params_source, "%s", sf->params_source);
    snprintf(r->interval_name, sizeof r->interval_name, "%s", sf->interval_name);
    r->confidence = sf->confidence;
    r->B = sf->B, r->n_ok = sf->n_ok;
    r->has_target = sf->has_target;
    r->target_S_cm = sf->target_S_cm;
    r->x_lo = sf->x[0], r->x_hi = sf->x[sf->nx - 1];
    r->rho_lo = sf->rho_g_cm3[0], r->rho_hi = sf->rho_g_cm3[sf->nrho - 1];
    r->nx = sf->nx, r->nrho = sf->nrho;
    r->range = sf->range;
    r->n_data = sf->data->n;
    ssoc_status st = SSOC_OK;
    /* fitted compositions, ascending and distinct */
    r->comp_x = malloc(sf->data->n * sizeof *r->comp_x);
    r->t = calloc(nsel ? nsel : 1, sizeof *r->t);
    scratch = malloc(sf->B * (4 * sizeof(double) + 1) + sizeof(double));
    slice = malloc(sf->nrho * sf->nx * sizeof *slice);
    if (!r->comp_x || !r->t || !scratch || !slice) {
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
        goto done;
    }
    r->nT = nsel;
    memcpy(r->comp_x, sf->data->x, sf->data->n * sizeof *r->comp_x);
    qsort(r->comp_x, sf->data->n, sizeof *r->comp_x, cmp_double);
    for (size_t i = 0; i < sf->data->n; ++i)
        if (r->ncomp == 0 || r->comp_x[i] != r->comp_x[r->ncomp - 1])
            r->comp_x[r->ncomp++] = r->comp_x[i];
    ssoc_error e = {0};
    if (ssoc_rules_prepare(&sf->best, &c.best, &e) != SSOC_OK) {
        st = SSOC_ERR(err, SSOC_EFIT, "%s: /fit/params: %s", sf->path, e.msg);
        goto done;
    }
    if (sf->interval == SSOC_CI_BCA && (st = jackknife(&c, err)))
        goto done;
    if ((st = pred_terms(sf, &r->pred_e, err)))
        goto done;
    c.pred_e = r->pred_e;
    r->band_level = band_level(sf);
    r->n_jack_ok = c.n_jack;
    for (size_t sel = 0; sel < nsel && !st; ++sel) {
        const size_t it = its ? its[sel] : sel;
        ssoc_report_T *t = &r->t[sel];
        t->it = it;
        t->T_K = sf->T_K[it];
        t->comp = calloc(r->ncomp, sizeof *t->comp);
        if (!t->comp) {
            st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
            break;
        }
        for (size_t k = 0; k < r->ncomp && !st; ++k)
            st = comp_optimum(&c, r->comp_x[k], t->T_K, scratch, &t->comp[k], err);
        if (st)
            break;
        /* is v_f,opt one number across the interior optima? (it should be: see rules.h) */
        t->vf_common = 1;
        double v0 = NAN;
        for (size_t k = 0; k < r->ncomp; ++k) {
            const ssoc_report_comp *o = &t->comp[k];
            if (o->edge != SSOC_EDGE_NONE || !isfinite(o->vf_opt.value))
                continue;
            if (isnan(v0))
                v0 = o->vf_opt.value;
            else if (fabs(o->vf_opt.value - v0) > 1e-9)
                t->vf_common = 0;
        }
        st = grid_part(sf, t, slice, err);
    }
    if (st)
        goto done;
    /* the temperature the rule is stated at: the grid T holding most fitted points (ties: the
     * first), else the grid T nearest the middle of the data's T range */
    size_t best_n = 0;
    const double T_mid = 0.5 * (sf->range.T_min_K + sf->range.T_max_K);
    r->it_ref = 0;
    for (size_t k = 1; k < nsel; ++k) /* nearest to the middle (ties: the lower T), among those reported */
        if (fabs(r->t[k].T_K - T_mid) < fabs(r->t[r->it_ref].T_K - T_mid))
            r->it_ref = k;
    for (size_t k = 0; k < nsel; ++k) {
        size_t n = 0;
        for (size_t i = 0; i < sf->data->n; ++i)
            n += fabs(sf->data->T_K[i] - r->t[k].T_K) <= 1e-9 * r->t[k].T_K;
        if (n > best_n)
            best_n = n, r->it_ref = k;
    }
    write_sentences(r);
done:
    free(c.jack);
    free(scratch);
    free(slice);
    if (st) {
        ssoc_report_free(r);
        return st;
    }
    *out = r;
    return SSOC_OK;
}

ssoc_status ssoc_report_from_file(const char *path, ssoc_report **out, ssoc_error *err)
{
    ssoc_sweepfile *sf = NULL;
    ssoc_status st = ssoc_sweepfile_open(path, &sf, err);
    if (!st)
        st = ssoc_report_build(sf, out, err);
    ssoc_sweepfile_free(sf);
    return st;
}

ssoc_status ssoc_report_write_text(const char *path, FILE *out, ssoc_error *err)
{
    ssoc_report *r = NULL;
    ssoc_status st = ssoc_report_from_file(path, &r, err);
    if (st)
        return st;
    char *s = ssoc_report_text(r);
    ssoc_report_free(r);
    if (!s)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    if (fputs(s, out) < 0 || fflush(out) != 0)
        st = SSOC_ERR(err, SSOC_EIO, "cannot write the design-rule report");
    free(s);
    return st;
}

/* ------------------------------------------------------------------ text helpers */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int failed;
} sbuf;

__attribute__((format(printf, 2, 3))) static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->len;
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s, b->cap = cap;
    }
}

static char *sb_take(sbuf *b)
{
    if (b->failed) {
        free(b->s);
        return NULL;
    }
    if (!b->s)
        sb_printf(b, "%s", "");
    return b->s;
}

/* "x", "v_f", "T" joined with ", " for the bits set */
static const char *extrap_words(unsigned bits, char *buf, size_t len)
{
    buf[0] = '\0';
    const char *w[3] = {"x", "v_f", "T"};
    for (int i = 0; i < 3; ++i)
        if (bits & (1u << i))
            snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? ", " : "", w[i]);
    return buf;
}

static const char *edge_word(ssoc_edge e) { return e == SSOC_EDGE_LOWER ? "lower" : e == SSOC_EDGE_UPPER ? "upper" : ""; }

/* shortest round-trip form, "nan" for NaN (text and CSV) */
static const char *num(char *buf, double v)
{
    if (!isfinite(v))
        return isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
    ssoc_json_format_double(buf, 32, v);
    return buf;
}

/* ------------------------------------------------------------------ the sentences */

static void range_text(char *buf, size_t len, double lo, double hi, const char *fmt)
{
    char a[32], b[32];
    snprintf(a, sizeof a, fmt, lo);
    snprintf(b, sizeof b, fmt, hi);
    if (!strcmp(a, b))
        snprintf(buf, len, "%s", a);
    else
        snprintf(buf, len, "%s-%s", a, b);
}

static void write_sentences(ssoc_report *r)
{
    const ssoc_report_T *t = &r->t[r->it_ref];
    const double pct = 100 * r->confidence;
    char s1[1024] = "", s2[1024] = "", w[64];
    /* the composition with the largest sigma_max at the reference T leads the sentence */
    size_t kb = r->ncomp;
    size_t n_interior = 0, n_lower = 0, n_upper = 0;
    for (size_t k = 0; k < r->ncomp; ++k) {
        const ssoc_report_comp *o = &t->comp[k];
        n_interior += o->edge == SSOC_EDGE_NONE, n_lower += o->edge == SSOC_EDGE_LOWER,
            n_upper += o->edge == SSOC_EDGE_UPPER;
        if (isfinite(o->sigma_max.value) && (kb == r->ncomp || o->sigma_max.value > t->comp[kb].sigma_max.value))
            kb = k;
    }
    if (kb == r->ncomp) {
        snprintf(r->rule, sizeof r->rule, "At %g K no optimum could be computed at the fitted compositions.", t->T_K);
        return;
    }
    const ssoc_report_comp *o = &t->comp[kb];
    if (o->edge == SSOC_EDGE_NONE) {
        char common[96] = "";
        if (t->vf_common && n_interior > 1)
            snprintf(common, sizeof common, " at every fitted composition%s",
                     n_interior < r->ncomp ? " whose optimum lies inside the range" : "");
        snprintf(s1, sizeof s1,
                 "At %g K the conductivity peaks at free volume v_f = %.3f (%g%% band %.3f to %.3f)%s: "
                 "rho = %.3f g/cm3 (%.3f-%.3f) for x = %g, where sigma = %.3g mS/cm (%.3g-%.3g",
                 t->T_K, o->vf_opt.value, pct, o->vf_opt.lo, o->vf_opt.hi, common, o->rho_opt.value, o->rho_opt.lo,
                 o->rho_opt.hi, o->x, 1e3 * o->sigma_max.value, 1e3 * o->sigma_max.lo, 1e3 * o->sigma_max.hi);
        if (isfinite(o->sigma_pred.lo))
            snprintf(s1 + strlen(s1), sizeof s1 - strlen(s1), "; a new MD run there: %.3g-%.3g",
                     1e3 * o->sigma_pred.lo, 1e3 * o->sigma_pred.hi);
        strcat(s1, ")");
        if (o->rho_opt.lo == r->rho_lo || o->rho_opt.hi == r->rho_hi)
            snprintf(s1 + strlen(s1), sizeof s1 - strlen(s1), ", though the band reaches the %s end of the density range searched",
                     o->rho_opt.lo == r->rho_lo ? "lower" : "upper");
    } else {
        snprintf(s1, sizeof s1,
                 "At %g K no density optimum lies inside the range searched for x = %g: sigma keeps rising toward rho = "
                 "%g g/cm3, the %s end of the grid (%.3g mS/cm there%s), so widen [grid] rho to locate it",
                 t->T_K, o->x, o->rho_opt.value, edge_word(o->edge), 1e3 * o->sigma_max.value,
                 r->ncomp > 1 ? (n_interior ? "; other compositions peak inside" : "; likewise at every fitted composition")
                              : "");
    }
    if (o->extrapolated) {
        char dr[64], tr[64];
        if (o->extrapolated & 2) {
            range_text(dr, sizeof dr, r->range.vf_min, r->range.vf_max, "%.3f");
            snprintf(s1 + strlen(s1), sizeof s1 - strlen(s1),
                     "; this lies outside the free volumes of the fitted data (v_f %s), an extrapolation", dr);
        }
        if (o->extrapolated & 4) {
            range_text(tr, sizeof tr, r->range.T_min_K, r->range.T_max_K, "%g");
            snprintf(s1 + strlen(s1), sizeof s1 - strlen(s1), "; %g K is outside the fitted temperatures (%s K)", t->T_K,
                     tr);
        }
    }
    if (r->has_target && isfinite(o->p_exceed))
        snprintf(s1 + strlen(s1), sizeof s1 - strlen(s1), ". P(sigma >= %g mS/cm) there is %.2f", 1e3 * r->target_S_cm,
                 o->p_exceed);
    strcat(s1, ".");
    /* composition: x_opt at the grid density nearest the best column's rho_opt */
    char xr[64];
    range_text(xr, sizeof xr, r->range.x_min, r->range.x_max, "%g");
    if (isfinite(t->x_opt.value)) {
        if (t->x_opt_at_bound) {
            const size_t n_same = t->x_opt_edge == SSOC_EDGE_UPPER ? t->n_xopt_upper : t->n_xopt_lower;
            char where[160];
            if (n_same == r->nrho)
                snprintf(where, sizeof where, "at all %zu grid densities", r->nrho);
            else
                snprintf(where, sizeof where, "at %zu of %zu grid densities, including rho = %g g/cm3 near the optimum",
                         n_same, r->nrho, t->rho_node);
            snprintf(s2, sizeof s2, "Along x, sigma still %s with Li2S content up to the %s edge of the grid (x = %g) %s",
                     t->x_opt_edge == SSOC_EDGE_UPPER ? "rises" : "falls", edge_word(t->x_opt_edge), t->x_opt.value,
                     where);
            if (t->x_opt_extrapolated & 1)
                snprintf(s2 + strlen(s2), sizeof s2 - strlen(s2), ", beyond the fitted compositions (x %s)", xr);
            snprintf(s2 + strlen(s2), sizeof s2 - strlen(s2), ": no composition optimum is bracketed");
        } else {
            snprintf(s2, sizeof s2, "The best composition at rho = %g g/cm3 is x_opt = %.3f (%g%% band %.3f-%.3f)%s",
                     t->rho_node, t->x_opt.value, pct, t->x_opt.lo, t->x_opt.hi,
                     (t->x_opt_extrapolated & 1) ? ", outside the fitted compositions" : "");
            if (t->x_opt_extrapolated & 1)
                snprintf(s2 + strlen(s2), sizeof s2 - strlen(s2), " (x %s), an extrapolation", xr);
        }
        strcat(s2, ".");
    }
    snprintf(r->rule, sizeof r->rule, "%s%s%s", s1, s2[0] ? " " : "", s2);
    (void)w;
    /* trend over temperature, at the leading composition */
    r->trend[0] = '\0';
    if (r->nT > 1) {
        const ssoc_report_comp *a = &r->t[0].comp[kb], *b = &r->t[r->nT - 1].comp[kb];
        char tr[64];
        range_text(tr, sizeof tr, r->range.T_min_K, r->range.T_max_K, "%g");
        snprintf(r->trend, sizeof r->trend,
                 "From %g K to %g K, v_f,opt at x = %g goes from %.3f to %.3f%s%s and sigma_max from %.3g to %.3g mS/cm; "
                 "temperatures outside %s K are extrapolations of the fit.",
                 r->t[0].T_K, r->t[r->nT - 1].T_K, o->x, a->vf_opt.value, b->vf_opt.value,
                 a->edge != SSOC_EDGE_NONE || b->edge != SSOC_EDGE_NONE ? " (reaching an end of the density range)" : "",
                 "", 1e3 * a->sigma_max.value, 1e3 * b->sigma_max.value, tr);
    }
}

/* ------------------------------------------------------------------ text */

static void flags_text(char *buf, size_t len, ssoc_edge edge, unsigned ext)
{
    char w[32];
    buf[0] = '\0';
    if (edge != SSOC_EDGE_NONE)
        snprintf(buf, len, "boundary(%s) ", edge_word(edge));
    if (ext)
        snprintf(buf + strlen(buf), len - strlen(buf), "extrapolated(%s)", extrap_words(ext, w, sizeof w));
}

char *ssoc_report_text(const ssoc_report *r)
{
    sbuf b = {0};
    char dx[64], dv[64], dT[64];
    range_text(dx, sizeof dx, r->range.x_min, r->range.x_max, "%g");
    range_text(dv, sizeof dv, r->range.vf_min, r->range.vf_max, "%.3f");
    range_text(dT, sizeof dT, r->range.T_min_K, r->range.T_max_K, "%g");
    sb_printf(&b, "design rules (%s %g%% band over %zu replicates, %zu failed; rho searched in [%g, %g] g/cm3, x in [%g, %g]):\n",
              r->interval_name, 100 * r->confidence, r->n_ok, r->B - r->n_ok, r->rho_lo, r->rho_hi, r->x_lo, r->x_hi);
    sb_printf(&b, "  bands: %g%% confidence bands of the model's optima; ", 100 * r->confidence);
    if (r->pred_e)
        sb_printf(&b, "'new MD run': the %g%% prediction band of sigma_max for a new MD run at the optimum\n",
                  100 * r->confidence);
    else
        sb_printf(&b, "no prediction band (the file records no bootstrap seed)\n");
    sb_printf(&b, "  fitted data: %zu points, x %s, v_f %s, T %s K; parameters: %s", r->n_data, dx, dv, dT,
              r->params_source[0] ? r->params_source : "(not recorded)");
    if (r->has_target)
        sb_printf(&b, "; target sigma %g S/cm", r->target_S_cm);
    sb_printf(&b, "\n");
    sb_printf(&b, "  %-6s %-6s  %-28s  %-28s  %-34s %-23s %s%s\n", "T [K]", "x", "rho_opt [g/cm3]", "v_f,opt",
              "sigma_max [S/cm]", "new MD run [S/cm]", r->has_target ? "P(>=target) " : "", "flags");
    for (size_t it = 0; it < r->nT; ++it) {
        const ssoc_report_T *t = &r->t[it];
        for (size_t k = 0; k < r->ncomp; ++k) {
            const ssoc_report_comp *o = &t->comp[k];
            char fl[96], pe[32] = "";
            flags_text(fl, sizeof fl, o->edge, o->extrapolated);
            if (r->has_target)
                snprintf(pe, sizeof pe, "%-11.3f ", o->p_exceed);
            sb_printf(&b, "  %-6g %-6g  %-8.5f [%7.5f, %7.5f]  %-8.5f [%8.5f, %8.5f]  %.4e [%.3e, %.3e] [%.3e, %.3e] %s%s\n",
                      t->T_K, o->x, o->rho_opt.value, o->rho_opt.lo, o->rho_opt.hi, o->vf_opt.value, o->vf_opt.lo,
                      o->vf_opt.hi, o->sigma_max.value, o->sigma_max.lo, o->sigma_max.hi, o->sigma_pred.lo,
                      o->sigma_pred.hi, pe, fl);
        }
        if (!isfinite(t->x_best)) {
            sb_printf(&b, "    grid: no finite optimum at %g K\n", t->T_K);
            continue;
        }
        char fl[96];
        flags_text(fl, sizeof fl, t->rho_best_at_bound ? (t->rho_best.value == r->rho_lo ? SSOC_EDGE_LOWER : SSOC_EDGE_UPPER)
                                                       : SSOC_EDGE_NONE,
                   t->best_extrapolated);
        sb_printf(&b, "    best on the grid: x = %g%s, rho_opt %.5f [%.5f, %.5f] g/cm3, sigma_max %.4e [%.3e, %.3e] S/cm %s\n",
                  t->x_best, t->x_best_edge ? (t->x_best_edge > 0 ? " (upper edge of x)" : " (lower edge of x)") : "",
                  t->rho_best.value, t->rho_best.lo, t->rho_best.hi, t->sigma_best.value, t->sigma_best.lo,
                  t->sigma_best.hi, fl);
        flags_text(fl, sizeof fl, t->x_opt_edge, t->x_opt_extrapolated);
        sb_printf(&b, "    x_opt at rho = %g g/cm3: %.5f [%.5f, %.5f] %s (over all %zu densities: %zu inside, %zu on the "
                      "lower edge, %zu on the upper)\n",
                  t->rho_node, t->x_opt.value, t->x_opt.lo, t->x_opt.hi, fl, r->nrho, t->n_xopt_interior,
                  t->n_xopt_lower, t->n_xopt_upper);
        if (r->has_target)
            sb_printf(&b, "    P(sigma >= %g S/cm) at the grid node (x = %g, rho = %g): %.3f\n", r->target_S_cm, t->x_best,
                      t->rho_node, t->p_exceed_node);
    }
    sb_printf(&b, "design rule: %s\n", r->rule);
    if (r->trend[0])
        sb_printf(&b, "temperature: %s\n", r->trend);
    if (ssoc_data_range_one_T(&r->range)) {
        char caveat[512];
        ssoc_data_one_T_caveat(r->range.T_min_K, caveat, sizeof caveat);
        sb_printf(&b, "caveat: %s.\n", caveat);
    }
    return sb_take(&b);
}

/* ------------------------------------------------------------------ JSON */

static cJSON *jband(const ssoc_band *b)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "value", ssoc_json_number(b->value));
    cJSON_AddItemToObject(o, "lo", ssoc_json_number(b->lo));
    cJSON_AddItemToObject(o, "hi", ssoc_json_number(b->hi));
    return o;
}

static cJSON *jedge(ssoc_edge e)
{
    return e == SSOC_EDGE_NONE ? cJSON_CreateNull() : cJSON_CreateString(edge_word(e));
}

static cJSON *jextrap(unsigned bits)
{
    cJSON *a = cJSON_CreateArray();
    const char *w[3] = {"x", "v_f", "T"};
    for (int i = 0; i < 3; ++i)
        if (bits & (1u << i))
            cJSON_AddItemToArray(a, cJSON_CreateString(w[i]));
    return a;
}

static cJSON *jpair(double a, double b)
{
    cJSON *p = cJSON_CreateArray();
    cJSON_AddItemToArray(p, ssoc_json_number(a));
    cJSON_AddItemToArray(p, ssoc_json_number(b));
    return p;
}

char *ssoc_report_json(const ssoc_report *r)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    cJSON_AddStringToObject(root, "file", r->path);
    cJSON_AddStringToObject(root, "ssoc_version", r->version);
    cJSON_AddStringToObject(root, "params_source", r->params_source);
    cJSON_AddStringToObject(root, "interval", r->interval_name);
    cJSON_AddItemToObject(root, "confidence", ssoc_json_number(r->confidence));
    cJSON *jk = cJSON_AddObjectToObject(root, "bands");
    char covers[160];
    snprintf(covers, sizeof covers, "%g%% confidence band of the model's optimum", 100 * r->confidence);
    cJSON_AddStringToObject(jk, "rho_opt_g_cm3, vf_opt, sigma_max_S_cm, x_opt", covers);
    snprintf(covers, sizeof covers, "%g%% %s (the optimum)", 100 * r->confidence, SSOC_BAND_WORDS_PREDICTION);
    if (r->pred_e)
        cJSON_AddStringToObject(jk, "sigma_max_prediction_S_cm", covers);
    else
        cJSON_AddNullToObject(jk, "sigma_max_prediction_S_cm");
    cJSON_AddItemToObject(root, "B", cJSON_CreateNumber((double)r->B));
    cJSON_AddItemToObject(root, "n_failed", cJSON_CreateNumber((double)(r->B - r->n_ok)));
    cJSON_AddItemToObject(root, "target_sigma_S_cm", r->has_target ? ssoc_json_number(r->target_S_cm) : cJSON_CreateNull());
    cJSON *g = cJSON_AddObjectToObject(root, "searched");
    cJSON_AddItemToObject(g, "x", jpair(r->x_lo, r->x_hi));
    cJSON_AddItemToObject(g, "rho_g_cm3", jpair(r->rho_lo, r->rho_hi));
    cJSON *d = cJSON_AddObjectToObject(root, "data_range");
    cJSON_AddItemToObject(d, "n_points", cJSON_CreateNumber((double)r->n_data));
    cJSON_AddItemToObject(d, "x", jpair(r->range.x_min, r->range.x_max));
    cJSON_AddItemToObject(d, "v_f", jpair(r->range.vf_min, r->range.vf_max));
    cJSON_AddItemToObject(d, "T_K", jpair(r->range.T_min_K, r->range.T_max_K));
    cJSON_AddItemToObject(root, "single_temperature", ssoc_json_one_T(&r->range));
    cJSON *ts = cJSON_AddArrayToObject(root, "temperatures");
    for (size_t it = 0; it < r->nT; ++it) {
        const ssoc_report_T *t = &r->t[it];
        cJSON *jt = cJSON_CreateObject();
        cJSON_AddItemToArray(ts, jt);
        cJSON_AddItemToObject(jt, "T_K", ssoc_json_number(t->T_K));
        cJSON_AddItemToObject(jt, "T_index", cJSON_CreateNumber((double)t->it));
        cJSON_AddBoolToObject(jt, "T_extrapolated", t->T_K < r->range.T_min_K || t->T_K > r->range.T_max_K);
        cJSON_AddBoolToObject(jt, "vf_opt_same_at_every_x", t->vf_common);
        cJSON *cs = cJSON_AddArrayToObject(jt, "compositions");
        for (size_t k = 0; k < r->ncomp; ++k) {
            const ssoc_report_comp *o = &t->comp[k];
            cJSON *jc = cJSON_CreateObject();
            cJSON_AddItemToArray(cs, jc);
            cJSON_AddItemToObject(jc, "x", ssoc_json_number(o->x));
            cJSON_AddItemToObject(jc, "rho_opt_g_cm3", jband(&o->rho_opt));
            cJSON_AddItemToObject(jc, "vf_opt", jband(&o->vf_opt));
            cJSON_AddItemToObject(jc, "sigma_max_S_cm", jband(&o->sigma_max));
            cJSON_AddItemToObject(jc, "sigma_max_prediction_S_cm", jband(&o->sigma_pred));
            cJSON_AddItemToObject(jc, "boundary", jedge(o->edge));
            cJSON_AddItemToObject(jc, "extrapolated", jextrap(o->extrapolated));
            cJSON_AddItemToObject(jc, "failed_replicates", cJSON_CreateNumber((double)o->n_failed));
            if (r->has_target)
                cJSON_AddItemToObject(jc, "p_exceed", ssoc_json_number(o->p_exceed));
        }
        cJSON *gb = cJSON_AddObjectToObject(jt, "grid_best");
        cJSON_AddItemToObject(gb, "x_index", cJSON_CreateNumber((double)t->ix_best));
        cJSON_AddItemToObject(gb, "x", ssoc_json_number(t->x_best));
        cJSON_AddItemToObject(gb, "x_edge", jedge(t->x_best_edge));
        cJSON_AddItemToObject(gb, "rho_opt_g_cm3", jband(&t->rho_best));
        cJSON_AddItemToObject(gb, "vf_opt", jband(&t->vf_best));
        cJSON_AddItemToObject(gb, "sigma_max_S_cm", jband(&t->sigma_best));
        cJSON_AddBoolToObject(gb, "rho_opt_at_bound", t->rho_best_at_bound);
        cJSON_AddItemToObject(gb, "extrapolated", jextrap(t->best_extrapolated));
        if (r->has_target) {
            cJSON_AddItemToObject(gb, "p_exceed_at_node", ssoc_json_number(t->p_exceed_node));
            cJSON *nd = cJSON_AddObjectToObject(gb, "p_exceed_node");
            cJSON_AddItemToObject(nd, "rho_index", cJSON_CreateNumber((double)t->ir_node));
            cJSON_AddItemToObject(nd, "x_index", cJSON_CreateNumber((double)t->ix_best));
        }
        cJSON *xo = cJSON_AddObjectToObject(jt, "x_opt");
        cJSON_AddItemToObject(xo, "rho_index", cJSON_CreateNumber((double)t->ir_node));
        cJSON_AddItemToObject(xo, "rho_g_cm3", ssoc_json_number(t->rho_node));
        cJSON_AddItemToObject(xo, "x_opt", jband(&t->x_opt));
        cJSON_AddItemToObject(xo, "sigma_max_S_cm", ssoc_json_number(t->x_opt_sigma));
        cJSON_AddBoolToObject(xo, "at_bound", t->x_opt_at_bound);
        cJSON_AddItemToObject(xo, "edge", jedge(t->x_opt_edge));
        cJSON_AddItemToObject(xo, "extrapolated", jextrap(t->x_opt_extrapolated));
        cJSON_AddItemToObject(xo, "densities_interior", cJSON_CreateNumber((double)t->n_xopt_interior));
        cJSON_AddItemToObject(xo, "densities_at_lower_edge", cJSON_CreateNumber((double)t->n_xopt_lower));
        cJSON_AddItemToObject(xo, "densities_at_upper_edge", cJSON_CreateNumber((double)t->n_xopt_upper));
    }
    cJSON_AddItemToObject(root, "rule_T_K", ssoc_json_number(r->t[r->it_ref].T_K));
    cJSON_AddStringToObject(root, "design_rule", r->rule);
    cJSON_AddStringToObject(root, "temperature_trend", r->trend);
    return ssoc_json_document(root);
}

/* ------------------------------------------------------------------ CSV */

static void csv_num(sbuf *b, double v)
{
    char buf[32];
    sb_printf(b, ",%s", isfinite(v) ? num(buf, v) : "");
}

/* the edge as a word and one boolean column per flag: lower, upper edge; x, v_f, T extrapolated */
static void csv_flags(sbuf *b, ssoc_edge edge, unsigned ext)
{
    static const char *const tf[2] = {"false", "true"};
    sb_printf(b, ",%s,%s,%s,%s,%s,%s", edge_word(edge), tf[edge == SSOC_EDGE_LOWER], tf[edge == SSOC_EDGE_UPPER],
              tf[(ext & 1u) != 0], tf[(ext & 2u) != 0], tf[(ext & 4u) != 0]);
}

char *ssoc_report_csv(const ssoc_report *r)
{
    sbuf b = {0};
    sb_printf(&b, "kind,T_K,x,x_lo,x_hi,rho_g_cm3,rho_lo,rho_hi,v_f,v_f_lo,v_f_hi,sigma_S_cm,sigma_lo,sigma_hi,edge,"
                  "at_lower_edge,at_upper_edge,extrapolated_x,extrapolated_v_f,extrapolated_T,p_exceed,"
                  "sigma_pred_lo,sigma_pred_hi\n");
    for (size_t it = 0; it < r->nT; ++it) {
        const ssoc_report_T *t = &r->t[it];
        for (size_t k = 0; k < r->ncomp; ++k) {
            const ssoc_report_comp *o = &t->comp[k];
            sb_printf(&b, "rho_opt");
            csv_num(&b, t->T_K), csv_num(&b, o->x), csv_num(&b, NAN), csv_num(&b, NAN);
            csv_num(&b, o->rho_opt.value), csv_num(&b, o->rho_opt.lo), csv_num(&b, o->rho_opt.hi);
            csv_num(&b, o->vf_opt.value), csv_num(&b, o->vf_opt.lo), csv_num(&b, o->vf_opt.hi);
            csv_num(&b, o->sigma_max.value), csv_num(&b, o->sigma_max.lo), csv_num(&b, o->sigma_max.hi);
            csv_flags(&b, o->edge, o->extrapolated);
            csv_num(&b, o->p_exceed);
            csv_num(&b, o->sigma_pred.lo), csv_num(&b, o->sigma_pred.hi);
            sb_printf(&b, "\n");
        }
        const ssoc_edge be = t->rho_best_at_bound ? (t->rho_best.value == r->rho_lo ? SSOC_EDGE_LOWER : SSOC_EDGE_UPPER)
                                                  : SSOC_EDGE_NONE;
        sb_printf(&b, "rho_opt_grid_best");
        csv_num(&b, t->T_K), csv_num(&b, t->x_best), csv_num(&b, NAN), csv_num(&b, NAN);
        csv_num(&b, t->rho_best.value), csv_num(&b, t->rho_best.lo), csv_num(&b, t->rho_best.hi);
        csv_num(&b, t->vf_best.value), csv_num(&b, t->vf_best.lo), csv_num(&b, t->vf_best.hi);
        csv_num(&b, t->sigma_best.value), csv_num(&b, t->sigma_best.lo), csv_num(&b, t->sigma_best.hi);
        csv_flags(&b, be, t->best_extrapolated);
        csv_num(&b, t->p_exceed_node);
        csv_num(&b, NAN), csv_num(&b, NAN);
        sb_printf(&b, "\n");
        sb_printf(&b, "x_opt");
        csv_num(&b, t->T_K), csv_num(&b, t->x_opt.value), csv_num(&b, t->x_opt.lo), csv_num(&b, t->x_opt.hi);
        csv_num(&b, t->rho_node), csv_num(&b, NAN), csv_num(&b, NAN);
        csv_num(&b, ssoc_model_vf(t->x_opt.value, t->rho_node)), csv_num(&b, NAN), csv_num(&b, NAN);
        csv_num(&b, t->x_opt_sigma), csv_num(&b, NAN), csv_num(&b, NAN);
        csv_flags(&b, t->x_opt_edge, t->x_opt_extrapolated);
        csv_num(&b, NAN);
        csv_num(&b, NAN), csv_num(&b, NAN);
        sb_printf(&b, "\n");
    }
    return sb_take(&b);
}
