/* SPDX-License-Identifier: MIT */
/*
 * locked_counter.c - the unsafe counter fixed with a Lock, three ways.
 *
 * The critical section is the whole read-modify-write: load, add, store.
 * `locked` takes the lock around each increment; `coarse` holds it around
 * the whole loop, which is just as correct but runs the threads one after
 * the other; `early-release` releases between the load and the store, so
 * the lock guards nothing that matters and updates are lost again.
 */
#include "lab.h"

#include "../core/racelab.h"

enum { LOCKED, COARSE, EARLY_RELEASE };

/* The lab's state, shared by its threads. */
struct locked_lab {
    rl_lock *lock;   /* guards counter */
    rl_var *counter; /* guarded by lock */
    long iters;      /* read-only after setup */
    int variant;     /* read-only after setup */
};

/* locked: one increment per critical section. */
static void increment_locked(struct locked_lab *s)
{
    for (long i = 0; i < s->iters; i++) {
        rl_lock_acquire(s->lock);
        long v = rl_load(s->counter);
        rl_store(s->counter, v + 1);
        rl_lock_release(s->lock);
    }
}

/* coarse: the whole loop is one critical section. */
static void increment_coarse(struct locked_lab *s)
{
    rl_lock_acquire(s->lock);
    for (long i = 0; i < s->iters; i++) {
        long v = rl_load(s->counter);
        rl_store(s->counter, v + 1);
    }
    rl_lock_release(s->lock);
}

/* early-release (bug): the store happens after the lock is released. */
static void increment_early_release(struct locked_lab *s)
{
    for (long i = 0; i < s->iters; i++) {
        rl_lock_acquire(s->lock);
        long v = rl_load(s->counter);
        rl_lock_release(s->lock);
        /* v may already be stale here: another thread can load and store */
        rl_store(s->counter, v + 1);
    }
}

/* One thread: run the variant's increments. */
static void locked_thread(void *arg)
{
    struct locked_lab *s = arg;

    switch (s->variant) {
    case LOCKED:
        increment_locked(s);
        break;
    case COARSE:
        increment_coarse(s);
        break;
    default:
        increment_early_release(s);
        break;
    }
}

/* Create the lock and the counter and start the threads. */
static void locked_setup(struct lab_inst *inst)
{
    struct locked_lab *s = rl_alloc(sizeof *s);
    long threads = lab_inst_param(inst, "threads");

    s->lock = rl_lock_create("L");
    s->counter = rl_var_create("counter", 0);
    s->iters = lab_inst_param(inst, "iters");
    s->variant = inst->variant;
    inst->state = s;
    for (long t = 0; t < threads; t++)
        rl_thread_start(NULL, locked_thread, s);
}

/* The counter must equal threads x iters. */
static void locked_check(struct rl_run *run, struct lab_inst *inst)
{
    struct locked_lab *s = inst->state;
    long want = lab_inst_param(inst, "threads") * s->iters;
    long got = rl_var_peek(s->counter);

    if (got == want)
        rl_check(run, "final value", true, "counter = %ld, expected %ld", got,
                 want);
    else
        rl_check(run, "final value", false,
                 "counter = %ld, expected %ld: %ld update%s lost", got, want,
                 want - got, want - got == 1 ? "" : "s");
}

static const struct lab_param locked_params[] = {
    {"threads", "threads incrementing the counter", 2, 2, 1, 16},
    {"iters", "increments per thread", 3, 1000000, 1, 10000000},
};

static const struct lab_variant locked_variants[] = {
    [LOCKED] = {"locked", "acquire, load, store, release for each increment",
                true},
    [COARSE] = {"coarse",
                "the lock held around the whole loop: correct, serial", true},
    [EARLY_RELEASE] = {"early-release",
                       "release after the load, store unlocked: updates lost",
                       false},
};

static const struct lab lab_locked_counter = {
    .order = 20,
    .name = "locked-counter",
    .title = "Locked counter",
    .summary = "the shared counter under a Lock: fine and coarse sections",
    .explain =
        "A Lock makes the load-add-store a critical section: while one\n"
        "thread holds the lock, another that calls acquire() blocks until\n"
        "it is released, so no thread can read the counter half-way\n"
        "through another's update. The lock must cover the whole update:\n"
        "`early-release` unlocks before the store and loses updates again.\n"
        "`coarse` holds the lock for the whole loop: correct, but the\n"
        "threads no longer run in parallel.",
    .params = locked_params,
    .nparams = LAB_LEN(locked_params),
    .variants = locked_variants,
    .nvariants = LAB_LEN(locked_variants),
    .setup = locked_setup,
    .check = locked_check,
};
LAB_REGISTER(lab_locked_counter);
