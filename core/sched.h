/* SPDX-License-Identifier: MIT */
/*
 * sched.h - scheduling policies for the sim backend.
 *
 * The sim engine asks a policy only at choice points (more than one thread
 * could run, or a notify has more than one waiter; for a policy that
 * considers timeouts, also one thread that can run and one blocked in a
 * timed wait, whose timeout a pick fires); it tells the policy
 * about every step so that round robin can count its quantum and PCT can
 * place its change points. Policies are deterministic functions of their
 * configuration and of what they are told: same inputs, same picks.
 */
#ifndef RL_SCHED_H
#define RL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "run.h"

struct sched {
    struct rl_sched cfg;
    uint64_t rng;            /* RANDOM, PCT: xorshift state */
    int last;                /* thread that ran the previous step */
    int run_len;             /* RR: consecutive steps of `last` */
    int prio[RL_MAX_THREADS];/* PCT: higher runs first */
    int nthreads;            /* PCT: threads given priorities */
    uint64_t change[16];     /* PCT: steps where a priority drops */
    int nchange;
    int low;                 /* PCT: the last priority given to a thread
                                whose timeout fired (below the others) */
    /* REPLAY: the text's items, read one at a time from cfg.choices
     * (which must outlive the sched): the next item's text, the current
     * item (thread, count, choices of it made), the choices left. */
    const char *rpos;
    int rid;
    uint64_t rcount, used;
    uint64_t rleft;
};

/* Set up a policy for a run with nthreads threads. Returns -1 with a
 * message on a bad configuration (malformed replay choices: the whole
 * text is checked here, allocating nothing). REPLAY reads cfg->choices
 * as the run goes: the text must live as long as s. */
int sched_init(struct sched *s, const struct rl_sched *cfg, int nthreads,
               char *err, size_t errlen);
void sched_fini(struct sched *s);
/* Pick at a choice point. Returns an index into c->options, or -1 when a
 * replay cannot follow: *want is then the thread id the schedule names
 * (-1 if the schedule has run out). */
int sched_pick(struct sched *s, const struct rl_choice *c, int *want);
/* Whether the policy considers timeouts: it is given the threads
 * blocked in a timed wait as options (struct rl_choice, ntimed). */
bool sched_timeouts(const struct sched *s);
/* A thread started after sched_init (from a running thread): PCT gives
 * it a priority of its own. */
void sched_add_thread(struct sched *s, int tid);
/* Tell the policy that thread tid ran step number step. */
void sched_note_step(struct sched *s, uint64_t step, int tid);
/* REPLAY: choices of the schedule not consumed yet. */
uint64_t sched_replay_left(const struct sched *s);

#endif
