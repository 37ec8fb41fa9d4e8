/* SPDX-License-Identifier: MIT */
/*
 * rlock.c - reference solution of the rlock exercise.
 *
 * An RLock is a Lock-protected record (owner, depth) plus a Condition to
 * wait on while another thread owns it. The internal Lock is held only
 * inside rlock_acquire / rlock_release; holding the RLock means being its
 * owner, not holding the Lock.
 */
#include "../exercises/rlock.h"
#include "../core/racelab.h"

struct rlock {
    rl_lock *lock;  /* guards owner and depth */
    rl_cond *freed; /* on lock: notified when the owner gives it up */
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

/* Acquire: nest if the caller owns it, else wait until it is free. */
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

/* Release once; RL_ERR_NOT_OWNER and no change unless the caller owns it. */
int rlock_release(struct rlock *r)
{
    int rc = RL_OK;

    rl_lock_acquire(r->lock);
    if (rl_load(r->owner) != rl_self()) {
        rc = RL_ERR_NOT_OWNER;
    } else {
        long depth = rl_load(r->depth) - 1;
        rl_store(r->depth, depth);
        if (depth == 0) {
            rl_store(r->owner, -1);
            rl_cond_notify(r->freed);
        }
    }
    rl_lock_release(r->lock);
    return rc;
}
