/* SPDX-License-Identifier: MIT */
/*
 * grade.c - the grader's plan and driver: which exercises, from which
 * files, which checks with how many points (the scheme is in grade.h).
 *
 * The data model: a report is a list of exercises, each a contiguous run
 * of checks in report->checks. grade_run() plans every check first (so
 * formats that need the count up front, like TAP's plan, can start), then
 * runs them in order: the build here (each exercise built once into an
 * executable, core/program.c, in a cache private to this grading; the
 * exercise's rules checked on what the student's object calls), every
 * other check in children of that executable (grade_check.c) whose runs
 * the grader mirrors and judges itself. It hands each finished
 * exercise's checks to the sink so the report is written as the grading
 * goes.
 */
#include "grade.h"
#include "../../core/mem.h"
#include "../../core/text.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/program.h"
#include "grade_check.h"
#include "grade_child.h"
#include "grade_compile.h"

/* Points per check, by kind (grade.h). */
static const int kind_points[] = {
    [GRADE_BUILD] = 1,  [GRADE_SINGLE] = 2,   [GRADE_SAFETY] = 4,
    [GRADE_MISUSE] = 1, [GRADE_LIVENESS] = 2, [GRADE_STRESS] = 0,
};

/* ---- names -------------------------------------------------------------- */

const char *grade_outcome_name(enum grade_outcome o)
{
    static const char *const names[] = {
        [GRADE_PASS] = "passed",
        [GRADE_WRONG] = "wrong result",
        [GRADE_MISUSE_ERR] = "misuse",
        [GRADE_DEADLOCK] = "deadlock",
        [GRADE_NO_FINISH] = "did not finish",
        [GRADE_CRASH] = "crash",
        [GRADE_TIMEOUT] = "timeout",
        [GRADE_EXIT] = "exited",
        [GRADE_CORRUPT] = "corrupt result",
        [GRADE_COMPILE] = "compile error",
        [GRADE_SKIPPED] = "not gradable",
        [GRADE_NONDET] = "nondeterminism",
        [GRADE_INTERNAL] = "grader error",
        [GRADE_FORBIDDEN] = "forbidden call",
        [GRADE_MISSING] = "missing file",
    };
    return names[o];
}

/* The word a check name starts with. */
const char *grade_kind_name(enum grade_kind k)
{
    static const char *const names[] = {
        [GRADE_BUILD] = "builds",      [GRADE_SINGLE] = "single",
        [GRADE_SAFETY] = "safety",     [GRADE_MISUSE] = "misuse",
        [GRADE_LIVENESS] = "liveness", [GRADE_STRESS] = "stress",
    };
    return names[k];
}

/* How hard a failure is to hit, for the feedback. */
const char *grade_class_text(enum grade_class c)
{
    switch (c) {
    case GRADE_CLASS_SEQUENTIAL:
        return "shows with 0 preemptions (sequential)";
    case GRADE_CLASS_RR:
        return "shows under plain round robin";
    case GRADE_CLASS_ONE:
        return "needs 1 preemption";
    case GRADE_CLASS_TWO:
        return "needs 2 preemptions";
    case GRADE_CLASS_RANDOM:
        return "found only by random / PCT schedules";
    default:
        return "";
    }
}

