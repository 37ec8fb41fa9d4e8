/* SPDX-License-Identifier: MIT */
/*
 * tui_predict.c - predict, then reveal (a), for a class in front of one
 * screen: before each choice point the run stops and asks which thread
 * runs next, or at the start it asks for the final value of the first
 * shared variable and reveals it at the end; the key line keeps the score
 * ("3 of 5 right"). Owns the question on the key line and the score (the
 * predict fields of struct tui, tui_impl.h); the main loop (tui.c) and the
 * key handlers (tui_keys.c) call in here.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../labs/program_lab.h"
#include "session.h"
#include "tui_impl.h"

/* The threads that can run next, " T0 T1", into list; returns how many,
 * and whether tid is one of them in *has. */
static int predict_runnable(struct tui *t, int tid, bool *has, char *list,
                            size_t len)
{
    int ids[RL_MAX_THREADS], n;
    size_t o = 0;

    n = session_runnable(&t->ses, ids, RL_MAX_THREADS);
    list[0] = '\0';
    *has = false;
    for (int i = 0; i < n && i < RL_MAX_THREADS && o + 8 < len; i++) {
        o += (size_t)snprintf(list + o, len - o, " T%d", ids[i]);
        *has = *has || ids[i] == tid;
    }
    return n;
}

/* Ask which thread runs next; first (may be ""): what was wrong with the
 * last answer. */
static void predict_ask_thread(struct tui *t, const char *first)
{
    char list[256];
    bool has;

    predict_runnable(t, -1, &has, list, sizeof list);
    tui_say(t, false,
            "%sPredict: which thread runs step %llu? (can run:%s) 0-9, "
            "Esc skips",
            first, (unsigned long long)session_shown(&t->ses) + 1, list);
}

/* Predict mode, next thread: before a choice point, stop and ask. Returns
 * true when it asked (the step is not made). */
bool tui_predict_pause(struct tui *t)
{
    char list[256];
    bool has;

    if (t->predict != PREDICT_THREAD || t->asking ||
        t->ses.sched.kind == RL_SCHED_MANUAL)
        return false;
    if (predict_runnable(t, -1, &has, list, sizeof list) < 2)
        return false;
    t->asking = true;
    t->running = false;
    t->to_end = false;
    predict_ask_thread(t, "");
    return true;
}

/* Predict mode, final value: ask for it (the run must not have ended). */
void tui_predict_ask_value(struct tui *t)
{
    char name[RL_NAME_MAX];
    long v;

    t->have_guess = false;
    t->value_pending = false;
    if (t->predict != PREDICT_VALUE || session_end(&t->ses) != RL_END_RUNNING)
        return;
    if (!session_first_var(&t->ses, name, sizeof name, &v)) {
        /* a C program's variables are known once it touches them */
        if (program_lab_is(t->ses.lab)) {
            t->value_pending = true;
            tui_say(t, false,
                    "Predict the final value: asked when the program first "
                    "touches a shared variable (a: off)");
        }
        return;
    }
    t->asking = true;
    t->running = false;
    t->guess[0] = '\0';
    tui_say(t, false,
            "Predict: %s at the end? type it, Enter (Esc skips):", name);
}

/* Predict mode, final value, a C program: once the run has a shared
 * variable, stop and ask. Returns true when it asked. */
bool tui_predict_value_due(struct tui *t)
{
    char name[RL_NAME_MAX];
    long v;

    if (!t->value_pending || t->predict != PREDICT_VALUE ||
        !session_first_var(&t->ses, name, sizeof name, &v))
        return false;
    t->running = false;
    t->to_end = false;
    tui_predict_ask_value(t);
    t->dirty = true;
    return t->asking;
}

/* A key while the class is asked. */
void tui_predict_key(struct tui *t, int key)
{
    struct session *s = &t->ses;
    size_t len = strlen(t->guess);

    if (key == KEY_RESIZE)
        return;
    if (key == 27) {
        t->asking = false;
        tui_say(t, false, "not asked: n steps on");
        return;
    }
    if (t->predict == PREDICT_THREAD) {
        int tid;
        char list[256], why[64];
        bool has;

        if (key < '0' || key > '9') { /* say what answers, not nothing */
            tui_say(t, false,
                    "Esc first: the class is asked which thread runs step "
                    "%llu (0-9 answers)",
                    (unsigned long long)session_shown(s) + 1);
            return;
        }
        tid = key - '0';
        predict_runnable(t, tid, &has, list, sizeof list);
        if (!has) { /* not a guess: T7 cannot run here */
            snprintf(why, sizeof why, "T%d cannot run now. ", tid);
            predict_ask_thread(t, why);
            return;
        }
        t->asking = false;
        session_step(s);
        t->asked++;
        if (s->last_thread == tid)
            t->right++;
        snprintf(why, sizeof why, ", you said T%d", tid);
        tui_say(t, false, "%s T%d ran step %llu%s (%d of %d right)",
                s->last_thread == tid ? "Right:" : "Not this time:",
                s->last_thread, (unsigned long long)session_shown(s),
                s->last_thread == tid ? "" : why, t->right, t->asked);
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
        tui_say(t, false, "You said %ld: e runs to the end and reveals it",
                t->guess_value);
    } else if (key != KEY_BACKSPACE && key != 127 && key != 8 && key != '\n' &&
               key != '\r' && key != KEY_ENTER) {
        char name[RL_NAME_MAX];
        long v;

        /* not a digit: say what is asked for (the guess so far stays) */
        if (session_first_var(s, name, sizeof name, &v))
            tui_say(t, false,
                    "Predict: %s at the end? digits, then Enter (Esc "
                    "skips):",
                    name);
    }
}

/* Predict mode, final value: the run has ended; reveal and score. */
void tui_predict_reveal_value(struct tui *t)
{
    char name[RL_NAME_MAX], text[RL_VALUE_TEXT_MAX];
    long v;

    if (!t->have_guess || !session_first_var(&t->ses, name, sizeof name, &v) ||
        !session_first_var_text(&t->ses, text, sizeof text))
        return;
    t->have_guess = false;
    t->asked++;
    if (v == t->guess_value)
        t->right++;
    tui_say(t, false, "%s %s = %s, you said %ld (%d of %d right)",
            v == t->guess_value ? "Right:" : "Not this time:", name, text,
            t->guess_value, t->right, t->asked);
    t->msg_keep = true;
}
