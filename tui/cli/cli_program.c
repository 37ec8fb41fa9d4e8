/* SPDX-License-Identifier: MIT */
/*
 * cli_program.c - plain C programs on the command line: `racelab run
 * a.c b.c -I inc -D N=3 -- ARGS`. Before a command parses its options,
 * cli_program_argv takes the program's parts out of argv: the sources
 * (operands ending in ".c", folders) become one LAB operand, their names
 * joined by '+' (the program lab's name, labs/program_lab.h); -I / -D go
 * to the compiler and what follows `--` to the program. cli_find_lab then
 * builds the program (once per process) and gives its lab, which every
 * command uses like any other; a pipe on stdin becomes a file then
 * (stdin_to_file), and the compiler's warnings are kept until the command
 * shows them (cli_warnings_*). State private to the main thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/analysis.h"
#include "../../core/mem.h"
#include "../../core/program.h"
#include "../../labs/program_lab.h"
#include "cli.h"

/* The compiler's messages shown at most (program.c keeps 16 KiB). */
#define CLI_COMPILER_OUTPUT_MAX 16384
/* The most of a pipe on stdin kept for the program (stdin_to_file). */
#define CLI_STDIN_MAX (64 << 20)

static struct program_spec spec; /* flags and args from argv */
static const struct lab *opened; /* the program built, or NULL */
static char **new_argv;          /* cli_program_argv's, until released */
static char *joined_name;        /* its "a.c+b.c" */
static char opened_name[256];
/* The compiler's warnings of this process's builds, not shown yet. */
static char warnings[CLI_COMPILER_OUTPUT_MAX];

/* Whether arg is a -I / -D flag (the value attached or in the next one). */
static bool is_cc_flag(const char *arg)
{
    return (arg[0] == '-' && (arg[1] == 'I' || arg[1] == 'D'));
}

/* Whether arg is a schedule string of a program ("rl1:race.c:..."). */
static bool schedule_of_program(const char *arg)
{
    char lab[256];
    const char *p = strchr(arg, ':'), *q = p ? strchr(p + 1, ':') : NULL;

    if (strncmp(arg, "rl1:", 4) != 0 || q == NULL ||
        (size_t)(q - p - 1) >= sizeof lab)
        return false;
    snprintf(lab, sizeof lab, "%.*s", (int)(q - p - 1), p + 1);
    return program_lab_is_program(lab);
}

/* Append word to buf at *n, quoted for a shell when it needs it. */
static void shell_word(char *buf, size_t len, size_t *n, const char *word)
{
    bool plain = word[0] != '\0';

    for (const char *c = word; *c; c++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789-_./=+,:@%",
                    *c))
            plain = false;
    if (*n >= len)
        return;
    if (plain) {
        *n += (size_t)snprintf(buf + *n, len - *n, " %s", word);
        return;
    }
    *n += (size_t)snprintf(buf + *n, len - *n, " '");
    for (const char *c = word; *c && *n < len; c++)
        *n += (size_t)snprintf(buf + *n, len - *n, *c == '\'' ? "'\\''" : "%c",
                               *c);
    if (*n < len)
        *n += (size_t)snprintf(buf + *n, len - *n, "'");
}

void cli_program_replay_extra(char *buf, size_t len)
{
    size_t n = strlen(buf);

    for (int i = 0; i < RL_BUILD_MAX_ITEMS && spec.flags[i]; i++)
        shell_word(buf, len, &n, spec.flags[i]);
    if (spec.args[0] != NULL && n < len)
        n += (size_t)snprintf(buf + n, len - n, " --");
    for (int i = 0; i < PROGRAM_LAB_MAX_ARGS && spec.args[i]; i++)
        shell_word(buf, len, &n, spec.args[i]);
}

