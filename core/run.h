/* SPDX-License-Identifier: MIT */
/*
 * run.h - the engine API for front ends (command line, TUI, grader).
 *
 * A run = a program (setup + checks, supplied by a lab; the engine does not
 * know labs) + a backend + a scheduler + limits. It produces a stream of
 * records (one per API call), a final state (objects and threads that can be
 * inspected at any time), and a verdict: how the run ended plus the result of
 * each check.
 *
 * Life of a run:
 *   rl_run_create()  runs the program's setup (objects, threads), no steps;
 *   rl_run_step()    sim: one scheduling point (the TUI steps with this);
 *   rl_run_finish()  runs to the end (sim or os) and evaluates the checks;
 *   rl_run_destroy() frees everything, including the lab's objects.
 * On the os backend, rl_run_start() + rl_run_poll() run the threads in the
 * background for a live view; rl_run_finish() waits for them.
 *
 * A run is used by one OS thread at a time (the one that created it).
 */
#ifndef RL_RUN_H
#define RL_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RL_MAX_THREADS 256
#define RL_NAME_MAX 48

struct rl_run;
struct rl_record;
struct rl_barrier;

enum rl_backend { RL_BACKEND_SIM, RL_BACKEND_OS };

/* ---- schedulers (sim) --------------------------------------------------- */

enum rl_sched_kind {
    RL_SCHED_RR,     /* round robin, preempt after `quantum` steps */
    RL_SCHED_RANDOM, /* uniform among runnable threads, seeded */
    RL_SCHED_PCT,    /* probabilistic concurrency testing */
    RL_SCHED_REPLAY, /* the choices of a schedule string */
    RL_SCHED_MANUAL, /* the caller picks (rl_run_step_thread) */
    RL_SCHED_CUSTOM, /* a callback picks (exploration) */
};

/* A choice point: more than one option, the scheduler picks one. */
enum rl_choice_kind {
    RL_CHOICE_THREAD, /* which runnable thread runs the next step */
    RL_CHOICE_NOTIFY, /* which waiter a notify() wakes */
};

struct rl_choice {
    enum rl_choice_kind kind;
    uint64_t step;          /* the step being decided (1-based) */
    int current;            /* the thread that ran the previous step, or -1 */
    int n;                  /* runnable options, >= 1 (n + ntimed >= 2) */
    const int *options;     /* n + ntimed thread ids: ascending for THREAD,
                               FIFO for NOTIFY */
    int ntimed;             /* THREAD: options[n .. n+ntimed) are threads
                               blocked in a timed wait, ascending: picking
                               one fires its timeout. Given only to the
                               schedulers that consider timeouts (replay;
                               random, PCT and custom with `timeouts`); 0
                               for the others */
    int def;                /* the index of round robin's pick, the one
                               that costs nothing (core/rrpick.h): any
                               other is counted as a preemption */
};

/* Custom scheduler: returns an index into c->options, or -1 to end the
 * run there (it ends as RL_END_DIVERGED). */
typedef int (*rl_choose_fn)(void *ctx, const struct rl_choice *c);

struct rl_sched {
    enum rl_sched_kind kind;
    int quantum;            /* RR: steps before preemption, >= 1 */
    uint64_t seed;          /* RANDOM, PCT */
    int depth;              /* PCT: bug depth d >= 1 (d-1 change points) */
    int pct_steps;          /* PCT: estimated run length k; 0 = measured
                               by one round-robin run of the program */
    const char *choices;    /* REPLAY: the choices part of a schedule string */
    bool replay_continue;   /* REPLAY: when the choices run out, go on with
                               round robin (quantum 1) instead of diverging */
    rl_choose_fn choose;    /* CUSTOM */
    void *choose_ctx;       /* CUSTOM */
    bool timeouts;          /* RANDOM, PCT, CUSTOM: a thread blocked in a
                               timed wait is an option too (picking it fires
                               its timeout); exploration sets it, and the
                               spec says it (":timeouts"). Round robin and
                               manual never fire one early */
};

