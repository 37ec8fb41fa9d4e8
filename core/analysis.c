/* SPDX-License-Identifier: MIT */
/*
 * analysis.c - data races (happens-before with vector clocks) and lost
 * updates, computed from a run's records (lost wakeups have a file of
 * their own: analysis_wakeup.c).
 *
 * Vector clocks, as in Lamport / Mattern, in the style of FastTrack's
 * epochs: each thread t has a clock C_t; each synchronization object o has
 * a clock L_o. A release-like step (release, notify, set, barrier arrival,
 * a Condition.wait giving up its lock) joins C_t into L_o and ticks C_t[t];
 * an acquire-like step (acquire, a woken wait, a wait that sees the event
 * set, leaving a barrier) joins L_o into C_t. A C program's atomics do
 * as their memory order says: seq_cst, acq_rel, acquire and release as
 * above, relaxed neither, except through fences (a release fence's clock
 * goes with the thread's later relaxed stores; what relaxed loads read
 * becomes the thread's at its next acquire fence). A thread started by another
 * begins with its parent's clock at the start; a thread's finish is kept
 * and joined by whoever joins it. An access to a variable remembers the epoch
 * C_t[t] of its thread; a later access by another thread u is ordered
 * after it only if C_u has caught up with that epoch.
 *
 * Byte ranges. A C program's plain access covers its variable's bytes
 * (from the address the object has; see Widths); a C library call's (memcpy,
 * strcpy, printf's "%s": a record with fn), or a range the compiler
 * reports (a struct copied by assignment), covers the bytes it touched,
 * which may hold other variables. Such ranges are kept in a list of their
 * own, each with its thread's epoch: every later access is compared with
 * the ranges it overlaps, and a range with the per-variable state of
 * every variable it overlaps. So two threads that strcpy into the two
 * halves of one buffer do not race, and a plain store to msg[20] races
 * with another thread's strcpy over it. A thread's range takes the
 * place of its earlier ones inside it (whatever is unordered with those
 * is with it too), and the list drops those every other thread has
 * caught up with.
 *
 * Widths. A plain access covers the bytes of its own width (the record's
 * len), which may differ from its variable's: an int store to x and a
 * char load of ((char *)&x)[1] are two variables (x and the byte at
 * x + 1) whose bytes overlap. Before the records are read, every
 * variable's bytes are the widest access it had; a variable that shares
 * bytes with another of the same global, heap block or stack (the
 * region alive at its first record: a block freed and handed out again
 * is another) is "mixed", and each plain access to it is kept as a range
 * of its own bytes, compared as above. So the char load races with the
 * int store, and two threads that write two different bytes of one
 * word do not.
 */
#include "analysis.h"
#include "analysis_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "value.h"

/* Vector clocks have one entry per thread of the run (n): they are
 * slices of flat arrays, clock i at [i * n]. */
struct var_state {
    /* race detection: the last write and each thread's last read */
    bool has_write, write_atomic, reported;
    int write_thread;
    uint32_t write_epoch;
    uint64_t write_seq;
    uint32_t *read_epoch; /* per thread; 0 = no read since the write */
    uint64_t *read_seq;   /* per thread */
};

/* Lost updates, per variable: stores so far, the last one, and each
 * thread's last load. */
struct lost_var {
    uint64_t stores;
    int last_thread;
    uint64_t last_seq;
    long last_value;
    bool loaded[RL_MAX_THREADS];
    uint64_t load_version[RL_MAX_THREADS];
    uint64_t load_seq[RL_MAX_THREADS];
    long load_value[RL_MAX_THREADS];
};

struct rl_lost_tracker {
    struct lost_var *var; /* per object id, grown on demand */
    int nvar;
};

/* A C library call's access to a range of bytes (or a plain access to
 * a mixed variable), for the accesses that come later. */
struct range_acc {
    uint64_t lo, hi; /* [lo, hi) in the program's process */
    uint64_t seq;
    uint32_t epoch;
    int thread;
    int region; /* the region of its variable (var_info) */
    bool write;
};

/* A C memory variable's bytes, for the ranges that overlap it. */
struct var_span {
    uint64_t lo, hi;
    int obj;
};

/* What the records say of a C memory variable before they are read. */
struct var_info {
    uint64_t lo, hi; /* its bytes: its address, and the widest access */
    uint64_t first;  /* its first record, 0: none */
    int region;      /* rl_value_region_id at its first record, or -1 */
    bool mixed;      /* shares bytes with another variable of its region */
};

