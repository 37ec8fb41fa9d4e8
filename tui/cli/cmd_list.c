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

/* What `racelab list` prints: these labs, in full or by name only. */
struct list_job {
    const struct lab *labs[CLI_MAX_OPERANDS];
    int n;
    bool names;
};

/* Check the parsed command line and fill job. Returns 0, or -1 with a
 * message in err. */
static int list_job_from(const struct cli_args *a, struct list_job *job,
                         char *err, size_t errlen)
{
    memset(job, 0, sizeof *job);
    job->names = a->value[OPT_NAMES] != NULL;
    for (int i = 0; i < a->noperands; i++) {
        job->labs[job->n] = cli_find_lab(a->operands[i], err, errlen);
        if (job->labs[job->n] == NULL)
            return -1;
        job->n++;
    }
    if (job->n == 0)
        for (int i = 0; i < lab_count() && job->n < CLI_MAX_OPERANDS; i++)
            job->labs[job->n++] = lab_at(i);
    return 0;
}

/* Print the listing of job. */
static int list_job_execute(const struct list_job *job)
{
    struct list_widths w = {0, 0, 0, 0};
    int i;

    if (job->names) {
        for (i = 0; i < job->n; i++)
            printf("%s\n", job->labs[i]->name);
        return CLI_EXIT_OK;
    }
    for (i = 0; i < job->n; i++)
        list_measure(job->labs[i], &w);
    for (i = 0; i < job->n; i++) {
        if (i > 0)
            putchar('\n');
        list_print_lab(job->labs[i], &w);
    }
    printf("\nrun one: racelab run LAB [--variant V] [--set KEY=VALUE]; "
           "see 'racelab help run'\n");
    return CLI_EXIT_OK;
}

/* racelab list [--names] [LAB...] */
static int cmd_list(int argc, char **argv)
{
    struct cli_args a;
    struct list_job job;
    char err[1024];
    int status;

    if (!cli_parse_command(&cli_cmd_list, argc, argv, &a, NULL, &status))
        return status;
    if (list_job_from(&a, &job, err, sizeof err) < 0)
        return cli_error("%s", err);
    return list_job_execute(&job);
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
    list_options,
    "LAB",
    CLI_MAX_OPERANDS,
};
