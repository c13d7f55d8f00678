#!/bin/sh
# The fuzz harness of ndjson2stroke's parsers (tests/fuzz/ndjson_fuzz.c)
# run once over its corpus, every input found so far included: no crash,
# no sanitizer report, no difference between the ways it scans a line.
# The harness is built with clang's libFuzzer (make BUILD/fuzz/ndjson_fuzz);
# without clang or its fuzzer runtime the check is skipped.
. "$(dirname "$0")/lib.sh"

build=${SKETCHRNN_BUILD:-$TOP/build}
fuzz=$build/fuzz/ndjson_fuzz
cc=${FUZZ_CC:-clang}
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ return 0; }\n' > "$TMP/probe.c"
if ! "$cc" -fsanitize=fuzzer -o "$TMP/probe" "$TMP/probe.c" > /dev/null 2>&1; then
	echo "ok - fuzz corpus replay # skip: no $cc with a fuzzer runtime"
	t_done
fi
t_ok "the fuzz harness builds" make -s -C "$TOP" BUILD="$build" "$fuzz"
set -- "$TOP"/tests/fuzz/corpus/ndjson/*
t_ok "the harness replays the $# inputs of its corpus" "$fuzz" "$@"
t_done
