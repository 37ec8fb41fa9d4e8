/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the engine's internal data model, shared by run.c,
 * run_text.c and run_text_record.c (lifecycle, records, checks,
 * inspection, texts), api.c (the student API entry points), queue.c
 * (Queue, built from the API), sim.c + sim_prims.c (the deterministic
 * fiber backend, see sim_impl.h) and os.c + os_*.c (the pthread backend,
 * see os_impl.h). Front ends never include this file; they use run.h.
 *
 * Every synchronization object is one struct rl_obj whatever its kind; the
 * student-facing types (rl_lock, rl_sem, ...) are that struct under another
 * name. The logical state (value, owner, depth, waiters) is kept by both
 * backends, so that display, misuse checks and deadlock reports work the
 * same way on sim and os. A backend keeps its own extra state behind `os`
 * (pthread primitives) or in its run-level state.
 *
 * Concurrency: on sim everything is touched by one OS thread. On os, the
 * fields marked "atomic" are read by the watchdog and the UI while lab
 * threads change them; they are only used for display and reports, the real
 * synchronization is done by the pthread primitive behind `os`.
 */
#ifndef RL_ENGINE_H
#define RL_ENGINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "racelab.h"
#include "run.h"
#include "mem.h"

#define RL_MAX_CHECKS 32
/* Objects one run may create: far more than any program needs, so that a
 * student creating objects in a loop gets RL_ERR_LIMIT, not all memory. */
#define RL_OBJ_LIMIT 16384

struct rl_obj {
    enum rl_obj_kind kind;
    int id;
    char name[RL_NAME_MAX];
    struct rl_run *run;
    _Atomic long value;   /* atomic: var value, semaphore count, event flag,
                             barrier arrivals in the current round */
    long limit;           /* semaphore initial value, barrier parties;
                             a plain C memory variable: its address in
                             the program's process (for the race analysis'
                             byte ranges and their names; never shown) */
    _Atomic int owner;    /* atomic: lock holder / RLock owner, -1 if free */
    _Atomic int depth;    /* atomic: RLock recursion depth (Lock: 0 or 1) */
    struct rl_obj *lock;  /* Condition: its lock */
    bool broken;          /* Barrier: broken (timeout) */
    bool patient;         /* sim: timed waits on it are no schedule choice
                             (rl_barrier_patient) */
    long generation;      /* Barrier: round number */
    /* Threads blocked on this object, FIFO. sim: engine-owned; os: guarded
     * by the run's display mutex (os.c). */
    int nwait;
    int16_t wait[RL_MAX_THREADS];
    /* Semaphore: threads holding a unit, in acquire order (display). */
    int nhold;
    int16_t hold[RL_MAX_THREADS];
    void *os;             /* os backend: the real primitive(s) */
    bool posix;           /* made by a plain C program (posix.h): records
                             read in POSIX words (sem_wait, cond_signal) */
    void *addr;           /* plain C memory variable: where it lives */
    int size;             /* ... and its size in bytes (1, 2, 4, 8) */
    /* A plain C memory variable's last access, when a C library call
     * made it on a range of bytes (rl_record_push keeps it): the text id
     * of those bytes + 1 (0: none), and the value it left, so that
     * rl_value_text shows the text while the variable still holds it. */
    long text;
    long text_value;
};

/* The student-facing handles are rl_obj. */
struct rl_var { struct rl_obj o; };
struct rl_lock { struct rl_obj o; };
struct rl_sem { struct rl_obj o; };
struct rl_cond { struct rl_obj o; };
struct rl_event { struct rl_obj o; };
struct rl_barrier { struct rl_obj o; };

struct rl_thread {
    int id;
    char name[RL_NAME_MAX];
    void (*fn)(void *);
    void *arg;
    struct rl_run *run;
    _Atomic int state;        /* enum rl_thread_state; atomic for os */
    struct rl_obj *_Atomic waiting_on; /* object blocked on, or NULL */
    _Atomic int join_target;  /* thread joined, or -1 */
    long deadline;            /* sim: virtual ms when a timed wait ends, -1 */
    bool timed_out;           /* sim: the timed wait ended by timeout */
    bool notified;            /* sim: woken by notify / set / barrier */
    int saved_depth;          /* Condition.wait on an RLock: depth to restore */
    int wait_result;          /* sim: barrier index or error for the waiter */
    uint64_t steps;
    void *backend;            /* sim: fiber; os: pthread state */
    uintptr_t pc;             /* plain C: call site of the current call */
    uint8_t mo;               /* plain C: the enum rl_mem_order of the
                                 atomic being recorded, else 0 */
    struct rl_obj *pend;      /* plain C: a store whose record is pending */
    long pend_before;
    uintptr_t pend_pc;
    uint32_t pend_len;        /* ... its bytes (a plain store's width, or
                                 the range a C library call writes), and
                                 its enum rl_mem_fn (0: a plain store) */
    uint8_t pend_fn;
    const void *pend_src;     /* ... a copy that is made after this step
                                 (a struct assignment: the compiler's
                                 write range, then its read range, then
                                 the copy): the bytes it will write, to
                                 record at the read's step; else NULL */
};

