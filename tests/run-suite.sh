#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# run-suite.sh - run one test suite (a Check binary or an end-to-end
# script), keep its whole output in a log, and print one line:
#
#   PASS  check_sim            212 checks   3.1 s
#   FAIL  tui                  3 of 68 failed   (log: build/test-logs/tui.log)
#
# followed, on failure, by the failing lines of the log. The line's counts
# also go to LOG.count ("passed failed") for the summary (`make test`).
#
# usage: tests/run-suite.sh SUITE LOG   (SUITE: a binary or a .sh script)
set -u
suite=$1
log=$2
name=$(basename "$suite" .sh)
mkdir -p "$(dirname "$log")"

start=$(date +%s.%N)
case $suite in
*.sh) bash "$suite" >"$log" 2>&1 ;;
*) "$suite" >"$log" 2>&1 ;;
esac
status=$?
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')

# Check ends with "NN%: Checks: N, Failures: F, Errors: E"; our scripts
# with "N passed, M failed".
passed=0
failed=0
if line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -n 1) && [ -n "$line" ]; then
    total=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
    failed=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"$line")
    failed=$((failed))
    passed=$((total - failed))
elif line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1) && [ -n "$line" ]; then
    passed=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
    failed=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1 # it died before its summary: count the suite as one failure
fi
echo "$passed $failed" >"$log.count"

if [ "$status" -eq 0 ] && [ "$failed" -eq 0 ]; then
    printf '  PASS  %-18s %4d checks %6s s\n' "$name" "$passed" "$secs"
    exit 0
fi
printf '  FAIL  %-18s %d of %d failed (exit %d, log: %s)\n' "$name" "$failed" \
    $((passed + failed)) "$status" "$log"
# The failing lines: Check's ":F:" / ":E:" lines, our scripts' "FAIL".
grep -E ':[FE]:|^FAIL|^not ok' "$log" | head -n 20 | sed 's/^/        /'
exit 1
