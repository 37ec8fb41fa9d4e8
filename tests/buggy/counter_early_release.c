/* SPDX-License-Identifier: MIT */
/*
 * counter_early_release.c - buggy counter: the lock is released too early
 * (the load is under the lock, the store outside it).
 * The grader must report: final value, "counter = N, expected M: K updates
 * lost" (concurrent).
 */
#include "../../core/racelab.h"
#include "../../exercises/counter.h"

struct counter {
    rl_lock *lock;
    rl_var *value;
};

/* A new counter holding 0. */
struct counter *counter_create(void)
{
    struct counter *c = rl_alloc(sizeof *c);

    c->lock = rl_lock_create("counter.lock");
    c->value = rl_var_create("counter.value", 0);
    return c;
}

/* Bug: the store happens after the release. */
void counter_increment(struct counter *c)
{
    rl_lock_acquire(c->lock);
    long v = rl_load(c->value);
    rl_lock_release(c->lock);
    rl_store(c->value, v + 1);
}

/* The value, under the lock. */
long counter_get(struct counter *c)
{
    rl_lock_acquire(c->lock);
    long v = rl_load(c->value);
    rl_lock_release(c->lock);
    return v;
}
