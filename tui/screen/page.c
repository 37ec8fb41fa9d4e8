/* SPDX-License-Identifier: MIT */
/*
 * page.c - the lab menu, the help screen and the parameter form.
 *
 * The menu shows what a lab is before it runs: the explanation, the
 * variants with what each is expected to do (pass under every schedule, or
 * fail under some), and the parameters with their defaults on each backend
 * and their bounds, all straight from the registry's data.
 */
#include "page.h"

#include <stdio.h>
#include <string.h>

#include "view.h"

struct wrap_put {
    struct canvas *c;
    int y, x, w, ybot, role;
    int ytop;  /* rows above it are scrolled out: counted, not drawn */
    bool tail; /* count rows below ybot too (a scrolled page's height) */
};

/* text_wrap callback: put a line while rows are left. */
static void wrap_put_line(void *ctx, const char *s, size_t n)
{
    struct wrap_put *p = ctx;
    char buf[512];

    if (p->y < p->ytop) {
        p->y++;
        return;
    }
    if (p->y >= p->ybot) {
        p->y += p->tail;
        return;
    }
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    canvas_put(p->c, p->y++, p->x, p->role, buf, p->w);
}

/* Put wrapped text; returns the next free row. */
static int put_wrapped(struct canvas *c, int y, int x, int w, int ybot,
                       int role, const char *text)
{
    struct wrap_put p = {c, y, x, w, ybot, role, 0, false};

    text_wrap(text, w, wrap_put_line, &p);
    return p.y;
}

/* put_wrapped for a page scrolled so that rows above ytop are hidden. */
static int put_wrapped_from(struct canvas *c, int y, int x, int w, int ytop,
                            int ybot, int role, const char *text)
{
    struct wrap_put p = {c, y, x, w, ybot, role, ytop, true};

    text_wrap(text, w, wrap_put_line, &p);
    return p.y;
}

/* Join the lines of a paragraph (a single newline becomes a space; a blank
 * line stays a paragraph break), so text written for 72 columns fills
 * the width there is. */
static void reflow(char *text)
{
    char *o = text;

    for (char *p = text; *p; p++) {
        char ch = *p;

        if (ch == '\n' && p[1] != '\n' && (p == text || p[-1] != '\n'))
            ch = ' ';
        if (ch == ' ' && o > text && o[-1] == ' ')
            continue; /* one space between words */
        *o++ = ch;
    }
    *o = '\0';
}

/* Put text in at most maxw cells at y, x, cut after its last whole word
 * that fits with "..." after it (a word cut in two says nothing). When
 * less than min_keep characters of it would be left, nothing is put
 * (min_keep 0: the text is cut as canvas_put_fit cuts). Returns the cells
 * written. */
static int put_words(struct canvas *c, int y, int x, int role,
                     const char *text, int maxw, size_t min_keep)
{
    char buf[512];
    size_t cut = 0;

    if (maxw < 0 || x + maxw > c->w)
        maxw = c->w - x;
    if (text_cells(text) <= maxw || maxw < 4)
        return canvas_put(c, y, x, role, text, maxw);
    snprintf(buf, sizeof buf, "%s", text);
    for (size_t i = 1; buf[i]; i++) {
        if (buf[i] != ' ' || buf[i - 1] == ' ')
            continue;
        char keep = buf[i];

        buf[i] = '\0';
        if (text_cells(buf) + 3 <= maxw)
            cut = i;
        buf[i] = keep;
    }
    /* a cut before the first word ("  " of a summary) is no cut */
    while (cut > 0 && buf[cut - 1] == ' ')
        cut--;
    if (cut == 0 || cut < min_keep)
        return min_keep ? 0 : canvas_put_fit(c, y, x, role, text, maxw);
    strcpy(buf + cut, "...");
    return canvas_put(c, y, x, role, buf, maxw);
}

/* The right-hand side of the menu: everything about one lab, from row y;
 * returns the row after the last. */
