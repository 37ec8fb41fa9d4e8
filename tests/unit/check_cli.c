/* SPDX-License-Identifier: MIT */
/*
 * check_cli.c - the command line's shared parsing (tui/cli/cli.c): the option
 * walker, numbers, the lab options checked against the registry, and the
 * scheduler options. Every error is checked with its exact message, since
 * that message is what a student reads. The commands themselves (their
 * output and exit status) are tested end to end by tests/e2e/cli.sh.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../tui/cli/cli.h"

enum { OPT_QUIET = CLI_OPT_USER, OPT_TRACE };

static const struct cli_option test_options[] = {
    CLI_LAB_OPTIONS,
    {"quiet", 'q', false, OPT_QUIET},
    {"trace", 0, true, OPT_TRACE},
    {NULL, 0, false, 0},
};

static const struct cli_command test_cmd = {"run", "", "", NULL, test_options,
                                            "LAB", 1};

/* A parser over the NULL-terminated words (argv[0] = "run"). */
static void parser_over(struct cli_parser *p, char **words)
{
    int n = 0;

    while (words[n] != NULL)
        n++;
    cli_parser_init(p, &test_cmd, n, words);
}

START_TEST(test_next_mixed)
{
    char *w[] = {"run",           "--variant", "locked", "lab", "-q",
                 "--trace=f.txt", "--set",     "k=v",    NULL};
    struct cli_parser p;

    parser_over(&p, w);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_OPT_VARIANT);
    ck_assert_str_eq(p.arg, "locked");
    ck_assert_str_eq(p.opt, "--variant");
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ARG);
    ck_assert_str_eq(p.arg, "lab");
    ck_assert_int_eq(cli_next(&p, test_options), OPT_QUIET);
    ck_assert_ptr_null(p.arg);
    ck_assert_int_eq(cli_next(&p, test_options), OPT_TRACE);
    ck_assert_str_eq(p.arg, "f.txt");
    ck_assert_int_eq(cli_next(&p, test_options), CLI_OPT_SET);
    ck_assert_str_eq(p.arg, "k=v");
    ck_assert_int_eq(cli_next(&p, test_options), CLI_END);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_END);
}
END_TEST

START_TEST(test_next_double_dash)
{
    char *w[] = {"run", "--", "--quiet", "-", NULL};
    struct cli_parser p;

    parser_over(&p, w);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ARG);
    ck_assert_str_eq(p.arg, "--quiet");
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ARG);
    ck_assert_str_eq(p.arg, "-");
    ck_assert_int_eq(cli_next(&p, test_options), CLI_END);
}
END_TEST

START_TEST(test_next_help)
{
    char *w[] = {"run", "--help", "-h", NULL};
    struct cli_parser p;

    parser_over(&p, w);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_HELP);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_HELP);
}
END_TEST

START_TEST(test_next_errors)
{
    char *w1[] = {"run", "--frobnicate", NULL};
    char *w2[] = {"run", "--variant", NULL};
    char *w3[] = {"run", "--variant", "--quiet", NULL};
    char *w4[] = {"run", "--quiet=yes", NULL};
    char *w5[] = {"run", "-x", NULL};
    char *w6[] = {"run", "-qq", NULL};
    struct cli_parser p;

    parser_over(&p, w1);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ERR);
    ck_assert_str_eq(p.err, "unknown option '--frobnicate' for run (see "
                            "'racelab help run')");
    parser_over(&p, w2);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ERR);
    ck_assert_str_eq(p.err, "option --variant needs a value (see 'racelab "
                            "help run')");
    parser_over(&p, w3);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ERR);
    ck_assert_str_eq(p.err, "option --variant needs a value (see 'racelab "
                            "help run')");
    parser_over(&p, w4);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ERR);
    ck_assert_str_eq(p.err, "option --quiet takes no value (see 'racelab "
                            "help run')");
    parser_over(&p, w5);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ERR);
    ck_assert_str_eq(p.err,
                     "unknown option '-x' for run (see 'racelab help run')");
    parser_over(&p, w6);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ERR);
    ck_assert_str_eq(p.err,
                     "unknown option '-qq' for run (see 'racelab help run')");
}
END_TEST

