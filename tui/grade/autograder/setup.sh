#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# setup.sh - Gradescope autograder setup: install what racelab needs and
# build it. Gradescope runs this once, as root, when the autograder image is
# built, with the autograder zip unpacked in /autograder/source (`make
# autograder` packs the zip: this script and run_autograder at its top, the
# racelab sources beside them).
set -eu

cd "${AUTOGRADER_ROOT:-/autograder}/source"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq build-essential pkg-config libncurses-dev check python3 \
    >/dev/null
make -j"$(nproc)" racelab
./racelab --version
# A user of its own for the checks (run_autograder grades as it): no
# login, no home, and no process of anyone else's that a submission could
# signal, as it could with nobody's.
if ! id racelab-grade >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin racelab-grade
fi
# The reference solutions are compiled into racelab now; their sources
# must not be there for a submission to #include by absolute path.
rm -f solutions/*.c
