/* SPDX-License-Identifier: MIT */
/*
 * ex_rlock.c - the scenarios that judge an RLock (exercises/rlock.h).
 *
 * "single": one thread nests acquires, releases them all, then releases
 * once more (not the owner any more: RL_ERR_NOT_OWNER) and takes the lock
 * again. "nesting": several threads each hold the RLock at depth 2 around
 * a shared increment; the section between the outer acquire and the outer
 * release must hold one thread at a time, and every release by the owner
 * must succeed. "non-owner": T1 releases the RLock T0 owns; Python raises
 * "cannot release un-acquired lock", here RL_ERR_NOT_OWNER, and T0 still
 * owns it.
 */
#include <stdbool.h>
#include <stdio.h>

#include "exercise_scenarios.h"

#define MAX_WORKERS 16

/* ---- single -------------------------------------------------------------- */

enum { S_DEPTH };

static const struct lab_param single_params[] = {
    {"depth", "nested acquires", 3, 3, 1, 16},
};

struct single_state {
    const struct rlock_impl *impl;
    struct rlock *r;
    long depth;
    ex_bool done;             /* T0 finished (written by T0) */
    struct ex_flag owner;  /* "release by owner" */
    struct ex_flag unheld; /* "release when free" */
};

/* T0: nest depth acquires, release them, release once too many, retake. */
static void single_body(void *arg)
{
    struct single_state *st = arg;
    int rc;

    for (long d = 0; d < st->depth; d++)
        st->impl->acquire(st->r);
    for (long k = 1; k <= st->depth; k++) {
        rc = st->impl->release(st->r);
        if (rc != RL_OK)
            ex_flag_fail(&st->owner, "release by owner",
                         "T0 acquired the RLock %ld time%s, but its release "
                         "number %ld returned %s",
                         st->depth, st->depth == 1 ? "" : "s", k,
                         ex_status_name(rc));
    }
    rc = st->impl->release(st->r);
    if (rc != RL_ERR_NOT_OWNER)
        ex_flag_fail(&st->unheld, "release when free",
                     "release() of an RLock that nobody holds returned %s, "
                     "expected RL_ERR_NOT_OWNER (cannot release un-acquired "
                     "lock)",
                     ex_status_name(rc));
    st->impl->acquire(st->r);
    rc = st->impl->release(st->r);
    if (rc != RL_OK)
        ex_flag_fail(&st->owner, "release by owner",
                     "T0 acquired the RLock again after a failed release(), "
                     "but its release() returned %s",
                     ex_status_name(rc));
    st->done = true;
}

/* Create the RLock and start T0. */
static void *single_setup(const void *impl, const long *params)
{
    struct single_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->depth = params[S_DEPTH];
    st->r = st->impl->create();
    rl_thread_start(NULL, single_body, st);
    return st;
}

/* Every release returned what Python's RLock would. */
static void single_check(struct rl_run *run, const long *params, void *state)
{
    struct single_state *st = state;
    char ok[96];

    if (!st->done)
        return;
    snprintf(ok, sizeof ok, "%ld nested acquires, %ld releases: all RL_OK",
             params[S_DEPTH], params[S_DEPTH]);
    ex_flag_report(run, &st->owner, "release by owner", ok);
    ex_flag_report(run, &st->unheld, "release when free",
                   "release() of a free RLock returned RL_ERR_NOT_OWNER");
}

static const struct ex_scenario single = {
    .exercise = "rlock",
    .name = "single",
    .summary = "one thread nests acquires and releases once too often",
    .kind = EX_SINGLE,
    .params = single_params,
    .nparams = 1,
    .setup = single_setup,
    .state_size = sizeof(struct single_state),
    .check = single_check,
};

/* ---- nesting ------------------------------------------------------------- */

enum { N_THREADS, N_ITERS, N_DEPTH };

static const struct lab_param nesting_params[] = {
    {"threads", "threads taking the RLock", 2, 4, 1, MAX_WORKERS},
    {"iters", "times each thread takes it", 2, 10000, 1, 1000000},
    {"depth", "nested acquires each time", 2, 2, 1, 16},
};

