/* SPDX-License-Identifier: MIT */
/*
 * sim_prims.c - the sim backend's primitives: shared variables, Lock,
 * RLock, (Bounded)Semaphore, Condition, Event and Barrier with Python's
 * semantics, and the thread calls join, yield, sleep and fail.
 *
 * Each call starts at its scheduling point (enter): the calling fiber hands
 * control back to the engine loop (sim.c) and resumes here when the
 * scheduler picks it, so what follows until its next call is one step.
 * Blocking is modelled, not real: a thread whose call cannot proceed
 * records "blocked", joins the object's FIFO wait queue and is not runnable
 * until a release / notify / set / barrier trip wakes it; a woken thread
 * retries when it is next picked (so another thread may barge in first, as
 * with real locks). Which waiter a notify wakes is a choice point of its
 * own, recorded like the choice of a thread.
 *
 * Called from setup or checks (outside a lab thread), a call acts at once,
 * makes no record and never blocks.
 */
#include <stdio.h>
#include <string.h>

#include "fiber.h"
#include "posix.h"
#include "sim_impl.h"

/* ---- records and small helpers ------------------------------------------- */

/* Push one record of t's call (see sim_impl.h). */
void sim_rec(struct rl_run *run, const struct rl_thread *t, enum rl_op op,
             enum rl_result res, const struct rl_obj *o, int other, long arg,
             long before, long after)
{
    struct rl_record r = {0};
    r.thread = (int16_t)(t ? t->id : -1);
    r.op = (uint8_t)op;
    r.result = (uint8_t)res;
    r.obj = o ? o->id : -1;
    r.other = (int16_t)other;
    r.arg = arg;
    r.before = before;
    r.after = after;
    r.pc = t ? t->pc : 0;
    r.order = t ? t->mo : 0;
    rrpick_note(&sim_of(run)->rr, &r);
    rl_record_push(run, &r);
}

/* Push a range record (see sim_impl.h). */
void sim_rec_range(struct rl_run *run, const struct rl_thread *t,
                   enum rl_op op, const struct rl_obj *o, long arg,
                   long before, long after, int fn, uint32_t len)
{
    struct rl_record r = {0};
    r.thread = (int16_t)(t ? t->id : -1);
    r.op = (uint8_t)op;
    r.result = RL_RES_OK;
    r.obj = o ? o->id : -1;
    r.other = -1;
    r.arg = arg;
    r.before = before;
    r.after = after;
    r.pc = t ? t->pc : 0;
    r.fn = (uint8_t)fn;
    r.len = len;
    rrpick_note(&sim_of(run)->rr, &r);
    rl_record_push(run, &r);
}

/* The object's value: a variable's, a semaphore's count, an event's flag,
 * a barrier's arrivals. */
static long val(const struct rl_obj *o)
{
    return atomic_load_explicit(&o->value, memory_order_relaxed);
}

/* Set the object's value (see val). */
static void set_val(struct rl_obj *o, long v)
{
    atomic_store_explicit(&o->value, v, memory_order_relaxed);
}

/* The thread holding lock o, or -1 when it is free. */
static int owner(const struct rl_obj *o)
{
    return atomic_load_explicit(&o->owner, memory_order_relaxed);
}

/* The thread running a step, after its scheduling point; NULL when called
 * outside a lab thread (setup or checks), where calls act at once. */
struct rl_thread *sim_enter(struct rl_run *run)
{
    struct sim *s = sim_of(run);
    if (!s->in_thread)
        return NULL;
    struct rl_thread *t = s->cur;
    if (t->pend)
        rl_px_flush(t);
    fiber_switch(t->backend, s->main);
    return t;
}

/* Block t on o (NULL for a join or a sleep) until woken; deadline in
 * virtual ms or -1. Returns when t is picked again. */
void sim_block(struct sim *s, struct rl_thread *t, struct rl_obj *o,
                  long deadline)
{
    atomic_store(&t->state, RL_T_BLOCKED);
    atomic_store(&t->waiting_on, o);
    t->deadline = deadline;
    t->timed_out = false;
    t->notified = false;
    if (o)
        o->wait[o->nwait++] = (int16_t)t->id;
    fiber_switch(t->backend, s->main);
}

