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

/* A table in the registry of implementations: the linker section
 * rl_impls, where each exercises/impl/NAME.c puts a pointer to one entry
 * per prefix it is built with. labs/exercise_labs.c finds the student_ and reference_
 * tables of every exercise there, so no list of them is kept by hand. */
struct rl_exercise_impl {
    const char *prefix;   /* "student_" */
    const char *exercise; /* "counter" */
    const void *table;    /* a const struct counter_impl * */
};

#define RL_EXERCISE_STR_(x) #x
#define RL_EXERCISE_STR(x) RL_EXERCISE_STR_(x)

/* Register this prefix's table of exercise (in exercises/impl/NAME.c).
 * The section holds pointers, one per entry: pointer-sized objects are
 * laid end to end, where the compiler may pad a larger struct. */
#define RL_EXERCISE_IMPL_REGISTER(exercise)                                    \
    static const struct rl_exercise_impl exercise##_impl_info = {              \
        RL_EXERCISE_STR(RL_EXERCISE_PREFIX), #exercise,                        \
        &RL_EXERCISE_SYM(exercise##_impl)};                                    \
    static const struct rl_exercise_impl *const exercise##_impl_entry          \
        __attribute__((used, section("rl_impls"))) = &exercise##_impl_info

#endif
