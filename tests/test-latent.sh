#!/bin/sh
# tests/test-latent.sh: the latent(5) reader and writers and lerp(1):
# binary and CSV round trips byte for byte, interpolation endpoints bit for
# bit, slerp on the arc, weighted sums and the mean against awk, every kind
# of bad stream refused with exit 1, a message naming the place and nothing
# on stdout, failing writers, broken pipes, and the EXAMPLES' printed
# output.
. "$(dirname "$0")/lib.sh"

# csv_of FILE: the CSV form of a latent stream, through lerp -w 1.
csv_of() { lerp -c -w 1 "$1"; }

# rand_csv SEED COUNT DIM: COUNT random vectors of DIM values in CSV, with
# key_ids k1, k2, ... and words cat/pig alternating.
rand_csv() {
	awk -v seed="$1" -v n="$2" -v d="$3" 'BEGIN {
		srand(seed)
		printf "key_id,word"
		for (j = 0; j < d; j++) printf ",z%d", j
		printf "\n"
		for (i = 1; i <= n; i++) {
			printf "k%d,%s", i, i % 2 ? "cat" : "pig"
			for (j = 0; j < d; j++)
				printf ",%.9g", (rand() - 0.5) * 8
			printf "\n"
		}
	}'
}

# ---- round trips ----
rand_csv 7 60 16 > "$TMP/r.csv"
lerp -w 1 "$TMP/r.csv" > "$TMP/r.z"
csv_of "$TMP/r.z" > "$TMP/r2.csv"
lerp -w 1 "$TMP/r2.csv" > "$TMP/r2.z"
t_cmp "binary -> CSV -> binary gives the same bytes" "$TMP/r.z" "$TMP/r2.z"
t_eq "CSV -> binary -> CSV gives the same text" "$(cksum < "$TMP/r2.csv")" \
	"$(lerp -w 1 "$TMP/r2.csv" | lerp -c -w 1 | cksum)"
t_eq "60 vectors of 16 values: header, records, end marker" \
	$((12 + 9 * (1 + 1 + 2 + 1 + 3 + 64) + 51 * (1 + 1 + 3 + 1 + 3 + 64) + 9)) \
	"$(wc -c < "$TMP/r.z")"
lerp -w 1 < "$TMP/r.z" > "$TMP/r3.z"
t_cmp "binary -> binary from stdin is the identity" "$TMP/r.z" "$TMP/r3.z"

# Awkward values and labels: -0, the smallest subnormal, the largest float,
# quotes, commas, blanks, an empty key_id, UTF-8.
printf '%s\n' 'key_id,word,z0,z1,z2' \
	'"a, ""quoted"" id",cat,-0,1.40129846e-45,3.40282347e+38' \
	'"",  spaced  ,0.1,-3.40282347e+38,1e-30' \
	"\" lead\",caf$(printf '\303\251'),1,2,3" > "$TMP/odd.csv"
printf 'key_id,word,z0,z1,z2\n"a, ""quoted"" id",cat,-0,1.40129846e-45,3.40282347e+38\n,spaced,0.100000001,-3.40282347e+38,1e-30\n" lead",caf\303\251,1,2,3\n' > "$TMP/odd.want"
lerp -w 1 "$TMP/odd.csv" > "$TMP/odd.z"
t_eq "awkward values and labels survive CSV -> binary -> CSV" \
	"$(cat "$TMP/odd.want")" "$(csv_of "$TMP/odd.z")"
t_eq "... and binary -> CSV -> binary" "$(cksum < "$TMP/odd.z")" \
	"$(csv_of "$TMP/odd.z" | lerp -w 1 | cksum)"
t_eq "-0 is kept in binary (sign bit)" "00000080" \
	"$(od -A n -t x1 -j 32 -N 4 "$TMP/odd.z" | tr -d ' \n')"
printf '\357\273\277key_id,word,z0\r\nx,y,1.5\r\n\r\nkey_id,word,z0\r\nu,v,-2\r\n' > "$TMP/crlf.csv"
t_eq "byte order mark, CR LF, blank line and a repeated header row" \
	"$(printf 'key_id,word,z0\nx,y,1.5\nu,v,-2')" "$(csv_of "$TMP/crlf.csv")"
printf '"key_id","word","z0"\n"x","y"," 7 "\n' > "$TMP/q.csv"
t_eq "quotes around every field" "$(printf 'key_id,word,z0\nx,y,7')" \
	"$(csv_of "$TMP/q.csv")"
