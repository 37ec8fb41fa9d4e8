/* SPDX-License-Identifier: MIT */
/*
 * bench_explore.c - how much schedule exploration (core/explore.c) does
 * and how fast: for each program, the schedules explored with the
 * partial-order reduction and without it (the ratio is what the reduction
 * saves), and the time, against the goals of the design:
 *
 *   locked counter 4 threads x 3 at bound 2 and 3   bound 3 exhausted < 1 s
 *   unsafe counter 2 x 10 at bound 2, every schedule (failures ignored)
 *   reorder, 10 setters, at bound 1                 the bug found < 0.1 s
 *   producer / consumer 2 producers x 2 consumers   exhausted at bound 2
 *
 * Schedule counts are exact (the same on every machine); times are CPU
 * seconds of this process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/explore.h"
#include "../../core/run.h"
#include "../../labs/lab.h"

/* Seconds of this process's CPU time: the goals are for one core, and the
 * machine is shared (wall time would measure the neighbours). */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* No check counts: explore every schedule of the bound. */
static bool count_none(void *ctx, const char *check)
{
    (void)ctx;
    (void)check;
    return false;
}

/* Explore lab/variant with params at bound k; reduced or not. */
static double one(const char *lab, const char *variant, const char *params,
                  int k, bool reduce, bool all, struct rl_explore_result *r)
{
    struct lab_inst inst;
    struct rl_explore_config cfg;
    char err[200];
    const struct lab *l = lab_find(lab);

    if (l == NULL) {
        fprintf(stderr, "bench: no lab %s\n", lab);
        exit(1);
    }
    lab_inst_init(&inst, l, RL_BACKEND_SIM);
    inst.variant = lab_variant_find(l, variant);
    if (inst.variant < 0 ||
        lab_inst_set_all(&inst, params, err, sizeof err) != 0) {
        fprintf(stderr, "bench: %s/%s %s: bad variant or parameters\n", lab,
                variant, params);
        exit(1);
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&inst);
    cfg.max_preemptions = k;
    cfg.no_reduction = !reduce;
    cfg.max_runs = 50000000;
    if (all)
        cfg.check_counts = count_none;
    double t0 = now_s();
    if (rl_explore(&cfg, r) != 0) {
        fprintf(stderr, "bench: %s\n", r->error);
        exit(1);
    }
    return now_s() - t0;
}

/* One line: reduced against unreduced. */
static void row(const char *what, const char *lab, const char *variant,
                const char *params, int k, bool all, double goal_s)
{
    struct rl_explore_result a, b;
    double ta = one(lab, variant, params, k, true, all, &a);
    double tb = one(lab, variant, params, k, false, all, &b);
    printf("  %-34s %8llu sched (+%llu stopped early) %7.3f s | unreduced "
           "%8llu sched %7.3f s | %5.1fx fewer",
           what, (unsigned long long)a.runs, (unsigned long long)a.pruned_runs,
           ta, (unsigned long long)b.runs, tb,
           a.runs ? (double)b.runs / (double)a.runs : 0.0);
    if (a.found)
        printf(" | found: %s, %d preemption%s", a.check, a.preemptions,
               a.preemptions == 1 ? "" : "s");
    else
        printf(" | %s", a.exhaustive ? "exhausted" : "NOT exhausted");
    if (goal_s > 0)
        printf(" | goal < %g s: %.1fx", goal_s, goal_s / ta);
    printf("\n");
    rl_explore_result_free(&a);
    rl_explore_result_free(&b);
}

int main(void)
{
    printf("racelab explore benchmark (schedules explored, reduced vs "
           "not; CPU seconds)\n");
    row("locked-counter 4x3, bound 2", "locked-counter", "locked",
        "threads=4,iters=3", 2, false, 0);
    row("locked-counter 4x3, bound 3", "locked-counter", "locked",
        "threads=4,iters=3", 3, false, 1.0);
    row("unsafe-counter 2x10, bound 2, all", "unsafe-counter", "unsafe",
        "threads=2,iters=10", 2, true, 0);
    row("reorder 10 setters, bound 1", "reorder", "unsafe", "setters=10", 1,
        false, 0.1);
    row("reorder 10 setters locked, bound 1", "reorder", "locked", "setters=10",
        1, false, 0);
    row("producer-consumer 2x2, bound 2", "producer-consumer", "correct",
        "producers=2,consumers=2", 2, false, 0);
    return 0;
}
