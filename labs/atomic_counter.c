/* SPDX-License-Identifier: MIT */
/*
 * atomic_counter.c - the shared counter three ways: one atomic
 * fetch-and-add, the unsafe load + store, and a Lock.
 *
 * rl_fetch_add() is C11's atomic_fetch_add (std::atomic, Java's
 * AtomicLong.getAndIncrement): the read, the add and the write happen as
 * one indivisible step that no other thread can split, so nothing is lost
 * and nothing needs a lock. `load-store` is the same increment as two
 * steps, with the gap where another thread's update gets lost. `lock`
 * makes the two steps a critical section: correct, but each increment now
 * costs an acquire and a release as well. On the sim backend compare the
 * steps per increment (1, 2, 4); on the os backend compare the time, with
 * real threads on real cores: the atomic add is usually the fastest,
 * the lock the slowest under contention.
 */
#include "lab.h"

#include "../core/racelab.h"

enum { FETCH_ADD, LOAD_STORE, LOCK };

/* The lab's state, shared by its threads. */
struct atomic_lab {
    rl_var *counter; /* atomic in fetch-add; guarded by lock in `lock` */
    rl_lock *lock;   /* `lock` only */
    long iters;      /* read-only after setup, as is variant */
    int variant;
};

/* One thread: iters increments, the variant's way. */
static void atomic_thread(void *arg)
{
    struct atomic_lab *s = arg;

    for (long i = 0; i < s->iters; i++) {
        switch (s->variant) {
        case FETCH_ADD:
            rl_fetch_add(s->counter, 1); /* one indivisible step */
            break;
        case LOAD_STORE: {
            long v = rl_load(s->counter);
            /* another thread may store here: its update is lost */
            rl_store(s->counter, v + 1);
            break;
        }
        default:
            rl_lock_acquire(s->lock);
            rl_store(s->counter, rl_load(s->counter) + 1);
            rl_lock_release(s->lock);
            break;
        }
    }
}

/* Create the counter (and the lock); start the threads. */
static void atomic_setup(struct lab_inst *inst)
{
    struct atomic_lab *s = rl_alloc(sizeof *s);
    long threads = lab_inst_param(inst, "threads");

    s->counter = rl_var_create("counter", 0);
    s->variant = inst->variant;
    if (s->variant == LOCK)
        s->lock = rl_lock_create("L");
    s->iters = lab_inst_param(inst, "iters");
    inst->state = s;
    for (long t = 0; t < threads; t++)
        rl_thread_start(NULL, atomic_thread, s);
}

/* The counter must equal threads x iters; the message also says what an
 * increment costs in this variant, to compare with the others. */
static void atomic_check(struct rl_run *run, struct lab_inst *inst)
{
    static const int calls[] = {[FETCH_ADD] = 1, [LOAD_STORE] = 2, [LOCK] = 4};
    struct atomic_lab *s = inst->state;
    long want = lab_inst_param(inst, "threads") * s->iters;
    long got = rl_var_peek(s->counter);
    int c = calls[s->variant];

    if (got == want)
        rl_check(run, "final value", true,
                 "counter = %ld, expected %ld; %d step%s per increment", got,
                 want, c, c == 1 ? "" : "s");
    else
        rl_check(run, "final value", false,
                 "counter = %ld, expected %ld: %ld update%s lost; %d step%s "
                 "per increment",
                 got, want, want - got, want - got == 1 ? "" : "s", c,
                 c == 1 ? "" : "s");
}

static const struct lab_param atomic_params[] = {
    {"threads", "threads incrementing the counter", 2, 4, 1, 16},
    {"iters", "increments per thread", 3, 1000000, 1, 10000000},
};

static const struct lab_variant atomic_variants[] = {
    [FETCH_ADD] = {"fetch-add", "atomic fetch_add: one indivisible step", true},
    [LOAD_STORE] = {"load-store", "load, then store: updates get lost", false},
    [LOCK] = {"lock", "load and store under a Lock: correct, costlier", true},
};

static const struct lab lab_atomic_counter = {
    .order = 100,
    .name = "atomic-counter",
    .title = "Atomic counter",
    .summary = "C11 atomic fetch_add against load + store and a Lock",
    .explain =
        "An atomic fetch_add reads, adds and writes as one indivisible\n"
        "step: no other thread can run in between, so no update is lost\n"
        "and no lock is needed. The same increment as a load and a store\n"
        "loses updates; a Lock around them is correct but costs two more\n"
        "operations each time. Atomics fit one variable and one operation;\n"
        "an update of several variables together still needs a lock.\n"
        "Run on the os backend to compare the speed on real cores.",
    .params = atomic_params,
    .nparams = LAB_LEN(atomic_params),
    .variants = atomic_variants,
    .nvariants = LAB_LEN(atomic_variants),
    .setup = atomic_setup,
    .check = atomic_check,
};
LAB_REGISTER(lab_atomic_counter);
