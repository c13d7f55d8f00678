#!/bin/sh
# npz2stroke and stroke2npz: the three published sketch-rnn datasets convert
# exactly (cksums of the stroke2txt text, written by tests/npz/reference.py
# with numpy), the Python 3 pickle protocols, bare .npy arrays, the round
# trip npz -> stroke -> npz -> stroke, and corrupt or hostile input.
. "$(dirname "$0")/lib.sh"

N=$TOP/tests/npz
NPZDIR=$DATA/sketchrnn

# patch FILE OFFSET OCTAL-BYTES: overwrite bytes in place.
patch() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
# npy FILE DESCR SHAPE: write an .npy header, then append stdin.
npy() { npyh "$1" "{'descr': '$2', 'fortran_order': False, 'shape': $3, }"; }
# npyh FILE HEADER: the same with the whole header text given (lib.sh).

# --- exactness against numpy ---
sums=$N/cksums.txt
grep -v '^#' "$sums" | while read -r name split count sum bytes; do
	npz2stroke -s "$split" "$NPZDIR/$name.npz" | stroke2txt > "$TMP/txt"
	got=$(cksum < "$TMP/txt")
	n=$(grep -c '^drawing' "$TMP/txt")
	t_eq "$name $split: $count drawings" "$count" "$n"
	t_eq "$name $split: every point equals numpy's" "$sum $bytes" "$got"
done
set -- $(grep '^aaron_sheep train' "$sums")
t_eq "bundled aaron_sheep.npz train equals numpy's" "$4 $5" \
	"$(npz2stroke -s train "$DATA/sketchrnn/aaron_sheep.npz" | stroke2txt | cksum)"
t_eq "no -s: train, valid, test in order" \
	"$(for s in train valid test; do npz2stroke -s $s "$DATA/sketchrnn/aaron_sheep.npz" | stroke2txt | sed 1d; done | cksum)" \
	"$(npz2stroke "$DATA/sketchrnn/aaron_sheep.npz" | stroke2txt | sed 1d | cksum)"
t_eq "stdin with -n gives the same stream" \
	"$(npz2stroke "$DATA/sketchrnn/aaron_sheep.npz" | cksum)" \
	"$(npz2stroke -n aaron_sheep < "$DATA/sketchrnn/aaron_sheep.npz" | cksum)"

# --- files written from Python 3 (tests/npz/make-tiny.py) ---
for p in p2 p3 p4 p5; do
	npz2stroke -n tiny "$N/tiny-$p.npz" | stroke2txt > "$TMP/tiny.txt"
	t_cmp "tiny-$p.npz (pickle protocol ${p#p}) reads as numpy does" "$N/tiny.txt" "$TMP/tiny.txt"
done
npz2stroke -n tiny "$N/tiny-p5-60.npz" | stroke2txt > "$TMP/tiny.txt"
t_cmp "tiny-p5-60.npz (protocol 5, 60 drawings, deflated) reads as numpy does" "$N/tiny-p5-60.txt" "$TMP/tiny.txt"
want=$(sed -n '/tiny:train:1 /,/tiny:train:2 /p' "$N/tiny.txt" | sed '1d;$d')
t_eq "plain int16 .npy: one drawing" "$want" "$(npz2stroke "$N/tiny.npy" | stroke2txt | sed 1,2d)"
t_eq "big-endian float64 Fortran-order .npy" "$want" \
	"$(npz2stroke "$N/tiny-f8be.npy" | stroke2txt | sed 1,2d)"
t_eq ".npy key_id is NAME:INDEX" 'drawing key_id=tiny:0 word="tiny" country=- recognized=2 points=4' \
	"$(npz2stroke "$N/tiny.npy" | stroke2txt | sed -n 2p)"
t_eq "an empty split gives no records" "stroke version=1 normalized=0 scale=1" \
	"$(npz2stroke -s valid "$N/tiny-p3.npz" | stroke2txt)"

