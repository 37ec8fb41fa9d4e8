/* SPDX-License-Identifier: MIT */
/*
 * grade.h - the grader: judge implementations of the exercises under many
 * sim schedules and score them. The student's code never runs in the
 * grader: each exercise is built once into an executable (core/program.h,
 * the student API alone on its include path) and every check runs in
 * children of it (a sandbox: grade_child.h), through racelab's one
 * mechanism for code built apart (core/mirror.c, core/child.h). The
 * search for a failing schedule runs in a child and only proposes; the
 * grader decides from mirror runs it judges itself (grade_check.c).
 *
 * CHECKS AND POINTS (per exercise; every scenario of labs/ex_NAME.c gives
 * its checks, so the maximum depends on the exercise):
 *
 *   builds            1  the file compiles and links (compiler output shown
 *                        on failure); if not, every later check of the
 *                        exercise is "not gradable": skipped, scored 0, and
 *                        not reported as a failure of its own
 *   single: S         2  per single-thread scenario S: the plain behaviour
 *   safety: S         4  per concurrent scenario S: every explored schedule
 *                        keeps the scenario's checks and makes no misuse
 *                        (deadlocks and step limits are liveness's)
 *   misuse: S         1  per misuse scenario S: the Python-style error the
 *                        header promises, under every explored schedule
 *   liveness: S       2  per concurrent scenario S: no explored schedule
 *                        deadlocks, and round robin (quanta 1..4, a fair
 *                        scheduler) finishes within the step limit
 *   stress: S         0  per concurrent scenario S on the os backend (real
 *                        threads, the os defaults): reported, never scored,
 *                        as real timing differs between machines
 *
 * A run "did not finish" at its step limit: 50 times the length of a
 * round-robin run of the same scenario (at least 2000, at most 20000
 * steps), confirmed by a fair continuation (core/explore.h).
 *
 * The schedules, the same on every machine for a given --seed: the
 * systematic search with at most 2 preemptions, fewest first (at most
 * GRADE_SYSTEMATIC_RUNS runs), then GRADE_RANDOM_RUNS seeded random and
 * GRADE_PCT_RUNS seeded PCT runs. A check fails if any schedule fails. The
 * wall clock (--budget) is only the last guard; if it ever stops a search
 * the check is an error (timeout), never a verdict.
 *
 * SCORING RULES (grade_rule_text() words them; the README's grading
 * section quotes the same words, and every check names the rule it was
 * scored by):
 *
 *   all or nothing  a check that fails under any explored schedule
 *                   scores 0, however hard the failure was to find
 *   partial credit  only with --partial-credit: a failure that needs 1
 *                   preemption keeps 25%, 2 preemptions 50%, only random /
 *                   PCT runs 75%; sequential or round robin 0% (rounded
 *                   down to whole points)
 *   needs safety    single-thread, liveness and progress checks (which an
 *                   implementation that does nothing passes too) score
 *                   only when every other safety check of the exercise
 *                   passes: an untouched skeleton scores its builds point
 *   not judged      a safety check whose schedules all deadlocked or did
 *                   not finish scores 0: nothing ran to the end to judge
 *   error           a crash, a timeout, an exit() from the submission, a
 *                   corrupt result or nondeterminism scores 0
 *   not built       an exercise that does not build scores 0 in all
 *   forbidden       a submission that calls a function its exercise's
 *                   rules forbid (rl_barrier_create in the barrier, a
 *                   pthread function anywhere) scores 0 in all, and the
 *                   report quotes the rule
 *
 * A safety check also fails on a lost update (check "no lost update"): a
 * store that overwrote another thread's update on the round-robin run of
 * a scenario whose checks held. The safety and liveness checks of a
 * scenario share one exploration (grade_check.h, struct grade_share).
 *
 * Every failure found on a schedule is replayed once more, as a mirror
 * run in a fresh child, before it is scored, and the check's outcome is
 * that run's checks; if it does not fail the same way again, the check
 * reports "nondeterminism outside the scheduler" (an error, 0). A pass is
 * backed by the round-robin runs (quanta 1..4), mirror runs judged here
 * too.
 */
