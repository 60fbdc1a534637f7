/* The MPI door's serial fallbacks (no mpirun: rank 0 of 1) and the status agreement every
 * collective phase goes through. */
#include <criterion/criterion.h>
#include <string.h>

#include "ssoc/par.h"

Test(par, serial_fallback_is_rank_0_of_1)
{
    cr_expect(!ssoc_par_active());
    cr_expect(ssoc_par_rank() == 0 && ssoc_par_size() == 1 && ssoc_par_node_size() == 1);
    int64_t v[2] = {3, -4};
    ssoc_par_sum_i64(v, 2);
    ssoc_par_max_i64(v, 2);
    cr_expect(v[0] == 3 && v[1] == -4);
    size_t lo, hi;
    ssoc_par_share(10, 0, 1, &lo, &hi);
    cr_expect(lo == 0 && hi == 10);
    ssoc_par_share(10, 1, 3, &lo, &hi);
    cr_expect(lo == 4 && hi == 7, "the first n %% p ranks get one more: [%zu, %zu)", lo, hi);
}

/* The pattern `st = step(&err); st = ssoc_par_agree(&err)` loses a failing st whose step left the
 * record empty: agreement on the record alone says OK. ssoc_par_agree_status keeps it. */
Test(par, agree_status_keeps_a_failure_the_record_lacks)
{
    ssoc_error e = {0};
    cr_expect(ssoc_par_agree(&e) == SSOC_OK, "the record alone says OK");
    cr_expect(ssoc_par_agree_status(SSOC_ECONFIG, &e) == SSOC_ECONFIG);
    cr_expect(e.code == SSOC_ECONFIG && !strcmp(e.msg, "configuration error"), "%d '%s'", e.code, e.msg);
    /* a record that already says what went wrong keeps its message */
    ssoc_error f = {0};
    SSOC_ERR(&f, SSOC_EDATA, "data.csv:3: column 'x': bad");
    cr_expect(ssoc_par_agree_status(SSOC_EDATA, &f) == SSOC_EDATA);
    cr_expect(!strcmp(f.msg, "data.csv:3: column 'x': bad"), "%s", f.msg);
    /* success, and a record set by an earlier step with st OK, agree as the record says */
    ssoc_error g = {0};
    cr_expect(ssoc_par_agree_status(SSOC_OK, &g) == SSOC_OK && g.code == SSOC_OK);
    SSOC_ERR(&g, SSOC_EIO, "disk");
    cr_expect(ssoc_par_agree_status(SSOC_OK, &g) == SSOC_EIO);
}
