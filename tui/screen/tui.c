/* SPDX-License-Identifier: MIT */
/*
 * tui.c - the TUI's main loop: screens, keys, the clock, and the frame.
 *
 * One thread does everything here: it reads a key with a timeout, turns it
 * into an action (keys.c), applies the action to the session (session.c),
 * advances the clock (a sim run steps at the chosen speed; an os run and a
 * repeat are polled at a steady frame rate), and when something changed
 * gathers the engine's state into plain view data, lays it out on a canvas
 * (view.c, page.c) and draws it (draw.c). Lab threads never touch curses:
 * on the os backend they only write their record buffers, which
 * rl_run_poll merges here. Signals only set a flag that this loop reads.
 */
#include "tui.h"

#include <curses.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/schedule.h"
#include "../../core/text.h"
#include "canvas.h"
#include "draw.h"
#include "frame.h"
#include "keys.h"
#include "../../core/mem.h"
#include "page.h"
#include "session.h"
#include "term.h"
#include "view.h"

#define TUI_NO_TERMINAL                                                        \
    "racelab: the TUI needs a terminal; try 'racelab list' or 'racelab "       \
    "run LAB'\n"
#define TUI_FRAME_MS 33        /* os live view and repeats: ~30 frames/s */
#define TUI_EXPLORE_SCHEDULES 20000 /* x: search this many at most */
#define TUI_IDLE_MS 250        /* nothing moving: still notice signals */
#define TUI_MAX_BUDGET_NS 15000000LL /* full speed: step this long a frame */

enum tui_screen { SCR_MENU, SCR_LAB };

/* Predict, then reveal (a): what the class is asked. */
enum tui_predict { PREDICT_OFF, PREDICT_THREAD, PREDICT_VALUE };

/* Steps per second; 0 = as fast as possible. */
static const int tui_speeds[] = {1, 2, 5, 10, 25, 100, 1000, 10000, 0};
#define TUI_NSPEEDS ((int)(sizeof tui_speeds / sizeof tui_speeds[0]))
#define TUI_SPEED_DEFAULT 2

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

/* Monotonic milliseconds. */
static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Monotonic nanoseconds. */
static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Set the message shown on the key line until the next key. */
static void say(struct tui *t, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct tui *t, bool error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof t->msg, fmt, ap);
    va_end(ap);
    /* One line: a compiler's message is "file:line: error: ..." first. */
    t->msg[strcspn(t->msg, "\n")] = '\0';
    t->msg_err = error;
    t->msg_keep = false;
}

/* ---- the frame ----------------------------------------------------------- */