/* The scoring rules, word for word as in the README's grading section. */
static const struct {
    const char *name, *text;
} rules[GRADE_RULE_COUNT] = {
    [GRADE_RULE_PASSED] = {"passed", "a check that passes under every explored "
                                     "schedule scores its points"},
    [GRADE_RULE_ALL_OR_NOTHING] = {"all or nothing",
                                   "a check that fails under any explored "
                                   "schedule scores 0, however hard the "
                                   "failure was to find"},
    [GRADE_RULE_PARTIAL] = {"partial credit",
                            "with --partial-credit, a safety or liveness "
                            "failure keeps part of its points by how hard "
                            "it was to find: 1 preemption 25%, 2 "
                            "preemptions 50%, only random or PCT schedules "
                            "75%, sequential or round robin 0% (rounded "
                            "down)"},
    [GRADE_RULE_NEEDS_SAFETY] = {"needs safety",
                                 "single-thread, liveness and progress "
                                 "checks score only when every other safety "
                                 "check of the exercise passes: an "
                                 "implementation that does nothing passes "
                                 "them too"},
    [GRADE_RULE_NOT_JUDGED] = {"not judged",
                               "a safety check whose schedules all "
                               "deadlocked or did not finish scores 0: "
                               "nothing ran to the end to be judged"},
    [GRADE_RULE_ERROR] = {"error",
                          "a crash, a timeout, an exit() from the code, a "
                          "corrupt result or nondeterminism outside the "
                          "scheduler scores 0"},
    [GRADE_RULE_NOT_BUILT] = {"not built",
                              "an exercise that does not build scores 0 "
                              "for every check"},
    [GRADE_RULE_FORBIDDEN] = {"forbidden",
                              "a submission that calls a function its "
                              "exercise's rules forbid scores 0 for the "
                              "exercise"},
    [GRADE_RULE_STRESS] = {"reported only",
                           "runs on real threads (os backend) are "
                           "reported, never scored"},
};

/* The words of a rule. */
const char *grade_rule_text(enum grade_rule rule)
{
    return rule >= 0 && rule < GRADE_RULE_COUNT ? rules[rule].text : "";
}

/* The short name of a rule. */
const char *grade_rule_name(enum grade_rule rule)
{
    return rule >= 0 && rule < GRADE_RULE_COUNT ? rules[rule].name : "";
}

/* "racelab replay [--submission PATH] --schedule '...'" (and --max-steps
 * when needed). */
size_t grade_replay_command(const struct grade_report *r,
                            const struct grade_check *c, char *buf,
                            size_t len)
{
    char sub[sizeof r->submission * 4 + 32], steps[48];
    size_t n = 0;
    int w;

    if (c->schedule == NULL) {
        if (len > 0)
            buf[0] = '\0';
        return 0;
    }
    sub[0] = steps[0] = '\0';
    if (r->replay_submission) {
        n = (size_t)snprintf(sub, sizeof sub, " --submission ");
        rl_text_shell_word(sub + n, sizeof sub - n, r->submission);
    }
    if (c->replay_max_steps > 0)
        snprintf(steps, sizeof steps, " --max-steps %llu",
                 (unsigned long long)c->replay_max_steps);
    w = snprintf(buf, len, "racelab replay%s --schedule '%s'%s", sub,
                 c->schedule, steps);
    return w < 0 ? 0 : (size_t)w;
}

/* ---- text from the submission ------------------------------------------- */

/* The length of the valid UTF-8 character at p, or 0. */
size_t grade_utf8_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xC2 && p[0] <= 0xDF   ? 2
               : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
               : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
                                              : 0;
    if (n == 0)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0; /* also a NUL: the string was cut mid-character */
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
        return 0; /* overlong, surrogate, past U+10FFFF */
    return n;
}

