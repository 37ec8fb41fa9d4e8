/* SPDX-License-Identifier: MIT */
/*
 * check_cli.c - the command line's shared parsing (tui/cli/cli.c and
 * cli_lab.c): the option walker, numbers, the lab options checked against
 * the registry, and the scheduler options. Every error is checked with its
 * exact message, since that message is what a student reads. The commands
 * themselves (their output and exit status) are tested end to end by
 * tests/e2e/cli.sh.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tui/cli/cli.h"
#include "../../tui/cli/suggest.h"

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

START_TEST(test_next_suggests_option)
{
    char *w[] = {"run", "--bakend", "os", NULL};
    char *w2[] = {"run", "--hepl", NULL};
    struct cli_parser p;

    parser_over(&p, w);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ERR);
    ck_assert_str_eq(p.err, "unknown option '--bakend' for run; did you mean "
                            "'--backend'? (see 'racelab help run')");
    parser_over(&p, w2);
    ck_assert_int_eq(cli_next(&p, test_options), CLI_ERR);
    ck_assert_str_eq(p.err, "unknown option '--hepl' for run; did you mean "
                            "'--help'? (see 'racelab help run')");
}
END_TEST

START_TEST(test_parse_into_args)
{
    char *w[] = {"run",     "--trace", "t.txt",       "-q", "unsafe-counter",
                 "--seed=7", "--iters", "4", NULL};
    struct cli_args c;
    struct cli_lab_args a;
    char err[256];

    ck_assert_int_eq(cli_parse(&test_cmd, 8, w, &c, &a, err, sizeof err), 0);
    ck_assert_int_eq(c.noperands, 1);
    ck_assert_str_eq(c.operands[0], "unsafe-counter");
    ck_assert_str_eq(c.value[OPT_TRACE], "t.txt");
    ck_assert_str_eq(c.value[OPT_QUIET], "");
    ck_assert_ptr_null(c.value[CLI_OPT_SEED]); /* went to the lab options */
    ck_assert_str_eq(a.seed, "7");
    ck_assert_int_eq(a.nsets, 1);
    ck_assert_str_eq(a.sets[0].key, "iters");
    ck_assert_str_eq(a.sets[0].value, "4");
    /* Without lab options, every option lands in value[]. */
    ck_assert_int_eq(cli_parse(&test_cmd, 8, w, &c, NULL, err, sizeof err), 0);
    ck_assert_str_eq(c.value[CLI_OPT_SEED], "7");
    ck_assert_str_eq(c.value[CLI_OPT_ITERS], "4");
}
END_TEST

START_TEST(test_parse_errors)
{
    char *w1[] = {"run", "a", "b", NULL};
    char *w2[] = {"run", "a", "--help", "b", NULL};
    char *w3[] = {"run", "--set", "x", NULL};
    struct cli_args c;
    struct cli_lab_args a;
    char err[256];

    ck_assert_int_eq(cli_parse(&test_cmd, 3, w1, &c, &a, err, sizeof err), -1);
    ck_assert_str_eq(err, "unexpected argument 'b': run takes one LAB (see "
                          "'racelab help run')");
    ck_assert_int_eq(cli_parse(&test_cmd, 4, w2, &c, &a, err, sizeof err), 1);
    ck_assert_int_eq(cli_parse(&test_cmd, 3, w3, &c, &a, err, sizeof err), -1);
    ck_assert_str_eq(err, "--set expects KEY=VALUE, not 'x'");
}
END_TEST

START_TEST(test_suggest)
{
    const char *names[] = {"unsafe-counter", "locked-counter", "run", "list"};

    ck_assert_int_eq(suggest_distance("unsafe-countr", "unsafe-counter"), 1);
    ck_assert_int_eq(suggest_distance("bakend", "backend"), 1);
    ck_assert_int_eq(suggest_distance("nur", "run"), 2);
    ck_assert_int_eq(suggest_distance("rnu", "run"), 1); /* a swap */
    ck_assert_int_eq(suggest_distance("bounded-buffer", "bounded_buffer"), 0);
    ck_assert_int_eq(suggest_distance("LIST", "list"), 0);
    ck_assert_str_eq(suggest_nearest("unsafe-countr", names, 4),
                     "unsafe-counter");
    ck_assert_str_eq(suggest_nearest("lokced-counter", names, 4),
                     "locked-counter");
    ck_assert_str_eq(suggest_nearest("rn", names, 4), "run");
    ck_assert_ptr_null(suggest_nearest("frob", names, 4));
    ck_assert_ptr_null(suggest_nearest("counter", names, 4));
    ck_assert(suggest_same_name("bounded-buffer", "bounded_buffer"));
    ck_assert(!suggest_same_name("bounded-buffe", "bounded_buffer"));
}
END_TEST

