/* SPDX-License-Identifier: MIT */
/*
 * text.c - escaping user text for messages (see text.h).
 *
 * The decoder follows the Unicode table of well-formed byte sequences
 * (Table 3-7): it rejects overlong forms, surrogates (U+D800..U+DFFF) and
 * anything past U+10FFFF, so "valid" here means what a terminal will draw
 * as one character.
 */
#include "text.h"

#include <stdio.h>
#include <string.h>

/* Decode the character at s (n bytes available): its length, or 0 when
 * the bytes are not well-formed UTF-8; *cp gets the code point. */
static size_t text_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* bounds of the second byte */

    if (n == 0 || c == 0)
        return 0;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        *cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        *cp = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong form */
        if (c == 0xED)
            hi = 0x9F; /* no surrogate */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        *cp = c & 0x07;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F; /* nothing past U+10FFFF */
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        unsigned b = s[i];

        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
            return 0;
        *cp = *cp << 6 | (b & 0x3F);
    }
    return len;
}

/* The length of the valid character at s (see text.h). */
size_t rl_text_char_len(const char *s, size_t n)
{
    unsigned cp;

    return text_decode((const unsigned char *)s, n, &cp);
}

/* The longest prefix of whole characters within max bytes (see text.h);
 * an invalid byte counts as one character of its own. */
size_t rl_text_prefix(const char *s, size_t n, size_t max)
{
    size_t at = 0;

    while (at < n && s[at] != '\0') {
        size_t k = rl_text_char_len(s + at, n - at);

        if (k == 0)
            k = 1;
        if (at + k > max)
            break;
        at += k;
    }
    return at;
}

/* Escape in into out (see text.h). */
size_t rl_text_escape(char *out, size_t len, const char *in, size_t inlen)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t at = 0, i = 0;

    if (len == 0)
        return 0;
    while (i < inlen && s[i] != '\0') {
        unsigned cp = 0;
        size_t k = text_decode(s + i, inlen - i, &cp);
        char esc[8];
        const char *put;
        size_t putlen;

        if (k == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            /* invalid, or a control character: one escape per byte of
             * an invalid sequence, one per control character */
            unsigned b = k == 0 ? s[i] : cp;

            if (b == '\n')
                put = "\\n";
            else if (b == '\r')
                put = "\\r";
            else if (b == '\t')
                put = "\\t";
            else if (b == 0x1B)
                put = "\\e";
            else if (k > 1) { /* a C1 control, well-formed */
                snprintf(esc, sizeof esc, "\\u%04X", b);
                put = esc;
            } else {
                snprintf(esc, sizeof esc, "\\x%02X", b);
                put = esc;
            }
            putlen = strlen(put);
            if (k == 0)
                k = 1;
        } else {
            put = (const char *)s + i;
            putlen = k;
        }
        if (at + putlen >= len)
            break;
        memcpy(out + at, put, putlen);
        at += putlen;
        i += k;
    }
    out[at] = '\0';
    return at;
}

/* Whether c needs no quoting in a shell word. */
static int shell_safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || strchr("_./-+,:=@%", c) != NULL;
}

size_t rl_text_shell_word(char *out, size_t len, const char *in)
{
    size_t n = 0;
    int quote = in[0] == '\0';

    /* Append s to out, counting what does not fit. */
#define PUT(s)                                                                 \
    do {                                                                       \
        for (const char *p_ = (s); *p_; p_++, n++)                             \
            if (n + 1 < len)                                                   \
                out[n] = *p_;                                                  \
    } while (0)
    int ansi = 0; /* a control character or an invalid byte: $'...' */
    size_t inlen = strlen(in);
    for (size_t i = 0; i < inlen;) {
        size_t k = rl_text_char_len(in + i, inlen - i);
        unsigned char c = (unsigned char)in[i];
        if (k == 0 || c < 0x20 || c == 0x7f ||
            (k == 2 && c == 0xc2 && (unsigned char)in[i + 1] < 0xa0))
            ansi = 1;
        quote = quote || k != 1 || !shell_safe(c);
        i += k ? k : 1;
    }
    if (in[0] == '-')
        PUT("./");
    if (ansi) {
        /* Every byte a reader can see and a shell (bash, zsh, ksh) reads
         * back whole: a single quote could not hold them on one line. */
        PUT("$'");
        for (size_t i = 0; i < inlen;) {
            size_t k = rl_text_char_len(in + i, inlen - i);
            unsigned char c = (unsigned char)in[i];
            char esc[8];
            if (k > 1 &&
                !(k == 2 && c == 0xc2 && (unsigned char)in[i + 1] < 0xa0)) {
                char ch[5] = {0};
                memcpy(ch, in + i, k);
                PUT(ch);
                i += k;
                continue;
            }
            if (k == 1 && c >= 0x20 && c != 0x7f) {
                esc[0] = c == '\'' || c == '\\' ? '\\' : c;
                esc[1] = c == '\'' || c == '\\' ? (char)c : '\0';
                esc[2] = '\0';
            } else if (c == '\n') {
                snprintf(esc, sizeof esc, "\\n");
            } else if (c == '\t') {
                snprintf(esc, sizeof esc, "\\t");
            } else {
                snprintf(esc, sizeof esc, "\\x%02x", c);
            }
            PUT(esc);
            i++;
        }
        PUT("'");
    } else {
        if (quote)
            PUT("'");
        for (const char *p = in; *p; p++) {
            char c[2] = {*p, '\0'};
            if (*p == '\'')
                PUT("'\\''");
            else
                PUT(c);
        }
        if (quote)
            PUT("'");
    }
#undef PUT
    if (len > 0)
        out[n < len ? n : len - 1] = '\0';
    return n;
}
