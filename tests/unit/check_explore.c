/* SPDX-License-Identifier: MIT */
/*
 * check_explore.c - schedule exploration (core/explore.c): the known bugs
 * are found with the fewest preemptions they need and replay to the same
 * failure; correct variants are covered completely within the bound, with
 * exact schedule counts (cross-checked against a naive bounded search);
 * the step limit of the unfair depth-first continuation is not taken for a
 * bug; nondeterminism outside the scheduler is detected; the same seed
 * gives the same result.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/explore.h"
#include "../../core/racelab.h"
#include "../../core/run.h"
#include "../../labs/lab.h"

/* ---- helpers ------------------------------------------------------------ */

static struct lab_inst inst;

/* A config for lab/variant with defaults; phase 2 off unless asked. */
static struct rl_explore_config lab_config(const char *lab, const char *variant)
{
    const struct lab *l = lab_find(lab);
    ck_assert_ptr_nonnull(l);
    lab_inst_init(&inst, l, RL_BACKEND_SIM);
    inst.variant = lab_variant_find(l, variant);
    ck_assert_int_ge(inst.variant, 0);
    struct rl_explore_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&inst);
    cfg.max_preemptions = 2;
    return cfg;
}

/* Replay choices on cfg's program; returns the run (caller destroys). */
static struct rl_run *replay(const struct rl_explore_config *cfg,
                             const char *choices, uint64_t max_steps)
{
    struct rl_run_config rc;
    char err[200];
    memset(&rc, 0, sizeof rc);
    rc.program = cfg->program;
    rc.sched.kind = RL_SCHED_REPLAY;
    rc.sched.choices = choices;
    rc.max_steps = max_steps;
    struct rl_run *run = rl_run_create(&rc, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    return run;
}

/* Whether check `name` failed in run. */
static bool failed(const struct rl_run *run, const char *name)
{
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result r;
        rl_run_check(run, i, &r);
        if (strcmp(r.name, name) == 0)
            return !r.ok;
    }
    return false;
}

/* ---- the known bugs ----------------------------------------------------- */

START_TEST(test_unsafe_counter_one_preemption)
{
    struct rl_explore_config cfg = lab_config("unsafe-counter", "unsafe");
    struct rl_explore_result r;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_str_eq(r.check, "final value");
    ck_assert_str_eq(r.message, "counter = 3, expected 6: 3 updates lost");
    ck_assert_int_eq(r.preemptions, 1);
    ck_assert_int_eq(r.phase, RL_EXPLORE_SYSTEMATIC);
    ck_assert_int_eq(r.end, RL_END_DONE);
    ck_assert_int_eq(r.bound_complete, 0); /* no 0-preemption schedule fails */
    ck_assert_uint_eq(r.runs, 4);
    ck_assert_str_eq(r.choices, "0x2.1x7");
    ck_assert_int_eq(r.stop, RL_EXPLORE_DONE);

    struct rl_run *run = replay(&cfg, r.choices, 0);
    ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
    ck_assert(failed(run, "final value"));
    ck_assert_int_eq(rl_run_preemptions(run), 1);
    rl_run_destroy(run);
    rl_explore_result_free(&r);
}
END_TEST

START_TEST(test_reorder_ten_setters_one_preemption)
{
    /* 11 threads, a bug that needs one preemption: found at bound 1 after
     * a handful of schedules (no factorial level 0). */
    struct rl_explore_config cfg = lab_config("reorder", "unsafe");
    struct rl_explore_result r;
    ck_assert_int_eq(lab_inst_set(&inst, "setters", "10", NULL, 0), 0);
    cfg.max_preemptions = 1;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_int_eq(r.cost, 1);
    ck_assert_int_eq(r.preemptions, 1);
    ck_assert_uint_eq(r.runs, 22);
    ck_assert_str_eq(r.check, "the reader sees whole pairs");
    ck_assert_str_eq(r.message,
                     "the reader saw a = 1, b = 0: half a pair (step 6)");
    ck_assert_str_eq(r.choices, "0x2.10x3");
    ck_assert_int_eq(r.end, RL_END_FAILED);
    rl_explore_result_free(&r);
    cfg.no_reduction = true;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_int_eq(r.cost, 1);
    ck_assert_uint_eq(r.runs, 31);
    rl_explore_result_free(&r);
    /* locked: bound 1 is complete after 141 schedules (276 unreduced) */
    cfg = lab_config("reorder", "locked");
    ck_assert_int_eq(lab_inst_set(&inst, "setters", "10", NULL, 0), 0);
    cfg.max_preemptions = 1;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found && r.exhaustive);
    ck_assert_uint_eq(r.runs, 141);
    rl_explore_result_free(&r);
    cfg.no_reduction = true;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found && r.exhaustive);
    ck_assert_uint_eq(r.runs, 276);
    rl_explore_result_free(&r);
}
END_TEST

