/* SPDX-License-Identifier: MIT */
/*
 * value.c - a C program's values in words: the regions of its memory a
 * run knows (value.h) and the one function that writes a value as a
 * student reads it (rl_value_text, run.h): "&heap#1@prog.c:7.next" for
 * an address inside a heap block, "&acct.balance" inside a global (the
 * path a mark gives, made in the child from the debug information;
 * "+8", "+12" where there is none), "&T1.stack-40" on a thread's stack,
 * the bytes a C library call (memcpy, strcpy) wrote or read as quoted
 * text ("\"hello, world\"", made once by the runtime,
 * rl_value_bytes_text, and kept in the run as output is), the plain
 * number otherwise. Ranges of bytes are named by the same regions:
 * "msg[0..12]".
 *
 * Data model: the regions in the order they were noted, never removed
 * (an end only sets `died`), the list of ends in the order they
 * happened, and the marks (a path at an offset of a region, found by
 * both in a hash table) in the order made, so that the child can send
 * all three on by counting. A lookup
 * first tests the value against the lowest and highest address ever
 * noted: most values (counters, flags, indexes) are far from any address
 * and cost one comparison. Then it looks in an index of the regions by
 * address (`order`, with `reach`, the highest end so far, so that a
 * search stops below the first region that cannot hold the value) and
 * scans the regions noted since the index was last brought up to date
 * (at most ORDER_TAIL: a program that allocates in a loop costs a merge
 * every ORDER_TAIL blocks, never a sort per lookup). Of the regions that
 * hold the value, the newest alive at that record wins. Only a
 * variable of a pointer's size is looked up: an int cannot hold an
 * address here, and a 0 stays 0 (racelab does not know the types, so it
 * never says NULL). An address whose block was freed is named still, with
 * " (freed)": a dangling pointer is worth seeing, and its number would
 * differ from run to run.
 *
 * Private to the OS thread that owns the run, like the rest of it.
 */
#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct rl_value_map {
    struct rl_region *v;
    int n, cap;
    int *ends; /* indexes into v, in the order they ended */
    int nends, ends_cap;
    uint64_t lo_min, hi_max; /* the span of every region ever noted */
    int *order;              /* v[0 .. nsorted) by lo, then by index */
    uint64_t *reach;         /* reach[k]: the highest end in order[0 .. k] */
    int nsorted, order_cap;
    struct rl_value_mark *marks; /* paths inside regions, in order made */
    int nmarks, marks_cap;
    int *mslot; /* marks by (region, offset): index + 1, 0 empty */
    int mslots; /* a power of two, more than twice nmarks */
    rl_value_namer_fn namer; /* the child's: makes marks; NULL: none */
    void *namer_ctx;
};

/* Regions noted since the index was brought up to date, at most: the ones
 * a lookup scans one by one. */
#define ORDER_TAIL 256

/* Note a region (see value.h). */
int rl_value_region_add(struct rl_run *run, uint64_t lo, uint64_t size,
                        enum rl_region_kind kind, const char *name,
                        uint64_t born)
{
    struct rl_value_map *m = run->values;
    if (size == 0 || lo + size < lo)
        return -1;
    if (!m)
        m = run->values = rl_xcalloc(1, sizeof *m);
    if (m->n >= RL_REGION_MAX)
        return -1;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->v = rl_xrealloc(m->v, (size_t)m->cap * sizeof *m->v);
    }
    struct rl_region *g = &m->v[m->n];
    memset(g, 0, sizeof *g);
    g->lo = lo;
    g->size = size;
    g->born = born;
    g->died = UINT64_MAX;
    g->kind = (uint8_t)kind;
    snprintf(g->name, sizeof g->name, "%s", name);
    if (m->n == 0 || lo < m->lo_min)
        m->lo_min = lo;
    if (m->n == 0 || lo + size > m->hi_max)
        m->hi_max = lo + size;
    return m->n++;
}

