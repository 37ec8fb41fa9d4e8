/* SPDX-License-Identifier: MIT */
/*
 * check_analysis.c - the happens-before race detector and the lost-update
 * explainer, on exact sim runs: races found with the exact accesses named,
 * none where synchronization orders the accesses, and a race reported even
 * when the result happened to be right; lost wakeups with the exact notify
 * and wait named, and none for a waiter that checks its condition first.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/analysis.h"
#include "../../core/racelab.h"
#include "../../core/run.h"
#include "lib_labrun.h"

static rl_var *x;
static rl_lock *L;
static rl_event *E;
static rl_cond *C;
static rl_thread *first_t;
static int iters;

static struct rl_run *run_with(void (*setup)(void *), struct rl_sched s,
                               size_t max_records)
{
    struct rl_run_config cfg = {0};
    cfg.program.setup = setup;
    cfg.sched = s;
    cfg.max_records = max_records;
    char err[128];
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    return run;
}

static struct rl_sched rr(int q)
{
    return (struct rl_sched){.kind = RL_SCHED_RR, .quantum = q};
}

static void analyze(struct rl_run *run, struct rl_analysis *a)
{
    char err[200];
    ck_assert_msg(rl_analyze(run, a, err, sizeof(err)) == 0, "%s", err);
}

static void unsafe_body(void *arg)
{
    (void)arg;
    for (int i = 0; i < iters; i++)
        rl_store(x, rl_load(x) + 1);
}

static void locked_body(void *arg)
{
    (void)arg;
    for (int i = 0; i < iters; i++) {
        rl_lock_acquire(L);
        rl_store(x, rl_load(x) + 1);
        rl_lock_release(L);
    }
}

static void counter_setup(void *ctx)
{
    x = rl_var_create("counter", 0);
    L = rl_lock_create("L");
    rl_thread_start(NULL, ctx ? locked_body : unsafe_body, NULL);
    rl_thread_start(NULL, ctx ? locked_body : unsafe_body, NULL);
}

static void unsafe_setup(void *ctx)
{
    (void)ctx;
    counter_setup(NULL);
}

static void locked_setup(void *ctx)
{
    (void)ctx;
    counter_setup((void *)1);
}

START_TEST(test_unsafe_counter_race_and_lost_updates)
{
    iters = 3;
    struct rl_run *run = run_with(unsafe_setup, rr(1), 0);
    struct rl_analysis a;
    analyze(run, &a);
    ck_assert_int_eq(a.nraces, 1);
    char text[256];
    rl_race_text(run, &a.races[0], text, sizeof(text));
    ck_assert_str_eq(text, "data race on counter: T1 reads at step 4 and T0 "
                           "writes at step 5, with nothing ordering them (no "
                           "lock, event, barrier or join in between)");
    /* Exactly the 3 updates the check says were lost. */
    ck_assert_int_eq(a.nlost, 3);
    ck_assert_int_eq(rl_var_peek(x), 3);
    rl_lost_text(run, &a.lost[0], text, sizeof(text));
    ck_assert_str_eq(text, "lost update on counter: T1 loaded 0 at step 4, "
                           "T0 stored 1 at step 5, then T1 stored 1 at step "
                           "6 over it");
    rl_run_destroy(run);
}
END_TEST

/* Fed record by record, the tracker flags exactly the overwriting stores,
 * as the batch analysis counts them. */
