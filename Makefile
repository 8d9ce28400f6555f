# SPDX-License-Identifier: GPL-2.0
# tracewatch - one non-recursive Makefile: binary, unit tests, live tests, sanitizers, bench.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
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
.PHONY: all test unit live asan valgrind bench install clean deps format format-check test-kernels

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

# Unit tests: cmocka, no kernel, no root. Every binary must pass.
unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do echo "== $$t"; $$t || fail=1; done; exit $$fail

# Live tests: the real binary against the real kernel (root).
live: $(BUILD)/tracewatch $(PROG_BINS)
	TW_BIN=$(abspath $(BUILD)/tracewatch) TW_PROGS=$(abspath $(BUILD)/progs) \
		bash tests/live/run.sh

# The whole suite: unit + live, other kernels under QEMU, then unit + live again under ASan/UBSan.
test: unit live test-kernels asan

# Tier 2 (eprobes) can't run on this kernel: boot Debian's 6.1 and 6.12 kernels under QEMU.
test-kernels: $(BUILD)/tracewatch
	bash tools/test-kernels.sh $(abspath $(BUILD)/tracewatch)

asan:
	$(MAKE) BUILD=$(BUILD)/asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" unit live

valgrind: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do valgrind -q --error-exitcode=1 --leak-check=full $$t || fail=1; done; exit $$fail

bench: $(BUILD)/tracewatch $(PROG_BINS) $(TOOL_BINS)
	TW_BIN=$(abspath $(BUILD)/tracewatch) TW_PROGS=$(abspath $(BUILD)/progs) \
		TW_TOOLS=$(abspath $(BUILD)/tools) python3 tools/bench.py

install: $(BUILD)/tracewatch
	install -D -m 0755 $(BUILD)/tracewatch $(DESTDIR)$(PREFIX)/bin/tracewatch

deps:
	bash tools/deps.sh

format:
	clang-format -i src/*.c include/*.h tests/unit/*.c

format-check:
	clang-format --dry-run --Werror src/*.c include/*.h tests/unit/*.c

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
