#!/bin/sh
# interpolate.sh: the paper's latent-space interpolation.  Encodes two
# drawings, walks between their latents along the great circle (slerp, as
# the paper does; -l for a straight line) in N steps, decodes each point
# and draws one row: the first drawing, the N decodings, the second.
#
#   encode | lerp -s -n N | decode -t T | stroke2svg
#
# Usage: interpolate.sh -m model [-l] [-n steps] [-t temperature] [-s seed]
#                       drawings.strk > row.svg
#   the first two drawings of the stream are used (see pick(1) to choose)
#   -n  default 10; -t  default 0.1 (the notebook's)
set -eu
usage() {
	echo "usage: interpolate.sh -m model [-l] [-n steps] [-t temperature]" \
		"[-s seed] drawings" >&2
	exit 1
}
model= n=10 t=0.1 seed=1 kind=-s
while getopts lm:n:s:t: opt; do
	case $opt in
	l) kind= ;; m) model=$OPTARG ;; n) n=$OPTARG ;; s) seed=$OPTARG ;;
	t) t=$OPTARG ;; *) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$model" ] && [ $# -eq 1 ] || usage
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pick -n 2 "$1" > "$tmp/ends.strk"
pick -n 1 "$tmp/ends.strk" > "$tmp/a.strk"
pick -s 1 "$tmp/ends.strk" > "$tmp/b.strk"
# shellcheck disable=SC2086
encode -m "$model" "$tmp/ends.strk" | lerp $kind -n "$n" |
	decode -m "$model" -t "$t" -s "$seed" > "$tmp/path.strk"
stroke2svg -C -c $((n + 2)) "$tmp/a.strk" "$tmp/path.strk" "$tmp/b.strk"
