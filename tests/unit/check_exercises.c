/* SPDX-License-Identifier: MIT */
/*
 * check_exercises.c - the exercise scenarios (labs/ex_*.c) against every
 * implementation we have: the reference solutions, the skeletons, and the
 * buggy versions in tests/fixtures/buggy/.
 *
 * - Each reference solution passes every scenario of its exercise under
 *   round robin (quanta 1..3), 300 random seeds and 200 PCT runs, with the
 *   exact list of checks, and on the os backend (with less work than its
 *   defaults where a thread yields each iteration: see os_params).
 * - Each skeleton fails, with the exact check and message under a fixed
 *   schedule. (These tests describe exercises/ as shipped: once a student
 *   solves an exercise, its skeleton test fails, as it should.)
 * - Each buggy implementation fails with the check the grader must report
 *   and its exact message: under a round-robin schedule when one shows the
 *   bug, else under the first of the random seeds 0..299 that does (the
 *   seed is part of the expectation), else (a timeout taken for a notify:
 *   only a timeout fired as a schedule choice shows it) under the schedule
 *   exploration found, replayed.
 *
 * The sim backend is deterministic, so every message is exact; the engine
 * adds " (step N)" to a failure recorded during the run. Runs that could
 * hang are in fork mode with a timeout; the engine's step limit ends a
 * spinning run first.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/explore.h"
#include "../../labs/exercise_scenarios.h"
#include "lib_pristine.h"

#define SEEDS 300
#define PCT_SEEDS 100
#define MAX_STEPS 200000
#define OS_TIMEOUT_MS 60000 /* os runs' wall-clock limit (see impls) */

RL_EXERCISE_IMPL_DECLARE(reference_, counter);
RL_EXERCISE_IMPL_DECLARE(reference_, rlock);
RL_EXERCISE_IMPL_DECLARE(reference_, bounded_semaphore);
RL_EXERCISE_IMPL_DECLARE(reference_, bounded_buffer);
RL_EXERCISE_IMPL_DECLARE(reference_, barrier);
RL_EXERCISE_IMPL_DECLARE(reference_, pool);
RL_EXERCISE_IMPL_DECLARE(reference_, transfer);
RL_EXERCISE_IMPL_DECLARE(student_, counter);
RL_EXERCISE_IMPL_DECLARE(student_, rlock);
RL_EXERCISE_IMPL_DECLARE(student_, bounded_semaphore);
RL_EXERCISE_IMPL_DECLARE(student_, bounded_buffer);
RL_EXERCISE_IMPL_DECLARE(student_, barrier);
RL_EXERCISE_IMPL_DECLARE(student_, pool);
RL_EXERCISE_IMPL_DECLARE(student_, transfer);

/* The buggy versions, tests/fixtures/buggy/NAME.c built with the prefix
 * buggy_NAME_. Weak: they link in only with the Makefile rule for
 * check_exercises; without it their tests fail with a message instead of the
 * whole test build failing to link. */
#define BUGGY(name, exercise)                                                  \
    extern const struct exercise##_impl buggy_##name##_##exercise##_impl       \
        __attribute__((weak))

BUGGY(counter_no_lock, counter);
BUGGY(counter_early_release, counter);
BUGGY(rlock_no_owner_check, rlock);
BUGGY(rlock_no_depth, rlock);
BUGGY(bounded_semaphore_no_bound, bounded_semaphore);
BUGGY(bounded_semaphore_no_notify, bounded_semaphore);
BUGGY(bounded_semaphore_timeout_as_notify, bounded_semaphore);
BUGGY(bounded_buffer_if_wait, bounded_buffer);
BUGGY(bounded_buffer_notify_one, bounded_buffer);
BUGGY(barrier_mixed_rounds, barrier);
BUGGY(barrier_notify_one, barrier);
BUGGY(pool_no_semaphore, pool);
BUGGY(pool_one_at_a_time, pool);
BUGGY(transfer_lock_order, transfer);
BUGGY(transfer_read_outside, transfer);
BUGGY(transfer_ring_order, transfer);

/* The reference and the skeleton of each exercise, in registry order, and
 * the parameters of its os run (test_reference_os): the os defaults,
 * except that scenarios whose threads call rl_yield() every iteration do
 * a tenth of the work. On a busy machine sched_yield hands the core to
 * another process for a whole time slice: at load 15 on 2 cores a barrier
 * round then takes 10 to 35 ms, and 1000 of them outlast the default 10 s
 * wall-clock limit (the run is slow, not stuck: every thread is at the
 * same round). 100 rounds took at most 3.3 s there in 24 runs (pool and
 * bounded_semaphore less); OS_TIMEOUT_MS allows 60 s, 18 times that. */
