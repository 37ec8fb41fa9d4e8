/* SPDX-License-Identifier: MIT */
/*
 * sched.c - the sim backend's scheduling policies.
 *
 * Round robin with a quantum models an interpreter's switch interval: a
 * thread keeps the CPU for Q steps, then the next runnable thread (by id,
 * cyclically) gets it. Random picks uniformly. PCT (Burckhardt et al.,
 * "A randomized scheduler with probabilistic guarantees of finding bugs",
 * ASPLOS 2010) gives threads random distinct priorities, always runs the
 * highest-priority runnable thread, and at d-1 random steps drops the
 * running thread below everybody: a bug of depth d is found with
 * probability at least 1/(n k^(d-1)). Replay follows a schedule string.
 * Manual behaves as round robin with quantum 1 when asked to pick (the
 * front end normally picks itself). Custom asks a callback (exploration).
 *
 * Notify choices: round robin and manual wake the longest waiter (FIFO, as
 * Python does); random picks at random; PCT wakes the highest priority.
 *
 * Timeouts (sim.c): a thread blocked in a timed wait is an option only for
 * the schedulers that consider timeouts - replay always (a schedule string
 * may fire one), random, PCT and custom when cfg.timeouts is set (the
 * specs "random:SEED:timeouts" and "pct:SEED:DEPTH:timeouts"). Random
 * draws among all options; PCT ranks a timed waiter by its priority, and
 * a timeout it fires drops that thread below everybody. Round robin and
 * manual never fire one: their runs are what they were.
 */
#include "sched.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "rng.h"
#include "schedule.h"

/* Check the choices of a replay schedule and count them; the items are
 * read from the text one at a time as the run consumes them (replay_next),
 * so a replay holds nothing per item: a schedule of millions of choices
 * costs its text and a few words. */
static int replay_load(struct sched *s, const char *choices, char *err,
                       size_t errlen)
{
    if (!choices) {
        snprintf(err, errlen, "replay: no schedule given");
        return -1;
    }
    if (rl_schedule_count_choices(choices, &s->rleft, err, errlen) != 0)
        return -1;
    s->rpos = choices;
    s->rcount = 0;
    s->used = 0;
    return 0;
}

/* Make the next item of the text the current one (choices are left). */
static void replay_next(struct sched *s)
{
    rl_schedule_next_item(&s->rpos, &s->rid, &s->rcount);
    s->used = 0;
}