START_TEST(test_lost_tracker_streams)
{
    iters = 3;
    struct rl_run *run = run_with(unsafe_setup, rr(1), 0);
    struct rl_lost_tracker *tr = rl_lost_tracker_create();
    uint64_t at[8];
    int n = 0;
    for (uint64_t s = 1; s <= rl_run_record_last(run); s++) {
        struct rl_lost_update l;
        if (rl_lost_tracker_feed(tr, rl_run_record(run, s), &l)) {
            ck_assert_int_lt(n, 8);
            at[n++] = l.store_seq;
            ck_assert_int_eq(l.thread, 1);
            ck_assert_int_eq(l.other, 0);
        }
    }
    rl_lost_tracker_destroy(tr);
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(at[0], 6);
    ck_assert_int_eq(at[1], 10);
    ck_assert_int_eq(at[2], 15);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_race_even_when_result_is_right)
{
    iters = 3;
    /* A quantum long enough that no update is lost... */
    struct rl_run *run = run_with(unsafe_setup, rr(100), 0);
    ck_assert_int_eq(rl_var_peek(x), 6);
    struct rl_analysis a;
    analyze(run, &a);
    /* ...but nothing orders T0's accesses before T1's. */
    ck_assert_int_eq(a.nlost, 0);
    ck_assert_int_eq(a.nraces, 1);
    ck_assert_int_eq(a.races[0].first_thread, 0);
    ck_assert_int_eq(a.races[0].second_thread, 1);
    ck_assert(a.races[0].first_write);
    ck_assert(!a.races[0].second_write);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_locked_counter_has_no_race)
{
    iters = 3;
    for (uint64_t seed = 0; seed < 200; seed++) {
        struct rl_sched s = {.kind = RL_SCHED_RANDOM, .seed = seed};
        struct rl_run *run = run_with(locked_setup, s, 0);
        struct rl_analysis a;
        analyze(run, &a);
        ck_assert_int_eq(a.nraces, 0);
        ck_assert_int_eq(a.nlost, 0);
        rl_run_destroy(run);
    }
}
END_TEST

static void writer(void *arg)
{
    rl_store(x, 42);
    if (arg)
        rl_event_set(E);
}

static void reader(void *arg)
{
    if (arg)
        rl_event_wait(E);
    else
        rl_sleep_ms(10); /* "surely long enough": no ordering */
    rl_load(x);
}

static void event_setup(void *ctx)
{
    x = rl_var_create("x", 0);
    E = rl_event_create("E");
    rl_thread_start(NULL, writer, ctx);
    rl_thread_start(NULL, reader, ctx);
}

START_TEST(test_event_orders_sleep_does_not)
{
    for (int q = 1; q <= 4; q++) {
        struct rl_run *run = run_with(event_setup, rr(q), 0);
        ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
        struct rl_analysis a;
        analyze(run, &a);
        ck_assert_int_eq(a.nraces, 1); /* sleep is not synchronization */
        rl_run_destroy(run);

        struct rl_run_config cfg = {0};
        cfg.program.setup = event_setup;
        cfg.program.ctx = (void *)1;
        cfg.sched = rr(q);
        char err[100];
        run = rl_run_create(&cfg, err, sizeof(err));
        rl_run_finish(run);
        analyze(run, &a);
        ck_assert_int_eq(a.nraces, 0);
        rl_run_destroy(run);
    }
}
END_TEST

static void first_body(void *arg)
{
    (void)arg;
    rl_store(x, 1);
}

static void joiner_body(void *arg)
{
    (void)arg;
    rl_thread_join(first_t);
    rl_store(x, rl_load(x) + 1);
}

static void join_setup(void *ctx)
{
    (void)ctx;
    x = rl_var_create("x", 0);
    first_t = rl_thread_start(NULL, first_body, NULL);
    rl_thread_start(NULL, joiner_body, NULL);
}

START_TEST(test_join_orders)
{
    struct rl_run *run = run_with(join_setup, rr(1), 0);
    struct rl_analysis a;
    analyze(run, &a);
    ck_assert_int_eq(a.nraces, 0);
    ck_assert_int_eq(rl_var_peek(x), 2);
    rl_run_destroy(run);
}
END_TEST

static void adder(void *arg)
{
    for (int i = 0; i < 3; i++)
        rl_fetch_add(x, 1);
    if (arg)
        rl_load(x);
}

static void atomic_setup(void *ctx)
{
    x = rl_var_create("x", 0);
    rl_thread_start(NULL, adder, NULL);
    rl_thread_start(NULL, adder, ctx);
}

