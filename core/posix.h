/* SPDX-License-Identifier: MIT */
/*
 * posix.h - the engine's POSIX objects and plain memory, for the plain-C
 * runtime (core/plainc/) only: labs and students use racelab.h, front ends
 * run.h. Everything here works on the sim backend, from a lab thread (a
 * fiber); each call is one scheduling point and makes its record(s), with
 * the calling thread's pc (rl_px_set_pc) as the call site.
 *
 * Objects are struct rl_obj like every other: a pthread mutex is an
 * RL_OBJ_MUTEX (owned; normal, recursive or error-checking), a spinlock an
 * RL_OBJ_SPINLOCK (a mutex that blocks instead of spinning, so a spinning
 * thread is not a runaway), a rwlock an RL_OBJ_RWLOCK (owner = the writer,
 * holders = the readers), pthread_once an RL_OBJ_ONCE; condition variables,
 * semaphores and barriers are the engine's RL_OBJ_CONDITION, SEMAPHORE and
 * BARRIER with POSIX semantics here: a condition variable is given its mutex
 * at each wait, and signal / broadcast need no mutex; no spurious wakeup is
 * ever made. Plain memory is an RL_OBJ_VAR with an address and a size
 * (1, 2, 4 or 8 bytes) whose value lives at that address.
 *
 * Results are POSIX error numbers (0, EBUSY, ETIMEDOUT, EDEADLK, EPERM).
 * Misuse (unlocking a mutex another thread holds, waiting without the
 * mutex) is recorded as an error record and a misuse of the run, in POSIX
 * words; never an abort.
 *
 * A store's value is known only once the program has written it, after
 * its hook returned: rl_px_store records it at the thread's next scheduling
 * point (or its end), before any other record of that thread.
 */
#ifndef RL_POSIX_H
#define RL_POSIX_H

#include <stdbool.h>
#include <stdint.h>

#include "engine.h"

/* Misuse codes beyond enum rl_status (rl_strerror knows them). */
enum rl_px_status {
    RL_PX_ERR_NOT_OWNER = 20, /* unlock of a mutex the thread does not hold */
    RL_PX_ERR_WAIT_UNLOCKED = 21, /* cond wait without holding the mutex */
    RL_PX_ERR_RW_NOT_HELD = 22,   /* rwlock unlock without holding it */
    RL_PX_ERR_RELOCK = 23,        /* error-checking mutex / rwlock: locking it
                                     again (EDEADLK) */
};

enum rl_px_mutex_type {
    RL_PX_MUTEX_NORMAL,
    RL_PX_MUTEX_RECURSIVE,
    RL_PX_MUTEX_ERRORCHECK,
};

/* A new object of the current run (see api.c); for RL_OBJ_MUTEX, limit is
 * the enum rl_px_mutex_type; for a barrier limit = parties; for a
 * semaphore value = the count and limit = 0 (kind RL_OBJ_SEMAPHORE). */
struct rl_obj *rl_px_create(enum rl_obj_kind kind, const char *name, long value,
                            long limit);
/* A memory variable at addr, size bytes (its value read from there). */
struct rl_obj *rl_px_mem_create(const char *name, void *addr, int size);

/* The calling lab thread (NULL outside one) and its call site for the
 * records of its next call. */
struct rl_thread *rl_px_self(void);
static inline void rl_px_set_pc(struct rl_thread *t, uintptr_t pc)
{
    t->pc = pc;
}

/* ---- memory -------------------------------------------------------------- */

/* A plain load of size bytes from v's address (record LOAD after the
 * scheduling point); size is the program's width (1 to 8; 0: v's size),
 * kept in the record's len for the race analysis, which compares the
 * bytes of accesses of different widths. */
void rl_px_load(struct rl_obj *v, uint32_t size);
/* A plain store of size bytes about to happen (recorded with its value
 * later). */
void rl_px_store(struct rl_obj *v, uint32_t size);
/* A C library call's access to len bytes from v's address on (v is the
 * variable at its start): one scheduling point and one record of the
 * whole range, its bytes kept in the run as text (rl_value_bytes_text),
 * fn its enum rl_mem_fn. A read is recorded at once; a write, like a
 * plain store, by rl_px_flush: the caller may set t->pend_len to the
 * bytes the call did write (snprintf's) before it flushes. */
