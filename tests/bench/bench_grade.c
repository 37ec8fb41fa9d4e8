/* SPDX-License-Identifier: MIT */
/*
 * bench_grade.c - what exploration and grading cost, as ratios against a
 * baseline measured in the same run (absolute numbers are printed for
 * information only).
 *
 *   baseline:    complete sim runs per second of a program (create the
 *                run, run it to the end under round robin, evaluate its
 *                checks, destroy it), for locked-counter and for
 *                producer-consumer;
 *   exploration: schedules per second of the systematic search over the
 *                same program (replaying prefixes through the custom
 *                scheduler and backtracking), and its ratio to the
 *                baseline: the search's own overhead per schedule;
 *   grade:       seconds to grade one exercise (counter: this tree's
 *                exercises/counter.c, then solutions/counter.c, each
 *                built apart into an executable; no stress run: every
 *                check run in children of it, explored, its round-robin
 *                runs and failures mirrored and judged in the grader),
 *                run from the source directory;
 *   class:       CPU seconds (the grader and every child it reaped: the
 *                compiler and linker, every check's children) to grade
 *                all seven references as the autograder does (built,
 *                with the os stress runs), and the projection for a
 *                class: 300 students x 7 exercises on 2 cores (the goal:
 *                under 10 minutes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "../../core/explore.h"
#include "../../core/run.h"
#include "../../labs/lab.h"
#include "../../tui/grade/grade.h"

#define BENCH_SECONDS 0.5

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Complete round-robin runs per second of prog. */
static double baseline_rate(struct rl_program prog)
{
    struct rl_run_config rc;
    char err[200];
    long n = 0;
    double t0 = now_s(), t;

    memset(&rc, 0, sizeof rc);
    rc.program = prog;
    rc.sched.kind = RL_SCHED_RR;
    rc.sched.quantum = 1;
    rc.max_records = 4096; /* as the search keeps */
    do {
        struct rl_run *run = rl_run_create(&rc, err, sizeof err);
        if (run == NULL) {
            fprintf(stderr, "bench_grade: %s\n", err);
            exit(1);
        }
        rl_run_finish(run);
        rl_run_destroy(run);
        n++;
        t = now_s();
    } while (t - t0 < BENCH_SECONDS);
    return (double)n / (t - t0);
}

/* Systematic schedules per second over prog (bound k, repeated). */
static double explore_rate(struct rl_program prog, int k, uint64_t cap)
{
    struct rl_explore_config cfg;
    struct rl_explore_result r;
    uint64_t n = 0;
    double t0 = now_s(), t;

    memset(&cfg, 0, sizeof cfg);
    cfg.program = prog;
    cfg.max_preemptions = k;
    cfg.max_systematic = cap;
    do {
        rl_explore(&cfg, &r);
        n += r.runs;
        rl_explore_result_free(&r);
        t = now_s();
    } while (t - t0 < BENCH_SECONDS);
    return (double)n / (t - t0);
}

/* One lab program: compare the search with plain runs. */
static void bench_lab(const char *name, const char *variant, int k,
                      uint64_t cap)
{
    static struct lab_inst inst;
    lab_inst_init(&inst, lab_find(name), RL_BACKEND_SIM);
    inst.variant = lab_variant_find(inst.lab, variant);
    struct rl_program prog = lab_program(&inst);
    double base = baseline_rate(prog);
    double rate = explore_rate(prog, k, cap);
    printf("explore %s/%s (bound %d): %.0f schedules/s; baseline %.0f "
           "runs/s; ratio %.2f\n",
           name, variant, k, rate, base, rate / base);
}

/* Seconds to grade one exercise with opt. */
static double bench_grade(const char *label, struct grade_options *opt)
{
    struct grade_report r;
    char err[512];
    double t0 = now_s();
    if (grade_run(opt, NULL, &r, err, sizeof err) != 0) {
        printf("grade %s: not run: %s\n", label, err);
        return -1;
    }
    double t = now_s() - t0;
    printf("grade %s: %.3f s (%d checks, %d/%d points)\n", label, t, r.nchecks,
           r.points, r.max_points);
    grade_report_free(&r);
    return t;
}

/* CPU seconds used so far by this process and its reaped children. */
static double cpu_s(void)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec +
                    kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) +
           (double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
                    kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) *
               1e-6;
}

/* Grade the seven references as the autograder does; project a class. */
static void bench_class(void)
{
    struct grade_options o;
    struct grade_report r;
    char err[512];
    memset(&o, 0, sizeof o);
    o.submission = "solutions";
    double c0 = cpu_s(), t0 = now_s();
    if (grade_run(&o, NULL, &r, err, sizeof err) != 0) {
        printf("grade class: not run: %s\n", err);
        return;
    }
    double cpu = cpu_s() - c0, wall = now_s() - t0;
    printf("grade all seven references: %.2f CPU s (%.2f s wall, %d/%d "
           "points); a class of 300 students x 7 exercises on 2 cores: "
           "%.1f min (goal: under 10)\n",
           cpu, wall, r.points, r.max_points, cpu * 300 / 2 / 60);
    grade_report_free(&r);
}

int main(void)
{
    const char *counter[] = {"counter"};
    struct grade_options o;

    bench_lab("locked-counter", "locked", 3, 0);
    bench_lab("producer-consumer", "correct", 1, 20000);

    memset(&o, 0, sizeof o);
    o.exercises = counter;
    o.nexercises = 1;
    o.no_stress = true;
    bench_grade("counter (exercises/counter.c, built)", &o);
    o.submission = "solutions/counter.c";
    bench_grade("counter (solutions/counter.c, built)", &o);
    bench_class();
    return 0;
}
