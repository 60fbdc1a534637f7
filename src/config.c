/* The sweep configuration: inih does the INI syntax, this file the keys, values and messages.
 *
 * Decisions (documented in configs/default.ini):
 * - Every accepted key is in the table below; anything else is an error, as is a key given twice
 *   in the file or twice with --set (a --set may override a key from the file: that is its job).
 * - inih is fed through our own line reader so errors can name the line (Debian's libinih is built
 *   without INI_HANDLER_LINENO) and so an over-long line is an error instead of being split.
 * - Python-style continuation lines (an indented line after a key) are rejected with a message:
 *   silently gluing "  B = 10" onto the previous value is the kind of surprise a config must not hold.
 * - Relative paths in the file are relative to the file's directory (a config and its data travel
 *   together); paths from --set or -o are relative to the current directory (what a shell user means).
 * - Validation of single values happens when the key is seen; cross-key rules run at the end and
 *   name the key that carries the conflict. */
#include "ssoc/config.h"

#include "json.h"
#include "ssoc/model.h"
#include "ssoc/plausible.h"
#include "ssoc/suggest.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

enum key_id {
    K_DATA_FILE,
    K_DATA_DCRIT,
    K_DATA_ALLOW,
    K_FIT_PARAMS,
    K_FIT_FIX,
    K_FIT_METHOD,
    K_FIT_FREE,
    K_BOOT_B,
    K_BOOT_SEED,
    K_BOOT_SCHEME,
    K_BOOT_CONF,
    K_BOOT_INTERVAL,
    K_GRID_X,
    K_GRID_RHO,
    K_GRID_T,
    K_GRID_ALLOW,
    K_TARGET_SIGMA,
    K_OUT_FILE,
    K_OUT_BLOCK,
    K_COUNT
};

static const struct {
    const char *section, *key;
} keys[K_COUNT] = {
    [K_DATA_FILE] = {"data", "file"},          [K_DATA_DCRIT] = {"data", "d_crit"},
    [K_DATA_ALLOW] = {"data", "allow_implausible"}, [K_GRID_ALLOW] = {"grid", "allow_implausible"},
    [K_FIT_PARAMS] = {"fit", "params"},        [K_FIT_FIX] = {"fit", "fix"},
    [K_FIT_METHOD] = {"fit", "method"},       [K_FIT_FREE] = {"fit", "free"},
    [K_BOOT_B] = {"bootstrap", "B"},           [K_BOOT_SEED] = {"bootstrap", "seed"},
    [K_BOOT_SCHEME] = {"bootstrap", "scheme"}, [K_BOOT_CONF] = {"bootstrap", "confidence"},
    [K_BOOT_INTERVAL] = {"bootstrap", "interval"}, [K_GRID_X] = {"grid", "x"},
    [K_GRID_RHO] = {"grid", "rho"},            [K_GRID_T] = {"grid", "T"},
    [K_TARGET_SIGMA] = {"target", "sigma"},    [K_OUT_FILE] = {"output", "file"},
    [K_OUT_BLOCK] = {"output", "block"},
};

/* Where a key's value came from, for messages: "FILE:LINE" or "--set TEXT". */
typedef struct origin {
    int set;       /* 0 unset, 1 file, 2 --set */
    char where[SSOC_CONFIG_PATH_MAX + 64];
} origin;

typedef struct parser {
    ssoc_config *c;
    ssoc_error *err;
    int failed;
    const char *file;  /* config path for messages */
    char dir[SSOC_CONFIG_PATH_MAX];
    FILE *fp;
    int line;
    char raw[1024];    /* the current raw line, to detect continuations */
    int too_long;
    origin org[K_COUNT];
    int from_set;      /* the value being applied comes from --set (paths relative to CWD) */
    int maxline;       /* inih's line buffer size, as seen by the reader */
} parser;

