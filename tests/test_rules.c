/* Design rules (docs/MODEL.md, "Sweep and design rules" and "The design rule"): rho_opt and
 * x_opt against the certified numbers, against brute-force dense scans of the reference model
 * (ssoc_model_eval or the batched kernel, both independent of src/rules.c), on constructed bimodal
 * cases, and on every error path. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ssoc/model.h"
#include "ssoc/rules.h"
#include "testutil.h"

/* ---------------------------------------------------------------- helpers */

static double ln_sigma_ref(const ssoc_params *p, double x, double rho, double T)
{
    ssoc_layers L;
    ssoc_model_eval(p, x, rho, T, &L);
    return log(L.sigma_S_cm);
}

typedef struct scan_res {
    double arg;   /* best node */
    double lnmax; /* ln sigma there */
    long imax;
    double h;     /* node spacing */
} scan_res;

/* Dense scan of n nodes over [lo, hi] along rho (along_x = 0, `fixed` = x) or along x (along_x = 1,
 * `fixed` = rho). use_eval: the scalar reference ssoc_model_eval, else the batched kernel. */
static scan_res scan(const ssoc_params *p, int along_x, double fixed, double T, double lo, double hi, long n,
                     int use_eval)
{
    enum { CH = 4096 };
    double xs[CH], rs[CH], Ts[CH], ss[CH];
    scan_res r = {.lnmax = -INFINITY, .imax = -1, .h = (hi - lo) / (double)(n - 1)};
    for (long i0 = 0; i0 < n; i0 += CH) {
        const long m = n - i0 < CH ? n - i0 : CH;
        for (long k = 0; k < m; ++k) {
            const long i = i0 + k;
            const double a = i == n - 1 ? hi : lo + (hi - lo) * (double)i / (double)(n - 1);
            xs[k] = along_x ? a : fixed;
            rs[k] = along_x ? fixed : a;
            Ts[k] = T;
        }
        if (use_eval) {
            for (long k = 0; k < m; ++k)
                ss[k] = ln_sigma_ref(p, xs[k], rs[k], T);
        } else {
            ssoc_model_sigma_batch(p, (size_t)m, xs, rs, Ts, ss);
            for (long k = 0; k < m; ++k)
                ss[k] = log(ss[k]);
        }
        for (long k = 0; k < m; ++k)
            if (ss[k] > r.lnmax) {
                r.lnmax = ss[k];
                r.imax = i0 + k;
                r.arg = along_x ? xs[k] : rs[k];
            }
    }
    return r;
}

/* Everything a correct optimum must satisfy, given a dense scan of the same range:
 * - the reported sigma and v_f are the model's at the reported arg (1e-12 relative);
 * - no scanned node beats it (ln sigma up to 1e-11: the two evaluation paths differ in rounding);
 * - it sits within 1.5 node spacings of the scan's best node, unless two separate peaks tie to
 *   within 1e-9 relative (then either is the global maximum to that precision);
 * - at_bound is set exactly when arg is an end; an interior arg is a strict local maximum
 *   (sigma lower at arg +- 1e-7 of the range), an end arg beats its inner neighbour.
 * Returns 1 if all hold (and reports the first failure). */
static int check_optimum(const char *what, const ssoc_params *p, int along_x, double fixed, double T, double lo,
                         double hi, const ssoc_optimum *o, const scan_res *s)
{
    const double x = along_x ? o->arg : fixed, rho = along_x ? fixed : o->arg;
    ssoc_layers L;
    ssoc_model_eval(p, x, rho, T, &L);
    if (!(tu_rel(o->sigma_S_cm, L.sigma_S_cm) < 1e-12 && fabs(o->v_f - L.v_f) < 1e-13 &&
          fabs(o->ln_sigma - log(L.sigma_S_cm)) < 1e-12)) {
        cr_expect(0, "%s: reported sigma %.15e / v_f %.15g differ from the model's %.15e / %.15g", what,
                  o->sigma_S_cm, o->v_f, L.sigma_S_cm, L.v_f);
        return 0;
    }
    if (!(s->lnmax <= o->ln_sigma + 1e-11)) {
        cr_expect(0, "%s: scan node %.10g has ln sigma %.15g > reported %.15g at %.10g", what, s->arg, s->lnmax,
                  o->ln_sigma, o->arg);
        return 0;
    }
    if (fabs(o->arg - s->arg) > 1.5 * s->h && !(o->ln_sigma - s->lnmax < 1e-9)) {
        cr_expect(0, "%s: arg %.10g but scan's best node %.10g (spacing %.3g), ln sigma %.15g vs %.15g", what,
                  o->arg, s->arg, s->h, o->ln_sigma, s->lnmax);
        return 0;
    }
    const int at_end = o->arg == lo || o->arg == hi;
    if (o->at_bound != at_end || !(o->arg >= lo && o->arg <= hi)) {
        cr_expect(0, "%s: at_bound %d but arg %.17g in [%.17g, %.17g]", what, o->at_bound, o->arg, lo, hi);
        return 0;
    }
    const double d = 1e-7 * (hi - lo);
    double f[2] = {-INFINITY, -INFINITY};
    if (o->arg - d >= lo)
        f[0] = along_x ? ln_sigma_ref(p, o->arg - d, fixed, T) : ln_sigma_ref(p, fixed, o->arg - d, T);
    if (o->arg + d <= hi)
        f[1] = along_x ? ln_sigma_ref(p, o->arg + d, fixed, T) : ln_sigma_ref(p, fixed, o->arg + d, T);
    /* 1e-13: flatter than that at 1e-7 of the range cannot be resolved in double */
    if (!(f[0] <= o->ln_sigma + 1e-13 && f[1] <= o->ln_sigma + 1e-13)) {
        cr_expect(0, "%s: not a maximum: ln sigma %.17g at arg, %.17g / %.17g at arg -/+ %.3g", what, o->ln_sigma,
                  f[0], f[1], d);
        return 0;
    }
    return 1;
}

