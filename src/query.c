/* Which designs reach a target conductivity at a stated confidence (query.h): `ssoc query` and the
 * region `ssoc plot --sigma` draws. P(sigma >= target) is read from /sigma/p_exceed when the file
 * was swept with this target, else recomputed from the replicate table with the sweep's own
 * kernel call, column by column, so the numbers are the sweep's to the bit. The region, the best
 * designs and the sentences come from P, /sigma/best, lo, hi and /extrapolated as stored. */
#include "ssoc/query.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "ssoc/kernel.h"
#include "ssoc/kernel_isa.h"

/* ------------------------------------------------------------------ P from the replicates */

/* P(sigma >= target) at every grid column for the temperatures its[0..n), into P[k][col]
 * (col = irho * nx + ix): the sweep's kernel call with the sweep's sets (successful replicate rows
 * in file order, the point parameters) and its inverse temperatures, one column at a time. Only
 * p_exceed is kept; the bands computed alongside are the file's and are read from it instead. */
static ssoc_status recompute_p(const ssoc_sweepfile *sf, const ssoc_query_opts *o, const size_t *its, size_t n,
                               double *P, ssoc_error *err)
{
    const size_t ncols = sf->nx * sf->nrho;
    ssoc_paramsets *reps = ssoc_paramsets_alloc(sf->boot, sf->boot_ok, sf->B);
    ssoc_paramsets *best = ssoc_paramsets_alloc(sf->best.p, NULL, 1);
    double *inv_T = aligned_alloc(64, (n * sizeof(double) + 63) / 64 * 64);
    ssoc_status st = SSOC_OK;
    if (!reps || !best || !inv_T) {
        st = SSOC_ERR(err, SSOC_ENOMEM, "no memory for the replicate sets");
        goto out;
    }
    for (size_t k = 0; k < n; ++k)
        inv_T[k] = 1.0 / sf->T_K[its[k]];
    /* the kernel needs no leave-one-out sets for p_exceed, whatever the file's interval */
    const ssoc_kernel_ctx ctx = {.reps = reps, .best = best, .jack = NULL, .nT = n, .inv_T = inv_T,
                                 .confidence = sf->confidence, .interval = SSOC_CI_PERCENTILE, .q_lo = sf->q_lo,
                                 .q_hi = sf->q_hi, .has_target = 1, .target_S_cm = o->target_S_cm};
    int nomem = 0;
#pragma omp parallel
    {
        ssoc_kernel_ws *ws = ssoc_kernel_ws_alloc(&ctx);
        double *buf = malloc(5 * n * sizeof *buf);
        if (!ws || !buf) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(dynamic, 64)
        for (size_t c = 0; c < ncols; ++c) {
            if (!ws || !buf)
                continue;
            ssoc_column col;
            ssoc_column_init(sf->x[c % sf->nx], sf->rho_g_cm3[c / sf->nx], &col);
            ssoc_kernel_column(&ctx, ws, &col, 1, buf, buf + n, buf + 2 * n, buf + 3 * n, buf + 4 * n, NULL, NULL);
            for (size_t k = 0; k < n; ++k)
                P[k * ncols + c] = buf[4 * n + k];
        }
        free(buf);
        ssoc_kernel_ws_free(ws);
    }
    if (nomem)
        st = SSOC_ERR(err, SSOC_ENOMEM, "no memory for the kernel's workspaces");
out:
    ssoc_paramsets_free(reps);
    ssoc_paramsets_free(best);
    free(inv_T);
    return st;
}

/* The sweep's kernel variant when this CPU runs it (the bits of the sweep's P), else the current
 * one. Sets q->kernel_isa; *prev receives the variant to restore afterwards. */
