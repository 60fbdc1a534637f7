/* The fit: the three-stage least-squares fit of docs/MODEL.md, "Fitting", the joint fit of every
 * free parameter at once, the joint residuals and leverages, and the fit-quality metrics.
 *
 * Everything is done in log space with energies in eV: with kT = k_B T [eV],
 *   ln D_PCC,i = L_i - (E0 - alpha_E v_f,i)/kT_i,   L_i = ln((a_i^2/6) k_B T_i/h),
 *   ln D_model,i = ln D_PCC,i - G_i,                G_i = ln(1 + (v_f,i/v_c)^n_H) for v_f,i > 0,
 *   ln sigma_i = S_i + ln f_i + ln D_model,i,       S_i = ln(n_Li,i e^2/(k_B T_i)).
 * The Hill term is evaluated as softplus(n_H (ln v_f - ln v_c)), which stays finite for any
 * parameters the solver may try. */
#include "ssoc/fit.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "model_inline.h"

#define NLIN_PMAX 4 /* widest linear stage: beta0..beta3 */

/* Per-point arrays of the workspace, all of length cap. */
enum {
    A_VF,     /* free volume v_f [1] */
    A_INVKT,  /* 1/(k_B T) [1/eV] */
    A_LPRE,   /* L_i = ln((a^2/6) k_B T/h) [ln cm2/s] */
    A_LDOBS,  /* ln D_hop observed */
    A_LS,     /* ln(sigma_obs k_B T/(n_Li e^2)) = ln f_i + ln D_model,i */
    A_LDMOD,  /* ln D_model with the current parameters */
    A_C,      /* stage 2: ln D_PCC - ln D_hop over SCC points */
    A_LV,     /* stage 2: ln v_f (0 where v_f <= 0) */
    A_W,      /* stage 2: 1 where v_f > 0 (gating acts), else 0 */
    A_JLV,    /* joint: ln v_f at every point (0 where v_f <= 0) */
    A_JW,     /* joint: 1 where v_f > 0 (the model gates the point, PCC or SCC), else 0 */
    A_M0, /* metrics scratch: 7 arrays from here */
    A_M_END = A_M0 + 7,
    A_COUNT = A_M_END
};

struct ssoc_fit_workspace {
    size_t cap;
    double *buf;
    double *a[A_COUNT];
    gsl_multifit_linear_workspace *lin; /* cap x NLIN_PMAX */
    gsl_matrix *X;                      /* cap x NLIN_PMAX design */
    gsl_vector *y;                      /* cap response */
    gsl_vector *coef;                   /* NLIN_PMAX */
    gsl_matrix *cov;                    /* NLIN_PMAX x NLIN_PMAX (required by GSL, unused) */
    gsl_multifit_nlinear_workspace *nl; /* sized exactly (nl_n, nl_p); reallocated on change */
    size_t nl_n, nl_p;
    /* joint fit: 2 cap residuals, up to SSOC_NPARAM variables */
    gsl_multifit_linear_workspace *jlin; /* 2 cap x SSOC_NPARAM: Gauss-Newton steps and rcond */
    gsl_matrix *JX;                      /* 2 cap x SSOC_NPARAM */
    gsl_vector *jy;                      /* 2 cap */
    gsl_vector *jc;                      /* SSOC_NPARAM */
    gsl_matrix *jcov;                    /* SSOC_NPARAM x SSOC_NPARAM (required by GSL, unused) */
    gsl_multifit_nlinear_workspace *jnl; /* sized exactly (jnl_n, jnl_p); reallocated on change */
    size_t jnl_n, jnl_p;
};

static pthread_once_t gsl_handler_once = PTHREAD_ONCE_INIT;
static void gsl_handler_off(void) { gsl_set_error_handler_off(); }

static void ws_release(ssoc_fit_workspace *w)
{
    free(w->buf);
    gsl_multifit_linear_free(w->lin);
    gsl_matrix_free(w->X);
    gsl_vector_free(w->y);
    gsl_vector_free(w->coef);
    gsl_matrix_free(w->cov);
    if (w->nl)
        gsl_multifit_nlinear_free(w->nl);
    if (w->jlin)
        gsl_multifit_linear_free(w->jlin);
    gsl_matrix_free(w->JX);
    gsl_vector_free(w->jy);
    gsl_vector_free(w->jc);
    gsl_matrix_free(w->jcov);
    if (w->jnl)
        gsl_multifit_nlinear_free(w->jnl);
    memset(w, 0, sizeof *w);
}

static int ws_reserve(ssoc_fit_workspace *w, size_t n)
{
    if (n <= w->cap && w->buf)
        return 0;
    ws_release(w);
    size_t cap = n < 8 ? 8 : n;
    w->buf = malloc(sizeof(double) * cap * A_COUNT);
    w->lin = gsl_multifit_linear_alloc(cap, NLIN_PMAX);
    w->X = gsl_matrix_alloc(cap, NLIN_PMAX);
    w->y = gsl_vector_alloc(cap);
    w->coef = gsl_vector_alloc(NLIN_PMAX);
    w->cov = gsl_matrix_alloc(NLIN_PMAX, NLIN_PMAX);
    w->jlin = gsl_multifit_linear_alloc(2 * cap, SSOC_NPARAM);
    w->JX = gsl_matrix_alloc(2 * cap, SSOC_NPARAM);
    w->jy = gsl_vector_alloc(2 * cap);
    w->jc = gsl_vector_alloc(SSOC_NPARAM);
    w->jcov = gsl_matrix_alloc(SSOC_NPARAM, SSOC_NPARAM);
    if (!w->buf || !w->lin || !w->X || !w->y || !w->coef || !w->cov || !w->jlin || !w->JX || !w->jy || !w->jc ||
        !w->jcov) {
        ws_release(w);
        return -1;
    }
    for (int k = 0; k < A_COUNT; ++k)
        w->a[k] = w->buf + (size_t)k * cap;
    w->cap = cap;
    return 0;
}

ssoc_fit_workspace *ssoc_fit_workspace_alloc(size_t n_max)
{
    pthread_once(&gsl_handler_once, gsl_handler_off);
    ssoc_fit_workspace *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    if (ws_reserve(w, n_max) != 0) {
        free(w);
        return NULL;
    }
    return w;
}

void ssoc_fit_workspace_free(ssoc_fit_workspace *w)
{
    if (!w)
        return;
    ws_release(w);
    free(w);
}

/* ---------------------------------------------------------------- options */

void ssoc_fit_opts_default(ssoc_fit_opts *o)
{
    memset(o, 0, sizeof *o);
    o->method = SSOC_FIT_METHOD_DEFAULT;
    o->fixed_mask = 1u << SSOC_P_LNA; /* ln A = 0: the attempt frequency is k_B T/h */
    o->start = ssoc_params_published;
    o->start.p[SSOC_P_VC] = 0.125;
    o->start.p[SSOC_P_NH] = 3.0;
    o->fixed = ssoc_params_published;
}

const char *ssoc_fit_method_name(ssoc_fit_method m) { return m == SSOC_FIT_STAGED ? "staged" : "joint"; }

int ssoc_fit_method_parse(const char *name, ssoc_fit_method *out)
{
    if (name && !strcmp(name, "staged"))
        *out = SSOC_FIT_STAGED;
    else if (name && !strcmp(name, "joint"))
        *out = SSOC_FIT_JOINT;
    else
        return -1;
    return 0;
}

/* "NAME (valid names: E0, ...)" for an unknown parameter name */
static ssoc_status unknown_param(const char *what, const char *name, ssoc_error *err)
{
    char list[256] = "";
    for (int k = 0; k < SSOC_NPARAM; ++k) {
        strcat(list, ssoc_param_name(k));
        if (k + 1 < SSOC_NPARAM)
            strcat(list, ", ");
    }
    return SSOC_ERR(err, SSOC_EINVAL, "cannot %s unknown parameter '%s' (valid names: %s)", what, name ? name : "(null)",
                    list);
}

ssoc_status ssoc_fit_opts_free(ssoc_fit_opts *o, const char *name, ssoc_error *err)
{
    const int i = ssoc_param_index(name);
    if (i < 0)
        return unknown_param("free", name, err);
    o->fixed_mask &= ~(1u << i);
    return SSOC_OK;
}

