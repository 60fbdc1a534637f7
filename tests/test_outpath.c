/* Output paths (outpath.h) and bounded input reads (io.h), issue 14: every refusal, the exclusive
 * creation and lock of OUT.partial, publishing, and the bounds of ssoc_io_read_file. Each test
 * works in its own fresh directory under /tmp. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ssoc/error.h"
#include "ssoc/io.h"
#include "ssoc/outpath.h"

static char dir[64];

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static void fresh_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/ssoc_outpath.XXXXXX");
    cr_assert(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
    atexit(remove_dir); /* each test runs in its own process */
}

/* DIR/NAME, kept for the whole test and freed at its end */
static char *paths[256];
static size_t npaths;

static void free_paths(void)
{
    while (npaths)
        free(paths[--npaths]);
}

static const char *at(const char *name)
{
    char *b = malloc(strlen(dir) + strlen(name) + 2);
    cr_assert(b && npaths < sizeof paths / sizeof *paths);
    sprintf(b, "%s/%s", dir, name);
    if (npaths == 0)
        atexit(free_paths);
    return paths[npaths++] = b;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

static char *get(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* number of entries in dir (to prove nothing was left behind) */
static int entries(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    cr_assert(p && fscanf(p, "%d", &n) == 1);
    pclose(p);
    return n;
}

Test(outpath, temporary_publish_and_no_clobber)
{
    fresh_dir();
    ssoc_outpath o;
    ssoc_error e = {0};
    const char *out = at("p%n.json");
    cr_assert_eq(ssoc_outpath_begin(&o, out, 0, &e), SSOC_OK, "%s", e.msg);
    cr_expect(strchr(o.work + strlen(dir), '%') == NULL, "temporary name with '%%': %s", o.work);
    cr_expect(strstr(o.work, "/.p_n.json.") != NULL, "temporary %s", o.work);
    cr_assert_eq(ssoc_outpath_write(&o, "hello\n", 6, &e), SSOC_OK);
    cr_expect(!ssoc_io_exists(out), "published before publish");
    cr_assert_eq(ssoc_outpath_publish(&o, &e), SSOC_OK, "%s", e.msg);
    cr_expect_str_eq(get(out), "hello\n");
    cr_expect_eq(o.fd, -1);
    cr_expect_eq(entries(), 1, "temporary left behind");
    /* without force: refused before, and a file that appears while writing is never replaced */
    cr_expect_eq(ssoc_outpath_check(out, 0, &e), SSOC_EEXISTS);
    cr_expect(strstr(e.msg, "exists; refusing to overwrite it (use --force)"), "%s", e.msg);
    unlink(out);
    cr_assert_eq(ssoc_outpath_begin(&o, out, 0, &e), SSOC_OK, "%s", e.msg);
    put(out, "theirs");
    ssoc_outpath_write(&o, "ours", 4, &e);
    cr_expect_eq(ssoc_outpath_publish(&o, &e), SSOC_EEXISTS, "%s", e.msg);
    cr_expect_str_eq(get(out), "theirs");
    cr_expect_eq(entries(), 1, "temporary left behind after a refused publish");
    /* with force it is replaced */
    cr_assert_eq(ssoc_outpath_begin(&o, out, SSOC_OUTPATH_FORCE, &e), SSOC_OK, "%s", e.msg);
    ssoc_outpath_write(&o, "ours", 4, &e);
    cr_assert_eq(ssoc_outpath_publish(&o, &e), SSOC_OK, "%s", e.msg);
    cr_expect_str_eq(get(out), "ours");
    /* abandon removes the temporary; an empty file is never published */
    cr_assert_eq(ssoc_outpath_begin(&o, at("a.json"), 0, &e), SSOC_OK);
    ssoc_outpath_abandon(&o);
    cr_assert_eq(ssoc_outpath_begin(&o, at("b.json"), 0, &e), SSOC_OK);
    cr_expect_eq(ssoc_outpath_publish(&o, &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "nothing was written") != NULL, "%s", e.msg);
    cr_expect_eq(entries(), 1);
}

Test(outpath, refusals_before_any_work)
{
    fresh_dir();
    mkdir(at("d"), 0755);
    put(at("victim"), "victim");
    cr_assert_eq(symlink("victim", at("link")), 0);
    cr_assert_eq(symlink("nowhere", at("dangling")), 0);
    cr_assert_eq(mkfifo(at("fifo"), 0644), 0);
    put(at("file"), "x");
    for (int force = 0; force <= 1; ++force) {
        unsigned f = force ? SSOC_OUTPATH_FORCE : 0;
        ssoc_error e = {0};
        const struct {
            const char *path;
            ssoc_status code;
            const char *needle;
        } cases[] = {
            {"", SSOC_EINVAL, "empty"},
            {at("d"), SSOC_EIO, "d: is a directory"},
            {at("d/"), SSOC_EIO, "is a directory"},
            {at("."), SSOC_EIO, "is a directory"},
            {at("link"), SSOC_EIO, "link: is a symbolic link"},
            {at("dangling"), SSOC_EIO, "dangling: is a symbolic link"},
            {at("fifo"), SSOC_EIO, "fifo: is a FIFO"},
            {"/dev/null", SSOC_EIO, "/dev/null: is a character device"},
            {at("nodir/x"), SSOC_EIO, "nodir: No such file or directory"},
            {at("file/x"), SSOC_EIO, "file: Not a directory"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof *cases; ++i) {
            cr_expect_eq(ssoc_outpath_check(cases[i].path, f, &e), cases[i].code, "%s: %s", cases[i].path, e.msg);
            cr_expect(strstr(e.msg, cases[i].needle), "'%s' not in '%s'", cases[i].needle, e.msg);
        }
        ssoc_outpath o;
        cr_expect_eq(ssoc_outpath_begin(&o, at("link"), f, &e), SSOC_EIO);
        cr_expect_eq(o.fd, -1);
    }
    cr_expect_str_eq(get(at("victim")), "victim");
    struct stat sb;
    cr_expect(lstat(at("link"), &sb) == 0 && S_ISLNK(sb.st_mode));
    cr_expect(lstat(at("nowhere"), &sb) != 0, "a dangling link's target was created");
}

Test(outpath, lengths_are_refused_not_cut)
{
    fresh_dir();
    ssoc_error e = {0};
    char p[5000];
    int n = snprintf(p, sizeof p, "%s/", dir);
    while (n < 4100)
        n += snprintf(p + n, sizeof p - (size_t)n, "./");
    strcat(p, "abc.h5");
    cr_expect_eq(ssoc_outpath_check(p, SSOC_OUTPATH_FORCE, &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "characters long, longer than the 4095 the system allows"), "%s", e.msg);
    /* the reason survives the message's length limit */
    cr_expect(strlen(e.msg) < sizeof e.msg && strstr(e.msg, " characters ...] "), "%s", e.msg);
    /* 4095 with '.partial' is too long for a sweep, fine for a plain file */
    p[snprintf(p, sizeof p, "%s/", dir)] = '\0';
    n = (int)strlen(p);
    while (n < 4090)
        n += snprintf(p + n, sizeof p - (size_t)n, "./");
    p[4090] = '\0';
    strcat(p, "x.h5");
    cr_expect_eq(strlen(p), 4094u);
    cr_expect_eq(ssoc_outpath_check(p, 0, &e), SSOC_OK, "%s", e.msg);
    cr_expect_eq(ssoc_outpath_check(p, SSOC_OUTPATH_PARTIAL, &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "with '.partial'"), "%s", e.msg);
    char name[300];
    memset(name, 'n', 256);
    name[256] = '\0';
    cr_expect_eq(ssoc_path_check_length(name, &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "is 256 characters long, longer than the 255"), "%s", e.msg);
    name[255] = '\0';
    cr_expect_eq(ssoc_path_check_length(name, &e), SSOC_OK);
}

Test(outpath, partial_exclusive_locked_resumable)
{
    fresh_dir();
    const char *out = at("s.h5"), *part = at("s.h5.partial");
    ssoc_outpath a, b;
    ssoc_error e = {0};
    cr_assert_eq(ssoc_outpath_begin(&a, out, SSOC_OUTPATH_PARTIAL, &e), SSOC_OK, "%s", e.msg);
    cr_expect_str_eq(a.work, part);
    cr_expect(a.locked && a.created);
    /* a second run sees the lock, whatever its flags */
    unsigned flags[] = {SSOC_OUTPATH_PARTIAL, SSOC_OUTPATH_PARTIAL | SSOC_OUTPATH_FORCE, SSOC_OUTPATH_RESUME,
                        SSOC_OUTPATH_RESUME | SSOC_OUTPATH_FORCE};
    for (size_t i = 0; i < sizeof flags / sizeof *flags; ++i) {
        cr_expect_eq(ssoc_outpath_begin(&b, out, flags[i], &e), SSOC_EIO, "flags %u: %s", flags[i], e.msg);
        cr_expect(strstr(e.msg, "being written by another ssoc run"), "flags %u: %s", flags[i], e.msg);
        cr_expect_eq(ssoc_outpath_check(out, flags[i], &e), SSOC_EIO);
    }
    /* stopped: released, kept; an empty .partial (stopped before writing anything) is resumed as a
     * fresh start: taken, said to be empty, not created by this run (abandon keeps it) */
    ssoc_outpath_release(&a);
    cr_expect(ssoc_io_exists(part));
    cr_assert_eq(ssoc_outpath_begin(&b, out, SSOC_OUTPATH_RESUME, &e), SSOC_OK, "%s", e.msg);
    cr_expect(b.empty && !b.created && b.locked);
    ssoc_outpath_abandon(&b);
    cr_expect(ssoc_io_exists(part));
    cr_expect_eq(ssoc_outpath_begin(&b, out, SSOC_OUTPATH_PARTIAL, &e), SSOC_EEXISTS);
    cr_expect(strstr(e.msg, "continue it with --resume, or start over with --force"), "%s", e.msg);
    /* --force takes it over without truncating it; abandon keeps what it did not create */
    put(part, "old data");
    cr_assert_eq(ssoc_outpath_begin(&b, out, SSOC_OUTPATH_PARTIAL | SSOC_OUTPATH_FORCE, &e), SSOC_OK, "%s", e.msg);
    cr_expect(!b.created);
    cr_expect_str_eq(get(part), "old data");
    ssoc_outpath_abandon(&b);
    cr_expect_str_eq(get(part), "old data");
    /* --resume continues it; publish keeps it when the rename fails and says where it is */
    cr_assert_eq(ssoc_outpath_begin(&b, out, SSOC_OUTPATH_RESUME, &e), SSOC_OK, "%s", e.msg);
    mkdir(out, 0755);
    put(at("s.h5/x"), "x");
    cr_expect_neq(ssoc_outpath_publish(&b, &e), SSOC_OK);
    cr_expect(strstr(e.msg, "the result stays in") && strstr(e.msg, "s.h5.partial"), "%s", e.msg);
    cr_expect_str_eq(get(part), "old data");
    /* abandon of a .partial this run created removes it */
    unlink(at("s.h5/x"));
    rmdir(out);
    unlink(part);
    cr_assert_eq(ssoc_outpath_begin(&b, out, SSOC_OUTPATH_PARTIAL, &e), SSOC_OK);
    ssoc_outpath_abandon(&b);
    cr_expect(!ssoc_io_exists(part));
    /* --resume of nothing */
    cr_expect_eq(ssoc_outpath_begin(&b, out, SSOC_OUTPATH_RESUME, &e), SSOC_EINVAL);
    cr_expect(strstr(e.msg, "--resume: no "), "%s", e.msg);
}

Test(outpath, planted_partial_links_are_never_followed)
{
    fresh_dir();
    const char *out = at("s.h5");
    put(at("victim"), "victim");
    cr_assert_eq(symlink("victim", at("s.h5.partial")), 0);
    ssoc_outpath o;
    ssoc_error e = {0};
    unsigned flags[] = {SSOC_OUTPATH_PARTIAL, SSOC_OUTPATH_PARTIAL | SSOC_OUTPATH_FORCE, SSOC_OUTPATH_RESUME};
    for (size_t i = 0; i < 3; ++i) {
        cr_expect_eq(ssoc_outpath_begin(&o, out, flags[i], &e), SSOC_EIO, "flags %u", flags[i]);
        cr_expect(strstr(e.msg, "s.h5.partial: is a symbolic link"), "%s", e.msg);
    }
    cr_expect_str_eq(get(at("victim")), "victim");
    unlink(at("s.h5.partial"));
    cr_assert_eq(symlink("nowhere", at("s.h5.partial")), 0);
    cr_expect_eq(ssoc_outpath_begin(&o, out, SSOC_OUTPATH_PARTIAL | SSOC_OUTPATH_FORCE, &e), SSOC_EIO);
    struct stat sb;
    cr_expect(lstat(at("nowhere"), &sb) != 0, "the dangling link's target was created");
    /* a link swapped in after begin: verify notices, publish refuses, abandon leaves the victim */
    unlink(at("s.h5.partial"));
    cr_assert_eq(ssoc_outpath_begin(&o, out, SSOC_OUTPATH_PARTIAL, &e), SSOC_OK, "%s", e.msg);
    unlink(at("s.h5.partial"));
    cr_assert_eq(symlink("victim", at("s.h5.partial")), 0);
    cr_expect_eq(ssoc_outpath_verify(&o, &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "replaced by a symbolic link"), "%s", e.msg);
    ssoc_outpath_write(&o, "x", 1, &e);
    cr_expect_eq(ssoc_outpath_publish(&o, &e), SSOC_EIO);
    cr_expect(!ssoc_io_exists(out));
    cr_expect_str_eq(get(at("victim")), "victim");
}

/* What the sweep wiring relies on: HDF5 can create and reopen OUT.partial while ssoc holds its lock
 * through another descriptor, provided HDF5's own flock is switched off on that file access list;
 * with HDF5's default locking it cannot (so h5io must switch it off for the .partial). */
Test(outpath, hdf5_opens_the_locked_partial_without_its_own_lock)
{
    fresh_dir();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    ssoc_outpath o;
    ssoc_error e = {0};
    cr_assert_eq(ssoc_outpath_begin(&o, at("s.h5"), SSOC_OUTPATH_PARTIAL, &e), SSOC_OK, "%s", e.msg);
    cr_assert(o.locked, "flock not available on /tmp");
    unsetenv("HDF5_USE_FILE_LOCKING");
    hid_t f = H5Fcreate(o.work, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    cr_expect(f < 0, "HDF5's own lock did not see ours");
    if (f >= 0)
        H5Fclose(f);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_file_locking(fapl, 0, 1);
    cr_assert_eq(ssoc_outpath_verify(&o, &e), SSOC_OK, "%s", e.msg);
    f = H5Fcreate(o.work, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    cr_assert(f >= 0, "H5Fcreate without HDF5's lock failed");
    hsize_t one = 1;
    hid_t sp = H5Screate_simple(1, &one, NULL);
    hid_t ds = H5Dcreate2(f, "x", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    double v = 42;
    H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v);
    H5Dclose(ds), H5Sclose(sp), H5Fclose(f), H5Pclose(fapl);
    /* still ours and still locked after HDF5 closed its own descriptor */
    ssoc_outpath b;
    cr_expect_eq(ssoc_outpath_begin(&b, at("s.h5"), SSOC_OUTPATH_PARTIAL | SSOC_OUTPATH_FORCE, &e), SSOC_EIO);
    cr_assert_eq(ssoc_outpath_publish(&o, &e), SSOC_OK, "%s", e.msg);
    f = H5Fopen(at("s.h5"), H5F_ACC_RDONLY, H5P_DEFAULT);
    cr_expect(f >= 0, "the published file does not open");
    if (f >= 0)
        H5Fclose(f);
}

Test(io_read, bounds_types_and_text)
{
    fresh_dir();
    char *buf = NULL;
    size_t len = 0;
    ssoc_error e = {0};
    put(at("ok.txt"), "a\nb\n");
    cr_assert_eq(ssoc_io_read_file(at("ok.txt"), "test file", 100, SSOC_READ_TEXT, &buf, &len, &e), SSOC_OK);
    cr_expect_eq(len, 4u);
    cr_expect_str_eq(buf, "a\nb\n");
    free(buf);
    /* by size, before reading */
    cr_expect_eq(ssoc_io_read_file(at("ok.txt"), "test file", 3, 0, &buf, &len, &e), SSOC_EIO);
    cr_expect(buf == NULL);
    /* a NUL byte: its line, counted at LF, CRLF and lone CR */
    FILE *f = fopen(at("nul.txt"), "wb");
    fwrite("l1\r\nl2\rl3\nx\0y", 1, 13, f);
    fclose(f);
    cr_expect_eq(ssoc_io_read_file(at("nul.txt"), "test file", 100, SSOC_READ_TEXT, &buf, &len, &e), SSOC_EDATA);
    cr_expect(strstr(e.msg, "nul.txt:4: NUL byte"), "%s", e.msg);
    cr_expect_eq(ssoc_io_read_file(at("nul.txt"), "test file", 100, 0, &buf, &len, &e), SSOC_OK);
    cr_expect_eq(len, 13u);
    free(buf);
    /* types */
    mkdir(at("d"), 0755);
    cr_expect_eq(ssoc_io_read_file(at("d"), "test file", 100, 0, &buf, &len, &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "d: is a directory, not a test file"), "%s", e.msg);
    cr_expect_eq(ssoc_io_read_file("/dev/zero", "test file", 100, 0, &buf, &len, &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "is a character device"), "%s", e.msg);
    mkfifo(at("fifo"), 0644);
    cr_expect_eq(ssoc_io_read_file(at("fifo"), "test file", 100, 0, &buf, &len, &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "a FIFO with no writer"), "%s", e.msg);
    cr_expect_eq(ssoc_io_read_file(at("missing"), "test file", 100, 0, &buf, &len, &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "cannot open test file: No such file"), "%s", e.msg);
    cr_expect_eq(ssoc_io_read_file("", "test file", 100, 0, &buf, &len, &e), SSOC_EINVAL);
    cr_expect_eq(ssoc_io_check_regular(at("fifo"), "sweep file", &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "is a FIFO, not a sweep file"), "%s", e.msg);
    cr_expect_eq(ssoc_io_check_regular(at("ok.txt"), "sweep file", &e), SSOC_OK);
}

Test(io_read, pipe_streams_stop_at_the_limit)
{
    fresh_dir();
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        char block[4096];
        memset(block, 'a', sizeof block);
        for (int i = 0; i < 1000; ++i) /* 4 MB, more than the limit */
            if (write(fds[1], block, sizeof block) < 0)
                _exit(0);
        _exit(0);
    }
    close(fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);
    char *buf = NULL;
    size_t len = 0;
    ssoc_error e = {0};
    cr_expect_eq(ssoc_io_read_file(path, "test file", 100000, SSOC_READ_TEXT, &buf, &len, &e), SSOC_EIO);
    cr_expect(strstr(e.msg, "larger than the 0 MB limit for a test file") || strstr(e.msg, "limit for a test file"), "%s",
              e.msg);
    cr_expect(buf == NULL);
    close(fds[0]);
    /* a writer that writes a little and closes: read whole */
    cr_assert_eq(pipe(fds), 0);
    if (fork() == 0) {
        close(fds[0]);
        usleep(100000); /* the reader opens and finds a writer that has not written yet */
        if (write(fds[1], "x,y\n1,2\n", 8) < 0)
            _exit(1);
        _exit(0);
    }
    close(fds[1]);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);
    cr_assert_eq(ssoc_io_read_file(path, "test file", 100000, SSOC_READ_TEXT, &buf, &len, &e), SSOC_OK, "%s", e.msg);
    cr_expect_str_eq(buf, "x,y\n1,2\n");
    free(buf);
    close(fds[0]);
}

Test(error, long_messages_keep_their_end)
{
    ssoc_error e;
    char path[5000];
    memset(path, 'p', 4500);
    path[4500] = '\0';
    SSOC_ERR(&e, SSOC_EIO, "%s: cannot open: %s", path, "File name too long");
    cr_expect_lt(strlen(e.msg), sizeof e.msg);
    cr_expect(strncmp(e.msg, "pppp", 4) == 0, "%s", e.msg);
    const char *tail = ": cannot open: File name too long";
    cr_expect_str_eq(e.msg + strlen(e.msg) - strlen(tail), tail);
    cr_expect(strstr(e.msg, " characters ...] "), "%s", e.msg);
    /* the count says exactly how much was left out */
    const char *m = strstr(e.msg, " [... "), *end = m ? strstr(m, "...] ") : NULL;
    size_t omitted = 0;
    cr_assert(m && end && sscanf(m, " [... %zu characters", &omitted) == 1, "%s", e.msg);
    size_t marker = (size_t)(end + 5 - m), kept = strlen(e.msg) - marker;
    cr_expect_eq(kept + omitted, 4500 + strlen(tail), "%s", e.msg);
}