/* End a region (see value.h). */
void rl_value_region_end(struct rl_run *run, int idx, uint64_t died)
{
    struct rl_value_map *m = run->values;
    if (!m || idx < 0 || idx >= m->n || m->v[idx].died != UINT64_MAX)
        return;
    m->v[idx].died = died < m->v[idx].born ? m->v[idx].born : died;
    if (m->nends == m->ends_cap) {
        m->ends_cap = m->ends_cap ? m->ends_cap * 2 : 64;
        m->ends = rl_xrealloc(m->ends, (size_t)m->ends_cap * sizeof *m->ends);
    }
    m->ends[m->nends++] = idx;
}

/* The regions noted so far (see value.h). */
int rl_value_region_count(const struct rl_run *run)
{
    return run->values ? run->values->n : 0;
}

/* Region idx, or NULL. */
const struct rl_region *rl_value_region(const struct rl_run *run, int idx)
{
    const struct rl_value_map *m = run->values;
    return m && idx >= 0 && idx < m->n ? &m->v[idx] : NULL;
}

/* The ends so far (see value.h). */
int rl_value_end_count(const struct rl_run *run)
{
    return run->values ? run->values->nends : 0;
}

/* The region of end i, or -1. */
int rl_value_end_at(const struct rl_run *run, int i)
{
    const struct rl_value_map *m = run->values;
    return m && i >= 0 && i < m->nends ? m->ends[i] : -1;
}

/* Free the regions (see value.h). */
void rl_value_free(struct rl_run *run)
{
    if (!run->values)
        return;
    free(run->values->v);
    free(run->values->ends);
    free(run->values->order);
    free(run->values->reach);
    free(run->values->marks);
    free(run->values->mslot);
    free(run->values);
    run->values = NULL;
}

/* Whether region x sorts before region y in the index. */
static bool order_before(const struct rl_value_map *m, int x, int y)
{
    return m->v[x].lo < m->v[y].lo || (m->v[x].lo == m->v[y].lo && x < y);
}

/* A region's place in the index: its start, then its index. */
struct order_key {
    uint64_t lo;
    int idx;
};

