/* SPDX-License-Identifier: MIT */
/*
 * session.c - the run on screen and everything the keys do to it (see
 * session.h for stepping back and for who owns what).
 */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../core/analysis.h"
#include "../../core/explore.h"
#include "../../core/schedule.h"
#include "../../core/mem.h"
#include "../../labs/program_lab.h"

/* Records a sim run keeps for the screen and the saved trace. */
#define SESSION_SIM_RECORDS 200000
/* Records an os live run keeps: the screen shows only the newest. */
#define SESSION_OS_RECORDS 4096
/* os runs started from the TUI give up after this long, unless the
 * session says otherwise (racelab tui --timeout). */
#define SESSION_OS_TIMEOUT_MS 30000
/* Time one session_poll may spend on a repeat. */
#define SESSION_REPEAT_BUDGET_NS 15000000L

/* Runs made by every session so far: a run's number, which a cache can
 * trust where a pointer could be reused. Private to the UI thread. */
static uint64_t session_runs_made;

/* Monotonic time in ns. */
static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A heap copy of an instance, for one run. */
static struct lab_inst *inst_copy(const struct lab_inst *inst)
{
    struct lab_inst *c = rl_xmalloc(sizeof *c);

    *c = *inst;
    c->state = NULL;
    return c;
}

/* Create a run of inst (which it uses as its ctx) with sched. */
static struct rl_run *make_run(const struct session *s, struct lab_inst *inst,
                               const struct rl_sched *sched, bool live,
                               char *err, size_t errlen)
{
    struct rl_run_config cfg;

    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(inst);
    cfg.backend = inst->backend;
    cfg.sched = *sched;
    cfg.max_steps = s->max_steps;
    cfg.max_records = inst->backend == RL_BACKEND_OS ? SESSION_OS_RECORDS
                                                     : SESSION_SIM_RECORDS;
    cfg.record = live;
    cfg.timeout_ms = s->os_timeout_ms > 0 ? s->os_timeout_ms
                                          : SESSION_OS_TIMEOUT_MS;
    cfg.ctx_free = free; /* the run owns its instance copy */
    return rl_run_create(&cfg, err, errlen);
}

/* The scheduler new runs start with: the replay, or the user's. */
static struct rl_sched start_sched(const struct session *s)
{
    struct rl_sched sc = s->sched;

    if (s->replay) {
        memset(&sc, 0, sizeof sc);
        sc.kind = RL_SCHED_REPLAY;
        sc.choices = s->replay;
        sc.replay_continue = false;
    }
    return sc;
}

/* Destroy a run that is no longer shown, and its instance copy. An os run
 * still going is stopped: its threads exit at their next call or are
 * cancelled in their waits, and a run whose threads cannot be stopped at
 * once is freed by the engine when they have gone (rl_run_destroy), with
 * its instance, which they may still read. Letting it run on instead
 * would keep its threads spinning and its memory until its timeout. */
static void retire(struct rl_run *run, struct lab_inst *inst)
{
    if (run)
        rl_run_destroy(run); /* frees inst too (ctx_free) */
    else
        free(inst);
}

/* Set up a session; see session.h. */
void session_init(struct session *s, const struct lab_inst *inst,
                  const struct rl_sched *sched, const char *replay)
{
    memset(s, 0, sizeof *s);
    s->lab = inst->lab;
    s->inst = *inst;
    s->inst.state = NULL;
    s->sched = *sched;
    if (s->sched.kind == RL_SCHED_RR && s->sched.quantum < 1)
        s->sched.quantum = 1;
    if (replay) {
        s->replay = rl_xmalloc(strlen(replay) + 1);
        strcpy(s->replay, replay);
    }
    s->last_thread = -1;
    s->pure = true;
}

/* Free the runs; see session.h. */
void session_fini(struct session *s)
{
    session_repeat_stop(s);
    retire(s->run, s->run_inst);
    s->run = NULL;
    s->run_inst = NULL;
    free(s->replay);
    s->replay = NULL;
}

/* Install a new run (replacing the old one). */
static void set_run(struct session *s, struct rl_run *run,
                    struct lab_inst *inst)
{
    retire(s->run, s->run_inst);
    s->run = run;
    s->run_inst = inst;
    s->gen = ++session_runs_made;
    s->step_seq = 0;
    s->last_thread = -1;
    s->step_first = 0;
    s->upto = 0;
    s->started = false;
    s->handback_at = 0;
}

