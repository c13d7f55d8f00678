#!/bin/sh
# doc/figures.sh: the README's pictures, remade.
#
#   doc/figures.sh [-m model] [run...]
#
# Always: the paper's experiments with the VAE model (default: the shipped
# data/models/aaron_sheep.skm; reconstruction, interpolation,
# analogy, completion) on fixed aaron_sheep test drawings, and samples and
# completions of real Quick, Draw! sheep by Magenta's pretrained
# data/models/sheep.gen.json.  For each run directory of pipelines/train.sh
# given, its loss curves and a grid of samples of its best model; the
# README's runs were
#
#   pipelines/train.sh -t 3000 data/sketchrnn/aaron_sheep.npz small
#   pipelines/train.sh -t 1500 data/quickdraw/monkey-1000.simplified.ndjson small
#   pipelines/train.sh -H learning_rate=0.001 -t 1500 \
#       data/quickdraw/monkey-1000.simplified.ndjson small out/train/monkey-1000-lr001
#   pipelines/train.sh -H kl_weight=0.25 -n 40000 -t 30000 \
#       data/sketchrnn/aaron_sheep.npz small out/train/aaron_sheep-kl025
#   doc/figures.sh out/train/aaron_sheep-small out/train/monkey-1000-small \
#       out/train/monkey-1000-lr001 out/train/aaron_sheep-kl025
#
# Writes PNG files into doc/ through rsvg-convert.  The drawings used are
# fixed (by position), so the pictures are the same on every run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$top/build/bin:$top/pipelines:$PATH
export PATH
m=$top/data/models/aaron_sheep.skm
while getopts m: opt; do
	case $opt in
	m) m=$OPTARG ;;
	*) echo "usage: figures.sh [-m model] [run...]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
doc=$top/doc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

png() { # svg width png
	rsvg-convert -w "$2" -b white "$1" > "$3"
}

for run in "$@"; do
	name=$(basename "$run")
	plot-loss.sh "$run/log.csv" "$doc/train-$name-loss.png"
	decode -m "$run/best.skm" -n 24 -t 0.3 -s 1 |
		stroke2svg -c 8 > "$tmp/samples.svg"
	png "$tmp/samples.svg" 800 "$doc/train-$name-samples.png"
done

npz2stroke -s test "$top/data/sketchrnn/aaron_sheep.npz" > "$tmp/test.strk"
picks() { # index... : those test drawings, in that order
	for i in "$@"; do pick -s "$i" -n 1 "$tmp/test.strk"; done
}
# reconstruction: 8 test drawings, then decodings at three temperatures
picks 1 2 7 8 14 17 19 23 > "$tmp/eight.strk"
reconstruct.sh -m "$m" -n 8 -t "0.1 0.3 0.6" "$tmp/eight.strk" \
	> "$tmp/rec.svg"
png "$tmp/rec.svg" 800 "$doc/reconstruct-sheep.png"
# interpolation between two test drawings
picks 1 8 > "$tmp/pair.strk"
interpolate.sh -m "$m" -n 8 "$tmp/pair.strk" > "$tmp/int.svg"
png "$tmp/int.svg" 800 "$doc/interpolate-sheep.png"
# analogy a - b + c: (legs and a face) - (neither) + another body
picks 23 9 1 > "$tmp/abc.strk"
analogy.sh -m "$m" -n 4 "$tmp/abc.strk" > "$tmp/ana.svg"
png "$tmp/ana.svg" 700 "$doc/analogy-sheep.png"
# different endings of the first stroke of six test drawings
picks 1 2 7 8 14 23 > "$tmp/six.strk"
complete.sh -m "$m" -k 1 -n 6 -r 3 "$tmp/six.strk" > "$tmp/end.svg"
png "$tmp/end.svg" 600 "$doc/complete-sheep-vae.png"

# Magenta's pretrained sheep: samples, and different endings of the first
# stroke of six real sheep (0-255 units, so -x 3: see decode(1))
g=$top/data/models/sheep.gen.json
decode -m "$g" -n 12 -t 0.3 | stroke2svg -c 6 > "$tmp/gen.svg"
png "$tmp/gen.svg" 600 "$doc/decode-sheep.png"
ndjson2stroke -n 6 "$top/data/quickdraw/simplified/sheep.simplified.ndjson" \
	> "$tmp/real.strk"
complete.sh -m "$g" -k 1 -n 6 -r 2 -x 3 -t 0.3 "$tmp/real.strk" > "$tmp/gend.svg"
png "$tmp/gend.svg" 600 "$doc/complete-sheep.png"
echo "figures.sh: pictures in $doc" >&2
