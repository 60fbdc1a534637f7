/* Generic CSV table: the whole file is read once into memory, hashed from those same bytes (so the
 * checksum in provenance is of exactly what was parsed), and split in place into NUL-terminated
 * fields. Every error names FILE:LINE so a user can go straight to the offending line. */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "ssoc/data.h"
#include "ssoc/io.h"

struct ssoc_csv {
    char *path;
    char sha256[65];
    char *buf;          /* file bytes + 1; fields point into it */
    int header_line;
    int ncol;
    char **names;       /* ncol trimmed column names */
    size_t nrows, cap;  /* data rows, allocated rows */
    char **fields;      /* nrows * ncol trimmed fields, row-major */
    int *lines;         /* nrows 1-based source lines */
};

static int csv_is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static char *csv_trim(char *s)
{
    while (csv_is_blank(*s))
        ++s;
    char *e = s + strlen(s);
    while (e > s && csv_is_blank(e[-1]))
        --e;
    *e = '\0';
    return s;
}

static void csv_hex(const unsigned char *md, unsigned int len, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned int i = 0; i < len && i < 32; ++i) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 0xf];
    }
    hex[64] = '\0';
}

ssoc_status ssoc_sha256_file(const char *path, char hex[65], ssoc_error *err)
{
    hex[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot open: %s", path, strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx) {
        fclose(f);
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: cannot allocate a SHA-256 context", path);
    }
    ssoc_status st = SSOC_OK;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        st = SSOC_ERR(err, SSOC_EIO, "%s: SHA-256 initialisation failed (OpenSSL)", path);
        goto done;
    }
    unsigned char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (EVP_DigestUpdate(ctx, chunk, got) != 1) {
            st = SSOC_ERR(err, SSOC_EIO, "%s: SHA-256 update failed (OpenSSL)", path);
            goto done;
        }
    }
    if (ferror(f)) {
        st = SSOC_ERR(err, SSOC_EIO, "%s: read error: %s", path, strerror(errno));
        goto done;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
        st = SSOC_ERR(err, SSOC_EIO, "%s: SHA-256 finalisation failed (OpenSSL)", path);
        goto done;
    }
    csv_hex(md, mdlen, hex);
done:
    EVP_MD_CTX_free(ctx);
    fclose(f);
    return st;
}

void ssoc_csv_free(ssoc_csv *t)
{
    if (!t)
        return;
    free(t->path);
    free(t->buf);
    free(t->names);
    free(t->fields);
    free(t->lines);
    free(t);
}

static size_t csv_count_fields(const char *s)
{
    size_t n = 1;
    for (; *s; ++s)
        n += (*s == ',');
    return n;
}

/* Split line s (NUL-terminated, modified in place) into exactly n trimmed fields. */
static void csv_split(char *s, char **dst, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        char *c = strchr(s, ',');
        if (c)
            *c = '\0';
        dst[i] = csv_trim(s);
        s = c ? c + 1 : s + strlen(s);
    }
}

static ssoc_status csv_header(ssoc_csv *t, char *s, int lineno, ssoc_error *err)
{
    const char *path = t->path;
    const char *q = strchr(s, '"');
    if (q)
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: header: '\"' found; quoted column names are not supported",
                        path, lineno);
    size_t n = csv_count_fields(s);
    if (n > INT_MAX)
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: header: too many columns (%zu)", path, lineno, n);
    t->names = malloc(n * sizeof *t->names);
    if (!t->names)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s:%d: out of memory for the header", path, lineno);
    csv_split(s, t->names, n);
    t->ncol = (int)n;
    t->header_line = lineno;
    for (size_t i = 0; i < n; ++i) {
        if (t->names[i][0] == '\0')
            return SSOC_ERR(err, SSOC_EDATA, "%s:%d: header: column %zu has an empty name", path, lineno, i + 1);
        for (size_t j = 0; j < i; ++j)
            if (strcmp(t->names[i], t->names[j]) == 0)
                return SSOC_ERR(err, SSOC_EDATA, "%s:%d: header: duplicate column '%s' (columns %zu and %zu)",
                                path, lineno, t->names[i], j + 1, i + 1);
    }
    return SSOC_OK;
}

