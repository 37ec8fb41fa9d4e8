/* SPDX-License-Identifier: MIT */
/*
 * prt_sync.c - pthread mutexes, condition variables, rwlocks, barriers,
 * spinlocks, once and POSIX semaphores as engine objects (core/posix.h).
 *
 * An object is found by the address of the program's pthread_mutex_t (or
 * other) and created on first use, so the static initialisers work
 * without a call: a mutex created that way takes its type from what the
 * initialiser wrote (glibc's __kind field: PTHREAD_RECURSIVE_MUTEX_
 * INITIALIZER_NP and friends). pthread_*_init creates a new object at the
 * address with the attributes given; destroy forgets it. The program's
 * own structures are never touched by the real functions during a run.
 *
 * Timed calls take an absolute time of the virtual clock (prt_libc.c);
 * the *_clock* forms (glibc 2.30) are the same, both clocks being one.
 * Outside a run, or from the engine, every call goes to the real
 * function.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>

#include "prt.h"

/* The real functions, for calls that are not the program's. */
int __real_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a);
int __real_pthread_mutex_destroy(pthread_mutex_t *m);
int __real_pthread_mutex_lock(pthread_mutex_t *m);
int __real_pthread_mutex_trylock(pthread_mutex_t *m);
int __real_pthread_mutex_timedlock(pthread_mutex_t *m,
                                   const struct timespec *t);
int __real_pthread_mutex_unlock(pthread_mutex_t *m);
int __real_pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a);
int __real_pthread_cond_destroy(pthread_cond_t *c);
int __real_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int __real_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                                  const struct timespec *t);
int __real_pthread_cond_signal(pthread_cond_t *c);
int __real_pthread_cond_broadcast(pthread_cond_t *c);
int __real_pthread_rwlock_init(pthread_rwlock_t *r,
                               const pthread_rwlockattr_t *a);
int __real_pthread_rwlock_destroy(pthread_rwlock_t *r);
int __real_pthread_rwlock_rdlock(pthread_rwlock_t *r);
int __real_pthread_rwlock_wrlock(pthread_rwlock_t *r);
int __real_pthread_rwlock_tryrdlock(pthread_rwlock_t *r);
int __real_pthread_rwlock_trywrlock(pthread_rwlock_t *r);
int __real_pthread_rwlock_timedrdlock(pthread_rwlock_t *r,
                                      const struct timespec *t);
int __real_pthread_rwlock_timedwrlock(pthread_rwlock_t *r,
                                      const struct timespec *t);
int __real_pthread_rwlock_unlock(pthread_rwlock_t *r);
int __real_pthread_barrier_init(pthread_barrier_t *b,
                                const pthread_barrierattr_t *a, unsigned n);
int __real_pthread_barrier_destroy(pthread_barrier_t *b);
int __real_pthread_barrier_wait(pthread_barrier_t *b);
int __real_pthread_spin_init(pthread_spinlock_t *s, int pshared);
int __real_pthread_spin_destroy(pthread_spinlock_t *s);
int __real_pthread_spin_lock(pthread_spinlock_t *s);
int __real_pthread_spin_trylock(pthread_spinlock_t *s);
int __real_pthread_spin_unlock(pthread_spinlock_t *s);
int __real_pthread_once(pthread_once_t *o, void (*fn)(void));
int __real_sem_init(sem_t *s, int pshared, unsigned value);
int __real_sem_destroy(sem_t *s);
int __real_sem_wait(sem_t *s);
int __real_sem_trywait(sem_t *s);
int __real_sem_timedwait(sem_t *s, const struct timespec *t);
int __real_sem_post(sem_t *s);
int __real_sem_getvalue(sem_t *s, int *v);
int __real_pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
                                   const struct timespec *t);
int __real_pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
                                  clockid_t clk, const struct timespec *t);
int __real_pthread_rwlock_clockrdlock(pthread_rwlock_t *r, clockid_t clk,
                                      const struct timespec *t);
int __real_pthread_rwlock_clockwrlock(pthread_rwlock_t *r, clockid_t clk,
                                      const struct timespec *t);
