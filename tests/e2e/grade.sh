#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/grade.sh - end-to-end tests of `racelab explore` and `racelab grade`
# through the real binary: exit statuses, the reports' text, the replay
# command a report prints (run for real; a random find's --sched spec too),
# every output format validated
# (JSON with python3 -m json.tool, Gradescope's required keys, TAP's version
# line and plan, JUnit with python3's xml.etree), same seed same report, and
# a roster of misbehaving fake submissions graded student by student.
# Prints one line per check and "N passed, M failed".
#
#   RACELAB=/abs/path/racelab bash tests/e2e/grade.sh     (from the source
#   directory: the grader compiles submissions against its headers)

set -u

RACELAB=${RACELAB:-$(pwd)/racelab}
WORK=$(mktemp -d /tmp/racelab-e2e-grade.XXXXXX)
PASS=0
FAIL=0

cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

if [ ! -x "$RACELAB" ]; then
    echo "e2e/grade: no racelab binary at $RACELAB"
    exit 1
fi

ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
# Whether exercises/$1.c is as shipped (the Makefile lists the unedited
# ones in RL_PRISTINE_EXERCISES; run by hand, all are): the sections that
# grade the skeletons are for a tree where the student has not solved them.
pristine() {
    [ -z "${RL_PRISTINE_EXERCISES+set}" ] && return 0
    case " $RL_PRISTINE_EXERCISES " in *" exercises/$1.c "*) return 0 ;; esac
    return 1
}
bad() { FAIL=$((FAIL + 1)); echo "FAIL $1"; [ $# -gt 1 ] && echo "     $2"; }

# expect_status NAME WANT GOT
expect_status() {
    if [ "$3" -eq "$2" ]; then ok "$1 (exit $3)"; else bad "$1" "exit $3, expected $2"; fi
}

# expect_in NAME FILE TEXT: FILE contains TEXT (fixed string)
expect_in() {
    if grep -qF -- "$3" "$2"; then ok "$1"; else bad "$1" "no '$3' in $2: $(head -c 600 "$2")"; fi
}

# run NAME OUT COMMAND...: run with a hard time limit, status in $ST
run() {
    local out=$2
    shift 2
    timeout 300 "$@" >"$out" 2>&1
    ST=$?
}

# ---- explore -------------------------------------------------------------------

run explore "$WORK/ex1" "$RACELAB" explore unsafe-counter
expect_status "explore unsafe-counter finds a failure" 1 "$ST"
expect_in "explore names the check" "$WORK/ex1" "FAIL final value: counter = 3, expected 6: 3 updates lost"
expect_in "explore: fewest preemptions" "$WORK/ex1" "found: 1 preemption, by the systematic search"
expect_in "explore prints the replay command" "$WORK/ex1" \
    "replay:   racelab replay --schedule 'rl1:unsafe-counter:unsafe:threads=2,iters=3:0x2.1x7'"
run replay "$WORK/ex1r" "$RACELAB" replay --no-tui -q --schedule 'rl1:unsafe-counter:unsafe:threads=2,iters=3:0x2.1x7'
expect_status "the schedule explore printed replays to a failure" 1 "$ST"
expect_in "the replay fails the same check" "$WORK/ex1r" "FAIL  final value: counter = 3, expected 6"

run explore "$WORK/ex2" "$RACELAB" explore rlock-nesting --variant lock
expect_status "explore rlock-nesting --variant lock" 1 "$ST"
expect_in "rlock-nesting lock: a deadlock with 0 preemptions" "$WORK/ex2" "found: 0 preemptions"
expect_in "rlock-nesting lock: the wait-for cycle" "$WORK/ex2" "wait-for cycle: T0 -> T0"

# Found at once, counted in schedules (a wall-clock limit would fail
# under load): the first schedule, and the second (after the spin).
for v in "if-wait:after 1 schedule" "spin-holding-lock:after 2 schedules"; do
    run explore "$WORK/ex3" "$RACELAB" explore producer-consumer --variant ${v%%:*}
    expect_status "explore producer-consumer --variant ${v%%:*}" 1 "$ST"
    expect_in "producer-consumer ${v%%:*} found ${v#*:}" "$WORK/ex3" "by the systematic search, ${v#*:}"
done
expect_in "spin-holding-lock: the replay needs the step limit" "$WORK/ex3" "--max-steps 20000"

run explore "$WORK/ex4" "$RACELAB" explore locked-counter --runs 1000 --seed 3
expect_status "explore locked-counter passes" 0 "$ST"
expect_in "locked-counter: a complete bounded search says so and stops" "$WORK/ex4" \
    "all 42 schedules with up to 2 preemptions: no failure"
expect_in "locked-counter: the systematic count" "$WORK/ex4" "systematic: 42 (every schedule with at most 2 preemptions)"
run explore "$WORK/ex5" "$RACELAB" explore locked-counter --runs 1000 --seed 3
if diff <(grep -v '^time:' "$WORK/ex4") <(grep -v '^time:' "$WORK/ex5") >/dev/null; then
    ok "explore: same seed, same report"
else
    bad "explore: same seed, same report"
fi
run explore "$WORK/ex6" "$RACELAB" explore producer-consumer --max-schedules 50 --max-preemptions 3
expect_status "explore with a small schedule budget" 0 "$ST"
expect_in "a budget cut is said" "$WORK/ex6" "(bounded search not complete: schedule budget (--max-schedules))"

run explore "$WORK/ex6b" "$RACELAB" explore locked-counter --threads 4 --max-preemptions 3 --budget 0.000001
expect_status "explore stopped by the time guard is incomplete" 3 "$ST"
expect_in "the guard gives no verdict" "$WORK/ex6b" "incomplete: the time guard (--budget 1e-06 s) stopped the search"

run explore "$WORK/ex7" "$RACELAB" explore
expect_status "explore without a lab is a usage error" 2 "$ST"
run explore "$WORK/ex7" "$RACELAB" explore unsafe-counter --budget soon
expect_status "explore --budget soon is a usage error" 2 "$ST"
expect_in "the --budget error says why" "$WORK/ex7" "--budget must be a number of seconds"

# A failure only a fired timeout shows (a timeout taken for a notify), found
# by the random runs (the bounded search is cut short by the budget): the
# spec printed names the timeouts marker, and running it makes the run as
# found (before shrinking: 56 preemptions, 146 steps) again, in the child
# the submission runs in; the schedule string it prints replays to the same
# end. Without the marker the same seed fires no timeout early and passes.
TBUG=tests/fixtures/buggy/bounded_semaphore_timeout_as_notify.c
TARGS=(bounded_semaphore --submission "$TBUG" --threads 5 --iters 3)
run explore "$WORK/ex8" "$RACELAB" explore "${TARGS[@]}" --max-schedules 60 --seed 1
expect_status "explore: a timeout bug found by the random runs" 1 "$ST"
expect_in "the random find prints its spec with :timeouts" "$WORK/ex8" \
    "found: 13 preemptions, by the random search (--sched random:788529161:timeouts), after 35 schedules"
expect_in "the run as found" "$WORK/ex8" "shrunk: from 56 preemptions and 146 steps as found"
spec=$(sed -n 's/^found: .*(--sched \([^)]*\)).*/\1/p' "$WORK/ex8")
run run "$WORK/ex8r" "$RACELAB" run "${TARGS[@]}" --sched "$spec" -q
expect_status "the printed --sched spec fails" 1 "$ST"
expect_in "the spec: the same check" "$WORK/ex8r" \
    "FAIL  limit: 3 threads were inside the section at once (limit 2) (step 146)"
expect_in "the spec: the run as found" "$WORK/ex8r" \
    "end: check failed after 146 steps (107 choice points, 56 preemptions)"
expect_in "the spec in the header" "$WORK/ex8r" "scheduler random:788529161:timeouts,"
sched=$(sed -n 's/^schedule: //p' "$WORK/ex8r")
run replay "$WORK/ex8p" "$RACELAB" replay --no-tui -q --submission "$TBUG" --schedule "$sched"
expect_status "its schedule string replays to a failure" 1 "$ST"
expect_in "the replay: the same end" "$WORK/ex8p" \
    "end: check failed after 146 steps (107 choice points, 56 preemptions)"
expect_in "the replay: the same schedule string" "$WORK/ex8p" "schedule: $sched"
run run "$WORK/ex8n" "$RACELAB" run "${TARGS[@]}" --sched random:788529161 -q
expect_status "without the marker the same seed passes" 0 "$ST"
expect_in "without the marker: no timeout fired early" "$WORK/ex8n" \
    "end: finished after 281 steps (228 choice points, 103 preemptions)"
run run "$WORK/ex8b" "$RACELAB" run unsafe-counter --sched random:5:bogus
expect_status "a bad marker is a usage error" 2 "$ST"
if [ "$(cat "$WORK/ex8b")" = "racelab: bad scheduler 'random:5:bogus': unknown marker 'bogus' (the only one is 'timeouts': random:SEED:timeouts)" ]; then
    ok "a bad marker: one line naming it"
else
    bad "a bad marker: one line naming it" "$(cat "$WORK/ex8b")"
fi

# A PCT find of a spinning worker at a small step limit (--max-steps 20; a
# run's default is 1,000,000): the run, and PCT's estimate of a run's
# length (one round-robin run, 21 steps, cut at the limit), depend on it,
# so the limit is printed beside the spec, and the two make the run as
# found again. The spec alone makes another run, one that finishes.
EXG=(event-gate --variant flag-spin)
run explore "$WORK/ex9" "$RACELAB" explore "${EXG[@]}" --max-steps 20 --max-schedules 16 --seed 4
expect_status "explore: a PCT find at the step limit" 1 "$ST"
expect_in "the PCT find prints its spec with the step limit" "$WORK/ex9" \
    "found: 10 preemptions, by the pct search (--sched pct:355242121:2:timeouts --max-steps 20), after 14 schedules"
expect_in "the PCT find: its schedule" "$WORK/ex9" \
    "schedule: rl1:event-gate:flag-spin:workers=2:1x19.0"
read -r -a found9 <<<"$(sed -n 's/^found: .*(--sched \([^)]*\)).*/\1/p' "$WORK/ex9")"
run run "$WORK/ex9r" "$RACELAB" run "${EXG[@]}" --sched "${found9[@]}" -q
expect_status "the printed spec and limit: the same failure" 1 "$ST"
expect_in "the printed spec and limit: the run as found" "$WORK/ex9r" \
    "end: did not finish after 20 steps (20 choice points, 10 preemptions)"
expect_in "the printed spec and limit: the same schedule" "$WORK/ex9r" \
    "schedule: rl1:event-gate:flag-spin:workers=2:1x19.0"
run run "$WORK/ex9n" "$RACELAB" run "${EXG[@]}" --sched pct:355242121:2:timeouts -q
expect_status "the spec alone makes another run" 0 "$ST"
expect_in "the spec alone: it finishes" "$WORK/ex9n" \
    "end: finished after 35 steps (28 choice points, 11 preemptions)"

# ---- grade: marks --------------------------------------------------------------------

run grade "$WORK/g1" "$RACELAB" grade --submission solutions
expect_status "the reference solutions score full marks" 0 "$ST"
if grep -qE '^total: ([0-9]+)/\1 points$' "$WORK/g1"; then ok "solutions: total N/N"; else bad "solutions: total N/N" "$(tail -2 "$WORK/g1")"; fi
if grep -q $'\033' "$WORK/g1"; then bad "no colour when not on a terminal"; else ok "no colour when not on a terminal"; fi

# The skeletons (unindented below: the block holds here-documents).
if pristine counter; then
run grade "$WORK/g2" "$RACELAB" grade --no-stress
expect_status "the skeletons score below full" 1 "$ST"
expect_in "the skeleton's lost update is reported" "$WORK/g2" "final value: counter = 3, expected 6: 3 updates lost"
cmd=$(grep -m1 -o "racelab replay --schedule 'rl1:counter:student:[^']*'" "$WORK/g2")
if [ -n "$cmd" ]; then
    sched=${cmd#racelab replay --schedule }
    sched=${sched//\'/}
    run replay "$WORK/g2r" "$RACELAB" replay --no-tui -q --schedule "$sched"
    expect_status "the grader's replay command reproduces the failure" 1 "$ST"
    expect_in "the replay shows the lost update" "$WORK/g2r" "FAIL  final value: counter = 3, expected 6"
else
    bad "the grader prints a replay command"
fi

else
    echo "skip: exercises/counter.c was edited; its skeleton sections do not apply"
fi

run grade "$WORK/g3" "$RACELAB" grade counter --submission tests/fixtures/buggy/counter_no_lock.c --no-stress
expect_status "a buggy file named after its exercise" 1 "$ST"
expect_in "buggy counter: the check and the message" "$WORK/g3" "final value: counter = 3, expected 6: 3 updates lost"

run grade "$WORK/g4" "$RACELAB" grade nosuch
expect_status "an unknown exercise is a usage error" 2 "$ST"

# ---- grade: formats ---------------------------------------------------------------------

# The formats, on the counter and rlock skeletons (unindented below: the
# block holds here-documents).
if pristine counter && pristine rlock; then
for fmt in json gradescope tap junit; do
    run grade "$WORK/f.out" "$RACELAB" grade counter rlock --no-stress --format $fmt --output "$WORK/r.$fmt"
    expect_status "--format $fmt" 1 "$ST"
done
if python3 -m json.tool "$WORK/r.json" >/dev/null 2>&1; then ok "json parses"; else bad "json parses"; fi
if python3 - "$WORK/r.gradescope" <<'EOF' >"$WORK/gs.out" 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
assert isinstance(r["tests"], list) and r["tests"]
for t in r["tests"]:
    for k in ("name", "score", "max_score", "status", "output", "tags", "visibility"):
        assert k in t, k
    assert t["status"] in ("passed", "failed")
    assert 0 <= t["score"] <= t["max_score"]
assert "score" not in r  # Gradescope sums the tests
EOF
then ok "gradescope results.json has the required keys"; else bad "gradescope results.json" "$(cat "$WORK/gs.out")"; fi
if [ "$(head -1 "$WORK/r.tap")" = "TAP version 14" ] && sed -n 2p "$WORK/r.tap" | grep -qE '^1\.\.[0-9]+$'; then
    ok "tap: version line, then the plan"
else
    bad "tap: version line, then the plan" "$(head -3 "$WORK/r.tap")"
fi
plan=$(sed -n 2p "$WORK/r.tap" | cut -d. -f3)
count=$(grep -cE '^(not )?ok [0-9]+ ' "$WORK/r.tap")
if [ "$plan" = "$count" ]; then ok "tap: $count results for a plan of $plan"; else bad "tap: plan $plan, results $count"; fi
expect_in "tap: YAML diagnostics" "$WORK/r.tap" "  expected: "
if python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$WORK/r.junit" 2>"$WORK/x.out"; then
    ok "junit is well-formed XML"
else
    bad "junit is well-formed XML" "$(cat "$WORK/x.out")"
fi
expect_in "junit: a failure for a wrong result" "$WORK/r.junit" '<failure type="wrong result"'
expect_in "junit: an error with a type for a deadlock" "$WORK/r.junit" '<error type="deadlock"'
else
    echo "skip: exercises/counter.c or rlock.c was edited; the format sections use them"
fi

# Output that would break a report (invalid UTF-8, escapes, "]]>", closing
# tags, a character cut at the limit): every format still parses, and the
# report file appears whole (written aside, then renamed).
for fmt in json junit gradescope; do
    run grade "$WORK/bo.out" "$RACELAB" grade counter --submission tests/fixtures/submissions/bad_output \
        --no-stress --format $fmt --output "$WORK/bo.$fmt"
    expect_status "bad output, --format $fmt" 1 "$ST"
done
if python3 -c "import json, sys; [json.load(open(f, encoding='utf-8')) for f in sys.argv[1:]]" \
    "$WORK/bo.json" "$WORK/bo.gradescope" 2>"$WORK/bo.err"; then
    ok "bad output: JSON and results.json parse as UTF-8"
else
    bad "bad output: JSON and results.json parse as UTF-8" "$(cat "$WORK/bo.err")"
fi
if python3 -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$WORK/bo.junit" 2>"$WORK/bo.err"; then
    ok "bad output: JUnit is well-formed XML"
else
    bad "bad output: JUnit is well-formed XML" "$(cat "$WORK/bo.err")"
fi
if ls "$WORK"/bo.*.tmp-* >/dev/null 2>&1; then bad "no temporary report left"; else ok "no temporary report left"; fi

"$RACELAB" grade counter --no-stress --format json --seed 4 --output "$WORK/s1.json" >/dev/null 2>&1
"$RACELAB" grade counter --no-stress --format json --seed 4 --output "$WORK/s2.json" >/dev/null 2>&1
if cmp -s "$WORK/s1.json" "$WORK/s2.json"; then ok "grade: same seed, same report"; else bad "grade: same seed, same report"; fi

# ---- grade: a roster of misbehaving students ----------------------------------------------

mkdir -p "$WORK/roster"
cp -r tests/fixtures/submissions/* "$WORK/roster/"
rm -f "$WORK/roster/README"
mkdir -p "$WORK/roster/good"
cp solutions/counter.c "$WORK/roster/good/"
run roster "$WORK/ro.out" "$RACELAB" grade counter --roster "$WORK/roster" --output "$WORK/out" --budget 30 --no-stress
expect_status "a roster with failing students" 1 "$ST"
expect_in "roster: the correct student keeps full marks" "$WORK/out/summary.csv" "good,15,15"
if grep -qF "racelab: grading" "$WORK/ro.out"; then
    bad "roster: no progress line when stderr is a file" "$(head -c 300 "$WORK/ro.out")"
else
    ok "roster: no progress line when stderr is a file"
fi
students=0
for s in segfault loop exit fake_pass tamper no_compile static_state good; do
    [ -f "$WORK/out/$s.txt" ] && students=$((students + 1))
done
if [ "$students" -eq 8 ]; then ok "roster: a report per student"; else bad "roster: a report per student ($students of 8)"; fi
expect_in "roster: segfault is a crash" "$WORK/out/segfault.txt" "crash"
expect_in "roster: the signal is named" "$WORK/out/segfault.txt" "SIGSEGV"
expect_in "roster: loop is a timeout" "$WORK/out/loop.txt" "timeout"
expect_in "roster: exit(0) is an early exit" "$WORK/out/exit.txt" "exited"
expect_in "roster: printed PASS is output, not a verdict" "$WORK/out/fake_pass.txt" "| PASS"
expect_in "roster: fake_pass still loses updates" "$WORK/out/fake_pass.txt" "wrong result"
expect_in "roster: a forged result is caught" "$WORK/out/tamper.txt" "corrupt result"
expect_in "roster: a compile error" "$WORK/out/no_compile.txt" "compile error"
expect_in "roster: later checks not gradable" "$WORK/out/no_compile.txt" "not gradable"
expect_in "roster: static state is nondeterminism" "$WORK/out/static_state.txt" "nondeterminism outside the scheduler"
for s in segfault loop exit fake_pass tamper no_compile static_state; do
    if grep -qE "^$s,([0-9]+),15," "$WORK/out/summary.csv" && ! grep -q "^$s,15,15" "$WORK/out/summary.csv"; then
        ok "roster: $s below full"
    else
        bad "roster: $s below full" "$(cat "$WORK/out/summary.csv")"
    fi
done
if python3 -m json.tool "$WORK/out/summary.json" >/dev/null 2>&1; then ok "roster: summary.json parses"; else bad "roster: summary.json parses"; fi

# A roster report's replay command, run as printed (from this checkout),
# shows the student's failure: the student's file, not our exercises/.
cmd=$(grep -m1 -o "racelab replay --submission [^ ]*/fake_pass --schedule 'rl1:counter:student:[^']*'" "$WORK/out/fake_pass.txt")
if [ -n "$cmd" ]; then
    eval "run replay \"\$WORK/rr.out\" \"\$RACELAB\" ${cmd#racelab } --no-tui -q"
    expect_status "roster: the report's replay command reproduces the failure" 1 "$ST"
    expect_in "roster: the replay fails the same check" "$WORK/rr.out" "FAIL  final value: counter = 3, expected 6: 3 updates lost"
else
    bad "roster: the report prints a replay command for fake_pass" "$(grep -m3 replay "$WORK/out/fake_pass.txt")"
fi

# Folders given with a trailing slash (--roster submissions/ -o reports/)
# are joined without a doubled one: the report's path and its replay
# command read as typed.
mkdir -p "$WORK/roster2/alice"
cp exercises/counter.c "$WORK/roster2/alice/"
(cd "$WORK" && run roster2 ro2.out "$RACELAB" grade counter --roster roster2/ -o out2/ --budget 30 --no-stress)
expect_status "a roster given as roster2/" 1 "$ST"
expect_in "roster2/: the report's path" "$WORK/ro2.out" "alice                    1/15 points  (out2/alice.txt)"
expect_in "roster2/: the summaries" "$WORK/ro2.out" "summary: out2/summary.csv, out2/summary.json"
expect_in "roster2/: the replay command" "$WORK/out2/alice.txt" "replay:   racelab replay --submission roster2/alice --schedule 'rl1:counter:student:"

# ---- grade: a roster's odd folders ------------------------------------------------------

# A submission that sleeps in every check (15 s of waiting), graded while
# the tests below run; its report is read further down.
timeout 300 "$RACELAB" grade counter --submission tests/fixtures/roster/sleep --budget 0.001 \
    --no-stress >"$WORK/sleepy.out" 2>&1 &
SLEEPY=$!

# Folder names a terminal, a CSV or a file name could trip on; a student
# named "summary" (whose report would be summary.json); a file named
# Counter.c; an empty folder; a file, a symbolic link loop and the output
# folder among the students. Each is graded or skipped, said on one line,
# and the summaries stay well-formed.
R3=$WORK/roster3
NL=$(printf 'new\nline')
BAD=$(printf 'bad\377byte')
for s in good summary "with space" "$NL" "$BAD"; do
    mkdir -p "$R3/$s"
    cp solutions/counter.c "$R3/$s/"
done
cp -r tests/fixtures/roster/misnamed "$R3/"
mkdir -p "$R3/empty" "$R3/out"
printf 'not a student\n' >"$R3/notes.txt"
ln -s loop "$R3/loop"
for o in again out; do
    run roster3 "$WORK/r3.$o" "$RACELAB" grade counter --roster "$R3" -o "$R3/out" --format json --budget 30 --no-stress
    expect_status "a roster with odd folders (run: $o)" 1 "$ST"
    [ "$o" = again ] && mv "$R3/out" "$WORK/r3.first" && mkdir "$R3/out"
done
# line NAME REST: the stdout line of a student, NAME padded as printed
line() { printf '%-24s %s' "$1" "$2"; }
expect_in "odd roster: a newline in a name is escaped" "$WORK/r3.out" "$(line 'new\nline' "15/15 points  ($R3/out/new\\nline.json)")"
expect_in "odd roster: an invalid byte is escaped" "$WORK/r3.out" "$(line 'bad\xFFbyte' '15/15 points')"
expect_in "odd roster: a name with a space" "$WORK/r3.out" "$(line 'with space' '15/15 points')"
expect_in "odd roster: 'summary' gets a report of its own" "$WORK/r3.out" "$(line summary "15/15 points  ($R3/out/summary~2.json)")"
expect_in "odd roster: Counter.c scores 0" "$WORK/r3.out" "$(line misnamed '0/15 points')"
expect_in "odd roster: a symbolic link loop is skipped, said why" "$WORK/r3.out" "$(line loop 'skipped: not a folder (Too many levels of symbolic links)')"
expect_in "odd roster: a file is skipped" "$WORK/r3.out" "$(line notes.txt 'skipped: not a folder')"
expect_in "odd roster: the output folder is no student" "$WORK/r3.out" "$(line out 'skipped: the output folder (--output)')"
expect_in "odd roster: Counter.c is named in the report" "$R3/out/misnamed.json" \
    'missing: the submission has no counter.c (it has Counter.c: the file must be named counter.c exactly, at the top)'
if python3 - "$R3/out" <<'EOF' >"$WORK/r3.py" 2>&1
import csv, json, os, sys
out = sys.argv[1]
s = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
names = [x["student"] for x in s["students"]]
assert names == ["bad\\xFFbyte", "empty", "good", "misnamed", "new\\nline", "summary", "with space"], names
assert [x["report"] for x in s["students"]] == [n + ".json" for n in names[:5]] + ["summary~2.json", "with space.json"]
assert s["complete"] is True and s["students_graded"] == 7 and s["students_in_roster"] == 7, s
for x in s["students"]:
    r = json.load(open(os.path.join(out, x["report"]), encoding="utf-8"))
    assert r["points"] == x["points"] and r["tool"] == "racelab grade", x
pts = {x["student"]: x["points"] for x in s["students"]}
assert pts == {"bad\\xFFbyte": 15, "empty": 0, "good": 15, "misnamed": 0, "new\\nline": 15, "summary": 15, "with space": 15}, pts
rows = list(csv.reader(open(os.path.join(out, "summary.csv"), encoding="utf-8", newline="")))
assert rows[0] == ["student", "points", "max_points", "counter", "counter_max", "warnings"], rows[0]
assert [r[0] for r in rows[1:]] == names and all(len(r) == 6 for r in rows), rows
EOF
then ok "odd roster: summaries parse, name every report, one row each"; else bad "odd roster: summaries" "$(cat "$WORK/r3.py")"; fi
same=0
for f in "$R3"/out/*; do cmp -s "$f" "$WORK/r3.first/${f##*/}" && same=$((same + 1)); done
if [ "$same" -eq 9 ]; then ok "odd roster: graded twice, the same reports byte for byte"; else bad "odd roster: graded twice ($same of 9 files the same)"; fi

# --output naming a file, not a folder: one line, exit 2, before any
# grading (it graded, failed to write each report, and still printed where
# the summaries were).
: >"$WORK/afile"
run afile "$WORK/afile.out" "$RACELAB" grade counter --roster "$R3" -o "$WORK/afile" --no-stress
expect_status "a roster's --output is a file" 2 "$ST"
if [ "$(cat "$WORK/afile.out")" = "racelab: --output $WORK/afile is not a folder (with --roster it names the folder of the reports)" ]; then
    ok "a roster's --output is a file: one line says so"
else
    bad "a roster's --output is a file: one line says so" "$(cat "$WORK/afile.out")"
fi

# A failure's replay command for a folder named with a newline or an
# invalid byte: one line of valid UTF-8 ($'...' quoting) that bash runs
# as printed, to the same failure.
R6=$WORK/roster6
for s in "$NL" "$BAD"; do
    mkdir -p "$R6/$s"
    cp tests/fixtures/buggy/counter_no_lock.c "$R6/$s/counter.c"
done
run roster6 "$WORK/r6.out" "$RACELAB" grade counter --roster "$R6" -o "$WORK/out6" --budget 30 --no-stress
expect_status "a roster of odd names that fail" 1 "$ST"
expect_in "odd names: the report's header on one line" "$WORK/out6/new\\nline.txt" "racelab grade: $R6/new\\nline, seed 0"
for s in 'new\nline' 'bad\xFFbyte'; do
    cmd=$(grep -m1 -o "racelab replay --submission .* --schedule 'rl1:counter:student:[^']*'" "$WORK/out6/$s.txt")
    case $s in
    new*) want="racelab replay --submission \$'$R6/new\\nline' --schedule" ;;
    *) want="racelab replay --submission \$'$R6/bad\\xffbyte' --schedule" ;;
    esac
    if [ "${cmd%% \'rl1*}" = "$want" ]; then ok "odd names: $s's replay command quotes it"; else bad "odd names: $s's replay command quotes it" "$cmd"; fi
    eval "run replay \"\$WORK/r6r.out\" \"\$RACELAB\" ${cmd#racelab } --no-tui -q"
    expect_status "odd names: $s's replay command runs" 1 "$ST"
    expect_in "odd names: $s's replay fails the same check" "$WORK/r6r.out" "FAIL  final value: counter = 3, expected 6: 3 updates lost"
