/* SPDX-License-Identifier: MIT */
/*
 * grade_report.c - text, JSON, Gradescope, TAP 14 and JUnit XML renderings
 * of a grade report (see grade_report.h): the formats and their names,
 * the writer that streams text and TAP as the grading goes and hands the
 * whole report to the others at the end (grade_document.c), and the
 * facts every format shares.
 *
 * Every format is built from the same per-check facts (outcome, points,
 * the failed check and its message, how it was found, the schedule and
 * the replay command, the captured output); only the escaping and the
 * layout differ. Escaping is per format: JSON strings, YAML double-quoted
 * strings (TAP), XML attributes and text (JUnit).
 */
#include "../../core/text.h"
#include "grade_report_impl.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCORING_POINTS                                                         \
    "builds 1, single 2, safety 4, misuse 1, liveness 2 points per "           \
    "scenario; os stress reported only. "

/* The scoring scheme of r in a few lines: the points and the rules. */
void grade_report_scoring(const struct grade_report *r, char *buf, size_t len)
{
    snprintf(buf, len,
             "%s%s. Single-thread, liveness and progress checks "
             "score only when the exercise's other safety checks pass. "
             "Every check that loses points names the rule it was scored "
             "by.",
             SCORING_POINTS,
             r->partial_credit
                 ? "Partial credit (--partial-credit): a safety or liveness "
                   "failure that needs preemptions keeps part of its points "
                   "(1 preemption 25%, 2 preemptions 50%, only random/PCT "
                   "75%)"
                 : "All or nothing: a check that fails under any explored "
                   "schedule scores 0");
}

/* Whether a check's report names its rule: it lost points it could have
 * had. */
bool grade_report_shows_rule(const struct grade_check *c)
{
    return c->points < c->max_points;
}

/* The format named name. */
int grade_format_parse(const char *name, enum grade_format *out)
{
    static const char *const names[] = {"text", "json", "gradescope", "tap",
                                        "junit"};
    for (int i = 0; i < 5; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (enum grade_format)i;
            return 0;
        }
    return -1;
}

/* File extension for a format's reports. */
const char *grade_format_ext(enum grade_format f)
{
    static const char *const ext[] = {"txt", "json", "json", "tap", "xml"};
    return ext[f];
}

/* Colour only on a terminal that has it, and never with NO_COLOR. */
bool grade_want_color(FILE *f)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    if (nc != NULL && nc[0] != '\0')
        return false;
    if (term == NULL || strcmp(term, "dumb") == 0)
        return false;
    return isatty(fileno(f)) != 0;
}

/* ---- shared facts ------------------------------------------------------- */

bool grade_report_is_error(enum grade_outcome o)
{
    return o != GRADE_PASS && o != GRADE_WRONG && o != GRADE_MISUSE_ERR &&
           o != GRADE_FORBIDDEN && o != GRADE_SKIPPED;
}

/* The exercise a check belongs to. */
static const struct grade_exercise *exercise_of(const struct grade_report *r,
                                                const struct grade_check *c)
{
    int i = c->index - 1;
    for (int e = 0; e < r->nex; e++)
        if (i >= r->ex[e].first && i < r->ex[e].first + r->ex[e].nchecks)
            return &r->ex[e];
    return NULL;
}

/* ---- text --------------------------------------------------------------- */

static const char *tag_of(const struct grade_check *c)
{
    if (c->outcome == GRADE_PASS)
        return "PASS";
    if (c->outcome == GRADE_SKIPPED)
        return "SKIP";
    if (c->kind == GRADE_STRESS)
        return "NOTE";
    return grade_report_is_error(c->outcome) ? "ERROR" : "FAIL";
}

/* The ANSI colour of a tag. */
static const char *color_of(const char *tag)
{
    if (strcmp(tag, "PASS") == 0)
        return "\033[32m";
    if (strcmp(tag, "SKIP") == 0 || strcmp(tag, "NOTE") == 0)
        return "\033[33m";
    return "\033[31m";
}

/* Print text with every line prefixed. */
static void print_prefixed(FILE *f, const char *prefix, const char *text)
{
    const char *p = text;
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
        fprintf(f, "%s%.*s\n", prefix, (int)n, p);
        p += n;
        if (*p == '\n')
            p++;
    }
}

/* Print text after first, wrapped at width, later lines after indent. */
static void print_wrapped(FILE *f, const char *first, const char *indent,
                          const char *text, size_t width)
{
    size_t col = strlen(first);
    fputs(first, f);
    for (const char *p = text; *p != '\0';) {
        size_t w = strcspn(p, " ");
        if (col > strlen(indent) && col + 1 + w > width) {
            fprintf(f, "\n%s", indent);
            col = strlen(indent);
        } else if (col > strlen(indent) && p != text) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, w, f);
        col += w;
        p += w;
        while (*p == ' ')
            p++;
    }
    fputc('\n', f);
}