static int menu_detail(struct canvas *c, const struct lab *lab, int x, int w,
                       int y, int ybot)
{
    char buf[2048];
    int vw = 10; /* the variant names' column: the longest name */

    /* (a longer name than fits goes on a row of its own) */
    for (int i = 0; i < lab->nvariants; i++)
        if ((int)strlen(lab->variants[i].name) > vw &&
            (int)strlen(lab->variants[i].name) <= w / 3)
            vw = (int)strlen(lab->variants[i].name);
    snprintf(buf, sizeof buf, "%s (%s)", lab->title, lab->name);
    y = put_wrapped(c, y, x, w, ybot, ROLE_HEADER, buf);
    y = put_wrapped(c, y, x, w, ybot, ROLE_NORMAL, lab->summary);
    y++;
    snprintf(buf, sizeof buf, "%s", lab->explain);
    reflow(buf);
    y = put_wrapped(c, y, x, w, ybot, ROLE_NORMAL, buf);
    y++;
    if (y < ybot)
        canvas_put(c, y++, x, ROLE_HEADER, "Variants", w);
    for (int i = 0; i < lab->nvariants && y < ybot; i++) {
        const struct lab_variant *v = &lab->variants[i];

        if ((int)strlen(v->name) > vw) {
            snprintf(buf, sizeof buf, "%c %s", v->expect_pass ? '+' : '!',
                     v->name);
            canvas_put(c, y++, x, v->expect_pass ? ROLE_OK : ROLE_FAIL, buf,
                       w);
            if (y >= ybot)
                break;
        }
        snprintf(buf, sizeof buf, "%c %-*s %s",
                 (int)strlen(v->name) > vw ? ' '
                 : v->expect_pass          ? '+'
                                           : '!',
                 vw, (int)strlen(v->name) > vw ? "" : v->name,
                 v->expect_pass ? "passes" : "fails ");
        canvas_put(c, y, x, v->expect_pass ? ROLE_OK : ROLE_FAIL, buf, w);
        y = put_wrapped(c, y, x + text_cells(buf) + 2, w - text_cells(buf) - 2,
                        ybot, ROLE_NORMAL, v->summary);
    }
    y++;
    if (y < ybot)
        canvas_put(c, y++, x, ROLE_HEADER,
                   "Parameters (sim default, os default, range)", w);
    /* the helps in one column, after the widest numbers */
    int hx = 0;

    for (int i = 0; i < lab->nparams; i++) {
        const struct lab_param *p = &lab->params[i];

        snprintf(buf, sizeof buf, "  %-9s %ld, %ld  (%ld..%ld)  ", p->key,
                 p->def, p->def_os, p->min, p->max);
        if (text_cells(buf) > hx)
            hx = text_cells(buf);
    }
    for (int i = 0; i < lab->nparams && y < ybot; i++) {
        const struct lab_param *p = &lab->params[i];

        int pw;

        snprintf(buf, sizeof buf, "  %-9s %ld, %ld  (%ld..%ld)  ", p->key,
                 p->def, p->def_os, p->min, p->max);
        pw = w - hx >= 16 ? hx : text_cells(buf);
        canvas_put(c, y, x, ROLE_NORMAL, buf, w);
        /* the help goes on under itself, or if it has no room beside
         * the numbers, indented on the rows below them */
        if (w - pw >= 16)
            y = put_wrapped(c, y, x + pw, w - pw, ybot, ROLE_NORMAL, p->help);
        else
            y = put_wrapped(c, y + 1, x + 4, w - 4, ybot, ROLE_NORMAL, p->help);
    }
    return y;
}

