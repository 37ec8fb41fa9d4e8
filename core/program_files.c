/* SPDX-License-Identifier: MIT */
/*
 * program_files.c - the files of a build (see program_impl.h): the
 * caller's sources as a list of files, the key that names a build in the
 * cache (a hash of everything that goes into the executable, the sources'
 * contents included), copies into the cache, and the cache's upkeep.
 *
 * The cache is shared by every racelab of the user, running at the same
 * time or not, so nothing in it is written in place: a copy goes to a
 * temporary name and is renamed over the old one, and a build is removed
 * only when nobody has used it for PROGRAM_PRUNE_S (a reuse touches it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"
#include "program_impl.h"

#define PROGRAM_PRUNE_S (7 * 24 * 3600)

/* ---- sources ------------------------------------------------------------- */

/* Append a copy of path. */
void program_sources_add(struct program_sources *l, const char *path)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = rl_xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = rl_xstrdup(path);
}

/* Sort order of paths. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files and folders (each *.c in it, sorted) into a list of files. */
int program_sources_collect(const struct rl_build *b, struct program_sources *l,
                            char *err, size_t errlen)
{
    for (int i = 0; i < RL_BUILD_MAX_ITEMS && b->sources[i]; i++) {
        const char *s = b->sources[i];
        struct stat st;
        if (stat(s, &st) != 0) {
            snprintf(err, errlen, "cannot read %s: %s", s, strerror(errno));
            return -1;
        }
        if (!S_ISDIR(st.st_mode)) {
            program_sources_add(l, s);
            continue;
        }
        DIR *d = opendir(s);
        if (!d) {
            snprintf(err, errlen, "cannot read %s: %s", s, strerror(errno));
            return -1;
        }
        int first = l->n;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            size_t n = strlen(e->d_name);
            if (n > 2 && strcmp(e->d_name + n - 2, ".c") == 0) {
                char path[PATH_MAX * 2];
                snprintf(path, sizeof path, "%s/%s", s, e->d_name);
                program_sources_add(l, path);
            }
        }
        closedir(d);
        qsort(l->v + first, (size_t)(l->n - first), sizeof *l->v, cmp_str);
    }
    if (l->n == 0) {
        snprintf(err, errlen, "no C source to build");
        return -1;
    }
    return 0;
}

/* Free the list. */
void program_sources_free(struct program_sources *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* ---- the key ------------------------------------------------------------- */

/* FNV-1a, 64 bits. */
void program_hash_bytes(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        *h ^= p[i];
        *h *= 0x100000001b3ULL;
    }
}

/* Hash a string with its terminating NUL (so "ab","c" != "a","bc"). */
void program_hash_str(uint64_t *h, const char *s)
{
    program_hash_bytes(h, s, strlen(s) + 1);
}

/* Hash a file's place and contents; -1 if it cannot be read. Its place:
 * the executable's debug information names the source by the path given
 * and the folder it was compiled in, and racelab reads the source lines
 * from there, so the same bank.c in two folders (or given relative to
 * two folders) must be two builds. */
int program_hash_file(uint64_t *h, const char *path)
{
    char *real = realpath(path, NULL);
    if (real) {
        program_hash_str(h, real);
        free(real);
    }
    if (path[0] != '/') {
        char cwd[4096];
        program_hash_str(h, getcwd(cwd, sizeof cwd) ? cwd : "?");
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        program_hash_bytes(h, buf, n);
    fclose(f);
    return 0;
}

/* ---- the cache's files --------------------------------------------------- */

/* Copy from to to (through a temporary name, so that a build running
 * at the same time reads the old copy or the new one). 0 or -1. */
int program_copy_atomic(const char *from, const char *to)
{
    char tmp[PATH_MAX + 32], buf[8192];
    int in = open(from, O_RDONLY | O_CLOEXEC), out, rc = 0;
    ssize_t n;
    if (in < 0)
        return -1;
    snprintf(tmp, sizeof tmp, "%s.%d.tmp", to, (int)getpid());
    out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return -1;
    }
    while (rc == 0 && (n = read(in, buf, sizeof buf)) != 0)
        if (n < 0 || write(out, buf, (size_t)n) != n)
            rc = -1;
    close(in);
    if (close(out) != 0 || rc != 0 || rename(tmp, to) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Write text to path through a temporary name (see program_impl.h). */
int program_warnings_write(const char *path, const char *text)
{
    char tmp[PATH_MAX + 32];
    size_t n = strlen(text);
    snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid());
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0)
        return -1;
    int rc = n > 0 && write(out, text, n) != (ssize_t)n ? -1 : 0;
    if (close(out) != 0 || rc != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Copy the library lib into cache/lib/NAME (unless the copy there is as
 * new and as big) and point lib at the copy. 0, or -1 with a message. */
int program_copy_lib(char *lib, const char *cache, const char *name, char *err,
                     size_t errlen)
{
    char dir[PATH_MAX + 8], to[PATH_MAX * 2];
    struct stat from, have;
    snprintf(dir, sizeof dir, "%.*s/lib", PATH_MAX - 8, cache);
    snprintf(to, sizeof to, "%s/%s", dir, name);
    if (stat(lib, &from) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", lib, strerror(errno));
        return -1;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    if (stat(to, &have) != 0 || have.st_size != from.st_size ||
        have.st_mtime < from.st_mtime) {
        if (program_copy_atomic(lib, to) != 0) {
            snprintf(err, errlen, "cannot copy %s: %s", lib, strerror(errno));
            return -1;
        }
    }
    snprintf(lib, PATH_MAX * 2, "%s", to);
    return 0;
}

/* Remove a build folder and what is in it. */
void program_remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            char path[PATH_MAX * 2];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Remove the builds named NAME-* in the cache that nobody used for
 * PROGRAM_PRUNE_S (each edit of a source makes a new one; a build in use
 * is touched whenever it is reused, so a concurrent racelab never loses
 * the executable it is about to start). */
void program_prune(const char *cache, const char *name)
{
    DIR *d = opendir(cache);
    if (!d)
        return;
    size_t n = strlen(name);
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, name, n) != 0 || e->d_name[n] != '-')
            continue;
        char path[PATH_MAX * 2];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", cache, e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            now - st.st_mtime > PROGRAM_PRUNE_S)
            unlink(path);
    }
    closedir(d);
}
