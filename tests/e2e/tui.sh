#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/tui.sh - end-to-end tests of the TUI: the real binary in tmux on a
# private socket, at a fixed size; keys go in with send-keys, the screen
# comes back with capture-pane, and each check asserts on its text. Waits
# are bounded polls (no fixed long sleeps). Prints one line per check and
# "N passed, M failed"; exits non-zero if any failed.
#
#   RACELAB=/abs/path/racelab bash tests/e2e/tui.sh

set -u

. "$(dirname "$0")/lib/tmux.sh"
tmux_begin tui

# ---- the lost update --------------------------------------------------------

start lost 100 30 "$RACELAB tui unsafe-counter"
check "unsafe counter opens on the lab screen" lost "STATE"
keys lost n n n
check "n steps: step 3 in the status line" lost "| step 3 |"
keys lost n n n
check "the store that loses T0's update is marked as it happens" lost \
    "  6>                                 ! store counter <- 1"
keys lost e
check "run to the end: the lost update in the result bar" lost \
    "[!!] final value: counter = 3, expected 6: 3 updates lost"
check "the verdict line says FAILED" lost "== FAILED: 1 of"
check "the schedule string is shown on finish" lost \
    "schedule: rl1:unsafe-counter:unsafe:threads=2,iters=3:0.1.0.1.0.1.0.1.0.1.0.1.0"
check "a check whose message repeats its name says it once" lost \
    "[ok] no deadlock"
if screen lost | grep -qF "no deadlock: no deadlock"; then
    bad "no 'no deadlock: no deadlock'" lost
else
    ok "no 'no deadlock: no deadlock'"
fi
keys lost Left
check "Left steps back one numbered step from the end (16 -> 15)" lost \
    "| step 15 | paused"
keys lost Left
check "and again (15 -> 14)" lost "| step 14 | paused"
if [ "$(screen lost | grep -c '^ *[0-9]*>')" -eq 1 ]; then
    ok "one highlighted row at a time"
else
    bad "one highlighted row at a time" lost
fi
if screen lost | grep -qF "FAILED"; then
    bad "stepping back leaves the ended state" lost
else
    ok "stepping back leaves the ended state"
fi
keys lost e
keys lost w
check "w asks where to save (the current directory)" lost \
    "save to directory: ._   Enter saves, Esc cancels"
keys lost Enter
check "w saves the trace" lost "saved racelab-unsafe-counter-unsafe-1.txt"
SAVED="$WORK/racelab-unsafe-counter-unsafe-1.txt"
if [ -f "$SAVED" ] &&
    grep -q '^schedule: rl1:unsafe-counter:unsafe:threads=2,iters=3:' "$SAVED"; then
    ok "the saved file holds the schedule string"
else
    bad "the saved file holds the schedule string"
fi
if [ -f "$SAVED" ] && grep -qx 'steps: 16' "$SAVED" &&
    [ "$(grep -c '^[0-9]' "$SAVED")" -eq 16 ]; then
    ok "the saved file's step count matches its events"
else
    bad "the saved file's step count matches its events"
fi
if [ -f "$SAVED" ] && grep -qx "6 T1 store counter <- 1   ! lost update: overwrites T0's 1 (step 5)" "$SAVED"; then
    ok "the saved file keeps the lost-update marks"
else
    bad "the saved file keeps the lost-update marks"
fi
mkdir -p "$WORK/sub"
keys lost w C-u
keys lost -l "sub"
keys lost Enter
check "w saves where the user asks" lost \
    "saved sub/racelab-unsafe-counter-unsafe-1.txt"
keys lost w Escape
check "Esc: not saved" lost "not saved"

# Run from racelab's source tree, w offers $HOME, never the tree.
mkdir -p "$WORK/tree/core" "$WORK/tree/labs" "$WORK/home"
touch "$WORK/tree/core/run.h" "$WORK/tree/labs/lab.h"
start tree 100 30 "cd tree && HOME='$WORK/home' $RACELAB tui unsafe-counter"
check "from the source tree: opens" tree "STATE"
keys tree n w
check "from the source tree: w offers \$HOME" tree \
    "save to directory: $WORK/home_"
keys tree Enter
check "from the source tree: saved in \$HOME" tree "saved $WORK/home/racelab-"
if ls "$WORK/tree"/racelab-* >/dev/null 2>&1; then
    bad "nothing saved into the source tree"
