/* SPDX-License-Identifier: MIT */
/*
 * bounded_buffer_notify_one.c - buggy bounded buffer: one Condition for
 * producers and consumers, and notify() where notify_all() is needed, so a
 * producer can wake a producer (or a consumer a consumer) and everybody
 * ends up waiting.
 * The grader must report: no deadlock (producers-consumers, 2 + 2 threads).
 */
#include <stdio.h>

#include "../../core/racelab.h"
#include "../../exercises/bounded_buffer.h"

struct bounded_buffer {
    int capacity;
    rl_lock *lock;
    rl_cond *changed; /* bug: producers and consumers wait here */
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
    b->changed = rl_cond_create("buf.changed", b->lock);
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

/* Append; bug: notify() on the shared Condition may wake a producer. */
void bounded_buffer_put(struct bounded_buffer *b, long item)
{
    rl_lock_acquire(b->lock);
    while (rl_load(b->count) == b->capacity)
        rl_cond_wait(b->changed);
    long tail = rl_load(b->tail);
    rl_store(b->slot[tail], item);
    rl_store(b->tail, (tail + 1) % b->capacity);
    rl_store(b->count, rl_load(b->count) + 1);
    rl_cond_notify(b->changed);
    rl_lock_release(b->lock);
}

/* Remove; bug: notify() on the shared Condition may wake a consumer. */
long bounded_buffer_get(struct bounded_buffer *b)
{
    rl_lock_acquire(b->lock);
    while (rl_load(b->count) == 0)
        rl_cond_wait(b->changed);
    long head = rl_load(b->head);
    long item = rl_load(b->slot[head]);
    rl_store(b->head, (head + 1) % b->capacity);
    rl_store(b->count, rl_load(b->count) - 1);
    rl_cond_notify(b->changed);
    rl_lock_release(b->lock);
    return item;
}
