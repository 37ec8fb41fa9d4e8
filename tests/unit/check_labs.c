/* SPDX-License-Identifier: MIT */
/*
 * check_labs.c - the registry, parameter handling, and every variant of
 * the five core labs on the sim backend.
 *
 * Variants expected to pass must pass under round robin (quanta 1..3) and
 * 300 random seeds; variants expected to fail must fail under a fixed
 * schedule, with the exact check message (the sim backend is
 * deterministic, so the message is too). Runs that could hang are in fork
 * mode with a timeout; the engine's step limit ends a spinning run first.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/racelab.h"
#include "../../core/run.h"
#include "../../labs/exercise_labs.h"
#include "../../labs/exercise_scenarios.h"
#include "../../labs/lab.h"
#include "lib_labrun.h"

/* What the failing variants give under one fixed schedule; each test says
 * why. The engine adds " (step N)" to a failure recorded during the run. */
#define UNSAFE_RR1 "counter = 3, expected 6: 3 updates lost"
#define EARLY_RELEASE_RR2 "counter = 5, expected 6: 1 update lost"
#define LOCK_DEADLOCK_RR1                                                      \
    "deadlock: T0 holds L, waits for L (held by T0); T1 waits for L "          \
    "(held by T0)"
#define POOL_NONE_RR1                                                          \
    "3 connections open at once when T2 connected, limit 2 (step 8)"
#define POOL_BOUNDED_RR1                                                       \
    "T3: Semaphore released too many times (BoundedSemaphore pool, "           \
    "step 38)"
#define PC_IF_BOUNDS_RR1                                                       \
    "count = -1 after C1 took from an empty buffer, allowed 0..2 (step 54)"

/* ---- the registry ---------------------------------------------------- */

START_TEST(test_registry_order)
{
    int n = lab_count(), nex = 0, k;

    /* Whatever labs there are: each listed once, found by name. */
    ck_assert_int_gt(n, 0);
    for (int i = 0; i < n; i++) {
        const struct lab *lab = lab_at(i);

        ck_assert_ptr_nonnull(lab);
        ck_assert(!lab->hidden);
        ck_assert_ptr_eq(lab_find(lab->name), lab);
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(lab_at(j)->name, lab->name);
    }
    ck_assert_ptr_null(lab_at(-1));
    ck_assert_ptr_null(lab_at(n));
    /* The registered labs first, by .order then name (a stable listing),
     * then the exercises' main scenarios in exercise order. */
    for (int i = 0; i < ex_lab_count(); i++)
        nex += !ex_lab_at(i)->hidden;
    k = n - nex;
    ck_assert_int_gt(k, 0);
    for (int i = 1; i < k; i++) {
        const struct lab *a = lab_at(i - 1), *b = lab_at(i);

        ck_assert_msg(a->order < b->order ||
                          (a->order == b->order &&
                           strcmp(a->name, b->name) < 0),
                      "%s (%d) listed before %s (%d)", a->name, a->order,
                      b->name, b->order);
    }
    for (int i = 0, j = k; i < ex_lab_count(); i++)
        if (!ex_lab_at(i)->hidden)
            ck_assert_ptr_eq(lab_at(j++), ex_lab_at(i));
    /* Every registered exercise is a lab (its implementations are found
     * in the registry of implementations, not in a list). */
    ck_assert_int_gt(ex_exercise_count(), 0);
    for (int i = 0; i < ex_exercise_count(); i++) {
        const struct lab *lab = lab_find(ex_exercise_at(i)->name);

        ck_assert_ptr_nonnull(lab);
        ck_assert(!lab->hidden);
    }
    /* The course starts with the bug. */
    ck_assert_str_eq(lab_at(0)->name, "unsafe-counter");
    /* An exercise's other scenarios are labs too, found but not listed. */
    const struct lab *hidden = lab_find("rlock.non-owner");
    ck_assert_ptr_nonnull(hidden);
    ck_assert(hidden->hidden);
    ck_assert_str_eq(hidden->variants[0].name, "student");
    ck_assert_str_eq(hidden->variants[1].name, "reference");
    ck_assert_ptr_null(lab_find("unsafe"));
    ck_assert_ptr_null(lab_find(NULL));
}
END_TEST

/* Variants of lab i, "name:expect_pass" joined by spaces. */
static void variants_text(const struct lab *lab, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (int v = 0; v < lab->nvariants; v++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s:%s", v ? " " : "",
                              lab->variants[v].name,
                              lab->variants[v].expect_pass ? "pass" : "fail");
}

