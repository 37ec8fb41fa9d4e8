/* SPDX-License-Identifier: MIT */
/*
 * explore.c - systematic, random and PCT search for a failing schedule.
 *
 * The data model. A run of the sim backend is a sequence of choice points
 * (the engine asks only where more than one thread could run, or a notify
 * has several waiters). The search drives every run through a custom
 * scheduler (RL_SCHED_CUSTOM) that replays a forced prefix of picks and
 * then continues without preempting, writing down at each point the
 * options it saw: `pts`, the depth-first stack.
 *
 * Fewest preemptions first, each schedule once (iterative preemption
 * bounding, as in CHESS): level b is a depth-first search whose roots are
 * the prefixes that end with their b-th preemption. Inside a level every
 * pick is a non-preemption (the running thread goes on, or it could not
 * run, or it is a notify choice), so backtracking only tries those
 * alternatives; a preempting alternative is not tried but queued as a root
 * of level b+1. A root is stored as a reference into the recorded picks of
 * the run that queued it (`struct level`): one copy of a run's picks serves
 * all the roots it queued.
 *
 * A prefix that is replayed must meet the same options it met before; if
 * not, something outside the scheduler decides what the program does
 * (uninitialised memory, static state kept across runs, the clock) and the
 * search stops with an error rather than trusting its own counts.
 */
#include "explore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "schedule.h"

/* Stored picks across a level's queue: beyond this the next level is cut
 * short (and so not exhaustive) rather than eat the machine's memory. */
#define EXPLORE_MAX_STORED_IDS ((size_t)32 << 20)

/* One choice point of the current run. */
struct point {
    uint8_t kind;   /* enum rl_choice_kind */
    uint8_t n;      /* options; 0 = not seen yet (queued prefix) */
    int8_t current; /* the thread that ran before, or -1 */
    int8_t chosen;  /* the thread picked */
    uint16_t pb;    /* preemptions before this point */
    uint64_t tried; /* option indexes tried or queued */
    uint8_t opts[RL_MAX_THREADS];
};

/* The roots of one level: prefixes = picks[start .. start+len) + alt. */
struct root {
    size_t start;
    uint32_t len;
    int8_t alt;
};

struct level {
    int8_t *picks; /* runs' picks, back to back */
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
    size_t fixed;       /* the root's length: never backtracked below */
    size_t forced;      /* points replayed from pts in this run */
    size_t pos;         /* next point of the running run */
    int bound;          /* the level being searched */
    bool queue_next;    /* queue preempting alternatives (bound < max) */
    struct level *next; /* the queue of level bound+1 */
    bool beyond;        /* a preemption beyond the bound was not tried */
    bool mismatch;
    char why[200];
};

/* ---- small helpers ------------------------------------------------------ */

/* splitmix64: the seed of phase-2 run r, the same on every machine. */
static uint64_t seed_for(uint64_t seed, uint64_t r)
{
    uint64_t z = seed + (r + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (z ^ (z >> 31)) % 1000000007ULL;
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
    if (cfg->max_runs && x->res->runs >= cfg->max_runs) {
        x->res->stop = RL_EXPLORE_RUN_CAP;
        return false;
    }
    if (cfg->budget_s > 0 && elapsed(x) >= cfg->budget_s) {
        x->res->stop = RL_EXPLORE_BUDGET;
        return false;
    }
    return true;
}

/* Whether picking option j at p preempts the thread that ran before. */
static bool is_preemption(const struct point *p, int j)
{
    if (j < 0 || p->kind != RL_CHOICE_THREAD || p->opts[j] == p->current)
        return false;
    for (int i = 0; i < p->n; i++)
        if (p->opts[i] == p->current)
            return true;
    return false;
}

/* The index of thread id among p's options, or -1. */
static int option_index(const struct point *p, int id)
{
    for (int i = 0; i < p->n; i++)
        if (p->opts[i] == id)
            return i;
    return -1;
}

/* Make room for n choice points in the depth-first stack. */
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
            l->picks = rl_xrealloc(l->picks, cap);
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
    r->alt = (int8_t)alt;
}

/* ---- the scheduler callback --------------------------------------------- */

/* Pick at a choice point: replay pts[pos] while forced, else take the
 * non-preempting default and record the point. */
