/* SPDX-License-Identifier: MIT */
/*
 * check_bigrun.c - long sim runs stay bounded: the record ring keeps
 * exactly the newest max_records records (first, last and the dropped
 * count exact), the compact choice log writes byte for byte the schedule
 * string of the flat choices (synthetic sequences, and lab runs under
 * several seeds), a replay of it gives the identical trace, and a run of
 * 10^6 steps holds bounded storage by the engine's own counters.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/choice_log.h"
#include "../../core/racelab.h"
#include "../../core/run.h"
#include "../../core/schedule.h"
#include "../../labs/lab.h"

/* ---- the compact log against the flat encoder ----------------------------- */

/* A deterministic generator for the tests' sequences. */
static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* Fill ids[0..n) with picks of k threads from seed: random ones, with
 * stretches of round robin and of one thread in between (997 each), so
 * that a log of any prefix ends in every possible phase. */
static void irregular_ids(int16_t *ids, size_t n, uint64_t seed, int k)
{
    uint64_t s = seed;

    for (size_t i = 0; i < n; i++) {
        size_t phase = (i / 997) % 3;
        if (phase == 0)
            ids[i] = (int16_t)(lcg(&s) % (uint64_t)k);
        else if (phase == 1)
            ids[i] = (int16_t)(i % (size_t)k);
        else
            ids[i] = (int16_t)((i / 50) % 2);
    }
}

/* Log ids[0..n) and check that every way of writing it equals
 * rl_schedule_encode of the flat ids (whole text, short buffers, and the
 * pieces of choice_log_write). Returns the log's group count. */
struct pieces {
    char *buf;
    size_t n, cap;
};

static int collect(void *ctx, const char *text, size_t len)
{
    struct pieces *p = ctx;
    ck_assert_uint_gt(len, 0);
    if (p->n + len + 1 > p->cap) {
        p->cap = (p->n + len + 1) * 2;
        p->buf = realloc(p->buf, p->cap);
        ck_assert_ptr_nonnull(p->buf);
    }
    memcpy(p->buf + p->n, text, len);
    p->n += len;
    p->buf[p->n] = '\0';
    return 0;
}

static size_t check_same(const int16_t *ids, size_t n)
{
    struct choice_log l = {0};
    for (size_t i = 0; i < n; i++)
        choice_log_push(&l, ids[i]);
    ck_assert_uint_eq(choice_log_count(&l), n);
    size_t want_len = rl_schedule_encode(ids, n, NULL, 0);
    ck_assert_uint_eq(choice_log_encode(&l, NULL, 0), want_len);
    char *want = malloc(want_len + 1), *got = malloc(want_len + 1);
    rl_schedule_encode(ids, n, want, want_len + 1);
    ck_assert_uint_eq(choice_log_encode(&l, got, want_len + 1), want_len);
    ck_assert_str_eq(got, want);
    /* Short buffers: whole items only, as the flat encoder writes. */
    size_t lens[] = {1, 2, 3, 5, 8, 13, want_len / 2 + 1, want_len};
    for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
        if (lens[k] > want_len)
            continue;
        rl_schedule_encode(ids, n, want, lens[k]);
        ck_assert_uint_eq(choice_log_encode(&l, got, lens[k]), want_len);
        ck_assert_str_eq(got, want);
    }
    struct pieces p = {0};
    ck_assert_int_eq(choice_log_write(&l, collect, &p), 0);
    rl_schedule_encode(ids, n, want, want_len + 1);
    ck_assert_uint_eq(p.n, want_len);
    ck_assert_str_eq(p.buf, want);
    free(p.buf);
    free(want);
    free(got);
    size_t groups = choice_log_groups(&l);
    choice_log_free(&l);
    return groups;
}

START_TEST(test_log_round_robin)
{
    enum { N = 100000 };
    int16_t *ids = malloc(N * sizeof(*ids));
    /* k threads in turn, quantum q: one group however long. */
    for (int k = 2; k <= 20; k += 3)
        for (int q = 1; q <= 3; q++) {
            for (size_t i = 0; i < N; i++)
                ids[i] = (int16_t)((i / (size_t)q) % (size_t)k);
            ck_assert_uint_le(check_same(ids, N), 2);
        }
    /* 33 threads: past CHOICE_LOG_PERIOD, kept as irregular items. */
    for (size_t i = 0; i < N; i++)
        ids[i] = (int16_t)(i % 33);
    check_same(ids, N);
    free(ids);
}
END_TEST

