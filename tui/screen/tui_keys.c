/* SPDX-License-Identifier: MIT */
/*
 * tui_keys.c - what a key does, for the main loop (tui.c): keys.c turns a
 * key into an action for the screen it is on, and these handlers apply it
 * to the session (session.h) and to the loop's state (struct tui,
 * tui_impl.h) - the lab screen's keys (step, run, restart, variant,
 * scheduler, backend, jumps, repeat, explore, scroll), the menu's, the
 * parameter form's and the directory prompt of w - and say what happened
 * on the key line. Whatever is open takes the key first: help, the prompt,
 * a question of predict mode (tui_predict.c), the form. Side by side, the
 * counterpart follows the run on the left (tui_twin.c).
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "keys.h"
#include "page.h"
#include "session.h"
#include "term.h"
#include "tui_impl.h"
#include "view.h"

#define TUI_EXPLORE_SCHEDULES 20000 /* x: search this many at most */

/* The keys of every screen but help: q leaves the program, ? opens help
 * (other actions: nothing). */
static void key_anywhere(struct tui *t, enum action act)
{
    if (act == ACT_QUIT)
        t->quit = true;
    else if (act == ACT_HELP)
        t->help = true;
}

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
        tui_twin_close(t);
        if (session_set_inst(&t->ses, &inst, err, sizeof err) != 0)
            tui_say(t, true, "%s", err);
        else
            tui_say(t, false, "parameters applied; the run restarted");
        t->scroll = 0;
        break;
    }
    case ACT_BACK:
        t->form_open = false;
        tui_say(t, false, "parameters unchanged");
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
        tui_say(t, false, "not saved");
    } else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        t->prompt_open = false;
        if (session_save(&t->ses, t->prompt_text, name, sizeof name, err,
                         sizeof err) != 0)
            tui_say(t, true, "%s", err);
        else if (strcmp(t->prompt_text, ".") == 0 || !t->prompt_text[0])
            tui_say(t, false, "saved %s", name);
        else
            tui_say(t, false, "saved %s/%s", t->prompt_text, name);
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
        tui_say(t, true, "%s", err);
        return;
    }
    session_sched_text(s, sched, sizeof sched);
    if (s->inst.backend == RL_BACKEND_OS)
        tui_say(t, false, "restarted: real threads, space starts them");
    else if (s->sched.kind == RL_SCHED_RANDOM || s->sched.kind == RL_SCHED_PCT)
        tui_say(t, false, "restarted with a new seed: %s", sched);
    else if (s->sched.kind == RL_SCHED_MANUAL && !s->replay)
        tui_say(t, false, "restarted: you pick the threads (0-9)");
    else
        tui_say(t, false,
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
        tui_say(t, true, "%s", err);
        return;
    }
    session_sched_text(&t->ses, sched, sizeof sched);
    tui_say(t, false, "%s: variant %s, %s, %s", what,
            t->ses.lab->variants[t->ses.inst.variant].name,
            t->ses.inst.backend == RL_BACKEND_SIM ? "sim" : "os", sched);
}

/* After a switch of backend: the parameters are kept, so say which of
 * them differ from the new backend's defaults (3 iterations on real
 * threads rarely lose an update: the os default is a million). */
static void say_params_kept(struct tui *t)
{
    const struct lab *lab = t->ses.lab;
    bool os = t->ses.inst.backend == RL_BACKEND_OS;
    char kept[160] = "", defs[160] = "";
    size_t nk = 0, nd = 0;

    for (int i = 0; i < lab->nparams; i++) {
        long def = os ? lab->params[i].def_os : lab->params[i].def;
        long v = t->ses.inst.params[i];

        if (v == def || nk + 40 >= sizeof kept || nd + 40 >= sizeof defs)
            continue;
        nk += (size_t)snprintf(kept + nk, sizeof kept - nk, "%s%s=%ld",
                               nk ? "," : "", lab->params[i].key, v);
        nd += (size_t)snprintf(defs + nd, sizeof defs - nd, "%s%ld",
                               nd ? ", " : "", def);
    }
    if (nk)
        tui_say(t, false, "backend switched: %s; kept %s (%s default %s: p "
                "changes it)", os ? "os, real threads" : "sim", kept,
                os ? "os" : "sim", defs);
}