START_TEST(test_rlock_nesting_lock_zero_preemptions)
{
    struct rl_explore_config cfg = lab_config("rlock-nesting", "lock");
    struct rl_explore_result r;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_str_eq(r.check, "no deadlock");
    ck_assert_int_eq(r.end, RL_END_DEADLOCK);
    ck_assert_int_eq(r.preemptions, 0);
    ck_assert_uint_eq(r.runs, 1);
    ck_assert_ptr_nonnull(strstr(r.end_text, "wait-for cycle: T0 -> T0"));
    struct rl_run *run = replay(&cfg, r.choices, 0);
    ck_assert_int_eq(rl_run_end(run), RL_END_DEADLOCK);
    rl_run_destroy(run);
    rl_explore_result_free(&r);
}
END_TEST

START_TEST(test_producer_consumer_bugs)
{
    struct rl_explore_config cfg = lab_config("producer-consumer", "if-wait");
    struct rl_explore_result r;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_str_eq(r.check, "buffer bounds hold");
    ck_assert_int_eq(r.preemptions, 0);
    /* The run stops at the failing step, not at the end. */
    ck_assert_int_eq(r.end, RL_END_FAILED);
    ck_assert_uint_eq(r.steps, 50);
    ck_assert_str_eq(r.end_text, "stopped at step 50, where C1 failed the "
                                 "check 'buffer bounds hold'");
    rl_explore_result_free(&r);

    cfg = lab_config("producer-consumer", "spin-holding-lock");
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_str_eq(r.check, "finishes");
    ck_assert_int_eq(r.end, RL_END_STEP_LIMIT);
    ck_assert_uint_eq(r.max_steps, RL_EXPLORE_DEFAULT_MAX_STEPS);
    ck_assert_uint_eq(r.spin_runs, 1); /* confirmed by a fair run */
    struct rl_run *run = replay(&cfg, r.choices, r.max_steps);
    ck_assert_int_eq(rl_run_end(run), RL_END_STEP_LIMIT);
    rl_run_destroy(run);
    rl_explore_result_free(&r);
}
END_TEST

/* ---- coverage of correct variants --------------------------------------- */

/* A naive bounded search, written apart from explore.c: the whole tree
 * of choices, one run per node, cost = picks other than the default (the
 * running thread if it can go on, else the next runnable id after it, for
 * a notify the first waiter). Counts the complete schedules of cost <= k.
 * For programs without yield or sleep. */
struct naive {
    int16_t prefix[256];
    int len;
    int cost;       /* of the prefix */
    int n, def;     /* the point after the prefix, when reached */
    int opts[RL_MAX_THREADS];
    bool reached;
};

static int naive_choose(void *ctx, const struct rl_choice *c)
{
    struct naive *nv = ctx;
    int def = 0;
    if (c->kind == RL_CHOICE_THREAD) {
        def = -1;
        for (int i = 0; i < c->n && def < 0; i++)
            if (c->options[i] == c->current)
                def = i;
        for (int i = 0; i < c->n && def < 0; i++)
            if (c->options[i] > c->current)
                def = i;
        if (def < 0)
            def = 0;
    }
    if (nv->n < nv->len) {
        int want = nv->prefix[nv->n++];
        for (int i = 0; i < c->n; i++)
            if (c->options[i] == want) {
                nv->cost += i != def;
                return i;
            }
        ck_abort_msg("naive: the prefix does not replay");
    }
    nv->reached = true;
    nv->def = def;
    nv->n = c->n;
    for (int i = 0; i < c->n; i++)
        nv->opts[i] = c->options[i];
    return -1;
}

