/* SPDX-License-Identifier: MIT */
/*
 * cli_output.c - the text a headless run prints (run, replay, explore):
 * the header line, one line per event (step, thread, what it did; for a C
 * program the file:line and the source line), the final state of every
 * shared object, the checks, the analyses (data races, lost updates), how
 * the run ended, the schedule string with its replay command, and the
 * result.
 *
 * Every function writes to the FILE or buffer it is given and reads the
 * run only through the engine's views (rl_run_thread, rl_run_object,
 * rl_record_text): the same run prints the same bytes, which is why a
 * replay's event lines are those of the run it came from.
 */
#include "cli.h"

#include <inttypes.h>
#include <string.h>

#include "../../core/analysis.h"
#include "../../core/mem.h"
#include "../../core/schedule.h"
#include "../../labs/program_lab.h"

size_t cli_describe_run(const struct lab_inst *inst, const char *sched,
                        char *buf, size_t len)
{
    char params[256];
    const char *variant = inst->lab->variants[inst->variant].name;
    int n;

    lab_inst_params_text(inst, params, sizeof params);
    if (inst->backend == RL_BACKEND_SIM)
        n = snprintf(buf, len, "%s/%s on sim, scheduler %s, params %s",
                     inst->lab->name, variant, sched,
                     params[0] != '\0' ? params : "none");
    else
        n = snprintf(buf, len, "%s/%s on os, params %s", inst->lab->name,
                     variant, params[0] != '\0' ? params : "none");
    return (size_t)n;
}

/* The name of thread tid, "setup" for a record made outside the threads. */
static const char *thread_name(const struct rl_run *run, int tid,
                               struct rl_thread_view *tv)
{
    if (tid < 0 || tid >= rl_run_thread_count(run))
        return "setup";
    rl_run_thread(run, tid, tv);
    return tv->name != NULL ? tv->name : "?";
}

int cli_thread_name_width(const struct rl_run *run)
{
    struct rl_thread_view tv;
    int i, w = 2, n = rl_run_thread_count(run);

    for (i = 0; i < n; i++) {
        int len = (int)strlen(thread_name(run, i, &tv));
        if (len > w)
            w = len;
    }
    return w;
}

size_t cli_format_record(const struct rl_run *run, const struct rl_record *rec,
                         int name_width, char *buf, size_t len)
{
    struct rl_thread_view tv;
    char text[400];

    char where[96], src[64];

    text[0] = '\0';
    rl_record_text(run, rec, text, sizeof text);
    if (program_lab_where(cli_program_current(), rec->pc, where,
                          sizeof where, src, sizeof src) == 0) {
        /* A plain C program: where, and the line when it is short; where
         * as wide as its file's name with a line of up to four digits, so
         * that the lines of one file stand in one column. */
        const char *colon = strrchr(where, ':');
        int ww = colon ? (int)(colon - where) + 5 : 0;

        if (!src[0])
            ww = 0;
        return (size_t)snprintf(
            buf, len, "%6" PRIu64 "  %-*s  %-30s  %-*s%s%s\n", rec->seq,
            name_width, thread_name(run, rec->thread, &tv), text, ww, where,
            src[0] ? "  | " : "", src);
    }
    return (size_t)snprintf(buf, len, "%6" PRIu64 "  %-*s  %s\n", rec->seq,
                            name_width, thread_name(run, rec->thread, &tv),
                            text);
}

/* Append ", waiting: T1 T2" for the threads blocked on o. */
static size_t append_waiters(const struct rl_run *run,
                             const struct rl_obj_view *o, const char *label,
                             const int *ids, int n, char *buf, size_t len,
                             size_t at)
{
    struct rl_thread_view tv;
    int i;

    (void)o;
    if (n <= 0)
        return at;
    if (at < len)
        at += (size_t)snprintf(buf + at, len - at, ", %s", label);
    for (i = 0; i < n && at < len; i++)
        at += (size_t)snprintf(buf + at, len - at, " %s",
                               thread_name(run, ids[i], &tv));
    return at;
}

