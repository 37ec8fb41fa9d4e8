/* SPDX-License-Identifier: MIT */
/*
 * program_lab.c - a plain C program as a lab made at run time (see
 * program_lab.h). The lab is a struct lab at the head of a struct
 * program_lab that also holds the build (its sources and flags), the
 * path of the instrumented executable, the program's arguments and a
 * source-location resolver (core/srcloc.h) for that executable: records
 * carry the pc of the call, and the front ends show "race.c:12" and the
 * line itself. A process opens few programs (one, usually), and each
 * lives until the process ends.
 */
#include "program_lab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../core/mem.h"
#include "../core/srcloc.h"

struct program_lab {
    struct lab lab; /* first: a struct lab * is this */
    char name[256]; /* "a.c+b.c" */
    char summary[320];
    struct rl_build build; /* RL_BUILD_PLAINC; sources and flags */
    char exe[PATH_MAX];    /* the instrumented executable */
    char native[PATH_MAX]; /* the plain build, "" until built */
    const char *args[PROGRAM_LAB_MAX_ARGS + 1];
    char argv0[256]; /* what it is called: "./race" for race.c */
    struct rl_srcloc *src; /* opened on first use; main thread only */
    bool src_tried;
};

static const struct lab_variant program_variants[] = {
    {"main", "the program as written", true},
};

static const char program_explain[] =
    "An ordinary pthreads program, unmodified. Every pthread call and\n"
    "every access to shared memory is a step: the lanes show each one\n"
    "with its source line. Press x to search for a schedule that fails\n"
    "(an assert, a crash, a deadlock, a data race, a non-zero exit).";

bool program_lab_is_program(const char *name)
{
    size_t n = strlen(name);
    struct stat st;
    if (strchr(name, ':') != NULL) /* a schedule string, not a source */
        return false;
    if (n > 2 && strcmp(name + n - 2, ".c") == 0)
        return true;
    if (strchr(name, '+') != NULL)
        return true;
    return lab_find(name) == NULL && stat(name, &st) == 0 &&
           S_ISDIR(st.st_mode);
}

int program_lab_split(const char *name, struct program_spec *spec, char *err,
                      size_t errlen)
{
    /* Kept for the process (spec points into it), on a list that keeps
     * it reachable. */
    static struct kept {
        struct kept *next;
    } *kept;
    struct kept *k = rl_xmalloc(sizeof *k + strlen(name) + 1);
    char *copy = strcpy((char *)(k + 1), name);
    k->next = kept;
    kept = k;
    int n = 0;
    memset(spec->sources, 0, sizeof spec->sources);
    for (char *s = strtok(copy, "+"); s; s = strtok(NULL, "+")) {
        if (n == RL_BUILD_MAX_ITEMS) {
            snprintf(err, errlen, "more than %d source files",
                     RL_BUILD_MAX_ITEMS);
            return -1;
        }
        spec->sources[n++] = s;
    }
    if (n == 0) {
        snprintf(err, errlen, "no source file in '%s'", name);
        return -1;
    }
    return 0;
}

/* Nothing to set up here: the program runs in its child. */
static void program_setup(struct lab_inst *inst)
{
    (void)inst;
}

/* The checks are the child's (the run's end, races): none here. */
static void program_check(struct rl_run *run, struct lab_inst *inst)
{
    (void)run;
    (void)inst;
}

/* Every run of a program is built apart. */
static bool program_variant_external(const struct lab *lab, int v)
{
    (void)lab;
    (void)v;
    return true;
}

/* The child: the instrumented executable with the program's arguments,
 * called as the program would be, reading a file given on our stdin. */
static void program_external_fill(struct lab_inst *inst)
{
    const struct program_lab *p = (const struct program_lab *)inst->lab;
    inst->external.path = p->exe;
    inst->external.argv0 = p->argv0;
    inst->external.stdin_file = true;
    for (int i = 0; i < PROGRAM_LAB_MAX_ARGS && p->args[i]; i++)
        inst->external.argv[i] = p->args[i];
}