done

# ---- grade: a grader stopped half way -------------------------------------------------

# SIGTERM while a student's checks run (its code sleeps): the grader ends by
# the signal and says what it leaves; the students graded before keep their
# reports and the summaries say so ("complete": false); the student being
# graded leaves no report, no temporary file; no check's process or
# temporary folder is left.
R4=$WORK/roster4
mkdir -p "$R4/a_good" "$R4/c_good" "$WORK/tmp4"
# As root the checks run as another user, who must enter $WORK/tmp4.
chmod 711 "$WORK"
cp solutions/counter.c "$R4/a_good/"
cp solutions/counter.c "$R4/c_good/"
cp -r tests/fixtures/roster/sleep "$R4/b_sleep"
# stopped READY CMD...: start CMD, wait until READY exists and a check
# runs (a private folder in $WORK/tmp4), SIGTERM it; its status in $ST
stopped() {
    local ready=$1
    shift
    TMPDIR=$WORK/tmp4 "$@" >"$WORK/stop.out" 2>&1 &
    local pid=$! i
    for i in $(seq 600); do
        if [ -e "$ready" ] && ls "$WORK/tmp4" | grep -q racelab-check; then break; fi
        sleep 0.1
    done
    kill -TERM "$pid"
    wait "$pid"
    ST=$?
}
# left: how many processes still name $WORK/tmp4 (a check's executable)
# (tm[p]4: the pattern does not match grep's own command line)
left() { grep -lsE "$WORK/tm[p]4/" /proc/[0-9]*/cmdline | wc -l; }
stopped "$WORK/out4/a_good.txt" "$RACELAB" grade counter --roster "$R4" -o "$WORK/out4" --budget 30 --no-stress
expect_status "a roster stopped by SIGTERM ends by it" 143 "$ST"
expect_in "stopped roster: what it leaves, said" "$WORK/stop.out" \
    "racelab: grading stopped by SIGTERM: 1 of 3 students graded, their reports and the summaries (summary.json: \"complete\": false) in $WORK/out4; b_sleep was being graded and has no report"
