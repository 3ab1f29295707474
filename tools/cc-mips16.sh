#!/bin/sh
# tools/cc-mips16.sh CC ARGS...: musl's compiler on mips and mipsel
# (tools/build-musl.sh, BOARD_MUSL_MIPS16=1). A C file is compiled as
# MIPS16e (16-bit instructions, about a third smaller) when it can be: not
# when its inline assembly has MIPS32 instructions (syscall, ll/sc, rdhwr:
# the assembler refuses them, and the file is compiled again as MIPS32),
# nor when MIPS16e code would call libgcc's __mips16_* floating-point
# helpers (abicalls code, which the link refuses to mix), nor for the
# start files. Assembly files are never touched: their MIPS32 code must
# stay so, and an accidental MIPS16e assembly would not be refused.
# The MIPS16e attempt sees tools/musl-mips16/syscall_arch.h before musl's
# own: its system calls go through one MIPS32 function instead of inline
# MIPS32 assembly, so that the files making them can be MIPS16e too.
cc=$1
shift
src='' out=''
prev=
for a; do
	case $a in *.c) src=$a ;; esac
	[ "$prev" = -o ] && out=$a
	prev=$a
done
case $src in ''|*/crt/*|crt/*) exec "$cc" "$@" ;; esac
if "$cc" -I"${0%/*}/musl-mips16" "$@" -mips16 2>/dev/null; then
	case $out in *.o|*.lo)
		if ! "${cc%gcc}nm" -u "$out" | grep -q '__mips16_'; then
			exit 0
		fi ;;
	*) exit 0 ;;
	esac
fi
exec "$cc" "$@"
