#!/bin/sh
# Faults: every filter writing into /dev/full (standard output, and the
# files that stroke2svg -o and train write) exits 1 with "prog: ...: No
# space left on device", small outputs (the failure seen at the last
# flush) and large ones (seen in the middle); train and model2js into a
# full file system (a small tmpfs, when run as root) fail so and keep the
# files written before whole and loadable; train killed with SIGKILL at
# random moments always leaves a checkpoint that loads and resumes
# exactly, and the next run removes the temporary files the kills left.
. "$(dirname "$0")/lib.sh"

Q=$DATA/quickdraw
NPZ=$DATA/sketchrnn/aaron_sheep.npz
GEN=$DATA/models/sheep.gen.json
VAE=$DATA/models/aaron_sheep-small.skm
ENOSPC='No space left on device'

# full_ok STATUS PROG: the run ended with exit 1 and a last message
# "PROG: ...: No space left on device", no sanitizer report.
full_ok() {
	[ "$1" -eq 1 ] &&
		tail -n 1 "$TMP/t.err" | grep -Eq "^$2: (.+: )?$ENOSPC\$" &&
		! grep -q 'Sanitizer\|runtime error' "$TMP/t.err"
}
full_why() {
	echo "# want exit 1 and '$1: ...: $ENOSPC'; got exit $2:"
	sed 's/^/#   /' "$TMP/t.err" | head -5
}

# t_full DESC CMD...: CMD with standard output on /dev/full.
t_full() {
	desc=$1; shift
	"$@" > /dev/full 2> "$TMP/t.err"
	st=$?
	if full_ok $st "$1"; then t_pass "$desc"; else
		t_fail "$desc"; full_why "$1" $st; fi
}

# t_fullf DESC CMD...: CMD writing a file on /dev/full; stdout stays empty.
t_fullf() {
	desc=$1; shift
	"$@" > "$TMP/t.out" 2> "$TMP/t.err"
	st=$?
	if full_ok $st "$1" && [ ! -s "$TMP/t.out" ]; then t_pass "$desc"; else
		t_fail "$desc"; full_why "$1" $st
		echo "#   stdout $(wc -c < "$TMP/t.out") bytes"; fi
}

# --- inputs: small (one flush at the end) and large (> 128 KiB out) ---
MONKEY=$Q/monkey-1000.simplified.ndjson
head -n 20 "$Q/simplified/sheep.simplified.ndjson" > "$TMP/small.ndjson"
ndjson2stroke "$TMP/small.ndjson" > "$TMP/small"
ndjson2stroke "$MONKEY" > "$TMP/big"
ndjson2stroke "$Q/raw/cat.raw.ndjson" > "$TMP/raw"
normalize "$TMP/small" > "$TMP/small.n"
normalize "$TMP/big" > "$TMP/big.n"
npz2stroke -s test "$NPZ" | normalize > "$TMP/sheep.n"
encode -m "$VAE" "$TMP/sheep.n" > "$TMP/z"
encode -c -m "$VAE" "$TMP/sheep.n" > "$TMP/z.csv"
for sp in train valid; do npz2stroke -s $sp "$NPZ" > "$TMP/raw.$sp"; done
normalize -m 60 "$TMP/raw.train" > "$TMP/train"
normalize -m 60 -F "$TMP/train" "$TMP/raw.valid" > "$TMP/valid"
H=enc_rnn_size=8,dec_rnn_size=16,z_size=4,num_mixture=3,batch_size=10
TR="train -q -H $H"
$TR -H save_every=10 -n 20 -V "$TMP/valid" -o "$TMP/m" "$TMP/train"
t_true "inputs made" -s "$TMP/m/model.skm" -a -s "$TMP/big.n" -a -s "$TMP/z" -a -s "$TMP/z.csv"
big=$(wc -c < "$TMP/big")
t_true "the large stream is over 128 KiB ($big bytes)" "$big" -gt 131072

