/* Shared helpers for the Criterion unit tests. */
#ifndef SSOC_TESTUTIL_H
#define SSOC_TESTUTIL_H
#include <stddef.h>

/// Path of a file under the source tree (static buffer, valid until the next call).
const char *tu_src(const char *rel);
/// Write `text` to a new temporary file and return its path (static storage per call, up to 64 live).
const char *tu_write_tmp(const char *suffix, const char *text);
/// Relative difference |a - b| / |b| (|a - b| when b == 0).
double tu_rel(double a, double b);
#endif
