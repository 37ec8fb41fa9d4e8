/* SPDX-License-Identifier: MIT */
/*
 * os_prims.c - the os backend's shared variables, Semaphore,
 * BoundedSemaphore, Event and Barrier, and the thread calls join, yield,
 * sleep and fail: real primitives, built the way CPython builds its own.
 *
 *   (Bounded)Semaphore  a POSIX semaphore plus an atomic count that catches
 *                    an over-release before it reaches the semaphore
 *   Event, Barrier   a mutex, a condition variable and a generation count
 *   join             a per-thread done flag under a mutex and a condvar
 *
 * Shared variables live in rl_obj.value: load and store are separate relaxed
 * atomic operations, so the unsafe counter really loses updates (without C
 * undefined behaviour), and fetch_add is one atomic_fetch_add.
 */
#include <errno.h>
#include <sched.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>

#include "os_impl.h"

/* ---- shared variables ---------------------------------------------------- */

/* load / store / fetch_add on a shared variable: real relaxed atomics, so
 * a load then a store is the racy read-modify-write the lab shows. */
long os_var_op(struct rl_obj *v, enum rl_op op, long arg)
{
    struct os_thread *ot = os_enter();
    long old;

    switch (op) {
    case RL_OP_LOAD:
        old = atomic_load_explicit(&v->value, memory_order_relaxed);
        os_emit(ot, op, RL_RES_OK, v, -1, 0, old, old);
        return old;
    case RL_OP_STORE:
        if (ot && !ot->record) {
            atomic_store_explicit(&v->value, arg, memory_order_relaxed);
            return arg;
        }
        /* Recording: exchange, so `before` is exactly what was
         * overwritten (the lost-update analysis reads it). */
        old = atomic_exchange_explicit(&v->value, arg, memory_order_relaxed);
        os_emit(ot, op, RL_RES_OK, v, -1, arg, old, arg);
        return arg;
    case RL_OP_FETCH_ADD:
        old = atomic_fetch_add_explicit(&v->value, arg, memory_order_relaxed);
        os_emit(ot, op, RL_RES_OK, v, -1, arg, old, old + arg);
        return old;
    default:
        RL_ASSERT(!"os_var_op: not a variable operation");
        return 0;
    }
}

/* ---- Semaphore and BoundedSemaphore ------------------------------------- */

/* Note that tid holds a unit of semaphore s (display). */
static void os_hold_add(struct os_run *rs, struct rl_obj *s, int tid)
{
    os_lock_mu(&rs->display);
    if (s->nhold < RL_MAX_THREADS)
        s->hold[s->nhold++] = (int16_t)tid;
    os_unlock_mu(&rs->display);
}

/* Remove tid's unit, or the oldest holder's if tid holds none (a semaphore
 * is not owned: any thread may release it). */
static void os_hold_remove(struct os_run *rs, struct rl_obj *s, int tid)
{
    int i, at = 0;

    os_lock_mu(&rs->display);
    for (i = 0; i < s->nhold; i++)
        if (s->hold[i] == tid) {
            at = i;
            break;
        }
    if (s->nhold > 0) {
        memmove(&s->hold[at], &s->hold[at + 1],
                (size_t)(s->nhold - at - 1) * sizeof s->hold[0]);
        s->nhold--;
    }
    os_unlock_mu(&rs->display);
}

/* The first holder of semaphore s, or -1 (for a blocked record). */
static int os_sem_holder(struct os_run *rs, const struct rl_obj *s)
{
    int h;

    os_lock_mu(&rs->display);
    h = rl_obj_holder(s);
    os_unlock_mu(&rs->display);
    return h;
}

