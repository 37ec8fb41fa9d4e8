/* SPDX-License-Identifier: MIT */
/*
 * prt_extra.c - the rest of pthreads and semaphores a course program
 * uses: thread-specific data (pthread_key_*), named semaphores (sem_open)
 * and the calls the sim backend cannot give their meaning, which end the
 * run with a message that names them.
 *
 * Keys: every lab thread is a fiber of one OS thread, so the real
 * pthread_getspecific would give every thread the same value. Here a key
 * is an index into a table of the run, each thread has its own values
 * (struct prt_thread), and a thread that ends (returning or by
 * pthread_exit) runs the destructors of its non-NULL values, as POSIX
 * says.
 *
 * Named semaphores: sem_open gives a sem_t of the run's own, by name,
 * never the system's (/dev/shm): every run starts with the value the
 * program gives, O_EXCL and sem_unlink work within the run, and nothing
 * is left behind. The engine object is made by address like an unnamed
 * one's (prt_sync.c).
 *
 * Not supported on sim: cancelling or signalling a thread, and the calls
 * that take a pthread_t to the system (its attributes, CPU, scheduling),
 * which racelab's threads are not. Each ends the run as a crash with
 * SIGSYS and says which call, where, and to use --backend os.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prt.h"

void *__real_malloc(size_t n);
void __real_free(void *p);
int __real_pthread_key_create(pthread_key_t *k, void (*dtor)(void *));
int __real_pthread_key_delete(pthread_key_t k);
int __real_pthread_setspecific(pthread_key_t k, const void *v);
void *__real_pthread_getspecific(pthread_key_t k);
sem_t *__real_sem_open(const char *name, int oflag, ...);
int __real_sem_close(sem_t *s);
int __real_sem_unlink(const char *name);
int __real_pthread_cancel(pthread_t th);
int __real_pthread_kill(pthread_t th, int sig);
int __real_pthread_getattr_np(pthread_t th, pthread_attr_t *a);
int __real_pthread_setschedparam(pthread_t th, int policy,
                                 const struct sched_param *p);
int __real_pthread_getschedparam(pthread_t th, int *policy,
                                 struct sched_param *p);
int __real_pthread_setaffinity_np(pthread_t th, size_t n, const void *set);
int __real_pthread_getaffinity_np(pthread_t th, size_t n, void *set);
int __real_pthread_tryjoin_np(pthread_t th, void **ret);
int __real_pthread_timedjoin_np(pthread_t th, void **ret,
                                const struct timespec *ts);

/* ---- thread-specific data ------------------------------------------------ */

/* The keys of the run: used or not, and their destructors (reset with
 * each run, as the threads' values are). */
static struct {
    bool used;
    void (*dtor)(void *);
} keys[PRT_KEYS];
static uint64_t keys_run; /* the run the table belongs to (prt.runs) */

/* The table of this run, emptied when a new run has begun. */
static void keys_fresh(void)
{
    if (keys_run != prt.runs) {
        memset(keys, 0, sizeof keys);
        keys_run = prt.runs;
    }
}

int __wrap_pthread_key_create(pthread_key_t *k, void (*dtor)(void *))
{
    if (!prt_user())
        return __real_pthread_key_create(k, dtor);
    keys_fresh();
    for (int i = 0; i < PRT_KEYS; i++)
        if (!keys[i].used) {
            keys[i].used = true;
            keys[i].dtor = dtor;
            for (int t = 0; t < RL_MAX_THREADS; t++)
                prt.th[t].spec[i] = NULL;
            *k = (pthread_key_t)i;
            return 0;
        }
    return EAGAIN;
}

int __wrap_pthread_key_delete(pthread_key_t k)
{
    if (!prt_user())
        return __real_pthread_key_delete(k);
    keys_fresh();
    if (k >= PRT_KEYS || !keys[k].used)
        return EINVAL;
    keys[k].used = false;
    return 0;
}

int __wrap_pthread_setspecific(pthread_key_t k, const void *v)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_setspecific(k, v);
    keys_fresh();
    if (k >= PRT_KEYS || !keys[k].used)
        return EINVAL;
    prt.th[t->id].spec[k] = (void *)v;
    return 0;
}

void *__wrap_pthread_getspecific(pthread_key_t k)
{
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_pthread_getspecific(k);
    keys_fresh();
    return k < PRT_KEYS && keys[k].used ? prt.th[t->id].spec[k] : NULL;
}

/* Thread t ends: the destructors of its values, as POSIX runs them (a
 * destructor may set values again: up to PTHREAD_DESTRUCTOR_ITERATIONS
 * rounds). Called on t, as the program's code. */
void prt_keys_destroy(struct rl_thread *t)
{
    keys_fresh();
    for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
        bool any = false;
        for (int i = 0; i < PRT_KEYS; i++) {
            void *v = prt.th[t->id].spec[i];
            if (!keys[i].used || !keys[i].dtor || !v)
                continue;
            prt.th[t->id].spec[i] = NULL;
            keys[i].dtor(v);
            any = true;
        }
        if (!any)
            return;
    }
}