static uint64_t naive_count(const struct rl_program *prog, int16_t *prefix,
                            int len, int k)
{
    struct naive nv;
    memset(&nv, 0, sizeof nv);
    memcpy(nv.prefix, prefix, (size_t)len * sizeof(*prefix));
    nv.len = len;
    struct rl_run_config rc;
    char err[200];
    memset(&rc, 0, sizeof rc);
    rc.program = *prog;
    rc.sched.kind = RL_SCHED_CUSTOM;
    rc.sched.choose = naive_choose;
    rc.sched.choose_ctx = &nv;
    rc.max_steps = 20000;
    struct rl_run *run = rl_run_create(&rc, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    rl_run_destroy(run);
    if (!nv.reached)
        return nv.cost <= k;
    uint64_t total = 0;
    int n = nv.n, def = nv.def, cost = nv.cost;
    int opts[RL_MAX_THREADS];
    memcpy(opts, nv.opts, sizeof opts);
    ck_assert_int_lt(len, 255);
    for (int i = 0; i < n; i++) {
        if (cost + (i != def) > k)
            continue;
        prefix[len] = (int16_t)opts[i];
        total += naive_count(prog, prefix, len + 1, k);
    }
    return total;
}

START_TEST(test_locked_counter_full_coverage)
{
    /* Bound 0 is one schedule; without the reduction every schedule of
     * the bound runs once (the counts of the naive search above); with
     * it, only those that do not merely reorder independent steps. */
    static const uint64_t all[] = {1, 14, 107, 539};
    static const uint64_t reduced[] = {1, 10, 42, 127};
    static const uint64_t pruned[] = {0, 4, 41, 71};
    for (int k = 0; k <= 3; k++) {
        struct rl_explore_config cfg = lab_config("locked-counter", "locked");
        struct rl_explore_result r;
        int16_t prefix[256];
        cfg.max_preemptions = k;
        ck_assert_uint_eq(naive_count(&cfg.program, prefix, 0, k), all[k]);
        ck_assert_int_eq(rl_explore(&cfg, &r), 0);
        ck_assert(!r.found);
        ck_assert(r.exhaustive);
        ck_assert(!r.every_schedule);
        ck_assert_int_eq(r.bound_complete, k);
        ck_assert_uint_eq(r.runs, reduced[k]);
        ck_assert_uint_eq(r.pruned_runs, pruned[k]);
        ck_assert_uint_eq(r.systematic_runs, reduced[k] + pruned[k]);
        ck_assert_uint_eq(r.random_runs + r.pct_runs, 0);
        rl_explore_result_free(&r);
        cfg.no_reduction = true;
        ck_assert_int_eq(rl_explore(&cfg, &r), 0);
        ck_assert(!r.found && r.exhaustive);
        ck_assert_uint_eq(r.runs, all[k]);
        ck_assert_uint_eq(r.pruned_runs, 0);
        rl_explore_result_free(&r);
    }
}
END_TEST

START_TEST(test_rlock_nesting_rlock_coverage)
{
    struct rl_explore_config cfg = lab_config("rlock-nesting", "rlock");
    struct rl_explore_result r;
    int16_t prefix[256];
    ck_assert_uint_eq(naive_count(&cfg.program, prefix, 0, 2), 49);
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found);
    ck_assert(r.exhaustive);
    ck_assert_uint_eq(r.runs, 26);
    ck_assert_uint_eq(r.pruned_runs, 23);
    rl_explore_result_free(&r);
    cfg.no_reduction = true;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found && r.exhaustive);
    ck_assert_uint_eq(r.runs, 49);
    rl_explore_result_free(&r);
}
END_TEST

START_TEST(test_systematic_cap_is_shared)
{
    struct rl_explore_config cfg = lab_config("locked-counter", "locked");
    struct rl_explore_result r;
    cfg.max_systematic = 30;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found);
    ck_assert(!r.exhaustive);
    ck_assert_int_eq(r.bound_complete, 1); /* levels 0 and 1 (1 + 14) fit */
    ck_assert_uint_eq(r.systematic_runs, 30);
    rl_explore_result_free(&r);
}
END_TEST

/* ---- phase 2 and determinism -------------------------------------------- */

START_TEST(test_random_failure_is_shrunk)
{
    /* A random run finds the lost update with many preemptions; it is
     * reported shrunk to two (a preemption away from T0 and one back:
     * shrinking takes costly picks back, it does not search), and
     * replays with that count. */
    struct rl_explore_config cfg = lab_config("unsafe-counter", "unsafe");
    struct rl_explore_result r;
    ck_assert_int_eq(lab_inst_set(&inst, "iters", "10", NULL, 0), 0);
    cfg.skip_systematic = true;
    cfg.seed = 5;
    cfg.max_runs = 100;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_int_eq(r.phase, RL_EXPLORE_RANDOM);
    ck_assert_uint_eq(r.runs, 1);
    ck_assert_int_eq(r.found_preemptions, 13);
    ck_assert_uint_eq(r.found_steps, 44);
    ck_assert_int_eq(r.preemptions, 2);
    ck_assert_uint_eq(r.steps, 44);
    ck_assert_uint_eq(r.shrink_runs, 18);
    ck_assert_str_eq(r.choices, "0.1x8.0x20");
    ck_assert_str_eq(r.message, "counter = 10, expected 20: 10 updates lost");
    struct rl_run *run = replay(&cfg, r.choices, 0);
    ck_assert(failed(run, "final value"));
    ck_assert_int_eq(rl_run_preemptions(run), 2);
    rl_run_destroy(run);
    rl_explore_result_free(&r);
}
END_TEST

START_TEST(test_same_seed_same_result)
{
    struct rl_explore_config cfg = lab_config("unsafe-counter", "unsafe");
    struct rl_explore_result a, b, c;
    cfg.skip_systematic = true;
    cfg.seed = 11;
    cfg.max_runs = 500;
    ck_assert_int_eq(rl_explore(&cfg, &a), 0);
    ck_assert_int_eq(rl_explore(&cfg, &b), 0);
    ck_assert(a.found && b.found);
    ck_assert_int_eq(a.phase, RL_EXPLORE_RANDOM);
    ck_assert_str_eq(a.choices, b.choices);
    ck_assert_uint_eq(a.phase_seed, b.phase_seed);
    ck_assert_uint_eq(a.runs, b.runs);
    ck_assert_int_eq(a.preemptions, b.preemptions);

    /* A correct variant under a run cap: the bounded search is complete
     * after 42 schedules (and 41 stopped early), so the search says so and stops there. */
    cfg = lab_config("locked-counter", "locked");
    cfg.seed = 3;
    cfg.max_runs = 1000;
    ck_assert_int_eq(rl_explore(&cfg, &c), 0);
    ck_assert(!c.found);
    ck_assert(c.exhaustive);
    ck_assert_uint_eq(c.runs, 42);
    ck_assert_uint_eq(c.systematic_runs, 42 + 41);
    ck_assert_uint_eq(c.random_runs + c.pct_runs, 0);
    ck_assert_int_eq(c.stop, RL_EXPLORE_DONE);
    rl_explore_result_free(&a);
    rl_explore_result_free(&b);
    rl_explore_result_free(&c);
}
END_TEST

