/* SPDX-License-Identifier: MIT */
/*
 * check_sim.c - the sim backend: exact traces, every primitive's semantics
 * and misuse errors, determinism, replay and divergence, deadlock reports,
 * virtual time and the step limit. The backend is deterministic, so every
 * assertion is exact.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/racelab.h"
#include "../../core/run.h"

/* ---- a tiny harness: run a setup under a scheduler, keep the trace ------ */

static char trace[1 << 16];
static size_t trace_len;

static void on_rec(void *ctx, const struct rl_run *run,
                   const struct rl_record *r)
{
    (void)ctx;
    char line[160];
    rl_record_text(run, r, line, sizeof(line));
    struct rl_thread_view v;
    rl_run_thread(run, r->thread, &v);
    trace_len += (size_t)snprintf(trace + trace_len, sizeof(trace) - trace_len,
                                  "%s %s\n", v.name, line);
}

static struct rl_run *make(void (*setup)(void *), struct rl_sched sched)
{
    trace_len = 0;
    trace[0] = '\0';
    struct rl_run_config cfg = {0};
    cfg.program.setup = setup;
    cfg.sched = sched;
    cfg.on_record = on_rec;
    char err[256];
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    return run;
}

static struct rl_sched rr(int q)
{
    return (struct rl_sched){.kind = RL_SCHED_RR, .quantum = q};
}

static struct rl_sched rnd(uint64_t seed)
{
    return (struct rl_sched){.kind = RL_SCHED_RANDOM, .seed = seed};
}

static struct rl_sched replay(const char *choices)
{
    return (struct rl_sched){.kind = RL_SCHED_REPLAY, .choices = choices};
}

static struct rl_sched manual(void)
{
    return (struct rl_sched){.kind = RL_SCHED_MANUAL};
}

/* The message of the check named name (fails the test if absent). */
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
    ck_abort_msg("no check named %s", name);
    return NULL;
}

static void step_to(struct rl_run *run, int tid)
{
    char err[160];
    ck_assert_msg(rl_run_step_thread(run, tid, err, sizeof(err)) == 0, "%s",
                  err);
}

/* ---- programs ------------------------------------------------------------- */

static rl_var *counter;
static rl_lock *L, *A, *B;
static int iters;

static void unsafe_body(void *arg)
{
    (void)arg;
    for (int i = 0; i < iters; i++) {
        long v = rl_load(counter);
        rl_store(counter, v + 1);
    }
}

static void locked_body(void *arg)
{
    (void)arg;
    for (int i = 0; i < iters; i++) {
        rl_lock_acquire(L);
        long v = rl_load(counter);
        rl_store(counter, v + 1);
        rl_lock_release(L);
    }
}

static void counter_setup(void *ctx)
{
    counter = rl_var_create("counter", 0);
    L = rl_lock_create("L");
    void (*body)(void *) = ctx ? locked_body : unsafe_body;
    rl_thread_start(NULL, body, NULL);
    rl_thread_start(NULL, body, NULL);
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

START_TEST(test_unsafe_counter_rr1_trace)
{
    iters = 2;
    struct rl_run *run = make(unsafe_setup, rr(1));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T1 start\n"
                            "T0 load counter -> 0\n"
                            "T1 load counter -> 0\n"
                            "T0 store counter <- 1\n"
                            "T1 store counter <- 1\n"
                            "T0 load counter -> 1\n"
                            "T1 load counter -> 1\n"
                            "T0 store counter <- 2\n"
                            "T0 finish\n"
                            "T1 store counter <- 2\n"
                            "T1 finish\n");
    ck_assert_int_eq(rl_var_peek(counter), 2);
    char ch[128];
    rl_run_choices(run, ch, sizeof(ch));
    ck_assert_str_eq(ch, "0.1.0.1.0.1.0.1.0");
    ck_assert_int_eq(rl_run_steps(run), 10);
    ck_assert_int_eq(rl_run_preemptions(run), 8);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_rr_quantum)
{
    iters = 2;
    struct rl_run *run = make(unsafe_setup, rr(3));
    rl_run_finish(run);
    char ch[128];
    rl_run_choices(run, ch, sizeof(ch));
    /* T0 runs 3 steps (start, load, store), then T1 three, ... */
    ck_assert_str_eq(ch, "0x3.1x3.0x2");
    /* Each increment fits in a quantum here: nothing is lost. */
    ck_assert_int_eq(rl_var_peek(counter), 4);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_same_seed_same_run)
{
    iters = 5;
    char first[sizeof(trace)];
    struct rl_run *run = make(unsafe_setup, rnd(42));
    rl_run_finish(run);
    strcpy(first, trace);
    rl_run_destroy(run);
    run = make(unsafe_setup, rnd(42));
    rl_run_finish(run);
    ck_assert_str_eq(trace, first);
    rl_run_destroy(run);
    /* Different seeds give different interleavings. */
    int differ = 0;
    for (uint64_t s = 1; s <= 10; s++) {
        run = make(unsafe_setup, rnd(s));
        rl_run_finish(run);
        differ += strcmp(trace, first) != 0;
        rl_run_destroy(run);
    }
    ck_assert_int_ge(differ, 9);
}
END_TEST