cp "$MONKEY" "$TMP/big.ndjson"
t_full "ndjson2stroke (small)" ndjson2stroke "$TMP/small.ndjson"
t_full "ndjson2stroke (large)" ndjson2stroke "$TMP/big.ndjson"
t_full "ndjson2stroke -J (large)" ndjson2stroke -J "$TMP/big.ndjson"
mkfifo "$TMP/fifo"
cat "$TMP/big.ndjson" > "$TMP/fifo" &
t_full "ndjson2stroke from a pipe" ndjson2stroke < "$TMP/fifo"
wait
t_full "bin2stroke" bin2stroke "$Q/binary/bed.simplified.bin"
t_full "rdp-simplify (small)" rdp-simplify "$TMP/small"
t_full "rdp-simplify (large)" rdp-simplify "$TMP/raw"
t_full "rdp-simplify -g" rdp-simplify -g "$TMP/raw"
t_full "normalize (small file)" normalize "$TMP/small"
t_full "normalize (large file)" normalize "$TMP/big"
cat "$TMP/big" > "$TMP/fifo" &
t_full "normalize (pipe)" normalize < "$TMP/fifo"
wait
t_full "normalize -p" normalize -p "$TMP/big"
t_full "normalize -F" normalize -F "$TMP/big.n" "$TMP/big"
t_full "stroke2svg (small)" stroke2svg "$TMP/small"
t_full "stroke2svg (large)" stroke2svg "$TMP/big"
t_full "stroke2svg -C -t" stroke2svg -C -t "$TMP/big"
t_full "stroke2txt (small)" stroke2txt "$TMP/small"
t_full "stroke2txt (large)" stroke2txt "$TMP/big"
t_full "stroke2txt -a" stroke2txt -a "$TMP/big"
t_full "stroke2txt -s" stroke2txt -s "$TMP/big"
t_full "npz2stroke" npz2stroke "$NPZ"
t_full "npz2stroke -s valid" npz2stroke -s valid "$NPZ"
t_full "stroke2npz (small)" stroke2npz -s train "$TMP/small"
t_full "stroke2npz (large)" stroke2npz -s train "$TMP/big"
t_full "stroke2npz -z" stroke2npz -z -s test "$TMP/big"
t_full "batch (small)" batch -m all -s train -b 5 -n 1 "$TMP/small.n"
t_full "batch (large)" batch -m all -s train -b 50 "$TMP/big.n"
batch -m all -s train -b 50 "$TMP/big.n" > "$TMP/big.batch"
t_full "batch -d" batch -d "$TMP/big.batch"
t_full "lerp (small)" lerp -n 3 "$TMP/z"
t_full "lerp -c" lerp -c -n 100 "$TMP/z"
t_full "lerp -m" lerp -m "$TMP/z.csv"
t_full "lerp -w" lerp -w 0.5,0.5 "$TMP/z"
t_full "decode (small)" decode -m "$GEN" -n 2
t_full "decode (large)" decode -m "$GEN" -n 200 -l 40
t_full "decode latents" decode -m "$VAE" "$TMP/z"
t_full "decode -p" decode -m "$GEN" -p "$TMP/sheep.n" -k 1 -l 30
t_full "model2js (a model file)" model2js -f "$TMP/m/model.skm"
t_full "model2js (a sketch-rnn-js file)" model2js "$GEN"
t_full "encode (small)" encode -m "$VAE" "$TMP/small.n"
t_full "encode (large)" encode -m "$VAE" "$TMP/sheep.n"
t_full "encode -c" encode -c -m "$VAE" "$TMP/sheep.n"
t_full "pick (small)" pick -n 3 "$TMP/small"
t_full "pick (large)" pick "$TMP/big"
t_full "strokedist (small)" strokedist "$TMP/small" "$TMP/small"
pick -n 300 "$TMP/big" > "$TMP/big300"
t_full "strokedist -a (large)" strokedist -k 10 -a "$TMP/big300" "$TMP/big300"
t_full "strokedist -m" strokedist -m "$TMP/small" "$TMP/small"
$TR -n 1 -o "$TMP/m1" "$TMP/train" > /dev/full
t_eq "train: standard output is not used (exit 0 on /dev/full)" 0 $?

# --- files named by options ---
# stroke2svg -o: a file of the pattern is a link to /dev/full, for a
# small drawing (failing at fclose) and a large one (while it is written).
mkdir "$TMP/svg"
ln -s /dev/full "$TMP/svg/1.svg"
pick -n 1 "$TMP/small" > "$TMP/one"
t_fullf "stroke2svg -o, a small drawing" stroke2svg -o "$TMP/svg/%d.svg" \
	"$TMP/one"
# the drawing of most points
i=$(stroke2txt -s "$TMP/raw" | awk -F'points=' '/^drawing/ { n++
	if ($2 + 0 > max) { max = $2 + 0; at = n } } END { print at - 1 }')