if [ "$(cd "$WORK/out4" && echo *)" = "a_good.txt summary.csv summary.json" ]; then
    ok "stopped roster: the finished report and the summaries, nothing else"
else
    bad "stopped roster: the finished report and the summaries, nothing else" "$(ls -a "$WORK/out4")"
fi
if python3 -c "
import json, sys
s = json.load(open(sys.argv[1]))
assert s['complete'] is False and s['students_graded'] == 1 and s['students_in_roster'] == 3
assert [x['student'] for x in s['students']] == ['a_good'] and s['students'][0]['points'] == 15
" "$WORK/out4/summary.json" 2>"$WORK/stop.py"; then ok "stopped roster: summary.json says 1 of 3, incomplete"; else bad "stopped roster: summary.json" "$(cat "$WORK/stop.py")"; fi
expect_in "stopped roster: summary.csv has the finished student" "$WORK/out4/summary.csv" "a_good,15,15,15,15"
# As root, a roster the checks' user can enter is said to be open.
if [ "$(id -u)" -eq 0 ]; then
    expect_in "root, an open roster: a note says how to close it" "$WORK/stop.out" \
        "racelab: note: the checks' user can enter $R4, so a submission can read the others' files there (an #include of their path); chmod 700 $R4 closes it"
    if grep -q 'note: the checks' "$WORK/r3.out"; then bad "root, a closed roster: no note"; else ok "root, a closed roster: no note"; fi
