#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/cli.sh - the command line end to end: the real binary ($RACELAB, set
# by `make check-build`), its exact output, its exit status and its one-line
# errors. The sim backend is deterministic, so whole reports are compared
# byte for byte. stdin is /dev/null throughout, so nothing opens the TUI.
#
# One line per check, then "N passed, M failed"; exits non-zero on failure.

set -u

RACELAB=${RACELAB:-./racelab}
if [ ! -x "$RACELAB" ]; then
    echo "e2e/cli: no racelab binary at '$RACELAB' (set RACELAB)"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/e2e-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/lib/tally.sh"

# Run racelab with stdin from /dev/null and a time limit; the output goes to
# $tmp/out and $tmp/err, the exit status to $status.
rl() {
    if command -v timeout >/dev/null 2>&1; then
        timeout 120 "$RACELAB" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    else
        "$RACELAB" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    fi
    status=$?
}

# expect_status NAME WANT: the last rl's exit status is WANT.
expect_status() {
    if [ "$status" -eq "$2" ]; then
        pass "$1"
    else
        fail "$1" "exit status $status, expected $2" \
            "stderr: $(head -c 400 "$tmp/err")"
    fi
}

# expect_error NAME 'MESSAGE' ARGS...: racelab ARGS exits 2, prints nothing
# on stdout and exactly "racelab: MESSAGE" on stderr.
expect_error() {
    local name=$1 msg=$2
    shift 2
    rl "$@"
    if [ "$status" -ne 2 ]; then
        fail "$name" "exit status $status, expected 2"
    elif [ -s "$tmp/out" ]; then
        fail "$name" "unexpected stdout: $(head -c 200 "$tmp/out")"
    elif [ "$(cat "$tmp/err")" != "racelab: $msg" ] ||
        [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
        fail "$name" "stderr: $(cat "$tmp/err")" "wanted: racelab: $msg"
    else
        pass "$name"
    fi
}

# expect_file NAME FILE WANTFILE: FILE is exactly WANTFILE.
expect_file() {
    if cmp -s "$2" "$3"; then
        pass "$1"
    else
        fail "$1" "output differs (- wanted, + got):" \
            "$(diff "$3" "$2" | head -20)"
    fi
}

# expect_line NAME FILE 'LINE': FILE has LINE as a whole line.
expect_line() {
    if grep -qxF -- "$3" "$2"; then
        pass "$1"
    else
        fail "$1" "no line: $3" "in: $(head -c 600 "$2")"
    fi
}

# The event lines of a report: "  step  thread  text".
events() {
    grep -E '^ *[0-9]+  ' "$1"
}

# The registry as the errors list it ("a, b, c"); more labs may be added.
LABS=$("$RACELAB" list --names </dev/null | paste -sd, - | sed 's/,/, /g')

# ---- version and help --------------------------------------------------------

rl --version
expect_status "--version exits 0" 0
printf 'racelab 0.1.0\n' >"$tmp/want"
expect_file "--version prints the version" "$tmp/out" "$tmp/want"

rl --help
expect_status "--help exits 0" 0
expect_line "--help: usage line" "$tmp/out" "usage: racelab [COMMAND [ARGS...]]"
# expect_command NAME SUMMARY: the overview in $tmp/out lists the command
# (the name column is as wide as the longest name in the table).
expect_command() {
    if grep -qE "^  $1 +$2\$" "$tmp/out"; then
        pass "--help: $1"
    else
        fail "--help: $1" "no line for $1: $2"
    fi
}
expect_command tui \
    "open the terminal UI \\(what 'racelab' alone does\\), or one lab in it"
expect_command list "list the labs, their variants and their parameters"
expect_command run \
    "run a lab once; print its events, final state, checks and schedule"
expect_command replay \
    "run a schedule string again, exactly \\(in the TUI on a terminal\\)"
expect_command help "show the commands, or one command's options"
# Every command of the table, as the unknown-command error lists them; the
# table may grow (explore, grade), but these come first and help last.
COMMANDS=$(sed -n '/^commands:$/,/^$/s/^  \([a-z]*\) .*/\1/p' "$tmp/out" |
    paste -sd, - | sed 's/,/, /g')
case "$COMMANDS" in
"tui, list, run, replay, "*help) pass "--help: the command table" ;;
*) fail "--help: the command table" "commands: $COMMANDS" ;;
esac
expect_line "--help: example" "$tmp/out" \
    "  racelab run unsafe-counter --threads 2 --iters 3"
cp "$tmp/out" "$tmp/help1"
rl help
expect_file "help = --help" "$tmp/out" "$tmp/help1"