/* The state word of the status line (buf: room for a progress bar). */
static const char *state_word(const struct tui *t, char *buf, size_t len)
{
    const struct session *s = &t->ses;

    if (s->ex.active)
        return "exploring (q stops)";
    if (s->rep.active) {
        char bar[21];
        int fill = s->rep.total ? 20 * s->rep.done / s->rep.total : 0;

        for (int i = 0; i < 20; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[20] = '\0';
        snprintf(buf, len, "repeating [%s] %d of %d runs", bar, s->rep.done,
                 s->rep.total);
        return buf;
    }
    switch (session_end(s)) {
    case RL_END_RUNNING:
        break;
    case RL_END_DONE:
        return rl_run_passed(s->run) ? "finished: passed" : "finished: failed";
    case RL_END_DEADLOCK:
        return "deadlocked";
    case RL_END_STEP_LIMIT:
        return "did not finish";
    case RL_END_DIVERGED:
        return "diverged";
    case RL_END_TIMEOUT:
        return "timed out";
    case RL_END_FAILED:
        return "stopped at a failed check";
    case RL_END_EXIT:
        return "exited";
    case RL_END_ASSERT:
        return "assertion failed";
    case RL_END_CRASH:
        return "crashed";
    case RL_END_PROTOCOL:
        return "protocol error";
    case RL_END_INCOMPLETE:
        return "incomplete";
    }
    if (s->inst.backend == RL_BACKEND_OS)
        return s->started ? "running" : "ready: space starts the threads";
    if (t->running)
        return t->to_end ? "running to the end" : "running";
    return session_steps(s) ? "paused" : "ready";
}

/* Lay the lab screen out, with the parameter form over it when open. */
static void frame_lab_screen(struct tui *t, struct canvas *c)
{
    struct frame_ui ui;
    char speed[96], prompt[640], state[96];

    memset(&ui, 0, sizeof ui);
    ui.state = state_word(t, state, sizeof state);
    if (t->ses.inst.backend == RL_BACKEND_SIM) {
        if (tui_speeds[t->speed])
            snprintf(speed, sizeof speed, "%d step%s/s", tui_speeds[t->speed],
                     tui_speeds[t->speed] == 1 ? "" : "s");
        else
            snprintf(speed, sizeof speed, "full speed");
        ui.speed = speed;
    }
    if (t->predict != PREDICT_OFF || t->asked > 0) {
        size_t n = strlen(speed);

        if (!ui.speed)
            speed[0] = '\0', n = 0;
        snprintf(speed + n, sizeof speed - n, "%spredicted %d of %d",
                 n ? " | " : "", t->right, t->asked);
        ui.speed = speed;
    }
    if (t->prompt_open) {
        snprintf(prompt, sizeof prompt,
                 "save to directory: %s_   Enter saves, Esc cancels",
                 t->prompt_text);
        ui.message = prompt;
    } else if (t->asking && t->predict == PREDICT_VALUE) {
        snprintf(prompt, sizeof prompt, "%s %s_", t->msg, t->guess);
        ui.message = prompt;
    } else if (t->msg[0]) {
        ui.message = t->msg;
        ui.message_error = t->msg_err;
    }
    ui.scroll = t->scroll;
    ui.result_open = t->result_open;
    ui.result_scroll = t->result_scroll;
    frame_lab(&t->fr, &t->ses, &ui, c);
    t->scroll = ui.scroll;
    t->result_scroll = ui.result_scroll;
    if (t->form_open) {
        t->form.error = t->form_err[0] ? t->form_err : NULL;
        page_form(c, &t->form);
    }
}

/* The first record where the two runs side by side differ (thread, event,
 * result or object), among those both show; 0 if none. */
static uint64_t twin_differs(const struct tui *t)
{
    const struct rl_run *a = t->ses.run, *b = t->twin.run;
    uint64_t n = session_shown(&t->ses);

    if (!a || !b)
        return 0;
    if (session_shown(&t->twin) < n)
        n = session_shown(&t->twin);
    for (uint64_t q = 1; q <= n; q++) {
        const struct rl_record *x = rl_run_record(a, q), *y = rl_run_record(b, q);
        struct rl_obj_view ox, oy;

        if (!x || !y)
            return 0;
        if (x->thread != y->thread || x->op != y->op || x->result != y->result)
            return q;
        if ((x->obj >= 0) != (y->obj >= 0))
            return q;
        if (x->obj >= 0) {
            rl_run_object(a, x->obj, &ox);
            rl_run_object(b, y->obj, &oy);
            if (strcmp(ox.name, oy.name) != 0 || x->after != y->after)
                return q;
        }
    }
    return 0;
}

/* Side by side: the two runs in two panes, one key line under both. */
static void frame_twin(struct tui *t, struct canvas *c)
{
    struct frame_ui ui;
    int half = (c->w - 1) / 2;
    char state[96];
    static const char *const keys[] = {
        "n", "step both", "Left", "back", "e", "end", "r", "restart",
        "|", "one pane", "?", "help"};

    memset(&ui, 0, sizeof ui);
    ui.compact = true;
    ui.differs = twin_differs(t);
    ui.result_open = t->result_open; /* m opens both result areas */
    ui.result_scroll = t->result_scroll;
    ui.state = state_word(t, state, sizeof state);
    canvas_resize(&t->pane_l, half, c->h);
    frame_lab(&t->fr, &t->ses, &ui, &t->pane_l);
    t->result_scroll = ui.result_scroll;
    ui.scroll = 0;
    ui.state = session_end(&t->twin) == RL_END_RUNNING ? "paused" : "ended";
    canvas_resize(&t->pane_r, c->w - half - 1, c->h);
    frame_lab(&t->fr2, &t->twin, &ui, &t->pane_r);
    canvas_clear(c);
    canvas_blit(c, 0, 0, &t->pane_l, 0, c->h - 1);
    canvas_blit(c, 0, half + 1, &t->pane_r, 0, c->h - 1);
    canvas_fill(c, 0, half, c->h - 1, 1, L'|', ROLE_BORDER);
    if (t->msg[0]) {
        canvas_fill(c, c->h - 1, 0, 1, c->w, L' ', ROLE_NORMAL);
        canvas_put(c, c->h - 1, 1, t->msg_err ? ROLE_ERROR : ROLE_SELECT,
                   t->msg, c->w - 2);
    } else {
        view_keys(c, c->h - 1, keys, 12);
    }
}

/* Lay out and draw the screen. */
static void frame(struct tui *t)
{
    int w, h;

    term_size(&w, &h);
    canvas_resize(&t->canvas, w, h);
    if (w < VIEW_MIN_W || h < VIEW_MIN_H) {
        view_too_small(&t->canvas, VIEW_MIN_W, VIEW_MIN_H);
    } else if (t->help) {
        int n;
        const struct key_help *k =
            t->screen == SCR_LAB ? keys_help_lab(&n) : keys_help_menu(&n);

        page_help(&t->canvas,
                  t->screen == SCR_LAB ? "the lab screen" : "the lab menu", k,
                  n, t->screen == SCR_LAB, &t->help_scroll);
    } else if (t->screen == SCR_MENU) {
        struct page_menu m = {t->labs, t->nlabs, t->menu_sel,
                              t->msg[0] ? t->msg : NULL, t->menu_scroll};

        t->menu_scroll = page_menu(&t->canvas, &m);
    } else if (t->have_twin) {
        frame_twin(t, &t->canvas);
    } else {
        frame_lab_screen(t, &t->canvas);
    }
    draw_canvas(&t->canvas);
    t->dirty = false;
}

/* ---- opening and leaving a lab ------------------------------------------- */

/* Close the side-by-side view. */
static void twin_close(struct tui *t)
{
    if (t->have_twin)
        session_fini(&t->twin);
    t->have_twin = false;
}

/* Open a lab on the lab screen. Returns 0 or -1 with a message. */
static int open_lab(struct tui *t, const struct lab_inst *inst,
                    const struct rl_sched *sched, const char *replay)
{
    char err[512];

    twin_close(t);
    if (t->have_session)
        session_fini(&t->ses);
    session_init(&t->ses, inst, sched, replay);
    t->ses.os_timeout_ms = t->os_timeout_ms;
    t->have_session = true;
    if (session_restart(&t->ses, err, sizeof err) != 0) {
        session_fini(&t->ses);
        t->have_session = false;
        say(t, true, "%s", err);
        return -1;
    }
    t->screen = SCR_LAB;
    t->running = false;
    t->to_end = false;
    t->scroll = 0;
    t->have_jump = false;
    t->last_end = RL_END_RUNNING;
    if (replay) {
        char msg[512];

        /* a counterexample opens where it fails; ' goes to its start */
        if (session_jump(&t->ses, SESSION_JUMP_FAILURE, msg, sizeof msg) ==
            1) {
            t->have_jump = true;
            t->jump_from = 0;
            say(t, false, "replay, at its failure: %s (' goes to step 0)",
                msg);
        } else {
            say(t, false, "replaying a schedule: n steps, space runs, e runs "
                          "to the end");
        }
    } else if (inst->backend == RL_BACKEND_OS)
        say(t, false, "real threads: space starts them, R repeats 100 runs");
    else
        say(t, false, "n steps, space runs, 0-9 pick a thread, ? for help");
    return 0;
}

/* Leave the lab screen for the menu. */
static void close_lab(struct tui *t)
{
    twin_close(t);
    if (t->have_session)
        session_fini(&t->ses);
    t->have_session = false;
    t->screen = SCR_MENU;
    t->running = false;
    t->msg[0] = '\0';
}

/* ---- keys ---------------------------------------------------------------- */

/* Open the parameter form with the session's values. */
static void form_open(struct tui *t)
{
    const struct lab *lab = t->ses.lab;

    memset(&t->form, 0, sizeof t->form);
    t->form.lab = lab;
    t->form.backend = t->ses.inst.backend;
    for (int i = 0; i < lab->nparams; i++)
        snprintf(t->form.text[i], PAGE_FIELD_MAX, "%ld", t->ses.inst.params[i]);
    t->form_err[0] = '\0';
    t->form_open = true;
    t->form_fresh = true;
    t->running = false;
}

/* A key while the parameter form is open. */
static void form_key(struct tui *t, int key)
{
    struct key_action a = keys_form(key);
    const struct lab *lab = t->form.lab;
    char *field = t->form.text[t->form.sel];
    const struct lab_param *p = &lab->params[t->form.sel];
    size_t len = strlen(field);
    long v;

    switch (a.act) {
    case ACT_UP:
        t->form.sel = (t->form.sel + lab->nparams - 1) % lab->nparams;
        t->form_fresh = true;
        break;
    case ACT_DOWN:
        t->form.sel = (t->form.sel + 1) % lab->nparams;
        t->form_fresh = true;
        break;
    case ACT_INC:
    case ACT_DEC:
        v = strtol(field, NULL, 10) + (a.act == ACT_INC ? 1 : -1);
        if (v < p->min)
            v = p->min;
        if (v > p->max)
            v = p->max;
        snprintf(field, PAGE_FIELD_MAX, "%ld", v);
        t->form_fresh = false;
        break;
    case ACT_CHAR:
        if (t->form_fresh) {
            field[0] = '\0';
            len = 0;
        }
        if (len + 1 < 12) {
            field[len] = (char)a.arg;
            field[len + 1] = '\0';
        }
        t->form_fresh = false;
        break;
    case ACT_ERASE:
        if (len > 0)
            field[len - 1] = '\0';
        t->form_fresh = false;
        break;
    case ACT_OPEN: {
        struct lab_inst inst = t->ses.inst;
        char err[256];

        for (int i = 0; i < lab->nparams; i++)
            if (lab_inst_set(&inst, lab->params[i].key, t->form.text[i], err,
                             sizeof err) != 0) {
                snprintf(t->form_err, sizeof t->form_err, "%s", err);
                t->form.sel = i;
                return;
            }
        t->form_open = false;
        t->have_jump = false;
        twin_close(t);
        if (session_set_inst(&t->ses, &inst, err, sizeof err) != 0)
            say(t, true, "%s", err);
        else
            say(t, false, "parameters applied; the run restarted");
        t->scroll = 0;
        break;
    }
    case ACT_BACK:
        t->form_open = false;
        say(t, false, "parameters unchanged");
        break;
    default:
        break;
    }
}

/* A key while w asks where to save. */
static void prompt_key(struct tui *t, int key)
{
    size_t len = strlen(t->prompt_text);
    char err[512], name[256];

    if (key == KEY_RESIZE)
        return;
    if (key == 27) {
        t->prompt_open = false;
        say(t, false, "not saved");
    } else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        t->prompt_open = false;
        if (session_save(&t->ses, t->prompt_text, name, sizeof name, err,
                         sizeof err) != 0)
            say(t, true, "%s", err);
        else if (strcmp(t->prompt_text, ".") == 0 || !t->prompt_text[0])
            say(t, false, "saved %s", name);
        else
            say(t, false, "saved %s/%s", t->prompt_text, name);
    } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        if (len > 0)
            t->prompt_text[len - 1] = '\0';
    } else if (key == 21) { /* Ctrl-U: erase the line */
        t->prompt_text[0] = '\0';
    } else if (key >= 0x20 && key < 0x7f && len + 1 < sizeof t->prompt_text) {
        t->prompt_text[len] = (char)key;
        t->prompt_text[len + 1] = '\0';
    }
}

