/* SPDX-License-Identifier: MIT */
/*
 * cmd_grade.c - `racelab grade`: grade exercise implementations, one
 * submission or a roster of them, in any of the report formats.
 *
 * The checks, their isolation and the scores are grade.c's; the formats
 * are grade_report.c's. This file reads the command line, picks where the
 * report goes (stdout, --output FILE, or for a roster one file per student
 * plus summary.csv and summary.json in --output DIR), and turns the score
 * into the exit status: 0 full marks, 1 anything less, 2 bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../core/mem.h"
#include "cli.h"
#include "progress.h"
#include "../grade/grade.h"
#include "../grade/grade_report.h"

#define GRADE_MAX_STUDENTS 4096

enum {
    OPT_SUBMISSION = CLI_OPT_USER,
    OPT_ROSTER,
    OPT_FORMAT,
    OPT_OUTPUT,
    OPT_BUDGET,
    OPT_NO_STRESS,
};

static const struct cli_option grade_options_table[] = {
    {"submission", 0, true, OPT_SUBMISSION}, {"roster", 0, true, OPT_ROSTER},
    {"format", 0, true, OPT_FORMAT},         {"output", 'o', true, OPT_OUTPUT},
    {"seed", 0, true, CLI_OPT_SEED},         {"budget", 0, true, OPT_BUDGET},
    {"no-stress", 0, false, OPT_NO_STRESS},  {NULL, 0, false, 0},
};

/* Parse --budget: seconds, more than 0, at most a day. */
static int parse_budget(const char *text, double *out, char *err, size_t errlen)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !(v > 0) || v > 86400) {
        snprintf(err, errlen,
                 "--budget must be a number of seconds, more than 0 and at "
                 "most 86400, not '%s'",
                 text);
        return -1;
    }
    *out = v;
    return 0;
}

/* Grade one submission into f. Returns 0, or -1 with a message in err. */
static int grade_one(const struct grade_options *o, FILE *f,
                     enum grade_format fmt, struct grade_report *r, char *err,
                     size_t errlen)
{
    struct grade_writer w;
    struct grade_sink sink;

    grade_writer_init(&w, f, fmt, grade_want_color(f));
    sink = grade_writer_sink(&w);
    return grade_run(o, &sink, r, err, errlen);
}

/* A roster's progress on stderr: this student's checks and the whole. */
struct roster_progress {
    struct cli_progress pr;
    struct grade_sink inner; /* the report writer's */
    const char *student;
    int index, count; /* student index of count */
    int done, total;  /* checks of this student */
};

/* Draw the progress line. */
static void roster_show(struct roster_progress *rp)
{
    double whole = rp->total > 0 ? (double)rp->done / rp->total : 0.0;

    cli_progress_show(&rp->pr,
                      "racelab: grading %s (%d of %d): check %d of %d; %d%% "
                      "of the roster",
                      rp->student, rp->index + 1, rp->count, rp->done,
                      rp->total,
                      (int)(100.0 * (rp->index + whole) / rp->count));
}

/* grade_sink begin: the checks are known; hand on to the writer. */
static void roster_begin(void *ctx, const struct grade_report *r)
{
    struct roster_progress *rp = ctx;

    rp->done = 0;
    rp->total = r->nchecks;
    if (rp->inner.begin)
        rp->inner.begin(rp->inner.ctx, r);
    roster_show(rp);
}

/* grade_sink check: one more done; hand on to the writer. */
static void roster_check(void *ctx, const struct grade_report *r,
                         const struct grade_check *c)
{
    struct roster_progress *rp = ctx;

    rp->done++;
    if (rp->inner.check)
        rp->inner.check(rp->inner.ctx, r, c);
    roster_show(rp);
}

/* grade_sink end: hand on to the writer. */
static void roster_end(void *ctx, const struct grade_report *r)
{
    struct roster_progress *rp = ctx;

    if (rp->inner.end)
        rp->inner.end(rp->inner.ctx, r);
}

/* grade_one for student i of a roster, with the progress line. */
static int grade_one_progress(const struct grade_options *o, FILE *f,
                              enum grade_format fmt, struct grade_report *r,
                              struct roster_progress *rp, char *err,
                              size_t errlen)
{
    struct grade_writer w;
    struct grade_sink sink;
    int rc;

    grade_writer_init(&w, f, fmt, grade_want_color(f));
    rp->inner = grade_writer_sink(&w);
    sink.begin = roster_begin;
    sink.check = roster_check;
    sink.end = roster_end;
    sink.ctx = rp;
    rp->done = rp->total = 0;
    roster_show(rp);
    rc = grade_run(o, &sink, r, err, errlen);
    cli_progress_end(&rp->pr); /* the student's line is printed next */
    return rc;
}

