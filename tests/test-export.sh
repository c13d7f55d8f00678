#!/bin/sh
# model2js on models trained by sketchrnn (tiny ones, trained here): the
# header and tensors, writing the imported model again gives the same
# bytes, encode agrees between the original and the imported model, and
# layer-norm models are written in the extension of sketchjs(5).
# tests/export_test.c checks the weights and the decoder's outputs of the
# round trip against the quantisation bound.
. "$(dirname "$0")/lib.sh"

cd "$TMP" || exit 1
npz2stroke -s train "$DATA/sketchrnn/aaron_sheep.npz" | normalize -m 60 > train.strk
npz2stroke -s valid "$DATA/sketchrnn/aaron_sheep.npz" | normalize -m 60 -F train.strk > valid.strk
H=enc_rnn_size=8,dec_rnn_size=16,z_size=4,num_mixture=20,batch_size=10,save_every=20
train -q -H "$H" -n 20 -o vae train.strk > /dev/null 2>&1
t_true "a tiny VAE trains" -f vae/model.skm
train -q -u -H "$H" -n 20 -o gen train.strk > /dev/null 2>&1
t_true "a tiny decoder-only model trains" -f gen/model.skm
train -q -d layer_norm -H "$H" -n 2 -o ln train.strk > /dev/null 2>&1

model2js vae/model.skm > vae.json
model2js gen/model.skm > gen.json
t_eq "VAE: mode 1, the training data's N_max and factor" \
	'[{"mode":1,"version":6,"max_seq_len":60,"name":"model","scale_factor":22.981318},' \
	"$(head -c 81 vae.json)"
blobs() { sed 's/.*\],\["//' "$1" | grep -o '","' | wc -l | awk '{ print $1 + 1 }'; }
t_eq "VAE: 17 tensors" 17 "$(blobs vae.json)"
t_eq "decoder-only: mode 2, 5 tensors" '[{"mode":2 5' "$(head -c 10 gen.json) $(blobs gen.json)"
model2js -n model vae.json > vae2.json
t_cmp "exporting the imported model again gives the same bytes" vae.json vae2.json

# Weights: compare the two parameter tables through encode's mu (the
# encoder and its projections) and greedy decoding (the decoder).
encode -m vae/model.skm -c valid.strk > mu.csv
encode -m vae.json -c valid.strk > mu2.csv
err=$(paste -d, mu.csv mu2.csv | awk -F, 'NR > 1 { n = NF / 2
	for (i = 3; i <= n; i++) { d = $i - $(i + n); if (d < 0) d = -d; if (d > m) m = d } }
	END { printf "%.2g", m }')
t_true "encode: mu of original and imported model within 5e-3 (got $err)" \
	"$(echo "$err" | awk '{ print ($1 <= 5e-3) }')" -eq 1
model2js ln/model.skm > ln.json
t_eq "a layer-norm decoder: its cell named, its layer-norm tensors float32" \
	'"scale_factor":22.981318,"dec_cell":"layer_norm","float32":[16,17,18,19]},' \
	"$(head -c 200 ln.json | grep -o '"scale_factor.*]},')"
model2js -n model ln.json > ln2.json
t_cmp "... written again from the .json: the same bytes" ln.json ln2.json
t_ok "... decode reads it" decode -m ln.json -n 2 -s 1
train -q -H enc_rnn_size=8,dec_rnn_size=16,z_size=4,num_mixture=3,batch_size=10 -n 1 -o m3 train.strk > /dev/null 2>&1
t_bad "3 mixtures: refused without -f" "20 mixture components" model2js m3/model.skm
t_ok "... written with -f" model2js -f m3/model.skm
t_bad "encode with a decoder-only model" "no encoder" encode -m gen/model.skm valid.strk
printf 'key_id,word,z0,z1\na,b,1,2\n' > two.csv
t_bad "decode: latents of the wrong dimension" "N_z is 4" decode -m vae/model.skm two.csv
t_done