ssoc_status ssoc_fit_opts_fix(ssoc_fit_opts *o, const char *name, double value, ssoc_error *err)
{
    int i = ssoc_param_index(name);
    if (i < 0)
        return unknown_param("fix", name, err);
    if (!isfinite(value))
        return SSOC_ERR(err, SSOC_EINVAL, "cannot fix parameter %s at a non-finite value (%g)", name, value);
    if ((i == SSOC_P_VC || i == SSOC_P_NH) && value <= 0.0)
        return SSOC_ERR(err, SSOC_EINVAL, "cannot fix parameter %s at %g: it must be > 0", name, value);
    o->fixed.p[i] = value;
    o->fixed_mask |= 1u << i;
    return SSOC_OK;
}

/* ---------------------------------------------------------------- helpers */

static const char *data_name(const ssoc_dataset *d) { return d->path ? d->path : "data"; }

static int is_fixed(unsigned mask, int i) { return (mask >> i) & 1u; }

/* "(E0, alpha_E)" style list of the free parameters among [lo, hi]. */
static void free_list(unsigned mask, int lo, int hi, char *out, size_t len)
{
    size_t k = 0;
    out[k++] = '(';
    int first = 1;
    for (int i = lo; i <= hi; ++i) {
        if (is_fixed(mask, i))
            continue;
        const char *nm = ssoc_param_name(i);
        size_t l = strlen(nm);
        if (k + l + 4 >= len)
            break;
        if (!first) {
            out[k++] = ',';
            out[k++] = ' ';
        }
        memcpy(out + k, nm, l);
        k += l;
        first = 0;
    }
    out[k++] = ')';
    out[k] = '\0';
}

static double sigmoid(double u) { return u > 0.0 ? 1.0 / (1.0 + exp(-u)) : exp(u) / (1.0 + exp(u)); }

/* G = ln(1/p_active) = ln(1 + (v_f/v_c)^n_H) for v_f > 0, else 0. */
static double hill_G(double v_f, double v_c, double n_H)
{
    if (!(v_f > 0.0))
        return 0.0;
    return ssoc_mf_ln_gate(log(v_f), log(v_c), n_H);
}

/* Scaled-SVD OLS on the first n rows and p columns of w->X against w->y. Returns 0 and writes
 * coef[0..p) on success; -1 with *rcond set when the design is singular or the solution is not
 * finite; -2 on a GSL failure. */
static int ols(ssoc_fit_workspace *w, size_t n, size_t p, double *coef, double *rcond)
{
    gsl_matrix_view X = gsl_matrix_submatrix(w->X, 0, 0, n, p);
    gsl_vector_view y = gsl_vector_subvector(w->y, 0, n);
    gsl_vector_view c = gsl_vector_subvector(w->coef, 0, p);
    gsl_matrix_view cov = gsl_matrix_submatrix(w->cov, 0, 0, p, p);
    double chisq;
    size_t rank;
    int st = gsl_multifit_linear_tsvd(&X.matrix, &y.vector, GSL_DBL_EPSILON, &c.vector, &cov.matrix, &chisq,
                                      &rank, w->lin);
    if (st)
        return -2;
    *rcond = gsl_multifit_linear_rcond(w->lin);
    if (rank < p || !(*rcond >= SSOC_FIT_RCOND_MIN))
        return -1;
    for (size_t j = 0; j < p; ++j) {
        coef[j] = gsl_vector_get(&c.vector, j);
        if (!isfinite(coef[j]))
            return -1;
    }
    return 0;
}

/* Reciprocal condition number of the first n rows / p columns of w->X after column balancing. */
static int design_rcond(ssoc_fit_workspace *w, size_t n, size_t p, double *rcond)
{
    gsl_matrix_view X = gsl_matrix_submatrix(w->X, 0, 0, n, p);
    if (gsl_multifit_linear_bsvd(&X.matrix, w->lin))
        return -2;
    *rcond = gsl_multifit_linear_rcond(w->lin);
    return 0;
}

/* ---------------------------------------------------------------- data */

/* Per-point quantities that do not depend on the parameters. */
static ssoc_status prepare(const ssoc_dataset *d, ssoc_fit_workspace *w, ssoc_error *err)
{
    const double ln_kB_h = log(SSOC_KB_J_K / SSOC_H_J_S);
    const double ln6 = log(6.0);
    const double ln_e2_kB = log(SSOC_E_C * SSOC_E_C / SSOC_KB_J_K);
    for (size_t i = 0; i < d->n; ++i) {
        const double x = d->x[i], rho = d->rho_g_cm3[i], T = d->T_K[i];
        const double D = d->D_hop_cm2_s[i], s = d->sigma_S_cm[i];
        const char *names[5] = {"x", "rho", "T", "D_hop", "sigma"};
        const double vals[5] = {x, rho, T, D, s};
        const char *bad = NULL;
        double v = 0.0;
        for (int k = 0; k < 5 && !bad; ++k) {
            if (!(isfinite(vals[k]) && vals[k] > 0.0 && (k != 0 || vals[k] <= 1.0))) {
                bad = names[k];
                v = vals[k];
            }
        }
        if (bad) {
            const char *rng = bad[0] == 'x' ? "in (0, 1]" : "finite and > 0";
            if (d->line && d->line[i] > 0)
                return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': value %g must be %s for the fit", data_name(d),
                                d->line[i], bad, v, rng);
            return SSOC_ERR(err, SSOC_EDATA, "%s: point %zu: column '%s': value %g must be %s for the fit",
                            data_name(d), i + 1, bad, v, rng);
        }
        const double vf = ssoc_model_vf(x, rho);
        const double n_Li = ssoc_model_nLi_cm3(x, rho);
        const double ln_n = log(n_Li);
        const double ln_T = log(T);
        w->a[A_VF][i] = vf;
        w->a[A_INVKT][i] = 1.0 / (SSOC_KB_EV_K * T);
        /* (a^2/6) k_B T/h with a^2 = n^(-2/3) */
        w->a[A_LPRE][i] = -(2.0 / 3.0) * ln_n - ln6 + ln_kB_h + ln_T;
        w->a[A_LDOBS][i] = log(D);
        /* ln(sigma k_B T/(n e^2)) */
        w->a[A_LS][i] = log(s) + ln_T - ln_n - ln_e2_kB;
        w->a[A_JLV][i] = vf > 0.0 ? log(vf) : 0.0;
        w->a[A_JW][i] = vf > 0.0 ? 1.0 : 0.0;
    }
    return SSOC_OK;
}

/* ---------------------------------------------------------------- stage 1 */

static ssoc_status stage1(const ssoc_dataset *d, unsigned mask, ssoc_fit_workspace *w, double *q, ssoc_error *err)
{
    const int fE = !is_fixed(mask, SSOC_P_E0), fA = !is_fixed(mask, SSOC_P_ALPHA_E), fL = !is_fixed(mask, SSOC_P_LNA);
    const size_t p = (size_t)(fE + fA + fL);
    if (p == 0)
        return SSOC_OK;
    char names[64];
    free_list(mask, SSOC_P_E0, SSOC_P_ALPHA_E, names, sizeof names);
    if (fL) /* ln A, when free, is stage 1's intercept */
        snprintf(names + strlen(names) - 1, sizeof names - strlen(names) + 1, "%sln_A)", fE || fA ? ", " : "");
    if (d->n_pcc < p)
        return SSOC_ERR(err, SSOC_EFIT, "%s: stage 1 %s needs at least %zu PCC point%s, has %zu", data_name(d), names,
                        p, p > 1 ? "s" : "", d->n_pcc);
    size_t m = 0;
    for (size_t i = 0; i < d->n; ++i) {
        if (d->regime[i] != SSOC_REGIME_PCC)
            continue;
        const double ik = w->a[A_INVKT][i], vf = w->a[A_VF][i];
        double y = w->a[A_LDOBS][i] - w->a[A_LPRE][i];
        size_t j = 0;
        if (fE)
            gsl_matrix_set(w->X, m, j++, -ik);
        else
            y += q[SSOC_P_E0] * ik;
        if (fA)
            gsl_matrix_set(w->X, m, j++, vf * ik);
        else
            y -= q[SSOC_P_ALPHA_E] * vf * ik;
        if (fL)
            gsl_matrix_set(w->X, m, j++, 1.0);
        else
            y -= q[SSOC_P_LNA];
        gsl_vector_set(w->y, m, y);
        ++m;
    }
    double c[3], rc = NAN;
    int st = ols(w, m, p, c, &rc);
    if (st == -2)
        return SSOC_ERR(err, SSOC_EFIT, "%s: stage 1 %s: GSL least-squares solver failed", data_name(d), names);
    if (st)
        return SSOC_ERR(err, SSOC_EFIT,
                        "%s: stage 1 %s: singular design over the %zu PCC points (reciprocal condition number "
                        "%.3g < %g after column scaling): %s",
                        data_name(d), names, m, rc, SSOC_FIT_RCOND_MIN,
                        fL ? "with ln_A free they need at least 2 temperatures and 2 distinct v_f/kT"
                        : p == 2 ? "they need at least 2 distinct v_f" : "they need a point with v_f != 0");
    size_t j = 0;
    if (fE)
        q[SSOC_P_E0] = c[j++];
    if (fA)
        q[SSOC_P_ALPHA_E] = c[j++];
    if (fL)
        q[SSOC_P_LNA] = c[j++];
    return SSOC_OK;
}

