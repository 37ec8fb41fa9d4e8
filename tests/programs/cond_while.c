/* SPDX-License-Identifier: MIT */
/* cond_while.c - cond_if.c with the check in a `while` loop: correct. */
#define USE_WHILE 1
#include "cond_if.c"