static ssoc_status perr(parser *p, int k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "FILE:LINE: [section] key: MESSAGE" (or "--set TEXT: [section] key: MESSAGE"). */
static ssoc_status perr(parser *p, int k, const char *fmt, ...)
{
    if (p->failed)
        return SSOC_ECONFIG;
    char what[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    p->failed = 1;
    return SSOC_ERR(p->err, SSOC_ECONFIG, "%s: [%s] %s: %s", p->org[k].where, keys[k].section, keys[k].key, what);
}

static int parse_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(d))
        return -1;
    while (isspace((unsigned char)*end))
        ++end;
    if (*end)
        return -1;
    *v = d;
    return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
    while (isspace((unsigned char)*s))
        ++s;
    if (!isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long u = strtoull(s, &end, 10);
    if (errno == ERANGE)
        return -1;
    while (isspace((unsigned char)*end))
        ++end;
    if (*end)
        return -1;
    *v = (uint64_t)u;
    return 0;
}

static int resolve_path(const parser *p, const char *value, char *out)
{
    int n;
    if (value[0] == '/' || p->from_set || !p->dir[0])
        n = snprintf(out, SSOC_CONFIG_PATH_MAX, "%s", value);
    else
        n = snprintf(out, SSOC_CONFIG_PATH_MAX, "%.*s/%s", (int)strlen(p->dir), p->dir, value);
    return n < 0 || n >= SSOC_CONFIG_PATH_MAX ? -1 : 0;
}

ssoc_status ssoc_axis_parse(const char *text, double lo, int open_lo, double hi, int open_hi, ssoc_axis *a,
                            const char *what, ssoc_error *err)
{
    a->n = 0;
    a->range = 0;
    free(a->v);
    a->v = NULL;
    char buf[4096];
    if (strlen(text) >= sizeof buf)
        return SSOC_ERR(err, SSOC_ECONFIG, "%s: value too long", what);
    snprintf(buf, sizeof buf, "%s", text);
    if (strchr(buf, ':')) {
        char *f[4] = {0};
        int nf = 0;
        char *save = NULL;
        for (char *t = strtok_r(buf, ":", &save); t && nf < 4; t = strtok_r(NULL, ":", &save))
            f[nf++] = t;
        double start, stop;
        uint64_t count;
        if (nf != 3)
            return SSOC_ERR(err, SSOC_ECONFIG, "%s: '%s' is not start:stop:count", what, text);
        if (parse_double(f[0], &start) || parse_double(f[1], &stop))
            return SSOC_ERR(err, SSOC_ECONFIG, "%s: '%s': start and stop must be finite numbers", what, text);
        if (parse_u64(f[2], &count))
            return SSOC_ERR(err, SSOC_ECONFIG, "%s: '%s': count must be a positive integer", what, text);
        if (count == 0)
            return SSOC_ERR(err, SSOC_ECONFIG, "%s: '%s': count is 0", what, text);
        if (count > SSOC_AXIS_MAX)
            return SSOC_ERR(err, SSOC_ECONFIG, "%s: '%s': count %llu exceeds the limit %d", what, text,
                            (unsigned long long)count, SSOC_AXIS_MAX);
        if (count == 1 && start != stop)
            return SSOC_ERR(err, SSOC_ECONFIG, "%s: '%s': count 1 needs start == stop", what, text);
        if (count > 1 && !(start < stop))
            return SSOC_ERR(err, SSOC_ECONFIG, "%s: '%s': empty or inverted range (need start < stop)", what,
                            text);
        a->v = malloc(count * sizeof *a->v);
        if (!a->v)
            return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory", what);
        a->n = count;
        /* numpy.linspace: start + i * step, the last node exactly stop */
        const double step = count > 1 ? (stop - start) / (double)(count - 1) : 0.0;
        for (size_t i = 0; i < count; ++i)
            a->v[i] = start + (double)i * step;
        a->v[count - 1] = stop;
        a->range = 1, a->start = start, a->stop = stop;
        for (size_t i = 1; i < count; ++i)
            if (!(a->v[i] > a->v[i - 1])) {
                free(a->v);
                a->v = NULL;
                a->n = 0;
                return SSOC_ERR(err, SSOC_ECONFIG, "%s: '%s': nodes closer than the double resolution", what,
                                text);
            }
    } else {
        size_t cap = 1;
        for (const char *s = buf; *s; ++s)
            cap += *s == ',';
        if (cap > SSOC_AXIS_MAX)
            return SSOC_ERR(err, SSOC_ECONFIG, "%s: list of %zu values exceeds the limit %d", what, cap,
                            SSOC_AXIS_MAX);
        a->v = malloc(cap * sizeof *a->v);
        if (!a->v)
            return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory", what);
        size_t n = 0;
        /* strtok_r would skip empty items ("1,,2"), so split by hand */
        char *s = buf;
        for (;;) {
            char *comma = strchr(s, ',');
            if (comma)
                *comma = '\0';
            double v;
            if (parse_double(s, &v)) {
                free(a->v);
                a->v = NULL;
                return SSOC_ERR(err, SSOC_ECONFIG, "%s: list item %zu '%s' is not a finite number", what, n + 1,
                                s);
            }
            if (n > 0 && !(v > a->v[n - 1])) {
                ssoc_status st = SSOC_ERR(err, SSOC_ECONFIG,
                                          "%s: list must be strictly increasing (item %zu: %g after %g)", what,
                                          n + 1, v, a->v[n - 1]);
                free(a->v);
                a->v = NULL;
                return st;
            }
            a->v[n++] = v;
            if (!comma)
                break;
            s = comma + 1;
        }
        a->n = n;
    }
    const double first = a->v[0], last = a->v[a->n - 1];
    if ((open_lo ? !(first > lo) : !(first >= lo)) || (open_hi ? !(last < hi) : !(last <= hi))) {
        ssoc_status st = SSOC_ERR(err, SSOC_ECONFIG, "%s: values must lie in %s%g, %g%s (got %g .. %g)", what,
                                  open_lo ? "(" : "[", lo, hi, open_hi ? ")" : "]", first, last);
        free(a->v);
        a->v = NULL;
        a->n = 0;
        return st;
    }
    return SSOC_OK;
}

static void trim_copy(char *dst, size_t n, const char *s)
{
    while (isspace((unsigned char)*s))
        ++s;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        --len;
    if (len >= n)
        len = n - 1;
    memmove(dst, s, len); /* dst may be s itself (--set section and key are trimmed in place) */
    dst[len] = '\0';
}

/* "v_c=0.125, n_H=3" */
static ssoc_status parse_fix(parser *p, const char *value)
{
    ssoc_config *c = p->c;
    c->fixed_mask = 0;
    memset(&c->fixed, 0, sizeof c->fixed);
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", value);
    if (!buf[0])
        return SSOC_OK;
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            return perr(p, K_FIT_FIX, "'%s' is not NAME=VALUE", item);
        *eq = '\0';
        char name[64];
        trim_copy(name, sizeof name, item);
        int i = ssoc_param_index(name);
        if (i < 0)
            return perr(p, K_FIT_FIX, "unknown parameter '%s' (E0, alpha_E, v_c, n_H, beta0..beta3, ln_A)", name);
        double v;
        if (parse_double(eq + 1, &v))
            return perr(p, K_FIT_FIX, "%s: '%s' is not a finite number", name, eq + 1);
        if (c->fixed_mask & (1u << i))
            return perr(p, K_FIT_FIX, "%s is given twice", name);
        if ((i == SSOC_P_VC || i == SSOC_P_NH) && !(v > 0.0))
            return perr(p, K_FIT_FIX, "%s must be > 0 (got %g)", name, v);
        c->fixed_mask |= 1u << i;
        c->fixed.p[i] = v;
    }
    return SSOC_OK;
}

