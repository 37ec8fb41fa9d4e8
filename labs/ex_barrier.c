/* SPDX-License-Identifier: MIT */
/*
 * ex_barrier.c - the scenarios that judge a reusable barrier
 * (exercises/barrier.h).
 *
 * "single": a barrier for one thread must never block. "rounds": N threads
 * work in rounds separated by the barrier. Before its wait of round r a
 * thread stores r in its own "done" variable; right after the wait it
 * reads everyone's: a thread still below r has not finished round r, so
 * the barrier let this thread into round r + 1 too early - the rounds
 * mixed ("T0 started round 2 before T1 finished round 1").
 */
#include <stdbool.h>
#include <stdio.h>

#include "exercise_scenarios.h"

#define MAX_WORKERS 16

/* ---- single -------------------------------------------------------------- */

enum { S_WAITS };

static const struct lab_param single_params[] = {
    {"waits", "barrier_wait() calls", 3, 3, 1, 100},
};

struct single_state {
    const struct barrier_impl *impl;
    struct barrier *b;
    long waits;
    ex_bool done; /* T0 finished (written by T0) */
};

/* T0: wait on a barrier for one, several times. */
static void single_body(void *arg)
{
    struct single_state *st = arg;

    for (long i = 0; i < st->waits; i++)
        st->impl->wait(st->b);
    st->done = true;
}

/* Create a barrier for 1 thread and start T0. */
static void *single_setup(const void *impl, const long *params)
{
    struct single_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->waits = params[S_WAITS];
    st->b = st->impl->create(1);
    rl_thread_start(NULL, single_body, st);
    return st;
}

/* T0 got through every wait (a block would be a deadlock). */
static void single_check(struct rl_run *run, const long *params, void *state)
{
    struct single_state *st = state;

    if (!st->done)
        return;
    rl_check(run, "single thread", true,
             "a barrier for 1 thread let it through %ld times",
             params[S_WAITS]);
}

static const struct ex_scenario single = {
    .exercise = "barrier",
    .name = "single",
    .summary = "a barrier for one thread never blocks",
    .kind = EX_SINGLE,
    .params = single_params,
    .nparams = 1,
    .setup = single_setup,
    .state_size = sizeof(struct single_state),
    .check = single_check,
};

/* ---- rounds -------------------------------------------------------------- */

enum { R_THREADS, R_ROUNDS };

static const struct lab_param rounds_params[] = {
    {"threads", "threads (the barrier's parties)", 3, 4, 1, MAX_WORKERS},
    {"rounds", "rounds separated by the barrier", 3, 1000, 1, 1000000},
};

struct rounds_state {
    const struct barrier_impl *impl;
    struct barrier *b;
    long threads, rounds;
    rl_var *done[MAX_WORKERS]; /* done[t]: rounds T<t> finished (by T<t>) */
    struct ex_flag flag;       /* "rounds" */
};

/* A worker: for each round, work, record it, wait, check everyone. */
static void rounds_worker(void *arg)
{
    struct rounds_state *st = arg;
    int me = rl_self();

    for (long r = 1; r <= st->rounds; r++) {
        rl_yield();                    /* the work of round r */
        rl_fetch_add(st->done[me], 1); /* atomic: bookkeeping, not a race */
        st->impl->wait(st->b);
        for (int t = 0; t < st->threads; t++) {
            long d = rl_fetch_add(st->done[t], 0);
            if (d >= r)
                continue;
            if (r < st->rounds)
                ex_flag_fail(&st->flag, "rounds",
                             "T%d started round %ld before T%d finished "
                             "round %ld",
                             me, r + 1, t, r);
            else
                ex_flag_fail(&st->flag, "rounds",
                             "T%d passed the last barrier (round %ld) "
                             "before T%d finished round %ld",
                             me, r, t, r);
        }
    }
}

/* Create the barrier and the done variables, start the workers. */
static void *rounds_setup(const void *impl, const long *params)
{
    struct rounds_state *st = ex_state_alloc(sizeof *st);
    char name[24];

    st->impl = impl;
    st->threads = params[R_THREADS];
    st->rounds = params[R_ROUNDS];
    st->b = st->impl->create((int)st->threads);
    for (int t = 0; t < st->threads; t++) {
        snprintf(name, sizeof name, "done%d", t);
        st->done[t] = rl_var_create(name, 0);
    }
    for (long t = 0; t < st->threads; t++)
        rl_thread_start(NULL, rounds_worker, st);
    return st;
}

/* No thread ran ahead of a round; everybody got through every barrier. */
static void rounds_check(struct rl_run *run, const long *params, void *state)
{
    struct rounds_state *st = state;
    char ok[96];

    snprintf(ok, sizeof ok,
             "%ld rounds, no thread started a round before all finished the "
             "one before",
             params[R_ROUNDS]);
    ex_flag_report(run, &st->flag, "rounds", ok);
}

static const struct ex_scenario rounds = {
    .exercise = "barrier",
    .name = "rounds",
    .summary = "threads work in rounds; rounds must not mix",
    .kind = EX_CONCURRENT,
    .params = rounds_params,
    .nparams = 2,
    .setup = rounds_setup,
    .state_size = sizeof(struct rounds_state),
    .check = rounds_check,
};

static const struct ex_scenario *const scenarios[] = {&rounds, &single};

/* The rules of exercises/barrier.h the grader enforces. */
static const char *const forbidden[] = {EX_FORBIDDEN_ALWAYS, "rl_barrier_*",
                                        NULL};

static const struct ex_exercise ex_barrier = {
    .order = 50,
    .name = "barrier",
    .title = "Exercise: reusable barrier",
    .explain = "Your barrier from exercises/barrier.c: threads work in "
               "rounds and wait for each other at the end of each round.\n"
               "The barrier is reused: a fast thread may arrive for round 2 "
               "before a slow one has left round 1. Number the rounds (a "
               "generation) so they never mix.",
    .scenarios = scenarios,
    .nscenarios = 2,
    .forbidden = forbidden,
    .rule = "Use only the student API of core/racelab.h; build on "
            "rl_lock_create and rl_cond_create.",
};
EX_REGISTER(ex_barrier);
