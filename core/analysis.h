/* SPDX-License-Identifier: MIT */
/*
 * analysis.h - what a run's records reveal beyond its checks.
 *
 * Two analyses, both pure functions of the records (they run after the
 * fact, on any front end's request):
 *
 * - Data races (happens-before, vector clocks): two accesses to the same
 *   shared variable by different threads, at least one a write, with no
 *   synchronization ordering them (release -> acquire of a Lock, RLock or
 *   Semaphore, notify -> woken wait, set -> wait of an Event, a Barrier
 *   round, a thread's finish -> join). A race is reported even when the
 *   result happened to be right: the next schedule may not be so kind.
 *   rl_fetch_add is an atomic step: two of them never race, but a plain
 *   load or store against one does.
 *
 * - Lost updates: a thread loads a variable, another thread stores to it,
 *   then the first thread stores, overwriting the other's update. This is
 *   the counter++ bug spelled out step by step.
 *
 * Both need every record of the run: they refuse (return -1) when records
 * were dropped (max_records) and say so.
 */
#ifndef RL_ANALYSIS_H
#define RL_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"

#define RL_ANALYSIS_MAX 16

/* Two unordered conflicting accesses; `first` happened earlier. */
struct rl_race {
    int obj;                 /* the variable */
    uint64_t first_seq, second_seq;
    int first_thread, second_thread;
    bool first_write, second_write;
};

/* thread loaded obj at load_seq; other stored at other_seq; thread stored
 * at store_seq, overwriting it. */
struct rl_lost_update {
    int obj;
    int thread, other;
    uint64_t load_seq, other_seq, store_seq;
    long loaded, other_value, stored;
};

struct rl_analysis {
    int nraces;              /* races found, one per variable at most */
    struct rl_race races[RL_ANALYSIS_MAX];
    int nlost;               /* lost updates found (all counted) */
    struct rl_lost_update lost[RL_ANALYSIS_MAX]; /* the first ones */
};

/* Analyse every record of run. Returns 0, or -1 with a message when the
 * run's records are incomplete. */
int rl_analyze(const struct rl_run *run, struct rl_analysis *out, char *err,
               size_t errlen);

/* The lost-update rule on its own, record by record, for a front end that
 * prints a run as it goes: feed every record of a sim run in order; true
 * (with *out filled when out is not NULL) for a store that overwrote
 * another thread's update. The caller owns the tracker. */
struct rl_lost_tracker;
struct rl_lost_tracker *rl_lost_tracker_create(void);
void rl_lost_tracker_destroy(struct rl_lost_tracker *tr);
bool rl_lost_tracker_feed(struct rl_lost_tracker *tr,
                          const struct rl_record *r,
                          struct rl_lost_update *out);

/* "data race on counter: T0 stores at step 5 and T1 loads at step 4, and
 * nothing orders them (no lock, event, barrier or join between them)" */
size_t rl_race_text(const struct rl_run *run, const struct rl_race *r,
                    char *buf, size_t len);

/* "lost update on counter: T1 loaded 0 at step 4, T0 stored 1 at step 5,
 * then T1 stored 1 at step 6 over it" */
size_t rl_lost_text(const struct rl_run *run, const struct rl_lost_update *l,
                    char *buf, size_t len);

#endif
