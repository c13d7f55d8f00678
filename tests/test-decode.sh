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
t_ok "batch size does not change the drawings" near "$TMP/a" "$TMP/d"
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

# Completion in a batch: prefixes of different lengths decoded together
# give the drawings each gives alone (-b 1), sampled and greedy, with
# Magenta's decoder-only sheep and the shipped VAE.
V=$DATA/models/aaron_sheep-small.skm
ndjson2stroke -n 6 "$DATA/quickdraw/simplified/sheep.simplified.ndjson" > "$TMP/six"
npz2stroke -s test "$DATA/sketchrnn/aaron_sheep.npz" | pick -n 6 > "$TMP/six-aaron"
t_true "the six beginnings differ in length" \
	"$(decode -m "$M" -p "$TMP/six" -k 1 -l 0 | stroke2txt -s | sed -n 's/.*points=//p' | sort -u | wc -l)" -ge 5
for m in "$M" "$V"; do
	p=$TMP/six; [ "$m" = "$V" ] && p=$TMP/six-aaron
	for how in "-t 0.3" "-t 1" -G; do
		for k in 1 2; do
			# shellcheck disable=SC2086
			decode -m "$m" -p "$p" -k $k $how -s 4 > "$TMP/cb"
			# shellcheck disable=SC2086
			decode -m "$m" -p "$p" -k $k $how -s 4 -b 1 > "$TMP/c1"
			# shellcheck disable=SC2086
			decode -m "$m" -p "$p" -k $k $how -s 4 -b 4 > "$TMP/c4"
			t_ok "$(basename "$m") -k $k $how: completions in one batch are those of -b 1" \
				near "$TMP/cb" "$TMP/c1"
			t_ok "$(basename "$m") -k $k $how: ... and of batches of 4" near "$TMP/c4" "$TMP/c1"
		done
	done
done
decode -m "$M" -p "$TMP/six" -k 1 -t 0.3 -s 1 > "$TMP/cb"
decode -m "$M" -p "$TMP/six" -k 1 -l 0 > "$TMP/c0"
t_eq "the README's six beginnings each get 10 points or more of ending" 6 \
	"$(paste -d' ' \
		"$(stroke2txt -s "$TMP/c0" | sed -n 's/.*points=//p' > "$TMP/n0"; echo "$TMP/n0")" \
		"$(stroke2txt -s "$TMP/cb" | sed -n 's/.*points=//p' > "$TMP/nb"; echo "$TMP/nb")" |
		awk '$2 >= $1 + 10 { n++ } END { print n + 0 }')"

# Scaling a prefix: -x multiplies it (in pixels), -X gives each drawing the
# model's data scale (unit standard deviation in model units).
pick -n 1 "$TMP/six" > "$TMP/one"
t_eq "-x 2 doubles the beginning" \
	"$(stroke2txt -a "$TMP/one" | awk '!/drawing|stroke/ { printf "%.3f %.3f %d\n", 2 * $1, 2 * $2, $3 }')" \
	"$(decode -m "$M" -p "$TMP/one" -x 2 -l 0 | stroke2txt -a | awk '!/drawing|stroke/ { printf "%.3f %.3f %d\n", $1, $2, $3 }')"
t_eq "-X: the whole prefix gets the model's factor (63.098) as its own" \
	63.098 "$(decode -m "$M" -p "$TMP/one" -X -l 0 | normalize -p | awk '{ printf "%.3f", $1 }')"
decode -m "$M" -p "$TMP/one" -X -k 1 -t 0.3 > "$TMP/x1"
normalize "$TMP/one" | decode -m "$M" -p - -X -k 1 -t 0.3 > "$TMP/x2"
t_ok "-X: a normalised copy of the prefix gives the same" near "$TMP/x1" "$TMP/x2"
t_bad "-x without -p" "need -p" decode -m "$M" -n 1 -x 2
t_bad "-x with -X" "exclude" decode -m "$M" -p "$TMP/one" -x 2 -X
t_bad "-x 0" "-x: bad value" decode -m "$M" -p "$TMP/one" -x 0
printf '{"word":"dot","key_id":"1","drawing":[[[5],[5]]]}\n' | ndjson2stroke > "$TMP/dot"
t_bad "-X on a drawing of one point" "dot:record 1: -X cannot scale" \
	decode -m "$M" -p "$TMP/dot" -X

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
