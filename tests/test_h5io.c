/* The HDF5 layer (h5io.h), serial: a dataset written piecewise allocates only the chunks it was
 * written to, reads as the fill value elsewhere, and ssoc_h5_fill_unallocated writes the fill value
 * into exactly the missing chunks (what a serial .partial needs before parallel HDF5 resumes it,
 * src/sweepfile_write.c) without changing what the file reads. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ssoc/h5io.h"

/* [2][100][500] doubles: a rho row of all T is 8000 bytes, so a chunk holds 8 rows (64 kB at
 * most) and the dataset has 13 chunks along rho (the last one 4 rows) */
#define NT 2
#define NR 100
#define NX 500
#define NCHUNK 13

static char path[64];

static void make_path(void)
{
    snprintf(path, sizeof path, "/tmp/ssoc_test_h5io_XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
}

static void remove_path(void) { unlink(path); }

/* value of column c at T index t, as written */
static double value(size_t t, size_t c) { return 1.0 + (double)t * 1e6 + (double)c; }

/* A new file with /m [NT][NR][NX] (fill = 1) whose columns [c0, c1) are written. */
static void write_part(size_t c0, size_t c1)
{
    ssoc_error err = {0};
    ssoc_h5 *h = NULL;
    cr_assert_eq(ssoc_h5_create(path, &h, &err), SSOC_OK, "%s", err.msg);
    const size_t dims[3] = {NT, NR, NX};
    cr_assert_eq(ssoc_h5_dataset(h, "/m", SSOC_H5_F64, 3, dims, 1, &err), SSOC_OK, "%s", err.msg);
    const size_t n = c1 - c0;
    double *buf = malloc(NT * n * sizeof *buf);
    cr_assert_not_null(buf);
    for (size_t t = 0; t < NT; ++t)
        for (size_t c = c0; c < c1; ++c)
            buf[t * n + c - c0] = value(t, c);
    cr_assert_eq(ssoc_h5_write_columns(h, "/m", c0, c1, buf, &err), SSOC_OK, "%s", err.msg);
    free(buf);
    cr_assert_eq(ssoc_h5_close(h, &err), SSOC_OK, "%s", err.msg);
}

/* /m reads as written in [c0, c1) and as NaN elsewhere */
static void check_reads(size_t c0, size_t c1)
{
    ssoc_error err = {0};
    ssoc_h5 *h = NULL;
    cr_assert_eq(ssoc_h5_open_rw(path, &h, &err), SSOC_OK, "%s", err.msg);
    double *v = malloc(NT * NR * NX * sizeof *v);
    cr_assert_not_null(v);
    cr_assert_eq(ssoc_h5_read_all(h, "/m", SSOC_H5_F64, NT * NR * NX, v, &err), SSOC_OK, "%s", err.msg);
    size_t bad = 0;
    for (size_t t = 0; t < NT; ++t)
        for (size_t c = 0; c < NR * NX; ++c) {
            const double x = v[t * NR * NX + c];
            bad += c >= c0 && c < c1 ? x != value(t, c) : !isnan(x);
        }
    free(v);
    cr_assert_eq(ssoc_h5_close(h, &err), SSOC_OK, "%s", err.msg);
    cr_expect_eq(bad, 0, "%zu values differ from what was written (or NaN where nothing was)", bad);
}

TestSuite(h5io, .init = make_path, .fini = remove_path);

Test(h5io, fills_exactly_the_missing_chunks)
{
    write_part(0, 2 * NX); /* rows 0-1: the first chunk, partly */
    check_reads(0, 2 * NX);
    size_t n = 99;
    ssoc_error err = {0};
    cr_assert_eq(ssoc_h5_fill_unallocated(path, &n, &err), SSOC_OK, "%s", err.msg);
    cr_expect_eq(n, NCHUNK - 1, "filled %zu chunks, expected the %d never written", n, NCHUNK - 1);
    check_reads(0, 2 * NX);
    cr_assert_eq(ssoc_h5_fill_unallocated(path, &n, &err), SSOC_OK, "%s", err.msg);
    cr_expect_eq(n, 0, "a second pass filled %zu chunks", n);
}

Test(h5io, a_chunk_in_the_middle)
{
    write_part(50 * NX + 7, 60 * NX + 3); /* rows 50-60: chunks 6 and 7 */
    size_t n = 0;
    ssoc_error err = {0};
    cr_assert_eq(ssoc_h5_fill_unallocated(path, &n, &err), SSOC_OK, "%s", err.msg);
    cr_expect_eq(n, NCHUNK - 2);
    check_reads(50 * NX + 7, 60 * NX + 3);
}

Test(h5io, a_file_that_is_not_hdf5)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("not an HDF5 file\n", f);
    fclose(f);
    ssoc_error err = {0};
    cr_expect_eq(ssoc_h5_fill_unallocated(path, NULL, &err), SSOC_EHDF5);
    cr_expect(strstr(err.msg, path) && strstr(err.msg, "cannot open"), "message: %s", err.msg);
}
