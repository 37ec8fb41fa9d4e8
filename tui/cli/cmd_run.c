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

#include "../../core/schedule.h"
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

/* Write the trace file: a '#' header, then the events kept in tmp. Returns
 * 0, or CLI_EXIT_USAGE after printing a one-line error. */
static int run_write_trace(const struct run_job *job, const char *header,
                           const char *end, const char *schedule, FILE *tmp)
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
    if (schedule != NULL) {
        fprintf(f, "# schedule: %s\n", schedule);
        fprintf(f, "# replay:   racelab replay --schedule '%s'\n", schedule);
    }
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
static int run_job_execute(struct run_job *job)
{
    struct rl_run_config cfg;
    struct run_sink sink;
    struct rl_run *run;
    char err[512], header[512], end[128], extra[48], text[2048];
    char *schedule = NULL;
    FILE *tmp = NULL;
    int status;
    bool sim = job->inst.backend == RL_BACKEND_SIM, diverged;

    memset(&sink, 0, sizeof sink);
    sink.out = job->quiet ? NULL : stdout;
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

    sink.lost = sim ? rl_lost_tracker_create() : NULL;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&job->inst);
    cfg.backend = job->inst.backend;
    cfg.sched = job->sched;
    cfg.max_steps = job->max_steps;
    cfg.timeout_ms = job->timeout_ms;
    cfg.record = sink.out != NULL || sink.trace != NULL;
    if (cfg.record) {
        cfg.on_record = run_on_record;
        cfg.on_record_ctx = &sink;
    }

    cli_describe_run(&job->inst, job->sched_text, header, sizeof header);
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
    if (rl_run_dropped(run) > 0)
        printf("note: %" PRIu64 " events were made faster than they could "
               "be kept; the trace shows the newest of each thread\n",
               rl_run_dropped(run));

    cli_print_state(stdout, run);
    cli_print_checks(stdout, run);
    cli_print_analysis(stdout, run);
    cli_print_end(stdout, run);
    diverged = rl_run_end(run) == RL_END_DIVERGED;
    if (sim) {
        schedule = cli_schedule_string(run, &job->inst);
        if (schedule == NULL) {
            rl_run_destroy(run);
            if (tmp != NULL)
                fclose(tmp);
            return cli_error("out of memory");
        }
        extra[0] = '\0';
        if (job->max_steps != 0)
            snprintf(extra, sizeof extra, " --max-steps %" PRIu64,
                     job->max_steps);
        /* A diverged replay is an error below, not a run to replay. */
        if (!diverged)
            cli_print_schedule(stdout, schedule, extra);
    }
    if (!diverged)
        cli_print_result(stdout, run, &job->inst);
    status = rl_run_passed(run) ? CLI_EXIT_OK : CLI_EXIT_FAIL;

    if (tmp != NULL) {
        snprintf(end, sizeof end, "end: %s; result: %s\n",
                 rl_end_name(rl_run_end(run)),
                 rl_run_passed(run) ? "PASS" : "FAIL");
        if (run_write_trace(job, header, end, schedule, tmp) != 0)
            status = CLI_EXIT_USAGE;
        fclose(tmp);
    }
    if (diverged) {
        text[0] = '\0';
        rl_run_end_text(run, text, sizeof text);
        join_lines(text);
        status = cli_error("the schedule does not fit this run: %s", text);
    }
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
    OPT_NO_TUI,
};

static const struct cli_option run_options[] = {
    CLI_LAB_OPTIONS,
    {"trace", 0, true, OPT_TRACE},
    {"quiet", 'q', false, OPT_QUIET},
    {"max-steps", 0, true, OPT_MAX_STEPS},
    {"timeout", 0, true, OPT_TIMEOUT},
    {NULL, 0, false, 0},
};

/* Parse --max-steps (sim only). Returns 0 or -1 with a message. */
static int parse_max_steps(const char *text, uint64_t *out, char *err,
                           size_t errlen)
{
    return cli_parse_u64("--max-steps", text, 1, UINT64_MAX, out, err, errlen);
}

