/* SPDX-License-Identifier: MIT */
/*
 * run_text_record.c - one record of a run in the course vocabulary, the
 * one renderer of every front end: the full line ("acquire L: blocked
 * (held by T0)") that the CLI prints and the TUI's wide lanes show, and
 * the medium ("counter<-42") and short ("<-42") forms of narrow lanes,
 * from one table of operations (class and symbol) and one function
 * (rl_record_format). A record of a plain C program's object says it in
 * POSIX words ("sem_wait s: blocked (count 0)").
 *
 * The names a record refers to come from the run (rl_record_text) or from
 * the caller (rl_record_format), so a front end that keeps records after
 * their run is gone can still say them. As every text of run_text.c:
 * written into a caller's buffer, never more than it holds, the return
 * value the length the whole text needs (run_text_impl.h).
 */
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "run_text_impl.h"
#include "value.h"

/* ---- one line per record ------------------------------------------------- */

/* A barrier's arrivals after this one (r->after is the count before it;
 * a child may send any number: no overflow at the top). */
static long arrived(long before)
{
    return before < LONG_MAX ? before + 1 : before;
}

/* What each operation is (its symbol and class, for the TUI's lanes). */
static const struct {
    enum rl_op_class cls;
    char sym;
} op_table[RL_OP__COUNT] = {
    [RL_OP_START] = {RL_CLASS_LIFE, '>'},
    [RL_OP_FINISH] = {RL_CLASS_LIFE, '.'},
    [RL_OP_LOAD] = {RL_CLASS_VALUE, ' '},
    [RL_OP_STORE] = {RL_CLASS_VALUE, ' '},
    [RL_OP_FETCH_ADD] = {RL_CLASS_VALUE, ' '},
    [RL_OP_ACQUIRE] = {RL_CLASS_ACQUIRE, '+'},
    [RL_OP_RELEASE] = {RL_CLASS_RELEASE, '-'},
    [RL_OP_WAIT] = {RL_CLASS_ACQUIRE, '+'},
    [RL_OP_NOTIFY] = {RL_CLASS_SIGNAL, '*'},
    [RL_OP_NOTIFY_ALL] = {RL_CLASS_SIGNAL, '*'},
    [RL_OP_SET] = {RL_CLASS_SIGNAL, '*'},
    [RL_OP_CLEAR] = {RL_CLASS_SIGNAL, '*'},
    [RL_OP_IS_SET] = {RL_CLASS_VALUE, ' '},
    [RL_OP_EVENT_WAIT] = {RL_CLASS_ACQUIRE, '+'},
    [RL_OP_BARRIER] = {RL_CLASS_SIGNAL, '*'},
    [RL_OP_JOIN] = {RL_CLASS_ACQUIRE, '+'},
    [RL_OP_YIELD] = {RL_CLASS_NORMAL, ' '},
    [RL_OP_SLEEP] = {RL_CLASS_NORMAL, ' '},
    [RL_OP_FAIL] = {RL_CLASS_FAIL, '!'},
    [RL_OP_SPAWN] = {RL_CLASS_LIFE, '>'},
    [RL_OP_OUTPUT] = {RL_CLASS_NORMAL, ' '},
    [RL_OP_ATOMIC_LOAD] = {RL_CLASS_VALUE, ' '},
    [RL_OP_ATOMIC_STORE] = {RL_CLASS_VALUE, ' '},
    [RL_OP_FETCH_SUB] = {RL_CLASS_VALUE, ' '},
    [RL_OP_FETCH_AND] = {RL_CLASS_VALUE, ' '},
    [RL_OP_FETCH_OR] = {RL_CLASS_VALUE, ' '},
    [RL_OP_FETCH_XOR] = {RL_CLASS_VALUE, ' '},
    [RL_OP_EXCHANGE] = {RL_CLASS_VALUE, ' '},
    [RL_OP_CAS] = {RL_CLASS_VALUE, ' '},
    [RL_OP_READ_ACQUIRE] = {RL_CLASS_ACQUIRE, '+'},
    [RL_OP_SEM_VALUE] = {RL_CLASS_VALUE, ' '},
    [RL_OP_ONCE] = {RL_CLASS_ACQUIRE, '+'},
    [RL_OP_EXIT] = {RL_CLASS_LIFE, '.'},
    [RL_OP_ASSERT] = {RL_CLASS_FAIL, '!'},
    [RL_OP_CRASH] = {RL_CLASS_FAIL, '!'},
    [RL_OP_FENCE] = {RL_CLASS_NORMAL, ' '},
};

