/* SPDX-License-Identifier: MIT */
/*
 * os_impl.h - what the files of the os backend share, and nothing else: the
 * run and thread state, the real primitives behind the rl_obj kinds that
 * more than one file touches, and the functions one file calls in another.
 * The rest of the engine sees only rl_os_ops and rl_os_dropped (engine.h),
 * but for the student API (api.c), which calls the inline hot calls at the
 * end of this file directly on an os run.
 *
 *   os.c          run lifecycle (the state of a run, its objects and its
 *                 threads), the watchdog and wall-clock guard, the
 *                 graveyard of abandoned runs, rl_os_ops
 *   os_thread.c   the lab threads: creation, the start gate and CPU
 *                 spreading, a thread's life; the pthread helpers
 *   os_record.c   per-thread record rings and their merge into the run
 *   os_block.c    what the watchdog and the display see of blocked threads
 *   os_lock.c     Lock, RLock and Condition (which waits on its lock)
 *   os_prims.c    Semaphore, Event, Barrier, join, yield, sleep (shared
 *                 variables: here, inline)
 */
#ifndef RL_OS_IMPL_H
#define RL_OS_IMPL_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define OS_RING_BITS 16
#define OS_RING ((uint64_t)1 << OS_RING_BITS) /* records kept per thread, at
                                                 most: a run keeping fewer
                                                 records has smaller rings */
#define OS_RING_MIN ((uint64_t)1024)
#define OS_BATCH 1024                         /* records staged per refill */
#define OS_SLOT_WORDS 4
#define OS_LINE 64

/* One ring slot: a record packed in four words (32 bytes, two to a cache
 * line), the thread being the ring's; each word an atomic so that a slot
 * being overwritten while the merger copies it is a detected (seqlock)
 * race, not undefined behaviour.
 *
 *   w[0]  clock (bits 0-47), op (48-55), result (56-59), the form of the
 *         rest (60-62, enum os_form), misuse (63: noted in the run when
 *         the record is merged)
 *   w[1]  obj (bits 0-31), other (32-47), a 16-bit arg (48-63)
 *   w[2], w[3]  as the form says: of arg, before and after, the two that
 *         do not follow from the others
 *
 * A clock of 48 bits lasts for 2.8e14 records, years of recording. */
#define OS_CLOCK_MASK (((uint64_t)1 << 48) - 1)
#define OS_MISUSE_FLAG ((uint64_t)1 << 63)
struct os_slot {
    _Atomic uint64_t w[OS_SLOT_WORDS];
};
_Static_assert(RL_OP__COUNT <= 256, "an op fits in 8 bits of a slot");
_Static_assert(RL_RES_ERROR < 16, "a result fits in 4 bits of a slot");
_Static_assert(RL_MAX_THREADS <= INT16_MAX, "other fits in 16 bits");

/* Where a slot keeps arg, before and after (w[2], w[3]); the first that
 * fits is used. Every call the backend records fits one of the first six
 * (a load: A16; a store: AFTER; fetch_add: DIFF; a Lock: A16 or PAIR;
 * sleep and Barrier: SAME; a Semaphore acquire: DEC); the last keeps all
 * but arg's high bits, should a new call need it. */
enum os_form {
    OS_F_A16,   /* arg in w[1]; before, after */
    OS_F_AFTER, /* arg == after; before, after */
    OS_F_DIFF,  /* arg == after - before; before, after */
    OS_F_SAME,  /* after == before; before, arg */
    OS_F_DEC,   /* after == before - 1; before, arg */
    OS_F_PAIR,  /* before and after in 32 bits each in w[2]; arg */
    OS_F_CUT,   /* before, after; arg cut to 16 bits in w[1] */
};

/* The backend's run state (run->os). */
struct os_run {
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
    int ncpus;        /* CPUs the threads spread over (0: unknown); set
                         before the first thread is created */
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
    /* Created threads that have not exited yet: decremented by each as
     * the last thing it does to the run (os_thread_gone). An abandoned run
     * is freed when it reaches 0. */
    _Atomic int nalive;

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
    _Atomic uint64_t nmisuse;   /* misuse records made (os_misuse) */
    _Atomic int misuse_status;  /* the status of the last one */
    /* Private to the lab thread (set by the creating thread before it
     * starts). */
    uint64_t next;  /* head's value */
    uint64_t clock; /* Lamport clock of its last record (os_record.c) */
    bool record;
    struct os_slot *ring; /* ring_n slots (cache-line aligned), or NULL if
                             not recording */
    uint64_t ring_n;      /* a power of two, OS_RING_MIN..OS_RING */
    struct rl_thread *t;
    struct rl_run *run;
    struct os_run *rs;

