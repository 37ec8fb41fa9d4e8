/* SPDX-License-Identifier: MIT */
/*
 * rlock.c - YOUR SOLUTION of the rlock exercise (the task is in rlock.h).
 *
 * As given, this skeleton is a plain Lock: it has no owner and no depth.
 * A nested acquire blocks forever on the lock its own thread holds (racelab
 * reports a deadlock), and any thread may release it. The owner, depth and
 * Condition are created for you; use them.
 */
#include "rlock.h"
#include "../core/racelab.h"

struct rlock {
    rl_lock *lock;  /* guards owner and depth */
    rl_cond *freed; /* on lock: for waiting until the RLock is free */
    rl_var *owner;  /* guarded by lock: owning thread id, -1 if free */
    rl_var *depth;  /* guarded by lock: acquires not yet released */
};

/* A new, free RLock. */
struct rlock *rlock_create(void)
{
    struct rlock *r = rl_alloc(sizeof *r);

    r->lock = rl_lock_create("rlock.lock");
    r->freed = rl_cond_create("rlock.freed", r->lock);
    r->owner = rl_var_create("rlock.owner", -1);
    r->depth = rl_var_create("rlock.depth", 0);
    return r;
}

/* Acquire (nested acquires by the owner must not block). */
void rlock_acquire(struct rlock *r)
{
    /* TODO: this holds the internal Lock until release: not reentrant. */
    rl_lock_acquire(r->lock);
}

/* Release once; RL_ERR_NOT_OWNER if the caller does not own it. */
int rlock_release(struct rlock *r)
{
    /* TODO: check the owner, count the depth. */
    rl_lock_release(r->lock);
    return RL_OK;
}