static void choose_kernel(const ssoc_sweepfile *sf, ssoc_query *q, ssoc_kernel_isa *prev)
{
    *prev = ssoc_kernel_isa_current();
    ssoc_kernel_isa isa;
    if (sf->kernel_isa[0] && ssoc_kernel_isa_parse(sf->kernel_isa, &isa) == 0 && ssoc_kernel_isa_supported(isa))
        ssoc_kernel_isa_set(isa, NULL);
    snprintf(q->kernel_isa, sizeof q->kernel_isa, "%s", ssoc_kernel_isa_name(ssoc_kernel_isa_current()));
}

/* ------------------------------------------------------------------ the region at one T */

/* the file's values at column c of temperature slice k */
typedef struct slices {
    double *best, *lo, *hi;
    uint8_t *ext;
} slices;

static void point_at(const ssoc_sweepfile *sf, const slices *s, const double *P, size_t c, double T,
                     ssoc_query_point *pt)
{
    const double x = sf->x[c % sf->nx], rho = sf->rho_g_cm3[c / sf->nx];
    *pt = (ssoc_query_point){.x = x, .rho_g_cm3 = rho, .T_K = T, .v_f = ssoc_model_vf(x, rho), .p = P[c],
                             .sigma_S_cm = s->best[c], .lo = s->lo[c], .hi = s->hi[c], .extrapolated = s->ext[c]};
}

/* a is better than b: higher P, then higher sigma (the scan order settles the rest) */
static int better(double pa, double sa, double pb, double sb) { return pa > pb || (pa == pb && sa > sb); }

/* The region, its extent and the best designs at temperature slot k; qualifying points appended
 * to q->points when kept. */
static ssoc_status region_at(const ssoc_sweepfile *sf, const ssoc_query_opts *o, const slices *s, const double *P,
                             ssoc_query *q, ssoc_query_T *t)
{
    const size_t ncols = sf->nx * sf->nrho;
    t->x_min = t->rho_min = INFINITY, t->x_max = t->rho_max = -INFINITY;
    long ib = -1, ii = -1;
    for (size_t c = 0; c < ncols; ++c) {
        const unsigned e = s->ext[c];
        const int inside = (e & (SSOC_EXTRAP_X | SSOC_EXTRAP_VF)) == 0;
        if (ib < 0 || better(P[c], s->best[c], P[ib], s->best[ib]))
            ib = (long)c;
        if (inside && (ii < 0 || better(P[c], s->best[c], P[ii], s->best[ii])))
            ii = (long)c;
        if (!(P[c] >= o->confidence))
            continue;
        const double x = sf->x[c % sf->nx], rho = sf->rho_g_cm3[c / sf->nx];
        ++t->n_region;
        t->n_inside += inside;
        t->n_out_x += (e & SSOC_EXTRAP_X) != 0;
        t->n_out_vf += (e & SSOC_EXTRAP_VF) != 0;
        t->x_min = fmin(t->x_min, x), t->x_max = fmax(t->x_max, x);
        t->rho_min = fmin(t->rho_min, rho), t->rho_max = fmax(t->rho_max, rho);
        if (o->keep_points) {
            if (q->npoints % 4096 == 0) {
                ssoc_query_point *np = realloc(q->points, (q->npoints + 4096) * sizeof *np);
                if (!np)
                    return SSOC_ENOMEM;
                q->points = np;
            }
            point_at(sf, s, P, c, t->T_K, &q->points[q->npoints++]);
        }
    }
    if (!t->n_region)
        t->x_min = t->x_max = t->rho_min = t->rho_max = NAN;
    point_at(sf, s, P, (size_t)ib, t->T_K, &t->best);
    t->has_inside = ii >= 0;
    if (t->has_inside)
        point_at(sf, s, P, (size_t)ii, t->T_K, &t->best_inside);
    return SSOC_OK;
}

/* ------------------------------------------------------------------ words */

/* "x", "v_f", "T" for the bits set, joined with " and " */
static const char *outside_words(unsigned bits, char *buf, size_t cap)
{
    static const char *const w[3] = {"x", "v_f", "T"};
    buf[0] = '\0';
    for (int i = 0; i < 3; ++i)
        if (bits & (1u << i))
            snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", buf[0] ? " and " : "", w[i]);
    return buf;
}