int __real_sem_clockwait(sem_t *s, clockid_t clk, const struct timespec *t);

/* ---- objects by address -------------------------------------------------- */

/* The mutex type a static initialiser (or nothing) left in m. */
static long mutex_type(const pthread_mutex_t *m)
{
#ifdef __GLIBC__
    switch (m->__data.__kind & 3) {
    case PTHREAD_MUTEX_RECURSIVE:
        return RL_PX_MUTEX_RECURSIVE;
    case PTHREAD_MUTEX_ERRORCHECK:
        return RL_PX_MUTEX_ERRORCHECK;
    default:
        return RL_PX_MUTEX_NORMAL;
    }
#else
    (void)m;
    return RL_PX_MUTEX_NORMAL;
#endif
}

/* The engine object of mutex m. */
static struct rl_obj *mutex_of(pthread_mutex_t *m)
{
    struct rl_obj *o = prt_obj_find(m);
    if (o && o->kind == RL_OBJ_MUTEX)
        return o;
    return prt_obj(m, RL_OBJ_MUTEX, 0, mutex_type(m), sizeof(*m));
}

/* ms until the absolute virtual time ts, for a timed call: 0 means "try
 * now", so a passed deadline still takes what is free. */
static long timed_ms(const struct timespec *ts)
{
    long ms = prt_ms_until(ts);
    return ms > 0 ? ms : 0;
}

/* A try that failed at a passed deadline is a timeout. */
static int timed_result(int rc, long ms)
{
    return rc == EBUSY && ms == 0 ? ETIMEDOUT : rc;
}

/* ---- mutexes ------------------------------------------------------------- */

int __wrap_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_mutex_init(m, a);
    int type = PTHREAD_MUTEX_DEFAULT;
    if (a)
        pthread_mutexattr_gettype(a, &type);
    long pt = type == PTHREAD_MUTEX_RECURSIVE    ? RL_PX_MUTEX_RECURSIVE
              : type == PTHREAD_MUTEX_ERRORCHECK ? RL_PX_MUTEX_ERRORCHECK
                                                 : RL_PX_MUTEX_NORMAL;
    prt_in(t, PRT_PC());
    prt_obj_forget(m);
    prt_obj(m, RL_OBJ_MUTEX, 0, pt, sizeof(*m));
    prt_out(t);
    return 0;
}

int __wrap_pthread_mutex_destroy(pthread_mutex_t *m)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_mutex_destroy(m);
    struct rl_obj *o = prt_obj_find(m);
    if (o && atomic_load(&o->owner) >= 0)
        return EBUSY;
    prt_obj_forget(m);
    return 0;
}

/* Lock m waiting up to ms (see posix.h). */
static int mutex_lock(pthread_mutex_t *m, long ms, uintptr_t pc)
{
    struct rl_thread *t = prt_user();
    prt_in(t, pc);
    int rc = rl_px_mutex_lock(mutex_of(m), ms);
    prt_out(t);
    return rc;
}

int __wrap_pthread_mutex_lock(pthread_mutex_t *m)
{
    if (!prt_user())
        return __real_pthread_mutex_lock(m);
    return mutex_lock(m, -1, PRT_PC());
}

int __wrap_pthread_mutex_trylock(pthread_mutex_t *m)
{
    if (!prt_user())
        return __real_pthread_mutex_trylock(m);
    return mutex_lock(m, 0, PRT_PC());
}

int __wrap_pthread_mutex_timedlock(pthread_mutex_t *m,
                                   const struct timespec *ts)
{
    if (!prt_user())
        return __real_pthread_mutex_timedlock(m, ts);
    long ms = timed_ms(ts);
    return timed_result(mutex_lock(m, ms, PRT_PC()), ms);
}

int __wrap_pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
                                   const struct timespec *ts)
{
    if (!prt_user())
        return __real_pthread_mutex_clocklock(m, clk, ts);
    long ms = timed_ms(ts);
    return timed_result(mutex_lock(m, ms, PRT_PC()), ms);
}

int __wrap_pthread_mutex_unlock(pthread_mutex_t *m)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_mutex_unlock(m);
    prt_in(t, PRT_PC());
    int rc = rl_px_mutex_unlock(mutex_of(m));
    prt_out(t);
    return rc;
}

