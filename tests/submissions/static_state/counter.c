/* SPDX-License-Identifier: MIT */
/*
 * counter.c - a fake submission whose behaviour depends on state kept
 * across runs in a static variable: the first counter a process creates
 * works, later ones drop their increments. The same schedule then fails
 * in one process and passes in a fresh one, which the grader must report
 * as nondeterminism outside the scheduler, not as a pass or a plain fail.
 */
#include "counter.h"
#include "../core/racelab.h"

struct counter {
    rl_lock *lock;
    rl_var *value;
    int broken; /* set for every counter but a process's first */
};

static int created; /* kept across runs: the bug */

/* A new counter holding 0. */
struct counter *counter_create(void)
{
    struct counter *c = rl_alloc(sizeof *c);

    c->lock = rl_lock_create("counter.lock");
    c->value = rl_var_create("counter.value", 0);
    c->broken = created++ > 0;
    return c;
}

/* Add one, unless this is not the first counter. */
void counter_increment(struct counter *c)
{
    rl_lock_acquire(c->lock);
    long v = rl_load(c->value);
    rl_store(c->value, c->broken ? v : v + 1);
    rl_lock_release(c->lock);
}

/* The current value. */
long counter_get(struct counter *c)
{
    rl_lock_acquire(c->lock);
    long v = rl_load(c->value);
    rl_lock_release(c->lock);
    return v;
}
