/* SPDX-License-Identifier: MIT */
/*
 * exercise_labs.c - every exercise scenario as a lab with two variants,
 * `student` (exercises/NAME.c, built apart with the student_ prefix and
 * run in a child process: see core/child.h) and `reference`
 * (solutions/NAME.c, linked into racelab with the reference_ prefix).
 *
 * The labs are built once, on first use, from the scenario registry
 * (labs/exercise_scenarios.h): their names, texts and parameters are the
 * scenario's, so there is one source of truth for what an exercise checks.
 */
#include "exercise_labs.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exercise_scenarios.h"

RL_EXERCISE_IMPL_DECLARE(reference_, counter);
RL_EXERCISE_IMPL_DECLARE(reference_, rlock);
RL_EXERCISE_IMPL_DECLARE(reference_, bounded_semaphore);
RL_EXERCISE_IMPL_DECLARE(reference_, bounded_buffer);
RL_EXERCISE_IMPL_DECLARE(reference_, barrier);
RL_EXERCISE_IMPL_DECLARE(reference_, pool);
RL_EXERCISE_IMPL_DECLARE(reference_, transfer);

/* The reference implementation of each exercise, linked into racelab.
 * The student's is not: it is built apart and runs in a child process
 * (labs/child/ex_main.c), so that a compile error or a crash in one
 * exercise touches only that exercise. */
static const struct {
    const char *exercise;
    const void *impl[2]; /* student (NULL: built apart), reference */
} impls[] = {
    {"counter", {NULL, &reference_counter_impl}},
    {"rlock", {NULL, &reference_rlock_impl}},
    {"bounded_semaphore", {NULL, &reference_bounded_semaphore_impl}},
    {"bounded_buffer", {NULL, &reference_bounded_buffer_impl}},
    {"barrier", {NULL, &reference_barrier_impl}},
    {"pool", {NULL, &reference_pool_impl}},
    {"transfer", {NULL, &reference_transfer_impl}},
};

#define NIMPLS ((int)(sizeof impls / sizeof impls[0]))
#define MAX_EX_LABS 64

static const struct lab_variant variants[] = {
    {"student", "your code: exercises/NAME.c", true},
    {"reference", "the reference solution: solutions/NAME.c", true},
};

/* A lab whose first member is the struct lab the registry hands out, so
 * that setup can find its scenario from inst->lab. */
struct ex_lab {
    struct lab lab;
    const struct ex_scenario *sc;
    const void *impl[2];
    char name[64];
    char title[96];
    char summary[128];
    char explain[640];
    struct lab_variant variants[2];
    char vsummary[2][80];
};

static struct ex_lab ex_labs[MAX_EX_LABS];
static int n_ex_labs;
static pthread_once_t built = PTHREAD_ONCE_INIT;

static void ex_lab_setup(struct lab_inst *inst)
{
    const struct ex_lab *el = (const struct ex_lab *)inst->lab;
    if (el->impl[inst->variant]) /* else built apart: nothing here */
        inst->state = el->sc->setup(el->impl[inst->variant], inst->params);
}

/* The student variant is built apart. */
static bool ex_lab_variant_external(const struct lab *lab, int v)
{
    const struct ex_lab *el = (const struct ex_lab *)lab;
    return v >= 0 && v < 2 && el->impl[v] == NULL;
}

/* The child of the student variant: exercises/NAME.c built with the
 * exercise library; the child serves this lab (scenario) with these
 * parameters. */
static void ex_lab_external_fill(struct lab_inst *inst)
{
    const struct ex_lab *el = (const struct ex_lab *)inst->lab;
    char home[PATH_MAX], cwd[PATH_MAX], err[8];
    const char *ex = el->sc->exercise;
    if (rl_home(home, sizeof home, err, sizeof err) != 0 ||
        (getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, home) == 0))
        snprintf(inst->ext_source, sizeof inst->ext_source,
                 "exercises/%s.c", ex);
    else
        snprintf(inst->ext_source, sizeof inst->ext_source,
                 "%.4000s/exercises/%s.c", home, ex);
    inst->build.kind = RL_BUILD_EXERCISE;
    inst->build.exercise = ex;
    inst->build.sources[0] = inst->ext_source;
    snprintf(inst->ext_args[0], sizeof inst->ext_args[0], "%s", el->name);
    lab_inst_params_text(inst, inst->ext_args[1], sizeof inst->ext_args[1]);
    inst->external.build = &inst->build;
    inst->external.argv[0] = inst->ext_args[0];
    inst->external.argv[1] = inst->ext_args[1];
    inst->external.argv[2] = inst->backend == RL_BACKEND_OS ? "os" : "sim";
}

