/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the command line: the command table's row type, and the option
 * parsing and output helpers that every command shares.
 *
 * A command is one row, struct cli_command, defined in the command's own
 * file (tui/cli/cmd_run.c defines cli_cmd_run, ...): its name, summary,
 * usage, function, option table and operands. main.c keeps
 * the table: `racelab NAME ...` calls row->fn(argc, argv) with argv[0] =
 * NAME, `racelab help` lists every row's summary, and `racelab complete`
 * (the shell completion) reads the option tables. To add a command: write
 * tui/cli/cmd_NAME.c with `const struct cli_command cli_cmd_NAME = {...}`,
 * declare it below, add `&cli_cmd_NAME` to the table in main.c, and give
 * it a paragraph in the man page (tui/cli/racelab.1; the tests check it).
 *
 * Every command has the same shape: cli_parse(), the one option loop,
 * turns argv into a struct cli_args (and the lab options into a struct
 * cli_lab_args); a NAME_job_from() checks the values and fills the
 * command's job; a NAME_job_execute() only runs it.
 *
 * The helpers keep every command's behaviour the same: options may come
 * before or after positional arguments, `--opt VALUE` and `--opt=VALUE` are
 * both accepted, `-h` / `--help` prints the command's usage, and every error
 * is one line on stderr starting "racelab: " with exit status 2. Helpers
 * that can fail write that line's text into an err buffer and return -1; the
 * command prints it with cli_error() (so the parsing is testable without
 * capturing stderr).
 */
#ifndef RL_CLI_H
#define RL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../../labs/lab.h"

/* Exit statuses of every command. */
#define CLI_EXIT_OK 0    /* done; for run: every check holds */
#define CLI_EXIT_FAIL 1  /* run: a check failed (as unsafe variants should) */
#define CLI_EXIT_USAGE 2 /* bad usage or input (a one-line error printed) */

/* The sim scheduler when neither --sched nor --seed is given: round robin
 * with a quantum of one step, the most interleaved fair schedule, so that
 * the unsafe counter loses updates on its first run. */
#define CLI_DEFAULT_SCHED "rr:1"

/* On os, a run that is not --quiet prints at most this many events. */
#define CLI_OS_EVENT_LIMIT 200

struct cli_option;

/* One row of the command table. */
struct cli_command {
    const char *name;    /* "run" */
    const char *summary; /* one line for `racelab help` */
    const char *usage;   /* `racelab help NAME`: usage line, what it does,
                            every option, an example; ends with '\n' */
    int (*fn)(int argc, char **argv); /* argv[0] = name; returns the exit
                                         status */
    const struct cli_option *options; /* what cli_parse accepts (a row
                                         with a NULL name ends it); NULL:
                                         none but -h */
    const char *operand; /* the positional arguments, for messages and
                            completion: "LAB", "EXERCISE"; NULL: none */
    int max_operands;    /* how many operands at most */
};
/* The rows, each defined in its command's file (tui and help live in
 * main.c). */
extern const struct cli_command cli_cmd_list;   /* cmd_list.c */
extern const struct cli_command cli_cmd_run;    /* cmd_run.c */
extern const struct cli_command cli_cmd_replay; /* cmd_replay.c */
extern const struct cli_command cli_cmd_explore; /* cmd_explore.c */
extern const struct cli_command cli_cmd_grade;   /* cmd_grade.c */

/* Shell completion: print the candidates for the last of words[0..n)
 * (words[0] = "racelab"), one a line, from table (n rows; a row without a
 * summary is hidden), the command's options, the labs and the exercises.
 * Returns CLI_EXIT_OK. */
int cli_complete(const struct cli_command *const *table, int n, int argc,
                 char **words);

/* ---- errors -------------------------------------------------------------- */

/* Print "racelab: MESSAGE" as one line on stderr. Returns CLI_EXIT_USAGE so
 * a command can `return cli_error(...)`. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print cmd->usage on stdout. Returns CLI_EXIT_OK. */
int cli_help(const struct cli_command *cmd);

/* ---- plain C programs (cli_program.c) ------------------------------------- */

/* Take a program's parts out of argv (argv[0] = the command): operands
 * that are sources (".c", folders) become one operand, "a.c+b.c" at the
 * first one's place; -I / -D flags go to the compiler; what follows "--"
 * to the program. Without a source argv is left as it is. Returns 0 with
 * the new argv in *outc / *outv (kept for the process), or -1 with a
 * message. */
int cli_program_argv(int argc, char **argv, int *outc, char ***outv,
                     char *err, size_t errlen);
