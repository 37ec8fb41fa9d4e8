/* SPDX-License-Identifier: MIT */
/*
 * sim.c - the deterministic backend: lab threads are fibers on one OS
 * thread, and every API call is a scheduling point.
 *
 * The model. A step is: the scheduler picks one runnable thread; that
 * thread performs the call it is stopped at (one record), then runs its own
 * code up to its next API call, where it stops again and hands control
 * back. So a step is exactly one synchronization action, and the order of
 * steps is the interleaving. A thread whose call cannot proceed blocks
 * (modelled, not real: see sim_prims.c) and is not runnable until woken.
 * With nothing runnable, virtual time jumps to the earliest sleep or
 * timeout; with nothing to wait for either, the run has finished or is
 * deadlocked - detected, never hung.
 *
 * A timeout need not wait for that: a thread blocked in a timed wait is an
 * option at every step, and picking it fires its timeout then (virtual
 * time moves to its deadline, the wait returns RL_TIMEOUT with its record,
 * as when time runs out by itself). Real time gives no promise that the
 * notifier runs before a timeout, so neither does the sim. Round robin and
 * manual never pick one unasked; exploration, replay, and random or PCT
 * with `timeouts` do.
 *
 * Choice points are where there is more than one option (which thread
 * runs or times out; which waiter a notify wakes). Only they are recorded,
 * which is what makes schedule strings short and replay exact.
 *
 * Everything here runs on the OS thread that owns the run; the `main`
 * fiber is that thread's own stack, where the engine loop runs between
 * steps. This file holds that loop, the backend's life, rl_sim_ops, the
 * watchdog's safe points (watchdog.c measures) and the sim-specific
 * inspection; the primitives are in
 * sim_prims.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fiber.h"
#include "schedule.h"
#include "posix.h"
#include "sim_impl.h"
#include "watchdog.h"

/* ---- choices ------------------------------------------------------------- */

/* Append tid to the choices made (see sim_impl.h). */
void sim_note_choice(struct sim *s, int tid)
{
    choice_log_push(&s->log, tid);
}

/* ---- why a thread cannot run --------------------------------------------- */

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

/* ---- the engine loop ----------------------------------------------------- */

/* Whether t may be picked: new, or runnable again. */
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

/* Whether t is blocked in a timed wait whose timeout a pick may fire: it
 * has a deadline, and the object is not patient (rl_barrier_patient). */
static bool timed_waiting(const struct rl_thread *t)
{
    if (atomic_load(&t->state) != RL_T_BLOCKED || t->deadline < 0)
        return false;
    const struct rl_obj *o = atomic_load(&t->waiting_on);
    return !o || !o->patient;
}

/* The threads blocked in a timed wait (see timed_waiting), ascending. */
static int timed(const struct rl_run *run, int *opts)
{
    int n = 0;
    for (int i = 0; i < run->nthreads; i++)
        if (timed_waiting(run->threads[i]))
            opts[n++] = i;
    return n;
}

/* Wake every thread whose deadline virtual time has reached: a sleeper
 * becomes runnable, a timed wait times out. */
static void expire(struct rl_run *run)
{
    struct sim *s = sim_of(run);
    for (int i = 0; i < run->nthreads; i++) {
        struct rl_thread *t = run->threads[i];
        int st = atomic_load(&t->state);
        if (t->deadline < 0 || t->deadline > s->now)
            continue;
        if (st == RL_T_SLEEPING) {
            atomic_store(&t->state, RL_T_RUNNABLE);
            t->deadline = -1;
        } else if (st == RL_T_BLOCKED) {
            sim_wake(t);
            t->timed_out = true;
        }
    }
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
    expire(run);
    return true;
}

/* A pick of t, blocked in a timed wait: its timeout fires now, exactly as
 * when time runs out by itself. Virtual time moves to its deadline (if
 * that is later than now), so whatever else that time ends ends too. */
static void fire_timeout(struct rl_run *run, struct rl_thread *t)
{
    struct sim *s = sim_of(run);
    if (t->deadline > s->now)
        s->now = t->deadline;
    expire(run);
}

/* Whether every thread has finished. */
static bool all_done(const struct rl_run *run)
{
    for (int i = 0; i < run->nthreads; i++)
        if (atomic_load(&run->threads[i]->state) != RL_T_DONE)
            return false;
    return true;
}

/* Whether some thread sleeps or waits with a timeout (time can advance). */
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
    t->fn(t->arg);
    sim_thread_end(t);
}

