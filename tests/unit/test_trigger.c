/* test_trigger.c: trigger.h, semaphore names. */
#include "err.h"
#include "locate.h"
#include "opt.h"
#include "outcome.h"
#include "trigger.h"
#include "unit.h"

static void trigger_names(void)
{
	char out[64];
	CHECK(trigger_path("\\SEM32\\IU\\SMTP\\PD", "/run/sem", out, sizeof out) == 0);
	CHECK_STR(out, "/run/sem/IU/SMTP/PD");
	CHECK(trigger_path("/var/q/pd.fifo", "/run/sem", out, sizeof out) == 0);
	CHECK_STR(out, "/var/q/pd.fifo");
	CHECK(trigger_path("\\SEM32\\X", "/a-very-long-directory-name-indeed-that-is",
			   out, 40) < 0);
}

UNIT_SUITE(trigger_tests) = {
	{ "trigger: OS/2 semaphore names map to FIFO paths", trigger_names },
	UNIT_END
};
