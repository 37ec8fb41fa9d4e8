/* SPDX-License-Identifier: MIT */
/*
 * bench_core.c - how fast the engine is, as ratios against baselines
 * measured in the same run (these machines are noisy; absolute numbers are
 * printed for information only).
 *
 *   sim: one scheduling step (switch in, the call, its record, switch out)
 *        against a bare fiber switch loop of the same mechanism;
 *   sim: complete runs per second of a 2 threads x 10 increments counter,
 *        the unit that exploration and grading repeat;
 *   sim: the CPU cost per step of one run of 10^8 steps against runs of
 *        2 x 10 (goal: at most 1.5x), and that run's peak RSS;
 *   os:  increments per second of a locked counter, recording on and off,
 *        against a plain pthread-mutex loop whose threads are spread over
 *        the cores and start together as racelab's lab threads do (goal:
 *        recording on at least 0.67x, i.e. at most 1.5x slower), each the
 *        median of five interleaved runs; and the same with one thread,
 *        whose rate is about the two threads' ceiling (the Lock
 *        serializes them);
 *   os:  how many of 100 runs of unsafe-counter with its os defaults lose
 *        updates (goal: at least 99 on two cores).
 *
 * Targets from the design: a step costs at most 20x a bare switch; at least
 * 100,000 complete runs per second. They are reported, not asserted.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../core/fiber.h"
#include "../../core/racelab.h"
#include "../../core/run.h"
#include "../../labs/lab.h"
#include "lib_bench.h"

/* The process's CPU time, all threads (s). */
static double proc_cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- bare fiber switch ------------------------------------------------- */

static struct fiber *main_f, *ping_f;
static long switches_left;

static void ping(void *arg)
{
    (void)arg;
    for (;;)
        fiber_switch(ping_f, main_f);
}

/* Nanoseconds per fiber_switch (a round trip is two switches). */
static double bench_switch(long rounds)
{
    main_f = fiber_self();
    ping_f = fiber_create(ping, NULL);
    switches_left = rounds;
    double t0 = now_s();
    for (long i = 0; i < rounds; i++)
        fiber_switch(main_f, ping_f);
    double t = now_s() - t0;
    fiber_destroy(ping_f);
    return t * 1e9 / (double)(2 * rounds);
}

/* ---- sim steps ------------------------------------------------------------ */

/* Nanoseconds per sim step (records kept, round robin). */
static double bench_steps(long per_thread)
{
    struct rl_run_config cfg = bench_loads_config(per_thread);
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    cfg.max_records = 1 << 16;
    return bench_step_ns(&cfg, now_s);
}

/* ---- complete short runs ------------------------------------------------------ */

static rl_var *counter; /* the os benchmark's */

/* Complete runs per second of the unsafe-counter lab, 2 threads x 10
 * increments: create (setup), run to the end, checks, destroy. */
static double bench_runs(double seconds)
{
    struct lab_inst inst;
    char err[128];
    struct rl_run_config cfg = bench_counter_config(&inst);
    long runs = 0;
    double t0 = now_s(), t;
    do {
        for (int i = 0; i < 1000; i++) {
            cfg.sched.seed = (uint64_t)runs++;
            struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
            rl_run_finish(run);
            rl_run_destroy(run);
        }
        t = now_s() - t0;
    } while (t < seconds);
    return (double)runs / t;
}

/* ---- os ----------------------------------------------------------------------------- */

#define OS_THREADS 2 /* at most; os_threads is 1 or 2 */
#define OS_ITERS 500000L
#define OS_REPEAT 5 /* runs of each kind, interleaved; the median counts */

static int os_threads = OS_THREADS; /* the counter's threads this time */
static pthread_mutex_t plain_mu = PTHREAD_MUTEX_INITIALIZER;
static long plain_counter;
static _Atomic int plain_arrived; /* threads at the start line */

