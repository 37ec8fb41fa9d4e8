/* SPDX-License-Identifier: MIT */
/*
 * tui_impl.h - what the files of the TUI's main loop share, and nothing
 * else: the loop's state (struct tui) and the calls one file makes into
 * another. The command line sees only tui.h.
 *
 *   tui.c          the loop: setup, the frame (state word, the lab screen,
 *                  help, menu), opening and leaving a lab, the clock
 *                  (sim steps at the chosen speed, os and repeats polled),
 *                  the exit status
 *   tui_keys.c     what a key does: the lab screen, the menu, the
 *                  parameter form, w's directory prompt
 *   tui_twin.c     side by side (|): the counterpart's session and panes
 *   tui_predict.c  predict, then reveal (a): the question and the score
 *
 * Everything here is private to the UI thread, the one thread that calls
 * curses.
 */
#ifndef RL_TUI_IMPL_H
#define RL_TUI_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../labs/lab.h"
#include "canvas.h"
#include "frame.h"
#include "page.h"
#include "session.h"

#define TUI_FRAME_MS 33        /* os live view and repeats: ~30 frames/s */
#define TUI_NSPEEDS 9          /* the speeds + and - choose from (tui.c) */

enum tui_screen { SCR_MENU, SCR_LAB };

/* Predict, then reveal (a): what the class is asked. */
enum tui_predict { PREDICT_OFF, PREDICT_THREAD, PREDICT_VALUE };

/* Everything the loop owns; private to the UI thread. */
struct tui {
    enum tui_screen screen;
    bool help;
    int help_scroll; /* rows the help page is scrolled down */
    bool quit;
    bool dirty;
    bool from_menu; /* q on the lab screen goes back to the menu */
    int menu_sel;
    int menu_scroll; /* the right pane's rows scrolled down */
    const struct lab **labs;
    int nlabs;
    struct rl_sched menu_sched; /* scheduler for labs opened from the menu */
    int os_timeout_ms;          /* os runs' wall-clock guard; 0 = default */

    struct session ses;
    bool have_session;
    bool running;        /* sim: stepping by the clock */
    bool to_end;         /* sim: full speed until the end */
    int speed;           /* index into tui_speeds */
    long long next_tick; /* ms */
    uint64_t scroll;     /* records above the newest shown; 0: follow */
    bool have_jump;      /* ' has somewhere to go back to: */
    uint64_t jump_from;  /* the step shown before the last jump */
    bool result_open;    /* m: the result area in full */
    int result_scroll;   /* its lines scrolled */
    enum rl_end last_end;

    enum tui_predict predict;
    bool asking;          /* a question is on the key line */
    char guess[24];       /* PREDICT_VALUE: typed so far */
    bool have_guess;      /* PREDICT_VALUE: a value to reveal at the end */
    bool value_pending;   /* PREDICT_VALUE: a C program has no shared
                             variable yet: asked once it has one */
    long guess_value;
    int right, asked;     /* the session's score */

    bool prompt_open;      /* w: the key line asks for a directory */
    char prompt_text[512]; /* what is typed so far */

    bool form_open;
    bool form_fresh; /* the next digit replaces the field */
    struct page_form form;
    char form_err[256];

    char msg[512];
    bool msg_err;
    bool msg_keep; /* an answer revealed: it outlives the run's end */

    /* side by side (|): the counterpart's session, kept at the same step */
    bool have_twin;
    struct session twin;
    struct frame fr2;
    struct canvas pane_l, pane_r;

    /* frame buffers, reused */
    struct canvas canvas;
    struct frame fr;
};

/* tui.c */

/* Monotonic milliseconds. */
long long tui_now_ms(void);
/* Set the message shown on the key line until the next key (one line:
 * what follows a newline is dropped). */
/* Say in one line, until a key, that the build of the open lab (a
 * student variant or a C program, built apart) had compiler warnings:
 * how many and the first. Nothing when it had none. */
void tui_say_build_warnings(struct tui *t);
void tui_say(struct tui *t, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The state word of the status line ("paused", a repeat's progress bar,
 * ...); buf: room for the bar. Returns buf or a constant string. */
const char *tui_state_word(const struct tui *t, char *buf, size_t len);
/* How the run of s ended, in the status line's words ("finished:
 * passed", "deadlocked", ...; "running" if it has not). */
const char *tui_end_word(const struct session *s);
/* Open a lab on the lab screen (closing what was open); replay: choices to
 * replay, saved_at: the step their trace was saved at mid-run (0: a whole
 * run). Returns 0, or -1 with the message on the key line. */
int tui_open_lab(struct tui *t, const struct lab_inst *inst,
                 const struct rl_sched *sched, const char *replay,
                 uint64_t saved_at);
/* Leave the lab screen for the menu. */
void tui_close_lab(struct tui *t);

/* tui_keys.c */

/* Dispatch one key to whatever is open. */
void tui_on_key(struct tui *t, int key);

/* tui_twin.c */

/* Side by side: the two runs in two panes of c, one key line under both. */
void tui_twin_frame(struct tui *t, struct canvas *c);
/* Close the side-by-side view (nothing open: nothing happens). */
void tui_twin_close(struct tui *t);
/* Keep the counterpart at the step shown on the left. */
void tui_twin_sync(struct tui *t);
/* |: open the counterpart beside the run, or close it. */
void tui_twin_toggle(struct tui *t);

/* tui_predict.c */

/* Next thread: before a choice point, stop and ask. Returns true when it
 * asked (the step is not made). */
bool tui_predict_pause(struct tui *t);
/* Final value: ask for it (the run must not have ended). */
void tui_predict_ask_value(struct tui *t);
/* Predict mode, final value, a C program: once the run has touched a
 * shared variable, stop and ask; true when it asked. */
bool tui_predict_value_due(struct tui *t);
/* A key while the class is asked. */
void tui_predict_key(struct tui *t, int key);
/* Final value: the run has ended; reveal and score. */
void tui_predict_reveal_value(struct tui *t);

#endif
