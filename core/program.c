/* SPDX-License-Identifier: MIT */
/*
 * program.c - build a program apart from racelab into a cached child
 * executable (see program.h); the other files of the build driver are
 * listed in program_impl.h.
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

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "program_impl.h"
#include "run.h"

/* ---- the flags (adjust here) --------------------------------------------- */

/* An exercise: the student's file with the student_ prefix; the include
 * path lets "../core/racelab.h", "core/racelab.h", "racelab.h" and
 * "counter.h" resolve from anywhere (the home's folders are added). */
static const char *const exercise_cflags[] = {
    "-std=c11", "-O1", "-g", "-pthread", "-DRL_EXERCISE_PREFIX=student_",
    NULL};
static const char *const exercise_ldflags[] = {"-pthread", "-lm", NULL};

/* The warnings a student sees (an exercise and a plain C program alike):
 * kept with the build in the cache (rl_program_warnings), never an error.
 * -Wall and not -Wextra: a thread function's unused `void *arg` is not
 * worth a line. */
static const char *const warn_cflags[] = {"-Wall", NULL};

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

/* The library a kind links with (see program_impl.h). */
const char *program_library(enum rl_build_kind kind)
{
    return kind_library[kind == RL_BUILD_PLAINC];
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

/* ---- the builds ---------------------------------------------------------- */

/* A native build (RL_BUILD_NATIVE): one compiler run over every source,
 * cached like the others under "native-HASH". */
static int build_native(const struct rl_build *b, const char *cc, char *exe,
                        size_t exelen, char *err, size_t errlen)
{
    char cache[PATH_MAX];
    struct program_sources src = {0};
    if (program_cache_dir(b->cache, cache, sizeof cache, err, errlen) != 0)
        return -1;
    if (program_sources_collect(b, &src, err, errlen) != 0) {
        program_sources_free(&src);
        return -1;
    }
    uint64_t h = PROGRAM_HASH_SEED;
    program_hash_str(&h, "native");
    program_hash_str(&h, cc);
    for (int i = 0; native_cflags[i]; i++)
        program_hash_str(&h, native_cflags[i]);
    for (int i = 0; i < RL_BUILD_MAX_ITEMS && b->flags[i]; i++)
        program_hash_str(&h, b->flags[i]);
    for (int i = 0; i < src.n; i++) {
        program_hash_str(&h, src.v[i]);
        if (program_hash_file(&h, src.v[i]) != 0) {
            snprintf(err, errlen, "cannot read %s: %s", src.v[i],
                     strerror(errno));
            program_sources_free(&src);
            return -1;
        }
    }
    snprintf(exe, exelen, "%s/native-%016llx", cache, (unsigned long long)h);
    if (access(exe, X_OK) == 0) {
        utimensat(AT_FDCWD, exe, NULL, 0);
        program_sources_free(&src);
        return 0;
    }
    char tmp[PATH_MAX + 64];
    snprintf(tmp, sizeof tmp, "%s/native-tmp-%d", cache, (int)getpid());
    struct program_argv a = {.n = 0};
    program_arg(&a, cc);
    for (int k = 0; native_cflags[k]; k++)
        program_arg(&a, native_cflags[k]);
    for (int k = 0; k < RL_BUILD_MAX_ITEMS && b->flags[k]; k++)
        program_arg(&a, b->flags[k]);
    program_arg(&a, "-o");
    program_arg(&a, tmp);
    for (int i = 0; i < src.n; i++)
        program_arg(&a, src.v[i]);
    for (int k = 0; native_ldflags[k]; k++)
        program_arg(&a, native_ldflags[k]);
    char *out = NULL;
    size_t outn = 0;
    bool ok = program_run_cc(&a, NULL, NULL, &out, &outn);
    if (ok && rename(tmp, exe) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", exe, strerror(errno));
        ok = false;
    } else if (!ok) {
        snprintf(err, errlen, "%s",
                 out && *out ? out : "the C compiler failed");
        size_t n = strlen(err);
        while (n > 0 && err[n - 1] == '\n')
            err[--n] = '\0';
        unlink(tmp);
    }
    free(out);
    program_sources_free(&src);
    if (ok)
        program_prune(cache, "native");
    return ok ? 0 : -1;
}

/* The warnings kept with the build exe (see program.h). */
size_t rl_program_warnings(const char *exe, char *buf, size_t len)
{
    char path[PATH_MAX + 8];
    size_t n = 0;
    if (len == 0)
        return 0;
    buf[0] = '\0';
    snprintf(path, sizeof path, "%.*s%s", PATH_MAX - 1, exe,
             PROGRAM_WARN_EXT);
    FILE *in = fopen(path, "r");
    if (!in)
        return 0;
    n = fread(buf, 1, len - 1, in);
    buf[n] = '\0';
    fclose(in);
    while (n > 0 && buf[n - 1] == '\n')
        buf[--n] = '\0';
    return n;
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
        program_cache_dir(b->cache, cache, sizeof cache, err, errlen) != 0)
        return -1;
    const char *libname = program_library(b->kind);
    snprintf(lib, sizeof lib, "%s/%s", libdir, libname);
    struct program_sources src = {0};
    if (program_sources_collect(b, &src, err, errlen) != 0) {
        program_sources_free(&src);
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
            program_sources_add(&src, table);
    }
    char inc[5][PATH_MAX + 32], api[PATH_MAX];
    const char *root = home;
    int ninc = 3;
    if (!plainc && b->api_only) {
        if (program_api_tree(home, cache, api, sizeof api, err, errlen) != 0) {
            program_sources_free(&src);
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
        program_copy_lib(lib, cache, libname, err, errlen) != 0) {
        program_sources_free(&src);
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
            program_sources_free(&src);
            return -1;
        }
        cflags = pf->cflags;
        ldflags = pf->ldflags;
        libs = pf->libs;
    }

    /* The key: everything that goes into the executable. */
    uint64_t h = PROGRAM_HASH_SEED;
    struct stat lst;
    if (stat(lib, &lst) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", lib, strerror(errno));
        program_sources_free(&src);
        free(pf);
        return -1;
    }
    program_hash_str(&h, cc);
    program_hash_str(&h, lib);
    program_hash_bytes(&h, &lst.st_mtim, sizeof lst.st_mtim);
    program_hash_bytes(&h, &lst.st_size, sizeof lst.st_size);
    program_hash_str(&h, b->exercise ? b->exercise : "");
    program_hash_str(&h, home);
    for (int i = 0; i < ninc; i++)
        program_hash_str(&h, inc[i]);
    for (int i = 0; cflags[i]; i++)
        program_hash_str(&h, cflags[i]);
    for (int i = 0; warn_cflags[i]; i++)
        program_hash_str(&h, warn_cflags[i]);
    for (int i = 0; ldflags[i]; i++)
        program_hash_str(&h, ldflags[i]);
    for (int i = 0; libs[i]; i++)
        program_hash_str(&h, libs[i]);
    for (int i = 0; i < RL_BUILD_MAX_ITEMS && b->flags[i]; i++)
        program_hash_str(&h, b->flags[i]);
    program_hash_str(&h, PROGRAM_SAN && !plainc ? PROGRAM_SAN : "");
    for (int i = 0; i < src.n; i++) {
        program_hash_str(&h, src.v[i]);
        if (program_hash_file(&h, src.v[i]) != 0) {
            snprintf(err, errlen, "cannot read %s: %s", src.v[i],
                     strerror(errno));
            program_sources_free(&src);
            free(pf);
            return -1;
        }
    }
    snprintf(exe, exelen, "%s/%s-%016llx", cache,
             plainc ? "program" : b->exercise, (unsigned long long)h);
    char own[PATH_MAX + 8], warn[PATH_MAX + 8];
    snprintf(own, sizeof own, "%.*s.o", PATH_MAX - 1, exe);
    snprintf(warn, sizeof warn, "%.*s%s", PATH_MAX - 1, exe, PROGRAM_WARN_EXT);
    if (access(exe, X_OK) == 0 && (plainc || access(own, R_OK) == 0) &&
        access(warn, R_OK) == 0) {
        /* in use: keep it (prune) */
        utimensat(AT_FDCWD, exe, NULL, 0);
        utimensat(AT_FDCWD, warn, NULL, 0);
        if (!plainc)
            utimensat(AT_FDCWD, own, NULL, 0);
        program_sources_free(&src);
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
        program_sources_free(&src);
        free(pf);
        return -1;
    }
    /* The compiler's user (b->spawn) writes the build folder. */
    if (b->spawn && b->spawn->drop_user &&
        chown(dir, (uid_t)b->spawn->uid, (gid_t)b->spawn->gid) != 0) {
        snprintf(err, errlen, "cannot hand %s to uid %u: %s", dir,
                 b->spawn->uid, strerror(errno));
        rmdir(dir);
        program_sources_free(&src);
        free(pf);
        return -1;
    }
    bool apart = !plainc && b->api_only && b->private_copy;
    bool told = false; /* err says why already (not the compiler) */
    const char *cwd = apart ? dir : NULL;
    char *out = NULL;
    size_t outn = 0;
    bool ok = true;
    char (*objs)[PATH_MAX + 64] = rl_xcalloc((size_t)src.n, sizeof *objs);
    char (*copies)[PATH_MAX + 64] = rl_xcalloc((size_t)src.n, sizeof *copies);
    for (int i = 0; i < src.n && ok; i++) {
        struct program_argv a = {.n = 0};
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
                if (program_copy_atomic(src.v[i], copies[i]) != 0) {
                    snprintf(err, errlen, "cannot read %s: %s", src.v[i],
                             strerror(errno));
                    free(copies);
                    free(objs);
                    program_remove_dir(dir);
                    program_sources_free(&src);
                    free(pf);
                    return -1;
                }
                input = base;
            }
        } else {
            snprintf(objs[i], sizeof objs[i], "%s/%d.o", dir, i);
        }
        program_arg(&a, cc);
        for (int k = 0; cflags[k]; k++)
            program_arg(&a, cflags[k]);
        for (int k = 0; warn_cflags[k]; k++)
            program_arg(&a, warn_cflags[k]);
        if (!plainc) /* plainc/flags.sh carries the sanitizer's flags */
            program_arg(&a, PROGRAM_SAN);
        for (int k = 0; k < ninc && !plainc; k++) /* a program's own headers
                                                     win over racelab's */
            program_arg(&a, inc[k]);
        for (int k = 0; k < RL_BUILD_MAX_ITEMS && b->flags[k]; k++)
            program_arg(&a, b->flags[k]);
        program_arg(&a, "-c");
        program_arg(&a, "-o");
        program_arg(&a, objs[i]);
        program_arg(&a, input);
        ok = program_run_cc(&a, cwd, b->spawn, &out, &outn);
    }
    char tmp[PATH_MAX + 64];
    snprintf(tmp, sizeof tmp, "%s/program", dir);
    if (ok) {
        struct program_argv a = {.n = 0};
        program_arg(&a, cc);
        program_arg(&a, "-o");
        program_arg(&a, apart ? "program" : tmp);
        for (int k = 0; plainc && ldflags[k]; k++)
            program_arg(&a, ldflags[k]);
        if (plainc)
            program_arg(&a, pf->begin);
        for (int i = 0; i < src.n; i++)
            program_arg(&a, objs[i]);
        if (plainc)
            program_arg(&a, pf->end);
        /* The exercise library whole: its labs and exercises register
         * themselves in linker sections that nothing references by name. */
        if (!plainc)
            program_arg(&a, "-Wl,--whole-archive");
        program_arg(&a, lib);
        if (!plainc)
            program_arg(&a, "-Wl,--no-whole-archive");
        if (!plainc) {
            program_arg(&a, PROGRAM_SAN);
            for (int k = 0; ldflags[k]; k++)
                program_arg(&a, ldflags[k]);
        }
        for (int k = 0; libs[k]; k++)
            program_arg(&a, libs[k]);
        ok = program_run_cc(&a, cwd, b->spawn, &out, &outn);
    }
    /* An exercise keeps the object of the caller's sources next to the
     * executable (rl_program_undefined reads what it calls): the one
     * object, or the caller's objects linked into one (ld -r). */
    char ownobj[PATH_MAX + 64];
    snprintf(ownobj, sizeof ownobj, "%s/own.o", dir);
    if (ok && !plainc && nown > 1) {
        struct program_argv a = {.n = 0};
        program_arg(&a, cc);
        program_arg(&a, "-r");
        program_arg(&a, "-nostdlib");
        program_arg(&a, "-o");
        program_arg(&a, ownobj);
        for (int i = 0; i < nown; i++)
            program_arg(&a, objs[i]);
        ok = program_run_cc(&a, cwd, b->spawn, &out, &outn);
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
        int rc = program_api_check(ownobj, lib, api, bad, sizeof bad, why,
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
            told = true;
            ok = false;
        }
    }
    /* What the compiler said of a build that succeeded is its warnings,
     * kept with it: a cached build shows them again. */
    if (ok) {
        char *said = rl_xmalloc(PROGRAM_WARN_MAX);
        said[0] = '\0';
        if (out && *out)
            program_cc_explain(&out, apart ? dir : NULL,
                               apart && b->names_as_given ? src.v : NULL,
                               nown, said, PROGRAM_WARN_MAX);
        if (!plainc)
            program_cc_unprefix(said, "student_");
        if (program_warnings_write(warn, said) != 0) {
            snprintf(err, errlen, "cannot write %s: %s", warn,
                     strerror(errno));
            told = true;
            ok = false;
        }
        free(said);
        free(out);
        out = NULL;
    }
    if (ok && !plainc && rename(ownobj, own) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", own, strerror(errno));
        ok = false;
    } else if (ok && rename(tmp, exe) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", exe, strerror(errno));
        ok = false;
    } else if (!ok && !told) {
        program_cc_explain(&out, apart ? dir : NULL,
                           apart && b->names_as_given ? src.v : NULL, nown, err,
                           errlen);
        if (!plainc)
            program_cc_unprefix(err, "student_");
    }
    free(copies);
    free(out);
    free(objs);
    program_remove_dir(dir);
    program_sources_free(&src);
    free(pf);
    if (ok)
        program_prune(cache, plainc ? "program" : b->exercise);
    return ok ? 0 : -1;
}
