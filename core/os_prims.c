/* SPDX-License-Identifier: MIT */
/*
 * os_prims.c - the os backend's shared variables, Semaphore,
 * BoundedSemaphore, Event and Barrier, and the thread calls join, yield,
 * sleep and fail: real primitives, built the way CPython builds its own.
 *
 *   (Bounded)Semaphore  a POSIX semaphore plus a count kept under the run's
 *                    display mutex, which catches an over-release before
 *                    it reaches the semaphore
 *   Event, Barrier   a mutex, a condition variable and a generation count
 *   join             a per-thread done flag under a mutex and a condvar
 *
 * Shared variables live in rl_obj.value: load and store are separate relaxed
 * atomic operations, so the unsafe counter really loses updates (without C
 * undefined behaviour), and fetch_add is one atomic_fetch_add. When the run
 * records, each operation also takes the variable's spin lock, so that its
 * record has its exact place among the variable's (os_record.c).
 */
#include <errno.h>
#include <sched.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>

#include "os_impl.h"

/* ---- shared variables ---------------------------------------------------- */

/* The operations themselves are inline in os_impl.h (os_var_op): the
 * student API calls them directly on an os run. */

/* ---- Semaphore and BoundedSemaphore ------------------------------------- */

/* Note that tid holds a unit of semaphore s (display mutex held). */
static void os_hold_add(struct rl_obj *s, int tid)
{
    if (s->nhold < RL_MAX_THREADS)
        s->hold[s->nhold++] = (int16_t)tid;
}

/* Remove tid's unit, or the oldest holder's if tid holds none (a semaphore
 * is not owned: any thread may release it). Display mutex held. */
static void os_hold_remove(struct rl_obj *s, int tid)
{
    int i, at = 0;

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
}

/* Record a failed or blocked acquire of semaphore s (after its last
 * record; under the display mutex, which also gives the holder). */
static void os_sem_note(struct os_thread *ot, struct rl_obj *s,
                        enum rl_result res, long ms, bool holder)
{
    struct os_run *rs = s->run->os;
    struct os_sem *os = s->os;
    long c;

    if (!ot || !ot->record)
        return;
    os_lock_mu(&rs->display);
    c = atomic_load_explicit(&s->value, memory_order_relaxed);
    os_emit(ot, OS_ORD_AFTER, &os->clock, RL_OP_ACQUIRE, res, s,
            holder ? rl_obj_holder(s) : -1, ms, c, c);
    os_unlock_mu(&rs->display);
}

/* Semaphore acquire: RL_OK or RL_TIMEOUT. The count changes, and the
 * record is made, under the display mutex: the semaphore's order. */
int os_sem_acquire(struct rl_obj *s, long ms)
{
    struct os_thread *ot = os_enter();
    struct rl_run *run = s->run;
    struct os_run *rs = run->os;
    struct os_sem *os = s->os;
    enum rl_result res = RL_RES_OK;
    long c;

    if (!ot)
        ms = 0; /* setup and checks cannot block */
    if (os_sem_take(&os->sem, 0) != RL_OK) {
        if (ms == 0) {
            os_sem_note(ot, s, RL_RES_TIMEOUT, ms, false);
            return RL_TIMEOUT;
        }
        os_block_begin(ot, s, ms, NULL, 0, -1);
        os_sem_note(ot, s, RL_RES_BLOCKED, ms, true);
        if (os_sem_take(&os->sem, ms) != RL_OK) {
            os_block_end(ot);
            os_sem_note(ot, s, RL_RES_TIMEOUT, ms, false);
            return RL_TIMEOUT;
        }
        os_block_end(ot);
        res = RL_RES_WOKE;
    }
    os_lock_mu(&rs->display);
    c = atomic_fetch_sub_explicit(&s->value, 1, memory_order_relaxed);
    os_hold_add(s, os_tid(ot));
    os_emit(ot, OS_ORD_OBJECT, &os->clock, RL_OP_ACQUIRE, res, s, -1, ms, c,
            c - 1);
    os_unlock_mu(&rs->display);
    return RL_OK;
}

/* Semaphore release: RL_OK, or RL_ERR_TOO_MANY for a BoundedSemaphore
 * already at its initial value (the count is unchanged). */
int os_sem_release(struct rl_obj *s)
{
    struct os_thread *ot = os_enter();
    struct rl_run *run = s->run;
    struct os_run *rs = run->os;
    struct os_sem *os = s->os;
    long c;

    os_lock_mu(&rs->display);
    /* The count rises before sem_post and falls after sem_wait, so it is
     * never below the semaphore's own: checking it keeps a
     * BoundedSemaphore within its bound. */
    c = atomic_load_explicit(&s->value, memory_order_relaxed);
    if (s->kind == RL_OBJ_BOUNDED_SEMAPHORE && c >= s->limit) {
        os_unlock_mu(&rs->display);
        return os_misuse(ot, s, s->run, RL_OP_RELEASE, RL_ERR_TOO_MANY);
    }
    atomic_store_explicit(&s->value, c + 1, memory_order_relaxed);
    os_hold_remove(s, os_tid(ot));
    /* Recorded before the post, so that the acquire it allows follows. */
    os_emit(ot, OS_ORD_OBJECT, &os->clock, RL_OP_RELEASE, RL_RES_OK, s, -1, 0,
            c, c + 1);
    os_unlock_mu(&rs->display);
    os_sem_post(&os->sem);
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
    os_emit(ot, OS_ORD_OBJECT, &g->clock, set ? RL_OP_SET : RL_OP_CLEAR,
            RL_RES_OK, e, -1, set ? n : 0, before, set);
    os_unlock_mu(&g->mu);
}

