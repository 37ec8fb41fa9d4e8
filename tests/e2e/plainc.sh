#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/plainc.sh - plain C programs through the real binary: `racelab
# run / explore / replay / tui prog.c` on the corpus of tests/programs/.
# The sim backend is deterministic, so verdicts are compared whole (the
# one JSON object of --format json); each program is built once into the
# cache ($RACELAB_CACHE, set by make). The TUI part runs in tmux on a
# private socket at 80x24.
#
# One line per check, then "N passed, M failed"; exits non-zero on failure.

set -u

RACELAB=${RACELAB:-./racelab}
if [ ! -x "$RACELAB" ]; then
    echo "e2e/plainc: no racelab binary at '$RACELAB' (set RACELAB)"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/e2e-plainc.XXXXXX")
SOCK="racelab-plainc-$$"
cleanup() {
    tmux -L "$SOCK" kill-server >/dev/null 2>&1
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

. "$(dirname "$0")/lib/tally.sh"
P=tests/programs

# racelab ARGS with stdin from /dev/null and a time limit: $tmp/out,
# $tmp/err, $status.
rl() {
    timeout 120 "$RACELAB" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    status=$?
}

# expect NAME STATUS 'STDOUT': the last rl printed exactly STDOUT (one
# line) and exited with STATUS.
expect() {
    local got
    got=$(cat "$tmp/out")
    if [ "$status" -eq "$2" ] && [ "$got" = "$3" ]; then
        pass "$1"
    else
        fail "$1" "exit $status (want $2)" "got:  $got" "want: $3" \
            "stderr: $(head -c 300 "$tmp/err")"
    fi
}

# has NAME 'TEXT': the last rl's stdout holds the line TEXT.
has() {
    if grep -qxF -- "$2" "$tmp/out"; then
        pass "$1"
    else
        fail "$1" "no line: $2" "stdout: $(head -c 600 "$tmp/out")"
    fi
}

# line FILE 'CODE': the number of the line of FILE that is exactly CODE
# (leading blanks aside), so that an edit above it moves the expectation.
# FILE:LINE as racelab run prints it: as wide as the file's name with a
# line of four digits.
at() {
    printf '%-*s' $((${#1} + 5)) "$1:$2"
}

line() {
    grep -nE "^ *$(printf '%s' "$2" | sed 's/[][\.*^$()+?{}|/]/\\&/g')\$" "$1" |
        head -n 1 | cut -d: -f1
}
L_RACE=$(line $P/counter_race.c 'counter++;')
L_NULL=$(line $P/null_deref.c 'total += info->len;')
L_ASSERT=$(line $P/cond_if.c 'assert(items >= 0);')
L_EXIT=$(line $P/exit_thread.c 'exit(3);')

# verdict NAME STATUS VERDICT SCHEDULE [KIND|THREAD|WHERE|MESSAGE]...: the
# last rl printed one JSON object with exactly this verdict, schedule
# string (or null) and failures (a message ending in '*' is a prefix), and
# a positive count of schedules; and exited with STATUS.
verdict() {
    local name=$1 want=$2
    shift 2
    if [ "$status" -eq "$want" ] && python3 - "$tmp/out" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
verdict, schedule = sys.argv[2], sys.argv[3]
fails = [f.split("|", 3) for f in sys.argv[4:]]
assert d["verdict"] == verdict, d["verdict"]
assert d["schedule"] == (None if schedule == "null" else schedule), d["schedule"]
assert isinstance(d["schedules"], int) and d["schedules"] >= 1
assert len(d["failures"]) == len(fails), d["failures"]
for got, (kind, thread, where, msg) in zip(d["failures"], fails):
    assert (got["kind"], got["thread"], got["where"]) == (kind, thread, where), got
    if msg.endswith("*"):
        assert got["message"].startswith(msg[:-1]), got["message"]
    else:
        assert got["message"] == msg, got["message"]
PY
    then
        pass "$name"
    else
        fail "$name" "exit $status (want $want)" "got: $(cat "$tmp/out")" \
            "stderr: $(head -c 300 "$tmp/err")"
    fi
}

# ---- explore: the exact verdict -------------------------------------------

rl explore $P/counter_race.c --format json
verdict "explore counter_race: a data race at 0 preemptions" 1 fail \
    'rl1:tests/programs/counter_race.c:main::0x2.1x21.2x21' \
    "race|T2|counter_race.c:$L_RACE|data race on counter: T1 writes at step 25 and T2 reads at step 28, with nothing ordering them (no lock, event, barrier or join in between)"
rl explore $P/counter_mutex.c --format json
verdict "explore counter_mutex: the mutex fix never fails" 0 pass null
rl explore $P/lock_order.c --format json
verdict "explore lock_order: the lock-order deadlock" 1 fail \
    'rl1:tests/programs/lock_order.c:main::0x2.1x2.2x3' \
    "deadlock|||deadlock: T0 waits to join T1; T1 holds first, waits for second (held by T2); T2 holds second, waits for first (held by T1)"
rl explore $P/cond_if.c --format json
verdict "explore cond_if: if around pthread_cond_wait fails the assert" 1 fail \
    'rl1:tests/programs/cond_if.c:main::0x2.2x4.3x6.1x7.2x4' \
    "assert|T2|cond_if.c:$L_ASSERT|T2: assertion \`items >= 0' failed at cond_if.c:$L_ASSERT in consumer"
rl explore $P/cond_while.c --format json
verdict "explore cond_while: while around the wait never fails" 0 pass null
rl explore $P/pc_one_cv.c --format json
verdict "explore pc_one_cv: one condition variable, two consumers: deadlock" 1 fail \
    'rl1:tests/programs/pc_one_cv.c:main::0x3.1x4.2x4.1.3x4.2.1x5' \
    "deadlock|||deadlock: T0 waits to join T3; T1 waits for a *"
rl explore $P/sem_pc_swapped.c --format json
verdict "explore sem_pc_swapped: mutex before empty deadlocks, each holder named once" 1 fail \
    'rl1:tests/programs/sem_pc_swapped.c:main::0x2.1x19' \
    "deadlock|||deadlock: T0 waits to join T1; T1 holds empty, mutex, waits for empty (count 0; held by T1); T2 holds full, waits for mutex (count 0; held by T1)"
rl explore $P/null_deref.c --races=report --format json
verdict "explore null_deref --races=report: the crash, with its line" 1 fail \
    'rl1:tests/programs/null_deref.c:main::0x2.1x2.2x2' \
    "crash|T1|null_deref.c:$L_NULL|T1 crashed with SIGSEGV: NULL pointer dereference (address 0)"
for p in counter_mutex cond_while sem_join recursive_mutex \
    signal_after_unlock detached thread_tree thread_args tsd named_sem; do
    rl explore $P/$p.c --format json
    verdict "explore $p: correct, no failure and no race" 0 pass null
done

# A spin (Peterson's algorithm, a test-and-set spinlock) is a thread
# waiting for the others: the bounded search is exhaustive and quick.
for p in peterson:884 spin_atomic:334; do
    rl explore $P/${p%%:*}.c
    has "explore ${p%%:*}: a spinning thread hands the CPU on, every schedule searched" \
        "all ${p##*:} schedules with up to 2 preemptions: no failure"
done

# &i of main's loop given to each thread: main's own stack, but shared
# once a thread has used it, so main's i++ races with the thread's read.
rl explore $P/loop_index.c --format json
verdict "explore loop_index: &i given to threads races with main's i++" 1 fail \
    'rl1:tests/programs/loop_index.c:main::1x3.0x5' \
    "race|T0|loop_index.c:$(line $P/loop_index.c 'for (int i = 0; i < 2; i++)' )|data race on main:i: T1 reads at step 4 and T0 writes at step 9, with nothing ordering them (no lock, event, barrier or join in between)"

# Memory orders: the schedule is one total order whatever the program
# asked for, but a relaxed atomic orders no other access (C11), so
# Peterson's algorithm with relaxed atomics races; fences order them.
L_RLX=$(line $P/peterson_relaxed.c 'counter++;')
rl explore $P/peterson_relaxed.c --format json
verdict "explore peterson_relaxed: relaxed atomics order nothing, a race" 1 fail \
    'rl1:tests/programs/peterson_relaxed.c:main::0x2.1x7.2x7' \
    "race|T2|peterson_relaxed.c:$L_RLX|data race on counter: T1 writes at step 10 and T2 reads at step 17, with nothing ordering them (no lock, event, barrier or join in between; a relaxed atomic orders nothing)"
rl explore $P/fences.c --format json
verdict "explore fences: a release and an acquire fence order relaxed atomics" 0 pass null
rl run $P/fences.c
has "a fence is a step with its order" \
    "    11  T2  fence (release)                 $(at fences.c $(line $P/fences.c 'atomic_thread_fence(memory_order_release);'))  | atomic_thread_fence(memory_order_release);"
has "an atomic's order shows when it is not seq_cst" \
    "    13  T2  atomic store ready <- 1 (relaxed)  $(at fences.c $(line $P/fences.c 'atomic_store_explicit(&ready, 1, memory_order_relaxed);'))  | atomic_store_explicit(&ready, 1, memory_order_relaxed);"

# The C library's string functions are the program's accesses:
# strcpy and snprintf into one buffer race; memcpy under a mutex (and
# snprintf into a thread's own stack) does not.
rl explore $P/strings_race.c --format json
verdict "explore strings_race: strcpy and snprintf into one buffer race" 1 fail \
    'rl1:tests/programs/strings_race.c:main::0x2.1x2.2x2' \
    "race|T2|strings_race.c:$(line $P/strings_race.c 'snprintf(msg, sizeof(msg), "B says %d", 42);')|data race on msg[0..9]: T1 writes at step 6 and T2 writes at step 9, with nothing ordering them (no lock, event, barrier or join in between)"
# A call's access covers the bytes it touched: the races are where they
# meet (two[4..6], line[20], tag[0..2]), the two halves of msg none.
rl explore $P/strings_overlap.c --format json
verdict "explore strings_overlap: the C library's ranges race where they meet" 1 fail \
    'rl1:tests/programs/strings_overlap.c:main::0x2.1x9.2x8' \
    "race|T2|strings_overlap.c:$(line $P/strings_overlap.c 'strcpy(two + 4, "xyz");')|data race on two[4..6]: T1 writes at step 7 and T2 writes at step 17, with nothing ordering them (no lock, event, barrier or join in between)" \
    "race|T2|strings_overlap.c:$(line $P/strings_overlap.c 'strcpy(line, "thirty characters, over line20");')|data race on line[20]: T1 writes at step 8 and T2 writes at step 18, with nothing ordering them (no lock, event, barrier or join in between)" \
    "race|T2|strings_overlap.c:$(line $P/strings_overlap.c 'strcpy(tag, "v2");')|data race on tag[0..2]: T1 reads at step 12 and T2 writes at step 22, with nothing ordering them (no lock, event, barrier or join in between)"
# What a call wrote, as text, in racelab run's event lines.
rl run $P/strings_text.c
has "run strings_text: strcpy's bytes as text" \
    "     5  T1  strcpy msg[0..12] <- \"hello, world\"  $(at strings_text.c 23)  | strcpy(msg, \"hello, world\");"
has "run strings_text: a NUL in the middle, escaped" \
    "     8  T1  memcpy raw[0..9] <- \"key\\0value\"  $(at strings_text.c 24)  | memcpy(raw, \"key\\0value\", 10);"
# puts, fputs and fwrite read the buffer they print: against a write
# into it, a race where the bytes meet; none on the bytes they skip.
rl explore $P/strings_print.c --format json
verdict "explore strings_print: puts / fwrite / fputs race with writes into what they print" 1 fail \
    'rl1:tests/programs/strings_print.c:main::0x2.1x6.2x8' \
    "race|T2|strings_print.c:$(line $P/strings_print.c 'puts(line);')|data race on line[0..12]: T1 writes at step 6 and T2 reads at step 13, with nothing ordering them (no lock, event, barrier or join in between)" \
    "race|T2|strings_print.c:$(line $P/strings_print.c 'fwrite(rec, 1, 8, stdout);')|data race on rec[4]: T1 writes at step 7 and T2 reads at step 15, with nothing ordering them (no lock, event, barrier or join in between)" \
    "race|T2|strings_print.c:$(line $P/strings_print.c 'fputs(note, sink);')|data race on note[0..9]: T1 writes at step 10 and T2 reads at step 19, with nothing ordering them (no lock, event, barrier or join in between)"
rl run $P/strings_print.c
has "run strings_print: what puts read, as text" \
    "     9  T2  puts line[0..12] -> \"hello, world\"  $(at strings_print.c 30)  | puts(line);"
has "run strings_print: what fwrite read, as text" \
    "    13  T2  fwrite rec[0..7] -> \"abcdEfgh\"  $(at strings_print.c 31)  | fwrite(rec, 1, 8, stdout);"
# Plain accesses of different widths are compared by their bytes: an
# int and its second byte race, a union's short half and its int too;
# two bytes of one int do not.
rl explore $P/widths.c --format json
verdict "explore widths: an int and a char inside it race, bytes apart do not" 1 fail \
    'rl1:tests/programs/widths.c:main::0x2.1x6.2x9' \
    "race|T2|widths.c:$(line $P/widths.c 'seen[0] = ((char *)&x)[1];')|data race on x[1]: T1 writes at step 6 and T2 reads at step 13, with nothing ordering them (no lock, event, barrier or join in between)" \
    "race|T2|widths.c:$(line $P/widths.c 'seen[1] = u.w;')|data race on u[2..3]: T1 writes at step 7 and T2 reads at step 15, with nothing ordering them (no lock, event, barrier or join in between)"
# A struct copied by assignment (the compiler's own ranges) is one
# access of all its bytes: a race past its first 8, and on all 32.
rl explore $P/struct_copy.c --format json
verdict "explore struct_copy: a struct assignment covers all its bytes" 1 fail \
    'rl1:tests/programs/struct_copy.c:main::0x2.1x3.2x7' \
    "race|T2|struct_copy.c:$(line $P/struct_copy.c "draft.text[10] = 'N';")|data race on draft[18]: T1 reads at step 7 and T2 writes at step 10, with nothing ordering them (no lock, event, barrier or join in between)" \
    "race|T2|struct_copy.c:$(line $P/struct_copy.c 'seen = board[0];')|data race on board[0..31]: T1 writes at step 6 and T2 reads at step 12, with nothing ordering them (no lock, event, barrier or join in between)"
rl explore $P/log_buffer.c --format json
verdict "explore log_buffer: memcpy under a mutex is no race" 0 pass null

rl explore $P/counter_mutex.c --budget 0.000001 --format json
if [ "$status" -eq 3 ] && [ "$(cat "$tmp/out")" = '{"lab": "tests/programs/counter_mutex.c", "verdict": "incomplete", "failures": [], "schedule": null, "schedules": 0}' ]; then
    pass "a search a safety stop ended is 'incomplete' in JSON, exit 3"
else
    fail "a search a safety stop ended is 'incomplete' in JSON, exit 3" "exit $status" "$(cat "$tmp/out")"
fi

# ---- run: a fixed schedule -------------------------------------------------

rl run $P/counter_race.c -q
has "run counter_race (rr:1): the verdict names the race and its line" \
    "  race     T2   counter_race.c:$L_RACE  data race on counter: T1 writes at step 8 and T2 reads at step 9, with nothing ordering them (no lock, event, barrier or join in between)"
if [ "$status" -eq 1 ]; then pass "a data race fails the run"; else fail "a data race fails the run" "exit $status"; fi
has "the program's output is shown" "counter = 11"
rl run $P/counter_race.c -q --races=report
has "--races=report: the race is no failure" "verdict: no failure"
if [ "$status" -eq 0 ]; then pass "--races=report exits 0"; else fail "--races=report exits 0" "exit $status"; fi
rl run $P/counter_race.c
has "every event line carries file:line and the source" \
    "     5  T1  load counter -> 0               $(at counter_race.c $L_RACE)  | counter++;"
has "the schedule string names the program" \
    "schedule: rl1:tests/programs/counter_race.c:main::1.0.1.2.0.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.1.2.0.2"
rl run $P/counter_mutex.c --sched random:3 --format json
if [ "$status" -eq 0 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["verdict"]=="pass" and d["failures"]==[] and d["schedules"]==1 and d["output"]=="counter = 20\n" and d["schedule"].startswith("rl1:tests/programs/counter_mutex.c:main::")' "$tmp/out"; then
    pass "run counter_mutex --format json: valid, pass, its output"
else
    fail "run counter_mutex --format json: valid, pass, its output" "$(cat "$tmp/out")"
fi
rl run $P/lock_order.c --sched replay:0x2.1x2.2x3 --format json
verdict "run lock_order on the deadlocking schedule" 1 fail \
    'rl1:tests/programs/lock_order.c:main::0x2.1x2.2x3' \
    "deadlock|||deadlock: T0 waits to join T1; T1 holds first, waits for second (held by T2); T2 holds second, waits for first (held by T1)"
rl run $P/cond_if.c --sched replay:0x2.2x4.3x6.1x7.2x4 --format json
verdict "run cond_if on the failing schedule" 1 fail \
    'rl1:tests/programs/cond_if.c:main::0x2.2x4.3x6.1x7.2x4' \
    "assert|T2|cond_if.c:$L_ASSERT|T2: assertion \`items >= 0' failed at cond_if.c:$L_ASSERT in consumer"
rl run $P/exit_thread.c --format json
verdict "run exit_thread: exit(3) in a thread is an exit failure" 1 fail \
    'rl1:tests/programs/exit_thread.c:main::1.0' \
    "exit|T1|exit_thread.c:$L_EXIT|T1 called exit(3) at exit_thread.c:$L_EXIT; still running, not waited for: T0"
if python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["output"] == "giving up\n"' "$tmp/out"; then
    pass "the JSON of a run holds the program's output"
else
    fail "the JSON of a run holds the program's output" "$(cat "$tmp/out")"
fi

rl run unsafe-counter --format json
verdict "--format json works for a lab too: its failed check by name" 1 fail \
    'rl1:unsafe-counter:unsafe:threads=2,iters=3:0.1.0.1.0.1.0.1.0.1.0.1.0' \
    "check|||final value: counter = 3, expected 6: 3 updates lost"

# ---- replay of a printed schedule ------------------------------------------

rl replay --no-tui -q --schedule 'rl1:tests/programs/null_deref.c:main::0x2.1x2.2x2'
has "replay rebuilds the program and crashes where it did" \
    "  crash    T1   null_deref.c:$L_NULL    T1 crashed with SIGSEGV: NULL pointer dereference (address 0)"

rl replay --schedule 'rl1:tests/programs/lock_order.c:main::0x2.1x2.2x3' --format json
verdict "replay --format json: the printed schedule's verdict as one object" 1 fail \
    'rl1:tests/programs/lock_order.c:main::0x2.1x2.2x3' \
    "deadlock|||deadlock: T0 waits to join T1; T1 holds first, waits for second (held by T2); T2 holds second, waits for first (held by T1)"

# ---- sources, flags, arguments, compile errors ----------------------------

mkdir -p "$tmp/src/inc"
cat >"$tmp/src/inc/n.h" <<'C'
int add(int a, int b);
C
cat >"$tmp/src/main.c" <<'C'
#include <stdio.h>
#include "n.h"
int main(int argc, char **argv)
{
    printf("%d %s %d\n", add(N, 1), argc > 1 ? argv[1] : "-", argc);
    return 0;
}
C
cat >"$tmp/src/add.c" <<'C'
int add(int a, int b) { return a + b; }
C
rl run "$tmp/src/main.c" "$tmp/src/add.c" -I "$tmp/src/inc" -DN=41 -q -- hello world
has "two files, -I, -D and the program's arguments" "42 hello 3"
line=$(grep '^replay: ' "$tmp/out")
want="replay:   racelab replay --schedule 'rl1:$tmp/src/main.c+$tmp/src/add.c:main::-' -I$tmp/src/inc -DN=41 -- hello world"
if [ "$line" = "$want" ]; then
    pass "the replay command carries the sources, flags and arguments"
else
    fail "the replay command carries the sources, flags and arguments" "got:  $line" "want: $want"
fi
eval "rl replay --no-tui -q ${line#replay:   racelab replay }"
has "that replay command rebuilds and runs the same program" "42 hello 3"
rl run "$tmp/src" -I"$tmp/src/inc" -D N=1 -q
has "a folder: each .c in it" "2 - 1"
printf '#include <stdio.h>\nint main(void) { int x = ; return 0; }\n' >"$tmp/bad.c"
rl run "$tmp/bad.c"
if [ "$status" -eq 2 ] && grep -qF "bad.c:2:26: error: expected expression" "$tmp/err" &&
    [ "$(tail -n 1 "$tmp/err")" = "racelab: cannot compile $tmp/bad.c" ]; then
    pass "a compile error: the compiler's file:line, exit 2"
else
    fail "a compile error: the compiler's file:line, exit 2" "exit $status" "$(cat "$tmp/err")"
fi
# Without the runtime the build needs, racelab says so in one line: not
# the compiler's error, and no "cannot compile" after it.
RACELAB_LIBDIR=$tmp/nolib rl run "$tmp/bad.c"
if [ "$status" -eq 2 ] &&
    [ "$(cat "$tmp/err")" = "racelab: RACELAB_LIBDIR=$tmp/nolib does not hold librlprt.a" ]; then
    pass "no runtime: one line, exit 2"
else
    fail "no runtime: one line, exit 2" "exit $status" "$(cat "$tmp/err")"
fi
mkdir -p "$tmp/nosrc"
rl run "$tmp/nosrc"
if [ "$status" -eq 2 ] &&
    [ "$(cat "$tmp/err")" = "racelab: the folder $tmp/nosrc holds no .c file" ]; then
    pass "a folder without a .c file: one line, exit 2"
else
    fail "a folder without a .c file: one line, exit 2" "exit $status" "$(cat "$tmp/err")"
fi

# The program's input: a file on racelab's stdin, read from its start by
# every run (sim, each explored schedule, each os run); argv[0] is the
# program's name as `./NAME` calls it.
printf '1 2 3\n4 5\n' >"$tmp/numbers"
timeout 120 "$RACELAB" run $P/stdin_sum.c -q -- 2 <"$tmp/numbers" >"$tmp/out" 2>"$tmp/err"
status=$?
has "a file on stdin is the program's input" "5 numbers, total 15"
timeout 120 "$RACELAB" explore $P/stdin_sum.c -- 2 <"$tmp/numbers" >"$tmp/out" 2>"$tmp/err"
has "explore: every schedule reads the same input" \
    "all 69 schedules with up to 2 preemptions: no failure"
timeout 120 "$RACELAB" run $P/stdin_sum.c --backend os --runs 3 -- 2 \
    <"$tmp/numbers" >"$tmp/out" 2>"$tmp/err"
has "os: each run reads the file from its start" \
    "       3  exit 0     5 numbers, total 15"
rl run $P/stdin_sum.c -q -- 9
has "argv[0] is ./NAME, as the program would be called" \
    "usage: ./stdin_sum THREADS < NUMBERS"
rl run $P/stdin_sum.c --backend os -- 9
has "os: argv[0] is ./NAME too" "       1  exit 2     usage: ./stdin_sum THREADS < NUMBERS"
# A pipe on stdin: read once into a temporary file (in $TMPDIR, without
# a name: nothing left however racelab ends) that every run reads from
# its start, as a file.
mkdir -p "$tmp/stdin-tmp"
printf '1 2 3\n4 5\n' | TMPDIR=$tmp/stdin-tmp timeout 120 "$RACELAB" run \
    $P/stdin_sum.c -q -- 2 >"$tmp/out" 2>"$tmp/err"
status=$?
has "a pipe on stdin is the program's input" "5 numbers, total 15"
if [ "$status" -eq 0 ] && [ ! -s "$tmp/err" ]; then pass "a pipe on stdin: nothing said"; else
    fail "a pipe on stdin: nothing said" "exit $status" "$(cat "$tmp/err")"
fi
TMPDIR=$tmp/stdin-tmp timeout 120 "$RACELAB" explore $P/stdin_sum.c -- 2 \
    < <(printf '1 2 3\n4 5\n') >"$tmp/out" 2>"$tmp/err"
has "explore < <(cmd): every schedule reads the whole input" \
    "all 69 schedules with up to 2 preemptions: no failure"
printf '1 2 3\n4 5\n' | TMPDIR=$tmp/stdin-tmp timeout 120 "$RACELAB" run \
    $P/stdin_sum.c --backend os --runs 3 -- 2 >"$tmp/out" 2>"$tmp/err"
has "os: each run reads the piped input from its start" \
    "       3  exit 0     5 numbers, total 15"
printf '1 2 3\n4 5\n' | TMPDIR=$tmp/stdin-tmp timeout 120 "$RACELAB" run \
    $P/stdin_sum.c --format json -- 2 >"$tmp/out" 2>"$tmp/err"
sched=$(sed -n 's/.*"schedule": "\([^"]*\)".*/\1/p' "$tmp/out")
printf '1 2 3\n4 5\n' | TMPDIR=$tmp/stdin-tmp timeout 120 "$RACELAB" replay \
    --schedule "$sched" --no-tui -- 2 >"$tmp/out" 2>"$tmp/err"
has "replay: the piped input too" "5 numbers, total 15"
head -c $((64 * 1024 * 1024 + 1)) /dev/zero | TMPDIR=$tmp/stdin-tmp timeout 120 \
    "$RACELAB" run $P/stdin_sum.c -q -- 1 >"$tmp/out" 2>"$tmp/err"
status=$?
if [ "$status" -eq 2 ] && [ "$(cat "$tmp/err")" = "racelab: the program's stdin is more than 64 MiB: give it a file (racelab run $P/stdin_sum.c < FILE)" ]; then
    pass "a pipe of more than 64 MiB: one line, exit 2"
else
    fail "a pipe of more than 64 MiB: one line, exit 2" "exit $status" "$(head -c 300 "$tmp/err")"
fi
# stopped while it reads the pipe: nothing left in $TMPDIR either
mkfifo "$tmp/fifo"
TMPDIR=$tmp/stdin-tmp timeout 120 "$RACELAB" run $P/stdin_sum.c -q -- 1 \
    <"$tmp/fifo" >"$tmp/out" 2>"$tmp/err" &
pid=$!
exec 7>"$tmp/fifo"
echo 1 >&7
kill -TERM $pid
wait $pid
status=$?
exec 7>&-
if [ "$status" -ne 0 ] && [ -z "$(ls -A "$tmp/stdin-tmp")" ]; then
    pass "the temporary file is never left behind"
else
    fail "the temporary file is never left behind" "exit $status" "$(ls -A "$tmp/stdin-tmp")"
fi

# The compiler's warnings (-Wall) of a build, on stderr, once per command:
# for run, explore, replay and --backend os alike, again when the build
# comes from the cache, and nothing for a clean program. stdout stays one
# JSON object. gcc's and clang's words differ: the lines are matched by
# file:line and "warning".
W=tests/fixtures/warnings/uninit.c
L_UNINIT=$(line $W 'total += u;')
L_NORET=$(($(line $W 'return v / 2;') + 1))
# warned NAME: the last rl's stderr has both warnings, each once, and
# stdout is one JSON object on one line.
warned() {
    local n1 n2
    n1=$(grep -cE "^$W:$L_UNINIT:[0-9]+: warning: " "$tmp/err")
    n2=$(grep -cE "^$W:$L_NORET:[0-9]+: warning: " "$tmp/err")
    if [ "$n1" = 1 ] && [ "$n2" = 1 ]; then pass "$1"; else
        fail "$1" "uninit $n1, no return $n2 (want 1, 1)" "stderr: $(head -c 600 "$tmp/err")"
    fi
}
wcache=$tmp/wcache
RACELAB_CACHE=$wcache timeout 120 "$RACELAB" run $W --format json \
    </dev/null >"$tmp/out" 2>"$tmp/err"
status=$?
warned "run: the compiler's warnings on stderr, file:line"
if [ "$status" -eq 0 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
    grep -q '^{"lab": ".*"verdict": "pass".*"output": "2\\n"}$' "$tmp/out"; then
    pass "run --format json: stdout is still one JSON object"
else
    fail "run --format json: stdout is still one JSON object" "exit $status" "$(cat "$tmp/out")"
fi
RACELAB_CACHE=$wcache timeout 120 "$RACELAB" run $W -q </dev/null >"$tmp/out" 2>"$tmp/err"
warned "run again: the cached build shows its warnings again"
if [ "$(ls "$wcache" | grep -c '^program-')" = 2 ]; then
    pass "the warnings are kept with the cached build"
else
    fail "the warnings are kept with the cached build" "$(ls "$wcache")"
fi
RACELAB_CACHE=$wcache timeout 120 "$RACELAB" explore $W </dev/null >"$tmp/out" 2>"$tmp/err"
warned "explore: the warnings too"
RACELAB_CACHE=$wcache timeout 120 "$RACELAB" replay --schedule "rl1:$W:main::-" \
    --no-tui </dev/null >"$tmp/out" 2>"$tmp/err"
warned "replay: the warnings too"
RACELAB_CACHE=$wcache timeout 120 "$RACELAB" run $W --backend os </dev/null \
    >"$tmp/out" 2>"$tmp/err"
warned "--backend os: the warnings too"
RACELAB_CACHE=$wcache timeout 120 "$RACELAB" run $P/stdin_sum.c -q -- 1 \
    </dev/null >"$tmp/out" 2>"$tmp/err"
if [ ! -s "$tmp/err" ]; then pass "a clean program: nothing on stderr"; else
    fail "a clean program: nothing on stderr" "$(head -c 300 "$tmp/err")"
fi

# A program in a folder, with a header: a struct with a mutex inside is
# named by its variable ("x"), not as an array element ("x[0]").
mkdir -p "$tmp/bank"
cat >"$tmp/bank/account.h" <<'C'
#include <pthread.h>
struct account {
    pthread_mutex_t lock;
    long balance;
};
void account_transfer(struct account *from, struct account *to, long n);
C
cat >"$tmp/bank/account.c" <<'C'
#include "account.h"
void account_transfer(struct account *from, struct account *to, long n)
{
    pthread_mutex_lock(&from->lock);
    pthread_mutex_lock(&to->lock);
    from->balance -= n;
    to->balance += n;
    pthread_mutex_unlock(&to->lock);
    pthread_mutex_unlock(&from->lock);
}
C
cat >"$tmp/bank/main.c" <<'C'
#include <stdio.h>
#include "account.h"
static struct account x = {PTHREAD_MUTEX_INITIALIZER, 100};
static struct account y = {PTHREAD_MUTEX_INITIALIZER, 100};
static void *pay(void *arg)
{
    (void)arg;
    account_transfer(&x, &y, 10);
    return NULL;
}
static void *refund(void *arg)
{
    (void)arg;
    account_transfer(&y, &x, 5);
    return NULL;
}
int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, pay, NULL);
    pthread_create(&b, NULL, refund, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("x=%ld y=%ld\n", x.balance, y.balance);
    return 0;
}
C
rl explore "$tmp/bank" --format json
verdict "a folder with a header: the transfer deadlock, locks named by account and member" 1 fail \
    "rl1:$tmp/bank:main::0x2.1x2.2x3" \
    "deadlock|||deadlock: T0 waits to join T1; T1 holds x.lock, waits for y.lock (held by T2); T2 holds y.lock, waits for x.lock (held by T1)"

# ---- isolation: what the program does to its process ---------------------

cat >"$tmp/fork.c" <<'C'
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
    pid_t p = fork();
    if (p == 0)
        return 0;
    waitpid(p, NULL, 0);
    printf("parent\n");
    return 0;
}
C
rl run "$tmp/fork.c" --format json
verdict "fork() ends the run with a report" 1 fail "rl1:$tmp/fork.c:main::-" \
    "crash|T0|fork.c:6|T0 called fork() at fork.c:6: sim runs the program as one process (run the real program with --backend os)"
cat >"$tmp/perror.c" <<'C'
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
static void *fail(void *arg)
{
    errno = ENOENT;
    perror("open config");
    dprintf(2, "T%ld gives up\n", (long)arg);
    return NULL;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, fail, (void *)1L);
    pthread_join(t, NULL);
    return 0;
}
C
rl run "$tmp/perror.c"
has "perror is an output step with errno's text" \
    '     5  T1  output "open config: No such file or directory\n"  perror.c:7     | perror("open config");'
has "dprintf to stderr is one too" \
    '     6  T1  output "T1 gives up\n"          perror.c:8     | dprintf(2, "T%ld gives up\n", (long)arg);'
cat >"$tmp/clockwait.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <time.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static sem_t s;
static void *nap(void *arg)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += 60;
    pthread_mutex_lock(&m);
    int r = pthread_cond_clockwait(&c, &m, CLOCK_MONOTONIC, &ts);
    pthread_mutex_unlock(&m);
    int r2 = sem_clockwait(&s, CLOCK_MONOTONIC, &ts);
    printf("%d %d %d\n", r == ETIMEDOUT, r2 == -1, errno == ETIMEDOUT);
    return arg;
}
int main(void)
{
    pthread_t t;
    sem_init(&s, 0, 0);
    pthread_create(&t, NULL, nap, NULL);
    pthread_join(t, NULL);
    return 0;
}
C
rl run "$tmp/clockwait.c" -q
has "pthread_cond_clockwait and sem_clockwait time out in virtual time" "1 1 1"
cat >"$tmp/cancel.c" <<'C'
#include <pthread.h>
#include <unistd.h>
static void *loop(void *arg)
{
    for (;;)
        sleep(1);
    return arg;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, loop, NULL);
    pthread_cancel(t);
    pthread_join(t, NULL);
    return 0;
}
C
rl run "$tmp/cancel.c" --format json
verdict "a call sim cannot do ends the run and names itself" 1 fail "rl1:$tmp/cancel.c:main::-" \
    "crash|T0|cancel.c:13|T0 called pthread_cancel() at cancel.c:13: not supported on sim (run the real program with --backend os)"
cat >"$tmp/signal.c" <<'C'
#include <signal.h>
int main(void)
{
    raise(SIGTERM);
    return 0;
}
C
rl run "$tmp/signal.c" --format json
verdict "a signal the program sends itself ends the run with a report" 1 \
    fail "rl1:$tmp/signal.c:main::-" \
    "crash|T0||crash: SIGTERM (terminated) in T0 after step 1"
cat >"$tmp/lastwords.c" <<'C'
#include <pthread.h>
#include <stdio.h>
static int *p;
static void *f(void *a)
{
    printf("last words, no newline");
    *p = 1;
    return a;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, f, NULL);
    pthread_join(t, NULL);
    return 0;
}
C
rl run "$tmp/lastwords.c"
has "an output step just before a crash keeps its text" \
    '     5  T1  output "last words, no newline"  lastwords.c:6     | printf("last words, no newline");'