/* ---- named semaphores ---------------------------------------------------- */

#define PRT_NAMED 16

/* The named semaphores of the run: a sem_t each (runtime memory, freed
 * when a new run begins), and its name while it is not unlinked. */
static struct {
    char name[64];
    sem_t *sem;
} named[PRT_NAMED];
static uint64_t named_run;

/* The table of this run. */
static void named_fresh(void)
{
    if (named_run == prt.runs)
        return;
    for (int i = 0; i < PRT_NAMED; i++) {
        prt_obj_forget(named[i].sem);
        __real_free(named[i].sem);
    }
    memset(named, 0, sizeof named);
    named_run = prt.runs;
}

sem_t *__wrap_sem_open(const char *name, int oflag, ...)
{
    unsigned value = 0;
    if (oflag & O_CREAT) {
        va_list ap;
        va_start(ap, oflag);
        (void)va_arg(ap, int); /* mode_t, promoted */
        value = va_arg(ap, unsigned);
        va_end(ap);
    }
    struct rl_thread *t = prt_user();
    if (!t)
        return __real_sem_open(name, oflag, 0600, value);
    named_fresh();
    int free_slot = -1;
    for (int i = 0; i < PRT_NAMED; i++) {
        if (named[i].name[0] && strcmp(named[i].name, name) == 0) {
            if ((oflag & O_CREAT) && (oflag & O_EXCL)) {
                errno = EEXIST;
                return SEM_FAILED;
            }
            return named[i].sem;
        }
        if (!named[i].name[0] && !named[i].sem && free_slot < 0)
            free_slot = i;
    }
    if (!(oflag & O_CREAT)) {
        errno = ENOENT;
        return SEM_FAILED;
    }
    if (free_slot < 0 || strlen(name) >= sizeof named[0].name) {
        errno = free_slot < 0 ? ENFILE : ENAMETOOLONG;
        return SEM_FAILED;
    }
    sem_t *s = __real_malloc(sizeof *s);
    memset(s, 0, sizeof *s);
    snprintf(named[free_slot].name, sizeof named[0].name, "%s", name);
    named[free_slot].sem = s;
    prt_in(t, PRT_PC());
    prt_obj(s, RL_OBJ_SEMAPHORE, (long)value, 0, sizeof *s);
    prt_out(t);
    return s;
}

int __wrap_sem_close(sem_t *s)
{
    if (!prt_user())
        return __real_sem_close(s);
    return 0; /* its memory stays the run's until the next run */
}

int __wrap_sem_unlink(const char *name)
{
    if (!prt_user())
        return __real_sem_unlink(name);
    named_fresh();
    for (int i = 0; i < PRT_NAMED; i++)
        if (named[i].name[0] && strcmp(named[i].name, name) == 0) {
            named[i].name[0] = '\0';
            return 0;
        }
    errno = ENOENT;
    return -1;
}

/* ---- not supported on sim ------------------------------------------------ */

/* Thread t called what (at pc), which sim cannot do: the run ends. */
static void unsupported(struct rl_thread *t, const char *what, uintptr_t pc)
{
    char where[64], msg[256];
    t->pc = pc;
    prt_in(t, pc);
    prt_where(pc, where, sizeof where);
    snprintf(msg, sizeof msg,
             "%s called %s() at %s: not supported on sim (run the real "
             "program with --backend os)",
             t->name, what, where);
    rl_px_end(RL_END_CRASH, SIGSYS, msg);
}

/* A wrapper that ends the run when called by the program on sim. */
#define PRT_UNSUPPORTED(name, params, args)                                    \
    int __wrap_##name params;                                                  \
    int __wrap_##name params                                                   \
    {                                                                          \
        struct rl_thread *t = prt_user();                                      \
        if (t)                                                                 \
            unsupported(t, #name, PRT_PC());                                   \
        return __real_##name args;                                             \
    }

PRT_UNSUPPORTED(pthread_cancel, (pthread_t th), (th))
PRT_UNSUPPORTED(pthread_kill, (pthread_t th, int sig), (th, sig))
PRT_UNSUPPORTED(pthread_getattr_np, (pthread_t th, pthread_attr_t *a), (th, a))
PRT_UNSUPPORTED(pthread_setschedparam,
                (pthread_t th, int policy, const struct sched_param *p),
                (th, policy, p))
PRT_UNSUPPORTED(pthread_getschedparam,
                (pthread_t th, int *policy, struct sched_param *p),
                (th, policy, p))
PRT_UNSUPPORTED(pthread_setaffinity_np,
                (pthread_t th, size_t n, const void *set), (th, n, set))
PRT_UNSUPPORTED(pthread_getaffinity_np, (pthread_t th, size_t n, void *set),
                (th, n, set))
PRT_UNSUPPORTED(pthread_tryjoin_np, (pthread_t th, void **ret), (th, ret))
PRT_UNSUPPORTED(pthread_timedjoin_np,
                (pthread_t th, void **ret, const struct timespec *ts),
                (th, ret, ts))
