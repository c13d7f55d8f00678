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
# The extension for other cells (sketchjs(5)): a layer-norm VAE and a hyper
# decoder from the fuzz seeds, each broken in one field.
LN=$TOP/tests/fuzz/corpus/sketchjs/ln-vae-tiny.vae.json
HG=$TOP/tests/fuzz/corpus/sketchjs/hyper-gen-tiny.gen.json
F32='"float32":\[2,3,4,5,8,9,10,11,22,23,24,25\]'
# jsbad DESC SED REGEX [FILE]: FILE (default $LN) edited by SED is refused.
jsbad() {
	sed "$2" "${4:-$LN}" > "$TMP/x.json"
	t_bad "extended file: $1" "x.json: .*$3" decode -m "$TMP/x.json" -n 1
}
t_ok "extended files decode" sh -c "decode -m '$LN' -n 1 < /dev/null > /dev/null && decode -m '$HG' -n 1 < /dev/null > /dev/null"
jsbad "unknown cell" 's/"dec_cell":"layer_norm"/"dec_cell":"gru"/' 'dec_cell "gru" is none of'
jsbad "float32 index past the tensors" 's/"float32":\[2,/"float32":[99,/' 'float32 element 0 \(99\) is not a tensor index'
jsbad "float32 index repeated" 's/"float32":\[2,3,/"float32":[3,3,/' 'float32 element 1 \(3\) is not a tensor index above'
jsbad "float32 index not an integer" 's/"float32":\[2,/"float32":[2.5,/' 'float32 element 0 is not an integer'
jsbad "float32 list dropped" "s/$F32/\"float32\":[]/" 'tensor 2 \(enc_fw_ln_g\): 32 bytes of weights, its shape needs 16'
jsbad "float32 not a list" "s/$F32/\"float32\":\"all\"/" 'float32 is not a list'
jsbad "enc_cell dropped" 's/"enc_cell":"layer_norm",//' 'needs 20 tensors, shapes lists 26'
jsbad "enc_cell in a decoder-only model" 's/"dec_cell":"hyper"/&,"enc_cell":"layer_norm"/' 'enc_cell in a decoder-only model' "$HG"
t_done
