#!/bin/sh
# scripts/setup-debian.sh - install what pssim needs on Debian 12 and build it.
# Run as root from the top of the source tree.  Safe to run again.
set -eu
sh "$(dirname "$0")/apt-install.sh" build-essential autoconf automake pkg-config libgsl-dev libsqlite3-dev libyaml-dev check gnuplot-nox sqlite3 time
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"
