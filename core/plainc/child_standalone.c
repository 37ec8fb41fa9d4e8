/* SPDX-License-Identifier: MIT */
/*
 * child_standalone.c - prt_standalone_main, for running a program built
 * against the runtime on its own, without racelab as its parent:
 *
 *     RACELAB_SCHED=random:3 ./prog args...
 *
 * runs the program once on the sim backend under the scheduler named by
 * RACELAB_SCHED (any --sched form; default rr:1), at most
 * RACELAB_MAX_STEPS steps (default the engine's), printing the program's
 * own output on stdout as it would, and the trace to stderr (or to the
 * file named by RACELAB_TRACE): one line per record with the step, the
 * thread, file:line, what happened and the source line; then how the run
 * ended, the checks, data races and lost updates, and the schedule string
 * that replays it (RACELAB_SCHED=replay:CHOICES). RACELAB_RUNS=N runs the
 * program N times in the process and traces the last run (for benchmarks
 * and to test the reset between runs); RACELAB_TRACE=none prints nothing
 * (the exit status still tells). A thread that runs RACELAB_WATCHDOG_MS
 * (default 10000; 0: never) without reaching a scheduling point is
 * stopped and the run ends "timed out". Exit status 0 when every
 * check holds and there is no data race, 1 otherwise, 2 on a bad
 * environment. With RACELAB_CHILD_FD set, __wrap_main calls core/child.c's
 * rl_child_main instead, which serves racelab over that socket.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "../analysis.h"
#include "../srcloc.h"
#include "../watchdog.h"
#include "prt.h"

struct trace {
    FILE *out;
    struct rl_srcloc *src;
};

/* "file:line" of a record's pc into buf, "-" without one; the source
 * line, or NULL. */
static const char *where(struct trace *tr, uintptr_t pc, char *buf, size_t len)
{
    struct rl_loc l;
    if (!pc) {
        snprintf(buf, len, "-");
        return NULL;
    }
    rl_srcloc_format(tr->src, pc, buf, len);
    if (rl_srcloc_lookup(tr->src, pc, &l) != 0)
        return NULL;
    return rl_srcloc_line(tr->src, l.file, l.line);
}

/* One trace line per record. */
static void trace_record(void *ctx, const struct rl_run *run,
                         const struct rl_record *r)
{
    struct trace *tr = ctx;
    char text[256], loc[96];
    struct rl_thread_view v;
    rl_record_text(run, r, text, sizeof(text));
    rl_run_thread(run, r->thread, &v);
    const char *src = where(tr, r->pc, loc, sizeof(loc));
    fprintf(tr->out, "%5llu %-4s %-18s %s%s%.*s\n", (unsigned long long)r->seq,
            v.name, loc, text, src ? "   | " : "", src ? 60 : 0,
            src ? src : "");
}

/* "prog.c:9" of record seq. */
static const char *step_where(struct trace *tr, const struct rl_run *run,
                              uint64_t seq, char *buf, size_t len)
{
    const struct rl_record *r = rl_run_record(run, seq);
    where(tr, r ? r->pc : 0, buf, len);
    return buf;
}

/* Whether run failed: a check, or a data race in its records. */
static bool run_failed(const struct rl_run *run)
{
    struct rl_analysis an;
    char text[256];
    if (!rl_run_passed(run))
        return true;
    return rl_analyze(run, &an, text, sizeof(text)) == 0 && an.nraces > 0;
}

/* How the run ended, its checks, races, lost updates and wakeups (with
 * the fix's hint), schedule; returns whether it failed. */
