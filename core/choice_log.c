/* SPDX-License-Identifier: MIT */
/*
 * choice_log.c - the compact log of a sim run's choices (see choice_log.h).
 *
 * Logging. A choice either lengthens the open item (the same thread again)
 * or closes it and opens another. A closed item goes to the tail, a small
 * window of the newest items, unless it continues the cycle of the last
 * group: while the tail is a prefix of that group's pattern (`matching`),
 * the item that completes the pattern adds one repetition and empties the
 * tail. Otherwise, once the tail is full, it is searched for a cycle: when
 * its last 2p items are two equal copies of p items (p <=
 * CHOICE_LOG_PERIOD, smallest first), the p items become a new group,
 * repeated as many times as the tail ends with copies of them, and what
 * comes before goes to the open-ended group of irregular items (rep 1). A
 * tail that fills without a cycle spills its older half into that rep-1
 * group. So a round robin costs one group or two whatever its length, and
 * an irregular run two or three bytes per item.
 *
 * Bytes. An item is stored as its thread id (one byte) and its count, a
 * little-endian base-128 varint (one byte below 128).
 *
 * Reading the newest choices (a child sends them to its parent after each
 * request): a cursor remembers how many were handed out and where it
 * stands in the last group, the only one that still grows (a repeated
 * group by its rep, the irregular one at its end), so each read costs what
 * is new. A cycle goes out as its pattern and its count; the other side
 * logs it with choice_log_push_repeat, which pushes repetitions until its
 * own log has folded the cycle (the same choices fold the same way) and
 * then adds the rest to the group's rep in one go.
 *
 * Encoding walks the groups; a repeated pattern is written as a block of
 * many copies of its text at once, so a schedule string of 10^8 choices
 * takes a few hundred thousand copies, not 10^8 formatted items.
 */
#include "choice_log.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "schedule.h"

/* Whether two items are the same. */
static bool item_eq(struct choice_item a, struct choice_item b)
{
    return a.id == b.id && a.count == b.count;
}

/* Append item it to the bytes. */
static void bytes_put(struct choice_log *l, struct choice_item it)
{
    if (l->bytes_cap - l->nbytes < 11) {
        l->bytes_cap = l->bytes_cap ? l->bytes_cap * 2 : 256;
        l->bytes = rl_xrealloc(l->bytes, l->bytes_cap);
    }
    l->bytes[l->nbytes++] = (unsigned char)it.id;
    uint64_t c = it.count;
    while (c >= 0x80) {
        l->bytes[l->nbytes++] = (unsigned char)(c | 0x80);
        c >>= 7;
    }
    l->bytes[l->nbytes++] = (unsigned char)c;
}

/* Read the item at bytes[*off], advancing *off past it. */
static struct choice_item bytes_get(const struct choice_log *l, size_t *off)
{
    struct choice_item it;
    const unsigned char *p = l->bytes + *off;
    it.id = *p++;
    it.count = 0;
    for (int shift = 0;; shift += 7) {
        unsigned char b = *p++;
        it.count |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
    }
    *off = (size_t)(p - l->bytes);
    return it;
}

/* A new group of the len items last put in bytes (from off), rep times. */
static void group_add(struct choice_log *l, size_t off, size_t len,
                      uint64_t rep)
{
    if (l->ngroups == l->groups_cap) {
        l->groups_cap = l->groups_cap ? l->groups_cap * 2 : 16;
        l->groups =
            rl_xrealloc(l->groups, l->groups_cap * sizeof(*l->groups));
    }
    l->groups[l->ngroups++] = (struct choice_group){off, len, rep};
}

/* Move the oldest n items of the tail to the rep-1 group at the end (a new
 * one if the last group repeats). */
static void tail_spill(struct choice_log *l, size_t n)
{
    if (n == 0)
        return;
    struct choice_group *g = l->ngroups ? &l->groups[l->ngroups - 1] : NULL;
    size_t off = l->nbytes;
    for (size_t i = 0; i < n; i++)
        bytes_put(l, l->tail[i]);
    if (g && g->rep == 1)
        g->len += n; /* its bytes end where these begin */
    else
        group_add(l, off, n, 1);
    memmove(l->tail, l->tail + n, (l->ntail - n) * sizeof(*l->tail));
    l->ntail -= n;
}

