/* SPDX-License-Identifier: MIT */
/*
 * check_fiber.c - tests of core/fiber: switching order, register and
 * floating-point state across switches, stack reuse through the pool, deep
 * recursion, the guard page, per-OS-thread state and misuse that must
 * abort. Check in fork mode: a crash or a hang fails one test, not the run.
 */
#include <check.h>
#include <fenv.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "../../core/fiber.h"

/* Under AddressSanitizer? GCC defines __SANITIZE_ADDRESS__, clang (before
 * 17) answers only __has_feature. */
#define FIBER_TEST_ASAN 0
#if defined(__SANITIZE_ADDRESS__)
#undef FIBER_TEST_ASAN
#define FIBER_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#undef FIBER_TEST_ASAN
#define FIBER_TEST_ASAN 1
#endif
#endif

/* ---- Ping-pong: exact interleaving ------------------------------------ */

struct pingpong {
    struct fiber *main, *a, *b;
    char log[64];
    int len;
};

/* Append one character to the shared log. */
static void pp_log(struct pingpong *pp, char c)
{
    ck_assert_int_lt(pp->len, (int)sizeof(pp->log) - 1);
    pp->log[pp->len++] = c;
    pp->log[pp->len] = '\0';
}

/* Three rounds of a -> b, then back to main for good. */
static void pp_fiber_a(void *arg)
{
    struct pingpong *pp = arg;

    for (int i = 0; i < 3; i++) {
        pp_log(pp, 'a');
        fiber_switch(pp->a, pp->b);
    }
    pp_log(pp, 'x');
    fiber_switch(pp->a, pp->main);
    ck_abort_msg("fiber a resumed after its last switch");
}

/* Answers a forever; left suspended and destroyed by main. */
static void pp_fiber_b(void *arg)
{
    struct pingpong *pp = arg;

    for (;;) {
        pp_log(pp, 'b');
        fiber_switch(pp->b, pp->a);
    }
}

START_TEST(test_pingpong)
{
    struct pingpong pp = {0};

    pp.main = fiber_self();
    pp.a = fiber_create(pp_fiber_a, &pp);
    pp.b = fiber_create(pp_fiber_b, &pp);
    ck_assert_ptr_ne(pp.a, pp.b);
    pp_log(&pp, 'M');
    fiber_switch(pp.main, pp.a);
    pp_log(&pp, 'm');
    ck_assert_str_eq(pp.log, "Mabababxm");
    fiber_destroy(pp.a);
    fiber_destroy(pp.b);
}
END_TEST

START_TEST(test_self_is_stable)
{
    ck_assert_ptr_nonnull(fiber_self());
    ck_assert_ptr_eq(fiber_self(), fiber_self());
    fiber_destroy(NULL);
    /* Switching to oneself is a no-op. */
    fiber_switch(fiber_self(), fiber_self());
}
END_TEST

START_TEST(test_impl_name)
{
#if defined(RL_FIBER_PORTABLE)
    ck_assert_str_eq(fiber_impl(), "portable");
#elif defined(__x86_64__)
    ck_assert_str_eq(fiber_impl(), "x86_64");
#elif defined(__aarch64__)
    ck_assert_str_eq(fiber_impl(), "arm64");
#else
    ck_assert_str_eq(fiber_impl(), "portable");
#endif
    ck_assert_uint_ge(fiber_stack_size(), 256 * 1024);
}
END_TEST

/* ---- Round robin: many fibers in a ring -------------------------------- */

#define RR_FIBERS 64
#define RR_ROUNDS 1000

struct ring {
    struct fiber *main;
    struct fiber *f[RR_FIBERS];
    int ids[RR_FIBERS];
    int *log;
    int len;
};

static struct ring ring;

/* Log my id, pass control to the next fiber; the last one of the last
 * round returns to main. */
static void ring_fiber(void *arg)
{
    int id = *(int *)arg;

    for (int r = 0; r < RR_ROUNDS; r++) {
        ring.log[ring.len++] = id;
        if (id == RR_FIBERS - 1 && r == RR_ROUNDS - 1)
            fiber_switch(ring.f[id], ring.main);
        else
            fiber_switch(ring.f[id], ring.f[(id + 1) % RR_FIBERS]);
    }
    ck_abort_msg("ring fiber %d ran past its last round", id);
}

