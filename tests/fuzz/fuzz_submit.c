/* libFuzzer harness: what sendmail and smtppd parse from outside. The
 * input is, in turn, a message's header section (header_scan,
 * header_next, and header_addr_next over every field value), a maildrop
 * entry (maildrop_parse, DSN lines included) and a run file
 * (runfile_parse); every pointer they return must lie inside the input.
 * The input as an address and a domain: addr_valid and addr_smtp_form
 * agree, and idna_to_ascii's A-labels are a valid ASCII domain. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "addr.h"
#include "config.h"
#include "header.h"
#include "idna.h"
#include "maildrop.h"
#include "runfile.h"
#include "route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t hdr_end, body_off, pos = 0, i;
	struct header_field f;
	struct maildrop_env *e = malloc(sizeof *e);
	struct runfile r;
	char out[SMTP_PATH_SIZE], *copy;
	int blank;

	if (header_scan(buf, size, 1, &hdr_end, &body_off, &blank)) {
		assert(hdr_end <= body_off && body_off <= size);
		while (header_next(buf, hdr_end, &pos, &f)) {
			size_t p = 0;
			int n = 0;
			assert(f.start < f.end && f.end <= hdr_end);
			assert(f.val <= f.val_end && f.val_end <= f.end);
			while (header_addr_next(buf + f.val, f.val_end - f.val, &p,
						out, sizeof out) > 0 && n++ < 1000)
				assert(strlen(out) < sizeof out);
			assert(n < 1000);
		}
	}
	assert(header_scan(buf, size, 0, &hdr_end, &body_off, &blank) == 0 ||
	       body_off <= size);
	if (maildrop_parse(e, buf, size) == 0) {
		assert(e->msg_off <= size && e->nrcpt >= 1 &&
		       e->nrcpt <= MAILDROP_RCPT_MAX);
		for (i = 0; i < e->nrcpt; i++) {
			assert(e->rcpt[i].addr >= buf &&
			       e->rcpt[i].addr + e->rcpt[i].len <= buf + size);
			assert(!e->dsn[i].orcpt_len ||
			       (e->dsn[i].orcpt >= buf && e->dsn[i].orcpt +
				e->dsn[i].orcpt_len <= buf + size));
		}
		assert(!e->dsn_msg.envid_len || (e->dsn_msg.envid >= buf &&
		       e->dsn_msg.envid + e->dsn_msg.envid_len <= buf + size));
	}
	free(e);
	if (size < SMTP_PATH_SIZE && addr_valid(buf, size)) {
		char w[SMTP_PATH_SIZE + 2];
		size_t n = addr_smtp_form(buf, size, w, sizeof w);
		assert(n >= size && addr_path_end(w, n) == n);
	}
	{
		char a[SMTP_DOMAIN_SIZE + 1];
		int n = idna_to_ascii(buf, size, a, sizeof a);
		assert(n < 0 || (addr_domain_valid(a, (size_t)n) &&
				 (size_t)n == strlen(a)));
	}
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = 0;
	if (runfile_parse(&r, copy, size, "/run") == 0)
		assert(r.program && r.argc >= 1 && r.argc <= RUNFILE_ARGS_MAX);
	if (!memchr(data, 0, size) && !route_check(copy))
		assert(route_find((const char *const *)&copy, 1, "*") == 0 ||
		       copy[0] == '*');
	free(copy);
	return 0;
}
