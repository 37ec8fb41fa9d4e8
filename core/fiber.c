/* SPDX-License-Identifier: MIT */
/*
 * fiber.c - user-space execution contexts for the sim backend.
 *
 * The sim backend runs every lab thread as a fiber on one OS thread and
 * switches at every scheduling point, and exploration does ~100,000 runs a
 * second, so both the switch and fiber_create sit on the hot path.
 *
 * A switch is a plain call into a few lines of assembly: push the
 * callee-saved registers on the current stack, store the stack pointer in
 * the fiber we leave, load the stack pointer of the fiber we resume, pop its
 * registers and return - on its stack, into its own call of fiber_switch.
 * Caller-saved registers need no saving: the C compiler already assumes a
 * call clobbers them. No system call, no signal mask: a few nanoseconds.
 * Machines without a hand-written switch use makecontext (to create) and
 * swapcontext (to switch); -DRL_FIBER_PORTABLE forces that path (the
 * build's RL_FIBER=portable, with _FORTIFY_SOURCE=2).
 *
 * Memory: one mmap per stack, laid out from low to high addresses as
 *
 *     [ guard page, PROT_NONE ][ stack, grows down ][ struct fiber ]
 *
 * so an overflow faults on the guard page (a clean SIGSEGV) instead of
 * silently overwriting a neighbour, and the struct needs no malloc of its
 * own. A destroyed fiber goes back, mapping and all, to a free list private
 * to the OS thread; fiber_create pops from it (LIFO: the most recently used,
 * still cache-warm stack comes first), so a pool hit costs no system call.
 *
 * Everything here is private to one OS thread: the pool and the thread's own
 * fiber are _Thread_local, and a fiber is used only by the thread that made
 * it (fiber.h). No locks.
 *
 * AddressSanitizer tracks which stack is current; every switch tells it,
 * otherwise it reports false stack-buffer errors on the new stack.
 */
#include "fiber.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Pick the switch implementation at compile time. Windows x64 has another
 * calling convention (more callee-saved registers), so it is not ours. */
#if defined(RL_FIBER_PORTABLE)
#define FIBER_PORTABLE 1
#elif defined(__x86_64__) && !defined(_WIN32)
#define FIBER_X86_64 1
#elif defined(__aarch64__) && !defined(_WIN32)
#define FIBER_ARM64 1
#else
#define FIBER_PORTABLE 1
#endif

#ifdef FIBER_PORTABLE
#include <ucontext.h>
#endif

/* GCC says __SANITIZE_ADDRESS__; clang (before 17) only __has_feature. */
#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif

#ifdef FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
/* ASan frames carry redzones and are several times larger. */
#define FIBER_STACK_SIZE ((size_t)1024 * 1024)
#else
#define FIBER_STACK_SIZE ((size_t)256 * 1024)
#endif

/* Stacks kept per OS thread for reuse; beyond this they are unmapped. A
 * sim run has at most RL_MAX_THREADS fibers alive, far fewer than this. */
#define FIBER_POOL_MAX 256

#ifndef MAP_STACK
#define MAP_STACK 0
#endif

/* A broken invariant or an impossible request: report file:line, abort.
 * Local rather than rl_panic so that fibers do not depend on the engine. */
