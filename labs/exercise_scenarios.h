/* SPDX-License-Identifier: MIT */
/*
 * exercise_scenarios.h - the runs that judge an implementation of an
 * exercise: setup, thread bodies and checks, shared by the exercise labs,
 * the grader and the tests.
 *
 * An exercise (exercises/NAME.h) is an interface; an implementation of it is
 * reached only through its function table (struct NAME_impl, see
 * exercises/exercise.h): student_NAME_impl, reference_NAME_impl, or a buggy
 * version's table in the tests. A scenario is one way of exercising that
 * table on a run: a single thread checking the plain behaviour, many
 * threads checking safety, a misuse checking the Python-style error. Its
 * setup takes the table and the parameter values, creates the exercise
 * object and starts the threads through the student API; its check judges
 * the final state with rl_check(), reading only plain values of the state:
 * for an exercise built apart it runs in racelab's process on a copy of
 * the state the child sent (core/child.h, OBSERVE), so what it needs from
 * objects an observe hook copies into plain fields where the threads ran.
 * Violations seen during the run (two threads inside a section at once)
 * are also reported at once with rl_fail(), so the trace shows the step
 * where it happened.
 *
 * Check names and messages are what a student reads: they say what was
 * expected and what happened in the terms of the exercise ("counter = 5,
 * expected 6: 1 update lost").
 *
 * A struct ex_inst binds a scenario, an implementation and parameter values;
 * ex_program() turns it into an engine program. A lab can instead call a
 * scenario's setup and check from its own (the parameters are struct
 * lab_param, in the scenario's order).
 */
#ifndef RL_EXERCISE_SCENARIOS_H
#define RL_EXERCISE_SCENARIOS_H

#include "../core/racelab.h"
#include "../core/run.h"
#include "../exercises/barrier.h"
#include "../exercises/bounded_buffer.h"
#include "../exercises/bounded_semaphore.h"
#include "../exercises/counter.h"
#include "../exercises/pool.h"
#include "../exercises/rlock.h"
#include "../exercises/transfer.h"
#include "lab.h"

/* What a scenario tests, for the grader's grouping of checks. */
enum ex_kind {
    EX_SINGLE,     /* one thread: the plain behaviour */
    EX_CONCURRENT, /* many threads: safety and liveness */
    EX_MISUSE,     /* the Python-style error the header promises */
};

/* A truth value in a scenario's state (done, ...). Not a bool: racelab
 * judges a copy of the state a child sends (OBSERVE), and any byte there
 * must be a value (a bool holding a byte other than 0 or 1 is undefined
 * behaviour to read). */
typedef unsigned char ex_bool;

struct ex_scenario {
    const char *exercise; /* "counter": the interface (exercises/NAME.h) */
    const char *name;     /* "concurrent", unique within the exercise */
    const char *summary;  /* one line */
    enum ex_kind kind;
    /* A concurrent scenario that checks that threads get through (k
     * workers inside together), not that they are kept apart: an
     * implementation that does nothing passes it, so the grader scores
     * it only together with the exercise's other safety checks. */
    bool progress;
    const struct lab_param *params;
    int nparams;
    /* Create the exercise object from impl (a const struct NAME_impl *),
     * start the threads, and return the scenario's state (allocated with
     * ex_state_alloc, state_size bytes). The run is current; params are
     * in the order of `params`. */
    void *(*setup)(const void *impl, const long *params);
    /* sizeof the state's struct: what a child sends for racelab to judge
     * (core/child.h, OBSERVE). check_exercises tests it against the size
     * setup allocates. */
    size_t state_size;
    /* May be NULL. Runs where the threads ran, once every thread has
     * finished and just before check there: copies into plain fields of
     * the state what check needs from objects or from the implementation
     * (rl_var_peek, the implementation's functions), so that check reads
     * only numbers and can judge a copy of the state in racelab's process
     * (a pointer in the copy is the child's and means nothing there). */
    void (*observe)(const long *params, void *state);
    /* Judge the final state with rl_check(). Threads that did not finish
     * (deadlock, step limit) are the engine's to report; a check whose
     * outcome depends on them is skipped. For an exercise built apart
     * this runs in racelab's process on a copy of the state: it never
     * follows a pointer of the state, indexes arrays only with params
     * (racelab's own), and reads text fields only within their size. */
    void (*check)(struct rl_run *run, const long *params, void *state);
};

/* An exercise: its interface name and the scenarios that judge it, the
 * main one (the one a lab shows) first. */
