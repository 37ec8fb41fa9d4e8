/* SPDX-License-Identifier: MIT */
/*
 * check_plainc.c - plain pthreads programs (tests/programs/, built by the
 * Makefile against librlprt.a) run standalone under fixed schedules: the
 * exact outcome of each (final values printed, deadlock with its cycle,
 * assert failure and crash with file:line, data races, lost updates, lost
 * wakeups, pointers named by the memory they point into (by the source's
 * path, from gcc's and clang's debug information), a helper's heap blocks
 * by the line that called it, buffers written by the C library as text),
 * the correct programs passing under many seeds, replay of a printed
 * schedule, and several runs in one process starting from clean globals.
 */
#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../core/dwtype.h"
#include "../../core/srcloc.h"

static char prog_dir[4096];
static char out[1 << 16], errout[1 << 12], trace[1 << 18];

/* Read file path into buf (NUL-terminated). */
static void slurp(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* Run program name under sched with extra environment (NAME=VALUE or
 * NULL); its stdout lands in out, its stderr in errout, its trace in
 * trace; returns the exit status. */
static int run(const char *name, const char *sched, const char *extra)
{
    char path[4200], out_path[] = "/tmp/rlpcoutXXXXXX",
                     tr_path[] = "/tmp/rlpctrXXXXXX",
                     err_path[] = "/tmp/rlpcerrXXXXXX";
    snprintf(path, sizeof(path), "%s/%s", prog_dir, name);
    int ofd = mkstemp(out_path), tfd = mkstemp(tr_path),
        efd = mkstemp(err_path);
    ck_assert(ofd >= 0 && tfd >= 0 && efd >= 0);
    close(tfd);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        dup2(ofd, 1);
        dup2(efd, 2);
        /* make SANITIZE=1: a run abandons the threads still running when
         * the program ends, with what they allocated. */
        setenv("ASAN_OPTIONS", "detect_leaks=0", 0);
        setenv("RACELAB_SCHED", sched, 1);
        setenv("RACELAB_TRACE", tr_path, 1);
        if (extra) {
            char kv[256];
            snprintf(kv, sizeof(kv), "%.200s", extra);
            char *eq = strchr(kv, '=');
            *eq = '\0';
            setenv(kv, eq + 1, 1);
        }
        execl(path, name, (char *)NULL);
        _exit(127);
    }
    close(ofd);
    close(efd);
    int st;
    ck_assert(waitpid(pid, &st, 0) == pid);
    slurp(out_path, out, sizeof(out));
    slurp(tr_path, trace, sizeof(trace));
    slurp(err_path, errout, sizeof(errout));
    unlink(err_path);
    unlink(out_path);
    unlink(tr_path);
    ck_assert_msg(WIFEXITED(st), "%s died with signal %d", name,
                  WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return WEXITSTATUS(st);
}

/* The trace has this exact line. */
static void has_line(const char *line)
{
    char want[1024];
    snprintf(want, sizeof(want), "\n%s\n", line);
    ck_assert_msg(strstr(trace, want) != NULL, "no line \"%s\" in:\n%.3000s",
                  line, trace);
}

/* The trace has no line starting with prefix. */
static void no_line(const char *prefix)
{
    char want[256];
    snprintf(want, sizeof(want), "\n%s", prefix);
    ck_assert_msg(strstr(trace, want) == NULL, "a line \"%s...\" in:\n%.3000s",
                  prefix, trace);
}

/* A correct program passes every one of seeds random schedules (and
 * round robin), printing want each time, with no race. */
static void always_passes(const char *name, const char *want)
{
    char sched[32];
    for (int seed = 0; seed <= 20; seed++) {
        if (seed == 0)
            snprintf(sched, sizeof(sched), "rr:1");
        else
            snprintf(sched, sizeof(sched), "random:%d", seed);
        int rc = run(name, sched, NULL);
        ck_assert_msg(rc == 0, "%s under %s: exit %d\n%.3000s", name, sched, rc,
                      trace);
        ck_assert_str_eq(out, want);
        no_line("race:");
        no_line("check ");
    }
}

START_TEST(test_counter_race)
{
    ck_assert_int_eq(run("counter_race", "rr:1", NULL), 1);
    ck_assert_str_eq(out, "counter = 11\n");
    ck_assert(strncmp(trace,
                      "    1 T0   -                  start\n"
                      "    2 T0   counter_race.c:21  start T1   | "
                      "pthread_create(&a, NULL, worker, NULL);\n"
                      "    3 T1   -                  start\n"
                      "    4 T0   counter_race.c:22  start T2   | "
                      "pthread_create(&b, NULL, worker, NULL);\n"
                      "    5 T1   counter_race.c:14  load counter -> 0   | "
                      "counter++;\n",
                      0) == 0);
    has_line("    8 T1   counter_race.c:14  store counter <- 1   | "
             "counter++;");
    has_line("end: finished");
    has_line("race: data race on counter: T1 writes at step 8 and T2 reads "
             "at step 9, with nothing ordering them (no lock, event, barrier "
             "or join in between) (counter_race.c:14, counter_race.c:14)");
    has_line("lost update: lost update on counter: T1 loaded 1 at step 10, "
             "T2 stored 2 at step 11, then T1 stored 2 at step 12 over it");
    has_line("schedule: 1.0.1.2.0.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1."
             "2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.0.2");
    has_line("steps: 53");
}
END_TEST

START_TEST(test_replay_reproduces)
{
    ck_assert_int_eq(run("counter_race", "random:7", NULL), 1);
    static char first[sizeof(trace)], first_out[sizeof(out)];
    memcpy(first, trace, sizeof(trace));
    memcpy(first_out, out, sizeof(out));
    const char *s = strstr(trace, "\nschedule: ");
    ck_assert(s != NULL);
    char sched[1024] = "replay:";
    size_t n = strcspn(s + 11, "\n");
    memcpy(sched + 7, s + 11, n);
    sched[7 + n] = '\0';
    ck_assert_int_eq(run("counter_race", sched, NULL), 1);
    ck_assert_str_eq(out, first_out);
    ck_assert_str_eq(trace, first);
}
END_TEST

START_TEST(test_counter_mutex_passes)
{
    always_passes("counter_mutex", "counter = 20\n");
    ck_assert_int_eq(run("counter_mutex", "rr:1", NULL), 0);
    has_line("steps: 114");
}
END_TEST

START_TEST(test_counter_assert)
{
    ck_assert_int_eq(run("counter_assert", "rr:1", NULL), 1);
    has_line("end: assertion failed");
    has_line("  T0: assertion `counter == 6' failed at counter_assert.c:24 in "
             "main");
    has_line("  at counter_assert.c:24: assert(counter == 6);");
    /* No update lost this time, but the race is there all the same. */
    ck_assert_int_eq(run("counter_assert", "rr:100", NULL), 1);
    has_line("end: finished");
    has_line("race: data race on counter: T1 writes at step 11 and T2 reads "
             "at step 14, with nothing ordering them (no lock, event, barrier "
             "or join in between) (counter_assert.c:13, counter_assert.c:13)");
}
END_TEST

START_TEST(test_lock_order_deadlock)
{
    ck_assert_int_eq(run("lock_order", "replay:0x2.1.2x2.1x2", NULL), 1);
    ck_assert_str_eq(out, "");
    has_line("end: deadlock");
    has_line("  wait-for cycle: T1 -> T2 -> T1");
    has_line("check no deadlock: FAILED: deadlock: T0 waits to join T1; T1 "
             "holds first, waits for second (held by T2); T2 holds second, "
             "waits for first (held by T1)");
    has_line("    9 T1   lock_order.c:15    lock second: blocked (held by "
             "T2)   | pthread_mutex_lock(&second);");
    ck_assert_int_eq(run("lock_order", "rr:1", NULL), 0);
    ck_assert_str_eq(out, "balance = 0\n");
}
END_TEST

START_TEST(test_cond_if_vs_while)
{
    const char *bad = "replay:1x2.0.2.0.1.0.2.3.1.3.2.1.2x2.3";
    ck_assert_int_eq(run("cond_if", bad, NULL), 1);
    has_line("end: assertion failed");
    has_line("  T1: assertion `items >= 0' failed at cond_if.c:24 in "
             "consumer");
    always_passes("cond_while", "");
}
END_TEST

/* A signal that finds no waiter, then a wait that never ends: the trace
 * names the lost wakeup and the fix; whenever the waiter waits first, or
 * checks ready in a loop, there is none. */
START_TEST(test_lost_wakeup)
{
    ck_assert_int_eq(run("lost_wakeup", "rr:1", NULL), 1);
    has_line("   10 T1   lost_wakeup.c:32   cond_signal c (no waiter)   | "
             "pthread_cond_signal(&c);");
    has_line("end: deadlock");
    has_line("lost wakeup: lost wakeup on c: T1 called cond_signal at step "
             "10 (lost_wakeup.c:32) when no thread was waiting, so it woke "
             "nobody; T2 began cond_wait at step 14 and still waits: nothing "
             "signalled c again");
    has_line("hint: a signal wakes only a thread already waiting; wait in a "
             "loop on a condition the signaller sets: while (!ready) "
             "pthread_cond_wait(&c, &m);");
    int lost = 0, fine = 0;
    for (int seed = 1; seed <= 20; seed++) {
        char sched[32];
        snprintf(sched, sizeof sched, "random:%d", seed);
        if (run("lost_wakeup", sched, NULL) == 0) {
            fine++;
            ck_assert_str_eq(out, "ready=1\n");
            no_line("lost wakeup");
        } else {
            lost++;
            has_line("end: deadlock");
            ck_assert_msg(strstr(trace, "\nlost wakeup: lost wakeup on c: "
                                        "T1 called cond_signal at step ") !=
                              NULL,
                          "%.3000s", trace);
        }
    }
    ck_assert_int_gt(lost, 0);
    ck_assert_int_gt(fine, 0);
    ck_assert_int_eq(run("wakeup_while", "rr:1", NULL), 0);
    has_line("   10 T1   wakeup_while.c:32  cond_signal c (no waiter)");
    no_line("lost wakeup");
    no_line("hint");
    always_passes("wakeup_while", "ready=1\n");
}
END_TEST

START_TEST(test_one_cv_two_consumers_deadlock)
{
    ck_assert_int_eq(
        run("pc_one_cv", "replay:1.0x3.2.1x2.2.1.2.3x2.2.3x3.2.1x5", NULL), 1);
    ck_assert_str_eq(out, "got 0\n");
    has_line("end: deadlock");
    has_line("check no deadlock: FAILED: deadlock: T0 waits to join T3; T1 "
             "waits for a signal on cv; T2 waits for a signal on cv; T3 "
             "waits for a signal on cv");
}
END_TEST

START_TEST(test_null_deref_crash)
{
    ck_assert_int_eq(run("null_deref", "replay:1x2.0.2.0.2", NULL), 1);
    ck_assert_str_eq(out, "");
    has_line("   10 T1   null_deref.c:20    load info -> 0   | total += "
             "info->len;");
    has_line("   11 T1   null_deref.c:20    crash: SIGSEGV   | total += "
             "info->len;");
    has_line("end: crash");
    has_line("  T1 crashed with SIGSEGV: NULL pointer dereference (address "
             "0)");
    has_line("  at null_deref.c:20: total += info->len;");
    has_line("race: data race on info: T1 reads at step 4 and T2 writes at "
             "step 8, with nothing ordering them (no lock, event, barrier or "
             "join in between) (null_deref.c:19, null_deref.c:27)");
}
END_TEST

START_TEST(test_stack_overflow_crash)
{
    ck_assert_int_eq(run("stack_overflow", "rr:1", NULL), 1);
    has_line("end: crash");
    has_line("  T1 crashed with SIGSEGV: stack overflow");
}
END_TEST

START_TEST(test_double_free_crash)
{
#if defined(__SANITIZE_ADDRESS__)
    return; /* AddressSanitizer reports the double free itself, first */
#endif
    ck_assert_int_eq(run("double_free", "rr:1", NULL), 1);
    has_line("end: crash");
    has_line("  T2 crashed with SIGABRT in the C library (a double free or a "
             "corrupted heap?)");
    has_line("  at double_free.c:12: free(block);");
}
END_TEST

START_TEST(test_watchdog_stops_a_silent_loop)
{
    ck_assert_int_eq(run("spin_local", "rr:1", "RACELAB_WATCHDOG_MS=1000"), 1);
    has_line("end: timed out");
    has_line("  did not finish: T1 ran for 1 s of CPU time without a shared "
             "access or a "
             "pthread call (an endless loop over its own variables?); "
             "stopped");
    has_line("schedule: 1");
}
END_TEST

START_TEST(test_correct_programs_pass)
{
    always_passes("sem_join", "parent: begin\nchild\nparent: end, result 42\n");
    always_passes("spin_atomic", "counter = 6\n");
    always_passes("recursive_mutex", "total = 6, depth reached 2 times\n");
    always_passes("signal_after_unlock", "ready\n");
    always_passes("thread_tree", "total = 28\n");
    /* main writes a thread's argument after another thread started:
     * pthread_create orders it before the new thread (no race). */
    always_passes("thread_args", "total = 78\n");
    /* Each thread its own pthread_getspecific value, destructors at its
     * end; a named semaphore starts at sem_open's value. */
    always_passes("tsd", "own values: yes, destructors run: 2\n");
    always_passes("named_sem", "counter = 4, O_EXCL again: EEXIST\n");
    for (int seed = 1; seed <= 5; seed++) {
        char sched[32];
        snprintf(sched, sizeof(sched), "random:%d", seed);
        ck_assert_int_eq(run("thread_local", sched, "RACELAB_RUNS=2"), 0);
        ck_assert(strstr(out, "T1: mine 8, count 3\n") != NULL);
        ck_assert(strstr(out, "T2: mine 11, count 3\n") != NULL);
        ck_assert(strstr(out, "main: mine 5, count 0\n") != NULL);
        no_line("race:");
    }
    ck_assert_int_eq(run("big_stack", "random:1", NULL), 0);
    ck_assert_str_eq(out, "1572859 1572859\n");
    always_passes("timed", "cond_timedwait: timed out\n"
                           "sem_timedwait: timed out\n"
                           "mutex_timedlock: locked\n"
                           "holder returned 42 after 2750 ms\n");
}
END_TEST

/* pthread_cond_timedwait's timeout fires as a schedule choice: round
 * robin and random runs always see the signal; the schedule exploration
 * finds (main's timeout at the seventh choice, the writer still able to
 * run) replays to the bug. */
START_TEST(test_timedwait_timeout_as_choice)
{
    always_passes("timed_signal", "got 42\n");
    ck_assert_int_eq(run("timed_signal", "replay:0x7", NULL), 1);
    ck_assert_str_eq(out, "got 0\n");
    has_line("    6 T0   timed_signal.c:36  cond_wait c: timed out, relocked "
             "m   | pthread_cond_timedwait(&c, &m, &ts); /* bug: ETIMEDOUT "
             "ignor");
    has_line("   14 T1   timed_signal.c:21  cond_signal c (no waiter)   | "
             "pthread_cond_signal(&c);");
}
END_TEST

START_TEST(test_sem_and_barrier_words)
{
    ck_assert_int_eq(run("sem_join", "rr:1", NULL), 0);
    has_line("    5 T0   sem_join.c:26      sem_wait done: blocked (count 0)   "
             "| sem_wait(&done);");
    has_line("    8 T1   sem_join.c:16      sem_post done (0 -> 1), wakes T0   "
             "| sem_post(&done);");
    ck_assert_int_eq(run("phases", "rr:1", NULL), 0);
    has_line("   20 T3   phases.c:27        barrier_wait bar: arrived 3 of 3, "
             "releases all (PTHREAD_BARRIER_SERIAL_THREAD)   | if "
             "(pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THR");
}
END_TEST

START_TEST(test_signal_after_unlock_trace)
{
    ck_assert_int_eq(run("signal_after_unlock", "rr:1", NULL), 0);
    has_line("   11 T1   signal_after_unlock.c:18 cond_signal c (wakes T0)   | "
             "pthread_cond_signal(&c);");
}
END_TEST

START_TEST(test_detached_thread)
{
    /* main returns while the detached helper is still running: the
     * program ends as on Linux, and says who was not waited for. */
    ck_assert_int_eq(run("detached", "rr:1", NULL), 0);
    ck_assert_str_eq(out, "helper: done\nwork = 7\n");
    has_line("end: finished");
    ck_assert_int_eq(run("detached", "replay:1.0x4", NULL), 0);
    ck_assert_str_eq(out, "work = 7\n");
    has_line("end: exit");
    has_line("  main returned 0; still running, not waited for: T1");
}
END_TEST

START_TEST(test_runs_in_one_process_start_clean)
{
    ck_assert_int_eq(run("counter_race", "rr:1", "RACELAB_RUNS=3"), 1);
    ck_assert_str_eq(out, "counter = 11\ncounter = 11\ncounter = 11\n");
    has_line("steps: 53");
    ck_assert_int_eq(run("counter_race", "rr:1", "RACELAB_ECHO=0"), 1);
    ck_assert_str_eq(out, "");
    has_line("   52 T0   counter_race.c:25  output \"counter = 11\\n\"   | "
             "printf(\"counter = %d\\n\", counter);");
    /* No trace: the exit status still tells a race (and its absence). */
    ck_assert_int_eq(run("counter_race", "rr:1", "RACELAB_TRACE=none"), 1);
    ck_assert_str_eq(out, "counter = 11\n");
    ck_assert_int_eq(run("counter_mutex", "rr:1", "RACELAB_TRACE=none"), 0);
    ck_assert_int_eq(run("thread_tree", "random:4", "RACELAB_RUNS=4"), 0);
    ck_assert_str_eq(out, "total = 28\ntotal = 28\ntotal = 28\ntotal = 28\n");
}
END_TEST

START_TEST(test_bad_schedule_env)
{
    ck_assert_int_eq(run("counter_race", "sideways", NULL), 2);
    ck_assert_str_eq(out, "");
    ck_assert_str_eq(errout, "racelab: RACELAB_SCHED: bad scheduler "
                             "'sideways'; use one of: rr, rr:QUANTUM, "
                             "random:SEED[:timeouts], "
                             "pct:SEED:DEPTH[:timeouts], replay:CHOICES, "
                             "manual\n");
}
END_TEST

START_TEST(test_names)
{
    ck_assert_int_eq(run("names", "rr:1", NULL), 1);
    has_line("    5 T1   names.c:16         store buffer[1] <- 11   | "
             "buffer[i] = (int)i + 10;");
    has_line("   10 T1   names.c:17         store heap#1@names.c:24[1] <- 21 "
             "  | heap[i] = (int)i + 20;");
    has_line("   12 T1   names.c:18         store pair.b <- 1   | pair.b = "
             "(int)i;");
    has_line("race: data race on pair.b: T1 writes at step 12 and T2 writes "
             "at step 16, with nothing ordering them (no lock, event, barrier "
             "or join in between) (names.c:18, names.c:18)");
}
END_TEST

START_TEST(test_fields)
{
    /* Names from the debug information: members, arrays of structs, two
     * dimensions, a union's member as wide as the access, an anonymous
     * struct's member, a typedef'd struct, a function's static, the
     * mutex inside a struct by its member (not glibc's insides), and a
     * whole struct copied at once by the struct's name. */
    ck_assert_int_eq(run("fields", "rr:1", NULL), 1);
    has_line("    5 T1   fields.c:41        lock acct.lock   | "
             "pthread_mutex_lock(&acct.lock);");
    has_line("    8 T1   fields.c:42        load acct.balance -> 0   | "
             "acct.balance += i;");
    has_line("   13 T1   fields.c:44        lock accounts[1].lock   | "
             "pthread_mutex_lock(&accounts[i].lock);");
    has_line("   15 T1   fields.c:45        store accounts[1].balance <- 1   "
             "| accounts[i].balance = i;");
    has_line("   19 T1   fields.c:47        store grid[1][1] <- 1   | "
             "grid[1][i] = (int)i;");
    has_line("   21 T1   fields.c:48        store ring.slots[1] <- 1   | "
             "ring.slots[i] = (int)i;");
    has_line("   23 T1   fields.c:49        store ring.tail <- 1   | "
             "ring.tail = (int)i;");
    has_line("   25 T1   fields.c:50        store u.half[1] <- 1   | "
             "u.half[1] = (int)i;");
    has_line("   27 T1   fields.c:51        store u.whole <- 1   | "
             "u.whole = i;");
    has_line("   29 T1   fields.c:52        store point.y <- 1   | "
             "point.y = (int)i;");
    has_line("   31 T1   fields.c:53        load calls -> 0   | calls++;");
    has_line("   35 T1   fields.c:54        store copy <- 0   | "
             "copy = pair;");
    has_line("race: data race on point.y: T1 writes at step 29 and T2 writes "
             "at step 36, with nothing ordering them (no lock, event, barrier "
             "or join in between) (fields.c:52, fields.c:52)");
}
END_TEST

/* A test program's executable, read whole into a malloc'd buffer. */
static unsigned char *read_prog(const char *name, size_t *len)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", prog_dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert(f != NULL);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *img = malloc(*len);
    ck_assert(fread(img, 1, *len, f) == *len);
    fclose(f);
    return img;
}

