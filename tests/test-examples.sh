#!/bin/sh
# Every command in the EXAMPLES of every man1 page runs: lines of an .EX
# block that start with "$ " are run in order, one scratch directory per
# page (with data/ linked in), under bash -o pipefail; each must exit 0 and
# print nothing on standard error.
. "$(dirname "$0")/lib.sh"
# train(1)'s mpirun example: mpirun refuses root (as CI runs) without these
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

for page in "$TOP"/man/man1/*.1; do
	name=$(basename "$page" .1)
	dir=$TMP/$name
	mkdir -p "$dir"
	ln -s "$DATA" "$dir/data"
	# roff escapes to text; a line ending in a backslash or a pipe
	# continues on the next.
	awk '/^\.EX/ { ex = 1; next } /^\.EE/ { ex = 0; next }
	     ex && (/^\$ / || cont) {
		line = $0; if (!cont) sub(/^\$ /, "", line)
		gsub(/\\-/, "-", line); gsub(/\\\(aq/, "\047", line)
		gsub(/\\\(dq/, "\"", line); gsub(/\\\(\+-/, "+-", line)
		gsub(/\\e/, "\\", line)
		cont = sub(/\\$/, "", line) || line ~ /\|[ \t]*$/
		printf "%s%s", line, cont ? " " : "\n"
	     }' "$page" > "$TMP/$name.cmds"
	n=0
	while IFS= read -r cmd; do
		n=$((n + 1))
		# MPI runs: full stacks, for tests/lsan.supp (see test-mpi.sh)
		asan=${ASAN_OPTIONS:-}
		case $cmd in mpirun*) asan="$asan:fast_unwind_on_malloc=0" ;; esac
		(cd "$dir" && ASAN_OPTIONS=$asan \
			LSAN_OPTIONS="suppressions=$TOP/tests/lsan.supp:print_suppressions=0" \
			bash -o pipefail -c "$cmd") > "$TMP/ex.out" 2> "$TMP/ex.err" < /dev/null
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