/* Free the argv cli_program_argv made (after the command has run). */
void cli_program_release(void);
/* The lab of the program name ("a.c+b.c"), built once per process with
 * the flags and arguments cli_program_argv found. NULL with a message; a
 * compile error has then been printed on stderr as the compiler wrote it
 * and err says "cannot compile NAME". */
const struct lab *cli_program_find(const char *name, char *err,
                                   size_t errlen);
/* Append to buf (a replay command's tail) the -I / -D flags and the
 * "-- ARGS" the program was given, quoted for a shell. */
void cli_program_replay_extra(char *buf, size_t len);
/* The program opened by cli_program_find, or NULL. */
const struct lab *cli_program_current(void);

/* The compiler's warnings of the builds a command made or found in the
 * cache (a program's, an exercise's, a submission's), kept until shown:
 * run, explore and replay print them on stderr before they run
 * (cli_warnings_print), the TUI shows one line (cli_warnings_line) and
 * main prints them all once it has closed. */
/* Keep text (the compiler's words; the same text twice is kept once). */
void cli_warnings_add(const char *text);
/* Keep the warnings of the build exe (core/program.h). */
void cli_warnings_add_exe(const char *exe);
/* Print the warnings kept on stderr, then forget them. */
void cli_warnings_print(void);
/* One line for the TUI's status area: "2 compiler warnings (listed when
 * racelab ends): race.c:15:7: warning: ...", or "" when there are none.
 * Returns its length. */
size_t cli_warnings_line(char *buf, size_t len);

/* One failure of a run, for the verdict and --format json: kind is
 * assert, crash, deadlock, hang (step limit), exit (non-zero status), race
 * (a data race), misuse, or check (a lab's own check). */
struct cli_failure {
    char kind[12];
    char thread[32];   /* "T1", or "" */
    char where[96];    /* "race.c:12" (programs), or "" */
    char message[512];
    char why[640]; /* what the analysis adds to a deadlock or hang: its
                      lost wakeup ("lost wakeup on c: ..."), or "" */
};
#define CLI_MAX_FAILURES 16
/* Lost wakeup w of run as its analysis line, with the notify's source line
 * when lab (a C program) knows it: "lost wakeup on c: T1 called
 * cond_signal at step 10 (lost.c:22) ...". */
struct rl_lost_wakeup;
size_t cli_wakeup_text(const struct rl_run *run, const struct lab *lab,
                       const struct rl_lost_wakeup *w, char *buf, size_t len);
/* The failures of an ended run of lab (at most max); races only when
 * races_fail (else `--races=report`: listed in the analysis, no failure).
 * Returns the count. */
int cli_failures(const struct rl_run *run, const struct lab *lab,
                 bool races_fail, struct cli_failure *out, int max);
/* "verdict: no failure", or the failures one a line. */
void cli_print_failures(FILE *f, const struct cli_failure *fl, int n);
/* The one JSON object of --format json: lab, verdict ("pass"/"fail", or
 * "incomplete" for a search a safety stop ended with no failure found),
 * failures (kind, thread, where, message), schedule (NULL: null),
 * schedules (how many were run) and the program's output when not NULL. */
void cli_print_json(FILE *f, const char *lab, const struct cli_failure *fl,
                    int n, const char *schedule, uint64_t schedules,
                    const char *output, bool incomplete);

/* --format text|json and --races fail|report (NULL: not given). Returns
 * 0, or -1 with a message. */
int cli_format_options(const char *format, const char *races, bool *json,
                       bool *races_report, char *err, size_t errlen);

/* ---- option parsing ------------------------------------------------------ */

/* What cli_next returns besides an option id (ids are > 0). */
#define CLI_END 0     /* no more arguments */
#define CLI_ARG (-1)  /* a positional argument, in p->arg */
#define CLI_HELP (-2) /* -h or --help: print the usage, exit 0 */
#define CLI_ERR (-3)  /* an error, message in p->err */

struct cli_option {
    const char *name; /* long name without "--": "variant" */
    char short_name;  /* 'q' for -q, or 0 */
    bool has_arg;     /* takes a value: "--variant V" or "--variant=V" */
    int id;           /* > 0: what cli_next returns for it */
};

/* A walk over argv[1..argc). Private to the command that runs it. */
struct cli_parser {
    const struct cli_command *cmd; /* for messages */
    int argc;
    char **argv;
    int next;        /* index of the next argv element */
    bool only_args;  /* after "--": everything is positional */
    const char *arg; /* the value of the last option or positional */
    char opt[64];    /* the last option as spelled, "--threads" */
    char err[512];   /* the message when cli_next returns CLI_ERR */
};

