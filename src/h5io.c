/* The only file that calls HDF5. Parallel flavour required (docs/BUILDING.md, "CMake"); with MPI
 * active the file uses the MPI-IO driver and collective raw-data transfers, otherwise the serial
 * driver. MPI_COMM_WORLD and MPI_INFO_NULL are handed to HDF5's driver here; every MPI call proper
 * lives in par.c. */
#include "ssoc/h5io.h"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5io_private.h"
#include "ssoc/io.h"
#include "ssoc/par.h"

#ifndef H5_HAVE_PARALLEL
#error "ssoc needs the parallel flavour of HDF5 (Debian: libhdf5-openmpi-dev)"
#endif

/* Set when H5Fclose failed: HDF5 1.10.8 then leaves the file's ID registered with its shared part
 * already freed (H5F_t.shared == NULL), and any later library shutdown (H5close, or the MPI_Finalize
 * hook) walks the file IDs and crashes in H5F__close_cb. See ssoc_h5_library_close. */
static int h5_close_failed;

void ssoc_h5_library_init(void)
{
    /* Before MPI_Init and before any other HDF5 call: HDF5 then registers neither an atexit
     * handler (H5dont_atexit) nor its MPI_COMM_SELF attribute that runs H5_term_library inside
     * MPI_Finalize (H5_init_library adds that only when it finds MPI already initialised), so the
     * shutdown happens only in ssoc_h5_library_close. */
    H5dont_atexit();
    H5open();
}

void ssoc_h5_library_close(void)
{
    /* after a failed close, leave the library as it is: the process is ending and the file it
     * could not close is the .partial one; shutting down would dereference the freed file */
    if (!h5_close_failed)
        H5close();
}

/* Datasets written piecewise (ssoc_h5_write_columns, ssoc_h5_write_range) stay open in a serial
 * file: HDF5 then keeps a chunk that one block fills only partly in its chunk cache, where the
 * next block finds it, instead of reading it back and verifying its checksum; and the open itself
 * (a third of a block's write) happens once. ssoc_h5_flush_data pushes their raw data to the file. */
#define SSOC_H5_KEEP 8

struct ssoc_h5 {
    hid_t file;
    hid_t dxpl; /* collective transfer list when parallel, H5P_DEFAULT otherwise */
    int parallel;
    int nkeep;
    struct {
        char path[128];
        hid_t ds;
    } keep[SSOC_H5_KEEP];
    char **sums; /* "OBJECT NAME DIGEST" of every attribute written (h5io_attrsum.c) */
    size_t nsums, capsums;
    int sums_failed; /* an attribute could not be digested: sealing fails */
    char path[4096];
};

/* issue 14: HDF5 does not say why a write failed; say so when the disk is full */
static ssoc_status h5_write_failed(const ssoc_h5 *f, const char *what, ssoc_error *err)
{
    char full[128];
    ssoc_io_full_note(f->path, full, sizeof full);
    return SSOC_ERR(err, SSOC_EHDF5, "%s: %s%s", f->path, what, full);
}

static hid_t mem_type(ssoc_h5_type t)
{
    return t == SSOC_H5_F64 ? H5T_NATIVE_DOUBLE
           : t == SSOC_H5_U8 ? H5T_NATIVE_UINT8
           : t == SSOC_H5_I64 ? H5T_NATIVE_INT64
                              : H5T_NATIVE_UINT64;
}

static hid_t file_type(ssoc_h5_type t)
{
    return t == SSOC_H5_F64 ? H5T_IEEE_F64LE
           : t == SSOC_H5_U8 ? H5T_STD_U8LE
           : t == SSOC_H5_I64 ? H5T_STD_I64LE
                              : H5T_STD_U64LE;
}

