#!/bin/sh
# tests/run.sh BUILD...: run the whole suite once against each build
# directory (its bin/ first on PATH, its tests/ programs run too) and end
# with one line "N passed, N failed".
#
# Each test prints TAP-style lines; a program that exits non-zero without
# printing "not ok" counts as one failure.  Sanitizer reports use exit codes
# 86 (ASan) and 87 (UBSan), so no sanitizer error can pass for the exit 1 of
# a bad-input test.

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
[ $# -gt 0 ] || set -- build
export ASAN_OPTIONS=exitcode=86:detect_leaks=1
export UBSAN_OPTIONS=exitcode=87:halt_on_error=1:print_stacktrace=1
# Open MPI's own allocations, kept to the end of a process (train -M); the
# tests of MPI runs unwind fully so that these stacks reach its libraries
export LSAN_OPTIONS=suppressions=$TOP/tests/lsan.supp:print_suppressions=0
LOG=$(mktemp)
pass=0
fail=0

run_one() { # name command...
	name=$1; shift
	"$@" > "$LOG" 2>&1
	st=$?
	p=$(grep -c '^ok' "$LOG")
	f=$(grep -c '^not ok' "$LOG")
	if [ $st -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited $st" >> "$LOG"
	fi
	if [ "$f" -gt 0 ]; then
		echo "FAIL $name ($p passed, $f failed)"
		grep -v '^ok' "$LOG" | head -40
	else
		echo "pass $name ($p)"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
}

for build in "$@"; do
	echo "== build: $build"
	export SKETCHRNN_BUILD="$TOP/$build"
	PATH="$TOP/$build/bin:$TOP/pipelines:$PATH"
	export PATH
	for t in tests/test-*.sh; do
		run_one "$build:$t" sh "$t"
	done
	for t in "$build"/tests/*_test; do
		[ -x "$t" ] && run_one "$t" "$t"
	done
done
rm -f "$LOG"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
