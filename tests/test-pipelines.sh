#!/bin/sh
# The paper's four experiments as pipelines (pipelines/reconstruct.sh,
# interpolate.sh, analogy.sh, complete.sh) on a tiny VAE trained here and
# on Magenta's pretrained sheep: each ends in an SVG grid of the right
# shape (cells = drawings, counted as <g> groups) that rsvg-convert renders.
. "$(dirname "$0")/lib.sh"

PIPE=$TOP/pipelines
cd "$TMP" || exit 1
npz2stroke -s train "$DATA/sketchrnn/aaron_sheep.npz" | normalize -m 60 > train.strk
npz2stroke -s test "$DATA/sketchrnn/aaron_sheep.npz" | normalize -m 60 -F train.strk > test.strk
train -q -H enc_rnn_size=8,dec_rnn_size=16,z_size=4,num_mixture=5,batch_size=10,save_every=40 \
	-n 40 -o vae train.strk > /dev/null 2>&1
t_true "a tiny VAE to run them with" -f vae/model.skm

cells() { grep -c '^<g>' "$1"; }
size() { sed -n 's/.*<svg [^>]* width="\([0-9.]*\)" height="\([0-9.]*\)".*/\1x\2/p' "$1"; }
renders() { rsvg-convert "$1" -o "$1.png" && [ -s "$1.png" ]; }

sh "$PIPE/reconstruct.sh" -m vae/model.skm -n 5 -t "0.1 0.5 1" test.strk > rec.svg
t_eq "reconstruct: 5 originals + 3 temperatures x 5" "20 640.00x512.00" "$(cells rec.svg) $(size rec.svg)"
t_ok "reconstruct: renders" renders rec.svg
sh "$PIPE/interpolate.sh" -m vae/model.skm -n 6 test.strk > int.svg
t_eq "interpolate: two ends + 6 steps in one row" "8 1024.00x128.00" "$(cells int.svg) $(size int.svg)"
t_ok "interpolate: renders" renders int.svg
sh "$PIPE/interpolate.sh" -l -m vae/model.skm -n 3 test.strk > lin.svg
t_eq "interpolate -l: linear" 5 "$(cells lin.svg)"
sh "$PIPE/analogy.sh" -m vae/model.skm -n 2 test.strk > ana.svg
t_eq "analogy: a, b, c and 2 results" "5 640.00x128.00" "$(cells ana.svg) $(size ana.svg)"
t_ok "analogy: renders" renders ana.svg
sh "$PIPE/complete.sh" -m "$DATA/models/sheep.gen.json" -n 4 -r 2 test.strk > comp.svg
t_eq "complete (Magenta's sheep): 4 beginnings + 2 rows of endings" "12 512.00x384.00" \
	"$(cells comp.svg) $(size comp.svg)"
t_ok "complete: renders" renders comp.svg
pick -n 4 test.strk > four.strk
decode -m "$DATA/models/sheep.gen.json" -p four.strk -k 1 -x 3 -l 0 > b.strk
decode -m "$DATA/models/sheep.gen.json" -p four.strk -k 1 -x 3 -t 0.4 -s 1 > e1.strk
stroke2svg -C -c 4 b.strk e1.strk > want.svg
sh "$PIPE/complete.sh" -m "$DATA/models/sheep.gen.json" -n 4 -r 1 -x 3 test.strk > comp3.svg
t_cmp "complete -x 3: decode -x 3 for the beginnings and the endings" want.svg comp3.svg
decode -m "$DATA/models/sheep.gen.json" -p four.strk -k 1 -X -l 0 > b.strk
decode -m "$DATA/models/sheep.gen.json" -p four.strk -k 1 -X -t 0.4 -s 1 > e1.strk
stroke2svg -C -c 4 b.strk e1.strk > want.svg
sh "$PIPE/complete.sh" -m "$DATA/models/sheep.gen.json" -n 4 -r 1 -X test.strk > comp3.svg
t_cmp "complete -X: decode -X for both" want.svg comp3.svg
sh "$PIPE/complete.sh" -m vae/model.skm -n 3 -r 1 test.strk > comp2.svg
t_eq "complete with a VAE (z from the prior)" 6 "$(cells comp2.svg)"

# the shipped model (data/models/aaron_sheep.skm): the README's
# commands with it, on unnormalised test drawings
SHIP=$DATA/models/aaron_sheep.skm
npz2stroke -s test "$DATA/sketchrnn/aaron_sheep.npz" > raw-test.strk
sh "$PIPE/reconstruct.sh" -m "$SHIP" -n 4 -t "0.1 0.5" raw-test.strk > srec.svg
t_eq "shipped model: reconstruct 4 x (1 + 2)" 12 "$(cells srec.svg)"
t_ok "shipped model: renders" renders srec.svg
encode -m "$SHIP" raw-test.strk > z.lat
t_eq "shipped model: encodes the 300 test drawings" 300 \
	"$(lerp -w 1 -c z.lat | tail -n +2 | wc -l)"

t_bad "reconstruct without a model" "usage" sh "$PIPE/reconstruct.sh" test.strk
sh "$PIPE/analogy.sh" -m "$DATA/models/sheep.gen.json" test.strk > /dev/null 2> err
t_true "analogy with a decoder-only model fails" $? -ne 0
t_ok "... saying it has no encoder" grep -q "no encoder" err
# pipelines/train.sh: an ndjson file in (split 18:1:1), a tiny preset,
# -H reaching train, a model, curves and samples out; run again, it
# continues from the checkpoint
head -200 "$DATA/quickdraw/monkey-1000.simplified.ndjson" > m.ndjson
sh "$PIPE/train.sh" -H learning_rate=0.002 -n 20 m.ndjson tiny ts \
	> ts.out 2> ts.err
t_true "train.sh: a model" -s ts/best.skm
t_ok "train.sh: -H overrides the preset" grep -q "learning_rate=0.002" ts.err
t_ok "train.sh: samples" grep -q "<svg" ts/samples.svg
t_eq "train.sh: 180 / 10 / 10 drawings" "180 10 10" \
	"$(for s in train valid test; do stroke2txt -s ts/$s.strk | grep -c '^drawing'; done | tr '\n' ' ' | sed 's/ $//')"
sh "$PIPE/train.sh" -n 30 m.ndjson tiny ts > ts.out 2> ts.err
t_ok "train.sh again: continues" grep -q "continuing ts/checkpoint.skm" ts.err
t_ok "... to step 30" grep -q "30 steps in" ts.err
t_bad "train.sh: unknown preset" "unknown preset" sh "$PIPE/train.sh" m.ndjson big
t_done