# --- round trips ---
npz2stroke "$DATA/sketchrnn/aaron_sheep.npz" > "$TMP/s1"
stroke2npz < "$TMP/s1" > "$TMP/a.npz"
npz2stroke -n aaron_sheep "$TMP/a.npz" > "$TMP/s2"
t_cmp "aaron_sheep npz -> stroke -> npz (stored) -> stroke is identical" "$TMP/s1" "$TMP/s2"
stroke2npz -z "$TMP/s1" > "$TMP/az.npz"
npz2stroke -n aaron_sheep "$TMP/az.npz" > "$TMP/s3"
t_cmp "... and through a deflated npz" "$TMP/s1" "$TMP/s3"
t_true "-z compresses (stored $(wc -c < "$TMP/a.npz"), deflated $(wc -c < "$TMP/az.npz"))" \
	"$(wc -c < "$TMP/az.npz")" -lt "$(wc -c < "$TMP/a.npz")"
for p in p2 p3 p4 p5; do
	npz2stroke -n tiny "$N/tiny-$p.npz" > "$TMP/t1"
	stroke2npz "$TMP/t1" | npz2stroke -n tiny > "$TMP/t2"
	t_cmp "tiny-$p round trip (int16 extremes, an empty split)" "$TMP/t1" "$TMP/t2"
done
npz2stroke -s test "$DATA/sketchrnn/aaron_sheep.npz" | stroke2npz -s valid > "$TMP/v.npz"
t_eq "-s valid puts every record in valid" "0 300 0" \
	"$(for s in train valid test; do npz2stroke -s $s "$TMP/v.npz" | stroke2txt -s | grep -c '^drawing'; done | xargs)"
t_eq "... keeping their order" \
	"$(npz2stroke -s test "$DATA/sketchrnn/aaron_sheep.npz" | stroke2txt | sed 1d | sed 's/key_id=[^ ]*//')" \
	"$(npz2stroke -n aaron_sheep -s valid "$TMP/v.npz" | stroke2txt | sed 1d | sed 's/key_id=[^ ]*//')"

# --- stroke2npz refusals ---
cp "$TMP/t1" "$TMP/half"
patch "$TMP/half" 38 '\000\000\000\077' # first dx = 0.5
t_bad "non-integer offset" "record 1: point 1: offset is not an integer" stroke2npz "$TMP/half"
t_eq "-r rounds it (0.5 to even: 0)" "0 2 0" \
	"$(stroke2npz -r "$TMP/half" | npz2stroke | stroke2txt | sed -n 3p)"
cp "$TMP/t1" "$TMP/big"
patch "$TMP/big" 38 '\000\000\000\107' # first dx = 32768
t_bad "offset outside int16" "does not fit in int16" stroke2npz "$TMP/big"
cp "$TMP/t1" "$TMP/norm"
patch "$TMP/norm" 6 '\001\000\000\000\000\100' # normalised, scale 2
t_bad "normalised stream" "stream is normalised" stroke2npz "$TMP/norm"
npz2stroke "$N/tiny.npy" > "$TMP/nolabel"
t_bad "key_id without a split" "names no train, valid or test split" stroke2npz "$TMP/nolabel"
t_ok "... unless -s says where" stroke2npz -s train "$TMP/nolabel"
t_bad "-s nonsense" "-s: bad split" stroke2npz -s nope "$TMP/nolabel"
t_bad "not a stroke stream" "not a stroke stream" stroke2npz "$N/tiny.npy"
head -c 5000 "$TMP/s1" > "$TMP/cut"
t_bad "truncated stroke stream" "cut:record [0-9]+: truncated" stroke2npz "$TMP/cut"
t_bad "unknown option" "usage: stroke2npz" stroke2npz -q

