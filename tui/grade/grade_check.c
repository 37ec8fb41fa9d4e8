/* SPDX-License-Identifier: MIT */
/*
 * grade_check.c - one check of the grader. The student's code runs only
 * in children started from the exercise's executable (core/program.h,
 * built once per exercise by grade.c), through the one mechanism racelab
 * has for code built apart: a MIRROR run (core/mirror.c, core/child.h).
 *
 * A check, all of it decided here in the grader:
 *   1. a round-robin run (quantum 1) as a mirror run: its length sets the
 *      step limit, and its checks, judged here, must hold;
 *   2. the search in a child of its own (rl_explore of the external
 *      program: EXPLORE, the child asking which failed checks count with
 *      QUERY, answered here), which only proposes: a failing schedule or
 *      that it found none;
 *   3. for safety and liveness, round robin with quanta 1..4 as mirror
 *      runs, judged here, and the lost-update analysis (core/analysis.c)
 *      of the first on its records;
 *   4. every failure that is scored replayed once more as a mirror run in
 *      a fresh child: the check's outcome is that run's checks
 *      (rl_run_check), and a schedule that does not fail the same way
 *      again is nondeterminism.
 * Each child runs under the grader's sandbox (struct rl_spawn: its own
 * session, a private directory, limits, the unprivileged user when the
 * grader is root); what it leaves running is killed when it ends.
 */
#include "grade_check.h"
#include "../../core/mem.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/analysis.h"
#include "../../core/explore.h"
#include "../../core/schedule.h"
#include "../../labs/exercise_labs.h"
#include "grade_child.h"
#include "grade_compile.h"

#define GRADE_RR_QUANTA 4
#define GRADE_OUTPUT_KEPT 8192 /* bytes of a child's output kept */
#define GRADE_RUN_CHECKS 32    /* checks of a run kept in a summary */

