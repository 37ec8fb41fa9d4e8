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
 *
 * Phase 1 is explore_bound.c, the shrinking explore_shrink.c; what they
 * share with this file is in explore_impl.h.
 */
#include "explore_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "porder.h"
#include "rng.h"
#include "schedule.h"

/* Without lists of random and PCT runs, they get 1/this of max_runs. */
#define EXPLORE_PHASE2_SHARE 4

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

/* This process's CPU time in seconds, all threads. */
static double process_cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Whether another run may start; sets res->stop when not. */
bool explore_may_run(struct explorer *x)
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
    if (cfg->cpu_guard_s > 0 && process_cpu_s() >= cfg->cpu_guard_s) {
        x->res->stop = RL_EXPLORE_GUARD;
        return false;
    }
    return true;
}

/* The option that costs nothing at c: round robin's, as the sim computes
 * it for its own preemption count (core/rrpick.h: the thread that ran
 * before if it can go on and neither yielded, slept nor spins; else the
 * next runnable one after it by id, cyclically; for a notify, the longest
 * waiter). One definition, so that a run of a schedule the search
 * charged K reports K preemptions. */
int explore_default_index(const struct explorer *x, const struct rl_choice *c)
{
    (void)x;
    return c->def;
}

/* on_record of the systematic and shrinking runs: feed the reduction. */
static void explore_record(void *ctx, const struct rl_run *run,
                           const struct rl_record *r)
{
    struct explorer *x = ctx;
    if (r->thread < 0 || r->thread >= RL_MAX_THREADS)
        return; /* setup and checks make no records */
    if (x->po)
        porder_record(x->po, run, r);
}

/* ---- one run ------------------------------------------------------------ */

/* The first failed check of a finished run that counts (cfg->check_counts),
 * preferring any over "finishes" (a violation seen during the run is real
 * even if the run was cut short). Returns its index or -1 when every check
 * that counts holds. */
int explore_first_failure(const struct rl_explore_config *cfg,
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
struct rl_run *explore_run_start(struct explorer *x, const struct rl_sched *s,
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

/* explore_run_start, counted as an explored schedule. */
static struct rl_run *run_one(struct explorer *x, const struct rl_sched *s)
{
    struct rl_run *run = explore_run_start(x, s, false);
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

/* Judge a finished run; on a failure fill res and return true. */
bool explore_judge(struct explorer *x, struct rl_run *run,
                   enum rl_explore_phase phase, uint64_t seed, int depth)
{
    struct rl_explore_result *res = x->res;
    bool only_finishes;
    int f = explore_first_failure(x->cfg, run, &only_finishes);
    if (f < 0)
        return false;
    if (only_finishes && rl_run_end(run) == RL_END_STEP_LIMIT &&
        !confirm_step_limit(x, run))
        return false;
    res->phase = phase;
    res->phase_seed = seed;
    res->phase_depth = depth;
    explore_take_failure(res, run, f);
    return true;
}

/* Fill res with the failure f of run (its check, how it ended, its
 * schedule). */
void explore_take_failure(struct rl_explore_result *res,
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

/* The step limit the spec of a failing phase 2 run needs to make it
 * again (phase_max_steps in explore.h): 0 when a run with the default
 * limit (RL_DEFAULT_MAX_STEPS, what a run given none has) makes the same
 * run. It does unless something reached the smaller of the two limits:
 * the run itself, or for PCT the probe that gave its estimate k of a
 * run's length (the change points are drawn over k). */
static uint64_t phase_limit(const struct explorer *x, const struct rl_run *run,
                            enum rl_explore_phase ph, uint64_t est_steps)
{
    uint64_t lim = x->max_steps;
    uint64_t m = lim < RL_DEFAULT_MAX_STEPS ? lim : RL_DEFAULT_MAX_STEPS;
    if (lim == RL_DEFAULT_MAX_STEPS)
        return 0;
    if (rl_run_end(run) == RL_END_STEP_LIMIT || rl_run_record_last(run) >= m)
        return lim;
    if (ph == RL_EXPLORE_PCT && est_steps >= m)
        return lim;
    return 0;
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
        if (!explore_may_run(x))
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
             * robin run, rl_run_create, with the same rule for a length
             * it cannot use) unless that run hit the limit (see
             * phase_limit). */
            s.pct_steps = est_steps > 0 && est_steps < 100000000
                              ? (int)est_steps
                              : 1000;
            np++;
            x->res->pct_runs++;
        }
        struct rl_run *run = run_one(x, &s);
        if (!run)
            return -1;
        bool failed = explore_judge(x, run, ph, seed, depth);
        if (failed)
            x->res->phase_max_steps = phase_limit(x, run, ph, est_steps);
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
    int f = explore_first_failure(x->cfg, run, &only);
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
        r = explore_systematic(&x);
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
        explore_shrink(&x);
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