struct hb {
    int nthreads;
    uint32_t *thr;           /* per thread */
    uint32_t *fin;           /* per thread: its clock when it finished */
    uint32_t *obj;           /* per object */
    uint32_t *relf;          /* per thread: its clock at its last release
                                fence (a later relaxed store releases it) */
    uint32_t *acqp;          /* per thread: what its relaxed loads read
                                since (an acquire fence takes it) */
    uint32_t *read_epoch;    /* per variable x thread (var_state) */
    uint64_t *read_seq;
    struct var_state *var;   /* per object (used for variables) */
    struct rl_lost_tracker lost;
    struct rl_analysis *out;
    struct range_acc *ranges; /* the ranges so far (see the top) */
    size_t nranges, ranges_cap;
    struct var_info *info;   /* per object (C memory variables) */
    struct var_span *spans;  /* the memory variables with records, by
                                address */
    size_t nspans;
    uint64_t span_max;       /* the widest of them */
};

/* Clock i of a flat array (see struct var_state). */
#define VC(h, arr, i) ((arr) + (size_t)(i) * (size_t)(h)->nthreads)

static void vc_join(uint32_t *into, const uint32_t *from, int n)
{
    for (int i = 0; i < n; i++)
        if (from[i] > into[i])
            into[i] = from[i];
}

/* Thread t hands what it knows to object o (a release). */
static void release(struct hb *h, int t, int o)
{
    vc_join(VC(h, h->obj, o), VC(h, h->thr, t), h->nthreads);
    VC(h, h->thr, t)[t]++;
}

/* Thread t learns what object o knows (an acquire). */
static void acquire(struct hb *h, int t, int o)
{
    vc_join(VC(h, h->thr, t), VC(h, h->obj, o), h->nthreads);
}

/* Whether a C11 order (enum rl_mem_order) acquires / releases. */
static bool mo_acquires(int mo)
{
    return mo == RL_MO_SEQ_CST || mo == RL_MO_ACQUIRE || mo == RL_MO_ACQ_REL;
}

static bool mo_releases(int mo)
{
    return mo == RL_MO_SEQ_CST || mo == RL_MO_RELEASE || mo == RL_MO_ACQ_REL;
}

/* The read half of an atomic of thread t on o with order mo: an acquire,
 * or (relaxed) kept for t's next acquire fence. */
static void atomic_read(struct hb *h, int t, int o, int mo)
{
    if (mo_acquires(mo))
        acquire(h, t, o);
    else
        vc_join(VC(h, h->acqp, t), VC(h, h->obj, o), h->nthreads);
}

/* The write half: a release, or (relaxed) what t's last release fence
 * knew. */
static void atomic_write(struct hb *h, int t, int o, int mo)
{
    if (mo_releases(mo))
        release(h, t, o);
    else
        vc_join(VC(h, h->obj, o), VC(h, h->relf, t), h->nthreads);
}

static void report_race(struct hb *h, int obj, struct var_state *v,
                        int first_thread, uint64_t first_seq, bool first_write,
                        int t, uint64_t seq, bool write)
{
    if (v->reported)
        return;
    v->reported = true;
    if (h->out->nraces == RL_ANALYSIS_MAX)
        return;
    struct rl_race *r = &h->out->races[h->out->nraces++];
    r->obj = obj;
    r->first_thread = first_thread;
    r->first_seq = first_seq;
    r->first_write = first_write;
    r->second_thread = t;
    r->second_seq = seq;
    r->second_write = write;
}

/* A load (write == false) or a store of variable obj by thread t. */
static void access_var(struct hb *h, int t, int obj, uint64_t seq, bool write,
                       bool atomic)
{
    struct var_state *v = &h->var[obj];
    const uint32_t *c = VC(h, h->thr, t);
    if (v->has_write && v->write_thread != t &&
        !(atomic && v->write_atomic) &&
        v->write_epoch > c[v->write_thread])
        report_race(h, obj, v, v->write_thread, v->write_seq, true, t, seq,
                    write);
    if (write) {
        for (int u = 0; u < h->nthreads; u++)
            if (u != t && v->read_epoch[u] > c[u])
                report_race(h, obj, v, u, v->read_seq[u], false, t, seq,
                            true);
        v->has_write = true;
        v->write_atomic = atomic;
        v->write_thread = t;
        v->write_epoch = c[t];
        v->write_seq = seq;
        memset(v->read_epoch, 0, (size_t)h->nthreads * sizeof(uint32_t));
    } else if (!atomic) {
        v->read_epoch[t] = c[t];
        v->read_seq[t] = seq;
    }
}