/* The end of thread t's body (see sim_impl.h). */
_Noreturn void sim_thread_end(struct rl_thread *t)
{
    struct rl_run *run = t->run;
    struct sim *s = sim_of(run);
    if (t->pend)
        rl_px_flush(t);
    t->pc = 0;
    sim_rec(run, t, RL_OP_FINISH, RL_RES_OK, NULL, -1, 0, 0, 0);
    atomic_store(&t->state, RL_T_DONE);
    for (int i = 0; i < run->nthreads; i++) {
        struct rl_thread *u = run->threads[i];
        if (atomic_load(&u->state) == RL_T_BLOCKED &&
            atomic_load(&u->join_target) == t->id)
            sim_wake(u);
    }
    fiber_switch(t->backend, s->main);
    rl_panic(__FILE__, __LINE__, "a finished fiber was resumed");
}

static void sim_stop_thread(struct rl_run *run, struct rl_thread *t);

/* Run one step of thread t. */
static void run_thread(struct rl_run *run, struct rl_thread *t)
{
    struct sim *s = sim_of(run);
    s->step++;
    t->steps++;
    s->cur = t;
    if (atomic_load(&t->state) == RL_T_NEW) {
        atomic_store(&t->state, RL_T_RUNNABLE);
        sim_rec(run, t, RL_OP_START, RL_RES_OK, NULL, -1, 0, 0, 0);
    }
    if (rl_px_switch_hook)
        rl_px_switch_hook(t, true);
    s->in_thread = true;
    rl_watchdog_step_begin(t->name);
    fiber_switch(s->main, t->backend);
    bool over = rl_watchdog_step_end();
    s->in_thread = false;
    if (rl_px_switch_hook)
        rl_px_switch_hook(t, false);
    s->cur = NULL;
    /* Over its CPU budget, the thread is now at a safe point (its next
     * racelab call): stop it there, unless it has finished. */
    if (over && !s->stuck && atomic_load(&t->state) != RL_T_DONE)
        sim_stop_thread(run, t);
    sched_note_step(&s->sched, s->step, t->id);
    s->last = t->id;
}

/* Initialise the scheduler on the first step, when the thread count is
 * known; -1 with a message in err if it cannot follow its config. */
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
    if (s->forced != RL_END_RUNNING)
        return s->forced;
    if (s->diverged)
        return RL_END_DIVERGED;
    if (s->stuck)
        return RL_END_TIMEOUT;
    if (s->failed)
        return RL_END_FAILED;
    int opts[RL_MAX_THREADS];
    if (all_done(run)) {
        uint64_t left = sched_replay_left(&s->sched);
        if (left && !s->cfg.replay_continue) {
            snprintf(run->end_msg, sizeof(run->end_msg),
                     "schedule diverges: the run finished at step %llu but "
                     "the schedule has %llu more choice%s",
                     (unsigned long long)run->rec_last,
                     (unsigned long long)left, left == 1 ? "" : "s");
            return RL_END_DIVERGED;
        }
        return RL_END_DONE;
    }
    if (runnable(run, opts) == 0 && !anyone_timed(run))
        return RL_END_DEADLOCK;
    return RL_END_RUNNING;
}

/* Take one step: of thread forced if >= 0 (a message in err, and
 * RL_END_RUNNING, if it cannot run now), else of the scheduler's pick.
 * Returns how the run stands after it. */
