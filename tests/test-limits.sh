#!/bin/sh
# Limits: every size a format's reader takes from its input, at its absurd
# extreme (a count of 2^31 or 2^32 - 1, a 64 MiB line or field, a file of
# 3 GiB, a zip member that claims more than its archive can hold), is
# refused with the limit its manual page states (the LIMITS sections of
# stroke(5), batch(5), latent(5), model(5), sketchjs(5), ndjson2stroke(1),
# npz2stroke(1) and bin2stroke(1)), at once and without asking for the
# memory the size names: in the plain build every case runs under a
# 256 MiB address-space limit.  The sanitizer builds reserve terabytes of
# address space for their shadow memory, so there the limit is left out.
# The ordinary cases near each limit are in the format's own test.
. "$(dirname "$0")/lib.sh"

VLIM=262144
case "${SKETCHRNN_BUILD:-build}" in *-san) VLIM= ;; esac

# lim CMD...: CMD under the address-space limit and a 60 s timeout.
lim() {
	if [ -n "$VLIM" ]; then
		(ulimit -v "$VLIM" && exec timeout 60 "$@")
	else
		timeout 60 "$@"
	fi
}
patch() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
# zeros N CHAR: N bytes of CHAR.
zeros() { head -c "$1" /dev/zero | tr '\0' "$2"; }
MIB64=$((64 * 1024 * 1024))

# --- stroke(5) ---
SH='STRK\001\000\000\000\000\000\200\077'
rec() { printf "${SH}D\001k\001wUS\001$1"; }
rec '\000\000\000\200' > "$TMP/s"
t_bad "stroke(5): 2^31 points" "s:record 1: absurd point count \(limit 100000\)" lim stroke2txt "$TMP/s"
rec '\377\377\377\377' > "$TMP/s"
t_bad "stroke(5): 2^32-1 points" "s:record 1: absurd point count \(limit 100000\)" lim stroke2txt "$TMP/s"
printf 'STRK\001\000\001\000\312\362\111\161' > "$TMP/s"
t_bad "stroke(5): scale factor 1e30" "scale factor is not a positive finite number" lim stroke2txt "$TMP/s"
printf "${SH}E\377\377\377\377\377\377\377\377" > "$TMP/s"
t_bad "stroke(5): end marker counting 2^64-1 records" "different number of records" lim stroke2txt "$TMP/s"

# --- batch(5) ---
# bh B N_MAX COUNT: a batch header.
bh() {
	printf 'SKB5\001\000\000\000\000\000\000\000'
	printf "$1$2\000\000\200\077"
	zeros 16 '\0'
	printf "$3\000\000\000\000"
}
ONE='\001\000\000\000'
bh '\000\000\000\200' "$ONE" "$ONE" > "$TMP/b"
t_bad "batch(5): B 2^31" "b:batch 1: batch size out of range \(1 to 100000\)" lim batch -d "$TMP/b"
bh "$ONE" '\377\377\377\377' "$ONE" > "$TMP/b"
t_bad "batch(5): N_max 2^32-1" "b:batch 1: N_max out of range \(1 to 100000\)" lim batch -d "$TMP/b"
bh '\240\206\001\000' '\240\206\001\000' "$ONE" > "$TMP/b"
t_bad "batch(5): B 100000 of N_max 100000" "b:batch 1: batch too large \(over 2\^28 floats\)" lim batch -d "$TMP/b"
# a whole batch of one sketch of two rows, but its length 2^32-1
rows() {
	printf '\000\000\000\000\000\000\000\000\000\000\200\077\000\000\000\000\000\000\000\000'
	printf '\000\000\200\077\000\000\200\077\000\000\000\000\000\000\200\077\000\000\000\000'
	printf '\000\000\200\077\000\000\200\077\000\000\000\000\000\000\200\077\000\000\000\000'
}
{ bh "$ONE" '\002\000\000\000' "$ONE"; printf '\377\377\377\377\000\000\000\000'; rows; } > "$TMP/b"
t_bad "batch(5): a sketch of 2^32-1 rows" "b:batch 1: sketch 0.*length out of range \(1 to N_max\)" lim batch -d "$TMP/b"
{ bh "$ONE" '\002\000\000\000' "$ONE"; printf '\002\000\000\000\377\377\377\377'; rows; } > "$TMP/b"
t_bad "batch(5): drawing index 2^32-1 of 1" "b:batch 1: sketch 0.*not below the split's count" lim batch -d "$TMP/b"

