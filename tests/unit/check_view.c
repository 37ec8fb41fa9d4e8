/* SPDX-License-Identifier: MIT */
/*
 * check_view.c - the TUI without a terminal: the canvas, the view model of
 * the lab screen (from hand-made records and snapshots), the other pages,
 * the key bindings, and the session that drives the engine (stepping,
 * stepping back, picking threads, saving, repeating) on the deterministic
 * sim backend. Every assertion is exact.
 */
#include <check.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/run.h"
#include "../../labs/lab.h"
#include "../../tui/screen/canvas.h"
#include "../../tui/screen/frame.h"
#include "../../tui/screen/keys.h"
#include "../../tui/screen/page.h"
#include "../../tui/screen/session.h"
#include "../../tui/screen/view.h"

static char row_buf[4096];

/* Row y of c as text. */
static const char *row(const struct canvas *c, int y)
{
    return canvas_row(c, y, row_buf, sizeof row_buf);
}

/* ---- canvas -------------------------------------------------------------- */

START_TEST(test_canvas_put_clip)
{
    struct canvas c = {0};

    canvas_resize(&c, 10, 3);
    ck_assert_int_eq(canvas_put(&c, 0, 2, ROLE_OK, "hello world", -1), 8);
    ck_assert_str_eq(row(&c, 0), "  hello wo");
    ck_assert_int_eq(canvas_role_at(&c, 0, 2), ROLE_OK);
    ck_assert_int_eq(canvas_role_at(&c, 0, 1), ROLE_NORMAL);
    ck_assert_int_eq(canvas_put(&c, 1, 0, ROLE_NORMAL, "ab\ncd", 5), 2);
    ck_assert_str_eq(row(&c, 1), "ab");
    ck_assert_int_eq(canvas_put(&c, 5, 0, ROLE_NORMAL, "x", -1), 0);
    ck_assert_int_eq(canvas_put(&c, 2, -2, ROLE_NORMAL, "abcd", -1), 4);
    ck_assert_str_eq(row(&c, 2), "cd");
    canvas_free(&c);
}
END_TEST

START_TEST(test_canvas_utf8)
{
    struct canvas c = {0};

    canvas_resize(&c, 8, 1);
    /* one cell per character; a stray byte shows as '?' */
    ck_assert_int_eq(canvas_put(&c, 0, 0, ROLE_NORMAL,
                                "a\xe2\x80\x94"
                                "b\xff",
                                -1),
                     4);
    ck_assert_str_eq(row(&c, 0), "a\xe2\x80\x94"
                                 "b?");
    ck_assert_int_eq(text_cells("a\xe2\x80\x94"
                                "b"),
                     3);
    ck_assert(canvas_contains(&c, "\xe2\x80\x94"
                                  "b"));
    ck_assert(!canvas_contains(&c, "zz"));
    canvas_free(&c);
}
END_TEST

struct lines {
    char text[16][64];
    int n;
};

/* text_wrap callback collecting lines. */
static void collect(void *ctx, const char *s, size_t n)
{
    struct lines *l = ctx;

    snprintf(l->text[l->n++], 64, "%.*s", (int)n, s);
}

START_TEST(test_text_wrap)
{
    struct lines l = {0};

    ck_assert_int_eq(text_wrap("the quick brown fox jumps", 10, collect, &l),
                     3);
    ck_assert_str_eq(l.text[0], "the quick");
    ck_assert_str_eq(l.text[1], "brown fox");
    ck_assert_str_eq(l.text[2], "jumps");
    memset(&l, 0, sizeof l);
    /* a word longer than a line starts the next one, and is cut where
     * that line ends */
    ck_assert_int_eq(text_wrap("schedule: abcdefghijklmnop", 12, collect, &l),
                     3);
    ck_assert_str_eq(l.text[0], "schedule:");
    ck_assert_str_eq(l.text[1], "abcdefghijkl");
    ck_assert_str_eq(l.text[2], "mnop");
    memset(&l, 0, sizeof l);
    /* one with fields is cut after a field, in the second half */
    ck_assert_int_eq(text_wrap("rl1:counter:locked:0.1.0.1", 12, collect, &l),
                     3);
    ck_assert_str_eq(l.text[0], "rl1:counter:");
    ck_assert_str_eq(l.text[1], "locked:0.1.");
    ck_assert_str_eq(l.text[2], "0.1");
    memset(&l, 0, sizeof l);
    ck_assert_int_eq(text_wrap("a\n\nb", 10, collect, &l), 3);
    ck_assert_str_eq(l.text[1], "");
}
END_TEST

/* ---- the lab screen ------------------------------------------------------ */

static struct rl_thread_view fx_threads[RL_MAX_THREADS];
static struct rl_obj_view fx_objs[8];
static struct view_rec fx_recs[64];
static char fx_texts[64][64];

/* A record with the engine-like text. */
static void fx_rec(int i, int thread, enum rl_op op, enum rl_result res,
                   int obj, long arg, long after, const char *text)
{
    memset(&fx_recs[i], 0, sizeof fx_recs[i]);
    fx_recs[i].rec.seq = (uint64_t)i + 1;
    fx_recs[i].rec.thread = (int16_t)thread;
    fx_recs[i].rec.op = (uint8_t)op;
    fx_recs[i].rec.result = (uint8_t)res;
    fx_recs[i].rec.obj = (int16_t)obj;
    fx_recs[i].rec.other = -1;
    fx_recs[i].rec.arg = arg;
    fx_recs[i].rec.after = after;
    snprintf(fx_texts[i], sizeof fx_texts[i], "%s", text);
    fx_recs[i].text = fx_texts[i];
}

/* n threads named T0.. in state st. */
static void fx_threads_set(int n, enum rl_thread_state st)
{
    static char names[RL_MAX_THREADS][16];

    for (int i = 0; i < n; i++) {
        memset(&fx_threads[i], 0, sizeof fx_threads[i]);
        snprintf(names[i], sizeof names[i], "T%d", i);
        fx_threads[i].id = i;
        fx_threads[i].name = names[i];
        fx_threads[i].state = st;
        fx_threads[i].waiting_on = -1;
        fx_threads[i].holder = -1;
    }
}

/* The unsafe counter's lost update, 2 threads, 1 increment each. */
static void fx_lost_update(struct view_lab *v)
{
    memset(v, 0, sizeof *v);
    fx_threads_set(2, RL_T_DONE);
    memset(fx_objs, 0, sizeof fx_objs);
    fx_objs[0].id = 0;
    fx_objs[0].kind = RL_OBJ_VAR;
    fx_objs[0].name = "counter";
    fx_objs[0].value = 1;
    fx_objs[0].owner = -1;
    fx_rec(0, 0, RL_OP_START, RL_RES_OK, -1, 0, 0, "start");
    fx_rec(1, 1, RL_OP_START, RL_RES_OK, -1, 0, 0, "start");
    fx_rec(2, 0, RL_OP_LOAD, RL_RES_OK, 0, 0, 0, "load counter -> 0");
    fx_rec(3, 1, RL_OP_LOAD, RL_RES_OK, 0, 0, 0, "load counter -> 0");
    fx_rec(4, 0, RL_OP_STORE, RL_RES_OK, 0, 1, 1, "store counter <- 1");
    fx_rec(5, 1, RL_OP_STORE, RL_RES_OK, 0, 1, 1, "store counter <- 1");
    v->lab_name = "unsafe-counter";
    v->lab_title = "Unsafe counter";
    v->variant = "unsafe";
    v->params = "threads=2,iters=1";
    v->backend = "sim";
    v->sched = "rr:1";
    v->state = "finished";
    v->speed = "5 steps/s";
    v->step = 6;
    v->nthreads = 2;
    v->threads = fx_threads;
    v->nobjs = 1;
    v->objs = fx_objs;
    v->nrecs = 6;
    v->recs = fx_recs;
    v->current = 6;
    v->current_thread = 1;
    v->end = RL_END_RUNNING;
}

