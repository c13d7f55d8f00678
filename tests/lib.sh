# tests/lib.sh: sourced by every tests/*.sh.  Prints TAP-style lines
# ("ok - what" / "not ok - what") that tests/run.sh counts.
#
# Provides: $TMP (a scratch directory, removed at exit), $DATA (the bundled
# data/; tests read nothing outside the repository) and these checks:
#   t_ok DESC CMD...            CMD exits 0
#   t_bad DESC REGEX CMD...     CMD exits 1, prints nothing on stdout and a
#                               message matching REGEX on stderr
#   t_eq DESC EXPECTED ACTUAL   two strings are equal
#   t_cmp DESC FILE1 FILE2      two files are byte-identical
#   t_true DESC EXPR            a shell test expression holds ([ EXPR ])
#   serve DIR                   DIR over HTTP on localhost (sets PORT)
#   npyh FILE HEADER            an .npy file of that header, then stdin
#   sheep_splits                short aaron_sheep drawings, normalised, in
#                               $TMP/train, $TMP/valid, $TMP/test; TINY
# and near A B (for t_ok): two stroke streams hold the same drawings, offsets
# within 1e-4.
# Every check reaches the exit status: a script with a failure exits 1.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
DATA=$TOP/data
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sketchrnn-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
T_FAILED=0

t_pass() { printf 'ok - %s\n' "$1"; }
t_fail() { printf 'not ok - %s\n' "$1"; T_FAILED=1; }

t_ok() {
	desc=$1; shift
	"$@" > "$TMP/t.out" 2> "$TMP/t.err"
	st=$?
	if [ $st -eq 0 ]; then
		t_pass "$desc"
	else
		t_fail "$desc"
		echo "# exit $st from: $*"; sed 's/^/# /' "$TMP/t.err" | head -5
	fi
}

t_bad() {
	desc=$1; re=$2; shift 2
	"$@" > "$TMP/t.out" 2> "$TMP/t.err"
	st=$?
	if [ $st -eq 1 ] && [ ! -s "$TMP/t.out" ] && grep -Eq -- "$re" "$TMP/t.err"
	then
		t_pass "$desc"
	else
		t_fail "$desc"
		echo "# want exit 1, empty stdout, stderr ~ /$re/"
		echo "# got exit $st, stdout $(wc -c < "$TMP/t.out") bytes, stderr:"
		sed 's/^/#   /' "$TMP/t.err" | head -5
	fi
}

t_eq() {
	if [ "$2" = "$3" ]; then
		t_pass "$1"
	else
		t_fail "$1"; echo "# want: $2"; echo "# got:  $3"
	fi
}

t_cmp() {
	if cmp -s "$2" "$3"; then t_pass "$1"; else t_fail "$1"; echo "# $2 and $3 differ"; fi
}

t_true() {
	desc=$1; shift
	if [ "$@" ]; then t_pass "$desc"; else t_fail "$desc"; echo "# false: [ $* ]"; fi
}

# near A B: the same drawings (every record's points, pens and metadata),
# offsets equal but for the rounding of the matrix products (within 1e-4
# plus 1e-4 of their size): OpenBLAS sums in another order for another
# batch size or thread count (sgemv at one row), and over a hundred steps of
# a drawing sampled at temperature 1 those differences grow to about 1e-4
# of the offsets.
near() {
	[ "$(stroke2txt -s "$1" | cksum)" = "$(stroke2txt -s "$2" | cksum)" ] &&
	stroke2txt "$1" > "$TMP/near.1" && stroke2txt "$2" > "$TMP/near.2" &&
	paste -d' ' "$TMP/near.1" "$TMP/near.2" |
		awk 'function abs(v) { return v < 0 ? -v : v }
			function far(a, b) { return abs(a - b) > 1e-4 + 1e-4 * abs(b) }
			!/drawing|stroke/ { if (far($1, $4) || far($2, $5) || $3 != $6) n++ }
			END { exit n > 0 }'
}

t_done() { exit $T_FAILED; }

# sheep_splits: the aaron_sheep drawings of at most 60 points, normalised,
# in $TMP/train, $TMP/valid and $TMP/test, and TINY, the hyperparameters
# of a tiny model (for short training runs).
sheep_splits() {
	TINY=enc_rnn_size=8,dec_rnn_size=16,z_size=4,num_mixture=3,batch_size=10
	for s in train valid test; do
		npz2stroke -s $s "$DATA/sketchrnn/aaron_sheep.npz" \
			> "$TMP/raw.$s" || t_fail "npz2stroke -s $s"
	done
	normalize -m 60 "$TMP/raw.train" > "$TMP/train"
	normalize -m 60 -F "$TMP/train" "$TMP/raw.valid" > "$TMP/valid"
	normalize -m 60 -F "$TMP/train" "$TMP/raw.test" > "$TMP/test"
}

# npyh FILE HEADER: an .npy file (version 1.0) of the header text HEADER,
# then stdin.
npyh() {
	h=$2
	n=$((${#h} + 1))
	{ printf '\223NUMPY\001\000'
	  printf "\\$(printf %03o $((n % 256)))\\$(printf %03o $((n / 256)))"
	  printf '%s\n' "$h"; cat; } > "$1"
}

# serve DIR: DIR over HTTP on a free localhost port (python3's
# http.server, stopped at exit); sets PORT, empty when it did not start.
serve() {
	python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$1" \
		> "$TMP/server.log" 2>&1 &
	SERVER=$!
	trap 'kill "$SERVER" 2> /dev/null; rm -rf "$TMP"' EXIT
	PORT=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\) .*/\1/p' "$TMP/server.log")
		[ -n "$PORT" ] && break
		sleep 0.5
	done
}
