/* ln A on data at several temperatures: the shipped synthetic set (read from its CSV, so this
 * test links the whole library rather than the science core). */
#include <criterion/criterion.h>
#include <math.h>

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "testutil.h"

/* data/synthetic_multiT.csv (tools/make_synthetic_multiT.py): the model at four temperatures with
 * E0 = 0.345 eV and ln A = ln 2.5, log-normal noise 0.1. The joint fit with ln A free recovers
 * both inside their 95% bands; held at 0, ln A pushes E0 outside that band. */
Test(lnA, multi_temperature_set_recovers_E0_and_ln_A_inside_their_bands)
{
    ssoc_dataset *d = NULL;
    ssoc_error err = {0};
    cr_assert_eq(ssoc_data_read_csv(tu_src("data/synthetic_multiT.csv"), SSOC_D_CRIT_DEFAULT_A, &d, &err), SSOC_OK,
                 "%s", err.msg);
    cr_assert_eq(d->n, 92);
    ssoc_fit_opts fo;
    ssoc_fit_opts_default(&fo);
    cr_assert_eq(ssoc_fit_opts_free(&fo, "ln_A", &err), SSOC_OK);
    ssoc_fit_result pr;
    cr_assert_eq(ssoc_fit_run(d, &fo, &pr, &err), SSOC_OK, "%s", err.msg);
    const ssoc_params p = pr.params;
    ssoc_boot_opts o;
    ssoc_boot_opts_default(&o);
    o.B = 400;
    o.interval = SSOC_CI_EXPANDED;
    ssoc_boot_result *r = NULL;
    cr_assert_eq(ssoc_boot_run(d, &fo, &p, &o, &r, &err), SSOC_OK, "%s", err.msg);
    const double E0 = 0.345, lnA = log(2.5);
    cr_expect(r->lo[SSOC_P_E0] < E0 && E0 < r->hi[SSOC_P_E0], "E0 %g not in [%g, %g]", E0, r->lo[SSOC_P_E0],
              r->hi[SSOC_P_E0]);
    cr_expect(r->lo[SSOC_P_LNA] < lnA && lnA < r->hi[SSOC_P_LNA], "ln A %g not in [%g, %g]", lnA, r->lo[SSOC_P_LNA],
              r->hi[SSOC_P_LNA]);
    cr_expect(r->hi[SSOC_P_LNA] - r->lo[SSOC_P_LNA] < 0.3, "ln A is measured, not guessed");
    ssoc_fit_opts_default(&fo);
    cr_assert_eq(ssoc_fit_run(d, &fo, &pr, &err), SSOC_OK, "%s", err.msg);
    const ssoc_params q = pr.params;
    cr_expect(q.p[SSOC_P_E0] < r->lo[SSOC_P_E0] || q.p[SSOC_P_E0] > r->hi[SSOC_P_E0],
              "with ln A held at 0, E0 = %g moves out of the band [%g, %g]", q.p[SSOC_P_E0], r->lo[SSOC_P_E0],
              r->hi[SSOC_P_E0]);
    ssoc_boot_result_free(r);
    ssoc_dataset_free(d);
}
