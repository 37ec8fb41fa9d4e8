/* SPDX-License-Identifier: MIT */
/*
 * run_text.c - the texts that explain a run, for any front end: names of
 * statuses, ends, object kinds and operations; and why a run ended, with,
 * for a deadlock, what each thread holds and waits for and the wait-for
 * cycle that closes it. Each record in words is run_text_record.c's; the
 * string builder both write with is here (run_text_impl.h).
 *
 * The names are static strings. The other texts read a run and write into
 * a caller's buffer: no allocation, never more than the buffer holds, and
 * the return value is the length the whole text needs, as with snprintf.
 */
#include <stdarg.h>
#include <stdio.h>

#include "engine.h"
#include "posix.h"
#include "run_text_impl.h"

/* ---- names --------------------------------------------------------------- */

/* Python's message for a status code (see racelab.h). */
const char *rl_strerror(int status)
{
    switch (status) {
    case RL_OK:
        return "ok";
    case RL_TIMEOUT:
        return "timed out";
    case RL_ERR_UNLOCKED:
        return "release unlocked lock";
    case RL_ERR_NOT_OWNER:
        return "cannot release un-acquired lock";
    case RL_ERR_TOO_MANY:
        return "Semaphore released too many times";
    case RL_ERR_WAIT_UNHELD:
        return "cannot wait on un-acquired lock";
    case RL_ERR_NOTIFY_UNHELD:
        return "cannot notify on un-acquired lock";
    case RL_ERR_BROKEN:
        return "BrokenBarrierError";
    case RL_ERR_ARG:
        return "bad argument";
    case RL_ERR_TASK_DONE:
        return "task_done() called too many times";
    case RL_ERR_LIMIT:
        return "too many objects or threads in one run";
    case RL_PX_ERR_NOT_OWNER:
        return "unlock of a mutex this thread does not hold (EPERM)";
    case RL_PX_ERR_WAIT_UNLOCKED:
        return "pthread_cond_wait without holding the mutex (EPERM)";
    case RL_PX_ERR_RW_NOT_HELD:
        return "unlock of a rwlock this thread does not hold (EPERM)";
    case RL_PX_ERR_RELOCK:
        return "locking a lock this thread already holds (EDEADLK)";
    default:
        return "unknown error";
    }
}