/* The path of [off, off + width) in global name of size bytes. */
static const char *dw_path(const struct rl_dwtypes *dt, const char *name,
                           size_t size, size_t off, size_t width)
{
    static char buf[128];
    snprintf(buf, sizeof(buf), "%s", name);
    if (!rl_dwtypes_path(dt, 0, name, size, off, width, buf, sizeof(buf)))
        return "(unknown)";
    return buf;
}

/* The path of the address off bytes into global name of size bytes, as a
 * pointer's value names it. */
static const char *dw_ptr(const struct rl_dwtypes *dt, const char *name,
                          size_t size, size_t off)
{
    static char buf[128];
    snprintf(buf, sizeof(buf), "%s", name);
    if (!rl_dwtypes_ptr_path(dt, 0, name, size, off, buf, sizeof(buf)))
        return "(unknown)";
    return buf;
}

START_TEST(test_dwtype_paths)
{
    /* By name and size (address 0 matches none): struct account is a
     * 40-byte mutex and a long. */
    size_t len;
    unsigned char *img = read_prog("fields", &len);
    struct rl_dwtypes *dt = rl_dwtypes_load(img, len);
    free(img); /* the answers own their copies */
    ck_assert_ptr_nonnull(dt);
    ck_assert_str_eq(dw_path(dt, "accounts", 144, 88, 8),
                     "accounts[1].balance");
    ck_assert_str_eq(dw_path(dt, "accounts", 144, 96, 40),
                     "accounts[2].lock");
    ck_assert_str_eq(dw_path(dt, "accounts", 144, 48, 48), "accounts[1]");
    ck_assert_str_eq(dw_path(dt, "accounts", 144, 0, 144), "accounts");
    ck_assert_str_eq(dw_path(dt, "accounts", 144, 4, 4), "accounts[0].lock+4");
    ck_assert_str_eq(dw_path(dt, "grid", 24, 20, 4), "grid[1][2]");
    ck_assert_str_eq(dw_path(dt, "grid", 24, 12, 12), "grid[1]");
    ck_assert_str_eq(dw_path(dt, "grid", 24, 8, 8), "grid+8");
    ck_assert_str_eq(dw_path(dt, "ring", 24, 16, 4), "ring.slots[2]");
    ck_assert_str_eq(dw_path(dt, "u", 8, 4, 4), "u.half[1]");
    ck_assert_str_eq(dw_path(dt, "u", 8, 0, 8), "u.whole");
    ck_assert_str_eq(dw_path(dt, "point", 12, 8, 4), "point.y");
    ck_assert_str_eq(dw_path(dt, "acct", 48, 42, 2), "acct.balance+2");
    /* A pointer's value: the shallowest member or element that starts
     * there, one past an array's end, what nothing starts at by offset. */
    ck_assert_str_eq(dw_ptr(dt, "accounts", 144, 48), "accounts[1]");
    ck_assert_str_eq(dw_ptr(dt, "accounts", 144, 88), "accounts[1].balance");
    ck_assert_str_eq(dw_ptr(dt, "accounts", 144, 4), "accounts[0].lock+4");
    ck_assert_str_eq(dw_ptr(dt, "accounts", 144, 144), "accounts[3]");
    ck_assert_str_eq(dw_ptr(dt, "accounts", 144, 145), "(unknown)");
    ck_assert_str_eq(dw_ptr(dt, "accounts", 144, 0), "accounts");
    ck_assert_str_eq(dw_ptr(dt, "grid", 24, 20), "grid[1][2]");
    ck_assert_str_eq(dw_ptr(dt, "grid", 24, 12), "grid[1]");
    ck_assert_str_eq(dw_ptr(dt, "grid", 24, 24), "grid[2]");
    ck_assert_str_eq(dw_ptr(dt, "ring", 24, 8), "ring.slots");
    ck_assert_str_eq(dw_ptr(dt, "ring", 24, 16), "ring.slots[2]");
    ck_assert_str_eq(dw_ptr(dt, "ring", 24, 24), "ring.slots[4]");
    ck_assert_str_eq(dw_ptr(dt, "u", 8, 4), "u.half[1]");
    ck_assert_str_eq(dw_ptr(dt, "acct", 48, 40), "acct.balance");
    ck_assert_str_eq(dw_ptr(dt, "acct", 48, 42), "acct.balance+2");
    ck_assert_str_eq(dw_ptr(dt, "acct", 48, 48), "acct+48");
    ck_assert_str_eq(dw_ptr(dt, "nosuch", 4, 0), "(unknown)");
    /* Unknown: a name no variable has, or the wrong size. */
    ck_assert_str_eq(dw_path(dt, "nosuch", 4, 0, 4), "(unknown)");
    ck_assert_str_eq(dw_path(dt, "grid", 23, 0, 4), "(unknown)");
    rl_dwtypes_destroy(dt);
    rl_dwtypes_destroy(NULL);
}
END_TEST

