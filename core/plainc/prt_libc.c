/* SPDX-License-Identifier: MIT */
/*
 * prt_libc.c - the parts of the C library a plain program uses that the
 * runtime must see: virtual time, output, the ways a program ends, and the
 * heap.
 *
 * Time: sleep, usleep and nanosleep wait in virtual time (a scheduling
 * point; other threads run meanwhile; the clock jumps when nobody can
 * run), and clock_gettime, gettimeofday and time read it (no step), so
 * sleep()-driven demos replay exactly. Both clocks start at PRT_EPOCH_S.
 *
 * Output: printf and its relatives on stdout / stderr, perror, dprintf
 * and write(1|2),
 * are one step and one RL_OP_OUTPUT record each (the text kept in the
 * run), and the text still goes to the real stream, in program order
 * (unless RACELAB_ECHO=0 was set when the run was set up: a child that
 * explores many runs records their output without printing it). Other
 * streams and descriptors are not touched, but what the program hands
 * to any stream is read from its memory: printf's "%s" arguments and
 * the text of puts, fputs and fwrite are one read each of the bytes
 * the C library reads (prt_access_range), so a thread that prints a
 * buffer another writes races with it.
 *
 * Ends: exit / _exit / returning from main end the run (RL_END_EXIT; a
 * zero status with every other thread finished is a normal end), abort()
 * and a failed assert() end it as RL_END_CRASH (SIGABRT) and
 * RL_END_ASSERT, each with the thread and its source line.
 *
 * Heap: malloc / calloc / realloc / free of the program are noted, to name
 * heap objects by allocation site and to free leftovers between runs.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "prt.h"

unsigned int __real_sleep(unsigned int s);
int __real_usleep(useconds_t us);
int __real_nanosleep(const struct timespec *req, struct timespec *rem);
int __real_clock_gettime(clockid_t clk, struct timespec *ts);
int __real_gettimeofday(struct timeval *tv, void *tz);
time_t __real_time(time_t *t);
int __real_sched_yield(void);
int __real_vprintf(const char *fmt, va_list ap);
int __real_vfprintf(FILE *f, const char *fmt, va_list ap);
int __real_puts(const char *s);
int __real_putchar(int c);
int __real_fputs(const char *s, FILE *f);
int __real_fputc(int c, FILE *f);
int __real_putc(int c, FILE *f);
size_t __real_fwrite(const void *p, size_t size, size_t n, FILE *f);
ssize_t __real_write(int fd, const void *buf, size_t n);
void __real_perror(const char *s);
int __real_vdprintf(int fd, const char *fmt, va_list ap);
_Noreturn void __real_exit(int status);
_Noreturn void __real__exit(int status);
_Noreturn void __real_abort(void);
pid_t __real_fork(void);
_Noreturn void __real___assert_fail(const char *expr, const char *file,
                                    unsigned int line, const char *func);
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);

/* ---- virtual time -------------------------------------------------------- */

/* ms of virtual time until ts (see prt.h). */
long prt_ms_until(const struct timespec *ts)
{
    long now = rl_px_now_ms();
    long s = (long)ts->tv_sec - PRT_EPOCH_S;
    long ms = s * 1000 + (ts->tv_nsec + 999999) / 1000000;
    return ms - now;
}

/* Sleep ms of virtual time as thread t from pc. */
static void vsleep(struct rl_thread *t, long ms, uintptr_t pc)
{
    prt_in(t, pc);
    rl_px_sleep_ms(ms);
    prt_out(t);
}

unsigned int __wrap_sleep(unsigned int s)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_sleep(s);
    vsleep(t, (long)s * 1000, PRT_PC());
    return 0;
}

int __wrap_usleep(useconds_t us)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_usleep(us);
    vsleep(t, ((long)us + 999) / 1000, PRT_PC());
    return 0;
}

int __wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_nanosleep(req, rem);
    if (req->tv_nsec < 0 || req->tv_nsec >= 1000000000L || req->tv_sec < 0) {
        errno = EINVAL;
        return -1;
    }
    vsleep(t, (long)req->tv_sec * 1000 + (req->tv_nsec + 999999) / 1000000,
           PRT_PC());
    if (rem)
        rem->tv_sec = rem->tv_nsec = 0;
    return 0;
}

int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
    if (!prt_user())
        return __real_clock_gettime(clk, ts);
    long now = rl_px_now_ms();
    ts->tv_sec = PRT_EPOCH_S + now / 1000;
    ts->tv_nsec = (now % 1000) * 1000000L;
    return 0;
}

