#!/bin/sh
# decode with Magenta's pretrained sheep model (data/models/sheep.gen.json):
# unconditional samples, seeds, greedy decoding, length limits,
# completion of real drawings, batch independence, and bad calls.
. "$(dirname "$0")/lib.sh"

M=$DATA/models/sheep.gen.json
decode -m "$M" -n 5 -t 0.3 > "$TMP/a"
t_eq "5 drawings, normalised with the model's factor" \
	"stroke version=1 normalized=1 scale=63.0983009|5" \
	"$(stroke2txt -s "$TMP/a" | head -1)|$(stroke2txt -s "$TMP/a" | grep -c '^drawing')"
t_cmp "the same seed gives the same drawings" "$TMP/a" "$(decode -m "$M" -n 5 -t 0.3 > "$TMP/b"; echo "$TMP/b")"
decode -m "$M" -n 5 -t 0.3 -s 2 > "$TMP/c"
t_true "another seed gives other drawings" "$(cksum < "$TMP/a")" != "$(cksum < "$TMP/c")"
decode -m "$M" -n 5 -t 0.3 -b 1 > "$TMP/d"
t_eq "batch size does not change the drawings (points)" \
	"$(stroke2txt -s "$TMP/a" | cksum)" "$(stroke2txt -s "$TMP/d" | cksum)"
t_eq "... nor the offsets, beyond float rounding (< 1e-4)" 0 \
	"$(paste -d' ' "$(stroke2txt "$TMP/a" > "$TMP/a.t"; echo "$TMP/a.t")" \
		"$(stroke2txt "$TMP/d" > "$TMP/d.t"; echo "$TMP/d.t")" |
		awk '!/drawing|stroke/ { d = $1 - $4; e = $2 - $5; if (d < 0) d = -d
			if (e < 0) e = -e; if (d > 1e-4 || e > 1e-4 || $3 != $6) n++ }
			END { print n + 0 }')"
decode -m "$M" -n 3 -t 0.3 -s 3 > "$TMP/e"
t_eq "drawing i depends on seed + i only" \
	"$(stroke2txt "$TMP/a" | awk '/^drawing/ { n++ } n == 4' | sed 1d | cksum)" \
	"$(stroke2txt "$TMP/e" | awk '/^drawing/ { n++ } n == 2' | sed 1d | cksum)"
t_eq "greedy ignores the seed" "$(decode -m "$M" -n 2 -G -s 1 | cksum)" "$(decode -m "$M" -n 2 -G -s 9 | cksum)"
t_eq "-l caps the length" 0 \
	"$(decode -m "$M" -n 20 -l 10 | stroke2txt -s | awk -F'points=' '/^drawing/ && $2 > 10' | wc -l)"

# Magenta's procedure reproduces @magenta/sketch's own sample (fixture:
# 79 rows, the last the end row; draws from the generator seeded with 1).
t_eq "-M -t 0.25 -s 1: Magenta's sheep, 78 points" 78 \
	"$(decode -m "$M" -M -t 0.25 -s 1 -n 1 | stroke2txt -s | sed -n 's/.*points=//p')"

# Completion: the output starts with the given first stroke.
ndjson2stroke -n 4 "$DATA/quickdraw/simplified/sheep.simplified.ndjson" > "$TMP/p"
decode -m "$M" -p "$TMP/p" -k 1 -t 0.3 > "$TMP/f"
t_eq "one completion per prefix, keyed by it" \
	"$(stroke2txt -s "$TMP/p" | sed -n 's/ word.*//p')" \
	"$(stroke2txt -s "$TMP/f" | sed -n 's/ word.*//p')"
first=$(stroke2txt -a "$TMP/p" | awk '/^drawing/ { n++; next } n == 1 { print; if ($3 == 1) exit }' |
	awk '{ printf "%.2f %.2f %d\n", $1, $2, $3 }')
got=$(stroke2txt -a "$TMP/f" | awk '/^drawing/ { n++; next } n == 1 { print; if ($3 == 1) exit }' |
	awk '{ printf "%.2f %.2f %d\n", $1, $2, $3 }')
t_eq "the completion keeps the first stroke, in pixels" "$first" "$got"
t_true "... and adds points to it" "$(stroke2txt -s "$TMP/f" | sed -n 2p | sed 's/.*points=//')" -gt \
	"$(echo "$first" | wc -l)"

t_bad "no model" "usage" decode -n 1
t_bad "decoder-only model without -n or -p" "decoder-only model" decode -m "$M"
t_bad "decoder-only model given latents" "reads no latents" decode -m "$M" -n 1 "$TMP/a"
t_bad "missing model" "nosuch.json" decode -m "$TMP/nosuch.json" -n 1
head -c 100000 "$M" > "$TMP/cut.json"
t_bad "truncated model" "cut.json" decode -m "$TMP/cut.json" -n 1
echo garbage > "$TMP/junk"
t_bad "not a model" "junk" decode -m "$TMP/junk" -n 1
t_bad "bad temperature" "-t: bad value" decode -m "$M" -n 1 -t 0
t_bad "-n with -p" "exclude" decode -m "$M" -n 1 -p "$TMP/p"
head -c 300 "$TMP/p" > "$TMP/pcut"
t_bad "truncated prefix stream" "pcut" decode -m "$M" -p "$TMP/pcut"
decode -m "$M" -n 50 2> "$TMP/err" | head -c 10 > /dev/null
t_true "| head -c 10 is quiet" ! -s "$TMP/err"
t_done
