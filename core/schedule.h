/* SPDX-License-Identifier: MIT */
/*
 * schedule.h - schedule strings: a sim run written down so it can be
 * copied, pasted and replayed exactly.
 *
 *   rl1:LAB:VARIANT:PARAMS:CHOICES
 *   rl1:unsafe-counter:unsafe:threads=2,iters=3:0x3.1.0x2.1x3
 *
 * "rl1" is the format version. LAB, VARIANT and PARAMS ("k=v,k=v") say which
 * run the choices belong to; the engine treats them as opaque text. CHOICES
 * lists, for each choice point of the run (a point where more than one
 * thread could run, or a notify had more than one waiter to wake), the
 * thread id that was picked, run-length encoded: "0x3" is thread 0 at three
 * consecutive choice points; items are separated by '.'; "-" means the run
 * had no choice point. Points with a single option are not written: they
 * are the same in every replay. Only characters that need no quoting in a
 * shell are used.
 *
 * A thread blocked in a timed wait (a Lock, Semaphore, Condition, Event,
 * Barrier or Queue call with a timeout; pthread_cond_timedwait,
 * sem_timedwait, pthread_mutex_timedlock) is an option too: its id at a
 * choice point means "its timeout fires here" (virtual time moves to its
 * deadline, the wait returns RL_TIMEOUT). So a point where one thread can
 * run while another waits with a timeout is a choice point, and is
 * written, whichever scheduler made the run: the same string replays
 * exactly under any of them.
 */
#ifndef RL_SCHEDULE_H
#define RL_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#define RL_SCHEDULE_VERSION "rl1"
/* The largest count of one item ("0x100000000"); a longer stretch of one
 * thread is written as several items ("0x100000000.0x5"). */
#define RL_SCHEDULE_COUNT_MAX 100000000L

struct rl_schedule {
    char lab[256];   /* a lab, or a program's sources ("dir/a.c+b.c") */
    char variant[64];
    char params[256];
    const char *choices; /* points into the parsed string */
};

/* Split a schedule string into its parts (choices validated). Returns 0, or
 * -1 with a one-line message ("schedule string: expected
 * rl1:LAB:VARIANT:PARAMS:CHOICES", "schedule string: bad choice '0x' at
 * item 3", "schedule string: version rl9 is not supported (this racelab
 * reads rl1)"). s->choices points into str. */
int rl_schedule_parse(const char *str, struct rl_schedule *s, char *err,
                      size_t errlen);

/* Check the choices part alone: 0 or -1 with a message. */
int rl_schedule_check_choices(const char *choices, char *err, size_t errlen);

/* The same check, and the number of choices the text makes (the counts
 * added up) in *total. Allocates nothing: a replay checks its whole
 * schedule this way before it starts, then reads the items one at a time
 * (rl_schedule_next_item), so a malformed item late in the string is an
 * error before the run, with the message rl_schedule_check_choices gives. */
int rl_schedule_count_choices(const char *choices, uint64_t *total, char *err,
                              size_t errlen);
/* Read the item at *p of choices text that passed the check (not "-"):
 * its thread and count; *p moves past it and its '.'. */
void rl_schedule_next_item(const char **p, int *id, uint64_t *count);

/* Write a full schedule string. Returns the length (snprintf-style). */
size_t rl_schedule_format(char *buf, size_t len, const char *lab,
                          const char *variant, const char *params,
                          const char *choices);

/* Decode choices into ids[] (at most max; returns the count, or -1 if the
 * text is malformed or longer than max). */
long rl_schedule_decode(const char *choices, int16_t *ids, size_t max);
/* Write one item of choices text, with its leading '.': ".3", ".0x7"
 * (split past RL_SCHEDULE_COUNT_MAX). snprintf-style: returns the length
 * of the whole text, writes what fits. */
size_t rl_schedule_item(int id, uint64_t count, char *buf, size_t len);
/* Encode ids[0..n) as choices text. Returns the length (snprintf-style). */
size_t rl_schedule_encode(const int16_t *ids, size_t n, char *buf,
                          size_t len);

#endif
