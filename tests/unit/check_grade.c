/* SPDX-License-Identifier: MIT */
/*
 * check_grade.c - the grader (tui/grade/): reference solutions score full
 * marks, every skeleton scores below full, each buggy implementation in
 * tests/fixtures/buggy/ is caught by the right check with the right message,
 * and the fake submissions in tests/fixtures/submissions/ (crash, endless loop,
 * exit(0), fake output, a forged result, a compile error, static state) are
 * each graded as failing with their outcome named while the other checks still
 * run. Same seed, same report.
 *
 * Run from the source directory (make check-build does): the grader finds
 * racelab's headers there to compile the submissions, and the program must
 * export the student API (-rdynamic) for them.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tui/grade/grade.h"
#include "../../tui/grade/grade_check.h"
#include "../../tui/grade/grade_child.h"
#include "../../tui/grade/grade_report.h"
#include "lib_pristine.h"

/* ---- helpers ------------------------------------------------------------ */

static struct grade_options base_options(const char *submission)
{
    struct grade_options o;
    memset(&o, 0, sizeof o);
    o.submission = submission;
    o.no_stress = true;
    o.budget_s = 20;
    return o;
}

static void grade(const struct grade_options *o, struct grade_report *r)
{
    char err[512] = "";
    int rc = grade_run(o, NULL, r, err, sizeof err);
    ck_assert_msg(rc == 0, "grade_run: %s", err);
}

/* The check of exercise ex named name ("safety: concurrent"). */
static const struct grade_check *find_check(const struct grade_report *r,
                                            const char *ex, const char *name)
{
    for (int i = 0; i < r->nchecks; i++)
        if (strcmp(r->checks[i].exercise, ex) == 0 &&
            strcmp(r->checks[i].name, name) == 0)
            return &r->checks[i];
    ck_abort_msg("no check '%s: %s' in the report", ex, name);
    return NULL;
}

/* ---- full marks and below ----------------------------------------------- */

START_TEST(test_solutions_full_marks)
{
    struct grade_options o = base_options("solutions");
    struct grade_report r;
    o.no_stress = false;
    grade(&o, &r);
    ck_assert_int_eq(r.nex, 7);
    ck_assert_int_gt(r.max_points, 0);
    for (int i = 0; i < r.nchecks; i++) {
        const struct grade_check *c = &r.checks[i];
        ck_assert_msg(c->outcome == GRADE_PASS, "%s: %s: %s: %s %s",
                      c->exercise, c->name, grade_outcome_name(c->outcome),
                      c->check, c->message);
        ck_assert_int_eq(c->points, c->max_points);
        ck_assert_ptr_null(c->schedule);
    }
    ck_assert_int_eq(r.points, r.max_points);
    /* Safety and liveness of a scenario share one exploration: the same
     * schedules, said the same way. */
    int shared = 0;
    for (int i = 0; i < r.nchecks; i++) {
        const struct grade_check *c = &r.checks[i];
        if (c->kind != GRADE_LIVENESS)
            continue;
        char name[96];
        snprintf(name, sizeof name, "safety: %s", c->sc->name);
        const struct grade_check *s = find_check(&r, c->exercise, name);
        ck_assert_str_eq(c->summary, s->summary);
        shared++;
    }
    ck_assert_int_eq(shared, 12);
    grade_report_free(&r);
}
END_TEST

START_TEST(test_skeletons_below_full)
{
    struct grade_options o = base_options(NULL); /* the linked exercises/ */
    struct grade_report r;
    grade(&o, &r);
    ck_assert_int_eq(r.nex, 7);
    for (int e = 0; e < r.nex; e++) {
        const struct grade_exercise *ge = &r.ex[e];
        char path[96];
        snprintf(path, sizeof path, "exercises/%s.c", ge->ex->name);
        if (!test_exercise_pristine(path))
            continue; /* the student's work, not the skeleton */
        /* An untouched skeleton scores exactly its builds point. */
        ck_assert_msg(ge->points == 1, "skeleton %s scored %d/%d", ge->ex->name,
                      ge->points, ge->max_points);
        /* The skeletons compile: they fail their checks, not the build. */
        ck_assert_int_eq(r.checks[ge->first].outcome, GRADE_PASS);
        ck_assert_int_eq(r.checks[ge->first].points, 1);
        for (int i = ge->first + 1; i < ge->first + ge->nchecks; i++) {
            const struct grade_check *c = &r.checks[i];
            ck_assert_int_eq(c->points, 0);
            if (c->outcome == GRADE_PASS) {
                /* passed, but doing nothing passes it too */
                ck_assert_int_eq(c->rule, GRADE_RULE_NEEDS_SAFETY);
                ck_assert_ptr_nonnull(strstr(c->message, "not scored"));
            }
        }
    }
    /* The rlock skeleton deadlocks in every schedule: its safety check
     * judged nothing, so it is not passed but skipped, with 0 points. */
    if (test_exercise_pristine("exercises/rlock.c")) {
        const struct grade_check *s =
            find_check(&r, "rlock", "safety: nesting");
        ck_assert_int_eq(s->outcome, GRADE_SKIPPED);
        ck_assert_int_eq(s->points, 0);
        ck_assert_str_eq(s->message,
                         "not judged: none of the 1012 schedules ran to the "
                         "end (they deadlocked or did not finish; the "
                         "liveness check says why); scored 0");
    }
    if (!test_exercise_pristine("exercises/counter.c")) {
        grade_report_free(&r);
        return;
    }
    /* The counter skeleton loses updates, found with 1 preemption. */
    const struct grade_check *c =
        find_check(&r, "counter", "safety: concurrent");
    ck_assert_int_eq(c->outcome, GRADE_WRONG);
    ck_assert_str_eq(c->check, "final value");
    ck_assert_str_eq(c->message, "counter = 3, expected 6: 3 updates lost");
    ck_assert_int_eq(c->preemptions, 1);
    ck_assert_int_eq(c->cls, GRADE_CLASS_RR);
    ck_assert_int_eq(c->points, 0);
    ck_assert_str_eq(c->schedule,
                     "rl1:counter:student:threads=2,iters=3:0x2.1x7.2x2");
    ck_assert_ptr_nonnull(strstr(c->detail, "lost update on counter.value"));
    char cmd[512];
    grade_replay_command(&r, c, cmd, sizeof cmd);
    ck_assert_str_eq(cmd,
                     "racelab replay --schedule "
                     "'rl1:counter:student:threads=2,iters=3:0x2.1x7.2x2'");
    grade_report_free(&r);
}
END_TEST

