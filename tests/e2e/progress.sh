#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/progress.sh - the progress line of long commands: an os run that
# takes more than a second says on stderr how long it has been running
# (when stderr is a terminal: in tmux), erases the line when it ends, and
# writes nothing of it when stderr is a file. Roster grading uses the same
# line (tests/e2e/grade.sh grades a roster with stderr in a file, where it
# must not show).
#
#   RACELAB=/abs/path/racelab bash tests/e2e/progress.sh

set -u

. "$(dirname "$0")/lib/tmux.sh"
tmux_begin progress

wait_for() {
    local i=0
    while [ $i -lt $((${3:-10} * 20)) ]; do
        screen "$1" | grep -qF -- "$2" && return 0
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# A run stopped by its 4 s time limit (16 x 10,000,000 increments): more
# than a second, whatever the load, and the line (due from the first second,
# later when the polling thread gets little CPU beside 16 busy ones) stays
# up for seconds, not for one frame of this script's polling.
LONG="locked-counter --backend os --threads 16 --iters 10000000 --timeout 4 -q"

T new-session -d -s os -x 100 -y 10 "$RACELAB run $LONG; echo EXITED:\$?; sleep 600"
if wait_for os "racelab: locked-counter on real threads: " 10; then
    ok "an os run past a second says so on the terminal"
else
    bad "an os run past a second says so on the terminal" os
fi
if wait_for os "EXITED:" 20 && ! screen os | grep -qF "on real threads:"; then
    ok "the progress line is erased when the run ends"
else
    bad "the progress line is erased when the run ends" os
fi

"$RACELAB" run $LONG >/dev/null 2>"$WORK/err"
if [ ! -s "$WORK/err" ]; then
    ok "stderr not a terminal: no progress line"
else
    bad "stderr not a terminal: no progress line ($(head -c 200 "$WORK/err"))"
fi

T new-session -d -s quick -x 100 -y 10 "$RACELAB run unsafe-counter --backend os --iters 1000 -q; echo EXITED:\$?; sleep 600"
if wait_for quick "EXITED:" 10 && ! screen quick | grep -qF "racelab:"; then
    ok "a quick os run prints no progress"
else
    bad "a quick os run prints no progress" quick
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