/* Replace the run with a fresh one; see session.h. */
int session_restart(struct session *s, char *err, size_t errlen)
{
    struct lab_inst *inst = inst_copy(&s->inst);
    struct rl_sched sc = start_sched(s);
    struct rl_run *run =
        make_run(s, inst, &sc, s->inst.backend == RL_BACKEND_OS, err, errlen);

    if (!run) {
        free(inst);
        return -1;
    }
    set_run(s, run, inst);
    s->pure = true;
    return 0;
}

/* After a replayed step back: once the old choices are used, the user's
 * scheduler decides again. */
static void maybe_handback(struct session *s)
{
    char err[160];

    if (s->handback_at && rl_run_choice_count(s->run) >= s->handback_at) {
        s->handback_at = 0;
        /* the scheduler was accepted when the first run was made; should
         * it not be now, the replay goes on round robin */
        (void)rl_run_set_sched(s->run, &s->sched, err, sizeof err);
    }
}

/* Whether record seq of run changes no object: a finish, a failed check
 * (such records may be held back and shown one by one). */
static bool record_holdable(const struct rl_run *run, uint64_t seq)
{
    const struct rl_record *r = rl_run_record(run, seq);

    return r && (r->op == RL_OP_FINISH || r->op == RL_OP_FAIL);
}

/* Highlight record seq (0: none) as the one just shown. */
static void show_record(struct session *s, uint64_t seq)
{
    const struct rl_record *r = seq ? rl_run_record(s->run, seq) : NULL;

    s->step_seq = r ? seq : 0;
    s->last_thread = r ? r->thread : -1;
}

/* After an engine step that made the records after last_before: show its
 * first record only when the others can be held back; else all of it. */
static void note_step(struct session *s, uint64_t last_before)
{
    uint64_t last = rl_run_record_last(s->run);
    bool hold = last > last_before + 1;

    if (last <= last_before)
        return;
    s->step_first = last_before + 1;
    for (uint64_t q = last_before + 2; hold && q <= last; q++)
        hold = record_holdable(s->run, q);
    s->upto = hold ? last_before + 1 : 0;
    show_record(s, hold ? last_before + 1 : last);
}

/* Show one more record of the last engine step. Returns false when none
 * was held back. */
static bool reveal_next(struct session *s)
{
    if (!s->upto)
        return false;
    s->upto++;
    show_record(s, s->upto);
    if (s->upto >= rl_run_record_last(s->run))
        s->upto = 0;
    return true;
}

/* Hide the last record shown, if it is not the first of its engine step.
 * Returns false when the step has to be undone instead. */
static bool hide_last(struct session *s)
{
    uint64_t shown = session_shown(s);

    if (!s->run || shown <= s->step_first || s->step_first == 0 ||
        !record_holdable(s->run, shown))
        return false;
    s->upto = shown - 1;
    show_record(s, s->upto);
    return true;
}

/* One engine step by the scheduler (no records held back). */
static enum rl_end step_engine(struct session *s)
{
    uint64_t before;
    enum rl_end e;

    maybe_handback(s);
    before = rl_run_record_last(s->run);
    e = rl_run_step(s->run);
    if (rl_run_record_last(s->run) > before)
        s->step_first = before + 1;
    return e;
}

/* Whether the run on screen can be stepped (sim, not ended). */
static bool steppable(const struct session *s)
{
    return s->run && rl_run_backend(s->run) == RL_BACKEND_SIM &&
           session_end(s) == RL_END_RUNNING;
}

/* sim: one step by the scheduler: the next record held back, or an engine
 * step. */
enum rl_end session_step(struct session *s)
{
    uint64_t before;

    if (!steppable(s))
        return session_end(s);
    if (reveal_next(s))
        return session_end(s);
    before = rl_run_record_last(s->run);
    step_engine(s);
    note_step(s, before);
    return session_end(s);
}

