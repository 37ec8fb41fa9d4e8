/* SPDX-License-Identifier: MIT */
/*
 * os_record.c - the records of an os run.
 *
 * Records. Each lab thread appends its records to its own ring (the newest
 * OS_RING records) without any lock, stamping each from one global atomic
 * sequence counter. The thread that polls the run (rl_run_poll / finish)
 * merges the rings in sequence order and hands the records to
 * rl_record_push. A record is only merged once no thread can still publish
 * a smaller sequence number (see os_merge), so the merged order is exact.
 * A ring the merger has not emptied in time drops its oldest records; they
 * are counted (rl_os_dropped).
 */
#include <string.h>

#include "os_impl.h"

/* Make one record: append it to the calling lab thread's ring, without a
 * lock (claim, stamp, write, publish). Calls outside lab threads (setup,
 * checks) are not recorded, as on sim. Returns the record's global seq,
 * which is also its seq in the run unless records were dropped; 0 if not
 * recorded. */
uint64_t os_emit(struct os_thread *ot, enum rl_op op, enum rl_result res,
                 const struct rl_obj *o, int other, long arg, long before,
                 long after)
{
    struct rl_record r;
    uint64_t w[OS_WORDS], h;
    struct os_slot *slot;
    size_t i;

    if (!ot || !ot->record)
        return 0;
    r.thread = (int16_t)ot->t->id;
    r.op = (uint8_t)op;
    r.result = (uint8_t)res;
    r.obj = o ? o->id : -1;
    r.other = (int16_t)other;
    r.arg = arg;
    r.before = before;
    r.after = after;
    h = ot->next;
    /* Claim before stamping: the merger reads the counter first, then
     * claim, so a stamped but unpublished record is always seen. */
    atomic_store_explicit(&ot->claim, h + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    r.seq = atomic_fetch_add_explicit(&ot->rs->seq, 1, memory_order_acq_rel);
    memset(w, 0, sizeof w);
    memcpy(w, &r, sizeof r);
    slot = &ot->ring[h & (OS_RING - 1)];
    for (i = 0; i < OS_WORDS; i++)
        atomic_store_explicit(&slot->w[i], w[i], memory_order_relaxed);
    atomic_store_explicit(&ot->head, h + 1, memory_order_release);
    ot->next = h + 1;
    return r.seq;
}

/* Copy ring slot idx of ot (validity checked by the caller). */
static void os_slot_get(const struct os_thread *ot, uint64_t idx,
                        struct rl_record *out)
{
    uint64_t w[OS_WORDS];
    struct os_slot *slot = &ot->ring[idx & (OS_RING - 1)];
    size_t i;

    for (i = 0; i < OS_WORDS; i++)
        w[i] = atomic_load_explicit(&slot->w[i], memory_order_relaxed);
    memcpy(out, w, sizeof *out);
}

/* Refill ot's stage with ring records tail .. head-1 (at most OS_BATCH),
 * dropping those the thread overwrote while they were copied. */
static void os_stage_fill(struct os_run *rs, struct os_thread *ot,
                          uint64_t head)
{
    uint64_t n = head - ot->tail, claim, first_ok;
    size_t i, skip;

    if (n > OS_BATCH)
        n = OS_BATCH;
    for (i = 0; i < n; i++)
        os_slot_get(ot, ot->tail + i, &ot->stage[i]);
    /* Seqlock check: slot idx is intact while claim <= idx + OS_RING. */
    atomic_thread_fence(memory_order_acquire);
    claim = atomic_load_explicit(&ot->claim, memory_order_relaxed);
    first_ok = claim > OS_RING ? claim - OS_RING : 0;
    skip = first_ok > ot->tail ? (size_t)(first_ok - ot->tail) : 0;
    if (skip > n)
        skip = n;
    rs->dropped += skip;
    ot->istage = skip;
    ot->nstage = n;
    ot->tail += n;
}

/* The smallest seq thread ot may still publish, or UINT64_MAX if it cannot
 * publish one below `g`. head is the published count read after g. */
static uint64_t os_inflight_bound(struct os_thread *ot, uint64_t head)
{
    struct rl_record r;
    uint64_t claim;

    claim = atomic_load_explicit(&ot->claim, memory_order_acquire);
    if (claim == head)
        return UINT64_MAX;
    if (head == 0)
        return ot->floor;
    os_slot_get(ot, head - 1, &r);
    atomic_thread_fence(memory_order_acquire);
    claim = atomic_load_explicit(&ot->claim, memory_order_relaxed);
    if (claim <= head - 1 + OS_RING)
        return r.seq + 1;
    return ot->last_seq + 1; /* slot reused meanwhile: be conservative */
}

/* Merge the published records of every thread, in seq order, into the run.
 * A record is merged only below `bound`: the counter's value read first,
 * lowered to just past the last published record of any thread caught
 * between stamping and publishing one (its pending seq is larger than that,
 * and the fence + acq_rel counter make the claim visible to us). */
void os_merge(struct rl_run *run)
{
    struct os_run *rs = run->os;
    uint64_t heads[RL_MAX_THREADS], bound, b;
    int i, best;

    if (!rs->record)
        return;
    bound = atomic_load_explicit(&rs->seq, memory_order_acquire);
    for (i = 0; i < run->nthreads; i++) {
        struct os_thread *ot = run->threads[i]->backend;

        heads[i] = atomic_load_explicit(&ot->head, memory_order_acquire);
        if (heads[i] - ot->tail > OS_RING) {
            rs->dropped += heads[i] - OS_RING - ot->tail;
            ot->tail = heads[i] - OS_RING;
        }
        b = os_inflight_bound(ot, heads[i]);
        if (b < bound)
            bound = b;
    }
    for (;;) {
        uint64_t best_seq = UINT64_MAX;
        struct os_thread *ot;

        best = -1;
        for (i = 0; i < run->nthreads; i++) {
            ot = run->threads[i]->backend;
            if (ot->istage == ot->nstage && ot->tail < heads[i])
                os_stage_fill(rs, ot, heads[i]);
            if (ot->istage < ot->nstage &&
                ot->stage[ot->istage].seq < best_seq) {
                best_seq = ot->stage[ot->istage].seq;
                best = i;
            }
        }
        if (best < 0 || best_seq >= bound)
            break;
        ot = run->threads[best]->backend;
        ot->last_seq = best_seq;
        run->threads[best]->steps++;
        rl_record_push(run, &ot->stage[ot->istage++]);
    }
}

/* Records lost to full rings (0 for a sim run). */
uint64_t rl_os_dropped(const struct rl_run *run)
{
    const struct os_run *rs = run->ops == &rl_os_ops ? run->os : NULL;

    return rs ? rs->dropped : 0;
}
