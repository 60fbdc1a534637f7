/* Output files written safely (outpath.h). Linux-specific where it matters: flock for the lock,
 * renameat2(RENAME_NOREPLACE) for a rename that never replaces, getrandom for temporary names;
 * each has a portable fallback where a file system refuses it. */
#define _GNU_SOURCE
#include "ssoc/outpath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ssoc/io.h"

ssoc_status ssoc_path_check_length(const char *path, ssoc_error *err)
{
    if (!path || !path[0])
        return SSOC_ERR(err, SSOC_EINVAL, "the file name is empty");
    size_t n = strlen(path);
    if (n >= SSOC_PATH_MAX)
        return SSOC_ERR(err, SSOC_EIO, "%s: the path is %zu characters long, longer than the %d the system allows",
                        path, n, SSOC_PATH_MAX - 1);
    for (const char *c = path; *c;) {
        size_t len = strcspn(c, "/");
        if (len > SSOC_NAME_MAX)
            return SSOC_ERR(err, SSOC_EIO, "%s: the name '%.*s' is %zu characters long, longer than the %d a file name may have",
                            path, (int)len, c, len, SSOC_NAME_MAX);
        c += len;
        c += *c == '/';
    }
    return SSOC_OK;
}

/* "a character device", ... for a file type that is not a regular file */
static const char *kind_of(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISSOCK(m) ? "a socket"
           : S_ISLNK(m)  ? "a symbolic link"
                         : "not a regular file";
}

/* the directory part of `path` into dir ("." when there is none) */
static void dir_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, cap, ".");
    else if (slash == path)
        snprintf(dir, cap, "/");
    else
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* The name OUT itself: its length, its directory, what is there now. */
static ssoc_status check_out(const char *path, unsigned flags, ssoc_error *err)
{
    ssoc_status st = ssoc_path_check_length(path, err);
    if (st)
        return st;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!base[0] || !strcmp(base, ".") || !strcmp(base, ".."))
        return SSOC_ERR(err, SSOC_EIO, "%s: is a directory; give a file name", path);
    if (flags & SSOC_OUTPATH_PARTIAL) {
        size_t n = strlen(path) + strlen(".partial");
        if (n >= SSOC_PATH_MAX)
            return SSOC_ERR(err, SSOC_EIO, "%s: with '.partial' the path is %zu characters long, longer than the %d the system allows",
                            path, n, SSOC_PATH_MAX - 1);
        if (strlen(base) + strlen(".partial") > SSOC_NAME_MAX)
            return SSOC_ERR(err, SSOC_EIO, "%s: with '.partial' the name is %zu characters long, longer than the %d a file name may have",
                            path, strlen(base) + strlen(".partial"), SSOC_NAME_MAX);
    }
    char dir[SSOC_PATH_MAX];
    dir_of(path, dir, sizeof dir);
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot write there: %s: %s", path, dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot write there: %s: Not a directory", path, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot write there: %s: %s", path, dir, strerror(errno));
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT)
            return SSOC_OK;
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot check it: %s", path, strerror(errno));
    }
    if (S_ISLNK(sb.st_mode))
        return SSOC_ERR(err, SSOC_EIO, "%s: is a symbolic link; ssoc replaces files, never links (remove it or choose another name)",
                        path);
    if (!S_ISREG(sb.st_mode))
        return SSOC_ERR(err, SSOC_EIO, "%s: is %s; ssoc writes regular files only", path, kind_of(sb.st_mode));
    if (!(flags & SSOC_OUTPATH_FORCE))
        return SSOC_ERR(err, SSOC_EEXISTS, "%s exists; refusing to overwrite it (use --force)", path);
    return SSOC_OK;
}

/* Try the exclusive lock on fd: 1 taken, 0 held by someone else, -1 no locks on this file system. */
static int try_lock(int fd)
{
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 1;
        if (errno == EINTR)
            continue;
        return errno == EWOULDBLOCK ? 0 : -1;
    }
}

static ssoc_status locked_by_other(const char *work, ssoc_error *err)
{
    return SSOC_ERR(err, SSOC_EIO,
                    "%s is being written by another ssoc run right now (it holds the file's lock); wait for it to finish, "
                    "or write to another file",
                    work);
}