# A C program's condition variable in its own words in racelab's report
# (the child tells racelab which objects are the program's).
rl run $P/cond_while.c
has "run: pthread_cond_signal is cond_signal, not notify" \
    "    20  T3  cond_signal more (wakes T1)     cond_while.c:35"
has "run: a woken cond_wait is signalled and relocks its mutex" \
    "    23  T1  cond_wait more: signalled, relocked m  cond_while.c:22"
# A signal with no waiter, then a wait that never looks at ready: the
# analysis names the lost wakeup, where the signal was sent, and the fix
# once; the same signal before a `while (!ready)` wait is no finding.
L_SIGNAL=$(line $P/lost_wakeup.c 'pthread_cond_signal(&c);')
rl run $P/lost_wakeup.c
has "run: a signal nobody waited for, then a wait for ever, is a lost wakeup" \
    "  lost wakeup on c: T1 called cond_signal at step 10 (lost_wakeup.c:$L_SIGNAL) when no thread was waiting, so it woke nobody; T2 began cond_wait at step 14 and still waits: nothing signalled c again"
has "run: the lost wakeup's fix, in the program's names" \
    "  hint: a signal wakes only a thread already waiting; wait in a loop on a condition the signaller sets: while (!ready) pthread_cond_wait(&c, &m);"
