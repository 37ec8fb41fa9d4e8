#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/submission.sh - end-to-end tests of staff replaying a student's
# failure: `racelab grade` of a buggy submission (a folder whose name needs
# shell quoting), the replay command taken from the report (text, JSON,
# TAP, JUnit, Gradescope, and a roster's report) and run for real from
# another directory: it must show the same failed check and message with
# exit 1, although racelab's own exercises/counter.c is something else. A
# staff tree whose exercises/counter.c is the solution (RACELAB_HOME) shows
# that the submission, not exercises/, is what runs. Then `racelab run`,
# `explore` and `tui` with --submission, and the one-line errors: a missing
# file, a compile error, the wrong variant, a file of another exercise.
# Prints one line per check and "N passed, M failed".
#
#   RACELAB=/abs/path/racelab bash tests/e2e/submission.sh   (from the source
#   directory)

set -u

RACELAB=${RACELAB:-$(pwd)/racelab}
SRC=$(pwd)
WORK=$(mktemp -d /tmp/racelab-e2e-submission.XXXXXX)
PASS=0
FAIL=0

cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

if [ ! -x "$RACELAB" ]; then
    echo "e2e/submission: no racelab binary at $RACELAB"
    exit 1
fi

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1"; [ $# -gt 1 ] && echo "     $2"; }

# expect_status NAME WANT GOT
expect_status() {
    if [ "$3" -eq "$2" ]; then ok "$1 (exit $3)"; else bad "$1" "exit $3, expected $2"; fi
}

# expect_in NAME FILE TEXT: FILE contains TEXT (fixed string)
expect_in() {
    if grep -qF -- "$3" "$2"; then ok "$1"; else bad "$1" "no '$3' in $2: $(head -c 600 "$2")"; fi
}

# expect_not_in NAME FILE TEXT: FILE does not contain TEXT
expect_not_in() {
    if grep -qF -- "$3" "$2"; then bad "$1" "'$3' in $2"; else ok "$1"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got '$2', expected '$3'"; fi
}

# run OUT COMMAND...: run with a hard time limit, status in $ST
run() {
    local out=$1
    shift
    timeout 300 "$@" </dev/null >"$out" 2>&1
    ST=$?
}


# replay_cmd OUT DIR COMMAND: run the printed replay COMMAND (a shell line)
# in DIR, printed as text, status in $ST
replay_cmd() {
    local out=$1 dir=$2 cmd=$3
    (cd "$dir" && eval "timeout 120 $cmd --no-tui") </dev/null >"$out" 2>&1
    ST=$?
}
# timeout runs a program, not the function: point it at the binary.
replay_line() { printf '%s' "$1" | sed "s|^racelab |\"\$RACELAB\" |"; }

STU="it's a sub"
MSG="final value: counter = 3, expected 6: 3 updates lost"
SCHED="rl1:counter:student:threads=2,iters=3:0x2.1x7.2x2"
mkdir -p "$WORK/grading/$STU" "$WORK/elsewhere"
cp tests/fixtures/buggy/counter_no_lock.c "$WORK/grading/$STU/counter.c"

# The staff's own exercise is the skeleton when the tree is as shipped.
if git -C "$SRC" diff --quiet HEAD -- exercises/counter.c 2>/dev/null; then
    ok "exercises/counter.c is the untouched skeleton"
else
    echo "skip exercises/counter.c is edited in this tree"
fi

# ---- grade, then replay from the text report ---------------------------------

(cd "$WORK/grading" && timeout 300 "$RACELAB" grade counter --submission "$STU" \
    --no-stress --budget 5) </dev/null >"$WORK/text" 2>&1
expect_status "grade a buggy submission" 1 $?
expect_in "text: the failure" "$WORK/text" "        $MSG"
want="racelab replay --submission 'it'\\''s a sub' --schedule '$SCHED'"
cmd=$(sed -n 's/^ *replay: *//p' "$WORK/text" | head -1)
expect_eq "text: the replay command names the submission, quoted" "$cmd" "$want"
replay_cmd "$WORK/r1" "$WORK/grading" "$(replay_line "$cmd")"
expect_status "the text report's replay command fails" 1 "$ST"
expect_in "it shows the same check and message" "$WORK/r1" "  FAIL  $MSG"
expect_in "it names the submission in its own replay line" "$WORK/r1" \
    "--submission 'it'\\''s a sub'"

