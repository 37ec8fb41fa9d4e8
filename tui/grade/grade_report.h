/* SPDX-License-Identifier: MIT */
/*
 * grade_report.h - the grader's output formats.
 *
 *   text        readable, the default; colour only on a terminal, never
 *               with NO_COLOR or TERM=dumb
 *   json        the whole report as plain JSON
 *   gradescope  Gradescope's results.json: a "tests" array (name, score,
 *               max_score, status, output, tags, visibility); the
 *               top-level score is left out, so Gradescope sums the tests
 *   tap         TAP version 14: plan first, YAML diagnostics (outcome,
 *               expected, got, schedule, replay) under each failure
 *   junit       JUnit XML: <failure> for a wrong result, a misuse or a
 *               forbidden call, <error type=...> for a crash, deadlock,
 *               timeout, ...,
 *               <skipped> for a check that could not be graded
 *
 * Text and TAP are written as each exercise finishes (and flushed), so a
 * crash of the grader itself leaves what was graded; the others are one
 * document, written at the end. Every string a submission could have
 * shaped is escaped for its format so that any bytes keep it valid:
 * invalid UTF-8 becomes U+FFFD (JSON, XML), control characters escapes or
 * '?', markup entities (so "]]>" and closing tags are text). No format contains
 * a timing, so the same submission and seed give the same bytes, but
 * for the stress checks (real threads, reported only and never scored),
 * whose outcome and words may differ from run to run (--no-stress leaves
 * them out).
 */
#ifndef RL_GRADE_REPORT_H
#define RL_GRADE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "grade.h"

enum grade_format {
    GRADE_FMT_TEXT,
    GRADE_FMT_JSON,
    GRADE_FMT_GRADESCOPE,
    GRADE_FMT_TAP,
    GRADE_FMT_JUNIT,
};

/* Parse a --format value. Returns 0, or -1 for an unknown name. */
int grade_format_parse(const char *name, enum grade_format *out);
/* The file extension of a format ("txt", "json", "tap", "xml"). */
const char *grade_format_ext(enum grade_format f);

/* A writer of one report to f as the grading goes. */
struct grade_writer {
    FILE *f;
    enum grade_format fmt;
    bool color;
};

/* color: use colour (text only); the caller decides (grade_want_color). */
void grade_writer_init(struct grade_writer *w, FILE *f, enum grade_format fmt,
                       bool color);
/* The sink for grade_run() that writes through w. */
struct grade_sink grade_writer_sink(struct grade_writer *w);

/* Whether to colour text written to f: a terminal, NO_COLOR unset, TERM
 * not dumb. */
bool grade_want_color(FILE *f);

/* Write a finished report in fmt (all at once). */
void grade_report_write(FILE *f, enum grade_format fmt,
                        const struct grade_report *r, bool color);

/* Roster summaries of the first n students of a roster of total: one CSV
 * line / JSON object per student (students: the names as shown, escaped
 * by the caller; files: each report's file name). The JSON says whether
 * the roster is complete (n == total): the summaries are rewritten after
 * each student, so a grader stopped half way leaves what it graded. */
void grade_summary_csv(FILE *f, const char *const *students,
                       const struct grade_report *reports, int n);
void grade_summary_json(FILE *f, const char *const *students,
                        const char *const *files,
                        const struct grade_report *reports, int n, int total);

#endif