static const struct {
    const char *exercise;
    const void *reference;
    const void *skeleton;
    const char *os_params;
} impls[] = {
    {"counter", &reference_counter_impl, &student_counter_impl, NULL},
    {"rlock", &reference_rlock_impl, &student_rlock_impl, NULL},
    {"bounded_semaphore", &reference_bounded_semaphore_impl,
     &student_bounded_semaphore_impl, "iters=100"},
    {"bounded_buffer", &reference_bounded_buffer_impl,
     &student_bounded_buffer_impl, NULL},
    {"barrier", &reference_barrier_impl, &student_barrier_impl, "rounds=100"},
    {"pool", &reference_pool_impl, &student_pool_impl, "iters=100"},
    {"transfer", &reference_transfer_impl, &student_transfer_impl, NULL},
};
#define NEXERCISES ((int)(sizeof impls / sizeof impls[0]))

/* ---- running a scenario -------------------------------------------------- */

#define MAX_RESULTS 16

/* What a finished run said, copied out before the run is destroyed. */
struct outcome {
    enum rl_end end;
    bool passed;
    int nchecks;
    char name[MAX_RESULTS][48];
    bool ok[MAX_RESULTS];
    char message[MAX_RESULTS][256];
    int first_failed; /* index of the first failed check, or -1 */
};

/* Whether scenario sc has a parameter named key. */
static bool scenario_has(const struct ex_scenario *sc, const char *key)
{
    for (int i = 0; i < sc->nparams; i++)
        if (strcmp(sc->params[i].key, key) == 0)
            return true;
    return false;
}

/* Set "k=v,k=v" (or "" / NULL) on in; with `known`, only the keys that
 * in's scenario has (else each must be one of them). */
static void set_params(struct ex_inst *in, const char *kvs, bool known)
{
    char buf[128], err[160];

    if (kvs == NULL || *kvs == '\0')
        return;
    snprintf(buf, sizeof buf, "%s", kvs);
    for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv != NULL;
         kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        ck_assert_msg(eq != NULL, "bad parameter %s", kv);
        *eq = '\0';
        if (known && !scenario_has(in->sc, kv))
            continue;
        ck_assert_msg(ex_inst_set(in, kv, atol(eq + 1), err, sizeof err) == 0,
                      "%s", err);
    }
}

/* Run scenario exercise/scenario on impl with params under sched (a
 * --sched spec; ignored on os) to its end. */
static void run_scenario(struct outcome *out, const char *exercise,
                         const char *scenario, const void *impl,
                         const char *params, const char *sched,
                         enum rl_backend backend)
{
    const struct ex_scenario *sc = ex_scenario_find(exercise, scenario);
    struct ex_inst in;
    char err[256] = "";

    ck_assert_msg(sc != NULL, "no scenario %s %s", exercise, scenario);
    ex_inst_init(&in, sc, impl, backend);
    set_params(&in, params, backend == RL_BACKEND_OS);
    struct rl_run_config cfg = {
        .program = ex_program(&in),
        .backend = backend,
        .max_steps = MAX_STEPS,
        .timeout_ms = backend == RL_BACKEND_OS ? OS_TIMEOUT_MS : 0,
    };
    if (backend == RL_BACKEND_SIM)
        ck_assert_msg(rl_sched_parse(sched, &cfg.sched, err, sizeof err) == 0,
                      "%s", err);
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    out->end = rl_run_finish(run);
    out->passed = rl_run_passed(run);
    out->nchecks = rl_run_check_count(run);
    ck_assert_int_le(out->nchecks, MAX_RESULTS);
    out->first_failed = -1;
    for (int i = 0; i < out->nchecks; i++) {
        struct rl_check_result r;
        rl_run_check(run, i, &r);
        snprintf(out->name[i], sizeof out->name[i], "%s", r.name);
        snprintf(out->message[i], sizeof out->message[i], "%s", r.message);
        out->ok[i] = r.ok;
        if (!r.ok && out->first_failed < 0)
            out->first_failed = i;
    }
    rl_run_destroy(run);
}

/* The check names of out, joined with ", ". */
static void check_names(const struct outcome *out, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (int i = 0; i < out->nchecks && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                              out->name[i]);
}

/* Fail the test with what a run that should have passed said. */
static void assert_passed(const struct outcome *out, const char *exercise,
                          const char *scenario, const char *sched)
{
    int f = out->first_failed;

    ck_assert_msg(out->passed && f < 0, "%s %s under %s: %s: %s", exercise,
                  scenario, sched, f >= 0 ? out->name[f] : "?",
                  f >= 0 ? out->message[f] : rl_end_name(out->end));
}

/* ---- the reference solutions --------------------------------------------- */

/* Each scenario of exercise _i, under every schedule we try. */
START_TEST(test_reference_passes)
{
    const struct ex_exercise *ex = ex_exercise_find(impls[_i].exercise);
    struct outcome out;
    char sched[48];

    ck_assert_ptr_nonnull(ex);
    for (int s = 0; s < ex->nscenarios; s++) {
        const char *name = ex->scenarios[s]->name;
        for (int q = 1; q <= 3; q++) {
            snprintf(sched, sizeof sched, "rr:%d", q);
            run_scenario(&out, ex->name, name, impls[_i].reference, NULL, sched,
                         RL_BACKEND_SIM);
            assert_passed(&out, ex->name, name, sched);
        }
        for (int seed = 0; seed < SEEDS; seed++) {
            snprintf(sched, sizeof sched, "random:%d", seed);
            run_scenario(&out, ex->name, name, impls[_i].reference, NULL, sched,
                         RL_BACKEND_SIM);
            assert_passed(&out, ex->name, name, sched);
        }
        for (int seed = 0; seed < PCT_SEEDS; seed++) {
            for (int depth = 2; depth <= 3; depth++) {
                snprintf(sched, sizeof sched, "pct:%d:%d", seed, depth);
                run_scenario(&out, ex->name, name, impls[_i].reference, NULL,
                             sched, RL_BACKEND_SIM);
                assert_passed(&out, ex->name, name, sched);
            }
        }
    }
}
END_TEST

