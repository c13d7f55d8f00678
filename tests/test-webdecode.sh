#!/bin/sh
# tests/test-webdecode.sh: web/sketchrnn.js, the page's own decoder and
# encoder, computes what sketchrnn's C code computes, for every kind of
# model that model2js writes: the shipped layer-norm VAEs
# (data/models/aaron_sheep-small.skm, aaron_sheep.skm) and tiny models
# trained here (a hyper VAE, a plain LSTM VAE, and hyper, layer-norm and
# plain LSTM decoder-only models).  Each is exported with model2js; tests/mdn_dump (lib/ code) feeds
# the exported model a real drawing (the first of the aaron_sheep test
# set, its first 60 points after the start token) and prints mu, sigma-hat
# and every step's mixture parameters, the decoder started from z = mu;
# tests/web/decode.js runs the module on the same rows and z in headless
# Chromium (playwright-core) and every value must agree within 1e-4
# (|js - c| / max(1, |c|)).  Also the round trip: decode -m on the
# exported file against the .skm (the same mixture parameters within
# 1e-2 with int16 weights, exactly with model2js -F) and model2js of the
# .json again gives the same bytes.  Needs /usr/bin/chromium, node and
# web/node_modules, as tests/test-web.sh (skipped the same way only where
# Debian's chromium cannot be installed).
. "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium
WEB=$TOP/web
DUMP=${SKETCHRNN_BUILD:-$TOP/build}/tests/mdn_dump
TOL=1e-4 # JavaScript against C, on the same weights
QTOL=1e-2 # the int16 export against the .skm

if [ ! -x "$CHROMIUM" ] && ! command -v apt-get > /dev/null 2>&1; then
	echo "# skipped: no $CHROMIUM, and no apt-get to install Debian's chromium"
	exit 0
fi
t_true "Chromium is installed ($CHROMIUM)" -x "$CHROMIUM"
t_true "node is installed" -n "$(command -v node)"
t_true "web/node_modules holds playwright-core" \
	-f "$WEB/node_modules/playwright-core/package.json"
t_true "the helper $DUMP is built" -x "$DUMP"
[ "$T_FAILED" -eq 0 ] || t_done

SITE=$TMP/site
mkdir "$SITE"
ln -s "$WEB/sketchrnn.js" "$SITE/sketchrnn.js"
ln -s "$TOP/tests/web/compare.mjs" "$SITE/compare.mjs"
npz2stroke -s test "$DATA/sketchrnn/aaron_sheep.npz" | normalize -m 250 > "$TMP/test.strk"
npz2stroke -s train "$DATA/sketchrnn/aaron_sheep.npz" | normalize -m 60 > "$TMP/train.strk"
S=dec_rnn_size=16,num_mixture=5,batch_size=10,save_every=10
HY=$S,dec_model=hyper,hyper_num_units=8,hyper_embedding_size=4
train -q -H "enc_rnn_size=8,z_size=4,$HY" -n 10 -o "$TMP/hyvae" "$TMP/train.strk" > /dev/null 2>&1
train -q -u -H "$HY" -n 10 -o "$TMP/hygen" "$TMP/train.strk" > /dev/null 2>&1
train -q -H "enc_rnn_size=8,z_size=4,$S" -n 10 -o "$TMP/lstm" "$TMP/train.strk" > /dev/null 2>&1
train -q -u -H "$S,dec_model=layer_norm" -n 10 -o "$TMP/lngen" "$TMP/train.strk" > /dev/null 2>&1
train -q -u -H "$S" -n 10 -o "$TMP/lstmgen" "$TMP/train.strk" > /dev/null 2>&1
MODELS="$DATA/models/aaron_sheep-small.skm $DATA/models/aaron_sheep.skm
	$TMP/hyvae/model.skm $TMP/hygen/model.skm $TMP/lstm/model.skm
	$TMP/lngen/model.skm $TMP/lstmgen/model.skm"

CASES=
for skm in $MODELS; do
	n=$(basename "$(dirname "$skm")")
	[ "$n" = models ] && n=$(basename "$skm" .skm)
	model2js -f -n "$n" "$skm" > "$SITE/$n.json"
	t_true "$n: model2js writes it" -s "$SITE/$n.json"
	model2js -f "$SITE/$n.json" > "$TMP/again.json"
	t_cmp "$n: model2js of the .json again: the same bytes" "$SITE/$n.json" "$TMP/again.json"
	"$DUMP" "$SITE/$n.json" "$TMP/test.strk" 60 0.5 0 > "$TMP/$n.dump"
	t_true "$n: mdn_dump" -s "$TMP/$n.dump"
	CASES="$CASES $SITE/$n.json,$TMP/$n.dump,0.5,0"
	# decode on the exported file against the .skm
	"$DUMP" "$skm" "$TMP/test.strk" 60 0.5 0 > "$TMP/skm.dump"
	model2js -f -F -n "$n" "$skm" > "$TMP/f.json"
	"$DUMP" "$TMP/f.json" "$TMP/test.strk" 60 0.5 0 > "$TMP/f.dump"
	t_cmp "$n: model2js -F (float32): decode as on the .skm, exactly" "$TMP/skm.dump" "$TMP/f.dump"
	q=$(node -e '
		const fs = require("fs");
		import(process.argv[3]).then(({ worst }) => {
			const r = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
			process.stdout.write(worst(r(process.argv[1]), r(process.argv[2])).w.toExponential(2));
		});' "$TMP/$n.dump" "$TMP/skm.dump" "$TOP/tests/web/compare.mjs")
	t_true "$n: int16 export: mixture parameters within $QTOL of the .skm's (got $q)" \
		"$(echo "$q $QTOL" | awk '{ print ($1 <= $2) }')" = 1
done
# the Magenta convention too, on one model
"$DUMP" "$SITE/aaron_sheep-small.json" "$TMP/test.strk" 40 0.25 1 > "$TMP/mag.dump"
CASES="$CASES $SITE/aaron_sheep-small.json,$TMP/mag.dump,0.25,1"

serve "$SITE"
t_true "the module is served on localhost" -n "$PORT"
[ -n "$PORT" ] || t_done
# shellcheck disable=SC2086
t_ok "web/sketchrnn.js runs every model in Chromium" \
	node "$TOP/tests/web/decode.js" "http://127.0.0.1:$PORT/" $CASES
cp "$TMP/t.out" "$TMP/results"
while read -r model w where steps; do
	t_true "$model: JavaScript within $TOL of C over $steps steps (worst $w at $where)" \
		"$(echo "$w $TOL" | awk '{ print ($1 <= $2) }')" = 1
done < "$TMP/results"
t_eq "every case compared" 8 "$(wc -l < "$TMP/results" | tr -d ' ')"
t_done
