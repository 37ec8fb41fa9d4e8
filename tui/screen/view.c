/* SPDX-License-Identifier: MIT */
/*
 * view.c - the lab screen laid out from plain data (see view.h).
 *
 * Swimlanes give each thread a column and each record a row, so time runs
 * down the screen and the interleaving is the zig-zag between columns: the
 * lost update is a load in one column, a store in the other, then a store
 * in the first that overwrites it (marked '!' on the row, with the
 * engine's explanation in words on the rows below it). Every record
 * carries a symbol as well as a colour role ('+' acquired, '-' released,
 * '#' blocked, '!' error, failed check, lost update or the wait of a lost
 * wakeup, '~' data race, '*' signal, '>' start, '.' finish, '%' where two
 * runs side by side part), so the screen reads the same in monochrome;
 * each thread's lane has its own colour besides. When the columns get
 * narrow, record texts get shorter (the engine's "store counter <- 42",
 * then "counter<-42", then objects by short names, "c<-42", which a
 * legend row spells out) instead of being cut mid-word.
 *
 * This file lays out the screen's frame: the regions (view_lab_layout), the
 * title, the status line, the key line, and the names of threads and
 * objects that every part shows. The swimlanes are view_lanes.c, the result
 * area view_result.c, the state panel panel.c, a repeat's chart chart.c
 * (view_impl.h says what the view's files share).
 */
#include "view.h"

#include <stdio.h>
#include <string.h>

#include "../../core/racelab.h"
#include "chart.h"
#include "panel.h"
#include "view_impl.h"

/* ---- names --------------------------------------------------------------- */

/* The name of object id, or "?" if it is not in the snapshot. */
const char *view_obj_name(const struct view_lab *v, int id)
{
    if (id >= 0 && id < v->nobjs && v->objs[id].id == id && v->objs[id].name)
        return v->objs[id].name;
    for (int i = 0; i < v->nobjs; i++)
        if (v->objs[i].id == id && v->objs[i].name)
            return v->objs[i].name;
    return "?";
}

/* The value of v->objs[i] in words (see view.h). */
const char *view_obj_value(const struct view_lab *v, int i, char *buf,
                           size_t len)
{
    if (v->values && i >= 0 && i < v->nobjs && v->values[i][0])
        snprintf(buf, len, "%s", v->values[i]);
    else if (i >= 0 && i < v->nobjs)
        snprintf(buf, len, "%ld", v->objs[i].value);
    else
        snprintf(buf, len, "?");
    return buf;
}

/* The short name of thread tid into buf ("T0", or its own name). */
const char *view_thread_name(const struct view_lab *v, int tid, char *buf,
                             size_t len)
{
    if (tid >= 0 && tid < v->nthreads && v->threads[tid].name &&
        v->threads[tid].name[0])
        snprintf(buf, len, "%s", v->threads[tid].name);
    else
        snprintf(buf, len, "T%d", tid);
    return buf;
}

/* The label of thread tid in its lane header: its name, prefixed with
 * the digit that picks it when the name does not say it ("3:P0"). */
const char *view_thread_label(const struct view_lab *v, int tid, char *buf,
                              size_t len)
{
    char name[RL_NAME_MAX + 4], plain[16];

    view_thread_name(v, tid, name, sizeof name);
    snprintf(plain, sizeof plain, "T%d", tid);
    if (strcmp(name, plain) == 0 || tid > 9)
        snprintf(buf, len, "%s", name);
    else
        snprintf(buf, len, "%d:%s", tid, name);
    return buf;
}

/* ---- records ------------------------------------------------------------- */

/* The symbol and role of a record: core's class of it
 * (run_text_record.c, the one renderer of records) as a colour role. */
char view_rec_symbol(const struct rl_record *rec, int *role)
{
    static const int roles[] = {
        [RL_CLASS_NORMAL] = ROLE_NORMAL,   [RL_CLASS_LIFE] = ROLE_DIM,
        [RL_CLASS_VALUE] = ROLE_VALUE,     [RL_CLASS_ACQUIRE] = ROLE_ACQUIRE,
        [RL_CLASS_RELEASE] = ROLE_RELEASE, [RL_CLASS_SIGNAL] = ROLE_SIGNAL,
        [RL_CLASS_FAIL] = ROLE_FAIL,       [RL_CLASS_ERROR] = ROLE_ERROR,
        [RL_CLASS_BLOCKED] = ROLE_BLOCKED,
    };

    *role = roles[rl_record_class(rec)];
    return rl_record_symbol(rec);
}

