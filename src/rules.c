/* Design rules (docs/MODEL.md, "Sweep and design rules"): the global maximum of sigma along rho or
 * along x on the continuous model. See rules.h for the method; the derivation is in the comments
 * below. */
#include "ssoc/rules.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#include "model_inline.h"

/* M(x) = RL_M1 x + RL_M0 [g/mol] (docs/MODEL.md, "Composition", expanded). */
#define RL_M1 (2.0 * SSOC_M_LI_G_MOL - 2.0 * SSOC_M_P_G_MOL - 4.0 * SSOC_M_S_G_MOL)
#define RL_M0 (2.0 * SSOC_M_P_G_MOL + 5.0 * SSOC_M_S_G_MOL)

/* Bisection depth cap: a sub-interval 2^-60 of its piece wide (< 1e-18 in v) is far below the
 * accuracy asked of the argmax, so settling it by its better end loses nothing. Only a point where
 * g' and g'' vanish together (a degenerate inflection, not a strict maximum) can drive a branch
 * this deep; simple roots of g' or g'' are certified a few levels down. */
#define RL_MAXDEPTH 60
/* Total sub-interval budget: 5 to 15 are used in practice (benchmarks/README.md); the cap only
 * bounds the time of a pathological parameter set, after which sub-intervals are settled by their
 * better end without certification. */
#define RL_MAXCELLS 4096
#define RL_MAXIT 200

/* The 1-D problem both rules reduce to. With v the free volume,
 *     g(v) = B v + b3 v^2 - H(v) + c N(v)/D(v) + (1/3) ln N(v),
 *     N = n0 + n1 v > 0,  D = d0 + d1 v > 0 on the domain,
 *     H(v) = ln(1 + (v/v_c)^n_H) for v > 0, 0 for v <= 0.
 * rho_opt (x, T fixed): rho = rho0 (1 - v), n_Li is proportional to 1 - v, so N = 1 - v, c = 0.
 * x_opt (rho, T fixed): v = 1 - rho K (5 - 4x)/M(x) with K = N_A V_S / eta_RCP. Solving for x gives
 *     x = N/D,  N = 5 rho K - (1 - v) m0,  D = (1 - v) m1 + 4 rho K,  M = rho K (4 m0 + 5 m1) / D,
 * so x/M (hence n_Li) is proportional to N, and beta1 x = c N/D with c = beta1. Since
 * 4 m0 + 5 m1 = 7.462 g/mol > 0, v increases with x, so x_lo maps to the lower end in v.
 * Derivatives, with Delta = n1 d0 - n0 d1 (d(N/D)/dv = Delta/D^2):
 *     g'  = B + 2 b3 v - H'(v) + c Delta/D^2 + n1/(3N)
 *     g'' = 2 b3 - H''(v) - 2 c Delta d1/D^3 - n1^2/(3N^2)
 * Each term is monotone in v on the whole domain (N and D are linear and keep their sign), except
 * H' and H'', which are monotone between the breakpoints of ssoc_rules_prep.bp and v = 0. With
 * t = v/v_c, s = t^n, H' = (n/v_c) h(t), h = t^(n-1)/(1+s), H'' = (n/v_c^2) h'(t), so H' peaks at
 * s = n - 1 (n > 1) and H'' is extremal where h'' = 0, i.e. where
 *     2 s^2 - (n-1)(n+4) s + (n-1)(n-2) = 0;
 * for n <= 1 that quadratic has no positive root (h is convex) and H' is decreasing. */
typedef struct rl_prob {
    double B, b3, nH, ln_vc, vc;
    double n0, n1, d0, d1, c, cdelta;
} rl_prob;

/* One evaluation point: the monotone terms of g' and g'' (for bounds on a sub-interval) and the
 * value g, computed only when the point becomes a candidate. */
typedef struct rl_node {
    double v;
    double t1[4]; /* g' = B + sum t1 */
    double t2[3]; /* g'' = 2 b3 + sum t2 */
    double g1, g2;
    double g;
    int have_g;
} rl_node;

