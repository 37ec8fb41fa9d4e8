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
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/mem.h"
#include "../../core/text.h"
#include "cli.h"
#include "progress.h"
#include "../grade/grade.h"
#include "../grade/grade_report.h"
#include "../../labs/exercise_scenarios.h"
#include "suggest.h"

#define GRADE_MAX_STUDENTS 4096
#define GRADE_MAX_BUDGET 86400.0 /* seconds: a day */

enum {
    OPT_SUBMISSION = CLI_OPT_USER,
    OPT_ROSTER,
    OPT_FORMAT,
    OPT_OUTPUT,
    OPT_BUDGET,
    OPT_NO_STRESS,
    OPT_PARTIAL,
};

static const struct cli_option grade_options_table[] = {
    {"submission", 0, true, OPT_SUBMISSION},
    {"roster", 0, true, OPT_ROSTER},
    {"format", 0, true, OPT_FORMAT},
    {"output", 'o', true, OPT_OUTPUT},
    {"seed", 0, true, CLI_OPT_SEED},
    {"budget", 0, true, OPT_BUDGET},
    {"no-stress", 0, false, OPT_NO_STRESS},
    {"partial-credit", 0, false, OPT_PARTIAL},
    {NULL, 0, false, 0},
};

/* Stopping. While a grading writes reports, SIGINT, SIGTERM and SIGHUP
 * are blocked and taken by a thread of their own (sigwait: no signal
 * handler runs). It removes the report being written (its temporary
 * file) and the grading's temporary folders, says what was graded and
 * where, and ends the process by the
 * signal; the checks' children die with it (rl_spawn die_with_parent).
 * What was finished stays: each student's report, renamed into place when
 * done, and the roster's summaries, rewritten after each student. */
struct grade_stop {
    pthread_mutex_t lock;
    char tmp[4096 + 16]; /* the temporary report being written, or "";
                            guarded by lock */
    char what[8192];     /* what a stop leaves, said on stderr; guarded by
                            lock */
};

static struct grade_stop grade_stop = {PTHREAD_MUTEX_INITIALIZER, "", ""};

/* The signals that stop a grading. */
static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

/* The stopping thread: wait for a stop signal, clean up, die by it. */
static void *stop_wait(void *arg)
{
    sigset_t set;
    int sig = 0;
    (void)arg;
    stop_signals(&set);
    if (sigwait(&set, &sig) != 0)
        return NULL;
    /* Held to the end: the grading thread cannot rename a report now. */
    pthread_mutex_lock(&grade_stop.lock);
    if (grade_stop.tmp[0] != '\0')
        unlink(grade_stop.tmp);
    grade_remove_temporary();
    fprintf(stderr, "\nracelab: grading stopped by %s: %s\n",
            sig == SIGINT    ? "SIGINT"
            : sig == SIGTERM ? "SIGTERM"
                             : "SIGHUP",
            grade_stop.what);
    fflush(stderr);
    signal(sig, SIG_DFL);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

/* Start taking the stop signals (once). Returns 0, or -1 when the thread
 * cannot be started (the signals then keep their default action). */
static int stop_begin(void)
{
    static bool started;
    sigset_t set, old;
    pthread_t t;
    if (started)
        return 0;
    stop_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    if (pthread_create(&t, NULL, stop_wait, NULL) != 0) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return -1;
    }
    pthread_detach(t);
    started = true;
    return 0;
}

/* What a stop now would leave, for its message (printf-style). */
static void stop_say(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void stop_say(const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&grade_stop.lock);
    va_start(ap, fmt);
    vsnprintf(grade_stop.what, sizeof grade_stop.what, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&grade_stop.lock);
}

/* A report file written atomically: a temporary file beside path, renamed
 * over path only once complete (report_commit), so a report is never seen
 * half written, and nothing a check left running could write into it. */
struct report_file {
    FILE *f;
    char tmp[4096 + 16];
    const char *path;
};

