/* SPDX-License-Identifier: MIT */
/*
 * dwtype.h - the types of an executable's global variables, read from its
 * DWARF debug information, so that a location inside one is named as the
 * C source names it: `acct.balance`, `queue.slots[3]`, `grid[2][5]`.
 *
 * Only what naming needs is kept: every global and static variable (its
 * name, its address when the debug information gives one, and its type),
 * every function's code range and local variables, and the structs,
 * unions, arrays and typedefs those types are made of. A heap block's type
 * is guessed from its allocation's source line (rl_dwtypes_alloc_type),
 * or from the line that called the helper that allocated it
 * (rl_dwtypes_call_type).
 * Nothing is run: the ELF image is read in place (DWARF 2 to 5, as gcc
 * and clang write it). A program built without -g has no such
 * information; racelab then names by offset (`x+40`), as before.
 */
#ifndef RL_DWTYPE_H
#define RL_DWTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rl_dwtypes;

/* Read the variables and types of the ELF image img (len bytes, as mapped
 * from the file); NULL if it has no usable debug information (not ELF, no
 * .debug_info, a form this reader does not know). The result owns copies
 * of what it keeps: img may be unmapped after the call. */
struct rl_dwtypes *rl_dwtypes_load(const unsigned char *img, size_t len);

/* Free what rl_dwtypes_load returned (NULL: nothing). */
void rl_dwtypes_destroy(struct rl_dwtypes *dt);

/* Append to buf (a NUL-terminated string of at most len bytes, the
 * variable's name already in it) the path of the `width` bytes at byte
 * `off` inside the global variable `name` at address `addr` of `size`
 * bytes: ".balance", "[3].count", "[2][5]"; "" for the whole variable.
 * The path goes as deep as a member or element that holds the whole
 * access, and never into the C library's own members (a name starting
 * with "__": `acct.lock`, not `acct.lock.__data.__lock`). A remainder
 * inside a member it cannot name further is "+N". False, and buf
 * unchanged, if the variable or its type is unknown. */
bool rl_dwtypes_path(const struct rl_dwtypes *dt, uintptr_t addr,
                     const char *name, size_t size, size_t off, size_t width,
                     char *buf, size_t len);

/* Append to buf (as rl_dwtypes_path) the path of the address `off` bytes
 * into the global variable `name`, as a pointer's value names it: the
 * shallowest member or element that starts there (".balance", "[1]" for
 * the start of accounts[1] and of its first member, "[1][2]"), "+N" for
 * what none starts at, "" for off 0. off may be size: one past the end
 * of an array is "[4]" (`int a[4]`). False, buf unchanged, if the
 * variable or its type is unknown or off > size. */
bool rl_dwtypes_ptr_path(const struct rl_dwtypes *dt, uintptr_t addr,
                         const char *name, size_t size, size_t off, char *buf,
                         size_t len);

/* The type a heap block allocated at pc, on source line `line` reading
 * `text`, holds: what the pointer it is assigned to points to (`struct arg
 * *args = calloc(n, sizeof *args);`: struct arg), the pointer being a local
 * or parameter of the allocating function, a global, or a struct member
 * (`q->slots = malloc(...)`, when every member of that name agrees). 0 if
 * unknown (no assignment on the line, a `void *`). A heuristic, from the
 * source line: a block assigned on a later line stays untyped. */
uint64_t rl_dwtypes_alloc_type(const struct rl_dwtypes *dt, uintptr_t pc,
                               int line, const char *text);

/* As rl_dwtypes_alloc_type, for a block a call of the program's function
 * `callee` (NULL: the C library's allocators) returned, on the line at pc
 * reading `text`: `struct node *n = xmalloc(sizeof *n);` gives struct
 * node. *passed is set when the line hands the block on untyped, to its
 * own caller: it returns the call's result (`return malloc(n);`) or
 * assigns it to a local `void *` (`void *p = malloc(n);`, a helper that
 * then returns p). 0 if unknown. */
uint64_t rl_dwtypes_call_type(const struct rl_dwtypes *dt, uintptr_t pc,
                              int line, const char *text, const char *callee,
                              bool *passed);

/* The name of the function whose code holds pc, NULL if none. */
const char *rl_dwtypes_func_name(const struct rl_dwtypes *dt, uintptr_t pc);

/* As rl_dwtypes_path, for a heap block of `block` bytes holding `type`
 * (from rl_dwtypes_alloc_type): one of it, or an array of them
 * ("[1].lo"). False, buf unchanged, if the type does not fit the block. */
bool rl_dwtypes_block_path(const struct rl_dwtypes *dt, uint64_t type,
                           size_t block, size_t off, size_t width, char *buf,
                           size_t len);

/* As rl_dwtypes_ptr_path, for a heap block of `block` bytes holding
 * `type` (one of it, or an array of them: "[2].next", "[3]" one past the
 * last of three). False, buf unchanged, if the type does not fit. */
bool rl_dwtypes_block_ptr_path(const struct rl_dwtypes *dt, uint64_t type,
                               size_t block, size_t off, char *buf,
                               size_t len);

/* The local variable or parameter at addr of the function whose code
 * holds pc, running with canonical frame address cfa (x86-64 code built
 * with frame pointers, as racelab builds a program): "main:i",
 * "worker:ids[2]", with the path of the `width` bytes at addr inside it.
 * False, buf unchanged, if no local of that frame holds addr. */
bool rl_dwtypes_frame_path(const struct rl_dwtypes *dt, uintptr_t pc,
                           uintptr_t cfa, uintptr_t addr, size_t width,
                           char *buf, size_t len);

#endif