for cmd in tui list run replay help; do
    rl help "$cmd"
    cp "$tmp/out" "$tmp/help_cmd"
    expect_line "help $cmd: usage line" "$tmp/help_cmd" \
        "$(head -1 "$tmp/help_cmd" | grep "^usage: racelab $cmd")"
    rl "$cmd" --help
    expect_file "$cmd --help = help $cmd" "$tmp/out" "$tmp/help_cmd"
done
rl help run
cp "$tmp/out" "$tmp/help_run"
rl run -h
expect_file "run -h = help run" "$tmp/out" "$tmp/help_run"
rl run unsafe-counter --quiet --help
expect_file "run --help after other options" "$tmp/out" "$tmp/help_run"
for opt in --variant --backend --sched --seed --threads --iters --set \
    --max-steps --trace --quiet; do
    if grep -qE -- "^  (-q, )?$opt( |\$)" "$tmp/help_run"; then
        pass "help run explains $opt"
    else
        fail "help run explains $opt"
    fi
done

# ---- list --------------------------------------------------------------------

rl list --names
expect_status "list --names exits 0" 0
printf '%s\n' unsafe-counter locked-counter rlock-nesting semaphore-pool \
    producer-consumer >"$tmp/want"
head -5 "$tmp/out" >"$tmp/got"
expect_file "list --names: the five core labs first, one a line" \
    "$tmp/got" "$tmp/want"
rl list
expect_status "list exits 0" 0
expect_line "list: lab heading" "$tmp/out" "unsafe-counter - Unsafe counter"
expect_line "list: variant expected to fail" "$tmp/out" \
    "      unsafe  expect FAIL  load, add, store with no lock: updates get lost"
expect_line "list: variant expected to pass" "$tmp/out" \
    "      rlock  expect PASS  an RLock: the owner may acquire again (nesting)"
expect_line "list: parameter with defaults and range" "$tmp/out" \
    "      iters        3  1000000  1..10000000  increments per thread"
rl list --names rlock-nesting
printf 'rlock-nesting\n' >"$tmp/want"
expect_file "list --names LAB" "$tmp/out" "$tmp/want"

# ---- run: the lost update, exactly --------------------------------------------

rl run unsafe-counter --threads 2 --iters 2 --sched rr:1
expect_status "run unsafe-counter exits 1 (a check failed)" 1
cat >"$tmp/want" <<'EOF'
run unsafe-counter/unsafe on sim, scheduler rr:1, params threads=2,iters=2
     1  T0  start
     2  T1  start
     3  T0  load counter -> 0
     4  T1  load counter -> 0
     5  T0  store counter <- 1
     6  T1  store counter <- 1   ! lost update: overwrites T0's 1 (step 5)
     7  T0  load counter -> 1
     8  T1  load counter -> 1
     9  T0  store counter <- 2
    10  T0  finish
    11  T1  store counter <- 2   ! lost update: overwrites T0's 2 (step 9)
    12  T1  finish
final state:
  counter  = 2
checks:
  FAIL  final value: counter = 2, expected 4: 2 updates lost
  PASS  no deadlock
  PASS  finishes: every thread finished
  PASS  no misuse: no synchronization errors
analysis:
  data race on counter: T1 reads at step 4 and T0 writes at step 5, with nothing ordering them (no lock, event, barrier or join in between)
  lost update on counter: T1 loaded 0 at step 4, T0 stored 1 at step 5, then T1 stored 1 at step 6 over it
  lost update on counter: T1 loaded 1 at step 8, T0 stored 2 at step 9, then T1 stored 2 at step 11 over it
end: finished after 12 steps (9 choice points, 8 preemptions)
schedule: rl1:unsafe-counter:unsafe:threads=2,iters=2:0.1.0.1.0.1.0.1.0
replay:   racelab replay --schedule 'rl1:unsafe-counter:unsafe:threads=2,iters=2:0.1.0.1.0.1.0.1.0'
result: FAIL (1 of 4 checks failed), as expected for variant unsafe
EOF
expect_file "run unsafe-counter rr:1: the exact report" "$tmp/out" "$tmp/want"
if [ -s "$tmp/err" ]; then
    fail "run unsafe-counter: nothing on stderr" "$(cat "$tmp/err")"
else
    pass "run unsafe-counter: nothing on stderr"
fi

rl run --threads 2 unsafe-counter --iters=2
cp "$tmp/out" "$tmp/default_run"
expect_file "default scheduler is rr:1, options before LAB" "$tmp/out" \
    "$tmp/want"

