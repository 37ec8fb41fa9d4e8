/* SPDX-License-Identifier: MIT */
/*
 * prt_signal.c - crashes of the program: SIGSEGV (a stack overflow on a
 * thread's fiber stack included), SIGBUS, SIGFPE, SIGILL, SIGTRAP and
 * SIGABRT (from the C library, say a double free) are caught on an
 * alternate signal stack and end the run as RL_END_CRASH with the signal,
 * the thread and its pc: the faulting instruction, or the call site when
 * the fault happened inside the runtime on the program's behalf (a hook
 * reading an address the program was about to dereference) or inside a
 * library (the program's last call into it: free, say).
 *
 * Async-signal safety: the handler formats its message with snprintf and
 * makes the crash record (rl_px_end, which calls the run's on_record
 * callback); neither is async-signal-safe in general. It is the price of
 * ending the run with a report; the run is over at that point, the handler
 * never returns to the faulting code, and the child exits after reporting
 * it. The file:line of the pc is left to whoever reads the record (no
 * addr2line from a handler). A crash outside any lab thread (the engine
 * itself) gets the default action.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "prt.h"

#define ALT_STACK_SIZE (64 * 1024)

/* The signal's name. */
static const char *sig_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGILL:
        return "SIGILL";
    case SIGTRAP:
        return "SIGTRAP";
    case SIGABRT:
        return "SIGABRT";
    default:
        return "signal";
    }
}

/* The pc of the interrupted code. */
static uintptr_t fault_pc(const void *ctx)
{
    const ucontext_t *uc = ctx;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0;
#endif
}

/* The handler: end the run from the crashing thread. */
static void on_crash(int sig, siginfo_t *si, void *ctx)
{
    struct rl_thread *t = prt.active ? rl_px_self() : NULL;
    if (!t) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    struct prt_thread *pt = &prt.th[t->id];
    uintptr_t pc = fault_pc(ctx);
    bool in_lib = !pt->inside && !prt_pc_in_program(pc);
    if (!pt->inside && !in_lib)
        t->pc = pc; /* else: the program's last call (into the library) */
    uintptr_t a = (uintptr_t)si->si_addr;
    char msg[160];
    if (sig == SIGSEGV && a < pt->lo && a + 65536 >= pt->lo)
        snprintf(msg, sizeof(msg), "%s crashed with SIGSEGV: stack overflow",
                 t->name); /* the stack's address differs from run to run */
    else if (sig == SIGSEGV && a < 4096)
        snprintf(msg, sizeof(msg),
                 "%s crashed with SIGSEGV: NULL pointer dereference "
                 "(address %#lx)",
                 t->name, (unsigned long)a);
    else if (sig == SIGSEGV || sig == SIGBUS)
        snprintf(msg, sizeof(msg),
                 "%s crashed with %s: invalid memory access (address %#lx)",
                 t->name, sig_name(sig), (unsigned long)a);
    else if (sig == SIGFPE)
        snprintf(msg, sizeof(msg),
                 "%s crashed with SIGFPE: arithmetic error (division by "
                 "zero?)",
                 t->name);
    else if (in_lib)
        snprintf(msg, sizeof(msg),
                 "%s crashed with %s in the C library (a double free or a "
                 "corrupted heap?)",
                 t->name, sig_name(sig));
    else
        snprintf(msg, sizeof(msg), "%s crashed with %s", t->name,
                 sig_name(sig));
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    pt->inside++;
    rl_px_end(RL_END_CRASH, sig, msg);
}

/* Install the handlers and the alternate stack (see prt.h). */
void prt_signals_install(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    stack_t ss = {0};
    ss.ss_sp = mmap(NULL, ALT_STACK_SIZE, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ss.ss_sp == MAP_FAILED)
        return;
    ss.ss_size = ALT_STACK_SIZE;
    if (sigaltstack(&ss, NULL) != 0)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_crash;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}