/* Replace invalid UTF-8 and control characters in s with '?'. */
void grade_sanitize(char *s)
{
    if (s == NULL)
        return;
    while (*s != '\0') {
        size_t n = grade_utf8_len(s);
        if (n == 0) {
            *s++ = '?';
            continue;
        }
        if (n == 1 && (((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') ||
                       *s == 0x7f))
            *s = '?';
        s += n;
    }
}

/* Everything in c that came from the submission's process, made safe
 * for the reports (the message fields may also have been cut
 * mid-character by a fixed-size copy). */
static void check_sanitize(struct grade_check *c)
{
    grade_sanitize(c->check);
    grade_sanitize(c->message);
    grade_sanitize(c->expected);
    grade_sanitize(c->summary);
    grade_sanitize(c->detail);
    grade_sanitize(c->schedule);
    grade_sanitize(c->output);
}

/* ---- planning ----------------------------------------------------------- */

/* The exercise a file is named after: counter.c, counter_no_lock.c. */
static const struct ex_exercise *exercise_of_file(const char *path)
{
    const char *base = strrchr(path, '/');
    const struct ex_exercise *best = NULL;
    base = base != NULL ? base + 1 : path;
    for (int i = 0; i < ex_exercise_count(); i++) {
        const struct ex_exercise *ex = ex_exercise_at(i);
        size_t n = strlen(ex->name);
        if (strncmp(base, ex->name, n) != 0 ||
            (strcmp(base + n, ".c") != 0 && base[n] != '_'))
            continue;
        if (best == NULL || strlen(best->name) < n)
            best = ex;
    }
    return best;
}

/* "counter, rlock, ..." */
static void exercise_names(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < ex_exercise_count() && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                              ex_exercise_at(i)->name);
}

/* Append a check of kind k for scenario sc (NULL for builds) to r. */
static struct grade_check *add_check(struct grade_report *r, int *cap,
                                     const struct ex_exercise *ex,
                                     const struct ex_scenario *sc,
                                     enum grade_kind k)
{
    if (r->nchecks == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        r->checks = rl_xrealloc(r->checks, (size_t)*cap * sizeof *r->checks);
    }
    struct grade_check *c = &r->checks[r->nchecks++];
    memset(c, 0, sizeof *c);
    c->index = r->nchecks;
    c->exercise = ex->name;
    c->sc = sc;
    c->kind = k;
    c->cls = GRADE_CLASS_NONE;
    c->max_points = kind_points[k];
    if (sc != NULL)
        snprintf(c->name, sizeof c->name, "%s: %s", grade_kind_name(k),
                 sc->name);
    else
        snprintf(c->name, sizeof c->name, "%s", grade_kind_name(k));
    return c;
}

/* List the checks of ex, in report order. */
static void plan_exercise(struct grade_report *r, int *cap,
                          const struct ex_exercise *ex, bool stress)
{
    static const enum grade_kind order[] = {
        GRADE_SINGLE, GRADE_SAFETY, GRADE_MISUSE, GRADE_LIVENESS, GRADE_STRESS};
    struct grade_exercise *ge = &r->ex[r->nex - 1];
    ge->first = r->nchecks;
    add_check(r, cap, ex, NULL, GRADE_BUILD);
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        if (order[k] == GRADE_STRESS && !stress)
            continue;
        for (int s = 0; s < ex->nscenarios; s++) {
            const struct ex_scenario *sc = ex->scenarios[s];
            enum ex_kind want = order[k] == GRADE_SINGLE   ? EX_SINGLE
                                : order[k] == GRADE_MISUSE ? EX_MISUSE
                                                           : EX_CONCURRENT;
            if (sc->kind == want)
                add_check(r, cap, ex, sc, order[k]);
        }
    }
    ge->nchecks = r->nchecks - ge->first;
    for (int i = ge->first; i < r->nchecks; i++)
        ge->max_points += r->checks[i].max_points;
    r->max_points += ge->max_points;
}

