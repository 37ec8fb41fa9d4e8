/* SPDX-License-Identifier: MIT */
/*
 * run.c - the life of a run, independent of the backend: creation and the
 * program's setup, the record ring, checks and the verdict, and inspection
 * for front ends. The texts that explain a run (records, deadlocks, names)
 * are in run_text.c and run_text_record.c.
 *
 * A run owns an arena: the lab's objects, threads and state are allocated
 * from it and freed together, so labs and student code never free.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "value.h"

_Thread_local struct rl_run *rl_current;

static void ring_free(struct rl_run *run);

/* Report file:line on stderr and abort (see RL_ASSERT). */
_Noreturn void rl_panic(const char *file, int line, const char *msg)
{
    /* A broken invariant of our own: say where, then stop. */
    fprintf(stderr, "racelab: internal error at %s:%d: %s\n", file, line, msg);
    abort();
}

/* ---- arena --------------------------------------------------------------- */

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

/* The student API's allocator: zeroed memory freed with the current run.
 * Outside a run, or for more than RL_ALLOC_MAX bytes at once, it is a
 * misuse (noted in the run, if any) and returns NULL. */
void *rl_alloc(unsigned long size)
{
    struct rl_run *run = rl_current;
    if (!run)
        return NULL;
    if (size > RL_ALLOC_MAX) {
        char what[96];
        snprintf(what, sizeof(what),
                 "rl_alloc: %lu bytes at once (at most "
                 "%lu)",
                 size, (unsigned long)RL_ALLOC_MAX);
        rl_note_misuse_named(run, rl_self(), what, RL_ERR_LIMIT,
                             run->cfg.backend == RL_BACKEND_SIM ? run->rec_last
                                                                : 0);
        return NULL;
    }
    /* A loop of allocations makes no scheduling call: be a safe point for
     * the watchdog before touching malloc. */
    rl_sim_safe_point(run);
    return arena_alloc(run, size);
}

/* Used by api.c for objects and threads. */
void *rl_run_alloc(struct rl_run *run, size_t size)
{
    return arena_alloc(run, size);
}

/* ---- lifecycle ----------------------------------------------------------- */

/* Create a run, let its backend set up, and run the program's setup with
 * the run current (see run.h). */
/* One round-robin run of prog (the PCT scheduler's and exploration's
 * estimate k of a run's length); see run.h. */
int rl_run_probe_length(const struct rl_program *prog, uint64_t max_steps,
                        uint64_t *steps, char *err, size_t errlen)
{
    struct rl_run_config rc = {0};

    rc.program = *prog;
    rc.backend = RL_BACKEND_SIM;
    rc.sched.kind = RL_SCHED_RR;
    rc.sched.quantum = 1;
    rc.max_steps = max_steps;
    rc.max_records = 64; /* only the count is used */
    struct rl_run *probe = rl_run_create(&rc, err, errlen);
    if (!probe)
        return -1;
    rl_run_finish(probe);
    *steps = rl_run_record_last(probe);
    rl_run_destroy(probe);
    return 0;
}

/* PCT places its change points over an estimate k of a run's length:
 * the probe's, or 1000 if the program cannot run (rl_run_create then
 * reports why). */
static int pct_steps(const struct rl_run_config *cfg)
{
    char err[64];
    uint64_t n;

    if (rl_run_probe_length(&cfg->program, cfg->max_steps, &n, err,
                            sizeof(err)) != 0)
        return 1000;
    return n > 0 && n < 100000000 ? (int)n : 1000;
}

