#!/bin/sh
# pick(1): -s, -n, -k, -w and -p select the drawings stroke2txt shows them
# to be; -p m:lo-hi splits a stream by position into parts that together
# are the stream; bad values are refused.
. "$(dirname "$0")/lib.sh"

npz2stroke -s test "$DATA/sketchrnn/aaron_sheep.npz" > "$TMP/s"
# keys FILE: the key_ids of a stream, one a line
keys() { stroke2txt "$1" | sed -n 's/^drawing key_id=\([^ ]*\) .*/\1/p'; }
keys "$TMP/s" > "$TMP/all"
n=$(wc -l < "$TMP/all")
t_true "the test split: $n drawings" "$n" -eq 300

pick -s 5 -n 3 "$TMP/s" > "$TMP/p"
t_eq "-s 5 -n 3" "$(sed -n 6,8p "$TMP/all")" "$(keys "$TMP/p")"
k=$(sed -n 42p "$TMP/all")
t_eq "-k" "$k" "$(pick -k "$k" "$TMP/s" | keys /dev/stdin)"
t_eq "-w: all are aaron_sheep" "$n" \
	"$(pick -w aaron_sheep "$TMP/s" | keys /dev/stdin | wc -l)"
t_eq "-w: none are cats" "" "$(pick -w cat "$TMP/s" | keys /dev/stdin)"

pick -p 20:18 "$TMP/s" > "$TMP/v"
t_eq "-p 20:18: drawings 18, 38, ..." \
	"$(awk 'NR % 20 == 19' "$TMP/all")" "$(keys "$TMP/v")"
pick -p 20:0-17 "$TMP/s" > "$TMP/t"
pick -p 20:19 "$TMP/s" > "$TMP/e"
t_eq "-p 20:0-17, 20:18, 20:19: 270, 15, 15" "270 15 15" \
	"$(keys "$TMP/t" | wc -l) $(keys "$TMP/v" | wc -l) $(keys "$TMP/e" | wc -l)"
t_eq "the three parts are the stream" "$(sort "$TMP/all")" \
	"$( (keys "$TMP/t"; keys "$TMP/v"; keys "$TMP/e") | sort)"
t_eq "-s 2 -p 3:1 -n 4: after the skip, every third from the second" \
	"$(sed -n '4p;7p;10p;13p' "$TMP/all")" \
	"$(pick -s 2 -p 3:1 -n 4 "$TMP/s" | keys /dev/stdin)"
t_eq "-p 1:0 keeps all" "$n" "$(pick -p 1:0 "$TMP/s" | keys /dev/stdin | wc -l)"
normalize "$TMP/s" > "$TMP/norm"
t_eq "the header passes through (normalised, scale)" \
	"$(stroke2txt "$TMP/norm" | head -n 1)" \
	"$(pick -p 20:18 "$TMP/norm" | stroke2txt | head -n 1)"

for v in 20: 20:0- 20:-1 20:5-3 20:20 0:0 x 20 :3 20:3x; do
	t_bad "-p $v" "pick: -p: bad value '$v'" pick -p "$v" "$TMP/s"
done
t_done