/* Decide which exercises to grade and from which files. */
static int plan(const struct grade_options *o, struct grade_report *r,
                char *err, size_t errlen)
{
    const struct ex_exercise *list[16];
    int n = 0, cap = 0;
    struct stat st;
    bool is_dir = false;
    char names[256];

    exercise_names(names, sizeof names);
    if (o->submission != NULL) {
        if (stat(o->submission, &st) != 0) {
            snprintf(err, errlen, "--submission %s: %s", o->submission,
                     strerror(errno));
            return -1;
        }
        is_dir = S_ISDIR(st.st_mode);
    }
    for (int i = 0; i < o->nexercises && n < 16; i++) {
        list[n] = ex_exercise_find(o->exercises[i]);
        if (list[n] == NULL) {
            snprintf(err, errlen, "unknown exercise '%s'; exercises: %s",
                     o->exercises[i], names);
            return -1;
        }
        n++;
    }
    if (o->submission != NULL && !is_dir) {
        if (n > 1) {
            snprintf(err, errlen,
                     "--submission FILE grades one exercise; name one (or "
                     "give a folder)");
            return -1;
        }
        if (n == 0) {
            list[0] = exercise_of_file(o->submission);
            if (list[0] == NULL) {
                snprintf(err, errlen,
                         "which exercise is %s? name the file after one "
                         "(%s), or give the exercise: racelab grade "
                         "counter --submission FILE",
                         o->submission, names);
                return -1;
            }
            n = 1;
        }
    }
    if (n == 0)
        for (int i = 0; i < ex_exercise_count() && n < 16; i++)
            list[n++] = ex_exercise_at(i);
    snprintf(r->submission, sizeof r->submission, "%s",
             o->submission != NULL ? o->submission
                                   : "exercises/ (this tree)");
    r->replay_submission = o->submission != NULL;
    for (int i = 0; i < n; i++) {
        struct grade_exercise *ge = &r->ex[r->nex++];
        ge->ex = list[i];
        if (o->submission == NULL)
            snprintf(ge->file, sizeof ge->file, "exercises/%s.c",
                     list[i]->name);
        else if (is_dir)
            snprintf(ge->file, sizeof ge->file, "%s/%s.c", o->submission,
                     list[i]->name);
        else
            snprintf(ge->file, sizeof ge->file, "%s", o->submission);
        plan_exercise(r, &cap, list[i], !o->no_stress);
    }
    return 0;
}

/* ---- the build check ---------------------------------------------------- */

/* The files of folder dir named almost like NAME.c (Counter.c,
 * counter.C, counter_v2.c, counter.c.txt: their name starts with name,
 * letter case aside), or NAME.c one folder down (hw1/counter.c: the
 * folder uploaded instead of its files), escaped and listed in buf
 * ("Counter.c, ..."; the first 3 in byte order). Returns whether there is
 * one. */
static bool near_names(const char *dir, const char *name, char *buf, size_t len)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char *found[32];
    int n = 0;
    size_t at = 0;
    buf[0] = '\0';
    if (d == NULL)
        return false;
    while ((de = readdir(d)) != NULL && n < 32) {
        char sub[PATH_MAX];
        struct stat st;
        if (strncasecmp(de->d_name, name, strlen(name)) == 0) {
            found[n++] = rl_xstrdup(de->d_name);
            continue;
        }
        /* An upload of the folder instead of its files: hw1/counter.c. */
        if (de->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s/%s/%s.c", dir, de->d_name, name);
        if (stat(sub, &st) == 0 && S_ISREG(st.st_mode)) {
            snprintf(sub, sizeof sub, "%s/%s.c", de->d_name, name);
            found[n++] = rl_xstrdup(sub);
        }
    }
    closedir(d);
    /* readdir's order is the file system's: sort, for the same report. */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(found[j - 1], found[j]) > 0; j--) {
            char *t = found[j];
            found[j] = found[j - 1];
            found[j - 1] = t;
        }
    for (int i = 0; i < n; i++) {
        if (i >= 3) {
            free(found[i]);
            continue;
        }
        if (i > 0 && at + 2 < len) {
            memcpy(buf + at, ", ", 3);
            at += 2;
        }
        if (at < len)
            at +=
                rl_text_escape(buf + at, len - at, found[i], strlen(found[i]));
        free(found[i]);
    }
    if (n > 3 && at + 5 < len)
        memcpy(buf + at, ", ...", 6);
    return n > 0;
}

/* Build ex once (the submission's file, or this tree's exercises/NAME.c)
 * into an executable in the grader's cache; fill the builds check.
 * Returns true with its path in exe when the exercise can be graded. */
