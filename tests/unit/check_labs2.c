/* SPDX-License-Identifier: MIT */
/*
 * check_labs2.c - the six scenario labs added after the core five:
 * lock-order, check-then-act, event-gate, barrier-phases, atomic-counter
 * and interleaved-output, on the sim backend and on real threads.
 *
 * As in check_labs.c: variants expected to pass must pass under round
 * robin (quanta 1..3) and 300 random seeds, with several parameter sets;
 * variants expected to fail must fail under a fixed schedule with the
 * exact check message (the sim backend is deterministic, so the message
 * is too), and a deadlock must be reported with the exact end text and,
 * where there is one, its wait-for cycle. On the os backend each passing
 * variant runs to the end with its os defaults. Everything that could hang
 * runs in fork mode under a timeout; the engine's step limit ends a
 * spinning sim run first.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/run.h"
#include "../../labs/lab.h"
#include "lib_labrun.h"

/* What the failing variants give under one fixed schedule; each test says
 * why. The engine adds " (step N)" to a failure recorded during the run. */
#define LO_INVERTED_RR1                                                        \
    "T0 holds lock_A, waits for lock_B (held by T1); T1 holds lock_B, "        \
    "waits for lock_A (held by T0)"
#define LO_INVERTED4_RR1                                                       \
    LO_INVERTED_RR1 "; T2 waits for lock_A (held by T0); T3 waits for "        \
                    "lock_B (held by T1)"
#define LO_CYCLE "\nwait-for cycle: T0 -> T1 -> T0"
#define GATE_CLEAR_R0 "W1 waits for gate to be set; W2 waits for gate to be set"
#define BP_NONE_RR3_PHASE                                                      \
    "round 1: T0 started phase 2 before T1 finished phase 1 (step 4)"
#define BP_COUNTER_R0_ROUND                                                    \
    "T1 started round 2 before T0 finished phase 2 of round 1 (step 54)"
#define IO_ONCE "every line written once"
#define IO_ADJ "START/END of one thread adjacent"

/* The variant's expect_pass flag, from the registry. */
static bool expect_pass(const char *name, const char *variant)
{
    const struct lab *lab = lab_find(name);
    int v = lab_variant_find(lab, variant);

    ck_assert_int_ge(v, 0);
    return lab->variants[v].expect_pass;
}

/* ---- the registry: names, defaults ------------------------------------ */

START_TEST(test_registry)
{
    static const char *const names[] = {"lock-order",     "check-then-act",
                                        "event-gate",     "barrier-phases",
                                        "atomic-counter", "interleaved-output"};
    static const char *const variants[][3] = {
        {"inverted", "ordered", "try-backoff"},
        {"unsafe", "locked", "event"},
        {"event", "flag-spin", "clear-too-early"},
        {"barrier", "none", "counter-no-reset"},
        {"fetch-add", "load-store", "lock"},
        {"unlocked", "locked", NULL},
    };
    static const bool pass[][3] = {
        {false, true, true},  {false, true, true}, {true, true, false},
        {true, false, false}, {true, false, true}, {false, true, false},
    };

    /* Listed, in this order (whatever comes between). */
    int prev = -1;
    for (int i = 0; i < 6; i++) {
        const struct lab *lab = lab_find(names[i]);
        int at = -1;

        ck_assert_ptr_nonnull(lab);
        for (int j = 0; j < lab_count(); j++)
            if (lab_at(j) == lab)
                at = j;
        ck_assert_int_gt(at, prev);
        prev = at;
        for (int v = 0; v < 3 && variants[i][v]; v++) {
            ck_assert_str_eq(lab->variants[v].name, variants[i][v]);
            ck_assert_int_eq(lab->variants[v].expect_pass, pass[i][v]);
        }
    }
}
END_TEST

