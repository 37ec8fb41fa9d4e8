/* SPDX-License-Identifier: MIT */
/*
 * check_schedule.c - schedule strings and scheduler specs: round trips and
 * the exact message for every malformed input.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/rng.h"
#include "../../core/run.h"
#include "../../core/schedule.h"

START_TEST(test_parse_full_string)
{
    struct rl_schedule s;
    char err[200];
    ck_assert_int_eq(rl_schedule_parse("rl1:unsafe-counter:unsafe:threads=2,"
                                       "iters=3:0x3.1.0x2",
                                       &s, err, sizeof(err)),
                     0);
    ck_assert_str_eq(s.lab, "unsafe-counter");
    ck_assert_str_eq(s.variant, "unsafe");
    ck_assert_str_eq(s.params, "threads=2,iters=3");
    ck_assert_str_eq(s.choices, "0x3.1.0x2");
    ck_assert_int_eq(rl_schedule_parse("rl1:lab:v::-", &s, err, sizeof(err)),
                     0);
    ck_assert_str_eq(s.params, "");
    ck_assert_str_eq(s.choices, "-");
    /* A program's: its sources, with folders and '+' between files. */
    ck_assert_int_eq(rl_schedule_parse("rl1:src/main.c+src/list.c:main::0x2.1",
                                       &s, err, sizeof(err)),
                     0);
    ck_assert_str_eq(s.lab, "src/main.c+src/list.c");
    ck_assert_str_eq(s.variant, "main");
}
END_TEST

static void expect_error(const char *str, const char *msg)
{
    struct rl_schedule s;
    char err[200];
    ck_assert_int_eq(rl_schedule_parse(str, &s, err, sizeof(err)), -1);
    ck_assert_str_eq(err, msg);
}

START_TEST(test_parse_errors)
{
    expect_error("hello", "schedule string: expected "
                          "rl1:LAB:VARIANT:PARAMS:CHOICES");
    expect_error("rl1:a:b:c", "schedule string: expected "
                              "rl1:LAB:VARIANT:PARAMS:CHOICES");
    expect_error("rl1:a:b:c:0:1", "schedule string: expected "
                                  "rl1:LAB:VARIANT:PARAMS:CHOICES");
    expect_error("rl9:a:b:c:0", "schedule string: version rl9 is not "
                                "supported (this racelab reads rl1)");
    expect_error("rl1::b:c:0", "schedule string: the lab field is empty");
    expect_error("rl1:a b:v:c:0",
                 "schedule string: unexpected ' ' in the lab field");
    expect_error("rl1:a:v:x;y:0",
                 "schedule string: unexpected ';' in the params field");
    expect_error("rl1:a:v/w:k=1:0",
                 "schedule string: unexpected '/' in the variant field");
    expect_error("rl1:a:v:k=1:0..1", "schedule string: bad choice '' at "
                                     "item 2 (expected THREAD or "
                                     "THREADxCOUNT, e.g. 0x3)");
    expect_error("rl1:a:v:k=1:0x0", "schedule string: bad choice '0x0' at "
                                    "item 1 (expected THREAD or "
                                    "THREADxCOUNT, e.g. 0x3)");
    expect_error("rl1:a:v:k=1:", "schedule string: the choices are empty "
                                 "(use '-' for a run without choices)");
    expect_error("rl1:a:v:k=1:1.999", "schedule string: thread 999 at item "
                                      "2 is out of range (0..255)");
}
END_TEST

START_TEST(test_encode_decode_round_trip)
{
    int16_t ids[] = {0, 0, 0, 1, 0, 0, 2, 2, 2, 2, 1};
    char buf[128];
    size_t n = rl_schedule_encode(ids, 11, buf, sizeof(buf));
    ck_assert_str_eq(buf, "0x3.1.0x2.2x4.1");
    ck_assert_uint_eq(n, strlen(buf));
    int16_t back[32];
    ck_assert_int_eq(rl_schedule_decode(buf, back, 32), 11);
    ck_assert_mem_eq(back, ids, sizeof(ids));
    ck_assert_int_eq(rl_schedule_decode(buf, back, 5), -1);
    rl_schedule_encode(ids, 0, buf, sizeof(buf));
    ck_assert_str_eq(buf, "-");
    ck_assert_int_eq(rl_schedule_decode("-", back, 32), 0);
    /* Truncation reports the full length, like snprintf. */
    ck_assert_uint_eq(rl_schedule_encode(ids, 11, buf, 4), 15);
    ck_assert_uint_lt(strlen(buf), 4);
    rl_schedule_format(buf, sizeof(buf), "lab", "v", "a=1", "0x2");
    ck_assert_str_eq(buf, "rl1:lab:v:a=1:0x2");
}
END_TEST

