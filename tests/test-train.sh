#!/bin/sh
# train(1) and model(5): a tiny model on a few hundred real drawings (the
# aaron_sheep drawings of at most 60 points): the loss falls, N steps
# straight equal N/2 + resume + N/2 bit for bit (hyper decoders too, whose
# models are version 2 and read back to the same bytes, and encode and
# decode), bad or truncated model
# files and broken streams fail with a clear message and leave the last
# checkpoint alone, an injected non-finite step is survived, the CSV log
# parses, write errors are reported.
. "$(dirname "$0")/lib.sh"

NPZ=$DATA/sketchrnn/aaron_sheep.npz
sheep_splits
H=$TINY,save_every=50
TR="train -q -H $H -V $TMP/valid"

# field FILE ROW COLUMN: one field of the CSV log (row 1 is the header).
field() {
	/usr/bin/python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
print(rows[int(sys.argv[2]) - 1 if int(sys.argv[2]) > 0 else int(sys.argv[2])][int(sys.argv[3])])' "$@"
}

# --- a run: files, loss, log ---
t_ok "train 300 steps" $TR -T "$TMP/test" -n 300 -o "$TMP/a" "$TMP/train"
t_true "nothing on stdout" ! -s "$TMP/t.out"
for f in model.skm best.skm checkpoint.skm log.csv; do
	t_true "a/$f written" -s "$TMP/a/$f"
done
t_true "no temporary files left" "$(ls "$TMP/a" | grep -c tmp)" -eq 0
first=$(field "$TMP/a/log.csv" 2 3)
last=$(awk -F, '$7 != "" { v = $7 } END { gsub(/"/, "", v); print v }' \
	"$TMP/a/log.csv")
t_true "loss falls: first recon $first, final valid recon $last" \
	"$(awk "BEGIN { print ($last < 0.7 * $first) }")" -eq 1
/usr/bin/python3 - "$TMP/a/log.csv" > "$TMP/csv.out" 2>&1 <<'EOF'
import csv, math, sys
rows = list(csv.reader(open(sys.argv[1])))
want = ["step", "lr", "kl_weight", "recon", "kl", "cost", "valid_recon",
        "valid_kl", "valid_cost", "test_recon", "test_kl", "test_cost",
        "elapsed_s"]
assert rows[0] == want, rows[0]
steps = []
for r in rows[1:]:
    assert len(r) == len(want), r
    for x in r:
        assert x == "" or math.isfinite(float(x)), r
    steps.append(int(r[0]))
assert steps == sorted(steps) and steps[-1] == 300, steps
assert sum(1 for r in rows[1:] if r[6]) == 6, "valid rows"
assert rows[-1][9] != "", "final test row"
print("ok")
EOF
t_eq "log.csv parses, has the columns, steps in order" ok "$(cat "$TMP/csv.out")"

# --- exact resume ---
t_ok "train 150 steps" $TR -n 150 -o "$TMP/b" "$TMP/train"
t_ok "resume to 300" train -q -r "$TMP/b/checkpoint.skm" -n 300 \
	-V "$TMP/valid" -o "$TMP/b" "$TMP/train"
t_cmp "300 straight = 150 + resume + 150 (model.skm)" "$TMP/a/model.skm" \
	"$TMP/b/model.skm"
t_ok "train 300 steps, another seed" $TR -S 2 -n 300 -o "$TMP/c" "$TMP/train"
t_true "another seed gives other weights" -n \
	"$(cmp "$TMP/a/model.skm" "$TMP/c/model.skm" 2>&1)"
t_ok "decoder only, layer_norm cells, resume" sh -c "
	$TR -u -d layer_norm -n 40 -o $TMP/u $TMP/train &&
	train -q -r $TMP/u/checkpoint.skm -n 60 -o $TMP/u $TMP/train &&
	$TR -u -d layer_norm -n 60 -o $TMP/u2 $TMP/train &&
	cmp $TMP/u/model.skm $TMP/u2/model.skm"
t_ok "layer_norm encoder" $TR -e layer_norm -n 20 -o "$TMP/ln" "$TMP/train"

