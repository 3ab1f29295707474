/* libFuzzer harness: the session fed arbitrary server lines. The first
 * byte's bits: 1 EHLO, 2 implicit TLS with credentials (4: an OAuth
 * token, 8: OAUTHBEARER, 16: the longest token), whose AUTH line must
 * decode to exactly the mechanism's initial response. Bytes 0x01
 * to 0x04 are client events (start a transaction, lose the connection,
 * quit, queue the next transaction behind a final dot); everything else
 * is split into lines fed as replies. The session
 * must never write outside its buffer or emit anything but whole CR LF
 * terminated commands, and always reach a state the caller can act on. */
#include <assert.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "b64.h"
#include "err.h"
#include "smtp_session.h"

static char token[SMTP_OAUTH_TOKEN_MAX + 1];

/* An emitted AUTH XOAUTH2 line decodes to what RFC 7628 / Google say. */
static void check_oauth_line(const char *out, size_t n)
{
	static char raw[SMTP_OUT_SIZE], want[SMTP_OUT_SIZE];
	size_t wl;
	long rl;

	if (n < 13 || memcmp(out, "AUTH XOAUTH2 ", 13))
		return;
	rl = b64_decode(out + 13, n - 15, raw, sizeof raw);
	wl = (size_t)snprintf(want, sizeof want, "user=u@x.test\001auth=Bearer "
			      "%s\001\001", token);
	assert(rl >= 0 && (size_t)rl == wl && !memcmp(raw, want, wl));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct smtp_session s;
	static struct smtp_txn t[2];
	static struct smtp_txn_rcpt r[2][3];
	char out[SMTP_OUT_SIZE];
	size_t i = 0, steps = 0, k;
	int cur = 0;

	smtp_session_init(&s, "fuzz.test", size && (data[0] & 1));
	if (size && (data[0] & 2)) {
		size_t tl = data[0] & 16 ? SMTP_OAUTH_TOKEN_MAX : 20;
		memset(token, 'T', tl);
		token[tl] = 0;
		smtp_session_tls_implicit(&s);
		if (data[0] & 4)
			smtp_session_set_oauth(&s, "u@x.test", token, data[0] & 8
					       ? SMTP_AUTH_OAUTHBEARER
					       : SMTP_AUTH_XOAUTH2, "h.test", 587);
		else
			smtp_session_set_auth(&s, "u@x.test", "secret");
	}
	for (k = 0; k < 2; k++) {
		memset(&t[k], 0, sizeof t[k]);
		r[k][0].addr = "a@b.test"; r[k][0].len = 8;
		r[k][1].addr = "c@b.test"; r[k][1].len = 8;
		r[k][2].addr = "d@b.test"; r[k][2].len = 8;
		t[k].sender = "s@x.test";
		t[k].sender_len = 8;
		t[k].rcpt = r[k];
		t[k].nrcpt = size > 1 ? (size_t)(data[1] + k) % 3 + 1 : 1;
		t[k].size = 100;
	}
	while (steps++ < 10000) {
		enum smtp_want w = smtp_session_want(&s);
		if (w == SMTP_DONE)
			break;
		if (w == SMTP_WANT_WRITE) {
			size_t n = smtp_session_emit(&s, out, sizeof out);
			assert(n >= 2 && n <= sizeof out);
			assert(out[n - 2] == '\r' && out[n - 1] == '\n');
			check_oauth_line(out, n);
			continue;
		}
		if (w == SMTP_TXN_DONE) {
			/* The earlier one first, when one was queued. */
			assert(!s.prev || s.prev == &t[!cur]);
			smtp_session_txn_done(&s);
			continue;
		}
		if (w == SMTP_WANT_BODY) {
			smtp_session_body_done(&s);
			continue;
		}
		if (i >= size) {
			if (w == SMTP_WANT_TXN)
				smtp_session_quit(&s);
			else
				smtp_session_fail(&s, E_LOST, "end of input");
			continue;
		}
		if (data[i] == 1 && w == SMTP_WANT_TXN) {
			smtp_session_txn(&s, &t[cur ^= 1]);
			i++;
		} else if (data[i] == 4 && smtp_session_can_queue(&s)) {
			smtp_session_txn(&s, &t[cur ^= 1]);
			i++;
		} else if (data[i] == 2) {
			smtp_session_fail(&s, E_LOST, "lost");
			i++;
		} else if (data[i] == 3 && w == SMTP_WANT_TXN) {
			smtp_session_quit(&s);
			i++;
		} else if (w == SMTP_WANT_TXN) {
			smtp_session_txn(&s, &t[cur ^= 1]);
		} else {
			const uint8_t *nl = memchr(data + i, '\n', size - i);
			size_t len = nl ? (size_t)(nl - data - i) : size - i;
			smtp_session_line(&s, (const char *)data + i, len);
			i += len + (nl != 0);
		}
	}
	assert(steps < 10000);
	return 0;
}
