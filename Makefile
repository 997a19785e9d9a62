# SPDX-License-Identifier: LGPL-2.1-or-later
# sandbox - setuid-free Linux sandbox launcher.
# make [all] | check | deps | install | uninstall | asan | analyze | lint | format | bench | clean

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
DATADIR     ?= $(PREFIX)/share
SYSCONFDIR  ?= /etc
DESTDIR     ?=
VERSION     := 0.1.0

CC          ?= cc
PKG_CONFIG  ?= pkg-config
PKGS        := libseccomp libcap inih libnl-3.0 libnl-route-3.0
BUILD       ?= build

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
        -Wpointer-arith -Wwrite-strings -Wundef -Wvla -Wimplicit-fallthrough \
        -Wno-missing-field-initializers
HARDEN := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection -fPIE
ifneq ($(CI),)
WERROR ?= -Werror
endif
OPT    ?= -O2 -g
CFLAGS ?=
CFLAGS_ALL  = -std=gnu11 $(OPT) $(WARN) $(WERROR) $(HARDEN) \
              -DVERSION='"$(VERSION)"' -DSYSCONFDIR='"$(SYSCONFDIR)"' \
              $(shell $(PKG_CONFIG) --cflags $(PKGS)) $(CFLAGS)
LDFLAGS_ALL = -pie -Wl,-z,relro,-z,now $(LDFLAGS)
# The five libraries are linked statically (glibc stays dynamic): it saves
# the dynamic loader about 0.8 ms and the reaper ~1 MiB of RSS per launch
# (see BENCHMARKS.md). STATIC_LIBS=0 links them dynamically.
STATIC_LIBS ?= 1
ifeq ($(STATIC_LIBS),1)
LIBS        = -Wl,-Bstatic $(shell $(PKG_CONFIG) --static --libs $(PKGS) | sed 's/-lpthread//g') -Wl,-Bdynamic
else
LIBS        = $(shell $(PKG_CONFIG) --libs $(PKGS))
endif