# The hidden scenario too.
cmd=$(sed -n 's/^ *replay: *//p' "$WORK/text" | sed -n 2p)
expect_in "text: a hidden scenario's replay" "$WORK/text" \
    "racelab replay --submission 'it'\\''s a sub' --schedule 'rl1:counter.three-threads:"
replay_cmd "$WORK/r2" "$WORK/grading" "$(replay_line "$cmd")"
expect_status "a hidden scenario's replay fails" 1 "$ST"
expect_in "a hidden scenario: same message" "$WORK/r2" \
    "  FAIL  final value: counter = 2, expected 6: 4 updates lost"

# A staff tree whose exercises/counter.c is the solution: without
# --submission the schedule does not even fit; with it, the student's
# failure is back.
H="$WORK/staff"
mkdir -p "$H/core" "$H/exercises/impl"
cp core/*.h "$H/core/"
cp exercises/*.h "$H/exercises/"
cp exercises/impl/*.c "$H/exercises/impl/"
cp solutions/counter.c "$H/exercises/counter.c"
(cd "$WORK/grading" && RACELAB_HOME=$H timeout 120 "$RACELAB" replay --no-tui -q \
    --schedule "$SCHED") </dev/null >"$WORK/r3" 2>&1
expect_status "staff tree with the solution: the schedule does not fit it" 2 $?
(cd "$WORK/grading" && RACELAB_HOME=$H timeout 120 "$RACELAB" replay --no-tui -q \
    --submission "$STU" --schedule "$SCHED") </dev/null >"$WORK/r4" 2>&1
expect_status "staff tree with the solution: --submission replays the student's failure" 1 $?
expect_in "the student's message" "$WORK/r4" "  FAIL  $MSG"

# ---- the other formats --------------------------------------------------------

for fmt in json gradescope tap junit; do
    (cd "$WORK/grading" && timeout 300 "$RACELAB" grade counter --submission "$STU" \
        --no-stress --budget 5 --format $fmt) </dev/null >"$WORK/$fmt" 2>&1
    expect_in "$fmt: the replay command names the submission" "$WORK/$fmt" "--submission"
done
cmd=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(next(c["replay"] for e in r["exercises"] for c in e["checks"] if c.get("replay")))
' "$WORK/json" 2>&1)
expect_eq "json: the replay command" "$cmd" "$want"
replay_cmd "$WORK/r5" "$WORK/grading" "$(replay_line "$cmd")"
expect_status "the JSON report's replay command fails" 1 "$ST"
expect_in "json replay: same message" "$WORK/r5" "  FAIL  $MSG"
cmd=$(sed -n 's/^  replay: "\(.*\)"$/\1/p' "$WORK/tap" | head -1 | sed 's/\\\\/\\/g')
expect_eq "tap: the replay command (YAML-quoted)" "$cmd" "$want"
cmd=$(python3 -c '
import sys, xml.etree.ElementTree as ET
for f in ET.parse(sys.argv[1]).iter("failure"):
    for line in (f.text or "").splitlines():
        if line.startswith("replay:"):
            print(line.split(None, 1)[1]); sys.exit(0)
' "$WORK/junit" 2>&1)
expect_eq "junit: the replay command" "$cmd" "$want"
cmd=$(python3 -c '
import json, sys
for t in json.load(open(sys.argv[1]))["tests"]:
    for line in t.get("output", "").splitlines():
        if line.startswith("replay:"):
            print(line.split(None, 1)[1]); sys.exit(0)
' "$WORK/gradescope" 2>&1)
expect_eq "gradescope: the replay command" "$cmd" "$want"

# ---- a roster ----------------------------------------------------------------

mkdir -p "$WORK/roster/o'brien x" "$WORK/roster/good"
cp tests/fixtures/buggy/counter_no_lock.c "$WORK/roster/o'brien x/counter.c"
cp solutions/counter.c "$WORK/roster/good/counter.c"
run "$WORK/ro" "$RACELAB" grade counter --roster "$WORK/roster" --output "$WORK/out" \
    --no-stress --budget 5
expect_status "a roster with a failing student" 1 "$ST"
cmd=$(sed -n 's/^ *replay: *//p' "$WORK/out/o'brien x.txt" | head -1)
expect_eq "roster: the replay command names the student's folder" "$cmd" \
    "racelab replay --submission '$WORK/roster/o'\\''brien x' --schedule '$SCHED'"
