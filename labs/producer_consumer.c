/* SPDX-License-Identifier: MIT */
/*
 * producer_consumer.c - producers and consumers over a bounded buffer,
 * with one Lock and two Conditions bound to it (not_full, not_empty).
 *
 * The buffer is a ring of `capacity` shared slots with shared head, tail
 * and count, so every access is an event you can watch. Producer p puts
 * items p*items+1 .. p*items+items; the items are split evenly among the
 * consumers, so every correct run ends. Consumers start first and find the
 * buffer empty, which is where the classic bugs live:
 *   correct            wait in a while loop: re-check after every wake-up;
 *   if-wait            wait under an if: a consumer woken for an item that
 *                      another consumer took first takes from an empty
 *                      buffer (needs consumers >= 2; 2 is the default);
 *   spin-holding-lock  a consumer loops on count while holding the lock:
 *                      no producer can ever get in ("did not finish").
 * A taken slot is not cleared: a consumer that takes from an empty buffer
 * gets a stale item, which is then consumed twice.
 */
#include "lab.h"

#include <stdio.h>

#include "../core/racelab.h"

enum { CORRECT, IF_WAIT, SPIN_HOLDING_LOCK };

#define PC_MAX_CAPACITY 8
#define PC_ITEMS "every item consumed exactly once"
#define PC_BOUNDS "buffer bounds hold"

/* The lab's state, shared by its threads. */
struct pc_lab {
    rl_lock *lock;                 /* guards the buffer and consumed */
    rl_cond *not_full;             /* bound to lock; producers wait */
    rl_cond *not_empty;            /* bound to lock; consumers wait */
    rl_var *slot[PC_MAX_CAPACITY]; /* guarded by lock: the ring */
    rl_var *head, *tail, *count;   /* guarded by lock */
    long *consumed;                /* guarded by lock: times each item
                                      was taken; [0]: empty slots taken */
    bool bounds_broken;            /* guarded by lock */
    long capacity, items, total;   /* read-only after setup */
    int variant;                   /* read-only after setup */
};

/* One thread's argument: producer p, or consumer taking `share` items. */
struct pc_thread {
    struct pc_lab *s;
    long id;
    long share;
};

/* ---- the variants: how to wait for room / for an item --------------- */

/* correct: a loop, since the item may be gone by the time we run. */
static void wait_while_empty(struct pc_lab *s)
{
    while (rl_load(s->count) == 0)
        rl_cond_wait(s->not_empty);
}

/* correct: a loop, since the room may be gone by the time we run. */
static void wait_while_full(struct pc_lab *s)
{
    while (rl_load(s->count) == s->capacity)
        rl_cond_wait(s->not_full);
}

/* if-wait (bug): after one wait, assume there is an item. */
static void wait_if_empty(struct pc_lab *s)
{
    if (rl_load(s->count) == 0)
        rl_cond_wait(s->not_empty);
}

/* if-wait (bug): after one wait, assume there is room. */
static void wait_if_full(struct pc_lab *s)
{
    if (rl_load(s->count) == s->capacity)
        rl_cond_wait(s->not_full);
}

/* spin-holding-lock (bug): busy-wait with the lock held. No producer can
 * acquire the lock to put an item, so this never ends. */
static void spin_while_empty(struct pc_lab *s)
{
    while (rl_load(s->count) == 0)
        ;
}

static void (*const wait_for_item[])(struct pc_lab *) = {
    [CORRECT] = wait_while_empty,
    [IF_WAIT] = wait_if_empty,
    [SPIN_HOLDING_LOCK] = spin_while_empty,
};

static void (*const wait_for_room[])(struct pc_lab *) = {
    [CORRECT] = wait_while_full,
    [IF_WAIT] = wait_if_full,
    [SPIN_HOLDING_LOCK] = wait_while_full,
};

/* ---- the buffer ------------------------------------------------------ */

/* Put item at the tail, waiting for room; then wake a consumer. */
static void pc_put(struct pc_lab *s, long item)
{
    rl_lock_acquire(s->lock);
    wait_for_room[s->variant](s);
    long t = rl_load(s->tail);
    rl_store(s->slot[t], item);
    rl_store(s->tail, (t + 1) % s->capacity);
    long n = rl_fetch_add(s->count, 1) + 1;
    if (n > s->capacity) {
        s->bounds_broken = true;
        rl_fail(PC_BOUNDS,
                "count = %ld after %s put item %ld into a full buffer, "
                "allowed 0..%ld",
                n, rl_thread_name(), item, s->capacity);
    }
    rl_cond_notify(s->not_empty);
    rl_lock_release(s->lock);
}

/* Take the item at the head, waiting for one; then wake a producer. */
static void pc_take(struct pc_lab *s)
{
    rl_lock_acquire(s->lock);
    wait_for_item[s->variant](s);
    long h = rl_load(s->head);
    long item = rl_load(s->slot[h]);
    rl_store(s->head, (h + 1) % s->capacity);
    long n = rl_fetch_add(s->count, -1) - 1;
    if (n < 0) {
        s->bounds_broken = true;
        rl_fail(PC_BOUNDS,
                "count = %ld after %s took from an empty buffer, "
                "allowed 0..%ld",
                n, rl_thread_name(), s->capacity);
    }
    if (item >= 0 && item <= s->total)
        s->consumed[item]++;
    rl_cond_notify(s->not_full);
    rl_lock_release(s->lock);
}