/* An existing OUT.partial (lstat in *sb): what this run may do with it. With `fd` non-NULL the file
 * is opened (never through a link, never truncated) and locked, and *fd returned open. */
static ssoc_status existing_partial(const char *work, const struct stat *sb, unsigned flags, int *fd, int *locked,
                                    ssoc_error *err)
{
    if (S_ISLNK(sb->st_mode))
        return SSOC_ERR(err, SSOC_EIO,
                        "%s: is a symbolic link, which ssoc never creates; refusing to follow or replace it (remove it)", work);
    if (!S_ISREG(sb->st_mode))
        return SSOC_ERR(err, SSOC_EIO, "%s: is %s, not an interrupted run's file; remove it", work, kind_of(sb->st_mode));
    int f = open(work, (fd ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (f < 0)
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot open it: %s", work, strerror(errno));
    struct stat fs;
    int lk = try_lock(f);
    if (fstat(f, &fs) != 0 || fs.st_dev != sb->st_dev || fs.st_ino != sb->st_ino) {
        close(f);
        return SSOC_ERR(err, SSOC_EIO, "%s: was replaced while ssoc opened it; is another run starting on it?", work);
    }
    if (lk == 0) {
        close(f);
        return locked_by_other(work, err);
    }
    ssoc_status st = SSOC_OK;
    /* --resume takes any unlocked .partial, an empty one too (a run stopped before it wrote
     * anything: the caller starts it, ssoc_outpath.empty) */
    if (!(flags & (SSOC_OUTPATH_RESUME | SSOC_OUTPATH_FORCE))) {
        st = SSOC_ERR(err, SSOC_EEXISTS,
                      "%s exists (an interrupted run): continue it with --resume, or start over with --force", work);
    }
    if (st || !fd) {
        close(f);
        return st;
    }
    /* O_NONBLOCK only kept open() from waiting on a FIFO swapped in; a regular file ignores it */
    *fd = f;
    *locked = lk == 1;
    return SSOC_OK;
}

static ssoc_status check_work(const ssoc_outpath *o, int open_it, int *fd, int *locked, int *exists, ssoc_error *err)
{
    struct stat sb;
    *exists = 0;
    if (lstat(o->work, &sb) != 0) {
        if (errno != ENOENT)
            return SSOC_ERR(err, SSOC_EIO, "%s: cannot check it: %s", o->work, strerror(errno));
        if (o->flags & SSOC_OUTPATH_RESUME)
            return SSOC_ERR(err, SSOC_EINVAL, "--resume: no %s to continue", o->work);
        return SSOC_OK;
    }
    *exists = 1;
    return existing_partial(o->work, &sb, o->flags, open_it ? fd : NULL, locked, err);
}

static void init(ssoc_outpath *o, const char *path, unsigned flags)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    if (flags & SSOC_OUTPATH_RESUME)
        flags |= SSOC_OUTPATH_PARTIAL;
    o->flags = flags;
    snprintf(o->path, sizeof o->path, "%.*s", SSOC_PATH_MAX - 1, path ? path : "");
    if (flags & SSOC_OUTPATH_PARTIAL)
        snprintf(o->work, sizeof o->work, "%s.partial", o->path);
}

ssoc_status ssoc_outpath_check(const char *path, unsigned flags, ssoc_error *err)
{
    ssoc_outpath o;
    init(&o, path, flags);
    ssoc_status st = check_out(path, o.flags, err);
    if (st || !(o.flags & SSOC_OUTPATH_PARTIAL))
        return st;
    int fd = -1, locked = 0, exists = 0;
    return check_work(&o, 0, &fd, &locked, &exists, err);
}

/* DIR/.NAME.XXXXXX.tmp with NAME = OUT's name, '%' replaced (PLplot expands %n in file names) and
 * cut so the whole name stays within NAME_MAX. */
static ssoc_status create_temp(ssoc_outpath *o, ssoc_error *err)
{
    char dir[SSOC_PATH_MAX];
    dir_of(o->path, dir, sizeof dir);
    const char *base = strrchr(o->path, '/');
    base = base ? base + 1 : o->path;
    char name[SSOC_NAME_MAX + 1];
    snprintf(name, sizeof name, "%.200s", base);
    for (char *c = name; *c; ++c)
        if (*c == '%')
            *c = '_';
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int attempt = 0; attempt < 100; ++attempt) {
        unsigned char rnd[6];
        if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20) ^ (uint64_t)attempt * 0x9E3779B97F4A7C15u;
            for (int i = 0; i < 6; ++i, x >>= 8)
                rnd[i] = (unsigned char)x;
        }
        char sfx[7];
        for (int i = 0; i < 6; ++i)
            sfx[i] = digits[rnd[i] % 36];
        sfx[6] = '\0';
        int n = snprintf(o->work, sizeof o->work, "%s%s.%s.%s.tmp", strcmp(dir, ".") ? dir : "",
                         strcmp(dir, ".") ? (strcmp(dir, "/") ? "/" : "") : "", name, sfx);
        if (n < 0 || (size_t)n >= SSOC_PATH_MAX)
            return SSOC_ERR(err, SSOC_EIO, "%s: no room for a temporary name beside it (the path is too long)", o->path);
        o->fd = open(o->work, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (o->fd >= 0)
            return SSOC_OK;
        if (errno != EEXIST)
            return SSOC_ERR(err, SSOC_EIO, "%s: cannot create a file there: %s", o->path, strerror(errno));
    }
    return SSOC_ERR(err, SSOC_EIO, "%s: no free temporary name beside it after 100 tries", o->path);
}

