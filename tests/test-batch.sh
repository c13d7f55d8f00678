#!/bin/sh
# batch: same seed gives byte-identical batches and another seed does not;
# resuming with -k gives exactly the batches a longer run wrote; splits by
# label, hash or all; valid/test counts; -d reads batch(5) back; bad calls.
# The contents are checked rule by rule in tests/batch_test.c.
. "$(dirname "$0")/lib.sh"

SHEEP=$DATA/sketchrnn/aaron_sheep.npz
npz2stroke -s train "$SHEEP" | normalize > "$TMP/train"
npz2stroke "$SHEEP" > "$TMP/all.raw"
normalize "$TMP/all.raw" > "$TMP/all"
# one batch of 100 sketches of N_max 250: 48 + 100 * 8 + 100 * 251 * 5 * 4
BYTES=502848

batch -S 5 -n 3 "$TMP/train" > "$TMP/a"
batch -S 5 -n 3 "$TMP/train" > "$TMP/b"
batch -S 6 -n 3 "$TMP/train" > "$TMP/c"
t_eq "3 batches of $BYTES bytes" $((3 * BYTES)) "$(wc -c < "$TMP/a")"
t_cmp "same seed: byte-identical batches" "$TMP/a" "$TMP/b"
t_true "another seed: different batches" "$(cksum < "$TMP/a")" != "$(cksum < "$TMP/c")"
t_eq "the pipeline of the issue gives the same batches" "$(cksum < "$TMP/a")" \
	"$(npz2stroke -s train "$SHEEP" | normalize | batch -S 5 -n 3 | cksum)"
batch -S 5 -k 1 -n 2 "$TMP/train" > "$TMP/k"
tail -c $((2 * BYTES)) "$TMP/a" > "$TMP/tail"
t_cmp "resume: -k 1 -n 2 equals batches 1 and 2 of the first run" "$TMP/tail" "$TMP/k"
t_eq "-d reads them back: batch numbers 0 1 2" "0 1 2" \
	"$(batch -d "$TMP/a" | sed -n 's/^batch index=\([0-9]*\).*/\1/p' | xargs)"
t_eq "-t prints what -d decodes" "$(batch -S 5 -n 3 -t "$TMP/train" | cksum)" \
	"$(batch -d < "$TMP/a" | cksum)"
t_eq "batch header line" "batch index=0 split=train size=100 nmax=250 scale=18.5198269 seed=5 count=7400 augmented=1 normalized=1" \
	"$(batch -d "$TMP/a" | sed -n 1p)"
t_eq "every sketch: start token row first" 300 \
	"$(batch -d "$TMP/a" | awk '/^sketch/ { getline; if ($0 == "0 0 1 0 0") n++ } END { print n }')"
batch -p 0 -r 0 -b 1 -n 1 -t -S 9 "$TMP/train" > "$TMP/one"
id=$(sed -n 's/^sketch 0 id=\([0-9]*\).*/\1/p' "$TMP/one")
t_eq "-p 0 -r 0: a train sketch is its drawing (id $id), unscaled" \
	"$(stroke2txt "$TMP/train" | awk -v k="key_id=aaron_sheep:train:$id" '$2 == k {f=1;next} /^drawing/{f=0} f{print $1, $2}' | xargs)" \
	"$(awk -v n="$(sed -n 's/.* len=//p' "$TMP/one")" 'NR > 3 && NR <= 3 + n { print $1, $2 }' "$TMP/one" | xargs)"

# splits
t_eq "label split from one stream: valid has 3 batches" 3 \
	"$(batch -s valid "$TMP/all" | batch -d | grep -c '^batch')"
t_eq "test split: floor(300/100) = 3 batches, sorted by length" "3 1" \
	"$(batch -s test -t "$TMP/all" > "$TMP/t"; grep -c '^batch' "$TMP/t" | tr '\n' ' '; sed -n 's/^sketch.* len=//p' "$TMP/t" | sort -n -c && echo 1)"
t_eq "N_max is the longest drawing of all splits read" "nmax=250" \
	"$(batch -s valid -t "$TMP/all" | head -1 | grep -o 'nmax=[0-9]*')"
# awk count of train drawings with at most 100 points: 2683
t_eq "-l 100 drops longer drawings and pads to 100" "nmax=100 count=2683" \
	"$(batch -l 100 -n 1 -t "$TMP/train" 2> "$TMP/e" | head -1 | grep -o 'nmax=.*count=[0-9]*' | sed 's/ scale.*seed=[0-9]*//')"
