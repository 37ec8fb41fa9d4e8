/* SPDX-License-Identifier: MIT */
/*
 * barrier.c - YOUR SOLUTION of the barrier exercise (the task is in
 * barrier.h).
 *
 * As given, this skeleton is a one-shot barrier: it counts arrivals and
 * waits until all parties have arrived, but never resets the count. Round 1
 * works; from round 2 on the count is already `parties`, so every thread
 * walks straight through without waiting for the others. Make it reusable.
 */
#include "barrier.h"
#include "../core/racelab.h"

struct barrier {
    int parties;       /* set at creation, read-only */
    rl_lock *lock;     /* guards count */
    rl_cond *released; /* on lock: notified when a round completes */
    rl_var *count;     /* guarded by lock: arrivals (never reset: TODO) */
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

/* Arrive, and wait until every party has arrived in this round. */
void barrier_wait(struct barrier *b)
{
    rl_lock_acquire(b->lock);
    long count = rl_load(b->count) + 1;
    rl_store(b->count, count);
    if (count == b->parties)
        rl_cond_notify_all(b->released);
    /* TODO: which round is this? count keeps growing after round 1. */
    while (rl_load(b->count) < b->parties)
        rl_cond_wait(b->released);
    rl_lock_release(b->lock);
}
