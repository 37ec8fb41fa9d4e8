/* SPDX-License-Identifier: MIT */
/*
 * cmd_replay.c - `racelab replay`: a sim run again, exactly, from its
 * schedule string (rl1:LAB:VARIANT:PARAMS:CHOICES), given on the command
 * line or read from a trace or schedule file that `racelab run` or the
 * TUI saved. The lab, variant and parameters come from the string; the
 * choices replay strictly, so a string that no longer fits the run is an
 * error, never a different run.
 *
 * On a terminal the TUI opens at that run; otherwise the report is
 * run_job.c's, the same as `racelab run` prints.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/mem.h"
#include "../../core/schedule.h"
#include "../../labs/program_lab.h"
#include "../screen/tui.h"

enum {
    OPT_SCHEDULE = CLI_OPT_USER,
    OPT_TRACE,
    OPT_SCHEDULE_OUT,
    OPT_QUIET,
    OPT_NO_TUI,
    OPT_MAX_STEPS,
    OPT_FORMAT,
    OPT_RACES,
};

static const struct cli_option replay_options[] = {
    {"variant", 0, true, CLI_OPT_VARIANT},
    {"schedule", 0, true, OPT_SCHEDULE},
    {"submission", 0, true, CLI_OPT_SUBMISSION},
    {"trace", 0, true, OPT_TRACE},
    {"schedule-out", 0, true, OPT_SCHEDULE_OUT},
    {"quiet", 'q', false, OPT_QUIET},
    {"no-tui", 0, false, OPT_NO_TUI},
    {"max-steps", 0, true, OPT_MAX_STEPS},
    {"format", 0, true, OPT_FORMAT},
    {"races", 0, true, OPT_RACES},
    {NULL, 0, false, 0},
};

/* Whether text looks like a path rather than a lab name. */
static bool looks_like_path(const char *text)
{
    return strchr(text, '/') != NULL || strchr(text, '.') != NULL;
}

char *cli_trace_schedule_read(const char *path, char *err, size_t errlen)
{
    return cli_trace_schedule_read_at(path, NULL, err, errlen);
}

char *cli_trace_schedule_read_at(const char *path, uint64_t *saved_at,
                                 char *err, size_t errlen)
{
    static const char *const keys[] = {"# schedule: ", "schedule: "};
    char *line = NULL, *v = NULL;
    size_t cap = 0;
    ssize_t got;
    FILE *f;
    unsigned long long steps = 0;
    bool running = false;

    if (saved_at != NULL)
        *saved_at = 0;

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
        if (strcmp(line, "end: running") == 0)
            running = true;
        if (strncmp(line, "steps: ", 7) == 0)
            steps = strtoull(line + 7, NULL, 10);
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
    /* The header is read up to the schedule line: "steps:" and "end:"
     * come before it in what the TUI saves. */
    if (saved_at != NULL && running)
        *saved_at = steps;
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
        job->str = cli_trace_schedule_read_at(file, &job->run.saved_at, err,
                                              errlen);
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
    if (cli_exercise_prepare(&job->run.inst, err, errlen) < 0)
        return -1;
    if (c->value[OPT_MAX_STEPS] != NULL &&
        run_job_parse_max_steps(c->value[OPT_MAX_STEPS], &job->run.max_steps,
                                err, errlen) < 0)
        return -1;
    if (cli_format_options(c->value[OPT_FORMAT], c->value[OPT_RACES],
                           &job->run.json, &job->run.races_report, err,
                           errlen) < 0)
        return -1;
    job->tui = !job->run.quiet && !job->run.json &&
               c->value[OPT_NO_TUI] == NULL &&
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
        char line[512];

        memset(&o, 0, sizeof o);
        o.lab = job->run.inst.lab;
        o.inst = job->run.inst;
        o.replay = job->schedule;
        o.replay_saved_at = job->run.saved_at;
        if (cli_warnings_line(line, sizeof line) > 0)
            o.warnings = line;
        status = tui_main(&o);
        cli_warnings_print(); /* the terminal is ours again */
    } else {
        cli_warnings_print();
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
    "A trace saved mid-run replays to where it was saved (in the TUI,\n"
    "round robin goes on from there as you step).\n"
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
    "  --format F        text (default) or json: the one JSON object of\n"
    "                    'racelab run --format json' (no TUI)\n"
    "  --races R         fail (default: a data race is a failure) or "
    "report\n"
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