START_TEST(test_replay_reproduces_random_run)
{
    iters = 4;
    for (uint64_t seed = 0; seed < 50; seed++) {
        struct rl_run *run = make(unsafe_setup, rnd(seed));
        rl_run_finish(run);
        char first[sizeof(trace)], ch[512];
        strcpy(first, trace);
        rl_run_choices(run, ch, sizeof(ch));
        long final = rl_var_peek(counter);
        rl_run_destroy(run);
        run = make(unsafe_setup, replay(ch));
        ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
        ck_assert_str_eq(trace, first);
        ck_assert_int_eq(rl_var_peek(counter), final);
        rl_run_destroy(run);
    }
}
END_TEST

START_TEST(test_replay_divergence_messages)
{
    iters = 1;
    /* Thread 5 does not exist. */
    struct rl_run *run = make(unsafe_setup, replay("0.5"));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DIVERGED);
    char text[256];
    rl_run_end_text(run, text, sizeof(text));
    ck_assert_str_eq(text, "schedule diverges at step 2: there is no "
                           "thread 5");
    bool ok;
    ck_assert_str_eq(check_msg(run, "schedule replays", &ok), text);
    ck_assert(!ok);
    rl_run_destroy(run);
    /* The schedule runs out while two threads can run. */
    run = make(unsafe_setup, replay("0"));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DIVERGED);
    rl_run_end_text(run, text, sizeof(text));
    ck_assert_str_eq(text, "schedule diverges at step 2: the schedule ended "
                           "but 2 threads can still run");
    rl_run_destroy(run);
    /* Choices left over when the run ends. */
    run = make(unsafe_setup, replay("0x3.1x2")); /* T1 runs alone */
    ck_assert_int_eq(rl_run_finish(run), RL_END_DIVERGED);
    rl_run_end_text(run, text, sizeof(text));
    ck_assert_str_eq(text, "schedule diverges: the run finished at step 8 "
                           "but the schedule has 2 more choices");
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_locked_counter_never_loses)
{
    iters = 3;
    for (uint64_t seed = 0; seed < 300; seed++) {
        struct rl_run *run = make(locked_setup, rnd(seed));
        ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
        ck_assert_int_eq(rl_var_peek(counter), 6);
        ck_assert(rl_run_passed(run));
        rl_run_destroy(run);
    }
}
END_TEST