printf 'key_id,word,z0\n' > "$TMP/none.csv"
t_eq "a CSV header alone is an empty stream (21 bytes binary)" 21 \
	"$(lerp -w 1 "$TMP/none.csv" | wc -c)"
t_eq "... whose CSV is the header row" "key_id,word,z0" \
	"$(lerp -w 1 "$TMP/none.csv" | lerp -c -w 1)"
cat "$TMP/r.z" "$TMP/r.z" > "$TMP/rr.z"
t_eq "concatenated binary streams read as one" 120 \
	"$(csv_of "$TMP/rr.z" | sed 1d | wc -l)"
t_eq "binary and CSV inputs of one dimension mix" 120 \
	"$(lerp -c -w 1 "$TMP/r.z" "$TMP/r2.csv" | sed 1d | wc -l)"

# ---- interpolation ----
# values: fields 3.. of CSV line N of stdin
vals() { sed -n "$1p" | cut -d, -f3-; }
printf 'key_id,word,z0,z1,z2,z3\np,cat,-0,0.1,3,-7.25\nq,pig,0,0.7,-1e-3,2\n' > "$TMP/pq.csv"
for s in "" -s; do
	lerp $s -c -n 7 "$TMP/pq.csv" > "$TMP/i.csv"
	t_eq "lerp $s -n 7: t=0 gives p0 bit for bit" \
		"$(csv_of "$TMP/pq.csv" | vals 2)" "$(vals 2 < "$TMP/i.csv")"
	t_eq "lerp $s -n 7: t=1 gives p1 bit for bit" \
		"$(csv_of "$TMP/pq.csv" | vals 3)" "$(vals 8 < "$TMP/i.csv")"
	t_eq "lerp $s -n 7: seven vectors" 7 "$(sed 1d "$TMP/i.csv" | wc -l)"
done
t_eq "lerp labels: lerp:t and the two words" \
	"lerp:0,cat..pig lerp:0.333333,cat..pig lerp:1,cat..pig" \
	"$(lerp -c -n 4 "$TMP/pq.csv" | sed '1d;4d' | cut -d, -f1,2 | xargs)"
t_eq "linear steps at t = i/4" "0.75,0.25 0.5,0.5 0.25,0.75" \
	"$(printf 'key_id,word,z0,z1\na,w,1,0\nb,w,0,1\n' | lerp -c -n 5 |
		sed -n 3,5p | cut -d, -f3,4 | xargs)"
lerp -c -w 1 "$TMP/r.z" | sed -n '1,3p' > "$TMP/two.csv"
t_eq "random pair, 2 steps: exactly the inputs" "$(sed 1d "$TMP/two.csv" | cut -d, -f3-)" \
	"$(lerp -c -n 2 "$TMP/two.csv" | sed 1d | cut -d, -f3-)"
t_eq "pairs: 60 vectors give 30 runs of 3" 90 \
	"$(lerp -c -n 3 "$TMP/r.z" | sed 1d | wc -l)"

# slerp on the arc: unit vectors at 70 degrees; every result a unit vector
# at angle t*W from p0.  (A linear midpoint has norm cos 35 deg = 0.819.)
printf 'key_id,word,z0,z1,z2\na,w,0.6,0,0.8\nb,w,%s,%s,%s\n' \
	"$(awk 'BEGIN { printf "%.9g", 0.6 * cos(1.2217304763960306) - 0.8 * sin(1.2217304763960306) }')" \
	0 "$(awk 'BEGIN { printf "%.9g", 0.8 * cos(1.2217304763960306) + 0.6 * sin(1.2217304763960306) }')" \
	> "$TMP/unit.csv"
arc() {
	awk -F, -v n="$2" 'NR == 1 { next } {
		t = (NR - 2) / (n - 1); W = 1.2217304763960306
		norm = sqrt($3 * $3 + $4 * $4 + $5 * $5)
		c = ($3 * 0.6 + $5 * 0.8) / norm
		if (c > 1) c = 1
		ang = atan2(sqrt(1 - c * c), c)
		if (norm - 1 > 2e-7 || 1 - norm > 2e-7 || ang - t * W > 1e-5 ||
		    t * W - ang > 1e-5) bad = bad " " NR
	} END { print bad "" }' "$1"
}
lerp -s -c -n 11 "$TMP/unit.csv" > "$TMP/s.csv"
t_eq "slerp of unit vectors: 11 unit vectors at angle t W" "" "$(arc "$TMP/s.csv" 11)"
lerp -c -n 11 "$TMP/unit.csv" > "$TMP/l.csv"
t_true "linear midpoint is inside the circle (norm < 0.82)" \
	"$(awk -F, 'NR == 7 { print ($3*$3 + $5*$5 < 0.6724) }' "$TMP/l.csv")" = 1
