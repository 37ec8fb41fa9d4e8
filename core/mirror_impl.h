/* SPDX-License-Identifier: MIT */
/*
 * mirror_impl.h - what the files of the mirror backend share, and nothing
 * else: the mirror's state and the helpers one file calls in another.
 *
 *   mirror.c        the mirror run: creation, the conversation with the
 *                   child, rl_mirror_ops, inspection, explore in the child
 *   mirror_proc.c   the child process: start (fork + exec), output,
 *                   reading with the safety stop, kill and reap
 *   mirror_frame.c  applying what the child sends (records, frames, an
 *                   exploration's result), every id checked first
 *
 * Everything here is private to the OS thread that owns the run.
 */
#ifndef RL_MIRROR_IMPL_H
#define RL_MIRROR_IMPL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine.h"
#include "choice_log.h"
#include "explore.h"
#include "wire.h"

/* The mirror's state (run->mirror). */
/* The most objects a child may describe: plain programs make one per
 * shared variable, so far more than the student API allows. */
#define MIRROR_MAX_OBJS (1 << 20)

struct mirror {
    pid_t pid;
    int fd;                /* the socket, -1 once closed */
    int out_fd;            /* the child's stdout + stderr, -1 at EOF */
    int cpu_s, answer_ms;
    long long total_ms;     /* the most one answer may take (see
                               rl_external.answer_total_ms) */
    long long answer_until; /* await: that answer's last moment, or 0 */
    bool too_slow;          /* the run ended at answer_until */
    char exe[PATH_MAX];
    char *output;          /* NUL-terminated, at most RL_CHILD_OUTPUT_MAX */
    size_t output_n, output_total;
    struct choice_log log;  /* the child's choices (CHOICES), compact */
    uint64_t steps;
    long now;
    int preemptions;
    uint64_t runnable[RL_MAX_THREADS / 64]; /* bit t: thread t can run */
    struct rl_record *held; /* records waiting for their frame */
    size_t nheld, held_cap;
    int gasp;               /* signal of the last gasp, -1 exit, 0 none,
                               WIRE_GASP_WATCHDOG: the watchdog ended it */
    char gasp_why[400];     /* WIRE_GASP_WATCHDOG: why */
    bool dead;              /* the child is gone (or was killed) */
    bool started;           /* os: FINISH sent by start, frame pending */
    /* The message being received (mirror_recv): its header, and how many
     * of its bytes (header and payload) have come; the payload's buffer
     * once the header has passed the limits. Kept across polls, so that
     * a child that has written part of a message never makes a poll
     * wait for the rest. */
    uint32_t in_head[3];
    size_t in_got;
    unsigned char *in_payload;
    long long in_until;     /* poll: that message's last moment, or 0 */
    /* A closed socket: when it was seen, and the child's wait status once
     * it has ended by itself (mirror_try_reap). */
    long long eof_at;
    bool reaped;
    int reap_status;
    char error[512];        /* the child's ERROR answer */
    /* An exercise racelab judges (rl_external.observe_size > 0): the
     * state's size, and its copy once the child has sent it (OBSERVE). */
    size_t observe_size;
    unsigned char *observed;
    /* explore */
    const struct rl_explore_config *xcfg;
    struct rl_explore_result *xres;
    int xrc;
};

/* How a read from the child ended. */
enum {
    READ_OK = 0,       /* a whole message */
    READ_EOF = -1,     /* the socket is closed (or broken) */
    READ_TIMEOUT = -2, /* the deadline passed first */
    READ_AGAIN = -3,   /* not waiting: the message is not whole yet */
    READ_BAD = -4      /* a header racelab cannot take */
};

/* ---- mirror_proc.c ------------------------------------------------------- */

/* Monotonic milliseconds. */
long long mirror_now_ms(void);
/* Start m->exe as described by ext (m->cpu_s set); -1 with a message. */
int mirror_spawn(struct mirror *m, const struct rl_external *ext, char *err,
                 size_t errlen);
/* Keep what the child printed so far (never blocks; at most
 * MIRROR_DRAIN_MAX bytes a call). */
void mirror_drain_output(struct mirror *m);
/* Kill the child's process group and reap it; *status (may be NULL) gets
 * its wait status. */
void mirror_kill(struct mirror *m, int *status);
/* How long a child that closed its socket has to end by itself before it
 * is killed (its exit status says what happened). */
#define MIRROR_REAP_MS 2000
/* Whether the child has ended by itself; never waits. Reaps it then (its
 * wait status in m->reap_status, its group killed). */
bool mirror_try_reap(struct mirror *m);
/* Wait for a child that closed its socket to end (about 2 s; once polls
 * have waited for it, until MIRROR_REAP_MS after m->eof_at), then kill
 * it; returns its wait status. */
int mirror_reap(struct mirror *m);
/* Receive the rest of the message under way into m->in_head and
 * m->in_payload, draining the child's output meanwhile: READ_OK once it
 * is whole (the caller then calls mirror_recv_reset), READ_EOF,
 * READ_BAD (why in *bad), and with a deadline (mirror_now_ms)
 * READ_TIMEOUT once it has passed; with deadline 0 it never waits:
 * READ_AGAIN when what has come is not a whole message yet. */
int mirror_recv(struct mirror *m, long long deadline, const char **bad);
/* Drop the message under way (its buffer freed). */
void mirror_recv_reset(struct mirror *m);
/* "SIGSEGV (segmentation fault: a bad pointer)", "signal 40", ... */
const char *mirror_signal_text(int sig, char *buf, size_t len);

/* ---- mirror_frame.c ------------------------------------------------------ */

/* Push the held records whose ids are now known (all: drop the others). */
void mirror_push_held(struct rl_run *run, struct mirror *m, bool all);
/* RECORDS: check, then push or hold them; false if they lie. */
bool mirror_apply_records(struct rl_run *run, struct mirror *m,
                          struct wire_reader *r);
/* FRAME: bring the mirror up to date; false if the frame lies. */
bool mirror_apply_choices(struct rl_run *run, struct mirror *m,
                          struct wire_reader *r);
bool mirror_apply_state(struct rl_run *run, struct mirror *m,
                        struct wire_reader *r);
bool mirror_apply_frame(struct rl_run *run, struct mirror *m,
                        struct wire_reader *r);
/* MEMORY: note the child's regions of memory; false if they lie. */
bool mirror_apply_memory(struct rl_run *run, struct wire_reader *r);
/* OBSERVE: keep a copy of the state; false (why in buf) if nobody asked
 * for one or it is not observe_size bytes. */
bool mirror_apply_observe(struct mirror *m, struct wire_reader *r, char *why,
                          size_t len);
/* EXPLORED: fill m->xres and m->xrc; false if malformed. */
bool mirror_apply_explored(struct mirror *m, struct wire_reader *r);

#endif
