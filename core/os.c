/* SPDX-License-Identifier: MIT */
/*
 * os.c - the os backend: lab threads are real pthreads on real cores, and
 * every primitive is a real one, built the way CPython builds its own.
 *
 *   Lock             a POSIX semaphore of value 1 (not owned: any thread may
 *                    release it) plus an atomic "locked" flag, so that
 *                    releasing an unlocked Lock is caught by a CAS
 *   RLock            a recursive pthread mutex plus owner and depth
 *   (Bounded)Semaphore  a POSIX semaphore plus an atomic count that catches
 *                    an over-release before it reaches the semaphore
 *   Condition        CPython's design: each waiter parks on its own
 *                    semaphore, queued FIFO under an internal mutex; wait
 *                    fully releases the Lock / RLock and restores it after
 *   Event, Barrier   a mutex, a condition variable and a generation count
 *   join             a per-thread done flag under a mutex and a condvar
 *
 * Shared variables live in rl_obj.value: load and store are separate relaxed
 * atomic operations, so the unsafe counter really loses updates (without C
 * undefined behaviour), and fetch_add is one atomic_fetch_add.
 *
 * Records. Each lab thread appends its records to its own ring (the newest
 * OS_RING records) without any lock, stamping each from one global atomic
 * sequence counter. The thread that polls the run (rl_run_poll / finish)
 * merges the rings in sequence order and hands the records to
 * rl_record_push. A record is only merged once no thread can still publish
 * a smaller sequence number (see os_merge), so the merged order is exact.
 * A ring the merger has not emptied in time drops its oldest records; they
 * are counted (rl_os_dropped).
 *
 * Logical state (rl_obj owner / depth / value, rl_thread state) is kept with
 * relaxed atomics for display and reports; the wait and hold lists of the
 * objects, and each thread's "what am I blocked on" fields, are guarded by
 * the run's display mutex, which only blocking paths and semaphores take.
 *
 * Threads start together: they wait at a gate until all are created, then
 * spin until all are past it; with several cores they are spread over them
 * round-robin (CPU affinity), so two threads really run at the same time
 * even on a busy machine.
 *
 * Watchdog. A run whose unfinished threads are all blocked without a
 * timeout, none of them able to proceed, and unchanged for watchdog_ms is a
 * deadlock; a run older than timeout_ms is a timeout. Either way the stuck
 * threads cannot be freed: they are detached, the run is marked abandoned
 * (never freed), and threads still running park at their next call.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define OS_RING_BITS 16
#define OS_RING ((uint64_t)1 << OS_RING_BITS) /* records kept per thread */
#define OS_BATCH 1024                         /* records staged per refill */
#define OS_WORDS ((sizeof(struct rl_record) + 7) / 8)
#define OS_LINE 64
#define OS_GRACE_MS 200 /* destroyed while running: wait this long */
#define OS_SPIN 200     /* tries before sleeping */

/* One ring slot: the record as words, so that a slot being overwritten
 * while the merger copies it is a detected (seqlock) race, not undefined
 * behaviour. */
struct os_slot {
    _Atomic uint64_t w[OS_WORDS];
};

/* The backend's run state (run->os). */
struct os_run {
    /* The global sequence counter: every lab thread increments it. */
    _Alignas(OS_LINE) _Atomic uint64_t seq;
    /* Set when the run was abandoned: lab threads park at their next call.
     * Read by every call, written once. */
    _Alignas(OS_LINE) _Atomic bool stop;
    bool record; /* cfg.record; read-only after create */

    /* Guards every rl_obj's nwait / wait[] / nhold / hold[], every
     * thread's blocking fields (os_thread.timed, wait_sem, wait_gen,
     * blocks) and calls into run.c that lab threads make (misuse). Its own
     * cache line: `stop` above is read by every call. */
    _Alignas(OS_LINE) pthread_mutex_t display;

    /* The start gate: lab threads wait here until all are created. */
    pthread_mutex_t gate_mu;
    pthread_cond_t gate_cv;
    bool gate_open;   /* guarded by gate_mu */
    bool abort_start; /* guarded by gate_mu */
    int ncreated;     /* guarded by gate_mu */
    /* Threads past the gate; each spins until all are, so that the bodies
     * start together on different cores (a sleeping thread woken by the
     * gate may otherwise be queued behind its sibling and start late). */
    _Alignas(OS_LINE) _Atomic int arrived;

    /* Finished threads; finish() sleeps on end_cv between polls. */
    pthread_mutex_t end_mu;
    pthread_cond_t end_cv;
    _Atomic int ndone; /* written under end_mu */

    /* Private to the thread that drives the run (start, poll, finish). */
    bool started;
    enum rl_end end;
    long t_start; /* ms, CLOCK_MONOTONIC */
    long watchdog_ms;
    long timeout_ms;
    uint64_t dropped; /* records lost to full rings */
    bool wd_armed;
    unsigned long wd_sig;
    long wd_since;
};

/* The backend's thread state (rl_thread.backend). */
struct os_thread {
    /* Written by the lab thread on every record, read by the merger. */
    _Alignas(OS_LINE) _Atomic uint64_t head; /* records published */
    _Atomic uint64_t claim; /* records begun (head + 1 while writing) */
    /* Private to the lab thread. */
    uint64_t next; /* head's value */
    bool record;
    struct os_slot *ring; /* OS_RING slots, or NULL if not recording */
    struct rl_thread *t;
    struct rl_run *run;
    struct os_run *rs;