START_TEST(test_lab_rows_exact)
{
    struct canvas c = {0};
    struct view_lab v;
    char want[256];

    fx_lost_update(&v);
    v.end = RL_END_RUNNING;
    v.state = "paused";
    canvas_resize(&c, 80, 24);
    view_lab(&c, &v);
    ck_assert_str_eq(row(&c, 0), " racelab | Unsafe counter | unsafe (expected "
                                 "to fail) | threads=2,iters=1");
    snprintf(want, sizeof want, "%-55s| STATE",
             "#    T0 done                  T1 done");
    ck_assert_str_eq(row(&c, 1), want);
    snprintf(want, sizeof want, "%-55s| counter = 1", "  1  > start");
    ck_assert_str_eq(row(&c, 2), want);
    snprintf(want, sizeof want, "%-55s|",
             "  2                           > start");
    ck_assert_str_eq(row(&c, 3), want);
    snprintf(want, sizeof want, "%-55s|", "  3    load counter -> 0");
    ck_assert_str_eq(row(&c, 4), want);
    snprintf(want, sizeof want, "%-55s|",
             "  4                             load counter -> 0");
    ck_assert_str_eq(row(&c, 5), want);
    snprintf(want, sizeof want, "%-55s|", "  5    store counter <- 1");
    ck_assert_str_eq(row(&c, 6), want);
    /* the step just run: marked and highlighted */
    snprintf(want, sizeof want, "%-55s|",
             "  6>                            store counter <- 1");
    ck_assert_str_eq(row(&c, 7), want);
    ck_assert_int_eq(canvas_role_at(&c, 7, 30), ROLE_CURRENT);
    /* each thread's lane and name in its own colour; the symbol column
     * and the state word keep what they mean */
    ck_assert_int_eq(canvas_role_at(&c, 6, 5), ROLE_VALUE);
    ck_assert_int_eq(canvas_role_at(&c, 6, 7), ROLE_THREAD0);
    ck_assert_int_eq(canvas_role_at(&c, 5, 33), ROLE_THREAD1);
    ck_assert_int_eq(canvas_role_at(&c, 1, 30), ROLE_THREAD1);
    ck_assert_int_eq(canvas_role_at(&c, 1, 33), ROLE_DIM);
    /* running: a one-line hint, then the status and key lines */
    ck_assert_str_eq(row(&c, 20), "== paused: step 6 ========================="
                                  "=====================================");
    ck_assert_str_eq(row(&c, 21),
                     " The checks are judged when every thread has finished.");
    ck_assert_str_eq(row(&c, 22), " unsafe-counter/unsafe | sim rr:1 | step 6 "
                                  "| paused | 5 steps/s");
    ck_assert_str_eq(row(&c, 23), " ? help  space run  n step  Left back  0-9 "
                                  "pick  e end  +/- speed  r restart");
    canvas_free(&c);
}
END_TEST

START_TEST(test_lab_result_lost_update)
{
    struct canvas c = {0};
    struct view_lab v;
    struct rl_check_result checks[2] = {
        {"final value", false, "counter = 1, expected 2: 1 updates lost"},
        {"no deadlock", true, "no deadlock"},
    };

    fx_lost_update(&v);
    v.end = RL_END_DONE;
    v.passed = false;
    v.checks = checks;
    v.nchecks = 2;
    v.schedule = "rl1:unsafe-counter:unsafe:threads=2,iters=1:0.1.0.1";
    v.message = "the run has ended";
    canvas_resize(&c, 80, 24);
    view_lab(&c, &v);
    ck_assert_str_eq(row(&c, 18), "== FAILED: 1 of 2 checks failed (as this "
                                  "variant is expected to) ===============");
    ck_assert_int_eq(canvas_role_at(&c, 18, 4), ROLE_FAIL);
    ck_assert_str_eq(row(&c, 19), " [!!] final value: counter = 1, expected 2:"
                                  " 1 updates lost");
    ck_assert_int_eq(canvas_role_at(&c, 19, 1), ROLE_FAIL);
    /* a message that only repeats the name is said once */
    ck_assert_str_eq(row(&c, 21), " [ok] no deadlock");
    ck_assert_int_eq(canvas_role_at(&c, 21, 1), ROLE_OK);
    ck_assert_str_eq(row(&c, 20), " schedule: rl1:unsafe-counter:unsafe:"
                                  "threads=2,iters=1:0.1.0.1");
    ck_assert_str_eq(row(&c, 23), " the run has ended");
    canvas_free(&c);
}
END_TEST

/* A lost wakeup, built by hand: T0 notifies C with no thread waiting,
 * then T1 waits on it for ever; the analysis marked T1's wait. */
static void fx_lost_wakeup(struct view_lab *v)
{
    fx_lost_update(v);
    fx_threads_set(2, RL_T_DONE);
    fx_threads[1].state = RL_T_BLOCKED;
    fx_threads[1].waiting_on = 1;
    memset(fx_objs, 0, sizeof fx_objs);
    fx_objs[0] = (struct rl_obj_view){.id = 0, .kind = RL_OBJ_LOCK,
                                      .name = "L", .owner = -1, .lock = -1};
    fx_objs[1] = (struct rl_obj_view){.id = 1, .kind = RL_OBJ_CONDITION,
                                      .name = "C", .owner = -1, .lock = 0,
                                      .nwaiters = 1, .waiters = {1}};
    fx_rec(0, 0, RL_OP_START, RL_RES_OK, -1, 0, 0, "start");
    fx_rec(1, 1, RL_OP_START, RL_RES_OK, -1, 0, 0, "start");
    fx_rec(2, 0, RL_OP_ACQUIRE, RL_RES_OK, 0, 0, 0, "acquire L");
    fx_rec(3, 0, RL_OP_NOTIFY, RL_RES_OK, 1, 0, 0, "notify C (no waiter)");
    fx_rec(4, 0, RL_OP_RELEASE, RL_RES_OK, 0, 0, 0, "release L");
    fx_rec(5, 0, RL_OP_FINISH, RL_RES_OK, -1, 0, 0, "finish");
    fx_rec(6, 1, RL_OP_ACQUIRE, RL_RES_OK, 0, 0, 0, "acquire L");
    fx_rec(7, 1, RL_OP_WAIT, RL_RES_BLOCKED, 1, 0, 0, "wait C (releases L)");
    fx_recs[7].wakeup = true;
    fx_recs[7].note = "lost wakeup on C: T0 called notify at step 4 when no "
                      "thread was waiting, so it woke nobody; T1 began to "
                      "wait at step 8 and still waits: nothing notified C "
                      "again";
    v->nobjs = 2;
    v->nrecs = 8;
    v->step = 8;
    v->current = 8;
    v->end = RL_END_DEADLOCK;
    v->state = "deadlocked";
    v->analysis = "[wakeup] lost wakeup on C: T0 called notify at step 4 "
                  "when no thread was waiting, so it woke nobody; T1 began "
                  "to wait at step 8 and still waits: nothing notified C "
                  "again\n[hint] a notify wakes only a thread already "
                  "waiting; wait in a loop on a condition the notifier "
                  "sets: while (!ready) rl_cond_wait(C);\n";
}

/* The wait of a lost wakeup is marked '!' as a failure, explained under
 * its row; the result area says it, then the fix. */
START_TEST(test_lab_lost_wakeup)
{
    struct canvas c = {0};
    struct view_lab v;
    struct rl_check_result checks[1] = {
        {"no deadlock", false, "deadlock: T1 waits for a notify on C"},
    };

    fx_lost_wakeup(&v);
    v.passed = false;
    v.checks = checks;
    v.nchecks = 1;
    v.current = 0; /* no row highlighted: the mark's role shows */
    canvas_resize(&c, 80, 30);
    view_lab(&c, &v);
    ck_assert_str_eq(row(&c, 5), "  4  * notify C (no waiter)                 "
                                 "           |");
    ck_assert_str_eq(row(&c, 9), "  8                           ! wait C "
                                 "(releases L)    |");
    ck_assert_int_eq(canvas_role_at(&c, 9, 30), ROLE_FAIL);
    ck_assert_str_eq(row(&c, 10), "     ^ lost wakeup on C: T0 called notify "
                                  "at step 4    |");
    ck_assert_str_eq(row(&c, 13), "       nothing notified C again           "
                                  "             |");
    ck_assert_str_eq(row(&c, 23), " [wakeup] lost wakeup on C: T0 called "
                                  "notify at step 4 when no thread was");
    ck_assert_int_eq(canvas_role_at(&c, 23, 1), ROLE_ERROR);
    ck_assert_str_eq(row(&c, 26), " [hint] a notify wakes only a thread "
                                  "already waiting; wait in a loop on a");
    ck_assert_str_eq(row(&c, 27), " condition the notifier sets: while "
                                  "(!ready) rl_cond_wait(C);");
    /* unmarked, the same wait is a blocked call like any other */
    fx_recs[7].wakeup = false;
    fx_recs[7].note = NULL;
    view_lab(&c, &v);
    ck_assert_str_eq(row(&c, 9), "  8                           # wait C "
                                 "(releases L)    |");
    canvas_free(&c);
}
END_TEST

/* The verdict row of c ("== ..."), or "" if there is none. */
static const char *verdict_row(const struct canvas *c)
{
    for (int y = 0; y < c->h; y++)
        if (strncmp(row(c, y), "== ", 3) == 0)
            return row(c, y);
    return "";
}

/* A verdict too long for a pane side by side is cut after a whole word,
 * never inside one or inside its "(...)"; a C program's exit says its
 * status. */
START_TEST(test_verdict_fits_pane)
{
    struct canvas c = {0};
    struct view_lab v;
    struct rl_check_result checks[1] = {{"no deadlock", true, "no deadlock"}};

    fx_lost_update(&v);
    v.checks = checks;
    v.nchecks = 1;
    v.compact = true;
    v.end = RL_END_DONE;
    v.passed = true;
    canvas_resize(&c, 39, 22);
    view_lab(&c, &v);
    ck_assert_str_eq(verdict_row(&c),
                     "== PASSED (this time) =================");
    v.end = RL_END_CRASH;
    view_lab(&c, &v);
    ck_assert_str_eq(verdict_row(&c),
                     "== CRASHED: the program was killed ====");
    v.end = RL_END_FAILED;
    view_lab(&c, &v);
    ck_assert_str_eq(verdict_row(&c),
                     "== FAILED: stopped at the failing =====");
    v.end = RL_END_EXIT;
    v.exit_status = 3;
    view_lab(&c, &v);
    ck_assert_str_eq(verdict_row(&c),
                     "== EXITED with status 3 ===============");
    canvas_resize(&c, 80, 24);
    v.compact = false;
    v.end = RL_END_CRASH;
    view_lab(&c, &v);
    ck_assert_str_eq(verdict_row(&c),
                     "== CRASHED: the program was killed by a signal ========"
                     "=========================");
    canvas_free(&c);
}
END_TEST

