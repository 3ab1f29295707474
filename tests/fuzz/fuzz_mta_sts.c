/* libFuzzer harness: mta_sts.h. The first byte picks the TXT record or
 * the policy. A policy accepted has a known mode, a max_age in range, at
 * most STS_MX_MAX lower-case patterns, each of which allows a host of its
 * own form and no shorter one; written back canonically it reads the
 * same. A TXT record accepted has an id of 1 to 32 letters and digits. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "mta_sts.h"

static struct sts_policy p, q;

static void policy(const char *text, size_t len)
{
	static char canon[STS_MX_MAX * (SMTP_DOMAIN_SIZE + 8) + 128];
	static const char *const modes[] = { "none", "testing", "enforce" };
	char host[SMTP_DOMAIN_SIZE + 2];
	const char *why = 0;
	size_t i, n;

	if (sts_policy_parse(text, len, &p, &why) < 0) {
		assert(why);
		return;
	}
	assert(p.mode <= STS_ENFORCE && p.max_age >= 0 &&
	       p.max_age <= 31557600 && p.nmx <= STS_MX_MAX);
	assert(p.mode == STS_NONE || p.nmx);
	n = (size_t)snprintf(canon, sizeof canon, "version: STSv1\nmode: %s\n"
			     "max_age: %lld\n", modes[p.mode], p.max_age);
	for (i = 0; i < p.nmx; i++) {
		const char *m = p.mx[i], *c;
		for (c = m; *c; c++)
			assert(!(*c >= 'A' && *c <= 'Z'));
		snprintf(host, sizeof host, "%s%s", m[0] == '*' ? "x" : "",
			 m[0] == '*' ? m + 1 : m);
		assert(sts_mx_match(&p, host));
		n += (size_t)snprintf(canon + n, sizeof canon - n, "mx: %s\n", m);
	}
	assert(sts_policy_parse(canon, n, &q, &why) == 0);
	assert(q.mode == p.mode && q.max_age == p.max_age && q.nmx == p.nmx);
	for (i = 0; i < p.nmx; i++)
		assert(!strcmp(q.mx[i], p.mx[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = 0;
	char id[33];
	size_t i;
	int rc;

	if (!size)
		return 0;
	if (data[0] & 1) {
		policy((const char *)data + 1, size - 1);
		return 0;
	}
	rc = sts_txt_parse((const char *)data + 1, size - 1, id, &why);
	assert(rc >= -1 && rc <= 1);
	if (rc == 1) {
		assert(id[0] && strlen(id) <= 32);
		for (i = 0; id[i]; i++)
			assert((id[i] >= '0' && id[i] <= '9') ||
			       ((id[i] | 0x20) >= 'a' && (id[i] | 0x20) <= 'z'));
	} else {
		assert(!id[0] && (rc == 0 || why));
	}
	return 0;
}
