/* SPDX-License-Identifier: MIT */
/*
 * cli.c - what the commands share: the one option loop (cli_parse: GNU
 * style long options, before or after positional arguments, with a "did
 * you mean" for a near miss), number parsing that names the allowed range
 * in words, the lab options (lab, variant, backend, scheduler, parameters)
 * checked against the registry,
 * and the text a run prints (events, final state, checks, how it ended,
 * the schedule string and the replay command).
 *
 * Nothing here exits or prints an error on its own: a helper that fails
 * writes a one-line message into the caller's buffer, and the command
 * prints it with cli_error() and returns CLI_EXIT_USAGE.
 */
#include "../../core/mem.h"
#include "cli.h"

#include "../../core/analysis.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/program.h"
#include "../../core/schedule.h"
#include "../../core/text.h"
#include "../../labs/program_lab.h"
#include "../../labs/exercise_scenarios.h"
#include "suggest.h"

int cli_error(const char *fmt, ...)
{
    va_list ap;
    char msg[2048];
    char safe[4 * sizeof msg];

    fflush(stdout); /* keep the order of what was printed before */
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* The message may echo an argument: one line, no escape sequences,
     * whole UTF-8 characters (core/text.h). */
    rl_text_escape(safe, sizeof safe, msg, strlen(msg));
    fprintf(stderr, "racelab: %s\n", safe);
    return CLI_EXIT_USAGE;
}

int cli_help(const struct cli_command *cmd)
{
    fputs(cmd->usage, stdout);
    return CLI_EXIT_OK;
}

/* ---- option parsing ------------------------------------------------------ */

void cli_parser_init(struct cli_parser *p, const struct cli_command *cmd,
                     int argc, char **argv)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->argc = argc;
    p->argv = argv;
    p->next = 1;
}

/* The row of opts for "--name" (n bytes of name) or short option c. */
static const struct cli_option *option_find(const struct cli_option *opts,
                                            const char *name, size_t n, char c)
{
    for (; opts->name != NULL; opts++) {
        if (name != NULL && strlen(opts->name) == n &&
            strncmp(opts->name, name, n) == 0)
            return opts;
        if (name == NULL && c != 0 && opts->short_name == c)
            return opts;
    }
    return NULL;
}

/* Append "; did you mean '--NAME'?" to p->err for a long option near one
 * of opts (or --help). */
static void option_suggest(struct cli_parser *p, const struct cli_option *opts)
{
    char names[CLI_MAX_IDS + 1][64];
    const char *ptrs[CLI_MAX_IDS + 1];
    int n = 0;

    if (strncmp(p->opt, "--", 2) != 0)
        return;
    for (; opts->name != NULL && n < CLI_MAX_IDS; opts++, n++) {
        snprintf(names[n], sizeof names[n], "--%s", opts->name);
        ptrs[n] = names[n];
    }
    ptrs[n++] = "--help";
    suggest_append(p->err, sizeof p->err, p->opt, ptrs, n);
}

