/* SPDX-License-Identifier: MIT */
/*
 * barrier_phases.c - threads work in phases: in phase 1 each computes its
 * part, in phase 2 each reads everyone's parts. Phase 2 must not start
 * before every thread has finished phase 1, and the next round's phase 1
 * must not start before every thread has finished phase 2.
 *
 * Thread i stores the round number (1, 2, ...) into its shared `part<i>`
 * in phase 1; in phase 2 it loads every other part and expects the same
 * round number. A smaller number means that thread has not finished
 * phase 1 yet; a larger one means it has already run ahead into the next
 * round. Either records a failed check at that moment.
 *   barrier           Barrier(threads).wait() after each phase: nobody
 *                     leaves until all have arrived, and a Barrier resets
 *                     itself for the next use;
 *   none              no synchronization: a fast thread runs ahead;
 *   counter-no-reset  a hand-rolled barrier: under a Lock, add 1 to a
 *                     shared counter; the last to arrive notify_all()s,
 *                     the others wait() on a Condition while the counter
 *                     is below `threads`. It works the first time only:
 *                     nothing resets the counter, so every later
 *                     "barrier" lets everyone straight through (a one-shot
 *                     latch used as if it were a Barrier).
 */
#include "lab.h"

#include <stdio.h>

#include "../core/racelab.h"

enum { BARRIER, NONE, COUNTER_NO_RESET };

#define BP_MAX_THREADS 8
#define BP_PHASE2 "phase 2 after phase 1"
#define BP_ROUND "next round after phase 2"

/* The lab's state, shared by its threads. */
struct bp_lab {
    rl_var *part[BP_MAX_THREADS]; /* part[i]: written by thread i only */
    rl_barrier *barrier;          /* barrier */
    rl_lock *lock;                /* counter-no-reset: guards arrived */
    rl_cond *all_here;            /* counter-no-reset: bound to lock */
    rl_var *arrived;              /* guarded by lock: arrivals, ever */
    long threads, rounds;         /* read-only after setup, as is variant */
    int variant;
};

/* The variant's way of waiting for every thread at the end of a phase. */
static void bp_sync(struct bp_lab *s)
{
    switch (s->variant) {
    case BARRIER:
        rl_barrier_wait(s->barrier);
        break;
    case NONE:
        break; /* bug: nothing stops a fast thread */
    default: {
        rl_lock_acquire(s->lock);
        long n = rl_load(s->arrived) + 1;
        rl_store(s->arrived, n);
        if (n == s->threads)
            rl_cond_notify_all(s->all_here);
        /* bug: after the first use the counter stays >= threads */
        while (rl_load(s->arrived) < s->threads)
            rl_cond_wait(s->all_here);
        rl_lock_release(s->lock);
        break;
    }
    }
}

/* Phase 2 of round r: read every other thread's part. */
static void bp_phase2(struct bp_lab *s, int me, long r)
{
    char round[32] = "";

    if (s->rounds > 1)
        snprintf(round, sizeof round, "round %ld: ", r);
    for (int j = 0; j < s->threads; j++) {
        if (j == me)
            continue;
        long v = rl_load(s->part[j]);
        if (v < r)
            rl_fail(BP_PHASE2,
                    "%sT%d started phase 2 before T%d finished "
                    "phase 1",
                    round, me, j);
        else if (v > r)
            rl_fail(BP_ROUND,
                    "T%d started round %ld before T%d finished "
                    "phase 2 of round %ld",
                    j, v, me, r);
    }
}

/* One thread: rounds of phase 1, sync, phase 2, sync. */
static void bp_thread(void *arg)
{
    struct bp_lab *s = arg;
    int me = rl_self();

    for (long r = 1; r <= s->rounds; r++) {
        rl_store(s->part[me], r); /* phase 1: compute my part */
        bp_sync(s);
        bp_phase2(s, me, r);
        bp_sync(s);
    }
}

/* Create the parts and the variant's barrier; start the threads. */
static void bp_setup(struct lab_inst *inst)
{
    struct bp_lab *s = rl_alloc(sizeof *s);
    char name[RL_NAME_MAX + 8];

    s->threads = lab_inst_param(inst, "threads");
    s->rounds = lab_inst_param(inst, "rounds");
    s->variant = inst->variant;
    for (int i = 0; i < s->threads; i++) {
        snprintf(name, sizeof name, "part%d", i);
        s->part[i] = rl_var_create(name, 0);
    }
    if (s->variant == BARRIER)
        s->barrier = rl_barrier_create("barrier", (int)s->threads);
    else if (s->variant == COUNTER_NO_RESET) {
        s->lock = rl_lock_create("lock");
        s->all_here = rl_cond_create("all_here", s->lock);
        s->arrived = rl_var_create("arrived", 0);
    }
    inst->state = s;
    for (long t = 0; t < s->threads; t++)
        rl_thread_start(NULL, bp_thread, s);
}

/* The failures were recorded as they happened; here, what held. */
static void bp_check(struct rl_run *run, struct lab_inst *inst)
{
    struct bp_lab *s = inst->state;

    rl_check(run, BP_PHASE2, true,
             "every phase 2 saw all %ld parts done (%ld round%s)", s->threads,
             s->rounds, s->rounds == 1 ? "" : "s");
    rl_check(run, BP_ROUND, true,
             "no thread started a round while another was in phase 2");
}

static const struct lab_param bp_params[] = {
    {"threads", "threads working in phases", 3, 4, 2, BP_MAX_THREADS},
    {"rounds", "rounds of phase 1 + phase 2", 2, 1000, 1, 10000},
};

static const struct lab_variant bp_variants[] = {
    [BARRIER] = {"barrier", "Barrier(threads).wait() after each phase", true},
    [NONE] = {"none", "no barrier: phase 2 reads parts not done yet", false},
    [COUNTER_NO_RESET] = {"counter-no-reset",
                          "a hand-made counter barrier, never reset: one use",
                          false},
};

static const struct lab lab_barrier_phases = {
    .order = 90,
    .name = "barrier-phases",
    .title = "Barrier phases",
    .summary = "phase 2 must wait until every thread has finished phase 1",
    .explain =
        "Each thread computes its part in phase 1 and reads all the parts\n"
        "in phase 2, so no thread may start phase 2 before every thread\n"
        "has finished phase 1. Barrier(n).wait() blocks until n threads\n"
        "have called it, then lets them all go, and is ready to be used\n"
        "again. A counter that threads count up and wait on works once:\n"
        "without a reset, the second round's barrier lets everyone through.",
    .params = bp_params,
    .nparams = LAB_LEN(bp_params),
    .variants = bp_variants,
    .nvariants = LAB_LEN(bp_variants),
    .setup = bp_setup,
    .check = bp_check,
};
LAB_REGISTER(lab_barrier_phases);