/* If the tail ends in two copies of a cycle, make the cycle a group. */
static void tail_fold(struct choice_log *l)
{
    const struct choice_item *t = l->tail;
    size_t n = l->ntail;
    /* p = 1 cannot be: neighbouring items have different threads. */
    for (size_t p = 2; p <= CHOICE_LOG_PERIOD && 2 * p <= n; p++) {
        size_t i = 0;
        while (i < p && item_eq(t[n - 1 - i], t[n - 1 - p - i]))
            i++;
        if (i < p)
            continue;
        /* Earlier copies right before the two are repetitions too. */
        size_t start = n - 2 * p;
        uint64_t rep = 2;
        while (start >= p) {
            size_t k = 0;
            while (k < p && item_eq(t[start - p + k], t[start + k]))
                k++;
            if (k < p)
                break;
            start -= p;
            rep++;
        }
        tail_spill(l, start);
        size_t off = l->nbytes;
        for (size_t k = 0; k < p; k++)
            bytes_put(l, l->tail[k]);
        group_add(l, off, p, rep);
        l->ntail = 0;
        l->matching = true;
        l->match_off = off;
        return;
    }
}

/* A closed item: continue the last cycle, or keep it in the tail. */
static void log_close(struct choice_log *l, struct choice_item it)
{
    if (l->matching) {
        struct choice_group *g = &l->groups[l->ngroups - 1];
        size_t off = l->match_off;
        if (item_eq(bytes_get(l, &off), it)) {
            if (l->ntail + 1 == g->len) {
                g->rep++;
                l->ntail = 0;
                l->match_off = g->off;
            } else {
                l->tail[l->ntail++] = it;
                l->match_off = off;
            }
            return;
        }
        l->matching = false;
    }
    l->tail[l->ntail++] = it;
    /* Look for a cycle only in a full tail: a short run never pays for
     * it, and a cycle of p <= CHOICE_LOG_PERIOD items that goes on is
     * found there all the same (any 2p items of it are two copies). */
    if (l->ntail == 2 * CHOICE_LOG_PERIOD) {
        tail_fold(l);
        if (l->ntail == 2 * CHOICE_LOG_PERIOD)
            tail_spill(l, CHOICE_LOG_PERIOD);
    }
}

/* Close the open item and open one for id (see choice_log_push). */
void choice_log_switch(struct choice_log *l, int id)
{
    if (l->cur.count)
        log_close(l, l->cur);
    l->cur.id = id;
    l->cur.count = 1;
}

/* Log count choices of id (see choice_log.h). */
void choice_log_push_run(struct choice_log *l, int id, uint64_t count)
{
    if (count == 0)
        return;
    if (l->cur.count && l->cur.id == id) {
        l->cur.count += count;
    } else {
        choice_log_switch(l, id);
        l->cur.count = count;
    }
    l->total += count;
}

/* What a repetition of a cycle may change in the log: when one repetition
 * leaves all of it as it was but the last group's rep (one more), every
 * further repetition does the same (logging looks at nothing else, and
 * at rep only to tell 1 from more). */
struct log_state {
    size_t ngroups, nbytes, ntail, match_off;
    bool matching;
    uint64_t rep; /* the last group's */
    struct choice_item cur;
    struct choice_item tail[2 * CHOICE_LOG_PERIOD];
};

/* Take l's state into st. */
static void state_take(const struct choice_log *l, struct log_state *st)
{
    st->ngroups = l->ngroups;
    st->nbytes = l->nbytes;
    st->ntail = l->ntail;
    st->match_off = l->match_off;
    st->matching = l->matching;
    st->rep = l->ngroups ? l->groups[l->ngroups - 1].rep : 0;
    st->cur = l->cur;
    memcpy(st->tail, l->tail, l->ntail * sizeof(*l->tail));
}

/* How many more repetitions l's last group has than in st, when that is
 * all that differs (and it had at least 2); 0 otherwise. */
