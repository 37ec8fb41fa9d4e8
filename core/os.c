/* SPDX-License-Identifier: MIT */
/*
 * os.c - the os backend: lab threads are real pthreads on real cores, and
 * every primitive is a real one, built the way CPython builds its own.
 *
 * The backend is five files that share os_impl.h (which lists them). This
 * one holds the lifecycle of a run, its threads and its objects (the real
 * primitive behind each), the start gate, the watchdog, the pthread
 * helpers the others use and the rl_os_ops vtable; os_record.c keeps the
 * records, os_block.c what the watchdog and the display see of blocked
 * threads, and os_lock.c and os_prims.c the primitives.
 *
 * Threads start together: they wait at a gate until all are created, then
 * spin until all are past it; with several cores they are spread over them
 * round-robin (CPU affinity), so two threads really run at the same time
 * even on a busy machine.
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
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "os_impl.h"

/* Lab threads at the start gate spin this many times for their siblings
 * before they yield (tens of milliseconds). */
#define OS_GATE_SPINS (1L << 24)

/* Destroyed while running: wait at most this for the threads to exit
 * (more than OS_STOP_POLL_MS, the longest a blocked one takes). */
#define OS_GRACE_MS 300

static _Thread_local struct rl_thread *os_self_t;
_Thread_local struct os_thread *os_me;

/* ---- helpers ------------------------------------------------------------ */

/* Abort on a pthread error that cannot happen in a correct backend. */
void os_check(int rc, const char *what)
{
    char msg[160];

    if (rc == 0)
        return;
    snprintf(msg, sizeof msg, "%s: %s", what, strerror(rc));
    rl_panic(__FILE__, __LINE__, msg);
}

/* Lock / unlock a mutex that the backend never misuses. */
void os_lock_mu(pthread_mutex_t *mu)
{
    os_check(pthread_mutex_lock(mu), "pthread_mutex_lock");
}

void os_unlock_mu(pthread_mutex_t *mu)
{
    os_check(pthread_mutex_unlock(mu), "pthread_mutex_unlock");
}

/* Milliseconds on the monotonic clock (watchdog and timeout). */
long os_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The CLOCK_REALTIME deadline ms from now (sem_timedwait & co use it). */
struct timespec os_deadline(long ms)
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
int os_sem_take(sem_t *sem, long ms)
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
        /* In slices: a lab thread of a stopped run exits (os_stopping). */
        for (;;) {
            dl = os_deadline(OS_STOP_POLL_MS);
            while ((rc = sem_timedwait(sem, &dl)) == -1 && errno == EINTR)
                ;
            if (rc == 0)
                return RL_OK;
            if (errno != ETIMEDOUT)
                os_check(errno, "sem_timedwait");
            if (os_stopping())
                os_park();
        }
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
void os_sem_post(sem_t *sem)
{
    if (sem_post(sem) != 0)
        os_check(errno, "sem_post");
}

/* Wait on cv (mu held) until woken or the deadline; true on timeout. */
bool os_cond_sleep(pthread_cond_t *cv, pthread_mutex_t *mu,
                   const struct timespec *dl)
{
    struct timespec slice;
    int rc;

    if (!dl) {
        /* A slice, then a spurious wake-up (every caller re-checks its
         * condition); a lab thread of a stopped run gives the mutex back
         * and exits. */
        slice = os_deadline(OS_STOP_POLL_MS);
        rc = pthread_cond_timedwait(cv, mu, &slice);
        if (rc == ETIMEDOUT) {
            if (os_stopping()) {
                os_unlock_mu(mu);
                os_park();
            }
            return false;
        }
        os_check(rc, "pthread_cond_timedwait");
        return false;
    }
    rc = pthread_cond_timedwait(cv, mu, dl);
    if (rc == ETIMEDOUT)
        return true;
    os_check(rc, "pthread_cond_timedwait");
    return false;
}

/* ---- threads ------------------------------------------------------------- */

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
    ot->end_clock = ot->clock; /* a joiner's records follow its last */
    os_check(pthread_cond_broadcast(&ot->cv), "pthread_cond_broadcast");
    os_unlock_mu(&ot->mu);
    os_lock_mu(&rs->end_mu);
    atomic_fetch_add_explicit(&rs->ndone, 1, memory_order_release);
    os_check(pthread_cond_broadcast(&rs->end_cv), "pthread_cond_broadcast");
    os_unlock_mu(&rs->end_mu);
}

/* Each lab thread's alternate signal stack: a stack overflow (the guard
 * page below a thread's stack) raises SIGSEGV on the overflowing thread,
 * whose own stack is full; a crash handler (the TUI's, which gives the
 * terminal back) can run only on a stack of its own. Private to the
 * thread. */
#define OS_ALT_STACK (64 * 1024)
static _Thread_local void *os_alt_stack;

