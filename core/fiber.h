/* SPDX-License-Identifier: MIT */
/*
 * fiber.h - user-space execution contexts for the sim backend.
 *
 * A fiber is a stack plus saved registers. Switching between fibers is a
 * plain function call that saves the callee-saved registers and the stack
 * pointer of one and restores those of the other: no system call, so a
 * switch costs a few nanoseconds. x86-64 and arm64 use a hand-written
 * switch; other machines fall back to makecontext (to create) and
 * swapcontext (to switch).
 *
 * Stacks come from a pool private to the calling OS thread and are reused
 * across runs: mmap'ed once, with a PROT_NONE guard page below each, so a
 * stack overflow is a clean SIGSEGV rather than silent corruption.
 *
 * Not thread-safe: a fiber is created, switched to and destroyed on one OS
 * thread.
 */
#ifndef RL_FIBER_H
#define RL_FIBER_H

#include <stddef.h>
#include <stdint.h>

struct fiber;

/* The fiber of the calling OS thread itself (its own stack): the place to
 * switch back to. Created on first use, one per OS thread, never freed. */
struct fiber *fiber_self(void);

/* A new fiber that will run fn(arg) on a pooled stack when first switched
 * to. fn must never return: it ends by switching away for the last time
 * (the fiber is then destroyed by another fiber). Never returns NULL
 * (aborts on out of memory). */
struct fiber *fiber_create(void (*fn)(void *), void *arg);

/* Return the fiber's stack to the pool and free it. Must not be the running
 * fiber. Accepts NULL. */
void fiber_destroy(struct fiber *f);

/* Save the running context into from and resume to. Returns when some
 * fiber switches back to from. */
void fiber_switch(struct fiber *from, struct fiber *to);

/* The usable stack of f, addresses [*lo, *hi); both 0 for an OS thread's
 * own fiber (fiber_self). */
void fiber_stack_bounds(const struct fiber *f, uintptr_t *lo, uintptr_t *hi);

/* Usable stack size of the fibers the calling OS thread creates, in
 * bytes (256 KiB unless changed; more under AddressSanitizer). */
size_t fiber_stack_size(void);

/* Give the fibers created from now on by the calling OS thread stacks of
 * size bytes (rounded up to pages, never below the default); existing
 * fibers keep theirs. The plain-C runtime asks for a process-sized stack
 * for programs that keep big arrays on the stack. */
void fiber_set_stack_size(size_t size);

/* Which switch implementation is compiled in: "x86_64", "arm64" or
 * "portable". */
const char *fiber_impl(void);

#endif
