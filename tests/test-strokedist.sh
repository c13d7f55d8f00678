#!/bin/sh
# strokedist: the chamfer distance against an independent transcription
# (tests/strokedist.py on stroke2txt -a output), exact cases, units, -a's
# columns, bad input; fidelity.sh on a shipped model.
. "$(dirname "$0")/lib.sh"

nd() { ndjson2stroke "$@"; }
line() { # key x0 y0 x1 y1: one stroke of two points
	printf '{"word":"w","key_id":"%s","drawing":[[[%s,%s],[%s,%s]]]}\n' \
		"$1" "$2" "$4" "$3" "$5"
}
line a 0 0 10 0 > "$TMP/a.ndjson"
line b 0 5 10 5 > "$TMP/b.ndjson"
nd "$TMP/a.ndjson" > "$TMP/a.strk"
nd "$TMP/b.ndjson" > "$TMP/b.strk"

t_ok "a drawing against itself" strokedist "$TMP/a.strk" "$TMP/a.strk"
t_eq "header and row" '"index","key_id","distance"
0,"a",0' "$(cat "$TMP/t.out")"
strokedist "$TMP/a.strk" "$TMP/b.strk" > "$TMP/ab.csv"
t_eq "centred: a shifted copy is at 0" '0,"a",0' "$(tail -n 1 "$TMP/ab.csv")"
strokedist -T "$TMP/a.strk" "$TMP/b.strk" > "$TMP/ab.csv"
t_eq "-T: a line 5 away is at 5" '0,"a",5' "$(tail -n 1 "$TMP/ab.csv")"

# a line and a line of half its length: with k = 4 the points are
# 1.25 3.75 6.25 8.75 and 0.625 1.875 3.125 4.375 (centred: shifted by
# 2.5), nearest distances 0.625 0.625 0.625 1.875 each way... computed
# independently below instead of by hand.
python3 - "$TMP" <<'PY'
import random, sys
tmp = sys.argv[1]
random.seed(7)
with open(tmp + "/r.ndjson", "w") as f:
    for i in range(12):
        strokes = []
        for s in range(random.randint(1, 4)):
            n = random.randint(1, 6)
            xs = [random.randint(0, 255) for _ in range(n)]
            ys = [random.randint(0, 255) for _ in range(n)]
            strokes.append([xs, ys])
        f.write('{"word":"r","key_id":"r%d","drawing":%s}\n' % (i, strokes))
PY
nd "$TMP/r.ndjson" > "$TMP/r.strk"
pick -s 6 "$TMP/r.strk" > "$TMP/r2.strk"
pick -n 6 "$TMP/r.strk" > "$TMP/r1.strk"
normalize "$TMP/r2.strk" > "$TMP/r2n.strk"
for k in 1 7 100; do
	for opt in "" -T; do
		strokedist -a -k $k $opt "$TMP/r1.strk" "$TMP/r2n.strk" > "$TMP/c.csv"
		stroke2txt -a "$TMP/r1.strk" > "$TMP/r1.txt"
		stroke2txt -a "$TMP/r2n.strk" > "$TMP/r2.txt"
		t_ok "-a -k $k $opt: the same numbers as tests/strokedist.py" \
			python3 "$TOP/tests/strokedist.py" -k $k $opt \
			"$TMP/r1.txt" "$TMP/r2.txt" "$TMP/c.csv"
	done
done
strokedist -a -m "$TMP/r1.strk" "$TMP/r2n.strk" > "$TMP/m.csv"
t_ok "-m: the means of the rows" python3 "$TOP/tests/strokedist.py" \
	-k 100 -m "$TMP/r1.txt" "$TMP/r2.txt" "$TMP/m.csv"
strokedist -a "$TMP/r1.strk" "$TMP/r1.strk" > "$TMP/self.csv"
t_eq "-a: every drawing closest to itself" "1 1 1 1 1 1" \
	"$(tail -n +2 "$TMP/self.csv" | cut -d, -f5 | tr '\n' ' ' | sed 's/ $//')"
t_ok "the scale factor counts: normalised and not give one distance" \
	sh -c "strokedist '$TMP/r1.strk' '$TMP/r2.strk' > '$TMP/p.csv' &&
		strokedist '$TMP/r1.strk' '$TMP/r2n.strk' > '$TMP/n.csv' &&
		python3 -c 'import sys