START_TEST(test_defaults)
{
    static const char *const want[][3] = {
        {"lock-order", "threads=2,rounds=2", "threads=4,rounds=10000"},
        {"check-then-act", "threads=2", "threads=8"},
        {"event-gate", "workers=2", "workers=4"},
        {"barrier-phases", "threads=3,rounds=2", "threads=4,rounds=1000"},
        {"atomic-counter", "threads=2,iters=3", "threads=4,iters=1000000"},
        {"interleaved-output", "threads=2,rounds=1", "threads=8,rounds=8"},
    };
    struct lab_inst inst;
    char buf[128], err[160];

    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        lab_inst_init(&inst, lab_find(want[i][0]), RL_BACKEND_SIM);
        lab_inst_params_text(&inst, buf, sizeof buf);
        ck_assert_str_eq(buf, want[i][1]);
        lab_inst_init(&inst, lab_find(want[i][0]), RL_BACKEND_OS);
        lab_inst_params_text(&inst, buf, sizeof buf);
        ck_assert_str_eq(buf, want[i][2]);
    }
    /* bounds a student meets first */
    lab_inst_init(&inst, lab_find("lock-order"), RL_BACKEND_SIM);
    ck_assert_int_eq(lab_inst_set(&inst, "threads", "1", err, sizeof err), -1);
    ck_assert_str_eq(err, "threads must be a whole number from 2 to 8, not '1'");
    lab_inst_init(&inst, lab_find("interleaved-output"), RL_BACKEND_SIM);
    ck_assert_int_eq(lab_inst_set(&inst, "rounds", "9", err, sizeof err), -1);
    ck_assert_str_eq(err, "rounds must be a whole number from 1 to 8, not '9'");
    lab_inst_init(&inst, lab_find("barrier-phases"), RL_BACKEND_SIM);
    ck_assert_int_eq(lab_inst_set(&inst, "threads", "9", err, sizeof err), -1);
    ck_assert_str_eq(err, "threads must be a whole number from 2 to 8, not '9'");
}
END_TEST

/* ---- lock-order ---------------------------------------------------------- */

/* rr:1: T0 takes lock_A, T1 takes lock_B, then each blocks on the other's:
 * the classic two-thread cycle, reported with who holds what. */