/* Parse a --sched value: "rr:Q", "rr", "random:SEED", "pct:SEED:DEPTH",
 * "replay:CHOICES" (the choices part of a schedule string; out->choices
 * points into spec), "manual". Random and PCT take a last part
 * ":timeouts" that sets out->timeouts ("random:7:timeouts"): the runs
 * exploration makes. On error returns -1 and writes a one-line message
 * naming the bad part or the forms allowed. */
int rl_sched_parse(const char *spec, struct rl_sched *out, char *err,
                   size_t errlen);
/* Write the canonical spec of s ("rr:1", "random:42", "pct:3:2:timeouts",
 * ...): rl_sched_parse of it gives a scheduler that makes the same runs
 * (pct_steps, and timeouts where the kind ignores it, are left out). */
void rl_sched_format(const struct rl_sched *s, char *buf, size_t len);

/* ---- configuration ------------------------------------------------------ */

struct rl_external;

/* What a lab supplies: setup creates objects and threads through the student
 * API (the run is current while it runs); check inspects the final state
 * and reports with rl_check(). Both run on the caller's OS thread.
 *
 * Or a program built apart: with `external` set, setup and check are not
 * used; rl_run_create starts the child process it describes (building it
 * first if needed) and the run is a MIRROR of the run in the child (see
 * core/child.h): every function below works on it unchanged. */
struct rl_program {
    void (*setup)(void *ctx);
    void (*check)(struct rl_run *run, void *ctx);
    void *ctx;
    const struct rl_external *external; /* NULL: in this process */
};

/* A program built apart from racelab, run in an isolated child process:
 * its own process group, no descriptor of ours but its socket, stdout and
 * stderr captured (rl_run_output), a CPU time limit, and a last-resort
 * wall-clock stop per answer. */
#define RL_EXTERNAL_MAX_ARGS 8
struct rl_build; /* core/program.h */
struct rl_external {
    const char *path;              /* the child executable, or NULL: */
    const struct rl_build *build;  /* build it (cached) from this */
    const char *argv[RL_EXTERNAL_MAX_ARGS + 1]; /* argv[1..], NULL-ended */
    const char *env[RL_EXTERNAL_MAX_ARGS + 1];  /* NAME=VALUE added */
    int cpu_s;      /* RLIMIT_CPU of the child; 0 = RL_CHILD_CPU_S */
    int answer_ms;  /* the safety stop: no answer this long ends the run
                       as RL_END_INCOMPLETE; 0 = RL_CHILD_ANSWER_MS */
    /* The last guard of one answer as a whole (messages on the way
     * included, so that a program that sends an empty message now and
     * then cannot hold racelab forever), in ms beyond a request's own
     * time limit; 0 = answer_ms + 10 s per second of cpu_s. */
    long answer_total_ms;
    /* > 0: an exercise the parent judges (core/child.h, OBSERVE): the
     * child sends its final state, exactly this many bytes, and the run's
     * checks are the program's check on that copy (rl_run_observed) and
     * the engine's, computed here; the checks the child sends are not
     * believed. 0: a plain C program, whose checks are the child's. */
    size_t observe_size;
    const struct rl_spawn *spawn; /* more limits (a sandbox), or NULL */
    const char *argv0; /* the program's argv[0], or NULL: the path */
    /* Give the child a fresh open of our standard input when that is a
     * regular file (`racelab run prog.c < input`), each child from its
     * start; else, and when false, /dev/null. */
    bool stdin_file;
    /* > 0: no child is started; the conversation is read from this
     * socket as it stands (the wire fuzz suite replays recorded and
     * mutated streams). The run owns it and closes it. */
    int stream_fd;
};

/* Limits a caller (the grader) adds to a child process started for a
 * struct rl_external, applied after the fork and before the exec (the
 * user dropped before RLIMIT_NPROC is set); zero fields leave that limit
 * alone. */