START_TEST(test_lab_deadlock_cycle)
{
    struct canvas c = {0};
    struct view_lab v;
    struct rl_check_result checks[1] = {
        {"no deadlock", false, "deadlock: T0 waits for L"},
    };

    fx_lost_update(&v);
    fx_threads_set(2, RL_T_BLOCKED);
    fx_threads[0].waiting_on = 0;
    fx_threads[0].holder = 0;
    fx_objs[0].kind = RL_OBJ_LOCK;
    fx_objs[0].name = "L";
    fx_objs[0].owner = 0;
    fx_objs[0].nwaiters = 2;
    fx_objs[0].waiters[0] = 1;
    fx_objs[0].waiters[1] = 0;
    v.nrecs = 2;
    v.end = RL_END_DEADLOCK;
    v.checks = checks;
    v.nchecks = 1;
    v.end_text = "T0 holds L, waits for L (held by T0); T1 waits for L "
                 "(held by T0)\nwait-for cycle: T0 -> T0";
    canvas_resize(&c, 80, 24);
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, "== DEADLOCK: no thread can run ==="));
    ck_assert(canvas_contains(&c, " wait-for cycle: T0 -> T0"));
    ck_assert(canvas_contains(&c, "T0 #L(T0)"));
    ck_assert(canvas_contains(&c, "| + L Lock: held by T0"));
    ck_assert(canvas_contains(&c, "|     # waiting: T1 T0"));
    {
        /* owners and waiters in their threads' colours */
        char line[256];
        int y = 0, x;

        while (y < c.h && !strstr(row(&c, y), "# waiting: T1 T0"))
            y++;
        snprintf(line, sizeof line, "%s", row(&c, y));
        x = (int)(strstr(line, "T1 T0") - line);
        ck_assert_int_eq(canvas_role_at(&c, y, x), ROLE_THREAD1);
        ck_assert_int_eq(canvas_role_at(&c, y, x + 3), ROLE_THREAD0);
        ck_assert_int_eq(canvas_role_at(&c, y, x - 2), ROLE_BLOCKED);
    }
    canvas_free(&c);
}
END_TEST

START_TEST(test_lab_many_threads)
{
    struct canvas c = {0};
    struct view_lab v;
    char want[256];

    fx_lost_update(&v);
    fx_threads_set(8, RL_T_RUNNABLE);
    v.nthreads = 8;
    fx_rec(0, 7, RL_OP_STORE, RL_RES_OK, 0, 42, 42, "store counter <- 42");
    fx_rec(1, 3, RL_OP_ACQUIRE, RL_RES_BLOCKED, 0, 0, 0,
           "acquire counter: blocked (held by T0)");
    v.nrecs = 2;
    v.current = 0;
    canvas_resize(&c, 80, 24);
    view_lab(&c, &v);
    /* 8 lanes of 6 cells: the names in the headers, the objects by their
     * short names, and a legend that says which is which */
    snprintf(want, sizeof want, "%-61s| STATE",
             "#    T0     T1     T2     T3     T4     T5     T6     T7");
    ck_assert_str_eq(row(&c, 1), want);
    snprintf(want, sizeof want, "%-61s| counter = 1",
             "     legend: c=counter");
    ck_assert_str_eq(row(&c, 2), want);
    snprintf(want, sizeof want, "%-61s|",
             "  1                                                    c<-42");
    ck_assert_str_eq(row(&c, 3), want);
    snprintf(want, sizeof want, "%-61s|", "  2                       #c");
    ck_assert_str_eq(row(&c, 4), want);
    ck_assert_int_eq(canvas_role_at(&c, 4, 26), ROLE_BLOCKED);
    /* 30 threads: the lanes that fit, and how many are not shown */
    fx_threads_set(30, RL_T_RUNNABLE);
    v.nthreads = 30;
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, "+16|"));
    canvas_free(&c);
}
END_TEST

START_TEST(test_rec_text_forms)
{
    struct view_lab v;
    char buf[128];
    int role;

    fx_lost_update(&v);
    fx_rec(0, 0, RL_OP_STORE, RL_RES_OK, 0, 42, 42, "store counter <- 42");
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 30, buf, sizeof buf),
                     "store counter <- 42");
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 12, buf, sizeof buf),
                     "counter<-42");
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 5, buf, sizeof buf),
                     "<-42");
    fx_rec(1, 0, RL_OP_RELEASE, RL_RES_ERROR, 0, 2, 0,
           "release counter: error: release unlocked lock");
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[1], 20, buf, sizeof buf),
                     "rel counter: error");
    ck_assert_int_eq(view_rec_symbol(&fx_recs[1].rec, &role), '!');
    ck_assert_int_eq(role, ROLE_ERROR);
    fx_rec(2, 0, RL_OP_ACQUIRE, RL_RES_OK, 0, 0, 0, "acquire L");
    ck_assert_int_eq(view_rec_symbol(&fx_recs[2].rec, &role), '+');
    ck_assert_int_eq(role, ROLE_ACQUIRE);
    fx_rec(3, 0, RL_OP_RELEASE, RL_RES_OK, 0, 0, 0, "release L");
    ck_assert_int_eq(view_rec_symbol(&fx_recs[3].rec, &role), '-');
    ck_assert_int_eq(role, ROLE_RELEASE);
    fx_rec(4, 0, RL_OP_WAIT, RL_RES_BLOCKED, 0, 0, 0, "wait C");
    ck_assert_int_eq(view_rec_symbol(&fx_recs[4].rec, &role), '#');
    fx_rec(5, 0, RL_OP_NOTIFY, RL_RES_OK, 0, 1, 0, "notify C");
    ck_assert_int_eq(view_rec_symbol(&fx_recs[5].rec, &role), '*');
    ck_assert_int_eq(role, ROLE_SIGNAL);
}
END_TEST

/* A C program's step in a narrow lane: its object's short name before
 * its source line, never a line number cut ("->894183328 @1"). */
START_TEST(test_rec_text_line)
{
    struct canvas c = {0};
    struct view_lab v;

    fx_lost_update(&v);
    fx_threads_set(3, RL_T_DONE);
    v.nthreads = 3;
    fx_objs[0].name = "block";
    fx_rec(0, 2, RL_OP_LOAD, RL_RES_OK, 0, 894183328, 894183328,
           "load block -> 894183328");
    fx_recs[0].rec.arg = 0;
    fx_recs[0].line = 12;
    fx_rec(1, 1, RL_OP_LOAD, RL_RES_OK, 0, 7, 7, "load block -> 7");
    fx_recs[1].line = 12;
    v.nrecs = 2;
    v.current = 0;
    canvas_resize(&c, 80, 24);
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, "legend: b=block"));
    ck_assert_str_eq(row(&c, 3), "  1                                      "
                                 "b->894183328  |");
    /* a short one keeps its name and its line */
    ck_assert(canvas_contains(&c, "  2                     block->7 @12  "));
    canvas_free(&c);
}
END_TEST

/* A C program's memory in narrow lanes: members and indices kept, each
 * identifier by its initials, a heap block's allocation site left out. */
START_TEST(test_rec_text_paths)
{
    struct canvas c = {0};
    struct view_lab v;

    fx_lost_update(&v);
    fx_threads_set(3, RL_T_RUNNABLE);
    v.nthreads = 3;
    fx_objs[0].name = "heap#2@args.c:31[1].lo";
    fx_rec(0, 1, RL_OP_STORE, RL_RES_OK, 0, 4, 4,
           "store heap#2@args.c:31[1].lo <- 4");
    v.nrecs = 1;
    v.current = 0;
    canvas_resize(&c, 80, 24);
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, "legend: h#2[1].l=heap#2@args.c:31[1].lo"));
    ck_assert(canvas_contains(&c, " h#2[1].l<-4"));
    /* a pointer to a member: the value by that object's short name, which
     * the legend spells out as well */
    static const struct rl_record_values to_lo = {
        .arg = "&heap#2@args.c:31[1].lo", .after = "&heap#2@args.c:31[1].lo"};
    fx_objs[1] = fx_objs[0];
    fx_objs[1].id = 1;
    fx_objs[1].name = "last_link";
    v.nobjs = 2;
    fx_rec(0, 1, RL_OP_STORE, RL_RES_OK, 1, 4, 4,
           "store last_link <- &heap#2@args.c:31[1].lo");
    fx_recs[0].values = &to_lo;
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, " ll<-&h#2[1].l "));
    ck_assert(canvas_contains(&c, "h#2[1].l=heap#2@args.c:31[1].lo"));
    fx_recs[0].values = NULL;
    v.nobjs = 1;
    fx_objs[0].name = "worker_loop:local_ids[12]";
    fx_rec(0, 1, RL_OP_STORE, RL_RES_OK, 0, 4, 4,
           "store worker_loop:local_ids[12] <- 4");
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, "legend: wl:li[12]=worker_loop:local_ids[12]"));
    /* a lab's dotted name keeps its initials */
    fx_objs[0].name = "q.all_tasks_done_here";
    fx_rec(0, 1, RL_OP_STORE, RL_RES_OK, 0, 4, 4,
           "store q.all_tasks_done_here <- 4");
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, "legend: qatdh=q.all_tasks_done_here"));
    /* a C program's condition variable and mutex in its words */
    fx_objs[0].name = "more";
    fx_objs[0].posix = true;
    fx_rec(0, 1, RL_OP_NOTIFY, RL_RES_OK, 0, 1, 0,
           "cond_signal more (wakes T2) and a long tail to be cut away");
    {
        char buf[64];
        ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 12, buf, sizeof buf),
                         "signal more");
        fx_rec(0, 1, RL_OP_ACQUIRE, RL_RES_OK, 0, 0, 1,
               "lock more, a long tail to be cut away");
        ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 12, buf, sizeof buf),
                         "lock more");
    }
    fx_objs[0].posix = false;
    canvas_free(&c);
}
END_TEST

