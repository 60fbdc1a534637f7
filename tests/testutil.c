#define _DEFAULT_SOURCE /* mkstemps */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *tu_src(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", SSOC_SOURCE_DIR, rel);
    return buf;
}

const char *tu_write_tmp(const char *suffix, const char *text)
{
    static char paths[64][256];
    static int next = 0;
    char *p = paths[next++ % 64];
    snprintf(p, 256, "/tmp/ssoc_test_XXXXXX%s", suffix ? suffix : "");
    int fd = mkstemps(p, suffix ? (int)strlen(suffix) : 0);
    if (fd < 0)
        return NULL;
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len) {
        close(fd);
        return NULL;
    }
    close(fd);
    return p;
}

double tu_rel(double a, double b) { return b == 0.0 ? fabs(a - b) : fabs(a - b) / fabs(b); }