static ssoc_params with(double vc, double nH, double b1, double b2, double b3)
{
    ssoc_params p = ssoc_params_published;
    p.p[SSOC_P_VC] = vc;
    p.p[SSOC_P_NH] = nH;
    p.p[SSOC_P_BETA1] = b1;
    p.p[SSOC_P_BETA2] = b2;
    p.p[SSOC_P_BETA3] = b3;
    return p;
}

/* alpha_E/(k_B T) of the published set at 500 K (3.790 by construction) */
#define AKT500 3.790

/* ------------------------------------------------ docs/MODEL.md, "The design rule" */

Test(rules, published_rho_opt_spec8)
{
    /* docs/MODEL.md, "The design rule": rho_opt = 1.73381 g/cm3, v_f,opt = 0.05427,
     * sigma_max = 3.442185e-03 S/cm at x = 0.75, T = 500 K. Tolerance: half a unit in the last
     * printed place. */
    ssoc_optimum o;
    ssoc_error err;
    cr_assert_eq(ssoc_rules_rho_opt(&ssoc_params_published, 0.75, 500.0, 1.3, 2.2, &o, &err), SSOC_OK, "%s",
                 err.msg);
    cr_expect(fabs(o.arg - 1.73381) <= 5e-6, "rho_opt %.8f", o.arg);
    cr_expect(fabs(o.v_f - 0.05427) <= 5e-6, "v_f %.8f", o.v_f);
    cr_expect(fabs(o.sigma_S_cm - 3.442185e-03) <= 5e-10, "sigma_max %.9e", o.sigma_S_cm);
    cr_expect_eq(o.at_bound, 0);
    cr_expect_eq(o.n_local_max, 1);
    /* the maximum of sigma, not of f_eff: the reference script's rho = 1.70 is lower */
    ssoc_layers L;
    ssoc_model_eval(&ssoc_params_published, 0.75, 1.70, 500.0, &L);
    cr_expect(L.sigma_S_cm < o.sigma_S_cm);
}

Test(rules, published_is_true_maximum_and_matches_dense_scan)
{
    const double lo = 1.3, hi = 2.2;
    ssoc_optimum o;
    cr_assert_eq(ssoc_rules_rho_opt(&ssoc_params_published, 0.75, 500.0, lo, hi, &o, NULL), SSOC_OK);
    /* sigma at rho_opt +- 1e-6 is lower (reference evaluation) */
    const double s0 = ln_sigma_ref(&ssoc_params_published, 0.75, o.arg, 500.0);
    cr_expect(ln_sigma_ref(&ssoc_params_published, 0.75, o.arg - 1e-6, 500.0) < s0);
    cr_expect(ln_sigma_ref(&ssoc_params_published, 0.75, o.arg + 1e-6, 500.0) < s0);
    /* 1e6-point scan with the scalar reference: spacing 9e-7 g/cm3 */
    scan_res s = scan(&ssoc_params_published, 0, 0.75, 500.0, lo, hi, 1000000, 1);
    cr_expect(fabs(o.arg - s.arg) <= s.h, "arg %.10f scan %.10f (h %.2g)", o.arg, s.arg, s.h);
    /* the scan cannot beat the optimum, and at spacing h it is within |ln sigma''| h^2 / 8 of it */
    cr_expect(s.lnmax <= o.ln_sigma + 1e-13, "scan %.17g ours %.17g", s.lnmax, o.ln_sigma);
    cr_expect(o.ln_sigma - s.lnmax < 1e-9);
    cr_expect(check_optimum("published", &ssoc_params_published, 0, 0.75, 500.0, lo, hi, &o, &s));
    /* the derivative vanishes there: symmetric difference of ln sigma */
    const double dd = 1e-4;
    const double g1 = (ln_sigma_ref(&ssoc_params_published, 0.75, o.arg + dd, 500.0) -
                       ln_sigma_ref(&ssoc_params_published, 0.75, o.arg - dd, 500.0)) /
                      (2 * dd);
    cr_expect(fabs(g1) < 1e-6, "d ln sigma / d rho = %g", g1);
}