START_TEST(test_state_panel_objects)
{
    struct canvas c = {0};
    struct view_lab v;
    static const char *names[] = {"slot0", "slot1", "slot2", "count",
                                  "pool",  "R",     "C",     "gate"};

    fx_lost_update(&v);
    memset(fx_objs, 0, sizeof fx_objs);
    for (int i = 0; i < 8; i++) {
        fx_objs[i].id = i;
        fx_objs[i].name = names[i];
        fx_objs[i].owner = -1;
        fx_objs[i].lock = -1;
    }
    fx_objs[0].value = 7;
    fx_objs[1].value = 12;
    fx_objs[3].value = 2;
    fx_objs[4].kind = RL_OBJ_BOUNDED_SEMAPHORE;
    fx_objs[4].value = 1;
    fx_objs[4].limit = 3;
    fx_objs[4].nholders = 2;
    fx_objs[4].holders[0] = 1;
    fx_objs[4].holders[1] = 0;
    fx_objs[5].kind = RL_OBJ_RLOCK;
    fx_objs[5].owner = 1;
    fx_objs[5].depth = 2;
    fx_objs[6].kind = RL_OBJ_CONDITION;
    fx_objs[6].lock = 5;
    fx_objs[6].nwaiters = 1;
    fx_objs[6].waiters[0] = 0;
    fx_objs[7].kind = RL_OBJ_EVENT;
    fx_objs[7].value = 1;
    v.nobjs = 8;
    canvas_resize(&c, 80, 24);
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, "| slot[0..2]"));
    ck_assert(canvas_contains(&c, "|  | 7|12| 0|"));
    ck_assert(canvas_contains(&c, "| count = 2"));
    ck_assert(canvas_contains(&c, "|   pool BoundedSem 1/3"));
    ck_assert(canvas_contains(&c, "|     holders: T1 T0"));
    ck_assert(canvas_contains(&c, "| + R RLock"));
    ck_assert(canvas_contains(&c, "|     held by T1 depth 2"));
    ck_assert(canvas_contains(&c, "|   C Cond(R)"));
    ck_assert(canvas_contains(&c, "|     # waiting: T0"));
    ck_assert(canvas_contains(&c, "| * gate Event: set"));
    canvas_free(&c);
}
END_TEST

/* A C program's pointers: the panel and the narrow lanes say the words
 * the engine gave (rl_value_text, rl_record_values), not the address. */
START_TEST(test_pointer_values)
{
    struct canvas c = {0};
    struct view_lab v;
    char buf[128];
    static char values[3][RL_VALUE_TEXT_MAX] = {"&heap#1@p.c:7", "0",
                                                "&buf+12"};
    static const struct rl_record_values rv = {.arg = "&heap#1@p.c:7",
                                               .after = "&heap#1@p.c:7"};

    fx_lost_update(&v);
    memset(fx_objs, 0, sizeof fx_objs);
    static const char *names[] = {"head", "count", "slot"};
    for (int i = 0; i < 3; i++) {
        fx_objs[i].id = i;
        fx_objs[i].name = names[i];
        fx_objs[i].owner = -1;
        fx_objs[i].value = 94183328 + i;
    }
    fx_objs[1].value = 0;
    v.nobjs = 3;
    v.values = (const char(*)[RL_VALUE_TEXT_MAX])values;
    fx_rec(0, 0, RL_OP_STORE, RL_RES_OK, 0, 94183328, 94183328,
           "store head <- &heap#1@p.c:7");
    fx_recs[0].values = &rv;
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 30, buf, sizeof buf),
                     "store head <- &heap#1@p.c:7");
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 20, buf, sizeof buf),
                     "head<-&heap#1@p.c:7");
    /* narrower: the value without its allocation site, then the short
     * form */
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 16, buf, sizeof buf),
                     "head<-&heap#1");
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 12, buf, sizeof buf),
                     "<-&heap#1");
    static const struct rl_record_values off = {
        .arg = "&heap#12@list.c:140+8", .after = "&heap#12@list.c:140+8"};
    fx_recs[0].values = &off;
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 20, buf, sizeof buf),
                     "head<-&heap#12+8");
    /* a path inside a block, then as the objects' short names write it
     * (alias_path: "heap#12@list.c:140.next" -> "h#12.n") */
    static const struct rl_record_values path = {
        .arg = "&heap#12@list.c:140.next",
        .after = "&heap#12@list.c:140.next"};
    fx_recs[0].values = &path;
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 20, buf, sizeof buf),
                     "head<-&heap#12.next");
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 14, buf, sizeof buf),
                     "head<-&h#12.n");
    static const struct rl_record_values elem = {.arg = "&slots[3]",
                                                 .after = "&slots[3]"};
    fx_recs[0].values = &elem;
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 15, buf, sizeof buf),
                     "head<-&slots[3]");
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 14, buf, sizeof buf),
                     "head<-&s[3]");
    static const struct rl_record_values gone = {
        .arg = "&heap#3@p.c:49.next (freed)",
        .after = "&heap#3@p.c:49.next (freed)"};
    fx_recs[0].values = &gone;
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 20, buf, sizeof buf),
                     "head<-&h#3.n (freed)");
    static const struct rl_record_values freed = {
        .arg = "&heap#3@p.c:49 (freed)", .after = "&heap#3@p.c:49 (freed)"};
    fx_recs[0].values = &freed;
    ck_assert_str_eq(view_rec_text(&v, &fx_recs[0], 22, buf, sizeof buf),
                     "head<-&heap#3 (freed)");
    fx_recs[0].values = &rv;
    canvas_resize(&c, 80, 24);
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, "| head = &heap#1@p.c:7"));
    ck_assert(canvas_contains(&c, "| count = 0"));
    ck_assert(canvas_contains(&c, "| slot = &buf+12"));
    ck_assert(!canvas_contains(&c, "94183328"));
    /* without words (a lab), the numbers */
    v.values = NULL;
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, "| head = 94183328"));
    canvas_free(&c);
}
END_TEST

START_TEST(test_histogram)
{
    struct canvas c = {0};
    struct view_lab v;
    long values[5] = {4, 3, 6, 4, 4};
    struct view_hist h = {"counter", values, 5, 100, 1, "(sim)"};

    fx_lost_update(&v);
    v.hist = &h;
    canvas_resize(&c, 80, 24);
    view_lab(&c, &v);
    ck_assert(canvas_contains(&c, " repeat: 5 of 100 runs, final value of "
                                  "counter"));
    /* one bar per distinct value; the longest fills the width */
    ck_assert_str_eq(row(&c, 2), " 3 ############## 1                       "
                                 "             | counter = 1");
    ck_assert(canvas_contains(
        &c, " 4 ############################################ 3"));
    ck_assert(canvas_contains(&c, " min 3  median 4  max 6"));
    ck_assert(canvas_contains(&c, " passed: 1 of 5 runs  (sim)"));
    canvas_free(&c);
}
END_TEST

START_TEST(test_too_small_and_layout)
{
    struct canvas c = {0};
    struct view_lab v;
    struct view_layout l;

    canvas_resize(&c, 40, 10);
    view_too_small(&c, VIEW_MIN_W, VIEW_MIN_H);
    ck_assert_str_eq(row(&c, 4), "racelab needs 60x16");
    ck_assert_str_eq(row(&c, 5), "this terminal is 40x10");
    fx_lost_update(&v);
    view_lab_layout(&v, 80, 24, &l);
    ck_assert_int_eq(l.rows_y, 2);
    ck_assert_int_eq(l.rows_h, 18);
    ck_assert_int_eq(l.state_x, 56);
    ck_assert_int_eq(l.result_y, 20);
    view_lab_layout(&v, 120, 40, &l);
    ck_assert_int_eq(l.state_w, 40);
    ck_assert_int_eq(l.rows_h, 34);
    canvas_free(&c);
}
END_TEST

/* ---- pages and keys ------------------------------------------------------ */

