/// @file par.h
/// The only door to MPI (src/par.c is the only file that calls it). Every wrapper has a serial
/// fallback: before ssoc_par_init (or when it was never called, as in unit tests) the process is
/// rank 0 of 1 and collectives are copies. All collectives are over MPI_COMM_WORLD.
#ifndef SSOC_PAR_H
#define SSOC_PAR_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/error.h"

/// Initialise MPI (MPI_THREAD_FUNNELED: only the master thread calls MPI) unless it already is, or
/// unless no launcher started this process (ssoc_par_launched() == 0): then the process stays rank 0
/// of 1 without MPI, and HDF5 files use the serial driver. SSOC_EMPI if MPI cannot start,
/// SSOC_EINVAL if SSOC_MPI has a value ssoc_par_launched() does not know.
ssoc_status ssoc_par_init(int *argc, char ***argv, ssoc_error *err);
/// 1 if an MPI launcher (mpirun/mpiexec, prterun, srun, hydra) started this process, judged by the
/// variables launchers set; the environment variable SSOC_MPI overrides: 1/on/yes forces MPI (an MPI
/// singleton without a launcher), 0/off/no forbids it, auto (or unset) detects; -1 for any other
/// value of SSOC_MPI (ssoc_par_init then fails with SSOC_EINVAL naming it).
int ssoc_par_launched(void);
/// Finalise MPI if ssoc_par_init started it. Safe to call more than once.
void ssoc_par_finalize(void);
/// 1 when MPI is initialised and usable (collectives go through MPI).
int ssoc_par_active(void);
/// This process's rank (0 without MPI).
int ssoc_par_rank(void);
/// Number of ranks (1 without MPI).
int ssoc_par_size(void);
/// Number of ranks on this rank's node (sharing its memory); collective. 1 without MPI.
int ssoc_par_node_size(void);
/// Barrier over all ranks (no-op without MPI).
void ssoc_par_barrier(void);
/// Barrier over all ranks that waits asleep (a test every millisecond) instead of spinning, so
/// ranks that wait leave their CPUs to one that works (the calibration of `sweep --dry-run`).
void ssoc_par_barrier_idle(void);
/// Abort every rank with `code` (only for unrecoverable states where agreeing is impossible).
void ssoc_par_abort(int code);

/// Collective error agreement: every rank passes its own record (code SSOC_OK if fine). Returns
/// the code of the lowest-numbered failing rank (SSOC_OK if none) and copies that rank's message
/// into `err` on every rank, so all ranks exit the same way and rank 0 can print one line.
ssoc_status ssoc_par_agree(ssoc_error *err);

/// ssoc_par_agree after a step that returned `st`: a failing `st` whose record `err` was left at
/// SSOC_OK is recorded first (code st, its ssoc_status_str as the message), so a status is never
/// lost to an empty record. The one way every collective phase agrees on its outcome.
ssoc_status ssoc_par_agree_status(ssoc_status st, ssoc_error *err);

/// In-place element-wise sum of n int64 values over ranks.
void ssoc_par_sum_i64(int64_t *v, int n);
/// In-place element-wise maximum of n int64 values over ranks.
void ssoc_par_max_i64(int64_t *v, int n);
/// In-place element-wise maximum of n doubles over ranks.
void ssoc_par_max_double(double *v, int n);
/// Broadcast `bytes` bytes from `root`.
void ssoc_par_bcast(void *buf, size_t bytes, int root);

/// Gather variable-length pieces to every rank, in rank order: rank r contributes counts[r]
/// elements from `mine` (counts is the same array on every rank); `all` receives the
/// concatenation (sum of counts). Element size `elem` bytes. SSOC_EMPI if a count is too large.
ssoc_status ssoc_par_allgatherv(const void *mine, void *all, const size_t *counts, size_t elem, ssoc_error *err);

/// Contiguous share [*lo, *hi) of n items for rank r of p: the first n % p ranks get one more.
void ssoc_par_share(size_t n, int r, int p, size_t *lo, size_t *hi);

/// Wall-clock seconds (monotonic).
double ssoc_par_wtime(void);

#endif
