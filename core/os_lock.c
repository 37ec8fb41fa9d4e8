/* SPDX-License-Identifier: MIT */
/*
 * os_lock.c - Lock, RLock and Condition on the os backend: real primitives,
 * built the way CPython and glibc build their own.
 *
 *   Lock             a futex word, as glibc's mutex (0 free, 1 locked, 2
 *                    locked and maybe waiters): an uncontended acquire or
 *                    release is one atomic instruction and no system call;
 *                    a contended waiter spins a while before it sleeps
 *                    (os_lock_spin); not owned (any thread may release
 *                    it), and releasing a free Lock is caught
 *   RLock            a recursive pthread mutex plus owner and depth
 *   Condition        CPython's design: each waiter parks on its own
 *                    semaphore, queued FIFO under an internal mutex; wait
 *                    fully releases the Lock / RLock and restores it after
 *
 * Condition lives here because it is built on the lock: wait releases it
 * fully (os_lock_put) and takes it back (os_lock_take) without records of
 * its own, but in the lock's order (os_clock_sync). Each call publishes its
 * blocking (os_block.c) and makes its records (os_record.c) so that the
 * merged trace is causal: an acquire's record is made once the lock is
 * held, a release's before it is given back.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

#include "os_impl.h"

/* A Condition waiter: lives on the waiting thread's stack. */
struct os_waiter {
    sem_t sem;
    int tid;
    struct os_waiter *next;
};

/* ---- Lock and RLock ------------------------------------------------------ */

#if defined(__linux__)
/* Sleep while *word == val, at most ms (> 0) milliseconds (or until a
 * wake-up, or spuriously: callers re-check). */
static void os_futex_wait(_Atomic int *word, int val, long ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000;
    if (syscall(SYS_futex, (int *)word, FUTEX_WAIT_PRIVATE, val, &ts, NULL,
                0) == -1 &&
        errno != EAGAIN && errno != ETIMEDOUT && errno != EINTR)
        os_check(errno, "futex wait");
}

/* Wake one thread sleeping on word. */
static void os_futex_wake(_Atomic int *word)
{
    if (syscall(SYS_futex, (int *)word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL,
                0) == -1)
        os_check(errno, "futex wake");
}
#else
/* Without futexes: poll (sleep 50 us while *word == val). */
static void os_futex_wait(_Atomic int *word, int val, long ms)
{
    struct timespec ts = {0, 50000};

    (void)ms;
    if (atomic_load_explicit(word, memory_order_relaxed) == val)
        nanosleep(&ts, NULL);
}

static void os_futex_wake(_Atomic int *word)
{
    (void)word;
}
#endif

/* Wait for Lock l and take it (state 2: others may wait too), ms > 0 at
 * most that long, ms < 0 forever (in slices: a thread of a stopped run
 * exits). RL_OK or RL_TIMEOUT. */
static int os_lock_wait(struct os_lock *l, long ms)
{
    long end = ms > 0 ? os_now_ms() + ms : 0, slice;

    while (atomic_exchange_explicit(&l->state, 2, memory_order_acquire) != 0) {
        slice = OS_STOP_POLL_MS;
        if (ms > 0) {
            long left = end - os_now_ms();

            if (left <= 0)
                return RL_TIMEOUT;
            if (left < slice)
                slice = left;
        } else if (os_stopping()) {
            os_park();
        }
        os_futex_wait(&l->state, 2, slice);
    }
    return RL_OK;
}

/* A contended Lock's waiter first spins, as an adaptive mutex does: a
 * holder usually gives a Lock back within a few hundred nanoseconds. It
 * reads the word only now and then (the gaps double up to
 * OS_LOCK_GAP_NS), so that the holder keeps its cache lines, and never
 * marks the word contended, so that the holder's release makes no system
 * call. That is what makes a glibc mutex slow under contention: a waiter
 * that wakes, marks the word, fails and sleeps again, over and over, each
 * time costing the holder a futex wake and its lines. After OS_LOCK_SPIN_NS
 * it sleeps (os_lock_wait), and the acquire is recorded as blocked. A wait
 * the spin ends is an acquire like any other: no record says it waited.
 *
 * Spinning pays only while every thread has a core of its own: with more
 * threads than cores the holder may be the thread the spinner keeps from
 * running, so then the waiter sleeps at once. The times are the
 * machine's, as everything on os is; nothing in a run's result depends on
 * them but its speed. */
#define OS_LOCK_SPIN_NS 200000L /* spin at most 0.2 ms */
#define OS_LOCK_GAP_NS 4000L    /* read the word at least every 4 us */

