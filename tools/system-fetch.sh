#!/bin/sh
# tools/system-fetch.sh BOARD CACHE: Debian's own kernel and busybox for
# the whole-system test of BOARD (armhf: linux-image-armmp for qemu's
# "virt" machine; mipsel: linux-image-4kc-malta for "malta"), fetched with a
# private apt state (the machine's own apt state and architectures are not
# touched) and unpacked into CACHE/BOARD:
#
#   vmlinuz       the kernel
#   modules/*.ko  the modules the test loads, in modules/order (the
#                 network card: virtio or pcnet32; the disk: virtio over
#                 MMIO on virt, IDE on malta, whose virtio-blk-pci took
#                 seconds a message here; ext4)
#   busybox       busybox-static's binary
#
# CACHE is outside the repository and kept between runs: a second run on
# the same machine fetches nothing (CACHE/BOARD/.done names what is there;
# a changed module list fetches again).
set -eu
board=$1
cache=$2
out=$cache/$board

case $board in
armhf)	arch=armhf; flavour=armmp
	mods="virtio_mmio failover net_failover virtio_net virtio_blk crc16
crc32c_generic mbcache jbd2 ext4" ;;
mipsel)	arch=mipsel; flavour=4kc-malta
	mods="mii pcnet32 ata_piix crc16 crc32c_generic mbcache jbd2 ext4" ;;
*)	echo "system-fetch: no whole-system test for board $board" >&2; exit 64 ;;
esac
want=$(echo "$flavour" $mods)
[ -f "$out/.done" ] && [ "$(cat "$out/.done")" = "$want" ] && exit 0

apt=$cache/apt-$arch
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$out.tmp"
set -- -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" \
	-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch" \
	-o Debug::NoLocking=1
# The security suite's index for a foreign architecture may fail to
# download (a size mismatch on these mirrors): the main suite is enough,
# so a partial update is taken when it named the kernel.
n=0
until apt-get "$@" -q update >/dev/null 2>&1 ||
	apt-cache "$@" show "linux-image-$flavour" >/dev/null 2>&1; do
	n=$((n + 1))
	[ $n -lt 4 ] || { echo "system-fetch: apt-get update failed" >&2; exit 1; }
	sleep $((n * 3))
done
kernel=$(apt-cache "$@" depends "linux-image-$flavour" |
	sed -n "s/^ *Depends: \(linux-image-[0-9].*-$flavour\)\$/\1/p" | head -n 1)
[ -n "$kernel" ] || { echo "system-fetch: no kernel for $flavour" >&2; exit 1; }
(cd "$out.tmp" && apt-get "$@" -q download "$kernel" busybox-static \
	>/dev/null 2>&1)
rm -rf "$out.tmp/k" "$out.tmp/b"
dpkg-deb -x "$out.tmp"/linux-image-*.deb "$out.tmp/k"
dpkg-deb -x "$out.tmp"/busybox-static_*.deb "$out.tmp/b"
rm -rf "$out"
mkdir -p "$out/modules"
cp "$out.tmp"/k/boot/vmlinuz-* "$out/vmlinuz"
cp "$out.tmp/b/bin/busybox" "$out/busybox"
for m in $mods; do
	f=$(find "$out.tmp/k/lib/modules" -name "$m.ko" | head -n 1)
	[ -n "$f" ] || { echo "system-fetch: module $m missing" >&2; exit 1; }
	cp "$f" "$out/modules/"
done
echo "$mods" >"$out/modules/order"
echo "$kernel" >"$out/kernel-version"
rm -rf "$out.tmp"
echo "$want" >"$out/.done"
