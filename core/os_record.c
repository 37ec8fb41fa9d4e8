/* SPDX-License-Identifier: MIT */
/*
 * os_record.c - the records of an os run.
 *
 * Rings. Each lab thread appends its records to its own ring (the newest
 * ring_n records) with plain stores and no shared counter: write the
 * slot (four words, os_impl.h), publish (head). The thread that polls the run (rl_run_poll /
 * finish) copies them out, merges the rings into one order and hands the
 * records to rl_record_push, which numbers them 1, 2, ... A ring the
 * merger has not emptied in time loses its oldest records; the merger
 * sees it (the head, read again after the copy, as a seqlock) and counts
 * them (rl_os_dropped):
 * every record made is either merged or counted, never both.
 *
 * Order. A record's place is fixed by two orders only: its thread's
 * program order, and the order of its object, which the object itself
 * serializes: a Lock's records are made by its holder (an acquire after
 * taking it, a release before giving it back), a variable's under its spin
 * lock with the value change, a semaphore's, Event's or Barrier's under the
 * mutex that guards its state, a join after the joined thread's last
 * record, a thread's start after its parent's spawn. Each record carries a
 * Lamport clock: one more than the larger of its thread's last clock and,
 * for an object record, its object's last clock (os_order: OBJECT also
 * makes it the object's clock; AFTER, a blocked or failed try that only
 * observed the object, reads it). So if record a must precede b in either
 * order, clock(a) < clock(b), whatever was dropped in between.
 *
 * Merging. Every record that must precede b is published before b is:
 * each thread publishes a record before it hands its object on (the
 * release record before the real release, and so on). The merger reads
 * every head twice, h1 then h2. A record below h1 was published before
 * h2 was read, so whatever must precede it lies below h2 (or was
 * dropped). Among the records below h2 the merger repeatedly takes the one
 * with the smallest (clock, thread) and stops when that one is not below
 * its thread's h1: every record it merges comes after all that must
 * precede it, so the merged order is consistent with every thread's
 * program order and every object's order (a Lock's acquire follows the
 * release that freed it; a store's "before" is the value of the previous
 * record on its variable), with or without drops.
 *
 * Limits. A record that only observed an object (a blocked or failed
 * acquire, OS_ORD_AFTER) follows the object's record it saw but may land
 * after the object's next one. A Condition's records are ordered by its
 * lock (wait and notify are made holding it). Variables pay for exactness
 * only when recording: one spin-lock exchange per operation, the least
 * that places a racy load before the store that follows it and tells a
 * store what it overwrote. A misuse is
 * noted in the run when its record is merged, so that its message names
 * its step (os_merge_misuses notes those whose record was dropped).
 */
#include <string.h>

#include "os_impl.h"

/* A record copied out of a ring, with its clock and ring index. */
struct os_staged {
    uint64_t clock, idx;
    bool misuse;
    struct rl_record r;
};

/* A thread's stage: OS_BATCH records (freed with free). */
struct os_staged *os_stage_alloc(void)
{
    return rl_xcalloc(OS_BATCH, sizeof(struct os_staged));
}

/* Copy ring slot idx of ot into out (validity checked by the caller). */
static void os_slot_get(const struct os_thread *ot, uint64_t idx,
                        struct os_staged *out)
{
    struct os_slot *slot = &ot->ring[idx & (ot->ring_n - 1)];
    uint64_t w[OS_SLOT_WORDS];
    long arg, before, after;
    size_t i;

    for (i = 0; i < OS_SLOT_WORDS; i++)
        w[i] = atomic_load_explicit(&slot->w[i], memory_order_relaxed);
    out->clock = w[0] & OS_CLOCK_MASK;
    out->misuse = (w[0] & OS_MISUSE_FLAG) != 0;
    out->idx = idx;
    memset(&out->r, 0, sizeof out->r);
    out->r.thread = (int16_t)ot->t->id;
    out->r.op = (uint8_t)(w[0] >> 48);
    out->r.result = (uint8_t)((w[0] >> 56) & 15);
    out->r.obj = (int32_t)(uint32_t)w[1];
    out->r.other = (int16_t)(uint16_t)(w[1] >> 32);
    arg = (int16_t)(uint16_t)(w[1] >> 48);
    before = (long)w[2];
    after = (long)w[3];
    switch ((enum os_form)((w[0] >> 60) & 7)) {
    case OS_F_A16:
    case OS_F_CUT:
        break;
    case OS_F_AFTER:
        arg = after;
        break;
    case OS_F_DIFF:
        arg = (long)(w[3] - w[2]);
        break;
    case OS_F_SAME:
        arg = after;
        after = before;
        break;
    case OS_F_DEC:
        arg = after;
        after = (long)(w[2] - 1);
        break;
    case OS_F_PAIR:
        arg = after;
        before = (int32_t)(uint32_t)w[2];
        after = (int32_t)(uint32_t)(w[2] >> 32);
        break;
    }
    out->r.arg = arg;
    out->r.before = before;
    out->r.after = after;
}

