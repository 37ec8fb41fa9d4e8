/* SPDX-License-Identifier: MIT */
/*
 * page.h - the other screens, laid out from plain data like view.h: the
 * lab menu, the help screen and the parameter form (drawn over the lab
 * screen). No engine calls, no curses.
 */
#ifndef RL_TUI_PAGE_H
#define RL_TUI_PAGE_H

#include "../../labs/lab.h"
#include "canvas.h"
#include "keys.h"

struct page_menu {
    const struct lab *const *labs;
    int nlabs;
    int sel;             /* the highlighted lab */
    const char *message; /* an error to show, or NULL */
    int detail_scroll;   /* rows the right pane is scrolled down */
};

/* The lab menu: the list on the left (a line that does not fit ends in
 * "..."), the selected lab on the right, scrolled detail_scroll rows down.
 * Returns detail_scroll clamped to what the pane holds. */
int page_menu(struct canvas *c, const struct page_menu *m);

/* The help screen: the keys of help[0..n) and how to read the screen,
 * *scroll rows down; *scroll is clamped to what the content allows. */
void page_help(struct canvas *c, const char *title, const struct key_help *help,
               int n, bool lab_screen, int *scroll);

#define PAGE_FIELD_MAX 24

struct page_form {
    const struct lab *lab;
    enum rl_backend backend;
    char text[LAB_MAX_PARAMS][PAGE_FIELD_MAX]; /* what each field shows */
    int sel;
    const char *error; /* from lab_inst_set, or NULL */
};

/* The parameter form, as a box over what c already holds. */
void page_form(struct canvas *c, const struct page_form *f);

#endif
