/* SPDX-License-Identifier: MIT */
/*
 * cli_program.c - plain C programs on the command line: `racelab run
 * a.c b.c -I inc -D N=3 -- ARGS`. Before a command parses its options,
 * cli_program_argv takes the program's parts out of argv: the sources
 * (operands ending in ".c", folders) become one LAB operand, their names
 * joined by '+' (the program lab's name, labs/program_lab.h); -I / -D go
 * to the compiler and what follows `--` to the program. cli_find_lab then
 * builds the program (once per process) and gives its lab, which every
 * command uses like any other. State private to the main thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mem.h"
#include "../../labs/program_lab.h"
#include "cli.h"

static struct program_spec spec;    /* flags and args from argv */
static const struct lab *opened;     /* the program built, or NULL */
static char opened_name[256];

/* Whether arg is a -I / -D flag (the value attached or in the next one). */
static bool is_cc_flag(const char *arg)
{
    return (arg[0] == '-' && (arg[1] == 'I' || arg[1] == 'D'));
}

int cli_program_argv(int argc, char **argv, int *outc, char ***outv,
                     char *err, size_t errlen)
{
    char **v = rl_xcalloc((size_t)argc + 1, sizeof *v);
    int n = 0, nsrc = 0, nflags = 0, nargs = 0, lab_at = -1;
    size_t len = 0;
    bool program = false;
    char *joined;

    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (argv[i][0] != '-' && program_lab_is_program(argv[i]))
            program = true;
    *outc = argc;
    *outv = argv;
    if (!program) {
        free(v);
        return 0;
    }
    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    joined = rl_xcalloc(len + 1, 1);
    v[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            for (i++; i < argc; i++) {
                if (nargs == PROGRAM_LAB_MAX_ARGS) {
                    snprintf(err, errlen,
                             "a program takes at most %d arguments after --",
                             PROGRAM_LAB_MAX_ARGS);
                    return -1;
                }
                spec.args[nargs++] = argv[i];
            }
            break;
        }
        if (is_cc_flag(a)) {
            char *flag = (char *)a;
            if (a[2] == '\0') {
                if (i + 1 == argc) {
                    snprintf(err, errlen, "%s needs a value", a);
                    return -1;
                }
                flag = rl_xcalloc(strlen(argv[i + 1]) + 3, 1);
                sprintf(flag, "%s%s", a, argv[++i]);
            }
            if (nflags == RL_BUILD_MAX_ITEMS) {
                snprintf(err, errlen, "more than %d -I / -D flags",
                         RL_BUILD_MAX_ITEMS);
                return -1;
            }
            spec.flags[nflags++] = flag;
            continue;
        }
        if (a[0] != '-' && program_lab_is_program(a)) {
            if (nsrc++ > 0)
                strcat(joined, "+");
            strcat(joined, a);
            if (lab_at < 0) {
                lab_at = n;
                v[n++] = joined;
            }
            continue;
        }
        v[n++] = argv[i];
    }
    v[n] = NULL;
    *outc = n;
    *outv = v;
    return 0;
}

/* Build the program named name (sources joined by '+') once. */
const struct lab *cli_program_find(const char *name, char *err, size_t errlen)
{
    struct program_spec s = spec;
    bool compile_error;
    const struct lab *lab;

    if (opened != NULL && strcmp(opened_name, name) == 0)
        return opened;
    if (program_lab_split(name, &s, err, errlen) < 0)
        return NULL;
    lab = program_lab_open(&s, &compile_error, err, errlen);
    if (lab == NULL) {
        if (compile_error) {
            /* The compiler's own words, as it printed them. */
            fflush(stdout);
            fprintf(stderr, "%s\n", err);
            snprintf(err, errlen, "cannot compile %s", name);
        }
        return NULL;
    }
    opened = lab;
    snprintf(opened_name, sizeof opened_name, "%s", name);
    return lab;
}

const struct lab *cli_program_current(void)
{
    return opened;
}