static ssoc_status apply(parser *p, int k, const char *value)
{
    ssoc_config *c = p->c;
    if (!value[0] && k != K_FIT_FIX && k != K_FIT_FREE)
        return perr(p, k, "empty value");
    double d;
    uint64_t u;
    ssoc_error e;
    switch (k) {
    case K_DATA_FILE: {
        if (resolve_path(p, value, c->data_file))
            return perr(p, k, "path too long");
        struct stat sb;
        if (stat(c->data_file, &sb) != 0 || !S_ISREG(sb.st_mode))
            return perr(p, k, "data file '%s' not found%s", c->data_file,
                        p->from_set || value[0] == '/' ? "" : " (relative to the config file's directory)");
        return SSOC_OK;
    }
    case K_DATA_ALLOW:
    case K_GRID_ALLOW: {
        int b;
        if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") || !strcmp(value, "1"))
            b = 1;
        else if (!strcasecmp(value, "false") || !strcasecmp(value, "no") || !strcmp(value, "0"))
            b = 0;
        else
            return perr(p, k, "'%s' is not true or false", value);
        *(k == K_DATA_ALLOW ? &c->allow_implausible_data : &c->allow_implausible_grid) = b;
        return SSOC_OK;
    }
    case K_DATA_DCRIT:
        if (parse_double(value, &d) || !(d > 0.0))
            return perr(p, k, "'%s' is not a positive number [angstrom]", value);
        c->d_crit_A = d;
        return SSOC_OK;
    case K_FIT_PARAMS:
        if (!strcmp(value, "fit")) {
            c->params = SSOC_PARAMS_FIT;
        } else if (!strcmp(value, "published")) {
            c->params = SSOC_PARAMS_PUBLISHED;
        } else {
            c->params = SSOC_PARAMS_FILE;
            if (resolve_path(p, value, c->params_file))
                return perr(p, k, "path too long");
            struct stat sb;
            if (stat(c->params_file, &sb) != 0 || !S_ISREG(sb.st_mode))
                return perr(p, k, "'%s' is neither fit, published nor an existing parameter file", value);
        }
        return SSOC_OK;
    case K_FIT_FIX:
        return parse_fix(p, value);
    case K_FIT_FREE:
        /* every parameter but ln A is free unless fixed; ln A is held at 0 unless freed here */
        c->free_ln_A = 0;
        if (!strcmp(value, "ln_A"))
            c->free_ln_A = 1;
        else if (value[0])
            return perr(p, k, "'%s': only ln_A can be listed (the other parameters are free unless fixed)", value);
        return SSOC_OK;
    case K_FIT_METHOD:
        if (ssoc_fit_method_parse(value, &c->method))
            return perr(p, k, "'%s' is not joint or staged", value);
        c->method_set = 1;
        return SSOC_OK;
    case K_BOOT_B:
        if (parse_u64(value, &u))
            return perr(p, k, "'%s' is not a positive integer", value);
        if (u < 2)
            return perr(p, k, "B = %llu: need at least 2 replicates", (unsigned long long)u);
        if (u > SSOC_BOOT_B_MAX)
            return perr(p, k, "B = %llu exceeds the limit %d", (unsigned long long)u, SSOC_BOOT_B_MAX);
        c->B = (size_t)u;
        return SSOC_OK;
    case K_BOOT_SEED:
        if (parse_u64(value, &u))
            return perr(p, k, "'%s' is not a non-negative 64-bit integer", value);
        c->seed = u;
        return SSOC_OK;
    case K_BOOT_SCHEME:
        if (ssoc_boot_scheme_parse(value, &c->scheme))
            return perr(p, k, "'%s' is not residual, stratified or case", value);
        return SSOC_OK;
    case K_BOOT_CONF:
        if (parse_double(value, &d) || !(d > 0.0 && d < 1.0))
            return perr(p, k, "'%s' is not a number in (0, 1)", value);
        c->confidence = d;
        return SSOC_OK;
    case K_BOOT_INTERVAL:
        if (ssoc_ci_method_parse(value, &c->interval))
            return perr(p, k, "'%s' is not expanded, percentile or bca", value);
        return SSOC_OK;
    case K_GRID_X:
    case K_GRID_RHO:
    case K_GRID_T: {
        ssoc_axis *a = k == K_GRID_X ? &c->x : k == K_GRID_RHO ? &c->rho : &c->T;
        /* physical domain: 0 < x < 1 (n_Li > 0 and 5 - 4x > 0), rho > 0, T > 0 */
        if (ssoc_axis_parse(value, 0.0, 1, k == K_GRID_X ? 1.0 : INFINITY, 1, a, "axis", &e)) {
            /* "x = 60:80:21" is a percentage; "T = -20, 0, 25" is in degrees Celsius */
            ssoc_axis t = {0};
            const int pct = k == K_GRID_X && !ssoc_axis_parse(value, 1.0, 1, 100.0, 1, &t, "axis", &e);
            const int cel = k == K_GRID_T && !ssoc_axis_parse(value, -273.15, 1, INFINITY, 1, &t, "axis", &e);
            free(t.v);
            ssoc_axis_parse(value, 0.0, 1, k == K_GRID_X ? 1.0 : INFINITY, 1, a, "axis", &e);
            return perr(p, k, "%s%s", e.msg + strlen("axis: "),
                        pct   ? ": it looks like a percentage (x is the Li2S fraction: 75 mol% is 0.75)"
                        : cel ? ": it looks like degrees Celsius (T [K] = T [C] + 273.15)"
                              : "");
        }
        return SSOC_OK;
    }
    case K_TARGET_SIGMA:
        if (parse_double(value, &d) || !(d > 0.0))
            return perr(p, k, "'%s' is not a positive conductivity [S/cm]", value);
        c->has_target = 1;
        c->target_sigma_S_cm = d;
        return SSOC_OK;
    case K_OUT_FILE:
        if (resolve_path(p, value, c->output_file))
            return perr(p, k, "path too long");
        return SSOC_OK;
    case K_OUT_BLOCK:
        if (parse_u64(value, &u) || u == 0)
            return perr(p, k, "'%s' is not a positive integer [(x, rho) columns]", value);
        if (u > SSOC_AXIS_MAX)
            return perr(p, k, "%llu exceeds the limit %d", (unsigned long long)u, SSOC_AXIS_MAX);
        c->block_columns = (size_t)u;
        return SSOC_OK;
    }
    return SSOC_OK;
}

