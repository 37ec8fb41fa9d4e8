/* SPDX-License-Identifier: MIT */
/*
 * porder.c - the partial-order reduction of explore.c.
 *
 * Two prefixes that differ only in the order of independent steps (steps
 * of different threads on different objects) are the same partial order:
 * each thread has made the same calls and seen the same values, so the
 * program is in the same state, and whatever can follow one can follow the
 * other. What it costs to get there differs, and the cost of what follows
 * depends only on the thread that ran last (the first pick may be free
 * after one and a preemption after the other; every later pick is judged
 * the same way). So a prefix is covered - nothing below it needs to run -
 * when the same order was reached before at no more cost after the same
 * thread, or at a lower cost after any thread: every schedule that
 * continues it within the bound continues the earlier one within the bound
 * too, and that one was (or is queued to be) explored. Unlike sleep sets,
 * which are unsound under a preemption bound, this never loses a schedule
 * of the bounded search, up to the order of independent steps.
 *
 * Which steps depend on which is read off the records: a record touches
 * its object (a Condition's wait also its lock; two loads of a variable
 * commute), a join and a thread's end touch that thread's end slot;
 * sleeps, yields, failed checks, misuse, time-outs, timed waits, a C
 * library call's range of bytes (which may overlap other variables) and
 * any operation not listed in op_local are ordered against everything
 * (virtual time and first messages make their order matter). This follows
 * the API's rule that threads share state only through racelab objects.
 * A C program's plain access may share bytes with another variable (an
 * int store to x and a char load of its second byte are two variables):
 * from the moment the run has two variables whose bytes overlap (each
 * variable's bytes: its widest access so far), every plain access to
 * either is ordered against everything. An access before the second
 * variable existed needs no such order: every access to the second one
 * is ordered against it.
 *
 * Timeouts fired as choices (sim.c: a thread blocked in a timed wait is an
 * option at every thread choice) keep this sound. What decides the options
 * at a point is the state: which threads are runnable, which wait with a
 * deadline, and virtual time. The first two follow from each thread's own
 * records; virtual time moves only in a step that makes a record ordered
 * against everything - a timed wait's block (its deadline is now + ms), a
 * timeout (fired as a choice or by time running out), a sleep and its end
 * - so two prefixes of the same order have the same clock, the same
 * deadlines and the same timed waiters: the same options. A fired timeout
 * is never the free option (explore.c), so the cost of what follows still
 * depends only on the state and the thread that ran last, and the
 * covering rule above is unchanged. Treating every timed event as global
 * is coarser than needed (a timeout only races with the notify that would
 * have prevented it), which costs schedules, never a bug.
 *
 * The order is kept as a hash: per slot (an object, a thread's own
 * steps, a thread's end, and one slot for what is ordered against
 * everything) a chain over the events that touch it, and the sum of the
 * slots' chains in two independent 64-bit lanes. A global event is chained
 * with the counts of every thread's records at that moment, which fixes
 * it against all of them. The table of orders seen maps that hash (with
 * the kind of choice point) to the lowest cost it was reached with and the
 * thread that ran last; it grows to PORDER_MAX_SEEN entries and then only
 * answers, which weakens the reduction but never its soundness.
 */
#include "porder.h"
#include "rng.h"

#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Entries of the table of orders seen: beyond this no more are
 * remembered. */
#define PORDER_MAX_SEEN ((size_t)1 << 20)

/* Slots of the hash: one per object (objects past OBJ_SLOTS share slots,
 * which orders their events as if they were dependent: a weaker reduction,
 * never an unsound one), then per thread its own steps, then per thread
 * its end (what join waits for), then one for the events that are ordered
 * against everything. */
#define OBJ_SLOTS 4096
#define SLOT_OBJ(id) ((size_t)(id) % OBJ_SLOTS)
#define SLOT_SELF(t) (OBJ_SLOTS + (size_t)(t))
#define SLOT_END(t) (OBJ_SLOTS + RL_MAX_THREADS + (size_t)(t))
#define SLOT_GLOBAL (OBJ_SLOTS + 2 * RL_MAX_THREADS)
#define NSLOTS (SLOT_GLOBAL + 1)

/* The partial order of the current run's steps so far, as a hash: per
 * slot a chain over the events that touch it; the sums of the slots'
 * chains (two independent lanes) name the order up to reordering
 * independent steps. */