START_TEST(test_registry_variants)
{
    static const char *const want[] = {
        "unsafe:fail",
        "locked:pass coarse:pass early-release:fail",
        "lock:fail rlock:pass",
        "none:fail semaphore:pass bounded-extra-release:fail",
        "correct:pass if-wait:fail spin-holding-lock:fail",
        "inverted:fail ordered:pass try-backoff:pass",
        "unsafe:fail locked:pass event:pass",
        "event:pass flag-spin:pass clear-too-early:fail",
        "barrier:pass none:fail counter-no-reset:fail",
        "fetch-add:pass load-store:fail lock:pass",
        "unlocked:fail locked:pass",
        ("sentinels:pass no-sentinel:fail one-sentinel:fail "
         "extra-task-done:fail"),
        "unsafe:fail locked:pass",
        "student:pass reference:pass", "student:pass reference:pass",
        "student:pass reference:pass", "student:pass reference:pass",
        "student:pass reference:pass", "student:pass reference:pass",
        "student:pass reference:pass",
    };
    char buf[256];

    for (int i = 0; i < lab_count(); i++) {
        variants_text(lab_at(i), buf, sizeof buf);
        ck_assert_str_eq(buf, want[i]);
    }
    ck_assert_int_eq(lab_variant_find(lab_find("rlock-nesting"), "rlock"), 1);
    ck_assert_int_eq(lab_variant_find(lab_find("rlock-nesting"), "RLock"), -1);
    ck_assert_int_eq(lab_param_find(lab_find("semaphore-pool"), "capacity"), 1);
    ck_assert_int_eq(lab_param_find(lab_find("semaphore-pool"), "threads"), -1);
}
END_TEST

/* Texts a student reads: present, one line summaries, explain 4-8 lines of
 * at most 72 columns; defaults within bounds. */
START_TEST(test_registry_texts)
{
    for (int i = 0; i < lab_count(); i++) {
        const struct lab *lab = lab_at(i);
        int lines = 1, col = 0;

        ck_assert_ptr_nonnull(lab->title);
        ck_assert_ptr_nonnull(lab->summary);
        ck_assert_ptr_null(strchr(lab->summary, '\n'));
        ck_assert_ptr_nonnull(lab->setup);
        ck_assert_ptr_nonnull(lab->check);
        ck_assert_int_le(lab->nparams, LAB_MAX_PARAMS);
        for (const char *p = lab->explain; *p; p++) {
            if (*p == '\n') {
                lines++;
                col = 0;
            } else {
                ck_assert_msg(++col <= 72, "%s: explain line %d too long",
                              lab->name, lines);
            }
        }
        ck_assert_msg(lines >= 4 && lines <= 8, "%s: explain has %d lines",
                      lab->name, lines);
        for (int v = 0; v < lab->nvariants; v++)
            ck_assert_ptr_null(strchr(lab->variants[v].summary, '\n'));
        for (int k = 0; k < lab->nparams; k++) {
            const struct lab_param *pa = &lab->params[k];
            ck_assert(pa->min <= pa->def && pa->def <= pa->max);
            ck_assert(pa->min <= pa->def_os && pa->def_os <= pa->max);
        }
    }
}
END_TEST

/* ---- parameters ---------------------------------------------------------- */

START_TEST(test_params_defaults)
{
    struct lab_inst inst;
    char buf[128];

    lab_inst_init(&inst, lab_find("unsafe-counter"), RL_BACKEND_SIM);
    ck_assert_int_eq(inst.variant, 0);
    ck_assert_uint_eq(lab_inst_params_text(&inst, buf, sizeof buf), 17);
    ck_assert_str_eq(buf, "threads=2,iters=3");
    lab_inst_init(&inst, lab_find("unsafe-counter"), RL_BACKEND_OS);
    lab_inst_params_text(&inst, buf, sizeof buf);
    ck_assert_str_eq(buf, "threads=2,iters=1000000");
    ck_assert_int_eq(lab_inst_param(&inst, "iters"), 1000000);

    lab_inst_init(&inst, lab_find("rlock-nesting"), RL_BACKEND_SIM);
    lab_inst_params_text(&inst, buf, sizeof buf);
    ck_assert_str_eq(buf, "threads=2,rounds=1");
    lab_inst_init(&inst, lab_find("semaphore-pool"), RL_BACKEND_SIM);
    lab_inst_params_text(&inst, buf, sizeof buf);
    ck_assert_str_eq(buf, "workers=4,capacity=2,rounds=1");
    lab_inst_init(&inst, lab_find("producer-consumer"), RL_BACKEND_SIM);
    lab_inst_params_text(&inst, buf, sizeof buf);
    ck_assert_str_eq(buf, "producers=1,consumers=2,items=4,capacity=2");

    /* truncation: like snprintf, returns what was written */
    ck_assert_uint_eq(lab_inst_params_text(&inst, buf, 8), 7);
    ck_assert_str_eq(buf, "produce");
}
END_TEST