int __wrap_gettimeofday(struct timeval *tv, void *tz)
{
    if (!prt_user())
        return __real_gettimeofday(tv, tz);
    long now = rl_px_now_ms();
    if (tv) {
        tv->tv_sec = PRT_EPOCH_S + now / 1000;
        tv->tv_usec = (now % 1000) * 1000;
    }
    return 0;
}

time_t __wrap_time(time_t *tp)
{
    if (!prt_user())
        return __real_time(tp);
    time_t now = (time_t)(PRT_EPOCH_S + rl_px_now_ms() / 1000);
    if (tp)
        *tp = now;
    return now;
}

int __wrap_sched_yield(void)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_sched_yield();
    prt_in(t, PRT_PC());
    rl_px_yield();
    prt_out(t);
    return 0;
}

/* ---- output -------------------------------------------------------------- */

/* The descriptor of a standard stream, or -1. */
static int std_fd(FILE *f)
{
    return f == stdout ? 1 : f == stderr ? 2 : -1;
}

/* Output of thread t: an event, then the real stream. */
static void out_text(struct rl_thread *t, int fd, const char *s, size_t n,
                     uintptr_t pc)
{
    prt_in(t, pc);
    rl_px_output(fd, s, n);
    if (!prt.quiet) {
        __real_fwrite(s, 1, n, fd == 1 ? stdout : stderr);
        if (fd == 2)
            fflush(stderr);
    }
    prt_out(t);
}

/* The bytes a "%s" conversion reads of s: its string and the NUL, or
 * up to prec (>= 0) bytes. */
static size_t s_arg_bytes(const char *s, long prec)
{
    if (prec < 0)
        return strlen(s) + 1;
    const char *nul = memchr(s, '\0', (size_t)prec);
    return nul ? (size_t)(nul - s) + 1 : (size_t)prec;
}

/* The C library reads each "%s" argument of fmt: one read of its bytes
 * each (prt_access_range), walking a copy of ap. Stops at a conversion
 * it does not know or a positional argument ("%1$s"). */
void prt_read_args(const char *fmt, va_list ap, int fn, uintptr_t pc)
{
    if (!prt.multi)
        return;
    va_list aq;
    va_copy(aq, ap);
    for (const char *p = fmt; (p = strchr(p, '%')) != NULL;) {
        p++;
        if (*p == '%') {
            p++;
            continue;
        }
        p += strspn(p, "-+ #0'I");
        if (*p == '*') {
            (void)va_arg(aq, int);
            p++;
        }
        p += strspn(p, "0123456789");
        if (*p == '$')
            break;
        long prec = -1;
        if (*p == '.') {
            p++;
            if (*p == '*') {
                int v = va_arg(aq, int);
                prec = v < 0 ? -1 : v;
                p++;
            } else {
                prec = strtol(p, NULL, 10);
                p += strspn(p, "0123456789");
            }
        }
        int lng = 0; /* h: -1, hh: -2, l: 1, ll / j / q: 2, z / t: 3, L: 4 */
        for (;; p++) {
            if (*p == 'h')
                lng = lng < 0 ? -2 : -1;
            else if (*p == 'l')
                lng = lng == 1 ? 2 : 1;
            else if (*p == 'j' || *p == 'q')
                lng = 2;
            else if (*p == 'z' || *p == 't')
                lng = 3;
            else if (*p == 'L')
                lng = 4;
            else
                break;
        }
        char c = *p;
        if (c == '\0')
            break;
        p++;
        if (c == 'd' || c == 'i' || c == 'u' || c == 'o' || c == 'x' ||
            c == 'X' || c == 'c') {
            if (lng >= 1 && lng <= 3)
                (void)va_arg(aq, long long);
            else
                (void)va_arg(aq, int);
        } else if (strchr("eEfFgGaA", c)) {
            if (lng == 4)
                (void)va_arg(aq, long double);
            else
                (void)va_arg(aq, double);
        } else if (c == 'p' || c == 'n' || (c == 's' && lng == 1)) {
            (void)va_arg(aq, void *);
        } else if (c == 's') {
            const char *arg = va_arg(aq, const char *);
            if (arg)
                prt_access_range(arg, s_arg_bytes(arg, prec), false, fn, pc);
        } else if (c != 'm') {
            break;
        }
    }
    va_end(aq);
}

/* printf-style output of thread t to fd. */
static int out_vformat(struct rl_thread *t, int fd, uintptr_t pc,
                       const char *fmt, va_list ap)
{
    char small[1024];
    va_list ap2;
    prt_read_args(fmt, ap, RL_FN_PRINTF, pc);
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return n;
    }
    char *buf = small;
    if ((size_t)n >= sizeof(small)) {
        buf = __real_malloc((size_t)n + 1);
        vsnprintf(buf, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    out_text(t, fd, buf, (size_t)n, pc);
    if (buf != small)
        __real_free(buf);
    return n;
}

int __wrap_vprintf(const char *fmt, va_list ap)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_vprintf(fmt, ap);
    return out_vformat(t, 1, PRT_PC(), fmt, ap);
}