START_TEST(test_blocked_and_manual_errors)
{
    iters = 1;
    struct rl_run *run = make(locked_setup, manual());
    step_to(run, 0); /* T0 start */
    step_to(run, 0); /* T0 acquire L */
    step_to(run, 1); /* T1 start */
    step_to(run, 1); /* T1 acquire L: blocked */
    char err[160];
    ck_assert_int_eq(rl_run_step_thread(run, 1, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "T1 is blocked on L (held by T0)");
    ck_assert(!rl_run_thread_runnable(run, 1));
    ck_assert_int_eq(rl_run_step_thread(run, 7, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "there is no thread 7 (threads 0..1)");
    struct rl_obj_view ov;
    rl_run_object(run, rl_run_object_find(run, "L"), &ov);
    ck_assert_int_eq(ov.owner, 0);
    ck_assert_int_eq(ov.nwaiters, 1);
    ck_assert_int_eq(ov.waiters[0], 1);
    struct rl_thread_view tv;
    rl_run_thread(run, 1, &tv);
    ck_assert_int_eq(tv.state, RL_T_BLOCKED);
    ck_assert_int_eq(tv.holder, 0);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(rl_var_peek(counter), 2);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 acquire L\n"
                            "T1 start\n"
                            "T1 acquire L: blocked (held by T0)\n"
                            "T0 load counter -> 0\n"
                            "T0 store counter <- 1\n"
                            "T0 release L, wakes T1\n"
                            "T0 finish\n"
                            "T1 acquire L after waiting\n"
                            "T1 load counter -> 1\n"
                            "T1 store counter <- 2\n"
                            "T1 release L\n"
                            "T1 finish\n");
    rl_run_destroy(run);
}
END_TEST

static void order_a_b(void *arg)
{
    (void)arg;
    rl_lock_acquire(A);
    rl_lock_acquire(B);
    rl_lock_release(B);
    rl_lock_release(A);
}

static void order_b_a(void *arg)
{
    (void)arg;
    rl_lock_acquire(B);
    rl_lock_acquire(A);
    rl_lock_release(A);
    rl_lock_release(B);
}

static void inversion_setup(void *ctx)
{
    (void)ctx;
    A = rl_lock_create("A");
    B = rl_lock_create("B");
    rl_thread_start(NULL, order_a_b, NULL);
    rl_thread_start(NULL, order_b_a, NULL);
}

START_TEST(test_deadlock_cycle_report)
{
    struct rl_run *run = make(inversion_setup, rr(1));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DEADLOCK);
    char text[512];
    rl_run_end_text(run, text, sizeof(text));
    ck_assert_str_eq(text, "T0 holds A, waits for B (held by T1); "
                           "T1 holds B, waits for A (held by T0)\n"
                           "wait-for cycle: T0 -> T1 -> T0");
    bool ok;
    ck_assert_str_eq(check_msg(run, "no deadlock", &ok),
                     "deadlock: T0 holds A, waits for B (held by T1); "
                     "T1 holds B, waits for A (held by T0)");
    ck_assert(!ok);
    ck_assert(!rl_run_passed(run));
    rl_run_destroy(run);
    /* With a quantum of 4, T0 finishes first: no deadlock. */
    run = make(inversion_setup, rr(6));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- misuse ------------------------------------------------------------------- */

static int status[8];

static void double_release(void *arg)
{
    (void)arg;
    status[0] = rl_lock_acquire(L);
    status[1] = rl_lock_release(L);
    status[2] = rl_lock_release(L);
}

static void double_release_setup(void *ctx)
{
    (void)ctx;
    L = rl_lock_create("L");
    rl_thread_start(NULL, double_release, NULL);
}

START_TEST(test_lock_release_unlocked)
{
    struct rl_run *run = make(double_release_setup, rr(1));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(status[0], RL_OK);
    ck_assert_int_eq(status[1], RL_OK);
    ck_assert_int_eq(status[2], RL_ERR_UNLOCKED);
    ck_assert_str_eq(rl_strerror(status[2]), "release unlocked lock");
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 acquire L\n"
                            "T0 release L\n"
                            "T0 release L: error: release unlocked lock\n"
                            "T0 finish\n");
    bool ok;
    ck_assert_str_eq(check_msg(run, "no misuse", &ok),
                     "T0: release unlocked lock (Lock L, step 4)");
    ck_assert(!ok);
    rl_run_destroy(run);
}
END_TEST

static void acquirer(void *arg)
{
    (void)arg;
    status[0] = rl_lock_acquire(L);
}

static void releaser(void *arg)
{
    (void)arg;
    status[1] = rl_lock_release(L);
}

static void cross_release_setup(void *ctx)
{
    (void)ctx;
    L = rl_lock_create("L");
    rl_thread_start(NULL, acquirer, NULL);
    rl_thread_start(NULL, releaser, NULL);
}

START_TEST(test_lock_released_by_another_thread)
{
    /* A Lock is not owned: T1 may release what T0 acquired. */
    struct rl_run *run = make(cross_release_setup, rr(2));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(status[0], RL_OK);
    ck_assert_int_eq(status[1], RL_OK);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

static void rlock_nest(void *arg)
{
    (void)arg;
    status[0] = rl_lock_acquire(L);
    status[1] = rl_lock_acquire(L);
    rl_yield();
    status[2] = rl_lock_release(L);
    status[3] = rl_lock_release(L);
}

static void rlock_thief(void *arg)
{
    (void)arg;
    status[4] = rl_lock_release(L);
}

static void rlock_setup(void *ctx)
{
    (void)ctx;
    L = rl_rlock_create("R");
    rl_thread_start(NULL, rlock_nest, NULL);
    rl_thread_start(NULL, rlock_thief, NULL);
}

START_TEST(test_rlock_depth_and_owner)
{
    struct rl_run *run = make(rlock_setup, rr(4));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(status[i], RL_OK);
    ck_assert_int_eq(status[4], RL_ERR_NOT_OWNER);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 acquire R (depth 1)\n"
                            "T0 acquire R (depth 2)\n"
                            "T0 yield\n"
                            "T1 start\n"
                            "T1 release R: error: cannot release un-acquired "
                            "lock\n"
                            "T1 finish\n"
                            "T0 release R (depth 1)\n"
                            "T0 release R (depth 0)\n"
                            "T0 finish\n");
    bool ok;
    ck_assert_str_eq(check_msg(run, "no misuse", &ok),
                     "T1: cannot release un-acquired lock (RLock R, "
                     "step 6)");
    rl_run_destroy(run);
}
END_TEST