/* serial = 1: the default serial driver even with MPI active (one rank alone on the file) */
static ssoc_status open_common(const char *path, int create, int serial, ssoc_h5 **out, ssoc_error *err)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    ssoc_h5 *f = calloc(1, sizeof *f);
    if (!f)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    snprintf(f->path, sizeof f->path, "%s", path);
    f->parallel = !serial && ssoc_par_active();
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* the file is the sweep's OUT.partial, created and locked by rank 0 through another descriptor
     * (outpath.h): HDF5's own flock on it would fail against that lock, and is not needed */
    H5Pset_file_locking(fapl, 0, 1);
    f->dxpl = H5P_DEFAULT;
    if (f->parallel) {
        H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
        f->dxpl = H5Pcreate(H5P_DATASET_XFER);
        H5Pset_dxpl_mpio(f->dxpl, H5FD_MPIO_COLLECTIVE);
    }
    f->file = create ? H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl) : H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (f->file < 0) {
        if (f->parallel)
            H5Pclose(f->dxpl);
        free(f);
        return SSOC_ERR(err, SSOC_EHDF5, "%s: cannot %s HDF5 file", path, create ? "create" : "open");
    }
    *out = f;
    return SSOC_OK;
}

ssoc_status ssoc_h5_create(const char *path, ssoc_h5 **out, ssoc_error *err)
{
    return open_common(path, 1, 0, out, err);
}

ssoc_status ssoc_h5_open_rw(const char *path, ssoc_h5 **out, ssoc_error *err)
{
    return open_common(path, 0, 0, out, err);
}

ssoc_status ssoc_h5_flush(ssoc_h5 *f, ssoc_error *err)
{
    if (H5Fflush(f->file, H5F_SCOPE_GLOBAL) < 0)
        return h5_write_failed(f, "flush failed", err);
    return SSOC_OK;
}

ssoc_status ssoc_h5_close(ssoc_h5 *f, ssoc_error *err)
{
    if (!f)
        return SSOC_OK;
    for (int i = 0; i < f->nkeep; ++i)
        H5Dclose(f->keep[i].ds);
    for (size_t i = 0; i < f->nsums; ++i)
        free(f->sums[i]);
    free(f->sums);
    herr_t rc = H5Fclose(f->file);
    if (rc < 0)
        h5_close_failed = 1;
    if (f->parallel)
        H5Pclose(f->dxpl);
    ssoc_status st = SSOC_OK;
    if (rc < 0)
        st = h5_write_failed(f, "close failed", err);
    free(f);
    return st;
}

int ssoc_h5_link_exists(hid_t file, const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *s = buf + 1; *s; ++s)
        if (*s == '/') {
            *s = '\0';
            if (H5Lexists(file, buf, H5P_DEFAULT) <= 0)
                return 0;
            *s = '/';
        }
    return H5Lexists(file, buf, H5P_DEFAULT) > 0;
}

int ssoc_h5_exists(ssoc_h5 *f, const char *path) { return ssoc_h5_link_exists(f->file, path); }

/* Chunk shape: at most SSOC_H5_CHUNK_BYTES, a function of the dataset's shape only (so files from
 * any number of ranks have the same layout). [nT][nrho][nx] maps are written by runs of (rho, x)
 * columns with every T (ssoc_h5_write_columns), so their chunks keep all T and whole x rows and
 * cut rho first: a block of columns then touches few chunks and a chunk few blocks. Other datasets
 * cut their leading dimension first. */
#define SSOC_H5_CHUNK_BYTES 65536

