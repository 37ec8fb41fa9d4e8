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
 *
 * An exercise is judged here, not in the child (rl_external.observe_size,
 * core/child.h "OBSERVE"): the child sends its scenario's final state, the
 * run keeps a zero-filled copy of exactly the expected size, and
 * rl_run_evaluate runs the program's check on it (the scenario and
 * parameters are this process's) and derives the engine's checks; the
 * checks the child sends are ignored but for the failures rl_fail()
 * reported. A failure an exploration in the child reports is replayed as
 * a mirror run and judged here before it is believed. Residual risk: the
 * child's code can write false values into its own state and events; it
 * cannot call the engine to declare a verdict, nor make this process run
 * code of its choosing.
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

#include "mirror_impl.h"
#include "program.h"
#include "schedule.h"


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


/* The child is gone or must go: end the run (if any) with why. Returns
 * the end kind. `how` is READ_EOF (look at the exit status),
 * READ_TIMEOUT, or 1 for a protocol error described by what. */
static enum rl_end child_lost(struct rl_run *run, struct mirror *m, int how,
                              const char *what)
{
    char at[96], sig[96], msg[sizeof run->end_msg];
    enum rl_end e;
    if (run)
        mirror_push_held(run, m, true);
    where(run, at, sizeof at);
    if (how == READ_TIMEOUT && m->too_slow) {
        mirror_kill(m, NULL);
        e = RL_END_INCOMPLETE;
        snprintf(msg, sizeof msg,
                 "incomplete: the program took more than %lld s to answer%s "
                 "(racelab's safety stop); stopped",
                 m->total_ms / 1000, at);
    } else if (how == READ_TIMEOUT) {
        mirror_kill(m, NULL);
        e = RL_END_INCOMPLETE;
        snprintf(msg, sizeof msg,
                 "incomplete: the program did not answer for %d s%s "
                 "(racelab's safety stop); stopped",
                 m->answer_ms / 1000, at);
    } else if (how != READ_EOF) {
        mirror_kill(m, NULL);
        e = RL_END_PROTOCOL;
        snprintf(msg, sizeof msg,
                 "the program broke racelab's protocol (%s)%s; stopped", what,
                 at);
    } else {
        int st = mirror_reap(m);
        if (WIFSIGNALED(st) && (WTERMSIG(st) == SIGXCPU ||
                                (WTERMSIG(st) == SIGKILL && m->gasp == SIGXCPU))) {
            e = RL_END_TIMEOUT;
            snprintf(msg, sizeof msg,
                     "did not finish: the program used up its CPU time "
                     "(%d s)%s (an endless loop?); stopped",
                     m->cpu_s, at);
        } else if (m->gasp == WIRE_GASP_WATCHDOG) {
            e = RL_END_TIMEOUT;
            snprintf(msg, sizeof msg, "%.*s; stopped",
                     (int)sizeof msg - 16, m->gasp_why);
        } else if (WIFSIGNALED(st)) {
            e = RL_END_CRASH;
            snprintf(msg, sizeof msg, "crash: %s%s",
                     mirror_signal_text(WTERMSIG(st), sig, sizeof sig), at);
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

/* pump_one's returns besides an answer's type and 0. */
enum { PUMP_LOST = -1, PUMP_AGAIN = -2 };

/* Read and apply one message: returns the answer's type if it is one
 * (FRAME, ERROR, OK, EXPLORED), 0 for a message on the way (records, a
 * gasp, a query), or PUMP_LOST when the child was lost (*lost = the
 * run's end, the reason in run->end_msg or m->error). With wait false
 * it never waits (a poll): PUMP_AGAIN when no whole message has come
 * yet; what has come is kept for the next call, and a message begun
 * but not whole answer_ms + extra_ms after a poll first saw it ends the
 * run as the wait for it would have; a closed socket, too, is reported
 * once the child has ended or MIRROR_REAP_MS have passed (mirror_reap),
 * over later polls. */
static int pump_one(struct rl_run *run, struct mirror *m, int extra_ms,
                    bool wait, enum rl_end *lost)
{
    const char *bad = NULL;
    int rc;
    if (wait) {
        long long deadline = mirror_now_ms() + m->answer_ms + extra_ms;
        bool capped = m->answer_until > 0 && deadline >= m->answer_until;
        if (capped)
            deadline = m->answer_until;
        rc = mirror_recv(m, deadline, &bad);
        m->too_slow = capped && rc == READ_TIMEOUT;
    } else {
        rc = mirror_recv(m, 0, &bad);
        if (rc == READ_EOF && !mirror_try_reap(m) && m->pid > 0) {
            /* A child that closed its socket has a moment to end by
             * itself (its status is the report): waited for over the
             * polls to come, not here. */
            long long now = mirror_now_ms();
            if (m->eof_at == 0)
                m->eof_at = now;
            if (now - m->eof_at < MIRROR_REAP_MS)
                return PUMP_AGAIN;
        }
        if (rc == READ_AGAIN && m->in_got > 0) {
            long long now = mirror_now_ms();
            if (m->in_until == 0)
                m->in_until = now + m->answer_ms + extra_ms;
            else if (now >= m->in_until)
                rc = READ_TIMEOUT;
        }
        if (rc == READ_AGAIN)
            return PUMP_AGAIN;
        m->too_slow = false;
    }
    if (rc != READ_OK) {
        mirror_recv_reset(m);
        *lost = child_lost(run, m, rc == READ_BAD ? 1 : rc, bad);
        return PUMP_LOST;
    }
    uint32_t h[3];
    memcpy(h, m->in_head, sizeof h);
    unsigned char *p = m->in_payload;
    m->in_payload = NULL;
    mirror_recv_reset(m);
    struct wire_reader r = {p, h[2], 0, false};
    bool ok = true;
    int answer = 0;
    char why[128];
    switch (h[1]) {
    case WIRE_MSG_STATE:
        ok = run && mirror_apply_state(run, m, &r);
        bad = "a state that does not fit the run";
        break;
    case WIRE_MSG_CHOICES:
        ok = run && mirror_apply_choices(run, m, &r);
        bad = "choices that do not fit the run";
        break;
    case WIRE_MSG_MEMORY:
        ok = run && mirror_apply_memory(run, &r);
        bad = "memory regions that do not fit the run";
        break;
    case WIRE_MSG_RECORDS:
        ok = mirror_apply_records(run, m, &r);
        bad = "records that do not fit the run";
        break;
    case WIRE_MSG_GASP:
        m->gasp = wire_get_i32(&r);
        if (m->gasp == WIRE_GASP_WATCHDOG)
            wire_get_name(&r, m->gasp_why, sizeof m->gasp_why);
        ok = !r.bad;
        bad = "a malformed last message";
        break;
    case WIRE_MSG_QUERY:
        ok = answer_query(m, &r) == 0;
        bad = "a question out of turn";
        break;
    case WIRE_MSG_OBSERVE:
        ok = run && mirror_apply_observe(m, &r, why, sizeof why);
        bad = run ? why : "a state out of turn";
        break;
    case WIRE_MSG_FRAME:
        ok = run && mirror_apply_frame(run, m, &r);
        bad = "a state that does not fit the run";
        answer = WIRE_MSG_FRAME;
        /* A judged run ends with its state (OBSERVE) just before. */
        if (ok && m->observe_size > 0 && run->end != RL_END_RUNNING &&
            !m->observed) {
            ok = false;
            bad = "a run that ended without its final state";
        }
        break;
    case WIRE_MSG_ERROR:
        wire_get_str(&r, m->error, sizeof m->error);
        wire_clean_text(m->error, true);
        ok = !r.bad;
        bad = "a malformed error";
        answer = WIRE_MSG_ERROR;
        break;
    case WIRE_MSG_OK:
        answer = WIRE_MSG_OK;
        break;
    case WIRE_MSG_EXPLORED:
        ok = m->xres && mirror_apply_explored(m, &r);
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
        return PUMP_LOST;
    }
    return answer;
}

/* Read and apply messages until the answer to a request: its type, or -1
 * when the child was lost (see pump_one). */
static int await(struct rl_run *run, struct mirror *m, int extra_ms,
                 enum rl_end *lost)
{
    int answer;
    /* Messages on the way each restart the wait for the next one; the
     * answer as a whole has its own last guard. */
    m->answer_until = mirror_now_ms() + extra_ms + m->total_ms;
    do
        answer = pump_one(run, m, extra_ms, true, lost);
    while (answer == 0);
    m->answer_until = 0;
    return answer;
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
    wire_put_u8(b, s->timeouts);
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
    m->observe_size = ext->observe_size;
    m->total_ms = ext->answer_total_ms > 0
                      ? ext->answer_total_ms
                      : m->answer_ms + (long long)m->cpu_s * 10000;
    if (ext->stream_fd > 0) {
        m->fd = ext->stream_fd; /* no child: pid 0, nothing to kill */
        return m;
    }
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
    if (mirror_spawn(m, ext, err, errlen) != 0) {
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
    mirror_kill(m, NULL);
    if (m->out_fd >= 0)
        close(m->out_fd);
    free(m->output);
    free(m->observed);
    choice_log_free(&m->log);
    free(m->held);
    free(m->in_payload);
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
    if (answer > 0 && answer != WIRE_MSG_FRAME && answer != WIRE_MSG_ERROR)
        lost = child_lost(run, m, 1, "an answer that is not a state");
    if (answer == WIRE_MSG_ERROR && !m->error[0])
        snprintf(m->error, sizeof m->error, "the program cannot start");
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

/* Nothing to free: see mirror_obj_fini. */
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

/* The end of a run told to finish: one still running lies. */
static enum rl_end finished(struct rl_run *run, struct mirror *m)
{
    if (run->end != RL_END_RUNNING || m->dead)
        return run->end;
    return child_lost(run, m, 1, "a run still going when told to finish");
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
                   ? finished(run, m)
                   : child_lost(run, m, 1, "an answer that is not a state");
    }
    enum rl_end e = frame_request(run, WIRE_REQ_FINISH, NULL, NULL, 0);
    return e == RL_END_RUNNING ? finished(run, m) : e;
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

/* The most time one poll spends taking whole messages: a child that
 * writes faster than racelab reads leaves the rest for the next poll
 * (the caller's next frame) instead of holding the caller. */
#define MIRROR_POLL_MS 20

/* os: the end once the child has answered the FINISH. Never waits for
 * the child: it takes the whole messages that have come (records as the
 * threads make them, then the frame), keeps a message that has come in
 * part for the next poll (a slow or stopped child, or one that wrote
 * half a message and loops), and returns. */
static enum rl_end mirror_poll(struct rl_run *run)
{
    struct mirror *m = mirror_of(run);
    mirror_drain_output(m);
    if (!m->started)
        return run->end;
    long long t0 = mirror_now_ms();
    for (;;) {
        enum rl_end lost;
        int answer = pump_one(run, m, run->cfg.timeout_ms, false, &lost);
        if (answer == PUMP_AGAIN)
            return RL_END_RUNNING;
        if (answer == PUMP_LOST) {
            m->started = false;
            return lost;
        }
        if (answer == WIRE_MSG_FRAME) {
            m->started = false;
            return finished(run, m);
        }
        if (answer)
            return child_lost(run, m, 1, "an answer that is not a state");
        if (mirror_now_ms() - t0 >= MIRROR_POLL_MS)
            return RL_END_RUNNING;
    }
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

/* Steps the child has taken (os: records). */
uint64_t rl_mirror_steps(const struct rl_run *run)
{
    return run->cfg.backend == RL_BACKEND_SIM ? mirror_of(run)->steps
                                              : run->rec_last;
}

/* The child's virtual time. */
long rl_mirror_now(const struct rl_run *run)
{
    return mirror_of(run)->now;
}

/* Whether tid could take the next step, as the last frame said. */
bool rl_mirror_runnable(const struct rl_run *run, int tid)
{
    if (tid < 0 || tid >= run->nthreads || run->end != RL_END_RUNNING)
        return false;
    return (mirror_of(run)->runnable[tid / 64] >> (tid % 64)) & 1;
}

/* The mirror's log of the child's choices (engine.h). */
const struct choice_log *rl_mirror_choice_log(const struct rl_run *run)
{
    return &mirror_of(run)->log;
}

/* How many of them were preemptions. */
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
    mirror_drain_output(m);
    if (total)
        *total = m->output_total;
    return m->output ? m->output : "";
}

/* Whether the run is a mirror. */
bool rl_run_is_mirror(const struct rl_run *run)
{
    return run->mirror != NULL;
}

/* The copy of a judged run's final state, or NULL. */
void *rl_run_observed(const struct rl_run *run)
{
    const struct mirror *m = run->mirror;
    return m ? m->observed : NULL;
}

/* ---- explore in the child ------------------------------------------------ */

/* A judged exercise (core/child.h, OBSERVE): the failure the child's
 * search reports is believed only once a replay of its schedule, judged
 * here, fails a check that counts; the check and message are then this
 * process's. Otherwise the result is an error that says so in one line.
 * Returns rc, or -1 when the claim is not believed. */
static int explore_rejudge(const struct rl_explore_config *cfg,
                           struct rl_explore_result *res, int rc)
{
    struct rl_run_config rcfg;
    struct rl_check_result c;
    char err[256] = "";
    bool failed = false;
    memset(&rcfg, 0, sizeof rcfg);
    rcfg.program = cfg->program;
    rcfg.sched.kind = RL_SCHED_REPLAY;
    rcfg.sched.choices = res->choices;
    rcfg.max_steps = res->max_steps ? res->max_steps : cfg->max_steps;
    struct rl_run *run = rl_run_create(&rcfg, err, sizeof err);
    if (run) {
        rl_run_finish(run);
        for (int i = 0; i < rl_run_check_count(run) && !failed; i++) {
            rl_run_check(run, i, &c);
            failed = !c.ok && (!cfg->check_counts ||
                               cfg->check_counts(cfg->check_ctx, c.name));
        }
    }
    if (failed) {
        copy_text(res->check, sizeof res->check, c.name);
        copy_text(res->message, sizeof res->message, c.message);
        res->end = rl_run_end(run);
        rl_run_end_text(run, res->end_text, sizeof res->end_text);
        rl_run_destroy(run);
        return rc;
    }
    char *nl = strchr(err, '\n');
    if (nl)
        *nl = '\0';
    snprintf(res->error, sizeof res->error,
             "the program's own search claims the check '%.40s' fails "
             "under schedule %.40s, but racelab's replay of it %.50s: not "
             "believed",
             res->check, res->choices,
             run ? "passes that check" : err[0] ? err : "cannot run");
    rl_run_destroy(run);
    free(res->choices);
    res->choices = NULL;
    res->found = false;
    res->stop = RL_EXPLORE_ERROR;
    return -1;
}

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
    memcpy(&bits, &cfg->guard_s, sizeof bits);
    wire_put_u64(&b, bits);
    wire_put_u64(&b, cfg->max_runs);
    wire_put_u64(&b, cfg->max_systematic);
    wire_put_u64(&b, cfg->random_runs);
    wire_put_u64(&b, cfg->pct_runs);
    wire_put_i32(&b, cfg->pct_max_depth);
    wire_put_u8(&b, cfg->skip_systematic);
    wire_put_u8(&b, cfg->check_counts != NULL);
    wire_put_u8(&b, cfg->no_reduction);
    enum rl_end lost;
    int answer = -1;
    int extra = cfg->guard_s > 0 ? (int)(cfg->guard_s * 1000) : 0;
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
        res->program_failed = answer != WIRE_MSG_ERROR;
        copy_text(res->error, sizeof res->error,
                  m->error[0] ? m->error : "the program could not be explored");
        rc = -1;
    } else if (rc < 0 || res->stop == RL_EXPLORE_ERROR) {
        /* An error is an error whatever else the result says. */
        free(res->choices);
        res->choices = NULL;
        res->found = false;
        res->stop = RL_EXPLORE_ERROR;
        if (!res->error[0])
            copy_text(res->error, sizeof res->error,
                      "the program's search ended in an error it does not "
                      "name");
        rc = -1;
    }
    bool judged = m->observe_size > 0;
    mirror_free(m);
    if (rc >= 0 && judged && res->found && res->choices &&
        !cfg->caller_replays)
        rc = explore_rejudge(cfg, res, rc);
    return rc;
}