/* ---- wrapped text -------------------------------------------------------- */

/* Counts lines for text_wrap without drawing. */
void view_wrap_count(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    (void)s;
    (void)n;
}

/* text_wrap callback: draw one wrapped line while lines are left. */
void view_wrap_line(void *ctx, const char *s, size_t n)
{
    struct view_wrap *d = ctx;
    char buf[512];

    if (d->skip > 0) {
        d->skip--;
        return;
    }
    if (d->left <= 0)
        return;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    canvas_put(d->c, d->y++, d->x, d->role, buf, d->w);
    d->left--;
}

/* ---- layout -------------------------------------------------------------- */

/* Split a w x h screen for v; see view.h. */
void view_lab_layout(const struct view_lab *v, int w, int h,
                     struct view_layout *out)
{
    int need = 1, maxr;

    memset(out, 0, sizeof *out);
    out->w = w;
    out->h = h;
    /* once the run has ended, what it says matters more than its rows */
    maxr = v->end == RL_END_RUNNING ? (h - 4) / 3 : (h - 4) / 2;
    if (v->result_open)
        maxr = h - 4 - 3;
    need += view_result_fit_lines(v, w, maxr - 1);
    if (maxr < 2)
        maxr = 2;
    if (need > maxr)
        need = maxr;
    if (need < 2)
        need = 2;
    out->result_h = need;
    /* a message longer than the key line takes the row above it too,
     * from the lanes, rather than being cut */
    out->keys_h = v->message && text_cells(v->message) > w - 2 ? 2 : 1;
    out->keys_y = h - out->keys_h;
    out->status_y = out->keys_y - 1;
    out->result_y = out->status_y - need;
    out->head_y = 1;
    out->rows_y = 2;
    out->rows_h = out->result_y - out->rows_y;
    if (out->rows_h < 0)
        out->rows_h = 0;
    if (v->compact) {
        out->state_w = 0;
        out->lanes_x = 0;
        out->lanes_w = w;
        out->state_x = w + 1;
        return;
    }
    if (w >= 120)
        out->state_w = 40;
    else {
        /* four threads or more: their lanes need the room more (the
         * panel wraps what does not fit) */
        out->state_w = v->nthreads >= 6   ? 18
                       : v->nthreads >= 4 ? 22
                                          : w * 3 / 10;
        if (out->state_w < 18)
            out->state_w = 18;
        if (out->state_w < 22 && v->nthreads < 6)
            out->state_w = 22;
    }
    out->lanes_x = 0;
    out->lanes_w = w - out->state_w - 1;
    out->state_x = out->lanes_w + 1;
}

/* ---- drawing the regions ------------------------------------------------- */

/* The title bar: the shortest form that shows the parameters whole. */
static void draw_title(struct canvas *c, const struct view_lab *v)
{
    char buf[512];
    const char *title = v->lab_title ? v->lab_title : "";
    const char *name = v->lab_name ? v->lab_name : title;
    const char *var = v->variant ? v->variant : "";
    const char *params = v->params ? v->params : "";
    const char *exp = v->expect_pass ? "pass" : "fail";

    canvas_fill(c, 0, 0, 1, c->w, L' ', ROLE_TITLE);
    if (v->no_expect) { /* a program: its file and what it was given */
        snprintf(buf, sizeof buf, " racelab | %s | %s%s%s", name, var,
                 params[0] != '\0' ? " | " : "", params);
        if (text_cells(buf) > c->w)
            snprintf(buf, sizeof buf, " %s", name);
        canvas_put_fit(c, 0, 0, ROLE_TITLE, buf, c->w);
        return;
    }
    if (v->compact) { /* a pane: the variant is what tells it apart */
        snprintf(buf, sizeof buf, " %s (expected to %s)", var, exp);
        canvas_put_fit(c, 0, 0, ROLE_TITLE, buf, c->w);
        return;
    }
    for (int form = 0; form < 5; form++) {
        if (form == 0)
            snprintf(buf, sizeof buf, " racelab | %s | %s (expected to %s) | %s",
                     title, var, exp, params);
        else if (form == 1)
            snprintf(buf, sizeof buf, " %s | %s (expected to %s) | %s", title,
                     var, exp, params);
        else if (form == 2)
            snprintf(buf, sizeof buf, " %s | %s (expected to %s) | %s", name,
                     var, exp, params);
        else if (form == 3)
            snprintf(buf, sizeof buf, " %s | %s (should %s) | %s", name, var,
                     exp, params);
        else
            snprintf(buf, sizeof buf, " %s | %s | %s", name, var, params);
        if (text_cells(buf) <= c->w)
            break;
    }
    canvas_put_fit(c, 0, 0, ROLE_TITLE, buf, c->w);
}