static void chunk_shape(int rank, const hsize_t *dims, size_t esize, hsize_t *chunk)
{
    static const int order3[3] = {1, 2, 0}, order[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    const int *ord = rank == 3 ? order3 : order;
    uint64_t bytes = esize;
    for (int i = 0; i < rank; ++i) {
        chunk[i] = dims[i];
        bytes *= dims[i];
    }
    for (int k = 0; k < rank && bytes > SSOC_H5_CHUNK_BYTES; ++k) {
        const int d = ord[k];
        const uint64_t others = bytes / chunk[d];
        chunk[d] = others >= SSOC_H5_CHUNK_BYTES ? 1 : SSOC_H5_CHUNK_BYTES / others;
        bytes = others * chunk[d];
    }
}

ssoc_status ssoc_h5_dataset(ssoc_h5 *f, const char *path, ssoc_h5_type type, int rank, const size_t *dims, int fill,
                            ssoc_error *err)
{
    hsize_t hd[8] = {0}, chunk[8] = {0};
    int empty = 0;
    for (int i = 0; i < rank; ++i) {
        hd[i] = dims[i];
        empty |= dims[i] == 0;
    }
    hid_t space = H5Screate_simple(rank, hd, NULL);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    /* chunked with a Fletcher32 checksum per chunk, so readers detect damaged raw data (filtered
     * datasets need collective writes in parallel: f->dxpl). A dataset with no elements has
     * nothing to check and cannot be chunked. */
    if (!empty && rank > 0) {
        chunk_shape(rank, hd, H5Tget_size(file_type(type)), chunk);
        H5Pset_chunk(dcpl, rank, chunk);
        H5Pset_fletcher32(dcpl);
    }
    /* The fill value (NaN, or 0 for integers) where blocks may be read before they are written: a
     * chunk not yet written reads as it. A serial file allocates such a dataset's chunks as they
     * are first written, which saves a fill pass over all the maps at creation and the read-back
     * of a filled chunk at its first partial write (benchmarks/README.md, "The write phase in the
     * final state"); parallel HDF5 allocates every chunk at creation and fills it (early
     * allocation: it needs them all in place, ssoc_h5_fill_unallocated). No fill at all for a
     * dataset its caller writes whole right away. */
    const int incremental = fill && !f->parallel && !empty && rank > 0;
    H5Pset_alloc_time(dcpl, incremental ? H5D_ALLOC_TIME_INCR : H5D_ALLOC_TIME_EARLY);
    if (fill) {
        const double nan = NAN;
        const int64_t zero = 0;
        H5Pset_fill_value(dcpl, type == SSOC_H5_F64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64,
                          type == SSOC_H5_F64 ? (const void *)&nan : (const void *)&zero);
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_ALLOC);
    } else {
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
    }
    hid_t ds = H5Dcreate2(f->file, path, file_type(type), space, lcpl, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Pclose(lcpl);
    H5Sclose(space);
    if (ds < 0) {
        char what[600];
        snprintf(what, sizeof what, "cannot create dataset %s", path);
        return h5_write_failed(f, what, err);
    }
    H5Dclose(ds);
    return SSOC_OK;
}

/* The names of every dataset in the file (H5Ovisit). */
typedef struct name_list {
    char **v;
    size_t n, cap;
    int failed;
} name_list;

static herr_t list_dataset(hid_t obj, const char *name, const H5O_info_t *info, void *op)
{
    (void)obj;
    name_list *l = op;
    if (info->type != H5O_TYPE_DATASET)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return l->failed = 1, -1;
        l->v = v, l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(name)))
        return l->failed = 1, -1;
    l->n++;
    return 0;
}

/* Write the fill value into every chunk of `ds` that is not in the file yet; *n counts them.
 * Returns 0, or -1 if HDF5 failed. */
static int fill_chunks(hid_t ds, size_t *n)
{
    hid_t dcpl = H5Dget_create_plist(ds), space = H5Dget_space(ds), ftype = H5Dget_type(ds);
    hid_t mtype = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
    int rank = H5Sget_simple_extent_ndims(space), rc = 0;
    hsize_t dims[8], chunk[8], idx[8] = {0}, start[8], count[8];
    unsigned char *buf = NULL;
    if (rank < 1 || rank > 8 || H5Pget_layout(dcpl) != H5D_CHUNKED || H5Pget_chunk(dcpl, rank, chunk) != rank)
        goto done;
    H5Sget_simple_extent_dims(space, dims, NULL);
    const size_t es = H5Tget_size(mtype);
    size_t per = 1;
    for (int i = 0; i < rank; ++i)
        per *= chunk[i];
    unsigned char one[16];
    if (es > sizeof one || !(buf = malloc(per * es)) || H5Pget_fill_value(dcpl, mtype, one) < 0) {
        rc = -1;
        goto done;
    }
    for (size_t k = 0; k < per; ++k)
        memcpy(buf + k * es, one, es);
    for (;;) { /* every chunk, by its index along each dimension, the last fastest */
        size_t m = 1;
        for (int i = 0; i < rank; ++i) {
            start[i] = idx[i] * chunk[i];
            count[i] = dims[i] - start[i] < chunk[i] ? dims[i] - start[i] : chunk[i];
            m *= count[i];
        }
        haddr_t addr = HADDR_UNDEF;
        hsize_t size = 0;
        unsigned mask = 0;
        if (H5Dget_chunk_info_by_coord(ds, start, &mask, &addr, &size) < 0) {
            rc = -1;
            break;
        }
        if (addr == HADDR_UNDEF && m) {
            hid_t ms = H5Screate_simple(rank, count, NULL);
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
            herr_t w = H5Dwrite(ds, mtype, ms, space, H5P_DEFAULT, buf);
            H5Sclose(ms);
            if (w < 0) {
                rc = -1;
                break;
            }
            ++*n;
        }
        int i = rank - 1;
        while (i >= 0 && (++idx[i]) * chunk[i] >= dims[i])
            idx[i--] = 0;
        if (i < 0)
            break;
    }
done:
    free(buf);
    H5Tclose(mtype);
    H5Tclose(ftype);
    H5Sclose(space);
    H5Pclose(dcpl);
    return rc;
}

