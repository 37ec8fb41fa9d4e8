/* SPDX-License-Identifier: MIT */
/*
 * lib_bench.h - the runs the benchmarks share (bench_core.c measures the
 * engine with them, bench_plainc.c uses them as the baselines of its
 * ratios): a run of nothing but loads, to price one scheduling step, and
 * the unsafe-counter lab at 2 threads x 10 increments, the short complete
 * run that exploration and grading repeat.
 *
 * Each benchmark times them with its own clock (wall-clock or CPU time)
 * and scheduler, so these only build and run; they print nothing, and
 * end the benchmark with a one-line message when a run cannot be made.
 */
#ifndef RL_TESTS_LIB_BENCH_H
#define RL_TESTS_LIB_BENCH_H

#include "../../core/run.h"
#include "../../labs/lab.h"

/* A run config whose program is two threads that each load one variable
 * per_thread times (rl_load): a run is 2 x per_thread + 4 steps, and
 * max_steps leaves it room. The scheduler and the rest are zero, the
 * caller's to set. Runs of it must not overlap (the program's state is
 * this file's). */
struct rl_run_config bench_loads_config(long per_thread);

/* Create a run of cfg, run it to its end and destroy it: nanoseconds per
 * step of rl_run_finish alone, timed with clock_s (seconds). */
double bench_step_ns(const struct rl_run_config *cfg, double (*clock_s)(void));

/* A run config of the unsafe-counter lab, 2 threads x 10 increments, on
 * sim under random scheduling (the seed the caller's). It points into
 * inst, which must outlive its runs. */
struct rl_run_config bench_counter_config(struct lab_inst *inst);

#endif