#ifndef RL_GRADE_H
#define RL_GRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../labs/exercise_scenarios.h"

#define GRADE_SYSTEMATIC_RUNS 20000
#define GRADE_RANDOM_RUNS 500
#define GRADE_PCT_RUNS 500
#define GRADE_MAX_PREEMPTIONS 2
#define GRADE_MAX_STEPS 20000 /* step limit of a run, at most ... */
#define GRADE_STEP_FACTOR 50  /* ... and at most 50 x a round-robin run */
#define GRADE_MIN_STEPS 2000  /* ... but never less than this */
#define GRADE_DEFAULT_BUDGET 60.0

/* The scoring rule a check's points follow (grade_rule_text). */
enum grade_rule {
    GRADE_RULE_PASSED,         /* passed under every explored schedule */
    GRADE_RULE_ALL_OR_NOTHING, /* a failure scores 0 */
    GRADE_RULE_PARTIAL,        /* --partial-credit: by how hard to find */
    GRADE_RULE_NEEDS_SAFETY,   /* passed, but doing nothing passes too */
    GRADE_RULE_NOT_JUDGED,     /* every schedule deadlocked / unfinished */
    GRADE_RULE_ERROR,          /* crash, timeout, exit, corrupt, nondet */
    GRADE_RULE_NOT_BUILT,      /* the exercise did not build */
    GRADE_RULE_FORBIDDEN,      /* it calls what its rules forbid */
    GRADE_RULE_STRESS,         /* os stress: reported, never scored */
    GRADE_RULE_COUNT,
};

enum grade_kind {
    GRADE_BUILD,
    GRADE_SINGLE,
    GRADE_SAFETY,
    GRADE_MISUSE,
    GRADE_LIVENESS,
    GRADE_STRESS,
};

/* What happened, named for the student. */
enum grade_outcome {
    GRADE_PASS,
    GRADE_WRONG,      /* wrong result: a scenario check failed */
    GRADE_MISUSE_ERR, /* misuse: a Python-style error (engine check) */
    GRADE_DEADLOCK,
    GRADE_NO_FINISH, /* did not finish: the step limit */
    GRADE_CRASH,     /* killed by a signal */
    GRADE_TIMEOUT,   /* wall clock or CPU limit */
    GRADE_EXIT,      /* the process ended before the check finished */
    GRADE_CORRUPT,   /* the result channel was tampered with */
    GRADE_COMPILE,   /* the build failed */
    GRADE_SKIPPED,   /* not gradable: the build failed */
    GRADE_NONDET,    /* nondeterminism outside the scheduler */
    GRADE_INTERNAL,  /* the grader itself could not run the check */
    GRADE_FORBIDDEN, /* builds: it calls what the exercise forbids */
    GRADE_MISSING,   /* builds: the submission has no NAME.c */
};

/* How hard a failure is to hit (partial credit). */
enum grade_class {
    GRADE_CLASS_NONE = -1,
    GRADE_CLASS_SEQUENTIAL, /* 0 preemptions */
    GRADE_CLASS_RR,         /* round robin shows it */
    GRADE_CLASS_ONE,        /* 1 preemption */
    GRADE_CLASS_TWO,        /* 2 preemptions */
    GRADE_CLASS_RANDOM,     /* only random / PCT runs */
};

struct grade_check {
    int index;                    /* 1-based in the report (TAP) */
    const char *exercise;         /* "counter" */
    const struct ex_scenario *sc; /* NULL for builds */
    enum grade_kind kind;
    char name[96]; /* "safety: concurrent" */
    int points, max_points;
    enum grade_outcome outcome;
    enum grade_class cls;
    char check[48];            /* the scenario's check that failed */
    char message[256];         /* its message, in the exercise's terms */
    char expected[160];        /* what should have held (TAP, JUnit) */
    char summary[512];         /* "N schedules explored, all passed
                                  (...)" or how the failure was found */
    char detail[1024];         /* the end text (deadlock cycle), the
                                  compiler output, the error */
    char *schedule;            /* malloc'd rl1:... string, or NULL */
    uint64_t replay_max_steps; /* --max-steps the replay needs, or 0 */
    int preemptions;
    char *output;         /* malloc'd captured output, or NULL */
    enum grade_rule rule; /* how its points were decided */
};

