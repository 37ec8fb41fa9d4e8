/* SPDX-License-Identifier: MIT */
/*
 * sim_impl.h - what the files of the sim backend share, and nothing else:
 * the run state, the few helpers one file calls in the other, and the
 * primitive operations that the backend vtable points at. The rest of the
 * engine sees only rl_sim_ops (engine.h) and the sim functions of run.h.
 *
 *   sim.c         the engine loop (one step = one synchronization action),
 *                 the backend's life, rl_sim_ops, the watchdog and the
 *                 sim-specific inspection of run.h
 *   sim_prims.c   the primitives: shared variables, Lock, RLock,
 *                 (Bounded)Semaphore, Condition, Event, Barrier, join,
 *                 yield, sleep, fail, and how a call blocks and is woken
 *
 * Everything here is private to the one OS thread that owns the run: lab
 * threads are fibers on it, so no field needs a lock.
 */
#ifndef RL_SIM_IMPL_H
#define RL_SIM_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "choice_log.h"
#include "engine.h"
#include "rrpick.h"
#include "sched.h"

/* The backend's run state (run->sim). */
struct sim {
    struct fiber *main;    /* the engine's context (caller's stack) */
    struct rl_thread *cur; /* thread running the current step */
    bool in_thread;        /* a fiber is running (not setup / checks) */
    uint64_t step;         /* steps taken */
    long now;              /* virtual time, ms */
    struct rl_sched cfg;   /* scheduler configuration (choices copied) */
    char *replay_copy;     /* owned copy of cfg.choices, which the
                              replay scheduler reads as it goes */
    size_t replay_len;     /* its length */
    struct sched sched;
    bool sched_ready; /* sched initialised (needs the thread count) */
    struct choice_log log; /* the choices made, compact (choice_log.h) */
    int preemptions;       /* picks other than rr's (rrpick.h) */
    struct rrpick rr;      /* what rr's pick depends on, fed by sim_rec */
    int last;      /* thread that ran the previous step, or -1 */
    bool diverged; /* a notify choice could not follow replay */
    bool stuck;    /* a thread was stopped by the watchdog */
    bool failed;   /* a lab thread's rl_fail(): the run ends after this
                      step (RL_END_FAILED) */
    enum rl_end forced; /* plain C: exit / assert / crash ended the run */
};

/* The sim state of a run whose backend is sim. */
static inline struct sim *sim_of(const struct rl_run *run)
{
    return run->sim;
}

/* ---- sim.c --------------------------------------------------------------- */

/* Append tid to the choices made (a schedule string is built from them);
 * aborts on out of memory. */
void sim_note_choice(struct sim *s, int tid);

/* ---- sim_prims.c --------------------------------------------------------- */

/* Push one record of t's call (t NULL: made by setup or checks) on o (NULL
 * for thread calls); other is the thread it names, or -1. */
void sim_rec(struct rl_run *run, const struct rl_thread *t, enum rl_op op,
             enum rl_result res, const struct rl_obj *o, int other, long arg,
             long before, long after);
/* sim_rec for a LOAD or STORE of len bytes from memory variable o's
 * address (struct rl_record's len), made by C library call fn (0: a
 * plain access of the program). */
void sim_rec_range(struct rl_run *run, const struct rl_thread *t,
                   enum rl_op op, const struct rl_obj *o, long arg,
                   long before, long after, int fn, uint32_t len);
/* Make a blocked thread runnable and take it off its wait queue. */
void sim_wake(struct rl_thread *t);
/* The thread running a step, after its scheduling point (its pending
 * store recorded first); NULL outside a lab thread. */
struct rl_thread *sim_enter(struct rl_run *run);
/* Block t on o (NULL: join or sleep) until woken or the virtual deadline
 * (-1: none); returns when t is picked again. */
void sim_block(struct sim *s, struct rl_thread *t, struct rl_obj *o,
               long deadline);
/* Wake the longest waiter of o (its id, or -1); wake every waiter (how
 * many), setting their wait_result to result if set_result. */
int sim_wake_first(struct rl_run *run, struct rl_obj *o);
int sim_wake_all(struct rl_run *run, struct rl_obj *o, bool set_result,
                 int result);
/* Which waiter of c a notify by t wakes: an index into c->wait (a choice
 * point when there are several). */
int sim_choose_waiter(struct rl_run *run, struct rl_thread *t,
                      struct rl_obj *c);
/* Record t's misuse of o (status) and note it in the run. */
void sim_misuse(struct rl_run *run, struct rl_thread *t, enum rl_op op,
                struct rl_obj *o, int status);
/* Semaphore holders for display: add tid, remove tid (or the oldest). */
void sim_hold_add(struct rl_obj *s, int tid);
void sim_hold_remove(struct rl_obj *s, int tid);
/* The calling thread's body is over: record its finish, wake its joiners
 * and leave its fiber for good (sim.c). */
_Noreturn void sim_thread_end(struct rl_thread *t);

/* The primitive operations of rl_sim_ops (see struct rl_backend_ops). */
long sim_var_op(struct rl_obj *v, enum rl_op op, long arg);
int sim_lock_acquire(struct rl_obj *l, long ms);
int sim_lock_release(struct rl_obj *l);
int sim_sem_acquire(struct rl_obj *sm, long ms);
int sim_sem_release(struct rl_obj *sm);
int sim_cond_wait(struct rl_obj *c, long ms);
int sim_cond_notify(struct rl_obj *c, bool all);
void sim_event_set(struct rl_obj *e, bool set);
bool sim_event_is_set(struct rl_obj *e);
int sim_event_wait(struct rl_obj *e, long ms);
int sim_barrier_wait(struct rl_obj *b, long ms);
void sim_join(struct rl_thread *target);
void sim_yield(void);
void sim_sleep(long ms);
void sim_fail(struct rl_thread *self, int check);
void sim_spawn(struct rl_thread *self, struct rl_thread *t);

#endif
