/* SPDX-License-Identifier: MIT */
/*
 * ex_main.c - the entry of an exercise built apart (core/program.h,
 * RL_BUILD_EXERCISE): the student's exercises/NAME.c, compiled with the
 * student_ prefix, is linked with librlex.a (the engine, the exercise
 * scenarios and this file), and the result serves racelab as a child
 * process (core/child.h).
 *
 * usage: PROGRAM LAB [PARAMS [sim|os]]
 *   LAB     the exercise lab: "counter" (its main scenario) or
 *           "counter.concurrent"
 *   PARAMS  "key=value,..." for the scenario (the parent sends every one)
 *
 * At the end of each run it sends the scenario's state (OBSERVE), which
 * racelab judges with its own copy of the scenario's check: the checks
 * this process computes are not believed.
 *
 * The program knows the function table of whichever exercise was linked
 * through weak references: only the one the student's file defines is
 * not NULL. Exit status 2 with a message on stderr for a bad command line
 * or an exercise whose table is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/child.h"
#include "../exercise_scenarios.h"

#define WEAK_IMPL(ex)                                                          \
    extern const struct ex##_impl student_##ex##_impl __attribute__((weak))

WEAK_IMPL(counter);
WEAK_IMPL(rlock);
WEAK_IMPL(bounded_semaphore);
WEAK_IMPL(bounded_buffer);
WEAK_IMPL(barrier);
WEAK_IMPL(pool);
WEAK_IMPL(transfer);

/* The student's table for exercise, or NULL if the file defines none. */
static const void *student_impl(const char *exercise)
{
    static const struct {
        const char *name;
        const void *impl;
    } tables[] = {
        {"counter", &student_counter_impl},
        {"rlock", &student_rlock_impl},
        {"bounded_semaphore", &student_bounded_semaphore_impl},
        {"bounded_buffer", &student_bounded_buffer_impl},
        {"barrier", &student_barrier_impl},
        {"pool", &student_pool_impl},
        {"transfer", &student_transfer_impl},
    };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (strcmp(tables[i].name, exercise) == 0)
            return tables[i].impl;
    return NULL;
}

/* Set "key=value,..." on in; -1 with a message on stderr. */
static int set_params(struct ex_inst *in, const char *text)
{
    char buf[512], err[160];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *kv = strtok(buf, ","); kv; kv = strtok(NULL, ",")) {
        char *eq = strchr(kv, '=');
        char *end;
        if (!eq) {
            fprintf(stderr, "racelab: '%s' is not key=value\n", kv);
            return -1;
        }
        *eq = '\0';
        long v = strtol(eq + 1, &end, 10);
        if (*end || ex_inst_set(in, kv, v, err, sizeof err) != 0) {
            fprintf(stderr, "racelab: %s\n", *end ? "bad value" : err);
            return -1;
        }
    }
    return 0;
}

/* OBSERVE (core/child.h): the state of the run that just ended, the
 * scenario's state_size bytes, for racelab to judge. */
static const void *observe_state(void *ctx, size_t *size)
{
    const struct ex_inst *in = ctx;
    *size = in->sc->state_size;
    return in->state;
}

/* Find the scenario, bind the student's table, serve. */
int main(int argc, char **argv)
{
    static struct ex_inst in;
    char exercise[64];
    if (argc < 2) {
        fprintf(stderr, "usage: %s LAB [PARAMS [sim|os]]\n", argv[0]);
        return 2;
    }
    snprintf(exercise, sizeof exercise, "%s", argv[1]);
    char *dot = strchr(exercise, '.');
    const char *scenario = dot ? dot + 1 : NULL;
    if (dot)
        *dot = '\0';
    const struct ex_exercise *ex = ex_exercise_find(exercise);
    const struct ex_scenario *sc =
        !ex ? NULL
            : scenario ? ex_scenario_find(exercise, scenario)
                       : ex->scenarios[0];
    if (!sc) {
        fprintf(stderr, "racelab: no exercise scenario '%s'\n", argv[1]);
        return 2;
    }
    const void *impl = student_impl(exercise);
    if (!impl) {
        fprintf(stderr,
                "racelab: the file does not define student_%s_impl: keep "
                "#include \"%s.h\" (it defines the table of your "
                "functions)\n",
                exercise, exercise);
        return 2;
    }
    enum rl_backend backend =
        argc > 3 && strcmp(argv[3], "os") == 0 ? RL_BACKEND_OS : RL_BACKEND_SIM;
    ex_inst_init(&in, sc, impl, backend);
    if (argc > 2 && set_params(&in, argv[2]) != 0)
        return 2;
    struct rl_program prog = ex_program(&in);
    rl_child_set_observe(observe_state, &in);
    return rl_child_main(&prog, argc, argv);
}
