/* SPDX-License-Identifier: MIT */
/*
 * lib_pristine.h - whether an exercise file is as shipped.
 *
 * Tests that the skeletons in exercises/ fail apply only to skeletons the
 * student has not edited: the Makefile lists the unedited files (per git)
 * in RL_PRISTINE_EXERCISES, all of them in a fresh clone as in CI, so that
 * solving an exercise keeps `make test` green.
 */
#ifndef RL_TEST_PRISTINE_H
#define RL_TEST_PRISTINE_H

#include <stdbool.h>

/* Whether path ("exercises/counter.c") is as shipped. Without
 * RL_PRISTINE_EXERCISES (a test run by hand), every file is. */
bool test_exercise_pristine(const char *path);

#endif
