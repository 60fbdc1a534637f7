#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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
