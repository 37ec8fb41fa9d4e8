/* SPDX-License-Identifier: MIT */
/*
 * counter.c - YOUR SOLUTION of the counter exercise (the task is in
 * counter.h).
 *
 * As given, this skeleton has no lock at all: counter_increment() is a
 * plain load / add / store, so two threads can load the same value and one
 * of the two updates is lost. It passes with one thread and fails under
 * concurrency. Add a Lock.
 */
#include "counter.h"
#include "../core/racelab.h"

struct counter {
    rl_var *value; /* TODO: which lock guards it? */
};

/* A new counter holding 0. */
struct counter *counter_create(void)
{
    struct counter *c = rl_alloc(sizeof *c);

    c->value = rl_var_create("counter.value", 0);
    /* TODO: create a Lock here (rl_lock_create). */
    return c;
}

/* Add one. */
void counter_increment(struct counter *c)
{
    /* TODO: this is a race: another thread may store between the load and
     * the store. */
    long v = rl_load(c->value);
    rl_store(c->value, v + 1);
}

/* The current value. */
long counter_get(struct counter *c)
{
    return rl_load(c->value);
}
