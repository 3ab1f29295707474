/* libFuzzer harness: EHLO keyword lines. */
#include <stdint.h>
#include "smtp_ehlo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtp_ehlo e;
	smtp_ehlo_init(&e);
	smtp_ehlo_line(&e, (const char *)data, size);
	return 0;
}
