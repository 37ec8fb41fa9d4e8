/* SPDX-License-Identifier: MIT */
/*
 * main.c - the racelab program: the command table and its dispatch.
 *
 * `racelab` alone opens the TUI; `racelab COMMAND ARGS...` runs one row of
 * the table below. Each row (struct cli_command, tui/cli/cli.h) carries the
 * command's name, a one-line summary for `racelab help`, its full usage for
 * `racelab help COMMAND` and `racelab COMMAND --help`, and its function.
 * The tui and help commands live here; every other command lives in its own
 * tui/cli/cmd_NAME.c. To add one, add its row to `commands` (and its extern
 * declaration to cli.h). A row without a summary (complete, which the
 * shell completion scripts call) is hidden from help and suggestions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "suggest.h"
#include "../../core/watchdog.h"
#include "../../labs/program_lab.h"
#include "../screen/tui.h"

static int cmd_tui(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_complete(int argc, char **argv);

static const struct cli_option tui_options_table[] = {
    CLI_LAB_OPTIONS,
    {"timeout", 0, true, CLI_OPT_USER},
    {NULL, 0, false, 0},
};

static const struct cli_command cmd_tui_row = {
    "tui",
    "open the terminal UI (what 'racelab' alone does), or one lab in it",
    "usage: racelab tui [LAB] [options]\n"
    "\n"
    "Open the terminal UI: the lab menu, or LAB directly with the variant,\n"
    "backend, scheduler and parameters given. 'racelab' with no arguments\n"
    "is 'racelab tui'. Needs a terminal on stdin and stdout.\n"
    "\n"
    "options (as for 'racelab run'; all but --sched / --seed need LAB):\n"
    "  --variant V       the implementation to show\n"
    "  --backend B       sim (deterministic, default) or os (real threads)\n"
    "  --sched S         sim scheduler: rr:Q, random:SEED, pct:SEED:DEPTH,\n"
    "                    manual (you pick the thread of each step); random\n"
    "                    and pct take :timeouts (fire timeouts early)\n"
    "  --seed N          the same as --sched random:N\n"
    "  --threads N       the same as --set threads=N\n"
    "  --iters N         the same as --set iters=N\n"
    "  --set KEY=VALUE   set a lab parameter (repeatable)\n"
    "  --submission P    the student variant from a submission: a folder\n"
    "                    holding the exercise's NAME.c, or that file\n"
    "  --timeout S       os: stop a run still going after S seconds\n"
    "                    (default 30; 1..3600)\n"
    "  -h, --help        show this help\n"
    "\n"
    "example:\n"
    "  racelab tui unsafe-counter --sched manual\n",
    cmd_tui,
    tui_options_table,
    "LAB",
    1,
};

static const struct cli_command cmd_help_row = {
    "help",
    "show the commands, or one command's options",
    "usage: racelab help [COMMAND]\n"
    "\n"
    "Without COMMAND, list the commands; with it, show that command's usage\n"
    "and every option ('racelab COMMAND --help' does the same).\n",
    cmd_help,
    NULL,
    "COMMAND",
    1,
};

/* Hidden (no summary): what the shell completion scripts call. */
static const struct cli_command cmd_complete_row = {
    "complete",
    NULL,
    "usage: racelab complete -- WORDS...\n"
    "\n"
    "Print the candidates for the last of WORDS (a command line, starting\n"
    "with racelab), one a line: what the bash and zsh completion scripts\n"
    "offer.\n",
    cmd_complete,
    NULL,
    NULL,
    0,
};

/* The command table, in the order `racelab help` lists it. */
/* clang-format off */
static const struct cli_command *const commands[] = {
    &cmd_tui_row,
    &cli_cmd_list,
    &cli_cmd_run,
    &cli_cmd_replay,
    &cli_cmd_explore,
    &cli_cmd_grade,
    &cmd_help_row,
    &cmd_complete_row,
};
/* clang-format on */

#define NCOMMANDS ((int)(sizeof commands / sizeof commands[0]))