fi
if [ -z "$(ls -A "$WORK/tmp4")" ]; then ok "stopped roster: no temporary folder left"; else bad "stopped roster: no temporary folder left" "$(ls -A "$WORK/tmp4")"; fi
sleep 0.5
if [ "$(left)" -eq 0 ]; then ok "stopped roster: no check left running"; else bad "stopped roster: no check left running"; fi
stopped "$WORK/tmp4" "$RACELAB" grade counter --submission "$R4/b_sleep" -o "$WORK/one.txt" --budget 30 --no-stress
expect_status "one submission stopped by SIGTERM" 143 "$ST"
expect_in "stopped submission: no report, said" "$WORK/stop.out" \
    "racelab: grading stopped by SIGTERM: no report written ($WORK/one.txt is written once the grading is done)"
if ls "$WORK" | grep -q '^one\.txt'; then bad "stopped submission: no report or temporary file" "$(ls "$WORK")"; else ok "stopped submission: no report or temporary file"; fi
sleep 0.5
if [ -z "$(ls -A "$WORK/tmp4")" ] && [ "$(left)" -eq 0 ]; then ok "stopped submission: nothing left"; else bad "stopped submission: nothing left" "$(ls -A "$WORK/tmp4")"; fi
stopped "$WORK/tmp4" "$RACELAB" grade counter --submission "$R4/b_sleep" --budget 30 --no-stress
expect_status "a report to stdout stopped by SIGTERM" 143 "$ST"
expect_in "stopped to stdout: the report so far, said" "$WORK/stop.out" \
    "racelab: grading stopped by SIGTERM: the report above ends where the grading stopped"
