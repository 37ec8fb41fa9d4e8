/* SPDX-License-Identifier: MIT */
/*
 * lab.c - the registry of labs and the handling of a lab instance's
 * parameters.
 *
 * The table below is the only list of labs in the program: the command
 * line, the TUI and the grader find labs through lab_at() / lab_find().
 * A lab instance is a lab + a variant + one value per parameter; values
 * come from text (the command line, a schedule string) and are parsed
 * strictly here, so that every front end gives the same one-line error
 * ("threads must be 1..16, not 99"). lab_program() adapts an instance to
 * the engine's struct rl_program, which knows nothing about labs.
 */
#include "lab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exercise_labs.h"
#include "labs_all.h"

/* Display order: the course order, from the bug to the tools that fix it. */
/* clang-format off */
static const struct lab *const lab_table[] = {
    &lab_unsafe_counter,
    &lab_locked_counter,
    &lab_rlock_nesting,
    &lab_semaphore_pool,
    &lab_producer_consumer,
    &lab_lock_order,
    &lab_check_then_act,
    &lab_event_gate,
    &lab_barrier_phases,
    &lab_atomic_counter,
    &lab_interleaved_output,
    &lab_thread_pool,
    &lab_reorder,
};
/* clang-format on */

#define LAB_TABLE_LEN ((int)(sizeof lab_table / sizeof lab_table[0]))

/* Longest "key=value" piece lab_inst_set_all accepts. */
#define LAB_KV_MAX 128

/* Report a bug in a lab's own code (not in the user's input) and abort. */
static _Noreturn void lab_bug(const struct lab *lab, const char *what,
                              const char *key)
{
    fprintf(stderr, "racelab: bug in lab %s: %s '%s'\n", lab ? lab->name : "?",
            what, key ? key : "(null)");
    abort();
}

/* The number of listed labs: the built-in ones, then the exercises' main
 * scenarios (their other scenarios are hidden). */
int lab_count(void)
{
    int n = LAB_TABLE_LEN;
    for (int i = 0; i < ex_lab_count(); i++)
        n += !ex_lab_at(i)->hidden;
    return n;
}

/* The listed lab at display position i, or NULL when i is out of range. */
const struct lab *lab_at(int i)
{
    if (i < 0)
        return NULL;
    if (i < LAB_TABLE_LEN)
        return lab_table[i];
    i -= LAB_TABLE_LEN;
    for (int k = 0; k < ex_lab_count(); k++) {
        const struct lab *lab = ex_lab_at(k);
        if (!lab->hidden && i-- == 0)
            return lab;
    }
    return NULL;
}

/* The lab named name (listed or hidden), or NULL. */
const struct lab *lab_find(const char *name)
{
    if (!name)
        return NULL;
    for (int i = 0; i < LAB_TABLE_LEN; i++)
        if (strcmp(lab_table[i]->name, name) == 0)
            return lab_table[i];
    for (int i = 0; i < ex_lab_count(); i++)
        if (strcmp(ex_lab_at(i)->name, name) == 0)
            return ex_lab_at(i);
    return NULL;
}

/* The index of the variant named name, or -1. */
int lab_variant_find(const struct lab *lab, const char *name)
{
    if (!lab || !name)
        return -1;
    for (int i = 0; i < lab->nvariants; i++)
        if (strcmp(lab->variants[i].name, name) == 0)
            return i;
    return -1;
}

/* The index of the parameter keyed key, or -1. */
int lab_param_find(const struct lab *lab, const char *key)
{
    if (!lab || !key)
        return -1;
    for (int i = 0; i < lab->nparams; i++)
        if (strcmp(lab->params[i].key, key) == 0)
            return i;
    return -1;
}

/* Variant 0 and the defaults of backend; no state until setup runs. */
void lab_inst_init(struct lab_inst *inst, const struct lab *lab,
                   enum rl_backend backend)
{
    memset(inst, 0, sizeof *inst);
    inst->lab = lab;
    inst->variant = 0;
    inst->backend = backend;
    inst->state = NULL;
    if (lab->nparams > LAB_MAX_PARAMS)
        lab_bug(lab, "more than LAB_MAX_PARAMS parameters in", lab->name);
    for (int i = 0; i < lab->nparams; i++) {
        const struct lab_param *p = &lab->params[i];
        inst->params[i] = backend == RL_BACKEND_OS ? p->def_os : p->def;
    }
}

