#include "ssoc/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ssoc_status ssoc_error_set(ssoc_error *err, ssoc_status code, const char *src_file, int src_line,
                           const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->src_file = src_file;
    err->src_line = src_line;
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof err->msg) {
        /* Too long, typically a path of thousands of characters: keep the start and the end (where
         * the reason is) and say how much was left out, rather than cut the reason off. */
        char *full = malloc((size_t)n + 1);
        if (full) {
            vsnprintf(full, (size_t)n + 1, fmt, ap2);
            const size_t head = 200, room = sizeof err->msg - 1;
            char mid[64];
            int m = 0;
            size_t tail = room - head - 32;
            for (int k = 0; k < 3; ++k) { /* the count's digits change the room left for the tail */
                m = snprintf(mid, sizeof mid, " [... %zu characters ...] ", (size_t)n - head - tail);
                tail = room - head - (size_t)m;
            }
            memcpy(err->msg, full, head);
            memcpy(err->msg + head, mid, (size_t)m);
            memcpy(err->msg + head + m, full + n - tail, tail);
            err->msg[room] = '\0';
            free(full);
        }
    }
    va_end(ap2);
    /* One line only: callers print msg as a single line, so fold any newline from context, and
     * every other control byte too (\v, \f, ESC sequences from a data field would move the cursor
     * or restyle the terminal). */
    for (unsigned char *c = (unsigned char *)err->msg; *c; ++c)
        if (*c < 0x20 || *c == 0x7f)
            *c = ' ';
    return code;
}

void ssoc_error_clear(ssoc_error *err)
{
    if (!err)
        return;
    err->code = SSOC_OK;
    err->msg[0] = '\0';
    err->src_file = NULL;
    err->src_line = 0;
}

const char *ssoc_status_str(ssoc_status code)
{
    static const char *const names[SSOC_ESTATUS_COUNT] = {
        [SSOC_OK] = "ok",
        [SSOC_EINVAL] = "invalid argument",
        [SSOC_EIO] = "i/o error",
        [SSOC_EDATA] = "data error",
        [SSOC_EFIT] = "fit failed",
        [SSOC_ENOMEM] = "out of memory",
        [SSOC_ECONFIG] = "configuration error",
        [SSOC_EHDF5] = "hdf5 error",
        [SSOC_EMPI] = "mpi error",
        [SSOC_EINTERRUPTED] = "interrupted, resumable",
        [SSOC_EEXISTS] = "output exists",
        [SSOC_EVERIFY] = "verification failed",
    };
    if ((int)code < 0 || code >= SSOC_ESTATUS_COUNT || !names[code])
        return "unknown error";
    return names[code];
}