START_TEST(test_round_robin)
{
    ring.main = fiber_self();
    ring.log = calloc(RR_FIBERS * RR_ROUNDS + 1, sizeof(int));
    ck_assert_ptr_nonnull(ring.log);
    for (int i = 0; i < RR_FIBERS; i++) {
        ring.ids[i] = i;
        ring.f[i] = fiber_create(ring_fiber, &ring.ids[i]);
    }
    fiber_switch(ring.main, ring.f[0]);
    ck_assert_int_eq(ring.len, RR_FIBERS * RR_ROUNDS);
    for (int i = 0; i < ring.len; i++)
        ck_assert_int_eq(ring.log[i], i % RR_FIBERS);
    for (int i = 0; i < RR_FIBERS; i++)
        fiber_destroy(ring.f[i]);
    free(ring.log);
}
END_TEST

/* ---- Nesting: a fiber creates, runs and destroys another --------------- */

struct nest {
    struct fiber *main, *outer, *inner;
    char log[16];
    int len;
};

static void nest_inner(void *arg)
{
    struct nest *n = arg;

    n->log[n->len++] = 'i';
    fiber_switch(n->inner, n->outer);
    ck_abort_msg("inner fiber resumed");
}

static void nest_outer(void *arg)
{
    struct nest *n = arg;

    n->log[n->len++] = 'o';
    n->inner = fiber_create(nest_inner, n);
    fiber_switch(n->outer, n->inner);
    n->log[n->len++] = 'O';
    fiber_destroy(n->inner);
    fiber_switch(n->outer, n->main);
    ck_abort_msg("outer fiber resumed");
}

START_TEST(test_nested_create)
{
    struct nest n = {0};

    n.main = fiber_self();
    n.outer = fiber_create(nest_outer, &n);
    fiber_switch(n.main, n.outer);
    ck_assert_str_eq(n.log, "oiO");
    fiber_destroy(n.outer);
}
END_TEST

/* ---- Stack reuse ------------------------------------------------------- */

struct reuse {
    struct fiber *main, *f;
    uintptr_t frame; /* frame address seen inside the fiber */
    long runs;
};

/* Note where my frame is, count, and return to main for good. */
static void reuse_fiber(void *arg)
{
    struct reuse *r = arg;

    r->frame = (uintptr_t)__builtin_frame_address(0);
    r->runs++;
    fiber_switch(r->f, r->main);
    ck_abort_msg("reuse fiber resumed");
}

/* Create a fiber, run it until it switches back, destroy it. */
static void reuse_once(struct reuse *r)
{
    r->f = fiber_create(reuse_fiber, r);
    fiber_switch(r->main, r->f);
    fiber_destroy(r->f);
}

START_TEST(test_destroy_reuses_stack)
{
    struct reuse r = {0};
    uintptr_t first;

    r.main = fiber_self();
    reuse_once(&r);
    first = r.frame;
    ck_assert_uint_ne(first, 0);
    /* The pool is LIFO: the next fiber runs on the very same stack. */
    reuse_once(&r);
    ck_assert_uint_eq(r.frame, first);
    ck_assert_int_eq(r.runs, 2);
}
END_TEST

START_TEST(test_create_destroy_100000)
{
    struct reuse r = {0};
    struct rusage before, after;
    uintptr_t first;

    r.main = fiber_self();
    reuse_once(&r); /* warm up: the one stack this loop should need */
    first = r.frame;
    ck_assert_int_eq(getrusage(RUSAGE_SELF, &before), 0);
    for (int i = 0; i < 100000; i++) {
        reuse_once(&r);
        if (r.frame != first)
            ck_abort_msg("run %d ran on another stack", i);
    }
    ck_assert_int_eq(getrusage(RUSAGE_SELF, &after), 0);
    ck_assert_int_eq(r.runs, 100001);
#if !FIBER_TEST_ASAN
    /* A fresh mapping per fiber would fault in at least one new page per
     * run (100,000 faults); a pooled stack is already resident. */
    ck_assert_int_lt(after.ru_minflt - before.ru_minflt, 1000);
#else
    /* AddressSanitizer may map a fresh fake stack for every fiber. */
    (void)before;
    (void)after;
#endif
}
END_TEST

#define MANY 300 /* more than the pool keeps */

START_TEST(test_many_alive)
{
    static struct reuse rs[MANY];

    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < MANY; i++) {
            rs[i].main = fiber_self();
            rs[i].f = fiber_create(reuse_fiber, &rs[i]);
        }
        for (int i = 0; i < MANY; i++)
            fiber_switch(rs[i].main, rs[i].f);
        for (int i = 0; i < MANY; i++) {
            ck_assert_int_eq(rs[i].runs, round + 1);
            fiber_destroy(rs[i].f);
        }
    }
}
END_TEST