# --format json: the deadlock's failure says why ("why"), one object; a
# deadlock with no lost wakeup has no "why".
rl run $P/lost_wakeup.c --format json
why=$(python3 -c 'import json, sys
for f in json.load(open(sys.argv[1]))["failures"]:
    print(f["kind"] + "|" + f.get("why", "-"))' "$tmp/out" 2>&1)
if [ "$status" -eq 1 ] && [ "$why" = "deadlock|lost wakeup on c: T1 called cond_signal at step 10 (lost_wakeup.c:$L_SIGNAL) when no thread was waiting, so it woke nobody; T2 began cond_wait at step 14 and still waits: nothing signalled c again" ]; then
    pass "run --format json: the deadlock's failure carries its lost wakeup"
else
    fail "run --format json: the deadlock's failure carries its lost wakeup" \
        "exit $status" "got: $why"
fi
rl explore $P/lock_order.c --format json
if [ "$status" -eq 1 ] && ! grep -q '"why"' "$tmp/out"; then
    pass "explore --format json: a lock-order deadlock has no why"
else
    fail "explore --format json: a lock-order deadlock has no why" \
        "exit $status" "got: $(head -c 400 "$tmp/out")"
fi
rl run $P/wakeup_while.c
has "run: a signal with no waiter before a while loop that never waits is fine" \
    "analysis: no data race, no lost update, no lost wakeup"
has "run: ... though its signal found no waiter" \
    "    10  T1  cond_signal c (no waiter)       wakeup_while.c:$L_SIGNAL"
# The same program in two folders is two builds: the executable's debug
# information points at its own folder, where the source lines are read.
mkdir -p "$tmp/copy1" "$tmp/copy2"
cp "$tmp/lastwords.c" "$tmp/copy1/same.c"
cp "$tmp/lastwords.c" "$tmp/copy2/same.c"
RACELAB_ABS=$(cd "$(dirname "$RACELAB")" && pwd)/$(basename "$RACELAB")
(cd "$tmp/copy1" && timeout 120 "$RACELAB_ABS" run same.c </dev/null >/dev/null 2>&1)
rm -rf "$tmp/copy1"
(cd "$tmp/copy2" && timeout 120 "$RACELAB_ABS" run same.c </dev/null >"$tmp/out" 2>"$tmp/err")
has "a copy in another folder shows its own source lines" \
    '     5  T1  output "last words, no newline"  same.c:6     | printf("last words, no newline");'
cat >"$tmp/spin.c" <<'C'
#include <pthread.h>
static void *spin(void *arg)
{
    for (volatile unsigned long i = 0;; i++)
        ;
    return arg;
}
int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, spin, NULL);
    pthread_join(t, NULL);
    return 0;
}
C
rl run "$tmp/spin.c" --format json
verdict "a loop without a shared access is a hang, not a hung racelab" 1 \
    fail "rl1:$tmp/spin.c:main::1" "hang|||did not finish: T1 ran for 2 s of CPU time*"

