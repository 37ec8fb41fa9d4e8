#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/osview.sh - the TUI's live os view of a program built apart
# (an exercise run in a child process, core/mirror.c) stays responsive
# while the child is stalled in the middle of a message: the screen's
# poll takes what has come and keeps it, never waiting for the rest, so
# a key is answered at once; once the child goes on, the run ends with
# its records (4 threads x 1000 locked increments: four each, plus a few
# that depend on the real interleaving, such as a blocked join) and its
# verdict; check_mirror and check_wirefuzz check the records exactly. At 80x24, with the helpers of lib/tmux.sh (the real binary in
# tmux on a private socket, bounded polls, no sleep as a synchronisation).
#
# The stall is the child's test hook (core/child.c): with
# RACELAB_TEST_STALL=DIR the child sends its first RECORDS message in
# two parts, and between them creates DIR/stalled and waits until
# DIR/go exists. Only the child reads that variable.
#
#   RACELAB=/abs/path/racelab bash tests/e2e/osview.sh

set -u

. "$(dirname "$0")/lib/tmux.sh"
tmux_begin osview

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STALL=$WORK/stall
mkdir -p "$STALL"

# wait_file PATH SECONDS: poll until PATH exists.
wait_file() {
    local i=0 tries=$(($2 * 20))
    while [ $i -lt $tries ]; do
        [ -e "$1" ] && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}


# The reference solution as the submission: a run that passes.
start osv 80 24 "RACELAB_TEST_STALL='$STALL' $RACELAB tui counter" \
    "--variant student --submission '$ROOT/solutions/counter.c'" \
    "--backend os --iters 1000"
check "the os view of a program built apart opens" osv \
    "ready: space starts the threads" 60
keys osv Space
if wait_file "$STALL/stalled" 30; then
    ok "the child stops in the middle of its first message"
else
    bad "the child stops in the middle of its first message (no stalled)" osv
fi
check "the threads are running, no step shown yet" osv \
    " counter/student | os real threads | step 0 | running"
keys osv '?'
check "a key is answered while the child is stalled: help" osv \
    "racelab | help: the lab screen"
keys osv q
check "and another: back to the lab, still running" osv \
    " counter/student | os real threads | step 0 | running"
touch "$STALL/go"
# (at least 16,000 records: 4 per increment, and one more for each
# acquire that blocked, which real threads decide: 16116 was seen)
check_re "the child goes on: the records arrive, the run ends" osv \
    "^ counter/student \| os real threads \| step (1[6-9]|2[0-9])[0-9]{3} \| finished: passed" 60
check "its verdict" osv " [ok] final value: counter = 4000, as expected"
keys osv q
check "q quits, the terminal given back" osv "EXITED:0"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
