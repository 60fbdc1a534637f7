/// @file config.h
/// The sweep configuration (INI, parsed with inih): sections [data], [fit], [bootstrap], [grid],
/// [target], [output]. Every key is documented in configs/default.ini. Errors are SSOC_ECONFIG
/// with "FILE:LINE: [section] key: what is wrong" (or "--set section.key=value: ..." for an
/// override). Relative paths inside a config file are relative to the file's directory; paths
/// given with --set or -o are relative to the current directory.
#ifndef SSOC_CONFIG_H
#define SSOC_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/boot.h"
#include "ssoc/error.h"
#include "ssoc/fit.h"
#include "ssoc/model.h"
#include "ssoc/stats.h"

#define SSOC_CONFIG_PATH_MAX 4096
#define SSOC_AXIS_MAX 1000000          ///< largest count of one grid axis
#define SSOC_GRID_POINTS_MAX 2000000000 ///< largest nT * nrho * nx
#define SSOC_BOOT_B_MAX 10000000       ///< largest B (the B x 9 table is 72 bytes per replicate)
#define SSOC_BLOCK_DEFAULT 1024        ///< default block size [(x, rho) columns]

/// Where the point parameters come from.
typedef enum ssoc_param_source {
    SSOC_PARAMS_FIT = 0,   ///< three-stage fit of [data] file
    SSOC_PARAMS_PUBLISHED, ///< the published set (docs/MODEL.md); replicates refit with v_c, n_H fixed
    SSOC_PARAMS_FILE,      ///< a JSON parameter file written by `ssoc fit -o`
} ssoc_param_source;

/// One grid axis: n strictly increasing values (owned), and how they were given.
typedef struct ssoc_axis {
    size_t n;
    double *v;
    int range;          ///< 1: given as start:stop:count (then v = numpy.linspace(start, stop, n)); 0: a list
    double start, stop; ///< the range's ends (range = 1 only)
} ssoc_axis;

/// A parsed, validated configuration. Owned; release with ssoc_config_free.
typedef struct ssoc_config {
    char path[SSOC_CONFIG_PATH_MAX];       ///< the config file as given ("" if none)
    /* [data] */
    char data_file[SSOC_CONFIG_PATH_MAX];  ///< resolved path of the CSV
    double d_crit_A;                       ///< PCC/SCC threshold on d_max [angstrom]
    int allow_implausible_data;            ///< [data] allow_implausible: accept implausible CSV values
    int allow_implausible_grid;            ///< [grid] allow_implausible: accept implausible axes and target
    /* [fit] */
    ssoc_param_source params;
    char params_file[SSOC_CONFIG_PATH_MAX]; ///< resolved JSON path when params = FILE
    ssoc_fit_method method;                ///< [fit] method (params = fit or published); default SSOC_FIT_METHOD_DEFAULT
    int method_set;                        ///< [fit] method was given (refused with params = FILE)
    unsigned fixed_mask;                   ///< [fit] fix: bit i = parameter i held fixed
    ssoc_params fixed;                     ///< values of the fixed parameters
    int free_ln_A;                         ///< [fit] free = ln_A: fit ln A too (else held at 0 unless in fix)
    /* [bootstrap] */
    size_t B;
    uint64_t seed;
    ssoc_boot_scheme scheme;
    double confidence;                     ///< in (0, 1)
    ssoc_ci_method interval;
    /* [grid] */
    ssoc_axis x, rho, T;                   ///< [1], [g/cm3], [K]
    /* [target] */
    int has_target;
    double target_sigma_S_cm;              ///< [S/cm], > 0
    /* [output] */
    char output_file[SSOC_CONFIG_PATH_MAX]; ///< resolved path of the HDF5 file
    size_t block_columns;                  ///< (x, rho) columns per block (progress/resume unit)
    /* the effective text of every key, canonical, used for provenance */
    char *text;                            ///< full effective config (paths resolved)
    char *resume_key;                      ///< the same without the two file paths (data identity is its SHA-256)
} ssoc_config;

/// Fill `c` with the defaults (the default grid of issue 7: x 0.60:0.80:201, rho 1.30:2.20:181,
/// T 300:800:11, B 1000, data = the shipped file relative to `default_dir`). Frees nothing.
void ssoc_config_default(ssoc_config *c);

/// Read `path` (NULL: defaults only), apply `nsets` overrides "section.key=value" in order, then
/// validate. On success `c` holds the effective configuration; on failure SSOC_ECONFIG with the
/// file, line and key, and `c` is left freed. The data file must exist (SSOC_ECONFIG otherwise).
ssoc_status ssoc_config_load(const char *path, const char *const *sets, size_t nsets, ssoc_config *c,
                             ssoc_error *err);

/// Parse one axis specification: "start:stop:count" (inclusive, numpy.linspace values: start +
/// i (stop - start)/(count - 1), last = stop exactly) or a comma-separated strictly increasing list.
/// `what` prefixes error messages. Values must lie in [lo, hi] (open at a bound if `open_lo`/`open_hi`).
ssoc_status ssoc_axis_parse(const char *text, double lo, int open_lo, double hi, int open_hi, ssoc_axis *a,
                            const char *what, ssoc_error *err);

/// Release what the config owns (axes, texts). NULL-safe, idempotent.
void ssoc_config_free(ssoc_config *c);

#endif
