/* SPDX-License-Identifier: MIT */
/*
 * program.c - build a program apart from racelab into a cached child
 * executable, and find racelab's home and libraries (see program.h).
 *
 * A build compiles each source with `cc -c` (CFLAGS of its kind, the
 * caller's -I/-D flags) and links the objects with the kind's library
 * (LDFLAGS of its kind), all in a fresh folder of the cache; the
 * executable is renamed into place only when the link succeeded, so a
 * concurrent build or an interrupted one never leaves a broken file under
 * the final name. The flag lists are the tables below: the one place to
 * change how programs are built.
 */
#include "program.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"

/* ---- the flags (adjust here) --------------------------------------------- */

/* An exercise: the student's file with the student_ prefix; the include
 * path lets "../core/racelab.h", "core/racelab.h", "racelab.h" and
 * "counter.h" resolve from anywhere (the home's folders are added). */
static const char *const exercise_cflags[] = {
    "-std=c11", "-O1", "-g", "-pthread", "-DRL_EXERCISE_PREFIX=student_",
    NULL};
static const char *const exercise_ldflags[] = {"-pthread", "-lm", NULL};

/* A plain C program: the plain-C runtime's instrumentation (the runtime
 * branch's PLAINC_CFLAGS / PLAINC_LDFLAGS; librlprt.a provides
 * __wrap_main and the hooks). */
static const char *const plainc_cflags[] = {
    "-std=gnu11", "-O1", "-g", "-pthread", "-fsanitize=thread", NULL};
static const char *const plainc_ldflags[] = {"-Wl,--wrap=main", "-pthread",
                                             "-lm", NULL};

/* The library each kind links with. */
static const char *const kind_library[] = {"librlex.a", "librlprt.a"};

/* A racelab built with AddressSanitizer has an instrumented library: the
 * program must link the same runtime. */
#if defined(__SANITIZE_ADDRESS__)
#define PROGRAM_SAN "-fsanitize=address,undefined"
#else
#define PROGRAM_SAN NULL
#endif

#define PROGRAM_CC_CPU_S 60
#define PROGRAM_PRUNE_S (7 * 24 * 3600)
#define PROGRAM_OUTPUT_MAX 16384

/* ---- finding things ------------------------------------------------------ */

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

