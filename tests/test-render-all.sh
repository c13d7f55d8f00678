#!/bin/sh
# pipelines/render-all.sh: parallel rendering gives exactly the files of a
# serial stroke2svg -o, for several job counts and from standard input.
. "$(dirname "$0")/lib.sh"

R=$TOP/pipelines/render-all.sh
ndjson2stroke "$DATA/quickdraw/monkey-1000.simplified.ndjson" | normalize > "$TMP/m"
mkdir "$TMP/serial"
stroke2svg -C -s 64 -o "$TMP/serial/%06d.svg" "$TMP/m"
t_eq "serial: one file per drawing" 1000 "$(ls "$TMP/serial" | wc -l)"
for j in 2 3 7; do
	sh "$R" -j $j -o "-C -s 64" "$TMP/m" "$TMP/par$j" 2> "$TMP/err"
	t_true "-j $j exits 0" $? -eq 0
	t_ok "-j $j: the same files, byte for byte" diff -r "$TMP/serial" "$TMP/par$j"
done
sh "$R" -o "-C -s 64" - "$TMP/stdin" < "$TMP/m"
t_ok "from standard input: the same files" diff -r "$TMP/serial" "$TMP/stdin"
head -c 5000 "$TMP/m" > "$TMP/cut"
sh "$R" -j 2 "$TMP/cut" "$TMP/bad" > /dev/null 2> "$TMP/err"
t_true "a truncated stream fails the run" $? -ne 0
t_ok "... naming the file" grep -q "cut:record" "$TMP/err"
t_bad "stroke2svg -p without -o" "-p needs -o" stroke2svg -p 0/2 "$TMP/m"
t_bad "stroke2svg -p 2/2" "-p: bad value" stroke2svg -p 2/2 -o "$TMP/x%d.svg" "$TMP/m"
t_bad "render-all.sh -j 0" "-j: bad value" sh "$R" -j 0 "$TMP/m" "$TMP/o"
t_done