/* Predict mode, next thread: before a choice point, stop and ask. Returns
 * true when it asked (the step is not made). */
static bool predict_pause(struct tui *t)
{
    int ids[RL_MAX_THREADS], n;
    char list[256];
    size_t o = 0;

    if (t->predict != PREDICT_THREAD || t->asking ||
        t->ses.sched.kind == RL_SCHED_MANUAL)
        return false;
    n = session_runnable(&t->ses, ids, RL_MAX_THREADS);
    if (n < 2)
        return false;
    list[0] = '\0';
    for (int i = 0; i < n && i < RL_MAX_THREADS && o + 8 < sizeof list; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, " T%d", ids[i]);
    t->asking = true;
    t->running = false;
    t->to_end = false;
    say(t, false, "Predict: which thread runs step %llu? (can run:%s) 0-9, "
        "Esc skips",
        (unsigned long long)session_shown(&t->ses) + 1, list);
    return true;
}

/* Predict mode, final value: ask for it (the run must not have ended). */
static void predict_ask_value(struct tui *t)
{
    char name[RL_NAME_MAX];
    long v;

    t->have_guess = false;
    if (t->predict != PREDICT_VALUE || session_end(&t->ses) != RL_END_RUNNING ||
        !session_first_var(&t->ses, name, sizeof name, &v))
        return;
    t->asking = true;
    t->running = false;
    t->guess[0] = '\0';
    say(t, false, "Predict: %s at the end? type it, Enter (Esc skips):",
        name);
}