/* qsort's order of two keys. */
static int order_key_cmp(const void *x, const void *y)
{
    const struct order_key *a = x, *b = y;
    if (a->lo != b->lo)
        return a->lo < b->lo ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Bring the index up to date: sort the regions noted since, and merge
 * them into it. */
static void order_update(struct rl_value_map *m)
{
    int k = m->n - m->nsorted;
    if (k == 0)
        return;
    if (m->n > m->order_cap) {
        m->order_cap = m->cap;
        m->order = rl_xrealloc(m->order, (size_t)m->order_cap * sizeof(int));
        m->reach =
            rl_xrealloc(m->reach, (size_t)m->order_cap * sizeof(uint64_t));
    }
    struct order_key *tail = rl_xmalloc((size_t)k * sizeof *tail);
    for (int i = 0; i < k; i++)
        tail[i] = (struct order_key){m->v[m->nsorted + i].lo, m->nsorted + i};
    qsort(tail, (size_t)k, sizeof *tail, order_key_cmp);
    /* Merge from the end, in place: order has room for all n. */
    int i = m->nsorted - 1, j = k - 1;
    for (int out = m->n - 1; out >= 0; out--) {
        if (j < 0 || (i >= 0 && order_before(m, tail[j].idx, m->order[i])))
            m->order[out] = m->order[i--];
        else
            m->order[out] = tail[j--].idx;
    }
    free(tail);
    m->nsorted = m->n;
    for (int q = 0; q < m->n; q++) {
        const struct rl_region *g = &m->v[m->order[q]];
        uint64_t hi = g->lo + g->size;
        m->reach[q] = q > 0 && m->reach[q - 1] > hi ? m->reach[q - 1] : hi;
    }
}

/* Whether region i holds address a and existed before record seq: then
 * note it as the newest alive (*live) or gone (*dead) one so far. */
static void region_consider(const struct rl_value_map *m, int i, uint64_t a,
                            uint64_t seq, int *live, int *dead)
{
    const struct rl_region *g = &m->v[i];
    if (a < g->lo || a - g->lo >= g->size || g->born >= seq)
        return;
    if (seq <= g->died) {
        if (i > *live)
            *live = i;
    } else if (i > *dead) {
        *dead = i;
    }
}

/* The region that holds address a for the record seq (UINT64_MAX: now),
 * or NULL. When no region holds it then, the newest one that held it
 * before (a freed block, a finished thread's stack), with *gone set: a
 * dangling pointer is still named, never shown as its address. */
static const struct rl_region *region_at(struct rl_value_map *m, uint64_t a,
                                         uint64_t seq, bool *gone)
{
    int live = -1, dead = -1;
    *gone = false;
    if (!m || m->n == 0 || a < m->lo_min || a >= m->hi_max)
        return NULL;
    if (m->n - m->nsorted > ORDER_TAIL)
        order_update(m);
    for (int i = m->nsorted; i < m->n; i++)
        region_consider(m, i, a, seq, &live, &dead);
    /* The last in the index that starts at or below a, then down while a
     * region below may still reach past a. */
    int lo = 0, hi = m->nsorted;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (m->v[m->order[mid]].lo <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int k = lo - 1; k >= 0 && m->reach[k] > a; k--)
        region_consider(m, m->order[k], a, seq, &live, &dead);
    if (live >= 0)
        return &m->v[live];
    *gone = dead >= 0;
    return dead >= 0 ? &m->v[dead] : NULL;
}

/* As region_at, and when no region holds a, a global or heap block
 * that ends at a: a pointer one past its end (`&a[4]` of `int a[4]`),
 * which C allows. */
static const struct rl_region *region_of_value(struct rl_value_map *m,
                                               uint64_t a, uint64_t seq,
                                               bool *gone)
{
    const struct rl_region *g = region_at(m, a, seq, gone);
    if (g || a == 0)
        return g;
    g = region_at(m, a - 1, seq, gone);
    if (g && (g->kind != RL_REGION_DATA || a - g->lo != g->size)) {
        *gone = false;
        return NULL;
    }
    return g;
}

/* The slot of the mark of region idx at off: holding it, or the empty
 * one where it would go (mslots > 0). */
static int *mark_slot(const struct rl_value_map *m, int idx, uint64_t off)
{
    uint64_t h = (off * 0x9E3779B97F4A7C15u) ^ ((uint64_t)idx * 0xC2B2AE35u);
    size_t i = (size_t)(h >> 20) & (size_t)(m->mslots - 1);
    while (m->mslot[i]) {
        const struct rl_value_mark *k = &m->marks[m->mslot[i] - 1];
        if (k->region == idx && k->off == off)
            break;
        i = (i + 1) & (size_t)(m->mslots - 1);
    }
    return &m->mslot[i];
}

/* The mark of region idx at off, or NULL. */
static const struct rl_value_mark *mark_find(const struct rl_value_map *m,
                                             int idx, uint64_t off)
{
    if (!m->mslots)
        return NULL;
    int k = *mark_slot(m, idx, off);
    return k ? &m->marks[k - 1] : NULL;
}

/* Note a mark (see value.h). */
int rl_value_mark_add(struct rl_run *run, int idx, uint64_t off,
                      const char *path)
{
    struct rl_value_map *m = run->values;
    if (!m || idx < 0 || idx >= m->n || off == 0 || off > m->v[idx].size ||
        m->nmarks >= RL_REGION_MAX)
        return -1;
    const struct rl_value_mark *old = mark_find(m, idx, off);
    if (old)
        return (int)(old - m->marks);
    if (m->nmarks == m->marks_cap) {
        m->marks_cap = m->marks_cap ? m->marks_cap * 2 : 64;
        m->marks =
            rl_xrealloc(m->marks, (size_t)m->marks_cap * sizeof *m->marks);
    }
    if (2 * (m->nmarks + 1) > m->mslots) {
        /* Grow the table and put every mark back. */
        free(m->mslot);
        m->mslots = m->mslots ? m->mslots * 2 : 128;
        m->mslot = rl_xcalloc((size_t)m->mslots, sizeof *m->mslot);
        for (int i = 0; i < m->nmarks; i++)
            *mark_slot(m, m->marks[i].region, m->marks[i].off) = i + 1;
    }
    struct rl_value_mark *k = &m->marks[m->nmarks];
    k->region = idx;
    k->off = off;
    snprintf(k->path, sizeof k->path, "%s", path ? path : "");
    *mark_slot(m, idx, off) = m->nmarks + 1;
    return m->nmarks++;
}

/* The marks so far (see value.h). */
int rl_value_mark_count(const struct rl_run *run)
{
    return run->values ? run->values->nmarks : 0;
}

/* Mark i, or NULL. */
const struct rl_value_mark *rl_value_mark(const struct rl_run *run, int i)
{
    const struct rl_value_map *m = run->values;
    return m && i >= 0 && i < m->nmarks ? &m->marks[i] : NULL;
}

/* Name values with fn (see value.h). */
void rl_value_set_namer(struct rl_run *run, rl_value_namer_fn fn, void *ctx)
{
    if (!run->values)
        run->values = rl_xcalloc(1, sizeof *run->values);
    run->values->namer = fn;
    run->values->namer_ctx = ctx;
}

/* Make the mark value v needs at record seq, if it points past the start
 * of a global or heap block and has none yet. */
static void value_note(struct rl_run *run, long v, uint64_t seq)
{
    struct rl_value_map *m = run->values;
    bool gone;
    const struct rl_region *g = region_of_value(m, (uint64_t)v, seq, &gone);
    if (!g || g->kind != RL_REGION_DATA || (uint64_t)v == g->lo)
        return;
    int idx = (int)(g - m->v);
    uint64_t off = (uint64_t)v - g->lo;
    if (mark_find(m, idx, off))
        return;
    char path[RL_NAME_MAX] = "";
    if (!m->namer(m->namer_ctx, g, off, path, sizeof path))
        path[0] = '\0';
    rl_value_mark_add(run, idx, off, path);
}

/* The marks of a record's values (see value.h). */
void rl_value_note_record(struct rl_run *run, const struct rl_record *r)
{
    const struct rl_value_map *m = run->values;
    if (!m || !m->namer || m->n == 0 || r->fn || r->obj < 0 ||
        r->obj >= run->nobjs)
        return;
    const struct rl_obj *o = run->objs[r->obj];
    if (!o || o->kind != RL_OBJ_VAR || o->size != (int)sizeof(void *))
        return;
    /* Most values are far from any address: one comparison each. */
    const long v[3] = {r->before, r->after, r->arg};
    for (int i = 0; i < 3; i++)
        if ((uint64_t)v[i] > m->lo_min && (uint64_t)v[i] <= m->hi_max &&
            (i == 0 || v[i] != v[i - 1]))
            value_note(run, v[i], r->seq);
}

/* The length of the UTF-8 sequence at p[0 .. n) when it is a valid one
 * of two to four bytes, else 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    size_t k = c >= 0xc2 && c <= 0xdf   ? 2
               : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4
                                        : 0;
    if (k == 0 || k > n)
        return 0;
    /* The second byte's range excludes overlong forms, surrogates and
     * code points past U+10FFFF. */
    unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
    unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return k;
}