    /* Private to the merger. */
    _Alignas(OS_LINE) uint64_t tail; /* next ring index to copy */
    uint64_t floor;                  /* every seq of this thread is >= floor */
    uint64_t last_seq;               /* seq of the last record merged, or 0 */
    struct rl_record *stage;         /* copied, validated, not yet merged */
    size_t nstage, istage;

    /* Guarded by the run's display mutex. */
    _Alignas(OS_LINE) bool timed; /* blocked with a timeout */
    sem_t *wait_sem;              /* Condition: the waiter's semaphore */
    long wait_gen;                /* Event / Barrier: generation at block */
    unsigned long blocks;         /* block and unblock count (progress) */

    /* Join: guarded by mu. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;

    /* Private to the driving thread. */
    pthread_t pt;
    bool created;
    bool reaped; /* joined or detached */
};

/* Lock: the semaphore is the lock; `locked` says whether a release is
 * legal (CAS 1 -> 0). */
struct os_lock {
    sem_t sem;
    _Atomic int locked;
};

/* A Condition waiter: lives on the waiting thread's stack. */
struct os_waiter {
    sem_t sem;
    int tid;
    struct os_waiter *next;
};

/* Condition: FIFO of waiters, guarded by mu. */
struct os_cond {
    pthread_mutex_t mu;
    struct os_waiter *head, *tail;
};

/* Event and Barrier: state guarded by mu; gen mirrored atomically for the
 * watchdog. */
struct os_gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    long gen;            /* Event: sets; Barrier: rounds */
    _Atomic long agen;   /* gen, for the watchdog */
    int nwaiting;        /* Event: threads in wait */
    bool flag;           /* Event */
    int count;           /* Barrier: arrivals this round */
    _Atomic bool broken; /* Barrier */
};

static _Thread_local struct rl_thread *os_self_t;
static _Thread_local struct os_thread *os_me;

/* ---- helpers ------------------------------------------------------------ */

/* Abort on a pthread error that cannot happen in a correct backend. */
static void os_check(int rc, const char *what)
{
    char msg[160];

    if (rc == 0)
        return;
    snprintf(msg, sizeof msg, "%s: %s", what, strerror(rc));
    rl_panic(__FILE__, __LINE__, msg);
}

/* Lock / unlock a mutex that is never misused by this file. */
static void os_lock_mu(pthread_mutex_t *mu)
{
    os_check(pthread_mutex_lock(mu), "pthread_mutex_lock");
}

static void os_unlock_mu(pthread_mutex_t *mu)
{
    os_check(pthread_mutex_unlock(mu), "pthread_mutex_unlock");
}

