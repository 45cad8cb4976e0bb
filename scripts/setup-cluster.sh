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
sh "$(dirname "$0")/apt-install.sh" --no-recommends slurm-wlm munge parallel
