#!/bin/sh
# Every command in the EXAMPLES of every man1 page runs: lines of an .EX
# block that start with "$ " are run in order, one scratch directory per
# page (with data/ linked in), under bash -o pipefail; each must exit 0 and
# print nothing on standard error.
. "$(dirname "$0")/lib.sh"

for page in "$TOP"/man/man1/*.1; do
	name=$(basename "$page" .1)
	dir=$TMP/$name
	mkdir -p "$dir"
	ln -s "$DATA" "$dir/data"
	awk '/^\.EX/ { ex = 1; next } /^\.EE/ { ex = 0; next }
	     ex && /^\$ / { sub(/^\$ /, ""); print }' "$page" |
		sed -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/\\(+-/+-/g' > "$TMP/$name.cmds"
	n=0
	while IFS= read -r cmd; do
		n=$((n + 1))
		(cd "$dir" && bash -o pipefail -c "$cmd") > "$TMP/ex.out" 2> "$TMP/ex.err" < /dev/null
		st=$?
		if [ $st -eq 0 ] && [ ! -s "$TMP/ex.err" ]; then
			t_pass "$name(1) example $n: $cmd"
		else
			t_fail "$name(1) example $n: $cmd"
			echo "# exit $st"; sed 's/^/# /' "$TMP/ex.err" | head -5
		fi
	done < "$TMP/$name.cmds"
	t_true "$name(1) has examples" "$n" -gt 0
done
t_done
