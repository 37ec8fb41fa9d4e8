/* SPDX-License-Identifier: MIT */
/*
 * impl/pool.c - the table of an implementation of exercises/pool.h: its
 * functions, in the order of struct pool_impl.
 *
 * Headers declare, .c files define: this file is compiled once per
 * implementation, with that implementation's prefix (exercises/exercise.h),
 * and linked with it - student_pool_impl with exercises/pool.c,
 * reference_pool_impl with solutions/pool.c, and by the grader with a
 * submitted pool.c. The registry of implementations (exercise.h) lists it.
 */
#include "../pool.h"

const struct pool_impl RL_EXERCISE_SYM(pool_impl) = {
    pool_create,
    pool_enter,
    pool_leave,
};
RL_EXERCISE_IMPL_REGISTER(pool);
