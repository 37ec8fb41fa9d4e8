/* SPDX-License-Identifier: MIT */
/*
 * cmd_run.c - `racelab run` and `racelab replay`: one lab run, headless.
 *
 * Both build a lab instance and a run configuration, run it to the end with
 * rl_run_finish(), and print the same report: a header line, one line per
 * event (streamed through the run's on_record callback, so a long run
 * prints as it goes), the final state, the checks, how the run ended and,
 * on sim, the schedule string with a ready `racelab replay` command. The
 * event lines of a replay are byte for byte those of the run it came from.
 *
 * --trace FILE keeps the event lines in a file, under a '#' header that
 * carries the schedule string. The schedule is known only at the end, so
 * the events go to a temporary file first and FILE is written last.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mem.h"

#include "../../core/schedule.h"
#include "../../labs/program_lab.h"
#include "cli.h"
#include "progress.h"

#include "../../core/analysis.h"
#include "../screen/tui.h"

/* What one run prints, shared by run and replay. */
struct run_job {
    struct lab_inst inst;
    struct rl_sched sched;
    const char *verb;       /* "run" or "replay", starts the header */
    char sched_text[64];    /* the scheduler, for the header */
    uint64_t max_steps;     /* 0 = the engine's default */
    int timeout_ms;         /* os wall-clock guard; 0 = the default */
    bool quiet;             /* no event lines on stdout */
    const char *trace_path; /* --trace FILE, or NULL */
    const char *schedule_out; /* --schedule-out FILE, or NULL */
    bool json;              /* --format json: one JSON object, no text */
    bool races_report;      /* --races=report: a data race is no failure */
    uint64_t runs;          /* --runs N: a program on os, N real runs */
};

/* The on_record state: where the event lines go. Private to the caller's
 * thread (records reach on_record on the thread that runs the run). */
struct run_sink {
    FILE *out;      /* stdout, or NULL when quiet */
    FILE *trace;    /* the temporary trace file, or NULL */
    int name_width; /* grows with the longest thread name seen */
    uint64_t limit; /* print at most this many on out; 0 = all */
    uint64_t printed;
    uint64_t hidden; /* events not printed because of limit */
    struct rl_lost_tracker *lost; /* sim: marks a lost update as it happens */
};

/* on_record: format the record once, send it to stdout and the trace. */
static void run_on_record(void *ctx, const struct rl_run *run,
                          const struct rl_record *rec)
{
    struct run_sink *s = ctx;
    char line[512];
    int w = cli_thread_name_width(run);

    if (w > s->name_width)
        s->name_width = w;
    size_t n = cli_format_record(run, rec, s->name_width, line, sizeof line);
    struct rl_lost_update l;
    if (s->lost != NULL && rl_lost_tracker_feed(s->lost, rec, &l) &&
        n > 0 && n < sizeof line) {
        /* The line where an update is lost says so, and whose. */
        struct rl_thread_view tv;
        rl_run_thread(run, l.other, &tv);
        snprintf(line + n - 1, sizeof line - (n - 1),
                 "   ! lost update: overwrites %s's %ld (step %" PRIu64 ")\n",
                 tv.name, l.other_value, l.other_seq);
    }
    if (s->out != NULL) {
        if (s->limit != 0 && s->printed >= s->limit) {
            s->hidden++;
        } else {
            fputs(line, s->out);
            s->printed++;
        }
    }
    if (s->trace != NULL)
        fputs(line, s->trace);
}

/* "# schedule: S" and the replay line for a '#' header, S made as it is
 * written when schedule is NULL (too long to hold: see
 * CLI_SCHEDULE_PRINT_MAX). replay is what the replay line names: the file
 * itself, or NULL for "--schedule 'S'". */
static void run_write_schedule_lines(FILE *f, const struct run_job *job,
                                     const struct rl_run *run,
                                     const char *schedule, const char *replay,
                                     const char *extra)
{
    fputs("# schedule: ", f);
    if (schedule != NULL)
        fputs(schedule, f);
    else
        cli_write_schedule(f, run, &job->inst); /* ferror(f) tells */
    fputc('\n', f);
    if (replay != NULL)
        fprintf(f, "# replay:   racelab replay %s%s\n", replay, extra);
    else if (schedule == NULL || strlen(schedule) > CLI_SCHEDULE_INLINE_MAX)
        fprintf(f, "# replay:   racelab replay --schedule 'SCHEDULE', with "
                   "the schedule line above\n");
    else
        fprintf(f, "# replay:   racelab replay --schedule '%s'\n", schedule);
}

/* Write the trace file: a '#' header, then the events kept in tmp. Returns
 * 0, or CLI_EXIT_USAGE after printing a one-line error. */
static int run_write_trace(const struct run_job *job, const char *header,
                           const char *end, const struct rl_run *run,
                           const char *schedule, FILE *tmp)
{
    FILE *f;
    char buf[8192];
    size_t n;
    int failed;

    errno = 0;
    f = fopen(job->trace_path, "w");
    if (f == NULL)
        return cli_error("cannot write trace file '%s': %s", job->trace_path,
                         strerror(errno));
    fprintf(f, "# racelab %s trace\n", RL_VERSION);
    fprintf(f, "# %s %s\n", job->verb, header);
    if (job->inst.backend == RL_BACKEND_SIM)
        run_write_schedule_lines(f, job, run, schedule, NULL, "");
    fprintf(f, "# %s", end);
    rewind(tmp);
    while ((n = fread(buf, 1, sizeof buf, tmp)) > 0)
        fwrite(buf, 1, n, f);
    failed = ferror(tmp) || ferror(f);
    if (fclose(f) != 0)
        failed = 1;
    if (failed)
        return cli_error("cannot write trace file '%s': %s", job->trace_path,
                         errno != 0 ? strerror(errno) : "write error");
    return 0;
}

