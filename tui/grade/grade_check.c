/* SPDX-License-Identifier: MIT */
/*
 * grade_check.c - one check of the grader, run in forked children: load
 * the implementation, explore the scenario's schedules (core/explore.c),
 * send the verdict back as a struct wire; then, in the parent, turn it
 * into an outcome, points and feedback, and replay a failing schedule in
 * a fresh child before it counts (the scheme is in grade.h).
 *
 * The child's side ends at job_child(); everything after it runs in the
 * grader process, which alone decides the verdict.
 */
#include "grade_check.h"
#include "../../core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/analysis.h"
#include "../../core/explore.h"
#include "../../core/schedule.h"
#include "../../core/watchdog.h"
#include "../../labs/exercise_labs.h"
#include "grade_child.h"
#include "grade_compile.h"

#define GRADE_RR_QUANTA 4

/* What a check child sends back: plain data, followed by the choices. */
struct wire {
    int32_t load_failed; /* the implementation could not be loaded */
    int32_t found;       /* a counterexample (or a failed os run) */
    int32_t cls;         /* enum grade_class */
    int32_t end;         /* enum rl_end of the failing run */
    int32_t preemptions;
    int32_t phase, depth; /* how it was found */
    int32_t rr_quantum;   /* > 0: round robin with it fails too */
    int32_t rr_schedule;  /* the schedule sent is the round-robin run's */
    int32_t exhaustive, every_schedule, bound_complete, stop;
    int32_t kind; /* shared exploration: the kind (enum grade_kind) whose
                     failure was found, or -1: safety and liveness held */
    uint64_t phase_seed, runs, systematic, random, pct, rr_runs;
    uint64_t steps, max_steps;
    uint64_t finished; /* runs that ran to the end (every thread done) */
    char check[48];
    char message[256];
    char end_text[512];
    char error[256];
    char params[256];   /* os: the parameters used */
    char analysis[320]; /* a lost update or data race, explained */
    uint32_t choices_len;
};

/* One check job, set up by the parent and read by the child. */
struct job {
    const struct grade_options *opt;
    const char *so_path; /* NULL: the linked student_ tables */
    const char *exercise;
    const struct ex_scenario *sc;
    enum grade_kind kind;
    const char *replay; /* replay these choices instead of exploring */
    uint64_t max_steps; /* replay: the step limit the search used */
    bool shared;        /* one exploration for safety and liveness: every
                           failed check counts, and w.kind says whose */
};

/* ---- in the child ------------------------------------------------------- */

/* Safety: every failed check counts but a deadlock or the step limit. */
static bool counts_safety(void *ctx, const char *check)
{
    (void)ctx;
    return strcmp(check, "no deadlock") != 0 && strcmp(check, "finishes") != 0;
}

/* Liveness: only a deadlock or a run that does not finish counts. */
static bool counts_liveness(void *ctx, const char *check)
{
    (void)ctx;
    return !counts_safety(ctx, check);
}

/* The predicate of a check kind (NULL: every check counts). */
static bool (*kind_counts(enum grade_kind k))(void *, const char *)
{
    if (k == GRADE_SAFETY)
        return counts_safety;
    if (k == GRADE_LIVENESS)
        return counts_liveness;
    return NULL;
}

/* The check kind a failed scenario check belongs to. */
static enum grade_kind kind_of_check(const char *check)
{
    return counts_safety(NULL, check) ? GRADE_SAFETY : GRADE_LIVENESS;
}

/* The first failed check of run that counts for kind, or -1. */
static int run_failure(const struct rl_run *run, enum grade_kind kind)
{
    bool (*counts)(void *, const char *) = kind_counts(kind);
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result r;
        rl_run_check(run, i, &r);
        if (!r.ok && (counts == NULL || counts(NULL, r.name)))
            return i;
    }
    return -1;
}

/* Copy a failing run's verdict into w (and its choices into *choices). */
static void wire_take_run(struct wire *w, const struct rl_run *run, int f,
                          char **choices)
{
    struct rl_check_result r;
    rl_run_check(run, f, &r);
    w->found = 1;
    snprintf(w->check, sizeof w->check, "%s", r.name);
    snprintf(w->message, sizeof w->message, "%s", r.message);
    rl_run_end_text(run, w->end_text, sizeof w->end_text);
    w->end = rl_run_end(run);
    w->preemptions = rl_run_preemptions(run);
    w->steps = rl_run_record_last(run);
    if (choices != NULL && rl_run_backend(run) == RL_BACKEND_SIM) {
        size_t len = rl_run_choices(run, NULL, 0) + 1;
        free(*choices);
        *choices = rl_xmalloc(len);
        if (*choices != NULL)
            rl_run_choices(run, *choices, len);
    }
}

