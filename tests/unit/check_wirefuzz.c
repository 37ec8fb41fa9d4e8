/* SPDX-License-Identifier: MIT */
/*
 * check_wirefuzz.c - the parent's side of the child protocol (core/wire.h,
 * core/mirror*.c) under hostile input. A child runs the student's code,
 * so it may send anything; racelab must end such a run as a broken
 * protocol (or a legitimate result), never crash, hang, leak, or report
 * a corrupted run as passed.
 *
 * The seeds are real conversations recorded from a child
 * (tests/fixtures/wire/): pointers.bin, a plain C program run to its end
 * (tests/programs/pointers.c, sim, default options); counter.bin, the
 * counter exercise judged here (solutions/counter.c as the submission);
 * counter-fail.bin, the exercise's skeleton (exercises/counter.c), which
 * loses updates; pointers-explore.bin, `racelab explore` of pointers.c in
 * the child. They were recorded with strace from `racelab run` / `explore`
 * (the bytes the program wrote to descriptor 3).
 * Each case replays a seed, mutated by a seeded generator (byte flips,
 * truncation, a lying length, a message duplicated, dropped, swapped or
 * invented, fields overwritten with edge values), to a mirror run that
 * reads it from a socket instead of a child (rl_external.stream_fd), and
 * checks what the run says. The cases are a fixed list: same cases, same
 * results, on any machine; a failing case is named by its kind and number.
 * The exact defects found this way have a test each below. Last, a
 * live os run (the TUI's os view) polled while a fake child's messages
 * come in pieces, or stop half-way: a poll never waits for the rest.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../core/analysis.h"
#include "../../core/explore.h"
#include "../../core/run.h"
#include "../../core/value.h"
#include "../../core/wire.h"
#include "../../labs/lab.h"

/* ---- streams ------------------------------------------------------------- */

struct bytes {
    unsigned char *p;
    size_t n, cap;
};

/* Append n bytes to b. */
static void bytes_add(struct bytes *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    if (n)
        memcpy(b->p + b->n, data, n);
    b->n += n;
}

