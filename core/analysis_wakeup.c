/* SPDX-License-Identifier: MIT */
/*
 * analysis_wakeup.c - lost wakeups, from a run's records (analysis.h).
 *
 * A Condition remembers nothing: a notify that finds no thread waiting
 * wakes nobody, and a thread that begins to wait after it waits for the
 * next one. Code that waits in a loop on a condition the notifier sets
 * (while (!ready) wait) never needs the early notify: it sees ready and
 * does not wait. Code that waits without looking first misses it, and
 * waits for ever if nothing notifies again.
 *
 * One pass in record order keeps, per Condition, its last notify and its
 * last notify that woke no thread; per lock, its critical sections; per
 * thread, the steps of its last read of any variable (a load, an atomic
 * read, is_set, sem_getvalue) and of its last change (a write, a notify),
 * and the wait it is in, if any, with what its Condition had then. At the
 * end of a run that ended with threads still blocked (deadlock, step
 * limit, timeout), a thread still in its wait is a lost wakeup when:
 *   - its Condition was notified before the wait began with no thread
 *     waiting (the latest such notify is the one reported),
 *   - nothing notified the Condition since the wait began, and
 *   - after that notify, the thread read no variable in the critical
 *     section it waits in, and no critical section on the Condition's
 *     lock began and ended that changed something (wrote, notified):
 *     nobody looked at, or took, what the notifier announced. (What the
 *     waiter read before it took the lock is no check of what the lock
 *     guards, a counter of its own, say; a critical section that only
 *     read, a producer that found the buffer full, took nothing.)
 * The last rule keeps a correct waiter out that checks its condition,
 * finds it false (another thread took the item, nothing more is coming)
 * and waits: its run may deadlock, but no wakeup was lost (racelab's
 * Queue checks its items unrecorded: its critical sections tell). A
 * notify that woke no thread is paired with one stuck waiter at most (a
 * notify_all with every one it would have woken).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_impl.h"
#include "mem.h"

/* An object so far: a Condition's notifies, a lock's acquisitions. */
struct wk_obj {
    uint64_t last_notify;     /* any notify or notify_all, 0: none */
    uint64_t lost_seq;        /* the last one that woke no thread, 0: none */
    int lost_thread;
    bool lost_all;
    uint64_t last_acq;        /* a lock: its last acquisition (a woken
                                 wait's too) */
    uint64_t last_busy;       /* ... that of the last critical section
                                 that changed something (wrote, notified)
                                 and is over, 0: none */
};

/* A thread's last read and the wait it is in. */
struct wk_thread {
    uint64_t last_read;       /* its last read of a variable, 0: none */
    uint64_t last_change;     /* its last write or notify */
    int cond;                 /* the Condition it waits on, -1: none */
    uint64_t wait_seq;        /* where that wait began */
    bool looked;              /* it read a variable in its critical
                                 section, or another one changed
                                 something, between the lost notify and
                                 its wait */
    struct wk_obj then;       /* its Condition when the wait began */
};

/* Whether op reads a variable (or an Event's flag, a semaphore's count):
 * the thread looks at shared state. */
static bool wk_reads(int op)
{
    switch ((enum rl_op)op) {
    case RL_OP_LOAD:
    case RL_OP_ATOMIC_LOAD:
    case RL_OP_FETCH_ADD:
    case RL_OP_FETCH_SUB:
    case RL_OP_FETCH_AND:
    case RL_OP_FETCH_OR:
    case RL_OP_FETCH_XOR:
    case RL_OP_EXCHANGE:
    case RL_OP_CAS:
    case RL_OP_IS_SET:
    case RL_OP_SEM_VALUE:
        return true;
    default:
        return false;
    }
}

/* Whether run ended with threads blocked for good: what a lost wakeup
 * leaves behind. A run that is still going, or stopped at a failure,
 * an exit or a crash, may have had its notify to come. */
static bool wk_stuck_end(const struct rl_run *run)
{
    enum rl_end e = rl_run_end(run);
    return e == RL_END_DEADLOCK || e == RL_END_STEP_LIMIT ||
           e == RL_END_TIMEOUT;
}

/* Whether op changes shared state: writes (an atomic read-modify-write
 * too), notifies, sets or clears. */
static bool wk_changes(int op)
{
    switch ((enum rl_op)op) {
    case RL_OP_STORE:
    case RL_OP_ATOMIC_STORE:
    case RL_OP_FETCH_ADD:
    case RL_OP_FETCH_SUB:
    case RL_OP_FETCH_AND:
    case RL_OP_FETCH_OR:
    case RL_OP_FETCH_XOR:
    case RL_OP_EXCHANGE:
    case RL_OP_CAS:
    case RL_OP_NOTIFY:
    case RL_OP_NOTIFY_ALL:
    case RL_OP_SET:
    case RL_OP_CLEAR:
        return true;
    default:
        return false;
    }
}

