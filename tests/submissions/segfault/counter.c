/* SPDX-License-Identifier: MIT */
/*
 * counter.c - a fake submission that crashes: counter_increment writes
 * through a NULL pointer. The grader must report a crash (SIGSEGV) for
 * every check that increments, and go on with the others.
 */
#include "counter.h"
#include "../core/racelab.h"

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

/* Crash. */
void counter_increment(struct counter *c)
{
    volatile long *nowhere = (volatile long *)0;

    (void)c;
    *nowhere = 1;
}

/* The current value. */
long counter_get(struct counter *c)
{
    return rl_load(c->value);
}