/* Hill terms at v > 0 from one log and one exp, stable for any z = n ln(v/v_c). */
static inline void rl_hill(const rl_prob *P, double v, double *H, double *h1, double *h2)
{
    const double z = P->nH * (log(v) - P->ln_vc);
    const double e = exp(-fabs(z));
    const double r = 1.0 / (1.0 + e);
    const double sig = z >= 0.0 ? r : e * r;  /* s/(1+s) */
    const double csig = z >= 0.0 ? e * r : r; /* 1/(1+s) */
    if (H)
        *H = ssoc_mf_softplus(z);
    const double iv = 1.0 / v;
    *h1 = P->nH * sig * iv;
    *h2 = *h1 * iv * (P->nH * csig - 1.0);
}

/* `right` selects the one-sided limit at v = 0 (from v > 0), where H' and H'' may jump. */
/* N(v), kept positive: for x_opt with x_lo within ~1e-14 of 0, N = x D at the lower end is below
 * its rounding error. There sigma -> 0 (n_Li ~ x), so the clamp only keeps logs finite. N stays
 * monotone, so the bounds remain valid. */
static inline double rl_N(const rl_prob *P, double v)
{
    const double N = P->n0 + P->n1 * v;
    return N > DBL_MIN ? N : DBL_MIN;
}

static void rl_eval(const rl_prob *P, double v, int right, rl_node *n)
{
    const double iN = 1.0 / rl_N(P, v);
    double h1 = 0.0, h2 = 0.0;
    if (v > 0.0) {
        rl_hill(P, v, NULL, &h1, &h2);
    } else if (v == 0.0 && right) {
        /* limits of H' ~ n v^(n-1)/v_c^n and H'' ~ n(n-1) v^(n-2)/v_c^n as v -> 0+ */
        const double nh = P->nH, ivc = 1.0 / P->vc;
        h1 = nh > 1.0 ? 0.0 : nh == 1.0 ? ivc : INFINITY;
        h2 = nh > 2.0   ? 0.0
             : nh == 2.0 ? 2.0 * ivc * ivc
             : nh > 1.0  ? INFINITY
             : nh == 1.0 ? -ivc * ivc
                         : -INFINITY;
    }
    n->v = v;
    if (P->cdelta != 0.0) { /* x_opt only */
        const double iD = 1.0 / (P->d0 + P->d1 * v);
        n->t1[0] = P->cdelta * iD * iD;
        n->t2[0] = -2.0 * P->cdelta * P->d1 * iD * iD * iD;
    } else {
        n->t1[0] = n->t2[0] = 0.0;
    }
    n->t1[1] = P->n1 * iN * (1.0 / 3.0);
    n->t1[2] = 2.0 * P->b3 * v;
    n->t1[3] = -h1;
    n->t2[1] = -P->n1 * P->n1 * iN * iN * (1.0 / 3.0);
    n->t2[2] = -h2;
    n->g1 = P->B + ((n->t1[0] + n->t1[1]) + (n->t1[2] + n->t1[3]));
    n->g2 = 2.0 * P->b3 + (n->t2[0] + n->t2[1] + n->t2[2]);
    n->have_g = 0;
}

static double rl_value(const rl_prob *P, rl_node *n)
{
    if (!n->have_g) {
        const double v = n->v;
        const double N = rl_N(P, v), D = P->d0 + P->d1 * v;
        double H = 0.0, h1, h2;
        if (v > 0.0)
            rl_hill(P, v, &H, &h1, &h2);
        n->g = P->B * v + P->b3 * v * v - H + P->c * (N / D) + log(N) * (1.0 / 3.0);
        n->have_g = 1;
    }
    return n->g;
}

/* Root of g' in (a, b) where g'(a) > 0 > g'(b) and g'' < 0 is certified on [a, b]: g' is strictly
 * decreasing, so the root is unique and Newton converges quadratically from inside; the bracket
 * catches any step that leaves it. Hand-rolled rather than gsl_root_fdfsolver because that one
 * allocates, calls through function pointers and evaluates f and df separately, while here g' and
 * g'' share one log and one exp, and the bracket comes for free from the certification. */
