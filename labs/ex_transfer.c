/* SPDX-License-Identifier: MIT */
/*
 * ex_transfer.c - the scenarios that judge a bank with one lock per
 * account (exercises/transfer.h).
 *
 * "single": one thread makes a few transfers, one of them from an account
 * to itself, and reads every balance after each. "concurrent": threads make
 * transfers in opposite directions (even threads up the account ring, odd
 * threads down it), so "lock from, then to" can deadlock; afterwards a
 * "main" thread joins them and reads every balance. Transfers commute, so
 * each account's final balance is known in advance; the total must be
 * accounts * initial ("total money 990, expected 1000"). "cycle": three
 * threads transfer around a cycle of three accounts at once (A -> B,
 * B -> C, C -> A). Every pair of accounts meets in "concurrent" too, so a
 * lock order that is consistent for each pair but not one global order
 * (a circular "lock the one behind on the ring first", which is not
 * transitive) passes it; only three threads can each hold one lock and
 * wait for the next one's, and "cycle" deadlocks it.
 */
#include <stdbool.h>
#include <stdio.h>

#include "exercise_scenarios.h"

#define MAX_WORKERS 16
#define MAX_ACCOUNTS 16

/* ---- single -------------------------------------------------------------- */

struct single_state {
    const struct transfer_impl *impl;
    struct bank *b;
    ex_bool done;           /* T0 finished (written by T0) */
    struct ex_flag flag; /* "single thread" */
};

/* One step of the single scenario: a transfer and the balances after it. */
struct single_step {
    int from, to;
    long amount;
    long after[3];
};

static const struct single_step single_steps[] = {
    {0, 1, 30, {70, 130, 100}},
    {2, 0, 5, {75, 130, 95}},
    {1, 1, 7, {75, 130, 95}},
    {1, 2, 200, {75, -70, 295}},
};

/* T0: each transfer, then read all three balances. */
static void single_body(void *arg)
{
    struct single_state *st = arg;
    int nsteps = (int)(sizeof single_steps / sizeof single_steps[0]);

    for (int s = 0; s < nsteps; s++) {
        const struct single_step *p = &single_steps[s];
        st->impl->transfer(st->b, p->from, p->to, p->amount);
        for (int i = 0; i < 3; i++) {
            long got = st->impl->balance(st->b, i);
            if (got != p->after[i])
                ex_flag_fail(&st->flag, "single thread",
                             "after bank_transfer(b, %d, %d, %ld) account %d "
                             "holds %ld, expected %ld",
                             p->from, p->to, p->amount, i, got, p->after[i]);
        }
    }
    st->done = true;
}

/* Create a bank of 3 accounts of 100 and start T0. */
static void *single_setup(const void *impl, const long *params)
{
    struct single_state *st = ex_state_alloc(sizeof *st);

    (void)params;
    st->impl = impl;
    st->b = st->impl->create(3, 100);
    rl_thread_start(NULL, single_body, st);
    return st;
}

/* Every balance was right after every transfer. */
static void single_check(struct rl_run *run, const long *params, void *state)
{
    struct single_state *st = state;

    (void)params;
    if (!st->done)
        return;
    ex_flag_report(run, &st->flag, "single thread",
                   "every balance was right after every transfer, including "
                   "one to the same account");
}

static const struct ex_scenario single = {
    .exercise = "transfer",
    .name = "single",
    .summary = "one thread transfers, once to the same account",
    .kind = EX_SINGLE,
    .params = NULL,
    .nparams = 0,
    .setup = single_setup,
    .state_size = sizeof(struct single_state),
    .check = single_check,
};

/* ---- concurrent ---------------------------------------------------------- */

enum { C_ACCOUNTS, C_THREADS, C_ITERS, C_INITIAL };

static const struct lab_param concurrent_params[] = {
    {"accounts", "bank accounts", 3, 4, 2, MAX_ACCOUNTS},
    {"threads", "threads making transfers", 2, 4, 1, MAX_WORKERS},
    {"iters", "transfers per thread", 3, 10000, 1, 1000000},
    {"initial", "money in each account at the start", 100, 1000, 0, 1000000},
};

