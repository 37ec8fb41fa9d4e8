#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/lecture.sh - the TUI as a lecturer uses it on a projector, with
# the programs a course hands out (tests/programs/: a bank account with a
# lost update, a condition checked with `if`, a lock-order deadlock, a
# program that prints a lot), at 80x24: stepping by hand shows one
# numbered row per key to the very end, the status line names the line of
# the step shown (none for a start or a finish), a printed text is shown,
# the result counts every lost update and says a race once, a lost
# wakeup is marked at its wait with the fix said once, a deadlock's
# objects keep their index in short names, and what x found stays on the
# screen. The helpers are lib/tmux.sh's: the real binary in tmux on a
# private socket, bounded polls.
#
#   RACELAB=/abs/path/racelab bash tests/e2e/lecture.sh

set -u

. "$(dirname "$0")/lib/tmux.sh"
tmux_begin lecture

PROGS=$(cd "$(dirname "$0")/../programs" && pwd)
cp "$PROGS/bank.c" "$PROGS/chatty.c" "$PROGS/cond_if.c" \
    "$PROGS/lock_order.c" "$PROGS/philosophers.c" "$PROGS/lost_wakeup.c" \
    "$WORK/"

# ---- stepping a C program by hand --------------------------------------------

# (The status line's source text is not asserted: a build cached from
# another folder may not find it.)

start bank 80 24 "$RACELAB tui bank.c"
check "bank.c opens" bank "STATE" 30
keys bank n n n n n n
has_line "step 6 is T2's start: no source line (not step 5's)" bank \
    " bank.c/main | sim rr:1 | step 6 | paused | 5 steps/s" 10
keys bank n n n n n n n n n n n n n n n n n n
check "step 24: the printf" bank " step 24: bank.c:29 " 10
has_line "what the step printed, under its row" bank \
    '     ^ prints "balance = 140 (expected 160)\n"         |' 20
keys bank n
check "n: step 25 alone (the load before main returns)" bank \
    " step 25: bank.c:30 " 20
keys bank n
has_line "n again: step 26, the exit, highlighted" bank \
    " 26> . exit(1)                                         |" 20
has_line "the verdict says the exit status, not that exit() was called" bank \
    "== EXITED with status 1 ========================================================" 20
has_line "the lost update is counted: two in all" bank \
    " 11, then T1 stored 120 at step 12 over it (2 lost updates in all: ] jumps to" 20
keys bank Left
check "Left from the exit: step 25, one row back" bank " step 25: bank.c:30 " 10
keys bank w
check "w asks where to save" bank " save to directory: ._   Enter saves, Esc cancels" 10
keys bank Enter
check "w saves the trace" bank " saved racelab-bank.c-main-1.txt" 10
SAVED="$WORK/racelab-bank.c-main-1.txt"
if [ -f "$SAVED" ] && grep -q '^2 T0 start T1   bank.c:25' "$SAVED" &&
    grep -q "^12 T1 store balance <- 120   ! lost update: overwrites T2's 120 (step 11)   bank.c:17" "$SAVED"; then
    ok "the saved trace gives each step of a C program its file:line"
else
    bad "the saved trace gives each step of a C program its file:line"
fi

# the final value of a C program, whose variables are known once touched
start val 80 24 "$RACELAB tui bank.c"
check "bank.c opens again" val "STATE" 30
keys val a a
check "a a: the question waits for a shared variable, and says so" val \
    " Predict the final value: asked when the program first touches a shared" 10
keys val e
check "e stops where balance is first touched, and asks" val \
    " Predict: balance at the end? type it, Enter (Esc skips): _" 10
keys val 1 6 0 Enter
check "the guess is taken" val " You said 160: e runs to the end and reveals it" 10
keys val e
check "and revealed at the end" val \
    " Not this time: balance = 140, you said 160 (0 of 1 right)" 10
keys val R
check "R on a C program: the runs that passed every check, not 'correct'" val \
    " passed: 0 of 100 runs  (sim, random seeds 1..100)" 60

# ---- a failed assert: x opens it at its row, Left goes back one row ----------

start cv 80 24 "$RACELAB tui cond_if.c"
check "cond_if.c opens" cv "STATE" 30
keys cv x
check "x finds the assert" cv "== ASSERTION FAILED" 60
has_line "the assert row is the highlighted one" cv \
    " 27>                           ! ASSERT                  |" 20
check "x says which check fails" cv \
    "found after 95 schedules (2 preemptions): fails 'assertions'; opened at step" 20
keys cv Left
check "Left from the assert: step 26, the load before it" cv \
    " step 26: cond_if.c:24 " 10
has_line "  with its row highlighted" cv \
    " 26>                             items->-1               |" 20
keys cv n
check "n: the assert again" cv "== ASSERTION FAILED" 10

# ---- a lost wakeup: marked at the wait, explained, the fix once --------------

start lw 80 24 "$RACELAB tui lost_wakeup.c"
check "lost_wakeup.c opens" lw "STATE" 30
keys lw e
check "e: the run deadlocks" lw "== DEADLOCK: no thread can run" 20
has_line "the wait that never ends is marked" lw \
    " 14>                                   ! wait c @22    |" 20