START_TEST(test_menu_and_help)
{
    struct canvas c = {0};
    const struct lab *labs[64];
    int n = lab_count(), nk;
    struct page_menu m;
    const struct key_help *k;

    ck_assert_int_gt(n, 0);
    for (int i = 0; i < n && i < 64; i++)
        labs[i] = lab_at(i);
    m.labs = labs;
    m.nlabs = n;
    m.sel = 0;
    m.message = NULL;
    canvas_resize(&c, 100, 30);
    page_menu(&c, &m);
    /* every lab is listed (long titles are cut at the list's width) */
    for (int i = 0; i < n && i < 26; i++) {
        char head[24];

        snprintf(head, sizeof head, "%.20s", labs[i]->title);
        ck_assert_msg(canvas_contains(&c, head), "lab %s", labs[i]->name);
    }
    ck_assert(canvas_contains(&c, "> "));
    ck_assert(canvas_contains(&c, labs[0]->name));
    ck_assert(canvas_contains(&c, labs[0]->variants[0].name));
    k = keys_help_lab(true, &nk);
    int scroll = 0;
    canvas_resize(&c, 100, 50);
    page_help(&c, "the lab screen", k, nk, true, &scroll);
    for (int i = 0; i < nk; i++)
        ck_assert(canvas_contains(&c, k[i].keys));
    ck_assert(canvas_contains(&c, "# blocked"));
    canvas_free(&c);
}
END_TEST

START_TEST(test_form)
{
    struct canvas c = {0};
    struct page_form f;
    const struct lab *lab = lab_find("unsafe-counter");

    ck_assert_ptr_nonnull(lab);
    memset(&f, 0, sizeof f);
    f.lab = lab;
    snprintf(f.text[0], sizeof f.text[0], "99");
    snprintf(f.text[1], sizeof f.text[1], "3");
    f.error = "threads must be 1..16, not 99";
    canvas_resize(&c, 80, 24);
    page_form(&c, &f);
    /* the ranges in one column, so the helps start in one */
    ck_assert(canvas_contains(&c, "> threads   [      99]  1..16        "
                                  "threads"));
    ck_assert(canvas_contains(&c, "  iters     [       3]  1..10000000  "
                                  "increments"));
    ck_assert(canvas_contains(&c, "threads must be 1..16, not 99"));
    canvas_free(&c);
}
END_TEST

START_TEST(test_keys)
{
    ck_assert_int_eq(keys_lab('n').act, ACT_STEP);
    ck_assert_int_eq(keys_lab(KEY_RIGHT).act, ACT_STEP);
    ck_assert_int_eq(keys_lab(KEY_LEFT).act, ACT_STEP_BACK);
    ck_assert_int_eq(keys_lab(' ').act, ACT_RUN_PAUSE);
    ck_assert_int_eq(keys_lab('3').act, ACT_PICK);
    /* digit N runs thread TN: the number on screen */
    ck_assert_int_eq(keys_lab('3').arg, 3);
    ck_assert_int_eq(keys_lab('0').act, ACT_PICK);
    ck_assert_int_eq(keys_lab('0').arg, 0);
    ck_assert_int_eq(keys_lab('9').arg, 9);
    ck_assert_int_eq(keys_lab('+').act, ACT_FASTER);
    ck_assert_int_eq(keys_lab('-').act, ACT_SLOWER);
    ck_assert_int_eq(keys_lab('r').act, ACT_RESTART);
    ck_assert_int_eq(keys_lab('v').act, ACT_VARIANT);
    ck_assert_int_eq(keys_lab('s').act, ACT_SCHED);
    ck_assert_int_eq(keys_lab('p').act, ACT_PARAMS);
    ck_assert_int_eq(keys_lab('b').act, ACT_BACKEND);
    ck_assert_int_eq(keys_lab('w').act, ACT_SAVE);
    ck_assert_int_eq(keys_lab('q').act, ACT_BACK);
    ck_assert_int_eq(keys_lab(27).act, ACT_BACK);
    ck_assert_int_eq(keys_lab('?').act, ACT_HELP);
    ck_assert_int_eq(keys_lab(KEY_RESIZE).act, ACT_RESIZE);
    ck_assert_int_eq(keys_menu('\n').act, ACT_OPEN);
    ck_assert_int_eq(keys_menu('q').act, ACT_QUIT);
    ck_assert_int_eq(keys_form('7').act, ACT_CHAR);
    ck_assert_int_eq(keys_form('7').arg, '7');
    ck_assert_int_eq(keys_form(27).act, ACT_BACK);
    ck_assert_int_eq(keys_form('+').act, ACT_INC);
    ck_assert_int_eq(keys_help('x').act, ACT_BACK);
    ck_assert_int_eq(keys_lab('m').act, ACT_RESULT);
    ck_assert_int_eq(keys_lab('f').act, ACT_JUMP);
    ck_assert_int_eq(keys_lab('f').arg, SESSION_JUMP_FAILURE);
    ck_assert_int_eq(keys_lab(']').arg, SESSION_JUMP_NEXT);
    ck_assert_int_eq(keys_lab('[').arg, SESSION_JUMP_PREV);
    ck_assert_int_eq(keys_lab('\'').act, ACT_JUMP_BACK);
    ck_assert_int_eq(keys_lab('a').act, ACT_PREDICT);
    ck_assert_int_eq(keys_lab('c').act, ACT_CONTRAST);
}
END_TEST

/* ---- the session, on the real engine ------------------------------------- */

/* A session of lab (sim defaults) with scheduler spec. */
static void open_session(struct session *s, const char *lab, const char *spec)
{
    struct lab_inst inst;
    struct rl_sched sc;
    char err[256];

    ck_assert_ptr_nonnull(lab_find(lab));
    lab_inst_init(&inst, lab_find(lab), RL_BACKEND_SIM);
    ck_assert_int_eq(rl_sched_parse(spec, &sc, err, sizeof err), 0);
    session_init(s, &inst, &sc, NULL);
    ck_assert_int_eq(session_restart(s, err, sizeof err), 0);
}

/* The value of the variable named name in the session's run. */
static long var_value(const struct session *s, const char *name)
{
    struct rl_obj_view o;
    int id = rl_run_object_find(s->run, name);

    ck_assert_int_ge(id, 0);
    rl_run_object(s->run, id, &o);
    return o.value;
}

START_TEST(test_session_lost_update)
{
    struct session s;
    char sched[512];

    open_session(&s, "unsafe-counter", "rr:1");
    ck_assert_int_eq(session_run(&s, 1000), RL_END_DONE);
    ck_assert_int_eq(var_value(&s, "counter"), 3);
    ck_assert(!rl_run_passed(s.run));
    session_schedule(&s, sched, sizeof sched);
    ck_assert_str_eq(sched, "rl1:unsafe-counter:unsafe:threads=2,iters=3:"
                            "0.1.0.1.0.1.0.1.0.1.0.1.0");
    session_fini(&s);
}
END_TEST

START_TEST(test_frame_from_session)
{
    struct session s;
    struct frame f;
    struct frame_ui ui = {.state = "finished", .speed = "5 steps/s",
                         .scroll = 1000};
    struct canvas c = {0};

    open_session(&s, "unsafe-counter", "rr:1");
    session_run(&s, 1000);
    frame_init(&f);
    canvas_resize(&c, 100, 40);
    frame_lab(&f, &s, &ui, &c);
    /* scrolled past the oldest record: clamped to it */
    ck_assert_uint_eq(ui.scroll, rl_run_record_last(s.run) - 1);
    ui.scroll = 0;
    frame_lab(&f, &s, &ui, &c);
    ck_assert(canvas_contains(&c, "[!!] final value: counter = 3, expected 6"));
    ck_assert(canvas_contains(&c,
                              "schedule: rl1:unsafe-counter:unsafe:"
                              "threads=2,iters=3:0.1.0.1.0.1.0.1.0.1.0.1.0"));
    ck_assert(canvas_contains(&c, " unsafe-counter/unsafe | sim rr:1 | step 16 "
                                  "| finished | 5 steps/s"));
    /* T1's stores at 6, 10 and 15 each overwrite T0's update: marked;
     * one row is highlighted, the last one shown */
    ck_assert(canvas_contains(&c,
                              " 15                                  ! store "
                              "counter <- 3"));
    ck_assert(canvas_contains(&c, "  6                                  ! "
                                  "store counter <- 1"));
    /* the race and the lost update, each explained below its mark */
    ck_assert(canvas_contains(&c, "  5  ~ store counter <- 1"));
    ck_assert(canvas_contains(&c, "     ^ data race on counter: T1 reads at step "
                                  "4 and T0 writes at"));
    ck_assert(canvas_contains(&c, "     ^ lost update on counter: T1 loaded 0 "
                                  "at step 4, T0 stored 1 at |"));
    ck_assert(canvas_contains(&c, "       step 5, then T1 stored 1 at step 6 "
                                  "over it"));
    ck_assert(
        canvas_contains(&c, " 16>                                 . finish"));
    frame_fini(&f);
    canvas_free(&c);
    session_fini(&s);
}
END_TEST