struct rl_spawn {
    bool new_session;     /* setsid(): its own session and process group */
    const char *cwd;      /* working directory, also its HOME and TMPDIR;
                             NULL = ours */
    size_t address_space; /* RLIMIT_AS */
    size_t file_size;     /* RLIMIT_FSIZE (SIGXFSZ ignored: writing past
                             it fails instead of killing) */
    bool no_processes;    /* RLIMIT_NPROC 0: no fork, no thread */
    long max_processes;   /* else RLIMIT_NPROC, when > 0 */
    bool drop_user;       /* become uid / gid, no supplementary groups;
                             the child exits 125 when it cannot */
    unsigned uid, gid;
    bool no_new_privs;    /* PR_SET_NO_NEW_PRIVS */
    bool die_with_parent; /* PR_SET_PDEATHSIG SIGKILL: killed when the
                             thread that forked it ends (the grader: a
                             killed grader leaves no check running) */
};

#define RL_CHILD_CPU_S 20
#define RL_CHILD_ANSWER_MS 120000

struct rl_run_config {
    struct rl_program program;
    enum rl_backend backend;
    struct rl_sched sched;      /* sim only */
    uint64_t max_steps;         /* sim: 0 = RL_DEFAULT_MAX_STEPS */
    size_t max_records;         /* records kept (newest); 0 = default.
                                   Memory is taken in chunks of 1024
                                   records as the ring first reaches
                                   them, never more than the window */
    bool record;                /* os: record events (sim always records) */
    int watchdog_ms;            /* os: no progress this long while threads
                                   are blocked = deadlock; 0 = default */
    int timeout_ms;             /* os: wall-clock guard; 0 = default */
    /* Called for every record as it is made (sim: at once; os: when merged
     * by rl_run_poll / rl_run_finish). May be NULL. */
    void (*on_record)(void *ctx, const struct rl_run *run,
                      const struct rl_record *rec);
    void *on_record_ctx;
    /* May be NULL. If set, the run owns program.ctx once rl_run_create has
     * succeeded, and frees it with this when the run is freed - for an
     * abandoned os run, only once its threads are gone, since they may
     * still read it. */
    void (*ctx_free)(void *ctx);
};

#define RL_DEFAULT_MAX_STEPS 1000000u
#define RL_DEFAULT_MAX_RECORDS ((size_t)1 << 20)
#define RL_DEFAULT_WATCHDOG_MS 1000
#define RL_DEFAULT_TIMEOUT_MS 10000

/* ---- records ------------------------------------------------------------ */

enum rl_op {
    RL_OP_START,      /* thread starts */
    RL_OP_FINISH,     /* thread body returned */
    RL_OP_LOAD,       /* before = after = value read */
    RL_OP_STORE,      /* arg = value written; before, after */
    RL_OP_FETCH_ADD,  /* arg = delta; before, after */
    RL_OP_ACQUIRE,    /* Lock/RLock/Semaphore acquire (also try / timeout) */
    RL_OP_RELEASE,
    RL_OP_WAIT,       /* Condition.wait */
    RL_OP_NOTIFY,     /* arg = number woken; other = first thread woken */
    RL_OP_NOTIFY_ALL, /* arg = number woken */
    RL_OP_SET,        /* Event.set; arg = number woken */
    RL_OP_CLEAR,      /* Event.clear */
    RL_OP_IS_SET,     /* Event.is_set; after = flag */
    RL_OP_EVENT_WAIT, /* Event.wait */
    RL_OP_BARRIER,    /* Barrier.wait; after = arrival index */
    RL_OP_JOIN,       /* other = joined thread */
    RL_OP_YIELD,
    RL_OP_SLEEP,      /* arg = ms */
    RL_OP_FAIL,       /* rl_fail(): a check failed here; arg = check index */
    RL_OP_SPAWN,      /* a running thread starts another; other = new one */
    RL_OP_OUTPUT,     /* program output; arg = text id (rl_run_text),
                         before = file descriptor (1 or 2) */
    /* Plain C programs (core/posix.h): */
    RL_OP_ATOMIC_LOAD,  /* before = after = value read */
    RL_OP_ATOMIC_STORE, /* arg = value written; before, after */
    RL_OP_FETCH_SUB,    /* arg = operand; before, after */
    RL_OP_FETCH_AND,
    RL_OP_FETCH_OR,
    RL_OP_FETCH_XOR,
    RL_OP_EXCHANGE,     /* arg = value written; before, after */
    RL_OP_CAS,          /* compare-exchange; arg = desired; before = value
                           found; result OK (exchanged) or TIMEOUT (not) */
    RL_OP_READ_ACQUIRE, /* rwlock read lock (results as ACQUIRE) */
    RL_OP_SEM_VALUE,    /* sem_getvalue; after = count */
    RL_OP_ONCE,         /* pthread_once: OK = runs the routine, WOKE /
                           BLOCKED = waits for it, arg 1 = routine done */
    RL_OP_EXIT,         /* exit(); arg = status */
    RL_OP_ASSERT,       /* a failed assert(); arg = text id of the message */
    RL_OP_CRASH,        /* a crash; arg = signal number */
    RL_OP_FENCE,        /* atomic_thread_fence; the record's order */
    RL_OP__COUNT
};

