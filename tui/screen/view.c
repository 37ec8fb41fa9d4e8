/* SPDX-License-Identifier: MIT */
/*
 * view.c - the lab screen laid out from plain data (see view.h).
 *
 * Swimlanes give each thread a column and each record a row, so time runs
 * down the screen and the interleaving is the zig-zag between columns: the
 * lost update is a load in one column, a store in the other, then a store
 * in the first that overwrites it (marked '!' on the row). Every record
 * carries a symbol as well as a colour role ('+' acquired, '-' released,
 * '#' blocked, '!' error, failed check or lost update, '*' signal, '>'
 * start, '.' finish), so the screen reads the same in monochrome. When the columns get narrow, record texts get shorter (the
 * engine's "store counter <- 42", then "counter<-42", then "<-42") instead
 * of being cut mid-word.
 */
#include "../../core/mem.h"
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/racelab.h"
#include "chart.h"
#include "panel.h"

/* Lane cells narrower than this put the text right after the symbol. */
#define LANE_SPACED_MIN 8
/* The narrowest lane: symbol + 3 characters. */
#define LANE_MIN 4
/* Result items considered at most. */
#define RESULT_MAX_ITEMS 96

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

/* ---- records ------------------------------------------------------------- */

/* The symbol and role of a record. */
char view_rec_symbol(const struct rl_record *rec, int *role)
{
    int r = ROLE_NORMAL;
    char s = ' ';

    switch ((enum rl_result)rec->result) {
    case RL_RES_ERROR:
        *role = ROLE_ERROR;
        return '!';
    case RL_RES_BLOCKED:
        *role = ROLE_BLOCKED;
        return '#';
    case RL_RES_TIMEOUT:
        *role = ROLE_BLOCKED;
        return '?';
    default:
        break;
    }
    switch ((enum rl_op)rec->op) {
    case RL_OP_START:
        s = '>';
        r = ROLE_DIM;
        break;
    case RL_OP_FINISH:
        s = '.';
        r = ROLE_DIM;
        break;
    case RL_OP_LOAD:
    case RL_OP_STORE:
    case RL_OP_FETCH_ADD:
    case RL_OP_IS_SET:
        s = ' ';
        r = ROLE_VALUE;
        break;
    case RL_OP_ACQUIRE:
    case RL_OP_WAIT:
    case RL_OP_EVENT_WAIT:
    case RL_OP_JOIN:
        s = '+';
        r = ROLE_ACQUIRE;
        break;
    case RL_OP_RELEASE:
        s = '-';
        r = ROLE_RELEASE;
        break;
    case RL_OP_NOTIFY:
    case RL_OP_NOTIFY_ALL:
    case RL_OP_SET:
    case RL_OP_CLEAR:
    case RL_OP_BARRIER:
        s = '*';
        r = ROLE_SIGNAL;
        break;
    case RL_OP_FAIL:
        s = '!';
        r = ROLE_FAIL;
        break;
    default:
        s = ' ';
        r = ROLE_NORMAL;
        break;
    }
    *role = r;
    return s;
}

/* Two shorter forms of a record: medium ("counter<-42") and short
 * ("<-42"). */
