/* SPDX-License-Identifier: MIT */
/*
 * explore.c - systematic, random and PCT search for a failing schedule.
 *
 * The data model. A run of the sim backend is a sequence of choice points
 * (the engine asks only where more than one thread could run, or a notify
 * has several waiters). The search drives every run through a custom
 * scheduler (RL_SCHED_CUSTOM) that replays a root (a prefix of picks) and
 * then takes the default option at every point (explore.h: the one that
 * costs nothing), writing down at each point the options it saw: `pts`.
 *
 * Cheapest first, each schedule once (iterative bounding, as in CHESS,
 * with the choices that preemption bounding leaves free charged as
 * delays): level b is the list of roots that end with their b-th costly
 * pick, and each root is one run, since below it every pick is the
 * default. Every costly alternative a run passes is queued as a root of
 * level b+1. A root is stored as a reference into the recorded picks of
 * the run that queued it (`struct level`): one copy of a run's picks
 * serves all the roots it queued. At every new choice point the
 * partial-order reduction (porder.c) may say that what follows is covered
 * by a prefix seen before: the run ends there and nothing is queued below
 * it.
 *
 * A thread blocked in a timed wait is an option at every thread choice
 * (sim.c: picking it fires its timeout), never the default: firing a
 * timeout early costs one, like any other pick round robin would not
 * make. Random and PCT runs consider timeouts too: the spec that makes
 * one of them again carries the marker ("random:SEED:timeouts"; see
 * rl_explore_found_sched).
 *
 * A failure found by any phase is shrunk (fewest preemptions, then fewest
 * steps) by guided runs before it is reported, then replayed once more.
 *
 * A prefix that is replayed must meet the same options it met before; if
 * not, something outside the scheduler decides what the program does
 * (uninitialised memory, static state kept across runs, the clock) and the
 * search stops with an error rather than trusting its own counts.
 */
#include "explore.h"
#include "rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "porder.h"
#include "schedule.h"

/* Stored picks across a level's queue: beyond this the next level is cut
 * short (and so not exhaustive) rather than eat the machine's memory. */
#define EXPLORE_MAX_STORED_IDS ((size_t)32 << 20)
/* Runs the shrinking of a counterexample may take. */
#define EXPLORE_SHRINK_RUNS 2000
/* Without lists of random and PCT runs, they get 1/this of max_runs. */
#define EXPLORE_PHASE2_SHARE 4


/* One choice point of the current run. */
struct point {
    uint8_t kind;    /* enum rl_choice_kind */
    uint16_t n;      /* options: the runnable threads, then the timed
                        waiters (struct rl_choice) */
    int16_t current; /* the thread that ran before, or -1 */
    int16_t chosen;  /* the thread picked */
    int16_t pick;    /* its index among opts */
    int16_t def;     /* the index of the default option (costs nothing) */
    uint16_t cost;   /* preemptions and delays before this point */
    uint64_t fp;     /* what the run met up to here (options, kinds) */
    int16_t opts[RL_MAX_THREADS];
};

/* The roots of one level: prefixes = picks[start .. start+len) + alt. */
struct root {
    size_t start;
    uint32_t len;
    int16_t alt;
    uint64_t fp; /* pts[len].fp of the run that queued it */
};

struct level {
    int16_t *picks; /* runs' picks, back to back */
    size_t npicks, cap;
    struct root *roots;
    size_t nroots, rcap, head;
    size_t recorded_at; /* start of the current run's picks, or SIZE_MAX */
    bool overflow;      /* a root could not be stored */
};

struct explorer {
    const struct rl_explore_config *cfg;
    struct rl_explore_result *res;
    struct timespec t0;
    uint64_t max_steps;

    struct point *pts; /* the current run's choice points */
    size_t npts, cap;
    size_t fixed;       /* the root's length: replayed, never re-decided */
    uint64_t root_fp;   /* what the replay must meet up to fixed-1 */
    size_t pos;         /* next point of the running run */
    int bound;          /* the level being searched */
    bool queue_next;    /* queue costly alternatives (bound < max) */
    struct level *next; /* the queue of level bound+1 */
    bool beyond;        /* a choice beyond the bound was not tried */
    bool mismatch;
    bool pruned;        /* the run met a prefix already covered */
    char why[200];

    bool yielded[RL_MAX_THREADS]; /* the thread's last call was a yield
                                     or a sleep (see default_index) */
    struct porder *po;   /* the partial-order reduction, or NULL */
};

/* ---- small helpers ------------------------------------------------------ */

/* The seed of phase-2 run r, the same on every machine. */
static uint64_t seed_for(uint64_t seed, uint64_t r)
{
    return rng_stream(seed, r) % 1000000007ULL;
}

