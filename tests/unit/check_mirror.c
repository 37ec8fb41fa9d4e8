/* SPDX-License-Identifier: MIT */
/*
 * check_mirror.c - programs in a child process (core/child.c) shown by a
 * mirror run (core/mirror.c): a mirror gives exactly the records, checks,
 * choices, state and end of the same run in this process; stepping,
 * manual picks, scheduler changes and explore work through it; a child
 * that crashes, exits, loops, stops or sends garbage ends the run with
 * the right report and never hangs the parent.
 *
 * This binary is its own child: started with RACELAB_CHILD_FD and a mode
 * in argv[1], main() serves a lab or one of the misbehaving programs
 * below through rl_child_main instead of running the suite.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "../../core/child.h"
#include "../../core/choice_log.h"
#include "../../core/engine.h"
#include "../../core/explore.h"
#include "../../core/program.h"
#include "../../core/wire.h"
#include "../../core/racelab.h"
#include "../../core/run.h"
#include "../../labs/exercise_scenarios.h"
#include "../../labs/lab.h"
#include "../../tui/screen/session.h"

/* ---- the child's programs ------------------------------------------------ */

static rl_var *v;
static rl_event *gate; /* "timed": never set; T1 waits on it with timeouts */
/* A pointer the compiler cannot see is bad. */
static volatile int *volatile bad_ptr = (volatile int *)16;

/* T0 and T1: two stores, then whatever the mode asks. */
static void bad_body(void *arg)
{
    const char *mode = arg;
    rl_store(v, rl_load(v) + 1);
    if (rl_self() == 1) {
        if (strcmp(mode, "segv") == 0)
            *bad_ptr = 1;
        if (strcmp(mode, "exit3") == 0)
            exit(3);
        if (strcmp(mode, "loop") == 0)
            for (volatile unsigned long i = 0;; i++)
                ;
        if (strcmp(mode, "stop") == 0)
            raise(SIGSTOP);
        if (strcmp(mode, "flood") == 0) {
            /* Prints as fast as it can, never calling racelab again. */
            static const char line[] = "flood flood flood flood flood\n";
            for (;;)
                if (write(1, line, sizeof line - 1) < 0)
                    _exit(9);
        }
        if (strcmp(mode, "close-stay") == 0) {
            /* Closes its socket, then stays. */
            close(3);
            for (;;)
                sleep(1);
        }
        if (strcmp(mode, "garbage") == 0) {
            static const char junk[] = "hello, this is not racelab's protocol";
            if (write(3, junk, sizeof junk) < 0)
                _exit(9);
            rl_yield();
        }
        if (strncmp(mode, "lie-", 4) == 0) {
            /* A well-marked message that lies. */
            uint32_t h[4] = {WIRE_MAGIC, WIRE_MSG_FRAME, 4, 0};
            if (strcmp(mode, "lie-size") == 0)
                h[2] = WIRE_MAX_PAYLOAD + 1;
            if (strcmp(mode, "lie-records") == 0) {
                h[1] = WIRE_MSG_RECORDS;
                h[3] = 1000000; /* records, but 0 bytes of them */
            }
            if (strcmp(mode, "lie-type") == 0)
                h[1] = 999;
            if (write(3, h, sizeof h) < 0)
                _exit(9);
            rl_yield();
        }
        if (strcmp(mode, "false-choices") == 0) {
            /* One chunk: thread 0 "repeated" twice, no cycle. */
            unsigned char m[12 + 8] = {0};
            uint32_t h[3] = {WIRE_MAGIC, WIRE_MSG_CHOICES, 8};
            uint32_t one = 1;
            memcpy(m, h, sizeof h);
            memcpy(m + 12, &one, 4);
            m[16] = 2; /* rep */
            m[17] = 1; /* len */
            m[18] = 0; /* id */
            m[19] = 1; /* count */
            if (write(3, m, sizeof m) < 0)
                _exit(9);
            rl_yield();
        }
        if (strcmp(mode, "false-count") == 0) {
            /* One item of thread 1 with a count of zero. */
            unsigned char m[12 + 8] = {0};
            uint32_t h[3] = {WIRE_MAGIC, WIRE_MSG_CHOICES, 8};
            uint32_t one = 1;
            memcpy(m, h, sizeof h);
            memcpy(m + 12, &one, 4);
            m[16] = 1;
            m[17] = 1;
            m[18] = 1;
            m[19] = 0; /* count 0 */
            if (write(3, m, sizeof m) < 0)
                _exit(9);
            rl_yield();
        }
        if (strcmp(mode, "half") == 0) {
            /* Dies in the middle of a message. */
            uint32_t h[4] = {WIRE_MAGIC, WIRE_MSG_FRAME, 100, 0};
            if (write(3, h, sizeof h) < 0)
                _exit(9);
            _exit(4);
        }
        if (strcmp(mode, "text") == 0) {
            rl_run_text_add(rl_current, "first", 5);
            rl_yield();
            rl_run_text_add(rl_current, "second", 6);
        }
        if (strcmp(mode, "late") == 0) {
            /* An object made in the middle of the run, then many steps
             * on it: more records than the window before any frame. */
            rl_var *w = rl_var_create("late", 0);
            for (int i = 0; i < 3000; i++)
                rl_store(w, rl_load(w) + 1);
        }
        if (strcmp(mode, "timed") == 0)
            for (int i = 0; i < 3; i++) /* each wait ends by its timeout */
                rl_event_wait_timeout(gate, 100);
        if (strcmp(mode, "print") == 0)
            printf("T1 says hi\n"), fflush(stdout);
        if (strncmp(mode, "forge", 5) == 0) {
            /* The engine is linked here: claim a pass from inside. */
            rl_check(rl_current, "sneaky", true, "forged pass");
            if (strcmp(mode, "forge-fail") == 0)
                rl_fail("x check", "T1 saw x wrong");
        }
    }
    if (strcmp(mode, "timed") == 0 && rl_self() == 0)
        for (int i = 0; i < 4; i++) /* steps to take while T1 waits */
            rl_store(v, rl_load(v) + 1);
    rl_store(v, rl_load(v) + 1);
}

/* Two threads running bad_body in the given mode. */
static void bad_setup(void *ctx)
{
    if (strcmp(ctx, "setup-loop") == 0)
        for (volatile unsigned long i = 0;; i++)
            ;
    v = rl_var_create("x", 0);
    if (strcmp(ctx, "timed") == 0)
        gate = rl_event_create("gate");
    rl_thread_start("T0", bad_body, ctx);
    rl_thread_start("T1", bad_body, ctx);
}

/* The state a judged child sends (OBSERVE): x at the end. */
struct forge_state {
    long x;
    long pad;
};

/* The child's check: claims a pass, whatever happened ("forge-explore":
 * a failure, whatever happened). */
static void forge_check(struct rl_run *run, void *ctx)
{
    if (strcmp(ctx, "forge-explore") == 0)
        rl_check(run, "x value", false, "forged failure");
    else
        rl_check(run, "x value", true, "x = 4, as expected (forged)");
}

/* OBSERVE: the true x; "observe-size": 12 bytes, not 16. */
static const void *forge_observe(void *ctx, size_t *size)
{
    static struct forge_state st;
    st.x = rl_var_peek(v);
    *size = strcmp(ctx, "observe-size") == 0 ? 12 : sizeof st;
    return &st;
}

/* The parent's check of a judged run: x must be 4 (two threads, two
 * increments each). */
static void judge_check(struct rl_run *run, void *ctx)
{
    (void)ctx;
    const struct forge_state *st = rl_run_observed(run);
    ck_assert_ptr_nonnull(st);
    rl_check(run, "x value", st->x == 4, "x = %ld, expected 4", st->x);
}

/* The child's side: argv[1] = "lab" NAME VARIANT PARAMS [os], or a
 * mode. */
static int child_main(int argc, char **argv)
{
    static struct lab_inst inst;
    struct rl_program prog = {0};
    char err[256];
    if (strcmp(argv[1], "lab") == 0 && argc >= 5) {
        const struct lab *lab = lab_find(argv[2]);
        if (!lab)
            return 2;
        lab_inst_init(&inst, lab,
                      argc > 5 && strcmp(argv[5], "os") == 0 ? RL_BACKEND_OS
                                                             : RL_BACKEND_SIM);
        inst.variant = lab_variant_find(lab, argv[3]);
        if (inst.variant < 0 || lab_inst_set_all(&inst, argv[4], err,
                                                 sizeof err) != 0)
            return 2;
        prog = lab_program(&inst);
    } else {
        prog.setup = bad_setup;
        prog.ctx = argv[1];
        if (strncmp(argv[1], "forge", 5) == 0 ||
            strcmp(argv[1], "observe-size") == 0) {
            prog.check = forge_check;
            if (strcmp(argv[1], "forge-plain") != 0)
                rl_child_set_observe(forge_observe, argv[1]);
        }
    }
    return rl_child_main(&prog, argc, argv);
}

