/* SPDX-License-Identifier: MIT */
/*
 * sim_posix.c - the sim backend's POSIX objects and plain memory for the
 * plain-C runtime (see posix.h): pthread mutexes (normal, recursive,
 * error-checking), spinlocks, rwlocks, condition variables given their
 * mutex at each wait, semaphores, barriers, once, memory loads, stores and
 * atomic read-modify-writes, output, thread exit and the end of a program.
 *
 * Like sim_prims.c, each call starts at its scheduling point (sim_enter)
 * and makes its record; blocking is modelled (sim_block), so deadlock
 * detection, the owner / waiters display and the analyses work on these
 * objects as on the labs' own. Results are POSIX error numbers.
 *
 * Called outside a lab thread (a destructor after the run, say) a call
 * acts at once without a record, and never blocks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fiber.h"
#include "posix.h"
#include "sim_impl.h"
#include "value.h"

/* ---- helpers ------------------------------------------------------------- */

/* The object's value (see sim_prims.c). */
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

static int depth(const struct rl_obj *o)
{
    return atomic_load_explicit(&o->depth, memory_order_relaxed);
}

/* Set owner and depth together. */
static void set_owner(struct rl_obj *o, int who, int d)
{
    atomic_store_explicit(&o->owner, who, memory_order_relaxed);
    atomic_store_explicit(&o->depth, d, memory_order_relaxed);
}

/* The deadline of a wait of ms (see posix.h), or -1. */
static long deadline_of(const struct sim *s, long ms)
{
    return ms > 0 ? s->now + ms : -1;
}

void (*rl_px_switch_hook)(struct rl_thread *t, bool in);

/* ---- objects ------------------------------------------------------------- */

/* A new object of the current run (see posix.h). */
struct rl_obj *rl_px_create(enum rl_obj_kind kind, const char *name, long value,
                            long limit)
{
    struct rl_run *run = rl_current;
    RL_ASSERT(run != NULL);
    struct rl_obj *o = rl_obj_create(run, kind, name, value, limit);
    o->posix = true;
    return o;
}

/* The memory's value, sign-extended from its size. */
static long mem_get(const struct rl_obj *v)
{
    switch (v->size) {
    case 1: {
        int8_t x;
        memcpy(&x, v->addr, 1);
        return x;
    }
    case 2: {
        int16_t x;
        memcpy(&x, v->addr, 2);
        return x;
    }
    case 4: {
        int32_t x;
        memcpy(&x, v->addr, 4);
        return x;
    }
    default: {
        int64_t x;
        memcpy(&x, v->addr, 8);
        return (long)x;
    }
    }
}

/* The value of size bytes at v's address (an access of another width
 * than v's: a char read of an int), sign-extended; 0: v's size. */
static long mem_get_width(const struct rl_obj *v, uint32_t size)
{
    if (size == 0 || size == (uint32_t)v->size)
        return mem_get(v);
    struct rl_obj w = {.addr = v->addr,
                       .size =
                           size == 1 || size == 2 || size == 4 ? (int)size : 8};
    return mem_get(&w);
}

/* Write the low size bytes of x to the memory. */
static void mem_put(const struct rl_obj *v, uint64_t x)
{
    switch (v->size) {
    case 1: {
        uint8_t y = (uint8_t)x;
        memcpy(v->addr, &y, 1);
        break;
    }
    case 2: {
        uint16_t y = (uint16_t)x;
        memcpy(v->addr, &y, 2);
        break;
    }
    case 4: {
        uint32_t y = (uint32_t)x;
        memcpy(v->addr, &y, 4);
        break;
    }
    default:
        memcpy(v->addr, &x, 8);
    }
}

/* The memory's value, zero-extended from its size. */
uint64_t rl_px_mem_read(const struct rl_obj *v)
{
    uint64_t x = (uint64_t)mem_get(v);
    return v->size >= 8 ? x : x & ((UINT64_C(1) << (8 * v->size)) - 1);
}