Test(rules, range_above_or_below_the_optimum_is_a_boundary_result)
{
    ssoc_optimum o;
    /* entirely above rho_opt: sigma falls with rho, the maximum is the lower end */
    cr_assert_eq(ssoc_rules_rho_opt(&ssoc_params_published, 0.75, 500.0, 1.80, 2.20, &o, NULL), SSOC_OK);
    cr_expect_eq(o.at_bound, 1);
    cr_expect_eq(o.arg, 1.80);
    cr_expect_eq(o.n_local_max, 0);
    scan_res s = scan(&ssoc_params_published, 0, 0.75, 500.0, 1.80, 2.20, 100001, 1);
    cr_expect_eq(s.imax, 0);
    cr_expect(check_optimum("above", &ssoc_params_published, 0, 0.75, 500.0, 1.80, 2.20, &o, &s));
    /* entirely below: sigma rises with rho, the maximum is the upper end */
    cr_assert_eq(ssoc_rules_rho_opt(&ssoc_params_published, 0.75, 500.0, 1.30, 1.70, &o, NULL), SSOC_OK);
    cr_expect_eq(o.at_bound, 1);
    cr_expect_eq(o.arg, 1.70);
    cr_expect_eq(o.n_local_max, 0);
    s = scan(&ssoc_params_published, 0, 0.75, 500.0, 1.30, 1.70, 100001, 1);
    cr_expect_eq(s.imax, 100000);
    cr_expect(check_optimum("below", &ssoc_params_published, 0, 0.75, 500.0, 1.30, 1.70, &o, &s));
    /* an end just past the optimum: still interior if the optimum is inside */
    cr_assert_eq(ssoc_rules_rho_opt(&ssoc_params_published, 0.75, 500.0, 1.7338, 1.7339, &o, NULL), SSOC_OK);
    cr_expect_eq(o.at_bound, 0);
    cr_expect(fabs(o.arg - 1.73381) <= 5e-6);
}

Test(rules, published_x_opt_matches_scan)
{
    /* Published set, rho = 1.73 g/cm3, T = 500 K, x in [0.6, 0.8]. The scan decides what is true:
     * beta1 = 6.534 makes sigma rise with x all the way (the scan's values increase monotonically),
     * so x_opt is the upper end, flagged as a boundary result. */
    const double lo = 0.6, hi = 0.8;
    for (int k = 0; k < 3; ++k) {
        const double rho = (double[]){1.45, 1.73, 2.10}[k];
        ssoc_optimum o;
        cr_assert_eq(ssoc_rules_x_opt(&ssoc_params_published, rho, 500.0, lo, hi, &o, NULL), SSOC_OK);
        enum { N = 100001 };
        int monotone = 1;
        double prev = -INFINITY;
        for (long i = 0; i < N; ++i) {
            const double v = ln_sigma_ref(&ssoc_params_published, lo + (hi - lo) * (double)i / (N - 1), rho, 500.0);
            monotone &= v > prev;
            prev = v;
        }
        scan_res s = scan(&ssoc_params_published, 1, rho, 500.0, lo, hi, N, 1);
        cr_expect(monotone, "rho %g: scan not monotone", rho);
        cr_expect_eq(s.imax, N - 1);
        cr_expect_eq(o.at_bound, monotone && s.imax == N - 1);
        cr_expect_eq(o.arg, hi);
        cr_expect_eq(o.n_local_max, 0);
        cr_expect(check_optimum("x_opt published", &ssoc_params_published, 1, rho, 500.0, lo, hi, &o, &s));
    }
}

Test(rules, x_opt_interior)
{
    /* beta1 = -2.5 against the carrier term (1/3) d ln(x/M)/dx = 1/(3x) - m1/(3M): an interior
     * x_opt near 0.15 (with the published beta1 sigma rises with x throughout) */
    const ssoc_params p = with(0.125, 3.0, -2.5, 3.052, -21.257);
    const double lo = 0.05, hi = 0.9;
    for (int k = 0; k < 3; ++k) {
        const double rho = (double[]){1.5, 1.73, 2.0}[k];
        const double T = (double[]){400.0, 500.0, 700.0}[k];
        ssoc_optimum o;
        cr_assert_eq(ssoc_rules_x_opt(&p, rho, T, lo, hi, &o, NULL), SSOC_OK);
        scan_res s = scan(&p, 1, rho, T, lo, hi, 1000000, 0);
        cr_expect_eq(o.at_bound, 0, "rho %g: x_opt %g", rho, o.arg);
        cr_expect_eq(o.n_local_max, 1);
        cr_expect(s.imax > 0 && s.imax < 999999);
        cr_expect(fabs(o.arg - s.arg) <= s.h, "x_opt %.10f scan %.10f", o.arg, s.arg);
        cr_expect(check_optimum("x_opt interior", &p, 1, rho, T, lo, hi, &o, &s));
    }
}