/* A no-op implementation of every exercise (tests/fixtures/noop/): every
 * safety check scores 0, and each exercise only its builds point. */
START_TEST(test_noop_builds_points_only)
{
    struct grade_options o = base_options("tests/fixtures/noop");
    struct grade_report r;
    grade(&o, &r);
    ck_assert_int_eq(r.nex, 7);
    for (int e = 0; e < r.nex; e++)
        ck_assert_msg(r.ex[e].points == 1, "no-op %s scored %d/%d",
                      r.ex[e].ex->name, r.ex[e].points, r.ex[e].max_points);
    int safety = 0;
    for (int i = 0; i < r.nchecks; i++) {
        const struct grade_check *c = &r.checks[i];
        if (c->kind != GRADE_SAFETY)
            continue;
        safety++;
        ck_assert_msg(c->points == 0, "%s: %s scored %d", c->exercise, c->name,
                      c->points);
    }
    ck_assert_int_eq(safety, 12);
    /* pool's "parallel" passes (nothing stops anyone), but is not scored. */
    const struct grade_check *c = find_check(&r, "pool", "safety: parallel");
    ck_assert_int_eq(c->outcome, GRADE_PASS);
    ck_assert_int_eq(c->rule, GRADE_RULE_NEEDS_SAFETY);
    ck_assert_str_eq(c->message,
                     "not scored: a safety check of pool failed, and an "
                     "implementation that does nothing passes this check "
                     "too");
    c = find_check(&r, "transfer", "safety: concurrent");
    ck_assert_int_eq(c->outcome, GRADE_WRONG);
    ck_assert_str_eq(c->message, "account 0 holds 100, expected 98");
    ck_assert_int_eq(r.points, 7);
    grade_report_free(&r);
}
END_TEST

/* A failure scores 0 by default whatever its class; --partial-credit
 * applies the documented rule instead, and the report names either. */
START_TEST(test_all_or_nothing_default)
{
    struct grade_options o =
        base_options("tests/fixtures/buggy/counter_no_lock.c");
    struct grade_report r;
    grade(&o, &r);
    const struct grade_check *c =
        find_check(&r, "counter", "safety: concurrent");
    ck_assert_int_eq(c->rule, GRADE_RULE_ALL_OR_NOTHING);
    ck_assert_int_eq(c->points, 0);
    ck_assert(!r.partial_credit);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    grade_report_write(f, GRADE_FMT_TEXT, &r, false);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "        rule (all or nothing): a check "
                                       "that fails under any explored "
                                       "schedule\n          scores 0"));
    ck_assert_ptr_nonnull(strstr(text, "All or nothing"));
    free(text);
    grade_report_free(&r);
    o.partial_credit = true;
    grade(&o, &r);
    c = find_check(&r, "counter", "safety: concurrent");
    ck_assert_int_eq(c->rule, GRADE_RULE_PARTIAL);
    ck_assert_int_eq(c->points, 0); /* round robin shows it: 0% */
    ck_assert(r.partial_credit);
    grade_report_free(&r);
}
END_TEST

/* Every scoring rule is written in the README's grading section in the
 * same words the reports quote. */
