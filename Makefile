# smtprc: one Makefile. `make` builds build/$(BOARD)/bin/smtprc, a static,
# stripped multi-call binary, with its links. See README.md.
#
#   make [BOARD=host] [CONFIG_IPV6=0|1] [CONFIG_TLS=0|1] [CONFIG_LOG=0|1]
#   make check      unit tests, vectors and scenarios; ends "N passed, N failed"
#   make demo       a delivery to a real SMTP server on loopback, shown
#   make bench      the benchmark (tools/bench.sh)
#   make flags-matrix   every CONFIG_* combination builds without warnings
#   make BOARD=armhf    a cross build (board/*.mk); make boards: all of them
#   make check BOARD=mips   the suite on the target under qemu-user
#   make check-system BOARD=armhf|mipsel   the whole system booted under
#                   qemu-system (a real kernel, busybox init, power cuts)
#   make size       the size table of every board (docs/size.md)
#   make size-check the same, failing when a board exceeds its target
#   make install DESTDIR=... PREFIX=/usr   into a firmware root file system

BOARD ?= host
include board/$(BOARD).mk

CONFIG_IPV6 ?= $(BOARD_IPV6)
CONFIG_TLS  ?= $(BOARD_TLS)
CONFIG_LOG  ?= $(BOARD_LOG)
VERSION     := 0.1

RUN     := $(BOARD_RUN)
ifneq ($(BOARD_MUSL),)
# A cross board: musl is built for it from source (tools/build-musl.sh)
# and its gcc wrapper drives Debian's cross compiler.
MUSL_STAMP := build/$(BOARD)/musl/.built
CC      := $(abspath build/$(BOARD))/musl/bin/musl-gcc
AR      := $(BOARD_GNU)-ar
STRIP   := $(BOARD_GNU)-strip
else
MUSL_STAMP :=
CC      := $(BOARD_CC)
AR      := $(BOARD_AR)
STRIP   := $(BOARD_STRIP)
endif
# O: where this configuration builds. The board's dependencies are shared
# by every configuration of that board.
O       ?= build/$(BOARD)
DEPS    := build/$(BOARD)/deps

WARN    := -Wall -Wextra -Wundef -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wcast-align -Werror \
           -Wno-format-truncation
# -fcallgraph-info=su: each object's call graph with its frames, for
# tools/stack.py (the deepest stack, checked by make check).
# BOARD_OWN_CFLAGS: flags for the project's own code only (not musl,
# BearSSL or udns), such as MIPS16e; BOARD_DEPS_CFLAGS: for BearSSL and
# udns only.
# On the boards (not the host build, which the benchmarks time): switch
# statements as branches instead of lookup tables, and small functions
# not inlined: 460 bytes less on armhf, 530 on mipsel. No unwind tables
# on any board (nothing unwinds: no C++, no backtraces); gcc for AArch64
# makes them unless told -fno-unwind-tables too: 33 KB of .eh_frame on
# arm64 with BearSSL and udns (tools/build-deps.sh does the same there).
OWN_SIZE_CFLAGS := $(if $(filter host,$(BOARD)),,-fno-tree-switch-conversion \
		   -fno-inline-small-functions)
CFLAGS  := -std=c11 -D_GNU_SOURCE $(BOARD_CFLAGS) $(BOARD_OWN_CFLAGS) \
	   $(OWN_SIZE_CFLAGS) -ffunction-sections \
           -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables \
           $(WARN) \
           -fcallgraph-info=su -I$(O) -Iinclude -isystem $(DEPS)/include
