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
#       job runs in a directory of its own on its machine (--workdir ...,
#       under ~/.parallel/tmp): the input file is copied there, converted,
#       the result copied back into outdir and the directory removed
#       (--transferfile, --return, --cleanup).  Every machine needs
#       sketchrnn on the PATH of commands run over ssh (make install),
#       bash, perl and rsync; indir and outdir are read and written here
#       only, so they can be given relative or absolute.
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

# sq WORD: WORD quoted for the shell that runs a job.
sq() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# With -S every job, this machine's too, runs in a directory of its own
# (--workdir ...): the paths given to a job are absolute, and a job on
# another machine reads the copy of its input file in that directory and
# writes its output there, for --return (/./: relative to that directory
# there, in outdir here).  $PARALLEL_SSHLOGIN is ":" for this machine.
if [ -n "$ssh" ]; then
	in=$(cd "$in" && pwd)
	out=$(cd "$out" && pwd)
fi
# shellcheck disable=SC2016
there='case $PARALLEL_SSHLOGIN in :) ;; *) set -- "${1##*/}" "${2##*/}" ;; esac; '

# run WHERE JOB: JOB is a shell command (no single quotes) run for every
# input file with $1 = the input file and $2 = its output file; WHERE is
# "remote" where the job may go to other machines, "local" otherwise.
run() {
	job=$2
	if [ "$1" = remote ] && [ -n "$ssh" ]; then
		set -- --sshlogin "$ssh" --workdir ... --transferfile '{//}/./{/}' \
			--return "$out/./{/.}.strk" --cleanup
		job=$there$job
	else
		set --
	fi
	parallel --will-cite --halt now,fail=1 -j "$jobs" "$@" \
		bash -o pipefail -c "'$job'" _ {} "$(sq "$out")/{/.}.strk" ::: "$in"/*.ndjson
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
