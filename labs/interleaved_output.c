/* SPDX-License-Identifier: MIT */
/*
 * interleaved_output.c - threads write START and END lines to one shared
 * output, the way several threads print() to the same terminal or log.
 *
 * The output is a line buffer: shared slots line1, line2, ... and a shared
 * `cursor`, the number of lines written. Writing a line is three steps:
 * load the cursor, store the line into the slot it names, store cursor + 1.
 * A line's value says who wrote what: 10 * thread + 1 is START, 10 *
 * thread + 2 is END (11 is T1 START, 2 is T0 END); 0 is an empty slot.
 *   unlocked  each thread writes START then END with no lock: the lines
 *             of different threads interleave, and two writers that load
 *             the same cursor write the same slot, one line overwriting
 *             the other (the cursor may even move back);
 *   locked    a Lock (print_lock) is held around each START/END pair:
 *             every line is written once and each thread's START is
 *             followed directly by its own END.
 * The checks read the output as a reader would: the first `cursor` lines.
 */
#include "lab.h"

#include <stdio.h>

#include "../core/racelab.h"

enum { UNLOCKED, LOCKED };

#define IO_MAX_THREADS 8
#define IO_MAX_ROUNDS 8
#define IO_MAX_LINES (2 * IO_MAX_THREADS * IO_MAX_ROUNDS)
#define IO_START 1
#define IO_END 2

/* The lab's state, shared by its threads. */
struct io_lab {
    rl_var *line[IO_MAX_LINES]; /* the output; guarded by print_lock when
                                   locked, unguarded when not */
    rl_var *cursor;             /* lines written; guarded likewise */
    rl_lock *print_lock;        /* `locked` only */
    long threads, rounds;       /* read-only after setup, as are the rest */
    long nlines;
    int variant;
};

/* Write one line: load the cursor, fill its slot, advance it. */
static void io_write_line(struct io_lab *s, long value)
{
    long c = rl_load(s->cursor);
    /* unlocked: another writer may load the same cursor here */
    if (c >= 0 && c < s->nlines)
        rl_store(s->line[c], value);
    rl_store(s->cursor, c + 1);
}

/* One thread: rounds START/END pairs. */
static void io_thread(void *arg)
{
    struct io_lab *s = arg;
    long me = rl_self();

    for (long r = 0; r < s->rounds; r++) {
        if (s->variant == LOCKED)
            rl_lock_acquire(s->print_lock);
        io_write_line(s, 10 * me + IO_START);
        io_write_line(s, 10 * me + IO_END);
        if (s->variant == LOCKED)
            rl_lock_release(s->print_lock);
    }
}

/* Create the slots, the cursor and the lock; start the threads. */
static void io_setup(struct lab_inst *inst)
{
    struct io_lab *s = rl_alloc(sizeof *s);
    char name[RL_NAME_MAX + 8];

    s->threads = lab_inst_param(inst, "threads");
    s->rounds = lab_inst_param(inst, "rounds");
    s->nlines = 2 * s->threads * s->rounds;
    s->variant = inst->variant;
    for (long i = 0; i < s->nlines; i++) {
        snprintf(name, sizeof name, "line%ld", i + 1);
        s->line[i] = rl_var_create(name, 0);
    }
    s->cursor = rl_var_create("cursor", 0);
    if (s->variant == LOCKED)
        s->print_lock = rl_lock_create("print_lock");
    inst->state = s;
    for (long t = 0; t < s->threads; t++)
        rl_thread_start(NULL, io_thread, s);
}

/* "T1 START" for a line value, "an empty line" for 0. */
static void io_line_text(long v, char *buf, size_t len)
{
    if (v == 0)
        snprintf(buf, len, "an empty line");
    else
        snprintf(buf, len, "T%ld %s", v / 10,
                 v % 10 == IO_START ? "START" : "END");
}

/* The output's lines: 0..n-1 of the slots (n = cursor, within range). */
static long io_output_len(const struct io_lab *s)
{
    long n = rl_var_peek(s->cursor);

    return n < 0 ? 0 : n > s->nlines ? s->nlines : n;
}

