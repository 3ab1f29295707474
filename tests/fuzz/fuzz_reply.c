/* libFuzzer harness: reply line splitting and reply assembly. */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "err.h"
#include "smtp_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct smtp_reply r;
	size_t len, used;
	char st[12];

	smtp_reply_init(&r);
	while (size) {
		int rc = smtp_line_find(p, size, &len, &used);
		if (rc <= 0)
			break;
		assert(used <= size && len < used && used <= SMTP_REPLY_LINE_SIZE);
		rc = smtp_reply_line(&r, p, len);
		assert(r.text_len < sizeof r.text && r.text[r.text_len] == 0);
		assert(strlen(r.text) == r.text_len);
		if (rc < 0) {
			smtp_reply_init(&r);
		} else if (rc == 1) {
			assert(r.code >= 200 && r.code <= 599);
			if (smtp_reply_status(r.text, st))
				assert(st[0] == r.text[0]);
			smtp_reply_init(&r);
		}
		p += used;
		size -= used;
	}
	return 0;
}