/* ---------------------------------------------------------------- stage 2 */

typedef struct s2_problem {
    size_t m;
    const double *c, *lv, *wt;
    int free_vc, free_nh;
    double theta0, phi0; /* ln v_c, ln n_H used for a fixed one */
} s2_problem;

static void s2_unpack(const gsl_vector *x, const s2_problem *P, double *theta, double *phi)
{
    size_t j = 0;
    *theta = P->free_vc ? gsl_vector_get(x, j++) : P->theta0;
    *phi = P->free_nh ? gsl_vector_get(x, j++) : P->phi0;
}

/* r_i = ln D_model,i - ln D_hop,i = c_i - w_i softplus(n_H (ln v_f,i - ln v_c)) */
static int s2_f(const gsl_vector *x, void *params, gsl_vector *f)
{
    const s2_problem *P = params;
    double theta, phi;
    s2_unpack(x, P, &theta, &phi);
    const double nH = exp(phi);
    for (size_t i = 0; i < P->m; ++i)
        gsl_vector_set(f, i, P->c[i] - P->wt[i] * ssoc_mf_ln_gate(P->lv[i], theta, nH));
    return GSL_SUCCESS;
}

/* dr/d ln v_c = w s n_H, dr/d ln n_H = -w s u, with u = n_H (ln v_f - ln v_c), s = sigmoid(u). */
static int s2_df(const gsl_vector *x, void *params, gsl_matrix *J)
{
    const s2_problem *P = params;
    double theta, phi;
    s2_unpack(x, P, &theta, &phi);
    const double nH = exp(phi);
    for (size_t i = 0; i < P->m; ++i) {
        const double u = nH * (P->lv[i] - theta);
        const double s = P->wt[i] * sigmoid(u);
        size_t j = 0;
        if (P->free_vc)
            gsl_matrix_set(J, i, j++, s * nH);
        if (P->free_nh)
            gsl_matrix_set(J, i, j++, -s * u);
    }
    return GSL_SUCCESS;
}

/* Size of a Gauss-Newton step dx (p entries) from position x, max_j |dx_j| / max(|x_j|, 1)
 * (+inf if any is NaN), with *resolved set when the decrease it predicts, -g.dx/2 (g = J^T f), is
 * below what the cost ||f||^2/2 can resolve (64 eps of it). Shared by stage 2 and the joint fit. */
static double gn_step_size(const gsl_vector *x, const gsl_vector *f, const double *g, const double *dx, size_t p,
                           int *resolved)
{
    double step = 0.0, pred = 0.0, cost = 0.0;
    for (size_t a = 0; a < p; ++a) {
        const double s = fabs(dx[a]) / fmax(fabs(gsl_vector_get(x, a)), 1.0);
        if (!(s <= step))
            step = isnan(s) ? INFINITY : s;
        pred -= 0.5 * g[a] * dx[a];
    }
    for (size_t i = 0; i < f->size; ++i)
        cost += 0.5 * gsl_vector_get(f, i) * gsl_vector_get(f, i);
    *resolved = fabs(pred) <= 64.0 * GSL_DBL_EPSILON * cost;
    return step;
}

/* Size of the Gauss-Newton step from the current state, max_j |dx_j| / max(|x_j|, 1) with
 * (J^T J) dx = -J^T f (p <= 2, solved in closed form). It estimates the distance to the
 * minimum. +inf when J^T J is singular or anything is not finite. *resolved is set when the
 * cost decrease that step predicts, -g.dx/2, is below what the cost ||f||^2/2 can resolve
 * (64 eps of it): no further step could then be accepted by the trust-region test. */
static double s2_gn_step(gsl_multifit_nlinear_workspace *nl, int *resolved)
{
    const gsl_matrix *J = gsl_multifit_nlinear_jac(nl);
    const gsl_vector *f = gsl_multifit_nlinear_residual(nl);
    const gsl_vector *x = gsl_multifit_nlinear_position(nl);
    const size_t n = J->size1, p = J->size2;
    double H[2][2] = {{0, 0}, {0, 0}}, g[2] = {0, 0}, dx[2];
    for (size_t i = 0; i < n; ++i) {
        const double fi = gsl_vector_get(f, i);
        for (size_t a = 0; a < p; ++a) {
            const double ja = gsl_matrix_get(J, i, a);
            g[a] += ja * fi;
            for (size_t b = 0; b < p; ++b)
                H[a][b] += ja * gsl_matrix_get(J, i, b);
        }
    }
    if (p == 1) {
        dx[0] = -g[0] / H[0][0];
    } else {
        const double det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
        dx[0] = -(H[1][1] * g[0] - H[0][1] * g[1]) / det;
        dx[1] = -(H[0][0] * g[1] - H[1][0] * g[0]) / det;
    }
    return gn_step_size(x, f, g, dx, p, resolved);
}

