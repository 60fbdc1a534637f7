/// @file progress.h
/// Progress of a run of several phases on stderr, with an ETA for the whole run, and the stop
/// requests the phases poll (the phase monitor of `ssoc sweep` and `ssoc fit --boot`).
///
/// On a terminal: one line redrawn in place (at most 5 times a second): the phase, its items done,
/// a bar and percentage for the whole run, and the ETA; cleared when the run ends, so an error
/// stays the only line. Otherwise (a batch log): a line "ssoc: CMD: PHASE: N of M UNIT (P%); run Q%
/// done, ETA T" at most every SSOC_PROGRESS_INTERVAL seconds (environment; default 5; 0: at every
/// event), the first one interval after the start (a run that fails early prints only its error),
/// and with `phase_lines` also when each phase starts, once an interval has passed since the last
/// line, so every phase of a long run leaves a trace in the log.
///
/// The ETA: the phases' estimated durations (the caller's cost model, any consistent unit of
/// seconds) are scaled by how long the finished phases took against their estimates; the current
/// phase's remainder comes from its own rate once it has run a moment. So the first estimate is the
/// model's and it corrects itself as the run goes.
///
/// A run's stop flag (a signal handler's sig_atomic_t) is read by ssoc_progress_update and by the
/// monitor (ssoc_progress_monitor, monitor.h) that the library's loops poll: both return nonzero once
/// it is set, whether or not anything is shown.
#ifndef SSOC_PROGRESS_H
#define SSOC_PROGRESS_H

#include <signal.h>
#include <stdint.h>

#include "ssoc/monitor.h"

#define SSOC_PROGRESS_MAXPHASE 8 ///< most phases of a run

/// A run's progress. Fill with ssoc_progress_start; not thread-safe: update it from one thread.
typedef struct ssoc_progress {
    const char *cmd;        ///< command for the log prefix ("sweep")
    int show, tty, phase_lines;
    double interval;        ///< seconds between log lines (tty: 0.2)
    double t_start, t_last; ///< run start, last line [s, ssoc_par_wtime clock]
    double t_phase;         ///< start of the current phase
    int nphase, cur;        ///< phases; the current one (-1 before the first)
    const char *name[SSOC_PROGRESS_MAXPHASE];
    const char *unit[SSOC_PROGRESS_MAXPHASE];
    double est[SSOC_PROGRESS_MAXPHASE];   ///< estimated duration of each phase [s]
    double took[SSOC_PROGRESS_MAXPHASE];  ///< measured duration of each finished phase [s]
    uint64_t done, total;   ///< items of the current phase
    const volatile sig_atomic_t *stop; ///< stop flag (NULL: never stop)
    int drawn;              ///< a terminal line is on screen
    double share;           ///< the run's share done last shown (the bar never goes back)
} ssoc_progress;

/// Start a run of `nphase` phases named name[k] whose items are counted in unit[k] ("replicates")
/// with estimated durations est_s[k] [s] (0: unknown, taken as nothing). `show` 0 prints nothing
/// (--quiet, or not rank 0). `stop` may be NULL.
void ssoc_progress_start(ssoc_progress *p, const char *cmd, int show, int phase_lines, int nphase,
                         const char *const *name, const char *const *unit, const double *est_s,
                         const volatile sig_atomic_t *stop);

/// Enter phase `k` with `total` items (0: not counted); the previous phase ends here.
void ssoc_progress_phase(ssoc_progress *p, int k, uint64_t total);

/// Set the current phase's items done (monotonic) and show the line when due. Returns 1 if a stop
/// was requested (the stop flag is set), else 0.
int ssoc_progress_update(ssoc_progress *p, uint64_t done);

/// Re-estimate the phases not yet started (e.g. once the bootstrap says how many replicates fit).
void ssoc_progress_estimate(ssoc_progress *p, int k, double est_s);

/// Before printing another line to stderr: end a terminal line that is on screen.
void ssoc_progress_clear(ssoc_progress *p);

/// The run is over (finished or not): end the terminal line.
void ssoc_progress_end(ssoc_progress *p);

/// Seconds the whole run still needs by the model above (for tests and the line).
double ssoc_progress_eta(const ssoc_progress *p, double now);

/// A monitor (monitor.h) on `p`: its poll sets the current phase's items done and returns the stop
/// flag. Called from the calling thread only, as monitor.h promises, so `p` is never updated by
/// two threads.
ssoc_monitor ssoc_progress_monitor(ssoc_progress *p);

#endif