/* Whether byte c reads as text by itself. */
static bool byte_plain(unsigned char c)
{
    return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t' || c == '\r';
}

/* The escape of the character at b[0 .. m) into unit (room for 8):
 * its length in unit, and in b (*k). */
static size_t byte_unit(const unsigned char *b, size_t m, char *unit,
                        size_t *k)
{
    unsigned char c = b[0];
    *k = 1;
    if (c == '\n' || c == '\t' || c == '\r' || c == '"' || c == '\\') {
        unit[0] = '\\';
        unit[1] = c == '\n'   ? 'n'
                  : c == '\t' ? 't'
                  : c == '\r' ? 'r'
                              : (char)c;
        return 2;
    }
    if (c == '\0') {
        memcpy(unit, "\\0", 2);
        return 2;
    }
    if (c >= 0x20 && c < 0x7f) {
        unit[0] = (char)c;
        return 1;
    }
    size_t n = utf8_len(b, m);
    if (n > 0) {
        memcpy(unit, b, n);
        *k = n;
        return n;
    }
    return (size_t)snprintf(unit, 8, "\\x%02x", c);
}

/* Write b[0 .. m) quoted into buf (len >= 8). whole: all of it or
 * nothing (false); else as much as fits before `..."`. */
static bool bytes_quote(const unsigned char *b, size_t m, char *buf,
                        size_t len, bool whole)
{
    size_t used = 0;
    buf[used++] = '"';
    for (size_t i = 0; i < m;) {
        char unit[8];
        size_t k;
        size_t u = byte_unit(b + i, m - i, unit, &k);
        /* Room for the unit, then for the closing quote and the NUL, or
         * for `..."` and the NUL. */
        if (used + u + (whole ? 2 : 5) > len) {
            if (whole)
                return false;
            break;
        }
        memcpy(buf + used, unit, u);
        used += u;
        i += k;
    }
    if (!whole) {
        memcpy(buf + used, "...", 3);
        used += 3;
    }
    buf[used++] = '"';
    buf[used] = '\0';
    return true;
}