else
    ok "nothing saved into the source tree"
fi
keys tree w C-u
keys tree -l "."
keys tree Enter
check "from the source tree: . is refused" tree \
    ". is in racelab's source tree: save somewhere else"

# r says what it does
start restart 100 30 "$RACELAB tui unsafe-counter"
check "restart: opens" restart "STATE"
keys restart r
check "r on round robin: the same run again" restart \
    "restarted: rr:1 is deterministic, so this is the same run again"
keys restart s r
check "r on random: a new seed" restart "restarted with a new seed: random:2"

start four 80 24 "$RACELAB tui unsafe-counter --threads 4"
check "80x24 with 4 threads opens" four "T3 new"
keys four n n n n n n n n n n n n
check "80x24, 4 threads: loads readable in their lanes" four \
    "counter->0              |"
check "80x24, 4 threads: stores readable in their lanes" four \
    "counter<-1 |"

# At 80x24 after e: the race and the lost update are on screen, in words,
# in the result area and under the marked step; m opens the result area.
start small 80 24 "$RACELAB tui unsafe-counter"
check "80x24: opens" small "STATE"
keys small e
check "80x24, after e: the lost update in the result" small \
    " [lost] lost update on counter: T1 loaded 0 at step 4, T0 stored 1 at step 5,"
check "80x24, after e: the data race in the result" small \
    " [race] data race on counter: T1 reads at step 4 and T0 writes at step 5, with"
check "80x24, after e: the lost update explained under its mark" small \
    "     ^ lost update on counter: T1 loaded 2 at step 12, |"
keys small m
check "m opens the result area in full" small "[ok] finishes: every thread finished"
check "and says how to close it" small " m closes "
keys small m
check "m again closes it" small "[ok] no deadlock, finishes, no misuse"

# The menu at 80x24: a cut line says so; the right pane scrolls.
start menu80 80 24 "$RACELAB"
check "menu at 80x24" menu80 "Unsafe counter"
keys menu80 Down
check "a cut menu line ends in ..." menu80 "> Locked counter  the shared..."
check "the right pane says there is more" menu80 "more on the right: PgDn"
keys menu80 NPage
check "PgDn shows the third variant" menu80 "! early-release fails"

# Go to what matters: f jumps to the failure (where the run stops),
# ' goes back, ] and [ go from mark to mark.
start jump 80 24 "$RACELAB tui producer-consumer --variant if-wait"
check "jumps: opens" jump "STATE"
keys jump f
check "f jumps to the first failure, and says what it is" jump \
    "stopped at step 54, where C1 failed the check 'buffer bounds hold'"
check "the failed check is explained under its row" jump \
    "^ buffer bounds hold: count = -1 after C1 took"
check "the state is the state at that step" jump "| step 54 | stopped at a failed check"
keys jump "'"
check "' goes back to where the jump started" jump "back at step 0 (' again: step 54)"
keys jump "]"
check "] jumps to the next blocked thread" jump \
    "step 5: C1: acquire lock: blocked (held by C0)"
keys jump "]" "["
check "[ jumps back to the one before" jump "| step 5 | paused"

# ---- choosing threads by hand -------------------------------------------------

start manual 100 30 "$RACELAB tui unsafe-counter --sched manual"
check "manual scheduler opens" manual "sim manual"
# T0 loads 0, T1 loads 0, T0 stores 1, T1 stores 1: one increment lost
# (digit N runs thread TN)
keys manual 0 0 1 1 0 1
check "picked interleaving: both loaded 0, both stored 1" manual "counter = 1"
# then T0 alone to its end, then T1 alone: no further loss
keys manual 0 0 0 0 0 0 0 0
check "a finished thread cannot be picked, and says so" manual \
    "T0 has finished"
keys manual 1 1 1 1 1 1 1 1
check "the chosen interleaving loses exactly one update" manual \
    "[!!] final value: counter = 5, expected 6"

start blocked 100 30 "$RACELAB tui locked-counter --sched manual"
check "locked counter opens" blocked "STATE"
keys blocked 0 0 1 1 1
check "a blocked thread cannot be picked and says why" blocked \
    "T1 is blocked on L (held by T0)"
check "the state panel shows the waiter" blocked "# waiting: T1"

# ---- deadlock -------------------------------------------------------------------

