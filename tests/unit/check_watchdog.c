/* SPDX-License-Identifier: MIT */
/*
 * check_watchdog.c - the sim watchdog (core/watchdog.h): a thread over its
 * CPU budget is stopped at its next safe point with an exact message; a
 * thread that never reaches one ends the process cleanly (hook, one line,
 * exit 1) instead of being switched out of a signal handler; the verdict
 * depends on CPU time only, so a CPU hog pinned beside the run changes
 * nothing; and 1,000 kills at random points of malloc / free, printf and
 * tight loops never crash.
 *
 * Budgets here are small (tens of ms of CPU) so that the suite stays fast;
 * the kernel's CPU timers tick at its HZ (4 ms at 250 Hz), so every
 * margin below is several ticks wide.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../core/racelab.h"
#include "../../core/run.h"
#include "../../core/watchdog.h"

#define WHY                                                                    \
    " of CPU time without a racelab call (an endless loop over plain C "       \
    "variables? sim switches threads only at racelab calls, so use "           \
    "rl_load / rl_store, a Lock or an Event)"

/* CPU time of the calling thread, in ms. */
static double cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Burn ms of the calling thread's CPU time (not wall time). */
static void burn_ms(double ms)
{
    double until = cpu_ms() + ms;
    volatile unsigned long x = 0;

    while (cpu_ms() < until)
        for (int i = 0; i < 1000; i++)
            x++;
}

/* The message of check "finishes", or NULL. */
static const char *finish_msg(struct rl_run *run)
{
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result c;

        rl_run_check(run, i, &c);
        if (strcmp(c.name, "finishes") == 0)
            return c.message;
    }
    return NULL;
}

/* Create a sim run of setup under rr:1; the caller destroys it. */
static struct rl_run *make(void (*setup)(void *), void *ctx)
{
    struct rl_run_config cfg = {0};
    char err[256];
    struct rl_run *run;

    cfg.program.setup = setup;
    cfg.program.ctx = ctx;
    cfg.sched = (struct rl_sched){.kind = RL_SCHED_RR, .quantum = 1};
    run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    return run;
}

/* ---- stopped at a safe point ------------------------------------------ */

static rl_var *shared;

/* Stores 1, computes for 300 ms of CPU, then stores 2: its second store
 * is the safe point where a 100 ms budget stops it. The margin is wide
 * because the kernel checks a CPU-time timer only at a clock tick that
 * finds the thread on a CPU: on a busy machine the count lags the CPU
 * time (up to 50 ms seen at load 15 on 2 cores). */
static void slow_step(void *arg)
{
    (void)arg;
    rl_store(shared, 1);
    burn_ms(300);
    rl_store(shared, 2);
}

static void slow_setup(void *ctx)
{
    (void)ctx;
    shared = rl_var_create("x", 0);
    rl_thread_start(NULL, slow_step, NULL);
}

/* Stores 1, then 2: a run that should simply finish. */
static void quick_body(void *arg)
{
    (void)arg;
    rl_store(shared, 1);
    rl_store(shared, 2);
}

static void quick_setup(void *ctx)
{
    (void)ctx;
    shared = rl_var_create("x", 0);
    rl_thread_start(NULL, quick_body, NULL);
}

START_TEST(test_overrun_stopped_at_next_call)
{
    struct rl_run *run;

    ck_assert_int_eq(rl_watchdog_start_with(10, 100, 60000), 0);
    run = make(slow_setup, NULL);
    ck_assert_int_eq(rl_run_finish(run), RL_END_TIMEOUT);
    ck_assert_str_eq(finish_msg(run),
                     "did not finish: T0 ran for 100 ms" WHY "; stopped");
    /* The first store happened, the second never did. */
    ck_assert_int_eq(rl_var_peek(shared), 1);
    rl_run_destroy(run);
    rl_watchdog_stop();
}
END_TEST

/* Allocates in a loop and never makes a scheduling call: rl_alloc is the
 * safe point. */
static void alloc_loop(void *arg)
{
    (void)arg;
    rl_store(shared, 1);
    for (;;) {
        burn_ms(1);
        (void)rl_alloc(64);
    }
}