/* "500" or "300-800" */
static const char *range_words(double a, double b, char *buf, size_t cap)
{
    if (a == b)
        snprintf(buf, cap, "%g", a);
    else
        snprintf(buf, cap, "%g-%g", a, b);
    return buf;
}

/* "x = 0.75, rho = 1.729 g/cm3 (sigma = 3.6 mS/cm, 95% band 2.96-4.44)" */
static void design_words(const ssoc_query *q, const ssoc_query_point *p, char *buf, size_t cap)
{
    snprintf(buf, cap, "x = %.4g, rho = %.4g g/cm3 (sigma = %.3g mS/cm, %g%% band %.3g-%.3g)", p->x, p->rho_g_cm3,
             1e3 * p->sigma_S_cm, 100 * q->band_confidence, 1e3 * p->lo, 1e3 * p->hi);
}

/* ", outside the fitted x" for a design outside the fitted x or v_f ("" inside) */
static const char *outside_clause(const ssoc_query_point *p, char *buf, size_t cap)
{
    char w[64];
    const unsigned b = p->extrapolated & (SSOC_EXTRAP_X | SSOC_EXTRAP_VF);
    buf[0] = '\0';
    if (b)
        snprintf(buf, cap, ", outside the fitted %s", outside_words(b, w, sizeof w));
    return buf;
}

static void answer_at(const ssoc_query *q, ssoc_query_T *t)
{
    char *a = t->answer, d1[256], d2[256] = "", o1[80], tr[64];
    const size_t cap = sizeof t->answer, ngrid = q->nx * q->nrho;
    const ssoc_query_point *b = &t->best, *bi = &t->best_inside;
    design_words(q, b, d1, sizeof d1);
    outside_clause(b, o1, sizeof o1);
    if (t->has_inside)
        design_words(q, bi, d2, sizeof d2);
    const int same = t->has_inside && bi->x == b->x && bi->rho_g_cm3 == b->rho_g_cm3;
    int n;
    if (t->n_region) {
        n = snprintf(a, cap, "At %g K, sigma >= %g mS/cm with P >= %g at %zu of %zu grid designs (x %.4g-%.4g, rho "
                     "%.4g-%.4g g/cm3); %zu of them inside the fitted x and v_f.", t->T_K, 1e3 * q->target_S_cm,
                     q->confidence, t->n_region, ngrid, t->x_min, t->x_max, t->rho_min, t->rho_max, t->n_inside);
        if (t->has_inside)
            n += snprintf(a + n, cap - (size_t)n, " %s inside the data: P = %.3f at %s.",
                          bi->p >= q->confidence ? "Best" : "Not reached inside the fitted x and v_f; the best", bi->p,
                          d2);
        if (!same)
            n += snprintf(a + n, cap - (size_t)n, " Best anywhere: P = %.3f at %s%s.", b->p, d1, o1);
    } else if (b->p > 0) {
        n = snprintf(a, cap, "At %g K, nowhere at P >= %g: the best is P = %.3f at %s%s", t->T_K, q->confidence, b->p,
                     d1, o1);
        if (t->has_inside && !same)
            n += snprintf(a + n, cap - (size_t)n, "; inside the fitted x and v_f, P = %.3f at %s", bi->p, d2);
        else if (!t->has_inside)
            n += snprintf(a + n, cap - (size_t)n, "; no grid point lies inside the fitted x and v_f");
        n += snprintf(a + n, cap - (size_t)n, ".");
    } else {
        n = snprintf(a, cap, "At %g K, nowhere at P >= %g: no replicate reaches %g mS/cm at any grid point; the highest "
                     "sigma is at %s%s.", t->T_K, q->confidence, 1e3 * q->target_S_cm, d1, o1);
    }
    if (t->T_extrapolated && n > 0 && (size_t)n < cap)
        snprintf(a + n, cap - (size_t)n, " %g K is outside the fitted temperatures (%s K): every P here is an "
                 "extrapolation in T.", t->T_K, range_words(q->range.T_min_K, q->range.T_max_K, tr, sizeof tr));
}

