#!/bin/sh
# model2js: sketch-rnn-js files written back byte for byte (Magenta's six
# pretrained models in data/models), and bad input.  The round trip of a
# model trained by sketchrnn is in tests/test-export.sh.
. "$(dirname "$0")/lib.sh"

n=0
for m in "$DATA"/models/*.gen.json; do
	n=$((n + 1))
	model2js "$m" > "$TMP/out.json"
	t_cmp "$(basename "$m") written back byte for byte" "$m" "$TMP/out.json"
done
t_eq "every pretrained model is checked" 6 "$n"
t_eq "-n renames" '[{"mode":2,"version":6,"max_seq_len":156,"name":"ewe",' \
	"$(model2js -n ewe "$DATA/models/sheep.gen.json" | head -c 54)"
t_bad "no model" "usage" model2js
t_bad "missing file" "nosuch" model2js "$TMP/nosuch"
head -c 5000 "$DATA/models/sheep.gen.json" > "$TMP/cut.json"
t_bad "truncated model" "cut.json" model2js "$TMP/cut.json"
printf 'not a model' > "$TMP/junk"
t_bad "not a model" "junk" model2js "$TMP/junk"
model2js "$DATA/models/sheep.gen.json" 2> "$TMP/err" | head -c 10 > /dev/null
t_true "| head -c 10 is quiet" ! -s "$TMP/err"
t_done