# --- hyper decoders (tiny hyper cell: 6 units, embedding 3) ---
HY=dec_model=hyper,hyper_num_units=6,hyper_embedding_size=3
t_ok "hyper: 120 steps" $TR -H $HY -T "$TMP/test" -n 120 -o "$TMP/h" \
	"$TMP/train"
t_eq "hyper: a version 2 model of 25 hyperparameters" "2 1 25" \
	"$(od -A n -t u4 -j 4 -N 12 "$TMP/h/model.skm" | xargs)"
t_eq "a model without a hyper cell stays version 1, 23 hyperparameters" \
	"1 1 23" "$(od -A n -t u4 -j 4 -N 12 "$TMP/a/model.skm" | xargs)"
hfirst=$(field "$TMP/h/log.csv" 2 3)
hlast=$(awk -F, '$7 != "" { v = $7 } END { gsub(/"/, "", v); print v }' \
	"$TMP/h/log.csv")
t_true "hyper: loss falls: first recon $hfirst, final valid recon $hlast" \
	"$(awk "BEGIN { print ($hlast < 0.8 * $hfirst) }")" -eq 1
t_ok "hyper: 60 steps" $TR -H $HY -n 60 -o "$TMP/h2" "$TMP/train"
t_ok "hyper: resume to 120" train -q -r "$TMP/h2/checkpoint.skm" -n 120 \
	-V "$TMP/valid" -o "$TMP/h2" "$TMP/train"
t_cmp "hyper: 120 straight = 60 + resume + 60 (model.skm)" \
	"$TMP/h/model.skm" "$TMP/h2/model.skm"
t_ok "hyper, decoder only, -d hyper: 30 + resume + 30" sh -c "
	$TR -u -d hyper -H hyper_num_units=5,hyper_embedding_size=2 -n 30 \
		-o $TMP/hu $TMP/train &&
	train -q -r $TMP/hu/checkpoint.skm -n 60 -o $TMP/hu $TMP/train &&
	$TR -u -H dec_model=hyper,hyper_num_units=5,hyper_embedding_size=2 \
		-n 60 -o $TMP/hu2 $TMP/train &&
	cmp $TMP/hu/model.skm $TMP/hu2/model.skm"
cp "$TMP/h/model.skm" "$TMP/h-read.skm"
t_ok "hyper: the checkpoint read and written back at its step" \
	train -q -r "$TMP/h/checkpoint.skm" -n 120 -V "$TMP/valid" \
	-o "$TMP/h" "$TMP/train"
t_cmp "hyper: ... gives the same model bytes" "$TMP/h-read.skm" \
	"$TMP/h/model.skm"
train -H $H,$HY -n 1 -o "$TMP/hp" "$TMP/train" 2> "$TMP/hp.err" > /dev/null
t_true "hyper: hyperparameters printed, dec_model=hyper, sizes" \
	"$(grep -c '^  dec_model=hyper$\|^  hyper_num_units=6$\|^  hyper_embedding_size=3$' \
	"$TMP/hp.err")" -eq 3
decode -m "$TMP/h/model.skm" -n 4 -t 0.5 -s 3 > "$TMP/hd1"
decode -m "$TMP/h/model.skm" -n 4 -t 0.5 -s 3 -b 1 > "$TMP/hd2"
t_eq "hyper: decode -n 4 writes 4 drawings" 4 \
	"$(stroke2txt -s "$TMP/hd1" | grep -c '^drawing')"
t_ok "hyper: decode at batch 1 draws the same" near "$TMP/hd1" "$TMP/hd2"
pick -n 5 "$TMP/valid" > "$TMP/five"
decode -m "$TMP/h/model.skm" -p "$TMP/five" -k 1 -s 4 > "$TMP/hc1"
decode -m "$TMP/h/model.skm" -p "$TMP/five" -k 1 -s 4 -b 1 > "$TMP/hc2"
t_eq "hyper: completions of beginnings of different lengths" 5 \
	"$(stroke2txt -s "$TMP/hc1" | grep -c '^drawing')"
t_ok "hyper: ... in one batch are those of -b 1 (h^, c^ kept)" \
	near "$TMP/hc1" "$TMP/hc2"
t_ok "hyper: encode" sh -c "encode -m $TMP/h/model.skm -s 1 $TMP/five \
	> $TMP/hz"
t_ok "hyper: decode the latents" sh -c "decode -m $TMP/h/model.skm -s 1 \
	< $TMP/hz > $TMP/hz.strk"