/* One sim run of in with scheduler s, keeping `records` records; NULL
 * with w->error on failure. */
static struct rl_run *child_sim_run(struct ex_inst *in,
                                    const struct rl_sched *s,
                                    uint64_t max_steps, size_t records,
                                    struct wire *w)
{
    struct rl_run_config rc;
    memset(&rc, 0, sizeof rc);
    rc.program = ex_program(in);
    rc.backend = RL_BACKEND_SIM;
    rc.sched = *s;
    rc.max_steps = max_steps;
    rc.max_records = records;
    struct rl_run *run = rl_run_create(&rc, w->error, sizeof w->error);
    if (run != NULL)
        rl_run_finish(run);
    return run;
}

/* Explain the first lost update (else data race) of a finished run in
 * w->analysis; nothing if there is none or records were dropped. */
static void child_analyze(const struct rl_run *run, struct wire *w)
{
    struct rl_analysis a;
    char err[160];
    if (rl_analyze(run, &a, err, sizeof err) != 0)
        return;
    if (a.nlost > 0)
        rl_lost_text(run, &a.lost[0], w->analysis, sizeof w->analysis);
    else if (a.nraces > 0)
        rl_race_text(run, &a.races[0], w->analysis, sizeof w->analysis);
}

/* A lost update on a run whose checks held is a safety failure too (check
 * "no lost update"): a store overwrote another thread's update, a race
 * the scenario's checks happened not to see. Fills w (and *choices) and
 * returns true when run has one. */
static bool lost_update_failure(const struct rl_run *run, struct wire *w,
                                char **choices)
{
    struct rl_analysis a;
    char err[160];
    if (rl_analyze(run, &a, err, sizeof err) != 0 || a.nlost == 0)
        return false;
    w->found = 1;
    snprintf(w->check, sizeof w->check, "no lost update");
    rl_lost_text(run, &a.lost[0], w->message, sizeof w->message);
    w->end_text[0] = '\0';
    w->end = rl_run_end(run);
    w->preemptions = rl_run_preemptions(run);
    w->steps = rl_run_record_last(run);
    size_t len = rl_run_choices(run, NULL, 0) + 1;
    free(*choices);
    *choices = rl_xmalloc(len);
    rl_run_choices(run, *choices, len);
    return true;
}

/* Explore the scenario; for safety and liveness also round robin, and
 * classify how hard the failure is to hit. */
static void child_explore(const struct job *j, struct ex_inst *in,
                          struct wire *w, char **choices)
{
    const struct grade_options *o = j->opt;
    struct rl_explore_config cfg;
    struct rl_explore_result res;
    bool conc = j->kind == GRADE_SAFETY || j->kind == GRADE_LIVENESS;
    /* The kind the round-robin runs judge: the job's; for a shared
     * exploration the kind of what it found, or every check (GRADE_SINGLE
     * counts them all) while nothing failed. */
    enum grade_kind rr_kind = j->shared ? GRADE_SINGLE : j->kind;

