/* SPDX-License-Identifier: MIT */
/*
 * check_thread_pool.c - the thread-pool lab: workers fed by a Queue and
 * stopped by sentinels, on the sim backend and on real threads.
 *
 * As in the other lab suites: `sentinels` must pass under round robin
 * (quanta 1..3) and 300 random seeds with several parameter sets (one
 * worker, a Queue of capacity 1, an unbounded Queue); the failing variants
 * must fail under a fixed schedule with the exact check message or end
 * text (the sim backend is deterministic, so they are too), and under
 * every schedule of the list with the check that names their bug. On the
 * os backend `sentinels` runs to the end with its os defaults, and
 * `no-sentinel` ends in a deadlock the watchdog reports exactly as the
 * simulator does: every worker waits in get(), P waits to join W0, so the
 * final state does not depend on the real schedule. Everything that could
 * hang runs in fork mode under a timeout.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/analysis.h"
#include "../../core/run.h"
#include "../../labs/lab.h"
#include "lib_labrun.h"

#define LAB "thread-pool"
#define TP_TASKS "every task done exactly once"
#define TP_JOIN "q.join() waits for every task"
#define TP_WAIT(w) w " waits for a notify on q.not_empty"
#define TP_TOO_MANY "task_done() called too many times"

/* What the failing variants give under one fixed schedule; each test says
 * why. The engine adds " (step N)" to a failure recorded during the run. */
#define TP_W01 TP_WAIT("W0") "; " TP_WAIT("W1")
#define TP_NONE_2 TP_W01 "; P waits to join W0"
#define TP_NONE_4                                                              \
    TP_W01 "; " TP_WAIT("W2") "; " TP_WAIT("W3") "; P waits to join W0"
#define TP_ONE_RR1 TP_WAIT("W1") "; P waits to join W1"
#define TP_ONE_R1 TP_WAIT("W0") "; P waits to join W0"
#define TP_EXTRA_RR2_JOIN                                                      \
    "q.join() returned when 2 of 4 tasks were done (step 73)"
#define TP_EXTRA_RR3_MISUSE                                                    \
    "W1: " TP_TOO_MANY " (Queue q, step 42) (and 3 more)"

/* The variant's expect_pass flag, from the registry. */
static bool expect_pass(const char *variant)
{
    const struct lab *lab = lab_find(LAB);
    int v = lab_variant_find(lab, variant);

    ck_assert_int_ge(v, 0);
    return lab->variants[v].expect_pass;
}

/* The run's analysis (every record is kept on sim at these sizes). */
static void analyze(const struct lab_run *lr, struct rl_analysis *an)
{
    char err[160] = "";

    ck_assert_msg(rl_analyze(lr->run, an, err, sizeof err) == 0, "%s", err);
}

/* The value of the run's object named name (a shared variable). */
static long obj_value(const struct lab_run *lr, const char *name)
{
    int id = rl_run_object_find(lr->run, name);
    struct rl_obj_view ov;

    ck_assert_msg(id >= 0, "no object %s", name);
    rl_run_object(lr->run, id, &ov);
    return ov.value;
}

/* ---- the registry: place, variants, parameters ------------------------ */

START_TEST(test_registry)
{
    static const char *const variants[] = {"sentinels", "no-sentinel",
                                           "one-sentinel", "extra-task-done"};
    static const bool pass[] = {true, false, false, false};
    const struct lab *lab = lab_find(LAB);

    /* The last built-in lab, right after interleaved-output. */
    ck_assert_ptr_nonnull(lab);
    ck_assert_ptr_eq(lab_at(11), lab);
    ck_assert_str_eq(lab_at(10)->name, "interleaved-output");
    ck_assert(!lab->hidden);
    ck_assert_int_eq(lab->nvariants, 4);
    for (int v = 0; v < 4; v++) {
        ck_assert_str_eq(lab->variants[v].name, variants[v]);
        ck_assert_int_eq(lab->variants[v].expect_pass, pass[v]);
    }
}
END_TEST

START_TEST(test_defaults)
{
    const struct lab *lab = lab_find(LAB);
    struct lab_inst inst;
    char buf[128], err[160];

    lab_inst_init(&inst, lab, RL_BACKEND_SIM);
    lab_inst_params_text(&inst, buf, sizeof buf);
    ck_assert_str_eq(buf, "workers=2,tasks=4,capacity=2");
    lab_inst_init(&inst, lab, RL_BACKEND_OS);
    lab_inst_params_text(&inst, buf, sizeof buf);
    ck_assert_str_eq(buf, "workers=4,tasks=20000,capacity=8");
    ck_assert_int_eq(lab_inst_set(&inst, "workers", "9", err, sizeof err), -1);
    ck_assert_str_eq(err, "workers must be a whole number from 1 to 8, not '9'");
    ck_assert_int_eq(lab_inst_set(&inst, "tasks", "0", err, sizeof err), -1);
    ck_assert_str_eq(err, "tasks must be a whole number from 1 to 100000, not '0'");
    ck_assert_int_eq(lab_inst_set(&inst, "capacity", "-1", err, sizeof err),
                     -1);
    ck_assert_str_eq(err, "capacity must be a whole number from 0 to 64, not '-1'");
    /* 0 is Python's maxsize=0: an unbounded Queue */
    ck_assert_int_eq(lab_inst_set(&inst, "capacity", "0", err, sizeof err), 0);
    ck_assert_int_eq(lab_inst_param(&inst, "capacity"), 0);
}
END_TEST

