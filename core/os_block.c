/* SPDX-License-Identifier: MIT */
/*
 * os_block.c - what the watchdog and the display see of the os backend's
 * threads, and misuse reports.
 *
 * Logical state (rl_obj owner / depth / value, rl_thread state) is kept with
 * relaxed atomics for display and reports; the wait and hold lists of the
 * objects, and each thread's "what am I blocked on" fields, are guarded by
 * the run's display mutex, which only blocking paths and semaphores take.
 *
 * A thread about to sleep in a primitive publishes what it waits for
 * (os_block_begin) and, once awake, that it no longer does (os_block_end).
 * The watchdog (os_poll, os.c) asks os_all_stuck whether every unfinished
 * thread is blocked with no timeout and nothing it waits for available.
 */
#include <errno.h>
#include <semaphore.h>
#include <string.h>

#include "os_impl.h"

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
void os_block_begin(struct os_thread *ot, struct rl_obj *o, long ms,
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
void os_block_end(struct os_thread *ot)
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
        return atomic_load_explicit(&((struct os_lock *)o->os)->state,
                                    memory_order_relaxed) == 0;
    case RL_OBJ_RLOCK:
        return atomic_load_explicit(&o->owner, memory_order_relaxed) < 0;
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        return os_sem_value(&((struct os_sem *)o->os)->sem) > 0;
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
bool os_all_stuck(struct rl_run *run, unsigned long *sig)
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

/* Report a misuse. Recording, its record carries it to the run when it is
 * merged (os_merge notes it with its step, or os_merge_misuses without one
 * if the record was dropped); otherwise it is noted now, serialized by the
 * display mutex (lab threads call it concurrently). Returns status. */
int os_misuse(struct os_thread *ot, struct rl_obj *o, struct rl_run *run,
              enum rl_op op, int status)
{
    struct os_run *rs = run->os;

    if (ot && ot->record) {
        /* Counted before the record exists: the merger never notes more
         * than were made. */
        atomic_store_explicit(&ot->misuse_status, status,
                              memory_order_relaxed);
        atomic_store_explicit(
            &ot->nmisuse,
            atomic_load_explicit(&ot->nmisuse, memory_order_relaxed) + 1,
            memory_order_release);
        os_emit_rec(ot, OS_ORD_THREAD, NULL, op, RL_RES_ERROR, o, -1, status,
                    0, 0, true);
        return status;
    }
    os_lock_mu(&rs->display);
    rl_note_misuse(run, os_tid(ot), o, status, 0);
    os_unlock_mu(&rs->display);
    return status;
}

/* The live view's lock (engine.h): the display mutex, which guards the
 * wait and hold lists and a Barrier's broken flag that rl_run_object and
 * rl_run_thread copy. */
void rl_os_view_lock(const struct rl_run *run)
{
    os_lock_mu(&((struct os_run *)run->os)->display);
}

void rl_os_view_unlock(const struct rl_run *run)
{
    os_unlock_mu(&((struct os_run *)run->os)->display);
}
