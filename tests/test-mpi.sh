#!/bin/sh
# train -M (train(1), MPI): an MPI job of k processes of n shards trains
# byte for byte as one train -j k*n (model, best model, log and checkpoint
# but for its seconds-of-training field and CRC), resumes exactly (an MPI
# run from a local checkpoint and back), reads its input on rank 0 alone
# (stdin too) and writes files on rank 0 alone; bad input, too many shards
# and a killed process end the whole job with a message, never a hang;
# SIGTERM stops every process at one step, checkpointed;
# pipelines/train-cluster.sh on a hostfile of this machine is train.sh;
# make MPI=0 builds a train without MPI that refuses -M.
. "$(dirname "$0")/lib.sh"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# leaks are checked, but for Open MPI's own (tests/lsan.supp, which needs
# the full stacks of the slow unwinder to see its libraries)
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$TOP/tests/lsan.supp:print_suppressions=0"
# mpirun NP ARGS...: train -M on NP local processes, ended after 120 s
mpi() {
	np=$1; shift
	timeout -k 5 120 mpirun -np "$np" --oversubscribe --bind-to none \
		--mca btl self,vader train -M "$@"
}

NPZ=$DATA/sketchrnn/aaron_sheep.npz
sheep_splits
H=$TINY,save_every=10
A="-q -V $TMP/valid -T $TMP/test"

# logrows FILE: the log but its elapsed_s column and the rows of a run's
# final test (a resumed run's log has one at each end of a run).
logrows() {
	cut -d, -f1-12 "$1" | awk -F, '!($4 == "" && $7 == "")'
}

# same_run DESC DIR1 DIR2: the same model files, log and checkpoint (but
# for the seconds-of-training field, 96 bytes past the model's size, and
# the CRC).
same_run() {
	for f in model.skm best.skm; do
		t_cmp "$1: $f" "$2/$f" "$3/$f"
	done
	logrows "$2/log.csv" > "$TMP/log1"
	logrows "$3/log.csv" > "$TMP/log2"
	t_cmp "$1: log.csv but elapsed_s" "$TMP/log1" "$TMP/log2"
	m=$(wc -c < "$2/model.skm") c=$(wc -c < "$2/checkpoint.skm")
	d=$(cmp -l "$2/checkpoint.skm" "$3/checkpoint.skm" | awk -v m="$m" \
		-v c="$c" '$1 <= m + 96 || ($1 > m + 104 && $1 <= c - 4)' | wc -l)
	t_eq "$1: checkpoint.skm but time and CRC" "0 $c" \
		"$d $(wc -c < "$3/checkpoint.skm")"
}

# --- k processes of n shards = train -j k*n ---
for kn in "2 1" "2 2" "3 1"; do
	set -- $kn
	k=$1 n=$2 j=$(($1 * $2))
	t_ok "train -j $j: 20 steps" train $A -H $H -j $j -n 20 \
		-o "$TMP/j$j" "$TMP/train"
	t_ok "$k processes of -j $n: 20 steps" mpi $k $A -H $H -j $n -n 20 \
		-o "$TMP/m$k$n" "$TMP/train"
	same_run "$k x $n = -j $j" "$TMP/j$j" "$TMP/m$k$n"
done
t_true "the runs learned (step 20 recon below step 10's)" "$(awk -F, \
	'NR == 2 { a = $4 } NR == 4 { b = $4 } END { print (b < a) }' \
	"$TMP/j2/log.csv")" -eq 1

# --- resume: MPI from a local checkpoint, local from an MPI one ---
t_ok "train -j 2: 10 steps" train $A -H $H -n 10 -o "$TMP/r" "$TMP/train"
t_ok "2 processes resume it to 20" mpi 2 $A -j 1 -r "$TMP/r/checkpoint.skm" \
	-n 20 -o "$TMP/r" "$TMP/train"
same_run "10 local + 10 MPI = 20 local" "$TMP/j2" "$TMP/r"
t_ok "2 processes: 10 steps" mpi 2 $A -H $H -j 1 -n 10 -o "$TMP/r2" \
	"$TMP/train"
t_ok "train -j 2 resumes it to 20" train $A -r "$TMP/r2/checkpoint.skm" \
	-n 20 -o "$TMP/r2" "$TMP/train"
same_run "10 MPI + 10 local = 20 local" "$TMP/j2" "$TMP/r2"

# --- rank 0 reads (stdin too) and writes; the others do neither ---
mkdir -p "$TMP/w0" "$TMP/w1"
t_ok "stdin, run in two directories" timeout -k 5 120 mpirun --oversubscribe \
	--bind-to none --mca btl self,vader \
	-np 1 -wdir "$TMP/w0" train -M $A -H $H -j 1 -n 20 -o out : \
	-np 1 -wdir "$TMP/w1" train -M $A -H $H -j 1 -n 20 -o out \
	< "$TMP/train"
