/* SPDX-License-Identifier: MIT */
/*
 * os_lock.c - Lock, RLock and Condition on the os backend: real primitives,
 * built the way CPython builds its own.
 *
 *   Lock             a POSIX semaphore of value 1 (not owned: any thread may
 *                    release it) plus an atomic "locked" flag, so that
 *                    releasing an unlocked Lock is caught by a CAS
 *   RLock            a recursive pthread mutex plus owner and depth
 *   Condition        CPython's design: each waiter parks on its own
 *                    semaphore, queued FIFO under an internal mutex; wait
 *                    fully releases the Lock / RLock and restores it after
 *
 * Condition lives here because it is built on the lock: wait releases it
 * fully (os_lock_put) and takes it back (os_lock_take) without records of
 * its own. Each call publishes its blocking (os_block.c) and makes its
 * records (os_record.c) in an order that keeps the merged trace causal.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>

#include "os_impl.h"

#define OS_SPIN 200 /* tries before sleeping */

/* A Condition waiter: lives on the waiting thread's stack. */
struct os_waiter {
    sem_t sem;
    int tid;
    struct os_waiter *next;
};

/* ---- Lock and RLock ------------------------------------------------------ */

/* A CPU hint for a spin-wait loop. */
static inline void os_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Before sleeping on a Lock, spin a little in case its holder is about to
 * release it (an adaptive lock: a critical section of a few instructions
 * is much shorter than a sleep and a wake-up). True if it was taken. */
static bool os_lock_spin(struct os_lock *l)
{
    int i;

    for (i = 0; i < OS_SPIN; i++) {
        os_pause();
        if (!atomic_load_explicit(&l->locked, memory_order_relaxed) &&
            os_sem_take(&l->sem, 0) == RL_OK)
            return true;
    }
    return false;
}

/* The Lock semaphore was taken by tid: make it locked and owned. */
static void os_lock_taken(struct rl_obj *o, int tid)
{
    struct os_lock *l = o->os;

    atomic_store_explicit(&l->locked, 1, memory_order_relaxed);
    atomic_store_explicit(&o->owner, tid, memory_order_relaxed);
    atomic_store_explicit(&o->depth, 1, memory_order_relaxed);
}

/* Take lock o (Lock or RLock) for ot; `rec` makes the records (false when a
 * Condition re-acquires its lock). Returns RL_OK or RL_TIMEOUT. */
static int os_lock_take(struct os_thread *ot, struct rl_obj *o, long ms,
                        bool rec)
{
    int tid = os_tid(ot), rc, d;
    bool waited = false;
    struct timespec dl;

    if (!ot && ms != 0)
        ms = 0; /* outside lab threads nothing could ever wake us */
    if (o->kind == RL_OBJ_LOCK) {
        struct os_lock *l = o->os;

        if (os_sem_take(&l->sem, 0) == RL_OK || (ms != 0 && os_lock_spin(l))) {
            os_lock_taken(o, tid);
            if (rec)
                os_emit(ot, RL_OP_ACQUIRE, RL_RES_OK, o, -1, ms, 0, 1);
            return RL_OK;
        }
        if (ms == 0) {
            if (rec)
                os_emit(ot, RL_OP_ACQUIRE, RL_RES_TIMEOUT, o, rl_obj_holder(o),
                        ms, 1, 1);
            return RL_TIMEOUT;
        }
        os_block_begin(ot, o, ms, NULL, 0, -1);
        if (rec)
            os_emit(ot, RL_OP_ACQUIRE, RL_RES_BLOCKED, o, rl_obj_holder(o), ms,
                    1, 1);
        rc = os_sem_take(&l->sem, ms);
        os_block_end(ot);
        if (rc != RL_OK) {
            if (rec)
                os_emit(ot, RL_OP_ACQUIRE, RL_RES_TIMEOUT, o, rl_obj_holder(o),
                        ms, 1, 1);
            return RL_TIMEOUT;
        }
        os_lock_taken(o, tid);
        if (rec)
            os_emit(ot, RL_OP_ACQUIRE, RL_RES_WOKE, o, -1, ms, 0, 1);
        return RL_OK;
    }

    /* RLock */
    if (atomic_load_explicit(&o->owner, memory_order_relaxed) == tid &&
        tid >= 0) {
        os_check(pthread_mutex_lock(o->os), "pthread_mutex_lock (RLock)");
        d = atomic_fetch_add_explicit(&o->depth, 1, memory_order_relaxed);
        if (rec)
            os_emit(ot, RL_OP_ACQUIRE, RL_RES_OK, o, -1, ms, d, d + 1);
        return RL_OK;
    }
    rc = pthread_mutex_trylock(o->os);
    if (rc == 0)
        goto taken;
    if (rc != EBUSY)
        os_check(rc, "pthread_mutex_trylock (RLock)");
    d = atomic_load_explicit(&o->depth, memory_order_relaxed);
    if (ms == 0) {
        if (rec)
            os_emit(ot, RL_OP_ACQUIRE, RL_RES_TIMEOUT, o, rl_obj_holder(o), ms,
                    d, d);
        return RL_TIMEOUT;
    }
    waited = true;
    os_block_begin(ot, o, ms, NULL, 0, -1);
    if (rec)
        os_emit(ot, RL_OP_ACQUIRE, RL_RES_BLOCKED, o, rl_obj_holder(o), ms, d,
                d);
    if (ms < 0) {
        /* Wait in slices, so that a thread of a stopped run deadlocked
         * here still exits (OS_STOP_POLL_MS). */
        for (;;) {
            dl = os_deadline(OS_STOP_POLL_MS);
            rc = pthread_mutex_timedlock(o->os, &dl);
            if (rc != ETIMEDOUT)
                break;
            if (atomic_load_explicit(&ot->rs->stop, memory_order_relaxed))
                os_park();
        }
    } else {
        dl = os_deadline(ms);
        rc = pthread_mutex_timedlock(o->os, &dl);
    }
    os_block_end(ot);
    if (rc == ETIMEDOUT) {
        if (rec)
            os_emit(ot, RL_OP_ACQUIRE, RL_RES_TIMEOUT, o, rl_obj_holder(o), ms,
                    d, d);
        return RL_TIMEOUT;
    }
    os_check(rc, "pthread_mutex_lock (RLock)");
taken:
    atomic_store_explicit(&o->owner, tid, memory_order_relaxed);
    atomic_store_explicit(&o->depth, 1, memory_order_relaxed);
    if (rec)
        os_emit(ot, RL_OP_ACQUIRE, waited ? RL_RES_WOKE : RL_RES_OK, o, -1, ms,
                0, 1);
    return RL_OK;
}