static long os_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Spin for Lock l (leaving it in state 1: no waiter to wake). True if
 * taken. */
static bool os_lock_spin(const struct os_thread *ot, struct os_lock *l)
{
    long start, now, next, gap = 50;

    if (!ot || atomic_load_explicit(&ot->rs->nalive, memory_order_relaxed) >
                   ot->rs->ncpus)
        return false;
    start = os_now_ns();
    next = start + gap;
    for (;;) {
        int c = 0;

        os_pause();
        now = os_now_ns();
        if (now < next)
            continue;
        if (atomic_load_explicit(&l->state, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong_explicit(&l->state, &c, 1,
                                                    memory_order_acquire,
                                                    memory_order_relaxed))
            return true;
        if (now - start >= OS_LOCK_SPIN_NS)
            return false;
        if (gap < OS_LOCK_GAP_NS)
            gap *= 2;
        next = now + gap;
    }
}

/* Take lock o (Lock or RLock) for ot; `rec` makes the records (false when a
 * Condition re-acquires its lock). Returns RL_OK or RL_TIMEOUT. */
int os_lock_take(struct os_thread *ot, struct rl_obj *o, long ms, bool rec)
{
    int tid = os_tid(ot), rc, d, c = 0;
    bool waited = false;
    struct timespec dl;
    struct os_rlock *rl;

    if (!ot && ms != 0)
        ms = 0; /* outside lab threads nothing could ever wake us */
    if (o->kind == RL_OBJ_LOCK) {
        struct os_lock *l = o->os;

        if (atomic_compare_exchange_strong_explicit(&l->state, &c, 1,
                                                    memory_order_acquire,
                                                    memory_order_relaxed)) {
            os_lock_taken(ot, o, rec, RL_RES_OK, ms, &l->clock);
            return RL_OK;
        }
        if (ms == 0) {
            if (rec)
                os_emit(ot, OS_ORD_AFTER, &l->clock, RL_OP_ACQUIRE,
                        RL_RES_TIMEOUT, o, rl_obj_holder(o), ms, 1, 1);
            return RL_TIMEOUT;
        }
        if (os_lock_spin(ot, l)) {
            os_lock_taken(ot, o, rec, RL_RES_OK, ms, &l->clock);
            return RL_OK;
        }
        os_block_begin(ot, o, ms, NULL, 0, -1);
        if (rec)
            os_emit(ot, OS_ORD_AFTER, &l->clock, RL_OP_ACQUIRE, RL_RES_BLOCKED,
                    o, rl_obj_holder(o), ms, 1, 1);
        rc = os_lock_wait(l, ms);
        os_block_end(ot);
        if (rc != RL_OK) {
            if (rec)
                os_emit(ot, OS_ORD_AFTER, &l->clock, RL_OP_ACQUIRE,
                        RL_RES_TIMEOUT, o, rl_obj_holder(o), ms, 1, 1);
            return RL_TIMEOUT;
        }
        os_lock_taken(ot, o, rec, RL_RES_WOKE, ms, &l->clock);
        return RL_OK;
    }

    /* RLock */
    rl = o->os;
    if (atomic_load_explicit(&o->owner, memory_order_relaxed) == tid &&
        tid >= 0) {
        os_check(pthread_mutex_lock(&rl->mu), "pthread_mutex_lock (RLock)");
        d = atomic_fetch_add_explicit(&o->depth, 1, memory_order_relaxed);
        if (rec)
            os_emit(ot, OS_ORD_OBJECT, &rl->clock, RL_OP_ACQUIRE, RL_RES_OK, o,
                    -1, ms, d, d + 1);
        return RL_OK;
    }
    rc = pthread_mutex_trylock(&rl->mu);
    if (rc == 0)
        goto taken;
    if (rc != EBUSY)
        os_check(rc, "pthread_mutex_trylock (RLock)");
    d = atomic_load_explicit(&o->depth, memory_order_relaxed);
    if (ms == 0) {
        if (rec)
            os_emit(ot, OS_ORD_AFTER, &rl->clock, RL_OP_ACQUIRE,
                    RL_RES_TIMEOUT, o, rl_obj_holder(o), ms, d, d);
        return RL_TIMEOUT;
    }
    waited = true;
    os_block_begin(ot, o, ms, NULL, 0, -1);
    if (rec)
        os_emit(ot, OS_ORD_AFTER, &rl->clock, RL_OP_ACQUIRE, RL_RES_BLOCKED, o,
                rl_obj_holder(o), ms, d, d);
    if (ms < 0) {
        /* Wait in slices, so that a thread of a stopped run deadlocked
         * here still exits (OS_STOP_POLL_MS). */
        for (;;) {
            dl = os_deadline(OS_STOP_POLL_MS);
            rc = pthread_mutex_timedlock(&rl->mu, &dl);
            if (rc != ETIMEDOUT)
                break;
            if (atomic_load_explicit(&ot->rs->stop, memory_order_relaxed))
                os_park();
        }
    } else {
        dl = os_deadline(ms);
        rc = pthread_mutex_timedlock(&rl->mu, &dl);
    }
    os_block_end(ot);
    if (rc == ETIMEDOUT) {
        if (rec)
            os_emit(ot, OS_ORD_AFTER, &rl->clock, RL_OP_ACQUIRE,
                    RL_RES_TIMEOUT, o, rl_obj_holder(o), ms, d, d);
        return RL_TIMEOUT;
    }
    os_check(rc, "pthread_mutex_lock (RLock)");
taken:
    os_lock_taken(ot, o, rec, waited ? RL_RES_WOKE : RL_RES_OK, ms,
                  &rl->clock);
    return RL_OK;
}

/* Wake one thread that may sleep on Lock l (its release saw state 2). */
void os_lock_wake(struct os_lock *l)
{
    os_futex_wake(&l->state);
}

/* Release lock o by ot; `all` releases an RLock fully (Condition.wait).
 * Returns the depth released (>= 1) or a negated misuse status. The record
 * is made before the real release so the next owner's record follows it. */
int os_lock_put(struct os_thread *ot, struct rl_obj *o, bool all, bool rec)
{
    int tid = os_tid(ot), d, i;
    struct os_rlock *rl;

    if (o->kind == RL_OBJ_LOCK)
        return os_lock_free(ot, o, rec);
    rl = o->os;
    if (atomic_load_explicit(&o->owner, memory_order_relaxed) != tid || tid < 0)
        return -os_misuse(ot, o, o->run, RL_OP_RELEASE, RL_ERR_NOT_OWNER);
    d = atomic_load_explicit(&o->depth, memory_order_relaxed);
    RL_ASSERT(d >= 1);
    if (all || d == 1) {
        atomic_store_explicit(&o->depth, 0, memory_order_relaxed);
        atomic_store_explicit(&o->owner, -1, memory_order_relaxed);
        if (rec)
            os_emit(ot, OS_ORD_OBJECT, &rl->clock, RL_OP_RELEASE, RL_RES_OK, o,
                    -1, 0, d, 0);
        else
            os_clock_sync(ot, &rl->clock, true);
        for (i = 0; i < d; i++)
            os_check(pthread_mutex_unlock(&rl->mu), "pthread_mutex_unlock");
        return d;
    }
    atomic_store_explicit(&o->depth, d - 1, memory_order_relaxed);
    if (rec)
        os_emit(ot, OS_ORD_OBJECT, &rl->clock, RL_OP_RELEASE, RL_RES_OK, o, -1,
                0, d, d - 1);
    else
        os_clock_sync(ot, &rl->clock, true);
    os_check(pthread_mutex_unlock(&rl->mu), "pthread_mutex_unlock");
    return 1;
}

/* Whether ot holds lock o, as Condition checks it: an RLock must be owned
 * by the caller; a Lock (not owned, as in Python) must be locked. */
static bool os_lock_held(const struct os_thread *ot, struct rl_obj *o)
{
    if (o->kind == RL_OBJ_RLOCK)
        return ot && atomic_load_explicit(&o->owner, memory_order_relaxed) ==
                         ot->t->id;
    return atomic_load(&((struct os_lock *)o->os)->state) != 0;
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
    os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_WAIT, RL_RES_BLOCKED, c, -1, ms, 0,
            0);
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
        os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_WAIT, RL_RES_BLOCKED, l,
                rl_obj_holder(l), ms, 0, 0);
        os_lock_take(ot, l, -1, false);
    }
    if (l->kind == RL_OBJ_RLOCK) {
        struct os_rlock *rl = l->os;
        int i;

        for (i = 1; i < depth; i++)
            os_check(pthread_mutex_lock(&rl->mu), "pthread_mutex_lock");
        atomic_store_explicit(&l->depth, depth, memory_order_relaxed);
    }
    if (sem_destroy(&w.sem) != 0)
        os_check(errno, "sem_destroy");
    os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_WAIT,
            rc == RL_OK ? RL_RES_WOKE : RL_RES_TIMEOUT, c, -1, ms, 0, depth);
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
    os_emit(ot, OS_ORD_THREAD, NULL, op, RL_RES_OK, c, first, n, 0, 0);
    return RL_OK;
}
