/* SPDX-License-Identifier: MIT */
/*
 * bounded_semaphore.c - reference solution of the bounded_semaphore
 * exercise.
 *
 * The count is an rl_var guarded by a Lock; acquirers wait on a Condition
 * while it is 0. release checks the bound before changing anything, as
 * Python's BoundedSemaphore does, and wakes one waiter per unit.
 */
#include "../exercises/bounded_semaphore.h"
#include "../core/racelab.h"

struct bounded_semaphore {
    rl_lock *lock;    /* guards count */
    rl_cond *nonzero; /* on lock: notified when a unit is given back */
    rl_var *count;    /* guarded by lock: free units, 0 .. initial */
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
    rl_lock_acquire(s->lock);
    while (rl_load(s->count) == 0)
        rl_cond_wait(s->nonzero);
    rl_store(s->count, rl_load(s->count) - 1);
    rl_lock_release(s->lock);
}

/* Give a unit back; RL_ERR_TOO_MANY (no change) above the bound. */
int bounded_semaphore_release(struct bounded_semaphore *s)
{
    int rc = RL_OK;

    rl_lock_acquire(s->lock);
    long count = rl_load(s->count);
    if (count >= s->initial) {
        rc = RL_ERR_TOO_MANY;
    } else {
        rl_store(s->count, count + 1);
        rl_cond_notify(s->nonzero);
    }
    rl_lock_release(s->lock);
    return rc;
}

/* The count, read under the lock. */
long bounded_semaphore_value(struct bounded_semaphore *s)
{
    rl_lock_acquire(s->lock);
    long count = rl_load(s->count);
    rl_lock_release(s->lock);
    return count;
}
