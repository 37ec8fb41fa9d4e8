/* SPDX-License-Identifier: MIT */
/*
 * prt_string.c - the C library's string and memory functions as the
 * program's accesses to shared memory. The compiler instruments the
 * program's own loads and stores, not what memcpy, strcpy or snprintf
 * do inside the C library; ThreadSanitizer intercepts them, and so does
 * this file: a call from the program's code on a lab thread, once a
 * second thread runs, reads its source and writes its destination, each
 * one access to the bytes it touches (prt_access_range: one step for the
 * whole range when the memory is shared, never one per byte), then does
 * the real work, and then records what it wrote (prt_range_done), with
 * the bytes as text. So two threads that strcpy into one buffer without a
 * lock race on it, as they do under ThreadSanitizer, and two that write
 * its two halves do not. What printf and its kin read of a "%s" argument
 * is in prt_libc.c.
 *
 * Only calls from the program's code count (between rlprt_text_begin and
 * rlprt_text_end): the runtime and the engine use these functions all the
 * time, from lab threads too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "prt.h"

void *__real_memcpy(void *d, const void *s, size_t n);
void *__real_memmove(void *d, const void *s, size_t n);
void *__real_memset(void *d, int c, size_t n);
char *__real_strcpy(char *d, const char *s);
char *__real_strncpy(char *d, const char *s, size_t n);
char *__real_strcat(char *d, const char *s);
char *__real_strncat(char *d, const char *s, size_t n);
int __real_vsnprintf(char *d, size_t n, const char *fmt, va_list ap);
int __real_vsprintf(char *d, const char *fmt, va_list ap);
size_t __real_strlen(const char *s);
int __real_strcmp(const char *a, const char *b);
int __real_strncmp(const char *a, const char *b, size_t n);
int __real_memcmp(const void *a, const void *b, size_t n);

void rlprt_text_begin(void);
void rlprt_text_end(void);

/* Whether a call from pc is the program's, on a lab thread, with another
 * thread to race with. */
static bool user_call(uintptr_t pc)
{
    return prt.multi && pc >= (uintptr_t)rlprt_text_begin &&
           pc < (uintptr_t)rlprt_text_end && prt_user() != NULL;
}

/* The bytes of string s and its NUL, up to n. */
static size_t str_bytes(const char *s, size_t n)
{
    const char *end = memchr(s, '\0', n);
    return end ? (size_t)(end - s) + 1 : n;
}

void *__wrap_memcpy(void *d, const void *s, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (!user_call(pc))
        return __real_memcpy(d, s, n);
    prt_access_range(s, n, false, RL_FN_MEMCPY, pc);
    prt_access_range(d, n, true, RL_FN_MEMCPY, pc);
    void *r = __real_memcpy(d, s, n);
    prt_range_done(SIZE_MAX);
    return r;
}

void *__wrap_memmove(void *d, const void *s, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (!user_call(pc))
        return __real_memmove(d, s, n);
    prt_access_range(s, n, false, RL_FN_MEMMOVE, pc);
    prt_access_range(d, n, true, RL_FN_MEMMOVE, pc);
    void *r = __real_memmove(d, s, n);
    prt_range_done(SIZE_MAX);
    return r;
}

void *__wrap_memset(void *d, int c, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (!user_call(pc))
        return __real_memset(d, c, n);
    prt_access_range(d, n, true, RL_FN_MEMSET, pc);
    void *r = __real_memset(d, c, n);
    prt_range_done(SIZE_MAX);
    return r;
}

char *__wrap_strcpy(char *d, const char *s)
{
    uintptr_t pc = PRT_PC();
    if (!user_call(pc))
        return __real_strcpy(d, s);
    size_t n = __real_strlen(s) + 1;
    prt_access_range(s, n, false, RL_FN_STRCPY, pc);
    prt_access_range(d, n, true, RL_FN_STRCPY, pc);
    char *r = __real_strcpy(d, s);
    prt_range_done(SIZE_MAX);
    return r;
}

char *__wrap_strncpy(char *d, const char *s, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (!user_call(pc))
        return __real_strncpy(d, s, n);
    prt_access_range(s, str_bytes(s, n), false, RL_FN_STRNCPY, pc);
    prt_access_range(d, n, true, RL_FN_STRNCPY, pc);
    char *r = __real_strncpy(d, s, n);
    prt_range_done(SIZE_MAX);
    return r;
}

/* strcat and strncat read d's string to its NUL and write s's bytes
 * from there: the access is all of d's string, old and new. */
char *__wrap_strcat(char *d, const char *s)
{
    uintptr_t pc = PRT_PC();
    if (!user_call(pc))
        return __real_strcat(d, s);
    size_t n = __real_strlen(s) + 1;
    prt_access_range(s, n, false, RL_FN_STRCAT, pc);
    prt_access_range(d, __real_strlen(d) + n, true, RL_FN_STRCAT, pc);
    char *r = __real_strcat(d, s);
    prt_range_done(SIZE_MAX);
    return r;
}