replay_cmd "$WORK/r6" "$WORK/elsewhere" "$(replay_line "$cmd")"
expect_status "the roster report's replay command fails" 1 "$ST"
expect_in "roster replay: same message" "$WORK/r6" "  FAIL  $MSG"
expect_not_in "the correct student has no replay" "$WORK/out/good.txt" "replay:"

# ---- run, explore, tui with --submission -------------------------------------

run "$WORK/run1" "$RACELAB" run counter --variant student --submission "$WORK/grading/$STU" -q
expect_status "run --submission DIR" 1 "$ST"
expect_in "run: the submission's failure" "$WORK/run1" "  FAIL  $MSG"
run "$WORK/run2" "$RACELAB" run counter.three-threads --submission "$WORK/grading/$STU/counter.c" -q
expect_status "run a hidden scenario --submission FILE" 1 "$ST"
run "$WORK/run3" "$RACELAB" run counter --submission "$WORK/roster/good" -q
expect_status "run --submission of a correct one" 0 "$ST"
run "$WORK/ex" "$RACELAB" explore counter --submission "$WORK/grading/$STU"
expect_status "explore --submission" 1 "$ST"
expect_in "explore: its replay line names the submission" "$WORK/ex" \
    "replay:   racelab replay --schedule '$SCHED' --submission '$WORK/grading/it'\\''s a sub'"

# ---- one-line errors, exit 2 ---------------------------------------------------

# expect_error NAME WANT COMMAND...: exit 2, stderr is one line WANT
expect_error() {
    local name=$1 want=$2
    shift 2
    timeout 120 "$@" </dev/null >"$WORK/eo" 2>"$WORK/ee"
    local st=$?
    expect_status "$name" 2 "$st"
    expect_eq "$name: one line" "$(cat "$WORK/ee")" "$want"
    expect_eq "$name: nothing on stdout" "$(cat "$WORK/eo")" ""
}

mkdir -p "$WORK/broken" "$WORK/empty"
printf '#include "counter.h"\nint x = ;\n' >"$WORK/broken/counter.c"
out=$(LC_ALL=C cc -fsyntax-only -x c - <<<'int x = ;' 2>&1 | sed -n 's/^<stdin>:1:9: //p')
expect_error "a compile error" "racelab: $WORK/broken/counter.c:2:9: $out" \
    env LC_ALL=C "$RACELAB" replay --submission "$WORK/broken" --schedule "$SCHED"
expect_error "a compile error (run)" "racelab: $WORK/broken/counter.c:2:9: $out" \
    env LC_ALL=C "$RACELAB" run counter --submission "$WORK/broken/counter.c"
expect_error "a missing folder" \
    "racelab: --submission $WORK/nope: No such file or directory" \
    "$RACELAB" replay --submission "$WORK/nope" --schedule "$SCHED"
expect_error "a folder without the exercise" \
    "racelab: --submission $WORK/empty: the submission has no counter.c" \
    "$RACELAB" run counter --submission "$WORK/empty"
expect_error "a lab that is not an exercise" \
    "racelab: --submission applies to the student variant of an exercise, not unsafe-counter/unsafe" \
    "$RACELAB" run unsafe-counter --submission "$WORK/grading/$STU"
expect_error "the reference variant" \
    "racelab: --submission applies to the student variant of an exercise, not counter/reference" \
    "$RACELAB" run counter --variant reference --submission "$WORK/grading/$STU"
