#!/bin/sh
# pipelines/preprocess.sh: one normalised stream per input file, the same
# bytes as the serial pipeline, and one pooled factor with -P.
. "$(dirname "$0")/lib.sh"

P=$TOP/pipelines/preprocess.sh
in=$DATA/quickdraw/raw
sh "$P" -j 2 "$in" "$TMP/out" 2> "$TMP/err"
t_true "preprocess.sh exits 0" $? -eq 0
t_eq "one output per input file" "$(ls "$in" | wc -l)" "$(ls "$TMP/out" | grep -c '\.strk$')"
bad=
for f in "$in"/*.ndjson; do
	name=$(basename "$f" .ndjson)
	ndjson2stroke "$f" | rdp-simplify -g | normalize > "$TMP/serial"
	cmp -s "$TMP/serial" "$TMP/out/$name.strk" || bad="$bad $name"
done
t_eq "each file equals the serial pipeline's output" "" "$bad"
t_eq "outputs are normalised, each with its own factor" 8 \
	"$(for f in "$TMP"/out/*.strk; do stroke2txt -s "$f" | head -1; done | sort -u | grep -c 'normalized=1')"

sh "$P" -P -m 150 -r "-e 2" "$DATA/quickdraw/simplified" "$TMP/pooled" 2> "$TMP/err"
t_true "pooled run exits 0" $? -eq 0
t_eq "pooled: one factor in every file" 1 \
	"$(for f in "$TMP"/pooled/*.strk; do stroke2txt -s "$f" | head -1; done | sort -u | wc -l)"
want=$(for f in "$DATA"/quickdraw/simplified/*.ndjson; do ndjson2stroke "$f"; done |
	rdp-simplify -e 2 | normalize -m 150 -p)
t_eq "pooled factor equals the factor of all drawings together" \
	"stroke version=1 normalized=1 scale=$want" "$(stroke2txt -s "$TMP/pooled/cat.simplified.strk" | head -1)"
t_eq "pooled: -m drops long drawings" \
	"$(for f in "$DATA"/quickdraw/simplified/*.ndjson; do ndjson2stroke "$f"; done | rdp-simplify -e 2 | normalize -m 150 | stroke2txt -s | grep -c '^drawing')" \
	"$(cat "$TMP"/pooled/*.strk | stroke2txt -s | grep -c '^drawing')"

mkdir -p "$TMP/empty"
t_bad "no ndjson files" "no .ndjson files" sh "$P" "$TMP/empty" "$TMP/o2"
t_bad "wrong arguments" "usage" sh "$P" "$in"
printf '{"broken\n' > "$TMP/empty/bad.ndjson"
sh "$P" "$TMP/empty" "$TMP/o3" > /dev/null 2> "$TMP/err"
t_true "a bad input file fails the run" $? -ne 0
t_ok "... naming the line" grep -q "bad.ndjson:line 1" "$TMP/err"
# -S: jobs on another machine.  tests/fake-ssh stands in for ssh: host
# "fakehost" is a home directory of its own under $w/remote, where GNU
# parallel's rsync copies each input file and from where it copies the
# result back.  Relative and absolute paths, from a work directory.
w=$TMP/ssh
mkdir -p "$w/raw" "$w/bad" "$w/home"
for c in cat pig sheep; do head -n 20 "$in/$c.raw.ndjson" > "$w/raw/$c.raw.ndjson"; done
printf '{"broken\n' > "$w/bad/bad.ndjson"
pp() {
	(cd "$w" && HOME=$w/home PARALLEL_SSH=$TOP/tests/fake-ssh \
		FAKE_SSH_HOME=$w/remote FAKE_SSH_LOG=$w/log sh "$P" "$@")
}
# same DIR1 DIR2: the names of the .strk files of DIR1 that DIR2 lacks or
# holds with other bytes ("" when every one is the same).
same() {
	for f in "$w/$1"/*.strk; do
		cmp -s "$f" "$w/$2/${f##*/}" || printf ' %s' "${f##*/}"
	done
}
# fromhost: how many results came back from fakehost (rsync's sending
# side there), since the last call.
fromhost() { c=$(grep -c 'rsync --server --sender' "$w/log" 2> /dev/null); echo "${c:-0}"; rm -f "$w/log"; }
# left: what the jobs left on fakehost, and job directories left here.
left() {
	[ ! -d "$w/remote/fakehost" ] || (cd "$w/remote/fakehost" && find . ! -name .)
	[ ! -d "$w/home/.parallel/tmp" ] ||
		(cd "$w/home/.parallel/tmp" && find . -maxdepth 1 ! -name . ! -name sshlogin)
}

t_ok "rsync is installed (make deps)" command -v rsync
pp raw local 2> "$TMP/err" && pp -P raw local-pooled 2> "$TMP/err.pl"
t_true "-S: the local runs exit 0" $? -eq 0
pp -j 2 -S 1/fakehost raw strokes 2> "$TMP/err"
st=$?
t_true "-S: the remote run exits 0" $st -eq 0
[ $st -eq 0 ] || sed 's/^/# /' "$TMP/err" | head -5
t_eq "-S: every job ran on fakehost" 3 "$(fromhost)"
t_eq "-S: one output per input file" 3 "$(ls "$w/strokes" | grep -c '\.strk$')"
t_eq "-S: each file equals the local run's" "" "$(same local strokes)"
t_eq "-S: nothing left behind on either machine" "" "$(left)"
t_eq "-S: the input files stay" 3 "$(ls "$w/raw" | wc -l)"

pp -P -S 1/fakehost raw pooled 2> "$TMP/err"
t_true "-S -P: the remote pooled run exits 0" $? -eq 0
t_eq "-S -P: every job ran on fakehost" 3 "$(fromhost)"
t_eq "-S -P: each file equals the local pooled run's" "" "$(same local-pooled pooled)"
t_eq "-S -P: the same scale factor reported" "$(grep 'scale factor' "$TMP/err.pl")" \
	"$(grep 'scale factor' "$TMP/err")"
t_eq "-S -P: nothing left behind" "" "$(left)"

pp -j 1 -S 1/fakehost,1/: "$w/raw" "$w/mixed" 2> "$TMP/err"
t_true "-S fakehost,: with absolute paths exits 0" $? -eq 0
n=$(fromhost)
t_eq "-S fakehost,: jobs on both machines" yes "$([ "$n" -ge 1 ] && [ "$n" -le 2 ] && echo yes)"
t_eq "-S fakehost,: each file equals the local run's" "" "$(same local mixed)"
t_eq "-S fakehost,: nothing left behind" "" "$(left)"

t_bad "-S: a bad input file fails the remote job, naming the line" \
	"bad.ndjson:line 1" pp -S 1/fakehost bad bad-out
t_eq "-S: a failed job leaves nothing behind either" "" "$(left)"
t_done
