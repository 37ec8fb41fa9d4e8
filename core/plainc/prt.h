/* SPDX-License-Identifier: MIT */
/*
 * prt.h - what the files of the plain-C runtime share (core/plainc/): an
 * unmodified pthreads program, compiled with -fsanitize=thread (without
 * libtsan) and linked with -Wl,--wrap=... against build/librlprt.a, runs
 * as a sim run of the engine: its main is thread T0, every pthread / sem
 * call, every access to shared memory and every atomic is a scheduling
 * point and a record (core/posix.h). See README, "Plain C programs".
 *
 *   prt_main.c       __wrap_main, the run's setup, threads (pthread_create,
 *                    join, exit, self, detach), per-run reset, the address
 *                    map, names (ELF symbols, heap sites, stacks), globals
 *                    restored between runs
 *   prt_tsan.c       the __tsan_* hooks the compiler emits
 *   prt_sync.c       pthread mutex / cond / rwlock / barrier / spin / once
 *                    and sem_t, objects created lazily by address
 *   prt_libc.c       virtual time, output, exit / abort / assert, malloc
 *   prt_string.c     memcpy, strcpy, snprintf, ... on shared memory
 *   prt_extra.c      pthread keys, sem_open, the calls sim cannot do
 *   prt_signal.c     crashes on an alternate signal stack
 *   child_standalone.c  prt_standalone_main: one run, trace as text
 *
 * The wrappers are called from the user's code and from the engine alike
 * (--wrap redirects every reference in the link). A call is the user's
 * only on a lab thread that is not inside the runtime (prt_user): engine
 * and runtime code always reach the real function.
 */
#ifndef RL_PRT_H
#define RL_PRT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../posix.h"

/* The call site of a hook in user code: inside its call instruction. */
#define PRT_PC() ((uintptr_t)__builtin_return_address(0) - 1)

/* Virtual clocks start here (CLOCK_REALTIME and CLOCK_MONOTONIC alike, so
 * that a deadline computed from either works): 2023-11-14 22:13:20 UTC. */
#define PRT_EPOCH_S 1700000000L

/* Thread-specific data keys of a run (pthread_key_create). */
#define PRT_KEYS 64

/* Per lab thread. */
struct prt_thread {
    void *(*fn)(void *);
    void *arg;
    void *ret; /* what the body returned or passed to exit */
    bool detached;
    int inside;       /* > 0: runtime / engine code is running */
    int err;          /* its errno while another thread runs */
    char *tls;        /* its copy of the program's thread-locals while
                         another thread runs (NULL: not made yet) */
    uintptr_t lo, hi; /* its stack */
    int stack_region; /* ... as a region of the run's memory (value.h) */
    void *spec[PRT_KEYS]; /* its pthread_setspecific values */
    void *range_dst;  /* the address of its last __tsan_write_range */
};

/* A lab thread's calls into the program's functions, innermost last, from
 * the compiler's __tsan_func_entry / exit hooks (x86-64): where each
 * frame is, so that a location on its stack is named by its variable
 * (`main:i`). Deeper calls than PRT_FRAMES are counted, not kept. Outside
 * struct prt_thread: not cleared for every run (a thread's start clears
 * its own). */
#define PRT_FRAMES 24
struct prt_frames {
    int n; /* frames entered and not left */
    struct {
        uintptr_t pc;  /* inside the function */
        uintptr_t cfa; /* its canonical frame address */
        uintptr_t ret; /* its call, in the function that called it */
    } f[PRT_FRAMES];
};
extern struct prt_frames prt_frames[RL_MAX_THREADS];

struct prt {
    bool active;   /* a run of the program is set up */
    bool multi;    /* a second thread has started in this run */
    bool quiet;    /* RACELAB_ECHO=0 when the run was set up: the
                      program's output is recorded, not printed */
    uint64_t runs; /* runs set up so far in this process */
    int argc;
    char **argv, **envp;
    struct prt_thread th[RL_MAX_THREADS];
    bool spawning; /* the runtime starts addr2line: a fork() that is not
                      the program's */
};
extern struct prt prt;