struct trace {
    uint64_t h1[NSLOTS], h2[NSLOTS]; /* chains over the writes */
    uint64_t r1[NSLOTS], r2[NSLOTS]; /* the loads since the last write:
                                        a sum, so that loads commute */
    uint32_t count[RL_MAX_THREADS];  /* records of each thread */
    uint64_t sum1, sum2;             /* over the slots */
    uint64_t csum;                   /* over the threads' counts */
    /* What a reset must clear (a run touches few of the slots). */
    uint32_t used[NSLOTS + RL_MAX_THREADS];
    size_t nused;
    bool overflow; /* more than that: a reset clears everything */
};

/* A prefix seen at a choice point: its order, the thread that ran last,
 * the kind of the point, and the lowest cost it was reached with. */
struct seen {
    uint64_t a, b;
    int16_t prev;
    uint8_t kind;
    uint8_t used;
    uint16_t cost;
};

/* A C memory variable in the current run (see the top): its bytes and
 * whether they overlap another's. */
struct pvar {
    uint32_t run;  /* the run it was seen in (struct porder's run) */
    uint8_t width; /* its widest access so far, 1 to 8 bytes */
    bool mixed;    /* its bytes overlap another variable's */
};

/* The current run's variables by address: open addressing, a power of
 * two; an entry of an earlier run is free. */
struct paddr {
    uint64_t addr;
    uint32_t run;
    int obj;
};

struct porder {
    struct trace tr;   /* the current run's order so far */
    struct seen *seen; /* open addressing, a power of two */
    size_t nseen, seencap;
    uint32_t run;      /* the current run, from 1 */
    struct pvar *vars; /* per object id */
    size_t nvars;
    struct paddr *addrs; /* by address */
    size_t naddrs, addrcap;
};


/* A reduction with nothing seen yet. */
struct porder *porder_create(void)
{
    struct porder *p = rl_xcalloc(1, sizeof(struct porder)); /* empty */
    p->run = 1; /* entries of run 0 (all zero) are free */
    return p;
}

/* Free it; accepts NULL. */
void porder_destroy(struct porder *p)
{
    if (!p)
        return;
    free(p->seen);
    free(p->vars);
    free(p->addrs);
    free(p);
}

/* A new run: an empty order. */
void porder_reset(struct porder *p)
{
    struct trace *t = &p->tr;
    p->run++;
    p->naddrs = 0;
    if (t->overflow) {
        memset(t, 0, sizeof(*t));
        return;
    }
    for (size_t i = 0; i < t->nused; i++) {
        size_t k = t->used[i];
        if (k < NSLOTS)
            t->h1[k] = t->h2[k] = t->r1[k] = t->r2[k] = 0;
        else
            t->count[k - NSLOTS] = 0;
    }
    t->nused = 0;
    t->sum1 = t->sum2 = t->csum = 0;
}

/* Note that slot k (or, past the slots, a thread's count) is in use. */
static void trace_use(struct trace *t, size_t k)
{
    if (t->nused < sizeof(t->used) / sizeof(t->used[0]))
        t->used[t->nused++] = (uint32_t)k;
    else
        t->overflow = true;
}

/* The contribution of slot k (chain h, loads since r) to a lane's sum. */
static uint64_t slot_term(size_t k, uint64_t h, uint64_t r, uint64_t salt)
{
    return h || r
               ? rng_hash(h ^ rng_hash(r + salt) ^ (k * 0xD6E8FEB86659FD93ULL) ^ salt)
               : 0;
}

/* Add event e to slot k's chains: it is ordered against every event of
 * the slot before it, the loads since the last write included. */
static void trace_touch(struct trace *t, size_t k, uint64_t e)
{
    uint64_t o1 = t->h1[k], o2 = t->h2[k], q1 = t->r1[k], q2 = t->r2[k];
    if (!o1 && !q1)
        trace_use(t, k);
    uint64_t n1 = rng_hash(o1 * 0x9E3779B97F4A7C15ULL + e + rng_hash(q1)) | 1;
    uint64_t n2 = rng_hash(o2 ^ (e * 0xC2B2AE3D27D4EB4FULL) ^ q2 ^ 0x5555) | 1;
    t->h1[k] = n1;
    t->h2[k] = n2;
    t->r1[k] = t->r2[k] = 0;
    t->sum1 += slot_term(k, n1, 0, 1) - slot_term(k, o1, q1, 1);
    t->sum2 += slot_term(k, n2, 0, 2) - slot_term(k, o2, q2, 2);
}

/* Add load event e to slot k: ordered against the writes around it, not
 * against other loads (two loads commute). */
