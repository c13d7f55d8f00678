#!/bin/sh
# bench/mpi.sh [-r rounds] [-n steps] [-b Gbit/s] [-l latency_us] [BUILD]:
# train -M (MPI) on one machine, and an estimate of it on a network.
#
# 1. The step time of train with the small preset of pipelines/train.sh
#    (layer-norm encoder 128, decoder 256, N_z 64, M 20, batch 50,
#    learning rate 0.003) on aaron_sheep, in interleaved rounds of:
#      A  1 process, -j 1, OpenBLAS on 1 thread (one core)
#      B  1 process, -j 2 (two shards, one thread each: train's default)
#      C  2 processes of -j 1 (mpirun, on the same cores)
#      D  2 processes of -j 2 (4 threads on the cores)
#      E  1 process, -j 2, batch 7: the largest share of one machine of 8
#         splitting the batch of 50 (16 shards of 3 or 4 drawings)
#      F  1 process, -j 2, batch 2: the share of one machine of 25 (50
#         shards of 1 drawing, the most a batch of 50 allows at 2 each)
#    each from a fresh start for 10 + steps steps (-n, default 30; 3 times
#    that for E and F) without evaluation; s/step is the difference of
#    log.csv's elapsed_s between step 10 and the last step, divided by the
#    steps, so start-up and the first steps are left out.  The rounds run
#    A B C D E F A B C ...; C's model must be B's byte for byte.
# 2. bench/allreduce (BUILD/bench/allreduce): the exchange of one step
#    (MPI_Allreduce MAX of P int16, SUM of P int64, the allgather of the
#    losses and the stop flag) at np 2 over shared memory, for the
#    parameters of the small, hyper and paper presets (from train's own
#    count), and the local work around it (-L).
# 3. An estimate for 8, 25 and 64 machines of 2 cores (one process of -j 2
#    each) on a network of -b Gbit/s (default 10) with -l microseconds
#    (default 50) a message: ring allreduce, 2 (N-1)/N x bytes / bandwidth
#    + 2 (N-1) x latency for each of the two large allreduces, log2 N x
#    latency for each small collective.  See bench/README.md.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=3 steps=30 gbit=10 lat=50 warm=10
usage() {
	echo "usage: mpi.sh [-r rounds] [-n steps] [-b Gbit/s] [-l latency_us]" \
		"[BUILD]" >&2
	exit 1
}
while getopts r:n:b:l: opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	n) steps=$OPTARG ;;
	b) gbit=$OPTARG ;;
	l) lat=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
build=${1:-build}
bin=$top/$build/bin
ar=$top/$build/bench/allreduce
npz=$top/data/sketchrnn/aaron_sheep.npz
for f in "$bin/train" "$ar" "$npz"; do
	[ -e "$f" ] || { echo "mpi.sh: $f: missing; skipped"; exit 0; }