#define FIBER_CHECK(c)                                                         \
    do {                                                                       \
        if (!(c))                                                              \
            fiber_panic(__LINE__, #c);                                         \
    } while (0)

/* An execution context. All fields are private to the OS thread that owns
 * the fiber (the one that created it, or whose own context it is). */
struct fiber {
    /* Saved stack pointer while switched out; the saved registers are on
     * the stack just above it. */
    void *sp;
    void (*fn)(void *); /* entry point and its argument */
    void *arg;
    /* The whole mapping, guard page included; NULL for a thread's own
     * fiber, whose stack is not ours. */
    void *map;
    size_t map_len;
    size_t stack_size;  /* usable stack below the struct */
    struct fiber *next; /* next free stack while in the pool */
#ifdef FIBER_PORTABLE
    bool started;  /* false: uc holds the first entry (makecontext) */
    ucontext_t uc; /* where fiber_switch left off, or the first entry */
#endif
#ifdef FIBER_ASAN
    void *asan_fake;   /* ASan's fake stack while switched out */
    bool asan_reaping; /* resumed only to free asan_fake (fiber_asan_reap) */
    /* Stack bounds as told to ASan; for a thread's own fiber, learned from
     * ASan on the first switch away from it (fiber_asan_arrive). */
    const void *asan_lo;
    size_t asan_len;
#endif
};

/* The calling OS thread's own context (its own stack); see fiber_self. */
static _Thread_local struct fiber fiber_main;
/* The fiber running on this OS thread; NULL means fiber_main. Only used to
 * catch fiber_destroy of the running fiber. */
static _Thread_local struct fiber *fiber_running;
/* Free stacks of this OS thread, LIFO, and how many. */
static _Thread_local struct fiber *pool_head;
/* The usable size of the stacks this OS thread creates (and pools). */
static _Thread_local size_t stack_request = FIBER_STACK_SIZE;
static _Thread_local unsigned pool_len;
/* Set once this thread has registered pool_drain for its exit. */
static _Thread_local bool pool_registered;

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static pthread_key_t pool_key;
static bool pool_key_ok; /* written once under pool_once */

#ifdef FIBER_ASAN
/* The fiber that made the last switch: the one whose stack bounds ASan
 * hands back to the fiber that resumes. */
static _Thread_local struct fiber *fiber_switch_from;
#endif
#ifdef FIBER_PORTABLE
/* The fiber being entered by setcontext: makecontext can portably pass
 * only int arguments, not a pointer. */
static _Thread_local struct fiber *fiber_starting;
#endif

/* Report a broken invariant at this file's line and abort. */
static _Noreturn void fiber_panic(int line, const char *msg)
{
    fprintf(stderr, "racelab: %s:%d: fiber: %s\n", __FILE__, line, msg);
    fflush(stderr);
    abort();
}

/* ---- AddressSanitizer hooks (empty without ASan) ---------------------- */

/* Tell ASan we are about to leave from for to's stack. */
static inline void fiber_asan_leave(struct fiber *from, struct fiber *to)
{
#ifdef FIBER_ASAN
    fiber_switch_from = from;
    __sanitizer_start_switch_fiber(&from->asan_fake, to->asan_lo, to->asan_len);
#else
    (void)from;
    (void)to;
#endif
}

/* Tell ASan we now run on self's stack. The bounds ASan returns are those
 * of the stack we came from: the only way to learn the bounds of a
 * thread's own stack, which we did not map. self is NULL on first entry. */
static inline void fiber_asan_arrive(struct fiber *self)
{
#ifdef FIBER_ASAN
    const void *lo;
    size_t len;
    struct fiber *prev = fiber_switch_from;

    __sanitizer_finish_switch_fiber(self ? self->asan_fake : NULL, &lo, &len);
    if (prev != NULL && prev->asan_len == 0) {
        prev->asan_lo = lo;
        prev->asan_len = len;
    }
#else
    (void)self;
#endif
}

/* ---- The switch ------------------------------------------------------- */

/* Enter a new fiber's fn; runs on the fiber's stack, never returns. */
static _Noreturn void fiber_start(struct fiber *f)
{
    fiber_asan_arrive(NULL);
    f->fn(f->arg);
    /* A fiber must end by switching away for the last time: returning
     * would pop a frame that does not exist. */
    fiber_panic(__LINE__, "a fiber function returned (it must end by "
                          "switching away for the last time)");
}

#if defined(FIBER_X86_64) || defined(FIBER_ARM64)

/* Symbols for the assembly below: hidden (so calls need no PLT and the
 * names stay out of any shared library's interface), with Mach-O spelling
 * on Apple. They cannot be static: C cannot define them. */
#if defined(__APPLE__)
#define FIBER_ASM_BEGIN ".text\n"
#define FIBER_ASM_END ""
#define FIBER_ASM_FUNC(name)                                                   \
    ".globl _" name "\n.private_extern _" name "\n.p2align 4\n_" name ":\n"
#define FIBER_ASM_SIZE(name) ""
#else
#define FIBER_ASM_BEGIN ".pushsection .text\n"
#define FIBER_ASM_END ".popsection\n"
#define FIBER_ASM_FUNC(name)                                                   \
    ".globl " name "\n.hidden " name "\n.type " name ", %function\n"           \
    ".p2align 4\n" name ":\n"
#define FIBER_ASM_SIZE(name) ".size " name ", .-" name "\n"
#endif

/* Push the callee-saved registers, store sp in *save_sp, load new_sp, pop
 * the registers found there and return to whatever address they saved. */
__attribute__((visibility("hidden"))) void rl_fiber_swap(void **save_sp,
                                                         void *new_sp);
/* First return target of a new fiber: calls the function in a callee-saved
 * register with the fiber in another. Never returns. */
__attribute__((visibility("hidden"))) void rl_fiber_entry(void);

#endif

#if defined(FIBER_X86_64)

/* System V x86-64: rbx rbp r12-r15 and rsp are callee-saved, and so are
 * the control bits of MXCSR and the x87 control word (rounding mode,
 * exception masks: a student's fesetround must not leak into another
 * thread). The frame, from the saved rsp upward:
 *
 *     [mxcsr | x87cw<<32] r15 r14 r13 r12 rbx rbp [return address]
 *
 * Loading MXCSR and the control word costs about a nanosecond, a tenth of
 * the switch, and the modes almost never differ between fibers: they are
 * loaded only when they do (the slot's top bytes are zeroed by the push so
 * that one compare covers both).
 * endbr64 is a no-op unless the CPU enforces indirect-branch tracking.
 * Not supported: CET shadow stacks (they would reject the cross-stack ret
 * without a shadow stack per fiber); glibc enables them only on request. */
/* clang-format off */
__asm__(FIBER_ASM_BEGIN
        FIBER_ASM_FUNC("rl_fiber_swap")
#if defined(__CET__)
        "    endbr64\n"
#endif
        "    pushq %rbp\n"
        "    pushq %rbx\n"
        "    pushq %r12\n"
        "    pushq %r13\n"
        "    pushq %r14\n"
        "    pushq %r15\n"
        "    pushq $0\n"
        "    stmxcsr (%rsp)\n"
        "    fnstcw 4(%rsp)\n"
        "    movq (%rsp), %rax\n"
        "    movq %rsp, (%rdi)\n"
        "    movq %rsi, %rsp\n"
        "    cmpq (%rsp), %rax\n"
        "    je 1f\n"
        "    ldmxcsr (%rsp)\n"
        "    fldcw 4(%rsp)\n"
        "1:  addq $8, %rsp\n"
        "    popq %r15\n"
        "    popq %r14\n"
        "    popq %r13\n"
        "    popq %r12\n"
        "    popq %rbx\n"
        "    popq %rbp\n"
        "    ret\n"
        FIBER_ASM_SIZE("rl_fiber_swap")
        /* Reached by the ret above with rsp 16-byte aligned, as a call
         * needs. The CFI marks the outermost frame so that debuggers stop
         * unwinding here instead of walking into garbage. */
        FIBER_ASM_FUNC("rl_fiber_entry")
        "    .cfi_startproc\n"
        "    .cfi_undefined rip\n"
        "    movq %r12, %rdi\n"
        "    callq *%r13\n"
        "    ud2\n"
        "    .cfi_endproc\n"
        FIBER_ASM_SIZE("rl_fiber_entry")
        FIBER_ASM_END);
/* clang-format on */

/* Lay out a frame below top that rl_fiber_swap will "return" through into
 * rl_fiber_entry, which calls fiber_start(f). The new fiber starts with the
 * creator's floating-point modes, as a new thread would. */
static void fiber_init_context(struct fiber *f, char *top)
{
    uint64_t *frame = (uint64_t *)(void *)(top - 80);
    uint32_t mxcsr;
    uint16_t x87cw;

    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(x87cw));
    frame[0] = mxcsr | (uint64_t)x87cw << 32;
    frame[1] = 0;                                /* r15 */
    frame[2] = 0;                                /* r14 */
    frame[3] = (uint64_t)(uintptr_t)fiber_start; /* r13: what to call */
    frame[4] = (uint64_t)(uintptr_t)f;           /* r12: its argument */
    frame[5] = 0;                                /* rbx */
    frame[6] = 0;                                /* rbp: ends the frame chain */
    frame[7] = (uint64_t)(uintptr_t)rl_fiber_entry; /* return address */
    /* frame[8..9]: padding, so that rsp is 16-aligned at the call in
     * rl_fiber_entry as the ABI requires. */
    frame[8] = 0;
    frame[9] = 0;
    f->sp = frame;
}

