/* SPDX-License-Identifier: MIT */
/*
 * lib_labrun.h - the harness the lab suites (check_labs.c, check_labs2.c)
 * share: run one lab variant to its end and assert on how it ended.
 *
 * A struct lab_run is one finished run together with the lab instance it
 * ran, which the run's program points into and so must outlive it. The
 * sim backend is deterministic, so the assertions compare exact check
 * messages and end texts; a variant expected to pass must pass under
 * round robin (quanta 1..3) and LAB_RUN_SEEDS random seeds. Every
 * function here reports a failure with Check's ck_assert_msg, so it may
 * only be called from inside a Check test (which ends at the first failed
 * assertion, in fork mode). The caller destroys lr->run.
 */
#ifndef RL_TESTS_LIB_LABRUN_H
#define RL_TESTS_LIB_LABRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "../../core/run.h"
#include "../../labs/lab.h"

/* Random seeds (0..LAB_RUN_SEEDS-1) a passing variant must pass under. */
#define LAB_RUN_SEEDS 300

/* A finished run with the instance it ran (which must outlive it). */
struct lab_run {
    struct lab_inst inst;
    struct rl_run *run;
    enum rl_end end;
};

/* Run lab/variant with params ("k=v,..." or "") on sim under sched to its
 * end; max_steps 0 = the engine's default. The caller destroys lr->run. */
void lab_run_sched(struct lab_run *lr, const char *name, const char *variant,
                   const char *params, struct rl_sched sched,
                   uint64_t max_steps);

/* Run lab/variant on real threads with params (os defaults for the rest);
 * watchdog in ms (0 = the engine's default). The caller destroys lr->run. */
void lab_run_os(struct lab_run *lr, const char *name, const char *variant,
                const char *params, int watchdog_ms);

/* Round robin with quantum q. */
struct rl_sched sched_rr(int q);

/* Random with seed. */
struct rl_sched sched_random(uint64_t seed);

/* The message of the check named name (NULL if there is none); *ok (if ok
 * is not NULL) is set to whether it held. The message belongs to run. */
const char *check_message(const struct rl_run *run, const char *name, bool *ok);

/* Assert that the check name ended ok (or not) with exactly message want. */
void assert_check(const struct lab_run *lr, const char *name, bool want_ok,
                  const char *want);

/* Assert the run's end text is exactly want (compared over the length
 * rl_run_end_text returns). */
void assert_end_text(const struct lab_run *lr, const char *want);

/* Assert a run ended with every thread done and every check holding; what
 * names the run in the failure message. */
void assert_passed(const struct lab_run *lr, const char *what);

/* A variant expected to pass: rr:1..3 and LAB_RUN_SEEDS random seeds,
 * params. */
void assert_always_passes(const char *name, const char *variant,
                          const char *params);

/* A variant that fails some check under every one of those schedules. */
void assert_always_fails_somehow(const char *name, const char *variant,
                                 const char *params);

/* A variant that fails under every schedule (rr:1..3, LAB_RUN_SEEDS seeds):
 * end is how every run must end, check the check that must fail. */
void assert_always_fails(const char *name, const char *variant,
                         const char *params, enum rl_end end,
                         const char *check);

#endif
