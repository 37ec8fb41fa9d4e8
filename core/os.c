/* SPDX-License-Identifier: MIT */
/*
 * os.c - the os backend: lab threads are real pthreads on real cores, and
 * every primitive is a real one, built the way CPython builds its own.
 *
 * The backend is six files that share os_impl.h (which lists them). This
 * one holds the life of a run: the backend state of a run, of its objects
 * (the real primitive behind each) and of its threads, created and freed;
 * the watchdog and the wall-clock guard that say how a run ends; the
 * graveyard of abandoned runs; and the rl_os_ops vtable. os_thread.c
 * starts and runs the lab threads and holds the pthread helpers the others
 * use, os_record.c keeps the records, os_block.c what the watchdog and the
 * display see of blocked threads, and os_lock.c and os_prims.c the
 * primitives.
 *
 * Watchdog. A run whose unfinished threads are all blocked without a
 * timeout, none of them able to proceed, and unchanged for watchdog_ms is a
 * deadlock; a run older than timeout_ms is a timeout. Either way the stuck
 * threads cannot be joined: they are cancelled and detached, and threads
 * still running exit at their next call. The run is abandoned: destroying
 * it only buries it, and it is freed once its last thread has exited
 * (rl_os_sweep), so neither threads nor memory pile up.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "os_impl.h"

/* Destroyed while running: wait at most this for the threads to exit
 * (more than OS_STOP_POLL_MS, the longest a blocked one takes). */
#define OS_GRACE_MS 300

/* ---- run lifecycle ------------------------------------------------------- */

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
    memset(rs, 0, sizeof *rs);
    atomic_init(&rs->stop, false);
    atomic_init(&rs->ndone, 0);
    atomic_init(&rs->nalive, 0);
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

/* Give up on the threads of a run that cannot end: `stop` makes each exit
 * (one running lab code at its next call, one blocked in a wait within
 * OS_STOP_POLL_MS); detach them, and keep the run until every one is gone
 * (rl_run_destroy then hands it to the graveyard below). */
static void os_abandon(struct rl_run *run)
{
    struct os_run *rs = run->os;
    int i;

    os_merge_misuses(run);
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

/* ---- the graveyard: abandoned runs, freed once their threads are gone --- */

static pthread_mutex_t os_grave_mu = PTHREAD_MUTEX_INITIALIZER;
static struct rl_run **os_grave; /* guarded by os_grave_mu */
static int os_ngrave, os_grave_cap;

/* Free every buried run whose threads have all exited. */
void rl_os_sweep(void)
{
    os_lock_mu(&os_grave_mu);
    for (int i = 0; i < os_ngrave;) {
        struct rl_run *run = os_grave[i];
        struct os_run *rs = run->os;

        if (atomic_load_explicit(&rs->nalive, memory_order_acquire) > 0) {
            i++;
            continue;
        }
        os_grave[i] = os_grave[--os_ngrave];
        /* Nothing runs it any more: free it the ordinary way. */
        run->abandoned = false;
        rl_run_destroy(run);
    }
    os_unlock_mu(&os_grave_mu);
}

/* Keep an abandoned run until its threads are gone (rl_run_destroy). */
void rl_os_bury(struct rl_run *run)
{
    os_lock_mu(&os_grave_mu);
    if (os_ngrave == os_grave_cap) {
        os_grave_cap = os_grave_cap ? os_grave_cap * 2 : 16;
        os_grave = rl_xrealloc(os_grave, (size_t)os_grave_cap *
                                             sizeof *os_grave);
    }
    os_grave[os_ngrave++] = run;
    os_unlock_mu(&os_grave_mu);
    rl_os_sweep();
}

/* How many abandoned runs still wait for their threads (after freeing
 * those that no longer do). */
int rl_os_buried(void)
{
    int n;

    rl_os_sweep();
    os_lock_mu(&os_grave_mu);
    n = os_ngrave;
    os_unlock_mu(&os_grave_mu);
    return n;
}

/* Before anything of a run is freed. A run destroyed while its threads
 * run is stopped: `stop` makes each exit at its next call, or within
 * OS_STOP_POLL_MS if it is blocked in a wait. Threads gone within
 * OS_GRACE_MS are joined and the run may be freed; if one is not (a
 * thread looping without a call), the run is abandoned. Returns false if
 * it is: then nothing of it may be freed (rl_run_destroy buries it). */
static bool os_quiesce(struct rl_run *run)
{
    struct os_run *rs = run->os;
    long deadline;
    int i;

    if (!rs || !rs->started || run->abandoned || rs->end != RL_END_RUNNING)
        return !run->abandoned;
    atomic_store(&rs->stop, true);
    deadline = os_now_ms() + OS_GRACE_MS;
    while (atomic_load(&rs->nalive) > 0 && os_now_ms() < deadline)
        usleep(1000);
    if (atomic_load(&rs->nalive) > 0) {
        rs->end = RL_END_TIMEOUT;
        os_abandon(run);
        return false;
    }
    rs->end = atomic_load(&rs->ndone) == run->nthreads ? RL_END_DONE
                                                        : RL_END_TIMEOUT;
    for (i = 0; i < run->nthreads; i++) {
        struct os_thread *ot = run->threads[i]->backend;

        if (ot->created && !ot->reaped) {
            os_check(pthread_join(ot->pt, NULL), "pthread_join");
            ot->reaped = true;
        }
    }
    return true;
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
    struct os_var *ov;
    struct os_lock *l;
    struct os_rlock *rl;
    struct os_sem *sm;
    struct os_cond *c;
    struct os_gate *g;

    switch (o->kind) {
    case RL_OBJ_VAR:
        ov = rl_xcalloc(1, sizeof *ov);
        atomic_init(&ov->lk, 0);
        atomic_init(&ov->clock, 0);
        o->os = ov;
        return 0;
    case RL_OBJ_LOCK:
        l = rl_xcalloc(1, sizeof *l);
        atomic_init(&l->state, 0);
        atomic_init(&l->clock, 0);
        o->os = l;
        return 0;
    case RL_OBJ_RLOCK:
        rl = rl_xcalloc(1, sizeof *rl);
        os_check(pthread_mutexattr_init(&ma), "pthread_mutexattr_init");
        os_check(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE),
                 "pthread_mutexattr_settype");
        os_check(pthread_mutex_init(&rl->mu, &ma), "pthread_mutex_init");
        pthread_mutexattr_destroy(&ma);
        atomic_init(&rl->clock, 0);
        o->os = rl;
        return 0;
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        if (o->value < 0 || o->value > SEM_VALUE_MAX)
            return -1;
        sm = rl_xcalloc(1, sizeof *sm);
        if (sem_init(&sm->sem, 0, (unsigned)o->value) != 0)
            os_check(errno, "sem_init");
        atomic_init(&sm->clock, 0);
        o->os = sm;
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
        atomic_init(&g->clock, 0);
        g->flag = o->kind == RL_OBJ_EVENT && o->value != 0;
        o->os = g;
        return 0;
    case RL_OBJ_MUTEX:
    case RL_OBJ_RWLOCK:
    case RL_OBJ_SPINLOCK:
    case RL_OBJ_ONCE:
        break; /* plain C programs run on os natively (core/posix.h) */
    }
    return -1;
}

