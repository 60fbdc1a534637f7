/* Writing a sweep file (sweepfile.h): the layout one function per group, the block-by-block maps,
 * the design rules, resume. Every dataset is created from its entry in the layout table
 * (sweepfile_layout.c) by sf_create, which also creates the dimension scales it needs the first
 * time a group uses them; the HDF5 calls themselves go through h5io.h, collective under MPI (rank
 * 0 supplies the whole-dataset writes, the others take part with nothing). Creation, a resume's
 * new provenance and the finish seal the attributes (ssoc_h5_seal_attributes) before the file is
 * flushed, so a .partial on disk carries the checksums of every attribute a resume relies on. */
#include "ssoc/sweepfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/h5io.h"
#include "ssoc/par.h"
#include "ssoc/version.h"
#include "sweepfile_layout.h"

struct ssoc_sweepfile_out {
    ssoc_h5 *h;
    size_t *pending, npending; /* serial: blocks written whose done flags wait for the next flush */
    const ssoc_sweepfile_meta *m;
    size_t size[SF_NDIM];       /* extent of every dimension */
    const double *axis[SF_NDIM]; /* the values of the grid's coordinates */
    int root;                   /* this rank supplies whole-dataset writes */
};

/* the sizes of the file's dimensions for configuration c */
static void sizes_of(const ssoc_config *c, size_t n_data, size_t nblocks, size_t *size)
{
    size[SF_DIM_T] = c->T.n;
    size[SF_DIM_RHO] = c->rho.n;
    size[SF_DIM_X] = c->x.n;
    size[SF_DIM_PARAM] = SSOC_NPARAM;
    size[SF_DIM_REPLICATE] = c->B;
    size[SF_DIM_POINT] = n_data;
    size[SF_DIM_BLOCK] = nblocks;
}

static ssoc_sweepfile_out *out_alloc(const ssoc_sweepfile_meta *m)
{
    ssoc_sweepfile_out *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    const ssoc_config *c = m->cfg;
    f->m = m;
    if (!(f->pending = malloc((m->nblocks ? m->nblocks : 1) * sizeof *f->pending))) {
        free(f);
        return NULL;
    }
    f->root = ssoc_par_rank() == 0;
    sizes_of(c, m->data->n, m->nblocks, f->size);
    f->axis[SF_DIM_T] = c->T.v;
    f->axis[SF_DIM_RHO] = c->rho.v;
    f->axis[SF_DIM_X] = c->x.v;
    return f;
}

/* ------------------------------------------------------------------ one dataset from the table */

uint64_t ssoc_sweepfile_raw_bytes(const ssoc_config *c, size_t n_data, size_t nblocks)
{
    static const uint64_t elem[] = {[SSOC_H5_F64] = 8, [SSOC_H5_U8] = 1, [SSOC_H5_I64] = 8, [SSOC_H5_U64] = 8};
    size_t size[SF_NDIM];
    sizes_of(c, n_data, nblocks, size);
    /* the scales: the root's coordinates, then each one the datasets use, once per path */
    char seen[3 * SF_COUNT + 3][128];
    size_t nseen = 0;
    uint64_t bytes = 0;
    for (int d = 0; d < 3; ++d) {
        static const sf_dim grid[3] = {SF_DIM_T, SF_DIM_RHO, SF_DIM_X};
        snprintf(seen[nseen++], sizeof seen[0], "/%s", sf_dims[grid[d]].name);
        bytes += 8 * (uint64_t)size[grid[d]];
    }
    for (int id = 0; id < SF_COUNT; ++id) {
        if (id == SF_P_EXCEED && !c->has_target)
            continue;
        const sf_var *v = &sf_vars[id];
        size_t dims[3];
        uint64_t n = elem[v->type];
        for (int i = 0; i < sf_extents(v, size, dims); ++i) {
            n *= dims[i];
            char path[128];
            sf_scale_path(v->path, v->dim[i], path, sizeof path);
            size_t k = 0;
            while (k < nseen && strcmp(seen[k], path) != 0)
                ++k;
            if (k == nseen) {
                snprintf(seen[nseen++], sizeof seen[0], "%s", path);
                bytes += (sf_dim_is_grid(v->dim[i]) ? 8 : 1) * (uint64_t)size[v->dim[i]];
            }
        }
        bytes += n;
    }
    return bytes;
}

/* The scale of dimension d at `path` (sf_scale_path), created if this is its first use: a grid
 * coordinate (the axis values, units, long_name, description) or a netCDF dimension without a
 * variable (zeros, its NAME saying so). */
