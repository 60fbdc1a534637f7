/* Private to libssoc and the command line (src/cli), which both build JSON with cJSON: exact
 * number output for the JSON files ssoc writes. Not installed: a public header carries no cJSON
 * type, so a program using libssoc needs no cJSON headers. */
#ifndef SSOC_JSON_H
#define SSOC_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>

/// Shortest of %.15g, %.16g, %.17g that reads back to exactly `v` (buf: at least 32 bytes).
void ssoc_json_format_double(char *buf, size_t size, double v);

/// A cJSON number item that round-trips to the last bit (cJSON 1.7.15's own printer accepts
/// %.15g whenever it is within DBL_EPSILON, which can drop the last bit). Non-finite -> null.
/// NULL on allocation failure.
cJSON *ssoc_json_number(double v);

/// Add to `parent` an object `name` holding a band of a value, as the members "lo", "median" and
/// "hi" in that order (exact numbers, ssoc_json_number; null where not finite). Returns the new
/// object, for the caller's further members; NULL on allocation failure or a NULL parent.
cJSON *ssoc_json_add_band(cJSON *parent, const char *name, double lo, double median, double hi);

#include "ssoc/data.h"

/// The single-temperature caveat as every command's JSON states it, member "single_temperature":
/// null when `r` is NULL (range unknown) or spans several temperatures, else {"T_K": T, "E0_measured":
/// false, "caveat": the sentence of ssoc_data_one_T_caveat}. NULL on allocation failure.
cJSON *ssoc_json_one_T(const ssoc_data_range *r);

/// Print `root` as a JSON document with a trailing newline and delete it (root is consumed, also
/// on failure). Malloc'd (free() it); NULL on allocation failure.
char *ssoc_json_document(cJSON *root);

#endif