/* Every scenario, and the checks it reports, in order. */
static const struct {
    const char *exercise, *scenario, *checks;
} scenario_checks[] = {
    {"counter", "concurrent", "final value"},
    {"counter", "single", "single thread"},
    {"rlock", "nesting", "mutual exclusion, release by owner, final value"},
    {"rlock", "single", "release by owner, release when free"},
    {"rlock", "non-owner", "non-owner release, release by owner"},
    {"bounded_semaphore", "limit", "limit, release by holder, final count"},
    {"bounded_semaphore", "single", "single thread"},
    {"bounded_semaphore", "over-release", "over-release"},
    {"bounded_buffer", "producers-consumers", "capacity, each item once"},
    {"bounded_buffer", "single", "FIFO order"},
    {"barrier", "rounds", "rounds"},
    {"barrier", "single", "single thread"},
    {"pool", "limit", "limit"},
    {"pool", "single", "single thread"},
    {"pool", "parallel", "parallelism"},
    {"transfer", "concurrent", "total money, balances"},
    {"transfer", "single", "single thread"},
    {"transfer", "cycle", "total money, balances"},
};

/* The reference's run lists the scenario's checks, then the engine's. */
START_TEST(test_reference_checks)
{
    const char *exercise = scenario_checks[_i].exercise;
    const void *impl = NULL;
    struct outcome out;
    char want[256], got[512];

    for (int e = 0; e < NEXERCISES; e++)
        if (strcmp(impls[e].exercise, exercise) == 0)
            impl = impls[e].reference;
    run_scenario(&out, exercise, scenario_checks[_i].scenario, impl, NULL,
                 "rr:1", RL_BACKEND_SIM);
    assert_passed(&out, exercise, scenario_checks[_i].scenario, "rr:1");
    snprintf(want, sizeof want, "%s, no deadlock, finishes, no misuse",
             scenario_checks[_i].checks);
    check_names(&out, got, sizeof got);
    ck_assert_str_eq(got, want);
}
END_TEST

/* Every scenario of exercise _i passes on real threads with the os
 * defaults (large enough for real races to show). */
START_TEST(test_reference_os)
{
    const struct ex_exercise *ex = ex_exercise_find(impls[_i].exercise);
    struct outcome out;

    for (int s = 0; s < ex->nscenarios; s++) {
        run_scenario(&out, ex->name, ex->scenarios[s]->name,
                     impls[_i].reference, impls[_i].os_params, NULL,
                     RL_BACKEND_OS);
        assert_passed(&out, ex->name, ex->scenarios[s]->name, "os");
    }
}
END_TEST

/* ---- skeletons and buggy implementations --------------------------------- */

/* An implementation that must fail: under sched (a fixed schedule, or
 * replay:CHOICES), or, with sched NULL, under random:seed, the first
 * failing seed of 0..299;
 * the first failed check must be `check` with exactly `message`. */
struct failing {
    const char *what; /* for messages: the file */
    const char *exercise;
    const char *scenario;
    const void *impl;
    const char *params;
    const char *sched;
    int seed;
    const char *check;
    const char *message;
};

/* Run f and compare the first failed check with the expectation. */
static void assert_fails(const struct failing *f)
{
    struct outcome out;
    char sched[48];

    ck_assert_msg(f->impl != NULL,
                  "tests/fixtures/buggy/%s is not linked in: build it with "
                  "-DRL_EXERCISE_PREFIX=buggy_NAME_ into check_exercises",
                  f->what);
    if (f->sched != NULL) {
        snprintf(sched, sizeof sched, "%s", f->sched);
        run_scenario(&out, f->exercise, f->scenario, f->impl, f->params, sched,
                     RL_BACKEND_SIM);
    } else {
        int seed = 0;
        for (; seed < SEEDS; seed++) {
            snprintf(sched, sizeof sched, "random:%d", seed);
            run_scenario(&out, f->exercise, f->scenario, f->impl, f->params,
                         sched, RL_BACKEND_SIM);
            if (!out.passed)
                break;
        }
        ck_assert_msg(seed < SEEDS, "%s: no seed of 0..%d fails %s", f->what,
                      SEEDS - 1, f->scenario);
        ck_assert_msg(seed == f->seed, "%s: first failing seed %d, not %d",
                      f->what, seed, f->seed);
    }
    ck_assert_msg(!out.passed && out.first_failed >= 0, "%s passes %s under %s",
                  f->what, f->scenario, sched);
    int i = out.first_failed;
    ck_assert_msg(strcmp(out.name[i], f->check) == 0 &&
                      strcmp(out.message[i], f->message) == 0,
                  "%s under %s: got [%s] \"%s\", expected [%s] \"%s\"", f->what,
                  sched, out.name[i], out.message[i], f->check, f->message);
}