static ssoc_status csv_row(ssoc_csv *t, char *s, int lineno, ssoc_error *err)
{
    const char *path = t->path;
    size_t ncol = (size_t)t->ncol;
    const char *q = strchr(s, '"');
    if (q) {
        /* Name the column the quote sits in, so the user sees where it is before any raggedness
         * an embedded comma would cause. */
        size_t k = 0;
        for (const char *c = s; c < q; ++c)
            k += (*c == ',');
        if (k < ncol)
            return SSOC_ERR(err, SSOC_EDATA,
                            "%s:%d: column '%s': '\"' found; quoted fields are not supported", path, lineno,
                            t->names[k]);
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: field %zu: '\"' found; quoted fields are not supported", path,
                        lineno, k + 1);
    }
    size_t n = csv_count_fields(s);
    if (n != ncol)
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: expected %zu fields (as in the header on line %d), found %zu",
                        path, lineno, ncol, t->header_line, n);
    if (t->nrows == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 64;
        if (nc > SIZE_MAX / sizeof(char *) / ncol)
            return SSOC_ERR(err, SSOC_ENOMEM, "%s:%d: too many rows", path, lineno);
        char **nf = realloc(t->fields, nc * ncol * sizeof *nf);
        if (!nf)
            return SSOC_ERR(err, SSOC_ENOMEM, "%s:%d: out of memory", path, lineno);
        t->fields = nf;
        int *nl = realloc(t->lines, nc * sizeof *nl);
        if (!nl)
            return SSOC_ERR(err, SSOC_ENOMEM, "%s:%d: out of memory", path, lineno);
        t->lines = nl;
        t->cap = nc;
    }
    csv_split(s, t->fields + t->nrows * ncol, ncol);
    t->lines[t->nrows] = lineno;
    t->nrows++;
    return SSOC_OK;
}

ssoc_status ssoc_csv_read(const char *path, ssoc_csv **out, ssoc_error *err)
{
    if (!out)
        return SSOC_ERR(err, SSOC_EINVAL, "ssoc_csv_read: NULL output pointer");
    *out = NULL;
    if (!path)
        return SSOC_ERR(err, SSOC_EINVAL, "ssoc_csv_read: NULL path");
    ssoc_csv *t = calloc(1, sizeof *t);
    if (!t)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory", path);
    t->path = strdup(path);
    if (!t->path) {
        ssoc_csv_free(t);
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory", path);
    }
    size_t len = 0;
    /* bounded, never blocking on a FIFO, NUL bytes refused with their line (io.h) */
    ssoc_status st = ssoc_io_read_file(path, "CSV data file", SSOC_READ_MAX_CSV, SSOC_READ_TEXT, &t->buf, &len, err);
    if (st != SSOC_OK) {
        ssoc_csv_free(t);
        return st;
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(t->buf, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32) {
        ssoc_csv_free(t);
        return SSOC_ERR(err, SSOC_EIO, "%s: SHA-256 failed (OpenSSL)", path);
    }
    csv_hex(md, mdlen, t->sha256);

    char *p = t->buf, *end = t->buf + len;
    /* Spreadsheets often prepend a UTF-8 BOM; left in, it would glue itself to the first column name. */
    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    int lineno = 0;
    while (p < end) {
        if (lineno == INT_MAX) {
            ssoc_csv_free(t);
            return SSOC_ERR(err, SSOC_EDATA, "%s: more than %d lines", path, INT_MAX);
        }
        ++lineno;
        /* a line ends at LF, CRLF or a lone CR (spreadsheets' "CSV (Macintosh)"); the reader
         * refused NUL bytes, so the buffer is one C string */
        char *eol = strpbrk(p, "\r\n");
        if (!eol)
            eol = end;
        char *next = eol == end ? end : eol + (eol[0] == '\r' && eol[1] == '\n' ? 2 : 1);
        *eol = '\0';
        char *s = p;
        p = next;
        while (csv_is_blank(*s))
            ++s;
        if (*s == '\0' || *s == '#')
            continue;
        st = t->names ? csv_row(t, s, lineno, err) : csv_header(t, s, lineno, err);
        if (st != SSOC_OK) {
            ssoc_csv_free(t);
            return st;
        }
    }
    if (!t->names) {
        st = (lineno == 0) ? SSOC_ERR(err, SSOC_EDATA, "%s:1: empty file, expected a header line", path)
                           : SSOC_ERR(err, SSOC_EDATA, "%s:%d: no header line (only comments and blank lines)",
                                      path, lineno);
        ssoc_csv_free(t);
        return st;
    }
    if (t->nrows == 0) {
        st = SSOC_ERR(err, SSOC_EDATA, "%s:%d: header but no data rows", path, t->header_line);
        ssoc_csv_free(t);
        return st;
    }
    *out = t;
    return SSOC_OK;
}

int ssoc_csv_column(const ssoc_csv *t, const char *name)
{
    if (!t || !name)
        return -1;
    while (csv_is_blank(*name))
        ++name;
    size_t n = strlen(name);
    while (n > 0 && csv_is_blank(name[n - 1]))
        --n;
    for (int i = 0; i < t->ncol; ++i)
        if (strlen(t->names[i]) == n && memcmp(t->names[i], name, n) == 0)
            return i;
    return -1;
}

int ssoc_csv_ncols(const ssoc_csv *t) { return t ? t->ncol : 0; }

const char *ssoc_csv_column_name(const ssoc_csv *t, int col)
{
    return (t && col >= 0 && col < t->ncol) ? t->names[col] : NULL;
}

int ssoc_csv_header_line(const ssoc_csv *t) { return t ? t->header_line : 0; }

size_t ssoc_csv_nrows(const ssoc_csv *t) { return t ? t->nrows : 0; }

int ssoc_csv_line(const ssoc_csv *t, size_t row) { return (t && row < t->nrows) ? t->lines[row] : 0; }

const char *ssoc_csv_field(const ssoc_csv *t, size_t row, int col)
{
    if (!t || row >= t->nrows || col < 0 || col >= t->ncol)
        return NULL;
    return t->fields[row * (size_t)t->ncol + (size_t)col];
}

const char *ssoc_csv_path(const ssoc_csv *t) { return t ? t->path : NULL; }

const char *ssoc_csv_sha256(const ssoc_csv *t) { return t ? t->sha256 : NULL; }

ssoc_status ssoc_csv_get_double(const ssoc_csv *t, size_t row, int col, double *v, ssoc_error *err)
{
    const char *s = ssoc_csv_field(t, row, col);
    if (!s || !v)
        return SSOC_ERR(err, SSOC_EINVAL, "ssoc_csv_get_double: row %zu / column %d out of range", row, col);
    const char *path = t->path, *name = t->names[col];
    int line = t->lines[row];
    if (*s == '\0')
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': empty field, expected a number", path, line, name);
    char *endp = NULL;
    errno = 0;
    double d = strtod(s, &endp);
    int range = errno == ERANGE;
    if (endp == s || *endp != '\0')
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': '%s' is not a number", path, line, name, s);
    if (isnan(d))
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': '%s' is NaN, expected a finite number", path, line,
                        name, s);
    if (isinf(d))
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': '%s' %s, expected a finite number", path, line,
                        name, s, range ? "overflows a double" : "is infinite");
    /* glibc flags ERANGE for results below DBL_MIN (subnormal or flushed to zero): the value would
     * silently lose precision or become 0, so say so instead. */
    if (range)
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': '%s' underflows a double (magnitude below %g)",
                        path, line, name, s, DBL_MIN);
    *v = d;
    return SSOC_OK;
}

