/* SPDX-License-Identifier: MIT */
/*
 * wire.c - encoding and bounds-checked decoding of the messages between
 * racelab and a child process (see wire.h).
 */
#include "wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mem.h"

/* Empty the buffer, keeping its memory. */
void wire_reset(struct wire_buf *b)
{
    b->n = 0;
}

/* Free the buffer's memory. */
void wire_free(struct wire_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

/* Append n bytes. */
void wire_put(struct wire_buf *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        b->p = rl_xrealloc(b->p, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, data, n);
    b->n += n;
}

/* Start a message: a header to be filled in by wire_end. */
void wire_begin(struct wire_buf *b, uint32_t type)
{
    uint32_t h[3] = {WIRE_MAGIC, type, 0};
    wire_put(b, h, sizeof h);
}

/* Write the payload length of the message that starts at start. */
void wire_end(struct wire_buf *b, size_t start)
{
    uint32_t len = (uint32_t)(b->n - start - WIRE_HEADER);
    memcpy(b->p + start + 8, &len, sizeof len);
}

/* Append one byte. */
void wire_put_u8(struct wire_buf *b, uint8_t v)
{
    wire_put(b, &v, 1);
}

/* Append a 32-bit unsigned integer. */
void wire_put_u32(struct wire_buf *b, uint32_t v)
{
    wire_put(b, &v, sizeof v);
}

/* Append a 32-bit signed integer. */
void wire_put_i32(struct wire_buf *b, int32_t v)
{
    wire_put(b, &v, sizeof v);
}

/* Append a 64-bit unsigned integer. */
void wire_put_u64(struct wire_buf *b, uint64_t v)
{
    wire_put(b, &v, sizeof v);
}

/* Append a 64-bit signed integer. */
void wire_put_i64(struct wire_buf *b, int64_t v)
{
    wire_put(b, &v, sizeof v);
}

/* Append v as a little-endian base-128 varint (1 byte below 128). */
void wire_put_varint(struct wire_buf *b, uint64_t v)
{
    unsigned char d[10];
    size_t n = 0;
    while (v >= 0x80) {
        d[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    d[n++] = (unsigned char)v;
    wire_put(b, d, n);
}

/* A string: length, then the bytes (NULL is the empty string). */
void wire_put_str(struct wire_buf *b, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : 0;
    wire_put_u32(b, n);
    wire_put(b, s, n);
}

/* Read n bytes into out (zeroes on error). */
bool wire_get(struct wire_reader *r, void *out, size_t n)
{
    if (r->bad || r->n - r->off < n) {
        r->bad = true;
        memset(out, 0, n);
        return false;
    }
    memcpy(out, r->p + r->off, n);
    r->off += n;
    return true;
}

/* One byte (0 past the end, marking the reader bad). */
uint8_t wire_get_u8(struct wire_reader *r)
{
    uint8_t v;
    wire_get(r, &v, 1);
    return v;
}

/* A 32-bit unsigned integer (0 past the end). */
uint32_t wire_get_u32(struct wire_reader *r)
{
    uint32_t v;
    wire_get(r, &v, sizeof v);
    return v;
}

/* A 32-bit signed integer (0 past the end). */
int32_t wire_get_i32(struct wire_reader *r)
{
    int32_t v;
    wire_get(r, &v, sizeof v);
    return v;
}

/* A 64-bit unsigned integer (0 past the end). */
uint64_t wire_get_u64(struct wire_reader *r)
{
    uint64_t v;
    wire_get(r, &v, sizeof v);
    return v;
}

/* A 64-bit signed integer (0 past the end). */
int64_t wire_get_i64(struct wire_reader *r)
{
    int64_t v;
    wire_get(r, &v, sizeof v);
    return v;
}

/* A varint (0 past the end, or when longer than 10 bytes or past 64
 * bits: the reader is then bad). */
uint64_t wire_get_varint(struct wire_reader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        uint8_t b = wire_get_u8(r);
        if (r->bad)
            return 0;
        if (shift == 63 && b > 1)
            break;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

/* An int that must lie in lo..hi. */
int wire_get_range(struct wire_reader *r, int lo, int hi)
{
    int32_t v = wire_get_i32(r);
    if (v < lo || v > hi) {
        r->bad = true;
        return lo;
    }
    return v;
}

/* A string into buf, truncated to fit. */
void wire_get_str(struct wire_reader *r, char *buf, size_t len)
{
    uint32_t n = wire_get_u32(r);
    if (len)
        buf[0] = '\0';
    if (r->bad || r->n - r->off < n) {
        r->bad = true;
        return;
    }
    size_t k = n < len ? n : (len ? len - 1 : 0);
    if (len) {
        memcpy(buf, r->p + r->off, k);
        buf[k] = '\0';
    }
    r->off += n;
}

/* The length of the well-formed UTF-8 sequence at p (a lead byte of
 * 0x80 and above), or 0 if there is none; C1 controls count as none. */
static size_t utf8_len(const unsigned char *p)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf; /* the second byte's range */
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        if (c == 0xc2)
            lo = 0xa0; /* U+0080..U+009F: C1 controls */
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        else if (c == 0xed)
            hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90; /* overlong */
        else if (c == 0xf4)
            hi = 0x8f; /* past U+10FFFF */
    } else {
        return 0;
    }
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return n;
}

/* Control characters and broken UTF-8 out (see wire.h). */
void wire_clean_text(char *s, bool lines)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        if (*p >= 0x80) {
            size_t n = utf8_len(p);
            if (n == 0)
                *p++ = '?';
            else
                p += n;
            continue;
        }
        if ((*p < 0x20 && !(lines && (*p == '\n' || *p == '\t'))) ||
            *p == 0x7f)
            *p = '?';
        p++;
    }
}

/* A string as a name: safe to show on one line. */
void wire_get_name(struct wire_reader *r, char *buf, size_t len)
{
    wire_get_str(r, buf, len);
    if (len)
        wire_clean_text(buf, false);
}

/* A malloc'd string of at most max bytes. */
char *wire_get_strdup(struct wire_reader *r, size_t max)
{
    uint32_t n = wire_get_u32(r);
    if (r->bad || n > max || r->n - r->off < n) {
        r->bad = true;
        return NULL;
    }
    char *s = rl_xmalloc((size_t)n + 1);
    memcpy(s, r->p + r->off, n);
    s[n] = '\0';
    r->off += n;
    return s;
}

/* Write the whole buffer; a peer that has gone is an error, not a
 * SIGPIPE. */
int wire_send(int fd, const struct wire_buf *b)
{
    const unsigned char *p = b->p;
    size_t left = b->n;
    while (left > 0) {
        ssize_t w = send(fd, p, left, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        left -= (size_t)w;
    }
    return 0;
}
