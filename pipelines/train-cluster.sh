#!/bin/sh
# train-cluster.sh: pipelines/train.sh on the machines of an MPI hostfile:
# one training run (train -M) of one process per machine, each running
# its part of every batch on its cores, byte for byte the run train.sh
# would make with train -j N*k on one machine (train(1), MPI).
#
# Usage: pipelines/train-cluster.sh -f hostfile [-j threads] [-N processes]
#            [-H name=value,...] [-n steps] [-t seconds]
#            dataset preset [outdir]
#
#   -f  an Open MPI hostfile, one "host slots=S" line per machine.  The
#       first host must be this machine: rank 0 runs here, reads the data
#       and the checkpoint here and sends them to the others, and alone
#       writes outdir (so the data, the outdir and the loss curves and
#       samples train.sh makes stay here; the other machines need no
#       files, only sketchrnn and Open MPI installed at the same paths and
#       ssh without a password from this machine, as mpirun requires)
#   -j  shards (threads) per process, the cores of a machine (default 2)
#   -N  processes (default: one per host line), placed round-robin over
#       the hosts (--map-by node)
#   -H, -n, -t, dataset, preset, outdir: as pipelines/train.sh
#
# The batch (the preset's batch_size) is cut into N x j shards, at most one
# per drawing.  Run it again with the same outdir to continue from the
# checkpoint, with any N and j (the run stays exact, as a resumed train -j
# run does).  MPIRUN_OPTS adds options to mpirun.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

usage() {
	echo "usage: train-cluster.sh -f hostfile [-j threads] [-N processes]" \
		"[-H name=value,...] [-n steps] [-t seconds] dataset preset" \
		"[outdir]" >&2
	exit 1
}

hosts= threads=2 np= pass=
while getopts f:j:N:H:n:t: opt; do
	case $opt in
	f) hosts=$OPTARG ;;
	j) threads=$OPTARG ;;
	N) np=$OPTARG ;;
	H | n | t) pass="$pass -$opt $OPTARG" ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$hosts" ] && [ $# -ge 2 ] && [ $# -le 3 ] || usage
[ -r "$hosts" ] || { echo "train-cluster.sh: $hosts: cannot read" >&2; exit 1; }
# the host lines: comments and blank lines dropped
lines=$(sed 's/#.*//' "$hosts" | awk 'NF { print $1 }')
[ -n "$lines" ] || { echo "train-cluster.sh: $hosts: no hosts" >&2; exit 1; }
first=$(echo "$lines" | head -n 1)
case $first in
localhost | 127.0.0.1 | "$(hostname)" | "$(hostname -f 2> /dev/null)") ;;
*)
	echo "train-cluster.sh: $hosts: the first host, $first, is not this" \
		"machine ($(hostname)); rank 0 must run here" >&2
	exit 1 ;;
esac
: "${np:=$(echo "$lines" | wc -l)}"
# --bind-to none: mpirun would bind each process to one core, all its
# threads with it
launch="mpirun --hostfile $hosts --map-by node --bind-to none -np $np"
launch="$launch ${MPIRUN_OPTS:-}"
launch="$launch $top/build/bin/train -M -j $threads"
# $pass holds options already split into words, unquoted on purpose
# shellcheck disable=SC2086
exec "$top/pipelines/train.sh" -L "$launch" $pass "$@"