static const struct failing skeletons[] = {
    {"exercises/counter.c", "counter", "concurrent", &student_counter_impl,
     NULL, "rr:1", 0, "final value", "counter = 3, expected 6: 3 updates lost"},
    {"exercises/rlock.c", "rlock", "single", &student_rlock_impl, NULL, "rr:1",
     0, "no deadlock",
     "deadlock: T0 holds rlock.lock, waits for rlock.lock (held by T0)"},
    {"exercises/rlock.c", "rlock", "non-owner", &student_rlock_impl, NULL,
     "rr:1", 0, "non-owner release",
     "T1 called release() on the RLock owned by T0 and got RL_OK; expected "
     "RL_ERR_NOT_OWNER (cannot release un-acquired lock)"},
    {"exercises/bounded_semaphore.c", "bounded_semaphore", "over-release",
     &student_bounded_semaphore_impl, NULL, "rr:1", 0, "over-release",
     "release() on a new BoundedSemaphore(2) (count at its bound) returned "
     "RL_OK; expected RL_ERR_TOO_MANY (Semaphore released too many times) "
     "(step 4)"},
    {"exercises/bounded_semaphore.c", "bounded_semaphore", "limit",
     &student_bounded_semaphore_impl, NULL, "rr:1", 0, "limit",
     "3 threads were inside the section at once (limit 2) (step 15)"},
    {"exercises/bounded_buffer.c", "bounded_buffer", "producers-consumers",
     &student_bounded_buffer_impl, NULL, "rr:1", 0, "each item once",
     "item 1 was never consumed (6 problems in all)"},
    {"exercises/barrier.c", "barrier", "rounds", &student_barrier_impl, NULL,
     NULL, 0, "rounds",
     "T1 started round 3 before T2 finished round 2 (step 60)"},
    {"exercises/pool.c", "pool", "limit", &student_pool_impl, NULL, "rr:1", 0,
     "limit", "3 threads were inside the section at once (limit 2) (step 8)"},
    {"exercises/transfer.c", "transfer", "concurrent", &student_transfer_impl,
     NULL, "rr:2", 0, "total money", "total money 339, expected 300"},
};

/* Skeleton _i fails as shipped. */
START_TEST(test_skeleton_fails)
{
    if (!test_exercise_pristine(skeletons[_i].what)) {
        fprintf(stderr, "note: %s was edited; its skeleton test is skipped\n",
                skeletons[_i].what);
        return;
    }
    assert_fails(&skeletons[_i]);
}
END_TEST

