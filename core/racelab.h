/* SPDX-License-Identifier: MIT */
/*
 * racelab.h - the student API: what every lab, exercise and solution uses.
 *
 * The vocabulary follows Python's threading module: Lock, RLock, Semaphore,
 * BoundedSemaphore, Condition, Event, Barrier, and thread start / join.
 * Shared memory is explicit: a shared variable is an rl_var, and reading or
 * writing it is a call (rl_load, rl_store), so that "counter++" is written
 * as the load / add / store that the course explains.
 *
 * Every call below is an event in the run's trace. On the sim backend every
 * call is also a scheduling point: the scheduler may switch to another
 * thread just before the call takes effect. On the os backend the calls map
 * to real pthread primitives on real cores.
 *
 * Objects are created during a lab's setup (before its threads start) and
 * belong to the current run: they are freed when the run is destroyed, so
 * nothing here has a destroy function.
 *
 * Errors follow Python: misuse (releasing an unlocked Lock, releasing an
 * RLock you do not own, over-releasing a BoundedSemaphore, wait / notify on a
 * Condition whose lock you do not hold) is recorded as an event and returned
 * as an error code; it never crashes. rl_strerror() gives Python's message.
 *
 * So is misuse of the API itself: a NULL object, a negative count, a
 * per-run limit reached (RL_ERR_LIMIT: objects or threads created in
 * every call instead of once). The call returns RL_ERR_ARG or
 * RL_ERR_LIMIT (a create function returns NULL; a function returning a
 * value returns 0 or false; rl_barrier_wait returns -RL_ERR_ARG), and
 * the run records a misuse that names the call, so its "no misuse" check
 * fails with that message.
 */
#ifndef RACELAB_H
#define RACELAB_H

#include <stdbool.h>

/* Status codes returned by the API. Zero is success. */
enum rl_status {
    RL_OK = 0,
    RL_TIMEOUT = 1,      /* not acquired: timed out, or would block */
    RL_ERR_UNLOCKED = 2, /* Lock.release(): "release unlocked lock" */
    RL_ERR_NOT_OWNER =
        3, /* RLock.release(): "cannot release un-acquired lock" */
    RL_ERR_TOO_MANY =
        4, /* BoundedSemaphore: "Semaphore released too many times" */
    RL_ERR_WAIT_UNHELD =
        5, /* Condition.wait(): "cannot wait on un-acquired lock" */
    RL_ERR_NOTIFY_UNHELD =
        6, /* Condition.notify(): "cannot notify on un-acquired lock" */
    RL_ERR_BROKEN = 7,    /* Barrier: BrokenBarrierError */
    RL_ERR_ARG = 8,       /* a bad argument (NULL object, negative count) */
    RL_ERR_TASK_DONE = 9, /* Queue.task_done(): "task_done() called too many
                             times" */
    RL_ERR_LIMIT = 10,    /* too many objects or threads in one run */
};

/* Python's message for a status code ("release unlocked lock", ...). */
const char *rl_strerror(int status);

/* ---- threads ---------------------------------------------------------- */

typedef struct rl_thread rl_thread;

/* Start a thread running fn(arg), named name (copied; NULL gives "T<id>").
 * Call from a lab's setup. Thread ids are 0, 1, 2, ... in start order. */
rl_thread *rl_thread_start(const char *name, void (*fn)(void *), void *arg);
/* Wait until thread t has finished (Thread.join()). */
void rl_thread_join(rl_thread *t);
/* The calling thread's id (0-based), or -1 outside a lab thread. */
int rl_self(void);
/* The calling thread's name, or "setup" outside a lab thread. */
const char *rl_thread_name(void);
/* Give other threads a chance to run (a scheduling point and nothing else). */
void rl_yield(void);
/* Sleep ms milliseconds: real time on os, virtual time on sim (virtual time
 * advances only when no thread can run). */
void rl_sleep_ms(long ms);

/* ---- shared variables ------------------------------------------------- */

typedef struct rl_var rl_var;

