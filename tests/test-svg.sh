#!/bin/sh
# tests/test-svg.sh: stroke2svg on real Quick, Draw! drawings: one file per
# record, grids and their sizes, a path per stroke, normalised streams drawn
# the same, XML escaping, bad calls, and the man page EXAMPLES.  Every SVG is
# parsed by rendering it with rsvg-convert.
. "$(dirname "$0")/lib.sh"

Q=$DATA/quickdraw
CATS=$TMP/cats.strk
ndjson2stroke "$Q/simplified/cat.simplified.ndjson" > "$CATS"
ncats=$(stroke2txt -s "$CATS" | grep -c '^drawing')
t_eq "25 cats to draw" 25 "$ncats"

# render FILE...: every file renders to a PNG (so it is well-formed SVG).
render() {
	for f in "$@"; do
		rsvg-convert "$f" -o "$f.png" || return 1
		[ -s "$f.png" ] || return 1
	done
}

# size FILE: the "width height" of the root <svg> element.
size() {
	sed -n 's/^<svg .* width="\([0-9.]*\)" height="\([0-9.]*\)".*/\1 \2/p' "$1"
}

# strokes FILE: strokes per drawing, one line each: points with pen 1, plus
# one when the last point leaves the pen down.
strokes() {
	stroke2txt "$1" | awk '
	/^drawing/ { if (n) print s + (last == 0); s = 0; n = 0; next }
	/^stroke/ { next }
	{ n++; last = $3; if ($3 == 1) s++ }
	END { if (n) print s + (last == 0) }'
}

# --- one file per record
mkdir "$TMP/o"
t_ok "-o writes one file per record" stroke2svg -o "$TMP/o/cat-%03d.svg" "$CATS"
t_eq "-o leaves stdout empty" 0 "$(wc -c < "$TMP/t.out" | tr -d ' ')"
t_eq "-o file count" 25 "$(ls "$TMP/o" | wc -l | tr -d ' ')"
t_true "-o numbers from 001 to 025" -f "$TMP/o/cat-001.svg" -a \
	-f "$TMP/o/cat-025.svg" -a ! -f "$TMP/o/cat-000.svg"
