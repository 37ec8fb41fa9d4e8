/* SPDX-License-Identifier: MIT */
/*
 * grade_check.h - running one check of the grader in isolated children
 * (grade_check.c); planning, building and reporting are grade.c's.
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

/* Run check c (any kind but builds) against the implementation in so
 * (NULL: the student_ tables linked into racelab), each run in a forked
 * child with o's limits; fill c's outcome, points, rule and feedback. */
void grade_check_run(const struct grade_options *o, const char *so,
                     struct grade_check *c);

/* Load exercise's table from so in a child (the second half of the build
 * check). Returns true when it loads; otherwise c's outcome and message
 * say why (compile error for a missing table or an undefined symbol; a
 * crash, exit or timeout of a constructor). */
bool grade_check_load(const struct grade_options *o, const char *so,
                      const char *exercise, struct grade_check *c);

#endif
