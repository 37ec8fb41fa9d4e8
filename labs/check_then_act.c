/* SPDX-License-Identifier: MIT */
/*
 * check_then_act.c - lazy initialisation: "if it is not initialised yet,
 * initialise it", run by several threads at once.
 *
 * Every thread needs a shared resource (say, a connection) that is
 * created on first use:
 *
 *     if (!rl_load(initialized)) {     check
 *         init();                      act
 *         rl_store(initialized, 1);
 *     }
 *
 * The check and the act are separate steps. Two threads can both read 0
 * before either stores 1, and both initialise: the second creation
 * replaces the first, whose users now hold a stale object. `locked`
 * makes check and act one critical section under a Lock, so the second
 * thread sees the flag already set. `event` gives the job to one thread:
 * T0 initialises and then sets the Event `ready`; the others wait() on it
 * and never check a flag at all.
 *
 * `resource` holds 1 + the id of the thread that created it (0: not
 * created). Each thread then uses the resource; using it while it is 0
 * records a failed check at that moment.
 */
#include "lab.h"

#include <stdio.h>

#include "../core/racelab.h"

enum { UNSAFE, LOCKED, EVENT };

#define CTA_ONCE "initialised exactly once"
#define CTA_READY "initialised before use"

/* The lab's state, shared by its threads. */
struct cta_lab {
    rl_var *initialized;    /* the flag; guarded by lock in `locked` */
    rl_var *resource;       /* 1 + creator's id; written by init() */
    rl_var *inits;          /* initialisations so far (atomic fetch_add) */
    rl_lock *lock;          /* `locked`: guards the check and the act */
    rl_event *ready;        /* `event`: set by T0 after it initialised */
    int by[RL_MAX_THREADS]; /* by[n]: who did initialisation n; each slot
                               written once, by the thread that got n */
    int variant;            /* read-only after setup */
};

/* Create the resource: counted, and remembered by who created it. */
static void cta_init(struct cta_lab *s)
{
    long n = rl_fetch_add(s->inits, 1);

    if (n < RL_MAX_THREADS)
        s->by[n] = rl_self();
    rl_store(s->resource, rl_self() + 1);
}

/* Use the resource: it must exist by now. */
static void cta_use(struct cta_lab *s)
{
    if (rl_load(s->resource) == 0)
        rl_fail(CTA_READY, "%s used the resource before it was initialised",
                rl_thread_name());
}

/* unsafe (bug): check, then act, with a gap between them. */
static void cta_unsafe(struct cta_lab *s)
{
    if (!rl_load(s->initialized)) {
        /* another thread may read 0 here too: both initialise */
        cta_init(s);
        rl_store(s->initialized, 1);
    }
}

/* locked: the check and the act are one critical section. */
static void cta_locked(struct cta_lab *s)
{
    rl_lock_acquire(s->lock);
    if (!rl_load(s->initialized)) {
        cta_init(s);
        rl_store(s->initialized, 1);
    }
    rl_lock_release(s->lock);
}

/* event: one thread initialises and signals; the others wait. */
static void cta_event(struct cta_lab *s)
{
    if (rl_self() == 0) {
        cta_init(s);
        rl_event_set(s->ready);
    } else {
        rl_event_wait(s->ready);
    }
}

/* One thread: make sure the resource exists, then use it. */
static void cta_thread(void *arg)
{
    struct cta_lab *s = arg;

    switch (s->variant) {
    case UNSAFE:
        cta_unsafe(s);
        break;
    case LOCKED:
        cta_locked(s);
        break;
    default:
        cta_event(s);
        break;
    }
    cta_use(s);
}

/* Create the flag, the resource and the variant's object; start threads. */
static void cta_setup(struct lab_inst *inst)
{
    struct cta_lab *s = rl_alloc(sizeof *s);
    long threads = lab_inst_param(inst, "threads");

    s->variant = inst->variant;
    s->initialized = rl_var_create("initialized", 0);
    s->resource = rl_var_create("resource", 0);
    s->inits = rl_var_create("inits", 0);
    if (s->variant == LOCKED)
        s->lock = rl_lock_create("init_lock");
    else if (s->variant == EVENT)
        s->ready = rl_event_create("ready");
    inst->state = s;
    for (long t = 0; t < threads; t++)
        rl_thread_start(NULL, cta_thread, s);
}

/* "T0", "T0 and T1", "T0, T1 and T2": who initialised, in order. */
static void cta_who(const struct cta_lab *s, long n, char *buf, size_t len)
{
    size_t used = 0;

    buf[0] = '\0';
    for (long i = 0; i < n && i < RL_MAX_THREADS && used < len; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? " and " : ", ";
        int w = snprintf(buf + used, len - used, "%sT%d", sep, s->by[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* One initialisation, and nobody used the resource before it. */
static void cta_check(struct rl_run *run, struct lab_inst *inst)
{
    struct cta_lab *s = inst->state;
    long n = rl_var_peek(s->inits);
    char who[160];

    cta_who(s, n, who, sizeof who);
    rl_check(run, CTA_ONCE, n == 1, "%ld initialisation%s by %s", n,
             n == 1 ? "" : "s", n ? who : "nobody");
    rl_check(run, CTA_READY, true, "every thread used an initialised resource");
}

static const struct lab_param cta_params[] = {
    {"threads", "threads that need the resource", 2, 8, 1, 16},
};

static const struct lab_variant cta_variants[] = {
    [UNSAFE] = {"unsafe", "if not initialized: init; two threads both init",
                false},
    [LOCKED] = {"locked", "the check and the init under one Lock", true},
    [EVENT] = {"event", "T0 initialises and sets an Event; the others wait",
               true},
};

static const struct lab lab_check_then_act = {
    .order = 70,
    .name = "check-then-act",
    .title = "Check then act",
    .summary = "lazy initialisation runs twice when threads race to it",
    .explain =
        "if not initialized: init() looks safe, but the check and the act\n"
        "are separate steps. Two threads can both see the flag unset\n"
        "before either sets it, and both initialise: two resources, one\n"
        "of them silently replaced. The check and the act must be one\n"
        "critical section: take a Lock around both. Or let one thread\n"
        "initialise and set an Event that the others wait() on.",
    .params = cta_params,
    .nparams = LAB_LEN(cta_params),
    .variants = cta_variants,
    .nvariants = LAB_LEN(cta_variants),
    .setup = cta_setup,
    .check = cta_check,
};
LAB_REGISTER(lab_check_then_act);
