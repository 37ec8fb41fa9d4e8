/* SPDX-License-Identifier: MIT */
/*
 * panel.c - the state panel of the lab screen: every shared object as the
 * engine's snapshot shows it (see panel.h).
 *
 * Variables come first, since they hold the values the lesson is about;
 * then the synchronization objects, each with who holds it and who waits
 * for it, in order. Variables named like slot0, slot1, ... are drawn as
 * one row of cells, which is how a bounded buffer looks on a whiteboard.
 */
#include "panel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cursor for writing panel lines. */
struct panel {
    struct canvas *c;
    int x, y, w, ybot; /* rows y .. ybot-1 */
    int dropped;       /* lines that did not fit */
    const struct view_lab *v;
};

/* Paint the thread names in rows y0 .. y1-1 of the panel with each
 * thread's colour (owners, holders, waiters). */
static void panel_paint_threads(struct panel *p, int y0, int y1)
{
    char name[RL_NAME_MAX + 4];

    for (int y = y0; y < y1; y++) {
        const wchar_t *row = p->c->ch + (size_t)y * p->c->w;

        for (int t = 0; t < p->v->nthreads; t++) {
            int n = (int)strlen(view_thread_name(p->v, t, name, sizeof name));

            for (int x = p->x; x + n <= p->x + p->w && x + n <= p->c->w; x++) {
                bool match = (x == p->x || row[x - 1] == L' ') &&
                             (x + n == p->c->w || row[x + n] == L' ');

                for (int k = 0; match && k < n; k++)
                    match = row[x + k] == (wchar_t)(unsigned char)name[k];
                if (match)
                    canvas_paint(p->c, y, x, n, role_thread(t));
            }
        }
    }
}

/* text_wrap callback: remember the length of the first line only. */
static void first_line(void *ctx, const char *s, size_t n)
{
    size_t *len = ctx;

    (void)s;
    if (*len == (size_t)-1)
        *len = n;
}

/* Write one panel entry, wrapped (never cut: a lock's owner and its
 * waiters are always there in full), the lines after the first indented;
 * counts the lines that do not fit as dropped. */
static void panel_line(struct panel *p, int role, const char *text)
{
    const char *rest = text;
    char buf[512];
    bool first = true;

    while (*rest) {
        int w = first ? p->w : p->w - 4;
        size_t n = (size_t)-1;

        if (w < 4)
            w = 4;
        text_wrap(rest, w, first_line, &n);
        if (n == (size_t)-1 || n == 0)
            n = strlen(rest);
        if (n >= sizeof buf)
            n = sizeof buf - 1;
        snprintf(buf, sizeof buf, "%s%.*s", first ? "" : "    ", (int)n, rest);
        if (p->y >= p->ybot)
            p->dropped++;
        else
            canvas_put(p->c, p->y++, p->x, role, buf, p->w);
        rest += n;
        while (*rest == ' ')
            rest++;
        first = false;
    }
}

/* A lock's line "+ L Lock: held by T0": when it does not fit, the owner
 * goes on a line of its own ("    held by T0"), never split. */
static void panel_owner_line(struct panel *p, int role, char *line)
{
    char *colon = strstr(line, ": ");
    char rest[512];
    int y0 = p->y;

    if (text_cells(line) <= p->w || !colon) {
        panel_line(p, role, line);
    } else {
        snprintf(rest, sizeof rest, "    %s", colon + 2);
        colon[0] = '\0';
        panel_line(p, role, line);
        panel_line(p, role, rest);
    }
    panel_paint_threads(p, y0, p->y);
}

/* A list of thread names ("T1 T2") into buf. */
static void thread_list(const struct view_lab *v, const int *ids, int n,
                        char *buf, size_t len)
{
    size_t o = 0;
    char name[RL_NAME_MAX + 4];

    buf[0] = '\0';
    for (int i = 0; i < n && o + 1 < len; i++) {
        int k = snprintf(buf + o, len - o, "%s%s", i ? " " : "",
                         view_thread_name(v, ids[i], name, sizeof name));
        if (k < 0)
            break;
        o += (size_t)k;
    }
}

/* If name is PREFIX followed by digits, the prefix length and the index. */
static int array_name(const char *name, long *index)
{
    size_t n = strlen(name), d = n;

    while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
        d--;
    if (d == n || d == 0 || n - d > 6)
        return 0;
    *index = strtol(name + d, NULL, 10);
    return (int)d;
}

