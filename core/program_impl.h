/* SPDX-License-Identifier: MIT */
/*
 * program_impl.h - what the files of the build driver share, and nothing
 * else: the helpers one file calls in another (program.h is the
 * interface).
 *
 *   program.c        the build: the flag tables (the one place to change
 *                    how programs are built), plainc/flags.sh, the key,
 *                    compile and link in a fresh folder, rl_program_build
 *   program_find.c   where things are: racelab's home, the library a kind
 *                    links with, the cache folder
 *   program_files.c  the files of a build: the list of sources, hashing
 *                    them into the key, copies into the cache, removing
 *                    a build folder and the builds nobody used
 *   program_cc.c     running the compiler (its own process group, limits,
 *                    a deadline) and turning its messages into the
 *                    student's (no folder of ours in them)
 *   program_api.c    the student API alone: the tree of headers an
 *                    api_only build sees, what an object calls from
 *                    outside itself (rl_program_undefined), and the check
 *                    that it calls nothing of the engine's own
 *
 * Nothing here keeps state: a build is one call on the caller's thread,
 * and concurrent builds (other threads, other racelabs) meet only in the
 * cache, where every file is written under a temporary name and renamed.
 */
#ifndef RL_PROGRAM_IMPL_H
#define RL_PROGRAM_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "program.h"

/* ---- program.c ----------------------------------------------------------- */

/* The file name of the library kind links with ("librlex.a", or
 * "librlprt.a" for RL_BUILD_PLAINC). */
const char *program_library(enum rl_build_kind kind);

/* The file kept next to an executable of the cache with the compiler's
 * warnings ("" when it had none), and the most of them kept. */
#define PROGRAM_WARN_EXT ".warn"
#define PROGRAM_WARN_MAX 16384

/* ---- program_find.c ------------------------------------------------------ */

/* The cache folder (want, else the default of program.h) into buf,
 * created (0700). 0, or -1 with a message in err. */
int program_cache_dir(const char *want, char *buf, size_t len, char *err,
                      size_t errlen);

/* ---- program_files.c ----------------------------------------------------- */

/* A build's source files, each path malloc'd. */
struct program_sources {
    char **v;
    int n, cap;
};

/* Append a copy of path. */
void program_sources_add(struct program_sources *l, const char *path);

/* b's files and folders (each *.c in it, sorted) appended to l as files.
 * 0, or -1 with a message (also when there is no source at all); the
 * caller frees l either way. */
int program_sources_collect(const struct rl_build *b, struct program_sources *l,
                            char *err, size_t errlen);

/* Free the list's paths and array (not l itself). */
void program_sources_free(struct program_sources *l);

/* The start of a key: FNV-1a's offset basis. */
#define PROGRAM_HASH_SEED 0xcbf29ce484222325ULL

/* Hash n bytes into *h (FNV-1a, 64 bits). */
void program_hash_bytes(uint64_t *h, const void *data, size_t n);

/* Hash a string with its terminating NUL (so "ab","c" != "a","bc"). */
void program_hash_str(uint64_t *h, const char *s);

/* Hash a file's place (its real path, and the working folder if path is
 * relative) and contents; -1 (errno set) if it cannot be read. */
int program_hash_file(uint64_t *h, const char *path);

/* Copy from to to (through a temporary name, so that a build running
 * at the same time reads the old copy or the new one). 0 or -1 (errno). */
int program_copy_atomic(const char *from, const char *to);

/* Write text to path (through a temporary name, as program_copy_atomic).
 * 0 or -1 (errno). */
int program_warnings_write(const char *path, const char *text);

/* Copy the library lib (a PATH_MAX * 2 buffer) into cache/lib/NAME
 * (unless the copy there is as new and as big) and point lib at the
 * copy. 0, or -1 with a message. */
int program_copy_lib(char *lib, const char *cache, const char *name, char *err,
                     size_t errlen);

/* Remove a build folder and the files in it. */
void program_remove_dir(const char *dir);

/* Remove the builds named NAME-* in cache that nobody used for a week. */
void program_prune(const char *cache, const char *name);

/* ---- program_cc.c -------------------------------------------------------- */

/* A compiler's command line, NULL-terminated. */
struct program_argv {
    const char *v[256];
    int n;
};

/* Append an argument; NULL is skipped (silently capped: the tables are
 * small). */
void program_arg(struct program_argv *a, const char *s);

/* Run argv (in cwd, NULL = ours; under sp, NULL = no sandbox), appending
 * its output to *out (malloc'd, NUL-terminated, capped); true if it
 * exited 0. A compiler that runs too long is killed, and says so in
 * *out. */
bool program_run_cc(struct program_argv *a, const char *cwd,
                    const struct rl_spawn *sp, char **out, size_t *outn);

/* The compiler's messages *out (NULL or "" = none: "the C compiler
 * failed") into err as the student reads them: without "dir/" (NULL:
 * none), each line that starts with the base name of names[i] (i < n;
 * names NULL: none) starting with names[i] instead, cut at the last line
 * that fits errlen, without a trailing newline. *out may be replaced
 * (still the caller's to free). */
void program_cc_explain(char **out, const char *dir, char *const *names, int n,
                        char *err, size_t errlen);

/* Remove prefix (the exercise's "student_") from each name the
 * compiler quotes in text ('name', `name', or U+2018 name U+2019 in a
 * UTF-8 locale), in place: the student wrote counter_get, not
 * student_counter_get. */
void program_cc_unprefix(char *text, const char *prefix);

/* ---- program_api.c ------------------------------------------------------- */

/* The student API alone, under cache/api (see api_only in program.h):
 * core/racelab.h, exercises/NAME.h, exercises/impl/NAME.c and the empty
 * u/u/u. Its folder in dir; 0, or -1 with a message. */
int program_api_tree(const char *home, const char *cache, char *dir, size_t len,
                     char *err, size_t errlen);

/* Whether the object obj uses anything of the library lib that the
 * student API (api/core/racelab.h) does not offer: 1 with its name in
 * bad, 0 if not, -1 with a message in err. */
int program_api_check(const char *obj, const char *lib, const char *api,
                      char *bad, size_t badlen, char *err, size_t errlen);

#endif
