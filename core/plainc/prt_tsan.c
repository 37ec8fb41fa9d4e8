/* SPDX-License-Identifier: MIT */
/*
 * prt_tsan.c - the hooks that -fsanitize=thread makes the compiler call,
 * implemented for racelab instead of ThreadSanitizer (libtsan is never
 * linked). What gcc 12 and clang 14 emit for C at -O0 to -O2:
 *
 *   __tsan_init                                    (nothing to do)
 *   __tsan_func_entry / exit                       where frames are
 *   __tsan_read1/2/4/8/16, __tsan_write1/2/4/8/16, the __tsan_unaligned_
 *   variants, __tsan_read_range / write_range, volatile variants
 *                                                  plain loads and stores
 *   __tsan_atomic{8,16,32,64}_{load,store,exchange,fetch_add,fetch_sub,
 *   fetch_and,fetch_or,fetch_xor,fetch_nand,compare_exchange_strong,
 *   compare_exchange_weak,compare_exchange_val}    atomics, done here
 *   __tsan_atomic_thread_fence                     a step (a fence)
 *   __tsan_atomic_signal_fence                     no step
 *   __tsan_vptr_update / vptr_read (C++)           plain accesses
 *
 * A plain access to shared memory (prt_shared) is one scheduling point: a
 * load is recorded with the value the program then reads; a store with
 * the value it wrote, at the thread's next scheduling point (posix.h).
 * An access of 16 bytes, a range the compiler reports (a struct copied
 * by assignment) and a C library call's range (prt_string.c) are each
 * one access of all their bytes (prt_access_range), a record with its
 * length that the race analysis compares byte by byte. Every atomic is
 * one step that the hook itself performs, in one total order whatever
 * order the program asked for; that order goes into the record, for the
 * data-race analysis (a relaxed atomic orders nothing). A fence is a
 * step and a record too.
 */
#include <stdint.h>
#include <string.h>

#include "prt.h"

/* The lab thread of a user access to a shared address, or NULL. */
static inline struct rl_thread *access_thread(uintptr_t addr)
{
    if (!prt.multi)
        return NULL;
    struct rl_thread *t = prt_user();
    return t && prt_shared(t, addr) ? t : NULL;
}

/* A plain access of size bytes at addr from pc. */
static inline void access(void *addr, int size, bool write, uintptr_t pc)
{
    struct rl_thread *t = access_thread((uintptr_t)addr);
    if (!t)
        return;
    prt_in(t, pc);
    struct rl_obj *v = prt_obj(addr, RL_OBJ_VAR, 0, 0, (size_t)size);
    if (write)
        rl_px_store(v, (uint32_t)size);
    else
        rl_px_load(v, (uint32_t)size);
    prt_out(t);
}

void __tsan_init(void);
void __tsan_init(void)
{
}

/* A program function was entered (pc: where it returns to): note its
 * frame on the thread's frame stack (struct prt_frames). Its own frame
 * pointer is what this hook's frame saved (the hook has one, as it takes
 * its own frame's address), and at -O0 with frame pointers the function's
 * CFA is 16 bytes above it. A frame left by longjmp is dropped here: the
 * new frame lies below every live one. */
void __tsan_func_entry(void *pc);
void __tsan_func_entry(void *pc)
{
    (void)pc; /* x86-64 only */
#if defined(__x86_64__)
    struct rl_thread *t = prt.active ? rl_px_self() : NULL;
    if (!t)
        return;
    struct prt_frames *fs = &prt_frames[t->id];
    uintptr_t cfa = *(uintptr_t *)__builtin_frame_address(0) + 16;
    while (fs->n > 0 && fs->n <= PRT_FRAMES && fs->f[fs->n - 1].cfa <= cfa)
        fs->n--;
    if (fs->n < PRT_FRAMES) {
        fs->f[fs->n].pc = (uintptr_t)__builtin_return_address(0) - 1;
        fs->f[fs->n].cfa = cfa;
        fs->f[fs->n].ret = (uintptr_t)pc - 1;
    }
    fs->n++;
#endif
}

/* A program function returns. */
void __tsan_func_exit(void);
void __tsan_func_exit(void)
{
#if defined(__x86_64__)
    struct rl_thread *t = prt.active ? rl_px_self() : NULL;
    if (t && prt_frames[t->id].n > 0)
        prt_frames[t->id].n--;
#endif
}

void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_begin(void)
{
}

void __tsan_ignore_thread_end(void);
void __tsan_ignore_thread_end(void)
{
}