rl run unsafe-counter --threads 2 --iters 2 --seed 5
cp "$tmp/out" "$tmp/seed5"
rl run unsafe-counter --threads 2 --iters 2 --sched random:5
expect_file "--seed 5 = --sched random:5" "$tmp/out" "$tmp/seed5"
expect_line "--seed: the header names the scheduler" "$tmp/seed5" \
    "run unsafe-counter/unsafe on sim, scheduler random:5, params threads=2,iters=2"

rl run locked-counter
expect_status "run locked-counter exits 0" 0
expect_line "run locked-counter: the check holds" "$tmp/out" \
    "  PASS  final value: counter = 6, expected 6"
expect_line "run locked-counter: result" "$tmp/out" \
    "result: PASS (4 of 4 checks hold)"

rl run rlock-nesting --variant lock --quiet
expect_status "rlock-nesting/lock deadlocks: exit 1" 1
expect_line "deadlock: the end line" "$tmp/out" \
    "end: deadlock after 5 steps (4 choice points, 3 preemptions)"
expect_line "deadlock: the cycle" "$tmp/out" "  wait-for cycle: T0 -> T0"
expect_line "deadlock: the lock's state" "$tmp/out" \
    "  L        Lock, held by T0, waiting: T1 T0"

rl run unsafe-counter --quiet
if events "$tmp/out" >/dev/null; then
    fail "--quiet prints no events" "$(events "$tmp/out" | head -3)"
else
    pass "--quiet prints no events"
fi

rl run producer-consumer --variant spin-holding-lock --quiet --max-steps 300
expect_status "--max-steps: a spinning run stops, exit 1" 1
expect_line "--max-steps: did not finish" "$tmp/out" \
    "end: did not finish after 300 steps (6 choice points, 4 preemptions)"
grep '^replay: ' "$tmp/out" >"$tmp/got"
if grep -q -- "' --max-steps 300\$" "$tmp/got"; then
    pass "--max-steps: the replay command carries it"
else
    fail "--max-steps: the replay command carries it" "$(cat "$tmp/got")"
fi

# ---- replay ------------------------------------------------------------------

rl run semaphore-pool --variant none --seed 11
run_status=$status
cp "$tmp/out" "$tmp/run_out"
sched=$(sed -n "s/^replay:   racelab replay --schedule '\(.*\)'\$/\1/p" \
    "$tmp/run_out")
rl replay --schedule "$sched"
expect_status "replay exits as the run did" "$run_status"
events "$tmp/run_out" >"$tmp/run_events"
events "$tmp/out" >"$tmp/replay_events"
if [ -s "$tmp/run_events" ]; then
    expect_file "replay: byte-identical events" "$tmp/replay_events" \
        "$tmp/run_events"
else
    fail "replay: byte-identical events" "the run printed no events"
fi
tail -n +2 "$tmp/run_out" >"$tmp/want"
tail -n +2 "$tmp/out" >"$tmp/got"
expect_file "replay: the same report after the header" "$tmp/got" \
    "$tmp/want"
expect_line "replay: header" "$tmp/out" \
    "replay semaphore-pool/none on sim, scheduler replay, params workers=4,capacity=2,rounds=1"

# The command exactly as printed, through the shell.
cmdline=$(sed -n 's/^replay:   //p' "$tmp/run_out")
eval "set -- ${cmdline#racelab }"
rl "$@" --no-tui
events "$tmp/out" >"$tmp/replay_events"
expect_file "replay: the printed command, pasted" "$tmp/replay_events" \
    "$tmp/run_events"

rl replay semaphore-pool --variant none "$sched"
events "$tmp/out" >"$tmp/replay_events"
expect_file "replay LAB --variant V STRING (positional)" \
    "$tmp/replay_events" "$tmp/run_events"

good='rl1:unsafe-counter:unsafe:threads=2,iters=2:0.1.0.1.0.1.0.1.0'
rl replay --schedule "${good%.0}"
expect_status "replay: a truncated schedule is an error" 2
expect_line "replay: truncated schedule message" "$tmp/err" \
    "racelab: the schedule does not fit this run: schedule diverges at step 9: the schedule ended but 2 threads can still run"
rl replay --schedule "$good.1.1"
expect_status "replay: a schedule with extra choices is an error" 2
expect_line "replay: extra choices message" "$tmp/err" \
    "racelab: the schedule does not fit this run: schedule diverges: the run finished at step 12 but the schedule has 2 more choices"
if grep -q '^result: ' "$tmp/out"; then
    fail "replay: a diverged run has no verdict" "$(grep '^result' "$tmp/out")"
else
    pass "replay: a diverged run has no verdict"
fi
expect_error "replay: tampered choice" \
    "schedule string: bad choice '0x' at item 1 (expected THREAD or THREADxCOUNT, e.g. 0x3)" \
    replay --schedule 'rl1:unsafe-counter:unsafe:threads=2,iters=2:0x.1'
