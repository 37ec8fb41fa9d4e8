/* SPDX-License-Identifier: MIT */
/*
 * lib_bench.c - see lib_bench.h.
 */
#include "lib_bench.h"

#include <stdio.h>
#include <stdlib.h>

#include "../../core/racelab.h"

static rl_var *v;             /* the loads' variable */
static long loads_per_thread; /* set before a run is created */

/* One thread of the loads run. */
static void loader(void *arg)
{
    (void)arg;
    for (long i = 0; i < loads_per_thread; i++)
        rl_load(v);
}

/* The loads run's setup: the variable and two loaders. */
static void load_setup(void *ctx)
{
    (void)ctx;
    v = rl_var_create("v", 0);
    rl_thread_start(NULL, loader, NULL);
    rl_thread_start(NULL, loader, NULL);
}

/* A run config of the loads run (see lib_bench.h). */
struct rl_run_config bench_loads_config(long per_thread)
{
    struct rl_run_config cfg = {0};
    loads_per_thread = per_thread;
    cfg.program.setup = load_setup;
    cfg.max_steps = (uint64_t)per_thread * 4 + 100;
    return cfg;
}

/* Nanoseconds per step of one run of cfg (see lib_bench.h). */
double bench_step_ns(const struct rl_run_config *cfg, double (*clock_s)(void))
{
    char err[128];
    struct rl_run *run = rl_run_create(cfg, err, sizeof(err));
    if (!run) {
        fprintf(stderr, "bench: %s\n", err);
        exit(1);
    }
    double t0 = clock_s();
    rl_run_finish(run);
    double t = clock_s() - t0;
    uint64_t steps = rl_run_steps(run);
    rl_run_destroy(run);
    return t * 1e9 / (double)steps;
}

/* The unsafe-counter run config (see lib_bench.h). */
struct rl_run_config bench_counter_config(struct lab_inst *inst)
{
    char err[128];
    lab_inst_init(inst, lab_find("unsafe-counter"), RL_BACKEND_SIM);
    if (lab_inst_set_all(inst, "threads=2,iters=10", err, sizeof(err)) != 0) {
        fprintf(stderr, "bench: %s\n", err);
        exit(1);
    }
    struct rl_run_config cfg = {0};
    cfg.program = lab_program(inst);
    cfg.sched.kind = RL_SCHED_RANDOM;
    return cfg;
}
