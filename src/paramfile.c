/* The JSON parameter file (cJSON): writer and reader. */
#include "ssoc/paramfile.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssoc/io.h"
#include "json.h"
#include "ssoc/version.h"

/* Numbers are printed exactly (ssoc_json_number); non-finite ones as null, which the reader maps
 * back to NaN where allowed. */
static cJSON *num(double v) { return ssoc_json_number(v); }

static cJSON *pair(double a, double b)
{
    cJSON *arr = cJSON_CreateArray();
    cJSON_AddItemToArray(arr, num(a));
    cJSON_AddItemToArray(arr, num(b));
    return arr;
}

static void add_band(cJSON *o, const ssoc_boot_result *boot, int k)
{
    if (!boot)
        return;
    cJSON_AddItemToObject(o, "lo", num(boot->lo[k]));
    cJSON_AddItemToObject(o, "hi", num(boot->hi[k]));
    cJSON_AddItemToObject(o, "median", num(boot->median[k]));
    cJSON_AddItemToObject(o, "se", num(boot->se[k]));
}

/* rows[n][SSOC_NPARAM] as an array of arrays; a row with ok[i] == 0 is all null */
static void add_rows(cJSON *parent, const char *key, const double *rows, const unsigned char *ok, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(parent, key);
    for (size_t b = 0; b < n; ++b) {
        cJSON *row = cJSON_CreateArray();
        for (int i = 0; i < SSOC_NPARAM; ++i)
            cJSON_AddItemToArray(row, ok[b] ? num(rows[b * SSOC_NPARAM + i]) : cJSON_CreateNull());
        cJSON_AddItemToArray(a, row);
    }
}

