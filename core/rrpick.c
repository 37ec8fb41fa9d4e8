/* SPDX-License-Identifier: MIT */
/*
 * rrpick.c - the pick that costs nothing at a choice point (rrpick.h
 * says what it is and who uses it). The sim backend keeps one per run,
 * fed by every record it makes, computes the default at every choice
 * point, gives it to the scheduler (struct rl_choice, def) and counts
 * every other pick as a preemption; the bounded search charges the same
 * picks.
 */
#include "rrpick.h"

#include <string.h>

/* Forget everything (a new run). */
void rrpick_reset(struct rrpick *p)
{
    memset(p, 0, sizeof(*p));
}

/* Whether record r changed nothing: a load, an atomic read-modify-write
 * that left the value as it was (a test-and-set of a set flag, a failed
 * compare-exchange), a try-lock that failed. */
static bool record_reads_only(const struct rl_record *r)
{
    switch (r->op) {
    case RL_OP_LOAD:
    case RL_OP_ATOMIC_LOAD:
        return true;
    case RL_OP_EXCHANGE:
    case RL_OP_CAS:
    case RL_OP_FETCH_ADD:
    case RL_OP_FETCH_SUB:
    case RL_OP_FETCH_AND:
    case RL_OP_FETCH_OR:
    case RL_OP_FETCH_XOR:
        return r->before == r->after;
    case RL_OP_ACQUIRE:
    case RL_OP_READ_ACQUIRE:
        return r->result == RL_RES_TIMEOUT && r->arg == 0;
    default:
        return false;
    }
}

/* Whether thread tid spins: r reads, at the same call site, what it
 * already read there twice since its last step that changed something
 * (the loop `while (!flag) ;` reads flag again and again, and nothing
 * can change it while tid runs alone; reading a value twice, as in
 * `while (n == 0) ...; n--`, is no loop yet). */
static bool record_spins(struct rrpick *p, int tid, const struct rl_record *r)
{
    struct rrpick_spin *sp = &p->spin[tid];
    if (!record_reads_only(r)) {
        sp->n = 0;
        return false;
    }
    long val =
        r->op == RL_OP_ACQUIRE || r->op == RL_OP_READ_ACQUIRE ? -1 : r->before;
    for (int i = 0; i < sp->n; i++)
        if (sp->obj[i] == r->obj && sp->val[i] == val && sp->pc[i] == r->pc)
            return ++sp->seen[i] >= 3;
    if (sp->n < RRPICK_SPIN_MAX) {
        sp->obj[sp->n] = r->obj;
        sp->val[sp->n] = val;
        sp->pc[sp->n] = r->pc;
        sp->seen[sp->n++] = 1;
    }
    return false;
}

/* Note one record: yields, sleeps and spins offer the CPU. */
void rrpick_note(struct rrpick *p, const struct rl_record *r)
{
    int tid = r->thread;
    if (tid < 0 || tid >= RL_MAX_THREADS)
        return; /* setup and checks make no records */
    bool spins = record_spins(p, tid, r);
    p->offers[tid] = r->op == RL_OP_YIELD || r->op == RL_OP_SLEEP || spins;
}

/* The option that costs nothing at c (see rrpick.h). */
int rrpick_default(const struct rrpick *p, const struct rl_choice *c)
{
    if (c->kind != RL_CHOICE_THREAD)
        return 0;
    /* A thread that yielded, slept or spins offers the CPU: going on with
     * it would spin a waiting loop to the step limit, so round robin goes
     * on from it instead. */
    bool offers =
        c->current >= 0 && c->current < RL_MAX_THREADS && p->offers[c->current];
    for (int i = 0; i < c->n && !offers; i++)
        if (c->options[i] == c->current)
            return i;
    for (int i = 0; i < c->n; i++)
        if (c->options[i] > c->current)
            return i;
    return 0;
}
