/* SPDX-License-Identifier: MIT */
/*
 * grade_compile.c - compile a submission into a .so, find racelab's
 * headers, load an implementation's table (see grade_compile.h).
 */
#include "../../core/program.h"
#include "grade_compile.h"
#include "../../core/mem.h"

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grade_child.h"

/* Find racelab's sources for the include path: the engine's rule
 * (core/program.h), shared with the builds of exercises and programs. */
int grade_home(char *buf, size_t len, char *err, size_t errlen)
{
    return rl_home(buf, len, err, errlen);
}

/* Cut text to max_lines / max_bytes with a note of what was cut. */
void grade_trim(char *text, size_t max_lines, size_t max_bytes)
{
    size_t len = strlen(text), lines = 0, cut = len;
    char note[80];

    for (size_t i = 0; i < len; i++) {
        if (i >= max_bytes) {
            cut = i;
            break;
        }
        if (text[i] == '\n' && ++lines == max_lines) {
            cut = i + 1;
            break;
        }
    }
    if (cut >= len)
        return;
    /* Never in the middle of a UTF-8 character. */
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
        cut--;
    snprintf(note, sizeof note, "[... %zu more bytes not shown]\n", len - cut);
    if (cut + strlen(note) >= len) {
        return; /* cutting would not make it shorter */
    }
    memcpy(text + cut, note, strlen(note) + 1);
}

/* Copy file from to to (mode 0644). Returns 0, or -1. */
static int copy_file(const char *from, const char *to)
{
    char buf[65536];
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return -1;
    }
    int rc = 0;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -1 : 0;
            break;
        }
        if (write(out, buf, (size_t)n) != n) {
            rc = -1;
            break;
        }
    }
    close(in);
    if (close(out) != 0)
        rc = -1;
    return rc;
}

/* The private tree a submission is compiled in, under dir:
 *   dir/inc/core/racelab.h       the student API
 *   dir/inc/exercises/NAME.h     the exercise headers (and exercise.h)
 *   dir/src/FILE.c               a copy of the submission
 *   dir/inc/u/u/u                empty: "../../../core/racelab.h" (a file
 *                                written deeper in racelab's tree) still
 *                                finds the API, from -I dir/inc/u/u/u
 * so that neither the include path nor a relative #include reaches
 * racelab's sources or solutions/. Returns 0, or -1 with err. */
static int private_tree(const char *home, const char *dir, const char *src,
                        char *copy, size_t copylen, char *err, size_t errlen)
{
    char p[PATH_MAX + 64], q[PATH_MAX + 64];
    const char *sub[] = {"inc",   "inc/core", "inc/exercises",
                         "inc/u", "inc/u/u",  "inc/u/u/u",
                         "src"};
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, sub[i]);
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", p, strerror(errno));
            return -1;
        }
    }
    snprintf(p, sizeof p, "%s/core/racelab.h", home);
    snprintf(q, sizeof q, "%s/inc/core/racelab.h", dir);
    if (copy_file(p, q) != 0) {
        snprintf(err, errlen, "cannot copy %s: %s", p, strerror(errno));
        return -1;
    }
    snprintf(p, sizeof p, "%s/exercises", home);
    DIR *d = opendir(p);
    if (d == NULL) {
        snprintf(err, errlen, "cannot read %s: %s", p, strerror(errno));
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 3 || strcmp(de->d_name + n - 2, ".h") != 0)
            continue;
        snprintf(p, sizeof p, "%s/exercises/%s", home, de->d_name);
        snprintf(q, sizeof q, "%s/inc/exercises/%s", dir, de->d_name);
        if (copy_file(p, q) != 0) {
            snprintf(err, errlen, "cannot copy %s: %s", p, strerror(errno));
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    const char *base = strrchr(src, '/');
    snprintf(copy, copylen, "%s/src/%s", dir, base != NULL ? base + 1 : src);
    if (copy_file(src, copy) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", src, strerror(errno));
        return -1;
    }
    return 0;
}