/* A key while the class is asked. */
static void predict_key(struct tui *t, int key)
{
    struct session *s = &t->ses;
    size_t len = strlen(t->guess);

    if (key == KEY_RESIZE)
        return;
    if (key == 27) {
        t->asking = false;
        say(t, false, "not asked: n steps on");
        return;
    }
    if (t->predict == PREDICT_THREAD) {
        int tid;

        if (key < '0' || key > '9')
            return;
        tid = key - '0';
        t->asking = false;
        session_step(s);
        t->asked++;
        if (s->last_thread == tid)
            t->right++;
        say(t, false, "%s T%d ran step %llu%s (%d of %d right)",
            s->last_thread == tid ? "Right:" : "Not this time:",
            s->last_thread, (unsigned long long)session_shown(s),
            s->last_thread == tid ? "" : ", not the one you said", t->right,
            t->asked);
        t->msg_keep = true;
        return;
    }
    if ((key >= '0' && key <= '9') || (key == '-' && len == 0)) {
        if (len + 1 < sizeof t->guess) {
            t->guess[len] = (char)key;
            t->guess[len + 1] = '\0';
        }
    } else if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0) {
        t->guess[len - 1] = '\0';
    } else if ((key == '\n' || key == '\r' || key == KEY_ENTER) && len > 0 &&
               strcmp(t->guess, "-") != 0) {
        t->asking = false;
        t->have_guess = true;
        t->guess_value = strtol(t->guess, NULL, 10);
        say(t, false, "You said %ld: e runs to the end and reveals it",
            t->guess_value);
    }
}

/* Predict mode, final value: the run has ended; reveal and score. */
static void predict_reveal_value(struct tui *t)
{
    char name[RL_NAME_MAX];
    long v;

    if (!t->have_guess || !session_first_var(&t->ses, name, sizeof name, &v))
        return;
    t->have_guess = false;
    t->asked++;
    if (v == t->guess_value)
        t->right++;
    say(t, false, "%s %s = %ld, you said %ld (%d of %d right)",
        v == t->guess_value ? "Right:" : "Not this time:", name, v,
        t->guess_value, t->right, t->asked);
    t->msg_keep = true;
}

/* What r says: a deterministic scheduler makes the same run again. */
static void say_restarted(struct tui *t, int rc, const char *err)
{
    const struct session *s = &t->ses;
    char sched[64];

    t->running = false;
    t->to_end = false;
    t->scroll = 0;
    t->have_jump = false;
    if (rc != 0) {
        say(t, true, "%s", err);
        return;
    }
    session_sched_text(s, sched, sizeof sched);
    if (s->inst.backend == RL_BACKEND_OS)
        say(t, false, "restarted: real threads, space starts them");
    else if (s->sched.kind == RL_SCHED_RANDOM || s->sched.kind == RL_SCHED_PCT)
        say(t, false, "restarted with a new seed: %s", sched);
    else if (s->sched.kind == RL_SCHED_MANUAL && !s->replay)
        say(t, false, "restarted: you pick the threads (0-9)");
    else
        say(t, false,
            "restarted: %s is deterministic, so this is the same run again "
            "(s: another scheduler)",
            sched);
}

/* After an action that replaced the run. */
static void replaced(struct tui *t, int rc, const char *err, const char *what)
{
    char sched[64];

    t->have_jump = false;
    t->running = false;
    t->to_end = false;
    t->scroll = 0;
    if (rc != 0) {
        say(t, true, "%s", err);
        return;
    }
    session_sched_text(&t->ses, sched, sizeof sched);
    say(t, false, "%s: variant %s, %s, %s", what,
        t->ses.lab->variants[t->ses.inst.variant].name,
        t->ses.inst.backend == RL_BACKEND_SIM ? "sim" : "os", sched);
}

