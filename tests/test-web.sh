#!/bin/sh
# tests/test-web.sh: the browser page web/index.html draws sketches from
# sketch-rnn-js models: Magenta's (.gen.json, with @magenta/sketch) and
# sketchrnn's own (model2js, with web/sketchrnn.js).  It serves the page
# on a free localhost port, drives Debian's Chromium headless through
# playwright-core and checks (tests/web/shot.js) that the first drawing
# and the one after "Draw" put ink on the canvas and that the second is a
# new drawing; then (tests/web/page.js) it draws two strokes on the canvas
# with simulated pointer input, sets the temperature slider and clicks
# "Finish": the drawing became the stroke-5 rows it should (two pen-ups,
# offsets in pixels over scale_factor), the temperature used is the
# slider's, and each of the four endings has ink of its own, the four all
# different.  For the shipped VAE data/models/aaron_sheep-small.skm
# (exported by model2js) also "Reconstruct" draws, and "Interpolate" from
# the drawing kept as A to a second one draws four different sketches.  A missing model and a
# broken file are reported on the page.
#
# Models: $SKETCHRNN_WEB_MODELS (paths, space separated), by default
# Magenta's pretrained data/models/sheep.gen.json and a tiny model trained
# here by train and exported by model2js.  Needs /usr/bin/chromium
# (Debian package chromium), node and web/node_modules (npm ci in web/);
# it installs nothing and fails when they are missing.  Only where Debian's
# chromium package cannot be installed at all (no apt-get, or no chromium
# in the apt sources) does it print "# skipped: reason" and check nothing.
. "$(dirname "$0")/lib.sh"

CHROMIUM=/usr/bin/chromium
WEB=$TOP/web
MODELS=${SKETCHRNN_WEB_MODELS:-$DATA/models/sheep.gen.json}
INK=500 # drawn pixels a sketch must put on the 400x400 canvas at least
SEED=3	# ?seed= of the page: the same drawings every run