/* The bytes of memory variable o (its widest access), or false (not a
 * C program's). */
static bool var_bytes(const struct hb *h, int o, uint64_t *lo, uint64_t *hi)
{
    const struct var_info *v = &h->info[o];
    if (v->hi == 0)
        return false;
    *lo = v->lo;
    *hi = v->hi;
    return true;
}

/* qsort's order of spans: by address. */
static int span_cmp(const void *x, const void *y)
{
    const struct var_span *a = x, *b = y;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return (a->obj > b->obj) - (a->obj < b->obj);
}

/* Before the records are read: each memory variable's bytes (its widest
 * plain access), its region, which ones are mixed (see the top), and
 * the spans by address. */
static void vars_survey(struct hb *h, const struct rl_run *run, int nobj,
                        uint64_t first, uint64_t last)
{
    h->info = rl_xcalloc((size_t)nobj + 1, sizeof *h->info);
    for (int o = 0; o < nobj; o++) {
        const struct rl_obj *v = run->objs[o];
        if (v && v->kind == RL_OBJ_VAR && v->limit != 0) {
            h->info[o].lo = (uint64_t)v->limit;
            h->info[o].hi =
                h->info[o].lo + (uint64_t)(v->size > 0 ? v->size : 1);
        }
    }
    for (uint64_t s = first; s && s <= last; s++) {
        const struct rl_record *r = rl_run_record(run, s);
        if (!r || r->obj < 0 || r->obj >= nobj || h->info[r->obj].hi == 0)
            continue;
        struct var_info *v = &h->info[r->obj];
        if (v->first == 0) {
            v->first = s;
            v->region = rl_value_region_id(run, v->lo, s);
        }
        if ((r->op == RL_OP_LOAD || r->op == RL_OP_STORE) && !r->fn &&
            v->lo + r->len > v->hi)
            v->hi = v->lo + r->len;
    }
    h->spans = rl_xcalloc((size_t)nobj + 1, sizeof *h->spans);
    for (int o = 0; o < nobj; o++) {
        const struct var_info *v = &h->info[o];
        if (v->first == 0)
            continue;
        h->spans[h->nspans++] = (struct var_span){v->lo, v->hi, o};
        if (v->hi - v->lo > h->span_max)
            h->span_max = v->hi - v->lo;
    }
    qsort(h->spans, h->nspans, sizeof *h->spans, span_cmp);
    for (size_t i = 0; i < h->nspans; i++) {
        const struct var_span *b = &h->spans[i];
        for (size_t j = i; j-- > 0 && h->spans[j].lo + h->span_max > b->lo;) {
            const struct var_span *a = &h->spans[j];
            struct var_info *va = &h->info[a->obj], *vb = &h->info[b->obj];
            if (a->hi > b->lo && va->region == vb->region)
                va->mixed = vb->mixed = true;
        }
    }
}

/* The ranges of other threads that [lo, hi) of thread t overlaps without
 * being ordered after them, one of the two a write: a race, reported on
 * variable obj. */
static void range_vs_ranges(struct hb *h, int t, int obj, uint64_t lo,
                            uint64_t hi, uint64_t seq, bool write)
{
    const uint32_t *c = VC(h, h->thr, t);
    int region = h->info[obj].region;
    for (size_t i = 0; i < h->nranges && !h->var[obj].reported; i++) {
        const struct range_acc *r = &h->ranges[i];
        if (r->thread != t && (r->write || write) && r->lo < hi && lo < r->hi &&
            r->region == region && r->epoch > c[r->thread])
            report_race(h, obj, &h->var[obj], r->thread, r->seq, r->write, t,
                        seq, write);
    }
}

/* A range [lo, hi) of thread t against the variables it overlaps: their
 * last write, and (for a write) their reads, as access_var does. */
