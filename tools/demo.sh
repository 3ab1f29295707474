#!/bin/sh
# tools/demo.sh PROG: run by `make demo` (which builds PROG and installs
# what is needed first).
set -e
cd "$(dirname "$0")/.."
exec /usr/bin/python3 tools/demo.py "${1:-build/host/bin/smtprc}"