# --- latent(5) ---
printf 'LTNT\001\000\000\000\000\000\000\200' > "$TMP/z"
t_bad "latent(5): dimension 2^31" "z: stream header: dimension 2147483648 is not from 1 to 4096" lim lerp -w 1 "$TMP/z"
{ printf 'key_id,word'; i=0; while [ $i -lt 4097 ]; do printf ',z%d' $i; i=$((i + 1)); done; echo; } > "$TMP/z.csv"
t_bad "latent(5) CSV: 4097 values" "z.csv:line 1: more than 4098 columns" lim lerp -w 1 "$TMP/z.csv"
{ echo 'key_id,word,z0'; printf 'a,'; zeros $MIB64 x; echo ',1'; } > "$TMP/z.csv"
t_bad "latent(5) CSV: a 64 MiB field" "z.csv:line 2: field longer than 1024 bytes" lim lerp -w 1 "$TMP/z.csv"
{ echo 'key_id,word,z0'; printf 'a,b'; zeros $((MIB64 / 2)) '\n' | sed 's/^/,1/' | tr -d '\n'; echo; } > "$TMP/z.csv"
t_bad "latent(5) CSV: a 64 MiB row of 2^25 values" "z.csv:line 2: more than 4098 columns" lim lerp -w 1 "$TMP/z.csv"

# --- model(5): the small sheep model, one field made absurd ---
M=$DATA/models/aaron_sheep-small.skm
# mbad DESC OFFSET BYTES REGEX
mbad() {
	cp "$M" "$TMP/m.skm" && patch "$TMP/m.skm" "$2" "$3"
	t_bad "model(5): $1" "$4" lim decode -m "$TMP/m.skm" -n 1
}
W31='\000\000\000\200'
mbad "H 2^32-1" 12 '\377\377\377\377' "m.skm: 4294967295 hyperparameters \(version 1 has 23\)"
mbad "enc_rnn_size 2^31" 28 "$W31" "m.skm: hyperparameter enc_rnn_size out of range"
mbad "dec_rnn_size 2^32-1" 32 '\377\377\377\377' "m.skm: hyperparameter dec_rnn_size out of range"
mbad "z_size 2^31" 36 "$W31" "m.skm: hyperparameter z_size out of range"
mbad "num_mixture 2^31" 40 "$W31" "m.skm: hyperparameter num_mixture out of range"
mbad "batch_size 2^31" 44 "$W31" "m.skm: hyperparameter batch_size out of range"
mbad "N_max 2^31" 164 "$W31" "m.skm: N_max out of range \(1 to 100000\)"
mbad "2^31 tensors" 168 "$W31" "m.skm: too many tensors"
mbad "P 2^40" 172 '\000\000\000\000\000\001\000\000' "m.skm: 1099511627776 parameters stored, the hyperparameters give 571899"
cp "$M" "$TMP/m.skm" && patch "$TMP/m.skm" 28 '\000\020\000\000' && patch "$TMP/m.skm" 32 '\000\040\000\000'
t_bad "model(5): sizes within their limits, more than 2^28 parameters" "m.skm: the hyperparameters give more than 2\^28 parameters" lim decode -m "$TMP/m.skm" -n 1
cp "$M" "$TMP/m.skm" && truncate -s 3G "$TMP/m.skm"
t_bad "model(5): 3 GiB of trailing bytes" "m.skm: 3221225472 bytes, a model of this shape has 2288720 \(trailing bytes\)" lim decode -m "$TMP/m.skm" -n 1
rm -f "$TMP/m.skm"

# --- sketchjs(5) ---
INFO='{"mode":2,"version":6,"max_seq_len":156,"name":"x","scale_factor":1}'
printf '[' > "$TMP/j.json" && truncate -s 600M "$TMP/j.json"
t_bad "sketchjs(5): a 600 MiB file" "j.json: larger than 536870912 bytes" lim decode -m "$TMP/j.json" -n 1
rm -f "$TMP/j.json"
printf '[%s,[[2147483648,2147483648],[123],[5,2048],[512,2048],[2048]],[]]' "$INFO" > "$TMP/j.json"
t_bad "sketchjs(5): a shape of 2^31 by 2^31" "j.json: shape 0 \(out_w\): dimension 2147483648 outside 1..1000000" lim decode -m "$TMP/j.json" -n 1
printf '[%s,[[512,123],[123],[5,2048],[512,2048],[2048]],[]]' "$(echo "$INFO" | sed 's/156/4294967296/')" > "$TMP/j.json"
t_bad "sketchjs(5): max_seq_len 2^32" "j.json: info: max_seq_len 4294967296 outside 1..100000" lim decode -m "$TMP/j.json" -n 1

