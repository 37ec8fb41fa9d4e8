/* SPDX-License-Identifier: MIT */
/*
 * canvas.h - a grid of cells that the view model fills and draw.c copies to
 * the terminal.
 *
 * A cell is one character (a wide character, so explanations may hold
 * UTF-8 text) and a colour role. Views ask for a role, never for a colour:
 * term.c maps each role to a colour pair or, on a monochrome terminal, to
 * an attribute (bold, reverse, underline), so every screen reads the same
 * without colour. The canvas is plain memory: the unit tests lay a screen
 * out and read its rows back as text, with no terminal.
 */
#ifndef RL_TUI_CANVAS_H
#define RL_TUI_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* What a cell means; term.c gives each role a look. */
enum canvas_role {
    ROLE_NORMAL,
    ROLE_DIM,     /* secondary text: step numbers, hints */
    ROLE_TITLE,   /* the top bar */
    ROLE_HEADER,  /* panel headings, lane headers */
    ROLE_SELECT,  /* the selected menu entry / form field */
    ROLE_CURRENT, /* the step just run */
    ROLE_OK,      /* a check that holds, a passing verdict */
    ROLE_FAIL,    /* a failing check, a wrong result */
    ROLE_ERROR,   /* misuse, deadlock */
    ROLE_BLOCKED, /* a thread blocked, waiters */
    ROLE_ACQUIRE, /* acquired, woke */
    ROLE_RELEASE, /* released */
    ROLE_SIGNAL,  /* notify, set, barrier */
    ROLE_VALUE,   /* loads, stores, values */
    ROLE_KEY,     /* key names in the key line */
    ROLE_STATUS,  /* the status line */
    ROLE_BORDER,  /* separators */
    ROLE_BAR,     /* histogram bars */
    ROLE_THREAD0, /* a colour per thread (ROLE_THREADS of them, cycled): */
    ROLE_THREAD1, /* its lane, its name where it owns or waits */
    ROLE_THREAD2,
    ROLE_THREAD3,
    ROLE_THREAD4,
    ROLE_THREAD5,
    ROLE__COUNT
};

#define ROLE_THREADS 6

/* The role of thread tid's colour. */
static inline int role_thread(int tid)
{
    return ROLE_THREAD0 + (tid < 0 ? 0 : tid % ROLE_THREADS);
}

struct canvas {
    int w, h;
    wchar_t *ch;   /* h rows of w cells */
    uint8_t *role; /* enum canvas_role per cell */
    size_t cap;    /* cells allocated */
};

/* Size the canvas to w x h (reusing its memory) and clear it. */
void canvas_resize(struct canvas *c, int w, int h);
/* Free the cells; the canvas may be resized again afterwards. */
void canvas_free(struct canvas *c);
/* Fill every cell with spaces of role ROLE_NORMAL. */
void canvas_clear(struct canvas *c);
/* Fill a rectangle with ch in role. Clipped to the canvas. */
void canvas_fill(struct canvas *c, int y, int x, int h, int w, wchar_t ch,
                 int role);
/* Write UTF-8 text at (y, x), at most maxw cells (maxw < 0: to the right
 * edge); stops at a newline. Invalid bytes show as '?', control characters
 * as spaces. Returns the number of cells written. */
int canvas_put(struct canvas *c, int y, int x, int role, const char *text,
               int maxw);
/* As canvas_put, but text longer than maxw cells ends in "..." to say
 * that it goes on. Returns the number of cells written. */
int canvas_put_fit(struct canvas *c, int y, int x, int role, const char *text,
                   int maxw);
/* Copy rows sy .. sy+h-1 of src to dst from row y, column x (clipped). */
void canvas_blit(struct canvas *dst, int y, int x, const struct canvas *src,
                 int sy, int h);
/* As canvas_put, with printf formatting. */
int canvas_printf(struct canvas *c, int y, int x, int role, int maxw,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Set the role of cells in a row span, keeping their characters. */
void canvas_paint(struct canvas *c, int y, int x, int w, int role);
/* Row y as UTF-8 text with trailing spaces removed (for tests and dumps).
 * Returns buf. */
char *canvas_row(const struct canvas *c, int y, char *buf, size_t len);
/* The role of cell (y, x), or -1 outside. */
int canvas_role_at(const struct canvas *c, int y, int x);
/* Whether some row contains needle (for tests). */
bool canvas_contains(const struct canvas *c, const char *needle);

/* Number of cells UTF-8 text takes (one per character). */
int text_cells(const char *text);
/* Word-wrap text into lines of at most w cells: calls line(ctx, start, len)
 * for each line (start/len in bytes of text; a '\n' forces a break). Returns
 * the number of lines. */
int text_wrap(const char *text, int w,
              void (*line)(void *ctx, const char *s, size_t n), void *ctx);

#endif