struct rl_run *rl_run_create(const struct rl_run_config *cfg, char *err,
                             size_t errlen)
{
    if (cfg->program.external)
        return rl_mirror_create(cfg, err, errlen);
    if (!cfg->program.setup) {
        snprintf(err, errlen, "the program has no setup");
        return NULL;
    }
    if (cfg->backend != RL_BACKEND_SIM && cfg->backend != RL_BACKEND_OS) {
        snprintf(err, errlen, "unknown backend");
        return NULL;
    }
    if (cfg->backend == RL_BACKEND_OS)
        rl_os_sweep(); /* free abandoned runs whose threads are gone */
    struct rl_run *run = rl_xcalloc(1, sizeof(*run));
    run->cfg = *cfg;
    if (cfg->backend == RL_BACKEND_SIM && cfg->sched.kind == RL_SCHED_PCT &&
        cfg->sched.pct_steps <= 0)
        run->cfg.sched.pct_steps = pct_steps(cfg);
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

/* Free a run, its backend state and its arena; accepts NULL. An abandoned
 * os run is left alone: its stuck threads still use it. */
void rl_run_destroy(struct rl_run *run)
{
    if (!run)
        return;
    if (run->abandoned) {
        rl_os_bury(run); /* os threads may still use it */
        return;
    }
    for (int i = 0; i < run->nthreads; i++)
        run->ops->thread_fini(run->threads[i]);
    for (int i = 0; i < run->nobjs; i++)
        run->ops->obj_fini(run->objs[i]);
    run->ops->run_fini(run);
    if (run->abandoned) {
        rl_os_bury(run); /* abandoned just now by the fini above */
        return;
    }
    if (run->cfg.ctx_free)
        run->cfg.ctx_free(run->cfg.program.ctx);
    while (run->arena) {
        struct rl_arena_block *b = run->arena;
        run->arena = b->next;
        free(b);
    }
    for (long i = 0; i < run->ntexts; i++)
        free(run->texts[i]);
    free(run->texts);
    rl_value_free(run);
    ring_free(run);
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

/* One step chosen by the scheduler; the checks run when it ends the run. */
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

/* One step of thread tid; -1 with a message if it cannot run now. */
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

/* Run to the end and evaluate the checks (once). */
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

/* Start a background run (os). */
int rl_run_start(struct rl_run *run, char *err, size_t errlen)
{
    return run->ops->start(run, err, errlen);
}

/* How a background run stands; the checks run when it has ended. */
enum rl_end rl_run_poll(struct rl_run *run)
{
    if (run->end != RL_END_RUNNING)
        return run->end;
    return after(run, run->ops->poll(run));
}

/* ---- records ------------------------------------------------------------- */

/* Records per chunk of the ring: 1024 x 56 bytes stays under malloc's
 * mmap threshold, so the chunks of short runs come from (and go back to)
 * the heap instead of costing a map and an unmap per run. */
#define RING_CHUNK 1024

/* Lay out the ring for cfg.max_records (no memory yet). */
static void ring_init(struct rl_run *run)
{
    /* A window that large is unbounded anyway; the cap keeps ring_cap
     * (rounded up to whole chunks) from overflowing. */
    if (run->cfg.max_records > SIZE_MAX / 4)
        run->cfg.max_records = SIZE_MAX / 4;
    size_t want = run->cfg.max_records;
    run->chunk_len = want < RING_CHUNK ? want : RING_CHUNK;
    run->nchunks = (want + run->chunk_len - 1) / run->chunk_len;
    run->ring_cap = run->nchunks * run->chunk_len;
}

/* Free the ring's chunks and table. */
static void ring_free(struct rl_run *run)
{
    for (size_t i = 0; i < run->chunks_made; i++)
        free(run->chunks[i]);
    free(run->chunks);
}

/* The ring's slot at position pos. Positions are first reached in order,
 * so the chunk to make is always the next one: the table of chunks grows
 * with them (a short run, most runs of exploration, has one). */
static struct rl_record *ring_slot(struct rl_run *run, size_t pos)
{
    size_t k = pos / run->chunk_len;
    if (k == run->chunks_made) {
        if (k == run->chunks_cap) {
            run->chunks_cap = run->chunks_cap ? run->chunks_cap * 2 : 4;
            if (run->chunks_cap > run->nchunks)
                run->chunks_cap = run->nchunks;
            run->chunks = rl_xrealloc(run->chunks, run->chunks_cap *
                                                       sizeof(*run->chunks));
        }
        run->chunks[k] = rl_xmalloc(run->chunk_len * sizeof(struct rl_record));
        run->chunks_made++;
    }
    return &run->chunks[k][pos % run->chunk_len];
}

/* Append a record: it takes the next ring position (no record is ever
 * moved); past max_records the oldest is dropped. */
void rl_record_push(struct rl_run *run, const struct rl_record *rec)
{
    if (!run->ring_cap)
        ring_init(run);
    uint64_t seq = ++run->rec_last;
    if (!run->rec_first)
        run->rec_first = 1;
    else if (seq - run->rec_first + 1 > run->cfg.max_records)
        run->rec_first++; /* drop the oldest */
    struct rl_record *r = ring_slot(run, run->head);
    if (++run->head == run->ring_cap)
        run->head = 0;
    *r = *rec;
    r->seq = seq;
    if (rec->obj >= 0 && rec->obj < run->nobjs && run->objs[rec->obj]) {
        /* A memory variable's last range text (struct rl_obj's text). */
        struct rl_obj *o = run->objs[rec->obj];
        if (o->kind == RL_OBJ_VAR && (o->text || rec->fn)) {
            o->text = rec->fn && rec->arg >= 0 ? rec->arg + 1 : 0;
            o->text_value = rec->after;
        }
    }
    /* Names for the addresses it holds, before anyone sees it. */
    rl_value_note_record(run, r);
    if (run->cfg.on_record) {
        run->cfg.on_record(run->cfg.on_record_ctx, run, r);
    }
}

/* Keep a copy of text in the run (see engine.h). */
long rl_run_text_add(struct rl_run *run, const char *text, size_t len)
{
    if (run->ntexts == run->texts_cap) {
        run->texts_cap = run->texts_cap ? run->texts_cap * 2 : 64;
        run->texts = rl_xrealloc(run->texts,
                                 (size_t)run->texts_cap * sizeof(*run->texts));
    }
    char *copy = rl_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    run->texts[run->ntexts] = copy;
    return run->ntexts++;
}

/* Text id of the run, or NULL (see run.h). */
const char *rl_run_text(const struct rl_run *run, long id)
{
    return id >= 0 && id < run->ntexts ? run->texts[id] : NULL;
}

/* The run's storage counters (see run.h). */
void rl_run_storage(const struct rl_run *run, struct rl_run_storage *out)
{
    memset(out, 0, sizeof(*out));
    out->record_bytes = run->chunks_made * run->chunk_len *
                            sizeof(struct rl_record) +
                        run->chunks_cap * sizeof(*run->chunks);
    out->record_window = run->cfg.max_records;
    out->records_kept =
        run->rec_first ? run->rec_last - run->rec_first + 1 : 0;
    sim_storage(run, out);
}

/* Records made but not kept (see run.h). */
uint64_t rl_run_dropped(const struct rl_run *run)
{
    uint64_t dropped = run->rec_first > 1 ? run->rec_first - 1 : 0;
    if (run->cfg.backend == RL_BACKEND_OS && !run->mirror)
        dropped += rl_os_dropped(run);
    return dropped;
}

/* The oldest record kept, or 0 when there is none. */
uint64_t rl_run_record_first(const struct rl_run *run)
{
    return run->rec_first;
}

/* The newest record, or 0 when there is none. */
uint64_t rl_run_record_last(const struct rl_run *run)
{
    return run->rec_last;
}

/* Record seq, or NULL if it was never made or has been dropped. */
const struct rl_record *rl_run_record(const struct rl_run *run, uint64_t seq)
{
    if (!run->rec_first || seq < run->rec_first || seq > run->rec_last)
        return NULL;
    /* Record seq went to position (seq - 1) % ring_cap: the first record
     * took position 0 and each one the next. */
    size_t pos = (size_t)((seq - 1) % run->ring_cap);
    return &run->chunks[pos / run->chunk_len][pos % run->chunk_len];
}

/* ---- checks -------------------------------------------------------------- */

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

/* Fail check name with msg (the first failure's message is kept);
 * returns the check index, or -1 when there are too many checks. */
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

/* Add a check result; a passing result never hides an earlier failure
 * of the same check. */
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

/* Count a misuse by thread tid (-1: setup) of the object described as
 * what ("Lock L") at record seq, keeping the first one's message for the
 * "no misuse" check. The count is atomic: on os, lab threads report
 * misuse concurrently; only the first writes the message. */
void rl_note_misuse_named(struct rl_run *run, int tid, const char *what,
                          int status, uint64_t seq)
{
    if (atomic_fetch_add(&run->misuse_count, 1) == 0) {
        const char *who =
            tid >= 0 && tid < run->nthreads ? run->threads[tid]->name : "setup";
        char where[32] = "";
        if (seq > 0) /* os without recording has no step numbers */
            snprintf(where, sizeof(where), ", step %llu",
                     (unsigned long long)seq);
        snprintf(run->misuse_first, sizeof(run->misuse_first), "%s: %s (%s%s)",
                 who, rl_strerror(status), what, where);
    }
}

/* The same for a misuse of object o. */
void rl_note_misuse(struct rl_run *run, int tid, struct rl_obj *o, int status,
                    uint64_t seq)
{
    char what[64];
    snprintf(what, sizeof(what), "%s %s", o ? rl_obj_kind_name(o->kind) : "",
             o ? o->name : "");
    rl_note_misuse_named(run, tid, what, status, seq);
}

/* Once the run has ended: the program's checks (only if every thread
 * finished), then the engine's - no deadlock, finishes, no misuse. */
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
    case RL_END_FAILED:
        break; /* stopped early: neither a deadlock nor the end */
    case RL_END_EXIT:
        if (run->mirror) { /* the child process ended itself mid-run */
            rl_check(run, "no exit", false, "%s", text);
            return;
        }
        rl_check(run, "no deadlock", true, "no deadlock");
        rl_check(run, "exit status", run->exit_status == 0, "%s", text);
        break;
    case RL_END_ASSERT:
        rl_check(run, "assertions", false, "%s", text);
        break;
    case RL_END_CRASH:
        rl_check(run, "no crash", false, "%s", text);
        if (run->mirror)
            return;
        break;
    case RL_END_PROTOCOL:
        rl_check(run, "protocol", false, "%s", text);
        return;
    case RL_END_INCOMPLETE:
        rl_check(run, "finishes", false, "%s", text);
        return;
    default:
        rl_check(run, "no deadlock", true, "no deadlock");
        rl_check(run, "finishes", true, "every thread finished");
        break;
    }
    uint64_t misuses = atomic_load(&run->misuse_count);
    if (misuses) {
        char more[48] = "";
        if (misuses > 1)
            snprintf(more, sizeof(more), " (and %llu more)",
                     (unsigned long long)(misuses - 1));
        rl_check(run, "no misuse", false, "%s%s", run->misuse_first, more);
    } else {
        rl_check(run, "no misuse", true, "no synchronization errors");
    }
}