/* Make a blocked thread runnable and take it off its wait queue. */
void sim_wake(struct rl_thread *t)
{
    struct rl_obj *o = atomic_load(&t->waiting_on);
    if (o) {
        int k = 0;
        for (int i = 0; i < o->nwait; i++)
            if (o->wait[i] != t->id)
                o->wait[k++] = o->wait[i];
        o->nwait = k;
    }
    atomic_store(&t->waiting_on, NULL);
    atomic_store(&t->state, RL_T_RUNNABLE);
    t->deadline = -1;
}

/* Wake the longest waiter of o; returns its id or -1. */
int sim_wake_first(struct rl_run *run, struct rl_obj *o)
{
    if (o->nwait == 0)
        return -1;
    struct rl_thread *w = run->threads[o->wait[0]];
    sim_wake(w);
    w->notified = true;
    return w->id;
}

/* Wake every waiter of o, setting their wait_result to result if
 * set_result (a broken barrier). Returns the number woken. */
int sim_wake_all(struct rl_run *run, struct rl_obj *o, bool set_result,
                    int result)
{
    int n = o->nwait;
    int16_t ids[RL_MAX_THREADS];
    memcpy(ids, o->wait, (size_t)n * sizeof(ids[0]));
    for (int i = 0; i < n; i++) {
        struct rl_thread *w = run->threads[ids[i]];
        sim_wake(w);
        w->notified = true;
        if (set_result)
            w->wait_result = result;
    }
    return n;
}

/* Whether t holds lock l in Python's sense: an RLock must be owned by t; a
 * plain Lock only needs to be locked (Python's Condition._is_owned). */
static bool held_by(const struct rl_obj *l, const struct rl_thread *t)
{
    if (l->kind == RL_OBJ_RLOCK)
        return owner(l) == t->id;
    return owner(l) >= 0;
}

/* Record t's misuse of o (an error record, then the run's misuse note);
 * t is NULL for setup, which makes no record. */
void sim_misuse(struct rl_run *run, struct rl_thread *t, enum rl_op op,
                   struct rl_obj *o, int status)
{
    if (t)
        sim_rec(run, t, op, RL_RES_ERROR, o, -1, status, 0, 0);
    rl_note_misuse(run, t ? t->id : -1, o, status, run->rec_last);
}

/* ---- shared variables, Lock and RLock ------------------------------------ */

/* load / store / fetch_add on a shared variable: one step each, so a load
 * then a store is a read-modify-write another thread can cut in two. */
long sim_var_op(struct rl_obj *v, enum rl_op op, long arg)
{
    struct rl_run *run = v->run;
    struct rl_thread *t = sim_enter(run);
    long before = val(v), after = before, ret = before;
    if (op == RL_OP_STORE) {
        after = arg;
        ret = 0;
    } else if (op == RL_OP_FETCH_ADD) {
        after = before + arg;
    }
    set_val(v, after);
    if (t)
        sim_rec(run, t, op, RL_RES_OK, v, -1, arg, before, after);
    return ret;
}

/* Acquire Lock or RLock l, blocking up to ms (see struct rl_backend_ops);
 * an RLock owner re-enters, one level deeper. */
int sim_lock_acquire(struct rl_obj *l, long ms)
{
    struct rl_run *run = l->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    int me = t ? t->id : -1;
    long deadline = -1;
    bool blocked = false;
    for (;;) {
        int o = owner(l);
        int d = atomic_load(&l->depth);
        if (o < 0 || (l->kind == RL_OBJ_RLOCK && o == me && t)) {
            atomic_store(&l->owner, t ? me : 0);
            atomic_store(&l->depth, d + 1);
            if (t)
                sim_rec(run, t, RL_OP_ACQUIRE,
                        blocked ? RL_RES_WOKE : RL_RES_OK, l, -1, ms, d, d + 1);
            return RL_OK;
        }
        if (!t)
            return RL_TIMEOUT; /* setup / checks cannot block */
        if (ms == 0 || (blocked && t->timed_out)) {
            sim_rec(run, t, RL_OP_ACQUIRE, RL_RES_TIMEOUT, l, o, ms, d, d);
            return RL_TIMEOUT;
        }
        if (ms > 0 && deadline < 0)
            deadline = s->now + ms;
        sim_rec(run, t, RL_OP_ACQUIRE, RL_RES_BLOCKED, l, o, ms, d, d);
        blocked = true;
        sim_block(s, t, l, deadline);
    }
}