START_TEST(test_log_irregular)
{
    enum { N = 50000 };
    int16_t *ids = malloc(N * sizeof(*ids));
    for (uint64_t seed = 1; seed <= 6; seed++) {
        int k = 2 + (int)(seed % 4);
        irregular_ids(ids, N, seed, k);
        for (size_t n = N - 7; n <= N; n++)
            check_same(ids, n);
    }
    /* Short and empty. */
    int16_t few[] = {3, 3, 1, 0, 1, 0, 1, 0, 0, 2};
    for (size_t n = 0; n <= 10; n++)
        check_same(few, n);
    free(ids);
}
END_TEST

START_TEST(test_log_bounded)
{
    /* 10^7 choices of a round robin of 5 threads: the first 4 items
     * (64 = 12 x 5 + 4, the tail where the cycle is found) and the cycle,
     * a few hundred bytes. */
    struct choice_log l = {0};
    for (uint64_t i = 0; i < 10000000; i++)
        choice_log_push(&l, (int)(i % 5));
    ck_assert_uint_eq(choice_log_groups(&l), 2);
    ck_assert_uint_le(choice_log_bytes(&l), 256 + 16 * sizeof(struct choice_group));
    char head[32];
    ck_assert_uint_eq(choice_log_encode(&l, head, sizeof(head)), 20000000 - 1);
    ck_assert_str_eq(head, "0.1.2.3.4.0.1.2.3.4.0.1.2.3.4.0");
    choice_log_free(&l);
}
END_TEST

/* ---- reading the newest choices (what a child sends its parent) ---------- */

/* choice_log_since's chunk: log it in the log ctx points at. */
static void rebuild_chunk(void *ctx, const struct choice_item *items,
                          size_t n, uint64_t rep)
{
    struct choice_log *b = ctx;
    ck_assert_uint_gt(n, 0);
    if (rep == 1) {
        ck_assert_uint_le(n, CHOICE_LOG_CHUNK);
        for (size_t i = 0; i < n; i++)
            choice_log_push_run(b, items[i].id, items[i].count);
    } else {
        ck_assert(choice_log_push_repeat(b, items, n, rep));
    }
}

/* Log ids[0..n) in a, reading the newest choices every `every` of them
 * into b: b must write a's text exactly. Returns b's groups. */
static size_t check_since(const int16_t *ids, size_t n, size_t every)
{
    struct choice_log a = {0}, b = {0};
    struct choice_log_cursor c = {0};
    for (size_t i = 0; i < n; i++) {
        choice_log_push(&a, ids[i]);
        if ((i + 1) % every == 0)
            choice_log_since(&a, &c, rebuild_chunk, &b);
    }
    choice_log_since(&a, &c, rebuild_chunk, &b);
    choice_log_since(&a, &c, rebuild_chunk, &b); /* nothing new: no-op */
    ck_assert_uint_eq(c.sent, n);
    ck_assert_uint_eq(choice_log_count(&b), n);
    size_t len = choice_log_encode(&a, NULL, 0);
    char *ta = malloc(len + 1), *tb = malloc(len + 1);
    choice_log_encode(&a, ta, len + 1);
    ck_assert_uint_eq(choice_log_encode(&b, tb, len + 1), len);
    ck_assert_str_eq(tb, ta);
    size_t groups = choice_log_groups(&b);
    free(ta);
    free(tb);
    choice_log_free(&a);
    choice_log_free(&b);
    return groups;
}

