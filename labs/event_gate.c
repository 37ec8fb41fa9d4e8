/* SPDX-License-Identifier: MIT */
/*
 * event_gate.c - workers wait at a gate until a starter opens it: an
 * Event, a spin on a flag, and an Event "pulsed" too briefly.
 *
 * The starter prepares one input per task (data1, data2, ...), then
 * opens the gate. Each worker first takes a task number (a step of its
 * own, so the workers reach the gate at different times), then waits at
 * the gate, then reads its task's input. A worker that reads an input
 * before it was prepared records a failed check at that moment.
 *   event            the gate is an Event: wait() blocks until set();
 *   flag-spin        the gate is a shared flag and the workers spin on it
 *                    with load + yield: correct, but every turn of the loop
 *                    is two steps (CPU time, on os) that do no work; the
 *                    check counts them. It also relies on a fair
 *                    scheduler: under strict priorities (PCT with depth
 *                    1) a worker that outranks the starter spins forever
 *                    and the run does not finish;
 *   clear-too-early  the starter sets the Event and clears it at once, to
 *                    "close the gate behind the workers". A worker already
 *                    waiting is woken by set(), but one that reaches wait()
 *                    after the clear finds the gate shut, and nobody will
 *                    ever set it again: it waits forever (a deadlock with
 *                    no cycle: nobody holds anything).
 */
#include "lab.h"

#include <stdio.h>

#include "../core/racelab.h"

enum { EVENT, FLAG_SPIN, CLEAR_TOO_EARLY };

#define GATE_DATA 42 /* what the starter prepares */
#define GATE_CHECK "nobody passes a closed gate"

/* The lab's state, shared by its threads. */
struct gate_lab {
    rl_event *gate; /* event, clear-too-early */
    rl_var *open;   /* flag-spin: the gate as a shared flag */
    rl_var **data;  /* data[k]: task k's input, written by the starter
                       before it opens the gate */
    rl_var *task;   /* the next task number (atomic fetch_add) */
    rl_var *passed; /* workers through the gate (atomic fetch_add) */
    long *spins;    /* spins[w]: private to worker w until the check */
    long workers;   /* read-only after setup, as is variant */
    int variant;
};

/* A worker's argument. */
struct gate_worker {
    struct gate_lab *s;
    int w; /* 0-based worker number */
};

/* The starter: prepare the data, then open the gate. */
static void gate_starter(void *arg)
{
    struct gate_lab *s = arg;

    for (long w = 0; w < s->workers; w++)
        rl_store(s->data[w], GATE_DATA + w);
    switch (s->variant) {
    case EVENT:
        rl_event_set(s->gate);
        break;
    case FLAG_SPIN:
        rl_store(s->open, 1);
        break;
    default:
        rl_event_set(s->gate);
        /* bug: a worker that has not reached wait() yet misses the set */
        rl_event_clear(s->gate);
        break;
    }
}

/* A worker: take a task number, wait at the gate, then read the task's
 * data. */
static void gate_worker(void *arg)
{
    struct gate_worker *me = arg;
    struct gate_lab *s = me->s;
    long task = rl_fetch_add(s->task, 1) % s->workers;

    if (s->variant == FLAG_SPIN) {
        /* busy-wait: each turn is two steps that do no useful work */
        while (!rl_load(s->open)) {
            s->spins[me->w]++;
            rl_yield();
        }
    } else {
        rl_event_wait(s->gate);
    }
    if (rl_load(s->data[task]) != GATE_DATA + task)
        rl_fail(GATE_CHECK, "%s passed the gate before the data was ready",
                rl_thread_name());
    rl_fetch_add(s->passed, 1);
}

/* Create the gate and the data; start the starter, then the workers. */
static void gate_setup(struct lab_inst *inst)
{
    struct gate_lab *s = rl_alloc(sizeof *s);
    char name[RL_NAME_MAX + 8];

    s->workers = lab_inst_param(inst, "workers");
    s->variant = inst->variant;
    s->spins = rl_alloc(sizeof *s->spins * (unsigned long)s->workers);
    if (s->variant == FLAG_SPIN)
        s->open = rl_var_create("open", 0);
    else
        s->gate = rl_event_create("gate");
    s->data = rl_alloc(sizeof *s->data * (unsigned long)s->workers);
    for (int w = 0; w < s->workers; w++) {
        snprintf(name, sizeof name, "data%d", w + 1);
        s->data[w] = rl_var_create(name, 0);
    }
    s->task = rl_var_create("task", 0);
    s->passed = rl_var_create("passed", 0);
    inst->state = s;
    rl_thread_start("starter", gate_starter, s);
    for (int w = 0; w < s->workers; w++) {
        struct gate_worker *me = rl_alloc(sizeof *me);
        me->s = s;
        me->w = w;
        snprintf(name, sizeof name, "W%d", w + 1);
        rl_thread_start(name, gate_worker, me);
    }
}

/* Every worker passed, none early; flag-spin also says what it cost. */
static void gate_check(struct rl_run *run, struct lab_inst *inst)
{
    struct gate_lab *s = inst->state;
    long passed = rl_var_peek(s->passed);
    long spins = 0;

    for (long w = 0; w < s->workers; w++)
        spins += s->spins[w];
    if (s->variant == FLAG_SPIN)
        rl_check(run, GATE_CHECK, passed == s->workers,
                 "%ld of %ld workers passed after the gate opened; "
                 "spinning wasted %ld steps (%ld turn%s of load + yield)",
                 passed, s->workers, 2 * spins, spins, spins == 1 ? "" : "s");
    else
        rl_check(run, GATE_CHECK, passed == s->workers,
                 "%ld of %ld workers passed after the gate opened", passed,
                 s->workers);
}

static const struct lab_param gate_params[] = {
    {"workers", "worker threads waiting at the gate", 2, 4, 1, 8},
};

static const struct lab_variant gate_variants[] = {
    [EVENT] = {"event", "workers wait() on an Event; the starter sets it",
               true},
    [FLAG_SPIN] = {"flag-spin",
                   "workers spin on a shared flag: correct but wasteful", true},
    [CLEAR_TOO_EARLY] = {"clear-too-early",
                         "set() then clear() at once: a late worker waits "
                         "forever",
                         false},
};

static const struct lab lab_event_gate = {
    .order = 80,
    .name = "event-gate",
    .title = "Event gate",
    .summary = "workers wait at a gate (an Event) until a starter opens it",
    .explain =
        "An Event is a flag threads can wait for: wait() blocks until\n"
        "another thread calls set(), then returns at once from then on.\n"
        "Spinning on a shared flag (while not open: yield) also works, but\n"
        "burns a step on every turn while it waits. Clearing the Event\n"
        "right after setting it is a trap: a worker already waiting is\n"
        "woken, but one that arrives after the clear waits forever.",
    .params = gate_params,
    .nparams = LAB_LEN(gate_params),
    .variants = gate_variants,
    .nvariants = LAB_LEN(gate_variants),
    .setup = gate_setup,
    .check = gate_check,
};
LAB_REGISTER(lab_event_gate);