#elif defined(FIBER_ARM64)

/* AAPCS64: x19-x28, the frame pointer x29, the link register x30, sp and
 * the low halves of v8-v15 (d8-d15) are callee-saved, and so is FPCR's
 * control part (rounding mode, flush-to-zero, exception traps: a student's
 * fesetround must not leak into another thread, as on x86-64). The frame,
 * from the saved sp upward: x19 ... x28, x29, x30, d8 ... d15, FPCR, a pad
 * (176 bytes, keeping sp 16-aligned). Writing FPCR can stall the pipeline,
 * so it is written only when the two fibers' values differ (almost never).
 * "hint #34" is BTI c, a no-op on CPUs without branch target
 * identification. */
/* clang-format off */
__asm__(FIBER_ASM_BEGIN
        FIBER_ASM_FUNC("rl_fiber_swap")
        "    hint #34\n"
        "    sub sp, sp, #176\n"
        "    stp x19, x20, [sp, #0]\n"
        "    stp x21, x22, [sp, #16]\n"
        "    stp x23, x24, [sp, #32]\n"
        "    stp x25, x26, [sp, #48]\n"
        "    stp x27, x28, [sp, #64]\n"
        "    stp x29, x30, [sp, #80]\n"
        "    stp d8, d9, [sp, #96]\n"
        "    stp d10, d11, [sp, #112]\n"
        "    stp d12, d13, [sp, #128]\n"
        "    stp d14, d15, [sp, #144]\n"
        "    mrs x10, fpcr\n"
        "    str x10, [sp, #160]\n"
        "    mov x9, sp\n"
        "    str x9, [x0]\n"
        "    mov sp, x1\n"
        "    ldr x11, [sp, #160]\n"
        "    cmp x10, x11\n"
        "    b.eq 1f\n"
        "    msr fpcr, x11\n"
        "1:  ldp x19, x20, [sp, #0]\n"
        "    ldp x21, x22, [sp, #16]\n"
        "    ldp x23, x24, [sp, #32]\n"
        "    ldp x25, x26, [sp, #48]\n"
        "    ldp x27, x28, [sp, #64]\n"
        "    ldp x29, x30, [sp, #80]\n"
        "    ldp d8, d9, [sp, #96]\n"
        "    ldp d10, d11, [sp, #112]\n"
        "    ldp d12, d13, [sp, #128]\n"
        "    ldp d14, d15, [sp, #144]\n"
        "    add sp, sp, #176\n"
        "    ret\n"
        FIBER_ASM_SIZE("rl_fiber_swap")
        /* Reached by the ret above (x30 = here). The CFI marks the
         * outermost frame for debuggers. */
        FIBER_ASM_FUNC("rl_fiber_entry")
        "    .cfi_startproc\n"
        "    .cfi_undefined x30\n"
        "    mov x0, x19\n"
        "    blr x20\n"
        "    brk #0\n"
        "    .cfi_endproc\n"
        FIBER_ASM_SIZE("rl_fiber_entry")
        FIBER_ASM_END);
