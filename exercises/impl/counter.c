/* SPDX-License-Identifier: MIT */
/*
 * impl/counter.c - the table of an implementation of exercises/counter.h: its
 * functions, in the order of struct counter_impl.
 *
 * Headers declare, .c files define: this file is compiled once per
 * implementation, with that implementation's prefix (exercises/exercise.h),
 * and linked with it - student_counter_impl with exercises/counter.c,
 * reference_counter_impl with solutions/counter.c, and by the grader with a
 * submitted counter.c. The registry of implementations (exercise.h) lists it.
 */
#include "../counter.h"

const struct counter_impl RL_EXERCISE_SYM(counter_impl) = {
    counter_create,
    counter_increment,
    counter_get,
};
RL_EXERCISE_IMPL_REGISTER(counter);
