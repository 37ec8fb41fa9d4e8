/* SPDX-License-Identifier: MIT */
/*
 * bounded_buffer.c - reference solution of the bounded_buffer exercise.
 *
 * A ring of capacity slots (rl_var's) with head, tail and count, all
 * guarded by one Lock. Producers wait on not_full, consumers on not_empty,
 * each in a `while` loop that re-checks after every wake-up. Since each
 * Condition has only one kind of waiter, and one put makes room for
 * exactly one get (and the reverse), notify() wakes the right thread.
 */
#include <stdio.h>

#include "../core/racelab.h"
#include "../exercises/bounded_buffer.h"

struct bounded_buffer {
    int capacity;       /* set at creation, read-only */
    rl_lock *lock;      /* guards every rl_var below */
    rl_cond *not_full;  /* on lock: producers wait here */
    rl_cond *not_empty; /* on lock: consumers wait here */
    rl_var *count;      /* guarded by lock: items in the buffer */
    rl_var *head;       /* guarded by lock: slot of the oldest item */
    rl_var *tail;       /* guarded by lock: slot of the next put */
    rl_var **slot;      /* guarded by lock: the items */
};

/* A new, empty buffer of capacity slots. */
struct bounded_buffer *bounded_buffer_create(int capacity)
{
    struct bounded_buffer *b = rl_alloc(sizeof *b);
    char name[24];

    b->capacity = capacity;
    b->lock = rl_lock_create("buf.lock");
    b->not_full = rl_cond_create("buf.not_full", b->lock);
    b->not_empty = rl_cond_create("buf.not_empty", b->lock);
    b->count = rl_var_create("buf.count", 0);
    b->head = rl_var_create("buf.head", 0);
    b->tail = rl_var_create("buf.tail", 0);
    b->slot = rl_alloc(sizeof *b->slot * (unsigned long)capacity);
    for (int i = 0; i < capacity; i++) {
        snprintf(name, sizeof name, "buf.slot%d", i);
        b->slot[i] = rl_var_create(name, 0);
    }
    return b;
}

/* Append item, waiting while the buffer is full. */
void bounded_buffer_put(struct bounded_buffer *b, long item)
{
    rl_lock_acquire(b->lock);
    while (rl_load(b->count) == b->capacity)
        rl_cond_wait(b->not_full);
    long tail = rl_load(b->tail);
    rl_store(b->slot[tail], item);
    rl_store(b->tail, (tail + 1) % b->capacity);
    rl_store(b->count, rl_load(b->count) + 1);
    rl_cond_notify(b->not_empty);
    rl_lock_release(b->lock);
}

/* Remove and return the oldest item, waiting while the buffer is empty. */
long bounded_buffer_get(struct bounded_buffer *b)
{
    rl_lock_acquire(b->lock);
    while (rl_load(b->count) == 0)
        rl_cond_wait(b->not_empty);
    long head = rl_load(b->head);
    long item = rl_load(b->slot[head]);
    rl_store(b->head, (head + 1) % b->capacity);
    rl_store(b->count, rl_load(b->count) - 1);
    rl_cond_notify(b->not_full);
    rl_lock_release(b->lock);
    return item;
}
