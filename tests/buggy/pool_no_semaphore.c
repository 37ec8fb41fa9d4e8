/* SPDX-License-Identifier: MIT */
/*
 * pool_no_semaphore.c - buggy pool: no semaphore; a worker spins while the
 * shared count is at k, then adds one - a check-then-act race, so two
 * workers can both see k - 1 and both go in.
 * The grader must report: limit, "3 threads were inside the section at
 * once (limit 2)" (limit).
 */
#include "../../core/racelab.h"
#include "../../exercises/pool.h"

struct pool {
    long k;
    rl_var *inside;
};

/* A new pool of k places. */
struct pool *pool_create(int k)
{
    struct pool *p = rl_alloc(sizeof *p);

    p->k = k;
    p->inside = rl_var_create("pool.inside", 0);
    return p;
}

/* Bug: the check and the increment are separate steps. */
void pool_enter(struct pool *p)
{
    while (rl_load(p->inside) >= p->k)
        rl_yield();
    rl_store(p->inside, rl_load(p->inside) + 1);
}

/* Leave: one less (also racy). */
void pool_leave(struct pool *p)
{
    rl_store(p->inside, rl_load(p->inside) - 1);
}
