/* SPDX-License-Identifier: MIT */
/*
 * explore_shrink.c - shortening a counterexample before it is reported
 * (see explore.c for the search, explore_impl.h for the files).
 *
 * A found schedule is a list of picks, one per choice point. Each
 * candidate is a guided run: it follows the picks it is given where they
 * can still run and takes the default (explore_default_index) elsewhere,
 * noting which of its picks were costly, so the next candidate knows
 * which picks to try to take back.
 */
#include <stdlib.h>
#include <string.h>

#include "explore_impl.h"
#include "schedule.h"

/* Runs the shrinking of a counterexample may take. */
#define EXPLORE_SHRINK_RUNS 2000

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
    int def = explore_default_index(g->x, c), pick = def;
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
    struct rl_run *run = explore_run_start(x, &s, true);
    if (!run) {
        free(g.costly);
        return -1;
    }
    x->res->shrink_runs++;
    bool only;
    int f = explore_first_failure(x->cfg, run, &only);
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
            explore_take_failure(x->res, run, f);
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
void explore_shrink(struct explorer *x)
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
