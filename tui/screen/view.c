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
 * '#' blocked, '!' error, failed check or lost update, '~' data race, '*'
 * signal, '>' start, '.' finish, '%' where two runs side by side part), so
 * the screen reads the same in monochrome; each thread's lane has its own
 * colour besides. When the columns get narrow, record texts get shorter
 * (the engine's "store counter <- 42", then "counter<-42", then objects by
 * short names, "c<-42", which a legend row spells out) instead of being
 * cut mid-word.
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
/* Rows a note below a marked record may take. */
#define NOTE_MAX_LINES 5

/* Short names of the objects, for narrow lanes; the legend lists those
 * used. */
struct view_names {
    int n;
    char (*alias)[12];
    bool *used;
};

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

/* The symbol and role of a record: core's class of it (run_text.c, the
 * one renderer of records) as a colour role. */
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

/* ---- abbreviations ------------------------------------------------------ */

/* The position of object id in v->objs, or -1. */
static int obj_index(const struct view_lab *v, int id)
{
    if (id >= 0 && id < v->nobjs && v->objs[id].id == id)
        return id;
    for (int i = 0; i < v->nobjs; i++)
        if (v->objs[i].id == id)
            return i;
    return -1;
}

/* A candidate short name for name: its initials ("not_empty" -> "ne",
 * "q.all_tasks_done" -> "qatd", "lock_A" -> "lA") with its trailing digits
 * ("slot1" -> "s1"); with extra > 0, the first extra+1 letters instead. */
static void alias_make(const char *name, int extra, char *out, size_t len)
{
    size_t n = strlen(name), d = n, o = 0;

    while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
        d--;
    if (extra > 0) {
        for (size_t i = 0; i < d && o + 1 < len && (int)i <= extra; i++)
            out[o++] = name[i];
    } else {
        for (size_t i = 0; i < d && o + 1 < len; i++)
            if (i == 0 || name[i - 1] == '_' || name[i - 1] == '.' ||
                name[i - 1] == '-' || name[i - 1] == ' ')
                if (name[i] != '_' && name[i] != '.' && name[i] != '-')
                    out[o++] = name[i];
    }
    for (size_t i = d; i < n && o + 1 < len; i++)
        out[o++] = name[i];
    out[o] = '\0';
}

/* Short names of every object of v (unique, never longer than the name),
 * and which of them the lanes used. */
static void names_build(const struct view_lab *v, struct view_names *nm)
{
    nm->n = v->nobjs;
    nm->alias = rl_xcalloc((size_t)(nm->n > 0 ? nm->n : 1), sizeof *nm->alias);
    nm->used = rl_xcalloc((size_t)(nm->n > 0 ? nm->n : 1), sizeof *nm->used);
    for (int i = 0; i < nm->n; i++) {
        const char *name = v->objs[i].name ? v->objs[i].name : "?";

        for (int extra = 0;; extra++) {
            bool clash = false;

            alias_make(name, extra, nm->alias[i], sizeof nm->alias[i]);
            if (strlen(nm->alias[i]) >= strlen(name) ||
                (size_t)extra >= strlen(name)) {
                snprintf(nm->alias[i], sizeof nm->alias[i], "%.*s",
                         (int)sizeof nm->alias[i] - 1, name);
                break;
            }
            for (int j = 0; j < v->nobjs && !clash; j++) {
                const char *o = v->objs[j].name ? v->objs[j].name : "?";

                clash = j != i && (strcmp(o, nm->alias[i]) == 0 ||
                                   (j < i && strcmp(nm->alias[j],
                                                    nm->alias[i]) == 0));
            }
            if (!clash)
                break;
        }
    }
}

/* Free the short names. */
static void names_free(struct view_names *nm)
{
    free(nm->alias);
    free(nm->used);
    memset(nm, 0, sizeof *nm);
}

/* The short name of object id, marked as used (for the legend); its full
 * name when there is none or nm is NULL. */
static const char *names_alias(const struct view_lab *v,
                               struct view_names *nm, int id)
{
    int i = obj_index(v, id);

    if (!nm || i < 0 || i >= nm->n)
        return view_obj_name(v, id);
    if (strcmp(nm->alias[i], view_obj_name(v, id)) != 0)
        nm->used[i] = true;
    return nm->alias[i];
}

/* ---- record texts ------------------------------------------------------- */