printf 'key_id,word,z0,z1\na,w,1,2\nb,w,2,4\nc,w,1,2\nd,w,-1,-2\ne,w,0,0\nf,w,3,1\n' > "$TMP/deg.csv"
t_eq "slerp falls back to linear when W = 0, W = pi or a vector is 0" \
	"$(lerp -c -n 5 "$TMP/deg.csv" | cut -d, -f2-)" \
	"$(lerp -s -c -n 5 "$TMP/deg.csv" | cut -d, -f2-)"

# ---- weighted sums and the mean, against awk ----
# near FILE1 FILE2: the values of two CSV files agree to 1e-6 relative.
near() {
	paste -d, "$1" "$2" | awk -F, 'NR > 1 {
		h = NF / 2
		for (j = 3; j <= h; j++) {
			a = $j; b = $(j + h); d = a - b; if (d < 0) d = -d
			m = b < 0 ? -b : b; if (m < 1) m = 1
			if (d > 1e-6 * m) { print "line " NR " z" j - 3 ": " a " vs " b; exit }
		}
	}'
}
# awk_sum W1,W2,...: weighted sums of consecutive groups of r2.csv.
awk_sum() {
	awk -F, -v w="$1" 'BEGIN { k = split(w, wt, ",") }
	NR == 1 { print; next }
	{ i = (NR - 2) % k + 1
	  for (j = 3; j <= NF; j++) s[j] = (i == 1 ? 0 : s[j]) + wt[i] * $j
	  if (i == k) { printf "x,x"; for (j = 3; j <= NF; j++) printf ",%.17g", s[j]; printf "\n" } }' \
		"$TMP/r2.csv"
}
for w in 1,-1,1 0.5,-2,1.25,3 0.25; do
	awk_sum "$w" > "$TMP/awk.csv"
	lerp -c -w "$w" "$TMP/r.z" > "$TMP/lerp.csv"
	t_eq "-w $w: as many vectors as awk" "$(wc -l < "$TMP/awk.csv")" \
		"$(wc -l < "$TMP/lerp.csv")"
	t_eq "-w $w: the sums agree with awk" "" "$(near "$TMP/lerp.csv" "$TMP/awk.csv")"
done
t_eq "-w 1,-1,1 labels" "k1-k2+k3,cat-pig+cat" \
	"$(lerp -c -w 1,-1,1 "$TMP/r.z" | sed -n 2p | cut -d, -f1,2)"
t_eq "-w 0.5,-2,1.25,0 labels: weight 0 left out" "0.5*k1-2*k2+1.25*k3,0.5*cat-2*pig+1.25*cat" \
	"$(lerp -c -w 0.5,-2,1.25,0 "$TMP/r.z" | sed -n 2p | cut -d, -f1,2)"
awk -F, 'NR == 1 { print; next } { for (j = 3; j <= NF; j++) s[j] += $j; n++; nf = NF }
	END { printf "x,x"; for (j = 3; j <= nf; j++) printf ",%.17g", s[j] / n; printf "\n" }' \
	"$TMP/r2.csv" > "$TMP/awk.csv"
lerp -c -m "$TMP/r.z" > "$TMP/lerp.csv"
t_eq "-m: the mean agrees with awk" "" "$(near "$TMP/lerp.csv" "$TMP/awk.csv")"
t_eq "-m: label mean:60, words differ" "mean:60," \
	"$(sed -n 2p "$TMP/lerp.csv" | cut -d, -f1,2)"
t_eq "-m of one vector is that vector, -0 included" \
	"-0,1.40129846e-45,3.40282347e+38" \
	"$(sed -n 1,2p "$TMP/odd.csv" | lerp -c -m | sed -n 2p | cut -d, -f3-)"