# --- npz2stroke: calls and archives ---
A=$N/tiny-p4.npz
t_bad "unknown option" "usage: npz2stroke \[-n name\] \[-s split\] \[file ...\]" npz2stroke -h
t_bad "missing file" "nothere.npz: No such file" npz2stroke nothere.npz
t_bad "missing member" "tiny-p4.npz: no member 'nope.npy'" npz2stroke -s nope "$A"
t_bad "empty input" "empty input" npz2stroke < /dev/null
t_bad "not a zip" "not a zip \(.npz\) or .npy file" npz2stroke "$N/tiny.txt"
# every 8th offset, and every one of the last 70 bytes (the directory)
bad=0
size=$(wc -c < "$A")
i=1
tried=0
while [ $i -lt "$size" ]; do
	if [ $((i % 8)) -ne 0 ] && [ $i -lt $((size - 70)) ]; then
		i=$((i + 1)); continue
	fi
	tried=$((tried + 1))
	head -c $i "$A" > "$TMP/cut"
	npz2stroke "$TMP/cut" > "$TMP/o" 2> "$TMP/e"
	st=$?
	if [ $st -ne 1 ] || [ -s "$TMP/o" ] || ! grep -q 'tmp.*cut' "$TMP/e"; then
		bad=$((bad + 1)); echo "# cut at $i: exit $st"
	fi
	i=$((i + 1))
done
t_eq "truncated at $tried offsets of $size: exit 1, a message, nothing on stdout" 0 "$bad"
{ head -c 700 "$N/tiny-p2.npz"; tail -c 600 "$N/tiny-p2.npz"; } > "$TMP/cut"
t_bad "archive with 326 bytes cut out of its middle" "cut: zip: central directory lies outside" npz2stroke "$TMP/cut"

cp "$A" "$TMP/z"; patch "$TMP/z" 810 'XX'
t_bad "bad central directory signature" "bad central directory entry at byte 810" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" 314 'XX'
t_bad "bad local header signature" "tiny-p4.npz\?:valid.npy: bad local header|z:valid.npy: bad local header" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" 974 'XX'
t_bad "bad end record signature" "no end of central directory record" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" 990 '\377\377\377\177'
t_bad "central directory offset past the end" "central directory lies outside the file" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" 984 '\376\377'
t_bad "absurd entry count" "cannot fit a directory" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" $((810 + 20)) '\377\377\377\000'
t_bad "member size past the end (truncated member)" "train.npy: member data runs past the end" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" $((810 + 24)) '\377\377\377\077'
t_bad "absurd inflated size" "train.npy: member too large|impossible for its compressed size" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" $((810 + 24)) '\000\001'
t_bad "inflated size larger than stated" "train.npy: inflates to more than its stated size" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" 100 '\377\377\377\377\377\377'
t_bad "corrupt deflate data" "train.npy: (corrupt deflate data|CRC mismatch|inflates)" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" $((810 + 20)) '\310\000'
t_bad "deflate stream cut short (compressed size 200 of 275)" "train.npy: truncated deflate data" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" $((810 + 16)) '\000\000\000\000'
t_bad "bad CRC (deflated member)" "train.npy: CRC mismatch" npz2stroke "$TMP/z"
S=$N/tiny-p2.npz
cp "$S" "$TMP/z"; patch "$TMP/z" 300 'Z'
t_bad "bad CRC (stored member)" "train.npy: CRC mismatch" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" $((810 + 10)) '\014'
t_bad "unknown compression method" "not stored or deflated" npz2stroke "$TMP/z"
cp "$A" "$TMP/z"; patch "$TMP/z" $((810 + 8)) '\001'
t_bad "encrypted member" "encrypted members are not supported" npz2stroke "$TMP/z"