t_eq "hyper: one drawing per latent" 5 \
	"$(stroke2txt -s "$TMP/hz.strk" | grep -c '^drawing')"
t_ok "hyper: model2js writes it (sketchjs(5), dec_cell hyper)" sh -c \
	"model2js $TMP/h/model.skm > $TMP/h.vae.json && grep -q '\"dec_cell\":\"hyper\"' $TMP/h.vae.json"
t_ok "hyper: decode reads it back" sh -c \
	"decode -m $TMP/h.vae.json -s 1 < $TMP/hz > $TMP/hz2.strk"
t_bad "hyper: not an encoder cell (-e)" "-e: bad cell 'hyper'" \
	train -e hyper "$TMP/train"
t_bad "hyper: not an encoder cell (-H)" "the encoder cell is lstm or" \
	train -H enc_model=hyper "$TMP/train"
t_bad "hyper_num_units 0" "hyper_num_units=0: out of range" \
	train -H hyper_num_units=0 "$TMP/train"

# --- shards (-j): one thread per shard; -j 3 also resumes exactly ---
t_ok "-j 3: 150 steps" $TR -j 3 -n 150 -o "$TMP/j3" "$TMP/train"
t_ok "-j 3: resume to 300" train -q -j 3 -r "$TMP/j3/checkpoint.skm" \
	-n 300 -V "$TMP/valid" -o "$TMP/j3" "$TMP/train"
t_ok "-j 3: 300 straight" $TR -j 3 -n 300 -o "$TMP/j3b" "$TMP/train"
t_cmp "-j 3: 300 straight = 150 + resume + 150" "$TMP/j3/model.skm" \
	"$TMP/j3b/model.skm"
t_ok "-j 1: 300 steps" $TR -j 1 -n 300 -o "$TMP/j1" "$TMP/train"
v1=$(awk -F, '$7 != "" { v = $7 } END { gsub(/"/, "", v); print v }' \
	"$TMP/j1/log.csv")
v3=$(awk -F, '$7 != "" { v = $7 } END { gsub(/"/, "", v); print v }' \
	"$TMP/j3/log.csv")
t_true "-j 1 and -j 3 learn alike: valid recon $v1, $v3" \
	"$(awk "BEGIN { d = $v1 - $v3; print (d < 0 ? -d : d) < 0.1 }")" -eq 1
t_bad "-j 0" "-j: " train -j 0 "$TMP/train"
t_bad "-j 65" "-j: " train -j 65 "$TMP/train"

# --- bad model files ---
CK=$TMP/a/checkpoint.skm
size=$(wc -c < "$CK")
for n in 0 1 4 8 15 16 40 150 200 500 2000 $((size / 2)) $((size - 9)) \
	$((size - 1)); do
	head -c $n "$CK" > "$TMP/bad.skm"
	t_bad "checkpoint truncated to $n bytes" "bad\\.skm: .*truncated" \
		train -r "$TMP/bad.skm" -o "$TMP/x" "$TMP/train"
done
# patch OFFSET BYTES...: a copy of the checkpoint with bytes replaced.
patch() {
	cp "$CK" "$TMP/bad.skm"
	off=$1; shift
	printf "$@" | dd of="$TMP/bad.skm" bs=1 seek="$off" conv=notrunc \
		2> /dev/null
}
patch 0 'XKRM'
t_bad "bad magic" "not a sketchrnn model" train -r "$TMP/bad.skm" "$TMP/train"
patch 4 '\003'
t_bad "bad version" "unsupported version 3" train -r "$TMP/bad.skm" "$TMP/train"
patch 4 '\002'
t_bad "version 2 needs 25 hyperparameters" \
	"23 hyperparameters \\(version 2 has 25\\)" \
	train -r "$TMP/bad.skm" "$TMP/train"
patch 24 '\002'
t_bad "no hyper decoder in version 1" "hyper decoder in a version 1 file" \
	train -r "$TMP/bad.skm" "$TMP/train"
patch 8 '\007'
t_bad "bad kind" "bad kind" train -r "$TMP/bad.skm" "$TMP/train"
patch 12 '\001'
t_bad "bad hyperparameter count" "1 hyperparameters" \
	train -r "$TMP/bad.skm" "$TMP/train"