static void range_vs_vars(struct hb *h, int t, int region, uint64_t lo,
                          uint64_t hi, uint64_t seq, bool write)
{
    const uint32_t *c = VC(h, h->thr, t);
    /* The first span that may reach lo. */
    size_t a = 0, b = h->nspans;
    uint64_t from = lo > h->span_max ? lo - h->span_max : 0;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (h->spans[mid].lo < from)
            a = mid + 1;
        else
            b = mid;
    }
    for (size_t i = a; i < h->nspans && h->spans[i].lo < hi; i++) {
        int p = h->spans[i].obj;
        if (h->spans[i].hi <= lo || h->info[p].region != region)
            continue;
        struct var_state *v = &h->var[p];
        if (v->has_write && v->write_thread != t &&
            v->write_epoch > c[v->write_thread])
            report_race(h, p, v, v->write_thread, v->write_seq, true, t, seq,
                        write);
        for (int u = 0; write && u < h->nthreads; u++)
            if (u != t && v->read_epoch[u] > c[u])
                report_race(h, p, v, u, v->read_seq[u], false, t, seq, true);
    }
}

/* Drop the ranges no later access can race with: every other thread's
 * clock has caught up with them. */
static void ranges_compact(struct hb *h)
{
    size_t k = 0;
    for (size_t i = 0; i < h->nranges; i++) {
        const struct range_acc *r = &h->ranges[i];
        bool live = false;
        for (int u = 0; u < h->nthreads && !live; u++)
            live = u != r->thread && VC(h, h->thr, u)[r->thread] < r->epoch;
        if (live)
            h->ranges[k++] = *r;
    }
    h->nranges = k;
}

/* Keep range [lo, hi) of thread t for the accesses that follow: it takes
 * the place of t's earlier ones inside it of the same kind (or reads, for
 * a write): an access unordered with one of those overlaps this one and
 * is unordered with it too. */
static void range_keep(struct hb *h, int t, int region, uint64_t lo,
                       uint64_t hi, uint64_t seq, bool write)
{
    struct range_acc now = {lo, hi, seq, VC(h, h->thr, t)[t], t, region, write};
    size_t k = 0;
    for (size_t i = 0; i < h->nranges; i++) {
        const struct range_acc *r = &h->ranges[i];
        if (!(r->thread == t && lo <= r->lo && r->hi <= hi &&
              r->region == region && (write || !r->write)))
            h->ranges[k++] = *r;
    }
    h->nranges = k;
    if (h->nranges == h->ranges_cap) {
        ranges_compact(h);
        if (2 * h->nranges >= h->ranges_cap) {
            h->ranges_cap = h->ranges_cap ? 2 * h->ranges_cap : 64;
            h->ranges = rl_xrealloc(h->ranges,
                                    h->ranges_cap * sizeof *h->ranges);
        }
    }
    h->ranges[h->nranges++] = now;
}

/* A C library call's access r of thread t, or a plain access to a
 * mixed variable (see the top): len bytes from its variable's address. */
static void access_range(struct hb *h, int t, const struct rl_record *r,
                         uint32_t len)
{
    uint64_t lo, hi;
    if (!var_bytes(h, r->obj, &lo, &hi) || len == 0)
        return;
    hi = lo + len;
    bool write = r->op == RL_OP_STORE;
    int region = h->info[r->obj].region;
    range_vs_ranges(h, t, r->obj, lo, hi, r->seq, write);
    range_vs_vars(h, t, region, lo, hi, r->seq, write);
    range_keep(h, t, region, lo, hi, r->seq, write);
}

/* A plain access of thread t to variable obj (len bytes; 0: all of its
 * bytes) against the ranges kept. */
static void access_var_ranges(struct hb *h, int t, int obj, uint32_t len,
                              uint64_t seq, bool write)
{
    uint64_t lo, hi;
    if (h->nranges > 0 && var_bytes(h, obj, &lo, &hi))
        range_vs_ranges(h, t, obj, lo, len ? lo + len : hi, seq, write);
}

/* Lost updates: loads remember the store count; a store after another
 * thread's store that came since this thread's load overwrites it. */