int cli_program_argv(int argc, char **argv, int *outc, char ***outv, char *err,
                     size_t errlen)
{
    char **v = rl_xcalloc((size_t)argc + 1, sizeof *v);
    int n = 0, nsrc = 0, nflags = 0, nargs = 0, lab_at = -1;
    size_t len = 0;
    bool program = false;
    char *joined;

    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (argv[i][0] != '-' &&
            (program_lab_is_program(argv[i]) || schedule_of_program(argv[i])))
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
    new_argv = v;
    joined_name = joined;
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

void cli_program_release(void)
{
    free(new_argv);
    free(joined_name);
    new_argv = NULL;
    joined_name = NULL;
}

/* Copy what is left on fd 0 into the file fd; 0, or -1 with a message
 * (more than CLI_STDIN_MAX bytes, or a read or write that failed). */
static int stdin_copy(int fd, const char *name, char *err, size_t errlen)
{
    char *buf = rl_xmalloc(1 << 16);
    size_t total = 0;
    int rc = 0;

    for (;;) {
        ssize_t n = read(0, buf, 1 << 16);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "cannot read the program's stdin: %s",
                     strerror(errno));
            rc = -1;
            break;
        }
        if (n == 0)
            break;
        total += (size_t)n;
        if (total > CLI_STDIN_MAX) {
            snprintf(err, errlen,
                     "the program's stdin is more than %d MiB: give it a "
                     "file (racelab run %s < FILE)",
                     CLI_STDIN_MAX >> 20, name);
            rc = -1;
            break;
        }
        for (ssize_t w = 0; w < n;) {
            ssize_t k = write(fd, buf + w, (size_t)(n - w));

            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                snprintf(err, errlen,
                         "cannot keep the program's stdin in a temporary "
                         "file: %s",
                         strerror(errno));
                free(buf);
                return -1;
            }
            w += k;
        }
    }
    free(buf);
    return rc;
}

/* The program's stdin when racelab's is a pipe (or anything else that is
 * neither a file nor a terminal): read once to its end into a private
 * temporary file that becomes racelab's stdin, so that every run, every
 * explored schedule and every os run opens it again from its start as a
 * file given with `<` (core/mirror_proc.c, labs/program_lab.c). The file
 * has no name (O_TMPFILE, else removed as soon as it is made): nothing is
 * left behind however racelab ends. A terminal stays as it is (the TUI
 * reads it); an empty input stays as it is (a run then reads nothing
 * either way). 0, or -1 with a message. */