/* qsort order of student names. */
static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The subfolders of dir, sorted; *n of them. NULL with err on failure. */
static char **roster_students(const char *dir, int *n, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    char path[4096];
    struct stat st;

    *n = 0;
    if (d == NULL) {
        snprintf(err, errlen, "--roster %s: %s", dir, strerror(errno));
        return NULL;
    }
    names = rl_xcalloc(GRADE_MAX_STUDENTS, sizeof *names);
    if (names == NULL) {
        closedir(d);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    while ((de = readdir(d)) != NULL && *n < GRADE_MAX_STUDENTS) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        names[*n] = strdup(de->d_name);
        if (names[*n] != NULL)
            (*n)++;
    }
    closedir(d);
    qsort(names, (size_t)*n, sizeof *names, name_cmp);
    return names;
}

/* --roster DIR: every subfolder graded as a submission; a report per
 * student and the summaries in outdir. */
static int grade_roster(const struct grade_options *base, const char *dir,
                        const char *outdir, enum grade_format fmt)
{
    struct grade_report *reports;
    char err[512], path[4096], sub[4096];
    char **students;
    int n, status = CLI_EXIT_OK;
    FILE *f;
    struct roster_progress rp;

    memset(&rp, 0, sizeof rp);
    cli_progress_begin(&rp.pr);
    students = roster_students(dir, &n, err, sizeof err);
    if (students == NULL)
        return cli_error("%s", err);
    if (n == 0) {
        free(students);
        return cli_error("--roster %s has no student folders", dir);
    }
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        free(students);
        return cli_error("--output %s: %s", outdir, strerror(errno));
    }
    reports = rl_xcalloc((size_t)n, sizeof *reports);
    if (reports == NULL) {
        free(students);
        return cli_error("out of memory");
    }
    for (int i = 0; i < n; i++) {
        struct grade_options o = *base;
        snprintf(sub, sizeof sub, "%s/%s", dir, students[i]);
        snprintf(path, sizeof path, "%s/%s.%s", outdir, students[i],
                 grade_format_ext(fmt));
        o.submission = sub;
        f = fopen(path, "w");
        if (f == NULL) {
            status = cli_error("cannot write %s: %s", path, strerror(errno));
            break;
        }
        rp.student = students[i];
        rp.index = i;
        rp.count = n;
        if (grade_one_progress(&o, f, fmt, &reports[i], &rp, err,
                               sizeof err) != 0) {
            fprintf(f, "racelab grade: %s\n", err);
            printf("%-24s not graded: %s\n", students[i], err);
        } else {
            printf("%-24s %d/%d points  (%s)\n", students[i], reports[i].points,
                   reports[i].max_points, path);
        }
        fclose(f);
        fflush(stdout);
        if (reports[i].points < reports[i].max_points ||
            reports[i].max_points == 0)
            status = status == CLI_EXIT_USAGE ? status : CLI_EXIT_FAIL;
    }
    snprintf(path, sizeof path, "%s/summary.csv", outdir);
    f = fopen(path, "w");
    if (f != NULL) {
        grade_summary_csv(f, (const char *const *)students, reports, n);
        fclose(f);
    } else {
        status = cli_error("cannot write %s: %s", path, strerror(errno));
    }
    snprintf(path, sizeof path, "%s/summary.json", outdir);
    f = fopen(path, "w");
    if (f != NULL) {
        grade_summary_json(f, (const char *const *)students, reports, n);
        fclose(f);
    } else {
        status = cli_error("cannot write %s: %s", path, strerror(errno));
    }
    printf("summary: %s/summary.csv, %s/summary.json\n", outdir, outdir);
    for (int i = 0; i < n; i++) {
        grade_report_free(&reports[i]);
        free(students[i]);
    }
    free(reports);
    free(students);
    return status;
}