/* Seconds since the search started. */
static double elapsed(const struct explorer *x)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - x->t0.tv_sec) +
           (double)(t.tv_nsec - x->t0.tv_nsec) / 1e9;
}

/* Whether another run may start; sets res->stop when not. */
static bool may_run(struct explorer *x)
{
    const struct rl_explore_config *cfg = x->cfg;
    if (cfg->max_runs && x->res->runs + x->res->pruned_runs >= cfg->max_runs) {
        x->res->stop = RL_EXPLORE_RUN_CAP;
        return false;
    }
    if (cfg->guard_s > 0 && elapsed(x) >= cfg->guard_s) {
        x->res->stop = RL_EXPLORE_GUARD;
        return false;
    }
    return true;
}

/* The option that costs nothing at c: the thread that ran before if it
 * can go on; else the next runnable one after it by id, cyclically (round
 * robin); for a notify, the longest waiter. Everything else is a
 * preemption (the running thread could go on) or a delay. */
static int default_index(const struct explorer *x, const struct rl_choice *c)
{
    if (c->kind != RL_CHOICE_THREAD)
        return 0;
    /* A thread that yielded or slept offers the CPU: going on with it
     * would spin a waiting loop to the step limit, so round robin goes
     * on from it instead. */
    bool offers = c->current >= 0 && c->current < RL_MAX_THREADS &&
                  x->yielded[c->current];
    for (int i = 0; i < c->n && !offers; i++)
        if (c->options[i] == c->current)
            return i;
    for (int i = 0; i < c->n; i++)
        if (c->options[i] > c->current)
            return i;
    return 0;
}

/* The index of thread id among p's options, or -1. */
static int option_index(const struct point *p, int id)
{
    for (int i = 0; i < p->n; i++)
        if (p->opts[i] == id)
            return i;
    return -1;
}

/* Make room for n choice points in the stack of the current run. */
static void pts_reserve(struct explorer *x, size_t n)
{
    if (n <= x->cap)
        return;
    size_t cap = x->cap ? x->cap : 256;
    while (cap < n)
        cap *= 2;
    x->pts = rl_xrealloc(x->pts, cap * sizeof(*x->pts));
    x->cap = cap;
}

/* on_record of the systematic and shrinking runs: note yields (see
 * default_index), and feed the reduction. */
static void explore_record(void *ctx, const struct rl_run *run,
                           const struct rl_record *r)
{
    struct explorer *x = ctx;
    int tid = r->thread;
    if (tid < 0 || tid >= RL_MAX_THREADS)
        return; /* setup and checks make no records */
    x->yielded[tid] = r->op == RL_OP_YIELD || r->op == RL_OP_SLEEP;
    if (x->po)
        porder_record(x->po, run, r);
}

/* ---- the queue of the next level ---------------------------------------- */

static void level_free(struct level *l)
{
    free(l->picks);
    free(l->roots);
    memset(l, 0, sizeof(*l));
    l->recorded_at = SIZE_MAX;
}

/* Queue pts[0..i) + alt as a root of the next level. */
static void level_push(struct level *l, struct explorer *x, size_t i, int alt)
{
    /* The current run's picks are appended lazily: the part up to point i
     * is what this root needs, and a later root of the same run (deeper)
     * extends it. */
    if (l->recorded_at == SIZE_MAX)
        l->recorded_at = l->npicks;
    size_t have = l->npicks - l->recorded_at;
    if (have < i) {
        size_t need = l->npicks + (i - have);
        if (need > EXPLORE_MAX_STORED_IDS) {
            l->overflow = true;
            return;
        }
        if (need > l->cap) {
            size_t cap = l->cap ? l->cap : 4096;
            while (cap < need)
                cap *= 2;
            l->picks = rl_xrealloc(l->picks, cap * sizeof(*l->picks));
            l->cap = cap;
        }
        for (size_t k = have; k < i; k++)
            l->picks[l->npicks++] = x->pts[k].chosen;
    }
    if (l->nroots == l->rcap) {
        l->rcap = l->rcap ? l->rcap * 2 : 1024;
        l->roots = rl_xrealloc(l->roots, l->rcap * sizeof(*l->roots));
    }
    struct root *r = &l->roots[l->nroots++];
    r->start = l->recorded_at;
    r->len = (uint32_t)i;
    r->alt = (int16_t)alt;
    r->fp = x->pts[i].fp;
}

/* ---- the scheduler callback --------------------------------------------- */

