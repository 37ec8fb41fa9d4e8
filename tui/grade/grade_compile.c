/* SPDX-License-Identifier: MIT */
/*
 * grade_compile.c - the exercise's rules against a build, and compiler
 * output cut for a report (see grade_compile.h).
 */
#include "grade_compile.h"

#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../../core/program.h"

/* What grade_forbidden looks for, and where it puts what it found. */
struct forbid {
    const char *const *patterns;
    char *buf;
    size_t len;
    bool found;
};

/* rl_program_undefined's callback: stop at the first forbidden name. */
static bool forbid_match(void *ctx, const char *name)
{
    struct forbid *f = ctx;
    for (const char *const *p = f->patterns; *p != NULL; p++)
        if (fnmatch(*p, name, 0) == 0) {
            snprintf(f->buf, f->len, "%s", name);
            f->found = true;
            return true;
        }
    return false;
}

/* The first forbidden name the student's code uses. */
const char *grade_forbidden(const char *exe, const char *const *patterns,
                            char *buf, size_t len)
{
    struct forbid f = {patterns, buf, len, false};
    char err[256];
    if (patterns == NULL || patterns[0] == NULL)
        return NULL;
    if (rl_program_undefined(exe, forbid_match, &f, err, sizeof err) < 0)
        return NULL;
    return f.found ? buf : NULL;
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

/* Count the warnings in a compiler's messages (see grade_compile.h). */
int grade_warning_count(const char *text)
{
    int n = 0;
    for (const char *l = text; *l != '\0';) {
        size_t k = strcspn(l, "\n");
        const char *w = strstr(l, ": warning: ");
        if (w != NULL && (size_t)(w - l) < k)
            n++;
        l += k + (l[k] == '\n');
    }
    return n == 0 && text[0] != '\0' ? 1 : n;
}
