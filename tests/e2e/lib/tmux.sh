# SPDX-License-Identifier: MIT
#
# tests/e2e/lib/tmux.sh - the helpers the TUI's tmux scripts share (tui.sh,
# tuitext.sh): the real binary in a tmux session on the script's private
# socket, its screen read back, bounded polls, and the pass / fail tally.
# Sourced, not run: the script sets SOCK (the socket), WORK (the work
# folder), PASS and FAIL (0) first.


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
