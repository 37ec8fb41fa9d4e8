/* SPDX-License-Identifier: MIT */
/*
 * lock_order.c - deadlock by lock-order inversion: a bank transfer between
 * two accounts, each guarded by its own Lock.
 *
 * A transfer must hold both accounts' locks, so that no one sees the money
 * half-moved. Even threads move money from A to B, odd threads from B to
 * A. `inverted` locks the source account first, then the destination: T0
 * holds lock_A and waits for lock_B while T1 holds lock_B and waits for
 * lock_A, and neither can ever go on. The engine finds the wait-for cycle
 * T0 -> T1 -> T0. `ordered` breaks the cycle: every thread takes the locks
 * in one global order (A before B), whatever the direction of its
 * transfer, so no thread can hold the later lock while waiting for the
 * earlier one. `try-backoff` keeps the inverted order but never waits for
 * the second lock: acquire(blocking=False), and on failure release the
 * first, yield and try again. Two threads that back off the same way can
 * retry in lockstep forever (a livelock), so the back-off grows with each
 * try and differs per thread, as a random back-off would.
 */
#include "lab.h"

#include "../core/racelab.h"

enum { INVERTED, ORDERED, TRY_BACKOFF };

#define LO_INITIAL 100 /* each account's opening balance */
#define LO_AMOUNT 10   /* every transfer moves this much */

/* The lab's state, shared by its threads. */
struct lo_lab {
    rl_var *account[2];   /* A and B; account[i] guarded by lock[i] */
    rl_lock *lock[2];     /* lock_A, lock_B */
    struct lo_thread *th; /* the threads' records, for the check */
    long threads, rounds; /* read-only after setup, as is variant */
    int variant;
};

/* One thread: its direction, and counters private to it (read by the
 * check once every thread has finished). */
struct lo_thread {
    struct lo_lab *s;
    int id;
    int from, to;   /* account indexes: 0 -> 1 or 1 -> 0 */
    long transfers; /* private: transfers done */
    long backoffs;  /* private: times the second lock was busy */
};

/* Move LO_AMOUNT from -> to; the caller holds both accounts' locks. */
static void lo_move(struct lo_lab *s, int from, int to)
{
    long a = rl_load(s->account[from]);
    rl_store(s->account[from], a - LO_AMOUNT);
    long b = rl_load(s->account[to]);
    rl_store(s->account[to], b + LO_AMOUNT);
}

/* inverted (bug): source first, then destination. Two threads going
 * opposite ways each hold the lock the other waits for. */
static void lo_transfer_inverted(struct lo_thread *t)
{
    struct lo_lab *s = t->s;

    rl_lock_acquire(s->lock[t->from]);
    /* the other direction's thread may take our second lock here */
    rl_lock_acquire(s->lock[t->to]);
    lo_move(s, t->from, t->to);
    rl_lock_release(s->lock[t->to]);
    rl_lock_release(s->lock[t->from]);
}

/* ordered: lock_A before lock_B always; the direction does not matter. */
static void lo_transfer_ordered(struct lo_thread *t)
{
    struct lo_lab *s = t->s;

    rl_lock_acquire(s->lock[0]);
    rl_lock_acquire(s->lock[1]);
    lo_move(s, t->from, t->to);
    rl_lock_release(s->lock[1]);
    rl_lock_release(s->lock[0]);
}

/* try-backoff: never wait for the second lock while holding the first. */
static void lo_transfer_try_backoff(struct lo_thread *t)
{
    struct lo_lab *s = t->s;
    long backoff = 1 + t->id;

    for (;;) {
        rl_lock_acquire(s->lock[t->from]);
        if (rl_lock_try_acquire(s->lock[t->to]) == RL_OK)
            break;
        /* busy: give back what we hold so the other thread can finish */
        rl_lock_release(s->lock[t->from]);
        t->backoffs++;
        for (long k = 0; k < backoff; k++)
            rl_yield();
        backoff += 1 + t->id; /* grow, at a different pace per thread */
    }
    lo_move(s, t->from, t->to);
    rl_lock_release(s->lock[t->to]);
    rl_lock_release(s->lock[t->from]);
}