t_eq "... and says so" "batch: dropped 4717 of 7400 drawings longer than 100 points" "$(cat "$TMP/e")"
# split sizes from the count field of each split's first batch
count() { batch -n 1 -t "$@" | sed -n '1s/.* count=\([0-9]*\) .*/\1/p'; }
for sp in train valid test; do count -m hash -s $sp "$TMP/all"; done > "$TMP/h"
t_eq "-m hash: every one of 8000 drawings in one split" 8000 "$(awk '{ s += $1 } END { print s }' "$TMP/h")"
t_true "-m hash: about 90/5/5 ($(xargs < "$TMP/h"))" "$(sed -n 1p "$TMP/h")" -gt 7100 -a \
	"$(sed -n 2p "$TMP/h")" -gt 340 -a "$(sed -n 3p "$TMP/h")" -gt 340
t_eq "-m hash is the same on every run" "$(xargs < "$TMP/h")" \
	"$(for sp in train valid test; do count -m hash -s $sp "$TMP/all"; done | xargs)"
n=$(count -m hash -f 0.5,0.25 "$TMP/all")
t_true "-f 0.5,0.25 gives about half to train ($n)" "$n" -gt 3800 -a "$n" -lt 4200
t_eq "-m all: the whole stream is the split" 80 \
	"$(batch -m all -s test "$TMP/all" | batch -d | grep -c '^batch')"
t_eq "unnormalised stream with -u" 74 \
	"$(batch -u "$TMP/all.raw" | batch -d | grep -c '^batch')"

# bad calls
t_bad "unnormalised stream refused" "not normalised \(run normalize first, or use -u\)" batch "$TMP/all.raw"
t_bad "valid batch past the last" "valid split: batches 2 to 3 asked, only 3 exist" batch -s valid -k 2 -n 2 "$TMP/all"
t_bad "fewer drawings than a batch" "fewer drawings in the split than in one batch" batch -b 301 -s test "$TMP/all"
t_bad "-m label on keys without a split" "names no train, valid or test split" \
	sh -c "npz2stroke '$TOP/tests/npz/tiny.npy' | batch -u -m label"
t_bad "-b 0" "-b: bad value '0'" batch -b 0 "$TMP/train"
t_bad "-p 2" "-p: bad value '2'" batch -p 2 "$TMP/train"
t_bad "-f 0.9,0.2" "-f: bad value '0.9,0.2'" batch -f 0.9,0.2 "$TMP/train"
t_bad "-m nope" "-m: bad mode 'nope'" batch -m nope "$TMP/train"
t_bad "-s nope" "-s: bad split 'nope'" batch -s nope "$TMP/train"
t_bad "unknown option" "usage: batch \[-tu\]" batch -x
t_bad "not a stroke stream" "not a stroke stream" batch "$SHEEP"
head -c 1000 "$TMP/train" > "$TMP/cut"
t_bad "truncated stroke stream" "cut:record" batch "$TMP/cut"
head -c 400000 "$TMP/a" > "$TMP/cut"
t_bad "-d: truncated batch" "cut:batch 1: truncated batch \(rows\)" batch -d "$TMP/cut"
head -c 30 "$TMP/a" > "$TMP/cut"
t_bad "-d: truncated header" "truncated batch header" batch -d "$TMP/cut"
t_bad "-d: not a batch stream" "not a batch stream \(bad magic\)" batch -d "$TMP/train"
{ printf 'SKB5\001\000\000\000\000\000\000\000'; printf '\377\377\377\177\377\377\377\177'; head -c 40 /dev/zero; } > "$TMP/huge"
t_bad "-d: absurd batch size" "batch size out of range" batch -d "$TMP/huge"
{ printf 'SKB5\001\000\000\000\000\000\000\000\240\206\001\000\240\206\001\000'; head -c 40 /dev/zero; } > "$TMP/huge"
t_bad "-d: B * N_max over the limit" "batch too large" batch -d "$TMP/huge"

# the man page's examples
npz2stroke -s train "$SHEEP" | normalize > "$TMP/train.s"
batch -S 1 -n 20 "$TMP/train.s" > "$TMP/run"
t_eq "batch(1) example: 20 training batches" 20 "$(batch -d "$TMP/run" | grep -c '^batch')"
t_eq "batch(1) example: resume at batch 12" "$(tail -c $((8 * BYTES)) "$TMP/run" | cksum)" \
	"$(batch -S 1 -k 12 -n 8 "$TMP/train.s" | cksum)"
t_eq "batch(1) example: valid batches, N_max of the whole set" 3 \
	"$(npz2stroke -s valid "$SHEEP" | normalize -F "$TMP/train.s" | batch -m all -s valid -l 250 | batch -d | grep -c '^batch')"

# batch(5)'s hexdump example: header and the first sketch's length and id
t_eq "batch(5) example bytes" \
	"53 4b 42 35 01 00 03 00 00 00 00 00 64 00 00 00 fa 00 00 00 9b 28 94 41 05 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 e8 1c 00 00 00 00 00 00 b5 00 00 00 e3 05 00 00" \
	"$(head -c 56 "$TMP/a" | od -A n -t x1 | xargs)"

t_done
