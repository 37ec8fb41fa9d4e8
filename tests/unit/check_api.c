/* SPDX-License-Identifier: MIT */
/*
 * check_api.c - misuse of the student API is an error, never an abort:
 * every function of core/racelab.h given a NULL object (or a bad count),
 * and every per-run limit reached, returns its documented error value and
 * records a misuse that names the call, so the run ends with its "no
 * misuse" check failed and that exact message. One test per function, on
 * sim (deterministic: exact steps); a few on os as well.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/engine.h"
#include "../../core/racelab.h"
#include "../../core/run.h"

/* What a call returned, as a long (written by the lab thread, read after
 * the run). */
static long got;

/* One misuse case: a thread body making the call, what it must return,
 * the "no misuse" message the run must end with. */
struct api_case {
    const char *name;
    void (*body)(void *);
    long want;
    const char *message;
};

/* ---- the calls, one thread body each ------------------------------------- */

static void dummy(void *arg)
{
    (void)arg;
}

static void b_thread_start(void *a)
{
    (void)a;
    got = rl_thread_start("x", NULL, NULL) == NULL;
}
static void b_thread_join(void *a)
{
    (void)a;
    rl_thread_join(NULL);
    got = 1;
}
static void b_load(void *a)
{
    (void)a;
    got = rl_load(NULL);
}
static void b_store(void *a)
{
    (void)a;
    rl_store(NULL, 5);
    got = 1;
}
static void b_fetch_add(void *a)
{
    (void)a;
    got = rl_fetch_add(NULL, 5);
}
static void b_var_peek(void *a)
{
    (void)a;
    got = rl_var_peek(NULL);
}
static void b_lock_acquire(void *a)
{
    (void)a;
    got = rl_lock_acquire(NULL);
}
static void b_lock_try_acquire(void *a)
{
    (void)a;
    got = rl_lock_try_acquire(NULL);
}
static void b_lock_acquire_timeout(void *a)
{
    (void)a;
    got = rl_lock_acquire_timeout(NULL, 10);
}
static void b_lock_release(void *a)
{
    (void)a;
    got = rl_lock_release(NULL);
}
static void b_lock_locked(void *a)
{
    (void)a;
    got = rl_lock_locked(NULL);
}
static void b_sem_create(void *a)
{
    (void)a;
    got = rl_semaphore_create("s", -1) == NULL;
}
static void b_bsem_create(void *a)
{
    (void)a;
    got = rl_bounded_semaphore_create("s", -2) == NULL;
}
static void b_sem_acquire(void *a)
{
    (void)a;
    got = rl_sem_acquire(NULL);
}
static void b_sem_try_acquire(void *a)
{
    (void)a;
    got = rl_sem_try_acquire(NULL);
}
static void b_sem_acquire_timeout(void *a)
{
    (void)a;
    got = rl_sem_acquire_timeout(NULL, 10);
}
static void b_sem_release(void *a)
{
    (void)a;
    got = rl_sem_release(NULL);
}
static void b_sem_value(void *a)
{
    (void)a;
    got = rl_sem_value(NULL);
}
static void b_cond_lock(void *a)
{
    (void)a;
    got = rl_cond_lock(NULL) == NULL;
}
static void b_cond_wait(void *a)
{
    (void)a;
    got = rl_cond_wait(NULL);
}
static void b_cond_wait_timeout(void *a)
{
    (void)a;
    got = rl_cond_wait_timeout(NULL, 10);
}
static void b_cond_notify(void *a)
{
    (void)a;
    got = rl_cond_notify(NULL);
}
static void b_cond_notify_all(void *a)
{
    (void)a;
    got = rl_cond_notify_all(NULL);
}
static void b_event_set(void *a)
{
    (void)a;
    rl_event_set(NULL);
    got = 1;
}
static void b_event_clear(void *a)
{
    (void)a;
    rl_event_clear(NULL);
    got = 1;
}
static void b_event_is_set(void *a)
{
    (void)a;
    got = rl_event_is_set(NULL);
}
static void b_event_wait(void *a)
{
    (void)a;
    got = rl_event_wait(NULL);
}
static void b_event_wait_timeout(void *a)
{
    (void)a;
    got = rl_event_wait_timeout(NULL, 10);
}
static void b_barrier_create(void *a)
{
    (void)a;
    got = rl_barrier_create("b", 0) == NULL;
}
static void b_var_array_create(void *a)
{
    (void)a;
    got = rl_var_array_create("a", 0, 0) == NULL;
}
static void b_lock_array_create(void *a)
{
    (void)a;
    got = rl_lock_array_create("forks", -2) == NULL;
}
static void b_barrier_wait(void *a)
{
    (void)a;
    got = rl_barrier_wait(NULL);
}
static void b_barrier_wait_timeout(void *a)
{
    (void)a;
    got = rl_barrier_wait_timeout(NULL, 10);
}
static void b_queue_put(void *a)
{
    (void)a;
    got = rl_queue_put(NULL, 1);
}
static void b_queue_put_timeout(void *a)
{
    (void)a;
    got = rl_queue_put_timeout(NULL, 1, 0);
}
static void b_queue_get(void *a)
{
    long item;
    (void)a;
    got = rl_queue_get(NULL, &item);
}
static void b_queue_get_timeout(void *a)
{
    long item;
    (void)a;
    got = rl_queue_get_timeout(NULL, &item, 0);
}
static void b_queue_qsize(void *a)
{
    (void)a;
    got = rl_queue_qsize(NULL);
}
static void b_queue_task_done(void *a)
{
    (void)a;
    got = rl_queue_task_done(NULL);
}
static void b_queue_join(void *a)
{
    (void)a;
    rl_queue_join(NULL);
    got = 1;
}
static void b_alloc(void *a)
{
    (void)a;
    got = rl_alloc(RL_ALLOC_MAX + 1) == NULL;
}
/* Objects created in every call, as a student may do: the limit. */
static void b_objects(void *a)
{
    (void)a;
    long made = 0;
    for (int i = 0; i < 20000; i++)
        made += rl_lock_create("again") != NULL;
    got = made;
}
static void b_threads(void *a)
{
    (void)a;
    long made = 0;
    for (int i = 0; i < 300; i++)
        made += rl_thread_start(NULL, dummy, NULL) != NULL;
    got = made;
}
static void b_queue_create(void *a)
{
    (void)a;
    for (int i = 0; i < 16380; i++)
        rl_var_create("filler", 0);
    got = rl_queue_create("q", 2) == NULL;
}

