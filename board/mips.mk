# board/mips.mk: 32-bit big-endian MIPS (MIPS32r2), o32 hard-float ABI.
# For: routers on Atheros/Qualcomm AR71xx/AR93xx/QCA95xx (TP-Link Archer
# C7, TL-WR841N, Ubiquiti NanoStation) and Lantiq VRX200 DSL routers
# (FRITZ!Box 3370/7360). Big-endian is where byte-order bugs show. The
# hard-float ABI is kept even on FPU-less cores: the kernel emulates the
# FPU, and a soft-float build computed wrong results here.
# Typical devices have 8-16 MiB flash: keep the binary small. Routers run
# 4 KiB pages: link for that (binutils aligns MIPS segments to 64 KiB).
BOARD_GNU      = mips-linux-gnu
BOARD_MUSL     = mips-linux-musl
BOARD_PKGS     = gcc-mips-linux-gnu qemu-user-static
# -mno-abicalls -fno-pic -fno-pie: the binary is a static executable
# (never PIE), so every object, musl's too, is plain non-PIC code: calls
# and addresses direct, no GOT and no $gp set-up per function (38 KB less
# on mipsel than abicalls code). musl is built with crt1.o alone and
# without gcc's crtbeginS.o (tools/build-musl.sh), libgcc's 64-bit
# division and shifts are src/mips_int64.c: libgcc.a and those start
# files are abicalls code, and a link mixing the two warns, which fails
# the build. -minterlink-mips16: calls between MIPS32 and MIPS16e code
# (below) switch mode, musl's calls to our malloc too.
BOARD_ARCH     = -march=mips32r2 -mno-abicalls -fno-pic -fno-pie -minterlink-mips16
BOARD_CFLAGS   = -Os $(BOARD_ARCH)
# Our own code as MIPS16e (16-bit instructions): about 56 KB less.
BOARD_OWN_CFLAGS = -mips16
# musl's C files too where they can be, not those with MIPS32 inline
# assembly (system calls, atomics) or floating point: tools/cc-mips16.sh,
# 4.8 KB less on mipsel. Its assembly files stay MIPS32.
BOARD_MUSL_MIPS16 = mips16
# BearSSL and udns as MIPS16e too: 20 KB less on mipsel (BearSSL's
# protocol and certificate code 12.6 KB, its arithmetic 7.5, udns 4.5).
# Every BearSSL file linked (its i15 arithmetic: src/tls/tls_int.h) is
# smaller so than as MIPS32 code.
BOARD_DEPS_CFLAGS = -mips16
BOARD_LDFLAGS  = -Wl,-z,max-page-size=4096 -no-pie
BOARD_RUN      = qemu-mips-static
BOARD_IPV6     = 1
BOARD_TLS      = 1
BOARD_LOG      = 1