enum rl_result {
    RL_RES_OK,        /* done (acquired, stored, ...) */
    RL_RES_BLOCKED,   /* the thread blocks here; other = holder or -1 */
    RL_RES_WOKE,      /* a blocked call completes (acquired after waiting,
                         notified and re-acquired, event set, ...) */
    RL_RES_TIMEOUT,   /* not acquired / not notified within the timeout, or
                         would block (try) */
    RL_RES_ERROR,     /* misuse; arg = the rl_status code */
};

/* The memory order a C program gave an atomic or a fence (C11's, consume
 * read as acquire). The schedule is the same for all (every atomic is one
 * step, in one total order); the data-race analysis orders accesses by
 * them as C11 does: a relaxed atomic orders nothing by itself. */
enum rl_mem_order {
    RL_MO_SEQ_CST,
    RL_MO_RELAXED,
    RL_MO_ACQUIRE,
    RL_MO_RELEASE,
    RL_MO_ACQ_REL,
};

/* The C library call that made a range record (struct rl_record's fn). */
enum rl_mem_fn {
    RL_FN_NONE,
    RL_FN_MEMCPY,
    RL_FN_MEMMOVE,
    RL_FN_MEMSET,
    RL_FN_MEMCMP,
    RL_FN_STRCPY,
    RL_FN_STRNCPY,
    RL_FN_STRCAT,
    RL_FN_STRNCAT,
    RL_FN_STRLEN,
    RL_FN_STRCMP,
    RL_FN_STRNCMP,
    RL_FN_SPRINTF,
    RL_FN_SNPRINTF,
    RL_FN_PRINTF, /* what printf, fprintf, ... read of a "%s" argument */
    RL_FN_PUTS,   /* what puts, fputs and fwrite read of their argument */
    RL_FN_FPUTS,
    RL_FN_FWRITE,
    RL_FN_ACCESS, /* a plain load or store of a range the compiler reports
                     itself (a struct copied by assignment, a 16-byte
                     access): shown as "load" / "store" */
    RL_FN__COUNT
};

/* One API call. seq numbers the records of a run from 1 (on sim the same
 * for the same schedule; on os in the order of a global counter): it is
 * the "step N" that every message of the engine and the labs cites.
 * before/after hold the variable's value, the semaphore count, the RLock
 * depth or the barrier arrivals, around the call. */
struct rl_record {
    uint64_t seq;
    int16_t thread;
    uint8_t op;       /* enum rl_op */
    uint8_t result;   /* enum rl_result */
    int32_t obj;      /* object id, -1 if none */
    int16_t other;    /* another thread involved, -1 if none */
    uint8_t order;    /* a C11 atomic's or fence's enum rl_mem_order (0,
                         seq_cst, for every other record) */
    uint8_t fn;       /* a LOAD or STORE that a C library call made on a
                         range of bytes (memcpy, strcpy, printf's "%s"):
                         its enum rl_mem_fn; 0 for every other record */
    uint32_t len;     /* ... the bytes it read or wrote from obj's address
                         on (before and after are the first of them, as a
                         number); then arg is the text id (rl_run_text) of
                         those bytes as quoted text, or -1 when they are
                         not text. A C program's plain LOAD or STORE (fn
                         0): its width, 1 to 8 bytes, which may differ
                         from the variable's (a char read of an int);
                         0 for every other record */
    long arg;
    long before;
    long after;
    uintptr_t pc;     /* the call site in compiled user code, 0 if unknown
                         (always 0 for labs) */
};