/* racelab run LAB [options] */
static int cmd_run(int argc, char **argv)
{
    struct cli_parser p;
    struct cli_lab_args a;
    struct run_job job;
    const char *max_steps = NULL, *timeout = NULL;
    char err[512], names[1024];
    bool given;
    int id, r;

    memset(&a, 0, sizeof a);
    memset(&job, 0, sizeof job);
    job.verb = "run";
    cli_parser_init(&p, &cli_cmd_run, argc, argv);
    while ((id = cli_next(&p, run_options)) != CLI_END) {
        switch (id) {
        case CLI_HELP:
            return cli_help(&cli_cmd_run);
        case CLI_ERR:
            return cli_error("%s", p.err);
        case CLI_ARG:
            if (a.lab != NULL)
                return cli_error("unexpected argument '%s': run takes one "
                                 "LAB (see 'racelab help run')",
                                 p.arg);
            a.lab = p.arg;
            break;
        case OPT_TRACE:
            job.trace_path = p.arg;
            break;
        case OPT_QUIET:
            job.quiet = true;
            break;
        case OPT_MAX_STEPS:
            max_steps = p.arg;
            break;
        case OPT_TIMEOUT:
            timeout = p.arg;
            break;
        default:
            r = cli_lab_option(&a, id, p.opt, p.arg, err, sizeof err);
            if (r < 0)
                return cli_error("%s", err);
            break;
        }
    }
    if (a.lab == NULL) {
        cli_lab_names(names, sizeof names);
        return cli_error("run needs a LAB; labs: %s", names);
    }
    if (cli_lab_resolve(&a, &job.inst, err, sizeof err) < 0)
        return cli_error("%s", err);
    if (cli_sched_resolve(&a, job.inst.backend, &job.sched, &given, err,
                          sizeof err) < 0)
        return cli_error("%s", err);
    if (job.inst.backend == RL_BACKEND_SIM && job.sched.kind == RL_SCHED_MANUAL)
        return cli_error("the manual scheduler needs the TUI: racelab tui "
                         "%s --sched manual",
                         a.lab);
    if (max_steps != NULL) {
        if (job.inst.backend != RL_BACKEND_SIM)
            return cli_error("--max-steps applies to the sim backend only");
        if (parse_max_steps(max_steps, &job.max_steps, err, sizeof err) < 0)
            return cli_error("%s", err);
    }
    if (timeout != NULL) {
        uint64_t sec;
        if (job.inst.backend != RL_BACKEND_OS)
            return cli_error("--timeout applies to the os backend only (sim "
                             "runs are bounded by --max-steps)");
        if (cli_parse_u64("--timeout", timeout, 1, 3600, &sec, err,
                          sizeof err) < 0)
            return cli_error("%s", err);
        job.timeout_ms = (int)sec * 1000;
    }
    rl_sched_format(&job.sched, job.sched_text, sizeof job.sched_text);
    return run_job_execute(&job);
}

const struct cli_command cli_cmd_run = {
    "run",
    "run a lab once; print its events, final state, checks and schedule",
    "usage: racelab run LAB [options]\n"
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
    "                    one step a turn, which interleaves the most\n"
    "  --seed N          the same as --sched random:N\n"
    "  --threads N       the same as --set threads=N\n"
    "  --iters N         the same as --set iters=N\n"
    "  --set KEY=VALUE   set a lab parameter (repeatable; 'racelab list'\n"
    "                    shows each lab's parameters, defaults and ranges)\n"
    "  --max-steps N     sim: stop a run that has not finished after N "
    "steps\n"
    "                    (\"did not finish\"; default 1000000)\n"
    "  --timeout S       os: stop a run still going after S seconds (a\n"
    "                    thread spinning forever; default 10, 1..3600)\n"
    "  --trace FILE      also write the event lines to FILE, under a header\n"
    "                    with the schedule string\n"
    "  -q, --quiet       do not print the event lines\n"
    "  -h, --help        show this help\n"
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
    "  racelab run unsafe-counter --backend os --iters 1000000 --quiet\n",
    cmd_run,
};

/* ---- racelab replay ------------------------------------------------------ */

static const struct cli_option replay_options[] = {
    {"variant", 0, true, CLI_OPT_VARIANT},
    {"schedule", 0, true, OPT_SCHEDULE},
    {"trace", 0, true, OPT_TRACE},
    {"quiet", 'q', false, OPT_QUIET},
    {"no-tui", 0, false, OPT_NO_TUI},
    {"max-steps", 0, true, OPT_MAX_STEPS},
    {NULL, 0, false, 0},
};