/* --schedule-out FILE: a '#' header with the schedule string, which
 * `racelab replay FILE` reads. Returns 0, or CLI_EXIT_USAGE after printing
 * a one-line error. */
static int run_write_schedule_out(const struct run_job *job,
                                  const struct rl_run *run, const char *header,
                                  const char *schedule, const char *extra)
{
    FILE *f;
    int failed;

    errno = 0;
    f = fopen(job->schedule_out, "w");
    if (f == NULL)
        return cli_error("cannot write schedule file '%s': %s",
                         job->schedule_out, strerror(errno));
    fprintf(f, "# racelab %s schedule\n", RL_VERSION);
    fprintf(f, "# %s %s\n", job->verb, header);
    run_write_schedule_lines(f, job, run, schedule, job->schedule_out, extra);
    failed = ferror(f);
    if (fclose(f) != 0)
        failed = 1;
    if (failed)
        return cli_error("cannot write schedule file '%s': %s",
                         job->schedule_out,
                         errno != 0 ? strerror(errno) : "write error");
    return 0;
}

/* Join the lines of text with "; " in place (for one-line errors). */
static void join_lines(char *text)
{
    char *p;
    size_t n = strlen(text);

    while (n > 0 && text[n - 1] == '\n')
        text[--n] = '\0';
    while ((p = strchr(text, '\n')) != NULL) {
        memmove(p + 2, p + 1, strlen(p + 1) + 1);
        p[0] = ';';
        p[1] = ' ';
    }
}

/* os: run to the end; past a second, say on stderr (a terminal) how long
 * it has been running and how many events it made, unless event lines are
 * still being printed to the same terminal. */
static void run_os_progress(struct rl_run *run, const struct run_sink *sink,
                            const char *lab, int timeout_ms)
{
    struct cli_progress pr;
    struct timespec pause = {0, 50 * 1000000L};
    char err[256];

    cli_progress_begin(&pr);
    if (!pr.tty || rl_run_start(run, err, sizeof err) != 0) {
        rl_run_finish(run);
        return;
    }
    while (rl_run_poll(run) == RL_END_RUNNING) {
        bool printing = sink->out != NULL && isatty(STDOUT_FILENO) &&
                        (sink->limit == 0 || sink->printed < sink->limit);

        char events[64] = "";

        if (rl_run_steps(run) > 0)
            snprintf(events, sizeof events, ", %" PRIu64 " events",
                     rl_run_steps(run));
        if (!printing)
            cli_progress_show(&pr,
                              "racelab: %s on real threads: %.1f s of at "
                              "most %d s%s",
                              lab, cli_progress_seconds(&pr),
                              (timeout_ms > 0 ? timeout_ms
                                              : RL_DEFAULT_TIMEOUT_MS) /
                                  1000,
                              events);
        nanosleep(&pause, NULL);
    }
    cli_progress_end(&pr);
    rl_run_finish(run);
}

/* Run job to the end and print its report. Returns the exit status. */
/* A program's event lines, once its run has ended (see on_record in
 * run_job_execute), with their own lost-update marks. */
static void run_print_records(struct run_sink *sink, const struct rl_run *run)
{
    bool sim = rl_run_backend(run) == RL_BACKEND_SIM;

    sink->lost = sim ? rl_lost_tracker_create() : NULL;
    for (uint64_t seq = rl_run_record_first(run);
         seq != 0 && seq <= rl_run_record_last(run); seq++)
        if (rl_run_record(run, seq) != NULL)
            run_on_record(sink, run, rl_run_record(run, seq));
    rl_lost_tracker_destroy(sink->lost);
    sink->lost = NULL;
}

/* The program's output as it printed it: the texts of its output steps
 * (stdout and stderr, in step order). The caller frees it. */
static char *program_output(const struct rl_run *run)
{
    size_t n = 0, cap = 256;
    char *buf = rl_xmalloc(cap);

    buf[0] = '\0';
    for (uint64_t seq = rl_run_record_first(run);
         seq != 0 && seq <= rl_run_record_last(run); seq++) {
        const struct rl_record *r = rl_run_record(run, seq);
        const char *t = r != NULL && r->op == RL_OP_OUTPUT
                            ? rl_run_text(run, r->arg)
                            : NULL;
        if (t == NULL)
            continue;
        size_t len = strlen(t);
        while (n + len + 1 > cap)
            cap *= 2;
        buf = rl_xrealloc(buf, cap);
        memcpy(buf + n, t, len + 1);
        n += len;
    }
    return buf;
}

/* A program's output and verdict after its run; returns the exit status
 * (1 when it has a failure: a data race counts unless --races=report). */
