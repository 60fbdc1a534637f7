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

/* every file written, removed when the test process exits (each Criterion test is a process of its own;
 * 9789 files had piled up in /tmp before) */
static char **tmp_paths;
static size_t tmp_n, tmp_cap;

static void tmp_remove_all(void)
{
    for (size_t i = 0; i < tmp_n; ++i)
        unlink(tmp_paths[i]), free(tmp_paths[i]);
    free(tmp_paths);
    tmp_paths = NULL, tmp_n = tmp_cap = 0;
}

const char *tu_write_tmp(const char *suffix, const char *text)
{
    if (tmp_n == tmp_cap) {
        char **grown = realloc(tmp_paths, (tmp_cap ? 2 * tmp_cap : 64) * sizeof *grown);
        if (!grown)
            return NULL;
        if (!tmp_paths)
            atexit(tmp_remove_all);
        tmp_paths = grown, tmp_cap = tmp_cap ? 2 * tmp_cap : 64;
    }
    char *p = malloc(256);
    if (!p)
        return NULL;
    snprintf(p, 256, "/tmp/ssoc_test_XXXXXX%s", suffix ? suffix : "");
    int fd = mkstemps(p, suffix ? (int)strlen(suffix) : 0);
    if (fd < 0) {
        free(p);
        return NULL;
    }
    tmp_paths[tmp_n++] = p;
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len) {
        close(fd);
        return NULL;
    }
    close(fd);
    return p;
}

double tu_rel(double a, double b) { return b == 0.0 ? fabs(a - b) : fabs(a - b) / fabs(b); }