/* Every line in the output exactly once: rounds STARTs and ENDs of each
 * thread; report the first one missing. */
static void io_check_once(struct rl_run *run, const struct io_lab *s)
{
    long n = io_output_len(s), missing = 0, first = 0;
    long count[IO_MAX_THREADS][3] = {{0}};

    for (long i = 0; i < n; i++) {
        long v = rl_var_peek(s->line[i]);
        if (v > 0 && v / 10 < s->threads && v % 10 >= IO_START &&
            v % 10 <= IO_END)
            count[v / 10][v % 10]++;
    }
    for (long t = 0; t < s->threads; t++)
        for (int k = IO_START; k <= IO_END; k++)
            if (count[t][k] < s->rounds) {
                if (!missing)
                    first = 10 * t + k;
                missing += s->rounds - count[t][k];
            }
    if (!missing) {
        rl_check(run, "every line written once", n == s->nlines,
                 "%ld lines, each written once", n);
        return;
    }
    char what[32];
    io_line_text(first, what, sizeof what);
    if (missing == 1)
        rl_check(run, "every line written once", false,
                 "%ld of %ld lines in the output: %s was lost", n, s->nlines,
                 what);
    else
        rl_check(run, "every line written once", false,
                 "%ld of %ld lines in the output: %s and %ld more were "
                 "lost",
                 n, s->nlines, what, missing - 1);
}

/* Each START directly followed by the same thread's END; report the first
 * place where it is not. */
static void io_check_adjacent(struct rl_run *run, const struct io_lab *s)
{
    const char *name = "START/END of one thread adjacent";
    long n = io_output_len(s);
    char a[32], b[32];

    for (long i = 0; i < n; i += 2) {
        long v = rl_var_peek(s->line[i]);
        long t = v / 10;
        io_line_text(v, a, sizeof a);
        if (v % 10 != IO_START) {
            rl_check(run, name, false, "line %ld is %s, not after its START",
                     i + 1, a);
            return;
        }
        if (i + 1 == n) {
            rl_check(run, name, false,
                     "line %ld is %s, the last line: its END is missing", i + 1,
                     a);
            return;
        }
        long w = rl_var_peek(s->line[i + 1]);
        if (w != 10 * t + IO_END) {
            io_line_text(w, b, sizeof b);
            rl_check(run, name, false,
                     "line %ld is %s but line %ld is %s, expected T%ld END",
                     i + 1, a, i + 2, b, t);
            return;
        }
    }
    rl_check(run, name, true, "every START is followed by its thread's END");
}

/* The output as a reader sees it. */
static void io_check(struct rl_run *run, struct lab_inst *inst)
{
    struct io_lab *s = inst->state;

    io_check_once(run, s);
    io_check_adjacent(run, s);
}

static const struct lab_param io_params[] = {
    {"threads", "threads writing lines", 2, 8, 1, IO_MAX_THREADS},
    {"rounds", "START/END pairs per thread", 1, 8, 1, IO_MAX_ROUNDS},
};

static const struct lab_variant io_variants[] = {
    [UNLOCKED] = {"unlocked",
                  "no lock: lines interleave and overwrite each other", false},
    [LOCKED] = {"locked", "print_lock held around each START/END pair", true},
};

static const struct lab lab_interleaved_output = {
    .order = 110,
    .name = "interleaved-output",
    .title = "Interleaved output",
    .summary = "threads write START and END lines to one shared output",
    .explain =
        "Writing a line to a shared output is several steps: find the end,\n"
        "put the line there, move the end on. Threads that write at the\n"
        "same time interleave their lines, and two that find the same end\n"
        "write the same place: one line overwrites the other. A Lock held\n"
        "around a thread's START and END lines makes the pair one critical\n"
        "section: each line is written once, and the pair stays together.",
    .params = io_params,
    .nparams = LAB_LEN(io_params),
    .variants = io_variants,
    .nvariants = LAB_LEN(io_variants),
    .setup = io_setup,
    .check = io_check,
};
LAB_REGISTER(lab_interleaved_output);
