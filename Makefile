# SPDX-License-Identifier: GPL-2.0
# tracewatch - one non-recursive Makefile: binary, unit tests, live tests, sanitizers, bench.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
# Install locations (make install / uninstall); every one can be overridden.
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DOCDIR    ?= $(PREFIX)/share/doc/tracewatch
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR   ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
LOGROTATEDIR ?= $(SYSCONFDIR)/logrotate.d
BUILD     ?= build
CC        ?= cc
PKG_CONFIG ?= pkg-config
PKGS      := libtracefs libtraceevent libcjson libelf libnl-genl-3.0

CFLAGS    ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE \
	-DTW_VERSION='"$(VERSION)"' -Iinclude $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS    += $(shell $(PKG_CONFIG) --libs $(PKGS)) -lz -lpthread
DEPFLAGS   = -MMD -MP

ifeq ($(V),1)
Q :=
else
Q := @
endif

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all test unit live live-static asan valgrind bench install uninstall static doccheck \
	installcheck clean deps deps-build format format-check test-kernels fuzz

SRCS      := $(wildcard src/*.c)
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
OBJS      := $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB_OBJS  := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
# Test builds get the allocation fault injector (TW_TESTING) compiled in.
TLIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/tobj/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
PROG_SRCS := $(wildcard tests/live/progs/*.c)
PROG_BINS := $(PROG_SRCS:tests/live/progs/%.c=$(BUILD)/progs/%)
TOOL_SRCS := $(wildcard tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tools/%.c=$(BUILD)/tools/%)
# The fuzz harness: clang, libFuzzer, every project object instrumented, in its own dir.
FUZZ_CC   ?= clang
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_SECONDS ?= 60
# Extra libFuzzer flags, e.g. for a long run that goes on after a finding:
# FUZZ_FLAGS="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
FUZZ_FLAGS ?=
# Limits a hostile recording must stay within: per input time, memory.
FUZZ_LIMITS := -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048

all: $(BUILD)/tracewatch

$(BUILD)/tracewatch: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/tobj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -DTW_TESTING $(DEPFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(TLIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) -DTW_TESTING $(DEPFLAGS) -o $@ $< $(TLIB_OBJS) $(LDLIBS) -lcmocka

# Helper programs for live tests: plain C, no project code.
$(BUILD)/progs/%: tests/live/progs/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) -O1 -g -Wall -D_GNU_SOURCE -o $@ $< -lpthread $(if $(findstring static,$*),-static)

$(BUILD)/tools/%: tools/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

$(BUILD)/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(CFLAGS) -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(DEPFLAGS) -c -o $@ $<

$(BUILD)/fuzz/fuzz_report: tests/fuzz/fuzz_report.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(CFLAGS) -O1 $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

# Unit tests: cmocka, no kernel, no root. Every binary must pass; then the documentation
# check, the fuzz regression inputs (also through the harness when it is built and up to date)
# and the golden recordings replay through the real binary.
unit: $(UNIT_BINS) $(BUILD)/tracewatch doccheck
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; \
	echo "== fuzz regressions"; \
	fz=; if $(MAKE) -s -q $(BUILD)/fuzz/fuzz_report 2>/dev/null; then \
		fz=$(abspath $(BUILD)/fuzz/fuzz_report); fi; \
	TW_BIN=$(abspath $(BUILD)/tracewatch) TW_FUZZ=$$fz \
		bash tests/fuzz/regressions.sh || fail=1; \
	echo "== golden recordings"; \
	TW_BIN=$(abspath $(BUILD)/tracewatch) bash tests/golden/run.sh || fail=1; \
	exit $$fail

# The reader fuzzed for FUZZ_SECONDS: regression inputs first, then the corpus (seeded from
# real recordings; new inputs go to $(BUILD)/fuzz/corpus). A finding lands in
# $(BUILD)/fuzz/artifacts/ and fails the run.
fuzz: $(BUILD)/fuzz/fuzz_report
	@mkdir -p $(BUILD)/fuzz/corpus $(BUILD)/fuzz/artifacts
	$(Q)set -- tests/fuzz/regressions/*; if [ -e "$$1" ]; then \
		$< $(FUZZ_LIMITS) -close_fd_mask=2 "$$@"; fi
	$< $(FUZZ_LIMITS) -close_fd_mask=2 -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $(FUZZ_FLAGS) \
		-artifact_prefix=$(abspath $(BUILD)/fuzz/artifacts)/ \
		$(BUILD)/fuzz/corpus tests/fuzz/seeds tests/fuzz/regressions

# The man page and the completion against the binary's --help (and the fields and values
# the source defines); the man page renders without warnings.
doccheck: $(BUILD)/tracewatch
	python3 tests/doc/check-man.py $(abspath $(BUILD)/tracewatch) dist/tracewatch.1
	bash tests/doc/check-completion.sh $(abspath $(BUILD)/tracewatch)

# Live tests: the real binary against the real kernel (root). LIVE_BIN picks another build.
LIVE_BIN ?= $(BUILD)/tracewatch
live: $(LIVE_BIN) $(PROG_BINS) $(TOOL_BINS)
	TW_BIN=$(abspath $(LIVE_BIN)) TW_PROGS=$(abspath $(BUILD)/progs) \
		bash tests/live/run.sh

# The live suite on the static binary (the one to copy onto a host).
live-static: $(BUILD)/static/tracewatch
	$(MAKE) live LIVE_BIN=$(BUILD)/static/tracewatch

# The whole suite: unit + live, install and the static binary, other kernels under QEMU, then
# unit + live again under ASan/UBSan, then the recording reader fuzzed for FUZZ_SECONDS (60 s
# by default).
test: unit live installcheck test-kernels asan fuzz

# make install into a scratch DESTDIR, every file checked, then make uninstall leaves none;
# the static binary is static and runs.
installcheck: $(BUILD)/tracewatch $(BUILD)/static/tracewatch
	bash tests/install/check-install.sh
	bash tests/install/check-static.sh $(abspath $(BUILD)/static/tracewatch)

# Tier 2 (eprobes) can't run on this kernel: boot Debian's 6.1 and 6.12 kernels under QEMU,
# with the static binary (no libraries to copy into their initramfs).
test-kernels: $(BUILD)/static/tracewatch
	bash tools/test-kernels.sh $(abspath $(BUILD)/static/tracewatch)

# A fully static binary: Debian's -dev packages ship libtracefs.a, libtraceevent.a, libelf.a and
# libz.a; libcjson.a is built from Debian's cjson source package (tools/static-cjson.sh).
static: $(BUILD)/static/tracewatch

$(BUILD)/static/libcjson.a: tools/static-cjson.sh
	$(Q)CC="$(CC)" bash tools/static-cjson.sh $(dir $@)

# glibc warns that libtraceevent's plugin loader calls dlopen(): tracewatch loads no plugins.
$(BUILD)/static/tracewatch: $(OBJS) $(BUILD)/static/libcjson.a
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $(OBJS) -L$(BUILD)/static \
		$(shell $(PKG_CONFIG) --static --libs $(PKGS)) -lpthread 2>$@.log || \
		{ cat $@.log >&2; rm -f $@.log; exit 1; }
	$(Q)grep -v "dlopen' in statically linked\|in function .load_plugin'" $@.log >&2; rm -f $@.log

# What a distribution package would install. The man page is gzip'd (Debian's convention);
# the unit's ExecStart points at BINDIR.
INSTALLED := $(BINDIR)/tracewatch $(MANDIR)/man1/tracewatch.1.gz $(BASHCOMPDIR)/tracewatch \
	$(UNITDIR)/tracewatch.service $(LOGROTATEDIR)/tracewatch $(DOCDIR)/README.md \
	$(DOCDIR)/LICENSE $(DOCDIR)/examples/vector.toml

# Unit and live tests again, built with ASan/UBSan (any report fails the run).
asan:
	$(MAKE) BUILD=$(BUILD)/asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" unit live

valgrind: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do valgrind -q --error-exitcode=1 --leak-check=full $$t || fail=1; done; exit $$fail

bench: $(BUILD)/tracewatch $(PROG_BINS) $(TOOL_BINS)
	TW_BIN=$(abspath $(BUILD)/tracewatch) TW_PROGS=$(abspath $(BUILD)/progs) \
		TW_TOOLS=$(abspath $(BUILD)/tools) python3 tools/bench.py

install: $(BUILD)/tracewatch
	install -D -m 0755 $(BUILD)/tracewatch $(DESTDIR)$(BINDIR)/tracewatch
	install -d -m 0755 $(DESTDIR)$(MANDIR)/man1
	gzip -9n < dist/tracewatch.1 > $(DESTDIR)$(MANDIR)/man1/tracewatch.1.gz
	chmod 0644 $(DESTDIR)$(MANDIR)/man1/tracewatch.1.gz
	install -D -m 0644 dist/tracewatch.bash-completion $(DESTDIR)$(BASHCOMPDIR)/tracewatch
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's|/usr/bin/tracewatch|$(BINDIR)/tracewatch|' dist/tracewatch.service \
		> $(DESTDIR)$(UNITDIR)/tracewatch.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/tracewatch.service
	install -D -m 0644 dist/tracewatch.logrotate $(DESTDIR)$(LOGROTATEDIR)/tracewatch
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -D -m 0644 LICENSE $(DESTDIR)$(DOCDIR)/LICENSE
	install -D -m 0644 dist/vector.toml $(DESTDIR)$(DOCDIR)/examples/vector.toml

# Removes exactly what install put there (and the doc directory, when that leaves it empty).
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null

# What the build and the tests need (deps-build: the build only), Debian packages.
deps:
	bash tools/deps.sh all

deps-build:
	bash tools/deps.sh build

format:
	clang-format -i src/*.c include/*.h tests/unit/*.c

format-check:
	clang-format --dry-run --Werror src/*.c include/*.h tests/unit/*.c

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