start dead 100 30 "$RACELAB tui rlock-nesting --variant lock"
check "rlock-nesting lock opens" dead "lock (expected to fail)"
keys dead e
check "the deadlock verdict" dead "== DEADLOCK: no thread can run"
check "the deadlock cycle is drawn" dead "wait-for cycle: T0 -> T0"
check "who holds what" dead "T0 holds L, waits for L (held by T0)"

# ---- exploring for a failing schedule ------------------------------------

start explore 100 30 "$RACELAB tui locked-counter --variant early-release"
check "early-release opens" explore "early-release (expected to fail)"
keys explore x
check "x finds a failing schedule" explore "found after" 10
check "the found schedule is loaded as a replay" explore "sim replay"
keys explore e
check "and replaying it fails the check" explore "[!!] final value: counter ="
keys explore f
check "f jumps back to the first failure" explore "lost update on counter"

# ---- resize and the minimum size ----------------------------------------------

start resize 100 30 "$RACELAB tui unsafe-counter"
check "resize: opens at 100x30" resize "STATE"
T resize-window -t resize -x 70 -y 20
if wait_for resize "| step 0 | ready" && [ "$(screen resize | wc -l)" -eq 20 ] &&
    [ "$(screen resize | awk '{ if (length > m) m = length } END { print m }')" -le 70 ]; then
    ok "resize: relayout at 70x20"
else
    bad "resize: relayout at 70x20" resize
fi
T resize-window -t resize -x 50 -y 12
check "too small: says what it needs" resize "racelab needs 60x16"
check "too small: says what it has" resize "this terminal is 50x12"
T resize-window -t resize -x 100 -y 30
check "resize back: the lab screen again" resize "STATE"
start fresh 80 24 "$RACELAB tui unsafe-counter"
keys resize e
keys fresh e
T resize-window -t resize -x 80 -y 24
if wait_for resize "finished: failed" && wait_for fresh "finished: failed" &&
    sleep 0.3 && [ "$(screen resize)" = "$(screen fresh)" ]; then
    ok "after a resize the screen is exactly a fresh one (no stray characters)"
else
    bad "after a resize the screen is exactly a fresh one (no stray characters)" resize
    screen fresh
fi

# ---- TERM=dumb and NO_COLOR ------------------------------------------------------

start dumb 80 24 "TERM=dumb $RACELAB tui unsafe-counter"
check "TERM=dumb starts" dumb "STATE"
keys dumb n n
if wait_for dumb "| step 2 |" && ! screen dumb | grep -q $'\033\|\[?[0-9]\|\^\['; then
    ok "TERM=dumb: a clean screen (no stray escapes)"
else
    bad "TERM=dumb: a clean screen (no stray escapes)" dumb
fi

start nocolor 80 24 "NO_COLOR=1 $RACELAB tui unsafe-counter"
check "NO_COLOR starts" nocolor "STATE"
if T capture-pane -e -p -t nocolor | grep -q $'\033\[[0-9;]*3[0-7][;m]'; then
    bad "NO_COLOR: no colours on screen" nocolor
else
    ok "NO_COLOR: no colours on screen"
fi
start colour 80 24 "$RACELAB tui unsafe-counter"
if wait_for colour "STATE" &&
    T capture-pane -e -p -t colour | grep -q $'\033\[[0-9;]*3[0-7][;m]'; then
    ok "colours by default"
else
    bad "colours by default" colour
fi

# Projector: a colour per thread, a high-contrast theme, monochrome intact.
start proj 80 24 "$RACELAB tui locked-counter --sched manual"
check "projector: opens" proj "STATE"
keys proj 0 0 1 1 1
check "projector: a waiter" proj "# waiting: T1"
if T capture-pane -e -p -t proj | grep -q $'\033\[[0-9;]*36mT0' &&
    T capture-pane -e -p -t proj | grep -q $'\033\[[0-9;]*35mT1'; then
    ok "a distinct colour per thread (T0 cyan, T1 magenta)"
else
    bad "a distinct colour per thread (T0 cyan, T1 magenta)" proj
fi
keys proj c
check "c: the high-contrast theme" proj "high-contrast theme: on (c switches)"
if T capture-pane -e -p -t proj | grep -q $'\033\[[0-9;]*40m'; then
    ok "high contrast: on a black background"
