/* SPDX-License-Identifier: MIT */
/*
 * transfer.h - exercise: move money between bank accounts, each with its
 * own lock, without deadlock and without losing money.
 *
 * THE TASK
 * A bank has n accounts. Each account has a balance (an rl_var) and its own
 * Lock, so that transfers between different accounts can run in parallel.
 * Implement bank_transfer() in exercises/transfer.c: it moves amount from
 * one account to another, holding the locks of BOTH accounts while it
 * reads and writes the two balances. Under every schedule:
 * - no money is created or lost: the total stays n * initial, and each
 *   account ends with exactly what its transfers say;
 * - no deadlock.
 *
 * The skeleton moves the money without taking any lock.
 *
 * THE TRAP
 * "Lock from, then lock to" deadlocks: T0 transfers A -> B and holds A's
 * lock, T1 transfers B -> A and holds B's lock; each waits for the other's
 * lock forever. The cure is a global order: always lock the account with
 * the smaller number first, whatever the direction of the transfer.
 *
 * RULES
 * - Use only the student API of core/racelab.h: one rl_lock per account
 *   (no single lock for the whole bank: that is correct but serializes
 *   every transfer, and it is not the exercise).
 * - Read and write a balance only while you hold that account's lock.
 * - Create every object in bank_create() and allocate with rl_alloc().
 *
 * ERRORS
 * None. Balances may go negative (this bank lends). A transfer from an
 * account to itself changes nothing - and must not deadlock: a Lock is not
 * reentrant, so acquiring the same account's lock twice blocks forever.
 *
 * HINTS
 * - Read both balances after taking both locks: a balance read before you
 *   hold the lock may be stale by the time you write it back (a lost
 *   update).
 * - Release in any order; acquire in a fixed order.
 *
 * Grade your work with: racelab grade transfer
 */
#ifndef EXERCISE_TRANSFER_H
#define EXERCISE_TRANSFER_H

#include "exercise.h"

/* The renaming explained in exercise.h: you write bank_create. */
#define bank_create RL_EXERCISE_SYM(bank_create)
#define bank_transfer RL_EXERCISE_SYM(bank_transfer)
#define bank_balance RL_EXERCISE_SYM(bank_balance)

struct bank;

/* A bank with n accounts (1 <= n <= 16), numbered 0 .. n-1, each holding
 * initial. Called once, before the threads start. */
struct bank *bank_create(int n, long initial);
/* Move amount from account `from` to account `to` (both valid numbers;
 * from == to changes nothing). Called by many threads at once. */
void bank_transfer(struct bank *b, int from, int to, long amount);
/* The balance of account i, read under its lock. */
long bank_balance(struct bank *b, int i);

/* ---- for racelab: how labs and the grader call your code ----------------- */

struct transfer_impl {
    struct bank *(*create)(int n, long initial);
    void (*transfer)(struct bank *b, int from, int to, long amount);
    long (*balance)(struct bank *b, int i);
};

/* The table of an implementation built with a prefix, defined once in
 * exercises/impl/transfer.c (compiled with the same prefix): you need not write
 * it. */
#ifdef RL_EXERCISE_PREFIX
extern const struct transfer_impl RL_EXERCISE_SYM(transfer_impl);
#endif

#endif