static double rl_newton(const rl_prob *P, const rl_node *a, const rl_node *b)
{
    double lo = a->v, hi = b->v;
    double v = 0.5 * (lo + hi);
    if (isfinite(a->g1) && isfinite(b->g1)) {
        const double vs = lo + (hi - lo) * (a->g1 / (a->g1 - b->g1)); /* regula falsi start */
        if (vs > lo && vs < hi)
            v = vs;
    }
    rl_node n;
    for (int it = 0; it < RL_MAXIT; ++it) {
        rl_eval(P, v, 1, &n);
        if (n.g1 == 0.0)
            return v;
        if (n.g1 > 0.0)
            lo = v;
        else
            hi = v;
        double vn = v - n.g1 / n.g2;
        if (!(vn > lo && vn < hi)) /* also catches NaN */
            vn = 0.5 * (lo + hi);
        const double step = fabs(vn - v);
        v = vn;
        /* The last Newton step leaves an error of order step^2 |g'''/g''|, far below 1e-15. */
        if (step <= 1e-12 * (1.0 + fabs(v)) || hi - lo <= 4.0 * DBL_EPSILON * (1.0 + fabs(v)))
            break;
    }
    return v;
}

typedef struct rl_result {
    double v;    /* argmax in v */
    int where;   /* -1: lower end va, +1: upper end vb, 0: inside */
    int nmax;    /* interior local maxima */
    double g;    /* g at the argmax */
} rl_result;

typedef struct rl_cell {
    rl_node a, b;
    int depth;
} rl_cell;

static inline double rl_min(double a, double b) { return a < b ? a : b; }
static inline double rl_max(double a, double b) { return a > b ? a : b; }

/* Running state of the sweep over sub-intervals, left to right. The value g is computed only
 * where it can matter: a maximum at the left end of a sub-interval is dominated by the maximum
 * of the previous sub-interval (which contains that node) unless the previous one rose into it;
 * a maximum at the right end is held as pending until the next sub-interval shows whether it
 * rises further (pending dropped) or falls (pending is a local maximum). */
typedef struct rl_scan {
    double va, vb;
    double best_g, best_v;
    int best_where, nmax;
    rl_node pend;
    int have_pend;
    struct rl_lmax *lm; /* where to record the interior local maxima, or NULL */
} rl_scan;

/* The interior local maxima a maximisation found (the first RL_NLM of them), for the x-block
 * method: it needs to know which of them lie inside each column's own range. */
#define RL_NLM 8
typedef struct rl_lmax {
    int n;
    double v[RL_NLM], g[RL_NLM];
} rl_lmax;

static void rl_local_max(rl_scan *S, double v, double g)
{
    ++S->nmax;
    if (S->lm && S->lm->n < RL_NLM) {
        S->lm->v[S->lm->n] = v;
        S->lm->g[S->lm->n] = g;
        ++S->lm->n;
    }
}

static void rl_offer(rl_scan *S, double v, double g, int interior_root)
{
    if (g > S->best_g) {
        S->best_g = g;
        S->best_v = v;
        S->best_where = interior_root ? 0 : v == S->va ? -1 : v == S->vb ? 1 : 0;
    }
}

/* Global maximum of g on [va, vb] (va <= vb). Returns 0, or -1 if no finite candidate was found.
 * If lm is not NULL, the interior local maxima are recorded there (lm->n = 0 on entry). */