/* The row named name, or NULL. */
static const struct cli_command *command_find(const char *name)
{
    int i;

    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* The error for an unknown command name; returns CLI_EXIT_USAGE. */
static int command_unknown(const char *name)
{
    const char *names[NCOMMANDS];
    char list[256];
    size_t n = 0;
    int i;

    if (lab_find(name) != NULL)
        return cli_error("unknown command '%s'; to run that lab: racelab run "
                         "%s (see 'racelab --help')",
                         name, name);
    list[0] = '\0';
    for (i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i]->summary != NULL ? commands[i]->name : NULL;
    snprintf(list, sizeof list, "unknown command '%s'", name);
    if (suggest_append(list, sizeof list, name, names, NCOMMANDS))
        return cli_error("%s (see 'racelab --help')", list);
    list[0] = '\0';
    for (i = 0; i < NCOMMANDS && n < sizeof list; i++)
        if (names[i] != NULL)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%s",
                                  n > 0 ? ", " : "", names[i]);
    return cli_error("unknown command '%s'; commands: %s (see 'racelab "
                     "--help')",
                     name, list);
}

/* `racelab --help`: every command on one line, and examples. */
static int print_overview(void)
{
    int i, w = 0;

    for (i = 0; i < NCOMMANDS; i++)
        if (commands[i]->summary != NULL &&
            (int)strlen(commands[i]->name) > w)
            w = (int)strlen(commands[i]->name);
    printf("usage: racelab [COMMAND [ARGS...]]\n"
           "\n"
           "racelab is a terminal lab for race conditions and "
           "synchronization.\n"
           "With no command it opens the terminal UI.\n"
           "\n"
           "commands:\n");
    for (i = 0; i < NCOMMANDS; i++)
        if (commands[i]->summary != NULL)
            printf("  %-*s  %s\n", w, commands[i]->name,
                   commands[i]->summary);
    printf("\n"
           "examples:\n"
           "  racelab list\n"
           "  racelab run unsafe-counter --threads 2 --iters 3\n"
           "  racelab help run\n"
           "\n"
           "'racelab COMMAND --help' shows a command's options; "
           "'racelab --version'\n"
           "prints the version.\n");
    return CLI_EXIT_OK;
}

/* racelab help [COMMAND] */
static int cmd_help(int argc, char **argv)
{
    const struct cli_command *cmd;
    struct cli_args c;
    int status;

    if (!cli_parse_command(&cmd_help_row, argc, argv, &c, NULL, &status))
        return status;
    if (c.noperands == 0)
        return print_overview();
    cmd = command_find(c.operands[0]);
    if (cmd == NULL)
        return command_unknown(c.operands[0]);
    return cli_help(cmd);
}

/* racelab complete -- WORDS... */
static int cmd_complete(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--") == 0) {
        argc--;
        argv++;
    }
    return cli_complete(commands, NCOMMANDS, argc - 1, argv + 1);
}

/* Open the TUI with opt, if there is a terminal; the compiler's warnings
 * of its lab's build are one line in it, and printed whole after it. */
static int start_tui(struct tui_options *opt)
{
    char line[512];
    int rc;

    if (!cli_have_terminal())
        return cli_error("%s", CLI_NO_TERMINAL_MSG);
    if (cli_warnings_line(line, sizeof line) > 0)
        opt->warnings = line;
    rc = tui_main(opt);
    cli_warnings_print();
    return rc;
}

enum { TUI_OPT_TIMEOUT = CLI_OPT_USER };

/* Check a parsed `racelab tui` line and fill opt. Returns 0, or -1 with a
 * one-line message in err. */
static int tui_options_from(const struct cli_args *c, struct cli_lab_args *a,
                            struct tui_options *opt, char *err, size_t errlen)
{
    enum rl_backend backend = RL_BACKEND_SIM;
    const char *alone;