struct concurrent_state {
    const struct transfer_impl *impl;
    struct bank *b;
    long accounts, threads, iters;
    rl_thread *workers[MAX_WORKERS];
    ex_bool done;                /* main read the balances (by main) */
    long final[MAX_ACCOUNTS]; /* written by main */
};

/* Transfer i of thread t: accounts and amount. Even threads move money up
 * the ring, odd ones down, so opposite transfers meet. The amount grows
 * with i, so a round of the ring does not cancel out: a bank that does
 * nothing ends with the wrong balances. */
static void transfer_of(long accounts, long t, long i, int *from, int *to,
                        long *amount)
{
    long a = (t + i) % accounts;

    *from = (int)a;
    *to =
        (int)(t % 2 == 0 ? (a + 1) % accounts : (a + accounts - 1) % accounts);
    *amount = 10 + t + i * (t + 1);
}

/* A worker: its iters transfers. */
static void concurrent_worker(void *arg)
{
    struct concurrent_state *st = arg;
    long t = rl_self();
    int from, to;
    long amount;

    for (long i = 0; i < st->iters; i++) {
        transfer_of(st->accounts, t, i, &from, &to, &amount);
        st->impl->transfer(st->b, from, to, amount);
    }
}

/* main: join every worker, then read every balance. */
static void concurrent_main(void *arg)
{
    struct concurrent_state *st = arg;

    for (long t = 0; t < st->threads; t++)
        rl_thread_join(st->workers[t]);
    for (int i = 0; i < st->accounts; i++)
        st->final[i] = st->impl->balance(st->b, i);
    st->done = true;
}

/* Create the bank, start the workers T0.. and main. */
static void *concurrent_setup(const void *impl, const long *params)
{
    struct concurrent_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->accounts = params[C_ACCOUNTS];
    st->threads = params[C_THREADS];
    st->iters = params[C_ITERS];
    st->b = st->impl->create((int)st->accounts, params[C_INITIAL]);
    for (long t = 0; t < st->threads; t++)
        st->workers[t] = rl_thread_start(NULL, concurrent_worker, st);
    rl_thread_start("main", concurrent_main, st);
    return st;
}

/* The total is conserved and each balance is what the transfers say. */
static void concurrent_check(struct rl_run *run, const long *params,
                             void *state)
{
    struct concurrent_state *st = state;
    long n = params[C_ACCOUNTS], initial = params[C_INITIAL];
    long expect[MAX_ACCOUNTS], total = 0;
    int from, to;
    long amount;

    if (!st->done)
        return;
    for (long i = 0; i < n; i++)
        expect[i] = initial;
    for (long t = 0; t < params[C_THREADS]; t++) {
        for (long i = 0; i < params[C_ITERS]; i++) {
            transfer_of(n, t, i, &from, &to, &amount);
            expect[from] -= amount;
            expect[to] += amount;
        }
    }
    for (long i = 0; i < n; i++)
        total += st->final[i];
    if (total == n * initial)
        rl_check(run, "total money", true, "total money %ld, as expected",
                 total);
    else
        rl_check(run, "total money", false, "total money %ld, expected %ld",
                 total, n * initial);
    for (long i = 0; i < n; i++) {
        if (st->final[i] != expect[i]) {
            rl_check(run, "balances", false,
                     "account %ld holds %ld, expected %ld", i, st->final[i],
                     expect[i]);
            return;
        }
    }
    rl_check(run, "balances", true,
             "every account holds what its transfers say");
}

static const struct ex_scenario concurrent = {
    .exercise = "transfer",
    .name = "concurrent",
    .summary = "threads transfer in opposite directions at once",
    .kind = EX_CONCURRENT,
    .params = concurrent_params,
    .nparams = 4,
    .setup = concurrent_setup,
    .state_size = sizeof(struct concurrent_state),
    .check = concurrent_check,
};

/* ---- cycle --------------------------------------------------------------- */

enum { Y_ITERS, Y_INITIAL };

static const struct lab_param cycle_params[] = {
    {"iters", "transfers per thread", 2, 10000, 1, 1000000},
    {"initial", "money in each account at the start", 100, 1000, 0, 1000000},
};