sleep 0.5
if [ -z "$(ls -A "$WORK/tmp4")" ] && [ "$(left)" -eq 0 ]; then ok "stopped to stdout: nothing left"; else bad "stopped to stdout: nothing left" "$(ls -A "$WORK/tmp4")"; fi

# What a check that ran out of time says: a sleep in the code (each run
# out of time), or a search the time guard stopped (a tiny --budget): the
# code is named before the machine.
wait "$SLEEPY"
expect_status "a sleeping submission" 1 "$?"
if grep -A1 'safety: concurrent ' "$WORK/sleepy.out" | tail -1 | grep -qxF \
    "        the check did not finish within 3 s: an endless loop that makes no racelab call, a sleep or a call that blocks?"; then
    ok "a sleep: the check did not finish, and why"
else
    bad "a sleep: the check did not finish, and why" "$(grep -A1 'safety: concurrent ' "$WORK/sleepy.out")"
fi
run guard "$WORK/guard.out" "$RACELAB" grade counter --submission solutions/counter.c --budget 0.001 --no-stress
expect_status "a search the time guard stops" 1 "$ST"
if grep -qxE "        stopped by the time guard \(--budget 0\.001 s\) before its schedule budget was spent: no verdict\. Slow schedules: slow code \(a system call, sleep or long loop in it\) or a loaded machine \(raise --budget\)" "$WORK/guard.out"; then
    ok "the time guard: no verdict, the code named before the machine"
