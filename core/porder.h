/* SPDX-License-Identifier: MIT */
/*
 * porder.h - the partial-order reduction of the systematic search: which
 * prefixes of runs are the same partial order of steps, and which of them
 * are covered by one seen before.
 *
 * Two prefixes that differ only in the order of independent steps (steps
 * of different threads on different objects) leave the program in the
 * same state. explore.c feeds every record of a run (porder_record) and
 * asks at each choice point whether what follows needs to run at all
 * (porder_covered); porder.c says why the answer is sound under a bound
 * on preemptions and delays, and with timeouts fired as choices.
 */
#ifndef RL_PORDER_H
#define RL_PORDER_H

#include <stdbool.h>

#include "run.h"

struct porder;

/* A reduction with nothing seen yet; never NULL (aborts on out of
 * memory). */
struct porder *porder_create(void);
/* Free it; accepts NULL. */
void porder_destroy(struct porder *p);

/* A new run starts: its order is empty. What was seen is kept. */
void porder_reset(struct porder *p);
/* Add one record of the current run (an on_record callback's). */
void porder_record(struct porder *p, const struct rl_run *run,
                   const struct rl_record *r);
/* At a choice point of kind (enum rl_choice_kind) after thread prev,
 * reached at cost (preemptions and delays): true when the same order was
 * seen before at no more cost after the same thread, or at a lower cost
 * after any thread (for a thread choice), so nothing below needs to run.
 * Else remember this one (as far as memory allows) and return false. */
bool porder_covered(struct porder *p, int kind, int prev, int cost);

#endif