/* A producer: its items, in order. */
static void pc_producer(void *arg)
{
    struct pc_thread *p = arg;

    for (long k = 1; k <= p->s->items; k++)
        pc_put(p->s, p->id * p->s->items + k);
}

/* A consumer: its share of the items. */
static void pc_consumer(void *arg)
{
    struct pc_thread *c = arg;

    for (long k = 0; k < c->share; k++)
        pc_take(c->s);
}

/* ---- setup and checks ------------------------------------------------ */

/* Create the buffer, the lock and conditions; start consumers, producers. */
static void pc_setup(struct lab_inst *inst)
{
    struct pc_lab *s = rl_alloc(sizeof *s);
    long producers = lab_inst_param(inst, "producers");
    long consumers = lab_inst_param(inst, "consumers");
    struct pc_thread *th =
        rl_alloc(sizeof *th * (unsigned long)(producers + consumers));
    char name[RL_NAME_MAX + 8];

    s->capacity = lab_inst_param(inst, "capacity");
    s->items = lab_inst_param(inst, "items");
    s->total = producers * s->items;
    s->variant = inst->variant;
    s->consumed = rl_alloc(sizeof *s->consumed * (unsigned long)(s->total + 1));
    s->lock = rl_lock_create("lock");
    s->not_full = rl_cond_create("not_full", s->lock);
    s->not_empty = rl_cond_create("not_empty", s->lock);
    for (long i = 0; i < s->capacity; i++) {
        snprintf(name, sizeof name, "slot%ld", i);
        s->slot[i] = rl_var_create(name, 0);
    }
    s->head = rl_var_create("head", 0);
    s->tail = rl_var_create("tail", 0);
    s->count = rl_var_create("count", 0);
    inst->state = s;
    for (long c = 0; c < consumers; c++) {
        struct pc_thread *t = &th[c];
        t->s = s;
        t->id = c;
        t->share = s->total / consumers + (c < s->total % consumers);
        snprintf(name, sizeof name, "C%ld", c);
        rl_thread_start(name, pc_consumer, t);
    }
    for (long p = 0; p < producers; p++) {
        struct pc_thread *t = &th[consumers + p];
        t->s = s;
        t->id = p;
        snprintf(name, sizeof name, "P%ld", p);
        rl_thread_start(name, pc_producer, t);
    }
}

/* "twice" or "N times", for a message. */
static const char *pc_times(long n, char *buf, size_t len)
{
    if (n == 2)
        return "twice";
    snprintf(buf, len, "%ld times", n);
    return buf;
}

/* Each item taken exactly once; the count stayed within 0..capacity. */
static void pc_check(struct rl_run *run, struct lab_inst *inst)
{
    struct pc_lab *s = inst->state;
    long twice = 0, never = 0;
    char times[32];

    for (long i = s->total; i >= 1; i--) {
        if (s->consumed[i] > 1)
            twice = i;
        if (s->consumed[i] == 0)
            never = i;
    }
    if (!twice && !never && !s->consumed[0])
        rl_check(run, PC_ITEMS, true, "all %ld items consumed exactly once",
                 s->total);
    else if (twice && never)
        rl_check(run, PC_ITEMS, false,
                 "item %ld was consumed %s; item %ld was never consumed", twice,
                 pc_times(s->consumed[twice], times, sizeof times), never);
    else if (twice)
        rl_check(run, PC_ITEMS, false, "item %ld was consumed %s", twice,
                 pc_times(s->consumed[twice], times, sizeof times));
    else if (never)
        rl_check(run, PC_ITEMS, false, "item %ld was never consumed", never);
    else
        rl_check(run, PC_ITEMS, false, "a consumer took an empty slot");
    rl_check(run, PC_BOUNDS, !s->bounds_broken, "count stayed within 0..%ld",
             s->capacity);
}

static const struct lab_param pc_params[] = {
    {"producers", "producer threads", 1, 2, 1, 8},
    {"consumers", "consumer threads (if-wait needs 2+)", 2, 2, 1, 8},
    {"items", "items each producer puts", 4, 10000, 1, 100000},
    {"capacity", "buffer slots", 2, 2, 1, PC_MAX_CAPACITY},
};

static const struct lab_variant pc_variants[] = {
    [CORRECT] = {"correct", "wait in a while loop, re-check after waking",
                 true},
    [IF_WAIT] = {"if-wait", "wait under an if: takes from an empty buffer",
                 false},
    [SPIN_HOLDING_LOCK] = {"spin-holding-lock",
                           "a consumer spins on count holding the lock", false},
};

static const struct lab lab_producer_consumer = {
    .order = 50,
    .name = "producer-consumer",
    .title = "Producer / consumer",
    .summary = "a bounded buffer with a Lock and two Conditions",
    .explain =
        "Producers put items into a bounded buffer, consumers take them.\n"
        "A consumer that finds it empty calls not_empty.wait(): this\n"
        "releases the lock and sleeps until a producer's notify(), then\n"
        "re-acquires the lock. By then another consumer may have taken the\n"
        "item, so the check must be a while loop, not an if. Spinning on\n"
        "the count while holding the lock never ends: no producer can get\n"
        "the lock to put an item.",
    .params = pc_params,
    .nparams = LAB_LEN(pc_params),
    .variants = pc_variants,
    .nvariants = LAB_LEN(pc_variants),
    .setup = pc_setup,
    .check = pc_check,
};
LAB_REGISTER(lab_producer_consumer);