/* Event.is_set. */
bool os_event_is_set(struct rl_obj *e)
{
    struct os_thread *ot = os_enter();
    struct os_gate *g = e->os;
    long v;

    if (!ot || !ot->record)
        return atomic_load_explicit(&e->value, memory_order_relaxed) != 0;
    /* Recording: under mu, in the Event's order. */
    os_lock_mu(&g->mu);
    v = g->flag;
    os_emit(ot, OS_ORD_OBJECT, &g->clock, RL_OP_IS_SET, RL_RES_OK, e, -1, 0, v,
            v);
    os_unlock_mu(&g->mu);
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

        os_emit(ot, OS_ORD_OBJECT, &g->clock, RL_OP_EVENT_WAIT,
                f ? RL_RES_OK : RL_RES_TIMEOUT, e, -1, ms, f, f);
        os_unlock_mu(&g->mu);
        return f ? RL_OK : RL_TIMEOUT;
    }
    gen = g->gen;
    g->nwaiting++;
    os_block_begin(ot, e, ms, NULL, gen, -1);
    os_emit(ot, OS_ORD_OBJECT, &g->clock, RL_OP_EVENT_WAIT, RL_RES_BLOCKED, e,
            -1, ms, 0, 0);
    if (ms > 0)
        dl = os_deadline(ms);
    /* Woken by a set even if the flag was cleared again since (Python
     * returns True then too): wait for the generation to move. */
    while (g->gen == gen && !timeout)
        timeout = os_cond_sleep(&g->cv, &g->mu, ms > 0 ? &dl : NULL);
    if (g->gen != gen)
        timeout = false;
    g->nwaiting--;
    os_clock_sync(ot, &g->clock, false); /* after the set that woke it */
    os_unlock_mu(&g->mu);
    os_block_end(ot);
    os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_EVENT_WAIT,
            timeout ? RL_RES_TIMEOUT : RL_RES_WOKE, e, -1, ms, 0, !timeout);
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
        os_emit(ot, OS_ORD_OBJECT, &g->clock, RL_OP_BARRIER, RL_RES_ERROR, b,
                -1, RL_ERR_BROKEN, 0, 0);
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
        os_emit(ot, OS_ORD_OBJECT, &g->clock, RL_OP_BARRIER, RL_RES_OK, b, -1,
                ms, idx, idx);
        os_unlock_mu(&g->mu);
        return idx;
    }
    gen = g->gen;
    if (ms != 0) {
        os_block_begin(ot, b, ms, NULL, gen, -1);
        os_emit(ot, OS_ORD_OBJECT, &g->clock, RL_OP_BARRIER, RL_RES_BLOCKED,
                b, -1, ms, idx, idx);
        if (ms > 0)
            dl = os_deadline(ms);
        while (g->gen == gen && !atomic_load(&g->broken) && !timeout)
            timeout = os_cond_sleep(&g->cv, &g->mu, ms > 0 ? &dl : NULL);
    } else {
        timeout = true; /* wait(timeout=0) */
    }
    os_clock_sync(ot, &g->clock, true); /* after the arrival that woke it */
    if (g->gen != gen) {
        os_unlock_mu(&g->mu);
        if (ms != 0)
            os_block_end(ot);
        os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_BARRIER, RL_RES_WOKE, b, -1, ms,
                idx, idx);
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
        /* Recorded under mu: the others' "broken" records follow it. */
        os_emit(ot, OS_ORD_OBJECT, &g->clock, RL_OP_BARRIER, RL_RES_TIMEOUT,
                b, -1, ms, idx, idx);
        os_check(pthread_cond_broadcast(&g->cv), "pthread_cond_broadcast");
    } else {
        timeout = false;
    }
    os_unlock_mu(&g->mu);
    if (ms != 0)
        os_block_end(ot);
    if (!timeout)
        os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_BARRIER, RL_RES_ERROR, b, -1,
                RL_ERR_BROKEN, 0, 0);
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
        os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_JOIN, RL_RES_BLOCKED, NULL,
                t->id, 0, 0, 0);
        while (!target->done)
            os_cond_sleep(&target->cv, &target->mu, NULL);
    }
    /* After the joined thread's last record. */
    if (ot->record && target->end_clock > ot->clock)
        ot->clock = target->end_clock;
    os_unlock_mu(&target->mu);
    if (blocked)
        os_block_end(ot);
    os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_JOIN,
            blocked ? RL_RES_WOKE : RL_RES_OK, NULL, t->id, 0, 0, 0);
}

/* Record a yield, then sched_yield. */
void os_yield(void)
{
    struct os_thread *ot = os_enter();

    if (ot)
        os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_YIELD, RL_RES_OK, NULL, -1, 0,
                0, 0);
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
    os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_SLEEP, RL_RES_OK, NULL, -1, ms, now,
            now);
    if (ms <= 0)
        return;
    atomic_store_explicit(&ot->t->state, RL_T_SLEEPING, memory_order_release);
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000;
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
    atomic_store_explicit(&ot->t->state, RL_T_RUNNABLE, memory_order_release);
    now = os_now_ms() - ot->rs->t_start;
    os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_SLEEP, RL_RES_WOKE, NULL, -1, ms,
            now, now);
}

/* Record that check `check` failed here. */
void os_fail(struct rl_thread *self, int check)
{
    struct os_thread *ot = os_enter();

    (void)self;
    if (ot)
        os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_FAIL, RL_RES_OK, NULL, -1,
                check, 0, 0);
}