/* Release l (an RLock one level) and wake its longest waiter; releasing
 * an unlocked Lock or an RLock t does not own is a misuse. */
int sim_lock_release(struct rl_obj *l)
{
    struct rl_run *run = l->run;
    struct rl_thread *t = sim_enter(run);
    int o = owner(l);
    if (l->kind == RL_OBJ_LOCK && o < 0) {
        sim_misuse(run, t, RL_OP_RELEASE, l, RL_ERR_UNLOCKED);
        return RL_ERR_UNLOCKED;
    }
    if (l->kind == RL_OBJ_RLOCK && (!t || o != t->id)) {
        sim_misuse(run, t, RL_OP_RELEASE, l, RL_ERR_NOT_OWNER);
        return RL_ERR_NOT_OWNER;
    }
    int d = atomic_load(&l->depth);
    int nd = l->kind == RL_OBJ_RLOCK ? d - 1 : 0;
    atomic_store(&l->depth, nd);
    int woken = -1;
    if (nd == 0) {
        atomic_store(&l->owner, -1);
        woken = sim_wake_first(run, l);
    }
    if (t)
        sim_rec(run, t, RL_OP_RELEASE, RL_RES_OK, l, woken, 0, d, nd);
    return RL_OK;
}

/* ---- Semaphore and BoundedSemaphore -------------------------------------- */

/* Note that tid holds a unit of semaphore s (display). */
void sim_hold_add(struct rl_obj *s, int tid)
{
    if (s->nhold < RL_MAX_THREADS)
        s->hold[s->nhold++] = (int16_t)tid;
}

/* Remove tid from the holders, or the oldest holder if tid holds none (a
 * semaphore may be released by a thread that did not acquire it). */
void sim_hold_remove(struct rl_obj *s, int tid)
{
    if (s->nhold == 0)
        return;
    int at = 0;
    for (int i = 0; i < s->nhold; i++)
        if (s->hold[i] == tid) {
            at = i;
            break;
        }
    memmove(&s->hold[at], &s->hold[at + 1],
            (size_t)(s->nhold - at - 1) * sizeof(s->hold[0]));
    s->nhold--;
}

/* Take a unit of semaphore sm, blocking up to ms while the count is 0. */
int sim_sem_acquire(struct rl_obj *sm, long ms)
{
    struct rl_run *run = sm->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    long deadline = -1;
    bool blocked = false;
    for (;;) {
        long v = val(sm);
        if (v > 0) {
            set_val(sm, v - 1);
            if (!t)
                return RL_OK;
            sim_hold_add(sm, t->id);
            sim_rec(run, t, RL_OP_ACQUIRE, blocked ? RL_RES_WOKE : RL_RES_OK,
                    sm, -1, ms, v, v - 1);
            return RL_OK;
        }
        if (!t)
            return RL_TIMEOUT;
        if (ms == 0 || (blocked && t->timed_out)) {
            sim_rec(run, t, RL_OP_ACQUIRE, RL_RES_TIMEOUT, sm, -1, ms, v, v);
            return RL_TIMEOUT;
        }
        if (ms > 0 && deadline < 0)
            deadline = s->now + ms;
        sim_rec(run, t, RL_OP_ACQUIRE, RL_RES_BLOCKED, sm, rl_obj_holder(sm),
                ms, v, v);
        blocked = true;
        sim_block(s, t, sm, deadline);
    }
}

/* Give a unit back and wake the longest waiter; a BoundedSemaphore
 * released above its initial value is a misuse. */
