/* Progress of a run on stderr and its stop flag (progress.h): the phase monitor of `ssoc sweep`
 * and `ssoc fit --boot`. */
#include "ssoc/progress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TTY_INTERVAL_S 0.2
#define LOG_INTERVAL_S 5.0

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* SSOC_PROGRESS_INTERVAL [s] between log lines, if a number >= 0 (0: a line at every event, for
 * tests), else the default */
static double log_interval(void)
{
    const char *s = getenv("SSOC_PROGRESS_INTERVAL");
    char *end = NULL;
    const double v = s ? strtod(s, &end) : NAN;
    return end && end != s && !*end && v >= 0 && v < 1e6 ? v : LOG_INTERVAL_S;
}

void ssoc_progress_start(ssoc_progress *p, const char *cmd, int show, int phase_lines, int nphase,
                         const char *const *name, const char *const *unit, const double *est_s,
                         const volatile sig_atomic_t *stop)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->show = show;
    p->tty = show && isatty(STDERR_FILENO);
    p->phase_lines = phase_lines;
    p->interval = p->tty ? TTY_INTERVAL_S : log_interval();
    p->t_start = p->t_last = p->t_phase = now_s();
    p->nphase = nphase < SSOC_PROGRESS_MAXPHASE ? nphase : SSOC_PROGRESS_MAXPHASE;
    p->cur = -1;
    for (int k = 0; k < p->nphase; ++k) {
        p->name[k] = name[k];
        p->unit[k] = unit[k];
        p->est[k] = est_s && est_s[k] > 0 && isfinite(est_s[k]) ? est_s[k] : 0.0;
    }
    p->stop = stop;
}

void ssoc_progress_estimate(ssoc_progress *p, int k, double est_s)
{
    if (k > p->cur && k < p->nphase)
        p->est[k] = est_s > 0 && isfinite(est_s) ? est_s : 0.0;
}

double ssoc_progress_eta(const ssoc_progress *p, double now)
{
    /* how the finished phases compared with their estimates (1 until one did) */
    double took = 0.0, est = 0.0;
    for (int k = 0; k < p->cur && k < p->nphase; ++k)
        took += p->took[k], est += p->est[k];
    const double ratio = est > 0.05 && took > 0 ? took / est : 1.0;
    double rest = 0.0;
    for (int k = p->cur + 1; k < p->nphase; ++k)
        rest += p->est[k] * ratio;
    if (p->cur >= 0 && p->cur < p->nphase) {
        const double in = now - p->t_phase;
        const double f = p->total ? (double)p->done / (double)p->total : 0.0;
        /* the phase's own rate once it has run a moment; before that the model's remainder */
        if (f >= 0.02 && in >= 0.5)
            rest += in * (1.0 - f) / f;
        else
            rest += p->est[p->cur] * ratio * (1.0 - f);
    }
    return rest;
}

/* "42 s", "3 min 05 s", "2 h 10 min" */
static void fmt_duration(double s, char *buf, size_t cap)
{
    if (!isfinite(s) || s < 0)
        s = 0;
    const long t = lround(s);
    if (t < 60)
        snprintf(buf, cap, "%ld s", t);
    else if (t < 3600)
        snprintf(buf, cap, "%ld min %02ld s", t / 60, t % 60);
    else
        snprintf(buf, cap, "%ld h %02ld min", t / 3600, (t % 3600) / 60);
}

static void show_line(ssoc_progress *p, double now)
{
    p->t_last = now;
    if (!p->show || p->cur < 0)
        return;
    const double el = now - p->t_start, eta = ssoc_progress_eta(p, now);
    /* a revised estimate may lower the share; the bar holds still until the run catches up */
    const double run = fmax(el + eta > 0 ? el / (el + eta) : 0.0, p->share);
    p->share = run;
    char eta_s[48], items[96] = "";
    fmt_duration(eta, eta_s, sizeof eta_s);
    if (p->total)
        snprintf(items, sizeof items, ": %llu of %llu %s (%.0f%%)", (unsigned long long)p->done,
                 (unsigned long long)p->total, p->unit[p->cur], 100.0 * (double)p->done / (double)p->total);
    if (p->tty) {
        char bar[31];
        const int fill = (int)(run * 30.0);
        for (int i = 0; i < 30; ++i)
            bar[i] = i < fill ? '#' : '.';
        bar[30] = '\0';
        /* \033[K clears what a longer earlier line left */
        fprintf(stderr, "\r  %s%s  [%s] %3.0f%%  ETA %s\033[K", p->name[p->cur], items, bar, 100.0 * run, eta_s);
        p->drawn = 1;
    } else {
        fprintf(stderr, "ssoc: %s: %s%s; run %.0f%% done, ETA %s\n", p->cmd, p->name[p->cur], items[0] ? items : ":",
                100.0 * run, eta_s);
    }
    fflush(stderr);
}

void ssoc_progress_phase(ssoc_progress *p, int k, uint64_t total)
{
    const double now = now_s();
    if (p->cur >= 0 && p->cur < p->nphase)
        p->took[p->cur] = now - p->t_phase;
    p->cur = k < p->nphase ? k : p->nphase - 1;
    p->t_phase = now;
    p->done = 0;
    p->total = total;
    /* in a log only once the run has lasted an interval: a run that fails early leaves its one
     * error line alone */
    if (p->tty || (p->phase_lines && now - p->t_last >= p->interval))
        show_line(p, now);
}

int ssoc_progress_update(ssoc_progress *p, uint64_t done)
{
    if (done > p->done)
        p->done = done;
    if (p->show) {
        const double now = now_s();
        if (now - p->t_last >= p->interval)
            show_line(p, now);
    }
    return p->stop && *p->stop != 0;
}

void ssoc_progress_clear(ssoc_progress *p)
{
    if (p->tty && p->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    p->drawn = 0;
}

void ssoc_progress_end(ssoc_progress *p) { ssoc_progress_clear(p); }

static int monitor_poll(void *ctx, uint64_t done, uint64_t total)
{
    ssoc_progress *p = ctx;
    p->total = total;
    return ssoc_progress_update(p, done);
}

ssoc_monitor ssoc_progress_monitor(ssoc_progress *p) { return (ssoc_monitor){.poll = monitor_poll, .ctx = p}; }
