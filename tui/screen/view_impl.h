/* SPDX-License-Identifier: MIT */
/*
 * view_impl.h - what the files of the lab screen's view share, and nothing
 * else: drawing wrapped text, and the regions one file draws for another.
 * The rest of the TUI and the tests see only view.h.
 *
 *   view.c         the regions (view_lab_layout), the title, status and
 *                  key lines, the names of threads and objects, and
 *                  view_lab, which draws every region in turn
 *   view_lanes.c   the swimlanes: headers, record texts fitted to the
 *                  lanes, short names and their legend, notes
 *   view_result.c  the result area: verdict, items by priority, m
 *
 * Like view.h: plain data in, cells out; no engine calls, no curses.
 */
#ifndef RL_TUI_VIEW_IMPL_H
#define RL_TUI_VIEW_IMPL_H

#include <stddef.h>

#include "canvas.h"
#include "view.h"

/* text_wrap callback that only counts lines (ctx unused). */
void view_wrap_count(void *ctx, const char *s, size_t n);

/* Where view_wrap_line draws, and how much. */
struct view_wrap {
    struct canvas *c;
    int y, x, w, role, left;
    int skip; /* lines scrolled out above: counted, not drawn */
};
/* text_wrap callback (ctx: a struct view_wrap): draw one wrapped line at
 * row y, then the next row, while left lines are left, after skipping
 * skip lines. */
void view_wrap_line(void *ctx, const char *s, size_t n);

/* The swimlanes of v in the lanes region of l (view_lanes.c). */
void view_lanes_draw(struct canvas *c, const struct view_lab *v,
                     const struct view_layout *l);

/* The result area of v in its region of l, open (m) or not
 * (view_result.c). */
void view_result_draw(struct canvas *c, const struct view_lab *v,
                      const struct view_layout *l);
/* Lines the result area of v says at width w when it has rows lines
 * (verdict excluded): what view_lab_layout sizes the area by. */
int view_result_fit_lines(const struct view_lab *v, int w, int rows);

#endif