# ---- bad streams ----
printf 'key_id,word,z0,z1,z2\nab,cat,1,2,3\nc,dog,-1,0.5,4\n' | lerp -w 1 > "$TMP/small.z"
size=$(wc -c < "$TMP/small.z")
bad=""
n=0
while [ $n -lt "$size" ]; do
	head -c $n "$TMP/small.z" > "$TMP/cut"
	lerp -w 1 "$TMP/cut" > "$TMP/cut.out" 2> "$TMP/cut.err"
	st=$?
	if [ $st -ne 1 ] || [ -s "$TMP/cut.out" ] ||
	   ! grep -Eq "^lerp: $TMP/cut(:record [0-9]+)?: " "$TMP/cut.err"; then
		bad="$bad $n(exit $st)"
	fi
	n=$((n + 1))
done
t_eq "truncated at each of $size offsets: exit 1, message, no output" "" "$bad"

HDR='LTNT\001\000\000\000\002\000\000\000'            # v1, dimension 2
ONE='\000\000\200\077' NAN='\000\000\300\177' INF='\000\000\200\177'
REC="Z\001k\001w$ONE$ONE"
END1='E\001\000\000\000\000\000\000\000'
mk() { printf "$1" > "$TMP/$2"; }
mk "$HDR$REC$END1" good
t_eq "hand-made binary stream" "$(printf 'key_id,word,z0,z1\nk,w,1,1')" "$(csv_of "$TMP/good")"
t_bad "empty input" "/dev/null: empty input" lerp -w 1 /dev/null
cp /dev/null "$TMP/x"
t_bad "empty file" "x: empty input" lerp -w 1 "$TMP/x"
mk 'LTNX\001\000\000\000\002\000\000\000' x
t_bad "bad magic" "x: not a latent stream or latent CSV" lerp -w 1 "$TMP/x"
mk 'hello, world\n' x
t_bad "text that is neither form" "x: not a latent stream or latent CSV$" lerp -w 1 "$TMP/x"
mk 'key,word,z0\nk,w,1\n' x
t_bad "CSV without the header row" "x: not a latent stream or latent CSV \(line 1" lerp -w 1 "$TMP/x"
mk 'key_id,word\n' x
t_bad "CSV header without values" "not a latent stream or latent CSV" lerp -w 1 "$TMP/x"
printf 'key_id,word,z0\nk,w,1\n' | gzip > "$TMP/x"
t_bad "compressed CSV" "not a latent stream or latent CSV" lerp -w 1 "$TMP/x"
printf '{"word":"line","countrycode":"US","recognized":true,"key_id":"42","drawing":[[[10,20],[5,5]]]}\n' |
	ndjson2stroke > "$TMP/x"
t_bad "a stroke stream" "not a latent stream or latent CSV \(it is a stroke stream\)" lerp "$TMP/x"
mk 'LTNT\002\000\000\000\002\000\000\000' x
t_bad "unknown version" "unsupported version" lerp -w 1 "$TMP/x"
mk 'LTNT\001\000\001\000\002\000\000\000' x
t_bad "unknown flags" "unsupported version or flags" lerp -w 1 "$TMP/x"
mk 'LTNT\001\000\000\000\000\000\000\000' x
t_bad "dimension 0" "dimension 0 is not from 1 to 4096" lerp -w 1 "$TMP/x"
mk 'LTNT\001\000\000\000\001\020\000\000' x
t_bad "dimension 4097" "dimension 4097 is not from 1 to 4096" lerp -w 1 "$TMP/x"
mk "$HDR$REC"'Z\001k\001w'"$ONE$NAN$END1" x
t_bad "NaN value" "x:record 2: value is not a finite number" lerp -w 1 "$TMP/x"
mk "$HDR"'Z\001k\001w'"$INF$ONE$END1" x
t_bad "infinite value" "x:record 1: value is not a finite number" lerp -w 1 "$TMP/x"
mk "$HDR"'Z\001\033\001w'"$ONE$ONE$END1" x
t_bad "control character in key_id" "x:record 1: key_id holds a control" lerp -w 1 "$TMP/x"
mk "$HDR"'Z\001k\001\000'"$ONE$ONE$END1" x
t_bad "NUL in word" "x:record 1: truncated record or NUL in word" lerp -w 1 "$TMP/x"
mk "$HDR$REC"'Q' x
t_bad "bad record tag" "x:record 2: bad record tag" lerp -w 1 "$TMP/x"
mk "$HDR$REC"'E\002\000\000\000\000\000\000\000' x
t_bad "end marker with the wrong count" "end marker counts" lerp -w 1 "$TMP/x"
mk "$HDR$REC$END1$REC" x
t_bad "record after the end marker" "after the end" lerp -w 1 "$TMP/x"
mk "$HDR$REC$HDR$REC" x
t_bad "header in the middle of a stream" "header in the middle" lerp -w 1 "$TMP/x"
mk "$HDR$REC"'X' x
t_bad "aborted binary stream" "x:record 2: stream aborted" lerp -w 1 "$TMP/x"
cat "$TMP/good" "$TMP/small.z" > "$TMP/x"
t_bad "concatenation with another dimension" "concatenated stream has dimension 3, not 2" \
	lerp -w 1 "$TMP/x"

