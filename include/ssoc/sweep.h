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

/// Run the whole sweep (collective over all ranks: every rank calls it with the same arguments).
/// First, before any work, rank 0 checks the output path and creates (or with resume/force takes
/// over) OUT.partial exclusively and locks it for the whole run (outpath.h). Returns an agreed
/// status: SSOC_EINTERRUPTED after a SIGTERM/SIGUSR1/SIGINT in any phase (the .partial is kept
/// and resumable), SSOC_EEXISTS if the output exists without force, SSOC_EIO if another run
/// writes it, SSOC_ECONFIG when a resume does not match. Rank 0 prints progress (progress.h) and
/// the design-rule summary to stderr unless quiet.
ssoc_status ssoc_sweep_run(const ssoc_config *cfg, const ssoc_sweep_opts *opts, ssoc_error *err);

#endif