/* ---- Stack depth and the guard page ------------------------------------ */

struct deep {
    struct fiber *main, *f;
    size_t target; /* bytes of stack to use */
    uintptr_t top; /* frame address of the fiber's function */
    size_t used;   /* deepest frame's distance from top */
    int levels;    /* depth of the deepest frame */
    long sum;
};

static struct deep deep;

/* Recurse with 1 KiB frames until target bytes of stack are in use. */
static long deep_recurse(int depth)
{
    volatile char buf[1024];
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);

    memset((char *)buf, depth & 0x7f, sizeof(buf));
    if (deep.top - here >= deep.target) {
        deep.used = deep.top - here;
        deep.levels = depth;
        return buf[depth % (int)sizeof(buf)];
    }
    return deep_recurse(depth + 1) + buf[depth % (int)sizeof(buf)];
}

static void deep_fiber(void *arg)
{
    (void)arg;
    deep.top = (uintptr_t)__builtin_frame_address(0);
    deep.sum = deep_recurse(0);
    fiber_switch(deep.f, deep.main);
    ck_abort_msg("deep fiber resumed");
}

/* Run deep_fiber with a target of target bytes; check it got there. */
static void deep_run(size_t target)
{
    long want = 0;

    deep.main = fiber_self();
    deep.target = target;
    deep.f = fiber_create(deep_fiber, NULL);
    fiber_switch(deep.main, deep.f);
    fiber_destroy(deep.f);
    ck_assert_uint_ge(deep.used, target);
    /* Every frame's buffer survived: each level adds its depth & 0x7f. */
    for (int d = 0; d <= deep.levels; d++)
        want += d & 0x7f;
    ck_assert_int_eq(deep.sum, want);
}

START_TEST(test_deep_recursion_64k)
{
    deep_run(64 * 1024);
}
END_TEST

START_TEST(test_deep_recursion_most_of_stack)
{
    deep_run(fiber_stack_size() - 16 * 1024);
}
END_TEST

static volatile int overflow_stop = -1;

/* Recurse with no end the compiler can see: overflow_stop is -1. */
static int overflow_recurse(int n)
{
    volatile char buf[512];

    buf[0] = (char)n;
    if (n == overflow_stop)
        return 0;
    return overflow_recurse(n + 1) + buf[0];
}

/* Where the guard page of the overflowing fiber must be (with a page of
 * slack above for the frames between the stack top and overflow_fiber). */
static uintptr_t guard_lo, guard_hi;

/* The fault must hit the guard page: then die by the default action (the
 * faulting instruction runs again once SA_RESETHAND has reset it); a fault
 * anywhere else means the overflow ran past the stack. */
static void overflow_handler(int sig, siginfo_t *si, void *uc)
{
    uintptr_t addr = (uintptr_t)si->si_addr;

    (void)sig;
    (void)uc;
    if (addr < guard_lo || addr >= guard_hi)
        _exit(3);
}

static void overflow_fiber(void *arg)
{
    uintptr_t top = (uintptr_t)__builtin_frame_address(0);
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

    (void)arg;
    guard_lo = top - fiber_stack_size() - page;
    guard_hi = top - fiber_stack_size() + page;
    overflow_recurse(0);
    ck_abort_msg("stack overflow went unnoticed");
}

START_TEST(test_overflow_hits_guard_page)
{
    static char altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
    struct sigaction sa = {0};
    struct fiber *f = fiber_create(overflow_fiber, NULL);
    /* Mapped after f, so most likely right below it: without a guard page
     * the overflow would run on into this one's memory, not fault. */
    struct fiber *below = fiber_create(overflow_fiber, NULL);

    /* Our own handler, on a stack of its own since the fiber's is full
     * (and instead of AddressSanitizer's, which would exit instead). */
    ck_assert_int_eq(sigaltstack(&ss, NULL), 0);
    sa.sa_sigaction = overflow_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGSEGV, &sa, NULL), 0);
    fiber_switch(fiber_self(), f);
    ck_abort_msg("overflow fiber came back (below: %p)", (void *)below);
}
END_TEST

/* ---- Registers and floating point across switches ---------------------- */

#define FP_ROUNDS 1000

struct fp {
    struct fiber *main, *a, *b;
};