pick -s "$i" -n 1 "$TMP/raw" > "$TMP/one.raw"
t_true "... a large one: $(stroke2svg "$TMP/one.raw" | wc -c) bytes of SVG" \
	"$(stroke2svg "$TMP/one.raw" | wc -c)" -gt 8192
t_fullf "stroke2svg -o, a large drawing" stroke2svg -o "$TMP/svg/%d.svg" \
	"$TMP/one.raw"
rm "$TMP/svg/1.svg"
ln -s /dev/full "$TMP/svg/3.svg"
t_fullf "stroke2svg -o, the third file of many" stroke2svg \
	-o "$TMP/svg/%d.svg" "$TMP/small"
t_true "... the first two written" -s "$TMP/svg/1.svg" -a -s "$TMP/svg/2.svg"
# train: the output directory is /dev/full; its log is a link to it.
t_bad "train -o /dev/full" "/dev/full: cannot write in this directory" \
	$TR -n 10 -o /dev/full "$TMP/train"
mkdir "$TMP/lg"
ln -s /dev/full "$TMP/lg/log.csv"
t_fullf "train: log.csv on /dev/full" $TR -n 10 -o "$TMP/lg" "$TMP/train"
t_true "... no model written" ! -e "$TMP/lg/model.skm"
# ...and with a log already there (resumed): the first row fails.
cp -r "$TMP/m" "$TMP/lg2"
ln -sf /dev/full "$TMP/lg2/log.csv"
t_fullf "train -r: log.csv on /dev/full" train -q -r "$TMP/lg2/checkpoint.skm" \
	-n 40 -o "$TMP/lg2" "$TMP/train"
t_cmp "... the checkpoint kept" "$TMP/m/checkpoint.skm" \
	"$TMP/lg2/checkpoint.skm"

# --- a full file system (a small tmpfs; root only) ---
MNT=$TMP/mnt
mkdir "$MNT"
trap 'umount "$MNT" 2> /dev/null; rm -rf "$TMP"' EXIT
if [ "$(id -u)" -ne 0 ]; then
	t_pass "full file system # skip not root (it mounts a tmpfs)"
elif ! mount -t tmpfs -o size=2m,mode=0700 tmpfs "$MNT" 2> "$TMP/mount.err"
then
	t_pass "full file system # skip cannot mount a tmpfs: $(head -1 "$TMP/mount.err")"
else
	R=$MNT/run
	$TR -H save_every=10 -n 20 -V "$TMP/valid" -o "$R" "$TMP/train"
	cp "$R/checkpoint.skm" "$R/best.skm" "$R/model.skm" "$TMP/"
	model2js -f "$R/model.skm" > "$MNT/model.json"
	cp "$MNT/model.json" "$TMP/model.json"
	# fill it, then leave 8 KiB: log rows fit, a checkpoint does not
	dd if=/dev/zero of="$MNT/fill" bs=64k 2> /dev/null
	truncate -s -8K "$MNT/fill"
	t_true "the tmpfs is full: $(df -k "$MNT" | awk 'NR == 2 { print $4 }') KiB left" \
		"$(df -k "$MNT" | awk 'NR == 2 { print $4 }')" -le 8
	t_fullf "train into a full file system" train -q -r "$R/checkpoint.skm" \
		-n 40 -V "$TMP/valid" -o "$R" "$TMP/train"
	for f in checkpoint best model; do
		t_cmp "... $f.skm kept whole" "$TMP/$f.skm" "$R/$f.skm"
	done
	t_eq "... no temporary file left" "" "$(ls "$R" | grep tmp)"
	dd if=/dev/zero of="$MNT/fill2" bs=4k 2> /dev/null
	t_fullf "train with no byte left" train -q -r "$R/checkpoint.skm" \
		-n 40 -o "$R" "$TMP/train"
	t_cmp "... the checkpoint kept whole" "$TMP/checkpoint.skm" \
		"$R/checkpoint.skm"
	model2js -f "$R/model.skm" > "$MNT/model2.json" 2> "$TMP/t.err"
	st=$?
	t_true "model2js > a file on it: exit 1, ENOSPC ($(cat "$TMP/t.err"))" \
		$st -eq 1 -a "$(grep -c "^model2js: .*$ENOSPC" "$TMP/t.err")" -eq 1
	t_cmp "... the model it read kept whole" "$TMP/model.skm" "$R/model.skm"
	t_cmp "... and the JSON written before" "$TMP/model.json" \
		"$MNT/model.json"
	rm -f "$MNT/fill" "$MNT/fill2" "$MNT/model2.json"
	t_ok "space again: the run resumes to step 40" train -q \
		-r "$R/checkpoint.skm" -n 40 -V "$TMP/valid" -o "$R" "$TMP/train"
	t_ok "... as if never stopped" sh -c "$TR -H save_every=10 -n 40 \
		-V $TMP/valid -o $TMP/straight $TMP/train &&
		cmp $TMP/straight/model.skm $R/model.skm"
	umount "$MNT"
