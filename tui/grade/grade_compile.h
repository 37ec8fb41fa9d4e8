/* SPDX-License-Identifier: MIT */
/*
 * grade_compile.h - what the grader needs of a build besides the build
 * itself (core/program.c builds each exercise into an executable): the
 * exercise's rules checked against what the student's code calls, and
 * compiler output cut to fit a report.
 */
#ifndef RL_GRADE_COMPILE_H
#define RL_GRADE_COMPILE_H

#include <stddef.h>

/* The first function or variable the student's code in the build exe
 * uses from outside itself (rl_program_undefined) that matches one of
 * the fnmatch patterns (NULL-terminated), copied into buf; NULL when
 * there is none (or the object cannot be read). */
const char *grade_forbidden(const char *exe, const char *const *patterns,
                            char *buf, size_t len);

/* Keep at most max_lines lines and max_bytes bytes of text (in place),
 * saying how much was cut. */
void grade_trim(char *text, size_t max_lines, size_t max_bytes);

/* How many of the compiler's messages in text are warnings (lines with
 * ": warning: "); at least 1 when text is not empty (the linker's own
 * words). */
int grade_warning_count(const char *text);

#endif