static const struct failing buggy[] = {
    {"counter_no_lock.c", "counter", "concurrent",
     &buggy_counter_no_lock_counter_impl, NULL, "rr:1", 0, "final value",
     "counter = 3, expected 6: 3 updates lost"},
    {"counter_early_release.c", "counter", "concurrent",
     &buggy_counter_early_release_counter_impl, NULL, "rr:2", 0, "final value",
     "counter = 5, expected 6: 1 update lost"},
    {"rlock_no_owner_check.c", "rlock", "non-owner",
     &buggy_rlock_no_owner_check_rlock_impl, NULL, "rr:1", 0,
     "non-owner release",
     "T1 called release() on the RLock owned by T0 and got RL_OK; expected "
     "RL_ERR_NOT_OWNER (cannot release un-acquired lock)"},
    {"rlock_no_owner_check.c", "rlock", "single",
     &buggy_rlock_no_owner_check_rlock_impl, NULL, "rr:1", 0,
     "release when free",
     "release() of an RLock that nobody holds returned RL_OK, expected "
     "RL_ERR_NOT_OWNER (cannot release un-acquired lock) (step 40)"},
    {"rlock_no_depth.c", "rlock", "nesting", &buggy_rlock_no_depth_rlock_impl,
     NULL, "rr:1", 0, "release by owner",
     "T0 acquired the RLock 2 times, but its release number 2 returned "
     "RL_ERR_NOT_OWNER (step 38)"},
    {"bounded_semaphore_no_bound.c", "bounded_semaphore", "over-release",
     &buggy_bounded_semaphore_no_bound_bounded_semaphore_impl, NULL, "rr:1", 0,
     "over-release",
     "release() on a new BoundedSemaphore(2) (count at its bound) returned "
     "RL_OK; expected RL_ERR_TOO_MANY (Semaphore released too many times) "
     "(step 7)"},
    {"bounded_semaphore_no_notify.c", "bounded_semaphore", "limit",
     &buggy_bounded_semaphore_no_notify_bounded_semaphore_impl, NULL, "rr:1", 0,
     "no deadlock",
     "deadlock: T2 waits for a notify on bsem.nonzero; main waits to join "
     "T2"},
    /* Only a timeout fired while a holder can run shows it (see
     * test_timeout_bug_needs_timeout_choices): the schedule explore found. */
    {"bounded_semaphore_timeout_as_notify.c", "bounded_semaphore", "limit",
     &buggy_bounded_semaphore_timeout_as_notify_bounded_semaphore_impl, NULL,
     "replay:0x8.1x8.2x9", 0, "limit",
     "3 threads were inside the section at once (limit 2) (step 26)"},
    {"bounded_buffer_if_wait.c", "bounded_buffer", "producers-consumers",
     &buggy_bounded_buffer_if_wait_bounded_buffer_impl, NULL, "rr:1", 0,
     "each item once", "item 2 was never consumed (2 problems in all)"},
    {"bounded_buffer_notify_one.c", "bounded_buffer", "producers-consumers",
     &buggy_bounded_buffer_notify_one_bounded_buffer_impl, NULL, NULL, 2,
     "no deadlock",
     "deadlock: P0 waits for a notify on buf.changed; P1 waits for a notify "
     "on buf.changed; C0 waits for a notify on buf.changed; C1 waits for a "
     "notify on buf.changed"},
    {"barrier_mixed_rounds.c", "barrier", "rounds",
     &buggy_barrier_mixed_rounds_barrier_impl, NULL, "rr:1", 0, "rounds",
     "T2 started round 3 before T0 finished round 2 (step 55)"},
    {"barrier_notify_one.c", "barrier", "rounds",
     &buggy_barrier_notify_one_barrier_impl, NULL, "rr:1", 0, "no deadlock",
     "deadlock: T0 waits for a notify on barrier.released; T1 waits for a "
     "notify on barrier.released; T2 waits for a notify on "
     "barrier.released"},
    {"pool_no_semaphore.c", "pool", "limit", &buggy_pool_no_semaphore_pool_impl,
     NULL, "rr:1", 0, "limit",
     "3 threads were inside the section at once (limit 2) (step 20)"},
    {"pool_one_at_a_time.c", "pool", "parallel",
     &buggy_pool_one_at_a_time_pool_impl, NULL, "rr:1", 0, "parallelism",
     "only 1 worker could be inside at once; the pool must admit 3 (step "
     "11)"},
    {"transfer_lock_order.c", "transfer", "concurrent",
     &buggy_transfer_lock_order_transfer_impl, NULL, "rr:1", 0, "no deadlock",
     "deadlock: T0 holds lock0, waits for lock1 (held by T1); T1 holds "
     "lock1, waits for lock0 (held by T0); main waits to join T0"},
    {"transfer_read_outside.c", "transfer", "concurrent",
     &buggy_transfer_read_outside_transfer_impl, NULL, "rr:1", 0, "total money",
     "total money 322, expected 300"},
    {"transfer_ring_order.c", "transfer", "cycle",
     &buggy_transfer_ring_order_transfer_impl, NULL, "rr:1", 0, "no deadlock",
     "deadlock: T0 holds lock0, waits for lock1 (held by T1); T1 holds "
     "lock1, waits for lock2 (held by T2); T2 holds lock2, waits for lock0 "
     "(held by T0); main waits to join T0"},
};

/* The partial-order reduction of explore never loses a bug: every
 * scenario of buggy implementation _i, explored at bounds 0..2 with and
 * without it, fails the same check at the same bound (or passes both). */
START_TEST(test_buggy_reduction_keeps_verdicts)
{
    const struct failing *f = &buggy[_i];
    const struct ex_exercise *ex = ex_exercise_find(f->exercise);
    ck_assert_ptr_nonnull(f->impl);
    ck_assert_ptr_nonnull(ex);
    for (int s = 0; s < ex->nscenarios; s++) {
        for (int k = 0; k <= 2; k++) {
            struct rl_explore_result a, b;
            struct rl_explore_config cfg;
            struct ex_inst in;
            ex_inst_init(&in, ex->scenarios[s], f->impl, RL_BACKEND_SIM);
            memset(&cfg, 0, sizeof cfg);
            cfg.program = ex_program(&in);
            cfg.max_preemptions = k;
            cfg.max_steps = 2000;
            cfg.max_runs = 100000;
            ck_assert_int_eq(rl_explore(&cfg, &a), 0);
            cfg.no_reduction = true;
            ck_assert_int_eq(rl_explore(&cfg, &b), 0);
            ck_assert_msg(a.found == b.found && a.cost == b.cost &&
                              a.exhaustive == b.exhaustive &&
                              (!a.found || strcmp(a.check, b.check) == 0),
                          "%s %s bound %d: reduced found=%d cost=%d '%s', "
                          "unreduced found=%d cost=%d '%s'",
                          f->what, ex->scenarios[s]->name, k, a.found, a.cost,
                          a.check, b.found, b.cost, b.check);
            ck_assert_uint_le(a.runs, b.runs);
            rl_explore_result_free(&a);
            rl_explore_result_free(&b);
        }
    }
}
END_TEST

/* A BoundedSemaphore that takes a timeout for a notify passes round robin
 * and every random seed (time passes only when nothing can run), and
 * exploration finds it by firing the timeout while a holder can run. */
