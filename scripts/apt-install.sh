#!/bin/sh
# scripts/apt-install.sh - install the Debian packages given that are not
# installed yet (as root).  Shared by the setup scripts; `--no-recommends`
# first leaves recommended packages out.  Safe to run again.
set -eu
options=""
if [ "${1:-}" = "--no-recommends" ]; then
    options="--no-install-recommends"
    shift
fi
missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $options $missing
fi
