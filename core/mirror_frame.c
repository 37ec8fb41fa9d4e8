/* SPDX-License-Identifier: MIT */
/*
 * mirror_frame.c - applying what a child sends to its mirror run (see
 * mirror.c): records, frames, an exercise's final state (OBSERVE) and an
 * exploration's result. Nothing is trusted: every count and id is checked
 * against the run and the limits of the engine before it is used, and a
 * message must be read exactly to its end; a false return ends the run as
 * a protocol error. A judged exercise's checks are not taken from its
 * frame (see take_failures): rl_run_evaluate computes them here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror_impl.h"
#include "schedule.h"
#include "value.h"

/* Whether every id in r is known to the mirror now. */
static bool record_known(const struct rl_run *run, const struct rl_record *r)
{
    return r->thread >= -1 && r->thread < run->nthreads && r->obj >= -1 &&
           r->obj < run->nobjs && r->other >= -1 && r->other < run->nthreads;
}

/* Push the held records whose ids are known (all: drop the others). */
void mirror_push_held(struct rl_run *run, struct mirror *m, bool all)
{
    size_t i = 0;
    for (; i < m->nheld; i++) {
        if (!record_known(run, &m->held[i])) {
            if (!all)
                break;
            continue;
        }
        rl_record_push(run, &m->held[i]);
    }
    if (i > 0 && i < m->nheld)
        memmove(m->held, m->held + i, (m->nheld - i) * sizeof *m->held);
    m->nheld -= i;
    if (all)
        m->nheld = 0;
}

/* RECORDS: check and push (or hold) them. Returns false if they lie. */
bool mirror_apply_records(struct rl_run *run, struct mirror *m,
                          struct wire_reader *r)
{
    uint32_t n = wire_get_u32(r);
    if (r->bad || (r->n - r->off) / sizeof(struct rl_record) != n ||
        (r->n - r->off) % sizeof(struct rl_record) != 0 || !run)
        return false;
    uint64_t next = run->rec_last + m->nheld + 1;
    for (uint32_t i = 0; i < n; i++) {
        struct rl_record rec;
        wire_get(r, &rec, sizeof rec);
        if (rec.seq != next++ || rec.op >= RL_OP__COUNT ||
            rec.result > RL_RES_ERROR || rec.thread < -1 ||
            rec.thread >= RL_MAX_THREADS || rec.obj < -1 ||
            rec.obj >= MIRROR_MAX_OBJS || rec.other < -1 ||
            rec.other >= RL_MAX_THREADS || rec.fn >= RL_FN__COUNT)
            return false;
        if (m->nheld == 0 && record_known(run, &rec)) {
            rl_record_push(run, &rec);
            continue;
        }
        if (m->nheld >= run->cfg.max_records)
            return false; /* a frame that never comes */
        if (m->nheld == m->held_cap) {
            m->held_cap = m->held_cap ? m->held_cap * 2 : 256;
            m->held = rl_xrealloc(m->held, m->held_cap * sizeof *m->held);
        }
        m->held[m->nheld++] = rec;
    }
    return true;
}

/* The thread tid of the mirror, created if new. */
static struct rl_thread *mirror_thread(struct rl_run *run, int tid)
{
    if (!run->threads[tid]) {
        struct rl_thread *t = rl_run_alloc(run, sizeof *t);
        t->id = tid;
        t->run = run;
        t->deadline = -1;
        atomic_store(&t->join_target, -1);
        run->threads[tid] = t;
    }
    return run->threads[tid];
}

/* The object id of the mirror, created if new. */
/* Room in run->objs for n objects (grown in the arena, as api.c does:
 * the old array stays valid for a reader). */
static void mirror_objs_reserve(struct rl_run *run, int n)
{
    if (n <= run->objs_cap)
        return;
    int cap = run->objs_cap ? run->objs_cap : 64;
    while (cap < n)
        cap *= 2;
    struct rl_obj **objs = rl_run_alloc(run, (size_t)cap * sizeof *objs);
    if (run->nobjs)
        memcpy(objs, run->objs, (size_t)run->nobjs * sizeof *objs);
    run->objs = objs;
    run->objs_cap = cap;
}

static struct rl_obj *mirror_obj(struct rl_run *run, int id)
{
    if (!run->objs[id]) {
        struct rl_obj *o = rl_run_alloc(run, sizeof *o);
        o->id = id;
        o->run = run;
        run->objs[id] = o;
    }
    return run->objs[id];
}