ssoc_status ssoc_h5_fill_unallocated(const char *path, size_t *nchunks, ssoc_error *err)
{
    size_t n = 0;
    if (nchunks)
        *nchunks = 0;
    ssoc_h5 *h = NULL;
    ssoc_status st = open_common(path, 0, 1, &h, err);
    if (st)
        return st;
    const hid_t file = h->file;
    name_list l = {0};
    if (H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, list_dataset, &l, H5O_INFO_BASIC) < 0)
        st = l.failed ? SSOC_ERR(err, SSOC_ENOMEM, "out of memory")
                      : SSOC_ERR(err, SSOC_EHDF5, "%s: cannot list its datasets", path);
    for (size_t i = 0; i < l.n && !st; ++i) {
        hid_t ds = H5Dopen2(file, l.v[i], H5P_DEFAULT);
        H5D_space_status_t s = H5D_SPACE_STATUS_ERROR;
        if (ds < 0 || H5Dget_space_status(ds, &s) < 0)
            st = SSOC_ERR(err, SSOC_EHDF5, "%s: cannot open dataset /%s", path, l.v[i]);
        else if (s != H5D_SPACE_STATUS_ALLOCATED && fill_chunks(ds, &n) < 0)
            st = SSOC_ERR(err, SSOC_EHDF5, "%s: cannot fill the unwritten chunks of /%s", path, l.v[i]);
        if (ds >= 0)
            H5Dclose(ds);
    }
    for (size_t i = 0; i < l.n; ++i)
        free(l.v[i]);
    free(l.v);
    const ssoc_status cs = ssoc_h5_close(h, st ? NULL : err);
    st = st ? st : cs;
    if (nchunks)
        *nchunks = n;
    return st;
}

/* Access properties for a dataset written piecewise in a serial file, a run of columns at a time
 * (ssoc_h5_write_columns): a chunk cache of four chunks. A run fills some chunks whole and the
 * last one partly; the next run finishes that one first. HDF5 evicts the least recently used
 * chunk, so the chunks already filled go to the file during the runs that follow, and the one
 * waiting for the next run stays in memory. With HDF5's 1 MB default, most of a map's chunks
 * stayed in memory until the flush at the end, which then wrote them all at once
 * (benchmarks/README.md, "The write phase in the final state"). H5P_DEFAULT if that fails. */
static hid_t small_cache(ssoc_h5 *f, const char *path)
{
    hid_t ds = H5Dopen2(f->file, path, H5P_DEFAULT), dapl = H5P_DEFAULT;
    if (ds < 0)
        return H5P_DEFAULT;
    hid_t dcpl = H5Dget_create_plist(ds), type = H5Dget_type(ds);
    hsize_t chunk[8];
    const int rank = H5Pget_layout(dcpl) == H5D_CHUNKED ? H5Pget_chunk(dcpl, 8, chunk) : 0;
    size_t bytes = H5Tget_size(type);
    for (int i = 0; i < rank; ++i)
        bytes *= chunk[i];
    if (rank > 0 && (dapl = H5Pcreate(H5P_DATASET_ACCESS)) >= 0)
        H5Pset_chunk_cache(dapl, 521, 4 * bytes, 0.75);
    H5Tclose(type);
    H5Pclose(dcpl);
    H5Dclose(ds);
    return dapl;
}

