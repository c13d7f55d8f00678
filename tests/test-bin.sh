#!/bin/sh
# bin2stroke: Google's binary Quick, Draw! format.  The bundled record
# (data/quickdraw/binary/bed.simplified.bin) gives the stream ndjson2stroke
# makes of the same drawing written as simplified ndjson; words from file
# names; concatenated drawings and files; -n, -r, -c; every truncation of
# the file and each bad field, with the record named.
. "$(dirname "$0")/lib.sh"

F=$DATA/quickdraw/binary/bed.simplified.bin
HEADER='stroke version=1 normalized=0 scale=1'

# patch FILE OFFSET OCTAL-BYTES: overwrite bytes in place.
patch() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }
# fixture NAME: a fresh copy of the bundled record in $TMP.
fixture() { cp "$F" "$TMP/$1"; chmod u+w "$TMP/$1"; }
# records: the number of drawings in the stream on stdin.
records() { stroke2txt -s | grep -c '^drawing'; }

# The fixture decoded by hand (the README of the data gives the same
# drawing as line 1 of Google's simplified bed file): key_id
# 4897919444451328, US, recognized, 2017-01-24 22:38:33 UTC, 6 strokes.
BED='{"word":"bed","countrycode":"US","timestamp":"2017-01-24 22:38:33.58873 UTC","recognized":true,"key_id":"4897919444451328","drawing":[[[18,12,0,11,115,157,181,221,242,253,255],[0,8,62,64,66,63,67,65,77,63,19]],[[246,248],[76,138]],[[220,218,207],[67,113,116]],[[3,1],[57,105]],[[20,19],[62,96]],[[9,16,31,41,52],[26,24,32,46,71]]]}'
printf '%s\n' "$BED" > "$TMP/bed.ndjson"
printf '%s\n%s\n%s\n' "$BED" "$BED" "$BED" > "$TMP/bed3.ndjson"

# --- the bundled record ---
t_eq "fixture: 79 bytes" 79 "$(wc -c < "$F" | tr -d ' ')"
t_ok "fixture converts" bin2stroke "$F"
t_eq "fixture: the stream ndjson2stroke makes of the same drawing" \
	"$(ndjson2stroke "$TMP/bed.ndjson" | cksum)" "$(bin2stroke "$F" | cksum)"
t_eq "fixture: the same text through stroke2txt" \
	"$(ndjson2stroke "$TMP/bed.ndjson" | stroke2txt)" \
	"$(bin2stroke "$F" | stroke2txt)"
t_eq "fixture: metadata, word from the file name" \
	'drawing key_id=4897919444451328 word="bed" country=US recognized=1 points=25' \
	"$(bin2stroke "$F" | stroke2txt -s | sed -n 2p)"
t_eq "fixture: first point is an offset from the origin" "18 0 0" \
	"$(bin2stroke "$F" | stroke2txt | sed -n 3p)"
t_eq "fixture: absolute points and pen lifts of the last stroke" \
	"$(printf '9 26 0\n16 24 0\n31 32 0\n41 46 0\n52 71 1')" \
	"$(bin2stroke "$F" | stroke2txt -a | tail -5 | awk '{ print $1+0, $2+0, $3 }')"
fixture ts.bin
patch "$TMP/ts.bin" 11 '\377\377\377\377'
t_eq "the timestamp is dropped, as ndjson2stroke drops it" \
	"$(bin2stroke -w bed "$F" | cksum)" "$(bin2stroke -w bed "$TMP/ts.bin" | cksum)"

# --- the word ---
cp "$F" "$TMP/full_binary_bed.bin"
t_eq "full_binary_bed.bin: word bed" "$(bin2stroke "$F" | cksum)" \
	"$(bin2stroke "$TMP/full_binary_bed.bin" | cksum)"