/* Lock / RLock acquire (ms < 0 forever, 0 try, > 0 timeout). */
int os_lock_acquire(struct rl_obj *o, long ms)
{
    struct os_thread *ot = os_enter();

    return os_lock_take(ot, o, ms, true);
}

/* Release lock o by ot; `all` releases an RLock fully (Condition.wait).
 * Returns the depth released (>= 1) or a negated misuse status. The record
 * is made before the real release so the next owner's record follows it. */
static int os_lock_put(struct os_thread *ot, struct rl_obj *o, bool all,
                       bool rec)
{
    int tid = os_tid(ot), d, i, expect = 1;

    if (o->kind == RL_OBJ_LOCK) {
        struct os_lock *l = o->os;

        if (!atomic_compare_exchange_strong(&l->locked, &expect, 0))
            return -os_misuse(ot, o, o->run, RL_OP_RELEASE, RL_ERR_UNLOCKED);
        atomic_store_explicit(&o->owner, -1, memory_order_relaxed);
        atomic_store_explicit(&o->depth, 0, memory_order_relaxed);
        if (rec)
            os_emit(ot, RL_OP_RELEASE, RL_RES_OK, o, -1, 0, 1, 0);
        os_sem_post(&l->sem);
        return 1;
    }
    if (atomic_load_explicit(&o->owner, memory_order_relaxed) != tid || tid < 0)
        return -os_misuse(ot, o, o->run, RL_OP_RELEASE, RL_ERR_NOT_OWNER);
    d = atomic_load_explicit(&o->depth, memory_order_relaxed);
    RL_ASSERT(d >= 1);
    if (all || d == 1) {
        atomic_store_explicit(&o->depth, 0, memory_order_relaxed);
        atomic_store_explicit(&o->owner, -1, memory_order_relaxed);
        if (rec)
            os_emit(ot, RL_OP_RELEASE, RL_RES_OK, o, -1, 0, d, 0);
        for (i = 0; i < d; i++)
            os_check(pthread_mutex_unlock(o->os), "pthread_mutex_unlock");
        return d;
    }
    atomic_store_explicit(&o->depth, d - 1, memory_order_relaxed);
    if (rec)
        os_emit(ot, RL_OP_RELEASE, RL_RES_OK, o, -1, 0, d, d - 1);
    os_check(pthread_mutex_unlock(o->os), "pthread_mutex_unlock");
    return 1;
}

/* Lock / RLock release: RL_OK or the misuse status. */
int os_lock_release(struct rl_obj *o)
{
    struct os_thread *ot = os_enter();
    int rc = os_lock_put(ot, o, false, true);

    return rc < 0 ? -rc : RL_OK;
}

/* Whether ot holds lock o, as Condition checks it: an RLock must be owned
 * by the caller; a Lock (not owned, as in Python) must be locked. */
static bool os_lock_held(const struct os_thread *ot, struct rl_obj *o)
{
    if (o->kind == RL_OBJ_RLOCK)
        return ot && atomic_load_explicit(&o->owner, memory_order_relaxed) ==
                         ot->t->id;
    return atomic_load(&((struct os_lock *)o->os)->locked) != 0;
}

/* ---- Condition ----------------------------------------------------------- */

/* Take w off cv's list; false if a notify already did. */
static bool os_waiter_remove(struct os_cond *cv, struct os_waiter *w)
{
    struct os_waiter *q, *prev = NULL;

    os_lock_mu(&cv->mu);
    for (q = cv->head; q && q != w; q = q->next)
        prev = q;
    if (q) {
        if (prev)
            prev->next = w->next;
        else
            cv->head = w->next;
        if (cv->tail == w)
            cv->tail = prev;
    }
    os_unlock_mu(&cv->mu);
    return q != NULL;
}

