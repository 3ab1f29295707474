#!/bin/sh
# tools/check-source.sh RULE: checks one promise the headers make about
# the source tree (docs/architecture.md); prints the offending lines and
# exits 1 when it is broken. tests/run.sh runs every rule.
#
#   queue-fds     no queue directory descriptor outside src/queue/queue.c
#   statuses      no RFC 3463 status literal outside src/outcome.c
#   no-config-if  no #if CONFIG_ in src/smtp/relay.c or src/prog/
#   bearssl       bearssl.h included only in src/tls/
#   udns          udns.h included only in src/dns/dnsq_udns.c
#   short         no function in src/ longer than 80 lines
#   man           every long option of the programs' tables is in man/
set -u
cd "$(dirname "$0")/.." || exit 2
found() { # prints its input and fails when there is any
	out=$(cat)
	[ -z "$out" ] && return 0
	printf '%s\n' "$out"
	return 1
}
case ${1:-} in
queue-fds)
	grep -rn 'fd\[QUEUE_\|->fd\[\|\.fd\[' src | grep -v '^src/queue/queue\.c:' | found ;;
statuses)
	grep -rnE '"[245]\.[0-9]{1,3}\.[0-9]{1,3}"' src | grep -v '^src/outcome\.c:' | found ;;
no-config-if)
	grep -n '^#if.*CONFIG_' src/smtp/relay.c src/prog/*.c | found ;;
bearssl)
	grep -rln '<bearssl.h>\|<bearssl_' src include | grep -v '^src/tls/' | found ;;
udns)
	grep -rln '<udns.h>\|"udns.h"' src include | grep -v '^src/dns/dnsq_udns\.c$' | found ;;
short)
	# A function is a line starting with '{' to the next starting with
	# '}'; its length counts from the line holding its name.
	for f in src/*.c src/*/*.c; do
		awk -v f="$f" '
			/\(/ { head = FNR }
			/^\{/ { start = head }
			/^\}/ && start { n = FNR - start + 1
				if (n > 80) printf "%s:%d: %d lines\n", f, start, n
				start = 0 }' "$f"
	done | found ;;
man)
	# The option tables are the one list of options (opt.h); each long
	# name must be documented (man pages write "-" as "\-").
	sed -n 's/^	{ [A-Z_]*, OPT_[A-Z]*, [^,]*, "\([a-z0-9-]*\)", .*/\1/p' \
		src/prog/*.c | sort -u | while read -r o; do
		pat=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
		grep -qi -- "$pat" man/*.8 man/*.5 || echo "option --$o is in no manual page"
	done | found ;;
*)
	echo "usage: tools/check-source.sh queue-fds|statuses|no-config-if|bearssl|udns|short|man" >&2
	exit 2 ;;
esac