/* Semaphore acquire: RL_OK or RL_TIMEOUT. */
int os_sem_acquire(struct rl_obj *s, long ms)
{
    struct os_thread *ot = os_enter();
    struct rl_run *run = s->run;
    struct os_run *rs = run->os;
    enum rl_result res = RL_RES_OK;
    long c;

    if (!ot)
        ms = 0; /* setup and checks cannot block */
    if (os_sem_take(s->os, 0) != RL_OK) {
        c = atomic_load_explicit(&s->value, memory_order_relaxed);
        if (ms == 0) {
            os_emit(ot, RL_OP_ACQUIRE, RL_RES_TIMEOUT, s, -1, ms, c, c);
            return RL_TIMEOUT;
        }
        os_block_begin(ot, s, ms, NULL, 0, -1);
        os_emit(ot, RL_OP_ACQUIRE, RL_RES_BLOCKED, s, os_sem_holder(rs, s), ms,
                c, c);
        if (os_sem_take(s->os, ms) != RL_OK) {
            os_block_end(ot);
            c = atomic_load_explicit(&s->value, memory_order_relaxed);
            os_emit(ot, RL_OP_ACQUIRE, RL_RES_TIMEOUT, s, -1, ms, c, c);
            return RL_TIMEOUT;
        }
        os_block_end(ot);
        res = RL_RES_WOKE;
    }
    c = atomic_fetch_sub_explicit(&s->value, 1, memory_order_relaxed);
    os_hold_add(rs, s, os_tid(ot));
    os_emit(ot, RL_OP_ACQUIRE, res, s, -1, ms, c, c - 1);
    return RL_OK;
}

/* Semaphore release: RL_OK, or RL_ERR_TOO_MANY for a BoundedSemaphore
 * already at its initial value (the count is unchanged). */
int os_sem_release(struct rl_obj *s)
{
    struct os_thread *ot = os_enter();
    struct rl_run *run = s->run;
    long c;

    c = atomic_load_explicit(&s->value, memory_order_relaxed);
    if (s->kind == RL_OBJ_BOUNDED_SEMAPHORE) {
        /* The count rises before sem_post and falls after sem_wait, so it
         * is never below the semaphore's own: checking it keeps the
         * semaphore within its bound. */
        do {
            if (c >= s->limit)
                return os_misuse(ot, s, s->run, RL_OP_RELEASE, RL_ERR_TOO_MANY);
        } while (!atomic_compare_exchange_weak_explicit(
            &s->value, &c, c + 1, memory_order_relaxed, memory_order_relaxed));
    } else {
        c = atomic_fetch_add_explicit(&s->value, 1, memory_order_relaxed);
    }
    os_hold_remove(run->os, s, os_tid(ot));
    os_emit(ot, RL_OP_RELEASE, RL_RES_OK, s, -1, 0, c, c + 1);
    os_sem_post(s->os);
    return RL_OK;
}

/* ---- Event --------------------------------------------------------------- */

/* Event.set (waking every waiter) or Event.clear. */
void os_event_set(struct rl_obj *e, bool set)
{
    struct os_thread *ot = os_enter();
    struct os_gate *g = e->os;
    long before;
    int n = 0;

    os_lock_mu(&g->mu);
    before = g->flag;
    if (set) {
        if (!g->flag) {
            g->flag = true;
            g->gen++;
            atomic_store_explicit(&g->agen, g->gen, memory_order_release);
            n = g->nwaiting;
        }
        os_check(pthread_cond_broadcast(&g->cv), "pthread_cond_broadcast");
    } else {
        g->flag = false;
    }
    atomic_store_explicit(&e->value, g->flag, memory_order_relaxed);
    /* Recorded under mu, so that a waiter's record follows it. */
    os_emit(ot, set ? RL_OP_SET : RL_OP_CLEAR, RL_RES_OK, e, -1, set ? n : 0,
            before, set);
    os_unlock_mu(&g->mu);
}

/* Event.is_set. */
bool os_event_is_set(struct rl_obj *e)
{
    struct os_thread *ot = os_enter();
    long v = atomic_load_explicit(&e->value, memory_order_relaxed);

    os_emit(ot, RL_OP_IS_SET, RL_RES_OK, e, -1, 0, v, v);
    return v != 0;
}

