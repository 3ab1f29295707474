# board/armel.mk: ARMv5TE, soft-float EABI (no FPU).
# For: older NAS and routers on Marvell Kirkwood / Orion (Seagate
# DockStar and GoFlex Home, Buffalo LinkStation LS-WXL, QNAP TS-119/219,
# Synology DS111/DS211) and Cirrus/Faraday ARM9 boxes. Often 64-128 MiB
# RAM and 8-16 MiB of free flash; many run on an IPv4-only LAN, but IPv6
# stays on by default since it costs little and firmware builders can
# turn it off.
BOARD_GNU      = arm-linux-gnueabi
BOARD_MUSL     = arm-linux-musleabi
BOARD_PKGS     = gcc-arm-linux-gnueabi qemu-user-static
# Thumb (16-bit instructions) for everything, musl, BearSSL and udns too:
# 243 KB instead of 325 KB in ARM code, under the NAS target of 256 KiB.
# BearSSL's multiplications call helpers in Thumb-1, so a handshake costs
# more CPU; a mail relay makes few of them.
# -fno-pie: the binary is a static executable, never PIE (Debian's
# compilers make PIE code by default): direct addressing instead of the GOT.
BOARD_ARCH     = -march=armv5te -mfloat-abi=soft -mthumb -fno-pie
BOARD_CFLAGS   = -Os $(BOARD_ARCH)
BOARD_LDFLAGS  =
BOARD_RUN      = qemu-arm-static
BOARD_IPV6     = 1
BOARD_TLS      = 1
BOARD_LOG      = 1