static ssoc_status stage2(const ssoc_dataset *d, const ssoc_fit_opts *o, ssoc_fit_workspace *w, double *q,
                          int *iterations, ssoc_error *err)
{
    const unsigned mask = o->fixed_mask;
    const int fV = !is_fixed(mask, SSOC_P_VC), fN = !is_fixed(mask, SSOC_P_NH);
    const size_t p = (size_t)(fV + fN);
    *iterations = 0;
    if (p == 0)
        return SSOC_OK;
    char names[64];
    free_list(mask, SSOC_P_VC, SSOC_P_NH, names, sizeof names);
    const char *dn = data_name(d);
    if (d->n_scc < p)
        return SSOC_ERR(err, SSOC_EFIT, "%s: stage 2 %s needs at least %zu SCC point%s, has %zu", dn, names, p,
                        p > 1 ? "s" : "", d->n_scc);

    /* Residual data over the SCC points; identifiability needs points where gating acts. */
    double *c = w->a[A_C], *lv = w->a[A_LV], *wt = w->a[A_W];
    size_t m = 0, n_gated = 0, n_distinct = 0;
    double vf_first = NAN;
    const double vc_fixed = q[SSOC_P_VC];
    int n_informative = 0; /* for n_H alone: a gated point with v_f != v_c */
    for (size_t i = 0; i < d->n; ++i) {
        if (d->regime[i] != SSOC_REGIME_SCC)
            continue;
        const double vf = w->a[A_VF][i];
        const double lnDpcc =
            w->a[A_LPRE][i] - (q[SSOC_P_E0] - q[SSOC_P_ALPHA_E] * vf) * w->a[A_INVKT][i] + q[SSOC_P_LNA];
        c[m] = lnDpcc - w->a[A_LDOBS][i];
        if (vf > 0.0) {
            lv[m] = log(vf);
            wt[m] = 1.0;
            if (n_gated == 0)
                vf_first = vf;
            else if (vf != vf_first)
                n_distinct = 2;
            if (n_distinct == 0)
                n_distinct = 1;
            if (vf != vc_fixed)
                n_informative = 1;
            ++n_gated;
        } else {
            lv[m] = 0.0;
            wt[m] = 0.0;
        }
        ++m;
    }
    if (fV && fN && n_distinct < 2)
        return SSOC_ERR(err, SSOC_EFIT,
                        "%s: stage 2 %s: singular design: the SCC points need at least 2 distinct v_f > 0, "
                        "have %zu",
                        dn, names, n_distinct);
    if (fV && !fN && n_gated == 0)
        return SSOC_ERR(err, SSOC_EFIT, "%s: stage 2 %s: singular design: no SCC point has v_f > 0", dn, names);
    if (!fV && fN && !n_informative)
        return SSOC_ERR(err, SSOC_EFIT, "%s: stage 2 %s: singular design: no SCC point has v_f > 0 and v_f != v_c",
                        dn, names);

    s2_problem P = {
        .m = m, .c = c, .lv = lv, .wt = wt, .free_vc = fV, .free_nh = fN,
        .theta0 = log(q[SSOC_P_VC]), .phi0 = log(q[SSOC_P_NH]),
    };
    double x0v[2];
    size_t j = 0;
    if (fV)
        x0v[j++] = log(o->start.p[SSOC_P_VC]);
    if (fN)
        x0v[j++] = log(o->start.p[SSOC_P_NH]);
    gsl_vector_view x0 = gsl_vector_view_array(x0v, p);

    if (!w->nl || w->nl_n != m || w->nl_p != p) {
        if (w->nl)
            gsl_multifit_nlinear_free(w->nl);
        w->nl_n = w->nl_p = 0;
        gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
        par.trs = gsl_multifit_nlinear_trs_lm;
        w->nl = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, m, p);
        if (!w->nl)
            return SSOC_ERR(err, SSOC_ENOMEM, "%s: stage 2 %s: cannot allocate the GSL solver", dn, names);
        w->nl_n = m;
        w->nl_p = p;
    }
    gsl_multifit_nlinear_fdf fdf = {.f = s2_f, .df = s2_df, .fvv = NULL, .n = m, .p = p, .params = &P};
    gsl_multifit_nlinear_workspace *nl = w->nl;
    if (gsl_multifit_nlinear_init(&x0.vector, &fdf, nl))
        return SSOC_ERR(err, SSOC_EFIT, "%s: stage 2 %s: GSL solver initialisation failed", dn, names);

    /* Our own driver loop with a convergence test on the Gauss-Newton step from the current
     * point (an estimate of the distance to the minimum), also tested before the first iteration
     * so noise-free data starting at the truth converge at once (GSL's driver would report "no
     * progress" there). With non-zero residuals the cost cannot resolve steps much below
     * sqrt(eps): once the predicted decrease is below the cost's resolution, a step of at most
     * SSOC_FIT_LM_XTOL_STALL is accepted, rather than letting LM discover the stall through 16
     * rejected trial steps (GSL_ENOPROG, handled the same way). */
    const double lo = log(SSOC_FIT_HILL_MIN) - 10.0, hi = log(SSOC_FIT_HILL_MAX) + 10.0; /* runaway guard */
    int iter = 0, converged = 0, resolved = 0;
    const char *why = NULL;
    for (;;) {
        const double gn = s2_gn_step(nl, &resolved);
        if (gn <= SSOC_FIT_LM_XTOL || (resolved && gn <= SSOC_FIT_LM_XTOL_STALL)) {
            converged = 1;
            break;
        }
        if (iter >= SSOC_FIT_LM_MAXITER) {
            why = "did not converge";
            break;
        }
        int st = gsl_multifit_nlinear_iterate(nl);
        ++iter;
        const gsl_vector *x = gsl_multifit_nlinear_position(nl);
        for (size_t k = 0; k < p; ++k) {
            double v = gsl_vector_get(x, k);
            if (!isfinite(v) || v < lo || v > hi)
                why = "ran off (a parameter diverged)";
        }
        if (why)
            break;
        if (st == GSL_ENOPROG) {
            if (s2_gn_step(nl, &resolved) <= SSOC_FIT_LM_XTOL_STALL)
                converged = 1;
            else
                why = "made no progress";
            break;
        }
        if (st) {
            why = "GSL solver failed";
            break;
        }
    }
    *iterations = iter;
    if (!converged)
        return SSOC_ERR(err, SSOC_EFIT, "%s: stage 2 %s: Levenberg-Marquardt %s after %d iterations", dn, names,
                        why ? why : "did not converge", iter);

    const gsl_vector *x = gsl_multifit_nlinear_position(nl);
    double theta, phi;
    s2_unpack(x, &P, &theta, &phi);
    const double vc = exp(theta), nH = exp(phi);
    if (!isfinite(vc) || !isfinite(nH) || vc < SSOC_FIT_HILL_MIN || vc > SSOC_FIT_HILL_MAX || nH < SSOC_FIT_HILL_MIN ||
        nH > SSOC_FIT_HILL_MAX)
        return SSOC_ERR(err, SSOC_EFIT,
                        "%s: stage 2 %s: parameter ran off: v_c = %g, n_H = %g (allowed range [%g, %g]); the SCC data "
                        "do not constrain the gating",
                        dn, names, vc, nH, SSOC_FIT_HILL_MIN, SSOC_FIT_HILL_MAX);

    /* Identifiability at the solution: the column-scaled Jacobian must have full rank. */
    const gsl_matrix *J = gsl_multifit_nlinear_jac(nl);
    for (size_t i = 0; i < m; ++i)
        for (size_t k = 0; k < p; ++k)
            gsl_matrix_set(w->X, i, k, gsl_matrix_get(J, i, k));
    double rc = NAN;
    if (design_rcond(w, m, p, &rc) != 0 || !(rc >= SSOC_FIT_RCOND_MIN))
        return SSOC_ERR(err, SSOC_EFIT,
                        "%s: stage 2 %s: singular Jacobian at the solution (reciprocal condition number %.3g < %g "
                        "after column scaling): the SCC points do not determine the gating",
                        dn, names, rc, SSOC_FIT_RCOND_MIN);
    if (fV)
        q[SSOC_P_VC] = vc;
    if (fN)
        q[SSOC_P_NH] = nH;
    return SSOC_OK;
}

/* ---------------------------------------------------------------- stage 3 */

static void model_lnD(const ssoc_dataset *d, ssoc_fit_workspace *w, const double *q)
{
    for (size_t i = 0; i < d->n; ++i) {
        const double vf = w->a[A_VF][i];
        w->a[A_LDMOD][i] = w->a[A_LPRE][i] - (q[SSOC_P_E0] - q[SSOC_P_ALPHA_E] * vf) * w->a[A_INVKT][i] +
                           q[SSOC_P_LNA] - hill_G(vf, q[SSOC_P_VC], q[SSOC_P_NH]);
    }
}

static ssoc_status stage3(const ssoc_dataset *d, unsigned mask, ssoc_fit_workspace *w, double *q, ssoc_error *err)
{
    size_t p = 0;
    for (int k = SSOC_P_BETA0; k <= SSOC_P_BETA3; ++k)
        p += !is_fixed(mask, k);
    if (p == 0)
        return SSOC_OK;
    char names[64];
    free_list(mask, SSOC_P_BETA0, SSOC_P_BETA3, names, sizeof names);
    if (d->n < p)
        return SSOC_ERR(err, SSOC_EFIT, "%s: stage 3 %s needs at least %zu point%s, has %zu", data_name(d), names, p,
                        p > 1 ? "s" : "", d->n);
    for (size_t i = 0; i < d->n; ++i) {
        const double vf = w->a[A_VF][i];
        const double col[4] = {1.0, d->x[i], vf, vf * vf};
        double z = w->a[A_LS][i] - w->a[A_LDMOD][i];
        size_t j = 0;
        for (int k = 0; k < 4; ++k) {
            if (is_fixed(mask, SSOC_P_BETA0 + k))
                z -= q[SSOC_P_BETA0 + k] * col[k];
            else
                gsl_matrix_set(w->X, i, j++, col[k]);
        }
        gsl_vector_set(w->y, i, z);
    }
    double c[4], rc = NAN;
    int st = ols(w, d->n, p, c, &rc);
    if (st == -2)
        return SSOC_ERR(err, SSOC_EFIT, "%s: stage 3 %s: GSL least-squares solver failed", data_name(d), names);
    if (st)
        return SSOC_ERR(err, SSOC_EFIT,
                        "%s: stage 3 %s: singular design over the %zu points (reciprocal condition number %.3g < %g "
                        "after column scaling): the columns (1, x, v_f, v_f^2) are dependent, e.g. all points at one "
                        "x or fewer than 3 distinct v_f",
                        data_name(d), names, d->n, rc, SSOC_FIT_RCOND_MIN);
    size_t j = 0;
    for (int k = SSOC_P_BETA0; k <= SSOC_P_BETA3; ++k)
        if (!is_fixed(mask, k))
            q[k] = c[j++];
    return SSOC_OK;
}

