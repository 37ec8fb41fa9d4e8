/* SPDX-License-Identifier: MIT */
/*
 * view_lanes.c - the swimlanes of the lab screen (see view.h): a column per
 * thread with its name and state in the header, a row per record with its
 * symbol, and the note of a marked record (a lost update, a race) in words
 * on the rows below it. When the columns get narrow, a record's text gets
 * shorter - the engine's full text, its medium and short forms (core's
 * renderer, run_text_record.c), then objects by short names that a
 * legend row spells out - so that nothing is cut mid-word. Owns those short names
 * (struct view_names), made afresh for each frame. Plain data in, cells
 * out: no engine state, no curses.
 */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mem.h"
#include "../../core/racelab.h"
#include "view_impl.h"

/* Lane cells narrower than this put the text right after the symbol. */
#define LANE_SPACED_MIN 8
/* The narrowest lane: symbol + 3 characters. */
#define LANE_MIN 4
/* Rows a note below a marked record may take. */
#define NOTE_MAX_LINES 5

/* Short names of the objects, for narrow lanes; the legend lists those
 * used. */
struct view_names {
    int n;
    char (*alias)[12];
    bool *used;
};

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

/* Where the suffix of name that tells its kind apart starts: its
 * trailing digits ("slot1"), or an array element's index ("fork_[2]",
 * "buffer[10]"). */
static size_t alias_suffix(const char *name)
{
    size_t n = strlen(name), d = n;

    if (n > 2 && name[n - 1] == ']') {
        d = n - 1;
        while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
            d--;
        if (d > 0 && d < n - 1 && name[d - 1] == '[')
            return d - 1;
        d = n;
    }
    while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
        d--;
    return d;
}

/* A candidate short name for name: its initials ("not_empty" -> "ne",
 * "q.all_tasks_done" -> "qatd", "lock_A" -> "lA") with its trailing digits
 * or index ("slot1" -> "s1", "fork_[2]" -> "f[2]"); with extra > 0, the
 * first extra+1 letters instead. */
