/* SPDX-License-Identifier: MIT */
/*
 * grade_check.h - running one check of the grader: the student's code in
 * children of the exercise's executable (grade_job.c), the verdict from
 * mirror runs judged in the grader (grade_check.c); planning, building and
 * reporting are grade.c's.
 */
#ifndef RL_GRADE_CHECK_H
#define RL_GRADE_CHECK_H

#include <stdbool.h>

#include "grade.h"

/* Points kept for a failure of class cls out of max: none when it shows
 * with no preemption or under round robin, 25% when it needs 1
 * preemption, 50% for 2, 75% when only random / PCT schedules find it
 * (rounded down). Used only with --partial-credit. */
int grade_class_points(int max, enum grade_class cls);

/* Explorations kept between the checks of one exercise, so that the
 * safety and the liveness check of a scenario share one: the first of the
 * two explores with every check counting; what it found (or that nothing
 * failed) answers the other too, unless the failure was its own. Zero it
 * before an exercise's first check; grade_share_clear after its last. */
#define GRADE_SHARE_MAX 16
struct grade_share {
    struct grade_share_entry {
        const struct ex_scenario *sc; /* NULL: a free slot */
        enum grade_kind kind;         /* the check it answers */
        void *verdict;                /* malloc'd result of the search */
        char *choices;                /* malloc'd failing schedule, or NULL */
        char *output;                 /* malloc'd captured output, or NULL */
    } e[GRADE_SHARE_MAX];
    /* Scenarios whose shared exploration has run: the second check of
     * the pair takes what was kept, or searches on its own. */
    const struct ex_scenario *explored[GRADE_SHARE_MAX];
};

/* Free what share still keeps (and zero it). */
void grade_share_clear(struct grade_share *share);

/* Run check c (any kind but builds) against exe, the exercise's
 * executable (core/program.h): each run in a child of it under o's
 * limits, as mirror runs (core/mirror.c) judged here; fill c's outcome,
 * points, rule and feedback. share (may be NULL: no sharing) carries a
 * scenario's exploration from its safety check to its liveness check. */
void grade_check_run(const struct grade_options *o, const char *exe,
                     struct grade_check *c, struct grade_share *share);

/* ---- one check's runs (grade_job.c), for grade_check.c ------------------- */

/* What a check found, put together in the grader from the children's
 * runs. */
struct grade_verdict {
    bool found; /* a counterexample (or a failed os run) */
    enum grade_class cls;
    enum rl_end end; /* of the failing run */
    int preemptions;
    int phase, depth; /* how it was found */
    int rr_quantum;   /* > 0: round robin with it fails too */
    bool rr_schedule; /* the schedule is the round-robin run's */
    bool exhaustive, every_schedule;
    int bound_complete, stop;
    int kind; /* shared exploration: the kind (enum grade_kind) whose
                 failure was found, or -1: safety and liveness held */
    uint64_t phase_seed, runs, systematic, random, pct, rr_runs;
    uint64_t steps, max_steps;
    uint64_t finished; /* runs that ran to the end (every thread done) */
    char check[48];
    char message[256];
    char end_text[512];
    char error[256];
    char params[256];   /* os: the parameters used */
    char analysis[320]; /* a lost update, data race or lost wakeup,
                           explained */
};

/* One check's children: what they run and how. */
struct grade_job {
    const struct grade_options *opt;
    const char *exe; /* the exercise's executable */
    const struct ex_scenario *sc;
    enum grade_kind kind;
    bool shared;      /* one exploration for safety and liveness: every failed
                         check counts, and v->kind says whose */
    char lab[96];     /* "counter", "counter.three-threads" */
    char params[256]; /* "threads=2,iters=3" */
};

/* The search in a child (proposals only) and the round-robin runs judged
 * in the grader, for j; fill v and *choices. Returns false when a child
 * was lost (c says how). */
bool grade_job_search(const struct grade_job *j, struct grade_check *c,
                      struct grade_verdict *v, char **choices);
/* The os stress run: real threads, the os defaults, one mirror run. */
bool grade_job_stress(const struct grade_job *j, struct grade_check *c,
                      struct grade_verdict *v);
/* Replay choices strictly as a mirror run in a fresh child: what failed
 * for j's kind (into r), judged in the grader. Returns false when the
 * child was lost (tmp says how). */
bool grade_job_replay(const struct grade_job *j, const char *choices,
                      uint64_t max_steps, struct grade_check *tmp,
                      struct grade_verdict *r);

#endif