char *__wrap_strncat(char *d, const char *s, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (!user_call(pc))
        return __real_strncat(d, s, n);
    size_t k = str_bytes(s, n);
    size_t add = k > 0 && s[k - 1] == '\0' ? k - 1 : k;
    prt_access_range(s, k, false, RL_FN_STRNCAT, pc);
    prt_access_range(d, __real_strlen(d) + add + 1, true, RL_FN_STRNCAT, pc);
    char *r = __real_strncat(d, s, n);
    prt_range_done(SIZE_MAX);
    return r;
}

/* The bytes a printf into a buffer of n wrote: its result and the NUL,
 * at most n. */
static size_t printed_bytes(int r, size_t n)
{
    size_t w = r < 0 ? 0 : (size_t)r + 1;
    return w < n ? w : n;
}

int __wrap_vsnprintf(char *d, size_t n, const char *fmt, va_list ap)
{
    uintptr_t pc = PRT_PC();
    if (!user_call(pc))
        return __real_vsnprintf(d, n, fmt, ap);
    prt_read_args(fmt, ap, RL_FN_SNPRINTF, pc);
    prt_access_range(d, n, true, RL_FN_SNPRINTF, pc);
    int r = __real_vsnprintf(d, n, fmt, ap);
    prt_range_done(printed_bytes(r, n));
    return r;
}

int __wrap_snprintf(char *d, size_t n, const char *fmt, ...)
{
    uintptr_t pc = PRT_PC();
    va_list ap;
    va_start(ap, fmt);
    if (!user_call(pc)) {
        int r = __real_vsnprintf(d, n, fmt, ap);
        va_end(ap);
        return r;
    }
    prt_read_args(fmt, ap, RL_FN_SNPRINTF, pc);
    prt_access_range(d, n, true, RL_FN_SNPRINTF, pc);
    int r = __real_vsnprintf(d, n, fmt, ap);
    va_end(ap);
    prt_range_done(printed_bytes(r, n));
    return r;
}

/* sprintf: how far it writes is known only once it has: the access is
 * announced on the first byte and recorded with all it wrote. */
int __wrap_vsprintf(char *d, const char *fmt, va_list ap)
{
    uintptr_t pc = PRT_PC();
    if (!user_call(pc))
        return __real_vsprintf(d, fmt, ap);
    prt_read_args(fmt, ap, RL_FN_SPRINTF, pc);
    prt_access_range(d, 1, true, RL_FN_SPRINTF, pc);
    int r = __real_vsprintf(d, fmt, ap);
    prt_range_done(printed_bytes(r, SIZE_MAX));
    return r;
}

int __wrap_sprintf(char *d, const char *fmt, ...)
{
    uintptr_t pc = PRT_PC();
    va_list ap;
    va_start(ap, fmt);
    if (!user_call(pc)) {
        int r = __real_vsprintf(d, fmt, ap);
        va_end(ap);
        return r;
    }
    prt_read_args(fmt, ap, RL_FN_SPRINTF, pc);
    prt_access_range(d, 1, true, RL_FN_SPRINTF, pc);
    int r = __real_vsprintf(d, fmt, ap);
    va_end(ap);
    prt_range_done(printed_bytes(r, SIZE_MAX));
    return r;
}

size_t __wrap_strlen(const char *s)
{
    uintptr_t pc = PRT_PC();
    size_t n = __real_strlen(s);
    if (user_call(pc))
        prt_access_range(s, n + 1, false, RL_FN_STRLEN, pc);
    return n;
}

int __wrap_strcmp(const char *a, const char *b)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        /* What it reads: up to the first difference or the NUL. */
        size_t k = 0;
        while (a[k] && a[k] == b[k])
            k++;
        prt_access_range(a, k + 1, false, RL_FN_STRCMP, pc);
        prt_access_range(b, k + 1, false, RL_FN_STRCMP, pc);
    }
    return __real_strcmp(a, b);
}

int __wrap_strncmp(const char *a, const char *b, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        size_t k = 0;
        while (k < n && a[k] && a[k] == b[k])
            k++;
        size_t m = k < n ? k + 1 : n;
        prt_access_range(a, m, false, RL_FN_STRNCMP, pc);
        prt_access_range(b, m, false, RL_FN_STRNCMP, pc);
    }
    return __real_strncmp(a, b, n);
}

int __wrap_memcmp(const void *a, const void *b, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        prt_access_range(a, n, false, RL_FN_MEMCMP, pc);
        prt_access_range(b, n, false, RL_FN_MEMCMP, pc);
    }
    return __real_memcmp(a, b, n);
}