    memset(opt, 0, sizeof *opt);
    if (c->value[TUI_OPT_TIMEOUT] != NULL) {
        uint64_t sec;

        if (cli_parse_u64("--timeout", c->value[TUI_OPT_TIMEOUT], 1, 3600,
                          &sec, err, errlen) < 0)
            return -1;
        opt->os_timeout_ms = (int)sec * 1000;
    }
    if (a->lab == NULL && (a->variant != NULL || a->backend != NULL ||
                           a->submission != NULL || a->nsets > 0)) {
        alone = a->variant != NULL      ? "--variant"
                : a->backend != NULL    ? "--backend"
                : a->submission != NULL ? "--submission"
                                        : a->sets[0].opt;
        snprintf(err, errlen, "%s needs a LAB: racelab tui LAB %s ...", alone,
                 alone);
        return -1;
    }
    if (a->lab != NULL) {
        if (cli_lab_resolve(a, &opt->inst, err, errlen) < 0)
            return -1;
        opt->lab = opt->inst.lab;
        backend = opt->inst.backend;
        {
            /* An exercise built now for its warnings; a compile error is
             * the TUI's to show, as when it builds the exercise again. */
            char scratch[512];

            (void)cli_exercise_prepare(&opt->inst, scratch, sizeof scratch);
        }
        if (backend == RL_BACKEND_OS && program_lab_is(opt->lab)) {
            snprintf(err, errlen,
                     "the TUI runs a C program on sim; the real program: "
                     "racelab run %s --backend os",
                     opt->lab->name);
            return -1;
        }
    }
    return cli_sched_resolve(a, backend, &opt->sched, &opt->have_sched, err,
                             errlen);
}

/* racelab tui [LAB] [options] */
static int cmd_tui(int argc, char **argv)
{
    struct cli_args c;
    struct cli_lab_args a;
    struct tui_options opt;
    char err[2048];
    int status;

    if (!cli_parse_command(&cmd_tui_row, argc, argv, &c, &a, &status))
        return status;
    a.lab = c.operands[0];
    if (tui_options_from(&c, &a, &opt, err, sizeof err) < 0)
        return cli_error("%s", err);
    return start_tui(&opt);
}

/* Run the command argv names; returns its exit status. */
static int main_dispatch(int argc, char **argv)
{
    const struct cli_command *cmd;
    struct tui_options opt;
    const char *name;

    if (argc < 2) {
        memset(&opt, 0, sizeof opt);
        rl_watchdog_start();
        return start_tui(&opt);
    }
    name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return print_overview();
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("racelab %s\n", RL_VERSION);
        return CLI_EXIT_OK;
    }
    if (name[0] == '-') {
        static const char *const top[] = {"--help", "--version"};
        char msg[256];

        snprintf(msg, sizeof msg, "unknown option '%s'", name);
        suggest_append(msg, sizeof msg, name, top, 2);
        return cli_error("%s (see 'racelab --help')", msg);
    }
    cmd = command_find(name);
    if (cmd == NULL)
        return command_unknown(name);
    /* Commands that step sim runs in this process get the watchdog for
     * lab code that never reaches a racelab call; grade runs its checks in
     * children with their own limits. */
    if (cmd != &cli_cmd_grade && cmd != &cmd_complete_row)
        rl_watchdog_start();
    if (cmd == &cli_cmd_run || cmd == &cli_cmd_explore ||
        cmd == &cli_cmd_replay || cmd == &cmd_tui_row) {
        /* A plain C program: its sources, -I / -D and -- ARGS. */
        char err[512];
        int n, rc;
        char **v;

        if (cli_program_argv(argc - 1, argv + 1, &n, &v, err, sizeof err) < 0)
            rc = cli_error("%s", err);
        else
            rc = cmd->fn(n, v);
        cli_program_release();
        return rc;
    }
    return cmd->fn(argc - 1, argv + 1);
}

/* Output that could not be written is an error, not a success: `racelab
 * list > /dev/full` exits 2 with a one-line error. */
static int main_check_output(int rc)
{
    /* The reason is known when this last flush fails; an earlier failed
     * write left only the stream's error flag. */
    errno = 0;
    if (fflush(stdout) != 0 && errno != 0) {
        cli_error("cannot write the output: %s", strerror(errno));
        return CLI_EXIT_USAGE;
    }
    if (ferror(stdout)) {
        cli_error("cannot write the output");
        return CLI_EXIT_USAGE;
    }
    return rc;
}

int main(int argc, char **argv)
{
    return main_check_output(main_dispatch(argc, argv));
}
