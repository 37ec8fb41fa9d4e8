/* SPDX-License-Identifier: MIT */
/*
 * explore.h - schedule exploration: search the sim schedules of a program
 * for one that breaks a check.
 *
 * Phase 1 is systematic: iterative bounding over the choice points of
 * the program, cheapest first. At each choice point one option is the
 * default and costs nothing: the thread that ran the previous step if it
 * can go on (after a yield or a sleep, the next one instead), else the
 * next runnable thread after it by id, cyclically (round robin); for a
 * notify, the longest waiter. Any other pick costs one: a preemption (the
 * running thread could go on) or a delay (it could not, and another than
 * the round-robin next was picked). So bound 0 is exactly one schedule,
 * and bound k is polynomial in the length of a run. A thread blocked in
 * a timed wait is an option too wherever it waits (picking it fires its
 * timeout: real time promises no notifier runs first); it is never the
 * default, so firing a timeout early costs one. Level b runs every
 * schedule that costs exactly b, each once (the bound reported and asked
 * for as "preemptions" is this cost), so the first failure found is one
 * of the cheapest there are.
 * A partial-order reduction stops a run as soon as its prefix only
 * reorders independent steps (different objects) of a prefix already
 * covered at no more cost (explore.c says why this is sound under the
 * bound, where sleep sets are not): a failure reachable within the bound
 * is found at the same bound with or without it (no_reduction turns it
 * off, to check that).
 * Phase 2, when the bounded search found nothing, spends what is left of
 * the schedule budget on seeded random and PCT runs (schedules with more
 * preemptions). Everything is a function of the configuration: every
 * limit that shapes the result is counted in schedules or steps, so the
 * verdict, the counterexample and the schedule count are the same on
 * every machine. The one wall-clock limit (guard_s) is a safety stop: a
 * search it stops is reported as incomplete (RL_EXPLORE_GUARD), never as
 * a verdict.
 *
 * A run that reaches the step limit is judged by a fair continuation: the
 * same forced choices, then round robin. Only if that run does not finish
 * either is it reported ("did not finish"); otherwise the limit was an
 * artefact of the unfair depth-first continuation (a thread spinning until
 * another is scheduled) and the schedule counts as passed.
 *
 * The engine knows no lab: the caller supplies a struct rl_program whose
 * setup can be run again and again (each run gets a fresh start).
 */
#ifndef RL_EXPLORE_H
#define RL_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"

/* The step limit of one explored run when the config gives none. */
#define RL_EXPLORE_DEFAULT_MAX_STEPS 20000u
#define RL_EXPLORE_DEFAULT_PREEMPTIONS 2

struct rl_explore_config {
    struct rl_program program;
    int max_preemptions;     /* bound of the systematic search, >= 0 */
    uint64_t max_steps;      /* per run; 0 = RL_EXPLORE_DEFAULT_MAX_STEPS */
    uint64_t seed;           /* random and PCT runs */
    double guard_s;          /* safety stop on the wall clock; 0 = none.
                                Reaching it ends the search as
                                RL_EXPLORE_GUARD: incomplete, no verdict */
    double cpu_guard_s;      /* safety stop on this process's CPU time
                                (CLOCK_PROCESS_CPUTIME_ID, since it
                                started: a child's RLIMIT_CPU), never
                                on the machine's load; 0 = none. Ends
                                the search as guard_s does */
    uint64_t max_runs;       /* every run counted (also those stopped
                                early by the reduction); 0 = no limit.
                                Phase 2's share (random_runs + pct_runs,
                                or else a quarter of it) is kept from
                                phase 1: it always runs, seeded, unless
                                the bounded search is complete */
    uint64_t max_systematic; /* runs of phase 1; 0 = no limit of its own.
                                Shared fairly among the levels: level b
                                may use at most (what is left) / (levels
                                left), so a level too big to finish still
                                leaves runs for more preemptions */
    uint64_t random_runs;    /* phase 2: at most this many random runs and */
    uint64_t pct_runs;       /* PCT runs, interleaved; both 0 = no limit
                                (until max_runs). Given, they run even
                                after a complete bounded search; both 0,
                                phase 2 runs only when the bounded search
                                was cut short (a complete one is the
                                answer: the search says so and stops) */
    int pct_max_depth;       /* PCT depths cycle 1..this; 0 = 3 */
    bool skip_systematic;    /* phase 2 only */
    bool no_reduction;       /* run every schedule within the bound, also
                                those that only reorder independent steps
                                of one already run (to check the
                                reduction; slower, same verdicts) */
    bool caller_replays;     /* an external program built apart: the
                                caller replays and judges a found schedule
                                itself (the grader, which tells a failure
                                that does not come back in a fresh child
                                as nondeterminism); otherwise rl_explore
                                replays it here before believing it */
    /* Which failed checks make a run a counterexample; NULL = every one.
     * (The grader judges safety without "no deadlock" and "finishes",
     * and liveness with only those two.) */
    bool (*check_counts)(void *ctx, const char *check);
    void *check_ctx;
};

