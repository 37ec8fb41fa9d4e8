/* SPDX-License-Identifier: MIT */
/*
 * transfer_read_outside.c - buggy bank: reads both balances before taking
 * the locks (in a correct order), then writes them back under the locks; a
 * transfer that ran in between is overwritten and money is lost or made.
 * The grader must report: total money, "total money N, expected 300"
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

/* Bug: the balances are read before the locks are held. */
void bank_transfer(struct bank *b, int from, int to, long amount)
{
    if (from == to)
        return;
    struct account *src = &b->accounts[from];
    struct account *dst = &b->accounts[to];
    struct account *first = from < to ? src : dst;
    struct account *second = from < to ? dst : src;
    long src_balance = rl_load(src->balance);
    long dst_balance = rl_load(dst->balance);

    rl_lock_acquire(first->lock);
    rl_lock_acquire(second->lock);
    rl_store(src->balance, src_balance - amount);
    rl_store(dst->balance, dst_balance + amount);
    rl_lock_release(second->lock);
    rl_lock_release(first->lock);
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