/* Event.wait: RL_OK once set, RL_TIMEOUT if not set within ms. */
int os_event_wait(struct rl_obj *e, long ms)
{
    struct os_thread *ot = os_enter();
    struct os_gate *g = e->os;
    struct timespec dl;
    bool timeout = false;
    long gen;

    if (!ot)
        ms = 0;
    os_lock_mu(&g->mu);
    if (g->flag || ms == 0) {
        bool f = g->flag;

        os_emit(ot, RL_OP_EVENT_WAIT, f ? RL_RES_OK : RL_RES_TIMEOUT, e, -1, ms,
                f, f);
        os_unlock_mu(&g->mu);
        return f ? RL_OK : RL_TIMEOUT;
    }
    gen = g->gen;
    g->nwaiting++;
    os_block_begin(ot, e, ms, NULL, gen, -1);
    os_emit(ot, RL_OP_EVENT_WAIT, RL_RES_BLOCKED, e, -1, ms, 0, 0);
    if (ms > 0)
        dl = os_deadline(ms);
    /* Woken by a set even if the flag was cleared again since (Python
     * returns True then too): wait for the generation to move. */
    while (g->gen == gen && !timeout)
        timeout = os_cond_sleep(&g->cv, &g->mu, ms > 0 ? &dl : NULL);
    if (g->gen != gen)
        timeout = false;
    g->nwaiting--;
    os_unlock_mu(&g->mu);
    os_block_end(ot);
    os_emit(ot, RL_OP_EVENT_WAIT, timeout ? RL_RES_TIMEOUT : RL_RES_WOKE, e, -1,
            ms, 0, !timeout);
    return timeout ? RL_TIMEOUT : RL_OK;
}

/* ---- Barrier ------------------------------------------------------------- */

/* Barrier.wait: the arrival index, or -RL_ERR_BROKEN (a timeout breaks the
 * barrier for every waiter and every later caller). */
int os_barrier_wait(struct rl_obj *b, long ms)
{
    struct os_thread *ot = os_enter();
    struct os_gate *g = b->os;
    struct timespec dl;
    bool timeout = false;
    long gen;
    int idx;

    if (!ot)
        return -RL_ERR_BROKEN; /* setup cannot wait for lab threads */
    os_lock_mu(&g->mu);
    if (atomic_load(&g->broken)) {
        os_emit(ot, RL_OP_BARRIER, RL_RES_ERROR, b, -1, RL_ERR_BROKEN, 0, 0);
        os_unlock_mu(&g->mu);
        return -RL_ERR_BROKEN;
    }
    idx = g->count++;
    atomic_store_explicit(&b->value, g->count, memory_order_relaxed);
    if (g->count == b->limit) {
        /* The last arrival releases the round. */
        g->count = 0;
        g->gen++;
        b->generation = g->gen;
        atomic_store_explicit(&g->agen, g->gen, memory_order_release);
        atomic_store_explicit(&b->value, 0, memory_order_relaxed);
        os_check(pthread_cond_broadcast(&g->cv), "pthread_cond_broadcast");
        os_emit(ot, RL_OP_BARRIER, RL_RES_OK, b, -1, ms, idx, idx);
        os_unlock_mu(&g->mu);
        return idx;
    }
    gen = g->gen;
    if (ms != 0) {
        os_block_begin(ot, b, ms, NULL, gen, -1);
        os_emit(ot, RL_OP_BARRIER, RL_RES_BLOCKED, b, -1, ms, idx, idx);
        if (ms > 0)
            dl = os_deadline(ms);
        while (g->gen == gen && !atomic_load(&g->broken) && !timeout)
            timeout = os_cond_sleep(&g->cv, &g->mu, ms > 0 ? &dl : NULL);
    } else {
        timeout = true; /* wait(timeout=0) */
    }
    if (g->gen != gen) {
        os_unlock_mu(&g->mu);
        if (ms != 0)
            os_block_end(ot);
        os_emit(ot, RL_OP_BARRIER, RL_RES_WOKE, b, -1, ms, idx, idx);
        return idx;
    }
    if (timeout && !atomic_load(&g->broken)) {
        /* Our timeout breaks the barrier for everyone, as in Python. */
        atomic_store(&g->broken, true);
        /* b->broken is what the live view reads, under the display
         * mutex (rl_run_object). */
        os_lock_mu(&ot->rs->display);
        b->broken = true;
        os_unlock_mu(&ot->rs->display);
        g->count = 0;
        atomic_store_explicit(&b->value, 0, memory_order_relaxed);
        os_check(pthread_cond_broadcast(&g->cv), "pthread_cond_broadcast");
    } else {
        timeout = false;
    }
    os_unlock_mu(&g->mu);
    if (ms != 0)
        os_block_end(ot);
    if (timeout)
        os_emit(ot, RL_OP_BARRIER, RL_RES_TIMEOUT, b, -1, ms, idx, idx);
    else
        os_emit(ot, RL_OP_BARRIER, RL_RES_ERROR, b, -1, RL_ERR_BROKEN, 0, 0);
    return -RL_ERR_BROKEN;
}

