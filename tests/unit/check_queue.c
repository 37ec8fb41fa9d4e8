/* SPDX-License-Identifier: MIT */
/*
 * check_queue.c - Python's queue.Queue on both backends: FIFO order, a
 * bounded queue blocks put, timeouts are queue.Full / queue.Empty,
 * task_done / join, and task_done called too often is the misuse Python
 * reports as ValueError.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/racelab.h"
#include "../../core/run.h"

static rl_queue *q;
static long got[64];
static int ngot;
static int status[8];

static struct rl_run *run_prog(void (*setup)(void *), enum rl_backend b,
                               struct rl_sched s)
{
    struct rl_run_config cfg = {0};
    cfg.program.setup = setup;
    cfg.backend = b;
    cfg.sched = s;
    char err[200];
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    return run;
}

static struct rl_sched rnd(uint64_t seed)
{
    return (struct rl_sched){.kind = RL_SCHED_RANDOM, .seed = seed};
}

static const char *check_msg(struct rl_run *run, const char *name, bool *ok)
{
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result c;
        rl_run_check(run, i, &c);
        if (strcmp(c.name, name) == 0) {
            *ok = c.ok;
            return c.message;
        }
    }
    ck_abort_msg("no check %s", name);
    return NULL;
}

/* ---- FIFO through a bounded queue, one producer, one consumer ----------- */

static void put_ten(void *arg)
{
    (void)arg;
    for (long i = 1; i <= 10; i++)
        rl_queue_put(q, i);
}

static void get_ten(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10; i++)
        rl_queue_get(q, &got[ngot++]);
}

static void fifo_setup(void *ctx)
{
    (void)ctx;
    ngot = 0;
    q = rl_queue_create("q", 2);
    rl_thread_start("P", put_ten, NULL);
    rl_thread_start("C", get_ten, NULL);
}

START_TEST(test_fifo_bounded_every_schedule)
{
    for (uint64_t seed = 0; seed < 300; seed++) {
        struct rl_run *run = run_prog(fifo_setup, RL_BACKEND_SIM, rnd(seed));
        ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
        ck_assert(rl_run_passed(run));
        ck_assert_int_eq(ngot, 10);
        for (int i = 0; i < 10; i++)
            ck_assert_int_eq(got[i], i + 1);
        /* The bound held: the size mirror never went past 2. */
        for (uint64_t s = rl_run_record_first(run);
             s <= rl_run_record_last(run); s++) {
            const struct rl_record *r = rl_run_record(run, s);
            if (r->op == RL_OP_STORE && r->obj == rl_run_object_find(run,
                                                                   "q.size"))
                ck_assert_int_le(r->after, 2);
        }
        rl_run_destroy(run);
    }
}
END_TEST

START_TEST(test_fifo_on_real_threads)
{
    struct rl_run *run = run_prog(fifo_setup, RL_BACKEND_OS,
                                  (struct rl_sched){0});
    ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
    ck_assert_int_eq(ngot, 10);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(got[i], i + 1);
    rl_run_destroy(run);
}
END_TEST

/* ---- timeouts: queue.Full, queue.Empty ---------------------------------- */

static void timeouts_body(void *arg)
{
    (void)arg;
    long x = 0;
    status[0] = rl_queue_get_timeout(q, &x, 0);  /* get_nowait: Empty */
    status[1] = rl_queue_get_timeout(q, &x, 30); /* Empty after 30 ms */
    status[2] = rl_queue_put_timeout(q, 7, 0);
    status[3] = rl_queue_put_timeout(q, 8, 0);   /* put_nowait: Full */
    status[4] = rl_queue_put_timeout(q, 8, 20);  /* Full after 20 ms */
    status[5] = (int)rl_queue_qsize(q);
    status[6] = rl_queue_get(q, &x);
    status[7] = (int)x;
}

static void timeouts_setup(void *ctx)
{
    (void)ctx;
    q = rl_queue_create("q", 1);
    rl_thread_start(NULL, timeouts_body, NULL);
}