has_line "and explained under its row" lw \
    "     ^ lost wakeup on c: T1 called cond_signal at step |" 20
has_line "the result names the signal with its line" lw \
    " [wakeup] lost wakeup on c: T1 called cond_signal at step 10 (lost_wakeup.c:32)" 20
has_line "the fix, once, in the program's names" lw \
    " condition the signaller sets: while (!ready) pthread_cond_wait(&c, &m);" 20
keys lw r
check "r restarts" lw " step 0 " 10
keys lw f
check "f jumps to the lost wakeup and says so" lw \
    " step 14: lost wakeup on c: T1 called cond_signal at step 10 (lost_wakeup.c:32)" 20

# ---- a deadlock: what x found stays; array elements keep their index ---------

start lo 80 24 "$RACELAB tui lock_order.c"
check "lock_order.c opens" lo "STATE" 30
keys lo x
check "x finds the deadlock" lo "== DEADLOCK: no thread can run" 60
check "and says so after the run's end was reached" lo \
    " found after 7 schedules (1 preemption): fails 'no deadlock'; opened at step" 20
keys lo f
check "f's account of the mark outlives the end too" lo " step 10: " 10

start phil 80 24 "$RACELAB tui philosophers.c"
check "philosophers.c opens" phil "STATE" 30
keys phil x
check "x finds the philosophers' deadlock" phil "== DEADLOCK: no thread can run" 60
has_line "the forks' short names keep their index" phil \
    "     legend: f[0]=fork_[0] f[1]=fork_[1] f[2]=fork_[2]   | + fork_[0] mutex" 20
has_line "each philosopher waits for its right fork, held by the next" phil \
    "#    T0 #join T1  T1 #f[1](T2) T2 #f[2](T3) T3 #f[0](T1) | STATE" 20

# a large font (60x20): the state panel says what it left out in whole words
start phil60 60 20 "$RACELAB tui philosophers.c"
check "philosophers.c opens at 60x20" phil60 "STATE" 30
keys phil60 x
check "x finds the deadlock at 60x20" phil60 "== DEADLOCK: no thread can run" 60
has_line "the panel's 'more lines' is not cut mid-word" phil60 \
    " 14>                 #f[2]           | ... 3 more lines" 20

# ---- a program that prints a lot ---------------------------------------------

start chat 80 24 "$RACELAB tui chatty.c"
check "chatty.c opens" chat "STATE" 30
keys chat e
check "it ends" chat "== FAILED: 1 of 4 checks failed" 60
check "the race is said in the failed check" chat \
    " [!!] no data race: data race on hits: T2 reads at step 9 and T1 writes at step" 20
if [ "$(screen chat | grep -c 'data race on hits')" -eq 1 ]; then
    ok "and not again under it"
else
    bad "and not again under it" chat
fi
has_line "a schedule too long for the area is said in a line, not dropped" chat \
    " schedule: 994 characters (m shows it, w saves it)" 20
keys chat PPage
check "scrolled up: the rows above, the newest below not shown" chat \
    " newer below (End: follow)" 10
has_line "the status line still names step 497 (main's finish: no line), not a row in view" \
    chat " chatty.c/main | sim rr:1 | step 497 | finished: failed | 5 steps/s" 20
keys chat Left
check "Left: step 496, the printf, with its line" chat " step 496: chatty.c:30 " 10

# ---- a built-in lab: the repeat's seeds, the os backend's parameters ---------

start uc 80 24 "$RACELAB tui unsafe-counter"
check "unsafe-counter opens" uc "STATE" 20
keys uc R
check "R: the chart names the seeds it ran" uc \
    " passed: 13 of 100 runs  (sim, random seeds 1..100)" 60
keys uc q b
check "b to os: the sim parameters kept are named, with the os defaults" uc \
    " backend switched: os, real threads; kept iters=3 (os default 1000000: p" 10
keys uc b
check "b back to sim: the defaults hold, nothing to say" uc \
    " backend switched: variant unsafe, sim, rr:1" 10
keys uc a
check "a: predict the next thread" uc " Predict the next thread: the run stops" 10
keys uc b
check "b to os ends predicting, and says so" uc \
    " backend switched: os, real threads; predicting off (0 of 0 right this" 10
lacks "no score left in the status line" uc "predicted 0 of 0"

# ---- the lab menu at 80x24: words whole, columns straight --------------------

start menu 80 24 "$RACELAB"
check "the menu opens" menu "Unsafe counter" 20
check "a summary is cut after a whole word" menu \
    "  RLock nesting  a locked...    |" 20
check "one that no whole word of fits is left out" menu \
    "  Thread pool and Queue         |" 20
lacks "no word cut in two" menu "  wor..."
keys menu Down Down Down Down PgDn
check "a variant name too long for its column has a row of its own" menu \
    "| ! spin-holding-lock" 20
check "its verdict under it, in the column" menu \
    "|              fails   a consumer spins on" 20
check "the short names' verdicts in the same column" menu \
    "| ! if-wait    fails   wait under an if: takes" 20

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
