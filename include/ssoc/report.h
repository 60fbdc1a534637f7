/// @file report.h
/// The design-rule report of a finished sweep (issue 5): what `ssoc rules` prints and what
/// `ssoc sweep` prints at its end. Built from the sweep file alone (sweepfile.h), so the two always
/// say the same thing.
///
/// For every grid temperature it holds
///  - at each composition x of the fitted data: rho_opt(x, T), v_f,opt and sigma_max with their
///    bands, found on the continuous model (rules.h) over the file's density range with the
///    file's point parameters and bootstrap replicate table, band definition and confidence (the
///    sweep's own definition, BCa included: the leave-one-out fits are redone on /fit/data); the
///    boundary flag and the extrapolation bits; P(sigma >= target) at rho_opt when a target was set;
///  - the best composition on the grid, read from /rules (the column of /rules/sigma_max with the
///    largest value), and x_opt(rho, T) from /rules at the grid density nearest its rho_opt, with
///    how many densities have x_opt on an edge of the x range; P(sigma >= target) at the grid
///    node nearest that optimum, read from /sigma/p_exceed.
/// and then the design rule in plain sentences, generated from those numbers and flags.
#ifndef SSOC_REPORT_H
#define SSOC_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ssoc/error.h"
#include "ssoc/sweepfile.h"

/// A value with its band (NaN where undefined: e.g. fewer than 2 replicate optima).
typedef struct ssoc_band {
    double value, lo, hi;
} ssoc_band;

/// Which end of a searched range an optimum sits on.
typedef enum ssoc_edge { SSOC_EDGE_NONE = 0, SSOC_EDGE_LOWER = -1, SSOC_EDGE_UPPER = 1 } ssoc_edge;

/// rho_opt at one composition and temperature.
typedef struct ssoc_report_comp {
    double x;              ///< composition [1]
    ssoc_band rho_opt;     ///< [g/cm3]
    ssoc_band vf_opt;      ///< [1]
    ssoc_band sigma_max;   ///< [S/cm], confidence band of the mean model
    /// Prediction band of a new MD run at the optimum [S/cm]: value sigma_max, band the percentile
    /// band (at sigma_max's levels) of sigma_max_b exp(e_b) over the replicates, e_b their
    /// prediction terms (ssoc_boot_pred_terms); NaN when the file gives no terms (ssoc_report.pred_e).
    ssoc_band sigma_pred;
    ssoc_edge edge;        ///< rho_opt on an end of the density range (a boundary result)
    unsigned extrapolated; ///< bits at the optimum: 1 x, 2 v_f, 4 T outside the fitted data
    size_t n_failed;       ///< replicates whose optimisation failed (excluded from the band)
    double p_exceed;       ///< P(sigma >= target) at (x, rho_opt, T) over the replicates; NaN w/o target
} ssoc_report_comp;

/// Everything reported at one temperature.
typedef struct ssoc_report_T {
    double T_K;
    size_t it;                  ///< index in /coords/T
    ssoc_report_comp *comp;     ///< [ncomp] (owned by the report)
    int vf_common;              ///< 1 if every interior v_f,opt is the same number (to 1e-9)
    /* best composition on the grid (from /rules) */
    size_t ix_best;             ///< column of /rules/sigma_max[it] with the largest value
    double x_best;              ///< [1]
    ssoc_band rho_best;         ///< /rules/rho_opt (+_lo, _hi) there [g/cm3]
    ssoc_band vf_best;          ///< /rules/vf_opt there [1]
    ssoc_band sigma_best;       ///< /rules/sigma_max there [S/cm]
    int rho_best_at_bound;      ///< /rules/rho_opt_at_bound there
    ssoc_edge x_best_edge;      ///< the best column is the first or last x of the grid
    unsigned best_extrapolated; ///< extrapolation bits at (x_best, rho_best)
    /* x_opt at the grid density nearest rho_best */
    size_t ir_node;             ///< index in /coords/rho
    double rho_node;            ///< [g/cm3]
    ssoc_band x_opt;            ///< /rules/x_opt (+_lo, _hi) there [1]
    double x_opt_sigma;         ///< /rules/x_opt_sigma_max there [S/cm] (NaN if the file has none)
    int x_opt_at_bound;         ///< /rules/x_opt_at_bound there
    ssoc_edge x_opt_edge;       ///< which end when at bound
    unsigned x_opt_extrapolated;///< extrapolation bits at (x_opt, rho_node)
    size_t n_xopt_lower, n_xopt_upper, n_xopt_interior; ///< densities with x_opt at each place
    double p_exceed_node;       ///< /sigma/p_exceed[it][ir_node][ix_best]; NaN without target
} ssoc_report_T;