/* Two shorter forms of a record, naming its object o: medium
 * ("counter<-42") and short ("<-42"), as core's renderer writes them. */
static void rec_short_forms(const struct view_lab *v,
                            const struct rl_record *rec, const char *o,
                            char *med, char *shrt, size_t len)
{
    struct rl_record_names n;
    char tn[RL_NAME_MAX + 4];

    memset(&n, 0, sizeof n);
    n.obj = o;
    n.other = view_thread_name(v, rec->other, tn, sizeof tn);
    n.lock = "?";
    n.check = "?";
    rl_record_format(rec, &n, RL_TEXT_MEDIUM, med, len);
    rl_record_format(rec, &n, RL_TEXT_SHORT, shrt, len);
}

/* The text of r for width cells; with nm, objects may go by their short
 * names (marked used) before the text loses them. Returns buf. */
static char *rec_text_fit(const struct view_lab *v, const struct view_rec *r,
                          int width, struct view_names *nm, char *buf,
                          size_t len)
{
    char med[128], shrt[128];
    const char *o = view_obj_name(v, r->rec.obj);
    bool has_obj = r->rec.obj >= 0;

    if (width <= 0) {
        buf[0] = '\0';
        return buf;
    }
    if (r->line > 0) {
        /* A program's step: its source line after the text, if both fit
         * in the lane; else the text alone. */
        struct view_rec plain = *r;
        char suffix[16];
        int sw = snprintf(suffix, sizeof suffix, " @%d", r->line);

        plain.line = 0;
        if (width > sw + 6) {
            rec_text_fit(v, &plain, width - sw, nm, buf, len);
            if (buf[0] != '\0' && strlen(buf) + (size_t)sw < len) {
                strcat(buf, suffix);
                return buf;
            }
        }
        return rec_text_fit(v, &plain, width, nm, buf, len);
    }
    if (r->text && text_cells(r->text) <= width) {
        snprintf(buf, len, "%s", r->text);
        return buf;
    }
    rec_short_forms(v, &r->rec, o, med, shrt, sizeof med);
    if (text_cells(med) <= width) {
        snprintf(buf, len, "%s", med);
        return buf;
    }
    if (r->rec.op == RL_OP_ACQUIRE && r->rec.result == RL_RES_BLOCKED) {
        snprintf(buf, len, "wait %s", o);
        if (text_cells(buf) <= width)
            return buf;
    }
    /* the short form, while it still names the object in full */
    if (has_obj && strstr(shrt, o) && text_cells(shrt) <= width) {
        snprintf(buf, len, "%s", shrt);
        return buf;
    }
    if (nm && has_obj) {
        /* then with the object's short name (the legend says which) */
        int i = obj_index(v, r->rec.obj);
        const char *al = i >= 0 && i < nm->n ? nm->alias[i] : o;
        char amed[128], ashrt[64];

        rec_short_forms(v, &r->rec, al, amed, ashrt, sizeof amed);
        if (text_cells(amed) <= width || text_cells(ashrt) <= width) {
            snprintf(buf, len, "%s", text_cells(amed) <= width ? amed : ashrt);
            if (strcmp(al, o) != 0 && strstr(buf, al))
                names_alias(v, nm, r->rec.obj);
            return buf;
        }
    }
    snprintf(buf, len, "%s", shrt); /* canvas_put cuts it */
    return buf;
}

/* The text of a record for a lane cell of width cells. Returns buf. */
char *view_rec_text(const struct view_lab *v, const struct view_rec *r,
                    int width, char *buf, size_t len)
{
    return rec_text_fit(v, r, width, NULL, buf, len);
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
    char *text; /* allocated */
};

struct result_items {
    struct result_item item[RESULT_MAX_ITEMS];
    int n;
};

/* Add an item (wrapped to width w) unless the list is full. */
static void items_add(struct result_items *it, int w, int role, int prio,
                      const char *prefix, const char *text)
{
    struct result_item *i;
    size_t n;

    if (it->n >= RESULT_MAX_ITEMS)
        return;
    i = &it->item[it->n++];
    i->role = role;
    i->prio = prio;
    i->take = false;
    n = strlen(prefix) + strlen(text) + 1;
    i->text = rl_xmalloc(n);
    snprintf(i->text, n, "%s%s", prefix, text);
    i->lines = text_wrap(i->text, w > 2 ? w - 2 : 1, wrap_count, NULL);
    if (i->lines < 1)
        i->lines = 1;
}

