/* ssoc plot: pictures of a sweep file (maps, the design rule) and of a bootstrap (parameter
 * histograms). */
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
#include "ssoc/report.h"
#include "ssoc/sweepfile.h"

static const char help[] =
    "usage: ssoc plot OUT.h5 [--T T[,T...]] [--field best|median|lo|hi|width|p_exceed] [-o FILE] [--force]\n"
    "       ssoc plot OUT.h5 --rules [-o FILE] [--force]\n"
    "       ssoc plot PARAMS.json|OUT.h5 --params [-o FILE] [--force]\n"
    "\n"
    "Pictures of a sweep file written by 'ssoc sweep' (PNG, SVG or PDF, from FILE's extension).\n"
    "\n"
    "  map (default)  sigma over (x, rho) at the grid temperature nearest T (default: the temperature of the\n"
    "                 fitted data): log colour scale in mS/cm with contour lines at decades, the ridge\n"
    "                 rho_opt(x) with its band, the fitted MD points at that T, the region outside the fitted\n"
    "                 x and v_f veiled, iso-free-volume lines labelled on the right. Several temperatures\n"
    "                 (--T 300,500,800) give small multiples on one colour scale.\n"
    "                 Fields: best (point fit), median, lo, hi (band ends), width (hi/lo: the band's factor,\n"
    "                 where the model is sure), p_exceed (P(sigma >= target); sweeps with a [target] only).\n"
    "  --rules        v_f,opt and sigma_max against T with their bands, one curve per fitted composition.\n"
    "  --params       a histogram per fitted parameter of the bootstrap replicate table (a parameter file\n"
    "                 from 'ssoc fit --boot B -o PARAMS.json', or a sweep file), point estimate and band marked.\n"
    "\n"
    "options:\n"
    "  -o FILE        picture to write (.png, .svg or .pdf). Default: INPUT_BASENAME_sigma_FIELD_TK.png\n"
    "                 (map), INPUT_BASENAME_rules.png, INPUT_BASENAME_params.png in the current directory\n"
    "  --force        replace an existing picture (never replaced otherwise)\n"
    "  --verbose      also print where the panels and the colour bar are on the page (pixels)\n"
    "  -h, --help     this text\n"
    "The picture is written under a temporary name and renamed when complete. On success the path is printed.\n"
    "Exit codes: 0 ok, 1 unreadable or invalid input or unwritable picture, 2 usage.\n";

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

static int parse_T_list(const char *text, double *T, size_t *n)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    *n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n >= SSOC_PLOT_MAXPANEL)
            return ssoc_cli_usage_error("plot", "--T: at most %d temperatures", SSOC_PLOT_MAXPANEL);
        char *end;
        errno = 0;
        double v = strtod(tok, &end);
        while (*end == ' ')
            ++end;
        if (end == tok || *end || errno == ERANGE || !isfinite(v) || v <= 0)
            return ssoc_cli_usage_error("plot", "--T: '%s' is not a positive temperature in K", tok);
        T[(*n)++] = v;
    }
    if (*n == 0)
        return ssoc_cli_usage_error("plot", "--T needs at least one temperature");
    return SSOC_EXIT_OK;
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

/* One picture: a map of a sweep file, its rules, or the parameter histograms. */
typedef struct draw_job {
    const ssoc_sweepfile *sf;
    const ssoc_report *rep;
    const ssoc_plot_params_in *pi;
    const ssoc_plot_opts *po;
} draw_job;

static ssoc_status draw_job_run(void *arg, void *out, ssoc_error *err)
{
    const draw_job *j = arg;
    if (j->pi)
        return ssoc_plot_params(j->pi, j->po, err);
    if (j->rep)
        return ssoc_plot_rules(j->rep, j->po, err);
    return ssoc_plot_map(j->sf, j->po, out, err);
}

/* Draw in a child process (a crash of PLplot's libraries under a memory limit becomes one error
 * line) into the picture's working file, and publish it only when the drawing succeeded. */
static ssoc_status draw(const draw_job *j, ssoc_plot_layout *lay, ssoc_error *err)
{
    ssoc_outpath op;
    ssoc_status st = ssoc_outpath_begin(&op, j->po->output, j->po->force ? SSOC_OUTPATH_FORCE : 0, err);
    if (st)
        return st;
    ssoc_plot_opts po = *j->po;
    po.dest = &op;
    draw_job cj = *j;
    cj.po = &po;
    ssoc_plot_layout scratch;
    /* about 140 MB of address space: measured with ulimit -v on the test sweep's map */
    st = ssoc_cli_isolated(draw_job_run, &cj, lay ? lay : &scratch, sizeof scratch, j->po->output, 150, err);
    if (st) {
        ssoc_outpath_abandon(&op);
        return st;
    }
    return ssoc_outpath_publish(&op, err);
}