else
    bad "high contrast: on a black background" proj
fi
start projmono 80 24 "NO_COLOR=1 RACELAB_THEME=contrast $RACELAB tui locked-counter --sched manual"
check "NO_COLOR + contrast: opens" projmono "STATE"
keys projmono 0 0 1 1 1
check "NO_COLOR + contrast: the waiter is there" projmono "# waiting: T1"
if T capture-pane -e -p -t projmono | grep -q $'\033\[[0-9;]*3[0-7][;m]'; then
    bad "NO_COLOR + contrast: no colours" projmono
else
    ok "NO_COLOR + contrast: no colours"
fi

# Predict, then reveal: the run stops before each choice and asks.
start pred 80 24 "$RACELAB tui unsafe-counter"
check "predict: opens" pred "STATE"
keys pred a
check "a: predict the next thread" pred "Predict the next thread: the run stops before each choice"
keys pred n
check "the run stops before a choice and asks" pred \
    "Predict: which thread runs step 1? (can run: T0 T1) 0-9, Esc skips"
keys pred 0
check "a right answer is revealed and scored" pred "Right: T0 ran step 1 (1 of 1 right)"
keys pred n 0
check "a wrong one too" pred \
    "Not this time: T1 ran step 2, you said T0 (1 of 2 right)"
keys pred a
check "a again: predict the final value" pred "Predict: counter at the end? type it, Enter (Esc skips): _"
keys pred 6 Enter
check "the guess is taken" pred "You said 6: e runs to the end and reveals it"
keys pred e
check "revealed at the end, the score kept for the session" pred \
    "Not this time: counter = 3, you said 6 (1 of 3 right)"
keys pred a
check "a again: off, with the session's score" pred "predicting off: 1 of 3 right this session"

# Side by side: the broken and the fixed variant, stepping together.
start twin 80 24 "$RACELAB tui atomic-counter --variant load-store"
check "side by side: opens" twin "STATE"
keys twin '|'
check "| puts the counterpart beside the run" twin \
    "side by side: load-store and fetch-add under the same scheduler"
check "both panes, each with its variant" twin \
    " load-store (expected to fail)         | fetch-add (expected to pass)"
keys twin n n n
check "they step together, and the first difference is marked in both" twin \
    "  3> % counter->0                      |  3> % counter+=1"
check "and explained" twin "     ^ the first step where the two    |     ^ the first step where the two"
keys twin e
check "e: the broken one fails" twin "== FAILED: 1 of 4 checks (expected) ===|"
check "e: the fixed one passes" twin "|== PASSED: every check holds ==========="
keys twin m
check "m opens both result areas" twin \
    " [lost] lost update on counter: T1     | [ok] final value: counter = 6,"
keys twin m
keys twin '|'
check "| again: one pane" twin "one pane again"
start twin1 80 24 "$RACELAB tui unsafe-counter"
check "side by side without a counterpart: opens" twin1 "STATE"
keys twin1 '|'
check "a lab with one variant says so" twin1 \
    "unsafe-counter has no other kind of variant to compare with"

# ---- quitting restores the terminal -------------------------------------------

start quit 80 24 "$RACELAB tui unsafe-counter"
check "quit: the TUI is up" quit "STATE"
keys quit q
check "q quits with status 0" quit "EXITED:0"
if screen quit | grep -qF "STATE"; then
    bad "q restores the terminal (the screen is gone)" quit
else
    ok "q restores the terminal (the screen is gone)"
fi

# start_tty NAME COMMAND: like start, but the terminal's modes are saved
# before (NAME.before) and after (NAME.after) the command, and its pid goes
# to NAME.pid (COMMAND is exec'ed by a shell that writes it). The pane's
# shell survives a Ctrl-C (trap) to report the status.
start_tty() {
    local name=$1
    shift
    T new-session -d -s "$name" -x 80 -y 24 \
        "trap : INT; cd '$WORK' && stty -g > $name.before; sh -c 'echo \$\$ > $name.pid; exec $*'; echo EXITED:\$?; stty -g > $name.after; sleep 600"
}

