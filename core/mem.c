/* SPDX-License-Identifier: MIT */
/*
 * mem.c - allocation that never returns NULL (see mem.h).
 */
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The default report: one line, without stdio's buffers (which may need
 * the memory that just ran out). */
static void mem_report(size_t n)
{
    char line[80];
    int len = snprintf(line, sizeof line,
                       "racelab: out of memory (%zu bytes)\n", n);

    if (len > 0 && write(2, line, (size_t)len) < 0)
        return;
}

static rl_mem_fail_fn mem_fail_fn = mem_report;

/* Install the report made before the exit (NULL: the default). */
void rl_mem_set_fail(rl_mem_fail_fn fn)
{
    mem_fail_fn = fn ? fn : mem_report;
}

/* Report, then exit with RL_MEM_EXIT through the atexit handlers. */
static _Noreturn void mem_fail(size_t n)
{
    mem_fail_fn(n);
    exit(RL_MEM_EXIT);
}

void *rl_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        mem_fail(n);
    return p;
}

void *rl_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        mem_fail(n * size);
    return p;
}

void *rl_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        mem_fail(n);
    return q;
}

char *rl_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;

    return memcpy(rl_xmalloc(n), s, n);
}
