#!/bin/sh
# The stroke(5) reader and writer, through stroke2txt: valid streams,
# concatenation, and every kind of bad stream the reader must refuse with
# exit 1, a message naming the place, and nothing on stdout.
. "$(dirname "$0")/lib.sh"

# Byte pieces (printf escapes), little-endian as stroke(5) says.
HDR='STRK\001\000\000\000\000\000\200\077'        # v1, plain, scale 1.0
NHDR='STRK\001\000\001\000\000\000\000\101'       # v1, normalised, scale 8.0
ONE='\000\000\200\077' TWO='\000\000\000\100' NAN='\000\000\300\177'
INF='\000\000\200\177'
P1="$ONE$TWO\000" P2="$TWO$ONE\001"               # (1,2,0) (2,1,1)
REC="D\001k\001wUS\001\002\000\000\000$P1$P2"     # key k, word w, 2 points
END1='E\001\000\000\000\000\000\000\000'          # end: 1 record
mk() { printf "$1" > "$TMP/$2"; }

mk "$HDR$REC$END1" good
t_ok "hand-made stream reads" stroke2txt "$TMP/good"
t_eq "hand-made stream decodes" "$(stroke2txt "$TMP/good" | tr '\n' '|')" \
	'stroke version=1 normalized=0 scale=1|drawing key_id=k word="w" country=US recognized=1 points=2|1 2 0|2 1 1|'
t_eq "absolute positions" "$(stroke2txt -a "$TMP/good" | tail -1)" "3 3 1"
mk "$NHDR$REC$END1" norm
t_eq "absolute positions undo the scale factor" \
	"$(stroke2txt -a "$TMP/norm" | tail -1)" "24 24 1"
mk "$HDR"'E\000\000\000\000\000\000\000\000' empty
t_eq "a stream with no records" "$(stroke2txt "$TMP/empty")" \
	"stroke version=1 normalized=0 scale=1"
cat "$TMP/good" "$TMP/good" > "$TMP/cat2"
t_eq "concatenated streams read as one" \
	"$(stroke2txt -s "$TMP/cat2" | grep -c '^drawing')" 2

# Writer round trip on real drawings: text of (write . read) is unchanged.
ndjson2stroke "$DATA/quickdraw/simplified/cat.simplified.ndjson" > "$TMP/cat"
stroke2txt "$TMP/cat" > "$TMP/cat.txt"
normalize -f 1 "$TMP/cat" | normalize -f 1 | stroke2txt | sed 1d > "$TMP/cat2.txt"
t_eq "round trip through a writer keeps every point" \
	"$(sed 1d "$TMP/cat.txt" | cksum)" "$(cksum < "$TMP/cat2.txt")"

# Truncation at every byte offset of a small real stream.
ndjson2stroke -n 2 "$DATA/quickdraw/simplified/sheep.simplified.ndjson" > "$TMP/small"
size=$(wc -c < "$TMP/small")
bad=""
n=0
while [ $n -lt "$size" ]; do
	head -c $n "$TMP/small" > "$TMP/cut"
	stroke2txt "$TMP/cut" > "$TMP/cut.out" 2> "$TMP/cut.err"
	st=$?
	if [ $st -ne 1 ] || [ -s "$TMP/cut.out" ] ||
	   ! grep -Eq "^stroke2txt: $TMP/cut(:record [0-9]+)?: " "$TMP/cut.err"; then
		bad="$bad $n(exit $st)"
	fi
	n=$((n + 1))
done
t_eq "truncated at each of $size offsets: exit 1, message, no output" "" "$bad"

