/* test_bounce.c: bounce.h's RFC 5322 dates. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "b64.h"
#include "bounce.h"
#include "smtp_ehlo.h"
#include "conf.h"
#include "header.h"
#include "maildrop.h"
#include "opt.h"
#include "route.h"
#include "runfile.h"
#include "unit.h"

static void dates(void)
{
	/* bounce_date's own calendar arithmetic (no gmtime_r): the epoch,
	 * leap days of 2000 (divisible by 400) and 2024, the end of 9999,
	 * and a date before the epoch. */
	static const struct { long long t; const char *s; } v[] = {
		{ 0, "Thu, 01 Jan 1970 00:00:00 +0000" },
		{ 951782400, "Tue, 29 Feb 2000 00:00:00 +0000" },
		{ 1709251199, "Thu, 29 Feb 2024 23:59:59 +0000" },
		{ 1795891549, "Sat, 28 Nov 2026 18:45:49 +0000" },
		{ 253402300799LL, "Fri, 31 Dec 9999 23:59:59 +0000" },
		{ -1, "Wed, 31 Dec 1969 23:59:59 +0000" },
	};
	size_t i;
	char out[40];
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		bounce_date((time_t)v[i].t, out);
		CHECK_STR(out, v[i].s);
	}
}

UNIT_SUITE(bounce_tests) = {
	{ "bounce: RFC 5322 dates", dates },
	UNIT_END
};
