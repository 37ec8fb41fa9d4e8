/* SPDX-License-Identifier: MIT */
/*
 * grade_job.c - the runs behind one check of the grader (grade_check.c
 * drives them). A job (struct grade_job) is a check's scenario, its
 * parameters and the exercise's executable; every run is a child of that
 * executable, started fresh under the grader's sandbox (struct rl_spawn:
 * its own session, a private directory, limits, the unprivileged user when
 * the grader is root) and reaped with what it left running.
 *
 * A run is a MIRROR run (core/mirror.c): the child runs the student's
 * code and sends its final state; the scenario's checks are judged here,
 * in the grader, on a copy. What a run showed is kept in a struct run_sum
 * once its child is gone, with what the analysis found in it (a failed
 * check's replay shows its lost update, data race or lost wakeup). On top
 * of it: the round-robin runs (quanta 1..4) with the lost-update analysis
 * of the first, the search in a child
 * of its own (it only proposes a failing schedule, or that it found none),
 * the os stress run, and the strict replay of a failure. Each fills a
 * struct grade_verdict; a child that was lost (crash, exit(), timeout, a
 * broken protocol) is reported in the check instead.
 */
#include "grade_check.h"
#include "../../core/mem.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/analysis.h"
#include "../../core/explore.h"
#include "../../labs/exercise_labs.h"
#include "grade_child.h"
#include "grade_compile.h"

#define GRADE_RR_QUANTA 4
#define GRADE_OUTPUT_KEPT 8192 /* bytes of a child's output kept */
#define GRADE_RUN_CHECKS 32    /* checks of a run kept in a summary */

/* ---- which failed checks count ------------------------------------------ */

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

/* ---- the children -------------------------------------------------------- */

/* A child of the exercise's executable, serving j's scenario. */
struct child {
    struct rl_external ext;
    struct rl_spawn sp;
    struct ex_inst in; /* the scenario and parameters racelab judges by */
    char dir[PATH_MAX]; /* its private directory, or "" */
    const char *backend;
};

/* The scenario instance of j on backend be: the backend's defaults, then
 * the job's "key=value,..." (which it made from the same defaults). */
static void job_inst(const struct grade_job *j, enum rl_backend be,
                     struct ex_inst *in)
{
    char params[sizeof j->params], err[160];
    char *save = NULL;
    ex_inst_init(in, j->sc, NULL, be);
    snprintf(params, sizeof params, "%s", j->params);
    for (char *kv = strtok_r(params, ",", &save); kv != NULL;
         kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        ex_inst_set(in, kv, strtol(eq + 1, NULL, 10), err, sizeof err);
    }
}

/* The external program of one child of j on backend be, in a fresh
 * private directory, under the grader's limits. child_close after. */
static void child_open(const struct grade_job *j, enum rl_backend be,
                       struct child *ch)
{
    const struct grade_options *o = j->opt;
    unsigned uid = 0, gid = 0;
    memset(ch, 0, sizeof *ch);
    child_private_dir(ch->dir, sizeof ch->dir);
    ch->backend = be == RL_BACKEND_OS ? "os" : "sim";
    ch->ext.path = j->exe;
    ch->ext.argv[0] = j->lab;
    ch->ext.argv[1] = j->params;
    ch->ext.argv[2] = ch->backend;
    ch->ext.cpu_s = (int)o->budget_s + 4;
    ch->ext.answer_ms = (int)(o->budget_s * 1000) + 3000;
    ch->ext.spawn = &ch->sp;
    /* racelab judges: the child sends its final state (OBSERVE), and the
     * scenario's check runs here on a copy, with this job's scenario and
     * parameters (labs/exercise_scenarios.h, ex_program). */
    ch->ext.observe_size = j->sc->state_size;
    job_inst(j, be, &ch->in);
    ch->sp.new_session = true;
    ch->sp.cwd = ch->dir[0] != '\0' ? ch->dir : NULL;
    ch->sp.address_space = (size_t)4 << 30;
    ch->sp.file_size = (size_t)16 << 20;
    ch->sp.drop_user = child_run_as(&uid, &gid);
    ch->sp.uid = uid;
    ch->sp.gid = gid;
    /* No fork, no thread on sim; the os backend runs real threads. */
    ch->sp.no_processes = be != RL_BACKEND_OS;
    ch->sp.max_processes = be == RL_BACKEND_OS ? child_process_limit() : 0;
    ch->sp.no_new_privs = true;
    ch->sp.die_with_parent = true; /* a killed grader leaves none running */
}

