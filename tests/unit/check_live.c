/* SPDX-License-Identifier: MIT */
/*
 * check_live.c - the live view of an os run: while real threads run a
 * lab, the driving thread reads every thread and every object as the TUI
 * does (rl_run_thread, rl_run_object) and merges the records (rl_run_poll).
 * Every correct variant of every built-in lab must end as it does without
 * a reader. Under ThreadSanitizer (`make test-tsan`) this suite is the
 * judge of racelab's own locking: each snapshot must be taken under the
 * lock that guards what it reads.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/run.h"
#include "../../labs/lab.h"

/* Read everything the lanes and the state panel show, once. */
static void read_view(struct rl_run *run)
{
    for (int i = 0; i < rl_run_thread_count(run); i++) {
        struct rl_thread_view tv;

        rl_run_thread(run, i, &tv);
        ck_assert_int_eq(tv.id, i);
    }
    for (int i = 0; i < rl_run_object_count(run); i++) {
        struct rl_obj_view ov;

        rl_run_object(run, i, &ov);
        ck_assert_int_eq(ov.id, i);
        ck_assert_int_le(ov.nwaiters, RL_MAX_THREADS);
        ck_assert_int_le(ov.nholders, RL_MAX_THREADS);
    }
}

/* Run lab's variant v on os with a reader beside it; it must pass. */
static void run_watched(const struct lab *lab, int v)
{
    struct lab_inst inst;
    struct rl_run_config cfg;
    struct rl_run *run;
    char err[256];
    enum rl_end e;
    long reads = 0;
    static const char *const caps[] = {"iters", "items", "rounds", "tasks"};

    lab_inst_init(&inst, lab, RL_BACKEND_OS);
    inst.variant = v;
    /* Short runs: the reader meets the threads all the same, and the
     * suite stays fast under ThreadSanitizer. */
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++)
        if (lab_param_find(lab, caps[k]) >= 0 &&
            lab_inst_param(&inst, caps[k]) > 2000)
            ck_assert_msg(
                lab_inst_set(&inst, caps[k], "2000", err, sizeof err) == 0,
                "%s", err);
    memset(&cfg, 0, sizeof cfg);
    cfg.program = lab_program(&inst);
    cfg.backend = RL_BACKEND_OS;
    cfg.record = true;
    cfg.max_records = 4096;
    cfg.timeout_ms = 120000;
    run = rl_run_create(&cfg, err, sizeof err);
    ck_assert_msg(run != NULL, "%s/%s: %s", lab->name, lab->variants[v].name,
                  err);
    ck_assert_int_eq(rl_run_start(run, err, sizeof err), 0);
    while ((e = rl_run_poll(run)) == RL_END_RUNNING) {
        read_view(run);
        reads++;
    }
    read_view(run);
    ck_assert_msg(e == RL_END_DONE, "%s/%s ended %d", lab->name,
                  lab->variants[v].name, (int)e);
    for (int i = 0; i < rl_run_check_count(run); i++) {
        struct rl_check_result c;

        rl_run_check(run, i, &c);
        ck_assert_msg(c.ok, "%s/%s: %s: %s", lab->name, lab->variants[v].name,
                      c.name, c.message);
    }
    rl_run_destroy(run);
    printf("%s/%s: %ld reads while it ran\n", lab->name, lab->variants[v].name,
           reads);
}

/* Every correct variant of the i-th listed lab (exercises: the reference
 * only; the student's skeleton may be unfinished). */
START_TEST(test_live_view_of_correct_variants)
{
    const struct lab *lab = lab_at(_i);

    for (int v = 0; v < lab->nvariants; v++)
        if (lab->variants[v].expect_pass &&
            strcmp(lab->variants[v].name, "student") != 0)
            run_watched(lab, v);
}
END_TEST

static Suite *live_suite(void)
{
    Suite *s = suite_create("live");
    TCase *tc = tcase_create("live");

    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_live_view_of_correct_variants, 0, lab_count());
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(live_suite());

    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
