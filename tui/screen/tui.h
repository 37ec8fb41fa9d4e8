/* SPDX-License-Identifier: MIT */
/*
 * tui.h - the ncurses front end's entry point. main.c (the command line)
 * calls tui_main for `racelab` with no arguments, for `racelab tui ...`,
 * and for `racelab replay ...` when stdout is a terminal.
 */
#ifndef RL_TUI_H
#define RL_TUI_H

#include "../../labs/lab.h"

struct tui_options {
    const struct lab *lab;      /* NULL: open the lab menu */
    struct lab_inst inst;       /* variant and parameters, when lab != NULL */
    bool have_sched;
    struct rl_sched sched;      /* scheduler (sim) */
    const char *replay;         /* a full schedule string to open, or NULL */
    uint64_t replay_saved_at;   /* the replay is of a trace saved mid-run at
                                   this step (0: of a whole run) */
    int os_timeout_ms;          /* os runs' wall-clock guard; 0 = default */
    const char *warnings;       /* one line on the compiler's warnings of
                                   the lab's build, shown at the start (the
                                   caller prints them whole after), or NULL */
};

/* Run the TUI until the user quits. Returns the exit status: 0 normally,
 * 2 if there is no terminal (after printing a one-line error); with a
 * replay, the replayed run's status (0 passed, 1 failed, 2 diverged). */
int tui_main(const struct tui_options *opt);

#endif