START_TEST(test_session_step_back_redo)
{
    struct session s;
    char a[512], b[512], err[256];
    uint64_t steps;

    open_session(&s, "unsafe-counter", "random:7");
    session_run(&s, 1000);
    steps = session_steps(&s);
    session_schedule(&s, a, sizeof a);
    ck_assert_int_eq(session_back(&s, err, sizeof err), 0);
    ck_assert_int_eq(session_end(&s), RL_END_RUNNING);
    ck_assert_uint_eq(session_steps(&s), steps - 1);
    /* forward again: the same run */
    ck_assert_int_ne(session_step(&s), RL_END_RUNNING);
    session_schedule(&s, b, sizeof b);
    ck_assert_str_eq(a, b);
    /* back to the start, and no further */
    while (session_steps(&s) > 0)
        ck_assert_int_eq(session_back(&s, err, sizeof err), 0);
    ck_assert_int_eq(session_back(&s, err, sizeof err), -1);
    ck_assert_str_eq(err, "this is the start of the run");
    session_fini(&s);
}
END_TEST

START_TEST(test_session_manual_interleaving)
{
    struct session s;
    char err[256], sched[512];

    open_session(&s, "unsafe-counter", "manual");
    /* T0 and T1 both load 0, T0 stores 1, T1 stores 1: one update lost;
     * then each finishes its other two increments alone */
    const int picks[] = {0, 0, 1, 1, 0, 1};
    for (size_t i = 0; i < sizeof picks / sizeof picks[0]; i++)
        ck_assert_int_eq(session_pick(&s, picks[i], err, sizeof err), 0);
    ck_assert_int_eq(var_value(&s, "counter"), 1);
    ck_assert_int_eq(s.last_thread, 1);
    /* step back over a hand-made choice replays it */
    ck_assert_int_eq(session_back(&s, err, sizeof err), 0);
    ck_assert_int_eq(var_value(&s, "counter"), 1);
    ck_assert_int_eq(session_pick(&s, 1, err, sizeof err), 0);
    while (session_pick(&s, 0, err, sizeof err) == 0)
        ;
    while (session_pick(&s, 1, err, sizeof err) == 0)
        ;
    ck_assert_int_eq(session_end(&s), RL_END_DONE);
    ck_assert_int_eq(var_value(&s, "counter"), 5);
    session_schedule(&s, sched, sizeof sched);
    ck_assert_str_eq(sched, "rl1:unsafe-counter:unsafe:threads=2,iters=3:"
                            "0x2.1x2.0.1.0x4");
    session_fini(&s);
}
END_TEST

START_TEST(test_session_blocked_pick)
{
    struct session s;
    char err[256];

    open_session(&s, "locked-counter", "manual");
    ck_assert_int_eq(session_pick(&s, 0, err, sizeof err), 0);
    ck_assert_int_eq(session_pick(&s, 0, err, sizeof err), 0);
    ck_assert_int_eq(session_pick(&s, 1, err, sizeof err), 0);
    ck_assert_int_eq(session_pick(&s, 1, err, sizeof err), 0);
    ck_assert_int_eq(session_pick(&s, 1, err, sizeof err), -1);
    ck_assert_str_eq(err, "T1 is blocked on L (held by T0)");
    ck_assert_int_eq(session_pick(&s, 5, err, sizeof err), -1);
    ck_assert_str_eq(err, "there is no thread T5 (T0..T1)");
    session_fini(&s);
}
END_TEST

START_TEST(test_session_deadlock)
{
    struct session s;
    char text[1024];

    open_session(&s, "rlock-nesting", "rr:1");
    ck_assert_int_eq(session_run(&s, 1000), RL_END_DEADLOCK);
    rl_run_end_text(s.run, text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "wait-for cycle: T0 -> T0"));
    session_fini(&s);
}
END_TEST

START_TEST(test_session_save)
{
    struct session s;
    char dir[] = "/tmp/check_view_XXXXXX", name[256], path[512], err[256];
    char line[512];
    FILE *f;
    int nrec = 0, nlost = 0;
    bool sched = false, steps = false;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    open_session(&s, "unsafe-counter", "rr:1");
    session_run(&s, 1000);
    ck_assert_int_eq(session_save(&s, dir, name, sizeof name, err, sizeof err),
                     0);
    ck_assert_str_eq(name, "racelab-unsafe-counter-unsafe-1.txt");
    ck_assert_int_eq(session_save(&s, dir, name, sizeof name, err, sizeof err),
                     0);
    ck_assert_str_eq(name, "racelab-unsafe-counter-unsafe-2.txt");
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f)) {
        if (strcmp(line, "schedule: rl1:unsafe-counter:unsafe:threads=2,"
                         "iters=3:0.1.0.1.0.1.0.1.0.1.0.1.0\n") == 0)
            sched = true;
        if (line[0] >= '1' && line[0] <= '9')
            nrec++;
        if (strcmp(line, "steps: 16\n") == 0)
            steps = true;
        if (strstr(line, "   ! lost update: overwrites "))
            nlost++;
        if (strncmp(line, "6 ", 2) == 0)
            ck_assert_str_eq(line, "6 T1 store counter <- 1   ! lost "
                                   "update: overwrites T0's 1 (step 5)\n");
    }
    fclose(f);
    ck_assert(sched);
    /* "steps:" counts the numbered events; the three lost updates are
     * marked where they happen */
    ck_assert(steps);
    ck_assert_int_eq(nrec, 16);
    ck_assert_int_eq(nlost, 3);
    unlink(path);
    snprintf(path, sizeof path, "%s/racelab-unsafe-counter-unsafe-1.txt", dir);
    unlink(path);
    rmdir(dir);
    session_fini(&s);
}
END_TEST

START_TEST(test_session_repeat_sim)
{
    struct session s;
    char err[256];

    open_session(&s, "unsafe-counter", "rr:1");
    ck_assert_int_eq(session_repeat_start(&s, 5, err, sizeof err), 0);
    while (s.rep.active)
        session_poll(&s);
    ck_assert_int_eq(s.rep.done, 5);
    ck_assert_str_eq(s.rep.var, "counter");
    for (int i = 0; i < 5; i++) {
        ck_assert_int_ge(s.rep.values[i], 2);
        ck_assert_int_le(s.rep.values[i], 6);
    }
    session_repeat_stop(&s);
    ck_assert_int_eq(s.rep.total, 0);
    session_fini(&s);
}
END_TEST

START_TEST(test_session_explore)
{
    struct session s;
    char msg[256], text[64];
    struct lab_inst inst;

    open_session(&s, "locked-counter", "rr:1");
    /* the correct variant: nothing to find */
    ck_assert_int_eq(session_explore(&s, 20000, msg, sizeof msg), 0);
    ck_assert_str_eq(msg,
                     "all 42 schedules with up to 2 preemptions: no failure");
    inst = s.inst;
    inst.variant = lab_variant_find(s.lab, "early-release");
    ck_assert_int_ge(inst.variant, 0);
    ck_assert_int_eq(session_set_inst(&s, &inst, msg, sizeof msg), 0);
    ck_assert_int_eq(session_explore(&s, 20000, msg, sizeof msg), 1);
    ck_assert_str_eq(msg, "found after 5 schedules (1 preemption): fails "
                          "'final value'; opened at step 19, Left steps back");
    session_sched_text(&s, text, sizeof text);
    ck_assert_str_eq(text, "replay");
    /* opened at the store that loses an update, not at step 0 */
    ck_assert_uint_eq(rl_run_record_last(s.run), 19);
    ck_assert_int_eq(session_run(&s, 100000), RL_END_DONE);
    ck_assert(!rl_run_passed(s.run));
    /* f: back to the first failure of the finished run */
    ck_assert_int_eq(session_jump(&s, SESSION_JUMP_FAILURE, msg, sizeof msg),
                     1);
    ck_assert_uint_eq(session_shown(&s), 19);
    session_fini(&s);
}
END_TEST

START_TEST(test_session_cycle)
{
    struct session s;
    char err[256], text[64];

    open_session(&s, "rlock-nesting", "rr:1");
    ck_assert_int_eq(session_next_variant(&s, err, sizeof err), 0);
    ck_assert_str_eq(s.lab->variants[s.inst.variant].name, "rlock");
    ck_assert_int_eq(session_run(&s, 10000), RL_END_DONE);
    ck_assert(rl_run_passed(s.run));
    ck_assert_int_eq(session_next_sched(&s, err, sizeof err), 0);
    session_sched_text(&s, text, sizeof text);
    ck_assert_str_eq(text, "random:1");
    ck_assert_int_eq(session_reseed(&s, err, sizeof err), 0);
    session_sched_text(&s, text, sizeof text);
    ck_assert_str_eq(text, "random:2");
    ck_assert_int_eq(session_next_backend(&s, err, sizeof err), 0);
    ck_assert_int_eq(s.inst.backend, RL_BACKEND_OS);
    ck_assert_int_eq(session_back(&s, err, sizeof err), -1);
    ck_assert_int_eq(session_next_backend(&s, err, sizeof err), 0);
    ck_assert_int_eq(s.inst.backend, RL_BACKEND_SIM);
    session_fini(&s);
}
END_TEST

/* A scheduler given with ":timeouts" shows it, keeps it on a new seed,
 * and keeps it for random and PCT through a cycle of the kinds. */
