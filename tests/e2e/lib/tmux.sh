# SPDX-License-Identifier: MIT
#
# tests/e2e/lib/tmux.sh - what the tmux scripts share (tui.sh, tuitext.sh,
# screen.sh, progress.sh, lecture.sh): the set-up (a private tmux socket, a
# work folder, both removed on exit), the real binary in a tmux session, its
# screen read back, bounded polls (a text, a whole line, a pattern), and the
# pass / fail tally. Sourced, not run; a script calls tmux_begin NAME first.

# tmux_begin NAME: SOCK, WORK, PASS and FAIL for script e2e/NAME, removed
# on exit; the script ends here (status 1) without tmux or the binary.
tmux_begin() {
    RACELAB=${RACELAB:-$(pwd)/racelab}
    SOCK="racelab-$1-$$"
    WORK=$(mktemp -d "/tmp/racelab-$1.XXXXXX")
    PASS=0
    FAIL=0
    trap tmux_cleanup EXIT INT TERM
    if ! command -v tmux >/dev/null 2>&1; then
        echo "e2e/$1: tmux is not installed (make deps installs it)"
        exit 1
    fi
    if [ ! -x "$RACELAB" ]; then
        echo "e2e/$1: no racelab binary at $RACELAB"
        exit 1
    fi
}

tmux_cleanup() {
    tmux -L "$SOCK" kill-server >/dev/null 2>&1
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
    rm -rf "$WORK"
}

T() { tmux -L "$SOCK" -f /dev/null "$@"; }

# start NAME W H COMMAND: a session running COMMAND in the work directory;
# the pane stays after the command so its exit status can be read.
start() {
    local name=$1 w=$2 h=$3
    shift 3
    T new-session -d -s "$name" -x "$w" -y "$h" \
        "cd '$WORK' && $*; echo EXITED:\$?; sleep 600"
}

screen() { T capture-pane -p -t "$1"; }

# wait_for NAME TEXT [SECONDS]: poll the screen until TEXT shows.
wait_for() {
    local name=$1 text=$2 limit=${3:-5} i=0
    local tries=$((limit * 20))
    while [ $i -lt $tries ]; do
        if screen "$name" | grep -qF -- "$text"; then
            return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# wait_gone NAME TEXT [SECONDS]: poll until TEXT is no longer shown.
wait_gone() {
    local name=$1 text=$2 limit=${3:-5} i=0
    local tries=$((limit * 20))
    while [ $i -lt $tries ]; do
        if ! screen "$name" | grep -qF -- "$text"; then
            return 0
        fi
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

keys() {
    local name=$1
    shift
    T send-keys -t "$name" "$@"
}

ok() {
    PASS=$((PASS + 1))
    echo "ok   $1"
}

bad() {
    FAIL=$((FAIL + 1))
    echo "FAIL $1"
    if [ -n "${2:-}" ]; then
        echo "---- screen of $2 ----"
        screen "$2" | sed 's/^/    /'
        echo "----"
    fi
}

# check DESC NAME TEXT [SECONDS]: pass if TEXT shows within the time.
check() {
    if wait_for "$2" "$3" "${4:-5}"; then ok "$1"; else bad "$1 (no '$3')" "$2"; fi
}

# has_line DESC NAME LINE [SECONDS]: pass if a whole line is exactly LINE.
has_line() {
    local i=0 tries=$((${4:-5} * 20))
    while [ $i -lt $tries ]; do
        if screen "$2" | grep -qxF -- "$3"; then
            ok "$1"
            return
        fi
        sleep 0.05
        i=$((i + 1))
    done
    bad "$1 (no line '$3')" "$2"
}

# check_re DESC NAME REGEX [SECONDS]: pass if a line matches REGEX.
check_re() {
    local i=0 tries=$((${4:-5} * 20))
    while [ $i -lt $tries ]; do
        if screen "$2" | grep -qE -- "$3"; then
            ok "$1"
            return
        fi
        sleep 0.05
        i=$((i + 1))
    done
    bad "$1 (no line matching '$3')" "$2"
}

# lacks DESC NAME TEXT: pass if TEXT is not on the screen now.
lacks() {
    if screen "$2" | grep -qF -- "$3"; then
        bad "$1 ('$3' is there)" "$2"
    else
        ok "$1"
    fi
}
