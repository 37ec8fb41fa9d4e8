/* SPDX-License-Identifier: MIT */
/*
 * counter.c - a fake submission that does not compile (a missing
 * semicolon and an undeclared name). The grader must fail "builds" with
 * the compiler's message and mark the other checks not gradable.
 */
#include "counter.h"
#include "../core/racelab.h"

struct counter {
    rl_var *value;
};

/* A new counter holding 0. */
struct counter *counter_create(void)
{
    struct counter *c = rl_alloc(sizeof *c)

                            c->value = rl_var_create("counter.value", 0);
    return c;
}

/* Add one. */
void counter_increment(struct counter *c)
{
    rl_store(c->value, rl_load(c->value) + increment_by);
}

/* The current value. */
long counter_get(struct counter *c)
{
    return rl_load(c->value);
}
