/* assert_fail.c: where a failed assert() ends. udns checks itself with
 * assert(), and musl's __assert_fail prints through fprintf, which alone
 * would link all of stdio (8 KB on armhf): the same line through fmt.h,
 * then abort(). */
#include <assert.h>
#include <stdlib.h>
#include "fmt.h"

_Noreturn void __assert_fail(const char *expr, const char *file, int line,
			     const char *func)
{
	fmt_fd(2, "Assertion failed: %s (%s: %s: %d)\n", expr, file, func, line);
	abort();
}
