/* SPDX-License-Identifier: MIT */
/*
 * exercise.h - how the names of exercise functions are kept apart.
 *
 * You can ignore this file: write plain counter_increment() in your code.
 *
 * Why it exists: each interface (exercises/counter.h, ...) is implemented
 * several times - by you in exercises/, by the reference in solutions/, and
 * by the buggy versions racelab tests itself with - and racelab links more
 * than one of them into the same program (the `student` and `reference`
 * variants of a lab). They cannot all define a function called
 * counter_increment, so every exercise header renames its functions with
 * RL_EXERCISE_SYM:
 *
 *     #define counter_increment RL_EXERCISE_SYM(counter_increment)
 *
 * Built with -DRL_EXERCISE_PREFIX=student_, the function you wrote as
 * counter_increment is really student_counter_increment (that is the name a
 * linker error or a debugger shows); with -DRL_EXERCISE_PREFIX=reference_
 * it is reference_counter_increment; without the flag there is no prefix.
 *
 * Each implementation built with a prefix comes with a table of its
 * functions, PREFIX<exercise>_impl (for example student_counter_impl, a
 * struct counter_impl): the header declares it, exercises/impl/NAME.c
 * defines it, and the build compiles that file once per prefix. Labs and
 * the grader call an implementation only through such a table, so the same
 * scenario can run your code, the reference or a buggy version. This
 * header does not depend on racelab.h.
 */
#ifndef RL_EXERCISE_H
#define RL_EXERCISE_H

#define RL_EXERCISE_CAT_(a, b) a##b
#define RL_EXERCISE_CAT(a, b) RL_EXERCISE_CAT_(a, b)

/* The linked name of an exercise function: RL_EXERCISE_PREFIX ## name. */
#ifdef RL_EXERCISE_PREFIX
#define RL_EXERCISE_SYM(name) RL_EXERCISE_CAT(RL_EXERCISE_PREFIX, name)
#else
#define RL_EXERCISE_SYM(name) name
#endif

/* Declare the function table of an implementation built with prefix:
 * RL_EXERCISE_IMPL_DECLARE(student_, counter); declares
 * `extern const struct counter_impl student_counter_impl`. */
#define RL_EXERCISE_IMPL_DECLARE(prefix, exercise)                             \
    extern const struct exercise##_impl prefix##exercise##_impl

#endif
