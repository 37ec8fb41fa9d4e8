/* SPDX-License-Identifier: MIT */
/*
 * prt_string.c - the C library's string and memory functions as the
 * program's accesses to shared memory. The compiler instruments the
 * program's own loads and stores, not what memcpy, strcpy or snprintf
 * do inside the C library; ThreadSanitizer intercepts them, and so does
 * this file: a call from the program's code on a lab thread, once a
 * second thread runs, reads its source and writes its destination, each
 * one access to the first bytes of the range (prt_access_range: a step
 * when the memory is shared), then does the real work. So two threads
 * that strcpy into one buffer without a lock race on it, as they do under
 * ThreadSanitizer. Not seen: what printf reads of a "%s" argument, and
 * bytes of a range beyond its first eight.
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
    if (user_call(pc)) {
        prt_access_range(s, n, false, pc);
        prt_access_range(d, n, true, pc);
    }
    return __real_memcpy(d, s, n);
}

void *__wrap_memmove(void *d, const void *s, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        prt_access_range(s, n, false, pc);
        prt_access_range(d, n, true, pc);
    }
    return __real_memmove(d, s, n);
}

void *__wrap_memset(void *d, int c, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc))
        prt_access_range(d, n, true, pc);
    return __real_memset(d, c, n);
}

char *__wrap_strcpy(char *d, const char *s)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        size_t n = __real_strlen(s) + 1;
        prt_access_range(s, n, false, pc);
        prt_access_range(d, n, true, pc);
    }
    return __real_strcpy(d, s);
}

char *__wrap_strncpy(char *d, const char *s, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        prt_access_range(s, str_bytes(s, n), false, pc);
        prt_access_range(d, n, true, pc);
    }
    return __real_strncpy(d, s, n);
}

char *__wrap_strcat(char *d, const char *s)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        prt_access_range(s, __real_strlen(s) + 1, false, pc);
        prt_access_range(d, __real_strlen(d) + 1, true, pc);
    }
    return __real_strcat(d, s);
}

char *__wrap_strncat(char *d, const char *s, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        prt_access_range(s, str_bytes(s, n), false, pc);
        prt_access_range(d, __real_strlen(d) + 1, true, pc);
    }
    return __real_strncat(d, s, n);
}

int __wrap_vsnprintf(char *d, size_t n, const char *fmt, va_list ap)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc))
        prt_access_range(d, n, true, pc);
    return __real_vsnprintf(d, n, fmt, ap);
}

int __wrap_snprintf(char *d, size_t n, const char *fmt, ...)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc))
        prt_access_range(d, n, true, pc);
    va_list ap;
    va_start(ap, fmt);
    int r = __real_vsnprintf(d, n, fmt, ap);
    va_end(ap);
    return r;
}

int __wrap_vsprintf(char *d, const char *fmt, va_list ap)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc))
        prt_access_range(d, 1, true, pc);
    return __real_vsprintf(d, fmt, ap);
}

int __wrap_sprintf(char *d, const char *fmt, ...)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc))
        prt_access_range(d, 1, true, pc);
    va_list ap;
    va_start(ap, fmt);
    int r = __real_vsprintf(d, fmt, ap);
    va_end(ap);
    return r;
}

size_t __wrap_strlen(const char *s)
{
    uintptr_t pc = PRT_PC();
    size_t n = __real_strlen(s);
    if (user_call(pc))
        prt_access_range(s, n + 1, false, pc);
    return n;
}

int __wrap_strcmp(const char *a, const char *b)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        prt_access_range(a, __real_strlen(a) + 1, false, pc);
        prt_access_range(b, __real_strlen(b) + 1, false, pc);
    }
    return __real_strcmp(a, b);
}

int __wrap_strncmp(const char *a, const char *b, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        prt_access_range(a, str_bytes(a, n), false, pc);
        prt_access_range(b, str_bytes(b, n), false, pc);
    }
    return __real_strncmp(a, b, n);
}

int __wrap_memcmp(const void *a, const void *b, size_t n)
{
    uintptr_t pc = PRT_PC();
    if (user_call(pc)) {
        prt_access_range(a, n, false, pc);
        prt_access_range(b, n, false, pc);
    }
    return __real_memcmp(a, b, n);
}
