#!/bin/sh
# bench/decode.sh BUILD: decoding speed with the 512-unit pretrained sheep
# model (data/models/sheep.gen.json), sketchrnn's decode at batch 1 and
# batch 100, against @magenta/sketch under node in the same run (when
# tests/magenta/node_modules is installed: cd tests/magenta && npm ci).
# Same model, Magenta's sampling procedure, temperature 0.25; speeds are
# per sampled row and per drawing.  One core (taskset -c 0) unless
# THREADS=2.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/${1:-build}/bin
model=$top/data/models/sheep.gen.json
one="taskset -c 0"
command -v taskset > /dev/null && [ "${THREADS:-1}" = 1 ] || one=
export OPENBLAS_NUM_THREADS=${THREADS:-1}

ours() { # count batch -> "drawings rows seconds"
	s=$(date +%s.%N)
	$one "$bin/decode" -m "$model" -M -t 0.25 -n "$1" -b "$2" > "$tmp"
	e=$(date +%s.%N)
	rows=$("$bin/stroke2txt" -s "$tmp" | sed -n 's/.*points=//p' | awk '{ n += $1 + 1 } END { print n }')
	echo "$1 $rows $(echo "$s $e" | awk '{ print $2 - $1 }')"
}
line() { # name "drawings rows seconds" [baseline-ms-per-row]
	printf '%-34s ' "$1"
	echo "$2 ${3:-0}" | awk '{ ms = $3 / $2 * 1000
		printf "%5d drawings %6d rows %7.2f s %8.3f ms/row %7.1f drawings/s", $1, $2, $3, ms, $1 / $3
		if ($4 > 0) printf " %6.1fx", $4 / ms; printf "\n" }'
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
base=
nm=$top/tests/magenta/node_modules
if [ -d "$nm" ] && command -v node > /dev/null; then
	js=$($one env NODE_PATH="$nm" node "$top/bench/decode_magenta.js" "$model" 10 0.25 2>/dev/null | tail -1)
	line "@magenta/sketch (tfjs cpu, node)" "$js"
	base=$(echo "$js" | awk '{ print $3 / $2 * 1000 }')
else
	echo "@magenta/sketch not installed (cd tests/magenta && npm ci): no baseline"
fi
line "decode -b 1 (sgemv)" "$(ours 100 1)" "$base"
line "decode -b 100 (sgemm)" "$(ours 100 100)" "$base"

# encode with the reference's default VAE (encoder 256 per direction,
# decoder 512, N_z 128, M 20; one training step, since speed does not depend
# on the weights), 300 aaron_sheep drawings.  Decoding speed is the one
# above: a VAE's 512-unit decoder steps like the pretrained sheep's (its z
# projection is made once per drawing), while a barely trained VAE would
# end its drawings after a row or two and time nothing.
tmpd=$(mktemp -d)
trap 'rm -f "$tmp"; rm -rf "$tmpd"' EXIT
"$bin/npz2stroke" -s train "$top/data/sketchrnn/aaron_sheep.npz" | "$bin/normalize" -m 250 > "$tmpd/train.strk"
"$bin/npz2stroke" -s test "$top/data/sketchrnn/aaron_sheep.npz" | "$bin/normalize" -F "$tmpd/train.strk" > "$tmpd/test.strk"
"$bin/train" -q -n 1 -H batch_size=10 -o "$tmpd/run" "$tmpd/train.strk" > /dev/null 2>&1
timed() { # name drawings command...
	name=$1 n=$2
	shift 2
	s=$(date +%s.%N)
	"$@" > "$tmpd/out"
	e=$(date +%s.%N)
	printf '%-34s %5d drawings %7.2f s %8.1f drawings/s\n' "$name" "$n" \
		"$(echo "$s $e" | awk '{ print $2 - $1 }')" \
		"$(echo "$s $e $n" | awk '{ print $3 / ($2 - $1) }')"
}
m=$tmpd/run/model.skm
timed "encode -b 1 (VAE, enc 256)" 300 $one "$bin/encode" -m "$m" -b 1 "$tmpd/test.strk"
timed "encode -b 100" 300 $one "$bin/encode" -m "$m" -b 100 "$tmpd/test.strk"