/* The fingerprint of the points of a run up to c, from fp before it. */
static uint64_t fp_point(uint64_t fp, const struct rl_choice *c)
{
    uint64_t h = fp * 0x100000001B3ULL ^ (uint64_t)c->kind << 40 ^
                 (uint64_t)(c->current + 1) << 20 ^ (uint64_t)c->n ^
                 (uint64_t)c->ntimed << 10;
    for (int k = 0; k < c->n + c->ntimed; k++)
        h = (h ^ (uint64_t)c->options[k]) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

/* Pick at a choice point: replay pts[pos] while in the root, else take
 * the option that costs nothing, queue the others for the next level and
 * record the point. Returns -1 (the run ends there) when the run is void
 * or its prefix is covered already. */
static int explore_choose(void *ctx, const struct rl_choice *c)
{
    struct explorer *x = ctx;
    size_t i = x->pos++;
    if (x->mismatch || x->pruned)
        return -1;
    pts_reserve(x, i + 1);
    struct point *p = &x->pts[i];
    uint16_t cost = 0;
    uint64_t fp = 0;
    if (i > 0) {
        const struct point *q = &x->pts[i - 1];
        cost = (uint16_t)(q->cost + (q->pick != q->def));
        fp = q->fp;
    }
    fp = fp_point(fp, c);
    if (i < x->fixed) {
        /* A replayed root must meet what the run that queued it met. */
        if (i + 1 == x->fixed && fp != x->root_fp) {
            x->mismatch = true;
            snprintf(x->why, sizeof(x->why),
                     "the same choices led to different options by choice "
                     "point %zu (step %llu)",
                     i + 1, (unsigned long long)c->step);
            return -1;
        }
        p->kind = (uint8_t)c->kind;
        p->n = (uint16_t)(c->n + c->ntimed);
        p->current = (int16_t)c->current;
        for (int k = 0; k < p->n; k++)
            p->opts[k] = (int16_t)c->options[k];
        p->def = (int16_t)default_index(x, c);
        p->fp = fp;
        p->cost = cost;
        int k = option_index(p, p->chosen);
        if (k < 0) {
            x->mismatch = true;
            snprintf(x->why, sizeof(x->why),
                     "the same choices led to a different run: T%d cannot "
                     "run at choice point %zu (step %llu)",
                     p->chosen, i + 1, (unsigned long long)c->step);
            return -1;
        }
        p->pick = (int16_t)k;
        return k;
    }
    if (x->po && porder_covered(x->po, c->kind, c->current, cost)) {
        /* What lies below this prefix beyond the bound is not known: do
         * not claim that the bound covered every schedule there is. */
        x->pruned = true;
        x->beyond = true;
        return -1;
    }
    p->kind = (uint8_t)c->kind;
    p->n = (uint16_t)(c->n + c->ntimed);
    p->current = (int16_t)c->current;
    for (int k = 0; k < p->n; k++)
        p->opts[k] = (int16_t)c->options[k];
    p->cost = cost;
    p->fp = fp;
    p->def = (int16_t)default_index(x, c);
    p->pick = p->def;
    p->chosen = p->opts[p->def];
    x->npts = i + 1;
    for (int k = 0; k < p->n; k++) {
        if (k == p->def)
            continue;
        if (x->queue_next)
            level_push(x->next, x, i, p->opts[k]);
        else
            x->beyond = true;
    }
    return p->def;
}

/* ---- one run ------------------------------------------------------------ */

/* The first failed check of a finished run that counts (cfg->check_counts),
 * preferring any over "finishes" (a violation seen during the run is real
 * even if the run was cut short). Returns its index or -1 when every check
 * that counts holds. */
static int first_failure(const struct rl_explore_config *cfg,
                         const struct rl_run *run, bool *only_finishes)
{
    int finishes = -1, other = -1;
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result r;
        rl_run_check(run, i, &r);
        if (r.ok)
            continue;
        if (cfg->check_counts && !cfg->check_counts(cfg->check_ctx, r.name))
            continue;
        if (strcmp(r.name, "finishes") == 0) {
            if (finishes < 0)
                finishes = i;
        } else if (other < 0) {
            other = i;
        }
    }
    *only_finishes = other < 0 && finishes >= 0;
    return other >= 0 ? other : finishes;
}

/* Create and finish one run with scheduler s (with the trace of the
 * reduction when traced). NULL with res->error set if the program cannot
 * be run. Counted by the caller. */
static struct rl_run *run_start(struct explorer *x, const struct rl_sched *s,
                                bool traced)
{
    struct rl_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.program = x->cfg->program;
    rc.backend = RL_BACKEND_SIM;
    rc.sched = *s;
    rc.max_steps = x->max_steps;
    rc.max_records = 256; /* only the verdict is used */
    if (traced) {
        if (x->po)
            porder_reset(x->po);
        memset(x->yielded, 0, sizeof(x->yielded));
        rc.on_record = explore_record;
        rc.on_record_ctx = x;
    }
    struct rl_run *run =
        rl_run_create(&rc, x->res->error, sizeof(x->res->error));
    if (!run) {
        x->res->stop = RL_EXPLORE_ERROR;
        return NULL;
    }
    rl_run_finish(run);
    return run;
}

