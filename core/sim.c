/* SPDX-License-Identifier: MIT */
/*
 * sim.c - the deterministic backend: lab threads are fibers on one OS
 * thread, and every API call is a scheduling point.
 *
 * The model. A step is: the scheduler picks one runnable thread; that
 * thread performs the call it is stopped at (one record), then runs its own
 * code up to its next API call, where it stops again and hands control
 * back. So a step is exactly one synchronization action, and the order of
 * steps is the interleaving. Blocking is modelled, not real: a thread whose
 * call cannot proceed records "blocked", joins the object's FIFO wait queue
 * and is not runnable until a release / notify / set / barrier trip wakes it;
 * a woken thread retries when it is next picked (so another thread may barge
 * in first, as with real locks). With nothing runnable, virtual time jumps
 * to the earliest sleep or timeout; with nothing to wait for either, the
 * run has finished or is deadlocked - detected, never hung.
 *
 * Choice points are where the scheduler has more than one option (which
 * thread runs; which waiter a notify wakes). Only they are recorded, which
 * is what makes schedule strings short and replay exact.
 *
 * Everything here runs on the OS thread that owns the run; the `main`
 * fiber is that thread's own stack, where the engine loop runs between
 * steps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "fiber.h"
#include "sched.h"
#include "schedule.h"

struct sim {
    struct fiber *main;       /* the engine's context (caller's stack) */
    struct rl_thread *cur;    /* thread running the current step */
    bool in_thread;           /* a fiber is running (not setup / checks) */
    uint64_t step;            /* steps taken */
    long now;                 /* virtual time, ms */
    struct rl_sched cfg;      /* scheduler configuration (choices copied) */
    char *replay_copy;        /* owned copy of cfg.choices */
    struct sched sched;
    bool sched_ready;         /* sched initialised (needs the thread count) */
    int16_t *choices;         /* choices made, in order */
    size_t nchoices, cap;
    int preemptions;
    int last;                 /* thread that ran the previous step, or -1 */
    bool diverged;            /* a notify choice could not follow replay */
    bool stuck;               /* a thread was stopped by the watchdog */
};

static struct sim *sim_of(const struct rl_run *run)
{
    return run->sim;
}

/* ---- records and small helpers -------------------------------------------- */

static void rec(struct rl_run *run, const struct rl_thread *t, enum rl_op op,
                enum rl_result res, const struct rl_obj *o, int other, long arg,
                long before, long after)
{
    struct rl_record r = {0};
    r.thread = (int16_t)(t ? t->id : -1);
    r.op = (uint8_t)op;
    r.result = (uint8_t)res;
    r.obj = (int16_t)(o ? o->id : -1);
    r.other = (int16_t)other;
    r.arg = arg;
    r.before = before;
    r.after = after;
    rl_record_push(run, &r);
}

static long val(const struct rl_obj *o)
{
    return atomic_load_explicit(&o->value, memory_order_relaxed);
}

static void set_val(struct rl_obj *o, long v)
{
    atomic_store_explicit(&o->value, v, memory_order_relaxed);
}

static int owner(const struct rl_obj *o)
{
    return atomic_load_explicit(&o->owner, memory_order_relaxed);
}

static void note_choice(struct sim *s, int tid)
{
    if (s->nchoices == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->choices = realloc(s->choices, s->cap * sizeof(*s->choices));
        if (!s->choices)
            rl_panic(__FILE__, __LINE__, "out of memory");
    }
    s->choices[s->nchoices++] = (int16_t)tid;
}

/* The thread running a step, after its scheduling point; NULL when called
 * outside a lab thread (setup or checks), where calls act at once. */
static struct rl_thread *enter(struct rl_run *run)
{
    struct sim *s = sim_of(run);
    if (!s->in_thread)
        return NULL;
    struct rl_thread *t = s->cur;
    fiber_switch(t->backend, s->main);
    return t;
}

/* Block t on o (NULL for a join or a sleep) until woken; deadline in
 * virtual ms or -1. Returns when t is picked again. */
