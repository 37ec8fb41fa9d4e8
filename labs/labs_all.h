/* SPDX-License-Identifier: MIT */
/*
 * labs_all.h - every lab the registry (lab.c) lists. One lab per file in
 * labs/, each exporting one `const struct lab lab_<name>`; add a new lab
 * here and to the table in lab.c, nowhere else.
 */
#ifndef RL_LABS_ALL_H
#define RL_LABS_ALL_H

#include "lab.h"

/* The number of elements of a static array (params, variants). */
#define LAB_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

extern const struct lab lab_unsafe_counter;
extern const struct lab lab_locked_counter;
extern const struct lab lab_rlock_nesting;
extern const struct lab lab_semaphore_pool;
extern const struct lab lab_producer_consumer;
extern const struct lab lab_lock_order;
extern const struct lab lab_check_then_act;
extern const struct lab lab_event_gate;
extern const struct lab lab_barrier_phases;
extern const struct lab lab_atomic_counter;
extern const struct lab lab_interleaved_output;
extern const struct lab lab_thread_pool;
extern const struct lab lab_reorder;

#endif