/* ---------------------------------------------------------------- multimodal sigma */

Test(rules, bimodal_rho_global_maximum)
{
    /* Steep gating (v_c = 0.05, n_H = 8) with a strong free-volume gain B = beta2 + alpha_E/kT and
     * curvature beta3: one maximum just before the gate closes (rho ~ 1.75) and one at large free
     * volume (rho ~ 0.8-0.85), separated by a minimum. Which is higher depends on (B, beta3):
     * case 0 has the dense one global, case 1 the open one. */
    const double Bs[2] = {60.0, 80.0}, b3s[2] = {-40.0, -60.0};
    const double lo = 0.5, hi = 2.1;
    double args[2];
    for (int c = 0; c < 2; ++c) {
        const ssoc_params p = with(0.05, 8.0, 6.534, Bs[c] - AKT500, b3s[c]);
        ssoc_optimum o;
        cr_assert_eq(ssoc_rules_rho_opt(&p, 0.75, 500.0, lo, hi, &o, NULL), SSOC_OK);
        scan_res s = scan(&p, 0, 0.75, 500.0, lo, hi, 1000000, 1);
        cr_expect_eq(o.n_local_max, 2, "case %d: %d local maxima", c, o.n_local_max);
        cr_expect_eq(o.at_bound, 0);
        cr_expect(fabs(o.arg - s.arg) <= s.h, "case %d: arg %.10f scan %.10f", c, o.arg, s.arg);
        cr_expect(check_optimum("bimodal rho", &p, 0, 0.75, 500.0, lo, hi, &o, &s));
        /* both local maxima exist: split the range at the scan's minimum between the modes; each
         * part holds one interior maximum, the lower one strictly below the global maximum */
        double split = NAN, gmin = INFINITY;
        for (int i = 0; i <= 10000; ++i) {
            const double r = 0.9 + (1.7 - 0.9) * i / 10000.0, g = ln_sigma_ref(&p, 0.75, r, 500.0);
            if (g < gmin) {
                gmin = g;
                split = r;
            }
        }
        cr_expect(split > 0.95 && split < 1.65, "case %d: minimum at %g", c, split);
        ssoc_optimum a, b;
        cr_assert_eq(ssoc_rules_rho_opt(&p, 0.75, 500.0, lo, split, &a, NULL), SSOC_OK);
        cr_assert_eq(ssoc_rules_rho_opt(&p, 0.75, 500.0, split, hi, &b, NULL), SSOC_OK);
        cr_expect(!a.at_bound && !b.at_bound && a.n_local_max == 1 && b.n_local_max == 1);
        cr_expect_eq(fmax(a.ln_sigma, b.ln_sigma), o.ln_sigma);
        cr_expect(fabs(a.ln_sigma - b.ln_sigma) > 0.1);
        args[c] = o.arg;
    }
    cr_expect(args[0] > 1.7 && args[0] < 1.8, "dense mode global: %g", args[0]);
    cr_expect(args[1] > 0.8 && args[1] < 0.9, "open mode global: %g", args[1]);
}

Test(rules, bimodal_x_global_maximum)
{
    /* Found by a random search and rounded: steep gating inside the narrow v_f range spanned by x
     * at fixed rho, beta3 > 0 and beta1 < 0. Case 0: maxima near x = 0.097 and 0.649, the second
     * global; case 1: near 0.095 and 0.661, the first global. */
    const ssoc_params ps[2] = {with(0.0535, 45.8, -8.22, 496.1, 1080.4), with(0.0554, 72.0, -5.44, 90.3, 1387.3)};
    const double lo = 0.05, hi = 0.95;
    const double expect[2] = {0.649, 0.095};
    for (int c = 0; c < 2; ++c) {
        ssoc_optimum o;
        cr_assert_eq(ssoc_rules_x_opt(&ps[c], 1.73, 500.0, lo, hi, &o, NULL), SSOC_OK);
        scan_res s = scan(&ps[c], 1, 1.73, 500.0, lo, hi, 1000000, 1);
        cr_expect_eq(o.n_local_max, 2, "case %d: %d local maxima", c, o.n_local_max);
        cr_expect_eq(o.at_bound, 0);
        cr_expect(fabs(o.arg - s.arg) <= s.h, "case %d: arg %.10f scan %.10f", c, o.arg, s.arg);
        cr_expect(fabs(o.arg - expect[c]) < 0.005, "case %d: arg %.6f", c, o.arg);
        cr_expect(check_optimum("bimodal x", &ps[c], 1, 1.73, 500.0, lo, hi, &o, &s));
    }
}

