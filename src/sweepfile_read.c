/* Reading a finished sweep file back (sweepfile.h), against the datasets and shapes of the layout
 * table (sweepfile_layout.c) the writer follows. It calls HDF5 directly (the module's other files
 * are src/h5io*.c and src/sweepfile_write.c, which go through h5io.h's collective door): it opens
 * read-only with the default serial driver, so rank 0 alone, or a plain process, can read while
 * MPI is active or absent. Every failure is one line naming the file, and what is missing or
 * wrong in it. Nothing is read from an attribute before every attribute has been checked against
 * its checksum (h5io_attrsum.c). */
#include "ssoc/sweepfile.h"
#include "ssoc/io.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5io_private.h"
#include "sweepfile_layout.h"

typedef struct reader {
    hid_t file;
    const char *path;
    size_t size[SF_NDIM]; /* extents known so far (0: not yet, any) */
} reader;

/* path of dataset `id` */
static const char *P(sf_id id) { return sf_vars[id].path; }

/* ------------------------------------------------------------------ attributes */

static int attr_exists(const reader *r, const char *obj, const char *name)
{
    return H5Aexists_by_name(r->file, obj, name, H5P_DEFAULT) > 0;
}

static ssoc_status attr_str(const reader *r, const char *obj, const char *name, char *buf, size_t len,
                            ssoc_error *err)
{
    hid_t a = H5Aopen_by_name(r->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: no attribute '%s' on %s", r->path, name, obj);
    hid_t ft = H5Aget_type(a);
    ssoc_status st = SSOC_OK;
    if (H5Tget_class(ft) != H5T_STRING) {
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: attribute '%s' on %s is not a string", r->path, name, obj);
    } else if (H5Tis_variable_str(ft) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft));
        char *s = NULL;
        if (H5Aread(a, mt, &s) < 0 || !s)
            st = SSOC_ERR(err, SSOC_EHDF5, "%s: cannot read attribute '%s' on %s", r->path, name, obj);
        else
            snprintf(buf, len, "%s", s);
        if (s)
            H5free_memory(s);
        H5Tclose(mt);
    } else {
        size_t n = H5Tget_size(ft);
        char *s = calloc(n + 1, 1);
        hid_t mt = H5Tcopy(ft);
        if (!s)
            st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
        else if (H5Aread(a, mt, s) < 0)
            st = SSOC_ERR(err, SSOC_EHDF5, "%s: cannot read attribute '%s' on %s", r->path, name, obj);
        else
            snprintf(buf, len, "%s", s);
        free(s);
        H5Tclose(mt);
    }
    H5Tclose(ft);
    H5Aclose(a);
    return st;
}

/* n numbers read as `mtype` (native double, int64 or uint8) */
static ssoc_status attr_num(const reader *r, const char *obj, const char *name, hid_t mtype, void *v, size_t n,
                            ssoc_error *err)
{
    hid_t a = H5Aopen_by_name(r->file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: no attribute '%s' on %s", r->path, name, obj);
    hid_t sp = H5Aget_space(a), ft = H5Aget_type(a);
    hssize_t np = H5Sget_simple_extent_npoints(sp);
    H5T_class_t cl = H5Tget_class(ft);
    ssoc_status st = SSOC_OK;
    if (cl != H5T_INTEGER && cl != H5T_FLOAT)
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: attribute '%s' on %s is not numeric", r->path, name, obj);
    else if (np < 0 || (size_t)np != n)
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: attribute '%s' on %s has %lld values, expected %zu", r->path, name, obj,
                      (long long)np, n);
    else if (H5Aread(a, mtype, v) < 0)
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: cannot read attribute '%s' on %s", r->path, name, obj);
    H5Tclose(ft);
    H5Sclose(sp);
    H5Aclose(a);
    return st;
}

/* ------------------------------------------------------------------ datasets */

static int link_exists(const reader *r, const char *path) { return ssoc_h5_link_exists(r->file, path); }

/* Open `path` and check its shape: rank `nd` with dims `want` (want[i] == 0: any). Returns the
 * dataset id or -1 with err set; *dims (if not NULL) receives the extents. */
