/* SPDX-License-Identifier: MIT */
/*
 * bounded_buffer.h - exercise: the producer/consumer queue, built from a
 * Lock and Conditions.
 *
 * THE TASK
 * Implement a FIFO buffer of fixed capacity in exercises/bounded_buffer.c.
 * Producer threads put items, consumer threads get them, at the same time:
 * - bounded_buffer_put() blocks while the buffer is full, then appends;
 * - bounded_buffer_get() blocks while the buffer is empty, then removes the
 *   oldest item and returns it.
 * Every item put must be got exactly once: none lost, none twice, none
 * invented. This is Python's queue.Queue(maxsize) with put() and get().
 *
 * The skeleton is a ring buffer that works for one thread: it never waits
 * and takes no lock, so with several threads it overwrites items and
 * returns items that were never put.
 *
 * RULES
 * - Use only the student API of core/racelab.h: a Lock (rl_lock_create) and
 *   Conditions on it (rl_cond_create); no Semaphore.
 * - Keep the buffer's state in rl_var's (the slots, count, head, tail), read
 *   and written only while you hold the Lock.
 * - Create every object in bounded_buffer_create() and allocate with
 *   rl_alloc().
 *
 * ERRORS
 * None: put and get wait instead of failing.
 *
 * HINTS
 * - Two Conditions on the same Lock: not_full (producers wait there) and
 *   not_empty (consumers wait there). A put notifies not_empty; a get
 *   notifies not_full.
 * - Always `while (count == capacity) wait;`, never `if`: a woken thread
 *   re-acquires the Lock after others may have run, and the buffer may be
 *   full (or empty) again by then.
 * - With a single Condition for both kinds of thread, notify() can wake the
 *   wrong kind (a producer wakes a producer) and everyone ends up waiting:
 *   use two Conditions, or notify_all.
 *
 * Grade your work with: racelab grade bounded_buffer
 */
#ifndef EXERCISE_BOUNDED_BUFFER_H
#define EXERCISE_BOUNDED_BUFFER_H

#include "exercise.h"

/* The renaming explained in exercise.h: you write bounded_buffer_... */
#define bounded_buffer_create RL_EXERCISE_SYM(bounded_buffer_create)
#define bounded_buffer_put RL_EXERCISE_SYM(bounded_buffer_put)
#define bounded_buffer_get RL_EXERCISE_SYM(bounded_buffer_get)

struct bounded_buffer;

/* A new, empty buffer holding at most capacity items (1 <= capacity <= 16).
 * Called once, before the threads start. */
struct bounded_buffer *bounded_buffer_create(int capacity);
/* Append item; block while the buffer is full. */
void bounded_buffer_put(struct bounded_buffer *b, long item);
/* Remove and return the oldest item; block while the buffer is empty. */
long bounded_buffer_get(struct bounded_buffer *b);

/* ---- for racelab: how labs and the grader call your code ----------------- */

struct bounded_buffer_impl {
    struct bounded_buffer *(*create)(int capacity);
    void (*put)(struct bounded_buffer *b, long item);
    long (*get)(struct bounded_buffer *b);
};

/* The table of an implementation built with a prefix, defined once in
 * exercises/impl/bounded_buffer.c (compiled with the same prefix): you need not write
 * it. */
#ifdef RL_EXERCISE_PREFIX
extern const struct bounded_buffer_impl RL_EXERCISE_SYM(bounded_buffer_impl);
#endif

#endif
