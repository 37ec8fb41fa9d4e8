/* SPDX-License-Identifier: MIT */
/*
 * bounded_semaphore.c - YOUR SOLUTION of the bounded_semaphore exercise
 * (the task is in bounded_semaphore.h).
 *
 * As given, this skeleton only adds and subtracts: acquire does not wait
 * when the count is 0, release does not check the bound, and nothing takes
 * the Lock. The Lock and the Condition are created for you; use them.
 */
#include "bounded_semaphore.h"
#include "../core/racelab.h"

struct bounded_semaphore {
    rl_lock *lock;    /* guards count */
    rl_cond *nonzero; /* on lock: for waiting until a unit is free */
    rl_var *count;    /* guarded by lock: free units */
    long initial;     /* set at creation, read-only */
};

/* A new semaphore holding value units, bounded by value. */
struct bounded_semaphore *bounded_semaphore_create(long value)
{
    struct bounded_semaphore *s = rl_alloc(sizeof *s);

    s->lock = rl_lock_create("bsem.lock");
    s->nonzero = rl_cond_create("bsem.nonzero", s->lock);
    s->count = rl_var_create("bsem.count", value);
    s->initial = value;
    return s;
}

/* Take a unit, waiting while there is none. */
void bounded_semaphore_acquire(struct bounded_semaphore *s)
{
    /* TODO: wait while the count is 0; hold the lock. */
    rl_store(s->count, rl_load(s->count) - 1);
}

/* Give a unit back; RL_ERR_TOO_MANY (no change) above the bound. */
int bounded_semaphore_release(struct bounded_semaphore *s)
{
    /* TODO: check the bound; wake a waiter; hold the lock. */
    rl_store(s->count, rl_load(s->count) + 1);
    return RL_OK;
}

/* The count, read under the lock. */
long bounded_semaphore_value(struct bounded_semaphore *s)
{
    return rl_load(s->count);
}