/* Destroy o's primitive, unless the run is abandoned. */
static void os_obj_fini(struct rl_obj *o)
{
    if (!o->os || !os_quiesce(o->run))
        return;
    switch (o->kind) {
    case RL_OBJ_RLOCK:
        /* A stopped run's thread may have exited holding it: destroying
         * a locked mutex is undefined, and a futex-based one owns nothing
         * outside its memory, so it is then only freed. */
        if (pthread_mutex_trylock(&((struct os_rlock *)o->os)->mu) == 0) {
            pthread_mutex_unlock(&((struct os_rlock *)o->os)->mu);
            pthread_mutex_destroy(&((struct os_rlock *)o->os)->mu);
        }
        break;
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        sem_destroy(&((struct os_sem *)o->os)->sem);
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
    memset(ot, 0, sizeof *ot);
    atomic_init(&ot->head, 0);
    atomic_init(&ot->nmisuse, 0);
    atomic_init(&ot->misuse_status, 0);
    ot->t = t;
    ot->run = run;
    ot->rs = run->os;
    ot->record = run->cfg.record;
    if (ot->record) {
        /* No more than the run keeps: the TUI's live view keeps a few
         * thousand records, and its rings are as small (its memory stays
         * flat over a long demo). */
        ot->ring_n = OS_RING_MIN;
        while (ot->ring_n < OS_RING && ot->ring_n < run->cfg.max_records)
            ot->ring_n <<= 1;
        /* Cache-line aligned: a slot never straddles two lines. */
        ot->ring = aligned_alloc(OS_LINE, ot->ring_n * sizeof *ot->ring);
        if (!ot->ring)
            rl_panic(__FILE__, __LINE__, "out of memory (os record ring)");
        ot->stage = os_stage_alloc();
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

/* ---- how a run ends ----------------------------------------------------- */

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
        os_merge_misuses(run);
        os_reap(run);
        rs->end = RL_END_DONE;
        return rs->end;
    }
    os_merge(run);
    now = os_now_ms();
    if (now - rs->t_start >= rs->timeout_ms) {
        rs->end = RL_END_TIMEOUT;
        snprintf(run->end_msg, sizeof run->end_msg,
                 "still running after %ld ms (the wall-clock limit: a "
                 "thread spinning forever? --timeout raises it); "
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

/* Microseconds on the monotonic clock. */
static long os_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Start if needed and poll until the run ends, sleeping on end_cv (woken
 * by finishing threads) between polls: 1 ms, or three times as long as
 * the last poll took, so that merging takes at most a quarter of a core
 * from the lab threads, or seven times once rings overflow (records
 * arrive faster than they can be merged; the rings drop their oldest,
 * counted): an eighth. */
static enum rl_end os_finish(struct rl_run *run)
{
    struct os_run *rs = run->os;
    struct timespec dl;
    enum rl_end e;
    long t0, wait_us;

    if (!rs->started)
        os_start(run, NULL, 0);
    for (;;) {
        uint64_t dropped = rs->dropped;

        t0 = os_now_us();
        e = os_poll(run);
        if (e != RL_END_RUNNING)
            return e;
        /* Rings that overflowed since the last poll: records arrive
         * faster than they merge and some are lost whatever the merger
         * does, so it takes no more than an eighth of a core. */
        wait_us = (rs->dropped > dropped ? 7 : 3) * (os_now_us() - t0);
        if (wait_us < 1000)
            wait_us = 1000;
        if (wait_us > OS_STOP_POLL_MS * 1000)
            wait_us = OS_STOP_POLL_MS * 1000;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_sec += wait_us / 1000000;
        dl.tv_nsec += (wait_us % 1000000) * 1000;
        if (dl.tv_nsec >= 1000000000) {
            dl.tv_sec++;
            dl.tv_nsec -= 1000000000;
        }
        os_lock_mu(&rs->end_mu);
        if (atomic_load_explicit(&rs->ndone, memory_order_relaxed) <
            run->nthreads)
            os_cond_sleep(&rs->end_cv, &rs->end_mu, &dl);
        os_unlock_mu(&rs->end_mu);
    }
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
    .spawn = os_spawn,
};