/* ------------------------------------------------------------------ the query */

static ssoc_status check_opts(const ssoc_sweepfile *sf, const ssoc_query_opts *o, ssoc_error *err)
{
    if (!(o->target_S_cm > 0) || !isfinite(o->target_S_cm))
        return SSOC_ERR(err, SSOC_EINVAL, "target sigma %g S/cm is not a positive number", o->target_S_cm);
    if (!(o->confidence > 0 && o->confidence <= 1))
        return SSOC_ERR(err, SSOC_EINVAL, "confidence %g is not in (0, 1]", o->confidence);
    if (o->its && o->nits == 0)
        return SSOC_ERR(err, SSOC_EINVAL, "no temperature asked");
    for (size_t k = 0; o->its && k < o->nits; ++k)
        if (o->its[k] >= sf->nT || (k && o->its[k] <= o->its[k - 1]))
            return SSOC_ERR(err, SSOC_EINVAL, "temperature indices must be increasing and below %zu", sf->nT);
    if (sf->n_ok < 1)
        return SSOC_ERR(err, SSOC_EDATA, "%s: no successful bootstrap replicate: P(sigma >= target) is undefined",
                        sf->path);
    return SSOC_OK;
}

static void query_head(const ssoc_sweepfile *sf, const ssoc_query_opts *o, ssoc_query *q)
{
    snprintf(q->path, sizeof q->path, "%s", sf->path);
    q->target_S_cm = o->target_S_cm, q->confidence = o->confidence;
    q->file_target = sf->has_target, q->file_target_S_cm = sf->has_target ? sf->target_S_cm : NAN;
    snprintf(q->file_kernel_isa, sizeof q->file_kernel_isa, "%s", sf->kernel_isa);
    q->B = sf->B, q->n_ok = sf->n_ok;
    q->band_confidence = sf->confidence;
    snprintf(q->interval_name, sizeof q->interval_name, "%s", sf->interval_name);
    q->range = sf->range;
    q->nx = sf->nx, q->nrho = sf->nrho;
    q->x_lo = sf->x[0], q->x_hi = sf->x[sf->nx - 1];
    q->rho_lo = sf->rho_g_cm3[0], q->rho_hi = sf->rho_g_cm3[sf->nrho - 1];
}