/* The seed file tests/fixtures/wire/NAME.bin. */
static struct bytes seed_load(const char *name)
{
    char path[256];
    struct bytes b = {0};
    snprintf(path, sizeof path, "tests/fixtures/wire/%s.bin", name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    unsigned char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        bytes_add(&b, buf, k);
    fclose(f);
    return b;
}

/* The messages of a well-formed stream: offset and whole size of each. */
struct msgs {
    size_t off[512], len[512];
    int n;
};

/* Split s into its messages (s is a seed: well formed). */
static void msgs_split(const struct bytes *s, struct msgs *m)
{
    size_t off = 0;
    m->n = 0;
    while (off + WIRE_HEADER <= s->n && m->n < 512) {
        uint32_t h[3];
        memcpy(h, s->p + off, sizeof h);
        ck_assert_uint_eq(h[0], WIRE_MAGIC);
        m->off[m->n] = off;
        m->len[m->n] = WIRE_HEADER + h[2];
        m->n++;
        off += WIRE_HEADER + h[2];
    }
    ck_assert_uint_eq(off, s->n);
}

/* ---- the generator ------------------------------------------------------- */

/* splitmix64: the cases' only source of randomness. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t rng_below(uint64_t *s, size_t n)
{
    return n ? (size_t)(rng_next(s) % n) : 0;
}

/* A value a lying field likes to hold. */
static uint64_t edge_value(uint64_t *s)
{
    static const uint64_t v[] = {0,
                                 1,
                                 2,
                                 0x7f,
                                 0x80,
                                 0xff,
                                 0xffff,
                                 0x7fffffff,
                                 0x80000000,
                                 0xffffffff,
                                 0x100000000ull,
                                 0x7fffffffffffffffull,
                                 0x8000000000000000ull,
                                 UINT64_MAX,
                                 UINT64_MAX - 1,
                                 (uint64_t)1 << 20,
                                 ((uint64_t)1 << 20) + 1,
                                 RL_MAX_THREADS,
                                 RL_REGION_MAX};
    if (rng_below(s, 4) == 0)
        return rng_next(s);
    return v[rng_below(s, sizeof v / sizeof v[0])];
}

/* Overwrite 1, 2, 4 or 8 bytes at off of out (inside [lo, hi)) with an
 * edge value. */
static void poke(struct bytes *out, size_t lo, size_t hi, uint64_t *s)
{
    static const size_t widths[] = {1, 2, 4, 8};
    size_t w = widths[rng_below(s, 4)];
    if (hi <= lo || hi - lo < w)
        return;
    size_t off = lo + rng_below(s, hi - lo - w + 1);
    uint64_t v = edge_value(s);
    memcpy(out->p + off, &v, w);
}

/* Append message i of seed to out. */
static void put_msg(struct bytes *out, const struct bytes *seed,
                    const struct msgs *m, int i)
{
    bytes_add(out, seed->p + m->off[i], m->len[i]);
}

/* The messages of a stream that may be cut or lie (at most 512): those
 * whose header and payload are there. */
static void msgs_split_loose(const struct bytes *s, struct msgs *m)
{
    size_t off = 0;
    m->n = 0;
    while (off + WIRE_HEADER <= s->n && m->n < 512) {
        uint32_t h[3];
        memcpy(h, s->p + off, sizeof h);
        if (h[2] > s->n - off - WIRE_HEADER)
            break;
        m->off[m->n] = off;
        m->len[m->n] = WIRE_HEADER + h[2];
        m->n++;
        off += WIRE_HEADER + h[2];
    }
}

/* Step one of a case: the seed's messages rearranged (op 0: as they
 * are), into out; a well-formed stream still. */
static void mutate_messages(const struct bytes *seed, const struct msgs *m,
                            int op, uint64_t *s, struct bytes *out)
{
    int a = (int)rng_below(s, (size_t)m->n);
    int b = (int)rng_below(s, (size_t)m->n);
    out->n = 0;
    for (int i = 0; i < m->n; i++) {
        switch (op) {
        case 1: /* a message twice */
            put_msg(out, seed, m, i);
            if (i == a)
                put_msg(out, seed, m, i);
            break;
        case 2: /* two messages swapped */
            put_msg(out, seed, m, i == a ? b : i == b ? a : i);
            break;
        case 3: /* a message dropped */
            if (i != a)
                put_msg(out, seed, m, i);
            break;
        case 4: /* an invented message before message a */
            if (i == a) {
                uint32_t h[3] = {WIRE_MAGIC,
                                 (uint32_t)(WIRE_MSG_RECORDS + rng_below(s, 11)),
                                 (uint32_t)rng_below(s, 64)};
                bytes_add(out, h, sizeof h);
                for (uint32_t j = 0; j < h[2]; j++) {
                    unsigned char c = (unsigned char)(rng_below(s, 3) == 0
                                                          ? 0
                                                          : rng_next(s));
                    bytes_add(out, &c, 1);
                }
            }
            put_msg(out, seed, m, i);
            break;
        case 5: /* a message's type changed */
            put_msg(out, seed, m, i);
            if (i == a) {
                uint32_t t =
                    (uint32_t)(WIRE_MSG_RECORDS + rng_below(s, 12));
                if (rng_below(s, 8) == 0)
                    t = (uint32_t)edge_value(s);
                memcpy(out->p + out->n - m->len[i] + 4, &t, sizeof t);
            }
            break;
        default:
            put_msg(out, seed, m, i);
            break;
        }
    }
}

/* Step two: bytes changed in out (op 0: none). */
static void mutate_bytes(struct bytes *out, int op, uint64_t *s)
{
    struct msgs m;
    msgs_split_loose(out, &m);
    if (m.n == 0 || out->n == 0)
        return;
    int a = (int)rng_below(s, (size_t)m.n);
    switch (op) {
    case 1: /* byte flips anywhere */
        for (size_t i = 1 + rng_below(s, 4); i > 0; i--)
            out->p[rng_below(s, out->n)] ^=
                (unsigned char)(1 + rng_below(s, 255));
        break;
    case 2: /* cut short */
        out->n = rng_below(s, out->n);
        break;
    case 3: { /* a lying length */
        uint32_t len;
        memcpy(&len, out->p + m.off[a] + 8, sizeof len);
        switch (rng_below(s, 4)) {
        case 0: len = (uint32_t)edge_value(s); break;
        case 1: len += 1 + (uint32_t)rng_below(s, 16); break;
        case 2: len = len > 0 ? len - 1 - (uint32_t)rng_below(s, len) : 0; break;
        default: len = 0; break;
        }
        memcpy(out->p + m.off[a] + 8, &len, sizeof len);
        break;
    }
    case 4: /* a record made another operation with edge values */
        for (int i = 0; i < m.n; i++) {
            int j = (a + i) % m.n;
            uint32_t h[3];
            memcpy(h, out->p + m.off[j], sizeof h);
            size_t nrec = (h[2] - 4) / sizeof(struct rl_record);
            if (h[1] != WIRE_MSG_RECORDS || h[2] < 4 || nrec == 0)
                continue;
            unsigned char *p = out->p + m.off[j] + WIRE_HEADER + 4 +
                               rng_below(s, nrec) * sizeof(struct rl_record);
            struct rl_record rec;
            memcpy(&rec, p, sizeof rec);
            rec.op = (uint8_t)rng_below(s, RL_OP__COUNT);
            rec.result = (uint8_t)rng_below(s, RL_RES_ERROR + 1);
            rec.arg = (long)edge_value(s);
            rec.before = (long)edge_value(s);
            rec.after = (long)edge_value(s);
            memcpy(p, &rec, sizeof rec);
            break;
        }
        break;
    default: /* fields of payloads overwritten with edge values */
        for (size_t i = 1 + rng_below(s, 4); i > 0; i--) {
            a = (int)rng_below(s, (size_t)m.n);
            poke(out, m.off[a] + WIRE_HEADER, m.off[a] + m.len[a], s);
        }
        break;
    }
}

/* Case number k's stream from seed: its messages rearranged, then its
 * bytes changed (at least one of the two), as k's generator says. */
static void mutate(const struct bytes *seed, const struct msgs *m, int k,
                   struct bytes *out)
{
    uint64_t s = 0x5eedull * 1000003u + (uint64_t)k;
    int mop = (int)rng_below(&s, 6), bop = (int)rng_below(&s, 7);
    if (mop == 0 && bop == 0)
        bop = 5;
    mutate_messages(seed, m, mop, &s, out);
    mutate_bytes(out, bop, &s);
}

/* ---- running a stream ---------------------------------------------------- */

enum kind { PLAIN, EXERCISE, EXPLORE };

/* A socket whose far end has all of s and then the end of the stream:
 * the mirror reads it as it would a child that wrote s and stopped (its
 * requests land unread in our end, which stays open). *keep is our end. */
static int stream_socket(const struct bytes *s, int *keep)
{
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int big = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    size_t off = 0;
    while (off < s->n) {
        ssize_t w = write(sv[0], s->p + off, s->n - off);
        ck_assert_int_gt(w, 0);
        off += (size_t)w;
    }
    shutdown(sv[0], SHUT_WR);
    *keep = sv[0];
    return sv[1];
}

/* Whether text is one line of printable characters (UTF-8 allowed). */
static bool one_line(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

/* Read everything a front end reads of a finished run. */
static void inspect(struct rl_run *run)
{
    char buf[4096];
    struct rl_obj_view ov;
    struct rl_check_result c;
    for (int i = 0; i < rl_run_object_count(run); i++)
        rl_run_object(run, i, &ov);
    for (uint64_t q = rl_run_record_first(run);
         q > 0 && q <= rl_run_record_last(run); q++) {
        const struct rl_record *r = rl_run_record(run, q);
        if (!r)
            continue;
        rl_record_text(run, r, buf, sizeof buf);
        struct rl_record_values v;
        rl_record_values(run, r, &v);
        /* As a narrow lane says it, with the names a front end keeps. */
        struct rl_record_names nm;
        memset(&nm, 0, sizeof nm);
        nm.obj = nm.lock = nm.other = nm.check = "?";
        if (r->obj >= 0 && r->obj < rl_run_object_count(run)) {
            rl_run_object(run, r->obj, &ov);
            nm.obj = ov.name;
            nm.kind = ov.kind;
            nm.known = true;
            nm.limit = ov.limit;
        }
        nm.values = &v;
        for (int f = RL_TEXT_FULL; f <= RL_TEXT_SHORT; f++)
            rl_record_format(r, &nm, (enum rl_text_form)f, buf, sizeof buf);
    }
    struct rl_lost_tracker *tr = rl_lost_tracker_create();
    for (uint64_t q = rl_run_record_first(run);
         q > 0 && q <= rl_run_record_last(run); q++) {
        const struct rl_record *r = rl_run_record(run, q);
        struct rl_lost_update lu;
        if (r && rl_lost_tracker_feed(tr, r, &lu))
            rl_lost_text(run, &lu, buf, sizeof buf);
    }
    rl_lost_tracker_destroy(tr);
    struct rl_analysis *an = malloc(sizeof *an);
    ck_assert_ptr_nonnull(an);
    if (rl_analyze(run, an, buf, sizeof buf) == 0) {
        for (int i = 0; i < an->nraces; i++)
            rl_race_text(run, &an->races[i], buf, sizeof buf);
        for (int i = 0; i < an->nlost && i < RL_ANALYSIS_MAX; i++)
            rl_lost_text(run, &an->lost[i], buf, sizeof buf);
    }
    free(an);
    for (int i = 0; i < rl_run_check_count(run); i++)
        rl_run_check(run, i, &c);
    for (int i = 0; i < rl_run_thread_count(run); i++) {
        struct rl_thread_view tv;
        rl_run_thread(run, i, &tv);
    }
    rl_run_end_text(run, buf, sizeof buf);
    rl_run_choices(run, buf, sizeof buf);
}

/* What the cases of one seed came to. */
struct tally {
    int protocol, done, other, refused, passed;
    enum rl_end last;   /* the last run's end */
    char last_end[256]; /* and its text */
    char thread0[64];   /* the name of its thread 0 */
};

/* Run stream s as kind; check the invariants; count the outcome. `what`
 * names the case in a failure. */
static void run_stream(enum kind kind, const struct bytes *s, const char *what,
                       struct tally *t)
{
    char err[1024] = "";
    int keep;
    int fd = stream_socket(s, &keep);
    struct lab_inst in;
    struct rl_external ext;
    memset(&ext, 0, sizeof ext);
    ext.stream_fd = fd;
    if (kind == EXPLORE) {
        struct rl_explore_config xc;
        struct rl_explore_result xr;
        memset(&xc, 0, sizeof xc);
        memset(&xr, 0, sizeof xr);
        xc.program.external = &ext;
        int rc = rl_explore(&xc, &xr);
        if (rc < 0) {
            ck_assert_msg(xr.stop == RL_EXPLORE_ERROR && xr.error[0] &&
                              one_line(xr.error),
                          "%s: explore error '%s'", what, xr.error);
            ck_assert_msg(!xr.found, "%s: an error that found", what);
            t->refused++;
        } else {
            t->done++;
        }
        rl_explore_result_free(&xr);
        close(keep);
        return;
    }
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (kind == EXERCISE) {
        lab_inst_init(&in, lab_find("counter"), RL_BACKEND_SIM);
        in.variant = lab_variant_find(in.lab, "student");
        cfg.program = lab_program(&in);
        ext.observe_size = cfg.program.external->observe_size;
    }
    cfg.program.external = &ext;
    cfg.backend = RL_BACKEND_SIM;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    if (!run) {
        ck_assert_msg(err[0] != '\0', "%s: refused without a reason", what);
        ck_assert_msg(one_line(err), "%s: refused in more than a line: %s",
                      what, err);
        if (getenv("RL_WIREFUZZ_VERBOSE"))
            fprintf(stderr, "  refused: %s\n", err);
        t->refused++;
        t->last = RL_END_RUNNING;
        snprintf(t->last_end, sizeof t->last_end, "%.255s", err);
        close(keep);
        return;
    }
    enum rl_end e = rl_run_finish(run);
    ck_assert_msg(e >= RL_END_RUNNING && e <= RL_END_INCOMPLETE,
                  "%s: end %d", what, (int)e);
    ck_assert_msg(e != RL_END_RUNNING, "%s: still running", what);
    inspect(run);
    struct rl_thread_view tv;
    rl_run_thread(run, 0, &tv);
    snprintf(t->thread0, sizeof t->thread0, "%s", tv.name);
    char end[2048];
    rl_run_end_text(run, end, sizeof end);
    bool passed = rl_run_passed(run);
    if (e == RL_END_PROTOCOL) {
        ck_assert_msg(strncmp(end, "the program broke racelab's protocol (",
                              38) == 0 &&
                          one_line(end),
                      "%s: protocol end '%s'", what, end);
        ck_assert_msg(!passed, "%s: a broken protocol passed", what);
        t->protocol++;
    } else if (e == RL_END_DONE) {
        t->done++;
    } else {
        ck_assert_msg(!passed, "%s: end %d passed", what, (int)e);
        t->other++;
    }
    if (getenv("RL_WIREFUZZ_VERBOSE"))
        fprintf(stderr, "  end %d: %s\n", (int)e, end);
    t->passed += passed;
    t->last = e;
    snprintf(t->last_end, sizeof t->last_end, "%.255s", end);
    rl_run_destroy(run);
    close(keep);
}

/* Cases per seed: 12,000 in all, a few seconds. */
#define CASES 3000

/* The seed itself, then CASES mutations of it. */
static void fuzz_seed(const char *name, enum kind kind, struct tally *t)
{
    struct bytes seed = seed_load(name);
    struct bytes out = {0};
    struct msgs m;
    char what[64];
    msgs_split(&seed, &m);
    for (int k = 0; k < CASES; k++) {
        if (getenv("RL_WIREFUZZ_CASE") &&
            atoi(getenv("RL_WIREFUZZ_CASE")) != k)
            continue;
        mutate(&seed, &m, k, &out);
        snprintf(what, sizeof what, "%s case %d", name, k);
        if (getenv("RL_WIREFUZZ_VERBOSE"))
            fprintf(stderr, "%s\n", what);
        run_stream(kind, &out, what, t);
    }
    free(seed.p);
    free(out.p);
}

/* ---- the seeds as recorded ----------------------------------------------- */

/* Each seed, unchanged, gives the run it was recorded from. */
START_TEST(test_seeds_as_recorded)
{
    struct tally t = {0};
    struct bytes s = seed_load("pointers");
    run_stream(PLAIN, &s, "pointers", &t);
    ck_assert_int_eq(t.other, 1);
    ck_assert_int_eq(t.last, RL_END_EXIT);
    ck_assert_str_eq(t.last_end, "main returned 1"); /* a push was lost */
    ck_assert_int_eq(t.passed, 0);
    free(s.p);
    memset(&t, 0, sizeof t);
    s = seed_load("counter");
    run_stream(EXERCISE, &s, "counter", &t);
    ck_assert_int_eq(t.done, 1);
    ck_assert_int_eq(t.passed, 1);
    free(s.p);
    memset(&t, 0, sizeof t);
    s = seed_load("counter-fail");
    run_stream(EXERCISE, &s, "counter-fail", &t);
    ck_assert_int_eq(t.done, 1);
    ck_assert_int_eq(t.passed, 0); /* the skeleton loses updates */
    free(s.p);
    memset(&t, 0, sizeof t);
    s = seed_load("pointers-explore");
    run_stream(EXPLORE, &s, "pointers-explore", &t);
    ck_assert_int_eq(t.done, 1);
    free(s.p);
}
END_TEST

/* ---- the defects the fuzz found, one exact case each ---------------------- */

/* Messages idx[0..n) of seed name, in that order (-1: the message in
 * extra, if any, there). */
static struct bytes stream_of(const char *name, const int *idx, int n,
                              const struct bytes *extra)
{
    struct bytes seed = seed_load(name), out = {0};
    struct msgs m;
    msgs_split(&seed, &m);
    for (int i = 0; i < n; i++) {
        if (idx[i] < 0)
            bytes_add(&out, extra->p, extra->n);
        else
            put_msg(&out, &seed, &m, idx[i]);
    }
    free(seed.p);
    return out;
}

/* One message of type t with payload b. */
static struct bytes message(uint32_t t, const struct wire_buf *b)
{
    struct bytes out = {0};
    uint32_t h[3] = {WIRE_MAGIC, t, b ? (uint32_t)b->n : 0};
    bytes_add(&out, h, sizeof h);
    if (b)
        bytes_add(&out, b->p, b->n);
    return out;
}

/* The end (or refusal) of stream s as kind, in t. */
static void run_exact(enum kind kind, struct bytes *s, struct tally *t)
{
    memset(t, 0, sizeof *t);
    run_stream(kind, s, "exact", t);
    free(s->p);
}

/* A FINISH answered by a frame that says the run goes on (a frame sent
 * twice): was taken as the end, a run still "running" after finish. */
START_TEST(test_finish_answered_running)
{
    struct tally t;
    static const int idx[] = {0, 1, 1}; /* MEMORY, FRAME, FRAME again */
    struct bytes s = stream_of("pointers", idx, 3, NULL);
    run_exact(PLAIN, &s, &t);
    ck_assert_int_eq(t.last, RL_END_PROTOCOL);
    ck_assert_str_eq(t.last_end, "the program broke racelab's protocol (a run "
                                 "still going when told to finish); stopped");
}
END_TEST

/* CREATE answered by OK, or by an ERROR without a text: was refused
 * with an empty reason. */
START_TEST(test_create_answered_oddly)
{
    struct tally t;
    static const int idx[] = {-1};
    struct bytes ok = message(WIRE_MSG_OK, NULL);
    struct bytes s = stream_of("counter", idx, 1, &ok);
    run_exact(EXERCISE, &s, &t);
    ck_assert_int_eq(t.refused, 1);
    ck_assert_str_eq(t.last_end, "the program broke racelab's protocol (an "
                                 "answer that is not a state) during setup; "
                                 "stopped");
    free(ok.p);
    struct wire_buf b = {0};
    wire_put_str(&b, "");
    struct bytes err = message(WIRE_MSG_ERROR, &b);
    s = stream_of("counter", idx, 1, &err);
    run_exact(EXERCISE, &s, &t);
    ck_assert_int_eq(t.refused, 1);
    ck_assert_str_eq(t.last_end, "the program cannot start");
    free(err.p);
    wire_free(&b);
}
END_TEST

/* A choice repeated 2^57 times (more than the run's steps): was believed,
 * and writing the schedule took years. */
START_TEST(test_choices_past_steps)
{
    struct tally t;
    struct wire_buf b = {0};
    wire_put_u32(&b, 1);       /* one chunk */
    wire_put_varint(&b, 1);    /* once */
    wire_put_varint(&b, 1);    /* of one item */
    wire_put_u8(&b, 0);        /* T0 */
    wire_put_varint(&b, (uint64_t)1 << 57);
    struct bytes c = message(WIRE_MSG_CHOICES, &b);
    static const int idx[] = {0, 1, 2, -1, 3, 4};
    struct bytes s = stream_of("counter", idx, 6, &c);
    run_exact(EXERCISE, &s, &t);
    ck_assert_int_eq(t.last, RL_END_PROTOCOL);
    ck_assert_str_eq(t.last_end, "the program broke racelab's protocol "
                                 "(choices that do not fit the run) in main "
                                 "after step 42; stopped");
    free(c.p);
    wire_free(&b);
}
END_TEST

/* Seed name with every n bytes `from` after offset `after` replaced by
 * `to`. */
static struct bytes seed_patched(const char *name, size_t after,
                                 const char *from, const char *to, size_t n)
{
    struct bytes s = seed_load(name);
    int found = 0;
    for (size_t i = after; i + n <= s.n; i++)
        if (memcmp(s.p + i, from, n) == 0) {
            memcpy(s.p + i, to, n);
            found++;
        }
    ck_assert_msg(found > 0, "%s: no '%s' after %zu", name, from, after);
    return s;
}

/* A thread's name with control characters, a C1 control (CSI) or bytes
 * that are not UTF-8: was shown as sent, so that a name could break a
 * one-line report or steer the terminal. Each such byte is now '?';
 * UTF-8 stays. */
START_TEST(test_names_cleaned)
{
    static const struct {
        const char *name, *shown;
    } cases[] = {
        {"\x1b\n", "??"},
        {"\xc2\x9b", "??"},
        {"\xff" "A", "?A"},
        {"\xed\xa0", "??"},
        {"\xc3\xa9", "\xc3\xa9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tally t;
        /* T0's name in the first frame (after the first message). */
        struct bytes s =
            seed_patched("pointers", 12 + 219, "\x02\0\0\0T0",
                         (char[]){2, 0, 0, 0, cases[i].name[0],
                                  cases[i].name[1]},
                         6);
        run_exact(PLAIN, &s, &t);
        ck_assert_int_eq(t.last, RL_END_EXIT);
        ck_assert_str_eq(t.thread0, cases[i].shown);
    }
}
END_TEST

/* An exploration's schedule that is no schedule (it is printed in a
 * command to paste into a shell): was believed as sent. */
START_TEST(test_explore_schedule_checked)
{
    struct rl_explore_config xc;
    struct rl_explore_result xr;
    struct rl_external ext;
    int keep;
    struct bytes s =
        seed_patched("pointers-explore", 0, "0x3.1x8.2x8", "0';rm -rf '", 11);
    memset(&ext, 0, sizeof ext);
    memset(&xc, 0, sizeof xc);
    memset(&xr, 0, sizeof xr);
    ext.stream_fd = stream_socket(&s, &keep);
    xc.program.external = &ext;
    ck_assert_int_eq(rl_explore(&xc, &xr), -1);
    ck_assert(!xr.found);
    ck_assert_ptr_null(xr.choices);
    ck_assert_str_eq(xr.error, "the program broke racelab's protocol (a "
                               "malformed exploration result) during "
                               "exploration; stopped");
    rl_explore_result_free(&xr);
    close(keep);
    free(s.p);
}
END_TEST

/* Loads that name no object (-1, an id the mirror allows for records
 * without one): the race detector indexed its variables with -1. */
START_TEST(test_load_without_object)
{
    struct tally t;
    struct bytes s = seed_load("pointers");
    struct msgs m;
    int patched = 0;
    msgs_split(&s, &m);
    for (int i = 0; i < m.n; i++) {
        uint32_t h[3];
        memcpy(h, s.p + m.off[i], sizeof h);
        if (h[1] != WIRE_MSG_RECORDS)
            continue;
        unsigned char *p = s.p + m.off[i] + WIRE_HEADER + 4;
        for (; p + sizeof(struct rl_record) <= s.p + m.off[i] + m.len[i];
             p += sizeof(struct rl_record)) {
            struct rl_record rec;
            memcpy(&rec, p, sizeof rec);
            if (rec.op == RL_OP_LOAD) {
                rec.obj = -1;
                memcpy(p, &rec, sizeof rec);
                patched++;
            }
        }
    }
    ck_assert_int_gt(patched, 0);
    run_exact(PLAIN, &s, &t);
    ck_assert_int_eq(t.last, RL_END_EXIT);
    ck_assert_str_eq(t.last_end, "main returned 1");
}
END_TEST

/* An exploration that says it failed (-1) without a reason: the caller
 * got an empty error. */
START_TEST(test_explore_error_without_reason)
{
    struct rl_explore_config xc;
    struct rl_explore_result xr;
    struct rl_external ext;
    int keep;
    struct bytes s = seed_load("pointers-explore");
    int32_t rc = -1;
    memcpy(s.p + WIRE_HEADER, &rc, sizeof rc);
    memset(&ext, 0, sizeof ext);
    memset(&xc, 0, sizeof xc);
    memset(&xr, 0, sizeof xr);
    ext.stream_fd = stream_socket(&s, &keep);
    xc.program.external = &ext;
    ck_assert_int_eq(rl_explore(&xc, &xr), -1);
    ck_assert(!xr.found);
    ck_assert_ptr_null(xr.choices);
    ck_assert_int_eq(xr.stop, RL_EXPLORE_ERROR);
    ck_assert_str_eq(xr.error, "the program's search ended in an error it "
                               "does not name");
    rl_explore_result_free(&xr);
    close(keep);
    free(s.p);
}
END_TEST

/* Values at the ends of a long in records a child sends: a fetch_add of
 * LONG_MIN and a barrier whose count before the arrival is LONG_MAX were
 * said with a signed overflow (UBSan stops racelab there). */
START_TEST(test_record_text_extremes)
{
    char buf[256];
    struct rl_record r;
    struct rl_record_names nm;
    memset(&r, 0, sizeof r);
    memset(&nm, 0, sizeof nm);
    nm.obj = "x";
    nm.lock = nm.other = nm.check = "?";
    nm.known = true;
    r.op = RL_OP_FETCH_ADD;
    r.arg = LONG_MIN;
    rl_record_format(&r, &nm, RL_TEXT_MEDIUM, buf, sizeof buf);
    ck_assert_str_eq(buf, "x-=9223372036854775808");
    r.arg = LONG_MAX;
    rl_record_format(&r, &nm, RL_TEXT_MEDIUM, buf, sizeof buf);
    ck_assert_str_eq(buf, "x+=9223372036854775807");
    r.op = RL_OP_BARRIER;
    r.result = RL_RES_BLOCKED;
    r.arg = 0;
    r.after = LONG_MAX;
    nm.kind = RL_OBJ_BARRIER;
    nm.limit = 2;
    rl_record_format(&r, &nm, RL_TEXT_FULL, buf, sizeof buf);
    ck_assert_str_eq(buf, "wait x: arrived 9223372036854775807 of 2, blocked");
}
END_TEST

/* The drip: empty RECORDS messages, one every 20 ms, until the socket
 * is gone. */
static void *drip(void *arg)
{
    int fd = *(int *)arg;
    uint32_t msg[4] = {WIRE_MAGIC, WIRE_MSG_RECORDS, 4, 0};
    struct timespec pause = {0, 20 * 1000000};
    while (send(fd, msg, sizeof msg, MSG_NOSIGNAL) == (ssize_t)sizeof msg)
        nanosleep(&pause, NULL);
    return NULL;
}

/* A program that answers a request with an empty message now and then,
 * never with the answer: each message restarted the wait, so racelab
 * waited forever. The answer as a whole now has its last guard. */
START_TEST(test_drip_feed_stopped)
{
    static const int idx[] = {0, 1}; /* CREATE's answer, then the drip */
    struct bytes s = stream_of("pointers", idx, 2, NULL);
    char err[512];
    int sv[2];
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ck_assert_int_eq(write(sv[0], s.p, s.n), (ssize_t)s.n);
    free(s.p);
    struct rl_external ext;
    memset(&ext, 0, sizeof ext);
    ext.stream_fd = sv[1];
    ext.answer_ms = 5000;
    ext.answer_total_ms = 1000;
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = &ext;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, drip, &sv[0]), 0);
    ck_assert_int_eq(rl_run_finish(run), RL_END_INCOMPLETE);
    rl_run_end_text(run, err, sizeof err);
    ck_assert_str_eq(err, "incomplete: the program took more than 1 s to "
                          "answer (racelab's safety stop); stopped");
    ck_assert(!rl_run_passed(run));
    rl_run_destroy(run); /* closes its end: the drip stops */
    pthread_join(th, NULL);
    close(sv[0]);
}
END_TEST

/* An exercise's state whose "done" flag holds 92: the check read it as a
 * bool (undefined behaviour: UBSan stopped racelab). The flags of a
 * scenario's state are bytes now (ex_bool); the run is judged as sent. */
START_TEST(test_observed_flag_byte)
{
    struct tally t;
    struct bytes s = seed_load("counter-fail");
    struct msgs m;
    int patched = 0;
    msgs_split(&s, &m);
    for (int i = 0; i < m.n; i++) {
        uint32_t h[3];
        memcpy(h, s.p + m.off[i], sizeof h);
        if (h[1] != WIRE_MSG_OBSERVE)
            continue;
        /* struct concurrent_state (labs/ex_counter.c) ends with done,
         * padded to 8, then final. */
        unsigned char *done = s.p + m.off[i] + m.len[i] - 16;
        ck_assert_int_eq(*done, 1);
        *done = 92;
        patched++;
    }
    ck_assert_int_eq(patched, 1);
    run_exact(EXERCISE, &s, &t);
    ck_assert_int_eq(t.last, RL_END_DONE);
    ck_assert_int_eq(t.passed, 0);
}
END_TEST

/* ---- a live os run polled while its messages come in pieces ------------- */

/* Append message type with payload b to out. */
static void msg_add(struct bytes *out, uint32_t type, const struct wire_buf *b)
{
    uint32_t h[3] = {WIRE_MAGIC, type, (uint32_t)b->n};
    bytes_add(out, h, sizeof h);
    bytes_add(out, b->p, b->n);
}

/* Append an os run's FRAME to out: threads T0 and T1 in state st, the
 * variable x = x; once the run has ended (end), its one check. */
static void os_frame_add(struct bytes *out, enum rl_end end, int st, long x)
{
    struct wire_buf b = {0};
    wire_put_i32(&b, (int32_t)end);
    wire_put_str(&b, "");
    wire_put_u64(&b, 0);                 /* steps */
    wire_put_i64(&b, 0);                 /* now */
    wire_put_i32(&b, 0);                 /* preemptions */
    wire_put_u64(&b, 0);                 /* choices (os: none) */
    for (int w = 0; w < RL_MAX_THREADS / 64; w++)
        wire_put_u64(&b, 0);             /* runnable */
    wire_put_i32(&b, 2);
    for (int t = 0; t < 2; t++) {
        wire_put_u8(&b, 1);
        wire_put_i32(&b, t);
        wire_put_str(&b, t ? "T1" : "T0");
        wire_put_i32(&b, st);
        wire_put_i32(&b, -1);            /* waiting on */
        wire_put_i32(&b, -1);            /* joining */
        wire_put_u64(&b, 0);
    }
    wire_put_u8(&b, 0);
    wire_put_i32(&b, 1);
    wire_put_u8(&b, 1);
    wire_put_i32(&b, 0);
    wire_put_i32(&b, RL_OBJ_VAR);
    wire_put_str(&b, "x");
    wire_put_i32(&b, -1);                /* lock */
    wire_put_i64(&b, x);
    wire_put_i64(&b, 0);                 /* limit */
    wire_put_i32(&b, -1);                /* owner */
    wire_put_i32(&b, 0);                 /* depth */
    wire_put_u8(&b, 0);                  /* broken */
    wire_put_i32(&b, 0);                 /* waiters */
    wire_put_i32(&b, 0);                 /* holders */
    wire_put_i32(&b, 8);                 /* size */
    wire_put_u8(&b, 0);
    wire_put_i64(&b, 0);                 /* texts */
    wire_put_u64(&b, 0);                 /* misuses */
    wire_put_str(&b, "");
    wire_put_u8(&b, end != RL_END_RUNNING);
    if (end != RL_END_RUNNING) {
        wire_put_i32(&b, 1);
        wire_put_str(&b, "x value");
        wire_put_u8(&b, 1);
        wire_put_i32(&b, 0);
        wire_put_str(&b, "x = 10, as expected");
    }
    msg_add(out, WIRE_MSG_FRAME, &b);
    wire_free(&b);
}

/* Record seq of the stream: a store by T0 or T1 (in turn) into x. */
static struct rl_record os_record(uint64_t seq)
{
    struct rl_record r;
    memset(&r, 0, sizeof r);
    r.seq = seq;
    r.thread = (int16_t)((seq - 1) % 2);
    r.op = RL_OP_STORE;
    r.result = RL_RES_OK;
    r.obj = 0;
    r.other = -1;
    r.arg = (long)seq;
    r.before = (long)seq - 1;
    r.after = (long)seq;
    return r;
}

/* Append a RECORDS message with records first..last to out. */
static void os_records_add(struct bytes *out, uint64_t first, uint64_t last)
{
    struct wire_buf b = {0};
    wire_put_u32(&b, (uint32_t)(last - first + 1));
    for (uint64_t q = first; q <= last; q++) {
        struct rl_record r = os_record(q);
        wire_put(&b, &r, sizeof r);
    }
    msg_add(out, WIRE_MSG_RECORDS, &b);
    wire_free(&b);
}

/* A live os run of a fake child (the socket's other end, *child, which
 * the test writes), started: the child's answer to CREATE is already
 * there. answer_ms and timeout_ms as the run's safety stop. */
static struct rl_run *os_live_run(struct rl_external *ext, int *child,
                                  int answer_ms, int timeout_ms)
{
    char err[512];
    int sv[2];
    struct bytes created = {0};
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    os_frame_add(&created, RL_END_RUNNING, RL_T_NEW, 0);
    ck_assert_int_eq(write(sv[0], created.p, created.n), (ssize_t)created.n);
    free(created.p);
    memset(ext, 0, sizeof *ext);
    ext->stream_fd = sv[1];
    ext->answer_ms = answer_ms;
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = ext;
    cfg.backend = RL_BACKEND_OS;
    cfg.record = true;
    cfg.timeout_ms = timeout_ms;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_start(run, err, sizeof err), 0);
    *child = sv[0];
    return run;
}