/* clang-format on */

/* Lay out a frame below top that rl_fiber_swap will "return" through into
 * rl_fiber_entry, which calls fiber_start(f). The new fiber starts with the
 * creator's FPCR, as a new thread would. */
static void fiber_init_context(struct fiber *f, char *top)
{
    uint64_t *frame = (uint64_t *)(void *)(top - 176);
    uint64_t fpcr;

    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    for (int i = 0; i < 22; i++)
        frame[i] = 0;
    frame[0] = (uint64_t)(uintptr_t)f;               /* x19: argument */
    frame[1] = (uint64_t)(uintptr_t)fiber_start;     /* x20: to call */
    frame[10] = 0;                                   /* x29: chain end */
    frame[11] = (uint64_t)(uintptr_t)rl_fiber_entry; /* x30: "return" */
    frame[20] = fpcr;                                /* FPCR */
    f->sp = frame;
}

#else /* FIBER_PORTABLE */

/* makecontext's entry point: find the fiber that swapcontext entered. */
static void fiber_entry_portable(void)
{
    fiber_start(fiber_starting);
}

/* Prepare the first entry into f through makecontext. getcontext costs a
 * system call (it saves the signal mask); acceptable on the fallback. */
static void fiber_init_context(struct fiber *f, char *top)
{
    if (getcontext(&f->uc) != 0)
        fiber_panic(__LINE__, "getcontext failed");
    f->uc.uc_stack.ss_sp = top - f->stack_size;
    f->uc.uc_stack.ss_size = f->stack_size;
    f->uc.uc_link = NULL;
    makecontext(&f->uc, fiber_entry_portable, 0);
    f->started = false;
}

