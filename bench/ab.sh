#!/bin/bash
# bench/ab.sh OLD NEW [ROUNDS]: the filters of two builds (build
# directories, e.g. one of an older commit made in a git worktree) on the
# same inputs, in turn, round after round (default 7), best time of each;
# prints old and new seconds and their ratio.  A change meant to keep
# behaviour and speed (a restructuring) should show ratios within noise.
# Every program runs on one core (taskset -c 0, one OpenBLAS thread); the
# inputs are the bundled drawings and models.
set -eu
[ $# -ge 2 ] || { echo "usage: bench/ab.sh OLD NEW [ROUNDS]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
O=$(cd "$1" && pwd) N=$(cd "$2" && pwd) R=${3:-7} D=$top/data
M=$D/models/aaron_sheep-small.skm
export LC_ALL=C OPENBLAS_NUM_THREADS=1
one="taskset -c 0"
command -v taskset > /dev/null || one=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

awk 1 "$D"/quickdraw/raw/*.ndjson "$D"/quickdraw/extra/raw/*.ndjson > "$tmp/nd1"
for i in 1 2 3 4 5 6 7 8; do cat "$tmp/nd1"; done > "$tmp/nd"
"$N/bin/ndjson2stroke" "$tmp/nd" > "$tmp/raw"
"$N/bin/rdp-simplify" "$tmp/raw" | "$N/bin/normalize" > "$tmp/norm"
"$N/bin/npz2stroke" "$D/sketchrnn/aaron_sheep.npz" > "$tmp/sheep0"
"$N/bin/npz2stroke" -s test "$D/sketchrnn/aaron_sheep.npz" |
	"$N/bin/normalize" > "$tmp/sheep"
"$N/bin/encode" -m "$M" "$tmp/sheep" > "$tmp/z"

declare -A best
# t1 KEY CMD...: one run (output discarded), kept in best[KEY] if fastest.
t1() {
	local k=$1 s e d
	shift
	s=$EPOCHREALTIME
	"$@" > /dev/null
	e=$EPOCHREALTIME
	d=$(echo "$s $e" | awk '{ printf "%.4f", $2 - $1 }')
	if [ -z "${best[$k]:-}" ] ||
		awk -v a="$d" -v b="${best[$k]}" 'BEGIN { exit !(a < b) }'; then
		best[$k]=$d
	fi
}
cases="ndjson2stroke rdp-simplify normalize stroke2txt stroke2svg npz2stroke stroke2npz encode decode"
round() { # BUILD TAG
	local b=$1/bin t=$2
	t1 "$t.ndjson2stroke" $one "$b/ndjson2stroke" "$tmp/nd"
	t1 "$t.rdp-simplify" $one "$b/rdp-simplify" "$tmp/raw"
	t1 "$t.normalize" $one "$b/normalize" "$tmp/raw"
	t1 "$t.stroke2txt" $one "$b/stroke2txt" "$tmp/norm"
	t1 "$t.stroke2svg" $one "$b/stroke2svg" -c 20 "$tmp/sheep"
	t1 "$t.npz2stroke" $one "$b/npz2stroke" "$D/sketchrnn/aaron_sheep.npz"
	t1 "$t.stroke2npz" $one "$b/stroke2npz" "$tmp/sheep0"
	t1 "$t.encode" $one "$b/encode" -m "$M" "$tmp/sheep"
	t1 "$t.decode" $one "$b/decode" -m "$M" -l 50 "$tmp/z"
}
for r in $(seq "$R"); do
	round "$O" old
	round "$N" new
done
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), best of $R, one core"
printf '%-14s %9s %9s %8s\n' program "old s" "new s" new/old
for c in $cases; do
	printf '%-14s %9s %9s %8s\n' "$c" "${best[old.$c]}" "${best[new.$c]}" \
		"$(awk -v a="${best[old.$c]}" -v b="${best[new.$c]}" 'BEGIN { printf "%.3f", b / a }')"
done