/* Milliseconds of the monotonic clock. */
static long long ms_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* One poll, which must return at once: a poll that waited for the rest
 * of a message would wait for the safety stop (ten minutes here). */
static enum rl_end poll_now(struct rl_run *run)
{
    long long t0 = ms_now();
    enum rl_end e = rl_run_poll(run);
    ck_assert_msg(ms_now() - t0 < 5000, "a poll waited %lld ms",
                  ms_now() - t0);
    return e;
}

/* Write bytes [from, to) of s to fd. */
static void write_part(int fd, const struct bytes *s, size_t from, size_t to)
{
    ck_assert_int_eq(write(fd, s->p + from, to - from), (ssize_t)(to - from));
}

/* The run's records are exactly 1..last as the child sent them. */
static void assert_os_records(const struct rl_run *run, uint64_t last)
{
    ck_assert_uint_eq(rl_run_record_last(run), last);
    for (uint64_t q = 1; q <= last; q++) {
        struct rl_record want = os_record(q);
        const struct rl_record *got = rl_run_record(run, q);
        ck_assert_ptr_nonnull(got);
        ck_assert_msg(memcmp(got, &want, sizeof want) == 0,
                      "record %llu differs", (unsigned long long)q);
    }
}

/* The TUI's live os view polls the child every frame. A child that wrote
 * part of a message made the poll wait for the rest (a frozen screen):
 * now each poll returns at once with what is whole, keeps the part for
 * the next, and the records arrive exactly, however the bytes are cut. */