/* A judged run that has ended: the failures the child's threads reported
 * with rl_fail() during the run - those of the child's checks (told) that
 * a RL_OP_FAIL record names and that failed - come first, at the index
 * the records name them by, as in the child. When the run stopped there
 * (sim) or did not finish, they are the verdict, the scenario's check
 * not running; otherwise that check reports the same names again. A
 * claimed failure can only count against the program; a claimed pass is
 * never taken. */
static void take_failures(struct rl_run *run, const struct rl_check_slot *told,
                          int ntold)
{
    bool named[RL_MAX_CHECKS] = {false};
    int last = -1;
    for (uint64_t seq = rl_run_record_first(run);
         seq > 0 && seq <= run->rec_last; seq++) {
        const struct rl_record *rec = rl_run_record(run, seq);
        if (rec && rec->op == RL_OP_FAIL && rec->arg >= 0 && rec->arg < ntold &&
            !told[rec->arg].ok) {
            named[rec->arg] = true;
            if (rec->arg > last)
                last = (int)rec->arg;
        }
    }
    run->nchecks = 0;
    for (int i = 0; i <= last; i++) {
        if (!named[i])
            continue;
        struct rl_check_slot *c = &run->checks[run->nchecks++];
        *c = told[i];
        c->name[sizeof c->name - 1] = '\0';
        c->message[sizeof c->message - 1] = '\0';
    }
}

/* The threads and objects created or changed (a FRAME's middle part,
 * or a STATE): bring the mirror's up to date. Returns false if they lie. */
static bool apply_world(struct rl_run *run, struct wire_reader *r)
{
    /* Threads (their waits point at objects: resolved below). */
    int nthreads = wire_get_range(r, run->nthreads, RL_MAX_THREADS);
    int wait_id[RL_MAX_THREADS];
    bool wait_set[RL_MAX_THREADS] = {false};
    while (!r->bad && wire_get_u8(r)) {
        int id = wire_get_range(r, 0, nthreads - 1);
        if (r->bad)
            return false;
        struct rl_thread *t = mirror_thread(run, id);
        wire_get_name(r, t->name, sizeof t->name);
        atomic_store(&t->state, wire_get_range(r, RL_T_NEW, RL_T_DONE));
        wait_id[id] = wire_get_range(r, -1, MIRROR_MAX_OBJS - 1);
        wait_set[id] = true;
        atomic_store(&t->join_target, wire_get_range(r, -1, nthreads - 1));
        t->steps = wire_get_u64(r);
    }
    for (int i = 0; i < nthreads; i++)
        if (!r->bad && !run->threads[i])
            return false; /* a thread the child never described */
    if (r->bad)
        return false;
    run->nthreads = nthreads;
    /* Objects. */
    int nobjs = wire_get_range(r, run->nobjs, MIRROR_MAX_OBJS);
    if (r->bad)
        return false;
    mirror_objs_reserve(run, nobjs);
    /* Scratch for the objects' locks, kept between frames (one mirror
     * run at a time per OS thread). */
    static _Thread_local int *lock_id;
    static _Thread_local bool *lock_set;
    static _Thread_local size_t lock_cap;
    if ((size_t)nobjs + 1 > lock_cap) {
        lock_cap = (size_t)nobjs + 1 > 2 * lock_cap ? (size_t)nobjs + 1
                                                   : 2 * lock_cap;
        lock_id = rl_xrealloc(lock_id, lock_cap * sizeof *lock_id);
        lock_set = rl_xrealloc(lock_set, lock_cap * sizeof *lock_set);
    }
    memset(lock_set, 0, ((size_t)nobjs + 1) * sizeof *lock_set);
    while (!r->bad && wire_get_u8(r)) {
        int id = wire_get_range(r, 0, nobjs - 1);
        if (r->bad)
            return false;
        struct rl_obj *o = mirror_obj(run, id);
        o->kind = (enum rl_obj_kind)wire_get_range(r, RL_OBJ_VAR,
                                                   RL_OBJ_ONCE);
        wire_get_name(r, o->name, sizeof o->name);
        lock_id[id] = wire_get_range(r, -1, nobjs - 1);
        lock_set[id] = true;
        atomic_store(&o->value, (long)wire_get_i64(r));
        o->limit = (long)wire_get_i64(r);
        atomic_store(&o->owner, wire_get_range(r, -1, nthreads - 1));
        atomic_store(&o->depth, wire_get_range(r, 0, INT_MAX));
        uint8_t flags = wire_get_u8(r);
        o->broken = (flags & 1) != 0;
        o->posix = (flags & 2) != 0;
        o->nwait = wire_get_range(r, 0, RL_MAX_THREADS);
        for (int i = 0; i < o->nwait; i++)
            o->wait[i] = (int16_t)wire_get_range(r, 0, nthreads - 1);
        o->nhold = wire_get_range(r, 0, RL_MAX_THREADS);
        for (int i = 0; i < o->nhold; i++)
            o->hold[i] = (int16_t)wire_get_range(r, 0, nthreads - 1);
        o->size = wire_get_range(r, 0, 8);
        if (r->bad)
            return false;
    }
    for (int i = 0; i < nobjs; i++)
        if (!r->bad && !run->objs[i])
            return false;
    if (r->bad)
        return false;
    run->nobjs = nobjs;
    for (int i = 0; i < nobjs; i++)
        if (lock_set[i])
            run->objs[i]->lock = lock_id[i] >= 0 ? run->objs[lock_id[i]] : NULL;
    for (int i = 0; i < nthreads; i++)
        if (wait_set[i])
            atomic_store(&run->threads[i]->waiting_on,
                         wait_id[i] >= 0 && wait_id[i] < nobjs
                             ? run->objs[wait_id[i]]
                             : NULL);
    return true;
}

