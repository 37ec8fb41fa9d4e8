/* SPDX-License-Identifier: MIT */
/*
 * program.h - build a program apart from racelab: compile sources with the
 * system's C compiler into an executable that links the engine and serves
 * racelab as a child process (core/child.h, core/mirror.c).
 *
 * Two kinds:
 *   RL_BUILD_EXERCISE  a student's exercise file (exercises/NAME.c or a
 *                      submission's NAME.c), built with the student_
 *                      prefix and linked with librlex.a: the engine, the
 *                      exercise scenarios and an entry that serves the
 *                      scenario named on its command line.
 *   RL_BUILD_PLAINC    an ordinary pthreads program, instrumented and
 *                      linked with librlprt.a (the plain-C runtime), with
 *                      the flags `make plainc` wrote to plainc/flags.sh
 *                      next to the library (the Makefile's PLAINC_*).
 *   RL_BUILD_NATIVE    the same program as it is (-O1 -g -pthread), no
 *                      library: the real program, for the os backend.
 *
 * Builds are cached in a private directory ($RACELAB_CACHE, else
 * $XDG_CACHE_HOME/racelab, else ~/.cache/racelab), keyed by a hash of the
 * sources' contents, the flags, the compiler and the library: the same
 * sources and flags reuse the executable without running the compiler.
 * Builds of the same name unused for a week are removed after a build.
 * The compiler's messages are returned as it prints them (file:line).
 * Sources are compiled with -Wall; what the compiler says of a build that
 * succeeds (its warnings) is kept with the executable in the cache
 * (EXE.warn), so that a cached build shows the same warnings
 * (rl_program_warnings). A native build keeps none.
 *
 * An exercise build also keeps, next to the executable (its path with
 * ".o" added), the relocatable object of the caller's sources alone:
 * what they call from outside themselves is its undefined symbols
 * (rl_program_undefined), whatever the link then resolved them to.
 */
#ifndef RL_PROGRAM_H
#define RL_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>

struct rl_spawn; /* run.h */

enum rl_build_kind { RL_BUILD_EXERCISE, RL_BUILD_PLAINC, RL_BUILD_NATIVE };

#define RL_BUILD_MAX_ITEMS 32

struct rl_build {
    enum rl_build_kind kind;
    const char *exercise;    /* EXERCISE: its name ("counter") */
    /* Source files, or folders (each *.c in it), NULL-terminated. */
    const char *sources[RL_BUILD_MAX_ITEMS + 1];
    /* Extra -I / -D flags, NULL-terminated. */
    const char *flags[RL_BUILD_MAX_ITEMS + 1];
    /* EXERCISE: a submission from outside racelab's tree, compiled as the
     * grader compiles it: the include path holds only a copy of the
     * student API (core/racelab.h, exercises/NAME.h, in the cache), from
     * which "counter.h", "../core/racelab.h" and the "../../../core/..."
     * of a file written deeper in a tree resolve, but not racelab's
     * sources or solutions/; and the build fails when the submission's
     * object uses anything of librlex.a that core/racelab.h does not
     * declare (the engine's own functions). */
    bool api_only;
    /* With api_only: compile a copy of each source in a fresh folder of
     * the cache, by its name alone, so that no relative #include reaches
     * beyond the copy either, and the messages name the file alone
     * ("counter.c:12:5: error: ..."): as the grader builds. */
    bool private_copy;
    /* With private_copy: the messages name each source as given
     * ("exercises/counter.c:12:5: error: ..."), not by its name alone. */
    bool names_as_given;
    /* The cache folder to use; NULL = the default (see above). */
    const char *cache;
    /* The compiler's sandbox (run.h), or NULL: an api_only build of
     * untrusted sources may run the compiler as another user (who must
     * read racelab's home and library); the build folder is then that
     * user's, and what is kept in the cache the caller's again. */
    const struct rl_spawn *spawn;
};

/* Build b (or find it in the cache). Returns 0 with the executable's path
 * in exe, or -1 with the reason in err: the compiler's messages when the
 * sources do not compile ("exercises/counter.c:12:5: error: ..."), cut to
 * fit errlen. */
int rl_program_build(const struct rl_build *b, char *exe, size_t exelen,
                     char *err, size_t errlen);

/* The compiler's warnings of the build whose executable is exe (as
 * rl_program_build returned it), as the student reads them ("race.c:15:7:
 * warning: ..." with the compiler's notes and carets), into buf, without
 * a trailing newline, cut to fit len. Returns the length; 0 and "" when
 * there were none (or exe is a native build). */
size_t rl_program_warnings(const char *exe, char *buf, size_t len);

/* The functions and variables the caller's sources of the exercise build
 * exe use from outside themselves (the undefined symbols of the object
 * kept next to it): fn(ctx, name) for each, in the object's order, until
 * fn returns true. Returns 1 when fn stopped, 0 when every symbol was
 * seen, -1 with a message in err when the object cannot be read. */
int rl_program_undefined(const char *exe,
                         bool (*fn)(void *ctx, const char *name), void *ctx,
                         char *err, size_t errlen);

/* racelab's home, the directory holding core/racelab.h and exercises/:
 * $RACELAB_HOME, else the program's directory or its parent, else
 * PREFIX/share/racelab next to an installed PREFIX/bin/racelab, else the
 * current directory. Returns 0, or -1 with a message in err. */
int rl_home(char *buf, size_t len, char *err, size_t errlen);

/* This tree's file of the exercise name, the student variant's source
 * when no submission is given: exercises/NAME.c in racelab's home (the
 * source tree; "exercises/NAME.c" when that is the current directory),
 * else in the current directory when it is a racelab checkout (an
 * installed racelab, whose home holds the headers only). 0 with the path
 * in buf; else -1 with the home's path in buf and a one-line message
 * saying what to do in err. */
int rl_exercise_source(const char *name, char *buf, size_t len, char *err,
                       size_t errlen);

/* The directory holding the library a kind links with (librlex.a,
 * librlprt.a): $RACELAB_LIBDIR, else next to the program, in its build/
 * folder, its parent, or racelab's home. 0, or -1 with a message. */
int rl_program_libdir(enum rl_build_kind kind, char *buf, size_t len,
                      char *err, size_t errlen);

#endif
