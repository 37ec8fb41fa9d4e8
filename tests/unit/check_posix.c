/* SPDX-License-Identifier: MIT */
/*
 * check_posix.c - the engine's POSIX objects and plain memory (core/posix.h)
 * on sim, driven directly by lab threads: exact traces of mutexes (normal,
 * recursive, error-checking, try, timed), condition variables with POSIX
 * rules, rwlocks, barriers, once, memory loads / stores / atomics, the
 * pending store record, values that are addresses named by the memory
 * they point into, a range's bytes as text, misuse in POSIX words,
 * deadlock reports, the analyses, the ends a plain program can have
 * (exit, assert), and explore's reduction on accesses of two widths.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/analysis.h"
#include "../../core/mirror_impl.h"
#include "../../core/porder.h"
#include "../../core/posix.h"
#include "../../core/value.h"
#include "../../core/wire.h"

static char trace[1 << 15];
static size_t trace_len;

/* Append "<thread> <record text>" for each record. */
static void on_rec(void *ctx, const struct rl_run *run,
                   const struct rl_record *r)
{
    (void)ctx;
    if (trace_len + 256 >= sizeof(trace))
        return; /* long runs: only their start is compared */
    char line[200];
    rl_record_text(run, r, line, sizeof(line));
    struct rl_thread_view v;
    rl_run_thread(run, r->thread, &v);
    trace_len += (size_t)snprintf(trace + trace_len, sizeof(trace) - trace_len,
                                  "%s %s\n", v.name, line);
}

/* A sim run of setup under rr:1, traced, finished. */
static struct rl_run *run_rr(void (*setup)(void *), enum rl_end want)
{
    trace_len = 0;
    trace[0] = '\0';
    struct rl_run_config cfg = {0};
    cfg.program.setup = setup;
    cfg.sched.kind = RL_SCHED_RR;
    cfg.sched.quantum = 1;
    cfg.on_record = on_rec;
    char err[256];
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_finish(run), want);
    return run;
}

/* The check named name: its state and message. */
static const char *check_msg(struct rl_run *run, const char *name, bool *ok)
{
    for (int i = 0; i < rl_run_check_count(run); i++) {
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

/* ---- a counter in plain memory, with and without a mutex ----------------- */

static int counter;
static struct rl_obj *vcounter, *mu;
static bool use_mutex;

static void incr(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2; i++) {
        if (use_mutex)
            rl_px_mutex_lock(mu, -1);
        rl_px_load(vcounter, 0);
        int tmp = counter;
        rl_px_store(vcounter, 0);
        counter = tmp + 1;
        if (use_mutex)
            rl_px_mutex_unlock(mu);
    }
}

static void setup_counter(void *ctx)
{
    (void)ctx;
    counter = 0;
    vcounter = rl_px_mem_create("counter", &counter, sizeof(counter));
    mu = rl_px_create(RL_OBJ_MUTEX, "m", 0, RL_PX_MUTEX_NORMAL);
    rl_thread_start(NULL, incr, NULL);
    rl_thread_start(NULL, incr, NULL);
}

START_TEST(test_counter_race_and_analyses)
{
    use_mutex = false;
    struct rl_run *run = run_rr(setup_counter, RL_END_DONE);
    ck_assert_int_eq(counter, 2);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T1 start\n"
                            "T0 load counter -> 0\n"
                            "T1 load counter -> 0\n"
                            "T0 store counter <- 1\n"
                            "T1 store counter <- 1\n"
                            "T0 load counter -> 1\n"
                            "T1 load counter -> 1\n"
                            "T0 store counter <- 2\n"
                            "T0 finish\n"
                            "T1 store counter <- 2\n"
                            "T1 finish\n");
    struct rl_analysis a;
    char err[128];
    ck_assert_int_eq(rl_analyze(run, &a, err, sizeof(err)), 0);
    ck_assert_int_eq(a.nraces, 1);
    ck_assert_int_eq(a.races[0].obj, vcounter->id);
    ck_assert_int_eq(a.nlost, 2);
    char text[300];
    rl_lost_text(run, &a.lost[0], text, sizeof(text));
    ck_assert_str_eq(text, "lost update on counter: T1 loaded 0 at step 4, "
                           "T0 stored 1 at step 5, then T1 stored 1 at step "
                           "6 over it");
    ck_assert_int_eq(vcounter->value, 2);
    rl_run_destroy(run);
}
END_TEST