csv() { printf "key_id,word,z0,z1,z2\na,w,1,2,3\n$1" > "$TMP/x"; }
csv 'b,w,1,2\n'
t_bad "CSV row with too few columns" "x:line 3: 4 columns, the header has 5" lerp -w 1 "$TMP/x"
csv 'b,w,1,2,3,4\n'
t_bad "CSV row with too many columns" "x:line 3: 6 columns, the header has 5" lerp -w 1 "$TMP/x"
csv '\n\nb,w,1,2\n'
t_bad "CSV line numbers count blank lines" "x:line 5: 4 columns" lerp -w 1 "$TMP/x"
csv 'b,w,1,two,3\n'
t_bad "non-numeric CSV value" "x:line 3: z1: not a number 'two'" lerp -w 1 "$TMP/x"
csv 'b,w,1,,3\n'
t_bad "empty CSV value" "x:line 3: z1: not a number ''" lerp -w 1 "$TMP/x"
csv 'b,w,1,2,3x\n'
t_bad "trailing junk after a number" "x:line 3: z2: not a number '3x'" lerp -w 1 "$TMP/x"
csv 'b,w,NaN,2,3\n'
t_bad "NaN in CSV" "x:line 3: z0: not a finite number 'NaN'" lerp -w 1 "$TMP/x"
csv 'b,w,1,-inf,3\n'
t_bad "infinity in CSV" "x:line 3: z1: not a finite number '-inf'" lerp -w 1 "$TMP/x"
csv 'b,w,1,2,1e39\n'
t_bad "CSV value out of float range" "x:line 3: z2: out of float range" lerp -w 1 "$TMP/x"
csv 'b,w,1,2,"3\n'
t_bad "unclosed quote" "x:line [34]: malformed CSV" lerp -w 1 "$TMP/x"
csv 'b"x,w,1,2,3\n'
t_bad "quote inside an unquoted field" "x:line 3: malformed CSV" lerp -w 1 "$TMP/x"
csv '"b\nc",w,1,2,3\n'
t_bad "newline inside a quoted key_id" "x:line [34]: key_id holds a control character" lerp -w 1 "$TMP/x"
csv "$(awk 'BEGIN { while (n++ < 256) printf "k" }'),w,1,2,3\n"
t_bad "key_id of 256 bytes" "x:line 3: key_id longer than 255 bytes" lerp -w 1 "$TMP/x"
csv "b,w,1,2,0.$(awk 'BEGIN { while (n++ < 2000) printf "1" }')\n"
t_bad "field of 2002 bytes" "x:line 3: field longer than 1024 bytes" lerp -w 1 "$TMP/x"
csv 'b,w,1,2,3\0005\n'
t_bad "NUL byte in a value" "x:line 3: NUL byte in a field" lerp -w 1 "$TMP/x"
csv 'key_id,word,z0,z1\n'
t_bad "repeated header row of another dimension" "x:line 3: header row has dimension 2, not 3" lerp -w 1 "$TMP/x"
csv 'key_id,word,z0,z1,z9\n'
t_bad "repeated header row with a wrong name" "x:line 3: header row: column 5 is 'z9', want 'z2'" lerp -w 1 "$TMP/x"
csv 'aborted: the program writing this failed\n'
t_bad "aborted CSV stream" "x:line 3: stream aborted" lerp -w 1 "$TMP/x"

# dimension mismatch between two inputs, and whole groups
printf 'key_id,word,z0,z1\na,w,1,2\n' > "$TMP/d2.csv"
printf 'key_id,word,z0,z1,z2\nb,w,1,2,3\n' > "$TMP/d3.csv"
t_bad "dimension mismatch between two inputs" \
	"d3.csv: dimension 3, but .*d2.csv has dimension 2" lerp "$TMP/d2.csv" "$TMP/d3.csv"