/* racelab grade [EXERCISE...] [options] */
static int cmd_grade(int argc, char **argv)
{
    struct cli_parser p;
    struct grade_options o;
    struct grade_report r;
    enum grade_format fmt = GRADE_FMT_TEXT;
    const char *names[16];
    const char *roster = NULL, *output = NULL;
    char err[512];
    int id, n = 0, status;
    FILE *f = stdout;

    memset(&o, 0, sizeof o);
    cli_parser_init(&p, &cli_cmd_grade, argc, argv);
    while ((id = cli_next(&p, grade_options_table)) != CLI_END) {
        switch (id) {
        case CLI_HELP:
            return cli_help(&cli_cmd_grade);
        case CLI_ERR:
            return cli_error("%s", p.err);
        case CLI_ARG:
            if (n == 16)
                return cli_error("too many exercises");
            names[n++] = p.arg;
            break;
        case OPT_SUBMISSION:
            o.submission = p.arg;
            break;
        case OPT_ROSTER:
            roster = p.arg;
            break;
        case OPT_FORMAT:
            if (grade_format_parse(p.arg, &fmt) != 0)
                return cli_error("unknown --format '%s'; formats: text, "
                                 "json, gradescope, tap, junit",
                                 p.arg);
            break;
        case OPT_OUTPUT:
            output = p.arg;
            break;
        case CLI_OPT_SEED:
            if (cli_parse_u64("--seed", p.arg, 0, UINT64_MAX, &o.seed, err,
                              sizeof err) < 0)
                return cli_error("%s", err);
            break;
        case OPT_BUDGET:
            if (parse_budget(p.arg, &o.budget_s, err, sizeof err) < 0)
                return cli_error("%s", err);
            break;
        case OPT_NO_STRESS:
            o.no_stress = true;
            break;
        default:
            return cli_error("internal: option %s not handled", p.opt);
        }
    }
    o.exercises = names;
    o.nexercises = n;
    if (roster != NULL) {
        if (o.submission != NULL)
            return cli_error("give --submission or --roster, not both");
        return grade_roster(&o, roster, output != NULL ? output : ".", fmt);
    }
    if (output != NULL) {
        f = fopen(output, "w");
        if (f == NULL)
            return cli_error("cannot write %s: %s", output, strerror(errno));
    }
    if (grade_one(&o, f, fmt, &r, err, sizeof err) != 0) {
        if (f != stdout)
            fclose(f);
        return cli_error("%s", err);
    }
    status = r.points == r.max_points ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    if (f != stdout) {
        fclose(f);
        printf("racelab grade: %d/%d points; report in %s\n", r.points,
               r.max_points, output);
    }
    grade_report_free(&r);
    return status;
}

const struct cli_command cli_cmd_grade = {
    "grade",
    "grade exercise implementations under many schedules, isolated",
    "usage: racelab grade [EXERCISE...] [options]\n"
    "\n"
    "Grade implementations of the exercises (counter, rlock, ...): it builds;\n"
    "single-thread behaviour; safety under explored schedules (every\n"
    "schedule with at most 2 preemptions, then a fixed list of seeded random\n"
    "and PCT schedules); misuse handled as the header says; liveness (no\n"
    "deadlock, finishes under round robin); a stress run on real threads\n"
    "(reported, not scored). Each check runs in its own process with time\n"
    "and memory limits: a crash, a hang or an exit() is a failed check,\n"
    "never a pass. Every failure comes with a schedule and the 'racelab\n"
    "replay' command that shows it. Same seed, same report.\n"
    "\n"
    "Without --submission it grades your exercises/ as built into racelab.\n"
    "\n"
    "options:\n"
    "  EXERCISE          grade only these (default: every exercise, or the\n"
    "                    one a --submission FILE is named after)\n"
    "  --submission P    a file (counter.c) or a folder of exercise files to\n"
    "                    compile and grade\n"
    "  --roster DIR      grade every subfolder of DIR (one per student): a\n"
    "                    report per student plus summary.csv and\n"
    "                    summary.json in --output DIR (default: here)\n"
    "  --format F        text (default), json, gradescope (results.json),\n"
    "                    tap (TAP 14), junit (JUnit XML)\n"
    "  -o, --output F    write the report to F (a folder with --roster)\n"
    "  --seed N          seed of the random and PCT schedules (default 0)\n"
    "  --budget SECONDS  wall-clock guard per check (default 60); the\n"
    "                    schedules are counted, not timed\n"
    "  --no-stress       skip the runs on real threads\n"
    "  -h, --help        show this help\n"
    "\n"
    "exit status: 0 full marks, 1 fewer points, 2 bad usage.\n"
    "\n"
    "examples:\n"
    "  racelab grade counter\n"
    "  racelab grade --submission solutions/\n"
    "  racelab grade --submission hw/ --format gradescope -o results.json\n",
    cmd_grade,
};
