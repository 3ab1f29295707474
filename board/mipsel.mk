# board/mipsel.mk: 32-bit little-endian MIPS (MIPS32r2), o32 hard-float.
# For: routers on MediaTek MT7620/MT7621/MT7628 (Xiaomi Mi Router 4A,
# Netgear R6220, GL.iNet MT300N, Ubiquiti EdgeRouter X) and Broadcom
# BCM47xx. MT7621 has no FPU: the kernel emulates it; see mips.mk. 4 KiB
# pages, as on mips.
BOARD_GNU      = mipsel-linux-gnu
BOARD_MUSL     = mipsel-linux-musl
BOARD_SYSTEM_PKGS = qemu-system-mips
BOARD_PKGS     = gcc-mipsel-linux-gnu qemu-user-static
# -mno-shared -fno-pie: the binary is a static executable (never PIE), so
# every object, musl's too, is built as such: abicalls code that calls
# and addresses its own symbols directly instead of through the GOT
# (about 21 KB less on mipsel, and no mix of abicalls and non-abicalls
# objects). -minterlink-mips16: calls between MIPS32 and MIPS16e code
# (below) switch mode, musl's calls to our malloc too.
BOARD_ARCH     = -march=mips32r2 -mno-shared -fno-pie -minterlink-mips16
BOARD_CFLAGS   = -Os $(BOARD_ARCH)
# Our own code as MIPS16e (16-bit instructions): about 56 KB less. musl
# (inline assembly) stays MIPS32.
BOARD_OWN_CFLAGS = -mips16
# BearSSL and udns as MIPS16e too: 20 KB less on mipsel (BearSSL's
# protocol and certificate code 12.6 KB, its arithmetic 7.5, udns 4.5),
# all but ec_c25519_m31 (X25519), which MIPS16e makes 0.4 KB larger.
# MIPS16e has the 32x32->64 multiplications BearSSL's m31/i31 code uses.
BOARD_DEPS_CFLAGS = -mips16
BOARD_DEPS_NATIVE = ec_c25519_m31
BOARD_LDFLAGS  = -Wl,-z,max-page-size=4096 -no-pie
BOARD_RUN      = qemu-mipsel-static
BOARD_IPV6     = 1
BOARD_TLS      = 1
BOARD_LOG      = 1
