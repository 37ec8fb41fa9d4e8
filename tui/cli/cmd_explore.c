/* SPDX-License-Identifier: MIT */
/*
 * cmd_explore.c - `racelab explore`: search a lab's sim schedules for one
 * that breaks a check, and print it ready to replay.
 *
 * The search itself is core/explore.c (it knows no lab); this file turns
 * the command line into a lab instance and a struct rl_explore_config, and
 * the result into a report: the failing check, its message, how many
 * preemptions the schedule has (and for a random or PCT find the --sched
 * spec of the run as found, ":timeouts" included, and its --max-steps when
 * the run depended on the limit), the schedule string and
 * the `racelab replay` command; or how many schedules passed and whether
 * they were every schedule within the preemption bound. Every limit that
 * shapes the result is counted in schedules or steps (--max-schedules,
 * --max-steps), so the report is the same on every machine; --budget is
 * only a safety stop, and a search it stops says "incomplete" (exit status
 * 3) instead of a verdict. Timing is on its own "time:" line so that
 * scripts comparing two reports can drop it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mem.h"
#include "../../core/explore.h"
#include "../../core/schedule.h"
#include "../../labs/program_lab.h"
#include "cli.h"

/* Defaults of the command (the search's own are in explore.h). */
#define EXPLORE_DEFAULT_SCHEDULES 20000
#define EXPLORE_MAX_BUDGET 86400.0
#define EXPLORE_EXIT_INCOMPLETE 3 /* the safety stop ended the search */

enum {
    OPT_BUDGET = CLI_OPT_USER,
    OPT_MAX_PREEMPTIONS,
    OPT_RUNS,
    OPT_MAX_STEPS,
    OPT_NO_REDUCTION,
    OPT_FORMAT,
    OPT_RACES,
};

static const struct cli_option explore_options[] = {
    {"variant", 0, true, CLI_OPT_VARIANT},
    {"seed", 0, true, CLI_OPT_SEED},
    {"threads", 0, true, CLI_OPT_THREADS},
    {"iters", 0, true, CLI_OPT_ITERS},
    {"set", 0, true, CLI_OPT_SET},
    {"submission", 0, true, CLI_OPT_SUBMISSION},
    {"budget", 0, true, OPT_BUDGET},
    {"max-preemptions", 0, true, OPT_MAX_PREEMPTIONS},
    {"max-schedules", 0, true, OPT_RUNS},
    {"runs", 0, true, OPT_RUNS},
    {"max-steps", 0, true, OPT_MAX_STEPS},
    {"no-reduction", 0, false, OPT_NO_REDUCTION},
    {"format", 0, true, OPT_FORMAT},
    {"races", 0, true, OPT_RACES},
    {NULL, 0, false, 0},
};

/* "1 preemption", "0 preemptions". */
static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* Print the lines of text (rl_run_end_text) indented by two spaces. */
static void print_indented(const char *text)
{
    const char *line = text, *nl;

    while (*line != '\0') {
        nl = strchr(line, '\n');
        if (nl == NULL) {
            printf("  %s\n", line);
            return;
        }
        printf("  %.*s\n", (int)(nl - line), line);
        line = nl + 1;
    }
}

