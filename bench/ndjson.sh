#!/bin/sh
# bench/ndjson.sh BUILD: throughput of ndjson2stroke (its scanner and its
# json-c path) and rdp-simplify on raw Quick, Draw! ndjson, against Python
# json.loads-per-line readers of the same file timed in the same run.
# Every program runs on one core (taskset -c 0), best of 10.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/${1:-build}/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
[ -x $py ] || py=python3
one="taskset -c 0"
command -v taskset > /dev/null || one=

# Input: every raw file of ../shared when present (33 MB), else the bundled
# raw files repeated.
src=$top/../shared/data/quickdraw/raw
[ -d "$src" ] || src=$top/data/quickdraw/raw
for f in "$src"/*.ndjson; do cat "$f"; echo; done | grep -v '^$' > "$tmp/in.ndjson"
while [ "$(wc -c < "$tmp/in.ndjson")" -lt 20000000 ]; do
	cat "$tmp/in.ndjson" "$tmp/in.ndjson" > "$tmp/x" && mv "$tmp/x" "$tmp/in.ndjson"
done
bytes=$(wc -c < "$tmp/in.ndjson")
lines=$(wc -l < "$tmp/in.ndjson")

best() { # best of 10 wall-clock seconds of "$@" (stdout discarded)
	b=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		s=$(date +%s.%N)
		"$@" > /dev/null 2>&1
		e=$(date +%s.%N)
		b=$(echo "$s $e ${b:-1e9}" | awk '{ t = $2 - $1; print (t < $3 ? t : $3) }')
	done
	echo "$b"
}
row() { # name seconds baseline-seconds
	printf '%-36s ' "$1"
	echo "$2 $3 $bytes $lines" | awk '{ printf "%7.3f s %8.1f MB/s %9.0f drawings/s %6.1fx\n",
		$1, $3 / $1 / 1e6, $4 / $1, $2 / $1 }'
}

echo "input: $lines raw drawings, $(echo "$bytes" | awk '{ printf "%.1f", $1 / 1e6 }') MB ($src)"
# Check first: the scanner and json-c agree.
"$bin/ndjson2stroke" "$tmp/in.ndjson" > "$tmp/a"
"$bin/ndjson2stroke" -J "$tmp/in.ndjson" > "$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || { echo "scanner and json-c disagree" >&2; exit 1; }

p_parse=$(best $one $py "$top/bench/ndjson_baseline.py" parse "$tmp/in.ndjson")
p_conv=$(best $one $py "$top/bench/ndjson_baseline.py" convert "$tmp/in.ndjson")
scan=$(best $one "$bin/ndjson2stroke" "$tmp/in.ndjson")
jsonc=$(best $one "$bin/ndjson2stroke" -J "$tmp/in.ndjson")
echo "ratios are against Python json.loads per line (parse only):"
row "python json.loads (parse only)" "$p_parse" "$p_parse"
row "python json.loads + stroke-3 out" "$p_conv" "$p_parse"
row "ndjson2stroke -J (json-c)" "$jsonc" "$p_parse"
row "ndjson2stroke (scanner)" "$scan" "$p_parse"
echo "ndjson2stroke vs the converting Python reader: $(echo "$p_conv $scan" | awk '{ printf "%.1fx", $1 / $2 }')"

if [ -x "$bin/rdp-simplify" ]; then
	echo "rdp-simplify on the same drawings (stroke input; MB/s of the ndjson they came from):"
	rdp=$(best $one "$bin/rdp-simplify" "$tmp/a")
	rdpg=$(best $one "$bin/rdp-simplify" -g "$tmp/a")
	row "rdp-simplify (eps 2)" "$rdp" "$p_parse"
	row "rdp-simplify -g (Google recipe)" "$rdpg" "$p_parse"
fi