/* Free the items' texts. */
static void items_free(struct result_items *it)
{
    for (int i = 0; i < it->n; i++)
        free(it->item[i].text);
    it->n = 0;
}

/* Whether a check's message is what the end text says in full below
 * ("deadlock: T0 holds L, ..." cut short in the check, whole in the end
 * text): then the check goes by its name alone. */
static bool said_below(const struct view_lab *v, const char *message)
{
    const char *colon = strstr(message, ": ");
    char head[48];

    if (!v->end_text || !colon)
        return false;
    snprintf(head, sizeof head, "%s", colon + 2);
    return strlen(head) >= 20 && strstr(v->end_text, head) != NULL;
}

/* Whether a check's message already says line (the engine's checks often
 * repeat the end text: say it once). */
static bool in_a_check(const struct view_lab *v, const char *line)
{
    for (int i = 0; i < v->nchecks; i++)
        if (v->checks[i].message && strstr(v->checks[i].message, line) &&
            !said_below(v, v->checks[i].message))
            return true;
    return false;
}

/* Add each line of text as an item. */
static void items_add_lines(struct result_items *it, const struct view_lab *v,
                            int w, int role, int prio, const char *text,
                            bool skip_checked)
{
    char line[512];

    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);

        if (n >= sizeof line)
            n = sizeof line - 1;
        memcpy(line, p, n);
        line[n] = '\0';
        /* the wait-for cycle is the lesson of a deadlock */
        if (n && !(skip_checked && in_a_check(v, line)))
            items_add(it, w, role, strstr(line, "cycle") ? prio + 1 : prio, "",
                      line);
        p += n;
        if (*p == '\n')
            p++;
    }
}

/* What the result area says below its verdict line, in the order shown:
 * what failed and why first, the schedule string, races and lost updates,
 * then what held (each in
 * full with oks_full or when the area is open, else one line of names). */
static void result_collect(const struct view_lab *v, int w,
                           struct result_items *it, bool oks_full)
{
    char line[512], oks[512];
    size_t no = 0;

    it->n = 0;
    if (v->end == RL_END_RUNNING) {
        if (v->hist)
            return;
        items_add(it, w, ROLE_DIM, 1, "",
                  "The checks are judged when every thread has finished.");
        return;
    }
    for (int i = 0; i < v->nchecks; i++) {
        const struct rl_check_result *k = &v->checks[i];

        if (k->ok)
            continue;
        if (!k->message || !k->message[0] ||
            (k->name && strcmp(k->name, k->message) == 0) ||
            said_below(v, k->message))
            snprintf(line, sizeof line, "[!!] %s", k->name ? k->name : "check");
        else
            snprintf(line, sizeof line, "[!!] %s: %s",
                     k->name ? k->name : "check", k->message);
        items_add(it, w, ROLE_FAIL, 5, "", line);
    }
    items_add_lines(it, v, w, ROLE_ERROR, 4, v->end_text, true);
    if (v->schedule && v->schedule[0])
        items_add(it, w, ROLE_NORMAL, 3, "schedule: ", v->schedule);
    /* Races and lost updates: shown even when the checks hold, since a
     * race that did no harm in this schedule may in the next. */
    items_add_lines(it, v, w, ROLE_ERROR, 2, v->analysis, false);
    oks[0] = '\0';
    for (int i = 0; i < v->nchecks; i++) {
        const struct rl_check_result *k = &v->checks[i];
        const char *name = k->name ? k->name : "check";

        if (!k->ok)
            continue;
        if (v->result_open || oks_full) {
            /* "[ok] no deadlock", not "[ok] no deadlock: no deadlock" */
            if (!k->message || !k->message[0] || strcmp(name, k->message) == 0)
                snprintf(line, sizeof line, "[ok] %s", name);
            else
                snprintf(line, sizeof line, "[ok] %s: %s", name, k->message);
            items_add(it, w, ROLE_OK, 1, "", line);
        } else if (no + strlen(name) + 8 < sizeof oks) {
            no += (size_t)snprintf(oks + no, sizeof oks - no, "%s%s",
                                   no ? ", " : "[ok] ", name);
        }
    }
    if (oks[0])
        items_add(it, w, ROLE_OK, 1, "", oks);
}

/* Choose the items that fit in avail lines, by priority, and keep one line
 * to say what did not fit. Returns the lines left out. */