START_TEST(test_rules_in_readme)
{
    FILE *f = fopen("README.md", "r");
    ck_assert_ptr_nonnull(f);
    static char readme[1 << 18];
    size_t n = fread(readme, 1, sizeof readme - 1, f);
    fclose(f);
    readme[n] = '\0';
    /* The README wraps lines: compare with runs of whitespace as one. */
    char *w = readme;
    for (char *p = readme; *p; p++) {
        if (*p == '\n' || *p == ' ') {
            if (w > readme && w[-1] == ' ')
                continue;
            *w++ = ' ';
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    for (int i = 0; i < GRADE_RULE_COUNT; i++)
        ck_assert_msg(strstr(readme, grade_rule_text((enum grade_rule)i)),
                      "README lacks rule '%s': %s",
                      grade_rule_name((enum grade_rule)i),
                      grade_rule_text((enum grade_rule)i));
}
END_TEST

/* ---- the buggy implementations ------------------------------------------ */

struct buggy {
    const char *file; /* in tests/fixtures/buggy/ */
    const char *exercise;
    const char *check; /* the grader's check that must fail */
    enum grade_outcome outcome;
    const char *failed;  /* the scenario check that failed */
    const char *message; /* a part of its message */
};

static const struct buggy buggies[] = {
    {"barrier_mixed_rounds.c", "barrier", "safety: rounds", GRADE_WRONG,
     "rounds", "started round 3 before"},
    {"barrier_notify_one.c", "barrier", "liveness: rounds", GRADE_DEADLOCK,
     "no deadlock", "waits for a notify on barrier.released"},
    {"bounded_buffer_if_wait.c", "bounded_buffer",
     "safety: producers-consumers", GRADE_WRONG, "each item once",
     "was never consumed"},
    {"bounded_buffer_wait_first.c", "bounded_buffer", "liveness: waiters",
     GRADE_DEADLOCK, "no deadlock", "waits for a notify on buf.not_empty"},
    {"bounded_buffer_notify_one.c", "bounded_buffer",
     "liveness: producers-consumers", GRADE_DEADLOCK, "no deadlock",
     "waits for a notify on buf.changed"},
    {"bounded_semaphore_no_bound.c", "bounded_semaphore",
     "misuse: over-release", GRADE_WRONG, "over-release",
     "returned RL_OK; expected RL_ERR_TOO_MANY"},
    {"bounded_semaphore_no_notify.c", "bounded_semaphore", "liveness: limit",
     GRADE_DEADLOCK, "no deadlock", "waits for a notify on bsem.nonzero"},
    {"bounded_semaphore_timeout_as_notify.c", "bounded_semaphore",
     "safety: limit", GRADE_WRONG, "limit",
     "3 threads were inside the section at once (limit 2) (step 26)"},
    {"counter_early_release.c", "counter", "safety: concurrent", GRADE_WRONG,
     "final value", "updates lost"},
    {"counter_no_lock.c", "counter", "safety: concurrent", GRADE_WRONG,
     "final value", "updates lost"},
    {"counter_peterson.c", "counter", "safety: three-threads", GRADE_WRONG,
     "final value", "counter = 4, expected 6: 2 updates lost"},
    {"bounded_buffer_notify_transition.c", "bounded_buffer",
     "liveness: waiters", GRADE_DEADLOCK, "no deadlock",
     "waits for a notify on buf.not_empty"},
    {"bounded_semaphore_bound_unlocked.c", "bounded_semaphore",
     "misuse: concurrent-over-release", GRADE_WRONG, "concurrent over-release",
     "returned RL_OK (T0) and RL_OK (T1), count 3"},
    {"rlock_waiting_flag.c", "rlock", "liveness: three-threads", GRADE_DEADLOCK,
     "no deadlock", "waits for a notify on rlock.freed"},
    {"pool_leave_unlocked.c", "pool", "safety: parallel", GRADE_WRONG,
     "no lost update", "lost update on pool.inside: T0 loaded 3 at step 33"},
    {"pool_no_semaphore.c", "pool", "safety: limit", GRADE_WRONG, "limit",
     "3 threads were inside the section at once (limit 2)"},
    {"pool_one_at_a_time.c", "pool", "safety: parallel", GRADE_WRONG,
     "parallelism", "only 1 worker could be inside at once"},
    {"rlock_no_depth.c", "rlock", "safety: nesting", GRADE_WRONG,
     "release by owner", "returned RL_ERR_NOT_OWNER"},
    {"rlock_no_owner_check.c", "rlock", "misuse: non-owner", GRADE_WRONG,
     "non-owner release", "got RL_OK; expected RL_ERR_NOT_OWNER"},
    {"transfer_lock_order.c", "transfer", "liveness: concurrent",
     GRADE_DEADLOCK, "no deadlock", "lock1 (held by T1)"},
    {"transfer_read_outside.c", "transfer", "safety: concurrent", GRADE_WRONG,
     "total money", "expected 300"},
    {"transfer_ring_order.c", "transfer", "liveness: cycle", GRADE_DEADLOCK,
     "no deadlock",
     "T1 holds lock1, waits for lock2 (held by T2); T2 holds lock2, waits "
     "for lock0 (held by T0)"},
};

START_TEST(test_buggy_caught)
{
    const struct buggy *b = &buggies[_i];
    char path[256];
    struct grade_report r;
    snprintf(path, sizeof path, "tests/fixtures/buggy/%s", b->file);
    struct grade_options o = base_options(path);
    grade(&o, &r);
    ck_assert_int_eq(r.nex, 1);
    ck_assert_str_eq(r.ex[0].ex->name, b->exercise);
    ck_assert_int_lt(r.points, r.max_points);
    const struct grade_check *c = find_check(&r, b->exercise, b->check);
    ck_assert_msg(c->outcome == b->outcome, "%s: %s is %s (%s: %s)", b->file,
                  b->check, grade_outcome_name(c->outcome), c->check,
                  c->message);
    ck_assert_str_eq(c->check, b->failed);
    ck_assert_msg(strstr(c->message, b->message) != NULL, "%s: message '%s'",
                  b->file, c->message);
    ck_assert_ptr_nonnull(c->schedule);
    ck_assert_int_lt(c->points, c->max_points);
    grade_report_free(&r);
}
END_TEST

/* A get that waits before it looks: each deadlock's details say which
 * notify was lost and which wait never ended (the single-thread check's:
 * the same thread put, notified nobody, then waited). */
START_TEST(test_lost_wakeup_detail)
{
    struct grade_report r;
    struct grade_options o =
        base_options("tests/fixtures/buggy/bounded_buffer_wait_first.c");
    grade(&o, &r);
    const struct grade_check *c =
        find_check(&r, "bounded_buffer", "liveness: waiters");
    ck_assert_int_eq(c->outcome, GRADE_DEADLOCK);
    ck_assert_str_eq(c->detail,
                     "C0 waits for a notify on buf.not_empty; C1 waits for a "
                     "notify on buf.not_empty\nlost wakeup on buf.not_empty: "
                     "P0 called notify at step 20 when no thread was "
                     "waiting, so it woke nobody; C0 began to wait at step "
                     "28 and still waits: nothing notified buf.not_empty "
                     "again");
    c = find_check(&r, "bounded_buffer", "single: single");
    ck_assert_int_eq(c->outcome, GRADE_DEADLOCK);
    ck_assert_str_eq(c->detail,
                     "T0 waits for a notify on buf.not_empty\nlost wakeup on "
                     "buf.not_empty: T0 called notify at step 27 when no "
                     "thread was waiting, so it woke nobody; T0 began to "
                     "wait at step 30 and still waits: nothing notified "
                     "buf.not_empty again");
    /* a deadlock that loses no wakeup (a notify never sent) says none */
    grade_report_free(&r);
    o = base_options("tests/fixtures/buggy/bounded_semaphore_no_notify.c");
    grade(&o, &r);
    c = find_check(&r, "bounded_semaphore", "liveness: limit");
    ck_assert_int_eq(c->outcome, GRADE_DEADLOCK);
    ck_assert_ptr_null(strstr(c->detail, "lost wakeup"));
    grade_report_free(&r);
}
END_TEST

/* Every file in tests/fixtures/buggy/ scores below full, including new ones. */
START_TEST(test_every_buggy_below_full)
{
    DIR *d = opendir("tests/fixtures/buggy");
    struct dirent *de;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 3 || strcmp(de->d_name + len - 2, ".c") != 0)
            continue;
        char path[512];
        struct grade_report r;
        snprintf(path, sizeof path, "tests/fixtures/buggy/%s", de->d_name);
        struct grade_options o = base_options(path);
        grade(&o, &r);
        ck_assert_msg(r.points < r.max_points, "%s scored full marks", path);
        ck_assert_int_eq(r.checks[0].outcome, GRADE_PASS); /* it builds */
        grade_report_free(&r);
        n++;
    }
    closedir(d);
    ck_assert_int_ge(n, 19);
}
END_TEST