static rl_sem *S;

static void bsem_body(void *arg)
{
    (void)arg;
    status[0] = rl_sem_acquire(S);
    status[1] = rl_sem_release(S);
    status[2] = rl_sem_release(S);
    status[3] = (int)rl_sem_value(S);
}

static void bsem_setup(void *ctx)
{
    S = ctx ? rl_bounded_semaphore_create("S", 2)
            : rl_semaphore_create("S", 2);
    rl_thread_start(NULL, bsem_body, NULL);
}

START_TEST(test_bounded_semaphore_over_release)
{
    struct rl_run *run = make(bsem_setup, rr(1));
    rl_run_finish(run);
    ck_assert_int_eq(status[2], RL_OK); /* a plain Semaphore may grow */
    ck_assert_int_eq(status[3], 3);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);

    struct rl_run_config cfg = {0};
    cfg.program.setup = bsem_setup;
    cfg.program.ctx = (void *)1;
    cfg.sched = rr(1);
    cfg.on_record = on_rec;
    trace_len = 0;
    char err[128];
    run = rl_run_create(&cfg, err, sizeof(err));
    rl_run_finish(run);
    ck_assert_int_eq(status[2], RL_ERR_TOO_MANY);
    ck_assert_int_eq(status[3], 2);
    ck_assert_str_eq(rl_strerror(status[2]),
                     "Semaphore released too many times");
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 acquire S (2 -> 1)\n"
                            "T0 release S (1 -> 2)\n"
                            "T0 release S: error: Semaphore released too "
                            "many times\n"
                            "T0 finish\n");
    ck_assert(!rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- condition ------------------------------------------------------------------- */

static rl_cond *C;
static rl_var *item;

static void cond_misuse(void *arg)
{
    (void)arg;
    status[0] = rl_cond_wait(C);
    status[1] = rl_cond_notify(C);
    status[2] = rl_cond_notify_all(C);
}

static void cond_misuse_setup(void *ctx)
{
    (void)ctx;
    C = rl_cond_create("C", rl_lock_create("L"));
    rl_thread_start(NULL, cond_misuse, NULL);
}

START_TEST(test_condition_misuse)
{
    struct rl_run *run = make(cond_misuse_setup, rr(1));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(status[0], RL_ERR_WAIT_UNHELD);
    ck_assert_int_eq(status[1], RL_ERR_NOTIFY_UNHELD);
    ck_assert_int_eq(status[2], RL_ERR_NOTIFY_UNHELD);
    ck_assert_str_eq(rl_strerror(status[0]),
                     "cannot wait on un-acquired lock");
    ck_assert_str_eq(rl_strerror(status[1]),
                     "cannot notify on un-acquired lock");
    bool ok;
    ck_assert_str_eq(check_msg(run, "no misuse", &ok),
                     "T0: cannot wait on un-acquired lock (Condition C, "
                     "step 2) (and 2 more)");
    rl_run_destroy(run);
}
END_TEST

static void consumer(void *arg)
{
    (void)arg;
    rl_lock *l = rl_cond_lock(C);
    rl_lock_acquire(l);
    rl_lock_acquire(l); /* an RLock at depth 2 */
    while (rl_load(item) == 0)
        rl_cond_wait(C);
    status[rl_self()] = (int)rl_load(item);
    rl_store(item, 0);
    rl_lock_release(l);
    rl_lock_release(l);
}

static void producer(void *arg)
{
    (void)arg;
    rl_lock *l = rl_cond_lock(C);
    for (int i = 1; i <= 2; i++) {
        rl_lock_acquire(l);
        while (rl_load(item) != 0) {
            rl_lock_release(l);
            rl_yield();
            rl_lock_acquire(l);
        }
        rl_store(item, 10 * i);
        rl_cond_notify(C);
        rl_lock_release(l);
    }
}

static void handoff_setup(void *ctx)
{
    (void)ctx;
    C = rl_cond_create("C", NULL); /* an RLock, as in Python */
    item = rl_var_create("item", 0);
    rl_thread_start(NULL, consumer, NULL);
    rl_thread_start(NULL, consumer, NULL);
    rl_thread_start(NULL, producer, NULL);
}

START_TEST(test_condition_handoff_all_seeds)
{
    for (uint64_t seed = 0; seed < 200; seed++) {
        status[0] = status[1] = -1;
        struct rl_run *run = make(handoff_setup, rnd(seed));
        ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
        ck_assert(rl_run_passed(run));
        ck_assert_int_eq(status[0] + status[1], 30);
        ck_assert_int_ne(status[0], status[1]);
        /* The RLock depth 2 was restored after each wait. */
        ck_assert_msg(strstr(trace, "notified, re-acquired C.lock") ||
                          !strstr(trace, "wait C (releases C.lock)"),
                      "a wait never completed");
        rl_run_destroy(run);
    }
}
END_TEST

static void waiter(void *arg)
{
    (void)arg;
    rl_lock_acquire(L);
    rl_cond_wait(C);
    status[rl_self()] = 1;
    rl_lock_release(L);
}

static void notifier(void *arg)
{
    (void)arg;
    rl_lock_acquire(L);
    rl_cond_notify(C);
    rl_lock_release(L);
    rl_yield();
    rl_lock_acquire(L);
    rl_cond_notify(C);
    rl_lock_release(L);
}

static void notify_setup(void *ctx)
{
    (void)ctx;
    L = rl_lock_create("L");
    C = rl_cond_create("C", L);
    rl_thread_start(NULL, waiter, NULL);
    rl_thread_start(NULL, waiter, NULL);
    rl_thread_start(NULL, notifier, NULL);
}

START_TEST(test_notify_choice_is_recorded_and_replayed)
{
    /* T0 and T1 wait (six choices), then T2 runs alone until its notify,
     * which has two waiters: a choice. FIFO (round robin) wakes T0; the
     * schedule can pick T1 instead. */
    struct rl_sched rc = replay("0x3.1x3.1");
    rc.replay_continue = true;
    struct rl_run *run = make(notify_setup, rc);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_msg(strstr(trace, "T2 notify C (wakes T1)\n") != NULL, "%s",
                  trace);
    char got[128], first[sizeof(trace)];
    rl_run_choices(run, got, sizeof(got));
    strcpy(first, trace);
    rl_run_destroy(run);
    run = make(notify_setup, replay(got));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_str_eq(trace, first);
    rl_run_destroy(run);
    run = make(notify_setup, rr(3));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_msg(strstr(trace, "T2 notify C (wakes T0)\n") != NULL, "%s",
                  trace);
    rl_run_choices(run, got, sizeof(got));
    ck_assert_str_eq(got, "0x3.1x3.0x2.2x2.0.2.0x2");
    rl_run_destroy(run);
    /* A schedule that picks a blocked thread diverges, naming why. */
    run = make(notify_setup, replay("0x3.0"));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DIVERGED);
    char text[200];
    rl_run_end_text(run, text, sizeof(text));
    ck_assert_str_eq(text, "schedule diverges at step 4: T0 is blocked on C");
    rl_run_destroy(run);
}
END_TEST