START_TEST(test_session_timeouts_marker)
{
    struct session s;
    char err[256], text[64];
    static const char *const cycle[] = {"pct:7:2:timeouts", "manual", "rr:1",
                                        "random:7:timeouts"};

    open_session(&s, "unsafe-counter", "random:6:timeouts");
    session_sched_text(&s, text, sizeof text);
    ck_assert_str_eq(text, "random:6:timeouts");
    ck_assert_int_eq(session_reseed(&s, err, sizeof err), 0);
    session_sched_text(&s, text, sizeof text);
    ck_assert_str_eq(text, "random:7:timeouts");
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(session_next_sched(&s, err, sizeof err), 0);
        session_sched_text(&s, text, sizeof text);
        ck_assert_str_eq(text, cycle[i]);
    }
    session_fini(&s);
}
END_TEST

START_TEST(test_session_back_one_record)
{
    struct session s;
    struct frame f;
    struct frame_ui ui = {.state = "paused"};
    struct canvas c = {0};
    char err[256];
    int highlighted = 0;

    open_session(&s, "unsafe-counter", "rr:1");
    ck_assert_int_eq(session_run(&s, 1000), RL_END_DONE);
    ck_assert_uint_eq(session_steps(&s), 16);
    /* 15 (T1's last store) and 16 (its finish) are one engine step: Left
     * goes back one numbered row at a time all the same */
    ck_assert_int_eq(session_back(&s, err, sizeof err), 0);
    ck_assert_uint_eq(session_steps(&s), 15);
    ck_assert_int_eq(session_end(&s), RL_END_RUNNING);
    ck_assert_uint_eq(s.step_seq, 15);
    ck_assert_int_eq(session_back(&s, err, sizeof err), 0);
    ck_assert_uint_eq(session_steps(&s), 14);
    ck_assert_int_eq(session_back(&s, err, sizeof err), 0);
    ck_assert_uint_eq(session_steps(&s), 13);
    ck_assert_int_eq(session_back(&s, err, sizeof err), 0);
    ck_assert_uint_eq(session_steps(&s), 12);
    /* and forward again, one row per step */
    ck_assert_int_eq(session_step(&s), RL_END_RUNNING);
    ck_assert_uint_eq(session_steps(&s), 13);
    ck_assert_int_eq(session_step(&s), RL_END_RUNNING);
    ck_assert_uint_eq(session_steps(&s), 14);
    /* a thread held back in its finish is not done yet on screen */
    frame_init(&f);
    canvas_resize(&c, 80, 24);
    ck_assert_int_eq(session_back(&s, err, sizeof err), 0);
    frame_lab(&f, &s, &ui, &c);
    ck_assert(canvas_contains(&c, "#    T0 ready                 T1 ready"));
    ck_assert(canvas_contains(&c, " 13>   store counter <- 3"));
    ck_assert(!canvas_contains(&c, ". finish"));
    /* one highlighted row */
    for (int y = 0; y < c.h; y++)
        if (canvas_role_at(&c, y, 0) == ROLE_CURRENT)
            highlighted++;
    ck_assert_int_eq(highlighted, 1);
    ck_assert_int_eq(session_step(&s), RL_END_RUNNING);
    ck_assert_int_eq(session_step(&s), RL_END_RUNNING);
    ck_assert_int_eq(session_step(&s), RL_END_DONE);
    ck_assert_uint_eq(session_steps(&s), 16);
    frame_fini(&f);
    canvas_free(&c);
    session_fini(&s);
}
END_TEST

START_TEST(test_session_backend_keeps_params)
{
    struct session s;
    char err[256];

    open_session(&s, "unsafe-counter", "rr:1");
    ck_assert_int_eq(lab_inst_set(&s.inst, "threads", "3", err, sizeof err),
                     0);
    ck_assert_int_eq(session_next_backend(&s, err, sizeof err), 0);
    ck_assert_int_eq(s.inst.backend, RL_BACKEND_OS);
    ck_assert_int_eq(lab_inst_param(&s.inst, "threads"), 3);
    ck_assert_int_eq(lab_inst_param(&s.inst, "iters"), 3);
    ck_assert_int_eq(session_next_backend(&s, err, sizeof err), 0);
    ck_assert_int_eq(s.inst.backend, RL_BACKEND_SIM);
    ck_assert_int_eq(lab_inst_param(&s.inst, "threads"), 3);
    session_fini(&s);
}
END_TEST

START_TEST(test_session_save_dir)
{
    struct session s;
    char dir[] = "/tmp/check_view_XXXXXX", sub[256], name[256], err[512];
    char buf[512], cwd[4096];

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/tree/labs", dir);
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    /* a directory that looks like racelab's source tree is refused, and
     * so is any directory below it */
    snprintf(buf, sizeof buf, "%s/tree", dir);
    ck_assert_int_eq(mkdir(buf, 0755), 0);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    snprintf(buf, sizeof buf, "%s/tree/core", dir);
    ck_assert_int_eq(mkdir(buf, 0755), 0);
    snprintf(buf, sizeof buf, "%s/tree/core/run.h", dir);
    fclose(fopen(buf, "w"));
    snprintf(buf, sizeof buf, "%s/tree/labs/lab.h", dir);
    fclose(fopen(buf, "w"));
    ck_assert(session_in_source_tree(sub));
    ck_assert(!session_in_source_tree(dir));
    open_session(&s, "unsafe-counter", "rr:1");
    session_run(&s, 1000);
    ck_assert_int_eq(session_save(&s, sub, name, sizeof name, err, sizeof err),
                     -1);
    snprintf(buf, sizeof buf,
             "%s is in racelab's source tree: save somewhere else", sub);
    ck_assert_str_eq(err, buf);
    /* run from the source tree, w offers $HOME instead */
    ck_assert_int_eq(chdir(sub), 0);
    setenv("HOME", dir, 1);
    session_save_dir(buf, sizeof buf);
    ck_assert_str_eq(buf, dir);
    ck_assert_int_eq(chdir(dir), 0);
    session_save_dir(buf, sizeof buf);
    ck_assert_str_eq(buf, ".");
    ck_assert_int_eq(chdir(cwd), 0);
    snprintf(buf, sizeof buf, "%s/tree/core/run.h", dir);
    unlink(buf);
    snprintf(buf, sizeof buf, "%s/tree/labs/lab.h", dir);
    unlink(buf);
    rmdir(sub);
    snprintf(buf, sizeof buf, "%s/tree/core", dir);
    rmdir(buf);
    snprintf(buf, sizeof buf, "%s/tree", dir);
    rmdir(buf);
    rmdir(dir);
    session_fini(&s);
}
END_TEST

START_TEST(test_result_more_and_open)
{
    struct canvas c = {0};
    struct view_lab v;
    struct rl_check_result checks[3] = {
        {"final value", false, "counter = 1, expected 2: 1 updates lost"},
        {"no deadlock", true, "no deadlock"},
        {"finishes", true, "every thread finished"},
    };
    static char analysis[2048];
    size_t n = 0;

    fx_lost_update(&v);
    v.end = RL_END_DONE;
    v.checks = checks;
    v.nchecks = 3;
    v.schedule = "rl1:unsafe-counter:unsafe:threads=2,iters=1:0.1.0.1";
    for (int i = 0; i < 8; i++)
        n += (size_t)snprintf(analysis + n, sizeof analysis - n,
                              "[race] data race number %d on counter, "
                              "explained at length so that it wraps onto a "
                              "second line of the result area\n",
                              i);
    v.analysis = analysis;
    canvas_resize(&c, 80, 24);
    view_lab(&c, &v);
    /* ended: the result takes up to half the screen; what does not fit is
     * counted, and the failed check and the schedule string stay */
    ck_assert_str_eq(row(&c, 12), "== FAILED: 1 of 3 checks failed (as this "
                                  "variant is expected to) ===============");
    ck_assert_str_eq(row(&c, 13), " [!!] final value: counter = 1, expected 2:"
                                  " 1 updates lost");
    ck_assert(canvas_contains(&c, " schedule: rl1:unsafe-counter:unsafe:"
                                  "threads=2,iters=1:0.1.0.1"));
    ck_assert_str_eq(row(&c, 21), "  ... 11 more lines: m shows all");
    ck_assert_int_eq(canvas_role_at(&c, 21, 2), ROLE_SELECT);
    ck_assert_int_eq(view_result_lines(&v, 80), 20);
    /* open: everything in order, scrolled */
    v.result_open = true;
    view_lab(&c, &v);
    ck_assert_str_eq(row(&c, 5), "== FAILED: 1 of 3 checks failed (as this "
                                 "variant is expected to) ===============");
    ck_assert_str_eq(row(&c, 21), "  ... 5 more lines: Down scrolls, m closes");
    v.result_scroll = 100; /* clamped to the last line */
    view_lab(&c, &v);
    ck_assert_str_eq(row(&c, 21), " [ok] finishes: every thread finished");
    ck_assert_str_eq(row(&c, 20), " [ok] no deadlock");
    canvas_free(&c);
}
END_TEST