/* How a run ended, in a word or two ("deadlock"). */
const char *rl_end_name(enum rl_end e)
{
    static const char *names[] = {"running",        "finished", "deadlock",
                                  "did not finish", "diverged", "timed out",
                                  "check failed",   "exit",
                                  "assertion failed", "crash",
                                  "protocol error", "incomplete"};
    return (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : "?";
}

/* The Python name of an object kind ("BoundedSemaphore"). */
const char *rl_obj_kind_name(enum rl_obj_kind k)
{
    static const char *names[] = {
        "var",       "Lock",  "RLock",  "Semaphore", "BoundedSemaphore",
        "Condition", "Event", "Barrier", "mutex",     "rwlock",
        "spinlock",  "once"};
    return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* The name of an operation as the student calls it ("notify_all"). */
const char *rl_op_name(enum rl_op op)
{
    static const char *names[] = {"start",     "finish",     "load",    "store",
                                  "fetch_add", "acquire",    "release", "wait",
                                  "notify",    "notify_all", "set",     "clear",
                                  "is_set",    "wait",       "wait",    "join",
                                  "yield",     "sleep",      "fail",
                                  "spawn",     "output",     "atomic_load",
                                  "atomic_store", "fetch_sub", "fetch_and",
                                  "fetch_or",  "fetch_xor",  "exchange",
                                  "compare_exchange", "rdlock", "getvalue",
                                  "once",      "exit",       "assert",
                                  "crash",     "fence"};
    return (unsigned)op < RL_OP__COUNT ? names[op] : "?";
}

/* The C11 name of a memory order ("relaxed"). */
const char *rl_mem_order_name(int order)
{
    static const char *names[] = {"seq_cst", "relaxed", "acquire", "release",
                                  "acq_rel"};
    return (unsigned)order < sizeof(names) / sizeof(names[0]) ? names[order]
                                                              : "?";
}

/* The C function of a range record ("strcpy"). */
const char *rl_mem_fn_name(int fn)
{
    static const char *names[] = {
        "?",       "memcpy",  "memmove", "memset",  "memcmp",
        "strcpy",  "strncpy", "strcat",  "strncat", "strlen",
        "strcmp",  "strncmp", "sprintf", "snprintf", "printf",
        "puts",    "fputs",   "fwrite",  "access"};
    return (unsigned)fn < RL_FN__COUNT ? names[fn] : "?";
}

/* ---- a string builder ---------------------------------------------------- */

/* Append to sb; past the end of the buffer, only count. */
void run_text_printf(struct run_text_buf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = sb->used < sb->len ? sb->len - sb->used : 0;
    int n = vsnprintf(room ? sb->buf + sb->used : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb->used += (size_t)n;
}

/* The name of thread tid, or "?" if there is none. */
const char *run_text_thread_name(const struct rl_run *run, int tid)
{
    if (tid >= 0 && tid < run->nthreads)
        return run->threads[tid]->name;
    return "?";
}

/* ---- why a run ended ----------------------------------------------------- */

/* What thread t waits for, with who holds it. */
static void describe_wait(const struct rl_run *run, const struct rl_thread *t,
                          struct run_text_buf *sb)
{
    struct rl_thread_view v;
    rl_run_thread(run, t->id, &v);
    if (v.state == RL_T_SLEEPING) {
        run_text_printf(sb, "sleeps");
        return;
    }
    if (v.waiting_on <= -2) {
        run_text_printf(sb, "waits to join %s",
                        run_text_thread_name(run, -2 - v.waiting_on));
        return;
    }
    if (v.waiting_on < 0) {
        run_text_printf(sb, "waits");
        return;
    }
    const struct rl_obj *o = run->objs[v.waiting_on];
    switch (o->kind) {
    case RL_OBJ_LOCK:
    case RL_OBJ_RLOCK:
    case RL_OBJ_MUTEX:
    case RL_OBJ_SPINLOCK:
    case RL_OBJ_RWLOCK:
        if (v.holder >= 0)
            run_text_printf(sb, "waits for %s (held by %s)", o->name,
                            run_text_thread_name(run, v.holder));
        else
            run_text_printf(sb, "waits for %s (free)", o->name);
        break;
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        run_text_printf(sb, "waits for %s (count 0", o->name);
        /* Each holder once, however many units it took. */
        for (int i = 0, n = 0; i < o->nhold; i++) {
            bool seen = false;
            for (int j = 0; j < i && !seen; j++)
                seen = o->hold[j] == o->hold[i];
            if (!seen)
                run_text_printf(sb, "%s%s", n++ ? ", " : "; held by ",
                                run_text_thread_name(run, o->hold[i]));
        }
        run_text_printf(sb, ")");
        break;
    case RL_OBJ_CONDITION:
        run_text_printf(sb, "waits for a %s on %s",
                        o->posix ? "signal" : "notify", o->name);
        break;
    case RL_OBJ_EVENT:
        run_text_printf(sb, "waits for %s to be set", o->name);
        break;
    case RL_OBJ_BARRIER:
        run_text_printf(sb, "waits at %s (%ld of %ld arrived)", o->name,
                        atomic_load(&o->value), o->limit);
        break;
    default:
        run_text_printf(sb, "waits on %s", o->name);
    }
}

/* The locks thread tid holds, as "holds A, B" (empty if none). */
static void describe_holds(const struct rl_run *run, int tid,
                           struct run_text_buf *sb)
{
    int n = 0;
    for (int i = 0; i < run->nobjs; i++) {
        const struct rl_obj *o = run->objs[i];
        bool held = false;
        if (o->kind == RL_OBJ_LOCK || o->kind == RL_OBJ_RLOCK ||
            o->kind == RL_OBJ_MUTEX || o->kind == RL_OBJ_SPINLOCK ||
            o->kind == RL_OBJ_RWLOCK)
            held = atomic_load(&o->owner) == tid;
        if (o->kind == RL_OBJ_SEMAPHORE ||
            o->kind == RL_OBJ_BOUNDED_SEMAPHORE || o->kind == RL_OBJ_RWLOCK)
            for (int k = 0; k < o->nhold; k++)
                held = held || o->hold[k] == tid;
        if (held)
            run_text_printf(sb, "%s%s", n++ ? ", " : "holds ", o->name);
    }
    if (n)
        run_text_printf(sb, ", ");
}

/* Follow wait-for edges (thread -> holder) from start; if they return to a
 * thread already seen, write the cycle. */
static bool find_cycle(const struct rl_run *run, int start,
                       struct run_text_buf *sb)
{
    int seen[RL_MAX_THREADS];
    int n = 0;
    int t = start;
    while (t >= 0 && n < RL_MAX_THREADS) {
        for (int i = 0; i < n; i++) {
            if (seen[i] == t) {
                run_text_printf(sb, "wait-for cycle: ");
                for (int k = i; k < n; k++)
                    run_text_printf(sb, "%s -> ",
                                    run_text_thread_name(run, seen[k]));
                run_text_printf(sb, "%s", run_text_thread_name(run, t));
                return true;
            }
        }
        seen[n++] = t;
        struct rl_thread_view v;
        rl_run_thread(run, t, &v);
        if (v.state != RL_T_BLOCKED)
            return false;
        t = v.holder;
    }
    return false;
}

/* Why the run ended (see run.h); empty while running or when done. */
size_t rl_run_end_text(const struct rl_run *run, char *buf, size_t len)
{
    struct run_text_buf sb = {buf, len, 0};
    if (len)
        buf[0] = '\0';
    switch (run->end) {
    case RL_END_RUNNING:
    case RL_END_DONE:
        break;
    case RL_END_DEADLOCK: {
        bool first = true;
        for (int i = 0; i < run->nthreads; i++) {
            const struct rl_thread *t = run->threads[i];
            if (atomic_load(&t->state) == RL_T_DONE)
                continue;
            run_text_printf(&sb, "%s%s ", first ? "" : "; ", t->name);
            describe_holds(run, t->id, &sb);
            describe_wait(run, t, &sb);
            first = false;
        }
        for (int i = 0; i < run->nthreads; i++) {
            struct run_text_buf cyc = sb;
            run_text_printf(&cyc, "\n");
            if (atomic_load(&run->threads[i]->state) != RL_T_DONE &&
                find_cycle(run, i, &cyc)) {
                sb = cyc;
                break;
            }
        }
        /* A cycle line tried and not kept must not stay in the buffer. */
        if (sb.used < len)
            buf[sb.used] = '\0';
        break;
    }
    case RL_END_STEP_LIMIT:
    case RL_END_DIVERGED:
    case RL_END_TIMEOUT:
    case RL_END_FAILED:
    case RL_END_EXIT:
    case RL_END_ASSERT:
    case RL_END_CRASH:
    case RL_END_PROTOCOL:
    case RL_END_INCOMPLETE:
        run_text_printf(&sb, "%s", run->end_msg);
        break;
    }
    return sb.used;
}
