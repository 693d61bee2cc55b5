# bulkrun - see README.md.  `make`, `make test`, `make demo`, `make install`.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DESTDIR	?=
BUILD	?= build
SAN	?=
CC	?= cc

PKGS	 = libcurl libcjson libcrypto xlsxwriter minizip libxml-2.0
WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes
CFLAGS	?= -O2 -g
ALLCFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
	   $(CFLAGS) $(SAN) -pthread -Isrc \
	   $$(pkg-config --cflags $(PKGS) libmicrohttpd 2>/dev/null)
LDLIBS_BR  = $$(pkg-config --libs $(PKGS)) -lcsv -lm -pthread
LDLIBS_SIM = $$(pkg-config --libs libmicrohttpd libcjson libcrypto) -lm -pthread
LDLIBS_T   = $$(pkg-config --libs criterion)

LIBSRC	= $(filter-out src/main.c,$(wildcard src/*.c))
LIBOBJ	= $(LIBSRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/catalog_data.o
SIMSRC	= $(wildcard src/sim/*.c)
SIMOBJ	= $(SIMSRC:src/sim/%.c=$(BUILD)/obj/sim/%.o)
# the plain helpers it shares with bulkrun; never the signer (src/sign.c)
SIMLIB	= strbuf utf8 text jsontext datetime
SIMLIBOBJ = $(SIMLIB:%=$(BUILD)/obj/%.o)
UNITSRC	= $(wildcard tests/test_*.c)
UNITOBJ	= $(UNITSRC:tests/%.c=$(BUILD)/obj/tests/%.o)
E2ESRC	= $(wildcard tests/e2e/*.c)
E2EOBJ	= $(E2ESRC:tests/e2e/%.c=$(BUILD)/obj/e2e/%.o)
HDRS	= $(wildcard src/*.h src/sim/*.h tests/e2e/*.h)

.PHONY: all deps test unit e2e check-asan check-tsan demo install clean \
	build-all build-plain build-asan build-tsan build-fuzz bench-tools \
	contrib-check check-man

all: $(BUILD)/bulkrun $(BUILD)/bulkrun-sim

deps:
	@scripts/deps.sh

$(BUILD)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(BUILD)/obj/sim/%.o: src/sim/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/%.o: tests/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(BUILD)/obj/e2e/%.o: tests/e2e/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(BUILD)/gen/catalog_data.c: src/catalog.json scripts/embed.sh
	@mkdir -p $(@D)
	scripts/embed.sh br_catalog_json src/catalog.json $@

$(BUILD)/obj/catalog_data.o: $(BUILD)/gen/catalog_data.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/bulkrun: $(BUILD)/obj/main.o $(LIBOBJ)
	$(CC) $(ALLCFLAGS) -o $@ $^ $(LDLIBS_BR)

$(BUILD)/bulkrun-sim: $(SIMOBJ) $(SIMLIBOBJ)
	$(CC) $(ALLCFLAGS) -o $@ $^ $(LDLIBS_SIM)

# test_oom.c makes bulkrun's own allocations fail one by one.
WRAP_ALLOC = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc \
	     -Wl,--wrap=reallocarray,--wrap=strdup,--wrap=strndup
$(BUILD)/unit-tests: $(UNITOBJ) $(LIBOBJ)
	$(CC) $(ALLCFLAGS) $(WRAP_ALLOC) -o $@ $^ $(LDLIBS_T) $(LDLIBS_BR)

$(BUILD)/e2e-tests: $(E2EOBJ)
	$(CC) $(ALLCFLAGS) -o $@ $^ $(LDLIBS_T) $$(pkg-config --libs libcjson) -lcsv

# scripts/bench.sh's ceiling: a bare libcurl pool (not in all or test).
bench-tools: $(BUILD)/barepool

$(BUILD)/barepool: scripts/barepool.c src/version.h
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -o $@ scripts/barepool.c \
	    $$(pkg-config --libs libcurl) -pthread

# Criterion's own runner forks a process per test; -j2 matches the machine.
# The end-to-end tests mostly wait (on the simulator, on rate limits,
# retry delays and resources coming back), so eight run at once: 12 s for
# the 100 of them on 2 cores, against 24 s four at a time.
CRITERION_FLAGS ?= --jobs 2
E2E_FLAGS ?= --jobs 8

unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests $(CRITERION_FLAGS)

# SMOKE=0 skips the simulator's own smoke test (the sanitizer pass: the
# end-to-end tests drive the same simulator there).
SMOKE	?= 1
e2e: all $(BUILD)/e2e-tests
	if [ "$(SMOKE)" != 0 ]; then tests/sim/smoke.sh $(BUILD)/bulkrun-sim; fi
	BULKRUN=$(BUILD)/bulkrun BULKRUN_SIM=$(BUILD)/bulkrun-sim \
	    BULKRUN_TESTDATA=tests/data $(BUILD)/e2e-tests $(E2E_FLAGS)

# contrib/: systemd-analyze verify on the units, bulkrun under their
# hardening (emulated), the Kubernetes YAML parsed and cross-checked; a
# second or so.  Checks whose tools are missing are skipped.
contrib-check: all
	tests/contrib/check.sh $(BUILD)

ASAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=all
# The unit tests built with ASan+UBSan; the end-to-end tests drive the
# ASan+UBSan builds of bulkrun and the simulator (the harness itself is
# the plain one, as for TSan).
ASAN_ENV = BULKRUN_E2E_TIMING=0 \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
check-asan: $(BUILD)/e2e-tests
	$(MAKE) BUILD=build/asan SAN="$(ASAN_FLAGS)" CFLAGS="-O1 -g" \
	    all build/asan/unit-tests
	$(ASAN_ENV) build/asan/unit-tests $(CRITERION_FLAGS)
	$(ASAN_ENV) BULKRUN=build/asan/bulkrun BULKRUN_SIM=build/asan/bulkrun-sim \
	    BULKRUN_TESTDATA=tests/data $(BUILD)/e2e-tests $(E2E_FLAGS)

# The builds of `make test` share two compilers (2 cores) through one
# jobserver, so that no core idles while another build links.
build-all:
	$(MAKE) -j2 build-plain build-asan build-tsan build-fuzz
build-plain:
	$(MAKE) all $(BUILD)/e2e-tests
build-asan:
	$(MAKE) BUILD=build/asan SAN="$(ASAN_FLAGS)" CFLAGS="-O1 -g" \
	    all build/asan/unit-tests
build-tsan:
	$(MAKE) BUILD=$(TSAN) SAN="-fsanitize=thread" CFLAGS="-O1 -g" \
	    $(TSAN)/bulkrun $(TSAN)/bulkrun-sim
build-fuzz: fuzz-build

# Criterion's runner cannot start under TSan (its arena clashes with TSan's
# memory layout), so the threaded programs are built with TSan and driven
# by the plain end-to-end tests; a race makes bulkrun exit 66.
TSAN = build/tsan
# the threaded parts: every suite that runs rows through the pool, not
# those that only check input (sheet, encoding), resolve hosts (a dry run),
# merge reports or convert one (single-threaded)
TSAN_SUITES = !(sheet|encoding|e2e_region|merge|xlsx|xlsxin)/*
check-tsan: $(BUILD)/e2e-tests
	$(MAKE) BUILD=$(TSAN) SAN="-fsanitize=thread" CFLAGS="-O1 -g" \
	    $(TSAN)/bulkrun $(TSAN)/bulkrun-sim
	BULKRUN_E2E_TIMING=0 TSAN_OPTIONS=halt_on_error=1:exitcode=66 \
	BULKRUN=$(TSAN)/bulkrun BULKRUN_SIM=$(TSAN)/bulkrun-sim \
	    BULKRUN_TESTDATA=tests/data $(BUILD)/e2e-tests $(E2E_FLAGS) \
	    --filter '$(TSAN_SUITES)'

# libFuzzer targets (fuzz/*.c; see fuzz/README.md), built with clang into
# their own directory: the library again with -fsanitize=fuzzer-no-link and
# ASan/UBSan.  `make fuzz` runs each for FUZZ_SECONDS (two at a time); a
# finding fails it and is kept under $(FUZZ_BUILD)/artifacts/.
FUZZ_CC		?= clang
FUZZ_BUILD	?= build/fuzz
FUZZ_SECONDS	?= 30
FUZZ_TARGETS	 = fuzz_manifest_csv fuzz_manifest_json fuzz_manifest_jsonl \
		   fuzz_resume fuzz_datetime fuzz_catalog fuzz_result \
		   fuzz_verify
FUZZ_FLAGS	 = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
		   $(filter-out -Werror,$(WARN)) -O1 -g -pthread -Isrc \
		   -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer $$(pkg-config --cflags $(PKGS))
# the readers and what they use: not the run, the network or the threads
FUZZ_NOT	 = sched survey runsetup runcreds dryrun http xferdrv pool iam \
		   creds sign progress stats svclimit ratelimit adaptive delayq \
		   dispatch runwrite verifyrun \
		   lock metrics runsummary shard merge mergein template \
		   cli
FUZZ_LIBSRC	 = $(filter-out $(FUZZ_NOT:%=src/%.c),$(LIBSRC))
FUZZ_LIBOBJ	 = $(FUZZ_LIBSRC:src/%.c=$(FUZZ_BUILD)/obj/%.o) \
		   $(FUZZ_BUILD)/obj/catalog_data.o
FUZZ_BINS	 = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
.PHONY: fuzz fuzz-build fuzz-quick

$(FUZZ_BUILD)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/gen/catalog_data.c: src/catalog.json scripts/embed.sh
	@mkdir -p $(@D)
	scripts/embed.sh br_catalog_json src/catalog.json $@

$(FUZZ_BUILD)/obj/catalog_data.o: $(FUZZ_BUILD)/gen/catalog_data.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -Wno-missing-prototypes -c -o $@ $<

$(FUZZ_BINS): $(FUZZ_BUILD)/%: fuzz/%.c $(wildcard fuzz/*.h) $(FUZZ_LIBOBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIBOBJ) \
	    $(LDLIBS_BR)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Two seconds each, so that `make test` catches a regression.
fuzz-quick:
	$(MAKE) fuzz FUZZ_SECONDS=1

# The end-to-end tests beside the fuzzers and the contrib and manual
# checks (the e2e tests mostly wait), then the two sanitizer passes side
# by side.  The unit tests run once, in the ASan+UBSan pass (they are
# pure CPU; `make unit` runs them plain).  -Otarget keeps each target's
# output together; the last to end is a sanitizer pass, so the last line
# is a Criterion summary.
test: deps
	$(MAKE) build-all
	$(MAKE) -j2 -Otarget --no-print-directory e2e fuzz-quick \
	    contrib-check check-man
	$(MAKE) -j2 -Otarget --no-print-directory check-asan check-tsan

demo: deps all
	scripts/demo.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/bulkrun $(BUILD)/bulkrun-sim $(DESTDIR)$(BINDIR)/
	install -m 644 man/bulkrun.1 $(DESTDIR)$(MANDIR)/man1/

# The manual page, read by groff with every warning on: none may come.
check-man:
	@out=$$(groff -man -Tutf8 -ww -z man/bulkrun.1 2>&1); \
	    if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; \
	    echo "man/bulkrun.1: groff -ww: no warnings"

clean:
	rm -rf build
