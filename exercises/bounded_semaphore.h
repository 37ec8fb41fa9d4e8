/* SPDX-License-Identifier: MIT */
/*
 * bounded_semaphore.h - exercise: Python's BoundedSemaphore built from a
 * Lock and a Condition.
 *
 * THE TASK
 * Implement a bounded semaphore in exercises/bounded_semaphore.c using only
 * a Lock (rl_lock_create) and a Condition (rl_cond_create) - not
 * rl_semaphore_create. A semaphore holds a count of free units, starting at
 * value:
 * - acquire takes a unit: it waits while the count is 0, then count - 1.
 * - release gives a unit back: count + 1, and a waiting thread may go on.
 * - "bounded": releasing more than was acquired is a bug in the caller, so
 *   the count may never go above the initial value.
 * Used right, at most `value` threads are between acquire and release at
 * any time. The skeleton neither waits nor checks the bound.
 *
 * RULES
 * - Use only the student API of core/racelab.h; build on rl_lock_create and
 *   rl_cond_create.
 * - Keep the count in an rl_var, read and written only while you hold your
 *   Lock.
 * - Create every object in bounded_semaphore_create() and allocate the
 *   struct with rl_alloc().
 *
 * ERRORS (as in Python)
 * bounded_semaphore_release() when the count is already at its initial
 * value returns RL_ERR_TOO_MANY and leaves the count unchanged (Python
 * raises ValueError "Semaphore released too many times").
 *
 * HINTS
 * - acquire: `while (count == 0) wait;` - a `while`, because another thread
 *   may take the unit between the notify and your wake-up.
 * - release: check the bound before you change anything; after count + 1,
 *   notify one waiter (one unit frees one waiter).
 * - Waiting on the Condition releases the Lock while you wait; that is what
 *   lets a releasing thread in.
 *
 * Grade your work with: racelab grade bounded_semaphore
 */
#ifndef EXERCISE_BOUNDED_SEMAPHORE_H
#define EXERCISE_BOUNDED_SEMAPHORE_H

#include "exercise.h"

/* The renaming explained in exercise.h: you write bounded_semaphore_... */
#define bounded_semaphore_create RL_EXERCISE_SYM(bounded_semaphore_create)
#define bounded_semaphore_acquire RL_EXERCISE_SYM(bounded_semaphore_acquire)
#define bounded_semaphore_release RL_EXERCISE_SYM(bounded_semaphore_release)
#define bounded_semaphore_value RL_EXERCISE_SYM(bounded_semaphore_value)

struct bounded_semaphore;

/* A new semaphore with count value (value >= 1), which is also its bound.
 * Called once, before the threads start. */
struct bounded_semaphore *bounded_semaphore_create(long value);
/* Take a unit: block while the count is 0, then count - 1. */
void bounded_semaphore_acquire(struct bounded_semaphore *s);
/* Give a unit back: RL_OK, or RL_ERR_TOO_MANY (count unchanged) if the
 * count is already at its initial value. */
int bounded_semaphore_release(struct bounded_semaphore *s);
/* The current count (Python's _value), read under the lock. */
long bounded_semaphore_value(struct bounded_semaphore *s);

/* ---- for racelab: how labs and the grader call your code ----------------- */

struct bounded_semaphore_impl {
    struct bounded_semaphore *(*create)(long value);
    void (*acquire)(struct bounded_semaphore *s);
    int (*release)(struct bounded_semaphore *s);
    long (*value)(struct bounded_semaphore *s);
};

/* The table of an implementation built with a prefix, defined once in
 * exercises/impl/bounded_semaphore.c (compiled with the same prefix): you need not write
 * it. */
#ifdef RL_EXERCISE_PREFIX
extern const struct bounded_semaphore_impl
    RL_EXERCISE_SYM(bounded_semaphore_impl);
#endif

#endif
