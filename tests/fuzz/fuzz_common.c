/* memfd-backed input file and the invariant checks shared by the harnesses. */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fz_fd = -1;
static char fz_path[64];

const char *fz_file(const uint8_t *data, size_t size)
{
    if (fz_fd < 0) {
        fz_fd = memfd_create("ssoc_fuzz_input", 0);
        if (fz_fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(fz_path, sizeof fz_path, "/proc/self/fd/%d", fz_fd);
    }
    if (ftruncate(fz_fd, 0) != 0) {
        perror("ftruncate");
        abort();
    }
    size_t off = 0;
    while (off < size) {
        ssize_t w = pwrite(fz_fd, data + off, size - off, (off_t)off);
        if (w <= 0) {
            perror("pwrite");
            abort();
        }
        off += (size_t)w;
    }
    return fz_path;
}

void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    fprintf(stderr, "fuzz invariant broken at %s:%d: %s: ", file, line, cond);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void fz_check_error(ssoc_status st, const ssoc_error *err)
{
    if (st == SSOC_OK)
        return;
    FZ_CHECK(err->code == st, "returned %d but err->code = %d (%s)", (int)st, (int)err->code, err->msg);
    FZ_CHECK(err->msg[0] != '\0', "status %d with an empty message", (int)st);
    for (const unsigned char *c = (const unsigned char *)err->msg; *c; ++c)
        FZ_CHECK(*c >= 0x20 && *c != 0x7f, "message has control byte 0x%02x at %td: %s", *c,
                 (const char *)c - err->msg, err->msg);
}