/* Run the compiler on one submission file, in a limited child. */
int grade_compile(const char *home, const char *exercise, const char *src,
                  const char *so_path, char **output)
{
    const char *cc = getenv("CC");
    char inc1[PATH_MAX + 16], inc2[PATH_MAX + 16], inc3[PATH_MAX + 16];
    char inc4[PATH_MAX + 16], inc5[PATH_MAX + 16];
    char dir[PATH_MAX], copy[PATH_MAX + 64], err[PATH_MAX + 128];
    char table[PATH_MAX + 64], table_src[PATH_MAX + 64];
    struct child_limits lim;
    struct child_outcome o;

    if (cc == NULL || cc[0] == '\0')
        cc = "cc";
    snprintf(dir, sizeof dir, "%s", so_path);
    char *slash = strrchr(dir, '/');
    if (slash != NULL)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    if (private_tree(home, dir, src, copy, sizeof copy, err, sizeof err) != 0) {
        *output = rl_xstrdup(err);
        return -1;
    }
    /* Compiled where the copy is, by its name alone: the messages name
     * the student's file, not our temporary directory. */
    char srcdir[PATH_MAX + 8];
    snprintf(srcdir, sizeof srcdir, "%s/src", dir);
    const char *name = strrchr(copy, '/') + 1;
    snprintf(inc1, sizeof inc1, "-I%s/inc/exercises", dir);
    snprintf(inc2, sizeof inc2, "-I%s/inc", dir);
    snprintf(inc3, sizeof inc3, "-I%s/inc/core", dir);
    snprintf(inc4, sizeof inc4, "-I%s/inc/u/u", dir);
    snprintf(inc5, sizeof inc5, "-I%s/inc/u/u/u", dir);
    /* The exercise's table of functions (exercises/impl/NAME.c: headers
     * declare, one .c defines), copied into the private tree so that its
     * "../NAME.h" is the private copy. */
    snprintf(table_src, sizeof table_src, "%s/exercises/impl/%s.c", home,
             exercise);
    snprintf(table, sizeof table, "%s/inc/exercises/impl", dir);
    if (mkdir(table, 0755) != 0 && errno != EEXIST) {
        *output = rl_xstrdup("cannot create the private include tree");
        unlink(copy);
        return -1;
    }
    snprintf(table, sizeof table, "%s/inc/exercises/impl/%s.c", dir,
             exercise);
    if (copy_file(table_src, table) != 0) {
        size_t n = strlen(table_src) + 64;
        *output = rl_xmalloc(n);
        snprintf(*output, n, "cannot copy %s: %s", table_src,
                 strerror(errno));
        unlink(copy);
        return -1;
    }
    char *argv[] = {(char *)cc,
                    "-std=c11",
                    "-shared",
                    "-fPIC",
                    "-DRL_EXERCISE_PREFIX=student_",
                    inc1,
                    inc2,
                    inc3,
                    inc4,
                    inc5,
                    "-Wl,-Bsymbolic",
                    "-o",
                    (char *)so_path,
                    (char *)name,
                    table,
                    NULL};
    memset(&lim, 0, sizeof lim);
    lim.cwd = srcdir;
    lim.timeout_ms = 60000;
    lim.cpu_s = 60;
    lim.file_size = (size_t)256 << 20;
    lim.output_max = 16384;
    child_exec(argv, &lim, &o);
    unlink(copy);
    grade_trim(o.output, 40, 4000);
    *output = o.output;
    o.output = NULL;
    int ok = o.how == CHILD_EXITED && o.status == 0;
    if (!ok && (*output)[0] == '\0') {
        free(*output);
        *output = rl_xmalloc(128);
        if (*output != NULL)
            snprintf(*output, 128, "the compiler %s",
                     o.how == CHILD_TIMEOUT ? "took more than 60 s"
                                            : "failed to run");
    }
    child_outcome_free(&o);
    return ok ? 0 : -1;
}

/* dlopen the .so (or look in racelab itself) and find the table. */
const void *grade_load(const char *so_path, const char *exercise, char *err,
                       size_t errlen)
{
    char sym[128];
    void *h;
    const void *impl;

    snprintf(sym, sizeof sym, "student_%s_impl", exercise);
    if (so_path == NULL) {
        impl = dlsym(RTLD_DEFAULT, sym);
        if (impl == NULL)
            snprintf(err, errlen,
                     "%s is not linked into this racelab (rebuild with "
                     "make)",
                     sym);
        return impl;
    }
    h = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        const char *e = dlerror();
        size_t n = strlen(so_path);
        /* Not our temporary path: the same report on every run. */
        if (e != NULL && strncmp(e, so_path, n) == 0 && e[n] == ':')
            e += n + 1 + (e[n + 1] == ' ');
        snprintf(err, errlen, "cannot load the compiled submission: %s",
                 e != NULL ? e : "unknown error");
        return NULL;
    }
    dlerror();
    impl = dlsym(h, sym);
    if (impl == NULL)
        snprintf(err, errlen,
                 "the compiled submission has no %s (racelab's "
                 "exercises/impl/%s.c defines it: is racelab's home complete?)",
                 sym, exercise);
    return impl;
}

/* Whether the ELF64 image (size n) has the byte range off..off+len. */
static bool elf_has(size_t n, uint64_t off, uint64_t len)
{
    return off <= n && len <= n - off;
}

/* The first undefined dynamic symbol of so (a function it calls from
 * outside itself) that matches one of patterns, into buf; NULL if none
 * (or the file is not an ELF64 shared object we can read). */
const char *grade_so_forbidden(const char *so, const char *const *patterns,
                               char *buf, size_t len)
{
    const char *found = NULL;
    FILE *f = fopen(so, "rb");
    if (f == NULL || patterns == NULL) {
        if (f != NULL)
            fclose(f);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    unsigned char *img = size > 0 ? rl_xmalloc((size_t)size) : NULL;
    size_t n = img != NULL ? fread(img, 1, (size_t)size, f) : 0;
    fclose(f);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
    if (n < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        !elf_has(n, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))) {
        free(img);
        return NULL;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
    for (int i = 0; i < eh->e_shnum && found == NULL; i++) {
        if (sh[i].sh_type != SHT_DYNSYM || sh[i].sh_link >= eh->e_shnum)
            continue;
        const Elf64_Shdr *strs = &sh[sh[i].sh_link];
        if (!elf_has(n, sh[i].sh_offset, sh[i].sh_size) ||
            !elf_has(n, strs->sh_offset, strs->sh_size))
            break;
        const Elf64_Sym *sym = (const Elf64_Sym *)(img + sh[i].sh_offset);
        size_t count = sh[i].sh_size / sizeof *sym;
        const char *str = (const char *)(img + strs->sh_offset);
        for (size_t k = 1; k < count && found == NULL; k++) {
            if (sym[k].st_shndx != SHN_UNDEF || sym[k].st_name >= strs->sh_size)
                continue;
            const char *name = str + sym[k].st_name;
            if (memchr(name, '\0', strs->sh_size - sym[k].st_name) == NULL)
                continue;
            for (const char *const *p = patterns; *p != NULL; p++)
                if (fnmatch(*p, name, 0) == 0) {
                    snprintf(buf, len, "%s", name);
                    found = buf;
                    break;
                }
        }
    }
    free(img);
    return found;
}