/* The class of record r: its result's when that says more (an error, a
 * block, a timeout), else its operation's. */
enum rl_op_class rl_record_class(const struct rl_record *r)
{
    if (r->result == RL_RES_ERROR)
        return RL_CLASS_ERROR;
    if (r->result == RL_RES_BLOCKED || r->result == RL_RES_TIMEOUT)
        return RL_CLASS_BLOCKED;
    return r->op < RL_OP__COUNT ? op_table[r->op].cls : RL_CLASS_NORMAL;
}

/* The one-character symbol of record r, which says what its colour says. */
char rl_record_symbol(const struct rl_record *r)
{
    if (r->result == RL_RES_ERROR)
        return '!';
    if (r->result == RL_RES_BLOCKED)
        return '#';
    if (r->result == RL_RES_TIMEOUT)
        return '?';
    return r->op < RL_OP__COUNT ? op_table[r->op].sym : ' ';
}

/* Whether op carries a memory value (before, after) to put in words. */
static bool op_has_value(enum rl_op op)
{
    switch (op) {
    case RL_OP_LOAD:
    case RL_OP_STORE:
    case RL_OP_FETCH_ADD:
    case RL_OP_ATOMIC_LOAD:
    case RL_OP_ATOMIC_STORE:
    case RL_OP_FETCH_SUB:
    case RL_OP_FETCH_AND:
    case RL_OP_FETCH_OR:
    case RL_OP_FETCH_XOR:
    case RL_OP_EXCHANGE:
    case RL_OP_CAS:
        return true;
    default:
        return false;
    }
}

/* One value of r in words into buf, or "" when it is a plain number. */
static bool value_words(const struct rl_run *run, const struct rl_record *r,
                        long v, char *buf, size_t len)
{
    rl_value_text(run, r->obj, v, r->seq, buf, len);
    if (buf[0] == '&' || buf[0] == '"')
        return true;
    buf[0] = '\0';
    return false;
}

/* A record's values in words (see run.h). */
bool rl_record_values(const struct rl_run *run, const struct rl_record *r,
                      struct rl_record_values *out)
{
    bool any = false;
    memset(out, 0, sizeof *out);
    if (r->op >= RL_OP__COUNT || !op_has_value((enum rl_op)r->op) ||
        r->result == RL_RES_ERROR)
        return false;
    if (r->fn) {
        /* A range: its bytes as text, when they are (arg is their id). */
        any = value_words(run, r, r->after, out->after, sizeof out->after);
        if (r->op == RL_OP_STORE)
            memcpy(out->arg, out->after, sizeof out->arg);
        return any;
    }
    /* The arg is a value only where it is the value written. */
    if (r->op == RL_OP_STORE || r->op == RL_OP_ATOMIC_STORE ||
        r->op == RL_OP_EXCHANGE || r->op == RL_OP_CAS)
        any |= value_words(run, r, r->arg, out->arg, sizeof out->arg);
    any |= value_words(run, r, r->before, out->before, sizeof out->before);
    any |= value_words(run, r, r->after, out->after, sizeof out->after);
    return any;
}

/* Value v in words: text when the record's values give one, else the
 * number, written into tmp. */
static const char *value_str(const char *text, long v, char *tmp, size_t len)
{
    if (text && text[0])
        return text;
    snprintf(tmp, len, "%ld", v);
    return tmp;
}

/* The texts of r's arg, before and after (see value_str). */
struct value_strs {
    char tmp[3][24];
    const char *arg, *before, *after;
};