same_run "from stdin" "$TMP/j2" "$TMP/w0/out"
t_true "rank 1 wrote nothing" ! -e "$TMP/w1/out"
t_true "nothing on stdout" ! -s "$TMP/t.out"

# --- the workflow: preprocess.sh, then train-cluster.sh on a hostfile ---
mkdir -p "$TMP/qd"
head -n 400 "$DATA/quickdraw/monkey-1000.simplified.ndjson" \
	> "$TMP/qd/monkey.ndjson"
t_ok "preprocess.sh: ndjson to a normalised stream" preprocess.sh \
	-r "-e 2" -m 250 "$TMP/qd" "$TMP/st"
echo "localhost slots=2 # this machine first" > "$TMP/hosts"
export MPIRUN_OPTS="--oversubscribe --mca btl self,vader"
t_ok "train-cluster.sh: 2 processes of 1 shard" train-cluster.sh \
	-f "$TMP/hosts" -N 2 -j 1 -n 20 "$TMP/st/monkey.strk" tiny "$TMP/tc"
t_ok "train.sh: the same run on one machine" train.sh -n 20 \
	"$TMP/st/monkey.strk" tiny "$TMP/ts"
same_run "train-cluster.sh = train.sh" "$TMP/ts" "$TMP/tc"
n=$(stroke2txt "$TMP/st/monkey.strk" | grep -c '^drawing')
t_eq "train.sh: the $n drawings split 18:1:1" \
	"$(awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) c[i % 20 < 18 ? 0 : \
	i % 20 - 17]++; print c[0], c[1], c[2] }')" "$(for s in train valid \
	test; do stroke2txt "$TMP/tc/$s.strk" | grep -c '^drawing'; done | xargs)"
t_true "train-cluster.sh: loss curves and samples" \
	-s "$TMP/tc/samples.svg" -a -s "$TMP/tc/log.csv"
t_ok "train-cluster.sh continues its checkpoint" train-cluster.sh \
	-f "$TMP/hosts" -N 2 -j 1 -n 40 "$TMP/st/monkey.strk" tiny "$TMP/tc"
t_eq "train-cluster.sh: at step 40" 40 \
	"$(awk -F, 'END { gsub(/"/, "", $1); print $1 }' "$TMP/tc/log.csv")"
echo "node9 slots=2" > "$TMP/hosts2"
t_bad "train-cluster.sh: the first host elsewhere" \
	"the first host, node9, is not this machine" \
	train-cluster.sh -f "$TMP/hosts2" -n 20 "$NPZ" tiny "$TMP/tc2"

# mpirun's default binding (one core a process) with -j 2: a warning
timeout -k 5 120 mpirun -np 1 --bind-to core --mca btl self,vader train -M \
	-q -H $H -j 2 -n 20 -o "$TMP/b" "$TMP/train" 2> "$TMP/b.err"
t_ok "bound to one core, -j 2: the warning" \
	grep -q "train: -j 2, but this process may run on 1 CPU only" "$TMP/b.err"
t_ok "unbound (--bind-to none), -j 2" mpi 1 -q -H $H -j 2 -n 20 \
	-o "$TMP/b2" "$TMP/train"
t_true "... no warning" "$(grep -c "may run on" "$TMP/t.err")" -eq 0

# --- a build without MPI: train alone, -M refused ---
# (train's two files built again, with make MPI=0, against this build's
# library)
mkdir -p "$TMP/nompi"
cp "$SKETCHRNN_BUILD/libsketch.a" "$TMP/nompi/"
san=
nm "$TMP/nompi/libsketch.a" 2> /dev/null | grep -q __asan && san=SAN=1
t_ok "make MPI=0: train builds" make -s -C "$TOP" MPI=0 $san \
	BUILD="$TMP/nompi" -o "$TMP/nompi/libsketch.a" "$TMP/nompi/bin/train"
t_true "... without MPI linked" -z "$(ldd "$TMP/nompi/bin/train" | grep mpi)"
t_bad "... refuses -M" "train: -M: this train was built without MPI" \
	"$TMP/nompi/bin/train" -M "$TMP/train"
t_ok "... and trains" "$TMP/nompi/bin/train" -q -H $H -n 20 -o "$TMP/n0" \
	"$TMP/train"
t_cmp "... as this build's train" "$TMP/n0/model.skm" "$TMP/j2/model.skm"

