/* Physical plausibility of inputs and the units of CSV headers (plausible.h). The ranges, and
 * why they end where they do, are stated in README.md ("Plausible inputs and units"). */
#include "ssoc/plausible.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ssoc/suggest.h"

static const ssoc_plausible_range ranges[SSOC_QTY_COUNT] = {
    [SSOC_QTY_X] = {"x", "", 0.0, 1.0, "a molar fraction"},
    /* crystalline Li2S 1.66 and P2S5 2.09 g/cm3, the glasses 1.8-2.0; MD cells are expanded or
     * compressed by ~30% at most */
    [SSOC_QTY_RHO] = {"rho", "g/cm3", 1.0, 3.0,
                      "the glasses and crystals lie at 1.6-2.1 g/cm3"},
    /* -40 C = 233 K is the coldest battery rating; Li2S melts at 1211 K */
    [SSOC_QTY_T] = {"T", "K", 230.0, 1500.0,
                    "from the coldest battery rating, -40 C, to above any MD melt"},
    [SSOC_QTY_SIGMA] = {"sigma", "S/cm", 1e-10, 1.0,
                        "no solid electrolyte exceeds ~0.1 S/cm; MD resolves no hop below 1e-10 S/cm"},
    /* MSD resolution: 6 D t >= 1 angstrom^2 in 100 ns is D >= 1.7e-10 cm2/s; liquids are ~1e-5 */
    [SSOC_QTY_DHOP] = {"D_hop", "cm2/s", 1e-10, 1e-2,
                       "MD resolves D >= ~1e-10 cm2/s; molten salts stay below 1e-3 cm2/s"},
    [SSOC_QTY_EA] = {"Ea", "eV", -INFINITY, 2.0, "Li-ion conductors have 0.1-0.7 eV"},
    [SSOC_QTY_DMAX] = {"d_max", "angstrom", -INFINITY, 100.0, "a pore in a glass cell is a few angstrom wide"},
};

const ssoc_plausible_range *ssoc_plausible_range_of(ssoc_qty q)
{
    return (unsigned)q < SSOC_QTY_COUNT ? &ranges[q] : NULL;
}

/* A common unit mistake: a value of `unit` is `scale` * value in ssoc's unit (offset added). */
typedef struct mistake {
    ssoc_qty q;
    const char *unit, *header; /* the unit in words; a CSV header that converts it */
    double scale, offset;
} mistake;

static const mistake mistakes[] = {
    {SSOC_QTY_RHO, "kg/m3", "rho [kg/m3]", 1e-3, 0.0},
    {SSOC_QTY_T, "degrees Celsius", "T [C]", 1.0, 273.15},
    {SSOC_QTY_SIGMA, "mS/cm", "sigma [mS/cm]", 1e-3, 0.0},
    {SSOC_QTY_DHOP, "m2/s", "D_hop [m2/s]", 1e4, 0.0},
    {SSOC_QTY_DHOP, "angstrom2/ps", "D_hop [A2/ps]", 1e-4, 0.0},
    {SSOC_QTY_EA, "meV", "Ea [meV]", 1e-3, 0.0},
    {SSOC_QTY_EA, "kJ/mol", "Ea [kJ/mol]", 1.0 / 96.485332, 0.0},
};

static int inside(const ssoc_plausible_range *r, double v) { return v >= r->lo && v <= r->hi; }

