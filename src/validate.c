/* Validation of fitted parameters against external data (issue 9). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/plausible.h"
#include "ssoc/stats.h"
#include "ssoc/validate.h"

double ssoc_validate_Ea_eV(const ssoc_params *p, double x, double rho_g_cm3, double T_K)
{
    /* Differentiate the model itself rather than quote E0 - alpha_E v_f, so the number stays
     * right if the model ever gains a T-dependent prefactor, and the closed form can be tested
     * against it. */
    const double u = 1.0 / T_K, h = SSOC_VALIDATE_EA_STEP * u;
    ssoc_layers lp, lm;
    ssoc_model_eval(p, x, rho_g_cm3, 1.0 / (u + h), &lp);
    ssoc_model_eval(p, x, rho_g_cm3, 1.0 / (u - h), &lm);
    if (!(isfinite(lp.sigma_S_cm) && lp.sigma_S_cm > 0.0 && isfinite(lm.sigma_S_cm) && lm.sigma_S_cm > 0.0))
        return NAN;
    const double slope = (log(lp.sigma_S_cm) - log(lm.sigma_S_cm)) / (2.0 * h); /* d ln sigma / d(1/T) [K] */
    return -SSOC_KB_EV_K * slope;
}

void ssoc_validate_report_free(ssoc_validate_report *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r);
}

static const char *const val_names[5] = {"x", "rho", "T", "sigma", "Ea"};
static const ssoc_qty val_qty[5] = {SSOC_QTY_X, SSOC_QTY_RHO, SSOC_QTY_T, SSOC_QTY_SIGMA, SSOC_QTY_EA};

static ssoc_status val_parse_row(const ssoc_csv *t, size_t row, const int col[5], const ssoc_unit unit[5],
                                 unsigned flags, ssoc_validate_row *r, ssoc_error *err)
{
    ssoc_status st;
    r->line = ssoc_csv_line(t, row);
    double *dst[5] = {&r->x, &r->rho_g_cm3, &r->T_K, &r->sigma_obs_S_cm, &r->Ea_obs_eV};
    r->Ea_obs_eV = NAN;
    for (int c = 0; c < 5; ++c) {
        /* Ea is optional per row too: published tables often give it for a subset only. */
        if (c == 4 && (col[4] < 0 || ssoc_csv_field(t, row, col[4])[0] == '\0'))
            continue;
        if ((st = ssoc_units_get(t, row, col[c], &unit[c], val_qty[c], flags, dst[c], err)) != SSOC_OK)
            return st;
    }
    return SSOC_OK;
}

/* The bands of sigma at one observation, with a failure worded for the file: the confidence band
 * of the mean model (ssoc_boot_sigma_band) and, when the bootstrap holds a residual pool, the
 * prediction band of a new MD run (ssoc_boot_sigma_pred_band). */
static ssoc_status val_band(const ssoc_boot_result *boot, const char *path, ssoc_validate_row *r, double *work,
                            ssoc_error *err)
{
    ssoc_sigma_band b;
    ssoc_status st = ssoc_boot_sigma_band(boot, r->x, r->rho_g_cm3, r->T_K, r->sigma_pred_S_cm, work, &b, err);
    if (st == SSOC_EFIT)
        return SSOC_ERR(err, SSOC_EFIT,
                        "%s:%d: fewer than 2 bootstrap %s give a finite sigma at x = %g, rho = %g, T = %g", path,
                        r->line, b.used < 2 ? "replicates" : "jackknife fits", r->x, r->rho_g_cm3, r->T_K);
    if (st != SSOC_OK)
        return st;
    r->band_used = b.used;
    r->band_lo_S_cm = b.lo;
    r->band_median_S_cm = b.median;
    r->band_hi_S_cm = b.hi;
    r->inside_band = r->band_lo_S_cm <= r->sigma_obs_S_cm && r->sigma_obs_S_cm <= r->band_hi_S_cm;
    if (!boot->resid)
        return SSOC_OK;
    st = ssoc_boot_sigma_pred_band(boot, r->x, r->rho_g_cm3, r->T_K, work, &b, err);
    if (st == SSOC_EFIT)
        return SSOC_ERR(err, SSOC_EFIT, "%s:%d: fewer than 2 bootstrap replicates give a finite sigma at x = %g, rho = %g, T = %g",
                        path, r->line, r->x, r->rho_g_cm3, r->T_K);
    if (st != SSOC_OK)
        return st;
    r->pred_lo_S_cm = b.lo;
    r->pred_median_S_cm = b.median;
    r->pred_hi_S_cm = b.hi;
    r->inside_pred = b.lo <= r->sigma_obs_S_cm && r->sigma_obs_S_cm <= b.hi;
    return SSOC_OK;
}