/* Open dataset `path` and its file space for a write (-1 and err set if there is none); keep = 1:
 * a piecewise write, whose dataset stays open in a serial file (close it with done_with). */
static hid_t open_for_write(ssoc_h5 *f, const char *path, int keep, hid_t *fspace, ssoc_error *err)
{
    keep = keep && !f->parallel && strlen(path) < sizeof f->keep[0].path;
    hid_t ds = -1;
    for (int i = 0; keep && i < f->nkeep && ds < 0; ++i)
        if (!strcmp(f->keep[i].path, path))
            ds = f->keep[i].ds;
    if (ds < 0) {
        const hid_t dapl = keep ? small_cache(f, path) : H5P_DEFAULT;
        ds = H5Dopen2(f->file, path, dapl);
        if (dapl != H5P_DEFAULT)
            H5Pclose(dapl);
    }
    if (ds < 0) {
        SSOC_ERR(err, SSOC_EHDF5, "%s: no dataset %s", f->path, path);
        return -1;
    }
    int kept = 0;
    for (int i = 0; i < f->nkeep; ++i)
        kept |= f->keep[i].ds == ds;
    if (keep && !kept && f->nkeep < SSOC_H5_KEEP) {
        snprintf(f->keep[f->nkeep].path, sizeof f->keep[0].path, "%s", path);
        f->keep[f->nkeep++].ds = ds;
    }
    *fspace = H5Dget_space(ds);
    return ds;
}

/* Close `ds` unless it is kept open. */
static void done_with(ssoc_h5 *f, hid_t ds)
{
    for (int i = 0; i < f->nkeep; ++i)
        if (f->keep[i].ds == ds)
            return;
    H5Dclose(ds);
}

/* Write `data` through the selections of fspace and mspace (collectively when parallel), then
 * close the three. */
static ssoc_status write_sel(ssoc_h5 *f, const char *path, hid_t ds, hid_t fspace, hid_t mspace, const void *data,
                             ssoc_error *err)
{
    hid_t ftype = H5Dget_type(ds);
    hid_t mtype = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
    herr_t rc = H5Dwrite(ds, mtype, mspace, fspace, f->dxpl, data);
    H5Tclose(mtype);
    H5Tclose(ftype);
    H5Sclose(mspace);
    H5Sclose(fspace);
    done_with(f, ds);
    if (rc < 0) {
        char what[600];
        snprintf(what, sizeof what, "write to %s failed", path);
        return h5_write_failed(f, what, err);
    }
    return SSOC_OK;
}

ssoc_status ssoc_h5_write_all(ssoc_h5 *f, const char *path, const void *data, int writer, ssoc_error *err)
{
    hid_t fspace, ds = open_for_write(f, path, 0, &fspace, err);
    if (ds < 0)
        return SSOC_EHDF5;
    hid_t mspace = H5Scopy(fspace);
    if (!writer) {
        H5Sselect_none(fspace);
        H5Sselect_none(mspace);
    }
    return write_sel(f, path, ds, fspace, mspace, data, err);
}

ssoc_status ssoc_h5_flush_data(ssoc_h5 *f, ssoc_error *err)
{
    /* the whole file, not only the open datasets (H5Dflush): chunks allocated since the last
     * flush extend the file, and the superblock must record its new end, or a reopen after a
     * kill -9 finds them beyond it */
    if (f->nkeep && H5Fflush(f->file, H5F_SCOPE_LOCAL) < 0)
        return h5_write_failed(f, "cannot write the data out", err);
    return SSOC_OK;
}

ssoc_status ssoc_h5_write_range(ssoc_h5 *f, const char *path, size_t off, size_t n, const void *data,
                                ssoc_error *err)
{
    hid_t fspace, ds = open_for_write(f, path, 1, &fspace, err);
    if (ds < 0)
        return SSOC_EHDF5;
    hsize_t cnt = n ? n : 1, start = off;
    hid_t mspace = H5Screate_simple(1, &cnt, NULL);
    if (n) {
        H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &cnt, NULL);
    } else {
        H5Sselect_none(fspace);
        H5Sselect_none(mspace);
    }
    return write_sel(f, path, ds, fspace, mspace, data, err);
}