START_TEST(test_parse_u64)
{
    char err[128];
    uint64_t v = 0;

    ck_assert_int_eq(cli_parse_u64("--n", "42", 1, 100, &v, err, sizeof err),
                     0);
    ck_assert_uint_eq(v, 42);
    ck_assert_int_eq(cli_parse_u64("--n", "0", 1, 100, &v, err, sizeof err),
                     -1);
    ck_assert_str_eq(err, "--n must be a whole number from 1 to 100, not '0'");
    ck_assert_int_eq(cli_parse_u64("--n", "12x", 1, 100, &v, err, sizeof err),
                     -1);
    ck_assert_str_eq(err,
                     "--n must be a whole number from 1 to 100, not '12x'");
    ck_assert_int_eq(cli_parse_u64("--seed", "-3", 0, UINT64_MAX, &v, err,
                                   sizeof err),
                     -1);
    ck_assert_str_eq(err, "--seed must be a whole number from 0 to "
                          "18446744073709551615, not '-3'");
    ck_assert_int_eq(cli_parse_u64("--n", "", 0, 100, &v, err, sizeof err), -1);
    ck_assert_str_eq(err, "--n must be a whole number from 0 to 100, not ''");
    ck_assert_int_eq(cli_parse_u64("--n", "99999999999999999999999", 0,
                                   UINT64_MAX, &v, err, sizeof err),
                     -1);
    ck_assert_str_eq(err, "--n must be a whole number from 0 to "
                          "18446744073709551615, not "
                          "'99999999999999999999999'");
}
END_TEST

/* Feed words (after "run") through cli_lab_option into a. */
static int lab_args_from(struct cli_lab_args *a, char **words, char *err,
                         size_t errlen)
{
    struct cli_parser p;
    int id;

    memset(a, 0, sizeof *a);
    parser_over(&p, words);
    while ((id = cli_next(&p, test_options)) != CLI_END) {
        if (id == CLI_ARG) {
            a->lab = p.arg;
            continue;
        }
        ck_assert_int_gt(id, 0);
        if (cli_lab_option(a, id, p.opt, p.arg, err, errlen) < 0)
            return -1;
    }
    return 0;
}

START_TEST(test_lab_resolve)
{
    char *w[] = {"run",         "--iters", "5",       "unsafe-counter",
                 "--threads=3", "--set",   "iters=7", NULL};
    struct cli_lab_args a;
    struct lab_inst inst;
    char err[512];

    ck_assert_int_eq(lab_args_from(&a, w, err, sizeof err), 0);
    ck_assert_int_eq(a.nsets, 3);
    ck_assert_int_eq(cli_lab_resolve(&a, &inst, err, sizeof err), 0);
    ck_assert_str_eq(inst.lab->name, "unsafe-counter");
    ck_assert_int_eq(inst.backend, RL_BACKEND_SIM);
    ck_assert_int_eq(lab_inst_param(&inst, "threads"), 3);
    ck_assert_int_eq(lab_inst_param(&inst, "iters"), 7); /* last wins */
}
END_TEST

START_TEST(test_lab_resolve_os_defaults)
{
    char *w[] = {"run", "unsafe-counter", "--backend", "os", NULL};
    struct cli_lab_args a;
    struct lab_inst inst;
    char err[512];

    ck_assert_int_eq(lab_args_from(&a, w, err, sizeof err), 0);
    ck_assert_int_eq(cli_lab_resolve(&a, &inst, err, sizeof err), 0);
    ck_assert_int_eq(inst.backend, RL_BACKEND_OS);
    ck_assert_int_eq(
        lab_inst_param(&inst, "iters"),
        inst.lab->params[lab_param_find(inst.lab, "iters")].def_os);
}
END_TEST