/* ---------------------------------------------------------------- joint fit
 *
 * Every free parameter at once on the 2n residuals (D block, then sigma block)
 *   f_i     = ln D_model,i - ln D_hop,i                      (i < n)
 *   f_{n+i} = ln f_eff(x_i, v_f,i) + ln D_model,i - A_LS,i   (A_LS = ln f_i + ln D_model,i observed)
 * with the model's gate at every point with v_f > 0 (PCC or SCC): that is the model the sweep
 * evaluates, so the estimator is consistent for it (stage 1 is not when PCC points are gated).
 * GSL minimises ||f||^2/2; ssoc_fit_residuals reports r = -f (observed minus model). Variables:
 * E0, alpha_E, ln v_c, ln n_H, beta0..beta3, ln A, the free ones in that order. */

typedef struct jt_problem {
    size_t n;                    /* points; residuals 2n */
    const double *vf, *ik, *lpre, *ldobs, *ls, *x, *lv, *wt;
    int col[SSOC_NPARAM];        /* parameter index of variable j */
    size_t p;                    /* free variables */
    double q[SSOC_NPARAM];       /* fixed values (free entries are overwritten on unpack) */
} jt_problem;

static int is_log_var(int k) { return k == SSOC_P_VC || k == SSOC_P_NH; }

static void jt_setup(jt_problem *P, const ssoc_dataset *d, const ssoc_fit_workspace *w, unsigned mask,
                     const double *q)
{
    P->n = d->n;
    P->vf = w->a[A_VF], P->ik = w->a[A_INVKT], P->lpre = w->a[A_LPRE], P->ldobs = w->a[A_LDOBS];
    P->ls = w->a[A_LS], P->x = d->x, P->lv = w->a[A_JLV], P->wt = w->a[A_JW];
    P->p = 0;
    for (int k = 0; k < SSOC_NPARAM; ++k) {
        P->q[k] = q[k];
        if (!is_fixed(mask, k))
            P->col[P->p++] = k;
    }
}

/* Variables from parameters q (log for v_c, n_H). */
static void jt_pack(const jt_problem *P, const double *q, double *xv)
{
    for (size_t j = 0; j < P->p; ++j)
        xv[j] = is_log_var(P->col[j]) ? log(q[P->col[j]]) : q[P->col[j]];
}

/* Parameters from variables; *theta = ln v_c and *phi = ln n_H kept in log form (exp of a
 * runaway variable must not turn into inf before the guard sees it). */
static void jt_unpack(const jt_problem *P, const gsl_vector *xv, double *q, double *theta, double *phi)
{
    memcpy(q, P->q, sizeof P->q);
    *theta = log(q[SSOC_P_VC]);
    *phi = log(q[SSOC_P_NH]);
    for (size_t j = 0; j < P->p; ++j) {
        const double v = gsl_vector_get(xv, j);
        const int k = P->col[j];
        if (k == SSOC_P_VC)
            q[k] = exp(*theta = v);
        else if (k == SSOC_P_NH)
            q[k] = exp(*phi = v);
        else
            q[k] = v;
    }
}

static int jt_f(const gsl_vector *xv, void *params, gsl_vector *f)
{
    const jt_problem *P = params;
    double q[SSOC_NPARAM], theta, phi;
    jt_unpack(P, xv, q, &theta, &phi);
    const double nH = exp(phi);
    for (size_t i = 0; i < P->n; ++i) {
        const double vf = P->vf[i];
        const double G = P->wt[i] != 0.0 ? ssoc_mf_ln_gate(P->lv[i], theta, nH) : 0.0;
        const double lnD = P->lpre[i] - (q[SSOC_P_E0] - q[SSOC_P_ALPHA_E] * vf) * P->ik[i] + q[SSOC_P_LNA] - G;
        const double lnf = q[SSOC_P_BETA0] + q[SSOC_P_BETA1] * P->x[i] + q[SSOC_P_BETA2] * vf +
                           q[SSOC_P_BETA3] * vf * vf;
        gsl_vector_set(f, i, lnD - P->ldobs[i]);
        gsl_vector_set(f, P->n + i, lnf + lnD - P->ls[i]);
    }
    return GSL_SUCCESS;
}

/* Row derivatives of the D-block residual (the sigma block adds the ln f_eff columns):
 * d/dE0 = -1/kT, d/dalpha_E = v_f/kT, d/d ln v_c = w s n_H, d/d ln n_H = -w s u, with
 * u = n_H (ln v_f - ln v_c) and s = sigmoid(u), as in stage 2. */
static int jt_df(const gsl_vector *xv, void *params, gsl_matrix *J)
{
    const jt_problem *P = params;
    double q[SSOC_NPARAM], theta, phi;
    jt_unpack(P, xv, q, &theta, &phi);
    const double nH = exp(phi);
    for (size_t i = 0; i < P->n; ++i) {
        const double vf = P->vf[i];
        const double u = nH * (P->lv[i] - theta);
        const double s = P->wt[i] != 0.0 ? sigmoid(u) : 0.0;
        for (size_t j = 0; j < P->p; ++j) {
            double dD = 0.0, dS;
            switch (P->col[j]) {
            case SSOC_P_E0: dD = -P->ik[i]; break;
            case SSOC_P_ALPHA_E: dD = vf * P->ik[i]; break;
            case SSOC_P_VC: dD = s * nH; break;
            case SSOC_P_NH: dD = -s * u; break;
            case SSOC_P_LNA: dD = 1.0; break;
            default: break;
            }
            switch (P->col[j]) {
            case SSOC_P_BETA0: dS = 1.0; break;
            case SSOC_P_BETA1: dS = P->x[i]; break;
            case SSOC_P_BETA2: dS = vf; break;
            case SSOC_P_BETA3: dS = vf * vf; break;
            default: dS = dD; break;
            }
            gsl_matrix_set(J, i, j, dD);
            gsl_matrix_set(J, P->n + i, j, dS);
        }
    }
    return GSL_SUCCESS;
}

/* Balanced truncated SVD solve of J dx = -f (the linear stages' solver) into w->jc, with the
 * reciprocal condition number of J after column scaling in *rcond (0 when rank-deficient).
 * -1 if GSL fails. */
static int jt_svd_step(ssoc_fit_workspace *w, const gsl_matrix *J, const gsl_vector *f, double *rcond)
{
    const size_t m = J->size1, p = J->size2;
    gsl_matrix_view X = gsl_matrix_submatrix(w->JX, 0, 0, m, p);
    gsl_vector_view y = gsl_vector_subvector(w->jy, 0, m);
    gsl_vector_view c = gsl_vector_subvector(w->jc, 0, p);
    gsl_matrix_view cov = gsl_matrix_submatrix(w->jcov, 0, 0, p, p);
    gsl_matrix_memcpy(&X.matrix, J);
    gsl_vector_memcpy(&y.vector, f);
    gsl_vector_scale(&y.vector, -1.0);
    double chisq;
    size_t rank;
    *rcond = 0.0;
    if (gsl_multifit_linear_tsvd(&X.matrix, &y.vector, GSL_DBL_EPSILON, &c.vector, &cov.matrix, &chisq, &rank,
                                 w->jlin))
        return -1;
    *rcond = rank < p ? 0.0 : gsl_multifit_linear_rcond(w->jlin);
    return 0;
}

/* The Gauss-Newton step from the solver's current state, into w->jc: from the normal equations
 * with unit-diagonal scaling and a Cholesky factorisation (p <= 9: cheap; the iteration's hot
 * path), or, when that factorisation fails (near-singular J), from jt_svd_step. Returns its size
 * max_j |dx_j| / max(|x_j|, 1), and *resolved as in s2_gn_step. +inf when no step is found. */