static void alias_make(const char *name, int extra, char *out, size_t len)
{
    size_t n = strlen(name), d = alias_suffix(name), o = 0;

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

/* A short name for a name with a path (a C program's memory): each
 * identifier by its initials and trailing digits, the path's brackets,
 * indices and dots kept, a heap block's allocation site left out:
 * "accounts[1].balance" -> "a[1].b", "heap#2@prog.c:31[1].lo" ->
 * "h#2[1].l", "main:ids[2]" -> "m:i[2]". "" for a name without an index,
 * a function or a site (a lab's "q.all_tasks_done" keeps its initials),
 * or whose short name does not fit. */
static void alias_path(const char *name, char *out, size_t len)
{
    size_t o = 0;
    const char *p = name;

    out[0] = '\0';
    if (!strpbrk(name, "[:@"))
        return;
    while (*p && o + 1 < len) {
        if (*p == '@') { /* "@file.c:LINE": the block is named by #N */
            p++;
            while (*p && *p != ':')
                p++;
            if (*p == ':')
                p++;
            while (*p >= '0' && *p <= '9')
                p++;
            continue;
        }
        if (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
            const char *e = p, *d;
            while (*e == '_' || (*e >= 'a' && *e <= 'z') ||
                   (*e >= 'A' && *e <= 'Z') || (*e >= '0' && *e <= '9'))
                e++;
            for (d = e; d > p && d[-1] >= '0' && d[-1] <= '9';)
                d--;
            for (const char *q = p; q < d && o + 1 < len; q++)
                if ((q == p || q[-1] == '_') && *q != '_')
                    out[o++] = *q;
            for (; d < e && o + 1 < len; d++)
                out[o++] = *d;
            p = e;
            continue;
        }
        out[o++] = *p++;
    }
    out[*p || o + 1 >= len ? 0 : o] = '\0';
}

/* Whether alias a of object i clashes with another object's name or an
 * earlier object's alias. */
static bool alias_clash(const struct view_lab *v, const struct view_names *nm,
                        int i, const char *a)
{
    for (int j = 0; j < v->nobjs; j++) {
        const char *o = v->objs[j].name ? v->objs[j].name : "?";

        if (j != i && (strcmp(o, a) == 0 ||
                       (j < i && strcmp(nm->alias[j], a) == 0)))
            return true;
    }
    return false;
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

        alias_path(name, nm->alias[i], sizeof nm->alias[i]);
        if (nm->alias[i][0] && strlen(nm->alias[i]) < strlen(name) &&
            !alias_clash(v, nm, i, nm->alias[i]))
            continue;
        for (int extra = 0;; extra++) {
            alias_make(name, extra, nm->alias[i], sizeof nm->alias[i]);
            if (strlen(nm->alias[i]) >= strlen(name) ||
                (size_t)extra >= strlen(name)) {
                snprintf(nm->alias[i], sizeof nm->alias[i], "%.*s",
                         (int)sizeof nm->alias[i] - 1, name);
                break;
            }
            if (!alias_clash(v, nm, i, nm->alias[i]))
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
static void rec_short_forms(const struct view_lab *v, const struct view_rec *r,
                            const char *o, char *med, char *shrt, size_t len)
{
    const struct rl_record *rec = &r->rec;
    struct rl_record_names n;
    char tn[RL_NAME_MAX + 4];

    memset(&n, 0, sizeof n);
    n.obj = o;
    {
        int i = obj_index(v, rec->obj);

        /* a C program's objects in its own words (cond_signal: signal) */
        n.posix = i >= 0 && v->objs[i].posix;
    }
    n.other = view_thread_name(v, rec->other, tn, sizeof tn);
    n.lock = "?";
    n.check = "?";
    n.values = r->values;
    rl_record_format(rec, &n, RL_TEXT_MEDIUM, med, len);
    rl_record_format(rec, &n, RL_TEXT_SHORT, shrt, len);
}

/* Whether text names the object of r, in full or by its short name. */
static bool rec_names_obj(const struct view_lab *v, const struct view_rec *r,
                          const struct view_names *nm, const char *text)
{
    int i = obj_index(v, r->rec.obj);

    return strstr(text, view_obj_name(v, r->rec.obj)) != NULL ||
           (nm && i >= 0 && i < nm->n && strstr(text, nm->alias[i]) != NULL);
}

static char *rec_text_fit(const struct view_lab *v, const struct view_rec *r,
                          int width, struct view_names *nm, char *buf,
                          size_t len);

/* A C program's value in words without its allocation site:
 * "&heap#2@prog.c:14+8" -> "&heap#2+8" (the block's number names it in
 * the run; the state panel and the note give the site). False if value
 * has none. */
static bool value_compact(const char *value, char *out, size_t len)
{
    const char *at = value[0] == '&' ? strchr(value, '@') : NULL;
    const char *end, *colon;

    if (!at)
        return false;
    colon = strchr(at, ':');
    if (!colon)
        return false;
    end = colon + 1;
    while (*end >= '0' && *end <= '9')
        end++;
    snprintf(out, len, "%.*s%s", (int)(at - value), value, end);
    return true;
}

/* r's values with their allocation sites left out (value_compact); false
 * if none had one. */
static bool values_compact(const struct rl_record_values *in,
                           struct rl_record_values *out)
{
    bool any = false;

    *out = *in;
    any |= value_compact(in->arg, out->arg, sizeof out->arg);
    any |= value_compact(in->before, out->before, sizeof out->before);
    any |= value_compact(in->after, out->after, sizeof out->after);
    return any;
}

/* The object of v named name[0 .. n), in full or without its
 * allocation site (value_compact's "heap#2[1].lo"), or -1. */
static int obj_named(const struct view_lab *v, const char *name, size_t n)
{
    char amp[RL_VALUE_TEXT_MAX + 1], cut[RL_VALUE_TEXT_MAX + 1];

    for (int j = 0; j < v->nobjs; j++) {
        const char *o = v->objs[j].name;
        if (!o)
            continue;
        if (strlen(o) == n && strncmp(o, name, n) == 0)
            return j;
        snprintf(amp, sizeof amp, "&%s", o);
        if (value_compact(amp, cut, sizeof cut) && strlen(cut + 1) == n &&
            strncmp(cut + 1, name, n) == 0)
            return j;
    }
    return -1;
}

/* A C program's value in the words of the objects' short names: the
 * short name of the object it points to when one has it (nm), else as
 * alias_path writes one ("&heap#2@prog.c:14.next" -> "&h#2.n",
 * "&slots[3]" -> "&s[3]"), a freed block's " (freed)" kept. False if
 * value has none. */
static bool value_alias(const struct view_lab *v, const struct view_names *nm,
                        const char *value, char *out, size_t len)
{
    char name[RL_VALUE_TEXT_MAX], al[RL_VALUE_TEXT_MAX];
    const char *end;

    if (value[0] != '&')
        return false;
    end = strchr(value, ' ');
    if (!end)
        end = value + strlen(value);
    snprintf(name, sizeof name, "%.*s", (int)(end - value - 1), value + 1);
    int j = obj_named(v, name, strlen(name));
    if (nm && j >= 0 && j < nm->n)
        snprintf(al, sizeof al, "%s", nm->alias[j]);
    else
        alias_path(name, al, sizeof al);
    if (!al[0] || strlen(al) >= strlen(name))
        return false;
    snprintf(out, len, "&%s%s", al, end);
    return true;
}

/* r's values by the short names (value_alias); false if none has one. */
static bool values_alias(const struct view_lab *v, const struct view_names *nm,
                         const struct rl_record_values *in,
                         struct rl_record_values *out)
{
    bool any = false;

    *out = *in;
    any |= value_alias(v, nm, in->arg, out->arg, sizeof out->arg);
    any |= value_alias(v, nm, in->before, out->before, sizeof out->before);
    any |= value_alias(v, nm, in->after, out->after, sizeof out->after);
    return any;
}

/* Mark used the objects whose short names text gives for r's values
 * (the legend spells them out). */
static void values_alias_used(const struct view_lab *v, struct view_names *nm,
                              const struct rl_record_values *in,
                              const char *text)
{
    const char *vals[3] = {in->arg, in->before, in->after};

    for (int k = 0; nm && k < 3; k++) {
        if (vals[k][0] != '&')
            continue;
        int j = obj_named(v, vals[k] + 1, strcspn(vals[k] + 1, " "));
        if (j >= 0 && j < nm->n && strstr(text, nm->alias[j]))
            nm->used[j] = true;
    }
}

/* Whether r's text at width would name its object (nothing is marked
 * used: a probe). */
static bool rec_probe_names(const struct view_lab *v, const struct view_rec *r,
                            int width, struct view_names *nm)
{
    int i = obj_index(v, r->rec.obj);
    bool used = nm && i >= 0 && i < nm->n && nm->used[i];
    char buf[128];

    rec_text_fit(v, r, width, nm, buf, sizeof buf);
    if (nm && i >= 0 && i < nm->n)
        nm->used[i] = used;
    return rec_names_obj(v, r, nm, buf);
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
            /* a text cut to fit would lose its end, one without its
             * object's name says little: then the text alone, if that
             * names it */
            if (buf[0] != '\0' && text_cells(buf) <= width - sw &&
                strlen(buf) + (size_t)sw < len &&
                (r->rec.obj < 0 || rec_names_obj(v, r, nm, buf) ||
                 !rec_probe_names(v, &plain, width, nm))) {
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
    rec_short_forms(v, r, o, med, shrt, sizeof med);
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

        rec_short_forms(v, r, al, amed, ashrt, sizeof amed);
        if (text_cells(amed) <= width || text_cells(ashrt) <= width) {
            snprintf(buf, len, "%s", text_cells(amed) <= width ? amed : ashrt);
            if (strcmp(al, o) != 0 && strstr(buf, al))
                names_alias(v, nm, r->rec.obj);
            return buf;
        }
    }
    if (r->values) {
        /* a pointer's value without its allocation site, then as the
         * short names write it */
        struct rl_record_values cv, av;
        bool alias = values_alias(v, nm, r->values, &av);
        struct view_rec c = *r;

        if (values_compact(r->values, &cv)) {
            c.values = &cv;
            rec_text_fit(v, &c, width, nm, buf, len);
            if (!alias || text_cells(buf) <= width) {
                values_alias_used(v, nm, r->values, buf);
                return buf;
            }
        }
        if (alias) {
            c.values = &av;
            rec_text_fit(v, &c, width, nm, buf, len);
            values_alias_used(v, nm, r->values, buf);
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

/* ---- drawing the lanes --------------------------------------------------- */

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

/* Lines of a note at width w (at most NOTE_MAX_LINES). */
static int note_lines(const char *note, int w)
{
    int n;

    if (!note || !note[0] || w < 8)
        return 0;
    n = text_wrap(note, w - 2, view_wrap_count, NULL);
    return n > NOTE_MAX_LINES ? NOTE_MAX_LINES : n;
}

struct note_draw {
    struct view_wrap text; /* the note's text, two cells right of its mark */
    bool first;
};

/* text_wrap callback: a line of a note, "^ " before the first. */
static void note_draw_line(void *ctx, const char *s, size_t n)
{
    struct note_draw *d = ctx;
    struct view_wrap *w = &d->text;

    if (w->left <= 0)
        return;
    canvas_put(w->c, w->y, w->x - 2, w->role, d->first ? "^ " : "  ", 2);
    view_wrap_line(w, s, n);
    d->first = false;
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
void view_lanes_draw(struct canvas *c, const struct view_lab *v,
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
        struct view_wrap d = {c, y, l->lanes_x + sw + 1, avail - 1, ROLE_DIM,
                              2, 0};

        legend_text(v, &nm, text, sizeof text);
        text_wrap(text, avail - 1, view_wrap_line, &d);
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
            if (r->lost || r->race || r->wakeup) {
                /* the mark: the store that lost, the racing access, the
                 * wait that never ends */
                sym = r->race ? '~' : '!';
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
            struct note_draw d = {
                {c, y, nx + 2, nw - 2,
                 r->note_plain ? role_thread(r->rec.thread) : ROLE_FAIL,
                 note_lines(r->note, nw), 0},
                true};

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
                   v->end != RL_END_RUNNING ? "no records"
                   : v->backend && strcmp(v->backend, "os") == 0
                       ? "no steps yet: space starts the threads, ? helps"
                       : "no steps yet: n steps, space runs, ? helps",
                   avail - 1);
    free(texts);
    names_free(&nm);
}