/* A memory variable at addr (see posix.h). */
struct rl_obj *rl_px_mem_create(const char *name, void *addr, int size)
{
    struct rl_obj *v = rl_px_create(RL_OBJ_VAR, name, 0, 0);
    v->addr = addr;
    v->limit = (long)(uintptr_t)addr;
    v->size = size == 1 || size == 2 || size == 4 ? size : 8;
    set_val(v, mem_get(v));
    return v;
}

/* The calling lab thread, or NULL. */
struct rl_thread *rl_px_self(void)
{
    struct rl_run *run = rl_current;
    if (!run || run->cfg.backend != RL_BACKEND_SIM || !run->sim)
        return NULL;
    struct sim *s = sim_of(run);
    return s->in_thread ? s->cur : NULL;
}

/* ---- memory -------------------------------------------------------------- */

/* A plain load: the value is the one the program reads right after. */
void rl_px_load(struct rl_obj *v, uint32_t size)
{
    struct rl_run *run = v->run;
    struct rl_thread *t = sim_enter(run);
    set_val(v, mem_get(v));
    long x = mem_get_width(v, size);
    if (t)
        sim_rec_range(run, t, RL_OP_LOAD, v, 0, x, x, RL_FN_NONE,
                      size ? size : (uint32_t)v->size);
}

/* A plain store about to happen: its record waits for the value. */
void rl_px_store(struct rl_obj *v, uint32_t size)
{
    struct rl_run *run = v->run;
    struct rl_thread *t = sim_enter(run);
    if (!t)
        return;
    t->pend = v;
    t->pend_src = NULL;
    t->pend_len = size ? size : (uint32_t)v->size;
    t->pend_before = mem_get_width(v, t->pend_len);
    t->pend_pc = t->pc;
}

/* Whether C library call fn reads or writes C strings (text whatever
 * the bytes are), not memory of any kind. */
static bool fn_string(int fn)
{
    return fn != RL_FN_MEMCPY && fn != RL_FN_MEMMOVE && fn != RL_FN_MEMSET &&
           fn != RL_FN_MEMCMP && fn != RL_FN_FWRITE && fn != RL_FN_ACCESS;
}

/* The text id of len bytes from p (see rl_value_bytes_text), or -1 when
 * they are not text. */
static long range_text(struct rl_run *run, const void *p, uint32_t len, int fn)
{
    char buf[RL_VALUE_BYTES_SHOWN + 1];
    if (!rl_value_bytes_text(p, len, fn_string(fn), buf, sizeof buf))
        return -1;
    return rl_run_text_add(run, buf, strlen(buf));
}

/* A C library call's read of a range (see posix.h). */
void rl_px_load_range(struct rl_obj *v, uint32_t len, int fn)
{
    struct rl_run *run = v->run;
    struct rl_thread *t = sim_enter(run);
    long x = mem_get(v);
    set_val(v, x);
    if (t)
        sim_rec_range(run, t, RL_OP_LOAD, v, range_text(run, v->addr, len, fn),
                      x, x, fn, len);
}

/* A C library call's write of a range: its record waits for the bytes. */
void rl_px_store_range(struct rl_obj *v, uint32_t len, int fn)
{
    rl_px_store(v, 0);
    struct rl_thread *t = rl_px_self();
    if (t && t->pend == v) {
        t->pend_len = len;
        t->pend_fn = (uint8_t)fn;
    }
}

/* Record t's pending store with the value now in memory. */
void rl_px_flush(struct rl_thread *t)
{
    struct rl_obj *v = t->pend;
    if (!v)
        return;
    t->pend = NULL;
    long x = mem_get(v);
    set_val(v, x);
    if (!t->pend_fn)
        x = mem_get_width(v, t->pend_len);
    uintptr_t pc = t->pc;
    t->pc = t->pend_pc;
    if (t->pend_fn) {
        int fn = t->pend_fn;
        t->pend_fn = 0;
        /* A copy not made yet: its bytes are the source's. */
        const void *bytes = t->pend_src ? t->pend_src : v->addr;
        if (t->pend_src) {
            struct rl_obj src = {.addr = (void *)t->pend_src, .size = v->size};
            x = mem_get(&src);
            t->pend_src = NULL;
        }
        sim_rec_range(v->run, t, RL_OP_STORE, v,
                      range_text(v->run, bytes, t->pend_len, fn),
                      t->pend_before, x, fn, t->pend_len);
    } else {
        sim_rec_range(v->run, t, RL_OP_STORE, v, x, t->pend_before, x,
                      RL_FN_NONE, t->pend_len);
    }
    t->pc = pc;
}