/* Give the calling lab thread its alternate signal stack. Best effort: a
 * thread without one still runs; only its overflow goes unreported. */
static void os_alt_stack_on(void)
{
    stack_t ss;

    os_alt_stack = rl_xmalloc(OS_ALT_STACK);
    ss.ss_sp = os_alt_stack;
    ss.ss_size = OS_ALT_STACK;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, NULL) != 0) {
        free(os_alt_stack);
        os_alt_stack = NULL;
    }
}

/* Take the alternate signal stack down and free it (thread exit). */
static void os_alt_stack_off(void)
{
    stack_t ss;

    if (!os_alt_stack)
        return;
    memset(&ss, 0, sizeof ss);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    free(os_alt_stack);
    os_alt_stack = NULL;
}

/* The last thing a lab thread does to its run, however it ends (finished,
 * or exited because its run was stopped): count itself gone. After this
 * the run may be freed under it. */
static void os_thread_gone(void *arg)
{
    struct os_thread *ot = arg;

    os_alt_stack_off();
    atomic_fetch_sub_explicit(&ot->rs->nalive, 1, memory_order_release);
}

/* A lab thread: wait at the start gate, run the body, record the ends. */
static void *os_thread_main(void *arg)
{
    struct os_thread *ot = arg;
    struct os_run *rs = ot->rs;
    bool abort_start, crowded;
    int ncreated;
    long spins;

    os_self_t = ot->t;
    os_me = ot;
    rl_current = ot->run;
    pthread_cleanup_push(os_thread_gone, ot);
    os_alt_stack_on();
    os_lock_mu(&rs->gate_mu);
    while (!rs->gate_open)
        os_cond_sleep(&rs->gate_cv, &rs->gate_mu, NULL);
    abort_start = rs->abort_start;
    ncreated = rs->ncreated;
    crowded = ncreated > rs->ncpus;
    os_unlock_mu(&rs->gate_mu);
    atomic_fetch_add(&rs->arrived, 1);
    /* With a core each, spin without giving the core away: a thread that
     * yields here on a busy machine may wait behind other processes for a
     * whole time slice, while its sibling runs alone. With more threads
     * than cores, or a sibling that does not come, let the others run. */
    for (spins = 0; atomic_load(&rs->arrived) < ncreated; spins++)
        if (spins >= (crowded ? 1000 : OS_GATE_SPINS))
            sched_yield();
    if (!abort_start) {
        atomic_store_explicit(&ot->t->state, RL_T_RUNNABLE,
                              memory_order_release);
        os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_START, RL_RES_OK, NULL, -1, 0,
                0, 0);
        ot->t->fn(ot->t->arg);
        os_emit(ot, OS_ORD_THREAD, NULL, RL_OP_FINISH, RL_RES_OK, NULL, -1, 0,
                0, 0);
    }
    os_thread_done(ot);
    pthread_cleanup_pop(1);
    return NULL;
}

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
    rs->ncpus = ncpus;
    for (i = 0; i < run->nthreads; i++) {
        struct os_thread *ot = run->threads[i]->backend;

        os_thread_attr(&attr, i, cpus, ncpus);
        atomic_fetch_add(&rs->nalive, 1);
        rc = pthread_create(&ot->pt, &attr, os_thread_main, ot);
        pthread_attr_destroy(&attr);
        if (rc != 0) {
            atomic_fetch_sub(&rs->nalive, 1);
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

/* A running lab thread self starts thread t (see struct rl_backend_ops):
 * its pthread starts at once, through the gate that is already open. */
static void os_spawn(struct rl_thread *self, struct rl_thread *t)
{
    struct os_thread *me = self->backend, *ot;
    struct os_run *rs;
    pthread_attr_t attr;
    int cpus[RL_MAX_THREADS], ncpus, rc;

    if (!t)
        return;
    ot = t->backend;
    rs = ot->rs;
    /* The spawn is recorded first and the child's clock starts from it:
     * the child's records follow it. */
    os_emit(me, OS_ORD_THREAD, NULL, RL_OP_SPAWN, RL_RES_OK, NULL, t->id, 0, 0,
            0);
    if (me)
        ot->clock = me->clock;
    ncpus = os_cpus(cpus, RL_MAX_THREADS);
    os_thread_attr(&attr, t->id, cpus, ncpus);
    os_lock_mu(&rs->gate_mu);
    rs->ncreated++;
    ot->created = true;
    os_unlock_mu(&rs->gate_mu);
    rc = pthread_create(&ot->pt, &attr, os_thread_main, ot);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        os_lock_mu(&rs->gate_mu);
        rs->ncreated--;
        ot->created = false;
        os_unlock_mu(&rs->gate_mu);
        os_thread_done(ot);
    }
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