/* The path inside a heap block of `block` bytes allocated on a line
 * reading text (outside any function: pointers named by globals and
 * members only), "(unknown)" if its type is not found. */
static const char *dw_block(const struct rl_dwtypes *dt, const char *text,
                            size_t block, size_t off, size_t width)
{
    static char buf[128];
    buf[0] = '\0';
    uint64_t type = rl_dwtypes_alloc_type(dt, 0, 1000, text);
    if (!rl_dwtypes_block_path(dt, type, block, off, width, buf, sizeof(buf)))
        return "(unknown)";
    return buf;
}

/* As dw_block, for a pointer's value off bytes into the block. */
static const char *dw_block_ptr(const struct rl_dwtypes *dt, const char *text,
                                size_t block, size_t off)
{
    static char buf[128];
    buf[0] = '\0';
    uint64_t type = rl_dwtypes_alloc_type(dt, 0, 1000, text);
    if (!rl_dwtypes_block_ptr_path(dt, type, block, off, buf, sizeof(buf)))
        return "(unknown)";
    return buf;
}

START_TEST(test_dwtype_alloc)
{
    /* A heap block's type from the pointer its allocation is assigned
     * to: pointers.c's struct node is an int and a pointer (16 bytes). */
    size_t len;
    unsigned char *img = read_prog("pointers", &len);
    struct rl_dwtypes *dt = rl_dwtypes_load(img, len);
    free(img);
    ck_assert_ptr_nonnull(dt);
    ck_assert_str_eq(dw_block(dt, "head = malloc(sizeof *head);", 16, 8, 8),
                     ".next");
    ck_assert_str_eq(dw_block(dt, "head = malloc(sizeof *head);", 16, 0, 4),
                     ".v");
    ck_assert_str_eq(dw_block(dt, "head = malloc(sizeof *head);", 16, 0, 16),
                     "");
    /* A cast, blanks, calloc; an array of them. */
    ck_assert_str_eq(
        dw_block(dt, "spare = (struct node *) calloc (4, 16);", 64, 40, 8),
        "[2].next");
    ck_assert_str_eq(dw_block(dt, "spare = calloc(4, 16);", 64, 16, 32),
                     "+16");
    /* A member that points to struct node. */
    ck_assert_str_eq(dw_block(dt, "n->next = malloc(sizeof *n);", 16, 0, 4),
                     ".v");
    ck_assert_str_eq(dw_block(dt, "x.next = malloc(16);", 16, 8, 8), ".next");
    /* int *slot: an array of int. */
    ck_assert_str_eq(dw_block(dt, "slot = malloc(8 * sizeof(int));", 32, 12, 4),
                     "[3]");
    /* No assignment of an allocation, or one racelab cannot type. */
    ck_assert_str_eq(dw_block(dt, "if (head == malloc(16))", 16, 8, 8),
                     "(unknown)");
    ck_assert_str_eq(dw_block(dt, "head = mallocx(16);", 16, 8, 8),
                     "(unknown)");
    ck_assert_str_eq(dw_block(dt, "use(malloc(16));", 16, 8, 8), "(unknown)");
    ck_assert_str_eq(dw_block(dt, "nosuch = malloc(16);", 16, 8, 8),
                     "(unknown)");
    ck_assert_str_eq(dw_block(dt, "head = malloc(8);", 8, 0, 4), "(unknown)");
    ck_assert_str_eq(dw_block(dt, "", 16, 8, 8), "(unknown)");
    /* A pointer into a block: the element, its member, one past the
     * last element; past that, or no type, unknown. */
    ck_assert_str_eq(dw_block_ptr(dt, "spare = calloc(4, 16);", 64, 40),
                     "[2].next");
    ck_assert_str_eq(dw_block_ptr(dt, "spare = calloc(4, 16);", 64, 16),
                     "[1]");
    ck_assert_str_eq(dw_block_ptr(dt, "spare = calloc(4, 16);", 64, 64),
                     "[4]");
    ck_assert_str_eq(dw_block_ptr(dt, "spare = calloc(4, 16);", 64, 65),
                     "(unknown)");
    ck_assert_str_eq(dw_block_ptr(dt, "spare = calloc(4, 16);", 72, 68),
                     "+68");
    ck_assert_str_eq(dw_block_ptr(dt, "head = malloc(16);", 16, 8), ".next");
    ck_assert_str_eq(dw_block_ptr(dt, "head = malloc(16);", 16, 16), "+16");
    ck_assert_str_eq(dw_block_ptr(dt, "use(malloc(16));", 16, 8), "(unknown)");
    rl_dwtypes_destroy(dt);
}
END_TEST

