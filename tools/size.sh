#!/bin/sh
# tools/size.sh: the stripped size of smtprc on every board in five
# configurations, as a Markdown table on standard output and in
# docs/size.md. Run by `make size`; builds what is missing. With
# SIZE_CHECK=1 (`make size-check`) it then exits 1 when a board exceeds
# its target of the footprint issue.
set -eu
cd "$(dirname "$0")/.."
boards=${BOARDS:-"host armhf armel arm64 mips mipsel"}
configs="all:1:1:1 tls-off:1:0:1 ipv6-off:0:1:1 log-off:1:1:0 all-off:0:0:0"
# Thirty builds: each on every processor (CI's run must stay under an hour).
jobs=$(nproc 2>/dev/null || echo 1)
out=$(mktemp)
trap 'rm -f "$out" "$out.over"' EXIT
{
	echo "# Stripped size of build/<board>/bin/smtprc"
	echo
	echo "Written by \`make size\` (tools/size.sh) on $(date -u +%Y-%m-%d), from commit"
	echo "$(git rev-parse --short HEAD 2>/dev/null || echo unknown). Bytes of the static, stripped"
	echo "multi-call binary; columns are CONFIG_IPV6/CONFIG_TLS/CONFIG_LOG settings."
	echo
	printf '| board | all features | TLS off | IPv6 off | LOG off | all off |\n'
	printf '|---|---:|---:|---:|---:|---:|\n'
} >"$out"
for b in $boards; do
	row="| $b |"
	for c in $configs; do
		name=${c%%:*}
		rest=${c#*:}
		i=${rest%%:*}; rest=${rest#*:}
		t=${rest%%:*}; l=${rest#*:}
		o=build/size/$b-$name
		make -s -j"$jobs" BOARD="$b" O="$o" CONFIG_IPV6="$i" CONFIG_TLS="$t" \
			CONFIG_LOG="$l" all >/dev/null
		n=$(wc -c <"$o/bin/smtprc")
		row="$row $n |"
		eval "size_${b}_$(echo "$name" | tr - _)=$n"
	done
	echo "$row" >>"$out"
done
# The targets of the footprint issue, each said met or not from the table.
verdict() { # board, column (all or tls), target bytes, what
	eval "v=\${size_$1_$2:-}"
	[ -n "$v" ] || return 0
	if [ "$v" -le "$3" ]; then
		echo "- $1, $4: met ($v of $3 bytes)"
	else
		echo "- $1, $4: not met ($v bytes, $(( v - $3 )) over $3)"
		echo "$1" >>"$out.over"
	fi
}
{
	echo
	echo "Targets (the footprint issue), from this table:"
	echo
	for b in mips mipsel armhf; do
		verdict "$b" all 196608 "every feature, at most 192 KiB"
		verdict "$b" tls_off 131072 "TLS off, at most 128 KiB"
	done
	for b in armel arm64; do
		verdict "$b" all 262144 "every feature, at most 256 KiB"
	done
	cat <<'TXT'

How the boards are built small (board/*.mk): every cross board compiles
musl, BearSSL, udns and our code -fno-pie, as the static executable it
is (armhf -12 KB); armel is Thumb throughout (-82 KB); mips and mipsel
compile our code as MIPS16e (-56 KB), BearSSL and udns too (-20 KB), and
everything, musl included, as non-PIC code without abicalls (-38 KB
against abicalls code with -mno-shared): musl without its PIC start
files, no crtbeginS.o, and src/mips_int64.c for libgcc's 64-bit division
and shifts, whose only copies are abicalls code; musl's C files are
MIPS16e too where the assembler takes their inline assembly
(tools/cc-mips16.sh, -4.8 KB), those making system calls too, through
one MIPS32 function instead of inline assembly (tools/musl-mips16/, -3.3
KB). A link warning (such as objects of two ABIs mixed) fails the build.
No board has unwind tables (nothing unwinds; gcc for AArch64 makes
.eh_frame unless told -fno-unwind-tables as well: arm64 -33 KB), and
arm64 none of the frame pointer that Debian's gcc for AArch64 keeps at
-Os (-4 KB). No stdio is linked (include/fmt.h formats; armhf -8 KB,
mips -11 KB), nor libc's setuid/setgid, sysconf or ioctl (armhf -3 KB
together). The data segment follows the code in the file without padding
to a page boundary (-z common-page-size=16: up to 4 KB, 2.7 KB on armhf
with TLS off). TLS links no SHA-1 (RFC 9155: not offered, not accepted
in certificates; -1.1 KB), and its curves are BearSSL's generic code
(src/tls/tls_ec.c), not its faster P-256 and X25519 (mips -11 KB, arm64
-8 KB, armhf -7 KB). On mips and mipsel that code, RSA, ECDSA and
Poly1305 use 15-bit words (i15), constant-time on MIPS cores whose
multiplier is faster for 16-bit operands (src/tls/tls_int.h, -1.5 KB).
The CA bundle's PEM is read by src/tls/tls_pem.c, not BearSSL's decoder
(-0.9 KB on mipsel). udns is started from its defaults: its resolv.conf
reader, which dnsq_conf makes redundant, is not linked (-1.2 KB on
mipsel). tools/daemons-first.ld orders the code for resident memory,
not for size: the daemons' first, then a plaintext relay client's, so
that each maps two of the kernel's 64 KiB fault-around windows of code,
not three; tools/bss-first.py puts the small variables before the large
buffers, so that they share one page instead of costing a page of .bss
each (in the mipsel boot, a plaintext relay client 316 -> 236 KiB, the
daemons 208/224 -> 196/208 kB). Nor is libc's
strerror table: err_errno (include/err.h) keeps musl's words for the 57
errno values a queue, a socket or a process meets (armhf -0.8 KB). Left
to try: offering AES-GCM alone, without ChaCha20-Poly1305 (2.9 KB on
mipsel, but slower bulk encryption on a CPU without AES instructions);
one BSS overlay per program (it would also let arm64 use -mcmodel=tiny,
whose addresses reach only 1 MB: today's BSS is farther). CONFIG_TLS=1
links BearSSL (STARTTLS, implicit TLS, the verify policy's trust store,
DANE) and with it the HTTPS client, JSON, OAuth 2.0 and MTA-STS (about
43 KB on x86_64, 33 KB on armhf); CONFIG_TLS=0 links none of them.
TXT
} >>"$out"
cp "$out" docs/size.md
cat docs/size.md
if [ "${SIZE_CHECK:-0}" = 1 ] && [ -s "$out.over" ]; then
	echo "size-check: over the target: $(sort -u "$out.over" | tr '\n' ' ')" >&2
	exit 1
fi