    /* The step limit: a multiple of a fair run's length, so that a
     * spinning thread costs little and a legitimate run never hits it. */
    uint64_t max_steps = GRADE_MAX_STEPS;
    {
        struct rl_sched s = {0};
        s.kind = RL_SCHED_RR;
        s.quantum = 1;
        struct rl_run *run = child_sim_run(in, &s, GRADE_MAX_STEPS, 4096, w);
        if (run == NULL)
            return;
        uint64_t len = rl_run_record_last(run) * GRADE_STEP_FACTOR;
        rl_run_destroy(run);
        if (len < max_steps)
            max_steps = len < GRADE_MIN_STEPS ? GRADE_MIN_STEPS : len;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.program = ex_program(in);
    cfg.max_preemptions = GRADE_MAX_PREEMPTIONS;
    cfg.max_steps = max_steps;
    cfg.seed = o->seed;
    cfg.guard_s = o->budget_s; /* a safety stop only: see below */
    cfg.max_systematic = o->systematic_runs;
    cfg.random_runs = o->random_runs;
    cfg.pct_runs = o->pct_runs;
    cfg.check_counts = j->shared ? NULL : kind_counts(j->kind);
    w->max_steps = max_steps;
    w->cls = GRADE_CLASS_NONE;
    w->kind = -1;
    if (rl_explore(&cfg, &res) < 0) {
        snprintf(w->error, sizeof w->error, "%s", res.error);
        return;
    }
    w->runs = res.runs;
    w->finished = res.finished_runs;
    w->systematic = res.systematic_runs;
    w->random = res.random_runs;
    w->pct = res.pct_runs;
    w->exhaustive = res.exhaustive;
    w->every_schedule = res.every_schedule;
    w->bound_complete = res.bound_complete;
    w->stop = res.stop;
    if (res.stop == RL_EXPLORE_NONDETERMINISM)
        snprintf(w->error, sizeof w->error, "%s", res.error);
    if (res.stop == RL_EXPLORE_GUARD) {
        /* The time guard decides nothing: no verdict, an error. */
        rl_explore_result_free(&res);
        return;
    }
    if (res.found) {
        w->found = 1;
        snprintf(w->check, sizeof w->check, "%s", res.check);
        snprintf(w->message, sizeof w->message, "%s", res.message);
        snprintf(w->end_text, sizeof w->end_text, "%s", res.end_text);
        w->end = res.end;
        w->preemptions = res.preemptions;
        w->steps = res.steps;
        w->phase = res.phase;
        w->phase_seed = res.phase_seed;
        w->depth = res.phase_depth;
        *choices = res.choices;
        res.choices = NULL;
        if (j->shared) {
            w->kind = (int32_t)kind_of_check(res.check);
            rr_kind = (enum grade_kind)w->kind;
        }
        if (res.phase != RL_EXPLORE_SYSTEMATIC)
            w->cls = GRADE_CLASS_RANDOM;
        else
            w->cls = res.preemptions == 0   ? GRADE_CLASS_SEQUENTIAL
                     : res.preemptions == 1 ? GRADE_CLASS_ONE
                                            : GRADE_CLASS_TWO;
    }
    rl_explore_result_free(&res);
    if (!conc || w->cls == GRADE_CLASS_SEQUENTIAL || w->error[0] != '\0')
        return;
    /* Round robin: a fair scheduler, the usual way a bug first shows. */
    for (int q = 1; q <= GRADE_RR_QUANTA; q++) {
        struct rl_sched s = {0};
        s.kind = RL_SCHED_RR;
        s.quantum = q;
        struct rl_run *run =
            child_sim_run(in, &s, max_steps, q == 1 ? 0 : 4096, w);
        if (run == NULL)
            return;
        w->rr_runs++;
        if (rl_run_end(run) == RL_END_DONE)
            w->finished++;
        int f = run_failure(run, rr_kind);
        if (q == 1 && !w->found && f < 0 &&
            (j->kind == GRADE_SAFETY || j->shared)) {
            if (lost_update_failure(run, w, choices)) {
                w->rr_schedule = 1;
                w->cls = GRADE_CLASS_RR;
                w->rr_quantum = 1;
                if (j->shared)
                    w->kind = GRADE_SAFETY;
                rl_run_destroy(run);
                return;
            }
            child_analyze(run, w); /* a data race on a run that passed */
        }
        if (f >= 0) {
            if (!w->found) { /* else keep the explorer's, shorter */
                wire_take_run(w, run, f, choices);
                w->rr_schedule = 1;
                if (j->shared)
                    w->kind = (int32_t)kind_of_check(w->check);
            }
            w->cls = GRADE_CLASS_RR;
            w->rr_quantum = q;
            rl_run_destroy(run);
            return;
        }
        rl_run_destroy(run);
    }
}

/* The os stress run: real threads, the os defaults. */
static void child_stress(const struct job *j, struct ex_inst *in,
                         struct wire *w)
{
    struct rl_run_config rc;
    memset(&rc, 0, sizeof rc);
    rc.program = ex_program(in);
    rc.backend = RL_BACKEND_OS;
    rc.timeout_ms = (int)(j->opt->budget_s * 1000);
    size_t n = 0;
    for (int i = 0; i < j->sc->nparams && n < sizeof w->params; i++)
        n +=
            (size_t)snprintf(w->params + n, sizeof w->params - n, "%s%s=%ld",
                             i ? "," : "", j->sc->params[i].key, in->params[i]);
    struct rl_run *run = rl_run_create(&rc, w->error, sizeof w->error);
    if (run == NULL)
        return;
    rl_run_finish(run);
    w->runs = 1;
    int f = run_failure(run, GRADE_STRESS);
    if (f >= 0)
        wire_take_run(w, run, f, NULL);
    rl_run_destroy(run);
}

/* Replay j->replay strictly and report the failure it shows, if any. */
static void child_replay(const struct job *j, struct ex_inst *in,
                         struct wire *w, char **choices)
{
    struct rl_sched s = {0};
    s.kind = RL_SCHED_REPLAY;
    s.choices = j->replay;
    struct rl_run *run = child_sim_run(in, &s, j->max_steps, 0, w);
    if (run == NULL)
        return;
    w->runs = 1;
    int f = run_failure(run, j->kind);
    if (f >= 0)
        wire_take_run(w, run, f, choices);
    else if (j->kind == GRADE_SAFETY)
        lost_update_failure(run, w, choices);
    child_analyze(run, w);
    w->end = rl_run_end(run);
    rl_run_destroy(run);
}

/* The child's body: load, run, send. */
static void job_child(void *ctx, int fd, uint64_t nonce)
{
    const struct job *j = ctx;
    struct wire w;
    char *choices = NULL;
    struct ex_inst in;

    /* A submission looping over plain C variables never reaches a racelab
     * call: the sim watchdog ends this child after 3 s of CPU time with a
     * message that says so (job_run reads it), instead of the wall-clock
     * timeout that only says "hang". */
    rl_watchdog_start();
    memset(&w, 0, sizeof w);
    w.cls = GRADE_CLASS_NONE;
    const void *impl =
        grade_load(j->so_path, j->exercise, w.error, sizeof w.error);
    if (impl == NULL) {
        w.load_failed = 1;
    } else if (j->kind != GRADE_BUILD) {
        ex_inst_init(&in, j->sc, impl,
                     j->kind == GRADE_STRESS ? RL_BACKEND_OS : RL_BACKEND_SIM);
        if (j->replay != NULL)
            child_replay(j, &in, &w, &choices);
        else if (j->kind == GRADE_STRESS)
            child_stress(j, &in, &w);
        else
            child_explore(j, &in, &w, &choices);
    }
    size_t clen = choices != NULL ? strlen(choices) : 0;
    w.choices_len = (uint32_t)clen;
    char *buf = rl_xmalloc(sizeof w + clen);
    if (buf == NULL)
        return;
    memcpy(buf, &w, sizeof w);
    if (clen > 0)
        memcpy(buf + sizeof w, choices, clen);
    child_send(fd, nonce, buf, sizeof w + clen);
}

/* ---- in the parent ------------------------------------------------------ */

/* Limits of a check child. */
static void job_limits(const struct grade_options *o, enum grade_kind k,
                       struct child_limits *lim)
{
    memset(lim, 0, sizeof *lim);
    lim->timeout_ms = (int)(o->budget_s * 1000) + 3000;
    lim->cpu_s = (int)o->budget_s + 4;
    lim->address_space = (size_t)4 << 30;
    lim->file_size = (size_t)16 << 20;
    lim->no_processes = k != GRADE_STRESS; /* os runs need threads */
    lim->max_processes = 256; /* as the unprivileged user: os threads */
    lim->private_dir = true;
    lim->output_max = 8192;
}

/* The sim watchdog's last resort in a child's output ("racelab: did not
 * finish: T0 ran for 3 s of CPU time without a racelab call (...); such a
 * loop cannot be stopped safely, so racelab ends"): copy its reason into
 * msg and return true; false if the child ended otherwise. */
static bool child_watchdog_line(const char *output, char *msg, size_t len)
{
    static const char head[] = "racelab: did not finish: ";
    const char *p = output ? strstr(output, head) : NULL;
    const char *end;

    if (p == NULL)
        return false;
    p += sizeof "racelab: " - 1;
    end = strstr(p, "; such a loop");
    if (end == NULL)
        end = p + strcspn(p, "\n");
    snprintf(msg, len, "%.*s", (int)(end - p), p);
    return true;
}

/* Run j in a child; on CHILD_RESULT fill w and *choices. Otherwise
 * describe what happened in c (outcome, message) and return false. */
static bool job_run(const struct job *j, struct grade_check *c, struct wire *w,
                    char **choices, bool keep_output)
{
    struct child_limits lim;
    struct child_outcome o;
    char sig[96];

    job_limits(j->opt, j->kind, &lim);
    child_run(job_child, (void *)j, &lim, &o);
    if (keep_output && o.output != NULL && o.output[0] != '\0') {
        size_t kept = strlen(o.output);
        grade_trim(o.output, 12, 1200);
        if (o.output_total > kept) {
            /* the child wrote more than was kept: say how much */
            size_t n = strlen(o.output);
            char *more = rl_xrealloc(o.output, n + 64);
            if (more != NULL) {
                snprintf(more + n, 64, "[%zu bytes of output in all]\n",
                         o.output_total);
                o.output = more;
            }
        }
        free(c->output);
        c->output = o.output;
        o.output = NULL;
    }
    bool ok = false;
    switch (o.how) {
    case CHILD_RESULT:
        if (o.result_len >= sizeof *w) {
            memcpy(w, o.result, sizeof *w);
            if (sizeof *w + w->choices_len == o.result_len) {
                ok = true;
                *choices = NULL;
                if (w->choices_len > 0) {
                    *choices = rl_xmalloc(w->choices_len + 1);
                    if (*choices != NULL) {
                        memcpy(*choices, (char *)o.result + sizeof *w,
                               w->choices_len);
                        (*choices)[w->choices_len] = '\0';
                    }
                }
                w->check[sizeof w->check - 1] = '\0';
                w->analysis[sizeof w->analysis - 1] = '\0';
                w->message[sizeof w->message - 1] = '\0';
                w->end_text[sizeof w->end_text - 1] = '\0';
                w->error[sizeof w->error - 1] = '\0';
                w->params[sizeof w->params - 1] = '\0';
                break;
            }
        }
        /* a result of the wrong size is corrupt */
        /* FALLTHROUGH */
    case CHILD_CORRUPT:
        c->outcome = GRADE_CORRUPT;
        snprintf(c->message, sizeof c->message,
                 "the check's result was tampered with (bytes written to a "
                 "descriptor the submission does not own?)");
        break;
    case CHILD_EXITED:
        /* The watchdog ended a loop that never reached a racelab call. */
        if (o.status == RL_WATCHDOG_EXIT_STATUS &&
            child_watchdog_line(o.output ? o.output : c->output, c->message,
                                sizeof c->message)) {
            c->outcome = GRADE_TIMEOUT;
            break;
        }
        c->outcome = GRADE_EXIT;
        snprintf(c->message, sizeof c->message,
                 "the process ended with exit status %d before the check "
                 "finished: does the code call exit()?",
                 o.status);
        break;
    case CHILD_SIGNAL:
        c->outcome = GRADE_CRASH;
        snprintf(c->message, sizeof c->message, "the code crashed: %s",
                 child_signal_text(o.sig, sig, sizeof sig));
        break;
    case CHILD_TIMEOUT:
        c->outcome = GRADE_TIMEOUT;
        snprintf(c->message, sizeof c->message,
                 "the check did not finish within %d s: an endless loop "
                 "that makes no racelab call?",
                 lim.timeout_ms / 1000);
        break;
    case CHILD_FORK_FAILED:
        c->outcome = GRADE_INTERNAL;
        snprintf(c->message, sizeof c->message,
                 "the grader could not start a process: %s",
                 strerror(o.status));
        break;
    }
    child_outcome_free(&o);
    return ok;
}

/* The outcome a failed check name stands for. */
static enum grade_outcome outcome_of(const char *check)
{
    if (strcmp(check, "no deadlock") == 0)
        return GRADE_DEADLOCK;
    if (strcmp(check, "finishes") == 0)
        return GRADE_NO_FINISH;
    if (strcmp(check, "no misuse") == 0)
        return GRADE_MISUSE_ERR;
    return GRADE_WRONG;
}

/* "threads=2,iters=3": the sim defaults of sc. */
static void sim_params(const struct ex_scenario *sc, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < sc->nparams && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s=%ld", i ? "," : "",
                              sc->params[i].key, sc->params[i].def);
}