static struct fp fp;

/* A computation that keeps many integer and double values live across
 * each call of yield (so they sit in callee-saved registers or the stack).
 * seed makes the two fibers' values differ. */
static void fp_kernel(unsigned long seed, void (*yield)(int), int who,
                      double *d_out, unsigned long *i_out)
{
    /* Unsigned: the hashes wrap around by design. */
    unsigned long h1 = seed, h2 = seed * 3, h3 = seed ^ 0x5555, h4 = 7,
                  h5 = ~seed, h6 = 1;
    double s = 0.0, p = 1.0, q = (double)seed, r = 0.5;

    for (int i = 1; i <= FP_ROUNDS; i++) {
        s += 1.0 / (i + seed);
        p *= 1.0 + 1e-4 * (double)seed;
        q = sqrt(q * q + i);
        r = r * 0.999 + s / q;
        h1 = h1 * 31 + i;
        h2 ^= h1 >> 3;
        h3 += h2 * 7;
        h4 = h4 * 5 + h3;
        h5 -= h4;
        h6 += h5 ^ i;
        yield(who);
    }
    *d_out = s + p + q + r;
    *i_out = h1 ^ h2 ^ h3 ^ h4 ^ h5 ^ h6;
}

static void fp_no_yield(int who)
{
    (void)who;
}

/* a and b take turns after every round. */
static void fp_yield(int who)
{
    if (who == 0)
        fiber_switch(fp.a, fp.b);
    else
        fiber_switch(fp.b, fp.a);
}

static double fp_d[2];
static unsigned long fp_i[2];

static void fp_fiber_a(void *arg)
{
    (void)arg;
    fp_kernel(3, fp_yield, 0, &fp_d[0], &fp_i[0]);
    /* b is parked in its last yield: let it finish. */
    fiber_switch(fp.a, fp.b);
    ck_abort_msg("fp fiber a resumed");
}

static void fp_fiber_b(void *arg)
{
    (void)arg;
    fp_kernel(11, fp_yield, 1, &fp_d[1], &fp_i[1]);
    fiber_switch(fp.b, fp.main);
    ck_abort_msg("fp fiber b resumed");
}

START_TEST(test_registers_survive)
{
    double want_d[2];
    unsigned long want_i[2];

    fp_kernel(3, fp_no_yield, 0, &want_d[0], &want_i[0]);
    fp_kernel(11, fp_no_yield, 1, &want_d[1], &want_i[1]);
    ck_assert(want_d[0] != want_d[1]);

    fp.main = fiber_self();
    fp.a = fiber_create(fp_fiber_a, NULL);
    fp.b = fiber_create(fp_fiber_b, NULL);
    fiber_switch(fp.main, fp.a);
    /* Bit for bit: the same operations in the same order. */
    ck_assert(fp_d[0] == want_d[0]);
    ck_assert(fp_d[1] == want_d[1]);
    ck_assert_uint_eq(fp_i[0], want_i[0]);
    ck_assert_uint_eq(fp_i[1], want_i[1]);
    fiber_destroy(fp.a);
    fiber_destroy(fp.b);
}
END_TEST

#if defined(__x86_64__) || defined(__aarch64__)
/* The rounding mode (MXCSR and the x87 control word; FPCR on arm64)
 * belongs to a fiber. */
static volatile double fe_one = 1.0, fe_three = 3.0;
static double fe_up, fe_down;

static void fe_fiber_a(void *arg)
{
    (void)arg;
    ck_assert_int_eq(fesetround(FE_UPWARD), 0);
    fiber_switch(fp.a, fp.b);
    ck_assert_int_eq(fegetround(), FE_UPWARD);
    fe_up = fe_one / fe_three;
    fiber_switch(fp.a, fp.b);
    ck_abort_msg("fe fiber a resumed");
}

static void fe_fiber_b(void *arg)
{
    (void)arg;
    /* A new fiber starts with its creator's mode. */
    ck_assert_int_eq(fegetround(), FE_TONEAREST);
    ck_assert_int_eq(fesetround(FE_DOWNWARD), 0);
    fiber_switch(fp.b, fp.a);
    ck_assert_int_eq(fegetround(), FE_DOWNWARD);
    fe_down = fe_one / fe_three;
    fiber_switch(fp.b, fp.main);
    ck_abort_msg("fe fiber b resumed");
}

