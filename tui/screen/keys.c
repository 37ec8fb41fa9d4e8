/* SPDX-License-Identifier: MIT */
/*
 * keys.c - key codes (curses' KEY_* and characters) to actions.
 *
 * Pure functions: a key in, an action out. The bindings follow the issue:
 * space runs / pauses, n or Right steps, Left steps back, digit N runs
 * thread TN next (the number on screen), + / - change the speed, r v s p b w for restart, variant,
 * scheduler, parameters, backend and save, q or Esc goes back.
 */
#include "keys.h"

#include <curses.h>
#include <string.h>

#define KEY_ESC 27
#define CTRL_L 12

/* Keys every screen shares; ACT_NONE if key is not one of them. */
static struct key_action keys_common(int key)
{
    struct key_action a = {ACT_NONE, 0};

    switch (key) {
    case KEY_RESIZE:
        a.act = ACT_RESIZE;
        break;
    case CTRL_L:
        a.act = ACT_REDRAW;
        break;
    case '?':
    case KEY_F(1):
        a.act = ACT_HELP;
        break;
    default:
        break;
    }
    return a;
}

/* The lab screen's keys. */
struct key_action keys_lab(int key)
{
    struct key_action a = keys_common(key);

    if (a.act != ACT_NONE)
        return a;
    if (key >= '0' && key <= '9') {
        a.act = ACT_PICK;
        a.arg = key - '0';
        return a;
    }
    switch (key) {
    case ' ':
        a.act = ACT_RUN_PAUSE;
        break;
    case 'n':
    case KEY_RIGHT:
        a.act = ACT_STEP;
        break;
    case KEY_LEFT:
    case KEY_BACKSPACE:
        a.act = ACT_STEP_BACK;
        break;
    case '+':
    case '=':
        a.act = ACT_FASTER;
        break;
    case '-':
    case '_':
        a.act = ACT_SLOWER;
        break;
    case 'e':
        a.act = ACT_FINISH;
        break;
    case 'r':
        a.act = ACT_RESTART;
        break;
    case 'v':
        a.act = ACT_VARIANT;
        break;
    case 's':
        a.act = ACT_SCHED;
        break;
    case 'p':
        a.act = ACT_PARAMS;
        break;
    case 'b':
        a.act = ACT_BACKEND;
        break;
    case 'w':
        a.act = ACT_SAVE;
        break;
    case 'R':
        a.act = ACT_REPEAT;
        break;
    case 'x':
        a.act = ACT_EXPLORE;
        break;
    case 'm':
        a.act = ACT_RESULT;
        break;
    case 'f': /* the jump kinds, in the order of session.h */
        a.act = ACT_JUMP;
        a.arg = 0;
        break;
    case ']':
        a.act = ACT_JUMP;
        a.arg = 1;
        break;
    case '[':
        a.act = ACT_JUMP;
        a.arg = 2;
        break;
    case '\'':
        a.act = ACT_JUMP_BACK;
        break;
    case 'c':
        a.act = ACT_CONTRAST;
        break;
    case 'a':
        a.act = ACT_PREDICT;
        break;
    case '|':
        a.act = ACT_TWIN;
        break;
    case KEY_UP:
    case 'k':
        a.act = ACT_SCROLL;
        a.arg = -1;
        break;
    case KEY_DOWN:
    case 'j':
        a.act = ACT_SCROLL;
        a.arg = 1;
        break;
    case KEY_PPAGE:
        a.act = ACT_SCROLL;
        a.arg = -10;
        break;
    case KEY_NPAGE:
        a.act = ACT_SCROLL;
        a.arg = 10;
        break;
    case KEY_END:
    case 'G':
        a.act = ACT_FOLLOW;
        break;
    case KEY_HOME:
    case 'g':
        a.act = ACT_OLDEST;
        break;
    case 'q':
    case KEY_ESC:
        a.act = ACT_BACK;
        break;
    case 'Q':
        a.act = ACT_QUIT;
        break;
    default:
        break;
    }
    return a;
}

/* The lab menu's keys. */
struct key_action keys_menu(int key)
{
    struct key_action a = keys_common(key);

    if (a.act != ACT_NONE)
        return a;
    switch (key) {
    case KEY_UP:
    case 'k':
        a.act = ACT_UP;
        break;
    case KEY_DOWN:
    case 'j':
        a.act = ACT_DOWN;
        break;
    case '\n':
    case '\r':
    case KEY_ENTER:
    case KEY_RIGHT:
    case ' ':
        a.act = ACT_OPEN;
        break;
    case 'c':
        a.act = ACT_CONTRAST;
        break;
    case KEY_PPAGE:
        a.act = ACT_SCROLL;
        a.arg = -5;
        break;
    case KEY_NPAGE:
        a.act = ACT_SCROLL;
        a.arg = 5;
        break;
    case 'q':
    case 'Q':
    case KEY_ESC:
        a.act = ACT_QUIT;
        break;
    default:
        break;
    }
    return a;
}

