/* SPDX-License-Identifier: MIT */
/*
 * rrpick.h - the pick that costs nothing: round robin's, at a choice
 * point of a sim run.
 *
 * One definition serves the run's preemption count (rl_run_preemptions,
 * what `racelab run` and `replay` print) and the bounded search's cost
 * (explore.h), so a schedule the search says it covered at bound K and a
 * replay of it that says "K preemptions" mean the same K. At a thread
 * choice the default is the thread that ran the previous step if it can
 * go on, else the next runnable thread after it by id, cyclically; a
 * thread whose last call was a yield or a sleep, or that spins (reads,
 * at the same call site, what it already read there twice since its last
 * step that changed something), offers the CPU: the default goes on from
 * it to the next one. A thread blocked in a timed wait (an option whose
 * pick fires its timeout) is never the default. At a notify choice the
 * default is the longest waiter. Every other pick is a preemption (the
 * README's word for both preemptions and delays).
 */
#ifndef RL_RRPICK_H
#define RL_RRPICK_H

#include <stdbool.h>
#include <stdint.h>

#include "run.h"

/* What a thread read since its last step that changed something, by
 * object, value and call site, and how often. */
#define RRPICK_SPIN_MAX 8
struct rrpick_spin {
    int n;
    int32_t obj[RRPICK_SPIN_MAX];
    long val[RRPICK_SPIN_MAX];
    uintptr_t pc[RRPICK_SPIN_MAX];
    int seen[RRPICK_SPIN_MAX];
};

/* The state the default depends on, fed by every record of a run. */
struct rrpick {
    bool offers[RL_MAX_THREADS]; /* the thread's last call was a yield or
                                    a sleep, or it spins */
    struct rrpick_spin spin[RL_MAX_THREADS];
};

/* Forget everything (a new run). */
void rrpick_reset(struct rrpick *p);
/* Note one record of the run (records of setup and checks are ignored). */
void rrpick_note(struct rrpick *p, const struct rl_record *r);
/* The index of the option that costs nothing at c. */
int rrpick_default(const struct rrpick *p, const struct rl_choice *c);

#endif