/* run_start, counted as an explored schedule. */
static struct rl_run *run_one(struct explorer *x, const struct rl_sched *s)
{
    struct rl_run *run = run_start(x, s, false);
    if (run) {
        x->res->runs++;
        if (rl_run_end(run) == RL_END_DONE)
            x->res->finished_runs++;
    }
    return run;
}

/* A run stopped at the step limit with nothing else wrong: replay the
 * first half of its choices, then continue round robin (fair). True if
 * that run does not finish either: a real "did not finish". */
static bool confirm_step_limit(struct explorer *x, const struct rl_run *run)
{
    size_t n = rl_run_choice_count(run);
    size_t len = rl_run_choices(run, NULL, 0) + 1;
    char *all = rl_xmalloc(len);
    rl_run_choices(run, all, len);
    int16_t *ids = rl_xmalloc((n ? n : 1) * sizeof(*ids));
    long got = rl_schedule_decode(all, ids, n ? n : 1);
    free(all);
    size_t half = got > 0 ? (size_t)got / 2 : 0;
    size_t tlen = rl_schedule_encode(ids, half, NULL, 0) + 1;
    char *text = rl_xmalloc(tlen);
    rl_schedule_encode(ids, half, text, tlen);
    free(ids);
    struct rl_sched s = {0};
    s.kind = RL_SCHED_REPLAY;
    s.choices = half ? text : "-";
    s.replay_continue = true;
    struct rl_run *fair = run_one(x, &s);
    free(text);
    if (!fair)
        return false;
    bool stuck = rl_run_end(fair) == RL_END_STEP_LIMIT;
    rl_run_destroy(fair);
    x->res->spin_runs++;
    return stuck;
}

static void take_failure(struct rl_explore_result *res,
                         const struct rl_run *run, int f);

/* Judge a finished run; on a failure fill res and return true. */
static bool judge(struct explorer *x, struct rl_run *run,
                  enum rl_explore_phase phase, uint64_t seed, int depth)
{
    struct rl_explore_result *res = x->res;
    bool only_finishes;
    int f = first_failure(x->cfg, run, &only_finishes);
    if (f < 0)
        return false;
    if (only_finishes && rl_run_end(run) == RL_END_STEP_LIMIT &&
        !confirm_step_limit(x, run))
        return false;
    res->phase = phase;
    res->phase_seed = seed;
    res->phase_depth = depth;
    take_failure(res, run, f);
    return true;
}

/* Fill res with the failure f of run (its check, how it ended, its
 * schedule). */
static void take_failure(struct rl_explore_result *res,
                         const struct rl_run *run, int f)
{
    struct rl_check_result r;
    rl_run_check(run, f, &r);
    res->found = true;
    snprintf(res->check, sizeof(res->check), "%s", r.name);
    snprintf(res->message, sizeof(res->message), "%s", r.message);
    rl_run_end_text(run, res->end_text, sizeof(res->end_text));
    res->end = rl_run_end(run);
    res->preemptions = rl_run_preemptions(run);
    res->steps = rl_run_record_last(run);
    size_t len = rl_run_choices(run, NULL, 0) + 1;
    free(res->choices);
    res->choices = rl_xmalloc(len);
    rl_run_choices(run, res->choices, len);
}

/* ---- phase 1: iterative bounding ---------------------------------------- */

/* Run the root now in pts[0..fixed) and its default continuation. Returns
 * 1 when a failure was found, -1 when the search must stop (cap, guard,
 * error, mismatch), 0 otherwise. */
static int run_root(struct explorer *x)
{
    struct rl_sched s = {0};
    s.kind = RL_SCHED_CUSTOM;
    s.choose = explore_choose;
    s.choose_ctx = x;
    s.timeouts = true;
    if (!may_run(x))
        return -1;
    x->pos = 0;
    x->npts = x->fixed;
    x->pruned = false;
    if (x->next)
        x->next->recorded_at = SIZE_MAX;
    struct rl_run *run = run_start(x, &s, true);
    if (!run)
        return -1;
    x->res->systematic_runs++;
    if (x->mismatch || x->pos < x->fixed) {
        if (!x->mismatch)
            snprintf(x->why, sizeof(x->why),
                     "the same choices led to a shorter run (%zu choice "
                     "points, expected at least %zu)",
                     x->pos, x->fixed);
        snprintf(x->res->error, sizeof(x->res->error),
                 "nondeterminism outside the scheduler: %s", x->why);
        x->res->stop = RL_EXPLORE_NONDETERMINISM;
        x->res->runs++;
        rl_run_destroy(run);
        return -1;
    }
    if (x->pruned) {
        x->res->pruned_runs++;
        rl_run_destroy(run);
        return 0;
    }
    x->res->runs++;
    if (rl_run_end(run) == RL_END_DONE)
        x->res->finished_runs++;
    bool failed = judge(x, run, RL_EXPLORE_SYSTEMATIC, 0, 0);
    if (failed)
        x->res->cost = x->bound;
    rl_run_destroy(run);
    return failed ? 1 : 0;
}