/* sim: one step of thread tid. */
int session_pick(struct session *s, int tid, char *err, size_t errlen)
{
    uint64_t before, choices;

    if (!s->run) {
        snprintf(err, errlen, "no run");
        return -1;
    }
    if (rl_run_backend(s->run) != RL_BACKEND_SIM) {
        snprintf(err, errlen,
                 "real threads cannot be picked: b switches to sim");
        return -1;
    }
    if (tid >= rl_run_thread_count(s->run)) {
        snprintf(err, errlen, "there is no thread T%d (T0..T%d)", tid,
                 rl_run_thread_count(s->run) - 1);
        return -1;
    }
    if (s->upto) {
        /* the rest of tid's own step comes first; another thread runs
         * only after the whole step is shown */
        if (s->last_thread == tid) {
            reveal_next(s);
            return 0;
        }
        s->upto = 0;
    }
    maybe_handback(s);
    before = rl_run_record_last(s->run);
    choices = rl_run_choice_count(s->run);
    if (rl_run_step_thread(s->run, tid, err, errlen) != 0) {
        show_record(s, session_shown(s));
        return -1;
    }
    if (rl_run_choice_count(s->run) > choices) {
        s->pure = false;
        if (s->replay) {
            /* the user took over from the schedule string */
            free(s->replay);
            s->replay = NULL;
            memset(&s->sched, 0, sizeof s->sched);
            s->sched.kind = RL_SCHED_MANUAL;
            s->sched.quantum = 1;
        }
    }
    note_step(s, before);
    return 0;
}

/* The choices of run as a heap string. */
static char *run_choices(const struct rl_run *run)
{
    char small[8];
    size_t n = rl_run_choices(run, small, sizeof small);
    char *buf = rl_xmalloc(n + 1);

    rl_run_choices(run, buf, n + 1);
    return buf;
}

/* Make the run again from its start, set to redo the same choices
 * (session.h, "Stepping back"). Returns 0 or -1 with a message. */
static int recreate(struct session *s, char *err, size_t errlen)
{
    uint64_t n = 0;
    struct rl_sched sc;
    struct lab_inst *inst;
    struct rl_run *run;
    char *choices = NULL;

    if (s->pure) {
        sc = start_sched(s);
    } else {
        choices = run_choices(s->run);
        n = rl_run_choice_count(s->run);
        memset(&sc, 0, sizeof sc);
        sc.kind = RL_SCHED_REPLAY;
        sc.choices = choices;
        sc.replay_continue = true;
    }
    inst = inst_copy(&s->inst);
    run = make_run(s, inst, &sc, false, err, errlen);
    free(choices);
    if (!run) {
        free(inst);
        return -1;
    }
    set_run(s, run, inst);
    s->handback_at = n;
    return 0;
}

/* sim: go back one step; see session.h. */
int session_back(struct session *s, char *err, size_t errlen)
{
    uint64_t target;

    if (!s->run || rl_run_backend(s->run) != RL_BACKEND_SIM) {
        snprintf(err, errlen, "stepping back needs the sim backend");
        return -1;
    }
    if (session_shown(s) == 0) {
        snprintf(err, errlen, "this is the start of the run");
        return -1;
    }
    if (hide_last(s))
        return 0;
    target = rl_run_steps(s->run) - 1;
    if (recreate(s, err, errlen) != 0)
        return -1;
    while (rl_run_steps(s->run) < target &&
           step_engine(s) == RL_END_RUNNING)
        ;
    show_record(s, rl_run_record_last(s->run));
    return 0;
}

/* sim: show the run up to record seq; see session.h. */
int session_goto(struct session *s, uint64_t seq, char *err, size_t errlen)
{
    uint64_t last;
    bool hold;

    if (!s->run || rl_run_backend(s->run) != RL_BACKEND_SIM) {
        snprintf(err, errlen, "moving through a run needs the sim backend");
        return -1;
    }
    if (seq >= session_shown(s)) {
        while (session_shown(s) < seq && session_step(s) == RL_END_RUNNING)
            ;
        return 0;
    }
    if (recreate(s, err, errlen) != 0)
        return -1;
    while (rl_run_record_last(s->run) < seq &&
           step_engine(s) == RL_END_RUNNING)
        ;
    /* inside an engine step: hold its last records back if they may be */
    last = rl_run_record_last(s->run);
    hold = seq >= s->step_first && seq < last;
    for (uint64_t q = seq + 1; hold && q <= last; q++)
        hold = record_holdable(s->run, q);
    s->upto = hold ? seq : 0;
    show_record(s, hold ? seq : last);
    return 0;
}

