/* Private to the sweep-file module (sweepfile_layout.c, sweepfile_write.c, sweepfile_read.c):
 * the one table of the file's datasets, which the writer creates them from and the reader checks
 * them against. A dataset's name, group, shape (a list of named dimensions, not a code), element
 * type, units, names and description live here and nowhere else; the README's table of the file
 * describes the same entries.
 *
 * The table is written for the next layout step as well (a CF/netCDF-4 compatible file): every
 * entry already carries a `long_name` (not written yet) beside its `units`, flag datasets carry
 * their `meaning`, and the dimensions name their coordinate variable, so that step is a change of
 * this table and of sf_create, not of every writer. */
#ifndef SSOC_SWEEPFILE_LAYOUT_H
#define SSOC_SWEEPFILE_LAYOUT_H

#include <stddef.h>

#include "ssoc/error.h"
#include "ssoc/h5io.h"

/* The dimensions a dataset's shape is made of. The grid's three have coordinate variables (HDF5
 * dimension scales attached to every dataset that uses them); the others are plain extents. */
typedef enum sf_dim {
    SF_DIM_T,         /* temperature, /coords/T */
    SF_DIM_RHO,       /* density, /coords/rho */
    SF_DIM_X,         /* composition, /coords/x */
    SF_DIM_PARAM,     /* the 8 model parameters */
    SF_DIM_REPLICATE, /* bootstrap replicates B */
    SF_DIM_POINT,     /* fitted data points */
    SF_DIM_BLOCK,     /* blocks of grid columns (progress) */
    SF_NDIM
} sf_dim;

typedef struct sf_dimension {
    const char *name;  /* the dimension's label */
    const char *coord; /* its coordinate dataset (a dimension scale), or NULL */
} sf_dimension;

extern const sf_dimension sf_dims[SF_NDIM];

/* Every dataset of the file, in the order the writer creates them (which is the order of each
 * coordinate's list of attached datasets, REFERENCE_LIST). */
typedef enum sf_id {
    SF_COORD_X, SF_COORD_RHO, SF_COORD_T,
    SF_RHO0, SF_VF, SF_NLI,
    SF_SIGMA_BEST, SF_SIGMA_MEDIAN, SF_SIGMA_LO, SF_SIGMA_HI, SF_EXTRAPOLATED, SF_P_EXCEED,
    SF_PARAMS, SF_PARAMS_LO, SF_PARAMS_HI, SF_PARAMS_MEDIAN, SF_PARAMS_BOOT,
    SF_DATA_X, SF_DATA_RHO, SF_DATA_T, SF_DATA_D_HOP, SF_DATA_SIGMA, SF_DATA_D_MAX, SF_DATA_REGIME, SF_DATA_LINE,
    SF_DONE,
    SF_RHO_OPT, SF_RHO_OPT_LO, SF_RHO_OPT_HI, SF_VF_OPT, SF_VF_OPT_LO, SF_VF_OPT_HI,
    SF_SIGMA_MAX, SF_SIGMA_MAX_LO, SF_SIGMA_MAX_HI, SF_RHO_OPT_AT_BOUND, SF_RHO_OPT_EXTRAPOLATED,
    SF_X_OPT, SF_X_OPT_LO, SF_X_OPT_HI, SF_X_OPT_SIGMA_MAX, SF_X_OPT_AT_BOUND, SF_X_OPT_EXTRAPOLATED,
    SF_RHO_OPT_STATUS, SF_X_OPT_STATUS,
    SF_COUNT
} sf_id;

typedef struct sf_var {
    const char *path;        /* "/group/name" */
    ssoc_h5_type type;       /* element type */
    int rank;                /* number of dimensions, slowest first in dim[] */
    sf_dim dim[3];
    const char *units;       /* the `units` attribute (UDUNITS spelling), NULL: none (flags, counts) */
    const char *long_name;   /* a short name for labels (CF long_name); not written yet */
    const char *description; /* the `description` attribute, NULL: none */
    const char *meaning;     /* the `meaning` attribute of a flag dataset, NULL: none */
    int rule_field;          /* /rules: the ssoc_rule_field its values come from, else -1 */
} sf_var;

extern const sf_var sf_vars[SF_COUNT];

/* The extents of v for a file whose dimensions have sizes size[SF_NDIM]; returns the rank. */
int sf_extents(const sf_var *v, const size_t *size, size_t *dims);

/* The entry of dataset `path`, or NULL. */
const sf_var *sf_find(const char *path);

#endif