/* Milliseconds on the monotonic clock (watchdog and timeout). */
static long os_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The CLOCK_REALTIME deadline ms from now (sem_timedwait & co use it). */
static struct timespec os_deadline(long ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

/* Take a unit of sem: ms < 0 waits forever, 0 tries, > 0 times out.
 * Returns RL_OK or RL_TIMEOUT. */
static int os_sem_take(sem_t *sem, long ms)
{
    struct timespec dl;
    int rc;

    if (ms == 0) {
        while ((rc = sem_trywait(sem)) == -1 && errno == EINTR)
            ;
        if (rc != 0 && errno != EAGAIN)
            os_check(errno, "sem_trywait");
        return rc == 0 ? RL_OK : RL_TIMEOUT;
    }
    if (ms < 0) {
        while ((rc = sem_wait(sem)) == -1 && errno == EINTR)
            ;
        if (rc != 0)
            os_check(errno, "sem_wait");
        return RL_OK;
    }
    dl = os_deadline(ms);
    while ((rc = sem_timedwait(sem, &dl)) == -1 && errno == EINTR)
        ;
    if (rc == 0)
        return RL_OK;
    if (errno == ETIMEDOUT)
        return RL_TIMEOUT;
    os_check(errno, "sem_timedwait");
    return RL_TIMEOUT;
}

/* Give back a unit of sem. */
static void os_sem_post(sem_t *sem)
{
    if (sem_post(sem) != 0)
        os_check(errno, "sem_post");
}

/* Wait on cv (mu held) until woken or the deadline; true on timeout. */
static bool os_cond_sleep(pthread_cond_t *cv, pthread_mutex_t *mu,
                          const struct timespec *dl)
{
    int rc;

    if (!dl) {
        os_check(pthread_cond_wait(cv, mu), "pthread_cond_wait");
        return false;
    }
    rc = pthread_cond_timedwait(cv, mu, dl);
    if (rc == ETIMEDOUT)
        return true;
    os_check(rc, "pthread_cond_timedwait");
    return false;
}

/* Park the calling lab thread forever: its run was abandoned. */
static _Noreturn void os_park(void)
{
    for (;;)
        pause();
}

/* The calling lab thread's state; parks it if its run was abandoned. NULL
 * outside lab threads (setup). */
static inline struct os_thread *os_enter(void)
{
    struct os_thread *ot = os_me;

    if (ot && atomic_load_explicit(&ot->rs->stop, memory_order_relaxed))
        os_park();
    return ot;
}

/* The lab thread's id, -1 outside lab threads. */
static inline int os_tid(const struct os_thread *ot)
{
    return ot ? ot->t->id : -1;
}

/* ---- records ------------------------------------------------------------ */

/* Make one record: append it to the calling lab thread's ring, without a
 * lock (claim, stamp, write, publish). Calls outside lab threads (setup,
 * checks) are not recorded, as on sim. Returns the record's global seq,
 * which is also its seq in the run unless records were dropped; 0 if not
 * recorded. */
static uint64_t os_emit(struct os_thread *ot, enum rl_op op, enum rl_result res,
                        const struct rl_obj *o, int other, long arg,
                        long before, long after)
{
    struct rl_record r;
    uint64_t w[OS_WORDS], h;
    struct os_slot *slot;
    size_t i;

    if (!ot || !ot->record)
        return 0;
    r.thread = (int16_t)ot->t->id;
    r.op = (uint8_t)op;
    r.result = (uint8_t)res;
    r.obj = (int16_t)(o ? o->id : -1);
    r.other = (int16_t)other;
    r.arg = arg;
    r.before = before;
    r.after = after;
    h = ot->next;
    /* Claim before stamping: the merger reads the counter first, then
     * claim, so a stamped but unpublished record is always seen. */
    atomic_store_explicit(&ot->claim, h + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    r.seq = atomic_fetch_add_explicit(&ot->rs->seq, 1, memory_order_acq_rel);
    memset(w, 0, sizeof w);
    memcpy(w, &r, sizeof r);
    slot = &ot->ring[h & (OS_RING - 1)];
    for (i = 0; i < OS_WORDS; i++)
        atomic_store_explicit(&slot->w[i], w[i], memory_order_relaxed);
    atomic_store_explicit(&ot->head, h + 1, memory_order_release);
    ot->next = h + 1;
    return r.seq;
}

/* Copy ring slot idx of ot (validity checked by the caller). */
static void os_slot_get(const struct os_thread *ot, uint64_t idx,
                        struct rl_record *out)
{
    uint64_t w[OS_WORDS];
    struct os_slot *slot = &ot->ring[idx & (OS_RING - 1)];
    size_t i;

    for (i = 0; i < OS_WORDS; i++)
        w[i] = atomic_load_explicit(&slot->w[i], memory_order_relaxed);
    memcpy(out, w, sizeof *out);
}

/* Refill ot's stage with ring records tail .. head-1 (at most OS_BATCH),
 * dropping those the thread overwrote while they were copied. */
static void os_stage_fill(struct os_run *rs, struct os_thread *ot,
                          uint64_t head)
{
    uint64_t n = head - ot->tail, claim, first_ok;
    size_t i, skip;

    if (n > OS_BATCH)
        n = OS_BATCH;
    for (i = 0; i < n; i++)
        os_slot_get(ot, ot->tail + i, &ot->stage[i]);
    /* Seqlock check: slot idx is intact while claim <= idx + OS_RING. */
    atomic_thread_fence(memory_order_acquire);
    claim = atomic_load_explicit(&ot->claim, memory_order_relaxed);
    first_ok = claim > OS_RING ? claim - OS_RING : 0;
    skip = first_ok > ot->tail ? (size_t)(first_ok - ot->tail) : 0;
    if (skip > n)
        skip = n;
    rs->dropped += skip;
    ot->istage = skip;
    ot->nstage = n;
    ot->tail += n;
}

/* The smallest seq thread ot may still publish, or UINT64_MAX if it cannot
 * publish one below `g`. head is the published count read after g. */
static uint64_t os_inflight_bound(struct os_thread *ot, uint64_t head)
{
    struct rl_record r;
    uint64_t claim;

    claim = atomic_load_explicit(&ot->claim, memory_order_acquire);
    if (claim == head)
        return UINT64_MAX;
    if (head == 0)
        return ot->floor;
    os_slot_get(ot, head - 1, &r);
    atomic_thread_fence(memory_order_acquire);
    claim = atomic_load_explicit(&ot->claim, memory_order_relaxed);
    if (claim <= head - 1 + OS_RING)
        return r.seq + 1;
    return ot->last_seq + 1; /* slot reused meanwhile: be conservative */
}

/* Merge the published records of every thread, in seq order, into the run.
 * A record is merged only below `bound`: the counter's value read first,
 * lowered to just past the last published record of any thread caught
 * between stamping and publishing one (its pending seq is larger than that,
 * and the fence + acq_rel counter make the claim visible to us). */
static void os_merge(struct rl_run *run)
{
    struct os_run *rs = run->os;
    uint64_t heads[RL_MAX_THREADS], bound, b;
    int i, best;

    if (!rs->record)
        return;
    bound = atomic_load_explicit(&rs->seq, memory_order_acquire);
    for (i = 0; i < run->nthreads; i++) {
        struct os_thread *ot = run->threads[i]->backend;

        heads[i] = atomic_load_explicit(&ot->head, memory_order_acquire);
        if (heads[i] - ot->tail > OS_RING) {
            rs->dropped += heads[i] - OS_RING - ot->tail;
            ot->tail = heads[i] - OS_RING;
        }
        b = os_inflight_bound(ot, heads[i]);
        if (b < bound)
            bound = b;
    }
    for (;;) {
        uint64_t best_seq = UINT64_MAX;
        struct os_thread *ot;

        best = -1;
        for (i = 0; i < run->nthreads; i++) {
            ot = run->threads[i]->backend;
            if (ot->istage == ot->nstage && ot->tail < heads[i])
                os_stage_fill(rs, ot, heads[i]);
            if (ot->istage < ot->nstage &&
                ot->stage[ot->istage].seq < best_seq) {
                best_seq = ot->stage[ot->istage].seq;
                best = i;
            }
        }
        if (best < 0 || best_seq >= bound)
            break;
        ot = run->threads[best]->backend;
        ot->last_seq = best_seq;
        run->threads[best]->steps++;
        rl_record_push(run, &ot->stage[ot->istage++]);
    }
}

/* ---- blocking: what the watchdog and the display see --------------------- */

/* Append tid to o's waiters (display mutex held). */
static void os_wait_add(struct rl_obj *o, int tid)
{
    if (o->nwait < RL_MAX_THREADS)
        o->wait[o->nwait++] = (int16_t)tid;
}

/* Remove tid from o's waiters (display mutex held). */
static void os_wait_remove(struct rl_obj *o, int tid)
{
    int i;

    for (i = 0; i < o->nwait; i++)
        if (o->wait[i] == tid) {
            memmove(&o->wait[i], &o->wait[i + 1],
                    (size_t)(o->nwait - i - 1) * sizeof o->wait[0]);
            o->nwait--;
            return;
        }
}

/* Publish that ot is about to block on o (NULL: on a join of thread
 * `join`), with a timeout or not. wsem / gen let the watchdog tell whether
 * the wait is already satisfied. */
static void os_block_begin(struct os_thread *ot, struct rl_obj *o, long ms,
                           sem_t *wsem, long gen, int join)
{
    struct os_run *rs = ot->rs;

    os_lock_mu(&rs->display);
    if (o)
        os_wait_add(o, ot->t->id);
    ot->timed = ms >= 0;
    ot->wait_sem = wsem;
    ot->wait_gen = gen;
    ot->blocks++;
    atomic_store_explicit(&ot->t->join_target, join, memory_order_relaxed);
    atomic_store_explicit(&ot->t->waiting_on, o, memory_order_relaxed);
    atomic_store_explicit(&ot->t->state, RL_T_BLOCKED, memory_order_release);
    os_unlock_mu(&rs->display);
}

/* Publish that ot no longer blocks. */
static void os_block_end(struct os_thread *ot)
{
    struct os_run *rs = ot->rs;
    struct rl_obj *o;

    os_lock_mu(&rs->display);
    o = atomic_load_explicit(&ot->t->waiting_on, memory_order_relaxed);
    if (o)
        os_wait_remove(o, ot->t->id);
    ot->timed = false;
    ot->wait_sem = NULL;
    ot->blocks++;
    atomic_store_explicit(&ot->t->join_target, -1, memory_order_relaxed);
    atomic_store_explicit(&ot->t->waiting_on, NULL, memory_order_relaxed);
    atomic_store_explicit(&ot->t->state, RL_T_RUNNABLE, memory_order_release);
    os_unlock_mu(&rs->display);
}

/* A semaphore's current count (for the watchdog). */
static int os_sem_value(sem_t *sem)
{
    int v = 0;

    if (sem_getvalue(sem, &v) != 0)
        os_check(errno, "sem_getvalue");
    return v;
}

/* Whether blocked thread ot could go on right now (its wait is satisfied
 * but it has not been scheduled yet). Display mutex held. */
static bool os_wait_ready(struct rl_run *run, struct os_thread *ot)
{
    struct rl_obj *o;
    struct os_gate *g;
    int join;

    if (ot->wait_sem)
        return os_sem_value(ot->wait_sem) > 0;
    o = atomic_load_explicit(&ot->t->waiting_on, memory_order_relaxed);
    if (!o) {
        join = atomic_load_explicit(&ot->t->join_target, memory_order_relaxed);
        if (join < 0 || join >= run->nthreads)
            return true;
        return atomic_load_explicit(&run->threads[join]->state,
                                    memory_order_acquire) == RL_T_DONE;
    }
    switch (o->kind) {
    case RL_OBJ_LOCK:
        return os_sem_value(&((struct os_lock *)o->os)->sem) > 0;
    case RL_OBJ_RLOCK:
        return atomic_load_explicit(&o->owner, memory_order_relaxed) < 0;
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        return os_sem_value(o->os) > 0;
    case RL_OBJ_EVENT:
    case RL_OBJ_BARRIER:
        g = o->os;
        return atomic_load_explicit(&g->agen, memory_order_acquire) !=
                   ot->wait_gen ||
               atomic_load_explicit(&g->broken, memory_order_relaxed);
    default:
        return true;
    }
}

/* Whether every unfinished thread is blocked, untimed, and unable to go on;
 * *sig is a progress signature (it changes whenever any thread blocks or
 * unblocks). False if no thread is unfinished. */
static bool os_all_stuck(struct rl_run *run, unsigned long *sig)
{
    struct os_run *rs = run->os;
    bool any = false, stuck = true;
    unsigned long s = 0;
    int i, st;

    os_lock_mu(&rs->display);
    for (i = 0; i < run->nthreads && stuck; i++) {
        struct os_thread *ot = run->threads[i]->backend;

        st = atomic_load_explicit(&ot->t->state, memory_order_acquire);
        if (st == RL_T_DONE)
            continue;
        any = true;
        if (st != RL_T_BLOCKED || ot->timed || os_wait_ready(run, ot))
            stuck = false;
        s += ot->blocks;
    }
    os_unlock_mu(&rs->display);
    *sig = s;
    return any && stuck;
}

/* Report a misuse to run.c (serialized: lab threads call it concurrently). */
static int os_misuse(struct os_thread *ot, struct rl_obj *o, struct rl_run *run,
                     enum rl_op op, int status)
{
    struct os_run *rs = run->os;
    uint64_t seq;

    seq = os_emit(ot, op, RL_RES_ERROR, o, -1, status, 0, 0);
    os_lock_mu(&rs->display);
    rl_note_misuse(run, os_tid(ot), o, status, seq);
    os_unlock_mu(&rs->display);
    return status;
}

/* ---- shared variables ---------------------------------------------------- */

/* load / store / fetch_add on a shared variable: real relaxed atomics, so
 * a load then a store is the racy read-modify-write the lab shows. */
static long os_var_op(struct rl_obj *v, enum rl_op op, long arg)
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
        rc = pthread_mutex_lock(o->os);
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
static int os_lock_acquire(struct rl_obj *o, long ms)
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
static int os_lock_release(struct rl_obj *o)
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
static int os_sem_acquire(struct rl_obj *s, long ms)
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
static int os_sem_release(struct rl_obj *s)
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

/* ---- Condition ------------------------------------------------------------
 */

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
static int os_cond_wait(struct rl_obj *c, long ms)
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

    rc = os_sem_take(&w.sem, ms);
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
static int os_cond_notify(struct rl_obj *c, bool all)
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

/* ---- Event ----------------------------------------------------------------
 */

/* Event.set (waking every waiter) or Event.clear. */
static void os_event_set(struct rl_obj *e, bool set)
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
static bool os_event_is_set(struct rl_obj *e)
{
    struct os_thread *ot = os_enter();
    long v = atomic_load_explicit(&e->value, memory_order_relaxed);

    os_emit(ot, RL_OP_IS_SET, RL_RES_OK, e, -1, 0, v, v);
    return v != 0;
}

/* Event.wait: RL_OK once set, RL_TIMEOUT if not set within ms. */
static int os_event_wait(struct rl_obj *e, long ms)
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

/* ---- Barrier --------------------------------------------------------------
 */

/* Barrier.wait: the arrival index, or -RL_ERR_BROKEN (a timeout breaks the
 * barrier for every waiter and every later caller). */
static int os_barrier_wait(struct rl_obj *b, long ms)
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
        b->broken = true;
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

/* ---- threads ----------------------------------------------------------------
 */

/* Thread.join: wait for t's done flag. */
static void os_join(struct rl_thread *t)
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
static void os_yield(void)
{
    struct os_thread *ot = os_enter();

    if (ot)
        os_emit(ot, RL_OP_YIELD, RL_RES_OK, NULL, -1, 0, 0, 0);
    sched_yield();
}

/* Sleep ms of real time (records: sleep, then wake up). */
static void os_sleep(long ms)
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
static void os_fail(struct rl_thread *self, int check)
{
    struct os_thread *ot = os_enter();

    (void)self;
    if (ot)
        os_emit(ot, RL_OP_FAIL, RL_RES_OK, NULL, -1, check, 0, 0);
}

/* The calling lab thread, NULL outside lab threads. */
static struct rl_thread *os_self(void)
{
    return os_self_t;
}

/* Mark ot finished: wake its joiners and the driving thread. */
static void os_thread_done(struct os_thread *ot)
{
    struct os_run *rs = ot->rs;

    atomic_store_explicit(&ot->t->state, RL_T_DONE, memory_order_release);
    os_lock_mu(&ot->mu);
    ot->done = true;
    os_check(pthread_cond_broadcast(&ot->cv), "pthread_cond_broadcast");
    os_unlock_mu(&ot->mu);
    os_lock_mu(&rs->end_mu);
    atomic_fetch_add_explicit(&rs->ndone, 1, memory_order_release);
    os_check(pthread_cond_broadcast(&rs->end_cv), "pthread_cond_broadcast");
    os_unlock_mu(&rs->end_mu);
}

/* A lab thread: wait at the start gate, run the body, record the ends. */
static void *os_thread_main(void *arg)
{
    struct os_thread *ot = arg;
    struct os_run *rs = ot->rs;
    bool abort_start;
    int ncreated;
    long spins;

    os_self_t = ot->t;
    os_me = ot;
    rl_current = ot->run;
    os_lock_mu(&rs->gate_mu);
    while (!rs->gate_open)
        os_cond_sleep(&rs->gate_cv, &rs->gate_mu, NULL);
    abort_start = rs->abort_start;
    ncreated = rs->ncreated;
    os_unlock_mu(&rs->gate_mu);
    atomic_fetch_add(&rs->arrived, 1);
    for (spins = 0; atomic_load(&rs->arrived) < ncreated; spins++)
        if (spins >= 1000) /* more threads than cores: let them run */
            sched_yield();
    if (!abort_start) {
        atomic_store_explicit(&ot->t->state, RL_T_RUNNABLE,
                              memory_order_release);
        os_emit(ot, RL_OP_START, RL_RES_OK, NULL, -1, 0, 0, 0);
        ot->t->fn(ot->t->arg);
        os_emit(ot, RL_OP_FINISH, RL_RES_OK, NULL, -1, 0, 0, 0);
    }
    os_thread_done(ot);
    return NULL;
}

/* ---- run lifecycle --------------------------------------------------------
 */

/* Initialise a default mutex / condvar (abort on failure). */
static void os_mutex_init(pthread_mutex_t *mu)
{
    os_check(pthread_mutex_init(mu, NULL), "pthread_mutex_init");
}

static void os_condvar_init(pthread_cond_t *cv)
{
    os_check(pthread_cond_init(cv, NULL), "pthread_cond_init");
}

/* The backend state of a new run. */
static int os_run_init(struct rl_run *run, char *err, size_t errlen)
{
    struct os_run *rs;

    (void)err;
    (void)errlen;
    rs = aligned_alloc(OS_LINE, (sizeof *rs + OS_LINE - 1) / OS_LINE * OS_LINE);
    if (!rs)
        rl_panic(__FILE__, __LINE__, "out of memory");
    memset(rs, 0, sizeof *rs);
    atomic_init(&rs->seq, 1);
    atomic_init(&rs->stop, false);
    atomic_init(&rs->ndone, 0);
    atomic_init(&rs->arrived, 0);
    rs->record = run->cfg.record;
    os_mutex_init(&rs->display);
    os_mutex_init(&rs->gate_mu);
    os_condvar_init(&rs->gate_cv);
    os_mutex_init(&rs->end_mu);
    os_condvar_init(&rs->end_cv);
    rs->end = RL_END_RUNNING;
    rs->watchdog_ms = run->cfg.watchdog_ms > 0 ? run->cfg.watchdog_ms
                                               : RL_DEFAULT_WATCHDOG_MS;
    rs->timeout_ms =
        run->cfg.timeout_ms > 0 ? run->cfg.timeout_ms : RL_DEFAULT_TIMEOUT_MS;
    run->os = rs;
    return 0;
}

/* Join (reap) every created thread that has finished and is not reaped. */
static void os_reap(struct rl_run *run)
{
    int i;

    for (i = 0; i < run->nthreads; i++) {
        struct os_thread *ot = run->threads[i]->backend;

        if (ot && ot->created && !ot->reaped &&
            atomic_load_explicit(&ot->t->state, memory_order_acquire) ==
                RL_T_DONE) {
            os_check(pthread_join(ot->pt, NULL), "pthread_join");
            ot->reaped = true;
        }
    }
}

/* Give up on the threads of a run that cannot end: detach them, park the
 * ones still running, and never free the run. */
static void os_abandon(struct rl_run *run)
{
    struct os_run *rs = run->os;
    int i;

    atomic_store(&rs->stop, true);
    run->abandoned = true;
    for (i = 0; i < run->nthreads; i++) {
        struct os_thread *ot = run->threads[i]->backend;

        if (ot->created && !ot->reaped) {
            os_check(pthread_detach(ot->pt), "pthread_detach");
            ot->reaped = true;
        }
    }
}

/* Before anything of a run is freed. A run destroyed while its threads
 * run is stopped: each thread parks at its next call; those that finish
 * within OS_GRACE_MS are joined, and if any does not, the run is
 * abandoned. Returns false if the run is abandoned: then nothing of it may
 * be freed. */
static bool os_quiesce(struct rl_run *run)
{
    struct os_run *rs = run->os;
    long deadline;

    if (!rs || !rs->started || run->abandoned || rs->end != RL_END_RUNNING)
        return !run->abandoned;
    atomic_store(&rs->stop, true);
    deadline = os_now_ms() + OS_GRACE_MS;
    while (atomic_load(&rs->ndone) < run->nthreads && os_now_ms() < deadline)
        usleep(1000);
    if (atomic_load(&rs->ndone) == run->nthreads) {
        rs->end = RL_END_DONE;
        os_reap(run);
    } else {
        rs->end = RL_END_TIMEOUT;
        os_abandon(run);
    }
    return !run->abandoned;
}

/* Free the run's backend state (after joining its threads), unless the
 * run is abandoned. */
static void os_run_fini(struct rl_run *run)
{
    struct os_run *rs = run->os;

    if (!rs || !os_quiesce(run))
        return; /* abandoned: threads may still use all of it */
    os_reap(run);
    pthread_mutex_destroy(&rs->display);
    pthread_mutex_destroy(&rs->gate_mu);
    pthread_cond_destroy(&rs->gate_cv);
    pthread_mutex_destroy(&rs->end_mu);
    pthread_cond_destroy(&rs->end_cv);
    free(rs);
    run->os = NULL;
}

/* Create the real primitive behind object o. */
static int os_obj_init(struct rl_obj *o)
{
    pthread_mutexattr_t ma;
    struct os_lock *l;
    struct os_cond *c;
    struct os_gate *g;

    switch (o->kind) {
    case RL_OBJ_VAR:
        o->os = NULL;
        return 0;
    case RL_OBJ_LOCK:
        l = rl_xcalloc(1, sizeof *l);
        if (sem_init(&l->sem, 0, 1) != 0)
            os_check(errno, "sem_init");
        atomic_init(&l->locked, 0);
        o->os = l;
        return 0;
    case RL_OBJ_RLOCK:
        o->os = rl_xcalloc(1, sizeof(pthread_mutex_t));
        os_check(pthread_mutexattr_init(&ma), "pthread_mutexattr_init");
        os_check(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE),
                 "pthread_mutexattr_settype");
        os_check(pthread_mutex_init(o->os, &ma), "pthread_mutex_init");
        pthread_mutexattr_destroy(&ma);
        return 0;
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        if (o->value < 0 || o->value > SEM_VALUE_MAX)
            return -1;
        o->os = rl_xcalloc(1, sizeof(sem_t));
        if (sem_init(o->os, 0, (unsigned)o->value) != 0)
            os_check(errno, "sem_init");
        return 0;
    case RL_OBJ_CONDITION:
        c = rl_xcalloc(1, sizeof *c);
        os_mutex_init(&c->mu);
        o->os = c;
        return 0;
    case RL_OBJ_EVENT:
    case RL_OBJ_BARRIER:
        g = rl_xcalloc(1, sizeof *g);
        os_mutex_init(&g->mu);
        os_condvar_init(&g->cv);
        atomic_init(&g->agen, 0);
        atomic_init(&g->broken, false);
        g->flag = o->kind == RL_OBJ_EVENT && o->value != 0;
        o->os = g;
        return 0;
    }
    return -1;
}

/* Destroy o's primitive, unless the run is abandoned. */
static void os_obj_fini(struct rl_obj *o)
{
    if (!o->os || !os_quiesce(o->run))
        return;
    switch (o->kind) {
    case RL_OBJ_LOCK:
        sem_destroy(&((struct os_lock *)o->os)->sem);
        break;
    case RL_OBJ_RLOCK:
        pthread_mutex_destroy(o->os);
        break;
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        sem_destroy(o->os);
        break;
    case RL_OBJ_CONDITION:
        pthread_mutex_destroy(&((struct os_cond *)o->os)->mu);
        break;
    case RL_OBJ_EVENT:
    case RL_OBJ_BARRIER:
        pthread_mutex_destroy(&((struct os_gate *)o->os)->mu);
        pthread_cond_destroy(&((struct os_gate *)o->os)->cv);
        break;
    default:
        break;
    }
    free(o->os);
    o->os = NULL;
}

/* The backend state of a lab thread (its ring if recording); the pthread
 * itself is created by os_start. */
static int os_thread_init(struct rl_thread *t)
{
    struct rl_run *run = t->run;
    struct os_thread *ot;

    ot = aligned_alloc(OS_LINE, (sizeof *ot + OS_LINE - 1) / OS_LINE * OS_LINE);
    if (!ot)
        rl_panic(__FILE__, __LINE__, "out of memory");
    memset(ot, 0, sizeof *ot);
    atomic_init(&ot->head, 0);
    atomic_init(&ot->claim, 0);
    ot->t = t;
    ot->run = run;
    ot->rs = run->os;
    ot->record = run->cfg.record;
    if (ot->record) {
        ot->ring = rl_xcalloc(OS_RING, sizeof *ot->ring);
        ot->stage = rl_xcalloc(OS_BATCH, sizeof *ot->stage);
    }
    os_mutex_init(&ot->mu);
    os_condvar_init(&ot->cv);
    t->backend = ot;
    return 0;
}

/* Free a lab thread's state, unless the run is abandoned. */
static void os_thread_fini(struct rl_thread *t)
{
    struct os_thread *ot = t->backend;

    if (!ot || !os_quiesce(t->run))
        return;
    os_reap(t->run);
    pthread_mutex_destroy(&ot->mu);
    pthread_cond_destroy(&ot->cv);
    free(ot->ring);
    free(ot->stage);
    free(ot);
    t->backend = NULL;
}

/* The CPUs this process may run on, in order; returns how many (0 if
 * unknown). */
static int os_cpus(int *cpus, int max)
{
    cpu_set_t set;
    int c, n = 0;

    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 0;
    for (c = 0; c < CPU_SETSIZE && n < max; c++)
        if (CPU_ISSET(c, &set))
            cpus[n++] = c;
    return n;
}

/* Thread attributes for lab thread i: with several cores, lab threads are
 * spread over them round-robin, so that two threads really run at the
 * same time even when the machine is busy (left alone, the scheduler may
 * queue both on one core, and a race then shows only at preemptions). */
static void os_thread_attr(pthread_attr_t *attr, int i, const int *cpus,
                           int ncpus)
{
    cpu_set_t one;

    os_check(pthread_attr_init(attr), "pthread_attr_init");
    if (ncpus < 2)
        return;
    CPU_ZERO(&one);
    CPU_SET(cpus[i % ncpus], &one);
    /* Best effort: without it the threads still run, less spread. */
    (void)pthread_attr_setaffinity_np(attr, sizeof one, &one);
}

/* Create every lab thread, then open the gate. -1 with a message if a
 * thread cannot be created (the others then end at once). */
static int os_start(struct rl_run *run, char *err, size_t errlen)
{
    struct os_run *rs = run->os;
    int i, rc = 0, failed = -1, cpus[RL_MAX_THREADS], ncpus;
    pthread_attr_t attr;

    if (rs->started)
        return 0;
    rs->started = true;
    rs->t_start = os_now_ms();
    ncpus = os_cpus(cpus, RL_MAX_THREADS);
    for (i = 0; i < run->nthreads; i++) {
        struct os_thread *ot = run->threads[i]->backend;

        ot->floor = atomic_load_explicit(&rs->seq, memory_order_acquire);
        os_thread_attr(&attr, i, cpus, ncpus);
        rc = pthread_create(&ot->pt, &attr, os_thread_main, ot);
        pthread_attr_destroy(&attr);
        if (rc != 0) {
            failed = i;
            break;
        }
        ot->created = true;
    }
    if (failed >= 0) {
        if (err && errlen)
            snprintf(err, errlen, "cannot start thread %s: %s",
                     run->threads[failed]->name, strerror(rc));
        for (i = failed; i < run->nthreads; i++)
            os_thread_done(run->threads[i]->backend);
    }
    os_lock_mu(&rs->gate_mu);
    rs->gate_open = true;
    rs->abort_start = failed >= 0;
    rs->ncreated = failed >= 0 ? failed : run->nthreads;
    os_check(pthread_cond_broadcast(&rs->gate_cv), "pthread_cond_broadcast");
    os_unlock_mu(&rs->gate_mu);
    return failed >= 0 ? -1 : 0;
}

/* Merge new records, then decide: every thread finished (DONE), the
 * wall-clock limit (TIMEOUT), or all stuck for watchdog_ms (DEADLOCK).
 * Never blocks. */
static enum rl_end os_poll(struct rl_run *run)
{
    struct os_run *rs = run->os;
    unsigned long sig;
    long now;

    if (!rs->started || rs->end != RL_END_RUNNING)
        return rs->end;
    if (atomic_load_explicit(&rs->ndone, memory_order_acquire) ==
        run->nthreads) {
        /* Every record is published: merge them all and reap. */
        os_merge(run);
        os_reap(run);
        rs->end = RL_END_DONE;
        return rs->end;
    }
    os_merge(run);
    now = os_now_ms();
    if (now - rs->t_start >= rs->timeout_ms) {
        rs->end = RL_END_TIMEOUT;
        snprintf(run->end_msg, sizeof run->end_msg,
                 "still running after %ld ms (the wall-clock limit); "
                 "%d of %d threads finished",
                 rs->timeout_ms, atomic_load(&rs->ndone), run->nthreads);
        os_abandon(run);
        return rs->end;
    }
    if (!os_all_stuck(run, &sig)) {
        rs->wd_armed = false;
    } else if (!rs->wd_armed || sig != rs->wd_sig) {
        rs->wd_armed = true;
        rs->wd_sig = sig;
        rs->wd_since = now;
    } else if (now - rs->wd_since >= rs->watchdog_ms) {
        rs->end = RL_END_DEADLOCK;
        os_abandon(run);
    }
    return rs->end;
}

/* Start if needed and poll until the run ends, sleeping on end_cv (woken
 * by finishing threads) at most 1 ms between polls. */
static enum rl_end os_finish(struct rl_run *run)
{
    struct os_run *rs = run->os;
    struct timespec dl;
    enum rl_end e;

    if (!rs->started)
        os_start(run, NULL, 0);
    for (;;) {
        e = os_poll(run);
        if (e != RL_END_RUNNING)
            return e;
        dl = os_deadline(1);
        os_lock_mu(&rs->end_mu);
        if (atomic_load_explicit(&rs->ndone, memory_order_relaxed) <
            run->nthreads)
            os_cond_sleep(&rs->end_cv, &rs->end_mu, &dl);
        os_unlock_mu(&rs->end_mu);
    }
}

/* Records lost to full rings (0 for a sim run). */
uint64_t rl_os_dropped(const struct rl_run *run)
{
    const struct os_run *rs = run->ops == &rl_os_ops ? run->os : NULL;

    return rs ? rs->dropped : 0;
}

/* Stepping is a sim feature: real threads cannot be stopped between
 * calls. */
static enum rl_end os_step(struct rl_run *run, int tid, char *err, size_t len)
{
    (void)run;
    (void)tid;
    if (err && len)
        snprintf(err, len, "stepping needs the sim backend");
    return RL_END_RUNNING;
}

const struct rl_backend_ops rl_os_ops = {
    .run_init = os_run_init,
    .run_fini = os_run_fini,
    .obj_init = os_obj_init,
    .obj_fini = os_obj_fini,
    .thread_init = os_thread_init,
    .thread_fini = os_thread_fini,
    .step = os_step,
    .finish = os_finish,
    .start = os_start,
    .poll = os_poll,
    .self = os_self,
    .var_op = os_var_op,
    .lock_acquire = os_lock_acquire,
    .lock_release = os_lock_release,
    .sem_acquire = os_sem_acquire,
    .sem_release = os_sem_release,
    .cond_wait = os_cond_wait,
    .cond_notify = os_cond_notify,
    .event_set = os_event_set,
    .event_is_set = os_event_is_set,
    .event_wait = os_event_wait,
    .barrier_wait = os_barrier_wait,
    .join = os_join,
    .yield = os_yield,
    .sleep = os_sleep,
    .fail = os_fail,
};