#define NULLARG(fn, what)                                                      \
    "T0: bad argument (" fn ": the " what " is NULL, step 1)"

static const struct api_case cases[] = {
    {"rl_thread_start", b_thread_start, 1,
     NULLARG("rl_thread_start", "thread function")},
    {"rl_thread_join", b_thread_join, 1, NULLARG("rl_thread_join", "thread")},
    {"rl_load", b_load, 0, NULLARG("rl_load", "variable")},
    {"rl_store", b_store, 1, NULLARG("rl_store", "variable")},
    {"rl_fetch_add", b_fetch_add, 0, NULLARG("rl_fetch_add", "variable")},
    {"rl_var_peek", b_var_peek, 0, NULLARG("rl_var_peek", "variable")},
    {"rl_lock_acquire", b_lock_acquire, RL_ERR_ARG,
     NULLARG("rl_lock_acquire", "Lock")},
    {"rl_lock_try_acquire", b_lock_try_acquire, RL_ERR_ARG,
     NULLARG("rl_lock_try_acquire", "Lock")},
    {"rl_lock_acquire_timeout", b_lock_acquire_timeout, RL_ERR_ARG,
     NULLARG("rl_lock_acquire_timeout", "Lock")},
    {"rl_lock_release", b_lock_release, RL_ERR_ARG,
     NULLARG("rl_lock_release", "Lock")},
    {"rl_lock_locked", b_lock_locked, 0, NULLARG("rl_lock_locked", "Lock")},
    {"rl_semaphore_create", b_sem_create, 1,
     "T0: bad argument (rl_semaphore_create: initial value -1 < 0, step 1)"},
    {"rl_bounded_semaphore_create", b_bsem_create, 1,
     "T0: bad argument (rl_bounded_semaphore_create: initial value -2 < 0, "
     "step 1)"},
    {"rl_sem_acquire", b_sem_acquire, RL_ERR_ARG,
     NULLARG("rl_sem_acquire", "Semaphore")},
    {"rl_sem_try_acquire", b_sem_try_acquire, RL_ERR_ARG,
     NULLARG("rl_sem_try_acquire", "Semaphore")},
    {"rl_sem_acquire_timeout", b_sem_acquire_timeout, RL_ERR_ARG,
     NULLARG("rl_sem_acquire_timeout", "Semaphore")},
    {"rl_sem_release", b_sem_release, RL_ERR_ARG,
     NULLARG("rl_sem_release", "Semaphore")},
    {"rl_sem_value", b_sem_value, 0, NULLARG("rl_sem_value", "Semaphore")},
    {"rl_cond_lock", b_cond_lock, 1, NULLARG("rl_cond_lock", "Condition")},
    {"rl_cond_wait", b_cond_wait, RL_ERR_ARG,
     NULLARG("rl_cond_wait", "Condition")},
    {"rl_cond_wait_timeout", b_cond_wait_timeout, RL_ERR_ARG,
     NULLARG("rl_cond_wait_timeout", "Condition")},
    {"rl_cond_notify", b_cond_notify, RL_ERR_ARG,
     NULLARG("rl_cond_notify", "Condition")},
    {"rl_cond_notify_all", b_cond_notify_all, RL_ERR_ARG,
     NULLARG("rl_cond_notify_all", "Condition")},
    {"rl_event_set", b_event_set, 1, NULLARG("rl_event_set", "Event")},
    {"rl_event_clear", b_event_clear, 1, NULLARG("rl_event_clear", "Event")},
    {"rl_event_is_set", b_event_is_set, 0, NULLARG("rl_event_is_set", "Event")},
    {"rl_event_wait", b_event_wait, RL_ERR_ARG,
     NULLARG("rl_event_wait", "Event")},
    {"rl_event_wait_timeout", b_event_wait_timeout, RL_ERR_ARG,
     NULLARG("rl_event_wait_timeout", "Event")},
    {"rl_var_array_create", b_var_array_create, 1,
     "T0: bad argument (rl_var_array_create: 0 elements; an array needs at "
     "least 1, step 1)"},
    {"rl_lock_array_create", b_lock_array_create, 1,
     "T0: bad argument (rl_lock_array_create: -2 elements; an array needs at "
     "least 1, step 1)"},
    {"rl_barrier_create", b_barrier_create, 1,
     "T0: bad argument (rl_barrier_create: 0 parties; a Barrier needs at "
     "least 1, step 1)"},
    {"rl_barrier_wait", b_barrier_wait, -RL_ERR_ARG,
     NULLARG("rl_barrier_wait", "Barrier")},
    {"rl_barrier_wait_timeout", b_barrier_wait_timeout, -RL_ERR_ARG,
     NULLARG("rl_barrier_wait_timeout", "Barrier")},
    {"rl_queue_put", b_queue_put, RL_ERR_ARG, NULLARG("rl_queue_put", "Queue")},
    {"rl_queue_put_timeout", b_queue_put_timeout, RL_ERR_ARG,
     NULLARG("rl_queue_put_timeout", "Queue")},
    {"rl_queue_get", b_queue_get, RL_ERR_ARG, NULLARG("rl_queue_get", "Queue")},
    {"rl_queue_get_timeout", b_queue_get_timeout, RL_ERR_ARG,
     NULLARG("rl_queue_get_timeout", "Queue")},
    {"rl_queue_qsize", b_queue_qsize, 0, NULLARG("rl_queue_qsize", "Queue")},
    {"rl_queue_task_done", b_queue_task_done, RL_ERR_ARG,
     NULLARG("rl_queue_task_done", "Queue")},
    {"rl_queue_join", b_queue_join, 1, NULLARG("rl_queue_join", "Queue")},
    {"rl_alloc", b_alloc, 1,
     "T0: too many objects or threads in one run (rl_alloc: 67108865 bytes "
     "at once (at most 67108864), step 1)"},
    {"objects limit", b_objects, 16384,
     "T0: too many objects or threads in one run (rl_lock_create: the run's "
     "16384 objects are used up; create objects once, not in every call, "
     "step 1)"},
    {"threads limit", b_threads, 255,
     "T0: too many objects or threads in one run (rl_thread_start: the "
     "run's 256 threads are used up; start threads once, not in every call, "
     "step 764)"},
    {"rl_queue_create", b_queue_create, 1,
     "T0: too many objects or threads in one run (rl_var_create: the run's "
     "16384 objects are used up; create objects once, not in every call, "
     "step 1)"},
};