START_TEST(test_since_rebuilds)
{
    enum { N = 20000 };
    int16_t *ids = malloc(N * sizeof(*ids));
    size_t every[] = {1, 2, 3, 7, 64, 65, 1000, N};
    for (uint64_t seed = 1; seed <= 4; seed++) {
        int k = 2 + (int)(seed % 4);
        irregular_ids(ids, N, seed, k);
        for (size_t e = 0; e < sizeof(every) / sizeof(every[0]); e++)
            check_since(ids, N, every[e]);
    }
    /* Round robins, read at any pace: the rebuilt log folds them too. */
    for (int k = 2; k <= 20; k += 3)
        for (size_t e = 0; e < sizeof(every) / sizeof(every[0]); e++) {
            for (size_t i = 0; i < N; i++)
                ids[i] = (int16_t)(i % (size_t)k);
            ck_assert_uint_le(check_since(ids, N, every[e]), 2);
        }
    free(ids);
}
END_TEST

START_TEST(test_since_cycle_in_one_chunk)
{
    /* 10^7 choices of a round robin of 3, read at once: the cycle goes
     * over as one chunk and is logged in a few hundred steps. */
    struct choice_log a = {0}, b = {0};
    struct choice_log_cursor c = {0};
    for (uint64_t i = 0; i < 10000000; i++)
        choice_log_push(&a, (int)(i % 3));
    choice_log_since(&a, &c, rebuild_chunk, &b);
    ck_assert_uint_eq(choice_log_count(&b), 10000000);
    ck_assert_uint_eq(choice_log_groups(&b), 2);
    ck_assert_uint_le(choice_log_bytes(&b),
                      256 + 16 * sizeof(struct choice_group));
    char head[16];
    ck_assert_uint_eq(choice_log_encode(&b, head, sizeof(head)),
                      20000000 - 1);
    ck_assert_str_eq(head, "0.1.2.0.1.2.0.1");
    choice_log_free(&a);
    choice_log_free(&b);

    /* What no log sends is refused. */
    /* {count, id} */
    struct choice_item one[] = {{1, 0}}, same[] = {{1, 2}, {1, 2}},
                       wrap[] = {{1, 0}, {1, 1}, {1, 0}},
                       zero[] = {{0, 0}, {1, 1}}, ok[] = {{1, 0}, {1, 1}};
    ck_assert(!choice_log_push_repeat(&b, one, 1, 5));
    ck_assert(!choice_log_push_repeat(&b, same, 2, 5));
    ck_assert(!choice_log_push_repeat(&b, wrap, 3, 5));
    ck_assert(!choice_log_push_repeat(&b, zero, 2, 5));
    ck_assert(!choice_log_push_repeat(&b, ok, 2, 0));
    ck_assert(!choice_log_push_repeat(&b, ok, 2, UINT64_MAX));
    ck_assert_uint_eq(choice_log_count(&b), 0);
    ck_assert(choice_log_push_repeat(&b, ok, 2, 3));
    ck_assert_uint_eq(choice_log_encode(&b, head, sizeof(head)), 11);
    ck_assert_str_eq(head, "0.1.0.1.0.1");
    choice_log_free(&b);

    /* A pattern that is two copies of a shorter cycle (no log sends one,
     * but it is a cycle): folded at the shorter one, counted exactly. */
    struct choice_item twice[] = {{1, 0}, {2, 1}, {1, 0}, {2, 1}};
    ck_assert(choice_log_push_repeat(&b, twice, 4, 1000000));
    ck_assert_uint_eq(choice_log_count(&b), 6000000);
    ck_assert_uint_le(choice_log_groups(&b), 2);
    ck_assert_uint_eq(choice_log_encode(&b, head, sizeof(head)),
                      12 * 1000000 - 1);
    ck_assert_str_eq(head, "0.1x2.0.1x2.0");
    choice_log_free(&b);
}
END_TEST

/* ---- lab runs: the compact choices are the flat ones ---------------------- */

/* A custom scheduler: seeded random picks, each logged as a flat id. */
struct flat {
    uint64_t seed;
    int16_t *ids;
    size_t n, cap;
};