static void *plain_body(void *arg)
{
    (void)arg;
    /* Start together, as racelab's lab threads do (the os backend's start
     * gate): a thread created first would otherwise run alone, uncontended,
     * for as long as its sibling takes to start. */
    atomic_fetch_add(&plain_arrived, 1);
    while (atomic_load(&plain_arrived) < os_threads)
        ;
    for (long i = 0; i < OS_ITERS; i++) {
        pthread_mutex_lock(&plain_mu);
        plain_counter++;
        pthread_mutex_unlock(&plain_mu);
    }
    return NULL;
}

/* Increments per second of a plain pthread-mutex counter. pinned: its
 * threads are spread over the allowed CPUs round-robin, as the os backend
 * spreads lab threads, so that both loops contend the same way (left
 * alone, the kernel may run both threads on one core, where a mutex is
 * hardly ever contended). */
static double bench_plain(bool pinned, double *cpu_ns)
{
    pthread_t th[OS_THREADS];
    cpu_set_t allowed;
    int cpus[OS_THREADS * 2], ncpus = 0;

    if (pinned && sched_getaffinity(0, sizeof allowed, &allowed) == 0)
        for (int c = 0; c < CPU_SETSIZE && ncpus < OS_THREADS * 2; c++)
            if (CPU_ISSET(c, &allowed))
                cpus[ncpus++] = c;
    plain_counter = 0;
    atomic_store(&plain_arrived, 0);
    double t0 = now_s(), c0 = proc_cpu_s();
    for (int i = 0; i < os_threads; i++) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        if (ncpus >= 2) {
            cpu_set_t one;
            CPU_ZERO(&one);
            CPU_SET(cpus[i % ncpus], &one);
            pthread_attr_setaffinity_np(&attr, sizeof one, &one);
        }
        pthread_create(&th[i], &attr, plain_body, NULL);
        pthread_attr_destroy(&attr);
    }
    for (int i = 0; i < os_threads; i++)
        pthread_join(th[i], NULL);
    double t = now_s() - t0;
    *cpu_ns = (proc_cpu_s() - c0) * 1e9 / (double)(os_threads * OS_ITERS);
    return (double)(os_threads * OS_ITERS) / t;
}

static rl_lock *os_lock;

static void os_body(void *arg)
{
    (void)arg;
    for (long i = 0; i < OS_ITERS; i++) {
        rl_lock_acquire(os_lock);
        long x = rl_load(counter);
        rl_store(counter, x + 1);
        rl_lock_release(os_lock);
    }
}

static void os_setup(void *ctx)
{
    (void)ctx;
    counter = rl_var_create("counter", 0);
    os_lock = rl_lock_create("L");
    for (int i = 0; i < os_threads; i++)
        rl_thread_start(NULL, os_body, NULL);
}

/* The median of n values (sorts them). */
static double median(double *x, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && x[j - 1] > x[j]; j--) {
            double t = x[j];
            x[j] = x[j - 1];
            x[j - 1] = t;
        }
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/* Increments per second of the same counter through racelab on os. */
static double bench_os(bool record, double *cpu_ns)
{
    struct rl_run_config cfg = {0};
    cfg.program.setup = os_setup;
    cfg.backend = RL_BACKEND_OS;
    cfg.record = record;
    cfg.max_records = 1 << 16;
    char err[128];
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    if (!run) {
        fprintf(stderr, "bench: %s\n", err);
        exit(1);
    }
    double t0 = now_s(), c0 = proc_cpu_s();
    enum rl_end e = rl_run_finish(run);
    double t = now_s() - t0;
    *cpu_ns = (proc_cpu_s() - c0) * 1e9 / (double)(os_threads * OS_ITERS);
    if (e != RL_END_DONE || rl_var_peek(counter) != os_threads * OS_ITERS)
        fprintf(stderr, "bench: os run ended %s with counter %ld\n",
                rl_end_name(e), rl_var_peek(counter));
    rl_run_destroy(run);
    return (double)(os_threads * OS_ITERS) / t;
}

/* Runs of unsafe-counter (variant unsafe, os defaults) that lose at least
 * one update, out of n; -1 if a run cannot be made. */
