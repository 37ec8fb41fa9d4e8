/* SPDX-License-Identifier: MIT */
/*
 * rlock_no_owner_check.c - buggy RLock: release does not check the owner,
 * so any thread can release another's RLock.
 * The grader must report: non-owner release, "T1 called release() on the
 * RLock owned by T0 and got RL_OK; expected RL_ERR_NOT_OWNER ..." (non-owner).
 */
#include "../../core/racelab.h"
#include "../../exercises/rlock.h"

struct rlock {
    rl_lock *lock;
    rl_cond *freed;
    rl_var *owner;
    rl_var *depth;
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

/* Acquire, nesting for the owner (correct). */
void rlock_acquire(struct rlock *r)
{
    int me = rl_self();

    rl_lock_acquire(r->lock);
    if (rl_load(r->owner) == me) {
        rl_store(r->depth, rl_load(r->depth) + 1);
    } else {
        while (rl_load(r->owner) != -1)
            rl_cond_wait(r->freed);
        rl_store(r->owner, me);
        rl_store(r->depth, 1);
    }
    rl_lock_release(r->lock);
}

/* Bug: whoever calls it releases one level. */
int rlock_release(struct rlock *r)
{
    rl_lock_acquire(r->lock);
    long depth = rl_load(r->depth) - 1;
    rl_store(r->depth, depth);
    if (depth <= 0) {
        rl_store(r->depth, 0);
        rl_store(r->owner, -1);
        rl_cond_notify(r->freed);
    }
    rl_lock_release(r->lock);
    return RL_OK;
}