START_TEST(test_os_poll_pieces)
{
    struct rl_external ext;
    int child;
    struct rl_run *run = os_live_run(&ext, &child, 600000, 600000);
    struct bytes s = {0};
    os_records_add(&s, 1, 5);
    size_t m1 = s.n;
    os_records_add(&s, 6, 10);
    size_t m2 = s.n;
    os_frame_add(&s, RL_END_DONE, RL_T_DONE, 10);
    ck_assert_int_eq(poll_now(run), RL_END_RUNNING); /* nothing yet */
    write_part(child, &s, 0, 5);                     /* half a header */
    ck_assert_int_eq(poll_now(run), RL_END_RUNNING);
    ck_assert_uint_eq(rl_run_record_last(run), 0);
    write_part(child, &s, 5, WIRE_HEADER + 7);       /* a bit of payload */
    ck_assert_int_eq(poll_now(run), RL_END_RUNNING);
    ck_assert_uint_eq(rl_run_record_last(run), 0);
    ck_assert_int_eq(poll_now(run), RL_END_RUNNING); /* again: nothing */
    write_part(child, &s, WIRE_HEADER + 7, m1 + 3);  /* the rest, and more */
    ck_assert_int_eq(poll_now(run), RL_END_RUNNING);
    assert_os_records(run, 5);
    /* Then byte by byte: the second message and the frame. */
    for (size_t off = m1 + 3; off < s.n; off++) {
        write_part(child, &s, off, off + 1);
        enum rl_end e = poll_now(run);
        ck_assert_uint_eq(rl_run_record_last(run), off + 1 >= m2 ? 10 : 5);
        ck_assert_int_eq(e, off + 1 == s.n ? RL_END_DONE : RL_END_RUNNING);
    }
    assert_os_records(run, 10);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
    close(child);
    free(s.p);
}
END_TEST

