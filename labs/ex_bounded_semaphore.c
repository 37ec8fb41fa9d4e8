/* SPDX-License-Identifier: MIT */
/*
 * ex_bounded_semaphore.c - the scenarios that judge a BoundedSemaphore
 * (exercises/bounded_semaphore.h).
 *
 * "single": one thread takes every unit and gives them back, reading the
 * count after each step. "over-release": releasing a full semaphore must
 * return RL_ERR_TOO_MANY and leave the count alone, as Python's
 * BoundedSemaphore raises ValueError. "limit": more threads than units go
 * through acquire / release; at most `value` may be inside at once, nobody
 * may wait forever, and the count ends where it started.
 */
#include <stdbool.h>
#include <stdio.h>

#include "exercise_scenarios.h"

#define MAX_WORKERS 16

/* ---- single -------------------------------------------------------------- */

enum { S_VALUE };

static const struct lab_param single_params[] = {
    {"value", "initial count", 2, 2, 1, 16},
};

struct single_state {
    const struct bounded_semaphore_impl *impl;
    struct bounded_semaphore *s;
    long value;
    ex_bool done;           /* T0 finished (written by T0) */
    struct ex_flag flag; /* "single thread" */
};

/* The count must be want at this point (what: after which step). */
static void expect_value(struct single_state *st, long want, const char *what)
{
    long got = st->impl->value(st->s);

    if (got != want)
        ex_flag_fail(&st->flag, "single thread",
                     "%s, bounded_semaphore_value() returned %ld, expected "
                     "%ld",
                     what, got, want);
}

/* T0: take every unit, then give every unit back. */
static void single_body(void *arg)
{
    struct single_state *st = arg;
    char what[64];

    expect_value(st, st->value, "on a new semaphore");
    for (long k = 1; k <= st->value; k++) {
        st->impl->acquire(st->s);
        snprintf(what, sizeof what, "after %ld acquire%s", k,
                 k == 1 ? "" : "s");
        expect_value(st, st->value - k, what);
    }
    for (long k = 1; k <= st->value; k++) {
        int rc = st->impl->release(st->s);
        if (rc != RL_OK)
            ex_flag_fail(&st->flag, "single thread",
                         "release number %ld after %ld acquires returned "
                         "%s, expected RL_OK",
                         k, st->value, ex_status_name(rc));
        snprintf(what, sizeof what, "after %ld release%s", k,
                 k == 1 ? "" : "s");
        expect_value(st, k, what);
    }
    st->done = true;
}

/* Create the semaphore and start T0. */
static void *single_setup(const void *impl, const long *params)
{
    struct single_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->value = params[S_VALUE];
    st->s = st->impl->create(st->value);
    rl_thread_start(NULL, single_body, st);
    return st;
}

/* Every count read back was right. */
static void single_check(struct rl_run *run, const long *params, void *state)
{
    struct single_state *st = state;
    char ok[96];

    if (!st->done)
        return;
    snprintf(ok, sizeof ok, "the count went %ld .. 0 .. %ld as expected",
             params[S_VALUE], params[S_VALUE]);
    ex_flag_report(run, &st->flag, "single thread", ok);
}

static const struct ex_scenario single = {
    .exercise = "bounded_semaphore",
    .name = "single",
    .summary = "one thread takes every unit and gives them back",
    .kind = EX_SINGLE,
    .params = single_params,
    .nparams = 1,
    .setup = single_setup,
    .state_size = sizeof(struct single_state),
    .check = single_check,
};

/* ---- over-release -------------------------------------------------------- */

struct over_state {
    const struct bounded_semaphore_impl *impl;
    struct bounded_semaphore *s;
    long value;
    ex_bool done;           /* T0 finished (written by T0) */
    struct ex_flag flag; /* "over-release" */
};

/* Release a full semaphore (described by what): RL_ERR_TOO_MANY, count
 * unchanged. */
static void over_release(struct over_state *st, const char *what)
{
    int rc = st->impl->release(st->s);

    if (rc != RL_ERR_TOO_MANY)
        ex_flag_fail(&st->flag, "over-release",
                     "release() on %s (count at its bound) returned %s; "
                     "expected RL_ERR_TOO_MANY (Semaphore released too many "
                     "times)",
                     what, ex_status_name(rc));
    long v = st->impl->value(st->s);
    if (v != st->value)
        ex_flag_fail(&st->flag, "over-release",
                     "after release() on %s the count is %ld, expected %ld "
                     "(unchanged)",
                     what, v, st->value);
}