/* The validating, counting pass and the item reader a replay uses. */
START_TEST(test_count_and_read_items)
{
    uint64_t total = 7;
    char err[200], want[200];
    ck_assert_int_eq(
        rl_schedule_count_choices("0x3.1.0x2.2x100000000.1", &total, err,
                                  sizeof(err)),
        0);
    ck_assert_uint_eq(total, 3 + 1 + 2 + 100000000ULL + 1);
    ck_assert_int_eq(rl_schedule_count_choices("-", &total, err, sizeof(err)),
                     0);
    ck_assert_uint_eq(total, 0);
    /* Every error is rl_schedule_check_choices's, word for word. */
    static const char *const bad[] = {"", "0..1", "0x0", "1.999", "0x",
                                      "1.0x100000001", "0.1.0.1.2y"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(rl_schedule_check_choices(bad[i], want, sizeof(want)),
                         -1);
        ck_assert_int_eq(
            rl_schedule_count_choices(bad[i], &total, err, sizeof(err)), -1);
        ck_assert_str_eq(err, want);
    }
    ck_assert_str_eq(err, "schedule string: bad choice '2y' at item 5 "
                          "(expected THREAD or THREADxCOUNT, e.g. 0x3)");
    const char *p = "0x3.12.0x2.255x100000000";
    static const int ids[] = {0, 12, 0, 255};
    static const uint64_t counts[] = {3, 1, 2, 100000000};
    for (int i = 0; i < 4; i++) {
        int id;
        uint64_t count;
        rl_schedule_next_item(&p, &id, &count);
        ck_assert_int_eq(id, ids[i]);
        ck_assert_uint_eq(count, counts[i]);
    }
    ck_assert_str_eq(p, "");
}
END_TEST

static void sched_ok(const char *spec, const char *canonical)
{
    struct rl_sched s;
    char err[200], out[64];
    ck_assert_msg(rl_sched_parse(spec, &s, err, sizeof(err)) == 0, "%s", err);
    rl_sched_format(&s, out, sizeof(out));
    ck_assert_str_eq(out, canonical);
}

static void sched_bad(const char *spec, const char *msg)
{
    struct rl_sched s;
    char err[200];
    ck_assert_int_eq(rl_sched_parse(spec, &s, err, sizeof(err)), -1);
    ck_assert_str_eq(err, msg);
}

START_TEST(test_sched_specs)
{
    sched_ok("rr", "rr:1");
    sched_ok("rr:5", "rr:5");
    sched_ok("random:42", "random:42");
    sched_ok("pct:7:3", "pct:7:3");
    sched_ok("manual", "manual");
    sched_ok("replay:0x2.1x7", "replay:0x2.1x7");
    sched_bad("replay:0x", "bad scheduler 'replay:...': schedule string: bad "
                           "choice '0x' at item 1 (expected THREAD or "
                           "THREADxCOUNT, e.g. 0x3)");
    sched_bad("fifo", "bad scheduler 'fifo'; use one of: rr, rr:QUANTUM, "
                      "random:SEED[:timeouts], pct:SEED:DEPTH[:timeouts], "
                      "replay:CHOICES, manual");
    sched_bad("rr:0", "bad scheduler 'rr:0': the rr quantum must be "
                      "1..1000000");
    sched_bad("random:-1", "bad scheduler 'random:-1': the random seed must "
                           "be a number >= 0");
    sched_bad("random", "bad scheduler 'random'; use one of: rr, rr:QUANTUM, "
                        "random:SEED[:timeouts], pct:SEED:DEPTH[:timeouts], "
                        "replay:CHOICES, manual");
    sched_bad("pct:1:0", "bad scheduler 'pct:1:0': pct takes a seed >= 0 and "
                         "a depth 1..16");
    sched_bad("pct:1:x", "bad scheduler 'pct:1:x': pct takes a seed >= 0 and "
                         "a depth 1..16");
}
END_TEST

/* The timeouts marker of random and PCT: parsed into the flag, formatted
 * back, and the one-line errors for a bad marker or a scheduler that never
 * fires a timeout. */