START_TEST(test_counter_with_mutex)
{
    use_mutex = true;
    struct rl_run *run = run_rr(setup_counter, RL_END_DONE);
    ck_assert_int_eq(counter, 4);
    ck_assert(strstr(trace, "T1 lock m: blocked (held by T0)\n"));
    ck_assert(strstr(trace, "T0 unlock m, wakes T1\n"));
    ck_assert(strstr(trace, "T1 lock m after waiting\n"));
    struct rl_analysis a;
    char err[128];
    ck_assert_int_eq(rl_analyze(run, &a, err, sizeof(err)), 0);
    ck_assert_int_eq(a.nraces, 0);
    ck_assert_int_eq(a.nlost, 0);
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- mutex types, try, timed, misuse ------------------------------------- */

static struct rl_obj *rec_m, *err_m;
static int results[16];

static void mutex_types(void *arg)
{
    (void)arg;
    results[0] = rl_px_mutex_lock(rec_m, -1);
    results[1] = rl_px_mutex_lock(rec_m, -1);
    results[2] = rl_px_mutex_unlock(rec_m);
    results[3] = rl_px_mutex_unlock(rec_m);
    results[4] = rl_px_mutex_lock(err_m, -1);
    results[5] = rl_px_mutex_lock(err_m, -1);
    results[6] = rl_px_mutex_unlock(err_m);
    results[7] = rl_px_mutex_unlock(err_m);
}

static void setup_types(void *ctx)
{
    (void)ctx;
    rec_m = rl_px_create(RL_OBJ_MUTEX, "r", 0, RL_PX_MUTEX_RECURSIVE);
    err_m = rl_px_create(RL_OBJ_MUTEX, "e", 0, RL_PX_MUTEX_ERRORCHECK);
    rl_thread_start(NULL, mutex_types, NULL);
}

START_TEST(test_mutex_types_and_misuse)
{
    struct rl_run *run = run_rr(setup_types, RL_END_DONE);
    ck_assert_str_eq(trace,
                     "T0 start\n"
                     "T0 lock r\n"
                     "T0 lock r (depth 2)\n"
                     "T0 unlock r (depth 1)\n"
                     "T0 unlock r\n"
                     "T0 lock e\n"
                     "T0 acquire e: error: locking a lock this thread "
                     "already holds (EDEADLK)\n"
                     "T0 unlock e\n"
                     "T0 release e: error: unlock of a mutex this thread "
                     "does not hold (EPERM)\n"
                     "T0 finish\n");
    int want[] = {0, 0, 0, 0, 0, EDEADLK, 0, EPERM};
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(results[i], want[i]);
    bool ok;
    const char *msg = check_msg(run, "no misuse", &ok);
    ck_assert(!ok);
    ck_assert_str_eq(msg, "T0: locking a lock this thread already holds "
                          "(EDEADLK) (mutex e, step 7) (and 1 more)");
    rl_run_destroy(run);
}
END_TEST

static void holder(void *arg)
{
    (void)arg;
    rl_px_mutex_lock(mu, -1);
    rl_px_sleep_ms(100);
    rl_px_mutex_unlock(mu);
}

static void trier(void *arg)
{
    (void)arg;
    results[0] = rl_px_mutex_lock(mu, 0);
    results[1] = rl_px_mutex_lock(mu, 30);
    results[2] = (int)rl_px_now_ms();
    results[3] = rl_px_mutex_lock(mu, 200);
    results[4] = (int)rl_px_now_ms();
    rl_px_mutex_unlock(mu);
}

static void setup_timed(void *ctx)
{
    (void)ctx;
    mu = rl_px_create(RL_OBJ_MUTEX, "m", 0, RL_PX_MUTEX_NORMAL);
    rl_thread_start(NULL, holder, NULL);
    rl_thread_start(NULL, trier, NULL);
}

START_TEST(test_trylock_and_timedlock_virtual_time)
{
    struct rl_run *run = run_rr(setup_timed, RL_END_DONE);
    ck_assert_int_eq(results[0], EBUSY);
    ck_assert_int_eq(results[1], ETIMEDOUT);
    ck_assert_int_eq(results[2], 30);
    ck_assert_int_eq(results[3], 0);
    ck_assert_int_eq(results[4], 100);
    ck_assert(strstr(trace, "T1 trylock m: busy\n"));
    ck_assert(strstr(trace, "T1 lock m: timed out\n"));
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- condition variables ------------------------------------------------- */

static struct rl_obj *cv;
static int ready;
static struct rl_obj *vready;

static void waiter(void *arg)
{
    (void)arg;
    rl_px_mutex_lock(mu, -1);
    for (;;) {
        rl_px_load(vready, 0);
        if (ready)
            break;
        rl_px_cond_wait(cv, mu, -1);
    }
    rl_px_mutex_unlock(mu);
}

static void signaller(void *arg)
{
    (void)arg;
    rl_px_mutex_lock(mu, -1);
    rl_px_store(vready, 0);
    ready = 1;
    rl_px_mutex_unlock(mu);
    rl_px_cond_signal(cv, false); /* after the unlock: legal in POSIX */
}

static void setup_cond(void *ctx)
{
    (void)ctx;
    ready = 0;
    mu = rl_px_create(RL_OBJ_MUTEX, "m", 0, RL_PX_MUTEX_NORMAL);
    cv = rl_px_create(RL_OBJ_CONDITION, "c", 0, 0);
    vready = rl_px_mem_create("ready", &ready, sizeof(ready));
    rl_thread_start(NULL, waiter, NULL);
    rl_thread_start(NULL, signaller, NULL);
}

START_TEST(test_cond_signal_after_unlock)
{
    struct rl_run *run = run_rr(setup_cond, RL_END_DONE);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T1 start\n"
                            "T0 lock m\n"
                            "T1 lock m: blocked (held by T0)\n"
                            "T0 load ready -> 0\n"
                            "T0 cond_wait c (unlocks m)\n"
                            "T1 lock m after waiting\n"
                            "T1 store ready <- 1\n"
                            "T1 unlock m\n"
                            "T1 cond_signal c (wakes T0)\n"
                            "T1 finish\n"
                            "T0 cond_wait c: signalled, relocked m\n"
                            "T0 load ready -> 1\n"
                            "T0 unlock m\n"
                            "T0 finish\n");
    ck_assert(rl_run_passed(run));
    struct rl_analysis a;
    char err[128];
    ck_assert_int_eq(rl_analyze(run, &a, err, sizeof(err)), 0);
    ck_assert_int_eq(a.nraces, 0);
    rl_run_destroy(run);
}
END_TEST

static void bad_waiter(void *arg)
{
    (void)arg;
    results[0] = rl_px_cond_wait(cv, mu, -1);
    results[1] = rl_px_cond_signal(cv, true);
}

static void setup_bad_wait(void *ctx)
{
    (void)ctx;
    mu = rl_px_create(RL_OBJ_MUTEX, "m", 0, RL_PX_MUTEX_NORMAL);
    cv = rl_px_create(RL_OBJ_CONDITION, "c", 0, 0);
    rl_thread_start(NULL, bad_waiter, NULL);
}

START_TEST(test_cond_wait_without_mutex_is_misuse)
{
    struct rl_run *run = run_rr(setup_bad_wait, RL_END_DONE);
    ck_assert_int_eq(results[0], EPERM);
    ck_assert_int_eq(results[1], 0);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 wait c: error: pthread_cond_wait without "
                            "holding the mutex (EPERM)\n"
                            "T0 cond_broadcast c (wakes 0)\n"
                            "T0 finish\n");
    bool ok;
    check_msg(run, "no misuse", &ok);
    ck_assert(!ok);
    rl_run_destroy(run);
}
END_TEST