START_TEST(test_params_set)
{
    struct lab_inst inst;
    char err[160] = "", buf[128];

    lab_inst_init(&inst, lab_find("unsafe-counter"), RL_BACKEND_SIM);
    ck_assert_int_eq(lab_inst_set(&inst, "threads", "16", err, sizeof err), 0);
    ck_assert_int_eq(lab_inst_set(&inst, "iters", "1", err, sizeof err), 0);
    lab_inst_params_text(&inst, buf, sizeof buf);
    ck_assert_str_eq(buf, "threads=16,iters=1");

    ck_assert_int_eq(lab_inst_set(&inst, "threads", "x", err, sizeof err), -1);
    ck_assert_str_eq(err, "threads must be a whole number from 1 to 16, not 'x'");
    ck_assert_int_eq(lab_inst_set(&inst, "threads", "99", err, sizeof err), -1);
    ck_assert_str_eq(err, "threads must be a whole number from 1 to 16, not '99'");
    ck_assert_int_eq(lab_inst_set(&inst, "threads", "0", err, sizeof err), -1);
    ck_assert_str_eq(err, "threads must be a whole number from 1 to 16, not '0'");
    ck_assert_int_eq(lab_inst_set(&inst, "threads", "-3", err, sizeof err), -1);
    ck_assert_str_eq(err, "threads must be a whole number from 1 to 16, not '-3'");
    ck_assert_int_eq(lab_inst_set(&inst, "x", "1", err, sizeof err), -1);
    ck_assert_str_eq(err, "unknown parameter 'x' for unsafe-counter "
                          "(threads, iters)");
    ck_assert_int_eq(
        lab_inst_set(&inst, "iters", "99999999999", err, sizeof err), -1);
    ck_assert_str_eq(err, "iters must be a whole number from 1 to 10000000, not '99999999999'");

    /* strict: no spaces, signs, suffixes, empty text or overflow */
    static const char *const bad[] = {
        "", " 2", "2 ", "+2", "2x", "0x2", "2.0", "-", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[160];
        snprintf(want, sizeof want,
                 "iters must be a whole number from 1 to 10000000, not '%s'", bad[i]);
        ck_assert_int_eq(lab_inst_set(&inst, "iters", bad[i], err, sizeof err),
                         -1);
        ck_assert_str_eq(err, want);
    }
    /* the failed sets changed nothing */
    lab_inst_params_text(&inst, buf, sizeof buf);
    ck_assert_str_eq(buf, "threads=16,iters=1");
}
END_TEST

START_TEST(test_params_set_all)
{
    struct lab_inst inst;
    char err[160] = "", buf[128];

    lab_inst_init(&inst, lab_find("producer-consumer"), RL_BACKEND_SIM);
    ck_assert_int_eq(lab_inst_set_all(&inst, "", err, sizeof err), 0);
    ck_assert_int_eq(lab_inst_set_all(&inst, NULL, err, sizeof err), 0);
    ck_assert_int_eq(
        lab_inst_set_all(&inst, "capacity=3,producers=2", err, sizeof err), 0);
    lab_inst_params_text(&inst, buf, sizeof buf);
    ck_assert_str_eq(buf, "producers=2,consumers=2,items=4,capacity=3");

    /* all or nothing */
    ck_assert_int_eq(
        lab_inst_set_all(&inst, "items=7,capacity=9", err, sizeof err), -1);
    ck_assert_str_eq(err, "capacity must be a whole number from 1 to 8, not '9'");
    lab_inst_params_text(&inst, buf, sizeof buf);
    ck_assert_str_eq(buf, "producers=2,consumers=2,items=4,capacity=3");

    ck_assert_int_eq(lab_inst_set_all(&inst, "items", err, sizeof err), -1);
    ck_assert_str_eq(err, "'items' is not key=value (parameters are "
                          "key=value,key=value)");
    ck_assert_int_eq(lab_inst_set_all(&inst, "=3", err, sizeof err), -1);
    ck_assert_str_eq(err, "'=3' is not key=value (parameters are "
                          "key=value,key=value)");
    ck_assert_int_eq(lab_inst_set_all(&inst, "items=2,", err, sizeof err), -1);
    ck_assert_str_eq(err,
                     "empty parameter in 'items=2,' (expected key=value,...)");
    ck_assert_int_eq(lab_inst_set_all(&inst, "items=", err, sizeof err), -1);
    ck_assert_str_eq(err, "items must be a whole number from 1 to 100000, not ''");
    ck_assert_int_eq(lab_inst_set_all(&inst, "threads=2", err, sizeof err), -1);
    ck_assert_str_eq(err, "unknown parameter 'threads' for producer-consumer "
                          "(producers, consumers, items, capacity)");
}
END_TEST

