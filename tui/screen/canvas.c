/* SPDX-License-Identifier: MIT */
/*
 * canvas.c - the cell grid between the view model and the terminal.
 *
 * Text comes in as UTF-8 (lab explanations, engine messages) and is decoded
 * here by hand, one cell per character, so that laying out a screen does
 * not depend on the locale; draw.c hands the wide characters to ncursesw.
 */
#include "canvas.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mem.h"

/* Decode one UTF-8 character at s (n bytes available) into *cp; returns the
 * bytes used (>= 1). Malformed input gives '?' and consumes one byte. */
static size_t utf8_decode(const unsigned char *s, size_t n, wchar_t *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned v;

    if (c < 0x80) {
        *cp = (wchar_t)c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        v = c & 0x07;
    } else {
        *cp = L'?';
        return 1;
    }
    if (len > n) {
        *cp = L'?';
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = L'?';
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    *cp = (wchar_t)v;
    return len;
}

/* Encode cp as UTF-8 into out (4 bytes room); returns the bytes written. */
static size_t utf8_encode(wchar_t wc, char *out)
{
    unsigned long cp = (unsigned long)wc;

    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Size the canvas to w x h (reusing its memory) and clear it. */
void canvas_resize(struct canvas *c, int w, int h)
{
    size_t n;

    if (w < 0)
        w = 0;
    if (h < 0)
        h = 0;
    n = (size_t)w * (size_t)h;
    if (n > c->cap) {
        free(c->ch);
        free(c->role);
        c->ch = rl_xmalloc(n * sizeof *c->ch);
        c->role = rl_xmalloc(n);
        c->cap = n;
    }
    c->w = w;
    c->h = h;
    canvas_clear(c);
}

/* Free the cells; the canvas may be resized again afterwards. */
void canvas_free(struct canvas *c)
{
    free(c->ch);
    free(c->role);
    memset(c, 0, sizeof *c);
}

/* Fill every cell with spaces of role ROLE_NORMAL. */
void canvas_clear(struct canvas *c)
{
    size_t n = (size_t)c->w * (size_t)c->h;

    for (size_t i = 0; i < n; i++)
        c->ch[i] = L' ';
    if (n)
        memset(c->role, ROLE_NORMAL, n);
}

/* Fill a rectangle with ch in role. Clipped to the canvas. */
void canvas_fill(struct canvas *c, int y, int x, int h, int w, wchar_t ch,
                 int role)
{
    for (int r = y; r < y + h; r++) {
        if (r < 0 || r >= c->h)
            continue;
        for (int col = x; col < x + w; col++) {
            if (col < 0 || col >= c->w)
                continue;
            c->ch[(size_t)r * c->w + col] = ch;
            c->role[(size_t)r * c->w + col] = (uint8_t)role;
        }
    }
}

/* Write UTF-8 text at (y, x), at most maxw cells; see canvas.h. */
int canvas_put(struct canvas *c, int y, int x, int role, const char *text,
               int maxw)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = text ? strlen(text) : 0;
    int col = x, written = 0;

    if (y < 0 || y >= c->h || !text)
        return 0;
    if (maxw < 0 || x + maxw > c->w)
        maxw = c->w - x;
    while (n > 0 && written < maxw) {
        wchar_t cp;
        size_t used = utf8_decode(s, n, &cp);

        s += used;
        n -= used;
        if (cp == L'\n')
            break;
        if (cp < 0x20 || cp == 0x7f)
            cp = L' ';
        if (col >= 0) {
            c->ch[(size_t)y * c->w + col] = cp;
            c->role[(size_t)y * c->w + col] = (uint8_t)role;
        }
        col++;
        written++;
    }
    return written;
}

/* canvas_put with "..." where the text is cut; see canvas.h. */
int canvas_put_fit(struct canvas *c, int y, int x, int role, const char *text,
                   int maxw)
{
    int n;

    if (maxw < 0 || x + maxw > c->w)
        maxw = c->w - x;
    if (!text || text_cells(text) <= maxw || maxw < 4)
        return canvas_put(c, y, x, role, text, maxw);
    n = canvas_put(c, y, x, role, text, maxw - 3);
    return n + canvas_put(c, y, x + n, role, "...", 3);
}

/* Copy rows of src into dst; see canvas.h. */
void canvas_blit(struct canvas *dst, int y, int x, const struct canvas *src,
                 int sy, int h)
{
    for (int r = 0; r < h; r++) {
        int dy = y + r, srow = sy + r;

        if (dy < 0 || dy >= dst->h || srow < 0 || srow >= src->h)
            continue;
        for (int col = 0; col < src->w; col++) {
            int dx = x + col;

            if (dx < 0 || dx >= dst->w)
                continue;
            dst->ch[(size_t)dy * dst->w + dx] =
                src->ch[(size_t)srow * src->w + col];
            dst->role[(size_t)dy * dst->w + dx] =
                src->role[(size_t)srow * src->w + col];
        }
    }
}

/* As canvas_put, with printf formatting. */
int canvas_printf(struct canvas *c, int y, int x, int role, int maxw,
                  const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return canvas_put(c, y, x, role, buf, maxw);
}

/* Set the role of cells in a row span, keeping their characters. */
void canvas_paint(struct canvas *c, int y, int x, int w, int role)
{
    if (y < 0 || y >= c->h)
        return;
    for (int col = x; col < x + w; col++)
        if (col >= 0 && col < c->w)
            c->role[(size_t)y * c->w + col] = (uint8_t)role;
}

/* Row y as UTF-8 text with trailing spaces removed. Returns buf. */
char *canvas_row(const struct canvas *c, int y, char *buf, size_t len)
{
    size_t o = 0, keep = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (y < 0 || y >= c->h)
        return buf;
    for (int x = 0; x < c->w; x++) {
        char tmp[4];
        size_t k = utf8_encode(c->ch[(size_t)y * c->w + x], tmp);

        if (o + k >= len)
            break;
        memcpy(buf + o, tmp, k);
        o += k;
        if (!(k == 1 && tmp[0] == ' '))
            keep = o;
    }
    buf[keep] = '\0';
    return buf;
}

/* The role of cell (y, x), or -1 outside. */
int canvas_role_at(const struct canvas *c, int y, int x)
{
    if (y < 0 || y >= c->h || x < 0 || x >= c->w)
        return -1;
    return c->role[(size_t)y * c->w + x];
}

/* Whether some row contains needle. */
bool canvas_contains(const struct canvas *c, const char *needle)
{
    size_t len = (size_t)c->w * 4 + 1;
    char *row = rl_xmalloc(len);
    bool found = false;

    for (int y = 0; y < c->h && !found; y++)
        found = strstr(canvas_row(c, y, row, len), needle) != NULL;
    free(row);
    return found;
}

/* Number of cells UTF-8 text takes (one per character). */
int text_cells(const char *text)
{
    int n = 0;

    for (const unsigned char *s = (const unsigned char *)text; s && *s; s++)
        if ((*s & 0xc0) != 0x80)
            n++;
    return n;
}

/* Word-wrap text into lines of at most w cells; see canvas.h. */
int text_wrap(const char *text, int w,
              void (*line)(void *ctx, const char *s, size_t n), void *ctx)
{
    const char *p = text;
    int lines = 0;

    if (!text || w <= 0)
        return 0;
    while (*p) {
        const char *start = p, *brk = NULL, *q = p;
        int cells = 0;

        /* Take characters until the width is used or a newline. */
        while (*q && *q != '\n' && cells < w) {
            if (*q == ' ')
                brk = q;
            q++;
            while ((*q & 0xc0) == 0x80)
                q++;
            cells++;
        }
        if (*q == '\0' || *q == '\n') {
            brk = q;
        } else if (*q == ' ') {
            brk = q;
        } else {
            /* the word that does not fit moves to the next line, unless
             * it is longer than a whole line (below) */
            const char *wend = q;
            int wcells = 0;
            const char *wstart = brk ? brk + 1 : start;

            while (*wend && *wend != ' ' && *wend != '\n')
                wend++;
            for (const char *k = wstart; k < wend; k++)
                if ((*k & 0xc0) != 0x80)
                    wcells++;
            if (!brk || brk == start || wcells > w) {
                /* a word longer than a line is cut after one of its ':'
                 * ',' '.' '=' (or before a '(') in the second half of the
                 * line if it has one: a schedule string breaks between
                 * its fields, not in the middle of a name; else it starts
                 * the next line, and only a word that starts a line is
                 * cut where the line ends */
                const char *cut = NULL;

                for (const char *k = q - 1; k > start + w / 2 && k > wstart;
                     k--)
                    if (*k == ':' || *k == ',' || *k == '.' || *k == '=' ||
                        *k == '(') {
                        cut = *k == '(' ? k : k + 1;
                        break;
                    }
                if (cut)
                    brk = cut;
                else if (!brk || brk == start)
                    brk = q;
            }
        }
        if (line)
            line(ctx, start, (size_t)(brk - start));
        lines++;
        p = brk;
        if (*p == '\n')
            p++;
        else
            while (*p == ' ')
                p++;
    }
    return lines;
}