/* Start walking argv[1..argc) (argv[0] is the command name). */
void cli_parser_init(struct cli_parser *p, const struct cli_command *cmd,
                     int argc, char **argv);
/* The next option or positional. opts ends with a row whose name is NULL.
 * Returns an option id (p->arg = its value or NULL), CLI_ARG (p->arg = the
 * argument), CLI_HELP, CLI_END, or CLI_ERR (unknown option, missing value,
 * value given to an option that takes none; p->err says which). */
int cli_next(struct cli_parser *p, const struct cli_option *opts);

/* Parse a whole unsigned decimal number in min..max for option opt.
 * Returns 0, or -1 with "OPT must be a whole number from MIN to MAX, not
 * 'X'" in err. */
int cli_parse_u64(const char *opt, const char *text, uint64_t min, uint64_t max,
                  uint64_t *out, char *err, size_t errlen);

/* Parse a number of seconds, more than 0 and at most max (--budget).
 * Returns 0, or -1 with "OPT must be a number of seconds, more than 0 and
 * at most MAX, not 'X'" in err. */
int cli_parse_seconds(const char *opt, const char *text, double max,
                      double *out, char *err, size_t errlen);

/* ---- the one option loop ------------------------------------------------ */

#define CLI_MAX_OPERANDS 64
#define CLI_MAX_IDS 64 /* option ids are below this */

/* A command line as parsed by cli_parse, before any value is checked. */
struct cli_args {
    const char *operands[CLI_MAX_OPERANDS]; /* in order */
    int noperands;
    /* A command's own options (CLI_OPT_USER and up, and any lab option a
     * command handles itself) by id: the value, "" for an option without
     * one, NULL when not given. The last one given wins. */
    const char *value[CLI_MAX_IDS];
};

struct cli_lab_args;

/* The shared option loop of every command: walk argv (argv[0] = the
 * command's name) with cmd->options, store every option and operand in
 * out, and the lab options (CLI_LAB_OPTIONS) in lab when it is not NULL.
 * Returns 0, 1 when -h / --help was given, or -1 with a one-line message
 * in err (an unknown option with a "did you mean", a missing value, too
 * many operands). */
int cli_parse(const struct cli_command *cmd, int argc, char **argv,
              struct cli_args *out, struct cli_lab_args *lab, char *err,
              size_t errlen);

/* cli_parse for a command's function: returns true when the command
 * should go on; otherwise the usage or the error has been printed and
 * *status is the exit status. */
bool cli_parse_command(const struct cli_command *cmd, int argc, char **argv,
                       struct cli_args *out, struct cli_lab_args *lab,
                       int *status);

/* ---- the lab options shared by tui, run (and later explore, grade) ------- */

enum {
    CLI_OPT_VARIANT = 1,
    CLI_OPT_BACKEND,
    CLI_OPT_SCHED,
    CLI_OPT_SEED,
    CLI_OPT_THREADS,
    CLI_OPT_ITERS,
    CLI_OPT_SET,
    CLI_OPT_SUBMISSION,
    CLI_OPT_USER = 32, /* a command's own options start here */
};

/* Rows for a command's option table (the LAB positional is the command's). */
/* clang-format off */
#define CLI_LAB_OPTIONS                                                      \
    {"variant", 0, true, CLI_OPT_VARIANT},                                   \
    {"backend", 0, true, CLI_OPT_BACKEND},                                   \
    {"sched", 0, true, CLI_OPT_SCHED},                                       \
    {"seed", 0, true, CLI_OPT_SEED},                                         \
    {"threads", 0, true, CLI_OPT_THREADS},                                   \
    {"iters", 0, true, CLI_OPT_ITERS},                                       \
    {"set", 0, true, CLI_OPT_SET},                                           \
    {"submission", 0, true, CLI_OPT_SUBMISSION}
/* clang-format on */

#define CLI_MAX_SETS 32

/* A parameter assignment, in command-line order. */
struct cli_set {
    const char *opt; /* "--set", "--threads", "--iters" */
    char key[32];
    const char *value;
};

/* The lab options as given, before they are checked against a lab. */
struct cli_lab_args {
    const char *lab;     /* LAB, or NULL */
    const char *variant; /* --variant, or NULL (the lab's first) */
    const char *backend; /* --backend, or NULL (sim) */
    const char *sched;   /* --sched, or NULL */
    const char *seed;    /* --seed, or NULL */
    const char *submission; /* --submission PATH, or NULL */
    int nsets;
    struct cli_set sets[CLI_MAX_SETS];
};