SRCS := $(wildcard src/*.c)
OBJS := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRCS))
LIB_OBJS := $(filter-out $(BUILD)/obj/main.o,$(OBJS))

.PHONY: all check unit integration guest deps deps-apps deps-bench install uninstall asan asan-build analyze lint \
        format bench clean fuzz
all: $(BUILD)/sandbox $(BUILD)/probe

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS_ALL) -I$(BUILD)/gen -c -o $@ $<

# The built-in default profile is profiles.d/default.conf, as a C string.
$(BUILD)/gen/builtin_default.inc: profiles.d/default.conf
	mkdir -p $(BUILD)/gen
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/.*/"&\\n"/' $< >$@
$(BUILD)/obj/profile.o: $(BUILD)/gen/builtin_default.inc

# The built-in seccomp profiles, compiled at build time (tools/gen-bpf.c)
# by a copy of sysfilter.c without the precompiled tables.
$(BUILD)/gen/sysfilter-nopre.o: src/sysfilter.c $(wildcard src/*.h) | $(BUILD)/obj
	mkdir -p $(BUILD)/gen
	$(CC) $(CFLAGS_ALL) -DSF_NO_PRECOMPILED -c -o $@ $<
$(BUILD)/gen/gen-bpf: tools/gen-bpf.c $(BUILD)/gen/sysfilter-nopre.o $(filter-out $(BUILD)/obj/sysfilter.o,$(LIB_OBJS))
	$(CC) $(CFLAGS_ALL) -Isrc $(LDFLAGS_ALL) -o $@ $^ $(LIBS)
$(BUILD)/gen/bpf_builtin.inc: $(BUILD)/gen/gen-bpf
	$< >$@.tmp && mv $@.tmp $@
$(BUILD)/obj/sysfilter.o: $(BUILD)/gen/bpf_builtin.inc

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

$(BUILD)/sandbox: $(OBJS)
	$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $(OBJS) $(LIBS)

# The probe runs inside sandboxes of every kind (chroots too): static, no sanitizers.
$(BUILD)/probe: $(wildcard tests/probe/*.c tests/probe/*.h) | $(BUILD)/obj
	$(CC) -static -O2 -Wall -Wextra -o $@ $(wildcard tests/probe/*.c)

# ---- tests -----------------------------------------------------------------
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
CMOCKA     := $(shell $(PKG_CONFIG) --cflags --libs cmocka)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) $(wildcard tests/unit/*.h) | $(BUILD)/tests
	$(CC) $(CFLAGS_ALL) -Isrc $(LDFLAGS_ALL) -o $@ $< $(LIB_OBJS) $(LIBS) $(CMOCKA)

FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/%,$(FUZZ_SRCS))
# Plain gcc build with the replay main(): every run replays the corpus.
$(BUILD)/tests/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(LIB_OBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS_ALL) -Isrc $(LDFLAGS_ALL) -o $@ $< tests/fuzz/replay_main.c $(LIB_OBJS) $(LIBS)

unit: $(UNIT_BINS) $(FUZZ_BINS)
	@tests/run-unit.sh $(UNIT_BINS) -- $(FUZZ_BINS)

integration: all
	@tests/integration/run.sh

guest: all
	@tests/vm/run.sh

# Everything, ending with one "N passed, N failed, N skipped" line.
check: all $(UNIT_BINS) $(FUZZ_BINS)
	@tests/check.sh

# libFuzzer builds (clang), for longer runs: make fuzz FUZZ_SECONDS=60
FUZZ_SECONDS ?= 30
fuzz:
	@tests/fuzz/run-libfuzzer.sh $(FUZZ_SECONDS)

# ---- dependencies ---------------------------------------------------------
DEPS_BUILD := gcc make pkg-config libseccomp-dev libcap-dev libinih-dev libnl-3-dev \
              libnl-route-3-dev libcmocka-dev
DEPS_TEST  := busybox-static qemu-system-x86 iproute2 util-linux libcap2-bin procps \
              mandoc shellcheck clang libclang-rt-14-dev python3 xz-utils cppcheck clang-format
# $(call apt_ensure,TARGET,PACKAGES): installs those of the Debian
# packages that are not installed yet (idempotent).
define apt_ensure
	@missing=$$(for p in $(2); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make $(1): installing" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "make $(1): everything is installed"; fi
endef

deps:
	$(call apt_ensure,deps,$(DEPS_BUILD) $(DEPS_TEST))

# The applications the shipped profiles are tested with (tests/integration/
# t_apps.sh), a virtual X server for the GUI-only ones, the shells
# t_completion.sh drives, and fonts for the headless browsers and
# LibreOffice. Debian packages only; --no-install-recommends keeps it near
# 550 MB of downloads (about 3 minutes). Idempotent, like deps.
DEPS_APPS := firefox-esr chromium libreoffice-writer-nogui fonts-dejavu-core \
             python3 nodejs curl wget git tar gzip xz-utils zip unzip jq sqlite3 \
             ffmpeg imagemagick pandoc make gcc libc6-dev rsync less man-db groff-base \
             mpv vlc-bin vlc-plugin-base evince gimp thunderbird transmission-cli \
             transmission-daemon transmission-gtk xvfb xauth x11-utils \
             bash-completion zsh fish
deps-apps:
	$(call apt_ensure,deps-apps,$(DEPS_APPS))

# ---- install ----------------------------------------------------------------
# make install [PREFIX=/usr/local] [SYSCONFDIR=/etc] [DESTDIR=] [APPARMOR=0|1]
# The binary (0755, never setuid), the man pages, the profiles in
# $(SYSCONFDIR)/sandbox/profiles.d, the bash, zsh and fish completions, and
# an AppArmor profile that lets the binary create user namespaces (Ubuntu
# 23.10+ forbids them to unconfined programs otherwise). The AppArmor profile
# needs AppArmor 4 (its "userns," rule; AppArmor 3 fails to parse it), so
# by default it is installed where /etc/apparmor.d/abi/4.0 exists on the
# build machine; APPARMOR=1 or APPARMOR=0 decides explicitly.
# make uninstall with the same variables removes exactly those files.
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
APPARMORDIR ?= /etc/apparmor.d
APPARMOR    ?= $(if $(wildcard /etc/apparmor.d/abi/4.0),1,0)
PROFILES    := $(notdir $(wildcard profiles.d/*.conf))

install: $(BUILD)/sandbox
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(SYSCONFDIR)/sandbox/profiles.d $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 $(BUILD)/sandbox $(DESTDIR)$(BINDIR)/sandbox
	install -m 0644 man/sandbox.1 $(DESTDIR)$(MANDIR)/man1/sandbox.1
	install -m 0644 man/sandbox-profile.5 $(DESTDIR)$(MANDIR)/man5/sandbox-profile.5
	install -m 0644 $(addprefix profiles.d/,$(PROFILES)) $(DESTDIR)$(SYSCONFDIR)/sandbox/profiles.d/
	install -m 0644 completions/sandbox.bash $(DESTDIR)$(BASHCOMPDIR)/sandbox
	install -m 0644 completions/_sandbox $(DESTDIR)$(ZSHCOMPDIR)/_sandbox
	install -m 0644 completions/sandbox.fish $(DESTDIR)$(FISHCOMPDIR)/sandbox.fish
ifeq ($(APPARMOR),1)
	install -d $(DESTDIR)$(APPARMORDIR)
	printf '%s\n' \
		'# AppArmor profile for sandbox(1), installed by its Makefile.' \
		'# sandbox builds its sandboxes in user namespaces; where AppArmor restricts' \
		'# them (kernel.apparmor_restrict_unprivileged_userns = 1, Ubuntu 23.10+),' \
		'# this profile allows them for the binary and confines nothing else.' \
		'abi <abi/4.0>,' \
		'include <tunables/global>' \
		'' \
		'profile sandbox $(BINDIR)/sandbox flags=(unconfined) {' \
		'  userns,' \
		'' \
		'  # Site-specific additions and overrides. See local/README for details.' \
		'  include if exists <local/sandbox>' \
		'}' >$(DESTDIR)$(APPARMORDIR)/sandbox
	chmod 0644 $(DESTDIR)$(APPARMORDIR)/sandbox
endif

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sandbox $(DESTDIR)$(MANDIR)/man1/sandbox.1 \
		$(DESTDIR)$(MANDIR)/man5/sandbox-profile.5 \
		$(addprefix $(DESTDIR)$(SYSCONFDIR)/sandbox/profiles.d/,$(PROFILES)) \
		$(DESTDIR)$(BASHCOMPDIR)/sandbox $(DESTDIR)$(ZSHCOMPDIR)/_sandbox \
		$(DESTDIR)$(FISHCOMPDIR)/sandbox.fish $(DESTDIR)$(APPARMORDIR)/sandbox
	-rmdir $(DESTDIR)$(SYSCONFDIR)/sandbox/profiles.d $(DESTDIR)$(SYSCONFDIR)/sandbox 2>/dev/null

# ---- quality ---------------------------------------------------------------
# make asan: the launcher built with ASan+UBSan (build-asan/sandbox; the
# probe stays static and unsanitized) runs the host integration suite, root
# and user passes. The harness sets the sanitizers' options and fails a test
# whose run left a sanitizer report (tests/integration/run.sh,
# SANDBOX_SANITIZE=1). ASAN_EXCLUDE: a regular expression of tests to leave
# out (tests/check.sh's asan tier leaves out the application tests).
ASAN_OPT    := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_EXCLUDE ?=
asan-build:
	$(MAKE) --no-print-directory BUILD=build-asan OPT="$(ASAN_OPT)" LDFLAGS="-fsanitize=address,undefined" all
asan: asan-build
	@SANDBOX_SANITIZE=1 SANDBOX=$(CURDIR)/build-asan/sandbox PROBE=$(CURDIR)/build-asan/probe \
		tests/integration/run.sh $(if $(ASAN_EXCLUDE),-x '$(ASAN_EXCLUDE)')

# make analyze: gcc -fanalyzer over every source (a separate build in
# build-analyze), then cppcheck; false positives are suppressed with their
# reasons in tools/analyzer.flags and tools/cppcheck.supp.
# Warnings are errors here; build-analyze is rebuilt every time (objects
# do not depend on the flags).
ANALYZER_FLAGS = $(shell grep -v '^\#' tools/analyzer.flags)
analyze:
	rm -rf build-analyze
	$(MAKE) --no-print-directory BUILD=build-analyze OPT="-O2 -fanalyzer -Werror $(ANALYZER_FLAGS)" all
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
		--suppressions-list=tools/cppcheck.supp -Ibuild-analyze/gen \
		$(shell $(PKG_CONFIG) --cflags-only-I $(PKGS)) src/
	@echo "analyze: gcc -fanalyzer and cppcheck found nothing"

lint:
	shellcheck -x tests/*.sh tests/integration/*.sh tests/vm/*.sh tools/*.sh .ci/run
	tools/spdx.sh
	@! grep -nE '\bopen(at)?\([^;]*O_RDONLY' src/*.c | grep -v O_CLOEXEC || \
		{ echo "lint: fd opened without O_CLOEXEC"; exit 1; }
	@if command -v mandoc >/dev/null; then mandoc -Tlint -Wwarning man/*.[15]; fi

format:
	clang-format -i src/*.c src/*.h

# ---- benchmarks (not part of check; run as root): bench/, BENCHMARKS.md -----
# make bench [BENCH_N=200] - see bench/bench.py for the other knobs. The
# peers and tools it measures with are installed first if missing (Debian
# packages; deps-bench), so that it runs on a fresh machine after make deps.
DEPS_BENCH := bubblewrap firejail strace valgrind linux-perf
deps-bench:
	$(call apt_ensure,deps-bench,$(DEPS_BENCH))

bench: all deps-bench
	@mkdir -p $(BUILD)/bench
	$(CC) -O2 -Wall -Wextra -o $(BUILD)/bench/runner bench/runner.c
	$(CC) -O2 -Wall -Wextra -static -o $(BUILD)/bench/sysloop bench/sysloop.c
	$(CC) -O2 -Wall -Wextra -o $(BUILD)/bench/bpfdump bench/bpfdump.c
	@# the same launcher with frame pointers, for perf's call chains
	-@$(MAKE) --no-print-directory BUILD=$(BUILD)/bench/fp \
		OPT="$(OPT) -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer" $(BUILD)/bench/fp/sandbox >/dev/null
	@BUILD='$(BUILD)' CC='$(CC)' BENCH_PKGS='$(PKGS)' BENCH_LDFLAGS='$(LDFLAGS_ALL)' python3 bench/bench.py

clean:
	rm -rf $(BUILD) build-asan build-analyze