char *ssoc_paramfile_to_json(const ssoc_fit_result *fit, const ssoc_dataset *d, const ssoc_boot_result *boot)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    char now[32];
    ssoc_io_utc_now(now, sizeof now);
    cJSON_AddStringToObject(root, "format", SSOC_PARAMFILE_FORMAT);
    cJSON_AddItemToObject(root, "version", num(SSOC_PARAMFILE_VERSION));
    cJSON *sw = cJSON_AddObjectToObject(root, "software");
    cJSON_AddStringToObject(sw, "name", "ssoc");
    cJSON_AddStringToObject(sw, "version", SSOC_VERSION);
    cJSON_AddStringToObject(sw, "git", SSOC_GIT_REVISION);
    cJSON_AddStringToObject(root, "created", now);

    if (d) {
        ssoc_data_range r;
        ssoc_dataset_range(d, &r);
        cJSON *jd = cJSON_AddObjectToObject(root, "data");
        cJSON_AddStringToObject(jd, "path", d->path ? d->path : "");
        cJSON_AddStringToObject(jd, "sha256", d->sha256);
        cJSON_AddItemToObject(jd, "n", num((double)d->n));
        cJSON_AddItemToObject(jd, "n_pcc", num((double)d->n_pcc));
        cJSON_AddItemToObject(jd, "n_scc", num((double)d->n_scc));
        cJSON_AddItemToObject(jd, "d_crit_A", num(d->d_crit_A));
        cJSON *jr = cJSON_AddObjectToObject(jd, "range");
        cJSON_AddItemToObject(jr, "x", pair(r.x_min, r.x_max));
        cJSON_AddItemToObject(jr, "v_f", pair(r.vf_min, r.vf_max));
        cJSON_AddItemToObject(jr, "T_K", pair(r.T_min_K, r.T_max_K));
        /* what data at one temperature cannot tell, for anyone reading the file alone */
        cJSON_AddItemToObject(root, "single_temperature", ssoc_json_one_T(&r));
    }

    cJSON_AddStringToObject(root, "method", ssoc_fit_method_name(fit->method));
    cJSON *jp = cJSON_AddArrayToObject(root, "parameters");
    for (int i = 0; i < SSOC_NPARAM; ++i) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", ssoc_param_name(i));
        cJSON_AddItemToObject(o, "value", num(fit->params.p[i]));
        cJSON_AddStringToObject(o, "unit", ssoc_param_unit(i));
        cJSON_AddBoolToObject(o, "fixed", (fit->fixed_mask >> i) & 1u);
        add_band(o, boot, i);
        cJSON_AddItemToArray(jp, o);
    }
    cJSON *jv = cJSON_AddArrayToObject(root, "derived");
    cJSON *vs = cJSON_CreateObject();
    cJSON_AddStringToObject(vs, "name", "vf_star");
    cJSON_AddItemToObject(vs, "value", num(ssoc_params_vf_star(&fit->params)));
    cJSON_AddStringToObject(vs, "unit", "1");
    cJSON_AddStringToObject(vs, "definition", "-beta2/(2 beta3): peak of ln f_eff in v_f");
    add_band(vs, boot, SSOC_NPARAM);
    cJSON_AddItemToArray(jv, vs);

    const ssoc_metrics *m = &fit->metrics;
    cJSON *jm = cJSON_AddObjectToObject(root, "metrics");
    cJSON_AddItemToObject(jm, "n", num((double)m->n));
    cJSON_AddItemToObject(jm, "r_log10_sigma", num(m->r_log10_sigma));
    cJSON_AddItemToObject(jm, "rmse_log10_sigma", num(m->rmse_log10_sigma));
    cJSON_AddItemToObject(jm, "mean_ratio", num(m->mean_ratio));
    cJSON_AddItemToObject(jm, "median_ratio", num(m->median_ratio));
    cJSON_AddItemToObject(jm, "r_log10_D_all", num(m->r_log10_D_all));
    cJSON_AddItemToObject(jm, "r_log10_D_pcc", num(m->r_log10_D_pcc));
    cJSON_AddItemToObject(jm, "r_log10_D_scc", num(m->r_log10_D_scc));
    cJSON_AddItemToObject(jm, "r_ln_f", num(m->r_ln_f));

    if (boot) {
        cJSON *jb = cJSON_AddObjectToObject(root, "bootstrap");
        cJSON_AddItemToObject(jb, "B", num((double)boot->B));
        cJSON_AddItemToObject(jb, "seed", num((double)boot->opts.seed));
        cJSON_AddStringToObject(jb, "scheme", ssoc_boot_scheme_name(boot->opts.scheme));
        cJSON_AddItemToObject(jb, "confidence", num(boot->opts.confidence));
        cJSON_AddStringToObject(jb, "interval", ssoc_ci_method_name(boot->opts.interval));
        cJSON_AddItemToObject(jb, "n_failed", num((double)boot->n_failed));
        cJSON_AddItemToObject(jb, "residual_dof", num(boot->dof));
        cJSON *names = cJSON_AddArrayToObject(jb, "columns");
        for (int i = 0; i < SSOC_NPARAM; ++i)
            cJSON_AddItemToArray(names, cJSON_CreateString(ssoc_param_name(i)));
        cJSON *corr = cJSON_AddArrayToObject(jb, "correlation");
        for (int i = 0; i < SSOC_NPARAM; ++i) {
            cJSON *row = cJSON_CreateArray();
            for (int j = 0; j < SSOC_NPARAM; ++j)
                cJSON_AddItemToArray(row, num(boot->corr[i * SSOC_NPARAM + j]));
            cJSON_AddItemToArray(corr, row);
        }
        if (boot->resid && boot->n_resid) {
            cJSON *jr = cJSON_AddObjectToObject(jb, "residual_pool");
            cJSON_AddItemToObject(jr, "n", num((double)boot->n_resid));
            cJSON *a = cJSON_AddArrayToObject(jr, "ln_D_hop"), *b = cJSON_AddArrayToObject(jr, "ln_sigma");
            for (size_t i = 0; i < boot->n_resid; ++i) {
                cJSON_AddItemToArray(a, num(boot->resid[i]));
                cJSON_AddItemToArray(b, num(boot->resid[boot->n_resid + i]));
            }
        }
        /* Failed replicates are rows of nulls: kept so that row b is replicate b of (seed, b). */
        add_rows(jb, "replicates", boot->table, boot->ok, boot->B);
        /* BCa's acceleration: the leave-one-out fits (row i without point i), so that a band read
         * back from the file is the BCa band the fit printed */
        if (boot->n_jack && boot->jack && boot->jack_ok)
            add_rows(jb, "jackknife", boot->jack, boot->jack_ok, boot->n_jack);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

ssoc_status ssoc_paramfile_write(const char *path, const ssoc_fit_result *fit, const ssoc_dataset *d,
                                 const ssoc_boot_result *boot, int overwrite, ssoc_error *err)
{
    char *text = ssoc_paramfile_to_json(fit, d, boot);
    if (!text)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory rendering JSON", path);
    size_t len = strlen(text);
    /* a trailing newline keeps the file friendly to line-based tools */
    char *withnl = malloc(len + 2);
    if (!withnl) {
        cJSON_free(text);
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory", path);
    }
    memcpy(withnl, text, len);
    withnl[len] = '\n';
    cJSON_free(text);
    ssoc_status s = ssoc_io_write_atomic(path, withnl, len + 1, overwrite, err);
    free(withnl);
    return s;
}

/* ---- reader ---- */

/* A finite number member, or an error naming file and member. */
static ssoc_status get_num(const char *path, const cJSON *obj, const char *key, const char *where, double *out,
                           int allow_null, ssoc_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it)
        return SSOC_ERR(err, SSOC_EDATA, "%s: %s: member '%s' is missing", path, where, key);
    if (allow_null && cJSON_IsNull(it)) {
        *out = NAN;
        return SSOC_OK;
    }
    if (!cJSON_IsNumber(it))
        return SSOC_ERR(err, SSOC_EDATA, "%s: %s: member '%s' is not a number", path, where, key);
    if (!isfinite(it->valuedouble))
        return SSOC_ERR(err, SSOC_EDATA, "%s: %s: member '%s' is not finite", path, where, key);
    *out = it->valuedouble;
    return SSOC_OK;
}

