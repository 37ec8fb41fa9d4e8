/* SPDX-License-Identifier: MIT */
/*
 * counter.c - a fake submission that prints what a naive grader would
 * take for success ("PASS", a JSON report with full marks) and is
 * otherwise the skeleton: no lock. The grader must ignore the text (show
 * it as output) and report the lost updates.
 */
#include <stdio.h>

#include "../core/racelab.h"
#include "counter.h"

struct counter {
    rl_var *value;
};

/* A new counter holding 0, announced loudly. */
struct counter *counter_create(void)
{
    struct counter *c = rl_alloc(sizeof *c);

    c->value = rl_var_create("counter.value", 0);
    printf("PASS\n");
    printf("{\"score\": 100, \"tests\": [{\"name\": \"counter\", "
           "\"status\": \"passed\"}]}\n");
    fflush(stdout);
    return c;
}

/* Add one, without a lock. */
void counter_increment(struct counter *c)
{
    long v = rl_load(c->value);

    rl_store(c->value, v + 1);
}

/* The current value. */
long counter_get(struct counter *c)
{
    return rl_load(c->value);
}
