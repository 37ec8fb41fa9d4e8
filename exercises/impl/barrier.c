/* SPDX-License-Identifier: MIT */
/*
 * impl/barrier.c - the table of an implementation of exercises/barrier.h: its
 * functions, in the order of struct barrier_impl.
 *
 * Headers declare, .c files define: this file is compiled once per
 * implementation, with that implementation's prefix (exercises/exercise.h),
 * and linked with it - student_barrier_impl with exercises/barrier.c,
 * reference_barrier_impl with solutions/barrier.c, and by the grader with a
 * submitted barrier.c. The registry of implementations (exercise.h) lists it.
 */
#include "../barrier.h"

const struct barrier_impl RL_EXERCISE_SYM(barrier_impl) = {
    barrier_create,
    barrier_wait,
};
RL_EXERCISE_IMPL_REGISTER(barrier);
