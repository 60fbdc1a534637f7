/* ssoc plot: pictures of a sweep file (maps, the design rule, the Arrhenius plot) and of a
 * bootstrap (parameter histograms, the corner plot). Parsing, then one function per picture kind. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ssoc/io.h"
#include "ssoc/outpath.h"
#include "ssoc/paramfile.h"
#include "ssoc/plot.h"
#include "ssoc/query.h"
#include "ssoc/report.h"
#include "ssoc/stats.h"
#include "ssoc/sweepfile.h"

static const char help[] =
    "usage: ssoc plot OUT.h5 [--T T[,T...]] [--field best|median|lo|hi|width|p_exceed] [--band K]\n"
    "                 [--sigma S [--confidence C]] [-o FILE] [--force]\n"
    "       ssoc plot OUT.h5 --rules [--band K] [-o FILE] [--force]\n"
    "       ssoc plot OUT.h5 --arrhenius [--at X,RHO]... [--band K] [-o FILE] [--force]\n"
    "       ssoc plot PARAMS.json|OUT.h5 --corner|--params [-o FILE] [--force]\n"
    "\n"
    "Pictures of a sweep file written by 'ssoc sweep' (PNG, SVG or PDF, from FILE's extension).\n"
    "(The parity plot of a fit or a validation: 'ssoc fit DATA.csv --parity P.png', 'ssoc validate ... --parity\n"
    "P.png'.)\n"
    "\n"
    "  map (default)  sigma over (x, rho) at a temperature of the file (default: the temperature of the fitted\n"
    "                 data): log colour scale in mS/cm, contour lines at 1-2-5 steps labelled with their value\n"
    "                 and listed in the legend, the ridge rho_opt(x) with its confidence band, the fitted MD\n"
    "                 points at that T filled with their OBSERVED sigma on the map's colour scale (misfit shows\n"
    "                 as a marker that stands out), the region outside the fitted x and v_f veiled,\n"
    "                 iso-free-volume lines labelled on the right. Several temperatures (--T 300,500,800) give\n"
    "                 panels on one colour scale in a grid that fits a page (2 stacked, 3-4 in 2 x 2, ...).\n"
    "                 Fields: best (point fit), median, lo, hi (band ends), width (hi/lo: the band's factor,\n"
    "                 where the model is sure), p_exceed (P(sigma >= target); sweeps with a [target], or --sigma).\n"
    "  --sigma S      on a map, the designs that reach sigma >= S [S/cm] with P(sigma >= S) >= C (default 0.95,\n"
    "                 --confidence C), as 'ssoc query' finds them: those grid points hatched and outlined, the\n"
    "                 design with the highest P marked with a star and the best inside the fitted x and v_f with\n"
    "                 a diamond; with --field p_exceed the map shows P for S (recomputed from the replicates\n"
    "                 when the sweep had another target). --allow-implausible accepts an implausible S.\n"
    "  --rules        v_f,opt and sigma_max against T with their bands, one curve per fitted composition.\n"
    "  --arrhenius    log sigma against 1000/T (T in K on the top axis): sigma_max at rho_opt per fitted\n"
    "                 composition with its band, the fitted data's temperatures marked; --at X,RHO (up to 4)\n"
    "                 adds sigma at that composition and density [g/cm3], its band the file's replicates'\n"
    "                 band at the levels of /sigma/lo and /sigma/hi.\n"
    "  --band K       which band of sigma the lo, hi and width maps, the sigma_max curves of --rules and the\n"
    "                 curves of --arrhenius show: confidence (default: the confidence band of the mean model,\n"
    "                 from the bootstrap of the fit: where the model's sigma lies) or prediction (the prediction\n"
    "                 band for a new MD run: that plus the scatter of single runs about the model, where a new\n"
    "                 simulation's sigma would fall). The legend and the subtitle say which is drawn.\n"
    "  --corner       corner (pair) plot of the bootstrap replicate table (a parameter file from 'ssoc fit --boot\n"
    "                 B -o PARAMS.json', or a sweep file): histograms of the free parameters on the diagonal,\n"
    "                 every pair below with Pearson r, the point estimate marked; fixed parameters left out.\n"
    "  --params       a histogram per parameter of the same table, point estimate and band marked.\n"
    "\n"
    "options:\n"
    "  -o FILE        picture to write (.png, .svg or .pdf). Default: INPUT_BASENAME_sigma_FIELD_TK.png\n"
    "                 (map), INPUT_BASENAME_KIND.png (rules, arrhenius, corner, params) in the current directory\n"
    "  --scale F      page size factor, text and lines included (0.25 to 4; default 1: e.g. 0.6 for a small\n"
    "                 PNG on a web page, 2 for a poster)\n"
    "  --force        replace an existing picture (never replaced otherwise)\n"
    "  --verbose      also print where the panels, the colour bar and the contour labels are on the page (pixels)\n"
    "  -h, --help     this text\n"
    "The picture is written under a temporary name and renamed when complete. On success the path is printed.\n"
    "Exit codes: 0 ok, 1 unreadable or invalid input or unwritable picture, 2 usage.\n";

enum kind { K_MAP, K_RULES, K_ARRHENIUS, K_PARAMS, K_CORNER, K_NKIND };
static const char *const kind_opt[K_NKIND] = {NULL, "--rules", "--arrhenius", "--params", "--corner"};
static const char *const kind_name[K_NKIND] = {"sigma", "rules", "arrhenius", "params", "corner"};

typedef struct plot_args {
    const char *in, *out, *field_s, *T_s, *scale_s, *band_s, *sigma_s, *conf_s;
    int force, verbose, allow;
    enum kind kind;
    int nkind;               /* kind options given */
    double at[8];            /* --at X,RHO pairs */
    size_t nat;
    ssoc_plot_opts po;
    double T[SSOC_PLOT_MAXPANEL];
    double target, conf;     /* --sigma, --confidence */
    char answers[SSOC_PLOT_MAXPANEL][1024]; /* the query's answer per drawn temperature ("" : none) */
} plot_args;

