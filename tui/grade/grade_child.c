/* SPDX-License-Identifier: MIT */
/*
 * grade_child.c - forked children with limits, captured output and a
 * framed result pipe (see grade_child.h for the threat model).
 *
 * The parent multiplexes two pipes with poll(): the child's stdout+stderr
 * (kept up to a limit, the rest counted and dropped, so a chatty child
 * never blocks) and the result pipe (framed: magic, nonce, length,
 * payload). It stops at EOF on both, or when the child has been reaped
 * (a grandchild may hold the pipes open), or at the timeout, when the
 * whole process group is killed.
 */
#include "grade_child.h"
#include "../../core/mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define GRADE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GRADE_ASAN 1
#endif
#endif

#define CHILD_MAGIC 0x52474c52u /* "RLGR" */
#define CHILD_RESULT_MAX ((size_t)64 << 20)
#define CHILD_OUTPUT_DEFAULT 8192

/* The frame in front of a result payload. */
struct frame {
    uint32_t magic;
    uint32_t pad;
    uint64_t nonce;
    uint64_t len;
};

/* A growing byte buffer. */
struct bytes {
    char *p;
    size_t n, cap, max, total;
};

/* Append n bytes to b, keeping at most b->max (all are counted). */
static void bytes_add(struct bytes *b, const char *data, size_t n)
{
    b->total += n;
    if (b->n >= b->max)
        return;
    if (n > b->max - b->n)
        n = b->max - b->n;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *q = rl_xrealloc(b->p, cap);
        if (!q)
            return;
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = '\0';
}

/* A nonce the child cannot predict. */
static uint64_t make_nonce(void)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        v = (uint64_t)t.tv_nsec * 0x9E3779B97F4A7C15ULL ^
            (uint64_t)getpid() << 32 ^ (uint64_t)t.tv_sec;
    }
    return v ? v : 1;
}

/* Monotonic seconds. */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Write all of data, retrying short writes. */
static void write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        len -= (size_t)w;
    }
}

/* Frame and send the result (in the child). */
void child_send(int result_fd, uint64_t nonce, const void *data, size_t len)
{
    struct frame f = {CHILD_MAGIC, 0, nonce, len};
    write_all(result_fd, &f, sizeof f);
    write_all(result_fd, data, len);
}

/* setrlimit, best effort (a limit we cannot set is left alone). */
static void set_limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit r = {soft, hard};
    setrlimit(resource, &r);
}

/* Close descriptors lo..hi (hi may be ~0U): close_range(2) where the
 * kernel has it (one call, whatever the descriptor limit), else one by
 * one up to the limit. */
static void close_span(unsigned lo, unsigned hi)
{
    if (lo > hi)
        return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, lo, hi, 0) == 0)
        return;
#endif
    struct rlimit r;
    unsigned max = 1024;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY &&
        r.rlim_cur < 65536)
        max = (unsigned)r.rlim_cur;
    for (unsigned fd = lo; fd < max && fd <= hi; fd++)
        close((int)fd);
}

/* Close every descriptor above 2 but keep: the child must not reach the
 * grader's report file or anything else the parent has open. */
static void close_others(int keep)
{
    if (keep < 3) {
        close_span(3, ~0U);
        return;
    }
    close_span(3, (unsigned)keep - 1);
    close_span((unsigned)keep + 1, ~0U);
}

/* The user children run as, when the grader is root. */
bool child_run_as(unsigned *uid, unsigned *gid)
{
    if (geteuid() != 0)
        return false;
    const char *name = getenv("RACELAB_GRADE_USER");
    if (name == NULL || name[0] == '\0')
        name = "nobody";
    struct passwd *pw = getpwnam(name);
    if (pw != NULL) {
        *uid = pw->pw_uid;
        *gid = pw->pw_gid;
        return true;
    }
    char *end;
    unsigned long v = strtoul(name, &end, 10);
    *uid = *gid = end != name && *end == '\0' && v > 0 && v < 4294967295UL
                      ? (unsigned)v
                      : 65534u; /* nobody's customary number */
    return true;
}