/* A run of columns [c0, c1) of a [nT][nrho][nx] dataset is at most three rectangles of the file:
 * the tail of the first rho row (part 0), whole rows (1), the head of the last row (2). Each part:
 * its first rho row and x, its rows and its length along x, and where its first column is in the
 * run; rows = 0 where the run has no such part. */
typedef struct col_part {
    hsize_t ir, ix, rows, len, off;
} col_part;

static void column_parts(size_t c0, size_t c1, hsize_t nx, col_part part[3])
{
    memset(part, 0, 3 * sizeof *part);
    size_t c = c0;
    while (c < c1) {
        const hsize_t ir = c / nx, ix = c % nx;
        col_part *p;
        if (ix != 0) {
            p = &part[0];
            p->len = nx - ix < c1 - c ? nx - ix : c1 - c;
            p->rows = 1;
        } else if (c1 - c >= nx) {
            p = &part[1];
            p->rows = (c1 - c) / nx;
            p->len = nx;
        } else {
            p = &part[2];
            p->rows = 1;
            p->len = c1 - c;
        }
        p->ir = ir, p->ix = ix, p->off = c - c0;
        c += p->rows * p->len;
    }
}

ssoc_status ssoc_h5_write_columns(ssoc_h5 *f, const char *path, size_t c0, size_t c1, const void *buf,
                                  ssoc_error *err)
{
    hid_t fspace, ds = open_for_write(f, path, 1, &fspace, err);
    if (ds < 0)
        return SSOC_EHDF5;
    hsize_t d[3];
    if (H5Sget_simple_extent_ndims(fspace) != 3) {
        H5Sclose(fspace);
        done_with(f, ds);
        return SSOC_ERR(err, SSOC_EHDF5, "%s: %s is not [nT][nrho][nx]", f->path, path);
    }
    H5Sget_simple_extent_dims(fspace, d, NULL);
    const hsize_t nT = d[0], nx = d[2], ncol = c1 > c0 ? c1 - c0 : 0;
    hid_t ftype = H5Dget_type(ds);
    hid_t mtype = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
    const size_t es = H5Tget_size(mtype);
    col_part part[3];
    column_parts(c0, c1, nx, part);
    /* Each part is one H5Dwrite of a single regular hyperslab from a contiguous copy of exactly
     * its shape. HDF5 1.10 maps such a selection onto the chunks rectangle by rectangle; a union of
     * rectangles (H5S_SELECT_OR), or a memory selection of another shape than the file's, it maps
     * element by element (H5S_select_iterate, per element H5VM_chunk_index_scaled), which was
     * three quarters of the sweep's write phase (benchmarks/README.md, "Write phase"). Under MPI
     * every rank makes all three calls, collectively, with empty selections for parts it lacks. */
    unsigned char *stage = ncol ? malloc(nT * ncol * es) : NULL;
    ssoc_status st = ncol && !stage ? SSOC_ERR(err, SSOC_ENOMEM, "out of memory") : SSOC_OK;
    for (int k = 0; k < 3 && !(st && !f->parallel); ++k) {
        const col_part *p = &part[k];
        const hsize_t n = st ? 0 : p->rows * p->len; /* a rank that failed still takes part */
        if (!n && !f->parallel)
            continue;
        hsize_t start[3] = {0, p->ir, p->ix}, count[3] = {nT, p->rows, p->len}, one = 1;
        hid_t mspace = H5Screate_simple(n ? 3 : 1, n ? count : &one, NULL);
        if (n) {
            for (hsize_t t = 0; t < nT; ++t)
                memcpy(stage + t * n * es, (const unsigned char *)buf + (t * ncol + p->off) * es, n * es);
            H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
        } else {
            H5Sselect_none(fspace);
            H5Sselect_none(mspace);
        }
        herr_t rc = H5Dwrite(ds, mtype, mspace, fspace, f->dxpl, stage);
        H5Sclose(mspace);
        if (rc < 0 && !st)
            st = SSOC_ERR(err, SSOC_EHDF5, "%s: write to %s failed", f->path, path);
    }
    free(stage);
    H5Tclose(mtype);
    H5Tclose(ftype);
    H5Sclose(fspace);
    done_with(f, ds);
    return st;
}