/* Thread w's critical section on lock l ends (a release, or a wait that
 * gives l up); critical sections on one lock come one after another, so
 * the one ending began at l's last acquisition. */
static void wk_close(struct wk_obj *obj, int nobj, const struct wk_thread *w,
                     int l)
{
    if (l >= 0 && l < nobj && w->last_change > obj[l].last_acq)
        obj[l].last_busy = obj[l].last_acq;
}

/* Thread w begins to wait on Condition o (bound to lock l) at step seq:
 * what the Condition had then, and whether anyone looked since its lost
 * notify: w read a variable in the critical section it waits in (w holds
 * l: l's last acquisition is w's) after the notify, or a critical section
 * on l that began after the notify changed something and is over. */
static void wk_wait(struct wk_obj *obj, int nobj, struct wk_thread *w, int o,
                    int l, uint64_t seq)
{
    uint64_t lost = obj[o].lost_seq, from = lost;
    bool lock = l >= 0 && l < nobj;
    w->cond = o;
    w->wait_seq = seq;
    w->then = obj[o];
    if (lock && obj[l].last_acq > from)
        from = obj[l].last_acq;
    w->looked = w->last_read > from || (lock && obj[l].last_busy > lost);
    wk_close(obj, nobj, w, l);
}

/* Record r's part in the pass: notifies, waits, critical sections,
 * reads. */
static void wk_step(const struct rl_run *run, struct wk_obj *obj, int nobj,
                    struct wk_thread *thr, int nthr, const struct rl_record *r)
{
    int t = r->thread, o = r->obj;
    if (t < 0 || t >= nthr)
        return;
    /* a compare-exchange that failed only read */
    if (wk_changes(r->op) && (r->op != RL_OP_CAS || r->result == RL_RES_OK))
        thr[t].last_change = r->seq;
    if (wk_reads(r->op)) {
        thr[t].last_read = r->seq;
        return;
    }
    if (o < 0 || o >= nobj)
        return;
    bool ok = r->result == RL_RES_OK || r->result == RL_RES_WOKE;
    if (r->op == RL_OP_ACQUIRE && ok) {
        obj[o].last_acq = r->seq;
        return;
    }
    if (r->op == RL_OP_RELEASE && r->result == RL_RES_OK) {
        wk_close(obj, nobj, &thr[t], o);
        return;
    }
    if ((r->op == RL_OP_NOTIFY || r->op == RL_OP_NOTIFY_ALL) &&
        r->result == RL_RES_OK) {
        obj[o].last_notify = r->seq;
        if (r->arg == 0) {
            obj[o].lost_seq = r->seq;
            obj[o].lost_thread = t;
            obj[o].lost_all = r->op == RL_OP_NOTIFY_ALL;
        }
        return;
    }
    if (r->op != RL_OP_WAIT)
        return;
    struct rl_obj_view ov;
    rl_run_object(run, o, &ov);
    if (ov.kind != RL_OBJ_CONDITION)
        return; /* woken, blocked re-acquiring the lock: still in its wait */
    if (r->result == RL_RES_BLOCKED) {
        wk_wait(obj, nobj, &thr[t], o, ov.lock, r->seq);
    } else {
        thr[t].cond = -1; /* woken or timed out: the lock is t's again */
        if (ov.lock >= 0 && ov.lock < nobj)
            obj[ov.lock].last_acq = r->seq;
    }
}

/* Whether notify_seq (not a notify_all) is already paired in out. */
static bool wk_paired(const struct rl_analysis *out, uint64_t notify_seq)
{
    for (int i = 0; i < out->nwakeups && i < RL_ANALYSIS_MAX; i++)
        if (out->wakeups[i].notify_seq == notify_seq && !out->wakeups[i].all)
            return true;
    return false;
}

/* qsort's order of stuck threads: by the step their wait began. */
static int wk_by_wait(const void *x, const void *y)
{
    const struct wk_thread *a = *(const struct wk_thread *const *)x;
    const struct wk_thread *b = *(const struct wk_thread *const *)y;
    return (a->wait_seq > b->wait_seq) - (a->wait_seq < b->wait_seq);
}

