/* SPDX-License-Identifier: MIT */
/*
 * mem.h - allocation for the TUI: out of memory is reported and aborts
 * (the front end does not include the engine's internal engine.h, which
 * has the engine's own wrapper).
 */
#ifndef RL_TUI_MEM_H
#define RL_TUI_MEM_H

#include <stddef.h>

/* malloc that reports and aborts on out of memory. */
void *mem_xmalloc(size_t n);
/* calloc that reports and aborts on out of memory. */
void *mem_xcalloc(size_t n, size_t size);

#endif
