/* SPDX-License-Identifier: MIT */
/*
 * schedule.c - schedule strings: parse, check, encode and decode.
 *
 * The format is described in schedule.h. Parsing is strict: a schedule
 * string is typed or pasted by people, and a silently different run is the
 * worst outcome, so every malformed piece is an error naming the piece.
 */
#include "schedule.h"
#include "text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "run.h"

/* Characters allowed in the lab (1), variant (2) and params (3) fields (a
 * lab name may hold a '.': rlock.non-owner; a program's, its source files:
 * dir/a.c+b.c). */
static bool field_char_ok(char c, int field)
{
    if (isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.')
        return true;
    if (field == 1)
        return c == '/' || c == '+';
    return field == 3 && (c == '=' || c == ',');
}

/* Parse one decimal number at *p (no sign); advances *p. -1 if none or
 * too large. */
static long parse_num(const char **p)
{
    const char *s = *p;
    long v = 0;
    if (!isdigit((unsigned char)*s))
        return -1;
    while (isdigit((unsigned char)*s)) {
        v = v * 10 + (*s - '0');
        if (v > RL_SCHEDULE_COUNT_MAX)
            return -1;
        s++;
    }
    *p = s;
    return v;
}

/* Walk the choices text; calls emit(id, count) per item. Returns 0 or -1
 * with a message. */
static int walk_choices(const char *choices, char *err, size_t errlen,
                        int (*emit)(void *, int, long), void *ctx)
{
    if (strcmp(choices, "-") == 0)
        return 0;
    if (*choices == '\0') {
        snprintf(err, errlen, "schedule string: the choices are empty "
                              "(use '-' for a run without choices)");
        return -1;
    }
    const char *p = choices;
    int item = 1;
    for (;;) {
        const char *start = p;
        long id = parse_num(&p);
        long count = 1;
        if (id >= 0 && *p == 'x') {
            p++;
            count = parse_num(&p);
        }
        size_t n = strcspn(start, ".");
        if (id < 0 || count < 1 || (*p != '.' && *p != '\0')) {
            /* at most 20 bytes of it, never half a character */
            snprintf(err, errlen,
                     "schedule string: bad choice '%.*s' at item %d "
                     "(expected THREAD or THREADxCOUNT, e.g. 0x3)",
                     (int)rl_text_prefix(start, n, 20), start, item);
            return -1;
        }
        if (id >= RL_MAX_THREADS) {
            snprintf(err, errlen,
                     "schedule string: thread %ld at item %d is out of "
                     "range (0..%d)",
                     id, item, RL_MAX_THREADS - 1);
            return -1;
        }
        if (emit && emit(ctx, (int)id, count) != 0) {
            snprintf(err, errlen, "schedule string: too many choices");
            return -1;
        }
        if (*p == '\0')
            return 0;
        p++;
        item++;
    }
}

int rl_schedule_check_choices(const char *choices, char *err, size_t errlen)
{
    return walk_choices(choices, err, errlen, NULL, NULL);
}

/* walk_choices's emit for rl_schedule_count_choices: add up. */
static int count_emit(void *ctx, int id, long count)
{
    (void)id;
    *(uint64_t *)ctx += (uint64_t)count;
    return 0;
}

/* Check the choices and count them (see schedule.h). */
int rl_schedule_count_choices(const char *choices, uint64_t *total, char *err,
                              size_t errlen)
{
    *total = 0;
    return walk_choices(choices, err, errlen, count_emit, total);
}

/* The item at *p of choices text already checked (see schedule.h). */
void rl_schedule_next_item(const char **p, int *id, uint64_t *count)
{
    const char *q = *p;
    long v = 0;
    while (*q >= '0' && *q <= '9')
        v = v * 10 + (*q++ - '0');
    *id = (int)v;
    *count = 1;
    if (*q == 'x') {
        uint64_t c = 0;
        for (q++; *q >= '0' && *q <= '9'; q++)
            c = c * 10 + (uint64_t)(*q - '0');
        *count = c;
    }
    if (*q == '.')
        q++;
    *p = q;
}

/* A schedule string names each parameter once: "threads=2,threads=3"
 * would leave the reader to guess which one the run used. 0, or -1 with a
 * message. params holds only [A-Za-z0-9._=,-] (checked before). */
static int params_check_unique(const char *params, char *err, size_t errlen)
{
    for (const char *a = params; *a;) {
        size_t alen = strcspn(a, "=,");
        const char *next = a + strcspn(a, ",");

        for (const char *b = *next ? next + 1 : next; *b;) {
            size_t blen = strcspn(b, "=,");
            const char *bn = b + strcspn(b, ",");

            if (alen > 0 && blen == alen && strncmp(a, b, alen) == 0) {
                snprintf(err, errlen,
                         "schedule string: parameter '%.*s' is given twice",
                         (int)alen, a);
                return -1;
            }
            b = *bn ? bn + 1 : bn;
        }
        a = *next ? next + 1 : next;
    }
    return 0;
}

int rl_schedule_parse(const char *str, struct rl_schedule *s, char *err,
                      size_t errlen)
{
    static const char *shape = "schedule string: expected "
                               "rl1:LAB:VARIANT:PARAMS:CHOICES";
    memset(s, 0, sizeof(*s));
    const char *f[5];
    size_t flen[5];
    const char *p = str;
    for (int i = 0; i < 5; i++) {
        f[i] = p;
        const char *c = (i < 4) ? strchr(p, ':') : p + strlen(p);
        if (!c) {
            snprintf(err, errlen, "%s", shape);
            return -1;
        }
        flen[i] = (size_t)(c - p);
        p = (i < 4) ? c + 1 : c;
    }
    if (strchr(f[4], ':')) {
        snprintf(err, errlen, "%s", shape);
        return -1;
    }
    if (flen[0] != strlen(RL_SCHEDULE_VERSION) ||
        strncmp(f[0], RL_SCHEDULE_VERSION, flen[0]) != 0) {
        if (flen[0] >= 2 && strncmp(f[0], "rl", 2) == 0)
            snprintf(err, errlen,
                     "schedule string: version %.*s is not supported "
                     "(this racelab reads %s)",
                     (int)rl_text_prefix(f[0], flen[0], 10), f[0],
                     RL_SCHEDULE_VERSION);
        else
            snprintf(err, errlen, "%s", shape);
        return -1;
    }
    static const char *names[] = {"", "lab", "variant", "params"};
    char *dst[] = {NULL, s->lab, s->variant, s->params};
    size_t cap[] = {0, sizeof(s->lab), sizeof(s->variant), sizeof(s->params)};
    for (int i = 1; i < 4; i++) {
        if ((flen[i] == 0 && i < 3) || flen[i] >= cap[i]) {
            snprintf(err, errlen, "schedule string: the %s field is %s",
                     names[i], flen[i] == 0 ? "empty" : "too long");
            return -1;
        }
        for (size_t k = 0; k < flen[i]; k++) {
            if (!field_char_ok(f[i][k], i)) {
                /* the whole character, however many bytes it takes */
                size_t cl = rl_text_char_len(f[i] + k, flen[i] - k);
                snprintf(err, errlen,
                         "schedule string: unexpected '%.*s' in the %s field",
                         (int)(cl ? cl : 1), f[i] + k, names[i]);
                return -1;
            }
        }
        memcpy(dst[i], f[i], flen[i]);
        dst[i][flen[i]] = '\0';
    }
    if (params_check_unique(s->params, err, errlen) != 0)
        return -1;
    if (rl_schedule_check_choices(f[4], err, errlen) != 0)
        return -1;
    s->choices = f[4];
    return 0;
}

size_t rl_schedule_format(char *buf, size_t len, const char *lab,
                          const char *variant, const char *params,
                          const char *choices)
{
    int n = snprintf(buf, len, "%s:%s:%s:%s:%s", RL_SCHEDULE_VERSION, lab,
                     variant, params, choices);
    return n < 0 ? 0 : (size_t)n;
}

struct decode_ctx {
    int16_t *ids;
    size_t max;
    size_t n;
};

static int decode_emit(void *vctx, int id, long count)
{
    struct decode_ctx *d = vctx;
    if ((size_t)count > d->max - d->n)
        return -1;
    for (long i = 0; i < count; i++)
        d->ids[d->n++] = (int16_t)id;
    return 0;
}

long rl_schedule_decode(const char *choices, int16_t *ids, size_t max)
{
    char err[16];
    struct decode_ctx d = {ids, max, 0};
    if (walk_choices(choices, err, sizeof(err), decode_emit, &d) != 0)
        return -1;
    return (long)d.n;
}

/* One item's text (see schedule.h). */
size_t rl_schedule_item(int id, uint64_t count, char *buf, size_t len)
{
    size_t out = 0;
    char piece[48];

    if (len > 0)
        buf[0] = '\0';
    while (count > 0) {
        uint64_t c = count > (uint64_t)RL_SCHEDULE_COUNT_MAX
                         ? (uint64_t)RL_SCHEDULE_COUNT_MAX
                         : count;
        int w = c > 1 ? snprintf(piece, sizeof(piece), ".%dx%llu", id,
                                 (unsigned long long)c)
                      : snprintf(piece, sizeof(piece), ".%d", id);
        if (out < len)
            snprintf(buf + out, len - out, "%s", piece);
        out += (size_t)w;
        count -= c;
    }
    return out;
}

size_t rl_schedule_encode(const int16_t *ids, size_t n, char *buf, size_t len)
{
    size_t out = 0;
    if (len > 0)
        buf[0] = '\0';
    if (n == 0) {
        int w = snprintf(buf, len, "-");
        return w < 0 ? 0 : (size_t)w;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && ids[j] == ids[i])
            j++;
        char small[64], *item = small;
        /* The first item has no '.' before it. */
        size_t w = rl_schedule_item(ids[i], j - i, NULL, 0);
        if (out + w - (i == 0) < len) {
            if (w >= sizeof(small))
                item = rl_xmalloc(w + 1); /* a stretch split many times */
            rl_schedule_item(ids[i], j - i, item, w + 1);
            memcpy(buf + out, item + (i == 0), w + 1 - (i == 0));
            if (item != small)
                free(item);
        } else if (out < len) {
            buf[out] = '\0';
        }
        out += w - (i == 0);
        i = j;
    }
    return out;
}