/* The report of a search that found a failing schedule. */
static void print_found(const struct lab_inst *inst,
                        const struct rl_explore_result *r)
{
    char params[256], extra[8192], spec[64];
    struct rl_sched sched;
    char *schedule;
    size_t len, n;

    printf("FAIL %s: %s\n", r->check, r->message);
    printf("found: %d %s, by the %s search", r->preemptions,
           plural((uint64_t)r->preemptions, "preemption", "preemptions"),
           rl_explore_phase_name(r->phase));
    /* The run as found, timeouts marker included: without it, a lab with
     * timed waits would run another schedule; and the step limit when the
     * run depended on it (`racelab run` has another default). */
    if (rl_explore_found_sched(r, &sched)) {
        rl_sched_format(&sched, spec, sizeof spec);
        printf(" (--sched %s", spec);
        if (r->phase_max_steps != 0)
            printf(" --max-steps %" PRIu64, r->phase_max_steps);
        printf(")");
    }
    printf(", after %" PRIu64 " %s\n", r->runs,
           plural(r->runs, "schedule", "schedules"));
    if (r->phase == RL_EXPLORE_SYSTEMATIC)
        printf("       at bound %d: no schedule with fewer preemptions and "
               "delays fails\n",
               r->cost);
    if (r->found_preemptions != r->preemptions || r->found_steps != r->steps)
        printf("shrunk: from %d %s and %" PRIu64 " steps as found, in %" PRIu64
               " more %s\n",
               r->found_preemptions,
               plural((uint64_t)r->found_preemptions, "preemption",
                      "preemptions"),
               r->found_steps, r->shrink_runs,
               plural(r->shrink_runs, "run", "runs"));
    printf("end: %s after %" PRIu64 " %s\n", rl_end_name(r->end), r->steps,
           plural(r->steps, "step", "steps"));
    if (r->end_text[0] != '\0')
        print_indented(r->end_text);
    lab_inst_params_text(inst, params, sizeof params);
    len = strlen(r->choices) + strlen(inst->lab->name) + strlen(params) +
          strlen(inst->lab->variants[inst->variant].name) + 16;
    schedule = rl_xmalloc(len);
    if (schedule == NULL)
        return;
    rl_schedule_format(schedule, len, inst->lab->name,
                       inst->lab->variants[inst->variant].name, params,
                       r->choices);
    n = cli_submission_option(inst, extra, sizeof extra);
    if (r->end == RL_END_STEP_LIMIT && n < sizeof extra)
        snprintf(extra + n, sizeof extra - n, " --max-steps %" PRIu64,
                 r->max_steps);
    if (program_lab_is(inst->lab))
        cli_program_replay_extra(extra, sizeof extra);
    cli_print_schedule(stdout, schedule, extra);
    free(schedule);
}

/* Why the bounded search is not complete, in a few words. */
static const char *incomplete_reason(const struct rl_explore_result *r)
{
    switch (r->stop) {
    case RL_EXPLORE_GUARD:
        return "time guard";
    case RL_EXPLORE_RUN_CAP:
        return "schedule budget (--max-schedules)";
    default:
        return "too many schedules to store";
    }
}

