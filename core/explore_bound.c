/* SPDX-License-Identifier: MIT */
/*
 * explore_bound.c - phase 1 of the schedule search: iterative bounding
 * (see explore.c for the data model, explore_impl.h for the files).
 *
 * Level b is a queue of roots; each root is one run under the custom
 * scheduler here (explore_choose): it replays the root's picks, checking
 * that the run meets the options the run that queued it met, then takes
 * the default option at every new choice point, queueing each costly
 * alternative as a root of level b+1 and asking the partial-order
 * reduction whether the prefix is covered already. The levels share the
 * schedule budget fairly (explore_systematic).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore_impl.h"
#include "porder.h"

/* Stored picks across a level's queue: beyond this the next level is cut
 * short (and so not exhaustive) rather than eat the machine's memory. */
#define EXPLORE_MAX_STORED_IDS ((size_t)32 << 20)

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
        p->def = (int16_t)explore_default_index(x, c);
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
    p->def = (int16_t)explore_default_index(x, c);
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
    if (!explore_may_run(x))
        return -1;
    x->pos = 0;
    x->npts = x->fixed;
    x->pruned = false;
    if (x->next)
        x->next->recorded_at = SIZE_MAX;
    struct rl_run *run = explore_run_start(x, &s, true);
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
    bool failed = explore_judge(x, run, RL_EXPLORE_SYSTEMATIC, 0, 0);
    if (failed)
        x->res->cost = x->bound;
    rl_run_destroy(run);
    return failed ? 1 : 0;
}

/* Search levels 0..cfg->max_preemptions: level b runs every schedule that
 * costs exactly b (preemptions and delays), each once. Returns 1 found,
 * -1 stopped, 0 done (every level complete, or cut short by
 * max_systematic). */
int explore_systematic(struct explorer *x)
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
