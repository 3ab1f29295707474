#!/bin/sh
# tools/build-musl.sh OUT MUSL_TARGET GNU_TRIPLET ARCH_FLAGS
#
# Builds musl (the pinned Debian source package, see tools/deps.sh) for one
# board with Debian's cross compiler, static only, into OUT/musl, and its
# gcc wrapper OUT/musl/bin/musl-gcc, which drives GNU_TRIPLET-gcc with
# musl's headers, start files and libc. musl's configure only probes the
# compiler (it never runs target code), so this works for any target.
set -eu
# Our make's command-line variables (O=, BOARD=) must not reach musl's.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
out=$1 target=$2 gnu=$3 arch=$4
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$out/musl
stamp="musl $target $gnu $arch"
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
CFLAGS="$arch" ./configure --target="$target" CROSS_COMPILE="$gnu-" \
	CC="$gnu-gcc" --disable-shared --enable-wrapper=gcc --prefix="$dest" \
	>configure.log 2>&1 || { tail -20 configure.log >&2; exit 1; }
make -j"$(nproc)" >make.log 2>&1 || { tail -20 make.log >&2; exit 1; }
make install >install.log 2>&1 || { tail -20 install.log >&2; exit 1; }
cd "$out"
rm -rf "$out/obj-musl"
echo "$stamp" >"$dest/.built"
