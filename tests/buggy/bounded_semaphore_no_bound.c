/* SPDX-License-Identifier: MIT */
/*
 * bounded_semaphore_no_bound.c - buggy BoundedSemaphore: release does not
 * check the bound, so over-release raises the count.
 * The grader must report: over-release, "release() on a new
 * BoundedSemaphore(2) (count at its bound) returned RL_OK; expected
 * RL_ERR_TOO_MANY ..." (over-release).
 */
#include "../../core/racelab.h"
#include "../../exercises/bounded_semaphore.h"

struct bounded_semaphore {
    rl_lock *lock;
    rl_cond *nonzero;
    rl_var *count;
};

/* A new semaphore holding value units. */
struct bounded_semaphore *bounded_semaphore_create(long value)
{
    struct bounded_semaphore *s = rl_alloc(sizeof *s);

    s->lock = rl_lock_create("bsem.lock");
    s->nonzero = rl_cond_create("bsem.nonzero", s->lock);
    s->count = rl_var_create("bsem.count", value);
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

/* Bug: no bound check. */
int bounded_semaphore_release(struct bounded_semaphore *s)
{
    rl_lock_acquire(s->lock);
    rl_store(s->count, rl_load(s->count) + 1);
    rl_cond_notify(s->nonzero);
    rl_lock_release(s->lock);
    return RL_OK;
}

/* The count, under the lock. */
long bounded_semaphore_value(struct bounded_semaphore *s)
{
    rl_lock_acquire(s->lock);
    long v = rl_load(s->count);
    rl_lock_release(s->lock);
    return v;
}