/* ---- objects and threads, for display ------------------------------------ */

enum rl_obj_kind {
    RL_OBJ_VAR,
    RL_OBJ_LOCK,
    RL_OBJ_RLOCK,
    RL_OBJ_SEMAPHORE,
    RL_OBJ_BOUNDED_SEMAPHORE,
    RL_OBJ_CONDITION,
    RL_OBJ_EVENT,
    RL_OBJ_BARRIER,
    /* Plain C programs (core/posix.h): */
    RL_OBJ_MUTEX,     /* pthread_mutex_t: owner, depth (recursive) */
    RL_OBJ_RWLOCK,    /* owner = writer; holders = readers */
    RL_OBJ_SPINLOCK,  /* pthread_spinlock_t: owner */
    RL_OBJ_ONCE,      /* pthread_once_t: value 0 new, 1 running, 2 done */
};

/* A snapshot of one object. */
struct rl_obj_view {
    int id;
    enum rl_obj_kind kind;
    const char *name;
    long value;       /* var value, semaphore count, event flag (0/1),
                         barrier arrivals in this round */
    long limit;       /* semaphore initial value, barrier parties */
    int owner;        /* Lock: holder (last acquirer) or -1; RLock: owner */
    int depth;        /* RLock recursion depth */
    int lock;         /* Condition: the id of its lock */
    int nholders;     /* Semaphore: threads holding a unit, in order */
    int holders[RL_MAX_THREADS];
    int nwaiters;     /* threads blocked on this object, in FIFO order */
    int waiters[RL_MAX_THREADS];
    bool broken;      /* Barrier */
    bool posix;       /* an object of a plain C program (pthread / sem_t) */
};

enum rl_thread_state {
    RL_T_NEW,         /* created, has not run yet */
    RL_T_RUNNABLE,
    RL_T_BLOCKED,     /* waits on `waiting_on` */
    RL_T_SLEEPING,    /* sim: waits for virtual time */
    RL_T_DONE,
};

struct rl_thread_view {
    int id;
    const char *name;
    enum rl_thread_state state;
    int waiting_on;   /* object id, or -1 (join: -2 - thread id) */
    int holder;       /* who holds what it waits on, or -1 */
    uint64_t steps;   /* steps this thread has run */
};

/* ---- verdict -------------------------------------------------------------- */

enum rl_end {
    RL_END_RUNNING,   /* not finished yet */
    RL_END_DONE,      /* every thread finished */
    RL_END_DEADLOCK,  /* no thread can run, some have not finished */
    RL_END_STEP_LIMIT,/* sim: max_steps reached ("did not finish") */
    RL_END_DIVERGED,  /* replay: the schedule does not fit this run */
    RL_END_TIMEOUT,   /* os: the wall-clock guard expired; sim: a thread
                         ran past its CPU budget without a racelab call
                         (watchdog.h), or a child process used up its CPU
                         time */
    RL_END_FAILED,    /* sim: stopped at the step where a lab thread's
                         rl_fail() reported a failed check (the state is
                         not final: the program's final checks are not
                         run) */
    /* Plain C programs (core/posix.h) end so in the child; the end text
     * says which thread, where, and what. A program in a child process
     * (struct rl_external) also ends so when the process ... */
    RL_END_EXIT,      /* ... exit() or main returned while threads ran on;
                         ... called exit() mid-run */
    RL_END_ASSERT,    /* a failed assert() */
    RL_END_CRASH,     /* a signal: SIGSEGV, SIGBUS, SIGFPE, SIGABRT ...;
                         ... was killed by a signal */
    RL_END_PROTOCOL,  /* ... sent bytes racelab cannot trust */
    RL_END_INCOMPLETE,/* ... stopped answering: the safety stop */
};

struct rl_check_result {
    const char *name;     /* "final value", "no deadlock", ... */
    bool ok;
    const char *message;  /* what was expected and what happened */
};

/* ---- lifecycle ------------------------------------------------------------ */