expect_error "replay: not a schedule string" \
    "schedule string: expected rl1:LAB:VARIANT:PARAMS:CHOICES" \
    replay --schedule 'hello'
expect_error "replay: unknown version" \
    "schedule string: version rl9 is not supported (this racelab reads rl1)" \
    replay --schedule 'rl9:unsafe-counter:unsafe:threads=2:0'
expect_error "replay: parameter out of range in the string" \
    "schedule string: threads must be a whole number from 1 to 16, not '99'" \
    replay --schedule 'rl1:unsafe-counter:unsafe:threads=99,iters=2:0'
expect_error "replay: a parameter given twice in the string" \
    "schedule string: parameter 'threads' is given twice" \
    replay --schedule 'rl1:unsafe-counter:unsafe:threads=2,iters=2,threads=3:0'
expect_error "replay: a multi-byte character is shown whole" \
    "schedule string: unexpected 'é' in the variant field" \
    replay --schedule $'rl1:unsafe-counter:unsaf\xc3\xa9:threads=2:0'
expect_error "replay: a long bad choice is cut between characters" \
    "schedule string: bad choice '0ééééééééé' at item 1 (expected THREAD or THREADxCOUNT, e.g. 0x3)" \
    replay --schedule $'rl1:unsafe-counter:unsafe:threads=2:0\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9'
expect_error "replay: unknown lab in the string" \
    "schedule string: unknown lab 'nolab'; labs: $LABS" \
    replay --schedule 'rl1:nolab:unsafe::0'
expect_error "replay: wrong LAB" \
    "this schedule is for unsafe-counter/unsafe, not locked-counter" \
    replay locked-counter --schedule "$good"
expect_error "replay: wrong --variant" \
    "this schedule is for unsafe-counter/unsafe, not unsafe-counter/locked" \
    replay --variant locked --schedule "$good"
expect_error "replay: no schedule" \
    "replay needs a trace FILE or --schedule STRING (the schedule line that 'racelab run' prints)" \
    replay unsafe-counter

# A trace the TUI saved mid-run ('w' at step 5) replays to where it was
# saved, and says so: not a schedule that does not fit
# (tests/fixtures/traces/saved_mid_run.txt, as the TUI writes it).
rl replay tests/fixtures/traces/saved_mid_run.txt --no-tui
expect_status "replay of a trace saved mid-run exits 0" 0
expect_line "replay of a trace saved mid-run: its last step" "$tmp/out" \
    "     5  T0  store counter <- 1"
expect_line "replay of a trace saved mid-run: the checks not judged" \
    "$tmp/out" \
    "checks: not judged: the trace was saved at step 5, before its run ended"
expect_line "replay of a trace saved mid-run: where it ends" "$tmp/out" \
    "end: the trace ends at step 5, where it was saved; its run had not ended (in the TUI, replay goes on from there)"
# The same schedule given as a string is a whole run's: it does not fit.
rl replay --schedule 'rl1:unsafe-counter:unsafe:threads=2,iters=3:0.1.0.1.0'
expect_status "the saved-mid-run schedule as a string is an error" 2

# ---- trace -------------------------------------------------------------------

rl run unsafe-counter --threads 2 --iters 2 --trace "$tmp/trace.txt"
events "$tmp/out" >"$tmp/want"
events "$tmp/trace.txt" >"$tmp/got"
expect_file "--trace: the same event lines" "$tmp/got" "$tmp/want"
expect_line "--trace: header with the schedule" "$tmp/trace.txt" \
    "# schedule: rl1:unsafe-counter:unsafe:threads=2,iters=2:0.1.0.1.0.1.0.1.0"
rl run unsafe-counter --quiet --trace "$tmp/trace_q.txt"
if [ "$(events "$tmp/trace_q.txt" | wc -l)" -eq 16 ]; then
    pass "--trace with --quiet still keeps every event"
else
    fail "--trace with --quiet still keeps every event" \
        "$(events "$tmp/trace_q.txt" | wc -l) lines"
fi
expect_error "--trace to an unwritable file" \
    "cannot write trace file '$tmp/no/such/dir': No such file or directory" \
    run unsafe-counter --trace "$tmp/no/such/dir"

if [ -w /dev/full ]; then
    rl run unsafe-counter --quiet --trace /dev/full
    expect_status "--trace to a full device: exit 2" 2
    expect_line "--trace to a full device: one line" "$tmp/err" \
        "racelab: cannot write trace file '/dev/full': No space left on device"
fi

# ---- replay FILE: a saved trace loads again ----------------------------------