ssoc_status ssoc_query_run(const ssoc_sweepfile *sf, const ssoc_query_opts *o, ssoc_query **out, ssoc_error *err)
{
    *out = NULL;
    ssoc_status st = check_opts(sf, o, err);
    if (st)
        return st;
    const size_t n = o->its ? o->nits : sf->nT, ncols = sf->nx * sf->nrho;
    ssoc_query *q = calloc(1, sizeof *q);
    size_t *its = malloc((n ? n : 1) * sizeof *its);
    double *P = malloc(n * ncols * sizeof *P);
    slices s = {malloc(ncols * sizeof(double)), malloc(ncols * sizeof(double)), malloc(ncols * sizeof(double)),
                malloc(ncols)};
    if (q)
        q->t = calloc(n ? n : 1, sizeof *q->t);
    if (!q || !q->t || !its || !P || !s.best || !s.lo || !s.hi || !s.ext) {
        st = SSOC_ERR(err, SSOC_ENOMEM, "no memory for the query (%zu temperatures x %zu grid points)", n, ncols);
        goto out;
    }
    query_head(sf, o, q);
    q->nT = n;
    q->points_kept = o->keep_points != 0;
    for (size_t k = 0; k < n; ++k)
        its[k] = o->its ? o->its[k] : k;
    q->recomputed = o->recompute || !sf->has_target || o->target_S_cm != sf->target_S_cm;
    if (q->recomputed) {
        ssoc_kernel_isa prev;
        choose_kernel(sf, q, &prev);
        st = recompute_p(sf, o, its, n, P, err);
        ssoc_kernel_isa_set(prev, NULL);
    }
    for (size_t k = 0; !st && k < n; ++k) {
        ssoc_query_T *t = &q->t[k];
        double *Pk = P + k * ncols;
        t->it = its[k], t->T_K = sf->T_K[its[k]];
        t->T_extrapolated = t->T_K < sf->range.T_min_K || t->T_K > sf->range.T_max_K;
        if ((!q->recomputed && (st = ssoc_sweepfile_slice(sf, "/sigma/p_exceed", t->it, Pk, err))) ||
            (st = ssoc_sweepfile_slice(sf, "/sigma/best", t->it, s.best, err)) ||
            (st = ssoc_sweepfile_slice(sf, "/sigma/lo", t->it, s.lo, err)) ||
            (st = ssoc_sweepfile_slice(sf, "/sigma/hi", t->it, s.hi, err)) ||
            (st = ssoc_sweepfile_slice_u8(sf, "/extrapolated", t->it, s.ext, err)))
            break;
        if (region_at(sf, o, &s, Pk, q, t)) {
            st = SSOC_ERR(err, SSOC_ENOMEM, "no memory for the qualifying points");
            break;
        }
        answer_at(q, t);
        if (o->keep_maps) {
            if (!(t->p = malloc(ncols * sizeof *t->p))) {
                st = SSOC_ERR(err, SSOC_ENOMEM, "no memory for the P maps");
                break;
            }
            memcpy(t->p, Pk, ncols * sizeof *t->p);
        }
    }
out:
    free(its), free(P), free(s.best), free(s.lo), free(s.hi), free(s.ext);
    if (st)
        ssoc_query_free(q);
    else
        *out = q;
    return st;
}

void ssoc_query_free(ssoc_query *q)
{
    if (!q)
        return;
    for (size_t k = 0; q->t && k < q->nT; ++k)
        free(q->t[k].p);
    free(q->t);
    free(q->points);
    free(q);
}

/* ------------------------------------------------------------------ output */

static const char *p_source(const ssoc_query *q)
{
    return q->recomputed ? "recomputed" : "file";
}

/* the output text of an open_memstream, or NULL */
static char *stream_take(FILE *f, char **buf)
{
    const int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(*buf);
        return NULL;
    }
    return *buf;
}

static void text_design(FILE *f, const char *what, const ssoc_query_T *t, const ssoc_query_point *p)
{
    char w[64];
    const unsigned b = p->extrapolated & (SSOC_EXTRAP_X | SSOC_EXTRAP_VF);
    fprintf(f, "    %-30s x = %-7.5g rho = %-7.5g v_f = %-8.4f P = %.3f  sigma = %.4e [%.3e, %.3e] S/cm%s%s%s\n",
            what, p->x, p->rho_g_cm3, p->v_f, p->p, p->sigma_S_cm, p->lo, p->hi, b ? "  outside the fitted " : "",
            b ? outside_words(b, w, sizeof w) : "", t->T_extrapolated ? (b ? " and T" : "  outside the fitted T") : "");
}

static void text_points(FILE *f, const ssoc_query *q)
{
    fprintf(f, "qualifying points (%zu):\n  %-7s %-9s %-9s %-9s %-7s %-36s %s\n", q->npoints, "T [K]", "x",
            "rho", "v_f", "P", "sigma [S/cm] and band", "outside the fitted");
    for (size_t i = 0; i < q->npoints; ++i) {
        const ssoc_query_point *p = &q->points[i];
        char w[64];
        fprintf(f, "  %-7g %-9.6g %-9.6g %-9.5f %-7.3f %.4e [%.3e, %.3e] %s\n", p->T_K, p->x, p->rho_g_cm3, p->v_f,
                p->p, p->sigma_S_cm, p->lo, p->hi, outside_words(p->extrapolated, w, sizeof w));
    }
}

