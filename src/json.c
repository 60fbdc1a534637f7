#include "ssoc/json.h"

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