/* Search levels 0..cfg->max_preemptions: level b runs every schedule that
 * costs exactly b (preemptions and delays), each once. Returns 1 found,
 * -1 stopped, 0 done (every level complete, or cut short by
 * max_systematic). */
static int systematic(struct explorer *x)
{
    int maxb = x->cfg->max_preemptions;
    uint64_t cap = x->cfg->max_systematic;
    struct level cur, nxt;
    memset(&cur, 0, sizeof(cur));
    memset(&nxt, 0, sizeof(nxt));
    cur.recorded_at = nxt.recorded_at = SIZE_MAX;
    int ret = 0;
    bool cut = false; /* a level was cut short: the rest is not complete */
    for (int b = 0; b <= maxb && ret == 0; b++) {
        /* Level b may use at most (what is left) / (levels left), so a
         * level too big to finish still leaves runs for the next. */
        uint64_t used = x->res->systematic_runs, limit = 0;
        if (cap) {
            limit = used + (cap - used) / (uint64_t)(maxb - b + 1);
            if (limit == used)
                limit++;
        }
        x->bound = b;
        x->queue_next = b < maxb;
        x->next = &nxt;
        bool level_cut = false;
        if (b == 0) {
            x->fixed = 0;
            ret = run_root(x);
        } else {
            for (cur.head = 0; cur.head < cur.nroots && ret == 0; cur.head++) {
                if (limit && x->res->systematic_runs >= limit) {
                    level_cut = true;
                    break;
                }
                const struct root *r = &cur.roots[cur.head];
                pts_reserve(x, (size_t)r->len + 1);
                for (uint32_t k = 0; k < r->len; k++)
                    x->pts[k].chosen = cur.picks[r->start + k];
                x->pts[r->len].chosen = r->alt;
                x->root_fp = r->fp;
                x->fixed = (size_t)r->len + 1;
                ret = run_root(x);
            }
        }
        cut = cut || level_cut;
        if (ret == 0 && !cut)
            x->res->bound_complete = b;
        cut = cut || nxt.overflow;
        level_free(&cur);
        cur = nxt;
        memset(&nxt, 0, sizeof(nxt));
        nxt.recorded_at = SIZE_MAX;
        if (cap && x->res->systematic_runs >= cap)
            break;
    }
    level_free(&cur);
    level_free(&nxt);
    x->next = NULL;
    return ret;
}

/* ---- shrinking the counterexample --------------------------------------- *
 *
 * Whatever found the failure (a random run may have dozens of
 * preemptions), it is shortened before it is reported: first the shortest
 * prefix of its picks that, continued with default picks, still fails the
 * same check; then, over and over, a costly pick replaced by the default
 * or left out, or the pick before it left out (the picks after it followed
 * where they still can). A candidate is kept
 * when it fails the same check with fewer preemptions, or as many and
 * fewer steps. Every candidate is a counted run, at most
 * EXPLORE_SHRINK_RUNS: the result is the same on every machine.
 */

/* A guided run: follow want[i] at choice point i (unless i is skip or
 * past keep, or want[i] cannot run), else the default; note which picks
 * were costly. */
struct guided {
    struct explorer *x;
    const int16_t *want;
    size_t nwant, keep, skip, pos;
    bool drop;    /* skip means: leave want[skip] out (later ones move up) */
    bool *costly; /* per point of this run, grown as needed */
    size_t ncostly, cap;
};

/* The custom scheduler of a guided run (see struct guided). */
static int guided_choose(void *ctx, const struct rl_choice *c)
{
    struct guided *g = ctx;
    size_t i = g->pos++;
    int def = default_index(g->x, c), pick = def;
    size_t w = g->drop && i >= g->skip ? i + 1 : i;
    if (i < g->keep && (g->drop || i != g->skip) && w < g->nwant)
        for (int k = 0; k < c->n + c->ntimed; k++)
            if (c->options[k] == g->want[w])
                pick = k;
    if (i >= g->cap) {
        g->cap = g->cap ? g->cap * 2 : 256;
        g->costly = rl_xrealloc(g->costly, g->cap * sizeof(*g->costly));
    }
    g->costly[i] = pick != def;
    g->ncostly = i + 1;
    return pick;
}

