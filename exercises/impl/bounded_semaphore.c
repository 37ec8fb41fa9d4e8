/* SPDX-License-Identifier: MIT */
/*
 * impl/bounded_semaphore.c - the table of an implementation of
 * exercises/bounded_semaphore.h: its functions, in the order of struct
 * bounded_semaphore_impl.
 *
 * Headers declare, .c files define: this file is compiled once per
 * implementation, with that implementation's prefix (exercises/exercise.h),
 * and linked with it - student_bounded_semaphore_impl with
 * exercises/bounded_semaphore.c, reference_bounded_semaphore_impl with
 * solutions/bounded_semaphore.c, and by the grader with a submitted
 * bounded_semaphore.c. The registry of implementations (exercise.h) lists it.
 */
#include "../bounded_semaphore.h"

const struct bounded_semaphore_impl RL_EXERCISE_SYM(bounded_semaphore_impl) = {
    bounded_semaphore_create,
    bounded_semaphore_acquire,
    bounded_semaphore_release,
    bounded_semaphore_value,
};
RL_EXERCISE_IMPL_REGISTER(bounded_semaphore);
