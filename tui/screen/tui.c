/* SPDX-License-Identifier: MIT */
/*
 * tui.c - the TUI's main loop: screens, the clock, and the frame.
 *
 * One thread does everything here: it reads a key with a timeout, turns it
 * into an action (keys.c) that the key handlers apply to the session
 * (tui_keys.c, session.c), advances the clock (a sim run steps at the
 * chosen speed; an os run and a repeat are polled at a steady frame rate),
 * and when something changed gathers the engine's state into plain view
 * data, lays it out on a canvas (frame.c, view.c, page.c) and draws it
 * (draw.c). Lab threads never touch curses: on the os backend they only
 * write their record buffers, which rl_run_poll merges here. Signals only
 * set a flag that this loop reads. The loop's state (struct tui) is in
 * tui_impl.h, which lists the files that share it; this file opens and
 * leaves labs, draws the frame and runs the clock.
 */
#include "tui.h"

#include <curses.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/program.h"
#include "../../core/schedule.h"
#include "../../core/text.h"
#include "../../labs/program_lab.h"
#include "canvas.h"
#include "draw.h"
#include "frame.h"
#include "keys.h"
#include "../../core/mem.h"
#include "page.h"
#include "session.h"
#include "term.h"
#include "tui_impl.h"
#include "view.h"

#define TUI_NO_TERMINAL                                                        \
    "racelab: the TUI needs a terminal; try 'racelab list' or 'racelab "       \
    "run LAB'\n"
#define TUI_IDLE_MS 250        /* nothing moving: still notice signals */
#define TUI_MAX_BUDGET_NS 15000000LL /* full speed: step this long a frame */

/* Steps per second; 0 = as fast as possible. */
static const int tui_speeds[TUI_NSPEEDS] = {1,   2,    5,     10, 25,
                                            100, 1000, 10000, 0};
#define TUI_SPEED_DEFAULT 2

/* Monotonic milliseconds. */
long long tui_now_ms(void)
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
void tui_say(struct tui *t, bool error, const char *fmt, ...)
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

/* Say the warnings of the open lab's build (see tui_impl.h). */
void tui_say_build_warnings(struct tui *t)
{
    const struct session *s = &t->ses;
    struct lab_inst *tmp;
    struct rl_program prog;
    char exe[PATH_MAX], err[256], *text;
    const char *first = NULL;
    int count = 0;

    if (!t->have_session)
        return;
    text = rl_xmalloc(16384);
    text[0] = '\0';
    if (program_lab_is(s->lab)) {
        program_lab_warnings(s->lab, text, 16384);
    } else {
        /* the same build again: found in the cache, not compiled */
        tmp = rl_xmalloc(sizeof *tmp);
        *tmp = s->inst;
        prog = lab_program(tmp);
        if (prog.external != NULL && prog.external->build != NULL &&
            rl_program_build(prog.external->build, exe, sizeof exe, err,
                             sizeof err) == 0)
            rl_program_warnings(exe, text, 16384);
        free(tmp);
    }
    for (const char *l = text; *l != '\0';) {
        size_t n = strcspn(l, "\n");
        const char *w = strstr(l, ": warning: ");

        if (w != NULL && (size_t)(w - l) < n && count++ == 0)
            first = l;
        l += n + (l[n] == '\n');
    }
    if (text[0] != '\0') {
        if (first == NULL)
            first = text;
        tui_say(t, false, "%d compiler warning%s: %.*s", count ? count : 1,
                count > 1 ? "s" : "", (int)strcspn(first, "\n"), first);
        t->msg_keep = true;
    }
    free(text);
}

/* ---- the frame ----------------------------------------------------------- */

/* The state word of the status line (buf: room for a progress bar). */
const char *tui_state_word(const struct tui *t, char *buf, size_t len)
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
    if (session_end(s) != RL_END_RUNNING)
        return tui_end_word(s);
    if (s->inst.backend == RL_BACKEND_OS)
        return s->started ? "running" : "ready: space starts the threads";
    if (t->running)
        return t->to_end ? "running to the end" : "running";
    return session_steps(s) ? "paused" : "ready";
}