# ---- values that are addresses ----------------------------------------------

# A pointer reads as the memory it points into (&NAME, &NAME+OFF), in the
# event lines, the lost-update mark, the final state and the analysis; the
# addresses differ from run to run, the text does not.
L_ALLOC=$(line $P/pointers.c 'struct node *n = malloc(sizeof *n);')
L_HEAD=$(line $P/pointers.c 'head = n;')
L_LINK=$(line $P/pointers.c 'last_link = &n->next;')
L_SLOT=$(line $P/pointers.c 'slot = &slots[n->v + 2];')
H1="heap#1@pointers.c:$L_ALLOC"
H2="heap#2@pointers.c:$L_ALLOC"
S_PTR='rl1:tests/programs/pointers.c:main::1.0.1.2.0.1.2.0.1.2.1.2.1.2.1.2.1.2.0.2'
rl run $P/pointers.c
cp "$tmp/out" "$tmp/pointers.1"
has "a pointer to a heap block: &its name" \
    "    13  T1  store head <- &$H1  $(at pointers.c $L_HEAD)  | head = n;"
has "the lost update names both blocks" \
    "    16  T2  store head <- &$H2  $(at pointers.c $L_HEAD)  | head = n;   ! lost update: overwrites T1's &$H1 (step 13)"
has "a pointer inside a block: &its name and the member" \
    "    15  T1  store last_link <- &$H1.next  $(at pointers.c $L_LINK)  | last_link = &n->next;"