/* A child that writes half a message and then stops: each poll returns at
 * once with what came before, and the message's safety stop (answer_ms
 * + the run's timeout, from the poll that first saw part of it) ends
 * the run with the usual report. */
START_TEST(test_os_poll_half_message)
{
    struct rl_external ext;
    int child;
    char text[512];
    struct rl_run *run = os_live_run(&ext, &child, 1000, 1);
    struct bytes s = {0};
    os_records_add(&s, 1, 5);
    size_t m1 = s.n;
    os_records_add(&s, 6, 10);
    write_part(child, &s, 0, m1 + (s.n - m1) / 2);
    ck_assert_int_eq(poll_now(run), RL_END_RUNNING);
    assert_os_records(run, 5);
    enum rl_end e = RL_END_RUNNING;
    for (int i = 0; i < 6000 && e == RL_END_RUNNING; i++) {
        e = poll_now(run);
        if (e == RL_END_RUNNING)
            usleep(10000);
    }
    ck_assert_int_eq(e, RL_END_INCOMPLETE);
    rl_run_end_text(run, text, sizeof text);
    ck_assert_str_eq(text, "incomplete: the program did not answer for 1 s "
                           "in T0 after step 5 (racelab's safety stop); "
                           "stopped");
    assert_os_records(run, 5);
    ck_assert(!rl_run_passed(run));
    rl_run_destroy(run);
    close(child);
    free(s.p);
}
END_TEST

