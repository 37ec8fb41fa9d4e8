/* SPDX-License-Identifier: MIT */
/*
 * session.c - the run on screen and everything the keys do to it (see
 * session.h for stepping back and for who owns what): its life (make,
 * restart, retire), stepping one record at a time, picking a thread,
 * stepping back and going to a step by redoing the run, starting an os
 * run, and cycling the variant, the scheduler and the backend. It owns the
 * helpers that make, copy and retire runs, which the other session files
 * share (session_impl.h): finding failures (session_find.c), repeats
 * (session_repeat.c) and saving (session_save.c).
 */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mem.h"
#include "../../labs/program_lab.h"
#include "session_impl.h"

/* Records a sim run keeps for the screen and the saved trace. */
#define SESSION_SIM_RECORDS 200000
/* Records an os live run keeps: the screen shows only the newest. */
#define SESSION_OS_RECORDS 4096
/* os runs started from the TUI give up after this long, unless the
 * session says otherwise (racelab tui --timeout). */
#define SESSION_OS_TIMEOUT_MS 30000

/* Runs made by every session so far: a run's number, which a cache can
 * trust where a pointer could be reused. Private to the UI thread. */
static uint64_t session_runs_made;

/* A heap copy of an instance, for one run. */
struct lab_inst *session_inst_copy(const struct lab_inst *inst)
{
    struct lab_inst *c = rl_xmalloc(sizeof *c);

    *c = *inst;
    c->state = NULL;
    return c;
}

/* Create a run of inst (which it uses as its ctx) with sched. */
struct rl_run *session_make_run(const struct session *s, struct lab_inst *inst,
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
        sc.replay_continue = s->saved_at != 0;
    }
    return sc;
}

/* Destroy a run that is no longer shown, and its instance copy. An os run
 * still going is stopped: its threads exit at their next call or are
 * cancelled in their waits, and a run whose threads cannot be stopped at
 * once is freed by the engine when they have gone (rl_run_destroy), with
 * its instance, which they may still read. Letting it run on instead
 * would keep its threads spinning and its memory until its timeout. */
void session_retire(struct rl_run *run, struct lab_inst *inst)
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
    session_retire(s->run, s->run_inst);
    s->run = NULL;
    s->run_inst = NULL;
    free(s->replay);
    s->replay = NULL;
}

/* Install a new run (replacing the old one). */
static void set_run(struct session *s, struct rl_run *run,
                    struct lab_inst *inst)
{
    session_retire(s->run, s->run_inst);
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
    struct lab_inst *inst = session_inst_copy(&s->inst);
    struct rl_sched sc = start_sched(s);
    struct rl_run *run = session_make_run(
        s, inst, &sc, s->inst.backend == RL_BACKEND_OS, err, errlen);

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

/* Whether record seq of run changes no object: a finish, a failed check,
 * a C program's failed assert, crash or exit (such records may be held
 * back and shown one by one). */
static bool record_holdable(const struct rl_run *run, uint64_t seq)
{
    const struct rl_record *r = rl_run_record(run, seq);

    return r && (r->op == RL_OP_FINISH || r->op == RL_OP_FAIL ||
                 r->op == RL_OP_ASSERT || r->op == RL_OP_CRASH ||
                 r->op == RL_OP_EXIT);
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
enum rl_end session_step_engine(struct session *s)
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
    session_step_engine(s);
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
char *session_run_choices(const struct rl_run *run)
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
        choices = session_run_choices(s->run);
        n = rl_run_choice_count(s->run);
        memset(&sc, 0, sizeof sc);
        sc.kind = RL_SCHED_REPLAY;
        sc.choices = choices;
        sc.replay_continue = true;
    }
    inst = session_inst_copy(&s->inst);
    run = session_make_run(s, inst, &sc, false, err, errlen);
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
           session_step_engine(s) == RL_END_RUNNING)
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
        /* the run may have been made ahead unshown (session_jump): the
         * row highlighted is the last one shown */
        show_record(s, session_shown(s));
        return 0;
    }
    if (recreate(s, err, errlen) != 0)
        return -1;
    while (rl_run_record_last(s->run) < seq &&
           session_step_engine(s) == RL_END_RUNNING)
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
int session_run_first_var(const struct rl_run *run, char *name, size_t len)
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

/* The first shared variable's value in words; see session.h. */
bool session_first_var_text(const struct session *s, char *buf, size_t len)
{
    struct rl_obj_view o;
    char name[RL_NAME_MAX];
    int id = s->run ? session_run_first_var(s->run, name, sizeof name) : -1;

    if (id < 0)
        return false;
    rl_run_object(s->run, id, &o);
    rl_value_text(s->run, id, o.value, 0, buf, len);
    return true;
}

/* The first shared variable; see session.h. */
bool session_first_var(const struct session *s, char *name, size_t len,
                       long *value)
{
    struct rl_obj_view o;
    int id;

    if (!s->run)
        return false;
    id = session_run_first_var(s->run, name, len);
    if (id < 0)
        return false;
    rl_run_object(s->run, id, &o);
    *value = o.value;
    return true;
}