static void trace_load(struct trace *t, size_t k, uint64_t e)
{
    uint64_t o1 = t->h1[k], o2 = t->h2[k], q1 = t->r1[k], q2 = t->r2[k];
    if (!o1 && !q1)
        trace_use(t, k);
    uint64_t n1 = q1 + rng_hash(e ^ 0x3C6EF372FE94F82BULL);
    uint64_t n2 = q2 + rng_hash(e * 0xA54FF53A5F1D36F1ULL + 7);
    t->r1[k] = n1;
    t->r2[k] = n2;
    t->sum1 += slot_term(k, o1, n1, 1) - slot_term(k, o1, q1, 1);
    t->sum2 += slot_term(k, o2, n2, 2) - slot_term(k, o2, q2, 2);
}

/* Whether an operation's order matters only against the records on its
 * own object (and its thread's end): the calls of the student API whose
 * effects this file knows. Everything else (yield, sleep, a failed check,
 * any operation added later) is ordered against everything. */
static bool op_local(int op)
{
    switch (op) {
    case RL_OP_START:
    case RL_OP_FINISH:
    case RL_OP_LOAD:
    case RL_OP_STORE:
    case RL_OP_FETCH_ADD:
    case RL_OP_ACQUIRE:
    case RL_OP_RELEASE:
    case RL_OP_WAIT:
    case RL_OP_NOTIFY:
    case RL_OP_NOTIFY_ALL:
    case RL_OP_SET:
    case RL_OP_CLEAR:
    case RL_OP_IS_SET:
    case RL_OP_EVENT_WAIT:
    case RL_OP_BARRIER:
    case RL_OP_JOIN:
        return true;
    default:
        return false;
    }
}

/* The slot of address a in the table (its entry, or the free one where
 * it goes). */
static struct paddr *addr_slot(struct porder *p, uint64_t a)
{
    size_t mask = p->addrcap - 1;
    size_t j = (size_t)rng_hash(a) & mask;
    while (p->addrs[j].run == p->run && p->addrs[j].addr != a)
        j = (j + 1) & mask;
    return &p->addrs[j];
}

/* Note variable obj at address a (the newest one there wins: a block
 * freed and handed out again). */
static void addr_put(struct porder *p, uint64_t a, int obj)
{
    if (2 * (p->naddrs + 1) > p->addrcap) {
        struct paddr *old = p->addrs;
        size_t oldcap = p->addrcap;
        p->addrcap = oldcap ? 2 * oldcap : 1024;
        p->addrs = rl_xcalloc(p->addrcap, sizeof *p->addrs);
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].run == p->run)
                *addr_slot(p, old[i].addr) = old[i];
        free(old);
    }
    struct paddr *e = addr_slot(p, a);
    if (e->run != p->run)
        p->naddrs++;
    *e = (struct paddr){a, p->run, obj};
}

/* Whether plain access r (a LOAD or STORE of the program, fn 0) may
 * share bytes with another variable of the run (see the top): note its
 * variable and its width, and mark the variables whose bytes overlap. */
static bool var_mixed(struct porder *p, const struct rl_run *run,
                      const struct rl_record *r)
{
    const struct rl_obj *o = run->objs[r->obj];
    if (!o || o->kind != RL_OBJ_VAR || o->limit == 0)
        return false;
    if ((size_t)r->obj >= p->nvars) {
        size_t n = (size_t)r->obj + 64;
        p->vars = rl_xrealloc(p->vars, n * sizeof *p->vars);
        memset(p->vars + p->nvars, 0, (n - p->nvars) * sizeof *p->vars);
        p->nvars = n;
    }
    struct pvar *v = &p->vars[r->obj];
    uint32_t width = r->len > 8 ? 8 : r->len;
    if (o->size > 0 && (uint32_t)o->size > width)
        width = (uint32_t)o->size > 8 ? 8 : (uint32_t)o->size;
    if (width == 0)
        width = 1;
    bool fresh = v->run != p->run;
    if (!fresh && width <= v->width)
        return v->mixed;
    if (fresh) {
        *v = (struct pvar){p->run, (uint8_t)width, false};
        addr_put(p, (uint64_t)o->limit, r->obj);
    } else {
        v->width = (uint8_t)width;
    }
    /* A variable that overlaps this one starts less than 8 bytes before
     * it or inside it. */
    uint64_t lo = (uint64_t)o->limit, hi = lo + width;
    for (uint64_t a = lo > 7 ? lo - 7 : 0; a < hi; a++) {
        if (a == lo || p->addrcap == 0)
            continue;
        const struct paddr *e = addr_slot(p, a);
        if (e->run != p->run || e->obj == r->obj ||
            (size_t)e->obj >= p->nvars || p->vars[e->obj].run != p->run)
            continue;
        struct pvar *w = &p->vars[e->obj];
        if (a + w->width > lo)
            v->mixed = w->mixed = true;
    }
    return v->mixed;
}

