#!/bin/sh
# pipelines/preprocess.sh: one normalised stream per input file, the same
# bytes as the serial pipeline, and one pooled factor with -P.
. "$(dirname "$0")/lib.sh"

P=$TOP/pipelines/preprocess.sh
in=$DATA/quickdraw/raw
sh "$P" -j 2 "$in" "$TMP/out" 2> "$TMP/err"
t_true "preprocess.sh exits 0" $? -eq 0
t_eq "one output per input file" "$(ls "$in" | wc -l)" "$(ls "$TMP/out" | grep -c '\.strk$')"
bad=
for f in "$in"/*.ndjson; do
	name=$(basename "$f" .ndjson)
	ndjson2stroke "$f" | rdp-simplify -g | normalize > "$TMP/serial"
	cmp -s "$TMP/serial" "$TMP/out/$name.strk" || bad="$bad $name"
done
t_eq "each file equals the serial pipeline's output" "" "$bad"
t_eq "outputs are normalised, each with its own factor" 8 \
	"$(for f in "$TMP"/out/*.strk; do stroke2txt -s "$f" | head -1; done | sort -u | grep -c 'normalized=1')"

sh "$P" -P -m 150 -r "-e 2" "$DATA/quickdraw/simplified" "$TMP/pooled" 2> "$TMP/err"
t_true "pooled run exits 0" $? -eq 0
t_eq "pooled: one factor in every file" 1 \
	"$(for f in "$TMP"/pooled/*.strk; do stroke2txt -s "$f" | head -1; done | sort -u | wc -l)"
want=$(for f in "$DATA"/quickdraw/simplified/*.ndjson; do ndjson2stroke "$f"; done |
	rdp-simplify -e 2 | normalize -m 150 -p)
t_eq "pooled factor equals the factor of all drawings together" \
	"stroke version=1 normalized=1 scale=$want" "$(stroke2txt -s "$TMP/pooled/cat.simplified.strk" | head -1)"
t_eq "pooled: -m drops long drawings" \
	"$(for f in "$DATA"/quickdraw/simplified/*.ndjson; do ndjson2stroke "$f"; done | rdp-simplify -e 2 | normalize -m 150 | stroke2txt -s | grep -c '^drawing')" \
	"$(cat "$TMP"/pooled/*.strk | stroke2txt -s | grep -c '^drawing')"

mkdir -p "$TMP/empty"
t_bad "no ndjson files" "no .ndjson files" sh "$P" "$TMP/empty" "$TMP/o2"
t_bad "wrong arguments" "usage" sh "$P" "$in"
printf '{"broken\n' > "$TMP/empty/bad.ndjson"
sh "$P" "$TMP/empty" "$TMP/o3" > /dev/null 2> "$TMP/err"
t_true "a bad input file fails the run" $? -ne 0
t_ok "... naming the line" grep -q "bad.ndjson:line 1" "$TMP/err"
t_done