START_TEST(test_lab_resolve_errors)
{
    char *w1[] = {"run", "no-such-lab", NULL};
    char *w2[] = {"run", "unsafe-counter", "--variant", "nope", NULL};
    char *w3[] = {"run", "unsafe-counter", "--backend", "gpu", NULL};
    char *w4[] = {"run", "unsafe-counter", "--set", "iters", NULL};
    char *w5[] = {"run", "unsafe-counter", "--set", "=3", NULL};
    struct cli_lab_args a;
    struct lab_inst inst;
    char err[512], names[512], want[1024];

    cli_lab_names(names, sizeof names);
    ck_assert_int_eq(lab_args_from(&a, w1, err, sizeof err), 0);
    ck_assert_int_eq(cli_lab_resolve(&a, &inst, err, sizeof err), -1);
    snprintf(want, sizeof want, "unknown lab 'no-such-lab'; labs: %s", names);
    ck_assert_str_eq(err, want);

    ck_assert_int_eq(lab_args_from(&a, w2, err, sizeof err), 0);
    ck_assert_int_eq(cli_lab_resolve(&a, &inst, err, sizeof err), -1);
    ck_assert_str_eq(err, "unknown variant 'nope' for unsafe-counter; "
                          "variants: unsafe");

    ck_assert_int_eq(lab_args_from(&a, w3, err, sizeof err), 0);
    ck_assert_int_eq(cli_lab_resolve(&a, &inst, err, sizeof err), -1);
    ck_assert_str_eq(err, "unknown backend 'gpu'; backends: sim, os");

    ck_assert_int_eq(lab_args_from(&a, w4, err, sizeof err), -1);
    ck_assert_str_eq(err, "--set expects KEY=VALUE, not 'iters'");
    ck_assert_int_eq(lab_args_from(&a, w5, err, sizeof err), -1);
    ck_assert_str_eq(err, "--set expects KEY=VALUE, not '=3'");
}
END_TEST

START_TEST(test_lab_names)
{
    const char *core = "unsafe-counter, locked-counter, rlock-nesting, "
                       "semaphore-pool, producer-consumer";
    char names[1024], small[8];
    size_t n = cli_lab_names(names, sizeof names);

    ck_assert_uint_eq(n, strlen(names));
    /* The five core labs first, in registry order; more may follow. */
    ck_assert_msg(strncmp(names, core, strlen(core)) == 0, "%s", names);
    ck_assert_uint_eq(cli_lab_names(small, sizeof small), n);
    ck_assert_str_eq(small, "unsafe-");
}
END_TEST

START_TEST(test_sched_resolve)
{
    struct cli_lab_args a;
    struct rl_sched s;
    bool given;
    char err[512], text[64];

    memset(&a, 0, sizeof a);
    ck_assert_int_eq(
        cli_sched_resolve(&a, RL_BACKEND_SIM, &s, &given, err, sizeof err), 0);
    ck_assert(!given);
    rl_sched_format(&s, text, sizeof text);
    ck_assert_str_eq(text, CLI_DEFAULT_SCHED);

    a.seed = "7";
    ck_assert_int_eq(
        cli_sched_resolve(&a, RL_BACKEND_SIM, &s, &given, err, sizeof err), 0);
    ck_assert(given);
    ck_assert_int_eq(s.kind, RL_SCHED_RANDOM);
    ck_assert_uint_eq(s.seed, 7);

    a.sched = "rr:2";
    ck_assert_int_eq(
        cli_sched_resolve(&a, RL_BACKEND_SIM, &s, &given, err, sizeof err), -1);
    ck_assert_str_eq(err, "give --sched or --seed, not both (--seed N means "
                          "--sched random:N)");

    a.seed = NULL;
    ck_assert_int_eq(
        cli_sched_resolve(&a, RL_BACKEND_OS, &s, &given, err, sizeof err), -1);
    ck_assert_str_eq(err, "--sched chooses the sim scheduler; the os backend "
                          "is scheduled by the operating system");

    a.seed = "x";
    a.sched = NULL;
    ck_assert_int_eq(
        cli_sched_resolve(&a, RL_BACKEND_SIM, &s, &given, err, sizeof err), -1);
    ck_assert_str_eq(err, "--seed must be a whole number from 0 to "
                          "18446744073709551615, not 'x'");
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("parse");

    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_next_mixed);
    tcase_add_test(tc, test_next_double_dash);
    tcase_add_test(tc, test_next_help);
    tcase_add_test(tc, test_next_errors);
    tcase_add_test(tc, test_parse_u64);
    tcase_add_test(tc, test_lab_resolve);
    tcase_add_test(tc, test_lab_resolve_os_defaults);
    tcase_add_test(tc, test_lab_resolve_errors);
    tcase_add_test(tc, test_lab_names);
    tcase_add_test(tc, test_sched_resolve);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    int failed;

    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
