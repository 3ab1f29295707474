/* libFuzzer harness: a recipient list that parses must write back into
 * one that parses to the same thing, and writing is then a fixed point. */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "rcptlist.h"

static struct rcptlist a, b;
static char out1[RCPTLIST_SIZE], out2[RCPTLIST_SIZE];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n1, n2, i;

	if (size > RCPTLIST_SIZE || rcptlist_parse(&a, (const char *)data, size))
		return 0;
	n1 = rcptlist_format(&a, out1, sizeof out1);
	assert(n1);
	assert(rcptlist_parse(&b, out1, n1) == 0);
	assert(b.nrcpt == a.nrcpt && b.queued == a.queued &&
	       b.attempts == a.attempts && b.sender_len == a.sender_len);
	for (i = 0; i < a.nrcpt; i++)
		assert(b.rcpt[i].len == a.rcpt[i].len &&
		       !memcmp(b.rcpt[i].addr, a.rcpt[i].addr, a.rcpt[i].len));
	n2 = rcptlist_format(&b, out2, sizeof out2);
	assert(n2 == n1 && !memcmp(out1, out2, n1));
	return 0;
}