/* space: run / pause (sim), start (os). */
static void act_run(struct tui *t)
{
    struct session *s = &t->ses;
    char err[256];

    if (s->inst.backend == RL_BACKEND_OS) {
        if (session_end(s) != RL_END_RUNNING) {
            if (session_restart(s, err, sizeof err) != 0) {
                say(t, true, "%s", err);
                return;
            }
        }
        if (s->started) {
            say(t, false, "real threads cannot be paused; wait for the end");
            return;
        }
        session_repeat_stop(s);
        if (session_start(s, err, sizeof err) != 0)
            say(t, true, "%s", err);
        else
            say(t, false, "threads started");
        return;
    }
    if (session_end(s) != RL_END_RUNNING) {
        say(t, false, "the run has ended: Left steps back, r restarts");
        return;
    }
    t->running = !t->running;
    t->to_end = false;
    t->next_tick = now_ms();
    t->scroll = 0;
}

/* The variant to show beside variant v: reference for student and back;
 * else a correct one beside a broken one and the other way round; -1 if
 * the lab has none. */
static int twin_variant(const struct lab *lab, int v)
{
    const char *name = lab->variants[v].name;
    const char *want = strcmp(name, "student") == 0     ? "reference"
                       : strcmp(name, "reference") == 0 ? "student"
                                                        : NULL;

    if (want)
        return lab_variant_find(lab, want);
    for (int i = 0; i < lab->nvariants; i++)
        if (i != v && lab->variants[i].expect_pass != lab->variants[v].expect_pass)
            return i;
    return -1;
}

/* Keep the counterpart at the step shown on the left (its own end once
 * the left run has ended). */
static void twin_sync(struct tui *t)
{
    char err[256];

    if (!t->have_twin)
        return;
    if (session_end(&t->ses) != RL_END_RUNNING)
        while (session_run(&t->twin, 100000) == RL_END_RUNNING)
            ;
    else if (session_goto(&t->twin, session_shown(&t->ses), err, sizeof err) !=
             0)
        say(t, true, "%s", err);
}

/* |: open the counterpart beside the run (same parameters, same
 * scheduler, from the start), or close it. */
static void twin_toggle(struct tui *t)
{
    struct session *s = &t->ses;
    struct lab_inst inst = s->inst;
    struct rl_sched sc = s->sched;
    char err[256];
    int w, h, v;

    if (t->have_twin) {
        twin_close(t);
        say(t, false, "one pane again");
        return;
    }
    term_size(&w, &h);
    v = twin_variant(s->lab, s->inst.variant);
    if (s->inst.backend != RL_BACKEND_SIM) {
        say(t, true, "side by side needs the sim backend (b switches)");
        return;
    }
    if (v < 0) {
        say(t, true, "%s has no other kind of variant to compare with",
            s->lab->name);
        return;
    }
    if (w < 70) {
        say(t, true, "side by side needs 70 columns (this terminal has %d)",
            w);
        return;
    }
    if (s->replay || sc.kind == RL_SCHED_REPLAY || sc.kind == RL_SCHED_CUSTOM) {
        /* a replay belongs to its variant: the counterpart goes round robin */
        memset(&sc, 0, sizeof sc);
        sc.kind = RL_SCHED_RR;
        sc.quantum = 1;
    }
    inst.variant = v;
    inst.state = NULL;
    session_init(&t->twin, &inst, &sc, NULL);
    if (session_restart(&t->twin, err, sizeof err) != 0) {
        session_fini(&t->twin);
        say(t, true, "%s", err);
        return;
    }
    t->have_twin = true;
    twin_sync(t);
    say(t, false, "side by side: %s and %s under %s; n steps both, %% marks "
                  "where they part",
        s->lab->variants[s->inst.variant].name, s->lab->variants[v].name,
        sc.kind == RL_SCHED_MANUAL ? "round robin" : "the same scheduler");
}