START_TEST(test_sched_timeouts_marker)
{
    struct rl_sched s;
    char err[200];

    sched_ok("random:42:timeouts", "random:42:timeouts");
    sched_ok("pct:7:3:timeouts", "pct:7:3:timeouts");
    sched_ok("random:0:timeouts", "random:0:timeouts");
    ck_assert_int_eq(rl_sched_parse("random:42:timeouts", &s, err,
                                    sizeof(err)), 0);
    ck_assert_int_eq(s.kind, RL_SCHED_RANDOM);
    ck_assert_uint_eq(s.seed, 42);
    ck_assert(s.timeouts);
    ck_assert_int_eq(rl_sched_parse("pct:7:3:timeouts", &s, err, sizeof(err)),
                     0);
    ck_assert_int_eq(s.kind, RL_SCHED_PCT);
    ck_assert_uint_eq(s.seed, 7);
    ck_assert_int_eq(s.depth, 3);
    ck_assert(s.timeouts);
    /* Without the marker: off, as every seeded run was. */
    ck_assert_int_eq(rl_sched_parse("random:42", &s, err, sizeof(err)), 0);
    ck_assert(!s.timeouts);
    ck_assert_int_eq(rl_sched_parse("pct:7:3", &s, err, sizeof(err)), 0);
    ck_assert(!s.timeouts);
    /* A struct set by hand (as exploration does) formats with it. */
    memset(&s, 0, sizeof(s));
    s.kind = RL_SCHED_PCT;
    s.seed = 599149421;
    s.depth = 1;
    s.pct_steps = 40; /* not part of the spec */
    s.timeouts = true;
    char out[64];
    rl_sched_format(&s, out, sizeof(out));
    ck_assert_str_eq(out, "pct:599149421:1:timeouts");
    /* Round robin and replay have no marker: the flag means nothing. */
    s.kind = RL_SCHED_RR;
    s.quantum = 2;
    rl_sched_format(&s, out, sizeof(out));
    ck_assert_str_eq(out, "rr:2");

    sched_bad("random:5:bogus", "bad scheduler 'random:5:bogus': unknown "
                                "marker 'bogus' (the only one is 'timeouts': "
                                "random:SEED:timeouts)");
    sched_bad("pct:1:2:bogus", "bad scheduler 'pct:1:2:bogus': unknown "
                               "marker 'bogus' (the only one is 'timeouts': "
                               "pct:SEED:DEPTH:timeouts)");
    sched_bad("random:5:", "bad scheduler 'random:5:': unknown marker '' "
                           "(the only one is 'timeouts': "
                           "random:SEED:timeouts)");
    sched_bad("random:x:timeouts", "bad scheduler 'random:x:timeouts': the "
                                   "random seed must be a number >= 0");
    sched_bad("random:timeouts", "bad scheduler 'random:timeouts': the "
                                 "random seed must be a number >= 0");
    sched_bad("pct:1:timeouts", "bad scheduler 'pct:1:timeouts': pct takes "
                                "a seed >= 0 and a depth 1..16");
    sched_bad("pct:1:0:timeouts", "bad scheduler 'pct:1:0:timeouts': pct "
                                  "takes a seed >= 0 and a depth 1..16");
    sched_bad("rr:1:timeouts", "bad scheduler 'rr:1:timeouts': rr never "
                               "fires a timeout early; only random and pct "
                               "take ':timeouts'");
    sched_bad("rr:timeouts", "bad scheduler 'rr:timeouts': rr never fires a "
                             "timeout early; only random and pct take "
                             "':timeouts'");
    sched_bad("manual:timeouts", "bad scheduler 'manual:timeouts': manual "
                                 "never fires a timeout early; only random "
                                 "and pct take ':timeouts'");
    sched_bad("random:5:timeouts:timeouts",
              "bad scheduler 'random:5:timeouts:timeouts'; use one of: rr, "
              "rr:QUANTUM, random:SEED[:timeouts], "
              "pct:SEED:DEPTH[:timeouts], replay:CHOICES, manual");
    sched_bad("pct:1:2:timeouts:x:y",
              "bad scheduler 'pct:1:2:timeouts:x:y'; use one of: rr, "
              "rr:QUANTUM, random:SEED[:timeouts], "
              "pct:SEED:DEPTH[:timeouts], replay:CHOICES, manual");
}
END_TEST

/* The one generator (core/rng.c): splitmix64's published first output for
 * seed 0, and the same numbers on every machine after that. */
START_TEST(test_rng)
{
    uint64_t st, a[4], b[4];

    ck_assert_uint_eq(rng_stream(0, 0), 0xE220A8397B1DCDAFULL);
    ck_assert_uint_eq(rng_seed(0), 0xE220A8397B1DCDAFULL);
    ck_assert_uint_ne(rng_stream(7, 0), rng_stream(7, 1));
    st = rng_seed(42);
    for (int i = 0; i < 4; i++)
        a[i] = rng_next(&st);
    st = rng_seed(42);
    for (int i = 0; i < 4; i++)
        b[i] = rng_next(&st);
    ck_assert_mem_eq(a, b, sizeof a);
    st = rng_seed(1);
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_lt(rng_below(&st, 3), 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("schedule");
    TCase *tc = tcase_create("schedule");
    tcase_add_test(tc, test_parse_full_string);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_encode_decode_round_trip);
    tcase_add_test(tc, test_count_and_read_items);
    tcase_add_test(tc, test_sched_specs);
    tcase_add_test(tc, test_sched_timeouts_marker);
    tcase_add_test(tc, test_rng);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