START_TEST(test_menu_scroll_and_fit)
{
    struct canvas c = {0};
    const struct lab *labs[64];
    int n = lab_count();
    struct page_menu m;

    for (int i = 0; i < n && i < 64; i++)
        labs[i] = lab_at(i);
    memset(&m, 0, sizeof m);
    m.labs = labs;
    m.nlabs = n;
    m.sel = 1; /* locked-counter: three variants */
    canvas_resize(&c, 80, 24);
    ck_assert_int_eq(page_menu(&c, &m), 0);
    /* a cut line says so */
    ck_assert(canvas_contains(&c, "> Locked counter  the shared..."));
    ck_assert(canvas_contains(&c, "more on the right: PgDn"));
    ck_assert(!canvas_contains(&c, "! early-release fails"));
    m.detail_scroll = 1000; /* clamped: the last row at the bottom */
    ck_assert_int_gt(page_menu(&c, &m), 0);
    ck_assert(canvas_contains(&c, "! early-release fails"));
    ck_assert(canvas_contains(&c, "PgUp: back to the top"));
    canvas_free(&c);
}
END_TEST

START_TEST(test_session_jumps)
{
    struct session s;
    char msg[512];

    open_session(&s, "unsafe-counter", "rr:1");
    /* from the start: the failure is the first lost update */
    ck_assert_int_eq(session_jump(&s, SESSION_JUMP_FAILURE, msg, sizeof msg),
                     1);
    ck_assert_uint_eq(session_steps(&s), 6);
    ck_assert_int_eq(session_end(&s), RL_END_RUNNING);
    ck_assert_str_eq(msg, "step 6: lost update on counter: T1 loaded 0 at "
                          "step 4, T0 stored 1 at step 5, then T1 stored 1 "
                          "at step 6 over it");
    ck_assert_int_eq(session_jump(&s, SESSION_JUMP_NEXT, msg, sizeof msg), 1);
    ck_assert_uint_eq(session_steps(&s), 10);
    ck_assert_int_eq(session_jump(&s, SESSION_JUMP_PREV, msg, sizeof msg), 1);
    ck_assert_uint_eq(session_steps(&s), 6);
    ck_assert_int_eq(session_jump(&s, SESSION_JUMP_PREV, msg, sizeof msg), 1);
    ck_assert_uint_eq(session_steps(&s), 5);
    ck_assert_str_eq(msg, "step 5: data race on counter: T1 reads at step 4 "
                          "and T0 writes at step 5, with nothing ordering "
                          "them (no lock, event, barrier or join in between)");
    ck_assert_int_eq(session_jump(&s, SESSION_JUMP_PREV, msg, sizeof msg), 0);
    ck_assert_str_eq(msg, "no lost update, race, block or failure before "
                          "step 5");
    ck_assert_uint_eq(session_steps(&s), 5);
    ck_assert_int_eq(session_goto(&s, 15, msg, sizeof msg), 0);
    ck_assert_int_eq(session_jump(&s, SESSION_JUMP_NEXT, msg, sizeof msg), 0);
    ck_assert_uint_eq(session_steps(&s), 15);
    session_fini(&s);
    /* a check that fails where it happens, in a run that goes on */
    open_session(&s, "producer-consumer", "rr:1");
    s.inst.variant = lab_variant_find(s.lab, "if-wait");
    ck_assert_int_eq(session_restart(&s, msg, sizeof msg), 0);
    ck_assert_int_eq(session_jump(&s, SESSION_JUMP_FAILURE, msg, sizeof msg),
                     1);
    ck_assert_str_eq(msg, "step 54: C1: check failed: buffer bounds hold");
    ck_assert_uint_eq(session_steps(&s), 54);
    ck_assert_int_eq(session_goto(&s, 0, msg, sizeof msg), 0);
    ck_assert_uint_eq(session_steps(&s), 0);
    session_fini(&s);
    /* a correct run has no failure to jump to */
    open_session(&s, "locked-counter", "rr:1");
    ck_assert_int_eq(session_jump(&s, SESSION_JUMP_FAILURE, msg, sizeof msg),
                     0);
    ck_assert_str_eq(msg, "no failure: every check holds in this run");
    ck_assert_uint_eq(session_steps(&s), 0);
    ck_assert_int_eq(session_jump(&s, SESSION_JUMP_NEXT, msg, sizeof msg), 1);
    ck_assert_str_eq(msg, "step 4: T1: acquire L: blocked (held by T0)");
    session_fini(&s);
}
END_TEST

START_TEST(test_session_explore_progress)
{
    struct session s;
    char msg[512];
    int rc;

    open_session(&s, "producer-consumer", "rr:1");
    ck_assert_int_eq(lab_inst_set(&s.inst, "items", "6", msg, sizeof msg), 0);
    ck_assert_int_eq(session_explore_start(&s, 20000, msg, sizeof msg), 0);
    ck_assert_str_eq(msg, "exploring [....................] 0 of 20000 "
                          "schedules");
    /* the first slice may run 256 schedules (148 run: the reduction skips
     * the rest); counted, never timed */
    ck_assert_int_eq(session_explore_poll(&s, msg, sizeof msg), 2);
    ck_assert_str_eq(msg, "exploring [....................] 148 of 20000 "
                          "schedules");
    ck_assert_int_eq(session_explore_poll(&s, msg, sizeof msg), 2);
    ck_assert_str_eq(msg, "exploring [#...................] 593 of 20000 "
                          "schedules");
    session_explore_stop(&s);
    ck_assert(!s.ex.active);
    ck_assert_int_eq(session_explore_poll(&s, msg, sizeof msg), -1);
    /* the sliced search finds what the whole one finds */
    s.inst.variant = lab_variant_find(s.lab, "if-wait");
    ck_assert_int_eq(session_explore_start(&s, 20000, msg, sizeof msg), 0);
    while ((rc = session_explore_poll(&s, msg, sizeof msg)) == 2)
        ;
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(msg, "found after "));
    session_fini(&s);
}
END_TEST

START_TEST(test_session_runnable)
{
    struct session s;
    int ids[8];
    char name[RL_NAME_MAX];
    long v;

    open_session(&s, "unsafe-counter", "rr:1");
    ck_assert_int_eq(session_runnable(&s, ids, 8), 2);
    ck_assert_int_eq(ids[0], 0);
    ck_assert_int_eq(ids[1], 1);
    ck_assert(session_first_var(&s, name, sizeof name, &v));
    ck_assert_str_eq(name, "counter");
    ck_assert_int_eq(v, 0);
    /* 13 shown of the step 13-14: the finish is held back, no choice */
    ck_assert_int_eq(session_goto(&s, 13, name, sizeof name), 0);
    ck_assert_int_eq(session_runnable(&s, ids, 8), 0);
    session_run(&s, 1000);
    ck_assert_int_eq(session_runnable(&s, ids, 8), 0);
    ck_assert(session_first_var(&s, name, sizeof name, &v));
    ck_assert_int_eq(v, 3);
    session_fini(&s);
}
END_TEST

static Suite *view_suite(void)
{
    Suite *s = suite_create("view");
    TCase *tc = tcase_create("canvas");
    TCase *lab = tcase_create("lab screen");
    TCase *pages = tcase_create("pages and keys");
    TCase *ses = tcase_create("session");

    tcase_add_test(tc, test_canvas_put_clip);
    tcase_add_test(tc, test_canvas_utf8);
    tcase_add_test(tc, test_text_wrap);
    tcase_add_test(tc, test_rec_text_line);
    tcase_add_test(tc, test_rec_text_paths);
    suite_add_tcase(s, tc);
    tcase_add_test(lab, test_lab_rows_exact);
    tcase_add_test(lab, test_lab_result_lost_update);
    tcase_add_test(lab, test_lab_lost_wakeup);
    tcase_add_test(lab, test_lab_deadlock_cycle);
    tcase_add_test(lab, test_verdict_fits_pane);
    tcase_add_test(lab, test_lab_many_threads);
    tcase_add_test(lab, test_rec_text_forms);
    tcase_add_test(lab, test_state_panel_objects);
    tcase_add_test(lab, test_pointer_values);
    tcase_add_test(lab, test_histogram);
    tcase_add_test(lab, test_too_small_and_layout);
    tcase_add_test(lab, test_result_more_and_open);
    suite_add_tcase(s, lab);
    tcase_add_test(pages, test_menu_and_help);
    tcase_add_test(pages, test_form);
    tcase_add_test(pages, test_menu_scroll_and_fit);
    tcase_add_test(pages, test_keys);
    suite_add_tcase(s, pages);
    tcase_set_timeout(ses, 30);
    tcase_add_test(ses, test_session_lost_update);
    tcase_add_test(ses, test_frame_from_session);
    tcase_add_test(ses, test_session_step_back_redo);
    tcase_add_test(ses, test_session_manual_interleaving);
    tcase_add_test(ses, test_session_blocked_pick);
    tcase_add_test(ses, test_session_deadlock);
    tcase_add_test(ses, test_session_save);
    tcase_add_test(ses, test_session_repeat_sim);
    tcase_add_test(ses, test_session_explore);
    tcase_add_test(ses, test_session_cycle);
    tcase_add_test(ses, test_session_timeouts_marker);
    tcase_add_test(ses, test_session_back_one_record);
    tcase_add_test(ses, test_session_backend_keeps_params);
    tcase_add_test(ses, test_session_save_dir);
    tcase_add_test(ses, test_session_jumps);
    tcase_add_test(ses, test_session_explore_progress);
    tcase_add_test(ses, test_session_runnable);
    suite_add_tcase(s, ses);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(view_suite());
    int failed;

    srunner_set_fork_status(sr, CK_FORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