static double jt_gn_step(ssoc_fit_workspace *w, gsl_multifit_nlinear_workspace *nl, int *resolved)
{
    const gsl_matrix *J = gsl_multifit_nlinear_jac(nl);
    const gsl_vector *f = gsl_multifit_nlinear_residual(nl);
    const gsl_vector *x = gsl_multifit_nlinear_position(nl);
    const size_t m = J->size1, p = J->size2;
    double H[SSOC_NPARAM][SSOC_NPARAM], g[SSOC_NPARAM], sc[SSOC_NPARAM], dx[SSOC_NPARAM];
    *resolved = 0;
    for (size_t a = 0; a < p; ++a) {
        g[a] = 0.0;
        for (size_t b = 0; b <= a; ++b)
            H[a][b] = 0.0;
    }
    for (size_t i = 0; i < m; ++i) {
        const double *row = gsl_matrix_const_ptr(J, i, 0);
        const double fi = gsl_vector_get(f, i);
        for (size_t a = 0; a < p; ++a) {
            g[a] += row[a] * fi;
            for (size_t b = 0; b <= a; ++b)
                H[a][b] += row[a] * row[b];
        }
    }
    /* Cholesky of D H D, D = diag(H)^-1/2, in place (lower triangle) */
    int ok = 1;
    for (size_t a = 0; a < p && ok; ++a)
        ok = H[a][a] > 0.0 && isfinite(H[a][a]);
    for (size_t a = 0; a < p && ok; ++a) {
        sc[a] = 1.0 / sqrt(H[a][a]);
        for (size_t b = 0; b <= a; ++b)
            H[a][b] *= sc[a] * sc[b];
    }
    for (size_t a = 0; a < p && ok; ++a) {
        for (size_t b = 0; b <= a; ++b) {
            double v = H[a][b];
            for (size_t k = 0; k < b; ++k)
                v -= H[a][k] * H[b][k];
            if (a == b) {
                /* a pivot lost to cancellation: J is too ill-conditioned for the normal equations */
                if (!(v > 1e3 * GSL_DBL_EPSILON)) {
                    ok = 0;
                    break;
                }
                H[a][a] = sqrt(v);
            } else {
                H[a][b] = v / H[b][b];
            }
        }
    }
    if (ok) {
        /* solve L L^T (dx / D) = -D g */
        for (size_t a = 0; a < p; ++a) {
            double v = -sc[a] * g[a];
            for (size_t k = 0; k < a; ++k)
                v -= H[a][k] * dx[k];
            dx[a] = v / H[a][a];
        }
        for (size_t a = p; a-- > 0;) {
            double v = dx[a];
            for (size_t k = a + 1; k < p; ++k)
                v -= H[k][a] * dx[k];
            dx[a] = v / H[a][a];
        }
        for (size_t a = 0; a < p; ++a)
            dx[a] *= sc[a];
    } else {
        double rc;
        if (jt_svd_step(w, J, f, &rc))
            return INFINITY;
        for (size_t a = 0; a < p; ++a)
            dx[a] = gsl_vector_get(w->jc, a);
    }
    return gn_step_size(x, f, g, dx, p, resolved);
}

/* One Levenberg-Marquardt run from parameters q0. On success q holds the solution, *cost its
 * ||r||^2, *iters the iterations; otherwise *why says what went wrong. */
static int jt_solve(ssoc_fit_workspace *w, jt_problem *P, const double *q0, double *q, double *cost, int *iters,
                    const char **why)
{
    const size_t m = 2 * P->n, p = P->p;
    if (!w->jnl || w->jnl_n != m || w->jnl_p != p) {
        if (w->jnl)
            gsl_multifit_nlinear_free(w->jnl);
        w->jnl_n = w->jnl_p = 0;
        gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
        par.trs = gsl_multifit_nlinear_trs_lm;
        /* Cholesky of the damped normal equations: with p <= 9 it costs a fraction of the QR
         * default (a bootstrap runs ~10^6 of these fits); a singular J is caught at the solution
         * by the SVD's condition number. */
        par.solver = gsl_multifit_nlinear_solver_cholesky;
        w->jnl = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, m, p);
        if (!w->jnl) {
            *why = "cannot allocate the GSL solver";
            return -1;
        }
        w->jnl_n = m;
        w->jnl_p = p;
    }
    double x0v[SSOC_NPARAM];
    jt_pack(P, q0, x0v);
    for (size_t j = 0; j < p; ++j)
        if (!isfinite(x0v[j])) {
            *why = "has a non-finite starting value";
            return -1;
        }
    gsl_vector_view x0 = gsl_vector_view_array(x0v, p);
    gsl_multifit_nlinear_fdf fdf = {.f = jt_f, .df = jt_df, .fvv = NULL, .n = m, .p = p, .params = P};
    gsl_multifit_nlinear_workspace *nl = w->jnl;
    *iters = 0;
    if (gsl_multifit_nlinear_init(&x0.vector, &fdf, nl)) {
        *why = "GSL solver initialisation failed";
        return -1;
    }
    /* The stage-2 driver (see there): converged when the Gauss-Newton step from the current point
     * is below SSOC_FIT_LM_XTOL, or below SSOC_FIT_LM_XTOL_STALL once the cost cannot resolve it. */
    const double lo = log(SSOC_FIT_HILL_MIN) - 10.0, hi = log(SSOC_FIT_HILL_MAX) + 10.0;
    int converged = 0, resolved = 0;
    *why = NULL;
    for (;;) {
        const double gn = jt_gn_step(w, nl, &resolved);
        if (gn <= SSOC_FIT_LM_XTOL || (resolved && gn <= SSOC_FIT_LM_XTOL_STALL)) {
            converged = 1;
            break;
        }
        if (*iters >= SSOC_FIT_JOINT_MAXITER) {
            *why = "did not converge";
            break;
        }
        int st = gsl_multifit_nlinear_iterate(nl);
        ++*iters;
        const gsl_vector *x = gsl_multifit_nlinear_position(nl);
        for (size_t j = 0; j < p; ++j) {
            const double v = gsl_vector_get(x, j);
            if (!isfinite(v) || (is_log_var(P->col[j]) && (v < lo || v > hi)))
                *why = "ran off (a parameter diverged)";
        }
        if (*why)
            break;
        if (st == GSL_ENOPROG) {
            if (jt_gn_step(w, nl, &resolved) <= SSOC_FIT_LM_XTOL_STALL)
                converged = 1;
            else
                *why = "made no progress";
            break;
        }
        if (st) {
            *why = "GSL solver failed";
            break;
        }
    }
    if (!converged) {
        if (!*why)
            *why = "did not converge";
        return -1;
    }
    double theta, phi;
    jt_unpack(P, gsl_multifit_nlinear_position(nl), q, &theta, &phi);
    for (int k = 0; k < SSOC_NPARAM; ++k)
        if (!isfinite(q[k])) {
            *why = "ran off (a parameter is not finite)";
            return -1;
        }
    if (q[SSOC_P_VC] < SSOC_FIT_HILL_MIN || q[SSOC_P_VC] > SSOC_FIT_HILL_MAX || q[SSOC_P_NH] < SSOC_FIT_HILL_MIN ||
        q[SSOC_P_NH] > SSOC_FIT_HILL_MAX) {
        *why = "ran off (v_c or n_H left the allowed range)";
        return -2;
    }
    double rc = 0.0;
    if (jt_svd_step(w, gsl_multifit_nlinear_jac(nl), gsl_multifit_nlinear_residual(nl), &rc) ||
        !(rc >= SSOC_FIT_RCOND_MIN)) {
        *why = "found a singular Jacobian at the solution";
        return -3;
    }
    const gsl_vector *f = gsl_multifit_nlinear_residual(nl);
    double c = 0.0;
    for (size_t i = 0; i < m; ++i)
        c += gsl_vector_get(f, i) * gsl_vector_get(f, i);
    *cost = c;
    return 0;
}

/* The joint fit from the starts in `starts` (k of them, parameter vectors with the fixed values
 * in place); the converged solution with the lowest cost (the first on a tie) into q. */