# --- .npy headers ---
printf '\223NUMPY\001\000\020\000{}              ' > "$TMP/h"
t_bad "header without a newline" "header does not end with a newline" npz2stroke "$TMP/h"
printf '\223NUMPY\011\000\002\000{\n' > "$TMP/h"
t_bad "unknown .npy version" "unsupported .npy version" npz2stroke "$TMP/h"
printf '\223NUMPY\001\000\377\377{' > "$TMP/h"
t_bad "header longer than the file" "truncated .npy header" npz2stroke "$TMP/h"
printf '\223NUMPY\002\000\377\377\377\177{' > "$TMP/h"
t_bad "absurd header length" "absurd .npy header length" npz2stroke "$TMP/h"
: | npy "$TMP/h" '<c16' '(1, 3)'
t_bad "complex dtype" "unsupported element type" npz2stroke "$TMP/h"
: | npy "$TMP/h" '<i2' '(1, 2)'
t_bad "data shorter than the shape says" "array data is 0 bytes, its header says 4" npz2stroke "$TMP/h"
printf '\001\000\002\000' | npy "$TMP/h" '<i2' '(1, 2)'
t_bad "wrong shape [1,2]" "h:index 0: array is not \[n,3\]" npz2stroke "$TMP/h"
printf '\001\000\002\000\002\000' | npy "$TMP/h" '<i2' '(1, 3)'
t_bad "pen value 2" "pen value is not 0 or 1" npz2stroke "$TMP/h"
: | npy "$TMP/h" '<i2' '(0, 3)'
t_bad "empty drawing" "empty drawing" npz2stroke "$TMP/h"
: | npy "$TMP/h" '<i2' '(99999999999, 99999999999)'
t_bad "absurd shape" "absurd array shape|array data is" npz2stroke "$TMP/h"
: | npy "$TMP/h" '<i2' '(1, 2, 3)'
t_bad "three dimensions" "more than 2 dimensions" npz2stroke "$TMP/h"
printf junk | npyh "$TMP/h" "{'descr': [('a', '<i2')], 'fortran_order': False, 'shape': (1,), }"
t_bad "header junk (structured dtype)" "bad key in header|structured arrays" npz2stroke "$TMP/h"

# --- hostile pickles (an object .npy around each) ---
pkf() { npy "$TMP/p" '|O' '(1,)' < "$3"; t_bad "$1" "$2" npz2stroke "$TMP/p"; }
pk() { desc=$1; re=$2; shift 2; printf "$@" > "$TMP/pk"; pkf "$desc" "$re" "$TMP/pk"; }
pk "BINSTRING with a 2 GiB length" "runs past the end of the data" '\200\002T\377\377\377\177abc'
pk "BINBYTES8 with a 2^64 length" "runs past the end of the data" '\200\004\216\377\377\377\377\377\377\377\377'
pk "FRAME longer than the data" "frame runs past the end" '\200\004\225\000\000\000\000\001\000\000\000.'
pk "unknown opcode (text INT)" "pickle at byte 2: unsupported pickle opcode 0x49" '\200\002I1\n.'
pk "unknown global" "unsupported global os.system" '\200\002cos\nsystem\n.'
pk "out-of-band buffer" "out-of-band buffers" '\200\005\227.'
pk "protocol 9" "pickle protocol 9" '\200\011.'
pk "memo index never defined" "memo index 5 not defined" '\200\002h\005.'
pk "memo index far out of range" "memo index 4294967295 out of range" '\200\002Nr\377\377\377\377.'
pk "stack underflow" "stack underflow" '\200\002\205.'
pk "APPENDS without a mark" "no mark on the stack" '\200\002]e.'
pk "no STOP" "truncated pickle \(no STOP\)" '\200\002N'
pk "STOP with junk left" "STOP with 2 objects" '\200\002NN.'
pk "a bare integer" "not a 1-D object array" '\200\002K\001.'
pk "REDUCE on a non-callable" "REDUCE needs a known callable" '\200\002N)R.'
{ head -c 300000 /dev/zero | tr '\0' '('; printf '.'; } > "$TMP/deep"
pkf "300000 nested marks" "STOP with 0 objects" "$TMP/deep"
{ printf '\200\002)'; head -c 300000 /dev/zero | tr '\0' '\205'; printf '.'; } > "$TMP/deep"
pkf "300000 nested tuples" "not a 1-D object array" "$TMP/deep"
{ printf '\200\002]'; head -c 300000 /dev/zero | tr '\0' ']'; head -c 300000 /dev/zero | tr '\0' 'a'; printf '.'; } > "$TMP/deep"
pkf "300000 nested lists" "not a 1-D object array" "$TMP/deep"
head -c 8400000 /dev/zero | tr '\0' 'N' > "$TMP/many"
pkf "more objects than the limit" "more than 8388608 objects" "$TMP/many"

