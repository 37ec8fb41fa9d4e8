/* SPDX-License-Identifier: MIT */
/*
 * barrier.c - reference solution of the barrier exercise.
 *
 * Arrivals are counted under a Lock; the rounds are numbered by a
 * generation counter. A waiter remembers the generation it arrived in and
 * waits until it changes, so a fast thread that already arrived in the next
 * round (count 1 again) cannot hold back or release a slow thread of the
 * previous round: the two rounds never mix.
 */
#include "../exercises/barrier.h"
#include "../core/racelab.h"

struct barrier {
    int parties;        /* set at creation, read-only */
    rl_lock *lock;      /* guards count and generation */
    rl_cond *released;  /* on lock: notified when a round completes */
    rl_var *count;      /* guarded by lock: arrivals in this round */
    rl_var *generation; /* guarded by lock: the round number */
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

/* Arrive; the last arrival of a round releases everybody of that round. */
void barrier_wait(struct barrier *b)
{
    rl_lock_acquire(b->lock);
    long gen = rl_load(b->generation);
    long count = rl_load(b->count) + 1;
    if (count == b->parties) {
        rl_store(b->count, 0);
        rl_store(b->generation, gen + 1);
        rl_cond_notify_all(b->released);
    } else {
        rl_store(b->count, count);
        while (rl_load(b->generation) == gen)
            rl_cond_wait(b->released);
    }
    rl_lock_release(b->lock);
}