/* A header that lies about its length, sent in two parts: a broken
 * protocol once the header is whole, without taking the memory. */
START_TEST(test_os_poll_oversized_in_parts)
{
    struct rl_external ext;
    int child;
    char text[512];
    struct rl_run *run = os_live_run(&ext, &child, 600000, 600000);
    uint32_t h[3] = {WIRE_MAGIC, WIRE_MSG_RECORDS, WIRE_MAX_PAYLOAD + 1};
    struct bytes s = {0};
    bytes_add(&s, h, sizeof h);
    write_part(child, &s, 0, 6);
    ck_assert_int_eq(poll_now(run), RL_END_RUNNING);
    write_part(child, &s, 6, s.n);
    ck_assert_int_eq(poll_now(run), RL_END_PROTOCOL);
    rl_run_end_text(run, text, sizeof text);
    ck_assert_str_eq(text, "the program broke racelab's protocol (an "
                           "oversized message); stopped");
    rl_run_destroy(run);
    close(child);
    free(s.p);
}
END_TEST

/* ---- the fuzz ------------------------------------------------------------ */

START_TEST(test_fuzz_plain)
{
    struct tally t = {0};
    fuzz_seed("pointers", PLAIN, &t);
    fprintf(stderr, "pointers: %d protocol, %d done, %d other, %d refused\n",
            t.protocol, t.done, t.other, t.refused);
}
END_TEST