/* The child's entry, core/child.c (declared in core/child.h): serves
 * racelab over RACELAB_CHILD_FD. __wrap_main calls it when that variable
 * is set, and prt_standalone_main (child_standalone.c: one run, the trace
 * with source lines) when it is not; neither is weak, so which one runs
 * never depends on the order of the archive's members. */
int rl_child_main(const struct rl_program *program, int argc, char **argv);
int prt_standalone_main(const struct rl_program *program, int argc,
                        char **argv);

/* The lab thread of a call from user code, or NULL (engine, runtime,
 * outside a run): then wrappers call the real function. */
static inline struct rl_thread *prt_user(void)
{
    if (!prt.active)
        return NULL;
    struct rl_thread *t = rl_px_self();
    return t && !prt.th[t->id].inside ? t : NULL;
}

/* Around a call into the engine from a wrapper of thread t. */
static inline void prt_in(struct rl_thread *t, uintptr_t pc)
{
    t->pc = pc;
    prt.th[t->id].inside++;
}

static inline void prt_out(struct rl_thread *t)
{
    prt.th[t->id].inside--;
}

/* ---- prt_main.c ---------------------------------------------------------- */

/* The object at addr, created on first use: a memory variable of size
 * bytes (kind RL_OBJ_VAR), or a synchronization object of kind (value and
 * limit as for rl_px_create, elem = the C object's size, for names). */
struct rl_obj *prt_obj(void *addr, enum rl_obj_kind kind, long value,
                       long limit, size_t elem);
/* The memory variable of elem bytes at the start of a range that a C
 * library call accesses, created on first use: named by its byte offset
 * ("msg[32]"), whatever the width of its value. */
struct rl_obj *prt_obj_bytes(void *addr, size_t elem);
/* The object at addr if there is one, NULL otherwise. */
struct rl_obj *prt_obj_find(void *addr);
/* Forget the object at addr (destroy / init start a new one). */
void prt_obj_forget(void *addr);
/* Whether an access to addr of thread t is a scheduling point: shared
 * memory (not read-only data, not t's own stack unless another thread has
 * accessed that location). */
bool prt_shared(const struct rl_thread *t, uintptr_t addr);
/* Whether pc lies in the program's own code (not a library's). */
bool prt_pc_in_program(uintptr_t pc);
/* "file:line" of pc for messages (or "0x..."), into buf. */
const char *prt_where(uintptr_t pc, char *buf, size_t len);
/* The run ends because the program ended: exit(status) or main
 * returning, by thread t; how names the call ("exit", "_exit"), or "main"
 * when main returned (t->pc 0). */
void prt_program_end(struct rl_thread *t, int status, const char *how);

/* Heap blocks of the program, for names and to free them between runs. */
void prt_heap_note(void *p, size_t size, uintptr_t site);
void prt_heap_forget(void *p);

/* ---- prt_tsan.c ---------------------------------------------------------- */

/* C library call fn (enum rl_mem_fn; RL_FN_ACCESS: a range the compiler
 * reports) of the program at pc reads or writes size bytes at addr: one
 * access to the whole range, one step when
 * the memory is shared (its first byte says), recorded with the bytes as
 * text. A write is recorded by prt_range_done, once the call has
 * written. */
void prt_access_range(const void *addr, size_t size, bool write, int fn,
                      uintptr_t pc);
/* After the real call: record the write prt_access_range announced, as
 * `written` bytes (SIZE_MAX: as many as it announced). */
void prt_range_done(size_t written);

/* ---- prt_extra.c --------------------------------------------------------- */

/* Thread t ends: the destructors of its pthread_setspecific values. */
void prt_keys_destroy(struct rl_thread *t);

/* ---- prt_signal.c -------------------------------------------------------- */

/* Catch crashes on an alternate stack (once per process). */
void prt_signals_install(void);

/* ---- prt_libc.c ---------------------------------------------------------- */

/* What printf-style call fn (enum rl_mem_fn) of the program at pc reads
 * of fmt's "%s" arguments in ap (ap itself is left as it was): one read
 * access each. */
void prt_read_args(const char *fmt, va_list ap, int fn, uintptr_t pc);

/* ms of virtual time until the absolute time ts (CLOCK_REALTIME or
 * MONOTONIC, both virtual); <= 0 when passed. */
long prt_ms_until(const struct timespec *ts);

#endif
