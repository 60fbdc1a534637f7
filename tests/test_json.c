/* Exact JSON numbers and the band objects built from them (src/json.c). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static char *print(const cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    cr_assert_not_null(s);
    return s;
}

Test(json, number_is_exact_and_null_when_not_finite)
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, ssoc_json_number(0.1));
    cJSON_AddItemToArray(a, ssoc_json_number(1.0 / 3.0));
    cJSON_AddItemToArray(a, ssoc_json_number(0.1 + 0.2)); /* needs all 17 digits */
    cJSON_AddItemToArray(a, ssoc_json_number(NAN));
    cJSON_AddItemToArray(a, ssoc_json_number(-INFINITY));
    char *s = print(a);
    cr_assert_str_eq(s, "[0.1,0.3333333333333333,0.30000000000000004,null,null]");
    free(s);
    cJSON_Delete(a);
}

Test(json, band_members_in_order_and_returned_for_more)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *b = ssoc_json_add_band(root, "band", 1e-3, 2.5e-3, 0.1);
    cr_assert_not_null(b);
    cJSON_AddBoolToObject(b, "inside", 1);
    ssoc_json_add_band(root, "empty", NAN, NAN, INFINITY);
    char *s = print(root);
    cr_assert_str_eq(s, "{\"band\":{\"lo\":0.001,\"median\":0.0025,\"hi\":0.1,\"inside\":true},"
                        "\"empty\":{\"lo\":null,\"median\":null,\"hi\":null}}");
    free(s);
    cJSON_Delete(root);
    cr_assert_null(ssoc_json_add_band(NULL, "band", 1, 2, 3));
}
