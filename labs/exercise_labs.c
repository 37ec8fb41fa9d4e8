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
 * The two implementations of each exercise come from the registry of
 * implementations (the rl_impls section, exercises/exercise.h): an
 * exercise is a lab as soon as its student_ and reference_ tables are
 * linked, with no list here to extend.
 */
#include "exercise_labs.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exercise_scenarios.h"

/* The registry of implementations (exercises/exercise.h), from the
 * linker: every exercises/impl/NAME.c built into racelab. */
extern const struct rl_exercise_impl *const __start_rl_impls[];
extern const struct rl_exercise_impl *const __stop_rl_impls[];

/* The table of exercise built with prefix, or NULL. */
static const void *impl_find(const char *prefix, const char *exercise)
{
    for (const struct rl_exercise_impl *const *e = __start_rl_impls;
         e < __stop_rl_impls; e++)
        if (strcmp((*e)->prefix, prefix) == 0 &&
            strcmp((*e)->exercise, exercise) == 0)
            return (*e)->table;
    return NULL;
}

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

/* The child of the student variant: exercises/NAME.c (or the
 * submission's NAME.c, or its one file) built with the exercise library;
 * the child serves this lab (scenario) with these parameters. */
static void ex_lab_external_fill(struct lab_inst *inst)
{
    const struct ex_lab *el = (const struct ex_lab *)inst->lab;
    char err[8];
    const char *ex = el->sc->exercise;
    struct stat st;
    if (inst->submission != NULL) {
        if (stat(inst->submission, &st) == 0 && S_ISDIR(st.st_mode))
            snprintf(inst->ext_source, sizeof inst->ext_source, "%.4000s/%s.c",
                     inst->submission, ex);
        else
            snprintf(inst->ext_source, sizeof inst->ext_source, "%s",
                     inst->submission);
    } else {
        /* this tree's file (a missing one: the build says so, and the
         * command line what to pass) */
        (void)rl_exercise_source(ex, inst->ext_source,
                                 sizeof inst->ext_source, err, sizeof err);
    }
    inst->build.kind = RL_BUILD_EXERCISE;
    inst->build.exercise = ex;
    /* As graded, the tree's exercises/NAME.c too: the include path holds
     * only the student API (core/program.h), never racelab's sources. */
    inst->build.api_only = true;
    /* Compiled as a copy in a folder of its own, so that no relative
     * #include ("../solutions/counter.c") reaches beside it either; the
     * messages still name the file as given. */
    inst->build.private_copy = true;
    inst->build.names_as_given = true;
    inst->build.sources[0] = inst->ext_source;
    snprintf(inst->ext_args[0], sizeof inst->ext_args[0], "%s", el->name);
    lab_inst_params_text(inst, inst->ext_args[1], sizeof inst->ext_args[1]);
    inst->external.build = &inst->build;
    inst->external.argv[0] = inst->ext_args[0];
    inst->external.argv[1] = inst->ext_args[1];
    inst->external.argv[2] = inst->backend == RL_BACKEND_OS ? "os" : "sim";
    inst->external.observe_size = el->sc->state_size; /* racelab judges */
}

/* The lab's check: on the state here, or - the student variant, built
 * apart - on the copy of the child's final state, in this process with
 * this instance's scenario and parameters (core/child.h, OBSERVE): the
 * child's own checks are not believed. No copy (the run did not end
 * well): the engine's checks say why. */
static void ex_lab_check(struct rl_run *run, struct lab_inst *inst)
{
    const struct ex_lab *el = (const struct ex_lab *)inst->lab;
    if (!rl_run_is_mirror(run)) {
        ex_scenario_judge(el->sc, run, inst->params, inst->state);
        return;
    }
    void *copy = rl_run_observed(run);
    if (copy != NULL)
        el->sc->check(run, inst->params, copy);
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
        const void *student = impl_find("student_", ex->name);
        const void *reference = impl_find("reference_", ex->name);

        /* The student's implementation is linked only into test
         * programs; in racelab it is NULL: built apart and run in a child
         * process (labs/child/ex_main.c), so that a compile error or a
         * crash in one exercise touches only that exercise. */
        if (reference == NULL)
            continue; /* no reference linked: not a lab */
        for (int s = 0; s < ex->nscenarios && n_ex_labs < MAX_EX_LABS; s++) {
            const struct ex_scenario *sc = ex->scenarios[s];
            struct ex_lab *el = &ex_labs[n_ex_labs++];
            el->sc = sc;
            el->impl[0] = student;
            el->impl[1] = reference;
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
