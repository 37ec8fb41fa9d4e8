/* SPDX-License-Identifier: MIT */
/*
 * impl/bounded_buffer.c - the table of an implementation of
 * exercises/bounded_buffer.h: its functions, in the order of struct
 * bounded_buffer_impl.
 *
 * Headers declare, .c files define: this file is compiled once per
 * implementation, with that implementation's prefix (exercises/exercise.h),
 * and linked with it - student_bounded_buffer_impl with
 * exercises/bounded_buffer.c, reference_bounded_buffer_impl with
 * solutions/bounded_buffer.c, and by the grader with a submitted
 * bounded_buffer.c. The registry of implementations (exercise.h) lists it.
 */
#include "../bounded_buffer.h"

const struct bounded_buffer_impl RL_EXERCISE_SYM(bounded_buffer_impl) = {
    bounded_buffer_create,
    bounded_buffer_put,
    bounded_buffer_get,
};
RL_EXERCISE_IMPL_REGISTER(bounded_buffer);