static int rl_maximise(const rl_prob *P, const double *bp, int nbp, double va, double vb, rl_result *res,
                       rl_lmax *lm)
{
    double edge[6];
    int ne = 0;
    edge[ne++] = va;
    if (va < 0.0 && vb > 0.0)
        edge[ne++] = 0.0;
    for (int k = 0; k < nbp; ++k)
        if (bp[k] > va && bp[k] < vb && bp[k] > edge[ne - 1])
            edge[ne++] = bp[k];
    edge[ne++] = vb;

    rl_scan S = {.va = va, .vb = vb, .best_g = -INFINITY, .best_v = NAN, .lm = lm};
    int ncells = 0;
    rl_cell stack[RL_MAXDEPTH + 2];
    rl_node left;
    rl_eval(P, va, 1, &left);

    for (int piece = 0; piece + 1 < ne; ++piece) {
        /* pieces share their end nodes, except at v = 0 where H' and H'' take one-sided limits */
        if (piece > 0 && edge[piece] == 0.0)
            rl_eval(P, 0.0, 1, &left);
        stack[0].a = left;
        rl_eval(P, edge[piece + 1], 0, &stack[0].b);
        stack[0].depth = 0;
        left = stack[0].b;
        int top = 1;
        while (top > 0) {
            rl_cell *cell = &stack[top - 1];
            ++ncells;
            double lo1 = P->B, hi1 = P->B;
            for (int k = 0; k < 4; ++k) {
                lo1 += rl_min(cell->a.t1[k], cell->b.t1[k]);
                hi1 += rl_max(cell->a.t1[k], cell->b.t1[k]);
            }
            /* where the maximum over the closed sub-interval is: 0 left end, 1 right end,
             * 2 interior root, 3 the better end */
            int kind;
            if (lo1 > 0.0) {
                kind = 1;
            } else if (hi1 < 0.0) {
                kind = 0;
            } else {
                double lo2 = 2.0 * P->b3, hi2 = 2.0 * P->b3;
                for (int k = 0; k < 3; ++k) {
                    lo2 += rl_min(cell->a.t2[k], cell->b.t2[k]);
                    hi2 += rl_max(cell->a.t2[k], cell->b.t2[k]);
                }
                if (hi2 < 0.0) {
                    kind = cell->a.g1 <= 0.0 ? 0 : cell->b.g1 >= 0.0 ? 1 : 2;
                } else if (lo2 > 0.0 || cell->depth >= RL_MAXDEPTH || ncells >= RL_MAXCELLS) {
                    kind = 3;
                } else {
                    const double vm = 0.5 * (cell->a.v + cell->b.v);
                    if (vm > cell->a.v && vm < cell->b.v) {
                        /* this slot becomes the right half; the left half goes on top, so
                         * sub-intervals come off the stack left to right */
                        rl_cell *l = &stack[top++];
                        l->a = cell->a;
                        rl_eval(P, vm, 1, &l->b);
                        cell->a = l->b;
                        l->depth = ++cell->depth;
                        continue;
                    }
                    kind = 3; /* no double between the ends */
                }
            }
            if (kind == 3)
                kind = rl_value(P, &cell->b) > rl_value(P, &cell->a) ? 1 : 0;
            if (kind == 2) {
                rl_node m;
                m.v = rl_newton(P, &cell->a, &cell->b);
                m.have_g = 0;
                const double gm = rl_value(P, &m);
                rl_offer(&S, m.v, gm, 1);
                rl_local_max(&S, m.v, gm);
                S.have_pend = 0;
            } else if (kind == 1) {
                S.pend = cell->b;
                S.have_pend = 1;
            } else if (S.have_pend) { /* rose into a, falls after it: a local maximum at a node */
                const double gp = rl_value(P, &S.pend);
                rl_offer(&S, S.pend.v, gp, 0);
                rl_local_max(&S, S.pend.v, gp);
                S.have_pend = 0;
            } else if (cell->a.v == va) {
                rl_offer(&S, va, rl_value(P, &cell->a), 0);
            }
            --top;
        }
    }
    if (S.have_pend) /* rose into vb */
        rl_offer(&S, S.pend.v, rl_value(P, &S.pend), 0);
    if (!(S.best_g > -INFINITY) || !isfinite(S.best_v))
        return -1;
    res->v = S.best_v;
    res->where = S.best_where;
    res->nmax = S.nmax;
    res->g = S.best_g;
    return 0;
}

/* ln sigma at (x, rho, T) in the fast form of model.c, where k_B T cancels:
 * sigma = e^2/(6h) n^(1/3) f_eff p_active exp(-(E0 - alpha_E v_f)/(k_B T)). */
static double rl_ln_sigma(const double *q, double x, double rho, double T, double *vf_out)
{
    const double v = ssoc_mf_vf(rho, ssoc_mf_rho0(x));
    const double n = ssoc_mf_nli(x, rho, ssoc_mf_molar_mass(x));
    double H = 0.0;
    if (v > 0.0)
        H = log1p(pow(v / q[SSOC_P_VC], q[SSOC_P_NH]));
    *vf_out = v;
    return log(SSOC_E_C * SSOC_E_C / (6.0 * SSOC_H_J_S)) + log(n) * (1.0 / 3.0) + q[SSOC_P_BETA0] + q[SSOC_P_LNA] +
           q[SSOC_P_BETA1] * x + q[SSOC_P_BETA2] * v + q[SSOC_P_BETA3] * v * v -
           (q[SSOC_P_E0] - q[SSOC_P_ALPHA_E] * v) / (SSOC_KB_EV_K * T) - H;
}

