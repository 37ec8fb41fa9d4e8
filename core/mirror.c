/* SPDX-License-Identifier: MIT */
/*
 * mirror.c - the parent's half of a program built apart: a MIRROR run
 * (backend ops rl_mirror_ops) whose threads, objects, records, choices and
 * checks are copies of a real run in a child process (core/child.h has
 * the protocol), so that every inspection function of run.h, and so the
 * command line, the TUI and the grader, work on it unchanged.
 *
 * The child is started with fork + exec: its own process group, stdin
 * from /dev/null, stdout and stderr into a pipe the parent drains (kept as
 * the run's output, never written to the terminal), the socket as
 * descriptor 3 (RACELAB_CHILD_FD=3), every other descriptor closed
 * (close_range), core dumps off and a CPU time limit (RLIMIT_CPU). Nothing
 * the child sends is trusted: each message is bounds-checked (wire.h) and
 * every id is checked against the run's counts before it is used. When
 * the child dies, lies, or stops answering, the run ends with a report
 * (RL_END_CRASH, _EXIT, _PROTOCOL, _INCOMPLETE, or _TIMEOUT for the CPU
 * limit); the wall clock is only the last-resort stop per answer.
 * rl_run_destroy kills the child's process group and reaps it.
 *
 * Records of a request are pushed into the mirror (calling on_record) as
 * soon as every id in them is known; those that name a thread or object
 * the next frame creates wait for that frame.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "explore.h"
#include "program.h"
#include "schedule.h"
#include "wire.h"

extern char **environ;

/* The mirror's state (run->mirror). */
struct mirror {
    pid_t pid;
    int fd;                /* the socket, -1 once closed */
    int out_fd;            /* the child's stdout + stderr, -1 at EOF */
    int cpu_s, answer_ms;
    char exe[PATH_MAX];
    char *output;          /* NUL-terminated, at most RL_CHILD_OUTPUT_MAX */
    size_t output_n, output_total;
    int16_t *choices;
    size_t nchoices, cap;
    uint64_t steps;
    long now;
    int preemptions;
    uint64_t runnable;
    struct rl_record *held; /* records waiting for their frame */
    size_t nheld, held_cap;
    int gasp;               /* signal of the last gasp, -1 exit, 0 none */
    bool dead;              /* the child is gone (or was killed) */
    bool started;           /* os: FINISH sent by start, frame pending */
    char error[512];        /* the child's ERROR answer */
    /* explore */
    const struct rl_explore_config *xcfg;
    struct rl_explore_result *xres;
    int xrc;
};

/* Copy text into dst of size n, cut to fit. */
static void copy_text(char *dst, size_t n, const char *src)
{
    size_t k = strlen(src);
    if (n == 0)
        return;
    if (k >= n)
        k = n - 1;
    memcpy(dst, src, k);
    dst[k] = '\0';
}

/* Monotonic milliseconds. */
static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the child process --------------------------------------------------- */

/* In the forked child: descriptors, limits, signals; then exec. Only
 * system calls here (the parent may have other threads): argv and envp
 * were built before the fork. */
static _Noreturn void child_exec(char *const argv[], char *const envp[],
                                 int sock, int out, int cpu_s)
{
    setpgid(0, 0);
    /* Move both clear of 0..3 first, then into place. */
    int s = fcntl(sock, F_DUPFD_CLOEXEC, 10);
    int o = fcntl(out, F_DUPFD_CLOEXEC, 10);
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
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
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(argv[0], argv, envp);
    static const char msg[] = "racelab: cannot run the program\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(127);
}

/* Start the child; -1 with a message in err. */
static int spawn(struct mirror *m, const struct rl_external *ext, char *err,
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
    argv[n++] = m->exe;
    for (int i = 0; i < RL_EXTERNAL_MAX_ARGS && ext->argv[i]; i++)
        argv[n++] = (char *)ext->argv[i];
    argv[n] = NULL;
    size_t nenv = 0;
    while (environ && environ[nenv])
        nenv++;
    char **envp = rl_xcalloc(nenv + RL_EXTERNAL_MAX_ARGS + 3, sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < nenv; i++)
        if (strncmp(environ[i], "RACELAB_CHILD_FD=", 17) != 0)
            envp[k++] = environ[i];
    envp[k++] = "RACELAB_CHILD_FD=3";
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
        return -1;
    }
    if (pipe2(op, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        free(envp);
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
        return -1;
    }
    if (pid == 0)
        child_exec(argv, envp, sv[1], op[1], m->cpu_s);
    free(envp);
    setpgid(pid, pid); /* also done by the child: whoever runs first */
    close(sv[1]);
    close(op[1]);
    m->pid = pid;
    m->fd = sv[0];
    m->out_fd = op[0];
    fcntl(m->out_fd, F_SETFL, O_NONBLOCK);
    return 0;
}