static void value_strs(const struct rl_record *r,
                       const struct rl_record_names *n, struct value_strs *v)
{
    const struct rl_record_values *w = n->values;
    /* A range record's arg is its text's id; its value is after. */
    v->arg = value_str(w ? w->arg : NULL, r->fn ? r->after : r->arg,
                       v->tmp[0], sizeof v->tmp[0]);
    v->before =
        value_str(w ? w->before : NULL, r->before, v->tmp[1], sizeof v->tmp[1]);
    v->after =
        value_str(w ? w->after : NULL, r->after, v->tmp[2], sizeof v->tmp[2]);
}

/* The names record r refers to, read from run (vals: room for its values
 * in words). */
static void record_names(const struct rl_run *run, const struct rl_record *r,
                         struct rl_record_names *n,
                         struct rl_record_values *vals, char *range,
                         size_t range_len)
{
    const struct rl_obj *o =
        (r->obj >= 0 && r->obj < run->nobjs) ? run->objs[r->obj] : NULL;

    memset(n, 0, sizeof *n);
    n->obj = o ? o->name : "?";
    n->kind = o ? o->kind : RL_OBJ_VAR;
    n->known = o != NULL;
    n->lock = o && o->lock ? o->lock->name : "?";
    n->limit = o ? o->limit : 0;
    n->other = run_text_thread_name(run, r->other);
    n->check = r->op == RL_OP_FAIL && r->arg >= 0 && r->arg < run->nchecks
                   ? run->checks[r->arg].name
                   : "?";
    n->posix = o && o->posix;
    n->text = r->op == RL_OP_OUTPUT || r->op == RL_OP_ASSERT
                  ? rl_run_text(run, r->arg)
                  : NULL;
    n->values = (run->values || r->fn) && rl_record_values(run, r, vals)
                    ? vals
                    : NULL;
    if (r->fn && o) {
        rl_value_range_name(run, r->obj, r->len, r->seq, range, range_len);
        n->range = range;
    }
}

/* One line for record r in the course vocabulary (see run.h). */
size_t rl_record_text(const struct rl_run *run, const struct rl_record *r,
                      char *buf, size_t len)
{
    struct rl_record_names n;
    struct rl_record_values vals;
    char range[RL_NAME_MAX + 32];

    record_names(run, r, &n, &vals, range, sizeof range);
    return rl_record_format(r, &n, RL_TEXT_FULL, buf, len);
}

/* "SIGSEGV" for the signals a crash reports. */
static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGILL:
        return "SIGILL";
    case SIGABRT:
        return "SIGABRT";
    case SIGTRAP:
        return "SIGTRAP";
    default:
        return "signal";
    }
}

/* Append text in double quotes, with C escapes for the quote, the
 * backslash and control characters, cut after 60 characters. */
static void text_quoted(struct run_text_buf *sb, const char *text)
{
    if (!text) {
        run_text_printf(sb, "?");
        return;
    }
    run_text_printf(sb, "\"");
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++, n++) {
        if (n == 60) {
            run_text_printf(sb, "...");
            break;
        }
        if (*p == '\n')
            run_text_printf(sb, "\\n");
        else if (*p == '\t')
            run_text_printf(sb, "\\t");
        else if (*p == '"' || *p == '\\')
            run_text_printf(sb, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            run_text_printf(sb, "\\x%02x", *p);
        else
            run_text_printf(sb, "%c", *p);
    }
    run_text_printf(sb, "\"");
}

/* The POSIX words for a lock, unlock, rdlock or wrlock of mutex, spinlock
 * or rwlock o: "lock m: blocked (held by T0)", "unlock m, wakes T1". */
