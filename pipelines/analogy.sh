#!/bin/sh
# analogy.sh: the paper's latent vector arithmetic, a - b + c.  Encodes
# the first three drawings a, b, c of a stream, decodes z(a) - z(b) + z(c)
# with several seeds, and draws one row: a, b, c, then the results.
#
#   encode | lerp -w 1,-1,1 | decode | stroke2svg
#
# Usage: analogy.sh -m model [-n results] [-t temperature] drawings.strk > row.svg
#   -n  default 4; -t  default 0.1
set -eu
usage() {
	echo "usage: analogy.sh -m model [-n results] [-t temperature] drawings" >&2
	exit 1
}
model= n=4 t=0.1
while getopts m:n:t: opt; do
	case $opt in
	m) model=$OPTARG ;; n) n=$OPTARG ;; t) t=$OPTARG ;; *) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$model" ] && [ $# -eq 1 ] || usage
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pick -n 3 "$1" > "$tmp/abc.strk"
encode -m "$model" "$tmp/abc.strk" | lerp -w 1,-1,1 > "$tmp/z"
files=
for s in $(seq 1 "$n"); do
	decode -m "$model" -t "$t" -s "$s" "$tmp/z" > "$tmp/r$s.strk"
	files="$files $tmp/r$s.strk"
done
# shellcheck disable=SC2086
stroke2svg -C -c $((3 + n)) "$tmp/abc.strk" $files