ssoc_status ssoc_outpath_begin(ssoc_outpath *o, const char *path, unsigned flags, ssoc_error *err)
{
    init(o, path, flags);
    ssoc_status st = check_out(path, o->flags, err);
    if (st)
        return st;
    if (!(o->flags & SSOC_OUTPATH_PARTIAL)) {
        if ((st = create_temp(o, err)))
            return st;
        o->created = 1;
    } else {
        for (int attempt = 0;; ++attempt) {
            int exists = 0, locked = 0;
            if ((st = check_work(o, 1, &o->fd, &locked, &exists, err)))
                return st;
            if (exists) {
                o->locked = locked;
                break;
            }
            o->fd = open(o->work, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
            if (o->fd >= 0) {
                o->created = 1;
                int lk = try_lock(o->fd);
                if (lk == 0) { /* opened and locked by a --force run in the instant since our creation */
                    close(o->fd);
                    o->fd = -1;
                    return locked_by_other(o->work, err);
                }
                o->locked = lk == 1;
                break;
            }
            /* EEXIST: another run created it since the check; look again (it says who holds it) */
            if (errno != EEXIST || attempt == 2)
                return SSOC_ERR(err, SSOC_EIO, "%s: cannot create it: %s", o->work, strerror(errno));
        }
    }
    struct stat fs;
    if (fstat(o->fd, &fs) != 0) {
        st = SSOC_ERR(err, SSOC_EIO, "%s: cannot check it: %s", o->work, strerror(errno));
        ssoc_outpath_abandon(o);
        return st;
    }
    o->dev = fs.st_dev;
    o->ino = fs.st_ino;
    o->empty = fs.st_size == 0;
    /* OUT may have appeared since check_out (another run published it just before we created the
     * .partial, releasing its lock after its rename): refuse now, not after the whole run */
    struct stat ob;
    if ((o->flags & SSOC_OUTPATH_PARTIAL) && !(o->flags & SSOC_OUTPATH_FORCE) && lstat(o->path, &ob) == 0) {
        st = SSOC_ERR(err, SSOC_EEXISTS, "%s exists (another run just finished it); refusing to overwrite it (use --force)",
                      o->path);
        ssoc_outpath_abandon(o);
        return st;
    }
    return SSOC_OK;
}

ssoc_status ssoc_outpath_verify(const ssoc_outpath *o, ssoc_error *err)
{
    struct stat sb;
    if (o->fd < 0)
        return SSOC_ERR(err, SSOC_EINVAL, "%s: not open for writing", o->path);
    if (lstat(o->work, &sb) != 0)
        return SSOC_ERR(err, SSOC_EIO, "%s: removed while ssoc was writing it: %s", o->work, strerror(errno));
    if (!S_ISREG(sb.st_mode) || sb.st_dev != o->dev || sb.st_ino != o->ino)
        return SSOC_ERR(err, SSOC_EIO, "%s: replaced by %s while ssoc was writing it; nothing is published", o->work,
                        S_ISREG(sb.st_mode) ? "another file" : kind_of(sb.st_mode));
    return SSOC_OK;
}

ssoc_status ssoc_outpath_write(ssoc_outpath *o, const void *data, size_t len, ssoc_error *err)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(o->fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return SSOC_ERR(err, SSOC_EIO, "%s: write failed: %s", o->path, strerror(errno));
        }
        p += w;
        len -= (size_t)w;
    }
    return SSOC_OK;
}