ssoc_status ssoc_h5_read_all(ssoc_h5 *f, const char *path, ssoc_h5_type type, size_t n, void *data,
                             ssoc_error *err)
{
    hid_t ds = H5Dopen2(f->file, path, H5P_DEFAULT);
    if (ds < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: no dataset %s", f->path, path);
    hid_t space = H5Dget_space(ds);
    hssize_t np = H5Sget_simple_extent_npoints(space);
    H5Sclose(space);
    ssoc_status st = SSOC_OK;
    if (np < 0 || (size_t)np != n)
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: %s has %lld elements, expected %zu", f->path, path, (long long)np, n);
    else if (H5Dread(ds, mem_type(type), H5S_ALL, H5S_ALL, f->dxpl, data) < 0)
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: cannot read %s", f->path, path);
    H5Dclose(ds);
    return st;
}

/* Record the entry of attribute `name` of `obj` (open as `a`), replacing an earlier one. */
static void attr_record(ssoc_h5 *f, hid_t a, const char *obj, const char *name)
{
    char hex[17];
    const size_t olen = strlen(obj), nlen = strlen(name), len = olen + nlen + 19;
    char *e = malloc(len);
    if (!e || ssoc_h5_attr_digest(a, obj, name, hex)) {
        free(e);
        f->sums_failed = 1;
        return;
    }
    snprintf(e, len, "%s %s %s", obj, name, hex);
    for (size_t i = 0; i < f->nsums; ++i)
        if (!strncmp(f->sums[i], e, olen + nlen + 2)) {
            free(f->sums[i]);
            f->sums[i] = e;
            return;
        }
    if (f->nsums == f->capsums) {
        const size_t cap = f->capsums ? 2 * f->capsums : 256;
        char **v = realloc(f->sums, cap * sizeof *v);
        if (!v) {
            free(e);
            f->sums_failed = 1;
            return;
        }
        f->sums = v, f->capsums = cap;
    }
    f->sums[f->nsums++] = e;
}

static ssoc_status attr_write(ssoc_h5 *f, const char *obj, const char *name, hid_t ftype, hid_t mtype, hid_t space,
                              const void *v, ssoc_error *err)
{
    if (H5Aexists_by_name(f->file, obj, name, H5P_DEFAULT) > 0)
        H5Adelete_by_name(f->file, obj, name, H5P_DEFAULT);
    hid_t a = H5Acreate_by_name(f->file, obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: cannot create attribute %s of %s", f->path, name, obj);
    herr_t rc = H5Awrite(a, mtype, v);
    if (rc >= 0)
        attr_record(f, a, obj, name); /* read back as a reader will: the digest of what is stored */
    H5Aclose(a);
    if (rc < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: cannot write attribute %s of %s", f->path, name, obj);
    return SSOC_OK;
}

static hid_t vlstr_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

ssoc_status ssoc_h5_attr_str(ssoc_h5 *f, const char *obj, const char *name, const char *value, ssoc_error *err)
{
    hid_t t = vlstr_type();
    hid_t space = H5Screate(H5S_SCALAR);
    ssoc_status st = attr_write(f, obj, name, t, t, space, &value, err);
    H5Sclose(space);
    H5Tclose(t);
    return st;
}

ssoc_status ssoc_h5_attr_text(ssoc_h5 *f, const char *obj, const char *name, const char *value, ssoc_error *err)
{
    const size_t len = strlen(value);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, len ? len : 1);
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    hid_t space = H5Screate(H5S_SCALAR);
    char *buf = calloc(len + 1, 1);
    ssoc_status st = buf ? SSOC_OK : SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    if (!st) {
        memcpy(buf, value, len);
        st = attr_write(f, obj, name, t, t, space, buf, err);
    }
    free(buf);
    H5Sclose(space);
    H5Tclose(t);
    return st;
}

ssoc_status ssoc_h5_attr_strs(ssoc_h5 *f, const char *obj, const char *name, const char *const *v, size_t n,
                              ssoc_error *err)
{
    hid_t t = vlstr_type();
    hsize_t d = n;
    hid_t space = H5Screate_simple(1, &d, NULL);
    ssoc_status st = attr_write(f, obj, name, t, t, space, v, err);
    H5Sclose(space);
    H5Tclose(t);
    return st;
}

ssoc_status ssoc_h5_attr_num(ssoc_h5 *f, const char *obj, const char *name, ssoc_h5_type type, const void *v,
                             size_t n, ssoc_error *err)
{
    hsize_t d = n;
    hid_t space = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &d, NULL);
    ssoc_status st = attr_write(f, obj, name, file_type(type), mem_type(type), space, v, err);
    H5Sclose(space);
    return st;
}

ssoc_status ssoc_h5_attr_get_str(ssoc_h5 *f, const char *obj, const char *name, char **out, ssoc_error *err)
{
    *out = NULL;
    hid_t a = H5Aopen_by_name(f->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: no attribute %s on %s", f->path, name, obj);
    hid_t t = vlstr_type();
    char *s = NULL;
    herr_t rc = H5Aread(a, t, &s);
    ssoc_status st = SSOC_OK;
    if (rc < 0 || !s) {
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: attribute %s on %s is not a string", f->path, name, obj);
    } else {
        *out = strdup(s);
        H5free_memory(s);
        if (!*out)
            st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    }
    H5Tclose(t);
    H5Aclose(a);
    return st;
}

ssoc_status ssoc_h5_attr_get_num(ssoc_h5 *f, const char *obj, const char *name, ssoc_h5_type type, void *v,
                                 size_t n, ssoc_error *err)
{
    hid_t a = H5Aopen_by_name(f->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: no attribute %s on %s", f->path, name, obj);
    hid_t space = H5Aget_space(a);
    hssize_t np = H5Sget_simple_extent_npoints(space);
    H5Sclose(space);
    ssoc_status st = SSOC_OK;
    if (np < 0 || (size_t)np != n)
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: attribute %s on %s has %lld elements, expected %zu", f->path, name, obj,
                      (long long)np, n);
    else if (H5Aread(a, mem_type(type), v) < 0)
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: cannot read attribute %s on %s", f->path, name, obj);
    H5Aclose(a);
    return st;
}

ssoc_status ssoc_h5_make_scale(ssoc_h5 *f, const char *path, const char *name, ssoc_error *err)
{
    hid_t ds = H5Dopen2(f->file, path, H5P_DEFAULT);
    if (ds < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: no dataset %s", f->path, path);
    herr_t rc = H5DSset_scale(ds, name);
    H5Dclose(ds);
    if (rc < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: cannot make %s a dimension scale", f->path, path);
    return SSOC_OK;
}

ssoc_status ssoc_h5_attach_scales(ssoc_h5 *f, const char *path, const char *const *scales, unsigned n,
                                  ssoc_error *err)
{
    hid_t ds = H5Dopen2(f->file, path, H5P_DEFAULT);
    herr_t rc = ds < 0 ? -1 : 0;
    unsigned i = 0;
    for (; i < n && rc >= 0; ++i) {
        hid_t sc = H5Dopen2(f->file, scales[i], H5P_DEFAULT);
        rc = sc < 0 ? -1 : H5DSattach_scale(ds, sc, i);
        if (sc >= 0)
            H5Dclose(sc);
    }
    if (ds >= 0)
        H5Dclose(ds);
    if (rc < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: cannot attach scale %s to dimension %u of %s", f->path,
                        i ? scales[i - 1] : "", i ? i - 1 : 0, path);
    return SSOC_OK;
}

ssoc_status ssoc_h5_seal_attributes(ssoc_h5 *f, ssoc_error *err)
{
    if (f->sums_failed)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: cannot read back the attributes to checksum them", f->path);
    return ssoc_h5_attrsum_write(f->file, f->path, f->sums, f->nsums, err);
}

ssoc_status ssoc_h5_check_attributes(ssoc_h5 *f, ssoc_error *err)
{
    /* the file's list becomes this session's, to which its own attributes are added */
    char **v = NULL;
    size_t n = 0;
    ssoc_status st = ssoc_h5_attrsum_check(f->file, f->path, &v, &n, err);
    if (st)
        return st;
    for (size_t i = 0; i < f->nsums; ++i)
        free(f->sums[i]);
    free(f->sums);
    f->sums = v, f->nsums = f->capsums = n;
    return SSOC_OK;
}