else
    bad "the time guard: no verdict, the code named before the machine" "$(grep -m1 -A1 'safety: concurrent' "$WORK/guard.out")"
fi

# A fork bomb in the os stress run, graded by an ordinary user (as root
# the checks run as nobody with their own limit): RLIMIT_NPROC counts all
# of that user's tasks, so the check gets 256 more than the user runs; no
# fork on sim; nothing survives. (Without the limit it forked all 2000.)
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    mkdir -p "$WORK/nb"
    chmod 777 "$WORK/nb"
    HOME=$WORK/nb TMPDIR=$WORK/nb run forks "$WORK/forks.json" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$RACELAB" grade counter --submission tests/fixtures/roster/forks --format json
    expect_status "a fork bomb, graded as nobody" 0 "$ST"
    if python3 - "$WORK/forks.json" <<'EOF' >"$WORK/forks.py" 2>&1
import json, re, sys
r = json.load(open(sys.argv[1]))
out = {c["name"]: c["output"] for c in r["exercises"][0]["checks"]}
assert out["safety: concurrent"] == "forks: 0\n", out
n = int(re.fullmatch(r"forks: (\d+)\n", out["stress: concurrent"]).group(1))
# 256 more than nobody ran when the check started (other graders' checks
# may run as nobody too, and end): far below the 2000 it asks for
assert 1 <= n <= 600, n
EOF
    then ok "a fork bomb: none on sim, under 256 on real threads"; else bad "a fork bomb: none on sim, under 256 on real threads" "$(cat "$WORK/forks.py")"; fi
    if [ "$(grep -lsE "$WORK/n[b]/" /proc/[0-9]*/cmdline | wc -l)" -eq 0 ]; then ok "a fork bomb: nothing left"; else bad "a fork bomb: nothing left"; fi