static int do_params(const char *in, ssoc_plot_opts *po)
{
    ssoc_error err = {0};
    ssoc_plot_params_in pi = {0};
    char src[1200];
    if (is_hdf5(in)) {
        ssoc_sweepfile *sf = NULL;
        if (ssoc_sweepfile_open(in, &sf, &err) != SSOC_OK)
            return ssoc_cli_fail("plot", &err);
        snprintf(src, sizeof src, "%s (%s parameters)", in, sf->params_source);
        pi.source = src;
        pi.B = sf->B, pi.table = sf->boot, pi.point = sf->best, pi.fixed_mask = sf->fixed_mask;
        memcpy(pi.lo, sf->params_lo, sizeof pi.lo);
        memcpy(pi.hi, sf->params_hi, sizeof pi.hi);
        pi.confidence = sf->confidence, pi.interval = sf->interval_name;
        ssoc_status st = draw(&(draw_job){.pi = &pi, .po = po}, NULL, &err);
        ssoc_sweepfile_free(sf);
        return st ? ssoc_cli_fail("plot", &err) : SSOC_EXIT_OK;
    }
    ssoc_paramfile pf;
    memset(&pf, 0, sizeof pf);
    if (ssoc_paramfile_read(in, &pf, &err) != SSOC_OK)
        return ssoc_cli_fail("plot", &err);
    if (!pf.boot) {
        ssoc_paramfile_clear(&pf);
        fprintf(stderr, "ssoc: plot: %s: no bootstrap replicate table (write one with 'ssoc fit DATA --boot B -o %s')\n",
                in, in);
        return SSOC_EXIT_RUNTIME;
    }
    snprintf(src, sizeof src, "%s", in);
    pi.source = src;
    pi.B = pf.boot->B, pi.table = pf.boot->table, pi.point = pf.params, pi.fixed_mask = pf.fixed_mask;
    for (int i = 0; i < SSOC_NPARAM; ++i)
        pi.lo[i] = pf.boot->lo[i], pi.hi[i] = pf.boot->hi[i];
    pi.confidence = pf.boot->opts.confidence;
    pi.interval = ssoc_ci_method_name(pf.boot->opts.interval);
    ssoc_status st = draw(&(draw_job){.pi = &pi, .po = po}, NULL, &err);
    ssoc_paramfile_clear(&pf);
    return st ? ssoc_cli_fail("plot", &err) : SSOC_EXIT_OK;
}

