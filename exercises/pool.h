/* SPDX-License-Identifier: MIT */
/*
 * pool.h - exercise: at most K workers inside a section at once, with a
 * semaphore.
 *
 * THE TASK
 * A database accepts at most K connections at a time. Worker threads call
 * pool_enter() before they use a connection and pool_leave() after.
 * Implement both in exercises/pool.c so that at most K workers are between
 * pool_enter() and pool_leave() at any moment - and so that K of them can
 * be: a pool that admits only one worker at a time is safe but wastes K - 1
 * connections, and it fails the checks too.
 *
 * The skeleton lets everybody in.
 *
 * RULES
 * - Use only the student API of core/racelab.h. This is what a Semaphore is
 *   for: rl_semaphore_create (or rl_bounded_semaphore_create), with
 *   rl_sem_acquire and rl_sem_release.
 * - Create every object in pool_create() and allocate with rl_alloc().
 *
 * ERRORS
 * None: pool_enter() waits instead of failing. pool_leave() is only called
 * by a worker that entered.
 *
 * HINTS
 * - Python: `pool = threading.BoundedSemaphore(K)`; `with pool: ...`.
 * - "check the count, then add one" on a shared variable is a check-then-
 *   act race: two workers can both see K - 1 and both go in. A semaphore
 *   does the check and the decrement as one step.
 *
 * Grade your work with: racelab grade pool
 */
#ifndef EXERCISE_POOL_H
#define EXERCISE_POOL_H

#include "exercise.h"

/* The renaming explained in exercise.h: you write pool_create. */
#define pool_create RL_EXERCISE_SYM(pool_create)
#define pool_enter RL_EXERCISE_SYM(pool_enter)
#define pool_leave RL_EXERCISE_SYM(pool_leave)

struct pool;

/* A new pool admitting at most k workers at once (k >= 1). Called once,
 * before the threads start. */
struct pool *pool_create(int k);
/* Enter the section: block while k workers are inside. */
void pool_enter(struct pool *p);
/* Leave the section (the caller entered it), letting a waiting worker in. */
void pool_leave(struct pool *p);

/* ---- for racelab: how labs and the grader call your code ----------------- */

struct pool_impl {
    struct pool *(*create)(int k);
    void (*enter)(struct pool *p);
    void (*leave)(struct pool *p);
};

/* The table of an implementation built with a prefix, defined once in
 * exercises/impl/pool.c (compiled with the same prefix): you need not write
 * it. */
#ifdef RL_EXERCISE_PREFIX
extern const struct pool_impl RL_EXERCISE_SYM(pool_impl);
#endif

#endif