static uint64_t state_steady(const struct log_state *st,
                             const struct choice_log *l)
{
    if (st->ngroups != l->ngroups || l->ngroups == 0 ||
        st->nbytes != l->nbytes || st->ntail != l->ntail ||
        st->match_off != l->match_off || st->matching != l->matching ||
        st->rep < 2 || l->groups[l->ngroups - 1].rep <= st->rep ||
        !item_eq(st->cur, l->cur))
        return 0;
    for (size_t i = 0; i < l->ntail; i++)
        if (!item_eq(st->tail[i], l->tail[i]))
            return 0;
    return l->groups[l->ngroups - 1].rep - st->rep;
}

/* Log a cycle rep times, the steady part in one go (see choice_log.h). */
bool choice_log_push_repeat(struct choice_log *l,
                            const struct choice_item *items, size_t len,
                            uint64_t rep)
{
    if (len < 2 || len > CHOICE_LOG_PERIOD || rep == 0)
        return false;
    uint64_t per = 0;
    for (size_t i = 0; i < len; i++) {
        if (items[i].count == 0 || items[i].count > ((uint64_t)1 << 48) ||
            items[i].id == items[(i + 1) % len].id)
            return false;
        per += items[i].count;
    }
    if (rep > (UINT64_MAX - l->total) / per)
        return false;
    /* A cycle folds once the tail has filled with it, so settles within
     * a tail's worth of repetitions and a few more. */
    uint64_t settle = 4 * CHOICE_LOG_PERIOD + 8;
    struct log_state *st = rl_xmalloc(sizeof(*st));
    bool ok = true;
    for (uint64_t done = 0; done < rep; done++) {
        if (done == settle) {
            ok = false;
            break;
        }
        state_take(l, st);
        for (size_t i = 0; i < len; i++)
            choice_log_push_run(l, items[i].id, items[i].count);
        uint64_t d = state_steady(st, l);
        if (d) { /* each repetition from now on adds d to the group */
            uint64_t left = rep - done - 1;
            struct choice_group *g = &l->groups[l->ngroups - 1];
            if (left > (UINT64_MAX - g->rep) / d) {
                ok = false;
                break;
            }
            g->rep += left * d;
            l->total += left * per;
            break;
        }
    }
    free(st);
    return ok;
}

/* ---- reading the newest choices ----------------------------------------- */

/* A choice_log_since in progress: the rep-1 items gathered for chunk. */
struct since {
    uint64_t sent;
    void (*chunk)(void *ctx, const struct choice_item *items, size_t n,
                  uint64_t rep);
    void *ctx;
    struct choice_item buf[CHOICE_LOG_CHUNK];
    size_t n;
};

/* Hand the gathered items over. */
static void since_flush(struct since *s)
{
    if (s->n)
        s->chunk(s->ctx, s->buf, s->n, 1);
    s->n = 0;
}

/* Item it, whose first choice is number pos: gather its part past sent. */
static void since_item(struct since *s, struct choice_item it, uint64_t pos)
{
    if (pos + it.count <= s->sent)
        return;
    if (pos < s->sent)
        it.count -= s->sent - pos;
    s->buf[s->n++] = it;
    if (s->n == CHOICE_LOG_CHUNK)
        since_flush(s);
}

/* Group g (rep > 1), whose first choice is number pos: its part past sent.
 * Returns its choices. */
static uint64_t since_cycle(struct since *s, const struct choice_log *l,
                            const struct choice_group *g, uint64_t pos)
{
    struct choice_item pat[CHOICE_LOG_PERIOD];
    size_t off = g->off;
    uint64_t per = 0;
    for (size_t i = 0; i < g->len; i++) {
        pat[i] = bytes_get(l, &off);
        per += pat[i].count;
    }
    uint64_t total = per * g->rep;
    if (pos + total <= s->sent)
        return total;
    uint64_t skip = s->sent > pos ? s->sent - pos : 0;
    uint64_t r = skip / per;
    if (skip % per) { /* the rest of a repetition begun */
        uint64_t p = pos + r * per;
        for (size_t i = 0; i < g->len; i++) {
            since_item(s, pat[i], p);
            p += pat[i].count;
        }
        r++;
    }
    if (g->rep - r == 1) {
        uint64_t p = pos + r * per;
        for (size_t i = 0; i < g->len; i++) {
            since_item(s, pat[i], p);
            p += pat[i].count;
        }
    } else if (g->rep > r) {
        since_flush(s);
        s->chunk(s->ctx, pat, g->len, g->rep - r);
    }
    return total;
}

