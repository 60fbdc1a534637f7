/* Fuzz target: the CSV readers. One input is one file, read three ways: the generic table
 * (ssoc_csv_read, every field through ssoc_csv_get_double), the data reader of docs/MODEL.md,
 * "Data" (ssoc_data_read_csv) followed by the three-stage fit when it succeeds, and the validate
 * reader (ssoc_validate_run on the generic table with the published parameters). Contracts checked:
 * error records well formed and one line; a data set that reads has only valid values; a fit
 * that succeeds has finite parameters; a validation that succeeds has finite predictions. */
#include <math.h>
#include <string.h>

#include "fuzz_common.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"
#include "ssoc/validate.h"

/* The fit is O(n) per iteration; bigger inputs still exercise the readers fully. */
#define FZ_FIT_MAX_POINTS 256

static void check_table(const ssoc_csv *t)
{
    int ncol = ssoc_csv_ncols(t);
    size_t nrows = ssoc_csv_nrows(t);
    FZ_CHECK(ncol >= 1 && nrows >= 1, "table %d x %zu", ncol, nrows);
    int prev = ssoc_csv_header_line(t);
    for (size_t r = 0; r < nrows; ++r) {
        int line = ssoc_csv_line(t, r);
        FZ_CHECK(line > prev, "row %zu on line %d after line %d", r, line, prev);
        prev = line;
        for (int c = 0; c < ncol; ++c) {
            const char *f = ssoc_csv_field(t, r, c);
            FZ_CHECK(f != NULL, "row %zu col %d: NULL field", r, c);
            double v = 0.0;
            ssoc_error err;
            ssoc_error_clear(&err);
            ssoc_status st = ssoc_csv_get_double(t, r, c, &v, &err);
            fz_check_error(st, &err);
            FZ_CHECK(st != SSOC_OK || isfinite(v), "row %zu col %d: '%s' read as %g", r, c, f, v);
        }
    }
    for (int c = 0; c < ncol; ++c) {
        const char *name = ssoc_csv_column_name(t, c);
        FZ_CHECK(name && name[0], "column %d has no name", c);
        FZ_CHECK(ssoc_csv_column(t, name) == c, "column '%s' is not found at %d", name, c);
    }
}

static void check_dataset(const ssoc_dataset *d)
{
    FZ_CHECK(d->n >= 1 && d->n_pcc + d->n_scc == d->n, "n %zu = %zu PCC + %zu SCC", d->n, d->n_pcc, d->n_scc);
    FZ_CHECK(strlen(d->sha256) == 64, "sha256 '%s'", d->sha256);
    for (size_t i = 0; i < d->n; ++i) {
        FZ_CHECK(d->x[i] > 0.0 && d->x[i] < 1.0, "line %d: x = %g", d->line[i], d->x[i]);
        FZ_CHECK(isfinite(d->rho_g_cm3[i]) && d->rho_g_cm3[i] > 0.0, "line %d: rho", d->line[i]);
        FZ_CHECK(isfinite(d->T_K[i]) && d->T_K[i] > 0.0, "line %d: T", d->line[i]);
        FZ_CHECK(isfinite(d->D_hop_cm2_s[i]) && d->D_hop_cm2_s[i] > 0.0, "line %d: D_hop", d->line[i]);
        FZ_CHECK(isfinite(d->sigma_S_cm[i]) && d->sigma_S_cm[i] > 0.0, "line %d: sigma", d->line[i]);
        FZ_CHECK(d->regime[i] == SSOC_REGIME_PCC || d->regime[i] == SSOC_REGIME_SCC, "line %d: regime", d->line[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_file(data, size);
    ssoc_error err;

    ssoc_csv *t = NULL;
    ssoc_error_clear(&err);
    ssoc_status st = ssoc_csv_read(path, &t, &err);
    fz_check_error(st, &err);
    FZ_CHECK((st == SSOC_OK) == (t != NULL), "status %d with table %p", (int)st, (void *)t);
    if (t) {
        check_table(t);
        ssoc_validate_report *rep = NULL;
        ssoc_error_clear(&err);
        st = ssoc_validate_run(t, &ssoc_params_published, NULL, NULL, &rep, &err);
        fz_check_error(st, &err);
        if (rep) {
            FZ_CHECK(rep->n == ssoc_csv_nrows(t), "report has %zu rows, table %zu", rep->n, ssoc_csv_nrows(t));
            for (size_t i = 0; i < rep->n; ++i)
                FZ_CHECK(isfinite(rep->rows[i].sigma_pred_S_cm), "line %d: predicted sigma %g", rep->rows[i].line,
                         rep->rows[i].sigma_pred_S_cm);
        }
        ssoc_validate_report_free(rep);
        ssoc_csv_free(t);
    }

    ssoc_dataset *d = NULL;
    ssoc_error_clear(&err);
    st = ssoc_data_read_csv(path, SSOC_D_CRIT_DEFAULT_A, &d, &err);
    fz_check_error(st, &err);
    FZ_CHECK((st == SSOC_OK) == (d != NULL), "status %d with data set %p", (int)st, (void *)d);
    if (d && d->n <= FZ_FIT_MAX_POINTS) {
        check_dataset(d);
        ssoc_fit_opts fo;
        ssoc_fit_opts_default(&fo);
        ssoc_fit_result fit;
        ssoc_error_clear(&err);
        st = ssoc_fit_run(d, &fo, &fit, &err);
        fz_check_error(st, &err);
        if (st == SSOC_OK)
            for (int i = 0; i < SSOC_NPARAM; ++i)
                FZ_CHECK(isfinite(fit.params.p[i]), "fit returned %s = %g", ssoc_param_name(i), fit.params.p[i]);
    }
    ssoc_dataset_free(d);
    return 0;
}