static void ex_lab_check(struct rl_run *run, struct lab_inst *inst)
{
    const struct ex_lab *el = (const struct ex_lab *)inst->lab;
    el->sc->check(run, inst->params, inst->state);
}

int ex_lab_name(const char *exercise, const char *scenario, int main_scenario,
                char *buf, size_t len)
{
    if (main_scenario)
        return snprintf(buf, len, "%s", exercise);
    return snprintf(buf, len, "%s.%s", exercise, scenario);
}

/* Copy text into buf, filling lines up to width columns: the scenario
 * texts are paragraphs, the labs' are lines a TUI panel can show as is. */
static void wrap(const char *text, char *buf, size_t len, int width)
{
    size_t n = 0;
    int col = 0;
    const char *p = text;
    while (*p && n + 2 < len) {
        if (*p == '\n') {
            buf[n++] = '\n';
            col = 0;
            p++;
            continue;
        }
        if (*p == ' ' && col == 0) {
            p++;
            continue;
        }
        size_t w = strcspn(p, " \n");
        if (col > 0 && col + 1 + (int)w > width) {
            buf[n++] = '\n';
            col = 0;
            continue;
        }
        if (*p == ' ') {
            buf[n++] = ' ';
            col++;
            p++;
            continue;
        }
        if (n + w + 1 >= len)
            break;
        memcpy(buf + n, p, w);
        n += w;
        col += (int)w;
        p += w;
    }
    buf[n] = '\0';
}

/* Build the labs from the scenario registry (once). */
static void build(void)
{
    for (int e = 0; e < ex_exercise_count(); e++) {
        const struct ex_exercise *ex = ex_exercise_at(e);
        int k = 0;
        while (k < NIMPLS && strcmp(impls[k].exercise, ex->name) != 0)
            k++;
        if (k == NIMPLS)
            continue; /* no implementation linked: not a lab */
        for (int s = 0; s < ex->nscenarios && n_ex_labs < MAX_EX_LABS; s++) {
            const struct ex_scenario *sc = ex->scenarios[s];
            struct ex_lab *el = &ex_labs[n_ex_labs++];
            el->sc = sc;
            el->impl[0] = impls[k].impl[0];
            el->impl[1] = impls[k].impl[1];
            ex_lab_name(ex->name, sc->name, s == 0, el->name,
                        sizeof(el->name));
            if (s == 0)
                snprintf(el->title, sizeof(el->title), "%s", ex->title);
            else
                snprintf(el->title, sizeof(el->title), "%s (%s)", ex->title,
                         sc->name);
            snprintf(el->summary, sizeof(el->summary), "exercise: %s",
                     sc->summary);
            wrap(ex->explain, el->explain, sizeof(el->explain), 70);
            for (int v = 0; v < 2; v++) {
                el->variants[v] = variants[v];
                snprintf(el->vsummary[v], sizeof(el->vsummary[v]), "%s: %s%s.c",
                         v == 0 ? "your code" : "the reference solution",
                         v == 0 ? "exercises/" : "solutions/", ex->name);
                el->variants[v].summary = el->vsummary[v];
            }
            el->lab = (struct lab){
                .name = el->name,
                .title = el->title,
                .summary = el->summary,
                .explain = el->explain,
                .params = sc->params,
                .nparams = sc->nparams,
                .variants = el->variants,
                .nvariants = 2,
                .setup = ex_lab_setup,
                .check = ex_lab_check,
                .hidden = s != 0,
                .variant_external = ex_lab_variant_external,
                .external_fill = ex_lab_external_fill,
            };
        }
    }
}

int ex_lab_count(void)
{
    pthread_once(&built, build);
    return n_ex_labs;
}

const struct lab *ex_lab_at(int i)
{
    pthread_once(&built, build);
    return i >= 0 && i < n_ex_labs ? &ex_labs[i].lab : NULL;
}
