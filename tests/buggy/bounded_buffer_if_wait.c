/* SPDX-License-Identifier: MIT */
/*
 * bounded_buffer_if_wait.c - buggy bounded buffer: `if` instead of `while`
 * around wait, so a woken consumer does not re-check and takes from an
 * empty buffer (another consumer got there first).
 * The grader must report: each item once, "item N was consumed twice" or
 * "Cx got item 0, which was never put" (producers-consumers).
 */
#include <stdio.h>

#include "../../core/racelab.h"
#include "../../exercises/bounded_buffer.h"

struct bounded_buffer {
    int capacity;
    rl_lock *lock;
    rl_cond *not_full;
    rl_cond *not_empty;
    rl_var *count;
    rl_var *head;
    rl_var *tail;
    rl_var **slot;
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

/* Bug: `if` around wait. */
void bounded_buffer_put(struct bounded_buffer *b, long item)
{
    rl_lock_acquire(b->lock);
    if (rl_load(b->count) >= b->capacity)
        rl_cond_wait(b->not_full);
    long tail = rl_load(b->tail);
    rl_store(b->slot[tail], item);
    rl_store(b->tail, (tail + 1) % b->capacity);
    rl_store(b->count, rl_load(b->count) + 1);
    rl_cond_notify(b->not_empty);
    rl_lock_release(b->lock);
}

/* Bug: `if` around wait. */
long bounded_buffer_get(struct bounded_buffer *b)
{
    rl_lock_acquire(b->lock);
    if (rl_load(b->count) <= 0)
        rl_cond_wait(b->not_empty);
    long head = rl_load(b->head);
    long item = rl_load(b->slot[head]);
    rl_store(b->head, (head + 1) % b->capacity);
    rl_store(b->count, rl_load(b->count) - 1);
    rl_cond_notify(b->not_full);
    rl_lock_release(b->lock);
    return item;
}
