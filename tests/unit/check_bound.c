/* SPDX-License-Identifier: MIT */
/*
 * check_bound.c - a differential check of the bounded search
 * (core/explore*.c) against schedules found without it.
 *
 * The programs are small buggy counters written here against the student
 * API: workers increment a variable under a Lock, and one worker, at one
 * value, lets the Lock go between its load and its store (the "released
 * too early" bug, reachable only in some interleavings), or takes no Lock
 * at all. For each, and each bound K (0, 1, 2), with and without the
 * reduction:
 *
 * - an independent side finds failing schedules: every schedule whose
 *   cost is at most K (a depth-first enumeration written here), and
 *   seeded random schedules. The cost is computed here by the definition
 *   of README and explore.h: a pick costs one unless it is round robin's
 *   (the thread that ran before if it can go on, else the next runnable
 *   one by id, cyclically);
 * - a failing schedule replays with that cost as its preemption count
 *   (what `racelab replay` prints), and if the cost is at most K the
 *   search at bound K must find a failure, at a cost no higher;
 * - the search's own counterexample replays, fails the same check, and
 *   has the preemption count the search reported, which is its cost.
 *
 * A search that says "no failure within K preemptions" while a run of a
 * schedule it skipped says "K preemptions" was a bug of this kind: the
 * run counted only switches away from a thread that could go on, not the
 * delays the search charges (README: a preemption is any pick round robin
 * would not make).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/explore.h"
#include "../../core/racelab.h"
#include "../../core/run.h"

/* ---- the programs -------------------------------------------------------- */

/* One buggy counter: workers x iters increments; worker `slow` lets the
 * Lock go before its store when it loaded `at` (slow < 0: never); no
 * Lock at all when unlocked. */
struct counter_prog {
    int workers, iters, slow;
    long at;
    bool unlocked;
    bool main; /* a thread "main" joins the workers and reads the value
                  under the Lock (the counter exercise's scenarios) */
};

static struct counter_prog prog_now;
static rl_lock *lock;
static rl_var *value;

/* A worker: iters increments. */
static void worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < prog_now.iters; i++) {
        if (!prog_now.unlocked)
            rl_lock_acquire(lock);
        long v = rl_load(value);
        if (!prog_now.unlocked && rl_self() == prog_now.slow &&
            v == prog_now.at) {
            rl_lock_release(lock);
            rl_lock_acquire(lock);
        }
        rl_store(value, v + 1);
        if (!prog_now.unlocked)
            rl_lock_release(lock);
    }
}

static rl_thread *workers[8];

/* main: join every worker, then read the value under the Lock. */
static void joiner(void *arg)
{
    (void)arg;
    for (int t = 0; t < prog_now.workers; t++)
        rl_thread_join(workers[t]);
    rl_lock_acquire(lock);
    (void)rl_load(value);
    rl_lock_release(lock);
}

static void counter_setup(void *ctx)
{
    (void)ctx;
    lock = rl_lock_create("L");
    value = rl_var_create("value", 0);
    for (int t = 0; t < prog_now.workers; t++)
        workers[t] = rl_thread_start(NULL, worker, NULL);
    if (prog_now.main)
        rl_thread_start("main", joiner, NULL);
}

static void counter_check(struct rl_run *run, void *ctx)
{
    (void)ctx;
    long want = (long)prog_now.workers * prog_now.iters;
    long got = rl_load(value);
    rl_check(run, "final value", got == want, "value = %ld, expected %ld", got,
             want);
}

static const struct rl_program counter_program = {counter_setup, counter_check,
                                                  NULL, NULL};

/* Whether the program's check failed in run. */
static bool run_failed(const struct rl_run *run)
{
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result r;
        rl_run_check(run, i, &r);
        if (!r.ok && strcmp(r.name, "final value") == 0)
            return true;
    }
    return false;
}

/* ---- the independent side ------------------------------------------------ */

#define MAX_PICKS 256

/* A run driven from here: follow prefix, then (random) pick by an LCG or
 * (enumerate) stop at the first new point, noting its options. The cost
 * of every pick is computed by the definition (see the top). */
struct driver {
    int16_t picks[MAX_PICKS];
    int len, n; /* picks to follow; picks made */
    int cost;
    bool random;
    uint64_t rng;
    bool reached; /* enumerate: a point past the prefix was reached */
    int nopts, def;
    int opts[RL_MAX_THREADS];
};

/* The pick round robin makes at c (README's definition). */
static int definition_default(const struct rl_choice *c)
{
    if (c->kind != RL_CHOICE_THREAD)
        return 0;
    for (int i = 0; i < c->n; i++)
        if (c->options[i] == c->current)
            return i;
    for (int i = 0; i < c->n; i++)
        if (c->options[i] > c->current)
            return i;
    return 0;
}

