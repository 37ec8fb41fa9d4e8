/* SPDX-License-Identifier: MIT */
/*
 * draw.h - copy a canvas to the terminal: the only code that calls curses
 * drawing functions.
 */
#ifndef RL_TUI_DRAW_H
#define RL_TUI_DRAW_H

#include "canvas.h"

/* Draw every cell of c (sized to the screen) on stdscr, then
 * wnoutrefresh + one doupdate. */
void draw_canvas(const struct canvas *c);
/* Forget what the terminal shows and redraw it all on the next update
 * (Ctrl-L, after a resize). */
void draw_invalidate(void);

#endif
