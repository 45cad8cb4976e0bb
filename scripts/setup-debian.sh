#!/bin/sh
# scripts/setup-debian.sh - install what pssim needs on Debian 12 and build it.
# Run as root from the top of the source tree.  Safe to run again.
set -eu
packages="build-essential autoconf automake pkg-config libgsl-dev libsqlite3-dev \
libyaml-dev check gnuplot-nox sqlite3 time"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $missing
fi
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure
make -j"$(nproc)"