# --- failures end the job with a message ---
t_bad "a missing file" "train: $TMP/nothere: No such file" \
	mpi 2 -q -H $H -n 20 -o "$TMP/f" "$TMP/nothere"
head -c 5000 "$TMP/train" > "$TMP/trunc"
t_bad "a truncated stream" "trunc:record [0-9]*: .*truncated" \
	mpi 2 -q -H $H -n 20 -o "$TMP/f" "$TMP/trunc"
t_bad "more shards than drawings in a batch" \
	"2 processes of 6 shards: more shards than the 10 drawings" \
	mpi 2 -q -H $H -j 6 -n 20 -o "$TMP/f" "$TMP/train"
t_bad "processes given different -n" \
	"the processes of the job differ in num_steps \\(-n\\) \\(20 to 30\\)" \
	timeout -k 5 120 mpirun --mca btl self,vader \
	-np 1 train -M -q -H $H -j 1 -n 20 -o "$TMP/f" "$TMP/train" : \
	-np 1 train -M -q -H $H -j 1 -n 30 -o "$TMP/f" "$TMP/train"
t_bad "processes given -V or not" "the processes of the job differ in -V" \
	timeout -k 5 120 mpirun --mca btl self,vader \
	-np 1 train -M -q -H $H -j 1 -V "$TMP/valid" -o "$TMP/f" "$TMP/train" : \
	-np 1 train -M -q -H $H -j 1 -o "$TMP/f" "$TMP/train"
t_bad "-M with -r's hyperparameters" "-r: the hyperparameters" \
	mpi 2 -q -H $H -r "$TMP/r/checkpoint.skm" -o "$TMP/f" "$TMP/train"

# SIGTERM to mpirun (as a batch system sends): every process stops at the
# same step and rank 0 checkpoints it
timeout -k 5 120 mpirun -np 2 --oversubscribe --bind-to none --mca btl \
	self,vader train -M -q -H $H -j 1 -n 1000000 -o "$TMP/i" "$TMP/train" \
	2> "$TMP/i.err" &
job=$! # timeout, which passes the signal on to mpirun
i=0
while [ $i -lt 300 ] && [ ! -s "$TMP/i/checkpoint.skm" ]; do
	sleep 0.1; i=$((i + 1))
done
kill -TERM $job
wait $job
# mpirun may return before its processes have finished the step and the
# checkpoint: wait for them (at most 30 s)
i=0
while [ $i -lt 300 ] && pgrep -f "train -M -q -H $H -j 1 -n 1000000 -o $TMP/i" \
	> /dev/null; do
	sleep 0.1; i=$((i + 1))
done
step=$(awk -F, 'END { gsub(/"/, "", $1); print $1 }' "$TMP/i/log.csv")
t_true "SIGTERM: stopped at step $step, before the end" \
	"${step:-0}" -gt 0 -a "${step:-0}" -lt 1000000
t_ok "SIGTERM: the checkpoint resumes (MPI)" mpi 2 -q -j 1 \
	-r "$TMP/i/checkpoint.skm" -n $((step + 10)) -o "$TMP/i" "$TMP/train"
t_eq "SIGTERM: resumed to step $((step + 10))" "$((step + 10))" \
	"$(awk -F, 'END { gsub(/"/, "", $1); print $1 }' "$TMP/i/log.csv")"

# a process killed mid-run: mpirun ends the others, the checkpoint stays
mpi 2 -q -H $H -j 1 -n 1000000 -o "$TMP/k" "$TMP/train" \
	> "$TMP/k.out" 2> "$TMP/k.err" &
job=$!
i=0
while [ $i -lt 300 ] && [ ! -s "$TMP/k/checkpoint.skm" ]; do
	sleep 0.1; i=$((i + 1))
done
victim=$(pgrep -f "train -M -q -H $H -j 1 -n 1000000 -o $TMP/k" | tail -1)
start=$(date +%s)
[ -n "$victim" ] && kill -9 $victim
wait $job
st=$?
took=$(($(date +%s) - start))
t_true "killed process: the job ends, status $st, in $took s" \
	"$st" -ne 0 -a "$st" -ne 124 -a "$took" -lt 60
t_true "killed process: mpirun says so" \
	"$(grep -c 'signal 9\|Killed' "$TMP/k.err")" -ge 1
t_true "killed process: no train left" \
	-z "$(pgrep -f "train -M -q -H $H -j 1 -n 1000000 -o $TMP/k")"
t_ok "killed process: the checkpoint reads back" \
	train -q -r "$TMP/k/checkpoint.skm" -n 1 -o "$TMP/k2" "$TMP/train"
t_done
