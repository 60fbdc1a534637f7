#include "ssoc/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

int ssoc_io_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

ssoc_status ssoc_io_write_atomic(const char *path, const void *data, size_t len, int overwrite, ssoc_error *err)
{
    if (!overwrite && ssoc_io_exists(path))
        return SSOC_ERR(err, SSOC_EEXISTS, "%s: exists; not overwritten (use --force to replace it)", path);
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory", path);
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        ssoc_status s = SSOC_ERR(err, SSOC_EIO, "%s: cannot create: %s", path, strerror(errno));
        free(tmp);
        return s;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            free(tmp);
            return SSOC_ERR(err, SSOC_EIO, "%s: write failed: %s", path, strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return SSOC_ERR(err, SSOC_EIO, "%s: write failed: %s", path, strerror(e));
    }
    /* Re-check just before the rename: never replace a file that appeared meanwhile. */
    if (!overwrite && ssoc_io_exists(path)) {
        unlink(tmp);
        free(tmp);
        return SSOC_ERR(err, SSOC_EEXISTS, "%s: exists; not overwritten (use --force to replace it)", path);
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot rename into place: %s", path, strerror(e));
    }
    free(tmp);
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