if [ ! -x "$CHROMIUM" ]; then
	if ! command -v apt-get > /dev/null 2>&1; then
		echo "# skipped: no $CHROMIUM, and no apt-get to install Debian's chromium"
		exit 0
	fi
	if ls /var/lib/apt/lists/*_Packages* > /dev/null 2>&1 &&
		! apt-cache policy chromium 2> /dev/null |
		grep -q 'Candidate: [0-9]'; then
		echo "# skipped: no $CHROMIUM, and the apt sources have no chromium package"
		exit 0
	fi
fi
t_true "Chromium is installed ($CHROMIUM; apt-get install chromium)" -x "$CHROMIUM"
t_true "node is installed" -n "$(command -v node)"
t_true "web/node_modules holds playwright-core and @magenta/sketch (npm ci in web/)" \
	-f "$WEB/node_modules/playwright-core/package.json" -a \
	-f "$WEB/node_modules/@magenta/sketch/dist/magentasketch.js"
[ "$T_FAILED" -eq 0 ] || t_done

# The served directory: the page, its script and libraries, and the models.
SITE=$TMP/site
mkdir "$SITE"
for f in index.html sketch.js sketchrnn.js node_modules; do
	ln -s "$WEB/$f" "$SITE/$f"
done
serve "$SITE"
t_true "the page is served on localhost" -n "$PORT"
[ -n "$PORT" ] || t_done
URL=http://127.0.0.1:$PORT/index.html

# Our own model in the page: a tiny decoder-only model trained here and
# exported with model2js (unless the models were given).
if [ -z "${SKETCHRNN_WEB_MODELS:-}" ]; then
	npz2stroke -s train "$DATA/sketchrnn/aaron_sheep.npz" | normalize -m 80 > "$TMP/train.strk"
	train -q -u -H dec_rnn_size=32,num_mixture=20,batch_size=20,save_every=50 \
		-n 50 -o "$TMP/run" "$TMP/train.strk" > /dev/null 2>&1
	model2js -n sketchrnn-sheep "$TMP/run/model.skm" > "$TMP/ours.gen.json"
	t_true "a model trained by sketchrnn, exported with model2js" -s "$TMP/ours.gen.json"
	MODELS="$MODELS $TMP/ours.gen.json"
fi

# value KEY: a "key value" line of the last shot.js run.
value() { sed -n "s/^$1 //p" "$TMP/t.out"; }

i=0
for model in $MODELS; do
	i=$((i + 1))
	base=$(basename "$model")
	model=$(cd "$(dirname "$model")" && pwd)/$base
	name=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["name"])' "$model")
	if [ $i -eq 1 ]; then
		ln -s "$model" "$SITE/model.gen.json" # the page's default model
		url="$URL?seed=$SEED"
	else
		ln -s "$model" "$SITE/m$i.gen.json"
		url="$URL?model=m$i.gen.json&seed=$SEED"
	fi
	t_ok "$base: the page draws twice in Chromium" \
		node "$TOP/tests/web/shot.js" "$url" "$TMP/$i.png"
	grep -q '^changed ' "$TMP/t.out" || continue
	heading=$(value name)
	t_eq "$base: the page names the model" "$name" "${heading%% (*}"
	if [ "$model" = "$TMP/ours.gen.json" ]; then
		# a 50-step model often ends a sketch after a few rows: both
		# drawings sampled, and ink on the page
		t_true "$base: both drawings sampled ($(value rows1), $(value rows2) rows)" \
			"$(value rows1)" -ge 1 -a "$(value rows2)" -ge 1
		t_true "$base: ink ($(value ink1) + $(value ink2) pixels)" \
			$(($(value ink1) + $(value ink2))) -gt 0
	else
		t_true "$base: the first drawing has ink ($(value ink1) > $INK pixels, $(value rows1) rows)" \
			"$(value ink1)" -gt $INK
		t_true "$base: the second drawing has ink ($(value ink2) > $INK pixels, $(value rows2) rows)" \
			"$(value ink2)" -gt $INK
	fi
	t_eq "$base: a second Draw draws a new sketch" 1 "$(value changed)"
	t_eq "$base: the screenshot is a PNG" "$(printf '\211PNG')" "$(head -c 4 "$TMP/$i.png")"
done

# Drawing on the page and finishing it, with simulated pointer input:
# Magenta's model (@magenta/sketch) and the shipped VAE (sketchrnn.js).
model2js -n aaron_sheep-small "$DATA/models/aaron_sheep-small.skm" > "$SITE/vae.json"
t_true "the shipped VAE, exported with model2js" -s "$SITE/vae.json"
t_ok "vae.json: the page draws twice in Chromium" \
	node "$TOP/tests/web/shot.js" "$URL?model=vae.json&seed=$SEED" "$TMP/vae.png"
t_true "vae.json: ink ($(value ink1), $(value ink2) > $INK pixels)" \
	"$(value ink1)" -gt $INK -a "$(value ink2)" -gt $INK
t_eq "vae.json: the page names the VAE" "aaron_sheep-small (256 units, VAE" \
	"$(value name | cut -d, -f1-2)"
for m in model.gen.json vae.json; do
	flag=novae
	[ $m = vae.json ] && flag=vae
	t_ok "$m: draw two strokes, Finish$([ $flag = vae ] && echo ', Reconstruct'), open a file" \
		node "$TOP/tests/web/page.js" "$URL?model=$m&seed=$SEED" "$TMP/$m.png" $flag \
		"$DATA/models/bird.gen.json"
	grep -q '^distinct ' "$TMP/t.out" || continue
	t_eq "$m: the drawing is 8 stroke-5 rows" 8 "$(value prefix)"
	t_eq "$m: with 2 pen-ups, one a stroke" 2 "$(value penups)"
	t_eq "$m: offsets are pixels over scale_factor (sum 130, 60)" "130.000 60.000" \
		"$(printf '%.3f %.3f' "$(value sumdx)" "$(value sumdy)")"
	t_eq "$m: Finish used the slider's temperature" 0.5 "$(value temp)"
	for k in 0 1 2 3; do
		t_true "$m: ending $k has ink of its own ($(value red$k) red of $(value ink$k) pixels)" \
			"$(value red$k)" -gt 50
	done
	t_eq "$m: the four endings differ ($(value rows) rows)" 4 "$(value distinct)"
	t_eq "$m: the file input opens a model" "bird (512 units, decoder only" \
		"$(value opened | cut -d, -f1-2)"
	first=sheep
	[ $m = vae.json ] && first=aaron_sheep-small
	t_eq "$m: the model picker goes back to it" "$first" \
		"$(value picked | cut -d' ' -f1)"
	if [ $flag = vae ]; then
		t_true "$m: Reconstruct draws ($(value rink) pixels)" "$(value rink)" -gt $INK
		for k in 1 2 3 4; do
			t_true "$m: Interpolate: sketch $k has ink ($(value iink))" \
				"$(value iink | cut -d, -f$k)" -gt 100
		done
		t_eq "$m: Interpolate: the four sketches differ" 4 "$(value idistinct)"
	fi
done

t_bad "a missing model is reported on the page" 'page reports: Error: HTTP 404' \
	node "$TOP/tests/web/shot.js" "$URL?model=missing.gen.json" "$TMP/missing.png"
# a decoder's tensors labelled a VAE: sketchrnn.js runs it, and finds
# tensors missing
sed '1s/^\[{"mode":2,/[{"mode":1,/' "$DATA/models/sheep.gen.json" > "$SITE/bad.json"
t_bad "a broken file (a decoder labelled VAE) is reported on the page" 'tensors expected' \
	node "$TOP/tests/web/shot.js" "$URL?model=bad.json" "$TMP/bad.png"
t_done
