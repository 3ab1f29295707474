#!/bin/sh
# tests/run.sh: the whole test suite for one build, as `make check` runs it.
# Unit tests (with the session vectors), then the scenario tests with the
# real binary against real servers on loopback. Ends with the line
# "N passed, N failed". Environment: O (build folder), RUN (qemu prefix for
# a board), CONFIG_* (the flags built), SCENARIO_FILTER (optional).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
O=${O:-build/host}
RUN=${RUN:-}
log=$(mktemp)
fails=$(mktemp) # every FAIL line, repeated above the total (CI shows a tail)
trap 'rm -f "$log" "$fails"' EXIT

pass=0 fail=0
count() { # adds the "NAME: N passed, N failed" line of $log
	# Each FAIL line with its exception's last line (600 characters at
	# most): what CI's tail shows is then enough to tell why.
	awk 'function out() { if (f != "") { print f; if (x != "")
			print "     " substr(x, 1, 600) } f = x = "" }
	     /^(ok|FAIL|skip) / || /^[a-z]+: [0-9]+ passed/ { out() }
	     /^FAIL / && !/, ending:$/ { f = $0; next }
	     f != "" && /^[A-Za-z_.]*(Error|Exception)(:|$)/ { x = $0 }
	     END { out() }' "$log" >>"$fails"
	line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "tests/run.sh: $1 printed no result line: counted as 1 failure"
		fail=$((fail + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/^[a-z]+: ([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	pass=$((pass + p))
	fail=$((fail + f))
}

echo "== build checks ($O)"
sp=0 sf=0
check() { # description, then a command that must succeed (what it
	# prints shows above its line: the figures of stack.py and layout-check)
	d=$1
	shift
	if "$@" 2>&1; then
		echo "ok   $d"
		sp=$((sp + 1))
	else
		echo "FAIL $d"
		sf=$((sf + 1))
	fi
}
bin=$O/bin/smtprc
check "build: $bin is statically linked" sh -c "file '$bin' | grep -q 'statically linked'"
check "build: $bin is stripped" sh -c "file '$bin' | grep -q ', stripped'"
# The program owns all memory: no libc allocator may be linked, and
# malloc, if present at all, must be the arena's (udns's bounded heap).
check "build: the only allocator is the counted arena (src/dns/arena.c)" sh -c \
	"! readelf -sW '$bin.unstripped' | grep -qE ' (__libc_malloc|__libc_malloc_impl|__simple_malloc|__malloc_context|__expand_heap|opendir)\$' &&
	 { ! readelf -sW '$bin.unstripped' | grep -qE ' malloc\$' ||
	   grep -A1 '^ \.text\.malloc' '$bin.map' | grep -q 'arena\.o'; }"
# CONFIG_TLS=0 removes every byte of BearSSL; CONFIG_TLS=1 links it.
if [ "${CONFIG_TLS:-1}" = 1 ]; then
	check "build: TLS built in (BearSSL's engine and DANE linked)" sh -c \
		"readelf -sW '$bin.unstripped' | grep -qE ' br_ssl_engine_sendrec_buf\$' &&
		 readelf -sW '$bin.unstripped' | grep -qE ' dane_classify\$'"
else
	check "build: CONFIG_TLS=0 links nothing of BearSSL or DANE" sh -c \
		"! readelf -sW '$bin.unstripped' | grep -qE ' ((br|_br)_[a-z0-9_]+|dane_[a-z_]+|der_cert_parts)\$'"
	check "build: CONFIG_TLS=0 links no HTTPS client, JSON, OAuth or MTA-STS code" sh -c \
		"! readelf -sW '$bin.unstripped' | grep -qE ' (https_fetch|http_[a-z_]+|json_get[a-z_]*|oauth_[a-z_]+|sts_[a-z_]+_parse|sts_mx_match|b64_decode)\$'"
fi
for l in smtprcd smtppd sendmail mailq; do
	check "build: link $l -> smtprc" test "$(readlink "$O/bin/$l")" = smtprc
done
# The promises the headers make about the source (docs/architecture.md).
check "source: no queue directory descriptor outside src/queue/queue.c" \
	tools/check-source.sh queue-fds
check "source: no RFC 3463 status literal outside src/outcome.c" \
	tools/check-source.sh statuses
check "source: no #if CONFIG_ in relay.c or the programs" \
	tools/check-source.sh no-config-if
check "source: bearssl.h only in src/tls, udns.h only in src/dns/dnsq_udns.c" \
	sh -c "tools/check-source.sh bearssl && tools/check-source.sh udns"
check "source: no function over 80 lines" tools/check-source.sh short
check "source: every option of the programs' tables is in a manual page" \
	tools/check-source.sh man
stack_max=$(sed -n 's/^#define STACK_OWN_MAX \([0-9]*\).*/\1/p' "$O/config.h")
check "build: the deepest chain of own stack frames is within STACK_OWN_MAX" \
	/usr/bin/python3 tools/stack.py "$O/obj" "$stack_max"
# The routers' and armel's code allows a plaintext relay client in the
# daemons' windows; host's and arm64's is larger (no memory target there).
case ${BOARD:-host} in
armhf | armel | mips | mipsel) layout_bin=$O/bin/smtprc.unstripped ;;
*) layout_bin= ;;
esac
# shellcheck disable=SC2086
check "build: the daemons' modules first, a plaintext relay client's next (tools/daemons-first.ld)" \
	/usr/bin/python3 tools/layout-check.py "$O/obj" tools/daemons-first.ld $layout_bin
echo "build: $sp passed, $sf failed" >"$log"
count build

echo "== unit tests ($O)"
# shellcheck disable=SC2086
$RUN "$O/tests/unit" tests/vectors >"$log" 2>&1
rc=$?
cat "$log"
count unit
[ $rc -eq 0 ] || grep -q ' [1-9][0-9]* failed' "$log" || fail=$((fail + 1))

if [ -d "$O/fuzz" ]; then
	echo "== fuzz harnesses (${FUZZ_CHECK_RUNS:-20000} runs each, from tests/fuzz/seeds)"
	fp=0 ff=0
	corpus=$(mktemp -d)
	for f in "$O"/fuzz/fuzz_*; do
		n=${f##*/fuzz_}
		mkdir -p "$corpus/$n"
		if "$f" -runs="${FUZZ_CHECK_RUNS:-20000}" -max_len=4096 -seed=1 \
			"$corpus/$n" "tests/fuzz/seeds/$n" >"$log" 2>&1; then
			echo "ok   fuzz: $n ($(grep -o 'Done [0-9]* runs' "$log"))"
			fp=$((fp + 1))
		else
			echo "FAIL fuzz: $n"
			tail -n 30 "$log"
			ff=$((ff + 1))
		fi
	done
	rm -rf "$corpus"
	echo "fuzz: $fp passed, $ff failed" >"$log"
	count fuzz
fi

echo "== scenario tests"
# Debian's python3: the test servers' modules (aiosmtpd, dnslib) are there.
SMTPRC="$O/bin/smtprc" RUN="$RUN" /usr/bin/python3 tests/scenario/run.py >"$log" 2>&1
rc=$?
cat "$log"
count scenario
[ $rc -eq 0 ] || grep -q ' [1-9][0-9]* failed' "$log" || fail=$((fail + 1))

if [ -s "$fails" ]; then
	echo "== failed ($O${RUN:+, under $RUN})"
	cat "$fails"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