static int run_print_program(const struct run_job *job,
                             const struct rl_run *run)
{
    struct cli_failure fl[CLI_MAX_FAILURES];
    char *out = program_output(run);
    int n = cli_failures(run, job->inst.lab, !job->races_report, fl,
                         CLI_MAX_FAILURES);

    if (out[0] != '\0') {
        size_t len = strlen(out);
        printf("output of the program:\n%s%s", out,
               out[len - 1] != '\n' ? "\n" : "");
    }
    free(out);
    cli_print_failures(stdout, fl, n);
    return n > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* --format json: the one object; frees run (and tmp). */
static int run_print_json(const struct run_job *job, struct rl_run *run,
                          FILE *tmp)
{
    struct cli_failure fl[CLI_MAX_FAILURES];
    bool sim = job->inst.backend == RL_BACKEND_SIM;
    /* Past CLI_SCHEDULE_PRINT_MAX the schedule is null (--schedule-out
     * writes it). */
    char *schedule = sim && cli_schedule_length(run, &job->inst) <=
                                CLI_SCHEDULE_PRINT_MAX
                         ? cli_schedule_string(run, &job->inst)
                         : NULL;
    bool program = program_lab_is(job->inst.lab);
    char *out = program ? program_output(run) : NULL;
    int n = cli_failures(run, job->inst.lab, !job->races_report, fl,
                         CLI_MAX_FAILURES);

    cli_print_json(stdout, job->inst.lab->name, fl, n, schedule, 1, out);
    free(out);
    free(schedule);
    rl_run_destroy(run);
    if (tmp != NULL)
        fclose(tmp);
    return n > 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* One histogram line: a program's output and status, and how often. */
struct native_outcome {
    char output[2048];
    int status;
    bool timed_out;
    uint64_t count;
};

/* A program on the os backend: built plainly and run job->runs times as
 * the real program, each in a child with the timeout; a histogram of
 * outputs and exit statuses. Exit 1 when a run failed (non-zero status,
 * a signal, the timeout). */
static int run_native(struct run_job *job)
{
    enum { MAX_OUTCOMES = 16 };
    struct native_outcome *hist = rl_xcalloc(MAX_OUTCOMES, sizeof *hist);
    struct program_native_run r;
    char err[16384];
    bool compile_error;
    uint64_t runs = job->runs ? job->runs : 1, other = 0, failed = 0;
    int n = 0, timeout = job->timeout_ms ? job->timeout_ms : 10000;

    if (program_lab_build_native(job->inst.lab, &compile_error, err,
                                 sizeof err) < 0) {
        free(hist);
        if (compile_error) {
            fprintf(stderr, "%s\n", err);
            return cli_error("cannot compile %s", job->inst.lab->name);
        }
        return cli_error("%s", err);
    }
    if (!job->json)
        printf("run %s on os (the real program, no instrumentation), %"
               PRIu64 " run%s, timeout %d s\n", job->inst.lab->name, runs,
               runs == 1 ? "" : "s", timeout / 1000);
    fflush(stdout);
    for (uint64_t i = 0; i < runs; i++) {
        if (program_lab_run_native(job->inst.lab, timeout, &r, err,
                                   sizeof err) < 0) {
            free(hist);
            return cli_error("%s", err);
        }
        if (r.timed_out || r.status != 0)
            failed++;
        int k = 0;
        while (k < n && !(hist[k].status == r.status &&
                          hist[k].timed_out == r.timed_out &&
                          strcmp(hist[k].output, r.output) == 0))
            k++;
        if (k == n && n == MAX_OUTCOMES) {
            other++;
            continue;
        }
        if (k == n) {
            snprintf(hist[k].output, sizeof hist[k].output, "%s", r.output);
            hist[k].status = r.status;
            hist[k].timed_out = r.timed_out;
            n++;
        }
        hist[k].count++;
    }
    if (job->json) {
        struct cli_failure fl[1];
        memset(fl, 0, sizeof fl);
        snprintf(fl[0].kind, sizeof fl[0].kind, "exit");
        snprintf(fl[0].message, sizeof fl[0].message,
                 "%" PRIu64 " of %" PRIu64 " runs failed", failed, runs);
        cli_print_json(stdout, job->inst.lab->name, fl, failed ? 1 : 0, NULL,
                       runs, n > 0 ? hist[0].output : NULL);
    } else {
        printf("outcomes (count, exit status, output):\n");
        for (int k = 0; k < n; k++) {
            char st[32];
            if (hist[k].timed_out)
                snprintf(st, sizeof st, "timed out");
            else if (hist[k].status > 128)
                snprintf(st, sizeof st, "signal %d", hist[k].status - 128);
            else
                snprintf(st, sizeof st, "exit %d", hist[k].status);
            printf("  %6" PRIu64 "  %-10s ", hist[k].count, st);
            for (const char *p = hist[k].output; *p; p++) {
                if (*p == '\n' && p[1] != '\0')
                    fputs(" | ", stdout);
                else if (*p != '\n')
                    putchar(*p);
            }
            putchar('\n');
        }
        if (other > 0)
            printf("  %6" PRIu64 "  (other outcomes)\n", other);
        printf("result: %s (%" PRIu64 " of %" PRIu64 " runs failed)\n",
               failed ? "FAIL" : "PASS", failed, runs);
    }
    free(hist);
    return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static int run_job_execute(struct run_job *job)
{
    struct rl_run_config cfg;
    struct run_sink sink;
    struct rl_run *run;
    char err[512], header[512], end[128], extra[8192], text[2048];
    char *schedule = NULL;
    FILE *tmp = NULL;
    int status, out_status = 0;
    size_t n;
    bool sim = job->inst.backend == RL_BACKEND_SIM, diverged;

    if (job->inst.backend == RL_BACKEND_OS && program_lab_is(job->inst.lab))
        return run_native(job);
    memset(&sink, 0, sizeof sink);
    sink.out = job->quiet || job->json ? NULL : stdout;
    sink.limit = sim ? 0 : CLI_OS_EVENT_LIMIT;
    if (job->trace_path != NULL) {
        /* Fail before the run if FILE cannot be written. */
        FILE *f = fopen(job->trace_path, "a");

        if (f == NULL)
            return cli_error("cannot write trace file '%s': %s",
                             job->trace_path, strerror(errno));
        fclose(f);
        tmp = tmpfile();
        if (tmp == NULL)
            return cli_error("cannot create a temporary file for --trace: %s",
                             strerror(errno));
        sink.trace = tmp;
    }

    if (job->schedule_out != NULL) {
        /* Fail before the run if FILE cannot be written. */
        FILE *f = fopen(job->schedule_out, "a");

        if (f == NULL) {
            if (tmp != NULL)
                fclose(tmp);
            return cli_error("cannot write schedule file '%s': %s",
                             job->schedule_out, strerror(errno));
        }
        fclose(f);
    }
    sink.lost = sim ? rl_lost_tracker_create() : NULL;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&job->inst);
    cfg.backend = job->inst.backend;
    cfg.sched = job->sched;
    cfg.max_steps = job->max_steps;
    cfg.timeout_ms = job->timeout_ms;
    cfg.record = sink.out != NULL || sink.trace != NULL;
    /* A program's records reach racelab before the texts of its output
     * steps (they come with the child's frame): its lines are printed
     * once the run has ended. */
    if (cfg.record && !program_lab_is(job->inst.lab)) {
        cfg.on_record = run_on_record;
        cfg.on_record_ctx = &sink;
    }

    cli_describe_run(&job->inst, job->sched_text, header, sizeof header);
    if (!job->json)
        printf("%s %s\n", job->verb, header);
    fflush(stdout);
    run = rl_run_create(&cfg, err, sizeof err);
    if (run == NULL) {
        rl_lost_tracker_destroy(sink.lost);
        if (tmp != NULL)
            fclose(tmp);
        return cli_error("%s", err);
    }
    if (sim)
        rl_run_finish(run);
    else
        run_os_progress(run, &sink, job->inst.lab->name, job->timeout_ms);
    rl_lost_tracker_destroy(sink.lost); /* no record comes after the end */
    sink.lost = NULL;
    if (sink.hidden > 0)
        printf("... %" PRIu64
               " more events (use --trace FILE to keep them all)\n",
               sink.hidden);
    if (rl_run_dropped(run) > 0 && !sim)
        printf("note: %" PRIu64 " events were made faster than they could "
               "be kept; the trace shows the newest of each thread\n",
               rl_run_dropped(run));
    else if (rl_run_dropped(run) > 0 && cfg.record && cfg.on_record == NULL) {
        /* The lines below come from the records kept, not as made. */
        struct rl_run_storage st;

        rl_run_storage(run, &st);
        printf("note: the first %" PRIu64 " events were not kept (a run "
               "keeps its newest %zu); the trace starts at step %" PRIu64
               "\n",
               rl_run_dropped(run), st.record_window,
               rl_run_record_first(run));
    }

    if (cfg.record && cfg.on_record == NULL)
        run_print_records(&sink, run);
    diverged = rl_run_end(run) == RL_END_DIVERGED;
    if (job->json && !diverged)
        return run_print_json(job, run, tmp);
    cli_print_state(stdout, run);
    cli_print_checks(stdout, run);
    cli_print_analysis(stdout, run);
    cli_print_end(stdout, run);
    if (sim) {
        size_t slen = cli_schedule_length(run, &job->inst);

        /* A schedule past CLI_SCHEDULE_PRINT_MAX is never made whole: the
         * files below get it piece by piece. */
        if (slen <= CLI_SCHEDULE_PRINT_MAX)
            schedule = cli_schedule_string(run, &job->inst);
        n = cli_submission_option(&job->inst, extra, sizeof extra);
        if (job->max_steps != 0 && n < sizeof extra)
            snprintf(extra + n, sizeof extra - n, " --max-steps %" PRIu64,
                     job->max_steps);
        if (program_lab_is(job->inst.lab))
            cli_program_replay_extra(extra, sizeof extra);
        /* A diverged replay is an error below, not a run to replay. */
        if (!diverged && job->schedule_out != NULL)
            out_status = run_write_schedule_out(job, run, header, schedule,
                                                extra);
        if (!diverged && schedule != NULL)
            cli_print_schedule(stdout, schedule, extra);
        else if (!diverged)
            cli_print_schedule_elsewhere(
                stdout, slen, out_status == 0 ? job->schedule_out : NULL,
                job->sched_text, extra);
    }
    status = rl_run_passed(run) ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    if (!diverged && program_lab_is(job->inst.lab))
        status = run_print_program(job, run); /* its verdict, not PASS */
    else if (!diverged)
        cli_print_result(stdout, run, &job->inst);

    if (tmp != NULL) {
        snprintf(end, sizeof end, "end: %s; result: %s\n",
                 rl_end_name(rl_run_end(run)),
                 rl_run_passed(run) ? "PASS" : "FAIL");
        if (run_write_trace(job, header, end, run, schedule, tmp) != 0)
            status = CLI_EXIT_USAGE;
        fclose(tmp);
    }
    if (diverged) {
        text[0] = '\0';
        rl_run_end_text(run, text, sizeof text);
        join_lines(text);
        status = cli_error("the schedule does not fit this run: %s", text);
    }
    if (out_status != 0)
        status = out_status;
    fflush(stdout);
    free(schedule);
    rl_run_destroy(run);
    return status;
}

/* ---- racelab run --------------------------------------------------------- */

enum {
    OPT_TRACE = CLI_OPT_USER,
    OPT_QUIET,
    OPT_MAX_STEPS,
    OPT_TIMEOUT,
    OPT_SCHEDULE,
    OPT_SCHEDULE_OUT,
    OPT_NO_TUI,
    OPT_FORMAT,
    OPT_RACES,
    OPT_RUNS,
};

static const struct cli_option run_options[] = {
    CLI_LAB_OPTIONS,
    {"trace", 0, true, OPT_TRACE},
    {"schedule-out", 0, true, OPT_SCHEDULE_OUT},
    {"quiet", 'q', false, OPT_QUIET},
    {"max-steps", 0, true, OPT_MAX_STEPS},
    {"timeout", 0, true, OPT_TIMEOUT},
    {"format", 0, true, OPT_FORMAT},
    {"races", 0, true, OPT_RACES},
    {"runs", 0, true, OPT_RUNS},
    {NULL, 0, false, 0},
};

/* Parse --max-steps (sim only). Returns 0 or -1 with a message. */
static int parse_max_steps(const char *text, uint64_t *out, char *err,
                           size_t errlen)
{
    return cli_parse_u64("--max-steps", text, 1, UINT64_MAX, out, err, errlen);
}

/* Check a parsed `racelab run` line and fill job. Returns 0, or -1 with a
 * one-line message in err. */
static int run_job_from(const struct cli_args *c, const struct cli_lab_args *a,
                        struct run_job *job, char *err, size_t errlen)
{
    const char *max_steps = c->value[OPT_MAX_STEPS];
    const char *timeout = c->value[OPT_TIMEOUT];
    char names[1024];
    bool given;

    memset(job, 0, sizeof *job);
    job->verb = "run";
    job->trace_path = c->value[OPT_TRACE];
    job->schedule_out = c->value[OPT_SCHEDULE_OUT];
    job->quiet = c->value[OPT_QUIET] != NULL;
    if (a->lab == NULL) {
        cli_lab_names(names, sizeof names);
        snprintf(err, errlen, "run needs a LAB; labs: %s", names);
        return -1;
    }
    if (cli_lab_resolve(a, &job->inst, err, errlen) < 0)
        return -1;
    if (cli_sched_resolve(a, job->inst.backend, &job->sched, &given, err,
                          errlen) < 0)
        return -1;
    if (job->inst.backend == RL_BACKEND_SIM &&
        job->sched.kind == RL_SCHED_MANUAL) {
        snprintf(err, errlen,
                 "the manual scheduler needs the TUI: racelab tui %s --sched "
                 "manual",
                 job->inst.lab->name);
        return -1;
    }
    if (job->schedule_out != NULL && job->inst.backend != RL_BACKEND_SIM) {
        snprintf(err, errlen,
                 "--schedule-out applies to the sim backend only (an os run "
                 "has no schedule)");
        return -1;
    }
    if (max_steps != NULL) {
        if (job->inst.backend != RL_BACKEND_SIM) {
            snprintf(err, errlen,
                     "--max-steps applies to the sim backend only");
            return -1;
        }
        if (parse_max_steps(max_steps, &job->max_steps, err, errlen) < 0)
            return -1;
    }
    if (timeout != NULL) {
        uint64_t sec;

        if (job->inst.backend != RL_BACKEND_OS) {
            snprintf(err, errlen,
                     "--timeout applies to the os backend only (sim runs are "
                     "bounded by --max-steps)");
            return -1;
        }
        if (cli_parse_u64("--timeout", timeout, 1, 3600, &sec, err, errlen) <
            0)
            return -1;
        job->timeout_ms = (int)sec * 1000;
    }
    if (cli_format_options(c->value[OPT_FORMAT], c->value[OPT_RACES],
                           &job->json, &job->races_report, err, errlen) < 0)
        return -1;
    if (c->value[OPT_RUNS] != NULL) {
        if (job->inst.backend != RL_BACKEND_OS ||
            !program_lab_is(job->inst.lab)) {
            snprintf(err, errlen,
                     "--runs applies to a C program on the os backend");
            return -1;
        }
        if (cli_parse_u64("--runs", c->value[OPT_RUNS], 1, 100000,
                          &job->runs, err, errlen) < 0)
            return -1;
    }
    rl_sched_format(&job->sched, job->sched_text, sizeof job->sched_text);
    return 0;
}

/* racelab run LAB [options] */
static int cmd_run(int argc, char **argv)
{
    struct cli_args c;
    struct cli_lab_args a;
    struct run_job job;
    char err[2048];
    int status;

    if (!cli_parse_command(&cli_cmd_run, argc, argv, &c, &a, &status))
        return status;
    a.lab = c.operands[0];
    if (run_job_from(&c, &a, &job, err, sizeof err) < 0)
        return cli_error("%s", err);
    return run_job_execute(&job);
}

const struct cli_command cli_cmd_run = {
    "run",
    "run a lab once; print its events, final state, checks and schedule",
    "usage: racelab run LAB [options]\n"
    "       racelab run PROG.c... [-I DIR] [-D NAME[=VALUE]] [options] "
    "[-- ARGS...]\n"
    "\n"
    "Run LAB once, headless, and print: a header, one line per event (step,\n"
    "thread, what it did), the final state, each check with PASS or FAIL,\n"
    "how the run ended and, on the sim backend, the schedule string with a\n"
    "ready 'racelab replay' command that reproduces the run exactly.\n"
    "\n"
    "options (before or after LAB):\n"
    "  --variant V       the implementation to run (default: the lab's "
    "first;\n"
    "                    'racelab list' shows them)\n"
    "  --backend B       sim (deterministic, default) or os (real threads)\n"
    "  --sched S         sim scheduler: rr:Q (round robin, Q steps a turn),\n"
    "                    random:SEED, pct:SEED:DEPTH, replay:CHOICES "
    "(the\n"
    "                    last part of a schedule string); default "
    CLI_DEFAULT_SCHED ",\n"
    "                    one step a turn, which interleaves the most;\n"
    "                    random:SEED:timeouts and pct:SEED:DEPTH:timeouts\n"
    "                    also fire timeouts early (as explore's runs do)\n"
    "  --seed N          the same as --sched random:N\n"
    "  --threads N       the same as --set threads=N\n"
    "  --iters N         the same as --set iters=N\n"
    "  --set KEY=VALUE   set a lab parameter (repeatable; 'racelab list'\n"
    "                    shows each lab's parameters, defaults and ranges)\n"
    "  --submission P    build the student variant of an exercise from a\n"
    "                    submission: a folder holding NAME.c, or that file\n"
    "                    (compiled as 'racelab grade' compiles it)\n"
    "  --max-steps N     sim: stop a run that has not finished after N "
    "steps\n"
    "                    (\"did not finish\"; default 1000000)\n"
    "  --timeout S       os: stop a run still going after S seconds (a\n"
    "                    thread spinning forever; default 10, 1..3600)\n"
    "  --trace FILE      also write the event lines to FILE, under a header\n"
    "                    with the schedule string\n"
    "  --schedule-out FILE\n"
    "                    sim: write the schedule string to FILE, for\n"
    "                    'racelab replay FILE' (a string of more than\n"
    "                    1000000 characters is not printed, only written)\n"
    "  -q, --quiet       do not print the event lines\n"
    "  --format F        text (default) or json: one JSON object with the\n"
    "                    verdict, the failures (kind, thread, file:line,\n"
    "                    message), the schedule string (null past\n"
    "                    1000000 characters) and the count\n"
    "  --races R         fail (default: a data race is a failure) or "
    "report\n"
    "  --runs N          a C program on os: run the real program N times\n"
    "  -h, --help        show this help\n"
    "\n"
    "A C program (an argument ending in .c, several, or a folder) is built\n"
    "with racelab's instrumentation and runs unmodified on sim: every\n"
    "pthread call and shared access is a step, shown with its file:line and\n"
    "source line; the verdict lists each failure: assert, crash, deadlock,\n"
    "hang, exit (non-zero), race. -I / -D go to the compiler, the words\n"
    "after -- to the program. A compile error is printed as the compiler\n"
    "wrote it (exit 2). With --backend os the program is built plainly and\n"
    "run as the real program (--runs N: a histogram of outputs and exit\n"
    "statuses).\n"
    "\n"
    "On the os backend the threads are real and the events many: only the\n"
    "first 200 are printed (use --trace FILE to keep them all).\n"
    "\n"
    "exit status: 0 every check holds, 1 a check failed (as the unsafe\n"
    "variants should), 2 bad usage or input.\n"
    "\n"
    "examples:\n"
    "  racelab run unsafe-counter --threads 2 --iters 3\n"
    "  racelab run unsafe-counter --seed 7 --quiet\n"
    "  racelab run unsafe-counter --backend os --iters 1000000 --quiet\n"
    "  racelab run race.c\n"
    "  racelab run race.c --format json --races=report\n"
    "  racelab run race.c --backend os --runs 100\n",
    cmd_run,
    run_options,
    "LAB",
    1,
};

/* ---- racelab replay ------------------------------------------------------ */

static const struct cli_option replay_options[] = {
    {"variant", 0, true, CLI_OPT_VARIANT},
    {"schedule", 0, true, OPT_SCHEDULE},
    {"submission", 0, true, CLI_OPT_SUBMISSION},
    {"trace", 0, true, OPT_TRACE},
    {"schedule-out", 0, true, OPT_SCHEDULE_OUT},
    {"quiet", 'q', false, OPT_QUIET},
    {"no-tui", 0, false, OPT_NO_TUI},
    {"max-steps", 0, true, OPT_MAX_STEPS},
    {NULL, 0, false, 0},
};

/* Whether text looks like a path rather than a lab name. */
static bool looks_like_path(const char *text)
{
    return strchr(text, '/') != NULL || strchr(text, '.') != NULL;
}

char *cli_trace_schedule_read(const char *path, char *err, size_t errlen)
{
    static const char *const keys[] = {"# schedule: ", "schedule: "};
    char *line = NULL, *v = NULL;
    size_t cap = 0;
    ssize_t got;
    FILE *f;

    errno = 0;
    f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read trace file '%s': %s", path,
                 strerror(errno));
        return NULL;
    }
    got = getline(&line, &cap, f);
    if (got < 0 || strncmp(line, "# racelab", 9) != 0) {
        fclose(f);
        free(line);
        snprintf(err, errlen,
                 "'%s' is not a racelab trace file (save one with 'w' in "
                 "the TUI or 'racelab run LAB --trace FILE')",
                 path);
        return NULL;
    }
    /* The header lines, up to the first event line (which starts with a
     * space or a digit in both formats). A schedule line may be hundreds
     * of megabytes long (--schedule-out of a long run). */
    while (v == NULL && (got = getline(&line, &cap, f)) >= 0) {
        size_t n = (size_t)got;

        if (line[0] == ' ' || (line[0] >= '0' && line[0] <= '9'))
            break;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        for (int k = 0; k < 2 && v == NULL; k++)
            if (strncmp(line, keys[k], strlen(keys[k])) == 0)
                v = line + strlen(keys[k]);
    }
    fclose(f);
    if (v == NULL || strncmp(v, "rl", 2) != 0) {
        free(line);
        snprintf(err, errlen,
                 "%s has no schedule to replay (only runs on the sim backend "
                 "have one)",
                 path);
        return NULL;
    }
    memmove(line, v, strlen(v) + 1);
    return line;
}