START_TEST(test_timeout_bug_needs_timeout_choices)
{
    const void *impl =
        &buggy_bounded_semaphore_timeout_as_notify_bounded_semaphore_impl;
    struct outcome out;
    char sched[32];

    ck_assert_ptr_nonnull(impl);
    for (int q = 1; q <= 3; q++) {
        snprintf(sched, sizeof sched, "rr:%d", q);
        run_scenario(&out, "bounded_semaphore", "limit", impl, NULL, sched,
                     RL_BACKEND_SIM);
        assert_passed(&out, "bounded_semaphore", "limit", sched);
    }
    for (int seed = 0; seed < SEEDS; seed++) {
        snprintf(sched, sizeof sched, "random:%d", seed);
        run_scenario(&out, "bounded_semaphore", "limit", impl, NULL, sched,
                     RL_BACKEND_SIM);
        assert_passed(&out, "bounded_semaphore", "limit", sched);
    }
    struct rl_explore_result r;
    struct rl_explore_config cfg;
    struct ex_inst in;
    ex_inst_init(&in, ex_scenario_find("bounded_semaphore", "limit"), impl,
                 RL_BACKEND_SIM);
    memset(&cfg, 0, sizeof cfg);
    cfg.program = ex_program(&in);
    cfg.max_preemptions = 2;
    cfg.max_steps = 2000;
    ck_assert_int_eq(rl_explore(&cfg, &r), 0);
    ck_assert(r.found);
    ck_assert_str_eq(r.check, "limit");
    ck_assert_str_eq(r.message,
                     "3 threads were inside the section at once (limit 2) "
                     "(step 26)");
    ck_assert_str_eq(r.choices, "0x8.1x8.2x9");
    ck_assert_int_eq(r.cost, 1); /* the timeout: the one costly pick */
    ck_assert_uint_eq(r.runs, 39);
    rl_explore_result_free(&r);
}
END_TEST

/* What one run of the timeout bug under a --sched spec did. */
struct spec_run {
    enum rl_end end;
    char check[48]; /* the first failed check, or "" */
    uint64_t steps;
    int preemptions;
    char choices[1024];
};

/* Run the BoundedSemaphore that takes a timeout for a notify, scenario
 * "limit" with params, under spec, with the step limit explore had. */
static void run_timeout_bug(const char *params, const char *spec,
                            struct spec_run *out)
{
    const void *impl =
        &buggy_bounded_semaphore_timeout_as_notify_bounded_semaphore_impl;
    struct ex_inst in;
    char err[256];

    ex_inst_init(&in, ex_scenario_find("bounded_semaphore", "limit"), impl,
                 RL_BACKEND_SIM);
    set_params(&in, params, false);
    struct rl_run_config cfg = {.program = ex_program(&in), .max_steps = 2000};
    ck_assert_msg(rl_sched_parse(spec, &cfg.sched, err, sizeof err) == 0,
                  "%s", err);
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    out->end = rl_run_finish(run);
    out->check[0] = '\0';
    for (int i = rl_run_check_count(run) - 1; i >= 0; i--) {
        struct rl_check_result r;
        rl_run_check(run, i, &r);
        if (!r.ok)
            snprintf(out->check, sizeof out->check, "%s", r.name);
    }
    out->steps = rl_run_record_last(run);
    out->preemptions = rl_run_preemptions(run);
    ck_assert_uint_lt(rl_run_choices(run, NULL, 0), sizeof out->choices);
    rl_run_choices(run, out->choices, sizeof out->choices);
    rl_run_destroy(run);
}

/* A failure explore's random or PCT phase finds in the timeout bug comes
 * back under the spec the report prints (rl_explore_found_sched, with
 * ":timeouts"): the same check, steps and preemptions as found, before
 * shrinking; the same spec without the marker runs another schedule, one
 * that passes (time passes only when nothing can run). */