/* ---- helpers ------------------------------------------------------------- */

static char self_exe[4096];

/* An external program: this binary in a mode. */
static struct rl_external ext_of(const char *a1, const char *a2,
                                 const char *a3, const char *a4)
{
    struct rl_external e;
    memset(&e, 0, sizeof e);
    e.path = self_exe;
    e.argv[0] = a1;
    e.argv[1] = a2;
    e.argv[2] = a3;
    e.argv[3] = a4;
    return e;
}

/* A run of lab/variant: in this process (ext NULL) or mirrored. */
static struct rl_run *lab_run(struct lab_inst *inst, const char *name,
                              const char *variant, const char *params,
                              const struct rl_external *ext,
                              struct rl_sched sched)
{
    char err[512];
    const struct lab *lab = lab_find(name);
    ck_assert_ptr_nonnull(lab);
    lab_inst_init(inst, lab, RL_BACKEND_SIM);
    inst->variant = lab_variant_find(lab, variant);
    ck_assert_int_ge(inst->variant, 0);
    ck_assert_int_eq(lab_inst_set_all(inst, params, err, sizeof err), 0);
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(inst);
    if (ext)
        cfg.program.external = ext;
    cfg.sched = sched;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "create: %s", err);
    return run;
}

/* Assert that two runs stand exactly alike. */
static void assert_same(const struct rl_run *a, const struct rl_run *b)
{
    char ta[2048], tb[2048];
    ck_assert_int_eq(rl_run_end(a), rl_run_end(b));
    ck_assert_uint_eq(rl_run_steps(a), rl_run_steps(b));
    ck_assert_uint_eq(rl_run_record_first(a), rl_run_record_first(b));
    ck_assert_uint_eq(rl_run_record_last(a), rl_run_record_last(b));
    for (uint64_t s = rl_run_record_first(a); s && s <= rl_run_record_last(a);
         s++)
        ck_assert_msg(memcmp(rl_run_record(a, s), rl_run_record(b, s),
                             sizeof(struct rl_record)) == 0,
                      "record %llu differs", (unsigned long long)s);
    rl_run_choices(a, ta, sizeof ta);
    rl_run_choices(b, tb, sizeof tb);
    ck_assert_str_eq(ta, tb);
    ck_assert_uint_eq(rl_run_choice_count(a), rl_run_choice_count(b));
    ck_assert_int_eq(rl_run_preemptions(a), rl_run_preemptions(b));
    ck_assert_int_eq(rl_run_now(a), rl_run_now(b));
    rl_run_end_text(a, ta, sizeof ta);
    rl_run_end_text(b, tb, sizeof tb);
    ck_assert_str_eq(ta, tb);
    ck_assert_int_eq(rl_run_check_count(a), rl_run_check_count(b));
    for (int i = 0; i < rl_run_check_count(a); i++) {
        struct rl_check_result ca, cb;
        rl_run_check(a, i, &ca);
        rl_run_check(b, i, &cb);
        ck_assert_str_eq(ca.name, cb.name);
        ck_assert_int_eq(ca.ok, cb.ok);
        ck_assert_str_eq(ca.message, cb.message);
    }
    ck_assert_int_eq(rl_run_passed(a), rl_run_passed(b));
    ck_assert_int_eq(rl_run_thread_count(a), rl_run_thread_count(b));
    for (int i = 0; i < rl_run_thread_count(a); i++) {
        struct rl_thread_view va, vb;
        rl_run_thread(a, i, &va);
        rl_run_thread(b, i, &vb);
        ck_assert_str_eq(va.name, vb.name);
        ck_assert_int_eq(va.state, vb.state);
        ck_assert_int_eq(va.waiting_on, vb.waiting_on);
        ck_assert_int_eq(va.holder, vb.holder);
        ck_assert_uint_eq(va.steps, vb.steps);
        ck_assert_int_eq(rl_run_thread_runnable(a, i),
                         rl_run_thread_runnable(b, i));
    }
    ck_assert_int_eq(rl_run_object_count(a), rl_run_object_count(b));
    for (int i = 0; i < rl_run_object_count(a); i++) {
        struct rl_obj_view oa, ob;
        rl_run_object(a, i, &oa);
        rl_run_object(b, i, &ob);
        ck_assert_str_eq(oa.name, ob.name);
        ck_assert_int_eq(oa.kind, ob.kind);
        ck_assert_int_eq(oa.value, ob.value);
        ck_assert_int_eq(oa.limit, ob.limit);
        ck_assert_int_eq(oa.owner, ob.owner);
        ck_assert_int_eq(oa.depth, ob.depth);
        ck_assert_int_eq(oa.lock, ob.lock);
        ck_assert_int_eq(oa.nwaiters, ob.nwaiters);
        ck_assert_int_eq(oa.nholders, ob.nholders);
        ck_assert_int_eq(oa.broken, ob.broken);
        ck_assert(memcmp(oa.waiters, ob.waiters,
                         (size_t)oa.nwaiters * sizeof(int)) == 0);
        ck_assert(memcmp(oa.holders, ob.holders,
                         (size_t)oa.nholders * sizeof(int)) == 0);
    }
}

/* Finish lab/variant/params under sched in both ways; assert alike. */
static void assert_mirror_same(const char *name, const char *variant,
                               const char *params, const char *sched_spec)
{
    struct lab_inst ia, ib;
    struct rl_sched s;
    char err[256];
    ck_assert_int_eq(rl_sched_parse(sched_spec, &s, err, sizeof err), 0);
    struct rl_external e = ext_of("lab", name, variant, params);
    struct rl_run *a = lab_run(&ia, name, variant, params, NULL, s);
    struct rl_run *b = lab_run(&ib, name, variant, params, &e, s);
    ck_assert(!rl_run_is_mirror(a));
    ck_assert(rl_run_is_mirror(b));
    assert_same(a, b);
    rl_run_finish(a);
    rl_run_finish(b);
    assert_same(a, b);
    rl_run_destroy(a);
    rl_run_destroy(b);
}

/* ---- same as in this process --------------------------------------------- */

START_TEST(test_same_rr)
{
    assert_mirror_same("counter", "reference", "", "rr:1");
    assert_mirror_same("unsafe-counter", "unsafe", "", "rr:1");
    assert_mirror_same("lock-order", "inverted", "", "rr:1");
}
END_TEST

START_TEST(test_same_random)
{
    assert_mirror_same("counter", "reference", "", "random:7");
    assert_mirror_same("unsafe-counter", "unsafe", "threads=3,iters=4",
                       "random:7");
    assert_mirror_same("producer-consumer", "correct", "", "random:7");
    assert_mirror_same("lock-order", "inverted", "", "random:7");
}
END_TEST

/* A run of this binary's "timed" program under spec, finished: in this
 * process, or in a child when mirrored. The caller destroys it. */
static struct rl_run *timed_run(const char *spec, bool mirrored)
{
    char err[512];
    struct rl_external e = ext_of("timed", NULL, NULL, NULL);
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.setup = bad_setup;
    cfg.program.ctx = (void *)"timed";
    if (mirrored)
        cfg.program.external = &e;
    ck_assert_int_eq(rl_sched_parse(spec, &cfg.sched, err, sizeof err), 0);
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "create: %s", err);
    ck_assert(rl_run_is_mirror(run) == mirrored);
    rl_run_finish(run);
    return run;
}

/* The timeouts marker reaches the child: with it, random and PCT fire T1's
 * timeouts as choices there exactly as in this process (T1 times out while
 * T0 can still run: more preemptions); without it, T1's waits end only
 * when T0 cannot run. */