int cli_trace_schedule(const char *path, char *buf, size_t len, char *err,
                       size_t errlen)
{
    char *s = cli_trace_schedule_read(path, err, errlen);

    if (s == NULL)
        return -1;
    if (strlen(s) >= len) {
        free(s);
        snprintf(err, errlen, "%s: the schedule string is too long", path);
        return -1;
    }
    snprintf(buf, len, "%s", s);
    free(s);
    return 0;
}

/* What a replay was asked for: the schedule and whether to open the TUI. */
struct replay_job {
    struct run_job run;
    struct rl_schedule s;
    char *str; /* the schedule string read from a trace file, owned */
    const char *schedule;
    bool tui;
};

/* Check a parsed `racelab replay` line and fill job. Returns 0, or -1 with
 * a one-line message in err. */
static int replay_job_from(const struct cli_args *c, struct replay_job *job,
                           char *err, size_t errlen)
{
    const char *lab_name = NULL, *file = NULL;
    const char *variant = c->value[CLI_OPT_VARIANT];
    const struct lab *lab;
    int v;

    memset(job, 0, sizeof *job);
    job->run.verb = "replay";
    job->run.trace_path = c->value[OPT_TRACE];
    job->run.schedule_out = c->value[OPT_SCHEDULE_OUT];
    job->run.quiet = c->value[OPT_QUIET] != NULL;
    job->schedule = c->value[OPT_SCHEDULE];
    for (int i = 0; i < c->noperands; i++) {
        const char *arg = c->operands[i];
        const char **slot;

        /* A schedule string has ':'; a lab name is known or has no '/' or
         * '.'; anything else is a trace file. */
        if (strchr(arg, ':') != NULL)
            slot = &job->schedule;
        else if (lab_find(arg) != NULL ||
                 (!looks_like_path(arg) && access(arg, F_OK) != 0))
            slot = &lab_name;
        else
            slot = &file;
        if (*slot != NULL) {
            snprintf(err, errlen,
                     "unexpected argument '%s': replay takes one %s (see "
                     "'racelab help replay')",
                     arg,
                     slot == &file       ? "FILE"
                     : slot == &lab_name ? "LAB"
                                         : "schedule string");
            return -1;
        }
        *slot = arg;
    }
    if (file != NULL) {
        if (job->schedule != NULL) {
            snprintf(err, errlen,
                     "give a trace FILE or a schedule string, not both");
            return -1;
        }
        job->str = cli_trace_schedule_read(file, err, errlen);
        if (job->str == NULL)
            return -1;
        job->schedule = job->str;
    }
    if (job->schedule == NULL) {
        snprintf(err, errlen,
                 "replay needs a trace FILE or --schedule STRING (the "
                 "schedule line that 'racelab run' prints)");
        return -1;
    }
    if (rl_schedule_parse(job->schedule, &job->s, err, errlen) < 0)
        return -1;
    if (lab_name != NULL) {
        lab = cli_find_lab(lab_name, err, errlen);
        if (lab == NULL)
            return -1;
        lab_name = lab->name;
    }
    if ((lab_name != NULL && strcmp(lab_name, job->s.lab) != 0) ||
        (variant != NULL && strcmp(variant, job->s.variant) != 0)) {
        if (variant != NULL)
            snprintf(err, errlen, "this schedule is for %s/%s, not %s/%s",
                     job->s.lab, job->s.variant,
                     lab_name != NULL ? lab_name : job->s.lab, variant);
        else
            snprintf(err, errlen, "this schedule is for %s/%s, not %s",
                     job->s.lab, job->s.variant, lab_name);
        return -1;
    }
    lab = lab_find(job->s.lab);
    if (lab == NULL && program_lab_is_program(job->s.lab)) {
        /* A program's schedule: build it again from its sources. */
        lab = cli_find_lab(job->s.lab, err, errlen);
        if (lab == NULL)
            return -1;
    }
    if (lab == NULL) {
        cli_find_lab(job->s.lab, err, errlen);
        goto in_string;
    }
    v = cli_find_variant(lab, job->s.variant, err, errlen);
    if (v < 0 || lab_variant_find(lab, job->s.variant) < 0)
        goto in_string;
    lab_inst_init(&job->run.inst, lab, RL_BACKEND_SIM);
    job->run.inst.variant = v;
    if (lab_inst_set_all(&job->run.inst, job->s.params, err, errlen) < 0)
        goto in_string;
    if (c->value[CLI_OPT_SUBMISSION] != NULL &&
        cli_submission_prepare(&job->run.inst, c->value[CLI_OPT_SUBMISSION],
                               err, errlen) < 0)
        return -1;
    if (c->value[OPT_MAX_STEPS] != NULL &&
        parse_max_steps(c->value[OPT_MAX_STEPS], &job->run.max_steps, err,
                        errlen) < 0)
        return -1;
    job->tui = !job->run.quiet && c->value[OPT_NO_TUI] == NULL &&
               job->run.trace_path == NULL && job->run.schedule_out == NULL &&
               cli_have_terminal();
    job->run.sched.kind = RL_SCHED_REPLAY;
    job->run.sched.choices = job->s.choices;
    snprintf(job->run.sched_text, sizeof job->run.sched_text, "replay");
    return 0;

in_string: {
    /* Prefix the message in place: the lab name comes from the string. */
    static const char prefix[] = "schedule string: ";
    size_t n = strlen(err), pl = sizeof prefix - 1;

    if (n + pl >= errlen)
        n = errlen - pl - 1;
    memmove(err + pl, err, n);
    memcpy(err, prefix, pl);
    err[n + pl] = '\0';
    return -1;
}
}