/* The picks of run, decoded into *ids (malloc'd); returns their number. */
static size_t run_picks(const struct rl_run *run, int16_t **ids)
{
    size_t n = rl_run_choice_count(run);
    size_t len = rl_run_choices(run, NULL, 0) + 1;
    char *text = rl_xmalloc(len);
    rl_run_choices(run, text, len);
    *ids = rl_xmalloc((n ? n : 1) * sizeof(**ids));
    long got = rl_schedule_decode(text, *ids, n ? n : 1);
    free(text);
    return got > 0 ? (size_t)got : 0;
}

/* The shortest failing schedule so far. */
struct shrink_best {
    int16_t *ids; /* its picks */
    size_t n;
    bool *costly; /* which of them are costly */
    int preemptions;
    uint64_t steps;
};

/* Run one candidate; adopt it into b when it fails the same check and is
 * shorter (or, with same_ok, as short). Returns 1 when adopted, 0 when it
 * fails the same check but is not shorter, -1 otherwise. */
static int shrink_try(struct explorer *x, struct shrink_best *b, size_t keep,
                      size_t skip, bool drop, bool same_ok)
{
    struct guided g = {x, b->ids, b->n, keep, skip, 0, drop, NULL, 0, 0};
    struct rl_sched s = {0};
    s.kind = RL_SCHED_CUSTOM;
    s.choose = guided_choose;
    s.choose_ctx = &g;
    s.timeouts = true;
    struct rl_run *run = run_start(x, &s, true);
    if (!run) {
        free(g.costly);
        return -1;
    }
    x->res->shrink_runs++;
    bool only;
    int f = first_failure(x->cfg, run, &only);
    int ret = -1;
    if (f >= 0 && rl_run_end(run) != RL_END_STEP_LIMIT &&
        rl_run_end(run) != RL_END_DIVERGED) {
        struct rl_check_result r;
        rl_run_check(run, f, &r);
        int p = rl_run_preemptions(run);
        uint64_t st = rl_run_record_last(run);
        bool same = strcmp(r.name, x->res->check) == 0;
        bool better = same && (p < b->preemptions ||
                               (p == b->preemptions && st < b->steps) ||
                               (same_ok && p == b->preemptions &&
                                st == b->steps));
        ret = same ? 0 : -1;
        if (better) {
            ret = 1;
            free(b->ids);
            free(b->costly);
            b->n = run_picks(run, &b->ids);
            b->costly = g.costly;
            g.costly = NULL;
            if (g.ncostly < b->n) /* cannot happen: one pick per point */
                b->n = g.ncostly;
            b->preemptions = p;
            b->steps = st;
            take_failure(x->res, run, f);
        }
    }
    rl_run_destroy(run);
    free(g.costly);
    return ret;
}

/* How many picks the choices text of a schedule holds ("0x2.1x7": 9). */
static size_t choices_count(const char *text)
{
    size_t n = 0;
    if (strcmp(text, "-") == 0)
        return 0;
    for (const char *p = text; *p;) {
        char *end;
        strtol(p, &end, 10);
        long count = 1;
        if (*end == 'x')
            count = strtol(end + 1, &end, 10);
        n += count > 0 ? (size_t)count : 0;
        p = *end == '.' ? end + 1 : end;
        if (end == p && *p != '\0')
            break; /* malformed: cannot happen for the engine's own */
    }
    return n;
}

/* Shorten the failure in res (see above). */
static void shrink(struct explorer *x)
{
    struct rl_explore_result *res = x->res;
    res->found_preemptions = res->preemptions;
    res->found_steps = res->steps;
    if (res->end == RL_END_STEP_LIMIT)
        return; /* judged with a fair continuation: keep it as found */
    struct shrink_best b = {0};
    long got;
    b.n = choices_count(res->choices);
    b.ids = rl_xmalloc((b.n ? b.n : 1) * sizeof(*b.ids));
    got = rl_schedule_decode(res->choices, b.ids, b.n ? b.n : 1);
    b.n = got > 0 ? (size_t)got : 0;
    b.preemptions = res->preemptions;
    b.steps = res->steps;
    /* The schedule as found, to learn which of its picks are costly. */
    shrink_try(x, &b, SIZE_MAX, SIZE_MAX, false, true);
    /* The shortest failing prefix, continued by default picks. */
    for (size_t j = 0; j <= b.n && res->shrink_runs < EXPLORE_SHRINK_RUNS;
         j++)
        if (shrink_try(x, &b, j, SIZE_MAX, false, false) >= 0)
            break;
    /* Then one costly pick at a time back to the default. */
    bool again = b.costly != NULL;
    while (again && res->shrink_runs < EXPLORE_SHRINK_RUNS) {
        again = false;
        for (size_t j = 0; j < b.n && res->shrink_runs < EXPLORE_SHRINK_RUNS;
             j++) {
            if (!b.costly[j])
                continue;
            if (shrink_try(x, &b, SIZE_MAX, j, false, false) > 0 ||
                shrink_try(x, &b, SIZE_MAX, j, true, false) > 0 ||
                (j > 0 && shrink_try(x, &b, SIZE_MAX, j - 1, true, false) > 0)) {
                again = true;
                break;
            }
        }
    }
    free(b.ids);
    free(b.costly);
}

