/// @file plausible.h
/// Physical plausibility of inputs, and the units a CSV header may carry (issue 17).
///
/// ssoc works in g/cm3, K, S/cm, cm2/s, eV and angstrom. A value far outside what these glasses can
/// have is almost always a unit mistake (kg/m3, degrees Celsius, mS/cm, m2/s, meV): every input
/// path (command-line options, configuration keys and --set, CSV columns, parameter files) checks
/// its values against the ranges below and refuses an implausible one with a message that names
/// the likely unit mistake and the fix. A deliberate out-of-range study stays possible with an
/// explicit override (`--allow-implausible`, `[data] allow_implausible = true`,
/// `[grid] allow_implausible = true`). The ranges and their reasons are in README.md ("Plausible
/// inputs and units").
///
/// A CSV column may carry its unit in its header, `NAME [UNIT]` or `NAME (UNIT)`: the known units
/// are converted on reading, an unknown one is refused by name.
#ifndef SSOC_PLAUSIBLE_H
#define SSOC_PLAUSIBLE_H

#include <stddef.h>

#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/model.h"

/// The physical quantities ssoc reads.
typedef enum ssoc_qty {
    SSOC_QTY_X = 0, ///< Li2S fraction [1]
    SSOC_QTY_RHO,   ///< density [g/cm3]
    SSOC_QTY_T,     ///< temperature [K]
    SSOC_QTY_SIGMA, ///< ionic conductivity [S/cm]
    SSOC_QTY_DHOP,  ///< hop diffusivity [cm2/s]
    SSOC_QTY_EA,    ///< activation energy [eV]
    SSOC_QTY_DMAX,  ///< largest pore diameter [angstrom]
    SSOC_QTY_COUNT
} ssoc_qty;

/// The plausible range of a quantity in ssoc's unit, with its reason (one phrase).
typedef struct ssoc_plausible_range {
    const char *name; ///< column / key name ("rho")
    const char *unit; ///< ssoc's unit ("g/cm3"; "" for x)
    double lo, hi;    ///< plausible values lie in [lo, hi] (-inf / inf: no bound)
    const char *why;  ///< why the range ends there
} ssoc_plausible_range;

/// The range of `q` (never NULL for a valid q).
const ssoc_plausible_range *ssoc_plausible_range_of(ssoc_qty q);

/// 1 if `v` (in ssoc's unit) lies in the plausible range of `q`. Otherwise 0, and `msg` (capacity
/// `cap`) says why and, where a common unit mistake maps `v` into the range, which one and the
/// converted value, e.g. "1730 g/cm3 is above the plausible 1-3 g/cm3 (...): it looks like kg/m3
/// (1730 kg/m3 = 1.73 g/cm3)". The caller adds where the value came from and the override.
int ssoc_plausible_check(ssoc_qty q, double v, char *msg, size_t cap);

/// How far above the point model's largest sigma on a grid a target may lie before it counts as
/// unreachable (the bootstrap band of sigma spans well under a decade where the data are).
#define SSOC_REACH_FACTOR 10.0

/// 1 if the point model `p` comes within SSOC_REACH_FACTOR of `target` [S/cm] somewhere on the grid
/// x[nx] x rho[nrho] x T[nT] (evaluated on at most 48 nodes per axis, both ends included).
/// Otherwise 0 and `msg` gives the model's largest sigma, where, how far below the target, and
/// a hint when the target looks like mS/cm.
int ssoc_plausible_target_reach(const ssoc_params *p, const double *x, size_t nx, const double *rho, size_t nrho,
                                const double *T, size_t nT, double target, char *msg, size_t cap);

/// A linear unit conversion to ssoc's unit: value_ssoc = scale * value + offset.
typedef struct ssoc_unit {
    char name[32]; ///< the unit as written in the header ("" when the header names none)
    double scale, offset;
} ssoc_unit;

/// Find the column of quantity `q` in `t`: a header that is exactly `name`, or `name [UNIT]` /
/// `name (UNIT)` with a known unit of that quantity. *col = -1 when there is none (the caller
/// reports the missing column). Errors (SSOC_EDATA, "FILE:LINE: column 'HEADER': ..."): an
/// unknown unit (with the known ones and the closest), or the quantity given twice (e.g. 'rho'
/// and 'rho [kg/m3]').
ssoc_status ssoc_units_column(const ssoc_csv *t, const char *name, ssoc_qty q, int *col, ssoc_unit *u,
                              ssoc_error *err);

/// Flags of ssoc_units_get and the readers built on it.
#define SSOC_PLAUSIBLE_ALLOW 1u   ///< accept implausible values (a deliberate out-of-range study)
#define SSOC_PLAUSIBLE_CONFIG 2u  ///< name the sweep configuration's override in messages

/// Read row `row` of column `col` (unit `u`) as quantity `q` in ssoc's unit: a finite number
/// (ssoc_csv_get_double), converted, > 0 for rho, T, sigma and D_hop, >= 0 for d_max, in (0, 1)
/// for x (with a hint when it looks like a percentage), and, unless `flags` has
/// SSOC_PLAUSIBLE_ALLOW, plausible. SSOC_EDATA "FILE:LINE: column 'HEADER': 'FIELD' ..." otherwise.
ssoc_status ssoc_units_get(const ssoc_csv *t, size_t row, int col, const ssoc_unit *u, ssoc_qty q, unsigned flags,
                           double *v, ssoc_error *err);

/// The override a message names: "--allow-implausible" or, with SSOC_PLAUSIBLE_CONFIG,
/// "[data] allow_implausible = true".
const char *ssoc_plausible_override(unsigned flags);

#endif