Test(rules, hill_exponent_special_values)
{
    /* n_H <= 1 gives a kink at v_f = 0 (H' jumps from 0 to 1/v_c or +inf), n_H in (1, 2] a
     * one-sided limit of H'' that is infinite or finite: each takes its own branch at v_f = 0.
     * With the published rest, n_H < 1 puts the maximum exactly on the kink, rho = rho0(x). */
    const double nHs[] = {0.5, 0.7, 1.0, 1.5, 2.0, 2.5, 3.0};
    const double vcs[] = {0.125, 0.01, 0.125, 0.02};
    const double rho0 = ssoc_model_rho0_g_cm3(0.75);
    for (size_t i = 0; i < sizeof nHs / sizeof nHs[0]; ++i)
        for (size_t j = 0; j < sizeof vcs / sizeof vcs[0]; ++j) {
            const ssoc_params p = with(vcs[j], nHs[i], 6.534, 3.052, -21.257);
            ssoc_optimum o;
            char what[64];
            snprintf(what, sizeof what, "n_H %g v_c %g", nHs[i], vcs[j]);
            cr_assert_eq(ssoc_rules_rho_opt(&p, 0.75, 500.0, 1.3, 2.2, &o, NULL), SSOC_OK);
            scan_res s = scan(&p, 0, 0.75, 500.0, 1.3, 2.2, 200001, 1);
            cr_expect(check_optimum(what, &p, 0, 0.75, 500.0, 1.3, 2.2, &o, &s));
            cr_expect(o.n_local_max >= 1, "%s", what);
            if (nHs[i] < 1.0) {
                cr_expect_eq(o.arg, rho0, "%s: kink maximum expected at rho0 %.17g, got %.17g", what, rho0, o.arg);
                cr_expect(fabs(o.v_f) < 1e-15);
            }
        }
}

/* ---------------------------------------------------------------- random cases */

static uint64_t rng_state = 0x5eed5eed12345678ull;
static double unif(double a, double b) { return tu_unif(&rng_state, a, b); }

typedef struct rand_stats {
    int fails, nbound, nmulti, ninterior;
} rand_stats;

/* n random cases from parameter box `box` (0: a quarter published, the rest around it; 1: steep
 * gating), half rho_opt, half x_opt, each checked against a 40001-node scan with the batched
 * kernel. */
static rand_stats run_random(int n, int box)
{
    rand_stats r = {0, 0, 0, 0};
    for (int c = 0; c < n && r.fails < 5; ++c) {
        ssoc_params p = ssoc_params_published;
        const double T = unif(200.0, 1200.0);
        if (box == 0 && c % 4 != 0) {
            p.p[SSOC_P_E0] = unif(0.1, 0.6);
            p.p[SSOC_P_ALPHA_E] = unif(0.0, 0.5);
            p.p[SSOC_P_VC] = unif(0.02, 0.3);
            p.p[SSOC_P_NH] = unif(0.5, 12.0);
            p.p[SSOC_P_BETA0] = unif(-10.0, -6.0);
            p.p[SSOC_P_BETA1] = unif(-6.0, 8.0);
            p.p[SSOC_P_BETA2] = unif(-5.0, 10.0);
            p.p[SSOC_P_BETA3] = unif(-40.0, 5.0);
        } else if (box == 1) {
            /* tuned so that about 40% of the rho_opt cases are bimodal */
            p.p[SSOC_P_VC] = unif(0.04, 0.07);
            p.p[SSOC_P_NH] = unif(6.0, 10.0);
            p.p[SSOC_P_BETA1] = unif(-6.0, 4.0);
            /* B = beta2 + alpha_E/kT from 55 to 90 */
            p.p[SSOC_P_BETA2] = unif(55.0, 90.0) - p.p[SSOC_P_ALPHA_E] / (SSOC_KB_EV_K * T);
            p.p[SSOC_P_BETA3] = unif(-60.0, -35.0);
        }
        const int along_x = c & 1;
        double fixed, lo, hi;
        if (along_x) {
            fixed = box == 1 ? unif(1.6, 1.8) : unif(1.0, 2.3);
            lo = unif(0.05, 0.8);
            hi = fmin(lo + unif(0.02, 0.5), 0.98);
        } else if (box == 1) {
            fixed = unif(0.55, 0.85);
            lo = unif(0.4, 0.8);
            hi = unif(1.6, 2.3);
        } else {
            fixed = unif(0.55, 0.85);
            lo = unif(0.8, 2.0);
            hi = lo + unif(0.05, 1.2);
        }
        ssoc_optimum o;
        ssoc_error err;
        const ssoc_status st = along_x ? ssoc_rules_x_opt(&p, fixed, T, lo, hi, &o, &err)
                                       : ssoc_rules_rho_opt(&p, fixed, T, lo, hi, &o, &err);
        if (st != SSOC_OK) {
            cr_expect(0, "box %d case %d: %s", box, c, err.msg);
            ++r.fails;
            continue;
        }
        scan_res s = scan(&p, along_x, fixed, T, lo, hi, 40001, 0);
        char what[64];
        snprintf(what, sizeof what, "box %d case %d (%s)", box, c, along_x ? "x_opt" : "rho_opt");
        if (!check_optimum(what, &p, along_x, fixed, T, lo, hi, &o, &s))
            ++r.fails;
        r.nbound += o.at_bound;
        r.ninterior += !o.at_bound;
        r.nmulti += o.n_local_max > 1;
    }
    return r;
}