static int stdin_to_file(const char *name, char *err, size_t errlen)
{
    static bool done;
    const char *dir = getenv("TMPDIR");
    char path[PATH_MAX];
    struct stat st;
    int fd;

    if (done || fstat(0, &st) != 0 || S_ISREG(st.st_mode) || isatty(0))
        return 0;
    done = true;
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(path, sizeof path, "%s/racelab-stdin-XXXXXX", dir);
        fd = mkostemp(path, O_CLOEXEC);
        if (fd >= 0)
            unlink(path);
    }
    if (fd < 0) {
        snprintf(err, errlen,
                 "cannot make a temporary file for the program's stdin in "
                 "%s: %s",
                 dir, strerror(errno));
        return -1;
    }
    if (stdin_copy(fd, name, err, errlen) < 0) {
        close(fd);
        return -1;
    }
    if (lseek(fd, 0, SEEK_END) > 0 &&
        (lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, 0) < 0)) {
        snprintf(err, errlen, "cannot give the program its stdin: %s",
                 strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* Build the program named name (sources joined by '+') once. */
const struct lab *cli_program_find(const char *name, char *err, size_t errlen)
{
    struct program_spec s = spec;
    bool compile_error;
    const struct lab *lab;
    char *msg;

    if (opened != NULL && strcmp(opened_name, name) == 0)
        return opened;
    if (program_lab_split(name, &s, err, errlen) < 0)
        return NULL;
    msg = rl_xmalloc(CLI_COMPILER_OUTPUT_MAX);
    lab = program_lab_open(&s, &compile_error, msg, CLI_COMPILER_OUTPUT_MAX);
    if (lab == NULL) {
        if (compile_error) {
            /* The compiler's own words, as it printed them. */
            fflush(stdout);
            fprintf(stderr, "%s\n", msg);
            snprintf(err, errlen, "cannot compile %s", name);
        } else {
            snprintf(err, errlen, "%s", msg);
        }
        free(msg);
        return NULL;
    }
    free(msg);
    opened = lab;
    snprintf(opened_name, sizeof opened_name, "%s", name);
    msg = rl_xmalloc(CLI_COMPILER_OUTPUT_MAX);
    if (program_lab_warnings(lab, msg, CLI_COMPILER_OUTPUT_MAX) > 0)
        cli_warnings_add(msg);
    free(msg);
    /* A file on stdin is the program's input (every run reads it from its
     * start); a pipe becomes one. */
    if (stdin_to_file(name, err, errlen) < 0)
        return NULL;
    return lab;
}

const struct lab *cli_program_current(void)
{
    return opened;
}

/* ---- the compiler's warnings ----------------------------------------------
 */

void cli_warnings_add(const char *text)
{
    size_t n = strlen(warnings);

    if (text[0] == '\0' || strstr(warnings, text) != NULL)
        return; /* the same build twice (replay's and run's) */
    snprintf(warnings + n, sizeof warnings - n, "%s%s", n ? "\n" : "", text);
}

void cli_warnings_add_exe(const char *exe)
{
    char *text = rl_xmalloc(CLI_COMPILER_OUTPUT_MAX);

    if (rl_program_warnings(exe, text, CLI_COMPILER_OUTPUT_MAX) > 0)
        cli_warnings_add(text);
    free(text);
}

void cli_warnings_print(void)
{
    if (warnings[0] == '\0')
        return;
    fflush(stdout);
    fprintf(stderr, "%s\n", warnings);
    fflush(stderr);
    warnings[0] = '\0';
}

size_t cli_warnings_line(char *buf, size_t len)
{
    const char *first = NULL;
    int count = 0;

    if (len > 0)
        buf[0] = '\0';
    for (const char *l = warnings; *l != '\0';) {
        size_t n = strcspn(l, "\n");
        const char *w = strstr(l, ": warning: ");

        if (w != NULL && (size_t)(w - l) < n) {
            count++;
            if (first == NULL)
                first = l;
        }
        l += n + (l[n] == '\n');
    }
    if (warnings[0] == '\0' || len == 0)
        return 0;
    if (first == NULL) /* the linker's, or a compiler's own words */
        first = warnings;
    return (size_t)snprintf(buf, len,
                            "%d compiler warning%s (listed when racelab "
                            "ends): %.*s",
                            count ? count : 1, count > 1 ? "s" : "",
                            (int)strcspn(first, "\n"), first);
}

/* ---- the verdict -----------------------------------------------------------
 */

/* The failure kind of a failed check, by its name. */
static const char *check_kind(const char *check)
{
    static const char *const map[][2] = {
        {"assertions", "assert"},    {"no crash", "crash"},
        {"no deadlock", "deadlock"}, {"finishes", "hang"},
        {"exit status", "exit"},     {"no data race", "race"},
        {"no misuse", "misuse"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(check, map[i][0]) == 0)
            return map[i][1];
    return "check";
}

/* Thread name and where of record seq into f. */
static void failure_at(const struct rl_run *run, const struct lab *lab,
                       uint64_t seq, struct cli_failure *f)
{
    const struct rl_record *r = rl_run_record(run, seq);
    char src[8];
    struct rl_thread_view tv;

    if (r == NULL)
        return;
    if (r->thread >= 0 && r->thread < rl_run_thread_count(run)) {
        rl_run_thread(run, r->thread, &tv);
        snprintf(f->thread, sizeof f->thread, "%s", tv.name ? tv.name : "");
    }
    program_lab_where(lab, r->pc, f->where, sizeof f->where, src, 0);
}

size_t cli_wakeup_text(const struct rl_run *run, const struct lab *lab,
                       const struct rl_lost_wakeup *w, char *buf, size_t len)
{
    const struct rl_record *n = rl_run_record(run, w->notify_seq);
    char where[96], src[8];

    if (n == NULL ||
        program_lab_where(lab, n->pc, where, sizeof where, src, 0) != 0)
        where[0] = '\0';
    return rl_wakeup_text(run, w, where, buf, len);
}

int cli_failures(const struct rl_run *run, const struct lab *lab,
                 bool races_fail, struct cli_failure *out, int max)
{
    int n = 0;
    struct rl_check_result c;
    struct rl_analysis an;
    char text[512];
    bool analysed = rl_analyze(run, &an, text, sizeof text) == 0;

    for (int i = 0; i < rl_run_check_count(run) && n < max; i++) {
        rl_run_check(run, i, &c);
        if (c.ok)
            continue;
        const char *kind = check_kind(c.name);
        if (strcmp(kind, "race") == 0) {
            /* Each race, at its second access. */
            for (int k = 0; analysed && k < an.nraces && n < max; k++) {
                struct cli_failure *f = &out[n++];
                memset(f, 0, sizeof *f);
                snprintf(f->kind, sizeof f->kind, "race");
                rl_race_text(run, &an.races[k], f->message, sizeof f->message);
                failure_at(run, lab, an.races[k].second_seq, f);
            }
            continue;
        }
        struct cli_failure *f = &out[n++];
        memset(f, 0, sizeof *f);
        snprintf(f->kind, sizeof f->kind, "%s", kind);
        if (strcmp(kind, "check") == 0) {
            /* A lab's own check of the final state: its name says what. */
            snprintf(f->message, sizeof f->message, "%s: %s", c.name,
                     c.message);
            continue;
        }
        snprintf(f->message, sizeof f->message, "%s", c.message);
        if (strcmp(kind, "deadlock") != 0 && strcmp(kind, "hang") != 0)
            failure_at(run, lab, rl_run_record_last(run), f);
        else if (analysed && an.nwakeups > 0)
            cli_wakeup_text(run, lab, &an.wakeups[0], f->why, sizeof f->why);
    }
    if (!races_fail) {
        int k = 0;
        for (int i = 0; i < n; i++)
            if (strcmp(out[i].kind, "race") != 0)
                out[k++] = out[i];
        n = k;
    }
    return n;
}

void cli_print_failures(FILE *f, const struct cli_failure *fl, int n)
{
    if (n == 0) {
        fprintf(f, "verdict: no failure\n");
        return;
    }
    fprintf(f, "verdict: %d failure%s\n", n, n == 1 ? "" : "s");
    for (int i = 0; i < n; i++)
        fprintf(f, "  %-8s %-4s %-18s %s\n", fl[i].kind,
                fl[i].thread[0] ? fl[i].thread : "-",
                fl[i].where[0] ? fl[i].where : "-", fl[i].message);
}

/* s as a JSON string. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", f);
        else if (ch == '\t')
            fputs("\\t", f);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

void cli_print_json(FILE *f, const char *lab, const struct cli_failure *fl,
                    int n, const char *schedule, uint64_t schedules,
                    const char *output, bool incomplete)
{
    fputs("{\"lab\": ", f);
    json_str(f, lab);
    fprintf(f, ", \"verdict\": \"%s\", \"failures\": [",
            n ? "fail" : incomplete ? "incomplete" : "pass");
    for (int i = 0; i < n; i++) {
        fprintf(f, "%s{\"kind\": ", i ? ", " : "");
        json_str(f, fl[i].kind);
        fputs(", \"thread\": ", f);
        json_str(f, fl[i].thread);
        fputs(", \"where\": ", f);
        json_str(f, fl[i].where);
        fputs(", \"message\": ", f);
        json_str(f, fl[i].message);
        if (fl[i].why[0] != '\0') {
            fputs(", \"why\": ", f);
            json_str(f, fl[i].why);
        }
        fputc('}', f);
    }
    fputs("], \"schedule\": ", f);
    if (schedule)
        json_str(f, schedule);
    else
        fputs("null", f);
    fprintf(f, ", \"schedules\": %llu", (unsigned long long)schedules);
    if (output) {
        fputs(", \"output\": ", f);
        json_str(f, output);
    }
    fputs("}\n", f);
}

int cli_format_options(const char *format, const char *races, bool *json,
                       bool *races_report, char *err, size_t errlen)
{
    *json = false;
    *races_report = false;
    if (format != NULL) {
        if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
            snprintf(err, errlen, "--format must be text or json, not '%s'",
                     format);
            return -1;
        }
        *json = strcmp(format, "json") == 0;
    }
    if (races != NULL) {
        if (strcmp(races, "report") != 0 && strcmp(races, "fail") != 0) {
            snprintf(err, errlen, "--races must be fail or report, not '%s'",
                     races);
            return -1;
        }
        *races_report = strcmp(races, "report") == 0;
    }
    return 0;
}