/* Plain reads and writes of 1..16 bytes, aligned or not, volatile or not. */
#define PRT_ACCESS(name, size, write)                                          \
    void name(void *addr);                                                     \
    void name(void *addr)                                                      \
    {                                                                          \
        access(addr, size, write, PRT_PC());                                   \
    }

/* 16 bytes: a range of its own (see the top). */
#define PRT_RANGE16(name, write)                                               \
    void name(void *addr);                                                     \
    void name(void *addr)                                                      \
    {                                                                          \
        prt_access_range(addr, 16, write, RL_FN_ACCESS, PRT_PC());             \
    }

PRT_ACCESS(__tsan_read1, 1, false)
PRT_ACCESS(__tsan_read2, 2, false)
PRT_ACCESS(__tsan_read4, 4, false)
PRT_ACCESS(__tsan_read8, 8, false)
PRT_RANGE16(__tsan_read16, false)
PRT_ACCESS(__tsan_write1, 1, true)
PRT_ACCESS(__tsan_write2, 2, true)
PRT_ACCESS(__tsan_write4, 4, true)
PRT_ACCESS(__tsan_write8, 8, true)
PRT_RANGE16(__tsan_write16, true)
PRT_ACCESS(__tsan_unaligned_read1, 1, false)
PRT_ACCESS(__tsan_unaligned_read2, 2, false)
PRT_ACCESS(__tsan_unaligned_read4, 4, false)
PRT_ACCESS(__tsan_unaligned_read8, 8, false)
PRT_RANGE16(__tsan_unaligned_read16, false)
PRT_ACCESS(__tsan_unaligned_write1, 1, true)
PRT_ACCESS(__tsan_unaligned_write2, 2, true)
PRT_ACCESS(__tsan_unaligned_write4, 4, true)
PRT_ACCESS(__tsan_unaligned_write8, 8, true)
PRT_RANGE16(__tsan_unaligned_write16, true)
PRT_ACCESS(__tsan_volatile_read1, 1, false)
PRT_ACCESS(__tsan_volatile_read2, 2, false)
PRT_ACCESS(__tsan_volatile_read4, 4, false)
PRT_ACCESS(__tsan_volatile_read8, 8, false)
PRT_RANGE16(__tsan_volatile_read16, false)
PRT_ACCESS(__tsan_volatile_write1, 1, true)
PRT_ACCESS(__tsan_volatile_write2, 2, true)
PRT_ACCESS(__tsan_volatile_write4, 4, true)
PRT_ACCESS(__tsan_volatile_write8, 8, true)
PRT_RANGE16(__tsan_volatile_write16, true)
PRT_ACCESS(__tsan_vptr_read, 8, false)

void __tsan_vptr_update(void **vptr, void *value);
void __tsan_vptr_update(void **vptr, void *value)
{
    (void)value;
    access(vptr, 8, true, PRT_PC());
}

/* A range: one access to its first bytes. */
static int range_size(size_t size)
{
    return size >= 8 ? 8 : size >= 4 ? 4 : size >= 2 ? 2 : 1;
}

/* A range that C library call fn reads or writes (see prt.h). */
void prt_access_range(const void *addr, size_t size, bool write, int fn,
                      uintptr_t pc)
{
    struct rl_thread *t = size ? access_thread((uintptr_t)addr) : NULL;
    if (!t)
        return;
    prt_in(t, pc);
    struct rl_obj *v = prt_obj_bytes((void *)addr, (size_t)range_size(size));
    uint32_t len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
    if (write)
        rl_px_store_range(v, len, fn);
    else
        rl_px_load_range(v, len, fn);
    prt_out(t);
}

/* Record the write of a range (see prt.h). */
void prt_range_done(size_t written)
{
    struct rl_thread *t = prt.multi ? prt_user() : NULL;
    if (!t || !t->pend || !t->pend_fn)
        return;
    if (written != SIZE_MAX)
        t->pend_len = written > UINT32_MAX ? UINT32_MAX : (uint32_t)written;
    prt_in(t, t->pc);
    rl_px_flush(t);
    prt_out(t);
}

/* A range the compiler reports: one access to all its bytes. gcc copies
 * a struct by assignment as write_range(dst, n), read_range(src, n) and
 * then the copy itself (a few instructions on): the write, still to be
 * recorded when the read's step comes, is of the source's bytes. */
