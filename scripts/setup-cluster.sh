#!/bin/sh
# scripts/setup-cluster.sh - install what the distributed-batch tests use on
# Debian 12 (README "Batch experiments"): Slurm (slurm-wlm: slurmctld, slurmd
# and the client commands) and munge, its authentication, for
# tests/e2e_slurm.sh, which brings up a private one-node cluster; and GNU
# parallel, with which tests/e2e_batch.sh runs the shards.  CI runs it (and
# only CI: pssim itself needs none of these).  About 19 MB in 11 packages,
# recommended packages left out.  Run as root; safe to run again.  The
# packages' own services are not started (nor needed): the test starts its
# daemons itself, in a temporary directory.
set -eu
packages="slurm-wlm munge parallel"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing
fi