static void rec_short_forms(const struct view_lab *v,
                            const struct rl_record *rec, char *med, char *shrt,
                            size_t len)
{
    const char *o = view_obj_name(v, rec->obj);
    bool blocked = rec->result == RL_RES_BLOCKED;
    bool woke = rec->result == RL_RES_WOKE;
    char tn[RL_NAME_MAX + 4];

    switch ((enum rl_op)rec->op) {
    case RL_OP_START:
        snprintf(med, len, "start");
        snprintf(shrt, len, "go");
        break;
    case RL_OP_FINISH:
        snprintf(med, len, "done");
        snprintf(shrt, len, "end");
        break;
    case RL_OP_LOAD:
        snprintf(med, len, "%s->%ld", o, rec->after);
        snprintf(shrt, len, "->%ld", rec->after);
        break;
    case RL_OP_STORE:
        snprintf(med, len, "%s<-%ld", o, rec->arg);
        snprintf(shrt, len, "<-%ld", rec->arg);
        break;
    case RL_OP_FETCH_ADD:
        snprintf(med, len, "%s+=%ld", o, rec->arg);
        snprintf(shrt, len, "+%ld", rec->arg);
        break;
    case RL_OP_ACQUIRE:
        if (blocked)
            snprintf(med, len, "blocked on %s", o);
        else
            snprintf(med, len, "acquire %s", o);
        snprintf(shrt, len, "%s", o);
        break;
    case RL_OP_RELEASE:
        snprintf(med, len, "rel %s", o);
        snprintf(shrt, len, "%s", o);
        break;
    case RL_OP_WAIT:
        snprintf(med, len, "%s %s", woke ? "woke" : "wait", o);
        snprintf(shrt, len, "%s", o);
        break;
    case RL_OP_NOTIFY:
        snprintf(med, len, "notify %s", o);
        snprintf(shrt, len, "n %s", o);
        break;
    case RL_OP_NOTIFY_ALL:
        snprintf(med, len, "notify_all %s", o);
        snprintf(shrt, len, "na %s", o);
        break;
    case RL_OP_SET:
        snprintf(med, len, "set %s", o);
        snprintf(shrt, len, "%s", o);
        break;
    case RL_OP_CLEAR:
        snprintf(med, len, "clear %s", o);
        snprintf(shrt, len, "%s", o);
        break;
    case RL_OP_IS_SET:
        snprintf(med, len, "%s? %s", o, rec->after ? "yes" : "no");
        snprintf(shrt, len, "%s", rec->after ? "yes" : "no");
        break;
    case RL_OP_EVENT_WAIT:
        snprintf(med, len, "wait %s", o);
        snprintf(shrt, len, "%s", o);
        break;
    case RL_OP_BARRIER:
        snprintf(med, len, "%s #%ld", o, rec->after);
        snprintf(shrt, len, "%s", o);
        break;
    case RL_OP_JOIN:
        snprintf(med, len, "join %s",
                 view_thread_name(v, rec->other, tn, sizeof tn));
        snprintf(shrt, len, "%s", tn);
        break;
    case RL_OP_YIELD:
        snprintf(med, len, "yield");
        snprintf(shrt, len, "y");
        break;
    case RL_OP_SLEEP:
        snprintf(med, len, "sleep %ld", rec->arg);
        snprintf(shrt, len, "z%ld", rec->arg);
        break;
    case RL_OP_FAIL:
        snprintf(med, len, "check failed");
        snprintf(shrt, len, "FAIL");
        break;
    default:
        snprintf(med, len, "op %d", rec->op);
        snprintf(shrt, len, "?");
        break;
    }
    if (rec->result == RL_RES_ERROR && rec->op != RL_OP_FAIL) {
        size_t n = strlen(med);

        if (n + 8 < len)
            memcpy(med + n, ": error", 8);
    }
}

/* The text of a record for a lane cell of width cells. Returns buf. */
char *view_rec_text(const struct view_lab *v, const struct view_rec *r,
                    int width, char *buf, size_t len)
{
    char med[128], shrt[128];

    if (width <= 0) {
        buf[0] = '\0';
        return buf;
    }
    if (r->text && text_cells(r->text) <= width) {
        snprintf(buf, len, "%s", r->text);
        return buf;
    }
    rec_short_forms(v, &r->rec, med, shrt, sizeof med);
    if (text_cells(med) <= width) {
        snprintf(buf, len, "%s", med);
        return buf;
    }
    if (r->rec.op == RL_OP_ACQUIRE && r->rec.result == RL_RES_BLOCKED) {
        snprintf(buf, len, "wait %s", view_obj_name(v, r->rec.obj));
        if (text_cells(buf) <= width)
            return buf;
    }
    snprintf(buf, len, "%s", shrt); /* canvas_put cuts it */
    return buf;
}

/* ---- layout -------------------------------------------------------------- */

/* Counts lines for text_wrap without drawing. */
static void wrap_count(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    (void)s;
    (void)n;
}