/* The most choices a mirror takes: never more than the run's steps (each
 * choice is a step), and far from overflowing the log's counts. */
#define MIRROR_MAX_CHOICES ((uint64_t)1 << 62)

/* CHOICES: add the child's newest choices to the mirror's log. Returns
 * false if they lie (a thread id out of range, an empty or oversized
 * chunk, a repeated chunk that is no cycle, more choices than the run
 * has steps). */
bool mirror_apply_choices(struct rl_run *run, struct mirror *m,
                          struct wire_reader *r)
{
    if (run->cfg.backend != RL_BACKEND_SIM)
        return false;
    uint64_t limit = run->cfg.max_steps < MIRROR_MAX_CHOICES
                         ? run->cfg.max_steps
                         : MIRROR_MAX_CHOICES;
    uint32_t n = wire_get_u32(r);
    struct choice_item cycle[CHOICE_LOG_PERIOD];
    for (uint32_t k = 0; k < n && !r->bad; k++) {
        uint64_t rep = wire_get_varint(r);
        uint64_t len = wire_get_varint(r);
        if (r->bad || rep == 0 || len == 0 || len > WIRE_CHOICE_CHUNK_MAX ||
            (rep > 1 && len > CHOICE_LOG_PERIOD))
            return false;
        uint64_t room = limit - choice_log_count(&m->log), sum = 0;
        for (uint64_t i = 0; i < len; i++) {
            struct choice_item it;
            it.id = wire_get_u8(r);
            it.count = wire_get_varint(r);
            if (r->bad || it.id >= RL_MAX_THREADS || it.count == 0 ||
                it.count > room - sum)
                return false;
            sum += it.count;
            if (rep == 1)
                choice_log_push_run(&m->log, it.id, it.count);
            else
                cycle[i] = it;
        }
        if (rep > 1 &&
            (rep > room / sum ||
             !choice_log_push_repeat(&m->log, cycle, (size_t)len, rep) ||
             choice_log_count(&m->log) > limit))
            return false;
    }
    return !r->bad && r->off == r->n;
}

/* STATE: the threads and objects the child's next records name, ahead of
 * its frame; then the records held for them go on. */
bool mirror_apply_state(struct rl_run *run, struct mirror *m,
                        struct wire_reader *r)
{
    if (!apply_world(run, r) || r->off != r->n)
        return false;
    mirror_push_held(run, m, false);
    return true;
}

/* FRAME: bring the mirror up to date. Returns false if the frame lies
 * (the mirror may then be partly updated; the run ends anyway). */