char *ssoc_query_text(const ssoc_query *q, int points)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fprintf(f, "query: sigma >= %g S/cm (%g mS/cm) with P >= %g, P = the fraction of the %zu successful bootstrap "
               "replicates (of %zu) whose model sigma reaches it\n",
            q->target_S_cm, 1e3 * q->target_S_cm, q->confidence, q->n_ok, q->B);
    if (q->recomputed)
        fprintf(f, "  P recomputed from the file's replicate table (kernel %s%s%s)\n", q->kernel_isa,
                !strcmp(q->kernel_isa, q->file_kernel_isa) ? ", as the sweep ran" : "; the sweep ran ",
                !strcmp(q->kernel_isa, q->file_kernel_isa) ? "" : q->file_kernel_isa[0] ? q->file_kernel_isa : "an unrecorded one");
    else
        fprintf(f, "  P read from /sigma/p_exceed (the sweep's own target)\n");
    char tr[64];
    fprintf(f, "  file %s: grid %zu x %zu (x %g-%g, rho %g-%g g/cm3); fitted data x %g-%g, v_f %.3g-%.3g, T %s K\n",
            q->path, q->nx, q->nrho, q->x_lo, q->x_hi, q->rho_lo, q->rho_hi, q->range.x_min, q->range.x_max,
            q->range.vf_min, q->range.vf_max, range_words(q->range.T_min_K, q->range.T_max_K, tr, sizeof tr));
    fprintf(f, "  %-7s %-9s %-9s %-19s %-21s %-12s %-10s %s\n", "T [K]", "points", "of grid", "x range",
            "rho range [g/cm3]", "inside data", "outside x", "outside v_f");
    for (size_t k = 0; k < q->nT; ++k) {
        const ssoc_query_T *t = &q->t[k];
        char xr[64] = "-", rr[64] = "-", sh[32];
        if (t->n_region)
            snprintf(xr, sizeof xr, "%.5g-%.5g", t->x_min, t->x_max), snprintf(rr, sizeof rr, "%.5g-%.5g", t->rho_min, t->rho_max);
        snprintf(sh, sizeof sh, "%.3g%%", 100.0 * (double)t->n_region / (double)(q->nx * q->nrho));
        fprintf(f, "  %-7g %-9zu %-9s %-19s %-21s %-12zu %-10zu %zu\n", t->T_K, t->n_region, sh, xr, rr, t->n_inside,
                t->n_out_x, t->n_out_vf);
        if (t->has_inside)
            text_design(f, "best inside the fitted x, v_f:", t, &t->best_inside);
        text_design(f, "best anywhere on the grid:", t, &t->best);
    }
    for (size_t k = 0; k < q->nT; ++k)
        fprintf(f, "answer: %s\n", q->t[k].answer);
    if (points)
        text_points(f, q);
    return stream_take(f, &buf);
}

/* ---- CSV */

static void csv_num(FILE *f, double v)
{
    char b[32] = "";
    if (isfinite(v))
        ssoc_json_format_double(b, sizeof b, v);
    fprintf(f, ",%s", b);
}

static void csv_flags(FILE *f, unsigned e)
{
    static const char *const tf[2] = {"false", "true"};
    fprintf(f, ",%s,%s,%s", tf[(e & SSOC_EXTRAP_X) != 0], tf[(e & SSOC_EXTRAP_VF) != 0], tf[(e & SSOC_EXTRAP_T) != 0]);
}

/* x, rho, v_f, p, sigma, lo, hi and the three flags of a design (all empty when absent) */
static void csv_design(FILE *f, const ssoc_query_point *p, int has)
{
    const double v[7] = {p->x, p->rho_g_cm3, p->v_f, p->p, p->sigma_S_cm, p->lo, p->hi};
    for (int i = 0; i < 7; ++i)
        csv_num(f, has ? v[i] : NAN);
    if (has)
        csv_flags(f, p->extrapolated);
    else
        fputs(",,,", f);
}

