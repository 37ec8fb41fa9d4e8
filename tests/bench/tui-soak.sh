#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# tui-soak.sh - a long live os demo in the TUI, as an instructor runs it,
# with the TUI's resident memory sampled throughout (issue: the TUI's RSS
# stays flat, at most 16 MB, over a 1-hour live os demo, including runs
# that time out).
#
#   tests/bench/tui-soak.sh [SECONDS]     (default 3600; `make soak` runs it)
#
# The demo, in tmux at 80x24: producer-consumer on the os backend with a
# 1 s timeout, cycling through its variants (correct; if-wait, which fails;
# spin-holding-lock, which never ends and so times out), pressing space
# (run), r (restart) and v (next variant) every few seconds, so that runs
# are replaced while they run, finish, and time out. Every 10 s the TUI's
# VmRSS and thread count are read from /proc; the summary line gives the
# first sample after warm-up (60 s), the largest and the last, and fails
# (exit 1) if the largest is above 16 MB or the TUI died.
set -u
cd "$(dirname "$0")/../.."
duration=${1:-3600}
limit_kb=$((16 * 1024))
sock=racelab-soak-$$
prog=./racelab
[ -x "$prog" ] || { echo "tui-soak: build racelab first (make)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "tui-soak: tmux is not installed" >&2; exit 2; }

tmux -L "$sock" new-session -d -x 80 -y 24 \
    "$prog tui producer-consumer --backend os --timeout 1"
cleanup() {
    tmux -L "$sock" kill-server 2>/dev/null
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
sleep 1
pid=$(tmux -L "$sock" list-panes -F '#{pane_pid}' | head -1)
[ -n "$pid" ] || { echo "tui-soak: the TUI did not start" >&2; exit 1; }

keys=(" " "r" " " "v" " " "r" "v" " ")
start=$(date +%s)
first=0 max=0 last=0 threads=0 i=0 next_sample=$start
while :; do
    now=$(date +%s)
    [ $((now - start)) -ge "$duration" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "tui-soak: the TUI died after $((now - start)) s" >&2
        exit 1
    fi
    tmux -L "$sock" send-keys "${keys[i % ${#keys[@]}]}"
    i=$((i + 1))
    if [ "$now" -ge "$next_sample" ]; then
        rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        rss=${rss:-0}
        last=$rss
        [ "$rss" -gt "$max" ] && max=$rss
        [ "$first" -eq 0 ] && [ $((now - start)) -ge 60 ] && first=$rss
        echo "$((now - start)) s: RSS $rss kB, $threads threads"
        next_sample=$((now + 10))
    fi
    sleep 3
done
tmux -L "$sock" send-keys q
echo "tui-soak: $duration s, $i keys: RSS $first kB after warm-up, max $max kB, last $last kB, $threads threads (limit $limit_kb kB)"
[ "$max" -le "$limit_kb" ]