static ssoc_status ensure_scale(ssoc_sweepfile_out *f, const char *path, sf_dim d, ssoc_error *err)
{
    if (ssoc_h5_exists(f->h, path))
        return SSOC_OK;
    const sf_dimension *dim = &sf_dims[d];
    const size_t n = f->size[d];
    ssoc_status st;
    if (sf_dim_is_grid(d)) {
        if ((st = ssoc_h5_dataset(f->h, path, SSOC_H5_F64, 1, &n, 0, err)) ||
            (st = ssoc_h5_write_all(f->h, path, f->axis[d], f->root, err)) ||
            (st = ssoc_h5_attr_text(f->h, path, "units", dim->units, err)) ||
            (st = ssoc_h5_attr_str(f->h, path, "long_name", dim->long_name, err)) ||
            (st = ssoc_h5_attr_str(f->h, path, "description", dim->description, err)))
            return st;
        return ssoc_h5_make_scale(f->h, path, dim->name, err);
    }
    char name[96];
    snprintf(name, sizeof name, SF_DIM_ONLY_NAME, n);
    uint8_t *zero = calloc(n ? n : 1, 1);
    if (!zero)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    if (!(st = ssoc_h5_dataset(f->h, path, SSOC_H5_U8, 1, &n, 0, err)) &&
        !(st = ssoc_h5_write_all(f->h, path, zero, f->root, err)))
        st = ssoc_h5_make_scale(f->h, path, name, err);
    free(zero);
    return st;
}

/* Create dataset `id` with its shape and attributes (units, long_name, description, CF flags),
 * attach the dimension scales of its dimensions, and write `data`; data == NULL: the dataset is
 * written later, piecewise, and holds the fill value (NaN, 0) until then. */
static ssoc_status sf_create(ssoc_sweepfile_out *f, sf_id id, const void *data, ssoc_error *err)
{
    const sf_var *v = &sf_vars[id];
    size_t dims[3];
    const int rank = sf_extents(v, f->size, dims);
    char scale[3][128];
    const char *scales[3] = {scale[0], scale[1], scale[2]};
    ssoc_status st = SSOC_OK;
    for (int i = 0; i < rank && !st; ++i) {
        sf_scale_path(v->path, v->dim[i], scale[i], sizeof scale[i]);
        st = ensure_scale(f, scale[i], v->dim[i], err);
    }
    if (!st)
        st = ssoc_h5_dataset(f->h, v->path, v->type, rank, dims, data == NULL, err);
    if (!st && v->units)
        st = ssoc_h5_attr_text(f->h, v->path, "units", v->units, err);
    if (!st)
        st = ssoc_h5_attr_str(f->h, v->path, "long_name", v->long_name, err);
    if (!st)
        st = ssoc_h5_attr_str(f->h, v->path, "description", v->description, err);
    if (!st && v->band)
        st = ssoc_h5_attr_str(f->h, v->path, "band_kind", sf_band_kind(v->band), err);
    if (!st && v->band)
        st = ssoc_h5_attr_str(f->h, v->path, "band_covers", sf_band_covers(v->band), err);
    if (!st && v->flags) {
        st = ssoc_h5_attr_num(f->h, v->path, v->flags->masks ? "flag_masks" : "flag_values", SSOC_H5_U8, v->flags->v,
                              (size_t)v->flags->n, err);
        if (!st)
            st = ssoc_h5_attr_str(f->h, v->path, "flag_meanings", v->flags->meanings, err);
    }
    if (!st)
        st = ssoc_h5_attach_scales(f->h, v->path, scales, (unsigned)rank, err);
    if (!st && data)
        st = ssoc_h5_write_all(f->h, v->path, data, f->root, err);
    return st;
}

/* ------------------------------------------------------------------ the layout, group by group */

static const char *params_source(const ssoc_config *c)
{
    return c->params == SSOC_PARAMS_FIT ? "fit" : c->params == SSOC_PARAMS_PUBLISHED ? "published" : c->params_file;
}

/* Root: what made this session of the file (rewritten on resume), and `history`, the sessions
 * one line each (CF). */
