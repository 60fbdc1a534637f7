#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ssoc_json_format_double(char *buf, size_t size, double v)
{
    for (int prec = 15; prec <= 17; ++prec) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

cJSON *ssoc_json_number(double v)
{
    if (!isfinite(v))
        return cJSON_CreateNull();
    char buf[40];
    ssoc_json_format_double(buf, sizeof buf, v);
    return cJSON_CreateRaw(buf);
}

cJSON *ssoc_json_add_band(cJSON *parent, const char *name, double lo, double median, double hi)
{
    cJSON *o = cJSON_AddObjectToObject(parent, name);
    if (!o)
        return NULL;
    cJSON_AddItemToObject(o, "lo", ssoc_json_number(lo));
    cJSON_AddItemToObject(o, "median", ssoc_json_number(median));
    cJSON_AddItemToObject(o, "hi", ssoc_json_number(hi));
    return o;
}

cJSON *ssoc_json_one_T(const ssoc_data_range *r)
{
    if (!r || !ssoc_data_range_one_T(r))
        return cJSON_CreateNull();
    char text[512];
    ssoc_data_one_T_caveat(r->T_min_K, text, sizeof text);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "T_K", ssoc_json_number(r->T_min_K));
    cJSON_AddBoolToObject(o, "E0_measured", 0);
    cJSON_AddStringToObject(o, "caveat", text);
    return o;
}

char *ssoc_json_document(cJSON *root)
{
    char *s = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!s)
        return NULL;
    /* cJSON's allocator is malloc here; hand back a buffer the caller frees with free() */
    const size_t n = strlen(s);
    char *out = malloc(n + 2);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\n', out[n + 1] = '\0';
    }
    cJSON_free(s);
    return out;
}