static void rl_base(const ssoc_rules_prep *prep, double T, rl_prob *P)
{
    const double *q = prep->p;
    P->B = q[SSOC_P_BETA2] + q[SSOC_P_ALPHA_E] / (SSOC_KB_EV_K * T);
    P->b3 = q[SSOC_P_BETA3];
    P->nH = q[SSOC_P_NH];
    P->vc = q[SSOC_P_VC];
    P->ln_vc = prep->ln_vc;
}

/* The 1-D problem of rho_opt: N = 1 - v, no x term (it is a constant at fixed x). */
static void rl_rho_prob(const ssoc_rules_prep *prep, double T, rl_prob *P)
{
    rl_base(prep, T, P);
    P->n0 = 1.0;
    P->n1 = -1.0;
    P->d0 = 1.0;
    P->d1 = 0.0;
    P->c = 0.0;
    P->cdelta = 0.0;
}

/* The optimum's argument: at_va or at_vb when the maximum is an end of the v range, else the
 * interior value mapped back from v, clamped into [lo, hi] against rounding. */
static double rl_arg(const rl_result *r, double at_va, double at_vb, double interior, double lo, double hi)
{
    if (r->where != 0)
        return r->where < 0 ? at_va : at_vb;
    return interior < lo ? lo : interior > hi ? hi : interior;
}

static ssoc_status rl_finish(const ssoc_rules_prep *prep, const char *rule, double x, double rho, double T,
                             const rl_result *r, double arg, ssoc_optimum *o, ssoc_error *err)
{
    double vf;
    const double ls = rl_ln_sigma(prep->p, x, rho, T, &vf);
    const double s = exp(ls);
    if (!isfinite(ls) || !isfinite(s) || !isfinite(vf))
        return SSOC_ERR(err, SSOC_EINVAL,
                        "%s: sigma is not finite at its maximum (x = %g, rho = %g g/cm3, T = %g K, "
                        "ln sigma = %g): parameters out of range",
                        rule, x, rho, T, ls);
    o->arg = arg;
    o->v_f = vf;
    o->sigma_S_cm = s;
    o->ln_sigma = ls;
    o->at_bound = r->where != 0;
    o->n_local_max = r->nmax;
    return SSOC_OK;
}

ssoc_status ssoc_rules_prepare(const ssoc_params *p, ssoc_rules_prep *prep, ssoc_error *err)
{
    if (!p || !prep)
        return SSOC_ERR(err, SSOC_EINVAL, "rules: NULL parameter set or preparation record");
    for (int i = 0; i < SSOC_NPARAM; ++i) {
        if (!isfinite(p->p[i]))
            return SSOC_ERR(err, SSOC_EINVAL, "rules: parameter %s = %g is not finite", ssoc_param_name(i),
                            p->p[i]);
        prep->p[i] = p->p[i];
    }
    const double vc = p->p[SSOC_P_VC], n = p->p[SSOC_P_NH];
    if (!(vc > 0.0))
        return SSOC_ERR(err, SSOC_EINVAL, "rules: v_c = %g must be > 0", vc);
    if (!(n > 0.0))
        return SSOC_ERR(err, SSOC_EINVAL, "rules: n_H = %g must be > 0 (sigma is discontinuous at v_f = 0 otherwise)",
                        n);
    prep->ln_vc = log(vc);
    prep->nbp = 0;
    if (n > 1.0) {
        /* s = (v/v_c)^n at the peak of H' (n - 1) and at the extrema of H'' (roots of
         * 2 s^2 - (n-1)(n+4) s + (n-1)(n-2)); the small root from the product of the roots
         * to avoid cancellation. */
        const double bq = (n - 1.0) * (n + 4.0), cq = (n - 1.0) * (n - 2.0);
        const double sp = 0.25 * (bq + sqrt(bq * bq - 8.0 * cq));
        const double sm = 0.5 * cq / sp;
        double s[3] = {sm, n - 1.0, sp};
        for (int k = 0; k < 3; ++k)
            if (s[k] > 0.0 && isfinite(s[k]))
                prep->bp[prep->nbp++] = vc * pow(s[k], 1.0 / n);
        /* ascending (it already is for these roots; keep it robust to rounding) */
        for (int i = 1; i < prep->nbp; ++i)
            for (int j = i; j > 0 && prep->bp[j] < prep->bp[j - 1]; --j) {
                const double t = prep->bp[j];
                prep->bp[j] = prep->bp[j - 1];
                prep->bp[j - 1] = t;
            }
    }
    return SSOC_OK;
}