/* Bytes as quoted text (see value.h). */
bool rl_value_bytes_text(const void *p, size_t n, bool string, char *buf,
                         size_t len)
{
    const unsigned char *b = p;
    size_t m = n < RL_VALUE_BYTES_SCAN ? n : RL_VALUE_BYTES_SCAN;
    if (len)
        buf[0] = '\0';
    if (len < 8)
        return false;
    bool more = n > m; /* bytes past those looked at: "..." */
    const unsigned char *nul = string ? memchr(b, '\0', m) : NULL;
    if (nul) {
        /* A string ends at its NUL, whatever the range holds after it. */
        m = (size_t)(nul - b);
        more = false;
    }
    /* Trailing NULs end a string or pad it: not shown. */
    while (m > 0 && b[m - 1] == '\0')
        m--;
    if (!string) {
        /* Text: at least two bytes, the first one text, every one text
         * or a NUL (escaped), three in four text. Strict, so that the
         * bytes of a pointer or a number copied with a string (a struct)
         * are almost never shown as text: their text would differ from
         * run to run. */
        size_t text = 0, nuls = 0;
        for (size_t i = 0; i < m;) {
            size_t k = byte_plain(b[i]) ? 1 : utf8_len(b + i, m - i);
            if (k) {
                text += k;
                i += k;
            } else if (b[i] == '\0') {
                nuls++;
                i++;
            } else {
                return false;
            }
        }
        if (m < 2 || !(byte_plain(b[0]) || utf8_len(b, m)) ||
            text < 3 * nuls)
            return false;
    }
    if (!bytes_quote(b, m, buf, len, !more))
        bytes_quote(b, m, buf, len, false);
    return true;
}

/* Whether t is a text rl_value_bytes_text writes: quoted, no control
 * character (a child's texts are not trusted: one that is not is shown
 * as the number). */