static int explore_choose(void *ctx, const struct rl_choice *c)
{
    struct explorer *x = ctx;
    size_t i = x->pos++;
    if (x->mismatch)
        return 0; /* the run is void; finish it quickly */
    pts_reserve(x, i + 1);
    struct point *p = &x->pts[i];
    uint16_t pb = 0;
    if (i > 0) {
        const struct point *q = &x->pts[i - 1];
        pb = (uint16_t)(q->pb + is_preemption(q, option_index(q, q->chosen)));
    }
    if (i < x->forced) {
        if (p->n == 0) {
            /* First replay of a queued root: note what is seen. */
            p->kind = (uint8_t)c->kind;
            p->n = (uint8_t)c->n;
            p->current = (int8_t)c->current;
            for (int k = 0; k < c->n; k++)
                p->opts[k] = (uint8_t)c->options[k];
            p->tried = 0;
        } else {
            bool same =
                p->kind == c->kind && p->n == c->n && p->current == c->current;
            for (int k = 0; same && k < c->n; k++)
                same = p->opts[k] == c->options[k];
            if (!same) {
                x->mismatch = true;
                snprintf(x->why, sizeof(x->why),
                         "the same choices led to different options at "
                         "choice point %zu (step %llu)",
                         i + 1, (unsigned long long)c->step);
                return 0;
            }
        }
        p->pb = pb;
        int k = option_index(p, p->chosen);
        if (k < 0) {
            x->mismatch = true;
            snprintf(x->why, sizeof(x->why),
                     "the same choices led to a different run: T%d cannot "
                     "run at choice point %zu (step %llu)",
                     p->chosen, i + 1, (unsigned long long)c->step);
            return 0;
        }
        p->tried |= (uint64_t)1 << k;
        return k;
    }
    /* A new point: record it, pick without preempting. */
    p->kind = (uint8_t)c->kind;
    p->n = (uint8_t)c->n;
    p->current = (int8_t)c->current;
    for (int k = 0; k < c->n; k++)
        p->opts[k] = (uint8_t)c->options[k];
    p->pb = pb;
    int pick = 0;
    if (c->kind == RL_CHOICE_THREAD) {
        int k = option_index(p, c->current);
        if (k >= 0)
            pick = k;
    }
    p->chosen = (int8_t)p->opts[pick];
    p->tried = (uint64_t)1 << pick;
    x->npts = i + 1;
    for (int k = 0; k < p->n; k++) {
        if (k == pick || !is_preemption(p, k))
            continue;
        p->tried |= (uint64_t)1 << k;
        if (x->queue_next)
            level_push(x->next, x, i, p->opts[k]);
        else
            x->beyond = true;
    }
    return pick;
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

/* Create and finish one run with scheduler s. NULL with res->error set if
 * the program cannot be run. */
static struct rl_run *run_one(struct explorer *x, const struct rl_sched *s)
{
    struct rl_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.program = x->cfg->program;
    rc.backend = RL_BACKEND_SIM;
    rc.sched = *s;
    rc.max_steps = x->max_steps;
    rc.max_records = 4096; /* only the verdict is used */
    struct rl_run *run =
        rl_run_create(&rc, x->res->error, sizeof(x->res->error));
    if (!run) {
        x->res->stop = RL_EXPLORE_ERROR;
        return NULL;
    }
    rl_run_finish(run);
    x->res->runs++;
    if (rl_run_end(run) == RL_END_DONE)
        x->res->finished_runs++;
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
    struct rl_check_result r;
    rl_run_check(run, f, &r);
    res->found = true;
    snprintf(res->check, sizeof(res->check), "%s", r.name);
    snprintf(res->message, sizeof(res->message), "%s", r.message);
    rl_run_end_text(run, res->end_text, sizeof(res->end_text));
    res->end = rl_run_end(run);
    res->preemptions = rl_run_preemptions(run);
    res->steps = rl_run_record_last(run);
    res->phase = phase;
    res->phase_seed = seed;
    res->phase_depth = depth;
    size_t len = rl_run_choices(run, NULL, 0) + 1;
    free(res->choices);
    res->choices = rl_xmalloc(len);
    rl_run_choices(run, res->choices, len);
    return true;
}

/* ---- phase 1: iterative preemption bounding ----------------------------- */

/* Depth-first search from the root now in pts[0..fixed). Returns 1 when a
 * failure was found, -1 when the search must stop (cap, budget, error,
 * mismatch), 2 when the level used its share of max_systematic (limit:
 * a ceiling on *sys_runs, 0 = none), 0 when the root's subtree is done. */
static int dfs_root(struct explorer *x, uint64_t *sys_runs, uint64_t limit)
{
    struct rl_sched s = {0};
    s.kind = RL_SCHED_CUSTOM;
    s.choose = explore_choose;
    s.choose_ctx = x;
    x->forced = x->fixed;
    x->npts = x->fixed;
    for (;;) {
        if (!may_run(x))
            return -1;
        if (limit && *sys_runs >= limit)
            return 2; /* this level's share is used */
        x->pos = 0;
        if (x->next)
            x->next->recorded_at = SIZE_MAX;
        struct rl_run *run = run_one(x, &s);
        if (!run)
            return -1;
        (*sys_runs)++;
        x->res->systematic_runs++;
        if (x->mismatch || x->pos < x->forced) {
            if (!x->mismatch)
                snprintf(x->why, sizeof(x->why),
                         "the same choices led to a shorter run (%zu choice "
                         "points, expected at least %zu)",
                         x->pos, x->forced);
            snprintf(x->res->error, sizeof(x->res->error),
                     "nondeterminism outside the scheduler: %s", x->why);
            x->res->stop = RL_EXPLORE_NONDETERMINISM;
            rl_run_destroy(run);
            return -1;
        }
        x->npts = x->pos;
        bool failed = judge(x, run, RL_EXPLORE_SYSTEMATIC, 0, 0);
        rl_run_destroy(run);
        if (failed)
            return 1;
        /* Backtrack: the deepest point with an untried alternative that
         * does not preempt (preempting ones were queued). */
        size_t i = x->npts;
        int alt = -1;
        while (i > x->fixed && alt < 0) {
            struct point *p = &x->pts[--i];
            for (int k = 0; k < p->n; k++)
                if (!(p->tried & ((uint64_t)1 << k)) && !is_preemption(p, k)) {
                    alt = k;
                    break;
                }
        }
        if (alt < 0)
            return 0;
        struct point *p = &x->pts[i];
        p->tried |= (uint64_t)1 << alt;
        p->chosen = (int8_t)p->opts[alt];
        x->forced = i + 1;
        x->npts = i + 1;
    }
}

/* Search levels 0..cfg->max_preemptions. Returns 1 found, -1 stopped,
 * 0 done (every level complete, or cut short by max_systematic). */
static int systematic(struct explorer *x)
{
    int maxb = x->cfg->max_preemptions;
    uint64_t cap = x->cfg->max_systematic;
    struct level cur, nxt;
    memset(&cur, 0, sizeof(cur));
    memset(&nxt, 0, sizeof(nxt));
    cur.recorded_at = nxt.recorded_at = SIZE_MAX;
    uint64_t sys_runs = 0;
    int ret = 0;
    bool cut = false; /* a level was cut short: the rest is not complete */
    for (int b = 0; b <= maxb && (ret == 0 || ret == 2); b++) {
        uint64_t limit = 0;
        if (cap) {
            limit = sys_runs + (cap - sys_runs) / (uint64_t)(maxb - b + 1);
            if (limit == sys_runs)
                limit++;
        }
        x->bound = b;
        x->queue_next = b < maxb;
        x->next = &nxt;
        ret = 0;
        if (b == 0) {
            x->fixed = 0;
            ret = dfs_root(x, &sys_runs, limit);
        } else {
            for (cur.head = 0; cur.head < cur.nroots && ret == 0; cur.head++) {
                const struct root *r = &cur.roots[cur.head];
                pts_reserve(x, (size_t)r->len + 1);
                for (uint32_t k = 0; k < r->len; k++) {
                    x->pts[k].n = 0;
                    x->pts[k].chosen = cur.picks[r->start + k];
                }
                x->pts[r->len].n = 0;
                x->pts[r->len].chosen = r->alt;
                x->fixed = (size_t)r->len + 1;
                ret = dfs_root(x, &sys_runs, limit);
            }
        }
        cut = cut || ret == 2;
        if (ret == 0 && !cut)
            x->res->bound_complete = b;
        cut = cut || nxt.overflow;
        level_free(&cur);
        cur = nxt;
        memset(&nxt, 0, sizeof(nxt));
        nxt.recorded_at = SIZE_MAX;
        if (cap && sys_runs >= cap)
            break;
    }
    level_free(&cur);
    level_free(&nxt);
    x->next = NULL;
    return ret == 2 ? 0 : ret;
}

/* ---- phase 2: random and PCT -------------------------------------------- */

/* Whether phase 2 has a bound: without one it would never end. */
static bool phase2_wanted(const struct rl_explore_config *cfg)
{
    return cfg->random_runs || cfg->pct_runs || cfg->max_runs ||
           cfg->budget_s > 0;
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
        struct rl_sched s = {0};
        uint64_t seed = seed_for(cfg->seed, r);
        enum rl_explore_phase ph;
        int depth = 0;
        if (want_random && (!want_pct || nr <= np)) {
            s.kind = RL_SCHED_RANDOM;
            s.seed = seed;
            ph = RL_EXPLORE_RANDOM;
            nr++;
            x->res->random_runs++;
        } else {
            depth = 1 + (int)(np % (uint64_t)maxd);
            s.kind = RL_SCHED_PCT;
            s.seed = seed;
            s.depth = depth;
            s.pct_steps = (int)(est_steps ? est_steps : 1000);
            ph = RL_EXPLORE_PCT;
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
    struct rl_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.program = x->cfg->program;
    rc.backend = RL_BACKEND_SIM;
    rc.sched.kind = RL_SCHED_RR;
    rc.sched.quantum = 1;
    rc.max_steps = x->max_steps;
    rc.max_records = 4096;
    struct rl_run *run =
        rl_run_create(&rc, x->res->error, sizeof(x->res->error));
    if (!run) {
        x->res->stop = RL_EXPLORE_ERROR;
        return -1;
    }
    rl_run_finish(run);
    *steps = rl_run_record_last(run);
    rl_run_destroy(run);
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
    x.cfg = &c2;

    int r = 0;
    uint64_t est = 0;
    if (!cfg->skip_systematic) {
        r = systematic(&x);
        res->every_schedule =
            r == 0 && !x.beyond && res->bound_complete >= res->bound;
        if (res->every_schedule)
            r = 2; /* nothing left for phase 2 to find */
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
        verify_failure(&x);
    }
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