/* lab_inst_param on an unknown key is a bug in the lab: abort. */
START_TEST(test_params_unknown_key_aborts)
{
    struct lab_inst inst;

    lab_inst_init(&inst, lab_find("unsafe-counter"), RL_BACKEND_SIM);
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
    lab_inst_param(&inst, "workers");
}
END_TEST

/* The run-length probe (one round-robin run) that PCT and exploration
 * share: 2 threads x 3 iterations of load + store, plus start and finish. */
START_TEST(test_probe_length)
{
    struct lab_inst inst;
    struct rl_program prog;
    uint64_t steps = 0;
    char err[128];

    lab_inst_init(&inst, lab_find("unsafe-counter"), RL_BACKEND_SIM);
    prog = lab_program(&inst);
    ck_assert_int_eq(rl_run_probe_length(&prog, 0, &steps, err, sizeof err),
                     0);
    ck_assert_uint_eq(steps, 16);
    ck_assert_int_eq(rl_run_probe_length(&prog, 5, &steps, err, sizeof err),
                     0);
    ck_assert_uint_le(steps, 6);
}
END_TEST

/* The one renderer of records (core/run_text_record.c): the CLI's full line and
 * the TUI lanes' medium and short forms come from the same function, and
 * every operation has a text, a class and a symbol. */
START_TEST(test_record_forms)
{
    struct rl_record_names n = {.obj = "counter", .kind = RL_OBJ_VAR,
                                .known = true, .lock = "?", .other = "T0",
                                .check = "?"};
    struct rl_record r;
    char buf[128];

    memset(&r, 0, sizeof r);
    r.op = RL_OP_STORE;
    r.arg = r.after = 42;
    rl_record_format(&r, &n, RL_TEXT_FULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "store counter <- 42");
    rl_record_format(&r, &n, RL_TEXT_MEDIUM, buf, sizeof buf);
    ck_assert_str_eq(buf, "counter<-42");
    rl_record_format(&r, &n, RL_TEXT_SHORT, buf, sizeof buf);
    ck_assert_str_eq(buf, "<-42");
    ck_assert_int_eq(rl_record_class(&r), RL_CLASS_VALUE);

    n.obj = "L";
    n.kind = RL_OBJ_LOCK;
    r.op = RL_OP_ACQUIRE;
    r.arg = 1;
    r.result = RL_RES_BLOCKED;
    rl_record_format(&r, &n, RL_TEXT_FULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "acquire L: blocked (held by T0)");
    rl_record_format(&r, &n, RL_TEXT_MEDIUM, buf, sizeof buf);
    ck_assert_str_eq(buf, "blocked on L");
    ck_assert_int_eq(rl_record_symbol(&r), '#');
    ck_assert_int_eq(rl_record_class(&r), RL_CLASS_BLOCKED);

    r.op = RL_OP_RELEASE;
    r.result = RL_RES_ERROR;
    r.arg = RL_ERR_UNLOCKED;
    rl_record_format(&r, &n, RL_TEXT_FULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "release L: error: release unlocked lock");
    rl_record_format(&r, &n, RL_TEXT_MEDIUM, buf, sizeof buf);
    ck_assert_str_eq(buf, "rel L: error");
    ck_assert_int_eq(rl_record_symbol(&r), '!');

    /* Every operation is in the table: a text in each form, no "?". */
    r.result = RL_RES_OK;
    r.arg = 0;
    for (int op = 0; op < RL_OP__COUNT; op++) {
        r.op = (uint8_t)op;
        for (int f = RL_TEXT_FULL; f <= RL_TEXT_SHORT; f++) {
            size_t len = rl_record_format(&r, &n, (enum rl_text_form)f, buf,
                                          sizeof buf);
            ck_assert_uint_gt(len, 0);
            ck_assert_str_ne(buf, "?");
        }
    }
    r.op = RL_OP_START;
    ck_assert_int_eq(rl_record_symbol(&r), '>');
    ck_assert_int_eq(rl_record_class(&r), RL_CLASS_LIFE);
}
END_TEST