/* ---- lock-order deadlock ------------------------------------------------- */

static struct rl_obj *ma, *mb;

static void ab(void *arg)
{
    (void)arg;
    rl_px_mutex_lock(ma, -1);
    rl_px_mutex_lock(mb, -1);
    rl_px_mutex_unlock(mb);
    rl_px_mutex_unlock(ma);
}

static void ba(void *arg)
{
    (void)arg;
    rl_px_mutex_lock(mb, -1);
    rl_px_mutex_lock(ma, -1);
    rl_px_mutex_unlock(ma);
    rl_px_mutex_unlock(mb);
}

static void setup_deadlock(void *ctx)
{
    (void)ctx;
    ma = rl_px_create(RL_OBJ_MUTEX, "a", 0, RL_PX_MUTEX_NORMAL);
    mb = rl_px_create(RL_OBJ_MUTEX, "b", 0, RL_PX_MUTEX_NORMAL);
    rl_thread_start(NULL, ab, NULL);
    rl_thread_start(NULL, ba, NULL);
}

START_TEST(test_mutex_deadlock_report)
{
    struct rl_run *run = run_rr(setup_deadlock, RL_END_DEADLOCK);
    char text[512];
    rl_run_end_text(run, text, sizeof(text));
    ck_assert_str_eq(text, "T0 holds a, waits for b (held by T1); T1 holds "
                           "b, waits for a (held by T0)\n"
                           "wait-for cycle: T0 -> T1 -> T0");
    struct rl_obj_view v;
    rl_run_object(run, ma->id, &v);
    ck_assert_int_eq(v.owner, 0);
    ck_assert_int_eq(v.nwaiters, 1);
    ck_assert_int_eq(v.waiters[0], 1);
    ck_assert_str_eq(rl_obj_kind_name(v.kind), "mutex");
    rl_run_destroy(run);
}
END_TEST

/* ---- rwlock, barrier, once ----------------------------------------------- */

static struct rl_obj *rw, *bar, *once;
static int serial, inits;

static void reader(void *arg)
{
    (void)arg;
    rl_px_rwlock_lock(rw, false, -1);
    rl_px_yield();
    rl_px_rwlock_unlock(rw);
    if (rl_px_barrier_wait(bar))
        serial++;
    if (rl_px_once_begin(once)) {
        inits++;
        rl_px_once_done(once);
    }
}

static void writer(void *arg)
{
    (void)arg;
    rl_px_rwlock_lock(rw, true, -1);
    rl_px_rwlock_unlock(rw);
    if (rl_px_barrier_wait(bar))
        serial++;
    if (rl_px_once_begin(once)) {
        inits++;
        rl_px_once_done(once);
    }
}

static void setup_rw(void *ctx)
{
    (void)ctx;
    serial = inits = 0;
    rw = rl_px_create(RL_OBJ_RWLOCK, "rw", 0, 0);
    bar = rl_px_create(RL_OBJ_BARRIER, "bar", 0, 3);
    once = rl_px_create(RL_OBJ_ONCE, "once", 0, 0);
    rl_thread_start(NULL, reader, NULL);
    rl_thread_start(NULL, reader, NULL);
    rl_thread_start(NULL, writer, NULL);
}

