#!/bin/sh
# render-all.sh: a large stroke stream to one SVG per drawing, with GNU
# parallel across the cores; the files are exactly those of one serial
#   stroke2svg OPTIONS -o OUTDIR/%06d.svg STREAM
# (each job reads the whole stream and writes its share, stroke2svg -p).
#
# Usage: render-all.sh [-j jobs] [-o 'stroke2svg options'] stream outdir
#   -j  parallel jobs (default: one per core)
#   -o  options for stroke2svg, e.g. "-C -s 256" (no -c, -o or -p)
# The stream may be - (standard input); it is then kept in a temporary
# file, since every job reads all of it.
set -eu

usage() {
	echo "usage: render-all.sh [-j jobs] [-o options] stream outdir" >&2
	exit 1
}

jobs=$(nproc 2> /dev/null || echo 2) opts=
while getopts j:o: opt; do
	case $opt in
	j) jobs=$OPTARG ;;
	o) opts=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
case $jobs in '' | *[!0-9]* | 0) echo "render-all.sh: -j: bad value '$jobs'" >&2; exit 1 ;; esac
in=$1
out=${2%/}
tmp=
if [ "$in" = - ]; then
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	cat > "$tmp"
	in=$tmp
fi
mkdir -p "$out"
# shellcheck disable=SC2086
seq 0 $((jobs - 1)) | parallel --will-cite --halt now,fail=1 -j "$jobs" \
	stroke2svg $opts -p "{}/$jobs" -o "$out/%06d.svg" "$in"
