#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# check-layers.sh - the dependency arrows of the source tree, enforced by the
# build (`make` runs this before linking racelab):
#
#   tui/cli -> tui/grade, tui/screen -> labs -> core
#   exercises, solutions -> core/racelab.h (the student API) only
#   core/plainc (the plain-C runtime, not in racelab) -> core
#
# that exercise headers define no object,
# and curses is included only in tui/screen/. Prints each include that
# breaks a rule as FILE:LINE: what is wrong, and exits 1 if there is one.
set -u
cd "$(dirname "$0")/.." || exit 2
bad=0

# forbid DIR PATTERN WHY: no file under DIR has an #include matching PATTERN.
forbid() {
    local dir=$1 pattern=$2 why=$3 hits
    hits=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($pattern)" \
        "$dir"/*.[ch] 2>/dev/null)
    if [ -n "$hits" ]; then
        sed "s|\$|   <- $why|" <<<"$hits" >&2
        bad=1
    fi
}

curses='n?cursesw?\.h|ncursesw/|term\.h|panel\.h'
for d in core labs labs/child tui/cli tui/grade exercises solutions; do
    forbid "$d" "$curses" "curses is for tui/screen/ only"
done
forbid core '\.\./(labs|tui|exercises|solutions)/' "core/ depends on nothing above it"
forbid core 'plainc/' "the engine does not know the plain-C runtime (core/plainc/)"
forbid core/plainc '\.\./\.\./' "the plain-C runtime uses core/ only"
forbid core/plainc "$curses" "curses is for tui/screen/ only"
forbid labs '\.\./(tui|solutions)/|\.\./exercises/[^"]*\.c' "labs/ depend on core/ and the exercise interfaces only"
forbid labs/child '\.\./\.\./(tui|solutions)/|\.\./\.\./exercises/[^"]*\.c' "an exercise's child entry depends on core/ and the scenarios only"
forbid tui/grade '\.\./(cli|screen)/' "the grader never calls the command line or the screens"
forbid tui/screen '\.\./(cli|grade)/' "the screens never call the command line or the grader"
forbid exercises '\.\./(labs|tui|solutions)/|\.\./core/[^r]' "student code sees only core/racelab.h"
forbid solutions '\.\./(labs|tui|exercises/[^.]*\.c)|\.\./core/[^r]' "solutions see only the student API and the exercise headers"
# Headers declare, one .c defines: an object defined in an exercise header
# would be defined again by every file that includes it.
hits=$(grep -nE '^[^ /*#].*[^=!<>]=[^=]' exercises/*.h 2>/dev/null)
if [ -n "$hits" ]; then
    sed 's|$|   <- a header declares; define it in a .c (exercises/impl/)|' \
        <<<"$hits" >&2
    bad=1
fi
if [ "$bad" -ne 0 ]; then
    echo "check-layers: an include breaks the layers (see README, Layout)" >&2
    exit 1
fi