/* Variables named like slot0..slotN (N >= 1, consecutive): drawn as one row
 * of cells. Returns the number of objects consumed starting at i (0 if
 * objs[i] does not start such a group). */
static int draw_var_array(struct panel *p, const struct view_lab *v, int i)
{
    const struct rl_obj_view *o = &v->objs[i];
    long idx;
    int plen = array_name(o->name, &idx), n = 0, cellw = 1;
    char line[512];
    size_t off;

    if (plen == 0 || idx != 0)
        return 0;
    while (i + n < v->nobjs) {
        const struct rl_obj_view *q = &v->objs[i + n];
        long k;

        if (q->kind != RL_OBJ_VAR || array_name(q->name, &k) != plen ||
            strncmp(q->name, o->name, (size_t)plen) != 0 || k != n)
            break;
        view_obj_value(v, i + n, line, sizeof line);
        if ((int)strlen(line) > cellw)
            cellw = (int)strlen(line);
        n++;
    }
    if (n < 2)
        return 0;
    snprintf(line, sizeof line, "%.*s[0..%d]", plen, o->name, n - 1);
    panel_line(p, ROLE_NORMAL, line);
    /* cells, wrapped to the panel width */
    off = 0;
    line[0] = ' ';
    off = 1;
    for (int k = 0; k < n; k++) {
        int need = cellw + 1;

        if ((int)off + need + 1 > p->w && off > 1) {
            line[off++] = '|';
            line[off] = '\0';
            panel_line(p, ROLE_VALUE, line);
            off = 1;
        }
        char val[RL_VALUE_TEXT_MAX];

        off += (size_t)snprintf(line + off, sizeof line - off, "|%*s", cellw,
                                view_obj_value(v, i + k, val, sizeof val));
    }
    line[off++] = '|';
    line[off] = '\0';
    panel_line(p, ROLE_VALUE, line);
    return n;
}

