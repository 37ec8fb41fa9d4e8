/* SPDX-License-Identifier: MIT */
/*
 * session_find.c - finding where a sim run goes wrong, for the session
 * (session.h): the jump keys (f, ], [) make the run to its end, analyse it
 * (core/analysis.h) and show it up to a mark - a lost update, the second
 * access of a data race, the wait of a lost wakeup, a blocked call, a
 * misuse or a failed check; x
 * searches the lab's schedules for one that fails (core/explore.h) in
 * slices that the clock polls, and opens what it finds as a replay at its
 * failure. Owns no state but the search's (struct session_explore).
 */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/analysis.h"
#include "../../core/explore.h"
#include "../../core/mem.h"
#include "../../labs/program_lab.h"
#include "session_impl.h"

/* Lost wakeup w of run in words, with the notify's source line (lab: a
 * plain C program's). */
static void jump_wakeup_text(const struct lab *lab, const struct rl_run *run,
                             const struct rl_lost_wakeup *w, char *what,
                             size_t len)
{
    const struct rl_record *n = rl_run_record(run, w->notify_seq);
    char where[96], src[8];

    if (n == NULL || program_lab_where(lab, n->pc, where, sizeof where, src,
                                       sizeof src) != 0)
        where[0] = '\0';
    rl_wakeup_text(run, w, where, what, len);
}

/* Whether record r of run (of lab) is a mark the jump keys stop at: a lost
 * update, the second access of a data race, the wait of a lost wakeup, a
 * blocked call, an error or a failed check. Writes what it is into
 * what. */
static bool jump_mark(const struct lab *lab, const struct rl_run *run,
                      const struct rl_analysis *an, const struct rl_record *r,
                      char *what, size_t len)
{
    for (int i = 0; i < an->nlost && i < RL_ANALYSIS_MAX; i++)
        if (an->lost[i].store_seq == r->seq) {
            rl_lost_text(run, &an->lost[i], what, len);
            return true;
        }
    for (int i = 0; i < an->nraces && i < RL_ANALYSIS_MAX; i++)
        if (an->races[i].second_seq == r->seq) {
            rl_race_text(run, &an->races[i], what, len);
            return true;
        }
    for (int i = 0; i < an->nwakeups && i < RL_ANALYSIS_MAX; i++)
        if (an->wakeups[i].wait_seq == r->seq) {
            jump_wakeup_text(lab, run, &an->wakeups[i], what, len);
            return true;
        }
    if (r->result == RL_RES_BLOCKED || r->result == RL_RES_ERROR ||
        r->op == RL_OP_FAIL) {
        struct rl_thread_view tv;
        char text[200];

        rl_run_thread(run, r->thread, &tv);
        rl_record_text(run, r, text, sizeof text);
        snprintf(what, len, "%s: %s", tv.name, text);
        return true;
    }
    return false;
}

/* The record the failure shows at: a failed check or a misuse where it
 * happened; else, in a run that failed, its first lost update, its first
 * race, the wait of its first lost wakeup, or its last step (a deadlock,
 * a wrong final value). 0: the run passed. */
static uint64_t jump_failure(const struct lab *lab, const struct rl_run *run,
                             const struct rl_analysis *an, char *what,
                             size_t len)
{
    uint64_t last = rl_run_record_last(run);

    for (uint64_t q = rl_run_record_first(run); q && q <= last; q++) {
        const struct rl_record *r = rl_run_record(run, q);

        if (r && (r->op == RL_OP_FAIL || r->result == RL_RES_ERROR)) {
            jump_mark(lab, run, an, r, what, len);
            return q;
        }
    }
    if (rl_run_passed(run))
        return 0;
    if (an->nlost > 0) {
        rl_lost_text(run, &an->lost[0], what, len);
        return an->lost[0].store_seq;
    }
    if (an->nraces > 0) {
        rl_race_text(run, &an->races[0], what, len);
        return an->races[0].second_seq;
    }
    if (an->nwakeups > 0) {
        jump_wakeup_text(lab, run, &an->wakeups[0], what, len);
        return an->wakeups[0].wait_seq;
    }
    snprintf(what, len, "the run ends here: %s", rl_end_name(rl_run_end(run)));
    return last;
}

/* sim: jump to a mark; see session.h. */
int session_jump(struct session *s, enum session_jump_kind kind, char *msg,
                 size_t msglen)
{
    uint64_t from = session_shown(s), target = 0;
    struct rl_analysis an;
    char what[400], err[256];

    if (!s->run || rl_run_backend(s->run) != RL_BACKEND_SIM) {
        snprintf(msg, msglen, "jumping needs the sim backend (b switches)");
        return -1;
    }
    /* the marks ahead are known once the run is made to its end */
    if (kind != SESSION_JUMP_PREV) {
        s->upto = 0;
        while (session_step_engine(s) == RL_END_RUNNING)
            ;
    }
    memset(&an, 0, sizeof an);
    if (rl_analyze(s->run, &an, err, sizeof err) != 0) {
        snprintf(msg, msglen, "%s", err);
        session_goto(s, from, err, sizeof err);
        return -1;
    }
    what[0] = '\0';
    if (kind == SESSION_JUMP_FAILURE) {
        target = jump_failure(s->lab, s->run, &an, what, sizeof what);
    } else {
        uint64_t last = kind == SESSION_JUMP_NEXT ? rl_run_record_last(s->run)
                                                  : from - (from > 0);

        for (uint64_t q = kind == SESSION_JUMP_NEXT ? from + 1 : 1;
             q && q <= last; q++) {
            const struct rl_record *r = rl_run_record(s->run, q);

            if (r && jump_mark(s->lab, s->run, &an, r, what, sizeof what)) {
                target = q;
                if (kind == SESSION_JUMP_NEXT)
                    break;
            }
        }
        if (target && kind == SESSION_JUMP_PREV)
            jump_mark(s->lab, s->run, &an, rl_run_record(s->run, target), what,
                      sizeof what);
    }
    if (!target) {
        session_goto(s, from, err, sizeof err);
        if (kind == SESSION_JUMP_FAILURE)
            snprintf(msg, msglen, "no failure: every check holds in this run");
        else
            snprintf(msg, msglen,
                     "no lost update, race, block or failure %s step %llu",
                     kind == SESSION_JUMP_NEXT ? "after" : "before",
                     (unsigned long long)from);
        return 0;
    }
    if (session_goto(s, target, err, sizeof err) != 0) {
        snprintf(msg, msglen, "%s", err);
        return -1;
    }
    snprintf(msg, msglen, "step %llu: %s", (unsigned long long)target, what);
    return 1;
}