/* ---- join, yield, sleep, fail -------------------------------------------- */

/* Thread.join: wait for t's done flag. */
void os_join(struct rl_thread *t)
{
    struct os_thread *ot = os_enter();
    struct os_thread *target = t->backend;
    bool blocked = false;

    if (!ot)
        return; /* setup cannot wait for threads that have not started */
    if (target == ot) {
        /* Python: RuntimeError("cannot join current thread"). */
        os_misuse(ot, NULL, t->run, RL_OP_JOIN, RL_ERR_ARG);
        return;
    }
    os_lock_mu(&target->mu);
    if (!target->done) {
        blocked = true;
        os_block_begin(ot, NULL, -1, NULL, 0, t->id);
        os_emit(ot, RL_OP_JOIN, RL_RES_BLOCKED, NULL, t->id, 0, 0, 0);
        while (!target->done)
            os_cond_sleep(&target->cv, &target->mu, NULL);
    }
    os_unlock_mu(&target->mu);
    if (blocked)
        os_block_end(ot);
    os_emit(ot, RL_OP_JOIN, blocked ? RL_RES_WOKE : RL_RES_OK, NULL, t->id, 0,
            0, 0);
}

/* Record a yield, then sched_yield. */
void os_yield(void)
{
    struct os_thread *ot = os_enter();

    if (ot)
        os_emit(ot, RL_OP_YIELD, RL_RES_OK, NULL, -1, 0, 0, 0);
    sched_yield();
}

/* Sleep ms of real time (records: sleep, then wake up). */
void os_sleep(long ms)
{
    struct os_thread *ot = os_enter();
    struct timespec ts;

    long now;

    if (!ot)
        return;
    now = os_now_ms() - ot->rs->t_start;
    os_emit(ot, RL_OP_SLEEP, RL_RES_OK, NULL, -1, ms, now, now);
    if (ms <= 0)
        return;
    atomic_store_explicit(&ot->t->state, RL_T_SLEEPING, memory_order_release);
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000;
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
    atomic_store_explicit(&ot->t->state, RL_T_RUNNABLE, memory_order_release);
    now = os_now_ms() - ot->rs->t_start;
    os_emit(ot, RL_OP_SLEEP, RL_RES_WOKE, NULL, -1, ms, now, now);
}

/* Record that check `check` failed here. */
void os_fail(struct rl_thread *self, int check)
{
    struct os_thread *ot = os_enter();

    (void)self;
    if (ot)
        os_emit(ot, RL_OP_FAIL, RL_RES_OK, NULL, -1, check, 0, 0);
}
