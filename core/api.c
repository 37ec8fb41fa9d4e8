/* SPDX-License-Identifier: MIT */
/*
 * api.c - the student API (racelab.h): argument checks, object and thread
 * creation, then a call into the run's backend (sim or os), which performs
 * the operation, makes its record and, on sim, is a scheduling point.
 *
 * Objects and threads are allocated from the current run's arena and listed
 * in the run, so that front ends can show every one of them and the run
 * frees them all at once. Creating them is guarded by a mutex because on
 * the os backend a lab thread may create objects while others run.
 *
 * On an os run the hot calls (Lock acquire and release, load, store,
 * fetch_add) go straight to the os backend's inline code (os_impl.h)
 * instead of through the backend table: the locked counter's four calls
 * are each a test of the run and the operation.
 *
 * Nothing a student writes with this API aborts: a NULL object, a bad
 * count, a per-run limit reached, or a call outside a run is a misuse,
 * noted in the run (api_misuse: it names the call, and the run's "no
 * misuse" check fails with it) and returned as an RL_ERR_* status, a NULL
 * object or a zero value. Only our own broken invariants panic.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "os_impl.h"

static pthread_mutex_t create_mu = PTHREAD_MUTEX_INITIALIZER;

/* Note a misuse of the API by the calling thread: call names it ("rl_event_set:
 * the Event is NULL"). Counted in the current run, whose "no misuse" check
 * then fails with the first one's message; outside a run there is nothing
 * to note it in (a constructor in a submission), and the status alone
 * says it. Returns status. */