/* Build c->schedule from choices: rl1:<lab>:student:<params>:<choices>. */
static void set_schedule(struct grade_check *c, const char *choices)
{
    const struct ex_exercise *ex = ex_exercise_find(c->exercise);
    char lab[96], params[256];
    ex_lab_name(c->exercise, c->sc->name,
                ex != NULL && ex->scenarios[0] == c->sc, lab, sizeof lab);
    sim_params(c->sc, params, sizeof params);
    size_t len = strlen(lab) + strlen(params) + strlen(choices) + 32;
    c->schedule = rl_xmalloc(len);
    if (c->schedule != NULL)
        rl_schedule_format(c->schedule, len, lab, "student", params, choices);
}

/* How a passing exploration covered the scenario, in one line. */
static void summary_passed(struct grade_check *c, const struct wire *w)
{
    uint64_t total = w->runs + w->rr_runs;
    char cover[160];
    if (w->every_schedule)
        snprintf(cover, sizeof cover, "every schedule there is");
    else if (w->exhaustive)
        snprintf(cover, sizeof cover,
                 "every schedule with at most %d preemptions; %llu random, "
                 "%llu PCT",
                 GRADE_MAX_PREEMPTIONS, (unsigned long long)w->random,
                 (unsigned long long)w->pct);
    else if (w->bound_complete >= 0)
        snprintf(cover, sizeof cover,
                 "every schedule with at most %d preemption%s and %llu "
                 "systematic in all; %llu random, %llu PCT",
                 w->bound_complete, w->bound_complete == 1 ? "" : "s",
                 (unsigned long long)w->systematic,
                 (unsigned long long)w->random, (unsigned long long)w->pct);
    else
        snprintf(cover, sizeof cover, "%llu systematic, %llu random, %llu PCT",
                 (unsigned long long)w->systematic,
                 (unsigned long long)w->random, (unsigned long long)w->pct);
    snprintf(c->summary, sizeof c->summary,
             "%llu schedule%s explored, all passed (%s%s)",
             (unsigned long long)total, total == 1 ? "" : "s", cover,
             w->rr_runs ? "; round robin" : "");
}