/* ---- condition variables ------------------------------------------------- */

int __wrap_pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_cond_init(c, a);
    prt_in(t, PRT_PC());
    prt_obj_forget(c);
    prt_obj(c, RL_OBJ_CONDITION, 0, 0, sizeof(*c));
    prt_out(t);
    return 0;
}

int __wrap_pthread_cond_destroy(pthread_cond_t *c)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_cond_destroy(c);
    struct rl_obj *o = prt_obj_find(c);
    if (o && o->nwait > 0)
        return EBUSY;
    prt_obj_forget(c);
    return 0;
}

/* Wait on c with m, up to ms. */
static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, long ms,
                     uintptr_t pc)
{
    struct rl_thread *t = prt_user();
    prt_in(t, pc);
    struct rl_obj *mo = mutex_of(m);
    int rc =
        rl_px_cond_wait(prt_obj(c, RL_OBJ_CONDITION, 0, 0, sizeof(*c)), mo, ms);
    prt_out(t);
    return rc;
}

int __wrap_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    if (!prt_user())
        return __real_pthread_cond_wait(c, m);
    return cond_wait(c, m, -1, PRT_PC());
}

int __wrap_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                                  const struct timespec *ts)
{
    if (!prt_user())
        return __real_pthread_cond_timedwait(c, m, ts);
    return cond_wait(c, m, timed_ms(ts), PRT_PC());
}

int __wrap_pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m,
                                  clockid_t clk, const struct timespec *ts)
{
    if (!prt_user())
        return __real_pthread_cond_clockwait(c, m, clk, ts);
    return cond_wait(c, m, timed_ms(ts), PRT_PC());
}

/* Signal one waiter or all. */
static int cond_signal(pthread_cond_t *c, bool all, uintptr_t pc)
{
    struct rl_thread *t = prt_user();
    prt_in(t, pc);
    int rc =
        rl_px_cond_signal(prt_obj(c, RL_OBJ_CONDITION, 0, 0, sizeof(*c)), all);
    prt_out(t);
    return rc;
}

int __wrap_pthread_cond_signal(pthread_cond_t *c)
{
    if (!prt_user())
        return __real_pthread_cond_signal(c);
    return cond_signal(c, false, PRT_PC());
}

int __wrap_pthread_cond_broadcast(pthread_cond_t *c)
{
    if (!prt_user())
        return __real_pthread_cond_broadcast(c);
    return cond_signal(c, true, PRT_PC());
}

/* ---- rwlocks ------------------------------------------------------------- */

int __wrap_pthread_rwlock_init(pthread_rwlock_t *r,
                               const pthread_rwlockattr_t *a)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_rwlock_init(r, a);
    prt_in(t, PRT_PC());
    prt_obj_forget(r);
    prt_obj(r, RL_OBJ_RWLOCK, 0, 0, sizeof(*r));
    prt_out(t);
    return 0;
}

int __wrap_pthread_rwlock_destroy(pthread_rwlock_t *r)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_rwlock_destroy(r);
    prt_obj_forget(r);
    return 0;
}

/* Read- or write-lock r, waiting up to ms. */
static int rw_lock(pthread_rwlock_t *r, bool write, long ms, uintptr_t pc)
{
    struct rl_thread *t = prt_user();
    prt_in(t, pc);
    int rc = rl_px_rwlock_lock(prt_obj(r, RL_OBJ_RWLOCK, 0, 0, sizeof(*r)),
                               write, ms);
    prt_out(t);
    return rc;
}

int __wrap_pthread_rwlock_rdlock(pthread_rwlock_t *r)
{
    if (!prt_user())
        return __real_pthread_rwlock_rdlock(r);
    return rw_lock(r, false, -1, PRT_PC());
}

int __wrap_pthread_rwlock_wrlock(pthread_rwlock_t *r)
{
    if (!prt_user())
        return __real_pthread_rwlock_wrlock(r);
    return rw_lock(r, true, -1, PRT_PC());
}