static void timed_waiter(void *arg)
{
    (void)arg;
    rl_lock_acquire(L);
    status[0] = rl_cond_wait_timeout(C, 50);
    status[1] = rl_lock_locked(L);
    rl_lock_release(L);
    status[2] = rl_lock_try_acquire(L);
    status[3] = rl_lock_acquire_timeout(L, 20); /* held by me: times out */
}

static void timed_setup(void *ctx)
{
    (void)ctx;
    L = rl_lock_create("L");
    C = rl_cond_create("C", L);
    rl_thread_start(NULL, timed_waiter, NULL);
}

START_TEST(test_timeouts_use_virtual_time)
{
    struct rl_run *run = make(timed_setup, rr(1));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(status[0], RL_TIMEOUT);
    ck_assert_int_eq(status[1], 1);
    ck_assert_int_eq(status[2], RL_OK);
    ck_assert_int_eq(status[3], RL_TIMEOUT);
    ck_assert_int_eq(rl_run_now(run), 70);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 acquire L\n"
                            "T0 wait C (releases L)\n"
                            "T0 wait C: timed out, re-acquired L\n"
                            "T0 release L\n"
                            "T0 try-acquire L\n"
                            "T0 acquire L: blocked (held by T0)\n"
                            "T0 acquire L: timed out\n"
                            "T0 finish\n");
    rl_run_destroy(run);
}
END_TEST

/* Manual stepping may pick a thread blocked in a timed wait: its timeout
 * fires then, while another thread can still run. */
static rl_event *G;

static void gated_waiter(void *arg)
{
    (void)arg;
    rl_lock_acquire(L);
    status[0] = rl_cond_wait_timeout(C, 50);
    rl_lock_release(L);
    rl_event_set(G);
}