/* How many checks the run has. */
int rl_run_check_count(const struct rl_run *run)
{
    return run->nchecks;
}

/* Check i; the strings belong to the run. */
void rl_run_check(const struct rl_run *run, int i, struct rl_check_result *out)
{
    const struct rl_check_slot *c = &run->checks[i];
    out->name = c->name;
    out->ok = c->ok;
    out->message = c->message;
}

/* Whether the run has ended, been checked, and passed every check. */
bool rl_run_passed(const struct rl_run *run)
{
    if (run->end == RL_END_RUNNING || !run->checked)
        return false;
    for (int i = 0; i < run->nchecks; i++)
        if (!run->checks[i].ok)
            return false;
    return true;
}

/* ---- inspection ---------------------------------------------------------- */

/* The run's backend. */
enum rl_backend rl_run_backend(const struct rl_run *run)
{
    return run->cfg.backend;
}

/* How the run ended, or RL_END_RUNNING. */
enum rl_end rl_run_end(const struct rl_run *run)
{
    return run->end;
}

/* How many threads the program started. */
int rl_run_thread_count(const struct rl_run *run)
{
    return run->nthreads;
}

/* Who holds o: a lock's owner, a semaphore's oldest holder, else -1. */
int rl_obj_holder(const struct rl_obj *o)
{
    switch (o->kind) {
    case RL_OBJ_LOCK:
    case RL_OBJ_RLOCK:
    case RL_OBJ_MUTEX:
    case RL_OBJ_SPINLOCK:
    case RL_OBJ_ONCE:
        return atomic_load_explicit(&o->owner, memory_order_relaxed);
    case RL_OBJ_RWLOCK: {
        int w = atomic_load_explicit(&o->owner, memory_order_relaxed);
        return w >= 0 ? w : o->nhold > 0 ? o->hold[0] : -1;
    }
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        return o->nhold > 0 ? o->hold[0] : -1;
    default:
        return -1;
    }
}