bool mirror_apply_frame(struct rl_run *run, struct mirror *m,
                        struct wire_reader *r)
{
    int end = wire_get_range(r, RL_END_RUNNING, RL_END_INCOMPLETE);
    wire_get_str(r, run->end_msg, sizeof run->end_msg);
    wire_clean_text(run->end_msg, true);
    m->steps = wire_get_u64(r);
    m->now = (long)wire_get_i64(r);
    m->preemptions = wire_get_i32(r);
    /* Every choice came before, in CHOICES messages. */
    if (wire_get_u64(r) != choice_log_count(&m->log))
        return false;
    for (int w = 0; w < RL_MAX_THREADS / 64; w++)
        m->runnable[w] = wire_get_u64(r);
    if (!apply_world(run, r))
        return false;
    /* Texts. */
    int64_t ntexts = wire_get_i64(r);
    if (r->bad || ntexts < 0 || ntexts > (int64_t)(r->n - r->off) / 4)
        return false;
    for (int64_t i = 0; i < ntexts; i++) {
        char *text = wire_get_strdup(r, WIRE_MAX_PAYLOAD);
        if (!text)
            return false;
        rl_run_text_add(run, text, strlen(text));
        free(text);
    }
    /* Misuse, for the engine's "no misuse" check of a judged run. */
    uint64_t misuses = wire_get_u64(r);
    wire_get_name(r, run->misuse_first, sizeof run->misuse_first);
    atomic_store(&run->misuse_count, misuses);
    /* Checks, once the run has ended: the child's (a plain C program), or
     * for a judged exercise none of them but the failures rl_fail()
     * reported (see below); rl_run_evaluate computes the rest here. */
    static _Thread_local struct rl_check_slot told[RL_MAX_CHECKS];
    int ntold = 0;
    if (wire_get_u8(r)) {
        ntold = wire_get_range(r, 0, RL_MAX_CHECKS);
        for (int i = 0; i < ntold && !r->bad; i++) {
            struct rl_check_slot *c = &told[i];
            wire_get_name(r, c->name, sizeof c->name);
            c->ok = wire_get_u8(r) != 0;
            c->count = wire_get_i32(r);
            wire_get_str(r, c->message, sizeof c->message);
            wire_clean_text(c->message, true);
        }
        if (r->bad || end == RL_END_RUNNING)
            return false;
        if (m->observe_size == 0) {
            memcpy(run->checks, told, (size_t)ntold * sizeof *told);
            run->nchecks = ntold;
            run->checked = true;
        }
    }
    if (r->bad || r->off != r->n)
        return false;
    mirror_push_held(run, m, false);
    if (m->nheld)
        return false; /* records naming what the child never created */
    run->end_msg[sizeof run->end_msg - 1] = '\0';
    m->error[0] = '\0';
    run->end = (enum rl_end)end;
    if (m->observe_size > 0 && end != RL_END_RUNNING)
        take_failures(run, told, ntold);
    return true;
}

/* OBSERVE: a copy of the exercise's final state, exactly as big as the
 * scenario's state (zero-filled, so that nothing of ours shows through). */
bool mirror_apply_observe(struct mirror *m, struct wire_reader *r, char *why,
                          size_t len)
{
    size_t n = r->n - r->off;
    if (m->observe_size == 0) {
        snprintf(why, len, "a state nobody asked for");
        return false;
    }
    if (n != m->observe_size) {
        snprintf(why, len, "the child sent %zu bytes of state, expected %zu", n,
                 m->observe_size);
        return false;
    }
    if (!m->observed)
        m->observed = rl_xmalloc(m->observe_size);
    memset(m->observed, 0, m->observe_size);
    return wire_get(r, m->observed, n);
}