/* The choices since c->sent, in chunks (see choice_log.h). */
void choice_log_since(const struct choice_log *l, struct choice_log_cursor *c,
                      void (*chunk)(void *ctx, const struct choice_item *items,
                                    size_t n, uint64_t rep),
                      void *ctx)
{
    struct since *s = rl_xmalloc(sizeof(*s));
    s->sent = c->sent;
    s->chunk = chunk;
    s->ctx = ctx;
    s->n = 0;
    uint64_t pos = c->base;
    for (size_t gi = c->gi; gi < l->ngroups; gi++) {
        const struct choice_group *g = &l->groups[gi];
        uint64_t start = pos;
        if (g->rep > 1) {
            pos += since_cycle(s, l, g, pos);
            c->ii = 0;
            c->ibase = 0;
        } else {
            /* Only the last group grows, and only at its end: go on from
             * where the last call stopped in it. */
            size_t ii = 0, off = g->off;
            if (gi == c->gi && c->ii > 0) {
                ii = c->ii;
                off = c->ioff;
                pos += c->ibase;
            }
            for (; ii < g->len; ii++) {
                struct choice_item it = bytes_get(l, &off);
                since_item(s, it, pos);
                pos += it.count;
            }
            c->ii = ii;
            c->ioff = off;
            c->ibase = pos - start;
        }
        c->gi = gi;
        c->base = start;
        if (gi + 1 < l->ngroups) { /* no longer the last: done with it */
            c->gi = gi + 1;
            c->base = pos;
            c->ii = 0;
            c->ibase = 0;
        }
    }
    for (size_t i = 0; i < l->ntail; i++) {
        since_item(s, l->tail[i], pos);
        pos += l->tail[i].count;
    }
    if (l->cur.count)
        since_item(s, l->cur, pos);
    since_flush(s);
    c->sent = l->total;
    free(s);
}

/* Free the log's memory (see choice_log.h). */
void choice_log_free(struct choice_log *l)
{
    free(l->bytes);
    free(l->groups);
    memset(l, 0, sizeof(*l));
}

/* Choices logged. */
uint64_t choice_log_count(const struct choice_log *l)
{
    return l->total;
}

/* Bytes allocated for the patterns and the groups. */
size_t choice_log_bytes(const struct choice_log *l)
{
    return l->bytes_cap + l->groups_cap * sizeof(*l->groups);
}

/* Groups so far (the tail and the open item are not in one yet). */
size_t choice_log_groups(const struct choice_log *l)
{
    return l->ngroups;
}

/* ---- text ------------------------------------------------------------------ */

/* Where the text goes: a caller's buffer (emit NULL) or emit, through a
 * staging buffer. */
struct writer {
    char *buf;
    size_t len;
    bool full;       /* buf: an item did not fit; only count from now on */
    size_t out;      /* length of the whole text so far */
    int (*emit)(void *ctx, const char *text, size_t len);
    void *ctx;
    int rc;          /* emit's first non-zero answer */
    char stage[16384];
    size_t nstage;
};

/* A writer with nothing written (its staging buffer left as is). */
static struct writer *writer_new(void)
{
    struct writer *w = rl_xmalloc(sizeof(*w));
    memset(w, 0, offsetof(struct writer, stage));
    w->nstage = 0;
    return w;
}

/* Hand the staged text to emit. */
static void writer_flush(struct writer *w)
{
    if (w->nstage && !w->rc)
        w->rc = w->emit(w->ctx, w->stage, w->nstage);
    w->nstage = 0;
}

/* Append text[0..n): whole items (each starts with '.'), the first '.' of
 * the whole text left out. */
static void writer_put(struct writer *w, const char *text, size_t n)
{
    if (w->out == 0 && n > 0) {
        text++;
        n--;
    }
    if (w->emit) {
        if (w->nstage + n > sizeof(w->stage))
            writer_flush(w);
        if (n > sizeof(w->stage)) {
            if (!w->rc)
                w->rc = w->emit(w->ctx, text, n);
        } else {
            memcpy(w->stage + w->nstage, text, n);
            w->nstage += n;
        }
    } else if (!w->full && w->out + n < w->len) {
        memcpy(w->buf + w->out, text, n);
        w->buf[w->out + n] = '\0';
    } else if (!w->full) {
        /* As rl_schedule_encode: the whole items that fit, then stop. */
        size_t at = w->out, i = 0;
        while (i < n) {
            size_t j = i + 1;
            while (j < n && text[j] != '.')
                j++;
            if (at + (j - i) >= w->len)
                break;
            memcpy(w->buf + at, text + i, j - i);
            at += j - i;
            i = j;
        }
        if (at < w->len)
            w->buf[at] = '\0';
        w->full = true;
    }
    w->out += n;
}