/* Text: the header, with the scoring scheme. */
static void text_begin(struct grade_writer *w, const struct grade_report *r)
{
    char scoring[1024];
    grade_report_scoring(r, scoring, sizeof scoring);
    char sub[4 * sizeof r->submission];
    /* A roster's folder names are the students': shown safely, on one
     * line (a newline as \n, an invalid byte as \xNN). */
    rl_text_escape(sub, sizeof sub, r->submission, strlen(r->submission));
    fprintf(w->f, "racelab grade: %s, seed %llu\n", sub,
            (unsigned long long)r->seed);
    print_wrapped(w->f, "scoring: ", "  ", scoring, 78);
    fflush(w->f);
}

/* Text: one check, with its exercise's header before and total after. */
static void text_check(struct grade_writer *w, const struct grade_report *r,
                       const struct grade_check *c)
{
    FILE *f = w->f;
    const struct grade_exercise *ge = exercise_of(r, c);
    const char *tag = tag_of(c);
    char pts[32], replay[8192];

    if (ge != NULL && c->index - 1 == ge->first) {
        char file[4 * sizeof ge->file];
        rl_text_escape(file, sizeof file, ge->file, strlen(ge->file));
        fprintf(f, "\n%s (%s)\n", ge->ex->name, file);
    }
    if (c->max_points > 0)
        snprintf(pts, sizeof pts, "%d/%d", c->points, c->max_points);
    else
        snprintf(pts, sizeof pts, "-");
    fprintf(f, "  %s%-5s%s %-28s %5s  ", w->color ? color_of(tag) : "", tag,
            w->color ? "\033[0m" : "", c->name, pts);
    if (c->outcome == GRADE_PASS) {
        fprintf(f, "%s\n", c->summary);
        if (c->message[0] != '\0')
            fprintf(f, "        %s\n", c->message);
        if (c->detail[0] != '\0')
            print_prefixed(f, "        ", c->detail);
    } else {
        fprintf(f, "%s%s\n", grade_outcome_name(c->outcome),
                c->kind == GRADE_STRESS ? " (reported only, not scored)" : "");
        if (c->check[0] != '\0')
            fprintf(f, "        %s: %s\n", c->check, c->message);
        else if (c->message[0] != '\0')
            fprintf(f, "        %s\n", c->message);
        if (c->summary[0] != '\0')
            fprintf(f, "        %s\n", c->summary);
        if (c->cls != GRADE_CLASS_NONE && c->outcome != GRADE_NONDET)
            fprintf(f, "        the failure %s\n", grade_class_text(c->cls));
        if (c->detail[0] != '\0')
            print_prefixed(f, "        ", c->detail);
        if (c->schedule != NULL) {
            grade_replay_command(r, c, replay, sizeof replay);
            fprintf(f, "        schedule: %s\n        replay:   %s\n",
                    c->schedule, replay);
        }
    }
    if (grade_report_shows_rule(c)) {
        char rule[512];
        snprintf(rule, sizeof rule, "rule (%s): %s", grade_rule_name(c->rule),
                 grade_rule_text(c->rule));
        print_wrapped(f, "        ", "          ", rule, 78);
    }
    if (c->output != NULL && c->output[0] != '\0') {
        fprintf(f, "        output of the code (not a verdict):\n");
        print_prefixed(f, "        | ", c->output);
    }
    if (ge != NULL && c->index == ge->first + ge->nchecks)
        fprintf(f, "  %s: %d/%d points\n", ge->ex->name, ge->points,
                ge->max_points);
    fflush(f);
}

/* Text: the total. */
static void text_end(struct grade_writer *w, const struct grade_report *r)
{
    fprintf(w->f, "\ntotal: %d/%d points\n", r->points, r->max_points);
    fflush(w->f);
}

/* ---- TAP 14 ------------------------------------------------------------- */

/* A YAML double-quoted scalar. */
static void yaml_str(FILE *f, const char *s)
{
    /* JSON strings are valid YAML double-quoted scalars */
    grade_document_json_str(f, s);
}

/* TAP: the version line and the plan, first. */
static void tap_begin(struct grade_writer *w, const struct grade_report *r)
{
    char sub[4 * sizeof r->submission];
    rl_text_escape(sub, sizeof sub, r->submission, strlen(r->submission));
    fprintf(w->f, "TAP version 14\n1..%d\n# racelab grade: %s, seed %llu\n",
            r->nchecks, sub, (unsigned long long)r->seed);
    fflush(w->f);
}