# A hand-written protocol-2 pickle of one drawing (the published files'
# opcodes), then edited: wrong element count, wrong element shape.
# mk COUNT ROWS: COUNT in the object array's shape, ROWS in the element's.
mk() {
	printf '\200\002cnumpy.core.multiarray\n_reconstruct\nq\001cnumpy\nndarray\nq\002K\000\205U\001b\207Rq\003(K\001K'
	printf "\\$(printf %03o "$1")"
	printf '\205cnumpy\ndtype\nq\004U\002O8K\000K\001\207R(K\003U\001|NNNJ\377\377\377\377J\377\377\377\377K?tb\211](h\001h\002K\000\205U\001b\207R(K\001K'
	printf "\\$(printf %03o "$2")"
	printf 'K\003\206h\004U\002i2K\000K\001\207R(K\003U\001<NNNJ\377\377\377\377J\377\377\377\377K\000tb\211U\006\001\000\002\000\001\000tbetb.'
}
mk 1 1 > "$TMP/ok"
npy "$TMP/p" '|O' '(1,)' < "$TMP/ok"
t_eq "a hand-written protocol-2 pickle of one drawing reads" "1 2 1" \
	"$(npz2stroke "$TMP/p" | stroke2txt | sed -n 3p)"
mk 2 1 > "$TMP/pk"
pkf "object array shape says 2, list holds 1" "holds 1 items, its shape says 2" "$TMP/pk"
mk 1 2 > "$TMP/pk"
pkf "element data shorter than its shape" "array data is 6 bytes, its shape says 6 elements" "$TMP/pk"

# the man pages' examples
t_eq "npz2stroke(1) example: 7400 training sheep" 7400 \
	"$(npz2stroke "$DATA/sketchrnn/aaron_sheep.npz" | stroke2txt -s | grep -c 'aaron_sheep:train:')"
npz2stroke -s train "$DATA/sketchrnn/aaron_sheep.npz" | normalize > "$TMP/train.strk"
t_eq "npz2stroke(1) example: normalised training set" "stroke version=1 normalized=1 scale=18.5198269" \
	"$(stroke2txt "$TMP/train.strk" | head -1)"
t_eq "npz2stroke(1) example: valid cksum" "3084822341 307502" \
	"$(npz2stroke -s valid "$DATA/sketchrnn/aaron_sheep.npz" | stroke2txt | cksum)"
(cd "$TMP" && npz2stroke "$DATA/sketchrnn/aaron_sheep.npz" > a.strk &&
	stroke2npz -z a.strk > copy.npz && npz2stroke -n aaron_sheep copy.npz | cmp - a.strk)
t_true "stroke2npz(1) example: round trip with cmp" $? -eq 0
t_eq "stroke2npz(1) example: test split as valid" 300 \
	"$(npz2stroke -s test "$DATA/sketchrnn/aaron_sheep.npz" | stroke2npz -s valid > "$TMP/v.npz"; npz2stroke -s valid "$TMP/v.npz" | stroke2txt -s | grep -c '^drawing')"

# A pickle whose APPEND takes its list from under a MARK, then APPENDS:
# the items counted below zero, and the reader looped forever (found by
# tests/fuzz/npy_fuzz.c).  Wrapped in the header of a 1-D object array.
{
	printf '\223NUMPY\001\000\166\000'
	printf "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
	printf '%61s\n' ''
	cat "$TOP/tests/fuzz/corpus/npy/append-under-mark.pickle"
} > "$TMP/mark.npy"
t_bad "APPENDS under a pickle mark is refused, in time" "stack underflow" \
	timeout 60 npz2stroke "$TMP/mark.npy"

t_done