/* Write the decimal digits of v at p; returns how many. */
static size_t put_decimal(char *p, uint64_t v)
{
    char d[20];
    size_t n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        p[i] = d[n - 1 - i];
    return n;
}

/* Append one item. The common item (a count the parser takes whole) is
 * formatted here, without snprintf: a long irregular run has tens of
 * millions of them. */
static void writer_item(struct writer *w, struct choice_item it)
{
    char small[64];
    if (it.count <= (uint64_t)RL_SCHEDULE_COUNT_MAX) {
        size_t n = 0;
        small[n++] = '.';
        n += put_decimal(small + n, (uint64_t)it.id);
        if (it.count > 1) {
            small[n++] = 'x';
            n += put_decimal(small + n, it.count);
        }
        writer_put(w, small, n);
        return;
    }
    size_t n = rl_schedule_item(it.id, it.count, small, sizeof(small));
    if (n < sizeof(small)) {
        writer_put(w, small, n);
        return;
    }
    char *big = rl_xmalloc(n + 1); /* a stretch split many times */
    rl_schedule_item(it.id, it.count, big, n + 1);
    writer_put(w, big, n);
    free(big);
}

/* Append group g: its pattern, rep times, in blocks of many copies. */
static void writer_group(struct writer *w, const struct choice_log *l,
                         const struct choice_group *g)
{
    size_t off = g->off;
    if (g->rep == 1) {
        for (size_t i = 0; i < g->len; i++)
            writer_item(w, bytes_get(l, &off));
        return;
    }
    /* The pattern's text once, then a block of copies of it. */
    size_t plen = 0;
    for (size_t i = 0; i < g->len; i++) {
        struct choice_item it = bytes_get(l, &off);
        plen += rl_schedule_item(it.id, it.count, NULL, 0);
    }
    uint64_t per = plen < 8192 ? 8192 / plen : 1;
    if (per > g->rep)
        per = g->rep;
    char *block = rl_xmalloc(plen * per + 1);
    size_t at = 0;
    off = g->off;
    for (size_t i = 0; i < g->len; i++) {
        struct choice_item it = bytes_get(l, &off);
        at += rl_schedule_item(it.id, it.count, block + at, plen + 1 - at);
    }
    for (uint64_t k = 1; k < per; k++)
        memcpy(block + k * plen, block, plen);
    uint64_t left = g->rep;
    for (; left >= per; left -= per)
        writer_put(w, block, plen * per);
    if (left)
        writer_put(w, block, plen * left);
    free(block);
}

/* The whole text of l into w. */
static void writer_log(struct writer *w, const struct choice_log *l)
{
    if (l->total == 0) {
        writer_put(w, ".-", 2); /* "-": the first '.' is left out */
        return;
    }
    for (size_t i = 0; i < l->ngroups; i++)
        writer_group(w, l, &l->groups[i]);
    for (size_t i = 0; i < l->ntail; i++)
        writer_item(w, l->tail[i]);
    writer_item(w, l->cur);
}

/* The text into buf, snprintf-style (see choice_log.h). */
size_t choice_log_encode(const struct choice_log *l, char *buf, size_t len)
{
    struct writer *w = writer_new();
    w->buf = buf;
    w->len = len;
    if (len > 0)
        buf[0] = '\0';
    writer_log(w, l);
    size_t out = w->out;
    free(w);
    return out;
}

/* The text to emit in pieces (see choice_log.h). */
int choice_log_write(const struct choice_log *l,
                     int (*emit)(void *ctx, const char *text, size_t len),
                     void *ctx)
{
    struct writer *w = writer_new();
    w->emit = emit;
    w->ctx = ctx;
    writer_log(w, l);
    writer_flush(w);
    int rc = w->rc;
    free(w);
    return rc;
}
