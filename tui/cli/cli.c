/* SPDX-License-Identifier: MIT */
/*
 * cli.c - the one option loop every command shares (cli_parse: GNU style
 * long options, before or after positional arguments, with a "did you
 * mean" for a near miss), number parsing that names the allowed range in
 * words, and the lab options (lab, variant, backend, scheduler,
 * parameters) collected as given. cli_lab.c checks them against the
 * registry; cli_output.c prints what a run shows.
 *
 * Nothing here exits or prints an error on its own: a helper that fails
 * writes a one-line message into the caller's buffer, and the command
 * prints it with cli_error() and returns CLI_EXIT_USAGE.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/text.h"
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

/* ---- lab options as given (cli_lab.c checks them) ------------------------ */

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

bool cli_have_terminal(void)
{
    return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
}