/* ---- sentinels ---------------------------------------------------------- */

START_TEST(test_sentinels)
{
    struct lab_run lr;

    ck_assert(expect_pass("sentinels"));
    assert_always_passes(LAB, "sentinels", "");
    assert_always_passes(LAB, "sentinels", "workers=3,tasks=6,capacity=1");
    assert_always_passes(LAB, "sentinels", "workers=2,tasks=5,capacity=0");
    assert_always_passes(LAB, "sentinels", "workers=1,tasks=3,capacity=0");
    lab_run_sched(&lr, LAB, "sentinels", "", sched_rr(1), 0);
    assert_check(&lr, TP_TASKS, true, "all 4 tasks done exactly once");
    assert_check(&lr, TP_JOIN, true,
                 "q.join() returned after all 4 tasks were done");
    assert_check(&lr, "no misuse", true, "no synchronization errors");
    /* every get() had its task_done(), the sentinels' included */
    ck_assert_int_eq(obj_value(&lr, "q.unfinished"), 0);
    ck_assert_int_eq(obj_value(&lr, "q.size"), 0);
    ck_assert_int_eq(obj_value(&lr, "done"), 4);
    rl_run_destroy(lr.run);
}
END_TEST

/* q.join() orders every task before P's read of `done` (task_done releases
 * q.mutex, join re-acquires it): no data race, no lost update, whatever
 * the schedule. */
START_TEST(test_sentinels_no_race)
{
    for (int i = 0; i < 103; i++) {
        struct rl_sched sc =
            i < 3 ? sched_rr(i + 1) : sched_random((uint64_t)(i - 3));
        struct lab_run lr;
        struct rl_analysis an;
        char spec[64];

        lab_run_sched(&lr, LAB, "sentinels", "workers=3,tasks=5", sc, 0);
        rl_sched_format(&sc, spec, sizeof spec);
        analyze(&lr, &an);
        ck_assert_msg(an.nraces == 0 && an.nlost == 0,
                      "sentinels %s: %d races, %d lost updates", spec,
                      an.nraces, an.nlost);
        rl_run_destroy(lr.run);
    }
}
END_TEST

/* ---- no-sentinel -------------------------------------------------------- */

/* Every task is done and q.join() returns, but nothing tells the workers
 * to stop: each waits in get() for a notify on q.not_empty, and P waits
 * to join W0. Nobody holds a lock, so there is no wait-for cycle to show;
 * the lab's own checks do not run (they need every thread finished). */
