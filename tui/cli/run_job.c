/* SPDX-License-Identifier: MIT */
/*
 * run_job.c - one lab run, headless, for `racelab run` and `racelab
 * replay` (cmd_run.c and cmd_replay.c fill the struct run_job).
 *
 * The job is built into a lab instance and a run configuration, run to the
 * end with rl_run_finish(), and reported the same way for both commands: a
 * header line, one line per event (streamed through the run's on_record
 * callback, so a long run prints as it goes), the final state, the checks,
 * how the run ended and, on sim, the schedule string with a ready `racelab
 * replay` command. The event lines of a replay are byte for byte those of
 * the run it came from.
 *
 * --trace FILE keeps the event lines in a file, under a '#' header that
 * carries the schedule string. The schedule is known only at the end, so
 * the events go to a temporary file first and FILE is written last. A C
 * program on the os backend is not a racelab run at all: it is built
 * plainly and run as the real program (run_native).
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../core/analysis.h"
#include "../../core/mem.h"
#include "../../labs/program_lab.h"
#include "progress.h"

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
        char v[RL_VALUE_TEXT_MAX];
        rl_run_thread(run, l.other, &tv);
        rl_value_text(run, l.obj, l.other_value, l.other_seq, v, sizeof v);
        snprintf(line + n - 1, sizeof line - (n - 1),
                 "   ! lost update: overwrites %s's %s (step %" PRIu64 ")\n",
                 tv.name, v, l.other_seq);
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

    cli_print_json(stdout, job->inst.lab->name, fl, n, schedule, 1, out,
                   false);
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
                       runs, n > 0 ? hist[0].output : NULL, false);
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

/* Run job to the end and print its report. Returns the exit status. */
int run_job_execute(struct run_job *job)
{
    struct rl_run_config cfg;
    struct run_sink sink;
    struct rl_run *run;
    char err[512], header[512], end[128], extra[8192], text[2048];
    char *schedule = NULL;
    FILE *tmp = NULL;
    int status, out_status = 0;
    size_t n;
    bool sim = job->inst.backend == RL_BACKEND_SIM, diverged, saved_end;

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
    /* A trace saved mid-run replayed to where it was saved: its schedule
     * ends there, before the run does, and that is all it holds. */
    saved_end = diverged && job->saved_at != 0 && !job->json &&
                rl_run_record_last(run) == job->saved_at;
    if (job->json && !diverged)
        return run_print_json(job, run, tmp);
    cli_print_state(stdout, run);
    if (saved_end) {
        printf("checks: not judged: the trace was saved at step %" PRIu64
               ", before its run ended\n",
               job->saved_at);
        cli_print_analysis(stdout, run);
        printf("end: the trace ends at step %" PRIu64 ", where it was saved; "
               "its run had not ended (in the TUI, replay goes on from "
               "there)\n",
               job->saved_at);
    } else {
        cli_print_checks(stdout, run);
        cli_print_analysis(stdout, run);
        cli_print_end(stdout, run);
    }
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
    if (saved_end) {
        status = CLI_EXIT_OK;
    } else if (diverged) {
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

/* Parse --max-steps (sim only). Returns 0 or -1 with a message. */
int run_job_parse_max_steps(const char *text, uint64_t *out, char *err,
                            size_t errlen)
{
    return cli_parse_u64("--max-steps", text, 1, UINT64_MAX, out, err, errlen);
}
