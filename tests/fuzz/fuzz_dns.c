/* libFuzzer harness: DNS replies through dnsq_parse_reply, for every
 * question type. Whatever the bytes, the answer stays within its table,
 * a kept name is a NUL-terminated host name, kept TLSA data fits its
 * field, and dane_classify gives one of its states. The same bytes go
 * through dane.h's DER walk as a certificate: the spans it returns lie
 * inside the input. */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "dane.h"
#include "dnsq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dnsq_answer a;
	struct der_span subj, spki;
	int t;

	for (t = DNSQ_A; t <= DNSQ_TXT; t++) {
		int st = dnsq_parse_reply((enum dnsq_type)t, data, size, &a);
		size_t i, usable;
		assert(st == a.status);
		assert(a.n <= DNS_RR_MAX);
		if (st != DNSQ_OK)
			continue;
		for (i = 0; i < a.n; i++) {
			if (t == DNSQ_MX || t == DNSQ_SRV || t == DNSQ_TXT)
				assert(strlen(a.rr[i].name) <= SMTP_DOMAIN_SIZE);
			if (t == DNSQ_TLSA)
				assert(a.rr[i].tlsa.oversize ||
				       a.rr[i].tlsa.len <= DNS_TLSA_DATA_SIZE);
		}
		if (t == DNSQ_TLSA)
			assert(dane_classify(&a, &usable) <= DANE_FAILED &&
			       usable <= a.n);
	}
	if (der_cert_parts(data, size, &subj, &spki) == 0) {
		assert(subj.p >= data && subj.p + subj.len <= data + size);
		assert(spki.p >= data && spki.p + spki.len <= data + size);
	}
	return 0;
}
