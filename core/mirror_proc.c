/* SPDX-License-Identifier: MIT */
/*
 * mirror_proc.c - the child process of a mirror run (see mirror.c for the
 * design): started with fork + exec in its own process group, stdin from
 * /dev/null (or a fresh open of ours, a file: rl_external.stdin_file), stdout and stderr into a pipe drained into the run's output,
 * the socket as descriptor 3, every other descriptor closed, a CPU time
 * limit and no core dumps; read with a last-resort deadline; killed with
 * its whole group and reaped. A caller's struct rl_spawn (the grader's
 * sandbox) adds its own session, a working directory, more limits and an
 * unprivileged user, set in the child between the fork and the exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mirror_impl.h"
#include "spawn.h"

extern char **environ;

/* Monotonic milliseconds. */
long long mirror_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the child process --------------------------------------------------- */

/* In the forked child: descriptors, limits, signals; then exec. Only
 * system calls here (the parent may have other threads): argv and envp
 * were built before the fork. */
static _Noreturn void child_exec(const char *path, char *const argv[],
                                 char *const envp[], int sock, int out,
                                 int cpu_s, bool stdin_file,
                                 const struct rl_spawn *sp)
{
    if (!sp || !sp->new_session || setsid() < 0)
        setpgid(0, 0);
    /* Move both clear of 0..3 first, then into place. */
    int s = fcntl(sock, F_DUPFD_CLOEXEC, 10);
    int o = fcntl(out, F_DUPFD_CLOEXEC, 10);
    /* A file on our stdin is opened again: the child reads it from its
     * start, at its own offset. */
    struct stat st;
    int null = -1;
    if (stdin_file && fstat(0, &st) == 0 && S_ISREG(st.st_mode))
        null = open("/proc/self/fd/0", O_RDONLY | O_CLOEXEC);
    if (null < 0)
        null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (s < 0 || o < 0 || null < 0)
        _exit(127);
    dup2(null, 0);
    dup2(o, 1);
    dup2(o, 2);
    dup2(s, 3);
    if (close_range(4, ~0U, 0) != 0) {
        for (int fd = 4; fd < 65536; fd++)
            close(fd);
    }
    struct rlimit cpu = {(rlim_t)cpu_s, (rlim_t)cpu_s + 1};
    setrlimit(RLIMIT_CPU, &cpu);
    struct rlimit core = {0, 0};
    setrlimit(RLIMIT_CORE, &core);
    if (sp)
        rl_spawn_apply(sp);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (sp && sp->file_size)
        signal(SIGXFSZ, SIG_IGN); /* kept across the exec */
    execve(path, argv, envp);
    static const char msg[] = "racelab: cannot run the program\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(127);
}