static hid_t open_ds(const reader *r, const char *path, int nd, const size_t *want, size_t *dims, ssoc_error *err)
{
    if (!link_exists(r, path)) {
        SSOC_ERR(err, SSOC_EHDF5, "%s: no dataset %s", r->path, path);
        return -1;
    }
    hid_t ds = H5Dopen2(r->file, path, H5P_DEFAULT);
    if (ds < 0) {
        SSOC_ERR(err, SSOC_EHDF5, "%s: %s is not a readable dataset", r->path, path);
        return -1;
    }
    hid_t sp = H5Dget_space(ds);
    int rank = H5Sget_simple_extent_ndims(sp);
    hsize_t d[8] = {0};
    if (rank >= 0 && rank <= 8)
        H5Sget_simple_extent_dims(sp, d, NULL);
    H5Sclose(sp);
    int ok = rank == nd;
    for (int i = 0; ok && i < nd; ++i)
        ok = want[i] == 0 || d[i] == want[i];
    if (!ok) {
        char got[128] = "", exp[128] = "";
        for (int i = 0; i < rank && i < 8; ++i)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%llu", i ? " x " : "", (unsigned long long)d[i]);
        for (int i = 0; i < nd; ++i)
            snprintf(exp + strlen(exp), sizeof exp - strlen(exp), "%s%zu", i ? " x " : "", want[i]);
        SSOC_ERR(err, SSOC_EHDF5, "%s: %s has shape [%s], expected [%s]", r->path, path, got, exp);
        H5Dclose(ds);
        return -1;
    }
    for (int i = 0; dims && i < nd; ++i)
        dims[i] = (size_t)d[i];
    return ds;
}

static herr_t find_checksum(unsigned n, const H5E_error2_t *e, void *found)
{
    (void)n;
    if (e->desc && strstr(e->desc, "Fletcher32"))
        *(int *)found = 1;
    return 0;
}

/* Right after a failed H5Dread (before any other HDF5 call clears the error stack): 1 if the
 * failure is a chunk whose Fletcher32 checksum does not match its bytes (H5Zfletcher32.c reports
 * "data error detected by Fletcher32 checksum"). */
static int checksum_failed(void)
{
    int found = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, find_checksum, &found);
    return found;
}