char *ssoc_query_csv(const ssoc_query *q, int points)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    static const char *const dcols = "x,rho_g_cm3,v_f,p_exceed,sigma_S_cm,sigma_lo,sigma_hi,extrapolated_x,"
                                     "extrapolated_v_f,extrapolated_T";
    if (points) {
        fprintf(f, "T_K,%s\n", dcols);
        for (size_t i = 0; i < q->npoints; ++i) {
            char b[32];
            ssoc_json_format_double(b, sizeof b, q->points[i].T_K);
            fputs(b, f);
            csv_design(f, &q->points[i], 1);
            fputc('\n', f);
        }
        return stream_take(f, &buf);
    }
    fputs("T_K,T_extrapolated,target_S_cm,confidence,p_source,n_grid,n_region,n_inside,n_outside_x,n_outside_v_f,"
          "x_min,x_max,rho_min,rho_max",
          f);
    for (int k = 0; k < 2; ++k) {
        const char *pre = k ? "inside_" : "best_";
        char cols[400], *c = cols;
        snprintf(cols, sizeof cols, "%s", dcols);
        for (char *tok = strtok_r(c, ",", &c); tok; tok = strtok_r(NULL, ",", &c))
            fprintf(f, ",%s%s", pre, tok);
    }
    fputc('\n', f);
    for (size_t k = 0; k < q->nT; ++k) {
        const ssoc_query_T *t = &q->t[k];
        char b[32];
        ssoc_json_format_double(b, sizeof b, t->T_K);
        fprintf(f, "%s,%s", b, t->T_extrapolated ? "true" : "false");
        csv_num(f, q->target_S_cm), csv_num(f, q->confidence);
        fprintf(f, ",%s,%zu,%zu,%zu,%zu,%zu", p_source(q), q->nx * q->nrho, t->n_region, t->n_inside, t->n_out_x,
                t->n_out_vf);
        csv_num(f, t->x_min), csv_num(f, t->x_max), csv_num(f, t->rho_min), csv_num(f, t->rho_max);
        csv_design(f, &t->best, 1);
        csv_design(f, &t->best_inside, t->has_inside);
        fputc('\n', f);
    }
    return stream_take(f, &buf);
}

/* ---- JSON */

static cJSON *json_design(const ssoc_query_point *p)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddItemToObject(o, "x", ssoc_json_number(p->x));
    cJSON_AddItemToObject(o, "rho_g_cm3", ssoc_json_number(p->rho_g_cm3));
    cJSON_AddItemToObject(o, "T_K", ssoc_json_number(p->T_K));
    cJSON_AddItemToObject(o, "v_f", ssoc_json_number(p->v_f));
    cJSON_AddItemToObject(o, "p_exceed", ssoc_json_number(p->p));
    cJSON_AddItemToObject(o, "sigma_S_cm", ssoc_json_number(p->sigma_S_cm));
    cJSON_AddItemToObject(o, "sigma_lo", ssoc_json_number(p->lo));
    cJSON_AddItemToObject(o, "sigma_hi", ssoc_json_number(p->hi));
    cJSON *e = cJSON_AddObjectToObject(o, "extrapolated");
    cJSON_AddBoolToObject(e, "x", (p->extrapolated & SSOC_EXTRAP_X) != 0);
    cJSON_AddBoolToObject(e, "v_f", (p->extrapolated & SSOC_EXTRAP_VF) != 0);
    cJSON_AddBoolToObject(e, "T", (p->extrapolated & SSOC_EXTRAP_T) != 0);
    return o;
}

static cJSON *json_range(double a, double b)
{
    if (!isfinite(a))
        return cJSON_CreateNull();
    cJSON *r = cJSON_CreateArray();
    cJSON_AddItemToArray(r, ssoc_json_number(a));
    cJSON_AddItemToArray(r, ssoc_json_number(b));
    return r;
}