/* Take option id with value (from cli_next) if it is one of
 * CLI_LAB_OPTIONS. Returns 1 if taken, 0 if id is not a lab option, -1
 * with a message in err ("--set expects KEY=VALUE, not 'x'"). */
int cli_lab_option(struct cli_lab_args *a, int id, const char *opt,
                   const char *value, char *err, size_t errlen);

/* The lab options checked against the registry (cli_lab.c). */

/* Parse "sim" or "os". Returns 0, or -1 with a message in err. */
int cli_parse_backend(const char *text, enum rl_backend *out, char *err,
                      size_t errlen);
/* The registry's lab names as "a, b, c" (snprintf-style return). */
size_t cli_lab_names(char *buf, size_t len);
/* Find a lab by name ('-' and '_' alike). Returns NULL with "unknown lab
 * 'x'; did you mean 'y'?" (or "; labs: a, b" when none is near) in err. */
const struct lab *cli_find_lab(const char *name, char *err, size_t errlen);
/* Find a variant by name ('-' and '_' alike). Returns -1 with "unknown
 * variant 'x' for LAB; did you mean 'y'?" (or "; variants: a, b") in err. */
int cli_find_variant(const struct lab *lab, const char *name, char *err,
                     size_t errlen);

/* Build inst from a (a->lab must be set): lab, backend, variant, then each
 * assignment in order. Returns 0, or -1 with the first problem in err. */
int cli_lab_resolve(const struct cli_lab_args *a, struct lab_inst *inst,
                    char *err, size_t errlen);
/* Point inst's student variant at a submission (--submission PATH: a
 * folder holding the exercise's NAME.c, or one .c file) and build it now,
 * so that a missing file or a compile error is found before anything
 * runs. Returns 0, or -1 with a one-line message in err: not the student
 * variant of an exercise, a missing file, or the compiler's first error
 * line ("hw/counter.c:5:1: error: ..."). */
int cli_submission_prepare(struct lab_inst *inst, const char *path, char *err,
                           size_t errlen);
/* Build the student variant of an exercise from this tree (inst without
 * a submission; anything else is left alone) now, as
 * cli_submission_prepare does: 0, or -1 with a one-line message in err,
 * the compiler's first error line ("exercises/counter.c:5:1: error: ...").
 * For run, explore and replay; the TUI shows the whole message instead. */
int cli_exercise_prepare(struct lab_inst *inst, char *err, size_t errlen);
/* " --submission PATH" (PATH quoted for the shell) when inst runs a
 * submission, else "": what a printed replay command needs too. */
size_t cli_submission_option(const struct lab_inst *inst, char *buf,
                             size_t len);
/* Keep one line of a compiler's messages in place: the first with
 * " error: " (gcc and clang's "file:line:col: error: ..." and "fatal
 * error: ..."), else the first. */
void cli_first_error_line(char *msg);
/* The sim scheduler from --sched / --seed (CLI_DEFAULT_SCHED when neither;
 * *given tells whether one was). Returns 0, or -1 with a message in err
 * (both given, a malformed spec, a scheduler on the os backend). */
int cli_sched_resolve(const struct cli_lab_args *a, enum rl_backend backend,
                      struct rl_sched *out, bool *given, char *err,
                      size_t errlen);

/* Read the schedule string from a trace file (one that the TUI's 'w',
 * `racelab run --trace` or `racelab run --schedule-out` saved), any
 * length (cmd_replay.c). Returns it (the caller frees it), or NULL with a
 * one-line message in err (cannot read, not a trace file, no schedule: an
 * os run). */
char *cli_trace_schedule_read(const char *path, char *err, size_t errlen);
/* As cli_trace_schedule_read; *saved_at (not NULL) is the step a trace
 * was saved at before its run ended (the TUI's 'w' mid-run: "end:
 * running"), 0 for a whole run. */
char *cli_trace_schedule_read_at(const char *path, uint64_t *saved_at,
                                 char *err, size_t errlen);
/* The same into buf; a string of len characters or more is an error. */
int cli_trace_schedule(const char *path, char *buf, size_t len, char *err,
                       size_t errlen);

/* Whether stdin and stdout are both terminals (the TUI needs both). */
bool cli_have_terminal(void);
/* The line printed when the TUI is asked for without a terminal. */
#define CLI_NO_TERMINAL_MSG                                                    \
    "the TUI needs a terminal; try 'racelab list' or 'racelab run LAB'"

/* ---- output (cli_output.c) ----------------------------------------------- */

