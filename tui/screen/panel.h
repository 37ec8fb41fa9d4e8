/* SPDX-License-Identifier: MIT */
/*
 * panel.h - the state panel of the lab screen, laid out from the view
 * data (no engine calls, no curses).
 */
#ifndef RL_TUI_PANEL_H
#define RL_TUI_PANEL_H

#include "canvas.h"
#include "view.h"

/* Draw the objects of v in the column x .. x+w-1, rows y .. ybot-1, with a
 * separator in column x-1. Lines that do not fit are counted in a last
 * "... N more lines" row. */
void panel_draw(struct canvas *c, const struct view_lab *v, int x, int y, int w,
                int ybot);

#endif
