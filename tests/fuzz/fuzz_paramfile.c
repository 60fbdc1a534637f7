/* Fuzz target: the JSON parameter file reader (ssoc_paramfile_read). A file that reads must hold 8
 * finite parameters with v_c, n_H > 0 and a consistent bootstrap table; writing it back with
 * ssoc_paramfile_to_json and reading that again must give the same parameters to the last bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "ssoc/model.h"
#include "ssoc/paramfile.h"

static void check_read(const ssoc_paramfile *pf)
{
    for (int i = 0; i < SSOC_NPARAM; ++i)
        FZ_CHECK(isfinite(pf->params.p[i]), "%s = %g", ssoc_param_name(i), pf->params.p[i]);
    FZ_CHECK(pf->params.p[SSOC_P_VC] > 0.0 && pf->params.p[SSOC_P_NH] > 0.0, "v_c %g n_H %g",
             pf->params.p[SSOC_P_VC], pf->params.p[SSOC_P_NH]);
    FZ_CHECK(pf->fixed_mask < (1u << SSOC_NPARAM), "fixed mask 0x%x", pf->fixed_mask);
    const ssoc_boot_result *b = pf->boot;
    if (!b)
        return;
    FZ_CHECK(b->B >= 2, "B = %zu", b->B);
    FZ_CHECK(b->opts.confidence > 0.0 && b->opts.confidence < 1.0, "confidence %g", b->opts.confidence);
    size_t failed = 0;
    for (size_t r = 0; r < b->B; ++r) {
        failed += !b->ok[r];
        for (int i = 0; i < SSOC_NPARAM && b->ok[r]; ++i)
            FZ_CHECK(isfinite(b->table[r * SSOC_NPARAM + i]), "replicate %zu, %s not finite", r, ssoc_param_name(i));
    }
    FZ_CHECK(failed == b->n_failed, "n_failed %zu, counted %zu", b->n_failed, failed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ssoc_paramfile pf;
    ssoc_error err;
    ssoc_error_clear(&err);
    ssoc_status st = ssoc_paramfile_read(fz_file(data, size), &pf, &err);
    fz_check_error(st, &err);
    if (st != SSOC_OK)
        return 0;
    check_read(&pf);

    ssoc_fit_result fit;
    memset(&fit, 0, sizeof fit);
    fit.params = pf.params;
    fit.fixed_mask = pf.fixed_mask;
    fit.metrics = pf.metrics;
    char *text = ssoc_paramfile_to_json(&fit, NULL, pf.boot);
    FZ_CHECK(text != NULL, "%s", "ssoc_paramfile_to_json returned NULL");
    ssoc_paramfile again;
    ssoc_error_clear(&err);
    st = ssoc_paramfile_read(fz_file((const uint8_t *)text, strlen(text)), &again, &err);
    FZ_CHECK(st == SSOC_OK, "written file does not read back: %s\n%s", err.msg, text);
    free(text);
    FZ_CHECK(memcmp(again.params.p, pf.params.p, sizeof pf.params.p) == 0, "%s", "parameters changed on round trip");
    FZ_CHECK(again.fixed_mask == pf.fixed_mask, "fixed mask 0x%x -> 0x%x", pf.fixed_mask, again.fixed_mask);
    FZ_CHECK((again.boot != NULL) == (pf.boot != NULL), "%s", "bootstrap table lost or invented on round trip");
    ssoc_paramfile_clear(&again);
    ssoc_paramfile_clear(&pf);
    return 0;
}