START_TEST(test_rounding_mode_per_fiber)
{
    fp.main = fiber_self();
    fp.a = fiber_create(fe_fiber_a, NULL);
    fp.b = fiber_create(fe_fiber_b, NULL);
    fiber_switch(fp.main, fp.a);
    ck_assert_int_eq(fegetround(), FE_TONEAREST);
    ck_assert(fe_up > fe_down);
    ck_assert(nextafter(fe_down, 1.0) == fe_up);
    fiber_destroy(fp.a);
    fiber_destroy(fp.b);
}
END_TEST
#endif

/* ---- One pool and one self per OS thread -------------------------------- */

#define THREADS 4

struct worker {
    struct fiber *self;
    long runs;
    char log[16];
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct reuse r = {0};
    struct pingpong pp = {0};

    w->self = fiber_self();
    r.main = w->self;
    for (int i = 0; i < 1000; i++)
        reuse_once(&r);
    w->runs = r.runs;
    pp.main = w->self;
    pp.a = fiber_create(pp_fiber_a, &pp);
    pp.b = fiber_create(pp_fiber_b, &pp);
    fiber_switch(pp.main, pp.a);
    fiber_destroy(pp.a);
    fiber_destroy(pp.b);
    memcpy(w->log, pp.log, sizeof(w->log));
    return NULL;
}

START_TEST(test_per_thread)
{
    pthread_t t[THREADS];
    struct worker w[THREADS] = {0};

    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        ck_assert_int_eq(w[i].runs, 1000);
        ck_assert_str_eq(w[i].log, "abababx");
        ck_assert_ptr_ne(w[i].self, fiber_self());
        for (int j = 0; j < i; j++)
            ck_assert_ptr_ne(w[i].self, w[j].self);
    }
}
END_TEST

/* ---- Misuse aborts ----------------------------------------------------- */

/* The abort message is expected: keep it out of the test log. */
static void quiet_stderr(void)
{
    ck_assert_ptr_nonnull(freopen("/dev/null", "w", stderr));
}

static void returning_fiber(void *arg)
{
    (void)arg;
}

START_TEST(test_fn_return_aborts)
{
    struct fiber *f = fiber_create(returning_fiber, NULL);

    quiet_stderr();
    fiber_switch(fiber_self(), f);
    ck_abort_msg("a returning fiber came back");
}
END_TEST

static struct fiber *suicidal;

static void suicidal_fiber(void *arg)
{
    (void)arg;
    fiber_destroy(suicidal);
    ck_abort_msg("a fiber destroyed itself");
}

START_TEST(test_destroy_running_aborts)
{
    quiet_stderr();
    suicidal = fiber_create(suicidal_fiber, NULL);
    fiber_switch(fiber_self(), suicidal);
}
END_TEST

START_TEST(test_destroy_self_aborts)
{
    quiet_stderr();
    fiber_destroy(fiber_self());
}
END_TEST

static Suite *fiber_suite(void)
{
    Suite *s = suite_create("fiber");
    TCase *tc = tcase_create("switch");
    TCase *mem = tcase_create("stacks");
    TCase *bad = tcase_create("misuse");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_pingpong);
    tcase_add_test(tc, test_self_is_stable);
    tcase_add_test(tc, test_impl_name);
    tcase_add_test(tc, test_round_robin);
    tcase_add_test(tc, test_nested_create);
    tcase_add_test(tc, test_registers_survive);
#if defined(__x86_64__) || defined(__aarch64__)
    tcase_add_test(tc, test_rounding_mode_per_fiber);
#endif
    tcase_add_test(tc, test_per_thread);
    suite_add_tcase(s, tc);

    tcase_set_timeout(mem, 60);
    tcase_add_test(mem, test_destroy_reuses_stack);
    tcase_add_test(mem, test_create_destroy_100000);
    tcase_add_test(mem, test_many_alive);
    tcase_add_test(mem, test_deep_recursion_64k);
    tcase_add_test(mem, test_deep_recursion_most_of_stack);
    tcase_add_test_raise_signal(mem, test_overflow_hits_guard_page, SIGSEGV);
    suite_add_tcase(s, mem);

    tcase_set_timeout(bad, 30);
    tcase_add_test_raise_signal(bad, test_fn_return_aborts, SIGABRT);
    tcase_add_test_raise_signal(bad, test_destroy_running_aborts, SIGABRT);
    tcase_add_test_raise_signal(bad, test_destroy_self_aborts, SIGABRT);
    suite_add_tcase(s, bad);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fiber_suite());
    int failed;

    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
