/* SPDX-License-Identifier: MIT */
/*
 * frame.c - the engine's state, read into view data (see frame.h).
 *
 * Only what is on screen is read: the records of the visible rows (the
 * newest, or the scrolled-to window), so a frame costs the same with ten
 * records or a million. Objects and threads are snapshots; on the os
 * backend they change while we read them, which is fine for a picture.
 */
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mem.h"
#include "../../labs/program_lab.h"

/* Set up empty buffers. */
void frame_init(struct frame *f)
{
    memset(f, 0, sizeof *f);
}

/* Free the buffers. */
void frame_fini(struct frame *f)
{
    free(f->objs);
    free(f->values);
    free(f->recs);
    free(f->texts);
    free(f->notes);
    free(f->vals);
    free(f->schedule);
    memset(f, 0, sizeof *f);
}

/* Make sure the record buffers hold n rows. */
static void ensure_rows(struct frame *f, int n)
{
    if (n <= f->rec_cap)
        return;
    free(f->recs);
    free(f->texts);
    free(f->notes);
    free(f->vals);
    f->recs = rl_xcalloc((size_t)n, sizeof *f->recs);
    f->vals = rl_xcalloc((size_t)n, sizeof *f->vals);
    f->texts = rl_xcalloc((size_t)n, sizeof *f->texts);
    f->notes = rl_xcalloc((size_t)n, sizeof *f->notes);
    f->rec_cap = n;
}

/* The run's schedule string in f->schedule, or NULL (os). */
static const char *frame_schedule(struct frame *f, const struct session *s)
{
    char small[8];
    size_t need = 4096;

    /* an ended run's schedule does not change: make it once */
    if (f->schedule && f->schedule_gen == s->gen &&
        f->schedule_steps == rl_run_steps(s->run))
        return f->schedule[0] ? f->schedule : NULL;
    f->schedule_gen = s->gen;
    f->schedule_steps = rl_run_steps(s->run);
    session_schedule(s, small, sizeof small);
    if (!small[0]) {
        if (f->schedule)
            f->schedule[0] = '\0';
        return NULL;
    }
    for (;;) {
        if (f->schedule_cap < need) {
            free(f->schedule);
            f->schedule = rl_xmalloc(need);
            f->schedule_cap = need;
        }
        session_schedule(s, f->schedule, f->schedule_cap);
        if (strlen(f->schedule) + 1 < f->schedule_cap)
            return f->schedule;
        need *= 4;
    }
}

/* Threads, objects and the verdict of run into v. */
/* Analyse the run on screen (sim, complete records, not too long: it is
 * linear in the records and runs every frame), for the lost-update marks
 * in the lanes and the result bar's lines. os traces are not exact enough
 * (see cli_print_analysis). */
static void frame_analyze(struct frame *f, const struct rl_run *run)
{
    char err[200];

    f->an_ok = rl_run_backend(run) == RL_BACKEND_SIM &&
               rl_run_record_last(run) <= 200000 &&
               rl_analyze(run, &f->an, err, sizeof err) == 0;
}

/* Lost wakeup w of the run of s in words, with the notify's source line
 * (a plain C program's). */
static void frame_wakeup_text(const struct session *s,
                              const struct rl_lost_wakeup *w, char *buf,
                              size_t len)
{
    const struct rl_record *n = rl_run_record(s->run, w->notify_seq);
    char where[96], src[8];

    if (n == NULL || program_lab_where(s->lab, n->pc, where, sizeof where,
                                       src, sizeof src) != 0)
        where[0] = '\0';
    rl_wakeup_text(s->run, w, where, buf, len);
}

/* The analyses of an ended run, as lines: "[race] ...", "[lost] ...",
 * "[wakeup] ..." (then, once, "[hint] ..."). */
