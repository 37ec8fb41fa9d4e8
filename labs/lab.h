/* SPDX-License-Identifier: MIT */
/*
 * lab.h - what a lab is, and the registry.
 *
 * A lab is data plus thread bodies: a name, a title, a one-line summary, an
 * explanation of the concept (shown in the TUI), parameters with defaults
 * and bounds, variants (unsafe, locked, ...), a setup that creates the
 * shared objects and starts the threads through the student API, and checks
 * that judge the final state. One lab per file in labs/, which ends with
 * LAB_REGISTER(its_lab): that line puts a pointer to the lab in the linker
 * section rl_labs, and lab.c reads the section as the registry, sorted by
 * each lab's .order (then name). Adding a lab is adding its file: no table
 * to edit, no header to extend.
 *
 * A lab instance (struct lab_inst) is a lab + a variant + parameter values;
 * lab_program() turns it into the engine's struct rl_program.
 */
#ifndef RL_LAB_H
#define RL_LAB_H

#include <stdbool.h>
#include <stddef.h>

#include <limits.h>

#include "../core/program.h"
#include "../core/run.h"

#define LAB_MAX_PARAMS 8

struct lab_param {
    const char *key;      /* "threads", "iters", "capacity", ... */
    const char *help;     /* one line */
    long def;             /* default on sim (small: readable traces) */
    long def_os;          /* default on os (large: real races show) */
    long min, max;
};

struct lab_variant {
    const char *name;     /* "unsafe", "locked", ... */
    const char *summary;  /* one line */
    bool expect_pass;     /* do its checks hold under every schedule? */
};

struct lab_inst;

struct lab {
    int order;            /* place in `racelab list` (ties: by name); the
                             built-in labs use 10, 20, ... */
    const char *name;     /* "unsafe-counter" */
    const char *title;    /* "Unsafe counter" */
    const char *summary;  /* one line for `racelab list` */
    const char *explain;  /* a short paragraph for the TUI, '\n' allowed */
    const struct lab_param *params;
    int nparams;
    const struct lab_variant *variants;
    int nvariants;
    /* Create objects and start threads (the run is current). Allocate the
     * lab's state with rl_alloc() and keep it in inst->state. */
    void (*setup)(struct lab_inst *inst);
    /* Judge the final state with rl_check(). Called only when every thread
     * finished. */
    void (*check)(struct rl_run *run, struct lab_inst *inst);
    /* Not listed (lab_count / lab_at), but found by lab_find: an exercise's
     * secondary scenarios, which the grader's replay commands name. */
    bool hidden;
    /* Whether variant v runs built apart, in a child process (the
     * student's exercise code); NULL: every variant runs in racelab. Then
     * external_fill describes the child in inst->external (lab_program
     * calls it). */
    bool (*variant_external)(const struct lab *lab, int v);
    void (*external_fill)(struct lab_inst *inst);
};

/* The number of elements of a static array (params, variants). */
#define LAB_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Register var, a `static const struct lab` defined in the same file, with
 * the registry: a pointer to it in the section rl_labs, whose bounds the
 * linker provides (__start_rl_labs, __stop_rl_labs). */
#define LAB_REGISTER(var)                                                      \
    static const struct lab *const var##_entry                                 \
        __attribute__((used, section("rl_labs"))) = &(var)

struct lab_inst {
    const struct lab *lab;
    int variant;                   /* index into lab->variants */
    long params[LAB_MAX_PARAMS];   /* in lab->params order */
    enum rl_backend backend;
    void *state;                   /* the lab's, from rl_alloc() */
    /* The source of a variant built apart, when not racelab's own: a
     * folder holding the exercise's NAME.c, or one .c file (a student's
     * submission, `--submission PATH`); NULL: exercises/NAME.c. */
    const char *submission;
    /* A variant built apart (lab->variant_external): the child program
     * and its build, filled by lab_program (they point into the inst). */
    struct rl_external external;
    struct rl_build build;
    char ext_args[2][160];
    char ext_source[PATH_MAX];
};

/* The registry, in display order: the labs that are listed (not hidden),
 * the registered labs by .order then name, then the exercises. */
int lab_count(void);
const struct lab *lab_at(int i);
/* Find by name, hidden labs included; NULL if unknown. */
const struct lab *lab_find(const char *name);
/* The index of a variant by name, or -1. */
int lab_variant_find(const struct lab *lab, const char *name);
/* The index of a parameter by key, or -1. */
int lab_param_find(const struct lab *lab, const char *key);

/* Initialise an instance with the default variant (0) and the defaults for
 * backend. */
void lab_inst_init(struct lab_inst *inst, const struct lab *lab,
                   enum rl_backend backend);
/* Set a parameter from text ("threads", "4"). On error returns -1 with a
 * one-line message naming what is wrong and what is allowed
 * ("threads must be a whole number from 1 to 16, not '99'"; "unknown
 * parameter 'x' for unsafe-counter (threads, iters)"). */
int lab_inst_set(struct lab_inst *inst, const char *key, const char *value,
                 char *err, size_t errlen);
/* Set several from "k=v,k=v" (the parameter part of a schedule string). */
int lab_inst_set_all(struct lab_inst *inst, const char *kvs, char *err,
                     size_t errlen);
/* The value of a parameter by key (aborts on an unknown key: a lab bug). */
long lab_inst_param(const struct lab_inst *inst, const char *key);
/* Canonical "k=v,k=v" of every parameter, in the lab's order. */
size_t lab_inst_params_text(const struct lab_inst *inst, char *buf,
                            size_t len);
/* The engine program for this instance (ctx = inst, which must outlive the
 * run). A variant built apart gets program.external (pointing into inst):
 * rl_run_create then builds it if needed and runs it in a child. */
struct rl_program lab_program(struct lab_inst *inst);

#endif