static void alloc_setup(void *ctx)
{
    (void)ctx;
    shared = rl_var_create("x", 0);
    rl_thread_start(NULL, alloc_loop, NULL);
}

START_TEST(test_alloc_is_a_safe_point)
{
    struct rl_run *run;

    ck_assert_int_eq(rl_watchdog_start_with(10, 50, 60000), 0);
    run = make(alloc_setup, NULL);
    ck_assert_int_eq(rl_run_finish(run), RL_END_TIMEOUT);
    ck_assert_str_eq(finish_msg(run),
                     "did not finish: T0 ran for 50 ms" WHY "; stopped");
    rl_run_destroy(run);
    /* The process is whole: another run on the same thread works. */
    run = make(quick_setup, NULL);
    rl_watchdog_stop();
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(rl_var_peek(shared), 2);
    rl_run_destroy(run);
}
END_TEST

/* ---- CPU time, not the wall clock --------------------------------------- */

/* Pin the calling process to one CPU. */
static void pin_cpu(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    ck_assert_int_eq(sched_setaffinity(0, sizeof set, &set), 0);
}

/* Fork a process that spins on the same CPU as the test. */
static pid_t hog_start(void)
{
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        volatile unsigned long x = 0;

        for (;;)
            x++;
    }
    return pid;
}