static int flat_choose(void *ctx, const struct rl_choice *c)
{
    struct flat *f = ctx;
    int i = (int)(lcg(&f->seed) % (uint64_t)c->n);
    /* Now and then a long stretch of the current thread. */
    if (c->kind == RL_CHOICE_THREAD && c->current >= 0 && f->seed % 4 == 0)
        for (int k = 0; k < c->n; k++)
            if (c->options[k] == c->current)
                i = k;
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->ids = realloc(f->ids, f->cap * sizeof(*f->ids));
        ck_assert_ptr_nonnull(f->ids);
    }
    f->ids[f->n++] = (int16_t)c->options[i];
    return i;
}

/* The trace of a run, one line per record, into a malloc'd string. */
static char *trace_of(const struct rl_run *run)
{
    size_t cap = 1 << 16, n = 0;
    char *t = malloc(cap);
    t[0] = '\0';
    for (uint64_t q = rl_run_record_first(run); q && q <= rl_run_record_last(run);
         q++) {
        char line[256];
        const struct rl_record *r = rl_run_record(run, q);
        ck_assert_ptr_nonnull(r);
        rl_record_text(run, r, line, sizeof(line));
        size_t len = strlen(line) + 16;
        if (n + len + 1 > cap) {
            cap *= 2;
            t = realloc(t, cap);
        }
        n += (size_t)snprintf(t + n, cap - n, "%d %s\n", r->thread, line);
    }
    return t;
}

/* The choices text of a run, malloc'd. */
static char *choices_of(const struct rl_run *run)
{
    size_t len = rl_run_choices(run, NULL, 0) + 1;
    char *c = malloc(len);
    ck_assert_uint_eq(rl_run_choices(run, c, len), len - 1);
    return c;
}

START_TEST(test_lab_choices_and_replay)
{
    static const char *const labs[][3] = {
        {"unsafe-counter", "unsafe", "threads=3,iters=40"},
        {"producer-consumer", NULL, ""},
        {"semaphore-pool", "semaphore", ""},
        {"barrier-phases", NULL, ""},
        {"thread-pool", NULL, ""},
    };
    for (size_t li = 0; li < sizeof(labs) / sizeof(labs[0]); li++)
        for (uint64_t seed = 1; seed <= 5; seed++) {
            struct lab_inst inst;
            char err[256];
            const struct lab *lab = lab_find(labs[li][0]);
            ck_assert_ptr_nonnull(lab);
            lab_inst_init(&inst, lab, RL_BACKEND_SIM);
            if (labs[li][1])
                inst.variant = lab_variant_find(lab, labs[li][1]);
            ck_assert_int_ge(inst.variant, 0);
            ck_assert_int_eq(lab_inst_set_all(&inst, labs[li][2], err,
                                              sizeof(err)), 0);
            struct flat f = {.seed = seed};
            struct rl_run_config cfg = {0};
            cfg.program = lab_program(&inst);
            cfg.sched.kind = RL_SCHED_CUSTOM;
            cfg.sched.choose = flat_choose;
            cfg.sched.choose_ctx = &f;
            struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
            ck_assert_msg(run != NULL, "%s", err);
            rl_run_finish(run);
            ck_assert_uint_eq(rl_run_choice_count(run), f.n);
            char *got = choices_of(run);
            size_t wlen = rl_schedule_encode(f.ids, f.n, NULL, 0) + 1;
            char *want = malloc(wlen);
            rl_schedule_encode(f.ids, f.n, want, wlen);
            ck_assert_str_eq(got, want);
            char *trace = trace_of(run);

            /* Replayed, the same trace and the same choices. */
            struct lab_inst inst2 = inst;
            struct rl_run_config rc = {0};
            rc.program = lab_program(&inst2);
            rc.sched.kind = RL_SCHED_REPLAY;
            rc.sched.choices = got;
            struct rl_run *again = rl_run_create(&rc, err, sizeof(err));
            ck_assert_msg(again != NULL, "%s", err);
            ck_assert_int_eq(rl_run_finish(again), rl_run_end(run));
            char *trace2 = trace_of(again), *got2 = choices_of(again);
            ck_assert_str_eq(trace2, trace);
            ck_assert_str_eq(got2, got);
            free(trace2);
            free(got2);
            rl_run_destroy(again);
            free(trace);
            free(want);
            free(got);
            free(f.ids);
            rl_run_destroy(run);
        }
}
END_TEST

