/* SPDX-License-Identifier: MIT */
/*
 * progress.h - a one-line progress indication on stderr for commands that
 * take a while (os runs, roster grading).
 *
 * Shown only when stderr is a terminal, and only once the work has taken
 * a second (a quick command prints nothing extra); redrawn in place at
 * most ten times a second, cut to the terminal's width, and erased when
 * the work is done, so that what stdout printed reads as before. Output
 * to a file or a pipe never sees it.
 */
#ifndef RL_CLI_PROGRESS_H
#define RL_CLI_PROGRESS_H

#include <stdbool.h>

struct cli_progress {
    bool tty;          /* stderr is a terminal */
    bool shown;        /* a line is on screen */
    long long t0_ms;   /* when the work began */
    long long last_ms; /* when the line was last drawn */
};

/* Start timing the work. */
void cli_progress_begin(struct cli_progress *p);
/* Say how far the work got (printf format), if it is time to. */
void cli_progress_show(struct cli_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Seconds since cli_progress_begin. */
double cli_progress_seconds(const struct cli_progress *p);
/* Erase the line, if one was shown. */
void cli_progress_end(struct cli_progress *p);

#endif
