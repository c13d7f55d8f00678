#!/bin/sh
# bench/train-compare.sh: train(1) and the PyTorch transcription of the
# same model (bench/torch_train.py) trained side by side for the same wall
# time, one core each (taskset), on the same batches with the same
# hyperparameters (the small preset of pipelines/train.sh), then both
# evaluated on the validation and test sets by the same definition.
#
# Usage: bench/train-compare.sh [-s] [-t seconds] dir [outdir]
#   dir     holds train.strk, valid.strk and test.strk, as
#           pipelines/train.sh leaves them (out/train/NAME-small)
#   -t      wall time of each run (default 1800)
#   -s      one after the other, each with the whole machine: train -j 2
#           (two shards), then PyTorch at its best setting (1 torch thread,
#           2 OpenBLAS threads through openblas_set_num_threads,
#           OMP_WAIT_POLICY=PASSIVE, denormals flushed)
#   outdir  default out/compare
# Prints one line per program and the ratio of their test costs; logs and
# models are kept in outdir.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/bin
secs=1800 seq=
while getopts st: opt; do
	case $opt in
	s) seq=1 ;;
	t) secs=$OPTARG ;;
	*) echo "usage: train-compare.sh [-s] [-t seconds] dir [outdir]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: train-compare.sh [-s] [-t seconds] dir [outdir]" >&2; exit 1; }
dir=$1 out=${2:-out/compare}
mkdir -p "$out"
rm -rf "$out/c"
hp=enc_rnn_size=128,dec_rnn_size=256,z_size=64,num_mixture=20
hp=$hp,enc_model=layer_norm,dec_model=layer_norm,batch_size=50,learning_rate=0.003
one0= one1=
if command -v taskset > /dev/null; then one0="taskset -c 0" one1="taskset -c 1"; fi

c_train() { # shards [command prefix]
	${2-} "$bin/train" -j "$1" -H "$hp,save_every=250" \
		-t "$secs" -o "$out/c" -V "$dir/valid.strk" -T "$dir/test.strk" \
		"$dir/train.strk" 2> "$out/c.stderr"
}
torch_train() { # blas-threads [command prefix]
	${2-} /usr/bin/python3 "$top/bench/torch_train.py" \
		-j 1 -b "$1" -H "$hp" -t "$secs" -o "$out/torch.csv" -w "$out/torch.pt" \
		"$dir/train.strk" "$dir/valid.strk" "$dir/test.strk" \
		> "$out/torch.stdout" 2> "$out/torch.stderr"
}
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'); OpenBLAS core" \
	"$(OPENBLAS_VERBOSE=2 "$bin/train" -h 2>&1 | sed -n 's/^Core: //p')"
if [ -n "$seq" ]; then
	echo "same wall time: $secs s each, the whole machine each, one after the other"
	c_train 2
	torch_train 2 "env OMP_WAIT_POLICY=PASSIVE"
else
	echo "same wall time: $secs s each, one core each, side by side"
	c_train 1 "env OPENBLAS_NUM_THREADS=1 $one0" &
	cpid=$!
	torch_train 1 "env OMP_NUM_THREADS=1 $one1" &
	tpid=$!
	wait $cpid
	wait $tpid
fi
grep -E '^(torch openblas|cpu):' "$out/torch.stderr" || true

# train's numbers: the final row (test) of its log, the last valid row,
# the step count and its seconds.
/usr/bin/python3 - "$out/c/log.csv" "$out/torch.stdout" <<'EOF'
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1])))[1:]
valid = [r for r in rows if r[6]][-1]
test = rows[-1]
steps, secs = int(test[0]), float(test[12])
print("sketchrnn train: %d steps in %.0f s (%.3f s/step); valid recon %.4f "
      "kl %.4f cost %.4f; test recon %.4f kl %.4f cost %.4f" %
      (steps, secs, secs / steps, float(valid[6]), float(valid[7]),
       float(valid[8]), float(test[9]), float(test[10]), float(test[11])))
t = open(sys.argv[2]).read().strip().splitlines()[-1]
print(t)
m = re.search(r"(\d+) steps in ([\d.]+) s.*test recon ([-\d.]+) kl ([-\d.]+) "
              r"cost ([-\d.]+)", t)
print("steps: sketchrnn %d, torch %s (%.1fx); test cost sketchrnn %.4f, "
      "torch %s" % (steps, m.group(1), steps / int(m.group(1)),
                    float(test[11]), m.group(5)))
EOF
