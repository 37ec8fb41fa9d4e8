/* SPDX-License-Identifier: MIT */
/*
 * unsafe_counter.c - the lost update: threads increment a shared counter
 * with no synchronization.
 *
 * counter++ is three steps, not one: load the value, add one, store it
 * back. Each step is an API call here, so the scheduler can switch threads
 * between the load and the store; the thread that resumes then stores a
 * value computed from a stale load and overwrites the other's increment.
 * locked_counter.c is the same program with the fix.
 */
#include "lab.h"

#include "../core/racelab.h"

/* The lab's state, shared by its threads. */
struct counter_lab {
    rl_var *counter; /* shared, unguarded: that is the bug */
    long iters;      /* read-only after setup */
};

/* One thread: iters increments, each a separate load and store. */
static void counter_thread(void *arg)
{
    struct counter_lab *s = arg;

    for (long i = 0; i < s->iters; i++) {
        long v = rl_load(s->counter);
        /* another thread may run here and store first: its update is lost */
        rl_store(s->counter, v + 1);
    }
}

/* Create the counter and start the threads. */
static void counter_setup(struct lab_inst *inst)
{
    struct counter_lab *s = rl_alloc(sizeof *s);
    long threads = lab_inst_param(inst, "threads");

    s->counter = rl_var_create("counter", 0);
    s->iters = lab_inst_param(inst, "iters");
    inst->state = s;
    for (long t = 0; t < threads; t++)
        rl_thread_start(NULL, counter_thread, s);
}

/* The counter must equal threads x iters. */
static void counter_check(struct rl_run *run, struct lab_inst *inst)
{
    struct counter_lab *s = inst->state;
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

static const struct lab_param counter_params[] = {
    {"threads", "threads incrementing the counter", 2, 2, 1, 16},
    {"iters", "increments per thread", 3, 1000000, 1, 10000000},
};

static const struct lab_variant counter_variants[] = {
    {"unsafe", "load, add, store with no lock: updates get lost", false},
};

static const struct lab lab_unsafe_counter = {
    .order = 10,
    .name = "unsafe-counter",
    .title = "Unsafe counter",
    .summary = "threads increment a shared counter with no lock",
    .explain =
        "counter += 1 looks like one step but is three: load the value,\n"
        "add one, store it back. If another thread runs between the load\n"
        "and the store, both threads store the same new value and one\n"
        "increment is lost: a race condition. Step through the run and\n"
        "find the load that read a stale value. Whether it happens depends\n"
        "on the schedule, which is why such bugs hide in testing.",
    .params = counter_params,
    .nparams = LAB_LEN(counter_params),
    .variants = counter_variants,
    .nvariants = LAB_LEN(counter_variants),
    .setup = counter_setup,
    .check = counter_check,
};
LAB_REGISTER(lab_unsafe_counter);