fi

# As root, a TMPDIR the checks' user cannot enter (a folder above it is
# closed) would fail every check as the student's: a one-line error
# instead, exit 2, and a roster stops at its first student.
if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$WORK/closed/tmp"
    chmod 700 "$WORK/closed"
    TMPDIR=$WORK/closed/tmp run closed "$WORK/closed.out" "$RACELAB" grade counter --submission "$R4/a_good" --no-stress
    expect_status "root, a closed TMPDIR: an error" 2 "$ST"
    if grep -qxE "racelab: the checks run as uid [0-9]+, which cannot enter $WORK/closed/tmp/racelab-grade-[A-Za-z0-9]{6} \(a folder above it is closed to that user\): set TMPDIR to a folder every user can enter, such as /tmp" "$WORK/closed.out"; then
        ok "root, a closed TMPDIR: the error says why"
    else
        bad "root, a closed TMPDIR: the error says why" "$(cat "$WORK/closed.out")"
    fi
    TMPDIR=$WORK/closed/tmp run closed "$WORK/closed.out" "$RACELAB" grade counter --roster "$R4" -o "$WORK/out5" --no-stress
    expect_status "root, a closed TMPDIR: the roster stops" 2 "$ST"
    expect_in "root, a closed TMPDIR: the first student is not graded" "$WORK/closed.out" "$(line a_good 'not graded: the checks run as uid')"
    if python3 -c "
