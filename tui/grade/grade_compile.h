/* SPDX-License-Identifier: MIT */
/*
 * grade_compile.h - turning a submission into something the grader can
 * call: find racelab's headers, compile one exercise file into a shared
 * object, and load an implementation's function table.
 *
 * A submission file (counter.c) is copied into a private tree that holds
 * only the student API headers (core/racelab.h, exercises/NAME.h) and
 * compiled there, with the student_ prefix (exercises/exercise.h), into a
 * private .so:
 *
 *   cd <tmp>/src && cc -std=c11 -shared -fPIC -DRL_EXERCISE_PREFIX=student_
 *      -I<tmp>/inc/exercises -I<tmp>/inc -I<tmp>/inc/core
 *      -I<tmp>/inc/u/u -I<tmp>/inc/u/u/u -Wl,-Bsymbolic
 *      -o <tmp>/counter.so counter.c <tmp>/inc/exercises/impl/counter.c
 *
 * (the second file defines the table of the submission's functions,
 * student_counter_impl, which the header only declares);
 *
 * The include paths let the skeleton's own "../core/racelab.h" and
 * "counter.h" resolve (and "core/racelab.h", "racelab.h", or the
 * "../../../core/racelab.h" of a file deeper in a tree), but neither they
 * nor a relative #include reach racelab's sources or solutions/.
 * -Bsymbolic makes the table in the .so point at the .so's functions. The
 * .so calls the student API that the racelab binary exports: the program
 * exports that API and the student_*_impl tables only (the Makefile's
 * dynamic list), so a submission cannot call the reference solutions or
 * racelab's internals.
 *
 * Loading happens in the grader's forked children only, so a constructor
 * in a submission never runs in the grader itself.
 */
#ifndef RL_GRADE_COMPILE_H
#define RL_GRADE_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

/* Find the directory holding core/racelab.h and exercises/: $RACELAB_HOME,
 * else the program's directory or its parent, else the current directory.
 * Returns 0, or -1 with a message in err. */
int grade_home(char *buf, size_t len, char *err, size_t errlen);

/* Compile src, an implementation of exercise, with its table into so_path (in a limited child, 60 s). Returns 0 on
 * success, -1 on a compile error; *output (malloc'd, the caller frees) is
 * the compiler's output either way, trimmed. */
int grade_compile(const char *home, const char *exercise, const char *src,
                  const char *so_path, char **output);

/* The function table student_<exercise>_impl: from so_path, or from the
 * racelab binary itself when so_path is NULL. Returns NULL with a message
 * in err ("undefined symbol: counter_incremnt", "does not define
 * student_counter_impl: keep #include \"counter.h\""). The library stays
 * loaded (this runs in a child that exits soon). */
const void *grade_load(const char *so_path, const char *exercise, char *err,
                       size_t errlen);

/* The first function so calls from outside itself (an undefined dynamic
 * symbol) that matches one of the fnmatch patterns (NULL-terminated),
 * copied into buf; NULL when there is none. */
const char *grade_so_forbidden(const char *so, const char *const *patterns,
                               char *buf, size_t len);

/* Keep at most max_lines lines and max_bytes bytes of text (in place),
 * saying how much was cut. */
void grade_trim(char *text, size_t max_lines, size_t max_bytes);

#endif
