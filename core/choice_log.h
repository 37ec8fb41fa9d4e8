/* SPDX-License-Identifier: MIT */
/*
 * choice_log.h - the choices of a sim run, kept whole (they are how a run
 * is replayed) but compact: memory grows with the changes in the pattern
 * of choices, not with the number of steps.
 *
 * The choices are thread ids, one per choice point. Consecutive equal ids
 * form an ITEM (id, count) - the "0x3" of a schedule string. Items are
 * kept in GROUPS: a pattern of items repeated rep times, so that a round
 * robin ("0.1.0.1...": the pattern "0.1") or any other cycle of up to
 * CHOICE_LOG_PERIOD items is one group however long it runs, while an
 * irregular stretch (a random scheduler) is one group with rep 1 whose
 * items are a few bytes each. The text of a schedule string is made from
 * the groups (choice_log_encode), exactly as rl_schedule_encode makes it
 * from the flat ids.
 *
 * A log belongs to one run and is used by the OS thread that owns it.
 */
#ifndef RL_CHOICE_LOG_H
#define RL_CHOICE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest cycle of items folded into one group. */
#define CHOICE_LOG_PERIOD 32

struct choice_item {
    uint64_t count; /* >= 1 */
    int id;
};

struct choice_group {
    size_t off;   /* its pattern: items encoded in bytes[off..], */
    size_t len;   /* len items of them */
    uint64_t rep; /* repeated rep times */
};

struct choice_log {
    unsigned char *bytes; /* the patterns' items (id, count varint) */
    size_t nbytes, bytes_cap;
    struct choice_group *groups;
    size_t ngroups, groups_cap;
    /* The newest closed items, not in a group yet (folding looks here). */
    struct choice_item tail[2 * CHOICE_LOG_PERIOD];
    size_t ntail;
    bool matching;     /* tail is a prefix of the last group's pattern */
    size_t match_off;  /* then: where its next item is in bytes */
    struct choice_item cur; /* the open item (count 0: none yet) */
    uint64_t total;    /* choices logged */
};

/* choice_log_push's slow path: a choice of another thread than the last. */
void choice_log_switch(struct choice_log *l, int id);
/* Log one choice (thread id 0..255). Aborts when out of memory. Inline:
 * it is on the path of every sim step. */
static inline void choice_log_push(struct choice_log *l, int id)
{
    l->total++;
    if (l->cur.count && l->cur.id == id)
        l->cur.count++;
    else
        choice_log_switch(l, id);
}
/* Log count choices of thread id at once (count >= 1): the same log as
 * count choice_log_push calls. */
void choice_log_push_run(struct choice_log *l, int id, uint64_t count);
/* Log the items[0..len) rep times (len <= CHOICE_LOG_PERIOD, neighbours
 * and the last and first item of different threads: a cycle, as a group
 * holds it). Once the log has folded the cycle, the remaining repetitions
 * are added in one go, so the cost is bounded whatever rep is. Returns
 * false (the log then holds part of them) when the items are no such
 * cycle or the log does not settle on it: input that no log sent. */
bool choice_log_push_repeat(struct choice_log *l,
                            const struct choice_item *items, size_t len,
                            uint64_t rep);

/* Where a reader of the log's newest choices stands (choice_log_since):
 * zero it for a new log. The reader keeps its place in the log's last
 * group, so that each call costs what is new, not the log's length. */
struct choice_log_cursor {
    uint64_t sent;  /* choices handed out so far */
    size_t gi;      /* the group the reader is in (groups before are done) */
    uint64_t base;  /* choices in groups[0..gi) */
    size_t ii;      /* a rep-1 group: items of it passed, */
    size_t ioff;    /* the byte offset of the next one, */
    uint64_t ibase; /* and the choices in the passed ones */
};
/* Hand the choices logged since c->sent to chunk, in order, as chunks of
 * items repeated rep times (rep > 1: a cycle of at most
 * CHOICE_LOG_PERIOD items, fit for choice_log_push_repeat; rep 1: at most
 * CHOICE_LOG_CHUNK items, pushed one by one), then advance c. Logging the
 * chunks in a fresh log rebuilds l exactly. */
#define CHOICE_LOG_CHUNK 256
void choice_log_since(const struct choice_log *l, struct choice_log_cursor *c,
                      void (*chunk)(void *ctx, const struct choice_item *items,
                                    size_t n, uint64_t rep),
                      void *ctx);

/* Free the log's memory; the log is empty again. */
void choice_log_free(struct choice_log *l);
/* How many choices were logged. */
uint64_t choice_log_count(const struct choice_log *l);
/* Bytes allocated for the log, and how many groups it has. */
size_t choice_log_bytes(const struct choice_log *l);
size_t choice_log_groups(const struct choice_log *l);

/* The choices as the choices part of a schedule string ("0x3.1.0x2", "-"
 * when none), byte for byte rl_schedule_encode of the flat ids; written as
 * rl_schedule_encode writes (whole items only when len is short). Returns
 * the length of the whole text. */
size_t choice_log_encode(const struct choice_log *l, char *buf, size_t len);
/* The same text handed to emit in pieces (in order, never split inside an
 * item); stops at the first emit that returns non-zero and returns that
 * value, else 0. */
int choice_log_write(const struct choice_log *l,
                     int (*emit)(void *ctx, const char *text, size_t len),
                     void *ctx);

#endif
