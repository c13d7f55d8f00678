#!/bin/sh
# demo.sh: sketchrnn on the bundled data and models, ending in SVG pictures
# (and PNG ones where rsvg-convert is installed), one line printed for each.
#
# Preprocessing, on the bundled Quick, Draw! drawings:
#   raw ndjson -> ndjson2stroke -> rdp-simplify -g -> normalize  (preprocess.sh)
#   normalised strokes -> stroke2svg (a grid per category, one file per monkey)
# Models, the shipped ones in data/models:
#   Magenta's pretrained sheep.gen.json (and four more): decode -n, and
#     decode -p on the first strokes of real sheep (complete.sh -x 3)
#   the VAE aaron_sheep.skm on the aaron_sheep test split:
#     reconstruct.sh (encode | decode), interpolate.sh (encode | lerp |
#     decode), complete.sh (decode -p)
# Fixed seeds and drawings: the same pictures every run.
#
# Usage: pipelines/demo.sh [outdir]   (default out/demo); run from the top
# of the source tree after make, or with the filters on PATH.  The filters
# are taken from $SKETCHRNN_BUILD/bin (default build/bin) first.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out/demo}
PATH=${SKETCHRNN_BUILD:-$top/build}/bin:$top/pipelines:$PATH
export PATH
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
png=
command -v rsvg-convert > /dev/null && png=yes

# say FILE TEXT: the PNG of FILE, and a line naming the picture.
say() {
	[ -n "$png" ] && rsvg-convert -b white "$1" -o "${1%.svg}.png"
	printf '   %-34s %s\n' "$1" "$2"
}

rm -rf "$out"
mkdir -p "$out/raw" "$out/monkeys"
echo "== preprocessing the raw drawings of 8 categories with Google's recipe"
preprocess.sh -r -g "$top/data/quickdraw/raw" "$out/strokes"
for f in "$out"/strokes/*.strk; do
	name=$(basename "$f" .raw.strk)
	n=$(stroke2txt -s "$f" | grep -c '^drawing')
	scale=$(stroke2txt -s "$f" | sed -n '1s/.*scale=//p')
	stroke2svg -C -c 6 -s 120 "$f" > "$out/$name.svg"
	say "$out/$name.svg" "$n drawings, simplified and normalised (scale factor $scale)"
done
ndjson2stroke "$top/data/quickdraw/raw/cat.raw.ndjson" |
	stroke2svg -C -c 6 -s 120 > "$out/raw/cat.svg"
say "$out/raw/cat.svg" "the same cats before simplification"
ndjson2stroke "$top/data/quickdraw/monkey-1000.simplified.ndjson" |
	stroke2svg -o "$out/monkeys/%04d.svg"
printf '   %-34s %s\n' "$out/monkeys/" "1000 simplified monkeys, one SVG each"

echo "== drawing with Magenta's pretrained models (data/models/*.gen.json)"
g=$top/data/models/sheep.gen.json
decode -m "$g" -n 12 -t 0.3 -s 1 | stroke2svg -c 6 > "$out/magenta-sheep.svg"
say "$out/magenta-sheep.svg" "12 sheep sampled by Magenta's sheep model (temperature 0.3)"
ndjson2stroke -n 6 "$top/data/quickdraw/simplified/sheep.simplified.ndjson" \
	> "$tmp/real.strk"
complete.sh -m "$g" -k 1 -n 6 -r 2 -x 3 -t 0.3 "$tmp/real.strk" \
	> "$out/magenta-sheep-endings.svg"
say "$out/magenta-sheep-endings.svg" "first strokes of 6 real sheep (top row), each finished twice"
files=
for c in bicycle bird mosquito rabbit sheep; do
	decode -m "$top/data/models/$c.gen.json" -n 6 -t 0.3 -s 1 > "$tmp/$c.strk"
	files="$files $tmp/$c.strk"
done
# shellcheck disable=SC2086
stroke2svg -c 6 $files > "$out/magenta-models.svg"
say "$out/magenta-models.svg" "6 samples of each: bicycle, bird, mosquito, rabbit, sheep"

echo "== the VAE data/models/aaron_sheep.skm on test sheep of aaron_sheep.npz"
m=$top/data/models/aaron_sheep.skm
npz2stroke -s test "$top/data/sketchrnn/aaron_sheep.npz" > "$tmp/test.strk"
picks() { # index...: those test drawings, in that order
	for i in "$@"; do pick -s "$i" -n 1 "$tmp/test.strk"; done
}
picks 1 2 7 8 14 17 19 23 > "$tmp/eight.strk"
reconstruct.sh -m "$m" -n 8 -t "0.3 0.5 0.7" "$tmp/eight.strk" \
	> "$out/vae-reconstructions.svg"
say "$out/vae-reconstructions.svg" "8 test sheep (top row) reconstructed at temperatures 0.3, 0.5, 0.7"
picks 1 8 > "$tmp/pair.strk"
interpolate.sh -m "$m" -n 8 -t 0.5 "$tmp/pair.strk" > "$out/vae-interpolation.svg"
say "$out/vae-interpolation.svg" "two test sheep, and 8 steps between their latents (slerp)"
picks 1 2 7 8 14 23 > "$tmp/six.strk"
complete.sh -m "$m" -k 1 -n 6 -r 3 "$tmp/six.strk" > "$out/vae-endings.svg"
say "$out/vae-endings.svg" "first strokes of 6 test sheep (top row), each finished 3 times"
[ -n "$png" ] || echo "   (no PNG files: rsvg-convert is not installed)"
