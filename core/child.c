/* SPDX-License-Identifier: MIT */
/*
 * child.c - the server inside a program built apart (see child.h): it
 * creates real runs of its program as the parent asks and sends back what
 * the parent's mirror run needs, or runs the program once standalone.
 *
 * Change tracking: for each thread and object the child keeps the bytes
 * it last sent and sends an entity again only when its encoding differs,
 * so a step costs a few dozen bytes. Records go out as they are made
 * (buffered, flushed at the end of each request and by the last-gasp
 * handlers), so that a crash in the middle of a finish loses none.
 */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "explore.h"
#include "sim_impl.h"
#include "value.h"
#include "watchdog.h"
#include "wire.h"

/* Records buffered before they are sent. */
#define CHILD_RECORD_BATCH 1024
/* Regions of memory in one MEMORY message, at most. */
#define CHILD_REGION_BATCH 4096
/* Names of checks whose "counts" answer is remembered during explore. */
#define CHILD_QUERY_CACHE 64

/* The last bytes sent for one thread or object. */
struct shadow {
    unsigned char *p;
    size_t n;
};

/* The server's state (one per process). */
struct server {
    int fd;
    const struct rl_program *program;
    struct rl_run *run;
    char *choices;         /* the replay choices of the current run */
    struct wire_buf out;   /* the message being built */
    struct wire_buf recs;  /* pending records */
    uint32_t nrecs;
    struct shadow threads[RL_MAX_THREADS];
    struct shadow *objs;   /* one per object sent, grown with the run */
    int objs_cap;
    struct choice_log_cursor sent; /* the run's choices sent so far */
    int known_threads, known_objs; /* how many the parent was told of */
    struct wire_buf chs;           /* CHOICES chunks being gathered */
    uint32_t nchunks;
    long texts_sent;
    struct wire_buf mem;         /* MEMORY messages, whole, not sent yet */
    int regions_sent, ends_sent; /* how many the parent was told of */
    int marks_sent;
    struct {
        char name[48];
        bool counts;
    } query[CHILD_QUERY_CACHE];
    int nquery;
    /* An exercise's state, sent once at the end of each run (OBSERVE). */
    const void *(*observe)(void *ctx, size_t *size);
    void *observe_ctx;
    bool observed; /* sent for the current run */
};

static struct server srv = {.fd = -1};

/* A test hook (tests/unit/check_mirror.c, tests/e2e/osview.sh): with
 * RACELAB_TEST_STALL=DIR the first RECORDS message goes out in two
 * parts; between them the child creates DIR/stalled and waits until
 * DIR/go exists. A test can so hold a child exactly in the middle of a
 * message, for as long as it likes. Read once, in serve. */
static char stall_dir[512];