a = [l.split(\",\")[2] for l in open(sys.argv[1])][1:]
b = [l.split(\",\")[2] for l in open(sys.argv[2])][1:]
sys.exit(any(abs(float(x) - float(y)) > 1e-4 * (1 + float(x)) for x, y in zip(a, b)))' '$TMP/p.csv' '$TMP/n.csv'"
printf '{"word":"w","key_id":"q\\"x,y","drawing":[[[0],[0]]]}\n' |
	nd > "$TMP/q.strk"
t_ok "a dot against itself" strokedist "$TMP/q.strk" "$TMP/q.strk"
t_eq "a key_id with a quote and a comma is quoted" '0,"q""x,y",0' \
	"$(tail -n 1 "$TMP/t.out")"

# bad input
t_bad "different counts" "r1.strk has 6 drawings, .*a.strk 1" \
	strokedist "$TMP/r1.strk" "$TMP/a.strk"
head -c 30 "$TMP/r1.strk" > "$TMP/trunc.strk"
t_bad "a truncated stream" "trunc.strk:record 1: " \
	strokedist "$TMP/trunc.strk" "$TMP/r1.strk"
t_bad "a missing file" "nope.strk: " strokedist "$TMP/nope.strk" "$TMP/a.strk"
printf 'STRK garbage' > "$TMP/g.strk"
t_bad "not a stream" "g.strk: " strokedist "$TMP/a.strk" "$TMP/g.strk"
t_bad "-k 0" "-k" strokedist -k 0 "$TMP/a.strk" "$TMP/a.strk"
t_bad "one file" "usage" strokedist "$TMP/a.strk"
t_bad "both from stdin" "usage" strokedist - -
printf '{"word":"w","key_id":"e","drawing":[]}\n' | nd > "$TMP/e.strk" 2> /dev/null
if [ -s "$TMP/e.strk" ]; then
	t_bad "a drawing with no points" "e.strk:record 1: a drawing with no points" \
		strokedist "$TMP/e.strk" "$TMP/e.strk"
fi
t_ok "first from stdin" sh -c "strokedist - '$TMP/a.strk' < '$TMP/a.strk'"

# fidelity.sh on the shipped VAE: reconstructions of its own test drawings
# beat chance
npz2stroke -s test "$DATA/sketchrnn/aaron_sheep.npz" | pick -n 20 > "$TMP/sheep.strk"
t_ok "fidelity.sh runs" fidelity.sh -m "$DATA/models/aaron_sheep-small.skm" \
	-o "$TMP/recon.strk" "$TMP/sheep.strk"
cp "$TMP/t.out" "$TMP/fid.txt"
t_eq "fidelity.sh: its four lines" \
	"drawings:|distance to own drawing:|distance to the others:|fidelity:" \
	"$(sed 's/ [0-9.e+-]*$//' "$TMP/fid.txt" | paste -sd'|')"
t_ok "fidelity.sh: 20 drawings, reconstructions beat chance" awk '
	/^drawings:/ { n = $2 } /^fidelity:/ { f = $2 }
	END { exit !(n == 20 && f > 0.5 && f <= 1) }' "$TMP/fid.txt"
t_ok "fidelity.sh: kept reconstructions are decode -G's" sh -c \
	"npz2stroke -s test '$DATA/sketchrnn/aaron_sheep.npz' | pick -n 20 |
	 encode -m '$DATA/models/aaron_sheep-small.skm' |
	 decode -G -m '$DATA/models/aaron_sheep-small.skm' > '$TMP/g.strk' &&
	 cmp '$TMP/g.strk' '$TMP/recon.strk'"
for opt in "-t 0.3 -s 5" "-M -t 0.1 -s 2"; do
	t_ok "fidelity.sh $opt: decode $opt's reconstructions" sh -c \
		"fidelity.sh -m '$DATA/models/aaron_sheep-small.skm' $opt -o '$TMP/f.strk' \
		 '$TMP/sheep.strk' > /dev/null &&
		 encode -m '$DATA/models/aaron_sheep-small.skm' '$TMP/sheep.strk' |
		 decode $opt -m '$DATA/models/aaron_sheep-small.skm' | cmp - '$TMP/f.strk'"
done
t_bad "fidelity.sh -M without -t" "usage" \
	fidelity.sh -M -m "$DATA/models/aaron_sheep-small.skm" "$TMP/sheep.strk"
t_done