struct nesting_state {
    const struct rlock_impl *impl;
    struct rlock *r;
    long threads, iters, depth;
    rl_var *shared;            /* guarded by the RLock */
    long final;                /* shared at the end (nesting_observe) */
    struct ex_section section; /* "mutual exclusion" */
    struct ex_flag owner;      /* "release by owner" */
};

/* shared += 1, as a separate load and store. */
static void shared_add(struct nesting_state *st)
{
    rl_store(st->shared, rl_load(st->shared) + 1);
}

/* Release as the owner; a failure fails "release by owner". */
static void owner_release(struct nesting_state *st, long k)
{
    int rc = st->impl->release(st->r);

    if (rc != RL_OK)
        ex_flag_fail(&st->owner, "release by owner",
                     "%s acquired the RLock %ld time%s, but its release "
                     "number %ld returned %s",
                     rl_thread_name(), st->depth, st->depth == 1 ? "" : "s", k,
                     ex_status_name(rc));
}

/* A worker: take the RLock depth times around two increments; the second
 * increment comes after the inner releases, still inside the outer one. */
static void nesting_worker(void *arg)
{
    struct nesting_state *st = arg;

    for (long i = 0; i < st->iters; i++) {
        st->impl->acquire(st->r);
        ex_section_enter(&st->section);
        for (long d = 1; d < st->depth; d++)
            st->impl->acquire(st->r);
        shared_add(st);
        for (long k = 1; k < st->depth; k++)
            owner_release(st, k);
        shared_add(st);
        ex_section_leave(&st->section);
        owner_release(st, st->depth);
    }
}

/* Create the RLock and the shared variable, start the workers. */
static void *nesting_setup(const void *impl, const long *params)
{
    struct nesting_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->threads = params[N_THREADS];
    st->iters = params[N_ITERS];
    st->depth = params[N_DEPTH];
    st->r = st->impl->create();
    st->shared = rl_var_create("shared", 0);
    ex_section_init(&st->section, 1, "mutual exclusion");
    for (long t = 0; t < st->threads; t++)
        rl_thread_start(NULL, nesting_worker, st);
    return st;
}

/* The shared value at the end, for the check. */
static void nesting_observe(const long *params, void *state)
{
    struct nesting_state *st = state;

    (void)params;
    st->final = rl_var_peek(st->shared);
}

/* One thread at a time held the RLock; no increment was lost. */
static void nesting_check(struct rl_run *run, const long *params, void *state)
{
    struct nesting_state *st = state;
    long expected = 2 * params[N_THREADS] * params[N_ITERS];
    long got = st->final;

    ex_section_report(run, &st->section, "mutual exclusion", 1);
    ex_flag_report(run, &st->owner, "release by owner",
                   "every release by the owner returned RL_OK");
    if (got == expected)
        rl_check(run, "final value", true, "shared = %ld, as expected", got);
    else
        rl_check(run, "final value", false,
                 "shared = %ld, expected %ld: %ld update%s lost", got, expected,
                 expected - got, expected - got == 1 ? "" : "s");
}

static const struct ex_scenario nesting = {
    .exercise = "rlock",
    .name = "nesting",
    .summary = "threads hold the RLock at depth 2 around shared updates",
    .kind = EX_CONCURRENT,
    .params = nesting_params,
    .nparams = 3,
    .setup = nesting_setup,
    .state_size = sizeof(struct nesting_state),
    .observe = nesting_observe,
    .check = nesting_check,
};

/* ---- non-owner ----------------------------------------------------------- */

struct nonowner_state {
    const struct rlock_impl *impl;
    struct rlock *r;
    rl_event *held;       /* set by T0 once it owns the RLock */
    rl_event *tried;      /* set by T1 after its release attempt */
    int t1_rc;            /* T1's release result (written by T1) */
    ex_bool done0, done1;    /* each written by its thread */
    struct ex_flag owner; /* "release by owner" */
};

/* T0: own the RLock until T1 has tried to release it, then release. */
static void nonowner_t0(void *arg)
{
    struct nonowner_state *st = arg;

    st->impl->acquire(st->r);
    rl_event_set(st->held);
    rl_event_wait(st->tried);
    int rc = st->impl->release(st->r);
    if (rc != RL_OK)
        ex_flag_fail(&st->owner, "release by owner",
                     "T0 owns the RLock, but its release() after T1's "
                     "attempt returned %s",
                     ex_status_name(rc));
    st->done0 = true;
}

