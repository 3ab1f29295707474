# board/host.mk: the build machine itself (x86_64 Debian with musl-tools).
# For development, CI and the benchmarks; not a shipping target. Uses
# Debian's musl-gcc wrapper instead of building musl.
BOARD_PKGS     = musl-tools
BOARD_CC       = musl-gcc
BOARD_AR       = ar
BOARD_STRIP    = strip
BOARD_ARCH     =
BOARD_CFLAGS   = -Os
BOARD_LDFLAGS  =
# How to run a target binary here: natively.
BOARD_RUN      =
# Feature defaults for this kind of machine.
BOARD_IPV6     = 1
BOARD_TLS      = 1
BOARD_LOG      = 1
