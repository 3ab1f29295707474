/* unit_main.c: runs every suite, prints one line per test and the total
 * as "unit: N passed, N failed". */
#include "unit.h"

int unit_failed;

/* suites.h lists UNIT_SUITE_ENTRY(name) for every UNIT_SUITE(name) of
 * the files in tests/unit (made by the Makefile). */
#define UNIT_SUITE_ENTRY(n) extern const struct unit_test n[];
#include "suites.h"
#undef UNIT_SUITE_ENTRY

#define UNIT_SUITE_ENTRY(n) n,
static const struct unit_test *const suites[] = {
#include "suites.h"
};
#undef UNIT_SUITE_ENTRY

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