# The trace that --trace wrote above replays to the same events.
rl run unsafe-counter --threads 2 --iters 2
events "$tmp/out" >"$tmp/want"
rl replay "$tmp/trace.txt"
expect_status "replay FILE: exit 1 (the run loses an update)" 1
events "$tmp/out" >"$tmp/got"
expect_file "replay FILE: the events of the saved run" "$tmp/got" "$tmp/want"
expect_line "replay FILE: the header" "$tmp/out" \
    "replay unsafe-counter/unsafe on sim, scheduler replay, params threads=2,iters=2"
# A file saved with the TUI's w key (its header format).
cat >"$tmp/tui-save.txt" <<'TRACE'
# racelab trace
lab: unsafe-counter (Unsafe counter)
variant: unsafe
params: threads=2,iters=2
backend: sim
scheduler: rr:1
steps: 16
end: done
schedule: rl1:unsafe-counter:unsafe:threads=2,iters=2:0.1.0.1.0.1.0.1.0
replay: racelab replay rl1:unsafe-counter:unsafe:threads=2,iters=2:0.1.0.1.0.1.0.1.0
check: FAILED final value: counter = 2, expected 4: 2 updates lost
# seq thread event
1 T0 start
TRACE
rl replay "$tmp/tui-save.txt" --quiet
expect_status "replay a TUI save: exit 1" 1
expect_line "replay a TUI save: the same schedule" "$tmp/out" \
    "schedule: rl1:unsafe-counter:unsafe:threads=2,iters=2:0.1.0.1.0.1.0.1.0"
rl replay unsafe-counter "$tmp/tui-save.txt" --quiet
expect_status "replay LAB FILE: a matching LAB" 1
expect_error "replay FILE: a missing file" \
    "cannot read trace file '$tmp/none.txt': No such file or directory" \
    replay "$tmp/none.txt"
printf 'hello\n' >"$tmp/hello.txt"
expect_error "replay FILE: not a trace" \
    "'$tmp/hello.txt' is not a racelab trace file (save one with 'w' in the TUI or 'racelab run LAB --trace FILE')" \
    replay "$tmp/hello.txt"
printf '# racelab trace\nbackend: os\nschedule: none (os runs are not replayable)\n' >"$tmp/os.txt"
expect_error "replay FILE: an os run" \
    "$tmp/os.txt has no schedule to replay (only runs on the sim backend have one)" \
    replay "$tmp/os.txt"
expect_error "replay FILE and a schedule string" \
    "give a trace FILE or a schedule string, not both" \
    replay "$tmp/trace.txt" --schedule "$good"

# ---- did you mean ------------------------------------------------------------

expect_error "did you mean: a lab" \
    "unknown lab 'unsafe-countr'; did you mean 'unsafe-counter'?" \
    run unsafe-countr
expect_error "did you mean: an option" \
    "unknown option '--bakend' for run; did you mean '--backend'? (see 'racelab help run')" \
    run unsafe-counter --bakend os
expect_error "did you mean: a variant" \
    "unknown variant 'lokced' for locked-counter; did you mean 'locked'?" \
    run locked-counter --variant lokced
expect_error "did you mean: a parameter" \
    "unknown parameter 'iter' for unsafe-counter; did you mean 'iters'?" \
    run unsafe-counter --set iter=2
expect_error "did you mean: a command" \
    "unknown command 'rnu'; did you mean 'run'? (see 'racelab --help')" \
    rnu unsafe-counter
expect_error "did you mean: a top-level option" \
    "unknown option '--verison'; did you mean '--version'? (see 'racelab --help')" \
    --verison
expect_error "did you mean: an exercise" \
    "unknown exercise 'bouned-buffer'; did you mean 'bounded_buffer'?" \
    grade bouned-buffer
expect_error "did you mean: a format" \
    "unknown --format 'jsn'; did you mean 'json'?" \
    grade counter --format jsn
# '-' for '_': the exercise name is accepted (the error is the next one).
expect_error "grade bounded-buffer is bounded_buffer" \
    "unknown --format 'jsn'; did you mean 'json'?" \
    grade bounded-buffer --format jsn
rl list bounded-buffer --names
expect_line "list bounded-buffer is bounded_buffer" "$tmp/out" "bounded_buffer"
expect_error "a negative --seed, in words" \
    "--seed must be a whole number from 0 to 18446744073709551615, not '-3'" \
    run unsafe-counter --seed -3
expect_error "--threads 0, in words" \
    "threads must be a whole number from 1 to 16, not '0'" \
    run unsafe-counter --threads 0

# ---- os backend --------------------------------------------------------------