/* T1: release the RLock T0 owns (must fail), then take it properly. */
static void nonowner_t1(void *arg)
{
    struct nonowner_state *st = arg;

    rl_event_wait(st->held);
    st->t1_rc = st->impl->release(st->r);
    rl_event_set(st->tried);
    st->impl->acquire(st->r);
    int rc = st->impl->release(st->r);
    if (rc != RL_OK)
        ex_flag_fail(&st->owner, "release by owner",
                     "T1 acquired the RLock after T0 released it, but its "
                     "release() returned %s",
                     ex_status_name(rc));
    st->done1 = true;
}

/* Create the RLock and two events, start T0 and T1. */
static void *nonowner_setup(const void *impl, const long *params)
{
    struct nonowner_state *st = ex_state_alloc(sizeof *st);

    (void)params;
    st->impl = impl;
    st->r = st->impl->create();
    st->held = rl_event_create("held");
    st->tried = rl_event_create("tried");
    rl_thread_start(NULL, nonowner_t0, st);
    rl_thread_start(NULL, nonowner_t1, st);
    return st;
}

/* T1's release failed with RL_ERR_NOT_OWNER; the owners' succeeded. */
static void nonowner_check(struct rl_run *run, const long *params, void *state)
{
    struct nonowner_state *st = state;

    (void)params;
    if (!st->done0 || !st->done1)
        return;
    if (st->t1_rc == RL_ERR_NOT_OWNER)
        rl_check(run, "non-owner release", true,
                 "T1's release() of T0's RLock returned RL_ERR_NOT_OWNER");
    else
        rl_check(run, "non-owner release", false,
                 "T1 called release() on the RLock owned by T0 and got %s; "
                 "expected RL_ERR_NOT_OWNER (cannot release un-acquired "
                 "lock)",
                 ex_status_name(st->t1_rc));
    ex_flag_report(run, &st->owner, "release by owner",
                   "every release by the owner returned RL_OK");
}

static const struct ex_scenario nonowner = {
    .exercise = "rlock",
    .name = "non-owner",
    .summary = "T1 releases the RLock T0 owns: RL_ERR_NOT_OWNER",
    .kind = EX_MISUSE,
    .params = NULL,
    .nparams = 0,
    .setup = nonowner_setup,
    .state_size = sizeof(struct nonowner_state),
    .check = nonowner_check,
};

/* Three threads: two can wait at once, which a release that wakes "the"
 * waiter (a flag for one) gets wrong. */
static const struct lab_param three_params[] = {
    {"threads", "threads taking the RLock", 3, 4, 1, MAX_WORKERS},
    {"iters", "times each thread takes it", 1, 10000, 1, 1000000},
    {"depth", "nested acquires each time", 2, 2, 1, 16},
};

static const struct ex_scenario three = {
    .exercise = "rlock",
    .name = "three-threads",
    .summary = "three threads take the RLock; two may wait at once",
    .kind = EX_CONCURRENT,
    .params = three_params,
    .nparams = 3,
    .setup = nesting_setup,
    .state_size = sizeof(struct nesting_state),
    .observe = nesting_observe,
    .check = nesting_check,
};

static const struct ex_scenario *const scenarios[] = {&nesting, &single,
                                                      &nonowner, &three};

/* The rules of exercises/rlock.h the grader enforces. */
static const char *const forbidden[] = {EX_FORBIDDEN_ALWAYS, "rl_rlock_create",
                                        NULL};

static const struct ex_exercise ex_rlock = {
    .order = 20,
    .name = "rlock",
    .title = "Exercise: RLock from Lock and Condition",
    .explain = "Your RLock from exercises/rlock.c: threads take it twice "
               "(nested) around a shared update.\n"
               "An RLock has an owner and a depth: the owner may acquire "
               "again, only the owner may release, and it is free after as "
               "many releases as acquires.",
    .scenarios = scenarios,
    .nscenarios = 4,
    .forbidden = forbidden,
    .rule = "Use only the student API of core/racelab.h; build on "
            "rl_lock_create and rl_cond_create (not rl_rlock_create).",
};
EX_REGISTER(ex_rlock);
