/* SPDX-License-Identifier: MIT */
/*
 * draw.c - the canvas on the terminal.
 *
 * Each row is written as runs of cells that share a role, with the role's
 * look from term.c; curses compares with what the terminal shows and sends
 * only the difference, so redrawing the whole canvas every frame is cheap.
 * One window (stdscr), one wnoutrefresh, one doupdate per frame.
 */
#include "draw.h"

#include <curses.h>
#include <stdbool.h>
#include <stdlib.h>

#include "term.h"

/* Draw every cell of c on stdscr and update the terminal once. */
void draw_canvas(const struct canvas *c)
{
    int sw, sh;
    wchar_t run[1024];
    bool ascii = MB_CUR_MAX == 1;

    getmaxyx(stdscr, sh, sw);
    for (int y = 0; y < c->h && y < sh; y++) {
        const wchar_t *ch = c->ch + (size_t)y * c->w;
        const uint8_t *role = c->role + (size_t)y * c->w;
        int x = 0, w = c->w < sw ? c->w : sw;

        while (x < w) {
            int start = x, n = 0;
            unsigned long attr;
            short pair;

            while (x < w && role[x] == role[start] && n < 1023) {
                /* a locale without multibyte characters (LANG=C) shows
                 * the rare non-ASCII character as '?' */
                run[n++] = (ch[x] > 0x7e && ascii) ? L'?' : ch[x];
                x++;
            }
            term_role(role[start], &attr, &pair);
            wattr_set(stdscr, (attr_t)attr, pair, NULL);
            /* the bottom-right cell would scroll on some terminals if
             * written: it is inserted instead, so that it never keeps what
             * an earlier, larger screen left there */
            if (y == sh - 1 && x == sw) {
                n--;
                mvwins_nwstr(stdscr, y, sw - 1, &run[n], 1);
            }
            if (n <= 0)
                continue;
            run[n] = L'\0';
            mvwaddnwstr(stdscr, y, start, run, n);
        }
    }
    wattr_set(stdscr, A_NORMAL, 0, NULL);
    wnoutrefresh(stdscr);
    doupdate();
}

/* Redraw everything on the next update. */
void draw_invalidate(void)
{
    clearok(curscr, TRUE);
}