    /* Private to the merger. */
    _Alignas(OS_LINE) uint64_t tail; /* next ring index to copy */
    uint64_t noted;                  /* misuse records noted in the run */
    struct os_staged *stage;         /* copied, validated, not yet merged */
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
    uint64_t end_clock; /* the clock of its last record */

    /* Private to the driving thread. */
    pthread_t pt;
    bool created;
    bool reaped; /* joined or detached */
};

/* An object's Lamport clock (os_record.c): the clock of its last record,
 * read and written only by a thread that the object serializes (the
 * holder of a Lock, under a variable's spin lock, under a mutex). */
typedef _Atomic uint64_t os_clock_t;

/* Lock: a futex word (0 free, 1 locked, 2 locked and maybe waiters), as
 * glibc's own mutex; not owned, so a release by any thread is legal, and
 * releasing a free Lock is caught (os_lock.c). */
struct os_lock {
    _Atomic int state;
    os_clock_t clock; /* written by the holder */
    char pad[OS_LINE - 16]; /* no other lock's word on its cache line */
};

/* RLock: a recursive pthread mutex. */
struct os_rlock {
    pthread_mutex_t mu;
    os_clock_t clock; /* written by the owner */
};

/* (Bounded)Semaphore: the count and its records change under the run's
 * display mutex, which also orders them (clock). */
struct os_sem {
    sem_t sem;
    os_clock_t clock; /* guarded by the display mutex */
};

/* A shared variable: when recording, every operation takes the spin lock
 * so that its record and the value change are one step in the variable's
 * order (recording off: plain relaxed atomics, no lock). */
struct os_var {
    _Atomic int lk;
    os_clock_t clock; /* guarded by lk */
    char pad[OS_LINE - 16]; /* no other variable's lock on its cache line */
};

/* A Condition waiter (os_lock.c). */
struct os_waiter;

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
    os_clock_t clock;    /* guarded by mu */
};

/* The calling OS thread's lab thread state, NULL outside lab threads; set
 * once by os_thread_main (os_thread.c). */
extern _Thread_local struct os_thread *os_me;

/* End the calling lab thread: its run is being stopped. The thread exits
 * (pthread_exit; the cleanup in os_thread_main counts it gone) instead of
 * staying parked, so stopped runs cost no thread, no CPU, and their
 * memory is freed once every thread is gone (os.c, the graveyard). Called
 * with no backend mutex held. */
static inline _Noreturn void os_park(void)
{
    pthread_exit(NULL);
}

/* Whether the calling thread is a lab thread of a run being stopped. */
static inline bool os_stopping(void)
{
    struct os_thread *ot = os_me;

    return ot && atomic_load_explicit(&ot->rs->stop, memory_order_relaxed);
}

/* A wait without a timeout wakes this often to see whether its run is
 * being stopped (then the thread ends: os_park), so that a stopped run's
 * threads all exit, deadlocked or not, within this time. No
 * pthread_cancel: it cannot interrupt a mutex wait, and sanitizers do not
 * follow it. */
#define OS_STOP_POLL_MS 100

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

/* ---- os_thread.c: helpers ----------------------------------------------- */

/* Each aborts (os_check) on an error that cannot happen in a correct
 * backend; timed waits take a CLOCK_REALTIME deadline (os_deadline). */
void os_check(int rc, const char *what);
void os_lock_mu(pthread_mutex_t *mu);
void os_unlock_mu(pthread_mutex_t *mu);
long os_now_ms(void);
struct timespec os_deadline(long ms);
int os_sem_take(sem_t *sem, long ms);
void os_sem_post(sem_t *sem);
bool os_cond_sleep(pthread_cond_t *cv, pthread_mutex_t *mu,
                   const struct timespec *dl);

/* ---- os_thread.c: the lab threads, for rl_os_ops (os.c) ----------------- */

/* The calling lab thread, NULL outside lab threads. */
struct rl_thread *os_self(void);
/* Create every lab thread of run, then open the gate (the driving thread;
 * nothing if already started). -1 with a message in err if a thread
 * cannot be created (the others then end at once). */
int os_start(struct rl_run *run, char *err, size_t errlen);
/* A running lab thread self starts thread t (see struct rl_backend_ops):
 * its pthread starts at once, through the gate that is already open. */
void os_spawn(struct rl_thread *self, struct rl_thread *t);

/* ---- os_record.c -------------------------------------------------------- */

