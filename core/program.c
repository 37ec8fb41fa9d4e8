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
#include <elf.h>
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
#include "spawn.h"

/* ---- the flags (adjust here) --------------------------------------------- */

/* An exercise: the student's file with the student_ prefix; the include
 * path lets "../core/racelab.h", "core/racelab.h", "racelab.h" and
 * "counter.h" resolve from anywhere (the home's folders are added). */
static const char *const exercise_cflags[] = {
    "-std=c11", "-O1", "-g", "-pthread", "-DRL_EXERCISE_PREFIX=student_",
    NULL};
static const char *const exercise_ldflags[] = {"-pthread", "-lm", NULL};

/* A plain C program: its flags are not here but in the Makefile's PLAINC_*
 * variables, the one place they live; `make plainc` writes them to
 * plainc/flags.sh next to librlprt.a, and plainc_flags_load reads that
 * file (the same one tests/programs/build.sh sources). */
#define PLAINC_FLAGS_FILE "plainc/flags.sh"
#define PLAINC_FLAGS_MAX 160

/* The same program built plainly, for the os backend. */
static const char *const native_cflags[] = {"-g", "-O1", "-pthread", NULL};
static const char *const native_ldflags[] = {"-pthread", "-lm", NULL};

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
#define PROGRAM_CC_WALL_S 120
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