static void frame_analysis(struct frame *f, const struct session *s)
{
    const struct rl_run *run = s->run;
    const struct rl_analysis *a = &f->an;
    char line[400];
    size_t n = 0;

    f->analysis[0] = '\0';
    if (!f->an_ok)
        return;
    for (int i = 0; i < a->nraces + a->nlost && i < 2 * RL_ANALYSIS_MAX;
         i++) {
        if (i < a->nraces)
            rl_race_text(run, &a->races[i], line, sizeof line);
        else if (i - a->nraces < 1) /* the first shows the pattern */
            rl_lost_text(run, &a->lost[i - a->nraces], line, sizeof line);
        else
            break;
        if (i >= a->nraces && a->nlost > 1) {
            /* the others are counted, never dropped without a word */
            size_t l = strlen(line);

            snprintf(line + l, sizeof line - l,
                     " (%d lost updates in all: ] jumps to each)", a->nlost);
        }
        int w = snprintf(f->analysis + n, sizeof f->analysis - n, "%s%s\n",
                         i < a->nraces ? "[race] " : "[lost] ", line);
        if (w < 0 || (size_t)w >= sizeof f->analysis - n)
            return;
        n += (size_t)w;
    }
    for (int i = 0; i <= a->nwakeups && i <= RL_ANALYSIS_MAX; i++) {
        const char *tag = "[wakeup] ";

        if (a->nwakeups == 0)
            break;
        if (i == a->nwakeups || i == RL_ANALYSIS_MAX) {
            /* the fix, once, after them */
            rl_wakeup_hint(run, &a->wakeups[0], line, sizeof line);
            tag = "[hint] ";
        } else {
            frame_wakeup_text(s, &a->wakeups[i], line, sizeof line);
        }
        int w = snprintf(f->analysis + n, sizeof f->analysis - n, "%s%s\n",
                         tag, line);
        if (w < 0 || (size_t)w >= sizeof f->analysis - n)
            return;
        n += (size_t)w;
    }
}

/* Mark record k of the view as the store that lost an update, the
 * second access of a data race or the wait of a lost wakeup, with the
 * engine's words as its note. */
static void frame_mark(struct frame *f, const struct session *s, int k)
{
    const struct rl_run *run = s->run;
    struct view_rec *r = &f->recs[k];
    uint64_t seq = r->rec.seq;

    r->lost = r->race = r->wakeup = false;
    r->note = NULL;
    if (!f->an_ok)
        return;
    for (int i = 0; i < f->an.nlost && i < RL_ANALYSIS_MAX; i++)
        if (f->an.lost[i].store_seq == seq) {
            r->lost = true;
            rl_lost_text(run, &f->an.lost[i], f->notes[k], FRAME_NOTE_MAX);
            r->note = f->notes[k];
            return;
        }
    for (int i = 0; i < f->an.nwakeups && i < RL_ANALYSIS_MAX; i++)
        if (f->an.wakeups[i].wait_seq == seq) {
            r->wakeup = true;
            frame_wakeup_text(s, &f->an.wakeups[i], f->notes[k],
                              FRAME_NOTE_MAX);
            r->note = f->notes[k];
            return;
        }
    if (r->rec.op == RL_OP_FAIL && r->rec.arg >= 0 &&
        r->rec.arg < rl_run_check_count(run)) {
        /* what the failed check says, where it failed */
        struct rl_check_result chk;

        rl_run_check(run, (int)r->rec.arg, &chk);
        snprintf(f->notes[k], FRAME_NOTE_MAX, "%s: %s", chk.name,
                 chk.message ? chk.message : "failed");
        r->note = f->notes[k];
        return;
    }
    for (int i = 0; i < f->an.nraces && i < RL_ANALYSIS_MAX; i++)
        if (f->an.races[i].second_seq == seq) {
            r->race = true;
            rl_race_text(run, &f->an.races[i], f->notes[k], FRAME_NOTE_MAX);
            r->note = f->notes[k];
            return;
        }
}

/* The step just shown, if it printed: what it printed, in full, under its
 * row (the lane has room for "output" alone). */
static void frame_output_note(struct frame *f, const struct session *s,
                              int k)
{
    struct view_rec *r = &f->recs[k];
    const char *text = f->texts[k];

    r->note_plain = false;
    if (r->note || r->rec.op != RL_OP_OUTPUT || r->rec.seq != s->step_seq ||
        strncmp(text, "output ", 7) != 0)
        return;
    snprintf(f->notes[k], FRAME_NOTE_MAX, "%s %s",
             r->rec.before == 2 ? "prints to stderr" : "prints", text + 7);
    r->note = f->notes[k];
    r->note_plain = true;
}

