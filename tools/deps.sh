#!/bin/sh
# tools/deps.sh: install what building and testing smtprc needs on a fresh
# Debian 12 machine, then fetch and build the pinned third-party sources.
#
#   tools/deps.sh packages [PKG..] Debian packages (compiler, musl, test
#                                 servers) and a board's own (cross gcc, qemu)
#   tools/deps.sh sources BUILD   BearSSL and udns sources into BUILD/src
#
# Nothing of theirs is committed: sources come from Debian source packages,
# versions pinned below, and are built into build/ (ignored by git).
# Every step is idempotent: a stamp file records what is done.
set -eu

# Pinned versions (Debian 12 "bookworm").
BEARSSL_VERSION=0.6+dfsg.1-3
UDNS_VERSION=0.4-1
MUSL_VERSION=1.2.3-1

PACKAGES="musl-tools make gcc file dpkg-dev postfix python3 python3-aiosmtpd
python3-dnslib nsd time procps psmisc iproute2 nftables clang
ca-certificates python3-cryptography openssl unbound ldnsutils strace
bsd-mailx php-cli cron"

say() { printf 'deps: %s\n' "$*" >&2; }

apt_update() {
	# apt-get update fails transiently on these mirrors: retry a few times.
	n=0
	until apt-get update -q >/dev/null; do
		n=$((n + 1))
		[ $n -lt 5 ] || { say "apt-get update failed $n times"; return 1; }
		say "apt-get update failed, retrying in $((n * 3)) s"
		sleep $((n * 3))
	done
}

need_packages() {
	missing=
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	echo "$missing"
}

cmd_packages() {
	PACKAGES="$PACKAGES $*"
	missing=$(need_packages)
	[ -n "$missing" ] || return 0
	[ "$(id -u)" = 0 ] || { say "need root to install:$missing"; exit 1; }
	say "installing:$missing"
	# Postfix asks no question and starts nothing.
	echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
	echo "postfix postfix/mailname string smtprc-test.invalid" | debconf-set-selections
	apt_update
	n=0
	# shellcheck disable=SC2086
	until DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null; do
		n=$((n + 1))
		[ $n -lt 3 ] || { say "apt-get install failed"; exit 1; }
		apt_update
	done
}

add_deb_src() {
	f=/etc/apt/sources.list.d/smtprc-deb-src.sources
	[ -f "$f" ] && return 0
	[ "$(id -u)" = 0 ] || { say "need root to add $f"; exit 1; }
	# The same mirror and suites as the existing binary sources, type deb-src.
	src=$(ls /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	if [ -n "$src" ]; then
		sed -n '/^Types:/,/^$/p' "$src" | sed 's/^Types: deb$/Types: deb-src/' >"$f.tmp"
	else
		grep -E '^deb http' /etc/apt/sources.list | grep -v deb-src |
			sed 's/^deb /deb-src /' >"$f.tmp"
		f=/etc/apt/sources.list.d/smtprc-deb-src.list
	fi
	mv "$f.tmp" "$f"
	apt_update
}

fetch_source() { # name version dir
	name=$1 version=$2 dir=$3
	[ -f "$dir/.fetched-$name-$version" ] && return 0
	add_deb_src
	mkdir -p "$dir"
	say "apt-get source $name=$version"
	(cd "$dir" && apt-get source -q --download-only "$name=$version" >/dev/null &&
		rm -rf "$name" && dpkg-source -x --no-check "${name}_"*.dsc "$name" >/dev/null)
	touch "$dir/.fetched-$name-$version"
}

# udns 0.4's dns_getdn() checks "dn >= de" (always false) where it means
# "dp >= de" before writing a name's terminating zero, so a name that fills
# the buffer gets one zero byte written past it. fuzz_dns found it (a stack
# overflow under AddressSanitizer). Fixed here, in the fetched source, by
# an edit that fails loudly if the line is not exactly as expected.
fix_udns() {
	f=$1/udns/udns_parse.c
	grep -q 'if (dp >= de)		/\* can.t fit terminator \*/' "$f" && return 0
	grep -q 'if (dn >= de)		/\* can.t fit terminator \*/' "$f" ||
		{ say "udns_parse.c is not the expected 0.4 source"; exit 1; }
	sed -i 's|if (dn >= de)\(\t\t/\* can.t fit terminator \*/\)|if (dp >= de)\1|' "$f"
	grep -q 'if (dp >= de)		/\* can.t fit terminator \*/' "$f" ||
		{ say "could not fix udns_parse.c"; exit 1; }
	say "fixed udns dns_getdn() terminator bound check"
}

# udns 0.4 seeds the generator of its query IDs from the microseconds of
# the clock (about 20 bits a forger can guess). Seeded from getrandom()
# here, the clock only where the kernel has none (before Linux 3.17).
fix_udns_rng() {
	f=$1/udns/udns_resolver.c
	grep -q 'smtprc: query IDs seeded by getrandom' "$f" && return 0
	grep -q '^  return tv.tv_usec;$' "$f" && grep -q '^#include <stdlib.h>$' "$f" ||
		{ say "udns_resolver.c is not the expected 0.4 source"; exit 1; }
	sed -i -e 's|^  return tv.tv_usec;$|  { unsigned r_; /* smtprc: query IDs seeded by getrandom */\
    if (getrandom(\&r_, sizeof r_, 0) == (ssize_t)sizeof r_) return r_; }\
  return tv.tv_usec;|' -e 's|^#include <stdlib.h>$|#include <stdlib.h>\
#include <sys/random.h>|' "$f"
	grep -q 'smtprc: query IDs seeded by getrandom' "$f" ||
		{ say "could not seed udns from getrandom"; exit 1; }
	say "udns query IDs seeded from getrandom()"
}

cmd_sources() {
	build=$1
	fetch_source bearssl "$BEARSSL_VERSION" "$build/src"
	fetch_source udns "$UDNS_VERSION" "$build/src"
	fix_udns "$build/src"
	fix_udns_rng "$build/src"
}

cmd_musl_source() {
	build=$1
	fetch_source musl "$MUSL_VERSION" "$build/src"
}

case "${1:-}" in
packages) shift; cmd_packages "$@" ;;
sources) cmd_sources "${2:?build dir}" ;;
musl-source) cmd_musl_source "${2:?build dir}" ;;
*) echo "usage: tools/deps.sh packages [PKG...] | sources BUILD | musl-source BUILD" >&2; exit 64 ;;
esac