bool rl_lost_tracker_feed(struct rl_lost_tracker *tr,
                          const struct rl_record *r,
                          struct rl_lost_update *out)
{
    if ((r->op != RL_OP_LOAD && r->op != RL_OP_STORE) || r->obj < 0 ||
        r->thread < 0 || r->thread >= RL_MAX_THREADS)
        return false;
    if (r->obj >= tr->nvar) {
        int n = r->obj + 16;
        tr->var = rl_xrealloc(tr->var, (size_t)n * sizeof(*tr->var));
        memset(tr->var + tr->nvar, 0,
               (size_t)(n - tr->nvar) * sizeof(*tr->var));
        tr->nvar = n;
    }
    struct lost_var *v = &tr->var[r->obj];
    int t = r->thread;
    if (r->op == RL_OP_LOAD) {
        v->loaded[t] = true;
        v->load_version[t] = v->stores;
        v->load_seq[t] = r->seq;
        v->load_value[t] = r->after;
        return false;
    }
    bool lost = v->loaded[t] && v->stores > v->load_version[t] &&
                v->last_thread != t;
    if (lost && out) {
        out->obj = r->obj;
        out->thread = t;
        out->other = v->last_thread;
        out->load_seq = v->load_seq[t];
        out->other_seq = v->last_seq;
        out->store_seq = r->seq;
        out->loaded = v->load_value[t];
        out->other_value = v->last_value;
        out->stored = r->after;
    }
    v->loaded[t] = false;
    v->stores++;
    v->last_thread = t;
    v->last_seq = r->seq;
    v->last_value = r->after;
    return lost;
}

struct rl_lost_tracker *rl_lost_tracker_create(void)
{
    return rl_xcalloc(1, sizeof(struct rl_lost_tracker));
}

void rl_lost_tracker_destroy(struct rl_lost_tracker *tr)
{
    if (!tr)
        return;
    free(tr->var);
    free(tr);
}

/* The batch analysis' use of the tracker: count every lost update, keep
 * the first ones. */
static void track_lost(struct hb *h, const struct rl_record *r)
{
    struct rl_lost_update l;
    if (!rl_lost_tracker_feed(&h->lost, r, &l))
        return;
    if (h->out->nlost < RL_ANALYSIS_MAX)
        h->out->lost[h->out->nlost] = l;
    h->out->nlost++;
}