/* A key on the lab screen, applied to the run on the left. */
static void lab_key_run(struct tui *t, int key)
{
    struct key_action a = keys_lab(key);
    struct session *s = &t->ses;
    char err[512];
    int rc;

    if (a.act != ACT_NONE && a.act != ACT_RESIZE && a.act != ACT_REDRAW)
        t->msg[0] = '\0';
    switch (a.act) {
    case ACT_RUN_PAUSE:
        act_run(t);
        break;
    case ACT_STEP:
        t->running = false;
        t->scroll = 0;
        if (s->inst.backend == RL_BACKEND_OS)
            say(t, true,
                "real threads are not stepped: space starts them, "
                "b switches to sim");
        else if (session_end(s) != RL_END_RUNNING)
            say(t, false, "the run has ended: Left steps back, r restarts");
        else if (!predict_pause(t))
            session_step(s);
        break;
    case ACT_STEP_BACK:
        t->running = false;
        t->scroll = 0;
        if (session_back(s, err, sizeof err) != 0)
            say(t, true, "%s", err);
        break;
    case ACT_FINISH:
        if (s->inst.backend == RL_BACKEND_OS) {
            act_run(t);
        } else if (session_end(s) == RL_END_RUNNING) {
            t->running = true;
            t->to_end = true;
            t->scroll = 0;
        }
        break;
    case ACT_PICK:
        t->running = false;
        t->scroll = 0;
        if (session_pick(s, a.arg, err, sizeof err) != 0)
            say(t, true, "%s", err);
        break;
    case ACT_FASTER:
        if (t->speed + 1 < TUI_NSPEEDS)
            t->speed++;
        break;
    case ACT_SLOWER:
        if (t->speed > 0)
            t->speed--;
        break;
    case ACT_RESTART:
        rc = session_reseed(s, err, sizeof err);
        say_restarted(t, rc, err);
        if (rc == 0 && t->predict == PREDICT_VALUE)
            predict_ask_value(t);
        break;
    case ACT_VARIANT:
        rc = session_next_variant(s, err, sizeof err);
        replaced(t, rc, err, "next variant");
        break;
    case ACT_SCHED:
        rc = session_next_sched(s, err, sizeof err);
        replaced(t, rc, err, "next scheduler");
        break;
    case ACT_BACKEND:
        rc = session_next_backend(s, err, sizeof err);
        replaced(t, rc, err, "backend switched");
        break;
    case ACT_PARAMS:
        form_open(t);
        break;
    case ACT_SAVE:
        t->running = false;
        t->prompt_open = true;
        session_save_dir(t->prompt_text, sizeof t->prompt_text);
        break;
    case ACT_REPEAT:
        t->running = false;
        if (session_repeat_start(s, SESSION_REPEAT_DEFAULT, err, sizeof err))
            say(t, true, "%s", err);
        else
            say(t, false, "repeating %d runs; q closes the chart",
                SESSION_REPEAT_DEFAULT);
        break;
    case ACT_EXPLORE:
        t->running = false;
        if (s->ex.active)
            break;
        rc = session_explore_start(s, TUI_EXPLORE_SCHEDULES, err, sizeof err);
        say(t, rc < 0, "%s", err);
        t->have_jump = false;
        t->scroll = 0;
        break;
    case ACT_JUMP: {
        uint64_t from = session_shown(s);

        t->running = false;
        t->scroll = 0;
        rc = session_jump(s, (enum session_jump_kind)a.arg, err, sizeof err);
        if (rc == 1) {
            t->jump_from = from;
            t->have_jump = true;
        }
        say(t, rc < 0, "%s", err);
        break;
    }
    case ACT_JUMP_BACK: {
        uint64_t from = session_shown(s);

        t->running = false;
        t->scroll = 0;
        if (s->inst.backend != RL_BACKEND_SIM) {
            say(t, true, "jumping needs the sim backend (b switches)");
        } else if (!t->have_jump) {
            say(t, false, "no jump to go back from: f, ] and [ jump");
        } else if (session_goto(s, t->jump_from, err, sizeof err) != 0) {
            say(t, true, "%s", err);
        } else {
            say(t, false, "back at step %llu (' again: step %llu)",
                (unsigned long long)session_shown(s),
                (unsigned long long)from);
            t->jump_from = from;
        }
        break;
    }
    case ACT_CONTRAST:
        term_set_contrast(!term_contrast_on());
        draw_invalidate();
        say(t, false, "high-contrast theme: %s (c switches)",
            term_contrast_on() ? "on" : "off");
        break;
    case ACT_TWIN:
        twin_toggle(t);
        break;
    case ACT_PREDICT:
        t->predict = (enum tui_predict)((t->predict + 1) % 3);
        t->asking = false;
        t->have_guess = false;
        if (s->inst.backend != RL_BACKEND_SIM) {
            t->predict = PREDICT_OFF;
            say(t, true, "predicting needs the sim backend (b switches)");
        } else if (t->predict == PREDICT_THREAD) {
            say(t, false, "Predict the next thread: the run stops before "
                          "each choice (a: the final value instead)");
        } else if (t->predict == PREDICT_VALUE) {
            predict_ask_value(t);
            if (!t->asking)
                say(t, false, "Predict the final value: r restarts the run "
                              "to ask (a: off)");
        } else {
            say(t, false, "predicting off: %d of %d right this session",
                t->right, t->asked);
        }
        break;
    case ACT_RESULT:
        t->result_open = !t->result_open;
        t->result_scroll = 0;
        break;
    case ACT_SCROLL:
        if (t->result_open) { /* the open result area scrolls */
            t->result_scroll += a.arg;
            if (t->result_scroll < 0)
                t->result_scroll = 0;
            break;
        }
        t->running = false;
        if (a.arg < 0)
            t->scroll += (uint64_t)-a.arg;
        else
            t->scroll = t->scroll > (uint64_t)a.arg ? t->scroll - a.arg : 0;
        break;
    case ACT_FOLLOW:
        t->scroll = 0;
        break;
    case ACT_OLDEST:
        t->running = false;
        t->scroll = UINT64_MAX / 2;
        break;
    case ACT_BACK:
        if (s->ex.active) {
            session_explore_stop(s);
            say(t, false, "exploring stopped");
        } else if (s->rep.total > 0)
            session_repeat_stop(s);
        else if (t->from_menu)
            close_lab(t);
        else
            t->quit = true;
        break;
    case ACT_QUIT:
        t->quit = true;
        break;
    case ACT_HELP:
        t->help = true;
        break;
    default:
        break;
    }
}

/* A key on the lab screen; side by side, the counterpart follows. */
static void lab_key(struct tui *t, int key)
{
    struct key_action a = keys_lab(key);
    char err[256];

    lab_key_run(t, key);
    if (!t->have_twin || a.act == ACT_TWIN)
        return;
    switch (a.act) {
    case ACT_VARIANT:
    case ACT_SCHED:
    case ACT_BACKEND:
    case ACT_EXPLORE:
    case ACT_REPEAT:
        /* another run on the left: the pair no longer matches */
        twin_close(t);
        break;
    case ACT_RESTART:
        if (session_reseed(&t->twin, err, sizeof err) != 0)
            twin_close(t);
        twin_sync(t);
        break;
    default:
        twin_sync(t);
        break;
    }
}

