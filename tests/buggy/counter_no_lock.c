/* SPDX-License-Identifier: MIT */
/*
 * counter_no_lock.c - buggy counter: increment without any lock.
 * The grader must report: final value, "counter = N, expected M: K updates
 * lost" (concurrent).
 */
#include "../../core/racelab.h"
#include "../../exercises/counter.h"

struct counter {
    rl_var *value;
};

/* A new counter holding 0. */
struct counter *counter_create(void)
{
    struct counter *c = rl_alloc(sizeof *c);

    c->value = rl_var_create("counter.value", 0);
    return c;
}

/* Bug: load and store with no lock. */
void counter_increment(struct counter *c)
{
    rl_store(c->value, rl_load(c->value) + 1);
}

/* The value. */
long counter_get(struct counter *c)
{
    return rl_load(c->value);
}
