/* SPDX-License-Identifier: MIT */
/*
 * ex_bounded_buffer.c - the scenarios that judge a bounded buffer
 * (exercises/bounded_buffer.h).
 *
 * "single": one thread fills the buffer, empties it, then goes round the
 * ring; items must come out in the order they went in. "producers-consumers":
 * producers P0.. put numbered items (P0 puts 1..items, P1 the next items,
 * ...), consumers C0.. get them. Each consumer logs what it got in its own
 * array (no sharing), and the check merges the logs: every item exactly
 * once, nothing that was never put. The capacity is checked during the run:
 * when a put returns, (puts returned) - (gets started) is a lower bound of
 * what the buffer holds, so it may never exceed the capacity.
 */
#include <stdbool.h>
#include <stdio.h>

#include "exercise_scenarios.h"

#define MAX_SIDE 8

/* ---- single -------------------------------------------------------------- */

enum { S_CAPACITY };

static const struct lab_param single_params[] = {
    {"capacity", "buffer capacity", 3, 3, 1, 16},
};

struct single_state {
    const struct bounded_buffer_impl *impl;
    struct bounded_buffer *b;
    long capacity;
    long gets;           /* get() calls so far (T0 only) */
    ex_bool done;           /* T0 finished (written by T0) */
    struct ex_flag flag; /* "FIFO order" */
};

/* get() must return want. */
static void expect_get(struct single_state *st, long want)
{
    long got = st->impl->get(st->b);

    st->gets++;
    if (got != want)
        ex_flag_fail(&st->flag, "FIFO order",
                     "get() number %ld returned %ld, expected %ld (items "
                     "come out in the order they were put)",
                     st->gets, got, want);
}

/* T0: fill, empty, then put / get round the ring twice. */
static void single_body(void *arg)
{
    struct single_state *st = arg;
    long cap = st->capacity;

    for (long i = 1; i <= cap; i++)
        st->impl->put(st->b, i);
    for (long i = 1; i <= cap; i++)
        expect_get(st, i);
    for (long i = 1; i <= 2 * cap; i++) {
        st->impl->put(st->b, 100 + i);
        expect_get(st, 100 + i);
    }
    st->done = true;
}

/* Create the buffer and start T0. */
static void *single_setup(const void *impl, const long *params)
{
    struct single_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->capacity = params[S_CAPACITY];
    st->b = st->impl->create((int)st->capacity);
    rl_thread_start(NULL, single_body, st);
    return st;
}

/* Every get returned the oldest item. */
static void single_check(struct rl_run *run, const long *params, void *state)
{
    struct single_state *st = state;

    (void)params;
    if (!st->done)
        return;
    ex_flag_report(run, &st->flag, "FIFO order",
                   "items came out in the order they were put");
}

static const struct ex_scenario single = {
    .exercise = "bounded_buffer",
    .name = "single",
    .summary = "one thread fills, empties and wraps the ring",
    .kind = EX_SINGLE,
    .params = single_params,
    .nparams = 1,
    .setup = single_setup,
    .state_size = sizeof(struct single_state),
    .check = single_check,
};

/* ---- producers-consumers ------------------------------------------------- */

enum { PC_PRODUCERS, PC_CONSUMERS, PC_CAPACITY, PC_ITEMS };

static const struct lab_param pc_params[] = {
    {"producers", "producer threads", 2, 2, 1, MAX_SIDE},
    {"consumers", "consumer threads", 2, 2, 1, MAX_SIDE},
    {"capacity", "buffer capacity", 1, 4, 1, 16},
    {"items", "items per producer", 3, 10000, 1, 1000000},
};

struct pc_state;

struct consumer {
    struct pc_state *st;
    long quota; /* items to get */
    long *log;  /* what it got, in order (this consumer only) */
    long ngot;  /* entries in log (this consumer only) */
};

struct producer {
    struct pc_state *st;
    long first; /* its items are first .. first + items - 1 */
};