# noseparate-code: no page-aligned padding between code and read-only
# data; norelro: no padding to a page boundary before the GOT (a static
# binary has no dynamic relocations for RELRO to protect). Each saves
# kilobytes on every board, which matters on 8-16 MiB of flash.
# --fatal-warnings: a link warning (objects of two ABIs mixed, say) fails
# the build. --sort-section=alignment: less padding between sections
# (190 bytes on armhf). common-page-size=16: the data segment follows the
# code in the file at once, sharing its last page, instead of ld padding
# the file to a page boundary to save a page of memory (up to 4 KB of
# flash: 2.7 KB on armhf with TLS off, 0.8 KB on arm64). daemons-first.ld:
# the daemons' code and musl's first, so that the relay client's code fills
# whole 64 KiB windows the daemons never map (64 KiB less resident each on
# armhf, 84 on mipsel; tools/layout-check.py keeps its list complete).
LDFLAGS := -static -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro \
           -Wl,-z,common-page-size=16 -Wl,--sort-section=alignment \
           -Wl,-T,tools/daemons-first.ld -Wl,--fatal-warnings $(BOARD_LDFLAGS)
# udns without IPv6 when CONFIG_IPV6=0: no AF_INET6 code at all.
LIBS    := -L$(DEPS)/lib -lbearssl $(if $(filter 0,$(CONFIG_IPV6)),-ludns4,-ludns)

# src/ holds the small shared modules, src/prog the programs, src/smtp the
# protocol, src/dns the look-ups, src/tls BearSSL, src/queue the files
# (docs/architecture.md).
SRCS    := $(wildcard src/*.c src/*/*.c)
OBJS    := $(SRCS:src/%.c=$(O)/obj/%.o)
HDRS    := $(wildcard include/*.h src/*/*.h)
PROG    := $(O)/bin/smtprc
LINKS   := smtprcd smtppd sendmail mailq

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT      := $(O)/tests/unit
# The unit tests link every module except main.c.
LIB_OBJS  := $(filter-out $(O)/obj/prog/main.o,$(OBJS))

BOARDS := host armhf armel arm64 mips mipsel

.PHONY: all check check-system demo bench clean deps packages flags-matrix fuzz fuzz-long size-check \
	boards install size FORCE

all: $(PROG)

packages:
	@tools/deps.sh packages $(BOARD_PKGS)

ifneq ($(MUSL_STAMP),)
$(MUSL_STAMP): tools/build-musl.sh tools/deps.sh tools/cc-mips16.sh \
		tools/musl-mips16/syscall_arch.h tools/musl-mips16/syscall_mips16.s \
		board/$(BOARD).mk | packages
	@tools/build-musl.sh $(abspath build/$(BOARD)) $(BOARD_MUSL) $(BOARD_GNU) \
		"$(BOARD_ARCH)" $(BOARD_MUSL_MIPS16)
endif

$(DEPS)/.built: tools/build-deps.sh tools/deps.sh board/$(BOARD).mk $(MUSL_STAMP) | packages
	@echo "  DEPS    BearSSL and udns for $(BOARD)"
	@tools/build-deps.sh $(abspath build/$(BOARD)) "$(CC)" "$(AR)" \
		"$(BOARD_CFLAGS)" 1 "$(BOARD_DEPS_CFLAGS)"
deps: $(DEPS)/.built

# config.h changes only when a flag does, so objects rebuild only then.
$(O)/config.h: config.h.in FORCE
	@mkdir -p $(O)
	@sed -e 's/@CONFIG_IPV6@/$(CONFIG_IPV6)/' -e 's/@CONFIG_TLS@/$(CONFIG_TLS)/' \
	     -e 's/@CONFIG_LOG@/$(CONFIG_LOG)/' -e 's/@VERSION@/$(VERSION)/' \
	     -e 's/@BOARD@/$(BOARD)/' config.h.in >$@.tmp
	@for f in IPV6 TLS LOG; do grep -q "define CONFIG_$$f  *[01] " $@.tmp || \
		{ echo "CONFIG_$$f must be 0 or 1" >&2; rm -f $@.tmp; exit 1; }; done
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# The capacities --version prints: every "#define NAME VALUE /* unit: U */"
# of config.h.in, so that a new capacity is one edit.
$(O)/capacities.h: config.h.in
	@mkdir -p $(O)
	@sed -n 's|^#define \([A-Z0-9_]*\) .*/\* unit: \([a-z]*\) \*/$$|CAP(\1, "\2")|p' \
		config.h.in >$@.tmp && mv $@.tmp $@