int sim_sem_release(struct rl_obj *sm)
{
    struct rl_run *run = sm->run;
    struct rl_thread *t = sim_enter(run);
    long v = val(sm);
    if (sm->kind == RL_OBJ_BOUNDED_SEMAPHORE && v >= sm->limit) {
        sim_misuse(run, t, RL_OP_RELEASE, sm, RL_ERR_TOO_MANY);
        return RL_ERR_TOO_MANY;
    }
    set_val(sm, v + 1);
    sim_hold_remove(sm, t ? t->id : -1);
    int woken = sim_wake_first(run, sm);
    if (t)
        sim_rec(run, t, RL_OP_RELEASE, RL_RES_OK, sm, woken, 0, v, v + 1);
    return RL_OK;
}

/* ---- Condition ----------------------------------------------------------- */

/* Which of c's waiters a notify wakes: a choice when there are several. */
int sim_choose_waiter(struct rl_run *run, struct rl_thread *t,
                         struct rl_obj *c)
{
    struct sim *s = sim_of(run);
    if (c->nwait == 1)
        return 0;
    int opts[RL_MAX_THREADS];
    for (int i = 0; i < c->nwait; i++)
        opts[i] = c->wait[i];
    struct rl_choice ch = {RL_CHOICE_NOTIFY, s->step, t->id, c->nwait, opts,
                           0, 0};
    int want;
    int idx = sched_pick(&s->sched, &ch, &want);
    if (idx < 0) {
        /* Finish this step with the longest waiter, then stop the run. */
        char why[128];
        if (want < 0)
            snprintf(why, sizeof(why), "the schedule ended");
        else
            snprintf(why, sizeof(why), "%s is not waiting on %s",
                     want < run->nthreads ? run->threads[want]->name : "?",
                     c->name);
        snprintf(run->end_msg, sizeof(run->end_msg),
                 "schedule diverges at step %llu (notify %s): %s",
                 (unsigned long long)run->rec_last + 1, c->name, why);
        s->diverged = true;
        idx = 0;
    }
    sim_note_choice(s, opts[idx]);
    if (idx != ch.def)
        s->preemptions++; /* not the longest waiter: rrpick.h */
    return idx;
}

/* Condition.wait: release c's lock, block until notified (or ms), then
 * re-acquire the lock at its old depth; the lock must be held. */
int sim_cond_wait(struct rl_obj *c, long ms)
{
    struct rl_run *run = c->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    struct rl_obj *l = c->lock;
    if (!t)
        return RL_TIMEOUT; /* nobody could notify setup or checks */
    if (!held_by(l, t)) {
        sim_misuse(run, t, RL_OP_WAIT, c, RL_ERR_WAIT_UNHELD);
        return RL_ERR_WAIT_UNHELD;
    }
    /* Release the lock fully (an RLock at any depth), remembering the depth
     * to restore: this is what lets the notifier in. */
    int saved = atomic_load(&l->depth);
    atomic_store(&l->depth, 0);
    atomic_store(&l->owner, -1);
    sim_wake_first(run, l);
    sim_rec(run, t, RL_OP_WAIT, RL_RES_BLOCKED, c, -1, ms, 0, 0);
    if (ms == 0) {
        t->timed_out = true;
    } else {
        sim_block(s, t, c, ms > 0 ? s->now + ms : -1);
    }
    int ret = t->timed_out ? RL_TIMEOUT : RL_OK;
    for (;;) {
        int o = owner(l);
        if (o < 0) {
            atomic_store(&l->owner, t->id);
            atomic_store(&l->depth, saved);
            sim_rec(run, t, RL_OP_WAIT,
                    ret == RL_OK ? RL_RES_WOKE : RL_RES_TIMEOUT, c, -1, ms, 0,
                    saved);
            return ret;
        }
        sim_rec(run, t, RL_OP_WAIT, RL_RES_BLOCKED, l, o, ms, 0, 0);
        sim_block(s, t, l, -1);
    }
}

/* Condition.notify (one waiter, chosen by the scheduler) or notify_all;
 * the lock must be held. */
