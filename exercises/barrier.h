/* SPDX-License-Identifier: MIT */
/*
 * barrier.h - exercise: a reusable barrier for N threads, built from a Lock
 * and a Condition.
 *
 * THE TASK
 * Implement a barrier in exercises/barrier.c using only a Lock
 * (rl_lock_create) and a Condition (rl_cond_create) - not
 * rl_barrier_create. N threads work in rounds; at the end of each round
 * every thread calls barrier_wait(), which blocks until all N have arrived,
 * then lets them all go on to the next round. Like Python's
 * threading.Barrier(N), it is reusable: the same barrier separates round 1
 * from round 2, round 2 from round 3, and so on.
 *
 * The skeleton counts arrivals but never resets the count: it works for
 * round 1, and from round 2 on it lets every thread straight through.
 *
 * THE TRAP
 * Resetting the count is not enough. The last thread to arrive wakes the
 * others, but they wake up one by one, later. A fast thread can run into
 * round 2 and call barrier_wait() again before a slow one has even left
 * round 1: if the waiters test "count == N" or "count == 0", the fast
 * thread's arrival changes what the slow one sees, and rounds mix (or
 * everybody waits forever).
 *
 * RULES
 * - Use only the student API of core/racelab.h; build on rl_lock_create and
 *   rl_cond_create.
 * - Keep the barrier's state in rl_var's, read and written only while you
 *   hold the Lock.
 * - Create every object in barrier_create() and allocate with rl_alloc().
 *
 * ERRORS
 * None (this barrier has no timeout, so it cannot break).
 *
 * HINTS
 * - Number the rounds: a generation counter in an rl_var. Remember the
 *   generation when you arrive and wait `while` it is unchanged; the last
 *   thread to arrive resets the count, starts the next generation and
 *   notifies all.
 * - notify_all, not notify: all N - 1 waiters must go.
 *
 * Grade your work with: racelab grade barrier
 */
#ifndef EXERCISE_BARRIER_H
#define EXERCISE_BARRIER_H

#include "exercise.h"

/* The renaming explained in exercise.h: you write barrier_create. */
#define barrier_create RL_EXERCISE_SYM(barrier_create)
#define barrier_wait RL_EXERCISE_SYM(barrier_wait)

struct barrier;

/* A new barrier for parties threads (parties >= 1). Called once, before the
 * threads start. */
struct barrier *barrier_create(int parties);
/* Block until parties threads have called barrier_wait() in this round;
 * then all of them return and the next round begins. */
void barrier_wait(struct barrier *b);

/* ---- for racelab: how labs and the grader call your code ----------------- */

struct barrier_impl {
    struct barrier *(*create)(int parties);
    void (*wait)(struct barrier *b);
};

/* The table of an implementation built with a prefix, defined once in
 * exercises/impl/barrier.c (compiled with the same prefix): you need not write
 * it. */
#ifdef RL_EXERCISE_PREFIX
extern const struct barrier_impl RL_EXERCISE_SYM(barrier_impl);
#endif

#endif