/* --at X,RHO */
static int parse_at(const char *v, plot_args *a)
{
    char *end = NULL;
    if (a->nat >= 4)
        return ssoc_cli_usage_error("plot", "--at: at most 4 points");
    const double x = strtod(v, &end);
    if (end == v || *end != ',' || !(x > 0 && x < 1))
        return ssoc_cli_usage_error("plot", "--at: '%s' is not X,RHO with 0 < X < 1", v);
    const char *r = end + 1;
    const double rho = strtod(r, &end);
    if (end == r || *end || !isfinite(rho) || !(rho > 0))
        return ssoc_cli_usage_error("plot", "--at: '%s' is not X,RHO with RHO > 0 g/cm3", v);
    if (ssoc_cli_plausible("plot", "--at", SSOC_QTY_RHO, rho, 0))
        return SSOC_EXIT_USAGE;
    a->at[2 * a->nat] = x, a->at[2 * a->nat + 1] = rho, ++a->nat;
    return SSOC_EXIT_OK;
}

/* Returns -1 to go on, or the exit code (help printed, usage error). */
static int parse_args(int argc, char **argv, plot_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; ++i) {
        const char *s = argv[i], *v = NULL;
        int m, k;
        for (k = 1; k < K_NKIND && strcmp(s, kind_opt[k]); ++k)
            ;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            fputs(help, stdout);
            return SSOC_EXIT_OK;
        } else if (k < K_NKIND) {
            a->kind = (enum kind)k, ++a->nkind;
        } else if (!strcmp(s, "--force")) {
            a->force = 1;
        } else if (!strcmp(s, "--verbose")) {
            a->verbose = 1;
        } else if (!strcmp(s, "--allow-implausible")) {
            a->allow = 1;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--sigma", &a->sigma_s)) != 0 ||
                   (m = ssoc_cli_opt("plot", argc, argv, &i, "--confidence", &a->conf_s)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--at", &v)) != 0) {
            if (m < 0 || parse_at(v, a) != SSOC_EXIT_OK)
                return SSOC_EXIT_USAGE;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "-o", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            a->out = v;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--field", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            a->field_s = v;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--T", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            a->T_s = v;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--band", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            a->band_s = v;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--scale", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            a->scale_s = v;
        } else if (s[0] == '-' && s[1]) {
            static const char *const own[] = {"--help",  "--force", "--rules", "--params", "--corner", "--verbose",
                                              "-o",      "--field", "--T",     "--arrhenius", "--at", "--scale",
                                              "--band", "--sigma", "--confidence", "--allow-implausible", NULL};
            return ssoc_cli_unknown_option("plot", s, own, 0);
        } else if (a->in) {
            return ssoc_cli_usage_error("plot", "more than one input file ('%s' and '%s')", a->in, s);
        } else {
            a->in = s;
        }
    }
    return -1;
}

