/* SPDX-License-Identifier: MIT */
/*
 * os_thread.c - the os backend's lab threads, each a real pthread: created
 * by os_start (or os_spawn, when a running lab thread starts another) and
 * run by os_thread_main; and the pthread helpers every file of the
 * backend locks, waits and reads the clock with (os_impl.h lists the
 * files).
 *
 * Threads start together: they wait at a gate until all are created, then
 * spin until all are past it; with several cores they are spread over them
 * round-robin (CPU affinity), so two threads really run at the same time
 * even on a busy machine.
 *
 * A lab thread of a stopped run ends at its next call (os_enter) or,
 * blocked in a wait, within OS_STOP_POLL_MS: a wait without a timeout here
 * waits in slices that long and looks at `stop` in between (os_sem_take,
 * os_cond_sleep). Its last act is to count itself gone (os_thread_gone);
 * then os.c may free the run under it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "os_impl.h"

/* Lab threads at the start gate spin this many times for their siblings
 * before they yield (tens of milliseconds). */
#define OS_GATE_SPINS (1L << 24)

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
struct rl_thread *os_self(void)
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

/* ---- starting the threads ----------------------------------------------- */

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
int os_start(struct rl_run *run, char *err, size_t errlen)
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
void os_spawn(struct rl_thread *self, struct rl_thread *t)
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
