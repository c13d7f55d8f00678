#!/bin/sh
# fidelity.sh: how well a VAE reconstructs drawings.  Each drawing is
# encoded to its mean latent and decoded greedily (or at a temperature),
# and strokedist(1) compares each reconstruction with its own drawing and
# with every other one:
#
#   encode | decode -G > recon; strokedist -a -m recon drawings
#
# Prints the number of drawings, the mean chamfer distance of a
# reconstruction to its own drawing and to the others (in the drawings'
# units, offsets times the scale factor), and the fidelity: the fraction
# of other drawings that lie farther from a reconstruction than its own
# drawing, averaged over drawings (1: always closest to its own; 0.5: no
# better than chance).
#
# Usage: fidelity.sh -m model [-M] [-n count] [-t temperature] [-s seed]
#                    [-o recon.strk] drawings.strk
#   -n  the first N drawings (default all); -t  sample at this temperature
#   instead of greedily (seed -s, default 1; -M  Magenta's temperature
#   convention, decode -M); -o  keep the reconstructions
set -eu
usage() {
	echo "usage: fidelity.sh -m model [-M] [-n count] [-t temperature]" \
		"[-s seed] [-o recon.strk] drawings" >&2
	exit 1
}
model= n= temp= seed=1 keep= conv=
while getopts Mm:n:o:s:t: opt; do
	case $opt in
	M) conv=-M ;;
	m) model=$OPTARG ;; n) n=$OPTARG ;; o) keep=$OPTARG ;;
	s) seed=$OPTARG ;; t) temp=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$model" ] && [ $# -eq 1 ] || usage
[ -z "$conv" ] || [ -n "$temp" ] || usage # -M needs -t: -G has no temperature
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "$n" ]; then pick -n "$n" "$1"; else pick "$1"; fi > "$tmp/orig.strk"
encode -m "$model" "$tmp/orig.strk" > "$tmp/z"
if [ -n "$temp" ]; then
	decode -m "$model" $conv -t "$temp" -s "$seed" "$tmp/z"
else
	decode -m "$model" -G "$tmp/z"
fi > "$tmp/recon.strk"
[ -z "$keep" ] || cp "$tmp/recon.strk" "$keep"
strokedist -a -m "$tmp/recon.strk" "$tmp/orig.strk" > "$tmp/d.csv"
# one row of plain numbers after the header: drawings,distance,others,farther
tail -n 1 "$tmp/d.csv" | {
	IFS=, read -r count own others farther
	echo "drawings: $count"
	echo "distance to own drawing: $own"
	echo "distance to the others: $others"
	echo "fidelity: $farther"
}
