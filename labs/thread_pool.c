/* SPDX-License-Identifier: MIT */
/*
 * thread_pool.c - a pool of worker threads fed by a Queue, and how to tell
 * the workers that the work is over: Python's classic
 *
 *     for _ in range(n): q.put(None)
 *
 * A producer P puts `tasks` numbered tasks (1, 2, ...) into a
 * Queue(maxsize=capacity) named q; workers W0.. loop: item = q.get(), do
 * the task, q.task_done(). P then calls q.join(), which returns once every
 * task put has been marked done, and only then tells the workers to stop:
 * it puts one sentinel (-1, Python's None) per worker, and finally joins
 * the worker threads, as a main thread does. The order follows the
 * example in Python's queue documentation: join() first, so it waits for
 * the real tasks only; sentinels after, so every worker is idle in get()
 * when its sentinel comes. A worker that gets a sentinel marks it done too
 * (every get() has its task_done(), so q.unfinished ends at 0) and stops.
 *
 *   sentinels        one per worker: each stops exactly one worker, since
 *                    a worker that took one never calls get() again;
 *   no-sentinel      none: the workers wait in get() forever and P waits
 *                    to join them (a deadlock: nobody holds anything, each
 *                    waits for a notify on q.not_empty that never comes);
 *   one-sentinel     one for all the workers: one stops, the others wait
 *                    forever (with workers=1 it happens to be enough);
 *   extra-task-done  a worker calls task_done() twice per task (say, once
 *                    in the body and once in a `finally`): q.unfinished
 *                    falls faster than tasks finish, so q.join() may return
 *                    while tasks are still being worked on, and the call
 *                    that would take it below zero is Python's ValueError
 *                    "task_done() called too many times", a misuse.
 *                    When join() returns early, nothing orders P's read
 *                    of `done` after the workers' updates: the race
 *                    analysis reports a data race on done.
 *
 * Doing a task is one atomic step on the shared counter `done`, plus a
 * mark in the lab's array times[], which only the worker that got the task
 * writes: the Queue's lock orders the put of an item before its get, and
 * each item is got once, so the marks need no lock of their own.
 */
#include "lab.h"

#include <stdio.h>

#include "../core/racelab.h"

enum { SENTINELS, NO_SENTINEL, ONE_SENTINEL, EXTRA_TASK_DONE };

#define TP_SENTINEL (-1L) /* Python's None: "no more work" */
#define TP_MAX_WORKERS 8
#define TP_TASKS "every task done exactly once"
#define TP_JOIN "q.join() waits for every task"

/* The lab's state, shared by its threads. */
struct tp_lab {
    rl_queue *q;                       /* the tasks, then the sentinels */
    rl_var *done;                      /* tasks finished (fetch_add) */
    rl_thread *worker[TP_MAX_WORKERS]; /* written by setup, read by P */
    /* times[i]: how often task i was done ([0]: items never put).
     * Written only by the worker that got the item; read by the check
     * once every thread has ended. */
    long *times;
    long workers, tasks, sentinels; /* read-only after setup */
    int variant;                    /* read-only after setup */
};

/* Do task item: count it in `done` and mark it in times[]. */
static void tp_do_task(struct tp_lab *s, long item)
{
    s->times[item >= 1 && item <= s->tasks ? item : 0]++;
    rl_fetch_add(s->done, 1);
}

/* A worker: get, do, task_done, until a sentinel comes. */
static void tp_worker(void *arg)
{
    struct tp_lab *s = arg;
    long item;

    for (;;) {
        rl_queue_get(s->q, &item);
        if (item == TP_SENTINEL) {
            rl_queue_task_done(s->q); /* one task_done per get */
            return;
        }
        tp_do_task(s, item);
        rl_queue_task_done(s->q);
        if (s->variant == EXTRA_TASK_DONE)
            rl_queue_task_done(s->q); /* bug: a second one, same task */
    }
}

/* The producer (the main thread of a Python program): put the tasks, wait
 * for them with q.join(), put the sentinels, join the workers. */
static void tp_producer(void *arg)
{
    struct tp_lab *s = arg;

    for (long i = 1; i <= s->tasks; i++)
        rl_queue_put(s->q, i);
    rl_queue_join(s->q);
    long done = rl_load(s->done);
    if (done < s->tasks)
        rl_fail(TP_JOIN, "q.join() returned when %ld of %ld tasks were done",
                done, s->tasks);
    for (long k = 0; k < s->sentinels; k++)
        rl_queue_put(s->q, TP_SENTINEL);
    for (long w = 0; w < s->workers; w++)
        rl_thread_join(s->worker[w]);
}