void rl_px_load_range(struct rl_obj *v, uint32_t len, int fn);
void rl_px_store_range(struct rl_obj *v, uint32_t len, int fn);
/* Push the pending store record of t, if any. */
void rl_px_flush(struct rl_thread *t);
/* Atomic operations, one step each, done here on the memory. op is one of
 * RL_OP_ATOMIC_LOAD (returns the value), RL_OP_ATOMIC_STORE (writes arg),
 * RL_OP_FETCH_ADD / SUB / AND / OR / XOR (returns the old value),
 * RL_OP_EXCHANGE (returns the old value). order (enum rl_mem_order) is
 * the program's, kept in the record for the analyses: every atomic runs
 * as one step of one total order whatever it is. */
uint64_t rl_px_atomic(struct rl_obj *v, enum rl_op op, uint64_t arg,
                      int order);
/* Compare and exchange: if the memory holds *expected, write desired and
 * return true; else store what it holds in *expected, return false. The
 * record has order when it exchanged, fail_order when not. */
bool rl_px_cas(struct rl_obj *v, uint64_t *expected, uint64_t desired,
               int order, int fail_order);
/* atomic_thread_fence(order): a step and a record (RL_OP_FENCE). */
void rl_px_fence(int order);
/* Read / write the value of a memory variable (no record). */
uint64_t rl_px_mem_read(const struct rl_obj *v);

/* ---- mutexes, spinlocks, rwlocks ----------------------------------------- */

/* ms < 0 forever, 0 try (EBUSY), > 0 virtual ms (ETIMEDOUT). */
int rl_px_mutex_lock(struct rl_obj *m, long ms);
int rl_px_mutex_unlock(struct rl_obj *m);
int rl_px_rwlock_lock(struct rl_obj *rw, bool write, long ms);
int rl_px_rwlock_unlock(struct rl_obj *rw);

/* ---- condition variables, semaphores, barriers, once --------------------- */

int rl_px_cond_wait(struct rl_obj *c, struct rl_obj *m, long ms);
int rl_px_cond_signal(struct rl_obj *c, bool all);
/* ms as for mutexes; returns 0, EAGAIN (try) or ETIMEDOUT. */
int rl_px_sem_wait(struct rl_obj *s, long ms);
int rl_px_sem_post(struct rl_obj *s);
long rl_px_sem_value(struct rl_obj *s);
/* Returns true for the one waiter that gets PTHREAD_BARRIER_SERIAL_THREAD
 * (the last to arrive). */
bool rl_px_barrier_wait(struct rl_obj *b);
/* pthread_once: true when the caller must run the init routine and then
 * call rl_px_once_done; false when it has run (waiting while another
 * thread runs it). */
bool rl_px_once_begin(struct rl_obj *o);
void rl_px_once_done(struct rl_obj *o);

/* Called by sim around every step of a lab thread: with in true just
 * before t runs, false just after it stopped. The plain-C runtime swaps
 * the program's thread-local variables with it. NULL: nothing to do. */
extern void (*rl_px_switch_hook)(struct rl_thread *t, bool in);

/* ---- threads and the end of the program ---------------------------------- */

/* A scheduling point with a record of nothing: sched_yield, fences. */
void rl_px_yield(void);
/* Virtual time: now in ns since the run started, and sleeping. */
long rl_px_now_ms(void);
void rl_px_sleep_ms(long ms);
/* Output written by the thread (an RL_OP_OUTPUT record; a scheduling
 * point). */
void rl_px_output(int fd, const char *text, size_t len);
/* pthread_exit: finish the calling thread now (never returns). */
_Noreturn void rl_px_thread_exit(void);
/* End the whole run now from the calling thread (never returns): end is
 * RL_END_EXIT (arg = status), RL_END_ASSERT or RL_END_CRASH (arg =
 * signal), msg the end text. From outside a lab thread, only marks the
 * run. */
void rl_px_end(enum rl_end end, long arg, const char *msg);

#endif
