/* SPDX-License-Identifier: MIT */
/*
 * cmd_list.c - `racelab list`: the labs of the registry, each with its
 * title, summary, variants (and whether each is expected to pass its
 * checks) and parameters (defaults on sim and on os, and bounds), in
 * columns aligned across the whole listing. `--names` prints only the
 * names, one a line, for scripts and shell completion.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { OPT_NAMES = CLI_OPT_USER };

static const struct cli_option list_options[] = {
    {"names", 0, false, OPT_NAMES},
    {NULL, 0, false, 0},
};

/* Column widths shared by every lab printed. */
struct list_widths {
    int key, def, def_os, range;
};

/* Grow w to fit lab's parameters. */
static void list_measure(const struct lab *lab, struct list_widths *w)
{
    char buf[64];
    int i, n;

    for (i = 0; i < lab->nparams; i++) {
        const struct lab_param *p = &lab->params[i];

        n = (int)strlen(p->key);
        if (n > w->key)
            w->key = n;
        n = snprintf(buf, sizeof buf, "%ld", p->def);
        if (n > w->def)
            w->def = n;
        n = snprintf(buf, sizeof buf, "%ld", p->def_os);
        if (n > w->def_os)
            w->def_os = n;
        n = snprintf(buf, sizeof buf, "%ld..%ld", p->min, p->max);
        if (n > w->range)
            w->range = n;
    }
}

/* Print one lab's entry. */
static void list_print_lab(const struct lab *lab, const struct list_widths *w)
{
    char range[64];
    int i, vw;

    printf("%s - %s\n", lab->name, lab->title);
    if (lab->summary != NULL && lab->summary[0] != '\0')
        printf("    %s\n", lab->summary);
    printf("    variants:\n");
    /* The variant column fits this lab's names; the others the listing. */
    for (i = 0, vw = 0; i < lab->nvariants; i++)
        if ((int)strlen(lab->variants[i].name) > vw)
            vw = (int)strlen(lab->variants[i].name);
    for (i = 0; i < lab->nvariants; i++) {
        const struct lab_variant *v = &lab->variants[i];

        printf("      %-*s  %s  %s\n", vw, v->name,
               v->expect_pass ? "expect PASS" : "expect FAIL", v->summary);
    }
    if (lab->nparams == 0) {
        printf("    parameters: none\n");
        return;
    }
    printf("    parameters (default on sim, on os, range):\n");
    for (i = 0; i < lab->nparams; i++) {
        const struct lab_param *p = &lab->params[i];

        snprintf(range, sizeof range, "%ld..%ld", p->min, p->max);
        printf("      %-*s  %*ld  %*ld  %-*s  %s\n", w->key, p->key, w->def,
               p->def, w->def_os, p->def_os, w->range, range, p->help);
    }
}

/* racelab list [--names] [LAB...] */
static int cmd_list(int argc, char **argv)
{
    struct cli_parser p;
    struct list_widths w = {0, 0, 0, 0};
    const struct lab *labs[64];
    bool names = false;
    char err[1024];
    int id, i, n = 0;

    cli_parser_init(&p, &cli_cmd_list, argc, argv);
    while ((id = cli_next(&p, list_options)) != CLI_END) {
        switch (id) {
        case CLI_HELP:
            return cli_help(&cli_cmd_list);
        case CLI_ERR:
            return cli_error("%s", p.err);
        case CLI_ARG:
            if (n >= (int)(sizeof labs / sizeof labs[0]))
                return cli_error("too many labs named");
            labs[n] = cli_find_lab(p.arg, err, sizeof err);
            if (labs[n] == NULL)
                return cli_error("%s", err);
            n++;
            break;
        case OPT_NAMES:
            names = true;
            break;
        default:
            return cli_error("internal: option %s not handled", p.opt);
        }
    }
    if (n == 0)
        for (i = 0; i < lab_count() && n < 64; i++)
            labs[n++] = lab_at(i);

    if (names) {
        for (i = 0; i < n; i++)
            printf("%s\n", labs[i]->name);
        return CLI_EXIT_OK;
    }
    for (i = 0; i < n; i++)
        list_measure(labs[i], &w);
    for (i = 0; i < n; i++) {
        if (i > 0)
            putchar('\n');
        list_print_lab(labs[i], &w);
    }
    printf("\nrun one: racelab run LAB [--variant V] [--set KEY=VALUE]; "
           "see 'racelab help run'\n");
    return CLI_EXIT_OK;
}

const struct cli_command cli_cmd_list = {
    "list",
    "list the labs, their variants and their parameters",
    "usage: racelab list [--names] [LAB...]\n"
    "\n"
    "List the labs (or only the ones named): title and summary; each\n"
    "variant with whether its checks are expected to hold under every\n"
    "schedule (expect PASS) or can fail (expect FAIL: the lesson); each\n"
    "parameter with its default on the sim and on the os backend, its range\n"
    "and what it means.\n"
    "\n"
    "options:\n"
    "  --names     print only the lab names, one a line (for scripts)\n"
    "  -h, --help  show this help\n",
    cmd_list,
};