/* ---- the harness ------------------------------------------------------- */

static const struct api_case *current;

/* The program's setup: T0 runs the case's body. */
static void case_setup(void *ctx)
{
    (void)ctx;
    got = -12345;
    rl_thread_start(NULL, current->body, NULL);
}

/* Run the case on backend; the run ends (never aborts), the call returned
 * its error value, and "no misuse" failed with the message (on os without
 * the step number). */
static void run_case(const struct api_case *c, enum rl_backend backend)
{
    struct rl_run_config cfg = {0};
    char err[256], want[512];
    current = c;
    cfg.program.setup = case_setup;
    cfg.backend = backend;
    cfg.sched = (struct rl_sched){.kind = RL_SCHED_RR, .quantum = 1};
    cfg.max_steps = 100000;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    ck_assert_msg(got == c->want, "%s returned %ld, expected %ld", c->name, got,
                  c->want);
    snprintf(want, sizeof want, "%s", c->message);
    if (backend == RL_BACKEND_OS) {
        /* os records have no step numbers: drop ", step N" */
        char *step = strstr(want, ", step ");
        ck_assert_ptr_nonnull(step);
        char *close = strchr(step, ')');
        ck_assert_ptr_nonnull(close);
        memmove(step, close, strlen(close) + 1);
    }
    bool found = false;
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result r;
        rl_run_check(run, i, &r);
        if (strcmp(r.name, "no misuse") != 0)
            continue;
        found = true;
        ck_assert_msg(!r.ok, "%s: no misuse recorded", c->name);
        ck_assert_msg(strncmp(r.message, want, strlen(want)) == 0,
                      "%s: '%s', expected '%s'", c->name, r.message, want);
    }
    ck_assert(found);
    rl_run_destroy(run);
}

