/* SPDX-License-Identifier: MIT */
/*
 * view.h - the lab screen as a pure function of plain data.
 *
 * frame.c gathers what the engine says (records, thread and object
 * snapshots, checks, the end text) into a struct view_lab;
 * view_lab_layout() splits the screen into regions (how many record rows
 * fit decides how many records frame.c fetches); view_lab() lays every
 * cell out on a canvas (view.c, with the lanes in view_lanes.c and the
 * result area in view_result.c; view_impl.h). Nothing here calls the
 * engine or curses, so the unit tests build the data by hand and assert on
 * the text of each row.
 *
 *   row 0        title: lab, variant and what it is expected to do
 *   rows 1..     swimlanes (one column per thread, one row per record,
 *                newest at the bottom; a legend row when object names are
 *                abbreviated; a lost update or race explained in words
 *                below its row) | state panel (objects)
 *   result       verdict, checks, deadlock cycle, schedule string
 *   row h-2      status: backend, scheduler, step, state, speed
 *   row h-1      keys, or the last message (rows h-2..h-1 when it is
 *                longer than a row: the rows above move up one)
 */
#ifndef RL_TUI_VIEW_H
#define RL_TUI_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "../../core/run.h"
#include "canvas.h"
#include "chart.h"

/* The smallest terminal the screens are laid out for. */
#define VIEW_MIN_W 60
#define VIEW_MIN_H 16

/* A record as the view needs it. */
struct view_rec {
    struct rl_record rec;
    const char *text; /* the engine's text (rl_record_text), or NULL */
    bool lost;        /* a store that overwrote another thread's update */
    bool race;        /* the second access of a data race */
    bool wakeup;      /* the wait of a lost wakeup, that never ended */
    bool differs;     /* side by side: the first step where the two runs
                         differ */
    const char *note; /* what the mark means, in words, drawn on the rows
                         below the record; or NULL */
    bool note_plain;  /* the note is no error (what the step printed):
                         drawn in the thread's colour, not as a failure */
    int line;         /* a plain C program: its source line (" @13" in the
                         lane when it fits), or 0 */
    const struct rl_record_values *values; /* a C program's values in
                         words (rl_record_values), or NULL: the numbers */
};

struct view_lab {
    const char *lab_name;  /* "unsafe-counter" */
    const char *lab_title; /* "Unsafe counter" */
    const char *variant;   /* "unsafe" */
    bool expect_pass;      /* the variant's expectation */
    bool no_expect;        /* no expectation to show (a plain C program:
                              racelab does not know what it should do) */
    const char *params;    /* "threads=2,iters=3" */
    const char *backend;   /* "sim" / "os" */
    const char *sched;     /* "rr:1", or "" on os */
    const char *state;     /* "paused", "running", "finished", ... */
    const char *speed;     /* "5 steps/s", or NULL */
    const char *score;     /* predict's score: kept when speed is not */
    uint64_t step;

    int nthreads;
    const struct rl_thread_view *threads;
    int nobjs;
    const struct rl_obj_view *objs; /* objs[i].id == i */
    const char (*values)[RL_VALUE_TEXT_MAX]; /* objs[i].value in words
                         (rl_value_text), or NULL: the numbers */

    int nrecs; /* the visible records, oldest first */
    const struct view_rec *recs;
    uint64_t current;      /* records from this seq on were made by the
                              step just run (highlighted); 0: none */
    int current_thread;    /* thread that ran the last step, or -1 */
    uint64_t hidden_below; /* newer records not shown (scrolled up) */

    enum rl_end end;
    long exit_status; /* RL_END_EXIT: the status of the exit record, or -1
                         when there is none */
    bool passed; /* every check holds (when ended) */
    int nchecks;
    const struct rl_check_result *checks;
    const char *end_text; /* rl_run_end_text, or NULL */
    const char *analysis; /* data races / lost updates, lines, or NULL */
    const char *schedule; /* full schedule string, or NULL */

    bool compact;      /* one pane of two side by side: no state panel,
                          the variant in the title */
    bool result_open;  /* m: the result area takes the screen, in full */
    int result_scroll; /* its lines scrolled up (when open) */

    const char *detail;  /* a plain C program: where the newest step shown
                            is, "race.c:13 counter++;", or NULL */
    const char *message; /* last message for the key line, or NULL */
    bool message_error;
    const struct view_hist *hist; /* non-NULL: draw the chart, not lanes */
};

/* Where the regions of the lab screen are. */
struct view_layout {
    int w, h;
    int lanes_x, lanes_w;   /* the swimlanes, step column included */
    int head_y;             /* lane headers */
    int rows_y, rows_h;     /* record rows */
    int state_x, state_w;   /* state panel (rows head_y .. result_y-1) */
    int result_y, result_h; /* result area, its rule line included */
    int status_y, keys_y;
    int keys_h; /* 2: a message that does not fit one row */
};

/* Split a w x h screen for v (the result area grows with what it has to
 * say, up to a third of the screen while running and half of it once the
 * run has ended; all of it but three lane rows when open). */
void view_lab_layout(const struct view_lab *v, int w, int h,
                     struct view_layout *out);
/* Lines the result area of v has to say at width w, all of it (what m
 * shows), verdict line excluded. */
int view_result_lines(const struct view_lab *v, int w);
/* Lay out the whole lab screen on c (already sized to the screen). */
void view_lab(struct canvas *c, const struct view_lab *v);

/* The text of a record for a lane cell of width cells (symbol excluded):
 * the engine's text if it fits, else shorter forms. Returns buf. */
char *view_rec_text(const struct view_lab *v, const struct view_rec *r,
                    int width, char *buf, size_t len);
/* The symbol ('+', '-', '#', '!', ...) and role of a record. */
char view_rec_symbol(const struct rl_record *rec, int *role);

/* The value of v->objs[i] as the panel shows it: its words when v has
 * them ("&heap#1@prog.c:7"), else the number; into buf (returned). */
const char *view_obj_value(const struct view_lab *v, int i, char *buf,
                           size_t len);
/* The name of object id in v's snapshot, or "?". */
const char *view_obj_name(const struct view_lab *v, int id);
/* The short name of thread tid into buf ("T0", or its own name). */
const char *view_thread_name(const struct view_lab *v, int tid, char *buf,
                             size_t len);

/* The label of thread tid in its lane header: its name, with the digit
 * key that picks it when the name does not say it ("T1", "3:P0"). */
const char *view_thread_label(const struct view_lab *v, int tid, char *buf,
                              size_t len);

/* "terminal too small" screen: what size is needed and what there is. */
void view_too_small(struct canvas *c, int minw, int minh);

/* The key line of the lab screen, fitted to width w. */
void view_keys(struct canvas *c, int y, const char *const *pairs, int npairs);

#endif