static ssoc_status get_pair(const char *path, const cJSON *obj, const char *key, double *a, double *b,
                            ssoc_error *err)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 2 || !cJSON_IsNumber(cJSON_GetArrayItem(it, 0)) ||
        !cJSON_IsNumber(cJSON_GetArrayItem(it, 1)))
        return SSOC_ERR(err, SSOC_EDATA, "%s: data.range: member '%s' must be [min, max]", path, key);
    *a = cJSON_GetArrayItem(it, 0)->valuedouble;
    *b = cJSON_GetArrayItem(it, 1)->valuedouble;
    if (!isfinite(*a) || !isfinite(*b))
        return SSOC_ERR(err, SSOC_EDATA, "%s: data.range: member '%s' must hold finite numbers", path, key);
    if (*a > *b)
        return SSOC_ERR(err, SSOC_EDATA, "%s: data.range: member '%s' is [%.17g, %.17g]: min > max", path, key, *a, *b);
    return SSOC_OK;
}

static ssoc_status read_bands(const char *path, const cJSON *o, const char *where, ssoc_boot_result *boot, int k,
                              ssoc_error *err)
{
    ssoc_status s;
    if ((s = get_num(path, o, "lo", where, &boot->lo[k], 1, err)) ||
        (s = get_num(path, o, "hi", where, &boot->hi[k], 1, err)) ||
        (s = get_num(path, o, "median", where, &boot->median[k], 1, err)) ||
        (s = get_num(path, o, "se", where, &boot->se[k], 1, err)))
        return s;
    return SSOC_OK;
}

/* The optional residual pool: {"n": n, "ln_D_hop": [n numbers], "ln_sigma": [n numbers]}. */
static ssoc_status read_pool(const char *path, const cJSON *jb, ssoc_boot_result *boot, ssoc_error *err)
{
    const cJSON *jr = cJSON_GetObjectItemCaseSensitive(jb, "residual_pool");
    if (!jr || cJSON_IsNull(jr))
        return SSOC_OK;
    double n_d = 0;
    ssoc_status s;
    if (!cJSON_IsObject(jr))
        return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap: member 'residual_pool' is not an object", path);
    if ((s = get_num(path, jr, "n", "bootstrap.residual_pool", &n_d, 0, err)))
        return s;
    if (n_d < 1 || n_d != floor(n_d) || n_d > 1e8)
        return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap.residual_pool: member 'n' must be a whole number >= 1", path);
    const size_t n = (size_t)n_d;
    double *pool = malloc(2 * n * sizeof *pool);
    if (!pool)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory for the residual pool", path);
    const char *names[2] = {"ln_D_hop", "ln_sigma"};
    for (int blk = 0; blk < 2; ++blk) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(jr, names[blk]);
        if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n) {
            free(pool);
            return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap.residual_pool: '%s' must be an array of n = %zu numbers",
                            path, names[blk], n);
        }
        size_t i = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, a)
        {
            if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
                free(pool);
                return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap.residual_pool.%s[%zu]: not a finite number", path,
                                names[blk], i);
            }
            pool[(size_t)blk * n + i++] = v->valuedouble;
        }
    }
    free(boot->resid);
    boot->resid = pool;
    boot->n_resid = n;
    return SSOC_OK;
}