START_TEST(test_same_timeouts)
{
    static const struct {
        const char *spec, *choices;
        int preemptions;
    } runs[] = {
        {"random:1", "1.0x2.1.0x2.1.0.1.0x8", 7},
        {"random:1:timeouts", "1.0x2.1.0x2.1.0.1.0.1.0.1.0x4.1.0x2", 12},
        {"pct:2:3", "1x4.0x13", 1},
        {"pct:2:3:timeouts", "1x5.0x8.1x2.0x5", 6},
    };
    char ta[256];
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct rl_run *a = timed_run(runs[i].spec, false);
        struct rl_run *b = timed_run(runs[i].spec, true);
        assert_same(a, b);
        ck_assert_int_eq(rl_run_end(a), RL_END_DONE);
        rl_run_choices(a, ta, sizeof ta);
        ck_assert_msg(strcmp(ta, runs[i].choices) == 0, "%s: choices %s",
                      runs[i].spec, ta);
        ck_assert_int_eq(rl_run_preemptions(a), runs[i].preemptions);
        ck_assert_int_eq(rl_run_now(a), 300); /* three timeouts of 100 ms */
        rl_run_destroy(a);
        rl_run_destroy(b);
    }
}
END_TEST

START_TEST(test_same_replay)
{
    assert_mirror_same("unsafe-counter", "unsafe", "", "replay:0x2.1.0.1");
    /* A schedule that does not fit: the same divergence. */
    assert_mirror_same("unsafe-counter", "unsafe", "", "replay:5");
}
END_TEST

/* Step by step, the mirror stands like the in-process run after each. */
START_TEST(test_same_step_by_step)
{
    struct lab_inst ia, ib;
    struct rl_sched s = {.kind = RL_SCHED_RANDOM, .seed = 3};
    struct rl_external e = ext_of("lab", "producer-consumer", "correct", "");
    struct rl_run *a = lab_run(&ia, "producer-consumer", "correct", "", NULL, s);
    struct rl_run *b = lab_run(&ib, "producer-consumer", "correct", "", &e, s);
    int n = 0;
    while (rl_run_end(a) == RL_END_RUNNING) {
        ck_assert_int_eq(rl_run_step(a), rl_run_step(b));
        assert_same(a, b);
        n++;
    }
    ck_assert_int_gt(n, 10);
    rl_run_destroy(a);
    rl_run_destroy(b);
}
END_TEST

/* Manual picks: the same steps, the same refusals. */
START_TEST(test_manual_pick)
{
    struct lab_inst ia, ib;
    struct rl_sched s = {.kind = RL_SCHED_MANUAL};
    struct rl_external e = ext_of("lab", "lock-order", "inverted", "");
    struct rl_run *a = lab_run(&ia, "lock-order", "inverted", "", NULL, s);
    struct rl_run *b = lab_run(&ib, "lock-order", "inverted", "", &e, s);
    char e7[256];
    ck_assert_int_eq(rl_run_step_thread(b, 7, e7, sizeof e7), -1);
    ck_assert_str_eq(e7, "there is no thread 7 (threads 0..1)");
    static const int picks[] = {0, 0, 1, 1, 0, 1, 1, 0, 0, 1};
    for (size_t i = 0; i < sizeof picks / sizeof picks[0]; i++) {
        char ea[256] = "", eb[256] = "";
        int ra = rl_run_step_thread(a, picks[i], ea, sizeof ea);
        int rb = rl_run_step_thread(b, picks[i], eb, sizeof eb);
        ck_assert_int_eq(ra, rb);
        ck_assert_str_eq(ea, eb);
        assert_same(a, b);
    }
    ck_assert_int_eq(rl_run_end(b), RL_END_DEADLOCK);
    rl_run_destroy(a);
    rl_run_destroy(b);
}
END_TEST

/* Step back as the TUI does it: a new run replays a prefix of the
 * choices, then the user's scheduler takes over (rl_run_set_sched). */
START_TEST(test_replay_prefix_then_set_sched)
{
    struct lab_inst ia, ib;
    struct rl_sched rep = {.kind = RL_SCHED_REPLAY, .choices = "0x2.1"};
    struct rl_sched rnd = {.kind = RL_SCHED_RANDOM, .seed = 11};
    struct rl_external e = ext_of("lab", "unsafe-counter", "unsafe", "");
    struct rl_run *a = lab_run(&ia, "unsafe-counter", "unsafe", "", NULL, rep);
    struct rl_run *b = lab_run(&ib, "unsafe-counter", "unsafe", "", &e, rep);
    for (int i = 0; i < 4; i++) {
        rl_run_step(a);
        rl_run_step(b);
    }
    assert_same(a, b);
    char err[256];
    ck_assert_int_eq(rl_run_set_sched(a, &rnd, err, sizeof err), 0);
    ck_assert_int_eq(rl_run_set_sched(b, &rnd, err, sizeof err), 0);
    struct rl_sched bad = {.kind = RL_SCHED_RR, .quantum = 0};
    ck_assert_int_eq(rl_run_set_sched(b, &bad, err, sizeof err), -1);
    char err2[256];
    ck_assert_int_eq(rl_run_set_sched(a, &bad, err2, sizeof err2), -1);
    ck_assert_str_eq(err, err2);
    rl_run_finish(a);
    rl_run_finish(b);
    assert_same(a, b);
    rl_run_destroy(a);
    rl_run_destroy(b);
}
END_TEST

/* Records reach on_record in the parent as the child makes them. */
static void count_record(void *ctx, const struct rl_run *run,
                         const struct rl_record *rec)
{
    uint64_t *n = ctx;
    (void)run;
    ck_assert_uint_eq(rec->seq, *n + 1);
    (*n)++;
}

START_TEST(test_on_record)
{
    struct lab_inst inst;
    char err[256];
    struct rl_external e = ext_of("lab", "unsafe-counter", "unsafe", "");
    lab_inst_init(&inst, lab_find("unsafe-counter"), RL_BACKEND_SIM);
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&inst);
    cfg.program.external = &e;
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    uint64_t n = 0;
    cfg.on_record = count_record;
    cfg.on_record_ctx = &n;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_ptr_nonnull(run);
    rl_run_finish(run);
    ck_assert_uint_eq(n, rl_run_record_last(run));
    ck_assert_uint_gt(n, 10);
    rl_run_destroy(run);
}
END_TEST

/* Explore runs in the child; the parent's check filter is asked. */
static bool only_final(void *ctx, const char *check)
{
    int *asked = ctx;
    (*asked)++;
    return strcmp(check, "final value") == 0;
}

START_TEST(test_explore_in_child)
{
    struct lab_inst inst;
    struct rl_external e = ext_of("lab", "unsafe-counter", "unsafe", "");
    lab_inst_init(&inst, lab_find("unsafe-counter"), RL_BACKEND_SIM);
    inst.variant = lab_variant_find(inst.lab, "unsafe");
    struct rl_explore_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&inst);
    cfg.max_preemptions = 2;
    cfg.max_runs = 500;
    struct rl_explore_result ra, rb;
    ck_assert_int_eq(rl_explore(&cfg, &ra), 0);
    cfg.program.external = &e;
    ck_assert_int_eq(rl_explore(&cfg, &rb), 0);
    ck_assert(ra.found && rb.found);
    ck_assert_str_eq(ra.choices, rb.choices);
    ck_assert_str_eq(ra.check, rb.check);
    ck_assert_str_eq(ra.message, rb.message);
    ck_assert_uint_eq(ra.runs, rb.runs);
    ck_assert_int_eq(ra.preemptions, rb.preemptions);
    rl_explore_result_free(&ra);
    rl_explore_result_free(&rb);
    /* With a filter: the child asks the parent about each check name. */
    int asked = 0;
    cfg.check_counts = only_final;
    cfg.check_ctx = &asked;
    ck_assert_int_eq(rl_explore(&cfg, &rb), 0);
    ck_assert(rb.found);
    ck_assert_str_eq(rb.check, "final value");
    ck_assert_int_gt(asked, 0);
    rl_explore_result_free(&rb);
}
END_TEST

/* A search too big for the child's CPU time stops itself before the limit
 * kills it: incomplete (the time guard), no error, what it ran counted. */