/* The lab menu; see page.h. */
int page_menu(struct canvas *c, const struct page_menu *m)
{
    int lw = c->w * 2 / 5, rows, top = 0, ybot = c->h - 2, scroll = 0;
    bool more_below = false;
    static const char *const keys[] = {
        "Up/Down", "choose", "Enter", "open", "PgUp/PgDn", "scroll the lab",
        "?",       "help",   "q",     "quit"};

    canvas_clear(c);
    if (lw < 24)
        lw = 24;
    if (lw > 60)
        lw = 60;
    canvas_fill(c, 0, 0, 1, c->w, L' ', ROLE_TITLE);
    canvas_put(c, 0, 0, ROLE_TITLE,
               " racelab | race conditions and synchronization, one lab at "
               "a time",
               c->w);
    canvas_put(c, 1, 1, ROLE_HEADER, "Labs", lw - 1);
    rows = ybot - 2;
    if (m->sel >= rows)
        top = m->sel - rows + 1;
    for (int i = top; i < m->nlabs && i - top < rows; i++) {
        int y = 2 + i - top, x;
        bool sel = i == m->sel;

        char line[512];

        if (sel)
            canvas_fill(c, y, 0, 1, lw, L' ', ROLE_SELECT);
        snprintf(line, sizeof line, "%c %s", sel ? '>' : ' ',
                 m->labs[i]->title);
        x = put_words(c, y, 0, sel ? ROLE_SELECT : ROLE_NORMAL, line,
                      lw - 1, 0);
        /* the summary after the title, as many words as fit */
        snprintf(line, sizeof line, "  %s", m->labs[i]->summary);
        if (x + 6 < lw - 1)
            put_words(c, y, x, sel ? ROLE_SELECT : ROLE_DIM, line, lw - 1 - x,
                      8);
    }
    canvas_fill(c, 1, lw, ybot - 1, 1, L'|', ROLE_BORDER);
    if (m->sel >= 0 && m->sel < m->nlabs) {
        /* laid out whole on a tall canvas, then the rows that fit shown */
        struct canvas tall = {0};
        int dw = c->w - lw - 3, rowsv = ybot - 1, len;

        canvas_resize(&tall, dw, 400);
        len = menu_detail(&tall, m->labs[m->sel], 0, dw, 0, 400);
        scroll = m->detail_scroll;
        if (scroll > len - rowsv)
            scroll = len - rowsv;
        if (scroll < 0)
            scroll = 0;
        more_below = scroll + rowsv < len;
        canvas_blit(c, 1, lw + 2, &tall, scroll, rowsv);
        canvas_free(&tall);
    }
    canvas_fill(c, c->h - 2, 0, 1, c->w, L' ', ROLE_STATUS);
    canvas_printf(c, c->h - 2, 0, ROLE_STATUS, c->w,
                  " %d labs | Enter opens the selected lab%s", m->nlabs,
                  more_below   ? " | more on the right: PgDn"
                  : scroll > 0 ? " | PgUp: back to the top"
                               : "");
    view_keys(c, c->h - 1, keys, 10);
    if (m->message && m->message[0]) {
        canvas_fill(c, c->h - 1, 0, 1, c->w, L' ', ROLE_NORMAL);
        canvas_put(c, c->h - 1, 1, ROLE_ERROR, m->message, c->w - 2);
    }
    return scroll;
}

/* The help screen; see page.h. */
void page_help(struct canvas *c, const char *title, const struct key_help *help,
               int n, bool lab_screen, int *scroll)
{
    static const char *const legend[] = {
        "Swimlanes: one column per thread (key 0 picks T0, 1 picks T1, ...),"
        " one row per event, the newest at the bottom; the step just run is"
        " highlighted. In narrow lanes objects go by short names, and a "
        "legend row says which is which.",
        "Symbols: + acquired / woke   - released   # blocked   ! error, "
        "failed check or lost update   ~ data race   * notify, set, barrier   "
        "> start   . finish   % where two runs side by side part. Under a "
        "lost update, a race or a failed check, its explanation in words.",
        "State: shared variables, locks (owner, depth, waiting threads in "
        "order), semaphores (free units, holders), conditions, events, "
        "barriers.",
        "Result: each check against what was expected; a deadlock as its "
        "wait-for cycle; the schedule string that replays the run "
        "(racelab replay STRING).",
    };
    int kw = 0, ytop = 2, ybot = c->h - 1;
    int y = ytop - (*scroll > 0 ? *scroll : 0);

    canvas_clear(c);
    canvas_fill(c, 0, 0, 1, c->w, L' ', ROLE_TITLE);
    canvas_printf(c, 0, 0, ROLE_TITLE, c->w, " racelab | help: %s", title);
    for (int i = 0; i < n; i++)
        if (text_cells(help[i].keys) > kw)
            kw = text_cells(help[i].keys);
    for (int i = 0; i < n; i++) {
        /* what a key does wraps under itself, never cut */
        if (y >= ytop && y < ybot)
            canvas_put(c, y, 2, ROLE_KEY, help[i].keys, kw);
        y = put_wrapped_from(c, y, 4 + kw, c->w - kw - 5, ytop, ybot,
                             ROLE_NORMAL, help[i].what);
    }
    y++;
    if (lab_screen)
        for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++)
            y = put_wrapped_from(c, y, 2, c->w - 3, ytop, ybot, ROLE_NORMAL,
                                 legend[i]);
    /* y is one past the content, which started scroll rows above ytop:
     * scroll no further than its last row at the bottom. */
    int content = y - (ytop - (*scroll > 0 ? *scroll : 0));
    int max = content - (ybot - ytop);
    if (max < 0)
        max = 0;
    if (*scroll > max) {
        *scroll = max;
        page_help(c, title, help, n, lab_screen, scroll);
        return;
    }
    if (*scroll < 0)
        *scroll = 0;
    canvas_put(c, c->h - 1, 1, ROLE_DIM,
               max > 0 ? "Up/Down PgUp/PgDn scroll, any other key: back"
                       : "any key: back",
               -1);
}

