# board/mipsel.mk: 32-bit little-endian MIPS (MIPS32r2), o32 hard-float.
# For: routers on MediaTek MT7620/MT7621/MT7628 (Xiaomi Mi Router 4A,
# Netgear R6220, GL.iNet MT300N, Ubiquiti EdgeRouter X) and Broadcom
# BCM47xx. MT7621 has no FPU: the kernel emulates it; see mips.mk. 4 KiB
# pages, as on mips.
BOARD_GNU      = mipsel-linux-gnu
BOARD_MUSL     = mipsel-linux-musl
BOARD_SYSTEM_PKGS = qemu-system-mips
BOARD_PKGS     = gcc-mipsel-linux-gnu qemu-user-static
BOARD_ARCH     = -march=mips32r2
BOARD_CFLAGS   = -Os $(BOARD_ARCH)
BOARD_LDFLAGS  = -Wl,-z,max-page-size=4096
BOARD_RUN      = qemu-mipsel-static
BOARD_IPV6     = 1
BOARD_TLS      = 1
BOARD_LOG      = 1
