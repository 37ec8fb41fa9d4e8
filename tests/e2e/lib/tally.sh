# SPDX-License-Identifier: MIT
#
# tests/e2e/lib/tally.sh - the pass / fail tally of the e2e scripts that
# are not tmux scripts (cli.sh, conventions.sh, plainc.sh, wire.sh): one
# line per check, counted in passed and failed. Sourced, not run.

passed=0
failed=0

# pass NAME: one check passed.
pass() {
    passed=$((passed + 1))
    echo "ok   $1"
}

# fail NAME [LINE...]: one check failed; each LINE says why, indented.
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    shift
    for line in "$@"; do
        printf '       %s\n' "$line"
    done
}
