/* SPDX-License-Identifier: MIT */
/*
 * queue.c - Python's queue.Queue, built from the student API exactly the
 * way CPython's Lib/queue.py builds it: one Lock (mutex) and three
 * Conditions sharing it (not_empty, not_full, all_tasks_done).
 *
 * Because it is made of the same primitives a student uses, it works on
 * both backends unchanged, and the trace shows what a put or a get really
 * does: acquire q.mutex, wait on q.not_full while the queue is full, store
 * the item, notify q.not_empty, release q.mutex. The items themselves are
 * plain memory guarded by q.mutex (only ever touched while holding it);
 * q.size and q.unfinished mirror the counts as shared variables so the
 * state panel can show them.
 *
 * Timeouts: a get (put) with a timeout waits on its Condition for at most
 * ms each time it finds the queue empty (full), and gives up when a wait
 * times out with the queue still empty (full). CPython subtracts the time
 * already waited; here a wait that was notified but lost the item to
 * another thread waits ms again. On sim, ms is virtual time.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"

struct rl_queue {
    char name[RL_NAME_MAX]; /* for messages */
    rl_lock *mutex;
    rl_cond *not_empty, *not_full, *all_tasks_done;
    rl_var *size;       /* mirrors n, for display; written under mutex */
    rl_var *unfinished; /* tasks put and not yet task_done; under mutex */
    long maxsize;       /* <= 0: unbounded; read-only after create */
    /* The items: a ring of cap longs, n of them from head. Guarded by
     * mutex: only ever touched while holding it. */
    long *items;
    long cap, head, n;
    long unfinished_n; /* guarded by mutex */
};

/* Note the misuse "fn: the Queue is NULL" in the current run (if any) and
 * return RL_ERR_ARG. */
static int null_queue(const char *fn)
{
    struct rl_run *run = rl_current;
    char what[64];
    if (run) {
        snprintf(what, sizeof(what), "%s: the Queue is NULL", fn);
        rl_note_misuse_named(run, rl_self(), what, RL_ERR_ARG,
                             run->cfg.backend == RL_BACKEND_SIM ? run->rec_last
                                                                : 0);
    }
    return RL_ERR_ARG;
}

/* "q" + ".mutex" into buf. */
static const char *part(char *buf, size_t len, const char *name,
                        const char *suffix)
{
    snprintf(buf, len, "%.*s.%s", (int)(RL_NAME_MAX - 2 - strlen(suffix)), name,
             suffix);
    return buf;
}

rl_queue *rl_queue_create(const char *name, long maxsize)
{
    char b[RL_NAME_MAX];
    if (!name || !*name)
        name = "queue";
    rl_queue *q = rl_alloc(sizeof(*q));
    snprintf(q->name, sizeof(q->name), "%s", name);
    q->mutex = rl_lock_create(part(b, sizeof(b), name, "mutex"));
    q->not_empty =
        rl_cond_create(part(b, sizeof(b), name, "not_empty"), q->mutex);
    q->not_full =
        rl_cond_create(part(b, sizeof(b), name, "not_full"), q->mutex);
    q->all_tasks_done =
        rl_cond_create(part(b, sizeof(b), name, "all_tasks_done"), q->mutex);
    q->size = rl_var_create(part(b, sizeof(b), name, "size"), 0);
    q->unfinished = rl_var_create(part(b, sizeof(b), name, "unfinished"), 0);
    if (!q->mutex || !q->not_empty || !q->not_full || !q->all_tasks_done ||
        !q->size || !q->unfinished)
        return NULL; /* the run's objects are used up (noted as a misuse) */
    q->maxsize = maxsize;
    q->cap = maxsize > 0 ? maxsize : 16;
    q->items = rl_alloc((unsigned long)q->cap * sizeof(long));
    return q;
}

static bool full(const rl_queue *q)
{
    return q->maxsize > 0 && q->n >= q->maxsize;
}

/* Append item (mutex held); an unbounded queue grows into a new array
 * from the run's arena (the old one is freed with the run). */
