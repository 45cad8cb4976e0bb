#!/bin/sh
# scripts/setup-hardening.sh - install the tools of the hardening checks on
# Debian 12 (README "Hardening"): clang with libFuzzer for `make fuzz`
# (Debian ships clang 14's libFuzzer in libclang-rt-14-dev) and valgrind for
# `make check-valgrind`.  CI runs it after scripts/setup-debian.sh.  Run as
# root; safe to run again.
set -eu
sh "$(dirname "$0")/apt-install.sh" clang libclang-rt-14-dev valgrind
