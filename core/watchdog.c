/* SPDX-License-Identifier: MIT */
/*
 * watchdog.c - the sim watchdog (see watchdog.h).
 *
 * The handler does one thing: count a tick of CPU time while a step runs.
 * Deciding to stop a thread happens outside it, at the thread's next safe
 * point (rl_watchdog_step_end, rl_watchdog_overrun), where the engine can
 * switch fibers in ordinary code. Only when the count reaches the hard
 * limit - the thread has ignored the budget for grace_ms more and has
 * reached no safe point - does the handler act, and then only with
 * async-signal-safe calls: the exit hook, write(2) and _exit(2). Switching
 * stacks out of a handler (what the watchdog used to do) abandons whatever
 * the interrupted code held: malloc's arena lock, stdio's.
 *
 * The signals only say "time passed"; how much CPU a step used is read
 * from the thread's CPU clock, measured from the step's first signal. They
 * are not counted: a timer that expires while its signal is pending sends
 * no second one, and the kernel notices an expiry only at a clock tick
 * that finds the thread on a CPU, so on a busy machine signals arrive
 * late and merged (3 signals for 150 ms of 10 ms ticks at load 15), and a
 * late one may carry the CPU time of the step before.
 *
 * All state is per OS thread (_Thread_local): the signal is sent to the
 * thread whose CPU clock it measures, so the handler only ever reads the
 * state of the thread it interrupts. Fields the handler reads are volatile
 * and written by that same thread, in program order.
 */
#include "watchdog.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__) && defined(SIGEV_THREAD_ID)
#define WATCH_THREAD_TIMER 1
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif
#endif

/* The watch of one OS thread. Private to it; the handler runs on it. */
struct watch {
    volatile sig_atomic_t armed; /* a step runs: measure it */
    volatile sig_atomic_t ticks; /* ticks of CPU time in this step, as of
                                    the last signal */
    volatile sig_atomic_t seen;  /* a signal came in this step, at first */
    volatile long long first;    /* thread CPU time (ns); set before seen */
    const char *volatile name;   /* the lab thread of the step */
    int tick_ms;
    int limit_ticks; /* stop at the next safe point from here */
    int hard_ticks;  /* end the process from here */
    int started;     /* this thread has a timer, in process pid */
    pid_t pid;
#ifdef WATCH_THREAD_TIMER
    timer_t timer;
#endif
};

static _Thread_local struct watch watch;
/* The exit hook (see rl_watchdog_set_exit_hook); read by the handler. */
static void (*volatile watch_exit_hook)(const char *why);

/* ---- the handler and its async-signal-safe last resort ---------------- */

/* Append s to buf at *at, within len (no stdio in a handler). */
static void watch_put(char *buf, size_t len, size_t *at, const char *s)
{
    while (*s && *at + 1 < len)
        buf[(*at)++] = *s++;
}

/* Append ms as "N s" (whole seconds) or "N ms". */
static void watch_put_ms(char *buf, size_t len, size_t *at, long ms)
{
    char digits[24];
    int n = 0;
    long v = ms % 1000 == 0 ? ms / 1000 : ms;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 && n < (int)sizeof digits);
    while (n > 0 && *at + 1 < len)
        buf[(*at)++] = digits[--n];
    watch_put(buf, len, at, ms % 1000 == 0 ? " s" : " ms");
}

/* The common part of both messages: "did not finish: T0 ran for 2 s of
 * CPU time without a racelab call (...)". Async-signal-safe. */
static size_t watch_text(char *buf, size_t len, const char *name, long ms)
{
    size_t at = 0;

    watch_put(buf, len, &at, "did not finish: ");
    watch_put(buf, len, &at, name ? name : "a thread");
    watch_put(buf, len, &at, " ran for ");
    watch_put_ms(buf, len, &at, ms);
    watch_put(buf, len, &at,
              " of CPU time without a racelab call (an endless loop over "
              "plain C variables? sim switches threads only at racelab "
              "calls, so use rl_load / rl_store, a Lock or an Event)");
    if (len > 0)
        buf[at] = '\0';
    return at;
}

/* The last resort: the thread reached no safe point within the grace.
 * Give the terminal back (hook), say why, and end the process. */
static _Noreturn void watch_exit(void)
{
    char msg[512];
    size_t at = 0;
    void (*hook)(const char *why) = watch_exit_hook;

    if (hook) {
        char why[400];

        watch_text(why, sizeof why, watch.name,
                   (long)watch.hard_ticks * watch.tick_ms);
        hook(why);
    }
    watch_put(msg, sizeof msg, &at, "racelab: ");
    at += watch_text(msg + at, sizeof msg - at, watch.name,
                     (long)watch.hard_ticks * watch.tick_ms);
    watch_put(msg, sizeof msg, &at,
              "; such a loop cannot be stopped safely, so racelab ends\n");
    for (size_t off = 0; off < at;) {
        ssize_t n = write(STDERR_FILENO, msg + off, at - off);

        if (n <= 0 && errno != EINTR)
            break;
        if (n > 0)
            off += (size_t)n;
    }
    _exit(RL_WATCHDOG_EXIT_STATUS);
}

/* The calling thread's CPU time in ns (async-signal-safe). On Linux by
 * the system call itself: a plain C program is linked with clock_gettime
 * wrapped into its virtual clock (plainc/prt_libc.c), which does not
 * move while a thread spins. */
