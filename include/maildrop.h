/* maildrop.h: maildrop entries (docs/queue.md), the input of the posting
 * office. An entry is an envelope of "key value" lines, an empty line, and
 * the message exactly as stored (Unix line ends):
 *
 *   smtprc-maildrop 1
 *   sender <>
 *   rcpt <alice@example.org>
 *   (empty line)
 *   From: ...
 */
#ifndef MAILDROP_H
#define MAILDROP_H

#include <stddef.h>
#include "config.h"
#include "wbuf.h"

struct maildrop_addr {
	const char *addr;  /* without angle brackets, inside the buffer */
	size_t len;
};

struct maildrop_env {
	struct maildrop_addr sender;      /* len 0: the null reverse-path */
	struct maildrop_addr rcpt[MAILDROP_RCPT_MAX];
	size_t nrcpt;
	size_t msg_off;   /* where the message starts in the buffer */
	const char *err;  /* after a failed parse: what is wrong */
};

/* Parses the envelope at the start of buf[0..len) (the whole entry or its
 * first MAILDROP_ENVELOPE_SIZE bytes). Returns 0, or E_LIST with err set:
 * a wrong first line, a line other than "sender <...>" once then "rcpt
 * <...>", an address with control characters, spaces outside quotes or
 * over SMTP_PATH_SIZE, no recipient, more than MAILDROP_RCPT_MAX, or no
 * empty line within len. Recipient domains are not judged here: the
 * posting office bounces those it cannot route. */
int maildrop_parse(struct maildrop_env *e, const char *buf, size_t len);

/* Writes the envelope of an entry with one sender and n recipients. */
void maildrop_put_envelope(struct wbuf *w, const char *sender,
			   size_t sender_len, const char *const *rcpt,
			   const size_t *rcpt_len, size_t n);

#endif
