/* SPDX-License-Identifier: MIT */
/*
 * grade_child.h - isolation for the grader: run a function or a command in
 * a forked child with resource limits, a wall-clock timeout, its output
 * captured, and its result sent back over a pipe as data.
 *
 * The child runs untrusted code (a student's submission). Nothing it does
 * is a verdict: it may crash, hang, call exit(), print "PASS", or write
 * bytes to any descriptor it can guess. The parent therefore accepts a
 * result only if it arrives on the result pipe, framed with a magic number
 * and a nonce the parent chose for that child, with the exact length
 * announced, and the child then exits with status 0. Anything else is
 * classified (crash with the signal's name, timeout, exit without a
 * result, corrupt result) for the grader to report as a failed check.
 *
 * The child leads its own session and process group, killed as a whole
 * when the check ends; and the grader is a child subreaper
 * (child_grader_protect), so a process that escapes with setsid() or a
 * double fork is reparented to the grader, which kills every such stray
 * before the next check (child_reap_strays). When the grader runs as root,
 * each child runs as an unprivileged user (RACELAB_GRADE_USER, a name or
 * a uid; default "nobody") with no supplementary groups, so RLIMIT_NPROC
 * holds, it cannot signal the grader, and it writes only where that user
 * may. Every child has PR_SET_NO_NEW_PRIVS; the grader is not dumpable, so
 * a child of the same user cannot read its memory (/proc/PID/mem) either.
 * A child with private_dir works in a fresh directory of its own (also
 * its HOME and TMPDIR), removed with whatever it holds when it ends.
 */
#ifndef RL_GRADE_CHILD_H
#define RL_GRADE_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of one child; 0 = leave that limit alone. */
struct child_limits {
    int timeout_ms;       /* wall clock, then the group is killed */
    int cpu_s;            /* RLIMIT_CPU */
    size_t address_space; /* RLIMIT_AS (skipped under AddressSanitizer) */
    size_t file_size;     /* RLIMIT_FSIZE */
    bool no_processes;    /* RLIMIT_NPROC 0: no fork, no threads (not
                             enforced for root) */
    size_t output_max;    /* bytes of stdout+stderr kept; 0 = 8192 */
    const char *cwd;      /* the child's working directory; NULL = ours */
    bool private_dir;     /* a fresh private directory as cwd, HOME and
                             TMPDIR, removed afterwards (overrides cwd) */
    int max_processes;    /* RLIMIT_NPROC when running as the unprivileged
                             user and no_processes is false; 0 = none */
};

/* Make the calling process (the grader) a child subreaper and not
 * dumpable. Call once before the first child. */
void child_grader_protect(void);

/* Kill and reap every process reparented to the grader (what a child
 * left running); called after each child. */
void child_reap_strays(void);

/* The user children run as: sets *uid, *gid and returns true when the
 * grader is root (RACELAB_GRADE_USER, else nobody); false otherwise. */
bool child_run_as(unsigned *uid, unsigned *gid);

/* How the child ended. */
enum child_how {
    CHILD_RESULT,      /* exited 0 after sending a well-formed result */
    CHILD_EXITED,      /* exited (status in `status`) without a result */
    CHILD_SIGNAL,      /* killed by signal `sig` */
    CHILD_TIMEOUT,     /* the wall clock ran out; the group was killed */
    CHILD_CORRUPT,     /* exited 0 but the result was malformed or extra
                          bytes were written to the result pipe */
    CHILD_FORK_FAILED, /* no child could be started (errno in status) */
};

struct child_outcome {
    enum child_how how;
    int status;   /* exit status, or errno for FORK_FAILED */
    int sig;      /* CHILD_SIGNAL */
    void *result; /* malloc'd payload (CHILD_RESULT), or NULL */
    size_t result_len;
    char *output;        /* malloc'd stdout+stderr, NUL-terminated,
                            at most output_max bytes kept */
    size_t output_total; /* bytes the child wrote in all */
    double seconds;      /* wall clock (never part of a verdict) */
};

/* What runs in the child: do the work, then child_send() the result once.
 * Returning without sending is "exited without a result". */
typedef void (*child_fn)(void *ctx, int result_fd, uint64_t nonce);

/* Send the result payload from the child (call once). */
void child_send(int result_fd, uint64_t nonce, const void *data, size_t len);

/* Run fn(ctx, ...) in a forked child under lim; fill out. The caller frees
 * with child_outcome_free. stdout and stderr are flushed first, so the
 * child does not print the parent's buffered output again. */
void child_run(child_fn fn, void *ctx, const struct child_limits *lim,
               struct child_outcome *out);

/* Run argv (execvp) in a child under lim, capturing its output; the
 * result is its exit status (CHILD_EXITED, status 0 = success). */
void child_exec(char *const argv[], const struct child_limits *lim,
                struct child_outcome *out);

void child_outcome_free(struct child_outcome *out);

/* "SIGSEGV (segmentation fault)", "SIGABRT (abort)", ... */
const char *child_signal_text(int sig, char *buf, size_t len);

#endif