cp "$F" "$TMP/full_binary_The Eiffel Tower.bin"
t_eq "Google's download name with spaces" 'word="The Eiffel Tower"' \
	"$(bin2stroke "$TMP/full_binary_The Eiffel Tower.bin" | stroke2txt -s | sed -n 2p | grep -o 'word="[^"]*"')"
cp "$F" "$TMP/The_Eiffel_Tower.bin"
t_eq "underscores in the file name are spaces" 'word="The Eiffel Tower"' \
	"$(bin2stroke "$TMP/The_Eiffel_Tower.bin" | stroke2txt -s | sed -n 2p | grep -o 'word="[^"]*"')"
t_eq "-w names the word" 'word="sheep"' \
	"$(bin2stroke -w sheep "$F" | stroke2txt -s | sed -n 2p | grep -o 'word="[^"]*"')"
t_eq "stdin with -w: the same stream as the file" "$(bin2stroke "$F" | cksum)" \
	"$(bin2stroke -w bed < "$F" | cksum)"
t_eq "- with -w is stdin" "$(bin2stroke "$F" | cksum)" \
	"$(bin2stroke -w bed - < "$F" | cksum)"
t_bad "stdin without -w" "<stdin>: the binary format holds no word: name it with -w" \
	bin2stroke < "$F"
t_bad "- without -w, even after a named file" "<stdin>: .*-w" bin2stroke "$F" - < "$F"
cp "$F" "$TMP/.bin"
t_bad "a file name with no word" "/\.bin: the file name gives no word" bin2stroke "$TMP/.bin"
cp "$F" "$TMP/$(printf 'a\tb.bin')"
t_bad "a file name with a control character" "the file name gives no word" \
	bin2stroke "$TMP/$(printf 'a\tb.bin')"
t_ok "... which -w overrides" bin2stroke -w bed "$TMP/.bin"
t_bad "empty -w" "^bin2stroke: -w: the word must be 1 to 255 bytes" bin2stroke -w '' "$F"
t_bad "-w with a control character" "^bin2stroke: -w: " bin2stroke -w "$(printf 'b\001d')" "$F"
t_bad "-w longer than 255 bytes" "^bin2stroke: -w: " \
	bin2stroke -w "$(printf '%0256d' 0)" "$F"
t_ok "-w of 255 bytes" bin2stroke -w "$(printf '%0255d' 0)" "$F"

# --- empty files, several drawings, several files ---
: > "$TMP/empty.bin"
t_ok "an empty file is valid" bin2stroke "$TMP/empty.bin"
t_eq "... and holds no drawings" "$HEADER" "$(bin2stroke "$TMP/empty.bin" | stroke2txt)"
cat "$F" "$F" "$F" > "$TMP/bed3.bin"
t_eq "three drawings back to back: ndjson2stroke's stream of three lines" \
	"$(ndjson2stroke "$TMP/bed3.ndjson" | cksum)" "$(bin2stroke -w bed "$TMP/bed3.bin" | cksum)"
t_eq "three files: one stream of three drawings" \
	"$(ndjson2stroke "$TMP/bed3.ndjson" | cksum)" \
	"$(bin2stroke "$F" "$TMP/empty.bin" "$F" "$F" | cksum)"
t_eq "a file, stdin and a file" "$(ndjson2stroke "$TMP/bed3.ndjson" | cksum)" \
	"$(bin2stroke -w bed "$F" - "$F" < "$F" | cksum)"
cp "$F" "$TMP/cat.bin"
t_eq "each file gives its own word" "bed cat" \
	"$(bin2stroke "$F" "$TMP/cat.bin" | stroke2txt -s | sed -n 's/.*word="\([^"]*\)".*/\1/p' | xargs)"

# --- -n, -r, -c ---
t_eq "-n 2 of three drawings" 2 "$(bin2stroke -n 2 "$TMP/bed3.bin" | records)"
t_eq "-n 2 over three files" 2 "$(bin2stroke -n 2 "$F" "$F" "$F" | records)"
t_eq "-n 5 of three drawings" 3 "$(bin2stroke -n 5 "$TMP/bed3.bin" | records)"
{ cat "$F"; printf '\001\002\003'; } > "$TMP/tail.bin"
t_ok "-n 1 stops before a bad record after it" bin2stroke -n 1 "$TMP/tail.bin"
t_bad "bad -n value" "-n: bad value" bin2stroke -n 0 "$F"
fixture no.bin
patch "$TMP/no.bin" 8 'GB\000'
cat "$F" "$TMP/no.bin" "$F" > "$TMP/mixed.bin"
t_eq "recognized 0 and another country read" \
	'drawing key_id=4897919444451328 word="no" country=GB recognized=0 points=25' \
	"$(bin2stroke "$TMP/no.bin" | stroke2txt -s | sed -n 2p)"
t_eq "-r keeps the recognized drawings" 2 "$(bin2stroke -r "$TMP/mixed.bin" | records)"
t_eq "-c GB keeps one country" 1 "$(bin2stroke -c GB "$TMP/mixed.bin" | records)"
t_eq "-c US -r" 2 "$(bin2stroke -c US -r "$TMP/mixed.bin" | records)"
t_eq "-n counts drawings written, not read" 1 "$(bin2stroke -n 1 -c GB "$TMP/mixed.bin" | records)"
t_bad "bad -c" "^bin2stroke: -c: 'GBR' is not a two-letter country code" \
	bin2stroke -c GBR "$F"
t_bad "unknown option" "usage" bin2stroke -z "$F"
t_bad "missing file" "nosuchfile: No such file" bin2stroke "$TMP/nosuchfile"
t_bad "a directory" "read error: Is a directory" bin2stroke -w x "$TMP"

# --- fields ---
fixture k.bin
patch "$TMP/k.bin" 0 '\377\377\377\377\377\377\377\377'
t_eq "key_id 2^64-1 in decimal" 'key_id=18446744073709551615' \
	"$(bin2stroke -w bed "$TMP/k.bin" | stroke2txt -s | grep -o 'key_id=[0-9]*')"
patch "$TMP/k.bin" 0 '\000\000\000\000\000\000\000\000'
t_eq "key_id 0" 'key_id=0' \
	"$(bin2stroke -w bed "$TMP/k.bin" | stroke2txt -s | grep -o 'key_id=[0-9]*')"
fixture cc.bin
patch "$TMP/cc.bin" 8 '\000\000'
t_eq "countrycode of two NUL bytes: unknown" 'country=-' \
	"$(bin2stroke -w bed "$TMP/cc.bin" | stroke2txt -s | grep -o 'country=[^ ]*')"
for b in '\001S:0x01 0x53' 'U\000:0x55 0x00' '\000S:0x00 0x53' ' S:0x20 0x53' \
	'U\177:0x55 0x7f' '\377S:0xff 0x53'; do
	fixture cc.bin
	patch "$TMP/cc.bin" 8 "${b%%:*}"
	t_bad "countrycode bytes ${b#*:}: refused" \
		"^bin2stroke: $TMP/cc.bin:record 1: countrycode: not two printable characters \(bytes ${b#*:}\)$" \
		bin2stroke -w bed "$TMP/cc.bin"
done
for v in 2 255; do
	fixture r.bin
	patch "$TMP/r.bin" 10 "\\$(printf %03o $v)"
	t_bad "recognized $v: refused" \
		"^bin2stroke: $TMP/r.bin:record 1: recognized: $v is not 0 or 1$" \
		bin2stroke -w bed "$TMP/r.bin"
done
fixture s.bin
patch "$TMP/s.bin" 15 '\000\000'
t_bad "n_strokes 0: refused" \
	"^bin2stroke: $TMP/s.bin:record 1: n_strokes: empty drawing \(no strokes\)$" \
	bin2stroke -w bed "$TMP/s.bin"
patch "$TMP/s.bin" 15 '\377\377'
t_bad "n_strokes 65535, the file holding 6: truncated at stroke 7" \
	"^bin2stroke: $TMP/s.bin:record 1: stroke 7: n_points: truncated record \(the file ends after 79 bytes\)$" \
	bin2stroke -w bed "$TMP/s.bin"
patch "$TMP/s.bin" 15 '\005\000'
t_bad "n_strokes 5, the file holding 6: the rest is a truncated record 2" \
	"^bin2stroke: $TMP/s.bin:record 2: timestamp: truncated record \(the file ends after 79 bytes\)$" \
	bin2stroke -w bed "$TMP/s.bin"
fixture p.bin
patch "$TMP/p.bin" 17 '\000\000'
t_bad "a stroke of 0 points: refused" \
	"^bin2stroke: $TMP/p.bin:record 1: stroke 1: empty stroke$" \
	bin2stroke -w bed "$TMP/p.bin"
fixture p.bin
patch "$TMP/p.bin" 67 '\000\000'
t_bad "the last stroke of 0 points: refused" "record 1: stroke 6: empty stroke$" \
	bin2stroke -w bed "$TMP/p.bin"
patch "$TMP/p.bin" 17 '\377\377'
t_bad "n_points 65535, the file holding 11: truncated" \
	"^bin2stroke: $TMP/p.bin:record 1: stroke 1: x: truncated record \(the file ends after 79 bytes\)$" \
	bin2stroke -w bed "$TMP/p.bin"
patch "$TMP/p.bin" 17 '\037\000'
t_bad "n_points 31: x fits, y is cut" "record 1: stroke 1: y: truncated record" \
	bin2stroke -w bed "$TMP/p.bin"

# stroke(5) holds at most 100000 points: 65535 + 34465 fit, one more not.
# big N_POINTS...: one drawing, key_id 1, ZZ, recognized, strokes of
# N_POINTS zero points each.
big() {
	out=$1; shift
	{ printf '\001\000\000\000\000\000\000\000ZZ\001\000\000\000\000'
	  printf "\\$(printf %03o $(($# % 256)))\\$(printf %03o $(($# / 256)))"
	  for n; do
		printf "\\$(printf %03o $((n % 256)))\\$(printf %03o $((n / 256)))"
		head -c $((2 * n)) /dev/zero
	  done; } > "$out"
}
big "$TMP/max.bin" 65535 34465
t_eq "100000 points in two strokes: one drawing" \
	'drawing key_id=1 word="max" country=ZZ recognized=1 points=100000' \
	"$(bin2stroke "$TMP/max.bin" | stroke2txt -s | sed -n 2p)"
big "$TMP/over.bin" 65535 34466
t_bad "100001 points: refused before the stroke is read" \
	"^bin2stroke: $TMP/over.bin:record 1: stroke 2: too many points \(limit 100000\)$" \
	bin2stroke "$TMP/over.bin"
{ printf '\001\000\000\000\000\000\000\000ZZ\001\000\000\000\000\002\000\377\377'
  head -c 131070 /dev/zero; printf '\377\377'; } > "$TMP/over2.bin"
t_bad "two strokes of 65535 points: refused at the second's n_points" \
	"record 1: stroke 2: too many points \(limit 100000\)$" bin2stroke "$TMP/over2.bin"

# --- truncation at every byte ---
# field L: the field a record cut after L bytes ends in (strokes of 11, 2,
# 3, 2, 2 and 5 points, as the fixture holds).
field() {
	L=$1
	if [ "$L" -lt 8 ]; then echo key_id; return; fi
	if [ "$L" -lt 10 ]; then echo countrycode; return; fi
	if [ "$L" -lt 11 ]; then echo recognized; return; fi
	if [ "$L" -lt 15 ]; then echo timestamp; return; fi
	if [ "$L" -lt 17 ]; then echo n_strokes; return; fi
	at=17 k=0
	for n in 11 2 3 2 2 5; do
		k=$((k + 1))
		if [ "$L" -lt $((at + 2)) ]; then echo "stroke $k: n_points"; return; fi
		if [ "$L" -lt $((at + 2 + n)) ]; then echo "stroke $k: x"; return; fi
		if [ "$L" -lt $((at + 2 + 2 * n)) ]; then echo "stroke $k: y"; return; fi
		at=$((at + 2 + 2 * n))
	done
	echo "(none)"
}
t_eq "truncation helper: 17 bytes end in stroke 1's n_points" "stroke 1: n_points" "$(field 17)"
t_eq "truncation helper: 78 bytes end in stroke 6's y" "stroke 6: y" "$(field 78)"
cat "$F" "$F" > "$TMP/bed2.bin"
bad=0 checked=0
for L in $(seq 1 157); do
	[ "$L" -eq 79 ] && continue
	head -c "$L" "$TMP/bed2.bin" > "$TMP/cut.bin"
	if [ "$L" -lt 79 ]; then rec=1 f=$(field "$L"); else rec=2 f=$(field $((L - 79))); fi
	want="bin2stroke: $TMP/cut.bin:record $rec: $f: truncated record (the file ends after $L bytes)"
	bin2stroke -w bed "$TMP/cut.bin" > "$TMP/cut.out" 2> "$TMP/cut.err"
	st=$?
	checked=$((checked + 1))
	if [ $st -ne 1 ] || [ -s "$TMP/cut.out" ] || [ "$(cat "$TMP/cut.err")" != "$want" ]; then
		bad=$((bad + 1))
		[ $bad -le 3 ] && { echo "# cut at $L: exit $st, stdout $(wc -c < "$TMP/cut.out") bytes, stderr:"
			sed 's/^/#   /' "$TMP/cut.err"; echo "#   want: $want"; }
	fi
done
t_eq "each of the 156 cut copies of two drawings was tried" 156 "$checked"
t_eq "each fails: exit 1, no output, the record and field named" 0 "$bad"
t_ok "the uncut two drawings convert" bin2stroke -w bed "$TMP/bed2.bin"

# An error in a later record, and in a later file.
{ cat "$F" "$F"; head -c 40 "$F"; } > "$TMP/cut3.bin"
t_bad "a cut third record: record 3 named" \
	"^bin2stroke: $TMP/cut3.bin:record 3: stroke 1: y: truncated record \(the file ends after 198 bytes\)$" \
	bin2stroke -w bed "$TMP/cut3.bin"
t_bad "records count from 1 in each file" "^bin2stroke: $TMP/cut3.bin:record 3: " \
	bin2stroke -w bed "$F" "$F" "$TMP/cut3.bin"

# After more than the stdout buffer of output, a failure leaves an
# aborted stream that readers refuse.
cp "$F" "$TMP/many.bin"
for i in $(seq 15); do cat "$TMP/many.bin" "$TMP/many.bin" > "$TMP/many2.bin"; mv "$TMP/many2.bin" "$TMP/many.bin"; done
t_eq "32768 drawings" 32768 "$(bin2stroke -w bed "$TMP/many.bin" | records)"
{ cat "$TMP/many.bin"; head -c 18 "$F"; } > "$TMP/manycut.bin"
bin2stroke -w bed "$TMP/manycut.bin" > "$TMP/manycut.out" 2> "$TMP/manycut.err"
t_eq "a cut record after 32768: exit 1" 1 $?
t_ok "... naming record 32769" grep -q "manycut.bin:record 32769: stroke 1: n_points: truncated" "$TMP/manycut.err"
stroke2txt -s < "$TMP/manycut.out" > /dev/null 2> "$TMP/err"
t_true "... and the stream it left is refused" $? -eq 1
t_ok "... as aborted" grep -q "stream aborted" "$TMP/err"

# Broken pipe: quiet.
bin2stroke -w bed "$TMP/many.bin" 2> "$TMP/err" | head -c 10 > /dev/null
t_true "| head -c 10 is quiet" ! -s "$TMP/err"
t_done