START_TEST(test_misuse_sim)
{
    run_case(&cases[_i], RL_BACKEND_SIM);
}
END_TEST

START_TEST(test_misuse_os)
{
    run_case(&cases[_i], RL_BACKEND_OS);
}
END_TEST

/* Outside a run (a constructor in a submission): an error, no abort. */
START_TEST(test_outside_a_run)
{
    ck_assert_ptr_null(rl_lock_create("l"));
    ck_assert_ptr_null(rl_var_create("v", 0));
    ck_assert_ptr_null(rl_thread_start(NULL, dummy, NULL));
    ck_assert_ptr_null(rl_alloc(16));
    ck_assert_int_eq(rl_lock_acquire(NULL), RL_ERR_ARG);
    rl_yield();
    rl_sleep_ms(1);
    rl_fail("x", "y");
    ck_assert_int_eq(rl_self(), -1);
    ck_assert_str_eq(rl_strerror(RL_ERR_LIMIT),
                     "too many objects or threads in one run");
}
END_TEST

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    int n = (int)(sizeof cases / sizeof cases[0]);
    TCase *tc = tcase_create("misuse");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, test_misuse_sim, 0, n);
    /* a blocking call, a value call and the limits on real threads too */
    tcase_add_loop_test(tc, test_misuse_os, 6, 11);
    tcase_add_loop_test(tc, test_misuse_os, n - 4, n - 2);
    /* (not the threads limit: on os, threads started by a lab thread
     * that never run leave the run abandoned, by design) */
    tcase_add_loop_test(tc, test_misuse_os, n - 1, n);
    tcase_add_test(tc, test_outside_a_run);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(api_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