static void gate_waiter(void *arg)
{
    (void)arg;
    status[1] = rl_event_wait(G);
}

static void busy(void *arg)
{
    (void)arg;
    rl_yield();
    rl_yield();
}

static void gated_setup(void *ctx)
{
    (void)ctx;
    L = rl_lock_create("L");
    C = rl_cond_create("C", L);
    G = rl_event_create("G");
    rl_thread_start(NULL, gated_waiter, NULL);
    rl_thread_start(NULL, gate_waiter, NULL);
    rl_thread_start(NULL, busy, NULL);
}

START_TEST(test_manual_pick_fires_timeout)
{
    struct rl_run *run = make(gated_setup, manual());
    char err[160], text[64];
    step_to(run, 0); /* T0 start */
    step_to(run, 0); /* T0 acquire L */
    step_to(run, 0); /* T0 wait C, up to 50 ms */
    step_to(run, 1); /* T1 start */
    step_to(run, 1); /* T1 wait G: blocked, no timeout */
    ck_assert(!rl_run_thread_runnable(run, 0));
    ck_assert_int_eq(rl_run_step_thread(run, 1, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "T1 is blocked on G");
    /* T2 could run; T0's timeout fires instead. */
    ck_assert_int_eq(rl_run_now(run), 0);
    ck_assert_int_eq(rl_run_step_thread(run, 0, err, sizeof(err)), 0);
    ck_assert_int_eq(status[0], RL_TIMEOUT);
    ck_assert_int_eq(rl_run_now(run), 50);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(status[1], RL_OK);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 acquire L\n"
                            "T0 wait C (releases L)\n"
                            "T1 start\n"
                            "T1 wait G: blocked (not set)\n"
                            "T0 wait C: timed out, re-acquired L\n"
                            "T2 start\n"
                            "T0 release L\n"
                            "T2 yield\n"
                            "T0 set G (wakes 1)\n"
                            "T0 finish\n"
                            "T1 wait G: set, wakes\n"
                            "T1 finish\n"
                            "T2 yield\n"
                            "T2 finish\n");
    /* The same run again from its schedule string: T0's timeout at the
     * sixth choice is a pick of T0. */
    rl_run_choices(run, text, sizeof(text));
    ck_assert_str_eq(text, "0x3.1x2.0.2.0.2.0.1");
    static char first[sizeof(trace)];
    memcpy(first, trace, sizeof(trace));
    rl_run_destroy(run);
    status[0] = status[1] = -99;
    run = make(gated_setup, replay(text));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(status[0], RL_TIMEOUT);
    ck_assert_int_eq(rl_run_now(run), 50);
    ck_assert_str_eq(trace, first);
    rl_run_destroy(run);
    /* Cut before that choice, the replay says what was left to choose. */
    run = make(gated_setup, replay("0x3.1x2"));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DIVERGED);
    char msg[200];
    rl_run_end_text(run, msg, sizeof(msg));
    ck_assert_str_eq(msg, "schedule diverges at step 6: the schedule ended "
                          "but T2 can still run and 1 timed wait can time "
                          "out");
    rl_run_destroy(run);
}
END_TEST

/* ---- event, barrier, join, sleep ---------------------------------------------------- */

static rl_event *E;
static rl_barrier *W;

static void event_waiter(void *arg)
{
    (void)arg;
    status[0] = rl_event_wait_timeout(E, 5);
    status[1] = rl_event_wait(E);
    status[2] = rl_event_is_set(E);
}

static void event_setter(void *arg)
{
    (void)arg;
    rl_sleep_ms(10);
    rl_event_set(E);
}

static void event_setup(void *ctx)
{
    (void)ctx;
    E = rl_event_create("E");
    rl_thread_start(NULL, event_waiter, NULL);
    rl_thread_start(NULL, event_setter, NULL);
}

START_TEST(test_event_and_sleep)
{
    struct rl_run *run = make(event_setup, rr(1));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(status[0], RL_TIMEOUT);
    ck_assert_int_eq(status[1], RL_OK);
    ck_assert_int_eq(status[2], 1);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T1 start\n"
                            "T0 wait E: blocked (not set)\n"
                            "T1 sleep 10 ms\n"
                            "T0 wait E: timed out\n"
                            "T0 wait E: blocked (not set)\n"
                            "T1 wake up (t=10 ms)\n"
                            "T1 set E (wakes 1)\n"
                            "T1 finish\n"
                            "T0 wait E: set, wakes\n"
                            "T0 is_set E -> true\n"
                            "T0 finish\n");
    rl_run_destroy(run);
}
END_TEST

static int idx_seen[3][2];

