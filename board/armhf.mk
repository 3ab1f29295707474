# board/armhf.mk: ARMv7-A, hard-float EABI (VFPv3-D16, Thumb-2).
# For: NAS boxes on Marvell Armada 370/375/385 and Annapurna Alpine (e.g.
# Synology DS216j/DS218j, WD My Cloud EX2 Ultra, QNAP TS-231P), routers on
# Cortex-A7/A9/A15 (Broadcom BCM4708/4709 "Northstar", MediaTek MT7629,
# Qualcomm IPQ40xx/IPQ806x) and the Raspberry Pi 2/3 running 32-bit.
# These have flash for a full feature set and usually an IPv6 uplink.
BOARD_GNU      = arm-linux-gnueabihf
BOARD_MUSL     = arm-linux-musleabihf
BOARD_SYSTEM_PKGS = qemu-system-arm
BOARD_PKGS     = gcc-arm-linux-gnueabihf qemu-user-static
# -fno-pie: the binary is a static executable, never PIE (Debian's
# compilers make PIE code by default): direct addressing instead of the GOT.
BOARD_ARCH     = -march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard -mthumb -fno-pie
BOARD_CFLAGS   = -Os $(BOARD_ARCH)
BOARD_LDFLAGS  =
BOARD_RUN      = qemu-arm-static
BOARD_IPV6     = 1
BOARD_TLS      = 1
BOARD_LOG      = 1