/* After the child has ended: kill what it left running, remove its
 * directory. */
static void child_close(struct child *ch)
{
    child_reap_strays();
    if (ch->dir[0] != '\0')
        child_private_dir_remove(ch->dir);
    ch->dir[0] = '\0';
}

/* What one mirror run showed, kept once its child is gone. */
struct run_sum {
    bool created;
    char error[512]; /* why it could not be created */
    enum rl_end end;
    char end_text[512];
    int nchecks;
    struct {
        char name[48];
        bool ok;
        char message[256];
    } checks[GRADE_RUN_CHECKS];
    uint64_t steps; /* the last record's seq */
    int preemptions;
    char *choices;  /* malloc'd */
    char lost[320]; /* the first lost update, or "" */
    char race[320]; /* the first data race, or "" */
    char wakeup[320]; /* the first lost wakeup, or "" */
    char *output;   /* malloc'd, at most GRADE_OUTPUT_KEPT bytes */
    size_t output_total;
};

/* Free what s holds. */
static void sum_free(struct run_sum *s)
{
    free(s->choices);
    free(s->output);
    s->choices = s->output = NULL;
}

/* Run j's scenario once as a mirror run (sched s on sim, or os) and keep
 * what it showed in *s; the child is gone when this returns. */
static void mirror_once(const struct grade_job *j, enum rl_backend be,
                        const struct rl_sched *sched, uint64_t max_steps,
                        size_t records, struct run_sum *s)
{
    struct child ch;
    struct rl_run_config rc;
    memset(s, 0, sizeof *s);
    child_open(j, be, &ch);
    memset(&rc, 0, sizeof rc);
    rc.program = ex_program(&ch.in);
    rc.program.external = &ch.ext;
    rc.backend = be;
    if (be == RL_BACKEND_SIM) {
        rc.sched = *sched;
        rc.max_steps = max_steps;
        rc.max_records = records;
    } else {
        rc.timeout_ms = (int)(j->opt->budget_s * 1000);
    }
    struct rl_run *run = rl_run_create(&rc, s->error, sizeof s->error);
    if (run != NULL) {
        s->created = true;
        rl_run_finish(run);
        s->end = rl_run_end(run);
        rl_run_end_text(run, s->end_text, sizeof s->end_text);
        for (int i = 0;
             i < rl_run_check_count(run) && s->nchecks < GRADE_RUN_CHECKS;
             i++) {
            struct rl_check_result r;
            rl_run_check(run, i, &r);
            snprintf(s->checks[s->nchecks].name, sizeof s->checks[0].name, "%s",
                     r.name);
            snprintf(s->checks[s->nchecks].message, sizeof s->checks[0].message,
                     "%s", r.message != NULL ? r.message : "");
            s->checks[s->nchecks++].ok = r.ok;
        }
        s->steps = rl_run_record_last(run);
        s->preemptions = rl_run_preemptions(run);
        if (be == RL_BACKEND_SIM) {
            size_t len = rl_run_choices(run, NULL, 0) + 1;
            s->choices = rl_xmalloc(len);
            rl_run_choices(run, s->choices, len);
        }
        struct rl_analysis a;
        char err[160];
        if (be == RL_BACKEND_SIM && rl_analyze(run, &a, err, sizeof err) == 0) {
            if (a.nlost > 0)
                rl_lost_text(run, &a.lost[0], s->lost, sizeof s->lost);
            if (a.nraces > 0)
                rl_race_text(run, &a.races[0], s->race, sizeof s->race);
            if (a.nwakeups > 0)
                rl_wakeup_text(run, &a.wakeups[0], NULL, s->wakeup,
                               sizeof s->wakeup);
        }
        const char *out = rl_run_output(run, &s->output_total);
        if (out[0] != '\0') {
            size_t n = strlen(out);
            if (n > GRADE_OUTPUT_KEPT)
                n = GRADE_OUTPUT_KEPT;
            s->output = rl_xmalloc(n + 1);
            memcpy(s->output, out, n);
            s->output[n] = '\0';
        }
        rl_run_destroy(run);
    }
    child_close(&ch);
}