int sim_cond_notify(struct rl_obj *c, bool all)
{
    struct rl_run *run = c->run;
    struct rl_thread *t = sim_enter(run);
    if (!t)
        return RL_OK;
    if (!held_by(c->lock, t)) {
        sim_misuse(run, t, all ? RL_OP_NOTIFY_ALL : RL_OP_NOTIFY, c,
               RL_ERR_NOTIFY_UNHELD);
        return RL_ERR_NOTIFY_UNHELD;
    }
    if (all) {
        int first = c->nwait ? c->wait[0] : -1;
        int n = sim_wake_all(run, c, false, 0);
        sim_rec(run, t, RL_OP_NOTIFY_ALL, RL_RES_OK, c, first, n, 0, 0);
        return RL_OK;
    }
    if (c->nwait == 0) {
        sim_rec(run, t, RL_OP_NOTIFY, RL_RES_OK, c, -1, 0, 0, 0);
        return RL_OK;
    }
    int idx = sim_choose_waiter(run, t, c);
    struct rl_thread *w = run->threads[c->wait[idx]];
    sim_wake(w);
    w->notified = true;
    sim_rec(run, t, RL_OP_NOTIFY, RL_RES_OK, c, w->id, 1, 0, 0);
    return RL_OK;
}

/* ---- Event and Barrier --------------------------------------------------- */

/* Event.set (waking every waiter) or Event.clear. */
void sim_event_set(struct rl_obj *e, bool set)
{
    struct rl_run *run = e->run;
    struct rl_thread *t = sim_enter(run);
    long before = val(e);
    set_val(e, set ? 1 : 0);
    int n = set ? sim_wake_all(run, e, false, 0) : 0;
    if (t)
        sim_rec(run, t, set ? RL_OP_SET : RL_OP_CLEAR, RL_RES_OK, e, -1, n,
                before, set ? 1 : 0);
}

/* Event.is_set. */
bool sim_event_is_set(struct rl_obj *e)
{
    struct rl_run *run = e->run;
    struct rl_thread *t = sim_enter(run);
    long v = val(e);
    if (t)
        sim_rec(run, t, RL_OP_IS_SET, RL_RES_OK, e, -1, 0, v, v);
    return v != 0;
}

/* Event.wait: return at once if set, else block until set (or ms). */
int sim_event_wait(struct rl_obj *e, long ms)
{
    struct rl_run *run = e->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    if (val(e)) {
        if (t)
            sim_rec(run, t, RL_OP_EVENT_WAIT, RL_RES_OK, e, -1, ms, 1, 1);
        return RL_OK;
    }
    if (!t)
        return RL_TIMEOUT;
    if (ms == 0) {
        sim_rec(run, t, RL_OP_EVENT_WAIT, RL_RES_TIMEOUT, e, -1, ms, 0, 0);
        return RL_TIMEOUT;
    }
    sim_rec(run, t, RL_OP_EVENT_WAIT, RL_RES_BLOCKED, e, -1, ms, 0, 0);
    sim_block(s, t, e, ms > 0 ? s->now + ms : -1);
    if (t->timed_out) {
        sim_rec(run, t, RL_OP_EVENT_WAIT, RL_RES_TIMEOUT, e, -1, ms, 0, 0);
        return RL_TIMEOUT;
    }
    sim_rec(run, t, RL_OP_EVENT_WAIT, RL_RES_WOKE, e, -1, ms, 0, 1);
    return RL_OK;
}

/* Barrier.wait: the arrival index, or -RL_ERR_BROKEN when the barrier is
 * or becomes broken. */
int sim_barrier_wait(struct rl_obj *b, long ms)
{
    struct rl_run *run = b->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    if (!t)
        return -RL_ERR_BROKEN;
    if (b->broken) {
        sim_rec(run, t, RL_OP_BARRIER, RL_RES_ERROR, b, -1, RL_ERR_BROKEN, 0,
                0);
        return -RL_ERR_BROKEN;
    }
    long idx = val(b);
    if (idx + 1 == b->limit) {
        /* The last arrival releases the round and starts the next. */
        b->generation++;
        set_val(b, 0);
        sim_wake_all(run, b, false, 0);
        sim_rec(run, t, RL_OP_BARRIER, RL_RES_OK, b, -1, ms, idx, idx);
        return (int)idx;
    }
    set_val(b, idx + 1);
    t->wait_result = (int)idx;
    sim_rec(run, t, RL_OP_BARRIER, RL_RES_BLOCKED, b, -1, ms, idx, idx);
    if (ms == 0)
        t->timed_out = true;
    else
        sim_block(s, t, b, ms > 0 ? s->now + ms : -1);
    if (t->timed_out) {
        /* Python: a timeout breaks the barrier for everybody. */
        b->broken = true;
        set_val(b, 0);
        sim_wake_all(run, b, true, -RL_ERR_BROKEN);
        sim_rec(run, t, RL_OP_BARRIER, RL_RES_TIMEOUT, b, -1, ms, idx, idx);
        return -RL_ERR_BROKEN;
    }
    if (t->wait_result < 0) {
        sim_rec(run, t, RL_OP_BARRIER, RL_RES_ERROR, b, -1, RL_ERR_BROKEN, 0,
                0);
        return t->wait_result;
    }
    sim_rec(run, t, RL_OP_BARRIER, RL_RES_WOKE, b, -1, ms, idx, t->wait_result);
    return t->wait_result;
}

