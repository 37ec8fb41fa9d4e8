/* SPDX-License-Identifier: MIT */
/*
 * chart.c - the bar chart of a repeat: the final values of K runs of the
 * same lab (see chart.h).
 *
 * The point of the chart is the spread: the same program, run again and
 * again on real threads, ends with a different value almost every time.
 * One bar per distinct value when they fit, else equal-width ranges; under
 * it min / median / max and how many runs passed every check.
 */
#include "../../core/mem.h"
#include "chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* qsort comparator for longs. */
static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;

    return (x > y) - (x < y);
}

/* Up to this many bars. */
#define HIST_MAX_BINS 256

/* The bar chart; see chart.h. */
void chart_draw(struct canvas *c, const struct view_hist *hs, int x, int y,
                int w, int ybot)
{
    int rows, nb, distinct = 1, labw = 1, maxc = 1, barw;
    long bl[HIST_MAX_BINS], bh[HIST_MAX_BINS], *sorted, lo, hi;
    int cnt[HIST_MAX_BINS];
    bool exact;
    char buf[256];

    snprintf(buf, sizeof buf, "repeat: %d of %d runs, final value of %s", hs->n,
             hs->total, hs->var ? hs->var : "?");
    canvas_put(c, y++, x + 1, ROLE_HEADER, buf, w - 1);
    if (hs->n == 0) {
        canvas_put(c, y, x + 1, ROLE_DIM, "waiting for the first run...",
                   w - 1);
        return;
    }
    sorted = rl_xmalloc((size_t)hs->n * sizeof *sorted);
    if (!sorted)
        return;
    memcpy(sorted, hs->values, (size_t)hs->n * sizeof *sorted);
    qsort(sorted, (size_t)hs->n, sizeof *sorted, cmp_long);
    lo = sorted[0];
    hi = sorted[hs->n - 1];
    for (int i = 1; i < hs->n; i++)
        if (sorted[i] != sorted[i - 1])
            distinct++;
    rows = ybot - y - 2;
    if (rows < 1)
        rows = 1;
    if (rows > HIST_MAX_BINS)
        rows = HIST_MAX_BINS;
    exact = distinct <= rows;
    if (exact) {
        nb = 0;
        for (int i = 0; i < hs->n; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                bl[nb] = bh[nb] = sorted[i];
                cnt[nb++] = 0;
            }
            cnt[nb - 1]++;
        }
    } else {
        double span = (double)(hi - lo) + 1.0;

        nb = rows;
        for (int k = 0; k < nb; k++) {
            bl[k] = lo + (long)(span * k / nb);
            bh[k] = lo + (long)(span * (k + 1) / nb) - 1;
            cnt[k] = 0;
        }
        for (int i = 0; i < hs->n; i++) {
            int b = (int)((double)(sorted[i] - lo) * nb / span);

            cnt[b < nb ? b : nb - 1]++;
        }
    }
    for (int k = 0; k < nb; k++) {
        int lw = exact ? snprintf(buf, sizeof buf, "%ld", bl[k])
                       : snprintf(buf, sizeof buf, "%ld..%ld", bl[k], bh[k]);

        if (lw > labw)
            labw = lw;
        if (cnt[k] > maxc)
            maxc = cnt[k];
    }
    barw = w - labw - 10;
    if (barw < 1)
        barw = 1;
    for (int k = 0; k < nb && y < ybot - 2; k++, y++) {
        int len = (int)((long)cnt[k] * barw / maxc);

        if (len == 0 && cnt[k] > 0)
            len = 1;
        if (exact)
            snprintf(buf, sizeof buf, "%ld", bl[k]);
        else
            snprintf(buf, sizeof buf, "%ld..%ld", bl[k], bh[k]);
        canvas_printf(c, y, x + 1, ROLE_NORMAL, labw + 1, "%*s", labw, buf);
        canvas_fill(c, y, x + labw + 2, 1, len, L'#', ROLE_BAR);
        canvas_printf(c, y, x + labw + 3 + len, ROLE_DIM, -1, "%d", cnt[k]);
    }
    snprintf(buf, sizeof buf, "min %ld  median %ld  max %ld", lo,
             sorted[hs->n / 2], hi);
    canvas_put(c, ybot - 2, x + 1, ROLE_HEADER, buf, w - 1);
    /* every check held (a C program has no expected value: "correct"
     * would say more than racelab knows) */
    snprintf(buf, sizeof buf, "passed: %d of %d runs%s%s", hs->ncorrect, hs->n,
             hs->note ? "  " : "", hs->note ? hs->note : "");
    canvas_put(c, ybot - 1, x + 1, hs->ncorrect == hs->n ? ROLE_OK : ROLE_FAIL,
               buf, w - 1);
    free(sorted);
}