/* Start the child; -1 with a message in err. */
int mirror_spawn(struct mirror *m, const struct rl_external *ext, char *err,
                 size_t errlen)
{
    int sv[2], op[2];
    if (access(m->exe, X_OK) != 0) {
        snprintf(err, errlen, "cannot run %s: %s", m->exe, strerror(errno));
        return -1;
    }
    /* argv and the environment: ours without a RACELAB_CHILD_FD, the
     * socket's, then the program's own. */
    char *argv[RL_EXTERNAL_MAX_ARGS + 2];
    int n = 0;
    argv[n++] = ext->argv0 ? (char *)ext->argv0 : m->exe;
    for (int i = 0; i < RL_EXTERNAL_MAX_ARGS && ext->argv[i]; i++)
        argv[n++] = (char *)ext->argv[i];
    argv[n] = NULL;
    size_t nenv = 0;
    while (environ && environ[nenv])
        nenv++;
    char **envp = rl_xcalloc(nenv + RL_EXTERNAL_MAX_ARGS + 5, sizeof *envp);
    const struct rl_spawn *sp = ext->spawn;
    char *home = NULL, *tmpdir = NULL;
    size_t k = 0;
    for (size_t i = 0; i < nenv; i++)
        if (strncmp(environ[i], "RACELAB_CHILD_FD=", 17) != 0 &&
            !(sp && sp->cwd && (strncmp(environ[i], "HOME=", 5) == 0 ||
                                strncmp(environ[i], "TMPDIR=", 7) == 0)))
            envp[k++] = environ[i];
    envp[k++] = "RACELAB_CHILD_FD=3";
    if (sp && sp->cwd) {
        size_t len = strlen(sp->cwd) + 8;
        home = rl_xmalloc(len);
        tmpdir = rl_xmalloc(len);
        snprintf(home, len, "HOME=%s", sp->cwd);
        snprintf(tmpdir, len, "TMPDIR=%s", sp->cwd);
        envp[k++] = home;
        envp[k++] = tmpdir;
    }
#if defined(__SANITIZE_ADDRESS__)
    /* A sanitized racelab builds sanitized children: their crashes must
     * end them by the signal, and exit() must keep its status. */
    for (size_t i = 0; i < k; i++)
        if (strncmp(envp[i], "ASAN_OPTIONS=", 13) == 0)
            envp[i] = "RACELAB_ASAN_OPTIONS_REPLACED=1";
    envp[k++] = "ASAN_OPTIONS=detect_leaks=0:handle_segv=0:handle_sigbus=0:"
                "handle_sigfpe=0:handle_sigill=0:handle_abort=0:"
                "allow_user_segv_handler=1";
#endif
    for (int i = 0; i < RL_EXTERNAL_MAX_ARGS && ext->env[i]; i++)
        envp[k++] = (char *)ext->env[i];
    envp[k] = NULL;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        snprintf(err, errlen, "cannot create a socket: %s", strerror(errno));
        free(envp);
        free(home);
        free(tmpdir);
        return -1;
    }
    if (pipe2(op, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        free(envp);
        free(home);
        free(tmpdir);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start %s: %s", m->exe, strerror(errno));
        close(sv[0]);
        close(sv[1]);
        close(op[0]);
        close(op[1]);
        free(envp);
        free(home);
        free(tmpdir);
        return -1;
    }
    if (pid == 0)
        child_exec(m->exe, argv, envp, sv[1], op[1], m->cpu_s,
                   ext->stdin_file, sp);
    free(envp);
    free(home);
    free(tmpdir);
    /* Also done by the child: whoever runs first. Not for a child that
     * makes its own session: a group leader cannot (setsid fails). */
    if (!sp || !sp->new_session)
        setpgid(pid, pid);
    close(sv[1]);
    close(op[1]);
    m->pid = pid;
    m->fd = sv[0];
    m->out_fd = op[0];
    fcntl(m->out_fd, F_SETFL, O_NONBLOCK);
    return 0;
}

/* The most output one drain reads: a child that prints without end
 * must not keep a poll reading (more than a pipe holds, so that a drain
 * after the child has ended still reads all). */
#define MIRROR_DRAIN_MAX ((size_t)4 << 20)