START_TEST(test_explore_stops_before_cpu_limit)
{
    struct lab_inst inst;
    struct rl_external e =
        ext_of("lab", "locked-counter", "locked", "threads=4,iters=50");
    e.cpu_s = 1;
    lab_inst_init(&inst, lab_find("locked-counter"), RL_BACKEND_SIM);
    inst.variant = lab_variant_find(inst.lab, "locked");
    struct rl_explore_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&inst);
    cfg.program.external = &e;
    cfg.max_preemptions = 3;
    cfg.max_runs = 100000000;
    struct rl_explore_result r;
    ck_assert_msg(rl_explore(&cfg, &r) == 0, "%s", r.error);
    ck_assert(!r.found);
    ck_assert_int_eq(r.stop, RL_EXPLORE_GUARD);
    ck_assert_uint_gt(r.runs, 0);
    rl_explore_result_free(&r);
}
END_TEST

/* The os backend in the child: start, poll until it ends, as the TUI. */
START_TEST(test_os_start_poll)
{
    struct lab_inst inst;
    char err[256];
    struct rl_external e =
        ext_of("lab", "locked-counter", "locked", "iters=2000");
    e.argv[4] = "os";
    lab_inst_init(&inst, lab_find("locked-counter"), RL_BACKEND_OS);
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&inst);
    cfg.program.external = &e;
    cfg.backend = RL_BACKEND_OS;
    cfg.record = true;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_backend(run), RL_BACKEND_OS);
    ck_assert_int_eq(rl_run_start(run, err, sizeof err), 0);
    enum rl_end end = RL_END_RUNNING;
    for (int i = 0; i < 6000 && end == RL_END_RUNNING; i++) {
        end = rl_run_poll(run);
        usleep(5000);
    }
    ck_assert_int_eq(end, RL_END_DONE);
    ck_assert(rl_run_passed(run));
    ck_assert_uint_gt(rl_run_record_last(run), 0);
    char text[8];
    rl_run_choices(run, text, sizeof text);
    ck_assert_str_eq(text, "-");
    rl_run_destroy(run);
}
END_TEST

/* A real child stopped in the middle of its first RECORDS message (the
 * test hook RACELAB_TEST_STALL=DIR of core/child.c: it creates
 * DIR/stalled, then waits for DIR/go): every poll returns at once and
 * shows nothing of that message; once the child goes on, the run ends
 * with every record, as many as the same run in this process makes (one
 * thread: no blocked acquire, so the count is fixed). */
START_TEST(test_os_poll_child_stalled)
{
    struct lab_inst inst;
    char err[256], dir[] = "/tmp/racelab-stall.XXXXXX", path[64], env[80];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(env, sizeof env, "RACELAB_TEST_STALL=%s", dir);
    struct rl_external e =
        ext_of("lab", "locked-counter", "locked", "threads=1,iters=2000");
    e.argv[4] = "os";
    e.env[0] = env;
    lab_inst_init(&inst, lab_find("locked-counter"), RL_BACKEND_OS);
    ck_assert_int_eq(lab_inst_set_all(&inst, "threads=1,iters=2000", err,
                                      sizeof err), 0);
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&inst);
    cfg.backend = RL_BACKEND_OS;
    cfg.record = true;
    /* The same run in this process: how many records it makes. */
    struct rl_run *here = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(here != NULL, "%s", err);
    ck_assert_int_eq(rl_run_finish(here), RL_END_DONE);
    uint64_t want = rl_run_record_last(here);
    ck_assert_uint_gt(want, 1024); /* the first message is a full batch */
    rl_run_destroy(here);
    cfg.program.external = &e;
    cfg.max_records = want;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_start(run, err, sizeof err), 0);
    snprintf(path, sizeof path, "%s/stalled", dir);
    for (int i = 0; i < 6000 && access(path, F_OK) != 0; i++) {
        ck_assert_int_eq(rl_run_poll(run), RL_END_RUNNING);
        usleep(10000);
    }
    ck_assert_int_eq(access(path, F_OK), 0);
    for (int i = 0; i < 20; i++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        ck_assert_int_eq(rl_run_poll(run), RL_END_RUNNING);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        /* waiting for the rest would take the safety stop: minutes */
        ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 5);
        ck_assert_uint_eq(rl_run_record_last(run), 0);
    }
    snprintf(path, sizeof path, "%s/go", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    enum rl_end end = RL_END_RUNNING;
    for (int i = 0; i < 6000 && end == RL_END_RUNNING; i++) {
        end = rl_run_poll(run);
        if (end == RL_END_RUNNING)
            usleep(10000);
    }
    ck_assert_int_eq(end, RL_END_DONE);
    ck_assert(rl_run_passed(run));
    ck_assert_uint_eq(rl_run_record_first(run), 1);
    ck_assert_uint_eq(rl_run_record_last(run), want);
    for (uint64_t q = 1; q <= want; q++)
        ck_assert_uint_eq(rl_run_record(run, q)->seq, q);
    rl_run_destroy(run);
    unlink(path);
    snprintf(path, sizeof path, "%s/stalled", dir);
    unlink(path);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* An os run whose child closes its socket and stays: the poll that sees
 * the socket closed does not wait there for the child to end (it has
 * MIRROR_REAP_MS, 2 s, before it is killed); later polls report it. */
START_TEST(test_os_poll_child_closes)
{
    char err[512], text[512];
    struct rl_external e = ext_of("close-stay", NULL, NULL, NULL);
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = &e;
    cfg.backend = RL_BACKEND_OS;
    cfg.timeout_ms = 600000;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_start(run, err, sizeof err), 0);
    enum rl_end end = RL_END_RUNNING;
    long long slowest = 0;
    for (int i = 0; i < 6000 && end == RL_END_RUNNING; i++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        end = rl_run_poll(run);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long long ms = (t1.tv_sec - t0.tv_sec) * 1000LL +
                       (t1.tv_nsec - t0.tv_nsec) / 1000000;
        if (ms > slowest)
            slowest = ms;
        if (end == RL_END_RUNNING)
            usleep(10000);
    }
    /* a poll that waited for the child would take the whole 2 s */
    ck_assert_int_lt(slowest, 1900);
    ck_assert_int_eq(end, RL_END_CRASH);
    rl_run_end_text(run, text, sizeof text);
    ck_assert_str_eq(text, "crash: SIGKILL (killed)");
    rl_run_destroy(run);
}
END_TEST

/* An os run whose child prints without end: a poll keeps at most a
 * bounded share of the output each time instead of reading as long as
 * there is more, and the run ends by the child's own limits. */
START_TEST(test_os_poll_output_flood)
{
    char err[512];
    struct rl_external e = ext_of("flood", NULL, NULL, NULL);
    e.cpu_s = 2;
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = &e;
    cfg.backend = RL_BACKEND_OS;
    cfg.timeout_ms = 1000;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_start(run, err, sizeof err), 0);
    enum rl_end end = RL_END_RUNNING;
    long long slowest = 0;
    for (int i = 0; i < 6000 && end == RL_END_RUNNING; i++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        end = rl_run_poll(run);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long long ms = (t1.tv_sec - t0.tv_sec) * 1000LL +
                       (t1.tv_nsec - t0.tv_nsec) / 1000000;
        if (ms > slowest)
            slowest = ms;
        if (end == RL_END_RUNNING)
            usleep(10000);
    }
    ck_assert_int_lt(slowest, 1900);
    ck_assert_int_eq(end, RL_END_TIMEOUT);
    size_t total;
    const char *out = rl_run_output(run, &total);
    ck_assert_uint_gt(total, strlen(out));
    ck_assert_int_eq(strncmp(out, "flood flood", 11), 0);
    rl_run_destroy(run);
}
END_TEST

/* ---- children that misbehave --------------------------------------------- */

/* Finish a run of this binary in mode; returns it (the caller destroys). */
static struct rl_run *bad_run(const char *mode, int cpu_s, int answer_ms)
{
    char err[512];
    static struct rl_external e;
    e = ext_of(mode, NULL, NULL, NULL);
    e.cpu_s = cpu_s;
    e.answer_ms = answer_ms;
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = &e;
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    return run;
}

/* The end text and the one failed check of a run that lost its child. */
static void assert_lost(struct rl_run *run, enum rl_end end, const char *check,
                        const char *text)
{
    char buf[512];
    ck_assert_int_eq(rl_run_end(run), end);
    rl_run_end_text(run, buf, sizeof buf);
    ck_assert_str_eq(buf, text);
    ck_assert(!rl_run_passed(run));
    ck_assert_int_eq(rl_run_check_count(run), 1);
    struct rl_check_result c;
    rl_run_check(run, 0, &c);
    ck_assert_str_eq(c.name, check);
    ck_assert_int_eq(c.ok, 0);
    ck_assert_str_eq(c.message, text);
}

