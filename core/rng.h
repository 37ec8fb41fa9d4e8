/* SPDX-License-Identifier: MIT */
/*
 * rng.h - the engine's one pseudo-random generator.
 *
 * Everything random in racelab is seeded, so that the same seed gives the
 * same schedules on every machine: the random and PCT schedulers draw from
 * an xorshift64* state (rng_next), which rng_seed makes from any seed (0
 * included) with splitmix64; exploration derives the seed of its r-th
 * random run from its own seed with the same splitmix64 stream
 * (rng_stream). No other module mixes bits of its own.
 */
#ifndef RL_RNG_H
#define RL_RNG_H

#include <stdint.h>

/* Output i (0, 1, ...) of the splitmix64 sequence that starts at seed. */
uint64_t rng_stream(uint64_t seed, uint64_t i);
/* A well-mixed 64-bit hash of z: rng_stream(z, 0), splitmix64's step. */
uint64_t rng_hash(uint64_t z);
/* A generator state for seed: never 0 (xorshift's fixed point). */
uint64_t rng_seed(uint64_t seed);
/* The next number of the xorshift64* generator in *state. */
uint64_t rng_next(uint64_t *state);
/* A number in [0, n) from *state (n > 0). */
uint64_t rng_below(uint64_t *state, uint64_t n);

#endif