/* "unsafe-counter/unsafe on sim, scheduler rr:1, params threads=2,iters=3"
 * (no scheduler on os). */
size_t cli_describe_run(const struct lab_inst *inst, const char *sched,
                        char *buf, size_t len);
/* One event line: the step right-aligned, the thread name padded to
 * name_width, rl_record_text(); ends with '\n'. */
size_t cli_format_record(const struct rl_run *run, const struct rl_record *rec,
                         int name_width, char *buf, size_t len);
/* The width of the longest thread name in run (at least 2). */
int cli_thread_name_width(const struct rl_run *run);
/* "final state:" and one line per object: variables with their value,
 * locks with their holder, semaphores with count and holders, ... */
void cli_print_state(FILE *f, const struct rl_run *run);
/* "checks:" and one line per check: "  PASS  name: message". */
void cli_print_checks(FILE *f, const struct rl_run *run);
/* Print the data races, lost updates and lost wakeups (with the fix once)
 * found in the run's records. */
void cli_print_analysis(FILE *f, const struct rl_run *run);
/* "end: done after N steps (...)" and, for a deadlock, a step limit or a
 * divergence, rl_run_end_text indented below. */
void cli_print_end(FILE *f, const struct rl_run *run);
/* The schedule string of a finished sim run of inst. Returns a malloc'd
 * string the caller frees, or NULL when out of memory. */
char *cli_schedule_string(const struct rl_run *run,
                          const struct lab_inst *inst);
/* Its length, without making it (a run of 10^8 steps has a string of
 * hundreds of megabytes). */
size_t cli_schedule_length(const struct rl_run *run,
                           const struct lab_inst *inst);
/* Write it to f as it is made, piece by piece. Returns 0, or -1 on a write
 * error. */
int cli_write_schedule(FILE *f, const struct rl_run *run,
                       const struct lab_inst *inst);
/* Longer schedule strings are printed once: the replay line then points at
 * the schedule line instead of repeating it (a long run's string is
 * megabytes). */
#define CLI_SCHEDULE_INLINE_MAX 1000
/* Longer ones are not printed at all: `racelab run --schedule-out FILE`
 * writes them to FILE, which `racelab replay FILE` reads. */
#define CLI_SCHEDULE_PRINT_MAX 1000000
/* The two lines for a schedule string of len characters that is not
 * printed: written to path (NULL: not written; then the replay line says
 * that sched, the scheduler, makes the same run again). extra as for
 * cli_print_schedule. */
void cli_print_schedule_elsewhere(FILE *f, size_t len, const char *path,
                                  const char *sched, const char *extra);
/* "schedule: S" and "replay:   racelab replay --schedule 'S'EXTRA" (extra:
 * options the replay needs too, " --max-steps 50", or ""); past
 * CLI_SCHEDULE_INLINE_MAX characters S is printed once. */
void cli_print_schedule(FILE *f, const char *schedule, const char *extra);
/* "result: PASS (...)" or "result: FAIL (...)", saying whether that is
 * what the variant is expected to do. */
void cli_print_result(FILE *f, const struct rl_run *run,
                      const struct lab_inst *inst);

/* ---- one headless run, for run and replay (run_job.c) -------------------- */

/* What one run prints, shared by run and replay. */
struct run_job {
    struct lab_inst inst;
    struct rl_sched sched;
    const char *verb;       /* "run" or "replay", starts the header */
    char sched_text[64];    /* the scheduler, for the header */
    uint64_t max_steps;     /* 0 = the engine's default */
    int timeout_ms;         /* os wall-clock guard; 0 = the default */
    bool quiet;             /* no event lines on stdout */
    const char *trace_path; /* --trace FILE, or NULL */
    const char *schedule_out; /* --schedule-out FILE, or NULL */
    bool json;              /* --format json: one JSON object, no text */
    bool races_report;      /* --races=report: a data race is no failure */
    uint64_t runs;          /* --runs N: a program on os, N real runs */
    uint64_t saved_at;      /* replay of a trace saved mid-run: its last
                               step, where the replay ends (0: none) */
};

/* Run job to the end and print its report: the events, the final state,
 * the checks, how it ended and, on sim, the schedule string and the replay
 * command (or one JSON object with --format json). Returns the exit
 * status; an error has been printed as one line. */
int run_job_execute(struct run_job *job);
/* Parse --max-steps (sim only). Returns 0 or -1 with a message. */
int run_job_parse_max_steps(const char *text, uint64_t *out, char *err,
                            size_t errlen);

#endif
