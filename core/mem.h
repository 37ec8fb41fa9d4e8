/* SPDX-License-Identifier: MIT */
/*
 * mem.h - the one allocation policy of racelab: allocation never returns
 * NULL. Out of memory is reported as one line and the process exits with
 * status RL_MEM_EXIT, through exit(), so that the atexit handlers (the TUI's
 * terminal restore) run. A front end may install its own report.
 *
 * Every module, engine and front end alike, allocates through these; a bare
 * malloc / realloc / abort() on out of memory is a bug.
 */
#ifndef RL_MEM_H
#define RL_MEM_H

#include <stddef.h>

/* The exit status after out of memory (EX_OSERR of sysexits.h). */
#define RL_MEM_EXIT 71

/* malloc that never returns NULL, even for 0 bytes. */
void *rl_xmalloc(size_t n);
/* calloc that never returns NULL. */
void *rl_xcalloc(size_t n, size_t size);
/* realloc that never returns NULL; p may be NULL. */
void *rl_xrealloc(void *p, size_t n);
/* strdup that never returns NULL. */
char *rl_xstrdup(const char *s);

/* Called with the size that could not be allocated, before the exit; the
 * default writes "racelab: out of memory (N bytes)" on stderr. */
typedef void (*rl_mem_fail_fn)(size_t n);
void rl_mem_set_fail(rl_mem_fail_fn fn);

#endif
