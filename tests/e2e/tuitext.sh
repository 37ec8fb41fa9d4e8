#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/tuitext.sh - the TUI's words, end to end, at 80x24 (and
# 132x40): nothing that says what a run is doing is cut mid-word (the
# status line, a message longer than the key line, a lane's text, a
# schedule string, a parameter's help), the state panel names who holds
# a plain C program's mutex, and each key says what it did, or why it did
# nothing, in words that are true on the screen it is pressed on (help,
# the key line under the parameter form, the os backend). The helpers are
# tui.sh's, in lib/tmux.sh: the real binary in tmux on a private socket,
# bounded polls.
#
#   RACELAB=/abs/path/racelab bash tests/e2e/tuitext.sh

set -u

. "$(dirname "$0")/lib/tmux.sh"
tmux_begin tuitext

PROGS=$(cd "$(dirname "$0")/../programs" && pwd)

# ---- plain C programs: the status line, the lanes, the state panel ----------

# The status line keeps the state whole: the source line is cut ("...").
start sem 80 24 "$RACELAB tui '$PROGS/sem_join.c'"
check "sem_join.c opens" sem "STATE" 20
keys sem e
# main's finish (step 13) has no source line: not the printf before it;
# the program goes by its file's name (the title has its path)
has_line "a finish says no source line, not the line of the step before" \
    sem ' sem_join.c/main | sim rr:1 | step 13 | finished: passed | 5 steps/s'
check "a sem_t: its count, no '0/0'" sem "|   done Semaphore: 0"
keys sem Left
has_line "80x24: the printf's source line whole" sem \
    ' step 12: sem_join.c:27 printf("parent: end, result %d\n", result); | paused'
T resize-window -t sem -x 64 -y 24
has_line "64x24: a long source line is cut, the state kept whole" sem \
    ' step 12: sem_join.c:27 printf("parent: end, result ... | paused'

# (A lane's text with its source line keeps its object's name before the
# line number: check_view's test_rec_text_line; a pointer's value, which
# that needs, is not the same from run to run.)

# The state panel: a mutex with its owner and depth, pthread_once's state.
start lord 80 24 "$RACELAB tui '$PROGS/lock_order.c'"
check "lock_order.c opens" lord "STATE" 20
keys lord n n n n n n n n n n n n n n
check "step 14" lord " step 14: lock_order.c:18 pthread_mutex_unlock(&first); | paused"
check "a free mutex says so" lord "|   first mutex: free"
check "a held mutex" lord "| + second mutex"
check "and who holds it" lord "|     held by T2"
start rmut 80 24 "$RACELAB tui '$PROGS/recursive_mutex.c'"
check "recursive_mutex.c opens" rmut "STATE" 20
keys rmut n n n n n n n n n n n n n n
check "a recursive mutex: owner and depth" rmut "|     held by T1 depth 3"
check "and its waiter" rmut "|     # waiting: T2"
start once 80 24 "$RACELAB tui '$PROGS/phases.c'"
check "phases.c opens" once "STATE" 20
keys once n n n n n n n n n n n n n n n
check "pthread_once: done" once "|   once once: done"

# ---- messages longer than the key line: two rows, never cut ------------------

start found 80 24 "$RACELAB tui unsafe-counter"
check "unsafe counter opens" found "STATE"
keys found x
has_line "80x24: x's message, first row" found \
    " found after 4 schedules (1 preemption): fails 'final value'; opened at step"
has_line "and its end on the row below" found " 11, Left steps back"
has_line "the status line above them" found \
    " unsafe-counter/unsafe | sim replay | step 11 | paused | 5 steps/s"

# A schedule string wider than the screen breaks between its fields.
start sched 80 24 "$RACELAB tui producer-consumer"
check "producer-consumer opens" sched "STATE"
keys sched e
has_line "the schedule string, cut after a field" sched \
    " schedule: rl1:producer-consumer:correct:producers=1,consumers=2,items=4,"
has_line "and the rest on the next row" sched \
    " capacity=2:0.1.2.0.1.2.0x3.2x2.0.1.0.2.1x2.2x2.1"

# ---- the parameter form -----------------------------------------------------

start form 80 24 "$RACELAB tui lock-order"
check "lock-order opens" form "STATE"
keys form p
check "p opens the form" form "Parameters of lock-order (sim)"
check "a long help goes on under itself" form \
    "| > threads   [       2]  2..8       threads; even ones move A->B, odd |"
check "to its end, in the helps' column" form \
    "|                                    ones B->A                         |"
check "the next row's help in the same column" form \
    "|   rounds    [       2]  1..100000  transfers per thread              |"
has_line "the key line says the form has the keys" form \
    " the parameter form is open: Enter applies, Esc cancels"
keys form 9 9 Enter
check "a bad value: the error in the form" form \
    "threads must be a whole number from 2 to 8, not '99'"
keys form Escape
has_line "Esc: nothing changed" form " parameters unchanged"

# ---- help: what q does depends on where the lab was opened from ---------------

start helpq 80 24 "$RACELAB tui unsafe-counter"
check "opened from the command line" helpq "STATE"
keys helpq '?' NPage NPage NPage
check "help: q quits a lab opened from the command line" helpq \
    "  q, Esc           stop a search or a repeat; else quit (the lab was opened"
keys helpq x q
check "and it does" helpq "EXITED:0"
start helpm 80 24 "$RACELAB"
check "the menu" helpm "Unsafe counter"
keys helpm Enter
check "a lab from the menu" helpm "STATE"
keys helpm '?' NPage NPage NPage
check "help: q goes back to the menu" helpm \
    "  q, Esc           stop a search or a repeat; else back to the lab menu (Q"
