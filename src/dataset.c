/* The in-memory data set container (allocation, row selection, ranges). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/data.h"
#include "ssoc/model.h"

ssoc_dataset *ssoc_dataset_alloc(size_t capacity)
{
    ssoc_dataset *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    size_t c = capacity ? capacity : 1;
    d->capacity = capacity;
    d->d_crit_A = SSOC_D_CRIT_DEFAULT_A;
    d->x = malloc(c * sizeof *d->x);
    d->rho_g_cm3 = malloc(c * sizeof *d->rho_g_cm3);
    d->T_K = malloc(c * sizeof *d->T_K);
    d->D_hop_cm2_s = malloc(c * sizeof *d->D_hop_cm2_s);
    d->sigma_S_cm = malloc(c * sizeof *d->sigma_S_cm);
    d->d_max_A = malloc(c * sizeof *d->d_max_A);
    d->regime = malloc(c * sizeof *d->regime);
    d->line = malloc(c * sizeof *d->line);
    if (!d->x || !d->rho_g_cm3 || !d->T_K || !d->D_hop_cm2_s || !d->sigma_S_cm || !d->d_max_A || !d->regime ||
        !d->line) {
        ssoc_dataset_free(d);
        return NULL;
    }
    return d;
}

void ssoc_dataset_free(ssoc_dataset *d)
{
    if (!d)
        return;
    free(d->x);
    free(d->rho_g_cm3);
    free(d->T_K);
    free(d->D_hop_cm2_s);
    free(d->sigma_S_cm);
    free(d->d_max_A);
    free(d->regime);
    free(d->line);
    free(d->path);
    free(d);
}

void ssoc_dataset_count_regimes(ssoc_dataset *d)
{
    d->n_pcc = d->n_scc = 0;
    for (size_t i = 0; i < d->n; ++i) {
        if (d->regime[i] == SSOC_REGIME_PCC)
            d->n_pcc++;
        else
            d->n_scc++;
    }
}

ssoc_status ssoc_dataset_take(const ssoc_dataset *src, const size_t *idx, size_t m, ssoc_dataset *dst,
                              ssoc_error *err)
{
    if (m > dst->capacity)
        return SSOC_ERR(err, SSOC_EINVAL, "data set of capacity %zu cannot hold %zu points", dst->capacity, m);
    for (size_t k = 0; k < m; ++k) {
        size_t i = idx[k];
        if (i >= src->n)
            return SSOC_ERR(err, SSOC_EINVAL, "row index %zu out of range (data set has %zu points)", i, src->n);
        dst->x[k] = src->x[i];
        dst->rho_g_cm3[k] = src->rho_g_cm3[i];
        dst->T_K[k] = src->T_K[i];
        dst->D_hop_cm2_s[k] = src->D_hop_cm2_s[i];
        dst->sigma_S_cm[k] = src->sigma_S_cm[i];
        dst->d_max_A[k] = src->d_max_A[i];
        dst->regime[k] = src->regime[i];
        dst->line[k] = src->line[i];
    }
    dst->n = m;
    dst->d_crit_A = src->d_crit_A;
    ssoc_dataset_count_regimes(dst);
    return SSOC_OK;
}

unsigned ssoc_data_range_extrap(const ssoc_data_range *r, double x, double v_f, double T_K)
{
    unsigned m = 0;
    if (x < r->x_min || x > r->x_max)
        m |= SSOC_EXTRAP_X;
    if (v_f < r->vf_min || v_f > r->vf_max)
        m |= SSOC_EXTRAP_VF;
    if (T_K < r->T_min_K || T_K > r->T_max_K)
        m |= SSOC_EXTRAP_T;
    return m;
}

int ssoc_data_range_one_T(const ssoc_data_range *r) { return r->T_min_K == r->T_max_K; }

void ssoc_data_one_T_caveat(double T_K, char *buf, size_t size)
{
    snprintf(buf, size,
             "the fitted data hold one temperature (%g K), so E0 and the apparent activation energy Ea are set by "
             "the assumed attempt frequency k_B T/h, not measured (a 10 times larger prefactor would lower E0 by "
             "k_B T ln 10 = %.3f eV), and any other temperature is an extrapolation whose band does not include "
             "this assumption",
             T_K, SSOC_KB_EV_K * T_K * log(10.0));
}

void ssoc_dataset_range(const ssoc_dataset *d, ssoc_data_range *r)
{
    r->x_min = r->vf_min = r->T_min_K = INFINITY;
    r->x_max = r->vf_max = r->T_max_K = -INFINITY;
    for (size_t i = 0; i < d->n; ++i) {
        double vf = ssoc_model_vf(d->x[i], d->rho_g_cm3[i]);
        r->x_min = fmin(r->x_min, d->x[i]);
        r->x_max = fmax(r->x_max, d->x[i]);
        r->vf_min = fmin(r->vf_min, vf);
        r->vf_max = fmax(r->vf_max, vf);
        r->T_min_K = fmin(r->T_min_K, d->T_K[i]);
        r->T_max_K = fmax(r->T_max_K, d->T_K[i]);
    }
}
