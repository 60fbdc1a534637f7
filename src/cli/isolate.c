/* A library call run in a child process, so that its crash is an error of ours (cli.h:
 * ssoc_cli_isolated). Made for PLplot: under `ulimit -v` 40-120 MB cairo, pango, fontconfig and
 * GLib do not fail cleanly but die by SIGSEGV or GLib's SIGTRAP, which no handler in the same
 * process can turn into a message. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "ssoc/outpath.h"

typedef struct shared {
    int done;
    ssoc_status st;
    ssoc_error err;
} shared;

/* the last non-empty line the child wrote to its (captured) stderr, cut to fit */
static void last_line(int fd, char *out, size_t cap)
{
    out[0] = '\0';
    off_t end = lseek(fd, 0, SEEK_END);
    if (end <= 0)
        return;
    char buf[4096];
    off_t from = end > (off_t)sizeof buf - 1 ? end - (off_t)sizeof buf + 1 : 0;
    ssize_t n = pread(fd, buf, (size_t)(end - from), from);
    if (n <= 0)
        return;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    char *line = strrchr(buf, '\n');
    line = line ? line + 1 : buf;
    size_t len = strlen(line);
    if (len >= cap && cap > 4) {
        memcpy(out, line, cap - 4);
        strcpy(out + cap - 4, "...");
    } else if (len < cap) {
        memcpy(out, line, len + 1);
    }
}

/* "; the address space is limited to N MB (ulimit -v) ..." when a limit is set */
static void limit_note(char *out, size_t cap, size_t need_mb)
{
    struct rlimit as, data;
    out[0] = '\0';
    if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
        snprintf(out, cap, "; the address space is limited to %.0f MB (ulimit -v): drawing needs about %zu MB, raise the limit",
                 (double)as.rlim_cur / 1048576.0, need_mb);
    else if (getrlimit(RLIMIT_DATA, &data) == 0 && data.rlim_cur != RLIM_INFINITY)
        snprintf(out, cap, "; the data segment is limited to %.0f MB (ulimit -d): raise the limit",
                 (double)data.rlim_cur / 1048576.0);
}

ssoc_status ssoc_cli_isolated(ssoc_cli_job fn, void *arg, void *out, size_t out_size, const char *what,
                              size_t need_mb, ssoc_error *err)
{
    shared *sh = mmap(NULL, sizeof *sh + out_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: cannot map memory for the drawing process: %s", what, strerror(errno));
    memset(sh, 0, sizeof *sh);
    int efd = memfd_create("ssoc-child-stderr", MFD_CLOEXEC);
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        ssoc_status st = SSOC_ERR(err, SSOC_ENOMEM, "%s: cannot start the drawing process: %s", what, strerror(errno));
        munmap(sh, sizeof *sh + out_size);
        if (efd >= 0)
            close(efd);
        return st;
    }
    if (pid == 0) {
        /* the child: library messages go aside, and it does not outlive ssoc */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        if (efd >= 0)
            dup2(efd, STDERR_FILENO);
        ssoc_error_clear(&sh->err);
        sh->st = fn(arg, (char *)(sh + 1), &sh->err);
        sh->done = 1;
        _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    ssoc_status st;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && sh->done) {
        st = sh->st;
        if (st != SSOC_OK && err)
            *err = sh->err;
        if (out && out_size)
            memcpy(out, sh + 1, out_size);
    } else {
        char said[300], note[300];
        if (efd >= 0)
            last_line(efd, said, sizeof said);
        else
            said[0] = '\0';
        limit_note(note, sizeof note, need_mb);
        char how[64];
        if (WIFSIGNALED(status))
            snprintf(how, sizeof how, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
        else
            snprintf(how, sizeof how, "stopped with exit code %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        st = SSOC_ERR(err, SSOC_EIO, "%s: drawing failed: the renderer (PLplot with cairo, pango and fontconfig) %s%s%s%s%s",
                      what, how, said[0] ? "; it said: '" : "", said, said[0] ? "'" : "", note);
    }
    munmap(sh, sizeof *sh + out_size);
    if (efd >= 0)
        close(efd);
    return st;
}

typedef struct draw_call {
    ssoc_cli_draw_fn fn;
    void *arg;
    const ssoc_plot_opts *po;
} draw_call;

static ssoc_status draw_call_run(void *arg, void *out, ssoc_error *err)
{
    const draw_call *c = arg;
    return c->fn(c->arg, c->po, out, err);
}

ssoc_status ssoc_cli_draw(ssoc_cli_draw_fn fn, void *arg, const ssoc_plot_opts *po, void *out, size_t out_size,
                          ssoc_error *err)
{
    ssoc_outpath op;
    ssoc_status st = ssoc_outpath_begin(&op, po->output, po->force ? SSOC_OUTPATH_FORCE : 0, err);
    if (st)
        return st;
    ssoc_plot_opts cpo = *po;
    cpo.dest = &op;
    draw_call c = {fn, arg, &cpo};
    /* about 140 MB of address space: measured with ulimit -v on the test sweep's map */
    st = ssoc_cli_isolated(draw_call_run, &c, out, out_size, po->output, 150, err);
    if (st) {
        ssoc_outpath_abandon(&op);
        return st;
    }
    return ssoc_outpath_publish(&op, err);
}