keys helpm x q
check "and it does" helpm "Enter opens the selected lab"

# ---- the os backend: keys that do not apply say so ---------------------------

start os 80 24 "$RACELAB tui unsafe-counter --backend os --iters 1000"
check "os opens" os "space starts the threads"
has_line "80x24: the os status line, whole" os \
    " unsafe-counter/unsafe | os | step 0 | ready: space starts the threads"
check "the empty lanes: space, not n" os \
    "no steps yet: space starts the threads, ? helps"
keys os +
has_line "+ on os says why it does nothing" os \
    " real threads run at their own speed; + and - pace the sim backend (b switches)"
keys os s
has_line "s on os says why it does nothing" os \
    " real threads are scheduled by the OS; s chooses the sim backend's scheduler (b"
has_line "and the scheduler is the same" os \
    " unsafe-counter/unsafe | os | step 0 | ready: space starts the threads"
keys os v
has_line "v on a lab with one variant says so" os \
    " unsafe-counter has one variant (unsafe); r restarts it"
keys os R
check "R: the repeat finishes and says so" os \
    "repeat done: 100 runs; q closes the chart" 60
check "the chart's banner counts runs, not steps" os \
    "== ready: space starts the threads ==="
keys os q
check "q closes the chart" os "no steps yet: space starts the threads"

start sim 80 24 "$RACELAB tui unsafe-counter"
check "sim opens" sim "STATE"
keys sim + + + + + + + + +
has_line "+ at the highest speed says so" sim " already at the highest speed"
keys sim - - - - - - - - - -
has_line "- at the lowest speed says so" sim " already at the lowest speed"

# ---- the key line lists the keys that apply -----------------------------------

start kend 80 24 "$RACELAB tui unsafe-counter"
check "key line: opens" kend "STATE"
keys kend e
has_line "an ended sim run: what there is to do with it" kend \
    " ? help  Left back  f failure  ]/[ marks  r restart  m more  x explore  w save"
start kos 80 24 "$RACELAB tui unsafe-counter --backend os --iters 1000"
check "key line on os: opens" kos "space starts the threads"
keys kos space
has_line "os: start, repeat, no stepping" kos \
    " ? help  space start  R repeat  r restart  v variant  p params  b backend" 10

# ---- the menu: a parameter's or a variant's text wraps, never cut --------------

start menu 80 24 "$RACELAB"
check "menu: opens" menu "Unsafe counter"
keys menu NPage NPage NPage
check "a parameter's help beside its numbers" menu \
    "|   threads   2, 2  (1..16)  threads"
check "goes on under itself" menu "|                            incrementing the"
check "or under the numbers when they leave no room" menu \
    "|     increments per thread"
keys menu Down Down Down Down Down NPage NPage NPage
check "a variant's long word moves to the next row" menu \
    "| + try-backoff passes  second lock with"
check "and breaks at its '='" menu "|                       acquire(blocking="

# ---- w, predict, side by side, too small -------------------------------------

start save 80 24 "$RACELAB tui unsafe-counter"
check "save: opens" save "STATE"
keys save w
has_line "w before any step: nothing to save, and why" save \
    " nothing to save yet: no step has run (n steps, space runs)"
if ls "$WORK"/racelab-* >/dev/null 2>&1; then
    bad "no empty trace written"
else
    ok "no empty trace written"
fi

start guess 80 24 "$RACELAB tui unsafe-counter"
check "predict: opens" guess "STATE"
keys guess a n
check "predict: asked" guess "Predict: which thread runs step 1? (can run: T0 T1)"
keys guess 7
has_line "a thread that cannot run is not a guess" guess \
    " T7 cannot run now. Predict: which thread runs step 1? (can run: T0 T1) 0-9,"
keys guess q
has_line "a key that is no answer says what is asked" guess \
    " Esc first: the class is asked which thread runs step 1 (0-9 answers)"
keys guess 0
has_line "then the answer counts, once" guess \
    " Right: T0 ran step 1 (1 of 1 right)"
keys guess a x
has_line "the final value: a letter says what is asked" guess \
    " Predict: counter at the end? digits, then Enter (Esc skips): _"

start score 80 24 "$RACELAB tui producer-consumer"
check "predict's score: opens" score "STATE"
keys score a n 0 n
has_line "80x24: the class's score stays on the status line (the speed goes)" \
    score " producer-consumer/correct | sim rr:1 | step 1 | paused | predicted 1 of 1"

start pair 132 40 "$RACELAB tui locked-counter --variant early-release"
check "side by side at 132x40: opens" pair "STATE"
keys pair '|'
check "the counterpart opens" pair "| locked (expected to pass)"
keys pair e
check "the counterpart's status says how it ended, like the left" pair \
    "| locked-counter/locked | sim rr:1 | step 33 | finished: passed"

start pair80 80 24 "$RACELAB tui atomic-counter --variant load-store"
check "side by side at 80x24: opens" pair80 "STATE"
keys pair80 '|'
has_line "side by side: a long message takes two rows" pair80 \
    " side by side: load-store and fetch-add under the same scheduler; n steps both,"
has_line "its end on the last row" pair80 " % marks where they part"
has_line "the panes' status lines above it" pair80 \
    " step 0 | ready                        | step 0 | paused"

start tiny 80 24 "$RACELAB"
check "too small: the menu" tiny "Unsafe counter"
keys tiny Enter
check "too small: a lab from the menu" tiny "STATE"
T resize-window -t tiny -x 50 -y 12
check "too small: says q quits" tiny "enlarge it, or q to quit"
keys tiny q
check "and one q quits, from a lab opened from the menu" tiny "EXITED:0"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