static void end(ssoc_outpath *o)
{
    if (o->fd >= 0)
        close(o->fd); /* also releases the flock */
    o->fd = -1;
    o->locked = 0;
}

/* The rename itself; returns 0 or an errno. */
static int place(const ssoc_outpath *o)
{
    if (o->flags & SSOC_OUTPATH_FORCE) {
        /* OUT was checked to be absent or a regular file; never replace anything else that
         * appeared since (a device node, a link) */
        struct stat sb;
        if (lstat(o->path, &sb) == 0 && !S_ISREG(sb.st_mode))
            return S_ISDIR(sb.st_mode) ? EISDIR : EEXIST;
        return rename(o->work, o->path) == 0 ? 0 : errno;
    }
    if (renameat2(AT_FDCWD, o->work, AT_FDCWD, o->path, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return errno;
    /* a file system without RENAME_NOREPLACE: link() refuses an existing name just as atomically */
    if (link(o->work, o->path) == 0) {
        unlink(o->work);
        return 0;
    }
    if (errno != EPERM && errno != ENOSYS && errno != EOPNOTSUPP)
        return errno;
    /* no hard links either (FAT, some FUSE): check, then rename */
    struct stat sb;
    if (lstat(o->path, &sb) == 0)
        return EEXIST;
    return rename(o->work, o->path) == 0 ? 0 : errno;
}

ssoc_status ssoc_outpath_publish(ssoc_outpath *o, ssoc_error *err)
{
    ssoc_status st = ssoc_outpath_verify(o, err);
    if (st) {
        end(o); /* not ours any more: touch nothing */
        return st;
    }
    const int partial = (o->flags & SSOC_OUTPATH_PARTIAL) != 0;
    char keep[SSOC_PATH_MAX + 64] = "";
    if (partial)
        snprintf(keep, sizeof keep, "; the result stays in %s", o->work);
    struct stat fs;
    if (fsync(o->fd) != 0) {
        int e = errno;
        st = SSOC_ERR(err, SSOC_EIO, "%s: write failed: %s", o->path, strerror(e));
    } else if (fstat(o->fd, &fs) != 0 || fs.st_size == 0) {
        st = SSOC_ERR(err, SSOC_EIO, "%s: nothing was written; not published", o->path);
    } else {
        int e = place(o);
        if (e == EEXIST || e == ENOTEMPTY)
            st = SSOC_ERR(err, SSOC_EEXISTS, "%s exists (it appeared while ssoc was writing); not replaced (use --force)%s",
                          o->path, keep);
        else if (e)
            st = SSOC_ERR(err, SSOC_EIO, "cannot rename %s to %s: %s%s", o->work, o->path, strerror(e), keep);
    }
    if (st) {
        if (!partial)
            unlink(o->work);
        end(o);
        return st;
    }
    /* make the new name durable (a crash after this returns cannot bring back the old file) */
    char dir[SSOC_PATH_MAX];
    dir_of(o->path, dir, sizeof dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd); /* EINVAL on file systems that cannot: the rename itself is done */
        close(dfd);
    }
    end(o);
    return SSOC_OK;
}

void ssoc_outpath_release(ssoc_outpath *o)
{
    if (o)
        end(o);
}

void ssoc_outpath_abandon(ssoc_outpath *o)
{
    if (!o || o->fd < 0)
        return;
    if (o->created && ssoc_outpath_verify(o, NULL) == SSOC_OK)
        unlink(o->work);
    end(o);
}