/* ---- unsafe-counter ------------------------------------------------------ */

/* rr:1 alternates T0 and T1 step by step: both load the same value, both
 * store it + 1, so every second increment is lost. */
START_TEST(test_unsafe_counter_rr1)
{
    struct lab_run lr;

    lab_run_sched(&lr, "unsafe-counter", "unsafe", "", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DONE);
    assert_check(&lr, "final value", false, UNSAFE_RR1);
    ck_assert(!rl_run_passed(lr.run));
    rl_run_destroy(lr.run);
}
END_TEST

START_TEST(test_unsafe_counter_one_thread)
{
    struct lab_run lr;

    lab_run_sched(&lr, "unsafe-counter", "unsafe", "threads=1,iters=5",
                  sched_rr(1), 0);
    assert_passed(&lr, "unsafe-counter threads=1");
    assert_check(&lr, "final value", true, "counter = 5, expected 5");
    rl_run_destroy(lr.run);
}
END_TEST

/* ---- locked-counter ------------------------------------------------------ */

START_TEST(test_locked_counter_locked)
{
    assert_always_passes("locked-counter", "locked", "");
    assert_always_passes("locked-counter", "locked", "threads=4,iters=5");
}
END_TEST

START_TEST(test_locked_counter_coarse)
{
    assert_always_passes("locked-counter", "coarse", "");
    assert_always_passes("locked-counter", "coarse", "threads=3,iters=4");
}
END_TEST

START_TEST(test_locked_counter_locked_message)
{
    struct lab_run lr;

    lab_run_sched(&lr, "locked-counter", "locked", "", sched_rr(1), 0);
    assert_check(&lr, "final value", true, "counter = 6, expected 6");
    rl_run_destroy(lr.run);
}
END_TEST

/* rr:1 happens to interleave the unlocked stores harmlessly (each thread's
 * store lands before the other's next load); rr:2 lets T1 load 0 while
 * T0's store of 1 is pending: one update lost. */
START_TEST(test_locked_counter_early_release)
{
    struct lab_run lr;

    lab_run_sched(&lr, "locked-counter", "early-release", "", sched_rr(1), 0);
    assert_passed(&lr, "early-release rr:1");
    rl_run_destroy(lr.run);
    lab_run_sched(&lr, "locked-counter", "early-release", "", sched_rr(2), 0);
    ck_assert_int_eq(lr.end, RL_END_DONE);
    assert_check(&lr, "final value", false, EARLY_RELEASE_RR2);
    rl_run_destroy(lr.run);
}
END_TEST

/* ---- rlock-nesting ------------------------------------------------------- */

START_TEST(test_rlock_nesting_rlock)
{
    assert_always_passes("rlock-nesting", "rlock", "");
    assert_always_passes("rlock-nesting", "rlock", "threads=3,rounds=2");
}
END_TEST

/* A Lock deadlocks under every schedule: the first thread to call part1()
 * already holds the lock. */
