/* SPDX-License-Identifier: MIT */
/*
 * counter.c - a fake submission that ends the process from inside
 * counter_increment with exit(0), as if to pretend everything went well.
 * The grader must report that the process exited before the check
 * finished, never a pass.
 */
#include <stdlib.h>

#include "../core/racelab.h"
#include "counter.h"

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

/* Leave, successfully. */
void counter_increment(struct counter *c)
{
    (void)c;
    exit(0);
}

/* The current value. */
long counter_get(struct counter *c)
{
    return rl_load(c->value);
}