/* Take the lock that guards the lists the live view copies: the display
 * mutex of an os run whose threads may be running; nothing on sim. */
static void view_lock(const struct rl_run *run)
{
    if (run->cfg.backend == RL_BACKEND_OS && run->os)
        rl_os_view_lock(run);
}

static void view_unlock(const struct rl_run *run)
{
    if (run->cfg.backend == RL_BACKEND_OS && run->os)
        rl_os_view_unlock(run);
}

/* A snapshot of thread tid: state, what it waits on and who holds that
 * (a join waits on -2 - the joined thread). */
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
        /* a semaphore's holders: a list the os threads change */
        view_lock(run);
        out->holder = rl_obj_holder(w);
        view_unlock(run);
    } else if (out->state == RL_T_BLOCKED && jt >= 0) {
        out->waiting_on = -2 - jt;
        out->holder = jt;
    }
    out->steps = t->steps;
}

/* How many objects the program created. */
int rl_run_object_count(const struct rl_run *run)
{
    return run->nobjs;
}

/* A snapshot of object id; name points into the run. */
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
    /* One consistent copy of the lists, under the lock their writers
     * hold (os: the display mutex; sim: nobody else runs). */
    view_lock(run);
    out->nholders = o->nhold;
    for (int i = 0; i < o->nhold; i++)
        out->holders[i] = o->hold[i];
    out->nwaiters = o->nwait;
    for (int i = 0; i < o->nwait; i++)
        out->waiters[i] = o->wait[i];
    out->broken = o->broken;
    out->posix = o->posix;
    view_unlock(run);
}

/* The id of the object named name, or -1. */
int rl_run_object_find(const struct rl_run *run, const char *name)
{
    for (int i = 0; i < run->nobjs; i++)
        if (strcmp(run->objs[i]->name, name) == 0)
            return i;
    return -1;
}