static ssoc_status write_provenance(ssoc_sweepfile_out *f, int resumed, ssoc_error *err)
{
    ssoc_h5 *h = f->h;
    const ssoc_sweepfile_meta *m = f->m;
    int64_t ranks = m->ranks, threads = m->threads, fmt = SSOC_SWEEPFILE_FORMAT, res = resumed,
            mpi = ssoc_par_active(), complete = 0;
    /* every rank must write the same attribute values (and so compute the same checksums): rank 0's
     * clock names the session, rank 0's thread count stands for all */
    char created[64], *old = NULL, line[512];
    snprintf(created, sizeof created, "%s", m->created);
    ssoc_par_bcast(created, sizeof created, 0);
    ssoc_par_bcast(&threads, sizeof threads, 0);
    snprintf(line, sizeof line, "%s: ssoc %s %s (%lld rank%s x %lld thread%s)", created, SSOC_VERSION,
             resumed ? "sweep --resume" : "sweep", (long long)ranks, ranks == 1 ? "" : "s", (long long)threads,
             threads == 1 ? "" : "s");
    ssoc_status st = resumed ? ssoc_h5_attr_get_str(h, "/", "history", &old, err) : SSOC_OK;
    size_t len = (old ? strlen(old) + 1 : 0) + strlen(line) + 1;
    char *history = st ? NULL : malloc(len);
    if (!st && !history)
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    if (!st)
        snprintf(history, len, "%s%s%s", old ? old : "", old ? "\n" : "", line);
    free(old);
    if (st || (st = ssoc_h5_attr_num(h, "/", "ssoc_format", SSOC_H5_I64, &fmt, 1, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "complete", SSOC_H5_I64, &complete, 1, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "history", history, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "software", "ssoc", err)) ||
        (st = ssoc_h5_attr_str(h, "/", "version", SSOC_VERSION, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "git_revision", SSOC_GIT_REVISION, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "compiler", SSOC_COMPILER, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "build_type", SSOC_BUILD_TYPE, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "cflags", SSOC_CFLAGS, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "kernel_isa", f->m->kernel_isa ? f->m->kernel_isa : "", err)) ||
        (st = ssoc_h5_attr_num(h, "/", "mpi_ranks", SSOC_H5_I64, &ranks, 1, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "omp_threads", SSOC_H5_I64, &threads, 1, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "mpi_initialised", SSOC_H5_I64, &mpi, 1, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "created", created, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "resumed", SSOC_H5_I64, &res, 1, err))) {
        free(history);
        return st;
    }
    free(history);
    return SSOC_OK;
}

/* Root: what data at one temperature cannot tell. single_temperature = 1 and the caveat
 * (ssoc_data_one_T_caveat) when the fitted data hold one temperature, else 0 and "". */
static ssoc_status write_one_T(ssoc_sweepfile_out *f, ssoc_error *err)
{
    const int64_t one = ssoc_data_range_one_T(f->m->range);
    char caveat[512] = "";
    if (one)
        ssoc_data_one_T_caveat(f->m->range->T_min_K, caveat, sizeof caveat);
    ssoc_status st = ssoc_h5_attr_num(f->h, "/", "single_temperature", SSOC_H5_I64, &one, 1, err);
    return st ? st : ssoc_h5_attr_str(f->h, "/", "single_temperature_caveat", caveat, err);
}

/* Root: CF's description of the file, and the run's inputs (configuration, data, parameters,
 * bands). */
static ssoc_status write_root(ssoc_sweepfile_out *f, ssoc_error *err)
{
    const ssoc_config *c = f->m->cfg;
    ssoc_h5 *h = f->h;
    uint64_t seed = c->seed;
    int64_t B = (int64_t)c->B;
    char source[160];
    snprintf(source, sizeof source, "ssoc %s (git %s), ssoc sweep", SSOC_VERSION, SSOC_GIT_REVISION);
    ssoc_status st;
    if ((st = ssoc_h5_attr_text(h, "/", "Conventions", "CF-1.10", err)) ||
        (st = ssoc_h5_attr_str(h, "/", "title",
                               "Li-ion conductivity of (Li2S)x(P2S5)1-x glasses over composition, density and "
                               "temperature, with bootstrap bands, and the design rules",
                               err)) ||
        (st = ssoc_h5_attr_str(h, "/", "source", source, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "references",
                               "README.md (section 'The sweep file') and docs/MODEL.md of the ssoc repository", err)) ||
        (st = write_provenance(f, 0, err)) || (st = ssoc_h5_attr_str(h, "/", "config", c->text, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "config_file", c->path, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "resume_key", c->resume_key, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "seed", SSOC_H5_U64, &seed, 1, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "data_file", c->data_file, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "data_sha256", f->m->data->sha256, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "params_source", params_source(c), err)) ||
        (st = ssoc_h5_attr_str(h, "/", "params_sha256", f->m->params_sha256, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "confidence", SSOC_H5_F64, &c->confidence, 1, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "interval", ssoc_ci_method_name(c->interval), err)) ||
        (st = ssoc_h5_attr_str(h, "/", "scheme", ssoc_boot_scheme_name(c->scheme), err)) ||
        (st = ssoc_h5_attr_str(h, "/", "fit_method", ssoc_fit_method_name(f->m->fit_method), err)) ||
        (st = ssoc_h5_attr_num(h, "/", "residual_dof", SSOC_H5_F64, &f->m->boot->dof, 1, err)) ||
        (st = ssoc_h5_attr_str(h, "/", "quantile_definition", SSOC_QUANTILE_DEFINITION, err)) ||
        (st = ssoc_h5_attr_num(h, "/", "B", SSOC_H5_I64, &B, 1, err)) || (st = write_one_T(f, err)))
        return st;
    if (c->has_target)
        st = ssoc_h5_attr_num(h, "/", "target_sigma_S_cm", SSOC_H5_F64, &c->target_sigma_S_cm, 1, err);
    return st;
}