/* ---- thread calls -------------------------------------------------------- */

/* Block until target has finished; joining oneself is a misuse. */
void sim_join(struct rl_thread *target)
{
    struct rl_run *run = target->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    if (!t)
        return;
    if (target == t) {
        /* Python: RuntimeError("cannot join current thread"). */
        sim_misuse(run, t, RL_OP_JOIN, NULL, RL_ERR_ARG);
        return;
    }
    if (atomic_load(&target->state) == RL_T_DONE) {
        sim_rec(run, t, RL_OP_JOIN, RL_RES_OK, NULL, target->id, 0, 0, 0);
        return;
    }
    atomic_store(&t->join_target, target->id);
    sim_rec(run, t, RL_OP_JOIN, RL_RES_BLOCKED, NULL, target->id, 0, 0, 0);
    sim_block(s, t, NULL, -1);
    atomic_store(&t->join_target, -1);
    sim_rec(run, t, RL_OP_JOIN, RL_RES_WOKE, NULL, target->id, 0, 0, 0);
}

/* A step that does nothing: a scheduling point. */
void sim_yield(void)
{
    struct rl_run *run = rl_current;
    struct rl_thread *t = sim_enter(run);
    if (t)
        sim_rec(run, t, RL_OP_YIELD, RL_RES_OK, NULL, -1, 0, 0, 0);
}

/* Sleep ms of virtual time: the thread is not runnable until the engine
 * loop advances the clock past its deadline. */
void sim_sleep(long ms)
{
    struct rl_run *run = rl_current;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    if (!t)
        return;
    sim_rec(run, t, RL_OP_SLEEP, RL_RES_OK, NULL, -1, ms, s->now, s->now);
    if (ms <= 0)
        return;
    atomic_store(&t->state, RL_T_SLEEPING);
    t->deadline = s->now + ms;
    fiber_switch(t->backend, s->main);
    sim_rec(run, t, RL_OP_SLEEP, RL_RES_WOKE, NULL, -1, ms, s->now, s->now);
}

/* Record that self failed check number check; the run ends after this
 * step, at the failure (a state past it would only hide where it was). */
void sim_fail(struct rl_thread *self, int check)
{
    struct rl_run *run = self->run;
    struct sim *s = sim_of(run);
    sim_rec(run, self, RL_OP_FAIL, RL_RES_OK, NULL, -1, check, 0, 0);
    if (!s->failed) {
        s->failed = true;
        snprintf(run->end_msg, sizeof(run->end_msg),
                 "stopped at step %llu, where %s failed the check '%s'",
                 (unsigned long long)run->rec_last, self->name,
                 check >= 0 && check < run->nchecks ? run->checks[check].name
                                                    : "?");
    }
}

/* self starts thread t: the scheduling point before it exists (t NULL),
 * then the record once it does; the scheduler learns of the new thread. */
void sim_spawn(struct rl_thread *self, struct rl_thread *t)
{
    struct rl_run *run = self->run;
    struct sim *s = sim_of(run);
    if (!t) {
        sim_enter(run);
        return;
    }
    if (s->sched_ready)
        sched_add_thread(&s->sched, t->id);
    sim_rec(run, self, RL_OP_SPAWN, RL_RES_OK, NULL, t->id, 0, 0, 0);
}