static ssoc_status joint(const ssoc_dataset *d, unsigned mask, ssoc_fit_workspace *w, const double (*starts)[SSOC_NPARAM],
                         int k, double *q, int *iters, double *cost, ssoc_error *err)
{
    jt_problem P;
    jt_setup(&P, d, w, mask, starts[0]);
    *iters = 0;
    if (P.p == 0) { /* everything fixed: nothing to fit */
        memcpy(q, starts[0], sizeof(double) * SSOC_NPARAM);
        return SSOC_OK;
    }
    char names[160];
    free_list(mask, 0, SSOC_NPARAM - 1, names, sizeof names);
    const char *dn = data_name(d);
    if (2 * d->n < P.p)
        return SSOC_ERR(err, SSOC_EFIT, "%s: joint fit %s needs at least %zu residuals (2 per point), has %zu", dn,
                        names, P.p, 2 * d->n);
    int found = 0, first_rc = 0, first_it = 0;
    const char *first_why = NULL;
    double best = INFINITY;
    for (int s = 0; s < k; ++s) {
        double qs[SSOC_NPARAM], c = NAN;
        int it = 0;
        const char *why = NULL;
        int rc = jt_solve(w, &P, starts[s], qs, &c, &it, &why);
        if (rc == 0 && (!found || c < best)) {
            memcpy(q, qs, sizeof qs);
            best = c;
            *iters = it;
            found = 1;
        } else if (rc != 0 && !first_why) {
            first_why = why;
            first_rc = rc;
            first_it = it;
        }
    }
    *cost = best;
    if (found)
        return SSOC_OK;
    if (first_rc == -3)
        return SSOC_ERR(err, SSOC_EFIT,
                        "%s: joint fit %s: singular Jacobian at the solution (reciprocal condition number < %g after "
                        "column scaling): the data do not determine these parameters together",
                        dn, names, SSOC_FIT_RCOND_MIN);
    if (first_rc == -2)
        return SSOC_ERR(err, SSOC_EFIT,
                        "%s: joint fit %s: parameter ran off: v_c or n_H left the allowed range [%g, %g]; the data do "
                        "not constrain the gating",
                        dn, names, SSOC_FIT_HILL_MIN, SSOC_FIT_HILL_MAX);
    return SSOC_ERR(err, SSOC_EFIT, "%s: joint fit %s: Levenberg-Marquardt %s after %d iterations", dn, names,
                    first_why ? first_why : "did not converge", first_it);
}

ssoc_status ssoc_fit_residuals(const ssoc_dataset *d, const ssoc_params *p, unsigned fixed_mask, double *resid,
                               double *leverage, ssoc_error *err)
{
    pthread_once(&gsl_handler_once, gsl_handler_off);
    if (!d || !p || !resid)
        return SSOC_ERR(err, SSOC_EINVAL, "fit residuals: NULL argument");
    for (int k = 0; k < SSOC_NPARAM; ++k)
        if (!isfinite(p->p[k]) || (is_log_var(k) && !(p->p[k] > 0.0)))
            return SSOC_ERR(err, SSOC_EINVAL, "fit residuals: parameter %s = %g is not valid", ssoc_param_name(k),
                            p->p[k]);
    ssoc_fit_workspace *w = ssoc_fit_workspace_alloc(d->n);
    if (!w)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: cannot allocate fit workspace", data_name(d));
    ssoc_status st = prepare(d, w, err);
    jt_problem P;
    jt_setup(&P, d, w, fixed_mask & ((1u << SSOC_NPARAM) - 1u), p->p);
    const size_t n = d->n, m = 2 * n;
    gsl_matrix *J = NULL, *V = NULL;
    gsl_vector *S = NULL, *wk = NULL;
    double xv[SSOC_NPARAM];
    jt_pack(&P, p->p, xv);
    gsl_vector_view x = gsl_vector_view_array(xv, P.p ? P.p : 1);
    if (st == SSOC_OK) {
        gsl_vector_view r = gsl_vector_view_array(resid, m);
        jt_f(&x.vector, &P, &r.vector);
        gsl_vector_scale(&r.vector, -1.0); /* observed minus model */
    }
    if (st == SSOC_OK && leverage) {
        for (size_t i = 0; i < m; ++i)
            leverage[i] = 0.0;
        if (P.p > 0 && m >= P.p) {
            J = gsl_matrix_alloc(m, P.p), V = gsl_matrix_alloc(P.p, P.p);
            S = gsl_vector_alloc(P.p), wk = gsl_vector_alloc(P.p);
            if (!J || !V || !S || !wk)
                st = SSOC_ERR(err, SSOC_ENOMEM, "%s: no memory for the hat matrix", data_name(d));
            else {
                jt_df(&x.vector, &P, J);
                /* h_ii = sum over the non-zero singular directions of U_ik^2 (J = U S V^T) */
                if (gsl_linalg_SV_decomp(J, V, S, wk))
                    st = SSOC_ERR(err, SSOC_EFIT, "%s: SVD of the joint Jacobian failed", data_name(d));
                else {
                    const double tol = GSL_DBL_EPSILON * (double)m * gsl_vector_get(S, 0);
                    for (size_t i = 0; i < m; ++i) {
                        double h = 0.0;
                        for (size_t k = 0; k < P.p; ++k)
                            if (gsl_vector_get(S, k) > tol)
                                h += gsl_matrix_get(J, i, k) * gsl_matrix_get(J, i, k);
                        leverage[i] = h > 1.0 ? 1.0 : h;
                    }
                }
            }
        } else if (P.p > 0) {
            for (size_t i = 0; i < m; ++i)
                leverage[i] = 1.0; /* more parameters than residuals: every residual is fitted exactly */
        }
    }
    gsl_matrix_free(J);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(wk);
    ssoc_fit_workspace_free(w);
    return st;
}

/* ---------------------------------------------------------------- metrics */

static double corr_or_nan(const double *a, const double *b, size_t n)
{
    if (n < 2)
        return NAN;
    double r = gsl_stats_correlation(a, 1, b, 1, n);
    return isfinite(r) ? r : NAN;
}

/* buf: scratch of 7 d->n doubles, or NULL to fill only the counts and NaN. */
static void metrics_compute(const ssoc_dataset *d, const ssoc_params *p, double *buf, ssoc_metrics *m)
{
    const size_t n = d->n;
    m->n = n;
    m->n_pcc = m->n_scc = 0;
    for (size_t i = 0; i < n; ++i) {
        if (d->regime[i] == SSOC_REGIME_PCC)
            m->n_pcc++;
        else
            m->n_scc++;
    }
    m->r_log10_sigma = m->rmse_log10_sigma = m->mean_ratio = m->median_ratio = NAN;
    m->r_log10_D_all = m->r_log10_D_pcc = m->r_log10_D_scc = m->r_ln_f = NAN;
    if (n == 0 || !buf)
        return;
    double *ls_mod = buf, *ls_obs = buf + n, *ratio = buf + 2 * n, *lf_mod = buf + 3 * n, *lf_obs = buf + 4 * n;
    double *lD_mod = buf + 5 * n, *lD_obs = buf + 6 * n;
    const double e2 = SSOC_E_C * SSOC_E_C;
    double sse = 0.0;
    for (size_t i = 0; i < n; ++i) {
        ssoc_layers L;
        ssoc_model_eval(p, d->x[i], d->rho_g_cm3[i], d->T_K[i], &L);
        ls_mod[i] = log10(L.sigma_S_cm);
        ls_obs[i] = log10(d->sigma_S_cm[i]);
        ratio[i] = L.sigma_S_cm / d->sigma_S_cm[i];
        sse += (ls_mod[i] - ls_obs[i]) * (ls_mod[i] - ls_obs[i]);
        lf_mod[i] = L.ln_f_eff;
        /* observed ln f from the observed sigma and the observed D_hop (see fit.h) */
        lf_obs[i] = log(d->sigma_S_cm[i] * SSOC_KB_J_K * d->T_K[i] / (L.n_Li_cm3 * e2 * d->D_hop_cm2_s[i]));
        lD_mod[i] = log10(L.D_hop_cm2_s);
        lD_obs[i] = log10(d->D_hop_cm2_s[i]);
    }
    m->r_log10_sigma = corr_or_nan(ls_mod, ls_obs, n);
    m->rmse_log10_sigma = sqrt(sse / (double)n);
    m->mean_ratio = gsl_stats_mean(ratio, 1, n);
    m->median_ratio = gsl_stats_median(ratio, 1, n); /* reorders ratio */
    m->r_ln_f = corr_or_nan(lf_mod, lf_obs, n);
    m->r_log10_D_all = corr_or_nan(lD_mod, lD_obs, n);
    /* per regime: compact into the sigma arrays, no longer needed */
    for (int reg = 0; reg < 2; ++reg) {
        size_t k = 0;
        for (size_t i = 0; i < n; ++i)
            if (d->regime[i] == reg) {
                ls_mod[k] = lD_mod[i];
                ls_obs[k] = lD_obs[i];
                ++k;
            }
        double r = corr_or_nan(ls_mod, ls_obs, k);
        if (reg == SSOC_REGIME_PCC)
            m->r_log10_D_pcc = r;
        else
            m->r_log10_D_scc = r;
    }
}

