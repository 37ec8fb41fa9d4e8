/* SPDX-License-Identifier: MIT */
/*
 * run_text_impl.h - what the files of the run's texts share, and nothing
 * else: the string builder every text is written with, and a thread's
 * name. The rest of the engine and the front ends see only run.h.
 *
 *   run_text.c          the names (statuses, ends, object kinds,
 *                       operations), the builder, and why a run ended:
 *                       for a deadlock, what each thread holds and waits
 *                       for and the wait-for cycle that closes it
 *   run_text_record.c   one record in words: the full line and the
 *                       medium and short forms of narrow lanes, the class
 *                       and symbol of each operation
 *
 * Nothing here keeps state: each text is written into a caller's buffer.
 */
#ifndef RL_RUN_TEXT_IMPL_H
#define RL_RUN_TEXT_IMPL_H

#include <stddef.h>

#include "engine.h"

/* A small append-only string builder over a caller's buffer. */
struct run_text_buf {
    char *buf;
    size_t len, used;
};

/* Append to sb; past the end of the buffer, only count. */
void run_text_printf(struct run_text_buf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The name of thread tid, or "?" if there is none. */
const char *run_text_thread_name(const struct rl_run *run, int tid);

#endif
