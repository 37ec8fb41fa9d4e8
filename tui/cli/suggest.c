/* SPDX-License-Identifier: MIT */
/*
 * suggest.c - "did you mean": the optimal string alignment distance (the
 * Levenshtein distance plus the swap of two neighbours, the most common
 * typo) between what was typed and each name it could have meant.
 *
 * Names are short (a lab name, an option), so the distance is computed in
 * a small fixed table; longer words are compared on their first
 * SUGGEST_MAX letters, which is plenty to find a typo.
 */
#include "suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define SUGGEST_MAX 63

/* One letter as compared: lower case, '_' read as '-'. */
static int fold(int c)
{
    c = tolower((unsigned char)c);
    return c == '_' ? '-' : c;
}

bool suggest_same_name(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if ((*a == '_' ? '-' : *a) != (*b == '_' ? '-' : *b))
            return false;
    return *a == '\0' && *b == '\0';
}

/* The smallest of three. */
static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

int suggest_distance(const char *a, const char *b)
{
    int d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
    int n = (int)strlen(a), m = (int)strlen(b), i, j;

    if (n > SUGGEST_MAX)
        n = SUGGEST_MAX;
    if (m > SUGGEST_MAX)
        m = SUGGEST_MAX;
    for (i = 0; i <= n; i++)
        d[i][0] = i;
    for (j = 0; j <= m; j++)
        d[0][j] = j;
    for (i = 1; i <= n; i++) {
        for (j = 1; j <= m; j++) {
            int cost = fold(a[i - 1]) != fold(b[j - 1]);

            d[i][j] =
                min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
                fold(a[i - 2]) == fold(b[j - 1]) &&
                d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    }
    return d[n][m] > 99 ? 99 : d[n][m];
}

const char *suggest_nearest(const char *word, const char *const *names, int n)
{
    size_t len = strlen(word);
    int limit = len >= 9 ? 3 : len >= 5 ? 2 : 1;
    const char *best = NULL;
    int best_d = limit + 1;

    for (int i = 0; i < n; i++) {
        int d;

        if (names[i] == NULL)
            continue;
        d = suggest_distance(word, names[i]);
        if (d < best_d) {
            best = names[i];
            best_d = d;
        }
    }
    return best;
}

bool suggest_append(char *buf, size_t len, const char *word,
                    const char *const *names, int n)
{
    const char *s = suggest_nearest(word, names, n);
    size_t at = strlen(buf);

    if (s == NULL || at >= len)
        return false;
    snprintf(buf + at, len - at, "; did you mean '%s'?", s);
    return true;
}