START_TEST(test_fetch_add_is_atomic)
{
    struct rl_run *run = run_with(atomic_setup, rr(1), 0);
    struct rl_analysis a;
    analyze(run, &a);
    ck_assert_int_eq(a.nraces, 0);
    ck_assert_int_eq(rl_var_peek(x), 6);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_dropped_records_refused)
{
    iters = 50;
    struct rl_run *run = run_with(unsafe_setup, rr(1), 64);
    struct rl_analysis a;
    char err[200];
    ck_assert_int_eq(rl_analyze(run, &a, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "the analyses need every record, and the first "
                          "140 were dropped (too many events: raise the "
                          "record limit or shorten the run)");
    rl_run_destroy(run);
}
END_TEST


/* ---- lost wakeups ------------------------------------------------------ */

/* The notifier: sets ready under L and notifies (all of) C. */
static void notifier(void *arg)
{
    rl_lock_acquire(L);
    rl_store(x, 1);
    if (arg)
        rl_cond_notify_all(C);
    else
        rl_cond_notify(C);
    rl_lock_release(L);
}

/* The waiter: waits on C once (the bug), or while ready is 0 (arg). */
static void waiter(void *arg)
{
    rl_lock_acquire(L);
    if (arg) {
        while (rl_load(x) == 0)
            rl_cond_wait(C);
    } else {
        rl_cond_wait(C);
    }
    rl_lock_release(L);
}

/* ctx: 0 the bug; 1 the waiter's loop; 2 the bug with notify_all and
 * two waiters, 3 with notify and two waiters; 4 a waiter alone. */
static void wakeup_setup(void *ctx)
{
    long kind = (long)ctx;
    x = rl_var_create("ready", 0);
    L = rl_lock_create("L");
    C = rl_cond_create("C", L);
    if (kind != 4)
        rl_thread_start(NULL, notifier, kind == 2 ? (void *)1 : NULL);
    rl_thread_start(NULL, waiter, kind == 1 ? (void *)1 : NULL);
    if (kind == 2 || kind == 3)
        rl_thread_start(NULL, waiter, NULL);
}

static struct rl_run *run_ctx(void (*setup)(void *), long ctx,
                              struct rl_sched s)
{
    struct rl_run_config cfg = {0};
    cfg.program.setup = setup;
    cfg.program.ctx = (void *)ctx;
    cfg.sched = s;
    char err[128];
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    return run;
}

/* Record seq of run in the trace's words, for exact assertions. */
static const char *step_text(struct rl_run *run, uint64_t seq)
{
    static char text[200];
    rl_record_text(run, rl_run_record(run, seq), text, sizeof text);
    return text;
}

/* The classic: T0 notifies C before T1 waits; T1 waits without looking
 * at ready and waits for ever. */
START_TEST(test_lost_wakeup_named)
{
    struct rl_run *run = run_ctx(wakeup_setup, 0, rr(1));
    ck_assert_int_eq(rl_run_end(run), RL_END_DEADLOCK);
    ck_assert_int_eq(rl_run_record_last(run), 10);
    ck_assert_str_eq(step_text(run, 6), "notify C (no waiter)");
    ck_assert_str_eq(step_text(run, 10), "wait C (releases L)");
    struct rl_analysis a;
    analyze(run, &a);
    ck_assert_int_eq(a.nraces, 0);
    ck_assert_int_eq(a.nlost, 0);
    ck_assert_int_eq(a.nwakeups, 1);
    const struct rl_lost_wakeup *w = &a.wakeups[0];
    ck_assert_int_eq(w->cond, rl_run_object_find(run, "C"));
    ck_assert_int_eq(w->signaller, 0);
    ck_assert_int_eq(w->waiter, 1);
    ck_assert_int_eq(w->notify_seq, 6);
    ck_assert_int_eq(w->wait_seq, 10);
    ck_assert(!w->all);
    char text[400];
    rl_wakeup_text(run, w, NULL, text, sizeof text);
    ck_assert_str_eq(text, "lost wakeup on C: T0 called notify at step 6 "
                           "when no thread was waiting, so it woke nobody; "
                           "T1 began to wait at step 10 and still waits: "
                           "nothing notified C again");
    rl_wakeup_text(run, w, "lab.c:12", text, sizeof text);
    ck_assert_str_eq(text, "lost wakeup on C: T0 called notify at step 6 "
                           "(lab.c:12) when no thread was waiting, so it "
                           "woke nobody; T1 began to wait at step 10 and "
                           "still waits: nothing notified C again");
    rl_wakeup_hint(run, w, text, sizeof text);
    ck_assert_str_eq(text, "a notify wakes only a thread already waiting; "
                           "wait in a loop on a condition the notifier "
                           "sets: while (!ready) rl_cond_wait(C);");
    rl_run_destroy(run);
}
END_TEST

/* The same notify with no waiter, but the waiter checks ready first: it
 * never waits, and nothing is reported, under any schedule. */
START_TEST(test_no_waiter_with_loop_is_fine)
{
    struct rl_run *run = run_ctx(wakeup_setup, 1, rr(1));
    ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
    ck_assert_str_eq(step_text(run, 6), "notify C (no waiter)");
    ck_assert_str_eq(step_text(run, 10), "load ready -> 1");
    struct rl_analysis a;
    analyze(run, &a);
    ck_assert_int_eq(a.nwakeups, 0);
    rl_run_destroy(run);
    for (uint64_t seed = 0; seed < 100; seed++) {
        struct rl_sched s = {.kind = RL_SCHED_RANDOM, .seed = seed};
        run = run_ctx(wakeup_setup, 1, s);
        ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
        analyze(run, &a);
        ck_assert_int_eq(a.nwakeups, 0);
        rl_run_destroy(run);
    }
}
END_TEST

/* A notify_all that woke no thread was lost for both waiters after it;
 * a notify, for one: the other waits for a second notify that never
 * comes, a deadlock of its own. */
START_TEST(test_lost_notify_all_for_each)
{
    struct rl_run *run = run_ctx(wakeup_setup, 2, rr(1));
    ck_assert_int_eq(rl_run_end(run), RL_END_DEADLOCK);
    struct rl_analysis a;
    analyze(run, &a);
    ck_assert_int_eq(a.nwakeups, 2);
    ck_assert_int_eq(a.wakeups[0].waiter, 1);
    ck_assert_int_eq(a.wakeups[1].waiter, 2);
    ck_assert_int_eq(a.wakeups[0].notify_seq, 8);
    ck_assert_int_eq(a.wakeups[1].notify_seq, 8);
    ck_assert_int_eq(a.wakeups[0].wait_seq, 12);
    ck_assert_int_eq(a.wakeups[1].wait_seq, 14);
    ck_assert(a.wakeups[0].all && a.wakeups[1].all);
    ck_assert_str_eq(step_text(run, a.wakeups[0].notify_seq),
                     "notify_all C (wakes 0)");
    char text[400];
    rl_wakeup_text(run, &a.wakeups[1], NULL, text, sizeof text);
    ck_assert_str_eq(text, "lost wakeup on C: T0 called notify_all at step "
                           "8 when no thread was waiting, so it woke nobody; "
                           "T2 began to wait at step 14 and still waits: "
                           "nothing notified C again");
    rl_run_destroy(run);

    run = run_ctx(wakeup_setup, 3, rr(1));
    ck_assert_int_eq(rl_run_end(run), RL_END_DEADLOCK);
    analyze(run, &a);
    ck_assert_int_eq(a.nwakeups, 1);
    ck_assert_int_eq(a.wakeups[0].waiter, 1);
    rl_run_destroy(run);
}
END_TEST

/* A third thread's critical section between the notify and the wait:
 * one that only reads ready (arg 0) takes nothing, one that stores it
 * back to 0 (arg 1) took what was announced. */
static void other_body(void *arg)
{
    rl_lock_acquire(L);
    if (arg)
        rl_store(x, 0);
    else
        rl_load(x);
    rl_lock_release(L);
}

/* A waiter that comes late and counts its call (a read outside the lock,
 * no check of ready), then waits once. */
static rl_var *calls;
static void counting_waiter(void *arg)
{
    (void)arg;
    rl_sleep_ms(1);
    rl_fetch_add(calls, 1);
    waiter(NULL);
}

/* ctx: 0 a reader between, 1 a taker between, 2 the counting waiter. */
static void between_setup(void *ctx)
{
    long kind = (long)ctx;
    x = rl_var_create("ready", 0);
    calls = rl_var_create("calls", 0);
    L = rl_lock_create("L");
    C = rl_cond_create("C", L);
    rl_thread_start(NULL, notifier, NULL);
    if (kind == 2) {
        rl_thread_start(NULL, counting_waiter, NULL);
        return;
    }
    rl_thread_start(NULL, other_body, kind == 1 ? (void *)1 : NULL);
    rl_thread_start(NULL, waiter, NULL);
}

/* What counts as looking at what the notify announced: not a read before
 * the waiter takes the lock, not another thread's read; another thread's
 * change does. */
START_TEST(test_lost_wakeup_what_looks)
{
    struct rl_analysis a;
    struct rl_run *run = run_ctx(between_setup, 0, rr(1));
    ck_assert_int_eq(rl_run_end(run), RL_END_DEADLOCK);
    ck_assert_str_eq(step_text(run, 8), "notify C (no waiter)");
    ck_assert_str_eq(step_text(run, 12), "load ready -> 1");
    ck_assert_str_eq(step_text(run, 16), "wait C (releases L)");
    analyze(run, &a);
    ck_assert_int_eq(a.nwakeups, 1);
    ck_assert_int_eq(a.wakeups[0].notify_seq, 8);
    ck_assert_int_eq(a.wakeups[0].wait_seq, 16);
    ck_assert_int_eq(a.wakeups[0].waiter, 2);
    rl_run_destroy(run);

    run = run_ctx(between_setup, 1, rr(1));
    ck_assert_int_eq(rl_run_end(run), RL_END_DEADLOCK);
    ck_assert_str_eq(step_text(run, 8), "notify C (no waiter)");
    ck_assert_str_eq(step_text(run, 12), "store ready <- 0");
    ck_assert_str_eq(step_text(run, 16), "wait C (releases L)");
    analyze(run, &a);
    ck_assert_int_eq(a.nwakeups, 0);
    rl_run_destroy(run);

    run = run_ctx(between_setup, 2, rr(1));
    ck_assert_int_eq(rl_run_end(run), RL_END_DEADLOCK);
    ck_assert_str_eq(step_text(run, 6), "notify C (no waiter)");
    ck_assert_str_eq(step_text(run, 10), "fetch_add calls +1: 0 -> 1");
    ck_assert_str_eq(step_text(run, 12), "wait C (releases L)");
    analyze(run, &a);
    ck_assert_int_eq(a.nwakeups, 1);
    ck_assert_int_eq(a.wakeups[0].notify_seq, 6);
    ck_assert_int_eq(a.wakeups[0].wait_seq, 12);
    ck_assert_int_eq(a.wakeups[0].waiter, 1);
    rl_run_destroy(run);
}
END_TEST

/* Deadlocks that lose no wakeup: workers that check the Queue and wait
 * for a sentinel that never comes (thread-pool no-sentinel), a waiter
 * whose Condition nobody notified. */
START_TEST(test_deadlock_without_lost_wakeup)
{
    for (int q = 1; q <= 3; q++) {
        struct lab_run lr;
        lab_run_sched(&lr, "thread-pool", "no-sentinel", "", sched_rr(q), 0);
        ck_assert_int_eq(lr.end, RL_END_DEADLOCK);
        struct rl_analysis a;
        analyze(lr.run, &a);
        ck_assert_int_eq(a.nwakeups, 0);
        rl_run_destroy(lr.run);
    }
    struct rl_run *run = run_ctx(wakeup_setup, 4, rr(1));
    ck_assert_int_eq(rl_run_end(run), RL_END_DEADLOCK);
    struct rl_analysis a;
    analyze(run, &a);
    ck_assert_int_eq(a.nwakeups, 0);
    rl_run_destroy(run);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("analysis");
    TCase *tc = tcase_create("analysis");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_unsafe_counter_race_and_lost_updates);
    tcase_add_test(tc, test_lost_tracker_streams);
    tcase_add_test(tc, test_race_even_when_result_is_right);
    tcase_add_test(tc, test_locked_counter_has_no_race);
    tcase_add_test(tc, test_event_orders_sleep_does_not);
    tcase_add_test(tc, test_join_orders);
    tcase_add_test(tc, test_fetch_add_is_atomic);
    tcase_add_test(tc, test_dropped_records_refused);
    tcase_add_test(tc, test_lost_wakeup_named);
    tcase_add_test(tc, test_no_waiter_with_loop_is_fine);
    tcase_add_test(tc, test_lost_notify_all_for_each);
    tcase_add_test(tc, test_deadlock_without_lost_wakeup);
    tcase_add_test(tc, test_lost_wakeup_what_looks);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