/* racelab replay [LAB | FILE] [--variant V] [--schedule STRING] [options] */
static int cmd_replay(int argc, char **argv)
{
    struct cli_args c;
    struct replay_job *job;
    char err[2048];
    int status;

    if (!cli_parse_command(&cli_cmd_replay, argc, argv, &c, NULL, &status))
        return status;
    job = rl_xmalloc(sizeof *job);
    if (replay_job_from(&c, job, err, sizeof err) < 0) {
        free(job->str);
        free(job);
        return cli_error("%s", err);
    }
    if (job->tui) {
        struct tui_options o;

        memset(&o, 0, sizeof o);
        o.lab = job->run.inst.lab;
        o.inst = job->run.inst;
        o.replay = job->schedule;
        status = tui_main(&o);
    } else {
        status = run_job_execute(&job->run);
    }
    free(job->str);
    free(job);
    return status;
}

const struct cli_command cli_cmd_replay = {
    "replay",
    "run a schedule string again, exactly (in the TUI on a terminal)",
    "usage: racelab replay [LAB] [--variant V] [--submission P] --schedule "
    "STRING [options]\n"
    "       racelab replay FILE [options]\n"
    "\n"
    "Run the sim run that STRING describes again, step for step: the lab,\n"
    "variant and parameters come from the string, and the thread chosen at\n"
    "each scheduling point is the one it lists. 'racelab run' and the TUI\n"
    "print such strings (rl1:LAB:VARIANT:PARAMS:CHOICES). A string that no\n"
    "longer fits the run (edited, or from another version of the lab) is an\n"
    "error, never a different run. FILE is a trace saved with 'w' in the\n"
    "TUI or with 'racelab run --trace FILE', or a schedule file of 'racelab\n"
    "run --schedule-out FILE' (any length): its schedule line is replayed.\n"
    "\n"
    "On a terminal the TUI opens at that run; otherwise (or with --quiet or\n"
    "--no-tui) the report is printed as 'racelab run' prints it.\n"
    "\n"
    "options:\n"
    "  --schedule STRING the schedule string (it may also be given alone)\n"
    "  LAB, --variant V  optional; if given they must match the string\n"
    "  --submission P    replay a submission's student variant (a folder\n"
    "                    holding NAME.c, or that file): the command a\n"
    "                    grader's report prints for each failure\n"
    "  --max-steps N     the step limit the original run used, if any\n"
    "  --trace FILE      also write the event lines to FILE\n"
    "  --schedule-out FILE\n"
    "                    write the schedule string to FILE\n"
    "  -q, --quiet       print the report without the event lines\n"
    "  --no-tui          print the report even on a terminal\n"
    "  -h, --help        show this help\n"
    "\n"
    "exit status: 0 every check holds, 1 a check failed, 2 bad usage or a\n"
    "schedule string that does not fit.\n"
    "\n"
    "examples:\n"
    "  racelab replay --schedule \\\n"
    "      'rl1:unsafe-counter:unsafe:threads=2,iters=3:0.1.0.1.0.1.0.1.0.1."
    "0.1.0'\n"
    "  racelab replay racelab-unsafe-counter-unsafe-1.txt\n",
    cmd_replay,
    replay_options,
    "LAB",
    3,
};
