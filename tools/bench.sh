#!/bin/sh
# tools/bench.sh PROG: run by `make bench`. Builds the peak-RSS launcher
# with musl, then runs tools/bench.py. BENCH_MESSAGES and BENCH_RUNS set
# the workload (defaults 1000 and 5).
set -e
cd "$(dirname "$0")/.."
prog=${1:-build/host/bin/smtprc}
mkdir -p build/host/tools
musl-gcc -static -Os -o build/host/tools/peakrss tools/peakrss.c
exec /usr/bin/python3 tools/bench.py "$prog" build/host/tools/peakrss