struct ex_exercise {
    int order;           /* place in teaching order (ties: by name) */
    const char *name;    /* "counter" */
    const char *title;   /* "Counter with a Lock" */
    const char *explain; /* a short paragraph for the TUI */
    const struct ex_scenario *const *scenarios;
    int nscenarios;
    /* Functions the exercise's rules forbid (NULL-terminated; "pthread_*"
     * is a prefix), and the rule as the header words it: a submission
     * that calls one scores 0 for the exercise, with the rule quoted. */
    const char *const *forbidden;
    const char *rule;
};

/* Functions no exercise may call: the rules say "use only the student API
 * of core/racelab.h" (pthreads, POSIX semaphores, C11 threads). */
#define EX_FORBIDDEN_ALWAYS "pthread_*", "sem_*", "mtx_*", "cnd_*", "thrd_*"

/* The exercises, in teaching order: every registered one (EX_REGISTER),
 * by .order then name. */
int ex_exercise_count(void);
const struct ex_exercise *ex_exercise_at(int i);
/* Find by name ("counter"); NULL if unknown. */
const struct ex_exercise *ex_exercise_find(const char *name);
/* A scenario by exercise and scenario name; NULL if unknown. */
const struct ex_scenario *ex_scenario_find(const char *exercise,
                                           const char *name);

/* One run of a scenario: which implementation, which parameter values. */
struct ex_inst {
    const struct ex_scenario *sc;
    const void *impl;            /* a const struct NAME_impl * */
    long params[LAB_MAX_PARAMS]; /* in sc->params order */
    void *state;                 /* set by the setup */
    size_t state_allocated;      /* what setup's ex_state_alloc asked for */
};

/* Bind sc and impl, with the parameter defaults of backend. */
void ex_inst_init(struct ex_inst *in, const struct ex_scenario *sc,
                  const void *impl, enum rl_backend backend);
/* Set a parameter by key. Returns -1 with a message in err for an unknown
 * key or a value out of bounds. */
int ex_inst_set(struct ex_inst *in, const char *key, long value, char *err,
                size_t errlen);
/* The engine program of in (ctx = in, which must outlive the run). To
 * run it in a child (program.external, labs/child/ex_main.c), set the
 * external's observe_size to in->sc->state_size: racelab then judges the
 * copy of the state the child sends (core/child.h, OBSERVE). */
struct rl_program ex_program(struct ex_inst *in);

/* Register var, a `static const struct ex_exercise` of labs/ex_NAME.c,
 * with the exercise registry: a pointer to it in the linker section
 * rl_exercises (as LAB_REGISTER does for labs). */
#define EX_REGISTER(var)                                                       \
    static const struct ex_exercise *const var##_entry                         \
        __attribute__((used, section("rl_exercises"))) = &(var)

/* ---- helpers for the scenario files -------------------------------------- */

/* A scenario's state: rl_alloc(size), the size noted for the ex_inst
 * whose setup runs (ex_inst.state_allocated). Setup only. */
void *ex_state_alloc(size_t size);

/* Judge state in this process: the scenario's observe, then its check. */
void ex_scenario_judge(const struct ex_scenario *sc, struct rl_run *run,
                       const long *params, void *state);

/* The C name of a status code, for messages: "RL_ERR_NOT_OWNER". */
const char *ex_status_name(int status);

/* A check that threads may fail during the run: the first failure's message
 * is kept (first come, first kept: safe on the os backend too) and each
 * failure is also an rl_fail() event at the step where it happened. Lives
 * in the scenario's rl_alloc'd state (zeroed = no failure). */
struct ex_flag {
    _Atomic long failures;
    char message[200];
};

/* Record a failure of check `check`. Called by lab threads. */
void ex_flag_fail(struct ex_flag *f, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Report check `check` on run: failed with the first message (read
 * within its size: on a copy it may lack its NUL), or passed with
 * ok_message. Called by a scenario's check. */
void ex_flag_report(struct rl_run *run, const struct ex_flag *f,
                    const char *check, const char *ok_message);

/* A section that at most `limit` threads may be inside at once, counted in
 * an rl_var named "inside" (visible in the TUI) with atomic steps. */
struct ex_section {
    struct rl_var *inside;
    long limit;
    const char *check; /* "mutual exclusion", "limit" */
    struct ex_flag flag;
};

/* Create the "inside" variable (setup only). */
void ex_section_init(struct ex_section *s, long limit, const char *check);
/* The calling thread enters; fails the check if that makes too many.
 * Returns how many are inside now, the caller included. */
long ex_section_enter(struct ex_section *s);
/* The calling thread leaves. */
void ex_section_leave(struct ex_section *s);
/* Report the section's check ("at most 1 thread was inside at once"):
 * check is its name, limit its limit (the caller's, not the state's
 * pointer: the state may be a copy). */
void ex_section_report(struct rl_run *run, const struct ex_section *s,
                       const char *check, long limit);

#endif