Test(rules, random_cases_agree_with_dense_scan)
{
    /* 2000 cases: a quarter with the published set, the rest with every parameter drawn from a
     * wide box around it (n_H from 0.5 to 12, v_c from 0.02 to 0.3, beta3 sometimes positive),
     * random T and random sub-ranges. Scan spacing <= 3e-5 g/cm3 or 1.3e-5 in x; the narrowest
     * gating feature here, v_c/n_H in v_f, is ~ 3e-3 g/cm3 wide. */
    rand_stats r = run_random(2000, 0);
    cr_expect_eq(r.fails, 0);
    /* the sample exercises both outcomes */
    cr_expect(r.nbound > 100 && r.ninterior > 100, "%d boundary, %d interior", r.nbound, r.ninterior);
    cr_log_info("random: %d boundary, %d interior, %d multimodal", r.nbound, r.ninterior, r.nmulti);
}

Test(rules, random_steep_gating_agree_with_dense_scan)
{
    /* 1000 cases with steep gating (n_H 6..10, v_c 0.04..0.07) and a strong free-volume gain, where
     * sigma is often bimodal in rho: the global maximum must still match the scan. */
    rand_stats r = run_random(1000, 1);
    cr_expect_eq(r.fails, 0);
    cr_expect(r.nmulti > 100, "only %d multimodal cases", r.nmulti);
    cr_log_info("steep: %d boundary, %d interior, %d multimodal", r.nbound, r.ninterior, r.nmulti);
}

/* ---------------------------------------------------------------- API properties */

Test(rules, prepared_equals_plain_and_threads_agree)
{
    enum { N = 400 };
    static ssoc_optimum serial[N], par[N];
    ssoc_params ps[4] = {ssoc_params_published, with(0.05, 8.0, 6.534, 60.0 - AKT500, -40.0),
                         with(0.125, 3.0, -1.5, 3.052, -21.257), with(0.08, 0.8, 6.534, 3.052, -21.257)};
    ssoc_rules_prep prep[4];
    for (int k = 0; k < 4; ++k)
        cr_assert_eq(ssoc_rules_prepare(&ps[k], &prep[k], NULL), SSOC_OK);
    for (int i = 0; i < N; ++i) {
        const int k = i % 4;
        const double x = 0.55 + 0.3 * i / N, T = 300.0 + i;
        ssoc_optimum a;
        if (i & 1) {
            cr_assert_eq(ssoc_rules_x_opt_prepared(&prep[k], 0.7 + 0.003 * i, T, 0.3, 0.95, &serial[i], NULL), SSOC_OK);
            cr_assert_eq(ssoc_rules_x_opt(&ps[k], 0.7 + 0.003 * i, T, 0.3, 0.95, &a, NULL), SSOC_OK);
        } else {
            cr_assert_eq(ssoc_rules_rho_opt_prepared(&prep[k], x, T, 0.6, 2.3, &serial[i], NULL), SSOC_OK);
            cr_assert_eq(ssoc_rules_rho_opt(&ps[k], x, T, 0.6, 2.3, &a, NULL), SSOC_OK);
        }
        cr_expect(memcmp(&a, &serial[i], sizeof a) == 0, "case %d: prepared and plain differ", i);
    }
    int bad = 0;
#pragma omp parallel for schedule(dynamic, 7) num_threads(2) reduction(+ : bad)
    for (int i = N - 1; i >= 0; --i) {
        const int k = i % 4;
        const double x = 0.55 + 0.3 * i / N, T = 300.0 + i;
        ssoc_status st = (i & 1) ? ssoc_rules_x_opt_prepared(&prep[k], 0.7 + 0.003 * i, T, 0.3, 0.95, &par[i], NULL)
                                 : ssoc_rules_rho_opt_prepared(&prep[k], x, T, 0.6, 2.3, &par[i], NULL);
        bad += st != SSOC_OK || memcmp(&par[i], &serial[i], sizeof par[i]) != 0;
    }
    cr_expect_eq(bad, 0, "%d results differ between threads and serial", bad);
}

/* ---------------------------------------------------------------- error paths */

static void expect_einval(ssoc_status st, const ssoc_error *err, const ssoc_optimum *o, const char *what,
                          const char *needle)
{
    static const ssoc_optimum untouched = {-1.0, -1.0, -1.0, -1.0, 7, 7};
    cr_expect_eq(st, SSOC_EINVAL, "%s: status %d", what, st);
    cr_expect_eq(err->code, SSOC_EINVAL, "%s", what);
    cr_expect(strstr(err->msg, needle) != NULL, "%s: message '%s' lacks '%s'", what, err->msg, needle);
    cr_expect(memcmp(o, &untouched, sizeof *o) == 0, "%s: output written on error", what);
}

