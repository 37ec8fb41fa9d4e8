/* SPDX-License-Identifier: MIT */
/*
 * session.h - the run on screen: a lab instance, the user's scheduler, and
 * the engine run behind them; stepping, stepping back, picking threads,
 * live os runs, repeats and saving. No curses here: the unit tests drive a
 * session directly.
 *
 * Stepping back. A sim run cannot be undone, but it can be redone: the run
 * is recreated and stepped to one step less. If every choice so far came
 * from the session's scheduler, the same scheduler (same seed) makes the
 * same run again. Otherwise (the user picked threads by hand) the new run
 * replays the choices made so far and, once they are used up, hands the
 * choices back to the user's scheduler (rl_run_set_sched). Either way,
 * stepping forward again redoes the same steps.
 *
 * Ownership. Each run gets its own copy of the lab instance (the program's
 * ctx), which the run owns and frees (ctx_free). An os run that is still
 * going when it is replaced is stopped and destroyed at once: its threads
 * exit at their next call or are cancelled in their waits, and if one
 * cannot be stopped within the engine's short grace, the engine frees the
 * run once it has gone - never a run left spinning until its timeout.
 */
#ifndef RL_TUI_SESSION_H
#define RL_TUI_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../core/run.h"
#include "../../labs/lab.h"

#define SESSION_REPEAT_DEFAULT 100

/* os / sim repeat: K runs and their final values. */
struct session_repeat {
    bool active; /* runs still to go */
    int total, done, ncorrect;
    long *values;          /* done values, in run order */
    char var[RL_NAME_MAX]; /* the variable counted */
    struct rl_run *run;    /* the run in progress, or NULL */
    struct lab_inst *inst;
};

struct session {
    const struct lab *lab;
    struct lab_inst inst;  /* variant, parameters, backend of new runs */
    struct rl_sched sched; /* the user's scheduler (sim) */
    char *replay;          /* choices of an opened schedule string, or
                              NULL; sched then replays them exactly */
    uint64_t max_steps;    /* sim step limit, 0 = engine default */
    int os_timeout_ms;     /* os wall-clock guard, 0 = the TUI's default */

    struct rl_run *run;        /* the run on screen, or NULL */
    struct lab_inst *run_inst; /* its instance copy */
    uint64_t gen;              /* this run's number, unique in the process */
    bool pure;                 /* every choice so far came from sched */
    uint64_t handback_at;      /* after a replayed step back: when this many
                                  choices are made, choices go back to sched
                                  (0: not replaying) */
    uint64_t step_seq;         /* first record of the last step, 0: none */
    int last_thread;           /* thread of the last step, -1: none */
    bool started;              /* os: threads started */

    struct session_repeat rep;
};

/* Set up a session for lab with inst (copied) and sched; no run yet.
 * replay: the choices of a schedule string to replay exactly, or NULL. */
void session_init(struct session *s, const struct lab_inst *inst,
                  const struct rl_sched *sched, const char *replay);
/* Free the runs (an os run still running is left to the process's end). */
void session_fini(struct session *s);

/* Replace the run with a fresh one (step 0; os: not started). Returns 0, or
 * -1 with a message. */
int session_restart(struct session *s, char *err, size_t errlen);
/* sim: one step by the scheduler. Returns the end state. */
enum rl_end session_step(struct session *s);
/* sim: one step of thread tid (the manual scheduler). Returns 0, or -1 with
 * the engine's reason ("T1 is blocked on L (held by T0)"). */
int session_pick(struct session *s, int tid, char *err, size_t errlen);
/* sim: go back one step (recreate and redo). Returns 0, or -1 with a
 * message (nothing to undo, os run). */
int session_back(struct session *s, char *err, size_t errlen);
/* sim: step until the end or until budget steps were made. */
enum rl_end session_run(struct session *s, uint64_t budget);
/* os: start the threads. Returns 0 or -1 with a message. */
int session_start(struct session *s, char *err, size_t errlen);
/* Poll: os runs (live and retired) and the repeat. Never blocks long
 * (a sim repeat steps at most a bounded number of steps). */
void session_poll(struct session *s);

/* The end state of the run on screen. */
enum rl_end session_end(const struct session *s);
/* Steps of the run on screen. */
uint64_t session_steps(const struct session *s);

/* Cycle the variant / the scheduler kind / the backend (then restart).
 * A new seed for random and PCT: session_reseed. */
int session_next_variant(struct session *s, char *err, size_t errlen);
int session_next_sched(struct session *s, char *err, size_t errlen);
int session_next_backend(struct session *s, char *err, size_t errlen);
int session_reseed(struct session *s, char *err, size_t errlen);
/* Apply new parameters (an instance of the same lab) and restart. */
int session_set_inst(struct session *s, const struct lab_inst *inst, char *err,
                     size_t errlen);

/* The scheduler as text ("rr:1", "random:3", "replay"), or "" on os. */
void session_sched_text(const struct session *s, char *buf, size_t len);
/* The full schedule string of the run on screen (sim), or "" (os). */
void session_schedule(const struct session *s, char *buf, size_t len);
/* Write the trace and the schedule string to racelab-LAB-VARIANT-N.txt in
 * dir (the first N not taken). Returns 0 with the file name in name, or -1
 * with a message. */
int session_save(const struct session *s, const char *dir, char *name,
                 size_t namelen, char *err, size_t errlen);

/* sim: search this lab's schedules (explore.h) for one that fails a check,
 * for at most budget_s seconds; if one is found, open it as a replay (step
 * 0). Returns 1 (found), 0 (not found) or -1 (error), with a one-line
 * account in msg. */
int session_explore(struct session *s, double budget_s, char *msg,
                    size_t msglen);

/* Start a repeat of k runs (os: real threads; sim: random seeds 1..k). */
int session_repeat_start(struct session *s, int k, char *err, size_t errlen);
/* Stop and forget the repeat. */
void session_repeat_stop(struct session *s);

#endif
