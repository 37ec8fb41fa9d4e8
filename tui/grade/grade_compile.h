/* SPDX-License-Identifier: MIT */
/*
 * grade_compile.h - turning a submission into something the grader can
 * call: find racelab's headers, compile one exercise file into a shared
 * object, and load an implementation's function table.
 *
 * A submission file (counter.c) is compiled where it lies, with the
 * student_ prefix (exercises/exercise.h), into a private .so:
 *
 *   cc -std=c11 -shared -fPIC -DRL_EXERCISE_PREFIX=student_
 *      -I<home>/exercises -I<home> -I<home>/core -Wl,-Bsymbolic
 *      -o <tmp>/counter.so FILE <home>/exercises/impl/counter.c
 *
 * (the second file defines the table of the submission's functions,
 * student_counter_impl, which the header only declares);
 *
 * -I<home>/exercises lets the skeleton's own "../core/racelab.h" and
 * "counter.h" resolve from anywhere (and the others "core/racelab.h" or
 * "racelab.h"); -Bsymbolic makes the table in the .so
 * point at the .so's functions even though racelab exports functions of
 * the same names (the exercises/ it was built with). The .so calls the
 * student API that the racelab binary exports (it is linked -rdynamic).
 *
 * Loading happens in the grader's forked children only, so a constructor
 * in a submission never runs in the grader itself.
 */
#ifndef RL_GRADE_COMPILE_H
#define RL_GRADE_COMPILE_H

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

/* Keep at most max_lines lines and max_bytes bytes of text (in place),
 * saying how much was cut. */
void grade_trim(char *text, size_t max_lines, size_t max_bytes);

#endif