static void barrier_body(void *arg)
{
    (void)arg;
    for (int round = 0; round < 2; round++)
        idx_seen[rl_self()][round] = rl_barrier_wait(W);
}

static void barrier_setup(void *ctx)
{
    (void)ctx;
    W = rl_barrier_create("W", 3);
    for (int i = 0; i < 3; i++)
        rl_thread_start(NULL, barrier_body, NULL);
}

START_TEST(test_barrier_rounds)
{
    for (uint64_t seed = 0; seed < 100; seed++) {
        struct rl_run *run = make(barrier_setup, rnd(seed));
        ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
        for (int round = 0; round < 2; round++) {
            int mask = 0;
            for (int t = 0; t < 3; t++)
                mask |= 1 << idx_seen[t][round];
            ck_assert_int_eq(mask, 7); /* indices 0, 1, 2 once each */
        }
        rl_run_destroy(run);
    }
}
END_TEST

static void barrier_timeout_body(void *arg)
{
    status[rl_self()] = rl_barrier_wait_timeout(W, arg ? 5 : -1);
}

static void barrier_timeout_setup(void *ctx)
{
    (void)ctx;
    W = rl_barrier_create("W", 3);
    rl_thread_start(NULL, barrier_timeout_body, NULL);
    rl_thread_start(NULL, barrier_timeout_body, (void *)1);
}

START_TEST(test_barrier_timeout_breaks)
{
    struct rl_run *run = make(barrier_timeout_setup, rr(1));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(status[0], -RL_ERR_BROKEN);
    ck_assert_int_eq(status[1], -RL_ERR_BROKEN);
    ck_assert_str_eq(rl_strerror(RL_ERR_BROKEN), "BrokenBarrierError");
    rl_run_destroy(run);
}
END_TEST

static rl_thread *worker_t;

static void joined(void *arg)
{
    (void)arg;
    rl_store(counter, 7);
}

static void joiner(void *arg)
{
    (void)arg;
    rl_thread_join(worker_t);
    status[0] = (int)rl_load(counter);
}

static void join_setup(void *ctx)
{
    (void)ctx;
    counter = rl_var_create("counter", 0);
    rl_thread_start("joiner", joiner, NULL);
    worker_t = rl_thread_start("worker", joined, NULL);
}

START_TEST(test_join)
{
    struct rl_run *run = make(join_setup, rr(1));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(status[0], 7);
    ck_assert_str_eq(trace, "joiner start\n"
                            "worker start\n"
                            "joiner join worker: blocked\n"
                            "worker store counter <- 7\n"
                            "worker finish\n"
                            "joiner join worker\n"
                            "joiner load counter -> 7\n"
                            "joiner finish\n");
    rl_run_destroy(run);
}
END_TEST

static void never_set_waiter(void *arg)
{
    (void)arg;
    rl_event_wait(E);
}

static void never_set_setup(void *ctx)
{
    (void)ctx;
    E = rl_event_create("gate");
    rl_thread_start("W0", never_set_waiter, NULL);
    rl_thread_start("W1", never_set_waiter, NULL);
}

START_TEST(test_deadlock_without_cycle)
{
    struct rl_run *run = make(never_set_setup, rr(1));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DEADLOCK);
    char text[256];
    size_t n = rl_run_end_text(run, text, sizeof(text));
    ck_assert_str_eq(text, "W0 waits for gate to be set; W1 waits for gate "
                           "to be set");
    ck_assert_uint_eq(n, strlen(text));
    rl_run_destroy(run);
}
END_TEST

static void spinner(void *arg)
{
    (void)arg;
    for (;;)
        rl_yield();
}

static void spin_setup(void *ctx)
{
    (void)ctx;
    rl_thread_start(NULL, spinner, NULL);
}

START_TEST(test_step_limit)
{
    struct rl_run_config cfg = {0};
    cfg.program.setup = spin_setup;
    cfg.sched = rr(1);
    cfg.max_steps = 100;
    char err[128];
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_int_eq(rl_run_finish(run), RL_END_STEP_LIMIT);
    ck_assert_int_eq(rl_run_steps(run), 100);
    bool ok;
    ck_assert_str_eq(check_msg(run, "finishes", &ok),
                     "did not finish: stopped at the step limit (100 "
                     "steps); an infinite loop, or a thread spinning? "
                     "(--max-steps raises the limit)");
    ck_assert(!ok);
    rl_run_destroy(run);
}
END_TEST

static void fail_body(void *arg)
{
    (void)arg;
    rl_yield();
    rl_fail("invariant", "%d inside at once", 2);
    rl_fail("invariant", "%d inside at once", 3);
}