/* One atomic operation on the memory, one step (see posix.h). */
uint64_t rl_px_atomic(struct rl_obj *v, enum rl_op op, uint64_t arg,
                      int order)
{
    struct rl_run *run = v->run;
    struct rl_thread *t = sim_enter(run);
    uint64_t old = rl_px_mem_read(v), now = old;
    switch (op) {
    case RL_OP_ATOMIC_STORE:
    case RL_OP_EXCHANGE:
        now = arg;
        break;
    case RL_OP_FETCH_ADD:
        now = old + arg;
        break;
    case RL_OP_FETCH_SUB:
        now = old - arg;
        break;
    case RL_OP_FETCH_AND:
        now = old & arg;
        break;
    case RL_OP_FETCH_OR:
        now = old | arg;
        break;
    case RL_OP_FETCH_XOR:
        now = old ^ arg;
        break;
    default:
        op = RL_OP_ATOMIC_LOAD;
        break;
    }
    long before = mem_get(v);
    if (op != RL_OP_ATOMIC_LOAD)
        mem_put(v, now);
    long after = mem_get(v);
    set_val(v, after);
    if (t) {
        long a = (long)arg;
        if (v->size < 8 && op != RL_OP_FETCH_AND && op != RL_OP_FETCH_OR &&
            op != RL_OP_FETCH_XOR) {
            /* Show the operand as the program's type would (-1, not
             * 4294967295). */
            struct rl_obj tmp = {.size = v->size};
            uint64_t w = arg;
            tmp.addr = &w;
            a = mem_get(&tmp);
        }
        t->mo = (uint8_t)order;
        sim_rec(run, t, op, RL_RES_OK, v, -1, op == RL_OP_ATOMIC_LOAD ? 0 : a,
                before, after);
        t->mo = 0;
    }
    return op == RL_OP_ATOMIC_STORE ? 0 : old;
}

/* Compare and exchange, one step (see posix.h). */
bool rl_px_cas(struct rl_obj *v, uint64_t *expected, uint64_t desired,
               int order, int fail_order)
{
    struct rl_run *run = v->run;
    struct rl_thread *t = sim_enter(run);
    uint64_t cur = rl_px_mem_read(v);
    uint64_t mask =
        v->size >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * v->size)) - 1;
    bool ok = cur == (*expected & mask);
    long before = mem_get(v);
    if (ok)
        mem_put(v, desired);
    else
        *expected = cur;
    long after = mem_get(v);
    set_val(v, after);
    if (t) {
        struct rl_obj tmp = {.size = v->size};
        uint64_t w = desired;
        tmp.addr = &w;
        t->mo = (uint8_t)(ok ? order : fail_order);
        sim_rec(run, t, RL_OP_CAS, ok ? RL_RES_OK : RL_RES_TIMEOUT, v, -1,
                mem_get(&tmp), before, after);
        t->mo = 0;
    }
    return ok;
}

/* A fence, one step (see posix.h). */
void rl_px_fence(int order)
{
    struct rl_run *run = rl_current;
    if (!run || !run->sim)
        return;
    struct rl_thread *t = sim_enter(run);
    if (!t)
        return;
    t->mo = (uint8_t)order;
    sim_rec(run, t, RL_OP_FENCE, RL_RES_OK, NULL, -1, 0, 0, 0);
    t->mo = 0;
}

/* ---- mutexes and spinlocks ----------------------------------------------- */

