/* SPDX-License-Identifier: MIT */
/*
 * program_api.c - the student API alone (api_only in program.h): what a
 * submission from outside racelab's tree may see and use.
 *
 * It may see a copy of the student API only: core/racelab.h and the
 * exercises' headers and tables, kept in the cache (cache/api) with the
 * empty folders u/u/u that let a "../../../core/racelab.h" written deep
 * in a student's tree resolve. It may use of librlex.a only what
 * core/racelab.h declares: the library's own symbol index (its ar
 * archive's first member) says what the library defines, and the
 * undefined symbols of the submission's object (read from its ELF symbol
 * table, no tool run) what it calls; a name in both that the header does
 * not declare is one of the engine's own functions. The same reading of
 * the object answers rl_program_undefined, which the grader uses.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mem.h"
#include "program_impl.h"

/* ---- the tree of headers ------------------------------------------------- */

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
        if (program_copy_atomic(from, to) != 0) {
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
int program_api_tree(const char *home, const char *cache, char *dir, size_t len,
                     char *err, size_t errlen)
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
    if (program_copy_atomic(from, to) != 0) {
        snprintf(err, errlen, "cannot copy %s: %s", from, strerror(errno));
        return -1;
    }
    if (copy_folder(home, dir, "exercises", ".h", err, errlen) != 0)
        return -1;
    /* The tables of functions (exercises/impl/NAME.c) */
    return copy_folder(home, dir, "exercises/impl", ".c", err, errlen);
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

/* ---- the engine's own functions ------------------------------------------ */

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
        (memcmp(head + 8, "/ ", 2) != 0 &&
         memcmp(head + 8, "/SYM64/", 7) != 0)) {
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
int program_api_check(const char *obj, const char *lib, const char *api,
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