/* The length of prog's run under round robin with quantum 1 (the most
 * interleaved fair schedule), in steps, capped by max_steps (0: the
 * default): the estimate of a run's length that PCT and exploration need.
 * Returns 0, or -1 with a message in err when the program cannot run. */
int rl_run_probe_length(const struct rl_program *prog, uint64_t max_steps,
                        uint64_t *steps, char *err, size_t errlen);

/* Create a run and run the program's setup. Returns NULL with a message in
 * err on a bad configuration. The caller owns the run. */
struct rl_run *rl_run_create(const struct rl_run_config *cfg, char *err,
                             size_t errlen);
/* Free a run and every object of its program. Accepts NULL. On os, a run
 * whose threads are stuck (a real deadlock, a timeout, or still running
 * after a short grace) is abandoned: its threads are cancelled, and it is
 * freed as soon as the last one has exited (a later rl_run_create or
 * rl_run_destroy does it). */
void rl_run_destroy(struct rl_run *run);
/* os: how many abandoned runs still wait for their threads to exit. */
int rl_os_buried(void);

/* sim: run one step, chosen by the run's scheduler. Returns the end state
 * (RL_END_RUNNING while more steps remain). Checks are evaluated when the
 * run ends. */
enum rl_end rl_run_step(struct rl_run *run);
/* sim, manual: run one step of thread tid. Returns -1 with a message in err
 * if tid cannot run now ("T1 is blocked on L (held by T0)"). */
int rl_run_step_thread(struct rl_run *run, int tid, char *err, size_t errlen);
/* Run to the end (sim: step until done; os: start if needed and wait, with
 * the watchdog) and evaluate the checks. Returns how the run ended. */
enum rl_end rl_run_finish(struct rl_run *run);

/* sim: use another scheduler for the choices from now on (the TUI replays
 * a prefix, then hands back to the user's scheduler). Returns -1 with a
 * message for a bad scheduler. */
int rl_run_set_sched(struct rl_run *run, const struct rl_sched *sched,
                     char *err, size_t errlen);

/* os: start the threads and return at once. */
int rl_run_start(struct rl_run *run, char *err, size_t errlen);
/* os: merge new records (calling on_record), check the watchdog; returns
 * RL_END_RUNNING until the run has ended. Never blocks. */
enum rl_end rl_run_poll(struct rl_run *run);

/* ---- inspection ------------------------------------------------------------ */

/* A mirror run (program.external): what the child wrote on its stdout
 * and stderr so far (the first RL_CHILD_OUTPUT_MAX bytes, NUL-terminated),
 * and *total the bytes it wrote in all. "" for a run in this process. */
#define RL_CHILD_OUTPUT_MAX 65536
const char *rl_run_output(const struct rl_run *run, size_t *total);
/* Whether the run mirrors a program in a child process. */
bool rl_run_is_mirror(const struct rl_run *run);
/* A judged mirror run (rl_external.observe_size): the copy of the final
 * state the child sent (observe_size bytes, zero-filled, owned by the
 * run), or NULL if none came (yet). Plain numbers: a pointer in it is the
 * child's and means nothing here. */
void *rl_run_observed(const struct rl_run *run);

enum rl_backend rl_run_backend(const struct rl_run *run);
enum rl_end rl_run_end(const struct rl_run *run);
/* Steps taken (sim) or records made (os). */
uint64_t rl_run_steps(const struct rl_run *run);
/* Virtual time in ms (sim). */
long rl_run_now(const struct rl_run *run);

int rl_run_thread_count(const struct rl_run *run);
void rl_run_thread(const struct rl_run *run, int tid,
                   struct rl_thread_view *out);
/* sim: whether tid could run the next step. */
bool rl_run_thread_runnable(const struct rl_run *run, int tid);
/* sim: timed waits on barrier b time out only when nothing else can run,
 * never as a schedule choice. For a scenario's own watchdog (k workers
 * must meet within a time no correct implementation misses), never for
 * the code being judged; not part of the student API. */
void rl_barrier_patient(struct rl_barrier *b);

