/* SPDX-License-Identifier: MIT */
/*
 * cli_lab.c - the lab options checked against the registry: the backend,
 * the lab and its variant by name ('-' and '_' alike, with a "did you
 * mean" for a near miss), each parameter assignment in command-line order,
 * a --submission built before anything runs, and the sim scheduler from
 * --sched / --seed. cli.c collects the options as given (struct
 * cli_lab_args); cli_lab_resolve turns them into a struct lab_inst.
 *
 * Nothing here prints on its own (but the compile error of a C program
 * named as the lab: cli_program.c): a check that fails writes a one-line
 * message into the caller's err buffer.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/program.h"
#include "../../core/text.h"
#include "../../labs/exercise_scenarios.h"
#include "../../labs/program_lab.h"
#include "suggest.h"

int cli_parse_backend(const char *text, enum rl_backend *out, char *err,
                      size_t errlen)
{
    if (strcmp(text, "sim") == 0) {
        *out = RL_BACKEND_SIM;
        return 0;
    }
    if (strcmp(text, "os") == 0) {
        *out = RL_BACKEND_OS;
        return 0;
    }
    snprintf(err, errlen, "unknown backend '%s'; backends: sim, os", text);
    return -1;
}

size_t cli_lab_names(char *buf, size_t len)
{
    size_t n = 0;
    int i;

    if (len > 0)
        buf[0] = '\0';
    for (i = 0; i < lab_count(); i++) {
        int w = snprintf(buf + (n < len ? n : len), n < len ? len - n : 0,
                         "%s%s", i > 0 ? ", " : "", lab_at(i)->name);
        n += (size_t)w;
    }
    return n;
}

/* The listed lab whose name is name with '-' and '_' alike, or NULL. */
static const struct lab *lab_find_loose(const char *name)
{
    for (int i = 0; i < lab_count(); i++)
        if (suggest_same_name(lab_at(i)->name, name))
            return lab_at(i);
    return NULL;
}

const struct lab *cli_find_lab(const char *name, char *err, size_t errlen)
{
    const struct lab *lab = lab_find(name);
    const char *names[128];
    char list[1024];
    int i, n = 0;

    if (lab == NULL && program_lab_is_program(name))
        return cli_program_find(name, err, errlen);
    if (lab == NULL)
        lab = lab_find_loose(name);
    if (lab != NULL)
        return lab;
    snprintf(err, errlen, "unknown lab '%s'", name);
    for (i = 0; i < lab_count() && n < 128; i++)
        names[n++] = lab_at(i)->name;
    if (suggest_append(err, errlen, name, names, n))
        return NULL;
    cli_lab_names(list, sizeof list);
    snprintf(err, errlen, "unknown lab '%s'; labs: %s", name, list);
    return NULL;
}

int cli_find_variant(const struct lab *lab, const char *name, char *err,
                     size_t errlen)
{
    int v = lab_variant_find(lab, name);
    const char *names[32];
    size_t n;
    int i;

    for (i = 0; v < 0 && i < lab->nvariants; i++)
        if (suggest_same_name(lab->variants[i].name, name))
            v = i;
    if (v >= 0)
        return v;
    snprintf(err, errlen, "unknown variant '%s' for %s", name, lab->name);
    for (i = 0; i < lab->nvariants && i < 32; i++)
        names[i] = lab->variants[i].name;
    if (suggest_append(err, errlen, name, names, i))
        return -1;
    n = (size_t)snprintf(
        err, errlen, "unknown variant '%s' for %s; variants:", name, lab->name);
    for (i = 0; i < lab->nvariants && n < errlen; i++)
        n += (size_t)snprintf(err + n, errlen - n, "%s %s", i > 0 ? "," : "",
                              lab->variants[i].name);
    return -1;
}

/* "a, b" of lab's parameter keys ("none" if it has none). */
static void lab_param_names(const struct lab *lab, char *buf, size_t len)
{
    size_t n = 0;
    int i;

    snprintf(buf, len, "none");
    for (i = 0; i < lab->nparams && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i > 0 ? ", " : "",
                              lab->params[i].key);
}