/* A shared integer variable named name, holding value. */
rl_var *rl_var_create(const char *name, long value);
/* Read the variable (one step). */
long rl_load(rl_var *v);
/* Write the variable (one step). */
void rl_store(rl_var *v, long value);
/* Add delta and return the old value, as one atomic step. */
long rl_fetch_add(rl_var *v, long delta);
/* The value without an event or a scheduling point: for checks after a run
 * and for setup, never for thread bodies. */
long rl_var_peek(const rl_var *v);
/* An array of n shared variables, each holding value, named name[0] ..
 * name[n-1] in traces ("buffer[3]"): a[i] is the variable of element i.
 * The array belongs to the run. NULL (a misuse) when n < 1 or the run's
 * objects are used up. */
rl_var **rl_var_array_create(const char *name, int n, long value);

/* ---- Lock and RLock --------------------------------------------------- */

typedef struct rl_lock rl_lock;

/* A Lock: not owned, so any thread may release it; releasing an unlocked
 * Lock is an error. */
rl_lock *rl_lock_create(const char *name);
/* An RLock: owned, counts recursion; only the owner may release it. */
rl_lock *rl_rlock_create(const char *name);
/* An array of n Locks named name[0] .. name[n-1] (one per bucket, per
 * account, per fork ...); NULL (a misuse) when n < 1 or the run's objects
 * are used up. */
rl_lock **rl_lock_array_create(const char *name, int n);
/* acquire(): block until acquired. Returns RL_OK. */
int rl_lock_acquire(rl_lock *l);
/* acquire(blocking=False): RL_OK if acquired, RL_TIMEOUT if not. */
int rl_lock_try_acquire(rl_lock *l);
/* acquire(timeout=ms/1000): RL_OK, or RL_TIMEOUT after ms milliseconds.
 * A negative ms waits forever. */
int rl_lock_acquire_timeout(rl_lock *l, long ms);
/* release(): RL_OK, RL_ERR_UNLOCKED (Lock) or RL_ERR_NOT_OWNER (RLock). */
int rl_lock_release(rl_lock *l);
/* locked(): whether the lock is held (no event, no scheduling point). */
bool rl_lock_locked(const rl_lock *l);

/* ---- Semaphore and BoundedSemaphore ----------------------------------- */

typedef struct rl_sem rl_sem;

/* Semaphore(value). */
rl_sem *rl_semaphore_create(const char *name, long value);
/* BoundedSemaphore(value): releasing above value is an error. */
rl_sem *rl_bounded_semaphore_create(const char *name, long value);
/* acquire(): block while the count is zero, then decrement. RL_OK. */
int rl_sem_acquire(rl_sem *s);
/* acquire(blocking=False): RL_OK or RL_TIMEOUT. */
int rl_sem_try_acquire(rl_sem *s);
/* acquire(timeout): RL_OK or RL_TIMEOUT; negative ms waits forever. */
int rl_sem_acquire_timeout(rl_sem *s, long ms);
/* release(): increment, waking one waiter. RL_ERR_TOO_MANY if bounded and
 * the count would exceed the initial value (the count is unchanged). */
int rl_sem_release(rl_sem *s);
/* The current count (no event, no scheduling point). */
long rl_sem_value(const rl_sem *s);

/* ---- Condition -------------------------------------------------------- */

typedef struct rl_cond rl_cond;

/* Condition(lock): bound to a Lock or an RLock; NULL creates an RLock
 * (as Python does). */
rl_cond *rl_cond_create(const char *name, rl_lock *lock);
/* The lock the condition is bound to. */
rl_lock *rl_cond_lock(rl_cond *c);
/* wait(): release the lock (fully, for an RLock), wait for a notify, then
 * re-acquire. RL_OK, or RL_ERR_WAIT_UNHELD if the caller does not hold the
 * lock. Like Python, a notified waiter must re-check its predicate. */
