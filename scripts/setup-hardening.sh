#!/bin/sh
# scripts/setup-hardening.sh - install the tools of the hardening checks on
# Debian 12 (README "Hardening"): clang with libFuzzer for `make fuzz`
# (Debian ships clang 14's libFuzzer in libclang-rt-14-dev) and valgrind for
# `make check-valgrind`.  CI runs it after scripts/setup-debian.sh.  Run as
# root; safe to run again.
set -eu
packages="clang libclang-rt-14-dev valgrind"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing
fi