/* The status line: when it does not fit, the speed goes first, then the
 * scheduler, then the lab's name; the step, the state and predict's score
 * stay whole. */
static void draw_status(struct canvas *c, const struct view_lab *v,
                        const struct view_layout *l)
{
    char buf[512];
    const char *name = v->lab_name ? v->lab_name : "";

    /* a C program goes by its file's name here (the title has its path) */
    if (v->no_expect && !strchr(name, '+') && strrchr(name, '/') &&
        strrchr(name, '/')[1])
        name = strrchr(name, '/') + 1;
    canvas_fill(c, l->status_y, 0, 1, c->w, L' ', ROLE_STATUS);
    for (int form = 0; form < 4; form++) {
        bool speed = form == 0 && v->speed, sched = form < 2;

        if (form == 3)
            snprintf(buf, sizeof buf, " step %llu | %s%s%s",
                     (unsigned long long)v->step, v->state ? v->state : "",
                     v->score ? " | " : "", v->score ? v->score : "");
        else
            snprintf(buf, sizeof buf,
                     " %s/%s | %s%s%s | step %llu | %s%s%s%s%s", name,
                     v->variant ? v->variant : "", v->backend ? v->backend : "",
                     sched && v->sched && v->sched[0] ? " " : "",
                     sched && v->sched ? v->sched : "",
                     (unsigned long long)v->step, v->state ? v->state : "",
                     speed ? " | " : "", speed ? v->speed : "",
                     v->score ? " | " : "", v->score ? v->score : "");
        if (text_cells(buf) <= c->w)
            break;
    }
    canvas_put_fit(c, l->status_y, 0, ROLE_STATUS, buf, c->w);
}

/* The key line of the lab screen, fitted to the width. */
void view_keys(struct canvas *c, int y, const char *const *pairs, int npairs)
{
    int x = 1;

    canvas_fill(c, y, 0, 1, c->w, L' ', ROLE_NORMAL);
    for (int i = 0; i + 1 < npairs; i += 2) {
        int kw = text_cells(pairs[i]), dw = text_cells(pairs[i + 1]);

        if (x + kw + 1 + dw > c->w)
            break;
        canvas_put(c, y, x, ROLE_KEY, pairs[i], -1);
        canvas_put(c, y, x + kw + 1, ROLE_NORMAL, pairs[i + 1], -1);
        x += kw + 1 + dw + 2;
    }
}

/* The key line of the lab screen, most useful first. */
static const char *const lab_keys[] = {
    "?",   "help",    "space", "run",    "n",   "step",   "Left", "back",
    "0-9", "pick",    "e",     "end",    "+/-", "speed",  "r",    "restart",
    "v",   "variant", "s",     "sched",  "p",   "params", "b",    "backend",
    "w",   "save",    "R",     "repeat", "q",   "back",
};
#define LAB_NKEYS ((int)(sizeof lab_keys / sizeof lab_keys[0]))

/* Once a sim run has ended: what there is to do with it (space, n and e
 * would only say that it has ended). */
static const char *const lab_keys_ended[] = {
    "?", "help",    "Left", "back",  "f", "failure", "]/[", "marks",
    "r", "restart", "m",    "more",  "x", "explore", "w",   "save",
    "v", "variant", "s",    "sched", "p", "params",  "b",   "backend",
};
#define LAB_NKEYS_ENDED                                                        \
    ((int)(sizeof lab_keys_ended / sizeof lab_keys_ended[0]))