import json, sys
s = json.load(open(sys.argv[1]))
assert s['complete'] is False and s['students_graded'] == 1 and s['students'][0]['graded'] is False
" "$WORK/out5/summary.json"; then ok "root, a closed TMPDIR: summary.json says not graded"; else bad "root, a closed TMPDIR: summary.json says not graded"; fi
    if [ -z "$(ls -A "$WORK/closed/tmp")" ]; then ok "root, a closed TMPDIR: nothing left in it"; else bad "root, a closed TMPDIR: nothing left in it"; fi
fi

# ---- grade: the compiler's warnings ------------------------------------------------------

# A correct counter with an unused variable: the builds check shows the
# warning (file:line) and says it cost nothing; the score is full; the
# JSON report counts it per exercise.
mkdir -p "$WORK/warned"
sed 's/^long counter_get(struct counter \*c)$/&\n{\n    int unused;/; T; n; d' \
    solutions/counter.c >"$WORK/warned/counter.c"
WL=$(grep -n '^    int unused;$' "$WORK/warned/counter.c" | cut -d: -f1)
run grade "$WORK/wa.out" "$RACELAB" grade counter --submission "$WORK/warned" --no-stress --budget 30
expect_status "a warning costs no points" 0 "$ST"
expect_in "warnings: the builds check says so" "$WORK/wa.out" \
    "  PASS  builds                         1/1  compiles and links; 1 compiler warning (no points lost)"
if [ -n "$WL" ] && grep -qE "^        counter.c:$WL:[0-9]+: warning: " "$WORK/wa.out"; then
    ok "warnings: the compiler's line, file:line"
else
    bad "warnings: the compiler's line, file:line" "$(head -c 900 "$WORK/wa.out")"
fi
expect_in "warnings: full marks" "$WORK/wa.out" "  counter: 15/15 points"
run grade "$WORK/wa.json" "$RACELAB" grade counter --submission "$WORK/warned" --no-stress --budget 30 --format json
if python3 - "$WORK/wa.json" "$WL" <<'PY'; then ok "warnings: JSON counts them, the detail has the line"; else bad "warnings: JSON counts them, the detail has the line" "$(head -c 600 "$WORK/wa.json")"; fi
import json, re, sys
r = json.load(open(sys.argv[1]))
ex = r["exercises"][0]
build = ex["checks"][0]
assert ex["warnings"] == 1 and ex["points"] == ex["max_points"] == 15, ex
assert re.search(r"^counter\.c:%s:\d+: warning: " % sys.argv[2], build["detail"], re.M), build
PY
# The same file run, explored, replayed: its warnings on stderr, the
# names as the student wrote them (counter_get, not the build's
# student_counter_get).
timeout 300 "$RACELAB" run counter --variant student --submission "$WORK/warned" -q \
    </dev/null >"$WORK/wr.out" 2>"$WORK/wr.err"
if grep -qE "^$WORK/warned/counter.c:$WL:[0-9]+: warning: " "$WORK/wr.err" &&
    grep -q "counter_get" "$WORK/wr.err" && ! grep -q "student_" "$WORK/wr.err"; then
    ok "run --submission: the exercise's warnings on stderr, its own names"
else
    bad "run --submission: the exercise's warnings on stderr, its own names" "$(head -c 600 "$WORK/wr.err")"
fi
sched=$(sed -n "s/^schedule: //p" "$WORK/wr.out")
timeout 300 "$RACELAB" replay --submission "$WORK/warned" --schedule "$sched" --no-tui -q \
    </dev/null >"$WORK/wr.out" 2>"$WORK/wr.err"
if [ "$(grep -cE "^$WORK/warned/counter.c:$WL:[0-9]+: warning: " "$WORK/wr.err")" = 1 ]; then
    ok "replay --submission: the warning, once"
else
    bad "replay --submission: the warning, once" "$(head -c 600 "$WORK/wr.err")"
fi
run grade "$WORK/nw.json" "$RACELAB" grade counter --submission solutions/counter.c --no-stress --budget 30 --format json
if python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["exercises"][0]; assert e["warnings"] == 0 and e["checks"][0]["detail"] == "" and e["checks"][0]["summary"] == "compiles and links"' "$WORK/nw.json"; then
    ok "no warnings: nothing said"
else
    bad "no warnings: nothing said" "$(head -c 600 "$WORK/nw.json")"
fi

# ---- grade: one exercise that does not compile --------------------------------------------

# The references with a syntax error in one of them: that exercise scores
# 0 with the compiler's message, the other six are graded in full.
mkdir -p "$WORK/syntax"
cp solutions/*.c "$WORK/syntax/"
printf 'int broken = ;\n' >>"$WORK/syntax/pool.c"
run grade "$WORK/sy.out" "$RACELAB" grade --submission "$WORK/syntax" --no-stress --budget 20
expect_status "a syntax error in one exercise" 1 "$ST"
expect_in "the broken exercise: the compiler's message" "$WORK/sy.out" "pool.c:"
expect_in "the broken exercise scores 0" "$WORK/sy.out" "  pool: 0/"
graded=0
for e in counter rlock bounded_semaphore bounded_buffer barrier transfer; do
    grep -qE "^  $e: ([0-9]+)/\1 points$" "$WORK/sy.out" && graded=$((graded + 1))
done
if [ "$graded" -eq 6 ]; then ok "the other six exercises score full marks"; else bad "the other six exercises score full marks ($graded of 6)" "$(grep -E '^  [a-z_]+: ' "$WORK/sy.out")"; fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