int __wrap_pthread_rwlock_tryrdlock(pthread_rwlock_t *r)
{
    if (!prt_user())
        return __real_pthread_rwlock_tryrdlock(r);
    return rw_lock(r, false, 0, PRT_PC());
}

int __wrap_pthread_rwlock_trywrlock(pthread_rwlock_t *r)
{
    if (!prt_user())
        return __real_pthread_rwlock_trywrlock(r);
    return rw_lock(r, true, 0, PRT_PC());
}

int __wrap_pthread_rwlock_timedrdlock(pthread_rwlock_t *r,
                                      const struct timespec *ts)
{
    if (!prt_user())
        return __real_pthread_rwlock_timedrdlock(r, ts);
    long ms = timed_ms(ts);
    return timed_result(rw_lock(r, false, ms, PRT_PC()), ms);
}

int __wrap_pthread_rwlock_timedwrlock(pthread_rwlock_t *r,
                                      const struct timespec *ts)
{
    if (!prt_user())
        return __real_pthread_rwlock_timedwrlock(r, ts);
    long ms = timed_ms(ts);
    return timed_result(rw_lock(r, true, ms, PRT_PC()), ms);
}

int __wrap_pthread_rwlock_clockrdlock(pthread_rwlock_t *r, clockid_t clk,
                                      const struct timespec *ts)
{
    if (!prt_user())
        return __real_pthread_rwlock_clockrdlock(r, clk, ts);
    long ms = timed_ms(ts);
    return timed_result(rw_lock(r, false, ms, PRT_PC()), ms);
}

int __wrap_pthread_rwlock_clockwrlock(pthread_rwlock_t *r, clockid_t clk,
                                      const struct timespec *ts)
{
    if (!prt_user())
        return __real_pthread_rwlock_clockwrlock(r, clk, ts);
    long ms = timed_ms(ts);
    return timed_result(rw_lock(r, true, ms, PRT_PC()), ms);
}

int __wrap_pthread_rwlock_unlock(pthread_rwlock_t *r)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_rwlock_unlock(r);
    prt_in(t, PRT_PC());
    int rc = rl_px_rwlock_unlock(prt_obj(r, RL_OBJ_RWLOCK, 0, 0, sizeof(*r)));
    prt_out(t);
    return rc;
}

/* ---- barriers ------------------------------------------------------------ */

int __wrap_pthread_barrier_init(pthread_barrier_t *b,
                                const pthread_barrierattr_t *a, unsigned n)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_barrier_init(b, a, n);
    if (n == 0)
        return EINVAL;
    prt_in(t, PRT_PC());
    prt_obj_forget(b);
    prt_obj(b, RL_OBJ_BARRIER, 0, (long)n, sizeof(*b));
    prt_out(t);
    return 0;
}

int __wrap_pthread_barrier_destroy(pthread_barrier_t *b)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_barrier_destroy(b);
    prt_obj_forget(b);
    return 0;
}

int __wrap_pthread_barrier_wait(pthread_barrier_t *b)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_barrier_wait(b);
    prt_in(t, PRT_PC());
    bool serial =
        rl_px_barrier_wait(prt_obj(b, RL_OBJ_BARRIER, 0, 1, sizeof(*b)));
    prt_out(t);
    return serial ? PTHREAD_BARRIER_SERIAL_THREAD : 0;
}

/* ---- spinlocks ----------------------------------------------------------- */

int __wrap_pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_spin_init(s, pshared);
    prt_in(t, PRT_PC());
    prt_obj_forget((void *)s);
    prt_obj((void *)s, RL_OBJ_SPINLOCK, 0, 0, sizeof(*s));
    prt_out(t);
    return 0;
}

int __wrap_pthread_spin_destroy(pthread_spinlock_t *s)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_spin_destroy(s);
    prt_obj_forget((void *)s);
    return 0;
}

/* Lock spinlock s; ms 0 = try. */
static int spin_lock(pthread_spinlock_t *s, long ms, uintptr_t pc)
{
    struct rl_thread *t = prt_user();
    prt_in(t, pc);
    int rc = rl_px_mutex_lock(
        prt_obj((void *)s, RL_OBJ_SPINLOCK, 0, 0, sizeof(*s)), ms);
    prt_out(t);
    return rc;
}

