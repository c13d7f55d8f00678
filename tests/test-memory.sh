#!/bin/sh
# Bounded memory: the streaming filters keep their peak RSS flat when the
# input grows tenfold (real drawings from data/, concatenated), and the
# filters that hold their input (normalize from a pipe, batch) stay within
# the bound their manual pages give.  Peak RSS is GNU time's %M (KiB).
# The sanitizer builds are skipped: their shadow memory and quarantine of
# freed blocks grow with the work done, not with what is held.
. "$(dirname "$0")/lib.sh"

case "${SKETCHRNN_BUILD:-build}" in
*-san)
	t_pass "peak memory # skip sanitizer build"
	t_done
	;;
esac
[ -x /usr/bin/time ] || { t_pass "peak memory # skip no /usr/bin/time"; t_done; }

Q=$DATA/quickdraw
VAE=$DATA/models/aaron_sheep-small.skm

# rss CMD...: the peak RSS of CMD (stdout discarded), in KiB; stdin is
# the caller's.
rss() {
	/usr/bin/time -o "$TMP/rss" -f %M "$@" > /dev/null 2> "$TMP/rss.err" ||
		{ echo "# $* failed:"; sed 's/^/#   /' "$TMP/rss.err" | head -3; }
	tail -n 1 "$TMP/rss"
}

# sized K CMD...: rss of CMD with every argument @IN@ made $TMP/$in.K.
sized() {
	k=$1; shift
	n=$#
	for a; do
		[ "$a" = @IN@ ] && a=$TMP/$in.$k
		set -- "$@" "$a"
	done
	shift $n
	rss "$@"
}

# flat DESC CMD...: CMD on $TMP/$in.1 and on $TMP/$in.10 (ten times as
# much): the larger run needs at most 2 MiB and a sixteenth more than the
# smaller.  A leak of 4 KiB per drawing fails every case (checked).
flat() {
	desc=$1; shift
	r1=$(sized 1 "$@")
	r10=$(sized 10 "$@")
	t_true "$desc: $r1 KiB, ten times the input $r10 KiB" \
		"${r10:-999999}" -lt $(( ${r1:-0} * 17 / 16 + 2048 ))
}

# --- inputs: 1x and 10x ---
awk 1 "$Q"/raw/*.ndjson "$Q"/extra/raw/*.ndjson > "$TMP/nd.1"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$TMP/nd.1"; done > "$TMP/nd.10"
ndjson2stroke "$TMP/nd.1" > "$TMP/raw.1"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$TMP/raw.1"; done > "$TMP/raw.10"
normalize "$TMP/raw.1" > "$TMP/norm.1"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$TMP/norm.1"; done > "$TMP/norm.10"
npz2stroke -s test "$DATA/sketchrnn/aaron_sheep.npz" | normalize > "$TMP/sheep.1"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$TMP/sheep.1"; done > "$TMP/sheep.10"
encode -b 20 -m "$VAE" "$TMP/sheep.1" > "$TMP/z.1"
encode -b 20 -m "$VAE" "$TMP/sheep.10" > "$TMP/z.10"
t_eq "ten times the drawings" \
	"$(( $(stroke2txt -s "$TMP/raw.1" | grep -c '^drawing') * 10 ))" \
	"$(stroke2txt -s "$TMP/raw.10" | grep -c '^drawing')"
echo "# inputs: $(wc -c < "$TMP/nd.10") bytes of ndjson, $(wc -c < "$TMP/raw.10") of strokes"

in=nd
flat "ndjson2stroke (a file)" ndjson2stroke @IN@
flat "ndjson2stroke -J" ndjson2stroke -J @IN@
in=raw
flat "rdp-simplify" rdp-simplify @IN@
flat "rdp-simplify -g" rdp-simplify -g @IN@
flat "normalize (a file)" normalize @IN@
flat "normalize -p (a file)" normalize -p @IN@
flat "normalize -F" normalize -F "$TMP/norm.1" @IN@
flat "stroke2txt" stroke2txt @IN@
flat "pick" pick -w cat @IN@
mkdir "$TMP/svg"
flat "stroke2svg -o" stroke2svg -o "$TMP/svg/%k.svg" @IN@
in=sheep
flat "encode" encode -b 20 -m "$VAE" @IN@
in=z
flat "decode" decode -m "$VAE" -l 10 @IN@
flat "decode (a pipe)" sh -c 'cat "$1" | decode -m "$2" -l 10' sh @IN@ "$VAE"

# --- what holds its input: the bounds of normalize(1) and batch(1) ---
# (about 550 bytes per drawing, twice that while the table grows, and 12
# per point, over what the program needs for a small input)
n=$(stroke2txt -s "$TMP/raw.10" | grep -c '^drawing')
p=$(stroke2txt -s "$TMP/raw.10" | awk -F'points=' '/^drawing/ { p += $2 } END { print p }')
bound=$(( (1100 * n + 12 * p) / 1024 ))
mkfifo "$TMP/fifo"
cat "$TMP/raw.1" > "$TMP/fifo" &
r1=$(rss normalize < "$TMP/fifo"); wait
cat "$TMP/raw.10" > "$TMP/fifo" &
r10=$(rss normalize < "$TMP/fifo"); wait
t_true "normalize from a pipe holds it: $r10 KiB for $n drawings of $p points (1x: $r1 KiB, bound + 1x: $((bound + r1)))" \
	"$r10" -lt $((bound + r1)) -a "$r10" -gt $((bound / 3))
cat "$TMP/norm.1" > "$TMP/fifo" &
r1=$(rss batch -m all -s train -b 10 -n 1 < "$TMP/fifo"); wait
cat "$TMP/norm.10" > "$TMP/fifo" &
r10=$(rss batch -m all -s train -b 10 -n 1 < "$TMP/fifo"); wait
t_true "batch holds the split: $r10 KiB for $n drawings of $p points (1x: $r1 KiB, bound + 1x: $((bound + r1)))" \
	"$r10" -lt $((bound + r1)) -a "$r10" -gt $((bound / 3))
t_done
