/* SPDX-License-Identifier: MIT */
/*
 * keys.h - keys to actions, per screen, and the table the help screen
 * prints (so that help and bindings cannot drift apart).
 */
#ifndef RL_TUI_KEYS_H
#define RL_TUI_KEYS_H

#include <stdbool.h>

enum action {
    ACT_NONE,
    ACT_QUIT, /* leave the program */
    ACT_BACK, /* leave this screen (q, Esc) */
    ACT_HELP,
    ACT_REDRAW, /* Ctrl-L */
    ACT_RESIZE, /* KEY_RESIZE */
    /* lab screen */
    ACT_RUN_PAUSE,
    ACT_STEP,
    ACT_STEP_BACK,
    ACT_FINISH, /* run to the end at full speed */
    ACT_PICK,   /* arg: thread id */
    ACT_FASTER,
    ACT_SLOWER,
    ACT_RESTART, /* new seed */
    ACT_VARIANT,
    ACT_SCHED,
    ACT_PARAMS,
    ACT_BACKEND,
    ACT_SAVE,
    ACT_REPEAT,
    ACT_EXPLORE, /* search for a failing schedule */
    ACT_SCROLL,  /* arg: rows, negative = up (older) */
    ACT_FOLLOW,  /* End: back to the newest record */
    ACT_OLDEST,  /* Home */
    ACT_RESULT,  /* m: open / close the result area */
    ACT_JUMP,    /* arg: enum session_jump_kind (f, ], [) */
    ACT_JUMP_BACK, /* ': back to where the last jump left from */
    ACT_CONTRAST,  /* c: the high-contrast theme on / off */
    ACT_PREDICT,   /* a: predict, then reveal: off / next thread / value */
    ACT_TWIN,      /* |: side by side with the other variant, or not */
    /* lists and forms */
    ACT_UP,
    ACT_DOWN,
    ACT_OPEN, /* Enter */
    ACT_INC,
    ACT_DEC,
    ACT_CHAR,  /* arg: a digit or '-' typed into a field */
    ACT_ERASE, /* Backspace */
};

struct key_action {
    enum action act;
    int arg;
};

/* One line of the help screen: the key(s) and what they do. */
struct key_help {
    const char *keys;
    const char *what;
};

/* The lab screen's keys. */
struct key_action keys_lab(int key);
/* The lab menu's keys. */
struct key_action keys_menu(int key);
/* The parameter form's keys. */
struct key_action keys_form(int key);
/* The help screen's keys (any key leaves it). */
struct key_action keys_help(int key);

/* Help lines for the lab screen (q's line says whether it goes back to
 * the menu: from_menu) and the menu; *n gets the count. */
const struct key_help *keys_help_lab(bool from_menu, int *n);
const struct key_help *keys_help_menu(int *n);

#endif