static int items_choose(struct result_items *it, int avail)
{
    int used = 0, total = 0;

    for (int i = 0; i < it->n; i++)
        total += it->item[i].lines;
    if (total <= avail) {
        for (int i = 0; i < it->n; i++)
            it->item[i].take = true;
        return 0;
    }
    avail--; /* "... N more lines" */
    for (int prio = 9; prio >= 0; prio--)
        for (int i = 0; i < it->n; i++) {
            struct result_item *x = &it->item[i];

            if (x->prio != prio || x->take)
                continue;
            if (used + x->lines <= avail) {
                x->take = true;
                used += x->lines;
            } else if (used < avail && x->prio >= 4) {
                /* cut a long, important item to what is left */
                x->lines = avail - used;
                x->take = true;
                used = avail;
            }
        }
    return total - used;
}

/* Lines of the items collected. */
static int items_lines(const struct result_items *it)
{
    int n = 0;

    for (int i = 0; i < it->n; i++)
        n += it->item[i].lines;
    return n;
}

/* Collect what the result area says in rows lines (verdict excluded):
 * the checks that held in full when everything then fits. */
static void result_fit(const struct view_lab *v, int w, int rows,
                       struct result_items *it)
{
    result_collect(v, w, it, true);
    if (!v->result_open && items_lines(it) > rows) {
        items_free(it);
        result_collect(v, w, it, false);
    }
}