/* One thread: rounds transfers in its direction. */
static void lo_thread_body(void *arg)
{
    struct lo_thread *t = arg;

    for (long r = 0; r < t->s->rounds; r++) {
        switch (t->s->variant) {
        case INVERTED:
            lo_transfer_inverted(t);
            break;
        case ORDERED:
            lo_transfer_ordered(t);
            break;
        default:
            lo_transfer_try_backoff(t);
            break;
        }
        t->transfers++;
    }
}

/* Create the accounts and their locks; start the threads. */
static void lo_setup(struct lab_inst *inst)
{
    struct lo_lab *s = rl_alloc(sizeof *s);
    long threads = lab_inst_param(inst, "threads");
    struct lo_thread *th = rl_alloc(sizeof *th * (unsigned long)threads);

    s->account[0] = rl_var_create("A", LO_INITIAL);
    s->account[1] = rl_var_create("B", LO_INITIAL);
    s->lock[0] = rl_lock_create("lock_A");
    s->lock[1] = rl_lock_create("lock_B");
    s->th = th;
    s->threads = threads;
    s->rounds = lab_inst_param(inst, "rounds");
    s->variant = inst->variant;
    inst->state = s;
    for (int i = 0; i < threads; i++) {
        th[i].s = s;
        th[i].id = i;
        th[i].from = i % 2;
        th[i].to = 1 - i % 2;
        rl_thread_start(NULL, lo_thread_body, &th[i]);
    }
}

/* No money created or destroyed, and every transfer done. */
static void lo_check(struct rl_run *run, struct lab_inst *inst)
{
    struct lo_lab *s = inst->state;
    long a = rl_var_peek(s->account[0]);
    long b = rl_var_peek(s->account[1]);
    long want = 2 * LO_INITIAL;
    long done = 0, backoffs = 0;

    for (long i = 0; i < s->threads; i++) {
        done += s->th[i].transfers;
        backoffs += s->th[i].backoffs;
    }
    rl_check(run, "total money conserved", a + b == want,
             "A = %ld, B = %ld: total %ld, expected %ld", a, b, a + b, want);
    if (s->variant == TRY_BACKOFF)
        rl_check(run, "every transfer done", done == s->threads * s->rounds,
                 "%ld of %ld transfers done, after %ld back-off%s", done,
                 s->threads * s->rounds, backoffs, backoffs == 1 ? "" : "s");
    else
        rl_check(run, "every transfer done", done == s->threads * s->rounds,
                 "%ld of %ld transfers done", done, s->threads * s->rounds);
}

static const struct lab_param lo_params[] = {
    {"threads", "threads; even ones move A->B, odd ones B->A", 2, 4, 2, 8},
    {"rounds", "transfers per thread", 2, 10000, 1, 100000},
};

static const struct lab_variant lo_variants[] = {
    [INVERTED] = {"inverted",
                  "lock source then destination: opposite orders deadlock",
                  false},
    [ORDERED] = {"ordered", "lock_A before lock_B in every thread", true},
    [TRY_BACKOFF] = {"try-backoff",
                     "second lock with acquire(blocking=False), back off",
                     true},
};

static const struct lab lab_lock_order = {
    .order = 60,
    .name = "lock-order",
    .title = "Lock ordering",
    .summary = "transfers in opposite directions deadlock on two Locks",
    .explain =
        "A transfer holds both accounts' locks. T0 takes lock_A then\n"
        "lock_B; T1 goes the other way and takes lock_B then lock_A. If\n"
        "each gets its first lock, each waits forever for the other's:\n"
        "a deadlock, shown as the wait-for cycle T0 -> T1 -> T0. Fix it by\n"
        "taking locks in one global order (A before B) in every thread, or\n"
        "by never waiting while holding: acquire(blocking=False) the\n"
        "second lock and, if it is busy, release the first and retry.",
    .params = lo_params,
    .nparams = LAB_LEN(lo_params),
    .variants = lo_variants,
    .nvariants = LAB_LEN(lo_variants),
    .setup = lo_setup,
    .check = lo_check,
};
LAB_REGISTER(lab_lock_order);
