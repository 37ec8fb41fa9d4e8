#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/wire.sh - programs that attack racelab's protocol from the
# inside, through the real binary: mid-run they write garbage (then a
# well-marked header whose length lies) into every descriptor from 3 to 20,
# or close them all (racelab's socket to its child is among them). A plain
# C program (tests/programs/wire_garbage.c, wire_close.c) under `racelab
# run` and `racelab explore`, and an exercise submission doing the same
# (tests/fixtures/wire/garbage, close) under `racelab run --submission` and
# `racelab grade --submission`: each is a failed run with a clear one-line
# reason and exit status 1, never 0 or a pass.
#
# One line per check, then "N passed, M failed"; exits non-zero on failure.

set -u

RACELAB=${RACELAB:-./racelab}
if [ ! -x "$RACELAB" ]; then
    echo "e2e/wire: no racelab binary at '$RACELAB' (set RACELAB)"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/e2e-wire.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

. "$(dirname "$0")/lib/tally.sh"
P=tests/programs
F=tests/fixtures/wire

# racelab ARGS with stdin from /dev/null and a time limit: $tmp/out,
# $tmp/err, $status.
rl() {
    timeout 300 "$RACELAB" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    status=$?
}

# expect NAME STATUS FILE 'LINE'...: the last rl exited with STATUS and
# FILE (out or err) holds each LINE exactly.
expect() {
    local name=$1 want=$2 file=$tmp/$3
    shift 3
    if [ "$status" -ne "$want" ]; then
        fail "$name" "exit $status (want $want)" \
            "stdout: $(tail -c 600 "$tmp/out")" "stderr: $(head -c 300 "$tmp/err")"
        return
    fi
    for want_line in "$@"; do
        if ! grep -qxF -- "$want_line" "$file"; then
            fail "$name" "no line: $want_line" "$file: $(tail -c 800 "$file")"
            return
        fi
    done
    pass "$name"
}

GARBAGE="the program broke racelab's protocol (a message without racelab's mark)"

# ---- a plain C program ---------------------------------------------------

rl run $P/wire_garbage.c
expect "run: garbage on the socket is a broken protocol" 1 out \
    "verdict: 1 failure" \
    "  check    -    -                  protocol: $GARBAGE in T0 after step 7; stopped"

rl explore $P/wire_garbage.c
expect "explore: garbage on the socket fails the search" 1 err \
    "racelab: $GARBAGE during exploration; stopped"

rl run $P/wire_close.c
expect "run: a closed socket is a failed run" 1 out \
    "verdict: 1 failure" \
    "  check    -    -                  no exit: the program ended (exit status 0) in T0 after step 7 without finishing the run"

rl explore $P/wire_close.c
expect "explore: a closed socket fails the search" 1 err \
    "racelab: the program ended (exit status 0) during exploration without finishing the run"

rl run $P/wire_garbage.c --format json
if [ "$status" -eq 1 ] && python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] != "pass", d["verdict"]
assert any("broke racelab's protocol" in f["message"] for f in d["failures"]), d
PY
then
    pass "run --format json: a broken protocol is no pass"
else
    fail "run --format json: a broken protocol is no pass" "exit $status" "$(head -c 600 "$tmp/out")"
fi

# ---- an exercise submission ----------------------------------------------

rl run counter --variant student --submission $F/garbage/counter.c
expect "run --submission: garbage on the socket is a broken protocol" 1 out \
    "  FAIL  protocol: $GARBAGE; stopped" \
    "result: FAIL (1 of 1 checks failed)"

rl run counter --variant student --submission $F/close/counter.c
expect "run --submission: a closed socket is a failed run" 1 out \
    "  FAIL  no exit: the program ended (exit status 0) without finishing the run" \
    "result: FAIL (1 of 1 checks failed)"

rl explore counter --submission $F/garbage
expect "explore --submission: garbage fails the search" 1 err \
    "racelab: $GARBAGE during exploration; stopped"

rl grade counter --submission $F/garbage --no-stress
expect "grade: garbage on the socket fails every check but builds" 1 out \
    "  ERROR safety: concurrent             0/4  corrupt result" \
    "        the check's result was tampered with (bytes written to a descriptor the submission does not own?)" \
    "  counter: 1/15 points"

rl grade counter --submission $F/close --no-stress
expect "grade: a closed socket fails every check but builds" 1 out \
    "  ERROR safety: concurrent             0/4  exited" \
    "  counter: 1/15 points"

rl grade counter --submission $F/garbage --no-stress --format json
if [ "$status" -eq 1 ] && python3 - "$tmp/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
text = json.dumps(d)
assert "corrupt result" in text, text[:400]
PY
then
    pass "grade --format json: corrupt, not passed"
else
    fail "grade --format json: corrupt, not passed" "exit $status" "$(head -c 600 "$tmp/out")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