START_TEST(test_did_you_mean)
{
    struct cli_lab_args a;
    struct lab_inst inst;
    char err[512];
    char *w1[] = {"run", "unsafe-countr", NULL};
    char *w2[] = {"run", "locked-counter", "--variant", "lokced", NULL};
    char *w3[] = {"run", "unsafe-counter", "--set", "iter=2", NULL};
    char *w4[] = {"run", "bounded-buffer", "--variant", "reference", NULL};

    ck_assert_int_eq(lab_args_from(&a, w1, err, sizeof err), 0);
    ck_assert_int_eq(cli_lab_resolve(&a, &inst, err, sizeof err), -1);
    ck_assert_str_eq(err,
                     "unknown lab 'unsafe-countr'; did you mean "
                     "'unsafe-counter'?");
    ck_assert_int_eq(lab_args_from(&a, w2, err, sizeof err), 0);
    ck_assert_int_eq(cli_lab_resolve(&a, &inst, err, sizeof err), -1);
    ck_assert_str_eq(err, "unknown variant 'lokced' for locked-counter; did "
                          "you mean 'locked'?");
    ck_assert_int_eq(lab_args_from(&a, w3, err, sizeof err), 0);
    ck_assert_int_eq(cli_lab_resolve(&a, &inst, err, sizeof err), -1);
    ck_assert_str_eq(err, "unknown parameter 'iter' for unsafe-counter; did "
                          "you mean 'iters'?");
    /* '-' for '_': the exercise lab bounded_buffer. */
    ck_assert_int_eq(lab_args_from(&a, w4, err, sizeof err), 0);
    ck_assert_int_eq(cli_lab_resolve(&a, &inst, err, sizeof err), 0);
    ck_assert_str_eq(inst.lab->name, "bounded_buffer");
}
END_TEST

