/* SPDX-License-Identifier: MIT */
/*
 * transfer.c - YOUR SOLUTION of the transfer exercise (the task is in
 * transfer.h).
 *
 * As given, this skeleton moves the money without taking any lock, so two
 * transfers touching the same account can both load its old balance and
 * one of the two updates is lost: money appears or disappears. Each
 * account's Lock is created for you; take both, in a global order.
 */
#include <stdio.h>

#include "../core/racelab.h"
#include "transfer.h"

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

/* Move amount from `from` to `to`. */
void bank_transfer(struct bank *b, int from, int to, long amount)
{
    struct account *src = &b->accounts[from];
    struct account *dst = &b->accounts[to];

    /* TODO: hold both accounts' locks, taken in a global order. */
    rl_store(src->balance, rl_load(src->balance) - amount);
    rl_store(dst->balance, rl_load(dst->balance) + amount);
}

/* The balance of account i. */
long bank_balance(struct bank *b, int i)
{
    /* TODO: read it under its lock. */
    return rl_load(b->accounts[i].balance);
}