t_bad "empty input" "empty input" stroke2txt /dev/null
mk 'STRX\001\000\000\000\000\000\200\077' x
t_bad "bad magic" "not a stroke stream" stroke2txt "$TMP/x"
mk 'JUNK' x
t_bad "not a stream at all" "not a stroke stream" stroke2txt "$TMP/x"
mk 'STRK\002\000\000\000\000\000\200\077' x
t_bad "unknown version" "unsupported version" stroke2txt "$TMP/x"
mk 'STRK\001\000\004\000\000\000\200\077' x
t_bad "unknown flag" "unknown flags" stroke2txt "$TMP/x"
mk "STRK\001\000\001\000$NAN" x
t_bad "NaN scale factor" "scale factor" stroke2txt "$TMP/x"
mk "STRK\001\000\000\000$TWO" x
t_bad "scale other than 1 in a plain stream" "scale factor is not 1" stroke2txt "$TMP/x"
mk "$HDR"'D\001k\001wUS\001\002\000\000\000'"$NAN$ONE\000$P2$END1" x
t_bad "NaN offset" "record 1: offset is not a finite number" stroke2txt "$TMP/x"
mk "$HDR"'D\001k\001wUS\001\002\000\000\000'"$ONE$INF\000$P2$END1" x
t_bad "infinite offset" "record 1: offset is not a finite number" stroke2txt "$TMP/x"
mk "$HDR"'D\001k\001wUS\001\002\000\000\000'"$ONE$ONE\002$P2$END1" x
t_bad "pen 2" "record 1: pen is not 0 or 1" stroke2txt "$TMP/x"
mk "$HDR"'D\001k\001wUS\001\377\377\377\377'"$P1$END1" x
t_bad "absurd point count" "record 1: absurd point count" stroke2txt "$TMP/x"
mk "$HDR"'D\001k\001wUS\001\000\000\000\000'"$END1" x
t_bad "empty drawing" "record 1: empty drawing" stroke2txt "$TMP/x"
mk "$HDR"'D\001\033\001wUS\001\002\000\000\000'"$P1$P2$END1" x
t_bad "control character in key_id" "record 1: key_id holds a control" stroke2txt "$TMP/x"
mk "$HDR"'D\001k\001wU\000\001\002\000\000\000'"$P1$P2$END1" x
t_bad "half a country code" "record 1: country code" stroke2txt "$TMP/x"
mk "$HDR"'D\001k\001wUS\007\002\000\000\000'"$P1$P2$END1" x
t_bad "recognized flag 7" "record 1: recognized flag" stroke2txt "$TMP/x"
mk "$HDR$REC"'Q' x
t_bad "bad record tag" "record 2: bad record tag" stroke2txt "$TMP/x"
mk "$HDR$REC"'E\002\000\000\000\000\000\000\000' x
t_bad "end marker with the wrong count" "end marker counts" stroke2txt "$TMP/x"
mk "$HDR$REC$END1$REC" x
t_bad "record after the end marker" "after the end" stroke2txt "$TMP/x"
mk "$HDR$REC$HDR$REC" x
t_bad "header in the middle of a stream" "header in the middle" stroke2txt "$TMP/x"
mk "$HDR$REC"'X' x
t_bad "aborted stream" "stream aborted" stroke2txt "$TMP/x"
cat "$TMP/good" "$TMP/norm" > "$TMP/x"
t_bad "concatenation with another scale factor" "different scale" stroke2txt "$TMP/x"

# A failing writer leaves no stream a reader would take for complete.
big=$TMP/big.ndjson
for i in 1 2 3 4; do
	for f in "$DATA"/quickdraw/raw/*.ndjson; do cat "$f"; echo; done
done > "$big"
echo '{"broken' >> "$big"
ndjson2stroke "$big" > "$TMP/x" 2>/dev/null
t_true "a writer failing after 1 MiB of output exits 1" $? -eq 1
t_true "... and has written more than 1 MiB" "$(wc -c < "$TMP/x")" -gt 1048576
stroke2txt -s "$TMP/x" > /dev/null 2> "$TMP/err"
t_true "... which readers refuse" $? -eq 1
t_ok "... saying why" grep -q "stream aborted" "$TMP/err"

# Broken pipe: quiet.
ndjson2stroke "$DATA/quickdraw/monkey-1000.simplified.ndjson" | stroke2txt 2> "$TMP/err" | head -1 > /dev/null
t_true "stroke2txt | head -1 is quiet" ! -s "$TMP/err"
t_done
