/* test_err.c: err.h, the errno texts (libc's wording, or "error N"). */
#include <errno.h>
#include <stdlib.h>
#include "err.h"
#include "unit.h"

static void errno_texts(void)
{
	char other[24];
	int e, known = 0;

	CHECK_STR(err_errno(ENOENT), "No such file or directory");
	CHECK_STR(err_errno(ENOSPC), "No space left on device");
	CHECK_STR(err_errno(ECONNREFUSED), "Connection refused");
	CHECK_STR(err_errno(EDQUOT), "Quota exceeded");
	CHECK_STR(err_errno(EKEYREVOKED) , (snprintf(other, sizeof other,
		  "error %d", EKEYREVOKED), other));
	/* Every text it knows is libc's own (this binary links musl). */
	for (e = 1; e < 1200; e++) {
		const char *t = err_errno(e);
		if (!strncmp(t, "error ", 6))
			continue;
		known++;
		CHECK_STR(t, strerror(e));
	}
	CHECK(known >= 50);
}

UNIT_SUITE(err_tests) = {
	{ "err: errno texts in libc's words, a number for the rare ones",
	  errno_texts },
	UNIT_END
};
