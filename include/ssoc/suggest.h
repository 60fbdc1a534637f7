/// @file suggest.h
/// "Did you mean ...?" for misspelt commands, options, configuration sections and keys, and CSV
/// units: the closest known word by edit distance (optimal string alignment: insertions,
/// deletions, substitutions and swaps of two neighbours each cost 1; a difference of letter case
/// alone costs nothing, so `--t` suggests `--T`).
#ifndef SSOC_SUGGEST_H
#define SSOC_SUGGEST_H

#include <stddef.h>

/// The candidate among `cands[0..n)` closest to `word`, or NULL when none is close enough to be a
/// plausible misspelling: the distance must be at most 1 for words of up to 4 characters, 2 up to
/// 8 and 3 beyond (leading dashes do not count towards the length), and smaller than the length
/// of `word` itself. Ties go to the first candidate. NULL entries in `cands` are skipped.
const char *ssoc_suggest(const char *word, const char *const *cands, size_t n);

/// Append " (did you mean 'S'?)" to buf (NUL-terminated, capacity `cap`) when ssoc_suggest finds
/// S; otherwise leave buf unchanged. Returns buf.
char *ssoc_suggest_append(char *buf, size_t cap, const char *word, const char *const *cands, size_t n);

#endif
