/* SPDX-License-Identifier: MIT */
/*
 * value.h - the memory a C program's values may point into, for the
 * engine and the plain-C runtime (front ends see rl_value_text in run.h).
 *
 * A run of a plain C program knows regions of its memory by name: each
 * global of the program (`buf`), each heap block (`heap#2@prog.c:14`)
 * and each thread's stack (`T1.stack`). The runtime in the child notes
 * them as they appear and end (core/plainc/), the child sends them to
 * the parent (core/child.c, WIRE_MSG_MEMORY) and the mirror notes the
 * same ones, so that rl_value_text gives the same text on both sides.
 *
 * Lifetimes are counted in records, not in time: a region noted when the
 * run's last record was N is alive for the records after N, and one that
 * ends when the last record is M is alive for the records up to M. A heap
 * address freed and handed out again therefore names the block of its
 * own moment. The text never depends on the address itself (addresses
 * differ from run to run, names and offsets do not), so that a replay
 * prints the same bytes.
 */
#ifndef RL_VALUE_H
#define RL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"

/* The most regions one run keeps: past it, new ones are not noted and
 * values that point into them stay numbers. */
#define RL_REGION_MAX (1 << 16)

enum rl_region_kind {
    RL_REGION_DATA,  /* a global or a heap block: "&NAME", "&NAME+OFF" */
    RL_REGION_STACK, /* a thread's stack: "&T1.stack-40", from its top */
};

/* One region of the program's memory. */
struct rl_region {
    uint64_t lo, size;   /* [lo, lo + size) in the program's process */
    uint64_t born, died; /* alive for records born < seq <= died;
                            died UINT64_MAX: still alive */
    uint8_t kind;        /* enum rl_region_kind */
    char name[RL_NAME_MAX];
};

/* The path of an address inside a region, as the program's source names
 * it (".next", "[1][2]"; "" when its types do not say): so that a value
 * pointing there is "&heap#1@prog.c:25.next", not "...+8". The child
 * makes them (a namer, from the executable's debug information) for the
 * values its records carry, before the record goes out; the parent has
 * them from the child. */
struct rl_value_mark {
    int region;             /* the region's index */
    uint64_t off;           /* from its start: 1 to its size */
    char path[RL_NAME_MAX]; /* "" if unknown: "+OFF" is written */
};

/* What a run asks for a mark's path: region g's own words for the
 * address off bytes into it (0 < off <= g->size), written into buf of len
 * bytes; false if it has none. */
typedef bool (*rl_value_namer_fn)(void *ctx, const struct rl_region *g,
                                  uint64_t off, char *buf, size_t len);

/* Name the values of run's records that point into regions with fn (the
 * child's runtime; NULL: no more). */
void rl_value_set_namer(struct rl_run *run, rl_value_namer_fn fn, void *ctx);

/* Make the marks record r's values need (rl_record_push calls it before
 * on_record, so that they go out before it): a memory variable's of a
 * pointer's size, pointing past the start of a region. Without a namer,
 * nothing. */
void rl_value_note_record(struct rl_run *run, const struct rl_record *r);

/* Note a mark of region idx (the parent: as the child sent it). Returns
 * its index, or -1 when idx or off does not fit the region, or the run
 * keeps RL_REGION_MAX marks already. */
int rl_value_mark_add(struct rl_run *run, int idx, uint64_t off,
                      const char *path);
/* The marks noted so far, in order: what the child sends on. */
int rl_value_mark_count(const struct rl_run *run);
const struct rl_value_mark *rl_value_mark(const struct rl_run *run, int i);

/* Note a region of run's program, alive from after record `born` on.
 * Returns its index, or -1 when the run keeps RL_REGION_MAX already or
 * size is 0. */
int rl_value_region_add(struct rl_run *run, uint64_t lo, uint64_t size,
                        enum rl_region_kind kind, const char *name,
                        uint64_t born);
/* Region idx ends after record `died` (idx < 0 or unknown: nothing). */
void rl_value_region_end(struct rl_run *run, int idx, uint64_t died);

/* The regions noted so far, in the order they were noted, and the ends
 * in the order they happened (indexes into the regions): what the child
 * sends on. */
int rl_value_region_count(const struct rl_run *run);
const struct rl_region *rl_value_region(const struct rl_run *run, int idx);
int rl_value_end_count(const struct rl_run *run);
int rl_value_end_at(const struct rl_run *run, int i);

/* The bytes p[0 .. n) that a C library call read or wrote, as a student
 * reads them: quoted text with C escapes ("hello, world", "a\0b\x01",
 * trailing NULs left out, cut with "..." to fit len), into buf. string:
 * the bytes are a C string (strcpy, printf's "%s"), text whatever they
 * hold; else (memcpy, memset) only when they look like text (printable,
 * UTF-8 or NULs, nothing else). Returns
 * false (buf "") when they do not. Reads at most RL_VALUE_BYTES_SCAN
 * bytes of p, however large n is. */
#define RL_VALUE_BYTES_SCAN 256
/* The longest text a range's value is shown as (with its quotes): a
 * lane or an event line has room for it. */
#define RL_VALUE_BYTES_SHOWN 40
bool rl_value_bytes_text(const void *p, size_t n, bool string, char *buf,
                         size_t len);

/* The name of len bytes from the address of C memory variable obj, at
 * record seq: "msg" for the whole of a global or heap block,
 * "msg[0..12]" for bytes 0 to 12 of it, else the variable's name with
 * the count ("T1.stack-40 (13 bytes)"). */
void rl_value_range_name(const struct rl_run *run, int obj, uint32_t len,
                         uint64_t seq, char *buf, size_t size);

/* The bytes where records a and b of C memory variables meet, by name
 * ("msg[4..5]", "x[1]"), when one of them is a range (a C library
 * call's) or they are accesses to two variables (an int and a char
 * inside it), and the global or heap block that holds the bytes is
 * known; else false. */
bool rl_value_overlap_name(const struct rl_run *run, const struct rl_record *a,
                           const struct rl_record *b, char *buf, size_t size);

/* The index of the region that holds addr alive at record seq, or -1
 * (none does): which global, heap block or stack a C memory variable
 * belongs to, so that the race analysis never compares a freed block's
 * bytes with the block handed out again at the same address. */
int rl_value_region_id(const struct rl_run *run, uint64_t addr, uint64_t seq);

/* Free run's regions (rl_run_destroy). */
void rl_value_free(struct rl_run *run);

#endif