static ssoc_status read_ds(const reader *r, const char *path, int nd, const size_t *want, hid_t mtype, void *out,
                           ssoc_error *err)
{
    hid_t ds = open_ds(r, path, nd, want, NULL, err);
    if (ds < 0)
        return err ? err->code : SSOC_EHDF5;
    herr_t rc = H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
    const int bad_sum = rc < 0 && checksum_failed();
    H5Dclose(ds);
    if (bad_sum)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: %s fails its checksum: the file is corrupted", r->path, path);
    if (rc < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: cannot read %s (truncated or damaged file?)", r->path, path);
    return SSOC_OK;
}

/* Dataset `id` with the table's shape at the extents known so far. */
static ssoc_status read_var(const reader *r, sf_id id, hid_t mtype, void *out, ssoc_error *err)
{
    size_t want[3];
    const int nd = sf_extents(&sf_vars[id], r->size, want);
    return read_ds(r, P(id), nd, want, mtype, out, err);
}

/* A freshly allocated 1-D double dataset of any length (>= 1). */
static ssoc_status read_vec(const reader *r, const char *path, double **out, size_t *n, ssoc_error *err)
{
    size_t want = 0, d = 0;
    hid_t ds = open_ds(r, path, 1, &want, &d, err);
    if (ds < 0)
        return err ? err->code : SSOC_EHDF5;
    H5Dclose(ds);
    if (d == 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: %s is empty", r->path, path);
    *out = malloc(d * sizeof **out);
    if (!*out)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    *n = d;
    return read_ds(r, path, 1, &d, H5T_NATIVE_DOUBLE, *out, err);
}

/* ------------------------------------------------------------------ opening */

void ssoc_sweepfile_free(ssoc_sweepfile *sf)
{
    if (!sf)
        return;
    free(sf->x), free(sf->rho_g_cm3), free(sf->T_K);
    free(sf->boot), free(sf->boot_ok), free(sf->jack), free(sf->jack_ok);
    ssoc_dataset_free(sf->data);
    ssoc_sweep_rule *rules[4] = {&sf->rho_opt, &sf->vf_opt, &sf->sigma_max, &sf->x_opt};
    for (int i = 0; i < 4; ++i)
        free(rules[i]->v), free(rules[i]->lo), free(rules[i]->hi);
    free(sf->rho_opt_at_bound), free(sf->x_opt_at_bound), free(sf->x_opt_sigma_max);
    free(sf);
}

static ssoc_status open_file(const char *path, hid_t *file, ssoc_error *err)
{
    /* issue 14: a FIFO, device or directory would block or mislead fopen and HDF5 */
    ssoc_status rs = ssoc_io_check_regular(path, "sweep file", err);
    if (rs)
        return rs;
    FILE *f = fopen(path, "rb");
    if (!f)
        return SSOC_ERR(err, SSOC_EIO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char sig[8] = {0};
    size_t got = fread(sig, 1, sizeof sig, f);
    fclose(f);
    static const unsigned char h5sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    /* HDF5 also finds a superblock at 512, 1024, ... (user block); H5Fis_hdf5 searches for it */
    if (!(got == 8 && memcmp(sig, h5sig, 8) == 0) && H5Fis_hdf5(path) <= 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: not an HDF5 file (expected a sweep file written by 'ssoc sweep')", path);
    *file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*file < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: HDF5 cannot open it: truncated or damaged file", path);
    return SSOC_OK;
}

static ssoc_status check_identity(reader *r, ssoc_sweepfile *sf, ssoc_error *err)
{
    if (!attr_exists(r, "/", "ssoc_format"))
        return SSOC_ERR(err, SSOC_EHDF5,
                        "%s: not an ssoc sweep file (no root attribute 'ssoc_format'; write one with 'ssoc sweep')",
                        r->path);
    ssoc_status st = attr_num(r, "/", "ssoc_format", H5T_NATIVE_INT64, &sf->format, 1, err);
    if (st)
        return st;
    if (sf->format > SSOC_SWEEPFILE_FORMAT_MAX)
        return SSOC_ERR(err, SSOC_EHDF5,
                        "%s: sweep file format %lld is newer than this ssoc reads (%d); use a newer ssoc", r->path,
                        (long long)sf->format, SSOC_SWEEPFILE_FORMAT_MAX);
    if (sf->format < SSOC_SWEEPFILE_FORMAT)
        return SSOC_ERR(err, SSOC_EHDF5,
                        "%s: sweep file format %lld is older than this ssoc reads (%d); regenerate it with 'ssoc sweep "
                        "CONFIG' (its configuration is the file's root attribute 'config')",
                        r->path, (long long)sf->format, SSOC_SWEEPFILE_FORMAT);
    /* complete? a .partial (interrupted) file has unwritten blocks and no design rules yet (the
     * flags are raw data, under their own checksum) */
    size_t want = 0, nb = 0;
    hid_t ds = open_ds(r, P(SF_DONE), 1, &want, &nb, err);
    if (ds < 0)
        return err ? err->code : SSOC_EHDF5;
    H5Dclose(ds);
    uint8_t *done = malloc(nb ? nb : 1);
    if (!done)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    r->size[SF_DIM_BLOCK] = nb;
    st = read_var(r, SF_DONE, H5T_NATIVE_UINT8, done, err);
    size_t ndone = 0;
    for (size_t k = 0; !st && k < nb; ++k)
        ndone += done[k] != 0;
    free(done);
    if (!st && ndone != nb)
        st = SSOC_ERR(err, SSOC_EHDF5,
                      "%s: incomplete sweep (%zu of %zu blocks written): finish it with 'ssoc sweep CONFIG --resume'",
                      r->path, ndone, nb);
    if (st)
        return st;
    /* every dataset the reader needs is there ("no dataset X" says more than a missing attribute
     * of X), then every attribute is checked before any is used */
    for (int id = 0; id < SF_COUNT; ++id)
        if (id != SF_P_EXCEED && id != SF_PARAMS_JACK && id != SF_X_OPT_SIGMA_MAX && id != SF_DATA_D_MAX &&
            !link_exists(r, P((sf_id)id)))
            return SSOC_ERR(err, SSOC_EHDF5, "%s: no dataset %s", r->path, P((sf_id)id));
    if ((st = ssoc_h5_attrsum_check(r->file, r->path, NULL, NULL, err)))
        return st;
    if (attr_exists(r, "/", "version"))
        attr_str(r, "/", "version", sf->version, sizeof sf->version, NULL);
    int64_t complete = 0;
    if (!st && !(st = attr_num(r, "/", "complete", H5T_NATIVE_INT64, &complete, 1, err)) && complete != 1)
        st = SSOC_ERR(err, SSOC_EHDF5,
                      "%s: incomplete sweep (every block written, the design rules or the close not): finish it with "
                      "'ssoc sweep CONFIG --resume'",
                      r->path);
    return st;
}

/* Every group's copy of a grid coordinate equals the root's (xarray reads the copies). */
static ssoc_status check_coord_copies(const reader *r, const ssoc_sweepfile *sf, ssoc_error *err)
{
    char seen[16][128]; /* copies checked so far (a handful of groups x 3 axes) */
    int nseen = 0;
    for (int id = 0; id < SF_COUNT; ++id) {
        const sf_var *v = &sf_vars[id];
        if (!link_exists(r, v->path))
            continue;
        for (int i = 0; i < v->rank; ++i) {
            if (!sf_dim_is_grid(v->dim[i]))
                continue;
            const sf_dim d = v->dim[i];
            const double *root = d == SF_DIM_X ? sf->x : d == SF_DIM_RHO ? sf->rho_g_cm3 : sf->T_K;
            char path[128];
            sf_scale_path(v->path, d, path, sizeof path);
            int done = 0;
            for (int k = 0; k < nseen && !done; ++k)
                done = !strcmp(seen[k], path);
            if (done)
                continue;
            if (nseen < 16)
                snprintf(seen[nseen++], sizeof seen[0], "%s", path);
            double *copy = malloc(r->size[d] * sizeof *copy);
            if (!copy)
                return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
            ssoc_status st = read_ds(r, path, 1, &r->size[d], H5T_NATIVE_DOUBLE, copy, err);
            if (!st && memcmp(copy, root, r->size[d] * sizeof *copy) != 0)
                st = SSOC_ERR(err, SSOC_EHDF5, "%s: %s differs from /%s: the file is corrupted", r->path, path,
                              sf_dims[d].name);
            free(copy);
            if (st)
                return st;
        }
    }
    return SSOC_OK;
}

static ssoc_status read_meta(reader *r, ssoc_sweepfile *sf, ssoc_error *err)
{
    ssoc_status st;
    if ((st = attr_num(r, "/", "confidence", H5T_NATIVE_DOUBLE, &sf->confidence, 1, err)) ||
        (st = attr_str(r, "/", "interval", sf->interval_name, sizeof sf->interval_name, err)))
        return st;
    if (!(sf->confidence > 0 && sf->confidence < 1))
        return SSOC_ERR(err, SSOC_EHDF5, "%s: root attribute 'confidence' = %g is not in (0, 1)", r->path,
                        sf->confidence);
    if (ssoc_ci_method_parse(sf->interval_name, &sf->interval))
        return SSOC_ERR(err, SSOC_EHDF5, "%s: root attribute 'interval' = '%s' is not percentile, bca or expanded",
                        r->path, sf->interval_name);
    ssoc_ci_levels(SSOC_CI_PERCENTILE, sf->confidence, 0.5, 0.0, &sf->q_lo, &sf->q_hi);
    if (attr_exists(r, "/sigma/lo", "quantile") && attr_exists(r, "/sigma/hi", "quantile") &&
        ((st = attr_num(r, "/sigma/lo", "quantile", H5T_NATIVE_DOUBLE, &sf->q_lo, 1, err)) ||
         (st = attr_num(r, "/sigma/hi", "quantile", H5T_NATIVE_DOUBLE, &sf->q_hi, 1, err))))
        return st;
    if (!(sf->q_lo >= 0.0 && sf->q_lo < sf->q_hi && sf->q_hi <= 1.0))
        return SSOC_ERR(err, SSOC_EHDF5, "%s: /sigma/lo and /sigma/hi attributes 'quantile' = %g, %g are not levels "
                        "0 <= lo < hi <= 1", r->path, sf->q_lo, sf->q_hi);
    sf->dof = NAN; /* files written before the expanded interval existed */
    if (attr_exists(r, "/", "residual_dof") &&
        (st = attr_num(r, "/", "residual_dof", H5T_NATIVE_DOUBLE, &sf->dof, 1, err)))
        return st;
    if ((sf->has_seed = attr_exists(r, "/", "seed")) &&
        (st = attr_num(r, "/", "seed", H5T_NATIVE_UINT64, &sf->seed, 1, err)))
        return st;
    sf->fit_method = SSOC_FIT_STAGED; /* files written before the joint fit existed */
    if (attr_exists(r, "/", "fit_method")) {
        char name[16] = "";
        if ((st = attr_str(r, "/", "fit_method", name, sizeof name, err)))
            return st;
        if (ssoc_fit_method_parse(name, &sf->fit_method))
            return SSOC_ERR(err, SSOC_EHDF5, "%s: root attribute 'fit_method' = '%s' is not joint or staged", r->path,
                            name);
    }
    if (attr_exists(r, "/", "params_source"))
        attr_str(r, "/", "params_source", sf->params_source, sizeof sf->params_source, NULL);
    if (attr_exists(r, "/", "kernel_isa"))
        attr_str(r, "/", "kernel_isa", sf->kernel_isa, sizeof sf->kernel_isa, NULL);
    sf->target_S_cm = NAN;
    sf->has_target = attr_exists(r, "/", "target_sigma_S_cm");
    if (sf->has_target &&
        (st = attr_num(r, "/", "target_sigma_S_cm", H5T_NATIVE_DOUBLE, &sf->target_S_cm, 1, err)))
        return st;
    /* the grid: the root's coordinates, and every group's copy of them */
    if ((st = read_vec(r, "/x", &sf->x, &sf->nx, err)) || (st = read_vec(r, "/rho", &sf->rho_g_cm3, &sf->nrho, err)) ||
        (st = read_vec(r, "/T", &sf->T_K, &sf->nT, err)))
        return st;
    r->size[SF_DIM_X] = sf->nx, r->size[SF_DIM_RHO] = sf->nrho, r->size[SF_DIM_T] = sf->nT;
    r->size[SF_DIM_PARAM] = SSOC_NPARAM;
    const struct {
        const double *v;
        size_t n;
        const char *name;
    } ax[3] = {{sf->x, sf->nx, "/x"}, {sf->rho_g_cm3, sf->nrho, "/rho"}, {sf->T_K, sf->nT, "/T"}};
    for (int a = 0; a < 3; ++a)
        for (size_t i = 0; i < ax[a].n; ++i)
            if (!isfinite(ax[a].v[i]) || ax[a].v[i] <= 0 || (i && !(ax[a].v[i] > ax[a].v[i - 1])))
                return SSOC_ERR(err, SSOC_EHDF5, "%s: %s is not a strictly increasing list of positive numbers",
                                r->path, ax[a].name);
    return check_coord_copies(r, sf, err);
}

/* A [rows][SSOC_NPARAM] parameter table (rows = r->size of its first dimension), with a flag per
 * row: 1 where every value is finite. Returns the number of finite rows in *n_ok. */
static ssoc_status read_table(const reader *r, sf_id id, double **tab, unsigned char **ok, size_t *n_ok,
                              ssoc_error *err)
{
    const size_t rows = r->size[sf_vars[id].dim[0]];
    *tab = malloc((rows ? rows : 1) * SSOC_NPARAM * sizeof **tab);
    *ok = malloc(rows ? rows : 1);
    if (!*tab || !*ok)
        return SSOC_ERR(err, SSOC_ENOMEM, "no memory for the %zu rows of %s", rows, P(id));
    ssoc_status st = read_var(r, id, H5T_NATIVE_DOUBLE, *tab, err);
    *n_ok = 0;
    for (size_t b = 0; !st && b < rows; ++b) {
        int fin = 1;
        for (int j = 0; j < SSOC_NPARAM; ++j)
            fin &= isfinite((*tab)[b * SSOC_NPARAM + j]) != 0;
        (*ok)[b] = (unsigned char)fin;
        *n_ok += (size_t)fin;
    }
    return st;
}

static ssoc_status read_fit(reader *r, ssoc_sweepfile *sf, ssoc_error *err)
{
    ssoc_status st;
    if ((st = read_var(r, SF_PARAMS, H5T_NATIVE_DOUBLE, sf->best.p, err)) ||
        (st = read_var(r, SF_PARAMS_LO, H5T_NATIVE_DOUBLE, sf->params_lo, err)) ||
        (st = read_var(r, SF_PARAMS_HI, H5T_NATIVE_DOUBLE, sf->params_hi, err)))
        return st;
    for (int i = 0; i < SSOC_NPARAM; ++i)
        if (!isfinite(sf->best.p[i]))
            return SSOC_ERR(err, SSOC_EHDF5, "%s: /fit/params[%d] (%s) is not finite", r->path, i, ssoc_param_name(i));
    uint8_t fixed[SSOC_NPARAM] = {0};
    if ((st = attr_num(r, P(SF_PARAMS), "fixed", H5T_NATIVE_UINT8, fixed, SSOC_NPARAM, err)))
        return st;
    sf->fixed_mask = 0;
    for (int i = 0; i < SSOC_NPARAM; ++i)
        sf->fixed_mask |= (fixed[i] ? 1u : 0u) << i;
    /* replicate table */
    size_t want[2], dims[2];
    sf_extents(&sf_vars[SF_PARAMS_BOOT], r->size, want);
    hid_t ds = open_ds(r, P(SF_PARAMS_BOOT), 2, want, dims, err);
    if (ds < 0)
        return err ? err->code : SSOC_EHDF5;
    H5Dclose(ds);
    sf->B = r->size[SF_DIM_REPLICATE] = dims[0];
    if (sf->B < 2)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: /fit/params_boot has %zu rows; a sweep has B >= 2", r->path, sf->B);
    if ((st = read_table(r, SF_PARAMS_BOOT, &sf->boot, &sf->boot_ok, &sf->n_ok, err)))
        return st;
    if (sf->n_ok < 2)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: only %zu of %zu rows of /fit/params_boot are finite", r->path, sf->n_ok,
                        sf->B);
    /* the fitted data */
    size_t n = 0;
    double *tmp = NULL;
    if ((st = read_vec(r, P(SF_DATA_X), &tmp, &n, err))) {
        free(tmp);
        return st;
    }
    free(tmp);
    ssoc_dataset *d = sf->data = ssoc_dataset_alloc(n);
    if (!d)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    d->n = r->size[SF_DIM_POINT] = n;
    uint8_t *reg = malloc(n);
    if (!reg)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    const struct {
        sf_id id;
        double *v;
    } col[5] = {{SF_DATA_X, d->x},
                {SF_DATA_RHO, d->rho_g_cm3},
                {SF_DATA_T, d->T_K},
                {SF_DATA_D_HOP, d->D_hop_cm2_s},
                {SF_DATA_SIGMA, d->sigma_S_cm}};
    for (int c = 0; c < 5 && !st; ++c)
        st = read_var(r, col[c].id, H5T_NATIVE_DOUBLE, col[c].v, err);
    if (!st)
        st = read_var(r, SF_DATA_REGIME, H5T_NATIVE_UINT8, reg, err);
    for (size_t i = 0; !st && i < n; ++i) {
        if (!(d->x[i] > 0 && d->x[i] < 1) || !(d->rho_g_cm3[i] > 0) || !(d->T_K[i] > 0) || !isfinite(d->rho_g_cm3[i]) ||
            !isfinite(d->T_K[i]) || reg[i] > 1)
            st = SSOC_ERR(err, SSOC_EHDF5, "%s: /fit/data row %zu is not a valid data point", r->path, i);
        d->regime[i] = reg[i];
        d->d_max_A[i] = NAN;
        d->line[i] = 0;
    }
    free(reg);
    if (st)
        return st;
    if (link_exists(r, P(SF_DATA_D_MAX)))
        read_var(r, SF_DATA_D_MAX, H5T_NATIVE_DOUBLE, d->d_max_A, NULL);
    ssoc_dataset_count_regimes(d);
    ssoc_dataset_range(d, &sf->range);
    /* BCa: the leave-one-out refits of the fitted points, as the sweep used them */
    if (sf->interval == SSOC_CI_BCA) {
        size_t n_jok = 0;
        if ((st = read_table(r, SF_PARAMS_JACK, &sf->jack, &sf->jack_ok, &n_jok, err)))
            return st;
        sf->n_jack = n;
    }
    return SSOC_OK;
}

/* A design rule and its band: datasets id, id_lo, id_hi of the same shape. */
static ssoc_status read_rule(const reader *r, sf_id id, sf_id id_lo, sf_id id_hi, ssoc_sweep_rule *ru,
                             ssoc_error *err)
{
    size_t dims[2];
    sf_extents(&sf_vars[id], r->size, dims);
    const size_t n = dims[0] * dims[1];
    ru->v = malloc(n * sizeof(double));
    ru->lo = malloc(n * sizeof(double));
    ru->hi = malloc(n * sizeof(double));
    if (!ru->v || !ru->lo || !ru->hi)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    ssoc_status st;
    if ((st = read_var(r, id, H5T_NATIVE_DOUBLE, ru->v, err)) || (st = read_var(r, id_lo, H5T_NATIVE_DOUBLE, ru->lo, err)))
        return st;
    return read_var(r, id_hi, H5T_NATIVE_DOUBLE, ru->hi, err);
}

static ssoc_status read_rules(const reader *r, ssoc_sweepfile *sf, ssoc_error *err)
{
    const size_t nrt = sf->nT * sf->nx, nxt = sf->nT * sf->nrho;
    ssoc_status st;
    if ((st = read_rule(r, SF_RHO_OPT, SF_RHO_OPT_LO, SF_RHO_OPT_HI, &sf->rho_opt, err)) ||
        (st = read_rule(r, SF_VF_OPT, SF_VF_OPT_LO, SF_VF_OPT_HI, &sf->vf_opt, err)) ||
        (st = read_rule(r, SF_SIGMA_MAX, SF_SIGMA_MAX_LO, SF_SIGMA_MAX_HI, &sf->sigma_max, err)) ||
        (st = read_rule(r, SF_X_OPT, SF_X_OPT_LO, SF_X_OPT_HI, &sf->x_opt, err)))
        return st;
    sf->rho_opt_at_bound = malloc(nrt);
    sf->x_opt_at_bound = malloc(nxt);
    if (!sf->rho_opt_at_bound || !sf->x_opt_at_bound)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    if ((st = read_var(r, SF_RHO_OPT_AT_BOUND, H5T_NATIVE_UINT8, sf->rho_opt_at_bound, err)) ||
        (st = read_var(r, SF_X_OPT_AT_BOUND, H5T_NATIVE_UINT8, sf->x_opt_at_bound, err)))
        return st;
    if (link_exists(r, P(SF_X_OPT_SIGMA_MAX))) {
        sf->x_opt_sigma_max = malloc(nxt * sizeof(double));
        if (!sf->x_opt_sigma_max)
            return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
        if ((st = read_var(r, SF_X_OPT_SIGMA_MAX, H5T_NATIVE_DOUBLE, sf->x_opt_sigma_max, err)))
            return st;
    }
    /* the maps exist with the grid's shape (read later, one temperature at a time) */
    /* (the prediction band's, when the file has them: files written before it existed do not) */
    const sf_id maps[7] = {SF_SIGMA_BEST, SF_SIGMA_MEDIAN, SF_SIGMA_LO, SF_SIGMA_HI, SF_EXTRAPOLATED,
                           SF_SIGMA_PRED_LO, SF_SIGMA_PRED_HI};
    sf->has_pred = link_exists(r, P(SF_SIGMA_PRED_LO)) && link_exists(r, P(SF_SIGMA_PRED_HI));
    for (int i = 0; i < (sf->has_pred ? 7 : 5); ++i) {
        size_t d3[3];
        sf_extents(&sf_vars[maps[i]], r->size, d3);
        hid_t ds = open_ds(r, P(maps[i]), 3, d3, NULL, err);
        if (ds < 0)
            return err ? err->code : SSOC_EHDF5;
        H5Dclose(ds);
    }
    return SSOC_OK;
}

ssoc_status ssoc_sweepfile_open(const char *path, ssoc_sweepfile **out, ssoc_error *err)
{
    *out = NULL;
    if (!path)
        return SSOC_ERR(err, SSOC_EINVAL, "no sweep file given");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    ssoc_sweepfile *sf = calloc(1, sizeof *sf);
    if (!sf)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    snprintf(sf->path, sizeof sf->path, "%s", path);
    reader r = {.file = -1, .path = sf->path};
    ssoc_status st = open_file(path, &r.file, err);
    if (!st)
        st = check_identity(&r, sf, err);
    if (!st)
        st = read_meta(&r, sf, err);
    if (!st)
        st = read_fit(&r, sf, err);
    if (!st)
        st = read_rules(&r, sf, err);
    if (r.file >= 0)
        H5Fclose(r.file);
    if (st) {
        ssoc_sweepfile_free(sf);
        return st;
    }
    *out = sf;
    return SSOC_OK;
}

/* ------------------------------------------------------------------ slices */

static ssoc_status slice(const ssoc_sweepfile *sf, const char *dataset, size_t it, hid_t mtype, void *out,
                         ssoc_error *err)
{
    if (it >= sf->nT)
        return SSOC_ERR(err, SSOC_EINVAL, "temperature index %zu out of range (%zu temperatures)", it, sf->nT);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    reader r = {.file = H5Fopen(sf->path, H5F_ACC_RDONLY, H5P_DEFAULT), .path = sf->path};
    if (r.file < 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: HDF5 cannot open it: truncated or damaged file", sf->path);
    const size_t d3[3] = {sf->nT, sf->nrho, sf->nx};
    ssoc_status st = SSOC_OK;
    hid_t ds = open_ds(&r, dataset, 3, d3, NULL, err);
    if (ds < 0) {
        st = err ? err->code : SSOC_EHDF5;
    } else {
        hid_t fs = H5Dget_space(ds);
        hsize_t start[3] = {it, 0, 0}, count[3] = {1, sf->nrho, sf->nx}, mcount = sf->nrho * sf->nx;
        hid_t ms = H5Screate_simple(1, &mcount, NULL);
        if (H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
            st = SSOC_ERR(err, SSOC_EHDF5, "%s: cannot select T index %zu of %s", sf->path, it, dataset);
        else if (H5Dread(ds, mtype, ms, fs, H5P_DEFAULT, out) < 0)
            st = checksum_failed() ? SSOC_ERR(err, SSOC_EHDF5, "%s: %s fails its checksum at T index %zu: the file is corrupted",
                                              sf->path, dataset, it)
                                   : SSOC_ERR(err, SSOC_EHDF5,
                                              "%s: cannot read %s at T index %zu (truncated or damaged file?)", sf->path,
                                              dataset, it);
        H5Sclose(ms);
        H5Sclose(fs);
        H5Dclose(ds);
    }
    H5Fclose(r.file);
    return st;
}

ssoc_status ssoc_sweepfile_slice(const ssoc_sweepfile *sf, const char *dataset, size_t it, double *out,
                                 ssoc_error *err)
{
    return slice(sf, dataset, it, H5T_NATIVE_DOUBLE, out, err);
}

ssoc_status ssoc_sweepfile_slice_u8(const ssoc_sweepfile *sf, const char *dataset, size_t it, uint8_t *out,
                                    ssoc_error *err)
{
    return slice(sf, dataset, it, H5T_NATIVE_UINT8, out, err);
}

size_t ssoc_sweepfile_nearest_T(const ssoc_sweepfile *sf, double T_K)
{
    size_t best = 0;
    for (size_t i = 1; i < sf->nT; ++i)
        if (fabs(sf->T_K[i] - T_K) < fabs(sf->T_K[best] - T_K))
            best = i;
    return best;
}