struct result_item {
    int role;
    int prio; /* higher survives when the area is short */
    int lines;
    bool take;
    char text[512];
};

struct result_items {
    struct result_item item[RESULT_MAX_ITEMS];
    int n;
};

/* Add an item (wrapped to width w) unless the list is full. */
static void items_add(struct result_items *it, int w, int role, int prio,
                      const char *text)
{
    struct result_item *i;

    if (it->n >= RESULT_MAX_ITEMS)
        return;
    i = &it->item[it->n++];
    i->role = role;
    i->prio = prio;
    i->take = false;
    snprintf(i->text, sizeof i->text, "%s", text);
    i->lines = text_wrap(i->text, w > 2 ? w - 2 : 1, wrap_count, NULL);
    if (i->lines < 1)
        i->lines = 1;
}

/* Whether a check's message already says line (the engine's checks often
 * repeat the end text: say it once). */
static bool in_a_check(const struct view_lab *v, const char *line)
{
    for (int i = 0; i < v->nchecks; i++)
        if (v->checks[i].message && strstr(v->checks[i].message, line))
            return true;
    return false;
}

/* What the result area says below its verdict line. */
static void result_collect(const struct view_lab *v, int w,
                           struct result_items *it)
{
    char line[512];

    it->n = 0;
    if (v->end == RL_END_RUNNING) {
        if (v->hist)
            return;
        items_add(it, w, ROLE_DIM, 1,
                  "The checks are judged when every thread has finished.");
        return;
    }
    for (int i = 0; i < v->nchecks; i++) {
        const struct rl_check_result *k = &v->checks[i];

        snprintf(line, sizeof line, "%s %s: %s", k->ok ? "[ok]" : "[!!]",
                 k->name ? k->name : "check", k->message ? k->message : "");
        items_add(it, w, k->ok ? ROLE_OK : ROLE_FAIL, k->ok ? 2 : 5, line);
    }
    if (v->end_text && v->end_text[0]) {
        const char *p = v->end_text;

        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t n = nl ? (size_t)(nl - p) : strlen(p);

            if (n >= sizeof line)
                n = sizeof line - 1;
            memcpy(line, p, n);
            line[n] = '\0';
            if (n && !in_a_check(v, line))
                items_add(it, w, ROLE_ERROR, 4, line);
            p += n;
            if (*p == '\n')
                p++;
        }
    }
    /* Races and lost updates: shown even when the checks hold, since a
     * race that did no harm in this schedule may in the next. */
    for (const char *p = v->analysis; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);

        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        if (n) /* below the schedule string, which must stay visible */
            items_add(it, w, ROLE_ERROR, 2, line);
        p += n;
        if (*p == '\n')
            p++;
    }
    if (v->schedule && v->schedule[0]) {
        snprintf(line, sizeof line, "schedule: %s", v->schedule);
        items_add(it, w, ROLE_NORMAL, 3, line);
    }
}

/* Choose the items that fit in avail lines, by priority. Returns the lines
 * used. */
static int items_choose(struct result_items *it, int avail)
{
    int used = 0;

    for (int prio = 9; prio >= 0; prio--)
        for (int i = 0; i < it->n; i++) {
            struct result_item *x = &it->item[i];

            if (x->prio != prio || x->take)
                continue;
            if (used + x->lines <= avail) {
                x->take = true;
                used += x->lines;
            } else if (used < avail && x->prio >= 3) {
                /* cut a long, important item to what is left */
                x->lines = avail - used;
                x->take = true;
                used = avail;
            }
        }
    return used;
}

/* Split a w x h screen for v; see view.h. */
void view_lab_layout(const struct view_lab *v, int w, int h,
                     struct view_layout *out)
{
    struct result_items *it = rl_xmalloc(sizeof *it);
    int need = 1, maxr;