has "a pointer into a global array: &array[index]" \
    "    19  T1  store slot <- &slots[3]         $(at pointers.c $L_SLOT)  | slot = &slots[n->v + 2];"
has "0 stays 0 (no guess of NULL)" \
    "     8  T1  load head -> 0                  $(at pointers.c $((L_HEAD - 1)))  | n->next = head;"
has "final state: head, in words (the blocks' members by name)" "  head                       = &$H2"
has "final state: a pointer inside a block" "  last_link                  = &$H2.next"
has "final state: a pointer into a global" "  slot                       = &slots[4]"
has "final state: a null pointer is 0" "  marker                     = 0"
L_SPARE=$(line $P/pointers.c 'struct node *s = malloc(sizeof *s);')
has "a store just before the free: the block as it was" \
    "    30  T0  store spare <- &heap#3@pointers.c:$L_SPARE  $(at pointers.c $((L_SPARE + 1)))  | spare = s;"
has "final state: a pointer to a freed block says so" \
    "  spare                      = &heap#3@pointers.c:$L_SPARE (freed)"
has "the analysis' lost update, in words" \
    "  lost update on head: T2 loaded 0 at step 12, T1 stored &$H1 at step 13, then T2 stored &$H2 at step 16 over it"
has "the schedule string has no address in it" "schedule: $S_PTR"
rl run $P/pointers.c
if cmp -s "$tmp/out" "$tmp/pointers.1"; then
    pass "two runs print the same bytes (the addresses differ)"
