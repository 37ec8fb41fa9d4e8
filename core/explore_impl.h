/* SPDX-License-Identifier: MIT */
/*
 * explore_impl.h - what the files of the schedule search share, and
 * nothing else: the explorer's state and the helpers one file calls in
 * another (explore.h is the interface; explore.c has the data model).
 *
 *   explore.c         the search: its budget and stops, one run and its
 *                     verdict (the failure taken into the result), the
 *                     cost model (explore_default_index), phase 2
 *                     (random and PCT), the replay that verifies a find,
 *                     rl_explore
 *   explore_bound.c   phase 1, iterative bounding: the choice points of
 *                     the current run, the queue of the next level, the
 *                     custom scheduler that replays a root and goes on by
 *                     default picks, the levels
 *   explore_shrink.c  shrinking a counterexample by guided runs
 *
 * Everything here is private to the thread that calls rl_explore: a
 * search runs its sim runs one after another on that thread.
 */
#ifndef RL_EXPLORE_IMPL_H
#define RL_EXPLORE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine.h"
#include "explore.h"

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

    struct porder *po;   /* the partial-order reduction, or NULL */
};

/* ---- explore.c ----------------------------------------------------------- */

/* Whether another run may start; sets res->stop when not. */
bool explore_may_run(struct explorer *x);

/* The index of the option that costs nothing at c (see explore.c). */
int explore_default_index(const struct explorer *x, const struct rl_choice *c);

/* The first failed check of a finished run that counts; see explore.c.
 * Sets *only_finishes when "finishes" is the only one. -1: none failed. */
int explore_first_failure(const struct rl_explore_config *cfg,
                          const struct rl_run *run, bool *only_finishes);

/* Create and finish one run with scheduler s (traced: with the reduction's
 * trace and the yields noted). NULL with res->error set if the program
 * cannot be run. The caller counts it and destroys it. */
struct rl_run *explore_run_start(struct explorer *x, const struct rl_sched *s,
                                 bool traced);

/* Judge a finished run; on a failure fill res (found by phase, with seed
 * and depth for phase 2) and return true. */
bool explore_judge(struct explorer *x, struct rl_run *run,
                   enum rl_explore_phase phase, uint64_t seed, int depth);

/* Fill res with the failure f of run (its check, how it ended, its
 * schedule). */
void explore_take_failure(struct rl_explore_result *res,
                          const struct rl_run *run, int f);

/* ---- explore_bound.c ----------------------------------------------------- */

/* Phase 1: every schedule of each level 0..max_preemptions, cheapest
 * first. Returns 1 found, -1 stopped, 0 done (every level complete, or
 * cut short by max_systematic). */
int explore_systematic(struct explorer *x);

/* ---- explore_shrink.c ---------------------------------------------------- */

/* Shorten the failure in x->res by guided runs (counted in shrink_runs). */
void explore_shrink(struct explorer *x);

#endif