static void frame_state(struct frame *f, const struct session *s,
                        struct view_lab *v)
{
    const struct rl_run *run = s->run;

    v->step = session_shown(s); /* the lanes' numbering */
    v->nthreads = rl_run_thread_count(run);
    for (int i = 0; i < v->nthreads; i++)
        rl_run_thread(run, i, &f->threads[i]);
    /* a finish held back (session.h): that thread has not finished yet */
    for (uint64_t q = v->step + 1; s->upto && q <= rl_run_record_last(run);
         q++) {
        const struct rl_record *r = rl_run_record(run, q);

        if (r && r->op == RL_OP_FINISH && r->thread >= 0 &&
            r->thread < v->nthreads)
            f->threads[r->thread].state = RL_T_RUNNABLE;
    }
    v->threads = f->threads;
    v->nobjs = rl_run_object_count(run);
    if (v->nobjs > f->objs_cap) {
        free(f->objs);
        free(f->values);
        f->objs = rl_xcalloc((size_t)v->nobjs, sizeof *f->objs);
        f->values = rl_xcalloc((size_t)v->nobjs, sizeof *f->values);
        f->objs_cap = v->nobjs;
    }
    for (int i = 0; i < v->nobjs; i++) {
        rl_run_object(run, i, &f->objs[i]);
        rl_value_text(run, i, f->objs[i].value, 0, f->values[i],
                      sizeof f->values[i]);
    }
    v->objs = f->objs;
    v->values = f->values;
    v->end = session_end(s);
    if (v->end == RL_END_RUNNING)
        return;
    v->passed = rl_run_passed(run);
    v->exit_status = -1;
    for (uint64_t q = rl_run_record_last(run);
         q && q >= rl_run_record_first(run); q--) {
        const struct rl_record *r = rl_run_record(run, q);

        if (r && r->op == RL_OP_EXIT)
            v->exit_status = r->arg;
        if (!r || r->op != RL_OP_FINISH)
            break; /* the exit record is the last but for finishes */
    }
    v->nchecks = rl_run_check_count(run);
    if (v->nchecks > FRAME_MAX_CHECKS)
        v->nchecks = FRAME_MAX_CHECKS;
    for (int i = 0; i < v->nchecks; i++)
        rl_run_check(run, i, &f->checks[i]);
    v->checks = f->checks;
    rl_run_end_text(run, f->end_text, sizeof f->end_text);
    v->end_text = f->end_text;
    frame_analysis(f, s);
    v->analysis = f->analysis[0] ? f->analysis : NULL;
    v->schedule = frame_schedule(f, s);
}

/* A plain C program: the record's source line (the lanes show " @13"). */
static void frame_where(struct frame *f, const struct session *s,
                        const struct rl_record *r, struct view_lab *v)
{
    char where[96], src[72];
    const char *colon;

    f->recs[v->nrecs].line = 0;
    if (program_lab_where(s->lab, r->pc, where, sizeof where, src,
                          sizeof src) != 0)
        return;
    colon = strrchr(where, ':');
    if (colon != NULL)
        f->recs[v->nrecs].line = atoi(colon + 1);
}

/* A plain C program: the file:line and source of the step shown (the
 * status line's "step N"), whatever rows are scrolled into view; none
 * for a step without a line (a start, a finish), not the one before. */
static void frame_detail(struct frame *f, const struct session *s,
                         struct view_lab *v)
{
    const struct rl_record *r = rl_run_record(s->run, session_shown(s));
    char where[96], src[72];

    v->detail = NULL;
    if (!r || program_lab_where(s->lab, r->pc, where, sizeof where, src,
                                sizeof src) != 0)
        return;
    snprintf(f->detail, sizeof f->detail, "%s%s%s", where, src[0] ? " " : "",
             src);
    v->detail = f->detail;
}

/* The records of the rows that fit, newest last. */
static void frame_records(struct frame *f, const struct session *s,
                          struct frame_ui *ui, int rows, struct view_lab *v)
{
    const struct rl_run *run = s->run;
    uint64_t first = rl_run_record_first(run), last = session_shown(s);
    uint64_t newest, n;