/* How a record orders with its object's other records (see os_record.c). */
enum os_order {
    OS_ORD_THREAD, /* program order only */
    OS_ORD_AFTER,  /* also after the object's last record (observed) */
    OS_ORD_OBJECT, /* the object's next record: the caller serializes it */
};

/* Make one record of lab thread ot (which records): stamp its clock,
 * append it to ot's ring and publish it. `ord` says how it orders with
 * object clock oc (os_order; the caller serializes an OS_ORD_OBJECT
 * record); `misuse` marks a misuse, noted in the run when it is merged.
 * Always inline: a few plain stores, no shared write but the object's
 * clock, and the choice of the slot's form folds at each call. */
static inline __attribute__((always_inline)) void
os_emit_rec(struct os_thread *ot, enum os_order ord,
                               os_clock_t *oc, enum rl_op op,
                               enum rl_result res, const struct rl_obj *o,
                               int other, long arg, long before, long after,
                               bool misuse)
{
    struct os_slot *slot;
    uint64_t c = ot->clock, h = ot->next, oclk, a16 = 0, w2, w3;
    enum os_form f;

    if (oc && ord != OS_ORD_THREAD) {
        oclk = atomic_load_explicit(oc, memory_order_relaxed);
        if (oclk > c)
            c = oclk;
    }
    c++;
    ot->clock = c;
    if (oc && ord == OS_ORD_OBJECT)
        atomic_store_explicit(oc, c, memory_order_relaxed);
    w2 = (uint64_t)before;
    w3 = (uint64_t)after;
    if (arg >= INT16_MIN && arg <= INT16_MAX) {
        f = OS_F_A16;
        a16 = (uint16_t)arg;
    } else if (arg == after) {
        f = OS_F_AFTER;
    } else if ((uint64_t)arg == (uint64_t)after - (uint64_t)before) {
        f = OS_F_DIFF;
    } else if (after == before) {
        f = OS_F_SAME;
        w3 = (uint64_t)arg;
    } else if ((uint64_t)after == (uint64_t)before - 1) {
        f = OS_F_DEC;
        w3 = (uint64_t)arg;
    } else if (before >= INT32_MIN && before <= INT32_MAX &&
               after >= INT32_MIN && after <= INT32_MAX) {
        f = OS_F_PAIR;
        w2 = (uint64_t)(uint32_t)before | (uint64_t)(uint32_t)after << 32;
        w3 = (uint64_t)arg;
    } else {
        f = OS_F_CUT;
        a16 = (uint16_t)arg;
    }
    /* The merger takes slot h as intact only while head < h + ring_n, and
     * head == h + ring_n before this thread writes record h + ring_n into
     * the same slot: the fence orders that head store (made when record
     * h + ring_n - 1 was published) before the stores below, so that a
     * merger that copied any of them reads the new head (fences pair). */
    atomic_thread_fence(memory_order_release);
    slot = &ot->ring[h & (ot->ring_n - 1)];
    atomic_store_explicit(&slot->w[0],
                          (c & OS_CLOCK_MASK) |
                              (uint64_t)(uint8_t)op << 48 |
                              (uint64_t)((unsigned)res & 15) << 56 |
                              (uint64_t)f << 60 |
                              (misuse ? OS_MISUSE_FLAG : 0),
                          memory_order_relaxed);
    atomic_store_explicit(&slot->w[1],
                          (uint64_t)(uint32_t)(o ? o->id : -1) |
                              (uint64_t)(uint16_t)other << 32 | a16 << 48,
                          memory_order_relaxed);
    atomic_store_explicit(&slot->w[2], w2, memory_order_relaxed);
    atomic_store_explicit(&slot->w[3], w3, memory_order_relaxed);
    atomic_store_explicit(&ot->head, h + 1, memory_order_release);
    ot->next = h + 1;
}

/* Record one call of ot (no lock). Calls outside lab threads (setup,
 * checks) and runs that do not record make none: a test and a return.
 * True if a record was made. */
static inline bool os_emit(struct os_thread *ot, enum os_order ord,
                           os_clock_t *oc, enum rl_op op, enum rl_result res,
                           const struct rl_obj *o, int other, long arg,
                           long before, long after)
{
    if (!ot || !ot->record)
        return false;
    os_emit_rec(ot, ord, oc, op, res, o, other, arg, before, after, false);
    return true;
}

