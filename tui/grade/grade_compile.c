/* SPDX-License-Identifier: MIT */
/*
 * grade_compile.c - compile a submission into a .so, find racelab's
 * headers, load an implementation's table (see grade_compile.h).
 */
#include "../../core/mem.h"
#include "../../core/program.h"
#include "grade_compile.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    snprintf(note, sizeof note, "[... %zu more bytes not shown]\n", len - cut);
    if (cut + strlen(note) >= len) {
        return; /* cutting would not make it shorter */
    }
    memcpy(text + cut, note, strlen(note) + 1);
}

/* Run the compiler on one submission file, in a limited child. */
int grade_compile(const char *home, const char *exercise, const char *src,
                  const char *so_path, char **output)
{
    const char *cc = getenv("CC");
    char inc1[PATH_MAX + 16], inc2[PATH_MAX + 16], inc3[PATH_MAX + 16];
    char table[PATH_MAX + 64];
    struct child_limits lim;
    struct child_outcome o;

    if (cc == NULL || cc[0] == '\0')
        cc = "cc";
    snprintf(inc1, sizeof inc1, "-I%s/exercises", home);
    snprintf(inc2, sizeof inc2, "-I%s", home);
    snprintf(inc3, sizeof inc3, "-I%s/core", home);
    snprintf(table, sizeof table, "%s/exercises/impl/%s.c", home, exercise);
    char *argv[] = {(char *)cc,
                    "-std=c11",
                    "-shared",
                    "-fPIC",
                    "-DRL_EXERCISE_PREFIX=student_",
                    inc1,
                    inc2,
                    inc3,
                    "-Wl,-Bsymbolic",
                    "-o",
                    (char *)so_path,
                    (char *)src,
                    table,
                    NULL};
    memset(&lim, 0, sizeof lim);
    lim.timeout_ms = 60000;
    lim.cpu_s = 60;
    lim.file_size = (size_t)256 << 20;
    lim.output_max = 16384;
    child_exec(argv, &lim, &o);
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