/* Lines the result area has to say, all of it; see view.h. */
int view_result_lines(const struct view_lab *v, int w)
{
    struct result_items *it = rl_xmalloc(sizeof *it);
    struct view_lab open = *v;
    int n = 0;

    open.result_open = true;
    result_collect(&open, w, it, true);
    for (int i = 0; i < it->n; i++)
        n += it->item[i].lines;
    items_free(it);
    free(it);
    return n;
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
    /* once the run has ended, what it says matters more than its rows */
    maxr = v->end == RL_END_RUNNING ? (h - 4) / 3 : (h - 4) / 2;
    if (v->result_open)
        maxr = h - 4 - 3;
    result_fit(v, w, maxr - 1, it);
    need += items_lines(it);
    items_free(it);
    free(it);
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

/* The word for a thread's state in its lane header; objects by their short
 * names when nm is not NULL. */
static void thread_state_text(const struct view_lab *v,
                              const struct rl_thread_view *t,
                              struct view_names *nm, char *buf, size_t len,
                              int *role)
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
            snprintf(buf, len, "#%s(%s)", names_alias(v, nm, t->waiting_on),
                     view_thread_name(v, t->holder, hn, sizeof hn));
        else if (t->waiting_on >= 0)
            snprintf(buf, len, "#%s", names_alias(v, nm, t->waiting_on));
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

struct wrap_draw {
    struct canvas *c;
    int y, x, w, role, left;
    int skip; /* lines scrolled out above: counted, not drawn */
};

/* text_wrap callback: draw one wrapped line while lines are left. */
static void wrap_draw_line(void *ctx, const char *s, size_t n)
{
    struct wrap_draw *d = ctx;
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

/* Lines of a note at width w (at most NOTE_MAX_LINES). */
static int note_lines(const char *note, int w)
{
    int n;

    if (!note || !note[0] || w < 8)
        return 0;
    n = text_wrap(note, w - 2, wrap_count, NULL);
    return n > NOTE_MAX_LINES ? NOTE_MAX_LINES : n;
}

struct note_draw {
    struct canvas *c;
    int y, x, w, role, left;
    bool first;
};

/* text_wrap callback: a line of a note, "^ " before the first. */
static void note_draw_line(void *ctx, const char *s, size_t n)
{
    struct note_draw *d = ctx;
    char buf[512];

    if (d->left <= 0)
        return;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    canvas_put(d->c, d->y, d->x, d->role, d->first ? "^ " : "  ", 2);
    canvas_put(d->c, d->y++, d->x + 2, d->role, buf, d->w - 2);
    d->first = false;
    d->left--;
}

/* Where the note of r goes: under its mark when there is room to the
 * right of it, else from the first lane. */
static void note_place(const struct view_layout *l, const struct view_rec *r,
                       int sw, int cw, int shown, int *nx, int *nw)
{
    int t = r->rec.thread;
    int x = t >= 0 && t < shown ? l->lanes_x + sw + t * cw + 1
                                : l->lanes_x + sw + 1;

    if (l->lanes_x + l->lanes_w - x < 40)
        x = l->lanes_x + sw + 1;
    *nx = x;
    *nw = l->lanes_x + l->lanes_w - x - 1;
}

/* The legend of the short names used, "legend: c=counter ne=not_empty". */
static void legend_text(const struct view_lab *v, const struct view_names *nm,
                        char *buf, size_t len)
{
    size_t o = (size_t)snprintf(buf, len, "legend:");

    for (int i = 0; i < nm->n && o + 1 < len; i++) {
        int k;

        if (!nm->used[i])
            continue;
        k = snprintf(buf + o, len - o, " %s=%s", nm->alias[i],
                     v->objs[i].name ? v->objs[i].name : "?");
        if (k < 0)
            break;
        o += (size_t)k;
    }
}

/* The swimlanes: headers, the legend of short names, record rows with the
 * notes of marked records below them. */
static void draw_lanes(struct canvas *c, const struct view_lab *v,
                       const struct view_layout *l)
{
    uint64_t maxseq = 0;
    int sw, avail, shown, cw, tw, textw, first, rows, y, nx, nw;
    char buf[256], name[RL_NAME_MAX + 4], st[64];
    char (*texts)[128];
    struct view_names nm;
    bool legend = false;

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
    tw = cw - 1;
    textw = tw >= LANE_SPACED_MIN ? tw - 2 : tw - 1;
    names_build(v, &nm);
    texts = rl_xcalloc((size_t)(v->nrecs > 0 ? v->nrecs : 1), sizeof *texts);
    /* the texts first: whether a legend is needed depends on them */
    for (int i = 0; i < v->nrecs; i++) {
        const struct view_rec *r = &v->recs[i];
        int t = r->rec.thread;

        if (t < 0 || t >= shown) {
            if (t < 0)
                snprintf(name, sizeof name, "setup");
            else
                view_thread_name(v, t, name, sizeof name);
            rec_text_fit(v, r, avail - 4 - (int)strlen(name), &nm, texts[i],
                         sizeof texts[i]);
        } else {
            rec_text_fit(v, r, textw, &nm, texts[i], sizeof texts[i]);
        }
    }
    /* headers */
    canvas_put(c, l->head_y, l->lanes_x, ROLE_DIM, "#", sw);
    for (int t = 0; t < shown && t < v->nthreads; t++) {
        const struct rl_thread_view *tv = &v->threads[t];
        int x = l->lanes_x + sw + t * cw, role;

        view_thread_label(v, t, name, sizeof name);
        thread_state_text(v, tv, NULL, st, sizeof st, &role);
        snprintf(buf, sizeof buf, "%s %s", name, st);
        if (text_cells(buf) > cw - 1) { /* the objects' short names */
            thread_state_text(v, tv, &nm, st, sizeof st, &role);
            snprintf(buf, sizeof buf, "%s %s", name, st);
        }
        if (text_cells(buf) > cw - 1) /* narrow: the name and a symbol */
            snprintf(buf, sizeof buf, "%s%s", name,
                     tv->state == RL_T_BLOCKED ? "#"
                     : tv->state == RL_T_DONE  ? "."
                                               : "");
        if (t == v->current_thread && role == ROLE_HEADER)
            role = ROLE_CURRENT;
        canvas_put(c, l->head_y, x + 1, role, buf, cw - 1);
        /* the thread's own colour on its name (the state keeps its role) */
        if (role != ROLE_CURRENT)
            canvas_paint(c, l->head_y, x + 1,
                         text_cells(name) < cw - 1 ? text_cells(name) : cw - 1,
                         role_thread(t));
    }
    if (shown < v->nthreads) {
        snprintf(buf, sizeof buf, "+%d", v->nthreads - shown);
        canvas_put(c, l->head_y, l->lanes_x + l->lanes_w - (int)strlen(buf),
                   ROLE_DIM, buf, -1);
    }
    for (int i = 0; i < nm.n; i++)
        legend = legend || nm.used[i];
    rows = l->rows_h;
    y = l->rows_y;
    if (legend && l->rows_h > 4) {
        char text[1024];
        struct wrap_draw d = {c, y, l->lanes_x + sw + 1, avail - 1, ROLE_DIM,
                              2, 0};

        legend_text(v, &nm, text, sizeof text);
        text_wrap(text, avail - 1, wrap_draw_line, &d);
        rows -= d.y - y;
        y = d.y;
    }
    /* which records fit, newest at the bottom, each with its note */
    first = v->nrecs;
    for (int used = 0; first > 0;) {
        int need;

        note_place(l, &v->recs[first - 1], sw, cw, shown, &nx, &nw);
        need = 1 + note_lines(v->recs[first - 1].note, nw);

        if (used + need > rows)
            break;
        used += need;
        first--;
    }
    for (int i = first; i < v->nrecs; i++) {
        const struct view_rec *r = &v->recs[i];
        int t = r->rec.thread, role, x;
        bool cur = v->current && r->rec.seq == v->current;

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
            canvas_printf(c, y++, l->lanes_x + sw + 1, ROLE_DIM, avail - 1,
                          "%s: %s", name, texts[i]);
        } else {
            x = l->lanes_x + sw + t * cw + 1;
            if (r->lost || r->race) { /* the mark, at the store it lost */
                sym = r->lost ? '!' : '~';
                role = ROLE_FAIL;
            }
            if (r->differs) { /* side by side: where the runs part */
                sym = '%';
                role = ROLE_ERROR;
            }
            if (cur)
                role = ROLE_CURRENT;
            if (tw >= LANE_SPACED_MIN)
                canvas_printf(c, y, x, role, tw, "%c %s", sym, texts[i]);
            else
                canvas_printf(c, y, x, role, tw, "%c%s", sym, texts[i]);
            /* the text in the thread's colour; the symbol keeps what the
             * event is, and a mark, a block or an error its whole row */
            if (role == ROLE_VALUE || role == ROLE_ACQUIRE ||
                role == ROLE_RELEASE || role == ROLE_SIGNAL ||
                role == ROLE_DIM || role == ROLE_NORMAL)
                canvas_paint(c, y, x + 1, tw - 1, role_thread(t));
            y++;
        }
        note_place(l, r, sw, cw, shown, &nx, &nw);
        if (note_lines(r->note, nw) > 0) {
            struct note_draw d = {c, y, nx, nw, ROLE_FAIL,
                                  note_lines(r->note, nw), true};

            text_wrap(r->note, nw - 2, note_draw_line, &d);
            y += note_lines(r->note, nw);
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
    free(texts);
    names_free(&nm);
}

/* The verdict line and its role. */
static void verdict_text(const struct view_lab *v, char *buf, size_t len,
                         int *role, int w)
{
    int nfail = 0;
    bool narrow = w < 72; /* the short forms, for a large font */

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
                     v->expect_pass || v->no_expect ? ""
                     : narrow       ? " (this time)"
                                    : " (this time; other schedules fail)");
        } else {
            *role = ROLE_FAIL;
            snprintf(buf, len, " FAILED: %d of %d checks failed%s ", nfail,
                     v->nchecks,
                     v->no_expect ? ""
                     : narrow ? (v->expect_pass ? " (unexpected)" : " (expected)")
                     : v->expect_pass ? " (unexpected for this variant)"
                                      : " (as this variant is expected to)");
            if (w < 48) /* a pane side by side */
                snprintf(buf, len, " FAILED: %d of %d checks%s ", nfail,
                         v->nchecks,
                         v->expect_pass ? " (unexpected)" : " (expected)");
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
    case RL_END_FAILED:
        *role = ROLE_ERROR;
        snprintf(buf, len, " FAILED: stopped at the failing step ");
        return;
    case RL_END_EXIT:
        *role = ROLE_ERROR;
        snprintf(buf, len, " EXITED: the program called exit() ");
        return;
    case RL_END_ASSERT:
        *role = ROLE_ERROR;
        snprintf(buf, len, " ASSERTION FAILED ");
        return;
    case RL_END_CRASH:
        *role = ROLE_ERROR;
        snprintf(buf, len, " CRASHED: the program was killed by a signal ");
        return;
    case RL_END_PROTOCOL:
        *role = ROLE_ERROR;
        snprintf(buf, len, " STOPPED: the program broke racelab's protocol ");
        return;
    case RL_END_INCOMPLETE:
        *role = ROLE_ERROR;
        snprintf(buf, len, " INCOMPLETE: the program stopped answering ");
        return;
    }
    *role = ROLE_NORMAL;
    snprintf(buf, len, " ended ");
}

/* The result area: verdict, then the items that fit, and a line saying
 * what does not; open (m), everything from result_scroll on. */
static void draw_result(struct canvas *c, const struct view_lab *v,
                        const struct view_layout *l)
{
    struct result_items *it = rl_xmalloc(sizeof *it);
    char buf[256];
    int role, y, rows = l->result_h - 1, left, total = 0;

    verdict_text(v, buf, sizeof buf, &role, c->w);
    canvas_fill(c, l->result_y, 0, 1, c->w, L'=', ROLE_BORDER);
    canvas_put(c, l->result_y, 2, role, buf, c->w - 4);
    result_fit(v, c->w, rows, it);
    y = l->result_y + 1;
    if (v->result_open) {
        int skip, shown;

        for (int i = 0; i < it->n; i++)
            total += it->item[i].lines;
        skip = v->result_scroll;
        if (skip > total - rows)
            skip = total - rows;
        if (skip < 0)
            skip = 0;
        shown = total - skip > rows ? rows - 1 : total - skip;
        left = total - skip - shown;
        for (int i = 0; i < it->n && y < l->result_y + 1 + shown; i++) {
            struct result_item *x = &it->item[i];
            struct wrap_draw d = {c, y, 1, c->w - 2, x->role,
                                  l->result_y + 1 + shown - y, skip};

            text_wrap(x->text, c->w - 2, wrap_draw_line, &d);
            skip = d.skip;
            y = d.y;
        }
        if (left > 0)
            snprintf(buf, sizeof buf,
                     " ... %d more line%s: Down scrolls, m closes ", left,
                     left == 1 ? "" : "s");
        else
            snprintf(buf, sizeof buf, " m closes ");
        canvas_put(c, left > 0 ? l->result_y + rows : l->result_y,
                   left > 0 ? 1 : c->w - text_cells(buf) - 2, ROLE_SELECT, buf,
                   c->w - 2);
    } else {
        left = items_choose(it, rows);
        for (int i = 0; i < it->n; i++) {
            struct result_item *x = &it->item[i];
            struct wrap_draw d = {c, y, 1, c->w - 2, x->role, x->lines, 0};

            if (!x->take)
                continue;
            text_wrap(x->text, c->w - 2, wrap_draw_line, &d);
            y += x->lines;
        }
        if (left > 0) {
            snprintf(buf, sizeof buf, " ... %d more line%s: m shows all ", left,
                     left == 1 ? "" : "s");
            canvas_put(c, l->result_y + rows, 1, ROLE_SELECT, buf, c->w - 2);
        }
    }
    items_free(it);
    free(it);
}

/* The status line: the speed goes first when it does not fit. */
static void draw_status(struct canvas *c, const struct view_lab *v,
                        const struct view_layout *l)
{
    char buf[512];

    canvas_fill(c, l->status_y, 0, 1, c->w, L' ', ROLE_STATUS);
    for (int form = 0; form < 2; form++) {
        bool speed = form == 0 && v->speed;

        snprintf(buf, sizeof buf, " %s/%s | %s%s%s | step %llu | %s%s%s",
                 v->lab_name ? v->lab_name : "", v->variant ? v->variant : "",
                 v->backend ? v->backend : "",
                 v->sched && v->sched[0] ? " " : "", v->sched ? v->sched : "",
                 (unsigned long long)v->step, v->state ? v->state : "",
                 speed ? " | " : "", speed ? v->speed : "");
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

/* The status line of a plain C program: the step's source line first,
 * where the eye looks (drawn over the lab's status line). */
static void draw_detail(struct canvas *c, const struct view_lab *v,
                        const struct view_layout *l)
{
    char buf[512];

    canvas_fill(c, l->status_y, 0, 1, c->w, L' ', ROLE_STATUS);
    snprintf(buf, sizeof buf, " step %llu: %s | %s | %s%s%s",
             (unsigned long long)v->step, v->detail, v->state ? v->state : "",
             v->sched ? v->sched : "", v->speed ? " | " : "",
             v->speed ? v->speed : "");
    canvas_put(c, l->status_y, 0, ROLE_STATUS, buf, c->w);
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
        draw_lanes(c, v, &l);
    if (!v->compact)
        panel_draw(c, v, l.state_x, l.head_y, l.state_w, l.result_y);
    draw_result(c, v, &l);
    draw_status(c, v, &l);
    if (v->detail)
        draw_detail(c, v, &l);
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