/* The root's coordinates, first in the file (every other group gets its own copies as it needs
 * them). */
static ssoc_status write_coords(ssoc_sweepfile_out *f, ssoc_error *err)
{
    static const sf_dim grid[3] = {SF_DIM_T, SF_DIM_RHO, SF_DIM_X};
    ssoc_status st = SSOC_OK;
    for (int i = 0; i < 3 && !st; ++i) {
        char path[32];
        snprintf(path, sizeof path, "/%s", sf_dims[grid[i]].name);
        st = ensure_scale(f, path, grid[i], err);
    }
    return st;
}

/* /structure: rho0 [nx], v_f and n_Li [nrho][nx] (no parameters). */
static ssoc_status write_structure(ssoc_sweepfile_out *f, ssoc_error *err)
{
    const ssoc_config *c = f->m->cfg;
    const size_t nx = c->x.n, nrho = c->rho.n;
    double *rho0 = malloc(nx * sizeof *rho0), *vf = malloc(nx * nrho * sizeof *vf),
           *nli = malloc(nx * nrho * sizeof *nli);
    ssoc_status st = SSOC_OK;
    if (!rho0 || !vf || !nli) {
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    } else {
        for (size_t ix = 0; ix < nx; ++ix)
            rho0[ix] = ssoc_model_rho0_g_cm3(c->x.v[ix]);
        for (size_t ir = 0; ir < nrho; ++ir)
            for (size_t ix = 0; ix < nx; ++ix) {
                vf[ir * nx + ix] = ssoc_model_vf(c->x.v[ix], c->rho.v[ir]);
                nli[ir * nx + ix] = ssoc_model_nLi_cm3(c->x.v[ix], c->rho.v[ir]);
            }
        if (!(st = sf_create(f, SF_RHO0, rho0, err)) && !(st = sf_create(f, SF_VF, vf, err)))
            st = sf_create(f, SF_NLI, nli, err);
    }
    free(rho0), free(vf), free(nli);
    return st;
}

/* /extrapolated and /sigma: the gridded maps, 0 and NaN until their blocks are written, with the
 * band's definition and the data range the flags refer to. */
static ssoc_status write_maps(ssoc_sweepfile_out *f, ssoc_error *err)
{
    const ssoc_config *c = f->m->cfg;
    ssoc_h5 *h = f->h;
    ssoc_status st;
    if ((st = sf_create(f, SF_EXTRAPOLATED, NULL, err)) || (st = sf_create(f, SF_SIGMA_BEST, NULL, err)) ||
        (st = sf_create(f, SF_SIGMA_MEDIAN, NULL, err)) || (st = sf_create(f, SF_SIGMA_LO, NULL, err)) ||
        (st = sf_create(f, SF_SIGMA_HI, NULL, err)) || (st = sf_create(f, SF_SIGMA_PRED_LO, NULL, err)) ||
        (st = sf_create(f, SF_SIGMA_PRED_HI, NULL, err)))
        return st;
    if (c->has_target && (st = sf_create(f, SF_P_EXCEED, NULL, err)))
        return st;
    /* the prediction band is the percentile band at the same levels, never BCa */
    const double q[4] = {f->m->q_lo, f->m->q_hi, f->m->q_lo, f->m->q_hi};
    const sf_id band[4] = {SF_SIGMA_LO, SF_SIGMA_HI, SF_SIGMA_PRED_LO, SF_SIGMA_PRED_HI};
    for (int i = 0; i < 4; ++i) {
        const char *p = sf_vars[band[i]].path;
        const ssoc_ci_method m = i < 2 || c->interval == SSOC_CI_EXPANDED ? c->interval : SSOC_CI_PERCENTILE;
        if ((st = ssoc_h5_attr_str(h, p, "interval", ssoc_ci_method_name(m), err)) ||
            (st = ssoc_h5_attr_num(h, p, "confidence", SSOC_H5_F64, &c->confidence, 1, err)) ||
            (st = ssoc_h5_attr_num(h, p, "quantile", SSOC_H5_F64, &q[i], 1, err)))
            return st;
    }
    const ssoc_data_range *r = f->m->range;
    const double rng[6] = {r->x_min, r->x_max, r->vf_min, r->vf_max, r->T_min_K, r->T_max_K};
    const char *ex = sf_vars[SF_EXTRAPOLATED].path;
    if ((st = ssoc_h5_attr_num(h, ex, "data_x_range", SSOC_H5_F64, rng, 2, err)) ||
        (st = ssoc_h5_attr_num(h, ex, "data_v_f_range", SSOC_H5_F64, rng + 2, 2, err)) ||
        (st = ssoc_h5_attr_num(h, ex, "data_T_range", SSOC_H5_F64, rng + 4, 2, err)))
        return st;
    return SSOC_OK;
}

