/* unit_main.c: runs every suite, prints one line per test and the total
 * as "unit: N passed, N failed". */
#include "unit.h"

int unit_failed;

extern const struct unit_test reply_tests[], ehlo_tests[], body_tests[],
	rcptlist_tests[], outcome_tests[], opt_tests[], session_tests[],
	locate_tests[], trigger_tests[], smtprc_opts_tests[],
	dns_tests[], dnsreply_tests[], submit_tests[], tls_tests[], dane_tests[];

static const struct unit_test *const suites[] = {
	reply_tests, ehlo_tests, body_tests, rcptlist_tests, outcome_tests,
	opt_tests, smtprc_opts_tests, session_tests, locate_tests,
	trigger_tests, dns_tests, dnsreply_tests, submit_tests, tls_tests,
	dane_tests,
};

extern const char *unit_vectors;

int main(int argc, char **argv)
{
	unsigned pass = 0, fail = 0, s;
	const struct unit_test *t;

	if (argc > 1)
		unit_vectors = argv[1];

	for (s = 0; s < sizeof suites / sizeof suites[0]; s++)
		for (t = suites[s]; t->name; t++) {
			unit_failed = 0;
			t->run();
			printf("%s %s\n", unit_failed ? "FAIL" : "ok  ", t->name);
			if (unit_failed)
				fail++;
			else
				pass++;
		}
	printf("unit: %u passed, %u failed\n", pass, fail);
	return fail != 0;
}
