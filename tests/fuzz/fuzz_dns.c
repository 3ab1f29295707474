/* libFuzzer harness: DNS replies through dnsq_parse_reply, for every
 * question type. Whatever the bytes, the answer stays within its table
 * and a kept name is a NUL-terminated host name. */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "dnsq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dnsq_answer a;
	int t;

	for (t = DNSQ_A; t <= DNSQ_TLSA; t++) {
		int st = dnsq_parse_reply((enum dnsq_type)t, data, size, &a);
		assert(st == a.status);
		assert(a.n <= DNS_RR_MAX);
		if (st == DNSQ_OK) {
			size_t i;
			for (i = 0; i < a.n; i++)
				assert(strlen(a.rr[i].name) <= SMTP_DOMAIN_SIZE);
		}
	}
	return 0;
}