int __wrap_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct rl_thread *t = prt_user();
    int n = t ? out_vformat(t, 1, PRT_PC(), fmt, ap) : __real_vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int __wrap_vfprintf(FILE *f, const char *fmt, va_list ap)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_vfprintf(f, fmt, ap);
    if (std_fd(f) < 0) {
        prt_read_args(fmt, ap, RL_FN_PRINTF, PRT_PC());
        return __real_vfprintf(f, fmt, ap);
    }
    return out_vformat(t, std_fd(f), PRT_PC(), fmt, ap);
}

int __wrap_fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct rl_thread *t = prt_user();
    if (t && std_fd(f) < 0)
        prt_read_args(fmt, ap, RL_FN_PRINTF, PRT_PC());
    int n = t && std_fd(f) >= 0 ? out_vformat(t, std_fd(f), PRT_PC(), fmt, ap)
                                : __real_vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

/* puts, fputs and fwrite read their argument: one read of its bytes
 * (prt_access_range), as printf's "%s", on any stream. */
int __wrap_puts(const char *s)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_puts(s);
    uintptr_t pc = PRT_PC();
    /* On the stack when it fits: a thread may never come back from its
     * output step (the program ends meanwhile), and must not leak. */
    size_t n = strlen(s);
    prt_access_range(s, n + 1, false, RL_FN_PUTS, pc);
    char small[1024];
    char *buf = n + 2 <= sizeof(small) ? small : __real_malloc(n + 2);
    memcpy(buf, s, n);
    buf[n] = '\n';
    buf[n + 1] = '\0';
    out_text(t, 1, buf, n + 1, pc);
    if (buf != small)
        __real_free(buf);
    return (int)n + 1;
}

/* One character c of thread t to fd. */
static int out_char(struct rl_thread *t, int fd, int c, uintptr_t pc)
{
    char ch = (char)c;
    out_text(t, fd, &ch, 1, pc);
    return (unsigned char)c;
}

int __wrap_putchar(int c)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_putchar(c);
    return out_char(t, 1, c, PRT_PC());
}

int __wrap_fputc(int c, FILE *f)
{
    struct rl_thread *t = prt_user();
    if (!t || std_fd(f) < 0)
        return __real_fputc(c, f);
    return out_char(t, std_fd(f), c, PRT_PC());
}

int __wrap_putc(int c, FILE *f)
{
    struct rl_thread *t = prt_user();
    if (!t || std_fd(f) < 0)
        return __real_putc(c, f);
    return out_char(t, std_fd(f), c, PRT_PC());
}

int __wrap_fputs(const char *s, FILE *f)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_fputs(s, f);
    uintptr_t pc = PRT_PC();
    size_t n = strlen(s);
    prt_access_range(s, n + 1, false, RL_FN_FPUTS, pc);
    if (std_fd(f) < 0)
        return __real_fputs(s, f);
    out_text(t, std_fd(f), s, n, pc);
    return 1;
}

size_t __wrap_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    struct rl_thread *t = prt_user();
    if (!t || size == 0 || n == 0)
        return __real_fwrite(p, size, n, f);
    uintptr_t pc = PRT_PC();
    prt_access_range(p, size * n, false, RL_FN_FWRITE, pc);
    if (std_fd(f) < 0)
        return __real_fwrite(p, size, n, f);
    out_text(t, std_fd(f), p, size * n, pc);
    return n;
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
    struct rl_thread *t = prt_user();
    if (!t || (fd != 1 && fd != 2) || n == 0)
        return __real_write(fd, buf, n);
    /* The program mixes write() and stdio as it likes: keep the order. */
    fflush(fd == 1 ? stdout : stderr);
    prt_in(t, PRT_PC());
    rl_px_output(fd, buf, n);
    ssize_t r = prt.quiet ? (ssize_t)n : __real_write(fd, buf, n);
    prt_out(t);
    return r;
}

/* perror: "s: " and the text of errno, one output step on stderr. */
void __wrap_perror(const char *s)
{
    struct rl_thread *t = prt_user();
    if (!t) {
        __real_perror(s);
        return;
    }
    int err = errno;
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%s%s%s\n", s && *s ? s : "",
                     s && *s ? ": " : "", strerror(err));
    if (n > (int)sizeof(buf) - 1)
        n = (int)sizeof(buf) - 1;
    out_text(t, 2, buf, (size_t)n, PRT_PC());
    errno = err;
}