void ssoc_fit_metrics(const ssoc_dataset *d, const ssoc_params *p, ssoc_metrics *m)
{
    double *buf = malloc(7 * (d->n ? d->n : 1) * sizeof *buf);
    metrics_compute(d, p, buf, m); /* NULL buf (allocation failed): counts and NaN only */
    free(buf);
}

/* ---------------------------------------------------------------- driver */

static ssoc_status check_opts(const ssoc_fit_opts *o, ssoc_error *err)
{
    for (int i = 0; i < SSOC_NPARAM; ++i) {
        if (!is_fixed(o->fixed_mask, i))
            continue;
        double v = o->fixed.p[i];
        if (!isfinite(v) || ((i == SSOC_P_VC || i == SSOC_P_NH) && v <= 0.0))
            return SSOC_ERR(err, SSOC_EINVAL, "fixed value of %s is %g: it must be finite%s", ssoc_param_name(i), v,
                            (i == SSOC_P_VC || i == SSOC_P_NH) ? " and > 0" : "");
    }
    if (o->fixed_mask >> SSOC_NPARAM)
        return SSOC_ERR(err, SSOC_EINVAL, "fixed-parameter mask 0x%x has bits beyond the %d parameters", o->fixed_mask,
                        SSOC_NPARAM);
    if (o->method != SSOC_FIT_STAGED && o->method != SSOC_FIT_JOINT)
        return SSOC_ERR(err, SSOC_EINVAL, "unknown fit method %d (staged or joint)", (int)o->method);
    const int idx[2] = {SSOC_P_VC, SSOC_P_NH};
    for (int k = 0; k < 2; ++k) {
        double v = o->start.p[idx[k]];
        if (!is_fixed(o->fixed_mask, idx[k]) && !(isfinite(v) && v > 0.0))
            return SSOC_ERR(err, SSOC_EINVAL, "start value of %s is %g: it must be finite and > 0",
                            ssoc_param_name(idx[k]), v);
    }
    if (o->method == SSOC_FIT_JOINT && o->has_joint_start)
        for (int i = 0; i < SSOC_NPARAM; ++i) {
            const double v = o->joint_start.p[i];
            if (!is_fixed(o->fixed_mask, i) && !(isfinite(v) && (!is_log_var(i) || v > 0.0)))
                return SSOC_ERR(err, SSOC_EINVAL, "joint start value of %s is %g: it must be finite%s",
                                ssoc_param_name(i), v, is_log_var(i) ? " and > 0" : "");
        }
    return SSOC_OK;
}

/* The three stages of docs/MODEL.md, "Fitting", into q (fixed values in place). */
static ssoc_status staged(const ssoc_dataset *d, const ssoc_fit_opts *o, ssoc_fit_workspace *w, double *q,
                          int *iters, ssoc_error *err)
{
    ssoc_status st;
    for (int i = 0; i < SSOC_NPARAM; ++i)
        q[i] = is_fixed(o->fixed_mask, i) ? o->fixed.p[i] : NAN;
    *iters = 0;
    if ((st = stage1(d, o->fixed_mask, w, q, err)))
        return st;
    if ((st = stage2(d, o, w, q, iters, err)))
        return st;
    model_lnD(d, w, q);
    if ((st = stage3(d, o->fixed_mask, w, q, err)))
        return st;
    for (int i = 0; i < SSOC_NPARAM; ++i)
        if (!isfinite(q[i]))
            return SSOC_ERR(err, SSOC_EFIT, "%s: fit produced a non-finite %s", data_name(d), ssoc_param_name(i));
    return SSOC_OK;
}

ssoc_status ssoc_fit_run_ws(const ssoc_dataset *d, const ssoc_fit_opts *o, ssoc_fit_workspace *w,
                            ssoc_fit_result *res, ssoc_error *err)
{
    pthread_once(&gsl_handler_once, gsl_handler_off);
    if (!d || !o || !w || !res)
        return SSOC_ERR(err, SSOC_EINVAL, "fit: NULL argument");
    ssoc_status st = check_opts(o, err);
    if (st)
        return st;
    if (ws_reserve(w, d->n) != 0)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: cannot allocate fit workspace for %zu points", data_name(d), d->n);
    /* Count regimes here rather than trusting n_pcc/n_scc, which a caller may not have updated. */
    ssoc_dataset dd = *d;
    dd.n_pcc = dd.n_scc = 0;
    for (size_t i = 0; i < d->n; ++i) {
        if (d->regime[i] == SSOC_REGIME_PCC)
            dd.n_pcc++;
        else
            dd.n_scc++;
    }
    d = &dd;
    if ((st = prepare(d, w, err)))
        return st;
    if (!is_fixed(o->fixed_mask, SSOC_P_LNA)) {
        size_t nT = 0;
        for (size_t i = 0; i < d->n && nT < 2; ++i)
            nT = d->T_K[i] != d->T_K[0] ? 2 : 1;
        if (nT < 2)
            return SSOC_ERR(err, SSOC_EFIT,
                            "%s: ln_A can be freed only when the data span two or more temperatures; all %zu points are "
                            "at %g K, where ln A and E0 are one intercept (E0 is then set by the assumed attempt "
                            "frequency k_B T/h)",
                            data_name(d), d->n, d->n ? d->T_K[0] : NAN);
    }

    double q[SSOC_NPARAM];
    int iters = 0, jiters = 0;
    ssoc_error staged_err = {0};
    st = staged(d, o, w, q, &iters, &staged_err);
    double cost = NAN;
    if (o->method == SSOC_FIT_JOINT) {
        /* starts: the staged solution, and the caller's second start */
        double starts[2][SSOC_NPARAM];
        int k = 0;
        if (st == SSOC_OK)
            memcpy(starts[k++], q, sizeof q);
        if (o->has_joint_start) {
            for (int i = 0; i < SSOC_NPARAM; ++i)
                starts[k][i] = is_fixed(o->fixed_mask, i) ? o->fixed.p[i] : o->joint_start.p[i];
            ++k;
        }
        if (k == 0 || (st != SSOC_OK && st != SSOC_EFIT)) {
            if (err)
                *err = staged_err;
            return st;
        }
        if ((st = joint(d, o->fixed_mask, w, (const double(*)[SSOC_NPARAM])starts, k, q, &jiters, &cost, err)))
            return st;
    } else if (st) {
        if (err)
            *err = staged_err;
        return st;
    }
    if (!isfinite(cost)) { /* staged, or nothing free: the joint cost at the solution */
        jt_problem P;
        jt_setup(&P, d, w, o->fixed_mask, q);
        double xv[SSOC_NPARAM];
        jt_pack(&P, q, xv);
        gsl_vector_view x = gsl_vector_view_array(xv, P.p ? P.p : 1);
        gsl_vector_view f = gsl_vector_subvector(w->jy, 0, 2 * d->n);
        jt_f(&x.vector, &P, &f.vector);
        cost = 0.0;
        for (size_t i = 0; i < 2 * d->n; ++i)
            cost += gsl_vector_get(&f.vector, i) * gsl_vector_get(&f.vector, i);
    }

    memcpy(res->params.p, q, sizeof q);
    res->fixed_mask = o->fixed_mask;
    res->lm_iterations = iters;
    res->method = o->method;
    res->joint_iterations = jiters;
    res->cost = cost;
    metrics_compute(d, &res->params, w->a[A_M0], &res->metrics);
    return SSOC_OK;
}

ssoc_status ssoc_fit_run(const ssoc_dataset *d, const ssoc_fit_opts *o, ssoc_fit_result *res, ssoc_error *err)
{
    ssoc_fit_workspace *w = ssoc_fit_workspace_alloc(d ? d->n : 0);
    if (!w)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: cannot allocate fit workspace", d ? data_name(d) : "data");
    ssoc_status st = ssoc_fit_run_ws(d, o, w, res, err);
    ssoc_fit_workspace_free(w);
    return st;
}
