/* libFuzzer harness: the configuration-side parsers. The input is a
 * resolv.conf for dnsq_resolvconf, and, split at NUL bytes, an argument
 * vector for smtprc's option parser (opt_next over a small table) and
 * for dnsq_server_parse. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "dnsq.h"
#include "opt.h"

static const struct opt_def defs[] = {
	{ 1, OPT_BOOL, "V", "verbose", 0 },
	{ 2, OPT_STR, "TRIGGER", "trigger", 0 },
	{ 3, OPT_BOOL, "SRV_SELF", "srv-self", 0 },
	{ 4, OPT_STR, 0, "lifetime", 0 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dnsq_conf c;
	struct dnsq_server s;
	char *copy = malloc(size + 1), *argv[64];
	int argc = 0, i = 0, rc;
	size_t k, start = 0;
	struct opt_hit h;
	const char *why;

	memset(&c, 0, sizeof c);
	assert(dnsq_resolvconf((const char *)data, size, &c) <= DNS_SERVERS_MAX);
	memcpy(copy, data, size);
	copy[size] = 0;
	for (k = 0; k <= size && argc < 63; k++)
		if (copy[k] == 0) {
			argv[argc++] = copy + start;
			start = k + 1;
		}
	argv[argc] = 0;
	for (k = 0; k < (size_t)argc; k++)
		if (dnsq_server_parse(argv[k], &s))
			assert(s.port >= 1 && s.port <= 65535);
	while ((rc = opt_next(defs, 4, argc, argv, &i, &h, &why)) > 0)
		assert(i <= argc);
	assert(rc == 0 || why);
	free(copy);
	return 0;
}