/* The parameter form's keys. */
struct key_action keys_form(int key)
{
    struct key_action a = {ACT_NONE, 0};

    if ((key >= '0' && key <= '9')) {
        a.act = ACT_CHAR;
        a.arg = key;
        return a;
    }
    switch (key) {
    case KEY_RESIZE:
        a.act = ACT_RESIZE;
        break;
    case KEY_UP:
    case KEY_BTAB:
        a.act = ACT_UP;
        break;
    case KEY_DOWN:
    case '\t':
        a.act = ACT_DOWN;
        break;
    case '+':
    case '=':
    case KEY_RIGHT:
        a.act = ACT_INC;
        break;
    case '-':
    case KEY_LEFT:
        a.act = ACT_DEC;
        break;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        a.act = ACT_ERASE;
        break;
    case '\n':
    case '\r':
    case KEY_ENTER:
        a.act = ACT_OPEN;
        break;
    case KEY_ESC:
    case 'q':
        a.act = ACT_BACK;
        break;
    default:
        break;
    }
    return a;
}

/* The help screen's keys: any key leaves it. */
struct key_action keys_help(int key)
{
    struct key_action a = {ACT_BACK, 0};

    if (key == KEY_RESIZE) {
        a.act = ACT_RESIZE;
    } else if (key == KEY_UP || key == KEY_DOWN || key == KEY_PPAGE ||
               key == KEY_NPAGE) {
        a.act = ACT_SCROLL;
        a.arg = key == KEY_UP ? -1 : key == KEY_DOWN ? 1
                : key == KEY_PPAGE ? -10 : 10;
    }
    return a;
}

static struct key_help help_lab[] = {
    {"space", "run / pause (sim); start the threads (os)"},
    {"n, Right", "step: the next event (one numbered row)"},
    {"Left", "step back one event (the same run, replayed one shorter)"},
    {"0-9", "run thread T0..T9 next (you are the scheduler; blocked says why)"},
    {"e", "run to the end at full speed"},
    {"f", "jump to the first failure: the failed check, the misuse, the "
          "store that lost an update, or the end of a deadlock"},
    {"] [", "jump to the next / previous lost update, race, blocked thread "
            "or failure (its explanation shows under it)"},
    {"'", "back to where the last jump started (again: forth)"},
    {"+ -", "faster / slower"},
    {"r", "restart: random and PCT get a new seed; rr and a replay are "
          "deterministic and run the same run again"},
    {"v", "next variant (unsafe, locked, ...)"},
    {"s", "next scheduler: round robin, random, PCT, manual"},
    {"p", "edit the parameters"},
    {"b", "backend: sim (simulated, stepped) / os (real threads)"},
    {"x", "explore: search the schedules for one that fails, replay it"},
    {"R", "repeat the run 100 times, chart the final values"},
    {"w", "save the trace and the schedule string to a file"},
    {"Up Dn PgUp PgDn", "scroll the events; End follows the newest"},
    {"a", "ask the class, then reveal: off -> which thread runs next (the "
          "run stops before each choice; 0-9 answers) -> the final value "
          "(typed, revealed at the end); the score is kept"},
    {"|", "side by side: this variant and its counterpart (broken and "
          "fixed, student and reference) under the same scheduler, stepping "
          "together; % marks the first step where they differ"},
    {"c", "high-contrast theme on / off (a projector in a bright room; "
          "also RACELAB_THEME=contrast)"},
    {"m", "more: the result area in full (Up Dn PgUp PgDn scroll it); m "
          "again closes it"},
    {"q, Esc", NULL}, /* keys_help_lab says where q goes */
    {"?", "this help"},
};

static const struct key_help help_menu[] = {
    {"Up Down", "choose a lab"},
    {"PgUp PgDn", "scroll what the lab is about (right)"},
    {"Enter", "open it"},
    {"c", "high-contrast theme on / off"},
    {"q, Esc", "quit"},
    {"?", "help"},
};

/* Help lines for the lab screen; q goes back to the menu only when the
 * lab was opened from it. */
const struct key_help *keys_help_lab(bool from_menu, int *n)
{
    *n = (int)(sizeof help_lab / sizeof help_lab[0]);
    for (int i = 0; i < *n; i++)
        if (help_lab[i].what == NULL || strcmp(help_lab[i].keys, "q, Esc") == 0)
            help_lab[i].what =
                from_menu ? "stop a search or a repeat; else back to the lab "
                            "menu (Q quits)"
                          : "stop a search or a repeat; else quit (the lab "
                            "was opened from the command line)";
    return help_lab;
}

/* Help lines for the menu. */
const struct key_help *keys_help_menu(int *n)
{
    *n = (int)(sizeof help_menu / sizeof help_menu[0]);
    return help_menu;
}