/* Keep what the child printed (up to the limit; all is counted). */
void mirror_drain_output(struct mirror *m)
{
    char buf[8192];
    for (size_t got = 0; m->out_fd >= 0 && got < MIRROR_DRAIN_MAX;) {
        ssize_t r = read(m->out_fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            return;
        if (r <= 0) {
            close(m->out_fd);
            m->out_fd = -1;
            return;
        }
        got += (size_t)r;
        m->output_total += (size_t)r;
        size_t keep = RL_CHILD_OUTPUT_MAX - m->output_n;
        if ((size_t)r < keep)
            keep = (size_t)r;
        if (keep) {
            m->output = rl_xrealloc(m->output, m->output_n + keep + 1);
            memcpy(m->output + m->output_n, buf, keep);
            m->output_n += keep;
            m->output[m->output_n] = '\0';
        }
    }
}

/* Kill the child's group and reap it; *status gets its wait status. */
void mirror_kill(struct mirror *m, int *status)
{
    int st = 0;
    if (m->pid > 0) {
        kill(-m->pid, SIGKILL);
        kill(m->pid, SIGKILL);
        while (waitpid(m->pid, &st, 0) < 0 && errno == EINTR)
            ;
        m->pid = 0;
    }
    if (status)
        *status = st;
}

/* Whether the child has ended by itself (reaped, never waiting). */
bool mirror_try_reap(struct mirror *m)
{
    int st = 0;
    if (m->reaped)
        return true;
    if (m->pid <= 0 || waitpid(m->pid, &st, WNOHANG) != m->pid)
        return false;
    kill(-m->pid, SIGKILL); /* whatever it left behind */
    m->pid = 0;
    m->reaped = true;
    m->reap_status = st;
    mirror_drain_output(m);
    return true;
}

/* Wait for a child that closed its socket to end: 2000 pauses of a
 * millisecond, or once polls have waited for it (m->eof_at) until
 * MIRROR_REAP_MS after they saw the socket closed; then kill it. Returns
 * its wait status. */
int mirror_reap(struct mirror *m)
{
    int st = 0;
    for (int i = 0; !mirror_try_reap(m) && m->pid > 0; i++) {
        if (m->eof_at ? mirror_now_ms() - m->eof_at >= MIRROR_REAP_MS
                      : i >= 2000)
            break;
        mirror_drain_output(m);
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    if (m->reaped)
        return m->reap_status;
    mirror_kill(m, &st);
    return st;
}

/* ---- reading ------------------------------------------------------------- */

/* The message in m->in is done with: forget it, ready for the next. */
void mirror_recv_reset(struct mirror *m)
{
    free(m->in_payload);
    m->in_payload = NULL;
    m->in_got = 0;
    m->in_until = 0;
}

/* Take what the socket holds of the message under way, without waiting:
 * READ_OK once it is whole, READ_AGAIN if more is to come, READ_EOF,
 * or READ_BAD (why in *bad) for a header racelab cannot take. The
 * payload's memory is allocated only once its header has passed the
 * limits (WIRE_MAX_PAYLOAD). */
static int recv_some(struct mirror *m, const char **bad)
{
    for (;;) {
        unsigned char *dst;
        size_t need;
        if (m->in_got < WIRE_HEADER) {
            dst = (unsigned char *)m->in_head + m->in_got;
            need = WIRE_HEADER - m->in_got;
        } else {
            size_t have = m->in_got - WIRE_HEADER;
            if (have == m->in_head[2])
                return READ_OK;
            dst = m->in_payload + have;
            need = m->in_head[2] - have;
        }
        ssize_t r = recv(m->fd, dst, need, MSG_DONTWAIT);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return READ_AGAIN;
        if (r <= 0)
            return READ_EOF;
        m->in_got += (size_t)r;
        if (m->in_got == WIRE_HEADER) {
            if (m->in_head[0] != WIRE_MAGIC) {
                *bad = "a message without racelab's mark";
                return READ_BAD;
            }
            if (m->in_head[2] > WIRE_MAX_PAYLOAD) {
                *bad = "an oversized message";
                return READ_BAD;
            }
            m->in_payload = rl_xmalloc(m->in_head[2] ? m->in_head[2] : 1);
        }
    }
}

/* Receive the rest of the message under way (see mirror_impl.h). */
int mirror_recv(struct mirror *m, long long deadline, const char **bad)
{
    for (;;) {
        int rc = recv_some(m, bad);
        if (rc != READ_AGAIN || deadline == 0)
            return rc;
        struct pollfd pf[2] = {{m->fd, POLLIN, 0}, {m->out_fd, POLLIN, 0}};
        long long left = deadline - mirror_now_ms();
        if (left <= 0)
            return READ_TIMEOUT;
        int k = poll(pf, m->out_fd >= 0 ? 2 : 1,
                     left > 1000 ? 1000 : (int)left);
        if (k < 0 && errno != EINTR)
            return READ_EOF;
        if (m->out_fd >= 0 && k > 0 && pf[1].revents)
            mirror_drain_output(m);
    }
}

/* A signal's name and what it usually means. */
const char *mirror_signal_text(int sig, char *buf, size_t len)
{
    static const struct {
        int sig;
        const char *name, *what;
    } names[] = {
        {SIGSEGV, "SIGSEGV", "segmentation fault: a bad pointer"},
        {SIGBUS, "SIGBUS", "bus error: a bad pointer"},
        {SIGABRT, "SIGABRT", "abort"},
        {SIGFPE, "SIGFPE", "arithmetic error, e.g. division by zero"},
        {SIGILL, "SIGILL", "illegal instruction"},
        {SIGKILL, "SIGKILL", "killed"},
        {SIGTERM, "SIGTERM", "terminated"},
        {SIGTRAP, "SIGTRAP", "trap"},
        {SIGSYS, "SIGSYS", "bad system call"},
        {SIGPIPE, "SIGPIPE", "broken pipe"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].sig == sig) {
            snprintf(buf, len, "%s (%s)", names[i].name, names[i].what);
            return buf;
        }
    snprintf(buf, len, "signal %d", sig);
    return buf;
}

