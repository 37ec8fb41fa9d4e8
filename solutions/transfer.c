/* SPDX-License-Identifier: MIT */
/*
 * transfer.c - reference solution of the transfer exercise.
 *
 * Each account has a balance and a Lock guarding it. A transfer holds both
 * accounts' locks while it reads and writes both balances, so no update is
 * lost; it always takes the lock of the lower-numbered account first, so no
 * two transfers can each hold one lock and wait for the other's (a cycle in
 * the wait-for graph needs someone to lock a higher account before a lower
 * one). A transfer to the same account does nothing and takes no lock.
 */
#include <stdio.h>

#include "../core/racelab.h"
#include "../exercises/transfer.h"

struct account {
    rl_lock *lock;   /* guards balance */
    rl_var *balance; /* guarded by lock */
};

struct bank {
    int n;                    /* set at creation, read-only */
    struct account *accounts; /* n of them */
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

/* Move amount from `from` to `to`, locking the lower account first. */
void bank_transfer(struct bank *b, int from, int to, long amount)
{
    if (from == to)
        return;
    struct account *src = &b->accounts[from];
    struct account *dst = &b->accounts[to];
    struct account *first = from < to ? src : dst;
    struct account *second = from < to ? dst : src;

    rl_lock_acquire(first->lock);
    rl_lock_acquire(second->lock);
    rl_store(src->balance, rl_load(src->balance) - amount);
    rl_store(dst->balance, rl_load(dst->balance) + amount);
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
