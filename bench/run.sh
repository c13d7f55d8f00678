#!/bin/sh
# bench/run.sh BUILD: every benchmark, each printing ratios against a
# baseline measured in the same run.  See bench/README.md.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
echo "== ndjson2stroke and rdp-simplify (bench/ndjson.sh)"
bash "$top/bench/ndjson.sh" "$build"
echo "== decode against @magenta/sketch (bench/decode.sh)"
sh "$top/bench/decode.sh" "$build"
if [ -x "$top/$build/bench/step" ]; then
	echo "== training step (bench/step): one batch, OpenBLAS threads"
	"$top/$build/bench/step"
	echo "== training step (bench/step -j 2): two shards, one thread each"
	"$top/$build/bench/step" -j 2
fi
if [ -x "$top/$build/bench/allreduce" ] && ldd "$top/$build/bin/train" 2> /dev/null |
	grep -q libmpi; then
	echo "== train -M over MPI on this machine, and an estimate on a network (bench/mpi.sh)"
	sh "$top/bench/mpi.sh" "$build"
else
	echo "== train -M over MPI: skipped (train built without MPI)"
fi
if [ -x "$top/$build/bench/step" ] && /usr/bin/python3 -c 'import torch' 2> /dev/null; then
	echo "== training step against PyTorch at its best (bench/torch-compare.sh)"
	sh "$top/bench/torch-compare.sh" "$build"
else
	echo "== training step against PyTorch: skipped (no /usr/bin/python3 with torch)"
fi
