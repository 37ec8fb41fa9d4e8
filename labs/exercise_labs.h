/* SPDX-License-Identifier: MIT */
/*
 * exercise_labs.h - the exercises as labs, so that a student watches their
 * own code (variant `student`, exercises/NAME.c) and the reference
 * (variant `reference`, solutions/NAME.c) like any built-in lab, and so that
 * every failure the grader reports replays with `racelab replay`.
 *
 * Each scenario of each exercise (labs/ex_NAME.c) is one lab: the main
 * scenario is the lab NAME, listed in the menu; the others are labs
 * NAME.SCENARIO (rlock.non-owner, ...), hidden from the lists but found by
 * name. lab.c asks this module for them; nothing else lists them.
 */
#ifndef RL_EXERCISE_LABS_H
#define RL_EXERCISE_LABS_H

#include "lab.h"

/* How many exercise labs there are (listed and hidden). */
int ex_lab_count(void);
/* The exercise lab at i, in exercise then scenario order; NULL if out of
 * range. */
const struct lab *ex_lab_at(int i);
/* The lab name of an exercise's scenario: "counter" for the main one,
 * "rlock.non-owner" for another. Returns snprintf's length. */
int ex_lab_name(const char *exercise, const char *scenario, int main_scenario,
                char *buf, size_t len);

#endif