/* One object's state after its name: "= 6", "Lock, held by T0", ... */
static void describe_object(const struct rl_run *run,
                            const struct rl_obj_view *o, char *buf, size_t len)
{
    struct rl_thread_view tv;
    struct rl_obj_view lock;
    size_t n = 0;
    const char *kind = rl_obj_kind_name(o->kind);

    switch (o->kind) {
    case RL_OBJ_VAR: {
        char v[RL_VALUE_TEXT_MAX];

        rl_value_text(run, o->id, o->value, 0, v, sizeof v);
        snprintf(buf, len, "= %s", v);
        return;
    }
    case RL_OBJ_LOCK:
    case RL_OBJ_RLOCK:
        if (o->owner < 0)
            n = (size_t)snprintf(buf, len, "%s, free", kind);
        else
            n = (size_t)snprintf(buf, len, "%s, held by %s", kind,
                                 thread_name(run, o->owner, &tv));
        /* An RLock also says how often its holder has acquired it. */
        if (o->owner >= 0 && o->kind == RL_OBJ_RLOCK && n < len)
            n += (size_t)snprintf(buf + n, len - n, " (depth %d)", o->depth);
        break;
    case RL_OBJ_SEMAPHORE:
    case RL_OBJ_BOUNDED_SEMAPHORE:
        n = (size_t)snprintf(buf, len, "%s, count %ld (initial %ld)", kind,
                             o->value, o->limit);
        n = append_waiters(run, o, "held by", o->holders, o->nholders, buf, len,
                           n);
        break;
    case RL_OBJ_CONDITION:
        if (o->lock >= 0 && o->lock < rl_run_object_count(run)) {
            rl_run_object(run, o->lock, &lock);
            n = (size_t)snprintf(buf, len, "%s on %s", kind, lock.name);
        } else {
            n = (size_t)snprintf(buf, len, "%s", kind);
        }
        break;
    case RL_OBJ_EVENT:
        n = (size_t)snprintf(buf, len, "%s, %s", kind,
                             o->value ? "set" : "clear");
        break;
    case RL_OBJ_BARRIER:
        n = (size_t)snprintf(buf, len, "%s, %ld of %ld arrived%s", kind,
                             o->value, o->limit, o->broken ? ", broken" : "");
        break;
    default:
        n = (size_t)snprintf(buf, len, "%s", kind);
        break;
    }
    append_waiters(run, o, "waiting:", o->waiters, o->nwaiters, buf, len,
                   n < len ? n : len);
}

void cli_print_state(FILE *f, const struct rl_run *run)
{
    struct rl_obj_view o;
    char desc[1024];
    int i, w = 1, n = rl_run_object_count(run);

    fputs("final state:\n", f);
    if (n == 0)
        fputs("  (no shared objects)\n", f);
    for (i = 0; i < n; i++) {
        rl_run_object(run, i, &o);
        if (o.name != NULL && (int)strlen(o.name) > w)
            w = (int)strlen(o.name);
    }
    for (i = 0; i < n; i++) {
        memset(&o, 0, sizeof o);
        rl_run_object(run, i, &o);
        describe_object(run, &o, desc, sizeof desc);
        fprintf(f, "  %-*s  %s\n", w, o.name != NULL ? o.name : "?", desc);
    }
}

void cli_print_checks(FILE *f, const struct rl_run *run)
{
    struct rl_check_result c;
    int i, n = rl_run_check_count(run);

    fputs("checks:\n", f);
    if (n == 0)
        fputs("  (none)\n", f);
    for (i = 0; i < n; i++) {
        memset(&c, 0, sizeof c);
        rl_run_check(run, i, &c);
        if (c.message != NULL && c.message[0] != '\0' &&
            strcmp(c.message, c.name) != 0)
            fprintf(f, "  %s  %s: %s\n", c.ok ? "PASS" : "FAIL", c.name,
                    c.message);
        else
            fprintf(f, "  %s  %s\n", c.ok ? "PASS" : "FAIL", c.name);
    }
}

/* The analyses of a run with all its records: data races and lost
 * updates, which a run can have even when its checks hold, and lost
 * wakeups (then, once, the fix). Nothing is printed for a run without
 * records (os with recording off). */
void cli_print_analysis(FILE *f, const struct rl_run *run)
{
    struct rl_analysis a;
    char err[256], line[400];

    /* The analyses need the exact order of a sim run: an os trace is
     * stamped just after each access, close to but not exactly the order
     * of the real memory operations. */
    if (rl_run_backend(run) != RL_BACKEND_SIM || rl_run_record_last(run) == 0)
        return;
    if (rl_analyze(run, &a, err, sizeof err) != 0) {
        fprintf(f, "analysis: skipped: %s\n", err);
        return;
    }
    if (a.nraces == 0 && a.nlost == 0 && a.nwakeups == 0) {
        fputs("analysis: no data race, no lost update, no lost wakeup\n", f);
        return;
    }
    fputs("analysis:\n", f);
    for (int i = 0; i < a.nraces; i++) {
        rl_race_text(run, &a.races[i], line, sizeof line);
        fprintf(f, "  %s\n", line);
    }
    for (int i = 0; i < a.nlost && i < 3; i++) {
        rl_lost_text(run, &a.lost[i], line, sizeof line);
        fprintf(f, "  %s\n", line);
    }
    if (a.nlost > 3)
        fprintf(f, "  ... %d lost updates in all\n", a.nlost);
    for (int i = 0; i < a.nwakeups && i < RL_ANALYSIS_MAX; i++) {
        cli_wakeup_text(run, cli_program_current(), &a.wakeups[i], line,
                        sizeof line);
        fprintf(f, "  %s\n", line);
    }
    if (a.nwakeups > RL_ANALYSIS_MAX)
        fprintf(f, "  ... %d lost wakeups in all\n", a.nwakeups);
    if (a.nwakeups > 0) {
        rl_wakeup_hint(run, &a.wakeups[0], line, sizeof line);
        fprintf(f, "  hint: %s\n", line);
    }
}

/* "s" unless n is 1. */
static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