static void step(struct hb *h, const struct rl_run *run,
                 const struct rl_record *r)
{
    int t = r->thread;
    int o = r->obj;
    if (t < 0 || t >= h->nthreads)
        return;
    /* A child's records are checked for ids it knows, not for which
     * operations name an object (core/mirror_frame.c): one that should
     * and does not is nothing to learn from. A spawn, a join, a finish
     * and a fence name none. */
    if (o < 0 && r->op != RL_OP_JOIN && r->op != RL_OP_FINISH &&
        r->op != RL_OP_SPAWN && r->op != RL_OP_FENCE)
        return;
    bool ok = r->result == RL_RES_OK || r->result == RL_RES_WOKE;
    switch ((enum rl_op)r->op) {
    case RL_OP_LOAD:
    case RL_OP_STORE:
        if (r->fn) {
            access_range(h, t, r, r->len);
        } else if (h->info[o].mixed) {
            uint64_t lo, hi;
            if (var_bytes(h, o, &lo, &hi))
                access_range(h, t, r, r->len ? r->len : (uint32_t)(hi - lo));
        } else {
            access_var(h, t, o, r->seq, r->op == RL_OP_STORE, false);
            access_var_ranges(h, t, o, r->len, r->seq, r->op == RL_OP_STORE);
        }
        track_lost(h, r);
        break;
    case RL_OP_FETCH_ADD:
    case RL_OP_FETCH_SUB:
    case RL_OP_FETCH_AND:
    case RL_OP_FETCH_OR:
    case RL_OP_FETCH_XOR:
    case RL_OP_EXCHANGE:
    case RL_OP_CAS:
        /* C11 atomics order what their memory order says (labs' are all
         * seq_cst): a relaxed one orders nothing by itself. */
        atomic_read(h, t, o, r->order);
        access_var(h, t, o, r->seq, r->result == RL_RES_OK, true);
        access_var_ranges(h, t, o, 0, r->seq, r->result == RL_RES_OK);
        if (r->op != RL_OP_CAS || r->result == RL_RES_OK)
            atomic_write(h, t, o, r->order);
        break;
    case RL_OP_ATOMIC_LOAD:
        atomic_read(h, t, o, r->order);
        access_var(h, t, o, r->seq, false, true);
        access_var_ranges(h, t, o, 0, r->seq, false);
        break;
    case RL_OP_ATOMIC_STORE:
        access_var(h, t, o, r->seq, true, true);
        access_var_ranges(h, t, o, 0, r->seq, true);
        atomic_write(h, t, o, r->order);
        break;
    case RL_OP_FENCE:
        if (mo_acquires(r->order))
            vc_join(VC(h, h->thr, t), VC(h, h->acqp, t), h->nthreads);
        if (mo_releases(r->order)) {
            memcpy(VC(h, h->relf, t), VC(h, h->thr, t),
                   (size_t)h->nthreads * sizeof(uint32_t));
            VC(h, h->thr, t)[t]++;
        }
        break;
    case RL_OP_ONCE:
        if (r->arg == 1)
            release(h, t, o); /* the routine is done */
        else if (ok && r->after == 2)
            acquire(h, t, o);
        break;
    case RL_OP_READ_ACQUIRE:
    case RL_OP_ACQUIRE:
        if (ok)
            acquire(h, t, o);
        break;
    case RL_OP_RELEASE:
    case RL_OP_NOTIFY:
    case RL_OP_NOTIFY_ALL:
    case RL_OP_SET:
        if (r->result == RL_RES_OK)
            release(h, t, o);
        break;
    case RL_OP_WAIT: {
        struct rl_obj_view ov;
        rl_run_object(run, o, &ov);
        if (ov.kind != RL_OBJ_CONDITION || ov.lock < 0)
            break; /* blocked re-acquiring the lock: nothing yet */
        if (r->result == RL_RES_BLOCKED) {
            release(h, t, ov.lock); /* wait gives up the lock */
        } else if (r->result == RL_RES_WOKE) {
            acquire(h, t, o);
            acquire(h, t, ov.lock);
        } else if (r->result == RL_RES_TIMEOUT) {
            acquire(h, t, ov.lock);
        }
        break;
    }
    case RL_OP_IS_SET:
        if (r->after)
            acquire(h, t, o);
        break;
    case RL_OP_EVENT_WAIT:
        if (ok)
            acquire(h, t, o);
        break;
    case RL_OP_BARRIER:
        if (r->result == RL_RES_BLOCKED || r->result == RL_RES_OK)
            release(h, t, o); /* arrival */
        if (ok)
            acquire(h, t, o); /* the round is complete */
        break;
    case RL_OP_SPAWN:
        /* Everything the parent did before the start is ordered before
         * the new thread's first step (its START comes later). */
        if (r->other >= 0 && r->other < h->nthreads) {
            vc_join(VC(h, h->thr, r->other), VC(h, h->thr, t), h->nthreads);
            VC(h, h->thr, t)[t]++;
        }
        break;
    case RL_OP_JOIN:
        if (ok && r->other >= 0 && r->other < h->nthreads)
            vc_join(VC(h, h->thr, t), VC(h, h->fin, r->other), h->nthreads);
        break;
    case RL_OP_FINISH:
        memcpy(VC(h, h->fin, t), VC(h, h->thr, t),
               (size_t)h->nthreads * sizeof(uint32_t));
        break;
    default:
        break;
    }
}

int rl_analyze(const struct rl_run *run, struct rl_analysis *out, char *err,
               size_t errlen)
{
    memset(out, 0, sizeof(*out));
    uint64_t first = rl_run_record_first(run), last = rl_run_record_last(run);
    if (last > 0 && first != 1) {
        snprintf(err, errlen,
                 "the analyses need every record, and the first %llu were "
                 "dropped (too many events: raise the record limit or "
                 "shorten the run)",
                 (unsigned long long)(first - 1));
        return -1;
    }
    struct hb *h = rl_xcalloc(1, sizeof(*h));
    int nobj = rl_run_object_count(run);
    h->nthreads = rl_run_thread_count(run);
    size_t n = (size_t)h->nthreads;
    h->thr = rl_xcalloc(n ? n * n : 1, sizeof(uint32_t));
    h->fin = rl_xcalloc(n ? n * n : 1, sizeof(uint32_t));
    h->relf = rl_xcalloc(n ? n * n : 1, sizeof(uint32_t));
    h->acqp = rl_xcalloc(n ? n * n : 1, sizeof(uint32_t));
    h->obj = rl_xcalloc(((size_t)nobj + 1) * (n ? n : 1), sizeof(uint32_t));
    h->var = rl_xcalloc((size_t)nobj + 1, sizeof(struct var_state));
    h->read_epoch =
        rl_xcalloc(((size_t)nobj + 1) * (n ? n : 1), sizeof(uint32_t));
    h->read_seq = rl_xcalloc(((size_t)nobj + 1) * (n ? n : 1), sizeof(uint64_t));
    for (int o = 0; o <= nobj; o++) {
        h->var[o].read_epoch = VC(h, h->read_epoch, o);
        h->var[o].read_seq = h->read_seq + (size_t)o * (n ? n : 1);
    }
    h->out = out;
    vars_survey(h, run, nobj, first, last);
    for (int t = 0; t < h->nthreads; t++)
        VC(h, h->thr, t)[t] = 1;
    for (uint64_t s = first; s && s <= last; s++) {
        const struct rl_record *r = rl_run_record(run, s);
        if (r && (r->obj < nobj))
            step(h, run, r);
    }
    free(h->thr);
    free(h->fin);
    free(h->relf);
    free(h->acqp);
    free(h->obj);
    free(h->var);
    free(h->read_epoch);
    free(h->read_seq);
    free(h->lost.var);
    free(h->ranges);
    free(h->info);
    free(h->spans);
    free(h);
    analysis_find_wakeups(run, out);
    return 0;
}

