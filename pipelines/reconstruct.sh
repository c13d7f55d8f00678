#!/bin/sh
# reconstruct.sh: the paper's reconstruction experiment.  Encodes N
# drawings, decodes each latent at several temperatures, and draws one SVG
# grid: the originals in the first row, then a row of reconstructions per
# temperature.
#
#   pick -n N | encode | decode -t T (for each T) | stroke2svg -c N
#
# Usage: reconstruct.sh -m model [-n count] [-t "temperatures"] [-s seed]
#                       drawings.strk > grid.svg
#   -n  drawings (default 8); -t  default "0.1 0.3 0.5 0.8 1.0"; -s  seed
set -eu
usage() {
	echo "usage: reconstruct.sh -m model [-n count] [-t temperatures]" \
		"[-s seed] drawings" >&2
	exit 1
}
model= n=8 temps="0.1 0.3 0.5 0.8 1.0" seed=1
while getopts m:n:s:t: opt; do
	case $opt in
	m) model=$OPTARG ;; n) n=$OPTARG ;; s) seed=$OPTARG ;; t) temps=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$model" ] && [ $# -eq 1 ] || usage
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pick -n "$n" "$1" > "$tmp/orig.strk"
encode -m "$model" "$tmp/orig.strk" > "$tmp/z"
files=
i=0
for t in $temps; do
	decode -m "$model" -t "$t" -s "$seed" "$tmp/z" > "$tmp/r$i.strk"
	files="$files $tmp/r$i.strk"
	i=$((i + 1))
done
# shellcheck disable=SC2086
stroke2svg -C -c "$n" "$tmp/orig.strk" $files