/* Create the queue and the counter; start the workers, then P. */
static void tp_setup(struct lab_inst *inst)
{
    struct tp_lab *s = rl_alloc(sizeof *s);
    char name[RL_NAME_MAX + 8];

    s->workers = lab_inst_param(inst, "workers");
    s->tasks = lab_inst_param(inst, "tasks");
    s->variant = inst->variant;
    switch (s->variant) {
    case NO_SENTINEL:
        s->sentinels = 0;
        break;
    case ONE_SENTINEL:
        s->sentinels = 1;
        break;
    default:
        s->sentinels = s->workers;
        break;
    }
    s->times = rl_alloc(sizeof *s->times * (unsigned long)(s->tasks + 1));
    s->q = rl_queue_create("q", lab_inst_param(inst, "capacity"));
    s->done = rl_var_create("done", 0);
    inst->state = s;
    for (long w = 0; w < s->workers; w++) {
        snprintf(name, sizeof name, "W%ld", w);
        s->worker[w] = rl_thread_start(name, tp_worker, s);
    }
    rl_thread_start("P", tp_producer, s);
}

/* "twice" or "N times", for a message. */
static const char *tp_times(long n, char *buf, size_t len)
{
    if (n == 2)
        return "twice";
    snprintf(buf, len, "%ld times", n);
    return buf;
}

/* Each task done exactly once; q.join() did not return early. */
static void tp_check(struct rl_run *run, struct lab_inst *inst)
{
    struct tp_lab *s = inst->state;
    long twice = 0, never = 0;
    char times[32];

    for (long i = s->tasks; i >= 1; i--) {
        if (s->times[i] > 1)
            twice = i;
        if (s->times[i] == 0)
            never = i;
    }
    if (!twice && !never && !s->times[0])
        rl_check(run, TP_TASKS, true, "all %ld tasks done exactly once",
                 s->tasks);
    else if (twice && never)
        rl_check(run, TP_TASKS, false,
                 "task %ld was done %s; task %ld was never done", twice,
                 tp_times(s->times[twice], times, sizeof times), never);
    else if (twice)
        rl_check(run, TP_TASKS, false, "task %ld was done %s", twice,
                 tp_times(s->times[twice], times, sizeof times));
    else if (never)
        rl_check(run, TP_TASKS, false, "task %ld was never done", never);
    else
        rl_check(run, TP_TASKS, false, "a worker got an item never put");
    rl_check(run, TP_JOIN, true,
             "q.join() returned after all %ld tasks were done", s->tasks);
}

static const struct lab_param tp_params[] = {
    {"workers", "worker threads", 2, 4, 1, TP_MAX_WORKERS},
    {"tasks", "tasks P puts", 4, 20000, 1, 100000},
    {"capacity", "Queue(maxsize): 0 is unbounded", 2, 8, 0, 64},
};

static const struct lab_variant tp_variants[] = {
    [SENTINELS] = {"sentinels", "after q.join(), one sentinel per worker",
                   true},
    [NO_SENTINEL] = {"no-sentinel",
                     "no sentinel: workers wait in get() forever", false},
    [ONE_SENTINEL] = {"one-sentinel",
                      "one sentinel stops one worker, the rest wait", false},
    [EXTRA_TASK_DONE] = {"extra-task-done",
                         "task_done() twice per task: join returns early",
                         false},
};

static const struct lab lab_thread_pool = {
    .order = 120,
    .name = "thread-pool",
    .title = "Thread pool and Queue",
    .summary = "workers fed by a Queue, stopped by one sentinel each",
    .explain =
        "P puts tasks into a Queue; each worker loops: item = q.get(), do\n"
        "it, q.task_done(). q.join() blocks until every task put is marked\n"
        "done. A worker waiting in get() cannot tell that no more work is\n"
        "coming, so P then puts one sentinel per worker, Python's\n"
        "q.put(None): a worker that gets one stops. Too few sentinels and\n"
        "the rest wait forever. A task_done() too many lets join() return\n"
        "before the work is done, and raises ValueError below zero.",
    .params = tp_params,
    .nparams = LAB_LEN(tp_params),
    .variants = tp_variants,
    .nvariants = LAB_LEN(tp_variants),
    .setup = tp_setup,
    .check = tp_check,
};
LAB_REGISTER(lab_thread_pool);
