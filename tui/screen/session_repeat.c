/* SPDX-License-Identifier: MIT */
/*
 * session_repeat.c - repeats, for the session (session.h): K runs of the
 * lab (os: real threads; sim: random seeds 1..K), one after the other,
 * each run's final value of the first shared variable kept for the bar
 * chart. The clock calls session_poll, which also merges the records of a
 * live os run, and which spends a bounded time on the repeat each frame.
 * Owns the repeat's run and its values (struct session_repeat).
 */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/mem.h"
#include "session_impl.h"

/* Time one session_poll may spend on a repeat. */
#define SESSION_REPEAT_BUDGET_NS 15000000L

/* Monotonic time in ns. */
static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
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
        r->inst = session_inst_copy(&s->inst);
        r->run = session_make_run(s, r->inst, &sc, false, err, sizeof err);
        if (!r->run || (s->inst.backend == RL_BACKEND_OS &&
                        rl_run_start(r->run, err, sizeof err) != 0)) {
            session_retire(r->run, r->inst);
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
        int id = session_run_first_var(r->run, name, sizeof name);
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
    session_retire(r->run, r->inst);
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
        session_run_first_var(s->run, s->rep.var, sizeof s->rep.var);
    return 0;
}

/* Stop and forget the repeat. */
void session_repeat_stop(struct session *s)
{
    struct session_repeat *r = &s->rep;

    if (r->run)
        session_retire(r->run, r->inst);
    free(r->values);
    memset(r, 0, sizeof *r);
}