/* ---- the record window ----------------------------------------------------- */

static rl_var *v;
static long per_thread;

static void loader(void *arg)
{
    (void)arg;
    for (long i = 0; i < per_thread; i++)
        rl_load(v);
}

static void load_setup(void *ctx)
{
    (void)ctx;
    v = rl_var_create("v", 0);
    rl_thread_start("A", loader, NULL);
    rl_thread_start("B", loader, NULL);
}

/* A run of 2 x n loads under round robin with a window of w records:
 * 2n + 4 records (two starts, two finishes). */
static struct rl_run *load_run(long n, size_t w, uint64_t max_steps)
{
    struct rl_run_config cfg = {0};
    char err[128];
    per_thread = n;
    cfg.program.setup = load_setup;
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    cfg.max_records = w;
    cfg.max_steps = max_steps;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    return run;
}

/* A replay of choices (copied by the run) with the load program of
 * load_run; NULL and the message in err when it is refused. */
static struct rl_run *load_replay(long n, const char *choices, char *err,
                                  size_t errlen)
{
    struct rl_run_config cfg = {0};
    per_thread = n;
    cfg.program.setup = load_setup;
    cfg.sched.kind = RL_SCHED_REPLAY;
    cfg.sched.choices = choices;
    cfg.max_records = 4096;
    cfg.max_steps = 4000000;
    return rl_run_create(&cfg, err, errlen);
}

