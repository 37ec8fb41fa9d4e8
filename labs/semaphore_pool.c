/* SPDX-License-Identifier: MIT */
/*
 * semaphore_pool.c - at most `capacity` workers may hold a "connection"
 * at once: a Semaphore counts the free ones.
 *
 * Each worker opens a connection, uses it for a while, and closes it. The
 * shared variable `active` counts the open connections; a worker that
 * opens one past the limit records a failed check at that moment. Without
 * a semaphore every worker gets in. With a Semaphore(capacity) acquire()
 * blocks while none is free. `bounded-extra-release` has worker 0 release
 * twice. While other workers hold connections the stray release succeeds
 * and silently raises the limit; the BoundedSemaphore reports Python's
 * "Semaphore released too many times" only at the first release that would
 * take the count above its initial value, which is often another worker's
 * correct release: the error shows where the count broke, not who broke it.
 *
 * The peak is kept outside the trace, in a C11 atomic: it is the lab's
 * bookkeeping, and a plain load / store of a shared rl_var would itself be
 * the data race the analysis reports. The check that counts is the
 * rl_fail() at the moment of entry.
 */
#include "lab.h"

#include <stdatomic.h>

#include "../core/racelab.h"

enum { NONE, SEMAPHORE, BOUNDED_EXTRA_RELEASE };

#define POOL_CHECK "at most capacity at once"

/* The lab's state, shared by its threads. */
struct pool_lab {
    rl_sem *sem;    /* counts free connections; NULL for `none` */
    rl_var *active; /* connections open now (atomic fetch_add) */
    _Atomic long peak; /* the most seen open (bookkeeping, not traced) */
    rl_var *done;   /* jobs done (atomic fetch_add) */
    long capacity;  /* read-only after setup, as are the fields below */
    long rounds;
    int variant;
};

/* One worker's argument. */
struct pool_worker {
    struct pool_lab *s;
    int id;
};

/* Use a connection: count it open, note the peak, work, count it closed. */
static void pool_use_connection(struct pool_lab *s)
{
    long n = rl_fetch_add(s->active, 1) + 1;

    if (n > s->capacity)
        rl_fail(POOL_CHECK,
                "%ld connections open at once when %s connected, "
                "limit %ld",
                n, rl_thread_name(), s->capacity);
    long p = atomic_load(&s->peak);
    while (n > p && !atomic_compare_exchange_weak(&s->peak, &p, n))
        ;
    rl_sleep_ms(1); /* the work: hold the connection for a while */
    rl_fetch_add(s->done, 1);
    rl_fetch_add(s->active, -1);
}

/* One worker: rounds connections, with the variant's semaphore use. */
static void pool_thread(void *arg)
{
    struct pool_worker *w = arg;
    struct pool_lab *s = w->s;

    for (long r = 0; r < s->rounds; r++) {
        if (s->sem)
            rl_sem_acquire(s->sem);
        pool_use_connection(s);
        if (s->sem)
            rl_sem_release(s->sem);
        /* bounded-extra-release (bug): a stray second release, as in an
         * error path that "cleans up" a connection already closed */
        if (s->variant == BOUNDED_EXTRA_RELEASE && w->id == 0 && r == 0)
            rl_sem_release(s->sem);
    }
}

/* Create the variant's semaphore and the counters; start the workers. */
static void pool_setup(struct lab_inst *inst)
{
    struct pool_lab *s = rl_alloc(sizeof *s);
    long workers = lab_inst_param(inst, "workers");
    struct pool_worker *w = rl_alloc(sizeof *w * (unsigned long)workers);

    s->capacity = lab_inst_param(inst, "capacity");
    s->rounds = lab_inst_param(inst, "rounds");
    s->variant = inst->variant;
    if (s->variant == SEMAPHORE)
        s->sem = rl_semaphore_create("pool", s->capacity);
    else if (s->variant == BOUNDED_EXTRA_RELEASE)
        s->sem = rl_bounded_semaphore_create("pool", s->capacity);
    s->active = rl_var_create("active", 0);
    s->done = rl_var_create("done", 0);
    inst->state = s;
    for (int i = 0; i < workers; i++) {
        w[i].s = s;
        w[i].id = i;
        rl_thread_start(NULL, pool_thread, &w[i]);
    }
}

/* The limit held (the failures were recorded when it broke) and every job
 * was done. */
static void pool_check(struct rl_run *run, struct lab_inst *inst)
{
    struct pool_lab *s = inst->state;
    long peak = atomic_load(&s->peak);
    long jobs = lab_inst_param(inst, "workers") * s->rounds;
    long done = rl_var_peek(s->done);

    rl_check(run, POOL_CHECK, peak <= s->capacity,
             "peak %ld connections, limit %ld", peak, s->capacity);
    rl_check(run, "all work done", done == jobs, "%ld of %ld jobs done", done,
             jobs);
}

static const struct lab_param pool_params[] = {
    {"workers", "worker threads", 4, 4, 1, 16},
    {"capacity", "connections allowed at once", 2, 2, 1, 8},
    {"rounds", "connections each worker opens", 1, 100, 1, 1000},
};

static const struct lab_variant pool_variants[] = {
    [NONE] = {"none", "no semaphore: every worker gets in", false},
    [SEMAPHORE] = {"semaphore", "Semaphore(capacity) around each connection",
                   true},
    [BOUNDED_EXTRA_RELEASE] = {"bounded-extra-release",
                               "BoundedSemaphore, one stray extra release",
                               false},
};

static const struct lab lab_semaphore_pool = {
    .order = 40,
    .name = "semaphore-pool",
    .title = "Semaphore pool",
    .summary = "at most K workers hold a connection at once",
    .explain =
        "A Semaphore is a counter of free resources: acquire() takes one,\n"
        "blocking while the count is 0; release() gives one back and wakes\n"
        "a waiter. Semaphore(2) lets at most two workers in at a time.\n"
        "A release without a matching acquire silently raises the limit;\n"
        "a BoundedSemaphore catches it: releasing above the initial value\n"
        "is an error (ValueError: Semaphore released too many times),\n"
        "often at a later, correct release: find the stray one.",
    .params = pool_params,
    .nparams = LAB_LEN(pool_params),
    .variants = pool_variants,
    .nvariants = LAB_LEN(pool_variants),
    .setup = pool_setup,
    .check = pool_check,
};
LAB_REGISTER(lab_semaphore_pool);