/* The operations a backend implements. ms < 0 waits forever, ms == 0 does
 * not block (try), ms > 0 is a timeout. Each returns an rl_status (or a
 * value, for vars and barriers) and makes the record(s) of the call. */
struct rl_backend_ops {
    int (*run_init)(struct rl_run *run, char *err, size_t errlen);
    void (*run_fini)(struct rl_run *run);
    int (*obj_init)(struct rl_obj *o);      /* after the generic fields */
    void (*obj_fini)(struct rl_obj *o);
    int (*thread_init)(struct rl_thread *t);
    void (*thread_fini)(struct rl_thread *t);

    enum rl_end (*step)(struct rl_run *run, int tid, char *err, size_t len);
    enum rl_end (*finish)(struct rl_run *run);
    int (*start)(struct rl_run *run, char *err, size_t errlen);
    enum rl_end (*poll)(struct rl_run *run);

    struct rl_thread *(*self)(void);        /* the calling lab thread */
    long (*var_op)(struct rl_obj *v, enum rl_op op, long arg);
    int (*lock_acquire)(struct rl_obj *l, long ms);
    int (*lock_release)(struct rl_obj *l);
    int (*sem_acquire)(struct rl_obj *s, long ms);
    int (*sem_release)(struct rl_obj *s);
    int (*cond_wait)(struct rl_obj *c, long ms);
    int (*cond_notify)(struct rl_obj *c, bool all);
    void (*event_set)(struct rl_obj *e, bool set);
    bool (*event_is_set)(struct rl_obj *e);
    int (*event_wait)(struct rl_obj *e, long ms);
    int (*barrier_wait)(struct rl_obj *b, long ms);
    void (*join)(struct rl_thread *t);
    void (*yield)(void);
    void (*sleep)(long ms);
    void (*fail)(struct rl_thread *self, int check); /* record RL_OP_FAIL */
    /* A running lab thread self starts thread t: called with t NULL before
     * t exists (sim: the scheduling point), then with t once it is listed
     * (record RL_OP_SPAWN; os: start its pthread). */
    void (*spawn)(struct rl_thread *self, struct rl_thread *t);
};

extern const struct rl_backend_ops rl_sim_ops;
extern const struct rl_backend_ops rl_os_ops;
/* A program in a child process (core/mirror.c). */
extern const struct rl_backend_ops rl_mirror_ops;
/* os: records lost because a thread's ring filled before a merge. */
uint64_t rl_os_dropped(const struct rl_run *run);
/* os: take / release the lock that guards what the live view copies of a
 * running run (wait and hold lists; os_block.c). */
void rl_os_view_lock(const struct rl_run *run);
void rl_os_view_unlock(const struct rl_run *run);
/* os: keep an abandoned run until its threads have exited, then free it
 * (rl_run_destroy calls this); free those whose threads are gone now. */
void rl_os_bury(struct rl_run *run);
void rl_os_sweep(void);

struct rl_check_slot {
    char name[48];
    bool ok;
    int count;          /* failures recorded under this name */
    char message[256];
};

struct rl_arena_block;

struct rl_run {
    struct rl_run_config cfg;
    const struct rl_backend_ops *ops;
    enum rl_end end;
    bool checked;             /* checks evaluated */
    bool in_setup;

    struct rl_obj **objs;     /* grown on demand (api.c) */
    int nobjs, objs_cap;
    struct rl_thread *threads[RL_MAX_THREADS];
    int nthreads;

    /* Records: a ring of the newest cfg.max_records records, seq
     * first..last, in chunks of chunk_len records that are allocated once,
     * when the ring first reaches them, and reused once it wraps: a long
     * run never copies its records and, past its first window, touches no
     * new memory (run.c). Record seq sits at ring position seq % ring_cap
     * (ring_cap = nchunks x chunk_len >= max_records). */
    struct rl_record **chunks; /* chunks_made of nchunks, in order */
    size_t nchunks, chunk_len, ring_cap;
    size_t chunks_made;       /* chunks allocated so far */
    size_t chunks_cap;        /* slots of the table chunks */
    size_t head;              /* ring position of the next record */
    uint64_t rec_first;       /* 0 when empty */
    uint64_t rec_last;