static void px_lock_text(const struct rl_record *r,
                         const struct rl_record_names *n,
                         struct run_text_buf *sb)
{
    bool rw = n->kind == RL_OBJ_RWLOCK;
    const char *verb = r->op == RL_OP_RELEASE        ? "unlock"
                       : r->op == RL_OP_READ_ACQUIRE ? "rdlock"
                       : rw                          ? "wrlock"
                                                     : "lock";
    const char *try = r->op != RL_OP_RELEASE && r->arg == 0 ? "try" : "";
    run_text_printf(sb, "%s%s %s", try, verb, n->obj);
    if (r->op == RL_OP_RELEASE) {
        if (n->kind == RL_OBJ_MUTEX && r->after > 0)
            run_text_printf(sb, " (depth %ld)", r->after);
        if (r->other >= 0)
            run_text_printf(sb, ", wakes %s", n->other);
        return;
    }
    switch ((enum rl_result)r->result) {
    case RL_RES_BLOCKED:
        run_text_printf(sb, ": blocked (held by %s)", n->other);
        break;
    case RL_RES_TIMEOUT:
        run_text_printf(sb, ": %s", r->arg == 0 ? "busy" : "timed out");
        break;
    default:
        if (n->kind == RL_OBJ_MUTEX && r->after > 1)
            run_text_printf(sb, " (depth %ld)", r->after);
        if (r->result == RL_RES_WOKE)
            run_text_printf(sb, " after waiting");
    }
}

/* POSIX words for a semaphore, condition variable or barrier of a plain C
 * program: "sem_wait s: blocked (count 0)", "cond_signal c (wakes T1)".
 * Returns false for anything else (the Python words apply). */
static bool px_text(const struct rl_record *r, const struct rl_record_names *n,
                    struct run_text_buf *sb)
{
    const char *on = n->obj;
    const char *m = n->lock;
    if (n->kind == RL_OBJ_SEMAPHORE && r->op == RL_OP_ACQUIRE) {
        const char *verb = r->arg == 0  ? "sem_trywait"
                           : r->arg > 0 ? "sem_timedwait"
                                        : "sem_wait";
        if (r->result == RL_RES_BLOCKED)
            run_text_printf(sb, "%s %s: blocked (count 0)", verb, on);
        else if (r->result == RL_RES_TIMEOUT)
            run_text_printf(sb, "%s %s: %s", verb, on,
                            r->arg == 0 ? "would block" : "timed out");
        else
            run_text_printf(sb, "%s %s (%ld -> %ld)%s", verb, on, r->before,
                            r->after,
                            r->result == RL_RES_WOKE ? " after waiting" : "");
        return true;
    }
    if (n->kind == RL_OBJ_SEMAPHORE && r->op == RL_OP_RELEASE) {
        run_text_printf(sb, "sem_post %s (%ld -> %ld)", on, r->before,
                        r->after);
        if (r->other >= 0)
            run_text_printf(sb, ", wakes %s", n->other);
        return true;
    }
    if (n->kind == RL_OBJ_CONDITION && r->op == RL_OP_WAIT) {
        if (r->result == RL_RES_BLOCKED)
            run_text_printf(sb, "cond_wait %s (unlocks %s)", on, m);
        else if (r->result == RL_RES_TIMEOUT)
            run_text_printf(sb, "cond_wait %s: timed out, relocked %s", on, m);
        else
            run_text_printf(sb, "cond_wait %s: signalled, relocked %s", on, m);
        return true;
    }
    if (n->kind == RL_OBJ_CONDITION && r->op == RL_OP_NOTIFY) {
        if (r->arg == 0)
            run_text_printf(sb, "cond_signal %s (no waiter)", on);
        else
            run_text_printf(sb, "cond_signal %s (wakes %s)", on, n->other);
        return true;
    }
    if (n->kind == RL_OBJ_CONDITION && r->op == RL_OP_NOTIFY_ALL) {
        run_text_printf(sb, "cond_broadcast %s (wakes %ld)", on, r->arg);
        return true;
    }
    if (n->kind == RL_OBJ_BARRIER && r->op == RL_OP_BARRIER) {
        if (r->result == RL_RES_BLOCKED)
            run_text_printf(sb, "barrier_wait %s: arrived %ld of %ld, blocked",
                            on, arrived(r->after), n->limit);
        else if (r->result == RL_RES_WOKE)
            run_text_printf(sb, "barrier_wait %s: released", on);
        else
            run_text_printf(sb,
                            "barrier_wait %s: arrived %ld of %ld, releases all "
                            "(PTHREAD_BARRIER_SERIAL_THREAD)",
                            on, arrived(r->after), n->limit);
        return true;
    }
    return false;
}