static bool grade_build(const struct grade_options *o, const char *home,
                        const char *cache, struct grade_exercise *ge,
                        struct grade_check *c, char *exe, size_t exelen)
{
    char src[PATH_MAX + 64];
    c->rule = GRADE_RULE_NOT_BUILT;
    /* This tree's exercises are built like a submission's: the student
     * API alone on the include path. */
    if (o->submission != NULL)
        snprintf(src, sizeof src, "%s", ge->file);
    else if (o->home != NULL)
        snprintf(src, sizeof src, "%s/exercises/%s.c", home, ge->ex->name);
    else
        (void)rl_exercise_source(ge->ex->name, src, sizeof src, c->message,
                                 sizeof c->message);
    if (access(src, R_OK) != 0) {
        char near[160];
        c->outcome = GRADE_MISSING;
        if (o->submission != NULL &&
            near_names(o->submission, ge->ex->name, near, sizeof near))
            snprintf(c->message, sizeof c->message,
                     "missing: the submission has no %s.c (it has %s: the "
                     "file must be named %s.c exactly, at the top)",
                     ge->ex->name, near, ge->ex->name);
        else
            snprintf(c->message, sizeof c->message,
                     "missing: the submission has no %s.c", ge->ex->name);
        return false;
    }
    struct rl_build b;
    memset(&b, 0, sizeof b);
    b.kind = RL_BUILD_EXERCISE;
    b.exercise = ge->ex->name;
    b.sources[0] = src;
    b.api_only = true;
    b.private_copy = true;
    b.cache = cache;
    /* The compiler reads the student's #includes: as the unprivileged
     * user when we are root, like the checks. */
    struct rl_spawn cc;
    unsigned uid = 0, gid = 0;
    memset(&cc, 0, sizeof cc);
    cc.file_size = (size_t)256 << 20;
    cc.drop_user = child_run_as(&uid, &gid);
    cc.uid = uid;
    cc.gid = gid;
    cc.max_processes = cc.drop_user ? CHILD_PROCESSES : 0;
    cc.no_new_privs = true;
    cc.die_with_parent = true;
    b.spawn = &cc;
    char *out = rl_xmalloc(16384);
    if (rl_program_build(&b, exe, exelen, out, 16384) != 0) {
        c->outcome = GRADE_COMPILE;
        snprintf(c->message, sizeof c->message, "%s.c does not compile",
                 ge->ex->name);
        grade_trim(out, 40, 4000);
        snprintf(c->detail, sizeof c->detail, "%s", out);
        free(out);
        return false;
    }
    free(out);
    /* The children run it as the unprivileged user when we are root. */
    chmod(exe, 0755);
    /* The exercise's rules, enforced on what the student's code calls. */
    char name[128];
    if (grade_forbidden(exe, ge->ex->forbidden, name, sizeof name)) {
        c->outcome = GRADE_FORBIDDEN;
        c->rule = GRADE_RULE_FORBIDDEN;
        snprintf(c->check, sizeof c->check, "rules");
        snprintf(c->message, sizeof c->message,
                 "%s.c calls %s, which the exercise forbids: \"%s\" "
                 "(exercises/%s.h, RULES)",
                 ge->ex->name, name, ge->ex->rule, ge->ex->name);
        return false;
    }
    c->outcome = GRADE_PASS;
    c->rule = GRADE_RULE_PASSED;
    c->points = c->max_points;
    snprintf(c->summary, sizeof c->summary, "%s", "compiles and links");
    /* The compiler's warnings (-Wall): shown to the student, never
     * scored. */
    char *said = rl_xmalloc(16384);
    if (rl_program_warnings(exe, said, 16384) > 0) {
        ge->warnings = grade_warning_count(said);
        snprintf(c->summary, sizeof c->summary,
                 "compiles and links; %d compiler warning%s (no points lost)",
                 ge->warnings, ge->warnings == 1 ? "" : "s");
        grade_trim(said, 12, sizeof c->detail - 96);
        snprintf(c->detail, sizeof c->detail, "%s", said);
    }
    free(said);
    return true;
}