void __tsan_read_range(void *addr, size_t size);
void __tsan_read_range(void *addr, size_t size)
{
    uintptr_t pc = PRT_PC();
    struct rl_thread *t = size && prt.multi ? prt_user() : NULL;
    if (t && t->pend && t->pend_fn == RL_FN_ACCESS && t->pend_len == size &&
        t->pend->addr == prt.th[t->id].range_dst && pc > t->pend_pc &&
        pc - t->pend_pc < 64)
        t->pend_src = addr;
    prt_access_range(addr, size, false, RL_FN_ACCESS, pc);
}

void __tsan_write_range(void *addr, size_t size);
void __tsan_write_range(void *addr, size_t size)
{
    struct rl_thread *t = prt.multi ? prt_user() : NULL;
    if (t)
        prt.th[t->id].range_dst = addr;
    prt_access_range(addr, size, true, RL_FN_ACCESS, PRT_PC());
}

/* ---- atomics ------------------------------------------------------------- */

/* The memory order argument, as the compiler passes it (C11's numbers:
 * relaxed 0, consume 1, acquire 2, release 3, acq_rel 4, seq_cst 5; gcc
 * may add flags above them). */
typedef int prt_morder;

/* The engine's enum rl_mem_order of mo (consume is acquire). */
static int order_of(prt_morder mo)
{
    switch (mo & 0xffff) {
    case 0:
        return RL_MO_RELAXED;
    case 1:
    case 2:
        return RL_MO_ACQUIRE;
    case 3:
        return RL_MO_RELEASE;
    case 4:
        return RL_MO_ACQ_REL;
    default:
        return RL_MO_SEQ_CST;
    }
}

/* One atomic op of size bytes at addr: through the engine on a lab thread
 * once a second thread exists, else directly. */
static uint64_t atomic_op(volatile void *addr, int size, enum rl_op op,
                          uint64_t arg, prt_morder mo, uintptr_t pc)
{
    struct rl_thread *t = access_thread((uintptr_t)addr);
    if (t) {
        prt_in(t, pc);
        struct rl_obj *v =
            prt_obj((void *)addr, RL_OBJ_VAR, 0, 0, (size_t)size);
        if (v->size != size) {
            /* The same address used at another width: this access's. */
            v->size = size;
        }
        uint64_t r = rl_px_atomic(v, op, arg, order_of(mo));
        prt_out(t);
        return r;
    }
    /* Alone (or outside a run): nothing can interleave; do it plainly. */
    uint64_t old = 0, now;
    memcpy(&old, (const void *)addr, (size_t)size);
    switch (op) {
    case RL_OP_ATOMIC_STORE:
    case RL_OP_EXCHANGE:
        now = arg;
        break;
    case RL_OP_FETCH_ADD:
        now = old + arg;
        break;
    case RL_OP_FETCH_SUB:
        now = old - arg;
        break;
    case RL_OP_FETCH_AND:
        now = old & arg;
        break;
    case RL_OP_FETCH_OR:
        now = old | arg;
        break;
    case RL_OP_FETCH_XOR:
        now = old ^ arg;
        break;
    default:
        return old;
    }
    memcpy((void *)addr, &now, (size_t)size);
    return op == RL_OP_ATOMIC_STORE ? 0 : old;
}

/* Compare-exchange of size bytes: true if exchanged, else *exp updated. */
static bool atomic_cas(volatile void *addr, int size, uint64_t *exp,
                       uint64_t desired, prt_morder mo, prt_morder fmo,
                       uintptr_t pc)
{
    struct rl_thread *t = access_thread((uintptr_t)addr);
    if (t) {
        prt_in(t, pc);
        struct rl_obj *v =
            prt_obj((void *)addr, RL_OBJ_VAR, 0, 0, (size_t)size);
        v->size = size;
        bool ok = rl_px_cas(v, exp, desired, order_of(mo), order_of(fmo));
        prt_out(t);
        return ok;
    }
    uint64_t cur = 0;
    memcpy(&cur, (const void *)addr, (size_t)size);
    uint64_t mask = size >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * size)) - 1;
    if (cur == (*exp & mask)) {
        memcpy((void *)addr, &desired, (size_t)size);
        return true;
    }
    *exp = cur;
    return false;
}

/* NAND has no record kind of its own: a CAS loop of one step each. */
static uint64_t atomic_nand(volatile void *addr, int size, uint64_t arg,
                            prt_morder mo, uintptr_t pc)
{
    uint64_t old = atomic_op(addr, size, RL_OP_ATOMIC_LOAD, 0, mo, pc);
    while (!atomic_cas(addr, size, &old, ~(old & arg), mo, mo, pc))
        ;
    return old;
}