else
    fail "two runs print the same bytes (the addresses differ)" \
        "$(diff "$tmp/pointers.1" "$tmp/out" | head -n 6)"
fi
rl replay --no-tui --schedule "$S_PTR"
if [ "$(tail -n +2 "$tmp/out")" = "$(tail -n +2 "$tmp/pointers.1")" ]; then
    pass "replay: the same lines, pointers included"
else
    fail "replay: the same lines, pointers included" \
        "$(diff "$tmp/pointers.1" "$tmp/out" | head -n 6)"
fi
rl run $P/pointers.c --format json
expect "--format json: the exact object, no address in it" 1 \
    "{\"lab\": \"tests/programs/pointers.c\", \"verdict\": \"fail\", \"failures\": [{\"kind\": \"exit\", \"thread\": \"T0\", \"where\": \"\", \"message\": \"main returned 1\"}], \"schedule\": \"$S_PTR\", \"schedules\": 1, \"output\": \"1 nodes\\n\"}"

# ---- os: the real program ---------------------------------------------------

rl run $P/counter_mutex.c --backend os --runs 3
has "os: the real program, 3 runs, one outcome" "       3  exit 0     counter = 20"
rl run $P/exit_thread.c --backend os --runs 2
has "os: exit status 3 in the histogram" "       2  exit 3     giving up"
if [ "$status" -eq 1 ]; then pass "os: a failed run exits 1"; else fail "os: a failed run exits 1" "exit $status"; fi