/* The key of lab's parameter named key with '-' and '_' alike, or key. */
static const char *param_key(const struct lab *lab, const char *key)
{
    for (int i = 0; i < lab->nparams; i++)
        if (suggest_same_name(lab->params[i].key, key))
            return lab->params[i].key;
    return key;
}

/* After lab_inst_set failed on key: for an unknown key near a parameter,
 * err becomes "unknown parameter 'x' for LAB; did you mean 'y'?". */
static void param_suggest(const struct lab *lab, const char *key, char *err,
                          size_t errlen)
{
    const char *names[LAB_MAX_PARAMS];
    int i;

    if (lab_param_find(lab, param_key(lab, key)) >= 0)
        return; /* a known key with a bad value: err says so */
    for (i = 0; i < lab->nparams && i < LAB_MAX_PARAMS; i++)
        names[i] = lab->params[i].key;
    if (suggest_nearest(key, names, i) == NULL)
        return;
    snprintf(err, errlen, "unknown parameter '%s' for %s", key, lab->name);
    suggest_append(err, errlen, key, names, i);
}

int cli_lab_resolve(const struct cli_lab_args *a, struct lab_inst *inst,
                    char *err, size_t errlen)
{
    enum rl_backend backend = RL_BACKEND_SIM;
    const struct lab *lab;
    char names[256];
    int i, v;

    lab = cli_find_lab(a->lab, err, errlen);
    if (lab == NULL)
        return -1;
    if (a->backend != NULL &&
        cli_parse_backend(a->backend, &backend, err, errlen) < 0)
        return -1;
    lab_inst_init(inst, lab, backend);
    if (a->variant != NULL) {
        v = cli_find_variant(lab, a->variant, err, errlen);
        if (v < 0)
            return -1;
        inst->variant = v;
    }
    for (i = 0; i < a->nsets; i++) {
        const struct cli_set *s = &a->sets[i];

        /* --threads / --iters are shorthands: say which lab lacks them. */
        if (strcmp(s->opt, "--set") != 0 && lab_param_find(lab, s->key) < 0) {
            lab_param_names(lab, names, sizeof names);
            snprintf(err, errlen,
                     "%s: lab %s has no parameter '%s' (its parameters: %s)",
                     s->opt, lab->name, s->key, names);
            return -1;
        }
        if (lab_inst_set(inst, param_key(lab, s->key), s->value, err,
                         errlen) < 0) {
            param_suggest(lab, s->key, err, errlen);
            return -1;
        }
    }
    if (a->submission != NULL)
        return cli_submission_prepare(inst, a->submission, err, errlen);
    return 0;
}

void cli_first_error_line(char *msg)
{
    char *line = msg, *first = NULL;

    /* The compiler's first " error: ", else the linker's first
     * "undefined reference" (its closing "collect2: error" says only that
     * ld failed). */
    for (int pass = 0; pass < 2 && first == NULL; pass++) {
        const char *key = pass == 0 ? " undefined reference " : " error: ";
        line = msg;
        while (*line != '\0' && first == NULL) {
            size_t n = strcspn(line, "\n");
            char *e = strstr(line, key);

            if (e != NULL && (size_t)(e - line) < n &&
                strncmp(line, "collect2:", 9) != 0)
                first = line;
            line += n + (line[n] == '\n');
        }
    }
    if (first == NULL)
        first = msg;
    memmove(msg, first, strcspn(first, "\n"));
    msg[strcspn(first, "\n")] = '\0';
}

/* Whether path (one .c file) is named after an exercise other than ex;
 * then its name is in other. */
static bool submission_other_exercise(const char *path, const char *ex,
                                      char *other, size_t len)
{
    const char *base = strrchr(path, '/');
    size_t n;

    base = base != NULL ? base + 1 : path;
    n = strlen(base);
    if (n < 3 || strcmp(base + n - 2, ".c") != 0)
        return false;
    snprintf(other, len, "%.*s", (int)(n - 2), base);
    return strcmp(other, ex) != 0 && ex_exercise_find(other) != NULL;
}

