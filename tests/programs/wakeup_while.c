/* SPDX-License-Identifier: MIT */
/* wakeup_while.c - lost_wakeup.c with the wait in a `while (!ready)` loop:
 * correct, whichever thread runs first. */
#define USE_WHILE 1
#include "lost_wakeup.c"