START_TEST(test_phase2_gets_its_share)
{
    /* A bounded search too big for the budget still leaves a quarter of
     * it to random and PCT runs, seeded: the same counts every time. */
    struct rl_explore_config cfg = lab_config("locked-counter", "locked");
    struct rl_explore_result r;
    ck_assert_int_eq(lab_inst_set(&inst, "threads", "4", NULL, 0), 0);
    cfg.max_preemptions = 3;
    cfg.max_runs = 2000;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found);
    ck_assert(!r.exhaustive);
    ck_assert_int_eq(r.bound_complete, 1);
    ck_assert_uint_eq(r.systematic_runs, 1500);
    ck_assert_uint_eq(r.runs, 1025);
    ck_assert_uint_eq(r.pruned_runs, 975);
    ck_assert_uint_eq(r.random_runs, 250);
    ck_assert_uint_eq(r.pct_runs, 250);
    ck_assert_int_eq(r.stop, RL_EXPLORE_RUN_CAP);
    rl_explore_result_free(&r);
}
END_TEST

START_TEST(test_guard_is_no_verdict)
{
    /* The time guard only stops a search (11,221 schedules cannot run in
     * a microsecond): incomplete, no verdict either way. */
    struct rl_explore_config cfg = lab_config("locked-counter", "locked");
    struct rl_explore_result r;
    ck_assert_int_eq(lab_inst_set(&inst, "threads", "4", NULL, 0), 0);
    cfg.max_preemptions = 3;
    cfg.guard_s = 1e-6;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert_int_eq(r.stop, RL_EXPLORE_GUARD);
    ck_assert(!r.found);
    ck_assert(!r.exhaustive);
    rl_explore_result_free(&r);
}
END_TEST

START_TEST(test_fixed_phase2_lists)
{
    struct rl_explore_config cfg = lab_config("locked-counter", "locked");
    struct rl_explore_result r;
    cfg.random_runs = 7;
    cfg.pct_runs = 5;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found);
    ck_assert_uint_eq(r.random_runs, 7);
    ck_assert_uint_eq(r.pct_runs, 5);
    ck_assert_uint_eq(r.runs, 42 + 12);
    ck_assert_int_eq(r.stop, RL_EXPLORE_DONE);
    rl_explore_result_free(&r);
}
END_TEST

/* ---- programs written here ---------------------------------------------- */

static rl_var *flag, *spins;

/* Spin until the flag is set (no lock): fine under a fair scheduler. */
static void spinner(void *arg)
{
    (void)arg;
    while (rl_load(flag) == 0)
        ;
}

static void setter(void *arg)
{
    (void)arg;
    rl_store(flag, 1);
}

static void spin_setup(void *ctx)
{
    (void)ctx;
    flag = rl_var_create("flag", 0);
    rl_thread_start("spin", spinner, NULL);
    rl_thread_start("set", setter, NULL);
}

/* A spin that writes as it waits (a count of its turns): not seen as a
 * spin, so a run that gives it the CPU reaches the step limit and is
 * judged again under a fair scheduler. */
static void counting_spinner(void *arg)
{
    (void)arg;
    for (long turns = 1; rl_load(flag) == 0; turns++)
        rl_store(spins, turns);
}

static void counting_spin_setup(void *ctx)
{
    (void)ctx;
    flag = rl_var_create("flag", 0);
    spins = rl_var_create("spins", 0);
    rl_thread_start("spin", counting_spinner, NULL);
    rl_thread_start("set", setter, NULL);
}

START_TEST(test_spin_wait_is_not_a_bug)
{
    struct rl_explore_config cfg;
    struct rl_explore_result r;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.setup = counting_spin_setup;
    cfg.max_preemptions = 1;
    cfg.max_steps = 500;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found);
    ck_assert_uint_ge(r.spin_runs, 1);
    rl_explore_result_free(&r);
}
END_TEST

/* A thread that reads the same value at the same place a third time with
 * nothing changed in between spins: the search hands the CPU on from it
 * at no cost, so no schedule spins to the step limit and the bounded
 * search is exhaustive. */
START_TEST(test_spin_is_seen)
{
    struct rl_explore_config cfg;
    struct rl_explore_result r;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.setup = spin_setup;
    cfg.max_preemptions = 2;
    cfg.max_steps = 20000;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found);
    ck_assert(r.exhaustive);
    ck_assert_uint_eq(r.spin_runs, 0);
    ck_assert_uint_eq(r.runs, 10);
    rl_explore_result_free(&r);
}
END_TEST