/* Order ot's next records after the object's last one (update: and make
 * the object's clock ot's, so that the object's next records follow ot's
 * last), without a record of its own: a Condition's hidden release and
 * re-acquire of its lock, a woken Event or Barrier waiter. The caller
 * serializes the object as for an OS_ORD_OBJECT record. Nothing if not
 * recording. */
static inline void os_clock_sync(struct os_thread *ot, os_clock_t *oc,
                                 bool update)
{
    uint64_t c;

    if (!ot || !ot->record)
        return;
    c = atomic_load_explicit(oc, memory_order_relaxed);
    if (c > ot->clock)
        ot->clock = c;
    if (update)
        atomic_store_explicit(oc, ot->clock, memory_order_relaxed);
}

/* A thread's stage: what the merger copied out of its ring. */
struct os_staged *os_stage_alloc(void);
/* Merge the published records into the run (the driving thread only). */
void os_merge(struct rl_run *run);
/* After the last merge of a run: note the misuses whose records were
 * dropped (the driving thread only). */
void os_merge_misuses(struct rl_run *run);

/* ---- os_block.c --------------------------------------------------------- */

/* Publish that ot blocks / no longer blocks (they take the display mutex). */
void os_block_begin(struct os_thread *ot, struct rl_obj *o, long ms,
                    sem_t *wsem, long gen, int join);
void os_block_end(struct os_thread *ot);
/* The watchdog's test: every unfinished thread blocked for good. */
bool os_all_stuck(struct rl_run *run, unsigned long *sig);
/* Record and report a misuse; returns status. */
int os_misuse(struct os_thread *ot, struct rl_obj *o, struct rl_run *run,
              enum rl_op op, int status);

/* ---- os_lock.c and os_prims.c: the rl_os_ops entry points --------------- */

int os_cond_wait(struct rl_obj *c, long ms);
int os_cond_notify(struct rl_obj *c, bool all);
int os_sem_acquire(struct rl_obj *s, long ms);
int os_sem_release(struct rl_obj *s);
void os_event_set(struct rl_obj *e, bool set);
bool os_event_is_set(struct rl_obj *e);
int os_event_wait(struct rl_obj *e, long ms);
int os_barrier_wait(struct rl_obj *b, long ms);
void os_join(struct rl_thread *t);
void os_yield(void);
void os_sleep(long ms);
void os_fail(struct rl_thread *self, int check);

/* ---- os_lock.c: what the inline fast paths below fall back on ----------- */

/* Take lock o (Lock or RLock) for ot, waiting if need be; `rec` makes the
 * records (false when a Condition re-acquires its lock). RL_OK or
 * RL_TIMEOUT. */
int os_lock_take(struct os_thread *ot, struct rl_obj *o, long ms, bool rec);
/* Release lock o by ot; `all` releases an RLock fully (Condition.wait).
 * The depth released (>= 1) or a negated misuse status. */
int os_lock_put(struct os_thread *ot, struct rl_obj *o, bool all, bool rec);
/* Wake one thread that may sleep on Lock l. */
void os_lock_wake(struct os_lock *l);

/* ---- the hot calls, inline ----------------------------------------------
 *
 * Lock acquire and release and the variable operations are defined here so
 * that the student API (api.c) calls them directly on an os run, without
 * the backend table: an uncontended call is then the atomic it needs, the
 * record, and a test of `stop`. rl_os_ops points at them too. */

/* Lock or RLock o was taken by ot: make it owned and record it (res: OK or
 * WOKE), or only order ot after its last release (!rec). */
static inline void os_lock_taken(struct os_thread *ot, struct rl_obj *o,
                                 bool rec, enum rl_result res, long ms,
                                 os_clock_t *clk)
{
    atomic_store_explicit(&o->owner, os_tid(ot), memory_order_relaxed);
    atomic_store_explicit(&o->depth, 1, memory_order_relaxed);
    if (rec)
        os_emit(ot, OS_ORD_OBJECT, clk, RL_OP_ACQUIRE, res, o, -1, ms, 0, 1);
    else
        os_clock_sync(ot, clk, false);
}

/* Lock / RLock acquire (ms < 0 forever, 0 try, > 0 timeout). A free Lock
 * is taken here: one compare-and-swap, as pthread_mutex_lock. */
static inline int os_lock_acquire(struct rl_obj *o, long ms)
{
    struct os_thread *ot = os_enter();
    int c = 0;

    if (o->kind == RL_OBJ_LOCK &&
        atomic_compare_exchange_strong_explicit(&((struct os_lock *)o->os)
                                                     ->state,
                                                &c, 1, memory_order_acquire,
                                                memory_order_relaxed)) {
        os_lock_taken(ot, o, true, RL_RES_OK, ms,
                      &((struct os_lock *)o->os)->clock);
        return RL_OK;
    }
    return os_lock_take(ot, o, ms, true);
}