static void block(struct sim *s, struct rl_thread *t, struct rl_obj *o,
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
static void wake(struct rl_thread *t)
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
static int wake_first(struct rl_run *run, struct rl_obj *o)
{
    if (o->nwait == 0)
        return -1;
    struct rl_thread *w = run->threads[o->wait[0]];
    wake(w);
    w->notified = true;
    return w->id;
}

/* Wake every waiter of o, setting their wait_result to result (barrier)
 * unless result is INT_MIN. Returns the number woken. */
static int wake_all(struct rl_run *run, struct rl_obj *o, bool set_result,
                    int result)
{
    int n = o->nwait;
    int16_t ids[RL_MAX_THREADS];
    memcpy(ids, o->wait, (size_t)n * sizeof(ids[0]));
    for (int i = 0; i < n; i++) {
        struct rl_thread *w = run->threads[ids[i]];
        wake(w);
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

static void misuse(struct rl_run *run, struct rl_thread *t, enum rl_op op,
                   struct rl_obj *o, int status)
{
    if (t)
        rec(run, t, op, RL_RES_ERROR, o, -1, status, 0, 0);
    rl_note_misuse(run, t ? t->id : -1, o, status, run->rec_last);
}

/* ---- why a thread cannot run ------------------------------------------------ */

/* Write why thread tid cannot run now ("T1 is blocked on L (held by T0)"). */
static void why_not(const struct rl_run *run, int tid, char *buf, size_t len)
{
    if (tid < 0 || tid >= run->nthreads) {
        snprintf(buf, len, "there is no thread %d", tid);
        return;
    }
    const struct rl_thread *t = run->threads[tid];
    int st = atomic_load(&t->state);
    const struct rl_obj *o = atomic_load(&t->waiting_on);
    int jt = atomic_load(&t->join_target);
    if (st == RL_T_DONE) {
        snprintf(buf, len, "%s has finished", t->name);
    } else if (st == RL_T_SLEEPING) {
        snprintf(buf, len, "%s is sleeping until t=%ld ms", t->name,
                 t->deadline);
    } else if (st == RL_T_BLOCKED && o) {
        int h = rl_obj_holder(o);
        if ((o->kind == RL_OBJ_LOCK || o->kind == RL_OBJ_RLOCK) && h >= 0)
            snprintf(buf, len, "%s is blocked on %s (held by %s)", t->name,
                     o->name, run->threads[h]->name);
        else
            snprintf(buf, len, "%s is blocked on %s", t->name, o->name);
    } else if (st == RL_T_BLOCKED && jt >= 0) {
        snprintf(buf, len, "%s is blocked joining %s", t->name,
                 run->threads[jt]->name);
    } else {
        snprintf(buf, len, "%s cannot run", t->name);
    }
}

/* ---- the engine loop ------------------------------------------------------------ */

static bool can_run(const struct rl_thread *t)
{
    int st = atomic_load(&t->state);
    return st == RL_T_NEW || st == RL_T_RUNNABLE;
}

/* The runnable threads, ascending by id. */
static int runnable(const struct rl_run *run, int *opts)
{
    int n = 0;
    for (int i = 0; i < run->nthreads; i++)
        if (can_run(run->threads[i]))
            opts[n++] = i;
    return n;
}

/* Advance virtual time to the earliest deadline and wake whoever it ends.
 * Returns false if nobody waits for time. */
static bool advance_time(struct rl_run *run)
{
    struct sim *s = sim_of(run);
    long next = -1;
    for (int i = 0; i < run->nthreads; i++) {
        struct rl_thread *t = run->threads[i];
        int st = atomic_load(&t->state);
        if ((st == RL_T_SLEEPING || st == RL_T_BLOCKED) && t->deadline >= 0 &&
            (next < 0 || t->deadline < next))
            next = t->deadline;
    }
    if (next < 0)
        return false;
    if (next > s->now)
        s->now = next;
    for (int i = 0; i < run->nthreads; i++) {
        struct rl_thread *t = run->threads[i];
        int st = atomic_load(&t->state);
        if (t->deadline < 0 || t->deadline > s->now)
            continue;
        if (st == RL_T_SLEEPING) {
            atomic_store(&t->state, RL_T_RUNNABLE);
            t->deadline = -1;
        } else if (st == RL_T_BLOCKED) {
            wake(t);
            t->timed_out = true;
        }
    }
    return true;
}

static bool all_done(const struct rl_run *run)
{
    for (int i = 0; i < run->nthreads; i++)
        if (atomic_load(&run->threads[i]->state) != RL_T_DONE)
            return false;
    return true;
}

static bool anyone_timed(const struct rl_run *run)
{
    for (int i = 0; i < run->nthreads; i++) {
        const struct rl_thread *t = run->threads[i];
        int st = atomic_load(&t->state);
        if ((st == RL_T_SLEEPING || st == RL_T_BLOCKED) && t->deadline >= 0)
            return true;
    }
    return false;
}

/* Where a fiber starts: run the body, then finish within the same step. */
static void thread_entry(void *arg)
{
    struct rl_thread *t = arg;
    struct rl_run *run = t->run;
    struct sim *s = sim_of(run);
    t->fn(t->arg);
    rec(run, t, RL_OP_FINISH, RL_RES_OK, NULL, -1, 0, 0, 0);
    atomic_store(&t->state, RL_T_DONE);
    for (int i = 0; i < run->nthreads; i++) {
        struct rl_thread *u = run->threads[i];
        if (atomic_load(&u->state) == RL_T_BLOCKED &&
            atomic_load(&u->join_target) == t->id)
            wake(u);
    }
    fiber_switch(t->backend, s->main);
    rl_panic(__FILE__, __LINE__, "a finished fiber was resumed");
}

/* Run one step of thread t. */
static void run_thread(struct rl_run *run, struct rl_thread *t)
{
    struct sim *s = sim_of(run);
    s->step++;
    t->steps++;
    s->cur = t;
    if (atomic_load(&t->state) == RL_T_NEW) {
        atomic_store(&t->state, RL_T_RUNNABLE);
        rec(run, t, RL_OP_START, RL_RES_OK, NULL, -1, 0, 0, 0);
    }
    s->in_thread = true;
    fiber_switch(s->main, t->backend);
    s->in_thread = false;
    s->cur = NULL;
    sched_note_step(&s->sched, s->step, t->id);
    s->last = t->id;
}

static int ensure_sched(struct rl_run *run, char *err, size_t len)
{
    struct sim *s = sim_of(run);
    if (s->sched_ready)
        return 0;
    if (sched_init(&s->sched, &s->cfg, run->nthreads, err, len) != 0)
        return -1;
    s->sched_ready = true;
    return 0;
}

/* How the run stands after a step. */
static enum rl_end settle(struct rl_run *run)
{
    struct sim *s = sim_of(run);
    if (s->diverged)
        return RL_END_DIVERGED;
    if (s->stuck)
        return RL_END_TIMEOUT;
    int opts[RL_MAX_THREADS];
    if (all_done(run)) {
        uint64_t left = sched_replay_left(&s->sched);
        if (left && !s->cfg.replay_continue) {
            snprintf(run->end_msg, sizeof(run->end_msg),
                     "schedule diverges: the run finished at step %llu but "
                     "the schedule has %llu more choice%s",
                     (unsigned long long)run->rec_last, (unsigned long long)left,
                     left == 1 ? "" : "s");
            return RL_END_DIVERGED;
        }
        return RL_END_DONE;
    }
    if (runnable(run, opts) == 0 && !anyone_timed(run))
        return RL_END_DEADLOCK;
    return RL_END_RUNNING;
}

static enum rl_end sim_step(struct rl_run *run, int forced, char *err,
                            size_t errlen)
{
    struct sim *s = sim_of(run);
    if (s->stuck)
        return RL_END_TIMEOUT;
    if (ensure_sched(run, run->end_msg, sizeof(run->end_msg)) != 0)
        return RL_END_DIVERGED;
    /* Steps as the reader counts them: numbered records of the trace. */
    if (run->rec_last >= run->cfg.max_steps) {
        snprintf(run->end_msg, sizeof(run->end_msg),
                 "did not finish: stopped at the step limit (%llu steps); "
                 "an infinite loop, or a thread spinning? (--max-steps "
                 "raises the limit)",
                 (unsigned long long)run->cfg.max_steps);
        return RL_END_STEP_LIMIT;
    }
    int opts[RL_MAX_THREADS];
    int n = runnable(run, opts);
    if (n == 0) {
        if (!advance_time(run))
            return all_done(run) ? RL_END_DONE : RL_END_DEADLOCK;
        n = runnable(run, opts);
        if (n == 0)
            return settle(run);
    }
    int idx = -1;
    if (forced >= 0) {
        for (int i = 0; i < n; i++)
            if (opts[i] == forced)
                idx = i;
        if (idx < 0) {
            why_not(run, forced, err, errlen);
            return RL_END_RUNNING;
        }
    } else if (n == 1) {
        idx = 0;
    } else {
        struct rl_choice c = {RL_CHOICE_THREAD, s->step + 1, s->last, n,
                              opts};
        int want;
        idx = sched_pick(&s->sched, &c, &want);
        if (idx < 0) {
            char why[160];
            if (want < 0) {
                snprintf(run->end_msg, sizeof(run->end_msg),
                         "schedule diverges at step %llu: the schedule "
                         "ended but %d threads can still run",
                         (unsigned long long)run->rec_last + 1, n);
            } else {
                why_not(run, want, why, sizeof(why));
                snprintf(run->end_msg, sizeof(run->end_msg),
                         "schedule diverges at step %llu: %s",
                         (unsigned long long)run->rec_last + 1, why);
            }
            return RL_END_DIVERGED;
        }
    }
    if (n > 1) {
        note_choice(s, opts[idx]);
        bool last_can = false;
        for (int i = 0; i < n; i++)
            last_can = last_can || opts[i] == s->last;
        if (last_can && opts[idx] != s->last)
            s->preemptions++;
    }
    run_thread(run, run->threads[opts[idx]]);
    return settle(run);
}

static enum rl_end sim_finish(struct rl_run *run)
{
    enum rl_end e;
    do
        e = sim_step(run, -1, NULL, 0);
    while (e == RL_END_RUNNING);
    return e;
}

static int sim_start(struct rl_run *run, char *err, size_t errlen)
{
    (void)run;
    snprintf(err, errlen, "a live background run needs the os backend");
    return -1;
}

static enum rl_end sim_poll(struct rl_run *run)
{
    return run->end;
}

/* ---- life of the backend ---------------------------------------------------------- */

static int sim_run_init(struct rl_run *run, char *err, size_t errlen)
{
    struct sim *s = rl_xcalloc(1, sizeof(*s));
    s->main = fiber_self();
    s->last = -1;
    s->cfg = run->cfg.sched;
    if (s->cfg.kind == RL_SCHED_REPLAY && s->cfg.choices) {
        s->replay_copy = rl_xmalloc(strlen(s->cfg.choices) + 1);
        strcpy(s->replay_copy, s->cfg.choices);
        s->cfg.choices = s->replay_copy;
    }
    /* Validate the scheduler now, so a bad one is an error at creation. */
    struct sched probe;
    if (sched_init(&probe, &s->cfg, 1, err, errlen) != 0) {
        sched_fini(&probe);
        free(s->replay_copy);
        free(s);
        return -1;
    }
    sched_fini(&probe);
    run->sim = s;
    return 0;
}

static void sim_run_fini(struct rl_run *run)
{
    struct sim *s = sim_of(run);
    if (!s)
        return;
    sched_fini(&s->sched);
    free(s->choices);
    free(s->replay_copy);
    free(s);
    run->sim = NULL;
}

static int sim_obj_init(struct rl_obj *o)
{
    (void)o;
    return 0;
}

static void sim_obj_fini(struct rl_obj *o)
{
    (void)o;
}

static int sim_thread_init(struct rl_thread *t)
{
    t->backend = fiber_create(thread_entry, t);
    return 0;
}

static void sim_thread_fini(struct rl_thread *t)
{
    fiber_destroy(t->backend);
    t->backend = NULL;
}

static struct rl_thread *sim_self(void)
{
    struct rl_run *run = rl_current;
    struct sim *s = run ? sim_of(run) : NULL;
    return s && s->in_thread ? s->cur : NULL;
}

/* ---- operations ------------------------------------------------------------------ */

static long sim_var_op(struct rl_obj *v, enum rl_op op, long arg)
{
    struct rl_run *run = v->run;
    struct rl_thread *t = enter(run);
    long before = val(v), after = before, ret = before;
    if (op == RL_OP_STORE) {
        after = arg;
        ret = 0;
    } else if (op == RL_OP_FETCH_ADD) {
        after = before + arg;
    }
    set_val(v, after);
    if (t)
        rec(run, t, op, RL_RES_OK, v, -1, arg, before, after);
    return ret;
}

static int sim_lock_acquire(struct rl_obj *l, long ms)
{
    struct rl_run *run = l->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = enter(run);
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
                rec(run, t, RL_OP_ACQUIRE, blocked ? RL_RES_WOKE : RL_RES_OK,
                    l, -1, ms, d, d + 1);
            return RL_OK;
        }
        if (!t)
            return RL_TIMEOUT; /* setup / checks cannot block */
        if (ms == 0 || (blocked && t->timed_out)) {
            rec(run, t, RL_OP_ACQUIRE, RL_RES_TIMEOUT, l, o, ms, d, d);
            return RL_TIMEOUT;
        }
        if (ms > 0 && deadline < 0)
            deadline = s->now + ms;
        rec(run, t, RL_OP_ACQUIRE, RL_RES_BLOCKED, l, o, ms, d, d);
        blocked = true;
        block(s, t, l, deadline);
    }
}

static int sim_lock_release(struct rl_obj *l)
{
    struct rl_run *run = l->run;
    struct rl_thread *t = enter(run);
    int o = owner(l);
    if (l->kind == RL_OBJ_LOCK && o < 0) {
        misuse(run, t, RL_OP_RELEASE, l, RL_ERR_UNLOCKED);
        return RL_ERR_UNLOCKED;
    }
    if (l->kind == RL_OBJ_RLOCK && (!t || o != t->id)) {
        misuse(run, t, RL_OP_RELEASE, l, RL_ERR_NOT_OWNER);
        return RL_ERR_NOT_OWNER;
    }
    int d = atomic_load(&l->depth);
    int nd = l->kind == RL_OBJ_RLOCK ? d - 1 : 0;
    atomic_store(&l->depth, nd);
    int woken = -1;
    if (nd == 0) {
        atomic_store(&l->owner, -1);
        woken = wake_first(run, l);
    }
    if (t)
        rec(run, t, RL_OP_RELEASE, RL_RES_OK, l, woken, 0, d, nd);
    return RL_OK;
}

static void hold_add(struct rl_obj *s, int tid)
{
    if (s->nhold < RL_MAX_THREADS)
        s->hold[s->nhold++] = (int16_t)tid;
}

/* Remove tid from the holders, or the oldest holder if tid holds none (a
 * semaphore may be released by a thread that did not acquire it). */
static void hold_remove(struct rl_obj *s, int tid)
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

static int sim_sem_acquire(struct rl_obj *sm, long ms)
{
    struct rl_run *run = sm->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = enter(run);
    long deadline = -1;
    bool blocked = false;
    for (;;) {
        long v = val(sm);
        if (v > 0) {
            set_val(sm, v - 1);
            if (!t)
                return RL_OK;
            hold_add(sm, t->id);
            rec(run, t, RL_OP_ACQUIRE, blocked ? RL_RES_WOKE : RL_RES_OK, sm,
                -1, ms, v, v - 1);
            return RL_OK;
        }
        if (!t)
            return RL_TIMEOUT;
        if (ms == 0 || (blocked && t->timed_out)) {
            rec(run, t, RL_OP_ACQUIRE, RL_RES_TIMEOUT, sm, -1, ms, v, v);
            return RL_TIMEOUT;
        }
        if (ms > 0 && deadline < 0)
            deadline = s->now + ms;
        rec(run, t, RL_OP_ACQUIRE, RL_RES_BLOCKED, sm, rl_obj_holder(sm), ms,
            v, v);
        blocked = true;
        block(s, t, sm, deadline);
    }
}

static int sim_sem_release(struct rl_obj *sm)
{
    struct rl_run *run = sm->run;
    struct rl_thread *t = enter(run);
    long v = val(sm);
    if (sm->kind == RL_OBJ_BOUNDED_SEMAPHORE && v >= sm->limit) {
        misuse(run, t, RL_OP_RELEASE, sm, RL_ERR_TOO_MANY);
        return RL_ERR_TOO_MANY;
    }
    set_val(sm, v + 1);
    hold_remove(sm, t ? t->id : -1);
    int woken = wake_first(run, sm);
    if (t)
        rec(run, t, RL_OP_RELEASE, RL_RES_OK, sm, woken, 0, v, v + 1);
    return RL_OK;
}

/* Which of c's waiters a notify wakes: a choice when there are several. */
static int choose_waiter(struct rl_run *run, struct rl_thread *t,
                         struct rl_obj *c)
{
    struct sim *s = sim_of(run);
    if (c->nwait == 1)
        return 0;
    int opts[RL_MAX_THREADS];
    for (int i = 0; i < c->nwait; i++)
        opts[i] = c->wait[i];
    struct rl_choice ch = {RL_CHOICE_NOTIFY, s->step, t->id, c->nwait, opts};
    int want;
    int idx = sched_pick(&s->sched, &ch, &want);
    if (idx < 0) {
        /* Finish this step with the longest waiter, then stop the run. */
        char why[96];
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
    note_choice(s, opts[idx]);
    return idx;
}

static int sim_cond_wait(struct rl_obj *c, long ms)
{
    struct rl_run *run = c->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = enter(run);
    struct rl_obj *l = c->lock;
    if (!t)
        return RL_TIMEOUT; /* nobody could notify setup or checks */
    if (!held_by(l, t)) {
        misuse(run, t, RL_OP_WAIT, c, RL_ERR_WAIT_UNHELD);
        return RL_ERR_WAIT_UNHELD;
    }
    /* Release the lock fully (an RLock at any depth), remembering the depth
     * to restore: this is what lets the notifier in. */
    int saved = atomic_load(&l->depth);
    atomic_store(&l->depth, 0);
    atomic_store(&l->owner, -1);
    wake_first(run, l);
    rec(run, t, RL_OP_WAIT, RL_RES_BLOCKED, c, -1, ms, 0, 0);
    if (ms == 0) {
        t->timed_out = true;
    } else {
        block(s, t, c, ms > 0 ? s->now + ms : -1);
    }
    int ret = t->timed_out ? RL_TIMEOUT : RL_OK;
    for (;;) {
        int o = owner(l);
        if (o < 0) {
            atomic_store(&l->owner, t->id);
            atomic_store(&l->depth, saved);
            rec(run, t, RL_OP_WAIT,
                ret == RL_OK ? RL_RES_WOKE : RL_RES_TIMEOUT, c, -1, ms, 0,
                saved);
            return ret;
        }
        rec(run, t, RL_OP_WAIT, RL_RES_BLOCKED, l, o, ms, 0, 0);
        block(s, t, l, -1);
    }
}

static int sim_cond_notify(struct rl_obj *c, bool all)
{
    struct rl_run *run = c->run;
    struct rl_thread *t = enter(run);
    if (!t)
        return RL_OK;
    if (!held_by(c->lock, t)) {
        misuse(run, t, all ? RL_OP_NOTIFY_ALL : RL_OP_NOTIFY, c,
               RL_ERR_NOTIFY_UNHELD);
        return RL_ERR_NOTIFY_UNHELD;
    }
    if (all) {
        int first = c->nwait ? c->wait[0] : -1;
        int n = wake_all(run, c, false, 0);
        rec(run, t, RL_OP_NOTIFY_ALL, RL_RES_OK, c, first, n, 0, 0);
        return RL_OK;
    }
    if (c->nwait == 0) {
        rec(run, t, RL_OP_NOTIFY, RL_RES_OK, c, -1, 0, 0, 0);
        return RL_OK;
    }
    int idx = choose_waiter(run, t, c);
    struct rl_thread *w = run->threads[c->wait[idx]];
    wake(w);
    w->notified = true;
    rec(run, t, RL_OP_NOTIFY, RL_RES_OK, c, w->id, 1, 0, 0);
    return RL_OK;
}

static void sim_event_set(struct rl_obj *e, bool set)
{
    struct rl_run *run = e->run;
    struct rl_thread *t = enter(run);
    long before = val(e);
    set_val(e, set ? 1 : 0);
    int n = set ? wake_all(run, e, false, 0) : 0;
    if (t)
        rec(run, t, set ? RL_OP_SET : RL_OP_CLEAR, RL_RES_OK, e, -1, n, before,
            set ? 1 : 0);
}

static bool sim_event_is_set(struct rl_obj *e)
{
    struct rl_run *run = e->run;
    struct rl_thread *t = enter(run);
    long v = val(e);
    if (t)
        rec(run, t, RL_OP_IS_SET, RL_RES_OK, e, -1, 0, v, v);
    return v != 0;
}

static int sim_event_wait(struct rl_obj *e, long ms)
{
    struct rl_run *run = e->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = enter(run);
    if (val(e)) {
        if (t)
            rec(run, t, RL_OP_EVENT_WAIT, RL_RES_OK, e, -1, ms, 1, 1);
        return RL_OK;
    }
    if (!t)
        return RL_TIMEOUT;
    if (ms == 0) {
        rec(run, t, RL_OP_EVENT_WAIT, RL_RES_TIMEOUT, e, -1, ms, 0, 0);
        return RL_TIMEOUT;
    }
    rec(run, t, RL_OP_EVENT_WAIT, RL_RES_BLOCKED, e, -1, ms, 0, 0);
    block(s, t, e, ms > 0 ? s->now + ms : -1);
    if (t->timed_out) {
        rec(run, t, RL_OP_EVENT_WAIT, RL_RES_TIMEOUT, e, -1, ms, 0, 0);
        return RL_TIMEOUT;
    }
    rec(run, t, RL_OP_EVENT_WAIT, RL_RES_WOKE, e, -1, ms, 0, 1);
    return RL_OK;
}

static int sim_barrier_wait(struct rl_obj *b, long ms)
{
    struct rl_run *run = b->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = enter(run);
    if (!t)
        return -RL_ERR_BROKEN;
    if (b->broken) {
        rec(run, t, RL_OP_BARRIER, RL_RES_ERROR, b, -1, RL_ERR_BROKEN, 0, 0);
        return -RL_ERR_BROKEN;
    }
    long idx = val(b);
    if (idx + 1 == b->limit) {
        /* The last arrival releases the round and starts the next. */
        b->generation++;
        set_val(b, 0);
        wake_all(run, b, false, 0);
        rec(run, t, RL_OP_BARRIER, RL_RES_OK, b, -1, ms, idx, idx);
        return (int)idx;
    }
    set_val(b, idx + 1);
    t->wait_result = (int)idx;
    rec(run, t, RL_OP_BARRIER, RL_RES_BLOCKED, b, -1, ms, idx, idx);
    if (ms == 0)
        t->timed_out = true;
    else
        block(s, t, b, ms > 0 ? s->now + ms : -1);
    if (t->timed_out) {
        /* Python: a timeout breaks the barrier for everybody. */
        b->broken = true;
        set_val(b, 0);
        wake_all(run, b, true, -RL_ERR_BROKEN);
        rec(run, t, RL_OP_BARRIER, RL_RES_TIMEOUT, b, -1, ms, idx, idx);
        return -RL_ERR_BROKEN;
    }
    if (t->wait_result < 0) {
        rec(run, t, RL_OP_BARRIER, RL_RES_ERROR, b, -1, RL_ERR_BROKEN, 0, 0);
        return t->wait_result;
    }
    rec(run, t, RL_OP_BARRIER, RL_RES_WOKE, b, -1, ms, idx, t->wait_result);
    return t->wait_result;
}

static void sim_join(struct rl_thread *target)
{
    struct rl_run *run = target->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = enter(run);
    if (!t)
        return;
    if (target == t) {
        /* Python: RuntimeError("cannot join current thread"). */
        misuse(run, t, RL_OP_JOIN, NULL, RL_ERR_ARG);
        return;
    }
    if (atomic_load(&target->state) == RL_T_DONE) {
        rec(run, t, RL_OP_JOIN, RL_RES_OK, NULL, target->id, 0, 0, 0);
        return;
    }
    atomic_store(&t->join_target, target->id);
    rec(run, t, RL_OP_JOIN, RL_RES_BLOCKED, NULL, target->id, 0, 0, 0);
    block(s, t, NULL, -1);
    atomic_store(&t->join_target, -1);
    rec(run, t, RL_OP_JOIN, RL_RES_WOKE, NULL, target->id, 0, 0, 0);
}

static void sim_yield(void)
{
    struct rl_run *run = rl_current;
    struct rl_thread *t = enter(run);
    if (t)
        rec(run, t, RL_OP_YIELD, RL_RES_OK, NULL, -1, 0, 0, 0);
}

static void sim_sleep(long ms)
{
    struct rl_run *run = rl_current;
    struct sim *s = sim_of(run);
    struct rl_thread *t = enter(run);
    if (!t)
        return;
    rec(run, t, RL_OP_SLEEP, RL_RES_OK, NULL, -1, ms, s->now, s->now);
    if (ms <= 0)
        return;
    atomic_store(&t->state, RL_T_SLEEPING);
    t->deadline = s->now + ms;
    fiber_switch(t->backend, s->main);
    rec(run, t, RL_OP_SLEEP, RL_RES_WOKE, NULL, -1, ms, s->now, s->now);
}

static void sim_fail(struct rl_thread *self, int check)
{
    rec(self->run, self, RL_OP_FAIL, RL_RES_OK, NULL, -1, check, 0, 0);
}

const struct rl_backend_ops rl_sim_ops = {
    .run_init = sim_run_init,
    .run_fini = sim_run_fini,
    .obj_init = sim_obj_init,
    .obj_fini = sim_obj_fini,
    .thread_init = sim_thread_init,
    .thread_fini = sim_thread_fini,
    .step = sim_step,
    .finish = sim_finish,
    .start = sim_start,
    .poll = sim_poll,
    .self = sim_self,
    .var_op = sim_var_op,
    .lock_acquire = sim_lock_acquire,
    .lock_release = sim_lock_release,
    .sem_acquire = sim_sem_acquire,
    .sem_release = sim_sem_release,
    .cond_wait = sim_cond_wait,
    .cond_notify = sim_cond_notify,
    .event_set = sim_event_set,
    .event_is_set = sim_event_is_set,
    .event_wait = sim_event_wait,
    .barrier_wait = sim_barrier_wait,
    .join = sim_join,
    .yield = sim_yield,
    .sleep = sim_sleep,
    .fail = sim_fail,
};

/* ---- the watchdog for threads that never reach the API ------------------------------ */

/* Progress seen by the previous tick, per OS thread. */
static _Thread_local const struct rl_run *watch_run;
static _Thread_local uint64_t watch_step;
static _Thread_local int watch_ms;

void rl_sim_watchdog_tick(int tick_ms, int limit_ms)
{
    struct rl_run *run = rl_current;
    struct sim *s = run && run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    if (!s || !s->in_thread || !s->cur || s->stuck) {
        watch_run = NULL;
        return;
    }
    if (watch_run != run || watch_step != s->step) {
        watch_run = run;
        watch_step = s->step;
        watch_ms = 0;
        return;
    }
    watch_ms += tick_ms;
    if (watch_ms < limit_ms || run->in_callback)
        return;
    /* The thread has not reached a racelab call for limit_ms: leave it
     * where it is, for good, and return to the engine loop as if the step
     * had ended. Its stack is reclaimed when the run is destroyed. */
    struct rl_thread *t = s->cur;
    s->stuck = true;
    watch_run = NULL;
    snprintf(run->end_msg, sizeof(run->end_msg),
             "did not finish: %s ran for %d s without a racelab call (an "
             "endless loop over plain C variables? sim switches threads "
             "only at racelab calls, so use rl_load / rl_store, a Lock or "
             "an Event); stopped",
             t->name, limit_ms / 1000);
    fiber_switch(t->backend, s->main);
    rl_panic(__FILE__, __LINE__, "a thread stopped by the watchdog resumed");
}

/* ---- sim-specific inspection (declared in run.h) ------------------------------------ */

uint64_t rl_run_steps(const struct rl_run *run)
{
    const struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    return s ? s->step : run->rec_last;
}

long rl_run_now(const struct rl_run *run)
{
    const struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    return s ? s->now : 0;
}

bool rl_run_thread_runnable(const struct rl_run *run, int tid)
{
    if (tid < 0 || tid >= run->nthreads || run->end != RL_END_RUNNING)
        return false;
    return can_run(run->threads[tid]);
}

size_t rl_run_choices(const struct rl_run *run, char *buf, size_t len)
{
    const struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    if (!s) {
        int n = snprintf(buf, len, "-");
        return n < 0 ? 0 : (size_t)n;
    }
    return rl_schedule_encode(s->choices, s->nchoices, buf, len);
}

uint64_t rl_run_choice_count(const struct rl_run *run)
{
    const struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    return s ? s->nchoices : 0;
}

int rl_run_preemptions(const struct rl_run *run)
{
    const struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    return s ? s->preemptions : 0;
}

int rl_run_set_sched(struct rl_run *run, const struct rl_sched *sched,
                     char *err, size_t errlen)
{
    struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    if (!s) {
        snprintf(err, errlen, "only sim runs have a scheduler");
        return -1;
    }
    struct rl_sched cfg = *sched;
    char *copy = NULL;
    if (cfg.kind == RL_SCHED_REPLAY && cfg.choices) {
        copy = rl_xmalloc(strlen(cfg.choices) + 1);
        strcpy(copy, cfg.choices);
        cfg.choices = copy;
    }
    struct sched next;
    if (sched_init(&next, &cfg, run->nthreads, err, errlen) != 0) {
        sched_fini(&next);
        free(copy);
        return -1;
    }
    next.last = s->last;
    sched_fini(&s->sched);
    free(s->replay_copy);
    s->replay_copy = copy;
    s->cfg = cfg;
    s->sched = next;
    s->sched_ready = true;
    return 0;
}