/* The leave-one-out table as the file stores it: NaN rows where that refit failed (NULL: out of
 * memory). */
static double *jack_rows(const ssoc_boot_result *bt)
{
    double *t = malloc(bt->n_jack * SSOC_NPARAM * sizeof *t);
    for (size_t i = 0; t && i < bt->n_jack; ++i)
        for (int j = 0; j < SSOC_NPARAM; ++j)
            t[i * SSOC_NPARAM + j] = bt->jack_ok[i] ? bt->jack[i * SSOC_NPARAM + j] : NAN;
    return t;
}

/* /fit: parameters, their bands, the replicate table and (BCa) the leave-one-out table, with the
 * parameters' names and units; fit quality. */
static ssoc_status write_fit(ssoc_sweepfile_out *f, ssoc_error *err)
{
    const ssoc_sweepfile_meta *m = f->m;
    const ssoc_boot_result *bt = m->boot;
    ssoc_h5 *h = f->h;
    const char *names[SSOC_NPARAM], *units[SSOC_NPARAM];
    uint8_t fixed[SSOC_NPARAM];
    for (int i = 0; i < SSOC_NPARAM; ++i) {
        names[i] = ssoc_param_name(i);
        units[i] = ssoc_param_unit(i);
        fixed[i] = (uint8_t)((m->fixed_mask >> i) & 1u);
    }
    double *jack = bt->n_jack ? jack_rows(bt) : NULL;
    if (bt->n_jack && !jack)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    const struct {
        sf_id id;
        const double *v;
    } pv[6] = {{SF_PARAMS, m->best->p}, {SF_PARAMS_LO, bt->lo},       {SF_PARAMS_HI, bt->hi},
               {SF_PARAMS_MEDIAN, bt->median}, {SF_PARAMS_BOOT, bt->table}, {SF_PARAMS_JACK, jack}};
    ssoc_status st = SSOC_OK;
    for (int i = 0; i < 6 && !st; ++i)
        if (pv[i].v && !(st = sf_create(f, pv[i].id, pv[i].v, err)) &&
            !(st = ssoc_h5_attr_strs(h, sf_vars[pv[i].id].path, "parameter_names", names, SSOC_NPARAM, err)))
            st = ssoc_h5_attr_strs(h, sf_vars[pv[i].id].path, "parameter_units", units, SSOC_NPARAM, err);
    free(jack);
    if (st)
        return st;
    const char *params = sf_vars[SF_PARAMS].path;
    int64_t B = (int64_t)m->cfg->B, nfail = (int64_t)bt->n_failed;
    if ((st = ssoc_h5_attr_num(h, params, "fixed", SSOC_H5_U8, fixed, SSOC_NPARAM, err)) ||
        (st = ssoc_h5_attr_str(h, params, "source", params_source(m->cfg), err)) ||
        (st = ssoc_h5_attr_num(h, "/fit", "n_failed", SSOC_H5_I64, &nfail, 1, err)) ||
        (st = ssoc_h5_attr_num(h, "/fit", "B", SSOC_H5_I64, &B, 1, err)))
        return st;
    const ssoc_metrics *q = m->metrics;
    const struct {
        const char *name;
        double v;
    } met[] = {{"r_log10_sigma", q->r_log10_sigma}, {"rmse_log10_sigma", q->rmse_log10_sigma},
               {"mean_ratio", q->mean_ratio},       {"median_ratio", q->median_ratio},
               {"r_log10_D_all", q->r_log10_D_all}, {"r_log10_D_pcc", q->r_log10_D_pcc},
               {"r_log10_D_scc", q->r_log10_D_scc}, {"r_ln_f", q->r_ln_f}};
    for (size_t i = 0; i < sizeof met / sizeof met[0]; ++i)
        if ((st = ssoc_h5_attr_num(h, "/fit", met[i].name, SSOC_H5_F64, &met[i].v, 1, err)))
            return st;
    return SSOC_OK;
}

