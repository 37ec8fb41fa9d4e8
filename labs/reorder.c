/* SPDX-License-Identifier: MIT */
/*
 * reorder.c - many setters write a pair of values; one reader must see
 * each pair whole (the "reorder" benchmark of concurrency testing).
 *
 * Every setter stores a = 1, then b = -1. The reader, the last thread,
 * loads a, then b, and expects either nothing yet (0, 0) or a whole pair
 * (1, -1). A setter preempted between its two stores lets the reader see
 * a = 1 with b = 0: half an update. One preemption is all it takes, at
 * the right place among many threads: a search that treats the order in
 * which threads finish as free explores a factorial number of schedules
 * before it gets there; one that bounds every switch away from round
 * robin finds it at bound 1. `locked` writes and reads each pair under
 * one Lock, so the reader sees it whole.
 */
#include "lab.h"

#include "../core/racelab.h"
#include "lab.h"

enum { UNSAFE, LOCKED };

#define RO_WHOLE "the reader sees whole pairs"

/* The lab's state, shared by its threads. */
struct reorder_lab {
    rl_var *a, *b; /* the pair; unguarded in `unsafe`, under lock in
                      `locked` */
    rl_lock *lock; /* `locked`: guards a and b */
    int variant;   /* read-only after setup */
};

/* A setter: a = 1, then b = -1. */
static void reorder_setter(void *arg)
{
    struct reorder_lab *s = arg;

    if (s->variant == LOCKED)
        rl_lock_acquire(s->lock);
    rl_store(s->a, 1);
    /* unsafe: the reader may run here and see a = 1, b = 0 */
    rl_store(s->b, -1);
    if (s->variant == LOCKED)
        rl_lock_release(s->lock);
}

/* The reader: load a, then b; the pair must be (0, 0) or (1, -1). */
static void reorder_reader(void *arg)
{
    struct reorder_lab *s = arg;

    if (s->variant == LOCKED)
        rl_lock_acquire(s->lock);
    long a = rl_load(s->a);
    long b = rl_load(s->b);
    if (s->variant == LOCKED)
        rl_lock_release(s->lock);
    if (!((a == 0 && b == 0) || (a == 1 && b == -1)))
        rl_fail(RO_WHOLE, "the reader saw a = %ld, b = %ld: half a pair", a, b);
}

/* Create the pair, start the setters, then the reader. */
static void reorder_setup(struct lab_inst *inst)
{
    struct reorder_lab *s = rl_alloc(sizeof *s);
    long setters = lab_inst_param(inst, "setters");

    s->variant = inst->variant;
    s->a = rl_var_create("a", 0);
    s->b = rl_var_create("b", 0);
    if (s->variant == LOCKED)
        s->lock = rl_lock_create("L");
    inst->state = s;
    for (long t = 0; t < setters; t++)
        rl_thread_start(NULL, reorder_setter, s);
    rl_thread_start("R", reorder_reader, s);
}

/* Reached only when no half pair was seen (rl_fail ends the run). */
static void reorder_check(struct rl_run *run, struct lab_inst *inst)
{
    (void)inst;
    rl_check(run, RO_WHOLE, true, "the reader saw a whole pair or none");
}

static const struct lab_param reorder_params[] = {
    {"setters", "threads that write the pair", 4, 10, 1, 63},
};

static const struct lab_variant reorder_variants[] = {
    [UNSAFE] = {"unsafe", "a = 1; b = -1 unguarded: the reader sees half",
                false},
    [LOCKED] = {"locked", "each pair written and read under one Lock", true},
};

static const struct lab lab_reorder = {
    .order = 130,
    .name = "reorder",
    .title = "Reorder",
    .summary = "many setters write a pair; the reader must see it whole",
    .explain =
        "Each setter stores a = 1, then b = -1; the reader loads a, then\n"
        "b. Between a setter's two stores the pair is half written: a\n"
        "reader that runs there sees a = 1, b = 0. One preemption at the\n"
        "right place, among many threads, is all it takes. Write and read\n"
        "the pair under one Lock, and the reader sees it whole.",
    .params = reorder_params,
    .nparams = LAB_LEN(reorder_params),
    .variants = reorder_variants,
    .nvariants = LAB_LEN(reorder_variants),
    .setup = reorder_setup,
    .check = reorder_check,
};

LAB_REGISTER(lab_reorder);
