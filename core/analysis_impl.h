/* SPDX-License-Identifier: MIT */
/*
 * analysis_impl.h - what the files of the run analysis share, and nothing
 * else (analysis.h is the interface):
 *
 *   analysis.c          data races (vector clocks) and lost updates, the
 *                       pass over the records, rl_analyze
 *   analysis_wakeup.c   lost wakeups: a pass of their own, and their words
 *
 * Pure functions of a run's records, on the caller's thread.
 */
#ifndef RL_ANALYSIS_IMPL_H
#define RL_ANALYSIS_IMPL_H

#include "analysis.h"

/* Fill out's lost wakeups from every record of run (rl_analyze has checked
 * that none was dropped). */
void analysis_find_wakeups(const struct rl_run *run, struct rl_analysis *out);

/* A thread's / an object's name for the texts, "?" when out of range. */
const char *analysis_thread_name(const struct rl_run *run, int t);
const char *analysis_obj_name(const struct rl_run *run, int o);

#endif