static double val_pearson(const double *a, const double *b, size_t n)
{
    if (n < 2)
        return NAN;
    double ma = 0.0, mb = 0.0;
    for (size_t i = 0; i < n; ++i) {
        ma += a[i];
        mb += b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    double sab = 0.0, saa = 0.0, sbb = 0.0;
    for (size_t i = 0; i < n; ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    if (!(saa > 0.0 && sbb > 0.0))
        return NAN;
    return sab / sqrt(saa * sbb);
}

/* Append printf-style text to a fixed buffer, truncating silently at its end. */
static void val_cat(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void val_cat(char *buf, size_t size, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, size - used, fmt, ap);
    va_end(ap);
}

/* A factor as a scientist would say it: `digits` significant digits, whole numbers from 100 up. */
static void val_factor(char *out, size_t size, double f, int digits)
{
    if (f >= 99.5)
        snprintf(out, size, "%.0f", f);
    else
        snprintf(out, size, "%.*g", digits, f);
}

static void val_temps(char *out, size_t size, double lo, double hi)
{
    if (lo == hi)
        snprintf(out, size, "%.4g K", lo);
    else
        snprintf(out, size, "%.4g-%.4g K", lo, hi);
}

/* Names of the non-T dimensions that are extrapolated ("x", "v_f", "x and v_f") or "". */
static const char *val_xvf_dims(const ssoc_validate_summary *s)
{
    if (s->n_extrap_x && s->n_extrap_vf)
        return "x and v_f";
    if (s->n_extrap_x)
        return "x";
    if (s->n_extrap_vf)
        return "v_f";
    return "";
}

/* Observations flagged in x or v_f (either). */
static size_t val_count_xvf(const ssoc_validate_report *rep)
{
    size_t k = 0;
    for (size_t i = 0; i < rep->n; ++i)
        k += (rep->rows[i].extrap & (SSOC_EXTRAP_X | SSOC_EXTRAP_VF)) != 0;
    return k;
}

/* The clause after the headline: does the fit transfer to where these observations are? */
static void val_transfer(const ssoc_validate_report *rep, const char *fitT, const char *dest, char *out, size_t size)
{
    const ssoc_validate_summary *s = &rep->summary;
    const size_t n = s->n, nxvf = val_count_xvf(rep);
    const char *dims = val_xvf_dims(s);
    if (s->same_data)
        return; /* the fitted data are inside the fitted range by construction */
    if (!s->agrees) {
        if (!s->range_known)
            val_cat(out, size, " (whether that is extrapolation is unknown: the parameters carry no data range)");
        else if (s->n_extrap_T == n)
            val_cat(out, size, ": %s does not transfer to %s", fitT, dest);
        else if (s->n_extrap_T > 0)
            val_cat(out, size, ": %s does not transfer to these conditions (%zu of %zu observations lie outside its temperature range)",
                    fitT, s->n_extrap_T, n);
        else if (nxvf > 0)
            val_cat(out, size, ": the fit does not extrapolate in %s (%zu of %zu observations lie outside the fitted range)",
                    dims, nxvf, n);
        else
            val_cat(out, size, ": the model misses these data although every observation lies inside the fitted range");
        if (s->range_known && s->n_extrap_T > 0 && nxvf > 0)
            val_cat(out, size, ", and %zu of %zu also extrapolate in %s", nxvf, n, dims);
        return;
    }
    if (!s->range_known)
        val_cat(out, size, ", but whether that is extrapolation is unknown: the parameters carry no data range");
    else if (s->n_extrap_T == n && nxvf == 0)
        val_cat(out, size, ": %s transfers to %s", fitT, dest);
    else if (s->n_extrap_T == n)
        val_cat(out, size, ": %s transfers to %s, even with %zu of %zu observations extrapolated in %s", fitT, dest, nxvf,
                n, dims);
    else if (s->n_extrap_any > 0) {
        val_cat(out, size, ", although");
        if (s->n_extrap_T > 0)
            val_cat(out, size, " %zu of %zu lie outside the fitted temperatures%s", s->n_extrap_T, n, nxvf > 0 ? " and" : "");
        if (nxvf > 0)
            val_cat(out, size, " %zu of %zu extrapolate in %s", nxvf, n, dims);
    } else
        val_cat(out, size, ", inside the fitted range");
}

/* The worst point, when it stands out from the median (by more than 5%), and how many
 * observations lie inside their bands: the prediction bands (for a new MD run) when there are
 * any, which is what a held-out observation should fall in, else the confidence bands. */
static void val_points(const ssoc_validate_report *rep, char *out, size_t size)
{
    const ssoc_validate_summary *s = &rep->summary;
    const double med = s->median_ratio, mf = med < 1.0 ? 1.0 / med : med;
    if (s->n > 1 && s->worst_factor > 1.05 * mf) {
        const ssoc_validate_row *w = &rep->rows[s->worst];
        char f[32];
        val_factor(f, sizeof f, s->worst_factor, 3);
        val_cat(out, size, "; the worst point, line %d (x = %g, rho = %g, T = %g K), is %s times %s", w->line, w->x,
                w->rho_g_cm3, w->T_K, f, w->ratio < 1.0 ? "below" : "above");
    }
    if (!s->has_band)
        return;
    const size_t k = s->has_pred ? s->n_inside_pred : s->n_inside;
    val_cat(out, size, "; inside their %.0f%% %s: ", 100.0 * rep->band_confidence,
            s->has_pred ? "prediction bands (for a new MD run)" : "confidence bands of the mean model");
    if (k == 0)
        val_cat(out, size, "none of %zu", s->n);
    else
        val_cat(out, size, "%zu of %zu", k, s->n);
}

/* With observed activation energies: how they compare with the model's, and how much of the gap
 * the difference accounts for. With fitted data at one temperature the model's Ea was assumed (the
 * attempt frequency k_B T/h), not measured, and the clause claims no more than that allows. */
static void val_Ea(const ssoc_validate_report *rep, char *out, size_t size)
{
    const ssoc_validate_summary *s = &rep->summary;
    if (s->n_Ea == 0)
        return;
    const double d = s->mean_Ea_diff_eV, med = s->median_ratio;
    if (fabs(d) < 0.0005)
        val_cat(out, size, "; the observed activation energies match the model's to within 0.001 eV");
    else
        val_cat(out, size, "; the observed activation energies are %.3f eV %s the model's on average", fabs(d),
                d < 0.0 ? "below" : "above");
    /* How much of the gap the barrier explains: the ratio its difference alone builds up between
     * the fitted temperatures and the observed ones, against the median ratio. */
    if (s->agrees || s->n_Ea_ratio == 0 || !isfinite(s->Ea_ratio))
        return;
    const double frac = log(s->Ea_ratio) / log(med);
    char efac[32];
    val_factor(efac, sizeof efac, s->Ea_ratio < 1.0 ? 1.0 / s->Ea_ratio : s->Ea_ratio, 2);
    /* Opposite direction only counts when it is more than a rounding-level 5%. */
    const int other_way = frac < 0.0 && fabs(log(s->Ea_ratio)) > log(1.05);
    if (frac >= 0.5 && !other_way) {
        val_cat(out, size, ", which accounts for a factor of %s of it: the temperature dependence (the barrier) is what "
                           "does not transfer",
                efac);
        if (s->one_T)
            val_cat(out, size, " (the model's, which data at one temperature could not measure: it rests on the "
                               "assumed attempt frequency k_B T/h)");
        return;
    }
    if (other_way)
        val_cat(out, size, ", which would move the predictions the other way");
    else
        val_cat(out, size, ", which %s for a factor of only %s", s->one_T ? "would account" : "accounts", efac);
    if (s->one_T)
        val_cat(out, size, "; but the model's activation energy was not measured (the fitted data hold one "
                           "temperature, so it rests on the assumed attempt frequency k_B T/h), so these data cannot "
                           "tell whether the gap lies in the magnitude of sigma or in its temperature dependence");
    else
        val_cat(out, size, ", so the gap lies in the magnitude of sigma, not in its temperature dependence");
}

static void val_sentence(ssoc_validate_report *rep)
{
    ssoc_validate_summary *s = &rep->summary;
    char *out = s->sentence;
    const size_t size = sizeof s->sentence;
    out[0] = '\0';

    double tlo = INFINITY, thi = -INFINITY;
    int room = 1;
    for (size_t i = 0; i < rep->n; ++i) {
        const double T = rep->rows[i].T_K;
        tlo = fmin(tlo, T);
        thi = fmax(thi, T);
        room = room && T >= 288.0 && T <= 308.0; /* 15-35 C */
    }
    char at[64], fitT[80], dest[64], fac[32];
    val_temps(at, sizeof at, tlo, thi);
    if (rep->has_range) {
        char t[64];
        val_temps(t, sizeof t, rep->range.T_min_K, rep->range.T_max_K);
        snprintf(fitT, sizeof fitT, "the %s fit", t);
    } else {
        snprintf(fitT, sizeof fitT, "the fit");
    }
    snprintf(dest, sizeof dest, "%s", room ? "room temperature" : at);

    const double med = s->median_ratio;
    val_factor(fac, sizeof fac, med < 1.0 ? 1.0 / med : med, 2);
    const char *who = s->same_data ? "On the data the parameters were fitted to (a measure of the fit, not of how it "
                                     "transfers), predictions"
                                   : "Predictions";
    if (s->agrees)
        val_cat(out, size, "%s at %s agree with the observations on the median (median ratio %.3g)", who, at, med);
    else
        val_cat(out, size, "%s at %s are %s times %s the observations", who, at, fac, med < 1.0 ? "below" : "above");
    val_transfer(rep, fitT, dest, out, size);
    val_points(rep, out, size);
    val_Ea(rep, out, size);
    val_cat(out, size, ".");
}

ssoc_status ssoc_validate_run(const ssoc_csv *t, const ssoc_params *p, const ssoc_data_range *range,
                              const ssoc_boot_result *boot, ssoc_validate_report **out, ssoc_error *err)
{
    const ssoc_validate_opts o = {.range = range, .boot = boot};
    return ssoc_validate_run_ex(t, p, &o, out, err);
}

ssoc_status ssoc_validate_run_ex(const ssoc_csv *t, const ssoc_params *p, const ssoc_validate_opts *o,
                                 ssoc_validate_report **out, ssoc_error *err)
{
    if (!out)
        return SSOC_ERR(err, SSOC_EINVAL, "ssoc_validate_run: NULL output pointer");
    *out = NULL;
    if (!t || !p)
        return SSOC_ERR(err, SSOC_EINVAL, "ssoc_validate_run: NULL table or parameters");
    const ssoc_validate_opts none = {0};
    if (!o)
        o = &none;
    const ssoc_data_range *range = o->range;
    const ssoc_boot_result *boot = o->boot;
    const unsigned flags = o->flags;

    int col[5];
    ssoc_unit unit[5];
    for (int c = 0; c < 5; ++c) {
        ssoc_status s = ssoc_units_column(t, val_names[c], val_qty[c], &col[c], &unit[c], err);
        if (s)
            return s;
        if (col[c] < 0 && c < 4)
            return ssoc_csv_missing_column(t, val_names[c], err);
    }

    const size_t n = ssoc_csv_nrows(t);
    ssoc_validate_report *rep = calloc(1, sizeof *rep);
    double *work = NULL, *lp = NULL, *lo = NULL, *ratio = NULL;
    ssoc_status st = SSOC_OK;
    if (!rep || !(rep->rows = calloc(n, sizeof *rep->rows)) || !(lp = malloc(n * sizeof *lp)) ||
        !(lo = malloc(n * sizeof *lo)) || !(ratio = malloc(n * sizeof *ratio))) {
        st = SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory for %zu observations", ssoc_csv_path(t), n);
        goto fail;
    }
    rep->n = n;
    rep->has_Ea_column = col[4] >= 0;
    rep->has_range = range != NULL;
    if (range)
        rep->range = *range;
    rep->band_confidence = NAN;

    if (boot) {
        rep->band_confidence = boot->opts.confidence;
        rep->band_method = ssoc_boot_band_method(boot);
        rep->band_B = boot->B;
        for (size_t b = 0; b < boot->B; ++b)
            rep->band_failed += !boot->ok[b];
        /* the confidence band needs B + n_jack doubles, the prediction band 2 B */
        const size_t len = boot->B + (boot->n_jack > boot->B ? boot->n_jack : boot->B);
        if (len < boot->B || len > SIZE_MAX / sizeof *work || !(work = malloc((len ? len : 1) * sizeof *work))) {
            st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory for the bootstrap bands");
            goto fail;
        }
    }

    ssoc_validate_summary *sm = &rep->summary;
    sm->n = n;
    sm->has_band = boot != NULL;
    sm->has_pred = boot && boot->resid;
    sm->range_known = range != NULL;
    sm->one_T = range && ssoc_data_range_one_T(range);
    sm->same_data = o->fit_sha256 && o->fit_sha256[0] && !strcmp(o->fit_sha256, ssoc_csv_sha256(t));
    double worst_log = -1.0;
    double sum_ratio = 0.0, sum_sq = 0.0, sum_Ea = 0.0, sum_lnEa = 0.0;
    for (size_t i = 0; i < n; ++i) {
        ssoc_validate_row *r = &rep->rows[i];
        if ((st = val_parse_row(t, i, col, unit, flags, r, err)) != SSOC_OK)
            goto fail;
        ssoc_layers L;
        ssoc_model_eval(p, r->x, r->rho_g_cm3, r->T_K, &L);
        if (!(isfinite(L.sigma_S_cm) && L.sigma_S_cm > 0.0)) {
            st = SSOC_ERR(err, SSOC_EDATA, "%s:%d: the model gives sigma = %g at x = %g, rho = %g, T = %g",
                          ssoc_csv_path(t), r->line, L.sigma_S_cm, r->x, r->rho_g_cm3, r->T_K);
            goto fail;
        }
        r->v_f = L.v_f;
        r->sigma_pred_S_cm = L.sigma_S_cm;
        r->ratio = L.sigma_S_cm / r->sigma_obs_S_cm;
        lp[i] = log10(L.sigma_S_cm);
        lo[i] = log10(r->sigma_obs_S_cm);
        r->log10_err = lp[i] - lo[i];
        r->Ea_model_eV = ssoc_validate_Ea_eV(p, r->x, r->rho_g_cm3, r->T_K);
        r->Ea_diff_eV = r->Ea_obs_eV - r->Ea_model_eV;
        r->band_lo_S_cm = r->band_hi_S_cm = r->band_median_S_cm = NAN;
        r->pred_lo_S_cm = r->pred_hi_S_cm = r->pred_median_S_cm = NAN;
        if (boot && (st = val_band(boot, ssoc_csv_path(t), r, work, err)) != SSOC_OK)
            goto fail;
        if (range) {
            r->extrap = ssoc_data_range_extrap(range, r->x, r->v_f, r->T_K);
        }
        sm->n_extrap_x += (r->extrap & SSOC_EXTRAP_X) != 0;
        sm->n_extrap_vf += (r->extrap & SSOC_EXTRAP_VF) != 0;
        sm->n_extrap_T += (r->extrap & SSOC_EXTRAP_T) != 0;
        sm->n_extrap_any += r->extrap != 0;
        sm->n_inside += r->inside_band != 0;
        sm->n_inside_pred += r->inside_pred != 0;
        if (fabs(r->log10_err) > worst_log) {
            worst_log = fabs(r->log10_err);
            sm->worst = i;
            sm->worst_factor = r->ratio < 1.0 ? 1.0 / r->ratio : r->ratio;
        }
        sum_ratio += r->ratio;
        sum_sq += r->log10_err * r->log10_err;
        ratio[i] = r->ratio;
        if (!isnan(r->Ea_obs_eV)) {
            sm->n_Ea++;
            sum_Ea += r->Ea_diff_eV;
            if (r->extrap & SSOC_EXTRAP_T) {
                const double Tedge = r->T_K < range->T_min_K ? range->T_min_K : range->T_max_K;
                sum_lnEa += (r->Ea_diff_eV / SSOC_KB_EV_K) * (1.0 / r->T_K - 1.0 / Tedge);
                sm->n_Ea_ratio++;
            }
        }
    }
    sm->r_log10_sigma = val_pearson(lp, lo, n);
    sm->rmse_log10_sigma = sqrt(sum_sq / (double)n);
    sm->mean_ratio = sum_ratio / (double)n;
    sm->median_ratio = ssoc_quantile_select(ratio, n, 0.5);
    sm->mean_Ea_diff_eV = sm->n_Ea ? sum_Ea / (double)sm->n_Ea : NAN;
    sm->Ea_ratio = sm->n_Ea_ratio ? exp(sum_lnEa / (double)sm->n_Ea_ratio) : NAN;
    sm->agrees = fabs(log(sm->median_ratio)) <= log(SSOC_VALIDATE_AGREE_FACTOR);
    val_sentence(rep);

    free(work);
    free(lp);
    free(lo);
    free(ratio);
    *out = rep;
    return SSOC_OK;
fail:
    free(work);
    free(lp);
    free(lo);
    free(ratio);
    ssoc_validate_report_free(rep);
    return st;
}
