#!/bin/sh
# plot-loss.sh: draw the loss curves of a train(1) log to a PNG with
# gnuplot (Debian package gnuplot-nox): reconstruction loss (training rows
# and validation) on top, KL below, against the step.
#
# Usage: plot-loss.sh log.csv [out.png]   (default: loss.png beside the log)
set -eu
[ $# -ge 1 ] && [ $# -le 2 ] || {
	echo "usage: plot-loss.sh log.csv [out.png]" >&2
	exit 1
}
log=$1
png=${2:-$(dirname "$log")/loss.png}
[ -r "$log" ] || { echo "plot-loss.sh: $log: cannot read" >&2; exit 1; }
command -v gnuplot > /dev/null || {
	echo "plot-loss.sh: gnuplot not found (apt-get install gnuplot-nox)" >&2
	exit 1
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/plot-loss.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The log quotes every field (libcsv); columns are those of train(1):
# 1 step, 4 recon, 5 kl, 7 valid_recon, 8 valid_kl.
tr -d '"' < "$log" | awk -F, -v t="$tmp/train" -v v="$tmp/valid" '
	NR == 1 { next }
	$4 != "" { print $1, $4, $5 > t }
	$7 != "" { print $1, $7, $8 > v }'
[ -s "$tmp/train" ] || { echo "plot-loss.sh: $log: no training rows" >&2; exit 1; }
[ -s "$tmp/valid" ] || echo "$(head -1 "$tmp/train")" > "$tmp/valid"

gnuplot > "$tmp/gnuplot.out" 2>&1 <<EOF || { cat "$tmp/gnuplot.out" >&2; exit 1; }
set terminal pngcairo size 900,700 font "sans,10" noenhanced
set output "$png"
set multiplot layout 2,1 title "$(basename "$(dirname "$log")")"
set grid
set key top right
set xlabel "step"
set ylabel "reconstruction loss"
plot "$tmp/train" using 1:2 with lines lc rgb "#8899cc" title "train (mean per log row)", \
     "$tmp/valid" using 1:2 with linespoints pt 7 ps 0.6 lc rgb "#cc3311" title "valid"
set ylabel "KL"
plot "$tmp/train" using 1:3 with lines lc rgb "#8899cc" title "train", \
     "$tmp/valid" using 1:3 with linespoints pt 7 ps 0.6 lc rgb "#cc3311" title "valid"
unset multiplot
EOF