/* Open a temporary file for path. Returns 0, or -1 with errno. */
static int report_open(struct report_file *rf, const char *path)
{
    rf->path = path;
    snprintf(rf->tmp, sizeof rf->tmp, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(rf->tmp);
    if (fd < 0)
        return -1;
    fchmod(fd, 0644);
    rf->f = fdopen(fd, "w");
    if (rf->f == NULL) {
        int e = errno;
        close(fd);
        unlink(rf->tmp);
        errno = e;
        return -1;
    }
    pthread_mutex_lock(&grade_stop.lock);
    snprintf(grade_stop.tmp, sizeof grade_stop.tmp, "%s", rf->tmp);
    pthread_mutex_unlock(&grade_stop.lock);
    return 0;
}

/* Finish: flush and close, then rename into place (keep is false: drop
 * it). Returns 0, or -1 with errno. */
static int report_commit(struct report_file *rf, bool keep)
{
    int rc = fflush(rf->f) == 0 && fsync(fileno(rf->f)) == 0 ? 0 : -1;
    int e = errno;
    if (fclose(rf->f) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    pthread_mutex_lock(&grade_stop.lock);
    if (rc == 0 && keep && rename(rf->tmp, rf->path) != 0) {
        rc = -1;
        e = errno;
    }
    if (rc != 0 || !keep)
        unlink(rf->tmp);
    grade_stop.tmp[0] = '\0';
    pthread_mutex_unlock(&grade_stop.lock);
    errno = e;
    return rc;
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

/* One entry of a roster folder: a student's folder, or what is skipped. */
struct roster_entry {
    char *name;     /* as on disk */
    char *shown;    /* escaped (rl_text_escape): one line, valid UTF-8 */
    char *report;   /* its report's file name in the output folder */
    char skip[160]; /* why it is not graded, or "" */
    dev_t dev;
    ino_t ino;
};

/* qsort order of entries: by name, bytewise. */
static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct roster_entry *)a)->name,
                  ((const struct roster_entry *)b)->name);
}

/* The entries of dir but the hidden ones, sorted; *n of them: each
 * subfolder (a symbolic link to one too) a student, anything else
 * skipped with the reason. NULL with err on failure. */
static struct roster_entry *roster_students(const char *dir, int *n, char *err,
                                            size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    struct roster_entry *list;
    char path[4096];
    struct stat st;

    *n = 0;
    if (d == NULL) {
        snprintf(err, errlen, "--roster %.400s: %s", dir, strerror(errno));
        return NULL;
    }
    list = rl_xcalloc(GRADE_MAX_STUDENTS, sizeof *list);
    while ((de = readdir(d)) != NULL && *n < GRADE_MAX_STUDENTS) {
        struct roster_entry *e = &list[*n];
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.')
            continue;
        e->name = rl_xstrdup(de->d_name);
        e->shown = rl_xmalloc(4 * len + 1);
        rl_text_escape(e->shown, 4 * len + 1, de->d_name, len);
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (stat(path, &st) != 0)
            snprintf(e->skip, sizeof e->skip, "not a folder (%s)",
                     strerror(errno));
        else if (!S_ISDIR(st.st_mode))
            snprintf(e->skip, sizeof e->skip, "not a folder");
        e->dev = st.st_dev;
        e->ino = st.st_ino;
        (*n)++;
    }
    closedir(d);
    qsort(list, (size_t)*n, sizeof *list, entry_cmp);
    return list;
}

/* Name each student's report in the output folder after the name as
 * shown (escaped: a folder named with a newline or an invalid byte gets a
 * report a summary can name): NAME.EXT, or NAME~2.EXT (~3, ...) when that
 * is a summary's name or another's. */
static void roster_name_reports(struct roster_entry *list, int n,
                                const char *ext)
{
    for (int i = 0; i < n; i++) {
        char name[4096];
        for (int k = 1;; k++) {
            bool taken = false;
            if (k == 1)
                snprintf(name, sizeof name, "%s.%s", list[i].shown, ext);
            else
                snprintf(name, sizeof name, "%s~%d.%s", list[i].shown, k, ext);
            taken = strcmp(name, "summary.csv") == 0 ||
                    strcmp(name, "summary.json") == 0;
            for (int j = 0; j < i && !taken; j++)
                taken =
                    list[j].report != NULL && strcmp(list[j].report, name) == 0;
            if (!taken)
                break;
        }
        list[i].report = rl_xstrdup(name);
    }
}

/* path without its trailing slashes ("roster/" -> "roster"; "/" stays),
 * in buf: what it is joined to ("roster/alice") reads as it is typed. */
static void path_trim_slashes(char *buf, size_t len, const char *path)
{
    size_t n = strlen(path);

    while (n > 1 && path[n - 1] == '/')
        n--;
    snprintf(buf, len, "%.*s", (int)n, path);
}

