#include "ssoc/io.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "ssoc/outpath.h"

int ssoc_io_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

ssoc_status ssoc_io_write_atomic(const char *path, const void *data, size_t len, int overwrite, ssoc_error *err)
{
    ssoc_outpath o;
    ssoc_status st = ssoc_outpath_begin(&o, path, overwrite ? SSOC_OUTPATH_FORCE : 0, err);
    if (st)
        return st;
    if ((st = ssoc_outpath_write(&o, data, len, err))) {
        ssoc_outpath_abandon(&o);
        return st;
    }
    return ssoc_outpath_publish(&o, err);
}

static const char *input_kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
           : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

ssoc_status ssoc_io_check_regular(const char *path, const char *what, ssoc_error *err)
{
    ssoc_status st = ssoc_path_check_length(path, err);
    if (st)
        return st == SSOC_EINVAL ? SSOC_ERR(err, SSOC_EINVAL, "no %s given (empty file name)", what) : st;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return SSOC_ERR(err, SSOC_EIO, "%s: is %s, not a %s", path, input_kind(sb.st_mode), what);
    return SSOC_OK;
}

/* line of byte `at` in buf: 1 + line ends before it (LF, CRLF and a lone CR each end one) */
static size_t line_of(const char *buf, size_t at)
{
    size_t line = 1;
    for (size_t i = 0; i < at; ++i)
        if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= at || buf[i + 1] != '\n')))
            ++line;
    return line;
}

ssoc_status ssoc_io_read_file(const char *path, const char *what, size_t limit, unsigned flags, char **buf_out,
                              size_t *len_out, ssoc_error *err)
{
    *buf_out = NULL;
    *len_out = 0;
    ssoc_status st = ssoc_path_check_length(path, err);
    if (st)
        return st == SSOC_EINVAL ? SSOC_ERR(err, SSOC_EINVAL, "no %s given (empty file name)", what) : st;
    /* O_NONBLOCK: opening a FIFO without a writer must not wait for one */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot open %s: %s", path, what, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        st = SSOC_ERR(err, SSOC_EIO, "%s: cannot open %s: %s", path, what, strerror(errno));
        close(fd);
        return st;
    }
    const double mb = 1024.0 * 1024.0;
    if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
        st = SSOC_ERR(err, SSOC_EIO, "%s: is %s, not a %s", path, input_kind(sb.st_mode), what);
        close(fd);
        return st;
    }
    if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > limit) {
        st = SSOC_ERR(err, SSOC_EIO, "%s: %.0f MB is larger than the %.0f MB limit for a %s", path,
                      ceil((double)sb.st_size / mb), (double)limit / mb, what);
        close(fd);
        return st;
    }
    /* a regular file: its size, the terminator and one byte more, so that the read that finds
     * the end needs no second buffer */
    size_t cap = S_ISREG(sb.st_mode) ? (size_t)sb.st_size + 2 : 1 << 16, len = 0;
    if (cap < 4096)
        cap = 4096;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory reading the file", path);
    }
    int first = 1;
    for (;;) {
        if (cap - len < 2) {
            size_t nc = cap > limit / 2 ? limit + 2 : cap * 2;
            char *nb = nc > cap ? realloc(buf, nc) : NULL;
            if (!nb) {
                free(buf);
                close(fd);
                return nc > cap ? SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory reading the file (%.0f MB read)", path,
                                           (double)len / mb)
                                : SSOC_ERR(err, SSOC_EIO, "%s: larger than the %.0f MB limit for a %s (stopped reading there)",
                                           path, (double)limit / mb, what);
            }
            buf = nb;
            cap = nc;
        }
        ssize_t got = read(fd, buf + len, cap - len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && errno == EAGAIN && S_ISFIFO(sb.st_mode)) {
            /* a writer exists but has not written yet: from now on wait for it */
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            first = 0;
            continue;
        }
        if (got < 0) {
            st = SSOC_ERR(err, SSOC_EIO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (got == 0) {
            if (first && S_ISFIFO(sb.st_mode))
                st = SSOC_ERR(err, SSOC_EIO, "%s: a FIFO with no writer (or an empty pipe): nothing to read", path);
            break;
        }
        if (first && S_ISFIFO(sb.st_mode))
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        first = 0;
        const char *nul = (flags & SSOC_READ_TEXT) ? memchr(buf + len, '\0', (size_t)got) : NULL;
        if (nul) {
            st = SSOC_ERR(err, SSOC_EDATA, "%s:%zu: NUL byte in the line (not a text file?)", path,
                          line_of(buf, (size_t)(nul - buf)));
            break;
        }
        len += (size_t)got;
        if (len > limit) {
            st = SSOC_ERR(err, SSOC_EIO, "%s: larger than the %.0f MB limit for a %s (stopped reading there)", path,
                          (double)limit / mb, what);
            break;
        }
    }
    close(fd);
    if (st) {
        free(buf);
        return st;
    }
    buf[len] = '\0';
    *buf_out = buf;
    *len_out = len;
    return SSOC_OK;
}

void ssoc_io_utc_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tmv;
    gmtime_r(&t, &tmv);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

ssoc_status ssoc_io_space(const char *path, uint64_t *avail, uint64_t *held, ssoc_error *err)
{
    /* the directory part of path ("." when there is none) */
    size_t n = strlen(path);
    char *dir = malloc(n + 2);
    if (!dir)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory", path);
    memcpy(dir, path, n + 1);
    char *slash = strrchr(dir, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    struct statvfs vf;
    if (statvfs(dir, &vf) != 0) {
        ssoc_status s = SSOC_ERR(err, SSOC_EIO, "%s: cannot query free space: %s", dir, strerror(errno));
        free(dir);
        return s;
    }
    free(dir);
    /* f_bavail: blocks available to an unprivileged user (root's reserve does not count) */
    *avail = (uint64_t)vf.f_bavail * (uint64_t)vf.f_frsize;
    struct stat st;
    *held = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_blocks * 512u : 0;
    return SSOC_OK;
}

void ssoc_io_full_note(const char *path, char *buf, size_t cap)
{
    uint64_t avail = 0, held = 0;
    buf[0] = '\0';
    if (ssoc_io_space(path, &avail, &held, NULL) != SSOC_OK)
        return;
    /* the total, for the 1% rule (the same directory ssoc_io_space looked at) */
    struct statvfs vf;
    char dir[4096];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1, slash ? path : ".");
    const uint64_t total = statvfs(dir, &vf) == 0 ? (uint64_t)vf.f_blocks * vf.f_frsize : 0;
    if (avail < ((uint64_t)16 << 20) || (total && avail < total / 100))
        snprintf(buf, cap, ": the file system is full (%.0f kB free)", (double)avail / 1024.0);
}
