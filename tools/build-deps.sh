#!/bin/sh
# tools/build-deps.sh: build the pinned BearSSL and udns for one board.
#
#   tools/build-deps.sh OUT CC AR CFLAGS IPV6 [DEPS_CFLAGS]
#
# OUT     board build folder (build/host, build/armhf, ...); results go to
#         OUT/deps/lib/{libbearssl,libudns}.a and OUT/deps/include/
# CC, AR  the board's compiler (musl-gcc, or a cross gcc with the board's musl)
# CFLAGS  the board's optimisation and ABI flags
# IPV6    unused (both udns variants are built); kept for the stamp
# DEPS_CFLAGS  flags for BearSSL and udns only (mips: -mips16)
#
# Sources come from tools/deps.sh (Debian source packages, pinned there) in
# build/src. Nothing here runs target code, so it works for cross builds:
# udns gets its configuration header written by hand (the same four lines its
# own configure writes on a Linux host with musl) instead of running configure.
set -eu
# Called from our make: its command-line variables (O=, BOARD=, CONFIG_*)
# travel in MAKEFLAGS and would override BearSSL's own (its O is the
# object file suffix). Its make must see only what is passed below.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
out=$1 cc=$2 ar=$3 board_cflags=$4 ipv6=$5
cflags="$board_cflags ${6:-}"
# No unwind tables: nothing here unwinds (no C++, no backtraces), and gcc
# for AArch64 emits .eh_frame even with -fno-asynchronous-unwind-tables
# (-funwind-tables is its default): 33 KB of the arm64 binary.
nounwind="-fno-asynchronous-unwind-tables -fno-unwind-tables"
top=$(cd "$(dirname "$0")/.." && pwd)
src=$top/build/src
deps=$out/deps
stamp="$deps/.built $cc $cflags $ipv6 udns-getdn-fix udns-rng"
stamp="$stamp $nounwind"
if [ -f "$deps/.built" ] && [ "$(cat "$deps/.built")" = "$stamp" ] &&
	[ -f "$deps/lib/libbearssl.a" ] && [ -f "$deps/lib/libudns.a" ] &&
	[ -f "$deps/lib/libudns4.a" ]; then
	# Up to date (make asked because musl was rebuilt, whose headers
	# these do not depend on): newer than musl now, so make stops asking.
	touch "$deps/.built"
	exit 0
fi
"$top/tools/deps.sh" sources "$top/build"
rm -rf "$deps"
mkdir -p "$deps/lib" "$deps/include" "$deps/obj"

# BearSSL: its own Makefile, static library only, no tools, no tests.
cp -r "$src/bearssl" "$deps/obj/bearssl"
make -s -C "$deps/obj/bearssl" CONF=Unix CC="$cc" LD="$cc" AR="$ar" \
	CFLAGS="$cflags $nounwind -ffunction-sections -fdata-sections" \
	DLL=no TOOLS=no TESTS=no >"$deps/obj/bearssl.log" 2>&1 ||
	{ tail -20 "$deps/obj/bearssl.log" >&2; exit 1; }
cp "$deps/obj/bearssl/build/libbearssl.a" "$deps/lib/"
cp "$deps/obj/bearssl/inc/"*.h "$deps/include/"

# udns: the library objects only, compiled directly (its Makefile wants
# configure's output; the list below is the library part of its Makefile).
# Built twice: libudns.a with IPv6, libudns4.a without any AF_INET6 code
# for CONFIG_IPV6=0 builds.
for v in 6 4; do
	mkdir -p "$deps/obj/udns$v"
	cd "$deps/obj/udns$v"
	{
		echo "/* written by smtprc tools/build-deps.sh, not by udns's configure */"
		echo "#define HAVE_GETOPT 1"
		echo "#define HAVE_INET_PTON_NTOP 1"
		[ "$v" = 6 ] && echo "#define HAVE_IPv6 1"
		echo "#define HAVE_POLL 1"
	} >config.h
	objs=
	for f in udns_dn udns_dntosp udns_parse udns_resolver udns_init udns_misc \
		udns_XtoX udns_rr_a udns_rr_ptr udns_rr_mx udns_rr_txt udns_bl \
		udns_rr_srv udns_rr_naptr udns_codes udns_jran; do
		$cc $cflags $nounwind -ffunction-sections -fdata-sections \
			-DHAVE_CONFIG_H -I. \
			-I"$src/udns" -w -c "$src/udns/$f.c" -o "$f.o"
		objs="$objs $f.o"
	done
	lib=libudns.a
	[ "$v" = 4 ] && lib=libudns4.a
	# shellcheck disable=SC2086
	$ar rcs "$deps/lib/$lib" $objs
done
cp "$src/udns/udns.h" "$deps/include/"
echo "$stamp" >"$deps/.built"
