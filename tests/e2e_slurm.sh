#!/bin/sh
# tests/e2e_slurm.sh - scripts/slurm-batch.sh on a real one-node Slurm cluster (layer: tests).
#
# Brings up a private Slurm cluster on this machine from Debian's slurm-wlm
# and munge packages (installed by scripts/setup-cluster.sh; this test
# installs nothing): a munge key and munged on a private socket, a
# slurm.conf for one node at 127.0.0.1 with this machine's CPUs and memory
# (slurmd -C), slurmctld and slurmd on free ports, all as root in a
# temporary state directory.  It then submits the 2 x 2 x 3 experiment of
# tests/e2e_batch.sh as a job array of 3 shards with the merge job after it
# (scripts/slurm-batch.sh, waiting for the merge), and checks that the
# merged database holds the same metric rows as a local `-j 1` batch.  The
# daemons are stopped, by their process ids, whatever happens.
#
# When the cluster cannot be brought up (not root, the packages missing,
# a daemon that does not start), it says why and exits 77: skipped, never
# passed.
. "$(dirname "$0")/e2e_lib.sh"
TIMEOUT=${PSSIM_SLURM_TIMEOUT:-180} # seconds for the whole job array and merge

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "the Slurm daemons need root (run as root to test slurm-batch.sh)"
for p in munged slurmctld slurmd sbatch sinfo scontrol sqlite3; do
    command -v "$p" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
    command -v "$p" >/dev/null 2>&1 ||
        skip "$p is missing (sh scripts/setup-cluster.sh installs slurm-wlm and munge)"
done

state=$work # the daemons' configuration, keys, sockets, logs and spools
chmod 755 "$state"
pids=""
stop_daemons() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null
    done
    pids=""
}
trap 'stop_daemons; rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
# why: tell what failed, with the end of the daemons' logs, and skip
why() {
    echo "the one-node cluster could not be brought up: $*"
    for f in munged.log slurmctld.log slurmd.log; do
        [ -s "$f" ] && { echo "--- $f (end)"; tail -5 "$f"; }
    done
    stop_daemons
    skip "no Slurm cluster"
}
# wait_for SECONDS PID COMMAND...: until the command succeeds; fails at
# once when process PID (the daemon waited for) has exited
wait_for() {
    n=$(($1 * 10))
    pid=$2
    shift 2
    while ! "$@" >/dev/null 2>&1; do
        n=$((n - 1))
        [ $n -gt 0 ] && kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
}
port_free() { ! grep -qi ":$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; }

# --- munge ----------------------------------------------------------------------
mkdir -m 700 munge
dd if=/dev/urandom of=munge/munge.key bs=1024 count=1 2>/dev/null
chmod 400 munge/munge.key
munged --force --key-file="$state/munge/munge.key" --socket="$state/munge/munge.socket" \
    --pid-file="$state/munge/munged.pid" --seed-file="$state/munge/munge.seed" \
    --log-file="$state/munged.log" --foreground >/dev/null 2>>munged.log &
pids="$pids $!"
wait_for 10 $! test -S munge/munge.socket || why "munged did not start"

# --- slurm.conf for one node at 127.0.0.1 -----------------------------------
hw=$(slurmd -C 2>/dev/null | head -1)
cpus=$(echo "$hw" | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p')
mem=$(echo "$hw" | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
[ -n "$cpus" ] && [ -n "$mem" ] || why "slurmd -C did not describe this machine: $hw"
base=$((20000 + $$ % 20000))
while ! port_free $base || ! port_free $((base + 1)); do base=$((base + 2)); done
mkdir -p ctld spool
cat >slurm.conf <<EOF
ClusterName=pssimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge/munge.socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
NodeName=pssimnode NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=pssim Nodes=pssimnode Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$state/slurm.conf

# --- the daemons ------------------------------------------------------------
slurmctld -D -i -f "$SLURM_CONF" >>slurmctld.log 2>&1 &
pids="$pids $!"
wait_for 20 $! scontrol ping || why "slurmctld did not answer"
slurmd -D -N pssimnode -f "$SLURM_CONF" >>slurmd.log 2>&1 &
pids="$pids $!"
node_up() { sinfo -h -n pssimnode -o %t | grep -Eq '^(idle|mix|alloc)'; }
wait_for 30 $! node_up || why "the node did not come up (sinfo: $(sinfo -h -o '%t %E' 2>&1))"
echo "one-node cluster up: $cpus CPUs, $mem MB, slurmctld on port $base"

# --- the job array and its merge ------------------------------------------------
cat >exp.yaml <<EOF
experiment: sweep
scenario: $srcdir/tests/data/batch/busy.yaml
replications: 3
seed: 17
sweep:
  machine.cpus: [1, 2]
  processes.hog.threads.worker.count: [2, 4]
EOF
start=$(date +%s)
if PSSIM=$PSSIM PSSIM_WAIT=1 timeout "$TIMEOUT" \
    sh "$srcdir/scripts/slurm-batch.sh" exp.yaml 3 results >submit.txt 2>&1; then
    ok "the job array of 3 shards and the merge job after it ran ($(($(date +%s) - start)) s)"
else
    fail "the jobs did not all succeed within $TIMEOUT s"
    cat submit.txt
    squeue -a 2>&1 | head
    for f in results/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -5 "$f"; }; done
fi
dump() {
    sqlite3 "$1" "SELECT r.point, r.replication, r.seed, r.status, r.sim_time_ns, r.events,
                         m.scope, m.entity, m.name, ifnull(printf('%!.17g', m.value), 'null')
                  FROM metrics m JOIN runs r ON r.id = m.run_id
                  ORDER BY r.point, r.replication, m.rowid"
}
shards=$(for i in 0 1 2; do
    sqlite3 "results/shard-$i.db" "SELECT count(*) FROM runs" 2>/dev/null || echo none
done | tr '\n' ' ')
if [ "$shards" = "4 4 4 " ]; then
    ok "each array task stored its shard (4 runs each)"
else
    fail "the shards hold $shards runs"
fi
"$PSSIM" batch exp.yaml -j 1 --db local.db >/dev/null 2>&1
dump local.db >local.txt
dump results/merged.db >merged.txt 2>/dev/null
if [ "$(wc -l <local.txt)" -gt 500 ] && cmp -s local.txt merged.txt; then
    ok "the merged database equals a local -j 1 batch ($(wc -l <merged.txt) metric rows)"
else
    fail "the merged database differs from a local -j 1 batch"
fi
stop_daemons
exit $failed