/* ---- isolation ---------------------------------------------------------- */

/* Grade tests/fixtures/submissions/<name>/counter.c with a wall-clock
 * guard of budget_s per check (0: the default). */
static void grade_fake_in(const char *name, double budget_s,
                          struct grade_report *r)
{
    char path[256];
    const char *ex[] = {"counter"};
    snprintf(path, sizeof path, "tests/fixtures/submissions/%s", name);
    struct grade_options o = base_options(path);
    o.exercises = ex;
    o.nexercises = 1;
    o.budget_s = budget_s;
    grade(&o, r);
    /* builds, single, safety and liveness of concurrent and three-threads */
    ck_assert_int_eq(r->nchecks, 6);
}

/* The same with a one-second guard per check: the fixtures that hang or
 * misbehave end quickly. */
static void grade_fake(const char *name, struct grade_report *r)
{
    grade_fake_in(name, 1, r);
}

START_TEST(test_isolation_segfault)
{
    struct grade_report r;
    grade_fake("segfault", &r);
    ck_assert_int_eq(r.checks[0].outcome, GRADE_PASS);
    for (int i = 1; i < r.nchecks; i++) {
        ck_assert_int_eq(r.checks[i].outcome, GRADE_CRASH);
        ck_assert_ptr_nonnull(strstr(r.checks[i].message, "SIGSEGV"));
        ck_assert_int_eq(r.checks[i].points, 0);
    }
    ck_assert_int_eq(r.points, 1);
    grade_report_free(&r);
}
END_TEST

START_TEST(test_isolation_loop)
{
    struct grade_report r;
    grade_fake("loop", &r);
    for (int i = 1; i < r.nchecks; i++) {
        ck_assert_int_eq(r.checks[i].outcome, GRADE_TIMEOUT);
        ck_assert_ptr_nonnull(strstr(r.checks[i].message, "did not finish"));
    }
    ck_assert_int_eq(r.points, 1);
    grade_report_free(&r);
}
END_TEST

START_TEST(test_isolation_exit)
{
    struct grade_report r;
    grade_fake("exit", &r);
    for (int i = 1; i < r.nchecks; i++) {
        ck_assert_int_eq(r.checks[i].outcome, GRADE_EXIT);
        /* exit status 0 (a sanitizer's leak check at exit may change
         * it): what matters is that it is not a pass */
        ck_assert_ptr_nonnull(
            strstr(r.checks[i].message, "before the check finished"));
    }
    ck_assert_int_eq(r.points, 1);
    grade_report_free(&r);
}
END_TEST

START_TEST(test_isolation_fake_pass)
{
    struct grade_report r;
    grade_fake("fake_pass", &r);
    const struct grade_check *c =
        find_check(&r, "counter", "safety: concurrent");
    ck_assert_int_eq(c->outcome, GRADE_WRONG);
    ck_assert_str_eq(c->check, "final value");
    ck_assert_ptr_nonnull(c->output);
    ck_assert_ptr_nonnull(strstr(c->output, "PASS"));
    ck_assert_ptr_nonnull(strstr(c->output, "\"score\": 100"));
    ck_assert_int_lt(r.points, r.max_points);
    grade_report_free(&r);
}
END_TEST

START_TEST(test_isolation_tamper)
{
    struct grade_report r;
    grade_fake("tamper", &r);
    for (int i = 1; i < r.nchecks; i++)
        ck_assert_int_eq(r.checks[i].outcome, GRADE_CORRUPT);
    ck_assert_int_eq(r.points, 1);
    grade_report_free(&r);
}
END_TEST

START_TEST(test_isolation_no_compile)
{
    struct grade_report r;
    grade_fake("no_compile", &r);
    ck_assert_int_eq(r.checks[0].outcome, GRADE_COMPILE);
    ck_assert_ptr_nonnull(strstr(r.checks[0].detail, "error"));
    ck_assert_ptr_nonnull(strstr(r.checks[0].detail, "increment_by"));
    for (int i = 1; i < r.nchecks; i++) {
        ck_assert_int_eq(r.checks[i].outcome, GRADE_SKIPPED);
        ck_assert_ptr_nonnull(strstr(r.checks[i].message, "not gradable"));
    }
    ck_assert_int_eq(r.points, 0);
    grade_report_free(&r);
}
END_TEST

START_TEST(test_isolation_static_state)
{
    struct grade_report r;
    grade_fake("static_state", &r);
    const struct grade_check *c =
        find_check(&r, "counter", "safety: concurrent");
    ck_assert_int_eq(c->outcome, GRADE_NONDET);
    ck_assert_ptr_nonnull(
        strstr(c->summary, "nondeterminism outside the scheduler"));
    ck_assert_int_eq(c->points, 0);
    grade_report_free(&r);
}
END_TEST

/* A student's ordinary API mistakes are misuse, named, never a crash or
 * an internal error. */