/* the combinations that make no sense, the field, the temperatures, the picture's extension */
static int check_args(plot_args *a)
{
    if (!a->in)
        return ssoc_cli_usage_error("plot", "missing input file (a sweep file OUT.h5, or PARAMS.json with --corner "
                                            "or --params)");
    if (a->nkind > 1)
        return ssoc_cli_usage_error("plot", "--rules, --params, --corner and --arrhenius exclude each other");
    if (a->nat && a->kind != K_ARRHENIUS)
        return ssoc_cli_usage_error("plot", "--at applies to --arrhenius");
    if (a->kind != K_MAP && (a->field_s || a->T_s || a->sigma_s || a->conf_s))
        return ssoc_cli_usage_error("plot", "--field, --T, --sigma and --confidence apply to maps, not to %s",
                                    kind_opt[a->kind]);
    if (a->conf_s && !a->sigma_s)
        return ssoc_cli_usage_error("plot", "--confidence needs --sigma (the target whose region it draws)");
    if (a->sigma_s && ssoc_cli_target("plot", a->sigma_s, a->conf_s, a->allow, &a->target, &a->conf) >= 0)
        return SSOC_EXIT_USAGE;
    a->po = (ssoc_plot_opts){.force = a->force, .field = SSOC_PLOT_BEST};
    if (a->field_s) {
        const int f = ssoc_plot_field_parse(a->field_s);
        if (f < 0)
            return ssoc_cli_usage_error("plot", "--field: '%s' is not best, median, lo, hi, width or p_exceed", a->field_s);
        a->po.field = (ssoc_plot_field)f;
    }
    if (a->band_s) {
        if (strcmp(a->band_s, "confidence") && strcmp(a->band_s, "prediction"))
            return ssoc_cli_usage_error("plot", "--band: '%s' is not confidence or prediction", a->band_s);
        a->po.band = !strcmp(a->band_s, "prediction") ? SSOC_BAND_PREDICTION : SSOC_BAND_CONFIDENCE;
        const ssoc_plot_field f = a->po.field;
        if (a->kind == K_PARAMS || a->kind == K_CORNER ||
            (a->kind == K_MAP && f != SSOC_PLOT_LO && f != SSOC_PLOT_HI && f != SSOC_PLOT_WIDTH))
            return ssoc_cli_usage_error("plot", "--band applies to the lo, hi and width maps, --rules and --arrhenius");
    }
    size_t nT = 0;
    if (a->T_s && ssoc_cli_parse_T_list("plot", a->T_s, a->T, SSOC_PLOT_MAXPANEL, &nT) != SSOC_EXIT_OK)
        return SSOC_EXIT_USAGE;
    a->po.T_K = a->T, a->po.nT = nT;
    if (a->scale_s) {
        if (ssoc_cli_parse_double("plot", "--scale", a->scale_s, &a->po.scale) != SSOC_EXIT_OK)
            return SSOC_EXIT_USAGE;
        if (!(a->po.scale >= SSOC_PLOT_SCALE_MIN && a->po.scale <= SSOC_PLOT_SCALE_MAX))
            return ssoc_cli_usage_error("plot", "--scale: %g is outside %g to %g", a->po.scale, SSOC_PLOT_SCALE_MIN,
                                        SSOC_PLOT_SCALE_MAX);
    }
    /* a given -o is checked before any input is read (outpath.h); a default name when it is written */
    if (a->out) {
        const int rc = ssoc_cli_picture_check("plot", "-o", a->out, a->force);
        if (rc != SSOC_EXIT_OK)
            return rc;
    }
    return -1;
}