/* The path inside a 16-byte block that a call of callee returned, on a
 * line reading text; "(passed)" when the line hands it on untyped,
 * "(unknown)" else. */
static const char *dw_call(const struct rl_dwtypes *dt, const char *text,
                           const char *callee, size_t off, size_t width)
{
    static char buf[128];
    bool passed = true;
    buf[0] = '\0';
    uint64_t type = rl_dwtypes_call_type(dt, 0, 1000, text, callee, &passed);
    if (!type)
        return passed ? "(passed)" : "(unknown)";
    if (passed || !rl_dwtypes_block_path(dt, type, 16, off, width, buf,
                                         sizeof(buf)))
        return "(wrong)";
    return buf;
}

START_TEST(test_dwtype_call_type)
{
    /* A block a helper returned, typed by the line that called it (the
     * globals of helpers.c: head is a struct node *, raw a void *). */
    size_t len;
    unsigned char *img = read_prog("helpers", &len);
    struct rl_dwtypes *dt = rl_dwtypes_load(img, len);
    free(img);
    ck_assert_ptr_nonnull(dt);
    ck_assert_str_eq(dw_call(dt, "head = xmalloc(sizeof *head);", "xmalloc",
                             8, 8),
                     ".next");
    ck_assert_str_eq(dw_call(dt, "head = (struct node *) xzalloc (16);",
                             "xzalloc", 0, 4),
                     ".v");
    /* Handed on: returned (a cast too). */
    ck_assert_str_eq(dw_call(dt, "return malloc(n);", NULL, 0, 4), "(passed)");
    ck_assert_str_eq(dw_call(dt, "return (void *)xmalloc(n);", "xmalloc", 0,
                             4),
                     "(passed)");
    /* Not this helper, not assigned, a void * global, a comparison. */
    ck_assert_str_eq(dw_call(dt, "head = xmalloc(16);", "malloc", 0, 4),
                     "(unknown)");
    ck_assert_str_eq(dw_call(dt, "head = xmallocx(16);", "xmalloc", 0, 4),
                     "(unknown)");
    ck_assert_str_eq(dw_call(dt, "use(xmalloc(8));", "xmalloc", 0, 4),
                     "(unknown)");
    ck_assert_str_eq(dw_call(dt, "raw = xmalloc(16);", "xmalloc", 0, 4),
                     "(unknown)");
    ck_assert_str_eq(dw_call(dt, "if (head == xmalloc(16))", "xmalloc", 0, 4),
                     "(unknown)");
    ck_assert_str_eq(dw_call(dt, "returned = xmalloc(16);", "xmalloc", 0, 4),
                     "(unknown)");
    ck_assert_str_eq(dw_call(dt, "", "xmalloc", 0, 4), "(unknown)");
    /* The functions by their code. */
    ck_assert_ptr_null(rl_dwtypes_func_name(dt, 0));
    ck_assert_ptr_null(rl_dwtypes_func_name(NULL, 0));
    rl_dwtypes_destroy(dt);
}
END_TEST