/* Search for a failing schedule; see session.h. */
int session_explore(struct session *s, uint64_t max_schedules, char *msg,
                    size_t msglen)
{
    int rc;

    if (session_explore_start(s, max_schedules, msg, msglen) != 0)
        return -1;
    while ((rc = session_explore_poll(s, msg, msglen)) == 2)
        ;
    return rc;
}

/* The first slice's schedules: small, so the screen answers at once. */
#define EXPLORE_FIRST_SLICE 256

/* Begin a sliced search; see session.h. */
int session_explore_start(struct session *s, uint64_t max_schedules,
                          char *msg, size_t msglen)
{
    if (s->inst.backend != RL_BACKEND_SIM) {
        snprintf(msg, msglen, "exploring needs the sim backend (b)");
        return -1;
    }
    memset(&s->ex, 0, sizeof s->ex);
    s->ex.active = true;
    s->ex.max = max_schedules > 0 ? max_schedules : 1;
    s->ex.cap = s->ex.max < EXPLORE_FIRST_SLICE ? s->ex.max
                                                : EXPLORE_FIRST_SLICE;
    s->ex.bound = -1;
    snprintf(msg, msglen,
             "exploring [....................] 0 of %llu schedules",
             (unsigned long long)s->ex.max);
    return 0;
}

/* Give up the search. */
void session_explore_stop(struct session *s)
{
    s->ex.active = false;
}

/* One slice of the search; see session.h. Each slice searches again from
 * the start with four times the schedules: the search is deterministic,
 * so the last slice finds what one search of max schedules would. */
int session_explore_poll(struct session *s, char *msg, size_t msglen)
{
    struct rl_explore_config cfg;
    struct rl_explore_result res;
    struct lab_inst *inst;
    char err[256];
    int rc;

    if (!s->ex.active) {
        snprintf(msg, msglen, "not exploring");
        return -1;
    }
    inst = session_inst_copy(&s->inst);
    memset(&cfg, 0, sizeof cfg);
    memset(&res, 0, sizeof res);
    cfg.program = lab_program(inst);
    cfg.max_preemptions = RL_EXPLORE_DEFAULT_PREEMPTIONS;
    cfg.seed = 1;
    cfg.max_runs = s->ex.cap;
    if (rl_explore(&cfg, &res) != 0) {
        snprintf(msg, msglen, "exploring failed: %s", res.error);
        rl_explore_result_free(&res);
        free(inst);
        s->ex.active = false;
        return -1;
    }
    free(inst);
    s->ex.runs = res.runs;
    s->ex.bound = res.bound_complete;
    if (!res.found && res.stop == RL_EXPLORE_RUN_CAP && s->ex.cap < s->ex.max) {
        char bar[21];
        int fill = (int)(20 * s->ex.cap / s->ex.max);

        s->ex.cap = s->ex.cap * 4 < s->ex.max ? s->ex.cap * 4 : s->ex.max;
        for (int i = 0; i < 20; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[20] = '\0';
        snprintf(msg, msglen, "exploring [%s] %llu of %llu schedules", bar,
                 (unsigned long long)res.runs, (unsigned long long)s->ex.max);
        rl_explore_result_free(&res);
        return 2;
    }
    s->ex.active = false;
    if (!res.found) {
        if (res.exhaustive)
            snprintf(msg, msglen,
                     "all %llu schedule%s with up to %d preemption%s: no "
                     "failure",
                     (unsigned long long)res.runs, res.runs == 1 ? "" : "s",
                     res.bound, res.bound == 1 ? "" : "s");
        else
            snprintf(msg, msglen,
                     "no failing schedule in %llu schedules (bound %d not "
                     "complete)",
                     (unsigned long long)res.runs, res.bound);
        rl_explore_result_free(&res);
        return 0;
    }
    free(s->replay);
    s->replay = rl_xmalloc(strlen(res.choices) + 1);
    strcpy(s->replay, res.choices);
    s->max_steps = res.max_steps;
    rc = session_restart(s, err, sizeof err);
    /* Open the counterexample at its failure, not at step 0: Left steps
     * back through what led there. */
    if (rc == 0 && session_jump(s, SESSION_JUMP_FAILURE, err, sizeof err) < 0)
        rc = -1;
    if (rc != 0)
        snprintf(msg, msglen, "%s", err);
    else
        snprintf(msg, msglen,
                 "found after %llu schedule%s (%d preemption%s): fails "
                 "'%s'; opened at step %llu, Left steps back",
                 (unsigned long long)res.runs, res.runs == 1 ? "" : "s",
                 res.preemptions, res.preemptions == 1 ? "" : "s", res.check,
                 (unsigned long long)session_shown(s));
    rl_explore_result_free(&res);
    return rc == 0 ? 1 : -1;
}