/* The full line of r (the CLI's event line, the TUI's wide lanes). */
static void format_full(struct run_text_buf *sb, const struct rl_record *r,
                        const struct rl_record_names *n)
{
    const char *on = n->obj;
    bool sem = n->known && (n->kind == RL_OBJ_SEMAPHORE ||
                            n->kind == RL_OBJ_BOUNDED_SEMAPHORE);
    bool rlock = n->known && n->kind == RL_OBJ_RLOCK;
    const char *verb =
        r->op == RL_OP_ACQUIRE && r->arg == 0 ? "try-acquire" : "acquire";
    struct value_strs v;

    value_strs(r, n, &v);
    if (r->result == RL_RES_ERROR) {
        run_text_printf(sb, "%s %s: error: %s", rl_op_name(r->op), on,
                        rl_strerror((int)r->arg));
        return;
    }
    if (n->known && n->posix && px_text(r, n, sb))
        return;
    if (n->known &&
        (n->kind == RL_OBJ_MUTEX || n->kind == RL_OBJ_SPINLOCK ||
         n->kind == RL_OBJ_RWLOCK) &&
        (r->op == RL_OP_ACQUIRE || r->op == RL_OP_READ_ACQUIRE ||
         r->op == RL_OP_RELEASE)) {
        px_lock_text(r, n, sb);
        return;
    }
    switch ((enum rl_op)r->op) {
    case RL_OP_START:
        run_text_printf(sb, "start");
        break;
    case RL_OP_FINISH:
        run_text_printf(sb, "finish");
        break;
    case RL_OP_LOAD:
    case RL_OP_STORE:
        /* "strcpy msg[0..12] <- "hello, world"": a C library call's
         * range, by the call's name */
        run_text_printf(sb, "%s %s %s %s",
                        r->fn && r->fn != RL_FN_ACCESS ? rl_mem_fn_name(r->fn)
                        : r->op == RL_OP_LOAD          ? "load"
                                                       : "store",
                        r->fn && n->range ? n->range : on,
                        r->op == RL_OP_LOAD ? "->" : "<-", v.after);
        break;
    case RL_OP_FETCH_ADD:
        run_text_printf(sb, "fetch_add %s %+ld: %s -> %s", on, r->arg, v.before,
                        v.after);
        break;
    case RL_OP_ACQUIRE:
        if (r->result == RL_RES_BLOCKED) {
            if (sem)
                run_text_printf(sb, "%s %s: blocked (count 0)", verb, on);
            else
                run_text_printf(sb, "%s %s: blocked (held by %s)", verb, on,
                                n->other);
        } else if (r->result == RL_RES_TIMEOUT) {
            run_text_printf(sb, "%s %s: %s", verb, on,
                            r->arg == 0 ? "not acquired" : "timed out");
        } else {
            run_text_printf(sb, "%s %s", verb, on);
            if (sem)
                run_text_printf(sb, " (%ld -> %ld)", r->before, r->after);
            else if (rlock)
                run_text_printf(sb, " (depth %ld)", r->after);
            if (r->result == RL_RES_WOKE)
                run_text_printf(sb, " after waiting");
        }
        break;
    case RL_OP_RELEASE:
        run_text_printf(sb, "release %s", on);
        if (sem)
            run_text_printf(sb, " (%ld -> %ld)", r->before, r->after);
        else if (rlock)
            run_text_printf(sb, " (depth %ld)", r->after);
        if (r->other >= 0)
            run_text_printf(sb, ", wakes %s", n->other);
        break;
    case RL_OP_WAIT:
        if (n->known && (n->kind == RL_OBJ_LOCK || n->kind == RL_OBJ_RLOCK ||
                         n->kind == RL_OBJ_MUTEX))
            run_text_printf(sb, "wait: re-acquire %s blocked (held by %s)", on,
                            n->other);
        else if (r->result == RL_RES_BLOCKED)
            run_text_printf(sb, "wait %s (releases %s)", on, n->lock);
        else if (r->result == RL_RES_TIMEOUT)
            run_text_printf(sb, "wait %s: timed out, re-acquired %s", on,
                            n->lock);
        else
            run_text_printf(sb, "wait %s: notified, re-acquired %s", on,
                            n->lock);
        break;
    case RL_OP_NOTIFY:
        if (r->arg == 0)
            run_text_printf(sb, "notify %s (no waiter)", on);
        else
            run_text_printf(sb, "notify %s (wakes %s)", on, n->other);
        break;
    case RL_OP_NOTIFY_ALL:
        run_text_printf(sb, "notify_all %s (wakes %ld)", on, r->arg);
        break;
    case RL_OP_SET:
        run_text_printf(sb, "set %s (wakes %ld)", on, r->arg);
        break;
    case RL_OP_CLEAR:
        run_text_printf(sb, "clear %s", on);
        break;
    case RL_OP_IS_SET:
        run_text_printf(sb, "is_set %s -> %s", on, r->after ? "true" : "false");
        break;
    case RL_OP_EVENT_WAIT:
        if (r->result == RL_RES_BLOCKED)
            run_text_printf(sb, "wait %s: blocked (not set)", on);
        else if (r->result == RL_RES_TIMEOUT)
            run_text_printf(sb, "wait %s: timed out", on);
        else if (r->result == RL_RES_WOKE)
            run_text_printf(sb, "wait %s: set, wakes", on);
        else
            run_text_printf(sb, "wait %s (already set)", on);
        break;
    case RL_OP_BARRIER:
        if (r->result == RL_RES_BLOCKED)
            run_text_printf(sb, "wait %s: arrived %ld of %ld, blocked", on,
                            arrived(r->after), n->limit);
        else if (r->result == RL_RES_TIMEOUT)
            run_text_printf(sb, "wait %s: timed out, barrier broken", on);
        else if (r->result == RL_RES_WOKE)
            run_text_printf(sb, "wait %s: released (index %ld)", on, r->after);
        else
            run_text_printf(sb, "wait %s: arrived %ld of %ld, releases all", on,
                            arrived(r->after), n->limit);
        break;
    case RL_OP_JOIN:
        if (r->result == RL_RES_BLOCKED)
            run_text_printf(sb, "join %s: blocked", n->other);
        else
            run_text_printf(sb, "join %s", n->other);
        break;
    case RL_OP_YIELD:
        run_text_printf(sb, "yield");
        break;
    case RL_OP_SLEEP:
        if (r->result == RL_RES_WOKE)
            run_text_printf(sb, "wake up (t=%ld ms)", r->after);
        else
            run_text_printf(sb, "sleep %ld ms", r->arg);
        break;
    case RL_OP_FAIL:
        run_text_printf(sb, "check failed: %s", n->check);
        break;
    case RL_OP_SPAWN:
        run_text_printf(sb, "start %s", n->other);
        break;
    case RL_OP_ATOMIC_LOAD:
        run_text_printf(sb, "atomic load %s -> %s", on, v.after);
        break;
    case RL_OP_ATOMIC_STORE:
        run_text_printf(sb, "atomic store %s <- %s", on, v.after);
        break;
    case RL_OP_FETCH_SUB:
    case RL_OP_FETCH_AND:
    case RL_OP_FETCH_OR:
    case RL_OP_FETCH_XOR:
    case RL_OP_EXCHANGE:
        run_text_printf(sb, "%s %s %s: %s -> %s", rl_op_name(r->op), on, v.arg,
                        v.before, v.after);
        break;
    case RL_OP_CAS:
        if (r->result == RL_RES_OK)
            run_text_printf(sb, "compare_exchange %s: %s -> %s", on, v.before,
                            v.after);
        else
            run_text_printf(sb, "compare_exchange %s: failed (found %s)", on,
                            v.before);
        break;
    case RL_OP_READ_ACQUIRE: /* on a rwlock: px_lock_text above */
        run_text_printf(sb, "rdlock %s", on);
        break;
    case RL_OP_SEM_VALUE:
        run_text_printf(sb, "sem_getvalue %s -> %ld", on, r->after);
        break;
    case RL_OP_ONCE:
        if (r->arg == 1)
            run_text_printf(sb, "once %s: routine done", on);
        else if (r->result == RL_RES_BLOCKED)
            run_text_printf(sb, "once %s: blocked (%s runs the routine)", on,
                            n->other);
        else if (r->after == 1)
            run_text_printf(sb, "once %s: runs the routine", on);
        else
            run_text_printf(sb, "once %s: already done", on);
        break;
    case RL_OP_EXIT:
        run_text_printf(sb, "exit(%ld)", r->arg);
        break;
    case RL_OP_ASSERT:
        run_text_printf(sb, "assertion failed: %s", n->text ? n->text : "?");
        break;
    case RL_OP_CRASH:
        run_text_printf(sb, "crash: %s", signal_name((int)r->arg));
        break;
    case RL_OP_OUTPUT:
        run_text_printf(sb, "output ");
        text_quoted(sb, n->text);
        break;
    case RL_OP_FENCE:
        run_text_printf(sb, "fence");
        break;
    default:
        run_text_printf(sb, "?");
    }
    if (r->order != RL_MO_SEQ_CST)
        run_text_printf(sb, " (%s)", rl_mem_order_name(r->order));
}