/* How the run of s ended, in the status line's words ("running" if it
 * has not). */
const char *tui_end_word(const struct session *s)
{
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
    return "running";
}

/* Lay the lab screen out, with the parameter form over it when open. */
static void frame_lab_screen(struct tui *t, struct canvas *c)
{
    struct frame_ui ui;
    char speed[96], prompt[640], state[96], score[64];

    memset(&ui, 0, sizeof ui);
    ui.state = tui_state_word(t, state, sizeof state);
    if (t->ses.inst.backend == RL_BACKEND_SIM) {
        if (tui_speeds[t->speed])
            snprintf(speed, sizeof speed, "%d step%s/s", tui_speeds[t->speed],
                     tui_speeds[t->speed] == 1 ? "" : "s");
        else
            snprintf(speed, sizeof speed, "full speed");
        ui.speed = speed;
    }
    if (t->predict != PREDICT_OFF || t->asked > 0) {
        snprintf(score, sizeof score, "predicted %d of %d", t->right, t->asked);
        ui.score = score;
    }
    if (t->form_open) {
        /* the keys go to the form: the lab's key line would not apply */
        ui.message = "the parameter form is open: Enter applies, Esc cancels";
    } else if (t->prompt_open) {
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
        const struct key_help *k = t->screen == SCR_LAB
                                       ? keys_help_lab(t->from_menu, &n)
                                       : keys_help_menu(&n);

        page_help(&t->canvas,
                  t->screen == SCR_LAB ? "the lab screen" : "the lab menu", k,
                  n, t->screen == SCR_LAB, &t->help_scroll);
    } else if (t->screen == SCR_MENU) {
        struct page_menu m = {t->labs, t->nlabs, t->menu_sel,
                              t->msg[0] ? t->msg : NULL, t->menu_scroll};

        t->menu_scroll = page_menu(&t->canvas, &m);
    } else if (t->have_twin) {
        tui_twin_frame(t, &t->canvas);
    } else {
        frame_lab_screen(t, &t->canvas);
    }
    draw_canvas(&t->canvas);
    t->dirty = false;
}

/* ---- opening and leaving a lab ------------------------------------------- */

/* Open a lab on the lab screen. Returns 0 or -1 with a message. */
int tui_open_lab(struct tui *t, const struct lab_inst *inst,
                 const struct rl_sched *sched, const char *replay,
                 uint64_t saved_at)
{
    char err[512];

    tui_twin_close(t);
    if (t->have_session)
        session_fini(&t->ses);
    session_init(&t->ses, inst, sched, replay);
    t->ses.os_timeout_ms = t->os_timeout_ms;
    t->ses.saved_at = replay ? saved_at : 0;
    t->have_session = true;
    if (session_restart(&t->ses, err, sizeof err) != 0) {
        session_fini(&t->ses);
        t->have_session = false;
        tui_say(t, true, "%s", err);
        return -1;
    }
    t->screen = SCR_LAB;
    t->running = false;
    t->to_end = false;
    t->scroll = 0;
    t->have_jump = false;
    t->last_end = RL_END_RUNNING;
    if (replay && t->ses.saved_at) {
        tui_say(t, false,
                "a trace saved at step %llu, before its run ended: n steps "
                "it, then round robin goes on (0-9 pick a thread)",
                (unsigned long long)t->ses.saved_at);
    } else if (replay) {
        char msg[512];

        /* a counterexample opens where it fails; ' goes to its start */
        if (session_jump(&t->ses, SESSION_JUMP_FAILURE, msg, sizeof msg) ==
            1) {
            t->have_jump = true;
            t->jump_from = 0;
            tui_say(t, false, "replay, at its failure: %s (' goes to step 0)",
                    msg);
        } else {
            tui_say(t, false,
                    "replaying a schedule: n steps, space runs, e runs "
                    "to the end");
        }
    } else if (inst->backend == RL_BACKEND_OS)
        tui_say(t, false,
                "real threads: space starts them, R repeats 100 runs");
    else
        tui_say(t, false, "n steps, space runs, 0-9 pick a thread, ? for help");
    tui_say_build_warnings(t);
    return 0;
}

