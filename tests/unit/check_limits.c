/* SPDX-License-Identifier: MIT */
/*
 * check_limits.c - the engine's limits (issue 9): 256 threads per run,
 * objects without a fixed cap, a thread started by a running thread (a
 * scheduling point with its own record, on sim and os), the pc field of
 * records and the run's table of texts. Exact traces on sim.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/engine.h"
#include "../../core/explore.h"
#include "../../core/racelab.h"
#include "../../core/run.h"

static char trace[1 << 14];
static size_t trace_len;

/* Append "<thread> <record text>" for each record. */
static void on_rec(void *ctx, const struct rl_run *run,
                   const struct rl_record *r)
{
    (void)ctx;
    if (trace_len + 256 >= sizeof(trace))
        return; /* long runs: only their start is compared */
    char line[160];
    rl_record_text(run, r, line, sizeof(line));
    struct rl_thread_view v;
    rl_run_thread(run, r->thread, &v);
    trace_len += (size_t)snprintf(trace + trace_len, sizeof(trace) - trace_len,
                                  "%s %s\n", v.name, line);
}

/* A sim run of setup under round robin with quantum 1, traced. */
static struct rl_run *make(void (*setup)(void *), enum rl_backend backend)
{
    trace_len = 0;
    trace[0] = '\0';
    struct rl_run_config cfg = {0};
    cfg.program.setup = setup;
    cfg.backend = backend;
    cfg.record = true;
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    cfg.on_record = on_rec;
    char err[256];
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    return run;
}

/* ---- a thread started by a thread ---------------------------------------- */

static rl_var *x;

static void child(void *arg)
{
    (void)arg;
    rl_fetch_add(x, 1);
}

static void parent(void *arg)
{
    (void)arg;
    rl_store(x, 1);
    rl_thread *t = rl_thread_start(NULL, child, NULL);
    rl_thread_join(t);
}

static void setup_spawn(void *ctx)
{
    (void)ctx;
    x = rl_var_create("x", 0);
    rl_thread_start(NULL, parent, NULL);
}

START_TEST(test_spawn_is_a_step_with_a_record)
{
    struct rl_run *run = make(setup_spawn, RL_BACKEND_SIM);
    ck_assert_int_eq(rl_run_thread_count(run), 1);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 store x <- 1\n"
                            "T0 start T1\n"
                            "T1 start\n"
                            "T0 join T1: blocked\n"
                            "T1 fetch_add x +1: 1 -> 2\n"
                            "T1 finish\n"
                            "T0 join T1\n"
                            "T0 finish\n");
    const struct rl_record *r = rl_run_record(run, 3);
    ck_assert_int_eq(r->op, RL_OP_SPAWN);
    ck_assert_int_eq(r->thread, 0);
    ck_assert_int_eq(r->other, 1);
    ck_assert_int_eq(r->obj, -1);
    for (uint64_t s = 1; s <= rl_run_record_last(run); s++)
        ck_assert(rl_run_record(run, s)->pc == 0);
    ck_assert_int_eq(rl_run_thread_count(run), 2);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* The scheduling point is before the new thread exists, so the first
 * choice is at step 4 (T0 about to join, T1 about to start): T0 first
 * joins while T1 has not started. */
START_TEST(test_spawn_choices_replay)
{
    struct rl_run_config cfg = {0};
    cfg.program.setup = setup_spawn;
    cfg.sched.kind = RL_SCHED_REPLAY;
    cfg.sched.choices = "0";
    cfg.on_record = on_rec;
    trace_len = 0;
    char err[256];
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    char ch[64];
    rl_run_choices(run, ch, sizeof(ch));
    ck_assert_str_eq(ch, "0");
    ck_assert_int_eq(rl_var_peek(x), 2);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 store x <- 1\n"
                            "T0 start T1\n"
                            "T0 join T1: blocked\n"
                            "T1 start\n"
                            "T1 fetch_add x +1: 1 -> 2\n"
                            "T1 finish\n"
                            "T0 join T1\n"
                            "T0 finish\n");
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_spawn_on_os)
{
    struct rl_run *run = make(setup_spawn, RL_BACKEND_OS);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(rl_run_thread_count(run), 2);
    ck_assert_int_eq(rl_var_peek(x), 2);
    int spawns = 0;
    for (uint64_t s = 1; s <= rl_run_record_last(run); s++) {
        const struct rl_record *r = rl_run_record(run, s);
        if (r->op == RL_OP_SPAWN) {
            spawns++;
            ck_assert_int_eq(r->thread, 0);
            ck_assert_int_eq(r->other, 1);
        }
    }
    ck_assert_int_eq(spawns, 1);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- 256 threads, 1000 objects ------------------------------------------- */

static rl_var *sum;

static void add_one(void *arg)
{
    (void)arg;
    rl_fetch_add(sum, 1);
}

static void setup_many_threads(void *ctx)
{
    (void)ctx;
    sum = rl_var_create("sum", 0);
    for (int i = 0; i < RL_MAX_THREADS; i++)
        rl_thread_start(NULL, add_one, NULL);
}

START_TEST(test_256_threads)
{
    ck_assert_int_eq(RL_MAX_THREADS, 256);
    struct rl_run *run = make(setup_many_threads, RL_BACKEND_SIM);
    ck_assert_int_eq(rl_run_thread_count(run), 256);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(rl_var_peek(sum), 256);
    ck_assert_uint_eq(rl_run_record_last(run), 3 * 256);
    struct rl_thread_view v;
    rl_run_thread(run, 255, &v);
    ck_assert_str_eq(v.name, "T255");
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

static rl_lock *locks[1000];

static void lock_all(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        rl_lock_acquire(locks[i]);
    for (int i = 999; i >= 0; i--)
        rl_lock_release(locks[i]);
}

static void setup_many_objects(void *ctx)
{
    (void)ctx;
    char name[RL_NAME_MAX];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "locks[%d]", i);
        locks[i] = rl_lock_create(name);
    }
    rl_thread_start(NULL, lock_all, NULL);
    rl_thread_start(NULL, lock_all, NULL);
}

