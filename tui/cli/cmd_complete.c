/* SPDX-License-Identifier: MIT */
/*
 * cmd_complete.c - `racelab complete -- WORDS...`: the candidates for the
 * last word of a command line, one a line, for the shell completion
 * scripts (tui/cli/completion/) to offer.
 *
 * Everything comes from the program itself: the command table and each
 * command's option table (struct cli_command), the lab registry (names,
 * variants, parameters) and the exercises. So the scripts stay a few lines
 * each and never go stale: a new lab, option or command completes as soon
 * as it is built in. An option that takes a file (or anything else) gets
 * no candidates, and the scripts fall back to file names.
 *
 * The command is hidden (no summary: `racelab help` does not list it).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../../labs/exercise_scenarios.h"
#include "cli.h"

/* Print cand if it starts with cur. */
static void offer(const char *cand, const char *cur)
{
    if (strncmp(cand, cur, strlen(cur)) == 0)
        printf("%s\n", cand);
}

/* The row of table named name, or NULL. */
static const struct cli_command *
find_command(const struct cli_command *const *t, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(t[i]->name, name) == 0)
            return t[i];
    return NULL;
}

/* The option row of cmd that word ("--variant", "-q") names, or NULL. */
static const struct cli_option *find_option(const struct cli_command *cmd,
                                            const char *word)
{
    const struct cli_option *o = cmd->options;

    for (; o != NULL && o->name != NULL; o++) {
        if (strncmp(word, "--", 2) == 0 && strcmp(word + 2, o->name) == 0)
            return o;
        if (word[0] == '-' && word[1] == o->short_name && word[1] != '\0' &&
            word[2] == '\0')
            return o;
    }
    return NULL;
}

/* The first operand of words[1..n) that names a lab, or NULL. */
static const struct lab *lab_in(const struct cli_command *cmd, char **words,
                                int n)
{
    for (int i = 1; i < n; i++) {
        const struct cli_option *o = find_option(cmd, words[i]);

        if (o != NULL && o->has_arg) {
            i++; /* its value */
            continue;
        }
        if (words[i][0] != '-' && lab_find(words[i]) != NULL)
            return lab_find(words[i]);
    }
    return NULL;
}

/* Whether variant i of listed lab l has the name of an earlier one. */
static bool variant_seen(int l, int i)
{
    const char *name = lab_at(l)->variants[i].name;

    for (int m = 0; m <= l; m++)
        for (int j = 0; j < (m == l ? i : lab_at(m)->nvariants); j++)
            if (strcmp(lab_at(m)->variants[j].name, name) == 0)
                return true;
    return false;
}

/* Whether s is a non-empty run of decimal digits. */
static bool all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* A --sched value with its numbers typed ("random:5", "pct:1:3:t"): offer
 * it with the timeouts marker ("random:5:timeouts"). */
static void offer_sched_marker(const char *cur)
{
    int nums = strncmp(cur, "random:", 7) == 0 ? 1
               : strncmp(cur, "pct:", 4) == 0  ? 2
                                               : 0;
    const char *p = strchr(cur, ':');
    char cand[96];

    if (nums == 0 || strlen(cur) > 60)
        return;
    for (int i = 0; i < nums; i++) {
        const char *num = p + 1;
        p = strchr(num, ':');
        if (!all_digits(num, p != NULL ? (size_t)(p - num) : strlen(num)))
            return;
        if (p == NULL && i < nums - 1)
            return;
    }
    snprintf(cand, sizeof cand, "%.*s:timeouts",
             (int)(p != NULL ? (size_t)(p - cur) : strlen(cur)), cur);
    offer(cand, cur);
}

/* The candidates for the value of option o. */
static void offer_value(const struct cli_option *o, const struct lab *lab,
                        const char *cur)
{
    static const char *const scheds[] = {
        "rr:1", "random:", "pct:", "replay:", "manual"};
    static const char *const formats[] = {"text", "json", "gradescope", "tap",
                                          "junit"};
    char kv[64];
    int i;

    if (strcmp(o->name, "variant") == 0) {
        /* No lab yet: every lab's variants, each name once. */
        for (int l = 0; lab == NULL && l < lab_count(); l++)
            for (i = 0; i < lab_at(l)->nvariants; i++)
                if (!variant_seen(l, i))
                    offer(lab_at(l)->variants[i].name, cur);
        for (i = 0; lab != NULL && i < lab->nvariants; i++)
            offer(lab->variants[i].name, cur);
    } else if (strcmp(o->name, "backend") == 0) {
        offer("sim", cur);
        offer("os", cur);
    } else if (strcmp(o->name, "sched") == 0) {
        for (i = 0; i < 5; i++)
            offer(scheds[i], cur);
        offer_sched_marker(cur);
    } else if (strcmp(o->name, "set") == 0 && lab != NULL) {
        for (i = 0; i < lab->nparams; i++) {
            snprintf(kv, sizeof kv, "%s=", lab->params[i].key);
            offer(kv, cur);
        }
    } else if (strcmp(o->name, "format") == 0) {
        for (i = 0; i < 5; i++)
            offer(formats[i], cur);
    }
}

/* The candidates for an operand of cmd. */
static void offer_operand(const struct cli_command *cmd,
                          const struct cli_command *const *table, int n,
                          const char *cur)
{
    int i;

    if (cmd->operand == NULL)
        return;
    if (strcmp(cmd->operand, "LAB") == 0) {
        for (i = 0; i < lab_count(); i++)
            offer(lab_at(i)->name, cur);
    } else if (strcmp(cmd->operand, "EXERCISE") == 0) {
        for (i = 0; i < ex_exercise_count(); i++)
            offer(ex_exercise_at(i)->name, cur);
    } else if (strcmp(cmd->operand, "COMMAND") == 0) {
        for (i = 0; i < n; i++)
            if (table[i]->summary != NULL)
                offer(table[i]->name, cur);
    }
}

int cli_complete(const struct cli_command *const *table, int n, int argc,
                 char **words)
{
    const struct cli_command *cmd;
    const struct cli_option *o;
    const char *cur;
    int i;

    /* words[0] is "racelab"; the last word is the one to complete. */
    if (argc < 2)
        return CLI_EXIT_OK;
    cur = words[argc - 1];
    if (argc == 2) {
        for (i = 0; i < n; i++)
            if (table[i]->summary != NULL)
                offer(table[i]->name, cur);
        offer("--help", cur);
        offer("--version", cur);
        return CLI_EXIT_OK;
    }
    cmd = find_command(table, n, words[1]);
    if (cmd == NULL)
        return CLI_EXIT_OK;
    o = find_option(cmd, words[argc - 2]);
    if (o != NULL && o->has_arg) {
        offer_value(o, lab_in(cmd, words + 1, argc - 2), cur);
        return CLI_EXIT_OK;
    }
    if (cur[0] == '-') {
        char name[72];

        for (o = cmd->options; o != NULL && o->name != NULL; o++) {
            snprintf(name, sizeof name, "--%s", o->name);
            offer(name, cur);
        }
        offer("--help", cur);
        return CLI_EXIT_OK;
    }
    offer_operand(cmd, table, n, cur);
    return CLI_EXIT_OK;
}