START_TEST(test_rlock_nesting_lock_deadlocks)
{
    struct lab_run lr;

    lab_run_sched(&lr, "rlock-nesting", "lock", "", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_check(&lr, "no deadlock", false, LOCK_DEADLOCK_RR1);
    rl_run_destroy(lr.run);
    assert_always_fails("rlock-nesting", "lock", "", RL_END_DEADLOCK,
                        "no deadlock");
    assert_always_fails("rlock-nesting", "lock", "threads=1", RL_END_DEADLOCK,
                        "no deadlock");
}
END_TEST

START_TEST(test_rlock_nesting_rlock_message)
{
    struct lab_run lr;

    lab_run_sched(&lr, "rlock-nesting", "rlock", "threads=3,rounds=2",
                  sched_rr(1), 0);
    assert_check(&lr, "shared values", true,
                 "reports = 6, parts = 12, expected 6 and 12");
    rl_run_destroy(lr.run);
}
END_TEST

/* ---- semaphore-pool ------------------------------------------------------ */

START_TEST(test_semaphore_pool_semaphore)
{
    assert_always_passes("semaphore-pool", "semaphore", "");
    assert_always_passes("semaphore-pool", "semaphore",
                         "workers=5,capacity=3,rounds=2");
}
END_TEST

/* rr:1: every worker connects before the first one sleeps; T2 is the
 * third one in. On sim this fails under every schedule: a sleeping worker
 * keeps its connection until no thread can run. */
START_TEST(test_semaphore_pool_none)
{
    struct lab_run lr;

    lab_run_sched(&lr, "semaphore-pool", "none", "", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_FAILED); /* stopped at the failure */
    assert_check(&lr, "at most capacity at once", false, POOL_NONE_RR1);
    rl_run_destroy(lr.run);
    assert_always_fails("semaphore-pool", "none", "", RL_END_FAILED,
                        "at most capacity at once");
}
END_TEST

START_TEST(test_semaphore_pool_semaphore_message)
{
    struct lab_run lr;

    lab_run_sched(&lr, "semaphore-pool", "semaphore", "rounds=2", sched_rr(1),
                  0);
    assert_check(&lr, "at most capacity at once", true,
                 "peak 2 connections, limit 2");
    assert_check(&lr, "all work done", true, "8 of 8 jobs done");
    rl_run_destroy(lr.run);
}
END_TEST

/* rr:1: T0's stray release comes while T2 and T3 hold the pool, so it
 * succeeds (count 0 -> 1); T3's own, correct release is the one that
 * would go above 2. Releases outnumber acquires by one, so some release
 * overflows under every schedule. */
START_TEST(test_semaphore_pool_bounded_extra_release)
{
    struct lab_run lr;

    lab_run_sched(&lr, "semaphore-pool", "bounded-extra-release", "",
                  sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_DONE);
    assert_check(&lr, "no misuse", false, POOL_BOUNDED_RR1);
    assert_check(&lr, "at most capacity at once", true,
                 "peak 2 connections, limit 2");
    rl_run_destroy(lr.run);
    /* Some schedules let a third worker in before the stray release is
     * caught: they stop there, at the capacity check. */
    assert_always_fails_somehow("semaphore-pool", "bounded-extra-release",
                                "");
}
END_TEST

/* ---- producer-consumer --------------------------------------------------- */

START_TEST(test_producer_consumer_correct)
{
    assert_always_passes("producer-consumer", "correct", "");
    assert_always_passes("producer-consumer", "correct",
                         "producers=2,consumers=3,items=3,capacity=1");
    assert_always_passes("producer-consumer", "correct",
                         "producers=3,consumers=1,items=2,capacity=2");
    /* more consumers than items: some consumers take nothing */
    assert_always_passes("producer-consumer", "correct",
                         "producers=1,consumers=3,items=2,capacity=1");
}
END_TEST

/* rr:1: C0 and C1 both wait on the empty buffer; P0's second put notifies
 * C1, but C0 gets the lock first and takes the item; C1 wakes, does not
 * re-check, and takes from the empty buffer: count -1, and the stale
 * slot0 gives item 1 a second time. */
START_TEST(test_producer_consumer_if_wait)
{
    struct lab_run lr;

    lab_run_sched(&lr, "producer-consumer", "if-wait", "", sched_rr(1), 0);
    ck_assert_int_eq(lr.end, RL_END_FAILED); /* stopped at the failure */
    assert_check(&lr, "buffer bounds hold", false, PC_IF_BOUNDS_RR1);
    rl_run_destroy(lr.run);
}
END_TEST

START_TEST(test_producer_consumer_spin)
{
    struct lab_run lr;

    lab_run_sched(&lr, "producer-consumer", "spin-holding-lock", "",
                  sched_rr(1), 20000);
    ck_assert_int_eq(lr.end, RL_END_STEP_LIMIT);
    assert_check(&lr, "no deadlock", true, "no deadlock");
    ck_assert(!rl_run_passed(lr.run));
    rl_run_destroy(lr.run);
}
END_TEST

/* ---- the os backend: the same lab code on real threads ------------------ */

/* Every variant expected to pass also passes on real threads, with the
 * os defaults (large: 4 x 100,000 for the counter). */
START_TEST(test_os_passing_variants)
{
    static const char *const runs[][3] = {
        {"locked-counter", "locked", "threads=4,iters=100000"},
        {"locked-counter", "coarse", "threads=4,iters=100000"},
        {"rlock-nesting", "rlock", "threads=4"},
        {"semaphore-pool", "semaphore", "rounds=20"},
        {"producer-consumer", "correct", "producers=2,consumers=3"},
    };

    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct lab_run lr;
        char what[128];
        lab_run_os(&lr, runs[i][0], runs[i][1], runs[i][2], 0);
        snprintf(what, sizeof what, "os %s/%s %s", runs[i][0], runs[i][1],
                 runs[i][2]);
        assert_passed(&lr, what);
        rl_run_destroy(lr.run);
    }
}
END_TEST

