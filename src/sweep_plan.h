/* Private to the sweep driver (sweep.c): the plan of `ssoc sweep --dry-run` (sweep_plan.c). */
#ifndef SSOC_SWEEP_PLAN_H
#define SSOC_SWEEP_PLAN_H

#include <stdint.h>

#include "ssoc/config.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "ssoc/sweep.h"

/* What the dry run hands the planner after the run's own point fit (all borrowed). */
typedef struct ssoc_plan_inputs {
    const ssoc_config *cfg;
    const ssoc_sweep_opts *opts;
    const char *out, *partial;     /* OUT.h5 and OUT.h5.partial */
    const ssoc_dataset *d;         /* the data */
    const ssoc_data_range *range;  /* its range */
    const ssoc_fit_opts *fo;       /* the replicates' fit options */
    const ssoc_params *best;       /* the point parameters */
    int ranks, node_ranks, threads;
    uint64_t raw_bytes;            /* the preflight's lower bound of the file (its free-space check) */
    double t_start;                /* ssoc_par_wtime() when the dry run started */
} ssoc_plan_inputs;

/* Fill `plan` (zeroed by the caller): sizes, memory, file, the calibration and the estimates, and
 * what the run would refuse. SSOC_EFIT when no calibration replicate can be fitted, SSOC_ENOMEM. */
ssoc_status ssoc_sweep_plan_make(const ssoc_plan_inputs *in, ssoc_sweep_plan *plan, ssoc_error *err);

#endif