    memset(out, 0, sizeof *out);
    out->w = w;
    out->h = h;
    if (it) {
        result_collect(v, w, it);
        for (int i = 0; i < it->n; i++)
            need += it->item[i].lines;
        free(it);
    }
    maxr = (h - 4) / 3;
    if (maxr < 2)
        maxr = 2;
    if (need > maxr)
        need = maxr;
    if (need < 2)
        need = 2;
    out->result_h = need;
    out->keys_y = h - 1;
    out->status_y = h - 2;
    out->result_y = out->status_y - need;
    out->head_y = 1;
    out->rows_y = 2;
    out->rows_h = out->result_y - out->rows_y;
    if (out->rows_h < 0)
        out->rows_h = 0;
    if (w >= 120)
        out->state_w = 40;
    else {
        /* four threads or more: their lanes need the room more */
        out->state_w = v->nthreads >= 4 ? 22 : w * 3 / 10;
        if (out->state_w < 22)
            out->state_w = 22;
    }
    out->lanes_x = 0;
    out->lanes_w = w - out->state_w - 1;
    out->state_x = out->lanes_w + 1;
}

/* ---- drawing the regions ------------------------------------------------- */

/* The title bar. */
static void draw_title(struct canvas *c, const struct view_lab *v)
{
    canvas_fill(c, 0, 0, 1, c->w, L' ', ROLE_TITLE);
    canvas_printf(
        c, 0, 0, ROLE_TITLE, c->w, " racelab | %s | %s (expected to %s) | %s",
        v->lab_title ? v->lab_title : "", v->variant ? v->variant : "",
        v->expect_pass ? "pass" : "fail", v->params ? v->params : "");
}

/* The word for a thread's state in its lane header. */
static void thread_state_text(const struct view_lab *v,
                              const struct rl_thread_view *t, char *buf,
                              size_t len, int *role)
{
    char hn[RL_NAME_MAX + 4];

    *role = ROLE_HEADER;
    switch (t->state) {
    case RL_T_NEW:
        snprintf(buf, len, "new");
        break;
    case RL_T_RUNNABLE:
        snprintf(buf, len, "ready");
        break;
    case RL_T_BLOCKED:
        *role = ROLE_BLOCKED;
        if (t->waiting_on >= 0 && t->holder >= 0)
            snprintf(buf, len, "#%s(%s)", view_obj_name(v, t->waiting_on),
                     view_thread_name(v, t->holder, hn, sizeof hn));
        else if (t->waiting_on >= 0)
            snprintf(buf, len, "#%s", view_obj_name(v, t->waiting_on));
        else if (t->waiting_on <= -2)
            snprintf(buf, len, "#join %s",
                     view_thread_name(v, -2 - t->waiting_on, hn, sizeof hn));
        else
            snprintf(buf, len, "#blocked");
        break;
    case RL_T_SLEEPING:
        snprintf(buf, len, "sleep");
        break;
    case RL_T_DONE:
        *role = ROLE_DIM;
        snprintf(buf, len, "done");
        break;
    default:
        snprintf(buf, len, "?");
        break;
    }
}

