/* SPDX-License-Identifier: MIT */
/*
 * rng.c - splitmix64 to spread a seed, xorshift64* to draw from it
 * (see rng.h). Both are small, fast and the same on every machine: what
 * a deterministic scheduler needs, nothing cryptographic.
 */
#include "rng.h"

#define GOLDEN 0x9E3779B97F4A7C15ULL

uint64_t rng_stream(uint64_t seed, uint64_t i)
{
    uint64_t z = seed + (i + 1) * GOLDEN;

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint64_t rng_hash(uint64_t z)
{
    return rng_stream(z, 0);
}

uint64_t rng_seed(uint64_t seed)
{
    uint64_t z = rng_stream(seed, 0);

    return z != 0 ? z : 1;
}

uint64_t rng_next(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

uint64_t rng_below(uint64_t *state, uint64_t n)
{
    return rng_next(state) % n;
}
