/* SPDX-License-Identifier: MIT */
/*
 * grade_report_impl.h - what the files of the report formats share, and
 * nothing else (grade_report.h is the interface).
 *
 *   grade_report.c    the formats' names, the writer and its sink, the
 *                     formats streamed as the grading goes (text, TAP),
 *                     the facts every format shares (the scoring scheme,
 *                     which checks name their rule, what is an error)
 *   grade_document.c  the formats written at the end as one document
 *                     (JSON, Gradescope, JUnit XML), the roster
 *                     summaries, and the escaping of JSON strings
 *
 * Nothing here keeps state: each call writes to the FILE it is given, on
 * the caller's thread.
 */
#ifndef RL_GRADE_REPORT_IMPL_H
#define RL_GRADE_REPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "grade_report.h"

/* ---- grade_report.c ------------------------------------------------------ */

/* The scoring scheme of r in a few lines (the points and the rules) into
 * buf. */
void grade_report_scoring(const struct grade_report *r, char *buf, size_t len);

/* Whether a check's report names its rule: it lost points it could have
 * had. */
bool grade_report_shows_rule(const struct grade_check *c);

/* Whether outcome o is an error (a crash, a deadlock, a timeout, ...)
 * rather than a pass, a wrong result, a misuse or a skip. */
bool grade_report_is_error(enum grade_outcome o);

/* ---- grade_document.c ---------------------------------------------------- */

/* A JSON string: any bytes give valid JSON (invalid UTF-8 becomes
 * U+FFFD, control characters \uXXXX escapes); also a valid YAML
 * double-quoted scalar (TAP). */
void grade_document_json_str(FILE *f, const char *s);

/* The whole report as JSON. */
void grade_document_json(FILE *f, const struct grade_report *r);

/* Gradescope's results.json (the top-level score left to the sum). */
void grade_document_gradescope(FILE *f, const struct grade_report *r);

/* JUnit XML: one testsuite per exercise, one testcase per check. */
void grade_document_junit(FILE *f, const struct grade_report *r);

#endif