int ssoc_cmd_plot(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *field_s = NULL, *T_s = NULL;
    int force = 0, rules = 0, params = 0, verbose = 0;
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = NULL;
        int m;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return SSOC_EXIT_OK;
        } else if (!strcmp(a, "--force"))
            force = 1;
        else if (!strcmp(a, "--rules"))
            rules = 1;
        else if (!strcmp(a, "--params"))
            params = 1;
        else if (!strcmp(a, "--verbose"))
            verbose = 1;
        else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "-o", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            out = v;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--field", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            field_s = v;
        } else if ((m = ssoc_cli_opt("plot", argc, argv, &i, "--T", &v)) != 0) {
            if (m < 0)
                return SSOC_EXIT_USAGE;
            T_s = v;
        } else if (a[0] == '-' && a[1])
            return ssoc_cli_usage_error("plot", "unknown option '%s'", a);
        else if (in)
            return ssoc_cli_usage_error("plot", "more than one input file ('%s' and '%s')", in, a);
        else
            in = a;
    }
    if (!in)
        return ssoc_cli_usage_error("plot", "missing input file (a sweep file OUT.h5, or PARAMS.json with --params)");
    if (rules && params)
        return ssoc_cli_usage_error("plot", "--rules and --params exclude each other");
    if ((rules || params) && (field_s || T_s))
        return ssoc_cli_usage_error("plot", "--field and --T apply to maps, not to --%s", rules ? "rules" : "params");
    ssoc_plot_opts po = {.force = force, .field = SSOC_PLOT_BEST};
    if (field_s) {
        int f = ssoc_plot_field_parse(field_s);
        if (f < 0)
            return ssoc_cli_usage_error("plot", "--field: '%s' is not best, median, lo, hi, width or p_exceed", field_s);
        po.field = (ssoc_plot_field)f;
    }
    double T[SSOC_PLOT_MAXPANEL];
    size_t nT = 0;
    if (T_s && parse_T_list(T_s, T, &nT) != SSOC_EXIT_OK)
        return SSOC_EXIT_USAGE;
    po.T_K = T, po.nT = nT;
    if (ssoc_cli_check_output_arg("plot", out))
        return SSOC_EXIT_USAGE;
    if (out) {
        const char *dot = strrchr(out, '.'), *slash = strrchr(out, '/');
        if (!dot || (slash && dot < slash) ||
            (strcmp(dot, ".png") && strcmp(dot, ".svg") && strcmp(dot, ".pdf") && strcmp(dot, ".PNG") &&
             strcmp(dot, ".SVG") && strcmp(dot, ".PDF")))
            return ssoc_cli_usage_error("plot", "-o %s: the picture type comes from the extension: .png, .svg or .pdf", out);
    }
    ssoc_error err = {0};
    /* a given -o is checked before any input is read (outpath.h) */
    if (out && ssoc_outpath_check(out, force ? SSOC_OUTPATH_FORCE : 0, &err) != SSOC_OK)
        return ssoc_cli_fail("plot", &err);
    char defout[4096], st_[2048];
    stem(in, st_, sizeof st_);
    if (params) {
        if (!out)
            snprintf(defout, sizeof defout, "%s_params.png", st_), out = defout;
        po.output = out;
        int rc = do_params(in, &po);
        if (rc == SSOC_EXIT_OK)
            printf("%s\n", out);
        return rc;
    }
    ssoc_sweepfile *sf = NULL;
    if (ssoc_sweepfile_open(in, &sf, &err) != SSOC_OK)
        return ssoc_cli_fail("plot", &err);
    ssoc_status st;
    if (rules) {
        if (!out)
            snprintf(defout, sizeof defout, "%s_rules.png", st_), out = defout;
        po.output = out;
        ssoc_report *rep = NULL;
        st = ssoc_report_build(sf, &rep, &err);
        if (!st)
            st = draw(&(draw_job){.rep = rep, .po = &po}, NULL, &err);
        ssoc_report_free(rep);
        ssoc_sweepfile_free(sf);
        if (st)
            return ssoc_cli_fail("plot", &err);
        printf("%s\n", out);
        return SSOC_EXIT_OK;
    }
    if (!out) {
        /* name the temperatures that will be drawn */
        char ts[256] = "";
        if (nT == 0) {
            snprintf(ts, sizeof ts, "default");
        } else {
            for (size_t k = 0; k < nT; ++k)
                snprintf(ts + strlen(ts), sizeof ts - strlen(ts), "%s%g", k ? "-" : "",
                         sf->T_K[ssoc_sweepfile_nearest_T(sf, T[k])]);
        }
        snprintf(defout, sizeof defout, "%s_sigma_%s_%sK.png", st_, ssoc_plot_field_name(po.field), ts);
        out = defout;
    }
    po.output = out;
    ssoc_plot_layout lay;
    st = draw(&(draw_job){.sf = sf, .po = &po}, &lay, &err);
    ssoc_sweepfile_free(sf);
    if (st)
        return ssoc_cli_fail("plot", &err);
    printf("%s\n", out);
    if (verbose) {
        printf("page %d x %d\n", lay.width, lay.height);
        for (size_t p = 0; p < lay.npanel; ++p)
            printf("panel %zu T_K %.17g frame_px %.3f %.3f %.3f %.3f world %.17g %.17g %.17g %.17g\n", p, lay.panel[p].T_K,
                   lay.panel[p].x0, lay.panel[p].x1, lay.panel[p].y0, lay.panel[p].y1, lay.panel[p].wx0,
                   lay.panel[p].wx1, lay.panel[p].wy0, lay.panel[p].wy1);
        printf("colorbar frame_px %.3f %.3f %.3f %.3f range %.17g %.17g %s\n", lay.cbar_x0, lay.cbar_x1, lay.cbar_y0,
               lay.cbar_y1, lay.cbar_lo, lay.cbar_hi, lay.cbar_log ? "log10" : "linear");
    }
    return SSOC_EXIT_OK;
}
