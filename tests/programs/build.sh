#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# build.sh OUT FILE.c... [-I DIR] [-D NAME=VALUE] - build a plain pthreads
# program for racelab's sim backend: compiled with the runtime's
# instrumentation flags and linked against build/librlprt.a, with the flag
# list of the Makefile ($BUILD/plainc/flags.sh, written by `make plainc`;
# BUILD defaults to build; PLAINC_CC=clang overrides the compiler,
# PLAINC_EXTRA_CFLAGS adds flags: -g1 keeps line tables, not types). Run
# the result alone with
#     RACELAB_SCHED=rr:1 ./OUT      (trace on stderr or in $RACELAB_TRACE)
set -eu
cd "$(dirname "$0")/../.." || exit 2
build=${BUILD:-build}
flags=$build/plainc/flags.sh
if [ ! -f "$flags" ]; then
    echo "racelab: $flags is missing (run: make plainc)" >&2
    exit 2
fi
want_cc=${PLAINC_CC:-}
# shellcheck source=/dev/null
. "$flags"
PLAINC_CC=${want_cc:-$PLAINC_CC}
if [ $# -lt 2 ]; then
    echo "usage: build.sh OUT FILE.c... [-I DIR] [-D NAME=VALUE]" >&2
    exit 2
fi
out=$1
shift
srcs=() opts=()
while [ $# -gt 0 ]; do
    case $1 in
    -I | -D) opts+=("$1" "$2"); shift 2 ;;
    -I* | -D*) opts+=("$1"); shift ;;
    *.c) srcs+=("$1"); shift ;;
    *) echo "racelab: build.sh: unexpected argument $1" >&2; exit 2 ;;
    esac
done
cflags=$PLAINC_CFLAGS
if $PLAINC_CC --version 2>/dev/null | grep -q clang; then
    cflags="$cflags $PLAINC_CFLAGS_CLANG"
fi
cflags="$cflags ${PLAINC_EXTRA_CFLAGS:-}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
objs=()
i=0
for src in "${srcs[@]}"; do
    obj=$tmp/$i.o
    # shellcheck disable=SC2086
    $PLAINC_CC $cflags "${opts[@]}" -c -o "$obj" "$src"
    objs+=("$obj")
    i=$((i + 1))
done
# shellcheck disable=SC2086
$PLAINC_CC -o "$out" $PLAINC_LDFLAGS "$PLAINC_BEGIN" "${objs[@]}" "$PLAINC_END" \
    "$PLAINC_LIB" $PLAINC_LIBS