done
command -v mpirun > /dev/null || { echo "mpi.sh: no mpirun; skipped"; exit 0; }

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi() { # NP COMMAND...
	np=$1
	shift
	mpirun -np "$np" --oversubscribe --bind-to none --mca btl self,vader "$@"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$bin/npz2stroke" -s train "$npz" | "$bin/normalize" -m 250 > "$tmp/train.strk"
hp=enc_rnn_size=128,dec_rnn_size=256,z_size=64,num_mixture=20
hp=$hp,enc_model=layer_norm,dec_model=layer_norm,learning_rate=0.003
hp=$hp,save_every=1000000

# params [-H hp]: train's count of the parameters of a model
params() {
	"$bin/train" -n 0 "$@" -o "$tmp/count" "$tmp/train.strk" 2>&1 |
		sed -n 's/.* \([0-9][0-9]*\) parameters.*/\1/p'
}
p_small=$(params -H "$hp,batch_size=50")
p_hyper=$(params -H "$hp,batch_size=50,dec_model=hyper")
p_paper=$(params)

# per_step DIR N: seconds a step between step $warm and step $warm + N
per_step() {
	awk -F, -v a="$warm" -v n="$2" '
		{ gsub(/"/, "") }
		$1 == a { t0 = $13 }
		$1 == a + n { t1 = $13 }
		END { if (t0 == "" || t1 == "") exit 1; printf "%.4f\n", (t1 - t0) / n }
	' "$1/log.csv"
}

# run NAME: one configuration; prints its s/step (E and F, a few
# milliseconds a step, run 3 times the steps)
run() {
	d=$tmp/$1 n=$steps
	case $1 in E | F) n=$((3 * steps)) ;; esac
	rm -rf "$d"
	a="-q -n $((warm + n)) -i $warm -o $d"
	case $1 in
	A) OPENBLAS_NUM_THREADS=1 "$bin/train" $a -H "$hp,batch_size=50" -j 1 \
		"$tmp/train.strk" ;;
	B) "$bin/train" $a -H "$hp,batch_size=50" -j 2 "$tmp/train.strk" ;;
	C) mpi 2 "$bin/train" -M $a -H "$hp,batch_size=50" -j 1 \
		"$tmp/train.strk" ;;
	D) mpi 2 "$bin/train" -M $a -H "$hp,batch_size=50" -j 2 \
		"$tmp/train.strk" ;;
	E) "$bin/train" $a -H "$hp,batch_size=7" -j 2 "$tmp/train.strk" ;;
	F) "$bin/train" $a -H "$hp,batch_size=2" -j 2 "$tmp/train.strk" ;;
	esac
	per_step "$d" "$n"
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average before:" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores;" \
	"OpenBLAS core $(OPENBLAS_VERBOSE=2 "$bin/train" -h 2>&1 |
		sed -n 's/^Core: //p'); $(mpirun --version | head -1)"
if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2> /dev/null)" = 1 ]; then
	echo "scheduler: autogroup (other sessions get equal shares whatever" \
		"their nice); this session's group: $(cat /proc/self/autogroup)"
fi
echo "small preset on aaron_sheep: $p_small parameters; $rounds rounds of" \
	"$steps steps after $warm ($((3 * steps)) for E and F)"
echo "round   A 1x-j1   B 1x-j2   C 2x-j1   D 2x-j2   E b7 -j2  F b2 -j2" \
	"  A/B   C/B   D/B"
: > "$tmp/times"
for r in $(seq "$rounds"); do
	line=$r
	for c in A B C D E F; do
		line="$line $(run $c)"
	done
	if ! cmp -s "$tmp/B/model.skm" "$tmp/C/model.skm"; then
		echo "mpi.sh: round $r: 2 processes of -j 1 differ from -j 2" >&2
		exit 1
	fi
	echo "$line" >> "$tmp/times"
	echo "$line" | awk '{ printf "%-5s %7.3f s %7.3f s %7.3f s %7.3f s" \
		" %7.3f s %7.3f s %5.2f %5.2f %5.2f\n", $1, $2, $3, $4, $5, $6, \
		$7, $2 / $3, $4 / $3, $5 / $3 }'
done
echo "check: 2 processes of -j 1 gave the model of 1 process of -j 2," \
	"byte for byte, in every round"

echo "== exchange of one step, np 2, shared memory (bench/allreduce)"
mpi 2 "$ar" -r 200 -s 2 "$p_small" "$p_hyper" "$p_paper" | tee "$tmp/ar"
echo "== local work around it, one process (bench/allreduce -L)"
"$ar" -L -r 50 "$p_small" "$p_hyper" "$p_paper" | tee "$tmp/local"

echo "== estimate: N machines of 2 cores (1 process of -j 2 each)," \
	"$gbit Gbit/s, $lat us a message"