/* The form's row of parameter i, up to its help text, into buf; returns
 * its width in cells. */
static int form_prefix(const struct page_form *f, int i, char *buf, size_t len)
{
    const struct lab_param *p = &f->lab->params[i];
    char range[48];
    int rw = 0; /* the ranges in one column: the helps start in one */

    for (int k = 0; k < f->lab->nparams; k++) {
        int n = snprintf(range, sizeof range, "%ld..%ld", f->lab->params[k].min,
                         f->lab->params[k].max);

        if (n > rw)
            rw = n;
    }
    snprintf(range, sizeof range, "%ld..%ld", p->min, p->max);
    snprintf(buf, len, "%c %-9s [%8s]  %-*s  ", i == f->sel ? '>' : ' ',
             p->key, f->text[i], rw, range);
    return text_cells(buf);
}

/* The parameter form; see page.h. A parameter's help that does not fit
 * its row goes on under itself, never cut. */
void page_form(struct canvas *c, const struct page_form *f)
{
    int w = c->w - 4 > 72 ? 72 : c->w - 4;
    int rows = 0, h, x = (c->w - w) / 2, y;
    char buf[256];

    for (int i = 0; i < f->lab->nparams; i++) {
        int pw = form_prefix(f, i, buf, sizeof buf);

        rows += w - 4 - pw >= 12
                    ? text_wrap(f->lab->params[i].help, w - 4 - pw, NULL, NULL)
                    : 1;
    }
    h = rows + 6;
    y = (c->h - h) / 2;
    if (y < 1)
        y = 1;
    canvas_fill(c, y, x, h, w, L' ', ROLE_NORMAL);
    canvas_fill(c, y, x, 1, w, L'-', ROLE_BORDER);
    canvas_fill(c, y + h - 1, x, 1, w, L'-', ROLE_BORDER);
    canvas_fill(c, y, x, h, 1, L'|', ROLE_BORDER);
    canvas_fill(c, y, x + w - 1, h, 1, L'|', ROLE_BORDER);
    snprintf(buf, sizeof buf, " Parameters of %s (%s) ", f->lab->name,
             f->backend == RL_BACKEND_SIM ? "sim" : "os");
    canvas_put(c, y, x + 2, ROLE_HEADER, buf, w - 4);
    for (int i = 0, row = y + 2; i < f->lab->nparams; i++) {
        const struct lab_param *p = &f->lab->params[i];
        int role = i == f->sel ? ROLE_SELECT : ROLE_NORMAL;
        int pw = form_prefix(f, i, buf, sizeof buf);

        canvas_put(c, row, x + 2, role, buf, w - 4);
        if (w - 4 - pw >= 12) {
            row = put_wrapped(c, row, x + 2 + pw, w - 4 - pw, y + h - 3, role,
                              p->help);
        } else {
            if (w - 4 - pw > 0)
                canvas_put(c, row, x + 2 + pw, role, p->help, w - 4 - pw);
            row++;
        }
    }
    if (f->error && f->error[0])
        canvas_put(c, y + h - 3, x + 2, ROLE_ERROR, f->error, w - 4);
    canvas_put(c, y + h - 2, x + 2, ROLE_DIM,
               "Up/Down choose  +/- change  digits type  Enter apply  Esc "
               "cancel",
               w - 4);
}