/* The cache folder (want, else the default), created (0700). */
static int cache_dir(const char *want, char *buf, size_t len, char *err,
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

/* ---- the plain-C flags (plainc/flags.sh) --------------------------------- */

/* The flags of a plain C build, split into words (pointing into text). */
struct plainc_flags {
    char text[16384];
    const char *cflags[PLAINC_FLAGS_MAX];  /* CFLAGS (+ CFLAGS_CLANG) */
    const char *ldflags[PLAINC_FLAGS_MAX]; /* LDFLAGS */
    const char *libs[PLAINC_FLAGS_MAX];    /* LIBS */
    char begin[PATH_MAX], end[PATH_MAX];   /* rlprt_begin.o, rlprt_end.o */
};

/* Split value (one line of flags.sh, between its quotes) into words, NULL
 * terminated in v (max - 1 words at most). value is modified. */
static void words_split(char *value, const char **v, int max)
{
    int n = 0;
    for (char *w = strtok(value, " "); w && n < max - 1; w = strtok(NULL, " "))
        v[n++] = w;
    v[n] = NULL;
}

/* Whether the compiler cc is clang (by its name: "clang", "clang-18"). */
static bool cc_is_clang(const char *cc)
{
    const char *base = strrchr(cc, '/');
    return strstr(base ? base + 1 : cc, "clang") != NULL;
}

/* Read libdir/plainc/flags.sh (lines NAME='words') into f. Returns 0, or
 * -1 with a message. */
static int plainc_flags_load(const char *libdir, const char *cc,
                             struct plainc_flags *f, char *err, size_t errlen)
{
    char path[PATH_MAX + 32], line[8192];
    char *cfl = NULL, *clang = NULL, *ldf = NULL, *libs = NULL;
    size_t used = 0;
    snprintf(path, sizeof path, "%s/%s", libdir, PLAINC_FLAGS_FILE);
    FILE *in = fopen(path, "r");
    if (!in) {
        snprintf(err, errlen, "cannot read %s (made by `make plainc`): %s",
                 path, strerror(errno));
        return -1;
    }
    f->begin[0] = f->end[0] = '\0';
    while (fgets(line, sizeof line, in)) {
        char *eq = strchr(line, '=');
        char *q = eq ? strchr(eq, '\'') : NULL;
        char *q2 = q ? strrchr(q + 1, '\'') : NULL;
        if (line[0] == '#' || !eq || q != eq + 1 || !q2)
            continue;
        *eq = '\0';
        *q2 = '\0';
        size_t n = strlen(q + 1) + 1;
        if (used + n > sizeof f->text)
            break;
        char *val = memcpy(f->text + used, q + 1, n);
        used += n;
        if (strcmp(line, "PLAINC_CFLAGS") == 0)
            cfl = val;
        else if (strcmp(line, "PLAINC_CFLAGS_CLANG") == 0)
            clang = val;
        else if (strcmp(line, "PLAINC_LDFLAGS") == 0)
            ldf = val;
        else if (strcmp(line, "PLAINC_LIBS") == 0)
            libs = val;
        else if (strcmp(line, "PLAINC_BEGIN") == 0)
            snprintf(f->begin, sizeof f->begin, "%.*s", PATH_MAX - 1, val);
        else if (strcmp(line, "PLAINC_END") == 0)
            snprintf(f->end, sizeof f->end, "%.*s", PATH_MAX - 1, val);
    }
    fclose(in);
    if (!cfl || !ldf || !libs) {
        snprintf(err, errlen, "%s lacks PLAINC_CFLAGS, PLAINC_LDFLAGS or "
                 "PLAINC_LIBS (run: make plainc)", path);
        return -1;
    }
    /* The begin / end markers: where make put them, else next to the
     * library (an installed copy). */
    if (!f->begin[0] || access(f->begin, R_OK) != 0)
        snprintf(f->begin, sizeof f->begin, "%.*s/core/plainc/rlprt_begin.o",
                 PATH_MAX - 32, libdir);
    if (!f->end[0] || access(f->end, R_OK) != 0)
        snprintf(f->end, sizeof f->end, "%.*s/core/plainc/rlprt_end.o",
                 PATH_MAX - 32, libdir);
    words_split(cfl, f->cflags, PLAINC_FLAGS_MAX / 2);
    if (clang && cc_is_clang(cc)) {
        int n = 0;
        while (f->cflags[n])
            n++;
        words_split(clang, f->cflags + n, PLAINC_FLAGS_MAX - n);
    }
    words_split(ldf, f->ldflags, PLAINC_FLAGS_MAX);
    words_split(libs, f->libs, PLAINC_FLAGS_MAX);
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

/* Monotonic milliseconds. */
static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Run argv (in cwd, NULL = ours; under sp, NULL = no sandbox), appending
 * its output to out; returns true if it exited 0. The compiler runs in a
 * process group of its own, killed whole past PROGRAM_CC_WALL_S (an
 * #include of a pipe would wait forever without using CPU time). */
static bool run_cc(struct argv_list *a, const char *cwd,
                   const struct rl_spawn *sp, char **out, size_t *outn)
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
        setpgid(0, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        if (sp)
            close_range(3, ~0U, 0);
        struct rlimit cpu = {PROGRAM_CC_CPU_S, PROGRAM_CC_CPU_S + 1};
        setrlimit(RLIMIT_CPU, &cpu);
        if (cwd && chdir(cwd) != 0)
            _exit(126);
        if (sp)
            rl_spawn_apply(sp);
        execvp(a->v[0], (char *const *)a->v);
        dprintf(2, "cannot run the C compiler %s: %s\n", a->v[0],
                strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid); /* also done by the child: whoever runs first */
    close(p[1]);
    char buf[4096];
    ssize_t r;
    bool late = false;
    long long deadline = now_ms() + PROGRAM_CC_WALL_S * 1000LL;
    for (;;) {
        struct pollfd pf = {p[0], POLLIN, 0};
        long long left = deadline - now_ms();
        if (left <= 0) {
            late = true;
            break;
        }
        if (poll(&pf, 1, left > 1000 ? 1000 : (int)left) <= 0)
            continue;
        r = read(p[0], buf, sizeof buf);
        if (r == 0)
            break;
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN)
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
    if (late)
        kill(-pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    kill(-pid, SIGKILL); /* anything it left behind */
    if (late) {
        char note[96];
        int n = snprintf(note, sizeof note,
                         "the C compiler took more than %d s; stopped\n",
                         PROGRAM_CC_WALL_S);
        *out = rl_xrealloc(*out, *outn + (size_t)n + 1);
        memcpy(*out + *outn, note, (size_t)n + 1);
        *outn += (size_t)n;
        return false;
    }
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Remove every "dir/" from text, in place. */
static void text_drop(char *text, const char *dir)
{
    size_t n = strlen(dir);
    char *w = text;
    for (const char *r = text; *r;) {
        if (strncmp(r, dir, n) == 0 && r[n] == '/') {
            r += n + 1;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* A copy of text where every line that starts with "name:" starts with
 * "path:" instead (malloc'd). */
static char *text_rename(const char *text, const char *name,
                         const char *path)
{
    size_t n = strlen(name), lines = 1;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    char *out = rl_xmalloc(strlen(text) + lines * strlen(path) + 1);
    char *w = out;
    for (const char *r = text; *r;) {
        if (strncmp(r, name, n) == 0 && r[n] == ':') {
            w = stpcpy(w, path);
            r += n;
        }
        size_t k = strcspn(r, "\n");
        memcpy(w, r, k);
        w += k;
        r += k;
        if (*r == '\n')
            *w++ = *r++;
    }
    *w = '\0';
    return out;
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

/* A native build (RL_BUILD_NATIVE): one compiler run over every source,
 * cached like the others under "native-HASH". */
static int build_native(const struct rl_build *b, const char *cc, char *exe,
                        size_t exelen, char *err, size_t errlen)
{
    char cache[PATH_MAX];
    struct srclist src = {0};
    if (cache_dir(b->cache, cache, sizeof cache, err, errlen) != 0)
        return -1;
    if (collect(b, &src, err, errlen) != 0) {
        src_free(&src);
        return -1;
    }
    uint64_t h = 0xcbf29ce484222325ULL;
    hash_str(&h, "native");
    hash_str(&h, cc);
    for (int i = 0; native_cflags[i]; i++)
        hash_str(&h, native_cflags[i]);
    for (int i = 0; i < RL_BUILD_MAX_ITEMS && b->flags[i]; i++)
        hash_str(&h, b->flags[i]);
    for (int i = 0; i < src.n; i++) {
        hash_str(&h, src.v[i]);
        if (hash_file(&h, src.v[i]) != 0) {
            snprintf(err, errlen, "cannot read %s: %s", src.v[i],
                     strerror(errno));
            src_free(&src);
            return -1;
        }
    }
    snprintf(exe, exelen, "%s/native-%016llx", cache, (unsigned long long)h);
    if (access(exe, X_OK) == 0) {
        utimensat(AT_FDCWD, exe, NULL, 0);
        src_free(&src);
        return 0;
    }
    char tmp[PATH_MAX + 64];
    snprintf(tmp, sizeof tmp, "%s/native-tmp-%d", cache, (int)getpid());
    struct argv_list a = {.n = 0};
    arg(&a, cc);
    for (int k = 0; native_cflags[k]; k++)
        arg(&a, native_cflags[k]);
    for (int k = 0; k < RL_BUILD_MAX_ITEMS && b->flags[k]; k++)
        arg(&a, b->flags[k]);
    arg(&a, "-o");
    arg(&a, tmp);
    for (int i = 0; i < src.n; i++)
        arg(&a, src.v[i]);
    for (int k = 0; native_ldflags[k]; k++)
        arg(&a, native_ldflags[k]);
    char *out = NULL;
    size_t outn = 0;
    bool ok = run_cc(&a, NULL, NULL, &out, &outn);
    if (ok && rename(tmp, exe) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", exe, strerror(errno));
        ok = false;
    } else if (!ok) {
        snprintf(err, errlen, "%s", out && *out ? out : "the C compiler failed");
        size_t n = strlen(err);
        while (n > 0 && err[n - 1] == '\n')
            err[--n] = '\0';
        unlink(tmp);
    }
    free(out);
    src_free(&src);
    if (ok)
        prune(cache, "native");
    return ok ? 0 : -1;
}

/* Copy from to to (through a temporary name, so that a build running
 * at the same time reads the old copy or the new one). 0 or -1. */
static int copy_atomic(const char *from, const char *to)
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

/* Copy every file of home/sub whose name ends in suffix into dir/sub.
 * 0, or -1 with a message. */
static int copy_folder(const char *home, const char *dir, const char *sub,
                       const char *suffix, char *err, size_t errlen)
{
    char from[PATH_MAX * 2 + 32], to[PATH_MAX * 2 + 32];
    size_t k = strlen(suffix);
    snprintf(from, sizeof from, "%s/%s", home, sub);
    DIR *d = opendir(from);
    if (!d) {
        snprintf(err, errlen, "cannot read %s: %s", from, strerror(errno));
        return -1;
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n <= k || strcmp(e->d_name + n - k, suffix) != 0)
            continue;
        snprintf(from, sizeof from, "%s/%s/%s", home, sub, e->d_name);
        snprintf(to, sizeof to, "%s/%s/%s", dir, sub, e->d_name);
        if (copy_atomic(from, to) != 0) {
            snprintf(err, errlen, "cannot copy %s: %s", from,
                     strerror(errno));
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

/* The student API alone, under cache/api (see api_only in program.h):
 * core/racelab.h, exercises/NAME.h, and the empty u/u/u. Its folder in
 * dir; 0, or -1 with a message. */
static int api_tree(const char *home, const char *cache, char *dir,
                    size_t len, char *err, size_t errlen)
{
    static const char *const sub[] = {"",   "/core", "/exercises",
                                      "/exercises/impl", "/u",
                                      "/u/u", "/u/u/u"};
    char from[PATH_MAX * 2 + 32], to[PATH_MAX * 2 + 32];
    snprintf(dir, len, "%.4000s/api", cache);
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        snprintf(to, sizeof to, "%s%s", dir, sub[i]);
        /* Readable by all: the student API only, and a compiler run as
         * another user (struct rl_build's spawn) reads it. */
        if (mkdir(to, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", to, strerror(errno));
            return -1;
        }
    }
    snprintf(from, sizeof from, "%s/core/racelab.h", home);
    snprintf(to, sizeof to, "%s/core/racelab.h", dir);
    if (copy_atomic(from, to) != 0) {
        snprintf(err, errlen, "cannot copy %s: %s", from, strerror(errno));
        return -1;
    }
    if (copy_folder(home, dir, "exercises", ".h", err, errlen) != 0)
        return -1;
    /* The tables of functions (exercises/impl/NAME.c) */
    return copy_folder(home, dir, "exercises/impl", ".c", err, errlen);
}

/* Copy the library lib into cache/lib/NAME (unless the copy there is as
 * new and as big) and point lib at the copy. 0, or -1 with a message. */
static int lib_copy(char *lib, const char *cache, const char *name,
                    char *err, size_t errlen)
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
        if (copy_atomic(lib, to) != 0) {
            snprintf(err, errlen, "cannot copy %s: %s", lib, strerror(errno));
            return -1;
        }
    }
    snprintf(lib, PATH_MAX * 2, "%s", to);
    return 0;
}

/* ---- what a build calls -------------------------------------------------- */

/* Whether the image of n bytes holds off..off+len. */
static bool elf_has(size_t n, uint64_t off, uint64_t len)
{
    return off <= n && len <= n - off;
}

/* The undefined symbols of the relocatable object at path: fn(ctx,
 * name) for each until it returns true (1), all seen (0), or -1 with a
 * message in err. */
static int obj_undefined(const char *path,
                         bool (*fn)(void *ctx, const char *name), void *ctx,
                         char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    unsigned char *img = NULL;
    size_t n = 0, cap = 0, r;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            img = rl_xrealloc(img, cap);
        }
        r = fread(img + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
    if (n < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_type != ET_REL ||
        !elf_has(n, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))) {
        snprintf(err, errlen, "%s is not a 64-bit ELF object", path);
        free(img);
        return -1;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
    int rc = 0;
    for (int i = 0; i < eh->e_shnum && rc == 0; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
            continue;
        const Elf64_Shdr *strs = &sh[sh[i].sh_link];
        if (!elf_has(n, sh[i].sh_offset, sh[i].sh_size) ||
            !elf_has(n, strs->sh_offset, strs->sh_size)) {
            snprintf(err, errlen, "%s: a symbol table out of bounds", path);
            rc = -1;
            break;
        }
        const Elf64_Sym *sym = (const Elf64_Sym *)(img + sh[i].sh_offset);
        size_t count = sh[i].sh_size / sizeof *sym;
        const char *str = (const char *)(img + strs->sh_offset);
        for (size_t k = 1; k < count && rc == 0; k++) {
            if (sym[k].st_shndx != SHN_UNDEF || sym[k].st_name == 0 ||
                sym[k].st_name >= strs->sh_size)
                continue;
            const char *name = str + sym[k].st_name;
            if (!memchr(name, '\0', strs->sh_size - sym[k].st_name))
                continue;
            if (fn(ctx, name))
                rc = 1;
        }
    }
    free(img);
    return rc;
}

/* The undefined symbols of exe's object (see program.h). */
int rl_program_undefined(const char *exe,
                         bool (*fn)(void *ctx, const char *name), void *ctx,
                         char *err, size_t errlen)
{
    char path[PATH_MAX + 8];
    snprintf(path, sizeof path, "%.*s.o", PATH_MAX - 1, exe);
    return obj_undefined(path, fn, ctx, err, errlen);
}

/* ---- the student API alone ----------------------------------------------- */

/* What an api_only build's object may use of the library. */
struct api_only {
    char *api;     /* the functions core/racelab.h declares, each
                      followed by a NUL */
    size_t apin;
    char *libsyms; /* the library's symbol index: names, NUL-separated */
    size_t libn;
    char bad[128]; /* the first name it may not use */
};

/* Whether name is one of the NUL-separated names in list (n bytes). */
static bool names_have(const char *list, size_t n, const char *name)
{
    size_t k = strlen(name);
    for (size_t i = 0; i < n;) {
        size_t m = strnlen(list + i, n - i);
        if (m == k && memcmp(list + i, name, k) == 0)
            return true;
        i += m + 1;
    }
    return false;
}

/* The functions a header declares: every rl_NAME followed by "(". */
static char *api_names(const char *header, size_t *n)
{
    FILE *f = fopen(header, "r");
    char *out = rl_xcalloc(1, 1);
    size_t len = 0;
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        for (char *p = line; (p = strstr(p, "rl_")) != NULL;) {
            if (p > line && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                             (p[-1] >= 'A' && p[-1] <= 'Z') ||
                             (p[-1] >= '0' && p[-1] <= '9'))) {
                p += 3;
                continue;
            }
            size_t k = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_");
            const char *q = p + k;
            while (*q == ' ')
                q++;
            if (*q == '(') {
                out = rl_xrealloc(out, len + k + 2);
                memcpy(out + len, p, k);
                out[len + k] = '\0';
                len += k + 1;
            }
            p += k;
        }
    }
    if (f)
        fclose(f);
    *n = len;
    return out;
}

/* The symbol index of the ar archive lib (the names the library defines),
 * NUL-separated, into *n bytes; NULL with a message. */
static char *lib_index(const char *lib, size_t *n, char *err, size_t errlen)
{
    FILE *f = fopen(lib, "rb");
    char head[8 + 60];
    if (!f || fread(head, 1, sizeof head, f) != sizeof head ||
        memcmp(head, "!<arch>\n", 8) != 0 ||
        (memcmp(head + 8, "/ ", 2) != 0 && memcmp(head + 8, "/SYM64/", 7) != 0)) {
        snprintf(err, errlen, "%s: not an archive with a symbol index", lib);
        if (f)
            fclose(f);
        return NULL;
    }
    int w = memcmp(head + 8, "/SYM64/", 7) == 0 ? 8 : 4;
    char sz[11];
    memcpy(sz, head + 8 + 48, 10);
    sz[10] = '\0';
    size_t size = (size_t)strtoull(sz, NULL, 10);
    unsigned char *m = size > (size_t)w && size < ((size_t)64 << 20)
                           ? rl_xmalloc(size)
                           : NULL;
    if (!m || fread(m, 1, size, f) != size) {
        snprintf(err, errlen, "%s: a short symbol index", lib);
        free(m);
        fclose(f);
        return NULL;
    }
    fclose(f);
    uint64_t count = 0;
    for (int i = 0; i < w; i++)
        count = count << 8 | m[i];
    size_t skip = (size_t)w + (size_t)count * (size_t)w;
    if (count > size || skip > size) {
        snprintf(err, errlen, "%s: a bad symbol index", lib);
        free(m);
        return NULL;
    }
    *n = size - skip;
    char *names = rl_xmalloc(*n + 1);
    memcpy(names, m + skip, *n);
    names[*n] = '\0';
    free(m);
    return names;
}

/* obj_undefined's callback: stop at a name of the library's that the
 * student API does not offer. */
static bool api_only_bad(void *ctx, const char *name)
{
    struct api_only *a = ctx;
    if (!names_have(a->libsyms, a->libn, name) ||
        names_have(a->api, a->apin, name))
        return false;
    snprintf(a->bad, sizeof a->bad, "%s", name);
    return true;
}

/* Whether the object obj uses anything of the library lib that the
 * student API (api/core/racelab.h) does not offer: 1 with its name in
 * bad, 0 if not, -1 with a message in err. */
static int api_only_check(const char *obj, const char *lib, const char *api,
                          char *bad, size_t badlen, char *err, size_t errlen)
{
    struct api_only a;
    char header[PATH_MAX + 32];
    memset(&a, 0, sizeof a);
    snprintf(header, sizeof header, "%.*s/core/racelab.h", PATH_MAX - 1, api);
    a.api = api_names(header, &a.apin);
    a.libsyms = lib_index(lib, &a.libn, err, errlen);
    if (!a.libsyms) {
        free(a.api);
        return -1;
    }
    int rc = obj_undefined(obj, api_only_bad, &a, err, errlen);
    if (rc == 1)
        snprintf(bad, badlen, "%s", a.bad);
    free(a.api);
    free(a.libsyms);
    return rc;
}

/* Build b (see program.h). */
int rl_program_build(const struct rl_build *b, char *exe, size_t exelen,
                     char *err, size_t errlen)
{
    char home[PATH_MAX], libdir[PATH_MAX], cache[PATH_MAX], lib[PATH_MAX * 2];
    const char *cc = getenv("CC");
    bool plainc = b->kind == RL_BUILD_PLAINC;
    bool native = b->kind == RL_BUILD_NATIVE;
    if (!cc || !*cc)
        cc = "cc";
    if (native)
        return build_native(b, cc, exe, exelen, err, errlen);
    if (!plainc && (!b->exercise || !*b->exercise)) {
        snprintf(err, errlen, "an exercise build needs the exercise's name");
        return -1;
    }
    if (rl_home(home, sizeof home, err, errlen) != 0 ||
        rl_program_libdir(b->kind, libdir, sizeof libdir, err, errlen) != 0 ||
        cache_dir(b->cache, cache, sizeof cache, err, errlen) != 0)
        return -1;
    snprintf(lib, sizeof lib, "%s/%s", libdir, kind_library[plainc]);
    struct srclist src = {0};
    if (collect(b, &src, err, errlen) != 0) {
        src_free(&src);
        return -1;
    }
    int nown = src.n; /* the caller's sources: the object kept */
    if (!plainc) {
        /* The exercise's table of functions (exercises/impl/NAME.c), built
         * with the same prefix as the student's file; for api_only, its
         * copy in the API tree (its "../NAME.h" is the copy there). */
        char table[PATH_MAX * 2];
        snprintf(table, sizeof table, "%s/exercises/impl/%s.c", home,
                 b->exercise);
        if (access(table, R_OK) == 0)
            src_add(&src, table);
    }
    char inc[5][PATH_MAX + 32], api[PATH_MAX];
    const char *root = home;
    int ninc = 3;
    if (!plainc && b->api_only) {
        if (api_tree(home, cache, api, sizeof api, err, errlen) != 0) {
            src_free(&src);
            return -1;
        }
        root = api;
        ninc = 5;
        if (src.n > nown) {
            char copy[PATH_MAX * 2];
            snprintf(copy, sizeof copy, "%s/exercises/impl/%s.c", api,
                     b->exercise);
            free(src.v[nown]);
            src.v[nown] = rl_xstrdup(copy);
        }
    }
    /* A compiler run as another user links a copy of the library in the
     * cache: racelab's home need not be open to that user. */
    if (b->spawn && b->spawn->drop_user &&
        lib_copy(lib, cache, kind_library[plainc], err, errlen) != 0) {
        src_free(&src);
        return -1;
    }
    snprintf(inc[0], sizeof inc[0], "-I%s/exercises", root);
    snprintf(inc[1], sizeof inc[1], "-I%s", root);
    snprintf(inc[2], sizeof inc[2], "-I%s/core", root);
    snprintf(inc[3], sizeof inc[3], "-I%s/u/u", root);
    snprintf(inc[4], sizeof inc[4], "-I%s/u/u/u", root);
    const char *const *cflags = exercise_cflags;
    const char *const *ldflags = exercise_ldflags;
    const char *const none[] = {NULL};
    const char *const *libs = none;
    struct plainc_flags *pf = NULL;
    if (plainc) {
        pf = rl_xmalloc(sizeof *pf);
        if (plainc_flags_load(libdir, cc, pf, err, errlen) != 0) {
            free(pf);
            src_free(&src);
            return -1;
        }
        cflags = pf->cflags;
        ldflags = pf->ldflags;
        libs = pf->libs;
    }

    /* The key: everything that goes into the executable. */
    uint64_t h = 0xcbf29ce484222325ULL;
    struct stat lst;
    if (stat(lib, &lst) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", lib, strerror(errno));
        src_free(&src);
        free(pf);
        return -1;
    }
    hash_str(&h, cc);
    hash_str(&h, lib);
    hash_bytes(&h, &lst.st_mtim, sizeof lst.st_mtim);
    hash_bytes(&h, &lst.st_size, sizeof lst.st_size);
    hash_str(&h, b->exercise ? b->exercise : "");
    hash_str(&h, home);
    for (int i = 0; i < ninc; i++)
        hash_str(&h, inc[i]);
    for (int i = 0; cflags[i]; i++)
        hash_str(&h, cflags[i]);
    for (int i = 0; ldflags[i]; i++)
        hash_str(&h, ldflags[i]);
    for (int i = 0; libs[i]; i++)
        hash_str(&h, libs[i]);
    for (int i = 0; i < RL_BUILD_MAX_ITEMS && b->flags[i]; i++)
        hash_str(&h, b->flags[i]);
    hash_str(&h, PROGRAM_SAN && !plainc ? PROGRAM_SAN : "");
    for (int i = 0; i < src.n; i++) {
        hash_str(&h, src.v[i]);
        if (hash_file(&h, src.v[i]) != 0) {
            snprintf(err, errlen, "cannot read %s: %s", src.v[i],
                     strerror(errno));
            src_free(&src);
            free(pf);
            return -1;
        }
    }
    snprintf(exe, exelen, "%s/%s-%016llx", cache,
             plainc ? "program" : b->exercise, (unsigned long long)h);
    char own[PATH_MAX + 8];
    snprintf(own, sizeof own, "%.*s.o", PATH_MAX - 1, exe);
    if (access(exe, X_OK) == 0 && (plainc || access(own, R_OK) == 0)) {
        utimensat(AT_FDCWD, exe, NULL, 0); /* in use: keep it (prune) */
        src_free(&src);
        free(pf);
        return 0; /* built before */
    }

    /* Compile each source, then link, in a fresh folder. A submission
     * (api_only) is copied there and compiled by its name from there: no
     * relative #include reaches beyond the copy, and the messages name
     * the student's file, not a folder of ours. */
    char dir[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/build-XXXXXX", cache);
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "cannot create a build folder in %s: %s", cache,
                 strerror(errno));
        src_free(&src);
        free(pf);
        return -1;
    }
    /* The compiler's user (b->spawn) writes the build folder. */
    if (b->spawn && b->spawn->drop_user &&
        chown(dir, (uid_t)b->spawn->uid, (gid_t)b->spawn->gid) != 0) {
        snprintf(err, errlen, "cannot hand %s to uid %u: %s", dir,
                 b->spawn->uid, strerror(errno));
        rmdir(dir);
        src_free(&src);
        free(pf);
        return -1;
    }
    bool apart = !plainc && b->api_only && b->private_copy;
    const char *cwd = apart ? dir : NULL;
    char *out = NULL;
    size_t outn = 0;
    bool ok = true;
    char (*objs)[PATH_MAX + 64] = rl_xcalloc((size_t)src.n, sizeof *objs);
    char (*copies)[PATH_MAX + 64] = rl_xcalloc((size_t)src.n, sizeof *copies);
    for (int i = 0; i < src.n && ok; i++) {
        struct argv_list a = {.n = 0};
        const char *input = src.v[i];
        if (apart) {
            snprintf(objs[i], sizeof objs[i], "%d.o", i);
            if (i < nown) {
                const char *base = strrchr(src.v[i], '/');
                base = base ? base + 1 : src.v[i];
                /* "counter.o" in the linker's messages */
                snprintf(objs[i], sizeof objs[i], "%.*s.o",
                         (int)strcspn(base, "."), base);
                snprintf(copies[i], sizeof copies[i], "%s/%s", dir, base);
                if (copy_atomic(src.v[i], copies[i]) != 0) {
                    snprintf(err, errlen, "cannot read %s: %s", src.v[i],
                             strerror(errno));
                    free(copies);
                    free(objs);
                    remove_dir(dir);
                    src_free(&src);
                    free(pf);
                    return -1;
                }
                input = base;
            }
        } else {
            snprintf(objs[i], sizeof objs[i], "%s/%d.o", dir, i);
        }
        arg(&a, cc);
        for (int k = 0; cflags[k]; k++)
            arg(&a, cflags[k]);
        if (!plainc) /* plainc/flags.sh carries the sanitizer's flags */
            arg(&a, PROGRAM_SAN);
        for (int k = 0; k < ninc && !plainc; k++) /* a program's own headers
                                                     win over racelab's */
            arg(&a, inc[k]);
        for (int k = 0; k < RL_BUILD_MAX_ITEMS && b->flags[k]; k++)
            arg(&a, b->flags[k]);
        arg(&a, "-c");
        arg(&a, "-o");
        arg(&a, objs[i]);
        arg(&a, input);
        ok = run_cc(&a, cwd, b->spawn, &out, &outn);
    }
    char tmp[PATH_MAX + 64];
    snprintf(tmp, sizeof tmp, "%s/program", dir);
    if (ok) {
        struct argv_list a = {.n = 0};
        arg(&a, cc);
        arg(&a, "-o");
        arg(&a, apart ? "program" : tmp);
        for (int k = 0; plainc && ldflags[k]; k++)
            arg(&a, ldflags[k]);
        if (plainc)
            arg(&a, pf->begin);
        for (int i = 0; i < src.n; i++)
            arg(&a, objs[i]);
        if (plainc)
            arg(&a, pf->end);
        /* The exercise library whole: its labs and exercises register
         * themselves in linker sections that nothing references by name. */
        if (!plainc)
            arg(&a, "-Wl,--whole-archive");
        arg(&a, lib);
        if (!plainc)
            arg(&a, "-Wl,--no-whole-archive");
        if (!plainc) {
            arg(&a, PROGRAM_SAN);
            for (int k = 0; ldflags[k]; k++)
                arg(&a, ldflags[k]);
        }
        for (int k = 0; libs[k]; k++)
            arg(&a, libs[k]);
        ok = run_cc(&a, cwd, b->spawn, &out, &outn);
    }
    /* An exercise keeps the object of the caller's sources next to the
     * executable (rl_program_undefined reads what it calls): the one
     * object, or the caller's objects linked into one (ld -r). */
    char ownobj[PATH_MAX + 64];
    snprintf(ownobj, sizeof ownobj, "%s/own.o", dir);
    if (ok && !plainc && nown > 1) {
        struct argv_list a = {.n = 0};
        arg(&a, cc);
        arg(&a, "-r");
        arg(&a, "-nostdlib");
        arg(&a, "-o");
        arg(&a, ownobj);
        for (int i = 0; i < nown; i++)
            arg(&a, objs[i]);
        ok = run_cc(&a, cwd, b->spawn, &out, &outn);
    } else if (ok && !plainc) {
        snprintf(ownobj, sizeof ownobj, "%s%s%s", apart ? dir : "",
                 apart ? "/" : "", objs[0]);
    }
    /* Built with the student API alone in view: it must use no more of
     * the library than that API (not the engine's internals). */
    if (ok && !plainc && b->api_only) {
        char bad[128], why[256];
        const char *base = strrchr(src.v[0], '/');
        base = base ? base + 1 : src.v[0];
        int rc = api_only_check(ownobj, lib, api, bad, sizeof bad, why,
                                sizeof why);
        if (rc != 0) {
            free(out);
            out = rl_xmalloc(512);
            if (rc > 0)
                snprintf(out, 512,
                         "%s uses %s, which is racelab's own and not part "
                         "of the student API (core/racelab.h)",
                         base, bad);
            else
                snprintf(out, 512, "%s", why);
            outn = strlen(out);
            ok = false;
        }
    }
    if (ok && b->spawn && b->spawn->drop_user) {
        /* Ours again: the children that run it must not rewrite it. */
        if ((!plainc && chown(ownobj, geteuid(), getegid()) != 0) ||
            chown(tmp, geteuid(), getegid()) != 0) {
            snprintf(err, errlen, "cannot take back %s: %s", tmp,
                     strerror(errno));
            free(out);
            out = NULL;
            ok = false;
        }
    }
    if (ok && !plainc && rename(ownobj, own) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", own, strerror(errno));
        free(out);
        out = NULL;
        ok = false;
    } else if (ok && rename(tmp, exe) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", exe, strerror(errno));
        free(out);
        out = NULL;
        ok = false;
    } else if (!ok) {
        /* The compiler's own words, trimmed at a line that fits; the
         * linker's name the copy by its folder (from the debug
         * information), which says nothing to the student. */
        if (apart && out)
            text_drop(out, dir);
        for (int i = 0; apart && out && b->names_as_given && i < nown;
             i++) {
            const char *base = strrchr(src.v[i], '/');
            char *renamed = text_rename(out, base ? base + 1 : src.v[i],
                                        src.v[i]);
            free(out);
            out = renamed;
        }
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
    free(copies);
    free(out);
    free(objs);
    remove_dir(dir);
    src_free(&src);
    free(pf);
    if (ok)
        prune(cache, plainc ? "program" : b->exercise);
    return ok ? 0 : -1;
}