int cli_submission_prepare(struct lab_inst *inst, const char *path, char *err,
                           size_t errlen)
{
    const struct lab *lab = inst->lab;
    struct rl_program prog;
    char exe[PATH_MAX], other[256];
    struct stat st;

    if (lab->variant_external == NULL ||
        !lab->variant_external(lab, inst->variant)) {
        snprintf(err, errlen,
                 "--submission applies to the student variant of an exercise, "
                 "not %s/%s",
                 lab->name, lab->variants[inst->variant].name);
        return -1;
    }
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "--submission %s: %s", path, strerror(errno));
        return -1;
    }
    inst->submission = path;
    prog = lab_program(inst);
    if (S_ISDIR(st.st_mode) && access(inst->ext_source, F_OK) != 0) {
        snprintf(err, errlen, "--submission %s: the submission has no %s.c",
                 path, inst->build.exercise);
        return -1;
    }
    if (!S_ISDIR(st.st_mode) &&
        submission_other_exercise(path, inst->build.exercise, other,
                                  sizeof other)) {
        snprintf(err, errlen,
                 "--submission %s is the %s exercise, not %s (give its "
                 "folder, or %s.c)",
                 path, other, inst->build.exercise, inst->build.exercise);
        return -1;
    }
    if (rl_program_build(prog.external->build, exe, sizeof exe, err, errlen) !=
        0) {
        cli_first_error_line(err);
        return -1;
    }
    cli_warnings_add_exe(exe);
    return 0;
}

int cli_exercise_prepare(struct lab_inst *inst, char *err, size_t errlen)
{
    const struct lab *lab = inst->lab;
    struct rl_program prog;
    char exe[PATH_MAX];

    if (inst->submission != NULL || program_lab_is(lab) ||
        lab->variant_external == NULL ||
        !lab->variant_external(lab, inst->variant))
        return 0;
    prog = lab_program(inst);
    if (access(inst->ext_source, F_OK) != 0 &&
        rl_exercise_source(inst->build.exercise, exe, sizeof exe, err,
                           errlen) != 0)
        return -1; /* what to pass, in one line */
    if (rl_program_build(prog.external->build, exe, sizeof exe, err, errlen) !=
        0) {
        cli_first_error_line(err);
        return -1;
    }
    cli_warnings_add_exe(exe);
    return 0;
}

size_t cli_submission_option(const struct lab_inst *inst, char *buf,
                             size_t len)
{
    size_t n;

    if (inst->submission == NULL) {
        if (len > 0)
            buf[0] = '\0';
        return 0;
    }
    n = (size_t)snprintf(buf, len, " --submission ");
    return n + rl_text_shell_word(buf + (n < len ? n : len),
                                  n < len ? len - n : 0, inst->submission);
}

int cli_sched_resolve(const struct cli_lab_args *a, enum rl_backend backend,
                      struct rl_sched *out, bool *given, char *err,
                      size_t errlen)
{
    char spec[64];
    uint64_t seed;

    memset(out, 0, sizeof *out);
    *given = a->sched != NULL || a->seed != NULL;
    if (a->sched != NULL && a->seed != NULL) {
        snprintf(err, errlen,
                 "give --sched or --seed, not both (--seed N means --sched "
                 "random:N)");
        return -1;
    }
    if (*given && backend == RL_BACKEND_OS) {
        snprintf(err, errlen,
                 "%s chooses the sim scheduler; the os backend is scheduled "
                 "by the operating system",
                 a->sched != NULL ? "--sched" : "--seed");
        return -1;
    }
    if (a->seed != NULL) {
        if (cli_parse_u64("--seed", a->seed, 0, UINT64_MAX, &seed, err,
                          errlen) < 0)
            return -1;
        snprintf(spec, sizeof spec, "random:%" PRIu64, seed);
        return rl_sched_parse(spec, out, err, errlen);
    }
    return rl_sched_parse(a->sched != NULL ? a->sched : CLI_DEFAULT_SCHED, out,
                          err, errlen);
}
