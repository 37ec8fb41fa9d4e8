/* SPDX-License-Identifier: MIT */
/*
 * grade_check.h - running one check of the grader: the student's code in
 * children of the exercise's executable, the verdict from mirror runs
 * judged in the grader (grade_check.c); planning, building and reporting
 * are grade.c's.
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

#endif
