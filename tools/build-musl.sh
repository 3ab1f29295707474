#!/bin/sh
# tools/build-musl.sh OUT MUSL_TARGET GNU_TRIPLET ARCH_FLAGS [mips16]
#
# Builds musl (the pinned Debian source package, see tools/deps.sh) for one
# board with Debian's cross compiler, static only, into OUT/musl, and its
# gcc wrapper OUT/musl/bin/musl-gcc, which drives GNU_TRIPLET-gcc with
# musl's headers, start files and libc. musl's configure only probes the
# compiler (it never runs target code), so this works for any target.
# "mips16": its C files as MIPS16e where they can be (tools/cc-mips16.sh).
set -eu
# Our make's command-line variables (O=, BOARD=) must not reach musl's.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
out=$1 target=$2 gnu=$3 arch=$4 mips16=${5:-}
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$out/musl
stamp="musl $target $gnu $arch $mips16"
[ "$mips16" = mips16 ] && stamp="$stamp syscall_mips16"
if [ -f "$dest/.built" ] && [ "$(cat "$dest/.built")" = "$stamp" ] &&
	[ -x "$dest/bin/musl-gcc" ]; then
	exit 0
fi
"$top/tools/deps.sh" musl-source "$top/build"
rm -rf "$dest" "$out/obj-musl"
mkdir -p "$out"
cp -r "$top/build/src/musl" "$out/obj-musl"
cd "$out/obj-musl"
echo "  MUSL    $target (${gnu}-gcc)"
cc=$gnu-gcc
# MIPS16e: tools/cc-mips16.sh, and the MIPS32 system call its files call
# (tools/musl-mips16/), built into libc.a with musl's own assembly files.
if [ "$mips16" = mips16 ]; then
	cc="$top/tools/cc-mips16.sh $gnu-gcc"
	mkdir -p src/internal/mips
	cp "$top/tools/musl-mips16/syscall_mips16.s" src/internal/mips/
fi
CFLAGS="$arch" ./configure --target="$target" CROSS_COMPILE="$gnu-" \
	CC="$cc" --disable-shared --enable-wrapper=gcc --prefix="$dest" \
	>configure.log 2>&1 || { tail -20 configure.log >&2; exit 1; }
# A board whose code is not position-independent (mips: -mno-abicalls)
# links a static executable with crt1.o alone: musl's Scrt1.o and rcrt1.o
# (position-independent start files) cannot be built for it, nor does it
# need gcc's crtbeginS.o and crtendS.o, which are position-independent
# (abicalls) code a link with the rest would warn of, and of which a C
# program without constructors uses nothing.
crt=
case " $arch " in *" -mno-abicalls "*)
	crt="CRT_LIBS=lib/crt1.o lib/crti.o lib/crtn.o" ;;
esac
make -j"$(nproc)" ${crt:+"$crt"} WRAPCC_GCC="$gnu-gcc" >make.log 2>&1 ||
	{ tail -20 make.log >&2; exit 1; }
make install ${crt:+"$crt"} WRAPCC_GCC="$gnu-gcc" >install.log 2>&1 ||
	{ tail -20 install.log >&2; exit 1; }
if [ -n "$crt" ]; then
	sed -e "s|%{!shared: $dest/lib/Scrt1.o}|%{!shared: $dest/lib/crt1.o}|" \
	    -e 's| crtbeginS.o%s||' -e 's|crtendS.o%s ||' \
	    "$dest/lib/musl-gcc.specs" >"$dest/lib/musl-gcc.specs.tmp"
	mv "$dest/lib/musl-gcc.specs.tmp" "$dest/lib/musl-gcc.specs"
	! grep -q 'Scrt1\|crtbeginS\|crtendS' "$dest/lib/musl-gcc.specs" ||
		{ echo "build-musl.sh: musl-gcc.specs not rewritten" >&2; exit 1; }
fi
cd "$out"
rm -rf "$out/obj-musl"
echo "$stamp" >"$dest/.built"