/* Leave the lab screen for the menu. */
void tui_close_lab(struct tui *t)
{
    tui_twin_close(t);
    if (t->have_session)
        session_fini(&t->ses);
    t->have_session = false;
    t->screen = SCR_MENU;
    t->running = false;
    t->msg[0] = '\0';
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
        d = t->next_tick - tui_now_ms();
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
    long long now = tui_now_ms();
    int speed = t->to_end ? 0 : tui_speeds[t->speed];

    if (t->screen != SCR_LAB || !t->have_session)
        return;
    if (s->ex.active) { /* one slice of the search a frame */
        char msg[512];
        int rc = session_explore_poll(s, msg, sizeof msg);

        tui_say(t, rc < 0, "%s", msg);
        t->dirty = true;
        if (rc != 2)
            t->scroll = 0;
        /* what was found outlives the run's end it opens at (a deadlock) */
        if (rc == 1)
            t->msg_keep = true;
    }
    if (s->inst.backend == RL_BACKEND_OS || s->rep.active) {
        bool moving =
            s->rep.active || (s->started && session_end(s) == RL_END_RUNNING);

        bool repeating = s->rep.active;

        session_poll(s);
        if (moving)
            t->dirty = true;
        if (repeating && !s->rep.active && !t->msg_err) /* the repeat done */
            tui_say(t, false, "repeat done: %d runs; q closes the chart",
                    s->rep.done);
    }
    if (t->running && now >= t->next_tick && t->predict == PREDICT_THREAD) {
        /* one step at a time, to stop before each choice */
        long long t0 = now_ns();

        do {
            if (tui_predict_pause(t))
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

            /* (one step at a time while a C program's final value waits
             * for its first shared variable to be asked) */
            uint64_t chunk = t->value_pending ? 1 : 64;

            for (uint64_t i = 0;
                 i < per && s->run && session_end(s) == RL_END_RUNNING;
                 i += chunk) {
                session_run(s, per - i < chunk ? per - i : chunk);
                if (now_ns() - t0 > TUI_MAX_BUDGET_NS ||
                    tui_predict_value_due(t))
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
    tui_predict_value_due(t); /* after a step by a key, too */
    if (t->have_twin && t->dirty)
        tui_twin_sync(t);
    if (session_end(s) != t->last_end) {
        t->last_end = session_end(s);
        t->dirty = true;
        /* a hint about the run ("threads started", "n steps ...") is
         * stale once it has ended: the key line comes back */
        if (t->last_end != RL_END_RUNNING && !t->msg_err && !t->msg_keep)
            t->msg[0] = '\0';
        if (t->last_end != RL_END_RUNNING)
            tui_predict_reveal_value(t);
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
        return tui_open_lab(t, &opt->inst, &sched, sc.choices,
                            opt->replay_saved_at) == 0
                   ? 0
                   : -2;
    }
    return tui_open_lab(t, &opt->inst, &sched, NULL, 0) == 0 ? 0 : -2;
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
    if (opt->replay_saved_at)
        return 0; /* a trace saved mid-run: nothing to judge */
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
    tui_twin_close(t);
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
    /* The compiler's warnings, in the place of the first hint (the lanes
     * repeat it), until a key. */
    if (opt->warnings != NULL && opt->warnings[0] != '\0') {
        tui_say(t, false, "%s", opt->warnings);
        t->msg_keep = true;
    }
    t->dirty = true;
    while (!t->quit && !term_quit_requested()) {
        int key;

        if (t->dirty)
            frame(t);
        timeout(wait_ms(t));
        key = getch();
        if (key != ERR)
            tui_on_key(t, key);
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