START_TEST(test_timeouts)
{
    struct rl_sched rr = {.kind = RL_SCHED_RR, .quantum = 1};
    struct rl_run *run = run_prog(timeouts_setup, RL_BACKEND_SIM, rr);
    ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
    ck_assert_int_eq(status[0], RL_TIMEOUT);
    ck_assert_int_eq(status[1], RL_TIMEOUT);
    ck_assert_int_eq(status[2], RL_OK);
    ck_assert_int_eq(status[3], RL_TIMEOUT);
    ck_assert_int_eq(status[4], RL_TIMEOUT);
    ck_assert_int_eq(status[5], 1);
    ck_assert_int_eq(status[6], RL_OK);
    ck_assert_int_eq(status[7], 7);
    ck_assert_int_eq(rl_run_now(run), 50); /* virtual ms waited */
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- task_done and join ---------------------------------------------------- */

static long done_when_joined;
static rl_var *done;

static void joiner(void *arg)
{
    (void)arg;
    for (long i = 0; i < 3; i++)
        rl_queue_put(q, i);
    rl_queue_join(q);
    done_when_joined = rl_load(done);
}

static void doer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        long x;
        rl_queue_get(q, &x);
        rl_fetch_add(done, 1);
        status[i] = rl_queue_task_done(q);
    }
    if (arg)
        status[3] = rl_queue_task_done(q); /* one too many */
}

static void join_setup(void *ctx)
{
    q = rl_queue_create("jobs", 0); /* unbounded */
    done = rl_var_create("done", 0);
    rl_thread_start("P", joiner, NULL);
    rl_thread_start("W", doer, ctx);
}

START_TEST(test_join_waits_for_task_done)
{
    for (uint64_t seed = 0; seed < 200; seed++) {
        done_when_joined = -1;
        struct rl_run *run = run_prog(join_setup, RL_BACKEND_SIM, rnd(seed));
        ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
        ck_assert(rl_run_passed(run));
        ck_assert_int_eq(done_when_joined, 3);
        rl_run_destroy(run);
    }
}
END_TEST

static void too_many_setup(void *ctx)
{
    (void)ctx;
    join_setup((void *)1);
}

START_TEST(test_task_done_too_many_times)
{
    ck_assert_str_eq(rl_strerror(RL_ERR_TASK_DONE),
                     "task_done() called too many times");
    struct rl_sched rr = {.kind = RL_SCHED_RR, .quantum = 100};
    struct rl_run *run = run_prog(too_many_setup, RL_BACKEND_SIM, rr);
    ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
    ck_assert_int_eq(status[2], RL_OK);
    ck_assert_int_eq(status[3], RL_ERR_TASK_DONE);
    bool ok;
    const char *msg = check_msg(run, "no misuse", &ok);
    ck_assert(!ok);
    /* The step is that task_done's acquire of the queue's mutex. */
    ck_assert_str_eq(msg, "W: task_done() called too many times (Queue "
                          "jobs, step 45)");
    rl_run_destroy(run);
}
END_TEST

/* ---- a get that nobody feeds is a deadlock, explained ---------------------- */

static void starving(void *arg)
{
    (void)arg;
    long x;
    rl_queue_get(q, &x);
}

static void starving_setup(void *ctx)
{
    (void)ctx;
    q = rl_queue_create("q", 0);
    rl_thread_start("W0", starving, NULL);
    rl_thread_start("W1", starving, NULL);
}

START_TEST(test_get_from_empty_deadlocks)
{
    struct rl_sched rr = {.kind = RL_SCHED_RR, .quantum = 1};
    struct rl_run *run = run_prog(starving_setup, RL_BACKEND_SIM, rr);
    ck_assert_int_eq(rl_run_end(run), RL_END_DEADLOCK);
    char text[256];
    rl_run_end_text(run, text, sizeof(text));
    ck_assert_str_eq(text, "W0 waits for a notify on q.not_empty; W1 waits "
                           "for a notify on q.not_empty");
    rl_run_destroy(run);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("queue");
    TCase *tc = tcase_create("queue");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_fifo_bounded_every_schedule);
    tcase_add_test(tc, test_fifo_on_real_threads);
    tcase_add_test(tc, test_timeouts);
    tcase_add_test(tc, test_join_waits_for_task_done);
    tcase_add_test(tc, test_task_done_too_many_times);
    tcase_add_test(tc, test_get_from_empty_deadlocks);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