awk -v P="$p_small" -v gbit="$gbit" -v lat="$lat" '
function med(col,   n, i, j, v, t) {
	n = 0
	for (i = 1; i <= rounds; i++) v[++n] = T[i, col]
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function log2c(n,   k) { k = 0; while (2 ^ k < n) k++; return k }
# xch(N, bytes, n): n ring allreduces of bytes in all, 2 small collectives
function xch(N, bytes, n) {
	if (N == 1) return 0
	return 2 * (N - 1) / N * bytes / bw + n * 2 * (N - 1) * a + 2 * log2c(N) * a
}
# show: a step of N machines on a global batch of G drawings, against one
# machine on 50 (tB): speed-up in drawings a second, and efficiency
function show(what, N, G, comp,   x, xf, t, sp) {
	x = xch(N, 10 * P, 2); xf = xch(N, 4 * P, 1); t = comp + x
	sp = G / 50 * tB / t
	printf "%-30s %7.1f ms %7.1f ms %7.1f ms %6.1f%% %6.1fx %6.1f%%  %7.1f ms\n", \
		what, 1e3 * comp, 1e3 * x, 1e3 * t, 100 * comp / t, sp, \
		100 * sp / N, 1e3 * xf
}
FILENAME ~ /times$/ { rounds++; for (i = 2; i <= NF; i++) T[rounds, i] = $i; next }
FILENAME ~ /local$/ && /^local: P / && $3 == P "," {
	for (i = 1; i <= NF; i++) {
		if ($i == "sum" && $(i - 1) == "exact") alone = $(i + 1) / 1e3
		if ($i == "-M") passes = $(i + 1) / 1e3
	}
}
FILENAME ~ /local$/ && /^noise_skip:/ {
	for (i = 1; i <= NF; i++) {
		if ($i == "us" && $(i + 1) == "a") skip = $(i - 1) / 1e6
		if ($i == "applied") jump = $(i + 1) / 1e6
	}
}
END {
	bw = gbit * 1e9 / 8; a = lat * 1e-6
	tA = med(2); tB = med(3); tC = med(4); tD = med(5); tE = med(6); tF = med(7)
	printf "medians of %d rounds: A %.3f, B %.3f, C %.3f, D %.3f, E %.4f, F %.4f s/step\n", \
		rounds, tA, tB, tC, tD, tE, tF
	printf "on this machine: 2 processes of -j 1 (C) %.2fx the step of -j 2 (B);" \
		" speed-up over one core (A): -j 2 %.2fx, 2 processes %.2fx\n", \
		tC / tB, tA / tB, tA / tC
	extra = passes - alone
	printf "compute a drawing: batch 50 (B) %.2f ms, batch 7 (E) %.2f ms, batch 2 (F) %.2f ms\n", \
		1e3 * tB / 50, 1e3 * tE / 7, 1e3 * tF / 2
	printf "per step, every machine: exact-sum passes of -M %.2f ms (%.2f ms alone)," \
		" the jumps over the noise of the other machines 2 x %.2f us (stepping over it:" \
		" %.1f us a drawing)\n", 1e3 * passes, 1e3 * alone, 1e6 * jump, 1e6 * skip
	printf "%-30s %10s %10s %10s %7s %7s %7s %10s\n", "machines, global batch", \
		"compute", "exchange", "step", "c/step", "speed", "effic.", "float xch"
	show("1, 50 (B)", 1, 50, tB)
	show("8, 50 (E: 7 on the largest)", 8, 50, tE + extra + 2 * jump)
	show("25, 50 (F: 2 each)", 25, 50, tF + extra + 2 * jump)
	printf "64, 50: not possible (128 shards for 50 drawings; at most 25 machines of 2 shards, 50 of 1)\n"
	show("8, 400 (50 each)", 8, 400, tB + extra + 2 * jump)
	show("64, 3200 (50 each)", 64, 3200, tB + extra + 2 * jump)
	printf "stepping over the noise of the other machines instead of jumping: 8 x 50 each: %.1f%%," \
		" 64 x 50 each: %.1f%%\n", \
		100 * tB / (tB + extra + skip * 350 + xch(8, 10 * P, 2)), \
		100 * tB / (tB + extra + skip * 3150 + xch(64, 10 * P, 2))
}
' rounds=0 "$tmp/times" "$tmp/local"
