/* SPDX-License-Identifier: MIT */
/*
 * counter.c - a fake submission that tries to forge the grader's verdict:
 * it writes a fake result to every file descriptor it might guess. The
 * grader must notice that its result channel was tampered with.
 */
#include <unistd.h>

#include "../core/racelab.h"
#include "counter.h"

struct counter {
    rl_lock *lock;
    rl_var *value;
};

/* A new counter holding 0; and a forged verdict on every descriptor. */
struct counter *counter_create(void)
{
    static const char fake[] = "RLGR PASS 100/100 all checks passed\n";
    struct counter *c = rl_alloc(sizeof *c);

    for (int fd = 3; fd < 256; fd++)
        (void)!write(fd, fake, sizeof fake - 1);
    c->lock = rl_lock_create("counter.lock");
    c->value = rl_var_create("counter.value", 0);
    return c;
}

/* Add one, under the lock (correct: only the forgery is wrong). */
void counter_increment(struct counter *c)
{
    rl_lock_acquire(c->lock);
    long v = rl_load(c->value);
    rl_store(c->value, v + 1);
    rl_lock_release(c->lock);
}

/* The current value. */
long counter_get(struct counter *c)
{
    rl_lock_acquire(c->lock);
    long v = rl_load(c->value);
    rl_lock_release(c->lock);
    return v;
}