/* The argv[0] of the program built from source (a file or a folder):
 * "./NAME", as `cc -o NAME NAME.c && ./NAME` would call it. */
static void program_name_argv0(const char *source, char *out, size_t len)
{
    size_t n = strlen(source);
    while (n > 1 && source[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && source[b - 1] != '/')
        b--;
    size_t k = n - b;
    if (k > 2 && strncmp(source + n - 2, ".c", 2) == 0)
        k -= 2;
    snprintf(out, len, "./%.*s", (int)k, source + b);
}

/* Whether the folder dir holds a C source (a name ending in .c). */
static bool dir_has_source(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool found = false;
    if (d == NULL)
        return false;
    while (!found && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        found = n > 2 && strcmp(e->d_name + n - 2, ".c") == 0;
    }
    closedir(d);
    return found;
}

const struct lab *program_lab_open(const struct program_spec *spec,
                                   bool *compile_error, char *err,
                                   size_t errlen)
{
    struct program_lab *p = rl_xcalloc(1, sizeof *p);
    size_t n = 0;
    struct stat st;
    *compile_error = false;
    p->build.kind = RL_BUILD_PLAINC;
    for (int i = 0; i < RL_BUILD_MAX_ITEMS && spec->sources[i]; i++) {
        const char *s = spec->sources[i];
        if (stat(s, &st) != 0) {
            snprintf(err, errlen, "cannot read %s: %s", s, strerror(errno));
            free(p);
            return NULL;
        }
        if (S_ISDIR(st.st_mode) && !dir_has_source(s)) {
            snprintf(err, errlen, "the folder %s holds no .c file", s);
            free(p);
            return NULL;
        }
        if (strchr(s, ':') || strchr(s, '+')) {
            snprintf(err, errlen, "a source path may not hold ':' or '+': %s",
                     s);
            free(p);
            return NULL;
        }
        p->build.sources[i] = s;
        n += (size_t)snprintf(p->name + n,
                              n < sizeof p->name ? sizeof p->name - n : 0,
                              "%s%s", i ? "+" : "", s);
    }
    if (n >= sizeof p->name || n == 0) {
        snprintf(err, errlen,
                 n ? "the source paths are too long" : "no source file");
        free(p);
        return NULL;
    }
    program_name_argv0(spec->sources[0], p->argv0, sizeof p->argv0);
    for (int i = 0; i < RL_BUILD_MAX_ITEMS && spec->flags[i]; i++)
        p->build.flags[i] = spec->flags[i];
    for (int i = 0; i < PROGRAM_LAB_MAX_ARGS && spec->args[i]; i++)
        p->args[i] = spec->args[i];
    /* What the build needs beside the sources (racelab's home, the
     * runtime's folder) is found first: missing, it is racelab's error in
     * one line, not the compiler's. */
    char dir[PATH_MAX];
    if (rl_home(dir, sizeof dir, err, errlen) != 0 ||
        rl_program_libdir(RL_BUILD_PLAINC, dir, sizeof dir, err, errlen) != 0) {
        free(p);
        return NULL;
    }
    if (rl_program_build(&p->build, p->exe, sizeof p->exe, err, errlen) != 0) {
        *compile_error = true;
        free(p);
        return NULL;
    }
    snprintf(p->summary, sizeof p->summary, "the C program %s", p->name);
    p->lab.order = 0;
    p->lab.name = p->name;
    p->lab.title = p->name;
    p->lab.summary = p->summary;
    p->lab.explain = program_explain;
    p->lab.variants = program_variants;
    p->lab.nvariants = LAB_LEN(program_variants);
    p->lab.setup = program_setup;
    p->lab.check = program_check;
    p->lab.hidden = true;
    p->lab.variant_external = program_variant_external;
    p->lab.external_fill = program_external_fill;
    return &p->lab;
}

size_t program_lab_warnings(const struct lab *lab, char *buf, size_t len)
{
    if (len > 0)
        buf[0] = '\0';
    if (!program_lab_is(lab))
        return 0;
    return rl_program_warnings(((const struct program_lab *)lab)->exe, buf,
                               len);
}

bool program_lab_is(const struct lab *lab)
{
    return lab != NULL && lab->external_fill == program_external_fill;
}

int program_lab_where(const struct lab *lab, uintptr_t pc, char *buf,
                      size_t len, char *src, size_t srclen)
{
    struct rl_loc l;
    buf[0] = '\0';
    if (srclen > 0)
        src[0] = '\0';
    if (!program_lab_is(lab) || pc == 0)
        return -1;
    struct program_lab *p = (struct program_lab *)(uintptr_t)lab;
    if (!p->src_tried) {
        p->src_tried = true;
        p->src = rl_srcloc_open(p->exe);
    }
    if (p->src == NULL || rl_srcloc_lookup(p->src, pc, &l) != 0)
        return -1;
    rl_srcloc_format(p->src, pc, buf, len);
    const char *line = rl_srcloc_line(p->src, l.file, l.line);
    if (line != NULL && strlen(line) < srclen)
        snprintf(src, srclen, "%s", line);
    return 0;
}

int program_lab_build_native(const struct lab *lab, bool *compile_error,
                             char *err, size_t errlen)
{
    struct program_lab *p = (struct program_lab *)(uintptr_t)lab;
    struct rl_build b = p->build;
    *compile_error = false;
    if (p->native[0])
        return 0;
    b.kind = RL_BUILD_NATIVE;
    if (rl_program_build(&b, p->native, sizeof p->native, err, errlen) != 0) {
        p->native[0] = '\0';
        *compile_error = true;
        return -1;
    }
    return 0;
}

/* Milliseconds on the monotonic clock. */
static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int program_lab_run_native(const struct lab *lab, int timeout_ms,
                           struct program_native_run *out, char *err,
                           size_t errlen)
{
    const struct program_lab *p = (const struct program_lab *)lab;
    const char *argv[PROGRAM_LAB_MAX_ARGS + 2];
    int fd[2];
    memset(out, 0, sizeof *out);
    argv[0] = p->argv0;
    for (int i = 0; i <= PROGRAM_LAB_MAX_ARGS; i++)
        argv[i + 1] = i < PROGRAM_LAB_MAX_ARGS ? p->args[i] : NULL;
    if (pipe2(fd, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start %s: %s", p->name, strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        dup2(fd[1], 1);
        dup2(fd[1], 2);
        /* A file on our stdin: each run reads it from its start. */
        struct stat st;
        int in = -1;
        if (fstat(0, &st) == 0 && S_ISREG(st.st_mode))
            in = open("/proc/self/fd/0", O_RDONLY);
        if (in < 0)
            in = open("/dev/null", O_RDONLY);
        if (in >= 0)
            dup2(in, 0);
        struct rlimit core = {0, 0};
        setrlimit(RLIMIT_CORE, &core);
        execv(p->native, (char *const *)argv);
        _exit(127);
    }
    setpgid(pid, pid);
    close(fd[1]);
    size_t n = 0;
    long long deadline = now_ms() + timeout_ms;
    bool open_pipe = true;
    while (open_pipe) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            out->timed_out = true;
            break;
        }
        struct pollfd pf = {fd[0], POLLIN, 0};
        int r = poll(&pf, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        char buf[4096];
        ssize_t got = read(fd[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            open_pipe = false;
            break;
        }
        size_t keep = sizeof out->output - 1 - n;
        if ((size_t)got < keep)
            keep = (size_t)got;
        memcpy(out->output + n, buf, keep);
        n += keep;
    }
    out->output[n] = '\0';
    close(fd[0]);
    int st = 0;
    if (out->timed_out) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    }
    /* The pipe closed: the program has ended, or a grandchild holds it;
     * wait for the program itself until the deadline, then kill it. */
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        if (now_ms() >= deadline && !out->timed_out) {
            out->timed_out = true;
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    kill(-pid, SIGKILL); /* whatever it left behind */
    if (WIFEXITED(st))
        out->status = WEXITSTATUS(st);
    else if (WIFSIGNALED(st))
        out->status = 128 + WTERMSIG(st);
    return 0;
}