/* Condition.wait: queue a private semaphore, release the lock fully, sleep
 * on the semaphore (with a timeout if ms > 0), re-acquire and restore.
 * RL_OK if notified, RL_TIMEOUT, or a misuse status. */
int os_cond_wait(struct rl_obj *c, long ms)
{
    struct os_thread *ot = os_enter();
    struct os_cond *cv = c->os;
    struct rl_obj *l = c->lock;
    struct os_waiter w;
    int depth, rc;

    if (!ot)
        return RL_TIMEOUT; /* nobody could notify setup or checks */
    if (!os_lock_held(ot, l))
        return os_misuse(ot, c, c->run, RL_OP_WAIT, RL_ERR_WAIT_UNHELD);
    if (sem_init(&w.sem, 0, 0) != 0)
        os_check(errno, "sem_init");
    w.tid = ot->t->id;
    w.next = NULL;
    os_lock_mu(&cv->mu);
    if (cv->tail)
        cv->tail->next = &w;
    else
        cv->head = &w;
    cv->tail = &w;
    os_unlock_mu(&cv->mu);

    /* Blocked (and recorded) before the lock goes, so that no record of
     * another thread taking the lock can precede this one. */
    depth = atomic_load_explicit(&l->depth, memory_order_relaxed);
    os_block_begin(ot, c, ms, &w.sem, 0, -1);
    os_emit(ot, RL_OP_WAIT, RL_RES_BLOCKED, c, -1, ms, 0, 0);
    depth = os_lock_put(ot, l, true, false);
    if (depth < 0) {
        /* A Lock released by another thread since the check: the misuse
         * (release unlocked lock) is recorded; no wait happens. */
        os_waiter_remove(cv, &w);
        os_block_end(ot);
        sem_destroy(&w.sem);
        return -depth;
    }

    if (ms < 0) {
        /* In slices, to exit if the run is stopped (OS_STOP_POLL_MS): off
         * the list first, so that no notify posts to this stack after the
         * thread has gone (notify posts under cv->mu). Still published as
         * blocked, like a thread parked in any other wait: the report of
         * a deadlock, written while the threads exit, names what each
         * one waited for. Only the semaphore on this stack is unpublished. */
        while ((rc = os_sem_take(&w.sem, OS_STOP_POLL_MS)) != RL_OK)
            if (os_stopping()) {
                os_waiter_remove(cv, &w);
                os_lock_mu(&ot->rs->display);
                ot->wait_sem = NULL;
                os_unlock_mu(&ot->rs->display);
                os_park();
            }
    } else {
        rc = os_sem_take(&w.sem, ms);
    }
    /* Timed out, unless a notify took us off the list meanwhile. */
    if (rc != RL_OK && !os_waiter_remove(cv, &w))
        rc = RL_OK;
    os_block_end(ot);

    /* Re-acquire (blocking, like Python) and restore the RLock depth. */
    if (os_lock_take(ot, l, 0, false) != RL_OK) {
        os_emit(ot, RL_OP_WAIT, RL_RES_BLOCKED, l, rl_obj_holder(l), ms, 0, 0);
        os_lock_take(ot, l, -1, false);
    }
    if (l->kind == RL_OBJ_RLOCK) {
        int i;

        for (i = 1; i < depth; i++)
            os_check(pthread_mutex_lock(l->os), "pthread_mutex_lock");
        atomic_store_explicit(&l->depth, depth, memory_order_relaxed);
    }
    if (sem_destroy(&w.sem) != 0)
        os_check(errno, "sem_destroy");
    os_emit(ot, RL_OP_WAIT, rc == RL_OK ? RL_RES_WOKE : RL_RES_TIMEOUT, c, -1,
            ms, 0, depth);
    return rc;
}

/* Condition.notify / notify_all: post the oldest waiter (or all). */
int os_cond_notify(struct rl_obj *c, bool all)
{
    struct os_thread *ot = os_enter();
    struct os_cond *cv = c->os;
    enum rl_op op = all ? RL_OP_NOTIFY_ALL : RL_OP_NOTIFY;
    struct os_waiter *w;
    int n = 0, first = -1;

    if (!ot)
        return RL_OK; /* setup and checks have no waiter to wake */
    if (!os_lock_held(ot, c->lock))
        return os_misuse(ot, c, c->run, op, RL_ERR_NOTIFY_UNHELD);
    os_lock_mu(&cv->mu);
    while ((w = cv->head) != NULL) {
        cv->head = w->next;
        if (!cv->head)
            cv->tail = NULL;
        if (first < 0)
            first = w->tid;
        n++;
        /* Posted under mu: a timed-out waiter that finds itself off the
         * list knows its semaphore was posted. */
        os_sem_post(&w->sem);
        if (!all)
            break;
    }
    os_unlock_mu(&cv->mu);
    os_emit(ot, op, RL_RES_OK, c, first, n, 0, 0);
    return RL_OK;
}
