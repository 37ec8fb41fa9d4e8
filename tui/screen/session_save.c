/* SPDX-License-Identifier: MIT */
/*
 * session_save.c - the run on screen as text that outlives it, for the
 * session (session.h): its full schedule string (what `racelab replay`
 * takes), and w's trace file - the lab, the scheduler, the checks, every
 * record numbered as on screen with the store that loses an update marked,
 * and the schedule - written to a new file that never lands in racelab's
 * own source tree.
 */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/analysis.h"
#include "../../core/schedule.h"
#include "../../core/mem.h"
#include "../../labs/program_lab.h"
#include "session_impl.h"

/* The full schedule string of the run on screen, or "". */
void session_schedule(const struct session *s, char *buf, size_t len)
{
    char params[256];
    char *choices;

    if (len)
        buf[0] = '\0';
    if (!s->run || rl_run_backend(s->run) != RL_BACKEND_SIM)
        return;
    lab_inst_params_text(&s->inst, params, sizeof params);
    choices = session_run_choices(s->run);
    rl_schedule_format(buf, len, s->lab->name,
                       s->lab->variants[s->inst.variant].name, params, choices);
    free(choices);
}

/* Write the saved file's contents. */
static void save_write(const struct session *s, FILE *f)
{
    const struct rl_run *run = s->run;
    char buf[2048], sched[64], where[96], src[72];
    struct rl_check_result k;
    struct rl_thread_view tv;
    struct rl_lost_tracker *lost;

    lab_inst_params_text(&s->inst, buf, sizeof buf);
    session_sched_text(s, sched, sizeof sched);
    fprintf(f, "# racelab trace\n");
    fprintf(f, "lab: %s (%s)\n", s->lab->name, s->lab->title);
    fprintf(f, "variant: %s\n", s->lab->variants[s->inst.variant].name);
    fprintf(f, "params: %s\n", buf);
    fprintf(f, "backend: %s\n",
            s->inst.backend == RL_BACKEND_SIM ? "sim" : "os");
    fprintf(f, "scheduler: %s\n", sched);
    /* steps are the numbered events below, as on screen */
    fprintf(f, "steps: %llu\n", (unsigned long long)rl_run_record_last(run));
    fprintf(f, "end: %s\n", rl_end_name(rl_run_end(run)));
    if (rl_run_backend(run) == RL_BACKEND_SIM) {
        /* the schedule string may be long: size it from the choices */
        char *choices = session_run_choices(run);
        size_t n = strlen(choices) + 1024;
        char *str;

        free(choices);
        str = rl_xmalloc(n);
        session_schedule(s, str, n);
        fprintf(f, "schedule: %s\n", str);
        fprintf(f, "replay: racelab replay %s\n", str);
        free(str);
    } else {
        fprintf(f, "schedule: none (os runs are not replayable)\n");
    }
    for (int i = 0; i < rl_run_check_count(run); i++) {
        rl_run_check(run, i, &k);
        fprintf(f, "check: %s %s: %s\n", k.ok ? "ok" : "FAILED", k.name,
                k.message ? k.message : "");
    }
    rl_run_end_text(run, buf, sizeof buf);
    for (char *p = buf, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        fprintf(f, "why: %s\n", p);
        if (!nl)
            break;
    }
    fprintf(f, "# seq thread event\n");
    lost = rl_run_backend(run) == RL_BACKEND_SIM &&
                   rl_run_record_first(run) == 1
               ? rl_lost_tracker_create()
               : NULL;
    for (uint64_t q = rl_run_record_first(run);
         q && q <= rl_run_record_last(run); q++) {
        const struct rl_record *r = rl_run_record(run, q);
        struct rl_lost_update l;

        if (!r)
            continue;
        rl_record_text(run, r, buf, sizeof buf);
        if (r->thread >= 0 && r->thread < rl_run_thread_count(run)) {
            rl_run_thread(run, r->thread, &tv);
            fprintf(f, "%llu %s %s", (unsigned long long)r->seq, tv.name, buf);
        } else {
            fprintf(f, "%llu setup %s", (unsigned long long)r->seq, buf);
        }
        /* the store that loses an update says so, as on screen and in
         * `racelab run` */
        if (lost && rl_lost_tracker_feed(lost, r, &l)) {
            char v[RL_VALUE_TEXT_MAX];

            rl_run_thread(run, l.other, &tv);
            rl_value_text(run, l.obj, l.other_value, l.other_seq, v, sizeof v);
            fprintf(f, "   ! lost update: overwrites %s's %s (step %llu)",
                    tv.name, v, (unsigned long long)l.other_seq);
        }
        /* a C program's step: its file:line and source, as `racelab run`
         * prints them */
        if (program_lab_where(s->lab, r->pc, where, sizeof where, src,
                              sizeof src) == 0)
            fprintf(f, "   %s%s%s", where, src[0] ? " | " : "", src);
        fputc('\n', f);
    }
    rl_lost_tracker_destroy(lost);
}

/* Whether path (a directory) is inside racelab's own source tree: it or
 * a parent holds core/run.h and labs/lab.h. */
bool session_in_source_tree(const char *path)
{
    char dir[PATH_MAX], probe[PATH_MAX + 32];

    if (!realpath(path, dir))
        return false;
    for (;;) {
        char *slash;
        bool core, labs;

        snprintf(probe, sizeof probe, "%s/core/run.h", dir);
        core = access(probe, F_OK) == 0;
        snprintf(probe, sizeof probe, "%s/labs/lab.h", dir);
        labs = access(probe, F_OK) == 0;
        if (core && labs)
            return true;
        slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            return false;
        *slash = '\0';
    }
}

/* Where w saves by default; see session.h. */
void session_save_dir(char *buf, size_t len)
{
    const char *home = getenv("HOME");

    if (!session_in_source_tree(".")) {
        snprintf(buf, len, ".");
    } else if (home && home[0] && !session_in_source_tree(home)) {
        snprintf(buf, len, "%s", home);
    } else {
        const char *tmp = getenv("TMPDIR");

        snprintf(buf, len, "%s", tmp && tmp[0] ? tmp : "/tmp");
    }
}

/* Save the trace and schedule; see session.h. */
int session_save(const struct session *s, const char *dir, char *name,
                 size_t namelen, char *err, size_t errlen)
{
    char path[4096];
    FILE *f;
    int fd = -1;

    if (!s->run) {
        snprintf(err, errlen, "nothing to save");
        return -1;
    }
    if (!dir || !dir[0])
        dir = ".";
    if (session_in_source_tree(dir)) {
        snprintf(err, errlen,
                 "%s is in racelab's source tree: save somewhere else", dir);
        return -1;
    }
    for (int n = 1; n < 10000 && fd < 0; n++) {
        snprintf(name, namelen, "racelab-%s-%s-%d.txt", s->lab->name,
                 s->lab->variants[s->inst.variant].name, n);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd < 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            return -1;
        }
    }
    if (fd < 0) {
        snprintf(err, errlen, "cannot find a free file name");
        return -1;
    }
    f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    save_write(s, f);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