int cli_next(struct cli_parser *p, const struct cli_option *opts)
{
    const struct cli_option *o;
    const char *a, *value = NULL;
    size_t n;

    p->arg = NULL;
    p->opt[0] = '\0';
    p->err[0] = '\0';
    for (;;) {
        if (p->next >= p->argc)
            return CLI_END;
        a = p->argv[p->next++];
        if (p->only_args || a[0] != '-' || a[1] == '\0') {
            p->arg = a;
            return CLI_ARG;
        }
        if (strcmp(a, "--") != 0)
            break;
        p->only_args = true;
    }

    if (a[1] == '-') {
        const char *name = a + 2;
        const char *eq = strchr(name, '=');

        n = eq != NULL ? (size_t)(eq - name) : strlen(name);

        snprintf(p->opt, sizeof p->opt, "--%.*s", (int)n, name);
        if (eq == NULL && strcmp(name, "help") == 0)
            return CLI_HELP;
        o = option_find(opts, name, n, 0);
        if (o == NULL)
            goto unknown;
        if (eq != NULL) {
            if (!o->has_arg) {
                snprintf(p->err, sizeof p->err,
                         "option %s takes no value (see 'racelab help %s')",
                         p->opt, p->cmd->name);
                return CLI_ERR;
            }
            value = eq + 1;
        }
    } else {
        snprintf(p->opt, sizeof p->opt, "%.40s", a);
        if (a[2] != '\0')
            goto unknown;
        if (a[1] == 'h')
            return CLI_HELP;
        o = option_find(opts, NULL, 0, a[1]);
        if (o == NULL)
            goto unknown;
    }

    if (o->has_arg && value == NULL) {
        /* A following "--option" is a forgotten value, not the value. */
        if (p->next >= p->argc || strncmp(p->argv[p->next], "--", 2) == 0) {
            snprintf(p->err, sizeof p->err,
                     "option %s needs a value (see 'racelab help %s')", p->opt,
                     p->cmd->name);
            return CLI_ERR;
        }
        value = p->argv[p->next++];
    }
    p->arg = value;
    return o->id;

unknown:
    snprintf(p->err, sizeof p->err, "unknown option '%s' for %s", p->opt,
             p->cmd->name);
    option_suggest(p, opts);
    n = strlen(p->err);
    snprintf(p->err + n, sizeof p->err - n, " (see 'racelab help %s')",
             p->cmd->name);
    return CLI_ERR;
}

int cli_parse_u64(const char *opt, const char *text, uint64_t min, uint64_t max,
                  uint64_t *out, char *err, size_t errlen)
{
    unsigned long long v;
    char *end;

    if (text[0] < '0' || text[0] > '9')
        goto bad;
    errno = 0;
    v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE || v < min || v > max)
        goto bad;
    *out = v;
    return 0;

bad:
    snprintf(err, errlen,
             "%s must be a whole number from %" PRIu64 " to %" PRIu64
             ", not '%s'",
             opt, min, max, text);
    return -1;
}

