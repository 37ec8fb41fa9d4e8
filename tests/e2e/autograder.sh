#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/autograder.sh - the Gradescope autograder end to end: pack it for
# one assignment (`make autograder EXERCISES=...`), unpack it into a fake
# /autograder tree (AUTOGRADER_ROOT), build racelab there from the unpacked
# sources alone (what setup.sh does, without apt-get), and run
# run_autograder on submissions: the references score full marks, the
# skeletons their builds points, only the assignment's exercises are graded,
# and the choice made in the zip's racelab-autograder.conf is the one used.
# Prints one line per check and "N passed, M failed".
#
#   bash tests/e2e/autograder.sh      (from the source directory)

set -u

WORK=$(mktemp -d /tmp/racelab-e2e-autograder.XXXXXX)
PASS=0
FAIL=0

cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1"; [ $# -gt 1 ] && echo "     $2"; }

# score FILE: "score max tests" of a results.json (the sum of its tests)
score() {
    python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r["tests"]
print(sum(x["score"] for x in t), sum(x["max_score"] for x in t), len(t),
      " ".join(sorted({x["tags"][0] for x in t})))
PY
}

# expect_score NAME FILE WANT: score FILE prints WANT
expect_score() {
    local got
    got=$(score "$2" 2>&1)
    if [ "$got" = "$3" ]; then ok "$1 ($got)"; else bad "$1" "got '$got', expected '$3'"; fi
}

# ---- pack ---------------------------------------------------------------------

ZIP=$WORK/autograder.zip
if make --no-print-directory autograder EXERCISES="counter rlock" \
    AUTOGRADER_ZIP="$ZIP" >"$WORK/make.out" 2>&1; then
    ok "make autograder EXERCISES=\"counter rlock\""
else
    bad "make autograder" "$(cat "$WORK/make.out")"
fi
if make --no-print-directory autograder EXERCISES="counter nosuch" \
    AUTOGRADER_ZIP="$WORK/bad.zip" >"$WORK/bad.out" 2>&1; then
    bad "an unknown exercise is refused"
else
    if grep -qF "unknown exercise 'nosuch' in EXERCISES" "$WORK/bad.out"; then
        ok "an unknown exercise is refused, with the list"
    else
        bad "an unknown exercise is refused" "$(cat "$WORK/bad.out")"
    fi
fi

# ---- unpack into a fake /autograder and build there --------------------------------

ROOT=$WORK/autograder
mkdir -p "$ROOT/source" "$ROOT/submission"
unzip -q "$ZIP" -d "$ROOT/source"
for f in setup.sh run_autograder racelab-autograder.conf Makefile; do
    if [ -f "$ROOT/source/$f" ]; then ok "the zip has $f at its top"; else bad "the zip has $f at its top"; fi
done
if [ -x "$ROOT/source/run_autograder" ]; then ok "run_autograder is executable"; else bad "run_autograder is executable"; fi
if grep -qx 'EXERCISES="counter rlock"' "$ROOT/source/racelab-autograder.conf"; then
    ok "the assignment is written in the zip"
else
    bad "the assignment is written in the zip" "$(cat "$ROOT/source/racelab-autograder.conf")"
fi
# setup.sh without apt-get: build racelab from the unpacked sources alone.
# A plain build, as Gradescope's setup.sh makes it: nothing of the make
# that runs this test (e.g. SANITIZE=1, which make passes down).
if (cd "$ROOT/source" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE \
        make -j2 racelab SANITIZE= BUILD=build) >"$WORK/build.out" 2>&1; then
    ok "racelab builds from the unpacked sources"
else
    bad "racelab builds from the unpacked sources" "$(tail -20 "$WORK/build.out")"
fi
# Gradescope copies run_autograder to /autograder and runs it from there.
cp "$ROOT/source/run_autograder" "$ROOT/run_autograder"

# run_grader NAME: run the autograder on $ROOT/submission as Gradescope would
run_grader() {
    rm -rf "$ROOT/results"
    (cd "$ROOT" && env -u EXERCISES -u SEED -u PARTIAL_CREDIT \
        AUTOGRADER_ROOT="$ROOT" timeout 600 ./run_autograder) >"$WORK/$1.out" 2>&1
    local st=$?
    if [ "$st" -eq 0 ] && [ -s "$ROOT/results/results.json" ]; then
        ok "$1: run_autograder wrote results.json"
    else
        bad "$1: run_autograder (exit $st)" "$(tail -5 "$WORK/$1.out")"
    fi
}

# ---- the references, the skeletons ---------------------------------------------------

cp solutions/counter.c solutions/rlock.c "$ROOT/submission/"
run_grader reference
expect_score "the references score full marks, counter and rlock only" \
    "$ROOT/results/results.json" "31 31 17 counter rlock"

rm -f "$ROOT/submission"/*
git show HEAD:exercises/counter.c >"$ROOT/submission/counter.c" 2>/dev/null ||
    cp exercises/counter.c "$ROOT/submission/"
git show HEAD:exercises/rlock.c >"$ROOT/submission/rlock.c" 2>/dev/null ||
    cp exercises/rlock.c "$ROOT/submission/"
run_grader skeleton
expect_score "the skeletons score their builds points" \
    "$ROOT/results/results.json" "2 31 17 counter rlock"

# ---- the choice in the zip's file is the one used ---------------------------------

printf 'EXERCISES="counter"\nSEED=0\nPARTIAL_CREDIT=1\n' >"$ROOT/source/racelab-autograder.conf"
cp solutions/counter.c "$ROOT/submission/counter.c"
run_grader one-exercise
expect_score "EXERCISES in the conf file: counter only" \
    "$ROOT/results/results.json" "15 15 8 counter"
if grep -q "Partial credit (--partial-credit)" "$ROOT/results/results.json"; then
    ok "PARTIAL_CREDIT=1 in the conf file turns partial credit on"
else
    bad "PARTIAL_CREDIT=1 in the conf file turns partial credit on"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