int rl_cond_wait(rl_cond *c);
/* wait(timeout): RL_OK if notified, RL_TIMEOUT if not within ms (the lock
 * is re-acquired either way). */
int rl_cond_wait_timeout(rl_cond *c, long ms);
/* notify(): wake one waiter, if any. RL_ERR_NOTIFY_UNHELD without the lock. */
int rl_cond_notify(rl_cond *c);
/* notify_all(): wake every waiter. */
int rl_cond_notify_all(rl_cond *c);

/* ---- Event ------------------------------------------------------------ */

typedef struct rl_event rl_event;

rl_event *rl_event_create(const char *name);
/* set(): set the flag and wake every waiter. */
void rl_event_set(rl_event *e);
/* clear(): reset the flag. */
void rl_event_clear(rl_event *e);
/* is_set(): read the flag (one step). */
bool rl_event_is_set(rl_event *e);
/* wait(): block until the flag is set. RL_OK. */
int rl_event_wait(rl_event *e);
/* wait(timeout): RL_OK if set, RL_TIMEOUT if not within ms. */
int rl_event_wait_timeout(rl_event *e, long ms);

/* ---- Barrier ---------------------------------------------------------- */

typedef struct rl_barrier rl_barrier;

/* Barrier(parties). */
rl_barrier *rl_barrier_create(const char *name, int parties);
/* wait(): block until parties threads have called wait; returns the arrival
 * index 0 .. parties-1 (like Python), or -RL_ERR_BROKEN if the barrier is
 * broken. */
int rl_barrier_wait(rl_barrier *b);
/* wait(timeout): as wait(); a timeout breaks the barrier (-RL_ERR_BROKEN
 * for the caller and every waiter), as in Python. */
int rl_barrier_wait_timeout(rl_barrier *b, long ms);

/* ---- Queue ------------------------------------------------------------ */

/* Python's queue.Queue of long items, built the way CPython builds it: a
 * Lock (NAME.mutex) and three Conditions on it (NAME.not_empty,
 * NAME.not_full, NAME.all_tasks_done), so every step of put and get shows
 * in the trace. NAME.size and NAME.unfinished are shared variables kept
 * up to date for display. */
typedef struct rl_queue rl_queue;

/* Queue(maxsize): maxsize <= 0 is unbounded. */
rl_queue *rl_queue_create(const char *name, long maxsize);
/* put(item): block while the queue is full. RL_OK. */
int rl_queue_put(rl_queue *q, long item);
/* put(item, timeout): RL_OK, or RL_TIMEOUT (queue.Full) if still full
 * after waiting ms; 0 is put_nowait(). */
int rl_queue_put_timeout(rl_queue *q, long item, long ms);
/* get(): block while the queue is empty; the item goes to *item. RL_OK. */
int rl_queue_get(rl_queue *q, long *item);
/* get(timeout): RL_OK, or RL_TIMEOUT (queue.Empty) if still empty after
 * waiting ms; 0 is get_nowait(). */
int rl_queue_get_timeout(rl_queue *q, long *item, long ms);
/* qsize(): the number of items (taken under the queue's lock). */
long rl_queue_qsize(rl_queue *q);
/* task_done(): one item got from the queue is fully processed.
 * RL_ERR_TASK_DONE if called more times than items were put. */
int rl_queue_task_done(rl_queue *q);
/* join(): block until every item put has been marked task_done. */
void rl_queue_join(rl_queue *q);

/* ---- for labs: checks during a run ------------------------------------ */

/* Record that a check failed at this point of the run ("4 workers inside at
 * once, limit 3"). The message is formatted like printf. It is an event, not
 * a scheduling point, and the run goes on. */
void rl_fail(const char *check, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Memory owned by the current run, zeroed, freed when the run is destroyed.
 * For a lab's or an exercise's state. Returns NULL only outside a run or
 * for more than RL_ALLOC_MAX bytes at once (a misuse, RL_ERR_LIMIT). */
#define RL_ALLOC_MAX (64UL << 20)
void *rl_alloc(unsigned long size);

#endif