START_TEST(test_child_segfault)
{
    struct rl_run *run = bad_run("segv", 0, 0);
    assert_lost(run, RL_END_CRASH, "no crash",
                "crash: SIGSEGV (segmentation fault: a bad pointer) in T1 "
                "after step 6");
    /* The records up to the crash arrived. */
    ck_assert_uint_eq(rl_run_record_last(run), 6);
    ck_assert_int_eq(rl_run_record(run, 6)->thread, 1);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_child_exit)
{
    struct rl_run *run = bad_run("exit3", 0, 0);
    assert_lost(run, RL_END_EXIT, "no exit",
                "the program called exit(3) in T1 after step 6");
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_child_garbage)
{
    struct rl_run *run = bad_run("garbage", 0, 0);
    assert_lost(run, RL_END_PROTOCOL, "protocol",
                "the program broke racelab's protocol (a message without "
                "racelab's mark); stopped");
    rl_run_destroy(run);
}
END_TEST

/* A child that crashes while exploring: the search reports an error. */
START_TEST(test_explore_child_crash)
{
    struct rl_external e = ext_of("segv", NULL, NULL, NULL);
    struct rl_explore_config cfg;
    struct rl_explore_result res;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = &e;
    cfg.max_runs = 10;
    ck_assert_int_eq(rl_explore(&cfg, &res), -1);
    ck_assert_int_eq(res.stop, RL_EXPLORE_ERROR);
    ck_assert_str_eq(res.error, "crash: SIGSEGV (segmentation fault: a bad "
                                "pointer) during exploration");
    ck_assert(!res.found);
    rl_explore_result_free(&res);
}
END_TEST

/* A child that dies in the middle of a message. */
START_TEST(test_child_dies_mid_message)
{
    struct rl_run *run = bad_run("half", 0, 0);
    assert_lost(run, RL_END_EXIT, "no exit",
                "the program ended (exit status 4) without finishing the run");
    rl_run_destroy(run);
}
END_TEST

/* Well-marked messages that lie: each ends the run, none is believed. */
START_TEST(test_child_lies)
{
    static const struct {
        const char *mode, *what;
    } lies[] = {
        {"lie-frame", "a state that does not fit the run"},
        {"lie-size", "an oversized message"},
        {"lie-records", "records that do not fit the run"},
        {"lie-type", "an unknown message"},
        {"false-choices", "choices that do not fit the run"},
        {"false-count", "choices that do not fit the run"},
    };
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        struct rl_run *run = bad_run(lies[i].mode, 0, 0);
        char want[256];
        snprintf(want, sizeof want,
                 "the program broke racelab's protocol (%s); stopped",
                 lies[i].what);
        assert_lost(run, RL_END_PROTOCOL, "protocol", want);
        rl_run_destroy(run);
    }
}
END_TEST

/* Records that name an object made in the middle of a long request reach
 * the parent's window at once (the child describes the object first), so
 * a window smaller than the request's records keeps the newest ones. */
START_TEST(test_child_late_object_window)
{
    char err[512];
    static struct rl_external e;
    e = ext_of("late", NULL, NULL, NULL);
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = &e;
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    cfg.max_records = 64;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    struct rl_run_storage st;
    rl_run_storage(run, &st);
    ck_assert_uint_eq(st.records_kept, 64);
    ck_assert_uint_gt(rl_run_record_last(run), 6000);
    ck_assert_uint_eq(rl_run_dropped(run), rl_run_record_last(run) - 64);
    ck_assert_int_eq(rl_run_object_count(run), 2);
    struct rl_obj_view o;
    rl_run_object(run, 1, &o);
    ck_assert_str_eq(o.name, "late");
    ck_assert_int_eq(o.value, 3000);
    rl_run_destroy(run);
}
END_TEST

/* A loop without an API call: the child's watchdog stops the thread, as
 * in this process. */
START_TEST(test_child_loop_watchdog)
{
    struct rl_run *run = bad_run("loop", 0, 0);
    char buf[512];
    ck_assert_int_eq(rl_run_end(run), RL_END_TIMEOUT);
    rl_run_end_text(run, buf, sizeof buf);
    ck_assert_str_eq(buf,
                     "did not finish: T1 ran for 3 s of CPU time without a "
                     "racelab call "
                     "(an endless loop over plain C variables? sim switches "
                     "threads only at racelab calls, so use rl_load / "
                     "rl_store, a Lock or an Event); stopped");
    rl_run_destroy(run);
}
END_TEST

/* A stopped child: the safety stop ends the run as incomplete. */
START_TEST(test_child_stopped)
{
    struct rl_run *run = bad_run("stop", 0, 1000);
    assert_lost(run, RL_END_INCOMPLETE, "finishes",
                "incomplete: the program did not answer for 1 s (racelab's "
                "safety stop); stopped");
    rl_run_destroy(run);
}
END_TEST

/* What the child prints is kept as the run's output, not shown. */
START_TEST(test_child_output)
{
    struct rl_run *run = bad_run("print", 0, 0);
    size_t total;
    ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
    ck_assert_str_eq(rl_run_output(run, &total), "T1 says hi\n");
    ck_assert_uint_eq(total, 11);
    rl_run_destroy(run);
}
END_TEST

/* Per-run texts made in the child reach the mirror. */
START_TEST(test_child_texts)
{
    struct rl_run *run = bad_run("text", 0, 0);
    ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
    ck_assert_str_eq(rl_run_text(run, 0), "first");
    ck_assert_str_eq(rl_run_text(run, 1), "second");
    ck_assert_ptr_null(rl_run_text(run, 2));
    ck_assert_ptr_null(rl_run_text(run, -1));
    rl_run_destroy(run);
}
END_TEST

/* A setup that never returns uses up its CPU time: a creation error. */
START_TEST(test_child_cpu_limit)
{
    char err[512];
    struct rl_external e = ext_of("setup-loop", NULL, NULL, NULL);
    e.cpu_s = 1;
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = &e;
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    ck_assert_ptr_null(rl_run_create(&cfg, err, sizeof err));
    ck_assert_str_eq(err, "did not finish: the program used up its CPU time "
                          "(1 s) during setup (an endless loop?); stopped");
}
END_TEST

/* A missing executable and a failing setup are creation errors. */
START_TEST(test_create_errors)
{
    char err[512];
    struct rl_external e;
    memset(&e, 0, sizeof e);
    e.path = "/nonexistent/racelab-child";
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = &e;
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    ck_assert_ptr_null(rl_run_create(&cfg, err, sizeof err));
    ck_assert_str_eq(err, "cannot run /nonexistent/racelab-child: No such "
                          "file or directory");
    struct rl_external l = ext_of("lab", "no-such-lab", "x", "");
    cfg.program.external = &l;
    ck_assert_ptr_null(rl_run_create(&cfg, err, sizeof err));
    ck_assert_str_eq(err, "the program ended (exit status 2) during setup "
                          "without finishing the run");
    cfg.sched.kind = RL_SCHED_CUSTOM;
    ck_assert_ptr_null(rl_run_create(&cfg, err, sizeof err));
    ck_assert_str_eq(err, "a custom scheduler cannot drive a program in a "
                          "child process");
}
END_TEST

/* ---- racelab judges ------------------------------------------------------ */

/* A judged run of mode (the parent's check is judge_check, the state 16
 * bytes), finished under rr:1. */
static struct rl_run *judged_run(const char *mode)
{
    char err[512];
    static struct rl_external e;
    e = ext_of(mode, NULL, NULL, NULL);
    e.observe_size = sizeof(struct forge_state);
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = &e;
    cfg.program.check = judge_check;
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    return run;
}

/* Check i of run is name/ok/message. */
static void assert_check(const struct rl_run *run, int i, const char *name,
                         bool ok, const char *message)
{
    struct rl_check_result c;
    ck_assert_int_gt(rl_run_check_count(run), i);
    rl_run_check(run, i, &c);
    ck_assert_str_eq(c.name, name);
    ck_assert_int_eq(c.ok, ok);
    ck_assert_str_eq(c.message, message);
}

/* The child claims passes (its check, and rl_check from a thread); the
 * parent's checks on the state it sent are the verdict. */