/* How a failure was found, in one line. */
static void summary_failed(struct grade_check *c, const struct wire *w)
{
    char how[200], rr[64] = "";
    if (w->rr_quantum > 0 && !w->rr_schedule)
        snprintf(rr, sizeof rr, "; round robin (quantum %d) shows it too",
                 w->rr_quantum);
    if (w->rr_schedule)
        snprintf(how, sizeof how, "found by round robin (quantum %d)",
                 w->rr_quantum);
    else if (w->phase == RL_EXPLORE_RANDOM)
        snprintf(how, sizeof how,
                 "found by a random schedule (seed %llu) after %llu "
                 "schedule%s",
                 (unsigned long long)w->phase_seed, (unsigned long long)w->runs,
                 w->runs == 1 ? "" : "s");
    else if (w->phase == RL_EXPLORE_PCT)
        snprintf(how, sizeof how,
                 "found by a PCT schedule (seed %llu, depth %d) after %llu "
                 "schedule%s",
                 (unsigned long long)w->phase_seed, w->depth,
                 (unsigned long long)w->runs, w->runs == 1 ? "" : "s");
    else
        snprintf(how, sizeof how,
                 "found with %d preemption%s (no schedule with fewer "
                 "fails) after %llu schedule%s",
                 w->preemptions, w->preemptions == 1 ? "" : "s",
                 (unsigned long long)w->runs, w->runs == 1 ? "" : "s");
    snprintf(c->summary, sizeof c->summary, "%s%s", how, rr);
}