/* Plain data only: the check reads nothing through a pointer. */
struct cycle_state {
    const struct transfer_impl *impl; /* used by the threads only */
    struct bank *b;                   /* used by the threads only */
    long iters;
    rl_thread *workers[3]; /* used by main only */
    ex_bool done;             /* main read the balances (by main) */
    long final[3];         /* written by main */
};

/* Thread t's transfer i: account t to account t+1 around the cycle
 * (A -> B, B -> C, C -> A), a different amount for each thread. */
static long cycle_amount(long t, long i)
{
    return 10 * (t + 1) + i;
}

/* A worker: iters transfers from its account to the next one. */
static void cycle_worker(void *arg)
{
    struct cycle_state *st = arg;
    long t = rl_self();

    for (long i = 0; i < st->iters; i++)
        st->impl->transfer(st->b, (int)t, (int)((t + 1) % 3),
                           cycle_amount(t, i));
}

/* main: join the three workers, then read every balance. */
static void cycle_main(void *arg)
{
    struct cycle_state *st = arg;

    for (int t = 0; t < 3; t++)
        rl_thread_join(st->workers[t]);
    for (int i = 0; i < 3; i++)
        st->final[i] = st->impl->balance(st->b, i);
    st->done = true;
}

/* Create a bank of 3 accounts, start T0, T1, T2 and main. */
static void *cycle_setup(const void *impl, const long *params)
{
    struct cycle_state *st = ex_state_alloc(sizeof *st);

    st->impl = impl;
    st->iters = params[Y_ITERS];
    st->b = st->impl->create(3, params[Y_INITIAL]);
    for (int t = 0; t < 3; t++)
        st->workers[t] = rl_thread_start(NULL, cycle_worker, st);
    rl_thread_start("main", cycle_main, st);
    return st;
}

/* The total is conserved and each balance is what the transfers say. */
static void cycle_check(struct rl_run *run, const long *params, void *state)
{
    struct cycle_state *st = state;
    long initial = params[Y_INITIAL], expect[3], total = 0;

    if (!st->done)
        return;
    for (int i = 0; i < 3; i++)
        expect[i] = initial;
    for (long t = 0; t < 3; t++) {
        for (long i = 0; i < params[Y_ITERS]; i++) {
            expect[t] -= cycle_amount(t, i);
            expect[(t + 1) % 3] += cycle_amount(t, i);
        }
    }
    for (int i = 0; i < 3; i++)
        total += st->final[i];
    if (total == 3 * initial)
        rl_check(run, "total money", true, "total money %ld, as expected",
                 total);
    else
        rl_check(run, "total money", false, "total money %ld, expected %ld",
                 total, 3 * initial);
    for (int i = 0; i < 3; i++) {
        if (st->final[i] != expect[i]) {
            rl_check(run, "balances", false,
                     "account %d holds %ld, expected %ld", i, st->final[i],
                     expect[i]);
            return;
        }
    }
    rl_check(run, "balances", true,
             "every account holds what its transfers say");
}

static const struct ex_scenario cycle = {
    .exercise = "transfer",
    .name = "cycle",
    .summary = "three threads transfer around a cycle A -> B -> C -> A",
    .kind = EX_CONCURRENT,
    .params = cycle_params,
    .nparams = 2,
    .state_size = sizeof(struct cycle_state),
    .setup = cycle_setup,
    .check = cycle_check,
};

static const struct ex_scenario *const scenarios[] = {&concurrent, &single,
                                                      &cycle};

/* The rules of exercises/transfer.h the grader enforces. */
static const char *const forbidden[] = {EX_FORBIDDEN_ALWAYS, NULL};

static const struct ex_exercise ex_transfer = {
    .order = 70,
    .name = "transfer",
    .title = "Exercise: bank transfers without deadlock",
    .explain = "Your bank_transfer() from exercises/transfer.c: threads "
               "move money between accounts in opposite directions, and "
               "three threads around a cycle of three accounts.\n"
               "Hold both accounts' locks while you touch the balances, and "
               "always take the lower-numbered account's lock first: "
               "\"from, then to\" deadlocks when two transfers cross.",
    .scenarios = scenarios,
    .nscenarios = 3,
    .forbidden = forbidden,
    .rule = "Use only the student API of core/racelab.h: one rl_lock per "
            "account.",
};
EX_REGISTER(ex_transfer);