$(O)/obj/%.o: src/%.c $(O)/config.h $(O)/capacities.h $(HDRS) Makefile board/$(BOARD).mk | $(DEPS)/.built
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

# The libraries too: a rebuilt musl, BearSSL or udns (a board's flags or a
# build script changed) is linked in, not left behind a stale binary.
$(PROG): $(OBJS) Makefile board/$(BOARD).mk tools/daemons-first.ld \
	 $(O)/bss-first.ld $(DEPS)/.built $(MUSL_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,-T,$(O)/bss-first.ld -Wl,-Map=$@.map \
		-o $@.unstripped $(OBJS) $(LIBS)
	$(STRIP) -R .comment -R .ARM.attributes -o $@ $@.unstripped
	@for l in $(LINKS); do ln -sf smtprc $(O)/bin/$$l; done

# The small variables together before the large buffers (tools/bss-first.py):
# a program's pages of .bss are fewer.
$(O)/bss-first.ld: $(OBJS) tools/bss-first.py
	@/usr/bin/python3 tools/bss-first.py $(OBJS) >$@.tmp && mv $@.tmp $@

# Unit tests: plain C, a name-table runner, linked statically like the
# program so they run under qemu-user for the boards too.
# The suites are found in the test files themselves (UNIT_SUITE(name)
# lines), so a new suite is one edit.
$(O)/tests/suites.h: $(UNIT_SRCS)
	@mkdir -p $(dir $@)
	@sed -n 's/^UNIT_SUITE(\([a-z0-9_]*\)).*/UNIT_SUITE_ENTRY(\1)/p' \
		$(UNIT_SRCS) | sort -u >$@.tmp && mv $@.tmp $@
$(UNIT): $(UNIT_SRCS) $(LIB_OBJS) tests/unit/unit.h $(O)/tests/suites.h \
	 $(DEPS)/.built $(MUSL_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -I$(O)/tests $(LDFLAGS) -o $@ $(UNIT_SRCS) \
		$(LIB_OBJS) $(LIBS)

# Fuzz harnesses: one per parser, built with the host's clang, libFuzzer,
# AddressSanitizer and UBSan (not with musl: the sanitizers need glibc).
# `make fuzz FUZZ_RUNS=N` runs each for N inputs (make check runs a few
# thousand; a long run is a manual job).
FUZZ_RUNS ?= 200000
# Every tests/fuzz/fuzz_NAME.c is a harness; FUZZ_SRC_NAME names the code
# it links (and every one links src/fmt.c, the formatter, with its
# src/wbuf.c).
FUZZ      := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SRC_reply    := src/smtp/smtp_reply.c src/err.c
FUZZ_SRC_ehlo     := src/smtp/smtp_ehlo.c
FUZZ_SRC_rcptlist := src/queue/rcptlist.c src/addr.c src/utf8.c src/dsn.c src/route.c
FUZZ_SRC_body     := src/smtp/body.c
FUZZ_SRC_json     := src/json.c src/utf8.c
FUZZ_SRC_http     := src/http/http_response.c src/http/http_request.c
FUZZ_SRC_mta_sts  := src/mta_sts.c src/addr.c src/utf8.c src/dsn.c
FUZZ_SRC_mime7    := src/smtp/mime7.c src/qp.c src/utf8.c
FUZZ_SRC_session  := src/smtp/smtp_session.c src/smtp/smtp_reply.c \
	src/smtp/smtp_ehlo.c src/err.c src/smtp/b64.c src/addr.c src/utf8.c \
	src/dsn.c src/json.c
# The DNS reply parser with udns itself, compiled here by clang.
UDNS_SRCS := $(addprefix build/src/udns/,udns_dn.c udns_dntosp.c udns_parse.c \
	udns_resolver.c udns_init.c udns_misc.c udns_XtoX.c udns_rr_a.c \
	udns_rr_ptr.c udns_rr_mx.c udns_rr_txt.c udns_bl.c udns_rr_srv.c \
	udns_rr_naptr.c udns_codes.c udns_jran.c)
FUZZ_SRC_dns      := src/dns/dnsq_udns.c src/dns/dane.c src/loop.c src/log.c \
	src/err.c src/ip46.c \
	$(UDNS_SRCS) -include $(DEPS)/obj/udns6/config.h -Ibuild/src/udns -w \
	-U_GNU_SOURCE -D_DEFAULT_SOURCE
FUZZ_SRC_config   := src/dns/dnsq_conf.c src/opt.c src/ip46.c src/err.c
FUZZ_SRC_submit   := src/header.c src/queue/maildrop.c src/queue/rcptlist.c \
	src/addr.c src/utf8.c src/dsn.c src/idna.c src/prog/runfile.c \
	src/route.c src/wbuf.c src/conf_line.c src/err.c
# The trust store: our PEM reader and BearSSL's X.509 decoder. BearSSL is
# linked from the board's own build (not instrumented; its C has no libc
# state to clash).
FUZZ_SRC_anchors  := src/tls/tls_store.c src/tls/tls_pem.c src/smtp/b64.c \
	src/err.c \
	-isystem $(DEPS)/include $(DEPS)/lib/libbearssl.a
FUZZ_BINS := $(FUZZ:%=$(O)/fuzz/fuzz_%)

$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(O)/config.h $(HDRS) $(SRCS) | $(DEPS)/.built
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I$(O) -Iinclude -o $@ $< \
		$(filter-out src/wbuf.c,$(FUZZ_SRC_$*)) src/fmt.c src/wbuf.c

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ); do mkdir -p build/fuzz-corpus/$$f; \
		$(O)/fuzz/fuzz_$$f -runs=$(FUZZ_RUNS) -max_len=4096 \
			build/fuzz-corpus/$$f tests/fuzz/seeds/$$f 2>&1 | tail -n 1 || exit 1; done

# make fuzz-long [FUZZ_SECONDS=600]: every harness for that long, one after
# the other (not in CI: an hour's job for a person). A crash input is
# copied into tests/fuzz/seeds/NAME/regress-* to be kept as a seed (commit
# it with the fix), and the run stops there.
FUZZ_SECONDS ?= 600
fuzz-long: $(FUZZ_BINS)
	@for f in $(FUZZ); do mkdir -p build/fuzz-corpus/$$f build/fuzz-crash/$$f; \
		echo "fuzz-long: $$f for $(FUZZ_SECONDS) s"; \
		if ! $(O)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
			-artifact_prefix=build/fuzz-crash/$$f/ build/fuzz-corpus/$$f \
			tests/fuzz/seeds/$$f 2>&1 | tail -n 3; then :; fi; \
		for c in build/fuzz-crash/$$f/*; do [ -f "$$c" ] || continue; \
			cp "$$c" tests/fuzz/seeds/$$f/regress-$${c##*/}; \
			echo "fuzz-long: $$f found $$c (kept as a seed)"; exit 1; done; \
	done

