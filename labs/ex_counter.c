/* SPDX-License-Identifier: MIT */
/*
 * ex_counter.c - the scenarios that judge a counter (exercises/counter.h).
 *
 * "single": one thread increments and reads back after each step.
 * "concurrent": several threads increment at once; afterwards a "main"
 * thread joins them and reads the counter, which must equal
 * threads * iters. A missing or badly placed Lock loses updates, which the
 * check counts ("counter = 5, expected 6: 1 update lost").
 */
#include <stdbool.h>
#include <stdio.h>

#include "exercise_scenarios.h"

#define MAX_WORKERS 16

/* ---- single -------------------------------------------------------------- */

enum { S_ITERS };

static const struct lab_param single_params[] = {
    {"iters", "increments", 5, 5, 1, 100},
};

struct single_state {
    const struct counter_impl *impl;
    struct counter *c;
    long iters;
    ex_bool done;           /* T0 finished (written by T0) */
    struct ex_flag flag; /* "single thread" */
};

/* T0: read 0, then increment and read back iters times. */
static void single_body(void *arg)
{
    struct single_state *st = arg;
    long v = st->impl->get(st->c);

    if (v != 0)
        ex_flag_fail(&st->flag, "single thread",
                     "a new counter: counter_get() returned %ld, expected 0",
                     v);
    for (long i = 1; i <= st->iters; i++) {
        st->impl->increment(st->c);
        v = st->impl->get(st->c);
        if (v != i)
            ex_flag_fail(&st->flag, "single thread",
                         "after %ld increment%s counter_get() returned %ld, "
                         "expected %ld",
                         i, i == 1 ? "" : "s", v, i);
    }
    st->done = true;
}

/* Create the counter and start T0. */
static void *single_setup(const void *impl, const long *params)
{
    struct single_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->iters = params[S_ITERS];
    st->c = st->impl->create();
    rl_thread_start(NULL, single_body, st);
    return st;
}

/* Every read-back matched. */
static void single_check(struct rl_run *run, const long *params, void *state)
{
    struct single_state *st = state;
    char ok[80];

    if (!st->done)
        return;
    snprintf(ok, sizeof ok, "counter_get() returned 0, 1, ..., %ld",
             params[S_ITERS]);
    ex_flag_report(run, &st->flag, "single thread", ok);
}

static const struct ex_scenario single = {
    .exercise = "counter",
    .name = "single",
    .summary = "one thread increments and reads back",
    .kind = EX_SINGLE,
    .params = single_params,
    .nparams = 1,
    .setup = single_setup,
    .state_size = sizeof(struct single_state),
    .check = single_check,
};

/* ---- concurrent ---------------------------------------------------------- */

enum { C_THREADS, C_ITERS };

static const struct lab_param concurrent_params[] = {
    {"threads", "threads incrementing", 2, 4, 1, MAX_WORKERS},
    {"iters", "increments per thread", 3, 100000, 1, 10000000},
};

struct concurrent_state {
    const struct counter_impl *impl;
    struct counter *c;
    long threads, iters;
    rl_thread *workers[MAX_WORKERS];
    ex_bool done;  /* main read the final value (written by main) */
    long final; /* written by main */
};

/* A worker: iters increments. */
static void concurrent_worker(void *arg)
{
    struct concurrent_state *st = arg;

    for (long i = 0; i < st->iters; i++)
        st->impl->increment(st->c);
}

/* main: join every worker, then read the counter. */
static void concurrent_main(void *arg)
{
    struct concurrent_state *st = arg;

    for (long t = 0; t < st->threads; t++)
        rl_thread_join(st->workers[t]);
    st->final = st->impl->get(st->c);
    st->done = true;
}

/* Create the counter, start the workers T0.. and main. */
static void *concurrent_setup(const void *impl, const long *params)
{
    struct concurrent_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->threads = params[C_THREADS];
    st->iters = params[C_ITERS];
    st->c = st->impl->create();
    for (long t = 0; t < st->threads; t++)
        st->workers[t] = rl_thread_start(NULL, concurrent_worker, st);
    rl_thread_start("main", concurrent_main, st);
    return st;
}

/* The final value is threads * iters. */
static void concurrent_check(struct rl_run *run, const long *params,
                             void *state)
{
    struct concurrent_state *st = state;
    long expected = params[C_THREADS] * params[C_ITERS];
    long lost = expected - st->final;

    if (!st->done)
        return;
    if (lost == 0)
        rl_check(run, "final value", true, "counter = %ld, as expected",
                 st->final);
    else if (lost > 0)
        rl_check(run, "final value", false,
                 "counter = %ld, expected %ld: %ld update%s lost", st->final,
                 expected, lost, lost == 1 ? "" : "s");
    else
        rl_check(run, "final value", false,
                 "counter = %ld, expected %ld: %ld more than the increments "
                 "made",
                 st->final, expected, -lost);
}

static const struct ex_scenario concurrent = {
    .exercise = "counter",
    .name = "concurrent",
    .summary = "threads increment at once; no update may be lost",
    .kind = EX_CONCURRENT,
    .params = concurrent_params,
    .nparams = 2,
    .setup = concurrent_setup,
    .state_size = sizeof(struct concurrent_state),
    .check = concurrent_check,
};

/* Three threads: a lock that is right for two (Peterson's, indexed by
 * thread id modulo 2) lets two of three in at once. */
static const struct lab_param three_params[] = {
    {"threads", "threads incrementing", 3, 4, 1, MAX_WORKERS},
    {"iters", "increments per thread", 2, 100000, 1, 10000000},
};

static const struct ex_scenario three = {
    .exercise = "counter",
    .name = "three-threads",
    .summary = "three threads increment at once",
    .kind = EX_CONCURRENT,
    .params = three_params,
    .nparams = 2,
    .setup = concurrent_setup,
    .state_size = sizeof(struct concurrent_state),
    .check = concurrent_check,
};

static const struct ex_scenario *const scenarios[] = {&concurrent, &single,
                                                      &three};

/* The rules of exercises/counter.h the grader enforces. */
static const char *const forbidden[] = {EX_FORBIDDEN_ALWAYS, NULL};

static const struct ex_exercise ex_counter = {
    .order = 10,
    .name = "counter",
    .title = "Exercise: counter with a Lock",
    .explain = "Your counter_increment() from exercises/counter.c, called "
               "by several threads at once.\n"
               "An increment is load, add, store: if another thread stores "
               "in between, one update is lost. Hold a Lock across all "
               "three steps.",
    .scenarios = scenarios,
    .nscenarios = 3,
    .forbidden = forbidden,
    .rule = "Use only the student API of core/racelab.h.",
};
EX_REGISTER(ex_counter);
