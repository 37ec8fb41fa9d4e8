#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/conventions.sh - what a new user expects of a command-line
# program, checked on the real binary ($RACELAB): a man page that lints
# (mandoc -T lint) and covers every command and option; bash completion of
# commands, options, labs, variants, parameters and exercises, generated
# from the registry; `make install` putting the program, the page and the
# completions in place; a LICENSE; a README whose examples run as written.
#
# One line per check, then "N passed, M failed"; exits non-zero on failure.

set -u
cd "$(dirname "$0")/../.." || exit 1

RACELAB=${RACELAB:-./racelab}
if [ ! -x "$RACELAB" ]; then
    echo "e2e/conventions: no racelab binary at '$RACELAB' (set RACELAB)"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/e2e-conv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
PAGE=tui/cli/racelab.1

. "$(dirname "$0")/lib/tally.sh"

# expect_eq NAME GOT WANT
expect_eq() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1" "got:    $2" "wanted: $3"
    fi
}

# ---- the man page ----------------------------------------------------------

if command -v mandoc >/dev/null 2>&1; then
    out=$(mandoc -T lint "$PAGE" 2>&1)
    expect_eq "mandoc -T lint: no message" "$out" ""
    mandoc -T ascii "$PAGE" | sed 's/.\x08//g' >"$tmp/page.txt"
else
    fail "mandoc is installed (make deps installs it)"
    : >"$tmp/page.txt"
fi
if grep -q '^NAME' "$tmp/page.txt" && grep -q 'racelab - a terminal lab' "$tmp/page.txt"; then
    pass "the page renders: NAME"
else
    fail "the page renders: NAME" "$(head -5 "$tmp/page.txt")"
fi

# Every command that `racelab --help` lists, and every option its usage
# names, is in the page.
commands=$("$RACELAB" --help </dev/null | sed -n '/^commands:/,/^$/p' |
    awk 'NF > 1 { print $1 }')