# --- ndjson2stroke(1) ---
LINE='{"key_id":"1","word":"cat","drawing":[[[1,2],[3,4]]]}'
{ echo "$LINE"; printf '{"key_id":"1","word":"cat","x":"'; zeros $((MIB64 + 1)) x; echo '"}'; } > "$TMP/n.ndjson"
t_bad "ndjson: a line over 64 MiB (a file)" "n.ndjson:line 2: line longer than 64 MiB" lim ndjson2stroke "$TMP/n.ndjson"
t_bad "ndjson: a line over 64 MiB (a pipe)" "<stdin>:line 2: line longer than 64 MiB" sh -c "cat '$TMP/n.ndjson' | { ulimit -v ${VLIM:-unlimited}; ndjson2stroke; }"
rm -f "$TMP/n.ndjson"
{ printf '{"key_id":"'; zeros 256 1; printf '","word":"cat","drawing":[[[1],[2]]]}\n'; } > "$TMP/n.ndjson"
t_bad "ndjson: a key_id of 256 digits" "n.ndjson:line 1: col 269: key_id: field longer than 255 bytes" lim ndjson2stroke "$TMP/n.ndjson"
{ printf '{"key_id":"1","word":"cat","drawing":[[['; zeros 100000 '\n' | sed 's/^/1,/' | tr -d '\n'
  printf '1],['; zeros 100000 '\n' | sed 's/^/2,/' | tr -d '\n'; printf '2]]]}\n'; } > "$TMP/n.ndjson"
t_bad "ndjson: a stroke of 100001 points" "n.ndjson:line 1: col [0-9]*: drawing: stroke 1: too many points \(limit 100000\)" lim ndjson2stroke "$TMP/n.ndjson"
echo '{"key_id":"1","word":"cat","drawing":[[[1e300],[2]]]}' > "$TMP/n.ndjson"
t_bad "ndjson: a coordinate of 1e300" "n.ndjson:line 1: col [0-9]*: drawing: stroke 1: coordinate is not a number within 1e6" lim ndjson2stroke "$TMP/n.ndjson"

# --- npz2stroke(1) ---
truncate -s 3G "$TMP/big.npz"
t_bad "npz: a 3 GiB file" "big.npz: file larger than 2147483648 bytes" lim npz2stroke "$TMP/big.npz"
rm -f "$TMP/big.npz"
A=$TOP/tests/npz/tiny-p4.npz
cp "$A" "$TMP/z.npz"; patch "$TMP/z.npz" $((810 + 24)) '\376\377\377\377'
t_bad "npz: a member claiming 4 GiB - 2 inflated" "train.npy: (member too large|impossible for its compressed size)" lim npz2stroke "$TMP/z.npz"
cp "$A" "$TMP/z.npz"; patch "$TMP/z.npz" 984 '\376\377'
t_bad "npz: 65534 directory entries" "cannot fit a directory" lim npz2stroke "$TMP/z.npz"
printf '\223NUMPY\002\000\377\377\377\177{' > "$TMP/h.npy"
t_bad "npz: an .npy header of 2^31-1 bytes" "absurd .npy header length" lim npz2stroke "$TMP/h.npy"
: | npyh "$TMP/h.npy" "{'descr': '<i2', 'fortran_order': False, 'shape': (4611686018427387904, 3), }"
t_bad "npz: an array of 2^62 rows" "absurd array shape|array data is" lim npz2stroke "$TMP/h.npy"
# 8388609 objects (None) in one list: refused at the limit, whose objects
# the manual page says take up to 520 MiB: here the limit is 1 GiB.
{ printf '\200\002](' && zeros 8388609 N && printf 'e.'; } |
	npyh "$TMP/h.npy" "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
[ -n "$VLIM" ] && VLIM=1048576
t_bad "npz: a pickle of 8388609 objects" "h.npy: pickle at byte [0-9]*: more than 8388608 objects" lim npz2stroke "$TMP/h.npy"
[ -n "$VLIM" ] && VLIM=262144

# --- bin2stroke(1): the points of a drawing's strokes (u16 each) ---
# one drawing of two strokes of 65535 points
{ printf '12345678cc\000\000\000\000\000\002\000\377\377'; zeros $((65535 * 2)) '\1'
  printf '\377\377'; zeros $((65535 * 2)) '\1'; } > "$TMP/x.bin"
t_bad "bin: 131070 points in one drawing" "x.bin:record 1: stroke 2: too many points \(limit 100000\)" lim bin2stroke -w x "$TMP/x.bin"

t_done