/* Write text to a new temporary file; returns its path (static). */
static const char *temp_file(const char *text)
{
    static char path[64];
    FILE *f;
    int fd;

    snprintf(path, sizeof path, "/tmp/check_cli.XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

START_TEST(test_trace_schedule)
{
    char buf[256], err[512], want[512];
    const char *path;

    /* racelab run --trace */
    path = temp_file("# racelab 0.1.0 trace\n"
                     "# run unsafe-counter/unsafe on sim, scheduler rr:1\n"
                     "# schedule: rl1:unsafe-counter:unsafe:threads=2,"
                     "iters=3:0.1x2\n"
                     "# replay:   racelab replay --schedule 'x'\n"
                     "# end: done; result: FAIL\n"
                     "     1  T0  start\n");
    ck_assert_int_eq(cli_trace_schedule(path, buf, sizeof buf, err, sizeof err),
                     0);
    ck_assert_str_eq(buf, "rl1:unsafe-counter:unsafe:threads=2,iters=3:0.1x2");
    unlink(path);
    /* the TUI's w */
    path = temp_file("# racelab trace\nlab: rlock-nesting (RLock nesting)\n"
                     "schedule: rl1:rlock-nesting:lock:depth=2:0x4\n"
                     "replay: racelab replay rl1:rlock-nesting:lock:"
                     "depth=2:0x4\n# seq thread event\n1 T0 start\n");
    ck_assert_int_eq(cli_trace_schedule(path, buf, sizeof buf, err, sizeof err),
                     0);
    ck_assert_str_eq(buf, "rl1:rlock-nesting:lock:depth=2:0x4");
    unlink(path);
    /* an os run */
    path = temp_file("# racelab trace\nbackend: os\n"
                     "schedule: none (os runs are not replayable)\n");
    ck_assert_int_eq(cli_trace_schedule(path, buf, sizeof buf, err, sizeof err),
                     -1);
    snprintf(want, sizeof want,
             "%s has no schedule to replay (only runs on the sim backend "
             "have one)",
             path);
    ck_assert_str_eq(err, want);
    unlink(path);
    /* not a trace */
    path = temp_file("hello\n");
    ck_assert_int_eq(cli_trace_schedule(path, buf, sizeof buf, err, sizeof err),
                     -1);
    snprintf(want, sizeof want,
             "'%s' is not a racelab trace file (save one with 'w' in the "
             "TUI or 'racelab run LAB --trace FILE')",
             path);
    ck_assert_str_eq(err, want);
    unlink(path);
    ck_assert_int_eq(cli_trace_schedule(path, buf, sizeof buf, err, sizeof err),
                     -1);
    snprintf(want, sizeof want,
             "cannot read trace file '%s': No such file or directory", path);
    ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_parse_seconds)
{
    char err[256];
    double v = 0;

    ck_assert_int_eq(cli_parse_seconds("--budget", "1.5", 60, &v, err,
                                       sizeof err),
                     0);
    ck_assert(v == 1.5);
    ck_assert_int_eq(cli_parse_seconds("--budget", "0", 60, &v, err,
                                       sizeof err),
                     -1);
    ck_assert_str_eq(err, "--budget must be a number of seconds, more than 0 "
                          "and at most 60, not '0'");
    ck_assert_int_eq(cli_parse_seconds("--budget", "nan", 60, &v, err,
                                       sizeof err),
                     -1);
}
END_TEST

/* The candidates cli_complete prints for words (NULL-terminated), joined
 * by spaces. */
static const char *completions(char **words)
{
    static const struct cli_command *const table[] = {
        &cli_cmd_list, &cli_cmd_run, &cli_cmd_replay, &cli_cmd_explore,
        &cli_cmd_grade};
    static char out[4096];
    char path[] = "/tmp/check_cli_complete.XXXXXX";
    int n = 0, fd = mkstemp(path);
    FILE *f;
    size_t len;

    ck_assert_int_ge(fd, 0);
    while (words[n] != NULL)
        n++;
    fflush(stdout);
    ck_assert_ptr_nonnull(freopen(path, "w", stdout));
    cli_complete(table, 5, n, words);
    fflush(stdout);
    f = fopen(path, "r");
    len = fread(out, 1, sizeof out - 1, f);
    fclose(f);
    close(fd);
    unlink(path);
    out[len] = '\0';
    for (char *c = out; *c != '\0'; c++)
        if (*c == '\n')
            *c = c[1] != '\0' ? ' ' : '\0';
    return out;
}

/* A program's sources become one operand; -I / -D and -- ARGS go apart;
 * without a source argv is untouched. */
START_TEST(test_program_argv)
{
    char *argv[] = {"run", "a.c", "-I", "inc", "--seed", "3", "b.c",
                    "-DN=2", "--", "x", "-q", NULL};
    char *lab[] = {"run", "unsafe-counter", "--", "x", NULL};
    char err[256], extra[256] = "";
    char **out;
    int n;

    ck_assert_int_eq(cli_program_argv(11, argv, &n, &out, err, sizeof err),
                     0);
    ck_assert_int_eq(n, 4);
    ck_assert_str_eq(out[0], "run");
    ck_assert_str_eq(out[1], "a.c+b.c");
    ck_assert_str_eq(out[2], "--seed");
    ck_assert_str_eq(out[3], "3");
    ck_assert_ptr_null(out[4]);
    cli_program_replay_extra(extra, sizeof extra);
    ck_assert_str_eq(extra, " -Iinc -DN=2 -- x -q");
    cli_program_release();
    ck_assert_int_eq(cli_program_argv(4, lab, &n, &out, err, sizeof err), 0);
    ck_assert_int_eq(n, 4);
    ck_assert_ptr_eq(out, lab);
    char *bad[] = {"run", "a.c", "-I", NULL};
    ck_assert_int_eq(cli_program_argv(3, bad, &n, &out, err, sizeof err), -1);
    ck_assert_str_eq(err, "-I needs a value");
    cli_program_release();
}
END_TEST

/* The one line kept of a compiler's messages. */
START_TEST(test_first_error_line)
{
    char m[256];

    snprintf(m, sizeof m, "%s",
             "hw/counter.c: In function 'f':\n"
             "hw/counter.c:5:1: warning: unused\n"
             "hw/counter.c:7:9: error: expected ';'\n"
             "    7 | x\n");
    cli_first_error_line(m);
    ck_assert_str_eq(m, "hw/counter.c:7:9: error: expected ';'");
    snprintf(m, sizeof m, "%s", "errors/c.c:1:10: fatal error: x.h: none\n");
    cli_first_error_line(m);
    ck_assert_str_eq(m, "errors/c.c:1:10: fatal error: x.h: none");
    snprintf(m, sizeof m, "%s", "ld: something\nmore\n");
    cli_first_error_line(m);
    ck_assert_str_eq(m, "ld: something");
}
END_TEST

/* --submission: only the student variant of an exercise, an existing
 * path, a folder that holds the exercise's file. */
START_TEST(test_submission_errors)
{
    struct lab_inst inst;
    char err[512];

    lab_inst_init(&inst, lab_find("unsafe-counter"), RL_BACKEND_SIM);
    ck_assert_int_eq(cli_submission_prepare(&inst, ".", err, sizeof err), -1);
    ck_assert_str_eq(err, "--submission applies to the student variant of "
                          "an exercise, not unsafe-counter/unsafe");
    lab_inst_init(&inst, lab_find("counter"), RL_BACKEND_SIM);
    ck_assert_int_eq(
        cli_submission_prepare(&inst, "no/such/dir", err, sizeof err), -1);
    ck_assert_str_eq(err, "--submission no/such/dir: No such file or "
                          "directory");
    ck_assert_int_eq(cli_submission_prepare(&inst, "core", err, sizeof err),
                     -1);
    ck_assert_str_eq(err, "--submission core: the submission has no "
                          "counter.c");
    ck_assert_int_eq(cli_submission_prepare(&inst, "exercises/rlock.c", err,
                                            sizeof err),
                     -1);
    ck_assert_str_eq(err, "--submission exercises/rlock.c is the rlock "
                          "exercise, not counter (give its folder, or "
                          "counter.c)");
    inst.variant = lab_variant_find(inst.lab, "reference");
    ck_assert_int_eq(cli_submission_prepare(&inst, "exercises", err,
                                            sizeof err),
                     -1);
    ck_assert_str_eq(err, "--submission applies to the student variant of "
                          "an exercise, not counter/reference");
}
END_TEST

START_TEST(test_complete)
{
    char *w1[] = {"racelab", "r", NULL};
    char *w2[] = {"racelab", "run", "rlock-n", NULL};
    char *w3[] = {"racelab", "run", "rlock-nesting", "--variant", "", NULL};
    char *w4[] = {"racelab", "run", "--set", "threads=2", "unsafe-counter",
                  "--set", "", NULL};
    char *w5[] = {"racelab", "explore", "--max-p", NULL};
    char *w6[] = {"racelab", "grade", "tr", NULL};
    char *w7[] = {"racelab", "run", "x", "--trace", "", NULL};
    char *w8[] = {"racelab", "nosuch", "", NULL};

    ck_assert_str_eq(completions(w1), "run replay");
    ck_assert_str_eq(completions(w2), "rlock-nesting");
    ck_assert_str_eq(completions(w3), "lock rlock");
    ck_assert_str_eq(completions(w4), "threads= iters=");
    ck_assert_str_eq(completions(w5), "--max-preemptions");
    ck_assert_str_eq(completions(w6), "transfer");
    ck_assert_str_eq(completions(w7), "");
    ck_assert_str_eq(completions(w8), "");
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("parse");

    tcase_set_timeout(tc, 10);
    tcase_add_test(tc, test_next_mixed);
    tcase_add_test(tc, test_program_argv);
    tcase_add_test(tc, test_next_double_dash);
    tcase_add_test(tc, test_next_help);
    tcase_add_test(tc, test_next_errors);
    tcase_add_test(tc, test_parse_u64);
    tcase_add_test(tc, test_lab_resolve);
    tcase_add_test(tc, test_lab_resolve_os_defaults);
    tcase_add_test(tc, test_lab_resolve_errors);
    tcase_add_test(tc, test_lab_names);
    tcase_add_test(tc, test_sched_resolve);
    tcase_add_test(tc, test_next_suggests_option);
    tcase_add_test(tc, test_parse_into_args);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_suggest);
    tcase_add_test(tc, test_did_you_mean);
    tcase_add_test(tc, test_trace_schedule);
    tcase_add_test(tc, test_parse_seconds);
    tcase_add_test(tc, test_complete);
    tcase_add_test(tc, test_first_error_line);
    tcase_add_test(tc, test_submission_errors);
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