/* Lock mutex or spinlock m (see posix.h). */
int rl_px_mutex_lock(struct rl_obj *m, long ms)
{
    struct rl_run *run = m->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    bool recursive =
        m->kind == RL_OBJ_MUTEX && m->limit == RL_PX_MUTEX_RECURSIVE;
    bool errcheck =
        m->kind == RL_OBJ_MUTEX && m->limit == RL_PX_MUTEX_ERRORCHECK;
    if (!t) {
        if (owner(m) >= 0)
            return EBUSY;
        set_owner(m, 0, 1);
        return 0;
    }
    long deadline = -1;
    bool blocked = false;
    for (;;) {
        int o = owner(m), d = depth(m);
        if (o < 0 || (o == t->id && recursive)) {
            set_owner(m, t->id, d + 1);
            sim_rec(run, t, RL_OP_ACQUIRE, blocked ? RL_RES_WOKE : RL_RES_OK, m,
                    -1, ms, d, d + 1);
            return 0;
        }
        if (o == t->id && errcheck) {
            sim_misuse(run, t, RL_OP_ACQUIRE, m, RL_PX_ERR_RELOCK);
            return EDEADLK;
        }
        if (ms == 0 || (blocked && t->timed_out)) {
            sim_rec(run, t, RL_OP_ACQUIRE, RL_RES_TIMEOUT, m, o, ms, d, d);
            return ms == 0 ? EBUSY : ETIMEDOUT;
        }
        if (ms > 0 && deadline < 0)
            deadline = deadline_of(s, ms);
        sim_rec(run, t, RL_OP_ACQUIRE, RL_RES_BLOCKED, m, o, ms, d, d);
        blocked = true;
        sim_block(s, t, m, deadline);
    }
}

/* Unlock m (one level of a recursive mutex); only its owner may. */
int rl_px_mutex_unlock(struct rl_obj *m)
{
    struct rl_run *run = m->run;
    struct rl_thread *t = sim_enter(run);
    if (!t) {
        set_owner(m, -1, 0);
        return 0;
    }
    if (owner(m) != t->id) {
        sim_misuse(run, t, RL_OP_RELEASE, m, RL_PX_ERR_NOT_OWNER);
        return EPERM;
    }
    int d = depth(m), nd = d - 1;
    int woken = -1;
    if (nd <= 0) {
        nd = 0;
        set_owner(m, -1, 0);
        woken = sim_wake_first(run, m);
    } else {
        atomic_store_explicit(&m->depth, nd, memory_order_relaxed);
    }
    sim_rec(run, t, RL_OP_RELEASE, RL_RES_OK, m, woken, 0, d, nd);
    return 0;
}

/* ---- rwlocks ------------------------------------------------------------- */

/* Whether tid holds rw for reading. */
static bool reads(const struct rl_obj *rw, int tid)
{
    for (int i = 0; i < rw->nhold; i++)
        if (rw->hold[i] == tid)
            return true;
    return false;
}

/* Read- or write-lock rw: readers share it while no writer holds it. */
int rl_px_rwlock_lock(struct rl_obj *rw, bool write, long ms)
{
    struct rl_run *run = rw->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    enum rl_op op = write ? RL_OP_ACQUIRE : RL_OP_READ_ACQUIRE;
    if (!t)
        return 0;
    long deadline = -1;
    bool blocked = false;
    for (;;) {
        int o = owner(rw);
        long readers = val(rw);
        if (o == t->id || (write && reads(rw, t->id))) {
            sim_misuse(run, t, op, rw, RL_PX_ERR_RELOCK);
            return EDEADLK;
        }
        if (o < 0 && (!write || readers == 0)) {
            if (write) {
                set_owner(rw, t->id, 1);
            } else {
                set_val(rw, readers + 1);
                sim_hold_add(rw, t->id);
            }
            sim_rec(run, t, op, blocked ? RL_RES_WOKE : RL_RES_OK, rw, -1, ms,
                    readers, write ? readers : readers + 1);
            return 0;
        }
        int h = rl_obj_holder(rw);
        if (ms == 0 || (blocked && t->timed_out)) {
            sim_rec(run, t, op, RL_RES_TIMEOUT, rw, h, ms, readers, readers);
            return ms == 0 ? EBUSY : ETIMEDOUT;
        }
        if (ms > 0 && deadline < 0)
            deadline = deadline_of(s, ms);
        sim_rec(run, t, op, RL_RES_BLOCKED, rw, h, ms, readers, readers);
        blocked = true;
        sim_block(s, t, rw, deadline);
    }
}

