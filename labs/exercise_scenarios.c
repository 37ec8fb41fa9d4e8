/* SPDX-License-Identifier: MIT */
/*
 * exercise_scenarios.c - the list of exercises, scenario instances, and the
 * helpers the scenario files (labs/ex_NAME.c) share: first-failure flags
 * and a section that counts the threads inside it.
 *
 * The scenarios themselves live one exercise per file; this file only
 * binds them to implementations and parameters and turns them into engine
 * programs. Like every lab file it uses the student API, run.h and core's
 * allocation only.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "exercise_scenarios.h"

/* The section's bounds, from the linker. */
extern const struct ex_exercise *const __start_rl_exercises[];
extern const struct ex_exercise *const __stop_rl_exercises[];

/* The registered exercises in teaching order; built once. */
static const struct ex_exercise **exercises;
static int nexercises;
static pthread_once_t exercises_once = PTHREAD_ONCE_INIT;

/* qsort order: .order, then name. */
static int exercise_cmp(const void *a, const void *b)
{
    const struct ex_exercise *x = *(const struct ex_exercise *const *)a;
    const struct ex_exercise *y = *(const struct ex_exercise *const *)b;

    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Read the section into exercises, sorted. */
static void exercises_build(void)
{
    size_t n = (size_t)(__stop_rl_exercises - __start_rl_exercises);

    exercises = rl_xcalloc(n + 1, sizeof *exercises);
    for (size_t i = 0; i < n; i++)
        if (__start_rl_exercises[i] != NULL)
            exercises[nexercises++] = __start_rl_exercises[i];
    qsort(exercises, (size_t)nexercises, sizeof *exercises, exercise_cmp);
}

/* The number of exercises. */
int ex_exercise_count(void)
{
    pthread_once(&exercises_once, exercises_build);
    return nexercises;
}

/* Exercise i in teaching order, or NULL out of range. */
const struct ex_exercise *ex_exercise_at(int i)
{
    if (i < 0 || i >= ex_exercise_count())
        return NULL;
    return exercises[i];
}

/* The exercise called name, or NULL. */
const struct ex_exercise *ex_exercise_find(const char *name)
{
    for (int i = 0; i < ex_exercise_count(); i++)
        if (strcmp(exercises[i]->name, name) == 0)
            return exercises[i];
    return NULL;
}

/* Scenario `name` of exercise `exercise`, or NULL. */
const struct ex_scenario *ex_scenario_find(const char *exercise,
                                           const char *name)
{
    const struct ex_exercise *ex = ex_exercise_find(exercise);

    if (ex == NULL)
        return NULL;
    for (int i = 0; i < ex->nscenarios; i++)
        if (strcmp(ex->scenarios[i]->name, name) == 0)
            return ex->scenarios[i];
    return NULL;
}

/* Bind sc and impl with the defaults for backend. */
void ex_inst_init(struct ex_inst *in, const struct ex_scenario *sc,
                  const void *impl, enum rl_backend backend)
{
    memset(in, 0, sizeof *in);
    in->sc = sc;
    in->impl = impl;
    for (int i = 0; i < sc->nparams && i < LAB_MAX_PARAMS; i++)
        in->params[i] =
            backend == RL_BACKEND_OS ? sc->params[i].def_os : sc->params[i].def;
}

/* Set parameter key to value, within its bounds. */
int ex_inst_set(struct ex_inst *in, const char *key, long value, char *err,
                size_t errlen)
{
    for (int i = 0; i < in->sc->nparams; i++) {
        const struct lab_param *p = &in->sc->params[i];
        if (strcmp(p->key, key) != 0)
            continue;
        if (value < p->min || value > p->max) {
            snprintf(err, errlen,
                     "%s must be a whole number from %ld to %ld, not '%ld'",
                     key, p->min, p->max, value);
            return -1;
        }
        in->params[i] = value;
        return 0;
    }
    snprintf(err, errlen, "unknown parameter '%s' for %s %s", key,
             in->sc->exercise, in->sc->name);
    return -1;
}

/* The size the running setup's ex_state_alloc asked for (setup runs on
 * the thread that creates the run). */
static _Thread_local size_t state_allocated;

/* A scenario's state, its size noted. */
void *ex_state_alloc(size_t size)
{
    state_allocated = size;
    return rl_alloc(size);
}

/* Program setup: run the scenario's setup with the bound implementation. */
static void inst_setup(void *ctx)
{
    struct ex_inst *in = ctx;

    state_allocated = 0;
    in->state = in->sc->setup(in->impl, in->params);
    in->state_allocated = state_allocated;
}

/* Judge state here: observe, then check. */
void ex_scenario_judge(const struct ex_scenario *sc, struct rl_run *run,
                       const long *params, void *state)
{
    if (sc->observe)
        sc->observe(params, state);
    sc->check(run, params, state);
}

/* Program check: the scenario's check on the final state - for a mirror
 * run, on the copy the child sent (none: the engine's checks say why). */
static void inst_check(struct rl_run *run, void *ctx)
{
    struct ex_inst *in = ctx;

    if (rl_run_is_mirror(run)) {
        void *copy = rl_run_observed(run);
        if (copy != NULL)
            in->sc->check(run, in->params, copy);
        return;
    }
    ex_scenario_judge(in->sc, run, in->params, in->state);
}

/* The engine program of in. */
struct rl_program ex_program(struct ex_inst *in)
{
    struct rl_program p = {inst_setup, inst_check, in, NULL};
    return p;
}

/* The C name of a status code. */
const char *ex_status_name(int status)
{
    switch (status) {
    case RL_OK:
        return "RL_OK";
    case RL_TIMEOUT:
        return "RL_TIMEOUT";
    case RL_ERR_UNLOCKED:
        return "RL_ERR_UNLOCKED";
    case RL_ERR_NOT_OWNER:
        return "RL_ERR_NOT_OWNER";
    case RL_ERR_TOO_MANY:
        return "RL_ERR_TOO_MANY";
    case RL_ERR_WAIT_UNHELD:
        return "RL_ERR_WAIT_UNHELD";
    case RL_ERR_NOTIFY_UNHELD:
        return "RL_ERR_NOTIFY_UNHELD";
    case RL_ERR_BROKEN:
        return "RL_ERR_BROKEN";
    case RL_ERR_ARG:
        return "RL_ERR_ARG";
    case RL_ERR_LIMIT:
        return "RL_ERR_LIMIT";
    default:
        return "an unknown status";
    }
}

/* Record a failure; the first one's message is kept. */
void ex_flag_fail(struct ex_flag *f, const char *check, const char *fmt, ...)
{
    char msg[sizeof f->message];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Only the thread that takes failure 0 writes the message; the check
     * reads it after every thread has finished. */
    if (f->failures++ == 0)
        memcpy(f->message, msg, sizeof msg);
    rl_fail(check, "%s", msg);
}

/* Report the flag's check: the first failure, or ok_message. */
void ex_flag_report(struct rl_run *run, const struct ex_flag *f,
                    const char *check, const char *ok_message)
{
    if (f->failures == 0)
        rl_check(run, check, true, "%s", ok_message);
    else
        rl_check(run, check, false, "%.*s", (int)sizeof f->message,
                 f->message);
}

/* Create the section's "inside" counter. */
void ex_section_init(struct ex_section *s, long limit, const char *check)
{
    s->inside = rl_var_create("inside", 0);
    s->limit = limit;
    s->check = check;
}

/* Enter: one atomic step; too many inside fails the check. */
long ex_section_enter(struct ex_section *s)
{
    long n = rl_fetch_add(s->inside, 1) + 1;

    if (n > s->limit)
        ex_flag_fail(&s->flag, s->check,
                     "%ld threads were inside the section at once (limit "
                     "%ld)",
                     n, s->limit);
    return n;
}

/* Leave: one atomic step. */
void ex_section_leave(struct ex_section *s)
{
    rl_fetch_add(s->inside, -1);
}

/* Report the section's check. */
void ex_section_report(struct rl_run *run, const struct ex_section *s,
                       const char *check, long limit)
{
    char ok[80];

    snprintf(ok, sizeof ok, "at most %ld thread%s inside the section at once",
             limit, limit == 1 ? " was" : "s were");
    ex_flag_report(run, &s->flag, check, ok);
}