/* T0: over-release when new, and again after an acquire and a release. */
static void over_body(void *arg)
{
    struct over_state *st = arg;
    char what[80];

    snprintf(what, sizeof what, "a new BoundedSemaphore(%ld)", st->value);
    over_release(st, what);
    st->impl->acquire(st->s);
    st->impl->release(st->s);
    snprintf(what, sizeof what,
             "a BoundedSemaphore(%ld) after an acquire and a release",
             st->value);
    over_release(st, what);
    st->done = true;
}

/* Create the semaphore and start T0. */
static void *over_setup(const void *impl, const long *params)
{
    struct over_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->value = params[S_VALUE];
    st->s = st->impl->create(st->value);
    rl_thread_start(NULL, over_body, st);
    return st;
}

/* Each over-release was refused and changed nothing. */
static void over_check(struct rl_run *run, const long *params, void *state)
{
    struct over_state *st = state;

    (void)params;
    if (!st->done)
        return;
    ex_flag_report(run, &st->flag, "over-release",
                   "release() on a full semaphore returned RL_ERR_TOO_MANY "
                   "and left the count unchanged");
}

static const struct ex_scenario over = {
    .exercise = "bounded_semaphore",
    .name = "over-release",
    .summary = "release() on a full semaphore: RL_ERR_TOO_MANY",
    .kind = EX_MISUSE,
    .params = single_params,
    .nparams = 1,
    .setup = over_setup,
    .state_size = sizeof(struct over_state),
    .check = over_check,
};

/* ---- concurrent over-release --------------------------------------------- */

/* T0 takes one unit, then T0 and T1 both release at once: one release
 * fills the semaphore, the other must be refused. A bound checked outside
 * the lock lets both through. */
struct cover_state {
    const struct bounded_semaphore_impl *impl;
    struct bounded_semaphore *s;
    long value;
    rl_event *taken; /* T0 holds its unit */
    int rc[2];       /* each release's status (written by its thread) */
    ex_bool done[2];    /* each thread finished (written by it) */
    long final;      /* the count at the end (cover_observe) */
};

/* T0: acquire, let T1 go, release. */
static void cover_t0(void *arg)
{
    struct cover_state *st = arg;

    st->impl->acquire(st->s);
    rl_event_set(st->taken);
    st->rc[0] = st->impl->release(st->s);
    st->done[0] = true;
}

/* T1: once T0 holds a unit, release one it never took. */
static void cover_t1(void *arg)
{
    struct cover_state *st = arg;

    rl_event_wait(st->taken);
    st->rc[1] = st->impl->release(st->s);
    st->done[1] = true;
}

/* Create the semaphore and the event, start T0 and T1. */
static void *cover_setup(const void *impl, const long *params)
{
    struct cover_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->value = params[S_VALUE];
    st->s = st->impl->create(st->value);
    st->taken = rl_event_create("taken");
    rl_thread_start(NULL, cover_t0, st);
    rl_thread_start(NULL, cover_t1, st);
    return st;
}

/* The count at the end, for the check (once both threads are done). */
static void cover_observe(const long *params, void *state)
{
    struct cover_state *st = state;

    (void)params;
    if (st->done[0] && st->done[1])
        st->final = st->impl->value(st->s);
}

/* Exactly one release succeeded, the other was refused, the count is back
 * at its bound. */
static void cover_check(struct rl_run *run, const long *params, void *state)
{
    struct cover_state *st = state;
    long value = params[S_VALUE];
    if (!st->done[0] || !st->done[1])
        return;
    int ok = (st->rc[0] == RL_OK) + (st->rc[1] == RL_OK);
    int refused =
        (st->rc[0] == RL_ERR_TOO_MANY) + (st->rc[1] == RL_ERR_TOO_MANY);
    long v = st->final;
    if (ok == 1 && refused == 1 && v == value)
        rl_check(run, "concurrent over-release", true,
                 "of two releases at once on a semaphore one below its "
                 "bound, one succeeded and one returned RL_ERR_TOO_MANY");
    else
        rl_check(run, "concurrent over-release", false,
                 "two releases at once on a BoundedSemaphore(%ld) one below "
                 "its bound returned %s (T0) and %s (T1), count %ld; "
                 "expected one RL_OK, one RL_ERR_TOO_MANY, count %ld",
                 value, ex_status_name(st->rc[0]),
                 ex_status_name(st->rc[1]), v, value);
}