/* Unlock rw as its writer or one of its readers; waiters all retry. */
int rl_px_rwlock_unlock(struct rl_obj *rw)
{
    struct rl_run *run = rw->run;
    struct rl_thread *t = sim_enter(run);
    if (!t)
        return 0;
    long readers = val(rw);
    if (owner(rw) == t->id) {
        set_owner(rw, -1, 0);
    } else if (reads(rw, t->id)) {
        set_val(rw, readers - 1);
        sim_hold_remove(rw, t->id);
    } else {
        sim_misuse(run, t, RL_OP_RELEASE, rw, RL_PX_ERR_RW_NOT_HELD);
        return EPERM;
    }
    int first = rw->nwait ? rw->wait[0] : -1;
    if (owner(rw) < 0 && val(rw) == 0)
        sim_wake_all(run, rw, false, 0);
    else
        first = -1;
    sim_rec(run, t, RL_OP_RELEASE, RL_RES_OK, rw, first, 0, readers, val(rw));
    return 0;
}

/* ---- condition variables ------------------------------------------------- */

/* pthread_cond_wait / timedwait: give up m, wait for a signal (or ms),
 * take m back at its old depth. m must be held by the caller. */
int rl_px_cond_wait(struct rl_obj *c, struct rl_obj *m, long ms)
{
    struct rl_run *run = c->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    if (!t)
        return ETIMEDOUT;
    if (owner(m) != t->id) {
        sim_misuse(run, t, RL_OP_WAIT, c, RL_PX_ERR_WAIT_UNLOCKED);
        return EPERM;
    }
    c->lock = m;
    int saved = depth(m);
    set_owner(m, -1, 0);
    sim_wake_first(run, m);
    sim_rec(run, t, RL_OP_WAIT, RL_RES_BLOCKED, c, -1, ms, 0, 0);
    if (ms == 0)
        t->timed_out = true;
    else
        sim_block(s, t, c, deadline_of(s, ms));
    int ret = t->timed_out ? ETIMEDOUT : 0;
    for (;;) {
        int o = owner(m);
        if (o < 0) {
            set_owner(m, t->id, saved);
            sim_rec(run, t, RL_OP_WAIT, ret == 0 ? RL_RES_WOKE : RL_RES_TIMEOUT,
                    c, -1, ms, 0, saved);
            return ret;
        }
        sim_rec(run, t, RL_OP_WAIT, RL_RES_BLOCKED, m, o, ms, 0, 0);
        sim_block(s, t, m, -1);
    }
}

/* pthread_cond_signal (one waiter, chosen by the scheduler) or broadcast;
 * legal without the mutex. */
int rl_px_cond_signal(struct rl_obj *c, bool all)
{
    struct rl_run *run = c->run;
    struct rl_thread *t = sim_enter(run);
    if (!t)
        return 0;
    if (all) {
        int first = c->nwait ? c->wait[0] : -1;
        int n = sim_wake_all(run, c, false, 0);
        sim_rec(run, t, RL_OP_NOTIFY_ALL, RL_RES_OK, c, first, n, 0, 0);
        return 0;
    }
    if (c->nwait == 0) {
        sim_rec(run, t, RL_OP_NOTIFY, RL_RES_OK, c, -1, 0, 0, 0);
        return 0;
    }
    int idx = sim_choose_waiter(run, t, c);
    struct rl_thread *w = run->threads[c->wait[idx]];
    sim_wake(w);
    w->notified = true;
    sim_rec(run, t, RL_OP_NOTIFY, RL_RES_OK, c, w->id, 1, 0, 0);
    return 0;
}

/* ---- semaphores, barriers, once ------------------------------------------ */

/* sem_wait / trywait / timedwait. */
int rl_px_sem_wait(struct rl_obj *sm, long ms)
{
    int rc = sim_sem_acquire(sm, ms);
    if (rc == RL_OK)
        return 0;
    return ms == 0 ? EAGAIN : ETIMEDOUT;
}

/* sem_post. */
int rl_px_sem_post(struct rl_obj *sm)
{
    return sim_sem_release(sm) == RL_OK ? 0 : EOVERFLOW;
}

