/* SPDX-License-Identifier: MIT */
/*
 * watchdog.c - the sim watchdog's timer (see watchdog.h).
 */
#include "watchdog.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "run.h"

/* The tick: errno is saved because the handler interrupts arbitrary code. */
static void watchdog_on_tick(int sig)
{
    int saved = errno;

    (void)sig;
    rl_sim_watchdog_tick(RL_WATCHDOG_TICK_MS, RL_WATCHDOG_LIMIT_MS);
    errno = saved;
}

/* Install the handler and start the timer (see watchdog.h). */
int rl_watchdog_start(void)
{
    struct sigaction sa;
    struct itimerval it;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = watchdog_on_tick;
    sigemptyset(&sa.sa_mask);
    /* SA_NODEFER: when the tick stops a thread it does not return, and
     * SIGALRM must not stay blocked after that. */
    sa.sa_flags = SA_RESTART | SA_NODEFER;
    if (sigaction(SIGALRM, &sa, NULL) != 0)
        return -1;
    it.it_interval.tv_sec = 0;
    it.it_interval.tv_usec = RL_WATCHDOG_TICK_MS * 1000;
    it.it_value = it.it_interval;
    return setitimer(ITIMER_REAL, &it, NULL);
}
