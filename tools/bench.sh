#!/bin/sh
# tools/bench.sh PROG: run by `make bench`. Builds the peak-RSS launcher
# and the floor client with musl, then runs tools/bench.py (smtprc alone),
# tools/bench_scale.py (smtprcd at scale: BENCH_SCALE) and
# tools/bench_peers.py (side by side with Postfix, msmtp, dma, nullmailer
# and the floor clients:
# BENCH_ROUNDS). BENCH_MESSAGES and BENCH_RUNS set the workload (defaults
# 1000 and 5). BENCH_ONLY=peers (or scale, or smtprc) runs one part.
set -e
cd "$(dirname "$0")/.."
prog=${1:-build/host/bin/smtprc}
mkdir -p build/host/tools
musl-gcc -static -Os -o build/host/tools/peakrss tools/peakrss.c
musl-gcc -static -O2 -o build/host/tools/floor tools/floor.c
case ${BENCH_ONLY:-all} in all|smtprc)
	/usr/bin/python3 tools/bench.py "$prog" build/host/tools/peakrss ;; esac
case ${BENCH_ONLY:-all} in all|scale)
	echo; /usr/bin/python3 tools/bench_scale.py "$prog" ;; esac
case ${BENCH_ONLY:-all} in all|peers)
	echo; /usr/bin/python3 tools/bench_peers.py "$prog" build/host/tools/floor ;; esac
