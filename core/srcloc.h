/* SPDX-License-Identifier: MIT */
/*
 * srcloc.h - code addresses of a compiled program to source locations and
 * source text: "prog.c:12", the function, and the line itself.
 *
 * One `addr2line -e EXE -f -i` runs as a coprocess per open srcloc, asked
 * one address at a time; answers and source files are cached, so each pc
 * and each file costs one lookup. Used by the plain-C child to name the
 * lines of its trace, and by a parent that has the executable's path
 * (records carry the pc, struct rl_record).
 *
 * Not thread-safe; never prints. Without addr2line (or debug information)
 * lookups fail and callers show the bare address.
 */
#ifndef RL_SRCLOC_H
#define RL_SRCLOC_H

#include <stddef.h>
#include <stdint.h>

struct rl_srcloc;

/* Where one pc is: file as the compiler was given it, line (>= 1),
 * function; strings owned by the srcloc. */
struct rl_loc {
    const char *file;
    int line;
    const char *func;
};

/* Start resolving addresses of the executable at path ("/proc/self/exe"
 * for the calling program); NULL if addr2line cannot be started. */
struct rl_srcloc *rl_srcloc_open(const char *exe);
void rl_srcloc_close(struct rl_srcloc *s);

/* Resolve pc (an address inside the instruction: a return address minus
 * one, or a faulting pc). Returns 0, or -1 when the pc has no source
 * location (out fields then NULL / 0). */
int rl_srcloc_lookup(struct rl_srcloc *s, uintptr_t pc, struct rl_loc *out);

/* Line `line` of file (1-based) without its newline and with leading
 * blanks skipped, or NULL if the file cannot be read or is shorter. */
const char *rl_srcloc_line(struct rl_srcloc *s, const char *file, int line);

/* "prog.c:12" for pc, written into buf (the file's last path component);
 * "0x401234" when unknown. Returns buf. */
const char *rl_srcloc_format(struct rl_srcloc *s, uintptr_t pc, char *buf,
                             size_t len);

#endif