START_TEST(test_rwlock_barrier_once)
{
    struct rl_run *run = run_rr(setup_rw, RL_END_DONE);
    ck_assert_int_eq(serial, 1);
    ck_assert_int_eq(inits, 1);
    ck_assert(strstr(trace, "T0 rdlock rw\nT1 rdlock rw\n"
                            "T2 wrlock rw: blocked (held by T0)\n"));
    ck_assert(strstr(trace, "T1 unlock rw, wakes T2\n"));
    ck_assert(strstr(trace, "once once: runs the routine\n"));
    ck_assert(strstr(trace, "once once: routine done\n"));
    ck_assert(rl_run_passed(run));
    rl_run_destroy(run);
}
END_TEST

/* ---- atomics and the pending store --------------------------------------- */

static int ai;
static struct rl_obj *vai;
static uint64_t got[8];

static void atomics(void *arg)
{
    (void)arg;
    got[0] = rl_px_atomic(vai, RL_OP_FETCH_ADD, 5, 0);
    got[1] = rl_px_atomic(vai, RL_OP_FETCH_SUB, (uint64_t)-1, 0);
    uint64_t exp = 0;
    got[2] = rl_px_cas(vai, &exp, 9, 0, 0);
    got[3] = exp;
    got[4] = rl_px_cas(vai, &exp, 9, 0, 0);
    got[5] = rl_px_atomic(vai, RL_OP_EXCHANGE, (uint64_t)-3, 0);
    got[6] = rl_px_atomic(vai, RL_OP_ATOMIC_LOAD, 0, 0);
    rl_px_store(vai, 0);
    ai = 42;
    rl_px_output(1, "done\n", 5);
}

static void setup_atomics(void *ctx)
{
    (void)ctx;
    ai = 1;
    vai = rl_px_mem_create("ai", &ai, sizeof(ai));
    rl_thread_start(NULL, atomics, NULL);
}

START_TEST(test_atomics_and_pending_store)
{
    struct rl_run *run = run_rr(setup_atomics, RL_END_DONE);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 fetch_add ai +5: 1 -> 6\n"
                            "T0 fetch_sub ai -1: 6 -> 7\n"
                            "T0 compare_exchange ai: failed (found 7)\n"
                            "T0 compare_exchange ai: 7 -> 9\n"
                            "T0 exchange ai -3: 9 -> -3\n"
                            "T0 atomic load ai -> -3\n"
                            "T0 store ai <- 42\n"
                            "T0 output \"done\\n\"\n"
                            "T0 finish\n");
    ck_assert_uint_eq(got[0], 1);
    ck_assert_uint_eq(got[1], 6);
    ck_assert_uint_eq(got[2], 0);
    ck_assert_uint_eq(got[3], 7);
    ck_assert_uint_eq(got[4], 1);
    ck_assert_uint_eq(got[5], 9);
    ck_assert_uint_eq(got[6], 0xfffffffd);
    const struct rl_record *r = rl_run_record(run, 8);
    ck_assert_int_eq(r->op, RL_OP_STORE);
    ck_assert_int_eq(r->before, -3);
    ck_assert_int_eq(r->after, 42);
    ck_assert_str_eq(rl_run_text(run, rl_run_record(run, 9)->arg), "done\n");
    rl_run_destroy(run);
}
END_TEST

/* ---- values that are addresses (core/value.h) ---------------------------- */

static long blk[4];
static long *pv;
static int iv;
static struct rl_obj *vpv, *viv;
static int blk_region;

/* A pointer into a block, the block freed, its address given to another
 * block: each record names the block of its own moment. */
static void pointers(void *arg)
{
    (void)arg;
    struct rl_thread *t = rl_px_self();
    struct rl_run *run = t->run;
    rl_px_store(vpv, 0);
    pv = &blk[1];
    rl_px_flush(t);
    rl_value_region_end(run, blk_region, run->rec_last);
    rl_px_load(vpv, 0);
    rl_value_region_add(run, (uintptr_t)blk, sizeof(blk), RL_REGION_DATA,
                        "heap#2@x.c:9", run->rec_last);
    rl_px_load(vpv, 0);
    rl_px_atomic(vpv, RL_OP_EXCHANGE, (uint64_t)(uintptr_t)&blk[0],
                 RL_MO_SEQ_CST);
    rl_px_store(vpv, 0);
    pv = NULL;
    rl_px_flush(t);
}

static void setup_pointers(void *ctx)
{
    (void)ctx;
    pv = NULL;
    vpv = rl_px_mem_create("pv", &pv, sizeof(pv));
    viv = rl_px_mem_create("iv", &iv, sizeof(iv));
    blk_region = rl_value_region_add(rl_current, (uintptr_t)blk, sizeof(blk),
                                     RL_REGION_DATA, "heap#1@x.c:3", 0);
    rl_thread_start(NULL, pointers, NULL);
}