/* The shorter forms of r for a narrow lane: medium ("counter<-42") or
 * short ("<-42"). */
static void format_brief(struct run_text_buf *sb, const struct rl_record *r,
                         const struct rl_record_names *n, bool shrt)
{
    const char *o = n->obj;
    bool woke = r->result == RL_RES_WOKE;
    struct value_strs v;

    value_strs(r, n, &v);
    switch ((enum rl_op)r->op) {
    case RL_OP_START:
        run_text_printf(sb, "%s", shrt ? "go" : "start");
        break;
    case RL_OP_FINISH:
        run_text_printf(sb, "%s", shrt ? "end" : "done");
        break;
    case RL_OP_LOAD:
    case RL_OP_ATOMIC_LOAD:
        run_text_printf(sb, "%s->%s", shrt ? "" : o, v.after);
        break;
    case RL_OP_STORE:
        run_text_printf(sb, "%s<-%s", shrt ? "" : o, v.arg);
        break;
    case RL_OP_FETCH_ADD: /* "active-=1", not "active+=-1" */
        if (shrt)
            run_text_printf(sb, "%+ld", r->arg);
        else
            run_text_printf(sb, "%s%s=%lu", o, r->arg < 0 ? "-" : "+",
                            r->arg < 0 ? 0ul - (unsigned long)r->arg
                                       : (unsigned long)r->arg);
        break;
    case RL_OP_ACQUIRE:
        if (shrt)
            run_text_printf(sb, "%s", o);
        else
            run_text_printf(sb, "%s %s",
                            r->result == RL_RES_BLOCKED ? "blocked on"
                            : n->posix                  ? "lock"
                                                        : "acquire",
                            o);
        break;
    case RL_OP_RELEASE:
        run_text_printf(sb, "%s%s", shrt ? "" : n->posix ? "unlock " : "rel ",
                        o);
        break;
    case RL_OP_WAIT:
        if (shrt)
            run_text_printf(sb, "%s", o);
        else
            run_text_printf(sb, "%s %s", woke ? "woke" : "wait", o);
        break;
    case RL_OP_NOTIFY: /* a C program's pthread_cond_signal in its words */
        run_text_printf(sb, "%s %s",
                        n->posix ? (shrt ? "sig" : "signal")
                                 : (shrt ? "n" : "notify"),
                        o);
        break;
    case RL_OP_NOTIFY_ALL:
        run_text_printf(sb, "%s %s",
                        n->posix ? (shrt ? "bc" : "broadcast")
                                 : (shrt ? "na" : "notify_all"),
                        o);
        break;
    case RL_OP_SET:
        run_text_printf(sb, "%s%s", shrt ? "" : "set ", o);
        break;
    case RL_OP_CLEAR:
        run_text_printf(sb, "%s%s", shrt ? "" : "clear ", o);
        break;
    case RL_OP_IS_SET:
        if (shrt)
            run_text_printf(sb, "%s", r->after ? "yes" : "no");
        else
            run_text_printf(sb, "%s? %s", o, r->after ? "yes" : "no");
        break;
    case RL_OP_EVENT_WAIT:
        run_text_printf(sb, "%s%s", shrt ? "" : "wait ", o);
        break;
    case RL_OP_BARRIER:
        if (shrt)
            run_text_printf(sb, "%s", o);
        else
            run_text_printf(sb, "%s #%ld", o, r->after);
        break;
    case RL_OP_JOIN:
        run_text_printf(sb, "%s%s", shrt ? "" : "join ", n->other);
        break;
    case RL_OP_YIELD:
        run_text_printf(sb, "%s", shrt ? "y" : "yield");
        break;
    case RL_OP_SLEEP:
        run_text_printf(sb, "%s%ld", shrt ? "z" : "sleep ", r->arg);
        break;
    case RL_OP_FAIL:
        run_text_printf(sb, "%s", shrt ? "FAIL" : "check failed");
        break;
    case RL_OP_SPAWN:
        run_text_printf(sb, "%s%s", shrt ? ">" : "start ", n->other);
        break;
    case RL_OP_OUTPUT:
        run_text_printf(sb, "%s", shrt ? "out" : "output");
        break;
    case RL_OP_ATOMIC_STORE:
        run_text_printf(sb, "%s<-%s", shrt ? "" : o, v.after);
        break;
    case RL_OP_FETCH_SUB:
    case RL_OP_FETCH_AND:
    case RL_OP_FETCH_OR:
    case RL_OP_FETCH_XOR:
    case RL_OP_EXCHANGE:
    case RL_OP_CAS:
        if (shrt)
            run_text_printf(sb, "->%s", v.after);
        else
            run_text_printf(sb, "%s %s->%s", o, v.before, v.after);
        break;
    case RL_OP_READ_ACQUIRE:
        run_text_printf(sb, "%s%s", shrt ? "" : "rdlock ", o);
        break;
    case RL_OP_SEM_VALUE:
        run_text_printf(sb, "%s%s=%ld", shrt ? "" : "value ", shrt ? "" : o,
                        r->after);
        break;
    case RL_OP_ONCE:
        run_text_printf(sb, "%s%s", shrt ? "" : "once ", o);
        break;
    case RL_OP_EXIT:
        run_text_printf(sb, "exit(%ld)", r->arg);
        break;
    case RL_OP_ASSERT:
        run_text_printf(sb, "%s", shrt ? "ASSERT" : "assert failed");
        break;
    case RL_OP_CRASH:
        run_text_printf(sb, "%s", shrt ? "CRASH" : "crash");
        break;
    case RL_OP_FENCE:
        run_text_printf(sb, "%s", shrt ? "|" : "fence");
        break;
    default:
        if (shrt)
            run_text_printf(sb, "?");
        else
            run_text_printf(sb, "op %d", r->op);
        break;
    }
    if (!shrt && r->result == RL_RES_ERROR && r->op != RL_OP_FAIL)
        run_text_printf(sb, ": error");
}

/* Record r in the form asked for, with the names n (see run.h). */
size_t rl_record_format(const struct rl_record *r,
                        const struct rl_record_names *n,
                        enum rl_text_form form, char *buf, size_t len)
{
    struct run_text_buf sb = {buf, len, 0};

    if (len)
        buf[0] = '\0';
    if (form == RL_TEXT_FULL)
        format_full(&sb, r, n);
    else
        format_brief(&sb, r, n, form == RL_TEXT_SHORT);
    return sb.used;
}
