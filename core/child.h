/* SPDX-License-Identifier: MIT */
/*
 * child.h - the child's half of a program built apart from racelab.
 *
 * A program built apart (an exercise, a plain C program: see
 * core/program.h) is an executable that links the engine and ends its
 * main() in rl_child_main(). racelab starts it with a socket in the
 * environment (RACELAB_CHILD_FD) and drives it: the child creates real sim
 * (or os) runs of its program and executes the parent's requests, and the
 * parent shows a MIRROR run (core/mirror.c) updated from what the child
 * sends back. The parent only ever gets data: records, the display state
 * of objects and threads, the end and the checks, an exploration's result.
 *
 * The protocol (core/wire.h has the framing). Requests, parent -> child:
 *
 *   CREATE     scheduler (kind, quantum, seed, depth, pct_steps, replay
 *              choices, replay_continue, timeouts), max_steps,
 *              max_records, backend, and for os the timeout, the watchdog
 *              and whether to record: create a run (runs the program's
 *              setup); answered by a FRAME or an ERROR ("the program
 *              started no thread", a bad schedule).
 *   STEP       one step by the run's scheduler; a FRAME.
 *   STEP_THREAD tid: one step of that thread (manual scheduling); a FRAME,
 *              or an ERROR saying why it cannot run ("T1 is blocked on L
 *              (held by T0)"), the run unchanged.
 *   FINISH     run to the end; a FRAME.
 *   SET_SCHED  scheduler: use it from the next choice; OK or ERROR.
 *   EXPLORE    the options of core/explore.h: run rl_explore here on the
 *              program; while it runs, a QUERY (a check's name) asks the
 *              parent whether that failed check counts, which the parent
 *              answers with ANSWER; then EXPLORED (the whole result).
 *
 * Answers, child -> parent: RECORDS (whole struct rl_record bytes, in seq
 * order, sent as they are made so that a crash loses none), CHOICES (the
 * choices made since the last ones sent, read from the run's compact log:
 * chunks of (thread id, count) items, a folded cycle as one chunk with its
 * repetitions, so that a round robin of any length costs a few bytes; in
 * as many messages as it takes), STATE (sim: the threads and objects as
 * in a FRAME, sent just before a record that names one the parent has
 * not been told of, so that the parent puts every record in its window at
 * once, however long the request), then FRAME:
 *
 *   end kind, end message, steps, virtual time, preemptions, the count
 *   of all the choices made (the parent checks it against its log), the
 *   runnable threads (a 256-bit set: four 64-bit words), the thread count and each thread
 *   created or changed since the last frame (id, name, state, the object
 *   it waits on, the thread it joins, steps), the object count and each
 *   object created or changed (id, kind, name, its lock, value, limit,
 *   owner, depth, broken, waiters, holders), the per-run texts added
 *   since the last frame, the misuse count and the first misuse's text,
 *   and once the run has ended its checks (name, ok, failure count,
 *   message).
 *
 * MEMORY (a plain C program, core/value.h): the regions of its memory
 * noted since the last ones sent (a global, a heap block, a thread's
 * stack: address, size, the record after which it exists, kind, name)
 * and the ends since then (index, the last record it exists for), queued
 * before the record that follows them and sent ahead of it, so that the
 * parent names a value that points into one as the child would.
 *
 * OBSERVE (an exercise: rl_child_set_observe): just before the FRAME that
 * ends a run, the bytes of the scenario's state, the struct its setup
 * rl_alloc'd (the check's observe hook has copied into plain fields what
 * lived in objects). The parent judges (core/mirror.c): it copies the
 * bytes into a zeroed buffer of the size it expects (another length ends
 * the run as a protocol error: "the child sent 12 bytes of state,
 * expected 96") and runs the scenario's check itself, on that copy, with
 * the scenario and parameters it asked for; the engine's checks (no
 * deadlock, finishes, no misuse, ...) it derives with rl_run_evaluate from
 * the end, the mirrored threads and objects, and the misuse count. The
 * checks in the FRAME are ignored then, but for the failures that
 * rl_fail() reported during the run (the verdict when the run stopped
 * there, the scenario's check then not running): those, named by the
 * run's RL_OP_FAIL records, are taken, since a claimed failure can only
 * count against the program.
 *
 * Residual risk: code in the child (the student's) can still write false
 * values into its own state, records and counts - it runs in that
 * process. What it cannot do any more is call the engine to declare a
 * verdict (only the student API is global in the library it links with),
 * or make the parent run code of its choosing (the parent's check reads
 * plain numbers, never a pointer from the state, and indexes arrays only
 * with its own parameters). Nor is a search's "nothing found" (EXPLORED)
 * verifiable short of searching again; a failure it reports is replayed
 * and judged in the parent before it is believed.
 *
 * A crash or exit() in the program sends what records are pending and a
 * GASP (the signal, or -1 for exit) before the process ends; the parent
 * learns the rest from the exit status.
 *
 * Without RACELAB_CHILD_FD, rl_child_main runs the program once on its
 * own: scheduler from RACELAB_SCHED (default rr:1), the trace as text on
 * stderr (or in the file named by RACELAB_TRACE), exit status 0 if every
 * check passed, 1 if not, 2 on a bad RACELAB_SCHED.
 */
#ifndef RL_CHILD_H
#define RL_CHILD_H

#include "run.h"

/* The child's side: serve the parent on RACELAB_CHILD_FD, or run once
 * standalone (see above). Returns the process's exit status. */
int rl_child_main(const struct rl_program *program, int argc, char **argv);

/* An exercise's state for OBSERVE (see above): observe(ctx, &size)
 * returns the bytes to send at the end of each run (NULL: none). Call
 * before rl_child_main. */
void rl_child_set_observe(const void *(*observe)(void *ctx, size_t *size),
                          void *ctx);

#endif