/* The first failed check of s that counts for kind, or -1. */
static int sum_failure(const struct run_sum *s, enum grade_kind kind)
{
    bool (*counts)(void *, const char *) = kind_counts(kind);
    for (int i = 0; i < s->nchecks; i++)
        if (!s->checks[i].ok &&
            (counts == NULL || counts(NULL, s->checks[i].name)))
            return i;
    return -1;
}

/* Whether text starts with prefix. */
static bool starts(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* A child that was lost (core/mirror.c words it: crashed, exited, broke
 * the protocol, stopped answering, used up its CPU time): the outcome
 * and the message for the student. Returns false when msg says none of
 * these (the program could not be run: a grader error). */
static bool lost_outcome(const char *msg, int answer_s, struct grade_check *c)
{
    char first[256];
    snprintf(first, sizeof first, "%.*s", (int)strcspn(msg, "\n"), msg);
    if (starts(first, "crash: ")) {
        c->outcome = GRADE_CRASH;
        snprintf(c->message, sizeof c->message, "the code crashed: %.200s",
                 first + 7);
    } else if (strstr(first, "called exit(") != NULL ||
               starts(first, "the program ended (exit status")) {
        c->outcome = GRADE_EXIT;
        snprintf(c->message, sizeof c->message,
                 "the process ended before the check finished (%.150s): "
                 "does the code call exit()?",
                 first);
    } else if (strstr(first, "broke racelab's protocol") != NULL) {
        c->outcome = GRADE_CORRUPT;
        snprintf(c->message, sizeof c->message,
                 "the check's result was tampered with (bytes written to a "
                 "descriptor the submission does not own?)");
    } else if (starts(first, "incomplete: ")) {
        c->outcome = GRADE_TIMEOUT;
        snprintf(c->message, sizeof c->message,
                 "the check did not finish within %d s: an endless loop "
                 "that makes no racelab call, a sleep or a call that "
                 "blocks?",
                 answer_s);
    } else if (starts(first, "did not finish")) {
        c->outcome = GRADE_TIMEOUT;
        snprintf(c->message, sizeof c->message, "%.*s",
                 (int)strcspn(first, ";"), first);
    } else {
        return false;
    }
    return true;
}

/* Whether the run in s ended the child (or never started): then c says
 * how, with the error rule. */
static bool sum_lost(const struct grade_job *j, const struct run_sum *s,
                     struct grade_check *c)
{
    int answer_s = (int)j->opt->budget_s + 3;
    c->rule = GRADE_RULE_ERROR;
    if (!s->created) {
        if (!lost_outcome(s->error, answer_s, c)) {
            c->outcome = GRADE_INTERNAL;
            snprintf(c->message, sizeof c->message, "%.250s", s->error);
        }
        return true;
    }
    switch (s->end) {
    case RL_END_CRASH:
    case RL_END_EXIT:
    case RL_END_PROTOCOL:
    case RL_END_INCOMPLETE:
        break;
    case RL_END_TIMEOUT: /* sim: a loop with no racelab call */
        if (j->kind == GRADE_STRESS)
            return false; /* os: the wall-clock guard, a failed check */
        break;
    default:
        return false;
    }
    if (!lost_outcome(s->end_text, answer_s, c)) {
        c->outcome = GRADE_INTERNAL;
        snprintf(c->message, sizeof c->message, "%.250s", s->end_text);
    }
    return true;
}

/* Keep s's output for c: cut to a few lines, with how much there was. */
static void take_output(struct grade_check *c, struct run_sum *s)
{
    if (s->output == NULL)
        return;
    size_t kept = strlen(s->output);
    grade_trim(s->output, 12, 1200);
    if (s->output_total > kept) {
        size_t n = strlen(s->output);
        s->output = rl_xrealloc(s->output, n + 64);
        snprintf(s->output + n, 64, "[%zu bytes of output in all]\n",
                 s->output_total);
    }
    free(c->output);
    c->output = s->output;
    s->output = NULL;
}

/* Copy s's failed check f into v (and its choices into *choices). */
static void take_failure(struct grade_verdict *v, struct run_sum *s, int f,
                         char **choices)
{
    v->found = true;
    snprintf(v->check, sizeof v->check, "%s", s->checks[f].name);
    snprintf(v->message, sizeof v->message, "%s", s->checks[f].message);
    snprintf(v->end_text, sizeof v->end_text, "%s", s->end_text);
    v->end = s->end;
    v->preemptions = s->preemptions;
    v->steps = s->steps;
    if (choices != NULL && s->choices != NULL) {
        free(*choices);
        *choices = s->choices;
        s->choices = NULL;
    }
}

/* A lost update on a run whose checks held is a safety failure too (check
 * "no lost update"): a store overwrote another thread's update, a race
 * the scenario's checks happened not to see. */
static bool take_lost_update(struct grade_verdict *v, struct run_sum *s,
                             char **choices)
{
    if (s->lost[0] == '\0')
        return false;
    v->found = true;
    snprintf(v->check, sizeof v->check, "no lost update");
    snprintf(v->message, sizeof v->message, "%.250s", s->lost);
    v->end_text[0] = '\0';
    v->end = s->end;
    v->preemptions = s->preemptions;
    v->steps = s->steps;
    free(*choices);
    *choices = s->choices;
    s->choices = NULL;
    return true;
}

/* ---- the search ---------------------------------------------------------- */

/* The search in a child (proposals only) and the round-robin runs here,
 * for j; fill v and *choices. Returns false when a child was lost (c
 * says how). */
bool grade_job_search(const struct grade_job *j, struct grade_check *c,
                      struct grade_verdict *v, char **choices)
{
    const struct grade_options *o = j->opt;
    bool conc = j->kind == GRADE_SAFETY || j->kind == GRADE_LIVENESS;
    /* The kind the round-robin runs judge: the job's; for a shared
     * exploration the kind of what it found, or every check (GRADE_SINGLE
     * counts them all) while nothing failed. */
    enum grade_kind rr_kind = j->shared ? GRADE_SINGLE : j->kind;
    struct run_sum q1;
    struct rl_sched s = {0};

    memset(v, 0, sizeof *v);
    v->cls = GRADE_CLASS_NONE;
    v->kind = -1;
    *choices = NULL;
    /* Round robin first: the step limit is a multiple of a fair run's
     * length, so that a spinning thread costs little and a legitimate run
     * never hits it; and a child that crashes shows here, cheaply. */
    s.kind = RL_SCHED_RR;
    s.quantum = 1;
    mirror_once(j, RL_BACKEND_SIM, &s, GRADE_MAX_STEPS, 0, &q1);
    if (sum_lost(j, &q1, c)) {
        take_output(c, &q1);
        sum_free(&q1);
        return false;
    }
    take_output(c, &q1);
    uint64_t max_steps = GRADE_MAX_STEPS;
    {
        uint64_t len = q1.steps * GRADE_STEP_FACTOR;
        if (len < max_steps)
            max_steps = len < GRADE_MIN_STEPS ? GRADE_MIN_STEPS : len;
    }
    /* The search, in a child of its own: it proposes, this decides. */
    struct child ch;
    struct rl_explore_config cfg;
    struct rl_explore_result res;
    child_open(j, RL_BACKEND_SIM, &ch);
    memset(&cfg, 0, sizeof cfg);
    memset(&res, 0, sizeof res);
    cfg.program = ex_program(&ch.in);
    cfg.program.external = &ch.ext;
    cfg.max_preemptions = GRADE_MAX_PREEMPTIONS;
    cfg.max_steps = max_steps;
    cfg.seed = o->seed;
    cfg.guard_s = o->budget_s; /* a safety stop only: see below */
    cfg.max_systematic = o->systematic_runs;
    cfg.random_runs = o->random_runs;
    cfg.pct_runs = o->pct_runs;
    cfg.check_counts = j->shared ? NULL : kind_counts(j->kind);
    cfg.caller_replays = true; /* grade_check_run replays it */
    int rc = rl_explore(&cfg, &res);
    child_close(&ch);
    v->max_steps = max_steps;
    if (rc < 0 && res.stop != RL_EXPLORE_NONDETERMINISM) {
        c->rule = GRADE_RULE_ERROR;
        if (!lost_outcome(res.error, (int)o->budget_s + 3, c)) {
            c->outcome = GRADE_INTERNAL;
            snprintf(c->message, sizeof c->message, "%s", res.error);
        }
        rl_explore_result_free(&res);
        sum_free(&q1);
        return false;
    }
    v->runs = res.runs;
    v->finished = res.finished_runs;
    v->systematic = res.systematic_runs;
    v->random = res.random_runs;
    v->pct = res.pct_runs;
    v->exhaustive = res.exhaustive;
    v->every_schedule = res.every_schedule;
    v->bound_complete = res.bound_complete;
    v->stop = res.stop;
    if (res.stop == RL_EXPLORE_NONDETERMINISM)
        snprintf(v->error, sizeof v->error, "%s", res.error);
    if (res.stop == RL_EXPLORE_GUARD) {
        /* The time guard decides nothing: no verdict, an error. */
        rl_explore_result_free(&res);
        sum_free(&q1);
        return true;
    }
    if (res.found) {
        v->found = true;
        snprintf(v->check, sizeof v->check, "%s", res.check);
        snprintf(v->message, sizeof v->message, "%s", res.message);
        snprintf(v->end_text, sizeof v->end_text, "%s", res.end_text);
        v->end = res.end;
        v->preemptions = res.preemptions;
        v->steps = res.steps;
        v->phase = res.phase;
        v->phase_seed = res.phase_seed;
        v->depth = res.phase_depth;
        *choices = res.choices;
        res.choices = NULL;
        if (j->shared) {
            v->kind = (int)kind_of_check(res.check);
            rr_kind = (enum grade_kind)v->kind;
        }
        if (res.phase != RL_EXPLORE_SYSTEMATIC)
            v->cls = GRADE_CLASS_RANDOM;
        else
            v->cls = res.preemptions == 0   ? GRADE_CLASS_SEQUENTIAL
                     : res.preemptions == 1 ? GRADE_CLASS_ONE
                                            : GRADE_CLASS_TWO;
    }
    rl_explore_result_free(&res);
    if (!conc) {
        /* The round-robin run, judged here, backs a pass. */
        int f = sum_failure(&q1, j->kind);
        if (!v->found && f >= 0) {
            take_failure(v, &q1, f, choices);
            v->rr_schedule = true;
            v->cls = GRADE_CLASS_RR;
            v->rr_quantum = 1;
        }
        sum_free(&q1);
        return true;
    }
    if (v->cls == GRADE_CLASS_SEQUENTIAL || v->error[0] != '\0') {
        sum_free(&q1);
        return true;
    }
    /* Round robin: a fair scheduler, the usual way a bug first shows; each
     * run a mirror run judged here. */
    for (int q = 1; q <= GRADE_RR_QUANTA; q++) {
        struct run_sum rr;
        if (q == 1) {
            rr = q1; /* the same run: same scheduler, a limit it kept */
            memset(&q1, 0, sizeof q1);
        } else {
            s.quantum = q;
            mirror_once(j, RL_BACKEND_SIM, &s, max_steps, 4096, &rr);
            if (sum_lost(j, &rr, c)) {
                sum_free(&rr);
                return false;
            }
        }
        v->rr_runs++;
        if (rr.end == RL_END_DONE)
            v->finished++;
        int f = sum_failure(&rr, rr_kind);
        if (q == 1 && !v->found && f < 0 &&
            (j->kind == GRADE_SAFETY || j->shared)) {
            if (take_lost_update(v, &rr, choices)) {
                v->rr_schedule = true;
                v->cls = GRADE_CLASS_RR;
                v->rr_quantum = 1;
                if (j->shared)
                    v->kind = GRADE_SAFETY;
                sum_free(&rr);
                return true;
            }
            /* a data race on a run that passed: a note */
            snprintf(v->analysis, sizeof v->analysis, "%s", rr.race);
        }
        if (f >= 0) {
            if (!v->found) { /* else keep the explorer's, shorter */
                take_failure(v, &rr, f, choices);
                v->rr_schedule = true;
                if (j->shared)
                    v->kind = (int)kind_of_check(v->check);
            }
            v->cls = GRADE_CLASS_RR;
            v->rr_quantum = q;
            sum_free(&rr);
            return true;
        }
        sum_free(&rr);
    }
    return true;
}

/* The os stress run: real threads, the os defaults, one mirror run. */
bool grade_job_stress(const struct grade_job *j, struct grade_check *c,
                      struct grade_verdict *v)
{
    struct run_sum s;
    memset(v, 0, sizeof *v);
    v->cls = GRADE_CLASS_NONE;
    v->kind = -1;
    snprintf(v->params, sizeof v->params, "%s", j->params);
    mirror_once(j, RL_BACKEND_OS, NULL, 0, 0, &s);
    take_output(c, &s);
    if (sum_lost(j, &s, c)) {
        sum_free(&s);
        return false;
    }
    v->runs = 1;
    int f = sum_failure(&s, GRADE_STRESS);
    if (f >= 0)
        take_failure(v, &s, f, NULL);
    sum_free(&s);
    return true;
}

/* What the analysis of s explains for j's kind: a lost wakeup first for
 * liveness (it is why the run deadlocked), else a lost update, a data
 * race, a lost wakeup; "" for none. */
static const char *sum_analysis(const struct grade_job *j,
                                const struct run_sum *s)
{
    if (j->kind == GRADE_LIVENESS && s->wakeup[0] != '\0')
        return s->wakeup;
    if (s->lost[0] != '\0')
        return s->lost;
    return s->race[0] != '\0' ? s->race : s->wakeup;
}

/* Replay choices strictly as a mirror run in a fresh child: what failed
 * for j's kind (into r), judged here. Returns false when the child was
 * lost (tmp says how). */
bool grade_job_replay(const struct grade_job *j, const char *choices,
                      uint64_t max_steps, struct grade_check *tmp,
                      struct grade_verdict *r)
{
    struct run_sum s;
    struct rl_sched sched = {0};
    char *rchoices = NULL;
    memset(r, 0, sizeof *r);
    sched.kind = RL_SCHED_REPLAY;
    sched.choices = choices;
    mirror_once(j, RL_BACKEND_SIM, &sched, max_steps, 0, &s);
    take_output(tmp, &s);
    if (sum_lost(j, &s, tmp)) {
        sum_free(&s);
        return false;
    }
    r->runs = 1;
    int f = sum_failure(&s, j->kind);
    if (f >= 0)
        take_failure(r, &s, f, &rchoices);
    else if (j->kind == GRADE_SAFETY)
        take_lost_update(r, &s, &rchoices);
    snprintf(r->analysis, sizeof r->analysis, "%s", sum_analysis(j, &s));
    r->end = s.end;
    free(rchoices);
    sum_free(&s);
    return true;
}
