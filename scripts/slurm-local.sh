#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the Slurm executor's tests and CI (as root; needs Debian's
# slurm-wlm and munge). Everything it makes lives under DIR; clients find it through SLURM_CONF=DIR/slurm.conf.
#   scripts/slurm-local.sh start DIR   configure and start munged, slurmctld, slurmd; wait until the node is idle
#   scripts/slurm-local.sh ensure DIR  start it unless the cluster of DIR already answers (tests share one)
#   scripts/slurm-local.sh stop DIR    cancel every job, stop slurmd and slurmctld (munged is left to the system)
# The node offers two fake GPUs (character devices that are /dev/null underneath) as GRES, so Slurm hands
# each job its own CUDA_VISIBLE_DEVICES exactly as it would on a GPU node.
set -euo pipefail

usage() { echo "usage: $0 start|ensure|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
conf="$dir/slurm.conf"
export SLURM_CONF="$conf"

pid_of() { [ -f "$1" ] && cat "$1" 2>/dev/null || true; }

stop() {
  [ -f "$conf" ] || return 0
  scancel --full --quiet --signal=KILL --partition=debug 2>/dev/null || true
  for daemon in slurmd slurmctld; do
    pid=$(pid_of "$dir/$daemon.pid")
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for _ in $(seq 1 50); do
    alive=0
    for daemon in slurmd slurmctld; do
      pid=$(pid_of "$dir/$daemon.pid")
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ $alive -eq 0 ] && return 0
    sleep 0.1
  done
  echo "slurm-local: daemons did not stop in 5 s" >&2
  return 1
}

start() {
  [ "$(id -u)" -eq 0 ] || { echo "slurm-local: must run as root (slurmd runs jobs as their users)" >&2; exit 1; }
  for tool in slurmctld slurmd munged sinfo; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "slurm-local: $tool not found; apt-get install slurm-wlm munge" >&2; exit 1; }
  done
  # A cluster started earlier from this folder is replaced, not doubled.
  stop
  local node cpus mem
  node=$(hostname -s)
  cpus=$(nproc)
  # Leave 1 GiB to the system so RealMemory never exceeds what slurmd measures (it would drain the node).
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
  mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/gpus"
  for i in 0 1; do [ -e "$dir/gpus/gpu$i" ] || mknod "$dir/gpus/gpu$i" c 1 3; done
  cat >"$conf" <<CONF
ClusterName=nightshift
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
GresTypes=gpu
KillWait=5
MinJobAge=600
NodeName=$node CPUs=$cpus RealMemory=$mem Gres=gpu:2 State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  cat >"$dir/gres.conf" <<CONF
AutoDetect=off
Name=gpu File=$dir/gpus/gpu0
Name=gpu File=$dir/gpus/gpu1
CONF
  [ -f /etc/munge/munge.key ] || /usr/sbin/mungekey -c
  mkdir -p /run/munge
  chown munge:munge /run/munge 2>/dev/null || true
  pgrep -x munged >/dev/null || /usr/sbin/munged --force
  # -c: a clean start, so jobs of an earlier run in this folder are not recovered.
  /usr/sbin/slurmctld -c -f "$conf"
  /usr/sbin/slurmd -f "$conf"
  for _ in $(seq 1 60); do
    if sinfo -h -o %T 2>/dev/null | grep -q idle; then
      echo "slurm-local: node $node idle; export SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.5
  done
  echo "slurm-local: the node did not become idle in 30 s; see $dir/log" >&2
  sinfo >&2 || true
  exit 1
}

answers() { [ -f "$conf" ] && timeout 5 sinfo -h -o %T 2>/dev/null | grep -Eq 'idle|mix|alloc'; }

case "$action" in
  start) start ;;
  ensure) answers || start ;;
  stop) stop ;;
  *) usage ;;
esac