rl run unsafe-counter --backend os --threads 2 --iters 1000000 --quiet
if [ "$status" -eq 0 ] || [ "$status" -eq 1 ]; then
    pass "os 2 x 1000000 --quiet completes (exit $status)"
else
    fail "os 2 x 1000000 --quiet completes" "exit $status: $(cat "$tmp/err")"
fi
expect_line "os: header" "$tmp/out" \
    "run unsafe-counter/unsafe on os, params threads=2,iters=1000000"
expect_line "os --quiet: not recorded, no event count" "$tmp/out" \
    "end: finished"
if grep -qE '^  (PASS|FAIL)  final value: counter = [0-9]+, expected 2000000' \
    "$tmp/out"; then
    pass "os: the final value check"
else
    fail "os: the final value check" "$(cat "$tmp/out")"
fi
rl run locked-counter --backend os --threads 2 --iters 1000
expect_status "os locked-counter exits 0" 0
if [ "$(events "$tmp/out" | wc -l)" -eq 200 ] &&
    grep -qE '^\.\.\. [0-9]+ more events \(use --trace FILE to keep them all\)$' \
        "$tmp/out"; then
    pass "os: at most 200 events printed, then a summary line"
else
    fail "os: at most 200 events printed, then a summary line" \
        "$(events "$tmp/out" | wc -l) events; $(grep '^\.\.\.' "$tmp/out")"
fi

# ---- the TUI needs a terminal -------------------------------------------------

NOTERM="the TUI needs a terminal; try 'racelab list' or 'racelab run LAB'"
expect_error "no arguments without a terminal" "$NOTERM"
expect_error "tui without a terminal" "$NOTERM" tui
expect_error "tui LAB without a terminal" "$NOTERM" tui unsafe-counter \
    --sched manual
expect_error "tui checks its options first" \
    "unknown variant 'nope' for unsafe-counter; variants: unsafe" \
    tui unsafe-counter --variant nope
expect_error "tui: --variant needs a LAB" \
    "--variant needs a LAB: racelab tui LAB --variant ..." \
    tui --variant locked

# ---- errors: one line, exit 2 -------------------------------------------------

expect_error "unknown command" \
    "unknown command 'frob'; commands: $COMMANDS (see 'racelab --help')" \
    frob
expect_error "a lab name given as a command" \
    "unknown command 'unsafe-counter'; to run that lab: racelab run unsafe-counter (see 'racelab --help')" \
    unsafe-counter
expect_error "unknown top-level option" \
    "unknown option '--frob' (see 'racelab --help')" --frob
expect_error "help for an unknown command" \
    "unknown command 'frob'; commands: $COMMANDS (see 'racelab --help')" \
    help frob
expect_error "run without a lab" "run needs a LAB; labs: $LABS" run
expect_error "unknown lab" "unknown lab 'x'; labs: $LABS" run x
expect_error "list: unknown lab" "unknown lab 'x'; labs: $LABS" list x
expect_error "two labs" \
    "unexpected argument 'b': run takes one LAB (see 'racelab help run')" \
    run unsafe-counter b
expect_error "unknown variant" \
    "unknown variant 'fast' for locked-counter; variants: locked, coarse, early-release" \
    run locked-counter --variant fast
expect_error "unknown option" \
    "unknown option '--fast' for run (see 'racelab help run')" \
    run unsafe-counter --fast
expect_error "unknown short option" \
    "unknown option '-x' for run (see 'racelab help run')" \
    run unsafe-counter -x
expect_error "missing option value at the end" \
    "option --variant needs a value (see 'racelab help run')" \
    run unsafe-counter --variant
expect_error "missing option value before another option" \
    "option --iters needs a value (see 'racelab help run')" \
    run unsafe-counter --iters --quiet
expect_error "a value for a flag" \
    "option --quiet takes no value (see 'racelab help run')" \
    run unsafe-counter --quiet=yes
expect_error "bad number" "threads must be a whole number from 1 to 16, not 'two'" \
    run unsafe-counter --threads two
expect_error "out of range" "threads must be a whole number from 1 to 16, not '99'" \
    run unsafe-counter --threads 99
expect_error "--iters out of range" "iters must be a whole number from 1 to 10000000, not '0'" \
    run unsafe-counter --iters 0
expect_error "--threads on a lab without threads" \
    "--threads: lab semaphore-pool has no parameter 'threads' (its parameters: workers, capacity, rounds)" \
    run semaphore-pool --threads 2
expect_error "--set unknown parameter" \
    "unknown parameter 'x' for unsafe-counter (threads, iters)" \
    run unsafe-counter --set x=1
expect_error "--set without =" "--set expects KEY=VALUE, not 'iters'" \
    run unsafe-counter --set iters