void cli_print_end(FILE *f, const struct rl_run *run)
{
    enum rl_end e = rl_run_end(run);
    char text[4096];
    const char *line, *nl;

    /* A step, for the reader, is a numbered line of the trace. */
    uint64_t steps = rl_run_record_last(run);

    if (rl_run_backend(run) == RL_BACKEND_SIM)
        fprintf(f,
                "end: %s after %" PRIu64 " step%s (%" PRIu64
                " choice point%s, %d preemption%s)\n",
                rl_end_name(e), steps, plural(steps),
                rl_run_choice_count(run), plural(rl_run_choice_count(run)),
                rl_run_preemptions(run),
                plural((uint64_t)rl_run_preemptions(run)));
    else if (steps == 0) /* not recorded (--quiet) */
        fprintf(f, "end: %s\n", rl_end_name(e));
    else
        fprintf(f, "end: %s after %" PRIu64 " event%s\n", rl_end_name(e),
                steps, plural(steps));
    if (e == RL_END_DONE)
        return;
    text[0] = '\0';
    rl_run_end_text(run, text, sizeof text);
    for (line = text; *line != '\0'; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl == NULL) {
            fprintf(f, "  %s\n", line);
            break;
        }
        fprintf(f, "  %.*s\n", (int)(nl - line), line);
    }
}

/* "rl1:LAB:VARIANT:PARAMS:", the part of inst's schedule string before
 * the choices, into buf. Returns its length (snprintf-style). */
static size_t schedule_prefix(const struct lab_inst *inst, char *buf,
                              size_t len)
{
    char params[256];

    lab_inst_params_text(inst, params, sizeof params);
    size_t n = rl_schedule_format(buf, len, inst->lab->name,
                                  inst->lab->variants[inst->variant].name,
                                  params, "");
    return n < len ? n : len - 1; /* names are short: never truncated */
}

char *cli_schedule_string(const struct rl_run *run, const struct lab_inst *inst)
{
    char prefix[1024];
    size_t plen = schedule_prefix(inst, prefix, sizeof prefix);
    size_t clen = rl_run_choices(run, NULL, 0);
    char *s = rl_xmalloc(plen + clen + 1);

    memcpy(s, prefix, plen);
    rl_run_choices(run, s + plen, clen + 1);
    return s;
}

size_t cli_schedule_length(const struct rl_run *run,
                           const struct lab_inst *inst)
{
    char prefix[1024];

    return schedule_prefix(inst, prefix, sizeof prefix) +
           rl_run_choices(run, NULL, 0);
}

/* rl_run_choices_write's emit: the pieces to a FILE (1 on a write error). */
static int schedule_emit(void *ctx, const char *text, size_t len)
{
    return fwrite(text, 1, len, (FILE *)ctx) == len ? 0 : 1;
}

int cli_write_schedule(FILE *f, const struct rl_run *run,
                       const struct lab_inst *inst)
{
    char prefix[1024];
    size_t plen = schedule_prefix(inst, prefix, sizeof prefix);

    if (fwrite(prefix, 1, plen, f) != plen)
        return -1;
    return rl_run_choices_write(run, schedule_emit, f) == 0 ? 0 : -1;
}

void cli_print_schedule_elsewhere(FILE *f, size_t len, const char *path,
                                  const char *sched, const char *extra)
{
    if (path != NULL) {
        fprintf(f, "schedule: written to %s (%zu characters)\n", path, len);
        fprintf(f, "replay:   racelab replay %s%s\n", path, extra);
        return;
    }
    fprintf(f,
            "schedule: not printed (%zu characters); --schedule-out FILE "
            "writes it\n",
            len);
    fprintf(f,
            "replay:   run the same command again (%s makes the same run "
            "every time), or add --schedule-out FILE, then racelab replay "
            "FILE%s\n",
            sched, extra);
}

void cli_print_schedule(FILE *f, const char *schedule, const char *extra)
{
    size_t n = strlen(schedule);

    fprintf(f, "schedule: %s\n", schedule);
    if (n > CLI_SCHEDULE_INLINE_MAX)
        fprintf(f,
                "replay:   racelab replay --schedule 'SCHEDULE'%s, with the "
                "schedule line above (%zu characters, printed once)\n",
                extra, n);
    else
        fprintf(f, "replay:   racelab replay --schedule '%s'%s\n", schedule,
                extra);
}

void cli_print_result(FILE *f, const struct rl_run *run,
                      const struct lab_inst *inst)
{
    const struct lab_variant *v = &inst->lab->variants[inst->variant];
    struct rl_check_result c;
    int i, failed = 0, n = rl_run_check_count(run);

    for (i = 0; i < n; i++) {
        rl_run_check(run, i, &c);
        if (!c.ok)
            failed++;
    }
    if (rl_run_passed(run))
        fprintf(f, "result: PASS (%d of %d checks hold)%s%s%s\n", n, n,
                v->expect_pass ? "" : "; variant ",
                v->expect_pass ? "" : v->name,
                v->expect_pass ? ""
                               : " can fail: this schedule did not show "
                                 "it, try another --seed");
    else
        fprintf(f, "result: FAIL (%d of %d checks failed)%s%s\n", failed, n,
                v->expect_pass ? "" : ", as expected for variant ",
                v->expect_pass ? "" : v->name);
}
