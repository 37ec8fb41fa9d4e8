/* SPDX-License-Identifier: MIT */
/*
 * cmd_run.c - `racelab run`: one lab run, headless. The options are
 * parsed by the one option loop (cli_parse), checked and turned into a
 * struct run_job here (run_job_from), and run_job.c runs the job and
 * prints its report: the events, the final state, the checks, how it
 * ended and, on sim, the schedule string with a ready `racelab replay`
 * command (cmd_replay.c).
 */
#include "cli.h"

#include <string.h>

#include "../../labs/program_lab.h"

enum {
    OPT_TRACE = CLI_OPT_USER,
    OPT_QUIET,
    OPT_MAX_STEPS,
    OPT_TIMEOUT,
    OPT_SCHEDULE_OUT,
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
    if (cli_lab_resolve(a, &job->inst, err, errlen) < 0 ||
        cli_exercise_prepare(&job->inst, err, errlen) < 0)
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
        if (run_job_parse_max_steps(max_steps, &job->max_steps, err,
                                    errlen) < 0)
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
    cli_warnings_print();
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
