/* Edit-distance suggestions for misspelt words (suggest.h). */
#include "ssoc/suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define SUGGEST_MAXLEN 64

/* Optimal string alignment distance; letters equal up to case cost 0. Words longer than
 * SUGGEST_MAXLEN are never close (returns a large number). */
static size_t osa_distance(const char *a, const char *b)
{
    const size_t na = strlen(a), nb = strlen(b);
    if (na > SUGGEST_MAXLEN || nb > SUGGEST_MAXLEN)
        return (size_t)-1 / 2;
    size_t d[SUGGEST_MAXLEN + 1][SUGGEST_MAXLEN + 1];
    for (size_t i = 0; i <= na; ++i)
        d[i][0] = i;
    for (size_t j = 0; j <= nb; ++j)
        d[0][j] = j;
    for (size_t i = 1; i <= na; ++i)
        for (size_t j = 1; j <= nb; ++j) {
            const int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = d[i - 1][j - 1] + (same ? 0 : 1);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[na][nb];
}

const char *ssoc_suggest(const char *word, const char *const *cands, size_t n)
{
    if (!word || !cands)
        return NULL;
    size_t len = strlen(word);
    for (const char *w = word; *w == '-'; ++w)
        --len;
    const size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; ++i) {
        if (!cands[i] || !strcmp(cands[i], word))
            continue;
        const size_t dist = osa_distance(word, cands[i]);
        if (dist <= limit && dist < len && dist < best_d)
            best = cands[i], best_d = dist;
    }
    return best;
}

char *ssoc_suggest_append(char *buf, size_t cap, const char *word, const char *const *cands, size_t n)
{
    const char *s = ssoc_suggest(word, cands, n);
    const size_t used = strlen(buf);
    if (s && used < cap)
        snprintf(buf + used, cap - used, " (did you mean '%s'?)", s);
    return buf;
}