void analysis_find_wakeups(const struct rl_run *run, struct rl_analysis *out)
{
    out->nwakeups = 0;
    uint64_t first = rl_run_record_first(run), last = rl_run_record_last(run);
    if (last == 0 || !wk_stuck_end(run))
        return;
    int nobj = rl_run_object_count(run), nthr = rl_run_thread_count(run);
    struct wk_obj *obj = rl_xcalloc((size_t)nobj + 1, sizeof *obj);
    struct wk_thread *thr = rl_xcalloc((size_t)nthr + 1, sizeof *thr);
    const struct wk_thread **stuck =
        rl_xcalloc((size_t)nthr + 1, sizeof *stuck);
    for (int t = 0; t < nthr; t++)
        thr[t].cond = -1;
    for (uint64_t s = first; s && s <= last; s++) {
        const struct rl_record *r = rl_run_record(run, s);
        if (r)
            wk_step(run, obj, nobj, thr, nthr, r);
    }
    int nstuck = 0;
    for (int t = 0; t < nthr; t++)
        if (thr[t].cond >= 0)
            stuck[nstuck++] = &thr[t];
    qsort(stuck, (size_t)nstuck, sizeof *stuck, wk_by_wait);
    for (int i = 0; i < nstuck; i++) {
        const struct wk_thread *w = stuck[i];
        if (w->then.lost_seq == 0 || w->looked ||
            obj[w->cond].last_notify > w->wait_seq ||
            (!w->then.lost_all && wk_paired(out, w->then.lost_seq)))
            continue;
        if (out->nwakeups < RL_ANALYSIS_MAX) {
            struct rl_lost_wakeup *l = &out->wakeups[out->nwakeups];
            l->cond = w->cond;
            l->signaller = w->then.lost_thread;
            l->waiter = (int)(w - thr);
            l->notify_seq = w->then.lost_seq;
            l->wait_seq = w->wait_seq;
            l->all = w->then.lost_all;
        }
        out->nwakeups++;
    }
    free(stuck);
    free(thr);
    free(obj);
}

/* Whether Condition cond belongs to a plain C program (its calls read
 * cond_signal, cond_wait) rather than a lab (notify, wait). */
static bool wk_posix(const struct rl_run *run, int cond)
{
    struct rl_obj_view ov;
    if (cond < 0 || cond >= rl_run_object_count(run))
        return false;
    rl_run_object(run, cond, &ov);
    return ov.posix;
}

size_t rl_wakeup_text(const struct rl_run *run, const struct rl_lost_wakeup *w,
                      const char *where, char *buf, size_t len)
{
    bool px = wk_posix(run, w->cond);
    const char *name = analysis_obj_name(run, w->cond);
    const char *notify = px ? (w->all ? "cond_broadcast" : "cond_signal")
                            : (w->all ? "notify_all" : "notify");
    char at[112] = "";
    if (where != NULL && where[0] != '\0')
        snprintf(at, sizeof at, " (%.100s)", where);
    int n = snprintf(buf, len,
                     "lost wakeup on %s: %s called %s at step %llu%s when no "
                     "thread was waiting, so it woke nobody; %s began %s at "
                     "step %llu and still waits: nothing %s %s again",
                     name, analysis_thread_name(run, w->signaller), notify,
                     (unsigned long long)w->notify_seq, at,
                     analysis_thread_name(run, w->waiter),
                     px ? "cond_wait" : "to wait",
                     (unsigned long long)w->wait_seq,
                     px ? "signalled" : "notified", name);
    return n < 0 ? 0 : (size_t)n;
}

/* The variable the signaller stored last before its notify, with no other
 * synchronization of its in between (what it meant to announce), or
 * NULL. */
static const char *wk_announced(const struct rl_run *run,
                                const struct rl_lost_wakeup *w)
{
    for (uint64_t s = w->notify_seq - 1; s >= 1; s--) {
        const struct rl_record *r = rl_run_record(run, s);
        if (r == NULL)
            return NULL;
        if (r->thread != w->signaller || r->op == RL_OP_LOAD ||
            r->op == RL_OP_ATOMIC_LOAD || r->op == RL_OP_OUTPUT)
            continue;
        bool store = r->op == RL_OP_STORE || r->op == RL_OP_ATOMIC_STORE ||
                     r->op == RL_OP_FETCH_ADD || r->op == RL_OP_FETCH_SUB ||
                     r->op == RL_OP_EXCHANGE;
        struct rl_obj_view ov;
        if (!store || r->fn != 0 || r->obj < 0 ||
            r->obj >= rl_run_object_count(run))
            return NULL;
        rl_run_object(run, r->obj, &ov);
        return ov.kind == RL_OBJ_VAR ? ov.name : NULL;
    }
    return NULL;
}

size_t rl_wakeup_hint(const struct rl_run *run, const struct rl_lost_wakeup *w,
                      char *buf, size_t len)
{
    const char *flag = wk_announced(run, w);
    const char *name = analysis_obj_name(run, w->cond);
    struct rl_obj_view ov;
    int n;
    if (flag == NULL)
        flag = "ready";
    if (wk_posix(run, w->cond)) {
        rl_run_object(run, w->cond, &ov);
        n = snprintf(buf, len,
                     "a signal wakes only a thread already waiting; "
                     "wait in a loop on a condition the signaller sets: "
                     "while (!%s) pthread_cond_wait(&%s, &%s);",
                     flag, name, analysis_obj_name(run, ov.lock));
    } else {
        n = snprintf(buf, len,
                     "a notify wakes only a thread already waiting; "
                     "wait in a loop on a condition the notifier sets: "
                     "while (!%s) rl_cond_wait(%s);",
                     flag, name);
    }
    return n < 0 ? 0 : (size_t)n;
}