/* "x, rho, ..." of the header, for messages about a missing column; cut with "..." if long. */
void ssoc_csv_header_text(const ssoc_csv *t, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < ssoc_csv_ncols(t); ++i) {
        int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", ssoc_csv_column_name(t, i));
        if (w < 0 || (size_t)w >= cap - used) {
            if (cap >= 4)
                strcpy(buf + cap - 4, "...");
            return;
        }
        used += (size_t)w;
    }
}

ssoc_status ssoc_csv_missing_column(const ssoc_csv *t, const char *name, ssoc_error *err)
{
    char list[400];
    ssoc_csv_header_text(t, list, sizeof list);
    /* Column names are case-sensitive; point out a near miss rather than leave the user guessing. */
    for (int i = 0; i < ssoc_csv_ncols(t); ++i)
        if (strcasecmp(ssoc_csv_column_name(t, i), name) == 0)
            return SSOC_ERR(err, SSOC_EDATA,
                            "%s:%d: missing required column '%s' (found '%s': column names are case-sensitive)",
                            ssoc_csv_path(t), ssoc_csv_header_line(t), name, ssoc_csv_column_name(t, i));
    return SSOC_ERR(err, SSOC_EDATA, "%s:%d: missing required column '%s' (header: %s)", ssoc_csv_path(t),
                    ssoc_csv_header_line(t), name, list);
}

ssoc_status ssoc_csv_get_positive(const ssoc_csv *t, size_t row, int col, double *v, ssoc_error *err)
{
    ssoc_status st = ssoc_csv_get_double(t, row, col, v, err);
    if (st != SSOC_OK)
        return st;
    if (!(*v > 0.0))
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': '%s' must be > 0", ssoc_csv_path(t),
                        ssoc_csv_line(t, row), ssoc_csv_column_name(t, col), ssoc_csv_field(t, row, col));
    return SSOC_OK;
}