/* ---- the driver --------------------------------------------------------- */

/* nftw callback: remove one entry (children first). */
static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* Remove dir and everything in it (the private tree, what checks left). */
static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Whether a passing check of kind k on sc is one that doing nothing also
 * passes (GRADE_RULE_NEEDS_SAFETY). */
static bool needs_safety(const struct grade_check *c)
{
    return c->kind == GRADE_SINGLE || c->kind == GRADE_LIVENESS ||
           (c->kind == GRADE_SAFETY && c->sc != NULL && c->sc->progress);
}

/* Apply "needs safety" to ge's checks: unless every safety check that
 * keeps threads apart passed, the checks an empty implementation passes
 * too keep their verdict but score 0. */
static void apply_needs_safety(struct grade_report *r,
                               struct grade_exercise *ge)
{
    bool safe = true;
    for (int i = ge->first; i < ge->first + ge->nchecks; i++) {
        const struct grade_check *c = &r->checks[i];
        if (c->kind == GRADE_SAFETY && !needs_safety(c) &&
            c->outcome != GRADE_PASS)
            safe = false;
    }
    if (safe)
        return;
    for (int i = ge->first; i < ge->first + ge->nchecks; i++) {
        struct grade_check *c = &r->checks[i];
        if (!needs_safety(c) || c->outcome != GRADE_PASS || c->points == 0)
            continue;
        c->points = 0;
        c->rule = GRADE_RULE_NEEDS_SAFETY;
        snprintf(c->message, sizeof c->message,
                 "not scored: a safety check of %s failed, and an "
                 "implementation that does nothing passes this check too",
                 ge->ex->name);
    }
}

int grade_run(const struct grade_options *opt, const struct grade_sink *sink,
              struct grade_report *r, char *err, size_t errlen)
{
    struct grade_options o = *opt;
    char home[PATH_MAX], tmpdir[PATH_MAX], exe[PATH_MAX];
    const char *tmp = getenv("TMPDIR");