START_TEST(test_judged_ignores_forged_checks)
{
    struct rl_run *run = judged_run("forge");
    ck_assert_int_eq(rl_run_end(run), RL_END_DONE);
    ck_assert_int_eq(rl_run_check_count(run), 4);
    assert_check(run, 0, "x value", false, "x = 2, expected 4");
    assert_check(run, 1, "no deadlock", true, "no deadlock");
    assert_check(run, 2, "finishes", true, "every thread finished");
    assert_check(run, 3, "no misuse", true, "no synchronization errors");
    ck_assert(!rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* rl_fail() stops the run: the failure the records name is taken (it can
 * only count against the program), the forged pass is not. */
START_TEST(test_judged_takes_rl_fail)
{
    struct rl_run *run = judged_run("forge-fail");
    ck_assert_int_eq(rl_run_end(run), RL_END_FAILED);
    ck_assert_int_eq(rl_run_check_count(run), 2);
    assert_check(run, 0, "x check", false, "T1 saw x wrong (step 7)");
    assert_check(run, 1, "no misuse", true, "no synchronization errors");
    rl_run_destroy(run);
}
END_TEST

/* A state of the wrong size ends the run as a protocol error. */
START_TEST(test_judged_wrong_size)
{
    struct rl_run *run = judged_run("observe-size");
    assert_lost(run, RL_END_PROTOCOL, "protocol",
                "the program broke racelab's protocol (the child sent 12 "
                "bytes of state, expected 16) in T1 after step 12; stopped");
    rl_run_destroy(run);
}
END_TEST

/* The child's search claims a failure that the parent's replay of its
 * schedule does not confirm: not believed, said in one line. */
START_TEST(test_judged_explore_claim)
{
    static struct rl_external e;
    e = ext_of("forge-explore", NULL, NULL, NULL);
    e.observe_size = sizeof(struct forge_state);
    struct rl_explore_config cfg;
    struct rl_explore_result res;
    memset(&cfg, 0, sizeof cfg);
    memset(&res, 0, sizeof res);
    cfg.program.external = &e;
    cfg.program.check = judge_check;
    cfg.max_preemptions = 1;
    ck_assert_int_eq(rl_explore(&cfg, &res), -1);
    ck_assert(!res.found);
    ck_assert_ptr_null(res.choices);
    ck_assert_int_eq(res.stop, RL_EXPLORE_ERROR);
    ck_assert_str_eq(res.error,
                     "the program's own search claims the check 'x value' "
                     "fails under schedule 0x5, but racelab's replay of it "
                     "passes that check: not believed");
    rl_explore_result_free(&res);
}
END_TEST

/* Not judged (a plain C program): the child's checks stand; a state
 * sent all the same is a protocol error. */
START_TEST(test_unjudged_keeps_child_checks)
{
    char err[512];
    static struct rl_external e;
    e = ext_of("forge-plain", NULL, NULL, NULL);
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program.external = &e;
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    rl_run_finish(run);
    assert_check(run, 0, "sneaky", true, "forged pass");
    assert_check(run, 1, "x value", true, "x = 4, as expected (forged)");
    rl_run_destroy(run);
    run = bad_run("forge", 0, 0);
    assert_lost(run, RL_END_PROTOCOL, "protocol",
                "the program broke racelab's protocol (a state nobody asked "
                "for) in T1 after step 12; stopped");
    rl_run_destroy(run);
}
END_TEST

/* ---- exercises built apart ----------------------------------------------- */

/* A home (RACELAB_HOME) whose exercises/counter.c is `counter_src` (a
 * path from the tree's root) plus `extra`; returns the home's path. */
static const char *make_home(const char *counter_src, const char *extra)
{
    static char home[256];
    char cmd[4096];
    snprintf(home, sizeof home, "%s/check_mirror_home.%d",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    snprintf(cmd, sizeof cmd,
             "rm -rf %s && mkdir -p %s/core %s/exercises/impl && "
             "cp core/racelab.h %s/core/ && cp exercises/*.h %s/exercises/ && "
             "cp exercises/impl/*.c %s/exercises/impl/ "
             "&& cp %s %s/exercises/counter.c && printf '%%s' '%s' >> "
             "%s/exercises/counter.c",
             home, home, home, home, home, home, counter_src, home, extra,
             home);
    ck_assert_int_eq(system(cmd), 0);
    setenv("RACELAB_HOME", home, 1);
    return home;
}

/* Remove the home made by make_home. */
static void drop_home(const char *home)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", home);
    ck_assert_int_eq(system(cmd), 0);
}

/* The student variant, built apart from the reference's source, runs in a
 * child and gives exactly what the linked reference gives. */
START_TEST(test_exercise_built_apart_same)
{
    const char *home = make_home("solutions/counter.c", "");
    static const char *const scheds[] = {"rr:1", "random:7", "replay:0x2.1.0"};
    for (size_t i = 0; i < sizeof scheds / sizeof scheds[0]; i++) {
        struct lab_inst ia, ib;
        struct rl_sched s;
        char err[256];
        ck_assert_int_eq(rl_sched_parse(scheds[i], &s, err, sizeof err), 0);
        struct rl_run *a = lab_run(&ia, "counter", "reference", "", NULL, s);
        struct rl_run *b = lab_run(&ib, "counter", "student", "", NULL, s);
        ck_assert(rl_run_is_mirror(b));
        rl_run_finish(a);
        rl_run_finish(b);
        assert_same(a, b);
        rl_run_destroy(a);
        rl_run_destroy(b);
    }
    drop_home(home);
}
END_TEST

/* The student variant built apart is judged here: its checks are this
 * process's, on the state the child sent, with exact messages - failing
 * (the skeleton), passing (the solution), and for a hidden scenario. */
START_TEST(test_exercise_judged_here)
{
    struct rl_sched s = {.kind = RL_SCHED_RR, .quantum = 1};
    struct lab_inst in;
    const char *home = make_home("exercises/counter.c", "");
    struct rl_run *run = lab_run(&in, "counter", "student", "", NULL, s);
    ck_assert_uint_gt(in.external.observe_size, 0);
    ck_assert_ptr_null(rl_run_observed(run));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_ptr_nonnull(rl_run_observed(run));
    ck_assert_int_eq(rl_run_check_count(run), 4);
    assert_check(run, 0, "final value", false,
                 "counter = 3, expected 6: 3 updates lost");
    assert_check(run, 1, "no deadlock", true, "no deadlock");
    assert_check(run, 2, "finishes", true, "every thread finished");
    assert_check(run, 3, "no misuse", true, "no synchronization errors");
    rl_run_destroy(run);
    run = lab_run(&in, "counter.single", "student", "iters=4", NULL, s);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    assert_check(run, 0, "single thread", true,
                 "counter_get() returned 0, 1, ..., 4");
    rl_run_destroy(run);
    drop_home(home);

    home = make_home("solutions/counter.c", "");
    run = lab_run(&in, "counter", "student", "threads=3,iters=2", NULL, s);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_int_eq(rl_run_check_count(run), 4);
    assert_check(run, 0, "final value", true, "counter = 6, as expected");
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
    drop_home(home);

    /* The grader's way: ex_program with the exercise built apart. */
    home = make_home("exercises/counter.c", "");
    static struct ex_inst ei;
    static struct rl_build eb;
    static struct rl_external ee;
    static char esrc[512];
    const struct ex_scenario *sc = ex_scenario_find("counter", "concurrent");
    ex_inst_init(&ei, sc, NULL, RL_BACKEND_SIM);
    memset(&eb, 0, sizeof eb);
    eb.kind = RL_BUILD_EXERCISE;
    eb.exercise = "counter";
    eb.api_only = true;
    snprintf(esrc, sizeof esrc, "%s/exercises/counter.c", home);
    eb.sources[0] = esrc;
    memset(&ee, 0, sizeof ee);
    ee.build = &eb;
    ee.argv[0] = "counter";
    ee.argv[1] = "threads=2,iters=3";
    ee.observe_size = sc->state_size;
    struct rl_run_config rc;
    char err[512];
    memset(&rc, 0, sizeof rc);
    rc.program = ex_program(&ei);
    rc.program.external = &ee;
    rc.sched = s;
    run = rl_run_create(&rc, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    assert_check(run, 0, "final value", false,
                 "counter = 3, expected 6: 3 updates lost");
    rl_run_destroy(run);
    drop_home(home);

    /* A search in the child: its failure, replayed and judged here. */
    home = make_home("exercises/counter.c", "");
    struct rl_explore_config cfg;
    struct rl_explore_result res;
    lab_inst_init(&in, lab_find("counter"), RL_BACKEND_SIM);
    in.variant = lab_variant_find(in.lab, "student");
    memset(&cfg, 0, sizeof cfg);
    memset(&res, 0, sizeof res);
    cfg.program = lab_program(&in);
    cfg.max_preemptions = 2;
    ck_assert_int_eq(rl_explore(&cfg, &res), 0);
    ck_assert(res.found);
    ck_assert_str_eq(res.choices, "0x2.1x7.2x2");
    ck_assert_str_eq(res.check, "final value");
    ck_assert_str_eq(res.message, "counter = 3, expected 6: 3 updates lost");
    rl_explore_result_free(&res);
    drop_home(home);
}
END_TEST

/* ---- long runs in a child stay bounded -------------------------------- */

/* rl_run_choices_write's emit: append to a malloc'd string. */
struct text {
    char *p;
    size_t n, cap;
};

static int text_add(void *ctx, const char *piece, size_t len)
{
    struct text *t = ctx;
    if (t->n + len + 1 > t->cap) {
        t->cap = (t->n + len + 1) * 2;
        t->p = realloc(t->p, t->cap);
        ck_assert_ptr_nonnull(t->p);
    }
    memcpy(t->p + t->n, piece, len);
    t->n += len;
    t->p[t->n] = '\0';
    return 0;
}

/* counter's variant under sched with params and a window of 4096
 * records, finished. */
static struct rl_run *window_run(struct lab_inst *inst, const char *variant,
                                 const char *params, const char *sched)
{
    char err[512];
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    lab_inst_init(inst, lab_find("counter"), RL_BACKEND_SIM);
    inst->variant = lab_variant_find(inst->lab, variant);
    ck_assert_int_eq(lab_inst_set_all(inst, params, err, sizeof err), 0);
    cfg.program = lab_program(inst);
    cfg.max_records = 4096;
    cfg.max_steps = 10000000;
    ck_assert_int_eq(rl_sched_parse(sched, &cfg.sched, err, sizeof err), 0);
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "create: %s", err);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    return run;
}

/* The student variant built apart, over 10^6 steps in a child: the
 * schedule string is the in-process reference's, byte for byte, and the
 * mirror holds its choices in a compact log (a round robin: one group)
 * and its records in the window. The child keeps its choices only in
 * its run's compact log, the one the in-process run's storage shows. */
START_TEST(test_long_run_in_child_bounded)
{
    const char *home = make_home("solutions/counter.c", "");
    static const char *const scheds[] = {"rr:1", "random:7"};
    for (size_t i = 0; i < 2; i++) {
        struct lab_inst ia, ib;
        const char *params = "threads=2,iters=110000";
        struct rl_run *a = window_run(&ia, "reference", params, scheds[i]);
        struct rl_run *b = window_run(&ib, "student", params, scheds[i]);
        ck_assert(rl_run_is_mirror(b));
        ck_assert_uint_ge(rl_run_steps(b), 1000000);
        ck_assert_uint_eq(rl_run_steps(a), rl_run_steps(b));
        ck_assert_uint_eq(rl_run_choice_count(a), rl_run_choice_count(b));
        struct text ta = {0}, tb = {0};
        ck_assert_int_eq(rl_run_choices_write(a, text_add, &ta), 0);
        ck_assert_int_eq(rl_run_choices_write(b, text_add, &tb), 0);
        ck_assert_uint_eq(ta.n, tb.n);
        ck_assert(strcmp(ta.p, tb.p) == 0);
        char head[64];
        ck_assert_uint_eq(rl_run_choices(b, head, sizeof head), tb.n);
        ck_assert(strncmp(head, tb.p, strlen(head)) == 0);
        struct rl_run_storage sa, sb;
        rl_run_storage(a, &sa);
        rl_run_storage(b, &sb);
        ck_assert_uint_eq(sb.choice_groups, sa.choice_groups);
        if (i == 0) {
            ck_assert_uint_le(sb.choice_groups, 2);
            size_t small = 256 + 16 * sizeof(struct choice_group);
            ck_assert_uint_le(sb.choice_bytes, small);
            ck_assert_uint_le(sa.choice_bytes, small);
        }
        /* The window: the newest 4096 records, as in this process. */
        ck_assert_uint_eq(sb.record_window, 4096);
        ck_assert_uint_eq(sb.records_kept, 4096);
        ck_assert_uint_eq(sb.record_bytes, sa.record_bytes);
        ck_assert_uint_eq(rl_run_record_first(a), rl_run_record_first(b));
        ck_assert_uint_eq(rl_run_record_last(a), rl_run_record_last(b));
        ck_assert_uint_eq(rl_run_dropped(b), rl_run_record_first(b) - 1);
        free(ta.p);
        free(tb.p);
        rl_run_destroy(a);
        rl_run_destroy(b);
    }
    drop_home(home);
}
END_TEST

/* A replay whose schedule text is longer than any message a child sends
 * (10 MB): the child takes it, and the run diverges exactly as in this
 * process, the choices left counted. */
START_TEST(test_child_replay_long_text)
{
    const char *home = make_home("solutions/counter.c", "");
    struct lab_inst ia, ib;
    struct rl_sched s = {.kind = RL_SCHED_RR, .quantum = 1};
    struct rl_run *a = lab_run(&ia, "counter", "reference", "", NULL, s);
    rl_run_finish(a);
    size_t n = rl_run_choices(a, NULL, 0), cap = n + (10u << 20) + 8;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    rl_run_choices(a, text, cap);
    uint64_t more = 0;
    while (n + 4 < cap - 1) {
        memcpy(text + n, ".0.1", 4);
        n += 4;
        more += 2;
    }
    text[n] = '\0';
    rl_run_destroy(a);
    s.kind = RL_SCHED_REPLAY;
    s.choices = text;
    a = lab_run(&ia, "counter", "reference", "", NULL, s);
    struct rl_run *b = lab_run(&ib, "counter", "student", "", NULL, s);
    ck_assert(rl_run_is_mirror(b));
    ck_assert_int_eq(rl_run_finish(a), RL_END_DIVERGED);
    ck_assert_int_eq(rl_run_finish(b), RL_END_DIVERGED);
    assert_same(a, b);
    char end[256], want[256];
    rl_run_end_text(b, end, sizeof end);
    snprintf(want, sizeof want,
             "schedule diverges: the run finished at step %llu but the "
             "schedule has %llu more choices",
             (unsigned long long)rl_run_record_last(b),
             (unsigned long long)more);
    ck_assert_str_eq(end, want);
    rl_run_destroy(a);
    rl_run_destroy(b);
    free(text);
    drop_home(home);
}
END_TEST

/* The TUI's session: steps, a manual pick, step back and a scheduler
 * change give the same states on the child as in this process. */
START_TEST(test_session_student)
{
    const char *home = make_home("solutions/counter.c", "");
    struct lab_inst ia, ib;
    const struct lab *lab = lab_find("counter");
    lab_inst_init(&ia, lab, RL_BACKEND_SIM);
    lab_inst_init(&ib, lab, RL_BACKEND_SIM);
    ia.variant = lab_variant_find(lab, "reference");
    ib.variant = lab_variant_find(lab, "student");
    struct rl_sched s = {.kind = RL_SCHED_RANDOM, .seed = 5};
    struct session sa, sb;
    char ea[256] = "", eb[256] = "";
    session_init(&sa, &ia, &s, NULL);
    session_init(&sb, &ib, &s, NULL);
    ck_assert_int_eq(session_restart(&sa, ea, sizeof ea), 0);
    ck_assert_int_eq(session_restart(&sb, eb, sizeof eb), 0);
    ck_assert(rl_run_is_mirror(sb.run));
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(session_step(&sa), session_step(&sb));
        assert_same(sa.run, sb.run);
    }
    ck_assert_int_eq(session_pick(&sa, 1, ea, sizeof ea),
                     session_pick(&sb, 1, eb, sizeof eb));
    ck_assert_str_eq(ea, eb);
    assert_same(sa.run, sb.run);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(session_back(&sa, ea, sizeof ea),
                         session_back(&sb, eb, sizeof eb));
        ck_assert_str_eq(ea, eb);
        assert_same(sa.run, sb.run);
    }
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(session_step(&sa), session_step(&sb));
        assert_same(sa.run, sb.run);
    }
    ck_assert_int_eq(session_next_sched(&sa, ea, sizeof ea),
                     session_next_sched(&sb, eb, sizeof eb));
    session_run(&sa, 100000);
    session_run(&sb, 100000);
    assert_same(sa.run, sb.run);
    ck_assert_int_ne(session_end(&sb), RL_END_RUNNING);
    session_fini(&sa);
    session_fini(&sb);
    drop_home(home);
}
END_TEST

