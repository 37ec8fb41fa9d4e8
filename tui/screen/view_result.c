/* SPDX-License-Identifier: MIT */
/*
 * view_result.c - the result area of the lab screen (see view.h): a
 * verdict line, then what the run says as items of text - failed checks,
 * the engine's account of the end (a deadlock's wait-for cycle), the
 * schedule string, data races and lost updates, the checks that held -
 * each with a priority, so that when the area is short what failed and why
 * survives and a last line says how much was left out; m opens the whole
 * of it, scrolled. The items are made afresh for each frame and freed
 * before it ends. Plain data in, cells out: no engine state, no curses.
 */
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mem.h"
#include "view_impl.h"

/* Result items considered at most. */
#define RESULT_MAX_ITEMS 96

struct result_item {
    int role;
    int prio; /* higher survives when the area is short */
    int lines;
    bool take;
    bool schedule; /* the schedule string: said in one line if it does
                      not fit whole (never cut: it would not replay) */
    char *text;    /* allocated */
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
    i->schedule = false;
    n = strlen(prefix) + strlen(text) + 1;
    i->text = rl_xmalloc(n);
    snprintf(i->text, n, "%s%s", prefix, text);
    i->lines = text_wrap(i->text, w > 2 ? w - 2 : 1, view_wrap_count, NULL);
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
    const char *body;
    char head[48];

    if (!v->end_text || !colon)
        return false;
    body = colon + 2;
    /* "deadlock: T0 waits to join T1; ...": the end text says it, its
     * last words perhaps otherwise ("notify" for "signal") */
    if (strncmp(message, "deadlock: ", 10) == 0) {
        snprintf(head, sizeof head, "%.24s", body);
    } else {
        snprintf(head, sizeof head, "%s", body);
    }
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

/* Whether an analysis line ("[race] data race on hits: ...") is what a
 * failed check already says (a C program's "no data race": say it once). */
static bool in_a_failed_check(const struct view_lab *v, const char *line)
{
    const char *body = strstr(line, "] ");

    body = body ? body + 2 : line;
    for (int i = 0; i < v->nchecks; i++)
        if (!v->checks[i].ok && v->checks[i].message &&
            strstr(v->checks[i].message, body))
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
        if (n && !(skip_checked && in_a_check(v, line)) &&
            !(!skip_checked && in_a_failed_check(v, line)))
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
    if (v->schedule && v->schedule[0]) {
        items_add(it, w, ROLE_NORMAL, 3, "schedule: ", v->schedule);
        struct result_item *x = it->n > 0 ? &it->item[it->n - 1] : NULL;

        if (x && strncmp(x->text, "schedule: ", 10) == 0)
            x->schedule = true;
    }
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
            } else if (used < avail && x->schedule) {
                /* too long to show here: say so in its place */
                size_t len = strlen(x->text) - 10;

                free(x->text);
                x->text = rl_xmalloc(96);
                snprintf(x->text, 96,
                         "schedule: %zu characters (m shows it, w saves it)",
                         len);
                x->lines = 1;
                x->take = true;
                used++;
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

/* Lines the result area says in rows lines; see view_impl.h. */
int view_result_fit_lines(const struct view_lab *v, int w, int rows)
{
    struct result_items *it = rl_xmalloc(sizeof *it);
    int n;

    result_fit(v, w, rows, it);
    n = items_lines(it);
    items_free(it);
    free(it);
    return n;
}

/* The verdict line and its role, in its longest form for width w. */
static void verdict_words(const struct view_lab *v, char *buf, size_t len,
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
        if (v->hist) /* a repeat: its runs are counted, not its steps */
            snprintf(buf, len, " %s ", v->state ? v->state : "repeating");
        else
            snprintf(buf, len, " %s: step %llu ",
                     v->state ? v->state : "running",
                     (unsigned long long)v->step);
        return;
    case RL_END_DONE:
        if (v->passed) {
            *role = ROLE_OK;
            snprintf(buf, len, " PASSED: every check holds%s ",
                     v->expect_pass || v->no_expect ? ""
                     : narrow       ? " (this time)"
                                    : " (this time; other schedules fail)");
            if (w < 48 && !v->expect_pass && !v->no_expect)
                snprintf(buf, len, " PASSED (this time) "); /* a pane */
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
        /* exit() mid-run, or main returning a failure status: the
         * checks below say which */
        if (v->exit_status >= 0)
            snprintf(buf, len, " EXITED with status %ld ", v->exit_status);
        else
            snprintf(buf, len, " EXITED before the run was over ");
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

/* The verdict line and its role, in the w - 4 cells it has: a form too
 * long is cut after a whole word, never in one, and never inside "(...)"
 * (" CRASHED: the program was killed " in a pane side by side). */
static void verdict_text(const struct view_lab *v, char *buf, size_t len,
                         int *role, int w)
{
    size_t cut = 0;

    verdict_words(v, buf, len, role, w);
    if (text_cells(buf) <= w - 4)
        return;
    for (size_t i = 1; buf[i]; i++) {
        if (buf[i] != ' ')
            continue;
        char keep = buf[i + 1];

        buf[i + 1] = '\0';
        if (text_cells(buf) <= w - 4)
            cut = i + 1;
        buf[i + 1] = keep;
    }
    if (cut == 0)
        return; /* not even the first word: the canvas cuts it */
    buf[cut] = '\0';
    char *open = strchr(buf, '(');

    if (open && !strchr(open, ')'))
        *open = '\0'; /* " PASSED ... " rather than an open "(" */
    /* end on a word, not on ":" or ";" */
    size_t n = strlen(buf);

    while (n > 1 && (buf[n - 1] == ' ' || buf[n - 1] == ':' ||
                     buf[n - 1] == ';'))
        buf[--n] = '\0';
    if (n + 1 < len)
        strcpy(buf + n, " ");
}

/* The result area: verdict, then the items that fit, and a line saying
 * what does not; open (m), everything from result_scroll on. */
void view_result_draw(struct canvas *c, const struct view_lab *v,
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
            struct view_wrap d = {c, y, 1, c->w - 2, x->role,
                                  l->result_y + 1 + shown - y, skip};

            text_wrap(x->text, c->w - 2, view_wrap_line, &d);
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
            struct view_wrap d = {c, y, 1, c->w - 2, x->role, x->lines, 0};

            if (!x->take)
                continue;
            text_wrap(x->text, c->w - 2, view_wrap_line, &d);
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