/* Keep what the child printed (up to the limit; all is counted). */
static void drain_output(struct mirror *m)
{
    char buf[8192];
    while (m->out_fd >= 0) {
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
static void kill_child(struct mirror *m, int *status)
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

/* Wait (at most 2 s) for a child that closed its socket to end; then
 * kill it. Returns its wait status. */
static int reap_child(struct mirror *m)
{
    int st = 0;
    for (int i = 0; i < 2000 && m->pid > 0; i++) {
        pid_t r = waitpid(m->pid, &st, WNOHANG);
        if (r == m->pid) {
            m->pid = 0;
            kill(-r, SIGKILL); /* whatever it left behind */
            drain_output(m);
            return st;
        }
        drain_output(m);
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    kill_child(m, &st);
    return st;
}

/* ---- reading ------------------------------------------------------------- */

enum { READ_OK = 0, READ_EOF = -1, READ_TIMEOUT = -2 };

/* Read exactly n bytes from the socket before the deadline, draining
 * the child's output meanwhile. */
static int read_exact(struct mirror *m, void *buf, size_t n, long long deadline)
{
    unsigned char *p = buf;
    while (n > 0) {
        struct pollfd pf[2] = {{m->fd, POLLIN, 0}, {m->out_fd, POLLIN, 0}};
        long long left = deadline - now_ms();
        if (left <= 0)
            return READ_TIMEOUT;
        int k = poll(pf, m->out_fd >= 0 ? 2 : 1,
                     left > 1000 ? 1000 : (int)left);
        if (k < 0 && errno != EINTR)
            return READ_EOF;
        if (m->out_fd >= 0 && pf[1].revents)
            drain_output(m);
        if (k <= 0 || !pf[0].revents)
            continue;
        ssize_t r = recv(m->fd, p, n, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r <= 0)
            return READ_EOF;
        p += r;
        n -= (size_t)r;
    }
    return READ_OK;
}

/* ---- how a child ends ---------------------------------------------------- */

/* Where the run was: " in T1 after step 12", or " during setup". */
static void where(const struct rl_run *run, char *buf, size_t len)
{
    if (!run) {
        snprintf(buf, len, " during exploration");
        return;
    }
    const struct rl_record *r =
        run->rec_last ? rl_run_record(run, run->rec_last) : NULL;
    if (!r) {
        /* Records not sent yet are not known: say nothing then. */
        snprintf(buf, len, "%s", run->nthreads ? "" : " during setup");
        return;
    }
    if (r->thread >= 0 && r->thread < run->nthreads)
        snprintf(buf, len, " in %s after step %llu",
                 run->threads[r->thread]->name, (unsigned long long)r->seq);
    else
        snprintf(buf, len, " after step %llu", (unsigned long long)r->seq);
}

/* A signal's name and what it usually means. */
static const char *signal_text(int sig, char *buf, size_t len)
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

static void push_held(struct rl_run *run, struct mirror *m, bool all);

/* The child is gone or must go: end the run (if any) with why. Returns
 * the end kind. `how` is READ_EOF (look at the exit status),
 * READ_TIMEOUT, or 1 for a protocol error described by what. */
static enum rl_end child_lost(struct rl_run *run, struct mirror *m, int how,
                              const char *what)
{
    char at[96], sig[96], msg[sizeof run->end_msg];
    enum rl_end e;
    if (run)
        push_held(run, m, true);
    where(run, at, sizeof at);
    if (how == READ_TIMEOUT) {
        kill_child(m, NULL);
        e = RL_END_INCOMPLETE;
        snprintf(msg, sizeof msg,
                 "incomplete: the program did not answer for %d s%s "
                 "(racelab's safety stop); stopped",
                 m->answer_ms / 1000, at);
    } else if (how != READ_EOF) {
        kill_child(m, NULL);
        e = RL_END_PROTOCOL;
        snprintf(msg, sizeof msg,
                 "the program broke racelab's protocol (%s)%s; stopped", what,
                 at);
    } else {
        int st = reap_child(m);
        if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGXCPU ||
                                (WTERMSIG(st) == SIGKILL && m->gasp == SIGXCPU))) {
            e = RL_END_TIMEOUT;
            snprintf(msg, sizeof msg,
                     "did not finish: the program used up its CPU time "
                     "(%d s)%s (an endless loop?); stopped",
                     m->cpu_s, at);
        } else if (WIFSIGNALED(st)) {
            e = RL_END_CRASH;
            snprintf(msg, sizeof msg, "crash: %s%s",
                     signal_text(WTERMSIG(st), sig, sizeof sig), at);
        } else if (WIFEXITED(st) && m->gasp == -1) {
            e = RL_END_EXIT;
            snprintf(msg, sizeof msg, "the program called exit(%d)%s",
                     WEXITSTATUS(st), at);
        } else {
            e = RL_END_EXIT;
            snprintf(msg, sizeof msg,
                     "the program ended (exit status %d)%s without finishing "
                     "the run",
                     WIFEXITED(st) ? WEXITSTATUS(st) : -1, at);
        }
    }
    m->dead = true;
    if (m->fd >= 0) {
        close(m->fd);
        m->fd = -1;
    }
    if (run)
        snprintf(run->end_msg, sizeof run->end_msg, "%s", msg);
    else
        snprintf(m->error, sizeof m->error, "%s", msg);
    return e;
}

/* ---- applying what the child sends --------------------------------------- */

/* Whether every id in r is known to the mirror now. */
static bool record_known(const struct rl_run *run, const struct rl_record *r)
{
    return r->thread >= -1 && r->thread < run->nthreads && r->obj >= -1 &&
           r->obj < run->nobjs && r->other >= -1 && r->other < run->nthreads;
}

/* Push the held records whose ids are known (all: drop the others). */
static void push_held(struct rl_run *run, struct mirror *m, bool all)
{
    size_t i = 0;
    for (; i < m->nheld; i++) {
        if (!record_known(run, &m->held[i])) {
            if (!all)
                break;
            continue;
        }
        rl_record_push(run, &m->held[i]);
    }
    if (i > 0 && i < m->nheld)
        memmove(m->held, m->held + i, (m->nheld - i) * sizeof *m->held);
    m->nheld -= i;
    if (all)
        m->nheld = 0;
}

/* RECORDS: check and push (or hold) them. Returns false if they lie. */
static bool apply_records(struct rl_run *run, struct mirror *m,
                          struct wire_reader *r)
{
    uint32_t n = wire_get_u32(r);
    if (r->bad || (r->n - r->off) / sizeof(struct rl_record) != n ||
        (r->n - r->off) % sizeof(struct rl_record) != 0 || !run)
        return false;
    uint64_t next = run->rec_last + m->nheld + 1;
    for (uint32_t i = 0; i < n; i++) {
        struct rl_record rec;
        wire_get(r, &rec, sizeof rec);
        if (rec.seq != next++ || rec.op >= RL_OP__COUNT ||
            rec.result > RL_RES_ERROR || rec.thread < -1 ||
            rec.thread >= RL_MAX_THREADS || rec.obj < -1 ||
            rec.obj >= RL_MAX_OBJS || rec.other < -1 ||
            rec.other >= RL_MAX_THREADS)
            return false;
        if (m->nheld == 0 && record_known(run, &rec)) {
            rl_record_push(run, &rec);
            continue;
        }
        if (m->nheld >= run->cfg.max_records)
            return false; /* a frame that never comes */
        if (m->nheld == m->held_cap) {
            m->held_cap = m->held_cap ? m->held_cap * 2 : 256;
            m->held = rl_xrealloc(m->held, m->held_cap * sizeof *m->held);
        }
        m->held[m->nheld++] = rec;
    }
    return true;
}

/* The thread tid of the mirror, created if new. */
static struct rl_thread *mirror_thread(struct rl_run *run, int tid)
{
    if (!run->threads[tid]) {
        struct rl_thread *t = rl_run_alloc(run, sizeof *t);
        t->id = tid;
        t->run = run;
        t->deadline = -1;
        atomic_store(&t->join_target, -1);
        run->threads[tid] = t;
    }
    return run->threads[tid];
}

/* The object id of the mirror, created if new. */
static struct rl_obj *mirror_obj(struct rl_run *run, int id)
{
    if (!run->objs[id]) {
        struct rl_obj *o = rl_run_alloc(run, sizeof *o);
        o->id = id;
        o->run = run;
        run->objs[id] = o;
    }
    return run->objs[id];
}

/* FRAME: bring the mirror up to date. Returns false if the frame lies
 * (the mirror may then be partly updated; the run ends anyway). */
static bool apply_frame(struct rl_run *run, struct mirror *m,
                        struct wire_reader *r)
{
    int end = wire_get_range(r, RL_END_RUNNING, RL_END_TIMEOUT);
    wire_get_str(r, run->end_msg, sizeof run->end_msg);
    m->steps = wire_get_u64(r);
    m->now = (long)wire_get_i64(r);
    m->preemptions = wire_get_i32(r);
    uint32_t fresh = wire_get_u32(r);
    if (r->bad || fresh > (r->n - r->off) / sizeof(int16_t))
        return false;
    if (m->nchoices + fresh > m->cap) {
        while (m->cap < m->nchoices + fresh)
            m->cap = m->cap ? m->cap * 2 : 256;
        m->choices = rl_xrealloc(m->choices, m->cap * sizeof *m->choices);
    }
    for (uint32_t i = 0; i < fresh; i++) {
        int16_t id;
        wire_get(r, &id, sizeof id);
        if (id < 0 || id >= RL_MAX_THREADS)
            return false;
        m->choices[m->nchoices++] = id;
    }
    m->runnable = wire_get_u64(r);
    /* Threads (their waits point at objects: resolved below). */
    int nthreads = wire_get_range(r, run->nthreads, RL_MAX_THREADS);
    int wait_id[RL_MAX_THREADS];
    bool wait_set[RL_MAX_THREADS] = {false};
    while (!r->bad && wire_get_u8(r)) {
        int id = wire_get_range(r, 0, nthreads - 1);
        if (r->bad)
            return false;
        struct rl_thread *t = mirror_thread(run, id);
        wire_get_str(r, t->name, sizeof t->name);
        atomic_store(&t->state, wire_get_range(r, RL_T_NEW, RL_T_DONE));
        wait_id[id] = wire_get_range(r, -1, RL_MAX_OBJS - 1);
        wait_set[id] = true;
        atomic_store(&t->join_target, wire_get_range(r, -1, nthreads - 1));
        t->steps = wire_get_u64(r);
    }
    for (int i = 0; i < nthreads; i++)
        if (!r->bad && !run->threads[i])
            return false; /* a thread the child never described */
    if (r->bad)
        return false;
    run->nthreads = nthreads;
    /* Objects. */
    int nobjs = wire_get_range(r, run->nobjs, RL_MAX_OBJS);
    int lock_id[RL_MAX_OBJS];
    bool lock_set[RL_MAX_OBJS] = {false};
    while (!r->bad && wire_get_u8(r)) {
        int id = wire_get_range(r, 0, nobjs - 1);
        if (r->bad)
            return false;
        struct rl_obj *o = mirror_obj(run, id);
        o->kind = (enum rl_obj_kind)wire_get_range(r, RL_OBJ_VAR,
                                                   RL_OBJ_BARRIER);
        wire_get_str(r, o->name, sizeof o->name);
        lock_id[id] = wire_get_range(r, -1, nobjs - 1);
        lock_set[id] = true;
        atomic_store(&o->value, (long)wire_get_i64(r));
        o->limit = (long)wire_get_i64(r);
        atomic_store(&o->owner, wire_get_range(r, -1, nthreads - 1));
        atomic_store(&o->depth, wire_get_range(r, 0, INT_MAX));
        o->broken = wire_get_u8(r) != 0;
        o->nwait = wire_get_range(r, 0, RL_MAX_THREADS);
        for (int i = 0; i < o->nwait; i++)
            o->wait[i] = (int16_t)wire_get_range(r, 0, nthreads - 1);
        o->nhold = wire_get_range(r, 0, RL_MAX_THREADS);
        for (int i = 0; i < o->nhold; i++)
            o->hold[i] = (int16_t)wire_get_range(r, 0, nthreads - 1);
        if (r->bad)
            return false;
    }
    for (int i = 0; i < nobjs; i++)
        if (!r->bad && !run->objs[i])
            return false;
    if (r->bad)
        return false;
    run->nobjs = nobjs;
    for (int i = 0; i < nobjs; i++)
        if (lock_set[i])
            run->objs[i]->lock = lock_id[i] >= 0 ? run->objs[lock_id[i]] : NULL;
    for (int i = 0; i < nthreads; i++)
        if (wait_set[i])
            atomic_store(&run->threads[i]->waiting_on,
                         wait_id[i] >= 0 && wait_id[i] < nobjs
                             ? run->objs[wait_id[i]]
                             : NULL);
    /* Texts. */
    int64_t ntexts = wire_get_i64(r);
    if (r->bad || ntexts < 0 || ntexts > (int64_t)(r->n - r->off) / 4)
        return false;
    for (int64_t i = 0; i < ntexts; i++) {
        char *text = wire_get_strdup(r, WIRE_MAX_PAYLOAD);
        if (!text)
            return false;
        rl_run_text_add(run, text);
        free(text);
    }
    /* Checks, once the run has ended. */
    if (wire_get_u8(r)) {
        int n = wire_get_range(r, 0, RL_MAX_CHECKS);
        for (int i = 0; i < n && !r->bad; i++) {
            struct rl_check_slot *c = &run->checks[i];
            wire_get_str(r, c->name, sizeof c->name);
            c->ok = wire_get_u8(r) != 0;
            c->count = wire_get_i32(r);
            wire_get_str(r, c->message, sizeof c->message);
        }
        if (r->bad || end == RL_END_RUNNING)
            return false;
        run->nchecks = n;
        run->checked = true;
    }
    if (r->bad || r->off != r->n)
        return false;
    push_held(run, m, false);
    if (m->nheld)
        return false; /* records naming what the child never created */
    run->end_msg[sizeof run->end_msg - 1] = '\0';
    m->error[0] = '\0';
    run->end = (enum rl_end)end;
    return true;
}

/* EXPLORED: the search's result. */
static bool apply_explored(struct mirror *m, struct wire_reader *r)
{
    struct rl_explore_result *x = m->xres;
    m->xrc = wire_get_i32(r);
    x->found = wire_get_u8(r) != 0;
    x->choices = wire_get_strdup(r, WIRE_MAX_PAYLOAD);
    if (x->choices && !x->found) {
        free(x->choices);
        x->choices = NULL;
    }
    wire_get_str(r, x->check, sizeof x->check);
    wire_get_str(r, x->message, sizeof x->message);
    wire_get_str(r, x->end_text, sizeof x->end_text);
    x->end = (enum rl_end)wire_get_range(r, RL_END_RUNNING, RL_END_TIMEOUT);
    x->preemptions = wire_get_i32(r);
    x->steps = wire_get_u64(r);
    x->max_steps = wire_get_u64(r);
    x->phase = (enum rl_explore_phase)wire_get_range(r, RL_EXPLORE_SYSTEMATIC,
                                                     RL_EXPLORE_PCT);
    x->phase_seed = wire_get_u64(r);
    x->phase_depth = wire_get_i32(r);
    x->runs = wire_get_u64(r);
    x->systematic_runs = wire_get_u64(r);
    x->random_runs = wire_get_u64(r);
    x->pct_runs = wire_get_u64(r);
    x->spin_runs = wire_get_u64(r);
    x->finished_runs = wire_get_u64(r);
    x->bound = wire_get_i32(r);
    x->bound_complete = wire_get_i32(r);
    x->exhaustive = wire_get_u8(r) != 0;
    x->every_schedule = wire_get_u8(r) != 0;
    x->stop = (enum rl_explore_stop)wire_get_range(r, RL_EXPLORE_DONE,
                                                   RL_EXPLORE_ERROR);
    wire_get_str(r, x->error, sizeof x->error);
    uint64_t bits = wire_get_u64(r);
    memcpy(&x->seconds, &bits, sizeof bits);
    return !r->bad && r->off == r->n;
}

/* ---- the conversation ---------------------------------------------------- */

/* Send one request. */
static int send_req(struct mirror *m, uint32_t type, const struct wire_buf *p)
{
    struct wire_buf b = {0};
    wire_begin(&b, type);
    if (p)
        wire_put(&b, p->p, p->n);
    wire_end(&b, 0);
    int rc = wire_send(m->fd, &b);
    wire_free(&b);
    return rc;
}

/* Answer a QUERY of explore: does this failed check count? */
static int answer_query(struct mirror *m, struct wire_reader *r)
{
    char name[64];
    wire_get_str(r, name, sizeof name);
    if (r->bad || !m->xcfg)
        return -1;
    bool counts = !m->xcfg->check_counts ||
                  m->xcfg->check_counts(m->xcfg->check_ctx, name);
    struct wire_buf b = {0};
    wire_put_u8(&b, counts);
    int rc = send_req(m, WIRE_REQ_ANSWER, &b);
    wire_free(&b);
    return rc;
}

/* Read and apply messages until the answer to a request: returns the
 * answer's type (FRAME, ERROR, OK, EXPLORED), or -1 when the child was
 * lost (*lost = the run's end, the reason in run->end_msg or m->error). */
static int await(struct rl_run *run, struct mirror *m, int extra_ms,
                 enum rl_end *lost)
{
    for (;;) {
        uint32_t h[3];
        long long deadline = now_ms() + m->answer_ms + extra_ms;
        int rc = read_exact(m, h, sizeof h, deadline);
        const char *bad = NULL;
        if (rc == READ_OK && h[0] != WIRE_MAGIC)
            bad = "a message without racelab's mark";
        else if (rc == READ_OK && h[2] > WIRE_MAX_PAYLOAD)
            bad = "an oversized message";
        if (rc != READ_OK || bad) {
            *lost = child_lost(run, m, bad ? 1 : rc, bad);
            return -1;
        }
        unsigned char *p = rl_xmalloc(h[2] ? h[2] : 1);
        rc = read_exact(m, p, h[2], deadline);
        if (rc != READ_OK) {
            free(p);
            *lost = child_lost(run, m, rc, NULL);
            return -1;
        }
        struct wire_reader r = {p, h[2], 0, false};
        bool ok = true;
        int answer = 0;
        switch (h[1]) {
        case WIRE_MSG_RECORDS:
            ok = apply_records(run, m, &r);
            bad = "records that do not fit the run";
            break;
        case WIRE_MSG_GASP:
            m->gasp = wire_get_i32(&r);
            ok = !r.bad;
            bad = "a malformed last message";
            break;
        case WIRE_MSG_QUERY:
            ok = answer_query(m, &r) == 0;
            bad = "a question out of turn";
            break;
        case WIRE_MSG_FRAME:
            ok = run && apply_frame(run, m, &r);
            bad = "a state that does not fit the run";
            answer = WIRE_MSG_FRAME;
            break;
        case WIRE_MSG_ERROR:
            wire_get_str(&r, m->error, sizeof m->error);
            ok = !r.bad;
            bad = "a malformed error";
            answer = WIRE_MSG_ERROR;
            break;
        case WIRE_MSG_OK:
            answer = WIRE_MSG_OK;
            break;
        case WIRE_MSG_EXPLORED:
            ok = m->xres && apply_explored(m, &r);
            bad = "a malformed exploration result";
            answer = WIRE_MSG_EXPLORED;
            break;
        default:
            ok = false;
            bad = "an unknown message";
            break;
        }
        free(p);
        if (!ok) {
            *lost = child_lost(run, m, 1, bad);
            return -1;
        }
        if (answer)
            return answer;
    }
}

/* Put a scheduler into a request. */
static void put_sched(struct wire_buf *b, const struct rl_sched *s)
{
    wire_put_i32(b, (int32_t)s->kind);
    wire_put_i32(b, s->quantum);
    wire_put_u64(b, s->seed);
    wire_put_i32(b, s->depth);
    wire_put_i32(b, s->pct_steps);
    wire_put_u8(b, s->choices != NULL);
    wire_put_str(b, s->choices);
    wire_put_u8(b, s->replay_continue);
}

/* ---- creation ------------------------------------------------------------ */

/* A new mirror for ext: the executable found or built, limits set. NULL
 * with a message in err. */
static struct mirror *mirror_new(const struct rl_external *ext, char *err,
                                 size_t errlen)
{
    struct mirror *m = rl_xcalloc(1, sizeof *m);
    m->fd = m->out_fd = -1;
    m->cpu_s = ext->cpu_s > 0 ? ext->cpu_s : RL_CHILD_CPU_S;
    m->answer_ms = ext->answer_ms > 0 ? ext->answer_ms : RL_CHILD_ANSWER_MS;
    if (ext->path) {
        snprintf(m->exe, sizeof m->exe, "%s", ext->path);
    } else if (ext->build) {
        if (rl_program_build(ext->build, m->exe, sizeof m->exe, err,
                             errlen) != 0) {
            free(m);
            return NULL;
        }
    } else {
        snprintf(err, errlen, "an external program needs a path or a build");
        free(m);
        return NULL;
    }
    if (spawn(m, ext, err, errlen) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

/* Close the socket, kill and reap the child, free the state. */
static void mirror_free(struct mirror *m)
{
    if (!m)
        return;
    if (m->fd >= 0)
        close(m->fd);
    kill_child(m, NULL);
    if (m->out_fd >= 0)
        close(m->out_fd);
    free(m->output);
    free(m->choices);
    free(m->held);
    free(m);
}

/* Create a mirror run: start the child, have it create the run. */
struct rl_run *rl_mirror_create(const struct rl_run_config *cfg, char *err,
                                size_t errlen)
{
    if (cfg->backend == RL_BACKEND_SIM && cfg->sched.kind == RL_SCHED_CUSTOM) {
        snprintf(err, errlen,
                 "a custom scheduler cannot drive a program in a child "
                 "process");
        return NULL;
    }
    struct mirror *m = mirror_new(cfg->program.external, err, errlen);
    if (!m)
        return NULL;
    struct rl_run *run = rl_xcalloc(1, sizeof *run);
    run->cfg = *cfg;
    if (!run->cfg.max_steps)
        run->cfg.max_steps = RL_DEFAULT_MAX_STEPS;
    if (!run->cfg.max_records)
        run->cfg.max_records = RL_DEFAULT_MAX_RECORDS;
    if (!run->cfg.watchdog_ms)
        run->cfg.watchdog_ms = RL_DEFAULT_WATCHDOG_MS;
    if (!run->cfg.timeout_ms)
        run->cfg.timeout_ms = RL_DEFAULT_TIMEOUT_MS;
    run->cfg.sched.choices = NULL; /* not kept: the child has them */
    run->ops = &rl_mirror_ops;
    run->end = RL_END_RUNNING;
    run->mirror = m;
    struct wire_buf b = {0};
    put_sched(&b, &cfg->sched);
    wire_put_u64(&b, run->cfg.max_steps);
    wire_put_u64(&b, run->cfg.max_records);
    wire_put_i32(&b, (int32_t)cfg->backend);
    wire_put_i32(&b, run->cfg.timeout_ms);
    wire_put_i32(&b, run->cfg.watchdog_ms);
    wire_put_u8(&b, cfg->record);
    enum rl_end lost;
    int answer = -1;
    if (send_req(m, WIRE_REQ_CREATE, &b) == 0)
        answer = await(run, m, 0, &lost);
    else
        lost = child_lost(run, m, READ_EOF, NULL);
    wire_free(&b);
    if (answer != WIRE_MSG_FRAME) {
        const char *why = answer == WIRE_MSG_ERROR ? m->error : run->end_msg;
        snprintf(err, errlen, "%s", why);
        if (answer < 0 && m->output_n) {
            /* What the program printed may say why (a failed assert). */
            size_t n = strlen(err);
            snprintf(err + n, errlen > n ? errlen - n : 0, "\n%s", m->output);
        }
        (void)lost;
        rl_run_destroy(run);
        return NULL;
    }
    if (run->nthreads == 0) {
        snprintf(err, errlen, "the program started no thread");
        rl_run_destroy(run);
        return NULL;
    }
    return run;
}

/* ---- rl_mirror_ops ------------------------------------------------------- */

/* The mirror of run. */
static struct mirror *mirror_of(const struct rl_run *run)
{
    return run->mirror;
}

/* Not used: rl_mirror_create sets the run up. */
static int mirror_run_init(struct rl_run *run, char *err, size_t errlen)
{
    (void)run;
    snprintf(err, errlen, "a mirror run is made by rl_mirror_create");
    return -1;
}

/* Kill and reap the child, free the mirror. */
static void mirror_run_fini(struct rl_run *run)
{
    mirror_free(mirror_of(run));
    run->mirror = NULL;
}

/* Mirror objects and threads live in the run's arena. */
static void mirror_obj_fini(struct rl_obj *o)
{
    (void)o;
}

static void mirror_thread_fini(struct rl_thread *t)
{
    (void)t;
}

/* One request that answers with a frame; the run's end after it. */
static enum rl_end frame_request(struct rl_run *run, uint32_t type,
                                 const struct wire_buf *p, char *err,
                                 size_t errlen)
{
    struct mirror *m = mirror_of(run);
    enum rl_end lost;
    if (m->dead)
        return run->end;
    if (send_req(m, type, p) != 0)
        return child_lost(run, m, READ_EOF, NULL);
    int answer = await(run, m, 0, &lost);
    if (answer < 0)
        return lost;
    if (answer == WIRE_MSG_ERROR && err) {
        snprintf(err, errlen, "%s", m->error[0] ? m->error : "cannot step");
        return RL_END_RUNNING;
    }
    if (answer != WIRE_MSG_FRAME)
        return child_lost(run, m, 1, "an answer that is not a state");
    return run->end;
}

/* A step: of thread tid (>= 0), or the child's scheduler's pick. */
static enum rl_end mirror_step(struct rl_run *run, int tid, char *err,
                               size_t errlen)
{
    if (tid < 0)
        return frame_request(run, WIRE_REQ_STEP, NULL, NULL, 0);
    struct wire_buf b = {0};
    wire_put_i32(&b, tid);
    enum rl_end e = frame_request(run, WIRE_REQ_STEP_THREAD, &b, err, errlen);
    wire_free(&b);
    return e;
}

/* To the end; os: the answer to the FINISH that start sent. */
static enum rl_end mirror_finish(struct rl_run *run)
{
    struct mirror *m = mirror_of(run);
    if (m->started) {
        enum rl_end lost;
        m->started = false;
        int answer = await(run, m, run->cfg.timeout_ms, &lost);
        if (answer < 0)
            return lost;
        return answer == WIRE_MSG_FRAME
                   ? run->end
                   : child_lost(run, m, 1, "an answer that is not a state");
    }
    return frame_request(run, WIRE_REQ_FINISH, NULL, NULL, 0);
}

/* os: the child runs the threads while the parent polls. */
static int mirror_start(struct rl_run *run, char *err, size_t errlen)
{
    struct mirror *m = mirror_of(run);
    if (run->cfg.backend != RL_BACKEND_OS) {
        snprintf(err, errlen, "a live background run needs the os backend");
        return -1;
    }
    if (m->started || m->dead)
        return 0;
    if (send_req(m, WIRE_REQ_FINISH, NULL) != 0) {
        snprintf(err, errlen, "the program is gone");
        return -1;
    }
    m->started = true;
    return 0;
}

/* os: the end once the child has answered the FINISH; never blocks long. */
static enum rl_end mirror_poll(struct rl_run *run)
{
    struct mirror *m = mirror_of(run);
    drain_output(m);
    if (!m->started)
        return run->end;
    struct pollfd pf = {m->fd, POLLIN, 0};
    if (poll(&pf, 1, 0) <= 0)
        return RL_END_RUNNING;
    return mirror_finish(run);
}

/* The mirror backend, as run.c sees it: no primitives (no lab code runs
 * in this process). */
const struct rl_backend_ops rl_mirror_ops = {
    .run_init = mirror_run_init,
    .run_fini = mirror_run_fini,
    .obj_fini = mirror_obj_fini,
    .thread_fini = mirror_thread_fini,
    .step = mirror_step,
    .finish = mirror_finish,
    .start = mirror_start,
    .poll = mirror_poll,
};

/* ---- inspection (run.h, through sim.c) ----------------------------------- */

uint64_t rl_mirror_steps(const struct rl_run *run)
{
    return run->cfg.backend == RL_BACKEND_SIM ? mirror_of(run)->steps
                                              : run->rec_last;
}

long rl_mirror_now(const struct rl_run *run)
{
    return mirror_of(run)->now;
}

bool rl_mirror_runnable(const struct rl_run *run, int tid)
{
    if (tid < 0 || tid >= run->nthreads || run->end != RL_END_RUNNING)
        return false;
    return (mirror_of(run)->runnable >> tid) & 1;
}

size_t rl_mirror_choices(const struct rl_run *run, char *buf, size_t len)
{
    const struct mirror *m = mirror_of(run);
    if (run->cfg.backend != RL_BACKEND_SIM) {
        int n = snprintf(buf, len, "-");
        return n < 0 ? 0 : (size_t)n;
    }
    return rl_schedule_encode(m->choices, m->nchoices, buf, len);
}

uint64_t rl_mirror_choice_count(const struct rl_run *run)
{
    return mirror_of(run)->nchoices;
}

int rl_mirror_preemptions(const struct rl_run *run)
{
    return mirror_of(run)->preemptions;
}

/* Another scheduler in the child from the next choice on. */
int rl_mirror_set_sched(struct rl_run *run, const struct rl_sched *sched,
                        char *err, size_t errlen)
{
    struct mirror *m = mirror_of(run);
    if (run->cfg.backend != RL_BACKEND_SIM) {
        snprintf(err, errlen, "only sim runs have a scheduler");
        return -1;
    }
    if (sched->kind == RL_SCHED_CUSTOM) {
        snprintf(err, errlen,
                 "a custom scheduler cannot drive a program in a child "
                 "process");
        return -1;
    }
    if (m->dead) {
        snprintf(err, errlen, "the program is gone");
        return -1;
    }
    struct wire_buf b = {0};
    put_sched(&b, sched);
    enum rl_end lost;
    int answer = -1;
    if (send_req(m, WIRE_REQ_SET_SCHED, &b) == 0)
        answer = await(run, m, 0, &lost);
    wire_free(&b);
    if (answer == WIRE_MSG_OK)
        return 0;
    if (answer < 0) {
        /* The child is gone: the run ends here. */
        if (!m->dead)
            child_lost(run, m, READ_EOF, NULL);
        run->end = lost;
        rl_run_evaluate(run);
    }
    snprintf(err, errlen, "%s",
             answer == WIRE_MSG_ERROR ? m->error : run->end_msg);
    return -1;
}

/* What the child printed. */
const char *rl_run_output(const struct rl_run *run, size_t *total)
{
    struct mirror *m = run->mirror;
    if (!m) {
        if (total)
            *total = 0;
        return "";
    }
    drain_output(m);
    if (total)
        *total = m->output_total;
    return m->output ? m->output : "";
}

/* Whether the run is a mirror. */
bool rl_run_is_mirror(const struct rl_run *run)
{
    return run->mirror != NULL;
}

/* ---- explore in the child ------------------------------------------------ */

/* rl_explore of an external program: the search runs in the child. */
int rl_mirror_explore(const struct rl_explore_config *cfg,
                      struct rl_explore_result *res)
{
    char err[512];
    struct mirror *m = mirror_new(cfg->program.external, err, sizeof err);
    if (!m) {
        res->stop = RL_EXPLORE_ERROR;
        copy_text(res->error, sizeof res->error, err);
        return -1;
    }
    m->xcfg = cfg;
    m->xres = res;
    struct wire_buf b = {0};
    wire_put_i32(&b, cfg->max_preemptions);
    wire_put_u64(&b, cfg->max_steps);
    wire_put_u64(&b, cfg->seed);
    uint64_t bits;
    memcpy(&bits, &cfg->budget_s, sizeof bits);
    wire_put_u64(&b, bits);
    wire_put_u64(&b, cfg->max_runs);
    wire_put_u64(&b, cfg->max_systematic);
    wire_put_u64(&b, cfg->random_runs);
    wire_put_u64(&b, cfg->pct_runs);
    wire_put_i32(&b, cfg->pct_max_depth);
    wire_put_u8(&b, cfg->skip_systematic);
    wire_put_u8(&b, cfg->check_counts != NULL);
    enum rl_end lost;
    int answer = -1;
    int extra = cfg->budget_s > 0 ? (int)(cfg->budget_s * 1000) : 0;
    if (send_req(m, WIRE_REQ_EXPLORE, &b) == 0)
        answer = await(NULL, m, extra, &lost);
    else
        child_lost(NULL, m, READ_EOF, NULL);
    wire_free(&b);
    int rc = m->xrc;
    if (answer != WIRE_MSG_EXPLORED) {
        rl_explore_result_free(res);
        memset(res, 0, sizeof *res);
        res->stop = RL_EXPLORE_ERROR;
        copy_text(res->error, sizeof res->error,
                  m->error[0] ? m->error : "the program could not be explored");
        rc = -1;
    }
    mirror_free(m);
    return rc;
}