static void one_thread(void *arg)
{
    (void)arg;
    rl_store(flag, rl_load(flag) + 1);
}

static void single_setup(void *ctx)
{
    (void)ctx;
    flag = rl_var_create("flag", 0);
    rl_thread_start(NULL, one_thread, NULL);
}

START_TEST(test_every_schedule_skips_phase2)
{
    struct rl_explore_config cfg;
    struct rl_explore_result r;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.setup = single_setup;
    cfg.max_preemptions = 2;
    cfg.random_runs = 100;
    cfg.pct_runs = 100;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found);
    ck_assert(r.every_schedule);
    ck_assert_uint_eq(r.runs, 1);
    rl_explore_result_free(&r);
}
END_TEST

/* ---- the spec of a PCT find and the step limit -------------------------- *
 *
 * Two polite threads: each raises its flag and backs off (lowers it and
 * sleeps) while the other's is up; past that, each adds one to a count,
 * unlocked (the bug). Round robin, the probe that gives PCT its estimate
 * of a run's length, moves them in lockstep: they back off together for
 * ever, to the step limit. PCT lets the thread with the higher priority
 * through, so its runs are short: the estimate is the limit itself. */
static rl_var *pflag[2], *pcount;

/* Thread 0 or 1 (arg): back off while the other's flag is up, then add
 * one to the count. */
static void pct_polite(void *arg)
{
    long me = (long)arg;
    for (;;) {
        rl_store(pflag[me], 1);
        if (rl_load(pflag[1 - me]) == 0)
            break;
        rl_store(pflag[me], 0);
        rl_sleep_ms(1);
    }
    rl_store(pflag[me], 0);
    rl_store(pcount, rl_load(pcount) + 1);
}

static void pct_setup(void *ctx)
{
    (void)ctx;
    pflag[0] = rl_var_create("flag0", 0);
    pflag[1] = rl_var_create("flag1", 0);
    pcount = rl_var_create("count", 0);
    rl_thread_start("A", pct_polite, (void *)0L);
    rl_thread_start("B", pct_polite, (void *)1L);
}

static void pct_check(struct rl_run *run, void *ctx)
{
    (void)ctx;
    long n = rl_load(pcount);
    rl_check(run, "final value", n == 2, "count = %ld, expected 2", n);
}