/* The grid's rho and T and the target must be physically plausible (plausible.h) unless
 * [grid] allow_implausible; checked after every key is known, so the override may come later
 * in the file or from --set. */
static ssoc_status check_plausible(parser *p)
{
    const ssoc_config *c = p->c;
    if (c->allow_implausible_grid)
        return SSOC_OK;
    char why[400];
    static const char tail[] = "; [grid] allow_implausible = true for a deliberate out-of-range study";
    for (int a = 0; a < 2; ++a) {
        const ssoc_axis *ax = a ? &c->T : &c->rho;
        const ssoc_qty q = a ? SSOC_QTY_T : SSOC_QTY_RHO;
        const int k = a ? K_GRID_T : K_GRID_RHO;
        if (!p->org[k].set)
            continue; /* the default axes are plausible */
        if (!ssoc_plausible_check(q, ax->v[0], why, sizeof why) ||
            !ssoc_plausible_check(q, ax->v[ax->n - 1], why, sizeof why))
            return perr(p, k, "%s%s", why, tail);
    }
    if (c->has_target && !ssoc_plausible_check(SSOC_QTY_SIGMA, c->target_sigma_S_cm, why, sizeof why))
        return perr(p, K_TARGET_SIGMA, "%s%s", why, tail);
    return SSOC_OK;
}

