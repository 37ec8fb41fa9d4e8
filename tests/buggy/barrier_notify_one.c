/* SPDX-License-Identifier: MIT */
/*
 * barrier_notify_one.c - buggy barrier: the last thread of a round wakes
 * one waiter (notify) instead of all of them (notify_all); the others wait
 * forever.
 * The grader must report: no deadlock (rounds, 3 threads).
 */
#include "../../core/racelab.h"
#include "../../exercises/barrier.h"

struct barrier {
    int parties;
    rl_lock *lock;
    rl_cond *released;
    rl_var *count;
    rl_var *generation;
};

/* A new barrier for parties threads. */
struct barrier *barrier_create(int parties)
{
    struct barrier *b = rl_alloc(sizeof *b);

    b->parties = parties;
    b->lock = rl_lock_create("barrier.lock");
    b->released = rl_cond_create("barrier.released", b->lock);
    b->count = rl_var_create("barrier.count", 0);
    b->generation = rl_var_create("barrier.generation", 0);
    return b;
}

/* Bug: notify() wakes only one of the parties - 1 waiters. */
void barrier_wait(struct barrier *b)
{
    rl_lock_acquire(b->lock);
    long gen = rl_load(b->generation);
    long count = rl_load(b->count) + 1;
    if (count == b->parties) {
        rl_store(b->count, 0);
        rl_store(b->generation, gen + 1);
        rl_cond_notify(b->released);
    } else {
        rl_store(b->count, count);
        while (rl_load(b->generation) == gen)
            rl_cond_wait(b->released);
    }
    rl_lock_release(b->lock);
}