static bool bytes_text_safe(const char *t)
{
    if (!t || t[0] != '"')
        return false;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

/* The text of a range record's bytes, when obj's value v is the one that
 * record (seq) or obj's last access (seq 0) read or wrote, else NULL. */
static const char *value_bytes_of(const struct rl_run *run,
                                  const struct rl_obj *o, long v, uint64_t seq)
{
    const char *t = NULL;
    if (o->kind != RL_OBJ_VAR)
        return NULL;
    if (seq == 0) {
        if (o->text && o->text_value == v)
            t = rl_run_text(run, o->text - 1);
    } else {
        const struct rl_record *r = rl_run_record(run, seq);
        if (r && r->obj == o->id && r->fn && r->arg >= 0 && r->after == v)
            t = rl_run_text(run, r->arg);
    }
    return bytes_text_safe(t) ? t : NULL;
}

/* The name of the bytes [addr, addr + len) at record seq, from the
 * global or heap block that holds them; false when none does (a stack,
 * memory racelab does not know, a range past the block's end). */
static bool span_name(const struct rl_run *run, uint64_t addr, uint64_t len,
                      uint64_t seq, char *buf, size_t size)
{
    bool gone = false;
    const struct rl_region *g =
        len > 0 ? region_at(run->values, addr, seq ? seq : UINT64_MAX, &gone)
                : NULL;
    if (!g || g->kind != RL_REGION_DATA || len > g->size - (addr - g->lo))
        return false;
    uint64_t off = addr - g->lo;
    if (off == 0 && len == g->size)
        snprintf(buf, size, "%s", g->name);
    else if (len == 1)
        snprintf(buf, size, "%s[%llu]", g->name, (unsigned long long)off);
    else
        snprintf(buf, size, "%s[%llu..%llu]", g->name, (unsigned long long)off,
                 (unsigned long long)(off + len - 1));
    return true;
}

/* The live region of addr at seq (see value.h). */
int rl_value_region_id(const struct rl_run *run, uint64_t addr, uint64_t seq)
{
    bool gone = false;
    const struct rl_region *g = region_at(run->values, addr, seq, &gone);
    return g && !gone ? (int)(g - run->values->v) : -1;
}

/* A range's name (see value.h). */
void rl_value_range_name(const struct rl_run *run, int obj, uint32_t len,
                         uint64_t seq, char *buf, size_t size)
{
    const struct rl_obj *o =
        obj >= 0 && obj < run->nobjs ? run->objs[obj] : NULL;
    if (!o)
        snprintf(buf, size, "?");
    else if (o->kind != RL_OBJ_VAR ||
             !span_name(run, (uint64_t)o->limit, len, seq, buf, size))
        snprintf(buf, size, "%s (%lu bytes)", o->name, (unsigned long)len);
}

/* Where two accesses meet (see value.h). */
bool rl_value_overlap_name(const struct rl_run *run, const struct rl_record *a,
                           const struct rl_record *b, char *buf, size_t size)
{
    uint64_t lo[2], hi[2];
    const struct rl_record *r[2] = {a, b};
    /* Two plain accesses of one variable: its name says it. */
    if (!a || !b || (!a->fn && !b->fn && a->obj == b->obj))
        return false;
    for (int i = 0; i < 2; i++) {
        const struct rl_obj *o = r[i]->obj >= 0 && r[i]->obj < run->nobjs
                                     ? run->objs[r[i]->obj]
                                     : NULL;
        if (!o || o->kind != RL_OBJ_VAR)
            return false;
        lo[i] = (uint64_t)o->limit;
        uint32_t width = o->size > 0 ? (uint32_t)o->size : 1;
        hi[i] = lo[i] + (r[i]->len ? r[i]->len : width);
    }
    uint64_t from = lo[0] > lo[1] ? lo[0] : lo[1];
    uint64_t to = hi[0] < hi[1] ? hi[0] : hi[1];
    return from < to && span_name(run, from, to - from, b->seq, buf, size);
}

/* Value v of object obj as a C program's value (see run.h). */
size_t rl_value_text(const struct rl_run *run, int obj, long v, uint64_t seq,
                     char *buf, size_t len)
{
    const struct rl_obj *o =
        obj >= 0 && obj < run->nobjs ? run->objs[obj] : NULL;
    const struct rl_region *g = NULL;
    bool gone = false;
    int n;

    const char *bytes = o ? value_bytes_of(run, o, v, seq) : NULL;
    if (bytes)
        return (size_t)snprintf(buf, len, "%s", bytes);
    if (o && o->kind == RL_OBJ_VAR && o->size == (int)sizeof(void *))
        g = region_of_value(run->values, (uint64_t)v, seq ? seq : UINT64_MAX,
                            &gone);
    if (!g)
        return (size_t)snprintf(buf, len, "%ld", v);
    uint64_t off = (uint64_t)v - g->lo;
    const char *what = !gone                        ? ""
                       : g->kind == RL_REGION_STACK ? " (thread ended)"
                                                    : " (freed)";
    const struct rl_value_mark *k =
        off && g->kind == RL_REGION_DATA
            ? mark_find(run->values, (int)(g - run->values->v), off)
            : NULL;
    if (g->kind == RL_REGION_STACK)
        n = snprintf(buf, len, "&%s-%llu%s", g->name,
                     (unsigned long long)(g->size - off), what);
    else if (off == 0)
        n = snprintf(buf, len, "&%s%s", g->name, what);
    else if (k && k->path[0])
        n = snprintf(buf, len, "&%s%s%s", g->name, k->path, what);
    else
        n = snprintf(buf, len, "&%s+%llu%s", g->name, (unsigned long long)off,
                     what);
    return n > 0 ? (size_t)n : 0;
}