START_TEST(test_replay_huge_schedule)
{
    /* The schedule of 10^6 round-robin choices (2 MB of text), replayed:
     * the same run, holding the text and nothing per item. */
    struct rl_run *run = load_run(500000, 4096, 2000000);
    struct pieces p = {0};
    ck_assert_int_eq(rl_run_choices_write(run, collect, &p), 0);
    rl_run_destroy(run);
    ck_assert_uint_eq(p.n, 2 * 1000001 - 1);
    char err[256];
    run = load_replay(500000, p.buf, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    struct rl_run_storage st;
    rl_run_storage(run, &st);
    ck_assert_uint_eq(st.replay_bytes, p.n + 1);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    struct pieces again = {0};
    ck_assert_int_eq(rl_run_choices_write(run, collect, &again), 0);
    ck_assert_uint_eq(again.n, p.n);
    ck_assert(strcmp(again.buf, p.buf) == 0);
    rl_run_storage(run, &st);
    ck_assert_uint_eq(st.replay_bytes, p.n + 1);
    ck_assert_uint_eq(st.choice_groups, 1);
    ck_assert_uint_le(st.choice_bytes, 256 + 16 * sizeof(struct choice_group));
    ck_assert_uint_eq(st.records_kept, 4096);
    rl_run_destroy(run);
    free(again.buf);

    /* A malformed item at the very end is refused before the run starts,
     * with its number. */
    p.buf = realloc(p.buf, p.n + 16);
    strcpy(p.buf + p.n, ".0.1y");
    ck_assert_ptr_null(load_replay(500000, p.buf, err, sizeof(err)));
    ck_assert_str_eq(err, "schedule string: bad choice '1y' at item 1000003 "
                          "(expected THREAD or THREADxCOUNT, e.g. 0x3)");
    free(p.buf);

    /* Longer than the run: the choices left, counted exactly. */
    run = load_run(5000, 4096, 0);
    p = (struct pieces){0};
    ck_assert_int_eq(rl_run_choices_write(run, collect, &p), 0);
    rl_run_destroy(run);
    p.buf = realloc(p.buf, p.n + 16);
    strcpy(p.buf + p.n, ".0.1x5");
    run = load_replay(5000, p.buf, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DIVERGED);
    char text[512];
    rl_run_end_text(run, text, sizeof(text));
    ck_assert_str_eq(text, "schedule diverges: the run finished at step "
                           "10004 but the schedule has 6 more choices");
    rl_run_destroy(run);
    free(p.buf);
}
END_TEST

START_TEST(test_window_exact)
{
    /* Windows below, at and past a chunk, not a multiple of one, and
     * unbounded (capped where the ring's size would overflow). */
    size_t windows[] = {1, 7, 1000, 1024, 3000, 5000, SIZE_MAX};
    for (size_t k = 0; k < sizeof(windows) / sizeof(windows[0]); k++) {
        size_t w = windows[k];
        struct rl_run *run = load_run(5000, w, 0);
        uint64_t last = 2 * 5000 + 4;
        ck_assert_uint_eq(rl_run_record_last(run), last);
        uint64_t first = w >= last ? 1 : last - w + 1;
        ck_assert_uint_eq(rl_run_record_first(run), first);
        ck_assert_uint_eq(rl_run_dropped(run), first - 1);
        ck_assert_ptr_null(rl_run_record(run, first - 1));
        ck_assert_ptr_null(rl_run_record(run, last + 1));
        for (uint64_t q = first; q <= last; q++) {
            const struct rl_record *r = rl_run_record(run, q);
            ck_assert_ptr_nonnull(r);
            ck_assert_uint_eq(r->seq, q);
        }
        /* The end: A finishes after its last load, then B loads and
         * finishes. */
        const struct rl_record *r = rl_run_record(run, last);
        ck_assert_int_eq(r->op, RL_OP_FINISH);
        ck_assert_int_eq(r->thread, 1);
        if (w >= 3) {
            r = rl_run_record(run, last - 1);
            ck_assert_int_eq(r->op, RL_OP_LOAD);
            ck_assert_int_eq(r->thread, 1);
            r = rl_run_record(run, last - 2);
            ck_assert_int_eq(r->op, RL_OP_FINISH);
            ck_assert_int_eq(r->thread, 0);
        }
        struct rl_run_storage st;
        rl_run_storage(run, &st);
        ck_assert_uint_eq(st.records_kept, last - first + 1);
        ck_assert_uint_eq(st.record_window,
                          w > SIZE_MAX / 4 ? SIZE_MAX / 4 : w);
        rl_run_destroy(run);
    }
}
END_TEST

START_TEST(test_million_steps_bounded)
{
    /* 10^6 steps with a window of 4096: four chunks of 1024 records,
     * allocated once; the round robin's choices are one group. */
    struct rl_run *run = load_run(500000, 4096, 2000000);
    struct rl_run_storage st;
    rl_run_storage(run, &st);
    ck_assert_uint_eq(rl_run_record_last(run), 1000004);
    ck_assert_uint_eq(rl_run_dropped(run), 1000004 - 4096);
    ck_assert_uint_eq(st.records_kept, 4096);
    ck_assert_uint_eq(st.record_bytes,
                      4 * 1024 * sizeof(struct rl_record) + 4 * sizeof(void *));
    ck_assert_uint_eq(rl_run_choice_count(run), 1000001);
    ck_assert_uint_eq(st.choice_groups, 1);
    ck_assert_uint_le(st.choice_bytes, 256 + 16 * sizeof(struct choice_group));
    rl_run_destroy(run);

    /* With the default window, the ring stops at RL_DEFAULT_MAX_RECORDS. */
    run = load_run(500000, 0, 2000000);
    rl_run_storage(run, &st);
    ck_assert_uint_eq(st.records_kept, 1000004);
    ck_assert_uint_eq(st.record_bytes,
                      977 * 1024 * sizeof(struct rl_record) +
                          1024 * sizeof(void *)); /* table: 4, 8, ... 1024 */
    rl_run_destroy(run);
}
END_TEST

static Suite *bigrun_suite(void)
{
    Suite *s = suite_create("bigrun");
    TCase *tc = tcase_create("bigrun");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_log_round_robin);
    tcase_add_test(tc, test_log_irregular);
    tcase_add_test(tc, test_log_bounded);
    tcase_add_test(tc, test_since_rebuilds);
    tcase_add_test(tc, test_since_cycle_in_one_chunk);
    tcase_add_test(tc, test_lab_choices_and_replay);
    tcase_add_test(tc, test_window_exact);
    tcase_add_test(tc, test_million_steps_bounded);
    tcase_add_test(tc, test_replay_huge_schedule);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bigrun_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
