/* Shared helpers for the Criterion unit tests. */
#ifndef SSOC_TESTUTIL_H
#define SSOC_TESTUTIL_H
#include <stddef.h>
#include <stdint.h>

/// Path of a file under the source tree (static buffer, valid until the next call).
const char *tu_src(const char *rel);
/// Write `text` to a new file /tmp/ssoc_test_XXXXXX`suffix` and return its path (NULL on failure); the file is
/// removed when the test process exits.
const char *tu_write_tmp(const char *suffix, const char *text);
/// Relative difference |a - b| / |b| (|a - b| when b == 0).
double tu_rel(double a, double b);
/// Deterministic uniform number in [a, b) (splitmix64), advancing *state: reproducible random
/// cases with no dependence on the C library's rand(). Each test file keeps its own state.
static inline double tu_unif(uint64_t *state, double a, double b)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return a + (b - a) * ((double)(z >> 11) * 0x1.0p-53);
}
#endif
