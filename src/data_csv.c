/* The data reader of docs/MODEL.md, "Data": maps the generic CSV table onto ssoc_dataset and checks
 * every value a fit would later choke on, so a bad file fails here with FILE:LINE: column 'NAME'
 * instead of as a NaN or a singular design three stages later. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ssoc/data.h"
#include "ssoc/plausible.h"

enum { DATA_X, DATA_RHO, DATA_T, DATA_DHOP, DATA_SIGMA, DATA_NREQ };
static const char *const data_required[DATA_NREQ] = {"x", "rho", "T", "D_hop", "sigma"};
static const ssoc_qty data_qty[DATA_NREQ] = {SSOC_QTY_X, SSOC_QTY_RHO, SSOC_QTY_T, SSOC_QTY_DHOP, SSOC_QTY_SIGMA};

ssoc_status ssoc_data_read_csv(const char *path, double d_crit_A, ssoc_dataset **out, ssoc_error *err)
{
    return ssoc_data_read_csv_ex(path, d_crit_A, 0, out, err);
}

ssoc_status ssoc_data_read_csv_ex(const char *path, double d_crit_A, unsigned flags, ssoc_dataset **out,
                                  ssoc_error *err)
{
    if (!out)
        return SSOC_ERR(err, SSOC_EINVAL, "ssoc_data_read_csv: NULL output pointer");
    *out = NULL;
    if (!path)
        return SSOC_ERR(err, SSOC_EINVAL, "ssoc_data_read_csv: NULL path");
    if (!isfinite(d_crit_A) || !(d_crit_A > 0.0))
        return SSOC_ERR(err, SSOC_EINVAL, "%s: d_crit = %g angstrom: must be finite and > 0", path, d_crit_A);

    ssoc_csv *t = NULL;
    ssoc_status st = ssoc_csv_read(path, &t, err);
    if (st != SSOC_OK)
        return st;

    int col[DATA_NREQ], c_dmax = -1;
    ssoc_unit unit[DATA_NREQ], u_dmax;
    for (int k = 0; k < DATA_NREQ; ++k) {
        st = ssoc_units_column(t, data_required[k], data_qty[k], &col[k], &unit[k], err);
        if (!st && col[k] < 0)
            st = ssoc_csv_missing_column(t, data_required[k], err);
        if (st) {
            ssoc_csv_free(t);
            return st;
        }
    }
    if ((st = ssoc_units_column(t, "d_max", SSOC_QTY_DMAX, &c_dmax, &u_dmax, err))) {
        ssoc_csv_free(t);
        return st;
    }
    int c_regime = ssoc_csv_column(t, "regime");
    if (c_regime < 0 && c_dmax < 0) {
        char list[400];
        ssoc_csv_header_text(t, list, sizeof list);
        st = SSOC_ERR(err, SSOC_EDATA,
                      "%s:%d: missing column 'regime' (PCC|SCC) or 'd_max' [angstrom]: one is required (header: %s)",
                      path, ssoc_csv_header_line(t), list);
        ssoc_csv_free(t);
        return st;
    }

    size_t n = ssoc_csv_nrows(t);
    ssoc_dataset *d = ssoc_dataset_alloc(n);
    if (!d) {
        ssoc_csv_free(t);
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory for %zu points", path, n);
    }
    d->d_crit_A = d_crit_A;
    for (size_t i = 0; i < n; ++i) {
        int line = ssoc_csv_line(t, i);
        double v[DATA_NREQ];
        for (int k = 0; k < DATA_NREQ; ++k) {
            st = ssoc_units_get(t, i, col[k], &unit[k], data_qty[k], flags, &v[k], err);
            if (st != SSOC_OK)
                goto fail;
        }
        double dmax = NAN;
        if (c_dmax >= 0) {
            /* With a regime column, d_max is informational and may be left empty for some rows. */
            const char *f = ssoc_csv_field(t, i, c_dmax);
            if (!(c_regime >= 0 && f[0] == '\0')) {
                st = ssoc_units_get(t, i, c_dmax, &u_dmax, SSOC_QTY_DMAX, flags, &dmax, err);
                if (st != SSOC_OK)
                    goto fail;
            }
        }
        ssoc_regime reg;
        if (c_regime >= 0) {
            /* The regime column is authoritative: a point labelled against its d_max is the author's
             * call (e.g. a different d_crit), not a data error. */
            const char *f = ssoc_csv_field(t, i, c_regime);
            if (strcasecmp(f, "PCC") == 0) {
                reg = SSOC_REGIME_PCC;
            } else if (strcasecmp(f, "SCC") == 0) {
                reg = SSOC_REGIME_SCC;
            } else {
                st = SSOC_ERR(err, SSOC_EDATA, "%s:%d: column 'regime': '%s' is not PCC or SCC", path, line, f);
                goto fail;
            }
        } else {
            reg = dmax < d_crit_A ? SSOC_REGIME_PCC : SSOC_REGIME_SCC;
        }
        d->x[i] = v[DATA_X];
        d->rho_g_cm3[i] = v[DATA_RHO];
        d->T_K[i] = v[DATA_T];
        d->D_hop_cm2_s[i] = v[DATA_DHOP];
        d->sigma_S_cm[i] = v[DATA_SIGMA];
        d->d_max_A[i] = dmax;
        d->regime[i] = (unsigned char)reg;
        d->line[i] = line;
    }
    d->n = n;
    ssoc_dataset_count_regimes(d);
    d->path = strdup(path);
    if (!d->path) {
        st = SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    memcpy(d->sha256, ssoc_csv_sha256(t), sizeof d->sha256);
    ssoc_csv_free(t);
    *out = d;
    return SSOC_OK;

fail:
    ssoc_dataset_free(d);
    ssoc_csv_free(t);
    return st;
}