START_TEST(test_pointer_values_by_lifetime)
{
    struct rl_run *run = run_rr(setup_pointers, RL_END_DONE);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 store pv <- &heap#1@x.c:3+8\n"
                            "T0 load pv -> &heap#1@x.c:3+8 (freed)\n"
                            "T0 load pv -> &heap#2@x.c:9+8\n"
                            "T0 exchange pv &heap#2@x.c:9: &heap#2@x.c:9+8 -> "
                            "&heap#2@x.c:9\n"
                            "T0 store pv <- 0\n"
                            "T0 finish\n");
    /* Said again after the run, each record still names its moment's. */
    char line[200], v[RL_VALUE_TEXT_MAX];
    rl_record_text(run, rl_run_record(run, 2), line, sizeof(line));
    ck_assert_str_eq(line, "store pv <- &heap#1@x.c:3+8");
    /* now: the newest block at that address */
    rl_value_text(run, vpv->id, (long)(uintptr_t)&blk[3], 0, v, sizeof(v));
    ck_assert_str_eq(v, "&heap#2@x.c:9+24");
    /* one past the end of a block (C allows it), by its offset: no type
     * is known; further past, an int, 0: numbers */
    rl_value_text(run, vpv->id, (long)(uintptr_t)(blk + 4), 0, v, sizeof(v));
    ck_assert_str_eq(v, "&heap#2@x.c:9+32");
    rl_value_text(run, vpv->id, (long)(uintptr_t)(blk + 4) + 1, 0, v,
                  sizeof(v));
    ck_assert(v[0] != '&');
    rl_value_text(run, viv->id, (long)(uintptr_t)blk, 0, v, sizeof(v));
    ck_assert(v[0] != '&');
    rl_value_text(run, vpv->id, 0, 0, v, sizeof(v));
    ck_assert_str_eq(v, "0");
    /* Many blocks, every other one freed: found through the index by
     * address (its sorted part and the regions noted since). */
    static long many[2 * 710];
    uint64_t now = rl_run_record_last(run);
    for (int i = 0; i < 710; i++) {
        char nm[32];
        snprintf(nm, sizeof(nm), "heap#%d@y.c:1", i + 3);
        int r = rl_value_region_add(run, (uintptr_t)&many[2 * i], 16,
                                    RL_REGION_DATA, nm, now);
        if (i % 2)
            rl_value_region_end(run, r, now);
        if (i == 700) {
            rl_value_text(run, vpv->id, (long)(uintptr_t)&many[2 * 500 + 1], 0,
                          v, sizeof(v));
            ck_assert_str_eq(v, "&heap#503@y.c:1+8");
        }
    }
    rl_value_text(run, vpv->id, (long)(uintptr_t)&many[2 * 501], 0, v,
                  sizeof(v));
    ck_assert_str_eq(v, "&heap#504@y.c:1 (freed)");
    rl_value_text(run, vpv->id, (long)(uintptr_t)&many[2 * 708 + 1], 0, v,
                  sizeof(v));
    ck_assert_str_eq(v, "&heap#711@y.c:1+8");
    rl_value_text(run, vpv->id, (long)(uintptr_t)&many[2 * 709], 0, v,
                  sizeof(v));
    ck_assert_str_eq(v, "&heap#712@y.c:1 (freed)");
    rl_value_text(run, vpv->id, (long)(uintptr_t)&blk[3], 0, v, sizeof(v));
    ck_assert_str_eq(v, "&heap#2@x.c:9+24");
    rl_run_destroy(run);
}
END_TEST

/* ---- pointer values by a path (marks) ----------------------------------- */

/* A namer as the child's runtime is: ".f8" for offset 8, "[4]" one past
 * the 32-byte block's end, nothing for offset 16. */
static bool fake_namer(void *ctx, const struct rl_region *g, uint64_t off,
                       char *buf, size_t len)
{
    (void)ctx;
    if (off == 16)
        return false;
    if (off == g->size)
        snprintf(buf, len, "[%llu]", (unsigned long long)(off / 8));
    else
        snprintf(buf, len, ".f%llu", (unsigned long long)off);
    return true;
}

/* Store three addresses inside blk into pv. */
static void pointer_paths(void *arg)
{
    (void)arg;
    struct rl_thread *t = rl_px_self();
    rl_px_store(vpv, 0);
    pv = &blk[1];
    rl_px_store(vpv, 0);
    pv = &blk[2];
    rl_px_store(vpv, 0);
    pv = &blk[4];
    rl_px_flush(t);
}

static void setup_pointer_paths(void *ctx)
{
    (void)ctx;
    pv = NULL;
    vpv = rl_px_mem_create("pv", &pv, sizeof(pv));
    viv = rl_px_mem_create("iv", &iv, sizeof(iv));
    blk_region = rl_value_region_add(rl_current, (uintptr_t)blk, sizeof(blk),
                                     RL_REGION_DATA, "heap#1@x.c:3", 0);
    rl_value_set_namer(rl_current, fake_namer, NULL);
    rl_thread_start(NULL, pointer_paths, NULL);
}

/* A MEMORY message's payload: no region, no end, the marks given (n of
 * them; with_marks false: the list left out, as an older child sent). */