    memset(r, 0, sizeof *r);
    home[0] = '\0';
    if (o.budget_s <= 0)
        o.budget_s = GRADE_DEFAULT_BUDGET;
    if (o.systematic_runs == 0)
        o.systematic_runs = GRADE_SYSTEMATIC_RUNS;
    if (o.random_runs == 0)
        o.random_runs = GRADE_RANDOM_RUNS;
    if (o.pct_runs == 0)
        o.pct_runs = GRADE_PCT_RUNS;
    r->seed = o.seed;
    r->partial_credit = o.partial_credit;
    child_grader_protect();
    if (plan(&o, r, err, errlen) != 0)
        return -1;
    tmpdir[0] = '\0';
    if (o.home != NULL)
        snprintf(home, sizeof home, "%s", o.home);
    else if (rl_home(home, sizeof home, err, errlen) != 0) {
        grade_report_free(r);
        return -1;
    }
    /* This tree's exercises: an installed racelab finds them in the
     * checkout it runs in, or says what to pass. */
    if (o.submission == NULL && o.home == NULL && r->nex > 0 &&
        rl_exercise_source(r->ex[0].ex->name, exe, sizeof exe, err,
                           errlen) != 0) {
        snprintf(err, errlen,
                 "there is no exercises/ here to grade: racelab's home %s "
                 "holds the headers, not the exercises; run racelab grade "
                 "in the racelab checkout that has exercises/, or grade a "
                 "submission: racelab grade --submission DIR",
                 home);
        grade_report_free(r);
        return -1;
    }
    /* The builds of this grading, a cache of its own: each exercise is
     * built once, and nothing of another grading is reused or reachable.
     * Searchable but not listable by the children's user (when we are
     * root), who run the executables by name. */
    snprintf(tmpdir, sizeof tmpdir, "%s/racelab-grade-XXXXXX",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(tmpdir) == NULL) {
        snprintf(err, errlen, "cannot create a temporary directory: %s",
                 strerror(errno));
        grade_report_free(r);
        return -1;
    }
    {
        char abs[PATH_MAX];
        if (realpath(tmpdir, abs) != NULL)
            snprintf(tmpdir, sizeof tmpdir, "%s", abs);
        chmod(tmpdir, 0711);
    }
    child_temporary_track(tmpdir);
    if (!child_can_enter(tmpdir)) {
        unsigned uid = 0, gid = 0;
        child_run_as(&uid, &gid);
        snprintf(err, errlen,
                 "the checks run as uid %u, which cannot enter %s (a folder "
                 "above it is closed to that user): set TMPDIR to a folder "
                 "every user can enter, such as /tmp",
                 uid, tmpdir);
        remove_tree(tmpdir);
        child_temporary_forget(tmpdir);
        grade_report_free(r);
        return -1;
    }
    if (sink != NULL && sink->begin != NULL)
        sink->begin(sink->ctx, r);
    for (int e = 0; e < r->nex; e++) {
        struct grade_exercise *ge = &r->ex[e];
        struct grade_check *b = &r->checks[ge->first];
        bool gradable =
            grade_build(&o, home, tmpdir, ge, b, exe, sizeof exe);
        struct grade_share share;
        memset(&share, 0, sizeof share);
        for (int i = ge->first + 1; i < ge->first + ge->nchecks; i++) {
            struct grade_check *c = &r->checks[i];
            if (!gradable && b->rule == GRADE_RULE_FORBIDDEN) {
                c->outcome = GRADE_SKIPPED;
                c->rule = GRADE_RULE_FORBIDDEN;
                snprintf(c->message, sizeof c->message,
                         "not graded: %s breaks the exercise's rules (see "
                         "builds; not run, scored 0)",
                         ge->ex->name);
            } else if (!gradable) {
                c->outcome = GRADE_SKIPPED;
                c->rule = GRADE_RULE_NOT_BUILT;
                snprintf(c->message, sizeof c->message,
                         "not gradable: %s did not build (not run; scored "
                         "0, not counted as a failure of its own)",
                         ge->ex->name);
            } else {
                grade_check_run(&o, exe, c, &share);
            }
        }
        grade_share_clear(&share);
        for (int i = ge->first; i < ge->first + ge->nchecks; i++)
            check_sanitize(&r->checks[i]);
        /* The exercise's checks are reported together, once the rule that
         * needs all of them is applied. */
        apply_needs_safety(r, ge);
        for (int i = ge->first; i < ge->first + ge->nchecks; i++) {
            ge->points += r->checks[i].points;
            if (sink != NULL && sink->check != NULL)
                sink->check(sink->ctx, r, &r->checks[i]);
        }
        r->points += ge->points;
    }
    if (tmpdir[0] != '\0') {
        remove_tree(tmpdir);
        child_temporary_forget(tmpdir);
    }
    if (sink != NULL && sink->end != NULL)
        sink->end(sink->ctx, r);
    return 0;
}

/* Whether the checks run as another user who can enter dir (grade.h). */
bool grade_checks_reach(const char *dir)
{
    unsigned uid, gid;
    return child_run_as(&uid, &gid) && child_can_enter(dir);
}

/* Remove the temporary folders of the grading under way (see grade.h). */
void grade_remove_temporary(void)
{
    child_temporary_remove();
}

/* Free the schedules and outputs kept in r. */
void grade_report_free(struct grade_report *r)
{
    if (r == NULL)
        return;
    for (int i = 0; i < r->nchecks; i++) {
        free(r->checks[i].schedule);
        free(r->checks[i].output);
    }
    free(r->checks);
    r->checks = NULL;
    r->nchecks = 0;
}