static void hog_stop(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* Three steps of 40 ms of CPU each: within a 100 ms budget however long
 * the wall clock says they took. */
static void busy_steps(void *arg)
{
    (void)arg;
    for (int i = 1; i <= 3; i++) {
        burn_ms(40);
        rl_store(shared, i);
    }
}

static void busy_setup(void *ctx)
{
    (void)ctx;
    shared = rl_var_create("x", 0);
    rl_thread_start(NULL, busy_steps, NULL);
}

START_TEST(test_hog_beside_changes_nothing)
{
    struct timespec a, b;
    struct rl_run *run;
    pid_t hog;

    pin_cpu(0);
    hog = hog_start();
    ck_assert_int_eq(rl_watchdog_start_with(10, 100, 60000), 0);
    /* A correct thread that computes between calls is not stopped. */
    clock_gettime(CLOCK_MONOTONIC, &a);
    run = make(busy_setup, NULL);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(rl_var_peek(shared), 3);
    clock_gettime(CLOCK_MONOTONIC, &b);
    rl_run_destroy(run);
    /* A runaway loop is stopped with the same message as on an idle
     * machine. */
    run = make(alloc_setup, NULL);
    ck_assert_int_eq(rl_run_finish(run), RL_END_TIMEOUT);
    ck_assert_str_eq(finish_msg(run),
                     "did not finish: T0 ran for 100 ms" WHY "; stopped");
    rl_run_destroy(run);
    rl_watchdog_stop();
    hog_stop(hog);
    /* Not an assertion (the scheduler decides), a note in the log: the
     * correct run took longer on the wall clock than the whole budget. */
    printf("busy run: %.0f ms wall for 120 ms of CPU beside a hog\n",
           (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
}
END_TEST

/* ---- the last resort ---------------------------------------------------- */

/* Never reaches a safe point. */
static void tight_loop(void *arg)
{
    volatile unsigned long x = 0;

    (void)arg;
    rl_store(shared, 1);
    for (;;)
        x++;
}

static void tight_setup(void *ctx)
{
    (void)ctx;
    shared = rl_var_create("x", 0);
    rl_thread_start("spinner", tight_loop, NULL);
}

static void test_hook(const char *why)
{
    (void)why;
    static const char msg[] = "hook ran\n";

    (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
}

/* Run fn in a child with its stderr captured in out; returns the wait
 * status. */
static int in_child(void (*fn)(void), char *out, size_t len)
{
    int fds[2];
    pid_t pid;
    size_t got = 0;
    int status;

    ck_assert_int_eq(pipe(fds), 0);
    fflush(NULL);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        fn();
        _exit(99);
    }
    close(fds[1]);
    for (;;) {
        ssize_t n = read(fds[0], out + got, len - 1 - got);

        if (n > 0)
            got += (size_t)n;
        else if (n == 0 || errno != EINTR || got == len - 1)
            break;
    }
    out[got] = '\0';
    close(fds[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

/* In the child: the tight loop under a 30 + 30 ms budget. */
static void hard_child(void)
{
    struct rl_run *run;

    rl_watchdog_set_exit_hook(test_hook);
    if (rl_watchdog_start_with(10, 30, 30) != 0)
        _exit(98);
    run = make(tight_setup, NULL);
    rl_run_finish(run);
}

START_TEST(test_no_safe_point_ends_the_process)
{
    char out[1024];
    int status = in_child(hard_child, out, sizeof out);

    ck_assert_msg(WIFEXITED(status), "the child died of signal %d",
                  WTERMSIG(status));
    ck_assert_int_eq(WEXITSTATUS(status), RL_WATCHDOG_EXIT_STATUS);
    ck_assert_str_eq(out, "hook ran\nracelab: did not finish: spinner ran "
                          "for 60 ms" WHY "; such a loop cannot be stopped "
                          "safely, so racelab ends\n");
}
END_TEST

/* ---- 1,000 kills at random points --------------------------------------- */

/* What the student loop does between ticks. */
enum loop_kind { LOOP_MALLOC, LOOP_PRINTF, LOOP_TIGHT, LOOP_SAFE, LOOP__N };

static enum loop_kind kill_kind;
static unsigned kill_seed;
static pid_t kill_tid;
static atomic_bool kill_done;
static atomic_bool kill_looping; /* the student loop has begun */

/* The student loop: never a scheduling call; LOOP_SAFE allocates through
 * rl_alloc now and then, a safe point. */
static void student_loop(void *arg)
{
    unsigned r = kill_seed;
    volatile unsigned long x = 0;

    (void)arg;
    rl_store(shared, 1);
    atomic_store(&kill_looping, true);
    for (unsigned long i = 0;; i++) {
        r = r * 1103515245u + 12345u;
        switch (kill_kind) {
        case LOOP_MALLOC: {
            char *p = malloc(1 + (r >> 8) % 4096);

            p[0] = 1;
            if (r & 0x100) {
                char *q = realloc(p, 1 + (r >> 12) % 65536);

                p = q ? q : p;
            }
            free(p);
            break;
        }
        case LOOP_PRINTF:
            printf("%lu %u %s\n", i, r, "a line of student output");
            break;
        case LOOP_TIGHT:
            x++;
            break;
        default:
            free(malloc(1 + (r >> 8) % 512));
            if (i % 64 == 0)
                (void)rl_alloc(16);
            break;
        }
    }
}

static void student_setup(void *ctx)
{
    (void)ctx;
    shared = rl_var_create("x", 0);
    rl_thread_start(NULL, student_loop, NULL);
}

/* Sends the watchdog's signal to the fiber thread at random moments of
 * the student loop, hundreds of times faster than the kernel's CPU ticks
 * would. (A tick during the thread's first step would stop it at its
 * first call, a safe point: not what this test is about.) */
static void *ticker(void *arg)
{
    unsigned r = kill_seed ^ 0x9e3779b9u;
    struct timespec poll = {0, 20000};

    (void)arg;
    while (!atomic_load(&kill_looping) && !atomic_load(&kill_done))
        nanosleep(&poll, NULL);
    while (!atomic_load(&kill_done)) {
        struct timespec ts;

        r = r * 1103515245u + 12345u;
        ts.tv_sec = 0;
        ts.tv_nsec = (long)((r >> 8) % 300) * 1000;
        nanosleep(&ts, NULL);
        if (!atomic_load(&kill_done))
            syscall(SYS_tgkill, getpid(), kill_tid, RL_WATCHDOG_SIGNAL);
    }
    return NULL;
}

/* In the child: one kill. Exit status 1 from the last resort, or 0 after
 * a stop at a safe point followed by a healthy run. */
static void kill_child(void)
{
    pthread_t th;
    struct rl_run *run;
    int ok;

    if (!freopen("/dev/null", "w", stdout))
        _exit(97);
    /* One tick (1 ms of CPU, from the step's first signal) is the whole
     * budget and one more the grace, so the ticker's signals end the
     * process at a random point; a LOOP_SAFE thread has all the grace it
     * needs to meet rl_alloc. */
    kill_tid = (pid_t)syscall(SYS_gettid);
    if (rl_watchdog_start_with(1, 1, kill_kind == LOOP_SAFE ? 1000000 : 1))
        _exit(98);
    if (pthread_create(&th, NULL, ticker, NULL) != 0)
        _exit(96);
    run = make(student_setup, NULL);
    ok = rl_run_finish(run) == RL_END_TIMEOUT;
    atomic_store(&kill_done, true);
    pthread_join(th, NULL);
    rl_run_destroy(run);
    rl_watchdog_stop();
    if (!atomic_load(&kill_looping)) {
        /* The timer's own tick came in the thread's first step (likelier
         * under a sanitizer) and stopped it at its first call, before
         * the loop and the ticker: not a kill at a random point. */
        fprintf(stderr, "before the loop\n");
        _exit(ok ? 0 : 95);
    }
    /* malloc and stdio still work after the stop. */
    run = make(quick_setup, NULL);
    rl_run_finish(run);
    ok = ok && rl_var_peek(shared) == 2;
    rl_run_destroy(run);
    fprintf(stderr, "stopped\n");
    _exit(ok ? 0 : 95);
}

START_TEST(test_thousand_random_kills)
{
    static const char last[] = "racelab: did not finish: T0 ran for ";
    char out[1024];
    int counts[LOOP__N] = {0}, early = 0;
    unsigned seed = 0;

    for (int i = 0; i < 1000; i++) {
        int status;

        kill_kind = (enum loop_kind)(i % LOOP__N);
        kill_seed = seed++ * 2654435761u;
        status = in_child(kill_child, out, sizeof out);
        ck_assert_msg(WIFEXITED(status), "kill %d (kind %d): died of signal %d",
                      i, kill_kind, WTERMSIG(status));
        if (WEXITSTATUS(status) == 0 && strcmp(out, "before the loop\n") == 0) {
            /* Stopped at its first call, a safe point, as it should be;
             * this kill is made again with the next seed. */
            ck_assert_msg(++early <= 100, "%d kills stopped before the loop",
                          early);
            i--;
            continue;
        }
        if (kill_kind == LOOP_SAFE) {
            ck_assert_msg(WEXITSTATUS(status) == 0, "kill %d: status %d: %s", i,
                          WEXITSTATUS(status), out);
            ck_assert_str_eq(out, "stopped\n");
        } else {
            ck_assert_msg(WEXITSTATUS(status) == RL_WATCHDOG_EXIT_STATUS,
                          "kill %d (kind %d): status %d: %s", i, kill_kind,
                          WEXITSTATUS(status), out);
            ck_assert_msg(strncmp(out, last, sizeof last - 1) == 0,
                          "kill %d: %s", i, out);
        }
        counts[kill_kind]++;
    }
    ck_assert_int_eq(counts[LOOP_MALLOC] + counts[LOOP_PRINTF] +
                         counts[LOOP_TIGHT] + counts[LOOP_SAFE],
                     1000);
}
END_TEST

static Suite *watchdog_suite(void)
{
    Suite *s = suite_create("watchdog");
    TCase *tc = tcase_create("watchdog");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_overrun_stopped_at_next_call);
    tcase_add_test(tc, test_alloc_is_a_safe_point);
    tcase_add_test(tc, test_hog_beside_changes_nothing);
    tcase_add_test(tc, test_no_safe_point_ends_the_process);
    suite_add_tcase(s, tc);
    /* 1,000 child processes: about 5 s on an idle machine, nearly 60 s at
     * load 15 on 2 cores; the limit leaves five times that. */
    tc = tcase_create("kills");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_thousand_random_kills);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(watchdog_suite());

    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
