#!/bin/sh
# demo.sh: the preprocessing pipeline on the bundled Quick, Draw! drawings,
# ending in SVG pictures (and PNG ones where rsvg-convert is installed).
#
#   raw ndjson -> ndjson2stroke -> rdp-simplify -g -> normalize  (preprocess.sh)
#   normalised strokes -> stroke2svg (a grid per category, one file per monkey)
#
# Usage: pipelines/demo.sh [outdir]   (default out/demo); run from the top
# of the source tree after make, or with the filters on PATH.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out/demo}
PATH=$top/build/bin:$top/pipelines:$PATH
export PATH

rm -rf "$out"
mkdir -p "$out/raw" "$out/monkeys"
echo "== preprocessing the raw drawings of 8 categories with Google's recipe"
preprocess.sh -r -g "$top/data/quickdraw/raw" "$out/strokes"
for f in "$out"/strokes/*.strk; do
	name=$(basename "$f" .raw.strk)
	n=$(stroke2txt -s "$f" | grep -c '^drawing')
	scale=$(stroke2txt -s "$f" | sed -n '1s/.*scale=//p')
	printf '   %-10s %3d drawings, scale factor %s\n' "$name" "$n" "$scale"
	stroke2svg -C -c 6 -s 120 "$f" > "$out/$name.svg"
done
echo "== the same cats before simplification"
ndjson2stroke "$top/data/quickdraw/raw/cat.raw.ndjson" | stroke2svg -C -c 6 -s 120 > "$out/raw/cat.svg"
echo "== 1000 monkeys, one SVG each"
ndjson2stroke "$top/data/quickdraw/monkey-1000.simplified.ndjson" |
	stroke2svg -o "$out/monkeys/%04d.svg"
if command -v rsvg-convert > /dev/null; then
	for f in "$out"/*.svg "$out"/raw/*.svg; do
		rsvg-convert -b white "$f" -o "${f%.svg}.png"
	done
fi
echo "== pictures in $out:"
ls "$out"/*.svg "$out"/raw/*.svg | sed 's/^/   /'
echo "   $out/monkeys/ ($(ls "$out"/monkeys | wc -l) files)"