/* ssoc_plausible_check, also giving the unit mistake it names (NULL: none) */
static int check(ssoc_qty q, double v, char *msg, size_t cap, const mistake **hit)
{
    const ssoc_plausible_range *r = ssoc_plausible_range_of(q);
    *hit = NULL;
    if (!r || inside(r, v) || !cap)
        return 1;
    const char *sp = r->unit[0] ? " " : "";
    int n = snprintf(msg, cap, "%g%s%s is %s the plausible ", v, sp, r->unit, v < r->lo ? "below" : "above");
    if (isinf(r->lo))
        n += snprintf(msg + n, cap > (size_t)n ? cap - (size_t)n : 0, "maximum %g%s%s", r->hi, sp, r->unit);
    else
        n += snprintf(msg + n, cap > (size_t)n ? cap - (size_t)n : 0, "%g to %g%s%s", r->lo, r->hi, sp, r->unit);
    n += snprintf(msg + n, cap > (size_t)n ? cap - (size_t)n : 0, " (%s)", r->why);
    for (size_t i = 0; i < sizeof mistakes / sizeof mistakes[0]; ++i) {
        const mistake *m = &mistakes[i];
        const double w = m->scale * v + m->offset;
        if (m->q != q || !inside(r, w))
            continue;
        snprintf(msg + n, cap > (size_t)n ? cap - (size_t)n : 0, ": it looks like %s (%g %s = %.6g%s%s)", m->unit, v,
                 m->unit, w, sp, r->unit);
        *hit = m;
        break;
    }
    return 0;
}

int ssoc_plausible_check(ssoc_qty q, double v, char *msg, size_t cap)
{
    const mistake *hit;
    return check(q, v, msg, cap, &hit);
}

int ssoc_plausible_target_reach(const ssoc_params *p, const double *x, size_t nx, const double *rho, size_t nrho,
                                const double *T, size_t nT, double target, char *msg, size_t cap)
{
    /* at most SSOC_REACH_NODES nodes per axis, both ends included: a lower bound of the grid's
     * maximum, which SSOC_REACH_FACTOR more than covers */
    enum { SSOC_REACH_NODES = 48 };
    const size_t sx = nx > SSOC_REACH_NODES ? SSOC_REACH_NODES : nx;
    const size_t sr = nrho > SSOC_REACH_NODES ? SSOC_REACH_NODES : nrho;
    const size_t sT = nT > SSOC_REACH_NODES ? SSOC_REACH_NODES : nT;
    double best = -1.0, bx = NAN, br = NAN, bT = NAN;
    for (size_t a = 0; a < sx; ++a)
        for (size_t b = 0; b < sr; ++b)
            for (size_t c = 0; c < sT; ++c) {
                const double xv = x[sx > 1 ? a * (nx - 1) / (sx - 1) : 0];
                const double rv = rho[sr > 1 ? b * (nrho - 1) / (sr - 1) : 0];
                const double Tv = T[sT > 1 ? c * (nT - 1) / (sT - 1) : 0];
                ssoc_layers L;
                ssoc_model_eval(p, xv, rv, Tv, &L);
                if (isfinite(L.sigma_S_cm) && L.sigma_S_cm > best)
                    best = L.sigma_S_cm, bx = xv, br = rv, bT = Tv;
            }
    if (!(best >= 0.0) || best * SSOC_REACH_FACTOR >= target)
        return 1;
    snprintf(msg, cap,
             "the model's sigma peaks at %.3g S/cm on this grid (x = %g, rho = %g g/cm3, T = %g K), %.3g times below "
             "the target %g S/cm: P(sigma >= target) would be 0 at every point%s",
             best, bx, br, bT, target / best, target,
             target > 1e-3 && target * 1e-3 <= best * SSOC_REACH_FACTOR ? " (a target in mS/cm? write it in S/cm: 1 mS/cm = 1e-3 S/cm)"
                                                                          : "");
    return 0;
}

const char *ssoc_plausible_override(unsigned flags)
{
    return flags & SSOC_PLAUSIBLE_CONFIG ? "[data] allow_implausible = true" : "--allow-implausible";
}

/* ------------------------------------------------------------------ units of CSV headers */

typedef struct unit_def {
    ssoc_qty q;
    const char *name;
    double scale, offset;
} unit_def;