/* /fit/data: the fitted points, one dataset per column. */
static ssoc_status write_fit_data(ssoc_sweepfile_out *f, ssoc_error *err)
{
    const ssoc_dataset *d = f->m->data;
    int64_t np = (int64_t)d->n, npcc = (int64_t)d->n_pcc, nscc = (int64_t)d->n_scc;
    uint8_t *reg = malloc(d->n ? d->n : 1);
    int64_t *line = malloc((d->n ? d->n : 1) * sizeof *line);
    ssoc_status st = SSOC_OK;
    if (!reg || !line) {
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    } else {
        for (size_t i = 0; i < d->n; ++i)
            reg[i] = d->regime[i], line[i] = d->line[i];
        const struct {
            sf_id id;
            const void *v;
        } col[8] = {{SF_DATA_X, d->x},           {SF_DATA_RHO, d->rho_g_cm3},    {SF_DATA_T, d->T_K},
                    {SF_DATA_D_HOP, d->D_hop_cm2_s}, {SF_DATA_SIGMA, d->sigma_S_cm}, {SF_DATA_D_MAX, d->d_max_A},
                    {SF_DATA_REGIME, reg},       {SF_DATA_LINE, line}};
        if (!(st = ssoc_h5_attr_num(f->h, "/fit", "n_points", SSOC_H5_I64, &np, 1, err)) &&
            !(st = ssoc_h5_attr_num(f->h, "/fit", "n_pcc", SSOC_H5_I64, &npcc, 1, err)))
            st = ssoc_h5_attr_num(f->h, "/fit", "n_scc", SSOC_H5_I64, &nscc, 1, err);
        for (int i = 0; i < 8 && !st; ++i)
            st = sf_create(f, col[i].id, col[i].v, err);
        if (!st)
            st = ssoc_h5_attr_num(f->h, "/fit/data", "d_crit_angstrom", SSOC_H5_F64, &d->d_crit_A, 1, err);
    }
    free(reg), free(line);
    return st;
}

/* /progress: one flag per block of grid columns, all 0. */
static ssoc_status write_progress(ssoc_sweepfile_out *f, ssoc_error *err)
{
    int64_t nb = (int64_t)f->m->nblocks, bc = (int64_t)f->m->block_columns;
    uint8_t *zero = calloc(f->m->nblocks ? f->m->nblocks : 1, 1);
    if (!zero)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    ssoc_status st = sf_create(f, SF_DONE, zero, err);
    free(zero);
    if (!st)
        st = ssoc_h5_attr_num(f->h, "/progress", "block_columns", SSOC_H5_I64, &bc, 1, err);
    if (!st)
        st = ssoc_h5_attr_num(f->h, "/progress", "nblocks", SSOC_H5_I64, &nb, 1, err);
    return st;
}

ssoc_status ssoc_sweepfile_create(const char *path, const ssoc_sweepfile_meta *m, ssoc_sweepfile_out **out,
                                  ssoc_error *err)
{
    *out = NULL;
    ssoc_sweepfile_out *f = out_alloc(m);
    if (!f)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    ssoc_status st = ssoc_h5_create(path, &f->h, err);
    if (!st && !(st = write_root(f, err)) && !(st = write_coords(f, err)) && !(st = write_structure(f, err)) &&
        !(st = write_maps(f, err)) && !(st = write_fit(f, err)) && !(st = write_fit_data(f, err)) &&
        !(st = write_progress(f, err)) && !(st = ssoc_h5_seal_attributes(f->h, err)))
        st = ssoc_h5_flush(f->h, err);
    *out = f; /* also on failure: the caller closes it */
    return st;
}

/* ------------------------------------------------------------------ resume */

/* A .partial to resume must be an ssoc sweep file of this format. */
static ssoc_status check_format(ssoc_h5 *h, const char *path, ssoc_error *err)
{
    int64_t fmt = 0;
    ssoc_status st = ssoc_h5_attr_get_num(h, "/", "ssoc_format", SSOC_H5_I64, &fmt, 1, err);
    if (!st && fmt != SSOC_SWEEPFILE_FORMAT)
        st = SSOC_ERR(err, SSOC_ECONFIG, "%s: file format %lld, this ssoc writes %d; start over with --force", path,
                      (long long)fmt, SSOC_SWEEPFILE_FORMAT);
    /* every attribute a resume relies on (resume key, SHA-256s, kernel variant) is as the run that
     * started the file wrote it */
    if (!st)
        st = ssoc_h5_check_attributes(h, err);
    return st;
}