/* Write "key1, key2, ..." (the keys allowed) into buf. */
static void lab_format_keys(const struct lab *lab, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (int i = 0; i < lab->nparams && n < len; i++) {
        int w = snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                         lab->params[i].key);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    if (lab->nparams == 0)
        snprintf(buf, len, "it has no parameters");
}

/* Parse text as a whole decimal long: an optional '-' and digits only. */
static bool lab_parse_long(const char *text, long *out)
{
    const char *d = text[0] == '-' ? text + 1 : text;
    char *end;

    if (*d < '0' || *d > '9')
        return false;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

/* Set the parameter key from its text value; -1 and a message on error. */
int lab_inst_set(struct lab_inst *inst, const char *key, const char *value,
                 char *err, size_t errlen)
{
    const struct lab *lab = inst->lab;
    int i = lab_param_find(lab, key);

    if (i < 0) {
        char keys[160];
        lab_format_keys(lab, keys, sizeof keys);
        snprintf(err, errlen, "unknown parameter '%s' for %s (%s)",
                 key ? key : "", lab->name, keys);
        return -1;
    }
    const struct lab_param *p = &lab->params[i];
    long v;
    if (!value || !lab_parse_long(value, &v)) {
        snprintf(err, errlen, "%s must be an integer %ld..%ld, not '%s'",
                 p->key, p->min, p->max, value ? value : "");
        return -1;
    }
    if (v < p->min || v > p->max) {
        snprintf(err, errlen, "%s must be %ld..%ld, not %ld", p->key, p->min,
                 p->max, v);
        return -1;
    }
    inst->params[i] = v;
    return 0;
}

/* Set every "key=value" of a comma-separated list. All or nothing: on an
 * error inst is unchanged. An empty list (or NULL) sets nothing. */
int lab_inst_set_all(struct lab_inst *inst, const char *kvs, char *err,
                     size_t errlen)
{
    struct lab_inst tmp = *inst;
    const char *p = kvs;

    if (!kvs || !*kvs)
        return 0;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char kv[LAB_KV_MAX];

        if (n == 0) {
            snprintf(err, errlen,
                     "empty parameter in '%s' (expected key=value,...)", kvs);
            return -1;
        }
        if (n >= sizeof kv) {
            snprintf(err, errlen, "parameter '%.20s...' is too long", p);
            return -1;
        }
        memcpy(kv, p, n);
        kv[n] = '\0';
        char *eq = strchr(kv, '=');
        if (!eq || eq == kv) {
            snprintf(err, errlen,
                     "'%s' is not key=value (parameters are "
                     "key=value,key=value)",
                     kv);
            return -1;
        }
        *eq = '\0';
        if (lab_inst_set(&tmp, kv, eq + 1, err, errlen) < 0)
            return -1;
        if (!comma)
            break;
        p = comma + 1;
    }
    *inst = tmp;
    return 0;
}

/* The value of parameter key; an unknown key is a bug in the lab. */
long lab_inst_param(const struct lab_inst *inst, const char *key)
{
    int i = lab_param_find(inst->lab, key);

    if (i < 0)
        lab_bug(inst->lab, "no such parameter", key);
    return inst->params[i];
}

/* Write "k=v,k=v" in the lab's parameter order. Returns strlen(buf)
 * (truncated to len - 1 like snprintf, but never more than was written). */
size_t lab_inst_params_text(const struct lab_inst *inst, char *buf, size_t len)
{
    const struct lab *lab = inst->lab;
    size_t n = 0;

    if (len == 0)
        return 0;
    buf[0] = '\0';
    for (int i = 0; i < lab->nparams && n < len - 1; i++) {
        int w = snprintf(buf + n, len - n, "%s%s=%ld", i ? "," : "",
                         lab->params[i].key, inst->params[i]);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    return n < len ? n : len - 1;
}

/* rl_program.setup: the lab's setup with its instance. */
static void lab_program_setup(void *ctx)
{
    struct lab_inst *inst = ctx;

    inst->state = NULL;
    inst->lab->setup(inst);
}

/* rl_program.check: the lab's checks with its instance. */
static void lab_program_check(struct rl_run *run, void *ctx)
{
    struct lab_inst *inst = ctx;

    inst->lab->check(run, inst);
}

/* The engine program for inst; inst must outlive the run. */
struct rl_program lab_program(struct lab_inst *inst)
{
    struct rl_program prog = {
        .setup = lab_program_setup,
        .check = lab_program_check,
        .ctx = inst,
    };
    return prog;
}
