/// @file monitor.h
/// Progress and stop requests for the library's long loops: the bootstrap's replicate fits
/// (ssoc_boot_opts.monitor) and the sweep's design-rule tasks. The caller supplies `poll`; a loop
/// calls it from the calling thread only (thread 0 of its OpenMP team, never from the others), after
/// each item that thread finishes, with the number of items finished so far by all threads and the
/// loop's total. A nonzero return asks the loop to stop: the items not yet started are skipped and
/// the function returns SSOC_EINTERRUPTED; what it computed is then incomplete and is discarded.
/// The library never prints, sleeps or reads signals itself: what a report looks like and what
/// makes a stop (a signal flag) belong to the caller. `poll` is called often (every item of a few
/// milliseconds), so it should only compare a clock and read a flag before doing anything costly.
#ifndef SSOC_MONITOR_H
#define SSOC_MONITOR_H

#include <stdint.h>

/// A progress callback and its context. A NULL monitor, or a NULL `poll`, is never called.
typedef struct ssoc_monitor {
    int (*poll)(void *ctx, uint64_t done, uint64_t total); ///< nonzero: stop
    void *ctx;
} ssoc_monitor;

/// poll(ctx, done, total) if there is one, else 0 (go on).
static inline int ssoc_monitor_poll(const ssoc_monitor *m, uint64_t done, uint64_t total)
{
    return m && m->poll ? m->poll(m->ctx, done, total) : 0;
}

#endif