struct grade_exercise {
    const struct ex_exercise *ex;
    char file[512];     /* the source graded */
    int first, nchecks; /* its checks in report->checks */
    int points, max_points;
    int warnings;       /* the compiler's warnings of its build (reported
                           in the builds check, never scored) */
};

struct grade_report {
    char submission[512]; /* what was graded, for the header */
    bool replay_submission; /* submission is a path as given: the replay
                               commands name it (--submission) */
    uint64_t seed;
    struct grade_exercise ex[16];
    int nex;
    struct grade_check *checks;
    int nchecks;
    int points, max_points;
    bool partial_credit; /* scored with --partial-credit */
};

/* What to grade and how. */
struct grade_options {
    const char *submission;       /* FILE or DIR, NULL = exercises/ */
    const char *const *exercises; /* names; NULL / 0 = every exercise (or
                                    the one FILE is named after) */
    int nexercises;
    uint64_t seed;
    double budget_s;          /* wall-clock guard per check; 0 =
                                 GRADE_DEFAULT_BUDGET */
    const char *home;         /* racelab's sources; NULL = rl_home() */
    bool no_stress;           /* skip the os stress checks (tests) */
    uint64_t systematic_runs; /* 0 = GRADE_SYSTEMATIC_RUNS */
    uint64_t random_runs;     /* 0 = GRADE_RANDOM_RUNS */
    uint64_t pct_runs;        /* 0 = GRADE_PCT_RUNS */
    bool partial_credit;      /* GRADE_RULE_PARTIAL instead of all or
                                 nothing for safety and liveness */
};

/* Called as the grading goes, so that output can be written (and flushed)
 * as each check finishes. begin is called once every check is listed
 * (their names and maximum points known), check after each, end last. */
struct grade_sink {
    void (*begin)(void *ctx, const struct grade_report *r);
    void (*check)(void *ctx, const struct grade_report *r,
                  const struct grade_check *c);
    void (*end)(void *ctx, const struct grade_report *r);
    void *ctx;
};

/* Plan and grade. Returns 0 when grading ran (whatever the score), -1
 * with a message in err for bad options (unknown exercise, missing
 * submission, no compiler headers), and then r holds nothing to free.
 * The caller frees with grade_report_free. */
int grade_run(const struct grade_options *opt, const struct grade_sink *sink,
              struct grade_report *r, char *err, size_t errlen);

void grade_report_free(struct grade_report *r);

/* Whether the grader is root and the unprivileged user the checks run as
 * can enter dir (a roster): then a submission can read the other
 * students' files there (an #include of their path), unless dir is
 * closed (chmod 700). */
bool grade_checks_reach(const char *dir);

/* Remove the temporary folders of the grading under way (its build cache,
 * the private directory of a check running): for a grader that is being
 * stopped, from another thread than the one grading, just before the
 * process ends. */
void grade_remove_temporary(void);

/* Names for reports. */
const char *grade_outcome_name(enum grade_outcome o);
const char *grade_kind_name(enum grade_kind k);
const char *grade_class_text(enum grade_class c);
/* The words of a scoring rule, as the README's grading section has them. */
const char *grade_rule_text(enum grade_rule rule);
/* The short name of a rule: "all or nothing", "needs safety", ... */
const char *grade_rule_name(enum grade_rule rule);
/* The length (1..4) of the valid UTF-8 character at p, or 0 when the
 * bytes there are not one (a stray continuation byte, a cut, an overlong
 * form, a surrogate, past U+10FFFF). */
size_t grade_utf8_len(const char *p);
/* Make s safe for every report format, in place: each byte of invalid
 * UTF-8 and each control character but newline and tab becomes '?'. */
void grade_sanitize(char *s);

/* The replay command for a check of r with a schedule, into buf:
 * "racelab replay --submission PATH --schedule '...'" (PATH, the
 * submission as given, quoted for the shell; no --submission for this
 * tree's exercises/), with --max-steps when the replay needs it. */
size_t grade_replay_command(const struct grade_report *r,
                            const struct grade_check *c, char *buf,
                            size_t len);

#endif