int cli_parse_seconds(const char *opt, const char *text, double max,
                      double *out, char *err, size_t errlen)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !(v > 0) || v > max) {
        snprintf(err, errlen,
                 "%s must be a number of seconds, more than 0 and at most "
                 "%.0f, not '%s'",
                 opt, max, text);
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- the one option loop ------------------------------------------------- */

/* The complaint about operand arg, one more than cmd takes. */
static void operand_excess(const struct cli_command *cmd, const char *arg,
                           char *err, size_t errlen)
{
    if (cmd->max_operands == 0 || cmd->operand == NULL)
        snprintf(err, errlen,
                 "unexpected argument '%s': %s takes no arguments (see "
                 "'racelab help %s')",
                 arg, cmd->name, cmd->name);
    else if (cmd->max_operands == 1)
        snprintf(err, errlen,
                 "unexpected argument '%s': %s takes one %s (see 'racelab "
                 "help %s')",
                 arg, cmd->name, cmd->operand, cmd->name);
    else
        snprintf(err, errlen,
                 "unexpected argument '%s': %s takes at most %d (see "
                 "'racelab help %s')",
                 arg, cmd->name, cmd->max_operands, cmd->name);
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv,
              struct cli_args *out, struct cli_lab_args *lab, char *err,
              size_t errlen)
{
    static const struct cli_option none[] = {{NULL, 0, false, 0}};
    const struct cli_option *opts = cmd->options ? cmd->options : none;
    struct cli_parser p;
    int id, r;

    memset(out, 0, sizeof *out);
    if (lab != NULL)
        memset(lab, 0, sizeof *lab);
    cli_parser_init(&p, cmd, argc, argv);
    while ((id = cli_next(&p, opts)) != CLI_END) {
        if (id == CLI_HELP)
            return 1;
        if (id == CLI_ERR) {
            snprintf(err, errlen, "%s", p.err);
            return -1;
        }
        if (id == CLI_ARG) {
            if (out->noperands >= cmd->max_operands ||
                out->noperands >= CLI_MAX_OPERANDS) {
                operand_excess(cmd, p.arg, err, errlen);
                return -1;
            }
            out->operands[out->noperands++] = p.arg;
            continue;
        }
        r = lab != NULL ? cli_lab_option(lab, id, p.opt, p.arg, err, errlen)
                        : 0;
        if (r < 0)
            return -1;
        if (r == 0 && id > 0 && id < CLI_MAX_IDS)
            out->value[id] = p.arg != NULL ? p.arg : "";
    }
    return 0;
}

bool cli_parse_command(const struct cli_command *cmd, int argc, char **argv,
                       struct cli_args *out, struct cli_lab_args *lab,
                       int *status)
{
    char err[512];

    switch (cli_parse(cmd, argc, argv, out, lab, err, sizeof err)) {
    case 0:
        return true;
    case 1:
        *status = cli_help(cmd);
        return false;
    default:
        *status = cli_error("%s", err);
        return false;
    }
}

/* ---- lab options --------------------------------------------------------- */

/* Append an assignment key=value made by option opt. */
static int lab_args_add_set(struct cli_lab_args *a, const char *opt,
                            const char *key, size_t keylen, const char *value,
                            char *err, size_t errlen)
{
    struct cli_set *s;

    if (a->nsets >= CLI_MAX_SETS) {
        snprintf(err, errlen, "too many parameter settings (at most %d)",
                 CLI_MAX_SETS);
        return -1;
    }
    if (keylen >= sizeof s->key) {
        snprintf(err, errlen, "%s: parameter name '%.*s' is too long", opt,
                 (int)keylen, key);
        return -1;
    }
    s = &a->sets[a->nsets++];
    s->opt = opt;
    memcpy(s->key, key, keylen);
    s->key[keylen] = '\0';
    s->value = value;
    return 0;
}

int cli_lab_option(struct cli_lab_args *a, int id, const char *opt,
                   const char *value, char *err, size_t errlen)
{
    const char *eq;
    int r;

    (void)opt;
    switch (id) {
    case CLI_OPT_VARIANT:
        a->variant = value;
        return 1;
    case CLI_OPT_BACKEND:
        a->backend = value;
        return 1;
    case CLI_OPT_SCHED:
        a->sched = value;
        return 1;
    case CLI_OPT_SEED:
        a->seed = value;
        return 1;
    case CLI_OPT_SUBMISSION:
        a->submission = value;
        return 1;
    case CLI_OPT_THREADS:
        r = lab_args_add_set(a, "--threads", "threads", 7, value, err, errlen);
        return r < 0 ? -1 : 1;
    case CLI_OPT_ITERS:
        r = lab_args_add_set(a, "--iters", "iters", 5, value, err, errlen);
        return r < 0 ? -1 : 1;
    case CLI_OPT_SET:
        eq = strchr(value, '=');
        if (eq == NULL || eq == value) {
            snprintf(err, errlen, "--set expects KEY=VALUE, not '%s'", value);
            return -1;
        }
        r = lab_args_add_set(a, "--set", value, (size_t)(eq - value), eq + 1,
                             err, errlen);
        return r < 0 ? -1 : 1;
    default:
        return 0;
    }
}

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

bool cli_have_terminal(void)
{
    return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}

/* ---- output -------------------------------------------------------------- */

size_t cli_describe_run(const struct lab_inst *inst, const char *sched,
                        char *buf, size_t len)
{
    char params[256];
    const char *variant = inst->lab->variants[inst->variant].name;
    int n;

    lab_inst_params_text(inst, params, sizeof params);
    if (inst->backend == RL_BACKEND_SIM)
        n = snprintf(buf, len, "%s/%s on sim, scheduler %s, params %s",
                     inst->lab->name, variant, sched,
                     params[0] != '\0' ? params : "none");
    else
        n = snprintf(buf, len, "%s/%s on os, params %s", inst->lab->name,
                     variant, params[0] != '\0' ? params : "none");
    return (size_t)n;
}

/* The name of thread tid, "setup" for a record made outside the threads. */
static const char *thread_name(const struct rl_run *run, int tid,
                               struct rl_thread_view *tv)
{
    if (tid < 0 || tid >= rl_run_thread_count(run))
        return "setup";
    rl_run_thread(run, tid, tv);
    return tv->name != NULL ? tv->name : "?";
}

int cli_thread_name_width(const struct rl_run *run)
{
    struct rl_thread_view tv;
    int i, w = 2, n = rl_run_thread_count(run);

    for (i = 0; i < n; i++) {
        int len = (int)strlen(thread_name(run, i, &tv));
        if (len > w)
            w = len;
    }
    return w;
}

size_t cli_format_record(const struct rl_run *run, const struct rl_record *rec,
                         int name_width, char *buf, size_t len)
{
    struct rl_thread_view tv;
    char text[400];

    char where[96], src[64];

    text[0] = '\0';
    rl_record_text(run, rec, text, sizeof text);
    if (program_lab_where(cli_program_current(), rec->pc, where,
                          sizeof where, src, sizeof src) == 0)
        /* A plain C program: where, and the line when it is short. */
        return (size_t)snprintf(
            buf, len, "%6" PRIu64 "  %-*s  %-30s  %s%s%s\n", rec->seq,
            name_width, thread_name(run, rec->thread, &tv), text, where,
            src[0] ? "  | " : "", src);
    return (size_t)snprintf(buf, len, "%6" PRIu64 "  %-*s  %s\n", rec->seq,
                            name_width, thread_name(run, rec->thread, &tv),
                            text);
}

/* Append ", waiting: T1 T2" for the threads blocked on o. */
static size_t append_waiters(const struct rl_run *run,
                             const struct rl_obj_view *o, const char *label,
                             const int *ids, int n, char *buf, size_t len,
                             size_t at)
{
    struct rl_thread_view tv;
    int i;

    (void)o;
    if (n <= 0)
        return at;
    if (at < len)
        at += (size_t)snprintf(buf + at, len - at, ", %s", label);
    for (i = 0; i < n && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, " %s",
                               thread_name(run, ids[i], &tv));
    return at;
}

/* One object's state after its name: "= 6", "Lock, held by T0", ... */
static void describe_object(const struct rl_run *run,
                            const struct rl_obj_view *o, char *buf, size_t len)
{
    struct rl_thread_view tv;
    struct rl_obj_view lock;
    size_t n = 0;
    const char *kind = rl_obj_kind_name(o->kind);

    switch (o->kind) {
    case RL_OBJ_VAR:
        snprintf(buf, len, "= %ld", o->value);
        return;
    case RL_OBJ_LOCK:
        if (o->owner < 0)
            n = (size_t)snprintf(buf, len, "%s, free", kind);
        else
            n = (size_t)snprintf(buf, len, "%s, held by %s", kind,
                                 thread_name(run, o->owner, &tv));
        break;
    case RL_OBJ_RLOCK:
        if (o->owner < 0)
            n = (size_t)snprintf(buf, len, "%s, free", kind);
        else
            n = (size_t)snprintf(buf, len, "%s, held by %s (depth %d)", kind,
                                 thread_name(run, o->owner, &tv), o->depth);
        break;
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        n = (size_t)snprintf(buf, len, "%s, count %ld (initial %ld)", kind,
                             o->value, o->limit);
        n = append_waiters(run, o, "held by", o->holders, o->nholders, buf, len,
                           n);
        break;
    case RL_OBJ_CONDITION:
        if (o->lock >= 0 && o->lock < rl_run_object_count(run)) {
            rl_run_object(run, o->lock, &lock);
            n = (size_t)snprintf(buf, len, "%s on %s", kind, lock.name);
        } else {
            n = (size_t)snprintf(buf, len, "%s", kind);
        }
        break;
    case RL_OBJ_EVENT:
        n = (size_t)snprintf(buf, len, "%s, %s", kind,
                             o->value ? "set" : "clear");
        break;
    case RL_OBJ_BARRIER:
        n = (size_t)snprintf(buf, len, "%s, %ld of %ld arrived%s", kind,
                             o->value, o->limit, o->broken ? ", broken" : "");
        break;
    default:
        n = (size_t)snprintf(buf, len, "%s", kind);
        break;
    }
    append_waiters(run, o, "waiting:", o->waiters, o->nwaiters, buf, len,
                   n < len ? n : len);
}

void cli_print_state(FILE *f, const struct rl_run *run)
{
    struct rl_obj_view o;
    char desc[1024];
    int i, w = 1, n = rl_run_object_count(run);

    fputs("final state:\n", f);
    if (n == 0)
        fputs("  (no shared objects)\n", f);
    for (i = 0; i < n; i++) {
        rl_run_object(run, i, &o);
        if (o.name != NULL && (int)strlen(o.name) > w)
            w = (int)strlen(o.name);
    }
    for (i = 0; i < n; i++) {
        memset(&o, 0, sizeof o);
        rl_run_object(run, i, &o);
        describe_object(run, &o, desc, sizeof desc);
        fprintf(f, "  %-*s  %s\n", w, o.name != NULL ? o.name : "?", desc);
    }
}

void cli_print_checks(FILE *f, const struct rl_run *run)
{
    struct rl_check_result c;
    int i, n = rl_run_check_count(run);

    fputs("checks:\n", f);
    if (n == 0)
        fputs("  (none)\n", f);
    for (i = 0; i < n; i++) {
        memset(&c, 0, sizeof c);
        rl_run_check(run, i, &c);
        if (c.message != NULL && c.message[0] != '\0' &&
            strcmp(c.message, c.name) != 0)
            fprintf(f, "  %s  %s: %s\n", c.ok ? "PASS" : "FAIL", c.name,
                    c.message);
        else
            fprintf(f, "  %s  %s\n", c.ok ? "PASS" : "FAIL", c.name);
    }
}

/* The analyses of a run with all its records: data races and lost
 * updates, which a run can have even when its checks hold. Nothing is
 * printed for a run without records (os with recording off). */
void cli_print_analysis(FILE *f, const struct rl_run *run)
{
    struct rl_analysis a;
    char err[256], line[320];

    /* The analyses need the exact order of a sim run: an os trace is
     * stamped just after each access, close to but not exactly the order
     * of the real memory operations. */
    if (rl_run_backend(run) != RL_BACKEND_SIM || rl_run_record_last(run) == 0)
        return;
    if (rl_analyze(run, &a, err, sizeof err) != 0) {
        fprintf(f, "analysis: skipped: %s\n", err);
        return;
    }
    if (a.nraces == 0 && a.nlost == 0) {
        fputs("analysis: no data race, no lost update\n", f);
        return;
    }
    fputs("analysis:\n", f);
    for (int i = 0; i < a.nraces; i++) {
        rl_race_text(run, &a.races[i], line, sizeof line);
        fprintf(f, "  %s\n", line);
    }
    for (int i = 0; i < a.nlost && i < 3; i++) {
        rl_lost_text(run, &a.lost[i], line, sizeof line);
        fprintf(f, "  %s\n", line);
    }
    if (a.nlost > 3)
        fprintf(f, "  ... %d lost updates in all\n", a.nlost);
}

/* "s" unless n is 1. */
static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

void cli_print_end(FILE *f, const struct rl_run *run)
{
    enum rl_end e = rl_run_end(run);
    char text[4096];
    const char *line, *nl;

    /* A step, for the reader, is a numbered line of the trace. */
    uint64_t steps = rl_run_record_last(run);

    if (rl_run_backend(run) == RL_BACKEND_SIM)
        fprintf(f,
                "end: %s after %" PRIu64 " step%s (%" PRIu64
                " choice point%s, %d preemption%s)\n",
                rl_end_name(e), steps, plural(steps),
                rl_run_choice_count(run), plural(rl_run_choice_count(run)),
                rl_run_preemptions(run),
                plural((uint64_t)rl_run_preemptions(run)));
    else if (steps == 0) /* not recorded (--quiet) */
        fprintf(f, "end: %s\n", rl_end_name(e));
    else
        fprintf(f, "end: %s after %" PRIu64 " event%s\n", rl_end_name(e),
                steps, plural(steps));
    if (e == RL_END_DONE)
        return;
    text[0] = '\0';
    rl_run_end_text(run, text, sizeof text);
    for (line = text; *line != '\0'; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl == NULL) {
            fprintf(f, "  %s\n", line);
            break;
        }
        fprintf(f, "  %.*s\n", (int)(nl - line), line);
    }
}