/* Decimal digits of n. */
static int digits(uint64_t n)
{
    int d = 1;

    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

/* The swimlanes: headers and record rows. */
static void draw_lanes(struct canvas *c, const struct view_lab *v,
                       const struct view_layout *l)
{
    uint64_t maxseq = 0;
    int sw, avail, shown, cw, first;
    char buf[256], name[RL_NAME_MAX + 4], st[64];

    for (int i = 0; i < v->nrecs; i++)
        if (v->recs[i].rec.seq > maxseq)
            maxseq = v->recs[i].rec.seq;
    sw = digits(maxseq) + 1;
    if (sw < 4)
        sw = 4;
    avail = l->lanes_w - sw;
    shown = v->nthreads;
    if (shown < 1)
        shown = 1;
    cw = avail / shown;
    if (cw < LANE_MIN) {
        shown = avail / LANE_MIN;
        if (shown < 1)
            shown = 1;
        cw = avail / shown;
    }
    /* headers */
    canvas_put(c, l->head_y, l->lanes_x, ROLE_DIM, "#", sw);
    for (int t = 0; t < shown && t < v->nthreads; t++) {
        const struct rl_thread_view *tv = &v->threads[t];
        int x = l->lanes_x + sw + t * cw, role;

        thread_state_text(v, tv, st, sizeof st, &role);
        if (t < 9)
            snprintf(buf, sizeof buf, "%d:%s %s", t + 1,
                     view_thread_name(v, t, name, sizeof name), st);
        else
            snprintf(buf, sizeof buf, "%s %s",
                     view_thread_name(v, t, name, sizeof name), st);
        if (t == v->current_thread && role == ROLE_HEADER)
            role = ROLE_CURRENT;
        canvas_put(c, l->head_y, x + 1, role, buf, cw - 1);
    }
    if (shown < v->nthreads) {
        snprintf(buf, sizeof buf, "+%d", v->nthreads - shown);
        canvas_put(c, l->head_y, l->lanes_x + l->lanes_w - (int)strlen(buf),
                   ROLE_DIM, buf, -1);
    }
    /* rows: the newest at the bottom of what is shown */
    first = v->nrecs > l->rows_h ? v->nrecs - l->rows_h : 0;
    for (int i = first; i < v->nrecs; i++) {
        const struct view_rec *r = &v->recs[i];
        int y = l->rows_y + (i - first), t = r->rec.thread, role, x, tw;
        bool cur = v->current && r->rec.seq >= v->current;
        char sym = view_rec_symbol(&r->rec, &role);

        canvas_printf(c, y, l->lanes_x, cur ? ROLE_CURRENT : ROLE_DIM, sw,
                      "%*llu%c", sw - 1, (unsigned long long)r->rec.seq,
                      cur ? '>' : ' ');
        if (t < 0 || t >= shown) {
            /* setup, or a thread without a column: across the lanes */
            if (t < 0)
                snprintf(name, sizeof name, "setup");
            else
                view_thread_name(v, t, name, sizeof name);
            view_rec_text(v, r, avail - 4 - (int)strlen(name), buf, sizeof buf);
            canvas_printf(c, y, l->lanes_x + sw + 1, ROLE_DIM, avail - 1,
                          "%s: %s", name, buf);
            continue;
        }
        x = l->lanes_x + sw + t * cw + 1;
        tw = cw - 1;
        if (r->lost) { /* the lost update, at the store that lost it */
            sym = '!';
            role = ROLE_FAIL;
        }
        if (cur)
            role = ROLE_CURRENT;
        if (tw >= LANE_SPACED_MIN) {
            view_rec_text(v, r, tw - 2, buf, sizeof buf);
            canvas_printf(c, y, x, role, tw, "%c %s", sym, buf);
        } else {
            view_rec_text(v, r, tw - 1, buf, sizeof buf);
            canvas_printf(c, y, x, role, tw, "%c%s", sym, buf);
        }
    }
    if (v->hidden_below) {
        snprintf(buf, sizeof buf, " %llu newer below (End: follow) ",
                 (unsigned long long)v->hidden_below);
        canvas_put(c, l->rows_y + l->rows_h - 1,
                   l->lanes_x + l->lanes_w - text_cells(buf), ROLE_SELECT, buf,
                   -1);
    }
    if (v->nrecs == 0 && l->rows_h > 0)
        canvas_put(c, l->rows_y, l->lanes_x + sw + 1, ROLE_DIM,
                   v->end == RL_END_RUNNING
                       ? "no steps yet: n steps, space runs, ? helps"
                       : "no records",
                   avail - 1);
}

/* The verdict line and its role. */
static void verdict_text(const struct view_lab *v, char *buf, size_t len,
                         int *role)
{
    int nfail = 0;

    for (int i = 0; i < v->nchecks; i++)
        if (!v->checks[i].ok)
            nfail++;
    switch (v->end) {
    case RL_END_RUNNING:
        *role = ROLE_BORDER;
        snprintf(buf, len, " %s: step %llu ", v->state ? v->state : "running",
                 (unsigned long long)v->step);
        return;
    case RL_END_DONE:
        if (v->passed) {
            *role = ROLE_OK;
            snprintf(buf, len, " PASSED: every check holds%s ",
                     v->expect_pass ? ""
                                    : " (this time; other schedules fail)");
        } else {
            *role = ROLE_FAIL;
            snprintf(buf, len, " FAILED: %d of %d checks failed%s ", nfail,
                     v->nchecks,
                     v->expect_pass ? " (unexpected for this variant)"
                                    : " (as this variant is expected to)");
        }
        return;
    case RL_END_DEADLOCK:
        *role = ROLE_ERROR;
        snprintf(buf, len, " DEADLOCK: no thread can run ");
        return;
    case RL_END_STEP_LIMIT:
        *role = ROLE_ERROR;
        snprintf(buf, len, " DID NOT FINISH: step limit reached ");
        return;
    case RL_END_DIVERGED:
        *role = ROLE_ERROR;
        snprintf(buf, len, " DIVERGED: the schedule does not fit this run ");
        return;
    case RL_END_TIMEOUT:
        *role = ROLE_ERROR;
        snprintf(buf, len, " DID NOT FINISH: stopped by the time limit ");
        return;
    }
    *role = ROLE_NORMAL;
    snprintf(buf, len, " ended ");
}

struct wrap_draw {
    struct canvas *c;
    int y, x, w, role, left;
};

/* text_wrap callback: draw one wrapped line while lines are left. */
static void wrap_draw_line(void *ctx, const char *s, size_t n)
{
    struct wrap_draw *d = ctx;
    char buf[512];

    if (d->left <= 0)
        return;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    canvas_put(d->c, d->y++, d->x, d->role, buf, d->w);
    d->left--;
}

/* The result area: verdict, then the items that fit. */
static void draw_result(struct canvas *c, const struct view_lab *v,
                        const struct view_layout *l)
{
    struct result_items *it = rl_xmalloc(sizeof *it);
    char buf[256];
    int role, y;

    verdict_text(v, buf, sizeof buf, &role);
    canvas_fill(c, l->result_y, 0, 1, c->w, L'=', ROLE_BORDER);
    canvas_put(c, l->result_y, 2, role, buf, c->w - 4);
    if (!it)
        return;
    result_collect(v, c->w, it);
    items_choose(it, l->result_h - 1);
    y = l->result_y + 1;
    for (int i = 0; i < it->n; i++) {
        struct result_item *x = &it->item[i];
        struct wrap_draw d = {c, y, 1, c->w - 2, x->role, x->lines};

        if (!x->take)
            continue;
        text_wrap(x->text, c->w - 2, wrap_draw_line, &d);
        y += x->lines;
    }
    free(it);
}

/* The status line. */
static void draw_status(struct canvas *c, const struct view_lab *v,
                        const struct view_layout *l)
{
    char buf[512];

    canvas_fill(c, l->status_y, 0, 1, c->w, L' ', ROLE_STATUS);
    snprintf(buf, sizeof buf, " %s/%s | %s%s%s | step %llu | %s%s%s",
             v->lab_name ? v->lab_name : "", v->variant ? v->variant : "",
             v->backend ? v->backend : "", v->sched && v->sched[0] ? " " : "",
             v->sched ? v->sched : "", (unsigned long long)v->step,
             v->state ? v->state : "", v->speed ? " | " : "",
             v->speed ? v->speed : "");
    canvas_put(c, l->status_y, 0, ROLE_STATUS, buf, c->w);
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
    "1-9", "pick",    "e",     "end",    "+/-", "speed",  "r",    "restart",
    "v",   "variant", "s",     "sched",  "p",   "params", "b",    "backend",
    "w",   "save",    "R",     "repeat", "q",   "back",
};
#define LAB_NKEYS ((int)(sizeof lab_keys / sizeof lab_keys[0]))

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
        draw_lanes(c, v, &l);
    panel_draw(c, v, l.state_x, l.head_y, l.state_w, l.result_y);
    draw_result(c, v, &l);
    draw_status(c, v, &l);
    if (v->message && v->message[0]) {
        canvas_fill(c, l.keys_y, 0, 1, c->w, L' ', ROLE_NORMAL);
        canvas_put(c, l.keys_y, 1, v->message_error ? ROLE_ERROR : ROLE_SELECT,
                   v->message, c->w - 2);
    } else {
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
