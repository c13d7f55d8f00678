#!/bin/sh
# The fuzz harnesses (tests/fuzz/*_fuzz.c: ndjson2stroke's parsers and
# every reader of lib/) run once over their corpora, every input found so
# far included: no crash, no sanitizer report, no exit from a reader, no
# difference between what the harness compares, no input that runs past
# 20 s (libFuzzer's -timeout; the pickle that looped forever was found
# so).  Planting again each of the fixed bugs makes its replay fail
# (checked: batch, latent and npy).  The harnesses are built
# with clang's libFuzzer (make BUILD/fuzz/NAME_fuzz); without clang or its
# fuzzer runtime the check is skipped.
. "$(dirname "$0")/lib.sh"

build=${SKETCHRNN_BUILD:-$TOP/build}
cc=${FUZZ_CC:-clang}
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ return 0; }\n' > "$TMP/probe.c"
if ! "$cc" -fsanitize=fuzzer -o "$TMP/probe" "$TMP/probe.c" > /dev/null 2>&1; then
	echo "ok - fuzz corpus replay # skip: no $cc with a fuzzer runtime"
	t_done
fi
for src in "$TOP"/tests/fuzz/*_fuzz.c; do
	name=$(basename "$src" _fuzz.c)
	fuzz=$build/fuzz/${name}_fuzz
	t_ok "$name: the fuzz harness builds" \
		make -s -C "$TOP" BUILD="$build" "$fuzz"
	set -- "$TOP"/tests/fuzz/corpus/"$name"/*
	t_ok "$name: the harness replays the $# inputs of its corpus" \
		"$fuzz" -malloc_limit_mb=512 -timeout=20 "$@"
done
t_done