    struct rl_check_slot checks[RL_MAX_CHECKS];
    int nchecks;
    _Atomic uint64_t misuse_count;
    char misuse_first[160];   /* the first misuse, for the check message */

    char **texts;             /* rl_run_text: program output, by id */
    long ntexts, texts_cap;

    struct rl_arena_block *arena;
    char end_msg[256];        /* why the run ended, set by the backend for
                                 DIVERGED / TIMEOUT / STEP_LIMIT */
    void *sim;                /* sim.c's state */
    void *os;                 /* os.c's state */
    bool abandoned;           /* os: threads stuck; never free */
    long exit_status;         /* RL_END_EXIT: the status */
    void *mirror;             /* mirror.c's state: the run is in a child */
    bool plain;               /* a plain C program (core/plainc/): messages
                                 speak of its code, not of the racelab API */
    struct rl_value_map *values; /* a C program's memory regions, for its
                                    values in words (value.h), or NULL */
};

/* mirror.c: create a mirror run of cfg->program.external (rl_run_create
 * does when the program is external), and the sim inspection of a mirror
 * run (sim.c's functions ask when run->mirror is set). */
struct rl_run *rl_mirror_create(const struct rl_run_config *cfg, char *err,
                                size_t errlen);
uint64_t rl_mirror_steps(const struct rl_run *run);
long rl_mirror_now(const struct rl_run *run);
bool rl_mirror_runnable(const struct rl_run *run, int tid);
/* The child's choices, as the mirror logs them (choice_log.h). */
struct choice_log;
const struct choice_log *rl_mirror_choice_log(const struct rl_run *run);
int rl_mirror_preemptions(const struct rl_run *run);
int rl_mirror_set_sched(struct rl_run *run, const struct rl_sched *sched,
                        char *err, size_t errlen);
/* rl_explore of an external program: the search runs in the child. */
struct rl_explore_config;
struct rl_explore_result;
int rl_mirror_explore(const struct rl_explore_config *cfg,
                      struct rl_explore_result *res);


/* The run the calling OS thread works on (set by setup, sim, and each os
 * lab thread). */
extern _Thread_local struct rl_run *rl_current;

/* Append a record (assigns seq) and call on_record. sim and setup only;
 * os merges its per-thread buffers through rl_record_push. */
void rl_record_push(struct rl_run *run, const struct rl_record *rec);
/* sim.c: rl_run_storage's choice_bytes, choice_groups (the compact log:
 * run's own, or a mirror's) and replay_bytes (0 when it is no sim run). */
struct rl_run_storage;
void sim_storage(const struct rl_run *run, struct rl_run_storage *out);
/* sim: a safe point inside a step (rl_alloc): a lab thread over its CPU
 * budget (watchdog.h) is stopped here for good and the run ends as
 * RL_END_TIMEOUT; otherwise returns at once. Does nothing on os. */
void rl_sim_safe_point(struct rl_run *run);
/* Note a misuse (counts it and keeps the first message). */
void rl_note_misuse(struct rl_run *run, int tid, struct rl_obj *o, int status,
                    uint64_t seq);
/* The same, for a misuse of something that is not one object ("Queue q"). */
void rl_note_misuse_named(struct rl_run *run, int tid, const char *what,
                          int status, uint64_t seq);
/* Add a failure under check name; returns the check index. */
int rl_check_fail(struct rl_run *run, const char *name, const char *msg);
/* Run the program's checks and the engine's; once. */
void rl_run_evaluate(struct rl_run *run);
/* The object that holds what obj is waiting for (owner of a lock), or -1. */
int rl_obj_holder(const struct rl_obj *o);
/* Print-free fatal error for broken invariants: reports file:line, aborts. */
_Noreturn void rl_panic(const char *file, int line, const char *msg);
#define RL_ASSERT(c)                                                       \
    do {                                                                   \
        if (!(c))                                                          \
            rl_panic(__FILE__, __LINE__, #c);                              \
    } while (0)
/* Keep a copy of text (len bytes) in the run; returns its id for
 * rl_run_text. */
long rl_run_text_add(struct rl_run *run, const char *text, size_t len);
/* A new object of kind k in run (name NULL: a default name). */
struct rl_obj *rl_obj_create(struct rl_run *run, enum rl_obj_kind k,
                             const char *name, long value, long limit);
/* Zeroed memory from the run's arena (freed with the run). */
void *rl_run_alloc(struct rl_run *run, size_t size);

#endif