int rl_run_object_count(const struct rl_run *run);
void rl_run_object(const struct rl_run *run, int id, struct rl_obj_view *out);
/* The id of the object named name, or -1. */
int rl_run_object_find(const struct rl_run *run, const char *name);

/* Records made but not kept: pushed out of the run's ring past
 * max_records, or (os) lost when a thread's own ring filled before a
 * merge. Zero means the trace is complete. */
uint64_t rl_run_dropped(const struct rl_run *run);
/* Records kept: seq numbers first..last (the oldest may have been dropped
 * past max_records). rl_run_record returns NULL for a seq not kept. */
uint64_t rl_run_record_first(const struct rl_run *run);
uint64_t rl_run_record_last(const struct rl_run *run);
const struct rl_record *rl_run_record(const struct rl_run *run, uint64_t seq);

/* What the run holds in memory for its records and choices: the engine's
 * own counters, so that a test can check that a long run stays bounded. */
struct rl_run_storage {
    size_t record_bytes;  /* allocated for the record ring */
    size_t record_window; /* records it can keep (max_records) */
    uint64_t records_kept;
    size_t choice_bytes;  /* allocated for the choices (sim) */
    size_t choice_groups; /* groups of the compact choices (a cycle
                             repeated, or a stretch of irregular ones) */
    size_t replay_bytes;  /* held for a replay's schedule: the copy of its
                             choices text, nothing per item (sim) */
};
void rl_run_storage(const struct rl_run *run, struct rl_run_storage *out);

/* Checks, in order: the program's own (rl_check, rl_fail) and the engine's
 * (no deadlock, finished within the step limit, no misuse). */
int rl_run_check_count(const struct rl_run *run);
void rl_run_check(const struct rl_run *run, int i,
                  struct rl_check_result *out);
/* True when the run has ended and every check holds. */
bool rl_run_passed(const struct rl_run *run);

/* Called by a program's check callback: add a check result. */
void rl_check(struct rl_run *run, const char *name, bool ok, const char *fmt,
              ...) __attribute__((format(printf, 4, 5)));

/* sim: the choices made so far, as the choices part of a schedule string
 * ("0x3.1.0x2", "-" when there was no choice). Returns the length written
 * (truncated to len-1 like snprintf). */
size_t rl_run_choices(const struct rl_run *run, char *buf, size_t len);
/* sim: the same text handed to emit in pieces, in order (never split
 * inside an item), without building it whole: a run of 10^8 steps has a
 * schedule string of hundreds of megabytes. Stops at the first emit that
 * returns non-zero and returns that value; 0 when all was written. */
int rl_run_choices_write(const struct rl_run *run,
                         int (*emit)(void *ctx, const char *text, size_t len),
                         void *ctx);
/* sim: number of choice points so far, and how many of them were
 * preemptions: any pick other than round robin's (core/rrpick.h), so
 * switching away from a thread that could go on, or, when it cannot,
 * picking another thread than the next one by id, or firing a timeout,
 * or waking another than the longest waiter. The bounded search
 * (explore.h) charges the same picks: its bound is this count. */
uint64_t rl_run_choice_count(const struct rl_run *run);
int rl_run_preemptions(const struct rl_run *run);

/* Describe how the run ended in one or more lines: for a deadlock, each
 * blocked thread with what it waits for and who holds it, and the wait-for
 * cycle; for a divergence, the step and why. Empty for RL_END_DONE. */
size_t rl_run_end_text(const struct rl_run *run, char *buf, size_t len);

/* A text the run keeps (program output: an RL_OP_OUTPUT record's arg),
 * or NULL for an unknown id. Owned by the run. */
const char *rl_run_text(const struct rl_run *run, long id);

/* One readable line for a record: "load counter -> 41",
 * "acquire L: blocked (held by T0)", ... without the thread or seq
 * (rl_record_format's RL_TEXT_FULL with the names of run). */
size_t rl_record_text(const struct rl_run *run, const struct rl_record *rec,
                      char *buf, size_t len);