static const unit_def units[] = {
    {SSOC_QTY_X, "1", 1.0, 0.0},           {SSOC_QTY_X, "mol/mol", 1.0, 0.0},
    {SSOC_QTY_X, "%", 1e-2, 0.0},          {SSOC_QTY_X, "mol%", 1e-2, 0.0},
    {SSOC_QTY_RHO, "g/cm3", 1.0, 0.0},     {SSOC_QTY_RHO, "g/cm^3", 1.0, 0.0},
    {SSOC_QTY_RHO, "g cm-3", 1.0, 0.0},    {SSOC_QTY_RHO, "g/cc", 1.0, 0.0},
    {SSOC_QTY_RHO, "g/mL", 1.0, 0.0},      {SSOC_QTY_RHO, "kg/m3", 1e-3, 0.0},
    {SSOC_QTY_RHO, "kg/m^3", 1e-3, 0.0},   {SSOC_QTY_RHO, "kg m-3", 1e-3, 0.0},
    {SSOC_QTY_T, "K", 1.0, 0.0},           {SSOC_QTY_T, "C", 1.0, 273.15},
    {SSOC_QTY_T, "degC", 1.0, 273.15},     {SSOC_QTY_T, "\xc2\xb0" "C", 1.0, 273.15},
    {SSOC_QTY_SIGMA, "S/cm", 1.0, 0.0},    {SSOC_QTY_SIGMA, "mS/cm", 1e-3, 0.0},
    {SSOC_QTY_SIGMA, "uS/cm", 1e-6, 0.0},  {SSOC_QTY_SIGMA, "\xc2\xb5" "S/cm", 1e-6, 0.0},
    {SSOC_QTY_SIGMA, "S/m", 1e-2, 0.0},    {SSOC_QTY_SIGMA, "mS/m", 1e-5, 0.0},
    {SSOC_QTY_DHOP, "cm2/s", 1.0, 0.0},    {SSOC_QTY_DHOP, "cm^2/s", 1.0, 0.0},
    {SSOC_QTY_DHOP, "m2/s", 1e4, 0.0},     {SSOC_QTY_DHOP, "m^2/s", 1e4, 0.0},
    {SSOC_QTY_DHOP, "A2/ps", 1e-4, 0.0},   {SSOC_QTY_DHOP, "A^2/ps", 1e-4, 0.0},
    {SSOC_QTY_DHOP, "\xc3\x85" "2/ps", 1e-4, 0.0}, {SSOC_QTY_DHOP, "nm2/ns", 1e-5, 0.0},
    {SSOC_QTY_EA, "eV", 1.0, 0.0},         {SSOC_QTY_EA, "meV", 1e-3, 0.0},
    {SSOC_QTY_EA, "kJ/mol", 1.0 / 96.485332, 0.0},
    {SSOC_QTY_DMAX, "angstrom", 1.0, 0.0}, {SSOC_QTY_DMAX, "A", 1.0, 0.0},
    {SSOC_QTY_DMAX, "\xc3\x85", 1.0, 0.0}, {SSOC_QTY_DMAX, "nm", 10.0, 0.0},
};
#define NUNITS (sizeof units / sizeof units[0])

/* Does header `h` name quantity `name`? 1 with *unit set ("" when none), 0 if not, -1 when it does
 * but the unit bracket is malformed. */
static int header_match(const char *h, const char *name, char *unit, size_t cap)
{
    const size_t n = strlen(name);
    unit[0] = '\0';
    if (strncmp(h, name, n) != 0)
        return 0;
    const char *s = h + n;
    if (!*s)
        return 1;
    while (*s == ' ')
        ++s;
    if (s == h + n && *s != '[' && *s != '(')
        return 0; /* "rho_err", "Tmax": another column */
    const char close = *s == '[' ? ']' : *s == '(' ? ')' : 0;
    if (!close)
        return 0;
    const char *e = strchr(s + 1, close);
    if (!e || e[1] != '\0')
        return -1;
    const char *b = s + 1;
    while (*b == ' ')
        ++b;
    size_t len = (size_t)(e - b);
    while (len && b[len - 1] == ' ')
        --len;
    snprintf(unit, cap, "%.*s", (int)len, b);
    return 1;
}