ssoc_status ssoc_sweepfile_reopen(const char *path, const ssoc_sweepfile_meta *m, uint8_t *done,
                                  ssoc_sweepfile_out **out, ssoc_error *err)
{
    *out = NULL;
    ssoc_sweepfile_out *f = out_alloc(m);
    if (!f)
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    *out = f;
    /* A serial run's maps have only the chunks it wrote (h5io.h, ssoc_h5_dataset); parallel HDF5
     * would allocate the others collectively at every write, which took minutes instead of
     * seconds: rank 0 fills them in before the ranks open the file together. */
    ssoc_status st = SSOC_OK;
    if (ssoc_par_active() && (st = ssoc_par_agree_status(f->root ? ssoc_h5_fill_unallocated(path, NULL, err) : SSOC_OK,
                                                         err)))
        return st;
    if ((st = ssoc_h5_open_rw(path, &f->h, err)))
        return st;
    const ssoc_config *c = m->cfg;
    char *key = NULL, *sha = NULL, *psha = NULL;
    int64_t nb = 0;
    st = check_format(f->h, path, err);
    if (!st)
        st = ssoc_h5_attr_get_str(f->h, "/", "resume_key", &key, err);
    if (!st)
        st = ssoc_h5_attr_get_str(f->h, "/", "data_sha256", &sha, err);
    if (!st)
        st = ssoc_h5_attr_get_str(f->h, "/", "params_sha256", &psha, err);
    if (!st && strcmp(key, c->resume_key) != 0)
        st = SSOC_ERR(err, SSOC_ECONFIG,
                      "%s was started with a different configuration; refusing to resume (rerun with the same "
                      "config, or start over with --force instead of --resume)",
                      path);
    if (!st && strcmp(sha, m->data->sha256) != 0)
        st = SSOC_ERR(err, SSOC_ECONFIG,
                      "%s was started on different data (SHA-256 %.12s..., now %.12s... for %s); refusing to resume",
                      path, sha, m->data->sha256, c->data_file);
    if (!st && strcmp(psha, m->params_sha256) != 0)
        st = SSOC_ERR(err, SSOC_ECONFIG, "%s was started with a different parameter file; refusing to resume", path);
    free(key), free(sha), free(psha);
    /* the resume key spells the grid as it was given (start:stop:count); its values must be the
     * file's to the bit */
    static const sf_dim grid[3] = {SF_DIM_T, SF_DIM_RHO, SF_DIM_X};
    for (int i = 0; i < 3 && !st; ++i) {
        const size_t n = f->size[grid[i]];
        double *v = malloc(n * sizeof *v);
        char p[32];
        snprintf(p, sizeof p, "/%s", sf_dims[grid[i]].name);
        st = v ? ssoc_h5_read_all(f->h, p, SSOC_H5_F64, n, v, err) : SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
        if (!st && memcmp(v, f->axis[grid[i]], n * sizeof *v) != 0)
            st = SSOC_ERR(err, SSOC_ECONFIG, "%s: its %s coordinates differ from the configuration's; refusing to resume",
                          path, sf_dims[grid[i]].name);
        free(v);
    }
    if (!st)
        st = ssoc_h5_attr_get_num(f->h, "/progress", "nblocks", SSOC_H5_I64, &nb, 1, err);
    if (!st && (size_t)nb != m->nblocks)
        st = SSOC_ERR(err, SSOC_ECONFIG, "%s: %lld blocks recorded, expected %zu", path, (long long)nb, m->nblocks);
    if (!st)
        st = ssoc_h5_read_all(f->h, sf_vars[SF_DONE].path, SSOC_H5_U8, m->nblocks, done, err);
    if (!st)
        st = write_provenance(f, 1, err);
    if (!st)
        st = ssoc_h5_seal_attributes(f->h, err);
    return st;
}

ssoc_status ssoc_sweepfile_kernel_isa(const char *path, char *buf, size_t size, ssoc_error *err)
{
    ssoc_h5 *h = NULL;
    char *v = NULL;
    ssoc_status st = ssoc_h5_open_rw(path, &h, err);
    if (!st)
        st = check_format(h, path, err);
    if (!st && ssoc_h5_attr_get_str(h, "/", "kernel_isa", &v, NULL) != SSOC_OK)
        st = SSOC_ERR(err, SSOC_ECONFIG, "%s does not record its kernel variant (an older ssoc started it): start over "
                      "with --force", path);
    if (!st)
        snprintf(buf, size, "%s", v);
    free(v);
    ssoc_status cs = h ? ssoc_h5_close(h, st ? NULL : err) : SSOC_OK;
    return st ? st : cs;
}

/* ------------------------------------------------------------------ the run */

ssoc_status ssoc_sweepfile_write_block(ssoc_sweepfile_out *f, int has, size_t kblk, size_t c0, size_t c1,
                                       const ssoc_sweepfile_maps *maps, ssoc_error *err)
{
    if (!has)
        c0 = c1 = 0;
    const struct {
        sf_id id;
        const void *v;
    } map[8] = {{SF_SIGMA_BEST, maps->best},
                {SF_SIGMA_MEDIAN, maps->median},
                {SF_SIGMA_LO, maps->lo},
                {SF_SIGMA_HI, maps->hi},
                {SF_SIGMA_PRED_LO, maps->pred_lo},
                {SF_SIGMA_PRED_HI, maps->pred_hi},
                {SF_EXTRAPOLATED, maps->extrapolated},
                {SF_P_EXCEED, maps->p_exceed}};
    const int nmap = f->m->cfg->has_target ? 8 : 7;
    ssoc_status st = SSOC_OK;
    for (int i = 0; i < nmap && !st; ++i)
        st = ssoc_h5_write_columns(f->h, sf_vars[map[i].id].path, c0, c1, map[i].v, err);
    if (st)
        return st;
    /* Under MPI the collective writes go straight to the file: the maps are there before the
     * flag that vouches for them. A serial file keeps them in HDF5's chunk cache, where a chunk
     * that a block fills only partly waits for the next block; its flag waits for the next flush,
     * which writes the maps out first (ssoc_sweepfile_flush): flushing at every block wrote each
     * such chunk twice (benchmarks/README.md, "The write phase in the final state"). */
    if (!ssoc_par_active()) {
        if (has)
            f->pending[f->npending++] = kblk;
        return SSOC_OK;
    }
    const uint8_t one = 1;
    return ssoc_h5_write_range(f->h, sf_vars[SF_DONE].path, kblk, has ? 1 : 0, &one, err);
}