/* One object in the state panel (one or more lines). */
static void draw_object(struct panel *p, const struct view_lab *v,
                        const struct rl_obj_view *o)
{
    char line[512], list[400], who[RL_NAME_MAX + 4];
    const char *name = o->name ? o->name : "?";
    int y0;

    switch (o->kind) {
    case RL_OBJ_VAR:
        view_obj_value(v, (int)(o - v->objs), list, sizeof list);
        snprintf(line, sizeof line, "%s = %s", name, list);
        panel_line(p, ROLE_VALUE, line);
        break;
    case RL_OBJ_LOCK:
        if (o->owner >= 0)
            snprintf(line, sizeof line, "+ %s Lock: held by %s", name,
                     view_thread_name(v, o->owner, who, sizeof who));
        else
            snprintf(line, sizeof line, "  %s Lock: free", name);
        panel_owner_line(p, o->owner >= 0 ? ROLE_ACQUIRE : ROLE_NORMAL, line);
        break;
    case RL_OBJ_RLOCK:
        if (o->owner >= 0)
            snprintf(line, sizeof line, "+ %s RLock: held by %s depth %d",
                     name, view_thread_name(v, o->owner, who, sizeof who),
                     o->depth);
        else
            snprintf(line, sizeof line, "  %s RLock: free", name);
        panel_owner_line(p, o->owner >= 0 ? ROLE_ACQUIRE : ROLE_NORMAL, line);
        break;
    case RL_OBJ_MUTEX:
    case RL_OBJ_SPINLOCK: {
        const char *kind = o->kind == RL_OBJ_MUTEX ? "mutex" : "spinlock";

        if (o->owner >= 0 && o->depth > 1)
            snprintf(line, sizeof line, "+ %s %s: held by %s depth %d", name,
                     kind, view_thread_name(v, o->owner, who, sizeof who),
                     o->depth);
        else if (o->owner >= 0)
            snprintf(line, sizeof line, "+ %s %s: held by %s", name, kind,
                     view_thread_name(v, o->owner, who, sizeof who));
        else
            snprintf(line, sizeof line, "  %s %s: free", name, kind);
        panel_owner_line(p, o->owner >= 0 ? ROLE_ACQUIRE : ROLE_NORMAL, line);
        break;
    }
    case RL_OBJ_RWLOCK:
        if (o->owner >= 0) {
            snprintf(line, sizeof line, "+ %s rwlock: written by %s", name,
                     view_thread_name(v, o->owner, who, sizeof who));
        } else if (o->nholders > 0) {
            thread_list(v, o->holders, o->nholders, list, sizeof list);
            snprintf(line, sizeof line, "+ %s rwlock: read by %s", name, list);
        } else {
            snprintf(line, sizeof line, "  %s rwlock: free", name);
        }
        panel_owner_line(
            p, o->owner >= 0 || o->nholders > 0 ? ROLE_ACQUIRE : ROLE_NORMAL,
            line);
        break;
    case RL_OBJ_ONCE:
        snprintf(line, sizeof line, "  %s once: %s", name,
                 o->value == 0   ? "not run yet"
                 : o->value == 1 ? "running"
                                 : "done");
        panel_line(p, ROLE_NORMAL, line);
        break;
    case RL_OBJ_SEMAPHORE:
        if (o->limit == 0) { /* a sem_t, or one made with 0: no "N/0" */
            snprintf(line, sizeof line, "  %s Semaphore: %ld", name, o->value);
            panel_line(p, o->value > 0 ? ROLE_NORMAL : ROLE_BLOCKED, line);
            break;
        }
        /* fall through */
    case RL_OBJ_BOUNDED_SEMAPHORE:
        snprintf(line, sizeof line, "  %s %s %ld/%ld", name,
                 o->kind == RL_OBJ_SEMAPHORE ? "Semaphore" : "BoundedSem",
                 o->value, o->limit);
        panel_line(p, o->value > 0 ? ROLE_NORMAL : ROLE_BLOCKED, line);
        if (o->nholders > 0) {
            thread_list(v, o->holders, o->nholders, list, sizeof list);
            snprintf(line, sizeof line, "    holders: %s", list);
            y0 = p->y;
            panel_line(p, ROLE_ACQUIRE, line);
            panel_paint_threads(p, y0, p->y);
        }
        break;
    case RL_OBJ_CONDITION:
        snprintf(line, sizeof line, "  %s Cond(%s)", name,
                 o->lock >= 0 ? view_obj_name(v, o->lock) : "?");
        panel_line(p, ROLE_NORMAL, line);
        break;
    case RL_OBJ_EVENT:
        snprintf(line, sizeof line, "%c %s Event: %s", o->value ? '*' : ' ',
                 name, o->value ? "set" : "clear");
        panel_line(p, o->value ? ROLE_SIGNAL : ROLE_NORMAL, line);
        break;
    case RL_OBJ_BARRIER:
        snprintf(line, sizeof line, "  %s Barrier: %ld/%ld arrived%s", name,
                 o->value, o->limit, o->broken ? " BROKEN" : "");
        panel_line(p, o->broken ? ROLE_ERROR : ROLE_NORMAL, line);
        break;
    default:
        snprintf(line, sizeof line, "  %s", name);
        panel_line(p, ROLE_NORMAL, line);
        break;
    }
    if (o->kind != RL_OBJ_VAR && o->nwaiters > 0) {
        thread_list(v, o->waiters, o->nwaiters, list, sizeof list);
        snprintf(line, sizeof line, "    # waiting: %s", list);
        y0 = p->y;
        panel_line(p, ROLE_BLOCKED, line);
        panel_paint_threads(p, y0, p->y);
    }
}

/* The state panel; see panel.h. */
void panel_draw(struct canvas *c, const struct view_lab *v, int x, int y, int w,
                int ybot)
{
    struct panel p = {c, x + 1, y, w - 1, ybot, 0, v};
    char buf[64];

    canvas_fill(c, y, x - 1, ybot - y, 1, L'|', ROLE_BORDER);
    panel_line(&p, ROLE_HEADER, "STATE");
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < v->nobjs; i++) {
            const struct rl_obj_view *o = &v->objs[i];

            if ((o->kind == RL_OBJ_VAR) != (pass == 0))
                continue;
            if (o->kind == RL_OBJ_VAR) {
                int used = draw_var_array(&p, v, i);

                if (used > 0) {
                    i += used - 1;
                    continue;
                }
            }
            draw_object(&p, v, o);
        }
    if (v->nobjs == 0)
        panel_line(&p, ROLE_DIM, "(no shared objects)");
    if (p.dropped > 0 && ybot - 1 > y) {
        snprintf(buf, sizeof buf, "... %d more lines (bigger window)",
                 p.dropped + 1);
        if (text_cells(buf) > p.w) /* a narrow panel: never "(big" */
            snprintf(buf, sizeof buf, "... %d more lines", p.dropped + 1);
        canvas_fill(c, ybot - 1, p.x, 1, p.w, L' ', ROLE_DIM);
        canvas_put(c, ybot - 1, p.x, ROLE_DIM, buf, p.w);
    }
}