#define RESET() (memcpy(&o, &(ssoc_optimum){-1.0, -1.0, -1.0, -1.0, 7, 7}, sizeof o), ssoc_error_clear(&err))

Test(rules, invalid_arguments)
{
    const ssoc_params *P = &ssoc_params_published;
    ssoc_optimum o;
    ssoc_error err;
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.75, 500.0, 2.2, 1.3, &o, &err), &err, &o, "lo > hi", "rho range");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.75, 500.0, 1.3, 1.3, &o, &err), &err, &o, "lo == hi", "rho range");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.75, 500.0, 0.0, 1.3, &o, &err), &err, &o, "rho_lo 0", "rho range");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.75, 500.0, -1.0, 1.3, &o, &err), &err, &o, "rho_lo < 0", "rho range");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.75, 500.0, NAN, 1.3, &o, &err), &err, &o, "rho_lo NaN", "rho range");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.75, 500.0, 1.3, INFINITY, &o, &err), &err, &o, "rho_hi inf",
                  "rho range");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.0, 500.0, 1.3, 2.2, &o, &err), &err, &o, "x 0", "x = 0");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 1.0, 500.0, 1.3, 2.2, &o, &err), &err, &o, "x 1", "x = 1");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, NAN, 500.0, 1.3, 2.2, &o, &err), &err, &o, "x NaN", "x = nan");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.75, 0.0, 1.3, 2.2, &o, &err), &err, &o, "T 0", "T = 0");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.75, -5.0, 1.3, 2.2, &o, &err), &err, &o, "T < 0", "T = -5");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.75, INFINITY, 1.3, 2.2, &o, &err), &err, &o, "T inf", "T = inf");
    RESET();
    expect_einval(ssoc_rules_x_opt(P, 1.73, 500.0, 0.8, 0.6, &o, &err), &err, &o, "x lo > hi", "x range");
    RESET();
    expect_einval(ssoc_rules_x_opt(P, 1.73, 500.0, 0.0, 0.8, &o, &err), &err, &o, "x_lo 0", "x range");
    RESET();
    expect_einval(ssoc_rules_x_opt(P, 1.73, 500.0, 0.6, 1.0, &o, &err), &err, &o, "x_hi 1", "x range");
    RESET();
    expect_einval(ssoc_rules_x_opt(P, 1.73, 500.0, 0.6, NAN, &o, &err), &err, &o, "x_hi NaN", "x range");
    RESET();
    expect_einval(ssoc_rules_x_opt(P, 0.0, 500.0, 0.6, 0.8, &o, &err), &err, &o, "rho 0", "rho = 0");
    RESET();
    expect_einval(ssoc_rules_x_opt(P, -INFINITY, 500.0, 0.6, 0.8, &o, &err), &err, &o, "rho -inf", "rho = -inf");
    RESET();
    expect_einval(ssoc_rules_x_opt(P, 1.73, NAN, 0.6, 0.8, &o, &err), &err, &o, "x_opt T NaN", "T = nan");
    RESET();
    expect_einval(ssoc_rules_rho_opt(NULL, 0.75, 500.0, 1.3, 2.2, &o, &err), &err, &o, "NULL params", "NULL");
    RESET();
    expect_einval(ssoc_rules_rho_opt(P, 0.75, 500.0, 1.3, 2.2, NULL, &err), &err, &o, "NULL out", "NULL");
    RESET();
    expect_einval(ssoc_rules_x_opt(P, 1.73, 500.0, 0.6, 0.8, NULL, &err), &err, &o, "x NULL out", "NULL");
    RESET();
    expect_einval(ssoc_rules_rho_opt_prepared(NULL, 0.75, 500.0, 1.3, 2.2, &o, &err), &err, &o, "NULL prep",
                  "NULL");
    RESET();
    expect_einval(ssoc_rules_x_opt_prepared(NULL, 1.73, 500.0, 0.6, 0.8, &o, &err), &err, &o, "x NULL prep",
                  "NULL");
    ssoc_rules_prep prep;
    cr_expect_eq(ssoc_rules_prepare(NULL, &prep, &err), SSOC_EINVAL);
    cr_expect_eq(ssoc_rules_prepare(P, NULL, &err), SSOC_EINVAL);
    /* a NULL error record is allowed */
    cr_expect_eq(ssoc_rules_rho_opt(P, 0.75, 500.0, 2.2, 1.3, &o, NULL), SSOC_EINVAL);
}