ssoc_status ssoc_sweepfile_flush(ssoc_sweepfile_out *f, ssoc_error *err)
{
    /* a serial file: the maps reach the file before the flags of their blocks, and the flags
     * before this returns; a kill -9 loses at most the blocks written since the last flush */
    ssoc_status st = f->npending ? ssoc_h5_flush_data(f->h, err) : SSOC_OK;
    const uint8_t one = 1;
    for (size_t i = 0; i < f->npending && !st; ++i)
        st = ssoc_h5_write_range(f->h, sf_vars[SF_DONE].path, f->pending[i], 1, &one, err);
    if (!st)
        f->npending = 0;
    return st ? st : ssoc_h5_flush(f->h, err);
}

ssoc_status ssoc_sweepfile_write_rules(ssoc_sweepfile_out *f, const double *recs, ssoc_error *err)
{
    const size_t nT = f->size[SF_DIM_T], nrt = nT * f->size[SF_DIM_X], nxt = nT * f->size[SF_DIM_RHO];
    const size_t nmax = nrt > nxt ? nrt : nxt;
    double *buf = malloc(nmax * sizeof *buf);
    uint8_t *u8 = malloc(nmax);
    if (!buf || !u8) {
        free(buf), free(u8);
        return SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    }
    ssoc_status st = SSOC_OK;
    for (int id = 0; id < SF_COUNT && !st; ++id) {
        const sf_var *v = &sf_vars[id];
        if (v->rule_field < 0)
            continue;
        /* [T][x]: rho_opt's records; [T][rho]: x_opt's, after them */
        const int by_x = v->dim[1] == SF_DIM_X;
        const size_t n = by_x ? nrt : nxt;
        const double *base = recs + (by_x ? 0 : nrt * SSOC_RULE_COUNT);
        for (size_t k = 0; k < n; ++k) {
            const double x = base[k * SSOC_RULE_COUNT + v->rule_field];
            if (v->type == SSOC_H5_U8)
                u8[k] = isfinite(x) ? (uint8_t)x : 0;
            else
                buf[k] = x;
        }
        st = sf_create(f, (sf_id)id, v->type == SSOC_H5_U8 ? (const void *)u8 : (const void *)buf, err);
    }
    int64_t nf = 0;
    for (size_t k = 0; k < nrt + nxt; ++k)
        nf += isfinite(recs[k * SSOC_RULE_COUNT + SSOC_RULE_NFAIL]) ? (int64_t)recs[k * SSOC_RULE_COUNT + SSOC_RULE_NFAIL]
                                                                    : 0;
    /* not sealed here: ssoc_sweepfile_finish follows and seals everything; until then the new
     * /rules attributes are simply not yet listed (a check ignores unlisted attributes) */
    if (!st)
        st = ssoc_h5_attr_num(f->h, "/rules", "failed_replicate_optimisations", SSOC_H5_I64, &nf, 1, err);
    free(buf), free(u8);
    return st;
}

ssoc_status ssoc_sweepfile_finish(ssoc_sweepfile_out *f, const char *const *names, const double *seconds, int n,
                                  double total_s, ssoc_error *err)
{
    const int64_t complete = 1;
    /* rank 0's clocks: attribute values must be the same on every rank */
    double t[65];
    n = n < 64 ? n : 64;
    memcpy(t, seconds, (size_t)n * sizeof *t);
    t[n] = total_s;
    ssoc_par_bcast(t, (size_t)(n + 1) * sizeof *t, 0);
    ssoc_status st = SSOC_OK;
    for (int p = 0; p < n && !st; ++p) {
        char name[64];
        snprintf(name, sizeof name, "time_%s_s", names[p]);
        st = ssoc_h5_attr_num(f->h, "/", name, SSOC_H5_F64, &t[p], 1, err);
    }
    if (!st)
        st = ssoc_h5_attr_num(f->h, "/", "time_total_s", SSOC_H5_F64, &t[n], 1, err);
    if (!st)
        st = ssoc_h5_attr_num(f->h, "/", "complete", SSOC_H5_I64, &complete, 1, err);
    if (!st)
        st = ssoc_h5_seal_attributes(f->h, err);
    return st;
}

ssoc_status ssoc_sweepfile_close(ssoc_sweepfile_out *f, ssoc_error *err)
{
    if (!f)
        return SSOC_OK;
    ssoc_status st = ssoc_h5_close(f->h, err);
    free(f->pending);
    free(f);
    return st;
}
