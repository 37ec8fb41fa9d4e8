/* SPDX-License-Identifier: MIT */
/*
 * barrier_mixed_rounds.c - buggy barrier: no generation counter. Threads
 * count in and wait for count == parties, then count themselves out; a
 * fast thread that comes back for the next round while others are still
 * leaving finds the count at parties again and walks through: rounds mix.
 * The grader must report: rounds, "Tx started round r+1 before Ty finished
 * round r" (rounds).
 */
#include "../../core/racelab.h"
#include "../../exercises/barrier.h"

struct barrier {
    int parties;
    rl_lock *lock;
    rl_cond *released;
    rl_var *count;
};

/* A new barrier for parties threads. */
struct barrier *barrier_create(int parties)
{
    struct barrier *b = rl_alloc(sizeof *b);

    b->parties = parties;
    b->lock = rl_lock_create("barrier.lock");
    b->released = rl_cond_create("barrier.released", b->lock);
    b->count = rl_var_create("barrier.count", 0);
    return b;
}

/* Bug: nothing tells this round's count from the next round's. */
void barrier_wait(struct barrier *b)
{
    rl_lock_acquire(b->lock);
    long count = rl_load(b->count) + 1;
    rl_store(b->count, count);
    if (count == b->parties)
        rl_cond_notify_all(b->released);
    while (rl_load(b->count) < b->parties)
        rl_cond_wait(b->released);
    rl_store(b->count, rl_load(b->count) - 1);
    rl_lock_release(b->lock);
}