START_TEST(test_no_sentinel)
{
    struct lab_run lr;

    ck_assert(!expect_pass("no-sentinel"));
    lab_run_sched(&lr, LAB, "no-sentinel", "", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_end_text(&lr, TP_NONE_2);
    assert_check(&lr, "no deadlock", false, "deadlock: " TP_NONE_2);
    assert_check(&lr, "no misuse", true, "no synchronization errors");
    ck_assert_ptr_null(check_message(lr.run, TP_TASKS, NULL));
    rl_run_destroy(lr.run);

    /* The same end under any schedule, and with an unbounded Queue. */
    lab_run_sched(&lr, LAB, "no-sentinel", "workers=4,capacity=0",
                  sched_random(7), 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_end_text(&lr, TP_NONE_4);
    rl_run_destroy(lr.run);
    assert_always_fails(LAB, "no-sentinel", "", RL_END_DEADLOCK, "no deadlock");
    assert_always_fails(LAB, "no-sentinel", "workers=1,capacity=1",
                        RL_END_DEADLOCK, "no deadlock");
}
END_TEST

/* ---- one-sentinel ------------------------------------------------------- */

/* rr:1: W0 gets the one sentinel and stops; W1 waits forever, and so does
 * P, joining W1. random:1: W1 gets it instead, and P is stuck joining W0.
 * With one worker, one sentinel is enough. */
START_TEST(test_one_sentinel)
{
    struct lab_run lr;

    ck_assert(!expect_pass("one-sentinel"));
    lab_run_sched(&lr, LAB, "one-sentinel", "", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_end_text(&lr, TP_ONE_RR1);
    assert_check(&lr, "no deadlock", false, "deadlock: " TP_ONE_RR1);
    rl_run_destroy(lr.run);

    lab_run_sched(&lr, LAB, "one-sentinel", "", sched_random(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_end_text(&lr, TP_ONE_R1);
    rl_run_destroy(lr.run);

    assert_always_fails(LAB, "one-sentinel", "", RL_END_DEADLOCK,
                        "no deadlock");
    assert_always_passes(LAB, "one-sentinel", "workers=1");
}
END_TEST

/* ---- extra-task-done ---------------------------------------------------- */

/* rr:2: each worker marks its first task done twice, so by the time P
 * has put all four tasks q.unfinished is back to 0 with tasks 3 and 4
 * still to do: P's q.join() returns at once (2 of 4 done), and nothing
 * orders P's read of `done` before W0's later update of it: a data race.
 * The ValueError comes only later, after P has put the sentinels, whose
 * counts the extra calls have eaten too. */
START_TEST(test_extra_task_done)
{
    struct lab_run lr;

    ck_assert(!expect_pass("extra-task-done"));
    /* rr:2: join() returns too early; the run stops right there. */
    lab_run_sched(&lr, LAB, "extra-task-done", "", sched_rr(2), 0);
    ck_assert_int_eq(lr.end, RL_END_FAILED);
    assert_check(&lr, TP_JOIN, false, TP_EXTRA_RR2_JOIN);
    assert_end_text(&lr, "stopped at step 73, where P failed the check "
                         "'" TP_JOIN "'");
    rl_run_destroy(lr.run);

    /* rr:3: join() happens to wait long enough, but the ValueError is
     * raised all the same: more task_done() calls than puts must take the
     * count below zero at some point, under every schedule. */
    lab_run_sched(&lr, LAB, "extra-task-done", "", sched_rr(3), 0);
    ck_assert_int_eq(lr.end, RL_END_DONE);
    assert_check(&lr, "no misuse", false, TP_EXTRA_RR3_MISUSE);
    assert_check(&lr, TP_JOIN, true,
                 "q.join() returned after all 4 tasks were done");
    rl_run_destroy(lr.run);

    assert_always_fails_somehow(LAB, "extra-task-done", "");
    assert_always_fails_somehow(LAB, "extra-task-done",
                                "workers=3,capacity=0");
}
END_TEST

/* ---- the os backend ----------------------------------------------------- */

START_TEST(test_os_sentinels)
{
    struct lab_run lr;

    lab_run_os(&lr, LAB, "sentinels", "", 0);
    assert_passed(&lr, "os thread-pool/sentinels");
    assert_check(&lr, TP_TASKS, true, "all 20000 tasks done exactly once");
    assert_check(&lr, TP_JOIN, true,
                 "q.join() returned after all 20000 tasks were done");
    rl_run_destroy(lr.run);
    lab_run_os(&lr, LAB, "sentinels", "workers=8,capacity=1", 0);
    assert_passed(&lr, "os thread-pool/sentinels workers=8,capacity=1");
    rl_run_destroy(lr.run);
    lab_run_os(&lr, LAB, "sentinels", "workers=3,capacity=0", 0);
    assert_passed(&lr, "os thread-pool/sentinels workers=3,capacity=0");
    rl_run_destroy(lr.run);
}
END_TEST

/* Real threads end in the same state as the simulator's: the watchdog
 * (default time) finds every thread blocked, none able to go on. */
START_TEST(test_os_no_sentinel)
{
    struct lab_run lr;

    lab_run_os(&lr, LAB, "no-sentinel", "", 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_end_text(&lr, TP_NONE_4);
    assert_check(&lr, "no deadlock", false, "deadlock: " TP_NONE_4);
    rl_run_destroy(lr.run);
}
END_TEST

/* Which worker raises the ValueError depends on the real schedule; that
 * one does, always, does not. */
START_TEST(test_os_extra_task_done)
{
    struct lab_run lr;
    bool ok = true;

    lab_run_os(&lr, LAB, "extra-task-done", "", 0);
    ck_assert_int_eq(lr.end, RL_END_DONE);
    const char *msg = check_message(lr.run, "no misuse", &ok);
    ck_assert_ptr_nonnull(msg);
    ck_assert(!ok);
    /* Which worker is first, and how many more, depend on the threads. */
    static const char tail[] = ": " TP_TOO_MANY " (Queue q)";
    ck_assert_msg(msg[0] == 'W' && msg[1] >= '0' && msg[1] <= '3' &&
                      strncmp(msg + 2, tail, sizeof tail - 1) == 0,
                  "no misuse: got '%s'", msg);
    assert_check(&lr, TP_TASKS, true, "all 20000 tasks done exactly once");
    rl_run_destroy(lr.run);
}
END_TEST

static Suite *thread_pool_suite(void)
{
    Suite *s = suite_create("thread_pool");
    TCase *tc;

    tc = tcase_create("registry");
    tcase_add_test(tc, test_registry);
    tcase_add_test(tc, test_defaults);
    suite_add_tcase(s, tc);

    tc = tcase_create("runs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sentinels);
    tcase_add_test(tc, test_sentinels_no_race);
    tcase_add_test(tc, test_no_sentinel);
    tcase_add_test(tc, test_one_sentinel);
    tcase_add_test(tc, test_extra_task_done);
    suite_add_tcase(s, tc);

    tc = tcase_create("os");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_os_sentinels);
    tcase_add_test(tc, test_os_no_sentinel);
    tcase_add_test(tc, test_os_extra_task_done);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(thread_pool_suite());

    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