# On the host the parsers' fuzz harnesses also run briefly (tests/run.sh).
CHECK_FUZZ := $(if $(filter host,$(BOARD)),$(FUZZ_BINS))

check: $(PROG) $(UNIT) $(CHECK_FUZZ)
	@O=$(O) RUN="$(RUN)" BOARD=$(BOARD) CONFIG_LOG=$(CONFIG_LOG) \
		CONFIG_IPV6=$(CONFIG_IPV6) CONFIG_TLS=$(CONFIG_TLS) tests/run.sh

# The whole system (tests/system/run.py): Debian's kernel and busybox for
# the board, fetched once into SMTPRC_SYSTEM_CACHE (default
# /var/cache/smtprc-system, outside the repository), qemu-system.
check-system: $(PROG)
	@tools/deps.sh packages $(BOARD_SYSTEM_PKGS) cpio e2fsprogs
	@/usr/bin/python3 tests/system/run.py $(BOARD) $(O)

demo: $(PROG)
	@tools/demo.sh $(PROG)

bench: $(PROG)
	@tools/bench.sh $(PROG)

# Every board's default configuration.
boards:
	@for b in $(BOARDS); do $(MAKE) -s BOARD=$$b all || exit 1; \
		printf 'board %-7s %s bytes\n' $$b $$(wc -c <build/$$b/bin/smtprc); done