/* n with a comma every three digits ("2,022"), in buf. */
static const char *thousands(uint64_t n, char *buf, size_t len)
{
    char digits[24];
    int nd = snprintf(digits, sizeof digits, "%" PRIu64, n);
    size_t o = 0;

    for (int i = 0; i < nd && o + 2 < len; i++) {
        if (i > 0 && (nd - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* The report of a search that found nothing. */
static void print_passed(const struct rl_explore_result *r)
{
    char n[32];

    if (r->every_schedule)
        printf("all %s %s: no failure (every schedule there is)\n",
               thousands(r->runs, n, sizeof n),
               plural(r->runs, "schedule", "schedules"));
    else if (r->exhaustive && r->random_runs + r->pct_runs == 0)
        printf("all %s %s with up to %d %s: no failure\n",
               thousands(r->runs, n, sizeof n),
               plural(r->runs, "schedule", "schedules"), r->bound,
               plural((uint64_t)r->bound, "preemption", "preemptions"));
    else if (r->exhaustive)
        printf("%" PRIu64 " %s explored, all passed (every schedule with at "
               "most %d %s)\n",
               r->runs, plural(r->runs, "schedule", "schedules"), r->bound,
               plural((uint64_t)r->bound, "preemption", "preemptions"));
    else
        printf("%" PRIu64 " %s explored, all passed (bounded search not "
               "complete: %s)\n",
               r->runs, plural(r->runs, "schedule", "schedules"),
               incomplete_reason(r));
    printf("  systematic: %" PRIu64 " (", r->runs - r->random_runs -
                                                  r->pct_runs);
    if (r->bound_complete >= 0)
        printf(
            "every schedule with at most %d %s", r->bound_complete,
            plural((uint64_t)r->bound_complete, "preemption", "preemptions"));
    else
        printf("not even every schedule without preemption");
    printf("), random: %" PRIu64 ", pct: %" PRIu64 "\n", r->random_runs,
           r->pct_runs);
    if (r->pruned_runs > 0)
        printf("  %" PRIu64 " more stopped early: they only reordered "
               "independent steps of a schedule run already\n",
               r->pruned_runs);
    if (r->spin_runs > 0)
        printf("  %" PRIu64 " %s reached the step limit but finished when "
               "scheduled fairly\n",
               r->spin_runs, plural(r->spin_runs, "schedule", "schedules"));
}

/* What one search is: the lab instance and the search's configuration. */
struct explore_job {
    struct lab_inst inst;
    struct rl_explore_config cfg;
    bool json;         /* --format json */
    bool races_report; /* --races=report: a data race is no failure */
};

/* check_counts under --races=report: every check but the race check. */
static bool check_not_race(void *ctx, const char *check)
{
    (void)ctx;
    return strcmp(check, "no data race") != 0;
}

/* The failures of the schedule found, by running it once more (the search
 * keeps only its first failed check). Returns the count. */
static int found_failures(struct explore_job *job,
                          const struct rl_explore_result *r,
                          struct cli_failure *fl, int max)
{
    struct rl_run_config cfg;
    struct rl_run *run;
    char err[512];
    int n = 0;

    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&job->inst);
    cfg.sched.kind = RL_SCHED_REPLAY;
    cfg.sched.choices = r->choices;
    cfg.max_steps = r->max_steps;
    run = rl_run_create(&cfg, err, sizeof err);
    if (run != NULL) {
        rl_run_finish(run);
        n = cli_failures(run, job->inst.lab, !job->races_report, fl, max);
        rl_run_destroy(run);
    }
    if (n == 0 && max > 0) { /* as the search saw it */
        memset(fl, 0, sizeof *fl);
        snprintf(fl->kind, sizeof fl->kind, "check");
        snprintf(fl->message, sizeof fl->message, "%s: %s", r->check,
                 r->message);
        n = 1;
    }
    return n;
}

/* --format json: the one object of an exploration. */
static void print_json(struct explore_job *job,
                       const struct rl_explore_result *r)
{
    struct cli_failure fl[CLI_MAX_FAILURES];
    char params[256], *schedule = NULL;
    int n = 0;

    if (r->found) {
        size_t len;
        n = found_failures(job, r, fl, CLI_MAX_FAILURES);
        lab_inst_params_text(&job->inst, params, sizeof params);
        len = strlen(r->choices) + strlen(job->inst.lab->name) +
              strlen(params) + 80;
        schedule = rl_xmalloc(len);
        rl_schedule_format(schedule, len, job->inst.lab->name,
                           job->inst.lab->variants[job->inst.variant].name,
                           params, r->choices);
    }
    cli_print_json(stdout, job->inst.lab->name, fl, n, schedule, r->runs,
                   NULL, r->stop == RL_EXPLORE_GUARD);
    free(schedule);
}

/* Check a parsed `racelab explore` line and fill job. Returns 0, or -1
 * with a one-line message in err. */
static int explore_job_from(const struct cli_args *c,
                            const struct cli_lab_args *a,
                            struct explore_job *job, char *err, size_t errlen)
{
    const char *maxp = c->value[OPT_MAX_PREEMPTIONS];
    const char *runs = c->value[OPT_RUNS];
    const char *max_steps = c->value[OPT_MAX_STEPS];
    double budget = 0;
    char names[1024];
    uint64_t v;

    memset(job, 0, sizeof *job);
    job->cfg.max_preemptions = RL_EXPLORE_DEFAULT_PREEMPTIONS;
    if (a->lab == NULL) {
        cli_lab_names(names, sizeof names);
        snprintf(err, errlen, "explore needs a LAB; labs: %s", names);
        return -1;
    }
    if (c->value[OPT_BUDGET] != NULL &&
        cli_parse_seconds("--budget", c->value[OPT_BUDGET], EXPLORE_MAX_BUDGET,
                          &budget, err, errlen) < 0)
        return -1;
    if (cli_lab_resolve(a, &job->inst, err, errlen) < 0 ||
        cli_exercise_prepare(&job->inst, err, errlen) < 0)
        return -1;
    if (a->seed != NULL && cli_parse_u64("--seed", a->seed, 0, UINT64_MAX,
                                         &job->cfg.seed, err, errlen) < 0)
        return -1;
    if (maxp != NULL) {
        if (cli_parse_u64("--max-preemptions", maxp, 0, 10, &v, err, errlen) <
            0)
            return -1;
        job->cfg.max_preemptions = (int)v;
    }
    job->cfg.max_runs = EXPLORE_DEFAULT_SCHEDULES;
    if (runs != NULL && cli_parse_u64("--max-schedules", runs, 1, UINT64_MAX,
                                      &job->cfg.max_runs, err, errlen) < 0)
        return -1;
    if (max_steps != NULL &&
        cli_parse_u64("--max-steps", max_steps, 1, UINT64_MAX,
                      &job->cfg.max_steps, err, errlen) < 0)
        return -1;
    job->cfg.no_reduction = c->value[OPT_NO_REDUCTION] != NULL;
    job->cfg.guard_s = budget;
    if (cli_format_options(c->value[OPT_FORMAT], c->value[OPT_RACES],
                           &job->json, &job->races_report, err, errlen) < 0)
        return -1;
    if (job->races_report)
        job->cfg.check_counts = check_not_race;
    return 0;
}

/* Run the search of job and print its report. Returns the exit status. */
static int explore_job_execute(struct explore_job *job)
{
    struct rl_explore_result res;
    char params[256];
    int status;

    job->cfg.program = lab_program(&job->inst);
    lab_inst_params_text(&job->inst, params, sizeof params);
    if (!job->json)
        printf("explore %s/%s, params %s: at most %d %s first, then random "
               "and PCT; seed %" PRIu64 "\n",
               job->inst.lab->name, job->inst.lab->variants[job->inst.variant].name,
               params[0] != '\0' ? params : "none", job->cfg.max_preemptions,
               plural((uint64_t)job->cfg.max_preemptions, "preemption",
                      "preemptions"),
               job->cfg.seed);
    fflush(stdout);
    if (rl_explore(&job->cfg, &res) < 0) {
        status = cli_error("%s", res.error);
        /* The program crashed, exited or broke the protocol: it failed
         * (1), the command line was right. */
        return res.program_failed ? CLI_EXIT_FAIL : status;
    }
    if (res.stop == RL_EXPLORE_NONDETERMINISM) {
        rl_explore_result_free(&res);
        return cli_error("%s", res.error);
    }
    if (job->json) {
        print_json(job, &res);
        status = res.found ? CLI_EXIT_FAIL
                 : res.stop == RL_EXPLORE_GUARD ? EXPLORE_EXIT_INCOMPLETE
                                                 : CLI_EXIT_OK;
        rl_explore_result_free(&res);
        fflush(stdout);
        return status;
    }
    if (res.found) {
        print_found(&job->inst, &res);
        if (program_lab_is(job->inst.lab)) {
            struct cli_failure fl[CLI_MAX_FAILURES];
            int n = found_failures(job, &res, fl, CLI_MAX_FAILURES);
            cli_print_failures(stdout, fl, n);
        }
        status = CLI_EXIT_FAIL;
    } else if (res.stop == RL_EXPLORE_GUARD && job->cfg.guard_s <= 0) {
        /* Not ours: the child stopped before its CPU time limit. */
        printf("incomplete: the search stopped after %" PRIu64 " %s, "
               "before the program's CPU time limit (%d s); no failure in "
               "those, no verdict (a smaller --max-schedules gives the "
               "same result on every machine)\n",
               res.runs, plural(res.runs, "schedule", "schedules"),
               RL_CHILD_CPU_S);
        status = EXPLORE_EXIT_INCOMPLETE;
    } else if (res.stop == RL_EXPLORE_GUARD) {
        printf("incomplete: the time guard (--budget %g s) stopped the "
               "search after %" PRIu64 " %s; no verdict (the schedule "
               "budget, --max-schedules, gives the same result on every "
               "machine)\n",
               job->cfg.guard_s, res.runs,
               plural(res.runs, "schedule", "schedules"));
        status = EXPLORE_EXIT_INCOMPLETE;
    } else {
        print_passed(&res);
        status = CLI_EXIT_OK;
    }
    printf("time: %.3f s\n", res.seconds);
    rl_explore_result_free(&res);
    fflush(stdout);
    return status;
}

/* racelab explore LAB [options] */
static int cmd_explore(int argc, char **argv)
{
    struct cli_args c;
    struct cli_lab_args a;
    struct explore_job job;
    char err[2048];
    int status;

    if (!cli_parse_command(&cli_cmd_explore, argc, argv, &c, &a, &status))
        return status;
    a.lab = c.operands[0];
    if (explore_job_from(&c, &a, &job, err, sizeof err) < 0)
        return cli_error("%s", err);
    cli_warnings_print();
    return explore_job_execute(&job);
}

const struct cli_command cli_cmd_explore = {
    "explore",
    "search a lab's schedules for one that breaks a check",
    "usage: racelab explore LAB|PROG.c... [options]\n"
    "\n"
    "Search the sim schedules of LAB for one that breaks a check: first\n"
    "the one schedule with 0 preemptions, then every one with 1, ... up\n"
    "to --max-preemptions. A preemption is any pick round robin would not\n"
    "make: switching away from a thread that could go on, or, when it\n"
    "cannot, picking another thread than the next one by id. Schedules\n"
    "that only reorder independent steps of one already run are stopped\n"
    "early. A bounded search that covers every schedule within its bound\n"
    "says so and stops; one cut short by the schedule budget leaves a\n"
    "quarter of it to seeded random and PCT schedules. A failure is shrunk\n"
    "(fewest preemptions, then fewest steps) and printed with the check it\n"
    "breaks and the command that replays it. A find of the random or PCT\n"
    "runs also names the scheduler that made it, as found: those runs fire\n"
    "timeouts as choices, so the spec ends in :timeouts (racelab run LAB\n"
    "--sched random:SEED:timeouts makes the same run again). When the run,\n"
    "or PCT's estimate of a run's length, reached the step limit, the\n"
    "limit is printed beside the spec (--max-steps N): give it too.\n"
    "\n"
    "options (before or after LAB):\n"
    "  --variant V            the implementation to search (default: the\n"
    "                         lab's first)\n"
    "  --submission P         search a submission's student variant (a\n"
    "                         folder holding NAME.c, or that file)\n"
    "  --max-schedules N      at most N schedules in all (default 20000):\n"
    "                         with --seed, the same result on every\n"
    "                         machine (--runs N is the same)\n"
    "  --budget SECONDS       a safety stop on the wall clock (default\n"
    "                         none): a search it stops is incomplete\n"
    "  --max-preemptions K    bound of the systematic search (default 2)\n"
    "  --seed N               seed of the random and PCT schedules "
    "(default 0)\n"
    "  --max-steps N          a run not finished after N steps did not\n"
    "                         finish (default 20000)\n"
    "  --no-reduction         also run the schedules that only reorder\n"
    "                         independent steps (slower; same verdict)\n"
    "  --threads N            the same as --set threads=N\n"
    "  --iters N              the same as --set iters=N\n"
    "  --set KEY=VALUE        set a lab parameter (repeatable)\n"
    "  --format F             text (default) or json: one JSON object\n"
    "                         (verdict, failures, schedule, schedules)\n"
    "  --races R              a C program: fail (default: a data race is\n"
    "                         a failure) or report (races do not count)\n"
    "  -h, --help             show this help\n"
    "\n"
    "exit status: 0 no failing schedule found, 1 one found (or the\n"
    "program broke off the search: crashed, exited, broke racelab's\n"
    "protocol), 2 bad usage, 3 incomplete (stopped by --budget, or a\n"
    "C program's search by its CPU time).\n"
    "\n"
    "examples:\n"
    "  racelab explore unsafe-counter\n"
    "  racelab explore rlock-nesting --variant lock\n"
    "  racelab explore locked-counter --max-preemptions 3 --max-schedules "
    "5000\n",
    cmd_explore,
    explore_options,
    "LAB",
    1,
};
