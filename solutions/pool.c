/* SPDX-License-Identifier: MIT */
/*
 * pool.c - reference solution of the pool exercise.
 *
 * A BoundedSemaphore of k units is the pool: entering takes a unit (waiting
 * while none is free), leaving gives it back. The check "is a unit free?"
 * and taking it are one step inside the semaphore, so no two workers can
 * both take the last unit. Bounded, so an extra leave would be reported as
 * a misuse instead of silently growing the pool.
 */
#include "../exercises/pool.h"
#include "../core/racelab.h"

struct pool {
    rl_sem *slots; /* free places in the section */
};

/* A new pool of k places. */
struct pool *pool_create(int k)
{
    struct pool *p = rl_alloc(sizeof *p);

    p->slots = rl_bounded_semaphore_create("pool.slots", k);
    return p;
}

/* Take a place, waiting while all k are taken. */
void pool_enter(struct pool *p)
{
    rl_sem_acquire(p->slots);
}

/* Give the place back. */
void pool_leave(struct pool *p)
{
    rl_sem_release(p->slots);
}