/* How a schedule was found. */
enum rl_explore_phase {
    RL_EXPLORE_SYSTEMATIC, /* depth-first within the preemption bound */
    RL_EXPLORE_RANDOM,     /* seeded uniform random */
    RL_EXPLORE_PCT,        /* seeded PCT */
};

/* Why the search stopped. */
enum rl_explore_stop {
    RL_EXPLORE_DONE,    /* found a failure, or covered all it set out to */
    RL_EXPLORE_RUN_CAP, /* max_runs / max_systematic reached */
    RL_EXPLORE_GUARD,   /* the safety stop (guard_s) ended the search:
                           incomplete, the result is not a verdict */
    RL_EXPLORE_NONDETERMINISM, /* a replayed prefix made different choices */
    RL_EXPLORE_ERROR,          /* the program could not be run (setup error) */
};

struct rl_explore_result {
    /* A failing schedule, when found. */
    bool found;
    char *choices;      /* malloc'd choices part ("0x3.1.0x2"); the
                           caller frees it with rl_explore_result_free */
    char check[48];     /* the first failed check's name */
    char message[256];  /* and its message */
    char end_text[512]; /* rl_run_end_text of the failing run */
    enum rl_end end;    /* how the failing run ended */
    int preemptions;    /* of the failing schedule */
    int cost;           /* SYSTEMATIC: its preemptions and delays (the
                           level it was found at) */
    int found_preemptions;  /* the schedule as found, before it was */
    uint64_t found_steps;   /* shrunk to preemptions / steps above */
    uint64_t shrink_runs;   /* runs spent shrinking (not in runs) */
    uint64_t steps;     /* of the failing run */
    uint64_t max_steps; /* the step limit runs had (for a replay) */
    enum rl_explore_phase phase;
    uint64_t phase_seed; /* RANDOM / PCT: the seed of the run */
    int phase_depth;     /* PCT: its depth */
    uint64_t phase_max_steps; /* RANDOM / PCT: the step limit the run
                                 needs to be made again from its spec
                                 (max_steps, when the run or PCT's
                                 estimate of a run's length depended on
                                 it); 0 when a run's default limit
                                 (RL_DEFAULT_MAX_STEPS) makes it too */

    /* Coverage. */
    uint64_t runs; /* schedules run to the end and judged, every phase */
    uint64_t pruned_runs; /* systematic runs stopped early: their prefix
                             only reordered independent steps of one
                             already covered (the reduction) */
    uint64_t systematic_runs; /* runs of phase 1, those stopped early by
                                 the reduction included */
    uint64_t random_runs;
    uint64_t pct_runs;
    uint64_t spin_runs;  /* runs at the step limit judged by a fair
                            continuation (that finished) */
    uint64_t finished_runs; /* runs that ended with every thread done: a
                               search where none did judged nothing */
    int bound;           /* the preemption bound asked for */
    int bound_complete;  /* every schedule with at most this many
                            preemptions was run (-1: not even 0) */
    bool exhaustive;     /* bound_complete == bound: the bounded search
                            covered every schedule within it */
    bool every_schedule; /* exhaustive, and no schedule needed more
                            preemptions: the whole schedule space was
                            covered (phase 2 is then skipped) */
    enum rl_explore_stop stop;
    char error[256]; /* NONDETERMINISM / ERROR: what happened */
    bool program_failed; /* ERROR: the program's own process broke off
                            the search (it crashed, exited, broke
                            racelab's protocol or stopped answering): a
                            failure of the program, not of the request */
    double seconds;  /* wall clock spent (not part of any result) */
};

/* Search cfg->program's schedules. Returns 0 when the search ran (found or
 * not: see res), -1 when the program could not be run at all (res->error
 * says why). The program's setup and check are called once per run. */
int rl_explore(const struct rl_explore_config *cfg,
               struct rl_explore_result *res);

/* Free what rl_explore allocated in res (the choices). Accepts a zeroed
 * or already freed result. */
void rl_explore_result_free(struct rl_explore_result *res);

/* The scheduler of the run a random or PCT phase found failing, as
 * rl_sched_parse gives it from a --sched spec: seed, depth and timeouts
 * on (the phase fires timeouts as choices), so rl_sched_format writes the
 * spec that makes that run again ("random:SEED:timeouts"), before it was
 * shrunk, in a run whose step limit is res->phase_max_steps (when not 0:
 * "--max-steps N" beside the spec). False (out untouched) when nothing was
 * found or the systematic search found it: its schedule string is the way
 * to replay it. */
bool rl_explore_found_sched(const struct rl_explore_result *res,
                            struct rl_sched *out);

/* One name per phase ("systematic", "random", "pct"). */
const char *rl_explore_phase_name(enum rl_explore_phase p);

#endif