/// The whole report. Owned; release with ssoc_report_free.
typedef struct ssoc_report {
    char path[4096];
    char version[64];
    char params_source[1100];
    char interval_name[16];
    double confidence;
    size_t B, n_ok;               ///< replicates, successful ones
    int has_target;
    double target_S_cm;           ///< NaN without target
    double x_lo, x_hi, rho_lo, rho_hi; ///< searched ranges (grid ends)
    size_t nx, nrho;
    ssoc_data_range range;        ///< fitted data
    size_t n_data;
    size_t n_jack_ok;             ///< leave-one-out refits used for BCa (0 for percentile)
    /// [B] prediction terms e_b of the file's replicates (ssoc_boot_pred_terms of the residual pool
    /// of /fit/params on /fit/data, seed the root attribute `seed`: the sweep's own), or NULL for a
    /// file without a seed; owned
    double *pred_e;
    double band_level;            ///< two-sided level of the percentile and prediction bands' quantiles
    size_t ncomp;
    double *comp_x;               ///< [ncomp] fitted compositions, ascending
    size_t nT;
    ssoc_report_T *t;             ///< [nT]
    size_t it_ref;                ///< the temperature the design rule is stated at
    char rule[2048];              ///< the design rule: one or two sentences
    char trend[1024];             ///< how the rule moves with T ("" for one temperature)
} ssoc_report;

/// Build the report from a loaded sweep file (OpenMP over replicates). Errors: SSOC_ENOMEM,
/// SSOC_EHDF5 from reading /sigma/p_exceed, SSOC_EFIT if the point parameters cannot be
/// optimised (invalid parameters in the file), SSOC_EFIT for BCa when fewer than 2 leave-one-out
/// refits succeed.
ssoc_status ssoc_report_build(const ssoc_sweepfile *sf, ssoc_report **out, ssoc_error *err);

/// The report at the grid temperatures `its[0..nits)` only (indices into sf->T_K, strictly
/// increasing; `its` NULL: every temperature, as ssoc_report_build). The rule is stated at the
/// selected temperature holding most fitted points, else the one nearest the middle of the data's
/// temperature range. SSOC_EINVAL for indices out of range or not increasing.
ssoc_status ssoc_report_build_at(const ssoc_sweepfile *sf, const size_t *its, size_t nits, ssoc_report **out,
                                 ssoc_error *err);

/// Open `path` (ssoc_sweepfile_open) and build its report.
ssoc_status ssoc_report_from_file(const char *path, ssoc_report **out, ssoc_error *err);

/// Build the report of sweep file `path` and write its text (ssoc_report_text) to `out`: the
/// closing summary of `ssoc sweep`, identical to what `ssoc rules OUT.h5` prints. Returns the
/// status of ssoc_report_from_file (nothing written on error), or SSOC_EIO if writing failed.
ssoc_status ssoc_report_write_text(const char *path, FILE *out, ssoc_error *err);

/// Free a report (NULL is harmless).
void ssoc_report_free(ssoc_report *r);

/// The report as text for a terminal: a header, one table row per (T, composition) with bands
/// and flags, the grid's best composition and x_opt per T, then the design rule, and, when the
/// fitted data hold one temperature, the caveat of ssoc_data_one_T_caveat (the JSON form carries
/// it as "single_temperature", null otherwise). Malloc'd (caller
/// frees); NULL on allocation failure.
char *ssoc_report_text(const ssoc_report *r);

/// The report as a JSON document (numbers round-trip exactly; NaN -> null). Malloc'd; NULL on
/// allocation failure.
char *ssoc_report_json(const ssoc_report *r);

/// The report as CSV, one row per optimum: kind (rho_opt at a fitted x | rho_opt_grid_best |
/// x_opt), T_K, x, x_lo, x_hi, rho, rho_lo, rho_hi, v_f, v_f_lo, v_f_hi, sigma, sigma_lo, sigma_hi
/// [S/cm], edge (lower|upper|empty), the flags spelt out as true|false columns at_lower_edge,
/// at_upper_edge, extrapolated_x, extrapolated_v_f, extrapolated_T, then p_exceed. Numbers
/// round-trip exactly; empty where undefined.
char *ssoc_report_csv(const ssoc_report *r);

#endif
