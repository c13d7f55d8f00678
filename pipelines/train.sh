#!/bin/sh
# train.sh: train sketch-rnn on a dataset with a named preset, from the raw
# dataset to the model files, the loss-curve PNG and a grid of samples:
#
#   DATASET -> train/valid/test stroke streams -> normalize -> train
#           -> plot-loss.sh (loss.png), decode | stroke2svg (samples.svg)
#
# Usage: pipelines/train.sh [-H name=value,...] [-L launcher] [-n steps]
#                           [-t seconds] dataset preset [outdir]
#
#   dataset  a sketch-rnn .npz (its train/valid/test splits are used), a
#            Quick, Draw! .ndjson file (lines split 18:1:1 by position:
#            line i goes to valid when i mod 20 = 18, to test when 19), or
#            a normalised stroke stream, .strk, as pipelines/preprocess.sh
#            writes (split the same way, kept as they are: not normalised
#            again, no drawing dropped)
#   preset   small  encoder 128 units per direction, decoder 256, N_z 64,
#                   M 20, layer_norm cells (the reference README's advice
#                   under 10K drawings), batch 50, learning rate 0.003, a
#                   checkpoint every 250 steps, otherwise the reference
#                   hyperparameters: the decoder's recurrent product, the
#                   largest cost, is 4 times smaller than the paper's, half
#                   batches give twice the updates an hour, and 3 times
#                   the reference's learning rate (0.001) makes about twice
#                   the progress a step (measured on aaron_sheep); about
#                   0.6 s a step on a 2-core machine on aaron_sheep (N_max
#                   250)
#            hyper  the small preset with the paper's decoder, a HyperLSTM
#                   (dec_model=hyper: 256 units, the reference's hyper cell
#                   of 256 units and embedding 32, layer norm inside):
#                   1,400,571 parameters, about 2.4 times slower per
#                   step than small (2.7 times its GEMM work)
#            paper  the reference defaults (enc 256, dec 512, N_z 128, lstm
#                   cells): about 5 times slower per step than small
#            tiny   a smoke test (enc 8, dec 16, N_z 4, M 3, batch 10)
#   outdir   default out/train/NAME-PRESET
#   -H       hyperparameters that override the preset's (as train -H),
#            for example -H learning_rate=0.001 for under about 1000
#            drawings, where the small preset's 0.003 overfits sooner
#   -L       the command that runs train, split into words, for an MPI
#            job: "mpirun -np 4 --hostfile hosts train -M -j 8" (what
#            pipelines/train-cluster.sh gives)
#   -n       stop after this many steps in all (default: the preset's)
#   -t       stop after this many seconds of training in all
#
# Run it again with the same outdir to continue from its checkpoint.skm
# (after a kill, or with a larger -n or -t).  Drawings longer than 250
# points are dropped (the reference's max_seq_len).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$top/build/bin:$top/pipelines:$PATH
export PATH

usage() {
	echo "usage: train.sh [-H name=value,...] [-L launcher] [-n steps]" \
		"[-t seconds] dataset preset [outdir]" >&2
	exit 1
}

steps= limit= extra= launch=
while getopts H:L:n:t: opt; do
	case $opt in
	H) extra=$OPTARG ;;
	L) launch=$OPTARG ;;
	n) steps=$OPTARG ;;
	t) limit=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] && [ $# -le 3 ] || usage
data=$1 preset=$2
name=$(basename "$data"); name=${name%%.*}
out=${3:-out/train/$name-$preset}

case $preset in
small | hyper)
	dec=layer_norm
	[ "$preset" = hyper ] && dec=hyper
	hp=enc_rnn_size=128,dec_rnn_size=256,z_size=64,num_mixture=20
	hp=$hp,enc_model=layer_norm,dec_model=$dec,batch_size=50
	hp=$hp,learning_rate=0.003,save_every=250
	: "${steps:=20000}" ;;
paper)
	hp=save_every=500
	: "${steps:=10000000}" ;;
tiny)
	hp=enc_rnn_size=8,dec_rnn_size=16,z_size=4,num_mixture=3,batch_size=10
	hp=$hp,save_every=50
	: "${steps:=200}" ;;
*)
	echo "train.sh: unknown preset '$preset' (want small, hyper, paper" \
		"or tiny)" >&2
	exit 1 ;;
esac
[ -n "$extra" ] && hp=$hp,$extra
[ -r "$data" ] || { echo "train.sh: $data: cannot read" >&2; exit 1; }
mkdir -p "$out"

# The three normalised streams, made once per outdir.
if [ ! -s "$out/test.strk" ]; then
	case $data in
	*.npz)
		for s in train valid test; do
			npz2stroke -s $s "$data" > "$out/raw.$s.strk"
		done ;;
	*.strk)
		pick -p 20:0-17 "$data" > "$out/train.strk"
		pick -p 20:18 "$data" > "$out/valid.strk"
		pick -p 20:19 "$data" > "$out/test.strk" ;;
	*.ndjson)
		awk -v o="$out" '{ r = (NR - 1) % 20
			f = r == 18 ? "valid" : r == 19 ? "test" : "train"
			print > (o "/raw." f ".ndjson") }' "$data"
		for s in train valid test; do
			ndjson2stroke "$out/raw.$s.ndjson" > "$out/raw.$s.strk"
		done ;;
	*)
		echo "train.sh: $data: want a .npz, .ndjson or .strk file" >&2
		exit 1 ;;
	esac
	if [ -s "$out/raw.train.strk" ]; then
		normalize -m 250 "$out/raw.train.strk" > "$out/train.strk"
		for s in valid test; do
			normalize -m 250 -F "$out/train.strk" \
				"$out/raw.$s.strk" > "$out/$s.strk"
		done
		rm -f "$out"/raw.*
	fi
fi

set -- -n "$steps" -o "$out" -V "$out/valid.strk" -T "$out/test.strk"
[ -n "$limit" ] && set -- "$@" -t "$limit"
trainer=${launch:-train} # split into words on purpose
if [ -s "$out/checkpoint.skm" ]; then
	echo "train.sh: continuing $out/checkpoint.skm" >&2
	$trainer -r "$out/checkpoint.skm" "$@" "$out/train.strk"
else
	$trainer -H "$hp" "$@" "$out/train.strk"
fi
if command -v gnuplot > /dev/null; then
	plot-loss.sh "$out/log.csv" "$out/loss.png"
	echo "train.sh: loss curves in $out/loss.png" >&2
fi
# Nine drawings from the best model (z from the prior, temperature 0.3).
best=$out/best.skm
[ -s "$best" ] || best=$out/model.skm
if command -v decode > /dev/null; then
	decode -m "$best" -n 9 -t 0.3 -s 1 | stroke2svg -c 3 > "$out/samples.svg"
	if command -v rsvg-convert > /dev/null; then
		rsvg-convert "$out/samples.svg" > "$out/samples.png"
	fi
	echo "train.sh: samples in $out/samples.svg" >&2
fi