struct pc_state {
    const struct bounded_buffer_impl *impl;
    struct bounded_buffer *b;
    long producers, consumers, capacity, items;
    struct producer prod[MAX_SIDE];
    struct consumer cons[MAX_SIDE];
    rl_var *puts_done;    /* puts that returned (atomic steps) */
    rl_var *gets_started; /* gets that were called (atomic steps) */
    struct ex_flag bound; /* "capacity" */
    /* What the consumers got, summed up by pc_observe for the check. */
    long problems; /* items never put, or not consumed exactly once */
    int first;     /* the first problem: enum pc_problem */
    long first_c;  /* PC_NEVER_PUT: the consumer */
    long first_v;  /* the item */
    long first_n;  /* PC_TIMES: how many times it was consumed */
};

/* What pc_observe found first. */
enum pc_problem { PC_NONE, PC_NEVER_PUT, PC_NEVER_CONSUMED, PC_TIMES };

/* A producer: put its items in order; check the capacity after each. */
static void pc_producer(void *arg)
{
    struct producer *p = arg;
    struct pc_state *st = p->st;

    for (long i = 0; i < st->items; i++) {
        st->impl->put(st->b, p->first + i);
        long done = rl_fetch_add(st->puts_done, 1) + 1;
        /* An atomic read: the scenario's bookkeeping must not be what the
         * race detector reports. */
        long held = done - rl_fetch_add(st->gets_started, 0);
        if (held > st->capacity)
            ex_flag_fail(&st->bound, "capacity",
                         "put() returned while the buffer held at least %ld "
                         "items (capacity %ld): put must wait while the "
                         "buffer is full",
                         held, st->capacity);
    }
}

/* A consumer: get its quota of items, logging each. */
static void pc_consumer(void *arg)
{
    struct consumer *c = arg;
    struct pc_state *st = c->st;

    for (long j = 0; j < c->quota; j++) {
        rl_fetch_add(st->gets_started, 1);
        c->log[c->ngot++] = st->impl->get(st->b);
    }
}

/* Create the buffer, start producers P0.. and consumers C0... */
static void *pc_setup(const void *impl, const long *params)
{
    struct pc_state *st = ex_state_alloc(sizeof *st);
    char name[24];

    st->impl = impl;
    st->producers = params[PC_PRODUCERS];
    st->consumers = params[PC_CONSUMERS];
    st->capacity = params[PC_CAPACITY];
    st->items = params[PC_ITEMS];
    st->b = st->impl->create((int)st->capacity);
    st->puts_done = rl_var_create("puts_done", 0);
    st->gets_started = rl_var_create("gets_started", 0);
    long total = st->producers * st->items;
    for (long c = 0; c < st->consumers; c++) {
        struct consumer *k = &st->cons[c];
        k->st = st;
        k->quota = total / st->consumers + (c < total % st->consumers);
        k->log = rl_alloc(sizeof *k->log * (unsigned long)(k->quota + 1));
    }
    for (long p = 0; p < st->producers; p++) {
        st->prod[p].st = st;
        st->prod[p].first = p * st->items + 1;
        snprintf(name, sizeof name, "P%d", (int)p);
        rl_thread_start(name, pc_producer, &st->prod[p]);
    }
    for (long c = 0; c < st->consumers; c++) {
        snprintf(name, sizeof name, "C%d", (int)c);
        rl_thread_start(name, pc_consumer, &st->cons[c]);
    }
    return st;
}

/* Tally what the consumers got (their logs live in the run's memory): the
 * first problem and how many there were. */
static void pc_observe(const long *params, void *state)
{
    struct pc_state *st = state;
    long total = params[PC_PRODUCERS] * params[PC_ITEMS];
    unsigned char *seen = rl_alloc((unsigned long)total + 1);

    st->problems = 0;
    st->first = PC_NONE;
    if (seen == NULL)
        return;
    /* An item that was never put comes first: it explains the others. */
    for (long c = 0; c < st->consumers; c++) {
        const struct consumer *k = &st->cons[c];
        for (long j = 0; j < k->ngot; j++) {
            long v = k->log[j];
            if (v >= 1 && v <= total) {
                if (seen[v] < 255)
                    seen[v]++;
            } else if (st->problems++ == 0) {
                st->first = PC_NEVER_PUT;
                st->first_c = c;
                st->first_v = v;
            }
        }
    }
    for (long v = 1; v <= total; v++) {
        if (seen[v] == 1 || st->problems++ > 0)
            continue;
        st->first = seen[v] == 0 ? PC_NEVER_CONSUMED : PC_TIMES;
        st->first_v = v;
        st->first_n = seen[v];
    }
}