int grade_class_points(int max, enum grade_class cls)
{
    static const int quarters[] = {0, 0, 1, 2, 3};
    if (cls < GRADE_CLASS_SEQUENTIAL || cls > GRADE_CLASS_RANDOM)
        return 0;
    return max * quarters[cls] / 4;
}

/* Keep w (and choices, output: copied) in share for check kind of sc. */
static void share_put(struct grade_share *share, const struct ex_scenario *sc,
                      enum grade_kind kind, const struct wire *w,
                      const char *choices, const char *output)
{
    for (int i = 0; i < GRADE_SHARE_MAX; i++) {
        struct grade_share_entry *e = &share->e[i];
        if (e->sc != NULL)
            continue;
        e->sc = sc;
        e->kind = kind;
        e->wire = rl_xmalloc(sizeof *w);
        memcpy(e->wire, w, sizeof *w);
        e->choices = choices != NULL ? rl_xstrdup(choices) : NULL;
        e->output = output != NULL ? rl_xstrdup(output) : NULL;
        return;
    }
    /* Full: the other check explores on its own (correct, just slower). */
}

/* Take the exploration kept for c, if any: into w, *choices and
 * c->output. */
static bool share_take(struct grade_share *share, struct grade_check *c,
                       struct wire *w, char **choices)
{
    for (int i = 0; i < GRADE_SHARE_MAX; i++) {
        struct grade_share_entry *e = &share->e[i];
        if (e->sc != c->sc || e->kind != c->kind)
            continue;
        memcpy(w, e->wire, sizeof *w);
        *choices = e->choices;
        free(c->output);
        c->output = e->output;
        free(e->wire);
        memset(e, 0, sizeof *e);
        return true;
    }
    return false;
}

/* Free what share keeps. */
void grade_share_clear(struct grade_share *share)
{
    for (int i = 0; i < GRADE_SHARE_MAX; i++) {
        free(share->e[i].wire);
        free(share->e[i].choices);
        free(share->e[i].output);
    }
    memset(share, 0, sizeof *share);
}