/* bootstrap.KEY: n rows of SSOC_NPARAM numbers (or SSOC_P_LNA, written before ln_A existed: ln_A
 * was 0 in every fit), a failed fit all null; into table[n][SSOC_NPARAM] and ok[n], counting the
 * null rows in *failed. The caller has checked that `rows` is an array of n. */
static ssoc_status read_rows(const char *path, const cJSON *rows, const char *key, size_t n, double *table,
                             unsigned char *ok, size_t *failed, ssoc_error *err)
{
    size_t b = 0;
    const cJSON *row;
    *failed = 0;
    cJSON_ArrayForEach(row, rows)
    {
        const int ncol = cJSON_IsArray(row) ? cJSON_GetArraySize(row) : -1;
        if (ncol != SSOC_NPARAM && ncol != SSOC_P_LNA)
            return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap.%s[%zu]: must hold %d values (or %d without ln_A)", path,
                            key, b, SSOC_NPARAM, SSOC_P_LNA);
        if (ncol == SSOC_P_LNA)
            table[b * SSOC_NPARAM + SSOC_P_LNA] = 0.0;
        int nulls = 0;
        for (int i = 0; i < ncol; ++i) {
            const cJSON *v = cJSON_GetArrayItem(row, i);
            if (cJSON_IsNull(v)) {
                nulls++;
                table[b * SSOC_NPARAM + i] = NAN;
            } else if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
                table[b * SSOC_NPARAM + i] = v->valuedouble;
            } else {
                return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap.%s[%zu][%d]: not a number", path, key, b, i);
            }
        }
        if (nulls == ncol)
            table[b * SSOC_NPARAM + SSOC_P_LNA] = NAN;
        if (nulls != 0 && nulls != ncol)
            return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap.%s[%zu]: partly null (a failed fit is all null)", path,
                            key, b);
        ok[b] = nulls == 0;
        *failed += nulls != 0;
        if (++b == n)
            break;
    }
    return SSOC_OK;
}

/* The optional leave-one-out table (BCa's acceleration): n_jack rows, as the replicates. */
static ssoc_status read_jackknife(const char *path, const cJSON *jb, ssoc_boot_result *boot, ssoc_error *err)
{
    const cJSON *jj = cJSON_GetObjectItemCaseSensitive(jb, "jackknife");
    if (!jj || cJSON_IsNull(jj))
        return SSOC_OK;
    const int n = cJSON_IsArray(jj) ? cJSON_GetArraySize(jj) : -1;
    if (n < 1)
        return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap: member 'jackknife' must be an array of rows", path);
    double *table = malloc((size_t)n * SSOC_NPARAM * sizeof *table);
    unsigned char *ok = calloc((size_t)n, 1);
    size_t failed = 0;
    ssoc_status s = !table || !ok ? SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory for the jackknife table", path)
                                  : read_rows(path, jj, "jackknife", (size_t)n, table, ok, &failed, err);
    if (s) {
        free(table);
        free(ok);
        return s;
    }
    free(boot->jack);
    free(boot->jack_ok);
    boot->jack = table;
    boot->jack_ok = ok;
    boot->n_jack = (size_t)n;
    return SSOC_OK;
}