/* basename without directory and extension */
static void stem(const char *path, char *out, size_t len)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(out, len, "%s", b);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
}

/* One picture of any kind, drawn by draw_job_run in ssoc_cli_draw's child process. */
typedef struct draw_job {
    enum kind kind;
    const ssoc_sweepfile *sf;      /* K_MAP */
    const ssoc_report *rep;        /* K_RULES, K_ARRHENIUS */
    const ssoc_plot_curve *curves; /* K_ARRHENIUS: the --at curves */
    size_t ncurves;
    const ssoc_plot_params_in *pi; /* K_PARAMS, K_CORNER */
} draw_job;

static ssoc_status draw_job_run(void *arg, const ssoc_plot_opts *po, void *out, ssoc_error *err)
{
    const draw_job *j = arg;
    switch (j->kind) {
    case K_RULES: return ssoc_plot_rules(j->rep, po->band, po, err);
    case K_ARRHENIUS: return ssoc_plot_arrhenius(j->rep, j->curves, j->ncurves, po->band, po, err);
    case K_PARAMS: return ssoc_plot_params(j->pi, po, err);
    case K_CORNER: return ssoc_plot_corner(j->pi, po, err);
    default: return ssoc_plot_map(j->sf, po, out, err);
    }
}

/* the picture of `j` with the options of `a`; the map's layout into `lay` (NULL: not wanted) */
static ssoc_status draw(draw_job j, const plot_args *a, ssoc_plot_layout *lay, ssoc_error *err)
{
    ssoc_plot_layout scratch;
    return ssoc_cli_draw(draw_job_run, &j, &a->po, lay ? lay : &scratch, sizeof scratch, err);
}

/* sigma at (x, rho) for every temperature of the file, with the percentile band of its replicates */
typedef struct at_curve {
    char label[96];
    double *T, *s, *lo, *hi;
} at_curve;

static int at_compute(const ssoc_sweepfile *sf, const double *pred_e, double x, double rho, at_curve *c)
{
    const size_t n = sf->nT;
    c->T = malloc(n * sizeof *c->T), c->s = malloc(n * sizeof *c->s);
    c->lo = malloc(n * sizeof *c->lo), c->hi = malloc(n * sizeof *c->hi);
    double *v = malloc((sf->B ? sf->B : 1) * sizeof *v);
    if (!c->T || !c->s || !c->lo || !c->hi || !v) {
        free(v);
        return -1;
    }
    /* the levels of /sigma/lo and /sigma/hi (the expanded ones by default); a new MD run: each
     * replicate's sigma times exp of its prediction term */
    const double qlo = sf->q_lo, qhi = sf->q_hi;
    snprintf(c->label, sizeof c->label, "x = %g, ρ = %g g/cm³", x, rho);
    for (size_t it = 0; it < n; ++it) {
        ssoc_layers L;
        ssoc_model_eval(&sf->best, x, rho, sf->T_K[it], &L);
        const size_t m = ssoc_boot_sigma_values(sf->boot, sf->boot_ok, sf->B, pred_e, x, rho, sf->T_K[it], v);
        c->T[it] = sf->T_K[it], c->s[it] = L.sigma_S_cm;
        c->lo[it] = m >= 2 ? ssoc_quantile_select(v, m, qlo) : NAN;
        c->hi[it] = m >= 2 ? ssoc_quantile_select(v, m, qhi) : NAN;
    }
    free(v);
    return 0;
}

