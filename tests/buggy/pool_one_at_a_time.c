/* SPDX-License-Identifier: MIT */
/*
 * pool_one_at_a_time.c - buggy pool: a single Lock, so it is safe but lets
 * only one worker in at a time instead of k.
 * The grader must report: parallelism, "only 1 worker could be inside at
 * once; the pool must admit 3" (parallel).
 */
#include "../../core/racelab.h"
#include "../../exercises/pool.h"

struct pool {
    rl_lock *lock;
};

/* A new pool; bug: k is ignored. */
struct pool *pool_create(int k)
{
    struct pool *p = rl_alloc(sizeof *p);

    (void)k;
    p->lock = rl_lock_create("pool.lock");
    return p;
}

/* Enter: one worker at a time. */
void pool_enter(struct pool *p)
{
    rl_lock_acquire(p->lock);
}

/* Leave. */
void pool_leave(struct pool *p)
{
    rl_lock_release(p->lock);
}
