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

#include "session.h"
#include "tui_impl.h"

/* Predict mode, next thread: before a choice point, stop and ask. Returns
 * true when it asked (the step is not made). */
bool tui_predict_pause(struct tui *t)
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
    tui_say(t, false,
            "Predict: which thread runs step %llu? (can run:%s) 0-9, "
            "Esc skips",
            (unsigned long long)session_shown(&t->ses) + 1, list);
    return true;
}

/* Predict mode, final value: ask for it (the run must not have ended). */
void tui_predict_ask_value(struct tui *t)
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
    tui_say(t, false,
            "Predict: %s at the end? type it, Enter (Esc skips):", name);
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

        if (key < '0' || key > '9')
            return;
        tid = key - '0';
        t->asking = false;
        session_step(s);
        t->asked++;
        if (s->last_thread == tid)
            t->right++;
        tui_say(t, false, "%s T%d ran step %llu%s (%d of %d right)",
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
        tui_say(t, false, "You said %ld: e runs to the end and reveals it",
                t->guess_value);
    }
}

/* Predict mode, final value: the run has ended; reveal and score. */
void tui_predict_reveal_value(struct tui *t)
{
    char name[RL_NAME_MAX];
    long v;

    if (!t->have_guess || !session_first_var(&t->ses, name, sizeof name, &v))
        return;
    t->have_guess = false;
    t->asked++;
    if (v == t->guess_value)
        t->right++;
    tui_say(t, false, "%s %s = %ld, you said %ld (%d of %d right)",
            v == t->guess_value ? "Right:" : "Not this time:", name, v,
            t->guess_value, t->right, t->asked);
    t->msg_keep = true;
}
