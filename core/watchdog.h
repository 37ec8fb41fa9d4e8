/* SPDX-License-Identifier: MIT */
/*
 * watchdog.h - the timer behind the sim watchdog, shared by every front end
 * (the command line, the TUI and the grader's check children).
 *
 * sim switches fibers only at racelab calls, so lab code that loops over
 * plain C variables would never give the engine control back. The timer
 * ticks every RL_WATCHDOG_TICK_MS and calls rl_sim_watchdog_tick (run.h),
 * which stops a lab thread that has gone RL_WATCHDOG_LIMIT_MS without a
 * racelab call and ends the run with a message that says so.
 */
#ifndef RL_WATCHDOG_H
#define RL_WATCHDOG_H

#define RL_WATCHDOG_TICK_MS 250
#define RL_WATCHDOG_LIMIT_MS 2000

/* Install the SIGALRM handler and start the interval timer. Returns 0, or
 * -1 with errno set when the handler or the timer cannot be installed. */
int rl_watchdog_start(void);

#endif