/* Add one record of the current run to its order (see porder.h). */
void porder_record(struct porder *p, const struct rl_run *run,
                   const struct rl_record *r)
{
    struct trace *t = &p->tr;
    int tid = r->thread;
    if (tid < 0 || tid >= RL_MAX_THREADS)
        return; /* setup and checks make no records */
    uint64_t e = (uint64_t)(uint16_t)tid | (uint64_t)r->op << 16 |
                 (uint64_t)r->result << 24 |
                 (uint64_t)(uint16_t)(r->other + 1) << 32 |
                 (uint64_t)(uint16_t)(r->obj + 1) << 48;
    uint64_t before = t->csum;
    if (t->count[tid] == 0)
        trace_use(t, NSLOTS + (size_t)tid);
    t->csum -= rng_hash((uint64_t)tid << 32 | t->count[tid]);
    t->count[tid]++;
    t->csum += rng_hash((uint64_t)tid << 32 | t->count[tid]);
    trace_touch(t, SLOT_SELF(tid), e);
    bool timed = (r->op == RL_OP_ACQUIRE || r->op == RL_OP_WAIT ||
                  r->op == RL_OP_EVENT_WAIT || r->op == RL_OP_BARRIER) &&
                 r->arg > 0;
    /* A C library call's range may overlap variables of other objects
     * (msg[4] inside strcpy's msg[0..12]): ordered against everything. */
    bool mixed = (r->op == RL_OP_LOAD || r->op == RL_OP_STORE) && !r->fn &&
                 r->obj >= 0 && r->obj < run->nobjs && var_mixed(p, run, r);
    if (!op_local(r->op) || r->result == RL_RES_ERROR ||
        r->result == RL_RES_TIMEOUT || timed || r->fn || mixed)
        trace_touch(t, SLOT_GLOBAL, rng_hash(e ^ before));
    if (r->obj >= 0 && r->op == RL_OP_LOAD) {
        trace_load(t, SLOT_OBJ(r->obj), e);
    } else if (r->obj >= 0) {
        trace_touch(t, SLOT_OBJ(r->obj), e);
        const struct rl_obj *o = r->obj < run->nobjs ? run->objs[r->obj] : NULL;
        if (o && o->kind == RL_OBJ_CONDITION && o->lock && o->lock->id >= 0)
            trace_touch(t, SLOT_OBJ(o->lock->id), e);
    }
    if (r->op == RL_OP_JOIN && r->other >= 0 && r->other < RL_MAX_THREADS)
        trace_touch(t, SLOT_END(r->other), e);
    if (r->op == RL_OP_FINISH)
        trace_touch(t, SLOT_END(tid), e);
}

/* Whether the prefix now at a choice point is covered (see porder.h). */
bool porder_covered(struct porder *p, int kind, int prev, int cost)
{
    uint64_t a = p->tr.sum1, b = p->tr.sum2 ^ rng_hash(p->tr.csum);
    if (p->nseen * 4 >= p->seencap * 3) {
        if (p->seencap >= PORDER_MAX_SEEN) {
            /* Full: look up only. */
        } else {
            size_t ncap = p->seencap ? p->seencap * 2 : 4096;
            struct seen *t = rl_xcalloc(ncap, sizeof(*t));
            for (size_t i = 0; i < p->seencap; i++) {
                if (!p->seen[i].used)
                    continue;
                size_t j = (size_t)p->seen[i].a & (ncap - 1);
                while (t[j].used)
                    j = (j + 1) & (ncap - 1);
                t[j] = p->seen[i];
            }
            free(p->seen);
            p->seen = t;
            p->seencap = ncap;
        }
    }
    size_t mask = p->seencap - 1;
    size_t j = (size_t)a & mask;
    for (size_t probes = 0; probes < p->seencap; probes++, j = (j + 1) & mask) {
        struct seen *e = &p->seen[j];
        if (!e->used) {
            if (p->nseen * 4 >= p->seencap * 3)
                return false; /* full */
            e->used = 1;
            e->a = a;
            e->b = b;
            e->prev = (int16_t)prev;
            e->kind = (uint8_t)kind;
            e->cost = (uint16_t)cost;
            p->nseen++;
            return false;
        }
        if (e->a != a || e->b != b || e->kind != kind)
            continue;
        /* A notify is decided inside the notifier's step: the thread that
         * ran last is part of the state there, not only of the cost. */
        bool same = e->prev == prev;
        if ((same && e->cost <= cost) ||
            (kind == RL_CHOICE_THREAD && e->cost + 1 <= cost))
            return true;
        if (cost < e->cost) {
            e->cost = (uint16_t)cost;
            e->prev = (int16_t)prev;
        }
        return false;
    }
    return false;
}
