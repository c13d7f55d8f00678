#!/bin/sh
# ndjson2stroke on the bundled Quick, Draw! files (raw and simplified):
# counts, exact coordinates, filters, agreement of the two parsers, bounded
# memory, and malformed lines.
. "$(dirname "$0")/lib.sh"

Q=$DATA/quickdraw
lines() { awk 'END { print NR }' "$1"; }   # counts a last line without \n

for f in "$Q"/raw/*.ndjson "$Q"/simplified/*.ndjson "$Q"/monkey-1000.simplified.ndjson; do
	n=$(ndjson2stroke "$f" | stroke2txt -s | grep -c '^drawing')
	t_eq "$(basename "$f"): one record per line" "$(lines "$f")" "$n"
done

# Exact coordinates: absolute positions equal the JSON's, point by point.
/usr/bin/python3 -c 'import json' 2>/dev/null && PY=/usr/bin/python3 || PY=python3
head -3 "$Q/raw/cat.raw.ndjson" > "$TMP/raw3"
$PY - "$TMP/raw3" > "$TMP/want" <<'PYEOF'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    for s in d["drawing"]:
        for i, (x, y) in enumerate(zip(s[0], s[1])):
            print("%.4f %.4f %d" % (x, y, i == len(s[0]) - 1))
PYEOF
ndjson2stroke "$TMP/raw3" | stroke2txt -a | grep -v '^[sd]' |
	awk '{ printf "%.4f %.4f %d\n", $1, $2, $3 }' > "$TMP/got"
t_cmp "raw: absolute points and pen lifts equal the JSON" "$TMP/want" "$TMP/got"
t_eq "simplified: first point is an offset from the origin" \
	"$(ndjson2stroke "$Q/monkey-1000.simplified.ndjson" | stroke2txt | sed -n 3p)" "121 25 0"
t_eq "metadata kept" \
	"$(ndjson2stroke -n 1 "$Q/monkey-1000.simplified.ndjson" | stroke2txt -s | sed -n 2p)" \
	'drawing key_id=5566648650039296 word="monkey" country=AU recognized=1 points=74'

# Filters.
M=$Q/monkey-1000.simplified.ndjson
t_eq "-r keeps recognized drawings" "$(grep -c '"recognized":true' "$M")" \
	"$(ndjson2stroke -r "$M" | stroke2txt -s | grep -c '^drawing')"
t_eq "-c keeps one country" "$(grep -c '"countrycode":"GB"' "$M")" \
	"$(ndjson2stroke -c GB "$M" | stroke2txt -s | grep -c 'country=GB')"
t_eq "-w keeps one word" "$(lines "$Q/raw/pig.raw.ndjson")" \
	"$(ndjson2stroke -w pig "$Q"/raw/*.ndjson | stroke2txt -s | grep -c '^drawing')"
t_eq "-n stops after N drawings" 7 "$(ndjson2stroke -n 7 "$M" | stroke2txt -s | grep -c '^drawing')"
t_eq "stdin and - read the same" "$(ndjson2stroke < "$M" | cksum)" "$(ndjson2stroke - < "$M" | cksum)"

# The scanner and json-c agree byte for byte on every drawing we have.
all=$TMP/all.ndjson
for f in "$Q"/extra/raw/*.ndjson "$Q"/extra/simplified/*.ndjson \
	"$Q"/raw/*.ndjson "$Q"/simplified/*.ndjson "$M"; do
	[ -f "$f" ] && { cat "$f"; echo; }
done | grep -v '^$' > "$all"
t_eq "scanner and json-c give identical streams ($(lines "$all") drawings)" \
	"$(ndjson2stroke -J "$all" | cksum)" "$(ndjson2stroke "$all" | cksum)"

t_eq "a file (mapped) and a pipe (buffered) give the same stream" \
	"$(cat "$all" | ndjson2stroke | cksum)" "$(ndjson2stroke "$all" | cksum)"
t_eq "lines ending in CR LF read the same" \
	"$(sed 's/$/\r/' "$M" | ndjson2stroke | cksum)" "$(ndjson2stroke "$M" | cksum)"
sed 's/$/\r/' "$M" > "$TMP/crlf.ndjson"
t_eq "CR LF from a file too" \
	"$(ndjson2stroke "$TMP/crlf.ndjson" | cksum)" "$(ndjson2stroke "$M" | cksum)"

# Bounded memory: 40 copies of the raw files (about 30 MB) in a few MB,
# from a pipe and from a file (whose pages behind are given back).
case "${SKETCHRNN_BUILD:-build}" in
*-san) ;;  # sanitizers keep their own large shadow memory
*)
	for i in $(seq 40); do cat "$Q"/raw/*.ndjson; echo; done |
		sed 's/}{/}\n{/g' > "$TMP/big.ndjson"
	rss=$(/usr/bin/time -f %M ndjson2stroke 2>&1 >/dev/null < "$TMP/big.ndjson")
	t_true "a 30 MB file of raw ndjson needs under 16 MB (${rss} KB)" "$rss" -lt 16384
	rss=$(cat "$TMP/big.ndjson" | /usr/bin/time -f %M ndjson2stroke 2>&1 >/dev/null)
	t_true "streaming 30 MB of raw ndjson needs under 16 MB (${rss} KB)" "$rss" -lt 16384
	# Ten times the file, not more memory: no page of the file stays
	# mapped behind (a page fault maps its neighbours too, behind as well).
	for i in 1 2 3 4 5 6 7 8 9 10; do cat "$TMP/big.ndjson"; done > "$TMP/bigger.ndjson"
	rss1=$(/usr/bin/time -f %M ndjson2stroke "$TMP/big.ndjson" 2>&1 >/dev/null)
	rss10=$(/usr/bin/time -f %M ndjson2stroke "$TMP/bigger.ndjson" 2>&1 >/dev/null)
	t_true "300 MB of file need no more than 30 MB ($rss10 KB, $rss1 KB)" "$rss10" -lt $((rss1 + 512))
	rm -f "$TMP/bigger.ndjson"
	;;
esac

# Malformed lines: exit 1, file and line named, nothing on stdout; both parsers.
good=$(head -1 "$M")
bad_line() { # description regex line
	printf '%s\n%s\n' "$good" "$3" > "$TMP/bad.ndjson"
	t_bad "scanner: $1" "^ndjson2stroke: $TMP/bad.ndjson:line 2:.*$2" ndjson2stroke "$TMP/bad.ndjson"
	# A file is scanned where it lies (mapped), a pipe through a buffer:
	# the same message either way.
	sed "s|$TMP/bad.ndjson|<stdin>|" "$TMP/t.err" > "$TMP/e.file"
	t_bad "json-c: $1" "^ndjson2stroke: $TMP/bad.ndjson:line 2:" ndjson2stroke -J "$TMP/bad.ndjson"
	cat "$TMP/bad.ndjson" | ndjson2stroke 2> "$TMP/e.pipe" > /dev/null
	t_cmp "pipe: $1" "$TMP/e.file" "$TMP/e.pipe"
}
D='"drawing":[[[1,2],[3,4]]]'
bad_line "truncated JSON" "" "$(printf '%s' "$good" | head -c 300)"
bad_line "not an object" "not a JSON object" '[1,2,3]'
bad_line "empty line" "empty line" ''
bad_line "trailing text" "trailing text" "{\"key_id\":\"1\",\"word\":\"w\",$D} x"
bad_line "missing drawing" "drawing: missing" '{"key_id":"1","word":"w"}'
bad_line "missing key_id" "key_id: missing" "{\"word\":\"w\",$D}"
bad_line "missing word" "word: missing" "{\"key_id\":\"1\",$D}"
bad_line "empty drawing" "empty drawing" '{"key_id":"1","word":"w","drawing":[]}'
bad_line "empty stroke" "empty stroke" '{"key_id":"1","word":"w","drawing":[[[],[]]]}'
bad_line "x and y differ in length" "differ in length" '{"key_id":"1","word":"w","drawing":[[[1,2],[3]]]}'
bad_line "t differs in length" "differ in length" '{"key_id":"1","word":"w","drawing":[[[1,2],[3,4],[0]]]}'
bad_line "four lists in a stroke" "not 2 .* or 3" '{"key_id":"1","word":"w","drawing":[[[1],[3],[0],[0]]]}'
bad_line "raw and simplified mixed" "mixes raw" '{"key_id":"1","word":"w","drawing":[[[1],[3]],[[1],[3],[0]]]}'
bad_line "NaN" "" '{"key_id":"1","word":"w","drawing":[[[NaN],[3]]]}'
bad_line "Infinity" "" '{"key_id":"1","word":"w","drawing":[[[Infinity],[3]]]}'
bad_line "1e400" "coordinate" '{"key_id":"1","word":"w","drawing":[[[1e400],[3]]]}'
bad_line "absurd coordinate" "coordinate" '{"key_id":"1","word":"w","drawing":[[[2e9],[3]]]}'
bad_line "9-digit integer coordinate" "coordinate" '{"key_id":"1","word":"w","drawing":[[[1,123456789],[3,4]]]}'
bad_line "string coordinate" "" '{"key_id":"1","word":"w","drawing":[[["1"],[3]]]}'
bad_line "leading zero" "" '{"key_id":"1","word":"w","drawing":[[[01],[3]]]}'
bad_line "single quotes" "" "{'key_id':'1','word':'w',$D}"
bad_line "control character in a string" "" "$(printf '{"key_id":"1\001","word":"w",%s}' "$D")"
bad_line "bad escape" "" "{\"key_id\":\"1\\q\",\"word\":\"w\",$D}"
bad_line "recognized is a string" "recognized" "{\"key_id\":\"1\",\"word\":\"w\",\"recognized\":\"yes\",$D}"
bad_line "country of three letters" "countrycode" "{\"key_id\":\"1\",\"word\":\"w\",\"countrycode\":\"USA\",$D}"
bad_line "key_id over 255 bytes" "longer than 255" "{\"key_id\":\"$(printf '%0300d' 1)\",\"word\":\"w\",$D}"
bad_line "nested 100 deep" "" "{\"key_id\":\"1\",\"word\":\"w\",\"x\":$(printf '%0100d' 0 | tr 0 '[')$(printf '%0100d' 0 | tr 0 ']'),$D}"

# Text fields against the room stroke(5) has for them (255 bytes of key_id
# and of word, 2 of countrycode): at the limit a field is kept as it is;
# one byte past it, or far past it, the line is refused with the field,
# the limit and the column after its value, by the scanner from a file
# (mapped) and from a pipe, and by json-c.  (An over-long countrycode
# once overflowed the drawing record.)  An escape counts as the bytes it
# decodes to; an integer (key_id is sometimes one) as its digits.  Fields
# that are not stored, such as timestamp, or a long key, may be any length.
field_line() { # field value: a good line but for the JSON value of field
	# (any other key is added at the end); sets line, and col to the
	# column after the value
	line='{' col=0
	for kv in word:'"w"' countrycode:'"US"' timestamp:'"2017-03-02 23:25:10.07453 UTC"' \
		recognized:true key_id:'"1"'; do
		k=${kv%%:*} v=${kv#*:}
		[ "$k" = "$1" ] && v=$2
		line="$line\"$k\":$v,"
		[ "$k" = "$1" ] && col=${#line}   # the comma after the value
	done
	[ $col -eq 0 ] && { line="$line\"$1\":$2,"; col=${#line}; }
	line="$line$D}"
}
field_ok() { # description field value summary: kept, as summary says
	field_line "$2" "$3"
	printf '%s\n%s\n' "$good" "$line" > "$TMP/field.ndjson"
	t_eq "scanner: $1" "$4" \
		"$(ndjson2stroke "$TMP/field.ndjson" | stroke2txt -s | sed -n 3p)"
	ndjson2stroke "$TMP/field.ndjson" > "$TMP/field.file"
	ndjson2stroke -J "$TMP/field.ndjson" > "$TMP/field.jsonc"
	cat "$TMP/field.ndjson" | ndjson2stroke > "$TMP/field.pipe"
	t_cmp "json-c: $1" "$TMP/field.file" "$TMP/field.jsonc"
	t_cmp "a pipe: $1" "$TMP/field.file" "$TMP/field.pipe"
}
field_bad() { # description field value why [json-c's why]
	field_line "$2" "$3"
	f=$TMP/field.ndjson
	printf '%s\n%s\n' "$good" "$line" > "$f"
	t_bad "scanner, a file: $1" "^ndjson2stroke: $f:line 2: col $col: $2: $4\$" ndjson2stroke "$f"
	t_bad "scanner, a pipe: $1" "^ndjson2stroke: <stdin>:line 2: col $col: $2: $4\$" \
		sh -c 'cat "$1" | ndjson2stroke' sh "$f"
	t_bad "json-c: $1" "^ndjson2stroke: $f:line 2: $2: ${5:-$4}\$" ndjson2stroke -J "$f"
}
A() { head -c "$1" /dev/zero | tr '\0' A; }
E() { head -c "$1" /dev/zero | sed 's/\x0/\\u00e9/g'; }   # $1 escaped é, 2 bytes each
N() { head -c "$1" /dev/zero | tr '\0' 7; }
sum='drawing key_id=1 word="w" country=US recognized=1 points=2'
for fl in key_id:255 word:255 countrycode:2; do
	fld=${fl%:*} lim=${fl#*:}
	case $fld in
	key_id) kept="drawing key_id=$(A $lim) word=\"w\" country=US recognized=1 points=2" ;;
	word) kept="drawing key_id=1 word=\"$(A $lim)\" country=US recognized=1 points=2" ;;
	*) kept="drawing key_id=1 word=\"w\" country=AA recognized=1 points=2" ;;
	esac
	why="field longer than $lim bytes"
	field_ok "$fld of $lim bytes is kept" $fld "\"$(A $lim)\"" "$kept"
	for n in $((lim + 1)) 300 100000; do
		field_bad "$fld of $n bytes" $fld "\"$(A $n)\"" "$why"
		jwhy=$why   # json-c holds no integer past 64 bits
		[ $n -gt 19 ] && jwhy="integer out of range"
		field_bad "$fld of $n digits" $fld "$(N $n)" "$why" "$jwhy"
	done
	field_bad "$fld of $((lim / 2 + 1)) escaped 2-byte characters" $fld "\"$(E $((lim / 2 + 1)))\"" "$why"
	field_bad "$fld of 1000 escaped 2-byte characters" $fld "\"$(E 1000)\"" "$why"
done
field_line key_id "$(N 255)"
printf '%s\n' "$line" > "$TMP/digits.ndjson"
t_eq "key_id of 255 digits is kept" \
	"drawing key_id=$(N 255) word=\"w\" country=US recognized=1 points=2" \
	"$(ndjson2stroke "$TMP/digits.ndjson" | stroke2txt -s | sed -n 2p)"
t_bad "json-c: key_id of 255 digits" "key_id: integer out of range" ndjson2stroke -J "$TMP/digits.ndjson"
field_ok "word of 127 escaped 2-byte characters and 1 byte is kept" word "\"$(E 127)A\"" \
	"drawing key_id=1 word=\"$(printf '%0127d' 0 | sed 's/0/é/g')A\" country=US recognized=1 points=2"
field_bad "word of 127 escaped 2-byte characters and 2 bytes" word "\"$(E 127)AA\"" \
	"field longer than 255 bytes"
field_bad "word of 253 bytes and an escaped 4-byte character" word "\"$(A 253)\\ud83d\\ude00\"" \
	"field longer than 255 bytes"
field_ok "key_id -0 is 0, as json-c has it" key_id -0 \
	'drawing key_id=0 word="w" country=US recognized=1 points=2'
field_ok "countrycode of 2 digits is kept" countrycode 12 \
	'drawing key_id=1 word="w" country=12 recognized=1 points=2'
field_bad "countrycode of 1 byte" countrycode '"A"' "not two printable characters"
field_bad "countrycode with a space" countrycode '" A"' "not two printable characters"
field_bad "countrycode of one escaped 2-byte character" countrycode '"\u00e9"' "not two printable characters"
field_ok "timestamp of 300 bytes is skipped" timestamp "\"$(A 300)\"" "$sum"
field_ok "timestamp of 100000 bytes is skipped" timestamp "\"$(A 100000)\"" "$sum"
field_ok "a key of 100000 bytes is skipped" "$(A 100000)" '"x"' "$sum"

# An absurd coordinate is found wherever it is: first, in a run of four
# points checked together, or after the last such run; in x or in y.
for at in 0 4 7; do
	for list in x y; do
		xs=1,2,3,4,5,6,7,8; ys=$xs
		v=$(echo "$xs" | awk -F, -v at=$at '{ $(at + 1) = "2e9"; print }' OFS=,)
		[ $list = x ] && xs=$v || ys=$v
		printf '{"key_id":"1","word":"w","drawing":[[[%s],[%s]]]}\n' "$xs" "$ys" > "$TMP/far.ndjson"
		t_bad "a coordinate of 2e9 at point $at of $list" "coordinate is not a number within 1e6" \
			ndjson2stroke "$TMP/far.ndjson"
	done
done

# Numbers RFC 8259 does not allow, which json-c takes even in strict mode:
# the scanner refuses them, in a list's first block and after 64 bytes.
long=$(seq -s, 100 130)
# In an x list and in a t list (checked a block at once), the error must
# be the number's, not a later one such as differing lengths.
for n in 00.5 5. -.5 1.e3 -01 01 1.5.5 '1,,2' '1,'; do
	for pre in 1 "$long"; do
		for list in x t; do
			d='[[%s,%s],[3,4]]'
			[ $list = t ] && d='[[1,2],[3,4],[%s,%s]]'
			printf "%s\\n{\"key_id\":\"1\",\"word\":\"w\",\"drawing\":[$d]}\\n" \
				"$good" "$pre" "$n" > "$TMP/lax.ndjson"
			t_bad "scanner refuses $n after ${#pre} bytes in $list" \
				"^ndjson2stroke: $TMP/lax.ndjson:line 2:.*(bad number|expected a number|expected ',' or ']' in a list)" \
				ndjson2stroke "$TMP/lax.ndjson"
		done
	done
done

# Both forms accepted; unicode escapes decoded; unknown fields skipped.
printf '%s\n' '{"word":"caf\u00e9","key_id":"9","extra":{"a":[1,{"b":null}]},"countrycode":"","recognized":null,"drawing":[[[1.5,2.25],[3,4],[0,5]]]}' > "$TMP/ok.ndjson"
t_eq "escapes, empty country, null recognized, extra fields" \
	"$(ndjson2stroke "$TMP/ok.ndjson" | stroke2txt | sed -n '2,4p' | tr '\n' '|')" \
	"drawing key_id=9 word=\"café\" country=- recognized=2 points=2|1.5 3 0|0.75 1 1|"
t_eq "json-c reads it the same" "$(ndjson2stroke -J "$TMP/ok.ndjson" | cksum)" \
	"$(ndjson2stroke "$TMP/ok.ndjson" | cksum)"

# json-c after a line cut short in a \u surrogate pair: the next line's
# escapes are its own (json-c 0.16 kept the high half in its tokener).
printf '%s\n%s\n' '{"key_id":"1","word":"\ud83d' \
	"{\"key_id\":\"2\",\"word\":\"caf\\u00e9\",$D}" > "$TMP/cut.ndjson"
t_eq "json-c: a line cut in a surrogate pair leaves the next alone" \
	'drawing key_id=2 word="café" country=- recognized=2 points=2' \
	"$(ndjson2stroke -J -k "$TMP/cut.ndjson" 2>/dev/null | stroke2txt -s | sed -n 2p)"

# -k: skip and count.
{ cat "$M"; echo '{"broken'; echo '[]'; head -3 "$M"; } > "$TMP/mixed"
t_eq "-k skips bad lines and keeps the rest" 1003 \
	"$(ndjson2stroke -k "$TMP/mixed" 2>/dev/null | stroke2txt -s | grep -c '^drawing')"
ndjson2stroke -k "$TMP/mixed" 2>&1 >/dev/null | grep -q "skipped 2 malformed lines"
t_true "-k reports the count" $? -eq 0

# A drawing with no country after one with a country has none.
printf '%s\n%s\n' "$good" "{\"key_id\":\"1\",\"word\":\"w\",$D}" > "$TMP/nocountry.ndjson"
t_eq "no countrycode after a drawing with one" "country=-" \
	"$(ndjson2stroke "$TMP/nocountry.ndjson" | stroke2txt -s | sed -n 3p | grep -o 'country=[^ ]*')"

# A key given twice: the last value counts, as in json-c; an empty or null
# countrycode after one of two letters leaves none.
for c in '""' null; do
	printf '{"key_id":"1","word":"w","countrycode":"US","countrycode":%s,%s}\n' "$c" "$D" > "$TMP/twice.ndjson"
	ndjson2stroke "$TMP/twice.ndjson" > "$TMP/twice.a"
	ndjson2stroke -J "$TMP/twice.ndjson" > "$TMP/twice.b"
	t_eq "countrycode \"US\" then $c" "country=-" \
		"$(stroke2txt -s < "$TMP/twice.a" | sed -n 2p | grep -o 'country=[^ ]*')"
	t_cmp "json-c reads countrycode \"US\" then $c the same" "$TMP/twice.a" "$TMP/twice.b"
done

# The end of a mapped file: a last line without a newline that ends on a
# page boundary, whole, or cut short in a long run of digits.
head1='{"key_id":"1","word":"w","drawing":[[[1,2],[3,4]]],"pad":"'
xs() { head -c "$1" /dev/zero | tr '\0' "$2"; }
{ echo "$good"; printf '%s' "$head1"; } > "$TMP/page.ndjson"
{ xs $((8192 - $(wc -c < "$TMP/page.ndjson") - 2)) x; printf '"}'; } >> "$TMP/page.ndjson"
t_eq "a last line that ends on a page boundary ($(wc -c < "$TMP/page.ndjson") bytes)" 2 \
	"$(ndjson2stroke "$TMP/page.ndjson" | stroke2txt -s | grep -c '^drawing')"
{ echo "$good"; printf '{"key_id":"1","word":"w","drawing":[[[1,2'; } > "$TMP/cut.ndjson"
xs $((8192 - $(wc -c < "$TMP/cut.ndjson"))) 7 >> "$TMP/cut.ndjson"
t_bad "a last line cut short on a page boundary" "cut.ndjson:line 2:" ndjson2stroke "$TMP/cut.ndjson"

# A line over 64 MiB is an error, or skipped under -k, from a file or a pipe.
{ echo "$good"; printf '%s' "$head1"; xs $((64 << 20)) x; echo '"}'; echo "$good"; } > "$TMP/long.ndjson"
t_bad "a line over 64 MiB" "long.ndjson:line 2: line longer than 64 MiB" ndjson2stroke "$TMP/long.ndjson"
t_eq "-k skips a line over 64 MiB" 2 "$(ndjson2stroke -k "$TMP/long.ndjson" 2>/dev/null | stroke2txt -s | grep -c '^drawing')"
t_eq "-k skips it from a pipe too" 2 "$(cat "$TMP/long.ndjson" | ndjson2stroke -k 2>/dev/null | stroke2txt -s | grep -c '^drawing')"
rm -f "$TMP/long.ndjson"
# The same when the line's last 64 MiB are the digits of one number, which
# a file's scanner reads past the limit in place.
{ echo "$good"; printf '{"key_id":"1","word":"w","drawing":[[[1.'; xs $((64 << 20)) 0; echo '],[1]]]}'; } > "$TMP/long.ndjson"
t_bad "a line over 64 MiB in a number" "long.ndjson:line 2: line longer than 64 MiB" ndjson2stroke "$TMP/long.ndjson"
rm -f "$TMP/long.ndjson"

# A file cut short while it is read (mapped): a clear error, not a crash.
# The reader waits, so ndjson2stroke is stopped on a full pipe when the
# file is emptied under it.
for i in $(seq 20); do cat "$Q"/raw/*.ndjson; echo; done | sed 's/}{/}\n{/g' > "$TMP/shrink.ndjson"
{ ndjson2stroke "$TMP/shrink.ndjson" 2> "$TMP/shrink.err"; echo $? > "$TMP/shrink.st"; } |
	{ while [ ! -e "$TMP/go" ]; do sleep 0.1; done; cat > /dev/null; } &
sleep 0.5
: > "$TMP/shrink.ndjson"
touch "$TMP/go"
wait
t_eq "a file emptied while it is read: exit 1" 1 "$(cat "$TMP/shrink.st")"
t_true "and a message naming it" "$(grep -c "shrink.ndjson:line [0-9]*: file changed while being read" "$TMP/shrink.err")" -eq 1

t_bad "bad -n value" "-n: bad value" ndjson2stroke -n 0 "$M"
t_bad "unknown option" "usage" ndjson2stroke -z "$M"
t_bad "missing file" "nosuchfile: No such file" ndjson2stroke "$TMP/nosuchfile"
ndjson2stroke "$M" 2> "$TMP/err" | head -c 100 > /dev/null
t_true "| head -c 100 is quiet" ! -s "$TMP/err"
t_done
