/* SPDX-License-Identifier: MIT */
/*
 * session.h - the run on screen: a lab instance, the user's scheduler, and
 * the engine run behind them; stepping, stepping back, picking threads,
 * live os runs, repeats and saving. No curses here: the unit tests drive a
 * session directly.
 *
 * Steps are records. The lanes number records ("step N" in every message),
 * but an engine step may make more than one: a store and the thread's
 * finish, a failed check and the finish. The session shows such a step one
 * record at a time (upto): n reveals the next record, Left hides it again,
 * so that every key moves exactly one numbered row. Only records that
 * change no object (finish, a failed check) are held back like this.
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

/* sim: a search for a failing schedule, run in slices so that the screen
 * can show how far it got (each slice searches again from the start with
 * four times the schedules: the search is deterministic, so the last
 * slice finds what one search of `max` schedules would). */
struct session_explore {
    bool active;
    uint64_t max;   /* schedules the whole search may run */
    uint64_t cap;   /* schedules the next slice may run */
    uint64_t runs;  /* schedules the last slice ran */
    int bound;      /* preemptions covered completely so far, -1: none */
};

struct session {
    const struct lab *lab;
    struct lab_inst inst;  /* variant, parameters, backend of new runs */
    struct rl_sched sched; /* the user's scheduler (sim) */
    char *replay;          /* choices of an opened schedule string, or
                              NULL; sched then replays them exactly */
    uint64_t saved_at;     /* replay of a trace saved mid-run at this step:
                              its choices used, round robin goes on (0:
                              the replay is a whole run) */
    uint64_t max_steps;    /* sim step limit, 0 = engine default */
    int os_timeout_ms;     /* os wall-clock guard, 0 = the TUI's default */

    struct rl_run *run;        /* the run on screen, or NULL */
    struct lab_inst *run_inst; /* its instance copy */
    uint64_t gen;              /* this run's number, unique in the process */
    bool pure;                 /* every choice so far came from sched */
    uint64_t handback_at;      /* after a replayed step back: when this many
                                  choices are made, choices go back to sched
                                  (0: not replaying) */
    uint64_t step_seq;         /* the record just shown (highlighted), 0:
                                  none */
    int last_thread;           /* its thread, -1: none */
    uint64_t step_first;       /* first record of the last engine step */
    uint64_t upto;             /* last record shown while the rest of the
                                  last engine step is held back; 0: every
                                  record is shown */
    bool started;              /* os: threads started */

    struct session_repeat rep;
    struct session_explore ex;
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
/* sim: show the run up to record seq (forward: step; back: redo the run,
 * as session_back does). A record inside an engine step that cannot be
 * held back shows with the rest of its step. Returns 0, or -1 with a
 * message. */
int session_goto(struct session *s, uint64_t seq, char *err, size_t errlen);

/* What the jump keys look for. A mark is a store that lost an update, the
 * second access of a data race, a blocked call, a misuse or a failed
 * check. */
enum session_jump_kind {
    SESSION_JUMP_FAILURE, /* where the run fails (see session_find.c) */
    SESSION_JUMP_NEXT,    /* the next mark after the step shown */
    SESSION_JUMP_PREV,    /* the mark before it */
};
/* sim: go to a mark (the run is made to its end first to know what comes,
 * and shown up to the mark). Returns 1 (moved), 0 (none: the run stays
 * where it was) or -1 (error), with a one-line account in msg: "step 6:
 * lost update on counter: ...". */
int session_jump(struct session *s, enum session_jump_kind kind, char *msg,
                 size_t msglen);

/* sim: step until the end or until budget steps were made. */
enum rl_end session_run(struct session *s, uint64_t budget);
/* os: start the threads. Returns 0 or -1 with a message. */
int session_start(struct session *s, char *err, size_t errlen);
/* Poll: os runs (live and retired) and the repeat. Never blocks long
 * (a sim repeat steps at most a bounded number of steps). */
void session_poll(struct session *s);

/* The end state of the run on screen (running while records of its last
 * step are held back). */
enum rl_end session_end(const struct session *s);
/* Steps of the run on screen: the number of the last record shown. */
uint64_t session_steps(const struct session *s);
/* The last record shown (records after it are held back), 0: none. */
uint64_t session_shown(const struct session *s);

/* Cycle the variant / the scheduler kind / the backend (then restart; the
 * backend keeps the variant and the parameters).
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
 * dir (the first N not taken; NULL or "": the current directory), never
 * into racelab's source tree. The trace numbers every event, says "steps:"
 * as many, and marks the store that loses an update. Returns 0 with the
 * file name in name, or -1 with a message. */
int session_save(const struct session *s, const char *dir, char *name,
                 size_t namelen, char *err, size_t errlen);

/* Whether directory path is inside racelab's source tree (it or a parent
 * holds core/run.h and labs/lab.h). */
bool session_in_source_tree(const char *path);
/* The directory w offers: the current one, unless that is racelab's
 * source tree; then $HOME, else $TMPDIR or /tmp. */
void session_save_dir(char *buf, size_t len);

/* sim: search this lab's schedules (explore.h) for one that fails a check,
 * at most max_schedules of them (the same result on every machine); if one
 * is found, open it as a replay (step 0). Returns 1 (found), 0 (not found)
 * or -1 (error), with a one-line account in msg. */
int session_explore(struct session *s, uint64_t max_schedules, char *msg,
                    size_t msglen);

/* sim: begin the search of session_explore in slices. Returns 0, or -1
 * with a message (os). */
int session_explore_start(struct session *s, uint64_t max_schedules,
                          char *msg, size_t msglen);
/* Run one slice of the search. Returns 2 (still searching: msg says how
 * far, "exploring [##..] 1024 of 20000 schedules"), 1 (found and opened as
 * a replay), 0 (not found) or -1 (error); with 1, 0 and -1 the search is
 * over and msg says what session_explore says. */
int session_explore_poll(struct session *s, char *msg, size_t msglen);
/* Give up the search. */
void session_explore_stop(struct session *s);

/* sim: the threads that could run the next step, into ids (at most max);
 * returns how many. More than one: the next step is a choice point.
 * 0 while a record of the last step is held back (no choice is made). */
int session_runnable(const struct session *s, int *ids, int max);
/* The first shared variable of the run on screen: its name and value.
 * Returns false when there is none. */
bool session_first_var(const struct session *s, char *name, size_t len,
                       long *value);
/* The same variable's value now in words (rl_value_text: a C program's
 * pointer as "&heap#1@prog.c:7") into buf; false when there is none. */
bool session_first_var_text(const struct session *s, char *buf, size_t len);

/* Start a repeat of k runs (os: real threads; sim: random seeds 1..k). */
int session_repeat_start(struct session *s, int k, char *err, size_t errlen);
/* Stop and forget the repeat. */
void session_repeat_stop(struct session *s);

#endif