static int bench_lost_runs(int n)
{
    const struct lab *lab = lab_find("unsafe-counter");
    int lost = 0;

    if (!lab)
        return -1;
    for (int i = 0; i < n; i++) {
        struct lab_inst inst;
        struct rl_run_config cfg = {0};
        struct rl_run *run;
        char err[256];

        lab_inst_init(&inst, lab, RL_BACKEND_OS);
        cfg.program = lab_program(&inst);
        cfg.backend = RL_BACKEND_OS;
        run = rl_run_create(&cfg, err, sizeof err);
        if (!run) {
            fprintf(stderr, "bench: %s\n", err);
            return -1;
        }
        if (rl_run_finish(run) == RL_END_DONE && !rl_run_passed(run))
            lost++;
        rl_run_destroy(run);
    }
    return lost;
}


/* ---- sim at scale ------------------------------------------------------------ */

/* This thread's CPU time in seconds: the per-step costs below compare
 * runs measured minutes apart on a shared machine, where wall-clock time
 * mostly measures the neighbours. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU nanoseconds per step of rl_run_finish for runs of 2 x per_thread loads
 * (bench_loads_config) under round robin (quantum 1), every step a choice
 * point, repeated until `steps` steps in all, with the engine's default
 * record window: what an undisplayed run costs. */
static double sim_scale_cost(long per_thread, uint64_t steps)
{
    uint64_t done = 0;
    double t = 0;

    while (done < steps) {
        struct rl_run_config cfg = bench_loads_config(per_thread);
        char err[128];
        cfg.sched.kind = RL_SCHED_RR;
        cfg.sched.quantum = 1;
        struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
        if (!run) {
            fprintf(stderr, "bench: %s\n", err);
            exit(1);
        }
        double t0 = cpu_s();
        rl_run_finish(run);
        t += cpu_s() - t0;
        done += rl_run_steps(run);
        rl_run_destroy(run);
    }
    return t * 1e9 / (double)done;
}

/* One run of about `steps` steps in a child process: its cost per step
 * (ns) and the child's peak RSS (MB, getrusage ru_maxrss). Returns -1 if
 * the child failed. */
static int sim_scale_child(uint64_t steps, double *ns, double *rss_mb)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(fd[0]);
        double c = sim_scale_cost((long)(steps / 2), steps);
        _exit(write(fd[1], &c, sizeof c) == (ssize_t)sizeof c ? 0 : 1);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], ns, sizeof *ns);
    close(fd[0]);
    int st;
    struct rusage ru;
    if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) ||
        WEXITSTATUS(st) != 0 || got != (ssize_t)sizeof *ns)
        return -1;
    *rss_mb = (double)ru.ru_maxrss / 1024.0;
    return 0;
}

/* The bench line: per-step cost of one long run against runs of 2 x 10,
 * and the long run's peak RSS. `exp10` is the long run's size (10^exp10
 * steps), which the line names. */
static void bench_sim_scale(int exp10)
{
    uint64_t steps = 1;
    double small = sim_scale_cost(10, 2000000), big, rss;

    for (int i = 0; i < exp10; i++)
        steps *= 10;
    if (sim_scale_child(steps, &big, &rss) != 0) {
        printf("  sim at 10^%d steps: the run failed\n", exp10);
        return;
    }
    printf("  sim per-step cost at 10^%d steps vs 2x10: %.2fx (goal <= 1.5x), "
           "peak RSS %.0f MB (%.1f vs %.1f ns of CPU a step)\n",
           exp10, big / small, rss, big, small);
}

/* The os line of the same counter with one thread: no contention, so the
 * cost of the calls and records alone. The Lock serializes the
 * two-thread counter (its waiter spins or sleeps while the holder runs),
 * so one thread's rate is about the two-thread rate's ceiling: one thread
 * recording on, against the two-thread baseline `plain2`, says how much
 * room the goal's ratio has. */
static void bench_os_alone(double plain2)
{
    double plain_v[OS_REPEAT], on_v[OS_REPEAT], off_v[OS_REPEAT], cpu;

    os_threads = 1;
    for (int i = 0; i < OS_REPEAT; i++) {
        plain_v[i] = bench_plain(true, &cpu);
        off_v[i] = bench_os(false, &cpu);
        on_v[i] = bench_os(true, &cpu);
    }
    os_threads = OS_THREADS;
    double plain = median(plain_v, OS_REPEAT);
    double off = median(off_v, OS_REPEAT);
    double on = median(on_v, OS_REPEAT);
    printf("  os: one thread (no contention): plain %.2f M/s, off %.2f M/s "
           "= %.2fx, on %.2f M/s = %.2fx (%.2fx the two-thread baseline)\n",
           plain / 1e6, off / 1e6, off / plain, on / 1e6, on / plain,
           on / plain2);
}