# ---- the TUI ---------------------------------------------------------------

T() { tmux -L "$SOCK" -f /dev/null "$@"; }
wait_for() {
    local i=0
    while [ $i -lt 600 ]; do
        if T capture-pane -p -t tui | grep -qF -- "$1"; then
            return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}
check() {
    if wait_for "$2"; then pass "$1"; else
        fail "$1" "no '$2'" "$(T capture-pane -p -t tui)"
    fi
}
if command -v tmux >/dev/null 2>&1; then
    # a session that outlives each TUI's: killing the last session ends
    # the server, and the next new-session could reach it while it dies
    T new-session -d -s keep -x 20 -y 5 "sleep 3600"
    T new-session -d -s tui -x 80 -y 24 \
        "$RACELAB tui $P/counter_race.c; echo EXITED:\$?; sleep 600"
    check "tui prog.c opens the program" "racelab | tests/programs/counter_race.c | main"
    T send-keys -t tui n n n n n n n n
    check "T1's load of counter, with its line, in its lane" \
        "  5                     counter->0 @$L_RACE"
    check "two worker lanes" "#    T0 #join T1      T1 ready         T2 ready"
    check "the status line: file:line and the source" \
        " step 8: counter_race.c:$L_RACE counter++; | paused"
    T send-keys -t tui x
    check "x finds the failing schedule" \
        "found after 1 schedule (0 preemptions): fails 'no data race'"
    T send-keys -t tui f
    check "f shows the race where it happens" \
        " 28>                                   ~ c->10 @$L_RACE"
    T send-keys -t tui b
    check "b: the real program is the command line's" \
        " a C program runs on sim here; the real program: racelab run"
    # a message longer than the key line takes two rows, never cut
    check "b: the command, whole, on the row below" \
        " tests/programs/counter_race.c --backend os --runs 100"
    T send-keys -t tui q
    check "q quits, the terminal given back" "EXITED:0"
    T kill-session -t tui
    T new-session -d -s tui -x 80 -y 24 \
        "$RACELAB tui $P/pointers.c; echo EXITED:\$?; sleep 600"
    check "tui pointers.c opens" "racelab | tests/programs/pointers.c | main"
    T send-keys -t tui n n n n n n n n n n n n n n n n
    check "the lost update in words under its row" \
        "       stored &$H1 at step 13, then"
    # (the panel wraps it: "last_link =", "    &heap#1@pointers.c:", "23+8")
    check "the state panel: a pointer, in words" "|     &heap#1@pointers.c:"
    # (narrow: the value without its allocation site, the line still there)
    check "the lane: a pointer stored, in words" "! h<-&heap#2 @29"
    # (the value as the lanes' short names write it: h#1.n is the lane's
    # heap#1@pointers.c:25.next, the member the pointer points to)
    check "the lane: a pointer into a block, in words" "ll<-&h#1.n @30"
    T send-keys -t tui q
    check "q quits again" "EXITED:0"
    T kill-session -t tui
    # the compiler's warnings: one line in the status area, all of them
    # on the terminal once the TUI has closed
    T new-session -d -s tui -x 80 -y 24 \
        "$RACELAB tui $W; echo EXITED:\$?; sleep 600"
    check "tui: the warnings in the message line" \
        " 2 compiler warnings (listed when racelab ends):"
    check "tui: the first one, wrapped below" " $W:$L_NORET:1: warning: "
    T send-keys -t tui q
    check "q quits, the warnings printed after" "EXITED:0"
    check "the warnings on the terminal given back" "$W:$L_UNINIT:"
else
    fail "tmux is not installed (make deps installs it)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