START_TEST(test_timeout_bug_found_spec_reproduces)
{
    static const struct {
        bool pct;
        const char *params;
        uint64_t runs; /* the find is the last of them */
        const char *spec, *plain;
        int found_preemptions, preemptions;
    } cases[] = {
        {false, "", 145, "random:234609647:timeouts", "random:234609647", 27,
         6},
        {true, "threads=4,value=1", 15, "pct:774701369:3:timeouts",
         "pct:774701369:3", 10, 3},
    };
    const void *impl =
        &buggy_bounded_semaphore_timeout_as_notify_bounded_semaphore_impl;

    ck_assert_ptr_nonnull(impl);
    for (int c = 0; c < 2; c++) {
        struct rl_explore_result r;
        struct rl_explore_config cfg;
        struct rl_sched sched;
        struct ex_inst in;
        struct spec_run with, without;
        char spec[64];

        ex_inst_init(&in, ex_scenario_find("bounded_semaphore", "limit"),
                     impl, RL_BACKEND_SIM);
        set_params(&in, cases[c].params, false);
        memset(&cfg, 0, sizeof cfg);
        cfg.program = ex_program(&in);
        cfg.max_steps = 2000;
        cfg.skip_systematic = true;
        if (cases[c].pct)
            cfg.pct_runs = 50;
        else
            cfg.random_runs = 200;
        ck_assert_int_eq(rl_explore(&cfg, &r), 0);
        ck_assert(r.found);
        ck_assert_uint_eq(r.runs, cases[c].runs);
        ck_assert_int_eq(r.phase,
                         cases[c].pct ? RL_EXPLORE_PCT : RL_EXPLORE_RANDOM);
        ck_assert(rl_explore_found_sched(&r, &sched));
        ck_assert(sched.timeouts);
        rl_sched_format(&sched, spec, sizeof spec);
        ck_assert_str_eq(spec, cases[c].spec);
        ck_assert_int_eq(r.found_preemptions, cases[c].found_preemptions);
        ck_assert_int_eq(r.preemptions, cases[c].preemptions); /* shrunk */

        run_timeout_bug(cases[c].params, spec, &with);
        ck_assert_int_eq(with.end, RL_END_FAILED);
        ck_assert_str_eq(with.check, r.check);
        ck_assert_uint_eq(with.steps, r.found_steps);
        ck_assert_int_eq(with.preemptions, r.found_preemptions);
        run_timeout_bug(cases[c].params, cases[c].plain, &without);
        ck_assert_int_eq(without.end, RL_END_DONE);
        ck_assert_str_eq(without.check, "");
        ck_assert_str_ne(without.choices, with.choices);
        rl_explore_result_free(&r);
    }
}
END_TEST

/* A lock order that is right for every pair of accounts but not transitive
 * passes the two-thread scenarios under every schedule within 2
 * preemptions; only three transfers around the cycle deadlock it. */
START_TEST(test_ring_order_needs_three_threads)
{
    const void *impl = &buggy_transfer_ring_order_transfer_impl;
    static const char *const passing[] = {"concurrent", "single"};

    ck_assert_ptr_nonnull(impl);
    for (int s = 0; s < 2; s++) {
        struct rl_explore_result r;
        struct rl_explore_config cfg;
        struct ex_inst in;
        ex_inst_init(&in, ex_scenario_find("transfer", passing[s]), impl,
                     RL_BACKEND_SIM);
        memset(&cfg, 0, sizeof cfg);
        cfg.program = ex_program(&in);
        cfg.max_preemptions = 2;
        cfg.max_steps = 2000;
        ck_assert_int_eq(rl_explore(&cfg, &r), 0);
        ck_assert_msg(!r.found, "%s: %s", passing[s], r.message);
        ck_assert(r.exhaustive);
        rl_explore_result_free(&r);
    }
}
END_TEST

/* Buggy implementation _i is caught, with the right check and message. */
START_TEST(test_buggy_caught)
{
    assert_fails(&buggy[_i]);
}
END_TEST

/* ---- the registry and parameters ----------------------------------------- */

/* Seven exercises in teaching order, each findable with its scenarios. */
START_TEST(test_registry)
{
    ck_assert_int_eq(ex_exercise_count(), NEXERCISES);
    for (int i = 0; i < NEXERCISES; i++) {
        const struct ex_exercise *ex = ex_exercise_at(i);
        ck_assert_str_eq(ex->name, impls[i].exercise);
        ck_assert_ptr_eq(ex_exercise_find(ex->name), ex);
        ck_assert_int_ge(ex->nscenarios, 2);
        ck_assert_int_eq(ex->scenarios[0]->kind, EX_CONCURRENT);
        for (int s = 0; s < ex->nscenarios; s++) {
            ck_assert_str_eq(ex->scenarios[s]->exercise, ex->name);
            ck_assert_ptr_eq(ex_scenario_find(ex->name, ex->scenarios[s]->name),
                             ex->scenarios[s]);
        }
    }
    ck_assert_ptr_null(ex_exercise_at(NEXERCISES));
    ck_assert_ptr_null(ex_exercise_find("nope"));
    ck_assert_ptr_null(ex_scenario_find("counter", "nope"));
    ck_assert_str_eq(ex_status_name(RL_ERR_NOT_OWNER), "RL_ERR_NOT_OWNER");
}
END_TEST

/* Every scenario's state_size is what its setup allocates: the bytes a
 * child sends for racelab to judge (core/child.h, OBSERVE). */
START_TEST(test_state_size)
{
    for (int i = 0; i < NEXERCISES; i++) {
        const struct ex_exercise *ex = ex_exercise_at(i);
        for (int s = 0; s < ex->nscenarios; s++) {
            const struct ex_scenario *sc = ex->scenarios[s];
            struct ex_inst in;
            struct rl_run_config cfg;
            char err[256];
            ex_inst_init(&in, sc, impls[i].reference, RL_BACKEND_SIM);
            memset(&cfg, 0, sizeof cfg);
            cfg.program = ex_program(&in);
            cfg.sched.kind = RL_SCHED_RR;
            cfg.sched.quantum = 1;
            struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
            ck_assert_msg(run != NULL, "%s", err);
            ck_assert_msg(sc->state_size > 0 &&
                              in.state_allocated == sc->state_size,
                          "%s %s: state_size %zu, setup allocates %zu",
                          ex->name, sc->name, sc->state_size,
                          in.state_allocated);
            rl_run_destroy(run);
        }
    }
}
END_TEST

