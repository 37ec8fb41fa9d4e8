/* SPDX-License-Identifier: MIT */
/*
 * program_lab.h - a plain C program (`racelab run prog.c`) as a lab made
 * at run time, so that run, explore, replay and the TUI treat it like any
 * lab: one variant ("main"), no parameters, and a program built apart
 * (core/program.c, RL_BUILD_PLAINC) that runs in a child process.
 *
 * The lab's name is its sources joined by '+' ("tests/programs/race.c",
 * "a.c+b.c", a folder "src"): it is the LAB field of the schedule string
 * a run prints (rl1:race.c:main::CHOICES), so replay finds the program
 * again and rebuilds it from the same files (the build cache makes that
 * free when they did not change). -I / -D flags and the program's own
 * arguments are not part of the name: replay takes them again.
 *
 * On the os backend the program is built without instrumentation and run
 * as the real program (program_lab_run_native).
 */
#ifndef RL_PROGRAM_LAB_H
#define RL_PROGRAM_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lab.h"

#define PROGRAM_LAB_MAX_ARGS 8

/* What a program is built and run from. Strings must outlive the lab. */
struct program_spec {
    const char *sources[RL_BUILD_MAX_ITEMS + 1]; /* files or folders */
    const char *flags[RL_BUILD_MAX_ITEMS + 1];   /* "-Idir", "-DN=1" */
    const char *args[PROGRAM_LAB_MAX_ARGS + 1];  /* the program's argv[1..] */
};

/* Whether a LAB operand names a program rather than a lab: it ends in
 * ".c", holds a '+' between sources, or is a folder (and has no ':', which
 * a schedule string has). */
bool program_lab_is_program(const char *name);

/* Split name ("a.c+b.c") into spec->sources, pointing into a copy kept
 * for the life of the process. Returns 0, or -1 with a message. */
int program_lab_split(const char *name, struct program_spec *spec, char *err,
                      size_t errlen);

/* Build the program for sim (instrumented, cached) and make its lab.
 * Returns the lab, or NULL with a message in err; *compile_error is then
 * true when err holds the compiler's own messages (file:line). */
const struct lab *program_lab_open(const struct program_spec *spec,
                                   bool *compile_error, char *err,
                                   size_t errlen);

/* The compiler's warnings of the program's build (rl_program_warnings)
 * into buf; returns their length, 0 when there are none. */
size_t program_lab_warnings(const struct lab *lab, char *buf, size_t len);

/* Whether lab was made by program_lab_open. */
bool program_lab_is(const struct lab *lab);

/* "race.c:12" of a record's pc, and the source line (blanks trimmed) in
 * src when it fits srclen, else "". Returns 0, or -1 when lab is not a
 * program or pc has no location (buf and src are then ""). */
int program_lab_where(const struct lab *lab, uintptr_t pc, char *buf,
                      size_t len, char *src, size_t srclen);

/* One run of the real program on the os backend. */
struct program_native_run {
    int status;        /* exit status, or 128 + signal */
    bool timed_out;    /* killed after timeout_ms */
    char output[2048]; /* stdout and stderr (the first bytes) */
};

/* Build the program plainly (no instrumentation; cached) for the os
 * backend. Returns 0, or -1 with a message (*compile_error as above). */
int program_lab_build_native(const struct lab *lab, bool *compile_error,
                             char *err, size_t errlen);
/* Run the native build once in a child (own process group, output
 * captured, stdin /dev/null), killed after timeout_ms. Returns 0, or -1
 * with a message when it cannot be started. */
int program_lab_run_native(const struct lab *lab, int timeout_ms,
                           struct program_native_run *out, char *err,
                           size_t errlen);

#endif
