/* SPDX-License-Identifier: MIT */
/*
 * watchdog.h - the sim watchdog: a CPU-time budget per step, shared by
 * every front end (the command line, the TUI and the grader's check
 * children).
 *
 * sim switches fibers only at racelab calls, so lab code that loops over
 * plain C variables would never give the engine control back. The
 * watchdog measures, per step, the CPU time of the OS thread that runs the
 * fibers - never the wall clock, so a loaded machine gives the same
 * verdict as an idle one:
 *
 *   - a timer on that thread's CPU clock (timer_create on
 *     CLOCK_THREAD_CPUTIME_ID, its signal sent to that very thread) ticks
 *     every tick_ms of CPU time; the handler only notes the step's CPU
 *     time so far, read from that clock (signals are merged and late on
 *     a busy machine: counting them would undercount);
 *   - past limit_ms in one step, the thread is stopped at its next safe
 *     point (its next racelab call, or rl_alloc): the run ends as
 *     RL_END_TIMEOUT with a message, and racelab goes on;
 *   - a thread that still has not reached a safe point grace_ms later
 *     never will (a loop with no racelab call at all). No code can be
 *     stopped safely in the middle of whatever it holds (malloc's lock,
 *     stdio's), so the handler ends the process: it runs the exit hook
 *     (the TUI gives the terminal back), writes one line to stderr and
 *     calls _exit(1) - all async-signal-safe. Student code that may do
 *     this belongs in a child process of its own.
 *
 * The state is per OS thread: a thread that never called
 * rl_watchdog_start is never watched.
 */
#ifndef RL_WATCHDOG_H
#define RL_WATCHDOG_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#define RL_WATCHDOG_SIGNAL SIGVTALRM
#define RL_WATCHDOG_TICK_MS 250
#define RL_WATCHDOG_LIMIT_MS 2000
#define RL_WATCHDOG_GRACE_MS 1000
/* Exit status of the last resort: a failed run. */
#define RL_WATCHDOG_EXIT_STATUS 1

/* Watch the calling thread with the default budget. Returns 0, or -1 with
 * errno set when the handler or the timer cannot be installed. */
int rl_watchdog_start(void);

/* The same with another tick, limit and grace (all in ms of CPU time,
 * > 0; limit and grace are rounded up to whole ticks). Calling it again
 * on the same thread changes the budget. */
int rl_watchdog_start_with(int tick_ms, int limit_ms, int grace_ms);

/* Stop watching the calling thread and delete its timer. */
void rl_watchdog_stop(void);

/* Run hook (async-signal-safe: tcsetattr, write) before the last resort
 * ends the process, with why it ends ("did not finish: T1 ran for 2 s
 * without a racelab call ..."); NULL for none. One hook per process. */
void rl_watchdog_set_exit_hook(void (*hook)(const char *why));

/* ---- the engine's side (core/sim.c, core/run.c) ---------------------- */

/* A step of the lab thread named name starts on this OS thread: count its
 * CPU time from now. name must stay valid until rl_watchdog_step_end. */
void rl_watchdog_step_begin(const char *name);

/* The step has ended (the thread reached a racelab call, blocked or
 * finished). Returns whether it used more than its budget. */
bool rl_watchdog_step_end(void);

/* Whether the running step has used more than its budget (a safe point
 * inside a step asks). */
bool rl_watchdog_overrun(void);

/* The CPU time a step may take on the calling thread, in ms. */
long rl_watchdog_limit_ms(void);

/* The message of a run stopped at a safe point: "did not finish: T0 ran
 * for 2 s of CPU time without a racelab call (...); stopped". */
void rl_watchdog_describe(const char *name, char *buf, size_t len);

#endif
