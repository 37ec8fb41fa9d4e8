/* SPDX-License-Identifier: MIT */
/*
 * counter.h - exercise: a counter that several threads increment at once.
 *
 * THE TASK
 * Implement the three functions below in exercises/counter.c so that they
 * are correct under every schedule. Several threads call
 * counter_increment() at the same time; each call must add exactly one.
 * With 2 threads doing 3 increments each, counter_get() must return 6
 * afterwards - not usually, always.
 *
 * WHY IT BREAKS
 * counter_increment() is Python's `self.value += 1`, which is three steps:
 * load the value, add one, store it back. If another thread stores between
 * your load and your store, your store overwrites it and one update is
 * lost. The skeleton does exactly that; run it and watch the trace.
 *
 * RULES
 * - Use only the student API of core/racelab.h.
 * - Keep the value in an rl_var and touch it only with rl_load / rl_store,
 *   so that racelab sees every access and can switch threads around it.
 * - Create every object (rl_lock_create, rl_var_create) in
 *   counter_create(): objects are made before the threads start. Allocate
 *   the struct with rl_alloc(); it is freed with the run, never by you.
 *
 * ERRORS
 * None: these functions cannot fail.
 *
 * HINTS
 * - Python: `with self.lock: self.value += 1`. In C: rl_lock_acquire,
 *   the load and the store, rl_lock_release.
 * - The load and the store must both happen while you hold the lock:
 *   taking it only around the load is the classic "released too early".
 * - counter_get() reads shared state too: take the lock there as well.
 *
 * Grade your work with: racelab grade counter
 */
#ifndef EXERCISE_COUNTER_H
#define EXERCISE_COUNTER_H

#include "exercise.h"

/* The renaming explained in exercise.h: you write counter_create. */
#define counter_create RL_EXERCISE_SYM(counter_create)
#define counter_increment RL_EXERCISE_SYM(counter_increment)
#define counter_get RL_EXERCISE_SYM(counter_get)

struct counter;

/* A new counter holding 0. Called once, before the threads start. */
struct counter *counter_create(void);
/* Add one. Called by many threads at once; no update may be lost. */
void counter_increment(struct counter *c);
/* The current value. */
long counter_get(struct counter *c);

/* ---- for racelab: how labs and the grader call your code ----------------- */

struct counter_impl {
    struct counter *(*create)(void);
    void (*increment)(struct counter *c);
    long (*get)(struct counter *c);
};

/* The table of an implementation built with a prefix, defined once in
 * exercises/impl/counter.c (compiled with the same prefix): you need not write
 * it. */
#ifdef RL_EXERCISE_PREFIX
extern const struct counter_impl RL_EXERCISE_SYM(counter_impl);
#endif

#endif