patch 36 '\000'
t_bad "z_size 0" "z_size out of range" train -r "$TMP/bad.skm" "$TMP/train"
patch 28 '\011'
t_bad "enc_rnn_size changed: sizes disagree" \
	"parameters stored, the hyperparameters give" \
	train -r "$TMP/bad.skm" "$TMP/train"
patch 3000 '\377\377\377\377'
t_bad "NaN weight" "tensor .* is not finite" train -r "$TMP/bad.skm" "$TMP/train"
patch 3000 '\001'
t_bad "flipped weight byte" "checksum mismatch" \
	train -r "$TMP/bad.skm" "$TMP/train"
cp "$CK" "$TMP/bad.skm"; echo >> "$TMP/bad.skm"
t_bad "trailing bytes" "trailing bytes" train -r "$TMP/bad.skm" "$TMP/train"
t_bad "missing checkpoint" "nothere: No such file" \
	train -r "$TMP/nothere" "$TMP/train"
t_bad "a model is not a checkpoint" "a model, not a checkpoint" \
	train -r "$TMP/a/model.skm" "$TMP/train"
head -c 7000 "$TMP/a/model.skm" | cat > "$TMP/bad.skm.pipe"
t_bad "truncated model through a pipe" "truncated at byte 7000" \
	sh -c "cat $TMP/bad.skm.pipe | train -r /dev/stdin $TMP/train"

# --- broken input streams keep the last checkpoint ---
cp "$TMP/b/checkpoint.skm" "$TMP/keep.skm"
head -c 20000 "$TMP/train" > "$TMP/trunc"
t_bad "truncated training stream" "trunc:record [0-9]+: truncated" \
	train -q -r "$TMP/b/checkpoint.skm" -n 400 -o "$TMP/b" "$TMP/trunc"
t_cmp "checkpoint kept after the broken stream" "$TMP/keep.skm" \
	"$TMP/b/checkpoint.skm"
t_bad "truncated validation stream" "record [0-9]+: truncated" \
	train -q -r "$TMP/b/checkpoint.skm" -V "$TMP/trunc" -o "$TMP/b" \
	"$TMP/train"
t_bad "fresh run on a broken stream" "truncated" \
	$TR -n 10 -o "$TMP/d" "$TMP/trunc"
t_true "no checkpoint from the broken run" ! -e "$TMP/d/checkpoint.skm"
t_bad "resume on other data" "data differ" \
	train -q -r "$TMP/b/checkpoint.skm" -o "$TMP/b" "$TMP/valid"
t_cmp "checkpoint kept after the data check" "$TMP/keep.skm" \
	"$TMP/b/checkpoint.skm"
normalize -f 3 "$TMP/raw.valid" > "$TMP/valid3"
t_bad "validation scale differs" "scale factor .* differs" \
	$TR -n 10 -V "$TMP/valid3" -o "$TMP/d" "$TMP/train"
t_bad "unnormalised stream" "not normalised" \
	$TR -n 10 -o "$TMP/d" "$TMP/raw.train"

# --- a non-finite step is survived ---
SKETCHRNN_INJECT_NAN=70 $TR -n 120 -o "$TMP/nan" "$TMP/train" \
	> "$TMP/nan.out" 2> "$TMP/nan.err"
t_eq "injected NaN: exit 0" 0 $?
t_true "injected NaN: batch 70 logged" \
	"$(grep -c 'batch 70): non-finite.*back to step 50, learning rate x0.5' \
	"$TMP/nan.err")" -eq 1
t_ok "injected NaN: the checkpoint reads back" \
	train -q -r "$TMP/nan/checkpoint.skm" -o "$TMP/nan" "$TMP/train"
lr_a=$(field "$TMP/a/log.csv" -1 1)
lr_n=$(field "$TMP/nan/log.csv" -1 1)
t_true "injected NaN: learning rate halved ($lr_a, $lr_n)" \
	"$(awk "BEGIN { print ($lr_n < 0.6 * $lr_a) }")" -eq 1

# --- stopping early, progress, plotting ---
t_ok "early stopping" $TR -H learning_rate=0,min_learning_rate=0 -P 2 \
	-n 1000 -o "$TMP/p" "$TMP/train"