static long long watch_cpu_ns(void)
{
    struct timespec ts;

#ifdef WATCH_THREAD_TIMER
    syscall(SYS_clock_gettime, CLOCK_THREAD_CPUTIME_ID, &ts);
#elif defined(CLOCK_THREAD_CPUTIME_ID)
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
#else
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
#endif
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The ticks the running step has used, now: one for its first signal (the
 * CPU time before it, less than a tick: the timer's phase), plus the
 * whole ticks since. The same count the timer's expiries would give, on a
 * busy machine too. */
static int watch_ticks_now(void)
{
    long long since = watch_cpu_ns() - watch.first;

    return 1 + (int)(since / ((long long)watch.tick_ms * 1000000LL));
}

/* A tick of the thread's CPU clock while a step runs: note the step's
 * first, measure the step; past the hard limit, the last resort. errno is
 * saved: the handler interrupts arbitrary code. */
static void watch_on_tick(int sig)
{
    int saved = errno;

    (void)sig;
    if (watch.armed) {
        if (!watch.seen) {
            watch.first = watch_cpu_ns();
            watch.seen = 1;
        }
        watch.ticks = watch_ticks_now();
        if (watch.ticks >= watch.hard_ticks)
            watch_exit();
    }
    errno = saved;
}

/* ---- the timer -------------------------------------------------------- */

/* Start (or re-arm) the calling thread's CPU-time timer at tick_ms. */
static int watch_arm_timer(int tick_ms)
{
    struct timespec every = {tick_ms / 1000, (long)(tick_ms % 1000) * 1000000};
#ifdef WATCH_THREAD_TIMER
    struct itimerspec it = {every, every};

    if (!watch.started || watch.pid != getpid()) {
        struct sigevent ev;

        memset(&ev, 0, sizeof ev);
        ev.sigev_notify = SIGEV_THREAD_ID;
        ev.sigev_signo = RL_WATCHDOG_SIGNAL;
        ev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
        if (timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &watch.timer) != 0)
            return -1;
    }
    return timer_settime(watch.timer, 0, &it, NULL);
#else
    /* No per-thread CPU timer: the process's user CPU time, which the
     * thread that steps sim runs dominates while a step loops. */
    struct itimerval it;

    it.it_interval.tv_sec = every.tv_sec;
    it.it_interval.tv_usec = every.tv_nsec / 1000;
    it.it_value = it.it_interval;
    return setitimer(ITIMER_VIRTUAL, &it, NULL);
#endif
}

/* Install the handler and start the timer (see watchdog.h). */
int rl_watchdog_start_with(int tick_ms, int limit_ms, int grace_ms)
{
    struct sigaction sa;

    if (tick_ms <= 0 || limit_ms <= 0 || grace_ms <= 0) {
        errno = EINVAL;
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = watch_on_tick;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(RL_WATCHDOG_SIGNAL, &sa, NULL) != 0)
        return -1;
    watch.armed = 0;
    watch.tick_ms = tick_ms;
    watch.limit_ticks = (limit_ms + tick_ms - 1) / tick_ms;
    watch.hard_ticks = watch.limit_ticks + (grace_ms + tick_ms - 1) / tick_ms;
    if (watch_arm_timer(tick_ms) != 0)
        return -1;
    watch.started = 1;
    watch.pid = getpid();
    return 0;
}

/* The default budget (see watchdog.h). */
int rl_watchdog_start(void)
{
    return rl_watchdog_start_with(RL_WATCHDOG_TICK_MS, RL_WATCHDOG_LIMIT_MS,
                                  RL_WATCHDOG_GRACE_MS);
}

/* Delete the calling thread's timer (see watchdog.h). */
void rl_watchdog_stop(void)
{
    watch.armed = 0;
    if (!watch.started || watch.pid != getpid()) {
        watch.started = 0;
        return;
    }
#ifdef WATCH_THREAD_TIMER
    timer_delete(watch.timer);
#else
    struct itimerval off;

    memset(&off, 0, sizeof off);
    setitimer(ITIMER_VIRTUAL, &off, NULL);
#endif
    watch.started = 0;
}

/* One hook per process (see watchdog.h). */
void rl_watchdog_set_exit_hook(void (*hook)(const char *why))
{
    watch_exit_hook = hook;
}

/* ---- the engine's side ------------------------------------------------ */

/* Count from zero for the step about to run. The name is stored before
 * armed, so the handler never sees a step without its name. */
void rl_watchdog_step_begin(const char *name)
{
    if (!watch.started)
        return;
    watch.name = name;
    watch.ticks = 0;
    watch.seen = 0;
    watch.armed = 1;
}

/* Stop counting; report an overrun. */
bool rl_watchdog_step_end(void)
{
    bool over;

    if (!watch.started)
        return false;
    watch.armed = 0;
    over = watch.seen && watch_ticks_now() >= watch.limit_ticks;
    watch.ticks = 0;
    watch.seen = 0;
    return over;
}

/* Whether the running step is over budget (the CPU clock is read only
 * once a signal came in the step: a step shorter than a tick costs
 * nothing). */
bool rl_watchdog_overrun(void)
{
    return watch.armed && watch.seen &&
           watch_ticks_now() >= watch.limit_ticks;
}

/* The message of a thread stopped at a safe point. */
long rl_watchdog_limit_ms(void)
{
    long ms = (long)watch.limit_ticks * watch.tick_ms;

    return ms > 0 ? ms : RL_WATCHDOG_LIMIT_MS;
}

void rl_watchdog_describe(const char *name, char *buf, size_t len)
{
    char text[400];
    long ms = (long)watch.limit_ticks * watch.tick_ms;

    watch_text(text, sizeof text, name, ms > 0 ? ms : RL_WATCHDOG_LIMIT_MS);
    snprintf(buf, len, "%s; stopped", text);
}