cp "$WORK/broken/counter.c" "$WORK/broken/rlock.c"
expect_error "another exercise's file" \
    "racelab: --submission $WORK/broken/rlock.c is the rlock exercise, not counter (give its folder, or counter.c)" \
    "$RACELAB" run counter --submission "$WORK/broken/rlock.c"
expect_error "tui --submission without a LAB" \
    "racelab: --submission needs a LAB: racelab tui LAB --submission ..." \
    "$RACELAB" tui --submission "$WORK/grading/$STU"
expect_error "tui LAB --submission with a compile error" \
    "racelab: $WORK/broken/counter.c:2:9: $out" \
    env LC_ALL=C "$RACELAB" tui counter --submission "$WORK/broken"

# ---- only the student API is global in the exercise library -----------------
# librlex.a's defined global symbols are exactly the functions of
# core/racelab.h and main: everything else of the engine is local to it.
LIBDIR=$(dirname "$RACELAB")
[ -f "$LIBDIR/librlex.a" ] || LIBDIR=$LIBDIR/build
{ grep -oE '\<rl_[a-z_]+\(' "$SRC/core/racelab.h" | tr -d '('; echo main; } |
    sort -u >"$WORK/api.txt"
nm -g --defined-only "$LIBDIR/librlex.a" | awk 'NF == 3 { print $3 }' |
    sort -u >"$WORK/globals.txt"
if cmp -s "$WORK/api.txt" "$WORK/globals.txt"; then
    ok "librlex.a: the student API and main are its only globals"
else
    bad "librlex.a: globals differ from the student API" \
        "$(diff "$WORK/api.txt" "$WORK/globals.txt" | head -5 | tr '\n' ' ')"
fi

# The plain-C runtime likewise: only what a program's link calls, the
# linker's __wrap_ functions and the compiler's __tsan_ hooks.
others=$(nm -g --defined-only "$LIBDIR/librlprt.a" | awk 'NF == 3 { print $3 }' |
    grep -v '^__wrap_' | grep -v '^__tsan_' | head -3 | tr '\n' ' ')
nm -g --defined-only "$LIBDIR/librlprt.a" | awk '$3 ~ /^__wrap_/ { print $3 }' |
    sort >"$WORK/wraps.txt"
grep '^__wrap_' "$LIBDIR/exports/librlprt.keep" | sort >"$WORK/wraps-want.txt"
if [ -z "$others" ] && cmp -s "$WORK/wraps.txt" "$WORK/wraps-want.txt"; then
    ok "librlprt.a: only the __wrap_ functions of PLAINC_WRAPS and __tsan_ hooks"
else
    bad "librlprt.a: other globals" "$others $(diff "$WORK/wraps.txt" "$WORK/wraps-want.txt" | head -3 | tr '\n' ' ')"
fi

# A submission calling the engine: the one line racelab prints is the
# linker's "undefined reference", not collect2's "ld returned 1".
cp tests/fixtures/submissions/call_engine/counter.c "$WORK/engine.c"
run "$WORK/engine.out" "$RACELAB" run counter --submission "$WORK/engine.c"
expect_status "run: a submission calling rl_check does not build" 2 "$ST"
expect_in "run: the linker's undefined reference is the message" "$WORK/engine.out" \
    "engine.c:36: undefined reference to \`rl_current'"
expect_not_in "run: not collect2's line" "$WORK/engine.out" "collect2"

# A file compiled for racelab run is a copy in a folder of its own: a
# relative #include reaches nothing beside it ("../solutions/counter.c"
# exists next to this one), and the messages name the file as given.
mkdir -p "$WORK/t/solutions" "$WORK/t/sub"
cp solutions/counter.c "$WORK/t/solutions/counter.c"
cp tests/fixtures/submissions/include_solution/counter.c "$WORK/t/sub/counter.c"
run "$WORK/incl.out" "$RACELAB" run counter --submission "$WORK/t/sub/counter.c"
expect_status "run: #include of ../solutions beside the file does not build" 2 "$ST"
expect_in "run: the message names the file as given" "$WORK/incl.out" \
    "racelab: $WORK/t/sub/counter.c:7:10: fatal error: ../solutions/counter.c: No such file"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