/* The os backend: real threads are started, not stepped or picked. */
static const char *const lab_keys_os[] = {
    "?", "help",    "space", "start",  "R", "repeat",  "r", "restart",
    "v", "variant", "p",     "params", "b", "backend", "w", "save",
};
#define LAB_NKEYS_OS ((int)(sizeof lab_keys_os / sizeof lab_keys_os[0]))

/* The status line of a plain C program: the step's source line first,
 * where the eye looks (drawn over the lab's status line); what does not
 * fit goes from the end (speed, scheduler), then the source line is cut
 * ("..."), so that the state is always there whole. */
static void draw_detail(struct canvas *c, const struct view_lab *v,
                        const struct view_layout *l)
{
    char head[512], tail[256];
    int tw = 0;

    canvas_fill(c, l->status_y, 0, 1, c->w, L' ', ROLE_STATUS);
    snprintf(head, sizeof head, " step %llu: %s", (unsigned long long)v->step,
             v->detail);
    for (int form = 0; form < 3; form++) {
        snprintf(tail, sizeof tail, " | %s%s%s%s%s%s%s",
                 v->state ? v->state : "", v->score ? " | " : "",
                 v->score ? v->score : "", form < 2 && v->sched ? " | " : "",
                 form < 2 && v->sched ? v->sched : "",
                 form < 1 && v->speed ? " | " : "",
                 form < 1 && v->speed ? v->speed : "");
        tw = text_cells(tail);
        if (text_cells(head) + tw <= c->w)
            break;
    }
    if (tw > c->w)
        tw = c->w;
    canvas_put_fit(c, l->status_y, 0, ROLE_STATUS, head, c->w - tw);
    canvas_put(c, l->status_y,
               text_cells(head) < c->w - tw ? text_cells(head) : c->w - tw,
               ROLE_STATUS, tail, tw);
}

/* Lay out the whole lab screen; see view.h. */
void view_lab(struct canvas *c, const struct view_lab *v)
{
    struct view_layout l;

    canvas_clear(c);
    view_lab_layout(v, c->w, c->h, &l);
    draw_title(c, v);
    if (v->hist)
        chart_draw(c, v->hist, l.lanes_x, l.head_y, l.lanes_w, l.result_y);
    else
        view_lanes_draw(c, v, &l);
    if (!v->compact)
        panel_draw(c, v, l.state_x, l.head_y, l.state_w, l.result_y);
    view_result_draw(c, v, &l);
    draw_status(c, v, &l);
    if (v->detail)
        draw_detail(c, v, &l);
    if (v->message && v->message[0]) {
        int role = v->message_error ? ROLE_ERROR : ROLE_SELECT;
        struct view_wrap d = {c, l.keys_y, 1, c->w - 2, role, l.keys_h, 0};

        canvas_fill(c, l.keys_y, 0, l.keys_h, c->w, L' ', ROLE_NORMAL);
        text_wrap(v->message, c->w - 2, view_wrap_line, &d);
    } else {
        if (v->backend && strcmp(v->backend, "os") == 0)
            view_keys(c, l.keys_y, lab_keys_os, LAB_NKEYS_OS);
        else if (v->end != RL_END_RUNNING && !v->hist)
            view_keys(c, l.keys_y, lab_keys_ended, LAB_NKEYS_ENDED);
        else
            view_keys(c, l.keys_y, lab_keys, LAB_NKEYS);
    }
}

/* "terminal too small": what size is needed and what there is. */
void view_too_small(struct canvas *c, int minw, int minh)
{
    char buf[128];
    int y = c->h / 2 - 1;

    canvas_clear(c);
    if (y < 0)
        y = 0;
    snprintf(buf, sizeof buf, "racelab needs %dx%d", minw, minh);
    canvas_put(c, y, 0, ROLE_ERROR, buf, -1);
    snprintf(buf, sizeof buf, "this terminal is %dx%d", c->w, c->h);
    canvas_put(c, y + 1, 0, ROLE_NORMAL, buf, -1);
    canvas_put(c, y + 2, 0, ROLE_DIM, "enlarge it, or q to quit", -1);
}
