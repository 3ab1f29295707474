# board/arm64.mk: AArch64 (ARMv8-A).
# For: current NAS and routers on Cortex-A53/A55/A72 (Realtek RTD1296/
# RTD1619 in Synology DS218/DS220j, Qualcomm IPQ807x/IPQ60xx Wi-Fi 6
# routers, MediaTek Filogic MT7981/MT7986, Raspberry Pi 3/4/5 64-bit).
# They run 4 KiB pages: link for that (the default 64 KiB alignment
# quadruples the file).
BOARD_GNU      = aarch64-linux-gnu
BOARD_MUSL     = aarch64-linux-musl
BOARD_PKGS     = gcc-aarch64-linux-gnu qemu-user-static
# -fno-pie: the binary is a static executable, never PIE (Debian's
# compilers make PIE code by default): direct addressing instead of the GOT.
BOARD_ARCH     = -fno-pie
# -fomit-frame-pointer: Debian's gcc for AArch64 keeps the frame pointer
# at -Os; nothing here walks frames (4 KB, 1.5%, of BearSSL, udns and
# ours; musl omits it already).
BOARD_CFLAGS   = -Os $(BOARD_ARCH) -fomit-frame-pointer
BOARD_LDFLAGS  = -Wl,-z,max-page-size=4096
BOARD_RUN      = qemu-aarch64-static
BOARD_IPV6     = 1
BOARD_TLS      = 1
BOARD_LOG      = 1