static enum rl_end sim_step(struct rl_run *run, int forced, char *err,
                            size_t errlen)
{
    struct sim *s = sim_of(run);
    if (s->forced != RL_END_RUNNING)
        return s->forced;
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
    /* The options: the runnable threads, then those blocked in a timed
     * wait (picking one fires its timeout). Every point with two options
     * or more is a choice, whichever scheduler decides it, so that a
     * schedule string means the same to every scheduler. */
    int nt = timed(run, opts + n);
    int total = n + nt;
    bool timeouts = sched_timeouts(&s->sched);
    int idx = -1;
    struct rl_choice c = {RL_CHOICE_THREAD, s->step + 1, s->last, n, opts,
                          timeouts ? nt : 0, 0};
    c.def = rrpick_default(&s->rr, &c);
    if (forced >= 0) {
        for (int i = 0; i < total; i++)
            if (opts[i] == forced)
                idx = i;
        if (idx < 0) {
            why_not(run, forced, err, errlen);
            return RL_END_RUNNING;
        }
    } else if (total == 1 || (n == 1 && !timeouts)) {
        idx = 0;
    } else {
        int want;
        idx = sched_pick(&s->sched, &c, &want);
        if (idx < 0) {
            char why[160];
            if (want < 0 && n == 1) {
                snprintf(run->end_msg, sizeof(run->end_msg),
                         "schedule diverges at step %llu: the schedule "
                         "ended but %s can still run and %d timed wait%s "
                         "can time out",
                         (unsigned long long)run->rec_last + 1,
                         run->threads[opts[0]]->name, nt, nt == 1 ? "" : "s");
            } else if (want < 0) {
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
    if (total > 1) {
        /* Any pick but round robin's is a preemption (rrpick.h): the
         * count a run reports is the cost the bounded search charges. */
        sim_note_choice(s, opts[idx]);
        if (idx != c.def)
            s->preemptions++;
    }
    struct rl_thread *t = run->threads[opts[idx]];
    if (idx >= n)
        fire_timeout(run, t);
    run_thread(run, t);
    return settle(run);
}

/* Step until the run ends. */
static enum rl_end sim_finish(struct rl_run *run)
{
    enum rl_end e;
    do
        e = sim_step(run, -1, NULL, 0);
    while (e == RL_END_RUNNING);
    return e;
}

/* A background run: not for sim, which steps on the caller's thread. */
static int sim_start(struct rl_run *run, char *err, size_t errlen)
{
    (void)run;
    snprintf(err, errlen, "a live background run needs the os backend");
    return -1;
}

/* How the run stands: sim ends only inside a step. */
static enum rl_end sim_poll(struct rl_run *run)
{
    return run->end;
}

/* ---- life of the backend ------------------------------------------------- */

/* Create the run's sim state (run->sim); -1 with a message in err if the
 * scheduler configuration is bad. */
static int sim_run_init(struct rl_run *run, char *err, size_t errlen)
{
    struct sim *s = rl_xcalloc(1, sizeof(*s));
    s->main = fiber_self();
    s->last = -1;
    s->cfg = run->cfg.sched;
    if (s->cfg.kind == RL_SCHED_REPLAY && s->cfg.choices) {
        s->replay_len = strlen(s->cfg.choices);
        s->replay_copy = rl_xmalloc(s->replay_len + 1);
        memcpy(s->replay_copy, s->cfg.choices, s->replay_len + 1);
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

/* Free the run's sim state; safe when run_init failed. */
static void sim_run_fini(struct rl_run *run)
{
    struct sim *s = sim_of(run);
    if (!s)
        return;
    sched_fini(&s->sched);
    choice_log_free(&s->log);
    free(s->replay_copy);
    free(s);
    run->sim = NULL;
}

/* sim objects need nothing beyond the generic fields. */
static int sim_obj_init(struct rl_obj *o)
{
    (void)o;
    return 0;
}

/* Nothing to free (see sim_obj_init). */
static void sim_obj_fini(struct rl_obj *o)
{
    (void)o;
}

/* Give thread t its fiber, which starts in thread_entry. */
static int sim_thread_init(struct rl_thread *t)
{
    t->backend = fiber_create(thread_entry, t);
    return 0;
}

/* Free t's fiber and give its stack back to the pool. */
static void sim_thread_fini(struct rl_thread *t)
{
    fiber_destroy(t->backend);
    t->backend = NULL;
}

/* The lab thread running now, or NULL outside a step. */
static struct rl_thread *sim_self(void)
{
    struct rl_run *run = rl_current;
    struct sim *s = run ? sim_of(run) : NULL;
    return s && s->in_thread ? s->cur : NULL;
}

/* ---- rl_sim_ops ---------------------------------------------------------- */

/* The sim backend, as run.c and api.c see it. */
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
    .spawn = sim_spawn,
};

/* ---- the watchdog for threads that never reach the API ------------------- */

/* Stop t for good where it stands - at a safe point, in ordinary code -
 * and end the run as RL_END_TIMEOUT with the watchdog's message. */
static void sim_stop_thread(struct rl_run *run, struct rl_thread *t)
{
    struct sim *s = sim_of(run);
    s->stuck = true;
    if (run->plain) /* the program's own words: no racelab calls there */
        snprintf(run->end_msg, sizeof(run->end_msg),
                 "did not finish: %s ran for %ld s of CPU time without a "
                 "shared access or a pthread call (an endless loop over its "
                 "own variables?); stopped",
                 t->name, (rl_watchdog_limit_ms() + 999) / 1000);
    else
        rl_watchdog_describe(t->name, run->end_msg, sizeof(run->end_msg));
}

/* A safe point inside a step (see engine.h): a thread over its CPU budget
 * is left where it is, for good, and the engine loop resumes as if the
 * step had ended. Its stack is reclaimed when the run is destroyed. */
void rl_sim_safe_point(struct rl_run *run)
{
    struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    if (!s || !s->in_thread || !s->cur || s->stuck || !rl_watchdog_overrun())
        return;
    struct rl_thread *t = s->cur;
    sim_stop_thread(run, t);
    fiber_switch(t->backend, s->main);
    rl_panic(__FILE__, __LINE__, "a thread stopped by the watchdog resumed");
}

/* ---- sim-specific inspection (declared in run.h) ------------------------- */

/* Steps taken (os: records made). */
uint64_t rl_run_steps(const struct rl_run *run)
{
    if (run->mirror)
        return rl_mirror_steps(run);
    const struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    return s ? s->step : run->rec_last;
}

/* Virtual time in ms (os: 0). */
long rl_run_now(const struct rl_run *run)
{
    if (run->mirror)
        return rl_mirror_now(run);
    const struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    return s ? s->now : 0;
}

/* Whether thread tid could take the next step. */
bool rl_run_thread_runnable(const struct rl_run *run, int tid)
{
    if (run->mirror)
        return rl_mirror_runnable(run, tid);
    if (tid < 0 || tid >= run->nthreads || run->end != RL_END_RUNNING)
        return false;
    return can_run(run->threads[tid]);
}

/* The log of run's choices: its own, or its mirror's (the child's); NULL
 * when it is no sim run. */
static const struct choice_log *run_log(const struct rl_run *run)
{
    if (run->cfg.backend != RL_BACKEND_SIM)
        return NULL;
    if (run->mirror)
        return rl_mirror_choice_log(run);
    return run->sim ? &sim_of(run)->log : NULL;
}

/* The choices made so far as a schedule string (os: "-"). */
size_t rl_run_choices(const struct rl_run *run, char *buf, size_t len)
{
    const struct choice_log *log = run_log(run);
    if (!log) {
        int n = snprintf(buf, len, "-");
        return n < 0 ? 0 : (size_t)n;
    }
    return choice_log_encode(log, buf, len);
}

/* The same text in pieces to emit (see run.h). */
int rl_run_choices_write(const struct rl_run *run,
                         int (*emit)(void *ctx, const char *text, size_t len),
                         void *ctx)
{
    const struct choice_log *log = run_log(run);
    if (log)
        return choice_log_write(log, emit, ctx);
    return emit(ctx, "-", 1);
}

/* How many choices were made. */
uint64_t rl_run_choice_count(const struct rl_run *run)
{
    const struct choice_log *log = run_log(run);
    return log ? choice_log_count(log) : 0;
}

/* The bytes that hold the run's choices (see run.h). */
void sim_storage(const struct rl_run *run, struct rl_run_storage *out)
{
    const struct choice_log *log = run_log(run);
    out->choice_bytes = log ? choice_log_bytes(log) : 0;
    out->choice_groups = log ? choice_log_groups(log) : 0;
    const struct sim *s = log && !run->mirror ? sim_of(run) : NULL;
    out->replay_bytes = s && s->replay_copy ? s->replay_len + 1 : 0;
}

/* How many picks were not round robin's (rrpick.h). */
int rl_run_preemptions(const struct rl_run *run)
{
    if (run->mirror)
        return rl_mirror_preemptions(run);
    const struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    return s ? s->preemptions : 0;
}

/* Timed waits on b time out only when nothing else can run (run.h). */
void rl_barrier_patient(struct rl_barrier *b)
{
    if (b)
        b->o.patient = true;
}

/* Change the scheduler of a running sim run from the next choice on;
 * -1 with a message in err if the new one is bad (the old one stays). */
int rl_run_set_sched(struct rl_run *run, const struct rl_sched *sched,
                     char *err, size_t errlen)
{
    if (run->mirror)
        return rl_mirror_set_sched(run, sched, err, errlen);
    struct sim *s = run->cfg.backend == RL_BACKEND_SIM ? run->sim : NULL;
    if (!s) {
        snprintf(err, errlen, "only sim runs have a scheduler");
        return -1;
    }
    struct rl_sched cfg = *sched;
    char *copy = NULL;
    size_t copy_len = 0;
    if (cfg.kind == RL_SCHED_REPLAY && cfg.choices) {
        copy_len = strlen(cfg.choices);
        copy = rl_xmalloc(copy_len + 1);
        memcpy(copy, cfg.choices, copy_len + 1);
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
    s->replay_len = copy_len;
    s->cfg = cfg;
    s->sched = next;
    s->sched_ready = true;
    return 0;
}