ssoc_status ssoc_units_column(const ssoc_csv *t, const char *name, ssoc_qty q, int *col, ssoc_unit *u,
                              ssoc_error *err)
{
    *col = -1;
    memset(u, 0, sizeof *u);
    u->scale = 1.0;
    const char *path = ssoc_csv_path(t);
    const int hl = ssoc_csv_header_line(t);
    for (int c = 0; c < ssoc_csv_ncols(t); ++c) {
        const char *h = ssoc_csv_column_name(t, c);
        char unit[64];
        const int m = header_match(h, name, unit, sizeof unit);
        if (m == 0)
            continue;
        if (m < 0)
            return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': write the unit as '%s [UNIT]'", path, hl, h, name);
        if (*col >= 0)
            return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': %s is given twice (also as '%s')", path, hl, h, name,
                            ssoc_csv_column_name(t, *col));
        *col = c;
        if (!unit[0])
            continue;
        const unit_def *found = NULL;
        const char *known[NUNITS];
        size_t nk = 0;
        for (size_t i = 0; i < NUNITS; ++i)
            if (units[i].q == q) {
                known[nk++] = units[i].name;
                if (!strcmp(units[i].name, unit))
                    found = &units[i];
            }
        if (!found) {
            char list[400] = "";
            for (size_t i = 0; i < nk; ++i)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", known[i]);
            char msg[600];
            snprintf(msg, sizeof msg, "unknown unit '%s' for %s", unit, name);
            ssoc_suggest_append(msg, sizeof msg, unit, known, nk);
            return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': %s; known: %s", path, hl, h, msg, list);
        }
        snprintf(u->name, sizeof u->name, "%s", found->name);
        u->scale = found->scale, u->offset = found->offset;
    }
    return SSOC_OK;
}

ssoc_status ssoc_units_get(const ssoc_csv *t, size_t row, int col, const ssoc_unit *u, ssoc_qty q, unsigned flags,
                           double *v, ssoc_error *err)
{
    double raw = 0.0;
    ssoc_status st = ssoc_csv_get_double(t, row, col, &raw, err);
    if (st)
        return st;
    const double w = u->scale * raw + u->offset;
    const ssoc_plausible_range *r = ssoc_plausible_range_of(q);
    const char *path = ssoc_csv_path(t), *h = ssoc_csv_column_name(t, col), *f = ssoc_csv_field(t, row, col);
    const int line = ssoc_csv_line(t, row);
    char conv[96] = "";
    if (u->name[0] && (u->scale != 1.0 || u->offset != 0.0))
        snprintf(conv, sizeof conv, " (= %g %s)", w, r->unit);
    if (q == SSOC_QTY_X) {
        if (!(w > 0.0 && w < 1.0)) {
            const int pct = w > 1.0 && w < 100.0 && !u->name[0];
            return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': '%s'%s is outside the open interval (0, 1)%s%.6g%s", path,
                            line, h, f, conv, pct ? ": it looks like a percentage (use " : "", pct ? w / 100 : 0.0,
                            pct ? ", or the header 'x [%]')" : "");
        }
    } else if (q == SSOC_QTY_DMAX ? !(w >= 0.0) : q != SSOC_QTY_EA && !(w > 0.0)) {
        char hint[160] = "";
        if (q == SSOC_QTY_T && !u->name[0] && raw > -273.15)
            snprintf(hint, sizeof hint, ": if it is in degrees Celsius, %g C = %.6g K (or write the header 'T [C]')", raw,
                     raw + 273.15);
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': '%s'%s must be %s%s", path, line, h, f, conv,
                        q == SSOC_QTY_DMAX ? ">= 0" : "> 0", hint);
    }
    char why[400];
    const mistake *hit;
    if (!(flags & SSOC_PLAUSIBLE_ALLOW) && !check(q, w, why, sizeof why, &hit)) {
        char fix[120] = "";
        if (hit && !u->name[0])
            snprintf(fix, sizeof fix, "; write the header '%s' to convert", hit->header);
        /* the field itself only when it differs from the value in ssoc's unit */
        char shown[160] = "";
        if (conv[0])
            snprintf(shown, sizeof shown, "'%s'%s: ", f, conv);
        return SSOC_ERR(err, SSOC_EDATA, "%s:%d: column '%s': %s%s%s; %s for a deliberate out-of-range study", path,
                        line, h, shown, why, fix, ssoc_plausible_override(flags));
    }
    *v = w;
    return SSOC_OK;
}