/* "rl1:LAB:VARIANT:PARAMS:", the part of inst's schedule string before
 * the choices, into buf. Returns its length (snprintf-style). */
static size_t schedule_prefix(const struct lab_inst *inst, char *buf,
                              size_t len)
{
    char params[256];

    lab_inst_params_text(inst, params, sizeof params);
    size_t n = rl_schedule_format(buf, len, inst->lab->name,
                                  inst->lab->variants[inst->variant].name,
                                  params, "");
    return n < len ? n : len - 1; /* names are short: never truncated */
}

char *cli_schedule_string(const struct rl_run *run, const struct lab_inst *inst)
{
    char prefix[1024];
    size_t plen = schedule_prefix(inst, prefix, sizeof prefix);
    size_t clen = rl_run_choices(run, NULL, 0);
    char *s = rl_xmalloc(plen + clen + 1);

    memcpy(s, prefix, plen);
    rl_run_choices(run, s + plen, clen + 1);
    return s;
}

size_t cli_schedule_length(const struct rl_run *run,
                           const struct lab_inst *inst)
{
    char prefix[1024];

    return schedule_prefix(inst, prefix, sizeof prefix) +
           rl_run_choices(run, NULL, 0);
}

/* rl_run_choices_write's emit: the pieces to a FILE (1 on a write error). */
static int schedule_emit(void *ctx, const char *text, size_t len)
{
    return fwrite(text, 1, len, (FILE *)ctx) == len ? 0 : 1;
}