/* Write the summaries of the n students graded so far (of total) into
 * outdir, each atomically. Returns CLI_EXIT_OK, or CLI_EXIT_USAGE with
 * the error printed. */
static int roster_summaries(const char *outdir, const char *const *shown,
                            const char *const *files,
                            const struct grade_report *reports, int n,
                            int total)
{
    char path[4096];
    struct report_file rf;
    int status = CLI_EXIT_OK;

    snprintf(path, sizeof path, "%s/summary.csv", outdir);
    if (report_open(&rf, path) == 0) {
        grade_summary_csv(rf.f, shown, reports, n);
        if (report_commit(&rf, true) != 0)
            status = cli_error("cannot write %s: %s", path, strerror(errno));
    } else {
        status = cli_error("cannot write %s: %s", path, strerror(errno));
    }
    snprintf(path, sizeof path, "%s/summary.json", outdir);
    if (report_open(&rf, path) == 0) {
        grade_summary_json(rf.f, shown, files, reports, n, total);
        if (report_commit(&rf, true) != 0)
            status = cli_error("cannot write %s: %s", path, strerror(errno));
    } else {
        status = cli_error("cannot write %s: %s", path, strerror(errno));
    }
    return status;
}

/* --roster DIR: every subfolder graded as a submission; a report per
 * student and the summaries in outdir (rewritten after each student). */
static int grade_roster(const struct grade_options *base, const char *dir_in,
                        const char *outdir_in, enum grade_format fmt)
{
    struct grade_report *reports;
    char err[512], path[4096], sub[4096], dir[2048], outdir[2048];
    struct roster_entry *list;
    const char **shown, **files;
    int n, count = 0, graded = 0, status = CLI_EXIT_OK;
    struct report_file rf;
    struct roster_progress rp;
    struct stat st;

    path_trim_slashes(dir, sizeof dir, dir_in);
    path_trim_slashes(outdir, sizeof outdir, outdir_in);
    memset(&rp, 0, sizeof rp);
    list = roster_students(dir, &n, err, sizeof err);
    if (list == NULL)
        return cli_error("%s", err);
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST)
        status = cli_error("--output %s: %s", outdir, strerror(errno));
    else if (stat(outdir, &st) != 0 || !S_ISDIR(st.st_mode))
        status = cli_error("--output %s is not a folder (with --roster it "
                           "names the folder of the reports)",
                           outdir);
    /* An output folder inside the roster is not a student's. */
    for (int i = 0; i < n && stat(outdir, &st) == 0; i++)
        if (list[i].skip[0] == '\0' && list[i].dev == st.st_dev &&
            list[i].ino == st.st_ino)
            snprintf(list[i].skip, sizeof list[i].skip,
                     "the output folder (--output)");
    for (int i = 0; i < n; i++)
        count += list[i].skip[0] == '\0';
    if (status == CLI_EXIT_OK && count == 0)
        status = cli_error("--roster %s has no student folders", dir);
    if (status != CLI_EXIT_OK) {
        for (int i = 0; i < n; i++) {
            free(list[i].name);
            free(list[i].shown);
        }
        free(list);
        return status;
    }
    roster_name_reports(list, n, grade_format_ext(fmt));
    if (grade_checks_reach(dir)) {
        rl_text_escape(sub, sizeof sub, dir, strlen(dir));
        fprintf(stderr,
                "racelab: note: the checks' user can enter %s, so a "
                "submission can read the others' files there (an #include "
                "of their path); chmod 700 %s closes it\n",
                sub, sub);
    }
    reports = rl_xcalloc((size_t)count, sizeof *reports);
    shown = rl_xcalloc((size_t)count, sizeof *shown);
    files = rl_xcalloc((size_t)count, sizeof *files);
    stop_begin();
    cli_progress_begin(&rp.pr);
    for (int i = 0; i < n; i++) {
        struct roster_entry *e = &list[i];
        struct grade_options o = *base;
        struct grade_report *r = &reports[graded];
        if (e->skip[0] != '\0') {
            printf("%-24s skipped: %s\n", e->shown, e->skip);
            fflush(stdout);
            continue;
        }
        snprintf(sub, sizeof sub, "%s/%s", dir, e->name);
        snprintf(path, sizeof path, "%s/%s", outdir, e->report);
        o.submission = sub;
        stop_say("%d of %d students graded, their reports and the summaries "
                 "(summary.json: \"complete\": false) in %s; %s was being "
                 "graded and has no report",
                 graded, count, outdir, e->shown);
        if (report_open(&rf, path) != 0) {
            status = cli_error("cannot write %s: %s", path, strerror(errno));
            break;
        }
        rp.student = e->shown;
        rp.index = graded;
        rp.count = count;
        bool failed =
            grade_one_progress(&o, rf.f, fmt, r, &rp, err, sizeof err) != 0;
        if (failed) {
            char shown_err[2048];
            grade_report_free(r);
            memset(r, 0, sizeof *r); /* no exercise: "graded": false */
            rl_text_escape(shown_err, sizeof shown_err, err, strlen(err));
            fprintf(rf.f, "racelab grade: %s\n", shown_err);
            printf("%-24s not graded: %s\n", e->shown, shown_err);
        } else {
            rl_text_escape(sub, sizeof sub, path, strlen(path));
            printf("%-24s %d/%d points  (%s)\n", e->shown, r->points,
                   r->max_points, sub);
        }
        if (report_commit(&rf, true) != 0)
            status = cli_error("cannot write %s: %s", path, strerror(errno));
        fflush(stdout);
        if (r->points < r->max_points || r->max_points == 0)
            status = status == CLI_EXIT_USAGE ? status : CLI_EXIT_FAIL;
        shown[graded] = e->shown;
        files[graded] = e->report;
        graded++;
        int st2 =
            roster_summaries(outdir, shown, files, reports, graded, count);
        if (st2 != CLI_EXIT_OK)
            status = st2;
        /* The grader could not grade a folder it listed: its own trouble
         * (a temporary folder, the installation), the same for the next. */
        if (failed) {
            fflush(stdout);
            status = cli_error("%s", err);
            break;
        }
    }
    stop_say("%d of %d students graded, their reports and the summaries in "
             "%s",
             graded, count, outdir);
    rl_text_escape(sub, sizeof sub, outdir, strlen(outdir));
    if (graded > 0)
        printf("summary: %s/summary.csv, %s/summary.json\n", sub, sub);
    for (int i = 0; i < graded; i++)
        grade_report_free(&reports[i]);
    for (int i = 0; i < n; i++) {
        free(list[i].name);
        free(list[i].shown);
        free(list[i].report);
    }
    free(list);
    free(reports);
    free(shown);
    free(files);
    return status;
}