/* Send b, the first RECORDS message, as the hook above says. */
static void stall_send(const struct wire_buf *b)
{
    char path[sizeof stall_dir + 16];
    size_t half = b->n / 2;
    struct wire_buf part = {b->p, half, half};
    wire_send(srv.fd, &part);
    snprintf(path, sizeof path, "%s/stalled", stall_dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
    snprintf(path, sizeof path, "%s/go", stall_dir);
    struct timespec pause = {0, 10 * 1000000};
    while (access(path, F_OK) != 0)
        nanosleep(&pause, NULL);
    stall_dir[0] = '\0';
    part = (struct wire_buf){b->p + half, b->n - half, b->n - half};
    wire_send(srv.fd, &part);
}

/* ---- sending ------------------------------------------------------------- */

/* Send the pending records as one RECORDS message, after the MEMORY
 * messages queued before them. Async-signal-safe enough for the
 * last-gasp handlers: only write() on the buffers. */
static void flush_records(void)
{
    if (srv.mem.n > 0 && srv.fd >= 0) {
        wire_send(srv.fd, &srv.mem);
        srv.mem.n = 0;
    }
    if (srv.nrecs == 0 || srv.fd < 0)
        return;
    uint32_t h[4] = {WIRE_MAGIC, WIRE_MSG_RECORDS,
                     (uint32_t)(4 + srv.recs.n), srv.nrecs};
    struct wire_buf b = {(unsigned char *)h, sizeof h, sizeof h};
    if (stall_dir[0]) {
        struct wire_buf whole = {0};
        wire_put(&whole, h, sizeof h);
        wire_put(&whole, srv.recs.p, srv.recs.n);
        stall_send(&whole);
        wire_free(&whole);
    } else {
        wire_send(srv.fd, &b);
        wire_send(srv.fd, &srv.recs);
    }
    srv.recs.n = 0;
    srv.nrecs = 0;
}

static void send_state(const struct rl_run *run);

/* Queue MEMORY messages (see child.h) for the regions of the run's
 * memory noted and ended since the parent was last told: first every new
 * region, then every end, in batches. */
static void queue_memory(const struct rl_run *run)
{
    int n = rl_value_region_count(run), ne = rl_value_end_count(run);
    int nm = rl_value_mark_count(run);
    while (srv.regions_sent < n || srv.ends_sent < ne ||
           srv.marks_sent < nm) {
        size_t start = srv.mem.n;
        int k = n - srv.regions_sent, ke = 0, km = 0;
        if (k > CHILD_REGION_BATCH)
            k = CHILD_REGION_BATCH;
        if (srv.regions_sent + k == n) { /* once every region is sent */
            ke = ne - srv.ends_sent;
            km = nm - srv.marks_sent;
        }
        if (ke > CHILD_REGION_BATCH)
            ke = CHILD_REGION_BATCH;
        if (km > CHILD_REGION_BATCH)
            km = CHILD_REGION_BATCH;
        wire_begin(&srv.mem, WIRE_MSG_MEMORY);
        wire_put_u32(&srv.mem, (uint32_t)srv.regions_sent);
        wire_put_u32(&srv.mem, (uint32_t)k);
        for (int i = 0; i < k; i++) {
            const struct rl_region *g =
                rl_value_region(run, srv.regions_sent + i);
            wire_put_u64(&srv.mem, g->lo);
            wire_put_u64(&srv.mem, g->size);
            wire_put_u64(&srv.mem, g->born);
            wire_put_u8(&srv.mem, g->kind);
            wire_put_str(&srv.mem, g->name);
        }
        srv.regions_sent += k;
        wire_put_u32(&srv.mem, (uint32_t)ke);
        for (int i = 0; i < ke; i++) {
            int idx = rl_value_end_at(run, srv.ends_sent + i);
            wire_put_u32(&srv.mem, (uint32_t)idx);
            wire_put_u64(&srv.mem, rl_value_region(run, idx)->died);
        }
        srv.ends_sent += ke;
        wire_put_u32(&srv.mem, (uint32_t)km);
        for (int i = 0; i < km; i++) {
            const struct rl_value_mark *mk =
                rl_value_mark(run, srv.marks_sent + i);
            wire_put_u32(&srv.mem, (uint32_t)mk->region);
            wire_put_u64(&srv.mem, mk->off);
            wire_put_str(&srv.mem, mk->path);
        }
        srv.marks_sent += km;
        wire_end(&srv.mem, start);
    }
}

/* on_record of the child's runs: queue the whole record. */
static void on_record(void *ctx, const struct rl_run *run,
                      const struct rl_record *rec)
{
    (void)ctx;
    queue_memory(run);
    if (run->cfg.backend == RL_BACKEND_SIM &&
        (rec->thread >= srv.known_threads || rec->other >= srv.known_threads ||
         rec->obj >= srv.known_objs))
        send_state(run);
    wire_put(&srv.recs, rec, sizeof *rec);
    if (++srv.nrecs >= CHILD_RECORD_BATCH)
        flush_records();
}

/* Send a message of type with the payload built in srv.out (after
 * flushing the records, which come first). */
static void send_msg(uint32_t type, const struct wire_buf *payload)
{
    flush_records();
    struct wire_buf b = {0};
    wire_begin(&b, type);
    if (payload)
        wire_put(&b, payload->p, payload->n);
    wire_end(&b, 0);
    if (wire_send(srv.fd, &b) != 0)
        _exit(0); /* the parent has gone */
    wire_free(&b);
}

/* Send a one-string message (ERROR). */
static void send_text(uint32_t type, const char *text)
{
    struct wire_buf b = {0};
    wire_put_str(&b, text);
    send_msg(type, &b);
    wire_free(&b);
}

/* ---- frames -------------------------------------------------------------- */

/* Whether b differs from what was last sent (the shadow); update it. */
static bool changed(struct shadow *sh, const struct wire_buf *b)
{
    if (sh->p && sh->n == b->n && memcmp(sh->p, b->p, b->n) == 0)
        return false;
    sh->p = rl_xrealloc(sh->p, b->n ? b->n : 1);
    memcpy(sh->p, b->p, b->n);
    sh->n = b->n;
    return true;
}

/* The encoding of thread t. */
static void put_thread(struct wire_buf *b, const struct rl_thread *t)
{
    const struct rl_obj *w = atomic_load(&t->waiting_on);
    wire_put_i32(b, t->id);
    wire_put_str(b, t->name);
    wire_put_i32(b, atomic_load(&t->state));
    wire_put_i32(b, w ? w->id : -1);
    wire_put_i32(b, atomic_load(&t->join_target));
    wire_put_u64(b, t->steps);
}

/* The encoding of object o. */
static void put_obj(struct wire_buf *b, const struct rl_obj *o)
{
    wire_put_i32(b, o->id);
    wire_put_i32(b, (int32_t)o->kind);
    wire_put_str(b, o->name);
    wire_put_i32(b, o->lock ? o->lock->id : -1);
    wire_put_i64(b, atomic_load(&o->value));
    wire_put_i64(b, o->limit);
    wire_put_i32(b, atomic_load(&o->owner));
    wire_put_i32(b, atomic_load(&o->depth));
    /* bit 0: broken; bit 1: a plain C program's (named in POSIX words) */
    wire_put_u8(b, (uint8_t)((o->broken ? 1 : 0) | (o->posix ? 2 : 0)));
    wire_put_i32(b, o->nwait);
    for (int i = 0; i < o->nwait; i++)
        wire_put_i32(b, o->wait[i]);
    wire_put_i32(b, o->nhold);
    for (int i = 0; i < o->nhold; i++)
        wire_put_i32(b, o->hold[i]);
    wire_put_i32(b, o->size);
}

/* Forget what was sent (a new run). */
static void shadows_reset(void)
{
    for (int i = 0; i < RL_MAX_THREADS; i++) {
        free(srv.threads[i].p);
        srv.threads[i] = (struct shadow){0};
    }
    for (int i = 0; i < srv.objs_cap; i++) {
        free(srv.objs[i].p);
        srv.objs[i] = (struct shadow){0};
    }
    srv.sent = (struct choice_log_cursor){0};
    srv.known_threads = 0;
    srv.known_objs = 0;
    srv.texts_sent = 0;
    srv.mem.n = 0;
    srv.regions_sent = 0;
    srv.ends_sent = 0;
    srv.marks_sent = 0;
}

/* Once the run has ended: the scenario's state as OBSERVE (child.h). */
static void send_observe(void)
{
    size_t n = 0;
    if (!srv.observe || srv.observed || srv.run->end == RL_END_RUNNING)
        return;
    srv.observed = true;
    const void *state = srv.observe(srv.observe_ctx, &n);
    struct wire_buf b = {(unsigned char *)state, state ? n : 0, state ? n : 0};
    send_msg(WIRE_MSG_OBSERVE, &b);
}

/* The threads and objects created or changed since they were last sent
 * (a FRAME's middle part, or a STATE): the count, then each one. The
 * counts stop at the first one not made yet (a record can come in the
 * middle of a step). Frees nothing; updates the shadows. */
static void put_world(struct wire_buf *b, const struct rl_run *run)
{
    struct wire_buf one = {0};
    int nthreads = 0, nobjs = 0;
    while (nthreads < run->nthreads && run->threads[nthreads])
        nthreads++;
    while (nobjs < run->nobjs && run->objs[nobjs])
        nobjs++;
    /* Threads, then objects: the count, then each one that changed. */
    wire_put_i32(b, nthreads);
    for (int i = 0; i < nthreads; i++) {
        wire_reset(&one);
        put_thread(&one, run->threads[i]);
        if (changed(&srv.threads[i], &one)) {
            wire_put_u8(b, 1);
            wire_put(b, one.p, one.n);
        }
    }
    wire_put_u8(b, 0);
    wire_put_i32(b, nobjs);
    if (nobjs > srv.objs_cap) {
        int cap = srv.objs_cap ? srv.objs_cap : 64;
        while (cap < nobjs)
            cap *= 2;
        srv.objs = rl_xrealloc(srv.objs, (size_t)cap * sizeof *srv.objs);
        memset(srv.objs + srv.objs_cap, 0,
               (size_t)(cap - srv.objs_cap) * sizeof *srv.objs);
        srv.objs_cap = cap;
    }
    for (int i = 0; i < nobjs; i++) {
        wire_reset(&one);
        put_obj(&one, run->objs[i]);
        if (changed(&srv.objs[i], &one)) {
            wire_put_u8(b, 1);
            wire_put(b, one.p, one.n);
        }
    }
    wire_put_u8(b, 0);
    wire_free(&one);
    srv.known_threads = nthreads;
    srv.known_objs = nobjs;
}

/* Before a record that names a thread or object the parent has not been
 * told of: send the world as it is now (STATE), so that the parent can
 * take the record at once instead of holding it until the frame (which
 * for a long request comes after millions of records). sim only: os
 * records reach the parent from the run's own merging. */
static void send_state(const struct rl_run *run)
{
    struct wire_buf b = {0};
    put_world(&b, run);
    send_msg(WIRE_MSG_STATE, &b);
    wire_free(&b);
}

/* Send the gathered CHOICES chunks as one message. */
static void choices_flush(void)
{
    if (srv.nchunks == 0)
        return;
    struct wire_buf b = {0};
    wire_put_u32(&b, srv.nchunks);
    wire_put(&b, srv.chs.p, srv.chs.n);
    send_msg(WIRE_MSG_CHOICES, &b);
    wire_free(&b);
    wire_reset(&srv.chs);
    srv.nchunks = 0;
}

/* choice_log_since's chunk: gather it (a message once there are many). */
static void choices_chunk(void *ctx, const struct choice_item *items, size_t n,
                          uint64_t rep)
{
    (void)ctx;
    wire_put_varint(&srv.chs, rep);
    wire_put_varint(&srv.chs, n);
    for (size_t i = 0; i < n; i++) {
        wire_put_u8(&srv.chs, (uint8_t)items[i].id);
        wire_put_varint(&srv.chs, items[i].count);
    }
    srv.nchunks++;
    if (srv.chs.n >= WIRE_CHOICES_BYTES)
        choices_flush();
}

/* Send the choices made since the last ones sent (CHOICES, see child.h):
 * read from the run's compact log, folded cycles as one chunk. */
static void send_choices(void)
{
    const struct rl_run *run = srv.run;
    if (run->cfg.backend != RL_BACKEND_SIM || !sim_of(run))
        return;
    choice_log_since(&sim_of(run)->log, &srv.sent, choices_chunk, NULL);
    choices_flush();
}

/* Send the run's FRAME (see child.h), after its OBSERVE if it ended. */
static void send_frame(void)
{
    struct rl_run *run = srv.run;
    struct wire_buf *b = &srv.out;
    queue_memory(run);
    send_choices();
    send_observe();
    wire_reset(b);
    wire_put_i32(b, (int32_t)run->end);
    wire_put_str(b, run->end_msg);
    wire_put_u64(b, rl_run_steps(run));
    wire_put_i64(b, rl_run_now(run));
    wire_put_i32(b, rl_run_preemptions(run));
    wire_put_u64(b, rl_run_choice_count(run));
    uint64_t mask[RL_MAX_THREADS / 64] = {0};
    for (int i = 0; i < run->nthreads; i++)
        if (rl_run_thread_runnable(run, i))
            mask[i / 64] |= (uint64_t)1 << (i % 64);
    for (int w = 0; w < RL_MAX_THREADS / 64; w++)
        wire_put_u64(b, mask[w]);
    put_world(b, run);
    /* Texts added since the last frame. */
    wire_put_i64(b, run->ntexts - srv.texts_sent);
    for (long i = srv.texts_sent; i < run->ntexts; i++)
        wire_put_str(b, run->texts[i]);
    srv.texts_sent = run->ntexts;
    wire_put_u64(b, atomic_load(&run->misuse_count));
    wire_put_str(b, run->misuse_first);
    /* The checks, once evaluated. */
    wire_put_u8(b, run->checked);
    if (run->checked) {
        wire_put_i32(b, run->nchecks);
        for (int i = 0; i < run->nchecks; i++) {
            wire_put_str(b, run->checks[i].name);
            wire_put_u8(b, run->checks[i].ok);
            wire_put_i32(b, run->checks[i].count);
            wire_put_str(b, run->checks[i].message);
        }
    }
    send_msg(WIRE_MSG_FRAME, b);
}

/* ---- requests ------------------------------------------------------------ */

/* Read a scheduler from a request; its replay choices go to *choices
 * (malloc'd, the caller frees). */
static void get_sched(struct wire_reader *r, struct rl_sched *s, char **choices)
{
    memset(s, 0, sizeof *s);
    s->kind = (enum rl_sched_kind)wire_get_i32(r);
    s->quantum = wire_get_i32(r);
    s->seed = wire_get_u64(r);
    s->depth = wire_get_i32(r);
    s->pct_steps = wire_get_i32(r);
    uint8_t has = wire_get_u8(r);
    *choices = wire_get_strdup(r, WIRE_MAX_REQUEST);
    s->choices = has ? *choices : NULL;
    s->replay_continue = wire_get_u8(r);
    s->timeouts = wire_get_u8(r) != 0;
}

/* CREATE: a new run of the program. */
static void do_create(struct wire_reader *r)
{
    struct rl_run_config cfg;
    char err[512];
    char *choices = NULL;
    memset(&cfg, 0, sizeof cfg);
    get_sched(r, &cfg.sched, &choices);
    cfg.max_steps = wire_get_u64(r);
    cfg.max_records = (size_t)wire_get_u64(r);
    cfg.backend = (enum rl_backend)wire_get_i32(r);
    cfg.timeout_ms = wire_get_i32(r);
    cfg.watchdog_ms = wire_get_i32(r);
    cfg.record = wire_get_u8(r) != 0;
    cfg.program = *srv.program;
    cfg.program.external = NULL;
    cfg.on_record = on_record;
    rl_run_destroy(srv.run);
    srv.run = NULL;
    free(srv.choices);
    srv.choices = choices;
    srv.observed = false;
    shadows_reset();
    srv.run = rl_run_create(&cfg, err, sizeof err);
    if (!srv.run) {
        send_text(WIRE_MSG_ERROR, err);
        return;
    }
    send_frame();
}

/* STEP_THREAD: one step of a thread, or why it cannot run. */
static void do_step_thread(struct wire_reader *r)
{
    char err[256];
    int tid = wire_get_i32(r);
    if (rl_run_step_thread(srv.run, tid, err, sizeof err) != 0) {
        send_text(WIRE_MSG_ERROR, err);
        return;
    }
    send_frame();
}

/* SET_SCHED: another scheduler from the next choice on. */
static void do_set_sched(struct wire_reader *r)
{
    struct rl_sched s;
    char *choices = NULL, err[256];
    get_sched(r, &s, &choices);
    /* rl_run_set_sched copies the choices. */
    if (rl_run_set_sched(srv.run, &s, err, sizeof err) != 0)
        send_text(WIRE_MSG_ERROR, err);
    else
        send_msg(WIRE_MSG_OK, NULL);
    free(choices);
}

/* Read exactly n bytes; false at EOF or on an error. */
static bool read_full(int fd, void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t k = read(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

/* Read one message from the parent into *payload (malloc'd); false when
 * the parent has gone. */
static bool read_msg(uint32_t *type, unsigned char **payload, uint32_t *len)
{
    uint32_t h[3];
    if (!read_full(srv.fd, h, sizeof h) || h[0] != WIRE_MAGIC ||
        h[2] > WIRE_MAX_REQUEST)
        return false;
    *type = h[1];
    *len = h[2];
    *payload = rl_xmalloc(h[2] ? h[2] : 1);
    if (!read_full(srv.fd, *payload, h[2])) {
        free(*payload);
        return false;
    }
    return true;
}

/* explore's check_counts: ask the parent (once per check name). */
static bool query_counts(void *ctx, const char *check)
{
    (void)ctx;
    for (int i = 0; i < srv.nquery; i++)
        if (strcmp(srv.query[i].name, check) == 0)
            return srv.query[i].counts;
    send_text(WIRE_MSG_QUERY, check);
    uint32_t type, len;
    unsigned char *p;
    if (!read_msg(&type, &p, &len))
        _exit(0);
    bool counts = type == WIRE_REQ_ANSWER && len >= 1 && p[0];
    free(p);
    if (srv.nquery < CHILD_QUERY_CACHE) {
        snprintf(srv.query[srv.nquery].name, sizeof srv.query[0].name, "%s",
                 check);
        srv.query[srv.nquery++].counts = counts;
    }
    return counts;
}

/* EXPLORE: run the search here, send the result. */
/* The CPU time at which a search stops itself, before this process's
 * CPU time limit kills it: the search ends incomplete, with what it found
 * so far, instead of losing everything. CPU time, not the wall clock, so
 * that a loaded machine does not stop it sooner. 0 without a limit. */
static double cpu_guard_s(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_CPU, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY)
        return 0;
    /* A fifth of the limit to finish in, and at least half a second: a
     * short limit (the tests' 1 s) left too little on a loaded machine. */
    double cur = (double)lim.rlim_cur, margin = cur * 0.2;
    if (margin < 0.5)
        margin = 0.5;
    return cur > margin ? cur - margin : cur / 2;
}

static void do_explore(struct wire_reader *r)
{
    struct rl_explore_config cfg;
    struct rl_explore_result res;
    memset(&cfg, 0, sizeof cfg);
    memset(&res, 0, sizeof res);
    cfg.program = *srv.program;
    cfg.program.external = NULL;
    cfg.max_preemptions = wire_get_i32(r);
    cfg.max_steps = wire_get_u64(r);
    cfg.seed = wire_get_u64(r);
    uint64_t bits = wire_get_u64(r);
    memcpy(&cfg.guard_s, &bits, sizeof bits);
    cfg.max_runs = wire_get_u64(r);
    cfg.max_systematic = wire_get_u64(r);
    cfg.random_runs = wire_get_u64(r);
    cfg.pct_runs = wire_get_u64(r);
    cfg.pct_max_depth = wire_get_i32(r);
    cfg.skip_systematic = wire_get_u8(r);
    if (wire_get_u8(r))
        cfg.check_counts = query_counts;
    cfg.no_reduction = wire_get_u8(r) != 0;
    cfg.cpu_guard_s = cpu_guard_s();
    srv.nquery = 0;
    int rc = rl_explore(&cfg, &res);
    struct wire_buf *b = &srv.out;
    wire_reset(b);
    wire_put_i32(b, rc);
    wire_put_u8(b, res.found);
    wire_put_str(b, res.choices);
    wire_put_str(b, res.check);
    wire_put_str(b, res.message);
    wire_put_str(b, res.end_text);
    wire_put_i32(b, (int32_t)res.end);
    wire_put_i32(b, res.preemptions);
    wire_put_u64(b, res.steps);
    wire_put_u64(b, res.max_steps);
    wire_put_i32(b, (int32_t)res.phase);
    wire_put_u64(b, res.phase_seed);
    wire_put_i32(b, res.phase_depth);
    wire_put_u64(b, res.runs);
    wire_put_u64(b, res.systematic_runs);
    wire_put_u64(b, res.random_runs);
    wire_put_u64(b, res.pct_runs);
    wire_put_u64(b, res.spin_runs);
    wire_put_u64(b, res.finished_runs);
    wire_put_i32(b, res.bound);
    wire_put_i32(b, res.bound_complete);
    wire_put_u8(b, res.exhaustive);
    wire_put_u8(b, res.every_schedule);
    wire_put_i32(b, (int32_t)res.stop);
    wire_put_str(b, res.error);
    memcpy(&bits, &res.seconds, sizeof bits);
    wire_put_u64(b, bits);
    wire_put_i32(b, res.cost);
    wire_put_i32(b, res.found_preemptions);
    wire_put_u64(b, res.found_steps);
    wire_put_u64(b, res.shrink_runs);
    wire_put_u64(b, res.pruned_runs);
    wire_put_u64(b, res.phase_max_steps);
    rl_explore_result_free(&res);
    send_msg(WIRE_MSG_EXPLORED, b);
}

/* ---- last words ---------------------------------------------------------- */

/* A crash: send the pending records and the signal, then die of it. */
static void on_fatal(int sig)
{
    int32_t payload = sig;
    uint32_t h[3] = {WIRE_MAGIC, WIRE_MSG_GASP, sizeof payload};
    flush_records();
    struct wire_buf b = {(unsigned char *)h, sizeof h, sizeof h};
    wire_send(srv.fd, &b);
    b = (struct wire_buf){(unsigned char *)&payload, sizeof payload,
                          sizeof payload};
    wire_send(srv.fd, &b);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* exit() from the program: the pending records and an exit gasp. */
static void on_exit_gasp(void)
{
    if (srv.fd < 0)
        return;
    int32_t payload = -1;
    uint32_t h[3] = {WIRE_MAGIC, WIRE_MSG_GASP, sizeof payload};
    flush_records();
    struct wire_buf b = {(unsigned char *)h, sizeof h, sizeof h};
    wire_send(srv.fd, &b);
    b = (struct wire_buf){(unsigned char *)&payload, sizeof payload,
                          sizeof payload};
    wire_send(srv.fd, &b);
}

/* The watchdog's last resort (a loop that reaches no safe point): the
 * pending records and a timeout gasp with the reason; only write(2). */
static void on_watchdog_gasp(const char *why)
{
    if (srv.fd < 0)
        return;
    unsigned char msg[512];
    int32_t code = WIRE_GASP_WATCHDOG;
    uint32_t n = (uint32_t)strnlen(why, sizeof msg - 8);
    uint32_t h[3] = {WIRE_MAGIC, WIRE_MSG_GASP, 8 + n};
    memcpy(msg, &code, 4);
    memcpy(msg + 4, &n, 4);
    memcpy(msg + 8, why, n);
    flush_records();
    struct wire_buf b = {(unsigned char *)h, sizeof h, sizeof h};
    wire_send(srv.fd, &b);
    b = (struct wire_buf){msg, 8 + n, 8 + n};
    wire_send(srv.fd, &b);
}

/* Handlers for the signals that end a program, on an alternate stack (a
 * stack overflow must still be reported). */
static void install_gasps(void)
{
    static char altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    sigaltstack(&ss, NULL);
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
                               SIGXCPU, SIGTERM, SIGTRAP, SIGSYS};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa, old;
        /* A handler already there is the plain-C runtime's
         * (core/plainc/prt_signal.c): it ends the run with the crash and
         * the process goes on (an exploration too); keep it. */
        if (sigaction(sigs[i], NULL, &old) == 0 &&
            ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL))
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal;
        sa.sa_flags = SA_ONSTACK | SA_RESETHAND | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
    atexit(on_exit_gasp);
    rl_watchdog_set_exit_hook(on_watchdog_gasp);
}

/* ---- the server loop ----------------------------------------------------- */

/* Serve requests until the parent goes away. */
static int serve(void)
{
    const char *stall = getenv("RACELAB_TEST_STALL");
    if (stall)
        snprintf(stall_dir, sizeof stall_dir, "%s", stall);
    install_gasps();
    rl_watchdog_start();
    for (;;) {
        uint32_t type, len;
        unsigned char *p;
        if (!read_msg(&type, &p, &len))
            break;
        struct wire_reader r = {p, len, 0, false};
        if (type != WIRE_REQ_CREATE && type != WIRE_REQ_EXPLORE && !srv.run) {
            send_text(WIRE_MSG_ERROR, "no run: create one first");
        } else {
            switch (type) {
            case WIRE_REQ_CREATE:
                do_create(&r);
                break;
            case WIRE_REQ_STEP:
                rl_run_step(srv.run);
                send_frame();
                break;
            case WIRE_REQ_STEP_THREAD:
                do_step_thread(&r);
                break;
            case WIRE_REQ_FINISH:
                rl_run_finish(srv.run);
                send_frame();
                break;
            case WIRE_REQ_SET_SCHED:
                do_set_sched(&r);
                break;
            case WIRE_REQ_EXPLORE:
                do_explore(&r);
                break;
            default:
                send_text(WIRE_MSG_ERROR, "unknown request");
                break;
            }
        }
        free(p);
    }
    /* The parent has gone: leave quietly (no gasp). */
    srv.fd = -1;
    _exit(0);
}

/* ---- standalone ---------------------------------------------------------- */

/* on_record when standalone: one trace line. */
static void standalone_record(void *ctx, const struct rl_run *run,
                              const struct rl_record *rec)
{
    FILE *f = ctx;
    char text[256];
    rl_record_text(run, rec, text, sizeof text);
    const char *who = rec->thread >= 0 && rec->thread < run->nthreads
                          ? run->threads[rec->thread]->name
                          : "setup";
    fprintf(f, "%6llu  %-8s %s\n", (unsigned long long)rec->seq, who, text);
}

/* Run the program once and write its trace and verdict. */
static int standalone(const struct rl_program *program)
{
    const char *spec = getenv("RACELAB_SCHED");
    const char *path = getenv("RACELAB_TRACE");
    struct rl_run_config cfg;
    char err[512];
    memset(&cfg, 0, sizeof cfg);
    if (rl_sched_parse(spec && *spec ? spec : "rr:1", &cfg.sched, err,
                       sizeof err) != 0) {
        fprintf(stderr, "racelab: RACELAB_SCHED: %s\n", err);
        return 2;
    }
    FILE *f = stderr;
    if (path && *path) {
        f = fopen(path, "w");
        if (!f) {
            fprintf(stderr, "racelab: cannot write %s: %s\n", path,
                    strerror(errno));
            return 2;
        }
    }
    cfg.program = *program;
    cfg.program.external = NULL;
    cfg.record = true;
    cfg.on_record = standalone_record;
    cfg.on_record_ctx = f;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    if (!run) {
        fprintf(stderr, "racelab: %s\n", err);
        if (f != stderr)
            fclose(f);
        return 2;
    }
    rl_run_finish(run);
    char text[1024];
    rl_run_end_text(run, text, sizeof text);
    fprintf(f, "end: %s%s%s\n", rl_end_name(rl_run_end(run)),
            text[0] ? ": " : "", text);
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result c;
        rl_run_check(run, i, &c);
        fprintf(f, "%s %s: %s\n", c.ok ? "ok  " : "FAIL", c.name, c.message);
    }
    rl_run_choices(run, text, sizeof text);
    fprintf(f, "choices: %s\n", text);
    int status = rl_run_passed(run) ? 0 : 1;
    rl_run_destroy(run);
    if (f != stderr)
        fclose(f);
    return status;
}

/* The exercise's state for OBSERVE. */
void rl_child_set_observe(const void *(*observe)(void *ctx, size_t *size),
                          void *ctx)
{
    srv.observe = observe;
    srv.observe_ctx = ctx;
}

/* Serve the parent, or run once standalone. */
int rl_child_main(const struct rl_program *program, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const char *fd = getenv("RACELAB_CHILD_FD");
    if (!fd || !*fd)
        return standalone(program);
    char *end;
    long v = strtol(fd, &end, 10);
    if (*end || v < 0 || v > 65535) {
        fprintf(stderr, "racelab: RACELAB_CHILD_FD=%s is not a descriptor\n",
                fd);
        return 2;
    }
    srv.fd = (int)v;
    srv.program = program;
    return serve();
}
