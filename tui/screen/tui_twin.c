/* SPDX-License-Identifier: MIT */
/*
 * tui_twin.c - side by side (|): the lab's other kind of variant (reference
 * beside student, a correct one beside a broken one) in a second session,
 * under the same scheduler and kept at the step shown on the left, the two
 * runs in two panes with '%' on the first record where they part. Owns the
 * counterpart's session and its panes (the twin fields of struct tui,
 * tui_impl.h); the main loop (tui.c) and the key handlers (tui_keys.c)
 * call in here.
 */
#include <string.h>

#include "canvas.h"
#include "frame.h"
#include "session.h"
#include "term.h"
#include "tui_impl.h"
#include "view.h"

/* The first record where the two runs side by side differ (thread, event,
 * result or object), among those both show; 0 if none. */
static uint64_t twin_differs(const struct tui *t)
{
    const struct rl_run *a = t->ses.run, *b = t->twin.run;
    uint64_t n = session_shown(&t->ses);

    if (!a || !b)
        return 0;
    if (session_shown(&t->twin) < n)
        n = session_shown(&t->twin);
    for (uint64_t q = 1; q <= n; q++) {
        const struct rl_record *x = rl_run_record(a, q), *y = rl_run_record(b, q);
        struct rl_obj_view ox, oy;

        if (!x || !y)
            return 0;
        if (x->thread != y->thread || x->op != y->op || x->result != y->result)
            return q;
        if ((x->obj >= 0) != (y->obj >= 0))
            return q;
        if (x->obj >= 0) {
            rl_run_object(a, x->obj, &ox);
            rl_run_object(b, y->obj, &oy);
            if (strcmp(ox.name, oy.name) != 0 || x->after != y->after)
                return q;
        }
    }
    return 0;
}

/* Where twin_msg_line draws a message's rows. */
struct twin_msg {
    struct canvas *c;
    int y, role;
};

/* text_wrap callback: one row of the message, while rows are left. */
static void twin_msg_line(void *ctx, const char *s, size_t n)
{
    struct twin_msg *m = ctx;
    char buf[512];

    if (m->y >= m->c->h)
        return;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    canvas_put(m->c, m->y++, 1, m->role, buf, m->c->w - 2);
}

/* Side by side: the two runs in two panes, one key line under both (two
 * rows for a message longer than one, so that it is never cut). */
void tui_twin_frame(struct tui *t, struct canvas *c)
{
    struct frame_ui ui;
    int half = (c->w - 1) / 2;
    int mh = t->msg[0] && text_cells(t->msg) > c->w - 2 ? 2 : 1;
    char state[96];
    static const char *const keys[] = {
        "n", "step both", "Left", "back", "e", "end", "r", "restart",
        "|", "one pane", "?", "help"};

    memset(&ui, 0, sizeof ui);
    ui.compact = true;
    ui.differs = twin_differs(t);
    ui.result_open = t->result_open; /* m opens both result areas */
    ui.result_scroll = t->result_scroll;
    ui.state = tui_state_word(t, state, sizeof state);
    /* each pane is laid out with its own key line, which is not shown */
    canvas_resize(&t->pane_l, half, c->h - mh + 1);
    frame_lab(&t->fr, &t->ses, &ui, &t->pane_l);
    t->result_scroll = ui.result_scroll;
    ui.scroll = 0;
    ui.state = session_end(&t->twin) == RL_END_RUNNING ? "paused"
                                                       : tui_end_word(&t->twin);
    canvas_resize(&t->pane_r, c->w - half - 1, c->h - mh + 1);
    frame_lab(&t->fr2, &t->twin, &ui, &t->pane_r);
    canvas_clear(c);
    canvas_blit(c, 0, 0, &t->pane_l, 0, c->h - mh);
    canvas_blit(c, 0, half + 1, &t->pane_r, 0, c->h - mh);
    canvas_fill(c, 0, half, c->h - mh, 1, L'|', ROLE_BORDER);
    if (t->msg[0]) {
        struct twin_msg m = {c, c->h - mh,
                             t->msg_err ? ROLE_ERROR : ROLE_SELECT};

        canvas_fill(c, c->h - mh, 0, mh, c->w, L' ', ROLE_NORMAL);
        text_wrap(t->msg, c->w - 2, twin_msg_line, &m);
    } else {
        view_keys(c, c->h - 1, keys, 12);
    }
}

/* Close the side-by-side view. */
void tui_twin_close(struct tui *t)
{
    if (t->have_twin)
        session_fini(&t->twin);
    t->have_twin = false;
}

/* The variant to show beside variant v: reference for student and back;
 * else a correct one beside a broken one and the other way round; -1 if
 * the lab has none. */
static int twin_variant(const struct lab *lab, int v)
{
    const char *name = lab->variants[v].name;
    const char *want = strcmp(name, "student") == 0     ? "reference"
                       : strcmp(name, "reference") == 0 ? "student"
                                                        : NULL;

    if (want)
        return lab_variant_find(lab, want);
    for (int i = 0; i < lab->nvariants; i++)
        if (i != v && lab->variants[i].expect_pass != lab->variants[v].expect_pass)
            return i;
    return -1;
}

/* Keep the counterpart at the step shown on the left (its own end once
 * the left run has ended). */
void tui_twin_sync(struct tui *t)
{
    char err[256];

    if (!t->have_twin)
        return;
    if (session_end(&t->ses) != RL_END_RUNNING)
        while (session_run(&t->twin, 100000) == RL_END_RUNNING)
            ;
    else if (session_goto(&t->twin, session_shown(&t->ses), err, sizeof err) !=
             0)
        tui_say(t, true, "%s", err);
}

/* |: open the counterpart beside the run (same parameters, same
 * scheduler, from the start), or close it. */
void tui_twin_toggle(struct tui *t)
{
    struct session *s = &t->ses;
    struct lab_inst inst = s->inst;
    struct rl_sched sc = s->sched;
    char err[256];
    int w, h, v;

    if (t->have_twin) {
        tui_twin_close(t);
        tui_say(t, false, "one pane again");
        return;
    }
    term_size(&w, &h);
    v = twin_variant(s->lab, s->inst.variant);
    if (s->inst.backend != RL_BACKEND_SIM) {
        tui_say(t, true, "side by side needs the sim backend (b switches)");
        return;
    }
    if (v < 0) {
        tui_say(t, true, "%s has no other kind of variant to compare with",
                s->lab->name);
        return;
    }
    if (w < 70) {
        tui_say(t, true, "side by side needs 70 columns (this terminal has %d)",
                w);
        return;
    }
    if (s->replay || sc.kind == RL_SCHED_REPLAY || sc.kind == RL_SCHED_CUSTOM) {
        /* a replay belongs to its variant: the counterpart goes round robin */
        memset(&sc, 0, sizeof sc);
        sc.kind = RL_SCHED_RR;
        sc.quantum = 1;
    }
    inst.variant = v;
    inst.state = NULL;
    session_init(&t->twin, &inst, &sc, NULL);
    if (session_restart(&t->twin, err, sizeof err) != 0) {
        session_fini(&t->twin);
        tui_say(t, true, "%s", err);
        return;
    }
    t->have_twin = true;
    tui_twin_sync(t);
    tui_say(t, false,
            "side by side: %s and %s under %s; n steps both, %% marks "
            "where they part",
            s->lab->variants[s->inst.variant].name, s->lab->variants[v].name,
            sc.kind == RL_SCHED_MANUAL ? "round robin" : "the same scheduler");
}