/* What one grading is: the grader's options, the format and where the
 * report goes. */
struct grade_job {
    struct grade_options o;
    enum grade_format fmt;
    const char *names[CLI_MAX_OPERANDS]; /* the exercises, as registered */
    const char *roster;                  /* --roster DIR, or NULL */
    const char *output;                  /* --output, or NULL */
};

/* The exercise named name ('-' and '_' alike), as the registry spells it;
 * NULL with "unknown exercise 'x'; did you mean 'y'?" in err. */
static const char *exercise_name(const char *name, char *err, size_t errlen)
{
    const char *names[32];
    int i, n = 0;

    for (i = 0; i < ex_exercise_count() && n < 32; i++) {
        names[n++] = ex_exercise_at(i)->name;
        if (suggest_same_name(names[n - 1], name))
            return names[n - 1];
    }
    snprintf(err, errlen, "unknown exercise '%s'", name);
    if (suggest_append(err, errlen, name, names, n))
        return NULL;
    for (i = 0; i < n; i++) {
        size_t at = strlen(err);
        snprintf(err + at, errlen - at, "%s%s", i == 0 ? "; exercises: " : ", ",
                 names[i]);
    }
    return NULL;
}

/* Check a parsed `racelab grade` line and fill job. Returns 0, or -1 with
 * a one-line message in err. */