static bool apply_marks(struct rl_run *run, const uint32_t *idx,
                        const uint64_t *off, const char *const *path, int n,
                        bool with_marks)
{
    struct wire_buf b = {0};
    wire_put_u32(&b, (uint32_t)rl_value_region_count(run));
    wire_put_u32(&b, 0);
    wire_put_u32(&b, 0);
    if (with_marks) {
        wire_put_u32(&b, (uint32_t)n);
        for (int i = 0; i < n; i++) {
            wire_put_u32(&b, idx[i]);
            wire_put_u64(&b, off[i]);
            wire_put_str(&b, path[i]);
        }
    }
    struct wire_reader r = {b.p, b.n, 0, false};
    bool ok = mirror_apply_memory(run, &r);
    wire_free(&b);
    return ok;
}

START_TEST(test_pointer_values_by_path)
{
    /* The namer's path for an address a record carries, made once per
     * region and offset, before the record is seen; "+16" where it has
     * none; one past the end named by its region. */
    struct rl_run *run = run_rr(setup_pointer_paths, RL_END_DONE);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 store pv <- &heap#1@x.c:3.f8\n"
                            "T0 store pv <- &heap#1@x.c:3+16\n"
                            "T0 store pv <- &heap#1@x.c:3[4]\n"
                            "T0 finish\n");
    ck_assert_int_eq(rl_value_mark_count(run), 3);
    const struct rl_value_mark *k = rl_value_mark(run, 1);
    ck_assert_int_eq(k->region, blk_region);
    ck_assert_int_eq(k->off, 16);
    ck_assert_str_eq(k->path, "");
    ck_assert_ptr_null(rl_value_mark(run, 3));
    /* an int holds no address: no mark, a number */
    char v[RL_VALUE_TEXT_MAX];
    rl_value_text(run, viv->id, (long)(uintptr_t)&blk[3], 0, v, sizeof(v));
    ck_assert(v[0] != '&');
    /* A mark out of its region, or at its start: refused. */
    ck_assert_int_eq(rl_value_mark_add(run, blk_region, 0, ".x"), -1);
    ck_assert_int_eq(rl_value_mark_add(run, blk_region, 33, ".x"), -1);
    ck_assert_int_eq(rl_value_mark_add(run, 99, 8, ".x"), -1);
    /* again at an offset: the first one stays */
    ck_assert_int_eq(rl_value_mark_add(run, blk_region, 8, ".y"), 0);
    /* The parent's side: marks as the child sends them. */
    static const uint32_t idx[] = {0, 0};
    static const uint64_t off[] = {24, 4};
    static const char *const good[] = {"[3]", ".a+4"};
    ck_assert(apply_marks(run, idx, off, good, 2, true));
    rl_value_text(run, vpv->id, (long)(uintptr_t)&blk[3], 0, v, sizeof(v));
    ck_assert_str_eq(v, "&heap#1@x.c:3[3]");
    ck_assert(apply_marks(run, idx, off, good, 0, false)); /* none sent */
    /* a path with what a terminal would act on, a region never sent */
    static const char *const bad[] = {"\x1b[31m"};
    static const uint64_t off2[] = {2};
    ck_assert(!apply_marks(run, idx, off2, bad, 1, true));
    static const uint32_t idx_bad[] = {7};
    ck_assert(!apply_marks(run, idx_bad, off2, good, 1, true));
    rl_run_destroy(run);
}
END_TEST

/* ---- ends: exit, assert -------------------------------------------------- */

static void asserter(void *arg)
{
    (void)arg;
    rl_px_store(vai, 0);
    ai = 7;
    rl_px_end(RL_END_ASSERT, 0, "prog.c:12: main: Assertion `ai == 0' failed");
}

static void sleeper(void *arg)
{
    (void)arg;
    rl_px_sleep_ms(1000);
}

static void setup_assert(void *ctx)
{
    (void)ctx;
    ai = 0;
    vai = rl_px_mem_create("ai", &ai, sizeof(ai));
    rl_thread_start(NULL, asserter, NULL);
    rl_thread_start(NULL, sleeper, NULL);
}

/* rl_value_bytes_text(bytes, string) is want (NULL: not text). */
static void bytes_are(const char *bytes, size_t n, bool string,
                      const char *want)
{
    char buf[RL_VALUE_BYTES_SHOWN + 1];
    bool text = rl_value_bytes_text(bytes, n, string, buf, sizeof buf);
    ck_assert_msg(text == (want != NULL), "%s: text %d", want ? want : "-",
                  text);
    ck_assert_str_eq(buf, want ? want : "");
}