/* Release Lock o by ot (the record before the real release, so that the
 * next owner's record follows it): one exchange, as pthread_mutex_unlock,
 * and a wake-up only if a thread may sleep on it. 1 (the depth released)
 * or a negated misuse status. */
static inline int os_lock_free(struct os_thread *ot, struct rl_obj *o,
                               bool rec)
{
    struct os_lock *l = o->os;
    int s;

    if (atomic_load_explicit(&l->state, memory_order_relaxed) == 0)
        return -os_misuse(ot, o, o->run, RL_OP_RELEASE, RL_ERR_UNLOCKED);
    atomic_store_explicit(&o->owner, -1, memory_order_relaxed);
    atomic_store_explicit(&o->depth, 0, memory_order_relaxed);
    if (rec)
        os_emit(ot, OS_ORD_OBJECT, &l->clock, RL_OP_RELEASE, RL_RES_OK, o, -1,
                0, 1, 0);
    else
        os_clock_sync(ot, &l->clock, true);
    s = atomic_exchange_explicit(&l->state, 0, memory_order_release);
    if (s == 2)
        os_lock_wake(l);
    else if (s == 0) /* another thread released it since we looked */
        return -os_misuse(ot, o, o->run, RL_OP_RELEASE, RL_ERR_UNLOCKED);
    return 1;
}

/* Lock / RLock release: RL_OK or the misuse status. */
static inline int os_lock_release(struct rl_obj *o)
{
    struct os_thread *ot = os_enter();
    int rc = o->kind == RL_OBJ_LOCK ? os_lock_free(ot, o, true)
                                    : os_lock_put(ot, o, false, true);

    return rc < 0 ? -rc : RL_OK;
}

/* A CPU hint for a spin-wait loop. */
static inline void os_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Take a variable's spin lock (recording: a few instructions are held). */
static inline void os_var_lock(struct os_var *ov)
{
    while (atomic_exchange_explicit(&ov->lk, 1, memory_order_acquire))
        while (atomic_load_explicit(&ov->lk, memory_order_relaxed))
            os_pause();
}

/* load / store / fetch_add on a shared variable (rl_obj.value): real
 * relaxed atomics, so a load then a store is the racy read-modify-write
 * the lab shows (without C undefined behaviour), and fetch_add is one
 * atomic_fetch_add. When recording, each is one step of the variable's own
 * order: the value change and its record are made under the variable's
 * spin lock, so that the merged records on a variable show each value
 * where it was (a store's `before` is exactly what it overwrote). */
static inline long os_var_op(struct rl_obj *v, enum rl_op op, long arg)
{
    struct os_thread *ot = os_enter();
    struct os_var *ov;
    long old;

    if (!ot || !ot->record) {
        switch (op) {
        case RL_OP_LOAD:
            return atomic_load_explicit(&v->value, memory_order_relaxed);
        case RL_OP_STORE:
            atomic_store_explicit(&v->value, arg, memory_order_relaxed);
            return arg;
        case RL_OP_FETCH_ADD:
            return atomic_fetch_add_explicit(&v->value, arg,
                                             memory_order_relaxed);
        default:
            RL_ASSERT(!"os_var_op: not a variable operation");
            return 0;
        }
    }
    ov = v->os;
    os_var_lock(ov);
    old = atomic_load_explicit(&v->value, memory_order_relaxed);
    switch (op) {
    case RL_OP_LOAD:
        os_emit_rec(ot, OS_ORD_OBJECT, &ov->clock, op, RL_RES_OK, v, -1, 0,
                    old, old, false);
        break;
    case RL_OP_STORE:
        atomic_store_explicit(&v->value, arg, memory_order_relaxed);
        os_emit_rec(ot, OS_ORD_OBJECT, &ov->clock, op, RL_RES_OK, v, -1, arg,
                    old, arg, false);
        old = arg;
        break;
    case RL_OP_FETCH_ADD:
        atomic_store_explicit(&v->value, old + arg, memory_order_relaxed);
        os_emit_rec(ot, OS_ORD_OBJECT, &ov->clock, op, RL_RES_OK, v, -1, arg,
                    old, old + arg, false);
        break;
    default:
        RL_ASSERT(!"os_var_op: not a variable operation");
    }
    atomic_store_explicit(&ov->lk, 0, memory_order_release);
    return old;
}

#endif
