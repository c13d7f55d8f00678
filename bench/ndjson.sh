#!/bin/bash
# bench/ndjson.sh BUILD [OLD]: throughput of ndjson2stroke (its scanner and
# its json-c path) and rdp-simplify on raw Quick, Draw! ndjson, against
# Python json.loads-per-line readers of the same file timed in the same
# run.  Every program runs on one core (taskset -c 0), best of 10, timed
# with bash's clock ($EPOCHREALTIME), so that no process but the one
# measured starts between the two readings.  OLD, another build directory
# (of an older commit, say; relative to the top like BUILD, or absolute):
# its scanner is timed in the same rounds, and must give the same bytes.  Where BUILD has bench/ndjson_scan, the
# scanner alone is timed too, with each copy of its list loops.
set -eu
export LC_ALL=C
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/${1:-build}/bin
case ${2:-} in
"") old= ;;
/*) old=$2/bin ;;
*) old=$top/$2/bin ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
[ -x $py ] || py=python3
one="taskset -c 0"
command -v taskset > /dev/null || one=

# Input: the bundled raw files (data/quickdraw/raw and extra/raw), repeated
# to at least 20 MB.
for f in "$top"/data/quickdraw/raw/*.ndjson "$top"/data/quickdraw/extra/raw/*.ndjson; do
	cat "$f"; echo
done | grep -v '^$' > "$tmp/in.ndjson"
while [ "$(wc -c < "$tmp/in.ndjson")" -lt 20000000 ]; do
	cat "$tmp/in.ndjson" "$tmp/in.ndjson" > "$tmp/x" && mv "$tmp/x" "$tmp/in.ndjson"
done
bytes=$(wc -c < "$tmp/in.ndjson")
lines=$(wc -l < "$tmp/in.ndjson")

# time NAME CMD...: one run of CMD (stdout discarded), wall-clock seconds,
# kept in best[NAME] when the fastest so far.  The programs are timed in
# turn, round after round, so that a slow spell of this machine falls on
# all of them alike.
declare -A best
time1() {
	local name=$1 s e
	shift
	s=$EPOCHREALTIME
	"$@" > /dev/null 2>&1
	e=$EPOCHREALTIME
	best[$name]=$(echo "$s $e ${best[$name]:-1e9}" | awk '{ t = $2 - $1; print (t < $3 ? t : $3) }')
}
row() { # name seconds baseline-seconds
	printf '%-36s ' "$1"
	echo "$2 $3 $bytes $lines" | awk '{ printf "%7.3f s %8.1f MB/s %9.0f drawings/s %6.1fx\n",
		$1, $3 / $1 / 1e6, $4 / $1, $2 / $1 }'
}

echo "input: $lines raw drawings, $(echo "$bytes" | awk '{ printf "%.1f", $1 / 1e6 }') MB"
# Check first: the scanner and json-c agree.
"$bin/ndjson2stroke" "$tmp/in.ndjson" > "$tmp/a"
"$bin/ndjson2stroke" -J "$tmp/in.ndjson" > "$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || { echo "scanner and json-c disagree" >&2; exit 1; }
if [ -n "$old" ]; then
	"$old/ndjson2stroke" "$tmp/in.ndjson" > "$tmp/b"
	cmp -s "$tmp/a" "$tmp/b" || { echo "$2 gives other bytes" >&2; exit 1; }
fi

# A file from a pipe: cat on another core, the scanner reading its buffer.
piped() { cat "$tmp/in.ndjson" | $one "$1/ndjson2stroke"; }
for round in 1 2 3 4 5 6 7 8 9 10; do
	time1 p_parse $one $py "$top/bench/ndjson_baseline.py" parse "$tmp/in.ndjson"
	time1 p_conv $one $py "$top/bench/ndjson_baseline.py" convert "$tmp/in.ndjson"
	time1 scan $one "$bin/ndjson2stroke" "$tmp/in.ndjson"
	time1 piped piped "$bin"
	if [ -n "$old" ]; then
		time1 old_scan $one "$old/ndjson2stroke" "$tmp/in.ndjson"
		time1 old_piped piped "$old"
	fi
	time1 jsonc $one "$bin/ndjson2stroke" -J "$tmp/in.ndjson"
	if [ -x "$bin/rdp-simplify" ]; then
		time1 rdp $one "$bin/rdp-simplify" "$tmp/a"
		time1 rdpg $one "$bin/rdp-simplify" -g "$tmp/a"
	fi
done
p=${best[p_parse]}
echo "ratios are against Python json.loads per line (parse only), best of 10:"
row "python json.loads (parse only)" "$p" "$p"
row "python json.loads + stroke-3 out" "${best[p_conv]}" "$p"
row "ndjson2stroke -J (json-c)" "${best[jsonc]}" "$p"
row "ndjson2stroke (scanner, a file)" "${best[scan]}" "$p"
row "ndjson2stroke (scanner, a pipe)" "${best[piped]}" "$p"
if [ -n "$old" ]; then
	row "ndjson2stroke, OLD (a file)" "${best[old_scan]}" "$p"
	row "ndjson2stroke, OLD (a pipe)" "${best[old_piped]}" "$p"
	echo "${1:-build} against OLD ($2): $(echo "${best[old_scan]} ${best[scan]} ${best[old_piped]} ${best[piped]}" | awk '{ printf "%.3fx from the file, %.3fx from a pipe", $1 / $2, $3 / $4 }')"
fi
echo "ndjson2stroke vs the converting Python reader: $(echo "${best[p_conv]} ${best[scan]}" | awk '{ printf "%.1fx", $1 / $2 }')"

if [ -x "$bin/rdp-simplify" ]; then
	echo "rdp-simplify on the same drawings (stroke input; MB/s of the ndjson they came from):"
	row "rdp-simplify (eps 2)" "${best[rdp]}" "$p"
	row "rdp-simplify -g (Google recipe)" "${best[rdpg]}" "$p"
fi

scan=$top/${1:-build}/bench/ndjson_scan
if [ -x "$scan" ]; then
	echo "the scanner alone (bench/ndjson_scan: scan_line over the file in memory, best of 30), each copy of its list loops:"
	$one "$scan" "$tmp/in.ndjson"
fi