static ssoc_status rl_check_T(const char *rule, double T, ssoc_error *err)
{
    if (!(isfinite(T) && T > 0.0))
        return SSOC_ERR(err, SSOC_EINVAL, "%s: T = %g K must be finite and > 0", rule, T);
    return SSOC_OK;
}

ssoc_status ssoc_rules_rho_opt_prepared(const ssoc_rules_prep *prep, double x, double T, double rho_lo,
                                        double rho_hi, ssoc_optimum *o, ssoc_error *err)
{
    static const char rule[] = "rho_opt";
    if (!prep || !o)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: NULL argument", rule);
    if (!(isfinite(x) && x > 0.0 && x < 1.0))
        return SSOC_ERR(err, SSOC_EINVAL, "%s: x = %g must be in (0, 1)", rule, x);
    if (rl_check_T(rule, T, err) != SSOC_OK)
        return SSOC_EINVAL;
    if (!(isfinite(rho_lo) && isfinite(rho_hi) && rho_lo > 0.0 && rho_lo < rho_hi))
        return SSOC_ERR(err, SSOC_EINVAL, "%s: rho range [%g, %g] g/cm3 is invalid (need 0 < lo < hi, finite)",
                        rule, rho_lo, rho_hi);
    const double rho0 = ssoc_mf_rho0(x);
    rl_prob P;
    rl_rho_prob(prep, T, &P);
    /* v decreases with rho: the upper density is the lower end in v */
    const double va = ssoc_mf_vf(rho_hi, rho0), vb = ssoc_mf_vf(rho_lo, rho0);
    rl_result r;
    if (rl_maximise(&P, prep->bp, prep->nbp, va, vb, &r, NULL) != 0)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: sigma is not finite on rho in [%g, %g] g/cm3 (x = %g, T = %g K)",
                        rule, rho_lo, rho_hi, x, T);
    /* v decreases with rho: the lower end in v is the upper density */
    const double rho = rl_arg(&r, rho_hi, rho_lo, rho0 * (1.0 - r.v), rho_lo, rho_hi);
    return rl_finish(prep, rule, x, rho, T, &r, rho, o, err);
}

/* x-block method (rules.h, ssoc_rules_rho_opt_columns). A column is served by the shared solve
 * only when its optimum is certainly that of its own direct solve, with the same flags:
 * - the shared maximum v* is interior to the union and lies inside the column's range by more than
 *   RL_COL_MARGIN (so the column's direct solve sees g' > 0 at its lower end and g' < 0 at its upper
 *   end by far more than rounding, and returns the same interior maximum, not an end);
 * - no recorded interior local maximum of the union lies within RL_COL_MARGIN of the column's ends
 *   (so whether it is inside the column's range, i.e. counted in its n_local_max, is unambiguous);
 * - every other local maximum inside the column's range is below v*'s value by more than
 *   RL_TIE_REL relative (so rounding cannot make the direct solve prefer it);
 * - all local maxima were recorded (at most RL_NLM) and ln sigma < RL_LN_MAX (exp cannot overflow
 *   where the direct solve's would not).
 * v* moves by ~1e-16 between the union and a column's range (Newton converged in a different
 * bracket), so the margins are many orders above the differences they guard against, and cost
 * the reuse only for columns whose optimum sits within 1e-8 of a range end. */
#define RL_COL_MARGIN 1e-8
#define RL_TIE_REL 1e-9
#define RL_LN_MAX 700.0

size_t ssoc_rules_xblock(size_t ix, size_t nx, size_t *first)
{
    if (ix >= nx) {
        if (first)
            *first = nx;
        return 0;
    }
    const size_t f = ix - ix % SSOC_RULES_XBLOCK, m = nx - f;
    if (first)
        *first = f;
    return m < SSOC_RULES_XBLOCK ? m : SSOC_RULES_XBLOCK;
}

