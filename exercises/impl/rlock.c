/* SPDX-License-Identifier: MIT */
/*
 * impl/rlock.c - the table of an implementation of exercises/rlock.h: its
 * functions, in the order of struct rlock_impl.
 *
 * Headers declare, .c files define: this file is compiled once per
 * implementation, with that implementation's prefix (exercises/exercise.h),
 * and linked with it - student_rlock_impl with exercises/rlock.c,
 * reference_rlock_impl with solutions/rlock.c, and by the grader with a
 * submitted rlock.c. The registry of implementations (exercise.h) lists it.
 */
#include "../rlock.h"

const struct rlock_impl RL_EXERCISE_SYM(rlock_impl) = {
    rlock_create,
    rlock_acquire,
    rlock_release,
};
RL_EXERCISE_IMPL_REGISTER(rlock);