static int find_key(const char *section, const char *name)
{
    for (int k = 0; k < K_COUNT; ++k)
        if (!strcmp(keys[k].section, section) && !strcmp(keys[k].key, name))
            return k;
    return -1;
}

static int section_known(const char *section)
{
    for (int k = 0; k < K_COUNT; ++k)
        if (!strcmp(keys[k].section, section))
            return 1;
    return 0;
}

/* " (did you mean 'X'?)" for an unknown section, or for an unknown key of a known section (a key
 * of another section counts too: "[grid] sigma" is probably [target] sigma) */
static const char *did_you_mean(const char *section, const char *name, char *buf, size_t cap)
{
    const char *cands[K_COUNT];
    char full[K_COUNT][80];
    size_t n = 0;
    buf[0] = '\0';
    if (!section_known(section)) {
        for (int k = 0; k < K_COUNT; ++k)
            if (k == 0 || strcmp(keys[k].section, keys[k - 1].section))
                cands[n++] = keys[k].section;
        return ssoc_suggest_append(buf, cap, section, cands, n);
    }
    for (int k = 0; k < K_COUNT; ++k)
        if (!strcmp(keys[k].section, section))
            cands[n++] = keys[k].key;
    if (ssoc_suggest(name, cands, n))
        return ssoc_suggest_append(buf, cap, name, cands, n);
    n = 0;
    for (int k = 0; k < K_COUNT; ++k)
        if (!strcmp(keys[k].key, name)) {
            snprintf(full[n], sizeof full[n], "[%s] %s", keys[k].section, keys[k].key);
            cands[n] = full[n];
            ++n;
        }
    if (n)
        snprintf(buf, cap, " (did you mean '%s'?)", cands[0]);
    return buf;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parser *p = user;
    if (p->failed)
        return 0;
    const char *raw = p->raw;
    const char *s = raw;
    while (isspace((unsigned char)*s))
        ++s;
    size_t nlen = strlen(name);
    const char *after = s + nlen;
    while (*after == ' ' || *after == '\t')
        ++after;
    /* an indented line that is not "name = value" is inih's continuation of the previous key */
    if (s != raw && !(strncmp(s, name, nlen) == 0 && (*after == '=' || *after == ':'))) {
        char shown[64];
        trim_copy(shown, sizeof shown, s);
        p->failed = 1;
        SSOC_ERR(p->err, SSOC_ECONFIG,
                 "%s:%d: [%s] %s: indented line '%s' would continue the previous value; remove the indentation",
                 p->file, p->line, section, name, shown);
        return 0;
    }
    if (!section[0]) {
        p->failed = 1;
        SSOC_ERR(p->err, SSOC_ECONFIG, "%s:%d: key '%s' before any [section]", p->file, p->line, name);
        return 0;
    }
    if (!section_known(section)) {
        p->failed = 1;
        char dym[128];
        SSOC_ERR(p->err, SSOC_ECONFIG,
                 "%s:%d: [%s]: unknown section%s (known: data, fit, bootstrap, grid, target, output)", p->file,
                 p->line, section, did_you_mean(section, name, dym, sizeof dym));
        return 0;
    }
    int k = find_key(section, name);
    if (k < 0) {
        p->failed = 1;
        char dym[128];
        SSOC_ERR(p->err, SSOC_ECONFIG, "%s:%d: [%s] %s: unknown key%s", p->file, p->line, section, name,
                 did_you_mean(section, name, dym, sizeof dym));
        return 0;
    }
    if (p->org[k].set) {
        char first[SSOC_CONFIG_PATH_MAX + 64];
        snprintf(first, sizeof first, "%s", p->org[k].where);
        snprintf(p->org[k].where, sizeof p->org[k].where, "%s:%d", p->file, p->line);
        perr(p, k, "duplicate key (first given at %s)", first);
        return 0;
    }
    p->org[k].set = 1;
    snprintf(p->org[k].where, sizeof p->org[k].where, "%s:%d", p->file, p->line);
    return apply(p, k, value) == SSOC_OK;
}