#define PRT_ATOMICS(bits, type)                                                \
    type __tsan_atomic##bits##_load(const volatile type *a, prt_morder mo);    \
    type __tsan_atomic##bits##_load(const volatile type *a, prt_morder mo)     \
    {                                                                          \
        return (type)atomic_op((volatile void *)a, bits / 8,                   \
                               RL_OP_ATOMIC_LOAD, 0, mo, PRT_PC());            \
    }                                                                          \
    void __tsan_atomic##bits##_store(volatile type *a, type v, prt_morder mo); \
    void __tsan_atomic##bits##_store(volatile type *a, type v, prt_morder mo)  \
    {                                                                          \
        atomic_op(a, bits / 8, RL_OP_ATOMIC_STORE, (uint64_t)v, mo, PRT_PC()); \
    }                                                                          \
    PRT_RMW(bits, type, exchange, RL_OP_EXCHANGE)                              \
    PRT_RMW(bits, type, fetch_add, RL_OP_FETCH_ADD)                            \
    PRT_RMW(bits, type, fetch_sub, RL_OP_FETCH_SUB)                            \
    PRT_RMW(bits, type, fetch_and, RL_OP_FETCH_AND)                            \
    PRT_RMW(bits, type, fetch_or, RL_OP_FETCH_OR)                              \
    PRT_RMW(bits, type, fetch_xor, RL_OP_FETCH_XOR)                            \
    type __tsan_atomic##bits##_fetch_nand(volatile type *a, type v,            \
                                          prt_morder mo);                      \
    type __tsan_atomic##bits##_fetch_nand(volatile type *a, type v,            \
                                          prt_morder mo)                       \
    {                                                                          \
        return (type)atomic_nand(a, bits / 8, (uint64_t)v, mo, PRT_PC());      \
    }                                                                          \
    PRT_CAS(bits, type, strong)                                                \
    PRT_CAS(bits, type, weak)                                                  \
    type __tsan_atomic##bits##_compare_exchange_val(                           \
        volatile type *a, type c, type v, prt_morder mo, prt_morder fmo);      \
    type __tsan_atomic##bits##_compare_exchange_val(                           \
        volatile type *a, type c, type v, prt_morder mo, prt_morder fmo)       \
    {                                                                          \
        uint64_t e = (uint64_t)c;                                              \
        atomic_cas(a, bits / 8, &e, (uint64_t)v, mo, fmo, PRT_PC());           \
        return (type)e;                                                        \
    }

#define PRT_RMW(bits, type, name, op)                                          \
    type __tsan_atomic##bits##_##name(volatile type *a, type v,                \
                                      prt_morder mo);                          \
    type __tsan_atomic##bits##_##name(volatile type *a, type v, prt_morder mo) \
    {                                                                          \
        return (type)atomic_op(a, bits / 8, op, (uint64_t)v, mo, PRT_PC());    \
    }

#define PRT_CAS(bits, type, kind)                                              \
    int __tsan_atomic##bits##_compare_exchange_##kind(                         \
        volatile type *a, type *c, type v, prt_morder mo, prt_morder fmo);     \
    int __tsan_atomic##bits##_compare_exchange_##kind(                         \
        volatile type *a, type *c, type v, prt_morder mo, prt_morder fmo)      \
    {                                                                          \
        uint64_t e = (uint64_t)*c;                                             \
        bool ok = atomic_cas(a, bits / 8, &e, (uint64_t)v, mo, fmo, PRT_PC()); \
        if (!ok)                                                               \
            *c = (type)e;                                                      \
        return ok;                                                             \
    }

PRT_ATOMICS(8, uint8_t)
PRT_ATOMICS(16, uint16_t)
PRT_ATOMICS(32, uint32_t)
PRT_ATOMICS(64, uint64_t)

/* A fence between threads: a step and a record, once a second thread
 * runs (alone, nothing can be ordered by it). */
void __tsan_atomic_thread_fence(prt_morder mo);
void __tsan_atomic_thread_fence(prt_morder mo)
{
    struct rl_thread *t = prt.multi ? prt_user() : NULL;
    if (!t)
        return;
    prt_in(t, PRT_PC());
    rl_px_fence(order_of(mo));
    prt_out(t);
}

void __tsan_atomic_signal_fence(prt_morder mo);
void __tsan_atomic_signal_fence(prt_morder mo)
{
    (void)mo;
}