/* A value of a plain C program's variable obj in words, as every front
 * end shows it: "&NAME" or "&NAME+OFF" when obj is pointer-sized and the
 * value the address of (or inside) memory the run knows at record seq (0:
 * now) - a global ("&buf+12"), a heap block ("&heap#1@prog.c:7+8"), a
 * thread's stack ("&T1.stack-40"), with " (freed)" (" (thread ended)")
 * when that memory is gone by then - or, when v is what a C library call
 * wrote or read (record seq of obj is a range record, or seq 0 and it is
 * obj's last access), its bytes as quoted text ("\"hello, world\"") -
 * else the number ("42", "0"; always for a lab). The text never depends
 * on the address itself. Returns the length the whole text needs, as
 * snprintf. */
#define RL_VALUE_TEXT_MAX 64
size_t rl_value_text(const struct rl_run *run, int obj, long v, uint64_t seq,
                     char *buf, size_t len);

/* A record's values in words (rl_value_text), "" where the number says
 * it: the arg of a store or exchange, before and after. */
struct rl_record_values {
    char arg[RL_VALUE_TEXT_MAX];
    char before[RL_VALUE_TEXT_MAX];
    char after[RL_VALUE_TEXT_MAX];
};
/* Fill out for record rec of run; false (out all "") when every value of
 * rec is a plain number. */
bool rl_record_values(const struct rl_run *run, const struct rl_record *rec,
                      struct rl_record_values *out);

/* The one renderer of records, for the CLI and the TUI alike. */
enum rl_text_form {
    RL_TEXT_FULL,   /* "store counter <- 42": the CLI's line */
    RL_TEXT_MEDIUM, /* "counter<-42": a lane of middle width */
    RL_TEXT_SHORT,  /* "<-42": the narrowest lane */
};

/* The names a record's text needs, from a run or a front end's copy. */
struct rl_record_names {
    const char *obj;       /* the record's object ("?" if none) */
    enum rl_obj_kind kind; /* its kind, when known */
    bool known;            /* whether obj is a real object */
    const char *lock;      /* a Condition's lock ("?" if none) */
    long limit;            /* a Barrier's parties */
    const char *other;     /* the other thread involved ("?" if none) */
    const char *check;     /* RL_OP_FAIL: the check's name */
    const char *text;      /* RL_OP_OUTPUT, RL_OP_ASSERT: the run's text
                              (rl_run_text), or NULL */
    bool posix;            /* the object is a plain C program's (POSIX
                              words: sem_wait, cond_signal, ...) */
    const struct rl_record_values *values; /* the values in words, or NULL:
                                              the numbers */
    const char *range;     /* a range record's bytes by name ("msg[0..12]",
                              rl_value_range_name), or NULL: obj */
};

/* Write record r in form with the names n into buf (snprintf-style
 * return: the length the whole text needs). */
size_t rl_record_format(const struct rl_record *r,
                        const struct rl_record_names *n,
                        enum rl_text_form form, char *buf, size_t len);

/* What a record is, for a colour role: its result's class (error,
 * blocked) when that says more, else its operation's. */
enum rl_op_class {
    RL_CLASS_NORMAL,
    RL_CLASS_LIFE,    /* start, finish */
    RL_CLASS_VALUE,   /* load, store, fetch_add, is_set */
    RL_CLASS_ACQUIRE, /* acquire, wait, join */
    RL_CLASS_RELEASE,
    RL_CLASS_SIGNAL,  /* notify, set, clear, barrier */
    RL_CLASS_FAIL,    /* a check failed here */
    RL_CLASS_ERROR,   /* misuse */
    RL_CLASS_BLOCKED, /* blocked or timed out */
};
enum rl_op_class rl_record_class(const struct rl_record *r);
/* Its one-character symbol ('+' acquire, '-' release, '#' blocked, ...),
 * so that a monochrome screen says what the colour says. */
char rl_record_symbol(const struct rl_record *r);

/* Names for display. */
const char *rl_end_name(enum rl_end e);
const char *rl_obj_kind_name(enum rl_obj_kind k);
const char *rl_op_name(enum rl_op op);
/* The C11 name of an enum rl_mem_order ("relaxed"). */
const char *rl_mem_order_name(int order);
/* The C function of an enum rl_mem_fn ("strcpy"). */
const char *rl_mem_fn_name(int fn);

#endif
