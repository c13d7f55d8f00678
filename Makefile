# sketchrnn: one plain Makefile.
#
#   make            build every filter into build/bin
#   make deps       install what is missing: Debian packages, web/node_modules
#   make demo       make deps, build, run the demo
#   make check      make deps, then the test suite on a normal and a
#                   sanitizer build
#   make bench      run the benchmarks in bench/
#   make install    install filters, scripts and man pages under PREFIX
#
# BUILD selects the output directory; SAN=1 builds with AddressSanitizer and
# UBSan (make check does this in build-san/).

FILTERS = ndjson2stroke bin2stroke rdp-simplify normalize stroke2svg stroke2txt npz2stroke stroke2npz batch train lerp decode model2js encode pick strokedist

PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN = -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ilib \
	-I/usr/include/x86_64-linux-gnu
LDLIBS = -lopenblas -ljson-c -lcsv -lz -lm -lpthread
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC = $(sort $(wildcard lib/*.c))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB_HDR = $(wildcard lib/*.h)
BINS = $(FILTERS:%=$(BUILD)/bin/%)
TEST_SRC = $(sort $(wildcard tests/*_test.c))
TEST_BINS = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# helpers of the test scripts (not tests themselves, not installed)
TEST_TOOLS = $(BUILD)/tests/mdn_dump
# bench/allreduce.c needs MPI (built with $(TRAIN_CC), below)
BENCH_SRC = $(filter-out $(if $(filter 1,$(MPI)),,bench/allreduce.c), \
	$(sort $(wildcard bench/*.c)))
BENCH_BINS = $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

DEB_PACKAGES = build-essential libopenblas-dev libjson-c-dev libcsv-dev \
	zlib1g-dev parallel rsync librsvg2-bin python3 time gnuplot-nox \
	chromium nodejs ca-certificates clang libclang-rt-14-dev \
	libopenmpi-dev openmpi-bin

all: $(BINS) $(TEST_BINS) $(TEST_TOOLS)

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/libsketch.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/bin/%: filters/%.c $(BUILD)/libsketch.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< \
		$(BUILD)/libsketch.a $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libsketch.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< \
		$(BUILD)/libsketch.a $(LDLIBS)

# ndjson2stroke: its main in filters/, its parsers in filters/ndjson2stroke/
# (scan.h), which ndjson_number_test and the fuzz harness link too.  On
# x86-64, lists.c (the vector list loops, lists.h) is built twice: for the
# baseline, and for x86-64-v3 (AVX2) as lists_v3, which runs where the CPU
# has it; elsewhere the plain loops of numbers.c do.
NDJSON_X86 := $(filter x86_64%,$(shell $(CC) -dumpmachine))
NDJSON_SRC = $(filter-out $(if $(NDJSON_X86),,%/lists.c), \
	$(sort $(wildcard filters/ndjson2stroke/*.c)))
NDJSON_V3 = -march=x86-64-v3 -DLISTS_NAME=lists_v3
NDJSON_OBJ = $(NDJSON_SRC:%.c=$(BUILD)/%.o) \
	$(if $(NDJSON_X86),$(BUILD)/filters/ndjson2stroke/lists-v3.o)
NDJSON_HDR = $(wildcard filters/ndjson2stroke/*.h)

$(BUILD)/filters/ndjson2stroke/%.o: filters/ndjson2stroke/%.c $(NDJSON_HDR) \
		$(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/filters/ndjson2stroke/lists-v3.o: filters/ndjson2stroke/lists.c \
		$(NDJSON_HDR) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(NDJSON_V3) -c -o $@ $<

$(BUILD)/bin/ndjson2stroke: filters/ndjson2stroke.c $(NDJSON_OBJ) \
		$(NDJSON_HDR) $(BUILD)/libsketch.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(NDJSON_OBJ) \
		$(BUILD)/libsketch.a $(LDLIBS)

$(BUILD)/tests/ndjson_number_test: tests/ndjson_number_test.c $(NDJSON_OBJ) \
		$(NDJSON_HDR) $(BUILD)/libsketch.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(NDJSON_OBJ) \
		$(BUILD)/libsketch.a $(LDLIBS)

# train: its main in filters/, the MPI part of train -M in filters/train/
# (cluster.h).  Where mpicc is found (Debian: libopenmpi-dev), train is
# built with it and -M works; MPI=0 (or no mpicc) builds train without MPI,
# where -M says so.  The library itself never needs MPI.
MPICC ?= $(shell command -v mpicc 2>/dev/null)
MPI ?= $(if $(MPICC),1,0)
TRAIN_CC = $(if $(filter 1,$(MPI)),$(MPICC),$(CC))
TRAIN_MPI = $(if $(filter 1,$(MPI)),-DSKETCHRNN_MPI)
TRAIN_HDR = $(wildcard filters/train/*.h)
TRAIN_OBJ = $(patsubst %.c,$(BUILD)/%.o,$(wildcard filters/train/*.c))

$(BUILD)/filters/train/%.o: filters/train/%.c $(TRAIN_HDR) $(LIB_HDR)
	@mkdir -p $(@D)
	$(TRAIN_CC) $(CPPFLAGS) $(TRAIN_MPI) $(CFLAGS) $(WARN) -Ifilters/train \
		-c -o $@ $<

$(BUILD)/bin/train: filters/train.c $(TRAIN_OBJ) $(TRAIN_HDR) \
		$(BUILD)/libsketch.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(TRAIN_CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Ifilters/train $(LDFLAGS) \
		-o $@ $< $(TRAIN_OBJ) $(BUILD)/libsketch.a $(LDLIBS)

# make fuzz: the libFuzzer harnesses in tests/fuzz/ (FUZZ_NAMES: one for
# ndjson2stroke's parsers, one for each reader of lib/) for FUZZ_S seconds
# each, from the seeds in tests/fuzz/corpus/NAME; what they find goes to
# $(BUILD)/fuzz/corpus/NAME and $(BUILD)/fuzz/NAME-crash-* (tests/fuzz/
# README.md).  They need clang and its fuzzer runtime (Debian: clang,
# libclang-rt-14-dev).  FUZZ_OPTS adds libFuzzer options.
FUZZ_S ?= 60
FUZZ_CC ?= clang
FUZZ_NAMES ?= ndjson stroke batch latent model sketchjs npz npy
FUZZ_OPTS ?=
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all
# the library files the parsers need, compiled as the gcc build checks them
FUZZ_LIB = $(patsubst %,$(BUILD)/fuzz/lib/%.o,stroke frame util)
# the whole library, for the harnesses of its readers
FUZZ_ALL = $(LIB_SRC:lib/%.c=$(BUILD)/fuzz/lib/%.o)
FUZZ_BINS = $(FUZZ_NAMES:%=$(BUILD)/fuzz/%_fuzz)

$(BUILD)/fuzz/lib/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) -c -o $@ $<

# with the AVX2 copy of the list loops, as the gcc build has it
FUZZ_V3 = $(if $(NDJSON_X86),$(BUILD)/fuzz/ndjson/lists-v3.o)

$(BUILD)/fuzz/ndjson/lists-v3.o: filters/ndjson2stroke/lists.c \
		$(NDJSON_HDR) $(LIB_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) $(WARN) $(NDJSON_V3) -c -o $@ $<

$(BUILD)/fuzz/ndjson_fuzz: tests/fuzz/ndjson_fuzz.c $(NDJSON_SRC) \
		$(NDJSON_HDR) $(FUZZ_LIB) $(FUZZ_V3) $(LIB_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) $(WARN) -o $@ $< $(NDJSON_SRC) \
		$(FUZZ_V3) $(FUZZ_LIB) -ljson-c -lz -lm

$(BUILD)/fuzz/%_fuzz: tests/fuzz/%_fuzz.c tests/fuzz/fuzz.h $(FUZZ_ALL) \
		$(LIB_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) $(WARN) -o $@ $< $(FUZZ_ALL) \
		$(LDLIBS)

# -max_len: ndjson lines up to 20000 bytes; the others as their largest
# seed (libFuzzer's default).  Inputs that allocate past 512 MiB count as
# findings (a few bytes must not make a reader ask for that much).
fuzz: $(FUZZ_BINS)
	@for n in $(FUZZ_NAMES); do \
		mkdir -p $(BUILD)/fuzz/corpus/$$n || exit 1; \
		opts="-malloc_limit_mb=512"; \
		[ $$n = ndjson ] && opts="-max_len=20000"; \
		[ -f tests/fuzz/$$n.dict ] && opts="$$opts -dict=tests/fuzz/$$n.dict"; \
		echo "== $$n ($(FUZZ_S) s)"; \
		$(BUILD)/fuzz/$${n}_fuzz -max_total_time=$(FUZZ_S) $$opts \
			$(FUZZ_OPTS) -artifact_prefix=$(BUILD)/fuzz/$$n- \
			$(BUILD)/fuzz/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

.PHONY: fuzz

$(BUILD)/bench/ndjson_scan: bench/ndjson_scan.c $(NDJSON_OBJ) $(NDJSON_HDR) \
		$(BUILD)/libsketch.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(NDJSON_OBJ) \
		$(BUILD)/libsketch.a $(LDLIBS)

# allreduce: the exchange of a train -M step (bench/mpi.sh); with MPI only
$(BUILD)/bench/allreduce: bench/allreduce.c $(BUILD)/libsketch.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(TRAIN_CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< \
		$(BUILD)/libsketch.a $(LDLIBS)

$(BUILD)/bench/%: bench/%.c $(BUILD)/libsketch.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< \
		$(BUILD)/libsketch.a $(LDLIBS)

deps:
	@sh tests/deps.sh $(DEB_PACKAGES)

demo: deps
	$(MAKE) all
	SKETCHRNN_BUILD=$(CURDIR)/$(BUILD) sh pipelines/demo.sh

check: deps
	$(MAKE) all
	$(MAKE) BUILD=build-san SAN=1 all
	sh tests/run.sh $(BUILD) build-san

# make web: the shipped sketchrnn models exported next to the page
# (web/NAME.vae.json, not in git), for its model picker.
WEB_MODELS = web/aaron_sheep.vae.json web/aaron_sheep-small.vae.json
web: $(WEB_MODELS)

web/%.vae.json: data/models/%.skm $(BUILD)/bin/model2js
	$(BUILD)/bin/model2js -n $* $< > $@.tmp && mv $@.tmp $@

bench: all $(BENCH_BINS)
	sh bench/run.sh $(BUILD)

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5
	cp $(BINS) $(DESTDIR)$(PREFIX)/bin/
	cp man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	cp man/man5/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/

format:
	clang-format -i lib/*.[ch] filters/*.c filters/ndjson2stroke/*.[ch] \
		tests/*.c tests/fuzz/*.c bench/*.c

clean:
	rm -rf build build-san out

.PHONY: all deps demo check bench install format clean web
.SECONDARY:

# --- neural core tests ---
# tests/nn_grad_test checks every backward pass against finite differences
# in double: it links the neural-core sources compiled a second time with
# -DSKETCH_DOUBLE (real = double) instead of the float ones in libsketch.a.
NN_DBL_SRC = lib/adam.c lib/gemm.c lib/hyper.c lib/lstm.c lib/mdn.c \
	lib/rng.c lib/sketchrnn.c
NN_DBL_OBJ = $(NN_DBL_SRC:lib/%.c=$(BUILD)/nn-double/%.o)

$(BUILD)/nn-double/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DSKETCH_DOUBLE $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/tests/nn_grad_test: tests/nn_grad_test.c $(NN_DBL_OBJ) \
		$(BUILD)/libsketch.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DSKETCH_DOUBLE $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ \
		$< $(NN_DBL_OBJ) $(BUILD)/libsketch.a $(LDLIBS)