# The size table (docs/size.md). size-check: the same, failing when a
# board exceeds its target (not in CI while targets are unmet: issue 18).
size:
	@BOARDS="$(BOARDS)" tools/size.sh
size-check:
	@BOARDS="$(BOARDS)" SIZE_CHECK=1 tools/size.sh

flags-matrix:
	@for i in 0 1; do for t in 0 1; do for l in 0 1; do \
		$(MAKE) -s O=build/$(BOARD)-matrix/i$$i-t$$t-l$$l CONFIG_IPV6=$$i \
			CONFIG_TLS=$$t CONFIG_LOG=$$l all || exit 1; \
		printf 'flags-matrix: IPV6=%s TLS=%s LOG=%s ok, %s bytes\n' $$i $$t $$l \
			$$(wc -c <build/$(BOARD)-matrix/i$$i-t$$t-l$$l/bin/smtprc); \
	done; done; done

# make install DESTDIR=/path/to/rootfs PREFIX=/usr: the binary, its program
# links, the manual, a sample configuration and run file (never over an
# existing one), and the init scripts named by INIT (busybox: S50smtprc,
# openwrt: a procd script), with PREFIX substituted into their paths.
PREFIX  ?= /usr
DESTDIR ?=
INIT    ?= busybox openwrt
DROPGROUP ?= smtprc
SBINDIR := $(DESTDIR)$(PREFIX)/sbin
install: $(PROG)
	install -d $(SBINDIR) $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)/etc/init.d
	install -m 755 $(PROG) $(SBINDIR)/smtprc
	for p in $(LINKS); do ln -sf smtprc $(SBINDIR)/$$p; done
	@# Where programs look for them: /usr/lib/sendmail (cron, old
	@# scripts) and mailq in the users' PATH.
	install -d $(DESTDIR)/usr/lib $(DESTDIR)$(PREFIX)/bin
	ln -sf $(PREFIX)/sbin/sendmail $(DESTDIR)/usr/lib/sendmail
	ln -sf $(PREFIX)/sbin/mailq $(DESTDIR)$(PREFIX)/bin/mailq
	@# Set-group-ID to the drop group, when the target's /etc/group has
	@# it: then any user's sendmail writes into maildrop/ (and only
	@# there: docs/security.md); smtppd gives the queue its modes.
	gid=$$(sed -n 's/^$(DROPGROUP):[^:]*:\([0-9][0-9]*\):.*/\1/p' \
		$(DESTDIR)/etc/group 2>/dev/null | head -n 1); \
	if [ -n "$$gid" ] && [ "$$gid" != 0 ]; then \
		chgrp "$$gid" $(SBINDIR)/smtprc && chmod 2755 $(SBINDIR)/smtprc; \
	else echo "install: no group $(DROPGROUP) in $(DESTDIR)/etc/group:" \
		"only root can send mail (add it and install again)"; fi
	install -m 644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	for f in smtprc.conf smtprc.run; do \
		[ -e $(DESTDIR)/etc/$$f ] || sed 's|/usr/sbin|$(PREFIX)/sbin|g' \
			board/files/$$f >$(DESTDIR)/etc/$$f; done
	chmod 644 $(DESTDIR)/etc/smtprc.run; chmod 644 $(DESTDIR)/etc/smtprc.conf
	for i in $(INIT); do case $$i in \
		busybox) t=S50smtprc; s=S50smtprc;; \
		openwrt) t=smtprc; s=smtprc.openwrt;; \
		*) echo "INIT: busybox or openwrt, not $$i" >&2; exit 1;; esac; \
		sed 's|/usr/sbin|$(PREFIX)/sbin|g' board/files/$$s \
			>$(DESTDIR)/etc/init.d/$$t && chmod 755 $(DESTDIR)/etc/init.d/$$t; \
	done

clean:
	rm -rf $(O) build/$(BOARD)-matrix