static bool report(struct trace *tr, struct rl_run *run)
{
    FILE *out = tr->out;
    char text[1024], a[96], b[96];
    enum rl_end e = rl_run_end(run);
    fprintf(out, "end: %s\n", rl_end_name(e));
    rl_run_end_text(run, text, sizeof(text));
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        fprintf(out, "  %s\n", line);
    if (e == RL_END_CRASH || e == RL_END_ASSERT || e == RL_END_EXIT) {
        const struct rl_record *last =
            rl_run_record(run, rl_run_record_last(run));
        if (last && last->pc) {
            const char *src = where(tr, last->pc, a, sizeof(a));
            fprintf(out, "  at %s%s%s\n", a, src ? ": " : "", src ? src : "");
        }
    }
    bool failed = run_failed(run);
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result c;
        rl_run_check(run, i, &c);
        if (!c.ok)
            fprintf(out, "check %s: FAILED: %s\n", c.name, c.message);
    }
    struct rl_analysis an;
    if (rl_analyze(run, &an, text, sizeof(text)) == 0) {
        for (int i = 0; i < an.nraces; i++) {
            rl_race_text(run, &an.races[i], text, sizeof(text));
            fprintf(out, "race: %s (%s, %s)\n", text,
                    step_where(tr, run, an.races[i].first_seq, a, sizeof(a)),
                    step_where(tr, run, an.races[i].second_seq, b, sizeof(b)));
        }
        for (int i = 0; i < an.nlost && i < RL_ANALYSIS_MAX; i++) {
            rl_lost_text(run, &an.lost[i], text, sizeof(text));
            fprintf(out, "lost update: %s\n", text);
        }
        for (int i = 0; i < an.nwakeups && i < RL_ANALYSIS_MAX; i++) {
            step_where(tr, run, an.wakeups[i].notify_seq, a, sizeof(a));
            rl_wakeup_text(run, &an.wakeups[i], strcmp(a, "-") ? a : NULL,
                           text, sizeof(text));
            fprintf(out, "lost wakeup: %s\n", text);
        }
        if (an.nwakeups > 0) {
            rl_wakeup_hint(run, &an.wakeups[0], text, sizeof(text));
            fprintf(out, "hint: %s\n", text);
        }
    }
    rl_run_choices(run, text, sizeof(text));
    fprintf(out, "schedule: %s\n", text);
    fprintf(out, "steps: %llu\n", (unsigned long long)rl_run_record_last(run));
    return failed;
}

#define WATCH_TICK_MS 100
#define WATCH_GRACE_MS 2000

/* The engine's watchdog (core/watchdog.h: CPU time, never the wall clock)
 * for a thread that never reaches a scheduling point (a loop over its own
 * variables), unless RACELAB_WATCHDOG_MS is 0. */
static void watchdog_start(void)
{
    const char *ms = getenv("RACELAB_WATCHDOG_MS");
    int limit_ms = ms && *ms ? atoi(ms) : 10000;
    if (limit_ms <= 0)
        return;
    rl_watchdog_start_with(WATCH_TICK_MS, limit_ms, WATCH_GRACE_MS);
}

/* Stop watching. */
static void watchdog_stop(void)
{
    rl_watchdog_stop();
}

/* Run the program once, standalone (see the file comment). */
int prt_standalone_main(const struct rl_program *program, int argc,
                        char **argv)
{
    (void)argc;
    (void)argv;
    char err[256];
    struct rl_run_config cfg = {0};
    cfg.program = *program;
    const char *spec = getenv("RACELAB_SCHED");
    if (rl_sched_parse(spec && *spec ? spec : "rr:1", &cfg.sched, err,
                       sizeof(err)) != 0) {
        fprintf(stderr, "racelab: RACELAB_SCHED: %s\n", err);
        return 2;
    }
    const char *steps = getenv("RACELAB_MAX_STEPS");
    if (steps && *steps)
        cfg.max_steps = strtoull(steps, NULL, 10);
    struct trace tr = {stderr, NULL};
    const char *path = getenv("RACELAB_TRACE");
    bool quiet = path && strcmp(path, "none") == 0;
    if (path && *path && !quiet) {
        tr.out = fopen(path, "w");
        if (!tr.out) {
            fprintf(stderr, "racelab: cannot write the trace to %s\n", path);
            return 2;
        }
    }
    tr.src = rl_srcloc_open("/proc/self/exe");
    watchdog_start();
    /* RACELAB_RUNS=N: N runs in this process (the program's globals and
     * heap are reset between them), only the last one traced. */
    const char *runs = getenv("RACELAB_RUNS");
    long n = runs && *runs ? strtol(runs, NULL, 10) : 1;
    for (long i = 1; i < n; i++) {
        struct rl_run *r = rl_run_create(&cfg, err, sizeof(err));
        if (!r)
            break;
        rl_run_finish(r);
        rl_run_destroy(r);
    }
    cfg.on_record = quiet ? NULL : trace_record;
    cfg.on_record_ctx = &tr;
    struct rl_run *run = rl_run_create(&cfg, err, sizeof(err));
    if (!run) {
        fprintf(stderr, "racelab: %s\n", err);
        return 2;
    }
    rl_run_finish(run);
    watchdog_stop();
    fflush(stdout);
    bool failed = quiet ? run_failed(run) : report(&tr, run);
    rl_run_destroy(run);
    rl_srcloc_close(tr.src);
    if (tr.out != stderr)
        fclose(tr.out);
    return failed ? 1 : 0;
}