fi

# --- SIGKILL at random moments ---
# A run of save_every=5 is killed KILLS times, each time resumed from its
# checkpoint and killed again after a random delay (0 to 0.4 s: while it
# loads, trains, or writes a file); each checkpoint left must load, and the
# last resumed to the end must give the model of a run never killed.
KILLS=20
K=$TMP/kill
TK="$TR -H save_every=5"
$TK -n 10 -o "$K" "$TMP/train"
seed=${SKETCHRNN_KILL_SEED:-$(date +%s)}
echo "# kill delays from seed $seed (SKETCHRNN_KILL_SEED)"
awk -v s="$seed" -v n=$KILLS 'BEGIN { srand(s)
	for (i = 0; i < n; i++) printf "%.3f\n", rand() * 0.4 }' > "$TMP/delays"
loaded=0 steps="" ntmp=0
while read -r delay; do
	train -q -r "$K/checkpoint.skm" -n 1000000 -o "$K" "$TMP/train" &
	pid=$!
	sleep "$delay"
	kill -KILL $pid 2> /dev/null
	wait $pid 2> /dev/null
	ntmp=$((ntmp + $(ls "$K" | grep -c tmp)))
	# load it (at its own step nothing is trained; it is written back
	# into another directory)
	train -r "$K/checkpoint.skm" -n 1 -o "$TMP/kchk" "$TMP/train" \
		> /dev/null 2> "$TMP/kchk.err"
	st=$?
	s=$(sed -n 's/.*resuming at step \([0-9]*\)$/\1/p' "$TMP/kchk.err")
	if [ $st -eq 0 ] && [ -n "$s" ]; then
		loaded=$((loaded + 1)); steps="$steps $s"
	else
		echo "# after a kill at $delay s: exit $st"
		sed 's/^/#   /' "$TMP/kchk.err" | head -5
	fi
done < "$TMP/delays"
echo "# checkpoint steps after each kill:$steps"
t_eq "SIGKILL $KILLS times: every checkpoint left loads" $KILLS $loaded
last=${steps##* }
t_true "... and the run went on (step $last)" "${last:-0}" -gt 10
n=$(( ${last:-0} + 20 ))
t_ok "the last resumed to step $n" train -q -r "$K/checkpoint.skm" -n $n \
	-o "$K" "$TMP/train"
t_ok "the same steps never killed" $TK -n $n -o "$TMP/kstraight" "$TMP/train"
t_cmp "killed $KILLS times + resumed = straight" "$TMP/kstraight/model.skm" \
	"$K/model.skm"
echo "# kills that left a temporary file: $ntmp"
t_eq "... which the resumed run removed" "" "$(ls "$K" | grep tmp)"
dead=$(sh -c 'echo $$')
: > "$K/model.skm.tmp.$dead"
: > "$K/checkpoint.skm.tmp.$$"
: > "$K/checkpoint.skm.tmp.x$dead"
t_ok "a run in the directory" train -q -r "$K/checkpoint.skm" -n $n \
	-o "$K" "$TMP/train"
t_true "... removes the temporary file of a process gone" \
	! -e "$K/model.skm.tmp.$dead"
t_true "... not that of a running one, nor other files" \
	-e "$K/checkpoint.skm.tmp.$$" -a -e "$K/checkpoint.skm.tmp.x$dead"
rm -f "$K"/*.tmp.*
/usr/bin/python3 - "$K/log.csv" > "$TMP/csv.out" 2>&1 <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
assert rows[0][0] == "step" and all(len(r) == 13 for r in rows), "columns"
print("ok")
PY
t_eq "the log is whole CSV rows" ok "$(cat "$TMP/csv.out")"

t_done