static const struct ex_scenario cover = {
    .exercise = "bounded_semaphore",
    .name = "concurrent-over-release",
    .summary = "two releases at once one below the bound: one refused",
    .kind = EX_MISUSE,
    .params = single_params,
    .nparams = 1,
    .setup = cover_setup,
    .state_size = sizeof(struct cover_state),
    .observe = cover_observe,
    .check = cover_check,
};

/* ---- limit --------------------------------------------------------------- */

enum { L_THREADS, L_VALUE, L_ITERS };

static const struct lab_param limit_params[] = {
    {"threads", "threads competing for units", 3, 8, 1, MAX_WORKERS},
    {"value", "units (the limit)", 2, 3, 1, 16},
    {"iters", "acquire / release pairs per thread", 2, 1000, 1, 1000000},
};

struct limit_state {
    const struct bounded_semaphore_impl *impl;
    struct bounded_semaphore *s;
    long threads, value, iters;
    rl_thread *workers[MAX_WORKERS];
    struct ex_section section; /* "limit" */
    struct ex_flag release;    /* "release by holder" */
    ex_bool done;                 /* main read the count (written by main) */
    long final;                /* written by main */
};

/* A worker: iters times acquire, stay inside a step, release. */
static void limit_worker(void *arg)
{
    struct limit_state *st = arg;

    for (long i = 0; i < st->iters; i++) {
        st->impl->acquire(st->s);
        ex_section_enter(&st->section);
        rl_yield();
        ex_section_leave(&st->section);
        int rc = st->impl->release(st->s);
        if (rc != RL_OK)
            ex_flag_fail(&st->release, "release by holder",
                         "%s's release() after its acquire() returned %s, "
                         "expected RL_OK",
                         rl_thread_name(), ex_status_name(rc));
    }
}

/* main: join every worker, then read the count. */
static void limit_main(void *arg)
{
    struct limit_state *st = arg;

    for (long t = 0; t < st->threads; t++)
        rl_thread_join(st->workers[t]);
    st->final = st->impl->value(st->s);
    st->done = true;
}

/* Create the semaphore, start the workers and main. */
static void *limit_setup(const void *impl, const long *params)
{
    struct limit_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->threads = params[L_THREADS];
    st->value = params[L_VALUE];
    st->iters = params[L_ITERS];
    st->s = st->impl->create(st->value);
    ex_section_init(&st->section, st->value, "limit");
    for (long t = 0; t < st->threads; t++)
        st->workers[t] = rl_thread_start(NULL, limit_worker, st);
    rl_thread_start("main", limit_main, st);
    return st;
}

/* At most value inside; releases succeeded; the count is back to value. */
static void limit_check(struct rl_run *run, const long *params, void *state)
{
    struct limit_state *st = state;
    long value = params[L_VALUE];

    ex_section_report(run, &st->section, "limit", value);
    ex_flag_report(run, &st->release, "release by holder",
                   "every release() after an acquire() returned RL_OK");
    if (!st->done)
        return;
    if (st->final == value)
        rl_check(run, "final count", true,
                 "the count is back to %ld after every release", value);
    else
        rl_check(run, "final count", false,
                 "after every acquire was released the count is %ld, "
                 "expected %ld",
                 st->final, value);
}

static const struct ex_scenario limit = {
    .exercise = "bounded_semaphore",
    .name = "limit",
    .summary = "more threads than units: at most `value` inside at once",
    .kind = EX_CONCURRENT,
    .params = limit_params,
    .nparams = 3,
    .setup = limit_setup,
    .state_size = sizeof(struct limit_state),
    .check = limit_check,
};

static const struct ex_scenario *const scenarios[] = {&limit, &single, &over,
                                                      &cover};

/* The rules of exercises/bounded_semaphore.h the grader enforces. */
static const char *const forbidden[] = {
    EX_FORBIDDEN_ALWAYS, "rl_semaphore_create", "rl_bounded_semaphore_create",
    "rl_sem_*", NULL};

static const struct ex_exercise ex_bounded_semaphore = {
    .order = 30,
    .name = "bounded_semaphore",
    .title = "Exercise: BoundedSemaphore from Lock and Condition",
    .explain = "Your BoundedSemaphore from exercises/bounded_semaphore.c: "
               "more threads than units acquire and release it.\n"
               "acquire waits while the count is 0; release gives a unit "
               "back and wakes a waiter, and refuses to go above the "
               "initial value (RL_ERR_TOO_MANY).",
    .scenarios = scenarios,
    .nscenarios = 4,
    .forbidden = forbidden,
    .rule = "Use only the student API of core/racelab.h; build on "
            "rl_lock_create and rl_cond_create.",
};
EX_REGISTER(ex_bounded_semaphore);