/* ---- phase 2: random and PCT -------------------------------------------- */

/* Whether phase 2 has a bound: without one it would never end. */
static bool phase2_wanted(const struct rl_explore_config *cfg)
{
    return cfg->random_runs || cfg->pct_runs || cfg->max_runs;
}

/* The scheduler of a phase 2 run: seeded random or PCT, and timeouts are
 * choices, as in phase 1. rl_explore_found_sched gives the same one, so
 * the spec a report prints (rl_sched_format: "random:SEED:timeouts") makes
 * that run again. */
static void phase_sched(enum rl_explore_phase ph, uint64_t seed, int depth,
                        struct rl_sched *s)
{
    memset(s, 0, sizeof(*s));
    s->kind = ph == RL_EXPLORE_PCT ? RL_SCHED_PCT : RL_SCHED_RANDOM;
    s->seed = seed;
    s->depth = ph == RL_EXPLORE_PCT ? depth : 0;
    s->timeouts = true;
}

/* Returns 1 found, -1 stopped, 0 the runs asked for are done. */
static int randomized(struct explorer *x, uint64_t est_steps)
{
    const struct rl_explore_config *cfg = x->cfg;
    bool limited = cfg->random_runs || cfg->pct_runs;
    if (!phase2_wanted(cfg))
        return 0;
    int maxd = cfg->pct_max_depth > 0 ? cfg->pct_max_depth : 3;
    if (maxd > 16)
        maxd = 16;
    uint64_t nr = 0, np = 0;
    for (uint64_t r = 0;; r++) {
        bool want_random = !limited || nr < cfg->random_runs;
        bool want_pct = !limited || np < cfg->pct_runs;
        if (!want_random && !want_pct)
            return 0;
        if (!may_run(x))
            return -1;
        struct rl_sched s;
        uint64_t seed = seed_for(cfg->seed, r);
        enum rl_explore_phase ph;
        int depth = 0;
        if (want_random && (!want_pct || nr <= np)) {
            ph = RL_EXPLORE_RANDOM;
            phase_sched(ph, seed, depth, &s);
            nr++;
            x->res->random_runs++;
        } else {
            depth = 1 + (int)(np % (uint64_t)maxd);
            ph = RL_EXPLORE_PCT;
            phase_sched(ph, seed, depth, &s);
            /* The length a spec's run measures the same way (one round
             * robin run, rl_run_create) unless that run hit the limit. */
            s.pct_steps = (int)(est_steps ? est_steps : 1000);
            np++;
            x->res->pct_runs++;
        }
        struct rl_run *run = run_one(x, &s);
        if (!run)
            return -1;
        bool failed = judge(x, run, ph, seed, depth);
        rl_run_destroy(run);
        if (failed)
            return 1;
    }
}

/* ---- the search --------------------------------------------------------- */

/* Replay the failing schedule once more; a different verdict means the
 * program depends on something besides the schedule. */
static void verify_failure(struct explorer *x)
{
    struct rl_explore_result *res = x->res;
    struct rl_sched s = {0};
    s.kind = RL_SCHED_REPLAY;
    s.choices = res->choices;
    struct rl_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.program = x->cfg->program;
    rc.backend = RL_BACKEND_SIM;
    rc.sched = s;
    rc.max_steps = x->max_steps;
    rc.max_records = 4096;
    char err[160];
    struct rl_run *run = rl_run_create(&rc, err, sizeof(err));
    if (!run) {
        snprintf(res->error, sizeof(res->error),
                 "the failing schedule could not be replayed: %s", err);
        res->stop = RL_EXPLORE_NONDETERMINISM;
        return;
    }
    rl_run_finish(run);
    bool only;
    int f = first_failure(x->cfg, run, &only);
    struct rl_check_result r = {0};
    if (f >= 0)
        rl_run_check(run, f, &r);
    if (rl_run_end(run) != res->end || f < 0 || strcmp(r.name, res->check)) {
        snprintf(res->error, sizeof(res->error),
                 "nondeterminism outside the scheduler: the failing "
                 "schedule ended '%s' (%s) once and '%s' (%s) on replay",
                 rl_end_name(res->end), res->check,
                 rl_end_name(rl_run_end(run)), f >= 0 ? r.name : "passed");
        res->stop = RL_EXPLORE_NONDETERMINISM;
    }
    rl_run_destroy(run);
}

