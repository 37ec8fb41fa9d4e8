/* SPDX-License-Identifier: MIT */
/*
 * rlock.h - exercise: a reentrant lock (Python's RLock) built from a Lock
 * and a Condition.
 *
 * THE TASK
 * Implement an RLock in exercises/rlock.c using only a Lock (rl_lock_create)
 * and a Condition (rl_cond_create) - not rl_rlock_create, that would be
 * cheating. An RLock differs from a Lock in two ways:
 * - it has an owner: the thread that acquired it. Only the owner may
 *   release it.
 * - it counts: the owner may acquire it again without blocking (a function
 *   holding the lock calls another that takes it too), and it is free again
 *   only after as many releases as acquires. That count is the depth.
 *
 * The skeleton just uses a Lock, so a nested acquire blocks forever on a
 * lock its own thread holds: racelab reports that as a deadlock.
 *
 * RULES
 * - Use only the student API of core/racelab.h; build on rl_lock_create and
 *   rl_cond_create (not rl_rlock_create).
 * - The owner and the depth are shared: keep them in rl_var's (rl_load /
 *   rl_store), read and written only while you hold your internal Lock.
 * - rl_self() is the calling thread's id (0, 1, ...); use -1 for "no owner".
 * - Create every object in rlock_create() and allocate the struct with
 *   rl_alloc().
 *
 * ERRORS (as in Python)
 * rlock_release() by a thread that does not own the RLock - another
 * thread's RLock, or one that nobody holds - changes nothing and returns
 * RL_ERR_NOT_OWNER (Python raises RuntimeError "cannot release un-acquired
 * lock"). It must not crash and must not block.
 *
 * HINTS
 * - acquire: if you already own it, depth + 1 and return. Otherwise wait on
 *   the Condition while someone else owns it (a `while`, not an `if`: after a
 *   wake-up, re-check), then become the owner with depth 1.
 * - release: check the owner first; depth - 1; at depth 0 there is no owner
 *   any more: notify a waiter.
 * - Your internal Lock is held only inside these functions, never between
 *   rlock_acquire() and rlock_release(): the caller holds the RLock, not the
 *   Lock.
 *
 * Grade your work with: racelab grade rlock
 */
#ifndef EXERCISE_RLOCK_H
#define EXERCISE_RLOCK_H

#include "exercise.h"

/* The renaming explained in exercise.h: you write rlock_create. */
#define rlock_create RL_EXERCISE_SYM(rlock_create)
#define rlock_acquire RL_EXERCISE_SYM(rlock_acquire)
#define rlock_release RL_EXERCISE_SYM(rlock_release)

struct rlock;

/* A new, free RLock. Called once, before the threads start. */
struct rlock *rlock_create(void);
/* Acquire: block while another thread owns it; the owner acquires again at
 * once (depth + 1). */
void rlock_acquire(struct rlock *r);
/* Release once. RL_OK, or RL_ERR_NOT_OWNER (nothing changed) if the calling
 * thread does not own the RLock. */
int rlock_release(struct rlock *r);

/* ---- for racelab: how labs and the grader call your code ----------------- */

struct rlock_impl {
    struct rlock *(*create)(void);
    void (*acquire)(struct rlock *r);
    int (*release)(struct rlock *r);
};

/* The table of an implementation built with a prefix, defined once in
 * exercises/impl/rlock.c (compiled with the same prefix): you need not write
 * it. */
#ifdef RL_EXERCISE_PREFIX
extern const struct rlock_impl RL_EXERCISE_SYM(rlock_impl);
#endif

#endif