/* The lines of helpers.c under rr:1 that both compilers print. */
static void helpers_lines(void)
{
    /* xmalloc's block, by the line that called xmalloc and its type */
    has_line("    5 T1   helpers.c:57       store heap#2@helpers.c:56.v <- 1 "
             "  | n->v = (int)(long)arg;");
    has_line("   11 T1   helpers.c:58       store heap#2@helpers.c:56.next "
             "<- 0   | n->next = head;");
    has_line("   14 T1   helpers.c:59       store head <- "
             "&heap#2@helpers.c:56   | head = n;");
    /* two calls up: main -> xzalloc -> xmalloc -> malloc */
    has_line("   10 T0   helpers.c:69       store heap#1@helpers.c:66[1].hi "
             "<- 5   | pairs[1].hi = 5;");
    /* `return malloc(n);` */
    has_line("   13 T0   helpers.c:71       store heap#4@helpers.c:70.hi <- 6 "
             "  | one->hi = 6;");
    /* No line types these: xmalloc's malloc line, by index as before (a
     * global void *; a void * then two types; never assigned). */
    has_line("   17 T0   helpers.c:72       store raw <- "
             "&heap#5@helpers.c:25   | raw = xmalloc(16);");
    has_line("   21 T0   helpers.c:73       store heap#5@helpers.c:25[1] <- 7"
             "   | ((long *)raw)[1] = 7;");
    has_line("   22 T0   helpers.c:77       store heap#6@helpers.c:25[1] <- 8"
             "   | p1->hi = 8;");
    has_line("   23 T0   helpers.c:78       store heap#6@helpers.c:25[0] <- 9"
             "   | n1->v = 9;");
    has_line("   24 T0   helpers.c:50       store heap#7@helpers.c:25[1] <- 4"
             "   | ((int *)p)[1] = 4;");
    has_line("lost update: lost update on head: T2 loaded 0 at step 12, T1 "
             "stored &heap#2@helpers.c:56 at step 14, then T2 stored "
             "&heap#3@helpers.c:56 at step 18 over it");
}

START_TEST(test_helper_blocks)
{
    /* A block a helper allocated, typed and named by its caller's line. */
    ck_assert_int_eq(run("helpers", "rr:1", NULL), 1); /* the race on head */
    ck_assert_str_eq(out, "1 5 6\n");
    helpers_lines();
}
END_TEST

START_TEST(test_heap_fields)
{
    /* In a run: main's local `struct arg *args = calloc(...)` types the
     * block (an array of three), and push's local `n` a node. */
    ck_assert_int_eq(run("thread_args", "rr:1", NULL), 0);
    has_line("    4 T0   thread_args.c:33   store "
             "heap#2@thread_args.c:31[1].lo <- 4   | args[i].lo = i * 4;");
    has_line("    9 T1   thread_args.c:21   load "
             "heap#2@thread_args.c:31[0].sum -> 0   | a->sum += data[i];");
    ck_assert_int_eq(run("pointers", "rr:1", NULL), 1);
    has_line("   11 T1   pointers.c:28      store heap#1@pointers.c:25.next "
             "<- 0   | n->next = head;");
    has_line("    5 T1   pointers.c:26      store heap#1@pointers.c:25.v <- 1 "
             "  | n->v = (int)(long)arg;");
}
END_TEST

START_TEST(test_fields_odd)
{
    /* A bit-field's byte holds its neighbours: the struct is named; a
     * block larger than its struct with a flexible last member is one
     * struct whose array goes on. */
    ck_assert_int_eq(run("fields_odd", "rr:1", NULL), 1);
    has_line("    5 T1   fields_odd.c:25    store fl <- 4   | fl.done = 2;");
    has_line("    8 T1   fields_odd.c:26    store fl.count <- 1   | fl.count "
             "= (int)i;");
    has_line("   12 T1   fields_odd.c:27    store "
             "heap#1@fields_odd.c:33.data[1] <- 1   | box->data[i] = (int)i;");
}
END_TEST

START_TEST(test_stack_names)
{
    /* A location on a thread's stack by the variable of the live frame
     * that holds it: main's loop counter given as &i, an element of
     * main's array, a member of a struct local of a function main calls. */
    ck_assert_int_eq(run("stack_names", "rr:1", NULL), 1);
    has_line("    5 T1   stack_names.c:14   load main:i -> 1   | int id = "
             "*(int *)arg;");
    has_line("   11 T0   stack_names.c:38   store main:i <- 2   | for (int i = "
             "0; i < 2; i++)");
    has_line("   18 T3   stack_names.c:14   load main:ids[1] -> 20   | int id "
             "= *(int *)arg;");
    has_line("   24 T4   stack_names.c:21   store helper:local.b <- 7   | "
             "p->b = 7;");
    has_line("race: data race on main:i: T1 reads at step 5 and T0 writes at "
             "step 11, with nothing ordering them (no lock, event, barrier or "
             "join in between) (stack_names.c:14, stack_names.c:38)");
}
END_TEST

START_TEST(test_dwtype_garbage)
{
    /* The image is the student's: cut short, without .debug_info, or
     * with any bytes of its debug sections changed, it is read without a
     * crash (the sanitizer build checks every read), and any answer is a
     * NUL-terminated name. */
    size_t len;
    unsigned char *img = read_prog("fields", &len);
    ck_assert_ptr_null(rl_dwtypes_load(img, 64));
    ck_assert_ptr_null(rl_dwtypes_load(img, 0));
    unsigned char *copy = malloc(len);
    memcpy(copy, img, len);
    int renamed = 0;
    for (unsigned char *hit = copy;
         (hit = memmem(hit, len - (size_t)(hit - copy), ".debug_info", 12));
         hit += 12, renamed++)
        hit[10] = 'x';
    ck_assert_int_ge(renamed, 1);
    ck_assert_ptr_null(rl_dwtypes_load(copy, len));
    /* What the mutated images are asked: a pointer's path in grid, a
     * block a helper returned to a member (pthread's list links). */
    struct rl_dwtypes *whole = rl_dwtypes_load(img, len);
    char want[64] = "";
    bool passed;
    uint64_t lt = rl_dwtypes_call_type(
        whole, 0, 1000, "x.__next = xmalloc(48);", "xmalloc", &passed);
    ck_assert(rl_dwtypes_block_ptr_path(whole, lt, 48, 24, want,
                                        sizeof(want)));
    ck_assert_str_eq(want, "[1]+8");
    rl_dwtypes_destroy(whole);
    /* The debug sections lie past the code and data: mutate there. */
    unsigned int seed = 12345;
    size_t from = len / 2;
    for (int i = 0; i < 600; i++) {
        memcpy(copy, img, len);
        int n = 1 + (int)(rand_r(&seed) % 8);
        for (int k = 0; k < n; k++)
            copy[from + (size_t)rand_r(&seed) % (len - from)] =
                (unsigned char)rand_r(&seed);
        struct rl_dwtypes *dt = rl_dwtypes_load(copy, len);
        char buf[64] = "accounts", ptr[64] = "grid", blk[64] = "";
        if (dt) {
            rl_dwtypes_path(dt, 0, "accounts", 144, 88, 8, buf, sizeof(buf));
            rl_dwtypes_ptr_path(dt, 0, "grid", 24, 24, ptr, sizeof(ptr));
            uint64_t type = rl_dwtypes_call_type(
                dt, 0, 1000, "x.__next = xmalloc(48);", "xmalloc", &passed);
            rl_dwtypes_block_ptr_path(dt, type, 48, 24, blk, sizeof(blk));
        }
        ck_assert(memchr(buf, '\0', sizeof(buf)) != NULL);
        ck_assert(memchr(ptr, '\0', sizeof(ptr)) != NULL);
        ck_assert(memchr(blk, '\0', sizeof(blk)) != NULL);
        rl_dwtypes_destroy(dt);
    }
    free(copy);
    free(img);
}
END_TEST

START_TEST(test_pointer_values)
{
    /* Addresses in words: a heap block, a member inside one, a global
     * array's element, a thread's stack; never the number itself. */
    ck_assert_int_eq(run("pointers", "rr:1", NULL), 1);
    ck_assert_str_eq(out, "1 nodes\n");
    has_line("    8 T1   pointers.c:28      load head -> 0   | n->next = "
             "head;");
    has_line("   13 T1   pointers.c:29      store head <- "
             "&heap#1@pointers.c:25   | head = n;");
    has_line("   15 T1   pointers.c:30      store last_link <- "
             "&heap#1@pointers.c:25.next   | last_link = &n->next;");
    has_line("   16 T2   pointers.c:29      store head <- "
             "&heap#2@pointers.c:25   | head = n;");
    has_line("   19 T1   pointers.c:31      store slot <- &slots[3]   | "
             "slot = &slots[n->v + 2];");
    has_line("   26 T0   pointers.c:44      store marker <- 0   | marker = "
             "NULL;");
    has_line("   27 T0   pointers.c:46      load head -> "
             "&heap#2@pointers.c:25   | for (struct node *p = head; p; p = "
             "p->next)");
    has_line("lost update: lost update on head: T2 loaded 0 at step 12, T1 "
             "stored &heap#1@pointers.c:25 at step 13, then T2 stored "
             "&heap#2@pointers.c:25 at step 16 over it");
    /* a store just before the free names the block alive; the variable
     * still points at it once freed */
    has_line("   30 T0   pointers.c:50      store spare <- "
             "&heap#3@pointers.c:49   | spare = s;");
    /* main's local, by its distance from the top of T0's stack (the
     * distance is the compiler's choice) */
    ck_assert_msg(strstr(trace, "store marker <- &T0.stack-") != NULL, "%s",
                  trace);
    /* The same schedule, the same bytes, though the addresses differ. */
    char first[sizeof(trace)];
    memcpy(first, trace, sizeof(trace));
    ck_assert_int_eq(run("pointers", "rr:1", NULL), 1);
    ck_assert_str_eq(trace, first);
}
END_TEST