/* Save into from and resume to, with swapcontext every time. Not _setjmp /
 * _longjmp: jumping to another stack is undefined for longjmp, and glibc's
 * _FORTIFY_SOURCE build checks it and aborts ("longjmp causes
 * uninitialized stack frame"). swapcontext is made for this; it costs a
 * system call for the signal mask, acceptable on the fallback. It also
 * saves and restores the floating-point control state (glibc). */
static void fiber_swap_portable(struct fiber *from, struct fiber *to)
{
    if (!to->started) {
        to->started = true;
        fiber_starting = to;
    }
    if (swapcontext(&from->uc, &to->uc) != 0)
        fiber_panic(__LINE__, "swapcontext failed");
}

#endif

/* Save the running context into from and resume to, with the compiled-in
 * switch and no bookkeeping. */
static inline void fiber_swap(struct fiber *from, struct fiber *to)
{
#ifdef FIBER_PORTABLE
    fiber_swap_portable(from, to);
#else
    rl_fiber_swap(&from->sp, to->sp);
#endif
}

#ifdef FIBER_ASAN
/* Free the fake stack of a fiber about to be destroyed.
 *
 * With detect_stack_use_after_return, ASan keeps each fiber's frames on a
 * "fake stack" of its own (several MiB). ASan frees it only when the fiber
 * leaves for the last time and says so (a NULL fake_stack_save), but our
 * fibers cannot tell their last switch from any other: a sim run would
 * leak one fake stack per fiber. So fiber_destroy resumes the fiber once
 * more, inside its last fiber_switch, where it only tells ASan it dies and
 * comes straight back (fiber_asan_die). No user code runs. Without that
 * option asan_fake stays NULL and this costs nothing. */
static void fiber_asan_reap(struct fiber *f)
{
    struct fiber *me = fiber_running ? fiber_running : &fiber_main;

    if (f->asan_fake == NULL)
        return;
    f->asan_reaping = true;
    fiber_switch(me, f);
    f->asan_reaping = false;
    FIBER_CHECK(f->asan_fake == NULL);
}

/* The dying half of fiber_asan_reap, run on self's stack: return to the
 * reaper telling ASan to free self's fake stack. */
static _Noreturn void fiber_asan_die(struct fiber *self)
{
    struct fiber *reaper = fiber_switch_from;

    self->asan_fake = NULL;
    fiber_running = reaper == &fiber_main ? NULL : reaper;
    fiber_switch_from = self;
    __sanitizer_start_switch_fiber(NULL, reaper->asan_lo, reaper->asan_len);
    fiber_swap(self, reaper);
    fiber_panic(__LINE__, "a reaped fiber was resumed");
}
#endif

/* ---- The stack pool --------------------------------------------------- */

/* Unmap a stack for good (its struct fiber goes with it). */
static void stack_unmap(struct fiber *f)
{
    FIBER_CHECK(munmap(f->map, f->map_len) == 0);
}

/* Thread exit: give this thread's pooled stacks back to the system. */
static void pool_drain(void *unused)
{
    (void)unused;
    while (pool_head != NULL) {
        struct fiber *f = pool_head;

        pool_head = f->next;
        stack_unmap(f);
    }
    pool_len = 0;
}

/* Create the key whose destructor drains a pool at thread exit. */
static void pool_key_create(void)
{
    pool_key_ok = pthread_key_create(&pool_key, pool_drain) == 0;
}

/* Arrange (once per OS thread) for the pool to be drained at thread exit,
 * so a thread that ran sim runs does not leak its stacks. On failure the
 * stacks are only leaked at exit: not worth an error. */
static void pool_register_thread(void)
{
    if (pool_registered)
        return;
    pool_registered = true;
    if (pthread_once(&pool_once, pool_key_create) == 0 && pool_key_ok)
        (void)pthread_setspecific(pool_key, &pool_head);
}