/* sem_getvalue: a step that reads the count. */
long rl_px_sem_value(struct rl_obj *sm)
{
    struct rl_run *run = sm->run;
    struct rl_thread *t = sim_enter(run);
    long v = val(sm);
    if (t)
        sim_rec(run, t, RL_OP_SEM_VALUE, RL_RES_OK, sm, -1, 0, v, v);
    return v;
}

/* pthread_barrier_wait: true for the last to arrive. */
bool rl_px_barrier_wait(struct rl_obj *b)
{
    int idx = sim_barrier_wait(b, -1);
    return idx == b->limit - 1;
}

/* pthread_once, first half (see posix.h). */
bool rl_px_once_begin(struct rl_obj *o)
{
    struct rl_run *run = o->run;
    struct sim *s = sim_of(run);
    struct rl_thread *t = sim_enter(run);
    if (!t) {
        if (val(o) != 0)
            return false;
        set_val(o, 2);
        return true;
    }
    bool blocked = false;
    for (;;) {
        long v = val(o);
        if (v == 2) {
            sim_rec(run, t, RL_OP_ONCE, blocked ? RL_RES_WOKE : RL_RES_OK, o,
                    -1, 0, 2, 2);
            return false;
        }
        if (v == 0) {
            set_val(o, 1);
            set_owner(o, t->id, 1);
            sim_rec(run, t, RL_OP_ONCE, RL_RES_OK, o, -1, 0, 0, 1);
            return true;
        }
        sim_rec(run, t, RL_OP_ONCE, RL_RES_BLOCKED, o, owner(o), 0, 1, 1);
        blocked = true;
        sim_block(s, t, o, -1);
    }
}

/* pthread_once, second half: the routine has returned. */
void rl_px_once_done(struct rl_obj *o)
{
    struct rl_thread *t = rl_px_self();
    set_val(o, 2);
    set_owner(o, -1, 0);
    sim_wake_all(o->run, o, false, 0);
    if (!t)
        return;
    rl_px_flush(t);
    sim_rec(o->run, t, RL_OP_ONCE, RL_RES_OK, o, -1, 1, 1, 2);
}

/* ---- threads, time, output, the end -------------------------------------- */

/* A scheduling point. */
void rl_px_yield(void)
{
    sim_yield();
}

/* Virtual time of the current run, in ms. */
long rl_px_now_ms(void)
{
    struct rl_run *run = rl_current;
    return run && run->sim ? sim_of(run)->now : 0;
}

/* Sleep ms of virtual time. */
void rl_px_sleep_ms(long ms)
{
    sim_sleep(ms < 0 ? 0 : ms);
}

/* Output of the calling thread: one step, one record. */
void rl_px_output(int fd, const char *text, size_t len)
{
    struct rl_run *run = rl_current;
    struct rl_thread *t = sim_enter(run);
    if (!t)
        return;
    long id = rl_run_text_add(run, text, len);
    sim_rec(run, t, RL_OP_OUTPUT, RL_RES_OK, NULL, -1, id, fd, 0);
}

/* pthread_exit. */
_Noreturn void rl_px_thread_exit(void)
{
    struct rl_thread *t = rl_px_self();
    RL_ASSERT(t != NULL);
    sim_thread_end(t);
}

/* End the run from the calling thread (see posix.h). */
void rl_px_end(enum rl_end end, long arg, const char *msg)
{
    struct rl_run *run = rl_current;
    if (!run || !run->sim)
        return;
    struct sim *s = sim_of(run);
    struct rl_thread *t = rl_px_self();
    snprintf(run->end_msg, sizeof(run->end_msg), "%s", msg);
    if (end == RL_END_EXIT)
        run->exit_status = arg;
    s->forced = end;
    if (!t)
        return;
    if (t->pend)
        rl_px_flush(t);
    enum rl_op op = end == RL_END_EXIT     ? RL_OP_EXIT
                    : end == RL_END_ASSERT ? RL_OP_ASSERT
                                           : RL_OP_CRASH;
    long a = op == RL_OP_ASSERT ? rl_run_text_add(run, msg, strlen(msg)) : arg;
    sim_rec(run, t, op, RL_RES_OK, NULL, -1, a, 0, 0);
    fiber_switch(t->backend, s->main);
    rl_panic(__FILE__, __LINE__, "a thread resumed after the run ended");
}