/* The lines of ptr_paths.c under rr:1, whichever compiler built it. */
static void ptr_paths_lines(void)
{
    has_line("    5 T1   ptr_paths.c:29     store where <- &acct.balance   | "
             "where = &acct.balance;");
    /* the element, not its first member (which starts there too) */
    has_line("    6 T1   ptr_paths.c:30     store who <- &accounts[1]   | "
             "who = &accounts[1];");
    has_line("    7 T1   ptr_paths.c:31     store where <- "
             "&accounts[2].balance   | where = &accounts[2].balance;");
    has_line("    8 T1   ptr_paths.c:32     store where <- &grid[1][2]   | "
             "where = &grid[1][2];");
    has_line("    9 T1   ptr_paths.c:33     store row <- &grid[2]   | "
             "row = &grid[2];");
    has_line("   10 T1   ptr_paths.c:35     store where <- "
             "&heap#1@ptr_paths.c:34[2]   | where = &v[2];");
    /* one past the end of the block's array, legal C */
    has_line("   11 T1   ptr_paths.c:36     store end <- "
             "&heap#1@ptr_paths.c:34[4]   | end = v + 4;");
    /* a block assigned to a void *: no type, by offset */
    has_line("   12 T1   ptr_paths.c:38     store raw_at <- "
             "&heap#2@ptr_paths.c:37+8   | raw_at = (char *)raw + 8;");
    has_line("   15 T0   ptr_paths.c:49     load end -> "
             "&heap#1@ptr_paths.c:34[4] (freed)   | int *e = end;");
    has_line("   16 T0   ptr_paths.c:50     load who -> &accounts[1]   | "
             "printf(\"%d %d\\n\", who == &accounts[1], e != NULL);");
}

START_TEST(test_pointer_paths)
{
    /* Addresses inside globals and heap blocks by the source's path. */
    ck_assert_int_eq(run("ptr_paths", "rr:1", NULL), 0);
    ck_assert_str_eq(out, "1 1\n");
    ptr_paths_lines();
}
END_TEST

/* Under a sanitizer the runtime cannot link with another compiler's. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PLAINC_SANITIZED 1
#else
#define PLAINC_SANITIZED 0
#endif

/* Build tests/programs/NAME.c as BUILD/tests/programs/NAME.SUFFIX with
 * the environment env (build.sh's PLAINC_CC, PLAINC_EXTRA_CFLAGS). */
static void build_variant(const char *name, const char *suffix,
                          const char *env)
{
    char build[4096], cmd[9000];
    snprintf(build, sizeof(build), "%s", prog_dir);
    char *tail = strstr(build, "/tests/programs");
    ck_assert_ptr_nonnull(tail);
    *tail = '\0';
    snprintf(cmd, sizeof(cmd),
             "BUILD='%s' %s tests/programs/build.sh '%s/%s.%s' "
             "tests/programs/%s.c",
             build, env, prog_dir, name, suffix, name);
    ck_assert_int_eq(system(cmd), 0);
}

/* Build NAME.c with clang as NAME.clang; false (nothing built) when
 * clang is not installed or the runtime was built with a sanitizer. */
static bool build_clang(const char *name)
{
    if (PLAINC_SANITIZED || system("command -v clang >/dev/null 2>&1") != 0)
        return false;
    build_variant(name, "clang", "PLAINC_CC=clang");
    return true;
}

START_TEST(test_pointer_paths_clang)
{
    /* The same names from clang's debug information (DWARF 5 with string
     * indexes, pointers without a size, "func.var" statics), helpers'
     * blocks too. */
    if (!build_clang("ptr_paths"))
        return;
    ck_assert_int_eq(run("ptr_paths.clang", "rr:1", NULL), 0);
    ck_assert_str_eq(out, "1 1\n");
    ptr_paths_lines();
    ck_assert(build_clang("helpers"));
    ck_assert_int_eq(run("helpers.clang", "rr:1", NULL), 1);
    helpers_lines();
    ck_assert(build_clang("fields"));
    run("fields.clang", "rr:1", NULL);
    has_line("    5 T1   fields.c:41        lock acct.lock   | "
             "pthread_mutex_lock(&acct.lock);");
    has_line("   31 T1   fields.c:53        load calls -> 0   | calls++;");
}
END_TEST

START_TEST(test_pointer_values_without_debug_info)
{
    /* Built with line tables only (-g1: no types): no type is known, so
     * pointer values by offset, as before. */
    build_variant("pointers", "nodebug", "PLAINC_EXTRA_CFLAGS=-g1");
    ck_assert_int_eq(run("pointers.nodebug", "rr:1", NULL), 1);
    has_line("   15 T1   pointers.c:30      store last_link <- "
             "&heap#1@pointers.c:25+8   | last_link = &n->next;");
    has_line("   19 T1   pointers.c:31      store slot <- &slots+12   | "
             "slot = &slots[n->v + 2];");
    build_variant("ptr_paths", "nodebug", "PLAINC_EXTRA_CFLAGS=-g1");
    ck_assert_int_eq(run("ptr_paths.nodebug", "rr:1", NULL), 0);
    has_line("    6 T1   ptr_paths.c:30     store who <- &accounts+48   | "
             "who = &accounts[1];");
    has_line("   11 T1   ptr_paths.c:36     store end <- "
             "&heap#1@ptr_paths.c:34+16   | end = v + 4;");
}
END_TEST