ssoc_status ssoc_rules_rho_opt_columns(const ssoc_rules_prep *prep, const double *xs, size_t m, double T,
                                       double rho_lo, double rho_hi, ssoc_optimum *out, unsigned char *ok,
                                       ssoc_error *err)
{
    static const char rule[] = "rho_opt columns";
    if (!prep || !xs || !out || !ok)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: NULL argument", rule);
    if (m < 1 || m > SSOC_RULES_XBLOCK)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: %zu columns (need 1 to %d)", rule, m, SSOC_RULES_XBLOCK);
    if (rl_check_T(rule, T, err) != SSOC_OK)
        return SSOC_EINVAL;
    if (!(isfinite(rho_lo) && isfinite(rho_hi) && rho_lo > 0.0 && rho_lo < rho_hi))
        return SSOC_ERR(err, SSOC_EINVAL, "%s: rho range [%g, %g] g/cm3 is invalid (need 0 < lo < hi, finite)",
                        rule, rho_lo, rho_hi);
    /* every column's v_f range, computed as ssoc_rules_rho_opt_prepared computes it */
    double rho0[SSOC_RULES_XBLOCK], va[SSOC_RULES_XBLOCK], vb[SSOC_RULES_XBLOCK];
    int valid[SSOC_RULES_XBLOCK];
    double ulo = INFINITY, uhi = -INFINITY;
    size_t nvalid = 0, iref = 0;
    for (size_t i = 0; i < m; ++i) {
        const double x = xs[i];
        valid[i] = isfinite(x) && x > 0.0 && x < 1.0;
        if (!valid[i])
            continue;
        if (nvalid++ == 0)
            iref = i;
        rho0[i] = ssoc_mf_rho0(x);
        va[i] = ssoc_mf_vf(rho_hi, rho0[i]);
        vb[i] = ssoc_mf_vf(rho_lo, rho0[i]);
        ulo = va[i] < ulo ? va[i] : ulo;
        uhi = vb[i] > uhi ? vb[i] : uhi;
    }
    /* the shared solve over the union of the ranges (g does not depend on x: rules.h) */
    rl_result r;
    rl_lmax lm = {0};
    double ls_ref = NAN, lref = NAN;
    int have = 0;
    if (nvalid >= 2) {
        rl_prob P;
        rl_rho_prob(prep, T, &P);
        have = rl_maximise(&P, prep->bp, prep->nbp, ulo, uhi, &r, &lm) == 0 && r.where == 0 && r.nmax == lm.n;
        if (have) {
            /* ln sigma at the reference column; the others differ by the x terms of ln sigma at
             * fixed v_f: (1/3) ln n_Li = (1/3) ln(x/(5 - 4x)) + f(v_f) (layers 0 and 1
             * of docs/MODEL.md, "The model"), and beta1 x */
            const double xr = xs[iref];
            double vf;
            ls_ref = rl_ln_sigma(prep->p, xr, rho0[iref] * (1.0 - r.v), T, &vf);
            lref = log(xr / (5.0 - 4.0 * xr));
            have = isfinite(ls_ref);
        }
    }
    const double b1 = prep->p[SSOC_P_BETA1];
    for (size_t i = 0; i < m; ++i) {
        if (!valid[i]) { /* as the direct solve: x outside (0, 1) */
            ok[i] = 0;
            continue;
        }
        int serve = have && r.v > va[i] + RL_COL_MARGIN && r.v < vb[i] - RL_COL_MARGIN;
        int nin = 0;
        for (int k = 0; serve && k < lm.n; ++k) {
            const double v = lm.v[k];
            if (fabs(v - va[i]) <= RL_COL_MARGIN || fabs(v - vb[i]) <= RL_COL_MARGIN)
                serve = 0;
            else if (v > va[i] && v < vb[i]) {
                ++nin;
                if (v != r.v && !(r.g - lm.g[k] > RL_TIE_REL * (1.0 + fabs(r.g))))
                    serve = 0;
            }
        }
        if (serve) {
            const double x = xs[i];
            double rho = rho0[i] * (1.0 - r.v);
            rho = rho < rho_lo ? rho_lo : rho > rho_hi ? rho_hi : rho;
            const double ls = ls_ref + (log(x / (5.0 - 4.0 * x)) - lref) * (1.0 / 3.0) + b1 * (x - xs[iref]);
            const double s = exp(ls);
            const double vf = ssoc_mf_vf(rho, rho0[i]);
            if (isfinite(ls) && ls < RL_LN_MAX && isfinite(s) && isfinite(vf)) {
                out[i].arg = rho;
                out[i].v_f = vf;
                out[i].sigma_S_cm = s;
                out[i].ln_sigma = ls;
                out[i].at_bound = 0;
                out[i].n_local_max = nin;
                ok[i] = 1;
                continue;
            }
        }
        ok[i] = ssoc_rules_rho_opt_prepared(prep, xs[i], T, rho_lo, rho_hi, &out[i], NULL) == SSOC_OK;
    }
    return SSOC_OK;
}