/* Run the spec of a find with step limit max_steps (0: the default). */
static struct rl_run *run_spec(const struct rl_program *prog, const char *spec,
                               uint64_t max_steps)
{
    struct rl_run_config rc;
    char err[200];
    memset(&rc, 0, sizeof rc);
    rc.program = *prog;
    ck_assert_int_eq(rl_sched_parse(spec, &rc.sched, err, sizeof err), 0);
    rc.max_steps = max_steps;
    struct rl_run *run = rl_run_create(&rc, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    return run;
}

/* PCT places its change points over the length of a round-robin run, and
 * that run is cut at the step limit: a find is made again by its spec
 * only with the search's limit (phase_max_steps, which explore prints
 * beside the spec); with a run's default limit the same spec makes
 * another run. */
START_TEST(test_pct_spec_needs_the_step_limit)
{
    struct rl_program prog = {pct_setup, pct_check, NULL, NULL};
    struct rl_explore_config cfg;
    struct rl_explore_result r;
    struct rl_sched sched;
    char spec[64], err[200], a[64], b[64];
    uint64_t len;

    /* Round robin: both back off at once, every time, to the limit. */
    ck_assert_int_eq(rl_run_probe_length(&prog, 60, &len, err, sizeof err),
                     0);
    ck_assert_uint_eq(len, 60);
    memset(&cfg, 0, sizeof cfg);
    cfg.program = prog;
    cfg.skip_systematic = true;
    cfg.pct_runs = 500;
    cfg.max_steps = 60;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_int_eq(r.phase, RL_EXPLORE_PCT);
    ck_assert_uint_eq(r.runs, 54);
    ck_assert_int_eq(r.end, RL_END_DONE); /* not at the step limit */
    ck_assert(rl_explore_found_sched(&r, &sched));
    rl_sched_format(&sched, spec, sizeof spec);
    ck_assert_str_eq(spec, "pct:811857222:3:timeouts");
    ck_assert_uint_eq(r.phase_max_steps, 60);
    ck_assert_uint_eq(r.found_steps, 14);
    ck_assert_int_eq(r.found_preemptions, 1);

    struct rl_run *with = run_spec(&prog, spec, r.phase_max_steps);
    ck_assert(failed(with, "final value"));
    ck_assert_uint_eq(rl_run_record_last(with), r.found_steps);
    ck_assert_int_eq(rl_run_preemptions(with), r.found_preemptions);
    ck_assert_uint_lt(rl_run_choices(with, NULL, 0), sizeof a);
    rl_run_choices(with, a, sizeof a);
    ck_assert_str_eq(a, "0x5.1x6");
    /* The default limit lets the probe run on (to 1,000,000 steps):
     * another estimate, other change points, another run. */
    struct rl_run *without = run_spec(&prog, spec, 0);
    ck_assert_uint_lt(rl_run_choices(without, NULL, 0), sizeof b);
    rl_run_choices(without, b, sizeof b);
    ck_assert_str_eq(b, "0x6");
    ck_assert_int_eq(rl_run_preemptions(without), 0);
    rl_run_destroy(with);
    rl_run_destroy(without);
    rl_explore_result_free(&r);
}
END_TEST

/* ---- timeouts as choices ------------------------------------------------ *
 *
 * A reader waits up to 1 s for the writer's data and takes a timeout for
 * the notify (the bug). Virtual time passes only when nothing can run, so
 * round robin never shows it: the timeout must fire while the writer is
 * runnable, which only a schedule that fires it as a choice does. */
static rl_lock *tlock;
static rl_cond *tready;
static rl_var *tflag, *tdata, *tgot;

/* R: wait for the data (a timeout is taken as the notify: the bug). */
static void timed_reader(void *arg)
{
    (void)arg;
    rl_lock_acquire(tlock);
    if (rl_load(tflag) == 0)
        rl_cond_wait_timeout(tready, 1000); /* RL_TIMEOUT ignored */
    rl_store(tgot, rl_load(tdata));
    rl_lock_release(tlock);
}

/* W: publish the data and notify. */
static void timed_writer(void *arg)
{
    (void)arg;
    rl_lock_acquire(tlock);
    rl_store(tdata, 42);
    rl_store(tflag, 1);
    rl_cond_notify(tready);
    rl_lock_release(tlock);
}

static void timed_setup(void *ctx)
{
    (void)ctx;
    tlock = rl_lock_create("L");
    tready = rl_cond_create("ready", tlock);
    tflag = rl_var_create("flag", 0);
    tdata = rl_var_create("data", 0);
    tgot = rl_var_create("got", 0);
    rl_thread_start("R", timed_reader, NULL);
    rl_thread_start("W", timed_writer, NULL);
}

static void timed_check(struct rl_run *run, void *ctx)
{
    (void)ctx;
    long got = rl_load(tgot);
    rl_check(run, "reader got the data", got == 42,
             "the reader got %ld, expected 42", got);
}

/* The program of the timeout tests. */
static struct rl_program timed_program(void)
{
    struct rl_program p = {timed_setup, timed_check, NULL, NULL};
    return p;
}

START_TEST(test_timeout_fired_as_choice)
{
    struct rl_explore_config cfg;
    struct rl_explore_result r;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = timed_program();
    cfg.max_preemptions = 2;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_str_eq(r.check, "reader got the data");
    ck_assert_str_eq(r.message, "the reader got 0, expected 42");
    ck_assert_int_eq(r.phase, RL_EXPLORE_SYSTEMATIC);
    ck_assert_int_eq(r.bound_complete, 0);
    ck_assert_int_eq(r.cost, 1); /* the timeout fired: a delay */
    ck_assert_int_eq(r.preemptions, 1); /* the run counts it the same */
    ck_assert_uint_eq(r.runs, 5);
    ck_assert_uint_eq(r.steps, 16);
    /* R at every choice point; the eighth fires its timeout while W is
     * runnable. */
    ck_assert_str_eq(r.choices, "0x8");
    ck_assert_int_eq(r.end, RL_END_DONE);
    ck_assert_int_eq(r.stop, RL_EXPLORE_DONE);

    /* The replay is the same run: same failure, steps and choices, and
     * virtual time at R's deadline. */
    struct rl_run *run = replay(&cfg, r.choices, 0);
    ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
    ck_assert(failed(run, "reader got the data"));
    ck_assert_uint_eq(rl_run_record_last(run), 16);
    ck_assert_int_eq(rl_run_now(run), 1000);
    char text[64];
    rl_run_choices(run, text, sizeof text);
    ck_assert_str_eq(text, "0x8");
    rl_run_destroy(run);

    /* The reduction keeps it, at the same cost. */
    cfg.no_reduction = true;
    struct rl_explore_result u;
    ck_assert_int_eq(rl_explore(&cfg, &u), 0);
    ck_assert(u.found);
    ck_assert_int_eq(u.cost, 1);
    ck_assert_str_eq(u.choices, r.choices);
    rl_explore_result_free(&u);
    rl_explore_result_free(&r);
}
END_TEST

/* Round robin never fires a timeout early: the writer notifies, time
 * stays at 0 and the reader gets the data. The choice points where the
 * reader's timeout could have fired are written down (R waits, W is the
 * only runnable thread), so the string replays under any scheduler. */
START_TEST(test_timeout_round_robin_unchanged)
{
    /* rr:1: R, W start; R acquires L; W blocks on L; R waits (1 s), which
     * lets W in. W's acquire, two stores and notify are choice points
     * only because R's timeout could fire there (W alone can run); then
     * W's release and R's return are ordinary ones. */
    static const char *const want[] = {"0.1.0.1x5.0", "0x2.1x6.0",
                                       "0x3.1x6.0"};
    for (int q = 1; q <= 3; q++) {
        struct rl_run_config rc;
        char err[200], text[64];
        memset(&rc, 0, sizeof rc);
        rc.program = timed_program();
        rc.sched.kind = RL_SCHED_RR;
        rc.sched.quantum = q;
        struct rl_run *run = rl_run_create(&rc, err, sizeof err);
        ck_assert_msg(run != NULL, "%s", err);
        rl_run_finish(run);
        ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
        ck_assert(!failed(run, "reader got the data"));
        ck_assert_int_eq(rl_run_now(run), 0);
        rl_run_choices(run, text, sizeof text);
        ck_assert_str_eq(text, want[q - 1]);
        ck_assert_uint_eq(rl_run_record_last(run), 18);
        rl_run_destroy(run);
    }
    /* The default random scheduler does not fire timeouts either. */
    for (int seed = 0; seed < 50; seed++) {
        struct rl_run_config rc;
        char err[200];
        memset(&rc, 0, sizeof rc);
        rc.program = timed_program();
        rc.sched.kind = RL_SCHED_RANDOM;
        rc.sched.seed = (uint64_t)seed;
        struct rl_run *run = rl_run_create(&rc, err, sizeof err);
        ck_assert_msg(run != NULL, "%s", err);
        rl_run_finish(run);
        ck_assert(!failed(run, "reader got the data"));
        ck_assert_int_eq(rl_run_now(run), 0);
        rl_run_destroy(run);
    }
}
END_TEST

/* Random and PCT runs of phase 2 fire timeouts too. */
START_TEST(test_timeout_found_by_phase2)
{
    struct rl_explore_config cfg;
    struct rl_explore_result r;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = timed_program();
    cfg.skip_systematic = true;
    cfg.random_runs = 20;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_int_eq(r.phase, RL_EXPLORE_RANDOM);
    ck_assert_uint_eq(r.runs, 2);
    ck_assert_uint_eq(r.phase_seed, 472350438);
    ck_assert_str_eq(r.choices, "0x8"); /* shrunk */
    rl_explore_result_free(&r);
    cfg.random_runs = 0;
    cfg.pct_runs = 20;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_int_eq(r.phase, RL_EXPLORE_PCT);
    ck_assert_uint_eq(r.runs, 1);
    ck_assert_uint_eq(r.phase_seed, 599149421);
    ck_assert_int_eq(r.phase_depth, 1);
    ck_assert_str_eq(r.choices, "0x8");
    rl_explore_result_free(&r);
}
END_TEST

/* A Queue's timed get is a timed wait too: a consumer that waits up to
 * 100 ms and treats a timeout as the end of the stream loses the item the
 * producer was about to put. */
static rl_queue *tq;
static long tq_got;

static void tq_consumer(void *arg)
{
    long item = -1;
    (void)arg;
    if (rl_queue_get_timeout(tq, &item, 100) == RL_OK)
        tq_got = item;
}

static void tq_producer(void *arg)
{
    (void)arg;
    rl_yield();
    rl_queue_put(tq, 7);
}

static void tq_setup(void *ctx)
{
    (void)ctx;
    tq_got = 0;
    tq = rl_queue_create("q", 1);
    rl_thread_start("C", tq_consumer, NULL);
    rl_thread_start("P", tq_producer, NULL);
}

static void tq_check(struct rl_run *run, void *ctx)
{
    (void)ctx;
    rl_check(run, "item consumed", tq_got == 7, "the consumer got %ld", tq_got);
}

START_TEST(test_queue_get_timeout_as_choice)
{
    struct rl_explore_config cfg;
    struct rl_explore_result r;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.setup = tq_setup;
    cfg.program.check = tq_check;
    cfg.max_preemptions = 2;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_str_eq(r.check, "item consumed");
    ck_assert_str_eq(r.message, "the consumer got 0");
    ck_assert_int_eq(r.cost, 1);
    ck_assert_uint_eq(r.runs, 5);
    ck_assert_uint_eq(r.steps, 14);
    ck_assert_str_eq(r.choices, "0x5"); /* C's timeout fires at the fifth */
    struct rl_run *run = replay(&cfg, r.choices, 0);
    ck_assert(failed(run, "item consumed"));
    ck_assert_int_eq(rl_run_now(run), 100);
    rl_run_destroy(run);
    rl_explore_result_free(&r);
    /* Round robin: the producer puts, the consumer gets it, time stays 0. */
    struct rl_run_config rc;
    char err[200];
    memset(&rc, 0, sizeof rc);
    rc.program = cfg.program;
    rc.sched.kind = RL_SCHED_RR;
    rc.sched.quantum = 1;
    run = rl_run_create(&rc, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    ck_assert(!failed(run, "item consumed"));
    ck_assert_int_eq(rl_run_now(run), 0);
    rl_run_destroy(run);
}
END_TEST

/* Nondeterminism outside the scheduler: every other run starts a third
 * thread, so a replayed prefix meets other options. */
static int setups;

static void flaky_setup(void *ctx)
{
    (void)ctx;
    flag = rl_var_create("flag", 0);
    rl_thread_start(NULL, one_thread, NULL);
    rl_thread_start(NULL, one_thread, NULL);
    if (setups++ % 2 == 1)
        rl_thread_start(NULL, one_thread, NULL);
}

START_TEST(test_nondeterminism_detected)
{
    struct rl_explore_config cfg;
    struct rl_explore_result r;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.setup = flaky_setup;
    cfg.max_preemptions = 2;
    setups = 0;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert_int_eq(r.stop, RL_EXPLORE_NONDETERMINISM);
    ck_assert_str_eq(r.error, "nondeterminism outside the scheduler: the same "
                              "choices led to different options by choice "
                              "point 1 (step 1)");
    rl_explore_result_free(&r);
}
END_TEST

static bool not_deadlock(void *ctx, const char *check)
{
    (void)ctx;
    return strcmp(check, "no deadlock") != 0;
}

START_TEST(test_check_filter)
{
    struct rl_explore_config cfg = lab_config("rlock-nesting", "lock");
    struct rl_explore_result r;
    cfg.check_counts = not_deadlock;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(!r.found);
    rl_explore_result_free(&r);
}
END_TEST

/* ---- the reduction never loses a bug ------------------------------------ */

/* Explore every variant of lab i at bounds 0..2 with and without the
 * reduction: the same verdict at the same level, never more schedules. */
START_TEST(test_reduction_keeps_verdicts_labs)
{
    const struct lab *l = lab_at(_i);
    for (int v = 0; v < l->nvariants; v++) {
        for (int k = 0; k <= 2; k++) {
            struct rl_explore_result a, b;
            struct rl_explore_config cfg =
                lab_config(l->name, l->variants[v].name);
            cfg.max_preemptions = k;
            cfg.max_runs = 200000;
            ck_assert_msg(rl_explore(&cfg, &a) == 0, "%s/%s: %s", l->name,
                          l->variants[v].name, a.error);
            cfg.no_reduction = true;
            ck_assert_msg(rl_explore(&cfg, &b) == 0, "%s/%s: %s", l->name,
                          l->variants[v].name, b.error);
            ck_assert_msg(a.found == b.found && a.cost == b.cost &&
                              a.exhaustive == b.exhaustive,
                          "%s/%s bound %d: reduced found=%d cost=%d (%s) "
                          "after %llu, unreduced found=%d cost=%d (%s) after "
                          "%llu",
                          l->name, l->variants[v].name, k, a.found, a.cost,
                          a.check, (unsigned long long)a.runs, b.found, b.cost,
                          b.check, (unsigned long long)b.runs);
            if (a.found)
                ck_assert_str_eq(a.check, b.check);
            ck_assert_uint_le(a.runs, b.runs);
            if (k == 0) /* bound 0 is one schedule, whatever the program
                           (and a fair run to judge a step limit) */
                ck_assert_uint_eq(b.runs - b.spin_runs, 1);
            rl_explore_result_free(&a);
            rl_explore_result_free(&b);
        }
    }
}
END_TEST

static Suite *explore_suite(void)
{
    Suite *s = suite_create("explore");
    TCase *tc = tcase_create("explore");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_unsafe_counter_one_preemption);
    tcase_add_test(tc, test_reorder_ten_setters_one_preemption);
    tcase_add_test(tc, test_rlock_nesting_lock_zero_preemptions);
    tcase_add_test(tc, test_producer_consumer_bugs);
    tcase_add_test(tc, test_locked_counter_full_coverage);
    tcase_add_test(tc, test_rlock_nesting_rlock_coverage);
    tcase_add_test(tc, test_systematic_cap_is_shared);
    tcase_add_test(tc, test_random_failure_is_shrunk);
    tcase_add_test(tc, test_same_seed_same_result);
    tcase_add_test(tc, test_phase2_gets_its_share);
    tcase_add_test(tc, test_guard_is_no_verdict);
    tcase_add_test(tc, test_fixed_phase2_lists);
    tcase_add_test(tc, test_spin_wait_is_not_a_bug);
    tcase_add_test(tc, test_spin_is_seen);
    tcase_add_test(tc, test_every_schedule_skips_phase2);
    tcase_add_test(tc, test_pct_spec_needs_the_step_limit);
    tcase_add_test(tc, test_nondeterminism_detected);
    tcase_add_test(tc, test_timeout_fired_as_choice);
    tcase_add_test(tc, test_timeout_round_robin_unchanged);
    tcase_add_test(tc, test_timeout_found_by_phase2);
    tcase_add_test(tc, test_queue_get_timeout_as_choice);
    tcase_add_test(tc, test_check_filter);
    tcase_add_loop_test(tc, test_reduction_keeps_verdicts_labs, 0,
                        lab_count());
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(explore_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed_n = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed_n == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
