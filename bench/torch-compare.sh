#!/bin/sh
# bench/torch-compare.sh: the training step in C (bench/step) against
# PyTorch (bench/torch_step.py) at its best, timed interleaved.
#
# Usage: bench/torch-compare.sh [-c config] [-n steps] [-r rounds] [BUILD]
#   -c  default (the reference configuration, the default) or small
#   -n  timed steps per run (default 2; one more is run first, untimed)
#   -r  rounds (default 3)
#
# First every thread setting of PyTorch is timed for both of its models
# (-m cell: explicit cell with recurrent dropout, the model of step.c;
# -m nn: torch.nn.LSTM, no recurrent dropout), "torch threads:OpenBLAS
# threads" with OMP_WAIT_POLICY=PASSIVE, and 2:2 with OpenMP's default
# (active) waiting, and the fastest of each model is kept.  Then each round
# runs, in turn: step -j 2 (train's default, two shards), step -j 1 -t 2
# (one batch, two OpenBLAS threads), torch -m cell and torch -m nn at their
# fastest setting, and prints each torch time over each C time.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cfg=default steps=2 rounds=3
while getopts c:n:r: opt; do
	case $opt in
	c) cfg=$OPTARG ;;
	n) steps=$OPTARG ;;
	r) rounds=$OPTARG ;;
	*) echo "usage: torch-compare.sh [-c config] [-n steps] [-r rounds] [BUILD]" >&2
	   exit 1 ;;
	esac
done
shift $((OPTIND - 1))
build=${1:-build}
step=$top/$build/bench/step
py=/usr/bin/python3
[ -x "$step" ] || { echo "torch-compare.sh: no $step: make $build/bench/step" >&2; exit 1; }
"$py" -c 'import torch' 2> /dev/null ||
	{ echo "torch-compare.sh: $py has no torch (apt-get install python3-torch)" >&2; exit 1; }

# s_per_step LINE: the seconds per step of a step or torch step line.
s_per_step() { sed -n 's/.*[ :] \([0-9.]*\) s\/step.*/\1/p' | head -n 1; }

# torch_run MODEL SETTING: one torch_step.py run; prints its s/step.
torch_run() {
	t=${2%%:*} rest=${2#*:} b=${2#*:} wait=PASSIVE
	case $rest in *:active) b=${rest%%:*} wait=ACTIVE ;; esac
	OMP_WAIT_POLICY=$wait "$py" "$top/bench/torch_step.py" -c "$cfg" \
		-m "$1" -n "$steps" -t "$t" -b "$b" > "$tmp/torch.out"
	s_per_step < "$tmp/torch.out"
}

# c_run ARGS: one bench/step run; prints its s/step.
c_run() {
	"$step" -c "$cfg" -n "$steps" "$@" > "$tmp/c.out"
	grep '^step: [0-9]' "$tmp/c.out" | s_per_step
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
date -u '+%Y-%m-%d %H:%M UTC'
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
"$step" -c small -n 1 | grep -E '^(openblas|sgemm peak):'
"$py" "$top/bench/torch_step.py" -c small -n 1 -t 1 -b 2 | grep '^torch openblas' | head -n 1

echo "== PyTorch thread settings (torch threads:OpenBLAS threads), config $cfg"
for model in cell nn; do
	best= bests=
	for set in 1:1 1:2 2:1 2:2 2:2:active; do
		s=$(torch_run $model $set)
		echo "torch -m $model $set: $s s/step"
		if [ -z "$bests" ] || awk -v a="$s" -v b="$bests" 'BEGIN { exit !(a < b) }'; then
			best=$set bests=$s
		fi
	done
	echo "torch -m $model fastest: $best ($bests s/step)"
	eval "best_$model=\$best"
done

echo "== interleaved rounds, config $cfg, $steps steps a run"
echo "round C-j2 C-j1-t2 torch-cell($best_cell) torch-nn($best_nn) cell/C-j2 nn/C-j2 cell/C-j1 nn/C-j1"
r=1
while [ "$r" -le "$rounds" ]; do
	j2=$(c_run -j 2)
	j1=$(c_run -j 1 -t 2)
	tc=$(torch_run cell "$best_cell")
	tn=$(torch_run nn "$best_nn")
	echo "$r $j2 $j1 $tc $tn" | awk '{ printf "%d %.3f %.3f %.3f %.3f %.2fx %.2fx %.2fx %.2fx\n",
		$1, $2, $3, $4, $5, $4 / $2, $5 / $2, $4 / $3, $5 / $3 }'
	r=$((r + 1))
done