missing=""
for c in $commands; do
    grep -qE "^\.It Cm $c( |$)" "$PAGE" || missing="$missing $c"
    for o in $("$RACELAB" help "$c" </dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
        grep -qF -- "$o" "$tmp/page.txt" || missing="$missing $c:$o"
    done
done
expect_eq "the page covers every command and option" "$missing" ""
if [ "$(echo "$commands" | wc -w)" -ge 7 ]; then
    pass "the commands were found in --help"
else
    fail "the commands were found in --help" "$commands"
fi

# ---- bash completion ---------------------------------------------------------

# complete WORDS...: the candidates bash offers for the last word, joined
# by spaces (the completion function, as bash calls it).
complete_words() {
    bash -c '
        source tui/cli/completion/racelab.bash
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        _racelab
        printf "%s\n" "${COMPREPLY[@]}"
    ' _ "$RACELAB" "$@" | paste -sd' ' -
}

expect_eq "complete: commands" "$(complete_words r)" "run replay"
expect_eq "complete: every command" "$(complete_words '')" \
    "tui list run replay explore grade help --help --version"
expect_eq "complete: a lab" "$(complete_words run unsafe-c)" "unsafe-counter"
expect_eq "complete: an option" "$(complete_words run unsafe-counter --var)" \
    "--variant"
expect_eq "complete: the variants of the lab named" \
    "$(complete_words run locked-counter --variant '')" \
    "locked coarse early-release"
expect_eq "complete: a parameter" \
    "$(complete_words explore producer-consumer --set c)" \
    "consumers= capacity="
expect_eq "complete: a backend" "$(complete_words run unsafe-counter --backend '')" \
    "sim os"
expect_eq "complete: an exercise" "$(complete_words grade bounded_)" \
    "bounded_semaphore bounded_buffer"
expect_eq "complete: a format" "$(complete_words grade --format j)" "json junit"
expect_eq "complete: a scheduler" "$(complete_words run unsafe-counter --sched r)" \
    "rr:1 random: replay:"
expect_eq "complete: the timeouts marker of random" \
    "$(complete_words run unsafe-counter --sched random:5:t)" "random:5:timeouts"
expect_eq "complete: the timeouts marker of pct" \
    "$(complete_words run unsafe-counter --sched pct:1:3)" "pct:1:3:timeouts"
expect_eq "complete: no marker before the numbers" \
    "$(complete_words run unsafe-counter --sched pct:1)" ""
expect_eq "complete: a file option offers nothing (bash lists files)" \
    "$(complete_words run unsafe-counter --trace '')" ""
expect_eq "complete: help COMMAND" "$(complete_words help ex)" "explore"
# Generated from the registry: every lab completes, in registry order.
expect_eq "complete: every lab of the registry" \
    "$(complete_words run '')" \
    "$("$RACELAB" list --names </dev/null | paste -sd' ' -)"

# ---- zsh completion (when zsh is installed; .ci/run installs it) -------------

# zcomplete WORDS...: what _racelab hands to compadd (or "(files)" when it
# falls back to file names), with compadd and _files stubbed.
zcomplete() {
    zsh -fc '
        compadd() { while [[ $1 != -- ]]; do shift; done; shift
                    (( $# )) && print -l -- "$@"; }
        _files() { print "(files)"; }
        words=("$@"); CURRENT=$#
        source tui/cli/completion/_racelab
    ' _ "$RACELAB" "$@" | paste -sd' ' -
}

if command -v zsh >/dev/null 2>&1; then
    expect_eq "zsh: commands" "$(zcomplete r)" "run replay"
    expect_eq "zsh: a lab" "$(zcomplete run unsafe-c)" "unsafe-counter"
    expect_eq "zsh: parameters" "$(zcomplete run locked-counter --set '')" \
        "threads= iters="
    expect_eq "zsh: variants" "$(zcomplete run rlock-nesting --variant '')" \
        "lock rlock"
    expect_eq "zsh: exercises" "$(zcomplete grade bounded_)" \
        "bounded_semaphore bounded_buffer"
    expect_eq "zsh: files for --trace" "$(zcomplete run x --trace '')" "(files)"
else
    echo "skip: zsh is not installed (the zsh completion checks)"
fi

# ---- make install -------------------------------------------------------------

# Install into a private root (the binary under test, not rebuilt).
root=$tmp/root
builddir=build
[ "$(cd "$(dirname "$RACELAB")" && pwd)" = "$(pwd)" ] ||
    builddir=$(dirname "$RACELAB")
if env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory \
    -o "$RACELAB" PROG="$RACELAB" BUILD="$builddir" DESTDIR="$root" \
    PREFIX=/usr install \
    >"$tmp/install.log" 2>&1; then
    pass "make install DESTDIR=... PREFIX=/usr"
else
    fail "make install DESTDIR=... PREFIX=/usr" "$(tail -5 "$tmp/install.log")"
fi
for f in bin/racelab share/man/man1/racelab.1 \
    share/bash-completion/completions/racelab share/zsh/site-functions/_racelab \
    share/racelab/core/racelab.h share/racelab/exercises/counter.h \
    share/racelab/exercises/impl/counter.c share/racelab/librlex.a \
    share/racelab/librlprt.a share/racelab/plainc/flags.sh \
    share/racelab/core/plainc/rlprt_begin.o \
    share/racelab/core/plainc/rlprt_end.o; do
    if [ -f "$root/usr/$f" ]; then
        pass "installed: $f"
    else
        fail "installed: $f"
    fi
done
if "$root/usr/bin/racelab" --version </dev/null | grep -q '^racelab '; then
    pass "the installed racelab runs"
else
    fail "the installed racelab runs"
fi
# Its flags name the installed runtime, not the build tree.
expect_eq "installed flags.sh: the runtime's paths" \
    "$(grep -E '^PLAINC_(BEGIN|END|LIB)=' "$root/usr/share/racelab/plainc/flags.sh")" \
    "PLAINC_BEGIN='/usr/share/racelab/core/plainc/rlprt_begin.o'
PLAINC_END='/usr/share/racelab/core/plainc/rlprt_end.o'
PLAINC_LIB='/usr/share/racelab/librlprt.a'"
if MANPAGER=cat man -l "$root/usr/share/man/man1/racelab.1" 2>/dev/null |
    grep -q 'replay'; then
    pass "man -l reads the installed page"
else
    fail "man -l reads the installed page"
fi

# Installed under a real prefix (no DESTDIR), racelab builds and runs a
# plain C program from share/racelab alone, far from the build tree.
pfx=$tmp/pfx
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory \
    -o "$RACELAB" PROG="$RACELAB" BUILD="$builddir" PREFIX="$pfx" install \
    >"$tmp/install2.log" 2>&1 || fail "make install PREFIX=..." "$(tail -5 "$tmp/install2.log")"
mkdir -p "$tmp/away"
printf '%s\n' '#include <assert.h>' 'int main(void) { assert(0); }' \
    >"$tmp/away/one.c"
out=$(cd "$tmp/away" && env -u RACELAB_HOME -u RACELAB_LIBDIR \
    "$pfx/bin/racelab" run one.c -q 2>&1)
st=$?
expect_eq "the installed racelab runs a C program: status" "$st" 1
expect_eq "the installed racelab runs a C program: verdict" \
    "$(printf '%s\n' "$out" | grep -A1 '^verdict:')" \
    "verdict: 1 failure
  assert   T0   one.c:2            T0: assertion \`0' failed at one.c:2 in main"

# The installed racelab and this tree's exercises: its home
# (share/racelab) has the headers, not the student's files, so it builds
# the student variant from the checkout it runs in (a copy here, its
# counter.c the reference), as ./racelab does; anywhere else it says in
# one line what to pass.
co=$tmp/checkout
mkdir -p "$co/core" "$co/exercises"
cp core/racelab.h "$co/core/"
cp exercises/*.h "$co/exercises/"
cp solutions/counter.c "$co/exercises/counter.c"
out=$(cd "$co" && env -u RACELAB_HOME -u RACELAB_LIBDIR \
    "$pfx/bin/racelab" run counter --variant student -q </dev/null 2>&1)
st=$?
expect_eq "installed, in a checkout: run --variant student builds its exercises/" \
    "$st $(printf '%s\n' "$out" | grep -E '^result:')" \
    "0 result: PASS (4 of 4 checks hold)"
sched=$(printf '%s\n' "$out" | sed -n "s/^schedule: //p")
out=$(cd "$co" && env -u RACELAB_HOME -u RACELAB_LIBDIR \
    "$pfx/bin/racelab" replay --schedule "$sched" --no-tui -q </dev/null 2>&1)
expect_eq "installed, in a checkout: its replay command" \
    "$? $(printf '%s\n' "$out" | grep -E '^result:')" "0 result: PASS (4 of 4 checks hold)"
out=$(cd "$co" && env -u RACELAB_HOME -u RACELAB_LIBDIR \
    "$pfx/bin/racelab" grade counter --no-stress --budget 60 </dev/null 2>&1)
st=$?
expect_eq "installed, in a checkout: grade grades its exercises/" \
    "$st $(printf '%s\n' "$out" | grep -E '^counter \(|^  counter: ')" \
    "0 counter (exercises/counter.c)
  counter: 15/15 points"
out=$(cd "$tmp/away" && env -u RACELAB_HOME -u RACELAB_LIBDIR \
    "$pfx/bin/racelab" run counter --variant student -q </dev/null 2>&1)
st=$?
expect_eq "installed, elsewhere: run --variant student says what to pass" "$st $out" \
    "2 racelab: there is no exercises/counter.c here: racelab's home $pfx/share/racelab holds the headers, not the exercises; run racelab in the racelab checkout that has exercises/, or give the file: --submission counter.c"
out=$(cd "$tmp/away" && env -u RACELAB_HOME -u RACELAB_LIBDIR \
    "$pfx/bin/racelab" grade --no-stress </dev/null 2>&1)
st=$?
expect_eq "installed, elsewhere: grade says what to pass" "$st $out" \
    "2 racelab: there is no exercises/ here to grade: racelab's home $pfx/share/racelab holds the headers, not the exercises; run racelab grade in the racelab checkout that has exercises/, or grade a submission: racelab grade --submission DIR"
cp solutions/counter.c "$tmp/away/counter.c"
out=$(cd "$tmp/away" && env -u RACELAB_HOME -u RACELAB_LIBDIR \
    "$pfx/bin/racelab" run counter --variant student --submission counter.c -q </dev/null 2>&1)
expect_eq "installed, elsewhere: --submission FILE runs" \
    "$? $(printf '%s\n' "$out" | grep -E '^result:')" "0 result: PASS (4 of 4 checks hold)"

# ---- LICENSE and README --------------------------------------------------------

if [ "$(head -1 LICENSE)" = "MIT License" ] &&
    grep -qxF 'Copyright (c) 2026 the racelab authors' LICENSE; then
    pass "LICENSE: MIT, the racelab authors"
else
    fail "LICENSE: MIT, the racelab authors"
fi
other=$(grep -rL 'SPDX-License-Identifier: MIT' core/*.[ch] labs/*.[ch] \
    tui/*/*.[ch] 2>/dev/null | paste -sd' ' -)
expect_eq "every source says MIT, as LICENSE does" "$other" ""

# The README's examples run the program as ./racelab, never a bare racelab
# that a fresh checkout does not have on PATH.
bare=$(awk '/^```/ { inblock = !inblock; next } inblock && /^racelab / { print NR }' README.md |
    paste -sd' ' -)
expect_eq "README: every example says ./racelab" "$bare" ""
if grep -qiE 'homebrew|macos|brew install' README.md Makefile; then
    fail "README and Makefile claim no macOS" "$(grep -niE 'homebrew|macos|brew install' README.md Makefile)"
else
    pass "README and Makefile claim no macOS"
fi
if grep -q 'runs on Linux (x86-64 and arm64)' README.md; then
    pass "README says where racelab runs"
else
    fail "README says where racelab runs"
fi

# The quick examples run as written (the long os runs, the grader and the
# TUI are the other suites' business): no "command not found", no usage
# error. The plain C examples run on the README's own race.c (the C block
# after "say `race.c`"); the one naming files of the reader's is left out.
awk '/^```/ { inblock = !inblock; next } inblock && /^\.\/racelab (list|run|explore|replay|help)/' \
    README.md | sed 's/ *#.*//' | grep -v -- '--backend os' |
    grep -v -- ' main\.c ' >"$tmp/examples"
awk '/say `race.c`/ { want = 1; next } want && /^```c/ { on = 1; next }
     on && /^```/ { exit } on { print }' README.md >"$tmp/race.c"
n=0
while IFS= read -r line; do
    n=$((n + 1))
    (cd "$tmp" && eval "\"$RACELAB\" ${line#./racelab }" </dev/null >/dev/null 2>"$tmp/err")
    st=$?
    if [ "$st" -le 1 ]; then
        pass "README example runs: $line"
    else
        fail "README example runs: $line" "exit $st: $(head -c 300 "$tmp/err")"
    fi
done <"$tmp/examples"
if [ "$n" -ge 8 ]; then
    pass "README: $n quick examples found"
else
    fail "README: quick examples found" "only $n"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