ssoc_status ssoc_rules_x_opt_prepared(const ssoc_rules_prep *prep, double rho, double T, double x_lo, double x_hi,
                                      ssoc_optimum *o, ssoc_error *err)
{
    static const char rule[] = "x_opt";
    if (!prep || !o)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: NULL argument", rule);
    if (!(isfinite(rho) && rho > 0.0))
        return SSOC_ERR(err, SSOC_EINVAL, "%s: rho = %g g/cm3 must be finite and > 0", rule, rho);
    if (rl_check_T(rule, T, err) != SSOC_OK)
        return SSOC_EINVAL;
    if (!(isfinite(x_lo) && isfinite(x_hi) && x_lo > 0.0 && x_hi < 1.0 && x_lo < x_hi))
        return SSOC_ERR(err, SSOC_EINVAL, "%s: x range [%g, %g] is invalid (need 0 < lo < hi < 1)", rule, x_lo,
                        x_hi);
    const double r_cm = SSOC_R_S_ANGSTROM * 1e-8;
    const double K = SSOC_NA_MOL * (4.0 / 3.0) * SSOC_PI * r_cm * r_cm * r_cm / SSOC_ETA_RCP;
    const double rK = rho * K;
    rl_prob P;
    rl_base(prep, T, &P);
    P.n0 = 5.0 * rK - RL_M0;
    P.n1 = RL_M0;
    P.d0 = RL_M1 + 4.0 * rK;
    P.d1 = -RL_M1;
    P.c = prep->p[SSOC_P_BETA1];
    P.cdelta = P.c * (P.n1 * P.d0 - P.n0 * P.d1);
    /* v(x) = 1 - rho/rho0(x), written with the same K as the map above */
    const double va = 1.0 - rK * (5.0 - 4.0 * x_lo) / (RL_M1 * x_lo + RL_M0);
    const double vb = 1.0 - rK * (5.0 - 4.0 * x_hi) / (RL_M1 * x_hi + RL_M0);
    rl_result r;
    if (rl_maximise(&P, prep->bp, prep->nbp, va, vb, &r, NULL) != 0)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: sigma is not finite on x in [%g, %g] (rho = %g g/cm3, T = %g K)",
                        rule, x_lo, x_hi, rho, T);
    const double x = rl_arg(&r, x_lo, x_hi, (P.n0 + P.n1 * r.v) / (P.d0 + P.d1 * r.v), x_lo, x_hi);
    return rl_finish(prep, rule, x, rho, T, &r, x, o, err);
}

ssoc_status ssoc_rules_rho_opt(const ssoc_params *p, double x, double T_K, double rho_lo, double rho_hi,
                               ssoc_optimum *o, ssoc_error *err)
{
    ssoc_rules_prep prep;
    ssoc_status st = ssoc_rules_prepare(p, &prep, err);
    if (st != SSOC_OK)
        return st;
    return ssoc_rules_rho_opt_prepared(&prep, x, T_K, rho_lo, rho_hi, o, err);
}

ssoc_status ssoc_rules_x_opt(const ssoc_params *p, double rho, double T_K, double x_lo, double x_hi,
                             ssoc_optimum *o, ssoc_error *err)
{
    ssoc_rules_prep prep;
    ssoc_status st = ssoc_rules_prepare(p, &prep, err);
    if (st != SSOC_OK)
        return st;
    return ssoc_rules_x_opt_prepared(&prep, rho, T_K, x_lo, x_hi, o, err);
}
