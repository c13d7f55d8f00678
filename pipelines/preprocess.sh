#!/bin/sh
# preprocess.sh: a directory of per-category Quick, Draw! ndjson files in,
# normalised stroke(5) files out, one GNU parallel job per file:
#
#   ndjson2stroke FILE | rdp-simplify RDP_OPTIONS | normalize > OUT/NAME.strk
#
# Usage: preprocess.sh [-P] [-j jobs] [-m points] [-r rdp-options]
#                      [-S sshlogins] indir outdir
#
#   -P  one scale factor pooled over every file (computed on the simplified
#       drawings of all of them), instead of one factor per file
#   -j  parallel jobs per machine (default: one per core)
#   -m  drop drawings longer than this many points (after simplification)
#   -r  options for rdp-simplify (default "-g": Google's recipe, for raw
#       files; use "-e 2" for already simplified files)
#   -S  run the jobs on other machines too, with GNU parallel's --sshlogin,
#       e.g. -S 8/alice@node1,8/alice@node2,: (":" is this machine).  Each
#       input file is copied to the machine that converts it and the result
#       copied back (--transferfile, --return, --cleanup); sketchrnn must be
#       installed on every machine (make install), and indir and outdir are
#       taken relative to the home directory there, so give them relative
#       to the current directory and run this from your home directory.
#
# Output names: NAME.strk for NAME.ndjson (cat.raw.ndjson -> cat.raw.strk).
set -eu

usage() {
	echo "usage: preprocess.sh [-P] [-j jobs] [-m points] [-r rdp-options]" \
		"[-S sshlogins] indir outdir" >&2
	exit 1
}

pooled=0 jobs=100% maxpts= rdp=-g ssh=
while getopts Pj:m:r:S: opt; do
	case $opt in
	P) pooled=1 ;;
	j) jobs=$OPTARG ;;
	m) maxpts="-m $OPTARG" ;;
	r) rdp=$OPTARG ;;
	S) ssh=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
in=${1%/}
out=${2%/}
ls "$in"/*.ndjson > /dev/null 2>&1 || { echo "preprocess.sh: no .ndjson files in $in" >&2; exit 1; }
mkdir -p "$out"

remote=
if [ -n "$ssh" ]; then
	remote="--sshlogin $ssh --transferfile {} --return $out/{/.}.strk --cleanup"
fi

# run WHERE JOB: JOB is a shell command (no single quotes) run for every
# input file with $1 = the input file and $2 = its output file; WHERE is
# "remote" where the job may go to other machines, "local" otherwise.
run() {
	where=$([ "$1" = remote ] && echo "$remote" || true)
	# shellcheck disable=SC2086
	parallel --will-cite --halt now,fail=1 -j "$jobs" $where \
		bash -o pipefail -c "'$2'" _ {} "$out/{/.}.strk" ::: "$in"/*.ndjson
}

if [ $pooled -eq 0 ]; then
	run remote "ndjson2stroke \"\$1\" | rdp-simplify $rdp | normalize $maxpts > \"\$2\""
	exit 0
fi
# Pooled: simplify every file, compute one factor over all of them, apply it.
run remote "ndjson2stroke \"\$1\" | rdp-simplify $rdp > \"\$2\""
factor=$(cat "$out"/*.strk | normalize $maxpts -p)
run local "normalize $maxpts -f $factor \"\$2\" > \"\$2.tmp\" && mv \"\$2.tmp\" \"\$2\""
echo "preprocess.sh: scale factor $factor" >&2
