/// @file data.h
/// MD data sets (docs/MODEL.md, "Data"): a CSV reader with precise errors, and the dataset container.
#ifndef SSOC_DATA_H
#define SSOC_DATA_H

#include <stddef.h>

#include "ssoc/error.h"

#define SSOC_D_CRIT_DEFAULT_A 6.0 ///< default PCC/SCC pore-diameter threshold [angstrom]

/// Transport regime of a data point.
typedef enum ssoc_regime { SSOC_REGIME_PCC = 0, SSOC_REGIME_SCC = 1 } ssoc_regime;

/// A data set: n points in parallel arrays, owned by the struct (ssoc_dataset_free).
typedef struct ssoc_dataset {
    size_t n;                ///< number of points
    size_t capacity;         ///< allocated length of the arrays
    double *x;               ///< Li2S molar fraction [1]
    double *rho_g_cm3;       ///< density [g/cm3]
    double *T_K;             ///< temperature [K]
    double *D_hop_cm2_s;     ///< hop diffusivity [cm2/s]
    double *sigma_S_cm;      ///< conductivity [S/cm]
    double *d_max_A;         ///< largest pore diameter [angstrom]; NaN where the file had none
    unsigned char *regime;   ///< ssoc_regime of each point
    int *line;               ///< 1-based line in the source file (0 for constructed points)
    size_t n_pcc, n_scc;     ///< points per regime
    double d_crit_A;         ///< threshold used to classify by d_max [angstrom]
    char *path;              ///< source file path (NULL for constructed sets)
    char sha256[65];         ///< hex SHA-256 of the source file bytes ("" for constructed sets)
} ssoc_dataset;

/// Range of the data, for extrapolation flags.
typedef struct ssoc_data_range {
    double x_min, x_max;   ///< [1]
    double vf_min, vf_max; ///< free volume [1]
    double T_min_K, T_max_K;
} ssoc_data_range;

/// Extrapolation bits of a point against the range of the fitted data (the sweep's /extrapolated
/// mask, the rules' *_extrapolated, `ssoc rules`, `ssoc validate`).
enum ssoc_extrap {
    SSOC_EXTRAP_X = 1u,  ///< x outside [x_min, x_max]
    SSOC_EXTRAP_VF = 2u, ///< v_f outside [vf_min, vf_max]
    SSOC_EXTRAP_T = 4u,  ///< T outside [T_min_K, T_max_K]
};

/// The ssoc_extrap bits of (x, v_f, T_K) against range r (0: inside in every dimension; a NaN
/// coordinate counts as inside).
unsigned ssoc_data_range_extrap(const ssoc_data_range *r, double x, double v_f, double T_K);

/// 1 when the range holds a single temperature (T_min_K == T_max_K, the fit's own test for ln_A):
/// the data cannot then tell E0 from the attempt frequency (docs/UNCERTAINTY.md, "What one
/// temperature cannot tell").
int ssoc_data_range_one_T(const ssoc_data_range *r);

/// The caveat every command states for fitted data at the single temperature T_K [K], one
/// sentence without a final full stop into buf (truncated at `size`): E0 and the apparent Ea are
/// set by the assumed attempt frequency k_B T/h, not measured (with the shift of E0 that a 10
/// times larger prefactor would cause, k_B T ln 10), and every other temperature is an
/// extrapolation whose band leaves that assumption out.
void ssoc_data_one_T_caveat(double T_K, char *buf, size_t size);

/// Allocate an empty data set with room for `capacity` points (n = 0). NULL on allocation failure.
ssoc_dataset *ssoc_dataset_alloc(size_t capacity);
/// Free a data set. NULL is harmless.
void ssoc_dataset_free(ssoc_dataset *d);
/// Recount n_pcc and n_scc from d->regime.
void ssoc_dataset_count_regimes(ssoc_dataset *d);
/// Copy rows idx[0..m) of src into dst (capacity >= m); dst->n = m, regimes recounted.
/// path/sha256 of dst are left alone. Returns SSOC_EINVAL if dst is too small.
ssoc_status ssoc_dataset_take(const ssoc_dataset *src, const size_t *idx, size_t m, ssoc_dataset *dst,
                              ssoc_error *err);
/// Range of x, v_f and T over the data set.
void ssoc_dataset_range(const ssoc_dataset *d, ssoc_data_range *r);