static void fail_setup(void *ctx)
{
    (void)ctx;
    rl_thread_start(NULL, fail_body, NULL);
}

START_TEST(test_rl_fail_during_run)
{
    struct rl_run *run = make(fail_setup, rr(1));
    /* The run ends with the step of the failure (which here is also the
     * thread's last). */
    ck_assert_int_eq(rl_run_finish(run), RL_END_FAILED);
    bool ok;
    ck_assert_str_eq(check_msg(run, "invariant", &ok),
                     "2 inside at once (step 3)");
    ck_assert(!ok);
    ck_assert_str_eq(trace, "T0 start\nT0 yield\nT0 check failed: "
                            "invariant\nT0 check failed: invariant\n"
                            "T0 finish\n");
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_pct_deterministic_and_varied)
{
    iters = 3;
    char first[4096];
    int lost = 0;
    for (uint64_t seed = 0; seed < 50; seed++) {
        struct rl_sched p = {.kind = RL_SCHED_PCT, .seed = seed, .depth = 2,
                             .pct_steps = 14};
        struct rl_run *run = make(unsafe_setup, p);
        rl_run_finish(run);
        lost += rl_var_peek(counter) < 6;
        strcpy(first, trace);
        rl_run_destroy(run);
        run = make(unsafe_setup, p);
        rl_run_finish(run);
        ck_assert_str_eq(trace, first);
        rl_run_destroy(run);
    }
    /* Depth 2 finds the lost update in a fair share of runs. */
    ck_assert_int_ge(lost, 5);
}
END_TEST

/* Without an estimate, PCT measures the run first (one round-robin run):
 * the same as giving that length by hand. */
START_TEST(test_pct_measures_its_run)
{
    iters = 3;
    char measured[4096];
    struct rl_sched p = {.kind = RL_SCHED_PCT, .seed = 5, .depth = 3};
    struct rl_run *run = make(unsafe_setup, p);
    rl_run_finish(run);
    strcpy(measured, trace);
    rl_run_destroy(run);
    /* unsafe-counter, 2 threads x 3 under rr:1: 16 records. */
    p.pct_steps = 16;
    run = make(unsafe_setup, p);
    rl_run_finish(run);
    ck_assert_str_eq(trace, measured);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_create_errors)
{
    struct rl_run_config cfg = {0};
    char err[128];
    ck_assert_ptr_null(rl_run_create(&cfg, err, sizeof(err)));
    ck_assert_str_eq(err, "the program has no setup");
    cfg.program.setup = unsafe_setup;
    cfg.sched = replay("0xx");
    ck_assert_ptr_null(rl_run_create(&cfg, err, sizeof(err)));
    ck_assert_str_eq(err, "schedule string: bad choice '0xx' at item 1 "
                          "(expected THREAD or THREADxCOUNT, e.g. 0x3)");
}
END_TEST

static Suite *sim_suite(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("sim");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_unsafe_counter_rr1_trace);
    tcase_add_test(tc, test_rr_quantum);
    tcase_add_test(tc, test_same_seed_same_run);
    tcase_add_test(tc, test_replay_reproduces_random_run);
    tcase_add_test(tc, test_replay_divergence_messages);
    tcase_add_test(tc, test_locked_counter_never_loses);
    tcase_add_test(tc, test_blocked_and_manual_errors);
    tcase_add_test(tc, test_deadlock_cycle_report);
    tcase_add_test(tc, test_deadlock_without_cycle);
    tcase_add_test(tc, test_lock_release_unlocked);
    tcase_add_test(tc, test_lock_released_by_another_thread);
    tcase_add_test(tc, test_rlock_depth_and_owner);
    tcase_add_test(tc, test_bounded_semaphore_over_release);
    tcase_add_test(tc, test_condition_misuse);
    tcase_add_test(tc, test_condition_handoff_all_seeds);
    tcase_add_test(tc, test_notify_choice_is_recorded_and_replayed);
    tcase_add_test(tc, test_timeouts_use_virtual_time);
    tcase_add_test(tc, test_manual_pick_fires_timeout);
    tcase_add_test(tc, test_event_and_sleep);
    tcase_add_test(tc, test_barrier_rounds);
    tcase_add_test(tc, test_barrier_timeout_breaks);
    tcase_add_test(tc, test_join);
    tcase_add_test(tc, test_step_limit);
    tcase_add_test(tc, test_rl_fail_during_run);
    tcase_add_test(tc, test_pct_deterministic_and_varied);
    tcase_add_test(tc, test_pct_measures_its_run);
    tcase_add_test(tc, test_create_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sim_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
