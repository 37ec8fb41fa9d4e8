/* SPDX-License-Identifier: MIT */
/*
 * lib_labrun.c - the lab-test harness: run a lab variant on either backend
 * and assert on its checks and its end, with messages that list every
 * check of the run when one is missing or wrong.
 *
 * The "always" assertions walk one fixed list of schedules, the same for
 * every suite: rr:1, rr:2, rr:3, then random:0 .. random:LAB_RUN_SEEDS-1.
 */
#include "lib_labrun.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

/* Schedules the "always" assertions try: rr:1..3, then the seeds. */
#define LAB_RUN_SCHEDULES (3 + LAB_RUN_SEEDS)

/* Set up lab/variant with params for cfg's backend, then run cfg (its
 * program filled in here) to the end. */
static void lab_run_start(struct lab_run *lr, const char *name,
                          const char *variant, const char *params,
                          struct rl_run_config cfg)
{
    const struct lab *lab = lab_find(name);
    char err[256] = "";

    ck_assert_msg(lab != NULL, "no lab %s", name);
    lab_inst_init(&lr->inst, lab, cfg.backend);
    lr->inst.variant = lab_variant_find(lab, variant);
    ck_assert_msg(lr->inst.variant >= 0, "no variant %s", variant);
    ck_assert_msg(lab_inst_set_all(&lr->inst, params, err, sizeof err) == 0,
                  "%s", err);
    cfg.program = lab_program(&lr->inst);
    lr->run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(lr->run != NULL, "%s", err);
    lr->end = rl_run_finish(lr->run);
}

void lab_run_sched(struct lab_run *lr, const char *name, const char *variant,
                   const char *params, struct rl_sched sched,
                   uint64_t max_steps)
{
    struct rl_run_config cfg = {
        .backend = RL_BACKEND_SIM,
        .sched = sched,
        .max_steps = max_steps,
    };
    lab_run_start(lr, name, variant, params, cfg);
}

void lab_run_os(struct lab_run *lr, const char *name, const char *variant,
                const char *params, int watchdog_ms)
{
    struct rl_run_config cfg = {
        .backend = RL_BACKEND_OS,
        .watchdog_ms = watchdog_ms,
    };
    lab_run_start(lr, name, variant, params, cfg);
}

struct rl_sched sched_rr(int q)
{
    struct rl_sched s = {.kind = RL_SCHED_RR, .quantum = q};
    return s;
}

struct rl_sched sched_random(uint64_t seed)
{
    struct rl_sched s = {.kind = RL_SCHED_RANDOM, .seed = seed};
    return s;
}

/* The i-th schedule of the "always" assertions (0 <= i <
 * LAB_RUN_SCHEDULES). */
static struct rl_sched sched_nth(int i)
{
    return i < 3 ? sched_rr(i + 1) : sched_random((uint64_t)(i - 3));
}

const char *check_message(const struct rl_run *run, const char *name, bool *ok)
{
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result r;
        rl_run_check(run, i, &r);
        if (strcmp(r.name, name) == 0) {
            if (ok)
                *ok = r.ok;
            return r.message;
        }
    }
    return NULL;
}

/* Every check of a run, "name: ok|FAIL: message" per line, for messages. */
static void checks_text(const struct rl_run *run, char *buf, size_t len)
{
    size_t n = 0;

    buf[0] = '\0';
    for (int i = 0; i < rl_run_check_count(run) && n < len; i++) {
        struct rl_check_result r;
        rl_run_check(run, i, &r);
        int w = snprintf(buf + n, len - n, "\n  %s: %s: %s", r.name,
                         r.ok ? "ok" : "FAIL", r.message);
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

void assert_check(const struct lab_run *lr, const char *name, bool want_ok,
                  const char *want)
{
    char all[2048];
    bool ok = !want_ok;
    const char *msg = check_message(lr->run, name, &ok);

    checks_text(lr->run, all, sizeof all);
    ck_assert_msg(msg != NULL, "no check '%s'; checks:%s", name, all);
    ck_assert_msg(ok == want_ok, "check '%s' %s: %s", name,
                  ok ? "passed" : "failed", msg);
    ck_assert_msg(strcmp(msg, want) == 0, "check '%s': got '%s', want '%s'",
                  name, msg, want);
}

void assert_end_text(const struct lab_run *lr, const char *want)
{
    char text[1024];
    size_t n = rl_run_end_text(lr->run, text, sizeof text);

    ck_assert_msg(n < sizeof text, "end text truncated");
    text[n] = '\0';
    ck_assert_msg(strcmp(text, want) == 0, "end text: got '%s', want '%s'",
                  text, want);
}

void assert_passed(const struct lab_run *lr, const char *what)
{
    char all[2048];

    checks_text(lr->run, all, sizeof all);
    ck_assert_msg(lr->end == RL_END_DONE, "%s: ended %s", what,
                  rl_end_name(lr->end));
    ck_assert_msg(rl_run_passed(lr->run), "%s: failed:%s", what, all);
}

void assert_always_passes(const char *name, const char *variant,
                          const char *params)
{
    char what[160];

    for (int i = 0; i < LAB_RUN_SCHEDULES; i++) {
        struct lab_run lr;
        struct rl_sched sc = sched_nth(i);
        char spec[64];

        lab_run_sched(&lr, name, variant, params, sc, 0);
        rl_sched_format(&sc, spec, sizeof spec);
        snprintf(what, sizeof what, "%s/%s %s %s", name, variant, params, spec);
        assert_passed(&lr, what);
        rl_run_destroy(lr.run);
    }
}

void assert_always_fails_somehow(const char *name, const char *variant,
                                 const char *params)
{
    for (int i = 0; i < LAB_RUN_SCHEDULES; i++) {
        struct lab_run lr;
        struct rl_sched sc = sched_nth(i);
        char spec[64];

        lab_run_sched(&lr, name, variant, params, sc, 0);
        rl_sched_format(&sc, spec, sizeof spec);
        ck_assert_msg(!rl_run_passed(lr.run), "%s/%s %s: passed", name,
                      variant, spec);
        rl_run_destroy(lr.run);
    }
}

void assert_always_fails(const char *name, const char *variant,
                         const char *params, enum rl_end end, const char *check)
{
    for (int i = 0; i < LAB_RUN_SCHEDULES; i++) {
        struct lab_run lr;
        struct rl_sched sc = sched_nth(i);
        char spec[64], all[2048];
        bool ok = true;

        lab_run_sched(&lr, name, variant, params, sc, 0);
        rl_sched_format(&sc, spec, sizeof spec);
        checks_text(lr.run, all, sizeof all);
        ck_assert_msg(lr.end == end, "%s/%s %s: ended %s", name, variant, spec,
                      rl_end_name(lr.end));
        ck_assert_msg(check_message(lr.run, check, &ok) && !ok,
                      "%s/%s %s: '%s' did not fail:%s", name, variant, spec,
                      check, all);
        rl_run_destroy(lr.run);
    }
}