/* TAP: one test point, with YAML diagnostics when it failed. */
static void tap_check(struct grade_writer *w, const struct grade_report *r,
                      const struct grade_check *c)
{
    FILE *f = w->f;
    char replay[8192];
    if (c->outcome == GRADE_PASS) {
        fprintf(f, "ok %d - %s: %s\n", c->index, c->exercise, c->name);
        if (grade_report_shows_rule(c)) {
            fprintf(f, "  ---\n  points: %d\n  max_points: %d\n  rule: ",
                    c->points, c->max_points);
            yaml_str(f, grade_rule_text(c->rule));
            fprintf(f, "\n  ...\n");
        }
        fflush(f);
        return;
    }
    if (c->outcome == GRADE_SKIPPED) {
        fprintf(f, "ok %d - %s: %s # SKIP %s\n", c->index, c->exercise, c->name,
                c->message);
        fflush(f);
        return;
    }
    fprintf(f, "not ok %d - %s: %s%s\n", c->index, c->exercise, c->name,
            c->kind == GRADE_STRESS ? " # TODO reported only, not scored" : "");
    fprintf(f, "  ---\n  outcome: ");
    yaml_str(f, grade_outcome_name(c->outcome));
    fprintf(f, "\n  points: %d\n  max_points: %d\n", c->points, c->max_points);
    if (c->check[0] != '\0') {
        fprintf(f, "  check: ");
        yaml_str(f, c->check);
        fprintf(f, "\n");
    }
    fprintf(f, "  expected: ");
    yaml_str(f, c->expected[0] != '\0' ? c->expected : "the check passes");
    fprintf(f, "\n  got: ");
    yaml_str(f, c->message);
    fprintf(f, "\n");
    if (c->summary[0] != '\0') {
        fprintf(f, "  found: ");
        yaml_str(f, c->summary);
        fprintf(f, "\n");
    }
    if (c->detail[0] != '\0') {
        fprintf(f, "  detail: ");
        yaml_str(f, c->detail);
        fprintf(f, "\n");
    }
    if (c->schedule != NULL) {
        grade_replay_command(r, c, replay, sizeof replay);
        fprintf(f, "  schedule: ");
        yaml_str(f, c->schedule);
        fprintf(f, "\n  replay: ");
        yaml_str(f, replay);
        fprintf(f, "\n");
    }
    if (grade_report_shows_rule(c)) {
        fprintf(f, "  rule: ");
        yaml_str(f, grade_rule_text(c->rule));
        fprintf(f, "\n");
    }
    if (c->output != NULL && c->output[0] != '\0') {
        fprintf(f, "  output: ");
        yaml_str(f, c->output);
        fprintf(f, "\n");
    }
    fprintf(f, "  ...\n");
    fflush(f);
}

/* TAP: the total as a comment. */
static void tap_end(struct grade_writer *w, const struct grade_report *r)
{
    fprintf(w->f, "# total: %d/%d points\n", r->points, r->max_points);
    fflush(w->f);
}

/* ---- the sink ----------------------------------------------------------- */

static void sink_begin(void *ctx, const struct grade_report *r)
{
    struct grade_writer *w = ctx;
    if (w->fmt == GRADE_FMT_TEXT)
        text_begin(w, r);
    else if (w->fmt == GRADE_FMT_TAP)
        tap_begin(w, r);
}

/* Sink: stream one check (text, TAP). */
static void sink_check(void *ctx, const struct grade_report *r,
                       const struct grade_check *c)
{
    struct grade_writer *w = ctx;
    if (w->fmt == GRADE_FMT_TEXT)
        text_check(w, r, c);
    else if (w->fmt == GRADE_FMT_TAP)
        tap_check(w, r, c);
}

/* Sink: the end, or the whole document for the other formats. */
static void sink_end(void *ctx, const struct grade_report *r)
{
    struct grade_writer *w = ctx;
    switch (w->fmt) {
    case GRADE_FMT_TEXT:
        text_end(w, r);
        break;
    case GRADE_FMT_TAP:
        tap_end(w, r);
        break;
    case GRADE_FMT_JSON:
        grade_document_json(w->f, r);
        break;
    case GRADE_FMT_GRADESCOPE:
        grade_document_gradescope(w->f, r);
        break;
    case GRADE_FMT_JUNIT:
        grade_document_junit(w->f, r);
        break;
    }
    fflush(w->f);
}

/* Set up a writer to f. */
void grade_writer_init(struct grade_writer *w, FILE *f, enum grade_format fmt,
                       bool color)
{
    w->f = f;
    w->fmt = fmt;
    w->color = color && fmt == GRADE_FMT_TEXT;
}

/* The sink that writes through w. */
struct grade_sink grade_writer_sink(struct grade_writer *w)
{
    struct grade_sink s = {sink_begin, sink_check, sink_end, w};
    return s;
}

/* Render a finished report. */
void grade_report_write(FILE *f, enum grade_format fmt,
                        const struct grade_report *r, bool color)
{
    struct grade_writer w;
    grade_writer_init(&w, f, fmt, color);
    sink_begin(&w, r);
    for (int i = 0; i < r->nchecks; i++)
        sink_check(&w, r, &r->checks[i]);
    sink_end(&w, r);
}