static ssoc_status read_boot(const char *path, const cJSON *jb, ssoc_paramfile *pf, ssoc_error *err)
{
    double B_d = 0, seed_d = 0, conf = 0, nfail = 0;
    ssoc_status s;
    if ((s = get_num(path, jb, "B", "bootstrap", &B_d, 0, err)) ||
        (s = get_num(path, jb, "seed", "bootstrap", &seed_d, 0, err)) ||
        (s = get_num(path, jb, "confidence", "bootstrap", &conf, 0, err)) ||
        (s = get_num(path, jb, "n_failed", "bootstrap", &nfail, 0, err)))
        return s;
    if (B_d < 2 || B_d != floor(B_d) || B_d > 1e8)
        return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap: member 'B' must be a whole number >= 2", path);
    /* same ranges as the command line's --seed and --confidence; a negative or huge seed would
     * also make the conversion to uint64_t undefined */
    if (seed_d < 0 || seed_d != floor(seed_d) || seed_d > 9007199254740992.0)
        return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap: member 'seed' must be a whole number from 0 to 2^53", path);
    if (!(conf > 0.0 && conf < 1.0))
        return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap: member 'confidence' must lie strictly between 0 and 1", path);
    const cJSON *rep = cJSON_GetObjectItemCaseSensitive(jb, "replicates");
    if (!cJSON_IsArray(rep) || (double)cJSON_GetArraySize(rep) != B_d)
        return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap: 'replicates' must be an array of B = %.0f rows", path, B_d);
    size_t B = (size_t)B_d;
    ssoc_boot_result *boot = ssoc_boot_result_alloc(B, 0);
    if (!boot)
        return SSOC_ERR(err, SSOC_ENOMEM, "%s: out of memory for %zu replicates", path, B);
    pf->boot = boot;
    boot->B = B;
    boot->opts.B = B;
    boot->opts.seed = (uint64_t)seed_d;
    boot->opts.confidence = conf;
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(jb, "scheme");
    const cJSON *ji = cJSON_GetObjectItemCaseSensitive(jb, "interval");
    if (!cJSON_IsString(js) || ssoc_boot_scheme_parse(js->valuestring, &boot->opts.scheme))
        return SSOC_ERR(err, SSOC_EDATA,
                        "%s: bootstrap: member 'scheme' must be \"residual\", \"stratified\" or \"case\"", path);
    if (!cJSON_IsString(ji) || ssoc_ci_method_parse(ji->valuestring, &boot->opts.interval))
        return SSOC_ERR(err, SSOC_EDATA,
                        "%s: bootstrap: member 'interval' must be \"percentile\", \"bca\" or \"expanded\"", path);
    /* optional (null or absent: not known; an expanded band then falls back to percentile) */
    const cJSON *jdof = cJSON_GetObjectItemCaseSensitive(jb, "residual_dof");
    if (jdof && (s = get_num(path, jb, "residual_dof", "bootstrap", &boot->dof, 1, err)))
        return s;
    if (!isnan(boot->dof) && !(boot->dof > 0.0))
        return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap: member 'residual_dof' must be > 0", path);
    size_t failed = 0;
    if ((s = read_rows(path, rep, "replicates", B, boot->table, boot->ok, &failed, err)))
        return s;
    if ((double)failed != nfail)
        return SSOC_ERR(err, SSOC_EDATA, "%s: bootstrap: n_failed = %.0f but %zu replicate rows are null", path, nfail,
                        failed);
    boot->n_failed = failed;
    if ((s = read_jackknife(path, jb, boot, err)))
        return s;
    return read_pool(path, jb, boot, err);
}