/* Refill ot's stage with ring records tail .. head-1 (at most OS_BATCH),
 * dropping (and counting) those the thread overwrote meanwhile. */
static void os_stage_fill(struct os_run *rs, struct os_thread *ot,
                          uint64_t head)
{
    uint64_t n = head - ot->tail, now, first_ok;
    size_t i, skip;

    if (n > OS_BATCH)
        n = OS_BATCH;
    for (i = 0; i < n; i++)
        os_slot_get(ot, ot->tail + i, &ot->stage[i]);
    /* Seqlock check: slot idx is intact while head < idx + ring_n (the
     * thread writes record head, into slot idx's place if head is
     * idx + ring_n: os_emit_rec). */
    atomic_thread_fence(memory_order_acquire);
    now = atomic_load_explicit(&ot->head, memory_order_relaxed);
    first_ok = now + 1 > ot->ring_n ? now + 1 - ot->ring_n : 0;
    skip = first_ok > ot->tail ? (size_t)(first_ok - ot->tail) : 0;
    if (skip > n)
        skip = n;
    rs->dropped += skip;
    ot->istage = skip;
    ot->nstage = n;
    ot->tail += n;
}

/* Hand staged record s of thread i to the run (and note it if it is a
 * misuse: its step is now known). */
static void os_merge_one(struct rl_run *run, int i, struct os_staged *s)
{
    struct os_run *rs = run->os;
    struct os_thread *ot = run->threads[i]->backend;

    run->threads[i]->steps++;
    rl_record_push(run, &s->r);
    if (s->misuse) {
        struct rl_obj *o = s->r.obj >= 0 && s->r.obj < run->nobjs
                               ? run->objs[s->r.obj]
                               : NULL;

        ot->noted++;
        os_lock_mu(&rs->display);
        rl_note_misuse(run, i, o, (int)s->r.arg, run->rec_last);
        os_unlock_mu(&rs->display);
    }
}

/* Merge the published records of every thread into the run, in an order
 * consistent with every thread's and every object's (see the top of this
 * file for why it is). */
void os_merge(struct rl_run *run)
{
    struct os_run *rs = run->os;
    uint64_t h1[RL_MAX_THREADS], h2[RL_MAX_THREADS];
    int i, best, n = run->nthreads;

    if (!rs->record)
        return;
    for (i = 0; i < n; i++) {
        struct os_thread *ot = run->threads[i]->backend;

        h1[i] = atomic_load_explicit(&ot->head, memory_order_acquire);
    }
    for (i = 0; i < n; i++) {
        struct os_thread *ot = run->threads[i]->backend;

        h2[i] = atomic_load_explicit(&ot->head, memory_order_acquire);
        if (h2[i] - ot->tail > ot->ring_n) {
            /* Overwritten before we got there. */
            rs->dropped += h2[i] - ot->ring_n - ot->tail;
            ot->tail = h2[i] - ot->ring_n;
        }
    }
    for (;;) {
        struct os_staged *s, *bs = NULL;
        struct os_thread *ot;

        best = -1;
        for (i = 0; i < n; i++) {
            ot = run->threads[i]->backend;
            if (ot->istage == ot->nstage && ot->tail < h2[i])
                os_stage_fill(rs, ot, h2[i]);
            if (ot->istage == ot->nstage)
                continue;
            s = &ot->stage[ot->istage];
            if (!bs || s->clock < bs->clock) {
                bs = s;
                best = i;
            }
        }
        if (best < 0 || bs->idx >= h1[best])
            break;
        ot = run->threads[best]->backend;
        ot->istage++;
        os_merge_one(run, best, bs);
    }
}

/* Note the misuses made by lab threads whose records were dropped (after
 * the last merge: the run has ended), without a step number. */
void os_merge_misuses(struct rl_run *run)
{
    struct os_run *rs = run->os;
    int i;

    if (!rs->record)
        return;
    for (i = 0; i < run->nthreads; i++) {
        struct os_thread *ot = run->threads[i]->backend;
        uint64_t made = atomic_load_explicit(&ot->nmisuse,
                                             memory_order_acquire);
        int status = atomic_load_explicit(&ot->misuse_status,
                                          memory_order_relaxed);

        os_lock_mu(&rs->display);
        for (; ot->noted < made; ot->noted++)
            rl_note_misuse_named(run, i, "a call whose record was dropped",
                                 status, 0);
        os_unlock_mu(&rs->display);
    }
}

/* Records lost to full rings (0 for a sim run). */
uint64_t rl_os_dropped(const struct rl_run *run)
{
    const struct os_run *rs = run->ops == &rl_os_ops ? run->os : NULL;

    return rs ? rs->dropped : 0;
}