START_TEST(test_string_values_as_text)
{
    /* What a C library call wrote or read of a buffer: quoted text with
     * C escapes, the range by name, one step per buffer per call (the
     * 1 MB memcpy too); numbers stay numbers. */
    ck_assert_int_eq(run("strings_text", "rr:1", NULL), 0);
    ck_assert_str_eq(out, "hello, world|second half|1048575\n");
    has_line("    5 T1   strings_text.c:23  strcpy msg[0..12] <- \"hello, "
             "world\"   | strcpy(msg, \"hello, world\");");
    has_line("    8 T1   strings_text.c:24  memcpy raw[0..9] <- "
             "\"key\\0value\"   | memcpy(raw, \"key\\0value\", 10);");
    has_line("    9 T2   strings_text.c:36  strcpy msg[32..43] <- \"second "
             "half\"   | strcpy(msg + 32, \"second half\");");
    has_line("   11 T1   strings_text.c:25  memcpy nums <- 8589934593   | "
             "memcpy(nums, (int[]){1, 2, 3, 4}, sizeof nums);");
    has_line("   12 T1   strings_text.c:26  strcpy ctl[0..17] <- "
             "\"tab\\there\\n\\x01caf\xc3\xa9 \\xe9\"   | strcpy(ctl, "
             "\"tab\\there\\n\\x01\" \"caf\\xc3\\xa9 \\xe9\");");
    has_line("   13 T1   strings_text.c:27  memset fill[0..9] <- "
             "\"==========\"   | memset(fill, '=', 10);");
    has_line("   14 T1   strings_text.c:28  memset zero <- 0   | "
             "memset(zero, 0, sizeof zero);");
    has_line("   17 T1   strings_text.c:29  memcpy heap#2@strings_text.c:44 "
             "-> \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"   | memcpy(big, "
             "src, BIG);");
    has_line("   18 T1   strings_text.c:29  memcpy heap#1@strings_text.c:43 "
             "<- \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"   | memcpy(big, "
             "src, BIG);");
    has_line("   23 T0   strings_text.c:51  strlen heap#1@strings_text.c:43 "
             "-> \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\"   | "
             "printf(\"%s|%s|%zu\\n\", msg, msg + 32, strlen(big));");
    has_line("   24 T0   strings_text.c:51  printf msg[0..12] -> \"hello, "
             "world\"   | printf(\"%s|%s|%zu\\n\", msg, msg + 32, "
             "strlen(big));");
    has_line("   25 T0   strings_text.c:51  printf msg[32..43] -> \"second "
             "half\"   | printf(\"%s|%s|%zu\\n\", msg, msg + 32, "
             "strlen(big));");
    has_line("steps: 29");
    no_line("race:");
    /* The same schedule, the same bytes. */
    char first[sizeof(trace)];
    memcpy(first, trace, sizeof(trace));
    ck_assert_int_eq(run("strings_text", "rr:1", NULL), 0);
    ck_assert_str_eq(trace, first);
}
END_TEST

/* The number of lines of the trace that start with prefix. */
static int count_lines(const char *prefix)
{
    char want[256];
    int n = 0;
    snprintf(want, sizeof(want), "\n%s", prefix);
    for (const char *p = trace; (p = strstr(p, want)) != NULL; p++)
        n++;
    return n;
}

START_TEST(test_string_ranges_race_where_they_meet)
{
    /* A C library call's access covers the bytes it touched: the two
     * halves of msg do not race, two and two + 4 do (bytes 4 to 6), a
     * plain store to line[20] races with a strcpy over it, in either
     * order, and snprintf's "%s" read of tag with a strcpy into it;
     * reads of one string in two threads, and a store past its NUL,
     * do not. */
    ck_assert_int_eq(run("strings_overlap", "rr:1", NULL), 1);
    ck_assert_str_eq(out, "first half|second half|abcdxyz\n");
    has_line("   13 T2   strings_overlap.c:34 strcpy line[0..30] <- \"thirty "
             "characters, over line20\"   | strcpy(line, \"thirty "
             "characters, over line20\");");
    has_line("   18 T1   strings_overlap.c:25 snprintf tag[0..2] -> \"v1\"   "
             "| snprintf(note, sizeof note, \"tag %s\", tag);");
    has_line("   20 T1   strings_overlap.c:25 snprintf note[0..6] <- \"tag "
             "v1\"   | snprintf(note, sizeof note, \"tag %s\", tag);");
    has_line("race: data race on two[4..6]: T1 writes at step 8 and T2 writes "
             "at step 11, with nothing ordering them (no lock, event, barrier "
             "or join in between) (strings_overlap.c:22, "
             "strings_overlap.c:33)");
    has_line("race: data race on line[20]: T1 writes at step 10 and T2 writes "
             "at step 13, with nothing ordering them (no lock, event, barrier "
             "or join in between) (strings_overlap.c:23, "
             "strings_overlap.c:34)");
    has_line("race: data race on tag[0..2]: T1 reads at step 18 and T2 writes "
             "at step 22, with nothing ordering them (no lock, event, barrier "
             "or join in between) (strings_overlap.c:25, "
             "strings_overlap.c:37)");
    ck_assert_int_eq(count_lines("race:"), 3);
    /* The ranges first, the plain store after. */
    ck_assert_int_eq(run("strings_overlap", "random:1", NULL), 1);
    has_line("race: data race on two[4..6]: T2 writes at step 7 and T1 writes "
             "at step 10, with nothing ordering them (no lock, event, barrier "
             "or join in between) (strings_overlap.c:33, "
             "strings_overlap.c:22)");
    has_line("race: data race on line[20]: T2 writes at step 11 and T1 writes "
             "at step 12, with nothing ordering them (no lock, event, barrier "
             "or join in between) (strings_overlap.c:34, "
             "strings_overlap.c:23)");
    ck_assert_int_eq(count_lines("race:"), 3);
    /* The first program: strcpy and snprintf meet at msg[0..9]. */
    ck_assert_int_eq(run("strings_race", "rr:1", NULL), 1);
    has_line("race: data race on msg[0..9]: T1 writes at step 5 and T2 writes "
             "at step 9, with nothing ordering them (no lock, event, barrier "
             "or join in between) (strings_race.c:14, strings_race.c:21)");
    ck_assert_int_eq(count_lines("race:"), 1);
}
END_TEST

START_TEST(test_print_reads_race)
{
    /* puts, fputs and fwrite read their argument as printf's "%s" does:
     * one read of the bytes, shown as text, against T1's strcpy and
     * plain store (to a file too); the bytes they do not read, none. */
    ck_assert_int_eq(run("strings_print", "rr:1", NULL), 1);
    ck_assert_str_eq(out, "hello, world\nabcdEfghtail\n");
    has_line("    9 T2   strings_print.c:30 puts line[0..12] -> \"hello, "
             "world\"   | puts(line);");
    has_line("   11 T2   strings_print.c:30 output \"hello, world\\n\"   | "
             "puts(line);");
    has_line("   13 T2   strings_print.c:31 fwrite rec[0..7] -> \"abcdEfgh\"   "
             "| fwrite(rec, 1, 8, stdout);");
    has_line("   18 T2   strings_print.c:32 fputs word[8..12] -> \"tail\"   | "
             "fputs(word + 8, stdout);");
    has_line("   21 T2   strings_print.c:33 fputs note[0..9] -> \"to a "
             "file\"   | fputs(note, sink);");
    has_line("race: data race on line[0..12]: T1 writes at step 5 and T2 reads "
             "at step 9, with nothing ordering them (no lock, event, barrier "
             "or join in between) (strings_print.c:19, strings_print.c:30)");
    has_line("race: data race on rec[4]: T1 writes at step 8 and T2 reads at "
             "step 13, with nothing ordering them (no lock, event, barrier or "
             "join in between) (strings_print.c:20, strings_print.c:31)");
    has_line("race: data race on note[0..9]: T1 writes at step 14 and T2 reads "
             "at step 21, with nothing ordering them (no lock, event, barrier "
             "or join in between) (strings_print.c:23, strings_print.c:33)");
    ck_assert_int_eq(count_lines("race:"), 3);
    /* puts first: it reads line's empty string, byte 0. */
    ck_assert_int_eq(run("strings_print", "random:1", NULL), 1);
    ck_assert_str_eq(out, "\nabcdEfghtail\n");
    has_line("    6 T2   strings_print.c:30 puts line[0] -> \"\"   | "
             "puts(line);");
    has_line("race: data race on line[0]: T2 reads at step 6 and T1 writes at "
             "step 8, with nothing ordering them (no lock, event, barrier or "
             "join in between) (strings_print.c:30, strings_print.c:19)");
    ck_assert_int_eq(count_lines("race:"), 3);
}
END_TEST

START_TEST(test_widths_race_by_bytes)
{
    /* Plain accesses of different widths are compared by their bytes:
     * an int store and a char load of its second byte race (x[1]), a
     * short store and an int load of the union (u[2..3]); two bytes of
     * one int, two shorts of one int, and two blocks at the same
     * address do not. A load shows its own width's value. */
    ck_assert_int_eq(run("widths", "rr:1", NULL), 1);
    ck_assert_str_eq(out, "18 458752 0 25185\n");
    has_line("    5 T1   widths.c:26        store x <- 4660   | x = 0x1234;");
    has_line("    9 T2   widths.c:39        load x+1 -> 18   | seen[0] = "
             "((char *)&x)[1];");
    has_line("   13 T2   widths.c:40        load u.w -> 458752   | seen[1] = "
             "u.w;");
    has_line("   18 T2   widths.c:41        store pair+1 <- 98   | ((char "
             "*)&pair)[1] = 'b';");
    has_line("   20 T2   widths.c:42        load w+2 -> 0   | seen[2] = "
             "((short *)&w)[1];");
    has_line("   25 T0   widths.c:56        load pair -> 25185   | printf(\"%d "
             "%d %d %d\\n\", seen[0], seen[1], seen[2], pair);");
    has_line("race: data race on x[1]: T1 writes at step 5 and T2 reads at "
             "step 9, with nothing ordering them (no lock, event, barrier or "
             "join in between) (widths.c:26, widths.c:39)");
    has_line("race: data race on u[2..3]: T1 writes at step 8 and T2 reads at "
             "step 13, with nothing ordering them (no lock, event, barrier or "
             "join in between) (widths.c:27, widths.c:40)");
    ck_assert_int_eq(count_lines("race:"), 2);
    /* The load first. */
    ck_assert_int_eq(run("widths", "random:1", NULL), 1);
    ck_assert_str_eq(out, "0 458752 0 25185\n");
    has_line("race: data race on x[1]: T2 reads at step 6 and T1 writes at "
             "step 8, with nothing ordering them (no lock, event, barrier or "
             "join in between) (widths.c:39, widths.c:26)");
    ck_assert_int_eq(count_lines("race:"), 2);
}
END_TEST

START_TEST(test_struct_copy_whole_range)
{
    /* A struct copied by assignment is a range the compiler reports:
     * one access of all its bytes, shown as load / store with the bytes
     * copied (the store's recorded before the copy is made, from its
     * source), racing past the first 8 bytes (draft[18]) and on all 32
     * of board[0]; board[1] and draft.from beside them do not. */
    ck_assert_int_eq(run("struct_copy", "rr:1", NULL), 1);
    ck_assert_str_eq(out, "ann: meet at noon | ann: meet at noon\n");
    has_line("    5 T1   struct_copy.c:23   store board[0..31] <- "
             "\"ann\\0\\0\\0\\0\\0meet at noon\"   | board[0] = draft;");
    has_line("    8 T1   struct_copy.c:23   load draft -> "
             "\"ann\\0\\0\\0\\0\\0meet at noon\"   | board[0] = draft;");
    has_line("   14 T2   struct_copy.c:31   load board[0..31] -> "
             "\"ann\\0\\0\\0\\0\\0meet at noon\"   | seen = board[0];");
    has_line("   15 T2   struct_copy.c:32   store board[1].from[0] <- 98   | "
             "board[1].from[0] = 'b';");
    has_line("race: data race on draft[18]: T1 reads at step 8 and T2 writes "
             "at step 10, with nothing ordering them (no lock, event, barrier "
             "or join in between) (struct_copy.c:23, struct_copy.c:30)");
    has_line("race: data race on board[0..31]: T1 writes at step 5 and T2 "
             "reads at step 14, with nothing ordering them (no lock, event, "
             "barrier or join in between) (struct_copy.c:23, "
             "struct_copy.c:31)");
    ck_assert_int_eq(count_lines("race:"), 2);
    /* T2's store first: the copy takes it along. */
    ck_assert_int_eq(run("struct_copy", "random:1", NULL), 1);
    ck_assert_str_eq(out, "ann: meet at noNn | ann: meet at noNn\n");
    has_line("race: data race on draft[18]: T2 writes at step 6 and T1 reads "
             "at step 10, with nothing ordering them (no lock, event, barrier "
             "or join in between) (struct_copy.c:30, struct_copy.c:23)");
    ck_assert_int_eq(count_lines("race:"), 2);
}
END_TEST

START_TEST(test_virtual_time)
{
    always_passes("sleepy", "fast\nslow\nelapsed 2000 ms\n");
    ck_assert_int_eq(run("sleepy", "rr:1", NULL), 0);
    has_line("    9 T2   sleepy.c:20        wake up (t=500 ms)   | "
             "usleep(500000);");
}
END_TEST

START_TEST(test_exit_from_a_thread)
{
    ck_assert_int_eq(run("exit_thread", "rr:1", NULL), 1);
    ck_assert_str_eq(out, "");
    ck_assert_str_eq(errout, "giving up\n");
    has_line("    5 T1   exit_thread.c:12   output \"giving up\\n\"   | "
             "fprintf(stderr, \"giving up\\n\");");
    has_line("end: exit");
    has_line("  T1 called exit(3) at exit_thread.c:13; still running, not "
             "waited for: T0");
    has_line("check exit status: FAILED: T1 called exit(3) at "
             "exit_thread.c:13; still running, not waited for: T0");
}
END_TEST

START_TEST(test_barrier_once_rwlock_output)
{
    always_passes("phases", "phases done\ntable 101, serial 1, inits 1\nbye\n");
    ck_assert_int_eq(run("phases", "rr:1", NULL), 0);
    has_line("   15 T1   phases.c:26        once once: routine done   | "
             "pthread_once(&once, init);");
    has_line("   37 T0   phases.c:46        output \"phases done\\n\"   | "
             "write(1, msg, strlen(msg));");
}
END_TEST

/* srcloc from outside the program, as a parent would use it. */
START_TEST(test_srcloc_of_a_program)
{
    char path[4200], cmd[4300], line[128];
    snprintf(path, sizeof(path), "%s/counter_race", prog_dir);
    snprintf(cmd, sizeof(cmd), "nm %s", path);
    FILE *p = popen(cmd, "r");
    ck_assert(p != NULL);
    uintptr_t worker = 0;
    while (fgets(line, sizeof(line), p))
        if (strstr(line, " t worker\n"))
            worker = (uintptr_t)strtoull(line, NULL, 16);
    pclose(p);
    ck_assert(worker != 0);
    struct rl_srcloc *s = rl_srcloc_open(path);
    ck_assert(s != NULL);
    struct rl_loc l;
    ck_assert_int_eq(rl_srcloc_lookup(s, worker, &l), 0);
    ck_assert_str_eq(strrchr(l.file, '/') + 1, "counter_race.c");
    ck_assert_int_eq(l.line, 11);
    ck_assert_str_eq(l.func, "worker");
    ck_assert_str_eq(rl_srcloc_line(s, l.file, 14), "counter++;");
    ck_assert_ptr_null(rl_srcloc_line(s, l.file, 1000));
    char buf[64];
    ck_assert_str_eq(rl_srcloc_format(s, worker, buf, sizeof(buf)),
                     "counter_race.c:11");
    ck_assert_str_eq(rl_srcloc_format(s, 0x10, buf, sizeof(buf)), "0x10");
    ck_assert_int_eq(rl_srcloc_lookup(s, 0x10, &l), -1);
    /* Cached: the same answer again. */
    ck_assert_int_eq(rl_srcloc_lookup(s, worker, &l), 0);
    ck_assert_int_eq(l.line, 11);
    rl_srcloc_close(s);
}
END_TEST

static Suite *plainc_suite(void)
{
    Suite *s = suite_create("plainc");
    TCase *tc = tcase_create("plainc");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_counter_race);
    tcase_add_test(tc, test_replay_reproduces);
    tcase_add_test(tc, test_counter_mutex_passes);
    tcase_add_test(tc, test_counter_assert);
    tcase_add_test(tc, test_lock_order_deadlock);
    tcase_add_test(tc, test_cond_if_vs_while);
    tcase_add_test(tc, test_lost_wakeup);
    tcase_add_test(tc, test_one_cv_two_consumers_deadlock);
    tcase_add_test(tc, test_null_deref_crash);
    tcase_add_test(tc, test_stack_overflow_crash);
    tcase_add_test(tc, test_double_free_crash);
    tcase_add_test(tc, test_watchdog_stops_a_silent_loop);
    tcase_add_test(tc, test_correct_programs_pass);
    tcase_add_test(tc, test_signal_after_unlock_trace);
    tcase_add_test(tc, test_sem_and_barrier_words);
    tcase_add_test(tc, test_detached_thread);
    tcase_add_test(tc, test_runs_in_one_process_start_clean);
    tcase_add_test(tc, test_bad_schedule_env);
    tcase_add_test(tc, test_srcloc_of_a_program);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_fields);
    tcase_add_test(tc, test_dwtype_paths);
    tcase_add_test(tc, test_dwtype_garbage);
    tcase_add_test(tc, test_dwtype_alloc);
    tcase_add_test(tc, test_heap_fields);
    tcase_add_test(tc, test_dwtype_call_type);
    tcase_add_test(tc, test_helper_blocks);
    tcase_add_test(tc, test_stack_names);
    tcase_add_test(tc, test_fields_odd);
    tcase_add_test(tc, test_pointer_values);
    tcase_add_test(tc, test_pointer_paths);
    tcase_add_test(tc, test_pointer_paths_clang);
    tcase_add_test(tc, test_pointer_values_without_debug_info);
    tcase_add_test(tc, test_string_values_as_text);
    tcase_add_test(tc, test_string_ranges_race_where_they_meet);
    tcase_add_test(tc, test_print_reads_race);
    tcase_add_test(tc, test_widths_race_by_bytes);
    tcase_add_test(tc, test_struct_copy_whole_range);
    tcase_add_test(tc, test_virtual_time);
    tcase_add_test(tc, test_exit_from_a_thread);
    tcase_add_test(tc, test_barrier_once_rwlock_output);
    tcase_add_test(tc, test_timedwait_timeout_as_choice);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    /* The programs are built next to this binary: BUILD/tests/programs. */
    ssize_t n = readlink("/proc/self/exe", prog_dir, sizeof(prog_dir) - 32);
    if (n <= 0)
        return EXIT_FAILURE;
    prog_dir[n] = '\0';
    char *slash = strrchr(prog_dir, '/');
    strcpy(slash, "/programs");
    SRunner *sr = srunner_create(plainc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