/* racelab replay [LAB] [--variant V] --schedule STRING [options] */
static int cmd_replay(int argc, char **argv)
{
    struct cli_parser p;
    struct run_job job;
    struct rl_schedule s;
    const struct lab *lab;
    const char *lab_name = NULL, *variant = NULL, *str = NULL;
    const char *max_steps = NULL;
    bool no_tui = false;
    char err[512];
    int id, v;

    memset(&job, 0, sizeof job);
    job.verb = "replay";
    cli_parser_init(&p, &cli_cmd_replay, argc, argv);
    while ((id = cli_next(&p, replay_options)) != CLI_END) {
        switch (id) {
        case CLI_HELP:
            return cli_help(&cli_cmd_replay);
        case CLI_ERR:
            return cli_error("%s", p.err);
        case CLI_ARG:
            /* A lab name has no ':'; a schedule string always has. */
            if (strchr(p.arg, ':') != NULL) {
                if (str != NULL)
                    return cli_error("give one schedule string");
                str = p.arg;
            } else if (lab_name != NULL) {
                return cli_error("unexpected argument '%s': replay takes "
                                 "one LAB (see 'racelab help replay')",
                                 p.arg);
            } else {
                lab_name = p.arg;
            }
            break;
        case CLI_OPT_VARIANT:
            variant = p.arg;
            break;
        case OPT_SCHEDULE:
            if (str != NULL)
                return cli_error("give one schedule string");
            str = p.arg;
            break;
        case OPT_TRACE:
            job.trace_path = p.arg;
            break;
        case OPT_QUIET:
            job.quiet = true;
            break;
        case OPT_NO_TUI:
            no_tui = true;
            break;
        case OPT_MAX_STEPS:
            max_steps = p.arg;
            break;
        default:
            return cli_error("internal: option %s not handled", p.opt);
        }
    }
    if (str == NULL)
        return cli_error("replay needs --schedule STRING (the schedule line "
                         "that 'racelab run' prints)");
    if (rl_schedule_parse(str, &s, err, sizeof err) < 0)
        return cli_error("%s", err);
    if ((lab_name != NULL && strcmp(lab_name, s.lab) != 0) ||
        (variant != NULL && strcmp(variant, s.variant) != 0)) {
        if (variant != NULL)
            return cli_error("this schedule is for %s/%s, not %s/%s", s.lab,
                             s.variant, lab_name != NULL ? lab_name : s.lab,
                             variant);
        return cli_error("this schedule is for %s/%s, not %s", s.lab, s.variant,
                         lab_name);
    }
    lab = cli_find_lab(s.lab, err, sizeof err);
    if (lab == NULL)
        return cli_error("schedule string: %s", err);
    v = cli_find_variant(lab, s.variant, err, sizeof err);
    if (v < 0)
        return cli_error("schedule string: %s", err);
    lab_inst_init(&job.inst, lab, RL_BACKEND_SIM);
    job.inst.variant = v;
    if (lab_inst_set_all(&job.inst, s.params, err, sizeof err) < 0)
        return cli_error("schedule string: %s", err);
    if (max_steps != NULL &&
        parse_max_steps(max_steps, &job.max_steps, err, sizeof err) < 0)
        return cli_error("%s", err);

    if (!job.quiet && !no_tui && job.trace_path == NULL &&
        cli_have_terminal()) {
        struct tui_options o;

        memset(&o, 0, sizeof o);
        o.lab = lab;
        o.inst = job.inst;
        o.replay = str;
        return tui_main(&o);
    }

    job.sched.kind = RL_SCHED_REPLAY;
    job.sched.choices = s.choices;
    snprintf(job.sched_text, sizeof job.sched_text, "replay");
    return run_job_execute(&job);
}

const struct cli_command cli_cmd_replay = {
    "replay",
    "run a schedule string again, exactly (in the TUI on a terminal)",
    "usage: racelab replay [LAB] [--variant V] --schedule STRING [options]\n"
    "\n"
    "Run the sim run that STRING describes again, step for step: the lab,\n"
    "variant and parameters come from the string, and the thread chosen at\n"
    "each scheduling point is the one it lists. 'racelab run' and the TUI\n"
    "print such strings (rl1:LAB:VARIANT:PARAMS:CHOICES). A string that no\n"
    "longer fits the run (edited, or from another version of the lab) is an\n"
    "error, never a different run.\n"
    "\n"
    "On a terminal the TUI opens at that run; otherwise (or with --quiet or\n"
    "--no-tui) the report is printed as 'racelab run' prints it.\n"
    "\n"
    "options:\n"
    "  --schedule STRING the schedule string (it may also be given alone)\n"
    "  LAB, --variant V  optional; if given they must match the string\n"
    "  --max-steps N     the step limit the original run used, if any\n"
    "  --trace FILE      also write the event lines to FILE\n"
    "  -q, --quiet       print the report without the event lines\n"
    "  --no-tui          print the report even on a terminal\n"
    "  -h, --help        show this help\n"
    "\n"
    "exit status: 0 every check holds, 1 a check failed, 2 bad usage or a\n"
    "schedule string that does not fit.\n"
    "\n"
    "example:\n"
    "  racelab replay --schedule \\\n"
    "      'rl1:unsafe-counter:unsafe:threads=2,iters=3:0.1.0.1.0.1.0.1.0.1."
    "0.1.0'\n",
    cmd_replay,
};