START_TEST(test_misuse_not_abort)
{
    static const struct {
        const char *name, *message;
    } cases[] = {
        {"lock_per_call",
         "T0: too many objects or threads in one run (rl_lock_create: the "
         "run's 16384 objects are used up; create objects once, not in every "
         "call, step "},
        {"null_event",
         "T0: bad argument (rl_event_set: the Event is NULL, step "},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct grade_report r;
        grade_fake(cases[k].name, &r);
        const struct grade_check *c =
            find_check(&r, "counter", "safety: concurrent");
        ck_assert_int_eq(c->outcome, GRADE_MISUSE_ERR);
        ck_assert_str_eq(c->check, "no misuse");
        ck_assert_msg(strncmp(c->message, cases[k].message,
                              strlen(cases[k].message)) == 0,
                      "%s: %s", cases[k].name, c->message);
        ck_assert_ptr_null(c->output); /* nothing printed, no abort */
        ck_assert_int_eq(r.points, 1);
        grade_report_free(&r);
    }
}
END_TEST

/* Only the student API reaches a submission: not the reference solutions
 * linked into racelab, not racelab's internals, not solutions/ on the
 * include path. Each is a build failure, 0 points. */
START_TEST(test_hostile_cannot_reach)
{
    static const struct {
        const char *name, *text;
    } cases[] = {
        {"call_reference", "counter.c:17: undefined reference to "
                           "`reference_counter_impl'"},
        {"call_internal", "undefined reference to `child_send'"},
        {"call_wire", "undefined reference to `wire_send'"},
        {"call_engine", "undefined reference to `rl_check'"},
        {"include_solution", "counter.c:7:10: fatal error: "
                             "../solutions/counter.c: No such file"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct grade_report r;
        grade_fake(cases[k].name, &r);
        const struct grade_check *b = &r.checks[0];
        ck_assert_int_eq(b->outcome, GRADE_COMPILE);
        ck_assert_msg(strstr(b->message, cases[k].text) != NULL ||
                          strstr(b->detail, cases[k].text) != NULL,
                      "%s: %s / %s", cases[k].name, b->message, b->detail);
        ck_assert_int_eq(r.points, 0);
        grade_report_free(&r);
    }
}
END_TEST

/* A submission that calls what its exercise's rules forbid scores 0 for
 * the exercise, the rule quoted; nothing else is run. */
START_TEST(test_forbidden_caught)
{
    static const struct {
        const char *dir, *exercise, *message;
    } cases[] = {
        {"forbidden_barrier", "barrier",
         "barrier.c calls rl_barrier_create, which the exercise forbids: "
         "\"Use only the student API of core/racelab.h; build on "
         "rl_lock_create and rl_cond_create.\" (exercises/barrier.h, "
         "RULES)"},
        {"forbidden_pthread", "counter",
         "counter.c calls pthread_mutex_init, which the exercise forbids: "
         "\"Use only the student API of core/racelab.h.\" "
         "(exercises/counter.h, RULES)"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[256];
        const char *ex[] = {cases[k].exercise};
        struct grade_report r;
        snprintf(path, sizeof path, "tests/fixtures/submissions/%s",
                 cases[k].dir);
        struct grade_options o = base_options(path);
        o.exercises = ex;
        o.nexercises = 1;
        grade(&o, &r);
        ck_assert_int_eq(r.checks[0].outcome, GRADE_FORBIDDEN);
        ck_assert_str_eq(grade_outcome_name(r.checks[0].outcome),
                         "forbidden call");
        ck_assert_int_eq(r.checks[0].rule, GRADE_RULE_FORBIDDEN);
        ck_assert_str_eq(r.checks[0].check, "rules");
        ck_assert_str_eq(r.checks[0].message, cases[k].message);
        for (int i = 1; i < r.nchecks; i++) {
            ck_assert_int_eq(r.checks[i].outcome, GRADE_SKIPPED);
            ck_assert_int_eq(r.checks[i].rule, GRADE_RULE_FORBIDDEN);
        }
        ck_assert_int_eq(r.points, 0);
        grade_report_free(&r);
    }
}
END_TEST

/* The rules hold for this tree's exercises too (no --submission): a
 * barrier in exercises/ that wraps rl_barrier_create scores 0, the rule
 * quoted, read from what its object file calls. */
START_TEST(test_forbidden_in_tree)
{
    char home[] = "/tmp/racelab-test-tree-XXXXXX", dir[96], path[128];
    const char *ex[] = {"barrier"};
    struct grade_report r;
    ck_assert_ptr_nonnull(mkdtemp(home));
    snprintf(dir, sizeof dir, "%s/exercises", home);
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    snprintf(path, sizeof path, "%s/barrier.c", dir);
    FILE *in = fopen("tests/fixtures/submissions/forbidden_barrier/barrier.c",
                     "r");
    FILE *out = fopen(path, "w");
    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(out);
    int ch;
    while ((ch = fgetc(in)) != EOF)
        fputc(ch, out);
    fclose(in);
    fclose(out);
    struct grade_options o = base_options(NULL);
    o.home = home;
    o.exercises = ex;
    o.nexercises = 1;
    grade(&o, &r);
    ck_assert_int_eq(r.checks[0].rule, GRADE_RULE_FORBIDDEN);
    ck_assert_ptr_nonnull(strstr(r.checks[0].message,
                                 "barrier.c calls rl_barrier_create, which "
                                 "the exercise forbids"));
    ck_assert_int_eq(r.points, 0);
    grade_report_free(&r);
    unlink(path);
    rmdir(dir);
    rmdir(home);
}
END_TEST

/* A check's child inherits no descriptor of the grader's (the report
 * file, another student's files: closed with close_range, even far up),
 * leads its own session, and works in a private directory that is its
 * HOME (tests/fixtures/submissions/fds prints what it sees). */
START_TEST(test_child_closes_descriptors)
{
    int a = open("/dev/null", O_RDONLY);
    int b = dup2(a, 900); /* far above: close_range has no loop to run */
    ck_assert_int_ge(a, 3);
    ck_assert_int_eq(b, 900);
    struct grade_report r;
    /* A correct submission: a one-second wall-clock guard could stop its
     * checks on a loaded machine under the sanitizers (the guard is a
     * safety stop, not the verdict), so it gets the default. */
    grade_fake_in("fds", 0, &r);
    ck_assert_int_eq(r.points, r.max_points);
    const struct grade_check *c =
        find_check(&r, "counter", "safety: concurrent");
    ck_assert_ptr_nonnull(c->output);
    ck_assert_str_eq(c->output, "descriptors beyond the socket: 0\n"
                                "own session: yes\n"
                                "works in its HOME: yes\n");
    grade_report_free(&r);
    close(a);
    close(b);
}
END_TEST

/* ---- reports ------------------------------------------------------------ */

/* The whole report in fmt, as a malloc'd string. */
static char *render(const struct grade_report *r, enum grade_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    grade_report_write(f, fmt, r, false);
    fclose(f);
    return buf;
}

/* A file of text: whether it is all valid UTF-8 with no control character
 * but newline (and tab). */
static bool clean_text(const char *s)
{
    while (*s != '\0') {
        size_t n = grade_utf8_len(s);
        if (n == 0 ||
            (n == 1 && (unsigned char)*s < 0x20 && *s != '\n' && *s != '\t'))
            return false;
        s += n;
    }
    return true;
}

/* A submission whose output holds invalid UTF-8, terminal escapes, "]]>"
 * and closing tags, and accented text cut at the output limit: every
 * format stays valid UTF-8 without control characters, and the markup is
 * text. */
START_TEST(test_bad_output_reports_valid)
{
    struct grade_report r;
    grade_fake("bad_output", &r);
    const struct grade_check *c =
        find_check(&r, "counter", "safety: concurrent");
    ck_assert_int_eq(c->outcome, GRADE_WRONG);
    ck_assert_ptr_nonnull(c->output);
    ck_assert_ptr_nonnull(strstr(c->output, "bad ?? ? ??? end\n?[2J?]0;owned? "
                                            "]]> </failure>"));
    for (int fmt = GRADE_FMT_TEXT; fmt <= GRADE_FMT_JUNIT; fmt++) {
        char *text = render(&r, (enum grade_format)fmt);
        ck_assert_msg(clean_text(text), "format %d is not clean text", fmt);
        free(text);
    }
    char *junit = render(&r, GRADE_FMT_JUNIT);
    ck_assert_ptr_null(strstr(junit, "]]>"));
    ck_assert_ptr_nonnull(
        strstr(junit, "]]&gt; &lt;/failure&gt;&lt;/testcase&gt; &quot;}]"));
    free(junit);
    char *json = render(&r, GRADE_FMT_JSON);
    ck_assert_ptr_nonnull(strstr(json, "]]> </failure></testcase> \\\"}]"));
    free(json);
    grade_report_free(&r);
}
END_TEST

/* A submission that forks, escapes its check with setsid() and a double
 * fork, writes into $HOME and the installation, and (as root only: else
 * it could) signals the grader: the grading goes on, the stray is gone
 * when the check ends, and nothing landed outside the check's private
 * directory. */
START_TEST(test_harm_contained)
{
    char dir[] = "/tmp/racelab-test-harm-XXXXXX", home[128], inst[128],
         pidfile[160], path[200];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(chmod(dir, 0777), 0); /* the check's user writes here */
    snprintf(home, sizeof home, "%s/home", dir);
    snprintf(inst, sizeof inst, "%s/install", dir);
    snprintf(pidfile, sizeof pidfile, "%s/pid", dir);
    ck_assert_int_eq(mkdir(home, 0777), 0);
    ck_assert_int_eq(mkdir(inst, 0755), 0);
    setenv("HOME", home, 1);
    setenv("RACELAB_TEST_INSTALL", inst, 1);
    setenv("RACELAB_TEST_PIDFILE", pidfile, 1);
    if (geteuid() == 0)
        setenv("RACELAB_TEST_KILL_PARENT", "1", 1);

    char sub[] = "tests/fixtures/submissions/harm";
    const char *ex[] = {"counter"};
    struct grade_options o = base_options(sub);
    struct grade_report r;
    o.exercises = ex;
    o.nexercises = 1;
    o.no_stress = false; /* the os run may create threads: and processes */
    grade(&o, &r);
    ck_assert_int_eq(r.nchecks, 8);
    /* No fork where processes are not allowed. */
    const struct grade_check *c =
        find_check(&r, "counter", "safety: concurrent");
    ck_assert_ptr_nonnull(c->output);
    ck_assert_ptr_nonnull(strstr(c->output, "forks: 0\n"));
    /* The escaped process (from the os run, which may fork) is gone. An
     * empty file: it was killed between creating the file and writing
     * its pid, gone too. */
    FILE *f = fopen(pidfile, "r");
    if (f != NULL) {
        int pid = 0;
        int got = fscanf(f, "%d", &pid);
        fclose(f);
        if (got == 1) {
            ck_assert_int_gt(pid, 0);
            ck_assert_int_eq(kill(pid, 0), -1);
            ck_assert_int_eq(errno, ESRCH);
        }
    }
    /* $HOME was the check's private directory, not ours. */
    snprintf(path, sizeof path, "%s/racelab-harm", home);
    ck_assert_int_ne(access(path, F_OK), 0);
    if (geteuid() == 0) {
        /* as the unprivileged user: the root-owned tree is not writable,
         * and the grader could not be stopped or killed */
        snprintf(path, sizeof path, "%s/racelab-harm", inst);
        ck_assert_int_ne(access(path, F_OK), 0);
        ck_assert_int_eq(r.checks[0].outcome, GRADE_PASS);
    }
    grade_report_free(&r);
    unlink(pidfile);
    snprintf(path, sizeof path, "%s/racelab-harm", inst);
    unlink(path);
    rmdir(home);
    rmdir(inst);
    rmdir(dir);
}
END_TEST

START_TEST(test_same_seed_same_report)
{
    struct grade_options o =
        base_options("tests/fixtures/buggy/pool_no_semaphore.c");
    struct grade_report a, b;
    o.seed = 9;
    grade(&o, &a);
    grade(&o, &b);
    for (int fmt = GRADE_FMT_TEXT; fmt <= GRADE_FMT_JUNIT; fmt++) {
        char *x = render(&a, (enum grade_format)fmt);
        char *y = render(&b, (enum grade_format)fmt);
        ck_assert_str_eq(x, y);
        free(x);
        free(y);
    }
    grade_report_free(&a);
    grade_report_free(&b);
}
END_TEST

START_TEST(test_tap_plan_first)
{
    /* A fixed buggy file, not exercises/counter.c: the student's may be
     * solved. */
    struct grade_options o =
        base_options("tests/fixtures/buggy/counter_no_lock.c");
    const char *ex[] = {"counter"};
    struct grade_report r;
    o.exercises = ex;
    o.nexercises = 1;
    grade(&o, &r);
    char *tap = render(&r, GRADE_FMT_TAP);
    ck_assert_ptr_eq(strstr(tap, "TAP version 14\n1..6\n"), tap);
    ck_assert_ptr_nonnull(strstr(tap, "\nok 1 - counter: builds\n"));
    ck_assert_ptr_nonnull(
        strstr(tap, "\nnot ok 3 - counter: safety: concurrent\n  ---\n"));
    ck_assert_ptr_nonnull(strstr(tap, "  expected: "));
    ck_assert_ptr_nonnull(strstr(tap, "  got: \"counter = 3, expected 6"));
    ck_assert_ptr_nonnull(strstr(tap, "  schedule: \"rl1:counter:student:"));
    free(tap);
    char *junit = render(&r, GRADE_FMT_JUNIT);
    ck_assert_ptr_nonnull(strstr(junit, "<failure type=\"wrong result\""));
    free(junit);
    grade_report_free(&r);
}
END_TEST

/* Partial credit follows how hard the bug is to hit, as documented. */
START_TEST(test_partial_credit_by_class)
{
    ck_assert_int_eq(grade_class_points(4, GRADE_CLASS_SEQUENTIAL), 0);
    ck_assert_int_eq(grade_class_points(4, GRADE_CLASS_RR), 0);
    ck_assert_int_eq(grade_class_points(4, GRADE_CLASS_ONE), 1);
    ck_assert_int_eq(grade_class_points(4, GRADE_CLASS_TWO), 2);
    ck_assert_int_eq(grade_class_points(4, GRADE_CLASS_RANDOM), 3);
    ck_assert_int_eq(grade_class_points(2, GRADE_CLASS_ONE), 0);
    ck_assert_int_eq(grade_class_points(2, GRADE_CLASS_TWO), 1);
    ck_assert_int_eq(grade_class_points(4, GRADE_CLASS_NONE), 0);
}
END_TEST

START_TEST(test_bad_options)
{
    struct grade_options o =
        base_options("tests/fixtures/buggy/counter_no_lock.c");
    const char *bad[] = {"nosuch"};
    struct grade_report r;
    char err[512];
    o.exercises = bad;
    o.nexercises = 1;
    ck_assert_int_eq(grade_run(&o, NULL, &r, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "unknown exercise 'nosuch'"));
    o = base_options("tests/fixtures/submissions/README");
    ck_assert_int_eq(grade_run(&o, NULL, &r, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "which exercise is"));
    o = base_options("no/such/dir");
    ck_assert_int_eq(grade_run(&o, NULL, &r, err, sizeof err), -1);
}
END_TEST

/* The replay command of a graded submission names it, quoted for the
 * shell, before the schedule; --max-steps stays last. */
START_TEST(test_replay_command_names_submission)
{
    static struct grade_report r;
    struct grade_check c;
    char cmd[512];

    memset(&r, 0, sizeof r);
    memset(&c, 0, sizeof c);
    snprintf(r.submission, sizeof r.submission, "%s", "hw/o'brien x");
    r.replay_submission = true;
    c.schedule = "rl1:counter:student:threads=2,iters=3:0x2.1x7.2x2";
    c.replay_max_steps = 50;
    grade_replay_command(&r, &c, cmd, sizeof cmd);
    ck_assert_str_eq(cmd, "racelab replay --submission 'hw/o'\\''brien x' "
                          "--schedule "
                          "'rl1:counter:student:threads=2,iters=3:0x2.1x7.2x2' "
                          "--max-steps 50");
    r.replay_submission = false;
    c.replay_max_steps = 0;
    grade_replay_command(&r, &c, cmd, sizeof cmd);
    ck_assert_str_eq(cmd, "racelab replay --schedule "
                          "'rl1:counter:student:threads=2,iters=3:0x2.1x7.2x2'");
    c.schedule = NULL;
    ck_assert_uint_eq(grade_replay_command(&r, &c, cmd, sizeof cmd), 0);
    ck_assert_str_eq(cmd, "");
}
END_TEST

/* A file named almost like the exercise's (Counter.c), or the file one
 * folder down (hw1/counter.c), is named in the builds check's message; the
 * exercise still scores 0 as missing. */
START_TEST(test_missing_names_near_file)
{
    static struct grade_report r;
    struct grade_options o = base_options("tests/fixtures/roster/misnamed");
    const char *names[] = {"counter"};
    o.exercises = names;
    o.nexercises = 1;
    grade(&o, &r);
    const struct grade_check *b = find_check(&r, "counter", "builds");
    ck_assert_int_eq(b->outcome, GRADE_MISSING);
    ck_assert_str_eq(grade_outcome_name(b->outcome), "missing file");
    ck_assert_str_eq(b->message,
                     "missing: the submission has no counter.c (it has "
                     "Counter.c: the file must be named counter.c exactly, at "
                     "the top)");
    ck_assert_int_eq(r.points, 0);
    grade_report_free(&r);
    o.submission = "tests/fixtures/roster/nested";
    grade(&o, &r);
    b = find_check(&r, "counter", "builds");
    ck_assert_str_eq(b->message,
                     "missing: the submission has no counter.c (it has "
                     "hw1/counter.c: the file must be named counter.c "
                     "exactly, at the top)");
    grade_report_free(&r);
}
END_TEST

/* The roster summaries: a student who could not be graded keeps the
 * columns of the others (CSV), the JSON says how far the roster got and
 * names each report; a name with a comma or a CR is quoted, one that
 * starts like a formula made text. */
START_TEST(test_summaries_columns_and_progress)
{
    static struct grade_report reps[5];
    const struct ex_exercise *ex = ex_exercise_find("counter");
    const char *shown[] = {"a,b", "carl", "d\rx", "=cmd|' /C calc'!A0",
                           "-2+3,x"};
    const char *files[] = {"a,b.txt", "carl.txt", "d\rx.txt"};
    char *buf = NULL;
    size_t len = 0;

    memset(reps, 0, sizeof reps);
    for (int i = 1; i < 3; i++) {
        reps[i].nex = 1;
        reps[i].ex[0].ex = ex;
        reps[i].ex[0].points = reps[i].points = 4 * i;
        reps[i].ex[0].max_points = reps[i].max_points = 15;
        reps[i].ex[0].warnings = i == 2 ? 3 : 0;
        reps[i].seed = 7;
    }
    FILE *f = open_memstream(&buf, &len);
    grade_summary_csv(f, shown, reps, 5);
    fclose(f);
    /* a name a spreadsheet would read as a formula is made text */
    ck_assert_str_eq(buf, "student,points,max_points,counter,counter_max,"
                          "warnings\n"
                          "\"a,b\",0,0,,,\n"
                          "carl,4,15,4,15,0\n"
                          "\"d\rx\",8,15,8,15,3\n"
                          "'=cmd|' /C calc'!A0,0,0,,,\n"
                          "\"'-2+3,x\",0,0,,,\n");
    free(buf);
    f = open_memstream(&buf, &len);
    grade_summary_json(f, shown, files, reps, 2, 5);
    fclose(f);
    ck_assert_str_eq(buf,
                     "{\n  \"tool\": \"racelab grade\",\n  \"seed\": 7,\n"
                     "  \"complete\": false,\n  \"students_graded\": 2,\n"
                     "  \"students_in_roster\": 5,\n  \"students\": [\n"
                     "    {\"student\": \"a,b\", \"report\": \"a,b.txt\", "
                     "\"graded\": false, \"points\": 0, \"max_points\": 0, "
                     "\"exercises\": {}},\n"
                     "    {\"student\": \"carl\", \"report\": \"carl.txt\", "
                     "\"graded\": true, \"points\": 4, \"max_points\": 15, "
                     "\"exercises\": {\"counter\": {\"points\": 4, "
                     "\"max_points\": 15, \"warnings\": 0}}}\n  ]\n}\n");
    free(buf);
}
END_TEST

/* The process limit of a check that may fork: CHILD_PROCESSES for the
 * unprivileged user of a root grader; else that many above what the
 * grader's user runs (this process and its thread at least). */
START_TEST(test_process_limit)
{
    long n = child_process_limit();
    if (geteuid() == 0)
        ck_assert_int_eq(n, CHILD_PROCESSES);
    else
        ck_assert_int_gt(n, CHILD_PROCESSES);
}
END_TEST

static Suite *grade_suite(void)
{
    Suite *s = suite_create("grade");
    TCase *tc = tcase_create("marks");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_solutions_full_marks);
    tcase_add_test(tc, test_skeletons_below_full);
    tcase_add_test(tc, test_noop_builds_points_only);
    tcase_add_test(tc, test_all_or_nothing_default);
    tcase_add_loop_test(tc, test_buggy_caught, 0,
                        (int)(sizeof buggies / sizeof buggies[0]));
    tcase_add_test(tc, test_lost_wakeup_detail);
    tcase_add_test(tc, test_every_buggy_below_full);
    suite_add_tcase(s, tc);

    tc = tcase_create("isolation");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_isolation_segfault);
    tcase_add_test(tc, test_isolation_loop);
    tcase_add_test(tc, test_isolation_exit);
    tcase_add_test(tc, test_isolation_fake_pass);
    tcase_add_test(tc, test_isolation_tamper);
    tcase_add_test(tc, test_isolation_no_compile);
    tcase_add_test(tc, test_isolation_static_state);
    tcase_add_test(tc, test_misuse_not_abort);
    tcase_add_test(tc, test_child_closes_descriptors);
    tcase_add_test(tc, test_hostile_cannot_reach);
    tcase_add_test(tc, test_forbidden_caught);
    tcase_add_test(tc, test_forbidden_in_tree);
    tcase_add_test(tc, test_harm_contained);
    tcase_add_test(tc, test_process_limit);
    suite_add_tcase(s, tc);

    tc = tcase_create("reports");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_same_seed_same_report);
    tcase_add_test(tc, test_tap_plan_first);
    tcase_add_test(tc, test_bad_output_reports_valid);
    tcase_add_test(tc, test_bad_options);
    tcase_add_test(tc, test_replay_command_names_submission);
    tcase_add_test(tc, test_partial_credit_by_class);
    tcase_add_test(tc, test_rules_in_readme);
    tcase_add_test(tc, test_missing_names_near_file);
    tcase_add_test(tc, test_summaries_columns_and_progress);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(grade_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
