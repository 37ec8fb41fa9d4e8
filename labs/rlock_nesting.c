/* SPDX-License-Identifier: MIT */
/*
 * rlock_nesting.c - a function that holds a lock calls helpers that take
 * the same lock: a plain Lock deadlocks on itself, an RLock nests.
 *
 * read_report() takes the lock so that a report sees both parts
 * consistently, and part1() / part2() take it too because they are also
 * called on their own. With a Lock the second acquire() by the same thread
 * blocks forever: a Lock has no owner, so it cannot know the thread that
 * waits is the one that holds it. An RLock records its owner and a depth
 * (visible in the events: 1, 2, 1, 2, 1, 0) and is free again only when
 * the depth is back to 0.
 */
#include "lab.h"

#include "../core/racelab.h"

enum { LOCK, RLOCK };

/* The lab's state, shared by its threads. */
struct nesting_lab {
    rl_lock *lock;   /* a Lock or an RLock (the variant); guards the vars */
    rl_var *parts;   /* guarded by lock: parts read */
    rl_var *reports; /* guarded by lock: reports made */
    long rounds;     /* read-only after setup */
};

/* Part 1 of a report; takes the lock, as it may be called alone. */
static void part1(struct nesting_lab *s)
{
    rl_lock_acquire(s->lock);
    rl_store(s->parts, rl_load(s->parts) + 1);
    rl_lock_release(s->lock);
}

/* Part 2 of a report; takes the lock, as it may be called alone. */
static void part2(struct nesting_lab *s)
{
    rl_lock_acquire(s->lock);
    rl_store(s->parts, rl_load(s->parts) + 1);
    rl_lock_release(s->lock);
}

/* A whole report: holds the lock across both parts, so it nests. */
static void read_report(struct nesting_lab *s)
{
    rl_lock_acquire(s->lock);
    part1(s); /* Lock: blocks here forever, on a lock this thread holds */
    part2(s);
    rl_store(s->reports, rl_load(s->reports) + 1);
    rl_lock_release(s->lock);
}

/* One thread: rounds reports. */
static void nesting_thread(void *arg)
{
    struct nesting_lab *s = arg;

    for (long r = 0; r < s->rounds; r++)
        read_report(s);
}

/* Create the lock of the variant and the counters; start the threads. */
static void nesting_setup(struct lab_inst *inst)
{
    struct nesting_lab *s = rl_alloc(sizeof *s);
    long threads = lab_inst_param(inst, "threads");

    if (inst->variant == RLOCK)
        s->lock = rl_rlock_create("L");
    else
        s->lock = rl_lock_create("L");
    s->parts = rl_var_create("parts", 0);
    s->reports = rl_var_create("reports", 0);
    s->rounds = lab_inst_param(inst, "rounds");
    inst->state = s;
    for (long t = 0; t < threads; t++)
        rl_thread_start(NULL, nesting_thread, s);
}

/* Every report read two parts, none lost. */
static void nesting_check(struct rl_run *run, struct lab_inst *inst)
{
    struct nesting_lab *s = inst->state;
    long want = lab_inst_param(inst, "threads") * s->rounds;
    long reports = rl_var_peek(s->reports);
    long parts = rl_var_peek(s->parts);

    rl_check(run, "shared values", reports == want && parts == 2 * want,
             "reports = %ld, parts = %ld, expected %ld and %ld", reports, parts,
             want, 2 * want);
}

static const struct lab_param nesting_params[] = {
    {"threads", "threads making reports", 2, 2, 1, 8},
    {"rounds", "reports per thread", 1, 1000, 1, 1000},
};

static const struct lab_variant nesting_variants[] = {
    [LOCK] = {"lock", "a plain Lock: the thread deadlocks on itself", false},
    [RLOCK] = {"rlock", "an RLock: the owner may acquire again (nesting)",
               true},
};

static const struct lab lab_rlock_nesting = {
    .order = 30,
    .name = "rlock-nesting",
    .title = "RLock nesting",
    .summary = "a locked function calls helpers that lock again",
    .explain =
        "read_report() holds the lock and calls part1() and part2(), which\n"
        "take the same lock. A Lock has no owner: the second acquire()\n"
        "waits for a release that only the waiting thread could do, so\n"
        "the thread deadlocks on itself. An RLock (re-entrant lock)\n"
        "remembers its owner and counts: the owner may acquire it again,\n"
        "each release lowers the depth, and others may take it at 0.",
    .params = nesting_params,
    .nparams = LAB_LEN(nesting_params),
    .variants = nesting_variants,
    .nvariants = LAB_LEN(nesting_variants),
    .setup = nesting_setup,
    .check = nesting_check,
};
LAB_REGISTER(lab_rlock_nesting);