/* The self-deadlock is real on pthreads too; the watchdog reports it. */
START_TEST(test_os_rlock_nesting_lock)
{
    struct lab_run lr;

    lab_run_os(&lr, "rlock-nesting", "lock", "threads=1", 200);
    ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
    assert_check(&lr, "no deadlock", false,
                 "deadlock: T0 holds L, waits for L (held by T0)");
    rl_run_destroy(lr.run);
}
END_TEST

/* Without a semaphore, sleeping workers overlap on real threads too. On a
 * loaded machine one run can see the workers one after another (each
 * worker's sleep ends before the next is scheduled: seen about once in ten
 * runs beside seven busy processes), so the test allows up to 8 runs and
 * passes on the first that overlaps: with runs independent, a false failure
 * needs 8 misses in a row, about 1 in 10^8. */
START_TEST(test_os_semaphore_pool_none)
{
    bool ok = true;

    for (int attempt = 0; attempt < 8 && ok; attempt++) {
        struct lab_run lr;

        lab_run_os(&lr, "semaphore-pool", "none", "rounds=5", 0);
        ck_assert_int_eq(lr.end, RL_END_DONE);
        ck_assert_ptr_nonnull(
            check_message(lr.run, "at most capacity at once", &ok));
        rl_run_destroy(lr.run);
    }
    ck_assert(!ok);
}
END_TEST

static Suite *labs_suite(void)
{
    Suite *s = suite_create("labs");
    TCase *tc;

    tc = tcase_create("registry");
    tcase_add_test(tc, test_registry_order);
    tcase_add_test(tc, test_registry_variants);
    tcase_add_test(tc, test_registry_texts);
    suite_add_tcase(s, tc);

    tc = tcase_create("params");
    tcase_add_test(tc, test_params_defaults);
    tcase_add_test(tc, test_params_set);
    tcase_add_test(tc, test_params_set_all);
    tcase_add_test_raise_signal(tc, test_params_unknown_key_aborts, SIGABRT);
    tcase_add_test(tc, test_probe_length);
    tcase_add_test(tc, test_record_forms);
    suite_add_tcase(s, tc);

    tc = tcase_create("runs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_unsafe_counter_rr1);
    tcase_add_test(tc, test_unsafe_counter_one_thread);
    tcase_add_test(tc, test_locked_counter_locked);
    tcase_add_test(tc, test_locked_counter_coarse);
    tcase_add_test(tc, test_locked_counter_locked_message);
    tcase_add_test(tc, test_locked_counter_early_release);
    tcase_add_test(tc, test_rlock_nesting_rlock);
    tcase_add_test(tc, test_rlock_nesting_lock_deadlocks);
    tcase_add_test(tc, test_rlock_nesting_rlock_message);
    tcase_add_test(tc, test_semaphore_pool_semaphore);
    tcase_add_test(tc, test_semaphore_pool_none);
    tcase_add_test(tc, test_semaphore_pool_semaphore_message);
    tcase_add_test(tc, test_semaphore_pool_bounded_extra_release);
    tcase_add_test(tc, test_producer_consumer_correct);
    tcase_add_test(tc, test_producer_consumer_if_wait);
    tcase_add_test(tc, test_producer_consumer_spin);
    suite_add_tcase(s, tc);

    tc = tcase_create("os");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_os_passing_variants);
    tcase_add_test(tc, test_os_rlock_nesting_lock);
    tcase_add_test(tc, test_os_semaphore_pool_none);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(labs_suite());

    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