t_eq "early stopping: stops at the third evaluation" 150 \
	"$(field "$TMP/p/log.csv" -1 0)"
t_ok "time limit" $TR -t 0.000001 -n 1000 -o "$TMP/tl" "$TMP/train"
t_eq "time limit: stops after one step" 1 "$(field "$TMP/tl/log.csv" -1 0)"
train -H $H -n 60 -i 30 -V "$TMP/valid" -o "$TMP/pl" "$TMP/train" \
	> "$TMP/plain.out" 2> "$TMP/plain.err"
t_true "not a terminal: plain progress lines" \
	"$(grep -c '^train: step 30 lr .* recon .* cost' "$TMP/plain.err")" -eq 1
t_true "not a terminal: no carriage returns" \
	"$(tr -cd '\r' < "$TMP/plain.err" | wc -c)" -eq 0
t_true "the hyperparameters are printed" \
	"$(grep -c '^  dec_rnn_size=16$' "$TMP/plain.err")" -eq 1
if command -v script > /dev/null; then
	script -qec "train -H $H -n 400 -o $TMP/tty $TMP/train" /dev/null \
		> "$TMP/tty.out" 2>&1
	t_true "terminal: a status line redrawn with CR" \
		"$(tr '\r' '\n' < "$TMP/tty.out" | grep -c '^.*step [0-9]*/400 .* steps/s')" -ge 1
fi
t_ok "plot-loss.sh draws a PNG" plot-loss.sh "$TMP/a/log.csv" "$TMP/loss.png"
t_eq "plot-loss.sh: PNG signature" "89504e47" \
	"$(od -A n -t x1 -N 4 "$TMP/loss.png" | tr -d ' ')"
t_bad "plot-loss.sh: missing log" "cannot read" plot-loss.sh "$TMP/none.csv"

# --- an interrupt checkpoints, and the run resumes exactly ---
$TR -n 1000000 -o "$TMP/int" "$TMP/train" 2> "$TMP/int.err" &
pid=$!
i=0
while [ $i -lt 300 ] &&
	[ "$(cat "$TMP/int/log.csv" 2> /dev/null | grep -c .)" -lt 3 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -INT $pid
wait $pid
t_eq "SIGINT: exit 0" 0 $?
s=$(field "$TMP/int/log.csv" -1 0)
t_true "SIGINT: stopped at step $s" "$s" -ge 40 -a "$s" -lt 1000000
t_ok "SIGINT: resume 30 more steps" train -q -r "$TMP/int/checkpoint.skm" \
	-n $((s + 30)) -V "$TMP/valid" -o "$TMP/int" "$TMP/train"
t_ok "the same steps straight" $TR -n $((s + 30)) -o "$TMP/int2" "$TMP/train"
t_cmp "interrupted + resumed = straight" "$TMP/int/model.skm" \
	"$TMP/int2/model.skm"

# --- write errors, bad calls ---
: > "$TMP/file"
t_bad "output dir under a file" "file/out: Not a directory" \
	$TR -n 10 -o "$TMP/file/out" "$TMP/train"
mkdir -p "$TMP/w/checkpoint.skm"
t_bad "checkpoint cannot be renamed into place" \
	"checkpoint.skm: write error" $TR -n 10 -o "$TMP/w" "$TMP/train"
t_bad "unknown option" "usage: train" train -x
t_bad "two inputs" "usage: train" train a b
t_bad "unknown hyperparameter" "-H: foo=1: unknown hyperparameter" \
	train -H foo=1
t_bad "hyperparameter out of range" "z_size=0: out of range" \
	train -H z_size=0
t_bad "bad cell" "-d: bad cell 'gru'" train -d gru
t_bad "hyperparameters with -r" "come from the checkpoint" \
	train -r "$CK" -e layer_norm "$TMP/train"
t_bad "batch larger than the validation set" "fewer drawings" \
	train -q -H batch_size=100 -V "$TMP/valid" -n 1 -o "$TMP/d" "$TMP/train"
t_bad "bad SKETCHRNN_INJECT_NAN" "SKETCHRNN_INJECT_NAN: bad" \
	env SKETCHRNN_INJECT_NAN=x $TR -n 1 -o "$TMP/d" "$TMP/train"
t_done
