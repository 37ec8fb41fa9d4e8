/* SPDX-License-Identifier: MIT */
/*
 * ex_pool.c - the scenarios that judge a worker pool (exercises/pool.h).
 *
 * "single": one worker enters k times and leaves; nothing may block.
 * "limit": more workers than places go in and out; at most k may be inside
 * at once. "parallel": exactly k workers enter and meet inside at a real
 * Barrier(k) with a timeout: a pool that admits fewer than k at a time
 * makes the barrier time out (on sim, this barrier is patient: its
 * timeout fires only when every thread is blocked, never as a schedule
 * choice, so a correct pool never times out).
 */
#include <stdbool.h>
#include <stdio.h>

#include "exercise_scenarios.h"

#define MAX_WORKERS 16

/* ---- single -------------------------------------------------------------- */

enum { S_K };

static const struct lab_param single_params[] = {
    {"k", "places in the pool", 2, 2, 1, 16},
};

struct single_state {
    const struct pool_impl *impl;
    struct pool *p;
    long k;
    ex_bool done; /* T0 finished (written by T0) */
};

/* T0: take every place, give them back, once more. */
static void single_body(void *arg)
{
    struct single_state *st = arg;

    for (int round = 0; round < 2; round++) {
        for (long i = 0; i < st->k; i++)
            st->impl->enter(st->p);
        for (long i = 0; i < st->k; i++)
            st->impl->leave(st->p);
    }
    st->done = true;
}

/* Create the pool and start T0. */
static void *single_setup(const void *impl, const long *params)
{
    struct single_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->k = params[S_K];
    st->p = st->impl->create((int)st->k);
    rl_thread_start(NULL, single_body, st);
    return st;
}

/* T0 never blocked (a block would be a deadlock). */
static void single_check(struct rl_run *run, const long *params, void *state)
{
    struct single_state *st = state;

    if (!st->done)
        return;
    rl_check(run, "single thread", true,
             "one worker took all %ld places and gave them back, twice",
             params[S_K]);
}

static const struct ex_scenario single = {
    .exercise = "pool",
    .name = "single",
    .summary = "one worker takes every place and gives them back",
    .kind = EX_SINGLE,
    .params = single_params,
    .nparams = 1,
    .setup = single_setup,
    .state_size = sizeof(struct single_state),
    .check = single_check,
};

/* ---- limit --------------------------------------------------------------- */

enum { L_WORKERS, L_K, L_ITERS };

static const struct lab_param limit_params[] = {
    {"workers", "worker threads", 4, 8, 1, MAX_WORKERS},
    {"k", "places in the pool (the limit)", 2, 3, 1, 16},
    {"iters", "times each worker enters", 2, 1000, 1, 1000000},
};

struct limit_state {
    const struct pool_impl *impl;
    struct pool *p;
    long iters;
    struct ex_section section; /* "limit" */
};

/* A worker: iters times enter, stay a step, leave. */
static void limit_worker(void *arg)
{
    struct limit_state *st = arg;

    for (long i = 0; i < st->iters; i++) {
        st->impl->enter(st->p);
        ex_section_enter(&st->section);
        rl_yield();
        ex_section_leave(&st->section);
        st->impl->leave(st->p);
    }
}

/* Create the pool, start the workers. */
static void *limit_setup(const void *impl, const long *params)
{
    struct limit_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->iters = params[L_ITERS];
    st->p = st->impl->create((int)params[L_K]);
    ex_section_init(&st->section, params[L_K], "limit");
    for (long t = 0; t < params[L_WORKERS]; t++)
        rl_thread_start(NULL, limit_worker, st);
    return st;
}

/* At most k workers were inside at once. */
static void limit_check(struct rl_run *run, const long *params, void *state)
{
    struct limit_state *st = state;

    ex_section_report(run, &st->section, "limit", params[L_K]);
}

static const struct ex_scenario limit = {
    .exercise = "pool",
    .name = "limit",
    .summary = "more workers than places: at most k inside at once",
    .kind = EX_CONCURRENT,
    .params = limit_params,
    .nparams = 3,
    .setup = limit_setup,
    .state_size = sizeof(struct limit_state),
    .check = limit_check,
};

/* ---- parallel ------------------------------------------------------------ */

enum { P_K, P_TIMEOUT };

static const struct lab_param parallel_params[] = {
    {"k", "places in the pool (and workers)", 3, 3, 1, MAX_WORKERS},
    {"timeout", "ms the workers inside wait for each other", 1000, 5000, 1,
     60000},
};

struct parallel_state {
    const struct pool_impl *impl;
    struct pool *p;
    long k, timeout;
    rl_barrier *meet;    /* Barrier(k): all k workers inside at once */
    rl_var *inside;      /* workers inside (atomic steps) */
    struct ex_flag flag; /* "parallelism" */
};

/* A worker: enter, wait inside for the other k - 1, leave. */
static void parallel_worker(void *arg)
{
    struct parallel_state *st = arg;

    st->impl->enter(st->p);
    rl_fetch_add(st->inside, 1);
    if (rl_barrier_wait_timeout(st->meet, st->timeout) < 0) {
        long n = rl_load(st->inside);
        ex_flag_fail(&st->flag, "parallelism",
                     "only %ld worker%s could be inside at once; the pool "
                     "must admit %ld",
                     n, n == 1 ? "" : "s", st->k);
    }
    rl_fetch_add(st->inside, -1);
    st->impl->leave(st->p);
}

/* Create the pool and the Barrier(k), start k workers. */
static void *parallel_setup(const void *impl, const long *params)
{
    struct parallel_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->k = params[P_K];
    st->timeout = params[P_TIMEOUT];
    st->p = st->impl->create((int)st->k);
    st->meet = rl_barrier_create("meet", (int)st->k);
    /* The timeout is the scenario's watchdog, not a timing the pool may
     * be judged on: it never fires as a schedule choice. */
    rl_barrier_patient(st->meet);
    st->inside = rl_var_create("inside", 0);
    for (long t = 0; t < st->k; t++)
        rl_thread_start(NULL, parallel_worker, st);
    return st;
}

/* All k workers were inside together. */
static void parallel_check(struct rl_run *run, const long *params, void *state)
{
    struct parallel_state *st = state;
    char ok[80];

    snprintf(ok, sizeof ok, "all %ld workers were inside at once", params[P_K]);
    ex_flag_report(run, &st->flag, "parallelism", ok);
}

static const struct ex_scenario parallel = {
    .exercise = "pool",
    .name = "parallel",
    .summary = "k workers must be able to be inside together",
    .kind = EX_CONCURRENT,
    .progress = true,
    .params = parallel_params,
    .nparams = 2,
    .setup = parallel_setup,
    .state_size = sizeof(struct parallel_state),
    .check = parallel_check,
};

static const struct ex_scenario *const scenarios[] = {&limit, &single,
                                                      &parallel};

/* The rules of exercises/pool.h the grader enforces. */
static const char *const forbidden[] = {EX_FORBIDDEN_ALWAYS, NULL};

static const struct ex_exercise ex_pool = {
    .order = 60,
    .name = "pool",
    .title = "Exercise: pool of K places with a semaphore",
    .explain = "Your pool from exercises/pool.c: more workers than places "
               "enter and leave a section.\n"
               "At most K may be inside at once, and K must be able to be. "
               "A semaphore checks and takes a place in one step; a shared "
               "counter that you test, then increment, does not.",
    .scenarios = scenarios,
    .nscenarios = 3,
    .forbidden = forbidden,
    .rule = "Use only the student API of core/racelab.h.",
};
EX_REGISTER(ex_pool);