/* fgets-style reader that counts lines and refuses lines longer than inih's buffer. */
static char *reader(char *str, int num, void *stream)
{
    parser *p = stream;
    if (p->too_long || p->failed)
        return NULL;
    if (!fgets(str, num, p->fp))
        return NULL;
    p->line++;
    p->maxline = num;
    size_t len = strlen(str);
    if (len == (size_t)num - 1 && str[len - 1] != '\n' && !feof(p->fp)) {
        p->too_long = 1;
        return NULL;
    }
    snprintf(p->raw, sizeof p->raw, "%s", str);
    return str;
}

static void config_render(const ssoc_config *c, int with_paths, char **out)
{
    size_t cap = 1 << 14;
    for (int a = 0; a < 3; ++a) {
        const ssoc_axis *ax = a == 0 ? &c->x : a == 1 ? &c->rho : &c->T;
        cap += ax->n * 26;
    }
    cap += 3 * SSOC_CONFIG_PATH_MAX;
    char *s = malloc(cap);
    if (!s) {
        *out = NULL;
        return;
    }
    size_t n = 0;
    char num[40], num2[40];
    /* N(v): v in its shortest form that reads back to the same double (the text is the resume key:
     * it must stay exact) */
#define N(v) (ssoc_json_format_double(num, sizeof num, (v)), num)
#define PUT(...) n += (size_t)snprintf(s + n, cap - n, __VA_ARGS__)
    PUT("[data]\n");
    if (with_paths)
        PUT("file = %s\n", c->data_file);
    PUT("d_crit = %s\n", N(c->d_crit_A));
    if (c->allow_implausible_data)
        PUT("allow_implausible = true\n");
    PUT("[fit]\n");
    if (c->params == SSOC_PARAMS_FIT)
        PUT("params = fit\n");
    else if (c->params == SSOC_PARAMS_PUBLISHED)
        PUT("params = published\n");
    else
        PUT("params = %s\n", with_paths ? c->params_file : "file");
    if (c->params != SSOC_PARAMS_FILE)
        PUT("method = %s\n", ssoc_fit_method_name(c->method));
    PUT("fix =");
    for (int i = 0, first = 1; i < SSOC_NPARAM; ++i)
        if (c->fixed_mask & (1u << i)) {
            PUT("%s %s=%s", first ? "" : ",", ssoc_param_name(i), N(c->fixed.p[i]));
            first = 0;
        }
    if (c->free_ln_A)
        PUT("\nfree = ln_A");
    PUT("\n[bootstrap]\n");
    PUT("B = %zu\nseed = %llu\nscheme = %s\nconfidence = %s\ninterval = %s\n", c->B, (unsigned long long)c->seed,
        ssoc_boot_scheme_name(c->scheme), N(c->confidence), ssoc_ci_method_name(c->interval));
    /* an axis as it was given: start:stop:count, or the list */
    PUT("[grid]\n");
    for (int a = 0; a < 3; ++a) {
        const ssoc_axis *ax = a == 0 ? &c->x : a == 1 ? &c->rho : &c->T;
        PUT("%s =", a == 0 ? "x" : a == 1 ? "rho" : "T");
        if (ax->range) {
            ssoc_json_format_double(num2, sizeof num2, ax->stop);
            PUT(" %s:%s:%zu", N(ax->start), num2, ax->n);
        }
        for (size_t i = 0; !ax->range && i < ax->n; ++i)
            PUT("%s %s", i ? "," : "", N(ax->v[i]));
        PUT("\n");
    }
    if (c->allow_implausible_grid)
        PUT("allow_implausible = true\n");
    PUT("[target]\n");
    if (c->has_target)
        PUT("sigma = %s\n", N(c->target_sigma_S_cm));
    PUT("[output]\n");
    if (with_paths)
        PUT("file = %s\n", c->output_file);
    PUT("block = %zu\n", c->block_columns);
#undef PUT
#undef N
    *out = s;
}

