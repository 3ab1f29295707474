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
BOARD_ARCH     = -march=armv5te -mfloat-abi=soft -marm
BOARD_CFLAGS   = -Os $(BOARD_ARCH)
BOARD_LDFLAGS  =
BOARD_RUN      = qemu-arm-static
BOARD_IPV6     = 1
BOARD_TLS      = 1
BOARD_LOG      = 1
