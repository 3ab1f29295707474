/* maildrop.h: maildrop entries (docs/queue.md), the input of the posting
 * office. An entry is an envelope of "key value" lines, an empty line, and
 * the message exactly as stored (Unix line ends):
 *
 *   smtprc-maildrop 1
 *   sender <>
 *   rcpt <alice@example.org>
 *   (empty line)
 *   From: ...
 *
 * Version 2 is version 1 with DSN lines (dsn.h), written only when the
 * sender asked for DSN (sendmail -N, -R, -V):
 *
 *   smtprc-maildrop 2
 *   sender <bob@example.org>
 *   envid QQ314159
 *   ret hdrs
 *   rcpt <alice@example.org>
 *   notify success,failure
 *   orcpt rfc822;alice@example.org
 */
#ifndef MAILDROP_H
#define MAILDROP_H

#include <stddef.h>
#include "config.h"
#include "dsn.h"
#include "wbuf.h"

struct maildrop_addr {
	const char *addr;  /* without angle brackets, inside the buffer */
	size_t len;
};

struct maildrop_env {
	struct maildrop_addr sender;      /* len 0: the null reverse-path */
	struct maildrop_addr rcpt[MAILDROP_RCPT_MAX];
	struct dsn_rcpt dsn[MAILDROP_RCPT_MAX]; /* each recipient's NOTIFY,
						  ORCPT (version 2) */
	struct dsn_msg dsn_msg;           /* ENVID, RET (version 2) */
	size_t nrcpt;
	size_t msg_off;   /* where the message starts in the buffer */
	const char *err;  /* after a failed parse: what is wrong */
};

/* Parses the envelope at the start of buf[0..len) (the whole entry or its
 * first MAILDROP_ENVELOPE_SIZE bytes). Returns 0, or E_LIST with err set:
 * a wrong first line, a line other than "sender <...>" once then "rcpt
 * <...>" (in version 2 also "envid" and "ret" before the first rcpt,
 * "notify" and "orcpt" after one: dsn.h), a malformed sender, a recipient
 * with control characters, no recipient, more than MAILDROP_RCPT_MAX, or
 * no empty line within len. Recipient addresses are not judged here: the
 * posting office bounces those it cannot route. */
int maildrop_parse(struct maildrop_env *e, const char *buf, size_t len);

/* Writes the envelope of an entry with one sender and n recipients;
 * version 2 when dm or dr (n entries, or NULL) carry DSN fields. */
void maildrop_put_envelope(struct wbuf *w, const char *sender,
			   size_t sender_len, const char *const *rcpt,
			   const size_t *rcpt_len, size_t n,
			   const struct dsn_msg *dm, const struct dsn_rcpt *dr);

#endif