/* The os lines: the locked counter on os against a plain mutex loop. */
static void bench_os_lines(void)
{
    /* The machines are shared and noisy: each measure is the median of
     * OS_REPEAT runs, interleaved so that a busy moment hits all kinds. */
    double plain_v[OS_REPEAT], loose_v[OS_REPEAT], on_v[OS_REPEAT],
        off_v[OS_REPEAT], plain_c[OS_REPEAT], loose_c[OS_REPEAT],
        on_c[OS_REPEAT], off_c[OS_REPEAT];
    for (int i = 0; i < OS_REPEAT; i++) {
        plain_v[i] = bench_plain(true, &plain_c[i]);
        loose_v[i] = bench_plain(false, &loose_c[i]);
        off_v[i] = bench_os(false, &off_c[i]);
        on_v[i] = bench_os(true, &on_c[i]);
    }
    double plain = median(plain_v, OS_REPEAT);
    double loose = median(loose_v, OS_REPEAT);
    double off = median(off_v, OS_REPEAT);
    double on = median(on_v, OS_REPEAT);
    double plain_cpu = median(plain_c, OS_REPEAT);
    double off_cpu = median(off_c, OS_REPEAT);
    double on_cpu = median(on_c, OS_REPEAT);
    printf("  os: plain pthread mutex     %8.2f M increments/s (baseline: "
           "threads spread over cores as racelab's; unpinned %.2f M)\n",
           plain / 1e6, loose / 1e6);
    printf("  os: racelab, recording off  %8.2f M increments/s = %.2fx the "
           "baseline\n",
           off / 1e6, off / plain);
    printf("  os: racelab, recording on   %8.2f M increments/s = %.2fx the "
           "baseline (goal >= 0.67x)\n",
           on / 1e6, on / plain);
    printf("  os: recording on vs off     %8.2fx   (the cost of recording)\n",
           off / on);
    /* CPU time is less at the mercy of a busy machine than wall time. */
    printf("  os: CPU per increment (all threads, merging included): plain "
           "%.1f ns, off %.1f ns = %.2fx, on %.1f ns = %.2fx\n",
           plain_cpu, off_cpu, plain_cpu / off_cpu, on_cpu,
           plain_cpu / on_cpu);
    bench_os_alone(plain);
}

/* The os line of lost updates in unsafe-counter. */
static void bench_lost_line(void)
{
    int lost = bench_lost_runs(100);
    printf("  os: unsafe-counter lost updates in %d of 100 runs (goal >= 99; "
           "2 threads x 1,000,000)\n",
           lost);
}

/* With "--sim-scale E", only the sim scale line for 10^E steps; with
 * "--os", only the os lines. */
int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--os") == 0) {
        bench_os_lines();
        bench_lost_line();
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--sim-scale") == 0) {
        bench_sim_scale(atoi(argv[2]));
        return 0;
    }
    printf("racelab engine benchmark (fiber switch: %s)\n", fiber_impl());
    bench_switch(100000); /* warm up */
    double sw = bench_switch(5000000);
    double step = bench_steps(1000000);
    printf("  bare fiber switch           %8.1f ns\n", sw);
    printf("  sim step, event recorded    %8.1f ns   = %.1fx a bare switch "
           "(target <= 20x)\n",
           step, step / sw);
    printf("  sim steps per second        %8.2f M\n", 1e3 / step);
    double runs = bench_runs(1.0);
    printf("  complete runs per second    %8.0f     (unsafe-counter, 2 threads "
           "x 10; target >= 100000) = %.1fx the target\n",
           runs, runs / 100000.0);
    bench_os_lines();
    bench_sim_scale(8);
    bench_lost_line();
    return 0;
}
