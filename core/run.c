/* SPDX-License-Identifier: MIT */
/*
 * run.c - the life of a run, independent of the backend: creation and the
 * program's setup, the record ring, checks and the verdict, inspection for
 * front ends, and the texts that explain a run (records, deadlocks).
 *
 * A run owns an arena: the lab's objects, threads and state are allocated
 * from it and freed together, so labs and student code never free.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

_Thread_local struct rl_run *rl_current;

_Noreturn void rl_panic(const char *file, int line, const char *msg)
{
    /* A broken invariant of our own: say where, then stop. */
    fprintf(stderr, "racelab: internal error at %s:%d: %s\n", file, line, msg);
    abort();
}

void *rl_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        rl_panic(__FILE__, __LINE__, "out of memory");
    return p;
}

void *rl_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        rl_panic(__FILE__, __LINE__, "out of memory");
    return p;
}

/* ---- arena ------------------------------------------------------------- */

struct rl_arena_block {
    struct rl_arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

/* Zeroed memory from the run's arena, 16-byte aligned. */
static void *arena_alloc(struct rl_run *run, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    struct rl_arena_block *b = run->arena;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > 16384 ? size : 16384;
        b = rl_xmalloc(sizeof(*b) + cap);
        b->next = run->arena;
        b->used = 0;
        b->cap = cap;
        run->arena = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void *rl_alloc(unsigned long size)
{
    struct rl_run *run = rl_current;
    if (!run)
        rl_panic(__FILE__, __LINE__, "rl_alloc called outside a run");
    return arena_alloc(run, size);
}

/* Used by api.c for objects and threads. */
void *rl_run_alloc(struct rl_run *run, size_t size)
{
    return arena_alloc(run, size);
}

/* ---- lifecycle ------------------------------------------------------------ */

struct rl_run *rl_run_create(const struct rl_run_config *cfg, char *err,
                             size_t errlen)
{
    if (!cfg->program.setup) {
        snprintf(err, errlen, "the program has no setup");
        return NULL;
    }
    if (cfg->backend != RL_BACKEND_SIM && cfg->backend != RL_BACKEND_OS) {
        snprintf(err, errlen, "unknown backend");
        return NULL;
    }
    struct rl_run *run = rl_xcalloc(1, sizeof(*run));
    run->cfg = *cfg;
    if (!run->cfg.max_steps)
        run->cfg.max_steps = RL_DEFAULT_MAX_STEPS;
    if (!run->cfg.max_records)
        run->cfg.max_records = RL_DEFAULT_MAX_RECORDS;
    if (!run->cfg.watchdog_ms)
        run->cfg.watchdog_ms = RL_DEFAULT_WATCHDOG_MS;
    if (!run->cfg.timeout_ms)
        run->cfg.timeout_ms = RL_DEFAULT_TIMEOUT_MS;
    run->ops = cfg->backend == RL_BACKEND_SIM ? &rl_sim_ops : &rl_os_ops;
    run->end = RL_END_RUNNING;
    if (run->ops->run_init(run, err, errlen) != 0) {
        free(run);
        return NULL;
    }
    struct rl_run *saved = rl_current;
    rl_current = run;
    run->in_setup = true;
    cfg->program.setup(cfg->program.ctx);
    run->in_setup = false;
    rl_current = saved;
    if (run->nthreads == 0) {
        snprintf(err, errlen, "the program started no thread");
        rl_run_destroy(run);
        return NULL;
    }
    return run;
}

void rl_run_destroy(struct rl_run *run)
{
    if (!run)
        return;
    if (run->abandoned)
        return; /* os threads still use it: leaked on purpose */
    for (int i = 0; i < run->nthreads; i++)
        run->ops->thread_fini(run->threads[i]);
    for (int i = 0; i < run->nobjs; i++)
        run->ops->obj_fini(run->objs[i]);
    run->ops->run_fini(run);
    if (run->abandoned)
        return;
    while (run->arena) {
        struct rl_arena_block *b = run->arena;
        run->arena = b->next;
        free(b);
    }
    free(run->ring);
    free(run);
}

/* Evaluate the checks once the run has ended. */
static enum rl_end after(struct rl_run *run, enum rl_end e)
{
    run->end = e;
    if (e != RL_END_RUNNING)
        rl_run_evaluate(run);
    return e;
}

enum rl_end rl_run_step(struct rl_run *run)
{
    if (run->end != RL_END_RUNNING)
        return run->end;
    struct rl_run *saved = rl_current;
    rl_current = run;
    enum rl_end e = run->ops->step(run, -1, NULL, 0);
    rl_current = saved;
    return after(run, e);
}

int rl_run_step_thread(struct rl_run *run, int tid, char *err, size_t errlen)
{
    if (run->end != RL_END_RUNNING) {
        snprintf(err, errlen, "the run has ended (%s)", rl_end_name(run->end));
        return -1;
    }
    if (tid < 0 || tid >= run->nthreads) {
        snprintf(err, errlen, "there is no thread %d (threads 0..%d)", tid,
                 run->nthreads - 1);
        return -1;
    }
    char msg[256] = "";
    struct rl_run *saved = rl_current;
    rl_current = run;
    enum rl_end e = run->ops->step(run, tid, msg, sizeof(msg));
    rl_current = saved;
    if (msg[0]) {
        snprintf(err, errlen, "%s", msg);
        return -1;
    }
    after(run, e);
    return 0;
}

enum rl_end rl_run_finish(struct rl_run *run)
{
    if (run->end != RL_END_RUNNING) {
        if (!run->checked)
            rl_run_evaluate(run);
        return run->end;
    }
    struct rl_run *saved = rl_current;
    rl_current = run;
    enum rl_end e = run->ops->finish(run);
    rl_current = saved;
    return after(run, e);
}

int rl_run_start(struct rl_run *run, char *err, size_t errlen)
{
    return run->ops->start(run, err, errlen);
}

enum rl_end rl_run_poll(struct rl_run *run)
{
    if (run->end != RL_END_RUNNING)
        return run->end;
    return after(run, run->ops->poll(run));
}

/* ---- records --------------------------------------------------------------- */

void rl_record_push(struct rl_run *run, const struct rl_record *rec)
{
    uint64_t count = run->rec_first ? run->rec_last - run->rec_first + 1 : 0;
    if (count == run->ring_cap && run->ring_cap < run->cfg.max_records) {
        /* Grow, unwrapping the ring into seq order. */
        size_t cap = run->ring_cap ? run->ring_cap * 2 : 256;
        if (cap > run->cfg.max_records)
            cap = run->cfg.max_records;
        struct rl_record *ring = rl_xmalloc(cap * sizeof(*ring));
        for (uint64_t s = run->rec_first; count && s <= run->rec_last; s++)
            ring[s % cap] = run->ring[s % run->ring_cap];
        free(run->ring);
        run->ring = ring;
        run->ring_cap = cap;
    }
    uint64_t seq = ++run->rec_last;
    if (!run->rec_first)
        run->rec_first = 1;
    else if (count == run->ring_cap)
        run->rec_first++; /* drop the oldest */
    struct rl_record *r = &run->ring[seq % run->ring_cap];
    *r = *rec;
    r->seq = seq;
    if (run->cfg.on_record) {
        /* The watchdog must not stop a thread in the middle of the front
         * end's own output (stdio locks): mark the callback. */
        run->in_callback = 1;
        run->cfg.on_record(run->cfg.on_record_ctx, run, r);
        run->in_callback = 0;
    }
}

uint64_t rl_run_dropped(const struct rl_run *run)
{
    uint64_t dropped = run->rec_first > 1 ? run->rec_first - 1 : 0;
    if (run->cfg.backend == RL_BACKEND_OS)
        dropped += rl_os_dropped(run);
    return dropped;
}

uint64_t rl_run_record_first(const struct rl_run *run)
{
    return run->rec_first;
}

uint64_t rl_run_record_last(const struct rl_run *run)
{
    return run->rec_last;
}

const struct rl_record *rl_run_record(const struct rl_run *run, uint64_t seq)
{
    if (!run->rec_first || seq < run->rec_first || seq > run->rec_last)
        return NULL;
    return &run->ring[seq % run->ring_cap];
}

/* ---- checks ------------------------------------------------------------------ */

/* The slot for a check name, created if new; NULL when full. */
static struct rl_check_slot *check_slot(struct rl_run *run, const char *name)
{
    for (int i = 0; i < run->nchecks; i++)
        if (strcmp(run->checks[i].name, name) == 0)
            return &run->checks[i];
    if (run->nchecks == RL_MAX_CHECKS)
        return NULL;
    struct rl_check_slot *c = &run->checks[run->nchecks++];
    snprintf(c->name, sizeof(c->name), "%s", name);
    c->ok = true;
    return c;
}

int rl_check_fail(struct rl_run *run, const char *name, const char *msg)
{
    struct rl_check_slot *c = check_slot(run, name);
    if (!c)
        return -1;
    if (c->ok || c->count == 0)
        snprintf(c->message, sizeof(c->message), "%s", msg);
    c->ok = false;
    c->count++;
    return (int)(c - run->checks);
}

void rl_check(struct rl_run *run, const char *name, bool ok, const char *fmt,
              ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (!ok) {
        rl_check_fail(run, name, msg);
        return;
    }
    struct rl_check_slot *c = check_slot(run, name);
    if (c && c->ok)
        snprintf(c->message, sizeof(c->message), "%s", msg);
}

void rl_note_misuse(struct rl_run *run, int tid, struct rl_obj *o, int status,
                    uint64_t seq)
{
    if (run->misuse_count++ == 0) {
        const char *who = tid >= 0 && tid < run->nthreads
                              ? run->threads[tid]->name
                              : "setup";
        char where[32] = "";
        if (seq > 0) /* os without recording has no step numbers */
            snprintf(where, sizeof(where), ", step %llu",
                     (unsigned long long)seq);
        snprintf(run->misuse_first, sizeof(run->misuse_first),
                 "%s: %s (%s %s%s)", who, rl_strerror(status),
                 o ? rl_obj_kind_name(o->kind) : "", o ? o->name : "",
                 where);
    }
}

void rl_run_evaluate(struct rl_run *run)
{
    if (run->checked)
        return;
    run->checked = true;
    if (run->end == RL_END_DONE && run->cfg.program.check) {
        struct rl_run *saved = rl_current;
        rl_current = run;
        run->cfg.program.check(run, run->cfg.program.ctx);
        rl_current = saved;
    }
    char text[512];
    rl_run_end_text(run, text, sizeof(text));
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    switch (run->end) {
    case RL_END_DEADLOCK:
        rl_check(run, "no deadlock", false, "deadlock: %s", text);
        break;
    case RL_END_STEP_LIMIT:
    case RL_END_TIMEOUT:
        rl_check(run, "no deadlock", true, "no deadlock");
        rl_check(run, "finishes", false, "%s", text);
        break;
    case RL_END_DIVERGED:
        rl_check(run, "schedule replays", false, "%s", text);
        break;
    default:
        rl_check(run, "no deadlock", true, "no deadlock");
        rl_check(run, "finishes", true, "every thread finished");
        break;
    }
    if (run->misuse_count) {
        char more[48] = "";
        if (run->misuse_count > 1)
            snprintf(more, sizeof(more), " (and %llu more)",
                     (unsigned long long)(run->misuse_count - 1));
        rl_check(run, "no misuse", false, "%s%s", run->misuse_first, more);
    } else {
        rl_check(run, "no misuse", true, "no synchronization errors");
    }
}

int rl_run_check_count(const struct rl_run *run)
{
    return run->nchecks;
}

void rl_run_check(const struct rl_run *run, int i, struct rl_check_result *out)
{
    const struct rl_check_slot *c = &run->checks[i];
    out->name = c->name;
    out->ok = c->ok;
    out->message = c->message;
}

bool rl_run_passed(const struct rl_run *run)
{
    if (run->end == RL_END_RUNNING || !run->checked)
        return false;
    for (int i = 0; i < run->nchecks; i++)
        if (!run->checks[i].ok)
            return false;
    return true;
}

/* ---- inspection ----------------------------------------------------------------- */

enum rl_backend rl_run_backend(const struct rl_run *run)
{
    return run->cfg.backend;
}

enum rl_end rl_run_end(const struct rl_run *run)
{
    return run->end;
}

int rl_run_thread_count(const struct rl_run *run)
{
    return run->nthreads;
}

int rl_obj_holder(const struct rl_obj *o)
{
    switch (o->kind) {
    case RL_OBJ_LOCK:
    case RL_OBJ_RLOCK:
        return atomic_load_explicit(&o->owner, memory_order_relaxed);
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        return o->nhold > 0 ? o->hold[0] : -1;
    default:
        return -1;
    }
}

void rl_run_thread(const struct rl_run *run, int tid,
                   struct rl_thread_view *out)
{
    const struct rl_thread *t = run->threads[tid];
    memset(out, 0, sizeof(*out));
    out->id = t->id;
    out->name = t->name;
    out->state = (enum rl_thread_state)atomic_load(&t->state);
    struct rl_obj *w = atomic_load(&t->waiting_on);
    int jt = atomic_load(&t->join_target);
    out->waiting_on = -1;
    out->holder = -1;
    if (out->state == RL_T_BLOCKED && w) {
        out->waiting_on = w->id;
        out->holder = rl_obj_holder(w);
    } else if (out->state == RL_T_BLOCKED && jt >= 0) {
        out->waiting_on = -2 - jt;
        out->holder = jt;
    }
    out->steps = t->steps;
}

int rl_run_object_count(const struct rl_run *run)
{
    return run->nobjs;
}

void rl_run_object(const struct rl_run *run, int id, struct rl_obj_view *out)
{
    const struct rl_obj *o = run->objs[id];
    memset(out, 0, sizeof(*out));
    out->id = o->id;
    out->kind = o->kind;
    out->name = o->name;
    out->value = atomic_load_explicit(&o->value, memory_order_relaxed);
    out->limit = o->limit;
    out->owner = atomic_load_explicit(&o->owner, memory_order_relaxed);
    out->depth = atomic_load_explicit(&o->depth, memory_order_relaxed);
    out->lock = o->lock ? o->lock->id : -1;
    out->nholders = o->nhold;
    for (int i = 0; i < o->nhold; i++)
        out->holders[i] = o->hold[i];
    out->nwaiters = o->nwait;
    for (int i = 0; i < o->nwait; i++)
        out->waiters[i] = o->wait[i];
    out->broken = o->broken;
}

int rl_run_object_find(const struct rl_run *run, const char *name)
{
    for (int i = 0; i < run->nobjs; i++)
        if (strcmp(run->objs[i]->name, name) == 0)
            return i;
    return -1;
}

/* ---- texts ----------------------------------------------------------------------- */

const char *rl_strerror(int status)
{
    switch (status) {
    case RL_OK:
        return "ok";
    case RL_TIMEOUT:
        return "timed out";
    case RL_ERR_UNLOCKED:
        return "release unlocked lock";
    case RL_ERR_NOT_OWNER:
        return "cannot release un-acquired lock";
    case RL_ERR_TOO_MANY:
        return "Semaphore released too many times";
    case RL_ERR_WAIT_UNHELD:
        return "cannot wait on un-acquired lock";
    case RL_ERR_NOTIFY_UNHELD:
        return "cannot notify on un-acquired lock";
    case RL_ERR_BROKEN:
        return "BrokenBarrierError";
    case RL_ERR_ARG:
        return "bad argument";
    default:
        return "unknown error";
    }
}

const char *rl_end_name(enum rl_end e)
{
    static const char *names[] = {"running", "finished", "deadlock",
                                  "did not finish", "diverged", "timed out"};
    return (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : "?";
}

const char *rl_obj_kind_name(enum rl_obj_kind k)
{
    static const char *names[] = {"var",       "Lock",
                                  "RLock",     "Semaphore",
                                  "BoundedSemaphore", "Condition",
                                  "Event",     "Barrier"};
    return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

const char *rl_op_name(enum rl_op op)
{
    static const char *names[] = {
        "start",  "finish",     "load",   "store",  "fetch_add",
        "acquire", "release",   "wait",   "notify", "notify_all",
        "set",    "clear",      "is_set", "wait",   "wait",
        "join",   "yield",      "sleep",  "fail"};
    return (unsigned)op < RL_OP__COUNT ? names[op] : "?";
}

/* A small append-only string builder over a caller's buffer. */
struct sbuf {
    char *buf;
    size_t len, used;
};

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = sb->used < sb->len ? sb->len - sb->used : 0;
    int n = vsnprintf(room ? sb->buf + sb->used : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb->used += (size_t)n;
}

static const char *tname(const struct rl_run *run, int tid)
{
    if (tid >= 0 && tid < run->nthreads)
        return run->threads[tid]->name;
    return "?";
}

/* What thread t waits for, with who holds it. */
static void describe_wait(const struct rl_run *run, const struct rl_thread *t,
                          struct sbuf *sb)
{
    struct rl_thread_view v;
    rl_run_thread(run, t->id, &v);
    if (v.state == RL_T_SLEEPING) {
        sb_printf(sb, "sleeps");
        return;
    }
    if (v.waiting_on <= -2) {
        sb_printf(sb, "waits to join %s", tname(run, -2 - v.waiting_on));
        return;
    }
    if (v.waiting_on < 0) {
        sb_printf(sb, "waits");
        return;
    }
    const struct rl_obj *o = run->objs[v.waiting_on];
    switch (o->kind) {
    case RL_OBJ_LOCK:
    case RL_OBJ_RLOCK:
        if (v.holder >= 0)
            sb_printf(sb, "waits for %s (held by %s)", o->name,
                      tname(run, v.holder));
        else
            sb_printf(sb, "waits for %s (free)", o->name);
        break;
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        sb_printf(sb, "waits for %s (count 0", o->name);
        for (int i = 0; i < o->nhold; i++)
            sb_printf(sb, "%s%s", i ? ", " : "; held by ",
                      tname(run, o->hold[i]));
        sb_printf(sb, ")");
        break;
    case RL_OBJ_CONDITION:
        sb_printf(sb, "waits for a notify on %s", o->name);
        break;
    case RL_OBJ_EVENT:
        sb_printf(sb, "waits for %s to be set", o->name);
        break;
    case RL_OBJ_BARRIER:
        sb_printf(sb, "waits at %s (%ld of %ld arrived)", o->name,
                  atomic_load(&o->value), o->limit);
        break;
    default:
        sb_printf(sb, "waits on %s", o->name);
    }
}

/* The locks thread tid holds, as "holds A, B" (empty if none). */
static void describe_holds(const struct rl_run *run, int tid, struct sbuf *sb)
{
    int n = 0;
    for (int i = 0; i < run->nobjs; i++) {
        const struct rl_obj *o = run->objs[i];
        bool held = false;
        if (o->kind == RL_OBJ_LOCK || o->kind == RL_OBJ_RLOCK)
            held = atomic_load(&o->owner) == tid;
        else if (o->kind == RL_OBJ_SEMAPHORE ||
                 o->kind == RL_OBJ_BOUNDED_SEMAPHORE)
            for (int k = 0; k < o->nhold; k++)
                held = held || o->hold[k] == tid;
        if (held)
            sb_printf(sb, "%s%s", n++ ? ", " : "holds ", o->name);
    }
    if (n)
        sb_printf(sb, ", ");
}

/* Follow wait-for edges (thread -> holder) from start; if they return to a
 * thread already seen, write the cycle. */
static bool find_cycle(const struct rl_run *run, int start, struct sbuf *sb)
{
    int seen[RL_MAX_THREADS];
    int n = 0;
    int t = start;
    while (t >= 0 && n < RL_MAX_THREADS) {
        for (int i = 0; i < n; i++) {
            if (seen[i] == t) {
                sb_printf(sb, "wait-for cycle: ");
                for (int k = i; k < n; k++)
                    sb_printf(sb, "%s -> ", tname(run, seen[k]));
                sb_printf(sb, "%s", tname(run, t));
                return true;
            }
        }
        seen[n++] = t;
        struct rl_thread_view v;
        rl_run_thread(run, t, &v);
        if (v.state != RL_T_BLOCKED)
            return false;
        t = v.holder;
    }
    return false;
}

size_t rl_run_end_text(const struct rl_run *run, char *buf, size_t len)
{
    struct sbuf sb = {buf, len, 0};
    if (len)
        buf[0] = '\0';
    switch (run->end) {
    case RL_END_RUNNING:
    case RL_END_DONE:
        break;
    case RL_END_DEADLOCK: {
        bool first = true;
        for (int i = 0; i < run->nthreads; i++) {
            const struct rl_thread *t = run->threads[i];
            if (atomic_load(&t->state) == RL_T_DONE)
                continue;
            sb_printf(&sb, "%s%s ", first ? "" : "; ", t->name);
            describe_holds(run, t->id, &sb);
            describe_wait(run, t, &sb);
            first = false;
        }
        for (int i = 0; i < run->nthreads; i++) {
            struct sbuf cyc = sb;
            sb_printf(&cyc, "\n");
            if (atomic_load(&run->threads[i]->state) != RL_T_DONE &&
                find_cycle(run, i, &cyc)) {
                sb = cyc;
                break;
            }
        }
        /* A cycle line tried and not kept must not stay in the buffer. */
        if (sb.used < len)
            buf[sb.used] = '\0';
        break;
    }
    case RL_END_STEP_LIMIT:
    case RL_END_DIVERGED:
    case RL_END_TIMEOUT:
        sb_printf(&sb, "%s", run->end_msg);
        break;
    }
    return sb.used;
}

size_t rl_record_text(const struct rl_run *run, const struct rl_record *r,
                      char *buf, size_t len)
{
    struct sbuf sb = {buf, len, 0};
    if (len)
        buf[0] = '\0';
    const struct rl_obj *o =
        (r->obj >= 0 && r->obj < run->nobjs) ? run->objs[r->obj] : NULL;
    const char *on = o ? o->name : "?";
    bool sem = o && (o->kind == RL_OBJ_SEMAPHORE ||
                     o->kind == RL_OBJ_BOUNDED_SEMAPHORE);
    bool rlock = o && o->kind == RL_OBJ_RLOCK;
    const char *verb = r->op == RL_OP_ACQUIRE && r->arg == 0 ? "try-acquire"
                                                            : "acquire";
    if (r->result == RL_RES_ERROR) {
        sb_printf(&sb, "%s %s: error: %s", rl_op_name(r->op), on,
                  rl_strerror((int)r->arg));
        return sb.used;
    }
    switch ((enum rl_op)r->op) {
    case RL_OP_START:
        sb_printf(&sb, "start");
        break;
    case RL_OP_FINISH:
        sb_printf(&sb, "finish");
        break;
    case RL_OP_LOAD:
        sb_printf(&sb, "load %s -> %ld", on, r->after);
        break;
    case RL_OP_STORE:
        sb_printf(&sb, "store %s <- %ld", on, r->after);
        break;
    case RL_OP_FETCH_ADD:
        sb_printf(&sb, "fetch_add %s %+ld: %ld -> %ld", on, r->arg, r->before,
                  r->after);
        break;
    case RL_OP_ACQUIRE:
        if (r->result == RL_RES_BLOCKED) {
            if (sem)
                sb_printf(&sb, "%s %s: blocked (count 0)", verb, on);
            else
                sb_printf(&sb, "%s %s: blocked (held by %s)", verb, on,
                          tname(run, r->other));
        } else if (r->result == RL_RES_TIMEOUT) {
            sb_printf(&sb, "%s %s: %s", verb, on,
                      r->arg == 0 ? "not acquired" : "timed out");
        } else {
            sb_printf(&sb, "%s %s", verb, on);
            if (sem)
                sb_printf(&sb, " (%ld -> %ld)", r->before, r->after);
            else if (rlock)
                sb_printf(&sb, " (depth %ld)", r->after);
            if (r->result == RL_RES_WOKE)
                sb_printf(&sb, " after waiting");
        }
        break;
    case RL_OP_RELEASE:
        sb_printf(&sb, "release %s", on);
        if (sem)
            sb_printf(&sb, " (%ld -> %ld)", r->before, r->after);
        else if (rlock)
            sb_printf(&sb, " (depth %ld)", r->after);
        if (r->other >= 0)
            sb_printf(&sb, ", wakes %s", tname(run, r->other));
        break;
    case RL_OP_WAIT:
        if (o && (o->kind == RL_OBJ_LOCK || o->kind == RL_OBJ_RLOCK))
            sb_printf(&sb, "wait: re-acquire %s blocked (held by %s)", on,
                      tname(run, r->other));
        else if (r->result == RL_RES_BLOCKED)
            sb_printf(&sb, "wait %s (releases %s)", on,
                      o && o->lock ? o->lock->name : "?");
        else if (r->result == RL_RES_TIMEOUT)
            sb_printf(&sb, "wait %s: timed out, re-acquired %s", on,
                      o && o->lock ? o->lock->name : "?");
        else
            sb_printf(&sb, "wait %s: notified, re-acquired %s", on,
                      o && o->lock ? o->lock->name : "?");
        break;
    case RL_OP_NOTIFY:
        if (r->arg == 0)
            sb_printf(&sb, "notify %s (no waiter)", on);
        else
            sb_printf(&sb, "notify %s (wakes %s)", on, tname(run, r->other));
        break;
    case RL_OP_NOTIFY_ALL:
        sb_printf(&sb, "notify_all %s (wakes %ld)", on, r->arg);
        break;
    case RL_OP_SET:
        sb_printf(&sb, "set %s (wakes %ld)", on, r->arg);
        break;
    case RL_OP_CLEAR:
        sb_printf(&sb, "clear %s", on);
        break;
    case RL_OP_IS_SET:
        sb_printf(&sb, "is_set %s -> %s", on, r->after ? "true" : "false");
        break;
    case RL_OP_EVENT_WAIT:
        if (r->result == RL_RES_BLOCKED)
            sb_printf(&sb, "wait %s: blocked (not set)", on);
        else if (r->result == RL_RES_TIMEOUT)
            sb_printf(&sb, "wait %s: timed out", on);
        else if (r->result == RL_RES_WOKE)
            sb_printf(&sb, "wait %s: set, wakes", on);
        else
            sb_printf(&sb, "wait %s (already set)", on);
        break;
    case RL_OP_BARRIER:
        if (r->result == RL_RES_BLOCKED)
            sb_printf(&sb, "wait %s: arrived %ld of %ld, blocked", on,
                      r->after + 1, o ? o->limit : 0);
        else if (r->result == RL_RES_TIMEOUT)
            sb_printf(&sb, "wait %s: timed out, barrier broken", on);
        else if (r->result == RL_RES_WOKE)
            sb_printf(&sb, "wait %s: released (index %ld)", on, r->after);
        else
            sb_printf(&sb, "wait %s: arrived %ld of %ld, releases all", on,
                      r->after + 1, o ? o->limit : 0);
        break;
    case RL_OP_JOIN:
        if (r->result == RL_RES_BLOCKED)
            sb_printf(&sb, "join %s: blocked", tname(run, r->other));
        else
            sb_printf(&sb, "join %s", tname(run, r->other));
        break;
    case RL_OP_YIELD:
        sb_printf(&sb, "yield");
        break;
    case RL_OP_SLEEP:
        if (r->result == RL_RES_WOKE)
            sb_printf(&sb, "wake up (t=%ld ms)", r->after);
        else
            sb_printf(&sb, "sleep %ld ms", r->arg);
        break;
    case RL_OP_FAIL:
        sb_printf(&sb, "check failed: %s",
                  r->arg >= 0 && r->arg < run->nchecks
                      ? run->checks[r->arg].name
                      : "?");
        break;
    default:
        sb_printf(&sb, "?");
    }
    return sb.used;
}