/// Read a data set from CSV (docs/MODEL.md, "Data"). Columns by header name (extra columns
/// ignored): x, rho, T, D_hop, sigma, and regime (PCC|SCC) or d_max (PCC when d_max < d_crit_A).
/// '#' lines are comments. Errors name FILE:LINE and the column; nothing is silently skipped.
/// Column names are case-sensitive; regime values are matched case-insensitively (pcc, Scc, ...).
/// If both regime and d_max are present, regime decides and d_max is only stored (it must still
/// be a number >= 0, or empty -> NaN); a regime that disagrees with d_max < d_crit_A is NOT an error.
/// Valid values: 0 < x < 1; rho, T, D_hop, sigma > 0; d_max >= 0; all finite; and rho, T, D_hop,
/// sigma and d_max physically plausible (plausible.h: a kg/m3 density or a Celsius temperature is
/// refused, naming the likely unit mistake). A header may carry a unit, `rho [kg/m3]`, `T [C]`,
/// `sigma [mS/cm]`, `D_hop [m2/s]`, `d_max [nm]` (plausible.h lists them): values are converted to
/// ssoc's units on reading; an unknown unit is an error naming it.
/// Returns SSOC_EINVAL (d_crit_A not finite and > 0, NULL path/out), SSOC_EIO (unreadable file),
/// SSOC_EDATA (content), SSOC_ENOMEM. On success *out is a new data set (caller frees it with
/// ssoc_dataset_free) with path, sha256, line numbers, d_crit_A and n_pcc/n_scc filled; on error *out = NULL.
ssoc_status ssoc_data_read_csv(const char *path, double d_crit_A, ssoc_dataset **out, ssoc_error *err);

/// ssoc_data_read_csv with `flags` of plausible.h: SSOC_PLAUSIBLE_ALLOW accepts implausible values
/// (a deliberate study), SSOC_PLAUSIBLE_CONFIG names the sweep configuration's override in
/// messages. ssoc_data_read_csv is this with flags 0.
ssoc_status ssoc_data_read_csv_ex(const char *path, double d_crit_A, unsigned flags, ssoc_dataset **out,
                                  ssoc_error *err);

/// A generic parsed CSV table (header + rows of strings), for readers with other columns.
typedef struct ssoc_csv ssoc_csv;

/// Parse a CSV file: '#' comment lines and blank lines skipped, first other line is the header.
/// Fields are split on ',' and trimmed of blanks; LF or CRLF line ends; a final newline is optional;
/// a leading UTF-8 byte-order mark is skipped. Quoted fields are not supported ('"' is an error).
/// Errors: SSOC_EIO unreadable file; SSOC_EDATA empty file or no header, duplicate or empty column
/// name, ragged row, '"' or NUL byte in a line, header only (no data rows); SSOC_ENOMEM.
/// Messages name FILE:LINE. On success *out is a new table (ssoc_csv_free); on error *out = NULL.
ssoc_status ssoc_csv_read(const char *path, ssoc_csv **out, ssoc_error *err);
/// Free a table. NULL is harmless.
void ssoc_csv_free(ssoc_csv *t);
/// Column index of `name` (exact, case-sensitive, surrounding blanks trimmed), or -1.
int ssoc_csv_column(const ssoc_csv *t, const char *name);
/// Number of columns in the header.
int ssoc_csv_ncols(const ssoc_csv *t);
/// Name (trimmed) of column `col`, or NULL if out of range.
const char *ssoc_csv_column_name(const ssoc_csv *t, int col);
/// 1-based source line of the header.
int ssoc_csv_header_line(const ssoc_csv *t);
/// Number of data rows (at least 1 for a table ssoc_csv_read returned).
size_t ssoc_csv_nrows(const ssoc_csv *t);
/// 1-based source line of data row `row` (0 if out of range).
int ssoc_csv_line(const ssoc_csv *t, size_t row);
/// Field text (trimmed) of row/column, or NULL if out of range. Owned by the table.
const char *ssoc_csv_field(const ssoc_csv *t, size_t row, int col);
/// Path the table was read from.
const char *ssoc_csv_path(const ssoc_csv *t);
/// Hex SHA-256 of the file's bytes.
const char *ssoc_csv_sha256(const ssoc_csv *t);
/// Parse a finite double from row/column (strtod of the whole trimmed field, C-locale syntax);
/// SSOC_EDATA "FILE:LINE: column 'NAME': ..." for an empty field, trailing junk, NaN, inf, or a value
/// out of double range (overflow or underflow); SSOC_EINVAL for row/col out of range.
ssoc_status ssoc_csv_get_double(const ssoc_csv *t, size_t row, int col, double *v, ssoc_error *err);

/// Parse a finite double that must be > 0; else "FILE:LINE: column 'NAME': 'TEXT' must be > 0".
ssoc_status ssoc_csv_get_positive(const ssoc_csv *t, size_t row, int col, double *v, ssoc_error *err);
/// The error for a required column that is absent: names the file, header line and column, lists the
/// header, and points out a case-only near miss. Always returns SSOC_EDATA.
ssoc_status ssoc_csv_missing_column(const ssoc_csv *t, const char *name, ssoc_error *err);
/// The header's column names as "a, b, c" into buf (cut with "..." when longer than cap).
void ssoc_csv_header_text(const ssoc_csv *t, char *buf, size_t cap);

/// SHA-256 of a file's bytes as 64 lowercase hex characters plus NUL (OpenSSL EVP).
/// SSOC_EIO if the file cannot be opened or read, or the digest fails.
ssoc_status ssoc_sha256_file(const char *path, char hex[65], ssoc_error *err);

#endif