/* The design-rule report the curves are drawn from; a prediction band needs the file's terms. */
static ssoc_status report_for(const ssoc_sweepfile *sf, const plot_args *a, ssoc_report **rep, ssoc_error *err)
{
    ssoc_status st = ssoc_report_build(sf, rep, err);
    if (!st && a->po.band == SSOC_BAND_PREDICTION && !(*rep)->pred_e)
        st = SSOC_ERR(err, SSOC_EDATA, "%s records no bootstrap seed, so no prediction band (rerun the sweep)", sf->path);
    return st;
}

static ssoc_status do_arrhenius(const ssoc_sweepfile *sf, const plot_args *a, ssoc_error *err)
{
    ssoc_report *rep = NULL;
    at_curve ac[4] = {0};
    ssoc_plot_curve pc[4];
    ssoc_status st = report_for(sf, a, &rep, err);
    for (size_t k = 0; !st && k < a->nat; ++k) {
        if (at_compute(sf, a->po.band == SSOC_BAND_PREDICTION ? rep->pred_e : NULL, a->at[2 * k], a->at[2 * k + 1],
                       &ac[k])) {
            st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
            break;
        }
        pc[k] = (ssoc_plot_curve){ac[k].label, sf->nT, ac[k].T, ac[k].s, ac[k].lo, ac[k].hi};
    }
    if (!st)
        st = draw((draw_job){.kind = K_ARRHENIUS, .rep = rep, .curves = pc, .ncurves = a->nat}, a, NULL, err);
    for (size_t k = 0; k < 4; ++k)
        free(ac[k].T), free(ac[k].s), free(ac[k].lo), free(ac[k].hi);
    ssoc_report_free(rep);
    return st;
}

static ssoc_status do_rules(const ssoc_sweepfile *sf, const plot_args *a, ssoc_error *err)
{
    ssoc_report *rep = NULL;
    ssoc_status st = report_for(sf, a, &rep, err);
    if (!st)
        st = draw((draw_job){.kind = K_RULES, .rep = rep}, a, NULL, err);
    ssoc_report_free(rep);
    return st;
}

/* The map with the region of `ssoc query --sigma S --confidence C` at the temperatures it draws.
 * *rc >= 0: a usage error was printed (an unreachable target). */
static ssoc_status do_region_map(const ssoc_sweepfile *sf, plot_args *a, ssoc_plot_layout *lay, int *rc,
                                 ssoc_error *err)
{
    size_t its[SSOC_PLOT_MAXPANEL], np = 0;
    ssoc_status st = ssoc_plot_map_temperatures(sf, &a->po, its, &np, err);
    if (st)
        return st;
    /* the query takes the temperatures in the file's order */
    size_t sorted[SSOC_PLOT_MAXPANEL];
    memcpy(sorted, its, np * sizeof *its);
    for (size_t i = 1; i < np; ++i)
        for (size_t j = i; j > 0 && sorted[j - 1] > sorted[j]; --j) {
            const size_t t = sorted[j];
            sorted[j] = sorted[j - 1], sorted[j - 1] = t;
        }
    if ((*rc = ssoc_cli_target_reach("plot", sf, sorted, np, a->target, a->allow)) >= 0)
        return SSOC_OK;
    const ssoc_query_opts qo = {.target_S_cm = a->target, .confidence = a->conf, .its = sorted, .nits = np,
                                .keep_maps = 1};
    ssoc_query *q = NULL;
    if ((st = ssoc_query_run(sf, &qo, &q, err)))
        return st;
    ssoc_plot_region_T rt[SSOC_PLOT_MAXPANEL];
    for (size_t k = 0; k < q->nT; ++k) {
        const ssoc_query_T *t = &q->t[k];
        rt[k] = (ssoc_plot_region_T){.it = t->it, .p = t->p, .best_x = t->best.x, .best_rho = t->best.rho_g_cm3,
                                     .best_p = t->best.p, .inside_x = t->has_inside ? t->best_inside.x : NAN,
                                     .inside_rho = t->has_inside ? t->best_inside.rho_g_cm3 : NAN,
                                     .inside_p = t->has_inside ? t->best_inside.p : NAN};
    }
    const ssoc_plot_region rg = {.target_S_cm = a->target, .confidence = a->conf, .recomputed = q->recomputed,
                                 .nT = q->nT, .t = rt};
    a->po.region = &rg;
    st = draw((draw_job){.kind = K_MAP, .sf = sf}, a, lay, err);
    a->po.region = NULL;
    for (size_t k = 0; !st && k < q->nT && k < SSOC_PLOT_MAXPANEL; ++k) /* the answer in words, after the path */
        snprintf(a->answers[k], sizeof a->answers[k], "%s", q->t[k].answer);
    ssoc_query_free(q);
    return st;
}