static int api_misuse(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int api_misuse(int status, const char *fmt, ...)
{
    struct rl_run *run = rl_current;
    char what[128];
    va_list ap;
    if (!run)
        return status;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    rl_note_misuse_named(run, rl_self(), what, status,
                         run->cfg.backend == RL_BACKEND_SIM ? run->rec_last
                                                            : 0);
    return status;
}

/* The current run, or NULL (noted as a misuse of fn) outside one. */
static struct rl_run *cur_run(const char *fn)
{
    struct rl_run *run = rl_current;
    if (!run)
        api_misuse(RL_ERR_ARG, "%s called outside a run", fn);
    return run;
}

/* The current run for an operation of fn on object p (of kind, for the
 * message); NULL, with the misuse noted, if p is NULL or there is no run. */
static struct rl_run *op_run(const void *p, const char *fn, const char *kind)
{
    if (!p) {
        api_misuse(RL_ERR_ARG, "%s: the %s is NULL", fn, kind);
        return NULL;
    }
    return cur_run(fn);
}

/* A new object of kind k in the current run; NULL (a misuse noted) when
 * the run's objects are used up. */
static struct rl_obj *obj_new(enum rl_obj_kind k, const char *name, long value,
                              long limit, const char *fn)
{
    struct rl_run *run = cur_run(fn);
    if (!run)
        return NULL;
    if (run->nobjs >= RL_OBJ_LIMIT) {
        api_misuse(RL_ERR_LIMIT,
                   "%s: the run's %d objects are used up; create objects "
                   "once, not in every call",
                   fn, RL_OBJ_LIMIT);
        return NULL;
    }
    return rl_obj_create(run, k, name, value, limit);
}

/* A new object of kind k in run (see engine.h). */
struct rl_obj *rl_obj_create(struct rl_run *run, enum rl_obj_kind k,
                             const char *name, long value, long limit)
{
    pthread_mutex_lock(&create_mu);
    if (run->nobjs == run->objs_cap) {
        /* Grown in the arena, the old array left in place: on os a front
         * end may be reading it while a lab thread creates an object. */
        int cap = run->objs_cap ? run->objs_cap * 2 : 64;
        struct rl_obj **objs = rl_run_alloc(run, (size_t)cap * sizeof(*objs));
        if (run->nobjs)
            memcpy(objs, run->objs, (size_t)run->nobjs * sizeof(*objs));
        run->objs = objs;
        run->objs_cap = cap;
    }
    struct rl_obj *o = rl_run_alloc(run, sizeof(*o));
    o->kind = k;
    o->id = run->nobjs;
    o->run = run;
    static const char prefix[] = {'v', 'L', 'R', 'S', 'B', 'C',
                                  'E', 'W', 'M', 'W', 'P', 'O'};
    if (name && *name)
        snprintf(o->name, sizeof(o->name), "%s", name);
    else
        snprintf(o->name, sizeof(o->name), "%c%d", prefix[k], o->id);
    atomic_init(&o->value, value);
    o->limit = limit;
    atomic_init(&o->owner, -1);
    atomic_init(&o->depth, 0);
    run->objs[run->nobjs++] = o;
    pthread_mutex_unlock(&create_mu);
    if (run->ops->obj_init(o) != 0)
        rl_panic(__FILE__, __LINE__, "cannot create a synchronization object");
    return o;
}

rl_var *rl_var_create(const char *name, long value)
{
    return (rl_var *)obj_new(RL_OBJ_VAR, name, value, 0, __func__);
}

/* n objects of kind k named name[i], in an array from the run's arena;
 * NULL with a misuse of fn when n < 1 or the objects run out. */
static struct rl_obj **obj_array_new(enum rl_obj_kind k, const char *name,
                                     int n, long value, const char *fn)
{
    struct rl_run *run = cur_run(fn);
    if (!run)
        return NULL;
    if (n < 1) {
        api_misuse(RL_ERR_ARG, "%s: %d elements; an array needs at least 1",
                   fn, n);
        return NULL;
    }
    if (n > RL_OBJ_LIMIT - run->nobjs) {
        api_misuse(RL_ERR_LIMIT,
                   "%s: %d elements: the run's %d objects would be used up; "
                   "create objects once, not in every call",
                   fn, n, RL_OBJ_LIMIT);
        return NULL;
    }
    struct rl_obj **a = rl_run_alloc(run, (size_t)n * sizeof(*a));
    char elem[RL_NAME_MAX];
    const char *base = name && *name ? name : (k == RL_OBJ_VAR ? "v" : "L");
    for (int i = 0; i < n; i++) {
        snprintf(elem, sizeof(elem), "%.*s[%d]", RL_NAME_MAX - 16, base, i);
        a[i] = rl_obj_create(run, k, elem, value, 0);
    }
    return a;
}

rl_var **rl_var_array_create(const char *name, int n, long value)
{
    return (rl_var **)obj_array_new(RL_OBJ_VAR, name, n, value, __func__);
}

rl_lock **rl_lock_array_create(const char *name, int n)
{
    return (rl_lock **)obj_array_new(RL_OBJ_LOCK, name, n, 0, __func__);
}

rl_lock *rl_lock_create(const char *name)
{
    return (rl_lock *)obj_new(RL_OBJ_LOCK, name, 0, 0, __func__);
}

rl_lock *rl_rlock_create(const char *name)
{
    return (rl_lock *)obj_new(RL_OBJ_RLOCK, name, 0, 0, __func__);
}

rl_sem *rl_semaphore_create(const char *name, long value)
{
    if (value < 0) {
        api_misuse(RL_ERR_ARG, "%s: initial value %ld < 0", __func__, value);
        return NULL;
    }
    return (rl_sem *)obj_new(RL_OBJ_SEMAPHORE, name, value, value, __func__);
}

rl_sem *rl_bounded_semaphore_create(const char *name, long value)
{
    if (value < 0) {
        api_misuse(RL_ERR_ARG, "%s: initial value %ld < 0", __func__, value);
        return NULL;
    }
    return (rl_sem *)obj_new(RL_OBJ_BOUNDED_SEMAPHORE, name, value, value,
                             __func__);
}

rl_cond *rl_cond_create(const char *name, rl_lock *lock)
{
    if (!lock) {
        char lname[RL_NAME_MAX];
        snprintf(lname, sizeof(lname), "%s.lock", name ? name : "C");
        lock = rl_rlock_create(lname);
        if (!lock)
            return NULL; /* the limit, noted */
    }
    struct rl_obj *o = obj_new(RL_OBJ_CONDITION, name, 0, 0, __func__);
    if (!o)
        return NULL;
    o->lock = &lock->o;
    return (rl_cond *)o;
}

rl_lock *rl_cond_lock(rl_cond *c)
{
    if (!c) {
        api_misuse(RL_ERR_ARG, "%s: the Condition is NULL", __func__);
        return NULL;
    }
    return (rl_lock *)c->o.lock;
}

rl_event *rl_event_create(const char *name)
{
    return (rl_event *)obj_new(RL_OBJ_EVENT, name, 0, 0, __func__);
}

rl_barrier *rl_barrier_create(const char *name, int parties)
{
    if (parties < 1) {
        api_misuse(RL_ERR_ARG, "%s: %d parties; a Barrier needs at least 1",
                   __func__, parties);
        return NULL;
    }
    return (rl_barrier *)obj_new(RL_OBJ_BARRIER, name, 0, parties, __func__);
}

/* ---- threads ------------------------------------------------------------ */

rl_thread *rl_thread_start(const char *name, void (*fn)(void *), void *arg)
{
    struct rl_run *run = op_run((const void *)fn, __func__, "thread function");
    if (!run)
        return NULL;
    if (run->nthreads >= RL_MAX_THREADS) {
        api_misuse(RL_ERR_LIMIT,
                   "%s: the run's %d threads are used up; start threads "
                   "once, not in every call",
                   __func__, RL_MAX_THREADS);
        return NULL;
    }
    /* From a running lab thread, starting a thread is a step of its own. */
    struct rl_thread *self = run->in_setup ? NULL : run->ops->self();
    if (self)
        run->ops->spawn(self, NULL);
    pthread_mutex_lock(&create_mu);
    if (run->nthreads == RL_MAX_THREADS) {
        /* another thread took the last slot while this one stepped */
        pthread_mutex_unlock(&create_mu);
        api_misuse(RL_ERR_LIMIT,
                   "%s: the run's %d threads are used up; start threads "
                   "once, not in every call",
                   __func__, RL_MAX_THREADS);
        return NULL;
    }
    struct rl_thread *t = rl_run_alloc(run, sizeof(*t));
    t->id = run->nthreads;
    if (name && *name)
        snprintf(t->name, sizeof(t->name), "%s", name);
    else
        snprintf(t->name, sizeof(t->name), "T%d", t->id);
    t->fn = fn;
    t->arg = arg;
    t->run = run;
    atomic_init(&t->state, RL_T_NEW);
    atomic_init(&t->waiting_on, NULL);
    atomic_init(&t->join_target, -1);
    t->deadline = -1;
    /* Initialised before it is listed: on os the driving thread reads the
     * list while lab threads run. */
    if (run->ops->thread_init(t) != 0)
        rl_panic(__FILE__, __LINE__, "cannot create a thread");
    run->threads[run->nthreads] = t;
    atomic_thread_fence(memory_order_release);
    run->nthreads++;
    pthread_mutex_unlock(&create_mu);
    if (self)
        run->ops->spawn(self, t);
    return t;
}

void rl_thread_join(rl_thread *t)
{
    struct rl_run *run = op_run(t, __func__, "thread");
    if (run)
        run->ops->join(t);
}

int rl_self(void)
{
    struct rl_run *run = rl_current;
    struct rl_thread *t = run ? run->ops->self() : NULL;
    return t ? t->id : -1;
}

const char *rl_thread_name(void)
{
    struct rl_run *run = rl_current;
    struct rl_thread *t = run ? run->ops->self() : NULL;
    return t ? t->name : "setup";
}

void rl_yield(void)
{
    struct rl_run *run = cur_run(__func__);
    if (run)
        run->ops->yield();
}

void rl_sleep_ms(long ms)
{
    struct rl_run *run = cur_run(__func__);
    if (run)
        run->ops->sleep(ms < 0 ? 0 : ms);
}

/* ---- shared variables ---------------------------------------------------- */

/* The current run if it is an os run and p is not NULL: the hot calls then
 * take the os backend's inline fast path. */
static inline struct rl_run *os_fast_run(const void *p)
{
    struct rl_run *run = rl_current;

    return p && run && run->ops == &rl_os_ops ? run : NULL;
}

long rl_load(rl_var *v)
{
    if (os_fast_run(v))
        return os_var_op(&v->o, RL_OP_LOAD, 0);
    struct rl_run *run = op_run(v, __func__, "variable");
    return run ? run->ops->var_op(&v->o, RL_OP_LOAD, 0) : 0;
}

void rl_store(rl_var *v, long value)
{
    if (os_fast_run(v)) {
        os_var_op(&v->o, RL_OP_STORE, value);
        return;
    }
    struct rl_run *run = op_run(v, __func__, "variable");
    if (run)
        run->ops->var_op(&v->o, RL_OP_STORE, value);
}

long rl_fetch_add(rl_var *v, long delta)
{
    if (os_fast_run(v))
        return os_var_op(&v->o, RL_OP_FETCH_ADD, delta);
    struct rl_run *run = op_run(v, __func__, "variable");
    return run ? run->ops->var_op(&v->o, RL_OP_FETCH_ADD, delta) : 0;
}

long rl_var_peek(const rl_var *v)
{
    if (!v) {
        api_misuse(RL_ERR_ARG, "%s: the variable is NULL", __func__);
        return 0;
    }
    return atomic_load(&v->o.value);
}

/* ---- locks ------------------------------------------------------------------
 */

int rl_lock_acquire(rl_lock *l)
{
    if (os_fast_run(l))
        return os_lock_acquire(&l->o, -1);
    struct rl_run *run = op_run(l, __func__, "Lock");
    return run ? run->ops->lock_acquire(&l->o, -1) : RL_ERR_ARG;
}

int rl_lock_try_acquire(rl_lock *l)
{
    struct rl_run *run = op_run(l, __func__, "Lock");
    return run ? run->ops->lock_acquire(&l->o, 0) : RL_ERR_ARG;
}

int rl_lock_acquire_timeout(rl_lock *l, long ms)
{
    struct rl_run *run = op_run(l, __func__, "Lock");
    return run ? run->ops->lock_acquire(&l->o, ms < 0 ? -1 : ms) : RL_ERR_ARG;
}

int rl_lock_release(rl_lock *l)
{
    if (os_fast_run(l))
        return os_lock_release(&l->o);
    struct rl_run *run = op_run(l, __func__, "Lock");
    return run ? run->ops->lock_release(&l->o) : RL_ERR_ARG;
}

bool rl_lock_locked(const rl_lock *l)
{
    if (!l) {
        api_misuse(RL_ERR_ARG, "%s: the Lock is NULL", __func__);
        return false;
    }
    return atomic_load(&l->o.owner) >= 0;
}

/* ---- semaphores
 * ---------------------------------------------------------------- */

int rl_sem_acquire(rl_sem *s)
{
    struct rl_run *run = op_run(s, __func__, "Semaphore");
    return run ? run->ops->sem_acquire(&s->o, -1) : RL_ERR_ARG;
}

int rl_sem_try_acquire(rl_sem *s)
{
    struct rl_run *run = op_run(s, __func__, "Semaphore");
    return run ? run->ops->sem_acquire(&s->o, 0) : RL_ERR_ARG;
}

int rl_sem_acquire_timeout(rl_sem *s, long ms)
{
    struct rl_run *run = op_run(s, __func__, "Semaphore");
    return run ? run->ops->sem_acquire(&s->o, ms < 0 ? -1 : ms) : RL_ERR_ARG;
}

int rl_sem_release(rl_sem *s)
{
    struct rl_run *run = op_run(s, __func__, "Semaphore");
    return run ? run->ops->sem_release(&s->o) : RL_ERR_ARG;
}

long rl_sem_value(const rl_sem *s)
{
    if (!s) {
        api_misuse(RL_ERR_ARG, "%s: the Semaphore is NULL", __func__);
        return 0;
    }
    return atomic_load(&s->o.value);
}

/* ---- conditions
 * ------------------------------------------------------------------ */

int rl_cond_wait(rl_cond *c)
{
    struct rl_run *run = op_run(c, __func__, "Condition");
    return run ? run->ops->cond_wait(&c->o, -1) : RL_ERR_ARG;
}

int rl_cond_wait_timeout(rl_cond *c, long ms)
{
    struct rl_run *run = op_run(c, __func__, "Condition");
    return run ? run->ops->cond_wait(&c->o, ms < 0 ? -1 : ms) : RL_ERR_ARG;
}

int rl_cond_notify(rl_cond *c)
{
    struct rl_run *run = op_run(c, __func__, "Condition");
    return run ? run->ops->cond_notify(&c->o, false) : RL_ERR_ARG;
}

int rl_cond_notify_all(rl_cond *c)
{
    struct rl_run *run = op_run(c, __func__, "Condition");
    return run ? run->ops->cond_notify(&c->o, true) : RL_ERR_ARG;
}

/* ---- events
 * ------------------------------------------------------------------------ */

void rl_event_set(rl_event *e)
{
    struct rl_run *run = op_run(e, __func__, "Event");
    if (run)
        run->ops->event_set(&e->o, true);
}

void rl_event_clear(rl_event *e)
{
    struct rl_run *run = op_run(e, __func__, "Event");
    if (run)
        run->ops->event_set(&e->o, false);
}

bool rl_event_is_set(rl_event *e)
{
    struct rl_run *run = op_run(e, __func__, "Event");
    return run ? run->ops->event_is_set(&e->o) : false;
}

int rl_event_wait(rl_event *e)
{
    struct rl_run *run = op_run(e, __func__, "Event");
    return run ? run->ops->event_wait(&e->o, -1) : RL_ERR_ARG;
}

int rl_event_wait_timeout(rl_event *e, long ms)
{
    struct rl_run *run = op_run(e, __func__, "Event");
    return run ? run->ops->event_wait(&e->o, ms < 0 ? -1 : ms) : RL_ERR_ARG;
}

/* ---- barriers
 * ------------------------------------------------------------------------ */

int rl_barrier_wait(rl_barrier *b)
{
    struct rl_run *run = op_run(b, __func__, "Barrier");
    return run ? run->ops->barrier_wait(&b->o, -1) : -RL_ERR_ARG;
}

int rl_barrier_wait_timeout(rl_barrier *b, long ms)
{
    struct rl_run *run = op_run(b, __func__, "Barrier");
    return run ? run->ops->barrier_wait(&b->o, ms < 0 ? -1 : ms) : -RL_ERR_ARG;
}

/* ---- checks from inside a run
 * ------------------------------------------------------------ */

void rl_fail(const char *check, const char *fmt, ...)
{
    struct rl_run *run = cur_run(__func__);
    char msg[256];
    va_list ap;
    if (!run)
        return;
    if (!check)
        check = "check";
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt ? fmt : "failed", ap);
    va_end(ap);
    struct rl_thread *self = run->ops->self();
    /* On sim, name the step as the trace numbers it: the record this call
     * is about to make. (On os records are numbered when merged.) */
    if (run->cfg.backend == RL_BACKEND_SIM && self && n >= 0 &&
        (size_t)n < sizeof(msg))
        snprintf(msg + n, sizeof(msg) - (size_t)n, " (step %llu)",
                 (unsigned long long)run->rec_last + 1);
    pthread_mutex_lock(&create_mu);
    int idx = rl_check_fail(run, check, msg);
    pthread_mutex_unlock(&create_mu);
    if (self)
        run->ops->fail(self, idx);
}
