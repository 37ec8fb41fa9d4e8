/* SPDX-License-Identifier: MIT */
/*
 * bounded_semaphore_no_notify.c - buggy BoundedSemaphore: release forgets
 * to notify, so a waiting acquirer sleeps forever.
 * The grader must report: no deadlock (limit).
 */
#include "../../core/racelab.h"
#include "../../exercises/bounded_semaphore.h"

struct bounded_semaphore {
    rl_lock *lock;
    rl_cond *nonzero;
    rl_var *count;
    long initial;
};

/* A new semaphore holding value units. */
struct bounded_semaphore *bounded_semaphore_create(long value)
{
    struct bounded_semaphore *s = rl_alloc(sizeof *s);

    s->lock = rl_lock_create("bsem.lock");
    s->nonzero = rl_cond_create("bsem.nonzero", s->lock);
    s->count = rl_var_create("bsem.count", value);
    s->initial = value;
    return s;
}

/* Take a unit, waiting while there is none (correct). */
void bounded_semaphore_acquire(struct bounded_semaphore *s)
{
    rl_lock_acquire(s->lock);
    while (rl_load(s->count) == 0)
        rl_cond_wait(s->nonzero);
    rl_store(s->count, rl_load(s->count) - 1);
    rl_lock_release(s->lock);
}

/* Bug: the count goes up but nobody is woken. */
int bounded_semaphore_release(struct bounded_semaphore *s)
{
    int rc = RL_OK;

    rl_lock_acquire(s->lock);
    long count = rl_load(s->count);
    if (count >= s->initial)
        rc = RL_ERR_TOO_MANY;
    else
        rl_store(s->count, count + 1);
    rl_lock_release(s->lock);
    return rc;
}

/* The count, under the lock. */
long bounded_semaphore_value(struct bounded_semaphore *s)
{
    rl_lock_acquire(s->lock);
    long v = rl_load(s->count);
    rl_lock_release(s->lock);
    return v;
}
