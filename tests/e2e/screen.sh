#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/screen.sh - every lab and every exercise on the classroom screen:
# 80x24, with 2, 3, 4 and 8 threads (the lab's thread-count parameter:
# threads, workers or consumers), and 60x20 (a projector's large type)
# with 3, run to the end with e. For each screen it
# asserts what must never be cut there: a verdict, every thread's lane (no
# "+N" lanes left out), lock owners and waiters whole, and, with the result
# area opened (m), the run's schedule string (the same one `racelab run`
# prints for that run) and its lost updates and races. All the sessions run
# at once on one private tmux server, so the whole file takes a few seconds.
#
#   RACELAB=/abs/path/racelab bash tests/e2e/screen.sh

set -u

. "$(dirname "$0")/lib/tmux.sh"
tmux_begin screen

# wait_re NAME REGEX [SECONDS]: poll the screen until a line matches.
wait_re() {
    local name=$1 re=$2 tries=$((${3:-10} * 20)) i=0
    while [ $i -lt $tries ]; do
        if screen "$name" | grep -qE -- "$re"; then
            return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# Each listed lab with the key of its thread-count parameter.
"$RACELAB" list | awk '
    /^[a-z_-]+ - / { lab = $1; key = ""; next }
    lab != "" && key == "" && $1 ~ /^(threads|workers|consumers)$/ {
        key = $1; print lab, key
    }' >"$WORK/labs"
if [ "$(wc -l <"$WORK/labs")" -lt 15 ]; then
    bad "racelab list names the labs and their thread counts"
    cat "$WORK/labs"
fi

# Start every screen, then send e to all of them: they run side by side.
names=()
while read -r lab key; do
    for size in 80x24:2 80x24:3 80x24:4 80x24:8 60x20:3; do
        n=${size#*:}
        w=${size%x*}
        h=${size%:*}
        h=${h#*x}
        name="${lab//_/-}-$n-$w"
        names+=("$name")
        echo "$lab $key $n $w $h" >"$WORK/$name.spec"
        T new-session -d -s "$name" -x "$w" -y "$h" \
            "$RACELAB tui $lab --set $key=$n; sleep 600"
        # what `racelab run` says of the same run, to compare with
        "$RACELAB" run "$lab" --set "$key=$n" -q >"$WORK/$name.cli" 2>/dev/null
        sed -n 's/^schedule: //p' "$WORK/$name.cli" >"$WORK/$name.schedule"
        grep -oE '(lost update|data race) on [A-Za-z0-9_.]+' "$WORK/$name.cli" |
            head -1 >"$WORK/$name.analysis"
    done
done <"$WORK/labs"
for name in "${names[@]}"; do
    wait_re "$name" "STATE" 10 && T send-keys -t "$name" e
done

verdict='^== (PASSED|FAILED|DEADLOCK|DID NOT FINISH|DIVERGED)'
# Each phase goes over every screen before the next, so that the screens
# work side by side: the ended screen, then with m (the result area open),
# then that scrolled to its end.
for name in "${names[@]}"; do
    if wait_re "$name" "$verdict" 20; then
        screen "$name" >"$WORK/$name.end"
        T send-keys -t "$name" m
    else
        screen "$name" >"$WORK/$name.end"
        echo "no verdict" >"$WORK/$name.bad"
    fi
done
for name in "${names[@]}"; do
    [ -f "$WORK/$name.bad" ] && continue
    if wait_re "$name" 'm closes' 5; then
        screen "$name" >"$WORK/$name.open"
        T send-keys -t "$name" NPage NPage NPage NPage
    else
        echo "m does not open the result area" >"$WORK/$name.bad"
    fi
done
sleep 0.3
for name in "${names[@]}"; do
    [ -f "$WORK/$name.open" ] && screen "$name" >"$WORK/$name.open2"
done

# result FILE: the lines of the result area, joined
result() {
    awk '/^== /{ on = 1; next } on && /^ [a-z0-9-]+\/[a-z0-9_-]+ \|/{ on = 0 } on' "$1" |
        sed 's/^ //' | tr -d '\n'
}

for name in "${names[@]}"; do
    read -r lab key n w h <"$WORK/$name.spec"
    what="$lab, $key=$n, ${w}x$h"
    if [ -f "$WORK/$name.bad" ]; then
        bad "$what: $(cat "$WORK/$name.bad")"
        sed 's/^/    /' "$WORK/$name.end"
        continue
    fi
    s=$(cat "$WORK/$name.end")
    head=$(printf '%s\n' "$s" | sed -n 2p)
    problems=""
    if printf '%s\n' "$head" | grep -qE '\+[0-9]+ *\|'; then
        problems="$problems; a lane left out"
    fi
    if [ "$(printf '%s\n' "$s" | awk '{ if (length > m) m = length } END { print m }')" -gt "$w" ]; then
        problems="$problems; a line wider than the screen"
    fi
    # the state panel: an owner always has its name, waiters theirs
    panel=$(printf '%s\n' "$s" | sed -n '3,$s/^.*| //p')
    if printf '%s\n' "$panel" | grep -E 'held by' |
        grep -vqE 'held by [A-Za-z][A-Za-z0-9_-]*( depth [0-9]+)? *$'; then
        problems="$problems; a lock owner cut"
    fi
    if printf '%s\n' "$panel" | grep -E '# waiting:' |
        grep -vqE '# waiting:( [A-Za-z][A-Za-z0-9_-]*)+ *$'; then
        problems="$problems; waiters cut"
    fi
    if ! printf '%s\n' "$s" | grep -qE '^ \[(!!|ok)\]|^ schedule:'; then
        problems="$problems; an empty result area"
    fi
    # m opens the result area: the schedule string is there, whole, and
    # the first lost update or race is explained
    joined="$(result "$WORK/$name.open")|$(result "$WORK/$name.open2")"
    sched=$(cat "$WORK/$name.schedule")
    if [ -n "$sched" ] && [ ${#sched} -lt 600 ] &&
        ! printf '%s' "$joined" | grep -qF -- "$sched"; then
        problems="$problems; the schedule string is not whole"
    fi
    an=$(cat "$WORK/$name.analysis")
    if [ -n "$an" ] && ! printf '%s' "$joined" | grep -qF -- "$an"; then
        problems="$problems; '$an' not explained"
    fi
    if [ -z "$problems" ]; then
        ok "$what: nothing essential cut"
    else
        bad "$what:${problems#;}"
        sed 's/^/    /' "$WORK/$name.end"
    fi
done

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
