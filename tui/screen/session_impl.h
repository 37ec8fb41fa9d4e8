/* SPDX-License-Identifier: MIT */
/*
 * session_impl.h - what the files of the session share, and nothing else:
 * the helpers that make, copy and retire runs, and the few calls one file
 * makes into another. The rest of the TUI and the tests see only
 * session.h.
 *
 *   session.c         the run on screen: its life, stepping (one record at
 *                     a time), picking, stepping back, going to a step,
 *                     cycling variant / scheduler / backend, and what the
 *                     screen asks of it (end, steps, runnable threads)
 *   session_find.c    where a run goes wrong: the jump keys' marks and the
 *                     sliced search for a failing schedule
 *   session_repeat.c  repeats of K runs and the poll that advances them
 *   session_save.c    the schedule string and the saved trace file
 *
 * Everything here is private to the UI thread.
 */
#ifndef RL_TUI_SESSION_IMPL_H
#define RL_TUI_SESSION_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"

/* A heap copy of inst for one run (its state pointer cleared). The run
 * made with it owns it (ctx_free); free it yourself if no run was made. */
struct lab_inst *session_inst_copy(const struct lab_inst *inst);
/* Create a run of inst (its ctx, which the run then owns) with sched and
 * s's limits; live: keep records as they come (os). NULL with a message in
 * err when the engine refuses. */
struct rl_run *session_make_run(const struct session *s, struct lab_inst *inst,
                                const struct rl_sched *sched, bool live,
                                char *err, size_t errlen);
/* Destroy a run that is no longer shown, and its instance copy (run may be
 * NULL: then inst alone is freed). An os run still going is stopped. */
void session_retire(struct rl_run *run, struct lab_inst *inst);
/* One engine step of s's run by the scheduler (no records held back). */
enum rl_end session_step_engine(struct session *s);
/* The choices of run as a heap string; the caller frees it. */
char *session_run_choices(const struct rl_run *run);
/* The first shared variable of run: its id, with its name in name; -1 if
 * there is none. */
int session_run_first_var(const struct rl_run *run, char *name, size_t len);

#endif