/* Make the grader a subreaper, and not dumpable. */
void child_grader_protect(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* The parent pid in /proc/PID/stat, or -1. */
static pid_t proc_ppid(const char *pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* "pid (comm) state ppid ...": comm may hold anything, even ") ". */
    char *p = strrchr(buf, ')');
    int ppid;
    char state;
    if (p == NULL || sscanf(p + 1, " %c %d", &state, &ppid) != 2)
        return -1;
    return ppid;
}

/* Kill and reap the grader's strays, until none is left. */
void child_reap_strays(void)
{
    pid_t me = getpid();
    for (int round = 0; round < 64; round++) {
        int found = 0;
        DIR *d = opendir("/proc");
        struct dirent *de;
        while (d != NULL && (de = readdir(d)) != NULL) {
            if (de->d_name[0] < '1' || de->d_name[0] > '9')
                continue;
            if (proc_ppid(de->d_name) == me) {
                pid_t pid = (pid_t)atoi(de->d_name);
                kill(pid, SIGKILL);
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                    ;
                found++;
            }
        }
        if (d != NULL)
            closedir(d);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (found == 0)
            return;
    }
}

/* nftw callback: remove one entry, children first. */
static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

/* A fresh private directory for a child, owned by the user it runs as;
 * into buf (len), or "" when it cannot be made. */
static void private_dir_create(char *buf, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    unsigned uid, gid;
    snprintf(buf, len, "%s/racelab-check-XXXXXX",
             tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
    if (mkdtemp(buf) == NULL) {
        buf[0] = '\0';
        return;
    }
    if (child_run_as(&uid, &gid) && chown(buf, uid, gid) != 0) {
        rmdir(buf);
        buf[0] = '\0';
    }
}

/* In the child: its own session and group, output to the pipe, limits,
 * an unprivileged user, signals. */
static void child_setup(int out_fd, int keep_fd, const struct child_limits *lim)
{
    if (setsid() < 0)
        setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    if (out_fd > 2)
        close(out_fd);
    close_others(keep_fd);
    if (lim->cwd != NULL) {
        if (chdir(lim->cwd) != 0)
            _exit(126);
        if (lim->private_dir) {
            setenv("HOME", lim->cwd, 1);
            setenv("TMPDIR", lim->cwd, 1);
        }
    }
    if (lim->cpu_s > 0)
        set_limit(RLIMIT_CPU, (rlim_t)lim->cpu_s, (rlim_t)lim->cpu_s + 1);
#ifndef GRADE_ASAN
    if (lim->address_space > 0)
        set_limit(RLIMIT_AS, lim->address_space, lim->address_space);
#endif
    if (lim->file_size > 0)
        set_limit(RLIMIT_FSIZE, lim->file_size, lim->file_size);
    unsigned uid, gid;
    bool drop = child_run_as(&uid, &gid);
    if (lim->no_processes)
        set_limit(RLIMIT_NPROC, 0, 0);
    else if (drop && lim->max_processes > 0)
        set_limit(RLIMIT_NPROC, (rlim_t)lim->max_processes,
                  (rlim_t)lim->max_processes);
    set_limit(RLIMIT_CORE, 0, 0);
    /* Root's children run as the unprivileged user: RLIMIT_NPROC holds
     * for it, and it can neither signal the grader nor write where that
     * user cannot. Failing to drop is no reason to run as root. */
    if (drop && (setgroups(0, NULL) != 0 || setgid((gid_t)gid) != 0 ||
                 setuid((uid_t)uid) != 0))
        _exit(125);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    /* Writing past the file size limit fails instead of killing. */
    signal(SIGXFSZ, SIG_IGN);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    /* A crash must end the child by its signal, for the parent to name:
     * no handler of ours (or a sanitizer's) turns it into an exit. */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    signal(SIGFPE, SIG_DFL);
    signal(SIGILL, SIG_DFL);
    signal(SIGABRT, SIG_DFL);
}

/* Read what fd has now into b; returns false at EOF or on an error. */
static bool drain(int fd, struct bytes *b)
{
    char buf[65536];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r > 0) {
            bytes_add(b, buf, (size_t)r);
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            return true;
        return false;
    }
}

/* The parent's side: collect, time out, reap, classify. */
static void child_collect(pid_t pid, int rfd, int ofd,
                          const struct child_limits *lim, uint64_t nonce,
                          double t0, struct child_outcome *out)
{
    struct bytes res = {NULL, 0, 0, CHILD_RESULT_MAX, 0};
    struct bytes outb = {
        NULL, 0, 0, lim->output_max ? lim->output_max : CHILD_OUTPUT_DEFAULT,
        0};
    bool r_open = rfd >= 0, o_open = true, timed_out = false, reaped = false;
    int st = 0;
    if (rfd >= 0)
        fcntl(rfd, F_SETFL, O_NONBLOCK);
    fcntl(ofd, F_SETFL, O_NONBLOCK);
    while (r_open || o_open) {
        struct pollfd pf[2];
        int n = 0;
        if (r_open)
            pf[n++] = (struct pollfd){rfd, POLLIN, 0};
        if (o_open)
            pf[n++] = (struct pollfd){ofd, POLLIN, 0};
        int wait_ms = 100;
        if (lim->timeout_ms > 0) {
            double left = t0 + lim->timeout_ms / 1000.0 - now_s();
            if (left <= 0) {
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                timed_out = true;
                break;
            }
            if (left * 1000 < wait_ms)
                wait_ms = (int)(left * 1000) + 1;
        }
        poll(pf, (nfds_t)n, wait_ms);
        if (r_open)
            r_open = drain(rfd, &res);
        if (o_open)
            o_open = drain(ofd, &outb);
        if (!reaped && waitpid(pid, &st, WNOHANG) == pid) {
            reaped = true;
            /* What the child wrote is in the pipes now; a grandchild
             * holding them open must not keep us here. */
            if (r_open)
                drain(rfd, &res);
            if (o_open)
                drain(ofd, &outb);
            break;
        }
    }
    if (!reaped) {
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    kill(-pid, SIGKILL); /* anything the child left behind */
    if (rfd >= 0)
        close(rfd);
    close(ofd);
    out->seconds = now_s() - t0;
    out->output = outb.p ? outb.p : rl_xcalloc(1, 1);
    out->output_total = outb.total;

    if (timed_out) {
        out->how = CHILD_TIMEOUT;
    } else if (WIFSIGNALED(st)) {
        out->how = CHILD_SIGNAL;
        out->sig = WTERMSIG(st);
        /* The CPU limit is a timeout by another name. */
        if (out->sig == SIGXCPU)
            out->how = CHILD_TIMEOUT;
    } else if (WIFEXITED(st) &&
               (WEXITSTATUS(st) != 0 || rfd < 0 || res.total == 0)) {
        out->how = CHILD_EXITED;
        out->status = WEXITSTATUS(st);
    } else {
        struct frame f;
        bool ok = res.total == res.n && res.n >= sizeof f;
        if (ok) {
            memcpy(&f, res.p, sizeof f);
            ok = f.magic == CHILD_MAGIC && f.nonce == nonce &&
                 f.len == res.n - sizeof f;
        }
        if (ok) {
            out->how = CHILD_RESULT;
            out->result_len = (size_t)f.len;
            out->result = rl_xmalloc(out->result_len ? out->result_len : 1);
            if (out->result)
                memcpy(out->result, res.p + sizeof f, out->result_len);
            else
                out->how = CHILD_CORRUPT;
        } else {
            out->how = CHILD_CORRUPT;
        }
    }
    free(res.p);
}

/* fork with two pipes; fn == NULL means exec argv. */
static void child_start(child_fn fn, void *ctx, char *const argv[],
                        const struct child_limits *lim,
                        struct child_outcome *out)
{
    int rp[2] = {-1, -1}, op[2];
    memset(out, 0, sizeof(*out));
    if ((fn && pipe2(rp, O_CLOEXEC) != 0) || pipe2(op, O_CLOEXEC) != 0) {
        out->how = CHILD_FORK_FAILED;
        out->status = errno;
        out->output = rl_xcalloc(1, 1);
        return;
    }
    uint64_t nonce = make_nonce();
    char priv[PATH_MAX];
    struct child_limits l = *lim;
    priv[0] = '\0';
    if (lim->private_dir) {
        private_dir_create(priv, sizeof priv);
        l.cwd = priv[0] != '\0' ? priv : NULL;
        l.private_dir = priv[0] != '\0';
    }
    lim = &l;
    fflush(NULL);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        out->how = CHILD_FORK_FAILED;
        out->status = errno;
        out->output = rl_xcalloc(1, 1);
        if (fn) {
            close(rp[0]);
            close(rp[1]);
        }
        close(op[0]);
        close(op[1]);
        if (priv[0] != '\0')
            rmdir(priv);
        return;
    }
    if (pid == 0) {
        if (fn)
            close(rp[0]);
        close(op[0]);
        if (fn && rp[1] <= 2) {
            /* keep the result pipe clear of 0..2 */
            int moved = fcntl(rp[1], F_DUPFD, 3);
            rp[1] = moved;
        }
        child_setup(op[1], fn ? rp[1] : -1, lim);
        if (fn) {
            fn(ctx, rp[1], nonce);
            fflush(stdout);
            fflush(stderr);
            _exit(0);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    /* The child makes itself a session and group leader (setsid): a
     * setpgid here could race it and make setsid fail. */
    if (fn)
        close(rp[1]);
    close(op[1]);
    child_collect(pid, fn ? rp[0] : -1, op[0], lim, nonce, t0, out);
    child_reap_strays();
    if (priv[0] != '\0')
        nftw(priv, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Run a function in a limited child. */
void child_run(child_fn fn, void *ctx, const struct child_limits *lim,
               struct child_outcome *out)
{
    child_start(fn, ctx, NULL, lim, out);
}

/* Run a program in a limited child. */
void child_exec(char *const argv[], const struct child_limits *lim,
                struct child_outcome *out)
{
    child_start(NULL, NULL, argv, lim, out);
}

/* Free what child_run / child_exec allocated. */
void child_outcome_free(struct child_outcome *out)
{
    if (!out)
        return;
    free(out->result);
    free(out->output);
    out->result = NULL;
    out->output = NULL;
}

/* A signal's name and what it usually means. */
const char *child_signal_text(int sig, char *buf, size_t len)
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
        {SIGXCPU, "SIGXCPU", "CPU time limit"},
        {SIGXFSZ, "SIGXFSZ", "file size limit"},
        {SIGPIPE, "SIGPIPE", "broken pipe"},
        {SIGTRAP, "SIGTRAP", "trap"},
        {SIGSYS, "SIGSYS", "bad system call"},
        {SIGINT, "SIGINT", "interrupted"},
        {SIGALRM, "SIGALRM", "alarm"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].sig == sig) {
            snprintf(buf, len, "%s (%s)", names[i].name, names[i].what);
            return buf;
        }
    snprintf(buf, len, "signal %d", sig);
    return buf;
}
