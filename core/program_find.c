/* SPDX-License-Identifier: MIT */
/*
 * program_find.c - where a build finds what it needs (see program.h):
 * racelab's home (core/racelab.h and exercises/, which an exercise build
 * includes), the folder of the library each kind links with, and the
 * cache the builds are kept in.
 *
 * Each is an environment variable first ($RACELAB_HOME, $RACELAB_LIBDIR,
 * $RACELAB_CACHE). Else home and library are looked for next to the
 * running program, so that racelab works from its source tree (./racelab
 * with build/), from another build folder (build-san/racelab) and
 * installed (PREFIX/bin/racelab with PREFIX/share/racelab) without being
 * told; the cache is the user's ($XDG_CACHE_HOME/racelab, ~/.cache).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "program_impl.h"

/* Whether dir holds racelab's headers (core/racelab.h and exercises/). */
static int is_home(const char *dir)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/core/racelab.h", dir);
    if (access(p, R_OK) != 0)
        return 0;
    snprintf(p, sizeof p, "%s/exercises/exercise.h", dir);
    return access(p, R_OK) == 0;
}

/* The directory of the running program, or "" */
static void exe_dir(char *buf, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    buf[0] = '\0';
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    snprintf(buf, len, "%s", exe);
}

/* Find racelab's home (see program.h). */
int rl_home(char *buf, size_t len, char *err, size_t errlen)
{
    const char *env = getenv("RACELAB_HOME");
    char dir[PATH_MAX], cand[PATH_MAX + 32];
    if (env != NULL && env[0] != '\0') {
        if (!is_home(env)) {
            snprintf(err, errlen,
                     "RACELAB_HOME=%s does not hold core/racelab.h and "
                     "exercises/",
                     env);
            return -1;
        }
        snprintf(buf, len, "%s", env);
        return 0;
    }
    exe_dir(dir, sizeof dir);
    if (dir[0]) {
        static const char *const ups[] = {"", "/..", "/../share/racelab"};
        for (size_t i = 0; i < sizeof ups / sizeof ups[0]; i++) {
            snprintf(cand, sizeof cand, "%s%s", dir, ups[i]);
            if (is_home(cand)) {
                char *real = realpath(cand, NULL);
                snprintf(buf, len, "%s", real ? real : cand);
                free(real);
                return 0;
            }
        }
    }
    if (getcwd(dir, sizeof dir) != NULL && is_home(dir)) {
        snprintf(buf, len, "%s", dir);
        return 0;
    }
    snprintf(err, errlen,
             "cannot find racelab's headers (core/racelab.h, exercises/): "
             "set RACELAB_HOME to the racelab source directory");
    return -1;
}

/* Find this tree's file of an exercise (see program.h). */
int rl_exercise_source(const char *name, char *buf, size_t len, char *err,
                       size_t errlen)
{
    char home[PATH_MAX], cwd[PATH_MAX], cand[PATH_MAX + 300];
    bool in_home;
    if (rl_home(home, sizeof home, err, errlen) != 0)
        return -1;
    in_home = getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, home) == 0;
    snprintf(cand, sizeof cand, "%s/exercises/%s.c", home, name);
    if (access(cand, F_OK) == 0) {
        if (in_home) /* named as the student typed it */
            snprintf(buf, len, "exercises/%s.c", name);
        else
            snprintf(buf, len, "%s", cand);
        return 0;
    }
    /* An installed racelab: its home has the headers, not the student's
     * files; a checkout it runs in has them. */
    snprintf(cand, sizeof cand, "exercises/%s.c", name);
    if (access(cand, F_OK) == 0 && is_home(".")) {
        snprintf(buf, len, "%s", cand);
        return 0;
    }
    snprintf(buf, len, "%s/exercises/%s.c", home, name);
    snprintf(err, errlen,
             "there is no exercises/%s.c here: racelab's home %s holds the "
             "headers, not the exercises; run racelab in the racelab "
             "checkout that has exercises/, or give the file: --submission "
             "%s.c",
             name, home, name);
    return -1;
}

/* Find the library of a kind (see program.h). */
int rl_program_libdir(enum rl_build_kind kind, char *buf, size_t len,
                      char *err, size_t errlen)
{
    const char *lib = program_library(kind);
    const char *env = getenv("RACELAB_LIBDIR");
    char dir[PATH_MAX], home[PATH_MAX], cand[PATH_MAX * 2 + 64], herr[8];
    if (env && *env) {
        snprintf(cand, sizeof cand, "%s/%s", env, lib);
        if (access(cand, R_OK) == 0) {
            snprintf(buf, len, "%s", env);
            return 0;
        }
        snprintf(err, errlen, "RACELAB_LIBDIR=%s does not hold %s", env, lib);
        return -1;
    }
    exe_dir(dir, sizeof dir);
    if (rl_home(home, sizeof home, herr, sizeof herr) != 0)
        home[0] = '\0';
    const char *const bases[] = {dir, dir, dir, home};
    static const char *const ups[] = {"", "/build", "/..", ""};
    for (size_t i = 0; i < sizeof ups / sizeof ups[0]; i++) {
        if (!bases[i][0])
            continue;
        snprintf(cand, sizeof cand, "%s%s/%s", bases[i], ups[i], lib);
        if (access(cand, R_OK) == 0) {
            snprintf(cand, sizeof cand, "%s%s", bases[i], ups[i]);
            char *real = realpath(cand, NULL);
            snprintf(buf, len, "%s", real ? real : cand);
            free(real);
            return 0;
        }
    }
    snprintf(err, errlen,
             "cannot find %s (built by make next to racelab): set "
             "RACELAB_LIBDIR to the folder that holds it",
             lib);
    return -1;
}

/* The cache folder (want, else the default), created (0700). */
int program_cache_dir(const char *want, char *buf, size_t len, char *err,
                      size_t errlen)
{
    const char *env = want && *want ? want : getenv("RACELAB_CACHE");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (env && *env)
        snprintf(buf, len, "%s", env);
    else if (xdg && *xdg)
        snprintf(buf, len, "%s/racelab", xdg);
    else if (home && *home)
        snprintf(buf, len, "%s/.cache/racelab", home);
    else
        snprintf(buf, len, "/tmp/racelab-cache-%d", (int)getuid());
    /* mkdir -p */
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s", buf);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(path, 0700);
        *p = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the build cache %s: %s", buf,
                 strerror(errno));
        return -1;
    }
    return 0;
}