static int grade_job_from(const struct cli_args *c, struct grade_job *job,
                          char *err, size_t errlen)
{
    memset(job, 0, sizeof *job);
    job->fmt = GRADE_FMT_TEXT;
    for (int i = 0; i < c->noperands; i++) {
        job->names[i] = exercise_name(c->operands[i], err, errlen);
        if (job->names[i] == NULL)
            return -1;
    }
    job->o.exercises = job->names;
    job->o.nexercises = c->noperands;
    job->o.submission = c->value[OPT_SUBMISSION];
    job->roster = c->value[OPT_ROSTER];
    job->output = c->value[OPT_OUTPUT];
    job->o.no_stress = c->value[OPT_NO_STRESS] != NULL;
    job->o.partial_credit = c->value[OPT_PARTIAL] != NULL;
    if (c->value[OPT_FORMAT] != NULL &&
        grade_format_parse(c->value[OPT_FORMAT], &job->fmt) != 0) {
        static const char *const formats[] = {"text", "json", "gradescope",
                                              "tap", "junit"};

        snprintf(err, errlen, "unknown --format '%s'", c->value[OPT_FORMAT]);
        if (!suggest_append(err, errlen, c->value[OPT_FORMAT], formats, 5))
            snprintf(err, errlen,
                     "unknown --format '%s'; formats: text, json, "
                     "gradescope, tap, junit",
                     c->value[OPT_FORMAT]);
        return -1;
    }
    if (c->value[CLI_OPT_SEED] != NULL &&
        cli_parse_u64("--seed", c->value[CLI_OPT_SEED], 0, UINT64_MAX,
                      &job->o.seed, err, errlen) < 0)
        return -1;
    if (c->value[OPT_BUDGET] != NULL &&
        cli_parse_seconds("--budget", c->value[OPT_BUDGET], GRADE_MAX_BUDGET,
                          &job->o.budget_s, err, errlen) < 0)
        return -1;
    if (job->roster != NULL && job->o.submission != NULL) {
        snprintf(err, errlen, "give --submission or --roster, not both");
        return -1;
    }
    return 0;
}

/* Grade as job says and report. Returns the exit status. */
static int grade_job_execute(struct grade_job *job)
{
    struct grade_report r;
    char err[512];
    int status;
    FILE *f = stdout;

    if (job->roster != NULL)
        return grade_roster(&job->o, job->roster,
                            job->output != NULL ? job->output : ".", job->fmt);
    struct report_file rf;
    if (job->output != NULL) {
        if (report_open(&rf, job->output) != 0)
            return cli_error("cannot write %s: %s", job->output,
                             strerror(errno));
        f = rf.f;
        stop_begin();
        stop_say("no report written (%s is written once the grading is "
                 "done)",
                 job->output);
    } else {
        stop_begin();
        stop_say("the report above ends where the grading stopped");
    }
    if (grade_one(&job->o, f, job->fmt, &r, err, sizeof err) != 0) {
        if (f != stdout)
            report_commit(&rf, false);
        return cli_error("%s", err);
    }
    status = r.points == r.max_points ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    if (f != stdout) {
        if (report_commit(&rf, true) != 0) {
            grade_report_free(&r);
            return cli_error("cannot write %s: %s", job->output,
                             strerror(errno));
        }
        printf("racelab grade: %d/%d points; report in %s\n", r.points,
               r.max_points, job->output);
    }
    grade_report_free(&r);
    return status;
}

/* racelab grade [EXERCISE...] [options] */
static int cmd_grade(int argc, char **argv)
{
    struct cli_args c;
    struct grade_job job;
    char err[1024];
    int status;

    if (!cli_parse_command(&cli_cmd_grade, argc, argv, &c, NULL, &status))
        return status;
    if (grade_job_from(&c, &job, err, sizeof err) < 0)
        return cli_error("%s", err);
    return grade_job_execute(&job);
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
    "replay' command that shows it. Same seed, same score and report;\n"
    "only the real-thread runs' words may differ (--no-stress: none).\n"
    "\n"
    "Without --submission it grades the exercises/ of this tree.\n"
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
    "  --partial-credit  a safety or liveness failure keeps part of its\n"
    "                    points by how hard it was to find (1 preemption\n"
    "                    25%, 2 preemptions 50%, only random/PCT 75%);\n"
    "                    without it a failure under any schedule scores 0\n"
    "  -h, --help        show this help\n"
    "\n"
    "exit status: 0 full marks, 1 fewer points, 2 bad usage.\n"
    "\n"
    "examples:\n"
    "  racelab grade counter\n"
    "  racelab grade --submission solutions/\n"
    "  racelab grade --submission hw/ --format gradescope -o results.json\n",
    cmd_grade,
    grade_options_table,
    "EXERCISE",
    16,
};