/* Find the library of a kind (see program.h). */
int rl_program_libdir(enum rl_build_kind kind, char *buf, size_t len,
                      char *err, size_t errlen)
{
    const char *lib = kind_library[kind == RL_BUILD_PLAINC];
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

/* The cache folder, created (0700). */
static int cache_dir(char *buf, size_t len, char *err, size_t errlen)
{
    const char *env = getenv("RACELAB_CACHE");
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

/* ---- the key ------------------------------------------------------------- */

/* FNV-1a, 64 bits. */
static void hash_bytes(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        *h ^= p[i];
        *h *= 0x100000001b3ULL;
    }
}

/* Hash a string with its terminating NUL (so "ab","c" != "a","bc"). */
static void hash_str(uint64_t *h, const char *s)
{
    hash_bytes(h, s, strlen(s) + 1);
}

/* Hash a file's contents; -1 if it cannot be read. */
static int hash_file(uint64_t *h, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        hash_bytes(h, buf, n);
    fclose(f);
    return 0;
}

/* ---- sources ------------------------------------------------------------- */

struct srclist {
    char **v;
    int n, cap;
};

/* Append a copy of path. */
static void src_add(struct srclist *l, const char *path)
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
static int collect(const struct rl_build *b, struct srclist *l, char *err,
                   size_t errlen)
{
    for (int i = 0; i < RL_BUILD_MAX_ITEMS && b->sources[i]; i++) {
        const char *s = b->sources[i];
        struct stat st;
        if (stat(s, &st) != 0) {
            snprintf(err, errlen, "cannot read %s: %s", s, strerror(errno));
            return -1;
        }
        if (!S_ISDIR(st.st_mode)) {
            src_add(l, s);
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
                src_add(l, path);
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
static void src_free(struct srclist *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* ---- running the compiler ------------------------------------------------ */

struct argv_list {
    const char *v[256];
    int n;
};

/* Append an argument (silently capped: the tables are small). */
static void arg(struct argv_list *a, const char *s)
{
    if (s && a->n < 255)
        a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

/* Run argv, appending its output to out; returns true if it exited 0. */
static bool run_cc(struct argv_list *a, char **out, size_t *outn)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return false;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return false;
    }
    if (pid == 0) {
        dup2(p[1], 1);
        dup2(p[1], 2);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        struct rlimit cpu = {PROGRAM_CC_CPU_S, PROGRAM_CC_CPU_S + 1};
        setrlimit(RLIMIT_CPU, &cpu);
        execvp(a->v[0], (char *const *)a->v);
        dprintf(2, "cannot run the C compiler %s: %s\n", a->v[0],
                strerror(errno));
        _exit(127);
    }
    close(p[1]);
    char buf[4096];
    ssize_t r;
    while ((r = read(p[0], buf, sizeof buf)) != 0) {
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        size_t keep = PROGRAM_OUTPUT_MAX - *outn;
        if ((size_t)r < keep)
            keep = (size_t)r;
        *out = rl_xrealloc(*out, *outn + keep + 1);
        memcpy(*out + *outn, buf, keep);
        *outn += keep;
        (*out)[*outn] = '\0';
    }
    close(p[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Remove a build folder and what is in it. */
static void remove_dir(const char *dir)
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
static void prune(const char *cache, const char *name)
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

/* Build b (see program.h). */
int rl_program_build(const struct rl_build *b, char *exe, size_t exelen,
                     char *err, size_t errlen)
{
    char home[PATH_MAX], libdir[PATH_MAX], cache[PATH_MAX], lib[PATH_MAX * 2];
    const char *cc = getenv("CC");
    bool plainc = b->kind == RL_BUILD_PLAINC;
    if (!cc || !*cc)
        cc = "cc";
    if (!plainc && (!b->exercise || !*b->exercise)) {
        snprintf(err, errlen, "an exercise build needs the exercise's name");
        return -1;
    }
    if (rl_home(home, sizeof home, err, errlen) != 0 ||
        rl_program_libdir(b->kind, libdir, sizeof libdir, err, errlen) != 0 ||
        cache_dir(cache, sizeof cache, err, errlen) != 0)
        return -1;
    snprintf(lib, sizeof lib, "%s/%s", libdir, kind_library[plainc]);
    struct srclist src = {0};
    if (collect(b, &src, err, errlen) != 0) {
        src_free(&src);
        return -1;
    }
    char inc[3][PATH_MAX + 16];
    snprintf(inc[0], sizeof inc[0], "-I%s/exercises", home);
    snprintf(inc[1], sizeof inc[1], "-I%s", home);
    snprintf(inc[2], sizeof inc[2], "-I%s/core", home);
    const char *const *cflags = plainc ? plainc_cflags : exercise_cflags;
    const char *const *ldflags = plainc ? plainc_ldflags : exercise_ldflags;

    /* The key: everything that goes into the executable. */
    uint64_t h = 0xcbf29ce484222325ULL;
    struct stat lst;
    if (stat(lib, &lst) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", lib, strerror(errno));
        src_free(&src);
        return -1;
    }
    hash_str(&h, cc);
    hash_str(&h, lib);
    hash_bytes(&h, &lst.st_mtim, sizeof lst.st_mtim);
    hash_bytes(&h, &lst.st_size, sizeof lst.st_size);
    hash_str(&h, b->exercise ? b->exercise : "");
    hash_str(&h, home);
    for (int i = 0; cflags[i]; i++)
        hash_str(&h, cflags[i]);
    for (int i = 0; ldflags[i]; i++)
        hash_str(&h, ldflags[i]);
    for (int i = 0; i < RL_BUILD_MAX_ITEMS && b->flags[i]; i++)
        hash_str(&h, b->flags[i]);
    hash_str(&h, PROGRAM_SAN ? PROGRAM_SAN : "");
    for (int i = 0; i < src.n; i++) {
        hash_str(&h, src.v[i]);
        if (hash_file(&h, src.v[i]) != 0) {
            snprintf(err, errlen, "cannot read %s: %s", src.v[i],
                     strerror(errno));
            src_free(&src);
            return -1;
        }
    }
    snprintf(exe, exelen, "%s/%s-%016llx", cache,
             plainc ? "program" : b->exercise, (unsigned long long)h);
    if (access(exe, X_OK) == 0) {
        utimensat(AT_FDCWD, exe, NULL, 0); /* in use: keep it (prune) */
        src_free(&src);
        return 0; /* built before */
    }

    /* Compile each source, then link, in a fresh folder. */
    char dir[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/build-XXXXXX", cache);
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "cannot create a build folder in %s: %s", cache,
                 strerror(errno));
        src_free(&src);
        return -1;
    }
    char *out = NULL;
    size_t outn = 0;
    bool ok = true;
    char (*objs)[PATH_MAX + 64] = rl_xcalloc((size_t)src.n, sizeof *objs);
    for (int i = 0; i < src.n && ok; i++) {
        struct argv_list a = {.n = 0};
        snprintf(objs[i], sizeof objs[i], "%s/%d.o", dir, i);
        arg(&a, cc);
        for (int k = 0; cflags[k]; k++)
            arg(&a, cflags[k]);
        /* Plain C is instrumented for the runtime (-fsanitize=thread),
         * which AddressSanitizer cannot join: only the link takes it. */
        if (!plainc)
            arg(&a, PROGRAM_SAN);
        for (int k = 0; k < 3; k++)
            arg(&a, inc[k]);
        for (int k = 0; k < RL_BUILD_MAX_ITEMS && b->flags[k]; k++)
            arg(&a, b->flags[k]);
        arg(&a, "-c");
        arg(&a, "-o");
        arg(&a, objs[i]);
        arg(&a, src.v[i]);
        ok = run_cc(&a, &out, &outn);
    }
    char tmp[PATH_MAX + 64];
    snprintf(tmp, sizeof tmp, "%s/program", dir);
    if (ok) {
        struct argv_list a = {.n = 0};
        arg(&a, cc);
        arg(&a, "-o");
        arg(&a, tmp);
        for (int i = 0; i < src.n; i++)
            arg(&a, objs[i]);
        arg(&a, lib);
        arg(&a, PROGRAM_SAN);
        for (int k = 0; ldflags[k]; k++)
            arg(&a, ldflags[k]);
        ok = run_cc(&a, &out, &outn);
    }
    if (ok && rename(tmp, exe) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", exe, strerror(errno));
        free(out);
        out = NULL;
        ok = false;
    } else if (!ok) {
        /* The compiler's own words, trimmed at a line that fits. */
        const char *text = out && *out ? out : "the C compiler failed";
        snprintf(err, errlen, "%s", text);
        size_t n = strlen(err);
        if (n < strlen(text)) {
            char *nl = strrchr(err, '\n');
            if (nl)
                nl[1] = '\0';
        }
        n = strlen(err);
        while (n > 0 && err[n - 1] == '\n')
            err[--n] = '\0';
    }
    free(out);
    free(objs);
    remove_dir(dir);
    src_free(&src);
    if (ok)
        prune(cache, plainc ? "program" : b->exercise);
    return ok ? 0 : -1;
}
