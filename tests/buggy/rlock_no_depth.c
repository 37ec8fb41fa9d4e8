/* SPDX-License-Identifier: MIT */
/*
 * rlock_no_depth.c - buggy RLock: it forgets the depth, so the first
 * release frees it even after a nested acquire.
 * The grader must report: release by owner, "T0 acquired the RLock 2 times,
 * but its release number 2 returned RL_ERR_NOT_OWNER" (nesting).
 */
#include "../../core/racelab.h"
#include "../../exercises/rlock.h"

struct rlock {
    rl_lock *lock;
    rl_cond *freed;
    rl_var *owner;
};

/* A new, free RLock. */
struct rlock *rlock_create(void)
{
    struct rlock *r = rl_alloc(sizeof *r);

    r->lock = rl_lock_create("rlock.lock");
    r->freed = rl_cond_create("rlock.freed", r->lock);
    r->owner = rl_var_create("rlock.owner", -1);
    return r;
}

/* Bug: a nested acquire by the owner is not counted. */
void rlock_acquire(struct rlock *r)
{
    int me = rl_self();

    rl_lock_acquire(r->lock);
    if (rl_load(r->owner) != me) {
        while (rl_load(r->owner) != -1)
            rl_cond_wait(r->freed);
        rl_store(r->owner, me);
    }
    rl_lock_release(r->lock);
}

/* Release: checks the owner, but frees at once. */
int rlock_release(struct rlock *r)
{
    int rc = RL_OK;

    rl_lock_acquire(r->lock);
    if (rl_load(r->owner) != rl_self()) {
        rc = RL_ERR_NOT_OWNER;
    } else {
        rl_store(r->owner, -1);
        rl_cond_notify(r->freed);
    }
    rl_lock_release(r->lock);
    return rc;
}
