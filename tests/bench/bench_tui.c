/* SPDX-License-Identifier: MIT */
/*
 * bench_tui.c - what the TUI costs, as ratios against baselines measured
 * in the same run (absolute numbers are printed for information only).
 *
 *   frame: reading a run (8 threads, 1,000+ records) into view data,
 *          laying out the lab screen, and drawing it with curses into
 *          /dev/null (a real newterm, colours on), at 80x24 and 200x60;
 *          reported against the 33 ms a frame may take at 30 frames/s.
 *          Each frame scrolls by one record, so every row changes and
 *          curses really sends it.
 *   os live view: increments per second of the unsafe counter's real
 *          threads while the UI polls and draws at 30 frames/s, against
 *          the same run finished with no UI (both record events; the cost
 *          of recording itself is in bench_core).
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/run.h"
#include "../../labs/lab.h"
#include "../../tui/screen/canvas.h"
#include "../../tui/screen/draw.h"
#include "../../tui/screen/frame.h"
#include "../../tui/screen/session.h"
#include "../../tui/screen/term.h"

#define FRAME_BUDGET_S (1.0 / 30.0)

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A session of the unsafe counter on backend with threads x iters. */
static int open_counter(struct session *s, enum rl_backend backend,
                        long threads, long iters)
{
    struct lab_inst inst;
    struct rl_sched sc;
    char err[256], num[32];

    lab_inst_init(&inst, lab_find("unsafe-counter"), backend);
    snprintf(num, sizeof num, "%ld", threads);
    if (lab_inst_set(&inst, "threads", num, err, sizeof err) != 0)
        goto fail;
    snprintf(num, sizeof num, "%ld", iters);
    if (lab_inst_set(&inst, "iters", num, err, sizeof err) != 0)
        goto fail;
    memset(&sc, 0, sizeof sc);
    sc.kind = RL_SCHED_RR;
    sc.quantum = 1;
    session_init(s, &inst, &sc, NULL);
    if (session_restart(s, err, sizeof err) != 0)
        goto fail;
    return 0;
fail:
    fprintf(stderr, "bench_tui: %s\n", err);
    return -1;
}

/* Seconds per frame of the lab screen at w x h; draw: also draw it. */
static double bench_frame(struct session *s, int w, int h, bool draw,
                          int frames)
{
    struct canvas c = {0};
    struct frame f;
    struct frame_ui ui;
    double t0, t;

    frame_init(&f);
    memset(&ui, 0, sizeof ui);
    ui.state = "finished";
    ui.speed = "5 steps/s";
    canvas_resize(&c, w, h);
    if (draw)
        resizeterm(h, w);
    t0 = now_s();
    for (int i = 0; i < frames; i++) {
        ui.scroll = (uint64_t)(i % 2);
        frame_lab(&f, s, &ui, &c);
        if (draw)
            draw_canvas(&c);
    }
    t = (now_s() - t0) / frames;
    frame_fini(&f);
    canvas_free(&c);
    return t;
}

/* Seconds for the os run of s: finished with no UI, or polled and drawn
 * at 30 frames/s. */
static double bench_os_run(struct session *s, bool ui_on, int w, int h)
{
    struct canvas c = {0};
    struct frame f;
    struct frame_ui ui;
    char err[256];
    double t0, next;

    if (!ui_on) {
        t0 = now_s();
        if (rl_run_finish(s->run) != RL_END_DONE)
            fprintf(stderr, "bench_tui: the os run did not finish\n");
        return now_s() - t0;
    }
    frame_init(&f);
    memset(&ui, 0, sizeof ui);
    ui.state = "running (real threads)";
    canvas_resize(&c, w, h);
    t0 = now_s();
    if (session_start(s, err, sizeof err) != 0) {
        fprintf(stderr, "bench_tui: %s\n", err);
        return 0;
    }
    next = t0;
    while (session_end(s) == RL_END_RUNNING) {
        double d;

        session_poll(s);
        frame_lab(&f, s, &ui, &c);
        draw_canvas(&c);
        next += FRAME_BUDGET_S;
        d = next - now_s();
        if (d > 0) {
            struct timespec ts = {(time_t)d, (long)((d - (long)d) * 1e9)};

            nanosleep(&ts, NULL);
        }
    }
    frame_fini(&f);
    canvas_free(&c);
    return now_s() - t0;
}

/* qsort comparator for doubles. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(void)
{
    struct session s;
    char err[256];
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    const long os_threads = 2, os_iters = 1000000;
    double plain[3], live[3];
    uint64_t records;

    if (!out || !in) {
        fprintf(stderr, "bench_tui: cannot open /dev/null\n");
        return 1;
    }
    if (term_open_stream(out, in, "xterm-256color", err, sizeof err) != 0) {
        fprintf(stderr, "bench_tui: %s\n", err);
        return 1;
    }

    /* 8 threads x 63 increments: 8 x (start + 126 + finish) records */
    if (open_counter(&s, RL_BACKEND_SIM, 8, 63) != 0)
        return 1;
    session_run(&s, 1000000);
    records = rl_run_record_last(s.run);
    double lay80 = bench_frame(&s, 80, 24, false, 2000);
    double draw80 = bench_frame(&s, 80, 24, true, 2000);
    double lay200 = bench_frame(&s, 200, 60, false, 1000);
    double draw200 = bench_frame(&s, 200, 60, true, 1000);
    session_fini(&s);

    for (int i = 0; i < 3; i++) {
        if (open_counter(&s, RL_BACKEND_OS, os_threads, os_iters) != 0)
            return 1;
        plain[i] = bench_os_run(&s, false, 80, 24);
        session_fini(&s);
        if (open_counter(&s, RL_BACKEND_OS, os_threads, os_iters) != 0)
            return 1;
        live[i] = bench_os_run(&s, true, 80, 24);
        session_fini(&s);
    }
    term_close();
    qsort(plain, 3, sizeof plain[0], cmp_double);
    qsort(live, 3, sizeof live[0], cmp_double);

    double incr = (double)(os_threads * os_iters);
    printf("racelab TUI benchmark\n");
    printf("  frame, lab screen, 8 threads, %llu records (curses into "
           "/dev/null, xterm-256color)\n",
           (unsigned long long)records);
    printf("    80x24   layout %7.1f us, layout + draw %7.1f us = %.4f of a "
           "30 fps frame\n",
           lay80 * 1e6, draw80 * 1e6, draw80 / FRAME_BUDGET_S);
    printf("    200x60  layout %7.1f us, layout + draw %7.1f us = %.4f of a "
           "30 fps frame\n",
           lay200 * 1e6, draw200 * 1e6, draw200 / FRAME_BUDGET_S);
    printf("  os live view, unsafe-counter, %ld threads x %ld increments "
           "(median of 3)\n",
           os_threads, os_iters);
    printf("    no UI                 %8.2f M increments/s (baseline)\n",
           incr / plain[1] / 1e6);
    printf("    UI polling at 30 fps  %8.2f M increments/s = %.2fx the "
           "baseline\n",
           incr / live[1] / 1e6, plain[1] / live[1]);
    return 0;
}
