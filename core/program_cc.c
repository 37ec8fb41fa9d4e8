/* SPDX-License-Identifier: MIT */
/*
 * program_cc.c - running the system's C compiler for a build, and what
 * the student reads of its messages (see program_impl.h).
 *
 * The compiler runs in a child process of its own process group, its
 * output (stdout and stderr together, as a terminal shows them) read
 * through a pipe and kept up to PROGRAM_OUTPUT_MAX. It is untrusted
 * input's first reader, so it is limited: PROGRAM_CC_CPU_S of CPU time
 * (RLIMIT_CPU), and PROGRAM_CC_WALL_S of wall-clock time, past which the
 * whole group is killed (an #include of a pipe or a FIFO waits forever
 * without using CPU time). Under a sandbox (struct rl_build's spawn) it
 * runs as rl_spawn_apply sets it up (limits, maybe another user), with
 * no descriptor of ours open.
 *
 * A submission compiled in a private folder of the cache is named in
 * the messages by that folder; program_cc_explain takes the folder out
 * again, so that the student reads "counter.c:12:5: error: ...".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"
#include "program_impl.h"
#include "spawn.h"

#define PROGRAM_CC_CPU_S 60
#define PROGRAM_CC_WALL_S 120
#define PROGRAM_OUTPUT_MAX 16384

/* Append an argument (silently capped: the tables are small). */
void program_arg(struct program_argv *a, const char *s)
{
    if (s && a->n < 255)
        a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

/* Monotonic milliseconds. */
static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Run argv (in cwd, NULL = ours; under sp, NULL = no sandbox), appending
 * its output to out; returns true if it exited 0. The compiler runs in a
 * process group of its own, killed whole past PROGRAM_CC_WALL_S (an
 * #include of a pipe would wait forever without using CPU time). */
bool program_run_cc(struct program_argv *a, const char *cwd,
                    const struct rl_spawn *sp, char **out, size_t *outn)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return false;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return false;
    }
    if (pid == 0) {
        setpgid(0, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        if (sp)
            close_range(3, ~0U, 0);
        struct rlimit cpu = {PROGRAM_CC_CPU_S, PROGRAM_CC_CPU_S + 1};
        setrlimit(RLIMIT_CPU, &cpu);
        if (cwd && chdir(cwd) != 0)
            _exit(126);
        if (sp)
            rl_spawn_apply(sp);
        execvp(a->v[0], (char *const *)a->v);
        dprintf(2, "cannot run the C compiler %s: %s\n", a->v[0],
                strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid); /* also done by the child: whoever runs first */
    close(p[1]);
    char buf[4096];
    ssize_t r;
    bool late = false;
    long long deadline = now_ms() + PROGRAM_CC_WALL_S * 1000LL;
    for (;;) {
        struct pollfd pf = {p[0], POLLIN, 0};
        long long left = deadline - now_ms();
        if (left <= 0) {
            late = true;
            break;
        }
        if (poll(&pf, 1, left > 1000 ? 1000 : (int)left) <= 0)
            continue;
        r = read(p[0], buf, sizeof buf);
        if (r == 0)
            break;
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            break;
        }
        size_t keep = PROGRAM_OUTPUT_MAX - *outn;
        if ((size_t)r < keep)
            keep = (size_t)r;
        *out = rl_xrealloc(*out, *outn + keep + 1);
        memcpy(*out + *outn, buf, keep);
        *outn += keep;
        (*out)[*outn] = '\0';
    }
    close(p[0]);
    if (late)
        kill(-pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    kill(-pid, SIGKILL); /* anything it left behind */
    if (late) {
        char note[96];
        int n = snprintf(note, sizeof note,
                         "the C compiler took more than %d s; stopped\n",
                         PROGRAM_CC_WALL_S);
        *out = rl_xrealloc(*out, *outn + (size_t)n + 1);
        memcpy(*out + *outn, note, (size_t)n + 1);
        *outn += (size_t)n;
        return false;
    }
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* ---- its messages -------------------------------------------------------- */

/* Remove every "dir/" from text, in place. */
static void text_drop(char *text, const char *dir)
{
    size_t n = strlen(dir);
    char *w = text;
    for (const char *r = text; *r;) {
        if (strncmp(r, dir, n) == 0 && r[n] == '/') {
            r += n + 1;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* A copy of text where every line that starts with "name:" starts with
 * "path:" instead (malloc'd). */
static char *text_rename(const char *text, const char *name,
                         const char *path)
{
    size_t n = strlen(name), lines = 1;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    char *out = rl_xmalloc(strlen(text) + lines * strlen(path) + 1);
    char *w = out;
    for (const char *r = text; *r;) {
        if (strncmp(r, name, n) == 0 && r[n] == ':') {
            w = stpcpy(w, path);
            r += n;
        }
        size_t k = strcspn(r, "\n");
        memcpy(w, r, k);
        w += k;
        r += k;
        if (*r == '\n')
            *w++ = *r++;
    }
    *w = '\0';
    return out;
}

/* The compiler's messages as the student reads them (see
 * program_impl.h). */
void program_cc_explain(char **out, const char *dir, char *const *names, int n,
                        char *err, size_t errlen)
{
    /* The compiler's own words, trimmed at a line that fits; the
     * linker's name the copy by its folder (from the debug
     * information), which says nothing to the student. */
    if (dir && *out)
        text_drop(*out, dir);
    for (int i = 0; names && *out && i < n; i++) {
        const char *base = strrchr(names[i], '/');
        char *renamed = text_rename(*out, base ? base + 1 : names[i], names[i]);
        free(*out);
        *out = renamed;
    }
    const char *text = *out && **out ? *out : "the C compiler failed";
    snprintf(err, errlen, "%s", text);
    size_t len = strlen(err);
    if (len < strlen(text)) {
        char *nl = strrchr(err, '\n');
        if (nl)
            nl[1] = '\0';
    }
    len = strlen(err);
    while (len > 0 && err[len - 1] == '\n')
        err[--len] = '\0';
}

/* Drop prefix after each opening quote (see program_impl.h). */
void program_cc_unprefix(char *text, const char *prefix)
{
    static const char open_utf8[] = "\xe2\x80\x98"; /* U+2018 */
    size_t n = strlen(prefix);
    char *w = text;
    for (const char *r = text; *r;) {
        size_t q = 0;
        if (*r == '\'' || *r == '`')
            q = 1;
        else if (strncmp(r, open_utf8, 3) == 0)
            q = 3;
        if (q > 0 && strncmp(r + q, prefix, n) == 0) {
            memmove(w, r, q);
            w += q;
            r += q + n;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}
