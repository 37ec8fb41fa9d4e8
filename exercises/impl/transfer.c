/* SPDX-License-Identifier: MIT */
/*
 * impl/transfer.c - the table of an implementation of exercises/transfer.h: its
 * functions, in the order of struct transfer_impl.
 *
 * Headers declare, .c files define: this file is compiled once per
 * implementation, with that implementation's prefix (exercises/exercise.h),
 * and linked with it - student_transfer_impl with exercises/transfer.c,
 * reference_transfer_impl with solutions/transfer.c, and by the grader with a
 * submitted transfer.c. The registry of implementations (exercise.h) lists it.
 */
#include "../transfer.h"

const struct transfer_impl RL_EXERCISE_SYM(transfer_impl) = {
    bank_create,
    bank_transfer,
    bank_balance,
};
RL_EXERCISE_IMPL_REGISTER(transfer);
