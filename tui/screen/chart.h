/* SPDX-License-Identifier: MIT */
/*
 * chart.h - the bar chart of a repeat's final values (no engine calls, no
 * curses).
 */
#ifndef RL_TUI_CHART_H
#define RL_TUI_CHART_H

#include "canvas.h"

/* os repeat: the final values of K runs, drawn as a bar chart. */
struct view_hist {
    const char *var;    /* the variable whose final value is counted */
    const long *values; /* one per finished run, in run order */
    int n;              /* runs finished */
    int total;          /* runs asked for */
    int ncorrect;       /* runs whose checks all held */
    const char *note;   /* e.g. "(os, real threads)", or NULL */
};

/* Draw the chart of hs in columns x .. x+w-1, rows y .. ybot-1. */
void chart_draw(struct canvas *c, const struct view_hist *hs, int x, int y,
                int w, int ybot);

#endif