START_TEST(test_objects_grow)
{
    struct rl_run *run = make(setup_many_objects, RL_BACKEND_SIM);
    ck_assert_int_eq(rl_run_object_count(run), 1000);
    ck_assert_int_eq(rl_run_object_find(run, "locks[999]"), 999);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert(rl_run_passed(run));
    struct rl_obj_view ov;
    rl_run_object(run, 999, &ov);
    ck_assert_str_eq(ov.name, "locks[999]");
    ck_assert_int_eq(ov.owner, -1);
    rl_run_destroy(run);
}
END_TEST

/* Exploration handles a choice point with more than 64 threads ready at
 * once: 70 threads that each add 1 (fetch_add: atomic), within the
 * schedule budget, and no schedule fails. */
static void setup_70(void *ctx)
{
    (void)ctx;
    sum = rl_var_create("sum", 0);
    for (int i = 0; i < 70; i++)
        rl_thread_start(NULL, add_one, NULL);
}

/* Shared arrays: elements are named name[i] in records and in the
 * analyses, and each element is its own object (a lock per slot). */
static rl_var **slots;
static rl_lock **slot_locks;

static void slot_writer(void *arg)
{
    long i = (long)arg;
    rl_lock_acquire(slot_locks[i]);
    rl_store(slots[i], rl_load(slots[i]) + 10);
    rl_lock_release(slot_locks[i]);
}

static void setup_arrays(void *ctx)
{
    (void)ctx;
    slots = rl_var_array_create("buffer", 4, 1);
    slot_locks = rl_lock_array_create("lock", 4);
    rl_thread_start(NULL, slot_writer, (void *)3L);
    rl_thread_start(NULL, slot_writer, (void *)1L);
}

START_TEST(test_shared_arrays)
{
    struct rl_run *run = make(setup_arrays, RL_BACKEND_SIM);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T1 start\n"
                            "T0 acquire lock[3]\n"
                            "T1 acquire lock[1]\n"
                            "T0 load buffer[3] -> 1\n"
                            "T1 load buffer[1] -> 1\n"
                            "T0 store buffer[3] <- 11\n"
                            "T1 store buffer[1] <- 11\n"
                            "T0 release lock[3]\n"
                            "T0 finish\n"
                            "T1 release lock[1]\n"
                            "T1 finish\n");
    ck_assert_int_eq(rl_run_object_find(run, "buffer[0]"), 0);
    ck_assert_int_eq(rl_run_object_find(run, "lock[3]"), 7);
    ck_assert_int_eq(rl_var_peek(slots[3]), 11);
    ck_assert_int_eq(rl_var_peek(slots[2]), 1);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_explore_many_ready_threads)
{
    struct rl_explore_config cfg = {0};
    cfg.program.setup = setup_70;
    cfg.max_preemptions = 1;
    cfg.max_runs = 10;
    struct rl_explore_result res;
    ck_assert_int_eq(rl_explore(&cfg, &res), 0);
    ck_assert_str_eq(res.error, "");
    ck_assert(!res.found);
    ck_assert_uint_eq(res.runs, 10);
    rl_explore_result_free(&res);
}
END_TEST

/* ---- texts and output records -------------------------------------------- */

START_TEST(test_texts_and_output_record)
{
    struct rl_run *run = make(setup_spawn, RL_BACKEND_SIM);
    ck_assert_ptr_null(rl_run_text(run, 0));
    long a = rl_run_text_add(run, "hello\n", 6);
    long b = rl_run_text_add(run, "say \"hi\"\tnow", 12);
    ck_assert_int_eq(a, 0);
    ck_assert_int_eq(b, 1);
    ck_assert_str_eq(rl_run_text(run, a), "hello\n");
    ck_assert_ptr_null(rl_run_text(run, 2));
    ck_assert_ptr_null(rl_run_text(run, -1));
    struct rl_record r = {0};
    r.op = RL_OP_OUTPUT;
    r.thread = 0;
    r.obj = -1;
    r.other = -1;
    r.arg = b;
    r.before = 1;
    char line[128];
    rl_record_text(run, &r, line, sizeof(line));
    ck_assert_str_eq(line, "output \"say \\\"hi\\\"\\tnow\"");
    r.arg = a;
    rl_record_text(run, &r, line, sizeof(line));
    ck_assert_str_eq(line, "output \"hello\\n\"");
    ck_assert_str_eq(rl_op_name(RL_OP_SPAWN), "spawn");
    ck_assert_str_eq(rl_op_name(RL_OP_OUTPUT), "output");
    rl_run_destroy(run);
}
END_TEST

static Suite *limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_spawn_is_a_step_with_a_record);
    tcase_add_test(tc, test_spawn_choices_replay);
    tcase_add_test(tc, test_spawn_on_os);
    tcase_add_test(tc, test_256_threads);
    tcase_add_test(tc, test_objects_grow);
    tcase_add_test(tc, test_explore_many_ready_threads);
    tcase_add_test(tc, test_shared_arrays);
    tcase_add_test(tc, test_texts_and_output_record);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(limits_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