void ssoc_config_default(ssoc_config *c)
{
    memset(c, 0, sizeof *c);
    c->d_crit_A = SSOC_D_CRIT_DEFAULT_A;
    c->params = SSOC_PARAMS_FIT;
    c->B = SSOC_BOOT_B_DEFAULT;
    c->seed = SSOC_BOOT_SEED_DEFAULT;
    c->method = SSOC_FIT_METHOD_DEFAULT;
    c->scheme = SSOC_BOOT_SCHEME_DEFAULT;
    c->confidence = SSOC_BOOT_CONF_DEFAULT;
    c->interval = SSOC_BOOT_INTERVAL_DEFAULT;
    c->block_columns = SSOC_BLOCK_DEFAULT;
}

void ssoc_config_free(ssoc_config *c)
{
    if (!c)
        return;
    free(c->x.v);
    free(c->rho.v);
    free(c->T.v);
    free(c->text);
    free(c->resume_key);
    c->x.v = c->rho.v = c->T.v = NULL;
    c->x.n = c->rho.n = c->T.n = 0;
    c->text = c->resume_key = NULL;
}

static ssoc_status set_default_axes(parser *p)
{
    /* The default grid (issue 7): 201 x 181 x 11, covering the shipped data (x 0.666-0.75,
     * rho 1.40-2.15 at 500 K) with margin, and 300-800 K for temperature studies. */
    ssoc_error e;
    ssoc_config *c = p->c;
    if (!c->x.v && ssoc_axis_parse("0.60:0.80:201", 0, 1, 1, 1, &c->x, "x", &e))
        return SSOC_ERR(p->err, e.code, "%s", e.msg);
    if (!c->rho.v && ssoc_axis_parse("1.30:2.20:181", 0, 1, INFINITY, 1, &c->rho, "rho", &e))
        return SSOC_ERR(p->err, e.code, "%s", e.msg);
    if (!c->T.v && ssoc_axis_parse("300:800:11", 0, 1, INFINITY, 1, &c->T, "T", &e))
        return SSOC_ERR(p->err, e.code, "%s", e.msg);
    return SSOC_OK;
}