int __wrap_pthread_spin_lock(pthread_spinlock_t *s)
{
    if (!prt_user())
        return __real_pthread_spin_lock(s);
    return spin_lock(s, -1, PRT_PC());
}

int __wrap_pthread_spin_trylock(pthread_spinlock_t *s)
{
    if (!prt_user())
        return __real_pthread_spin_trylock(s);
    return spin_lock(s, 0, PRT_PC());
}

int __wrap_pthread_spin_unlock(pthread_spinlock_t *s)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_spin_unlock(s);
    prt_in(t, PRT_PC());
    int rc = rl_px_mutex_unlock(
        prt_obj((void *)s, RL_OBJ_SPINLOCK, 0, 0, sizeof(*s)));
    prt_out(t);
    return rc;
}

/* ---- once ---------------------------------------------------------------- */

int __wrap_pthread_once(pthread_once_t *o, void (*fn)(void))
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_once(o, fn);
    prt_in(t, PRT_PC());
    struct rl_obj *ob = prt_obj(o, RL_OBJ_ONCE, 0, 0, sizeof(*o));
    bool run = rl_px_once_begin(ob);
    prt_out(t);
    if (!run)
        return 0;
    fn();
    prt_in(t, PRT_PC());
    rl_px_once_done(ob);
    prt_out(t);
    return 0;
}

/* ---- semaphores ---------------------------------------------------------- */

int __wrap_sem_init(sem_t *s, int pshared, unsigned value)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_sem_init(s, pshared, value);
    if (value > SEM_VALUE_MAX) {
        errno = EINVAL;
        return -1;
    }
    prt_in(t, PRT_PC());
    prt_obj_forget(s);
    prt_obj(s, RL_OBJ_SEMAPHORE, (long)value, 0, sizeof(*s));
    prt_out(t);
    return 0;
}

int __wrap_sem_destroy(sem_t *s)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_sem_destroy(s);
    prt_obj_forget(s);
    return 0;
}

/* Take a unit of s, waiting up to ms; -1 with errno as sem_wait does. */
static int sem_take(sem_t *s, long ms, bool timed, uintptr_t pc)
{
    struct rl_thread *t = prt_user();
    prt_in(t, pc);
    int rc = rl_px_sem_wait(prt_obj(s, RL_OBJ_SEMAPHORE, 0, 0, sizeof(*s)), ms);
    prt_out(t);
    if (rc == 0)
        return 0;
    errno = timed ? ETIMEDOUT : rc;
    return -1;
}

int __wrap_sem_wait(sem_t *s)
{
    if (!prt_user())
        return __real_sem_wait(s);
    return sem_take(s, -1, false, PRT_PC());
}

int __wrap_sem_trywait(sem_t *s)
{
    if (!prt_user())
        return __real_sem_trywait(s);
    return sem_take(s, 0, false, PRT_PC());
}

int __wrap_sem_timedwait(sem_t *s, const struct timespec *ts)
{
    if (!prt_user())
        return __real_sem_timedwait(s, ts);
    return sem_take(s, timed_ms(ts), true, PRT_PC());
}

int __wrap_sem_clockwait(sem_t *s, clockid_t clk, const struct timespec *ts)
{
    if (!prt_user())
        return __real_sem_clockwait(s, clk, ts);
    return sem_take(s, timed_ms(ts), true, PRT_PC());
}

int __wrap_sem_post(sem_t *s)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_sem_post(s);
    prt_in(t, PRT_PC());
    int rc = rl_px_sem_post(prt_obj(s, RL_OBJ_SEMAPHORE, 0, 0, sizeof(*s)));
    prt_out(t);
    if (rc == 0)
        return 0;
    errno = rc;
    return -1;
}

int __wrap_sem_getvalue(sem_t *s, int *v)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_sem_getvalue(s, v);
    prt_in(t, PRT_PC());
    *v = (int)rl_px_sem_value(prt_obj(s, RL_OBJ_SEMAPHORE, 0, 0, sizeof(*s)));
    prt_out(t);
    return 0;
}