static void print_layout(const ssoc_plot_layout *lay)
{
    printf("page %d x %d\n", lay->width, lay->height);
    for (size_t p = 0; p < lay->npanel; ++p)
        printf("panel %zu T_K %.17g frame_px %.3f %.3f %.3f %.3f world %.17g %.17g %.17g %.17g\n", p, lay->panel[p].T_K,
               lay->panel[p].x0, lay->panel[p].x1, lay->panel[p].y0, lay->panel[p].y1, lay->panel[p].wx0,
               lay->panel[p].wx1, lay->panel[p].wy0, lay->panel[p].wy1);
    printf("colorbar frame_px %.3f %.3f %.3f %.3f range %.17g %.17g %s\n", lay->cbar_x0, lay->cbar_x1, lay->cbar_y0,
           lay->cbar_y1, lay->cbar_lo, lay->cbar_hi, lay->cbar_log ? "log10" : "linear");
    for (size_t i = 0; i < lay->nlabel; ++i)
        printf("contour_label %zu %.17g px %.3f %.3f world %.17g %.17g\n", lay->label[i].panel, lay->label[i].level,
               lay->label[i].px, lay->label[i].py, lay->label[i].wx, lay->label[i].wy);
}

/* the default name of a map names the temperatures that will be drawn */
static void map_default_name(const ssoc_sweepfile *sf, const plot_args *a, const char *st_, char *buf, size_t cap)
{
    char ts[256] = "";
    if (a->po.nT == 0)
        snprintf(ts, sizeof ts, "default");
    for (size_t k = 0; k < a->po.nT; ++k)
        snprintf(ts + strlen(ts), sizeof ts - strlen(ts), "%s%g", k ? "-" : "",
                 sf->T_K[ssoc_sweepfile_nearest_T(sf, a->T[k])]);
    snprintf(buf, cap, "%s_sigma_%s_%sK.png", st_, ssoc_plot_field_name(a->po.field), ts);
}

static int is_hdf5(const char *path)
{
    /* not a regular file (a FIFO would block here): the parameter-file reader says what it is */
    if (ssoc_io_check_regular(path, "file", NULL) != SSOC_OK)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char sig[4] = {0};
    size_t n = fread(sig, 1, 4, f);
    fclose(f);
    return n == 4 && sig[0] == 0x89 && sig[1] == 'H' && sig[2] == 'D' && sig[3] == 'F';
}