static int driver_choose(void *ctx, const struct rl_choice *c)
{
    struct driver *d = ctx;
    int def = definition_default(c), pick = -1;
    int nall = c->n + c->ntimed;
    ck_assert_int_lt(d->n, MAX_PICKS);
    if (d->n < d->len) {
        for (int i = 0; i < nall; i++)
            if (c->options[i] == d->picks[d->n])
                pick = i;
        ck_assert_msg(pick >= 0, "the prefix does not replay");
    } else if (d->random) {
        d->rng = d->rng * 6364136223846793005ULL + 1442695040888963407ULL;
        pick = (int)((d->rng >> 33) % (uint64_t)nall);
    } else {
        d->reached = true;
        d->nopts = nall;
        d->def = def;
        for (int i = 0; i < nall; i++)
            d->opts[i] = c->options[i];
        return -1;
    }
    d->cost += pick != def;
    d->picks[d->n++] = (int16_t)c->options[pick];
    return pick;
}

/* Run the program under d; returns whether it failed (and finished). */
static bool driver_run(struct driver *d)
{
    struct rl_run_config rc;
    char err[200];
    memset(&rc, 0, sizeof rc);
    rc.program = counter_program;
    rc.sched.kind = RL_SCHED_CUSTOM;
    rc.sched.choose = driver_choose;
    rc.sched.choose_ctx = d;
    rc.max_steps = 2000;
    d->n = 0;
    d->cost = 0;
    d->reached = false;
    struct rl_run *run = rl_run_create(&rc, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    bool bad = rl_run_end(run) == RL_END_DONE && run_failed(run);
    rl_run_destroy(run);
    return bad;
}

/* Replay the choices text; returns the run (the caller destroys it). */
static struct rl_run *replay_text(const char *choices)
{
    struct rl_run_config rc;
    char err[200];
    memset(&rc, 0, sizeof rc);
    rc.program = counter_program;
    rc.sched.kind = RL_SCHED_REPLAY;
    rc.sched.choices = choices;
    rc.max_steps = 2000;
    struct rl_run *run = rl_run_create(&rc, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    return run;
}

/* The schedule d made, as a choices text (run-length encoded). */
static void driver_text(const struct driver *d, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int i = 0; i < d->n;) {
        int j = i;
        while (j < d->n && d->picks[j] == d->picks[i])
            j++;
        int w = j - i == 1 ? snprintf(buf + at, len - at, "%s%d", at ? "." : "",
                                      d->picks[i])
                           : snprintf(buf + at, len - at, "%s%dx%d",
                                      at ? "." : "", d->picks[i], j - i);
        ck_assert(w > 0 && (size_t)w < len - at);
        at += (size_t)w;
        i = j;
    }
}

/* The preemptions a replay of d's schedule reports (and that it fails). */
static int replayed_preemptions(const struct driver *d)
{
    char text[4 * MAX_PICKS];
    driver_text(d, text, sizeof text);
    struct rl_run *run = replay_text(text);
    ck_assert_msg(rl_run_end(run) == RL_END_DONE && run_failed(run),
                  "schedule %s does not fail on replay", text);
    int p = rl_run_preemptions(run);
    rl_run_destroy(run);
    return p;
}

/* The cheapest failing schedule of cost <= k below prefix d (depth first,
 * every option): its cost, or k + 1 when none fails. Each
 * failing schedule's replayed preemptions must be its cost. */
static int cheapest_failure(struct driver *d, int k, uint64_t *runs)
{
    bool bad = driver_run(d);
    (*runs)++;
    int cost = d->cost, best = k + 1;
    if (bad) {
        ck_assert_int_eq(replayed_preemptions(d), cost);
        return cost <= k ? cost : k + 1;
    }
    if (!d->reached)
        return k + 1;
    struct driver child = *d;
    int n = d->nopts, def = d->def, len = d->n;
    int opts[RL_MAX_THREADS];
    memcpy(opts, d->opts, sizeof opts);
    for (int i = 0; i < n; i++) {
        if (cost + (i != def) > k)
            continue;
        child.len = len + 1;
        memcpy(child.picks, d->picks, (size_t)len * sizeof(*d->picks));
        child.picks[len] = (int16_t)opts[i];
        int c = cheapest_failure(&child, k, runs);
        if (c < best)
            best = c;
    }
    return best;
}

/* ---- the differential check ---------------------------------------------- */

static const struct counter_prog progs[] = {
    /* 2 workers x 2: every worker and value */
    {2, 2, 0, 0, false, false},
    {2, 2, 0, 1, false, false},
    {2, 2, 0, 2, false, false},
    {2, 2, 0, 3, false, false},
    {2, 2, 1, 0, false, false},
    {2, 2, 1, 1, false, false},
    {2, 2, 1, 2, false, false},
    {2, 2, 1, 3, false, false},
    /* 3 workers x 1 and x 2: the last worker, late values */
    {3, 1, 2, 0, false, false},
    {3, 1, 2, 1, false, false},
    {3, 1, 2, 2, false, false},
    {3, 1, 0, 2, false, false},
    {3, 2, 2, 1, false, false},
    {3, 2, 2, 3, false, false},
    {3, 2, 0, 4, false, false},
    {3, 2, 1, 4, false, false},
    /* with main joining the workers (the exercise's scenarios) */
    {2, 2, 1, 2, false, true},
    {3, 2, 1, 4, false, true},
    /* no Lock at all */
    {2, 1, -1, 0, true, false},
    {2, 2, -1, 0, true, false},
};

#define NPROGS ((int)(sizeof progs / sizeof progs[0]))
#define RANDOM_RUNS 150

/* Search at bound k; check its counterexample replays with the count it
 * printed. Returns the found cost, or k + 1 for none. */
static int search(int k, bool no_reduction)
{
    struct rl_explore_config cfg;
    struct rl_explore_result r;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = counter_program;
    cfg.max_preemptions = k;
    cfg.max_steps = 2000;
    cfg.no_reduction = no_reduction;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert_int_eq(r.stop, RL_EXPLORE_DONE);
    int ret = k + 1;
    if (r.found) {
        ck_assert_int_eq(r.phase, RL_EXPLORE_SYSTEMATIC);
        ck_assert_str_eq(r.check, "final value");
        ck_assert_int_le(r.cost, k);
        ck_assert_int_eq(r.preemptions, r.cost);
        struct rl_run *run = replay_text(r.choices);
        ck_assert(run_failed(run));
        ck_assert_int_eq(rl_run_preemptions(run), r.preemptions);
        rl_run_destroy(run);
        ret = r.cost;
    } else {
        ck_assert(r.exhaustive);
    }
    rl_explore_result_free(&r);
    return ret;
}

START_TEST(test_search_agrees_with_runs)
{
    prog_now = progs[_i];
    /* The independent side: the cheapest failing schedule within 2, by
     * enumeration; then seeded random schedules. */
    struct driver d;
    uint64_t runs = 0;
    memset(&d, 0, sizeof d);
    int cheapest = cheapest_failure(&d, 2, &runs);
    int sampled = 99;
    for (int s = 0; s < RANDOM_RUNS; s++) {
        memset(&d, 0, sizeof d);
        d.random = true;
        d.rng = (uint64_t)s * 7919 + 1;
        if (!driver_run(&d))
            continue;
        ck_assert_int_eq(replayed_preemptions(&d), d.cost);
        if (d.cost < sampled)
            sampled = d.cost;
    }
    if (sampled <= 2)
        ck_assert_int_ge(sampled, cheapest);
    for (int k = 0; k <= 2; k++)
        for (int nr = 0; nr <= 1; nr++) {
            int found = search(k, nr);
            ck_assert_msg(found == (cheapest <= k ? cheapest : k + 1),
                          "program %d, bound %d%s: the search says %d, "
                          "the enumeration %d",
                          _i, k, nr ? " (no reduction)" : "", found, cheapest);
        }
}
END_TEST

/* The grader's report, reconstructed: the counter exercise's three-threads
 * scenario (3 workers x 2, main joins them) with worker T1 letting the
 * Lock go when it loaded 4. No schedule costing 2 fails, and the search
 * at bound 2 says so; the cheapest failing schedule costs 3: T2 first
 * instead of T0 (a delay), main while T2 could go on, T2 while T1 could
 * (two preemptions). A run used to count only the two preemptions and
 * print "2 preemptions" for a schedule the search at bound 2 had not
 * run; it prints 3, as the search at bound 3 does. */
START_TEST(test_release_at_four_needs_three)
{
    static const char *choices = "2x5.3x2.0x9.1x8.2x4.3x2";
    struct counter_prog p = {3, 2, 1, 4, false, true};
    prog_now = p;
    for (int nr = 0; nr <= 1; nr++) {
        ck_assert_int_eq(search(2, nr), 3);
        ck_assert_int_eq(search(3, nr), 3);
    }
    struct rl_run *run = replay_text(choices);
    ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
    ck_assert(run_failed(run));
    ck_assert_int_eq(rl_run_preemptions(run), 3);
    rl_run_destroy(run);
}
END_TEST

static Suite *bound_suite(void)
{
    Suite *s = suite_create("bound");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_search_agrees_with_runs, 0, NPROGS);
    tcase_add_test(tc, test_release_at_four_needs_three);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bound_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