/* What a check found, put together here from the children's runs. */
struct verdict {
    bool found; /* a counterexample (or a failed os run) */
    enum grade_class cls;
    enum rl_end end; /* of the failing run */
    int preemptions;
    int phase, depth; /* how it was found */
    int rr_quantum;   /* > 0: round robin with it fails too */
    bool rr_schedule; /* the schedule is the round-robin run's */
    bool exhaustive, every_schedule;
    int bound_complete, stop;
    int kind; /* shared exploration: the kind (enum grade_kind) whose
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
};

/* One check's children: what they run and how. */
struct job {
    const struct grade_options *opt;
    const char *exe; /* the exercise's executable */
    const struct ex_scenario *sc;
    enum grade_kind kind;
    bool shared;      /* one exploration for safety and liveness: every failed
                         check counts, and v->kind says whose */
    char lab[96];     /* "counter", "counter.three-threads" */
    char params[256]; /* "threads=2,iters=3" */
};

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
static void job_inst(const struct job *j, enum rl_backend be,
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
static void child_open(const struct job *j, enum rl_backend be,
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
    ch->sp.max_processes = ch->sp.drop_user ? 256 : 0;
    ch->sp.no_new_privs = true;
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
static void mirror_once(const struct job *j, enum rl_backend be,
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
                 "that makes no racelab call?",
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
static bool sum_lost(const struct job *j, const struct run_sum *s,
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
static void take_failure(struct verdict *v, struct run_sum *s, int f,
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
static bool take_lost_update(struct verdict *v, struct run_sum *s,
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
static bool job_search(const struct job *j, struct grade_check *c,
                       struct verdict *v, char **choices)
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
    cfg.caller_replays = true; /* job_check replays it in a fresh child */
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
static bool job_stress(const struct job *j, struct grade_check *c,
                       struct verdict *v)
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

/* Replay choices strictly as a mirror run in a fresh child: what failed
 * for j's kind (into r), judged here. Returns false when the child was
 * lost (tmp says how). */
static bool job_replay(const struct job *j, const char *choices,
                       uint64_t max_steps, struct grade_check *tmp,
                       struct verdict *r)
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
    snprintf(r->analysis, sizeof r->analysis, "%s",
             s.lost[0] != '\0' ? s.lost : s.race);
    r->end = s.end;
    free(rchoices);
    sum_free(&s);
    return true;
}

/* ---- in the parent ------------------------------------------------------ */

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
static void summary_passed(struct grade_check *c, const struct verdict *w)
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
static void summary_failed(struct grade_check *c, const struct verdict *w)
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
                      enum grade_kind kind, const struct verdict *w,
                      const char *choices, const char *output)
{
    for (int i = 0; i < GRADE_SHARE_MAX; i++) {
        struct grade_share_entry *e = &share->e[i];
        if (e->sc != NULL)
            continue;
        e->sc = sc;
        e->kind = kind;
        e->verdict = rl_xmalloc(sizeof *w);
        memcpy(e->verdict, w, sizeof *w);
        e->choices = choices != NULL ? rl_xstrdup(choices) : NULL;
        e->output = output != NULL ? rl_xstrdup(output) : NULL;
        return;
    }
    /* Full: the other check explores on its own (correct, just slower). */
}

/* Take the exploration kept for c, if any: into w, *choices and
 * c->output. */
static bool share_take(struct grade_share *share, struct grade_check *c,
                       struct verdict *w, char **choices)
{
    for (int i = 0; i < GRADE_SHARE_MAX; i++) {
        struct grade_share_entry *e = &share->e[i];
        if (e->sc != c->sc || e->kind != c->kind)
            continue;
        memcpy(w, e->verdict, sizeof *w);
        *choices = e->choices;
        free(c->output);
        c->output = e->output;
        free(e->verdict);
        memset(e, 0, sizeof *e);
        return true;
    }
    return false;
}

/* Free what share keeps. */
void grade_share_clear(struct grade_share *share)
{
    for (int i = 0; i < GRADE_SHARE_MAX; i++) {
        free(share->e[i].verdict);
        free(share->e[i].choices);
        free(share->e[i].output);
    }
    memset(share, 0, sizeof *share);
}

/* The result of c's exploration: kept in share by the other check of its
 * scenario, or one exploration for both (keeping the other's answer), or
 * c's own. Returns false when a child was lost (c says how). */
static bool explore_shared(struct job *j, struct grade_check *c,
                           struct grade_share *share, struct verdict *w,
                           char **choices)
{
    bool conc = c->kind == GRADE_SAFETY || c->kind == GRADE_LIVENESS;
    if (!conc || share == NULL)
        return job_search(j, c, w, choices);
    if (share_take(share, c, w, choices)) {
        if (c->kind != GRADE_SAFETY)
            w->analysis[0] = '\0'; /* the race note is safety's */
        return true;
    }
    int slot = -1;
    for (int i = 0; i < GRADE_SHARE_MAX; i++) {
        if (share->explored[i] == c->sc)
            return job_search(j, c, w, choices); /* ran: search alone */
        if (share->explored[i] == NULL && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return job_search(j, c, w, choices);
    share->explored[slot] = c->sc;
    j->shared = true;
    bool ok = job_search(j, c, w, choices);
    j->shared = false;
    if (!ok || w->stop == RL_EXPLORE_NONDETERMINISM ||
        (!w->found && w->error[0] != '\0'))
        return ok; /* c's own answer; the other check runs its own */
    enum grade_kind other =
        c->kind == GRADE_SAFETY ? GRADE_LIVENESS : GRADE_SAFETY;
    if (w->kind < 0) { /* nothing failed: the same answer for both */
        share_put(share, c->sc, other, w, NULL, c->output);
        return true;
    }
    if (w->kind == (int)c->kind) {
        if (c->kind != GRADE_SAFETY)
            w->analysis[0] = '\0'; /* the race note is safety's */
        return true; /* c's failure, as its own search finds it first */
    }
    /* The other check's failure: keep it, and search for c's own. */
    share_put(share, c->sc, other, w, *choices, c->output);
    free(*choices);
    *choices = NULL;
    return job_search(j, c, w, choices);
}

/* Explore in a child (or run on os), replay a failure in another, and
 * score from the mirror runs judged here. */
void grade_check_run(const struct grade_options *o, const char *exe,
                     struct grade_check *c, struct grade_share *share)
{
    struct job j;
    struct verdict w;
    char *choices = NULL;

    memset(&j, 0, sizeof j);
    j.opt = o;
    j.exe = exe;
    j.sc = c->sc;
    j.kind = c->kind;
    {
        const struct ex_exercise *ex = ex_exercise_find(c->exercise);
        struct ex_inst in;
        ex_lab_name(c->exercise, c->sc->name,
                    ex != NULL && ex->scenarios[0] == c->sc, j.lab,
                    sizeof j.lab);
        /* Every parameter said: the sim's, or the os defaults. */
        ex_inst_init(&in, c->sc, NULL,
                     c->kind == GRADE_STRESS ? RL_BACKEND_OS : RL_BACKEND_SIM);
        size_t n = 0;
        for (int i = 0; i < c->sc->nparams && n < sizeof j.params; i++)
            n += (size_t)snprintf(j.params + n, sizeof j.params - n, "%s%s=%ld",
                                  i ? "," : "", c->sc->params[i].key,
                                  in.params[i]);
    }
    c->rule = GRADE_RULE_ERROR; /* until the runs say more */
    if (c->kind == GRADE_STRESS) {
        if (!job_stress(&j, c, &w))
            return;
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
    if (!explore_shared(&j, c, share, &w, &choices))
        return; /* crash, timeout, exit, corrupt: c says which */
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
    c->cls = w.cls;
    c->preemptions = w.preemptions;
    if (choices != NULL) {
        set_schedule(c, choices);
        if (w.end == RL_END_STEP_LIMIT)
            c->replay_max_steps = w.max_steps;
    }
    summary_failed(c, &w);
    /* Replay once more, in a fresh child, before deducting: the outcome is
     * that mirror run's, judged here. */
    struct verdict r;
    struct grade_check tmp;
    memset(&tmp, 0, sizeof tmp);
    if (!job_replay(&j, choices != NULL ? choices : "-", w.max_steps, &tmp,
                    &r) ||
        !r.found || strcmp(r.check, w.check) != 0 || r.end != w.end) {
        char again[400];
        if (tmp.outcome != GRADE_PASS)
            snprintf(again, sizeof again, "%s: %.300s",
                     grade_outcome_name(tmp.outcome), tmp.message);
        else if (!r.found)
            snprintf(again, sizeof again, "every check held");
        else
            snprintf(again, sizeof again, "'%s' failed: %.300s", r.check,
                     r.message);
        snprintf(c->check, sizeof c->check, "%s", w.check);
        snprintf(c->message, sizeof c->message, "%s", w.message);
        snprintf(c->detail, sizeof c->detail, "%s", w.end_text);
        snprintf(c->expected, sizeof c->expected,
                 "'%s' holds under every schedule", w.check);
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
        snprintf(c->check, sizeof c->check, "%s", r.check);
        snprintf(c->message, sizeof c->message, "%s", r.message);
        snprintf(c->detail, sizeof c->detail, "%s", r.end_text);
        snprintf(c->expected, sizeof c->expected,
                 "'%s' holds under every schedule", r.check);
        c->outcome = outcome_of(r.check);
        c->rule = partial ? GRADE_RULE_PARTIAL : GRADE_RULE_ALL_OR_NOTHING;
        c->points = partial ? grade_class_points(c->max_points, c->cls) : 0;
        if (r.analysis[0] != '\0' && strcmp(c->check, "no lost update") != 0) {
            size_t n = strlen(c->detail);
            snprintf(c->detail + n, sizeof c->detail - n, "%s%.320s",
                     n > 0 && c->detail[n - 1] != '\n' ? "\n" : "", r.analysis);
        }
    }
    free(tmp.output);
    free(choices);
}
