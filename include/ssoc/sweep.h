/// @file sweep.h
/// The sweep driver (src/sweep.c, with src/sweep_rules.c and src/sweep_mem.c): it fits and
/// bootstraps the parameters, decomposes the (x, rho, T) grid over MPI ranks and OpenMP threads,
/// evaluates every column with the pure kernel (kernel.h), computes the design rules, and writes
/// one sweep file (sweepfile.h), recording progress per block so an interrupted run resumes.
#ifndef SSOC_SWEEP_H
#define SSOC_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/config.h"
#include "ssoc/error.h"

/// Peak memory of one sweep rank [bytes], estimated from the configuration before anything large
/// is allocated (issue 8): the sum of the phases' largest live allocations, so an upper bound.
typedef struct ssoc_sweep_mem {
    double replicates; ///< B-proportional tables: replicate table, kernel sets, rule preparations
    double threads;    ///< per-thread workspaces (kernel rows nT x B, selection and rule scratch), all threads
    double grid;       ///< grid-proportional: structure layers, block buffers, rule records
    double base;       ///< a fixed allowance for the libraries (MPI, HDF5 caches) and the data
    double total;      ///< the sum
} ssoc_sweep_mem;

/// Estimate for `cfg` with `n_data` data points, `ranks` ranks and `threads` threads per rank.
void ssoc_sweep_mem_estimate(const ssoc_config *cfg, size_t n_data, int ranks, int threads, ssoc_sweep_mem *m);

/// Bytes this process can still allocate: the least of /proc/meminfo MemAvailable, the
/// address-space and data-segment limits (RLIMIT_AS, RLIMIT_DATA) less what is already mapped,
/// and the cgroup v2 memory.max less memory.current. INFINITY if none is known. `source`, if not
/// NULL, receives the name of the limit that decided.
double ssoc_mem_available(const char **source);

/// Refuse a sweep that cannot fit: SSOC_ENOMEM with a one-line message naming the estimate, the
/// limit and the config keys to change when `node_ranks` ranks of this estimate exceed the
/// memory available. SSOC_OK otherwise.
ssoc_status ssoc_sweep_mem_check(const ssoc_config *cfg, size_t n_data, int ranks, int node_ranks, int threads,
                                 ssoc_error *err);

/// Options of one sweep run (the CLI's flags).
typedef struct ssoc_sweep_opts {
    const char *output;  ///< output path (overrides [output] file), NULL for the config's
    int force;           ///< overwrite an existing output
    int resume;          ///< continue OUTPUT.partial
    int quiet;           ///< no progress or summary on stderr
} ssoc_sweep_opts;

/// Install the sweep's handlers of SIGTERM, SIGUSR1 and SIGINT for the rest of the process (a
/// program whose job is the sweep calls it first, before MPI's start-up): a stop that comes before
/// ssoc_sweep_run starts is honoured by its first phase (exit 4), and one that comes after the run
/// finished no longer kills the process (the file is complete: exit 0). Without it ssoc_sweep_run
/// installs them for its own duration. Either way a copy of the signal within a second of the first
/// is the same request; a later one kills the process (the .partial stays resumable).
void ssoc_sweep_catch_signals(void);

/// Run the whole sweep (collective over all ranks: every rank calls it with the same arguments).
/// First, before any work, rank 0 checks the output path and creates (or with resume/force takes
/// over) OUT.partial exclusively and locks it for the whole run (outpath.h). Returns an agreed
/// status: SSOC_EINTERRUPTED after a SIGTERM/SIGUSR1/SIGINT in any phase (the .partial is kept
/// and resumable), SSOC_EEXISTS if the output exists without force, SSOC_EIO if another run
/// writes it, SSOC_ECONFIG when a resume does not match. Rank 0 prints progress (progress.h) and
/// the design-rule summary to stderr unless quiet.
ssoc_status ssoc_sweep_run(const ssoc_config *cfg, const ssoc_sweep_opts *opts, ssoc_error *err);

/// The phases of a sweep whose time a plan estimates (and the file records as time_NAME_s).
enum { SSOC_PLAN_FIT, SSOC_PLAN_BOOTSTRAP, SSOC_PLAN_EVALUATION, SSOC_PLAN_RULES, SSOC_PLAN_WRITE, SSOC_PLAN_NPHASE };

/// What a sweep will cost, known before it runs (`ssoc sweep --dry-run`, ssoc_sweep_dry_run):
/// its size, memory and file from the configuration, and its time from a short calibration on
/// this node (src/sweep_plan.c): the point fit itself, a few of the run's own bootstrap
/// replicates, a sample of grid columns through the kernel and a sample of design-rule tasks,
/// each timed with this rank's threads and scaled by the work of its phase, the ranks and the
/// CPUs they share. benchmarks/README.md ("Dry run") records estimates against measured runs.
typedef struct ssoc_sweep_plan {
    size_t nx, nrho, nT, columns, points, blocks, block_columns;
    size_t B, n_data;
    int ranks, threads, node_ranks; ///< the launch: MPI ranks (on this node), OpenMP threads per rank
    int cpus;                       ///< CPUs this process may run on
    double cpu_share;               ///< of the CPU time a rank's threads get when all ranks of the node run (<= 1)
    ssoc_sweep_mem mem;             ///< per rank (ssoc_sweep_mem_estimate)
    double mem_available;           ///< bytes (ssoc_mem_available; INFINITY unknown)
    const char *mem_source;         ///< which limit decides it (static text)
    double file_bytes;              ///< estimated size of OUT.h5 [bytes]
    double disk_free;               ///< free bytes where OUT.h5.partial goes (NaN unknown)
    /* the calibration: wall seconds per item on this rank with its threads */
    size_t cal_fits, cal_columns, cal_tasks; ///< items the calibration ran (the last batch of each is timed)
    size_t cal_sets;                ///< parameter sets behind the column and rule timings (min(B, 2000); scaled to B)
    size_t n_rho_tasks, n_x_tasks;  ///< design-rule tasks of the run, of each kind
    double s_replicate;             ///< one bootstrap replicate's refit
    double s_column;                ///< one grid column (all temperatures) for cal_sets sets
    double s_rho_task, s_x_task;    ///< one rho_opt block task, one x_opt task, for cal_sets sets
    double s_calibration;           ///< the whole dry run, fit and calibration [s]
    double est[SSOC_PLAN_NPHASE];   ///< estimated wall time of each phase [s]
    double est_total;               ///< their sum [s]
    char would_stop[1200];          ///< why the run would stop before its work ("" when it would run)
} ssoc_sweep_plan;

/// Plan the sweep of `cfg` with `opts` without writing anything: read the data, make the point fit
/// (and check the target as the run does), estimate memory and file, calibrate, and record in
/// plan->would_stop what the run would refuse (output exists, an interrupted run to resume, not
/// enough memory or disk). Rank 0 plans; the other ranks return SSOC_OK at once. Errors are the
/// run's own for the data, the fit and the target (SSOC_EDATA, SSOC_EFIT, SSOC_ECONFIG), and
/// SSOC_ENOMEM.
ssoc_status ssoc_sweep_dry_run(const ssoc_config *cfg, const ssoc_sweep_opts *opts, ssoc_sweep_plan *plan,
                               ssoc_error *err);

/// The plan as text for a terminal: the grid, replicates, launch, memory, file, calibration and
/// the estimated time per phase. Malloc'd (caller frees); NULL on allocation failure.
char *ssoc_sweep_plan_text(const ssoc_sweep_plan *plan);

#endif