expect_error "unknown backend" "unknown backend 'gpu'; backends: sim, os" \
    run unsafe-counter --backend gpu
expect_error "malformed --sched" \
    "bad scheduler 'fifo'; use one of: rr, rr:QUANTUM, random:SEED[:timeouts], pct:SEED:DEPTH[:timeouts], replay:CHOICES, manual" \
    run unsafe-counter --sched fifo
expect_error "--sched on os" \
    "--sched chooses the sim scheduler; the os backend is scheduled by the operating system" \
    run unsafe-counter --backend os --sched rr:1
expect_error "--sched and --seed" \
    "give --sched or --seed, not both (--seed N means --sched random:N)" \
    run unsafe-counter --sched rr:2 --seed 3
expect_error "bad --seed" "--seed must be a whole number from 0 to 18446744073709551615, not '1x'" \
    run unsafe-counter --seed 1x
expect_error "manual scheduler without the TUI" \
    "the manual scheduler needs the TUI: racelab tui unsafe-counter --sched manual" \
    run unsafe-counter --sched manual
expect_error "bad --max-steps" \
    "--max-steps must be a whole number from 1 to 18446744073709551615, not '0'" \
    run unsafe-counter --max-steps 0
expect_error "--max-steps on os" \
    "--max-steps applies to the sim backend only" \
    run unsafe-counter --backend os --max-steps 10
expect_error "--timeout on sim" \
    "--timeout applies to the os backend only (sim runs are bounded by --max-steps)" \
    run unsafe-counter --timeout 5
expect_error "bad --timeout" "--timeout must be a whole number from 1 to 3600, not '0'" \
    run unsafe-counter --backend os --timeout 0

# The os wall-clock guard ends a thread that spins forever, and says how to
# raise it; --timeout sets it.
rl run producer-consumer --variant spin-holding-lock --backend os --timeout 1 -q
expect_status "a spinning os run stops at --timeout" 1
# (how many threads finished first depends on the real threads)
if grep -qxE '  still running after 1000 ms \(the wall-clock limit: a thread spinning forever\? --timeout raises it\); [0-4] of 4 threads finished' "$tmp/out"; then
    pass "the guard says how to raise it"
else
    fail "the guard says how to raise it" "$(grep 'still running' "$tmp/out")"
fi

# ---- a long run's schedule string is printed once ------------------------------

rl run unsafe-counter --iters 1000 -q
n=$(grep -o 'rl1:unsafe-counter:unsafe:threads=2,iters=1000:' "$tmp/out" | wc -l)
if [ "$status" -eq 1 ] && [ "$n" -eq 1 ]; then
    pass "a long schedule string is printed once"
else
    fail "a long schedule string is printed once" "status $status, printed $n times"
fi
expect_line "the replay line points at it" "$tmp/out" \
    "replay:   racelab replay --schedule 'SCHEDULE', with the schedule line above ($(sed -n 's/^schedule: //p' "$tmp/out" | tr -d '\n' | wc -c) characters, printed once)"

# ---- a huge schedule string is not printed: --schedule-out writes it -----------

# 2 x 200,000 increments: 800,001 choice points, a string of 1,600,050
# characters (past CLI_SCHEDULE_PRINT_MAX, 1,000,000).
rl run unsafe-counter --iters 200000 -q
cp "$tmp/out" "$tmp/huge_run"
expect_line "a huge schedule is not printed" "$tmp/out" \
    "schedule: not printed (1600050 characters); --schedule-out FILE writes it"
expect_line "the replay line says how to get it" "$tmp/out" \
    "replay:   run the same command again (rr:1 makes the same run every time), or add --schedule-out FILE, then racelab replay FILE"
if [ "$(wc -c <"$tmp/out")" -lt 2000 ]; then
    pass "a huge schedule: the report stays short"
else
    fail "a huge schedule: the report stays short" "$(wc -c <"$tmp/out") bytes"
fi
rl run unsafe-counter --iters 200000 -q --schedule-out "$tmp/huge.sched"
expect_line "--schedule-out: where it went" "$tmp/out" \
    "schedule: written to $tmp/huge.sched (1600050 characters)"
expect_line "--schedule-out: the replay line names the file" "$tmp/out" \
    "replay:   racelab replay $tmp/huge.sched"
n=$(sed -n 's/^# schedule: //p' "$tmp/huge.sched" | tr -d '\n' | wc -c)
if [ "$n" -eq 1600050 ] &&
    sed -n 's/^# schedule: //p' "$tmp/huge.sched" |
    grep -qx 'rl1:unsafe-counter:unsafe:threads=2,iters=200000:0\.1\.\(0\.1\.\)*0'; then
    pass "--schedule-out: the whole string, round robin to the end"