int cli_write_schedule(FILE *f, const struct rl_run *run,
                       const struct lab_inst *inst)
{
    char prefix[1024];
    size_t plen = schedule_prefix(inst, prefix, sizeof prefix);

    if (fwrite(prefix, 1, plen, f) != plen)
        return -1;
    return rl_run_choices_write(run, schedule_emit, f) == 0 ? 0 : -1;
}

void cli_print_schedule_elsewhere(FILE *f, size_t len, const char *path,
                                  const char *sched, const char *extra)
{
    if (path != NULL) {
        fprintf(f, "schedule: written to %s (%zu characters)\n", path, len);
        fprintf(f, "replay:   racelab replay %s%s\n", path, extra);
        return;
    }
    fprintf(f,
            "schedule: not printed (%zu characters); --schedule-out FILE "
            "writes it\n",
            len);
    fprintf(f,
            "replay:   run the same command again (%s makes the same run "
            "every time), or add --schedule-out FILE, then racelab replay "
            "FILE%s\n",
            sched, extra);
}

void cli_print_schedule(FILE *f, const char *schedule, const char *extra)
{
    size_t n = strlen(schedule);

    fprintf(f, "schedule: %s\n", schedule);
    if (n > CLI_SCHEDULE_INLINE_MAX)
        fprintf(f,
                "replay:   racelab replay --schedule 'SCHEDULE'%s, with the "
                "schedule line above (%zu characters, printed once)\n",
                extra, n);
    else
        fprintf(f, "replay:   racelab replay --schedule '%s'%s\n", schedule,
                extra);
}

void cli_print_result(FILE *f, const struct rl_run *run,
                      const struct lab_inst *inst)
{
    const struct lab_variant *v = &inst->lab->variants[inst->variant];
    struct rl_check_result c;
    int i, failed = 0, n = rl_run_check_count(run);

    for (i = 0; i < n; i++) {
        rl_run_check(run, i, &c);
        if (!c.ok)
            failed++;
    }
    if (rl_run_passed(run))
        fprintf(f, "result: PASS (%d of %d checks hold)%s%s%s\n", n, n,
                v->expect_pass ? "" : "; variant ",
                v->expect_pass ? "" : v->name,
                v->expect_pass ? ""
                               : " can fail: this schedule did not show "
                                 "it, try another --seed");
    else
        fprintf(f, "result: FAIL (%d of %d checks failed)%s%s\n", failed, n,
                v->expect_pass ? "" : ", as expected for variant ",
                v->expect_pass ? "" : v->name);
}