t_ok "every -o file renders with rsvg-convert" render "$TMP"/o/*.svg
for f in "$TMP"/o/cat-*.svg; do grep -c '<path' "$f"; done > "$TMP/paths"
strokes "$CATS" > "$TMP/want"
t_cmp "a <path> per stroke in each file" "$TMP/want" "$TMP/paths"
t_true "the cats have strokes" "$(awk '{ s += $1 } END { print s }' \
	"$TMP/want")" -gt 100

mkdir "$TMP/k"
stroke2svg -o "$TMP/k/%k.svg" "$CATS"
t_true "-o %k names a file by key_id" -f "$TMP/k/5201136883597312.svg"
t_eq "-o %k file count" 25 "$(ls "$TMP/k" | wc -l | tr -d ' ')"
t_cmp "%k and %d files hold the same drawing" "$TMP/o/cat-001.svg" \
	"$TMP/k/5201136883597312.svg"

# --- grids
stroke2svg "$CATS" > "$TMP/grid.svg"
t_eq "25 drawings make a 5x5 grid of 128 px" "640.00 640.00" \
	"$(size "$TMP/grid.svg")"
t_eq "the grid holds every stroke" \
	"$(awk '{ s += $1 } END { print s }' "$TMP/want")" \
	"$(grep -c '<path' "$TMP/grid.svg")"
t_eq "the grid holds 25 drawings" 26 "$(grep -c '^<g' "$TMP/grid.svg")"
t_ok "the grid renders" render "$TMP/grid.svg"
t_eq "-c 4 -s 100: 4 columns, 7 rows" "400.00 700.00" \
	"$(stroke2svg -c 4 -s 100 "$CATS" > "$TMP/g4.svg"; size "$TMP/g4.svg")"
t_eq "-c 40 with 25 drawings: 25 columns" "3200.00 128.00" \
	"$(stroke2svg -c 40 "$CATS" > "$TMP/g40.svg"; size "$TMP/g40.svg")"
stroke2svg "$CATS" "$CATS" > "$TMP/g50.svg"
t_eq "two inputs make one grid of 50" "1024.00 896.00" "$(size "$TMP/g50.svg")"
stroke2svg "$CATS" > "$TMP/grid2.svg"
t_cmp "the same input gives the same bytes" "$TMP/grid.svg" "$TMP/grid2.svg"
t_eq "grid of cats pinned" "631046162 21989" "$(cksum < "$TMP/grid.svg")"

# --- a single drawing keeps its own size: box + 2 * (5% of the longer
# side + stroke width), here with -w 3
ndjson2stroke -n 1 "$Q/raw/cat.raw.ndjson" > "$TMP/one.strk"
stroke2svg -w 3 "$TMP/one.strk" > "$TMP/one.svg"
want=$(stroke2txt -a "$TMP/one.strk" | awk '
	NR > 2 { if (NR == 3 || $1 < x0) x0 = $1; if (NR == 3 || $1 > x1) x1 = $1
		 if (NR == 3 || $2 < y0) y0 = $2; if (NR == 3 || $2 > y1) y1 = $2 }
	END { w = x1 - x0; h = y1 - y0; p = 0.05 * (w > h ? w : h) + 3
	      printf "%.2f %.2f", w + 2 * p, h + 2 * p }')
t_eq "one drawing: its box plus margins" "$want" "$(size "$TMP/one.svg")"
t_ok "one drawing renders" render "$TMP/one.svg"
t_eq "-s 300 fits one drawing in a square" "300.00 300.00" \
	"$(stroke2svg -s 300 "$TMP/one.strk" > "$TMP/one300.svg"
	size "$TMP/one300.svg")"
t_eq "-c 1 makes a grid even of one" "128.00 128.00" \
	"$(stroke2svg -c 1 "$TMP/one.strk" > "$TMP/one1.svg"; size "$TMP/one1.svg")"

# --- normalisation is undone.  The same offsets under a header that says
# "normalised, scale 2" are a drawing twice the size: the same picture in a
# cell (exactly: scaling by 2 is exact), twice the box at its own size.
printf 'STRK\001\000\001\000\000\000\000\100' > "$TMP/two.strk"
tail -c +13 "$TMP/one.strk" >> "$TMP/two.strk"
stroke2svg -s 200 "$TMP/two.strk" > "$TMP/two200.svg"
stroke2svg -s 200 "$TMP/one.strk" > "$TMP/one200.svg"
t_cmp "normalised scale 2: same SVG in a cell" "$TMP/one200.svg" \
	"$TMP/two200.svg"
stroke2svg -w 3 "$TMP/two.strk" > "$TMP/two.svg"
t_eq "normalised scale 2: twice the box at its own size" yes "$(
	{ size "$TMP/one.svg"; size "$TMP/two.svg"; } | awk '
	NR == 1 { w = $1; h = $2; next }
	{ d1 = 2 * w - 6 - $1; d2 = 2 * h - 6 - $2
	  ok = d1 < 0.02 && d1 > -0.02 && d2 < 0.02 && d2 > -0.02
	  print ok ? "yes" : "no: " w " " h " then " $1 " " $2 }')"
t_ok "normalised drawing renders" render "$TMP/two.svg"
# normalize(1) divides by a factor it computes (not a power of two), so
# the pictures agree within rounding of the last printed decimal.
near() {
	awk 'function nums(s, a) { gsub(/[^0-9.]+/, " ", s); return split(s, a, " ") }
	NR == FNR { l[FNR] = $0; next }
	{ n = nums(l[FNR], a); m = nums($0, b); if (n != m) bad = 1
	  for (i = 1; i <= n; i++) if (a[i] - b[i] > 0.015 || b[i] - a[i] > 0.015) bad = 1 }
	END { if (bad || FNR != NR - FNR || FNR == 0) exit 1 }' "$1" "$2"
}
normalize "$CATS" > "$TMP/norm.strk"
t_eq "normalize wrote a normalised stream" "normalized=1" \
	"$(stroke2txt -s "$TMP/norm.strk" | head -1 | grep -o 'normalized=1')"
stroke2svg "$TMP/norm.strk" > "$TMP/norm.svg"
t_ok "normalize | stroke2svg: the same grid" near "$TMP/grid.svg" "$TMP/norm.svg"
normalize "$TMP/one.strk" | stroke2svg -w 3 > "$TMP/onen.svg"
t_ok "normalize | stroke2svg: the same size and points" near "$TMP/one.svg" \
	"$TMP/onen.svg"
t_eq "normalised drawing keeps its pixel size" "$(size "$TMP/one.svg")" \
	"$(size "$TMP/onen.svg")"

# --- colours and labels
stroke2svg -C "$CATS" > "$TMP/col.svg"
# colours FILE: "bad wrapped": paths whose colour is not palette[k % 10]
# for stroke k of its drawing, and paths with k >= 10 (the wrap is tested).
colours() {
	awk 'BEGIN { split("1f77b4 ff7f0e 2ca02c d62728 9467bd 8c564b e377c2 7f7f7f bcbd22 17becf", c, " ") }
	/^<g>/ { k = 0 }
	/^<path/ { if (index($0, "stroke=\"#" c[k % 10 + 1] "\"") == 0) bad++
		   if (k >= 10) wrapped++; k++ }
	END { printf "%d %d\n", bad, (wrapped > 0) }' "$1"
}
t_eq "-C: stroke k gets colour k mod 10" "0 1" "$(colours "$TMP/col.svg")"
t_eq "no colours without -C" 0 "$(grep -c 'stroke="#' "$TMP/grid.svg")"
t_ok "-C renders" render "$TMP/col.svg"
printf '%s\n' '{"word":"a&b <c> \"d'"'"'e","countrycode":"US","recognized":true,"key_id":"x/y z","drawing":[[[10,60],[10,60]],[[30],[30]]]}' \
	> "$TMP/esc.ndjson"
ndjson2stroke "$TMP/esc.ndjson" > "$TMP/esc.strk"
stroke2svg -t "$TMP/esc.strk" > "$TMP/esc.svg"
t_eq "-t escapes the label" '>a&amp;b &lt;c&gt; &quot;d&apos;e</text>' \
	"$(grep -o '>[^>]*</text>' "$TMP/esc.svg")"
t_eq "-t title holds word and key_id" \
	'<title>a&amp;b &lt;c&gt; &quot;d&apos;e x/y z</title>' \
	"$(grep '<title>' "$TMP/esc.svg")"
t_ok "labelled SVG renders" render "$TMP/esc.svg"
t_eq "a one-point stroke is a zero-length path" 1 \
	"$(grep -c 'd="M\([0-9.]*\) \([0-9.]*\)L\1 \2"/>' "$TMP/esc.svg")"
stroke2svg -o "$TMP/%k.svg" "$TMP/esc.strk"
t_true "-o %k sanitises the key_id" -f "$TMP/x_y_z.svg"
# Invalid UTF-8 in a word (bytes ff fe) is written as '?'.
printf 'STRK\001\000\000\000\000\000\200\077D\001k\003\377\376wUS\001\001\000\000\000\000\000\200\077\000\000\200\077\001E\001\000\000\000\000\000\000\000' \
	> "$TMP/utf.strk"
stroke2svg -t "$TMP/utf.strk" > "$TMP/utf.svg"
t_eq "bad UTF-8 becomes ?" '<title>??w k</title>' "$(grep '<title>' "$TMP/utf.svg")"
t_ok "bad UTF-8 label renders" render "$TMP/utf.svg"
# Four points, pens 0 1 0 0: two strokes, the last ended by the end of the
# drawing, not by its pen.
printf 'STRK\001\000\000\000\000\000\200\077D\000\000\000\000\001\004\000\000\000%b%b%b%bE\001\000\000\000\000\000\000\000' \
	'\000\000\200\077\000\000\200\077\000' '\000\000\200\077\000\000\000\000\001' \
	'\000\000\000\000\000\000\200\077\000' '\000\000\200\077\000\000\000\000\000' \
	> "$TMP/pen0.strk"
stroke2svg "$TMP/pen0.strk" > "$TMP/pen0.svg"
t_eq "a last point with pen 0 ends the last stroke" \
	'M2.10 2.10L3.10 2.10|M3.10 3.10L4.10 3.10' \
	"$(sed -n 's/^<path d="\(.*\)"\/>$/\1/p' "$TMP/pen0.svg" | tr '\n' '|' | sed 's/|$//')"
t_ok "pen 0 at the end renders" render "$TMP/pen0.svg"
# Positions are summed in double: 1e6 then two steps of 0.01 make a box
# 0.02 wide (in float the steps would vanish).
printf 'STRK\001\000\000\000\000\000\200\077D\000\000\000\000\001\003\000\000\000%b%b%bE\001\000\000\000\000\000\000\000' \
	'\000\044\164\111\000\000\000\000\000' '\012\327\043\074\000\000\000\000\000' \
	'\012\327\043\074\000\000\000\000\001' > "$TMP/far.strk"
t_eq "offsets are summed in double" "4.02 4.00" \
	"$(stroke2svg "$TMP/far.strk" > "$TMP/far.svg"; size "$TMP/far.svg")"
printf 'STRK\001\000\000\000\000\000\200\077E\000\000\000\000\000\000\000\000' \
	> "$TMP/empty.strk"
t_eq "no drawings: one empty cell" "128.00 128.00" \
	"$(stroke2svg "$TMP/empty.strk" > "$TMP/empty.svg"; size "$TMP/empty.svg")"
t_ok "empty SVG renders" render "$TMP/empty.svg"

# --- bad calls: exit 1, nothing on stdout, a message
for p in 'x.svg' 'x%d%d.svg' 'x%s.svg' 'x%n' 'x%5k.svg' 'x%' 'x%d%k' '%021d'
do
	t_bad "-o '$p' refused" "bad pattern" stroke2svg -o "$TMP/$p" "$CATS"
done
t_bad "-c 0" "-c: bad value" stroke2svg -c 0 "$CATS"
t_bad "-c abc" "-c: bad value" stroke2svg -c abc "$CATS"
t_bad "-s 4" "-s: bad value" stroke2svg -s 4 "$CATS"
t_bad "-w -1" "-w: bad value" stroke2svg -w -1 "$CATS"
t_bad "-w nan" "-w: bad value" stroke2svg -w nan "$CATS"
t_bad "unknown option" "usage: stroke2svg" stroke2svg -x "$CATS"
t_bad "-c with -o" "-c makes a grid" stroke2svg -c 2 -o "$TMP/%d.svg" "$CATS"
head -c 700 "$CATS" > "$TMP/trunc.strk"
t_bad "truncated stream" "trunc.strk:record [0-9]+: truncated" \
	stroke2svg "$TMP/trunc.strk"
t_bad "truncated stream with -o" "record [0-9]+: truncated" \
	stroke2svg -o "$TMP/t%d.svg" "$TMP/trunc.strk"
t_bad "not a stroke stream" "not a stroke stream" \
	stroke2svg "$Q/simplified/cat.simplified.ndjson"
t_bad "missing file" "nosuch: No such file" stroke2svg "$TMP/nosuch"
t_bad "unwritable -o" "nodir/1.svg: No such file" \
	stroke2svg -o "$TMP/nodir/%d.svg" "$CATS"
cp "$CATS" "$TMP/many.strk"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	cat "$TMP/many.strk" "$TMP/many.strk" > "$TMP/m2" && mv "$TMP/m2" "$TMP/many.strk"
	[ $((25 << i)) -gt 10000 ] && break
done
t_bad "over 10000 drawings for one SVG" "record 10001: more than 10000" \
	stroke2svg "$TMP/many.strk"
sh -c 'stroke2svg "$1" "$1" "$1" "$1" "$1" "$1" "$1" "$1" 2> "$2" |
	head -c 10 > /dev/null' sh "$CATS" "$TMP/pipe.err"
t_eq "| head -c 10 ends quietly" "" "$(cat "$TMP/pipe.err")"

# --- the man page EXAMPLES, run in a scratch directory
mkdir "$TMP/ex"
ln -s "$DATA" "$TMP/ex/data"
sed -n '/^\.SH EXAMPLES/,/^\.SH SEE/p' "$TOP/man/man1/stroke2svg.1" |
	sed -n 's/^\$ //p' | sed 's/\\-/-/g; s/\\e/\\/g' > "$TMP/examples"
t_eq "man page has 6 example commands" 6 "$(wc -l < "$TMP/examples" | tr -d ' ')"
while IFS= read -r cmd; do
	t_ok "example: $cmd" sh -c "cd '$TMP/ex' && $cmd"
done < "$TMP/examples"
t_eq "example: 25 sheep files" 25 "$(ls "$TMP/ex/sheep" | wc -l | tr -d ' ')"
t_ok "example outputs render" render "$TMP/ex/cats.svg" "$TMP/ex/cat.svg" \
	"$TMP/ex/farm.svg" "$TMP/ex/sheep/001.svg"
t_done
