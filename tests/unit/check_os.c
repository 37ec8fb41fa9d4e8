/* SPDX-License-Identifier: MIT */
/*
 * check_os.c - the os backend: real pthreads on real cores. Each test builds
 * a tiny program (setup + check through the student API) and runs it for
 * real: races that really lose updates, locks that really make a counter
 * exact, every primitive's semantics and misuse errors, timeouts, the
 * watchdog turning a real deadlock into a report, and the merged records.
 *
 * Results that depend on the OS scheduler are asserted only where they are
 * certain (a locked counter is exact, a deadlock built with a barrier always
 * happens); the one statistical test (lost updates) retries before failing.
 * Every test runs in its own forked process with a timeout, since a bug here
 * is a hang.
 */
#include <check.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../core/engine.h" /* rl_os_dropped */
#include "../../core/racelab.h"
#include "../../core/run.h"

/* ---- harness ------------------------------------------------------------- */

static uint64_t nrecords; /* records seen by on_record */
static uint64_t last_seq;
static bool seq_ordered;
static long next_before[RL_MAX_THREADS]; /* per-thread fetch_add order */
static bool program_ordered;             /* before = 0, 1, 2, ... exactly */
static bool program_increasing; /* increasing (records may be dropped) */
static rl_var *mine[RL_MAX_THREADS];

static void on_rec(void *ctx, const struct rl_run *run,
                   const struct rl_record *r)
{
    (void)ctx;
    (void)run;
    nrecords++;
    if (r->seq <= last_seq)
        seq_ordered = false;
    last_seq = r->seq;
    /* Each thread adds 1 to its own variable: program order shows as
     * before = 0, 1, 2, ... */
    if (r->op == RL_OP_FETCH_ADD && r->thread >= 0 &&
        r->thread < RL_MAX_THREADS && mine[r->thread]) {
        if (r->before != next_before[r->thread])
            program_ordered = false;
        if (r->before < next_before[r->thread])
            program_increasing = false;
        next_before[r->thread] = r->before + 1;
    }
}

static struct rl_run_config config(void (*setup)(void *), bool record)
{
    struct rl_run_config cfg;

    memset(&cfg, 0, sizeof cfg);
    cfg.program.setup = setup;
    cfg.backend = RL_BACKEND_OS;
    cfg.record = record;
    cfg.watchdog_ms = 300;
    cfg.timeout_ms = 20000;
    cfg.on_record = on_rec;
    nrecords = 0;
    last_seq = 0;
    seq_ordered = true;
    program_ordered = true;
    program_increasing = true;
    memset(next_before, 0, sizeof next_before);
    memset(mine, 0, sizeof mine);
    return cfg;
}

static struct rl_run *create(const struct rl_run_config *cfg)
{
    char err[256];
    struct rl_run *run = rl_run_create(cfg, err, sizeof err);

    ck_assert_msg(run != NULL, "%s", err);
    return run;
}

/* Run setup to the end on os; the run is returned for inspection. */
static struct rl_run *run_os(void (*setup)(void *), bool record)
{
    struct rl_run_config cfg = config(setup, record);
    struct rl_run *run = create(&cfg);

    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    return run;
}