/* The result of c's exploration: kept in share by the other check of its
 * scenario, or one exploration for both (keeping the other's answer), or
 * c's own. Returns false when the child failed (c says how). */
static bool explore_shared(struct job *j, struct grade_check *c,
                           struct grade_share *share, struct wire *w,
                           char **choices)
{
    bool conc = c->kind == GRADE_SAFETY || c->kind == GRADE_LIVENESS;
    if (!conc || share == NULL)
        return job_run(j, c, w, choices, true);
    if (share_take(share, c, w, choices)) {
        if (c->kind != GRADE_SAFETY)
            w->analysis[0] = '\0'; /* the race note is safety's */
        return true;
    }
    int slot = -1;
    for (int i = 0; i < GRADE_SHARE_MAX; i++) {
        if (share->explored[i] == c->sc)
            return job_run(j, c, w, choices, true); /* ran: search alone */
        if (share->explored[i] == NULL && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return job_run(j, c, w, choices, true);
    share->explored[slot] = c->sc;
    j->shared = true;
    bool ok = job_run(j, c, w, choices, true);
    j->shared = false;
    if (!ok || w->load_failed || w->stop == RL_EXPLORE_NONDETERMINISM ||
        (!w->found && w->error[0] != '\0'))
        return ok; /* c's own answer; the other check runs its own */
    enum grade_kind other =
        c->kind == GRADE_SAFETY ? GRADE_LIVENESS : GRADE_SAFETY;
    if (w->kind < 0) { /* nothing failed: the same answer for both */
        share_put(share, c->sc, other, w, NULL, c->output);
        return true;
    }
    if (w->kind == (int32_t)c->kind) {
        if (c->kind != GRADE_SAFETY)
            w->analysis[0] = '\0'; /* the race note is safety's */
        return true; /* c's failure, as its own search finds it first */
    }
    /* The other check's failure: keep it, and search for c's own. */
    share_put(share, c->sc, other, w, *choices, c->output);
    free(*choices);
    *choices = NULL;
    return job_run(j, c, w, choices, true);
}

/* Explore (or run on os) in a child, replay a failure in another, score. */
void grade_check_run(const struct grade_options *o, const char *so,
                     struct grade_check *c, struct grade_share *share)
{
    struct job j = {o, so, c->exercise, c->sc, c->kind, NULL, 0, false};
    struct wire w;
    char *choices = NULL;

    c->rule = GRADE_RULE_ERROR; /* until the child's verdict says more */
    if (!explore_shared(&j, c, share, &w, &choices))
        return; /* crash, timeout, exit, corrupt: c says which */
    if (w.load_failed) {
        c->outcome = GRADE_INTERNAL;
        snprintf(c->message, sizeof c->message, "%s", w.error);
        free(choices);
        return;
    }
    if (w.stop == RL_EXPLORE_GUARD) {
        c->outcome = GRADE_TIMEOUT;
        snprintf(c->message, sizeof c->message,
                 "the search was stopped by the time guard (--budget %.0f s) "
                 "after %llu schedules, before its schedule budget was "
                 "spent: no verdict (a machine this slow cannot grade "
                 "the same way; raise --budget)",
                 o->budget_s, (unsigned long long)w.runs);
        free(choices);
        return;
    }
    if (w.stop == RL_EXPLORE_NONDETERMINISM) {
        c->outcome = GRADE_NONDET;
        snprintf(c->message, sizeof c->message, "%s", w.error);
        free(choices);
        return;
    }
    if (!w.found && w.error[0] != '\0') {
        c->outcome = GRADE_INTERNAL;
        snprintf(c->message, sizeof c->message, "%s", w.error);
        free(choices);
        return;
    }
    if (c->kind == GRADE_STRESS) {
        c->rule = GRADE_RULE_STRESS;
        if (!w.found) {
            c->outcome = GRADE_PASS;
            snprintf(c->summary, sizeof c->summary,
                     "passed on real threads (os backend, %s)", w.params);
        } else {
            c->outcome = outcome_of(w.check);
            snprintf(c->check, sizeof c->check, "%s", w.check);
            snprintf(c->message, sizeof c->message, "%s", w.message);
            snprintf(c->detail, sizeof c->detail, "%s", w.end_text);
            snprintf(c->summary, sizeof c->summary,
                     "failed on real threads (os backend, %s); reported "
                     "only, not scored",
                     w.params);
        }
        return;
    }
    if (!w.found && c->kind == GRADE_SAFETY && w.finished == 0 &&
        w.runs + w.rr_runs > 0) {
        /* Every run deadlocked or did not finish: the final state was
         * never there to judge, so "all passed" would be vacuous. */
        c->outcome = GRADE_SKIPPED;
        c->points = 0;
        c->rule = GRADE_RULE_NOT_JUDGED;
        snprintf(c->message, sizeof c->message,
                 "not judged: none of the %llu schedules ran to the end "
                 "(they deadlocked or did not finish; the liveness check "
                 "says why); scored 0",
                 (unsigned long long)(w.runs + w.rr_runs));
        return;
    }
    if (!w.found) {
        c->outcome = GRADE_PASS;
        c->points = c->max_points;
        c->rule = GRADE_RULE_PASSED;
        summary_passed(c, &w);
        if (c->kind == GRADE_SAFETY && w.finished < w.runs + w.rr_runs) {
            size_t n = strlen(c->summary);
            snprintf(c->summary + n, sizeof c->summary - n,
                     "; judged on the %llu that ran to the end (the others "
                     "deadlocked or did not finish: see liveness)",
                     (unsigned long long)w.finished);
        }
        if (w.analysis[0] != '\0')
            snprintf(c->detail, sizeof c->detail,
                     "note (not scored): under round robin, %.300s",
                     w.analysis);
        return;
    }
    c->cls = (enum grade_class)w.cls;
    c->preemptions = w.preemptions;
    snprintf(c->check, sizeof c->check, "%s", w.check);
    snprintf(c->message, sizeof c->message, "%s", w.message);
    snprintf(c->detail, sizeof c->detail, "%s", w.end_text);
    snprintf(c->expected, sizeof c->expected, "'%s' holds under every schedule",
             w.check);
    c->outcome = outcome_of(w.check);
    if (choices != NULL) {
        set_schedule(c, choices);
        if (w.end == RL_END_STEP_LIMIT)
            c->replay_max_steps = w.max_steps;
    }
    summary_failed(c, &w);
    /* Replay once more, in a fresh process, before deducting. */
    struct wire r;
    char *rchoices = NULL;
    struct grade_check tmp;
    memset(&tmp, 0, sizeof tmp);
    j.replay = choices != NULL ? choices : "-";
    j.max_steps = w.max_steps;
    if (!job_run(&j, &tmp, &r, &rchoices, false) || !r.found ||
        strcmp(r.check, w.check) != 0 || r.end != w.end) {
        char again[400];
        if (tmp.outcome != GRADE_PASS)
            snprintf(again, sizeof again, "%s: %.300s",
                     grade_outcome_name(tmp.outcome), tmp.message);
        else if (!r.found)
            snprintf(again, sizeof again, "every check held");
        else
            snprintf(again, sizeof again, "'%s' failed: %.300s", r.check,
                     r.message);
        c->outcome = GRADE_NONDET;
        snprintf(c->summary, sizeof c->summary,
                 "nondeterminism outside the scheduler: the schedule "
                 "failed '%s' once, but on replay %.150s (uninitialised "
                 "memory? state kept in static variables?)",
                 w.check, again);
        c->points = 0;
    } else {
        bool partial = o->partial_credit &&
                       (c->kind == GRADE_SAFETY || c->kind == GRADE_LIVENESS);
        c->rule = partial ? GRADE_RULE_PARTIAL : GRADE_RULE_ALL_OR_NOTHING;
        c->points = partial ? grade_class_points(c->max_points, c->cls) : 0;
        if (r.analysis[0] != '\0' && strcmp(c->check, "no lost update") != 0) {
            size_t n = strlen(c->detail);
            snprintf(c->detail + n, sizeof c->detail - n, "%s%.320s",
                     n > 0 && c->detail[n - 1] != '\n' ? "\n" : "", r.analysis);
        }
    }
    free(tmp.output);
    free(rchoices);
    free(choices);
}

/* The load half of the build check, in a child. */
bool grade_check_load(const struct grade_options *o, const char *so,
                      const char *exercise, struct grade_check *c)
{
    struct job j = {o, so, exercise, NULL, GRADE_BUILD, NULL, 0, false};
    struct wire w;
    char *choices = NULL;

    if (!job_run(&j, c, &w, &choices, true))
        return false;
    free(choices);
    if (w.load_failed) {
        c->outcome = GRADE_COMPILE;
        snprintf(c->message, sizeof c->message, "%s", w.error);
        return false;
    }
    return true;
}
