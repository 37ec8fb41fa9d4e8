/* SPDX-License-Identifier: MIT */
/*
 * counter.c - a fake submission that never returns from counter_increment
 * and makes no racelab call while it spins, so no step limit can stop it:
 * only the grader's wall-clock guard does (a timeout).
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

/* Spin forever. */
void counter_increment(struct counter *c)
{
    volatile unsigned long spins = 0;

    (void)c;
    for (;;)
        spins++;
}

/* The current value. */
long counter_get(struct counter *c)
{
    return rl_load(c->value);
}