# restored DESC NAME: the terminal after the TUI is as before it: the same
# modes (echo, canonical input), the cursor shown, the alternate screen
# left (the lab screen is gone).
restored() {
    local i=0
    while [ ! -s "$WORK/$2.after" ] && [ $i -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    if ! cmp -s "$WORK/$2.before" "$WORK/$2.after"; then
        bad "$1: the terminal modes are restored (stty)" "$2"
    elif [ "$(T display -p -t "$2" '#{alternate_on} #{cursor_flag}')" != "0 1" ]; then
        bad "$1: the alternate screen is left and the cursor shown" "$2"
    elif screen "$2" | grep -qF "STATE"; then
        bad "$1: the lab screen is gone" "$2"
    else
        ok "$1 restores the terminal"
    fi
}

# signal_quits NAME SIG STATUS: the TUI ended by SIG exits with STATUS
# (128 + the signal's number) and gives the terminal back.
signal_quits() {
    start_tty "$1" "$RACELAB tui unsafe-counter"
    check "$2: the TUI is up" "$1" "STATE"
    kill -"$2" "$(cat "$WORK/$1.pid")"
    check "$2 ends the TUI with status $3" "$1" "EXITED:$3"
    restored "$2" "$1"
}

start_tty ctrlc "$RACELAB tui unsafe-counter"
check "Ctrl-C: the TUI is up" ctrlc "STATE"
keys ctrlc C-c
check "Ctrl-C ends the TUI with status 130 (SIGINT)" ctrlc "EXITED:130"
restored "Ctrl-C" ctrlc

signal_quits term TERM 143
signal_quits hup HUP 129
signal_quits sigquit QUIT 131
signal_quits crash SEGV 139
signal_quits abort ABRT 134

# ---- the menu and help ----------------------------------------------------------

start menu 100 30 "$RACELAB"
check "the menu lists the labs" menu "Unsafe counter"
check "the menu explains the selected lab" menu "Variants"
keys menu Enter
check "Enter opens the selected lab" menu "STATE"
keys menu '?'
check "? shows the help" menu "step back"
keys menu x
check "any key leaves the help" menu "STATE"
keys menu q
check "q goes back to the menu" menu "Enter opens the selected lab"
keys menu q
check "q on the menu quits" menu "EXITED:0"

# At 80x24 the help does not fit: it scrolls to show how to read the screen.
start help80 80 24 "$RACELAB tui unsafe-counter"
check "the lab opens at 80x24" help80 "STATE"
keys help80 '?'
check "the help says it scrolls" help80 "Up/Down PgUp/PgDn scroll"
keys help80 NPage NPage NPage
check "PgDn shows the last notes" help80 "Result: each check against what was expected"
keys help80 q
check "a key leaves the scrolled help" help80 "STATE"

# ---- replay opens the TUI at that run -----------------------------------------

start replay 100 30 "$RACELAB replay rl1:unsafe-counter:unsafe:threads=2,iters=3:0.1.0.1.0.1.0.1.0.1.0.1.0"
check "replay opens the TUI" replay "sim replay"
check "a failing replay opens at its failure" replay \
    "replay, at its failure: step 6: lost update on counter"
check "the run is shown up to there" replay "| step 6 | paused"
keys replay "'"
check "' goes to the start of the replay" replay "| step 0 | ready"
keys replay e
check "the replayed run ends the same way" replay \
    "counter = 3, expected 6: 3 updates lost"
keys replay q
check "replaying a failing run exits with its status (1)" replay "EXITED:1"

# A trace saved mid-run ('w' at step 5): replayed to there, then round
# robin goes on under the user's steps, never "DIVERGED".
cp tests/fixtures/traces/saved_mid_run.txt "$WORK/partial.txt"
start partial 80 24 "$RACELAB replay partial.txt"
check "a trace saved mid-run says so" partial \
    "a trace saved at step 5, before its run ended: n steps it, then round"
keys partial n n n n n n n
check "stepping past where it was saved goes on" partial "| step 7 | paused"
keys partial e
check "and runs to the run's end" partial "3 updates lost"
if screen partial | grep -qF "DIVERGED"; then
    bad "a trace saved mid-run never diverges" partial
else
    ok "a trace saved mid-run never diverges"
fi
keys partial q
check "quitting a mid-run trace's replay exits 0" partial "EXITED:0"

# ---- os backend, live -----------------------------------------------------------

start os 100 30 "$RACELAB tui unsafe-counter --backend os --iters 200000"
check "os backend opens" os "space starts the threads"
keys os Space
# (a fast machine may finish before the screen is read: the verdict then
# shows that the threads started)
if wait_for os "threads started" 5 || screen os | grep -qF "expected 400000"; then
    ok "os: threads started"
else
    bad "os: threads started (no 'threads started')" os
fi
check "os: real threads run to a verdict" os "expected 400000" 30
if wait_gone os "threads started"; then
    ok "os: no leftover message once the run has ended"
else
    bad "os: no leftover message once the run has ended" os
fi
keys os R
check "os: repeat draws the chart" os "final value of counter" 10
check "os: repeat finishes 100 runs" os "repeat: 100 of 100 runs" 60
check "os: min / median / max" os "median"

# ---- exercises built apart ------------------------------------------------------

# The student's counter is compiled apart and runs in a child process; the
# TUI shows it like any lab.
start stud 100 30 "$RACELAB tui counter --variant student"
check "the student's exercise opens on the lab screen" stud "STATE" 20
keys stud e
check "the student's exercise runs to the end in its child" stud \
    "schedule: rl1:counter:student:threads=2,iters=3:" 10

# A syntax error in that exercise: the TUI stays up on the menu and shows
# the compiler's message with file:line.
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$WORK/home/core"
cp "$src/core/racelab.h" "$WORK/home/core/"
cp -r "$src/exercises" "$WORK/home/"
printf 'int broken = ;\n' >>"$WORK/home/exercises/counter.c"
start broken 120 30 "RACELAB_HOME='$WORK/home' $RACELAB tui counter --variant student"
check "a broken exercise: the compiler's message in the TUI" broken \
    ": error: expected expression" 20
check "a broken exercise: the message has file:line" broken \
    "home/exercises/counter.c:"
check "a broken exercise: the menu stays up" broken "Enter opens the selected lab"

# os runs that deadlock and are restarted give their threads back: the
# stuck threads are cancelled, so the process is back to its one thread.
start restarts 100 30 "sh -c 'echo \$\$ > restarts.pid; exec $RACELAB tui rlock-nesting --variant lock --backend os --threads 4'"
check "os deadlock lab opens" restarts "space starts the threads"
for i in 1 2 3 4 5 6; do
    keys restarts Space
    wait_for restarts "deadlocked" 10 || break
    keys restarts r
    wait_for restarts "space starts the threads" 5 || break
done
keys restarts Space
check "os: the seventh run deadlocks too" restarts "deadlocked" 10
threads=0
for i in $(seq 100); do
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$(cat "$WORK/restarts.pid")/status" 2>/dev/null)
    [ "$threads" = 1 ] && break
    sleep 0.05
done
if [ "$threads" = 1 ]; then
    ok "os: 7 deadlocked runs leave no thread behind"
else
    bad "os: 7 deadlocked runs leave no thread behind ($threads threads)" restarts
fi

# ---- the compiler's warnings of a student's build ------------------------------

# One line in place of the key hint, on opening and on coming back to the
# student variant (v); the whole text on the terminal once the TUI ends.
mkdir -p "$WORK/warned"
sed 's/^long counter_get(struct counter \*c)$/&\n{\n    int unused;/; T; n; d' \
    "$src/solutions/counter.c" >"$WORK/warned/counter.c"
WL=$(grep -n '^    int unused;$' "$WORK/warned/counter.c" | cut -d: -f1)
start warn 80 24 "$RACELAB tui counter --variant student --submission warned"
check "tui: the warning in the message line" warn \
    " 1 compiler warning (listed when racelab ends): warned/counter.c:$WL:" 60
keys warn v
check "v: the reference, no warning" warn " next variant: variant reference, sim, rr:1"
keys warn v
check "v again: the student's build, its warning again" warn \
    " 1 compiler warning: warned/counter.c:$WL:" 30
keys warn q
check "q: the warnings printed on the terminal given back" warn \
    "warned/counter.c: In function"
check "and its exit status" warn "EXITED:0"

# ---- no terminal ----------------------------------------------------------------

err=$("$RACELAB" tui unsafe-counter </dev/null 2>&1 >/dev/null)
status=$?
if [ $status -eq 2 ] && printf '%s' "$err" | grep -q "needs a terminal"; then
    ok "without a terminal: exit 2 and a one-line error"
else
    bad "without a terminal: exit 2 and a one-line error (status $status: $err)"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