/* EXPLORED: the search's result. */
bool mirror_apply_explored(struct mirror *m, struct wire_reader *r)
{
    struct rl_explore_result *x = m->xres;
    m->xrc = wire_get_i32(r);
    x->found = wire_get_u8(r) != 0;
    x->choices = wire_get_strdup(r, WIRE_MAX_PAYLOAD);
    char serr[160];
    bool schedule_ok = !x->choices || !x->found ||
                       rl_schedule_check_choices(x->choices, serr,
                                                 sizeof serr) == 0;
    if (x->choices && (!x->found || !schedule_ok)) {
        free(x->choices);
        x->choices = NULL;
    }
    wire_get_name(r, x->check, sizeof x->check);
    wire_get_str(r, x->message, sizeof x->message);
    wire_clean_text(x->message, true);
    wire_get_str(r, x->end_text, sizeof x->end_text);
    wire_clean_text(x->end_text, true);
    x->end = (enum rl_end)wire_get_range(r, RL_END_RUNNING, RL_END_INCOMPLETE);
    x->preemptions = wire_get_i32(r);
    x->steps = wire_get_u64(r);
    x->max_steps = wire_get_u64(r);
    x->phase = (enum rl_explore_phase)wire_get_range(r, RL_EXPLORE_SYSTEMATIC,
                                                     RL_EXPLORE_PCT);
    x->phase_seed = wire_get_u64(r);
    x->phase_depth = wire_get_i32(r);
    x->runs = wire_get_u64(r);
    x->systematic_runs = wire_get_u64(r);
    x->random_runs = wire_get_u64(r);
    x->pct_runs = wire_get_u64(r);
    x->spin_runs = wire_get_u64(r);
    x->finished_runs = wire_get_u64(r);
    x->bound = wire_get_i32(r);
    x->bound_complete = wire_get_i32(r);
    x->exhaustive = wire_get_u8(r) != 0;
    x->every_schedule = wire_get_u8(r) != 0;
    x->stop = (enum rl_explore_stop)wire_get_range(r, RL_EXPLORE_DONE,
                                                   RL_EXPLORE_ERROR);
    wire_get_name(r, x->error, sizeof x->error);
    uint64_t bits = wire_get_u64(r);
    memcpy(&x->seconds, &bits, sizeof bits);
    x->cost = wire_get_i32(r);
    x->found_preemptions = wire_get_i32(r);
    x->found_steps = wire_get_u64(r);
    x->shrink_runs = wire_get_u64(r);
    x->pruned_runs = wire_get_u64(r);
    x->phase_max_steps = wire_get_u64(r);
    /* A schedule is printed in a command to paste into a shell: only one
     * racelab can read goes on. */
    return !r->bad && r->off == r->n && schedule_ok &&
           (!x->found || x->choices);
}

/* Whether a mark's path is one a child's namer writes: a C path of
 * members, elements and an offset (".next", "[1][2]", "+4"), nothing a
 * terminal would act on. */
static bool mark_path_ok(const char *p)
{
    for (; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || strchr("_.[]+", *p)))
            return false;
    return true;
}

/* MEMORY: note the regions and ends the child noted (core/value.h), in
 * the same order, so that the indexes agree. Returns false if they lie
 * (an index out of turn or unknown, a kind that is none). */
bool mirror_apply_memory(struct rl_run *run, struct wire_reader *r)
{
    uint32_t first = wire_get_u32(r);
    uint32_t n = wire_get_u32(r);
    if (r->bad || first != (uint32_t)rl_value_region_count(run) ||
        n > RL_REGION_MAX)
        return false;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        char name[RL_NAME_MAX];
        uint64_t lo = wire_get_u64(r);
        uint64_t size = wire_get_u64(r);
        uint64_t born = wire_get_u64(r);
        uint8_t kind = wire_get_u8(r);
        wire_get_name(r, name, sizeof name);
        if (r->bad || kind > RL_REGION_STACK)
            return false;
        /* The child keeps no more than we do: its -1 is ours. */
        if (rl_value_region_add(run, lo, size, (enum rl_region_kind)kind, name,
                                born) < 0 &&
            rl_value_region_count(run) < RL_REGION_MAX)
            return false;
    }
    uint32_t ne = wire_get_u32(r);
    for (uint32_t i = 0; i < ne && !r->bad; i++) {
        uint32_t idx = wire_get_u32(r);
        uint64_t died = wire_get_u64(r);
        if (r->bad || idx >= (uint32_t)rl_value_region_count(run))
            return false;
        rl_value_region_end(run, (int)idx, died);
    }
    /* Then the marks, if any (a recorded conversation may have none). */
    uint32_t nm = r->off < r->n ? wire_get_u32(r) : 0;
    for (uint32_t i = 0; i < nm && !r->bad; i++) {
        char path[RL_NAME_MAX];
        uint32_t idx = wire_get_u32(r);
        uint64_t off = wire_get_u64(r);
        wire_get_name(r, path, sizeof path);
        if (r->bad || !mark_path_ok(path))
            return false;
        /* The child keeps no more than we do: its -1 is ours. */
        if (rl_value_mark_add(run, (int)idx, off, path) < 0 &&
            (idx >= (uint32_t)rl_value_region_count(run) ||
             rl_value_mark_count(run) < RL_REGION_MAX))
            return false;
    }
    return !r->bad && r->off == r->n;
}