    if (!first || last < first || rows <= 0)
        return;
    ensure_rows(f, rows);
    if (ui->scroll > last - first)
        ui->scroll = last - first;
    newest = last - ui->scroll;
    n = newest - first + 1;
    if (n > (uint64_t)rows)
        n = (uint64_t)rows;
    for (uint64_t i = 0; i < n; i++) {
        const struct rl_record *r = rl_run_record(run, newest - n + 1 + i);

        if (!r)
            continue;
        f->recs[v->nrecs].rec = *r;
        frame_mark(f, s, v->nrecs);
        f->recs[v->nrecs].differs = ui->differs && r->seq == ui->differs;
        if (f->recs[v->nrecs].differs && !f->recs[v->nrecs].note)
            f->recs[v->nrecs].note = "the first step where the two runs "
                                     "differ";
        rl_record_text(run, r, f->texts[v->nrecs], FRAME_TEXT_MAX);
        f->recs[v->nrecs].values = rl_record_values(run, r, &f->vals[v->nrecs])
                                       ? &f->vals[v->nrecs]
                                       : NULL;
        frame_where(f, s, r, v);
        f->recs[v->nrecs].text = f->texts[v->nrecs];
        frame_output_note(f, s, v->nrecs);
        v->nrecs++;
    }
    v->recs = f->recs;
    v->hidden_below = last - newest;
    frame_detail(f, s, v);
    if (s->inst.backend == RL_BACKEND_SIM) {
        v->current = s->step_seq;
        v->current_thread = s->last_thread;
    }
}

/* Lay the lab screen of s out on c; see frame.h. */
void frame_lab(struct frame *f, const struct session *s, struct frame_ui *ui,
               struct canvas *c)
{
    const struct lab *lab = s->lab;
    struct view_lab v;
    struct view_layout l;
    struct view_hist h;
    char params[256], sched[64];

    memset(&v, 0, sizeof v);
    lab_inst_params_text(&s->inst, params, sizeof params);
    session_sched_text(s, sched, sizeof sched);
    v.lab_name = lab->name;
    v.lab_title = lab->title;
    v.variant = lab->variants[s->inst.variant].name;
    v.expect_pass = lab->variants[s->inst.variant].expect_pass;
    v.no_expect = program_lab_is(lab);
    v.params = params;
    v.backend = s->inst.backend == RL_BACKEND_SIM ? "sim" : "os";
    v.sched = sched;
    v.state = ui->state;
    v.speed = ui->speed;
    v.score = ui->score;
    v.current_thread = -1;
    v.message = ui->message;
    v.message_error = ui->message_error;
    f->an_ok = false;
    if (s->run) {
        frame_analyze(f, s->run);
        frame_state(f, s, &v);
    }
    if (s->rep.total > 0) {
        memset(&h, 0, sizeof h);
        h.var = s->rep.var[0] ? s->rep.var : "?";
        h.values = s->rep.values;
        h.n = s->rep.done;
        h.total = s->rep.total;
        h.ncorrect = s->rep.ncorrect;
        if (s->inst.backend == RL_BACKEND_SIM)
            snprintf(f->hist_note, sizeof f->hist_note,
                     "(sim, random seeds 1..%d)", s->rep.total);
        else
            snprintf(f->hist_note, sizeof f->hist_note, "(os, real threads)");
        h.note = f->hist_note;
        v.hist = &h;
    }
    v.result_open = ui->result_open;
    v.compact = ui->compact;
    if (ui->result_open) {
        int max = view_result_lines(&v, c->w);

        view_lab_layout(&v, c->w, c->h, &l);
        max -= l.result_h - 1;
        if (ui->result_scroll > max)
            ui->result_scroll = max;
        if (ui->result_scroll < 0)
            ui->result_scroll = 0;
        v.result_scroll = ui->result_scroll;
    }
    view_lab_layout(&v, c->w, c->h, &l);
    if (s->run)
        frame_records(f, s, ui, l.rows_h, &v);
    view_lab(c, &v);
}