/* A key on the menu. */
static void menu_key(struct tui *t, int key)
{
    struct key_action a = keys_menu(key);
    struct lab_inst inst;

    if (a.act != ACT_NONE && a.act != ACT_RESIZE)
        t->msg[0] = '\0';
    switch (a.act) {
    case ACT_UP:
        if (t->menu_sel > 0)
            t->menu_sel--;
        t->menu_scroll = 0;
        break;
    case ACT_DOWN:
        if (t->menu_sel + 1 < t->nlabs)
            t->menu_sel++;
        t->menu_scroll = 0;
        break;
    case ACT_CONTRAST:
        term_set_contrast(!term_contrast_on());
        draw_invalidate();
        break;
    case ACT_SCROLL:
        t->menu_scroll += a.arg; /* page_menu clamps it */
        if (t->menu_scroll < 0)
            t->menu_scroll = 0;
        break;
    case ACT_OPEN:
        if (t->nlabs == 0)
            break;
        lab_inst_init(&inst, t->labs[t->menu_sel], RL_BACKEND_SIM);
        if (open_lab(t, &inst, &t->menu_sched, NULL) == 0)
            t->from_menu = true;
        break;
    case ACT_QUIT:
        t->quit = true;
        break;
    case ACT_HELP:
        t->help = true;
        break;
    default:
        break;
    }
}

/* Dispatch one key. */
static void on_key(struct tui *t, int key)
{
    t->dirty = true;
    if (key == KEY_RESIZE) {
        draw_invalidate();
        return;
    }
    if (t->help) {
        struct key_action a = keys_help(key);
        if (a.act == ACT_SCROLL) {
            t->help_scroll += a.arg; /* page_help clamps it */
            if (t->help_scroll < 0)
                t->help_scroll = 0;
        } else if (a.act == ACT_BACK) {
            t->help = false;
            t->help_scroll = 0;
        }
        return;
    }
    if (t->screen == SCR_MENU)
        menu_key(t, key);
    else if (t->prompt_open)
        prompt_key(t, key);
    else if (t->asking)
        predict_key(t, key);
    else if (t->form_open)
        form_key(t, key);
    else
        lab_key(t, key);
}

/* ---- the clock ----------------------------------------------------------- */

/* How long to wait for a key before the next thing to do. */
static int wait_ms(const struct tui *t)
{
    const struct session *s = &t->ses;
    long long d;

    if (t->screen != SCR_LAB || !t->have_session)
        return TUI_IDLE_MS;
    if (s->rep.active || s->ex.active ||
        (s->started && session_end(s) == RL_END_RUNNING))
        return TUI_FRAME_MS;
    if (t->running) {
        d = t->next_tick - now_ms();
        if (d < 0)
            d = 0;
        return d > TUI_IDLE_MS ? TUI_IDLE_MS : (int)d;
    }
    return TUI_IDLE_MS;
}

/* Advance what moves by itself: sim steps at the speed, os polls. */
static void tick(struct tui *t)
{
    struct session *s = &t->ses;
    long long now = now_ms();
    int speed = t->to_end ? 0 : tui_speeds[t->speed];

    if (t->screen != SCR_LAB || !t->have_session)
        return;
    if (s->ex.active) { /* one slice of the search a frame */
        char msg[512];
        int rc = session_explore_poll(s, msg, sizeof msg);

        say(t, rc < 0, "%s", msg);
        t->dirty = true;
        if (rc != 2)
            t->scroll = 0;
    }
    if (s->inst.backend == RL_BACKEND_OS || s->rep.active) {
        bool moving =
            s->rep.active || (s->started && session_end(s) == RL_END_RUNNING);

        session_poll(s);
        if (moving)
            t->dirty = true;
    }
    if (t->running && now >= t->next_tick && t->predict == PREDICT_THREAD) {
        /* one step at a time, to stop before each choice */
        long long t0 = now_ns();

        do {
            if (predict_pause(t))
                break;
            session_step(s);
        } while ((speed == 0 || speed > 50) &&
                 session_end(s) == RL_END_RUNNING &&
                 now_ns() - t0 < TUI_MAX_BUDGET_NS);
        t->next_tick = now + (speed == 0 || speed > 50 ? TUI_FRAME_MS
                                                        : 1000 / speed);
        t->dirty = true;
        if (session_end(s) != RL_END_RUNNING) {
            t->running = false;
            t->to_end = false;
        }
    } else if (t->running && now >= t->next_tick) {
        if (speed == 0 || speed > 50) {
            long long t0 = now_ns();
            uint64_t per = speed ? (uint64_t)speed / 30 : UINT64_MAX;

            for (uint64_t i = 0;
                 i < per && s->run && session_end(s) == RL_END_RUNNING;
                 i += 64) {
                session_run(s, per - i < 64 ? per - i : 64);
                if (now_ns() - t0 > TUI_MAX_BUDGET_NS)
                    break;
            }
            t->next_tick = now + TUI_FRAME_MS;
        } else {
            session_step(s);
            t->next_tick += 1000 / speed;
            if (t->next_tick < now)
                t->next_tick = now + 1000 / speed;
        }
        t->dirty = true;
        if (session_end(s) != RL_END_RUNNING) {
            t->running = false;
            t->to_end = false;
        }
    }
    if (t->have_twin && t->dirty)
        twin_sync(t);
    if (session_end(s) != t->last_end) {
        t->last_end = session_end(s);
        t->dirty = true;
        /* a hint about the run ("threads started", "n steps ...") is
         * stale once it has ended: the key line comes back */
        if (t->last_end != RL_END_RUNNING && !t->msg_err && !t->msg_keep)
            t->msg[0] = '\0';
        if (t->last_end != RL_END_RUNNING)
            predict_reveal_value(t);
    }
}

