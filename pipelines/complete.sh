#!/bin/sh
# complete.sh: the paper's "different endings" experiment.  Keeps the
# first K strokes of N drawings and lets the model finish each one several
# times; draws one SVG grid: the beginnings in the first row, then one row
# of endings per seed.  Works with decoder-only models too (Magenta's
# pretrained .gen.json files included).
#
#   pick -n N | decode -p - -k K -s SEED (for each seed) | stroke2svg -c N
#
# Usage: complete.sh -m model [-X] [-k strokes] [-n count] [-r rows]
#                    [-t temperature] [-x factor] drawings.strk > grid.svg
#   -k  default 1; -n  default 6; -r  default 3; -t  default 0.4
#   -x, -X  scale the beginnings as decode(1) does (-X: each to the model's
#       data scale; -x 3 for Magenta's models and 0-255 Quick, Draw! data)
set -eu
usage() {
	echo "usage: complete.sh -m model [-X] [-k strokes] [-n count]" \
		"[-r rows] [-t temperature] [-x factor] drawings" >&2
	exit 1
}
model= k=1 n=6 rows=3 t=0.4 scale=
while getopts Xk:m:n:r:t:x: opt; do
	case $opt in
	X) scale=-X ;;
	k) k=$OPTARG ;; m) model=$OPTARG ;; n) n=$OPTARG ;; r) rows=$OPTARG ;;
	t) t=$OPTARG ;; x) scale="-x $OPTARG" ;; *) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$model" ] && [ $# -eq 1 ] || usage
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pick -n "$n" "$1" > "$tmp/start.strk"
# shellcheck disable=SC2086
decode -m "$model" -p "$tmp/start.strk" -k "$k" $scale -l 0 > "$tmp/begin.strk"
files=
for s in $(seq 1 "$rows"); do
	# shellcheck disable=SC2086
	decode -m "$model" -p "$tmp/start.strk" -k "$k" $scale -t "$t" -s "$s" \
		> "$tmp/e$s.strk"
	files="$files $tmp/e$s.strk"
done
# shellcheck disable=SC2086
stroke2svg -C -c "$n" "$tmp/begin.strk" $files