/* Every item 1..total got exactly once, and nothing else. */
static void pc_check(struct rl_run *run, const long *params, void *state)
{
    struct pc_state *st = state;
    long total = params[PC_PRODUCERS] * params[PC_ITEMS];
    char msg[160] = "";

    ex_flag_report(run, &st->bound, "capacity",
                   "no put() returned while the buffer was full");
    switch (st->first) {
    case PC_NEVER_PUT:
        snprintf(msg, sizeof msg, "C%ld got item %ld, which was never put",
                 st->first_c, st->first_v);
        break;
    case PC_NEVER_CONSUMED:
        snprintf(msg, sizeof msg, "item %ld was never consumed", st->first_v);
        break;
    case PC_TIMES:
        if (st->first_n == 2)
            snprintf(msg, sizeof msg, "item %ld was consumed twice",
                     st->first_v);
        else
            snprintf(msg, sizeof msg, "item %ld was consumed %ld times",
                     st->first_v, st->first_n);
        break;
    default:
        break;
    }
    if (st->problems == 0)
        rl_check(run, "each item once", true,
                 "all %ld items were consumed exactly once", total);
    else if (st->problems == 1)
        rl_check(run, "each item once", false, "%s", msg);
    else
        rl_check(run, "each item once", false, "%s (%ld problems in all)", msg,
                 st->problems);
}

static const struct ex_scenario pc = {
    .exercise = "bounded_buffer",
    .name = "producers-consumers",
    .summary = "producers and consumers share the buffer",
    .kind = EX_CONCURRENT,
    .params = pc_params,
    .nparams = 4,
    .setup = pc_setup,
    .state_size = sizeof(struct pc_state),
    .observe = pc_observe,
    .check = pc_check,
};

/* ---- waiters ------------------------------------------------------------- */

/* Two consumers waiting on an empty buffer of capacity 2, one producer of
 * 2 items: a put must wake a consumer even when the buffer was not empty
 * (notify only on the empty -> non-empty change leaves one waiting). */
static const struct lab_param waiters_params[] = {
    {"producers", "producer threads", 1, 1, 1, MAX_SIDE},
    {"consumers", "consumer threads", 2, 2, 1, MAX_SIDE},
    {"capacity", "buffer capacity", 2, 4, 1, 16},
    {"items", "items per producer", 2, 10000, 1, 1000000},
};

static const struct ex_scenario waiters = {
    .exercise = "bounded_buffer",
    .name = "waiters",
    .summary = "two consumers wait at once; capacity 2",
    .kind = EX_CONCURRENT,
    .params = waiters_params,
    .nparams = 4,
    .setup = pc_setup,
    .state_size = sizeof(struct pc_state),
    .observe = pc_observe,
    .check = pc_check,
};

static const struct ex_scenario *const scenarios[] = {&pc, &single, &waiters};

/* The rules of exercises/bounded_buffer.h the grader enforces. */
static const char *const forbidden[] = {
    EX_FORBIDDEN_ALWAYS, "rl_semaphore_create", "rl_bounded_semaphore_create",
    "rl_sem_*",          "rl_queue_*",          NULL};

static const struct ex_exercise ex_bounded_buffer = {
    .order = 40,
    .name = "bounded_buffer",
    .title = "Exercise: bounded buffer with Conditions",
    .explain = "Your bounded buffer from exercises/bounded_buffer.c, shared "
               "by producers and consumers.\n"
               "put waits while the buffer is full, get while it is empty; "
               "every item must be consumed exactly once. Wait in a while "
               "loop, and make sure a notify wakes the right kind of thread.",
    .scenarios = scenarios,
    .nscenarios = 3,
    .forbidden = forbidden,
    .rule = "Use only the student API of core/racelab.h: a Lock "
            "(rl_lock_create) and Conditions on it (rl_cond_create); no "
            "Semaphore.",
};
EX_REGISTER(ex_bounded_buffer);