ssoc_status ssoc_paramfile_read(const char *path, ssoc_paramfile *pf, ssoc_error *err)
{
    memset(pf, 0, sizeof *pf);
    char *text = NULL;
    size_t len = 0;
    ssoc_status rs = ssoc_io_read_file(path, "parameter file", SSOC_READ_MAX_PARAMS, SSOC_READ_TEXT, &text, &len, err);
    if (rs)
        return rs;
    /* the whole file is one JSON object: trailing text (garbage, a second object) is an error */
    const char *stop = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &stop, 0);
    const char *at = root ? stop : cJSON_GetErrorPtr();
    if (root)
        while (at && (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r'))
            ++at;
    if (!root || !cJSON_IsObject(root) || (at && *at)) {
        const char *why = !root ? "not valid JSON"
                          : !cJSON_IsObject(root)
                              ? "not a JSON object (a parameter file holds one object)"
                              : "text after the JSON value (a parameter file holds exactly one JSON object)";
        if (root && !cJSON_IsObject(root))
            at = text;
        size_t line = 1, col = 1;
        for (const char *c = text; at && c < at && *c; ++c) {
            col = *c == '\n' ? 1 : col + 1;
            line += *c == '\n';
        }
        cJSON_Delete(root);
        free(text);
        return SSOC_ERR(err, SSOC_EDATA, "%s:%zu:%zu: %s", path, line, col, why);
    }
    free(text);
    ssoc_status s = SSOC_OK;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, SSOC_PARAMFILE_FORMAT) != 0) {
        s = SSOC_ERR(err, SSOC_EDATA, "%s: not an ssoc parameter file (member 'format' is not \"%s\")", path,
                     SSOC_PARAMFILE_FORMAT);
        goto done;
    }
    if (!cJSON_IsNumber(ver) || ver->valuedouble != floor(ver->valuedouble) || ver->valuedouble < 1) {
        s = SSOC_ERR(err, SSOC_EDATA, "%s: member 'version' must be a whole number", path);
        goto done;
    }
    if (ver->valuedouble > SSOC_PARAMFILE_VERSION) {
        s = SSOC_ERR(err, SSOC_EDATA, "%s: format version %.0f is newer than this ssoc reads (%d); upgrade ssoc", path,
                     ver->valuedouble, SSOC_PARAMFILE_VERSION);
        goto done;
    }
    const cJSON *jp = cJSON_GetObjectItemCaseSensitive(root, "parameters");
    if (!cJSON_IsArray(jp)) {
        s = SSOC_ERR(err, SSOC_EDATA, "%s: member 'parameters' is missing or not an array", path);
        goto done;
    }
    /* files written before the joint fit existed have no method: they were fitted in stages */
    pf->method = SSOC_FIT_STAGED;
    const cJSON *jmeth = cJSON_GetObjectItemCaseSensitive(root, "method");
    if (jmeth && (!cJSON_IsString(jmeth) || ssoc_fit_method_parse(jmeth->valuestring, &pf->method))) {
        s = SSOC_ERR(err, SSOC_EDATA, "%s: member 'method' must be \"joint\" or \"staged\"", path);
        goto done;
    }
    unsigned seen = 0;
    const cJSON *o;
    const cJSON *jb = cJSON_GetObjectItemCaseSensitive(root, "bootstrap");
    if (jb && !cJSON_IsNull(jb)) {
        if (!cJSON_IsObject(jb)) {
            s = SSOC_ERR(err, SSOC_EDATA, "%s: member 'bootstrap' is not an object", path);
            goto done;
        }
        if ((s = read_boot(path, jb, pf, err)))
            goto done;
    }
    cJSON_ArrayForEach(o, jp)
    {
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(o, "name");
        if (!cJSON_IsString(nm)) {
            s = SSOC_ERR(err, SSOC_EDATA, "%s: parameters: an entry has no string 'name'", path);
            goto done;
        }
        int i = ssoc_param_index(nm->valuestring);
        if (i < 0) {
            s = SSOC_ERR(err, SSOC_EDATA, "%s: parameters: unknown parameter '%s'", path, nm->valuestring);
            goto done;
        }
        if (seen & (1u << i)) {
            s = SSOC_ERR(err, SSOC_EDATA, "%s: parameters: '%s' given twice", path, nm->valuestring);
            goto done;
        }
        char where[64];
        snprintf(where, sizeof where, "parameter '%s'", nm->valuestring);
        if ((s = get_num(path, o, "value", where, &pf->params.p[i], 0, err)))
            goto done;
        seen |= 1u << i;
        const cJSON *fx = cJSON_GetObjectItemCaseSensitive(o, "fixed");
        if (fx && !cJSON_IsBool(fx)) {
            s = SSOC_ERR(err, SSOC_EDATA, "%s: %s: member 'fixed' must be true or false", path, where);
            goto done;
        }
        if (cJSON_IsTrue(fx))
            pf->fixed_mask |= 1u << i;
        if (pf->boot && (s = read_bands(path, o, where, pf->boot, i, err)))
            goto done;
        if (pf->boot)
            pf->boot->point[i] = pf->params.p[i];
    }
    if (!(seen & (1u << SSOC_P_LNA))) { /* a file from before ln_A: it was held at 0 */
        pf->params.p[SSOC_P_LNA] = 0.0;
        pf->fixed_mask |= 1u << SSOC_P_LNA;
        seen |= 1u << SSOC_P_LNA;
        if (pf->boot) {
            pf->boot->point[SSOC_P_LNA] = 0.0;
            pf->boot->lo[SSOC_P_LNA] = pf->boot->hi[SSOC_P_LNA] = pf->boot->median[SSOC_P_LNA] = 0.0;
            pf->boot->se[SSOC_P_LNA] = 0.0;
        }
    }
    for (int i = 0; i < SSOC_NPARAM; ++i)
        if (!(seen & (1u << i))) {
            s = SSOC_ERR(err, SSOC_EDATA, "%s: parameters: '%s' is missing", path, ssoc_param_name(i));
            goto done;
        }
    if (pf->params.p[SSOC_P_VC] <= 0 || pf->params.p[SSOC_P_NH] <= 0) {
        s = SSOC_ERR(err, SSOC_EDATA, "%s: parameters: v_c and n_H must be > 0", path);
        goto done;
    }
    if (pf->boot) {
        pf->boot->point[SSOC_NPARAM] = ssoc_params_vf_star(&pf->params);
        const cJSON *jv = cJSON_GetObjectItemCaseSensitive(root, "derived");
        const cJSON *vs = cJSON_IsArray(jv) ? cJSON_GetArrayItem(jv, 0) : NULL;
        if (vs && (s = read_bands(path, vs, "derived 'vf_star'", pf->boot, SSOC_NPARAM, err)))
            goto done;
    }
    const cJSON *jd = cJSON_GetObjectItemCaseSensitive(root, "data");
    if (cJSON_IsObject(jd)) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(jd, "path");
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(jd, "sha256");
        if (cJSON_IsString(p))
            snprintf(pf->data_path, sizeof pf->data_path, "%s", p->valuestring);
        if (cJSON_IsString(h))
            snprintf(pf->data_sha256, sizeof pf->data_sha256, "%s", h->valuestring);
        const cJSON *jr = cJSON_GetObjectItemCaseSensitive(jd, "range");
        if (cJSON_IsObject(jr)) {
            ssoc_data_range *r = &pf->range;
            if ((s = get_pair(path, jr, "x", &r->x_min, &r->x_max, err)) ||
                (s = get_pair(path, jr, "v_f", &r->vf_min, &r->vf_max, err)) ||
                (s = get_pair(path, jr, "T_K", &r->T_min_K, &r->T_max_K, err)))
                goto done;
            pf->has_range = 1;
        }
    }
    const cJSON *jm = cJSON_GetObjectItemCaseSensitive(root, "metrics");
    if (cJSON_IsObject(jm)) {
        ssoc_metrics *m = &pf->metrics;
        double n;
        if ((s = get_num(path, jm, "n", "metrics", &n, 0, err)) ||
            (s = get_num(path, jm, "r_log10_sigma", "metrics", &m->r_log10_sigma, 1, err)) ||
            (s = get_num(path, jm, "rmse_log10_sigma", "metrics", &m->rmse_log10_sigma, 1, err)) ||
            (s = get_num(path, jm, "mean_ratio", "metrics", &m->mean_ratio, 1, err)) ||
            (s = get_num(path, jm, "median_ratio", "metrics", &m->median_ratio, 1, err)) ||
            (s = get_num(path, jm, "r_log10_D_all", "metrics", &m->r_log10_D_all, 1, err)) ||
            (s = get_num(path, jm, "r_log10_D_pcc", "metrics", &m->r_log10_D_pcc, 1, err)) ||
            (s = get_num(path, jm, "r_log10_D_scc", "metrics", &m->r_log10_D_scc, 1, err)) ||
            (s = get_num(path, jm, "r_ln_f", "metrics", &m->r_ln_f, 1, err)))
            goto done;
        if (n < 0 || n != floor(n) || n > 9007199254740992.0) {
            s = SSOC_ERR(err, SSOC_EDATA, "%s: metrics: member 'n' must be a whole number >= 0", path);
            goto done;
        }
        m->n = (size_t)n;
        pf->has_metrics = 1;
    }
done:
    cJSON_Delete(root);
    if (s != SSOC_OK)
        ssoc_paramfile_clear(pf);
    return s;
}

void ssoc_paramfile_published(ssoc_paramfile *out, const ssoc_data_range *range)
{
    memset(out, 0, sizeof *out);
    out->params = ssoc_params_published;
    out->method = SSOC_FIT_STAGED; /* the published set came from the three stages */
    out->fixed_mask = 1u << SSOC_P_LNA; /* the 8-parameter model: attempt frequency k_B T/h */
    if (range) {
        out->range = *range;
        out->has_range = 1;
    }
    snprintf(out->data_path, sizeof out->data_path, "published");
}

void ssoc_paramfile_clear(ssoc_paramfile *pf)
{
    if (!pf)
        return;
    ssoc_boot_result_free(pf->boot);
    pf->boot = NULL;
}
