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
 *
 * The children and their runs (steps 1 to 4) are grade_job.c's; this file
 * drives them: it makes the job of a check, lets a scenario's safety and
 * liveness checks share one exploration (struct grade_share), and turns
 * the verdict and its replay into the check's outcome, points, rule and
 * words.
 */
#include "grade_check.h"
#include "../../core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/explore.h"
#include "../../core/schedule.h"
#include "../../labs/exercise_labs.h"

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
static void summary_passed(struct grade_check *c, const struct grade_verdict *w)
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
static void summary_failed(struct grade_check *c, const struct grade_verdict *w)
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
                      enum grade_kind kind, const struct grade_verdict *w,
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
                       struct grade_verdict *w, char **choices)
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
static bool explore_shared(struct grade_job *j, struct grade_check *c,
                           struct grade_share *share, struct grade_verdict *w,
                           char **choices)
{
    bool conc = c->kind == GRADE_SAFETY || c->kind == GRADE_LIVENESS;
    if (!conc || share == NULL)
        return grade_job_search(j, c, w, choices);
    if (share_take(share, c, w, choices)) {
        if (c->kind != GRADE_SAFETY)
            w->analysis[0] = '\0'; /* the race note is safety's */
        return true;
    }
    int slot = -1;
    for (int i = 0; i < GRADE_SHARE_MAX; i++) {
        if (share->explored[i] == c->sc)
            return grade_job_search(j, c, w, choices); /* ran: search alone */
        if (share->explored[i] == NULL && slot < 0)
            slot = i;
    }
    if (slot < 0)
        return grade_job_search(j, c, w, choices);
    share->explored[slot] = c->sc;
    j->shared = true;
    bool ok = grade_job_search(j, c, w, choices);
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
    return grade_job_search(j, c, w, choices);
}

/* Explore in a child (or run on os), replay a failure in another, and
 * score from the mirror runs judged here. */
void grade_check_run(const struct grade_options *o, const char *exe,
                     struct grade_check *c, struct grade_share *share)
{
    struct grade_job j;
    struct grade_verdict w;
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
        if (!grade_job_stress(&j, c, &w))
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
        /* How many schedules ran depends on the clock: not in the report,
         * which the same seed makes the same. */
        c->outcome = GRADE_TIMEOUT;
        snprintf(c->message, sizeof c->message,
                 "stopped by the time guard (--budget %g s) before its "
                 "schedule budget was spent: no verdict. Slow schedules: "
                 "slow code (a system call, sleep or long loop in it) or a "
                 "loaded machine (raise --budget)",
                 o->budget_s);
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
    struct grade_verdict r;
    struct grade_check tmp;
    memset(&tmp, 0, sizeof tmp);
    if (!grade_job_replay(&j, choices != NULL ? choices : "-", w.max_steps,
                          &tmp, &r) ||
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