int __wrap_vdprintf(int fd, const char *fmt, va_list ap)
{
    struct rl_thread *t = prt_user();
    if (!t || (fd != 1 && fd != 2))
        return __real_vdprintf(fd, fmt, ap);
    fflush(fd == 1 ? stdout : stderr);
    return out_vformat(t, fd, PRT_PC(), fmt, ap);
}

int __wrap_dprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct rl_thread *t = prt_user();
    int n;
    if (t && (fd == 1 || fd == 2)) {
        fflush(fd == 1 ? stdout : stderr);
        n = out_vformat(t, fd, PRT_PC(), fmt, ap);
    } else {
        n = __real_vdprintf(fd, fmt, ap);
    }
    va_end(ap);
    return n;
}

/* ---- how a program ends -------------------------------------------------- */

void __wrap_exit(int status)
{
    struct rl_thread *t = prt_user();
    if (t) {
        t->pc = PRT_PC();
        prt_program_end(t, status, "exit");
    }
    __real_exit(status);
}

void __wrap__exit(int status)
{
    struct rl_thread *t = prt_user();
    if (t) {
        t->pc = PRT_PC();
        prt_program_end(t, status, "_exit");
    }
    __real__exit(status);
}

void __wrap_abort(void)
{
    struct rl_thread *t = prt_user();
    if (t) {
        char where[64], msg[160];
        t->pc = PRT_PC();
        prt_where(t->pc, where, sizeof(where));
        snprintf(msg, sizeof(msg), "%s called abort() at %s (SIGABRT)", t->name,
                 where);
        prt_in(t, t->pc);
        rl_px_end(RL_END_CRASH, SIGABRT, msg);
    }
    __real_abort();
}

void __wrap___assert_fail(const char *expr, const char *file, unsigned int line,
                          const char *func)
{
    struct rl_thread *t = prt_user();
    if (t) {
        char msg[256];
        const char *base = strrchr(file, '/');
        snprintf(msg, sizeof(msg), "%s: assertion `%s' failed at %s:%u in %s",
                 t->name, expr, base ? base + 1 : file, line, func);
        prt_in(t, PRT_PC());
        rl_px_end(RL_END_ASSERT, 0, msg);
    }
    __real___assert_fail(expr, file, line, func);
}

/* ---- the heap ------------------------------------------------------------ */

void *__wrap_malloc(size_t n)
{
    struct rl_thread *t = prt_user();
    if (t)
        t->pc = PRT_PC(); /* where a crash inside malloc is reported */
    void *p = __real_malloc(n);
    if (p && t)
        prt_heap_note(p, n, PRT_PC());
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    void *p = __real_calloc(n, size);
    if (p && prt_user())
        prt_heap_note(p, n * size, PRT_PC());
    return p;
}

void *__wrap_realloc(void *old, size_t n)
{
    struct rl_thread *t = prt_user();
    bool user = t != NULL;
    if (t && old) {
        prt_in(t, PRT_PC()); /* as in free: a pending store first */
        rl_px_flush(t);
        prt_out(t);
    }
    if (old)
        prt_heap_forget(old);
    void *p = __real_realloc(old, n);
    if (p && user)
        prt_heap_note(p, n, PRT_PC());
    return p;
}

void __wrap_free(void *p)
{
    struct rl_thread *t = prt_user();
    if (t)
        t->pc = PRT_PC(); /* where a double free is reported */
    if (t && p) {
        /* A store just before (its record waits for the next step) was
         * made while the block lived: record it first, so that its value
         * is named as a live block's. */
        prt_in(t, PRT_PC());
        rl_px_flush(t);
        prt_out(t);
    }
    if (p)
        prt_heap_forget(p); /* whoever frees it, it is gone */
    __real_free(p);
}

/* fork() on a lab thread ends the run as RL_END_CRASH (SIGSYS): the sim
 * backend runs one process, and a forked copy would answer racelab in its
 * place. The runtime's own fork (addr2line, prt.spawning) goes through. */
pid_t __wrap_fork(void)
{
    struct rl_thread *t = prt.spawning ? NULL : prt_user();
    if (t) {
        char where[64], msg[256];
        t->pc = PRT_PC();
        prt_in(t, t->pc); /* the runtime's own calls from here on */
        prt_where(t->pc, where, sizeof(where));
        snprintf(msg, sizeof(msg),
                 "%s called fork() at %s: sim runs the program as one "
                 "process (run the real program with --backend os)",
                 t->name, where);
        rl_px_end(RL_END_CRASH, SIGSYS, msg);
        errno = ENOSYS;
        return -1;
    }
    return __real_fork();
}
