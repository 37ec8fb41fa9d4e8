/* SPDX-License-Identifier: MIT */
/*
 * suggest.h - "did you mean": the nearest of a list of names to a word
 * that is none of them, by edit distance.
 *
 * Every lookup of a name the user typed (a command, lab, variant,
 * parameter, option or exercise) that fails asks suggest_nearest() for the
 * one name close enough to be a typo, and says it in its one-line error:
 * "unknown lab 'unsafe-countr'; did you mean 'unsafe-counter'?". '-' and
 * '_' count as the same letter, so `bounded-buffer` is simply
 * `bounded_buffer` (suggest_same_name()), and case is ignored.
 */
#ifndef RL_SUGGEST_H
#define RL_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

/* Whether a and b are the same name once '-' and '_' are taken as one
 * letter (case matters: names are lower case). */
bool suggest_same_name(const char *a, const char *b);

/* The edit distance of a and b (insert, delete, replace, swap two
 * neighbours; '-' = '_', case ignored), capped at 99. */
int suggest_distance(const char *a, const char *b);

/* The element of names[0..n) nearest to word, if it is near enough to be a
 * typo (distance at most 1 for a short word, 2 from 5 letters, 3 from 9),
 * else NULL. Ties go to the first. */
const char *suggest_nearest(const char *word, const char *const *names, int n);

/* Append "; did you mean 'NAME'?" to the message in buf if names has one
 * near word; returns whether it did. */
bool suggest_append(char *buf, size_t len, const char *word,
                    const char *const *names, int n);

#endif