t_bad "odd count for interpolation" "input ends after 3 vectors: interpolation takes them in groups of 2" \
	lerp "$TMP/small.z" "$TMP/d3.csv"
t_bad "count not a multiple of the weights" "input ends after 2 vectors: -w takes them in groups of 3" \
	lerp -w 1,1,1 "$TMP/small.z"
t_bad "mean of nothing" "no vectors in the input" lerp -m "$TMP/none.csv"
t_bad "a result out of float range" "weighted sum of vectors 1 to 2: z2 is out of float range" \
	lerp -w 1e38,1e38 "$TMP/small.z"
t_bad "missing file" "nosuch:" lerp "$TMP/nosuch"

# bad calls
t_bad "-n 1" "-n: bad value '1'" lerp -n 1 "$TMP/small.z"
t_bad "-n x" "-n: bad value 'x'" lerp -n x "$TMP/small.z"
t_bad "-w with an empty weight" "-w: bad weights '1,,2'" lerp -w 1,,2 "$TMP/small.z"
t_bad "-w nan" "-w: bad weights 'nan'" lerp -w nan "$TMP/small.z"
t_bad "-w 1,x" "-w: bad weights '1,x'" lerp -w 1,x "$TMP/small.z"
t_bad "-m with -w" "cannot be combined" lerp -m -w 1 "$TMP/small.z"
t_bad "-m with -s" "go with interpolation" lerp -m -s "$TMP/small.z"
t_bad "-w with -n" "go with interpolation" lerp -w 1 -n 3 "$TMP/small.z"
t_bad "unknown option" "usage: lerp \[-cms\] \[-n steps\] \[-w weights\] \[file \.\.\.\]" lerp -x
t_eq "usage equals the man page SYNOPSIS" \
	"$(lerp -x 2>&1 | sed -n 's/^usage: //p')" \
	"$(MANWIDTH=200 man -l "$TOP/man/man1/lerp.1" 2>/dev/null | sed -n '/^SYNOPSIS/{n;p;}' | sed 's/^ *//')"

# ---- failing writers and broken pipes ----
rand_csv 3 20000 16 > "$TMP/big.csv"
lerp -w 1 "$TMP/big.csv" > "$TMP/big.z"
lerp -w 1 "$TMP/big.z" "$TMP/d3.csv" > "$TMP/x" 2> "$TMP/err"
t_true "a writer failing after 1 MiB of output exits 1" $? -eq 1
t_true "... and has written more than 1 MiB" "$(wc -c < "$TMP/x")" -gt 1048576
t_bad "... which readers refuse" "stream aborted" lerp -m "$TMP/x"
lerp -c -w 1 "$TMP/big.z" "$TMP/d3.csv" > "$TMP/x" 2> "$TMP/err"
t_true "the same in CSV exits 1" $? -eq 1
t_eq "... ending with the abort line" "aborted: the program writing this failed" "$(tail -1 "$TMP/x")"
t_bad "... which readers refuse" "stream aborted" lerp -m "$TMP/x"
lerp -c -w 1 "$TMP/big.z" 2> "$TMP/err" | head -c 10 > /dev/null
t_true "lerp -c | head -c 10 is quiet" ! -s "$TMP/err"
lerp -n 100 "$TMP/big.z" 2> "$TMP/err" | head -c 10 > /dev/null
t_true "lerp | head -c 10 is quiet" ! -s "$TMP/err"

# ---- the EXAMPLES print what the page says ----
awk '/^\.SH EXAMPLES/ { on = 1 } /^\.SH SEE/ { on = 0 }
     on && /^\.EX/ { ex = 1; next } on && /^\.EE/ { ex = 0; next }
     on && ex' "$TOP/man/man1/lerp.1" |
	sed 's/\\-/-/g; s/\\(aq/'"'"'/g; s/\\e/\\/g' > "$TMP/doc.txt"
mkdir "$TMP/ex"
sed -n 's/^\$ //p' "$TMP/doc.txt" | while IFS= read -r cmd; do
	printf '$ %s\n' "$cmd"
	(cd "$TMP/ex" && bash -o pipefail -c "$cmd")
done > "$TMP/got.txt" 2>&1
t_eq "lerp(1) EXAMPLES print the output shown" "" \
	"$(diff "$TMP/doc.txt" "$TMP/got.txt" | head -5)"
t_done