ssoc_status ssoc_config_load(const char *path, const char *const *sets, size_t nsets, ssoc_config *c,
                             ssoc_error *err)
{
    ssoc_config_default(c);
    parser *p = calloc(1, sizeof *p);
    if (!p)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    p->c = c;
    p->err = err;
    ssoc_status st = SSOC_OK;
    if (path) {
        snprintf(c->path, sizeof c->path, "%s", path);
        p->file = path;
        const char *slash = strrchr(path, '/');
        if (slash)
            snprintf(p->dir, sizeof p->dir, "%.*s", (int)(slash - path), path);
        if (slash == path)
            snprintf(p->dir, sizeof p->dir, "/");
        p->fp = fopen(path, "r");
        if (!p->fp) {
            st = SSOC_ERR(err, SSOC_ECONFIG, "%s: cannot open config file: %s", path, strerror(errno));
            goto fail;
        }
        int r = ini_parse_stream(reader, p, handler, p);
        fclose(p->fp);
        p->fp = NULL;
        if (p->failed) {
            st = SSOC_ECONFIG;
            goto fail;
        }
        if (p->too_long) {
            st = SSOC_ERR(err, SSOC_ECONFIG, "%s:%d: line longer than %d characters (use start:stop:count)",
                          path, p->line, p->maxline - 3);
            goto fail;
        }
        if (r != 0) {
            st = SSOC_ERR(err, SSOC_ECONFIG, "%s:%d: syntax error (expected [section], key = value or a comment)",
                          path, r);
            goto fail;
        }
    }
    int set_seen[K_COUNT] = {0};
    for (size_t i = 0; i < nsets; ++i) {
        const char *s = sets[i];
        const char *dot = strchr(s, '.'), *eq = strchr(s, '=');
        if (!dot || !eq || dot > eq) {
            st = SSOC_ERR(err, SSOC_ECONFIG, "--set %s: expected SECTION.KEY=VALUE", s);
            goto fail;
        }
        char section[64], name[64], value[4096];
        snprintf(section, sizeof section, "%.*s", (int)(dot - s), s);
        snprintf(name, sizeof name, "%.*s", (int)(eq - dot - 1), dot + 1);
        trim_copy(section, sizeof section, section);
        trim_copy(name, sizeof name, name);
        trim_copy(value, sizeof value, eq + 1);
        int k = find_key(section, name);
        if (k < 0) {
            char dym[128];
            st = SSOC_ERR(err, SSOC_ECONFIG, "--set %s: [%s] %s: unknown %s%s", s, section, name,
                          section_known(section) ? "key" : "section", did_you_mean(section, name, dym, sizeof dym));
            goto fail;
        }
        if (set_seen[k]) {
            st = SSOC_ERR(err, SSOC_ECONFIG, "--set %s: [%s] %s: given twice with --set", s, section, name);
            goto fail;
        }
        set_seen[k] = 1;
        p->org[k].set = 2;
        snprintf(p->org[k].where, sizeof p->org[k].where, "--set %s", s);
        p->from_set = 1;
        st = apply(p, k, value);
        p->from_set = 0;
        if (st)
            goto fail;
    }
    /* cross-key rules and requirements */
    if (!c->data_file[0]) {
        st = SSOC_ERR(err, SSOC_ECONFIG, "%s: [data] file: missing (the MD data CSV is required)",
                      path ? path : "(no config)");
        goto fail;
    }
    if (c->fixed_mask && c->params != SSOC_PARAMS_FIT) {
        st = perr(p, K_FIT_FIX, "only applies with params = fit (published and file sets carry their own)");
        goto fail;
    }
    if (c->free_ln_A && c->params != SSOC_PARAMS_FIT) {
        st = perr(p, K_FIT_FREE, "only applies with params = fit (published and file sets carry their own)");
        goto fail;
    }
    if (c->free_ln_A && (c->fixed_mask >> SSOC_P_LNA) & 1u) {
        st = perr(p, K_FIT_FREE, "ln_A is also in [fit] fix: free it or fix it, not both");
        goto fail;
    }
    if (c->method_set && c->params == SSOC_PARAMS_FILE) {
        st = perr(p, K_FIT_METHOD, "does not apply with a parameter file (the file records the method it was fitted "
                                   "with, and its replicates are refitted the same way)");
        goto fail;
    }
    if ((st = set_default_axes(p)))
        goto fail;
    if ((st = check_plausible(p)))
        goto fail;
    const double npts = (double)c->x.n * (double)c->rho.n * (double)c->T.n;
    if (npts > SSOC_GRID_POINTS_MAX) {
        st = SSOC_ERR(err, SSOC_ECONFIG, "%s: [grid]: %zu x %zu x %zu = %.3g points exceeds the limit %d",
                      path ? path : "--set", c->x.n, c->rho.n, c->T.n, npts, SSOC_GRID_POINTS_MAX);
        goto fail;
    }
    /* The structure layers must be numbers over the whole grid (issue 8: no NaN in a dataset):
     * n_Li grows with x and rho, |v_f| with rho, so the largest rho decides. Only absurd
     * densities (~1e154 g/cm3 for v_f^2) fail; sigma itself is checked where it is computed. */
    for (size_t i = 0; i < c->x.n; ++i) {
        const double rmax = c->rho.v[c->rho.n - 1], vf = ssoc_model_vf(c->x.v[i], rmax);
        if (!isfinite(ssoc_model_nLi_cm3(c->x.v[i], rmax)) || !isfinite(vf * vf)) {
            st = perr(p, K_GRID_RHO, "%g g/cm3 at x = %g overflows n_Li or v_f^2: the model has no finite value there",
                      rmax, c->x.v[i]);
            goto fail;
        }
    }
    if (!c->output_file[0]) {
        /* default: CONFIG_BASENAME.h5 in the current directory */
        const char *base = path ? strrchr(path, '/') : NULL;
        base = base ? base + 1 : path ? path : "ssoc_sweep.ini";
        size_t len = strlen(base);
        const char *dot = strrchr(base, '.');
        if (dot && dot != base)
            len = (size_t)(dot - base);
        snprintf(c->output_file, sizeof c->output_file, "%.*s.h5", (int)len, base);
    }
    config_render(c, 1, &c->text);
    config_render(c, 0, &c->resume_key);
    if (!c->text || !c->resume_key) {
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
        goto fail;
    }
    free(p);
    return SSOC_OK;
fail:
    if (p->fp)
        fclose(p->fp);
    free(p);
    ssoc_config_free(c);
    if (err && err->code == SSOC_OK)
        SSOC_ERR(err, SSOC_ECONFIG, "invalid configuration");
    return st ? st : SSOC_ECONFIG;
}
