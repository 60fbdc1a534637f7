#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int ssoc_cli_fail(const char *cmd, const ssoc_error *err)
{
    fprintf(stderr, "ssoc: %s: %s\n", cmd, err->msg[0] ? err->msg : ssoc_status_str(err->code));
    switch (err->code) {
    case SSOC_OK:
        return SSOC_EXIT_OK;
    case SSOC_EINVAL:
        return SSOC_EXIT_USAGE;
    case SSOC_EVERIFY:
        return SSOC_EXIT_VERIFY;
    case SSOC_EINTERRUPTED:
        return SSOC_EXIT_INTERRUPTED;
    default:
        return SSOC_EXIT_RUNTIME;
    }
}

int ssoc_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ssoc: %s: %s (see 'ssoc %s --help')\n", cmd, buf, cmd);
    return SSOC_EXIT_USAGE;
}

int ssoc_cli_parse_double(const char *cmd, const char *opt, const char *text, double *out)
{
    if (!text)
        return ssoc_cli_usage_error(cmd, "option %s needs a value", opt);
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return ssoc_cli_usage_error(cmd, "option %s: '%s' is not a finite number", opt, text);
    *out = v;
    return SSOC_EXIT_OK;
}
