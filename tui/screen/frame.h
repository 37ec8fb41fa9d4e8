/* SPDX-License-Identifier: MIT */
/*
 * frame.h - one frame of the lab screen: read the session's run (records,
 * threads, objects, checks, end text, schedule) into view data, lay it out
 * and return the canvas. The buffers are kept between frames, so a frame
 * allocates nothing once the sizes settle. Used by tui.c and tui_twin.c
 * (a pane each, side by side) and by the benchmark.
 */
#ifndef RL_TUI_FRAME_H
#define RL_TUI_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "../../core/analysis.h"
#include "canvas.h"
#include "session.h"
#include "view.h"

#define FRAME_TEXT_MAX 160  /* one record's text */
#define FRAME_NOTE_MAX 320  /* the words under a marked record */
#define FRAME_MAX_CHECKS 32 /* checks shown */

/* What the loop knows that the session does not. */
struct frame_ui {
    const char *state;   /* "paused", "running", ... */
    const char *speed;   /* "5 steps/s", or NULL */
    const char *score;   /* predict: "predicted 1 of 2", or NULL */
    const char *message; /* the key line's message, or NULL */
    bool message_error;
    uint64_t scroll; /* records above the newest; clamped here */
    bool result_open;  /* m: the result area in full */
    int result_scroll; /* its lines scrolled; clamped here */
    bool compact;      /* a pane of the side-by-side screen */
    uint64_t differs;  /* side by side: the record where the runs part, 0 */
};

struct frame {
    struct rl_thread_view threads[RL_MAX_THREADS];
    struct rl_obj_view *objs; /* objs_cap of them */
    char (*values)[RL_VALUE_TEXT_MAX]; /* objs[i].value in words, or "" */
    int objs_cap;
    struct rl_check_result checks[FRAME_MAX_CHECKS];
    struct view_rec *recs;
    char (*texts)[FRAME_TEXT_MAX];
    char (*notes)[FRAME_NOTE_MAX];
    char hist_note[48]; /* the repeat chart's "(sim, random seeds 1..100)" */
    struct rl_record_values *vals; /* recs[i].values points here */
    int rec_cap;
    char end_text[4096];
    char analysis[2048]; /* data races, lost updates and wakeups, one per
                            line */
    struct rl_analysis an; /* of the run on screen, when an_ok */
    bool an_ok;
    char *schedule;
    size_t schedule_cap;
    uint64_t schedule_gen;   /* the run schedule was made for, */
    uint64_t schedule_steps; /* at this many steps */
    char detail[192]; /* a program: where the newest record shown is */
};

void frame_init(struct frame *f);
void frame_fini(struct frame *f);
/* Lay the lab screen of s out on c (sized to the screen). ui->scroll is
 * clamped to the records there are. */
void frame_lab(struct frame *f, const struct session *s, struct frame_ui *ui,
               struct canvas *c);

#endif