/* Whether record r of run is a mark the jump keys stop at: a lost update,
 * the second access of a data race, a blocked call, an error or a failed
 * check. Writes what it is into what. */
static bool jump_mark(const struct rl_run *run, const struct rl_analysis *an,
                      const struct rl_record *r, char *what, size_t len)
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
 * race, or its last step (a deadlock, a wrong final value). 0: the run
 * passed. */
static uint64_t jump_failure(const struct rl_run *run,
                             const struct rl_analysis *an, char *what,
                             size_t len)
{
    uint64_t last = rl_run_record_last(run);

    for (uint64_t q = rl_run_record_first(run); q && q <= last; q++) {
        const struct rl_record *r = rl_run_record(run, q);

        if (r && (r->op == RL_OP_FAIL || r->result == RL_RES_ERROR)) {
            jump_mark(run, an, r, what, len);
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
        while (step_engine(s) == RL_END_RUNNING)
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
        target = jump_failure(s->run, &an, what, sizeof what);
    } else {
        uint64_t last = kind == SESSION_JUMP_NEXT ? rl_run_record_last(s->run)
                                                  : from - (from > 0);

        for (uint64_t q = kind == SESSION_JUMP_NEXT ? from + 1 : 1;
             q && q <= last; q++) {
            const struct rl_record *r = rl_run_record(s->run, q);

            if (r && jump_mark(s->run, &an, r, what, sizeof what)) {
                target = q;
                if (kind == SESSION_JUMP_NEXT)
                    break;
            }
        }
        if (target && kind == SESSION_JUMP_PREV)
            jump_mark(s->run, &an, rl_run_record(s->run, target), what,
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

/* sim: step until the end or budget steps. */
enum rl_end session_run(struct session *s, uint64_t budget)
{
    enum rl_end e = session_end(s);

    for (uint64_t i = 0; i < budget && steppable(s); i++)
        e = session_step(s);
    return e;
}

/* os: start the threads. */
int session_start(struct session *s, char *err, size_t errlen)
{
    if (!s->run || rl_run_backend(s->run) != RL_BACKEND_OS) {
        snprintf(err, errlen, "only os runs start real threads");
        return -1;
    }
    if (s->started) {
        snprintf(err, errlen, "the threads are already running");
        return -1;
    }
    if (rl_run_start(s->run, err, errlen) != 0)
        return -1;
    s->started = true;
    return 0;
}

/* The first shared variable of run, or -1. */
static int first_var(const struct rl_run *run, char *name, size_t len)
{
    struct rl_obj_view o;

    for (int i = 0; i < rl_run_object_count(run); i++) {
        rl_run_object(run, i, &o);
        if (o.kind == RL_OBJ_VAR) {
            snprintf(name, len, "%s", o.name);
            return i;
        }
    }
    return -1;
}

/* One unit of repeat work: start a run, or advance / collect it. Returns
 * false when it must wait (an os run still going). */
static bool repeat_work(struct session *s)
{
    struct session_repeat *r = &s->rep;
    char err[256];
    enum rl_end e;

    if (!r->run) {
        struct rl_sched sc;

        memset(&sc, 0, sizeof sc);
        sc.kind = RL_SCHED_RANDOM;
        sc.seed = (uint64_t)r->done + 1;
        r->inst = inst_copy(&s->inst);
        r->run = make_run(s, r->inst, &sc, false, err, sizeof err);
        if (!r->run || (s->inst.backend == RL_BACKEND_OS &&
                        rl_run_start(r->run, err, sizeof err) != 0)) {
            retire(r->run, r->inst);
            r->run = NULL;
            r->inst = NULL;
            r->active = false;
            return false;
        }
        return true;
    }
    if (rl_run_backend(r->run) == RL_BACKEND_OS) {
        e = rl_run_poll(r->run);
        if (e == RL_END_RUNNING)
            return false;
    } else {
        e = RL_END_RUNNING;
        for (int i = 0; i < 20000 && e == RL_END_RUNNING; i++)
            e = rl_run_step(r->run);
        if (e == RL_END_RUNNING)
            return true;
    }
    {
        char name[RL_NAME_MAX];
        int id = first_var(r->run, name, sizeof name);
        struct rl_obj_view o;

        if (id >= 0) {
            rl_run_object(r->run, id, &o);
            r->values[r->done] = o.value;
            snprintf(r->var, sizeof r->var, "%s", name);
        }
        if (rl_run_passed(r->run))
            r->ncorrect++;
        r->done++;
    }
    retire(r->run, r->inst);
    r->run = NULL;
    r->inst = NULL;
    if (r->done >= r->total)
        r->active = false;
    return r->active;
}

/* Poll os runs and the repeat; see session.h. */
void session_poll(struct session *s)
{
    if (s->run && s->started && rl_run_backend(s->run) == RL_BACKEND_OS)
        rl_run_poll(s->run);
    if (s->rep.active) {
        long long t0 = now_ns();

        while (s->rep.active && now_ns() - t0 < SESSION_REPEAT_BUDGET_NS)
            if (!repeat_work(s))
                break;
    }
}

/* The end state of the run on screen. */
enum rl_end session_end(const struct session *s)
{
    if (!s->run || s->upto)
        return RL_END_RUNNING;
    return rl_run_end(s->run);
}

/* The last record shown. */
uint64_t session_shown(const struct session *s)
{
    if (!s->run)
        return 0;
    return s->upto ? s->upto : rl_run_record_last(s->run);
}

/* Steps of the run on screen: the last record shown. */
uint64_t session_steps(const struct session *s)
{
    return session_shown(s);
}

/* Leave replay mode for the user's scheduler (rr:1 if it was a replay). */
static void leave_replay(struct session *s)
{
    if (!s->replay)
        return;
    free(s->replay);
    s->replay = NULL;
    s->max_steps = 0;
    if (s->sched.kind == RL_SCHED_REPLAY || s->sched.kind == RL_SCHED_CUSTOM) {
        memset(&s->sched, 0, sizeof s->sched);
        s->sched.kind = RL_SCHED_RR;
        s->sched.quantum = 1;
    }
}

/* Cycle the variant and restart. */
int session_next_variant(struct session *s, char *err, size_t errlen)
{
    leave_replay(s);
    s->inst.variant = (s->inst.variant + 1) % s->lab->nvariants;
    return session_restart(s, err, errlen);
}

/* Cycle the scheduler kind (rr, random, pct, manual) and restart. */
int session_next_sched(struct session *s, char *err, size_t errlen)
{
    struct rl_sched n;

    memset(&n, 0, sizeof n);
    n.seed = s->sched.seed ? s->sched.seed : 1;
    n.quantum = s->sched.quantum > 0 ? s->sched.quantum : 1;
    n.depth = s->sched.depth > 0 ? s->sched.depth : 2;
    /* ":timeouts" stays with random and PCT (rr and manual ignore it). */
    n.timeouts = s->sched.timeouts;
    if (s->replay) {
        n.kind = RL_SCHED_RR;
    } else {
        switch (s->sched.kind) {
        case RL_SCHED_RR:
            n.kind = RL_SCHED_RANDOM;
            break;
        case RL_SCHED_RANDOM:
            n.kind = RL_SCHED_PCT;
            break;
        case RL_SCHED_PCT:
            n.kind = RL_SCHED_MANUAL;
            break;
        default:
            n.kind = RL_SCHED_RR;
            break;
        }
    }
    free(s->replay);
    s->replay = NULL;
    s->sched = n;
    return session_restart(s, err, errlen);
}

/* Switch sim <-> os, keeping the variant and the parameters. */
int session_next_backend(struct session *s, char *err, size_t errlen)
{
    if (program_lab_is(s->lab)) {
        /* The real program is a histogram, not lanes: the CLI shows it. */
        snprintf(err, errlen,
                 "a C program runs on sim here; the real program: racelab "
                 "run %s --backend os --runs 100",
                 s->lab->name);
        return -1;
    }
    session_repeat_stop(s);
    leave_replay(s);
    s->inst.backend =
        s->inst.backend == RL_BACKEND_SIM ? RL_BACKEND_OS : RL_BACKEND_SIM;
    return session_restart(s, err, errlen);
}

/* A new seed (random, PCT) and a restart. */
int session_reseed(struct session *s, char *err, size_t errlen)
{
    if (!s->replay &&
        (s->sched.kind == RL_SCHED_RANDOM || s->sched.kind == RL_SCHED_PCT))
        s->sched.seed++;
    return session_restart(s, err, errlen);
}

/* Apply new parameters and restart. */
int session_set_inst(struct session *s, const struct lab_inst *inst, char *err,
                     size_t errlen)
{
    leave_replay(s);
    s->inst = *inst;
    s->inst.state = NULL;
    return session_restart(s, err, errlen);
}

/* The scheduler as text. */
void session_sched_text(const struct session *s, char *buf, size_t len)
{
    if (s->inst.backend == RL_BACKEND_OS)
        snprintf(buf, len, "real threads");
    else if (s->replay && s->pure)
        snprintf(buf, len, "replay");
    else
        rl_sched_format(&s->sched, buf, len);
}

/* The full schedule string of the run on screen, or "". */
void session_schedule(const struct session *s, char *buf, size_t len)
{
    char params[256];
    char *choices;

    if (len)
        buf[0] = '\0';
    if (!s->run || rl_run_backend(s->run) != RL_BACKEND_SIM)
        return;
    lab_inst_params_text(&s->inst, params, sizeof params);
    choices = run_choices(s->run);
    rl_schedule_format(buf, len, s->lab->name,
                       s->lab->variants[s->inst.variant].name, params, choices);
    free(choices);
}

/* Write the saved file's contents. */
static void save_write(const struct session *s, FILE *f)
{
    const struct rl_run *run = s->run;
    char buf[2048], sched[64];
    struct rl_check_result k;
    struct rl_thread_view tv;
    struct rl_lost_tracker *lost;

    lab_inst_params_text(&s->inst, buf, sizeof buf);
    session_sched_text(s, sched, sizeof sched);
    fprintf(f, "# racelab trace\n");
    fprintf(f, "lab: %s (%s)\n", s->lab->name, s->lab->title);
    fprintf(f, "variant: %s\n", s->lab->variants[s->inst.variant].name);
    fprintf(f, "params: %s\n", buf);
    fprintf(f, "backend: %s\n",
            s->inst.backend == RL_BACKEND_SIM ? "sim" : "os");
    fprintf(f, "scheduler: %s\n", sched);
    /* steps are the numbered events below, as on screen */
    fprintf(f, "steps: %llu\n", (unsigned long long)rl_run_record_last(run));
    fprintf(f, "end: %s\n", rl_end_name(rl_run_end(run)));
    if (rl_run_backend(run) == RL_BACKEND_SIM) {
        /* the schedule string may be long: size it from the choices */
        char *choices = run_choices(run);
        size_t n = strlen(choices) + 1024;
        char *str;

        free(choices);
        str = rl_xmalloc(n);
        session_schedule(s, str, n);
        fprintf(f, "schedule: %s\n", str);
        fprintf(f, "replay: racelab replay %s\n", str);
        free(str);
    } else {
        fprintf(f, "schedule: none (os runs are not replayable)\n");
    }
    for (int i = 0; i < rl_run_check_count(run); i++) {
        rl_run_check(run, i, &k);
        fprintf(f, "check: %s %s: %s\n", k.ok ? "ok" : "FAILED", k.name,
                k.message ? k.message : "");
    }
    rl_run_end_text(run, buf, sizeof buf);
    for (char *p = buf, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        fprintf(f, "why: %s\n", p);
        if (!nl)
            break;
    }
    fprintf(f, "# seq thread event\n");
    lost = rl_run_backend(run) == RL_BACKEND_SIM &&
                   rl_run_record_first(run) == 1
               ? rl_lost_tracker_create()
               : NULL;
    for (uint64_t q = rl_run_record_first(run);
         q && q <= rl_run_record_last(run); q++) {
        const struct rl_record *r = rl_run_record(run, q);
        struct rl_lost_update l;

        if (!r)
            continue;
        rl_record_text(run, r, buf, sizeof buf);
        if (r->thread >= 0 && r->thread < rl_run_thread_count(run)) {
            rl_run_thread(run, r->thread, &tv);
            fprintf(f, "%llu %s %s", (unsigned long long)r->seq, tv.name, buf);
        } else {
            fprintf(f, "%llu setup %s", (unsigned long long)r->seq, buf);
        }
        /* the store that loses an update says so, as on screen and in
         * `racelab run` */
        if (lost && rl_lost_tracker_feed(lost, r, &l)) {
            rl_run_thread(run, l.other, &tv);
            fprintf(f, "   ! lost update: overwrites %s's %ld (step %llu)",
                    tv.name, l.other_value, (unsigned long long)l.other_seq);
        }
        fputc('\n', f);
    }
    rl_lost_tracker_destroy(lost);
}

/* Whether path (a directory) is inside racelab's own source tree: it or
 * a parent holds core/run.h and labs/lab.h. */
bool session_in_source_tree(const char *path)
{
    char dir[PATH_MAX], probe[PATH_MAX + 32];

    if (!realpath(path, dir))
        return false;
    for (;;) {
        char *slash;
        bool core, labs;

        snprintf(probe, sizeof probe, "%s/core/run.h", dir);
        core = access(probe, F_OK) == 0;
        snprintf(probe, sizeof probe, "%s/labs/lab.h", dir);
        labs = access(probe, F_OK) == 0;
        if (core && labs)
            return true;
        slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            return false;
        *slash = '\0';
    }
}

/* Where w saves by default; see session.h. */
void session_save_dir(char *buf, size_t len)
{
    const char *home = getenv("HOME");

    if (!session_in_source_tree(".")) {
        snprintf(buf, len, ".");
    } else if (home && home[0] && !session_in_source_tree(home)) {
        snprintf(buf, len, "%s", home);
    } else {
        const char *tmp = getenv("TMPDIR");

        snprintf(buf, len, "%s", tmp && tmp[0] ? tmp : "/tmp");
    }
}

/* Save the trace and schedule; see session.h. */
int session_save(const struct session *s, const char *dir, char *name,
                 size_t namelen, char *err, size_t errlen)
{
    char path[4096];
    FILE *f;
    int fd = -1;

    if (!s->run) {
        snprintf(err, errlen, "nothing to save");
        return -1;
    }
    if (!dir || !dir[0])
        dir = ".";
    if (session_in_source_tree(dir)) {
        snprintf(err, errlen,
                 "%s is in racelab's source tree: save somewhere else", dir);
        return -1;
    }
    for (int n = 1; n < 10000 && fd < 0; n++) {
        snprintf(name, namelen, "racelab-%s-%s-%d.txt", s->lab->name,
                 s->lab->variants[s->inst.variant].name, n);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            return -1;
        }
    }
    if (fd < 0) {
        snprintf(err, errlen, "cannot find a free file name");
        return -1;
    }
    f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    save_write(s, f);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
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
    inst = inst_copy(&s->inst);
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
                 "found after %llu schedule%s (%d preemption%s): %s; opened "
                 "at step %llu, Left steps back",
                 (unsigned long long)res.runs, res.runs == 1 ? "" : "s",
                 res.preemptions, res.preemptions == 1 ? "" : "s", res.check,
                 (unsigned long long)session_shown(s));
    rl_explore_result_free(&res);
    return rc == 0 ? 1 : -1;
}

/* sim: the threads that could run next; see session.h. */
int session_runnable(const struct session *s, int *ids, int max)
{
    int n = 0;

    if (!steppable(s) || s->upto)
        return 0;
    for (int t = 0; t < rl_run_thread_count(s->run); t++)
        if (rl_run_thread_runnable(s->run, t)) {
            if (n < max)
                ids[n] = t;
            n++;
        }
    return n;
}

/* The first shared variable; see session.h. */
bool session_first_var(const struct session *s, char *name, size_t len,
                       long *value)
{
    struct rl_obj_view o;
    int id;

    if (!s->run)
        return false;
    id = first_var(s->run, name, len);
    if (id < 0)
        return false;
    rl_run_object(s->run, id, &o);
    *value = o.value;
    return true;
}

/* Start a repeat of k runs. */
int session_repeat_start(struct session *s, int k, char *err, size_t errlen)
{
    session_repeat_stop(s);
    if (k < 1) {
        snprintf(err, errlen, "repeat needs at least one run");
        return -1;
    }
    s->rep.values = rl_xcalloc((size_t)k, sizeof *s->rep.values);
    s->rep.total = k;
    s->rep.active = true;
    if (s->run)
        first_var(s->run, s->rep.var, sizeof s->rep.var);
    return 0;
}

/* Stop and forget the repeat. */
void session_repeat_stop(struct session *s)
{
    struct session_repeat *r = &s->rep;

    if (r->run)
        retire(r->run, r->inst);
    free(r->values);
    memset(r, 0, sizeof *r);
}
