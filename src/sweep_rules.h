/* Private to the sweep driver (sweep.c): the design-rule tasks of a sweep (sweep_rules.c). */
#ifndef SSOC_SWEEP_RULES_H
#define SSOC_SWEEP_RULES_H

#include <stddef.h>

#include "ssoc/config.h"
#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/monitor.h"
#include "ssoc/rules.h"

/* What the rules need from a run (all borrowed). */
typedef struct ssoc_rule_inputs {
    const ssoc_config *cfg;        /* the grid's axes, the band's interval and confidence */
    double level;                  /* the percentile level of the bands (ssoc_boot_band_level: the
                                    * expanded level for expanded bands, else the confidence) */
    const ssoc_data_range *range;  /* the fitted data's range (extrapolation bits) */
    const ssoc_rules_prep *best;   /* the point parameters */
    const ssoc_rules_prep *reps;   /* the successful bootstrap replicates */
    size_t n_reps;
    const ssoc_rules_prep *jack;   /* the successful leave-one-out fits (BCa), n_jack = 0 otherwise */
    size_t n_jack;
    const ssoc_monitor *monitor;   /* polled with this rank's tasks done (monitor.h); NULL: none */
} ssoc_rule_inputs;

/* Every design-rule record of the grid (ssoc_rule_field, sweepfile.h): rho_opt at every (T, x),
 * then x_opt at every (T, rho), each with its band over the replicates, flags and status.
 * Collective: ranks share the tasks, OpenMP threads take tasks, and every rank receives all
 * records in *recs (malloc'd, (nT nx + nT nrho) SSOC_RULE_COUNT doubles; the caller frees).
 * A record depends only on its task, so the decomposition changes no bit. Agreed status: a stop
 * requested through the monitor on any rank gives SSOC_EINTERRUPTED on all (nothing in *recs). */
ssoc_status ssoc_sweep_rules_compute(const ssoc_rule_inputs *in, double **recs, ssoc_error *err);

/* The calibration of `ssoc sweep --dry-run`: wall seconds per task of this rank with its threads,
 * for a rho_opt block task (*s_rho) and an x_opt task (*s_x), each from batches of n, 2n, 4n, ...
 * tasks spread evenly over the grid until one batch takes `min_s` (or covers every task of its
 * kind; the batches before it warm up); *timed counts the tasks run, *n_rho and *n_x the run's
 * tasks of each kind. Not collective; the records are thrown away. SSOC_ENOMEM. */
ssoc_status ssoc_sweep_rules_time(const ssoc_rule_inputs *in, size_t n, double min_s, double *s_rho, double *s_x,
                                  size_t *timed, size_t *n_rho, size_t *n_x, ssoc_error *err);

#endif
