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
 * - Lost wakeups (core/analysis_wakeup.c): a notify (notify_all, or a
 *   plain C program's pthread_cond_signal / broadcast) that woke no thread
 *   because none was waiting, then a wait on the same Condition by a
 *   thread that is still waiting when the run ends (deadlock, step limit,
 *   timeout), with no notify on it since that wait began, when nobody
 *   looked at the shared state between the notify and the wait (the
 *   waiter under the lock, another critical section): it waited without
 *   checking whether what it waits for had already happened. A notify
 *   that finds no waiter is no bug by itself: a waiter that checks its
 *   condition in a loop first does not need it.
 *
 * All need every record of the run: they refuse (return -1) when records
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

/* signaller notified Condition cond at notify_seq and woke no thread;
 * waiter began to wait on cond at wait_seq and still waits at the end,
 * with no notify on cond since. */
struct rl_lost_wakeup {
    int cond;
    int signaller, waiter;
    uint64_t notify_seq, wait_seq;
    bool all;                /* notify_all (pthread_cond_broadcast) */
};

struct rl_analysis {
    int nraces;              /* races found, one per variable at most */
    struct rl_race races[RL_ANALYSIS_MAX];
    int nlost;               /* lost updates found (all counted) */
    struct rl_lost_update lost[RL_ANALYSIS_MAX]; /* the first ones */
    int nwakeups;            /* lost wakeups found, one per stuck waiter */
    struct rl_lost_wakeup wakeups[RL_ANALYSIS_MAX]; /* in wait order */
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

/* "lost wakeup on c: T1 called cond_signal at step 10 (lost.c:7) when no
 * thread was waiting, so it woke nobody; T2 began cond_wait at step 14 and
 * still waits: nothing signalled c again" - in the words the trace uses
 * for the Condition's calls (a lab's: notify, wait). where: the notify's
 * source line, or NULL when unknown. */
size_t rl_wakeup_text(const struct rl_run *run, const struct rl_lost_wakeup *w,
                      const char *where, char *buf, size_t len);

/* The fix in one line, for a front end to print once after its lost
 * wakeups (as a hint): "a signal wakes only a thread already waiting; wait
 * in a loop on a condition the signaller sets: while (!ready)
 * pthread_cond_wait(&c, &m);", named after the variable the signaller
 * stored last before its notify (else "ready"). */
size_t rl_wakeup_hint(const struct rl_run *run, const struct rl_lost_wakeup *w,
                      char *buf, size_t len);

#endif