/* The same sources build once; a compile error is the compiler's
 * message with file:line, for that exercise only. */
START_TEST(test_build_cache_and_errors)
{
    char cache[256], exe1[4096], exe2[4096], err[1024];
    snprintf(cache, sizeof cache, "%s/check_mirror_cache.%d",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    setenv("RACELAB_CACHE", cache, 1);
    const char *home = make_home("exercises/counter.c", "");
    struct rl_build b;
    memset(&b, 0, sizeof b);
    b.kind = RL_BUILD_EXERCISE;
    b.exercise = "counter";
    char src[512];
    snprintf(src, sizeof src, "%s/exercises/counter.c", home);
    b.sources[0] = src;
    ck_assert_msg(rl_program_build(&b, exe1, sizeof exe1, err, sizeof err) == 0,
                  "%s", err);
    struct stat st1, st2;
    ck_assert_int_eq(stat(exe1, &st1), 0);
    ck_assert_int_eq(rl_program_build(&b, exe2, sizeof exe2, err, sizeof err),
                     0);
    ck_assert_str_eq(exe1, exe2);
    ck_assert_int_eq(stat(exe2, &st2), 0);
    ck_assert_uint_eq(st1.st_ino, st2.st_ino); /* reused, not rebuilt */
    /* A flag changes the key. */
    b.flags[0] = "-DRL_UNUSED_FLAG=1";
    ck_assert_int_eq(rl_program_build(&b, exe2, sizeof exe2, err, sizeof err),
                     0);
    ck_assert_str_ne(exe1, exe2);
    b.flags[0] = NULL;
    drop_home(home);

    home = make_home("exercises/counter.c", "int broken = ;\n");
    snprintf(src, sizeof src, "%s/exercises/counter.c", home);
    ck_assert_int_eq(rl_program_build(&b, exe2, sizeof exe2, err, sizeof err),
                     -1);
    ck_assert_msg(strstr(err, "exercises/counter.c:") &&
                      strstr(err, ": error: expected expression"),
                  "%s", err);
    /* Through a lab: the run cannot be created, with that message. */
    struct lab_inst inst;
    lab_inst_init(&inst, lab_find("counter"), RL_BACKEND_SIM);
    inst.variant = lab_variant_find(inst.lab, "student");
    struct rl_run_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&inst);
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    ck_assert_ptr_null(rl_run_create(&cfg, err, sizeof err));
    ck_assert_msg(strstr(err, ": error: expected expression"), "%s", err);
    /* The reference is linked in and does not care. */
    inst.variant = lab_variant_find(inst.lab, "reference");
    cfg.program = lab_program(&inst);
    ck_assert_ptr_null(cfg.program.external);
    struct rl_run *run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_ptr_nonnull(run);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    rl_run_destroy(run);
    drop_home(home);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", cache);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Build submission fixture `name` (tests/fixtures/submissions/NAME/
 * counter.c) as the grader does; returns rl_program_build's status, the
 * compiler's and linker's messages in err. */