START_TEST(test_bytes_as_text)
{
    /* a string, its NUL left out; what follows the NUL is not its */
    bytes_are("hello, world", 13, true, "\"hello, world\"");
    bytes_are("hi\0junk", 8, true, "\"hi\"");
    bytes_are("", 1, true, "\"\"");
    /* memory: a NUL in the middle, trailing NULs (padding) left out */
    bytes_are("key\0value\0\0", 12, false, "\"key\\0value\"");
    /* C escapes; valid UTF-8 as it is, invalid bytes as \xNN */
    bytes_are("a\"b\\c\td\r\n\x01\x7f", 12, true,
              "\"a\\\"b\\\\c\\td\\r\\n\\x01\\x7f\"");
    bytes_are("caf\xc3\xa9 \xe9\xc3(", 9, true, "\"caf\xc3\xa9 \\xe9\\xc3(\"");
    /* numbers are not text: an int, an array of them, zeros */
    int one = 1;
    bytes_are((const char *)&one, sizeof one, false, NULL);
    int nums[4] = {1, 2, 3, 4};
    bytes_are((const char *)nums, sizeof nums, false, NULL);
    static const char zeros[4096];
    bytes_are(zeros, sizeof zeros, false, NULL);
    bytes_are("*", 1, false, NULL);
    /* a control byte, or a pointer's bytes after a name: not text (the
     * pointer's would differ from run to run) */
    bytes_are("ab\x01" "cd", 5, false, NULL);
    bytes_are("name\0\0\0\0\xa0\xb2\xa2\xc3\xd4\x55\0\0", 16, false, NULL);
    /* long: cut with "...", never past the buffer; only the first bytes
     * of a large range are read */
    char big[1000];
    memset(big, 'x', sizeof big);
    bytes_are(big, sizeof big, false,
              "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"");
    bytes_are(big, 38, false, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"");
    bytes_are(big, 39, false, "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"");
    char small[8];
    ck_assert(!rl_value_bytes_text("abc", 4, true, small, 4));
}
END_TEST

START_TEST(test_assert_ends_the_run)
{
    struct rl_run *run = run_rr(setup_assert, RL_END_ASSERT);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T1 start\n"
                            "T0 store ai <- 7\n"
                            "T0 assertion failed: prog.c:12: main: Assertion "
                            "`ai == 0' failed\n");
    bool ok;
    const char *msg = check_msg(run, "assertions", &ok);
    ck_assert(!ok);
    ck_assert_str_eq(msg, "prog.c:12: main: Assertion `ai == 0' failed");
    ck_assert_str_eq(rl_end_name(rl_run_end(run)), "assertion failed");
    rl_run_destroy(run);
}
END_TEST

static void exiter(void *arg)
{
    (void)arg;
    rl_px_end(RL_END_EXIT, 3, "the program called exit(3)");
}

static void setup_exit(void *ctx)
{
    (void)ctx;
    rl_thread_start(NULL, exiter, NULL);
}

START_TEST(test_exit_status)
{
    struct rl_run *run = run_rr(setup_exit, RL_END_EXIT);
    ck_assert_str_eq(trace, "T0 start\nT0 exit(3)\n");
    bool ok;
    const char *msg = check_msg(run, "exit status", &ok);
    ck_assert(!ok);
    ck_assert_str_eq(msg, "the program called exit(3)");
    rl_run_destroy(run);
}
END_TEST

/* ---- accesses of different widths and explore's reduction ---------------- */

static int wx;                 /* an int, and a read of its second byte */
static unsigned char wpair[2]; /* two bytes apart */
static struct rl_obj *vwx, *vwx1, *vwp0, *vwp1;
static bool w_overlap; /* wx and its byte, else wpair's two bytes */
static struct porder *w_po;

/* T0: a store of the int (or of wpair[0]). */
static void w_store(void *arg)
{
    (void)arg;
    if (w_overlap) {
        rl_px_store(vwx, 4);
        wx = 0x100;
    } else {
        rl_px_store(vwp0, 1);
        wpair[0] = 1;
    }
}

/* T1: a load of the int's second byte (or of wpair[1]). */
static void w_load(void *arg)
{
    (void)arg;
    rl_px_load(w_overlap ? vwx1 : vwp1, 1);
}

static void setup_widths(void *ctx)
{
    (void)ctx;
    wx = 0;
    wpair[0] = wpair[1] = 0;
    vwx = rl_px_mem_create("x", &wx, 4);
    vwx1 = rl_px_mem_create("x+1", (char *)&wx + 1, 1);
    vwp0 = rl_px_mem_create("pair", &wpair[0], 1);
    vwp1 = rl_px_mem_create("pair+1", &wpair[1], 1);
    rl_thread_start(NULL, w_store, NULL);
    rl_thread_start(NULL, w_load, NULL);
}

/* A custom scheduler: the thread in *ctx while it can run. */
static int w_prefer(void *ctx, const struct rl_choice *c)
{
    for (int i = 0; i < c->n; i++)
        if (c->options[i] == *(const int *)ctx)
            return i;
    return 0;
}

static void w_rec(void *ctx, const struct rl_run *run,
                  const struct rl_record *r)
{
    (void)ctx;
    porder_record(w_po, run, r);
}

/* Run the two threads, thread first to its end before the other, with
 * every record in w_po: whether the order at the end was seen before. */
static bool widths_covered(int first)
{
    struct rl_run_config cfg = {0};
    cfg.program.setup = setup_widths;
    cfg.sched.kind = RL_SCHED_CUSTOM;
    cfg.sched.choose = w_prefer;
    cfg.sched.choose_ctx = &first;
    cfg.on_record = w_rec;
    char err[256];
    porder_reset(w_po);
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    bool covered = porder_covered(w_po, RL_CHOICE_THREAD, -1, 0);
    rl_run_destroy(run);
    return covered;
}

START_TEST(test_widths_order_matters_to_explore)
{
    /* Two bytes apart: the store and the load commute, the second order
     * is the first one again. */
    w_po = porder_create();
    w_overlap = false;
    ck_assert(!widths_covered(0));
    ck_assert(widths_covered(1));
    porder_destroy(w_po);
    /* An int store and a load of its second byte are two variables
     * whose bytes overlap: the two orders differ, both are explored. */
    w_po = porder_create();
    w_overlap = true;
    ck_assert(!widths_covered(0));
    ck_assert_int_eq(wx, 0x100);
    ck_assert(!widths_covered(1));
    ck_assert(widths_covered(0));
    porder_destroy(w_po);
}
END_TEST

/* ---- the race analysis on bytes of two widths ---------------------------- */

static int wblk;     /* a heap block, as the runtime would note it */
static bool w_reuse; /* T0 frees it and it is handed out again */
static struct rl_obj *vblk, *vblk1;

/* T0: an int store to the block, then (w_reuse) its end and a new block
 * at the same address. */
static void wb_store(void *arg)
{
    (void)arg;
    struct rl_thread *t = rl_px_self();
    struct rl_run *run = t->run;
    int g = rl_value_region_add(run, (uintptr_t)&wblk, sizeof wblk,
                                RL_REGION_DATA, "heap#1@x.c:3", run->rec_last);
    rl_px_store(vblk, 4);
    wblk = 0x100;
    rl_px_flush(t);
    if (w_reuse) {
        rl_value_region_end(run, g, run->rec_last);
        rl_value_region_add(run, (uintptr_t)&wblk, sizeof wblk, RL_REGION_DATA,
                            "heap#2@x.c:9", run->rec_last);
    }
}

/* T1: a char load of the block's second byte. */
static void wb_load(void *arg)
{
    (void)arg;
    rl_px_load(vblk1, 1);
}

static void setup_block(void *ctx)
{
    (void)ctx;
    wblk = 0;
    vblk = rl_px_mem_create("heap", &wblk, 4);
    vblk1 = rl_px_mem_create("heap+1", (char *)&wblk + 1, 1);
    rl_thread_start(NULL, wb_store, NULL);
    rl_thread_start(NULL, wb_load, NULL);
}

/* The races of a run of setup_block, T0 first: their count, the first
 * one's text in text. */
static int block_races(char *text, size_t len)
{
    int first = 0;
    struct rl_run_config cfg = {0};
    cfg.program.setup = setup_block;
    cfg.sched.kind = RL_SCHED_CUSTOM;
    cfg.sched.choose = w_prefer;
    cfg.sched.choose_ctx = &first;
    cfg.on_record = on_rec;
    char err[256];
    trace_len = 0;
    trace[0] = '\0';
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(rl_run_finish(run), RL_END_DONE);
    struct rl_analysis a;
    ck_assert_int_eq(rl_analyze(run, &a, err, sizeof(err)), 0);
    text[0] = '\0';
    if (a.nraces > 0)
        rl_race_text(run, &a.races[0], text, len);
    rl_run_destroy(run);
    return a.nraces;
}

START_TEST(test_widths_race_by_bytes)
{
    /* An int store and a char load of its second byte, unordered: two
     * variables, one race, named by the byte where they meet. */
    char text[300];
    w_reuse = false;
    ck_assert_int_eq(block_races(text, sizeof text), 1);
    ck_assert_str_eq(trace, "T0 start\n"
                            "T0 store heap <- 256\n"
                            "T0 finish\n"
                            "T1 start\n"
                            "T1 load heap+1 -> 1\n"
                            "T1 finish\n");
    ck_assert_str_eq(text, "data race on heap#1@x.c:3[1]: T0 writes at step 2 "
                           "and T1 reads at step 5, with nothing ordering "
                           "them (no lock, event, barrier or join in "
                           "between)");
    /* The block freed and handed out again at the same address: the
     * load is of another block's byte, no race. */
    w_reuse = true;
    ck_assert_int_eq(block_races(text, sizeof text), 0);
}
END_TEST

static Suite *posix_suite(void)
{
    Suite *s = suite_create("posix");
    TCase *tc = tcase_create("posix");
    tcase_add_test(tc, test_counter_race_and_analyses);
    tcase_add_test(tc, test_counter_with_mutex);
    tcase_add_test(tc, test_mutex_types_and_misuse);
    tcase_add_test(tc, test_trylock_and_timedlock_virtual_time);
    tcase_add_test(tc, test_cond_signal_after_unlock);
    tcase_add_test(tc, test_cond_wait_without_mutex_is_misuse);
    tcase_add_test(tc, test_mutex_deadlock_report);
    tcase_add_test(tc, test_rwlock_barrier_once);
    tcase_add_test(tc, test_atomics_and_pending_store);
    tcase_add_test(tc, test_pointer_values_by_lifetime);
    tcase_add_test(tc, test_pointer_values_by_path);
    tcase_add_test(tc, test_bytes_as_text);
    tcase_add_test(tc, test_assert_ends_the_run);
    tcase_add_test(tc, test_exit_status);
    tcase_add_test(tc, test_widths_order_matters_to_explore);
    tcase_add_test(tc, test_widths_race_by_bytes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(posix_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
