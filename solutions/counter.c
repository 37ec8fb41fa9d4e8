/* SPDX-License-Identifier: MIT */
/*
 * counter.c - reference solution of the counter exercise.
 *
 * The value is an rl_var guarded by one Lock: the load, the add and the
 * store of an increment form one critical section, so no other thread can
 * store in between and no update is lost.
 */
#include "../exercises/counter.h"
#include "../core/racelab.h"

struct counter {
    rl_lock *lock; /* guards value */
    rl_var *value; /* guarded by lock */
};

/* A new counter holding 0; its Lock and variable belong to the run. */
struct counter *counter_create(void)
{
    struct counter *c = rl_alloc(sizeof *c);

    c->lock = rl_lock_create("counter.lock");
    c->value = rl_var_create("counter.value", 0);
    return c;
}

/* Add one: load, add, store, all under the lock. */
void counter_increment(struct counter *c)
{
    rl_lock_acquire(c->lock);
    long v = rl_load(c->value);
    rl_store(c->value, v + 1);
    rl_lock_release(c->lock);
}

/* The value, read under the lock. */
long counter_get(struct counter *c)
{
    rl_lock_acquire(c->lock);
    long v = rl_load(c->value);
    rl_lock_release(c->lock);
    return v;
}