/* The check named name: its verdict in *ok, its message returned. */
static const char *check_msg(struct rl_run *run, const char *name, bool *ok)
{
    int i;

    for (i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result c;

        rl_run_check(run, i, &c);
        if (strcmp(c.name, name) == 0) {
            *ok = c.ok;
            return c.message;
        }
    }
    ck_abort_msg("no check named %s", name);
    return NULL;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Results written by lab threads, read after the run (the run's end is a
 * synchronization point: every thread has been joined). */
static int res[RL_MAX_THREADS][8];

/* ---- counters --------------------------------------------------------------
 */

static rl_var *counter;
static rl_lock *L, *A, *B, *R;
static long iters;

static void unsafe_body(void *arg)
{
    long i;

    (void)arg;
    for (i = 0; i < iters; i++) {
        long v = rl_load(counter);
        rl_store(counter, v + 1);
    }
}

static void locked_body(void *arg)
{
    long i;

    (void)arg;
    for (i = 0; i < iters; i++) {
        rl_lock_acquire(L);
        rl_store(counter, rl_load(counter) + 1);
        rl_lock_release(L);
    }
}

static void unsafe_setup(void *ctx)
{
    (void)ctx;
    counter = rl_var_create("counter", 0);
    rl_thread_start(NULL, unsafe_body, NULL);
    rl_thread_start(NULL, unsafe_body, NULL);
}

static void locked_setup(void *ctx)
{
    int i;

    (void)ctx;
    counter = rl_var_create("counter", 0);
    L = rl_lock_create("L");
    for (i = 0; i < 4; i++)
        rl_thread_start(NULL, locked_body, NULL);
}

START_TEST(test_unsafe_counter_loses_updates)
{
    long final = 0;
    int attempt;

    /* Real threads: on a loaded machine one may run its whole loop before
     * the other is scheduled, so a run may lose nothing; a loss in one of
     * 20 runs is what is certain (the bench measures the rate). */
    iters = 1000000;
    for (attempt = 0; attempt < 20; attempt++) {
        struct rl_run *run = run_os(unsafe_setup, false);

        final = rl_var_peek(counter);
        rl_run_destroy(run);
        if (final < 2 * iters)
            break;
    }
    ck_assert_msg(final < 2 * iters,
                  "no update lost in 20 runs of 2 x %ld (final %ld)", iters,
                  final);
    ck_assert_int_gt(final, 0);
}
END_TEST

START_TEST(test_unsafe_counter_recorded)
{
    /* With recording on the race is still real. 4 records per increment
     * outrun the merge, so the oldest may be dropped: every record made is
     * either kept (in order) or counted as dropped. */
    long final = 0;
    int attempt;

    iters = 300000;
    for (attempt = 0; attempt < 20; attempt++) { /* loaded: see above */
        struct rl_run *run = run_os(unsafe_setup, true);

        final = rl_var_peek(counter);
        ck_assert(seq_ordered);
        ck_assert_uint_eq(rl_run_record_last(run), nrecords);
        ck_assert_uint_eq(nrecords + rl_os_dropped(run),
                          2 * (2 * (uint64_t)iters + 2));
        rl_run_destroy(run);
        if (final < 2 * iters)
            break;
    }
    ck_assert_msg(final < 2 * iters, "no update lost in 20 runs (final %ld)",
                  final);
}
END_TEST

START_TEST(test_locked_counter_exact)
{
    struct rl_run *run;
    bool ok;

    iters = 1000000;
    run = run_os(locked_setup, false);
    ck_assert_int_eq(rl_var_peek(counter), 4 * iters);
    ck_assert(rl_run_passed(run));
    check_msg(run, "no deadlock", &ok);
    ck_assert(ok);
    ck_assert_uint_eq(rl_run_record_last(run), 0);
    ck_assert_uint_eq(nrecords, 0); /* recording off: no record at all */
    rl_run_destroy(run);
}
END_TEST

/* ---- records
 * ----------------------------------------------------------------- */

static void own_body(void *arg)
{
    long i;
    int id = rl_self();

    (void)arg;
    for (i = 0; i < iters; i++)
        rl_fetch_add(mine[id], 1);
}

static void own_setup(void *ctx)
{
    int i;

    (void)ctx;
    for (i = 0; i < 4; i++) {
        mine[i] = rl_var_create(NULL, 0);
        rl_thread_start(NULL, own_body, NULL);
    }
}

START_TEST(test_records_in_order)
{
    struct rl_run *run;
    uint64_t s;
    int i, starts = 0, finishes = 0;

    iters = 30000;
    run = run_os(own_setup, true);
    ck_assert(seq_ordered);
    ck_assert(program_ordered);
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(next_before[i], iters);
    ck_assert_uint_eq(nrecords, 4 * ((uint64_t)iters + 2));
    ck_assert_uint_eq(rl_run_record_first(run), 1);
    ck_assert_uint_eq(rl_run_record_last(run), nrecords);
    for (s = 1; s <= rl_run_record_last(run); s++) {
        const struct rl_record *r = rl_run_record(run, s);

        ck_assert_ptr_nonnull(r);
        ck_assert_uint_eq(r->seq, s);
        starts += r->op == RL_OP_START;
        finishes += r->op == RL_OP_FINISH;
    }
    ck_assert_int_eq(starts, 4);
    ck_assert_int_eq(finishes, 4);
    for (i = 0; i < 4; i++) {
        struct rl_thread_view v;

        rl_run_thread(run, i, &v);
        ck_assert_int_eq(v.state, RL_T_DONE);
        ck_assert_uint_eq(v.steps, (uint64_t)iters + 2);
    }
    rl_run_destroy(run);
}
END_TEST

/* The merged order of a whole recorded run (nothing dropped), walked
 * record by record: seq is 1..N without a gap; each thread's records come
 * in its program order (start first, finish last); on Lock `lk` an acquire
 * finds it free and a release is made by its holder (an acquire follows
 * the release that freed it); on variable `var` every load reads the value
 * the previous record left and every store's before is that value (the
 * before/after chain is continuous); and, if `guarded`, every access to
 * var is made by the holder of lk. Returns var's last value. */
static long check_merged_order(struct rl_run *run, int nthreads,
                               const rl_lock *lk, const rl_var *var,
                               bool guarded)
{
    int lock_id = lk ? ((const struct rl_obj *)lk)->id : -2;
    int var_id = ((const struct rl_obj *)var)->id;
    int holder = -1, t;
    bool started[RL_MAX_THREADS] = {false}, finished[RL_MAX_THREADS] = {false};
    uint64_t s, n = rl_run_record_last(run);
    long cur = 0;

    ck_assert_uint_eq(rl_os_dropped(run), 0);
    ck_assert_uint_eq(rl_run_dropped(run), 0);
    ck_assert_uint_eq(rl_run_record_first(run), 1);
    ck_assert_uint_eq(n, nrecords);
    for (s = 1; s <= n; s++) {
        const struct rl_record *r = rl_run_record(run, s);

        ck_assert_ptr_nonnull(r);
        ck_assert_uint_eq(r->seq, s);
        t = r->thread;
        ck_assert(t >= 0 && t < nthreads);
        ck_assert_msg(r->op == RL_OP_START || (started[t] && !finished[t]),
                      "seq %llu: T%d's record out of its program order",
                      (unsigned long long)s, t);
        if (r->op == RL_OP_START) {
            ck_assert(!started[t]);
            started[t] = true;
        }
        finished[t] |= r->op == RL_OP_FINISH;
        if (r->obj == lock_id && r->op == RL_OP_ACQUIRE &&
            (r->result == RL_RES_OK || r->result == RL_RES_WOKE)) {
            ck_assert_msg(holder == -1,
                          "seq %llu: T%d acquires L held by T%d",
                          (unsigned long long)s, t, holder);
            holder = t;
        } else if (r->obj == lock_id && r->op == RL_OP_RELEASE) {
            ck_assert_int_eq(r->result, RL_RES_OK);
            ck_assert_msg(holder == t, "seq %llu: T%d releases L held by T%d",
                          (unsigned long long)s, t, holder);
            holder = -1;
        } else if (r->obj == var_id) {
            ck_assert_msg(r->before == cur,
                          "seq %llu: T%d's %s finds %ld, the previous record "
                          "left %ld",
                          (unsigned long long)s, t,
                          r->op == RL_OP_LOAD ? "load" : "store", r->before,
                          cur);
            if (guarded)
                ck_assert_int_eq(holder, t);
            cur = r->after;
        }
    }
    for (t = 0; t < nthreads; t++)
        ck_assert(started[t] && finished[t]);
    ck_assert_int_eq(holder, -1);
    return cur;
}

START_TEST(test_merged_order_locked_counter)
{
    /* 4 threads x 3000 locked increments, recording on: the rings never
     * fill (fewer records per thread than a ring holds), so every record
     * is merged and the whole order can be checked. */
    struct rl_run_config cfg;
    struct rl_run *run;

    iters = 3000;
    cfg = config(locked_setup, true);
    cfg.max_records = 1 << 20;
    run = create(&cfg);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert(seq_ordered);
    ck_assert_int_eq(check_merged_order(run, 4, L, counter, true), 4 * iters);
    ck_assert_int_eq(rl_var_peek(counter), 4 * iters);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_merged_order_racy_counter)
{
    /* The unsafe counter, recording on: the loads and stores race for
     * real, and the merged records still show each value where it was -
     * every load reads what the previous record left, every store
     * overwrites it - lost updates included. */
    struct rl_run_config cfg;
    struct rl_run *run;
    long last;

    iters = 20000;
    cfg = config(unsafe_setup, true);
    cfg.max_records = 1 << 20;
    run = create(&cfg);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert_uint_eq(nrecords, 2 * (2 * (uint64_t)iters + 2));
    last = check_merged_order(run, 2, NULL, counter, false);
    ck_assert_int_eq(last, rl_var_peek(counter));
    rl_run_destroy(run);
}
END_TEST

/* ---- record slots -----------------------------------------------------------
 * A ring slot keeps arg, before and after in two words, in one of several
 * forms (os_impl.h): each form's record must come out of the merge with
 * its exact values. */

static rl_sem *S;
static rl_barrier *BAR;

static void forms_body(void *arg)
{
    (void)arg;
    rl_store(counter, 5);                      /* arg in 16 bits */
    rl_store(counter, 1L << 40);               /* arg == after */
    rl_fetch_add(counter, -(1L << 35));        /* arg == after - before */
    rl_fetch_add(counter, 1L << 41);           /* arg == after - before */
    rl_lock_acquire_timeout(L, 100000);        /* before, after in 32 bits */
    rl_lock_release(L);                        /* arg in 16 bits */
    rl_sem_acquire_timeout(S, 100000);         /* after == before - 1 */
    rl_barrier_wait_timeout(BAR, 100000);      /* after == before */
    rl_lock_acquire_timeout(R, -5);            /* RLock, arg -1 */
    rl_lock_acquire_timeout(R, 40000);         /* RLock depth 1 -> 2 */
    rl_lock_release(R);
    rl_lock_release(R);
}

static void forms_setup(void *ctx)
{
    (void)ctx;
    counter = rl_var_create("counter", 0);
    L = rl_lock_create("L");
    R = rl_rlock_create("R");
    S = rl_semaphore_create("S", 3);
    BAR = rl_barrier_create("B", 1);
    rl_thread_start(NULL, forms_body, NULL);
}

START_TEST(test_slot_forms_exact)
{
    static const struct {
        enum rl_op op;
        long arg, before, after;
    } want[] = {
        {RL_OP_STORE, 5, 0, 5},
        {RL_OP_STORE, 1L << 40, 5, 1L << 40},
        {RL_OP_FETCH_ADD, -(1L << 35), 1L << 40, (1L << 40) - (1L << 35)},
        {RL_OP_FETCH_ADD, 1L << 41, (1L << 40) - (1L << 35),
         (1L << 40) - (1L << 35) + (1L << 41)},
        {RL_OP_ACQUIRE, 100000, 0, 1},
        {RL_OP_RELEASE, 0, 1, 0},
        {RL_OP_ACQUIRE, 100000, 3, 2},
        {RL_OP_BARRIER, 100000, 0, 0},
        {RL_OP_ACQUIRE, -1, 0, 1},
        {RL_OP_ACQUIRE, 40000, 1, 2},
        {RL_OP_RELEASE, 0, 2, 1},
        {RL_OP_RELEASE, 0, 1, 0},
    };
    struct rl_run *run = run_os(forms_setup, true);
    size_t n = 0;
    uint64_t s;

    for (s = rl_run_record_first(run); s <= rl_run_record_last(run); s++) {
        const struct rl_record *r = rl_run_record(run, s);

        if (r->op == RL_OP_START || r->op == RL_OP_FINISH ||
            r->op == RL_OP_SPAWN)
            continue;
        ck_assert_uint_lt(n, sizeof want / sizeof want[0]);
        ck_assert_int_eq(r->thread, 0);
        ck_assert_int_eq(r->op, want[n].op);
        ck_assert_int_eq(r->result, RL_RES_OK);
        ck_assert_int_eq(r->other, -1);
        ck_assert_int_eq(r->arg, want[n].arg);
        ck_assert_int_eq(r->before, want[n].before);
        ck_assert_int_eq(r->after, want[n].after);
        n++;
    }
    ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
    ck_assert_uint_eq(rl_os_dropped(run), 0);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_records_dropped_when_rings_overflow)
{
    /* 4 x 400000 records: far more than a ring holds between two merges.
     * The oldest are dropped and counted; what is kept stays in order. */
    struct rl_run_config cfg;
    struct rl_run *run;
    int i;

    iters = 400000;
    cfg = config(own_setup, true);
    cfg.max_records = 4 * ((size_t)iters + 2);
    run = create(&cfg);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    ck_assert(seq_ordered);
    ck_assert(program_increasing);
    ck_assert_uint_eq(nrecords + rl_os_dropped(run), 4 * ((uint64_t)iters + 2));
    for (i = 0; i < 4; i++) /* the newest records of each thread are kept */
        ck_assert_int_eq(next_before[i], iters);
    ck_assert_int_eq(rl_var_peek(mine[0]), iters);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_recording_off)
{
    struct rl_run *run;

    iters = 1000;
    run = run_os(own_setup, false);
    ck_assert_uint_eq(nrecords, 0);
    ck_assert_uint_eq(rl_run_record_last(run), 0);
    ck_assert_ptr_null(rl_run_record(run, 1));
    ck_assert_int_eq(rl_var_peek(mine[3]), iters);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_start_and_poll)
{
    struct rl_run_config cfg;
    struct rl_run *run;
    enum rl_end e;
    char err[128];
    int polls = 0;

    iters = 20000;
    cfg = config(own_setup, true);
    run = create(&cfg);
    ck_assert_int_eq(rl_run_poll(run), RL_END_RUNNING); /* not started */
    ck_assert_int_eq(rl_run_start(run, err, sizeof err), 0);
    while ((e = rl_run_poll(run)) == RL_END_RUNNING) {
        struct timespec ts = {0, 1000000};

        nanosleep(&ts, NULL);
        polls++;
    }
    ck_assert_int_eq(e, RL_END_DONE);
    ck_assert(rl_run_passed(run));
    ck_assert(seq_ordered);
    ck_assert(program_ordered);
    ck_assert_uint_eq(nrecords, 4 * ((uint64_t)iters + 2));
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_step_needs_sim)
{
    struct rl_run_config cfg = config(own_setup, false);
    struct rl_run *run;
    char err[128] = "";

    iters = 10;
    run = create(&cfg);
    ck_assert_int_eq(rl_run_step_thread(run, 0, err, sizeof err), -1);
    ck_assert_str_eq(err, "stepping needs the sim backend");
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    rl_run_destroy(run);
}
END_TEST

/* ---- Lock and RLock ---------------------------------------------------------
 */

static rl_event *E1, *E2;

static void rlock_owner(void *arg)
{
    (void)arg;
    res[0][0] = rl_lock_acquire(R);
    res[0][1] = rl_lock_acquire(R);
    res[0][2] = rl_lock_acquire(R);
    rl_event_set(E1);
    rl_event_wait(E2);
    res[0][3] = rl_lock_release(R);
    res[0][4] = rl_lock_release(R);
    res[0][5] = rl_lock_release(R);
    res[0][6] = rl_lock_locked(R);
}

static void rlock_thief(void *arg)
{
    (void)arg;
    rl_event_wait(E1);
    res[1][0] = rl_lock_release(R);     /* not the owner */
    res[1][1] = rl_lock_try_acquire(R); /* held by T0 */
    rl_event_set(E2);
    res[1][2] = rl_lock_acquire(R); /* after T0 lets go */
    res[1][3] = rl_lock_release(R);
}

static void rlock_setup(void *ctx)
{
    (void)ctx;
    R = rl_rlock_create("R");
    E1 = rl_event_create("E1");
    E2 = rl_event_create("E2");
    rl_thread_start(NULL, rlock_owner, NULL);
    rl_thread_start(NULL, rlock_thief, NULL);
}

START_TEST(test_rlock_nesting_and_owner)
{
    struct rl_run *run = run_os(rlock_setup, true);
    int depths[8], nd = 0, id = rl_run_object_find(run, "R");
    const char *msg;
    uint64_t s;
    bool ok;

    ck_assert_int_eq(res[0][0] | res[0][1] | res[0][2], RL_OK);
    ck_assert_int_eq(res[0][3] | res[0][4] | res[0][5], RL_OK);
    ck_assert_int_eq(res[0][6], 0);
    ck_assert_int_eq(res[1][0], RL_ERR_NOT_OWNER);
    ck_assert_int_eq(res[1][1], RL_TIMEOUT);
    ck_assert_int_eq(res[1][2], RL_OK);
    ck_assert_int_eq(res[1][3], RL_OK);
    /* The owner's depth, as its records show it: 1 2 3 then 2 1 0. */
    for (s = 1; s <= rl_run_record_last(run); s++) {
        const struct rl_record *r = rl_run_record(run, s);

        if (r->thread == 0 && r->obj == id && r->result == RL_RES_OK && nd < 8)
            depths[nd++] = (int)r->after;
    }
    ck_assert_int_eq(nd, 6);
    ck_assert_int_eq(depths[0], 1);
    ck_assert_int_eq(depths[2], 3);
    ck_assert_int_eq(depths[3], 2);
    ck_assert_int_eq(depths[5], 0);
    msg = check_msg(run, "no misuse", &ok);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(strstr(msg, rl_strerror(RL_ERR_NOT_OWNER)));
    ck_assert_str_eq(rl_strerror(RL_ERR_NOT_OWNER),
                     "cannot release un-acquired lock");
    ck_assert(!rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

static void lock_taker(void *arg)
{
    (void)arg;
    res[0][0] = rl_lock_acquire(L);
    rl_event_set(E1);
    rl_event_wait(E2);
    res[0][1] = rl_lock_locked(L);
}

static void lock_freer(void *arg)
{
    (void)arg;
    rl_event_wait(E1);
    res[1][0] = rl_lock_release(L); /* a Lock is not owned: allowed */
    res[1][1] = rl_lock_try_acquire(L);
    res[1][2] = rl_lock_release(L);
    rl_event_set(E2);
}

static void lock_other_setup(void *ctx)
{
    (void)ctx;
    L = rl_lock_create("L");
    E1 = rl_event_create("E1");
    E2 = rl_event_create("E2");
    rl_thread_start(NULL, lock_taker, NULL);
    rl_thread_start(NULL, lock_freer, NULL);
}

START_TEST(test_lock_released_by_other_thread)
{
    struct rl_run *run = run_os(lock_other_setup, true);

    ck_assert_int_eq(res[0][0], RL_OK);
    ck_assert_int_eq(res[1][0], RL_OK);
    ck_assert_int_eq(res[1][1], RL_OK);
    ck_assert_int_eq(res[1][2], RL_OK);
    ck_assert_int_eq(res[0][1], 0);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

static void double_release(void *arg)
{
    (void)arg;
    res[0][0] = rl_lock_acquire(L);
    res[0][1] = rl_lock_release(L);
    res[0][2] = rl_lock_release(L);
    res[0][3] = rl_lock_try_acquire(L); /* still usable */
    res[0][4] = rl_lock_release(L);
}

static void double_release_setup(void *ctx)
{
    (void)ctx;
    L = rl_lock_create("L");
    rl_thread_start("worker", double_release, NULL);
}

START_TEST(test_lock_double_release)
{
    struct rl_run *run = run_os(double_release_setup, true);
    const struct rl_record *r;
    const char *msg;
    char line[128];
    uint64_t s;
    bool ok;

    ck_assert_int_eq(res[0][0], RL_OK);
    ck_assert_int_eq(res[0][1], RL_OK);
    ck_assert_int_eq(res[0][2], RL_ERR_UNLOCKED);
    ck_assert_int_eq(res[0][3], RL_OK);
    ck_assert_int_eq(res[0][4], RL_OK);
    msg = check_msg(run, "no misuse", &ok);
    ck_assert(!ok);
    /* "worker: release unlocked lock (Lock L, step 4)": the seq of the
     * misuse record (start, acquire, release, release). */
    ck_assert_msg(strncmp(msg, "worker: release unlocked lock (Lock L, ", 39) ==
                          0 &&
                      strstr(msg, " 4)") != NULL,
                  "%s", msg);
    /* The record of the misuse: start, acquire, release, release. */
    s = 4;
    r = rl_run_record(run, s);
    ck_assert_int_eq(r->op, RL_OP_RELEASE);
    ck_assert_int_eq(r->result, RL_RES_ERROR);
    ck_assert_int_eq(r->arg, RL_ERR_UNLOCKED);
    rl_record_text(run, r, line, sizeof line);
    ck_assert_str_eq(line, "release L: error: release unlocked lock");
    ck_assert(!rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- semaphores ------------------------------------------------------------
 */

static rl_sem *S;

static void bounded_body(void *arg)
{
    (void)arg;
    res[0][0] = rl_sem_acquire(S);
    res[0][1] = rl_sem_acquire(S);
    res[0][2] = rl_sem_try_acquire(S);
    res[0][3] = rl_sem_release(S);
    res[0][4] = rl_sem_release(S);
    res[0][5] = rl_sem_release(S); /* over the initial value */
    res[0][6] = (int)rl_sem_value(S);
}

static void bounded_setup(void *ctx)
{
    (void)ctx;
    S = rl_bounded_semaphore_create("S", 2);
    rl_thread_start(NULL, bounded_body, NULL);
}

START_TEST(test_bounded_semaphore_over_release)
{
    struct rl_run *run = run_os(bounded_setup, true);
    const char *msg;
    bool ok;

    ck_assert_int_eq(res[0][0], RL_OK);
    ck_assert_int_eq(res[0][1], RL_OK);
    ck_assert_int_eq(res[0][2], RL_TIMEOUT);
    ck_assert_int_eq(res[0][3], RL_OK);
    ck_assert_int_eq(res[0][4], RL_OK);
    ck_assert_int_eq(res[0][5], RL_ERR_TOO_MANY);
    ck_assert_int_eq(res[0][6], 2);
    msg = check_msg(run, "no misuse", &ok);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(strstr(msg, "Semaphore released too many times"));
    rl_run_destroy(run);
}
END_TEST

/* A semaphore of 3 guards a room: never more than 3 inside. */
static rl_var *inside, *peak;

static void room_body(void *arg)
{
    int i;

    (void)arg;
    for (i = 0; i < 20000; i++) {
        long n;

        rl_sem_acquire(S);
        n = rl_fetch_add(inside, 1) + 1;
        if (n > 3)
            rl_fail("at most 3 inside", "%ld inside", n);
        if (n > rl_var_peek(peak))
            rl_store(peak, n);
        rl_fetch_add(inside, -1);
        rl_sem_release(S);
    }
}

static void room_setup(void *ctx)
{
    int i;

    (void)ctx;
    S = rl_semaphore_create("S", 3);
    inside = rl_var_create("inside", 0);
    peak = rl_var_create("peak", 0);
    for (i = 0; i < 6; i++)
        rl_thread_start(NULL, room_body, NULL);
}

START_TEST(test_semaphore_limits)
{
    struct rl_run *run = run_os(room_setup, false);

    ck_assert(rl_run_passed(run));
    ck_assert_int_eq(rl_sem_value(S), 3);
    ck_assert_int_le(rl_var_peek(peak), 3);
    ck_assert_int_eq(rl_var_peek(inside), 0);
    rl_run_destroy(run);
}
END_TEST

/* ---- Condition: producer / consumer ----------------------------------------
 */

#define PC_CAP 4
#define PC_ITEMS 20000
static rl_cond *not_full, *not_empty;
static long buf[PC_CAP];
static int head, tail, count;
static long consumed_sum[2], consumed_n[2];

static void producer(void *arg)
{
    long base = (long)(intptr_t)arg, i;

    for (i = 1; i <= PC_ITEMS; i++) {
        rl_lock_acquire(L);
        while (count == PC_CAP)
            rl_cond_wait(not_full);
        if (count < 0 || count >= PC_CAP)
            rl_fail("buffer bounds", "count %d on put", count);
        buf[tail] = base + i;
        tail = (tail + 1) % PC_CAP;
        count++;
        rl_cond_notify(not_empty);
        rl_lock_release(L);
    }
}

static void consumer(void *arg)
{
    int me = (int)(intptr_t)arg;
    long i;

    for (i = 0; i < PC_ITEMS; i++) {
        rl_lock_acquire(L);
        while (count == 0)
            rl_cond_wait(not_empty);
        if (count <= 0 || count > PC_CAP)
            rl_fail("buffer bounds", "count %d on get", count);
        consumed_sum[me] += buf[head];
        consumed_n[me]++;
        head = (head + 1) % PC_CAP;
        count--;
        rl_cond_notify(not_full);
        rl_lock_release(L);
    }
}

static void pc_setup(void *ctx)
{
    (void)ctx;
    L = rl_lock_create("L");
    not_full = rl_cond_create("not_full", L);
    not_empty = rl_cond_create("not_empty", L);
    head = tail = count = 0;
    rl_thread_start("P0", producer, (void *)(intptr_t)0);
    rl_thread_start("P1", producer, (void *)(intptr_t)1000000);
    rl_thread_start("C0", consumer, (void *)(intptr_t)0);
    rl_thread_start("C1", consumer, (void *)(intptr_t)1);
}

START_TEST(test_condition_producer_consumer)
{
    long n = PC_ITEMS;
    long expect = n * (n + 1) / 2 + n * (n + 1) / 2 + 1000000L * n;
    struct rl_run *run = run_os(pc_setup, false);

    ck_assert(rl_run_passed(run));
    ck_assert_int_eq(count, 0);
    ck_assert_int_eq(consumed_n[0] + consumed_n[1], 2 * n);
    ck_assert_int_eq(consumed_sum[0] + consumed_sum[1], expect);
    rl_run_destroy(run);
}
END_TEST

/* A Condition on an RLock held twice: wait releases fully, restores 2. */
static rl_cond *CV;
static rl_var *ready;

static void rwaiter(void *arg)
{
    (void)arg;
    rl_lock_acquire(R);
    rl_lock_acquire(R);
    while (rl_load(ready) == 0)
        res[0][0] = rl_cond_wait(CV);
    res[0][1] = rl_lock_release(R);
    res[0][2] = rl_lock_locked(R); /* still held once */
    res[0][3] = rl_lock_release(R);
    res[0][4] = rl_lock_release(R); /* one too many */
}

static void rnotifier(void *arg)
{
    (void)arg;
    res[1][0] = rl_cond_notify(CV); /* without the lock */
    res[1][1] = rl_cond_wait(CV);   /* without the lock */
    rl_lock_acquire(R);
    rl_store(ready, 1);
    res[1][2] = rl_cond_notify_all(CV);
    rl_lock_release(R);
}

static void rcond_setup(void *ctx)
{
    (void)ctx;
    CV = rl_cond_create("CV", NULL); /* an RLock, as in Python */
    R = rl_cond_lock(CV);
    ready = rl_var_create("ready", 0);
    rl_thread_start(NULL, rwaiter, NULL);
    rl_thread_start(NULL, rnotifier, NULL);
}

START_TEST(test_condition_rlock_depth_and_misuse)
{
    struct rl_run *run = run_os(rcond_setup, true);
    const char *msg;
    bool ok;

    ck_assert_int_eq(res[0][0], RL_OK);
    ck_assert_int_eq(res[0][1], RL_OK);
    ck_assert_int_eq(res[0][2], 1);
    ck_assert_int_eq(res[0][3], RL_OK);
    ck_assert_int_eq(res[0][4], RL_ERR_NOT_OWNER);
    ck_assert_int_eq(res[1][0], RL_ERR_NOTIFY_UNHELD);
    ck_assert_int_eq(res[1][1], RL_ERR_WAIT_UNHELD);
    ck_assert_int_eq(res[1][2], RL_OK);
    msg = check_msg(run, "no misuse", &ok);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(strstr(msg, "(and 2 more)"));
    rl_run_destroy(run);
}
END_TEST

/* ---- Event
 * ------------------------------------------------------------------- */

static rl_event *EV;
/* Released by each waiter once it has seen the event clear: the setter
 * sets only after all three did. (A sleep alone is no order: under load
 * a waiter may not run at all before the setter's sleep is over.) */
static rl_sem *EV_SEEN;

static void ev_waiter(void *arg)
{
    int me = rl_self();

    (void)arg;
    res[me][0] = rl_event_is_set(EV);
    rl_sem_release(EV_SEEN);
    res[me][1] = rl_event_wait(EV);
    res[me][2] = rl_event_is_set(EV);
    res[me][3] = rl_event_wait_timeout(EV, 5);
}

static void ev_setter(void *arg)
{
    int i;

    (void)arg;
    for (i = 0; i < 3; i++)
        rl_sem_acquire(EV_SEEN);
    /* Most often the waiters block meanwhile; either way is checked. */
    rl_sleep_ms(30);
    rl_event_set(EV);
}

static void event_setup(void *ctx)
{
    int i;

    (void)ctx;
    EV = rl_event_create("EV");
    EV_SEEN = rl_semaphore_create("EV_SEEN", 0);
    for (i = 0; i < 3; i++)
        rl_thread_start(NULL, ev_waiter, NULL);
    rl_thread_start("setter", ev_setter, NULL);
}

START_TEST(test_event_wait_set)
{
    struct rl_run *run = run_os(event_setup, true);
    uint64_t s;
    int i, woke = 0;
    long set_woke = -1;

    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(res[i][0], 0);
        ck_assert_int_eq(res[i][1], RL_OK);
        ck_assert_int_eq(res[i][2], 1);
        ck_assert_int_eq(res[i][3], RL_OK);
    }
    /* Each waiter's first wait either blocked and woke, or found it set;
     * the set record counts the ones it woke. */
    for (s = 1; s <= rl_run_record_last(run); s++) {
        const struct rl_record *r = rl_run_record(run, s);

        if (r->op == RL_OP_EVENT_WAIT && r->result == RL_RES_WOKE)
            woke++;
        if (r->op == RL_OP_SET)
            set_woke = r->arg;
    }
    ck_assert_int_eq(woke, set_woke);
    ck_assert_int_le(woke, 3);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- Barrier
 * ------------------------------------------------------------------- */

#define BR_PARTIES 4
#define BR_ROUNDS 200
static rl_barrier *BAR;
static rl_var *arrived[BR_ROUNDS];
static int idx_seen[BR_ROUNDS][BR_PARTIES];

static void barrier_body(void *arg)
{
    int me = rl_self(), r;

    (void)arg;
    for (r = 0; r < BR_ROUNDS; r++) {
        int idx;

        rl_fetch_add(arrived[r], 1);
        idx = rl_barrier_wait(BAR);
        if (rl_load(arrived[r]) != BR_PARTIES)
            rl_fail("all arrived", "round %d: only %ld arrived", r,
                    rl_load(arrived[r]));
        idx_seen[r][me] = idx;
    }
}

static void barrier_setup(void *ctx)
{
    int i;

    (void)ctx;
    BAR = rl_barrier_create("BAR", BR_PARTIES);
    for (i = 0; i < BR_ROUNDS; i++)
        arrived[i] = rl_var_create(NULL, 0);
    for (i = 0; i < BR_PARTIES; i++)
        rl_thread_start(NULL, barrier_body, NULL);
}

START_TEST(test_barrier_indices_and_rounds)
{
    struct rl_run *run = run_os(barrier_setup, false);
    int r, i;

    ck_assert(rl_run_passed(run));
    for (r = 0; r < BR_ROUNDS; r++) {
        int seen = 0;

        for (i = 0; i < BR_PARTIES; i++) {
            ck_assert_int_ge(idx_seen[r][i], 0);
            ck_assert_int_lt(idx_seen[r][i], BR_PARTIES);
            seen |= 1 << idx_seen[r][i];
        }
        ck_assert_int_eq(seen, (1 << BR_PARTIES) - 1);
    }
    rl_run_destroy(run);
}
END_TEST

/* ---- timeouts
 * -------------------------------------------------------------------- */

static long elapsed[8];

static void timeout_holder(void *arg)
{
    (void)arg;
    rl_lock_acquire(L);
    rl_lock_acquire(R);
    rl_event_set(E1);
    rl_event_wait(E2);
    rl_lock_release(R);
    rl_lock_release(L);
}

static void timeout_body(void *arg)
{
    long t0;

    (void)arg;
    rl_event_wait(E1);
    t0 = now_ms();
    res[1][0] = rl_lock_acquire_timeout(L, 40);
    elapsed[0] = now_ms() - t0;
    res[1][1] = rl_lock_try_acquire(L);
    t0 = now_ms();
    res[1][2] = rl_lock_acquire_timeout(R, 40);
    elapsed[1] = now_ms() - t0;
    t0 = now_ms();
    res[1][3] = rl_sem_acquire_timeout(S, 40);
    elapsed[2] = now_ms() - t0;
    t0 = now_ms();
    res[1][4] = rl_event_wait_timeout(EV, 40);
    elapsed[3] = now_ms() - t0;
    /* Condition.wait(timeout) re-acquires its lock either way. */
    rl_lock_acquire(A);
    t0 = now_ms();
    res[1][5] = rl_cond_wait_timeout(CV, 40);
    elapsed[4] = now_ms() - t0;
    res[1][6] = rl_lock_locked(A);
    rl_lock_release(A);
    rl_event_set(E2);
    /* A barrier of 2 that nobody else reaches: the timeout breaks it. */
    t0 = now_ms();
    res[1][7] = rl_barrier_wait_timeout(BAR, 40);
    elapsed[5] = now_ms() - t0;
    res[0][0] = rl_barrier_wait(BAR); /* broken for later callers too */
}

static void timeout_setup(void *ctx)
{
    (void)ctx;
    L = rl_lock_create("L");
    R = rl_rlock_create("R");
    A = rl_lock_create("A");
    S = rl_semaphore_create("S", 0);
    EV = rl_event_create("EV");
    E1 = rl_event_create("E1");
    E2 = rl_event_create("E2");
    CV = rl_cond_create("CV", A);
    BAR = rl_barrier_create("BAR", 2);
    rl_thread_start(NULL, timeout_holder, NULL);
    rl_thread_start(NULL, timeout_body, NULL);
}

START_TEST(test_timeouts)
{
    struct rl_run *run = run_os(timeout_setup, true);
    int i;

    ck_assert_int_eq(res[1][0], RL_TIMEOUT);
    ck_assert_int_eq(res[1][1], RL_TIMEOUT);
    ck_assert_int_eq(res[1][2], RL_TIMEOUT);
    ck_assert_int_eq(res[1][3], RL_TIMEOUT);
    ck_assert_int_eq(res[1][4], RL_TIMEOUT);
    ck_assert_int_eq(res[1][5], RL_TIMEOUT);
    ck_assert_int_eq(res[1][6], 1);
    ck_assert_int_eq(res[1][7], -RL_ERR_BROKEN);
    ck_assert_int_eq(res[0][0], -RL_ERR_BROKEN);
    for (i = 0; i < 6; i++) {
        ck_assert_int_ge(elapsed[i], 39);
        ck_assert_int_lt(elapsed[i], 2000);
    }
    ck_assert(rl_run_passed(run)); /* timeouts are not misuse */
    rl_run_destroy(run);
}
END_TEST

/* ---- join and sleep
 * --------------------------------------------------------------- */

static rl_thread *sleeper_t;

static void sleeper(void *arg)
{
    (void)arg;
    rl_sleep_ms(30);
    rl_store(counter, 7);
}

static void joiner(void *arg)
{
    (void)arg;
    rl_thread_join(sleeper_t);
    res[1][0] = (int)rl_load(counter);
    rl_thread_join(sleeper_t); /* already finished: returns at once */
}

static void join_setup(void *ctx)
{
    (void)ctx;
    counter = rl_var_create("counter", 0);
    sleeper_t = rl_thread_start("sleeper", sleeper, NULL);
    rl_thread_start("joiner", joiner, NULL);
}

START_TEST(test_join_waits)
{
    struct rl_run *run = run_os(join_setup, true);

    ck_assert_int_eq(res[1][0], 7);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- a contended Lock: spin, then sleep
 * ----------------------------------------------------------------- */

static _Atomic int lk_held;  /* T0 holds L */
static _Atomic int lk_about; /* T1 is about to acquire L */
static long lk_hold_us;      /* how long T0 holds L after that */
static long lk_waited_ns, lk_wait_cpu_ns; /* T1's acquire: wall, CPU */

static long mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static long thread_cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (long)ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void lk_holder(void *arg)
{
    (void)arg;
    rl_lock_acquire(L);
    atomic_store(&lk_held, 1);
    while (!atomic_load(&lk_about))
        ;
    if (lk_hold_us >= 1000) {
        rl_sleep_ms(lk_hold_us / 1000);
    } else {
        long end = mono_ns() + lk_hold_us * 1000;

        while (mono_ns() < end)
            ;
    }
    rl_lock_release(L);
}

static void lk_waiter(void *arg)
{
    long t0, c0;

    (void)arg;
    while (!atomic_load(&lk_held))
        ;
    atomic_store(&lk_about, 1);
    t0 = mono_ns();
    c0 = thread_cpu_ns();
    rl_lock_acquire(L);
    lk_wait_cpu_ns = thread_cpu_ns() - c0;
    lk_waited_ns = mono_ns() - t0;
    rl_lock_release(L);
}

static void lk_setup(void *ctx)
{
    (void)ctx;
    atomic_store(&lk_held, 0);
    atomic_store(&lk_about, 0);
    lk_waited_ns = lk_wait_cpu_ns = 0;
    L = rl_lock_create("L");
    rl_thread_start("T0", lk_holder, NULL);
    rl_thread_start("T1", lk_waiter, NULL);
}

/* One run of the holder / waiter pair, T0 holding L for hold_us after T1
 * starts its acquire: the results of T1's acquire records (RL_RES_...,
 * in order, at most 3) in out; their count returned. */
static int lk_run(long hold_us, int out[3])
{
    struct rl_run *run;
    int n = 0;

    lk_hold_us = hold_us;
    run = run_os(lk_setup, true);
    for (uint64_t s = rl_run_record_first(run);
         s != 0 && s <= rl_run_record_last(run); s++) {
        const struct rl_record *r = rl_run_record(run, s);

        if (r && r->thread == 1 && r->op == RL_OP_ACQUIRE) {
            ck_assert_int_lt(n, 3);
            out[n++] = (int)r->result;
        }
    }
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
    return n;
}

static int cpu_count(void)
{
    cpu_set_t set;

    ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
    return CPU_COUNT(&set);
}

/* A Lock held for 50 us while its waiter has a core of its own: the
 * waiter spins and takes it when it is given back, without sleeping, so
 * its acquire is one record, OK, not blocked then woken. The OS may still
 * deschedule the holder for longer than the spin, so this looks in up to
 * 20 runs for one where the waiter really waited (20 us or more) and
 * asserts what that run recorded. */
START_TEST(test_lock_short_wait_spins)
{
    int res3[3], n = 0, tries;

    if (cpu_count() < 2)
        return; /* nothing to spin for: test_lock_crowded_sleeps covers it */
    for (tries = 0; tries < 20; tries++) {
        n = lk_run(50, res3);
        if (lk_waited_ns >= 20000 && n == 1 && res3[0] == RL_RES_OK)
            break;
    }
    ck_assert_msg(tries < 20,
                  "no contended acquire in 20 runs took the Lock by "
                  "spinning (last: %d records, waited %ld ns)",
                  n, lk_waited_ns);
}
END_TEST

/* A Lock held for 200 ms: the waiter spins at most 0.2 ms, then sleeps,
 * recorded as blocked then woken, and uses next to no CPU while it
 * waits. */
START_TEST(test_lock_long_wait_sleeps)
{
    int res3[3];

    ck_assert_int_eq(lk_run(200000, res3), 2);
    ck_assert_int_eq(res3[0], RL_RES_BLOCKED);
    ck_assert_int_eq(res3[1], RL_RES_WOKE);
    ck_assert_int_ge(lk_waited_ns, 150000000L);
    ck_assert_msg(lk_wait_cpu_ns < 20000000L,
                  "a 200 ms wait used %ld ns of CPU", lk_wait_cpu_ns);
}
END_TEST

/* With more threads than cores, a spinner could keep the holder from
 * running: the waiter sleeps at once (blocked, then woken, and next to no
 * CPU), here with both threads on one CPU. A run where the waiter did
 * not wait (the OS ran it only after the holder was done) proves
 * nothing, so up to 5 runs are made until one where it did. */
START_TEST(test_lock_crowded_sleeps)
{
    cpu_set_t one;
    int res3[3], n = 0, tries;

    CPU_ZERO(&one);
    ck_assert_int_eq(sched_getaffinity(0, sizeof one, &one), 0);
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &one)) {
            CPU_ZERO(&one);
            CPU_SET(c, &one);
            break;
        }
    ck_assert_int_eq(sched_setaffinity(0, sizeof one, &one), 0);
    for (tries = 0; tries < 5; tries++) {
        n = lk_run(50, res3);
        if (lk_waited_ns >= 20000)
            break;
    }
    ck_assert_msg(tries < 5, "the waiter never waited in 5 runs");
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(res3[0], RL_RES_BLOCKED);
    ck_assert_int_eq(res3[1], RL_RES_WOKE);
    ck_assert_msg(lk_wait_cpu_ns < 100000L,
                  "the waiter on a shared CPU used %ld ns of CPU",
                  lk_wait_cpu_ns);
}
END_TEST

/* ---- the watchdog
 * ----------------------------------------------------------------- */

static void deadlock_body(void *arg)
{
    int me = (int)(intptr_t)arg;
    rl_lock *first = me ? B : A, *second = me ? A : B;

    rl_lock_acquire(first);
    rl_barrier_wait(BAR); /* both hold their first lock: surely stuck */
    rl_lock_acquire(second);
    rl_lock_release(second);
    rl_lock_release(first);
}

static void deadlock_setup(void *ctx)
{
    (void)ctx;
    A = rl_lock_create("A");
    B = rl_lock_create("B");
    BAR = rl_barrier_create("BAR", 2);
    rl_thread_start("T0", deadlock_body, (void *)(intptr_t)0);
    rl_thread_start("T1", deadlock_body, (void *)(intptr_t)1);
}

START_TEST(test_real_deadlock_reported)
{
    struct rl_run_config cfg = config(deadlock_setup, true);
    struct rl_run *run = create(&cfg);
    char text[512];
    const char *msg;
    long t0 = now_ms(), took;
    bool ok;

    ck_assert_int_eq(rl_run_finish(run), RL_END_DEADLOCK);
    took = now_ms() - t0;
    ck_assert_int_ge(took, cfg.watchdog_ms);
    ck_assert_int_lt(took, cfg.watchdog_ms + 1000);
    rl_run_end_text(run, text, sizeof text);
    ck_assert_str_eq(text, "T0 holds A, waits for B (held by T1); "
                           "T1 holds B, waits for A (held by T0)\n"
                           "wait-for cycle: T0 -> T1 -> T0");
    msg = check_msg(run, "no deadlock", &ok);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(strstr(msg, "T0 holds A"));
    ck_assert(!rl_run_passed(run));
    rl_run_destroy(run); /* abandoned, not freed: must not hang */
}
END_TEST

static void spin_body(void *arg)
{
    (void)arg;
    for (;;)
        rl_yield();
}

static void spin_setup(void *ctx)
{
    (void)ctx;
    rl_thread_start("spinner", spin_body, NULL);
}

START_TEST(test_wall_clock_timeout)
{
    struct rl_run_config cfg = config(spin_setup, false);
    struct rl_run *run;
    char text[256];
    bool ok;

    cfg.timeout_ms = 200;
    run = create(&cfg);
    ck_assert_int_eq(rl_run_finish(run), RL_END_TIMEOUT);
    rl_run_end_text(run, text, sizeof text);
    ck_assert_str_eq(text, "still running after 200 ms (the wall-clock "
                           "limit: a thread spinning forever? --timeout "
                           "raises it); 0 of 1 threads finished");
    check_msg(run, "finishes", &ok);
    ck_assert(!ok);
    rl_run_destroy(run);
}
END_TEST

static void quick_body(void *arg)
{
    (void)arg;
}

static void quick_setup(void *ctx)
{
    int i;

    (void)ctx;
    for (i = 0; i < 4; i++)
        rl_thread_start(NULL, quick_body, NULL);
}

START_TEST(test_destroy_while_running)
{
    /* Threads that finish within the grace period are joined and the run
     * is freed (ASan checks that nothing touches it afterwards); threads
     * that go on are stopped at their next call and the run abandoned,
     * quickly, never waiting for the wall-clock limit. */
    struct rl_run_config cfg = config(quick_setup, true);
    struct rl_run *run = create(&cfg);
    char err[128];
    long t0;

    ck_assert_int_eq(rl_run_start(run, err, sizeof err), 0);
    rl_run_destroy(run);

    cfg = config(spin_setup, true);
    run = create(&cfg);
    ck_assert_int_eq(rl_run_start(run, err, sizeof err), 0);
    t0 = now_ms();
    rl_run_destroy(run);
    ck_assert_int_lt(now_ms() - t0, 1000);
}
END_TEST

/* ---- abandoned runs release their threads and their memory ------------ */

/* A field of /proc/self/status ("Threads", "VmRSS"), or -1. */
static long proc_status(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(key);

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10);
    fclose(f);
    return v;
}

/* The objects of one stuck run, in its arena: a thread of an earlier run
 * may still run while the next run is set up, so no globals. */
struct stuck {
    rl_event *never; /* never set: whoever waits for it blocks for good */
    rl_lock *r;      /* an RLock whose holder never releases it */
};

static void stuck_waiter(void *arg)
{
    struct stuck *st = arg;

    rl_event_wait(st->never);
}

/* holder and rwaiter: whichever takes r first keeps it; the other blocks
 * on it for good. */
static void stuck_holder(void *arg)
{
    struct stuck *st = arg;

    rl_lock_acquire(st->r);
    rl_event_wait(st->never);
}

/* One thread spinning on calls (its record ring fills), one blocked for
 * good on an Event, and two on an RLock. */
static void stuck_setup(void *ctx)
{
    struct stuck *st = rl_alloc(sizeof *st);

    (void)ctx;
    st->never = rl_event_create("never");
    st->r = rl_rlock_create("R");
    rl_thread_start("spinner", spin_body, NULL);
    rl_thread_start("waiter", stuck_waiter, st);
    rl_thread_start("holder", stuck_holder, st);
    rl_thread_start("rwaiter", stuck_holder, st);
}

/* Bytes malloc has handed out and not got back (heap and mmapped). */
static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

START_TEST(test_abandoned_runs_are_freed)
{
    long threads0 = 0, rss0 = 0, rss;
    size_t heap0 = 0, heap;

    /* One malloc arena: glibc otherwise gives threads arenas of their own,
     * as many as overlap, so RSS would grow with the machine's load (more
     * threads alive at once) rather than with what this test leaks. */
    mallopt(M_ARENA_MAX, 1);
    /* A fixed mmap threshold: glibc otherwise raises it after each large
     * free, so later record rings come from the heap and their pages stay
     * counted after they are freed. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);

    /* Warm up the allocator and the thread stacks' cache first. */
    for (int round = 0; round < 21; round++) {
        struct rl_run_config cfg = config(stuck_setup, true);
        struct rl_run *run;

        cfg.timeout_ms = 150;
        run = create(&cfg);
        ck_assert_int_eq(rl_run_finish(run), RL_END_TIMEOUT);
        rl_run_destroy(run);
        if (round == 0) {
            /* The baseline once the first run has gone: the allocator's
             * arenas and a sanitizer's own threads exist by then. */
            for (int i = 0; i < 500 && rl_os_buried() > 0; i++)
                usleep(10000);
            threads0 = proc_status("Threads");
            rss0 = proc_status("VmRSS");
            heap0 = heap_in_use();
        }
        if (getenv("RL_DEBUG_RSS"))
            printf("round %d: RSS %ld kB, %ld threads, %d buried\n", round,
                   proc_status("VmRSS"), proc_status("Threads"),
                   rl_os_buried());
    }
    /* Every thread exits (cancelled in its wait, or at its next call),
     * and then every run is freed. Bounded polls: 10 s at most. */
    for (int i = 0; i < 1000 && rl_os_buried() > 0; i++)
        usleep(10000);
    ck_assert_int_eq(rl_os_buried(), 0);
    for (int i = 0; i < 1000 && proc_status("Threads") > threads0; i++)
        usleep(10000);
    ck_assert_int_eq(proc_status("Threads"), threads0);
    /* 20 leaked runs would hold their record rings (2.5 MiB a thread) and
     * more. What malloc still has handed out is the measure: RSS also
     * counts the thread stacks glibc keeps cached for reuse (up to 40 MiB,
     * more of them the more runs overlapped, i.e. the busier the machine),
     * which are not ours to free. AddressSanitizer keeps freed memory in
     * quarantine, so there LeakSanitizer judges instead. */
    rss = proc_status("VmRSS");
    heap = heap_in_use();
    printf("abandoned runs: RSS %ld kB after the first, %ld kB after 20 more; "
           "malloc in use %zu kB, then %zu kB\n",
           rss0, rss, heap0 / 1024, heap / 1024);
#if !defined(__SANITIZE_ADDRESS__)
    ck_assert_int_lt((long)heap - (long)heap0, 1024 * 1024);
#endif
}
END_TEST

/* ---- a stack overflow on a lab thread can be reported ------------------- */

/* (Not under the sanitizers: they handle SIGSEGV themselves.) */
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
/* The test's crash handler: it ran, on the thread's alternate stack. */
static void overflow_seen(int sig)
{
    (void)sig;
    _exit(3);
}

/* Recurse until the guard page (the bound is never reached). */
static volatile long overflow_bound = 1L << 40;

static long overflow_recurse(volatile char *prev, long depth)
{
    volatile char frame[1024];

    frame[0] = (char)depth;
    frame[1023] = prev ? prev[0] : 0;
    if (depth >= overflow_bound)
        return 0;
    return overflow_recurse(frame, depth + 1) + frame[1023];
}

static void overflow_body(void *arg)
{
    (void)arg;
    rl_yield();
    overflow_recurse(NULL, 0);
}

static void overflow_setup(void *ctx)
{
    (void)ctx;
    rl_thread_start("deep", overflow_body, NULL);
}

/* Without an alternate stack the handler could not run: the kernel would
 * kill the process (SIGSEGV) and the TUI could not give the terminal
 * back. The test exits 3 from the handler. */
START_TEST(test_overflow_handler_runs)
{
    struct rl_run_config cfg = config(overflow_setup, false);
    struct sigaction sa;
    struct rl_run *run;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = overflow_seen;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGSEGV, &sa, NULL), 0);
    run = create(&cfg);
    rl_run_finish(run);
    ck_abort_msg("the overflow went unnoticed");
}
END_TEST
#endif

/* Threads that wait with a timeout, or are woken but not yet scheduled, are
 * not a deadlock, however long it takes. */
static void slow_waiter(void *arg)
{
    (void)arg;
    rl_event_wait(E1); /* the holder has L */
    res[0][0] = rl_lock_acquire_timeout(L, 600);
}

static void slow_holder(void *arg)
{
    (void)arg;
    rl_lock_acquire(L);
    rl_event_set(E1);
    rl_thread_join(sleeper_t);
    rl_lock_release(L);
}

static void slow_setup(void *ctx)
{
    (void)ctx;
    L = rl_lock_create("L");
    E1 = rl_event_create("E1");
    rl_thread_start("holder", slow_holder, NULL);
    sleeper_t = rl_thread_start("waiter", slow_waiter, NULL);
}

START_TEST(test_timed_wait_is_not_deadlock)
{
    /* holder joins waiter, waiter waits 600 ms on holder's lock: both
     * blocked far longer than the 300 ms watchdog, but the timed wait ends
     * it. */
    struct rl_run *run = run_os(slow_setup, true);

    ck_assert_int_eq(res[0][0], RL_TIMEOUT);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- suite
 * ----------------------------------------------------------------------------
 */

static Suite *os_suite(void)
{
    Suite *s = suite_create("os");
    TCase *tc = tcase_create("os");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_unsafe_counter_loses_updates);
    tcase_add_test(tc, test_unsafe_counter_recorded);
    tcase_add_test(tc, test_locked_counter_exact);
    tcase_add_test(tc, test_records_in_order);
    tcase_add_test(tc, test_records_dropped_when_rings_overflow);
    tcase_add_test(tc, test_slot_forms_exact);
    tcase_add_test(tc, test_merged_order_locked_counter);
    tcase_add_test(tc, test_merged_order_racy_counter);
    tcase_add_test(tc, test_recording_off);
    tcase_add_test(tc, test_start_and_poll);
    tcase_add_test(tc, test_step_needs_sim);
    tcase_add_test(tc, test_rlock_nesting_and_owner);
    tcase_add_test(tc, test_lock_released_by_other_thread);
    tcase_add_test(tc, test_lock_double_release);
    tcase_add_test(tc, test_bounded_semaphore_over_release);
    tcase_add_test(tc, test_semaphore_limits);
    tcase_add_test(tc, test_condition_producer_consumer);
    tcase_add_test(tc, test_condition_rlock_depth_and_misuse);
    tcase_add_test(tc, test_event_wait_set);
    tcase_add_test(tc, test_barrier_indices_and_rounds);
    tcase_add_test(tc, test_timeouts);
    tcase_add_test(tc, test_join_waits);
    tcase_add_test(tc, test_lock_short_wait_spins);
    tcase_add_test(tc, test_lock_long_wait_sleeps);
    tcase_add_test(tc, test_lock_crowded_sleeps);
    tcase_add_test(tc, test_real_deadlock_reported);
    tcase_add_test(tc, test_wall_clock_timeout);
    tcase_add_test(tc, test_timed_wait_is_not_deadlock);
    tcase_add_test(tc, test_destroy_while_running);
    tcase_add_test(tc, test_abandoned_runs_are_freed);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    tcase_add_exit_test(tc, test_overflow_handler_runs, 3);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(os_suite());
    int failed;

    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