/* the replicate table of a sweep file or a parameter file, drawn as histograms or a corner plot */
static int do_replicates(const plot_args *a)
{
    ssoc_error err = {0};
    ssoc_plot_params_in pi = {0};
    ssoc_sweepfile *sf = NULL;
    ssoc_paramfile pf;
    memset(&pf, 0, sizeof pf);
    char src[1200];
    ssoc_status st;
    if (is_hdf5(a->in)) {
        if ((st = ssoc_sweepfile_open(a->in, &sf, &err)) != SSOC_OK)
            return ssoc_cli_fail("plot", &err);
        snprintf(src, sizeof src, "%s (%s parameters)", a->in, sf->params_source);
        pi.B = sf->B, pi.table = sf->boot, pi.point = sf->best, pi.fixed_mask = sf->fixed_mask;
        memcpy(pi.lo, sf->params_lo, sizeof pi.lo);
        memcpy(pi.hi, sf->params_hi, sizeof pi.hi);
        pi.confidence = sf->confidence, pi.interval = sf->interval_name;
    } else {
        if (ssoc_paramfile_read(a->in, &pf, &err) != SSOC_OK)
            return ssoc_cli_fail("plot", &err);
        if (!pf.boot) {
            ssoc_paramfile_clear(&pf);
            fprintf(stderr, "ssoc: plot: %s: no bootstrap replicate table (write one with 'ssoc fit DATA --boot B -o %s')\n",
                    a->in, a->in);
            return SSOC_EXIT_RUNTIME;
        }
        snprintf(src, sizeof src, "%s", a->in);
        pi.B = pf.boot->B, pi.table = pf.boot->table, pi.point = pf.params, pi.fixed_mask = pf.fixed_mask;
        for (int i = 0; i < SSOC_NPARAM; ++i)
            pi.lo[i] = pf.boot->lo[i], pi.hi[i] = pf.boot->hi[i];
        pi.confidence = pf.boot->opts.confidence;
        pi.interval = ssoc_ci_method_name(pf.boot->opts.interval);
    }
    pi.source = src;
    st = draw((draw_job){.kind = a->kind, .pi = &pi}, a, NULL, &err);
    ssoc_sweepfile_free(sf);
    ssoc_paramfile_clear(&pf);
    if (st)
        return ssoc_cli_fail("plot", &err);
    printf("%s\n", a->po.output);
    return SSOC_EXIT_OK;
}

int ssoc_cmd_plot(int argc, char **argv)
{
    plot_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc < 0)
        rc = check_args(&a);
    if (rc >= 0)
        return rc;
    char defout[4096], st_[2048];
    stem(a.in, st_, sizeof st_);
    if (!a.out && a.kind != K_MAP)
        snprintf(defout, sizeof defout, "%s_%s.png", st_, kind_name[a.kind]), a.out = defout;
    a.po.output = a.out;
    if (a.kind == K_PARAMS || a.kind == K_CORNER)
        return do_replicates(&a);
    ssoc_error err = {0};
    ssoc_sweepfile *sf = NULL;
    if (ssoc_sweepfile_open(a.in, &sf, &err) != SSOC_OK)
        return ssoc_cli_fail("plot", &err);
    size_t tidx[SSOC_PLOT_MAXPANEL], ntidx = 0;
    if (a.po.nT && ssoc_cli_file_T("plot", sf, a.T, a.po.nT, tidx, &ntidx) != SSOC_EXIT_OK) {
        ssoc_sweepfile_free(sf);
        return SSOC_EXIT_USAGE;
    }
    ssoc_plot_layout lay;
    ssoc_status st;
    if (a.kind == K_ARRHENIUS)
        st = do_arrhenius(sf, &a, &err);
    else if (a.kind == K_RULES)
        st = do_rules(sf, &a, &err);
    else {
        if (!a.out)
            map_default_name(sf, &a, st_, defout, sizeof defout), a.po.output = a.out = defout;
        int urc = -1;
        st = a.sigma_s ? do_region_map(sf, &a, &lay, &urc, &err) : draw((draw_job){.kind = K_MAP, .sf = sf}, &a, &lay, &err);
        if (urc >= 0) {
            ssoc_sweepfile_free(sf);
            return urc;
        }
    }
    ssoc_sweepfile_free(sf);
    if (st)
        return ssoc_cli_fail("plot", &err);
    printf("%s\n", a.out);
    for (size_t k = 0; k < SSOC_PLOT_MAXPANEL && a.answers[k][0]; ++k)
        printf("%s\n", a.answers[k]);
    if (a.verbose && a.kind == K_MAP)
        print_layout(&lay);
    return SSOC_EXIT_OK;
}