else
    fail "--schedule-out: the whole string, round robin to the end" "$n characters"
fi
rl replay "$tmp/huge.sched" -q
expect_status "replay of a --schedule-out file: the run fails as before" 1
grep -v '^\(replay\|run\|schedule\)[: ]' "$tmp/huge_run" >"$tmp/want"
grep -v '^\(replay\|run\|schedule\)[: ]' "$tmp/out" >"$tmp/got"
expect_file "replay of a --schedule-out file: the same report" "$tmp/got" "$tmp/want"
expect_error "--schedule-out on os" \
    "--schedule-out applies to the sim backend only (an os run has no schedule)" \
    run unsafe-counter --backend os --schedule-out "$tmp/x.sched"

# ---- user input in errors, and output that cannot be written -----------------

expect_error "an escape sequence and a newline in an argument are escaped" \
    "unknown variant '\e[2J\nx' for unsafe-counter; variants: unsafe" \
    run unsafe-counter --variant $'\e[2J\nx'
expect_error "invalid UTF-8 bytes are escaped, valid characters kept" \
    "unknown variant 'café\xFF\xC3' for unsafe-counter; variants: unsafe" \
    run unsafe-counter --variant $'caf\xc3\xa9\xff\xc3'
expect_error "a C1 control character is escaped" \
    "unknown variant 'a\u0085b' for unsafe-counter; variants: unsafe" \
    run unsafe-counter --variant $'a\xc2\x85b'
if [ -w /dev/full ]; then
    "$RACELAB" list </dev/null >/dev/full 2>"$tmp/err"
    status=$?
    expect_status "list > /dev/full: a write error exits 2" 2
    expect_line "list > /dev/full: says why" "$tmp/err" \
        "racelab: cannot write the output: No space left on device"
    "$RACELAB" run unsafe-counter </dev/null >/dev/full 2>"$tmp/err"
    status=$?
    expect_status "run > /dev/full: a write error exits 2" 2
    expect_line "run > /dev/full: says so" "$tmp/err" \
        "racelab: cannot write the output"
fi

# ---- exercises built apart: a broken one touches only itself ---------------
# A copy of the student's side of the tree (RACELAB_HOME) with counter.c
# broken: that exercise reports the compiler's message (file:line) and
# exits 2; the other exercises and the built-in labs still run.
home="$tmp/home"
mkdir -p "$home/core"
cp "$(dirname "$0")/../../core/racelab.h" "$home/core/"
cp -r "$(dirname "$0")/../../exercises" "$home/"
printf 'int broken = ;\n' >>"$home/exercises/counter.c"
export RACELAB_HOME="$home"
rl run counter --variant student
expect_status "broken exercise: run exits 2" 2
# One line, the compiler's first error, as for --submission; before the
# run's header is printed.
bad=$(wc -l <"$home/exercises/counter.c")
for cmd in "run counter --variant student" "explore counter" \
    "replay --schedule rl1:counter:student:threads=2,iters=3:0.1"; do
    rl $cmd
    if [ "$status" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        grep -q "^racelab: $home/exercises/counter.c:$bad:14: error: expected expression" "$tmp/err" &&
        [ ! -s "$tmp/out" ]; then
        pass "broken exercise, $cmd: the compiler's first error line, exit 2"
    else
        fail "broken exercise, $cmd: the compiler's first error line, exit 2" \
            "exit $status" "$(head -c 400 "$tmp/err")" "$(head -c 200 "$tmp/out")"
    fi
done
rl run counter --variant reference -q
expect_status "broken exercise: the reference still runs" 0
rl run rlock --variant student -q
if [ "$status" -le 1 ] && grep -q "^result: " "$tmp/out"; then
    pass "broken exercise: another exercise still builds and runs"
else
    fail "broken exercise: another exercise still builds and runs" "$(head -c 400 "$tmp/err")"
fi
rl run unsafe-counter -q
expect_status "broken exercise: built-in labs still run" 1
unset RACELAB_HOME

# The student variant runs in a child process and replays exactly.
rl run counter --variant student --sched random:7 -q
sched=$(grep -o "rl1:counter:student:[^' ]*" "$tmp/out" | head -1)
first=$(grep "^result:" "$tmp/out")
rl replay --no-tui -q --schedule "$sched"
if [ -n "$sched" ] && [ "$(grep '^result:' "$tmp/out")" = "$first" ]; then
    pass "student variant: the child's schedule replays"
else
    fail "student variant: the child's schedule replays" "$sched" "$(head -c 400 "$tmp/err")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