/* A scenario's check judges a copy of the state in racelab's process: on
 * a hostile copy (every byte 0x01: each pointer a bad address, each count
 * huge, each bool true; or all zero) it never follows a pointer of the
 * state nor indexes past an array, and reports what it read. */
START_TEST(test_check_hostile_state)
{
    static const unsigned char fills[] = {0x01, 0x00};
    for (int i = 0; i < NEXERCISES; i++) {
        const struct ex_exercise *ex = ex_exercise_at(i);
        for (int s = 0; s < ex->nscenarios; s++) {
            const struct ex_scenario *sc = ex->scenarios[s];
            for (size_t f = 0; f < sizeof fills; f++) {
                struct ex_inst in;
                struct rl_run_config cfg;
                char err[256];
                ex_inst_init(&in, sc, impls[i].reference, RL_BACKEND_SIM);
                memset(&cfg, 0, sizeof cfg);
                cfg.program = ex_program(&in);
                cfg.sched.kind = RL_SCHED_RR;
                cfg.sched.quantum = 1;
                struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
                ck_assert_msg(run != NULL, "%s", err);
                void *copy = malloc(sc->state_size);
                ck_assert_ptr_nonnull(copy);
                memset(copy, fills[f], sc->state_size);
                sc->check(run, in.params, copy);
                free(copy);
                if (i == 0 && s == 0 && fills[f] == 0x01) {
                    struct rl_check_result c;
                    ck_assert_int_eq(rl_run_check_count(run), 1);
                    rl_run_check(run, 0, &c);
                    ck_assert_str_eq(c.name, "final value");
                    ck_assert_str_eq(c.message,
                                     "counter = 72340172838076673, expected "
                                     "6: 72340172838076667 more than the "
                                     "increments made");
                }
                rl_run_destroy(run);
            }
        }
    }
}
END_TEST

/* Defaults per backend; out-of-range and unknown keys are refused. */
START_TEST(test_params)
{
    const struct ex_scenario *sc = ex_scenario_find("counter", "concurrent");
    struct ex_inst in;
    char err[160];

    ex_inst_init(&in, sc, &reference_counter_impl, RL_BACKEND_SIM);
    ck_assert_int_eq(in.params[0], 2);
    ck_assert_int_eq(in.params[1], 3);
    ex_inst_init(&in, sc, &reference_counter_impl, RL_BACKEND_OS);
    ck_assert_int_eq(in.params[0], 4);
    ck_assert_int_eq(in.params[1], 100000);
    ck_assert_int_eq(ex_inst_set(&in, "threads", 5, err, sizeof err), 0);
    ck_assert_int_eq(in.params[0], 5);
    ck_assert_int_eq(ex_inst_set(&in, "threads", 99, err, sizeof err), -1);
    ck_assert_str_eq(err, "threads must be a whole number from 1 to 16, not '99'");
    ck_assert_int_eq(ex_inst_set(&in, "x", 1, err, sizeof err), -1);
    ck_assert_str_eq(err, "unknown parameter 'x' for counter concurrent");
}
END_TEST

/* Parameters reach the scenario: 3 threads x 4 increments make 12. */
START_TEST(test_params_used)
{
    struct outcome out;

    run_scenario(&out, "counter", "concurrent", &reference_counter_impl,
                 "threads=3,iters=4", "random:1", RL_BACKEND_SIM);
    ck_assert(out.passed);
    ck_assert_str_eq(out.message[0], "counter = 12, as expected");
}
END_TEST

static Suite *exercises_suite(void)
{
    Suite *s = suite_create("exercises");
    TCase *tc = tcase_create("reference");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_reference_passes, 0, NEXERCISES);
    tcase_add_loop_test(
        tc, test_reference_checks, 0,
        (int)(sizeof scenario_checks / sizeof scenario_checks[0]));
    tcase_add_loop_test(tc, test_reference_os, 0, NEXERCISES);
    suite_add_tcase(s, tc);

    tc = tcase_create("failing");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_skeleton_fails, 0,
                        (int)(sizeof skeletons / sizeof skeletons[0]));
    tcase_add_test(tc, test_timeout_bug_needs_timeout_choices);
    tcase_add_test(tc, test_timeout_bug_found_spec_reproduces);
    tcase_add_test(tc, test_ring_order_needs_three_threads);
    tcase_add_loop_test(tc, test_buggy_caught, 0,
                        (int)(sizeof buggy / sizeof buggy[0]));
    tcase_add_loop_test(tc, test_buggy_reduction_keeps_verdicts, 0,
                        (int)(sizeof buggy / sizeof buggy[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("registry");
    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_registry);
    tcase_add_test(tc, test_state_size);
    tcase_add_test(tc, test_check_hostile_state);
    tcase_add_test(tc, test_params);
    tcase_add_test(tc, test_params_used);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(exercises_suite());

    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
