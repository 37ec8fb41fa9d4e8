/* SPDX-License-Identifier: MIT */
/*
 * mem.c - allocation that never returns NULL (see mem.h).
 */
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>

/* Report and abort: abort() raises SIGABRT, whose handler (term.c) gives
 * the terminal back first. */
static _Noreturn void mem_fail(size_t n)
{
    fprintf(stderr, "racelab: out of memory (%zu bytes)\n", n);
    abort();
}

/* malloc that reports and aborts on out of memory. */
void *mem_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        mem_fail(n);
    return p;
}

/* calloc that reports and aborts on out of memory. */
void *mem_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        mem_fail(n * size);
    return p;
}
