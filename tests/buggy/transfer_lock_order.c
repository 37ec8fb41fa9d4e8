/* SPDX-License-Identifier: MIT */
/*
 * transfer_lock_order.c - buggy bank: locks `from`, then `to`, so two
 * transfers in opposite directions can each hold one lock and wait for the
 * other's.
 * The grader must report: no deadlock, with the wait-for cycle
 * (concurrent).
 */
#include <stdio.h>

#include "../../core/racelab.h"
#include "../../exercises/transfer.h"

struct account {
    rl_lock *lock;
    rl_var *balance;
};

struct bank {
    int n;
    struct account *accounts;
};

/* A bank of n accounts holding initial each. */
struct bank *bank_create(int n, long initial)
{
    struct bank *b = rl_alloc(sizeof *b);
    char name[24];

    b->n = n;
    b->accounts = rl_alloc(sizeof *b->accounts * (unsigned long)n);
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "lock%d", i);
        b->accounts[i].lock = rl_lock_create(name);
        snprintf(name, sizeof name, "balance%d", i);
        b->accounts[i].balance = rl_var_create(name, initial);
    }
    return b;
}

/* Bug: lock order follows the direction of the transfer. */
void bank_transfer(struct bank *b, int from, int to, long amount)
{
    if (from == to)
        return;
    struct account *src = &b->accounts[from];
    struct account *dst = &b->accounts[to];

    rl_lock_acquire(src->lock);
    rl_lock_acquire(dst->lock);
    rl_store(src->balance, rl_load(src->balance) - amount);
    rl_store(dst->balance, rl_load(dst->balance) + amount);
    rl_lock_release(dst->lock);
    rl_lock_release(src->lock);
}

/* The balance of account i, under its lock. */
long bank_balance(struct bank *b, int i)
{
    struct account *a = &b->accounts[i];

    rl_lock_acquire(a->lock);
    long v = rl_load(a->balance);
    rl_lock_release(a->lock);
    return v;
}
