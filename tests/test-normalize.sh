#!/bin/sh
# normalize: the reference's scale factor (population std of pooled dx, dy
# after clamping to +-1000), its application, -f / -F / -m / -l, and bad
# input.  Expected factors were computed with numpy (np.std, ddof=0) from
# the same ndjson files.
. "$(dirname "$0")/lib.sh"

Q=$DATA/quickdraw
ndjson2stroke "$Q/monkey-1000.simplified.ndjson" > "$TMP/m"
ndjson2stroke "$Q/raw/cat.raw.ndjson" > "$TMP/c"
close() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-6 * (b < 0 ? -b : b)) }'; }

f=$(normalize -p "$TMP/m")
close "$f" 25.62351264679401
t_true "monkey-1000 factor equals numpy's 25.6235126 (got $f)" $? -eq 0
f=$(normalize -p "$TMP/c")
close "$f" 39.916509351424246
t_true "raw cat factor equals numpy's 39.9165094 (got $f)" $? -eq 0
t_eq "the factor travels in the header" "stroke version=1 normalized=1 scale=25.6235123" \
	"$(normalize "$TMP/m" | stroke2txt | head -1)"

# Offsets divided by the factor; positions come back in pixels.
normalize "$TMP/m" > "$TMP/mn"
stroke2txt -a "$TMP/m" | awk 'NR > 1 && !/^drawing/' > "$TMP/abs0"
stroke2txt -a "$TMP/mn" | awk 'NR > 1 && !/^drawing/' > "$TMP/abs1"
bad=$(paste -d' ' "$TMP/abs0" "$TMP/abs1" | awk '{ d = $1 - $4; e = $2 - $5
	if (d < 0) d = -d; if (e < 0) e = -e
	if (d > 1e-3 || e > 1e-3 || $3 != $6) n++ } END { print n + 0 }')
t_eq "normalised positions times the factor give back the pixels" 0 "$bad"
t_eq "first offset divided by the factor" "4.72222519 0.975666404 0" \
	"$(stroke2txt "$TMP/mn" | sed -n 3p)"

t_eq "-f applies a given factor" "60.5 12.5 0" \
	"$(normalize -f 2 "$TMP/m" | stroke2txt | sed -n 3p)"
t_eq "-F takes the factor of another stream" "$(normalize -f 25.6235123 "$TMP/c" | cksum)" \
	"$(normalize -F "$TMP/mn" "$TMP/c" | cksum)"
t_eq "normalising a normalised stream computes the same factor" \
	"$(normalize -p "$TMP/m")" "$(normalize -p "$TMP/mn")"
t_eq "-m drops drawings longer than N points (numpy: 851 of 1000 have <= 100)" 851 \
	"$(normalize -m 100 "$TMP/m" | stroke2txt -s | grep -c '^drawing')"
t_eq "several files pool into one factor" "$(cat "$TMP/m" "$TMP/m" | normalize -p)" \
	"$(normalize -p "$TMP/m" "$TMP/m")"

printf '%s\n' '{"key_id":"1","word":"w","drawing":[[[0,5000,5003],[0,-4000,-4004]]]}' |
	ndjson2stroke > "$TMP/far"
t_eq "offsets clamped to +-1000 before the factor (numpy: 577.3538535)" \
	"577.353882" "$(normalize -p "$TMP/far")"
t_eq "... and in the output" "1000 -1000 0" \
	"$(normalize -f 1 "$TMP/far" | stroke2txt | sed -n 4p)"
t_eq "-l 0 turns the clamp off" "5000 -4000 0" \
	"$(normalize -l 0 -f 1 "$TMP/far" | stroke2txt | sed -n 4p)"

printf '%s\n' '{"key_id":"1","word":"w","drawing":[[[3],[3]]]}' | ndjson2stroke > "$TMP/one"
printf '%s\n' '{"key_id":"1","word":"w","drawing":[[[0,0],[0,0]]]}' | ndjson2stroke > "$TMP/zero"
t_bad "all offsets zero: no factor" "scale factor would be 0" normalize "$TMP/zero"
t_bad "no drawings" "no drawings" normalize -m 1 "$TMP/m"
t_bad "-f 0" "-f: bad value" normalize -f 0 "$TMP/m"
t_bad "-f nan" "-f: bad value" normalize -f nan "$TMP/m"
t_bad "-F of an unnormalised stream" "not normalised" normalize -F "$TMP/m" "$TMP/c"
head -c 2000 "$TMP/m" > "$TMP/cut"
t_bad "truncated input" "cut:record" normalize "$TMP/cut"
t_bad "truncated input with -f" "cut:record" normalize -f 2 "$TMP/cut"
normalize "$TMP/m" 2> "$TMP/err" | head -c 10 > /dev/null
t_true "| head -c 10 is quiet" ! -s "$TMP/err"
# Files are read again (constant memory), a pipe is held: the same bytes.
for args in "" "-m 100" "-l 50" "-p"; do
	t_eq "a file read three times = a pipe held ($args)" \
		"$(cat "$TMP/m" "$TMP/c" | normalize $args | cksum)" \
		"$(normalize $args "$TMP/m" "$TMP/c" | cksum)"
done
t_eq "standard input from a file is read again too" \
	"$(cat "$TMP/c" | normalize | cksum)" "$(normalize < "$TMP/c" | cksum)"
{ printf 'skip'; cat "$TMP/c"; } > "$TMP/skip4"
t_eq "... from where it stood" "$(cat "$TMP/c" | normalize | cksum)" \
	"$( (dd bs=4 count=1 of=/dev/null 2> /dev/null; normalize) < "$TMP/skip4" |
	cksum)"
t_eq "a file and a pipe together: held" \
	"$(cat "$TMP/m" "$TMP/c" | normalize | cksum)" \
	"$(cat "$TMP/c" | normalize "$TMP/m" - | cksum)"
t_done
