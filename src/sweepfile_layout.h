/* Private to the sweep-file module (sweepfile_layout.c, sweepfile_write.c, sweepfile_read.c):
 * the one table of the file's datasets, which the writer creates them from and the reader checks
 * them against. A dataset's name, group, shape (a list of named dimensions, not a code), element
 * type, units, long_name, description and CF flag attributes live here and nowhere else; the
 * README's table of the file describes the same entries. Adding a dataset is adding a row.
 *
 * The file is netCDF-4 / CF compatible (README "The sweep file"): every dimension is an HDF5
 * dimension scale that netCDF sees from each dataset using it (netCDF-4 looks for a dimension in
 * the dataset's own group and its parents only). The grid's three are coordinate variables (the
 * axis values, with units) written into every group that holds a gridded dataset, so that
 * `xarray.open_dataset(FILE, group=G)` has the coordinates of G's variables; the others are
 * dimensions without values in one fixed group. */
#ifndef SSOC_SWEEPFILE_LAYOUT_H
#define SSOC_SWEEPFILE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/error.h"
#include "ssoc/h5io.h"

/* The dimensions a dataset's shape is made of. */
typedef enum sf_dim {
    SF_DIM_T,         /* temperature: coordinate T in the dataset's group */
    SF_DIM_RHO,       /* density: coordinate rho in the dataset's group */
    SF_DIM_X,         /* composition: coordinate x in the dataset's group */
    SF_DIM_PARAM,     /* the model parameters, /fit/parameter */
    SF_DIM_REPLICATE, /* bootstrap replicates B, /fit/replicate */
    SF_DIM_POINT,     /* fitted data points, /fit/point */
    SF_DIM_BLOCK,     /* blocks of grid columns (progress), /progress/block */
    SF_NDIM
} sf_dim;

typedef struct sf_dimension {
    const char *name;        /* the dimension's name (and its scale dataset's) */
    const char *group;       /* the group of its scale; NULL: a grid coordinate, in the user's group */
    const char *units;       /* grid coordinates: the coordinate variable's attributes */
    const char *long_name;
    const char *description;
} sf_dimension;

extern const sf_dimension sf_dims[SF_NDIM];

/* The netCDF attribute NAME of a dimension without a coordinate variable (as netCDF-C and
 * h5netcdf write and recognise it), followed by the dimension's length. */
#define SF_DIM_ONLY_NAME "This is a netCDF dimension but not a netCDF variable.%10zu"

/* CF flag attributes of a uint8 dataset: flag_masks (bit fields) or flag_values (codes), with the
 * blank-separated flag_meanings. */
typedef struct sf_flags {
    int masks; /* 1: flag_masks, 0: flag_values */
    int n;
    uint8_t v[4];
    const char *meanings;
} sf_flags;

/* Every dataset of the file, in the order the writer creates them (coordinates are created on
 * first use, just before the first dataset of their group that needs them). */
typedef enum sf_id {
    SF_RHO0, SF_VF, SF_NLI,
    SF_EXTRAPOLATED, SF_SIGMA_BEST, SF_SIGMA_MEDIAN, SF_SIGMA_LO, SF_SIGMA_HI, SF_SIGMA_PRED_LO, SF_SIGMA_PRED_HI,
    SF_P_EXCEED,
    SF_PARAMS, SF_PARAMS_LO, SF_PARAMS_HI, SF_PARAMS_MEDIAN, SF_PARAMS_BOOT, SF_PARAMS_JACK,
    SF_DATA_X, SF_DATA_RHO, SF_DATA_T, SF_DATA_D_HOP, SF_DATA_SIGMA, SF_DATA_D_MAX, SF_DATA_REGIME, SF_DATA_LINE,
    SF_DONE,
    SF_RHO_OPT, SF_RHO_OPT_LO, SF_RHO_OPT_HI, SF_VF_OPT, SF_VF_OPT_LO, SF_VF_OPT_HI,
    SF_SIGMA_MAX, SF_SIGMA_MAX_LO, SF_SIGMA_MAX_HI, SF_RHO_OPT_AT_BOUND, SF_RHO_OPT_EXTRAPOLATED,
    SF_X_OPT, SF_X_OPT_LO, SF_X_OPT_HI, SF_X_OPT_SIGMA_MAX, SF_X_OPT_AT_BOUND, SF_X_OPT_EXTRAPOLATED,
    SF_RHO_OPT_STATUS, SF_X_OPT_STATUS,
    SF_COUNT
} sf_id;

/* What a band dataset's values are the ends of, written as its attribute `band_kind` (with
 * `band_covers` in words): a parameter's band, the confidence band of a quantity of the mean model
 * (sigma on the grid, a design rule), or the prediction band of a new MD run. */
typedef enum sf_band { SF_BAND_NONE = 0, SF_BAND_PARAMETER, SF_BAND_CONFIDENCE, SF_BAND_PREDICTION } sf_band;

/* The attribute values of band kind b: its token (band_kind) and its words (band_covers). */
const char *sf_band_kind(sf_band b);
const char *sf_band_covers(sf_band b);

typedef struct sf_var {
    const char *path;        /* "/group/name" */
    ssoc_h5_type type;       /* element type */
    int rank;                /* number of dimensions, slowest first in dim[] */
    sf_dim dim[3];
    const char *units;       /* the `units` attribute (UDUNITS spelling); NULL: none (flags, codes,
                              * and the parameter tables, whose columns differ: `parameter_units`) */
    const char *long_name;   /* the CF `long_name`: a short label for plots */
    const char *description; /* the `description` attribute: what the values are */
    const sf_flags *flags;   /* CF flag attributes, NULL: none */
    int rule_field;          /* /rules: the ssoc_rule_field its values come from, else -1 */
    sf_band band;            /* the attribute band_kind of a band's end (SF_BAND_NONE: not a band) */
} sf_var;

extern const sf_var sf_vars[SF_COUNT];

/* The extents of v for a file whose dimensions have sizes size[SF_NDIM]; returns the rank. */
int sf_extents(const sf_var *v, const size_t *size, size_t *dims);

/* The path of the scale of dimension d as dataset `path` sees it: "GROUP/NAME", GROUP being the
 * dataset's own group for a grid coordinate ("/x" for a root dataset, "/sigma/x" for /sigma/best)
 * and the dimension's fixed group otherwise. */
void sf_scale_path(const char *path, sf_dim d, char *buf, size_t len);

/* 1 if dimension d is one of the grid's (a coordinate variable with the axis values). */
int sf_dim_is_grid(sf_dim d);

/* The entry of dataset `path`, or NULL. */
const sf_var *sf_find(const char *path);

#endif