/* Map a fresh stack with its guard page and its struct fiber on top.
 * Aborts if the system is out of memory. */
static struct fiber *stack_map(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t head = (sizeof(struct fiber) + page - 1) / page * page;
    size_t len = page + stack_request + head;
    char *map;
    struct fiber *f;

    map = mmap(NULL, len, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (map == MAP_FAILED)
        fiber_panic(__LINE__, "out of memory (mmap of a fiber stack)");
    if (mprotect(map, page, PROT_NONE) != 0)
        fiber_panic(__LINE__, "mprotect of a fiber guard page failed");
    f = (struct fiber *)(void *)(map + page + stack_request);
    f->map = map;
    f->map_len = len;
    f->stack_size = stack_request;
    pool_register_thread();
    return f;
}

/* ---- The interface ---------------------------------------------------- */

/* The thread's own context: nothing to allocate, it is already running. */
struct fiber *fiber_self(void)
{
#ifdef FIBER_PORTABLE
    fiber_main.started = true; /* running: its uc is filled when it leaves */
#endif
    return &fiber_main;
}

/* A pool hit is a list pop and a few stores: no system call. */
struct fiber *fiber_create(void (*fn)(void *), void *arg)
{
    struct fiber *f = pool_head;

    FIBER_CHECK(fn != NULL);
    if (f != NULL) {
        pool_head = f->next;
        pool_len--;
    } else {
        f = stack_map();
    }
    f->next = NULL;
    f->fn = fn;
    f->arg = arg;
#ifdef FIBER_ASAN
    f->asan_fake = NULL;
    f->asan_reaping = false;
    f->asan_lo = (char *)f - f->stack_size;
    f->asan_len = f->stack_size;
#endif
    fiber_init_context(f, (char *)f);
    return f;
}

/* The usable stack of f (see fiber.h): just below the struct. */
void fiber_stack_bounds(const struct fiber *f, uintptr_t *lo, uintptr_t *hi)
{
    if (f->map == NULL) {
        *lo = *hi = 0;
        return;
    }
    *hi = (uintptr_t)f;
    *lo = *hi - f->stack_size;
}

/* The stack goes back to the pool, or to the system past FIBER_POOL_MAX.
 * A suspended fiber is simply forgotten: its frames are never unwound. */
void fiber_destroy(struct fiber *f)
{
    if (f == NULL)
        return;
    FIBER_CHECK(f != &fiber_main); /* a thread's own stack is not ours */
    FIBER_CHECK(f != fiber_running);
#ifdef FIBER_ASAN
    fiber_asan_reap(f);
    /* Frames abandoned on this stack left poisoned redzones behind; the
     * next fiber on it (or whatever maps this memory next) must not trip
     * over them. */
    __asan_unpoison_memory_region((char *)f - f->stack_size, f->stack_size);
#endif
    if (pool_len < FIBER_POOL_MAX && f->stack_size == stack_request) {
        f->next = pool_head;
        pool_head = f;
        pool_len++;
    } else {
        stack_unmap(f);
    }
}

/* from must be the running fiber; to is resumed where it last switched
 * away (or enters fn if it never ran). */
void fiber_switch(struct fiber *from, struct fiber *to)
{
    if (from == to)
        return;
    fiber_running = to == &fiber_main ? NULL : to;
    fiber_asan_leave(from, to);
    fiber_swap(from, to);
    /* Back in from: some fiber switched to it. */
    fiber_asan_arrive(from);
#ifdef FIBER_ASAN
    if (from->asan_reaping)
        fiber_asan_die(from);
#endif
}

size_t fiber_stack_size(void)
{
    return stack_request;
}

/* Stacks of size bytes from now on (rounded up to pages); the pool of the
 * old size is given back. */
void fiber_set_stack_size(size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size = (size + page - 1) / page * page;
    if (size < FIBER_STACK_SIZE)
        size = FIBER_STACK_SIZE;
    if (size == stack_request)
        return;
    pool_drain(NULL);
    stack_request = size;
}

const char *fiber_impl(void)
{
#if defined(FIBER_X86_64)
    return "x86_64";
#elif defined(FIBER_ARM64)
    return "arm64";
#else
    return "portable";
#endif
}
