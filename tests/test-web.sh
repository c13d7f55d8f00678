#!/bin/sh
# tests/test-web.sh: the browser page web/index.html draws sketches from
# sketch-rnn-js models (.gen.json) with @magenta/sketch.  It serves the page
# on a free localhost port, drives Debian's Chromium headless through
# playwright-core (tests/web/shot.js) and checks that the first drawing and
# the one after "Draw another" put ink on the canvas, that the second is a
# new drawing, and that a missing model or a VAE is reported on the page.
#
# Models: $SKETCHRNN_WEB_MODELS (paths, space separated), by default
# Magenta's pretrained data/models/sheep.gen.json and a tiny model trained
# here by train and exported by model2js.  Needs /usr/bin/chromium
# (Debian package chromium), node and web/node_modules (npm ci in web/);
# it installs nothing and fails when they are missing.  Only where Debian's
# chromium package cannot be installed at all (no apt-get, or no chromium
# in the apt sources) does it print "# skipped: reason" and check nothing.
# It runs the same way for every build directory: the page does not use
# sketchrnn's programs.
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
for f in index.html sketch.js node_modules; do
	ln -s "$WEB/$f" "$SITE/$f"
done
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$SITE" \
	> "$TMP/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2> /dev/null; rm -rf "$TMP"' EXIT
PORT=
for i in 1 2 3 4 5 6 7 8 9 10; do
	PORT=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\) .*/\1/p' "$TMP/server.log")
	[ -n "$PORT" ] && break
	sleep 0.5
done
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
	t_eq "$base: Draw another draws a new sketch" 1 "$(value changed)"
	t_eq "$base: the screenshot is a PNG" "$(printf '\211PNG')" "$(head -c 4 "$TMP/$i.png")"
done

t_bad "a missing model is reported on the page" 'page reports: Error: HTTP 404' \
	node "$TOP/tests/web/shot.js" "$URL?model=missing.gen.json" "$TMP/missing.png"
sed '1s/^\[{"mode":2,/[{"mode":1,/' "$DATA/models/sheep.gen.json" > "$SITE/vae.json"
t_bad "a VAE model (mode 1) is refused on the page" 'not a decoder-only model' \
	node "$TOP/tests/web/shot.js" "$URL?model=vae.json" "$TMP/vae.png"
t_done