static int build_fixture(const char *name, char *err, size_t errlen)
{
    char src[512], exe[4096];
    struct rl_build b;
    memset(&b, 0, sizeof b);
    b.kind = RL_BUILD_EXERCISE;
    b.exercise = "counter";
    b.api_only = true;
    snprintf(src, sizeof src, "tests/fixtures/submissions/%s/counter.c", name);
    b.sources[0] = src;
    return rl_program_build(&b, exe, sizeof exe, err, errlen);
}

/* Only the student API is global in librlex.a: a submission that calls
 * the engine (rl_check on the engine's current run) or the reference
 * solution does not link, and the linker names the symbol. */
START_TEST(test_engine_symbols_hidden)
{
    char cache[256], err[8192];
    snprintf(cache, sizeof cache, "%s/check_mirror_cache.%d",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    setenv("RACELAB_CACHE", cache, 1);
    unsetenv("RACELAB_HOME");
    ck_assert_int_eq(build_fixture("call_engine", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "undefined reference to `rl_check'"), "%s", err);
    ck_assert_msg(strstr(err, "undefined reference to `rl_current'"), "%s",
                  err);
    ck_assert_int_eq(build_fixture("call_reference", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "undefined reference to `reference_counter_impl'"),
                  "%s", err);
    /* The same folder's honest neighbour links. */
    ck_assert_msg(build_fixture("lock_per_call", err, sizeof err) == 0, "%s",
                  err);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", cache);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* The tree's exercises and solutions build as racelab builds them: with
 * only the student API on the include path. */
START_TEST(test_tree_builds_api_only)
{
    static const char *const names[] = {"counter", "rlock",
                                        "bounded_semaphore", "bounded_buffer",
                                        "barrier", "pool", "transfer"};
    static const char *const dirs[] = {"exercises", "solutions"};
    char cache[256], err[8192], src[512], exe[4096];
    snprintf(cache, sizeof cache, "%s/check_mirror_cache.%d",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    setenv("RACELAB_CACHE", cache, 1);
    unsetenv("RACELAB_HOME");
    for (size_t d = 0; d < 2; d++) {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            struct rl_build b;
            memset(&b, 0, sizeof b);
            b.kind = RL_BUILD_EXERCISE;
            b.exercise = names[i];
            b.api_only = true;
            snprintf(src, sizeof src, "%s/%s.c", dirs[d], names[i]);
            b.sources[0] = src;
            ck_assert_msg(rl_program_build(&b, exe, sizeof exe, err,
                                           sizeof err) == 0,
                          "%s: %s", src, err);
        }
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", cache);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(int argc, char **argv)
{
    if (getenv("RACELAB_CHILD_FD") && argc >= 2)
        return child_main(argc, argv);
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    if (n <= 0)
        return EXIT_FAILURE;
    self_exe[n] = '\0';
    Suite *s = suite_create("mirror");
    TCase *tc = tcase_create("mirror");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_same_rr);
    tcase_add_test(tc, test_same_random);
    tcase_add_test(tc, test_same_timeouts);
    tcase_add_test(tc, test_same_replay);
    tcase_add_test(tc, test_same_step_by_step);
    tcase_add_test(tc, test_manual_pick);
    tcase_add_test(tc, test_replay_prefix_then_set_sched);
    tcase_add_test(tc, test_on_record);
    tcase_add_test(tc, test_explore_in_child);
    tcase_add_test(tc, test_explore_stops_before_cpu_limit);
    tcase_add_test(tc, test_os_start_poll);
    tcase_add_test(tc, test_os_poll_child_stalled);
    tcase_add_test(tc, test_os_poll_child_closes);
    tcase_add_test(tc, test_os_poll_output_flood);
    tcase_add_test(tc, test_child_segfault);
    tcase_add_test(tc, test_child_exit);
    tcase_add_test(tc, test_child_garbage);
    tcase_add_test(tc, test_child_lies);
    tcase_add_test(tc, test_explore_child_crash);
    tcase_add_test(tc, test_child_dies_mid_message);
    tcase_add_test(tc, test_child_loop_watchdog);
    tcase_add_test(tc, test_child_stopped);
    tcase_add_test(tc, test_child_output);
    tcase_add_test(tc, test_create_errors);
    tcase_add_test(tc, test_child_texts);
    tcase_add_test(tc, test_child_late_object_window);
    tcase_add_test(tc, test_child_cpu_limit);
    tcase_add_test(tc, test_exercise_built_apart_same);
    tcase_add_test(tc, test_exercise_judged_here);
    tcase_add_test(tc, test_long_run_in_child_bounded);
    tcase_add_test(tc, test_child_replay_long_text);
    tcase_add_test(tc, test_session_student);
    tcase_add_test(tc, test_engine_symbols_hidden);
    tcase_add_test(tc, test_judged_ignores_forged_checks);
    tcase_add_test(tc, test_judged_takes_rl_fail);
    tcase_add_test(tc, test_judged_wrong_size);
    tcase_add_test(tc, test_judged_explore_claim);
    tcase_add_test(tc, test_unjudged_keeps_child_checks);
    tcase_add_test(tc, test_tree_builds_api_only);
    tcase_add_test(tc, test_build_cache_and_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