static void json_head(cJSON *root, const ssoc_query *q)
{
    cJSON_AddStringToObject(root, "file", q->path);
    cJSON_AddItemToObject(root, "target_S_cm", ssoc_json_number(q->target_S_cm));
    cJSON_AddItemToObject(root, "confidence", ssoc_json_number(q->confidence));
    cJSON_AddStringToObject(root, "p_source", p_source(q));
    if (q->recomputed)
        cJSON_AddStringToObject(root, "kernel_isa", q->kernel_isa);
    else
        cJSON_AddNullToObject(root, "kernel_isa");
    cJSON_AddStringToObject(root, "file_kernel_isa", q->file_kernel_isa);
    cJSON_AddItemToObject(root, "file_target_S_cm", ssoc_json_number(q->file_target_S_cm));
    cJSON_AddNumberToObject(root, "replicates", (double)q->B);
    cJSON_AddNumberToObject(root, "replicates_ok", (double)q->n_ok);
    cJSON *band = cJSON_AddObjectToObject(root, "band");
    cJSON_AddItemToObject(band, "confidence", ssoc_json_number(q->band_confidence));
    cJSON_AddStringToObject(band, "interval", q->interval_name);
    cJSON *d = cJSON_AddObjectToObject(root, "fitted_data");
    cJSON_AddItemToObject(d, "x", json_range(q->range.x_min, q->range.x_max));
    cJSON_AddItemToObject(d, "v_f", json_range(q->range.vf_min, q->range.vf_max));
    cJSON_AddItemToObject(d, "T_K", json_range(q->range.T_min_K, q->range.T_max_K));
    cJSON *g = cJSON_AddObjectToObject(root, "grid");
    cJSON_AddNumberToObject(g, "nx", (double)q->nx);
    cJSON_AddNumberToObject(g, "nrho", (double)q->nrho);
    cJSON_AddItemToObject(g, "x", json_range(q->x_lo, q->x_hi));
    cJSON_AddItemToObject(g, "rho_g_cm3", json_range(q->rho_lo, q->rho_hi));
}

char *ssoc_query_json(const ssoc_query *q)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    json_head(root, q);
    cJSON *ts = cJSON_AddArrayToObject(root, "temperatures");
    for (size_t k = 0; k < q->nT; ++k) {
        const ssoc_query_T *t = &q->t[k];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(ts, o);
        cJSON_AddItemToObject(o, "T_K", ssoc_json_number(t->T_K));
        cJSON_AddBoolToObject(o, "T_extrapolated", t->T_extrapolated);
        cJSON_AddNumberToObject(o, "n_grid", (double)(q->nx * q->nrho));
        cJSON_AddNumberToObject(o, "n_region", (double)t->n_region);
        cJSON_AddNumberToObject(o, "n_inside", (double)t->n_inside);
        cJSON_AddNumberToObject(o, "n_outside_x", (double)t->n_out_x);
        cJSON_AddNumberToObject(o, "n_outside_v_f", (double)t->n_out_vf);
        cJSON_AddItemToObject(o, "x_range", json_range(t->x_min, t->x_max));
        cJSON_AddItemToObject(o, "rho_range", json_range(t->rho_min, t->rho_max));
        cJSON_AddItemToObject(o, "best", json_design(&t->best));
        cJSON_AddItemToObject(o, "best_inside", t->has_inside ? json_design(&t->best_inside) : cJSON_CreateNull());
        cJSON_AddStringToObject(o, "answer", t->answer);
    }
    if (q->points_kept) {
        cJSON *pts = cJSON_AddArrayToObject(root, "points");
        for (size_t i = 0; i < q->npoints; ++i)
            cJSON_AddItemToArray(pts, json_design(&q->points[i]));
    }
    return ssoc_json_document(root);
}