/* ---- entry --------------------------------------------------------------- */

/* Set up t from the options. */
static int tui_setup(struct tui *t, const struct tui_options *opt, char *err,
                     size_t errlen)
{
    struct rl_sched sched;

    t->nlabs = lab_count();
    t->labs = rl_xcalloc((size_t)(t->nlabs + 1), sizeof *t->labs);
    for (int i = 0; i < t->nlabs; i++)
        t->labs[i] = lab_at(i);
    frame_init(&t->fr);
    frame_init(&t->fr2);
    t->speed = TUI_SPEED_DEFAULT;
    memset(&sched, 0, sizeof sched);
    sched.kind = RL_SCHED_RR;
    sched.quantum = 1;
    if (opt->have_sched)
        sched = opt->sched;
    t->menu_sched = sched;
    t->os_timeout_ms = opt->os_timeout_ms;
    t->screen = SCR_MENU;
    if (!opt->lab)
        return 0;
    for (int i = 0; i < t->nlabs; i++)
        if (t->labs[i] == opt->lab)
            t->menu_sel = i;
    if (opt->replay) {
        struct rl_schedule sc;

        if (rl_schedule_parse(opt->replay, &sc, err, errlen) != 0)
            return -1;
        memset(&sched, 0, sizeof sched);
        sched.kind = RL_SCHED_REPLAY;
        return open_lab(t, &opt->inst, &sched, sc.choices) == 0 ? 0 : -2;
    }
    return open_lab(t, &opt->inst, &sched, NULL) == 0 ? 0 : -2;
}

/* The exit status of the replayed run (0 passed, 1 failed, 2 diverged),
 * whatever was done on screen since: the schedule string is run again to
 * its end, as `racelab replay` without a terminal would. */
static int replay_status(const struct tui_options *opt)
{
    struct rl_schedule sc;
    struct rl_sched sched;
    struct session s;
    char err[256];
    int status = 2;

    if (rl_schedule_parse(opt->replay, &sc, err, sizeof err) != 0)
        return 2;
    memset(&sched, 0, sizeof sched);
    sched.kind = RL_SCHED_REPLAY;
    session_init(&s, &opt->inst, &sched, sc.choices);
    if (session_restart(&s, err, sizeof err) == 0) {
        while (session_run(&s, 100000) == RL_END_RUNNING)
            ;
        if (session_end(&s) == RL_END_DIVERGED)
            status = 2;
        else
            status = rl_run_passed(s.run) ? 0 : 1;
    }
    session_fini(&s);
    return status;
}

/* Free what t holds. */
static void tui_teardown(struct tui *t)
{
    twin_close(t);
    frame_fini(&t->fr2);
    canvas_free(&t->pane_l);
    canvas_free(&t->pane_r);
    if (t->have_session)
        session_fini(&t->ses);
    canvas_free(&t->canvas);
    free(t->labs);
    frame_fini(&t->fr);
}

/* A one-line error before or instead of the screen; it may echo user
 * input, so it is escaped (core/text.h). */
static void tui_print_error(const char *err)
{
    char safe[2048];

    rl_text_escape(safe, sizeof safe, err, strlen(err));
    fprintf(stderr, "racelab: %s\n", safe);
}

/* The TUI's exit status: 0, or for a TUI ended by a signal (sig > 0), die
 * of it now that the terminal is back, so the shell sees 128 + sig; the
 * return is for a signal that does not end the process. */
static int tui_exit_status(int sig)
{
    if (sig <= 0)
        return 0;
    fflush(NULL);
    signal(sig, SIG_DFL);
    raise(sig);
    return 128 + sig;
}

/* Run the TUI until the user quits; see tui.h. */
int tui_main(const struct tui_options *opt)
{
    struct tui *t;
    char err[512];
    int rc;

    if (!term_is_tty()) {
        fputs(TUI_NO_TERMINAL, stderr);
        return 2;
    }
    t = rl_xcalloc(1, sizeof *t);
    rc = tui_setup(t, opt, err, sizeof err);
    if (rc == -1) {
        tui_print_error(err);
        tui_teardown(t);
        free(t);
        return 2;
    }
    if (term_open(err, sizeof err) != 0) {
        tui_print_error(err);
        tui_teardown(t);
        free(t);
        return 2;
    }
    {
        const char *theme = getenv("RACELAB_THEME");

        if (theme && strcmp(theme, "contrast") == 0)
            term_set_contrast(true);
    }
    t->dirty = true;
    while (!t->quit && !term_quit_requested()) {
        int key;

        if (t->dirty)
            frame(t);
        timeout(wait_ms(t));
        key = getch();
        if (key != ERR)
            on_key(t, key);
        tick(t);
    }
    term_close();
    tui_teardown(t);
    free(t);
    if (term_quit_signal() > 0)
        return tui_exit_status(term_quit_signal());
    /* replaying a failing run ends like `racelab replay` does */
    return opt->lab && opt->replay ? replay_status(opt) : 0;
}