/* The length of one round-robin run, PCT's estimate k of a run's steps (a
 * probe, not counted as an explored schedule). Returns 0, or -1 with
 * res->error set. */
static int probe_length(struct explorer *x, uint64_t *steps)
{
    if (rl_run_probe_length(&x->cfg->program, x->max_steps, steps,
                            x->res->error, sizeof(x->res->error)) != 0) {
        x->res->stop = RL_EXPLORE_ERROR;
        return -1;
    }
    return 0;
}

/* Phase 1, then phase 2 with what is left, then verify the failure. */
int rl_explore(const struct rl_explore_config *cfg,
               struct rl_explore_result *res)
{
    memset(res, 0, sizeof(*res));
    if (cfg->program.external)
        return rl_mirror_explore(cfg, res);
    struct explorer x;
    memset(&x, 0, sizeof(x));
    x.cfg = cfg;
    x.res = res;
    x.max_steps =
        cfg->max_steps ? cfg->max_steps : RL_EXPLORE_DEFAULT_MAX_STEPS;
    clock_gettime(CLOCK_MONOTONIC, &x.t0);
    res->bound = cfg->max_preemptions < 0 ? 0 : cfg->max_preemptions;
    res->bound_complete = -1;
    res->max_steps = x.max_steps;
    res->stop = RL_EXPLORE_DONE;
    struct rl_explore_config c2 = *cfg;
    c2.max_preemptions = res->bound;
    /* Random and PCT get their share of the schedule budget whatever the
     * bounded search would take: the runs asked for, or a quarter of
     * max_runs. The bounded search gets the rest. */
    uint64_t share = cfg->random_runs + cfg->pct_runs;
    if (share == 0 && cfg->max_runs)
        share = cfg->max_runs / EXPLORE_PHASE2_SHARE;
    if (cfg->max_runs && !cfg->skip_systematic) {
        uint64_t sys = cfg->max_runs > share ? cfg->max_runs - share : 1;
        if (!c2.max_systematic || c2.max_systematic > sys)
            c2.max_systematic = sys;
    }
    x.cfg = &c2;
    if (!cfg->no_reduction)
        x.po = porder_create();

    int r = 0;
    uint64_t est = 0;
    if (!cfg->skip_systematic) {
        r = systematic(&x);
        res->every_schedule =
            r == 0 && !x.beyond && res->bound_complete >= res->bound;
        if (res->every_schedule)
            r = 2; /* nothing left for phase 2 to find */
        else if (r == 0 && res->bound_complete >= res->bound &&
                 !cfg->random_runs && !cfg->pct_runs)
            r = 2; /* complete within the bound: say so and stop */
    }
    if (r == 0 && phase2_wanted(cfg))
        r = probe_length(&x, &est);
    if (r == 0)
        r = randomized(&x, est);
    if (r == 2)
        r = 0;
    free(x.pts);
    res->exhaustive = res->bound_complete >= res->bound;
    if (r == 1) {
        res->stop = RL_EXPLORE_DONE;
        shrink(&x);
        verify_failure(&x);
    }
    porder_destroy(x.po);
    res->seconds = elapsed(&x);
    if (res->stop == RL_EXPLORE_ERROR && res->runs == 0)
        return -1;
    return 0;
}

/* Free the failing schedule's choices. */
void rl_explore_result_free(struct rl_explore_result *res)
{
    if (!res)
        return;
    free(res->choices);
    res->choices = NULL;
}

/* The scheduler that makes a random or PCT find again (see explore.h). */
bool rl_explore_found_sched(const struct rl_explore_result *res,
                            struct rl_sched *out)
{
    if (!res->found || (res->phase != RL_EXPLORE_RANDOM &&
                        res->phase != RL_EXPLORE_PCT))
        return false;
    phase_sched(res->phase, res->phase_seed, res->phase_depth, out);
    return true;
}

/* The name of a phase, for reports. */
const char *rl_explore_phase_name(enum rl_explore_phase p)
{
    switch (p) {
    case RL_EXPLORE_SYSTEMATIC:
        return "systematic";
    case RL_EXPLORE_RANDOM:
        return "random";
    case RL_EXPLORE_PCT:
        return "pct";
    }
    return "?";
}