/* space: run / pause (sim), start (os). */
static void act_run(struct tui *t)
{
    struct session *s = &t->ses;
    char err[256];

    if (s->inst.backend == RL_BACKEND_OS) {
        if (session_end(s) != RL_END_RUNNING) {
            if (session_restart(s, err, sizeof err) != 0) {
                tui_say(t, true, "%s", err);
                return;
            }
        }
        if (s->started) {
            tui_say(t, false,
                    "real threads cannot be paused; wait for the end");
            return;
        }
        session_repeat_stop(s);
        if (session_start(s, err, sizeof err) != 0)
            tui_say(t, true, "%s", err);
        else
            tui_say(t, false, "threads started");
        return;
    }
    if (session_end(s) != RL_END_RUNNING) {
        tui_say(t, false, "the run has ended: Left steps back, r restarts");
        return;
    }
    t->running = !t->running;
    t->to_end = false;
    t->next_tick = tui_now_ms();
    t->scroll = 0;
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
            tui_say(t, true,
                    "real threads are not stepped: space starts them, "
                    "b switches to sim");
        else if (session_end(s) != RL_END_RUNNING)
            tui_say(t, false, "the run has ended: Left steps back, r restarts");
        else if (!tui_predict_pause(t))
            session_step(s);
        break;
    case ACT_STEP_BACK:
        t->running = false;
        t->scroll = 0;
        if (session_back(s, err, sizeof err) != 0)
            tui_say(t, true, "%s", err);
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
            tui_say(t, true, "%s", err);
        break;
    case ACT_FASTER:
    case ACT_SLOWER:
        if (s->inst.backend == RL_BACKEND_OS) {
            tui_say(t, false,
                    "real threads run at their own speed; + and - pace "
                    "the sim backend (b switches)");
            break;
        }
        if (a.act == ACT_FASTER && t->speed + 1 < TUI_NSPEEDS)
            t->speed++;
        else if (a.act == ACT_SLOWER && t->speed > 0)
            t->speed--;
        else
            tui_say(t, false, "already at the %s speed",
                    a.act == ACT_FASTER ? "highest" : "lowest");
        break;
    case ACT_RESTART:
        rc = session_reseed(s, err, sizeof err);
        say_restarted(t, rc, err);
        if (rc == 0 && t->predict == PREDICT_VALUE)
            tui_predict_ask_value(t);
        break;
    case ACT_VARIANT:
        if (s->lab->nvariants < 2) {
            tui_say(t, false, "%s has one variant (%s); r restarts it",
                    s->lab->name, s->lab->variants[0].name);
            break;
        }
        rc = session_next_variant(s, err, sizeof err);
        replaced(t, rc, err, "next variant");
        if (rc == 0)
            tui_say_build_warnings(t);
        break;
    case ACT_SCHED:
        if (s->inst.backend == RL_BACKEND_OS) {
            tui_say(t, false,
                    "real threads are scheduled by the OS; s chooses the "
                    "sim backend's scheduler (b switches)");
            break;
        }
        rc = session_next_sched(s, err, sizeof err);
        replaced(t, rc, err, "next scheduler");
        break;
    case ACT_BACKEND:
        rc = session_next_backend(s, err, sizeof err);
        replaced(t, rc, err, "backend switched");
        if (rc == 0)
            say_params_kept(t);
        if (rc == 0 && s->inst.backend == RL_BACKEND_OS &&
            t->predict != PREDICT_OFF) {
            /* real threads make no choice to predict: a says so too */
            t->predict = PREDICT_OFF;
            t->asking = false;
            t->have_guess = false;
            tui_say(t, false, "backend switched: os, real threads; predicting "
                    "off (%d of %d right this session)", t->right, t->asked);
        }
        break;
    case ACT_PARAMS:
        form_open(t);
        break;
    case ACT_SAVE:
        t->running = false;
        if (session_steps(s) == 0) { /* an empty trace helps nobody */
            tui_say(t, false, "nothing to save yet: no step has run (%s)",
                    s->inst.backend == RL_BACKEND_OS
                        ? "space starts the threads"
                        : "n steps, space runs");
            break;
        }
        t->prompt_open = true;
        session_save_dir(t->prompt_text, sizeof t->prompt_text);
        break;
    case ACT_REPEAT:
        t->running = false;
        if (session_repeat_start(s, SESSION_REPEAT_DEFAULT, err, sizeof err))
            tui_say(t, true, "%s", err);
        else
            tui_say(t, false, "repeating %d runs; q closes the chart",
                    SESSION_REPEAT_DEFAULT);
        break;
    case ACT_EXPLORE:
        t->running = false;
        if (s->ex.active)
            break;
        rc = session_explore_start(s, TUI_EXPLORE_SCHEDULES, err, sizeof err);
        tui_say(t, rc < 0, "%s", err);
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
        tui_say(t, rc < 0, "%s", err);
        /* the mark's account outlives the end the jump may reach */
        if (rc == 1)
            t->msg_keep = true;
        break;
    }
    case ACT_JUMP_BACK: {
        uint64_t from = session_shown(s);

        t->running = false;
        t->scroll = 0;
        if (s->inst.backend != RL_BACKEND_SIM) {
            tui_say(t, true, "jumping needs the sim backend (b switches)");
        } else if (!t->have_jump) {
            tui_say(t, false, "no jump to go back from: f, ] and [ jump");
        } else if (session_goto(s, t->jump_from, err, sizeof err) != 0) {
            tui_say(t, true, "%s", err);
        } else {
            tui_say(t, false, "back at step %llu (' again: step %llu)",
                    (unsigned long long)session_shown(s),
                    (unsigned long long)from);
            t->jump_from = from;
        }
        break;
    }
    case ACT_CONTRAST:
        term_set_contrast(!term_contrast_on());
        draw_invalidate();
        tui_say(t, false, "high-contrast theme: %s (c switches)",
                term_contrast_on() ? "on" : "off");
        break;
    case ACT_TWIN:
        tui_twin_toggle(t);
        break;
    case ACT_PREDICT:
        t->predict = (enum tui_predict)((t->predict + 1) % 3);
        t->asking = false;
        t->have_guess = false;
        t->value_pending = false;
        if (s->inst.backend != RL_BACKEND_SIM) {
            t->predict = PREDICT_OFF;
            tui_say(t, true, "predicting needs the sim backend (b switches)");
        } else if (t->predict == PREDICT_THREAD) {
            tui_say(t, false,
                    "Predict the next thread: the run stops before "
                    "each choice (a: the final value instead)");
        } else if (t->predict == PREDICT_VALUE) {
            tui_predict_ask_value(t);
            if (!t->asking && !t->value_pending)
                tui_say(t, false,
                        "Predict the final value: r restarts the run "
                        "to ask (a: off)");
        } else {
            tui_say(t, false, "predicting off: %d of %d right this session",
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
            tui_say(t, false, "exploring stopped");
        } else if (s->rep.total > 0)
            session_repeat_stop(s);
        else if (t->from_menu)
            tui_close_lab(t);
        else
            t->quit = true;
        break;
    default:
        key_anywhere(t, a.act);
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
        tui_twin_close(t);
        break;
    case ACT_RESTART:
        if (session_reseed(&t->twin, err, sizeof err) != 0)
            tui_twin_close(t);
        tui_twin_sync(t);
        break;
    default:
        tui_twin_sync(t);
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
        if (tui_open_lab(t, &inst, &t->menu_sched, NULL, 0) == 0)
            t->from_menu = true;
        break;
    default:
        key_anywhere(t, a.act);
        break;
    }
}

/* Dispatch one key. */
void tui_on_key(struct tui *t, int key)
{
    t->dirty = true;
    if (key == KEY_RESIZE) {
        draw_invalidate();
        return;
    }
    {
        int w, h;

        /* too small: the screen says "enlarge it, or q to quit", so q
         * quits from wherever it is; other keys would act unseen */
        term_size(&w, &h);
        if (w < VIEW_MIN_W || h < VIEW_MIN_H) {
            if (key == 'q' || key == 'Q' || key == 27)
                t->quit = true;
            return;
        }
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
        tui_predict_key(t, key);
    else if (t->form_open)
        form_key(t, key);
    else
        lab_key(t, key);
}