START_TEST(test_lock_order_inverted)
{
    struct lab_run lr;

    ck_assert(!expect_pass("lock-order", "inverted"));
    lab_run_sched(&lr, "lock-order", "inverted", "", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    ck_assert_uint_eq(rl_run_steps(lr.run), 6);
    assert_end_text(&lr, LO_INVERTED_RR1 LO_CYCLE);
    assert_check(&lr, "no deadlock", false, "deadlock: " LO_INVERTED_RR1);
    /* no checks of the lab's own: they run only when every thread ends */
    ck_assert_ptr_null(check_message(lr.run, "total money conserved", NULL));
    rl_run_destroy(lr.run);

    /* Four threads: T2 and T3 queue behind the two in the cycle. */
    lab_run_sched(&lr, "lock-order", "inverted", "threads=4", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_end_text(&lr, LO_INVERTED4_RR1 LO_CYCLE);
    rl_run_destroy(lr.run);

    /* rr:3: T0 finishes a whole transfer first; the second round meets. */
    lab_run_sched(&lr, "lock-order", "inverted", "", sched_rr(3), 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_end_text(&lr, LO_INVERTED_RR1 LO_CYCLE);
    rl_run_destroy(lr.run);

    /* One thread per direction taking turns never deadlocks: the bug needs
     * an unlucky schedule, not just the code. */
    lab_run_sched(&lr, "lock-order", "inverted", "rounds=1", sched_rr(100), 0);
    assert_passed(&lr, "inverted rr:100");
    rl_run_destroy(lr.run);
}
END_TEST

START_TEST(test_lock_order_ordered)
{
    struct lab_run lr;

    assert_always_passes("lock-order", "ordered", "");
    assert_always_passes("lock-order", "ordered", "threads=3,rounds=3");
    assert_always_passes("lock-order", "ordered", "threads=8,rounds=2");
    lab_run_sched(&lr, "lock-order", "ordered", "", sched_rr(1), 0);
    assert_check(&lr, "total money conserved", true,
                 "A = 100, B = 100: total 200, expected 200");
    assert_check(&lr, "every transfer done", true, "4 of 4 transfers done");
    rl_run_destroy(lr.run);
}
END_TEST

/* rr:1 is the worst case for back-off: the threads collide, back off and
 * (with a back-off that differs per thread) get out of step. */
START_TEST(test_lock_order_try_backoff)
{
    struct lab_run lr;

    assert_always_passes("lock-order", "try-backoff", "");
    assert_always_passes("lock-order", "try-backoff", "threads=3,rounds=3");
    assert_always_passes("lock-order", "try-backoff", "threads=8,rounds=2");
    lab_run_sched(&lr, "lock-order", "try-backoff", "", sched_rr(1), 0);
    assert_check(&lr, "total money conserved", true,
                 "A = 100, B = 100: total 200, expected 200");
    assert_check(&lr, "every transfer done", true,
                 "4 of 4 transfers done, after 2 back-offs");
    rl_run_destroy(lr.run);
}
END_TEST

/* ---- check-then-act ------------------------------------------------------ */

/* rr:1: both threads load initialized = 0 before either stores 1. */
START_TEST(test_check_then_act_unsafe)
{
    struct lab_run lr;

    lab_run_sched(&lr, "check-then-act", "unsafe", "", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DONE);
    assert_check(&lr, "initialised exactly once", false,
                 "2 initialisations by T0 and T1");
    assert_check(&lr, "initialised before use", true,
                 "every thread used an initialised resource");
    rl_run_destroy(lr.run);
    lab_run_sched(&lr, "check-then-act", "unsafe", "threads=3", sched_rr(1), 0);
    assert_check(&lr, "initialised exactly once", false,
                 "3 initialisations by T0, T1 and T2");
    rl_run_destroy(lr.run);
    /* Alone, the check-then-act is fine. */
    lab_run_sched(&lr, "check-then-act", "unsafe", "threads=1", sched_rr(1), 0);
    assert_passed(&lr, "unsafe threads=1");
    assert_check(&lr, "initialised exactly once", true,
                 "1 initialisation by T0");
    rl_run_destroy(lr.run);
}
END_TEST

START_TEST(test_check_then_act_locked)
{
    struct lab_run lr;

    assert_always_passes("check-then-act", "locked", "");
    assert_always_passes("check-then-act", "locked", "threads=5");
    lab_run_sched(&lr, "check-then-act", "locked", "threads=3", sched_rr(1), 0);
    assert_check(&lr, "initialised exactly once", true,
                 "1 initialisation by T0");
    rl_run_destroy(lr.run);
}
END_TEST

START_TEST(test_check_then_act_event)
{
    struct lab_run lr;

    assert_always_passes("check-then-act", "event", "");
    assert_always_passes("check-then-act", "event", "threads=5");
    assert_always_passes("check-then-act", "event", "threads=1");
    /* rr:1: T1 reaches wait() before T0 has set ready, and blocks. */
    lab_run_sched(&lr, "check-then-act", "event", "", sched_rr(1), 0);
    assert_check(&lr, "initialised exactly once", true,
                 "1 initialisation by T0");
    assert_check(&lr, "initialised before use", true,
                 "every thread used an initialised resource");
    rl_run_destroy(lr.run);
}
END_TEST

/* ---- event-gate ---------------------------------------------------------- */

START_TEST(test_event_gate_event)
{
    struct lab_run lr;

    assert_always_passes("event-gate", "event", "");
    assert_always_passes("event-gate", "event", "workers=1");
    assert_always_passes("event-gate", "event", "workers=5");
    lab_run_sched(&lr, "event-gate", "event", "", sched_rr(1), 0);
    assert_check(&lr, "nobody passes a closed gate", true,
                 "2 of 2 workers passed after the gate opened");
    rl_run_destroy(lr.run);
}
END_TEST

/* rr:1: both workers get to the flag while the starter still prepares
 * data2, so each turns the loop once (a load that finds 0, a yield);
 * rr:2 lets the starter open the gate first. */
START_TEST(test_event_gate_flag_spin)
{
    struct lab_run lr;

    assert_always_passes("event-gate", "flag-spin", "");
    assert_always_passes("event-gate", "flag-spin", "workers=5");
    lab_run_sched(&lr, "event-gate", "flag-spin", "", sched_rr(1), 0);
    assert_check(&lr, "nobody passes a closed gate", true,
                 "2 of 2 workers passed after the gate opened; spinning "
                 "wasted 4 steps (2 turns of load + yield)");
    rl_run_destroy(lr.run);
    lab_run_sched(&lr, "event-gate", "flag-spin", "", sched_rr(2), 0);
    assert_check(&lr, "nobody passes a closed gate", true,
                 "2 of 2 workers passed after the gate opened; spinning "
                 "wasted 0 steps (0 turns of load + yield)");
    rl_run_destroy(lr.run);
}
END_TEST

/* random:0: the starter sets and clears the gate before either worker
 * reaches wait(): both wait forever. Nobody holds anything, so there is
 * no wait-for cycle to show. rr:1 happens to be safe: the workers are
 * already waiting when set() wakes them. */
START_TEST(test_event_gate_clear_too_early)
{
    struct lab_run lr;

    lab_run_sched(&lr, "event-gate", "clear-too-early", "", sched_random(0), 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_end_text(&lr, GATE_CLEAR_R0);
    assert_check(&lr, "no deadlock", false, "deadlock: " GATE_CLEAR_R0);
    rl_run_destroy(lr.run);

    lab_run_sched(&lr, "event-gate", "clear-too-early", "", sched_random(2), 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_end_text(&lr, "W2 waits for gate to be set");
    rl_run_destroy(lr.run);

    lab_run_sched(&lr, "event-gate", "clear-too-early", "", sched_rr(1), 0);
    assert_passed(&lr, "clear-too-early rr:1");
    rl_run_destroy(lr.run);
}
END_TEST

/* ---- barrier-phases ------------------------------------------------------ */

START_TEST(test_barrier_phases_barrier)
{
    struct lab_run lr;

    assert_always_passes("barrier-phases", "barrier", "");
    assert_always_passes("barrier-phases", "barrier", "threads=2,rounds=1");
    assert_always_passes("barrier-phases", "barrier", "threads=5,rounds=3");
    lab_run_sched(&lr, "barrier-phases", "barrier", "", sched_rr(1), 0);
    assert_check(&lr, "phase 2 after phase 1", true,
                 "every phase 2 saw all 3 parts done (2 rounds)");
    assert_check(&lr, "next round after phase 2", true,
                 "no thread started a round while another was in phase 2");
    rl_run_destroy(lr.run);
}
END_TEST

/* rr:3: T0 stores part0 and reads part1 before T1 has run at all; later
 * T1 runs into round 2 while T2 is still reading round 1's parts. rr:1
 * keeps the threads in lockstep, which happens to be safe. */
START_TEST(test_barrier_phases_none)
{
    struct lab_run lr;

    lab_run_sched(&lr, "barrier-phases", "none", "", sched_rr(3), 0);
    ck_assert_int_eq(lr.end, RL_END_FAILED); /* stopped at the failure */
    assert_check(&lr, "phase 2 after phase 1", false, BP_NONE_RR3_PHASE);
    rl_run_destroy(lr.run);
    lab_run_sched(&lr, "barrier-phases", "none", "rounds=1", sched_rr(3), 0);
    assert_check(&lr, "phase 2 after phase 1", false,
                 "T0 started phase 2 before T1 finished phase 1 (step 4)");
    rl_run_destroy(lr.run);
    lab_run_sched(&lr, "barrier-phases", "none", "", sched_rr(1), 0);
    assert_passed(&lr, "none rr:1");
    rl_run_destroy(lr.run);
}
END_TEST

/* random:0: the first barrier works (the counter reaches 3 once); at the
 * second the counter is already 3, so T1 goes on into round 2 while T0 is
 * still reading round 1's parts, and T2 later reads round 2's parts before
 * T0 has written its own. With a single round the first use is the only
 * one that matters, and that one is correct under every schedule. */
START_TEST(test_barrier_phases_counter_no_reset)
{
    struct lab_run lr;

    lab_run_sched(&lr, "barrier-phases", "counter-no-reset", "",
                  sched_random(0), 0);
    ck_assert_int_eq(lr.end, RL_END_FAILED); /* stopped at the failure */
    assert_check(&lr, "next round after phase 2", false, BP_COUNTER_R0_ROUND);
    rl_run_destroy(lr.run);
    assert_always_passes("barrier-phases", "counter-no-reset",
                         "threads=3,rounds=1");
    assert_always_passes("barrier-phases", "counter-no-reset",
                         "threads=5,rounds=1");
}
END_TEST

/* ---- atomic-counter ------------------------------------------------------ */

START_TEST(test_atomic_counter_fetch_add)
{
    struct lab_run lr;

    assert_always_passes("atomic-counter", "fetch-add", "");
    assert_always_passes("atomic-counter", "fetch-add", "threads=4,iters=5");
    lab_run_sched(&lr, "atomic-counter", "fetch-add", "", sched_rr(1), 0);
    assert_check(&lr, "final value", true,
                 "counter = 6, expected 6; 1 step per increment");
    /* one step per increment: 2 starts + 6 increments */
    ck_assert_uint_eq(rl_run_steps(lr.run), 8);
    rl_run_destroy(lr.run);
}
END_TEST

START_TEST(test_atomic_counter_lock)
{
    struct lab_run lr;

    assert_always_passes("atomic-counter", "lock", "");
    assert_always_passes("atomic-counter", "lock", "threads=4,iters=5");
    lab_run_sched(&lr, "atomic-counter", "lock", "", sched_rr(1), 0);
    assert_check(&lr, "final value", true,
                 "counter = 6, expected 6; 4 steps per increment");
    rl_run_destroy(lr.run);
}
END_TEST

/* rr:1: both threads load the same value every time: half the
 * increments are lost, as in unsafe-counter. */
START_TEST(test_atomic_counter_load_store)
{
    struct lab_run lr;

    lab_run_sched(&lr, "atomic-counter", "load-store", "", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DONE);
    assert_check(&lr, "final value", false,
                 "counter = 3, expected 6: 3 updates lost; 2 steps per "
                 "increment");
    rl_run_destroy(lr.run);
}
END_TEST

/* ---- interleaved-output -------------------------------------------------- */

START_TEST(test_interleaved_output_locked)
{
    struct lab_run lr;

    assert_always_passes("interleaved-output", "locked", "");
    assert_always_passes("interleaved-output", "locked", "threads=4,rounds=3");
    assert_always_passes("interleaved-output", "locked", "threads=1,rounds=2");
    lab_run_sched(&lr, "interleaved-output", "locked", "threads=3", sched_rr(1),
                  0);
    assert_check(&lr, IO_ONCE, true, "6 lines, each written once");
    assert_check(&lr, IO_ADJ, true,
                 "every START is followed by its thread's END");
    rl_run_destroy(lr.run);
}
END_TEST

/* rr:1: T0 and T1 load the same cursor for every line, so T1's lines land
 * on T0's and half the output is lost (what is left, T1's pair, happens to
 * be in order). random:13: no line is lost, but T1's START comes between
 * T0's START and END. */
START_TEST(test_interleaved_output_unlocked)
{
    struct lab_run lr;

    lab_run_sched(&lr, "interleaved-output", "unlocked", "", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DONE);
    assert_check(&lr, IO_ONCE, false,
                 "2 of 4 lines in the output: T0 START and 1 more were lost");
    assert_check(&lr, IO_ADJ, true,
                 "every START is followed by its thread's END");
    rl_run_destroy(lr.run);

    lab_run_sched(&lr, "interleaved-output", "unlocked", "", sched_random(13),
                  0);
    assert_check(&lr, IO_ONCE, true, "4 lines, each written once");
    assert_check(&lr, IO_ADJ, false,
                 "line 1 is T0 START but line 2 is T1 START, expected T0 END");
    rl_run_destroy(lr.run);

    lab_run_sched(&lr, "interleaved-output", "unlocked", "", sched_random(5),
                  0);
    assert_check(&lr, IO_ONCE, false,
                 "3 of 4 lines in the output: T0 START was lost");
    assert_check(&lr, IO_ADJ, false, "line 3 is T0 END, not after its START");
    rl_run_destroy(lr.run);
}
END_TEST

/* ---- the os backend ------------------------------------------------------ */

/* Every variant expected to pass also passes on real threads. */
START_TEST(test_os_passing_variants)
{
    static const char *const runs[][2] = {
        {"lock-order", "ordered"},     {"lock-order", "try-backoff"},
        {"check-then-act", "locked"},  {"check-then-act", "event"},
        {"event-gate", "event"},       {"event-gate", "flag-spin"},
        {"barrier-phases", "barrier"}, {"atomic-counter", "fetch-add"},
        {"atomic-counter", "lock"},    {"interleaved-output", "locked"},
    };

    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct lab_run lr;
        char what[128];
        ck_assert(expect_pass(runs[i][0], runs[i][1]));
        lab_run_os(&lr, runs[i][0], runs[i][1], "", 0);
        snprintf(what, sizeof what, "os %s/%s", runs[i][0], runs[i][1]);
        assert_passed(&lr, what);
        rl_run_destroy(lr.run);
    }
}
END_TEST

/* The counters on real cores: exact results for the atomic and the
 * locked increments. */
START_TEST(test_os_atomic_counter_messages)
{
    struct lab_run lr;

    lab_run_os(&lr, "atomic-counter", "fetch-add", "", 0);
    assert_check(&lr, "final value", true,
                 "counter = 4000000, expected 4000000; 1 step per increment");
    rl_run_destroy(lr.run);
    lab_run_os(&lr, "atomic-counter", "lock", "iters=100000", 0);
    assert_check(&lr, "final value", true,
                 "counter = 400000, expected 400000; 4 steps per increment");
    rl_run_destroy(lr.run);
}
END_TEST

/* Opposite lock orders on real threads: with 100000 transfers each, the
 * two threads almost surely meet in the cycle, and the watchdog reports
 * it the same way the simulator does. (Should they never meet, the run
 * must simply be right.) */
START_TEST(test_os_lock_order_inverted)
{
    struct lab_run lr;

    lab_run_os(&lr, "lock-order", "inverted", "threads=2,rounds=100000", 200);
    if (lr.end == RL_END_DEADLOCK) {
        assert_end_text(&lr, LO_INVERTED_RR1 LO_CYCLE);
        assert_check(&lr, "no deadlock", false, "deadlock: " LO_INVERTED_RR1);
    } else {
        assert_passed(&lr, "os lock-order/inverted");
    }
    rl_run_destroy(lr.run);
}
END_TEST

static Suite *labs2_suite(void)
{
    Suite *s = suite_create("labs2");
    TCase *tc;

    tc = tcase_create("registry");
    tcase_add_test(tc, test_registry);
    tcase_add_test(tc, test_defaults);
    suite_add_tcase(s, tc);

    tc = tcase_create("runs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lock_order_inverted);
    tcase_add_test(tc, test_lock_order_ordered);
    tcase_add_test(tc, test_lock_order_try_backoff);
    tcase_add_test(tc, test_check_then_act_unsafe);
    tcase_add_test(tc, test_check_then_act_locked);
    tcase_add_test(tc, test_check_then_act_event);
    tcase_add_test(tc, test_event_gate_event);
    tcase_add_test(tc, test_event_gate_flag_spin);
    tcase_add_test(tc, test_event_gate_clear_too_early);
    tcase_add_test(tc, test_barrier_phases_barrier);
    tcase_add_test(tc, test_barrier_phases_none);
    tcase_add_test(tc, test_barrier_phases_counter_no_reset);
    tcase_add_test(tc, test_atomic_counter_fetch_add);
    tcase_add_test(tc, test_atomic_counter_lock);
    tcase_add_test(tc, test_atomic_counter_load_store);
    tcase_add_test(tc, test_interleaved_output_locked);
    tcase_add_test(tc, test_interleaved_output_unlocked);
    suite_add_tcase(s, tc);

    tc = tcase_create("os");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_os_passing_variants);
    tcase_add_test(tc, test_os_atomic_counter_messages);
    tcase_add_test(tc, test_os_lock_order_inverted);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(labs2_suite());

    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