START_TEST(test_fuzz_exercise)
{
    struct tally t = {0};
    fuzz_seed("counter", EXERCISE, &t);
    fprintf(stderr, "counter: %d protocol, %d done, %d other, %d refused\n",
            t.protocol, t.done, t.other, t.refused);
}
END_TEST

START_TEST(test_fuzz_exercise_failing)
{
    struct tally t = {0};
    fuzz_seed("counter-fail", EXERCISE, &t);
    fprintf(stderr,
            "counter-fail: %d protocol, %d done, %d other, %d refused\n",
            t.protocol, t.done, t.other, t.refused);
}
END_TEST

START_TEST(test_fuzz_explore)
{
    struct tally t = {0};
    fuzz_seed("pointers-explore", EXPLORE, &t);
    fprintf(stderr, "explore: %d done, %d refused\n", t.done, t.refused);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("wirefuzz");
    TCase *tc = tcase_create("wirefuzz");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_seeds_as_recorded);
    tcase_add_test(tc, test_finish_answered_running);
    tcase_add_test(tc, test_create_answered_oddly);
    tcase_add_test(tc, test_choices_past_steps);
    tcase_add_test(tc, test_names_cleaned);
    tcase_add_test(tc, test_explore_schedule_checked);
    tcase_add_test(tc, test_load_without_object);
    tcase_add_test(tc, test_explore_error_without_reason);
    tcase_add_test(tc, test_record_text_extremes);
    tcase_add_test(tc, test_drip_feed_stopped);
    tcase_add_test(tc, test_observed_flag_byte);
    tcase_add_test(tc, test_os_poll_pieces);
    tcase_add_test(tc, test_os_poll_half_message);
    tcase_add_test(tc, test_os_poll_oversized_in_parts);
    tcase_add_test(tc, test_fuzz_plain);
    tcase_add_test(tc, test_fuzz_exercise);
    tcase_add_test(tc, test_fuzz_exercise_failing);
    tcase_add_test(tc, test_fuzz_explore);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