Test(rules, invalid_parameters)
{
    ssoc_optimum o;
    ssoc_error err;
    for (int i = 0; i < SSOC_NPARAM; ++i) {
        ssoc_params p = ssoc_params_published;
        p.p[i] = (i & 1) ? INFINITY : NAN;
        RESET();
        expect_einval(ssoc_rules_rho_opt(&p, 0.75, 500.0, 1.3, 2.2, &o, &err), &err, &o, ssoc_param_name(i),
                      ssoc_param_name(i));
        RESET();
        expect_einval(ssoc_rules_x_opt(&p, 1.73, 500.0, 0.6, 0.8, &o, &err), &err, &o, ssoc_param_name(i),
                      "not finite");
    }
    ssoc_params p = ssoc_params_published;
    p.p[SSOC_P_VC] = 0.0;
    RESET();
    expect_einval(ssoc_rules_rho_opt(&p, 0.75, 500.0, 1.3, 2.2, &o, &err), &err, &o, "v_c 0", "v_c");
    p.p[SSOC_P_VC] = -0.1;
    RESET();
    expect_einval(ssoc_rules_x_opt(&p, 1.73, 500.0, 0.6, 0.8, &o, &err), &err, &o, "v_c < 0", "v_c");
    p = ssoc_params_published;
    p.p[SSOC_P_NH] = 0.0;
    RESET();
    expect_einval(ssoc_rules_rho_opt(&p, 0.75, 500.0, 1.3, 2.2, &o, &err), &err, &o, "n_H 0", "n_H");
    p.p[SSOC_P_NH] = -2.0;
    RESET();
    expect_einval(ssoc_rules_rho_opt(&p, 0.75, 500.0, 1.3, 2.2, &o, &err), &err, &o, "n_H < 0", "n_H");
}

Test(rules, non_finite_sigma_is_an_error)
{
    ssoc_optimum o;
    ssoc_error err;
    /* a barrier of -40 eV at 300 K: ln sigma ~ 1500, sigma overflows */
    ssoc_params p = ssoc_params_published;
    p.p[SSOC_P_E0] = -40.0;
    RESET();
    expect_einval(ssoc_rules_rho_opt(&p, 0.75, 300.0, 1.3, 2.2, &o, &err), &err, &o, "overflow rho_opt",
                  "not finite");
    RESET();
    expect_einval(ssoc_rules_x_opt(&p, 1.73, 300.0, 0.6, 0.8, &o, &err), &err, &o, "overflow x_opt", "not finite");
    /* T so small that alpha_E/(k_B T) is -inf (alpha_E < 0): ln sigma is -inf or NaN everywhere on
     * an all-positive v_f range, so there is no finite candidate at all */
    p = ssoc_params_published;
    p.p[SSOC_P_ALPHA_E] = -0.1;
    RESET();
    expect_einval(ssoc_rules_rho_opt(&p, 0.75, 1e-320, 0.5, 1.0, &o, &err), &err, &o, "no candidate",
                  "not finite on rho");
    RESET();
    expect_einval(ssoc_rules_x_opt(&p, 0.5, 1e-320, 0.6, 0.8, &o, &err), &err, &o, "no candidate x",
                  "not finite on x");
    /* and with alpha_E > 0 the maximum itself is infinite */
    p = ssoc_params_published;
    RESET();
    expect_einval(ssoc_rules_rho_opt(&p, 0.75, 1e-320, 0.5, 1.0, &o, &err), &err, &o, "infinite max",
                  "not finite");
}

/* ln A multiplies sigma everywhere: the optima do not move, sigma_max scales by A, and the rule's
 * sigma is the model's there. */
Test(rules, ln_A_scales_sigma_max_and_leaves_the_optima)
{
    ssoc_params p = ssoc_params_published;
    ssoc_optimum a, b, xa, xb;
    ssoc_error e;
    cr_assert(ssoc_rules_rho_opt(&p, 0.75, 500.0, 1.3, 2.2, &a, &e) == SSOC_OK, "%s", e.msg);
    cr_assert(ssoc_rules_x_opt(&p, 1.8, 400.0, 0.6, 0.8, &xa, &e) == SSOC_OK, "%s", e.msg);
    p.p[SSOC_P_LNA] = 0.7;
    cr_assert(ssoc_rules_rho_opt(&p, 0.75, 500.0, 1.3, 2.2, &b, &e) == SSOC_OK, "%s", e.msg);
    cr_assert(ssoc_rules_x_opt(&p, 1.8, 400.0, 0.6, 0.8, &xb, &e) == SSOC_OK, "%s", e.msg);
    cr_expect(b.arg == a.arg && b.v_f == a.v_f && xb.arg == xa.arg);
    cr_expect(fabs(b.ln_sigma - a.ln_sigma - 0.7) < 1e-12, "%.15g", b.ln_sigma - a.ln_sigma);
    cr_expect(tu_rel(b.sigma_S_cm, a.sigma_S_cm * exp(0.7)) < 1e-12);
    ssoc_layers L;
    ssoc_model_eval(&p, 0.75, b.arg, 500.0, &L);
    cr_expect(tu_rel(L.sigma_S_cm, b.sigma_S_cm) < 1e-12, "%.15g vs %.15g", L.sigma_S_cm, b.sigma_S_cm);
}