const char *analysis_thread_name(const struct rl_run *run, int t)
{
    struct rl_thread_view v;
    if (t < 0 || t >= rl_run_thread_count(run))
        return "?";
    rl_run_thread(run, t, &v);
    return v.name;
}

const char *analysis_obj_name(const struct rl_run *run, int o)
{
    struct rl_obj_view v;
    if (o < 0 || o >= rl_run_object_count(run))
        return "?";
    rl_run_object(run, o, &v);
    return v.name;
}

/* Whether a relaxed atomic or fence (one that orders nothing by itself)
 * was made between steps from and to: the race's words say so. */
static bool relaxed_between(const struct rl_run *run, uint64_t from,
                            uint64_t to)
{
    for (uint64_t s = from + 1; s < to; s++) {
        const struct rl_record *x = rl_run_record(run, s);
        if (x && x->order == RL_MO_RELAXED)
            return true;
    }
    return false;
}

size_t rl_race_text(const struct rl_run *run, const struct rl_race *r,
                    char *buf, size_t len)
{
    bool relaxed = relaxed_between(run, r->first_seq, r->second_seq);
    /* A C library call's range: the bytes where the two accesses meet. */
    char where[RL_NAME_MAX + 32];
    if (!rl_value_overlap_name(run, rl_run_record(run, r->first_seq),
                               rl_run_record(run, r->second_seq), where,
                               sizeof where))
        snprintf(where, sizeof where, "%s", analysis_obj_name(run, r->obj));
    int n = snprintf(buf, len,
                     "data race on %s: %s %s at step %llu and %s %s at step "
                     "%llu, with nothing ordering them (no lock, event, "
                     "barrier or join in between%s)",
                     where, analysis_thread_name(run, r->first_thread),
                     r->first_write ? "writes" : "reads",
                     (unsigned long long)r->first_seq,
                     analysis_thread_name(run, r->second_thread),
                     r->second_write ? "writes" : "reads",
                     (unsigned long long)r->second_seq,
                     relaxed ? "; a relaxed atomic orders nothing" : "");
    return n < 0 ? 0 : (size_t)n;
}

size_t rl_lost_text(const struct rl_run *run, const struct rl_lost_update *l,
                    char *buf, size_t len)
{
    char loaded[RL_VALUE_TEXT_MAX], other[RL_VALUE_TEXT_MAX];
    char stored[RL_VALUE_TEXT_MAX];
    rl_value_text(run, l->obj, l->loaded, l->load_seq, loaded, sizeof loaded);
    rl_value_text(run, l->obj, l->other_value, l->other_seq, other,
                  sizeof other);
    rl_value_text(run, l->obj, l->stored, l->store_seq, stored, sizeof stored);
    int n = snprintf(
        buf, len,
        "lost update on %s: %s loaded %s at step %llu, %s "
        "stored %s at step %llu, then %s stored %s at step "
        "%llu over it",
        analysis_obj_name(run, l->obj), analysis_thread_name(run, l->thread),
        loaded, (unsigned long long)l->load_seq,
        analysis_thread_name(run, l->other), other,
        (unsigned long long)l->other_seq,
        analysis_thread_name(run, l->thread), stored,
        (unsigned long long)l->store_seq);
    return n < 0 ? 0 : (size_t)n;
}