int sched_init(struct sched *s, const struct rl_sched *cfg, int nthreads,
               char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    s->last = -1;
    s->rng = rng_seed(cfg->seed);
    s->nthreads = nthreads;
    switch (cfg->kind) {
    case RL_SCHED_RR:
        if (cfg->quantum < 1) {
            snprintf(err, errlen, "rr: the quantum must be at least 1");
            return -1;
        }
        break;
    case RL_SCHED_RANDOM:
    case RL_SCHED_MANUAL:
        break;
    case RL_SCHED_PCT: {
        int d = cfg->depth;
        if (d < 1 || d > 16) {
            snprintf(err, errlen, "pct: the depth must be 1..16, not %d", d);
            return -1;
        }
        uint64_t k = cfg->pct_steps > 0 ? (uint64_t)cfg->pct_steps : 1000;
        /* Distinct initial priorities d .. d+n-1 in random order. */
        int perm[RL_MAX_THREADS];
        for (int i = 0; i < nthreads; i++)
            perm[i] = i;
        for (int i = nthreads - 1; i > 0; i--) {
            int j = (int)rng_below(&s->rng, (uint64_t)i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        for (int i = 0; i < nthreads; i++)
            s->prio[perm[i]] = d + i;
        s->nchange = d - 1;
        for (int i = 0; i < s->nchange; i++)
            s->change[i] = 1 + rng_below(&s->rng, k);
        break;
    }
    case RL_SCHED_REPLAY:
        if (replay_load(s, cfg->choices, err, errlen) != 0)
            return -1;
        break;
    case RL_SCHED_CUSTOM:
        if (!cfg->choose) {
            snprintf(err, errlen, "custom scheduler without a callback");
            return -1;
        }
        break;
    default:
        snprintf(err, errlen, "unknown scheduler kind %d", (int)cfg->kind);
        return -1;
    }
    return 0;
}

void sched_fini(struct sched *s)
{
    /* Nothing is allocated: replay reads its items from cfg.choices. */
    (void)s;
}

/* Round robin: keep the current thread for its quantum, then the next
 * runnable id after it, cyclically. */
static int pick_rr(const struct sched *s, const struct rl_choice *c, int q)
{
    int cur = c->current;
    int cur_idx = -1;
    for (int i = 0; i < c->n; i++)
        if (c->options[i] == cur)
            cur_idx = i;
    if (cur_idx >= 0 && s->last == cur && s->run_len < q)
        return cur_idx;
    for (int i = 0; i < c->n; i++)
        if (c->options[i] > cur)
            return i;
    return 0;
}

int sched_pick(struct sched *s, const struct rl_choice *c, int *want)
{
    *want = -1;
    switch (s->cfg.kind) {
    case RL_SCHED_RR:
    case RL_SCHED_MANUAL:
        if (c->kind == RL_CHOICE_NOTIFY)
            return 0;
        return pick_rr(s, c,
                       s->cfg.kind == RL_SCHED_RR ? s->cfg.quantum : 1);
    case RL_SCHED_RANDOM:
        return (int)rng_below(&s->rng, (uint64_t)(c->n + c->ntimed));
    case RL_SCHED_PCT: {
        int best = 0;
        for (int i = 1; i < c->n + c->ntimed; i++)
            if (s->prio[c->options[i]] > s->prio[c->options[best]])
                best = i;
        /* A fired timeout drops its thread below everybody: a thread that
         * waits again (a retry loop) does not time out at once forever. */
        if (best >= c->n)
            s->prio[c->options[best]] = --s->low;
        return best;
    }
    case RL_SCHED_REPLAY: {
        if (s->rleft == 0) {
            if (s->cfg.replay_continue)
                return pick_rr(s, c, 1);
            return -1;
        }
        if (s->used == s->rcount)
            replay_next(s);
        int id = s->rid;
        *want = id;
        for (int i = 0; i < c->n + c->ntimed; i++) {
            if (c->options[i] == id) {
                s->used++;
                s->rleft--;
                return i;
            }
        }
        return -1;
    }
    case RL_SCHED_CUSTOM: {
        /* -1: the caller ends the run here (exploration prunes it). */
        int i = s->cfg.choose(s->cfg.choose_ctx, c);
        RL_ASSERT(i >= -1 && i < c->n + c->ntimed);
        return i;
    }
    }
    return 0;
}

bool sched_timeouts(const struct sched *s)
{
    switch (s->cfg.kind) {
    case RL_SCHED_REPLAY:
        return true;
    case RL_SCHED_RANDOM:
    case RL_SCHED_PCT:
    case RL_SCHED_CUSTOM:
        return s->cfg.timeouts;
    default:
        return false;
    }
}

void sched_add_thread(struct sched *s, int tid)
{
    if (tid < s->nthreads || tid >= RL_MAX_THREADS)
        return;
    s->nthreads = tid + 1;
    if (s->cfg.kind != RL_SCHED_PCT)
        return;
    /* A random place among the initial priorities, ties to the lower id. */
    int d = s->cfg.depth;
    s->prio[tid] = d + (int)rng_below(&s->rng, (uint64_t)tid + 1);
}

void sched_note_step(struct sched *s, uint64_t step, int tid)
{
    if (tid == s->last) {
        s->run_len++;
    } else {
        s->last = tid;
        s->run_len = 1;
    }
    if (s->cfg.kind == RL_SCHED_PCT) {
        for (int i = 0; i < s->nchange; i++)
            if (s->change[i] == step)
                s->prio[tid] = i; /* below every initial priority */
    }
}

uint64_t sched_replay_left(const struct sched *s)
{
    if (s->cfg.kind != RL_SCHED_REPLAY)
        return 0;
    return s->rleft;
}

/* ---- --sched parsing (declared in run.h) --------------------------------- */

static const char *sched_forms =
    "rr, rr:QUANTUM, random:SEED[:timeouts], pct:SEED:DEPTH[:timeouts], "
    "replay:CHOICES, manual";

/* The marker that makes random and PCT fire timeouts as choices. */
#define SCHED_TIMEOUTS "timeouts"

/* Parse a non-negative decimal number into *out; false if not one. */
static bool parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* Check the optional last part of a random or PCT spec: absent (n ==
 * nplain) or the timeouts marker (n == nplain + 1), which sets
 * out->timeouts. Returns -1 with a message naming the bad part. */
static int parse_marker(const char *spec, char *const *parts, int n,
                        int nplain, const char *form, struct rl_sched *out,
                        char *err, size_t errlen)
{
    if (n == nplain)
        return 0;
    if (strcmp(parts[nplain], SCHED_TIMEOUTS) != 0) {
        snprintf(err, errlen,
                 "bad scheduler '%s': unknown marker '%s' (the only one is "
                 "'" SCHED_TIMEOUTS "': %s:" SCHED_TIMEOUTS ")",
                 spec, parts[nplain], form);
        return -1;
    }
    out->timeouts = true;
    return 0;
}

int rl_sched_parse(const char *spec, struct rl_sched *out, char *err,
                   size_t errlen)
{
    memset(out, 0, sizeof(*out));
    /* replay:CHOICES - the choices part of a schedule string, for the
     * lab, variant and parameters given with it. out->choices points into
     * spec, which must outlive the run's creation. */
    if (spec && strncmp(spec, "replay:", 7) == 0) {
        char why[200];
        if (rl_schedule_check_choices(spec + 7, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "bad scheduler 'replay:...': %s", why);
            return -1;
        }
        out->kind = RL_SCHED_REPLAY;
        out->choices = spec + 7;
        return 0;
    }
    char buf[128];
    if (!spec || strlen(spec) >= sizeof(buf)) {
        snprintf(err, errlen, "bad scheduler; use one of: %s", sched_forms);
        return -1;
    }
    strcpy(buf, spec);
    /* Split at the colons; more than four parts is no form (n = 5). */
    char *parts[5] = {0};
    int n = 0;
    for (char *p = buf; p && n < 5;) {
        parts[n++] = p;
        char *c = strchr(p, ':');
        if (c)
            *c++ = '\0';
        p = c;
    }
    uint64_t a = 0, b = 0;
    bool marked = n >= 2 && strcmp(parts[n - 1], SCHED_TIMEOUTS) == 0;
    if (marked && (strcmp(parts[0], "rr") == 0 ||
                   strcmp(parts[0], "manual") == 0)) {
        snprintf(err, errlen,
                 "bad scheduler '%s': %s never fires a timeout early; only "
                 "random and pct take ':" SCHED_TIMEOUTS "'",
                 spec, parts[0]);
        return -1;
    }
    if (strcmp(parts[0], "rr") == 0 && n <= 2) {
        out->kind = RL_SCHED_RR;
        out->quantum = 1;
        if (n == 2) {
            if (!parse_u64(parts[1], &a) || a < 1 || a > 1000000) {
                snprintf(err, errlen,
                         "bad scheduler '%s': the rr quantum must be "
                         "1..1000000",
                         spec);
                return -1;
            }
            out->quantum = (int)a;
        }
        return 0;
    }
    if (strcmp(parts[0], "random") == 0 && (n == 2 || n == 3)) {
        if (!parse_u64(parts[1], &a)) {
            snprintf(err, errlen,
                     "bad scheduler '%s': the random seed must be a "
                     "number >= 0",
                     spec);
            return -1;
        }
        if (parse_marker(spec, parts, n, 2, "random:SEED", out, err,
                         errlen) != 0)
            return -1;
        out->kind = RL_SCHED_RANDOM;
        out->seed = a;
        return 0;
    }
    if (strcmp(parts[0], "pct") == 0 && (n == 3 || n == 4)) {
        if (!parse_u64(parts[1], &a) || !parse_u64(parts[2], &b) || b < 1 ||
            b > 16) {
            snprintf(err, errlen,
                     "bad scheduler '%s': pct takes a seed >= 0 and a "
                     "depth 1..16",
                     spec);
            return -1;
        }
        if (parse_marker(spec, parts, n, 3, "pct:SEED:DEPTH", out, err,
                         errlen) != 0)
            return -1;
        out->kind = RL_SCHED_PCT;
        out->seed = a;
        out->depth = (int)b;
        return 0;
    }
    if (strcmp(parts[0], "manual") == 0 && n == 1) {
        out->kind = RL_SCHED_MANUAL;
        return 0;
    }
    snprintf(err, errlen, "bad scheduler '%s'; use one of: %s", spec,
             sched_forms);
    return -1;
}

void rl_sched_format(const struct rl_sched *s, char *buf, size_t len)
{
    switch (s->kind) {
    case RL_SCHED_RR:
        snprintf(buf, len, "rr:%d", s->quantum);
        break;
    case RL_SCHED_RANDOM:
        snprintf(buf, len, "random:%llu%s", (unsigned long long)s->seed,
                 s->timeouts ? ":" SCHED_TIMEOUTS : "");
        break;
    case RL_SCHED_PCT:
        snprintf(buf, len, "pct:%llu:%d%s", (unsigned long long)s->seed,
                 s->depth, s->timeouts ? ":" SCHED_TIMEOUTS : "");
        break;
    case RL_SCHED_REPLAY:
        snprintf(buf, len, "replay:%s", s->choices ? s->choices : "-");
        break;
    case RL_SCHED_MANUAL:
        snprintf(buf, len, "manual");
        break;
    case RL_SCHED_CUSTOM:
        snprintf(buf, len, "custom");
        break;
    }
}