static void push(rl_queue *q, long item)
{
    if (q->n == q->cap) {
        long *items = rl_alloc((unsigned long)q->cap * 2 * sizeof(long));
        for (long i = 0; i < q->n; i++)
            items[i] = q->items[(q->head + i) % q->cap];
        q->items = items;
        q->head = 0;
        q->cap *= 2;
    }
    q->items[(q->head + q->n) % q->cap] = item;
    q->n++;
}

static long pop(rl_queue *q)
{
    long item = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->n--;
    return item;
}

int rl_queue_put_timeout(rl_queue *q, long item, long ms)
{
    if (!q)
        return null_queue(__func__);
    rl_lock_acquire(q->mutex);
    while (full(q)) {
        if (ms < 0) {
            rl_cond_wait(q->not_full);
        } else if (ms == 0 ||
                   (rl_cond_wait_timeout(q->not_full, ms) == RL_TIMEOUT &&
                    full(q))) {
            rl_lock_release(q->mutex);
            return RL_TIMEOUT; /* queue.Full */
        }
    }
    push(q, item);
    q->unfinished_n++;
    rl_store(q->size, q->n);
    rl_store(q->unfinished, q->unfinished_n);
    rl_cond_notify(q->not_empty);
    rl_lock_release(q->mutex);
    return RL_OK;
}

int rl_queue_put(rl_queue *q, long item)
{
    if (!q)
        return null_queue(__func__);
    return rl_queue_put_timeout(q, item, -1);
}

int rl_queue_get_timeout(rl_queue *q, long *item, long ms)
{
    if (!q)
        return null_queue(__func__);
    rl_lock_acquire(q->mutex);
    while (q->n == 0) {
        if (ms < 0) {
            rl_cond_wait(q->not_empty);
        } else if (ms == 0 ||
                   (rl_cond_wait_timeout(q->not_empty, ms) == RL_TIMEOUT &&
                    q->n == 0)) {
            rl_lock_release(q->mutex);
            return RL_TIMEOUT; /* queue.Empty */
        }
    }
    long got = pop(q);
    if (item)
        *item = got;
    rl_store(q->size, q->n);
    rl_cond_notify(q->not_full);
    rl_lock_release(q->mutex);
    return RL_OK;
}

int rl_queue_get(rl_queue *q, long *item)
{
    if (!q)
        return null_queue(__func__);
    return rl_queue_get_timeout(q, item, -1);
}

long rl_queue_qsize(rl_queue *q)
{
    if (!q) {
        null_queue(__func__);
        return 0;
    }
    rl_lock_acquire(q->mutex);
    long n = rl_load(q->size);
    rl_lock_release(q->mutex);
    return n;
}

int rl_queue_task_done(rl_queue *q)
{
    if (!q)
        return null_queue(__func__);
    rl_lock_acquire(q->mutex);
    if (q->unfinished_n <= 0) {
        /* Python: ValueError('task_done() called too many times'). The
         * step cited is this call's acquire of the queue's mutex. */
        struct rl_run *run = rl_current;
        char what[RL_NAME_MAX + 8];
        snprintf(what, sizeof(what), "Queue %s", q->name);
        rl_note_misuse_named(run, rl_self(), what, RL_ERR_TASK_DONE,
                             run->cfg.backend == RL_BACKEND_SIM ? run->rec_last
                                                                : 0);
        rl_lock_release(q->mutex);
        return RL_ERR_TASK_DONE;
    }
    q->unfinished_n--;
    rl_store(q->unfinished, q->unfinished_n);
    if (q->unfinished_n == 0)
        rl_cond_notify_all(q->all_tasks_done);
    rl_lock_release(q->mutex);
    return RL_OK;
}

void rl_queue_join(rl_queue *q)
{
    if (!q) {
        null_queue(__func__);
        return;
    }
    rl_lock_acquire(q->mutex);
    while (q->unfinished_n > 0)
        rl_cond_wait(q->all_tasks_done);
    rl_lock_release(q->mutex);
}
